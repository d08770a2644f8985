"""Building packets: one PDF for one participant (or nobody in particular), the facilitator
edition, or one PDF per roster row plus one print job for them all.

A roster is fast because the pages are rendered once, with fixed-size empty places for the
participant's details; each participant then costs only a small render of those details, laid
over the shared pages (see stamp.py and overlay.py)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.util
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ..core.build import checked_in
from ..core.content import load_library
from ..core.errors import HandoutError, display_path
from ..core.languages import parse as parse_languages
from ..core.options import Options, settle, settled_language
from ..core.output import (
    DEFAULT_OUT,
    AtomicFile,
    file_name,
    prepare_folder,
    remove_partial,
    write_file,
)
from ..core.pdf import Rendered, StampPress, render_pdf
from ..core.profiles import Personal
from ..core.render import Document
from ..core.safety import SafetyLines, chosen_region, safety_lines, stale_warnings
from ..core.validate import CheckedModule
from .documents import render_notes_page, render_packet, render_stamps
from .overlay import ParticipantCopy, PrintFile
from .packet import Packet, find_packet, load_packet
from .participants import Participant
from .roster import BadRow, Roster, Row
from .stamp import (
    Slot,
    blank_view,
    fill_blank_pages,
    find_slots,
    layers,
    participant_view,
    slot_layout,
)

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


@dataclass(frozen=True)
class PacketJob:
    """A packet with everything checked and settled, ready to render any number of times."""

    packet: Packet
    checked: dict[str, CheckedModule]
    personal: Personal  # the practice, and the facilitator's name on the cover
    options: Options
    roots: tuple[Path, ...]
    dates: tuple[dt.date, ...] = ()
    strict: bool = True
    safety: SafetyLines | None = None  # the crisis and safety lines the pages print
    warnings: tuple[str, ...] = ()  # about the build: a region's line not checked for a year
    notices: tuple[str, ...] = ()  # English standing in for a module the language lacks


def prepare_packet(
    name: str,
    personal: Personal | None = None,
    content_dirs: Iterable[Path | str] = (),
    options: Options = Options(),
    duplex: bool | None = None,
    dates: Sequence[dt.date] = (),
    strict: bool = True,
) -> PacketJob:
    """Find, read and check a packet and every module in it (all problems at once)."""
    personal = personal or Personal()
    # The language first: it says where to look for the packet and its modules.
    languages = parse_languages(settled_language(options, personal.practice))
    library = load_library([Path(d) for d in content_dirs])
    library = library.in_language(languages.main, options.fallback)
    packet = load_packet(find_packet(name, library), library)
    checked = checked_in(library, packet.module_ids, languages)
    region = chosen_region(options, personal.practice, library.roots)
    paper = region.paper if region else ""
    options = settle(packet.layout(options, duplex), personal.practice, region_paper=paper)
    logo = (personal.practice.logo,) if personal.practice.logo else ()
    return PacketJob(
        packet,
        {entry.module.id: entry for entry in checked},
        personal,
        options,
        (*library.roots, *logo),
        tuple(dates),
        strict,
        safety_lines(personal.practice, region, options.languages),
        tuple(stale_warnings(region)),
        library.stand_in_notices(packet.module_ids),
    )


def render_job(
    job: PacketJob, view: dict | None, facilitator: bool = False, slots: bool = False
) -> tuple[Document, Rendered]:
    """Render the packet for one participant view (None: blank lines to write on).

    Double-sided, each page WeasyPrint leaves blank so that a part starts on a right-hand page
    becomes a ruled Notes page, with the usual header and footer: the Notes page is rendered
    alone and laid over it, so nothing is laid out twice and the page numbers stay as they are."""
    document = render_packet(
        job.packet,
        job.checked,
        job.personal,
        job.options,
        slot_layout(job.options),
        view,
        facilitator,
        job.dates,
        job.safety,
    )
    rendered = render_pdf(document, job.roots, job.strict, job.options, layout=slots)
    if rendered.blank_pages:
        notes = notes_page_pdf(job, document)
        filled = fill_blank_pages(rendered.data, rendered.blank_pages, notes)
        rendered = replace(rendered, data=filled)
    return document, rendered


def notes_page_pdf(job: PacketJob, document: Document) -> bytes:
    """A one-page PDF holding only a ruled Notes page, laid out as the packet's pages are."""
    notes = render_notes_page(document, job.personal, job.options)
    options = replace(job.options, fillable=False)
    return render_pdf(notes, job.roots, job.strict, options, tagged=False).data


