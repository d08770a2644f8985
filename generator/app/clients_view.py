"""The app's Clients page: the encrypted progress record, unlocked with its passphrase (and
locked again after 15 idle minutes), each client's alerts, charts and homework, import by
dropping returned PDFs and phone answers files, the report, exports and forgetting. Client
codes travel in form bodies, never in addresses, so they reach no log and no browser history."""

from __future__ import annotations

import re
import shutil
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, render_template, request

from .. import api
from ..api import HandoutError
from . import forms
from .language import translate as _

IDLE_SECONDS = 15 * 60
FILES_AT_ONCE = 200
RETURNED_KINDS = (".pdf", ".txt", ".json")  # fillable PDFs, and answers files from phone copies


@dataclass
class Unlocked:
    """The passphrase, held in memory only while the record is unlocked and in use."""

    passphrase: str = ""
    used: float = 0.0
    guard: threading.Lock = field(default_factory=threading.Lock)

    def current(self) -> str:
        """The passphrase, unless 15 minutes went by without a request: then locked."""
        with self.guard:
            if self.passphrase and time.monotonic() - self.used > IDLE_SECONDS:
                self.passphrase = ""
            if self.passphrase:
                self.used = time.monotonic()
            return self.passphrase

    def set(self, passphrase: str) -> None:
        with self.guard:
            self.passphrase, self.used = passphrase, time.monotonic()


def register(app: Flask) -> None:
    """The Clients page's routes."""
    app.extensions["handouts-clients"] = Unlocked()
    app.add_url_rule("/clients", "clients_page", page, methods=["GET"])
    for name, view in (
        ("unlock", unlock),
        ("lock", lock),
        ("import", import_files),
        ("show", show),
        ("report", report),
        ("export", export),
        ("forget", forget),
    ):
        app.add_url_rule(f"/clients/{name}", f"clients_{name}", view, methods=["POST"])


def _state() -> Unlocked:
    return current_app.extensions["handouts-clients"]


def _open():
    return api.open_record(_state().current())


def page(message: str = "", problems=(), alerts=(), status: int = 200):
    if not _state().current():
        return render_template("clients.html", locked=True, message=message), status
    with _open() as record:
        rows = record.counts()
    return render_template(
        "clients.html",
        locked=False,
        rows=rows,
        message=message,
        problems=problems,
        alerts=alerts,
    ), status


def unlock():
    passphrase = request.form.get("passphrase", "")
    try:
        api.open_record(passphrase).close()
    except HandoutError:
        message = _("That passphrase does not open the record. Try again.")
        return page(message, status=400)
    _state().set(passphrase)
    return page()


def lock():
    _state().set("")
    return page(_("Locked."))


def import_files():
    if not _state().current():
        return page(status=401)
    folder = current_app.extensions["handouts"].workdir / f"returned-{forms.new_key()}"
    saved, problems = _saved_uploads(request.files.getlist("returned"), folder)
    try:
        with _open() as record:
            result = api.add_returned(
                record,
                saved,
                request.form.get("client", ""),
                request.form.get("date") or None,
                api.library(language=request.form.get("language") or "en"),
            )
    except HandoutError as error:
        return page(error.message, status=400)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # the returned copies are not kept on disk
    inside = re.compile(re.escape(f"{folder}/") + r"\d+/")
    found = [inside.sub("", p) for p in result.problems]  # named as uploaded
    message = _(
        "Added %(added)s; already in the record: %(duplicates)s.",
        added=result.added,
        duplicates=result.duplicates,
    )
    return page(message, (*problems, *found), result.alerts)


def _saved_uploads(uploads, folder):
    """Each uploaded file (a PDF, or a phone answers file) in a private folder under its own
    name (its base name only), each in a folder of its own: phones name many files alike."""
    saved, problems = [], []
    folder.mkdir(mode=0o700)
    for number, upload in enumerate(uploads[:FILES_AT_ONCE]):
        try:
            data = forms.upload(upload, "Returned file", forms.PDF_LIMIT, RETURNED_KINDS)
        except HandoutError as error:
            problems.append(error.message)
            continue
        name = (upload.filename or "").replace("\\", "/").rpartition("/")[2]
        target = folder / str(number) / (name or "returned.pdf")
        target.parent.mkdir(mode=0o700)
        target.write_bytes(data)
        saved.append(target)
    return saved, problems


def show():
    if not _state().current():
        return page(status=401)
    code = request.form.get("client", "")
    try:
        with _open() as record:
            found = api.progress_sections(record, code)
    except HandoutError as error:
        return page(error.message, status=400)
    return render_template("client.html", report=found, code=found["code"])


def report():
    return _download(lambda record, code: _pdf(record, code))


def _pdf(record, code):
    audience = request.form.get("audience") == "client"
    pdf = api.progress_report(record, code, for_client=audience, practice=api.practice())
    return pdf.data, pdf.name, "application/pdf"


def export():
    kind = "fhir" if request.form.get("format") == "fhir" else "csv"

    def made(record, code):
        text = api.export_progress(record, code, kind)
        name = f"progress-{code.lower()}.{'json' if kind == 'fhir' else 'csv'}"
        return text.encode("utf-8"), name, "application/json" if kind == "fhir" else "text/csv"

    return _download(made)


def _download(make):
    from .views import _attachment

    if not _state().current():
        return page(status=401)
    try:
        with _open() as record:
            data, name, kind = make(record, request.form.get("client", ""))
    except HandoutError as error:
        return page(error.message, status=400)
    return _attachment(data, name, kind)


def forget():
    if not _state().current():
        return page(status=401)
    code = request.form.get("client", "")
    if request.form.get("confirm") != "yes":
        return page(_("Tick the box to confirm, then erase."), status=400)
    try:
        with _open() as record:
            api.forget_client(record, code)
    except HandoutError as error:
        return page(error.message, status=400)
    return page(_("Erased; the record was rewritten without them."))
