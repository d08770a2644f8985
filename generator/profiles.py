"""Who a handout is for: client, therapist, practice and session, checked and ready to print."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import HandoutError, Problem, ProblemsFound, display_path

NAME_LIMIT = 80
NOTE_LIMIT = 600
PRACTICE_KEYS = {
    "name": "the practice's name, shown at the top of every page",
    "therapist": "the therapist's name",
    "credentials": "letters after the therapist's name, e.g. LMFT",
    "contact": "one contact line: phone, email or website",
    "crisis_line": "what to do in a crisis in your region, e.g. 'Call or text 988'",
}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Practice:
    """What does not change between sessions: the practice and its therapist."""

    name: str = ""
    therapist: str = ""
    credentials: str = ""
    contact: str = ""
    crisis_line: str = ""

    @property
    def signature(self) -> str:
        """The therapist's name with credentials, e.g. 'Alex Rivera, LMFT'."""
        return ", ".join(part for part in (self.therapist, self.credentials) if part)


@dataclass(frozen=True)
class Personal:
    """Everything that personalizes one build."""

    client: str = ""
    date: dt.date | None = None
    session: int | None = None
    note: str = ""
    practice: Practice = field(default_factory=Practice)
    slug: str = ""

    @property
    def date_text(self) -> str:
        """The session date as people write it, e.g. 'November 22, 2026'."""
        return f"{self.date:%B} {self.date.day}, {self.date.year}" if self.date else ""

    @property
    def author(self) -> str:
        """The PDF author: therapist and practice, whichever are known."""
        return " · ".join(p for p in (self.practice.signature, self.practice.name) if p)


def _checked_text(field_name: str, value: str | None, limit: int) -> tuple[str, list[str]]:
    text = (value or "").strip()
    if CONTROL.search(text.replace("\n", " ")):
        return "", [f"{field_name}: expected plain text without control characters"]
    if len(text) > limit:
        return "", [f"{field_name}: expected at most {limit} characters, got {len(text)}"]
    return text, []


def slugify(text: str) -> str:
    """A safe file-name part from a name: 'José Ñúñez' -> 'jose-nunez'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace(".", "")).strip("-")
    if slug or not text:
        return slug[:40].strip("-")
    # A name with no Latin letters still needs a stable, distinct file name.
    return "client-" + hashlib.sha256(text.encode()).hexdigest()[:6]


def make_personal(
    client: str | None = None,
    date: dt.date | str | None = None,
    session: int | None = None,
    note: str | None = None,
    therapist: str | None = None,
    practice: Practice | None = None,
    slug: str | None = None,
) -> Personal:
    """Check what the user gave and build the personalization, reporting all problems at once."""
    problems: list[str] = []
    name, found = _checked_text("--client", client, NAME_LIMIT)
    problems += found
    note_text, found = _checked_text("--note", note, NOTE_LIMIT)
    problems += found
    practice = practice or Practice()
    if therapist is not None:
        therapist_name, found = _checked_text("--therapist", therapist, NAME_LIMIT)
        problems += found
        practice = replace(practice, therapist=therapist_name)
    day = _date(date, problems)
    if session is not None and not 1 <= session <= 999:
        problems.append(f"--session: expected a session number from 1 to 999, got {session}")
    file_slug = _slug(slug, name, problems)
    if problems:
        raise HandoutError("\n".join(problems))
    return Personal(name, day, session, note_text, practice, file_slug)


def _date(value: dt.date | str | None, problems: list[str]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"--date: expected a date as YYYY-MM-DD, e.g. 2026-11-22, got {value!r}")
        return None


def _slug(slug: str | None, name: str, problems: list[str]) -> str:
    if slug is None:
        return slugify(name)
    clean = slugify(slug)
    if not clean or clean != slug:
        problems.append(
            f"--slug: expected lowercase letters, digits and hyphens, got {slug!r}"
            + (f" (try '{clean}')" if clean else "")
        )
    return clean


def load_practice(path: Path) -> Practice:
    """Read a practice profile (YAML); every bad key is reported at once."""
    where = display_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise HandoutError(f"{where}: cannot read the practice profile: {error.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        line = f": line {mark.line + 1}" if mark is not None else ""
        raise HandoutError(f"{where}{line}: the practice profile is not valid YAML") from None
    return _practice_from(where, data or {})


def _practice_from(where: str, data: Any) -> Practice:
    if not isinstance(data, dict):
        raise HandoutError(f"{where}: expected keys such as 'name: ...' in the practice profile")
    problems = []
    for key, value in data.items():
        if key not in PRACTICE_KEYS:
            known = ", ".join(PRACTICE_KEYS)
            problems.append(Problem(where, f"unknown key '{key}'; expected one of {known}"))
        elif not isinstance(value, str) or len(value) > 200 or CONTROL.search(value):
            problems.append(
                Problem(where, f"'{key}': expected {PRACTICE_KEYS[key]} (one line of text)")
            )
    if problems:
        raise ProblemsFound(problems)
    return Practice(**{key: value.strip() for key, value in data.items()})
