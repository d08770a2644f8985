"""The 'handouts' command: parse options, call the API, print a short summary."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

import click

from . import __version__
from .api import (
    FONTS,
    KINDS,
    PAPERS,
    PROFILE_NAME,
    HandoutError,
    Options,
    display_path,
    find_practice,
    load_library,
    load_practice,
    make_personal,
    parse_dates,
    parse_language,
    user_profile,
    write_profile_template,
)

content_option = click.option(
    "--content",
    "content_dirs",
    multiple=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Your own module folder, layered over the built-in library (repeatable).",
)


def lang_option(pairs: bool = True):
    """--lang: the language of the pages (and, where a pair makes sense, 'es+en')."""
    what = "es, or es+en for Spanish with the English alongside" if pairs else "es"
    return click.option(
        "--lang",
        "language",
        metavar="LANG",
        help=f"Language of the modules and pages, e.g. {what} (default: the practice "
        "profile's, else en).",
    )


fallback_option = click.option(
    "--fallback",
    is_flag=True,
    help="Where a module has no version in --lang, print the English one (with a notice).",
)
region_option = click.option(
    "--region",
    metavar="CODE",
    help="Whose crisis and safety lines to print when the practice profile gives none: "
    "US, ES, MX (content/regions.yaml). Default: the profile's 'region'.",
)
practice_option = click.option(
    "--practice",
    "practice_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Practice profile (YAML). Default: ./practice.yaml, else the one 'handouts init "
    "--user' wrote.",
)


class Handouts(click.Group):
    """Turns unexpected failures into a one-line error, unless --debug asks for the traceback."""

    def invoke(self, ctx):
        debug = ctx.params.get("debug", False)
        try:
            return super().invoke(ctx)
        except click.ClickException:
            if debug:
                traceback.print_exc()
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except Exception as error:
            if debug:
                raise
            raise HandoutError(
                f"unexpected problem: {type(error).__name__}: {error}\n"
                "Run again with --debug to see the details."
            ) from None


@click.group(cls=Handouts, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
def cli(debug: bool) -> None:
    """Personalized, print-ready PDF handouts and worksheets for therapy and workshops."""


def _library(content_dirs, language: str | None = None, fallback: bool = False):
    """The library in the language asked for (else the practice profile's main language)."""
    library = load_library(content_dirs, language=_main_language(language), fallback=fallback)
    for notice in library.notices:
        click.echo(notice, err=True)
    return library


def _main_language(language: str | None) -> str:
    """The one language a command that shows modules (list, show, check...) works in: the one
    given, else the practice profile's; of a pair such as es+en, the first."""
    if not language:
        language = _profile_language()
    return parse_language(language or "en").main


def _profile_language() -> str:
    """The practice profile's language, if a profile is found and reads cleanly ('build'
    reports a broken one; listing the library does not need it)."""
    found = find_practice(None)
    try:
        return load_practice(found).language if found else ""
    except HandoutError:
        return ""


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
    from .api import survey

    library = _library(content_dirs, language)
    rows = [
        m
        for m in library.modules.values()
        if (not topic or topic in m.topics) and (not kind or m.kind == kind)
    ]
    for line in _table(survey(library, rows, fresh=False)) if rows else ["No modules match."]:
        click.echo(line)
    if library.problems:
        click.echo(
            f"{len(library.problems)} problem(s) in module files; "
            "run 'handouts check' to see them.",
            err=True,
        )


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
    (module,) = _library(content_dirs, language).select([module_id])
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


def layout_options(command):
    """--paper, --fillable, --large-print, --ink-saver, --font, --lang, --region and --fallback,
    shared by every build."""
    for option in reversed(
        [
            click.option(
                "--paper",
                type=click.Choice(PAPERS, case_sensitive=False),
                help="Paper size (default: the practice profile's, else letter).",
            ),
            click.option("--fillable", is_flag=True, help="Answer places become PDF form fields."),
            click.option(
                "--large-print", is_flag=True, help="Body text at 16 pt, with roomier spacing."
            ),
            click.option("--ink-saver", is_flag=True, help="Black on white: no coloured fills."),
            click.option(
                "--font",
                type=click.Choice(list(FONTS)),
                help="Typeface (default: the practice profile's, else noto).",
            ),
            lang_option(),
            region_option,
            fallback_option,
        ]
    ):
        command = option(command)
    return command


def _layout(
    paper, fillable, large_print, ink_saver, font, language=None, region=None, fallback=False
) -> Options:
    return Options(
        paper=(paper or "").lower(),
        fillable=fillable,
        large_print=large_print,
        ink_saver=ink_saver,
        font=font or "",
        language=parse_language(language).code if language else "",
        region=(region or "").upper(),
        fallback=fallback,
    )


def _practice(practice_file):
    """The practice profile: --practice FILE, else ./practice.yaml, else the user's own."""
    found = find_practice(practice_file)
    return load_practice(found) if found else None


@cli.command()
@content_option
@click.argument("module_ids", nargs=-1, required=True, metavar="ID...")
@click.option("--client", help="Client's name, initials or pseudonym. Without it: a blank line.")
@click.option("--therapist", help="Therapist's name (overrides the practice profile).")
@click.option("--date", "date", metavar="YYYY-MM-DD", help="Session date.")
@click.option("--session", type=int, help="Session number.")
@click.option("--note", help="A short homework note printed near the top.")
@practice_option
@click.option("--slug", help="File-name part for this client (default: made from --client).")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder, or a .pdf file name.")
@click.option("--combine", is_flag=True, help="One PDF holding every module, in order.")
@layout_options
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
    strict,
    client_code=None,
    **layout,
) -> None:
    """Build PDFs for one or more modules, personalized for a client."""
    from .api import build_handout
    from .progress_cli import record_handed_out

    personal = make_personal(
        client=client,
        date=date,
        session=session,
        note=note,
        therapist=therapist,
        practice=_practice(practice_file),
        slug=slug,
    )
    built = build_handout(
        module_ids,
        personal,
        out=out,
        combine=combine,
        content_dirs=content_dirs,
        strict=strict,
        options=_layout(**layout),
    )
    for notice in built.notices:
        click.echo(notice, err=True)
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path, pages in zip(built.paths, built.pages, strict=True):
        click.echo(f"{display_path(path)}  ({pages} page{'s' if pages != 1 else ''})")
    if client_code:
        record_handed_out(client_code, module_ids, personal.date)


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
    strict,
    **layout,
) -> None:
    """Build a workshop packet: cover, contents, sessions and modules in one PDF.

    FILE|NAME is a packet file, or the name of a built-in or user packet ('handouts packets').
    With --roster, one packet per participant in OUT (default output/NAME/), all-participants.pdf
    to print them all in one go, and report.txt; bad rows are listed and skipped (exit code 1)."""
    from .api import prepare_packet, write_packet

    if roster and (client or note):
        raise HandoutError("--roster gives each participant's name and note; drop --client/--note")
    personal = make_personal(therapist=leader, practice=_practice(practice_file))
    job = prepare_packet(
        name, personal, content_dirs, _layout(**layout), duplex, parse_dates(list(dates)), strict
    )
    if roster:
        for line in [*job.notices, *(f"warning: {w}" for w in job.warnings)]:
            click.echo(line, err=True)
        _roster(job, roster, out, workers, facilitator)
        return
    for notice in job.notices:
        click.echo(notice, err=True)
    participant = _participant(client, note) if client or note else None
    built = write_packet(job, participant, out, facilitator)
    for warning in built.warnings:
        click.echo(f"warning: {warning}", err=True)
    for path, pages in zip(built.paths, built.pages, strict=True):
        click.echo(f"{display_path(path)}  ({pages} pages)")


