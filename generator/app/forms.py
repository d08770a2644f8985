"""What the app's forms send, read into the API's terms: the person, the layout, the dates and
uploaded files, with each problem tied to the field it belongs to."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping

from .. import api
from ..api import HandoutError, Options, Personal, Practice

PDF_LIMIT = 20_000_000
FLAGS = ("fillable", "large_print", "ink_saver")
# The command line's options as the app's forms name them: the field a message is about, and
# the label the user sees (this is the one place a CLI option name becomes the user's words).
FIELD_OF = {
    "--client": ("client", api.N_("Client")),
    "--therapist": ("therapist", api.N_("Therapist")),
    "--date": ("date", api.N_("Date")),
    "--session": ("session", api.N_("Session")),
    "--note": ("note", api.N_("Note")),
    "--font": ("font", api.N_("Font")),
    "--paper": ("paper", api.N_("Paper")),
    "--leader": ("leader", api.N_("Facilitator")),
    "--lang": ("language", api.N_("Handout language")),
    "--fillable": ("fillable", api.N_("Fillable")),
    "--large-print": ("large_print", api.N_("Large print")),
    "--ink-saver": ("ink_saver", api.N_("Ink saver")),
    "--region": ("form", api.N_("Region")),
    "--slug": ("client", api.N_("Client")),
    "--practice": ("form", api.N_("Practice")),
    "--fallback": ("form", api.N_("the English version")),
    "--content": ("form", api.N_("your modules folder")),
    "--out": ("form", api.N_("the file name")),
    "--combine": ("form", api.N_("one PDF")),
    "--no-strict": ("form", api.N_("the check")),
}
OPTION = re.compile(r"--[a-z][a-z-]*")
WITH_ENGLISH = api.N_("%(language)s with the English alongside")


def defaults(practice: Practice, language: str = "en") -> dict:
    """A fresh form: today's date, the practice's therapist, paper and font, the handout in the
    app's language, everything else empty."""
    return {
        "date": dt.date.today().isoformat(),
        "therapist": practice.therapist,
        "paper": practice.paper or "letter",
        "font": practice.font or "noto",
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
    """The layout the form asks for, in the handout language chosen (else the app's, with the
    English alongside when ticked); the API checks paper, font and language."""
    paper = (form.get("paper") or "").lower()
    chosen = (form.get("language") or "").strip()
    bilingual = language != "en" and bool(form.get("bilingual"))
    return Options(
        paper=paper if paper in ("letter", "a4") else "",
        font=form.get("font") or "",
        language=chosen or (f"{language}+en" if bilingual else language),
        **{flag: bool(form.get(flag)) for flag in FLAGS},
    )


def dates(form) -> list[str]:
    """The session dates given, in order, skipping empty ones."""
    return [d.strip() for d in form.getlist("dates") if d.strip()]


def field_errors(message: str, language: str = "en") -> dict[str, str]:
    """Each line of an error message, under the form field it names ('form' for the rest), in
    the user's words."""
    found: dict[str, str] = {}
    for line in message.splitlines():
        match = re.match(r"\s*(--[a-z-]+)", line)
        key = FIELD_OF.get(match.group(1), ("form", ""))[0] if match else "form"
        text = _plain(line) if key != "form" else user_words(line, language)
        found[key] = (found.get(key, "") + " " + user_words(text, language)).strip()
    return found


def user_words(message: str, language: str = "en") -> str:
    """A message with every command-line option named as the form names it: '--session 0'
    reads 'Session 0'; an option the app has no field for keeps its plain name."""
    words = api.gettext(language)

    def label(match: re.Match) -> str:
        field = FIELD_OF.get(match.group(0))
        return words(field[1]) if field else match.group(0).lstrip("-").replace("-", " ")

    return OPTION.sub(label, message)


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
