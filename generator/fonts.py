"""The fonts a document can be set in. All ship in templates/fonts, so every PDF embeds them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .errors import HandoutError
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
    "noto": Font("Noto Sans, with Noto Serif headings (the house style)", "Noto Sans"),
    "atkinson": Font(
        "Atkinson Hyperlegible, made by the Braille Institute for low-vision readers",
        "Atkinson Hyperlegible",
        (
            Face("AtkinsonHyperlegible-Regular.ttf"),
            Face("AtkinsonHyperlegible-Bold.ttf", 700),
            Face("AtkinsonHyperlegible-Italic.ttf", 400, "italic"),
            Face("AtkinsonHyperlegible-BoldItalic.ttf", 700, "italic"),
        ),
    ),
    "lexend": Font(
        "Lexend, wide letters and spacing designed for reading fluency",
        "Lexend",
        (Face("Lexend-Regular.ttf"), Face("Lexend-Bold.ttf", 700)),
    ),
    "opendyslexic": Font(
        "OpenDyslexic, weighted letter shapes for readers with dyslexia",
        "OpenDyslexic",
        (
            Face("OpenDyslexic-Regular.otf"),
            Face("OpenDyslexic-Bold.otf", 700),
            Face("OpenDyslexic-Italic.otf", 400, "italic"),
            Face("OpenDyslexic-BoldItalic.otf", 700, "italic"),
        ),
    ),
}


def font(name: str) -> Font:
    """The font of this name, after making sure every one of its files is present."""
    if name not in FONTS:
        raise HandoutError(f"--font: expected one of {', '.join(FONTS)}, got {name!r}")
    chosen = FONTS[name]
    missing = [file for file in chosen.files() if not (FONT_DIR / file).is_file()]
    if missing:
        raise HandoutError(
            f"--font {name}: missing font file(s) {', '.join(missing)} in "
            f"{FONT_DIR}; reinstall with 'make demo' or pip"
        )
    return chosen


# --- measuring text, to fit a name into its place and to catch letters no font can print ----

FALLBACK_FILE = "DroidSansFallbackFull.ttf"  # Chinese, Japanese and Korean names
BOLD_FILES = {"noto": "NotoSans-Bold.ttf"}


def bold_file(name: str) -> str:
    """The bold face of a font choice, as used for names."""
    chosen = FONTS[name]
    bold = [f.file for f in chosen.faces if f.weight == 700 and f.style == "normal"]
    return BOLD_FILES.get(name) or bold[0]


@lru_cache(maxsize=16)
def _metrics(file: str) -> tuple[dict[int, int], float]:
    """Each character's advance width as a share of the font size, from the font file."""
    from fontTools.ttLib import TTFont

    with TTFont(FONT_DIR / file, lazy=True) as face:
        units = face["head"].unitsPerEm
        widths = face["hmtx"].metrics
        advances = {code: widths[glyph][0] / units for code, glyph in face.getBestCmap().items()}
    return advances, units


def _advance(char: str, faces: tuple[str, ...]) -> float | None:
    for file in faces:
        width = _metrics(file)[0].get(ord(char))
        if width is not None:
            return width
    return None


def text_width(text: str, name: str, size: float) -> float:
    """Width in points of text set in the bold face of a font choice (unknown letters: 1 em)."""
    faces = (bold_file(name), FALLBACK_FILE)
    return sum((_advance(char, faces) or 1.0) for char in text) * size


def unprintable(text: str, name: str) -> str:
    """The letters of text that neither the chosen font nor the fallback can print."""
    faces = (bold_file(name), FALLBACK_FILE)
    missing = (c for c in text if not c.isspace() and _advance(c, faces) is None)
    return "".join(dict.fromkeys(missing))


def fitted_size(text: str, name: str, size: float, width: float, smallest: float) -> float | None:
    """The largest size, in half points, at which text fits the width; None if not even the
    smallest does."""
    needed = text_width(text, name, size)
    if needed <= width:
        return size
    fitted = int(size * width / needed * 2) / 2
    return fitted if fitted >= smallest else None
