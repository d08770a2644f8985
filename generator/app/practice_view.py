"""The Practice page: the practice profile as a form, saved to the same file that
'handouts init --user' writes (or the --practice file the app was started with)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, render_template, request

from ..api import (
    CONTENT_DIR,
    LANGUAGE_NAMES,
    N_,
    HandoutError,
    Practice,
    known_languages,
    load_practice,
    load_regions,
    profile_text,
    user_profile,
)
from . import forms

FIELDS = (
    ("name", N_("Practice name")),
    ("contact", N_("Contact")),
    ("therapist", N_("Therapist")),
    ("credentials", N_("Credentials")),
    ("crisis_line", N_("Crisis line")),
    ("safety_line", N_("Safety line")),
    ("discreet_line", N_("Discreet line")),
)
CHOSEN = ("brand_color", "paper", "font", "language", "region")  # the other keys of the form
LOGO_LIMIT = 2_000_000


def profile_path(settings) -> Path:
    return settings.practice_file or user_profile()


def current(settings) -> Practice:
    """The practice profile as saved now (none yet: an empty one)."""
    path = profile_path(settings)
    return load_practice(path) if path.is_file() else Practice()


def no_crisis_line(settings) -> bool:
    """Whether pages would print only 'call your local emergency number': the profile gives
    neither a region nor a crisis line of its own (the app says so on every page until set)."""
    try:
        practice = current(settings)
    except HandoutError:
        return False  # a profile with a mistake: its page says what is wrong
    return not (practice.region or practice.crisis_line)


def page():
    settings = current_app.extensions["handouts"]
    if request.method == "GET":
        return _show(settings, _values(current(settings)), {}, saved=False)
    values = {key: (request.form.get(key) or "").strip() for key, _ in FIELDS}
    values |= {k: (request.form.get(k) or "").strip() for k in CHOSEN}
    errors = _save(settings, values, request.files.get("logo"))
    status = 400 if errors else 200
    return _show(settings, values, errors, saved=not errors), status


def _show(settings, values: dict, errors: dict, saved: bool):
    return render_template(
        "practice.html",
        fields=FIELDS,
        values=values,
        errors=errors,
        saved=saved,
        where=str(profile_path(settings)),
        logo=current(settings).logo if not errors else None,
        practice_languages=_languages(),
        regions=_regions(settings),
    )


def _languages() -> list[tuple[str, str]]:
    """Each language, and Spanish with English alongside: what a profile's 'language' may be."""
    names = {code: LANGUAGE_NAMES.get(code, code) for code in known_languages()}
    pairs = [(f"{code}+en", f"{name} + English") for code, name in names.items() if code != "en"]
    return [*names.items(), *pairs]


def _regions(settings) -> list[tuple[str, str]]:
    """The regions there are: the built-in ones and any in the app's content folders."""
    try:
        found = load_regions([CONTENT_DIR, *settings.content_dirs])
    except HandoutError:
        return []
    return [(code, region.name) for code, region in sorted(found.items())]


def _values(practice: Practice) -> dict:
    values = {key: getattr(practice, key) for key, _ in FIELDS}
    values |= {"brand_color": practice.brand_color, "paper": practice.paper or "letter"}
    values |= {"language": practice.language or "en", "region": practice.region}
    return values | {"font": practice.font or "noto"}


def _save(settings, values: dict, logo) -> dict[str, str]:
    """Check everything as 'build' would, then write the profile; nothing is written on error."""
    target = profile_path(settings)
    target.parent.mkdir(parents=True, exist_ok=True)
    values = dict(values)
    errors: dict[str, str] = {}
    new_logo = _logo(target, logo, errors)
    values["logo"] = new_logo.name if new_logo else _kept_logo(target)
    trial = target.with_name(f".{target.name}.check")
    try:
        trial.write_text(profile_text(values), encoding="utf-8")
        load_practice(trial)
    except HandoutError as error:
        errors |= _by_key(error)
    if errors:
        trial.unlink(missing_ok=True)
        if new_logo:
            new_logo.unlink(missing_ok=True)
        return errors
    trial.replace(target)
    return {}


def _logo(target: Path, upload, errors: dict) -> Path | None:
    if upload is None or not upload.filename:
        return None
    try:
        data = forms.upload(upload, "Logo", LOGO_LIMIT, (".png", ".svg"))
    except HandoutError as error:
        errors["logo"] = error.message.removeprefix("Logo: ").capitalize()
        return None
    path = target.with_name("logo" + Path(upload.filename).suffix.lower())
    path.write_bytes(data)
    return path


def _kept_logo(target: Path) -> str:
    """The logo already in the profile, if any, is kept when no new one is uploaded."""
    if not target.is_file():
        return ""
    logo = load_practice(target).logo
    return os.path.relpath(logo, target.parent.resolve()) if logo else ""


def _by_key(error: HandoutError) -> dict[str, str]:
    """Each problem with the profile under the form field of its key; a problem with the file
    as a whole, or with a key the form has no field for, goes at the top of the form."""
    fields = {key for key, _ in FIELDS} | set(CHOSEN) | {"logo"}
    problems = getattr(error, "problems", ())
    if not problems:
        return {"form": error.message}
    found: dict[str, str] = {}
    for problem in problems:
        field = problem.key.partition(".")[0]
        text = problem.message.removeprefix(f"'{problem.key}': ")
        if field not in fields:
            field, text = "form", problem.message
        found[field] = (found.get(field, "") + " " + text[:1].upper() + text[1:]).strip()
    return found
