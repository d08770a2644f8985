"""Commands that show the library: list, show, packets and check."""

from __future__ import annotations

import click

from .. import api
from ..api import (
    KINDS,
    HandoutError,
    survey,
)
from .base import (
    cli,
    content_option,
    lang_option,
    main_language,
    shown_library,
)


@cli.command("list")
@content_option
@lang_option(pairs=False)
@click.option("--topic", help="Only modules with this topic.")
@click.option(
    "--kind", type=click.Choice(KINDS), help="Only handouts, only worksheets or only measures."
)
def list_modules(content_dirs, language, topic, kind) -> None:
    """Show the library: id, kind, title, minutes, pages, reading level and topics.

    The reading level is the US school grade (Flesch-Kincaid) in English, the INFLESZ reading
    ease in Spanish (--lang es; 65 or more is 'bastante fácil'). Pages are counted as printed
    for a client with a note; the first run renders each module once, later runs remember the
    counts until a module or template changes."""

    library = shown_library(content_dirs, language)
    rows = [
        m
        for m in library.modules.values()
        if (not topic or topic in m.topics) and (not kind or m.kind == kind)
    ]
    for line in _table(survey(library, rows, fresh=False)) if rows else ["No modules match."]:
        click.echo(line)
    if library.problems:
        _say_problems(library.problems)


SHOWN_PROBLEMS = 10  # the rest are for 'handouts check'


def _say_problems(problems) -> None:
    """On stderr: the problems that kept module files out of the list, each with its file and
    line (the first few), and where to see them all."""
    click.echo(f"{len(problems)} problem(s) in module files, left out of the list:", err=True)
    for problem in problems[:SHOWN_PROBLEMS]:
        click.echo(f"  {problem}", err=True)
    more = len(problems) - SHOWN_PROBLEMS
    if more > 0:
        click.echo(f"  and {more} more", err=True)
    click.echo("run 'handouts check' to see them all.", err=True)


def _table(reports) -> list[str]:
    spanish = any(r.ease is not None for r in reports)
    header = ("ID", "KIND", "TITLE", "MIN", "PAGES", "INFLESZ" if spanish else "GRADE", "TOPICS")
    rows = [
        (
            r.module.id,
            r.module.kind,
            r.module.title,
            str(r.module.minutes),
            str(r.pages) if r.pages else "-",
            _level(r),
            ", ".join(r.module.topics),
        )
        for r in reports
    ]
    widths = [min(max(len(r[i]) for r in [header, *rows]), 48) for i in range(6)]
    return [
        "  ".join([*(_cell(r[i], widths[i], i >= 3) for i in range(6)), r[6]])
        for r in [header, *rows]
    ]


def _level(report) -> str:
    """The reading level: INFLESZ ease for Spanish, else the grade; '-' when not measured."""
    if report.ease is not None:
        return f"{report.ease:.1f}"
    return "-" if report.grade is None else f"{report.grade:.1f}"


def _cell(text: str, width: int, right: bool) -> str:
    text = text if len(text) <= width else text[: width - 1] + "…"
    return text.rjust(width) if right else text.ljust(width)


@cli.command()
@content_option
@lang_option(pairs=False)
@click.argument("module_id", metavar="ID")
def show(content_dirs, language, module_id) -> None:
    """Show one module's details: front matter and summary."""
    (module,) = shown_library(content_dirs, language).select([module_id])
    lines = [
        f"{module.id}  ({module.kind}, about {module.minutes} minutes)",
        f"Title:     {module.title}",
        *([f"Subtitle:  {module.subtitle}"] if module.subtitle else []),
        f"Summary:   {module.summary}",
        f"Topics:    {', '.join(module.topics)}",
        f"Audience:  {', '.join(module.audience)}",
        f"Language:  {module.language}",
        "Sources:",
        *(f"  - {s.author}, {s.title} ({s.year}; {s.licence})" for s in module.sources),
        *_clinician_lines(module),
        *_translation_lines(module),
        *_revision_lines(module),
        f"File:      {module.where}{'' if not module.builtin else '  (built-in)'}",
    ]
    click.echo("\n".join(lines))


def _translation_lines(module) -> list[str]:
    """Who translated a module, who reviewed it, when, and what was adapted."""
    notes = module.translation
    if notes is None:
        return []
    return [
        "Translation:",
        f"  By:        {notes.translator}",
        f"  Reviewed:  {notes.reviewer}",
        f"  Date:      {notes.date}",
        f"  Notes:     {notes.notes}",
    ]


def _revision_lines(module) -> list[str]:
    """When the module's text was last revised as a whole, and what changed."""
    revised = module.revised
    if revised is None:
        return []
    return [f"Revised:   {revised.date}: {revised.notes}"]


def _clinician_lines(module) -> list[str]:
    """The clinician's notes, which never print on a client's pages."""
    notes = module.clinician
    if notes is None:
        return []
    return [
        "For the clinician (never printed on client pages):",
        f"  Purpose:   {notes.purpose}",
        f"  Not for:   {notes.not_for}",
        f"  Cautions:  {notes.cautions}",
    ]


@cli.command()
@content_option
@lang_option(pairs=False)
def packets(content_dirs, language) -> None:
    """List the packets: built-in ones and your own (in a packets/ folder of --content)."""
    from ..api import load_packet, packet_files

    library = shown_library(content_dirs, language)
    for packet_id, path in packet_files(library).items():
        try:
            found = load_packet(path, library)
        except HandoutError:
            click.echo(f"{packet_id:28} (problems: run 'handouts packet {packet_id}')", err=True)
            continue
        sessions = sum(1 for s in found.sessions if s.number)
        what = f"{sessions} sessions, " if sessions else ""
        click.echo(f"{packet_id:28} {found.title}  ({what}{len(found.module_ids)} modules)")


@cli.command()
@content_option
@lang_option(pairs=False)
@click.argument("module_ids", metavar="[ID]...", nargs=-1)
def check(content_dirs, language, module_ids) -> None:
    """Check every module, or only the modules named (front matter, components, reading
    level, templates, a strict render), and list all problems at once.

    With --lang es: the Spanish modules, each against its English original (the same
    components, options, items, headings and sources), every English module without a Spanish
    version, and the reading ease (INFLESZ 65 or more)."""
    reports = api.check(content_dirs, main_language(language), module_ids)
    problems = [p for report in reports for p in report.problems]
    for report in reports:
        status = "ok" if not report.problems else "PROBLEMS"
        details = [f"{report.pages} page{'s' if report.pages != 1 else ''}"] if report.pages else []
        details += [f"grade {report.grade:.1f}"] if report.grade is not None else []
        details += [f"INFLESZ {report.ease:.1f}"] if report.ease is not None else []
        click.echo(f"{status:9} {report.source}  {', '.join(details)}".rstrip())
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    checked = len(reports)
    if problems:
        raise HandoutError(f"{len(problems)} problem(s) in {checked} module file(s)")
    click.echo(f"All {checked} modules passed." if checked != 1 else "The module passed.")
