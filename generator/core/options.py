"""Layout options in one place: the papers, fonts and print variants there are, their defaults,
and the rule that settles a choice left open (the command line or packet first, then the
practice profile, then the defaults). Nothing else defines or checks these choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from . import fonts
from .errors import ProblemsFound, field_problem
from .fonts import DEFAULT_FONT, FALLBACKS, FONTS, NAME_FONT, Font
from .languages import SOURCE, Languages
from .languages import parse as parse_languages

if TYPE_CHECKING:  # profiles checks its paper and font with this module's rules
    from .profiles import Practice

PAGE_SIZES = {"letter": "letter", "a4": "A4"}  # a --paper choice, and its CSS page size
PAPERS = tuple(PAGE_SIZES)
DEFAULT_PAPER = "letter"
FLAGS = ("fillable", "large_print", "ink_saver")  # print variants that combine freely
# The one palette of pages and drawings alike: the house colours, a practice's brand colour in
# place of the house teal, and black on white for the ink saver.
HOUSE = {"brand": "#24606a", "accent": "#b5652b", "ink": "#1d2426", "muted": "#5a6568"}
INK_SAVER = {"brand": "#1a1a1a", "accent": "#1a1a1a", "ink": "#1a1a1a", "muted": "#404040"}


@dataclass(frozen=True)
class Options:
    """How a document is laid out."""

    paper: str = ""  # "" until settled: the practice's default, else DEFAULT_PAPER
    combined: bool = False
    fillable: bool = False
    large_print: bool = False
    ink_saver: bool = False
    font: str = ""
    duplex: bool = False  # packets: each module starts on a right-hand page
    brand: str = ""  # the practice's colour as #rrggbb, in place of the house teal
    # What the pages are printed in: a language ('es'), or two ('es+en': Spanish with English
    # alongside); "" until settled: the practice's default, else English.
    language: str = ""
    region: str = ""  # whose crisis and safety lines print (a key of regions.yaml), if any
    fallback: bool = False  # a module missing in the language is printed in English instead
    # The discreet edition (core/discreet.py): for a client whose pages someone else may read.
    discreet: bool = False
    phone: bool = False  # components drawn as a phone copy's form controls (templates/phone/)

    @property
    def languages(self) -> Languages:
        """The settled language choice, parsed."""
        return parse_languages(self.language or SOURCE)

    @property
    def classes(self) -> str:
        """Classes on the root element that switch on each print variant in the style sheet."""
        flags = {
            "fillable": self.fillable,
            "large-print": self.large_print,
            "ink-saver": self.ink_saver,
            "duplex": self.duplex,
            "bilingual": "+" in self.language,
        }
        return " ".join(
            [*(name for name, on in flags.items() if on), f"font-{self.font or DEFAULT_FONT}"]
        )


@dataclass(frozen=True)
class Settled(Options):
    """Options with every choice made: paper, font and language chosen (from the user, else the
    practice, else the defaults) and the language parsed once. Only settle() makes them, and
    nothing after it chooses a default again."""

    parsed: Languages = field(default=Languages(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "parsed", parse_languages(self.language or SOURCE))

    @property
    def languages(self) -> Languages:
        return self.parsed


def palette(options: Options) -> dict[str, str]:
    """The colours a page and its drawings are printed in."""
    if options.ink_saver:
        return INK_SAVER
    return HOUSE | ({"brand": options.brand} if options.brand else {})


def paper_problem(value: Any) -> str | None:
    """Why a paper choice is not one there is, else None."""
    if isinstance(value, str) and value.lower() in PAGE_SIZES:
        return None
    return f"expected {' or '.join(PAPERS)}, got {value!r}"


def font_problem(value: Any) -> str | None:
    """Why a font choice is not one there is, else None."""
    if isinstance(value, str) and value in FONTS:
        return None
    return f"expected one of {', '.join(FONTS)}, got {value!r}"


def font(name: str) -> Font:
    """The font of this name, after making sure every one of its files is present."""
    problem = font_problem(name)
    if problem:
        raise ProblemsFound([field_problem("font", problem)])
    chosen = FONTS[name]
    needed = [*chosen.files(), NAME_FONT.file, *(face.file for face in FALLBACKS)]
    missing = [file for file in needed if not (fonts.FONT_DIR / file).is_file()]
    if missing:
        message = (
            f"{name}: missing font file(s) {', '.join(missing)} in {fonts.FONT_DIR}; "
            "reinstall with 'make demo' or pip"
        )
        raise ProblemsFound([field_problem("font", message)])
    return chosen


def settle(
    options: Options, practice: Practice, combined: bool = False, region_paper: str = ""
) -> Settled:
    """Fill in what the user left open from the practice profile, then the region's paper (A4
    in Spain), then the defaults."""
    chosen = options.font or practice.font or DEFAULT_FONT
    font(chosen)  # a missing font file is an error before anything renders
    given = {f.name: getattr(options, f.name) for f in fields(Options)}
    return Settled(
        **given
        | {
            "paper": options.paper or practice.paper or region_paper or DEFAULT_PAPER,
            "font": chosen,
            "combined": combined,
            "brand": options.brand or practice.brand_color,
            "language": settled_language(options, practice),
            "region": options.region or practice.region,
        }
    )


def settled_language(options: Options, practice: Practice) -> str:
    """The language asked for, else the practice's, else English; checked (a problem of the
    'language' field)."""
    if options.language:
        return parse_languages(options.language).code
    chosen = practice.language
    return parse_languages(chosen, "the practice profile's 'language'").code if chosen else SOURCE


def layered(given: Options, chosen: Mapping[str, Any], duplex: bool | None = None) -> Options:
    """A packet file's own options ('chosen') with what was asked for on top; duplex as given,
    else the packet's."""
    return Options(
        paper=given.paper or chosen.get("paper", ""),
        font=given.font,
        language=given.language,
        region=given.region,
        fallback=given.fallback,
        duplex=duplex if duplex is not None else chosen.get("duplex", False),
        **{flag: getattr(given, flag) or chosen.get(flag, False) for flag in FLAGS},
    )
