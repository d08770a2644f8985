"""The app's pages: library, module, packets, practice and answers, each a thin layer over the
public API (generator.api)."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)

from .. import api
from ..api import BIDI_CONTROLS, FONTS, N_, PAPERS, HandoutError, trimmed
from . import clients_view, forms, jobs, library_view, packets_view, practice_view, search
from .language import current, line_warnings
from .language import translate as _

BUILDS = threading.BoundedSemaphore(2)  # builds at once; more wait their turn, none are refused


def register(app: Flask) -> None:
    """Every route of the app."""
    app.add_url_rule("/", view_func=library_page)
    app.add_url_rule("/search", view_func=search_library, methods=["POST"])
    app.add_url_rule("/thumb/<module_id>.png", view_func=thumbnail)
    app.add_url_rule("/fonts/<name>", view_func=font_file)
    app.add_url_rule("/module/<module_id>", view_func=module_page)
    app.add_url_rule("/module/<module_id>/preview", view_func=preview, methods=["POST"])
    app.add_url_rule("/module/<module_id>/download", view_func=download, methods=["POST"])
    app.add_url_rule("/module/<module_id>/phone", view_func=phone_copy, methods=["POST"])
    app.add_url_rule("/packets", view_func=packets_page)
    app.add_url_rule("/packets/download", view_func=packet_download, methods=["POST"])
    app.add_url_rule("/packets/roster", view_func=roster_start, methods=["POST"])
    app.add_url_rule("/jobs/<job_id>", view_func=roster_status)
    app.add_url_rule("/jobs/<job_id>/zip", view_func=roster_zip, methods=["POST"])
    app.add_url_rule("/jobs/<job_id>/file", view_func=roster_file, methods=["POST"])
    app.add_url_rule("/jobs/<job_id>/cancel", view_func=roster_cancel, methods=["POST"])
    app.add_url_rule("/packets/sample-roster.csv", view_func=sample_roster)
    app.add_url_rule("/packets/new", view_func=packets_view.make_packet, methods=["POST"])
    app.add_url_rule("/practice", view_func=practice_view.page, methods=["GET", "POST"])
    app.add_url_rule("/practice/logo", view_func=practice_view.logo_file)
    app.add_url_rule("/practice/held/<name>", view_func=practice_view.held_logo_file)
    app.add_url_rule("/answers", view_func=answers_page, methods=["GET", "POST"])
    app.add_url_rule("/answers/csv", view_func=answers_csv, methods=["POST"])
    clients_view.register(app)
    app.register_error_handler(400, _error_page)
    app.register_error_handler(401, _error_page)
    app.register_error_handler(403, _error_page)
    app.register_error_handler(404, _error_page)
    app.register_error_handler(413, _too_large)
    app.context_processor(lambda: {"papers": PAPERS, "fonts": FONTS, "nav": NAV})
    app.context_processor(practice_view.context)  # the profile's problems, on every page
    app.jinja_env.filters["topics"] = lambda keys: ", ".join(
        search.topic_name(key, current()) for key in keys
    )
    app.context_processor(lambda: {"no_crisis_line": practice_view.no_crisis_line(settings())})
    if app.extensions["handouts"].warm_up:
        library_view.warm_up(app)


NAV = (  # translated in base.html
    ("library_page", N_("Library")),
    ("packets_page", N_("Packets")),
    ("page", N_("Practice")),
    ("answers_page", N_("Answers")),
    ("clients_page", N_("Clients")),
)


def settings():
    return current_app.extensions["handouts"]


# --- library and modules --------------------------------------------------------------------


def library_page(make_error: str = "", made=None):
    entries = library_view.entries(settings(), current())
    broken = library_view.library(settings(), current()).problems
    return render_template(
        "library.html",
        entries=entries,
        broken=broken,
        make_error=make_error,
        made=made or {},
        ticked=made.getlist("modules") if made else [],
        errors={},
        **library_view.filters(entries, current()),
    )


def search_library():
    """The modules that match the gallery's search and filters (sent in a post: what is typed
    stays out of addresses and logs)."""
    form = request.form
    entries = library_view.entries(settings(), current())
    found = search.search(
        entries, form.get("q", "")[:200], form.get("topic", ""), form.get("kind", ""), current()
    )
    return jsonify(found)


def thumbnail(module_id: str):
    image = library_view.thumbnail(settings(), module_id, current())
    if image is None:
        abort(404, N_("No such module."))
    response = Response(image, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"  # a sample page: no client data
    return response


APP_FONTS = ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSerif-Bold.ttf")


def font_file(name: str):
    """The house fonts, from the package itself: the app loads nothing from elsewhere."""
    from ..api import FONT_DIR

    if name not in APP_FONTS:
        abort(404, N_("No such font."))
    response = Response((FONT_DIR / name).read_bytes(), mimetype="font/ttf")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def module_page(module_id: str):
    entry = library_view.entry(settings(), module_id, current())
    if entry is None:
        abort(404, N_("No such module in the library."))
    practice = practice_view.usable(settings())
    form = forms.defaults(practice, current())
    return _module(entry, module_id, form, {}, [], 200)


def _module(entry, module_id: str, form, errors: dict, also: list, code: int):
    others = [e for e in library_view.entries(settings(), current()) if e["id"] != module_id]
    practice = practice_view.usable(settings())
    warnings = line_warnings(practice, form.get("language") or current())
    choices = forms.handout_languages(_)
    page = render_template(
        "module.html", entry=entry, others=others, form=form, errors=errors, also=also,
        warnings=warnings, handout_languages=choices,
    )  # fmt: skip
    return page, code


def preview(module_id: str):
    """Page 1 of the PDF the form describes (or, with part=rest, its other pages)."""
    form = request.form
    try:
        ids, who, options = _wanted(module_id)
        content = library_view.library(settings(), current())
        with BUILDS:
            shown = api.preview_pages(ids, who, options, content, form.get("part", "first"))
    except HandoutError as error:
        fields = forms.field_errors(error, current())
        return jsonify(error=forms.user_words(error, current()), fields=fields), 400
    warnings = line_warnings(who.practice, options.language or current())
    return jsonify(**shown, warnings=warnings)


def download(module_id: str):
    try:
        pdf = _build(module_id)
    except HandoutError as error:
        entry = library_view.entry(settings(), module_id, current())
        if entry is None:
            abort(404, N_("No such module in the library."))
        errors = forms.field_errors(error, current())
        return _module(entry, module_id, request.form, errors, request.form.getlist("also"), 400)
    api.forget_preview()
    return _attachment(pdf.data, pdf.name, "application/pdf")


def _wanted(module_id: str):
    """The modules, person and layout the form asks for."""
    form = request.form
    extra = [m for m in form.getlist("also") if m != module_id]
    who = forms.person(form, practice_view.current(settings()))
    return [module_id, *extra], who, forms.options(form, current())


def _build(module_id: str) -> api.PDF:
    """The PDF the form asks for: this module, and any others ticked, for the person given."""
    ids, who, options = _wanted(module_id)
    with BUILDS:
        (pdf,) = api.build(
            ids, who, options, combine=True, content=library_view.library(settings(), current())
        )
    return pdf


def phone_copy(module_id: str):
    """The module as a phone copy for the person the form gives, locked to the practice key."""
    form = request.form
    try:
        who = forms.person(form, practice_view.current(settings()))
        chosen = forms.options(form, current())
        with BUILDS:
            (copy,) = api.build_phone(
                [module_id],
                who,
                api.Options(language=chosen.language, region=chosen.region),
                content=library_view.library(settings(), current()),
                public_key=api.practice_public_key(settings().practice_file),
            )
    except HandoutError as error:
        abort(400, error.message)
    return _attachment(copy.data, copy.name, "text/html")


# --- packets ------------------------------------------------------------------------------


def packets_page():
    made = request.args.get("made", "")
    return render_template(
        "packets.html",
        packets=packets_view.contents(settings(), current()),
        form={"packet": made} if made else {},
        errors={},
        job=None,
        made=packets_view.made_message(settings(), made, current()),
    )


def packet_download():
    form = request.form
    try:
        name = library_view.packet_name(settings(), form.get("packet", ""), current())
        who = forms.person({}, practice_view.current(settings()), leader=form.get("leader"))
        order = api.PacketOrder(
            name, forms.dates(form), bool(form.get("facilitator")), content=settings().content_dirs
        )
        one = api.participant(form.get("client") or None, form.get("note") or None)
        with BUILDS:
            pdf = api.build_packet(order, who, forms.options(form, current()), one)
    except HandoutError as error:
        return render_template(
            "packets.html",
            packets=packets_view.contents(settings(), current()),
            form=form,
            errors={"packet": forms.user_words(error, current())},
            job=None,
        ), 400
    return _attachment(pdf.data, pdf.name, "application/pdf")


def roster_start():
    form, upload = request.form, request.files.get("roster")
    try:
        name = library_view.packet_name(settings(), form.get("packet", ""), current())
        data = forms.upload(upload, "Roster (CSV)", jobs.ROSTER_LIMIT, (".csv", ".txt"))
        practice = practice_view.current(settings())
        roster = jobs.Upload(shown_name(upload.filename or "") or "roster.csv", data)
        job = jobs.start(settings(), name, roster, form, practice, current())
    except HandoutError as error:
        return jsonify(error=forms.user_words(error, current())), 400
    return jsonify(job=job.id, status=url_for("roster_status", job_id=job.id))


def roster_status(job_id: str):
    job = jobs.find(job_id)
    return jsonify(job.status())


def roster_zip(job_id: str):
    job = jobs.find(job_id)
    data = job.zip_bytes()
    response = _attachment(data, f"{Path(job.packet).stem}-packets.zip", "application/zip")
    response.response = jobs.sent_then_finished(data, job_id)  # nothing stays once it was sent
    return response


def roster_file(job_id: str):
    job = jobs.find(job_id)
    path = job.file(request.form.get("file", ""))
    data = path.read_bytes()
    response = _attachment(data, path.name, "application/pdf")
    job.sent.add(path.name)
    if job.all_sent():  # the last of the files listed: nothing stays once it was sent
        response.response = jobs.sent_then_finished(data, job_id)
    return response


def roster_cancel(job_id: str):
    jobs.finish(job_id)  # an unknown or finished job: nothing left to stop
    return jsonify(state="cancelled")


def sample_roster():
    """A roster to start from: the headers the app reads, and two made-up people."""
    response = _attachment(SAMPLE_ROSTER.encode("utf-8"), "sample-roster.csv", "text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


SAMPLE_ROSTER = (
    "name,pronouns,group,note\r\n"
    "Alex Example,they/them,Tuesday group,Welcome! Bring a pen.\r\n"
    "Sam Sample,she/her,Tuesday group,\r\n"
)


# --- answers ------------------------------------------------------------------------------


def answers_page():
    if request.method == "GET":
        return render_template("answers.html", read=[], errors=[])
    uploads = [f for f in request.files.getlist("returned") if f.filename] or [None]
    read, errors = [], []
    for upload in uploads:
        try:
            read.append(_read_returned(upload))
        except HandoutError as error:
            errors.append(error.message)
    held = settings().answers
    held.clear()  # in memory only, the last files read, for their CSV downloads
    for found in read:
        held[found["key"]] = (found["answers"], found["name"])
    return render_template("answers.html", read=read, errors=errors), 400 if not read else 200


def answers_csv():
    # Held until the next files are read (or the app stops), not dropped when asked for: a
    # download that fails can be tried again.
    held = settings().answers.get(request.form.get("key", ""))
    if held is None:
        abort(404, N_("Read the returned PDF again: its answers are no longer held."))
    from ..api import as_csv

    found, name = held
    return _attachment(as_csv(found).encode("utf-8"), f"{Path(name).stem}-answers.csv", "text/csv")


def _read_returned(upload) -> dict:
    """One returned file, a fillable PDF or a phone answers file, read in memory (never
    saved), its problems naming it as the user did."""
    name = _upload_name(upload)
    kinds = (".pdf", ".txt", ".json")
    data = forms.upload(upload, name or _("Returned file"), forms.PDF_LIMIT, kinds)
    return {"name": name, "answers": api.returned_in(data, name).answers, "key": forms.new_key()}


def _upload_name(upload) -> str:
    """The file's name as the user's computer gave it, without any folder."""
    given = (upload.filename or "") if upload is not None else ""
    return given.replace("\\", "/").rpartition("/")[2]


# --- responses ----------------------------------------------------------------------------


def _attachment(data: bytes, name: str, kind: str) -> Response:
    """A download; a PDF asked for with 'open' is shown in the browser instead."""
    response = Response(io.BytesIO(data), mimetype=kind, direct_passthrough=True)
    shown = kind == "application/pdf" and bool(request.form.get("open"))
    response.headers["Content-Disposition"] = disposition(name, shown)
    response.headers["Content-Length"] = str(len(data))
    response.headers["Cache-Control"] = "no-store"
    return response


def shown_name(name: str) -> str:
    """A file name the user gave, as a browser would save it: no folders, line breaks or other
    controls, nor bidi controls that could show the name backwards."""
    return trimmed(re.sub(r"[\x00-\x1f\x7f-\x9f/\\]+", " ", BIDI_CONTROLS.sub("", name)))


def disposition(name: str, inline: bool = False) -> str:
    """Content-Disposition for any file name: an ASCII fallback that cannot break the header
    (no quotes, semicolons, backslashes or line breaks) and the name itself in RFC 5987 form."""
    from anyascii import anyascii

    name = shown_name(name) or "download"
    plain = re.sub(r"[^A-Za-z0-9 ._()-]+", "_", anyascii(name)).strip(" ._")[-120:] or "download"
    kind = "inline" if inline else "attachment"
    if plain == name:
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def _error_page(error):
    """The error in the app's language (its messages are in the catalogue; any other stays as
    it is)."""
    message = _(error.description)
    return render_template("error.html", code=error.code, message=message), error.code


def _too_large(error):
    message = _("The file is too large: at most %(size)s MB.", size=forms.PDF_LIMIT // 1_000_000)
    return render_template("error.html", code=413, message=message), 413
