"""The app's pages: library, module, packets, practice and answers, each a thin layer over the
public API (generator.api)."""

from __future__ import annotations

import base64
import io
import threading
from pathlib import Path

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
from ..api import FONTS, N_, PAPERS, HandoutError
from . import clients_view, forms, jobs, library_view, practice_view
from .language import current
from .language import translate as _

PREVIEW_SCALE = 1.0  # 72 dpi: a page is 612 x 792 pixels, sharp enough to read on screen
BUILDS = threading.BoundedSemaphore(2)  # builds at once; more wait their turn, none are refused


def register(app: Flask) -> None:
    """Every route of the app."""
    app.add_url_rule("/", view_func=library_page)
    app.add_url_rule("/thumb/<module_id>.png", view_func=thumbnail)
    app.add_url_rule("/fonts/<name>", view_func=font_file)
    app.add_url_rule("/module/<module_id>", view_func=module_page)
    app.add_url_rule("/module/<module_id>/preview", view_func=preview, methods=["POST"])
    app.add_url_rule("/module/<module_id>/download", view_func=download, methods=["POST"])
    app.add_url_rule("/packets", view_func=packets_page)
    app.add_url_rule("/packets/download", view_func=packet_download, methods=["POST"])
    app.add_url_rule("/packets/roster", view_func=roster_start, methods=["POST"])
    app.add_url_rule("/jobs/<job_id>", view_func=roster_status)
    app.add_url_rule("/jobs/<job_id>/zip", view_func=roster_zip, methods=["POST"])
    app.add_url_rule("/jobs/<job_id>/file", view_func=roster_file, methods=["POST"])
    app.add_url_rule("/practice", view_func=practice_view.page, methods=["GET", "POST"])
    app.add_url_rule("/answers", view_func=answers_page, methods=["GET", "POST"])
    app.add_url_rule("/answers/csv", view_func=answers_csv, methods=["POST"])
    clients_view.register(app)
    app.register_error_handler(400, _error_page)
    app.register_error_handler(401, _error_page)
    app.register_error_handler(403, _error_page)
    app.register_error_handler(404, _error_page)
    app.register_error_handler(413, _too_large)
    app.context_processor(lambda: {"papers": PAPERS, "fonts": FONTS, "nav": NAV})
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


def library_page():
    entries = library_view.entries(settings(), current())
    return render_template("library.html", entries=entries, **library_view.filters(entries))


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
    others = [e for e in library_view.entries(settings(), current()) if e["id"] != module_id]
    defaults = forms.defaults(practice_view.current(settings()))
    return render_template(
        "module.html", entry=entry, others=others, form=defaults, errors={}, also=[]
    )


def preview(module_id: str):
    try:
        pdf = _build(module_id)
    except HandoutError as error:
        return jsonify(error=error.message, fields=forms.field_errors(error.message)), 400
    from ..api import page_images, png_bytes

    images = page_images(pdf.data, None, PREVIEW_SCALE)
    pages = [base64.b64encode(png_bytes(image, fast=True)).decode() for image in images]
    return jsonify(pages=[f"data:image/png;base64,{page}" for page in pages], name=pdf.name)


def download(module_id: str):
    try:
        pdf = _build(module_id)
    except HandoutError as error:
        entry = library_view.entry(settings(), module_id, current())
        if entry is None:
            abort(404, N_("No such module in the library."))
        others = [e for e in library_view.entries(settings(), current()) if e["id"] != module_id]
        errors = forms.field_errors(error.message)
        also = request.form.getlist("also")
        return render_template(
            "module.html", entry=entry, others=others, form=request.form, errors=errors, also=also
        ), 400
    return _attachment(pdf.data, pdf.name, "application/pdf")


def _build(module_id: str) -> api.PDF:
    """The PDF the form asks for: this module, and any others ticked, for the person given."""
    form = request.form
    extra = [m for m in form.getlist("also") if m != module_id]
    who = forms.person(form, practice_view.current(settings()))
    with BUILDS:
        (pdf,) = api.build(
            [module_id, *extra],
            who,
            forms.options(form, current()),
            combine=True,
            content=library_view.library(settings(), current()),
        )
    return pdf


