"""Reading load: a session's plan gives the group the time to read what it hands out.

A step of a session's plan that names one of the session's modules by its title in quotes
('Where am I on the journey?') is where the group reads that module: the handout read aloud
together, or a worksheet's prompts read before writing. Steps that share a module share its
time, and the client words of the modules they name must be readable, at READING_PACE, in the
minutes those steps are given. The pace is one for every language: a Spanish text runs longer
in words than its English original, and the count already carries that."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.content import Library
from ..core.readability import client_words
from ..core.validate import check_module
from .packet import Packet, Session

# Words a minute: a handout read aloud to a group, slowly and clearly, with a moment at each
# heading (an audiobook narrator reads about 150 to 160), which is also about the pace of a slow
# reader reading alone. Reading that does not fit at this pace is homework, not a session step.
READING_PACE = 120

QUOTES = re.compile('[\u2018\u2019\u201c\u201d\u00ab\u00bb"]')  # curly, angled and double quotes


@dataclass(frozen=True)
class Reading:
    """Steps of one session's plan (numbered from 1) and the modules they name, with the
    modules' client words and the steps' minutes."""

    session: int
    steps: tuple[int, ...]
    modules: tuple[str, ...]
    words: int
    minutes: int

    @property
    def reading_minutes(self) -> float:
        return self.words / READING_PACE

    @property
    def fits(self) -> bool:
        return self.reading_minutes <= self.minutes


def named_in(activity: str, title: str) -> bool:
    """Whether a step's words name a module by its title in quotes, of any kind."""
    return f"'{title}'" in QUOTES.sub("'", activity)


def readings(packet: Packet, library: Library) -> list[Reading]:
    """Each group of steps that name the same modules, session by session."""
    words = {}
    found = []
    for session in packet.sessions:
        if not (session.notes and session.notes.plan):
            continue
        for m in session.modules:
            if m not in words:
                words[m] = client_words(check_module(library.modules[m], library.roots)[0])
        for steps, modules in _groups(session, library):
            found.append(
                Reading(
                    session=session.number,
                    steps=steps,
                    modules=modules,
                    words=sum(words[m] for m in modules),
                    minutes=sum(session.notes.plan[step - 1][0] for step in steps),
                )
            )
    return found


def _groups(session: Session, library: Library) -> list[tuple[tuple[int, ...], tuple[str, ...]]]:
    """The plan's steps that name modules, joined where they name a module in common."""
    assert session.notes
    named = [
        (number, {m for m in session.modules if named_in(activity, library.modules[m].title)})
        for number, (_, activity) in enumerate(session.notes.plan, 1)
    ]
    groups: list[tuple[set[int], set[str]]] = []
    for number, modules in named:
        if not modules:
            continue
        joined = [g for g in groups if g[1] & modules]
        steps, shared = {number}, set(modules)
        for group in joined:
            groups.remove(group)
            steps |= group[0]
            shared |= group[1]
        groups.append((steps, shared))
    order = list(session.modules)
    return [
        (tuple(sorted(steps)), tuple(sorted(modules, key=order.index)))
        for steps, modules in sorted(groups, key=lambda g: min(g[0]))
    ]


def reading_problems(packet: Packet, library: Library) -> list[str]:
    """Every group of session steps that asks the group to read more than its minutes allow."""
    return [
        f"session {r.session}, step {', '.join(str(s) for s in r.steps)}: "
        f"{', '.join(r.modules)} ({r.words} words) take {r.reading_minutes:.0f} minutes to read "
        f"at {READING_PACE} words a minute, more than the {r.minutes} the plan gives"
        for r in readings(packet, library)
        if not r.fits
    ]


def unread(packet: Packet, library: Library) -> list[tuple[int, str]]:
    """The modules of planned sessions that no step names: read at home, if at all."""
    return [
        (session.number, m)
        for session in packet.sessions
        if session.notes and session.notes.plan
        for m in session.modules
        if not any(
            named_in(activity, library.modules[m].title) for _, activity in session.notes.plan
        )
    ]
