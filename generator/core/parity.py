"""Whether a module in another language is in step with its English original: the same
components in the same order, with the same names, options and numbers of items (so the same
answer places and fillable field names), the same number of headings, the same sources (by
author, year and licence), the same kind and topics, and its language in its front matter."""

from __future__ import annotations

import difflib
import re
from collections import Counter

from .components import Component
from .errors import Problem
from .languages import english_name
from .measure import Scoring
from .sources import Source
from .validate import CheckedModule

HEADING = re.compile(r"^#{1,6}\s", re.M)


def out_of_step(translated: CheckedModule, english: CheckedModule) -> list[Problem]:
    """Every way the translated module differs from its English original: the components that
    pair the two up, and everything else a reader of both would notice."""
    return [
        *component_problems(translated, english),
        *_front_matter_problems(translated, english),
        *_heading_problems(translated, english),
        *_source_problems(translated, english),
    ]


def component_problems(translated: CheckedModule, english: CheckedModule) -> list[Problem]:
    """The components, compared in order: a bilingual copy prints each pair as one."""
    mine, theirs = _components(translated), _components(english)
    where, source = translated.module.where, english.module.where
    matcher = difflib.SequenceMatcher(a=[c.name for c in theirs], b=[c.name for c in mine])
    problems = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            problems += [
                _differs(where, m, t) for m, t in zip(mine[b1:b2], theirs[a1:a2], strict=True)
            ]
        problems += [_missing(where, c, source) for c in theirs[a1:a2] if op != "equal"]
        problems += [_extra(where, c) for c in mine[b1:b2] if op != "equal"]
    return [problem for problem in problems if problem]


def _components(checked: CheckedModule) -> list[Component]:
    return [segment for segment in checked.segments if isinstance(segment, Component)]


def _missing(where: str, component: Component, source: str) -> Problem:
    return Problem(
        where,
        f"missing component '{component.name}': the English has it at line {component.line} "
        f"of {source}",
    )


def _extra(where: str, component: Component) -> Problem:
    return Problem(
        where, f"component '{component.name}' is not in the English original", component.line
    )


def _differs(where: str, mine: Component, theirs: Component) -> Problem | None:
    """Options and items of one component against the English one's."""
    found = []
    if set(mine.given) != set(theirs.given):
        found.append(
            f"options given: {_names(mine.given)}, the English gives {_names(theirs.given)}"
        )
    found += [
        f"option '{name}' is {mine.options[name]!r}, the English has {theirs.options[name]!r}"
        for name in mine.options
        if isinstance(theirs.options.get(name), int) and mine.options[name] != theirs.options[name]
    ]
    if len(mine.items) != len(theirs.items):
        found.append(f"{len(mine.items)} items, the English has {len(theirs.items)}")
    if not found:
        return None
    return Problem(
        where,
        f"component '{mine.name}': {'; '.join(found)} (English line {theirs.line})",
        mine.line,
    )


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names) if names else "none"


def _front_matter_problems(translated: CheckedModule, english: CheckedModule) -> list[Problem]:
    mine, theirs = translated.module, english.module
    language = mine.path.parent.name  # the folder says which language the file is in
    found = []
    if not mine.language.startswith(language):
        name = english_name(language)
        found.append(f"front matter 'language': expected {language} ({name}), got {mine.language}")
    if mine.kind != theirs.kind:
        found.append(f"front matter 'kind': {mine.kind}, the English is a {theirs.kind}")
    if set(mine.topics) != set(theirs.topics):
        # The topics decide, among other things, whether page 1 carries the safety note.
        found.append(
            f"front matter 'topics': {', '.join(mine.topics)}; the English has "
            f"{', '.join(theirs.topics)}"
        )
    found += _scoring_differs(mine.scoring, theirs.scoring)
    return [Problem(mine.where, message) for message in found]


def _scoring_differs(mine: Scoring | None, theirs: Scoring | None) -> list[str]:
    """A measure scores the same in every language: as many items, the same values and bands."""
    if mine is None or theirs is None:
        return []
    shape = [
        (len(s.items), [o.value for o in s.options], [(b.low, b.high) for b in s.bands], s.alert)
        for s in (mine, theirs)
    ]
    if shape[0] == shape[1]:
        return []
    return ["front matter 'scoring': items, values, bands or alert differ from the English"]


def _heading_problems(translated: CheckedModule, english: CheckedModule) -> list[Problem]:
    mine, theirs = _headings(translated), _headings(english)
    if mine == theirs:
        return []
    return [Problem(translated.module.where, f"{mine} headings, the English has {theirs}")]


def _headings(checked: CheckedModule) -> int:
    return sum(len(HEADING.findall(s)) for s in checked.segments if isinstance(s, str))


def _source_problems(translated: CheckedModule, english: CheckedModule) -> list[Problem]:
    """Sources by author, year and licence (titles may be translated)."""
    mine = Counter(_source_key(s) for s in translated.module.sources)
    theirs = Counter(_source_key(s) for s in english.module.sources)
    where = translated.module.where
    return [
        *(
            Problem(where, f"source missing: {_shown(k)}, cited by the English")
            for k in theirs - mine
        ),
        *(Problem(where, f"source not in the English: {_shown(k)}") for k in mine - theirs),
    ]


def _source_key(source: Source) -> tuple[str, int, str]:
    return (" ".join(source.author.split()), source.year, " ".join(source.licence.split()))


def _shown(key: tuple[str, int, str]) -> str:
    author, year, licence = key
    return f"{author} ({year}; {licence})"
