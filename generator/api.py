"""The public Python API: load a library, build handouts and packets, run rosters, read answers.

Everything the command line and the web app do goes through these functions. A build returns
PDFs in memory (`PDF.data`), with the file name the command line would give them; `PDF.write`
puts one on disk atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .core.content import Library, load_library
from .core.errors import HandoutError
from .core.options import Options
from .core.profiles import Personal, Practice, find_practice, load_practice, make_personal

if TYPE_CHECKING:  # the check's reports: the build module loads the renderer, so only named
    from .core.build import ModuleReport

PathLike = str | Path


@dataclass(frozen=True)
class PDF:
    """A finished PDF in memory, and the file name the command line gives it."""

    name: str
    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()

    def write(self, target: PathLike = "output") -> Path:
        """Write the PDF atomically: into a folder under its own name, or to a .pdf path."""
        from .core.output import prepare_folder, write_file

        target = Path(target)
        path = target if target.suffix.lower() == ".pdf" else target / self.name
        prepare_folder(path.parent)
        write_file(path, self.data)
        return path


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


def person(
    client: str | None = None,
    date: dt.date | str | None = None,
    session: int | None = None,
    note: str | None = None,
    therapist: str | None = None,
    practice: Practice | None = None,
    slug: str | None = None,
) -> Personal:
    """Who a handout is for, checked: every problem reported at once as a HandoutError."""
    return make_personal(client, date, session, note, therapist, practice, slug)


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
    from .core.build import render_handouts

    found = content if isinstance(content, Library) else library(content)
    rendered = render_handouts(ids, who or Personal(), found, combine, strict, options or Options())
    return [PDF(name, r.data, r.pages, r.warnings) for name, r in rendered]


def build_packet(
    name: str,
    who: Personal | None = None,
    options: Options | None = None,
    *,
    participant: str | None = None,
    note: str | None = None,
    dates: Sequence[dt.date | str] = (),
    facilitator: bool = False,
    duplex: bool | None = None,
    content: Iterable[PathLike] = (),
    strict: bool = True,
) -> PDF:
    """A packet for one participant (or blank name lines), or the facilitator edition."""
    from .packets.batch import packet_pdf

    job = _packet_job(name, who, options, dates, duplex, content, strict)
    return PDF(*packet_pdf(job, _participant(participant, note), facilitator))


def run_roster(
    name: str,
    roster: PathLike,
    out: PathLike | None = None,
    who: Personal | None = None,
    options: Options | None = None,
    *,
    dates: Sequence[dt.date | str] = (),
    facilitator: bool = False,
    duplex: bool | None = None,
    workers: int | None = None,
    content: Iterable[PathLike] = (),
    strict: bool = True,
    progress: Callable[[int], None] | None = None,
):
    """One packet per roster row in `out`, the print file and report.txt; bad rows are listed in
    the result (by row number and reason), never built, and never stop the good ones.
    Raising from `progress` (e.g. KeyboardInterrupt) cancels the run and removes partial files."""
    from .packets.batch import build_roster
    from .packets.roster import read_roster

    job = _packet_job(name, who, options, dates, duplex, content, strict)
    return build_roster(job, read_roster(Path(roster)), out, workers, facilitator, progress)


def read_answers(pdf: PathLike):
    """What a client typed into a fillable PDF: a list of Answer(field, question, value)."""
    from .core.answers import read_answers as read

    return read(Path(pdf))


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


# --- progress across sessions: the encrypted record (generator/progress) -----------------------


@dataclass(frozen=True)
class Imported:
    """What 'progress add' did: copies added, copies already in the record, files refused
    (each message names the file), and the alerts among the answers just added."""

    added: int
    duplicates: int
    problems: tuple[str, ...]
    alerts: tuple


def open_record(passphrase: str, path: PathLike | None = None, create: bool = True):
    """The practice's encrypted record (a Record; close it, or use it in a 'with'): the file
    given, else $HANDOUTS_RECORD, else record.db in the user's data folder. A wrong passphrase
    is a HandoutError."""
    from .progress.record import Record, record_path

    return Record(Path(path) if path else record_path(), passphrase, create)


def add_returned(
    record,
    files: Sequence[PathLike],
    client: str,
    day: dt.date | str | None = None,
    language: str = "en",
    content: Iterable[PathLike] = (),
) -> Imported:
    """Returned homework (fillable PDFs) into a client's record: good files are added, bad ones
    reported, duplicates recognised and skipped."""
    from .progress.intake import import_files

    when = _one_day(day)
    return Imported(*import_files(record, files, client, when, library(content, language)))


def record_given(record, client: str, ids: Sequence[str], day: dt.date | str | None = None) -> int:
    """Note in a client's record the modules handed out on a day (today by default)."""
    from .progress.intake import given_entries

    return record.add(client, given_entries(ids, _one_day(day) or dt.date.today()))[0]


def client_summary(record, client: str, content: Iterable[PathLike] = ()):
    """A client's sessions, measures (totals and bands), tracked items, alerts and homework."""
    from .progress.record import check_code
    from .progress.summary import summarize

    language = record.language(client)
    found = library(content, language, fallback=language != "en")
    return summarize(check_code(client), language, record.entries(client), found)


