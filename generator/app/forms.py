"""What the app's forms send, read into the API's terms: the person, the layout, the dates and
uploaded files, with each problem tied to the field it belongs to."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from .. import api
from ..api import HandoutError, Options, Personal, Practice, Problem, ProblemsFound

PDF_LIMIT = 20_000_000
FLAGS = ("fillable", "large_print", "ink_saver")
# The form's fields that a problem of the API can name by its key (the packet form calls the
# therapist the leader).
FIELDS = ("client", "therapist", "date", "session", "note", "font", "paper", "language", "region")
FIELD_IN = {"packet": {"therapist": "leader"}}


def defaults(practice: Practice) -> dict:
    """A fresh form: the practice's paper and font, everything else empty."""
    return {"paper": practice.paper or "letter", "font": practice.font or "noto"}


def person(form: Mapping, practice: Practice, leader: str | None = None) -> Personal:
    """The person the form describes, checked by the API (every problem at once)."""
    given = api.Person(
        client=form.get("client") or None,
        date=(form.get("date") or "").strip() or None,
        session=form.get("session") or None,
        note=form.get("note") or None,
        therapist=(form.get("therapist") or leader) or None,
    )
    return api.person(given, practice)


def options(form: Mapping, language: str = "en") -> Options:
    """The layout the form asks for, in the app's language (with the English alongside when
    ticked); the API checks paper and font."""
    paper = (form.get("paper") or "").lower()
    bilingual = language != "en" and bool(form.get("bilingual"))
    return Options(
        paper=paper if paper in ("letter", "a4") else "",
        font=form.get("font") or "",
        language=f"{language}+en" if bilingual else language,
        fillable=bool(form.get("fillable")),
        large_print=bool(form.get("large_print")),
        ink_saver=bool(form.get("ink_saver")),
    )


def dates(form) -> list[str]:
    """The session dates given, in order, skipping empty ones."""
    return [d.strip() for d in form.getlist("dates") if d.strip()]


def field_errors(error: HandoutError, form: str = "module") -> dict[str, str]:
    """Each problem under the form field it is about, by the key the API gave it; a problem
    of a file, or of no field the form has, under 'form'."""
    names = {**dict(zip(FIELDS, FIELDS, strict=True)), **FIELD_IN.get(form, {})}
    problems = error.problems if isinstance(error, ProblemsFound) else ()
    found: dict[str, str] = {}
    for problem in problems or [Problem("", error.message)]:
        key = names.get(problem.key, "form") if not problem.source else "form"
        text = problem.message if key != "form" else str(problem)
        found[key] = (found.get(key, "") + " " + text[:1].upper() + text[1:]).strip()
    return found


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
