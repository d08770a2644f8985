"""Reading level of a module, from the words a reader actually reads: the Flesch-Kincaid grade
for English, and the Szigriszt-Pazos perspicuity read on the INFLESZ scale for Spanish."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from html import unescape

import markdown
import pyphen
from markdown.extensions.tables import TableExtension

from .components import Component
from .validate import PLACEHOLDER, CheckedModule

GRADE_LIMIT = 8.0
BLOCK = re.compile(r"<(?:p|li|h[1-6]|td|th|blockquote)\b[^>]*>(.*?)</(?:p|li|h[1-6]|td|th)>", re.S)
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+[\"'»”)]*(?=\s|$)")
VOWELS = re.compile(r"[aeiouy]+")


def reading_grade(checked: CheckedModule) -> float | None:
    """US school grade needed to read the module, by the Flesch-Kincaid formula (English only)."""
    if not checked.module.language.startswith("en"):
        return None
    words, sentences, syllables = _counts(checked, WORD, syllable_count)
    if not words:
        return 0.0
    return round(0.39 * words / sentences + 11.8 * syllables / words - 15.59, 1)


def client_words(checked: CheckedModule) -> int:
    """How many words a client reads in the module's body (headings, paragraphs, list items,
    table cells and component prompts and items), in any language."""
    return sum(len(SPANISH_WORD.findall(unit)) for unit in _units(checked)[1:])


def _counts(
    checked: CheckedModule,
    word: re.Pattern,
    syllables: Callable[[str], int],
    prose_only: bool = False,
) -> tuple[int, int, int]:
    """Words, sentences and syllables in what a reader reads, by a language's word pattern and
    syllable count; a unit with no full stop counts as one sentence, or, with 'prose_only', is
    left out: a heading, a table cell or a checklist item of three words is not a sentence, and
    counting each as one made worksheets read as easier than they are."""
    units = [unit for unit in _units(checked) if word.search(unit)]
    if prose_only:
        units = [unit for unit in units if SENTENCE_END.search(unit.strip())]
    words = [found for unit in units for found in word.findall(unit)]
    sentences = sum(max(1, len(SENTENCE_END.findall(unit))) for unit in units)
    return len(words), sentences, sum(syllables(found) for found in words)


def _units(checked: CheckedModule) -> list[str]:
    """Headings, paragraphs, list items, table cells and component prompts: each read alone."""
    units: list[str] = [checked.module.title]
    for segment in checked.segments:
        if isinstance(segment, Component):
            units += [segment.prompt, *segment.items]
        else:
            html = markdown.markdown(PLACEHOLDER.sub("", segment), extensions=[TableExtension()])
            units += [unescape(TAG.sub(" ", block)) for block in BLOCK.findall(html)]
    return units


@lru_cache(maxsize=8192)
def syllable_count(word: str) -> int:
    """Syllables in an English word: the larger of two estimates, so the grade errs high."""
    lower = word.lower()
    by_hyphenation = len(_dictionary().positions(lower)) + 1
    groups = len(VOWELS.findall(lower))
    if lower.endswith("e") and not lower.endswith(("le", "ee")) and groups > 1:
        groups -= 1
    return max(1, by_hyphenation, groups)


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US", left=1, right=1)


# --- Spanish: Szigriszt-Pazos perspicuity on the INFLESZ scale (Barrio-Cantalejo et al. 2008) --

EASE_LIMIT = 65.0  # "bastante fácil" or easier
SPANISH_WORD = re.compile(r"[a-zA-ZáéíóúüñÁÉÍÓÚÜÑ]+")
SILENT_U = re.compile(r"([qg])u(?=[eiéí])")
STRONG = set("aeoáéíóú")  # an accented i or u is a syllable of its own
VOWEL_RUN = re.compile(r"[aeiouáéíóúü]+")
INFLESZ_BANDS = ((80, "muy fácil"), (65, "bastante fácil"), (55, "normal"), (40, "algo difícil"))


def reading_ease(checked: CheckedModule) -> float | None:
    """Szigriszt-Pazos perspicuity of a Spanish module (higher is easier); None otherwise."""
    if not checked.module.language.startswith("es"):
        return None
    words, sentences, syllables = _counts(checked, SPANISH_WORD, spanish_syllables, True)
    if not words:
        return 100.0
    return round(206.835 - 62.3 * syllables / words - words / sentences, 1)


@lru_cache(maxsize=8192)
def spanish_syllables(word: str) -> int:
    """Syllables in a Spanish word: one per strong vowel in each run of vowels (weak i and u
    join a neighbour as a diphthong; 'que', 'gui' have a silent u; a final y is a vowel)."""
    lower = SILENT_U.sub(r"\1", word.lower())
    lower = re.sub(r"y(?![aeiouáéíóú])", "i", lower)
    runs = VOWEL_RUN.findall(lower)
    return max(1, sum(max(1, sum(c in STRONG for c in run)) for run in runs))


def inflesz_band(ease: float) -> str:
    """The INFLESZ name for a perspicuity score, e.g. 'bastante fácil'."""
    return next((name for floor, name in INFLESZ_BANDS if ease >= floor), "muy difícil")


def ease_problem(ease: float | None) -> str | None:
    """The message for a Spanish module harder than 'bastante fácil', else None."""
    if ease is None or ease >= EASE_LIMIT:
        return None
    return (
        f"reading ease is {ease:.1f} on the INFLESZ scale ({inflesz_band(ease)}); expected "
        f"{EASE_LIMIT:.0f} or more (bastante fácil): try shorter sentences and everyday words"
    )


def grade_problem(checked: CheckedModule, grade: float | None) -> str | None:
    """The message for a module that reads above the limit, else None."""
    if grade is None or grade <= GRADE_LIMIT:
        return None
    return (
        f"reading level is grade {grade:.1f} (Flesch-Kincaid); expected {GRADE_LIMIT:.0f} or "
        "below: try shorter sentences and everyday words"
    )
