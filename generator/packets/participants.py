"""Participants of a workshop packet: the details printed on its cover and name lines, each
checked like a client's name, one roster row or --client at a time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..core.errors import Problem, field_problem
from ..core.profiles import NAME_LIMIT, checked_text, slugify

PARTICIPANT_LIMITS = {"name": NAME_LIMIT, "pronouns": 40, "group": 60, "note": 280}


@dataclass(frozen=True)
class Participant:
    """The person a packet is for: printed on its cover and on each module's name line."""

    name: str = ""
    pronouns: str = ""
    group: str = ""
    note: str = ""
    slug: str = ""


def make_participant(
    values: Mapping[str, str | None],
) -> tuple[Participant | None, list[Problem]]:
    """Check a participant's details; returns the participant (None if any is bad) and the
    problems, each keyed by its field ('name', 'pronouns', 'group', 'note')."""
    problems: list[Problem] = []
    clean = {}
    for key, limit in PARTICIPANT_LIMITS.items():
        text, found = checked_text(key, values.get(key), limit)
        problems += found
        clean[key] = " ".join(text.split())  # one line on the cover
    if not clean["name"] and not any(p.key == "name" for p in problems):
        problems.append(field_problem("name", "expected a name, got nothing"))
    if problems:
        return None, problems
    return Participant(**clean, slug=slugify(clean["name"])), []
