"""Languages: which ones a document can be printed in, their catalogues of page strings (gettext,
read from generator/locale/LANG/LC_MESSAGES/handouts.po) and their dates (Babel).

English is the language the strings are written in; every other language is a catalogue. A
document is in one language ('es'), or in two ('es+en': Spanish, with English alongside)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .errors import ProblemsFound, field_problem
from .typography import from_name

if TYPE_CHECKING:
    from babel.support import Translations

SOURCE = "en"  # the language the modules and the page strings are first written in
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "handouts"
# What each language is called in itself, for the app's switch and the messages.
NAMES = {"en": "English", "es": "Español"}
# The English name of each, for messages of the (English) command line.
ENGLISH_NAMES = {"en": "English", "es": "Spanish"}


def N_(text: str) -> str:
    """Mark a string for the catalogue where it is defined; it is translated where it is used."""
    return text


@dataclass(frozen=True)
class Languages:
    """The language a document is printed in, and the one printed alongside it, if any."""

    main: str = SOURCE
    beside: str = ""

    @property
    def code(self) -> str:
        """As given on the command line: 'es', or 'es+en' for two."""
        return f"{self.main}+{self.beside}" if self.beside else self.main

    @property
    def all(self) -> tuple[str, ...]:
        return (self.main, self.beside) if self.beside else (self.main,)


@lru_cache(maxsize=1)
def known() -> tuple[str, ...]:
    """English, and every language with a catalogue of page strings."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE, *(code for code in found if code != SOURCE))


def language_problem(value: object) -> str | None:
    """Why a language choice ('es', 'es+en') is not one there is, else None."""
    there = known()
    parts = value.split("+") if isinstance(value, str) else []
    if 1 <= len(parts) <= 2 and all(p in there for p in parts) and len(set(parts)) == len(parts):
        return None
    pairs = [f"{a}+{b}" for a in there for b in there if a != b][:2]
    return f"expected one of {', '.join(there)}, or two such as {' or '.join(pairs)}, got {value!r}"


def parse(value: str | None, source: str = "") -> Languages:
    """A checked language choice: 'es' -> Languages('es'), 'es+en' -> Languages('es', 'en').
    A problem is the 'language' field's, typed in or read from 'source'."""
    if not value:
        return Languages()
    problem = language_problem(value)
    if problem:
        raise ProblemsFound([field_problem("language", problem, source)])
    main, _, beside = value.partition("+")
    return Languages(main, beside)


def english_name(code: str) -> str:
    """'es' -> 'Spanish', for the command line's messages."""
    return ENGLISH_NAMES.get(code, code)


@lru_cache(maxsize=8)
def translations(code: str) -> NullTranslations:
    """The page strings of one language, compiled from its .po file the first time they are
    asked for (so an installed package never carries a stale compiled copy). English needs no
    catalogue, and so no Babel: a command in English does not load it."""
    if code == SOURCE:
        return NullTranslations()
    path = LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    return compiled(path, code)


def compiled(path: Path, code: str) -> Translations:
    """A .po file read and compiled in memory (fuzzy entries left out, as msgfmt does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with path.open("rb") as stream:
        catalogue = read_po(stream, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(code: str) -> Callable[[str], str]:
    """The function that translates a page string into this language."""
    return translations(code).gettext


def format_day(day: dt.date, code: str) -> str:
    """A date as people write it: 'November 23, 2026'; '23 de noviembre de 2026'."""
    from babel.dates import format_date

    return format_date(day, format="long", locale="en_US" if code == SOURCE else code)


# 'from %(name)s' is whole in Spanish's translation: 'de la Dra. ...', 'del Dr. ...' (typography).
NOTE_FROM = N_("A note for you from %(name)s")
# A source's terms where they are words (the Spanish modules' front matter keeps the English, so
# that each source is the same in both: see parity), printed in the page's language.
LICENCE_WORDS = (
    N_("idea credited; no text reproduced"),
    N_("idea credited; their form not reproduced"),
    N_("public domain"),
    N_("No permission required to reproduce, translate, display or distribute"),
    N_("Cited for the scoring and the severity bands"),
)
AUTHOR_WORDS = (N_("Handouts project contributors"),)
AND = N_("and")


class Words:
    """Page strings in a document's language, and in the language printed beside it, if any:
    `both` as HTML (the second language in a span of its own, which the style sheet sets
    smaller), `plain` as text for attributes and style sheets ('Nombre / Name')."""

    def __init__(self, languages: Languages):
        self.languages = languages
        self.main = gettext(languages.main)
        self.beside = gettext(languages.beside) if languages.beside else None

    # Like Jinja's own '_' (newstyle gettext), every string is a format string: '%%' for '%'.
    def one(self, text: str, **values: object) -> str:
        return self.main(text) % values

    def other(self, text: str, **values: object) -> str:
        """The string in the second language ("" in a document in one language)."""
        return self.beside(text) % values if self.beside is not None else ""

    def both(self, text: str, **values: object) -> Markup:
        main = Markup.escape(self.one(text, **values))
        if self.beside is None:
            return main
        return main + Markup('<span class="also" lang="{}">{}</span>').format(
            self.languages.beside, self.other(text, **values)
        )

    def plain(self, text: str, **values: object) -> str:
        return " / ".join(t for t in (self.one(text, **values), self.other(text, **values)) if t)

    def note_from(self, name: str) -> Markup:
        """'A note for you from' the therapist, with the article Spanish puts before a title."""
        text = NOTE_FROM
        main = Markup.escape(self.one(text, name=from_name(self.languages.main, name)))
        if self.beside is None:
            return main
        other = self.other(text, name=from_name(self.languages.beside, name))
        return main + Markup('<span class="also" lang="{}">{}</span>').format(
            self.languages.beside, other
        )

    def licence(self, text: str) -> str:
        """A source's terms in the page's language where they are words ('idea credited; no
        text reproduced'); a licence's name ('CC BY 4.0') as it is, on a Spanish page never
        split over two lines."""
        if text in LICENCE_WORDS:
            return self.one(text)
        return text if self.languages.main == SOURCE else text.replace(" ", "\u00a0")

    def author(self, name: str) -> str:
        """A source's author in the page's language: the project's own name translated, and
        'A and B' or 'A & B' joined as the language joins them ('A y B')."""
        if name in AUTHOR_WORDS:
            return self.one(name)
        if self.languages.main == SOURCE:
            return name
        joined = f" {self.one(AND)} "
        return name.replace(" and ", joined).replace(" & ", joined)

    def aside(self, text: str) -> Markup:
        """Words already in the second language (a module's own), in a span of their own."""
        if self.beside is None or not text:
            return Markup("")
        return Markup('<span class="also" lang="{}">{}</span>').format(self.languages.beside, text)


def page_counter(text: str) -> Markup:
    """'Página {page} de {pages}' as the content of a page-margin box in CSS: the words as CSS
    strings, the numbers as the page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", str(text))
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    css = [counters.get(part) or _css_string(part) for part in parts if part]
    return Markup(" ".join(css))


def _css_string(text: str) -> str:
    """Text as a quoted CSS string that cannot end its string or the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return f'"{escaped}"'
