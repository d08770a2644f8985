"""Roster jobs: one packet per participant, built in a process of its own so the rest of the app
stays quick, with progress to show and files held in the app's private folder until sent."""

from __future__ import annotations

import io
import multiprocessing
import os
import shutil
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import abort

from ..api import N_, HandoutError, PacketOrder, RosterRun
from . import forms

ROSTER_LIMIT = 1_000_000
_JOBS: dict[str, Job] = {}


@dataclass
class Job:
    """One roster run: where its files are, how far it got, and what it wrote."""

    id: str
    packet: str
    folder: Path
    total: int = 0
    done: int = 0
    state: str = "running"  # running, done, failed, cancelled
    error: str = ""
    written: list[str] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    process: multiprocessing.process.BaseProcess | None = None

    def status(self) -> dict:
        """What the page shows: progress, then the files and each bad row (number, reason)."""
        return {
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "error": self.error,
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


def start(settings, packet: str, roster: bytes, form, practice, language: str = "en") -> Job:
    """Start building one packet per roster row; returns at once."""
    job = Job(forms.new_key(), packet, settings.workdir / f"job-{forms.new_key()}")
    job.folder.mkdir(mode=0o700)
    source = job.folder / "roster.csv"
    source.write_bytes(roster)
    job.total = max(0, sum(1 for line in roster.splitlines() if line.strip()) - 1)
    who = forms.person({}, practice, leader=form.get("leader"))
    order = PacketOrder(
        packet, forms.dates(form), bool(form.get("facilitator")), content=settings.content_dirs
    )
    workers = max(1, (os.cpu_count() or 2) - 1)  # leave a core for the app itself
    run = RosterRun(source, job.folder / "packets", workers)
    args = (order, run, who, forms.options(form, language))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    job.process = context.Process(target=_run, args=(*args, queue), daemon=True)
    job.process.start()
    threading.Thread(target=_follow, args=(job, queue), daemon=True).start()
    _JOBS[job.id] = job
    return job


def _run(order: PacketOrder, run: RosterRun, who, options, queue) -> None:
    """In the job's own process: the roster run, reporting each packet as it is written."""
    from .. import api

    try:
        result = api.run_roster(order, run, who, options, lambda n: queue.put(("step", n)))
    except HandoutError as error:
        queue.put(("failed", error.message.replace(str(run.roster), "the roster")))
        return
    queue.put(("done", _summary(result)))


def _summary(result) -> dict:
    return {
        "written": [path.name for _, path in result.written],
        "bad": [str(bad) for bad in result.bad],
        "extra": [
            *(p.name for p in [*([result.combined] if result.combined else []), *result.extra]),
            "report.txt",
        ],
    }


def _follow(job: Job, queue) -> None:
    """Keep the job's progress up to date until its process says it is finished."""
    while job.state == "running":
        try:
            kind, value = queue.get(timeout=0.5)
        except Exception:  # nothing new yet, or the process died without a word
            if job.process and not job.process.is_alive() and job.state == "running":
                job.state, job.error = "failed", "The build stopped unexpectedly."
            continue
        if kind == "step":
            job.done += value
        elif kind == "failed":
            job.state, job.error = "failed", value
        else:
            job.written, job.bad, job.extra = value["written"], value["bad"], value["extra"]
            job.state = "done"


def find(job_id: str) -> Job:
    job = _JOBS.get(job_id)
    if job is None:
        abort(404, N_("No such roster run."))
    return job


def finish(job_id: str) -> None:
    """Forget a job and remove its files: the names on the roster leave no trace on disk."""
    job = _JOBS.pop(job_id, None)
    if job is None:
        return
    if job.process and job.process.is_alive():
        job.process.terminate()
        job.process.join(10)
    shutil.rmtree(job.folder, ignore_errors=True)


def finish_all() -> None:
    for job_id in list(_JOBS):
        finish(job_id)