def progress_report(
    record,
    client: str,
    *,
    for_client: bool = False,
    options: Options | None = None,
    practice: Practice | None = None,
    content: Iterable[PathLike] = (),
) -> PDF:
    """The progress report as a PDF in memory: for the clinician (alerts first, bands shown), or
    for the client (no bands, no alerts, written to encourage)."""
    from .progress.report import render_report

    summary = client_summary(record, client, content)
    name, data, pages = render_report(summary, for_client, options or Options(), practice)
    return PDF(name, data, pages)


def progress_sections(record, client: str, content: Iterable[PathLike] = ()) -> dict:
    """What the report shows, for a page: the alerts, each measure's chart (SVG) and rows,
    each tracked item, the homework; dates written in the client's language."""
    from .progress.report import sections

    return sections(client_summary(record, client, content))


def export_progress(record, client: str, format: str = "csv", content: Iterable[PathLike] = ()):
    """A client's record as CSV (every answer) or FHIR R4 QuestionnaireResponse JSON (the
    measures), as text."""
    from .progress.export import export_text

    return export_text(client_summary(record, client, content), record.entries(client), format)


def forget_client(record, client: str) -> None:
    """Erase a client from the record: their code and every entry, the file rewritten."""
    record.forget(client)


def backup_record(record, target: PathLike) -> Path:
    """An encrypted copy of the record (the same passphrase opens it)."""
    return record.backup(Path(target))


def restore_record(source: PathLike, passphrase: str, path: PathLike | None = None) -> Path:
    """Replace the record with a backup that opens with the passphrase."""
    from .progress.record import record_path, restore

    return restore(Path(source), passphrase, Path(path) if path else record_path())


def _one_day(day: dt.date | str | None) -> dt.date | None:
    if day is None or isinstance(day, dt.date):
        return day
    from .core.profiles import parse_dates

    return parse_dates([day])[0]


def _packet_job(name, who, options, dates, duplex, content, strict):
    from .core.profiles import parse_dates
    from .packets.batch import prepare_packet

    days = [d for d in dates if isinstance(d, dt.date)] or []
    if len(days) != len(dates):
        days = parse_dates([d if isinstance(d, str) else d.isoformat() for d in dates])
    return prepare_packet(
        name,
        who or Personal(),
        [Path(d) for d in content],
        options or Options(),
        duplex,
        days,
        strict,
    )


def _participant(name: str | None, note: str | None):
    if not name and not note:
        return None
    from .packets.participants import make_participant

    found, problems = make_participant({"name": name, "note": note})
    if problems:
        raise HandoutError("\n".join(problems))
    return found


# --- the rest of what the command line, the app and the authoring tools use --------------------
# They call nothing but this module: these are the pipeline's own functions, named here (and
# loaded when first asked for) so that the package's layout can change without them knowing.
_ALSO = {
    "KINDS": "core.content",
    "parse_language": ("core.languages", "parse"),
    "LANGUAGE_NAMES": ("core.languages", "NAMES"),
    "known_languages": ("core.languages", "known"),
    "gettext": "core.languages",
    "N_": "core.languages",
    "load_regions": "core.safety",
    "load_library": "core.content",
    "display_path": "core.errors",
    "FONTS": "core.fonts",
    "PAPERS": "core.options",
    "PROFILE_NAME": "core.profiles",
    "find_practice": "core.profiles",
    "load_practice": "core.profiles",
    "make_personal": "core.profiles",
    "parse_dates": "core.profiles",
    "user_profile": "core.profiles",
    "write_profile_template": "core.profiles",
    "survey": "core.build",
    "build_handout": "core.build",
    "check_library": "core.build",
    "as_csv": "core.answers",
    "as_json": "core.answers",
    "prepare_packet": "packets.batch",
    "build_roster": "packets.batch",
    "write_packet": ("packets.batch", "build_packet"),
    "make_participant": "packets.participants",
    "read_roster": "packets.roster",
    "load_packet": "packets.packet",
    "packet_files": "packets.packet",
    "library_previews": "authoring.previews",
    "new_module": "authoring.scaffold",
    "DEFAULT_FOLDER": "authoring.scaffold",
    "Preview": "authoring.preview",
    "serve_preview": ("authoring.preview", "serve"),
    "stop_preview": ("authoring.preview", "stop_serving"),
    "preview_where": ("authoring.preview", "where"),
    "build_catalog": "authoring.catalog",
    # and what the web app uses besides
    "render_sample": "core.build",
    "checked_in": "core.build",
    "LOCALE_DIR": "core.languages",
    "check_modules": "core.validate",
    "profile_text": "core.profiles",
    "FONT_DIR": "core.fonts",
    "page_images": "authoring.previews",
    "png_bytes": "authoring.previews",
    # and what the authoring tools use
    "MODULE_ID": "core.content",
    "TEMPLATES_DIR": "core.resources",
    "CONTENT_DIR": "core.resources",
    "check_module": "core.validate",
    "reading_grade": "core.readability",
    "reading_ease": "core.readability",
    "prepare_folder": "core.output",
    "write_file": "core.output",
    "write_atomic": "core.output",
    "render_pdf": "core.pdf",
    "Document": "core.render",
    "environment": "core.render",
    "load_template": "core.render",
    "render_template": "core.render",
}


def __getattr__(name: str):
    if name not in _ALSO:
        raise AttributeError(f"module 'generator.api' has no attribute {name!r}")
    where, inner = _ALSO[name] if isinstance(_ALSO[name], tuple) else (_ALSO[name], name)
    from importlib import import_module

    value = getattr(import_module(f"generator.{where}"), inner)
    globals()[name] = value
    return value
