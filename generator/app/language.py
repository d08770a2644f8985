"""The app's language: chosen with the switch in every page's header and kept in a cookie; it
is the language of the app's own words (the same gettext catalogues as the pages') and of the
library, previews and downloads. Before a choice: --lang, else the practice profile's, else
English."""

from __future__ import annotations

import json
import re
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
    "waiting": api.N_("Waiting for the roster already being built…"),
    "cancelled": api.N_("Cancelled. Its files were removed from this computer."),
    "sent": api.N_("Downloaded. The packets were removed from this computer."),
    "built": api.N_("%(count)s packet(s) built."),
    "built_bad": api.N_("%(count)s packet(s) built; %(bad)s row(s) could not be built."),
    "rows_not_built": api.N_("Rows not built"),
    "download": api.N_("Download"),
    "download_name": api.N_("Download %(name)s"),
    "date_incomplete": api.N_("Finish the date (month, day and year), or clear it."),
    "no_match": api.N_("Nothing matches."),
    "nearest": api.N_("Did you mean:"),
    "open": api.N_("Open"),
    "open_name": api.N_("Open %(name)s in a new tab"),
}
# A line "looks English" when it holds at least two of these common English words and more of
# them than of the Spanish ones (words both languages share, such as 'crisis', count for
# neither): enough to catch "Call or text 988" pasted into a profile used for Spanish pages.
ENGLISH_WORDS = frozenset((
    "a", "and", "call", "can", "for", "help", "hotline", "if", "in", "is", "line", "now", "or",
    "talk", "text", "the", "to", "you", "your",
))  # fmt: skip
SPANISH_WORDS = frozenset((
    "al", "ayuda", "de", "del", "el", "en", "es", "la", "las", "llama", "llame", "los", "o",
    "para", "por", "puedes", "si", "tu", "un", "una", "y",
))  # fmt: skip
LINE_WARNING = api.N_(
    "Your practice profile's %(line)s looks like English, but this handout is in %(language)s: "
    "write it in %(language)s on the Practice page, or clear it to print the region's line."
)


def install(app: Flask) -> None:
    """The language of each request, the switch's route, and '_' in the app's templates."""
    app.before_request(_choose)
    app.add_url_rule("/language", view_func=switch, methods=["POST"])
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # i18n adds it
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


def looks_english(text: str) -> bool:
    """Whether a line reads as English rather than Spanish (see ENGLISH_WORDS)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    english = sum(word in ENGLISH_WORDS for word in words)
    return english >= 2 and english > sum(word in SPANISH_WORDS for word in words)


def line_warnings(practice, handout_language: str) -> list[str]:
    """A warning for each of the practice's own lines that looks English on a page in another
    language (its readers may not read it)."""
    try:
        main = api.parse_language(handout_language).main
    except HandoutError:
        return []
    if main == "en":
        return []
    lines = (
        (api.N_("crisis line"), practice.crisis_line),
        (api.N_("safety line"), practice.safety_line),
    )
    return [
        translate(
            LINE_WARNING,
            line=translate(label),
            language=api.LANGUAGE_NAMES.get(main, main),
        )
        for label, text in lines
        if text and looks_english(text)
    ]