@dataclass(frozen=True)
class PacketBuilt:
    """What a packet build wrote."""

    paths: tuple[Path, ...]
    pages: tuple[int, ...]
    warnings: tuple[str, ...] = ()


def build_packet(
    job: PacketJob,
    participant: Participant | None = None,
    out: Path | str | None = None,
    facilitator: bool = False,
) -> PacketBuilt:
    """One packet PDF: for a participant, for nobody in particular, or the facilitator edition."""
    name, data, pages, warnings = packet_pdf(job, participant, facilitator)
    out = Path(out) if out else DEFAULT_OUT
    path = out if out.suffix.lower() == ".pdf" else out / name
    prepare_folder(path.parent)
    write_file(path, data)
    return PacketBuilt((path,), (pages,), (*job.warnings, *warnings))


def packet_pdf(
    job: PacketJob, participant: Participant | None = None, facilitator: bool = False
) -> tuple[str, bytes, int, tuple[str, ...]]:
    """One packet in memory: its file name, bytes, page count and renderer warnings."""
    view = _view_or_error(participant, job.options) if participant else None
    _, rendered = render_job(job, view, facilitator)
    stem = job.packet.id + ("-facilitator" if facilitator else "")
    name = file_name(stem, participant.slug if participant else "")
    return name, rendered.data, rendered.pages, rendered.warnings


def _view_or_error(participant: Participant, options: Options) -> dict:
    view, problems = participant_view(participant, options)
    if problems:
        raise HandoutError(
            "\n".join(f"--client {p}" if p.startswith("name") else p for p in problems)
        )
    return view


# --- rosters ---------------------------------------------------------------------------

COMBINED = "all-participants.pdf"
REPORT = "report.txt"
FACILITATOR_FILE = "facilitator-edition.pdf"
LOCK = ".handouts-roster.lock"
# Tasks a pool worker does before a fresh process takes its place: WeasyPrint's caches grow a
# little with every new name, and a fresh worker costs about as much as two participants.
RECYCLE = 200


@dataclass
class BatchResult:
    """What a roster build wrote, and each row it could not build."""

    folder: Path
    written: list[tuple[Row, Path]] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)
    pages: int = 0
    combined: Path | None = None
    combined_pages: int = 0
    extra: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # beyond single rows: the print file...
    stopped: bool = False  # by Ctrl-C, a termination or an error: later rows were not built

    @property
    def ok(self) -> bool:
        return not self.bad and not self.problems


@dataclass(frozen=True)
class StampPlan:
    """What every worker needs: the shared pages, and the stamp pages laid over them."""

    base: bytes
    layers: tuple[tuple[Slot, ...], ...]  # the places on each stamp page
    layer_of: dict[int, int]  # the stamp page laid over each page with places
    pages: int
    page_height: float
    document: Document
    job: PacketJob
    folder: Path
    tag: str  # in the names of this run's temporary files, so it removes only its own


