"""A module's sources, as its front matter lists them and as the one-line sources footer cites
them: authors shortened to surnames ('Ainsworth et al.'), years told apart where two read alike."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A work a module draws on, and the terms it is used under."""

    author: str
    title: str
    year: int
    licence: str

    @property
    def short_author(self) -> str:
        """The author as a one-line sources footer cites them: 'Covey', 'Main & Solomon',
        'Ainsworth et al.'; a group ('Handouts project contributors') as written. Names may be
        written 'Mary Main', 'Main, M.' or 'Main M' (initials after the surname, as in a
        journal's reference list)."""
        surnames = _surnames(self.author)
        if surnames is None:
            return self.author  # not a person's name: its last word is not a surname
        if len(surnames) > 2:
            return f"{surnames[0]} et al."
        return " & ".join(surnames)


@dataclass(frozen=True)
class Citation:
    """A source as the one-line sources footer cites it: its author shortened and its year,
    with a letter after the year where two sources would otherwise read the same ('Spitzer
    et al. 2006a; Spitzer et al. 2006b'), and the terms it is used under."""

    author: str
    year: str
    licence: str


def citations(sources: Sequence[Source]) -> tuple[Citation, ...]:
    """The sources as the footer cites them, in their order: the same short author and year
    told apart as a reference list does, by 'a', 'b', 'c'... after the year, in the order the
    front matter lists them."""
    labels = [(source.short_author, source.year) for source in sources]
    shared = {label for label, count in Counter(labels).items() if count > 1}
    seen: Counter[tuple[str, int]] = Counter()
    cited = []
    for source, label in zip(sources, labels, strict=True):
        year = str(source.year)
        if label in shared:
            year += _letter(seen[label])
            seen[label] += 1
        cited.append(Citation(source.short_author, year, source.licence))
    return tuple(cited)


def _letter(index: int) -> str:
    """'a' for the first, 'b' for the second ... 'z', then 'aa', 'ab' (a long list's 27th)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return _letter(index // 26 - 1) + letters[index % 26] if index >= 26 else letters[index]


# Between two authors: a comma, 'and' or '&' (with or without a comma before them).
AUTHORS_SPLIT = re.compile(r"\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+")
# Initials with full stops ('J.', 'B.W.', 'J.-P.'), and without, as a journal's references give
# them after the surname ('K', 'JB').
DOTTED_INITIALS = re.compile(r"^(?:[A-Z]\.-?)+$")
BARE_INITIALS = re.compile(r"^[A-Z]{1,3}$")


def _initials(words: list[str]) -> bool:
    return bool(words) and all(DOTTED_INITIALS.match(w) or BARE_INITIALS.match(w) for w in words)


def _surnames(author: str) -> list[str] | None:
    """Each author's surname, or None for a group's name ('Handouts project contributors').
    'Robert L. Spitzer', 'Spitzer, R. L.' and 'Spitzer RL' all give 'Spitzer'."""
    parts = [part.split() for part in AUTHORS_SPLIT.split(author.strip()) if part.strip()]
    if len(parts) == 1 and len(parts[0]) > 1 and parts[0][-1][:1].islower():
        return None
    surnames = []
    index = 0
    while index < len(parts):
        words = parts[index]
        following = parts[index + 1] if index + 1 < len(parts) else []
        if not _initials(words) and _initials(following):
            surnames.append(" ".join(words))  # 'Main, M.', 'van IJzendoorn, M. H.'
            index += 2
            continue
        if len(words) > 1 and BARE_INITIALS.match(words[-1]):
            words = [w for w in words if not BARE_INITIALS.match(w)] or words
            surnames.append(" ".join(words))  # 'Main M', 'Salter Ainsworth MD'
        else:
            surnames.append(words[-1])  # 'Mary Main'
        index += 1
    return surnames
