"""The fonts a document can be set in. All ship in templates/fonts, so every PDF embeds them."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .languages import N_
from .resources import TEMPLATES_DIR

FONT_DIR = TEMPLATES_DIR / "fonts"


@dataclass(frozen=True)
class Face:
    file: str
    weight: int = 400
    style: str = "normal"


@dataclass(frozen=True)
class Font:
    """One choice of --font: a family for body text and headings, and its files."""

    label: str
    family: str
    faces: tuple[Face, ...] = ()  # empty: declared in the style sheet itself

    def files(self) -> list[str]:
        return [face.file for face in self.faces]


DEFAULT_FONT = "noto"
FONTS: dict[str, Font] = {
    "noto": Font(N_("Noto Sans, with Noto Serif headings (the house style)"), "Noto Sans"),
    "atkinson": Font(
        N_("Atkinson Hyperlegible, made by the Braille Institute for low-vision readers"),
        "Atkinson Hyperlegible",
        (
            Face("AtkinsonHyperlegible-Regular.ttf"),
            Face("AtkinsonHyperlegible-Bold.ttf", 700),
            Face("AtkinsonHyperlegible-Italic.ttf", 400, "italic"),
            Face("AtkinsonHyperlegible-BoldItalic.ttf", 700, "italic"),
        ),
    ),
    "lexend": Font(
        N_("Lexend, wide letters and spacing designed for reading fluency"),
        "Lexend",
        (Face("Lexend-Regular.ttf"), Face("Lexend-Bold.ttf", 700)),
    ),
    "opendyslexic": Font(
        N_("OpenDyslexic, weighted letter shapes for readers with dyslexia"),
        "OpenDyslexic",
        (
            Face("OpenDyslexic-Regular.otf"),
            Face("OpenDyslexic-Bold.otf", 700),
            Face("OpenDyslexic-Italic.otf", 400, "italic"),
            Face("OpenDyslexic-BoldItalic.otf", 700, "italic"),
        ),
    ),
}


# --- the fallback for scripts the chosen font lacks ------------------------------------------

HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))


@dataclass(frozen=True)
class Fallback:
    """One fallback font, and the characters it is used for (empty: all it has)."""

    family: str
    file: str
    ranges: tuple[tuple[int, int], ...] = ()

    @property
    def unicode_range(self) -> str:
        """The ranges as a CSS unicode-range, e.g. 'U+AC00-D7FF'."""
        return ", ".join(f"U+{start:X}-{end:X}" for start, end in self.ranges)

    def covers(self, code: int) -> bool:
        return not self.ranges or any(start <= code <= end for start, end in self.ranges)


# Tried in this order after the chosen font (base.html lists them as --script-fallback). Each
# needs a family of its own: WeasyPrint tells fonts apart by family, weight and style, so two
# files of one family would share one PDF font and print each other's glyphs. Regular weights
# only, to keep the package small: a bold name in these scripts prints in the regular weight.
FALLBACKS = (
    Fallback("Noto Sans Arabic", "NotoSansArabic-Regular.ttf"),  # Arabic, Persian, Urdu
    Fallback("Noto Sans Hebrew", "NotoSansHebrew-Regular.ttf"),
    Fallback("Noto Sans Devanagari", "NotoSansDevanagari-Regular.ttf"),  # Hindi, Marathi
    Fallback("Noto Sans Bengali", "NotoSansBengali-Regular.ttf"),
    Fallback("Noto Sans Tamil", "NotoSansTamil-Regular.ttf"),
    Fallback("Noto Sans Thai", "NotoSansThai-Regular.ttf"),
    # Korean; its Chinese characters are left to Droid, so a Chinese name looks Chinese.
    Fallback("NanumSquare", "NanumSquareR.ttf", HANGUL),
    Fallback("Droid Sans Fallback", "DroidSansFallbackFull.ttf"),  # Chinese, Japanese
)
# Between the chosen font and the fallbacks: Cyrillic, Greek and Vietnamese in any --font.
NAME_FONT = Fallback("Noto Sans", "NotoSans-Bold.ttf")
BOLD_FILES = {"noto": "NotoSans-Bold.ttf"}


# Characters every document prints without the fallbacks above (tests/test_names.py holds each
# face to it): Latin-1 and the usual quotes and dashes. Every shipped face prints them, but for
# the no-break space of a Spanish page ("CC\u00a0BY\u00a04.0"), which OpenDyslexic's bold and
# italic faces lack: a chosen font is always followed by Noto Sans (base.html), which has it. A
# document made only of these leaves the fallbacks out, and skips registering eight fonts (some
# megabytes of copies) and laying out its template a second time.
COMMON = frozenset(
    "\t\n\r"
    + "".join(chr(code) for code in (*range(0x20, 0x7F), *range(0xA0, 0x100)))
    + "\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2022\u2026\u2039\u203a\u20ac"
)


def needs_fallbacks(html: str) -> bool:
    """Whether a document has a letter outside COMMON. (Drawings shown as pictures set their
    own fonts: the fallbacks never reach them.)"""
    return not COMMON.issuperset(html)


# --- measuring text, to fit a name into its place and to catch letters no font can print ----


def bold_file(name: str) -> str:
    """The bold face of a font choice, as used for names."""
    chosen = FONTS[name]
    bold = [f.file for f in chosen.faces if f.weight == 700 and f.style == "normal"]
    return BOLD_FILES.get(name) or bold[0]


def name_faces(name: str) -> tuple[Fallback, ...]:
    """The faces a name is printed in, in the order they are tried for each letter."""
    return (Fallback(FONTS[name].family, bold_file(name)), NAME_FONT, *FALLBACKS)


@lru_cache(maxsize=16)
def _metrics(file: str) -> tuple[dict[int, int], float]:
    """Each character's advance width as a share of the font size, from the font file."""
    from fontTools.ttLib import TTFont

    with TTFont(FONT_DIR / file, lazy=True) as face:
        units = face["head"].unitsPerEm
        widths = face["hmtx"].metrics
        advances = {code: widths[glyph][0] / units for code, glyph in face.getBestCmap().items()}
    return advances, units


