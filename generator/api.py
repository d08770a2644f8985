"""The public Python API: load a library, build handouts and packets, run rosters, read answers.

Everything the command line, the web app and the authoring tools use comes from this module,
and nothing else: they never reach into `generator.core` or `generator.packets`. A build returns
PDFs in memory (`PDF.data`) with the file name the command line gives them; `write` puts them
on disk atomically, the one way the tool writes a build.

The light parts of the pipeline are imported here. A function that needs the engine, Markdown,
Jinja or a PDF library imports it when called, so a command loads only what it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .core.answers import Answer, as_csv, as_json
from .core.content import KINDS, MODULE_ID, Library, Module, load_library
from .core.errors import HandoutError, Problem, ProblemsFound, display_path
from .core.fonts import FONT_DIR, FONTS
from .core.languages import LOCALE_DIR, N_, Languages, gettext
from .core.languages import NAMES as LANGUAGE_NAMES
from .core.languages import known as known_languages
from .core.languages import parse as parse_language
from .core.options import PAPERS, Options
from .core.output import (
    DEFAULT_OUT,
    NoSpace,
    prepare_folder,
    running,
    write_atomic,
    write_error,
    write_file,
    write_new,
)
from .core.practice_file import (
    Logo,
    check_practice,
    profile_values,
    read_practice,
    save_practice,
)
from .core.profiles import (
    PROFILE_NAME,
    Person,
    Personal,
    Practice,
    checked_text,
    find_practice,
    load_practice,
    logo_problem,
    make_personal,
    parse_dates,
    profile_text,
    slugify,
    user_profile,
    write_profile_template,
)
from .core.resources import CONTENT_DIR, TEMPLATES_DIR
from .core.safety import find_region, load_regions, missing_crisis_line
from .packets.order import PacketOrder
from .packets.packet import Packet, load_packet, packet_files
from .packets.participants import Participant, make_participant
from .packets.roster import Roster, read_roster

if TYPE_CHECKING:  # named only: the modules behind them load the engine or a PDF library
    from PIL.Image import Image

    from .core.build import ModuleReport
    from .core.pdf import Rendered
    from .core.validate import CheckedModule
    from .packets.job import PacketJob
    from .packets.pool import BatchResult
    from .phone.copy import PhoneCopy
    from .phone.keys import PracticeKey
    from .phone.returned import Batch, Returned
    from .phone.site import Site

PathLike = str | Path

__all__ = [
    "CONTENT_DIR",
    "DEFAULT_OUT",
    "FONTS",
    "FONT_DIR",
    "KINDS",
    "LANGUAGE_NAMES",
    "LOCALE_DIR",
    "MODULE_ID",
    "N_",
    "PAPERS",
    "PDF",
    "PROFILE_NAME",
    "TEMPLATES_DIR",
    "Answer",
    "HandoutError",
    "Languages",
    "Library",
    "Logo",
    "Module",
    "NoSpace",
    "Options",
    "Packet",
    "PacketOrder",
    "Participant",
    "Person",
    "Personal",
    "Practice",
    "Problem",
    "ProblemsFound",
    "Roster",
    "RosterRun",
    "as_csv",
    "as_json",
    "build",
    "build_packet",
    "check",
    "check_module",
    "check_modules",
    "check_practice",
    "checked_in",
    "checked_text",
    "display_path",
    "find_practice",
    "find_region",
    "forget_preview",
    "gettext",
    "known_languages",
    "library",
    "load_library",
    "load_packet",
    "load_practice",
    "load_regions",
    "logo_problem",
    "make_participant",
    "make_personal",
    "missing_crisis_line",
    "packet_files",
    "page_images",
    "parse_dates",
    "parse_language",
    "participant",
    "person",
    "png_bytes",
    "practice",
    "prepare_folder",
    "prepare_packet",
    "preview_pages",
    "profile_text",
    "profile_values",
    "read_answers",
    "read_practice",
    "read_roster",
    "reading_ease",
    "reading_grade",
    "render_html",
    "render_page",
    "render_sample",
    "run_roster",
    "running",
    "sample_page",
    "save_practice",
    "slugify",
    "survey",
    "user_profile",
    "write",
    "write_atomic",
    "write_error",
    "write_file",
    "write_new",
    "write_profile_template",
]


# --- what the calls take and give --------------------------------------------------------


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


# --- the library, the practice, the person ----------------------------------------------


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


# --- building ----------------------------------------------------------------------------


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
    from .core.build import prepare_handouts, render_prepared

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
    from .packets.job import packet_pdf

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
    from .packets.pool import build_roster

    order = PacketOrder(order) if isinstance(order, str) else order
    job = prepare_packet(order, who, options)
    roster = read_roster(Path(run.roster), run.max_rows)
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
    from .packets.job import prepare_packet as prepare

    order = PacketOrder(order) if isinstance(order, str) else order
    return prepare(order, who or Personal(), options or Options())


def read_answers(path: PathLike, passphrase: str | None = None) -> Returned:
    """What a client typed into a fillable PDF or a phone copy, from the file they sent back:
    a Returned, the sequence of its Answer(field, question, value), with its module, the date
    it was sent and the copy it came from (phone files). A phone answers file is opened with
    the practice's key (and its passphrase, when it has one)."""
    from .phone.returned import Keyring
    from .phone.returned import read_answers as read

    return read(Path(path), Keyring(passphrase))


