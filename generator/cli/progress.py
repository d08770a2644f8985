"""'handouts progress': the encrypted record of homework given and returned (a thin layer over
generator.api)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..api import (
    DEFAULT_PAPER,
    PAPERS,
    add_returned,
    backup_record,
    client_summary,
    display_path,
    export_progress,
    forget_client,
    library,
    open_record,
    practice,
    progress_report,
    restore_record,
)
from ..api import Options as Options
from .base import key_passphrase
from .returned import looks_like_phone_answers

PASSPHRASE_ENV = "HANDOUTS_PASSPHRASE"
client_option = click.option(
    "--client", "client", required=True, metavar="CODE", help="The client's code, e.g. AB-12."
)


def record_handed_out(code: str, ids, day) -> None:
    """'build --client-code': note in the record what was handed out, and say so."""
    from ..api import record_given

    with open_record(passphrase(), create=True) as record:
        added = record_given(record, code, ids, day)
    click.echo(f"Recorded {added} module(s) given to {code.upper()}.")


def passphrase(confirm: bool = False) -> str:
    """The record's passphrase: $HANDOUTS_PASSPHRASE (for scripts), else asked once."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given
    return click.prompt(
        "Passphrase for the progress record", hide_input=True, confirmation_prompt=confirm
    )


def _record(create: bool = False):
    return open_record(passphrase(), create=create)


@click.group("progress")
def progress() -> None:
    """Progress across sessions: an encrypted record, on this computer, of the homework you give
    and get back, with scores, alerts, a report, exports, and forgetting a client."""


@progress.command("add")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE..."
)
@client_option
@click.option(
    "--date",
    "day",
    metavar="YYYY-MM-DD",
    help="The day the homework was done "
    "(default: the form's date, else the day the PDF was saved or the answers were sent).",
)
@click.option(
    "--lang",
    "language",
    default="en",
    metavar="LANG",
    help="The client's language, for the modules and the report (default: en).",
)
def add(files, client, day, language) -> None:
    """Add returned PDFs and phone answers files to a client's record (made if new).

    Fillable PDFs, and answers files from phone copies, opened with the practice key: a key
    with a passphrase asks for it (or reads HANDOUTS_KEY_PASSPHRASE)."""
    key = key_passphrase() if any(looks_like_phone_answers(f) for f in files) else None
    with open_record(passphrase(), create=True) as record:
        result = add_returned(record, files, client, day, library(language=language), key)
    for day_seen, module, alert in result.alerts:
        click.echo(
            f'ALERT {day_seen}  {module} item {alert.item}: "{alert.question}" answered '
            f'"{alert.answer}"',
        )
    click.echo(f"Added {result.added}; already in the record: {result.duplicates}.")
    for problem in result.problems:
        click.echo(f"Error: {problem}", err=True)
    if result.problems:
        raise click.exceptions.Exit(1)


@progress.command("list")
def list_clients() -> None:
    """Every client in the record, with homework given and returned and the last day seen."""
    with _record() as record:
        rows = record.counts()
    if not rows:
        click.echo("No clients in the record yet.")
    for code, given, returned, last in rows:
        click.echo(f"{code:<12} given {given:>3}  returned {returned:>3}  last {last or '-'}")


@progress.command("show")
@click.argument("client", metavar="CODE")
def show(client) -> None:
    """A client's alerts (first), measures with totals and bands, tracked items and homework."""
    with _record() as record:
        summary = client_summary(record, client)
    click.echo("\n".join(summary_lines(summary)))


