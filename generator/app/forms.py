"""What the app's forms send, read into the API's terms: the person, the layout, the dates and
uploaded files, with each problem put beside the field its key names."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from .. import api
from ..api import HandoutError, Options, Personal, Practice, Problem, ProblemsFound

PDF_LIMIT = 20_000_000
# Each field a problem of the API can name by its key: the form field it sits beside, and the
# label the user sees. A key no form field shows (the file name, your modules folder) is said
# at the top of the form, in the user's words.
FIELDS = {
    "client": ("client", api.N_("Client")),
    "slug": ("client", api.N_("Client")),
    "therapist": ("therapist", api.N_("Therapist")),
    "date": ("date", api.N_("Date")),
    "session": ("session", api.N_("Session")),
    "note": ("note", api.N_("Note")),
    "font": ("font", api.N_("Font")),
    "paper": ("paper", api.N_("Paper")),
    "language": ("language", api.N_("Handout language")),
    "region": ("form", api.N_("Region")),
    "content": ("form", api.N_("Your modules folder")),
    "out": ("form", api.N_("The file name")),
}
FIELD_IN = {"packet": {"therapist": "leader"}}  # the packet form calls the therapist the leader
WITH_ENGLISH = api.N_("%(language)s with the English alongside")


def defaults(practice: Practice, language: str = "en") -> dict:
    """A fresh form: today's date, the practice's therapist, paper and font, the handout in the
    app's language, everything else empty."""
    return {
        "date": dt.date.today().isoformat(),
        "therapist": practice.therapist,
        "paper": practice.paper or api.DEFAULT_PAPER,
        "font": practice.font or api.DEFAULT_FONT,
        "language": language,
    }


def handout_languages(words) -> list[tuple[str, str]]:
    """The languages a handout can be printed in: each language there is, and each other one
    with the English alongside ('es+en')."""
    names = api.LANGUAGE_NAMES
    choices = [(code, names.get(code, code)) for code in api.known_languages()]
    for code in api.known_languages():
        if code != "en":
            both = words(WITH_ENGLISH) % {"language": names[code]}
            choices.append((f"{code}+en", both))
    return choices


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
    """The layout the form asks for, in the handout language chosen (else the app's, with the
    English alongside when ticked); the API checks paper, font and language."""
    paper = (form.get("paper") or "").lower()
    chosen = (form.get("language") or "").strip()
    bilingual = language != "en" and bool(form.get("bilingual"))
    return Options(
        paper=paper if paper in api.PAPERS else "",
        font=form.get("font") or "",
        language=chosen or (f"{language}+en" if bilingual else language),
        fillable=bool(form.get("fillable")),
        large_print=bool(form.get("large_print")),
        ink_saver=bool(form.get("ink_saver")),
        discreet=bool(form.get("discreet")),
    )


def dates(form) -> list[str]:
    """The session dates given, in order, skipping empty ones."""
    return [d.strip() for d in form.getlist("dates") if d.strip()]


def field_errors(error: HandoutError, language: str = "en", form: str = "module") -> dict:
    """Each problem under the form field its key names (the message alone: the label is on
    the field); a problem of a file, or of a key no field shows, under 'form' in full."""
    found: dict[str, str] = {}
    for problem in _problems(error):
        field = _field(problem, form)
        text = problem.message if field != "form" else said(problem, language)
        found[field] = (found.get(field, "") + " " + text[:1].upper() + text[1:]).strip()
    return found


def user_words(error: HandoutError, language: str = "en") -> str:
    """The whole error in the user's words: each field named by its label, one per line."""
    return "\n".join(said(problem, language) for problem in _problems(error))


def said(problem: Problem, language: str = "en") -> str:
    """One problem as the app says it: a typed field by its label ('Session: expected ...'),
    a file's problem with its file and line."""
    if problem.source or problem.key not in FIELDS:
        return str(problem)
    return f"{api.gettext(language)(FIELDS[problem.key][1])}: {problem.message}"


def _problems(error: HandoutError) -> tuple[Problem, ...]:
    if isinstance(error, ProblemsFound):
        return error.problems
    return (Problem("", error.message),)


def _field(problem: Problem, form: str) -> str:
    if problem.source or problem.key not in FIELDS:
        return "form"
    field = FIELDS[problem.key][0]
    return FIELD_IN.get(form, {}).get(field, field)


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
