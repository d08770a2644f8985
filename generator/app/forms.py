"""What the app's forms send, read into the API's terms: the person, the layout, the dates and
uploaded files, with each problem tied to the field it belongs to."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping

from .. import api
from ..api import HandoutError, Options, Personal, Practice

PDF_LIMIT = 20_000_000
FLAGS = ("fillable", "large_print", "ink_saver")
# Which form field a message from the API is about, by the option it names.
FIELD_OF = {
    "--client": "client",
    "--therapist": "therapist",
    "--date": "date",
    "--session": "session",
    "--note": "note",
    "--font": "font",
    "--paper": "paper",
    "--leader": "leader",
}


def defaults(practice: Practice) -> dict:
    """A fresh form: the practice's paper and font, everything else empty."""
    return {"paper": practice.paper or "letter", "font": practice.font or "noto"}


def person(form: Mapping, practice: Practice, leader: str | None = None) -> Personal:
    """The person the form describes, checked by the API (every problem at once)."""
    session = (form.get("session") or "").strip()
    if session and not session.isdigit():
        raise HandoutError(f"--session: expected a session number from 1 to 999, got {session!r}")
    return api.person(
        client=form.get("client") or None,
        date=(form.get("date") or "").strip() or None,
        session=int(session) if session else None,
        note=form.get("note") or None,
        therapist=(form.get("therapist") or leader) or None,
        practice=practice,
    )


def options(form: Mapping, language: str = "en") -> Options:
    """The layout the form asks for, in the app's language (with the English alongside when
    ticked); the API checks paper and font."""
    paper = (form.get("paper") or "").lower()
    bilingual = language != "en" and bool(form.get("bilingual"))
    return Options(
        paper=paper if paper in ("letter", "a4") else "",
        font=form.get("font") or "",
        language=f"{language}+en" if bilingual else language,
        **{flag: bool(form.get(flag)) for flag in FLAGS},
        discreet=bool(form.get("discreet")),
    )


def dates(form) -> list[str]:
    """The session dates given, in order, skipping empty ones."""
    return [d.strip() for d in form.getlist("dates") if d.strip()]


def field_errors(message: str) -> dict[str, str]:
    """Each line of an error message, under the form field it names ('form' for the rest)."""
    found: dict[str, str] = {}
    for line in message.splitlines():
        match = re.match(r"\s*(--[a-z-]+)", line)
        key = FIELD_OF.get(match.group(1), "form") if match else "form"
        found[key] = (found.get(key, "") + " " + _plain(line)).strip()
    return found


def _plain(line: str) -> str:
    """'--client: expected ...' reads as 'Expected ...' next to the Client field."""
    text = re.sub(r"^\s*--[a-z-]+:?\s*", "", line.strip())
    return text[:1].upper() + text[1:]


def upload(file, label: str, limit: int, kinds: tuple[str, ...]) -> bytes:
    """The bytes of an uploaded file, if it is there, of a kind allowed and not too large."""
    if file is None or not file.filename:
        raise HandoutError(f"{label}: choose a file first")
    if not file.filename.lower().endswith(kinds):
        raise HandoutError(f"{label}: expected a {' or '.join(kinds)} file")
    data = file.read(limit + 1)
    if len(data) > limit:
        raise HandoutError(f"{label}: the file is too large (at most {limit // 1_000_000} MB)")
    if not data:
        raise HandoutError(f"{label}: the file is empty")
    return data


def new_key() -> str:
    """An opaque key for something held for a moment (never a name)."""
    return secrets.token_urlsafe(16)