@progress.command("report")
@click.argument("client", metavar="CODE")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The PDF to write.")
@click.option(
    "--for",
    "audience",
    type=click.Choice(["clinician", "client"]),
    default="clinician",
    show_default=True,
    help="'client': no severity labels and no alerts.",
)
@click.option("--large-print", is_flag=True, help="Body text at 16 pt.")
@click.option("--ink-saver", is_flag=True, help="Black on white: no coloured fills.")
@click.option("--paper", type=click.Choice(PAPERS), help="Paper size (default: letter).")
def report(client, out, audience, large_print, ink_saver, paper) -> None:
    """The progress report PDF: a chart of each measure with its bands, tracked items, homework."""
    options = Options(large_print=large_print, ink_saver=ink_saver, paper=paper or DEFAULT_PAPER)
    with _record() as record:
        pdf = progress_report(
            record, client, for_client=audience == "client", options=options, practice=practice()
        )
    path = pdf.write(out if out.suffix.lower() == ".pdf" else out / pdf.name)
    click.echo(f"{display_path(path)}  ({pdf.pages} page{'s' if pdf.pages != 1 else ''})")


@progress.command("export")
@click.argument("client", metavar="CODE")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["csv", "fhir"]),
    default="csv",
    show_default=True,
    help="csv: every answer; fhir: FHIR R4 QuestionnaireResponses.",
)
@click.option("--out", type=click.Path(path_type=Path), help="A file to write (default: print).")
def export(client, format_, out) -> None:
    """A client's record for a spreadsheet (CSV) or an EHR (FHIR R4 JSON)."""
    from ..api import write_file

    with _record() as record:
        text = export_progress(record, client, format_)
    if out is None:
        click.echo(text, nl=False)
        return
    write_file(out, text.encode())
    click.echo(f"Wrote {display_path(out)}.")


@progress.command("forget")
@click.argument("client", metavar="CODE")
@click.option("--yes", is_flag=True, help="Do not ask to confirm.")
def forget(client, yes) -> None:
    """Erase a client: their code and everything recorded, the file rewritten without them."""
    if not yes:
        click.confirm(
            f"Erase {client} and everything recorded for them? This cannot be undone", abort=True
        )
    with _record() as record:
        forget_client(record, client)
    click.echo(f"Erased {client.upper()}; the record was rewritten without them.")


@progress.command("backup")
@click.argument("target", type=click.Path(path_type=Path), metavar="FILE")
def backup(target) -> None:
    """An encrypted copy of the record (the same passphrase opens it)."""
    with _record() as record:
        path = backup_record(record, target)
    click.echo(f"Wrote an encrypted copy to {display_path(path)}.")


@progress.command("restore")
@click.argument("source", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--yes", is_flag=True, help="Do not ask to confirm.")
def restore(source, yes) -> None:
    """Replace the record with a backup made by 'progress backup'."""
    if not yes:
        click.confirm("Replace the record on this computer with this backup?", abort=True)
    path = restore_record(source, passphrase())
    click.echo(f"Restored the record at {display_path(path)}.")


def summary_lines(summary) -> list[str]:
    """What 'progress show' prints: the alerts first, then each measure, tracked item and
    homework, one line a day."""
    lines = [f"{summary.code}  ({len(summary.days)} day(s) recorded)"]
    lines += [
        f'ALERT {a.day}  {a.title}, item {a.item}: "{a.question}" answered "{a.answer}"'
        for a in summary.alerts
    ]
    for series in summary.measures:
        lines += ["", series.title]
        lines += [f"  {p.day}  {_total(series, p)}" for p in series.points]
    for series in summary.tracks:
        lines += ["", f"{series.label} ({series.title}; not a validated measure)"]
        lines += [f"  {p.day}  {p.value if p.value is not None else '-'}" for p in series.points]
    if summary.homework:
        lines += ["", "Homework"]
    for work in summary.homework:
        given = ", ".join(work.given) or "-"
        lines.append(f"  {work.title}: given {given}; returned {', '.join(work.returned) or '-'}")
    return lines


def _total(series, point) -> str:
    score = point.score
    if not score.complete:
        return f"{score.total} (partial: item(s) {', '.join(map(str, score.missing))} unanswered)"
    return f"{score.total} of {series.module_ref.scoring.highest}  {score.band.label}"
