"""Building packets: one PDF for one participant (or nobody in particular), the facilitator
edition, or one PDF per roster row plus one print job for them all.

A roster is fast because the pages are rendered once, with fixed-size empty places for the
participant's details; each participant then costs only a small render of those details, laid
over the shared pages (see stamp.py)."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pikepdf

from .build import DEFAULT_OUT, file_name, settle, write_file
from .content import load_library
from .errors import HandoutError, display_path
from .packet import Packet, find_packet, load_packet
from .pdf import Rendered, prepare_folder, remove_partial, render_pdf, write_atomic
from .profiles import Participant, Personal
from .render import Document, Options, render_notes_page, render_packet, render_stamps
from .roster import BadRow, Roster, Row
from .stamp import (
    Slot,
    blank_view,
    by_page,
    fill_blank_pages,
    open_stamps,
    participant_view,
    slot_layout,
    stamped,
)
from .validate import CheckedModule, check_modules


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
    library = load_library([Path(d) for d in content_dirs])
    packet = load_packet(find_packet(name, library), library)
    checked = check_modules(library.select(packet.module_ids), library.roots)
    options = settle(packet.layout(options, duplex), personal.practice)
    logo = (personal.practice.logo,) if personal.practice.logo else ()
    return PacketJob(
        packet,
        {entry.module.id: entry for entry in checked},
        personal,
        options,
        (*library.roots, *logo),
        tuple(dates),
        strict,
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
    )
    rendered = render_pdf(document, job.roots, job.strict, job.options, slots=slots)
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
    return PacketBuilt((path,), (pages,), warnings)


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

    @property
    def ok(self) -> bool:
        return not self.bad


@dataclass(frozen=True)
class StampPlan:
    """What every worker needs: the shared pages and where each participant's details go."""

    base: bytes
    slots: tuple[Slot, ...]
    page_height: float
    document: Document
    job: PacketJob
    folder: Path


def build_roster(
    job: PacketJob,
    roster: Roster,
    out: Path | str | None = None,
    workers: int | None = None,
    facilitator: bool = False,
    progress: Callable[[int], None] | None = None,
) -> BatchResult:
    """One packet per good roster row, all-participants.pdf and report.txt; bad rows are
    reported, never built, and never stop the good ones."""
    folder = Path(out) if out else DEFAULT_OUT / job.packet.id
    result = BatchResult(folder, bad=list(roster.bad))
    tasks = []
    for row in roster.rows:
        view, problems = participant_view(row.participant, job.options)
        if problems:
            result.bad.append(BadRow(row.line, "; ".join(problems)))
        else:
            tasks.append((row, view))
    prepare_folder(folder)
    remove_partial(folder)
    if tasks:
        _run(_plan(job, folder), tasks, result, workers, progress)
    result.bad.sort(key=lambda bad: bad.line)
    if facilitator:
        result.extra.append(_facilitator_copy(job, folder))
    write_file(folder / REPORT, report_text(job, roster, result).encode("utf-8"))
    return result


def _plan(job: PacketJob, folder: Path) -> StampPlan:
    document, shared = render_job(job, blank_view(), slots=True)
    if not shared.slots:
        raise HandoutError(f"{job.packet.where}: the packet has no place for a participant's name")
    return StampPlan(shared.data, shared.slots, shared.page_height, document, job, folder)


def _facilitator_copy(job: PacketJob, folder: Path) -> Path:
    _, rendered = render_job(job, None, facilitator=True)
    write_file(folder / FACILITATOR_FILE, rendered.data)
    return folder / FACILITATOR_FILE


def _run(plan: StampPlan, tasks, result: BatchResult, workers, progress) -> None:
    workers = max(1, min(workers or os.cpu_count() or 1, len(tasks)))
    combined = Combined(plan.base, plan.slots, lambda: notes_page_pdf(plan.job, plan.document))
    previous = signal.signal(signal.SIGTERM, _interrupted)
    try:
        for (row, _), (path, stamps) in zip(tasks, _stamp_all(plan, tasks, workers), strict=True):
            if isinstance(stamps, str):
                result.bad.append(BadRow(row.line, stamps))
                continue
            combined.add(stamps)
            result.written.append((row, path))
            if progress:
                progress(1)
    except BaseException:
        remove_partial(plan.folder)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    result.pages = len(combined.templates)
    if result.written:
        result.combined = plan.folder / COMBINED
        result.combined_pages = len(combined.pdf.pages)
        write_file(result.combined, combined.pdf.save)


def _interrupted(signum, frame):
    """A terminated run stops like Ctrl-C: the pool is stopped, half-written files removed."""
    raise KeyboardInterrupt