def build_roster(
    job: PacketJob,
    roster: Roster,
    out: Path | str | None = None,
    workers: int | None = None,
    facilitator: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """One packet per good roster row, all-participants.pdf and report.txt; bad rows are
    reported, never built, and never stop the good ones.

    One run at a time per folder. Whatever stops a run (Ctrl-C, a termination, a full disk),
    the report says what is on disk, and no temporary file or folder is left behind."""
    folder = Path(out) if out else DEFAULT_OUT / job.packet.id
    result = BatchResult(folder, bad=list(roster.bad))
    tasks = _tasks(job, roster, result)
    prepare_folder(folder)
    with _Stopper() as stopper, folder_lock(folder):
        remove_partial(folder)  # what runs that were killed were writing
        plan = _plan(job, folder) if tasks else None
        result.pages = plan.pages if plan else 0
        (folder / COMBINED).unlink(missing_ok=True)  # an earlier run's: it would not match
        report = Report(folder / REPORT, job, roster, result)
        try:
            if plan:
                _run(plan, tasks, result, workers, progress, report, stopper)
            if facilitator:
                result.extra.append(_facilitator_copy(job, folder))
        except BaseException:
            result.stopped = True
            raise
        finally:
            report.finish()
    return result


def _tasks(job: PacketJob, roster: Roster, result: BatchResult) -> list[tuple[Row, dict]]:
    """The rows whose details fit their places; the others go to the result's bad rows."""
    tasks = []
    for row in roster.rows:
        view, problems = participant_view(row.participant, job.options)
        if problems:
            result.bad.append(BadRow(row.line, "; ".join(problems)))
        else:
            tasks.append((row, view))
    result.bad.sort(key=lambda bad: bad.line)
    return tasks


def _plan(job: PacketJob, folder: Path) -> StampPlan:
    document, shared = render_job(job, blank_view(), slots=True)
    slots = find_slots(shared.layout)
    if not slots:
        raise HandoutError(f"{job.packet.where}: the packet has no place for a participant's name")
    pages, layer_of = layers(slots)
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    return StampPlan(
        shared.data, pages, layer_of, shared.pages, shared.page_height, document, job, folder, tag
    )


def _facilitator_copy(job: PacketJob, folder: Path) -> Path:
    _, rendered = render_job(job, None, facilitator=True)
    write_file(folder / FACILITATOR_FILE, rendered.data)
    return folder / FACILITATOR_FILE


def _run(plan: StampPlan, tasks, result, workers, progress, report, stopper) -> None:
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    printing = _PrintJob(plan)
    try:
        with closing(_stamp_all(plan, tasks, workers)) as outcomes:
            for (row, _), outcome in zip(tasks, outcomes, strict=True):
                with stopper.holding():  # what is in place and what the report says agree
                    _record(row, outcome, result, report, printing)
                if progress:
                    progress(1)
        printing.finish(result)
    except BaseException:
        printing.discard()
        remove_partial(plan.folder, plan.tag)  # the workers' files not yet in place
        raise
    finally:
        result.bad.sort(key=lambda bad: bad.line)


def _record(row: Row, outcome, result: BatchResult, report, printing) -> None:
    """Put one participant's PDF in place (only this process does, so that it knows what is on
    disk), note it in the result and the report, and add them to the print file."""
    path, temp, stamps = outcome
    if temp:
        try:
            os.replace(temp, path)
        except OSError as error:
            temp.unlink(missing_ok=True)
            stamps = f"could not be written: {error.strerror or error}"
    if isinstance(stamps, str):
        result.bad.append(BadRow(row.line, stamps))
        report.failed(row.line, stamps)
    else:
        result.written.append((row, path))
        report.written(row.line, path)
        printing.add(stamps)


class _Stopper:
    """While a roster runs, Ctrl-C and a termination (SIGTERM) stop it, as KeyboardInterrupt:
    the pool is stopped, unfinished files removed and the report rewritten. Never in the middle
    of putting a file in place and noting it: the stop waits for the end of that.
    (Only the main thread may set signal handlers: a run in another thread is stopped by
    whoever started it.)"""

    def __init__(self):
        self.held = False
        self.pending = False
        self.previous: dict[int, object] = {}

    def __enter__(self) -> _Stopper:
        if threading.current_thread() is threading.main_thread():
            for number in (signal.SIGINT, signal.SIGTERM):
                self.previous[number] = signal.signal(number, self._stop)
        return self

    def __exit__(self, *exception) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)

    def _stop(self, signum, frame) -> None:
        if self.held:
            self.pending = True
        else:
            raise KeyboardInterrupt

    @contextmanager
    def holding(self) -> Iterator[None]:
        self.held = True
        try:
            yield
        finally:
            self.held = False
        if self.pending:
            raise KeyboardInterrupt


def _stamp_all(plan: StampPlan, tasks, workers: int):
    """Each participant's PDF and stamps, in roster order: in this process for one worker, else
    in a pool whose queue holds a few tasks at a time, so memory stays flat however long the
    roster. Each worker keeps its temporary files (WeasyPrint's copies of the fonts, 7 MB) in
    its own folder inside one for the run, which is removed however the run ends."""
    if workers == 1:
        stamper = Stamper(plan)
        for row, view in tasks:
            yield stamper.stamp(row.participant, view)
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    temp = tempfile.mkdtemp(prefix="handouts-")
    try:
        with context.Pool(
            workers, initializer=_start, initargs=(plan, temp), maxtasksperchild=RECYCLE
        ) as pool:
            jobs = ((row.participant, view) for row, view in tasks)
            yield from pool.imap(_stamp_one, jobs, chunksize=1)
            pool.close()
            pool.join()  # workers end on their own, each removing its folder
    finally:
        shutil.rmtree(temp, ignore_errors=True)  # and what a stopped worker left


