"""The fonts a document can be set in. All ship in templates/fonts, so every PDF embeds them."""

from __future__ import annotations

from dataclasses import dataclass

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
