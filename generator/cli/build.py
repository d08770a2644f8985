"""Commands that make pages: build (PDFs or phone copies), packet (one or a roster) and site."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

import click

from .. import api
from ..api import (
    HandoutError,
    Person,
    display_path,
    find_practice,
    load_practice,
)
from .base import (
    MAX_ROWS,
    cli,
    content_option,
    lang_option,
    layout_from,
    layout_options,
    out_folder_option,
    practice_option,
    practice_profile,
    region_option,
    warn_without_crisis_line,
)


@cli.command()
@content_option
@click.argument("module_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--client", help="Client's name, initials or pseudonym. Without it: a blank line.")
@click.option("--therapist", help="Therapist's name (overrides the practice profile).")
@click.option("--date", "date", metavar="YYYY-MM-DD", help="Session date.")
@click.option("--session", metavar="N", help="Session number, from 1 to 999.")
@click.option("--note", help="A short homework note printed near the top.")
@practice_option
@click.option("--slug", help="File-name part for this client (default: made from --client).")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder, or a .pdf file name.")
@click.option("--combine", is_flag=True, help="One PDF holding every module, in order.")
@click.option(
    "--phone",
    is_flag=True,
    help="A phone copy (ID.html) instead of a PDF: it saves the client's answers on their "
    "phone and sends them back locked to your practice key.",
)
@layout_options
@click.option(
    "--discreet",
    is_flag=True,
    help="For a client whose pages someone else may read: no name, a neutral title, running "
    "head and file name (notes.pdf), and 'Numbers to keep' (or the profile's discreet_line) "
    "in place of the domestic-violence line.",
)
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Stop when the renderer reports any problem (missing image, bad style, missing alt text).",
)
@click.option(
    "--client-code",
    metavar="CODE",
    help="Note in the progress record that these modules were given to this client (e.g. AB-12).",
)
def build(
    content_dirs,
    module_ids,
    client,
    therapist,
    date,
    session,
    note,
    practice_file,
    slug,
    out,
    combine,
    discreet,
    phone,
    strict,
    client_code,
    **layout,
) -> None:
    """Build PDFs for one or more modules, personalized for a client; or, with --phone, a phone
    copy of each."""
    given = Person(client, date, session, note, therapist, slug)
    personal = api.person(given, practice_profile(practice_file))
    options = replace(layout_from(layout), discreet=discreet)
    if phone and combine:
        raise HandoutError("--phone makes one phone copy per module; drop --combine")
    if phone:
        _phone(module_ids, personal, options, out, content_dirs, practice_file)
        return
    pdfs = api.build(
        module_ids, personal, options, combine=combine, content=content_dirs, strict=strict
    )
    warn_without_crisis_line(personal.practice, layout["region"])
    _written(pdfs, api.write(pdfs, out or api.DEFAULT_OUT))
    if client_code:
        from .progress import record_handed_out

        record_handed_out(client_code, module_ids, personal.date)


def _written(pdfs: list[api.PDF], paths: list[Path]) -> None:
    """What a build wrote, and what the user should know about it."""
    for notice in dict.fromkeys(n for pdf in pdfs for n in pdf.notices):
        click.echo(notice, err=True)
    for warning in dict.fromkeys(w for pdf in pdfs for w in pdf.warnings):
        click.echo(f"warning: {warning}", err=True)
    for path, pdf in zip(paths, pdfs, strict=True):
        click.echo(f"{display_path(path)}  ({pdf.pages} page{'s' if pdf.pages != 1 else ''})")


def _phone(module_ids, personal, options, out, content_dirs, practice_file) -> None:
    """A phone copy of each module, locked to the practice's key."""
    from ..api import build_phone, practice_public_key

    if options.fillable or options.large_print or options.ink_saver or options.paper:
        raise HandoutError(
            "--phone: a phone copy has its own layout; drop --fillable, --large-print, "
            "--ink-saver and --paper"
        )
    key = practice_public_key(find_practice(practice_file))
    if not key.is_file():
        raise HandoutError(
            "--phone: there is no practice key yet; run 'handouts key new' (or 'handouts init') "
            "to make one, then build again"
        )
    out = out or Path("output")
    if out.suffix.lower() == ".html" and len(set(module_ids)) > 1:
        raise HandoutError(f"--out '{display_path(out)}': a file name needs a single module")
    copies = build_phone(module_ids, personal, options, content=content_dirs, public_key=key)
    for copy in copies:
        click.echo(f"{display_path(copy.write(out))}  (phone copy, {len(copy.data) // 1024} kB)")


