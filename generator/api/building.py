"""Building: the library, the practice and the person, handouts and packets in memory, and
write(), the one way a build reaches the disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.content import Library, load_library
from ..core.errors import Problem, ProblemsFound, display_path
from ..core.options import Options
from ..core.output import (
    DEFAULT_OUT,
    prepare_folder,
    write_file,
)
from ..core.profiles import (
    Person,
    Personal,
    Practice,
    find_practice,
    load_practice,
    make_personal,
)
from ..packets.order import PacketOrder
from ..packets.participants import Participant, make_participant
from ..packets.roster import read_roster

if TYPE_CHECKING:  # named only: the modules behind them load the engine or a PDF library
    from ..packets.job import PacketJob
    from ..packets.pool import BatchResult


from .types import PathLike


@dataclass(frozen=True)
class PDF:
    """A finished PDF in memory, the file name the command line gives it, and what the user
    should hear about it (a renderer warning; English standing in for a missing translation)."""

    name: str
    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()

    def write(self, target: PathLike = DEFAULT_OUT) -> Path:
        """Write the PDF atomically: into a folder under its own name, or to a .pdf path."""
        return write([self], target)[0]


@dataclass(frozen=True)
class RosterRun:
    """A roster run: the CSV file, the folder for its packets
    (default output/PACKET/), how many packets are built at once (default: one per core), and
    the most rows it may have."""

    roster: PathLike
    out: PathLike | None = None
    workers: int | None = None
    max_rows: int | None = None  # a longer roster is refused whole (None: no limit)
    shown_as: str = ""  # the roster's name as the user knows it (an upload's), in its report


def library(
    content_dirs: Iterable[PathLike] = (), language: str = "en", fallback: bool = False
) -> Library:
    """The built-in modules and packets, with each of your own folders layered on top: in
    English, or in another language ('es': content/modules/es/, and es/ in your folders), with
    English standing in for a module the language lacks only when 'fallback' asks for it."""
    return load_library([Path(d) for d in content_dirs], language=language, fallback=fallback)


def practice(path: PathLike | None = None) -> Practice:
    """A practice profile: the file given, else ./practice.yaml, else the user's own, else none."""
    found = find_practice(Path(path) if path is not None else None)
    return load_practice(found) if found else Practice()


def person(given: Person | None = None, practice: Practice | None = None) -> Personal:
    """Who a handout is for, checked: every problem reported at once (ProblemsFound, each
    problem's `key` naming its field: 'client', 'date', 'session', 'note', 'therapist', 'slug')."""
    return make_personal(given or Person(), practice)


def build(
    ids: Sequence[str],
    who: Personal | None = None,
    options: Options | None = None,
    *,
    combine: bool = False,
    content: Library | Iterable[PathLike] = (),
    strict: bool = True,
) -> list[PDF]:
    """One PDF per module (or one for all with combine), in memory, named as the CLI names them."""
    from ..core.build import prepare_handouts, render_prepared

    who = who or Personal()
    found = content if isinstance(content, Library) else library(content)
    prepared = prepare_handouts(ids, who, found, combine, options or Options())
    notices = (*found.notices, *prepared.notices)
    return [
        PDF(name, r.data, r.pages, r.warnings, notices)
        for name, r in render_prepared(prepared, combine, strict)
    ]


def write(pdfs: Sequence[PDF], target: PathLike = DEFAULT_OUT) -> list[Path]:
    """Write PDFs atomically into a folder, each under its own name; or one PDF to a .pdf path.
    A .pdf path for several PDFs is a problem of the 'out' field."""
    target = Path(target)
    single = target.suffix.lower() == ".pdf"
    if single and len(pdfs) > 1:
        raise ProblemsFound([Problem("", _ONE_FILE.format(display_path(target)), key="out")])
    paths = [target if single else target / pdf.name for pdf in pdfs]
    for folder in dict.fromkeys(path.parent for path in paths):
        prepare_folder(folder)
    for path, pdf in zip(paths, pdfs, strict=True):
        write_file(path, pdf.data)
    return paths


_ONE_FILE = (
    "'{}' is one file: build a single module, or combine the modules into one PDF; "
    "give a folder to get one PDF per module"
)


def build_packet(
    order: PacketOrder | str,
    who: Personal | None = None,
    options: Options | None = None,
    participant: Participant | None = None,
) -> PDF:
    """A packet for one participant (or blank name lines), or the facilitator edition."""
    from ..packets.job import packet_pdf

    order = PacketOrder(order) if isinstance(order, str) else order
    job = prepare_packet(order, who, options)
    name, data, pages, warnings = packet_pdf(job, participant)
    return PDF(name, data, pages, (*job.warnings, *warnings), job.notices)


def participant(name: str | None = None, note: str | None = None) -> Participant | None:
    """A participant of a packet, checked like a client's name (None when neither is given);
    each problem's `key` names its field ('client' for the name, 'note')."""
    if not name and not note:
        return None
    found, problems = make_participant({"name": name, "note": note})
    if found is None:
        keys = {"name": "client"}
        raise ProblemsFound([Problem("", p.message, key=keys.get(p.key, p.key)) for p in problems])
    return found


def run_roster(
    order: PacketOrder | str,
    run: RosterRun,
    who: Personal | None = None,
    options: Options | None = None,
    progress: Callable[[int], None] | None = None,
    planned: Callable[[int], None] | None = None,
) -> BatchResult:
    """One packet per roster row in the run's folder, the print file and report.txt; bad rows
    are listed in the result (by row number and reason), never built, and never stop the good
    ones. `planned` is told how many packets will be built, `progress` each time one is;
    raising from `progress` (e.g. KeyboardInterrupt) cancels the run and removes partial files.
    A roster of more than the run's `max_rows` rows is refused whole."""
    from ..packets.pool import build_roster

    order = PacketOrder(order) if isinstance(order, str) else order
    job = prepare_packet(order, who, options)
    roster = replace(read_roster(Path(run.roster), run.max_rows), name=run.shown_as)
    out, workers = run.out, run.workers
    result = build_roster(job, roster, out, workers, progress, planned)
    result.notices[:0] = job.notices
    result.warnings[:0] = job.warnings
    return result


def prepare_packet(
    order: PacketOrder | str, who: Personal | None = None, options: Options | None = None
) -> PacketJob:
    """A packet read and checked with every module in it (all problems at once), ready to
    render any number of times: its notices and warnings say what the user should know."""
    from ..packets.job import prepare_packet as prepare

    order = PacketOrder(order) if isinstance(order, str) else order
    return prepare(order, who or Personal(), options or Options())
