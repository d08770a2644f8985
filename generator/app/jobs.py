"""Roster jobs: one packet per participant, built in a process of its own so the rest of the app
stays quick, with progress to show and files held in the app's private folder until sent.

One roster is built at a time (a second waits its turn, and says so). A job's folder, with the
roster and its packets, is removed as soon as everything in it was sent (the zip, or each file
one by one), when it is cancelled, after IDLE_SECONDS without a visit, and when the app stops."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import abort

from ..api import N_, HandoutError, PacketOrder, RosterRun, display_path, write_file
from . import forms
from .language import translate as _

ROSTER_LIMIT = 1_000_000
MAX_ROWS = 5_000  # participants in one roster; a larger file is most likely the wrong one
IDLE_SECONDS = 30 * 60  # a finished job nobody visits is removed after this (see README)
CHUNK = 256 * 1024
_JOBS: dict[str, Job] = {}
_TURN = threading.Lock()  # held by the job being built: one roster at a time per app
_STATE = threading.Lock()  # a job starts or is cancelled, never both at once


@dataclass
class Job:
    """One roster run: where its files are, how far it got, and what it wrote."""

    id: str
    packet: str
    folder: Path
    total: int = 0
    done: int = 0
    state: str = "waiting"  # waiting, running, done, failed, cancelled
    error: str = ""
    error_values: dict = field(default_factory=dict)  # for a message from the catalogue
    written: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    process: multiprocessing.process.BaseProcess | None = None
    touched: float = field(default_factory=time.monotonic)  # last visit, or the end of the run
    sent: set[str] = field(default_factory=set)  # files downloaded one by one

    def status(self) -> dict:
        """What the page shows: progress, then the files and each bad row (number, reason)."""
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "error": _(self.error, **self.error_values) if self.error else "",
            "written": self.written,
            "bad": self.bad,
            "extra": self.extra,
        }

    def files(self) -> list[Path]:
        """Every file the run wrote: the packets, the print file, extras and the report."""
        out = self.folder / "packets"
        return sorted(p for p in out.iterdir() if p.is_file()) if out.is_dir() else []

    def file(self, name: str) -> Path:
        """One written file, by the name the page listed (never a path)."""
        for path in self.files():
            if path.name == name and not path.name.endswith(".part"):
                return path
        abort(404, N_("That file is not there any more."))

    def zip_bytes(self) -> bytes:
        if self.state != "done":
            abort(409, N_("The packets are not ready yet."))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for path in self.files():
                archive.write(path, path.name)
        return buffer.getvalue()

    def all_sent(self) -> bool:
        """Every file the page listed was downloaded one by one."""
        return self.state == "done" and self.sent >= {*self.written, *self.extra}


@dataclass(frozen=True)
class Upload:
    """A file as the user chose it: its name on their computer, and its bytes."""

    name: str
    data: bytes


def start(settings, packet: str, roster: Upload, form, practice, language: str = "en") -> Job:
    """Check the roster and queue its run; returns at once. A roster that cannot be read (no
    header, too many rows) is an error here, before any packet is built."""
    sweep_idle()
    job = Job(forms.new_key(), packet, settings.workdir / f"job-{forms.new_key()}")
    job.folder.mkdir(mode=0o700)
    source = job.folder / "roster.csv"
    try:
        write_file(source, roster.data)  # a full disk: said, never an unexpected problem
        job.total = _buildable(source)
    except HandoutError as error:
        shutil.rmtree(job.folder, ignore_errors=True)
        raise HandoutError(_private(error.message, source, _("Roster (CSV)"))) from None
    who = forms.person({}, practice, leader=form.get("leader"))
    facilitator = bool(form.get("facilitator"))
    order = PacketOrder(packet, forms.dates(form), facilitator, content=settings.content_dirs)
    workers = max(1, (os.cpu_count() or 2) - 1)  # leave a core for the app itself
    run = RosterRun(source, job.folder / "packets", workers, MAX_ROWS, roster.name)
    args = (order, run, who, forms.options(form, language))
    _JOBS[job.id] = job
    threading.Thread(target=_take_turn, args=(job, args), daemon=True).start()
    return job


def _buildable(source: Path) -> int:
    """How many rows of the roster can be built (the page's total until the run says)."""
    from ..api import read_roster

    return len(read_roster(source, MAX_ROWS).rows)


def _private(message: str, roster: Path, roster_name: str = "Roster (CSV)") -> str:
    """A message about the roster or its packets without the app's private folder in it (as
    an absolute path, or relative to where the app was started)."""
    for path, name in ((roster, roster_name), (roster.parent, "the app's private folder")):
        for shown in dict.fromkeys((str(path), display_path(path))):
            message = message.replace(shown, name)
    return message


def _take_turn(job: Job, args: tuple) -> None:
    """Wait until no other roster is being built, then build this one (unless cancelled)."""
    with _TURN:
        with _STATE:
            if job.state != "waiting":
                return
            job.state = "running"
            # News comes back through a pipe, written by the run's own thread: a queue would
            # add a thread to the process, and the run forks its workers (a fork taken while
            # another thread holds a lock can leave a worker waiting for ever).
            spawn = multiprocessing.get_context("spawn")
            news, sender = spawn.Pipe(duplex=False)
            job.process = spawn.Process(target=_run, args=(*args, sender), daemon=True)
            job.process.start()
            sender.close()  # this end is the run's: once the run ends, reading meets the end
        with news:
            _follow(job, news)
        job.process.join(10)


def _run(order: PacketOrder, run: RosterRun, who, options, news) -> None:
    """In the job's own process: the roster run, reporting each packet as it is written."""
    from .. import api

    try:
        result = api.run_roster(
            order,
            run,
            who,
            options,
            progress=lambda n: news.send(("step", n)),
            planned=lambda n: news.send(("total", n)),
        )
    except api.NoSpace as error:
        news.send(("nospace", {"need": error.need, "free": error.free}))
        return
    except HandoutError as error:
        news.send(("failed", _private(error.message, Path(run.roster), "the roster")))
        return
    news.send(("done", _summary(result)))


def _summary(result) -> dict:
    return {
        "written": [path.name for _, path in result.written],
        "bad": [str(bad) for bad in result.bad],
        "extra": [
            *(p.name for p in [*([result.combined] if result.combined else []), *result.extra]),
            "report.txt",
        ],
    }


NO_SPACE = N_(
    "There is not enough free disk space to build these packets: they need about %(need)s MB "
    "and %(free)s MB are free. Free some space, then build them again."
)


def _follow(job: Job, news) -> None:
    """Keep the job's progress up to date until its process says it is finished."""
    while job.state == "running":
        try:
            if not news.poll(0.5):
                continue  # nothing new yet
            kind, value = news.recv()
        except (EOFError, OSError):  # the process ended without a word
            with _STATE:
                if job.state == "running":
                    job.touched = time.monotonic()
                    job.state, job.error = "failed", N_("The build stopped unexpectedly.")
            return
        # The idle time counts from the last news of the run, set before it can read as ended.
        job.touched = time.monotonic()
        if kind == "step":
            job.done += value
        elif kind == "total":
            job.total = value
        elif kind == "failed":
            job.state, job.error = "failed", value
        elif kind == "nospace":
            job.state, job.error, job.error_values = "failed", NO_SPACE, value
        else:
            job.written, job.bad, job.extra = value["written"], value["bad"], value["extra"]
            job.state = "done"


def find(job_id: str) -> Job:
    sweep_idle()
    job = _JOBS.get(job_id)
    if job is None:
        abort(404, N_("No such roster run."))
    job.touched = time.monotonic()
    return job


def sent_then_finished(data: bytes, job_id: str):
    """The bytes of a download, in pieces; once the last piece is out, the job and its files
    are removed. A download cut off half-way keeps them, for another try."""
    for start in range(0, len(data), CHUNK):
        yield data[start : start + CHUNK]
    finish(job_id)


def finish(job_id: str) -> None:
    """Forget a job and remove its files: the names on the roster leave no trace on disk. A
    job still waiting never starts; one being built is stopped."""
    with _STATE:
        job = _JOBS.pop(job_id, None)
        if job is None:
            return
        if job.state in ("waiting", "running"):
            job.state = "cancelled"
    if job.process and job.process.is_alive():
        job.process.terminate()
        job.process.join(10)
    shutil.rmtree(job.folder, ignore_errors=True)


def finish_all() -> None:
    for job_id in list(_JOBS):
        finish(job_id)


def sweep_idle() -> None:
    """Remove the finished jobs nobody has visited for IDLE_SECONDS."""
    now = time.monotonic()
    for job_id, job in list(_JOBS.items()):
        ended = job.state not in ("waiting", "running")
        if ended and now - job.touched > IDLE_SECONDS:
            finish(job_id)


def keep_tidy(stopping: threading.Event) -> None:
    """While the app runs: the idle jobs removed each minute, even when no page is open."""
    while not stopping.wait(60):
        sweep_idle()
