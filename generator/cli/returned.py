"""What comes back from clients: answers, and the practice key that opens phone answers."""

from __future__ import annotations

from pathlib import Path

import click

from ..api import (
    HandoutError,
    display_path,
    find_practice,
)
from .base import (
    cli,
    echo_all,
    key_passphrase,
    new_passphrase,
    practice_option,
)


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, metavar="FILE...", type=click.Path(path_type=Path)
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "csv", "table"]),
    default="json",
    show_default=True,
    help="JSON for programs, CSV for a spreadsheet, a table to read.",
)
def answers(files, output_format) -> None:
    """Print what clients sent back: answers files from phone copies and PDFs made with
    --fillable, many at once, each with its module, the date it was sent and its copy.

    A file that cannot be read is named with its problem; the others are still read (exit
    code 1). A key with a passphrase asks for it (or reads HANDOUTS_KEY_PASSPHRASE)."""
    from ..api import answers_text, read_many_answers

    phone_files = any(looks_like_phone_answers(path) for path in files)
    batch = read_many_answers(files, key_passphrase() if phone_files else None)
    if batch.read:
        echo_all(answers_text(batch, output_format))
    for repeat in batch.repeats:
        click.echo(f"note: {repeat}; read once", err=True)
    if batch.problems:
        for problem in batch.problems:
            click.echo(f"Error: {problem}", err=True)
        raise click.exceptions.Exit(1)


def looks_like_phone_answers(path: Path) -> bool:
    """Whether a file looks like a phone answers file (JSON), which needs the practice key."""
    try:
        with path.open("rb") as stream:
            return stream.read(64).lstrip()[:1] == b"{"
    except OSError:
        return False  # reported by name when it is read


@cli.group(invoke_without_command=True)
@click.pass_context
def key(ctx) -> None:
    """The practice key: phone copies lock the answers they send to it, and only it opens
    them. Without a subcommand: show its fingerprint and where it is kept.

    Losing the key means losing every answers file not yet read: keep a backup
    ('handouts key export')."""
    if ctx.invoked_subcommand is not None:
        return
    from ..api import key_fingerprint, practice_keys

    keys = practice_keys()
    if not keys:
        raise HandoutError("there is no practice key yet; 'handouts key new' makes one")
    for index, found in enumerate(keys):
        role = "current" if index == 0 else "older, kept to read older answers"
        guard = ", passphrase" if found.protected else ""
        click.echo(
            f"{key_fingerprint(found.fingerprint)}  ({role}{guard})  {display_path(found.path)}"
        )


@key.command("new")
@practice_option
@click.option("--passphrase", is_flag=True, help="Protect the key with a passphrase (asked for).")
def key_new(practice_file, passphrase) -> None:
    """Make a new key for new phone copies; older keys are kept, so older answers still open."""
    from ..api import key_fingerprint, new_practice_key

    profile = find_practice(practice_file)
    made = new_practice_key(
        profile.parent if profile else None, new_passphrase() if passphrase else None
    )
    click.echo(f"New practice key: {key_fingerprint(made.fingerprint)}")
    click.echo("Phone copies you build from now on use it. Back it up: 'handouts key export FILE'.")


@key.command("export")
@click.argument("target", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
def key_export(target) -> None:
    """Save every practice key in one backup FILE, locked with a passphrase you choose."""
    from ..api import export_practice_keys

    if target.exists():
        raise HandoutError(f"'{display_path(target)}' already exists; choose a new file name")
    current = key_passphrase()
    backup = click.prompt(
        "Passphrase for the backup (8 characters or more)",
        hide_input=True,
        confirmation_prompt=True,
        err=True,
    )
    count = export_practice_keys(target, backup, current)
    click.echo(f"Wrote {display_path(target)} ({count} key{'s' if count != 1 else ''}).")
    click.echo("Keep it somewhere safe away from this computer, and keep the passphrase apart.")


@key.command("import")
@click.argument("source", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
def key_import(source) -> None:
    """Put back the keys of a backup made by 'handouts key export' (kept locked with the
    backup's passphrase, which reading answers then asks for)."""
    from ..api import import_practice_keys, key_fingerprint

    backup = click.prompt("Passphrase of the backup", hide_input=True, err=True)
    for found in import_practice_keys(source, backup):
        click.echo(f"Restored {key_fingerprint(found.fingerprint)}")