def _participant(client, note):
    from .api import make_participant

    found, problems = make_participant(
        {"name": client, "note": note}, {"name": "--client", "note": "--note"}
    )
    if problems:
        raise HandoutError("\n".join(problems))
    return found


def _roster(job, roster_file, out, workers, facilitator) -> None:
    import sys

    from .api import build_roster, read_roster

    roster = read_roster(roster_file)
    total = len(roster.rows)
    show = sys.stderr.isatty() and total > 1
    with click.progressbar(
        length=total, label="Building packets", file=sys.stderr if show else _Quiet()
    ) as bar:
        result = build_roster(job, roster, out, workers, facilitator, bar.update)
    folder = display_path(result.folder)
    click.echo(f"{len(result.written)} packet(s) in {folder}/ ({result.pages} pages each)")
    if result.combined:
        click.echo(f"Print all: {display_path(result.combined)}  ({result.combined_pages} pages)")
    for path in result.extra:
        click.echo(f"Facilitator edition: {display_path(path)}")
    click.echo(f"Report: {folder}/report.txt")
    for bad in result.bad:
        click.echo(f"{display_path(roster.path)}: {bad}", err=True)
    failed = [f"{len(result.bad)} row(s) not built; the others were"] if result.bad else []
    if result.problems or failed:
        raise HandoutError("\n".join([*result.problems, *failed]))