def _advance(char: str, faces: tuple[Fallback, ...]) -> float | None:
    code = ord(char)
    for face in faces:
        width = _metrics(face.file)[0].get(code)
        if width is not None and face.covers(code):
            return width
    return None


def text_width(text: str, name: str, size: float) -> float:
    """Width in points of text set in the bold face of a font choice (unknown letters: 1 em)."""
    faces = name_faces(name)
    return sum((_advance(char, faces) or 1.0) for char in text) * size


def _invisible(char: str) -> bool:
    """Spaces and formatting characters (joiners, variation selectors) need no glyph."""
    return char.isspace() or unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F


def unprintable(text: str, name: str) -> str:
    """The letters of text that neither the chosen font nor any fallback can print."""
    faces = name_faces(name)
    missing = (c for c in text if not _invisible(c) and _advance(c, faces) is None)
    return "".join(dict.fromkeys(missing))


def unprintable_problem(text: str, name: str) -> str | None:
    """Why text cannot be printed, naming code points only: the letters may be a client's name
    and must not reach a terminal, a log or a report."""
    missing = unprintable(text, name)
    if not missing:
        return None
    count = f"{len(missing)} character{'s' if len(missing) != 1 else ''}"
    return f"contains characters no shipped font can print ({count}, e.g. U+{ord(missing[0]):04X})"


def fitted_size(text: str, name: str, size: float, width: float, smallest: float) -> float | None:
    """The largest size, in half points, at which text fits the width; None if not even the
    smallest does."""
    needed = text_width(text, name, size)
    if needed <= width:
        return size
    fitted = int(size * width / needed * 2) / 2
    return fitted if fitted >= smallest else None
