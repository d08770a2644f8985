"""The Practice page: the practice profile as a form, saved to the same file that
'handouts init --user' writes (or the --practice file the app was started with). A save writes
the profile and its logo together or not at all; a profile with problems is shown on every page,
with the way here to put it right."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, render_template, request

from .. import api
from ..api import (
    CONTENT_DIR,
    LANGUAGE_NAMES,
    N_,
    HandoutError,
    Practice,
    known_languages,
    load_regions,
    user_profile,
)
from . import practice_logo

FIELDS = (
    ("name", N_("Practice name")),
    ("contact", N_("Contact")),
    ("therapist", N_("Therapist")),
    ("credentials", N_("Credentials")),
    ("crisis_line", N_("Crisis line")),
    ("safety_line", N_("Safety line")),
    ("discreet_line", N_("Discreet line")),
)
# Each field's label, in the order of the form: the list of problems at the top follows it.
LABELS = {
    **dict(FIELDS),
    "language": N_("Language of the handouts"),
    "region": N_("Region"),
    "logo": N_("Logo"),
    "brand_color": N_("Brand colour"),
    "paper": N_("Paper"),
    "font": N_("Font"),
}


def profile_path(settings) -> Path:
    return settings.practice_file or user_profile()


def current(settings) -> Practice:
    """The practice profile as saved now (none yet: an empty one); raises its problems."""
    path = profile_path(settings)
    return api.read_practice(path) if path.is_file() else Practice()


def usable(settings) -> Practice:
    """The profile, or an empty one while it has problems (every page lists them)."""
    try:
        return current(settings)
    except HandoutError:
        return Practice()


def problems(settings) -> list[str]:
    """What is wrong with the profile on disk, one line each (file, line, key): none if it is
    right or absent."""
    try:
        current(settings)
    except HandoutError as error:
        found = getattr(error, "problems", ())
        return [str(problem) for problem in found] or [error.message]
    return []


def context() -> dict:
    """The profile's problems, for the notice on every page (only past the gate: they quote
    the profile)."""
    if "csrf" not in g:
        return {"profile_problems": []}
    if "profile_problems" not in g:
        g.profile_problems = problems(current_app.extensions["handouts"])
    return {"profile_problems": g.profile_problems}


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
        return _show(settings, *_on_disk(settings))
    values = {key: (request.form.get(key) or "").strip() for key in LABELS if key != "logo"}
    errors, held = _save(settings, values)
    if errors:
        return _show(settings, values, errors, held=held, failed=True), 400
    return _show(settings, _values(current(settings)), {}, saved=True)


def practice_key(settings, make: bool = False) -> dict:
    """The practice key as the page shows it: its fingerprint, whether it was made just now, or
    why it could not be. A save makes it when there is none, as 'handouts init' does, with its
    public key beside the profile (phone copies lock their answers to it)."""
    try:
        if make:
            key, made = api.ensure_practice_key(profile_path(settings).parent)
            return {"fingerprint": api.key_fingerprint(key.fingerprint), "made": made}
        keys = api.practice_keys()
    except HandoutError as error:
        return {"fingerprint": "", "made": False, "problem": error.message}
    shown = api.key_fingerprint(keys[0].fingerprint) if keys else ""
    return {"fingerprint": shown, "made": False}


def logo_file():
    settings = current_app.extensions["handouts"]
    return practice_logo.picture(practice_logo.now(profile_path(settings)))


def held_logo_file(name: str):
    return practice_logo.picture(practice_logo.held(current_app.extensions["handouts"], name))


def _save(settings, values: dict) -> tuple[dict[str, str], str]:
    """Check everything as 'build' would, then write the profile and the logo; nothing is
    written on error. The problems by field, and the chosen logo kept for the next try."""
    target = profile_path(settings)
    remove = bool(request.form.get("remove_logo"))
    values["logo"] = "" if remove else api.profile_values(target).get("logo", "")
    logo, held, errors = practice_logo.chosen(settings, remove)
    try:
        if errors:  # every other problem is still reported, but nothing is written
            api.check_practice(target, values, logo)
        else:
            api.save_practice(target, values, logo)
    except HandoutError as error:
        errors = _by_key(error) | errors
    if errors:
        if logo is None or "logo" in errors:
            return errors, ""
        return errors, held or practice_logo.hold(settings, logo)
    practice_logo.release(settings, held)
    return {}, ""


def _on_disk(settings) -> tuple[dict, dict]:
    """The profile's values and, if it has problems, each beside its field (the notice at the
    top lists them all); values that cannot be read are shown as written."""
    try:
        return _values(current(settings)), {}
    except HandoutError as error:
        given = api.profile_values(profile_path(settings))
        errors = {key: text for key, text in _by_key(error).items() if key != "form"}
        return _values(Practice()) | given, errors


def _show(settings, values: dict, errors: dict, held="", saved=False, failed=False):
    order = ("form", *LABELS)  # the list at the top follows the form
    summary = [(key, LABELS.get(key, ""), errors[key]) for key in order if key in errors]
    return render_template(
        "practice.html",
        fields=FIELDS,
        values=values,
        errors=errors,
        summary=summary if failed else [],
        saved=saved,
        where=str(profile_path(settings)),
        logo=practice_logo.now(profile_path(settings)) is not None,
        named_logo=bool(api.profile_values(profile_path(settings)).get("logo")),
        held=held,
        remove_logo=failed and bool(request.form.get("remove_logo")),
        practice_languages=_languages(),
        regions=_regions(settings),
        key=practice_key(settings, make=saved),  # a save makes it when there is none
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
    values |= {"brand_color": practice.brand_color, "paper": practice.paper or api.DEFAULT_PAPER}
    values |= {"language": practice.language or "en", "region": practice.region}
    return values | {"font": practice.font or api.DEFAULT_FONT}


def _by_key(error: HandoutError) -> dict[str, str]:
    """Each problem with the profile under the form field of its key; a problem with the file
    as a whole, or with a key the form has no field for, goes at the top of the form."""
    problems = getattr(error, "problems", ())
    if not problems:
        return {"form": error.message}
    found: dict[str, str] = {}
    for problem in problems:
        field = problem.key.partition(".")[0]
        text = problem.message.removeprefix(f"'{problem.key}': ")
        if field not in LABELS:
            field, text = "form", problem.message
        found[field] = (found.get(field, "") + " " + text[:1].upper() + text[1:]).strip()
    return found