class _Quiet:
    """Where the progress bar goes when nobody is watching: nowhere."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


@cli.command()
@content_option
@lang_option(pairs=False)
def packets(content_dirs, language) -> None:
    """List the packets: built-in ones and your own (in a packets/ folder of --content)."""
    from .api import load_packet, packet_files

    library = _library(content_dirs, language)
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
    from .api import check_library

    reports = check_library(content_dirs, _main_language(language), module_ids)
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


@cli.command()
@content_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output/previews"),
    show_default=True,
    help="Folder for the PNG images.",
)
@click.option("--all-pages", is_flag=True, help="Every page, not just the first.")
@lang_option(pairs=False)
def previews(content_dirs, out, all_pages, language) -> None:
    """Save the first page of every module as a PNG image, plus library.png with them all,
    to look over the whole library at a glance."""
    from .api import library_previews

    written = library_previews(out, content_dirs, all_pages, _main_language(language))
    click.echo(f"{len(written) - 1} page image(s) and a contact sheet in {display_path(out)}/")
    click.echo(f"Open {display_path(written[-1])} to see every module at once.")


@cli.command()
@click.argument("pdf", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="JSON for programs, CSV for a spreadsheet.",
)
def answers(pdf, output_format) -> None:
    """Print what a client typed into a PDF made with --fillable."""
    from .api import as_csv, as_json, read_answers

    found = read_answers(pdf)
    echo_all(as_json(pdf, found) + "\n" if output_format == "json" else as_csv(found))


def echo_all(text: str) -> None:
    """Print text to stdout; a reader that stops early (e.g. '| head -1') is not an error."""
    try:
        click.echo(text, nl=False)
    except BrokenPipeError:
        # Python flushes stdout again at exit and would complain: point it at nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@cli.command()
@click.argument("module_id", metavar="ID")
@click.option(
    "--kind",
    type=click.Choice(KINDS[:2]),  # a measure is a published questionnaire, not written anew
    required=True,
    help="A handout to read or a worksheet.",
)
@click.option(
    "--content",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Your module folder (default: ./my-modules).",
)
def new(module_id, kind, folder) -> None:
    """Start a new module: a commented skeleton with an example of every component, which
    passes 'handouts check' as written. Never overwrites a file."""
    from .api import DEFAULT_FOLDER, new_module

    target = new_module(module_id, kind, folder)
    where = display_path(folder or DEFAULT_FOLDER)
    click.echo(f"Wrote {display_path(target)}. Open it in a text editor, then:")
    steps = [
        (f"handouts preview {module_id} --content {where}", "see it as you write"),
        (f"handouts check {module_id} --content {where}", "check it"),
    ]
    width = max(len(command) for command, _ in steps)
    for command, why in steps:
        click.echo(f"  {command.ljust(width)}   # {why}")


@cli.command()
@content_option
@click.argument("module_id", metavar="ID")
@practice_option
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--open/--no-open", "open_browser", default=True, help="Open it in your browser.")
@lang_option()
def preview(content_dirs, module_id, practice_file, port, open_browser, language) -> None:
    """Show a module's pages in your browser, rendered again each time you save the module, a
    template or the practice profile. Only this computer can see it (127.0.0.1)."""
    import time
    import webbrowser

    from .api import Preview, preview_where, serve_preview, stop_preview

    language = parse_language(language).code if language else ""
    click.echo(f"Watching {preview_where(module_id, content_dirs, language)}")
    say = lambda m: click.echo(m, err=True)  # noqa: E731
    shown = Preview(module_id, content_dirs, practice_file, say=say, language=language)
    try:
        server, stop = serve_preview(shown, port)
    except OSError:
        server, stop = serve_preview(shown, 0)  # the usual port is taken: any free one
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    click.echo(f"Preview at {url}  (Ctrl-C to stop)")
    if open_browser:
        webbrowser.open(url)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        stop_preview(server, stop)


@cli.command()
@content_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output/catalog"),
    show_default=True,
    help="Folder for catalog.html, catalog.pdf and the thumbnails.",
)
@lang_option(pairs=False)
def catalog(content_dirs, out, language) -> None:
    """The library at a glance: an HTML page and a PDF with a thumbnail of each module's first
    page, its title, kind, minutes, topics and reading level, grouped by topic."""
    from .api import build_catalog

    made = build_catalog(out, content_dirs, _main_language(language))
    for notice in made.notices:
        click.echo(notice, err=True)
    click.echo(f"{made.count} modules: {display_path(made.html)} and {display_path(made.pdf)}")


@cli.command()
@content_option
@practice_option
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port (default: any free one)."
)
@click.option("--browser/--no-browser", default=True, help="Open it in your browser.")
@lang_option(pairs=False)
def app(content_dirs, practice_file, port, browser, language) -> None:
    """Everything this command does, as pages in your browser: pick a handout, type a client's
    name, see it and download it. Only this computer can reach it (127.0.0.1), with the key in
    the address it prints; client names never leave the computer and are never kept on disk."""
    from .app import Settings, serve

    _library(content_dirs)  # a bad --content folder is reported before anything starts
    language = parse_language(language).main if language else ""
    settings = Settings(
        content_dirs=tuple(Path(d) for d in content_dirs),
        practice_file=practice_file,
        port=port,
        language=language,
    )
    serve(settings, say=click.echo, open_browser=browser)


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", is_flag=True, help="Put it in your user settings folder instead.")
def init(path, user) -> None:
    """Write a commented practice profile to fill in (default: ./practice.yaml).

    'handouts build' then uses it by itself: ./practice.yaml first, else the one in your user
    settings folder (--user)."""
    if path and user:
        raise HandoutError("give a PATH or --user, not both")
    target = write_profile_template(user_profile() if user else path or Path(PROFILE_NAME))
    click.echo(f"Wrote {display_path(target)}. Open it in a text editor and fill in your details.")
    click.echo(
        "Set crisis_line and safety_line for your region: page 1 of every module says where to "
        "turn in a crisis, and pages on codependency, couples, boundaries and attachment say "
        "where to get help when someone at home is frightening."
    )
    click.echo(
        "Or set 'region' (US, ES or MX) to print that region's checked lines in the handout's "
        "own language, and 'language' (en, es, or es+en for Spanish with the English "
        "alongside) for the handouts you build most; --lang and --region choose per build."
    )


from .progress_cli import progress  # noqa: E402  (the command group lives in its own file)

cli.add_command(progress)


def main() -> None:
    """Entry point for the 'handouts' console script."""
    import signal

    # A termination ends a command as Ctrl-C does, so that its temporary files (WeasyPrint's
    # copies of the fonts, half-written PDFs) are removed on the way out.
    signal.signal(signal.SIGTERM, _terminated)
    cli(prog_name="handouts")


def _terminated(signum, frame):
    raise KeyboardInterrupt