_PLAN: StampPlan | None = None
_STAMPER: Stamper | None = None


def _start(plan: StampPlan, temp: str) -> None:
    """A pool worker's start: the plan, and a temporary folder of its own."""
    global _PLAN
    _PLAN = plan
    own = tempfile.mkdtemp(prefix=f"worker-{os.getpid()}-", dir=temp)
    tempfile.tempdir = own  # WeasyPrint's font folder goes here too
    multiprocessing.util.Finalize(None, shutil.rmtree, args=(own, True), exitpriority=0)
    # Ctrl-C is the main process's to handle: it stops the pool, then removes any file a
    # worker was still writing; a termination ends a worker at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stamp_one(task: tuple[Participant, dict]) -> tuple[Path, Path | None, bytes | str]:
    global _STAMPER
    if _STAMPER is None:  # here rather than in _start: a failing start would be retried forever
        assert _PLAN is not None
        _STAMPER = Stamper(_PLAN)
    return _STAMPER.stamp(*task)


class Stamper:
    """Stamps participants in one process: the stamp style sheets are read and the shared PDF
    is parsed once, then each participant costs a tiny layout and an append to a copy."""

    def __init__(self, plan: StampPlan):
        self.plan = plan
        self.press = StampPress(self._stamps(blank_view()), plan.job.roots, plan.job.strict)
        self.copy = ParticipantCopy(plan.base, plan.layer_of)

    def stamp(self, participant: Participant, view: dict) -> tuple[Path, Path | None, bytes | str]:
        """Render one participant's details, lay them over the shared pages and write their
        PDF under a temporary name; returns the PDF's path, the temporary one and the stamps
        (for the print file), or why it failed."""
        path = self.plan.folder / f"{participant.slug}.pdf"
        try:
            stamps = self.press.render(self._stamps(view))
            file = AtomicFile(path, self.plan.tag)
            try:
                self.copy.write(file.stream, stamps)
            except BaseException:
                file.discard()
                raise
            return path, file.complete(), stamps
        except HandoutError as error:
            return path, None, f"could not be built: {error.message}"
        except OSError as error:
            return path, None, f"could not be written: {error.strerror or error}"

    def _stamps(self, view: dict) -> Document:
        """The HTML of one participant's details: one page per stamp page."""
        plan, job = self.plan, self.plan.job
        html = render_stamps(
            plan.layers,
            plan.page_height,
            view,
            slot_layout(job.options),
            plan.document,
            job.personal,
            job.options,
        )
        return Document(html, plan.document.title, plan.document.language)


class _PrintJob:
    """all-participants.pdf, written as the run goes. A write that fails (a full disk) ends the
    print file, not the run: the participants' own PDFs go on being written."""

    def __init__(self, plan: StampPlan):
        self.path = plan.folder / COMBINED
        self.problem = ""
        self.file: AtomicFile | None = None
        try:
            self.file = AtomicFile(self.path, plan.tag)
            notes = partial(notes_page_pdf, plan.job, plan.document)
            self.pdf = PrintFile(self.file.stream, plan.base, plan.layer_of, notes)
        except OSError as error:
            self._fail(error)

    def add(self, stamps: bytes) -> None:
        if not self.problem:
            try:
                self.pdf.add(stamps)
            except OSError as error:
                self._fail(error)

    def finish(self, result: BatchResult) -> None:
        if not self.problem and result.written:
            try:
                pages = self.pdf.finish()
                self.file.commit()
                result.combined, result.combined_pages = self.path, pages
                return
            except OSError as error:
                self._fail(error)
        self.discard()
        if self.problem:
            result.problems.append(f"{display_path(self.path)} not written: {self.problem}")

    def discard(self) -> None:
        if self.file:
            self.file.discard()

    def _fail(self, error: OSError) -> None:
        self.problem = error.strerror or str(error)
        self.discard()


