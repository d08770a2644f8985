"""The practice's logo on the Practice page: the one the profile names, shown as a picture, and
a newly chosen one, held in the app's private folder while the rest of the form is put right
(so it need not be chosen again), until it is saved or the app stops."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Response, abort, request

from .. import api
from ..api import N_, HandoutError
from . import forms

LOGO_LIMIT = 2_000_000
TYPES = (".png", ".svg")
HELD = re.compile(r"^[A-Za-z0-9_-]{22}\.(?:png|svg)$")  # forms.new_key() and the file type
MIMETYPES = {".png": "image/png", ".svg": "image/svg+xml"}


def chosen(settings, remove: bool) -> tuple[api.Logo | None, str, dict[str, str]]:
    """The new logo the form brings (a file just chosen, else one held from the last try):
    the logo, its held name, and the problem with the file chosen, if any."""
    if remove:
        release(settings, request.form.get("held_logo", ""))
        return None, "", {}
    upload = request.files.get("logo")
    if upload is not None and upload.filename:
        try:
            data = forms.upload(upload, "Logo", LOGO_LIMIT, TYPES)
        except HandoutError as error:
            return None, "", {"logo": error.message.removeprefix("Logo: ").capitalize()}
        return api.Logo(data, Path(upload.filename).suffix.lower()), "", {}
    name = request.form.get("held_logo", "")
    logo = held(settings, name)
    return (logo, name, {}) if logo else (None, "", {})


def hold(settings, logo: api.Logo) -> str:
    """Keep a logo that passed its checks until the form is saved; its name for the page, or
    "" when it cannot be kept (a full disk: the page says why nothing was saved, and the logo
    is chosen again once there is room)."""
    folder = settings.workdir / "logos"
    name = forms.new_key() + logo.suffix
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        api.write_atomic(folder / name, logo.data)
    except OSError:
        return ""
    return name


def release(settings, name: str) -> None:
    """A held logo is no longer needed: saved, or removed."""
    path = _held_path(settings, name)
    if path:
        path.unlink(missing_ok=True)


def now(target: Path) -> api.Logo | None:
    """The logo the profile 'target' names, if it is there and is a logo the profile can use
    (whether or not the rest of the profile is right)."""
    name = api.profile_values(target).get("logo", "").strip() if target.is_file() else ""
    path = target.parent / name
    if not name or path.suffix.lower() not in TYPES:
        return None
    try:
        with path.open("rb") as stream:
            data = stream.read(LOGO_LIMIT + 1)
    except OSError:  # not there (or just replaced by a save)
        return None
    logo = api.Logo(data, path.suffix.lower())
    return None if api.logo_problem(logo.data, logo.suffix) else logo


def picture(logo: api.Logo | None) -> Response:
    """A logo, for the page's picture of it (never cached: it may change)."""
    if logo is None:
        abort(404, N_("There is no logo."))
    response = Response(logo.data, mimetype=MIMETYPES[logo.suffix])
    response.headers["Cache-Control"] = "no-store"
    return response


def held(settings, name: str) -> api.Logo | None:
    """A logo chosen but not saved yet, by the name the page was given."""
    path = _held_path(settings, name)
    try:
        return api.Logo(path.read_bytes(), path.suffix) if path else None
    except OSError:  # released meanwhile, by a save in another tab
        return None


def _held_path(settings, name: str) -> Path | None:
    if not HELD.match(name or ""):
        return None
    path = settings.workdir / "logos" / name
    return path if path.is_file() else None
