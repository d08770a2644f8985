"""Participants of a workshop packet: the details printed on its cover and name lines, each
checked like a client's name, one roster row or --client at a time."""

from __future__ import annotations

from dataclasses import dataclass

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


def make_participant(values: dict[str, str | None], labels: dict[str, str] | None = None):
    """Check a participant's details; returns the participant (None if any is bad) and the
    problems, each naming its field (or the label given for it, e.g. '--client')."""
    labels = labels or {}
    problems: list[str] = []
    clean = {}
    for key, limit in PARTICIPANT_LIMITS.items():
        text, found = checked_text(labels.get(key, key), values.get(key), limit)
        problems += found
        clean[key] = " ".join(text.split())  # one line on the cover
    if not clean["name"] and not any(p.startswith(labels.get("name", "name")) for p in problems):
        problems.append(f"{labels.get('name', 'name')}: expected a name, got nothing")
    if problems:
        return None, problems
    return Participant(**clean, slug=slugify(clean["name"])), []
