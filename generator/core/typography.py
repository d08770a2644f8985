"""Small rules of Spanish typesetting: a paragraph's last word never on a line of its own, and
the article Spanish puts before a title ('una nota de la Dra. Ibáñez', 'del Dr. Ruiz')."""

from __future__ import annotations

import re

# The last two words of a paragraph or list item are bound by a no-break space when the last
# is short, so a line never holds only 'zona.' or 'que'. Only plain words (no tags between).
RUNT = re.compile(r"(?<=[^\s<>])[ \t\n]+([^\s<>]{1,18})(?=</(?:p|li)>)")
NBSP = "\u00a0"
SPANISH = ("es",)

# Titles whose article is fixed; 'Lic.', 'Psic.' and 'Prof.' name men and women alike, so their
# article follows the given name (most Spanish given names ending in 'a' are women's).
FEMININE = ("dra", "mtra", "lcda", "licda", "lda", "profa", "psica", "sra", "srta")
MASCULINE = ("dr", "mtro", "lcdo", "licdo", "ldo", "sr")
EITHER = ("lic", "psic", "prof")
MEN_ENDING_IN_A = ("borja", "luca", "josema", "nicola", "andrea")  # Andrea: Italian men's name


def bind_last_words(html: str, language: str) -> str:
    """The page's HTML with each paragraph's short last word bound to the word before it."""
    if language.split("+")[0] not in SPANISH:
        return html
    return RUNT.sub(lambda m: NBSP + m.group(1), html)


def from_name(language: str, name: str) -> str:
    """'from' and the name as the language says it: in Spanish 'de la Dra. Begoña Ibáñez',
    'del Dr. Luis Ruiz', 'de Begoña Ibáñez'; other languages the name alone."""
    if language != "es":
        return name
    words = name.split()
    title = words[0].rstrip(".").lower() if words else ""
    if title in FEMININE or (title in EITHER and _feminine_given(words[1:])):
        return f"de la {name}"
    if title in MASCULINE or title in EITHER:
        return f"del {name}"
    return f"de {name}"


def _feminine_given(rest: list[str]) -> bool:
    given = rest[0].lower() if rest else ""
    return given.endswith("a") and given not in MEN_ENDING_IN_A