# --- packets ------------------------------------------------------------------------------


def packets_page():
    return render_template(
        "packets.html",
        packets=library_view.packets(settings(), current()),
        form={},
        errors={},
        job=None,
    )


def packet_download():
    form = request.form
    try:
        name = library_view.packet_name(settings(), form.get("packet", ""), current())
        who = forms.person({}, practice_view.current(settings()), leader=form.get("leader"))
        with BUILDS:
            pdf = api.build_packet(
                name,
                who,
                forms.options(form, current()),
                participant=form.get("client") or None,
                note=form.get("note") or None,
                dates=forms.dates(form),
                facilitator=bool(form.get("facilitator")),
                content=settings().content_dirs,
            )
    except HandoutError as error:
        return render_template(
            "packets.html",
            packets=library_view.packets(settings(), current()),
            form=form,
            errors={"packet": error.message},
            job=None,
        ), 400
    return _attachment(pdf.data, pdf.name, "application/pdf")


def roster_start():
    form, upload = request.form, request.files.get("roster")
    try:
        name = library_view.packet_name(settings(), form.get("packet", ""), current())
        data = forms.upload(upload, "Roster (CSV)", jobs.ROSTER_LIMIT, (".csv", ".txt"))
        practice = practice_view.current(settings())
        job = jobs.start(settings(), name, data, form, practice, current())
    except HandoutError as error:
        return jsonify(error=error.message), 400
    return jsonify(job=job.id, status=url_for("roster_status", job_id=job.id))


def roster_status(job_id: str):
    job = jobs.find(job_id)
    return jsonify(job.status())


def roster_zip(job_id: str):
    job = jobs.find(job_id)
    data = job.zip_bytes()
    response = _attachment(data, f"{job.packet}-packets.zip", "application/zip")
    response.call_on_close(lambda: jobs.finish(job_id))  # nothing stays once it was sent
    return response


def roster_file(job_id: str):
    job = jobs.find(job_id)
    path = job.file(request.form.get("file", ""))
    return _attachment(path.read_bytes(), path.name, "application/pdf")


# --- answers ------------------------------------------------------------------------------


def answers_page():
    if request.method == "GET":
        return render_template("answers.html", answers=None, error="")
    try:
        found, name = _read_returned(request.files.get("returned"))
    except HandoutError as error:
        return render_template("answers.html", answers=None, error=error.message), 400
    key = forms.new_key()
    held = settings().answers
    held.clear()  # in memory, one returned form at a time (the last read), for its CSV download
    held[key] = (found, name)
    return render_template("answers.html", answers=found, name=name, key=key, error="")


def answers_csv():
    held = settings().answers.pop(request.form.get("key", ""), None)
    if held is None:
        abort(404, N_("Read the returned PDF again: its answers are no longer held."))
    from ..api import as_csv

    found, name = held
    return _attachment(as_csv(found).encode("utf-8"), f"{Path(name).stem}-answers.csv", "text/csv")


def _read_returned(upload):
    data = forms.upload(upload, "Returned PDF", forms.PDF_LIMIT, (".pdf",))
    target = settings().workdir / f"returned-{forms.new_key()}.pdf"
    target.write_bytes(data)
    try:
        return api.read_answers(target), Path(upload.filename or "returned.pdf").name
    finally:
        target.unlink(missing_ok=True)  # the client's answers are not kept on disk


# --- responses ----------------------------------------------------------------------------


def _attachment(data: bytes, name: str, kind: str) -> Response:
    response = Response(io.BytesIO(data), mimetype=kind, direct_passthrough=True)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Content-Length"] = str(len(data))
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(error):
    """The error in the app's language (its messages are in the catalogue; any other stays as
    it is)."""
    message = _(error.description)
    return render_template("error.html", code=error.code, message=message), error.code


def _too_large(error):
    message = _("The file is too large: at most %(size)s MB.", size=forms.PDF_LIMIT // 1_000_000)
    return render_template("error.html", code=413, message=message), 413