def read_many_answers(paths: Iterable[PathLike], passphrase: str | None = None) -> Batch:
    """Many returned files at once: a Batch of those read, one line for each that could not
    be (naming the file), and the files that repeat one already read."""
    from .phone.returned import read_many

    return read_many([Path(p) for p in paths], passphrase)


def answers_text(batch: Batch, output_format: str = "table") -> str:
    """Answers read from many files as 'table' (to read), 'csv' (a spreadsheet) or 'json'."""
    from .phone.returned import many_csv, many_json, many_table

    shapes = {"table": many_table, "csv": many_csv, "json": lambda read: many_json(read) + "\n"}
    return shapes[output_format](batch.read)


def build_phone(
    ids: Sequence[str],
    who: Personal | None = None,
    options: Options | None = None,
    *,
    content: Library | Iterable[PathLike] = (),
    public_key: PathLike | None = None,
) -> list[PhoneCopy]:
    """One phone copy per module (PhoneCopy: .name, .html, .write), its answers locked to the
    practice's public key: the file given, else the one beside the practice profile, else
    the one in the user's settings folder."""
    from .phone.copy import phone_copies
    from .phone.keys import public_key_path, read_public

    who = who or Personal()
    found = content if isinstance(content, Library) else library(content)
    path = Path(public_key) if public_key else public_key_path(find_practice(None))
    return phone_copies(ids, who, found, read_public(path), options or Options())


def practice_public_key(profile: PathLike | None = None) -> Path:
    """Where phone copies take the practice's public key from: beside this profile (else
    the one found), else in the user's settings folder."""
    from .phone.keys import public_key_path

    return public_key_path(Path(profile) if profile else find_practice(None))


def build_site(
    out: PathLike,
    ids: Sequence[str] = (),
    practice: Practice | None = None,
    options: Options | None = None,
    *,
    content: Library | Iterable[PathLike] = (),
    public_key: PathLike | None = None,
) -> Site:
    """The phone copies of the whole library (or of these modules) as a static homework site
    in `out`: index.html by topic, a web-app manifest and a service worker. No client details."""
    from .phone.keys import public_key_path, read_public
    from .phone.site import build_site as build

    found = content if isinstance(content, Library) else library(content)
    path = Path(public_key) if public_key else public_key_path(find_practice(None))
    return build(Path(out), found, read_public(path), practice, options or Options(), ids)


def shelves(entries: list[dict]) -> list[tuple[str, list[dict]]]:
    """Modules (entries with a 'module') on shelves by topic, as the catalog and the homework
    site show them."""
    from .core.content import shelves as on_shelves

    return on_shelves(entries)


def practice_keys() -> list[PracticeKey]:
    """The practice's private keys (fingerprint, file, whether a passphrase guards it), the
    one new phone copies use first."""
    from .phone.keys import practice_keys as keys

    return keys()


def ensure_practice_key(
    profile_folder: PathLike, passphrase: str | None = None
) -> tuple[PracticeKey, bool]:
    """The practice key, made if there is none, its public key put beside the profile: the
    key, and whether it was made now."""
    from .phone.keys import ensure_key

    return ensure_key(Path(profile_folder), passphrase)


def new_practice_key(
    profile_folder: PathLike | None = None, passphrase: str | None = None
) -> PracticeKey:
    """A new practice key for new phone copies; older keys are kept to open older answers."""
    from .phone.keys import new_key, public_of, user_profile, write_public

    key = new_key(passphrase)
    public = public_of(key, passphrase)
    for folder in dict.fromkeys([Path(profile_folder or "."), user_profile().parent]):
        write_public(public, folder)
    return key


def export_practice_keys(
    target: PathLike, backup_passphrase: str, passphrase: str | None = None
) -> int:
    """Every practice key in one backup file, locked with the backup's passphrase."""
    from .phone.keys import export_keys

    return export_keys(Path(target), backup_passphrase, passphrase)


