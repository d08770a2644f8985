"""Reading level of a module: the Flesch-Kincaid grade of the words a reader actually reads."""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

import markdown
import pyphen

from .components import Component
from .validate import PLACEHOLDER, CheckedModule

GRADE_LIMIT = 8.0
BLOCK = re.compile(r"<(?:p|li|h[1-6]|td|th|blockquote)\b[^>]*>(.*?)</(?:p|li|h[1-6]|td|th)>", re.S)
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
VOWELS = re.compile(r"[aeiouy]+")


def reading_grade(checked: CheckedModule) -> float | None:
    """US school grade needed to read the module, by the Flesch-Kincaid formula (English only)."""
    if not checked.module.language.startswith("en"):
        return None
    units = [unit for unit in _units(checked) if WORD.search(unit)]
    words = [word for unit in units for word in WORD.findall(unit)]
    if not words:
        return 0.0
    sentences = sum(max(1, len(SENTENCE_END.findall(unit))) for unit in units)
    syllables = sum(syllable_count(word) for word in words)
    return round(0.39 * len(words) / sentences + 11.8 * syllables / len(words) - 15.59, 1)


def _units(checked: CheckedModule) -> list[str]:
    """Headings, paragraphs, list items, table cells and component prompts: each read alone."""
    units: list[str] = [checked.module.title]
    for segment in checked.segments:
        if isinstance(segment, Component):
            units += [segment.prompt, *segment.items]
        else:
            html = markdown.markdown(PLACEHOLDER.sub("", segment), extensions=["tables"])
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


def grade_problem(checked: CheckedModule, grade: float | None) -> str | None:
    """The message for a module that reads above the limit, else None."""
    if grade is None or grade <= GRADE_LIMIT:
        return None
    return (
        f"reading level is grade {grade:.1f} (Flesch-Kincaid); expected {GRADE_LIMIT:.0f} or "
        "below: try shorter sentences and everyday words"
    )
