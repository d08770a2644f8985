"""Setting up: init (the practice profile and key) and app (everything in the browser)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..api import (
    PROFILE_NAME,
    HandoutError,
    display_path,
    parse_language,
    user_profile,
    write_profile_template,
)
from .base import (
    cli,
    content_option,
    lang_option,
    new_passphrase,
    practice_option,
    shown_library,
)


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
    from ..app import Settings, serve

    shown_library(content_dirs)  # a bad --content folder is reported before anything starts
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
@click.option(
    "--region",
    metavar="CODE",
    help="Whose crisis and safety lines your pages print: US, PR, MX, ES, AR, CO or CL. Asked "
    "for when not given (leave it empty to write your own lines in the file).",
)
@click.option(
    "--key-passphrase",
    is_flag=True,
    help="Protect the new practice key with a passphrase (asked for; needed to read answers).",
)
def init(path, user, region, key_passphrase) -> None:
    """Write a commented practice profile to fill in (default: ./practice.yaml), and make the
    practice key for phone copies if there is none.

    'handouts build' then uses it by itself: ./practice.yaml first, else the one in your user
    settings folder (--user)."""
    if path and user:
        raise HandoutError("give a PATH or --user, not both")
    chosen = _init_region(region)
    target = write_profile_template(
        user_profile() if user else path or Path(PROFILE_NAME), {"region": chosen}
    )
    click.echo(f"Wrote {display_path(target)}. Open it in a text editor and fill in your details.")
    if chosen:
        click.echo(f"Your pages will print the crisis and safety lines of region {chosen}.")
    _init_key(target.parent, key_passphrase)
    click.echo(
        "Set crisis_line and safety_line for your region: page 1 of every module says where to "
        "turn in a crisis, and pages on codependency, couples, boundaries and attachment say "
        "where to get help when someone at home is frightening."
    )
    click.echo(
        "Or set 'region' (US, PR, MX, ES, AR, CO or CL) to print that region's checked lines "
        "in the handout's own language, and 'language' (en, es, or es+en for Spanish with the "
        "English alongside) for the handouts you build most; --lang and --region choose per build."
    )


def _init_region(region: str | None) -> str:
    """The region 'init' writes: as given, else asked for at a terminal; checked against the
    regions there are. Empty: the practice writes its own lines."""
    from ..api import CONTENT_DIR, find_region, load_regions

    if region is None and sys.stdin.isatty():
        known = ", ".join(
            f"{code} ({r.name})" for code, r in sorted(load_regions([CONTENT_DIR]).items())
        )
        region = click.prompt(
            f"Your region, for the crisis and safety lines on page 1 of every handout: {known}. "
            "Leave it empty to write your practice's own lines in the file",
            default="",
            show_default=False,
        )
    code = (region or "").strip().upper()
    return find_region(code, [CONTENT_DIR], "--region").code if code else ""


def _init_key(folder: Path, ask: bool) -> None:
    from ..api import ensure_practice_key, key_fingerprint, practice_keys

    passphrase = new_passphrase() if ask and not practice_keys() else None
    key, made = ensure_practice_key(folder, passphrase)
    what = "Made your practice key" if made else "Your practice key is"
    click.echo(f"{what}: {key_fingerprint(key.fingerprint)}. Back it up: 'handouts key export'.")
