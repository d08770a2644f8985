"""The app's language: chosen with the switch in every page's header and kept in a cookie; it
is the language of the app's own words (the same gettext catalogues as the pages') and of the
library, previews and downloads. Before a choice: --lang, else the practice profile's, else
English."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request
from markupsafe import Markup

from .. import api
from ..api import HandoutError

COOKIE = "handouts_lang"
# The words the page's script shows, translated here and handed to it in the page.
SCRIPT_STRINGS = {
    "showing": api.N_("Showing %(shown)s of %(total)s."),
    "updating": api.N_("Updating the preview…"),
    "page_of": api.N_("Page %(page)s of %(pages)s"),
    "pages": api.N_("%(count)s page(s): %(name)s"),
    "starting": api.N_("Starting…"),
    "building": api.N_("Building packets: %(done)s of %(total)s…"),
    "built": api.N_("%(count)s packet(s) built."),
    "built_bad": api.N_("%(count)s packet(s) built; %(bad)s row(s) could not be built."),
    "rows_not_built": api.N_("Rows not built"),
    "download": api.N_("Download"),
    "download_name": api.N_("Download %(name)s"),
    "open": api.N_("Open"),
    "open_name": api.N_("Open %(name)s in a new tab"),
}


def install(app: Flask) -> None:
    """The language of each request, the switch's route, and '_' in the app's templates."""
    app.before_request(_choose)
    app.add_url_rule("/language", view_func=switch, methods=["POST"])
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: api.gettext(current())(text),
        ngettext=lambda one, many, n: api.gettext(current())(one if n == 1 else many),
        newstyle=True,
    )
    app.context_processor(_context)


def current() -> str:
    """The language of this request (chosen before the gate's own checks, whose refusals are
    shown in it too)."""
    if "lang" not in g:
        _choose()
    return g.lang


def translate(text: str, **values) -> str:
    """One of the app's strings in the language of this request (for messages made in code)."""
    translated = api.gettext(current())(text)
    return translated % values if values else translated


def _choose() -> None:
    chosen = request.cookies.get(COOKIE, "")
    g.lang = chosen if chosen in api.known_languages() else _default()


def _default() -> str:
    """--lang, else the practice profile's (its first language), else English."""
    settings = current_app.extensions["handouts"]
    if settings.language:
        return settings.language
    from .practice_view import current as practice

    try:
        chosen = practice(settings).language
    except HandoutError:
        return "en"
    return api.parse_language(chosen).main if chosen else "en"


def switch():
    """Keep the language chosen in the header (the gate checked origin and CSRF), and go back
    to the page it was chosen on."""
    chosen = request.form.get("language", "")
    target = _local(request.form.get("next", "/"))
    response = redirect(target, 303)
    if chosen in api.known_languages():
        response.set_cookie(COOKIE, chosen, httponly=True, samesite="Strict", path="/")
    return response


def _local(target: str) -> str:
    """Only a path of this app: never another site ('//host', 'https://...')."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _context() -> dict:
    code = current()
    words = {key: api.gettext(code)(text) for key, text in SCRIPT_STRINGS.items()}
    return {
        "lang": code,
        "language_choices": [(c, api.LANGUAGE_NAMES.get(c, c)) for c in api.known_languages()],
        "script_strings": Markup.escape(json.dumps(words, ensure_ascii=False)),
    }
