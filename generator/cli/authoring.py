"""Tools for writing modules: new, preview, previews and catalog."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import (
    KINDS,
    display_path,
    parse_language,
)
from .base import (
    cli,
    content_option,
    lang_option,
    main_language,
    out_folder_option,
    practice_option,
)


@cli.command()
@content_option
@out_folder_option("output/previews", "Folder for the PNG images.")
@click.option("--all-pages", is_flag=True, help="Every page, not just the first.")
@lang_option(pairs=False)
def previews(content_dirs, out, all_pages, language) -> None:
    """Save the first page of every module as a PNG image, plus library.png with them all,
    to look over the whole library at a glance."""
    from ..authoring.previews import library_previews

    written = library_previews(out, content_dirs, all_pages, main_language(language))
    click.echo(f"{len(written) - 1} page image(s) and a contact sheet in {display_path(out)}/")
    click.echo(f"Open {display_path(written[-1])} to see every module at once.")


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
    from ..authoring.scaffold import DEFAULT_FOLDER, new_module

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

    from ..authoring.preview import Preview, serve, stop_serving, where

    language = parse_language(language).code if language else ""
    click.echo(f"Watching {where(module_id, content_dirs, language)}")
    say = lambda m: click.echo(m, err=True)  # noqa: E731
    shown = Preview(module_id, content_dirs, practice_file, say=say, language=language)
    try:
        server, stop = serve(shown, port)
    except OSError:
        server, stop = serve(shown, 0)  # the usual port is taken: any free one
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
        stop_serving(server, stop)


@cli.command()
@content_option
@out_folder_option("output/catalog", "Folder for catalog.html, catalog.pdf and the thumbnails.")
@lang_option(pairs=False)
def catalog(content_dirs, out, language) -> None:
    """The library at a glance: an HTML page and a PDF with a thumbnail of each module's first
    page, its title, kind, minutes, topics and reading level, grouped by topic."""
    from ..authoring.catalog import build_catalog

    made = build_catalog(out, content_dirs, main_language(language))
    for notice in made.notices:
        click.echo(notice, err=True)
    click.echo(f"{made.count} modules: {display_path(made.html)} and {display_path(made.pdf)}")