# --- the lock on an output folder -----------------------------------------------------------


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """One roster run at a time in a folder: a second one stops at once, naming the folder,
    rather than overwrite the same participants' files or remove the first one's. The lock
    goes with the process that holds it, however it ends."""
    path = folder / LOCK
    handle = _lock(path)
    try:
        yield
    finally:
        if fcntl:
            path.unlink(missing_ok=True)  # while still holding it, see _lock
            os.close(handle)
        else:
            os.close(handle)  # Windows removes no file that is open
            with suppress(OSError):
                path.unlink()


def _lock(path: Path) -> int:
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if not _try_lock(handle):
            os.close(handle)
            raise HandoutError(
                f"output folder '{display_path(path.parent)}' is in use by another roster run; "
                "wait for it to finish, or choose another --out"
            )
        try:
            if os.stat(path).st_ino == os.fstat(handle).st_ino:
                return handle
        except FileNotFoundError:
            pass
        os.close(handle)  # the run before removed this lock file as it ended: take a new one


def _try_lock(handle: int) -> bool:
    try:
        if fcntl:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


# --- the report -------------------------------------------------------------------------------


class Report:
    """report.txt, true to what is on disk at every moment: written when the run starts (an
    earlier run's goes), a line added as each row is done, and written whole at the end."""

    def __init__(self, path: Path, job: PacketJob, roster: Roster, result: BatchResult):
        self.path, self.job, self.roster, self.result = path, job, roster, result
        lines = [*_head(job, roster), RUNNING, "", "Row  File"]
        lines += [f"{bad.line:<4} not built: {bad.reason}" for bad in result.bad]
        write_file(path, "\n".join(lines).encode("utf-8") + b"\n")
        try:
            self.stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open until finish)
        except OSError as error:
            reason = error.strerror or error
            raise HandoutError(f"cannot write '{display_path(path)}': {reason}") from None

    def written(self, line: int, path: Path) -> None:
        self._add(f"{line:<4} {path.name}")

    def failed(self, line: int, reason: str) -> None:
        self._add(f"{line:<4} not built: {reason}")

    def _add(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
            self.stream.flush()  # a killed run's report lists what it wrote
        except OSError:
            pass  # a full disk: the report written at the end says it all, if it can

    def finish(self) -> None:
        with suppress(OSError):
            self.stream.close()
        text = report_text(self.job, self.roster, self.result)
        try:
            write_file(self.path, text.encode("utf-8"))
        except HandoutError as error:
            self.result.problems.append(error.message)


RUNNING = (
    "Status: running, or stopped before its end. Each row below was done when listed; "
    "a complete report replaces this one when the run ends."
)


def _head(job: PacketJob, roster: Roster) -> list[str]:
    return [f"Packet: {job.packet.title} ({job.packet.id})", f"Roster: {display_path(roster.path)}"]


def report_text(job: PacketJob, roster: Roster, result: BatchResult) -> str:
    """The summary written beside the PDFs: what was built, and each row that was not."""
    done = {row.line for row, _ in result.written} | {bad.line for bad in result.bad}
    missing = [row.line for row in roster.rows if row.line not in done]
    total = len(roster.rows) + len(roster.bad)
    lines = [
        *_head(job, roster),
        f"Built: {len(result.written)} of {total} participants, {result.pages} pages each",
    ]
    if result.combined:
        lines.append(f"Print job: {result.combined.name} ({result.combined_pages} pages)")
    if result.stopped:
        lines.append("Stopped before the end: rows not listed below were not built.")
    lines += result.problems
    lines += ["", "Row  File"]
    lines += [f"{row.line:<4} {path.name}" for row, path in result.written]
    if result.bad:
        lines += ["", "Not built:"] + [f"  {bad}" for bad in result.bad]
    if missing:
        lines += ["", f"Not reached: {_ranges(missing)}"]
    return "\n".join(lines) + "\n"


def _ranges(lines: list[int]) -> str:
    """'rows 3-7, 9': the row numbers given, in runs."""
    runs: list[list[int]] = []
    for line in lines:
        if runs and line == runs[-1][-1] + 1:
            runs[-1][1:] = [line]
        else:
            runs.append([line])
    return "rows " + ", ".join("-".join(map(str, run)) for run in runs)
