"""Progress across sessions: the practice's encrypted record of homework given and returned,
each client's measures, tracked items and alerts, and the progress report."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.content import Library
from ..core.options import Options
from ..core.profiles import Practice
from .building import PDF, library
from .types import PathLike

if TYPE_CHECKING:  # named only: the record loads SQLCipher, the report the engine
    from ..progress.record import Record
    from ..progress.scoring import Alert
    from ..progress.summary import Summary


@dataclass(frozen=True)
class Imported:
    """What 'progress add' did: copies added, copies already in the record, files refused
    (each message names the file), and the alerts among the answers just added."""

    added: int
    duplicates: int
    problems: tuple[str, ...]
    alerts: tuple[tuple[str, str, Alert], ...]  # the day, the module, the alert


def open_record(passphrase: str, path: PathLike | None = None, create: bool = True) -> Record:
    """The practice's encrypted record (a Record; close it, or use it in a 'with'): the file
    given, else $HANDOUTS_RECORD, else record.db in the user's data folder. A wrong passphrase
    is a HandoutError."""
    from ..progress.record import Record, record_path

    return Record(Path(path) if path else record_path(), passphrase, create)


def add_returned(
    record: Record,
    files: Sequence[PathLike],
    client: str,
    day: dt.date | str | None = None,
    content: Library | None = None,
    key_passphrase: str | None = None,
) -> Imported:
    """Returned homework into a client's record: fillable PDFs, and phone answers files opened
    with the practice key (key_passphrase when it has one). Good files are added, bad ones
    reported by name, duplicates recognised and skipped; the day from `day`, else the form's
    date, else the day the PDF was saved or the answers were sent. The modules are those of
    `content`, in the client's language (library(folders, language)); the built-in English
    library by default."""
    from ..progress.intake import import_files

    when, found = _one_day(day), content if content is not None else library()
    return Imported(*import_files(record, files, client, when, found, key_passphrase))


def record_given(
    record: Record, client: str, ids: Sequence[str], day: dt.date | str | None = None
) -> int:
    """Note in a client's record the modules handed out on a day (today by default)."""
    from ..progress.intake import given_entries

    return record.add(client, given_entries(ids, _one_day(day) or dt.date.today()))[0]


def client_summary(record: Record, client: str, content: Iterable[PathLike] = ()) -> Summary:
    """A client's sessions, measures (totals and bands), tracked items, alerts and homework."""
    from ..progress.record import check_code
    from ..progress.summary import summarize

    language = record.language(client)
    found = library(content, language, fallback=language != "en")
    return summarize(check_code(client), language, record.entries(client), found)


def progress_report(
    record: Record,
    client: str,
    *,
    for_client: bool = False,
    options: Options | None = None,
    practice: Practice | None = None,
    content: Iterable[PathLike] = (),
) -> PDF:
    """The progress report as a PDF in memory: for the clinician (alerts first, bands shown), or
    for the client (no bands, no alerts, written to encourage)."""
    from ..progress.report import render_report

    summary = client_summary(record, client, content)
    name, data, pages = render_report(summary, for_client, options or Options(), practice)
    return PDF(name, data, pages)


def progress_sections(record: Record, client: str, content: Iterable[PathLike] = ()) -> dict:
    """What the report shows, for a page: the alerts, each measure's chart (SVG) and rows,
    each tracked item, the homework; dates written in the client's language."""
    from ..progress.report import sections

    return sections(client_summary(record, client, content))


def export_progress(
    record: Record, client: str, format: str = "csv", content: Iterable[PathLike] = ()
) -> str:
    """A client's record as CSV (every answer) or FHIR R4 QuestionnaireResponse JSON (the
    measures), as text."""
    from ..progress.export import export_text

    return export_text(client_summary(record, client, content), record.entries(client), format)


def forget_client(record: Record, client: str) -> None:
    """Erase a client from the record: their code and every entry, the file rewritten."""
    record.forget(client)


def backup_record(record: Record, target: PathLike) -> Path:
    """An encrypted copy of the record (the same passphrase opens it)."""
    return record.backup(Path(target))


def restore_record(source: PathLike, passphrase: str, path: PathLike | None = None) -> Path:
    """Replace the record with a backup that opens with the passphrase."""
    from ..progress.record import record_path, restore

    return restore(Path(source), passphrase, Path(path) if path else record_path())


def _one_day(day: dt.date | str | None) -> dt.date | None:
    if day is None or isinstance(day, dt.date):
        return day
    from ..core.profiles import parse_dates

    return parse_dates([day])[0]