def import_practice_keys(source: PathLike, backup_passphrase: str) -> list[PracticeKey]:
    """The keys of a backup put back (a new computer, or a lost key folder)."""
    from .phone.keys import import_keys

    return import_keys(Path(source), backup_passphrase)


def key_fingerprint(fingerprint: str) -> str:
    """A fingerprint as people compare it ('1a2b 3c4d 5e6f 7a8b')."""
    from .phone.keys import short

    return short(fingerprint)


# --- checking and surveying --------------------------------------------------------------


def check(
    content_dirs: Iterable[PathLike] = (), language: str = "en", ids: Sequence[str] = ()
) -> list[ModuleReport]:
    """Check every module, or only those with these ids (front matter, components, reading
    level, a strict render): a list of ModuleReport, one per module file, each with its
    problems, pages and reading level. In another language, also each module against its
    English original, and each one missing. An unknown id is a HandoutError naming the
    closest ids there are."""
    from .core.build import check_library

    return check_library(content_dirs, language, ids)


def survey(library: Library, modules: Sequence[Module], fresh: bool = False) -> list[ModuleReport]:
    """Pages and reading level of each module, as 'list' shows them: remembered between runs
    until a module or template changes, unless 'fresh'."""
    from .core.build import survey as measure

    return measure(library, modules, fresh)


def check_module(module: Module, roots: Iterable[Path]) -> tuple[CheckedModule, list[Problem]]:
    """One module's body and components checked: the checked module and every problem."""
    from .core.validate import check_module as checked

    return checked(module, roots)


def check_modules(modules: Iterable[Module], roots: Iterable[Path]) -> tuple[CheckedModule, ...]:
    """Modules checked, every problem of every module raised at once."""
    from .core.validate import check_modules as checked

    return checked(modules, roots)


def checked_in(
    library: Library, ids: Sequence[str], languages: Languages
) -> tuple[CheckedModule, ...]:
    """Modules checked in a language; in a bilingual copy each with its translation beside it."""
    from .core.build import checked_in as checked

    return checked(library, ids, languages)


def reading_grade(checked: CheckedModule) -> float | None:
    """The US school grade of an English module's client text (Flesch-Kincaid)."""
    from .core.readability import reading_grade as grade

    return grade(checked)


def reading_ease(checked: CheckedModule) -> float | None:
    """The INFLESZ reading ease of a Spanish module's client text (Szigriszt-Pazos)."""
    from .core.readability import reading_ease as ease

    return ease(checked)


# --- pages for the authoring tools and the app -------------------------------------------


def render_sample(
    group: Sequence[CheckedModule],
    library: Library,
    practice: Practice | None = None,
    options: Options | None = None,
) -> Rendered:
    """Checked modules rendered strictly for the sample client, as check, previews and the
    catalog show them (with the practice's profile when given), in the library's language."""
    from .core.build import render_sample as render

    return render(group, library, practice, options)


def preview_pages(
    ids: Sequence[str],
    who: Personal,
    options: Options,
    library: Library,
    wanted: str = "first",
) -> dict:
    """The live preview of a build: page 1 ('first') or the other pages ('rest') as PNG data
    addresses, with the page count and the file name; held in memory only."""
    from .core.preview import preview_pages as pages

    return pages(ids, who, options, library, wanted)


def forget_preview() -> None:
    """Drop the last preview's layout (it holds a client's details)."""
    from .core.preview import forget

    forget()


def sample_page(library: Library, module_id: str, scale: float = 0.45) -> bytes:
    """A module's page 1 for the sample client as a PNG (a thumbnail), laid out quickly."""
    from .core.preview import sample_page as page

    return page(library, module_id, scale)


def page_images(pdf: bytes, pages: Iterable[int] | None = None, scale: float = 1.0) -> list[Image]:
    """The given pages (0-based; all when None) of a PDF as RGB images."""
    from .core.raster import page_images as images

    return images(pdf, pages, scale)


def png_bytes(image: Image, fast: bool = False) -> bytes:
    """An image as PNG data: small by default, quick to make when 'fast'."""
    from .core.raster import png_bytes as png

    return png(image, fast)


def render_page(template: str, language: str = "en", **context: Any) -> str:
    """One of the tool's own page templates (e.g. 'catalog.html') filled in, in a language."""
    from .core.render import environment, load_template, render_template

    env = environment(languages=parse_language(language))
    return render_template(load_template(env, template), **context)


def render_html(
    html: str, title: str, language: str, roots: Iterable[Path] = (), strict: bool = True
) -> Rendered:
    """A whole HTML page of the tool's own as a tagged PDF, loading only files under 'roots'."""
    from .core.pdf import render_pdf
    from .core.render import Document

    return render_pdf(Document(html, title, language), roots, strict)