@cli.command()
@content_option
@click.argument("name", metavar="FILE|NAME")
@click.option("--client", help="Participant's name, initials or pseudonym, for one packet.")
@click.option("--note", help="A short note for the participant, printed on the cover.")
@click.option(
    "--roster",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV with a 'name' column (optional: pronouns, group, note): one packet per row.",
)
@click.option("--facilitator", is_flag=True, help="The facilitator edition, with session notes.")
@click.option(
    "--leader", help="Facilitator's name on the cover (default: the profile's therapist)."
)
@click.option(
    "--date",
    "dates",
    multiple=True,
    metavar="YYYY-MM-DD",
    help="Session date; repeat once per session to date each one.",
)
@practice_option
@click.option("--out", type=click.Path(path_type=Path), help="Output folder, or a .pdf file name.")
@layout_options
@click.option("--duplex/--no-duplex", default=None, help="Start each module on a right-hand page.")
@click.option(
    "--workers", type=click.IntRange(1, 64), help="Packets built at once (default: every core)."
)
@click.option(
    "--max-rows",
    type=click.IntRange(1),
    default=MAX_ROWS,
    show_default=True,
    help="Refuse a roster with more rows than this (split a bigger one).",
)
@click.option(
    "--strict/--no-strict", default=True, show_default=True, help="Stop on any render problem."
)
def packet(
    content_dirs,
    name,
    client,
    note,
    roster,
    facilitator,
    leader,
    dates,
    practice_file,
    out,
    duplex,
    workers,
    max_rows,
    strict,
    **layout,
) -> None:
    """Build a workshop packet: cover, contents, sessions and modules in one PDF.

    FILE|NAME is a packet file, or the name of a built-in or user packet ('handouts packets').
    With --roster, one packet per participant in OUT (default output/NAME/), all-participants.pdf
    to print them all in one go, and report.txt; bad rows are listed and skipped (exit code 1)."""
    if roster and (client or note):
        raise HandoutError("--roster gives each participant's name and note; drop --client/--note")
    personal = api.person(Person(therapist=leader), practice_profile(practice_file))
    order = api.PacketOrder(name, dates, facilitator, duplex, content_dirs, strict)
    warn_without_crisis_line(personal.practice, layout["region"])
    if roster:
        _roster(order, api.RosterRun(roster, out, workers, max_rows), personal, layout_from(layout))
        return
    one = api.participant(client, note)
    pdf = api.build_packet(order, personal, layout_from(layout), one)
    _written([pdf], api.write([pdf], out or api.DEFAULT_OUT))


def _roster(order: api.PacketOrder, run: api.RosterRun, personal, options) -> None:
    """A roster run with a progress bar (on a terminal), then what it wrote and what it could
    not build."""
    show = sys.stderr.isatty()
    with click.progressbar(
        length=0, label="Building packets", file=sys.stderr if show else io.StringIO()
    ) as bar:
        planned = partial(setattr, bar, "length")  # the rows that can be built, once known
        result = api.run_roster(order, run, personal, options, bar.update, planned)
    for line in [*result.notices, *(f"warning: {w}" for w in result.warnings)]:
        click.echo(line, err=True)
    folder = display_path(result.folder)
    click.echo(f"{len(result.written)} packet(s) in {folder}/ ({result.pages} pages each)")
    if result.combined:
        click.echo(f"Print all: {display_path(result.combined)}  ({result.combined_pages} pages)")
    for path in result.extra:
        click.echo(f"Facilitator edition: {display_path(path)}")
    click.echo(f"Report: {folder}/report.txt")
    for bad in result.bad:
        click.echo(f"{display_path(run.roster)}: {bad}", err=True)
    failed = [f"{len(result.bad)} row(s) not built; the others were"] if result.bad else []
    if result.problems or failed:
        raise HandoutError("\n".join([*result.problems, *failed]))


@cli.command()
@content_option
@out_folder_option("output/site", "Folder for the site's files, to copy to any web host.")
@click.option(
    "--modules", "module_ids", multiple=True, metavar="ID", help="Only these modules (repeatable)."
)
@practice_option
@lang_option(pairs=False)
@region_option
def site(content_dirs, out, module_ids, practice_file, language, region) -> None:
    """Phone copies of the library as a homework site for any static web host: an index by
    topic, and pages that work offline once opened. No client's details are in it; answers
    come back locked to your practice key, as from any phone copy."""
    from ..api import build_site, practice_public_key

    profile = find_practice(practice_file)
    key = practice_public_key(profile)
    if not key.is_file():
        raise HandoutError("there is no practice key yet; run 'handouts key new', then again")
    options = layout_from(
        dict(fillable=False, large_print=False, ink_saver=False, fallback=False)
        | dict(language=language, region=region)
    )
    made = build_site(
        out,
        module_ids,
        load_practice(profile) if profile else None,
        options,
        content=content_dirs,
        public_key=key,
    )
    click.echo(f"{len(made.pages) - 1} phone copies and an index in {display_path(made.folder)}/")
    click.echo(f"Copy the folder to your web host; clients start at {display_path(made.pages[0])}.")