def _stamp_all(plan: StampPlan, tasks, workers: int):
    """Each participant's stamp and PDF, in roster order: in this process for one worker, else
    in a pool whose queue holds a few tasks at a time, so memory stays flat however long the
    roster."""
    if workers == 1:
        _start(plan, worker=False)
        yield from map(_stamp_one, [(row.participant, view) for row, view in tasks])
        return
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    with context.Pool(workers, initializer=_start, initargs=(plan,), maxtasksperchild=25) as pool:
        jobs = ((row.participant, view) for row, view in tasks)
        yield from pool.imap(_stamp_one, jobs, chunksize=1)


_PLAN: StampPlan | None = None


def _start(plan: StampPlan, worker: bool = True) -> None:
    global _PLAN
    _PLAN = plan
    if worker:  # Ctrl-C is the main process's to handle: it stops the pool, then removes
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # any file a worker was still writing
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stamp_one(task: tuple[Participant, dict]) -> tuple[Path, bytes | str]:
    """Render one participant's details and lay them over the shared pages; write their PDF."""
    participant, view = task
    plan = _PLAN
    assert plan is not None
    path = plan.folder / f"{participant.slug}.pdf"
    try:
        stamps = stamp_pdf(plan, view)
        pdf, overlay = stamped(plan.base, stamps, plan.slots)
        with pdf, overlay:
            write_atomic(path, pdf.save)
    except HandoutError as error:
        return path, f"could not be built: {error.message}"
    except OSError as error:
        return path, f"could not be written: {error.strerror or error}"
    return path, stamps


def stamp_pdf(plan: StampPlan, view: dict) -> bytes:
    """A PDF holding only one participant's details, one page per shared page with places."""
    job = plan.job
    html = render_stamps(
        by_page(plan.slots),
        plan.page_height,
        view,
        slot_layout(job.options),
        plan.document,
        job.personal,
        job.options,
    )
    stamp_document = Document(html, plan.document.title, plan.document.language)
    options = replace(job.options, fillable=False)
    return render_pdf(stamp_document, job.roots, job.strict, options, tagged=False).data


class Combined:
    """all-participants.pdf: one print job, each participant starting on a right-hand page.

    The shared pages are copied in once; each participant's pages reuse their content and fonts
    and add only the small stamp, so the file stays small however long the roster. After a
    packet with an odd number of pages comes a ruled Notes page, never a blank one ('notes'
    makes it, and is asked only then)."""

    def __init__(self, base: bytes, slots: Sequence[Slot], notes: Callable[[], bytes]):
        self.pdf = pikepdf.new()
        source = pikepdf.open(io.BytesIO(base))
        self.templates = [self.pdf.copy_foreign(page.obj) for page in source.pages]
        self.stamped_pages = [page[0].page for page in by_page(slots)]
        self._open = [source]  # sources must stay open until the file is saved
        self.filler = self._notes(notes()) if len(self.templates) % 2 else None

    def _notes(self, notes: bytes):
        source = open_stamps(notes)
        self._open.append(source)
        return self.pdf.copy_foreign(source.pages[0].obj)

    def add(self, stamps: bytes) -> None:
        overlay = open_stamps(stamps)
        self._open.append(overlay)
        stamp_of = dict(zip(self.stamped_pages, overlay.pages, strict=True))
        for index, template in enumerate(self.templates):
            page = self._copy(template, index in stamp_of)
            self.pdf.pages.append(page)
            if index in stamp_of:
                self.pdf.pages[-1].add_overlay(stamp_of[index])
        if self.filler is not None:
            self.pdf.pages.append(self._copy(self.filler, False))

    def _copy(self, template, own_resources: bool) -> pikepdf.Page:
        """A page sharing the template's content, without form fields or tags (a print job)."""
        skip = ("/Parent", "/Annots", "/StructParents")
        page = pikepdf.Dictionary({k: v for k, v in template.items() if k not in skip})
        if own_resources:  # the stamp is added to this page's resources, not everyone's
            resources = pikepdf.Dictionary(dict(template.Resources.items()))
            if "/XObject" in resources:
                resources.XObject = pikepdf.Dictionary(dict(resources.XObject.items()))
            page.Resources = resources
        return pikepdf.Page(self.pdf.make_indirect(page))


def report_text(job: PacketJob, roster: Roster, result: BatchResult) -> str:
    """The summary written beside the PDFs: what was built, and each row that was not."""
    lines = [
        f"Packet: {job.packet.title} ({job.packet.id})",
        f"Roster: {display_path(roster.path)}",
        f"Built: {len(result.written)} of {len(result.written) + len(result.bad)} participants, "
        f"{result.pages} pages each",
    ]
    if result.combined:
        lines.append(f"Print job: {result.combined.name} ({result.combined_pages} pages)")
    lines += ["", "Row  File"]
    lines += [f"{row.line:<4} {path.name}" for row, path in result.written]
    if result.bad:
        lines += ["", "Not built:"] + [f"  {bad}" for bad in result.bad]
    return "\n".join(lines) + "\n"
