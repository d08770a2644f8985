"""The command's group and what its commands share: the options every build takes, the
library and practice they read, and each problem of the API named by its option."""

from __future__ import annotations

import os
import sys
import traceback
from dataclasses import replace
from pathlib import Path

import click

from .._version import __version__
from ..api import (
    FONTS,
    PAPERS,
    HandoutError,
    Options,
    ProblemsFound,
    find_practice,
    load_library,
    load_practice,
    parse_language,
)

MAX_ROWS = 10_000  # --max-rows: a bigger roster is most likely the wrong file

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
    "US, PR, MX, ES, AR, CO or CL (content/regions.yaml); each also sets the paper when "
    "nothing else does (A4 in Spain and Argentina). Default: the profile's 'region'.",
)


def out_folder_option(default: str, what: str):
    """--out for a command that writes a folder of files, with its default folder."""
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=what,
    )


practice_option = click.option(
    "--practice",
    "practice_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Practice profile (YAML). Default: ./practice.yaml, else the one 'handouts init "
    "--user' wrote.",
)

# The option that gives each field, where a problem of the API names a field by its key.
OPTION_OF = {
    "client": "--client",
    "therapist": "--therapist",
    "date": "--date",
    "session": "--session",
    "note": "--note",
    "slug": "--slug",
    "out": "--out",
    "paper": "--paper",
    "font": "--font",
    "language": "--lang",
    "region": "--region",
    "content": "--content",
    "roster": "--roster",
}

OPTION_IN = {"packet": {"therapist": "--leader"}}  # where a command names a field its own way


def _as_options(error: ProblemsFound, command: str | None) -> ProblemsFound:
    """The problems of fields typed on the command line, each named by its option."""
    names = {**OPTION_OF, **OPTION_IN.get(command or "", {})}
    return ProblemsFound(
        [p if p.source else replace(p, key=names.get(p.key, p.key)) for p in error.problems]
    )


class Handouts(click.Group):
    """Turns unexpected failures into a one-line error, unless --debug asks for the traceback."""

    def invoke(self, ctx):
        debug = ctx.params.get("debug", False)
        try:
            return super().invoke(ctx)
        except ProblemsFound as error:
            if debug:
                traceback.print_exc()
            raise _as_options(error, ctx.invoked_subcommand) from None
        except click.ClickException:
            if debug:
                traceback.print_exc()
            raise
        except (click.exceptions.Exit, click.exceptions.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader stopped early ('handouts list | head'): click ends quietly, exit code 1.
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


def shown_library(content_dirs, language: str | None = None, fallback: bool = False):
    """The library in the language asked for (else the practice profile's main language)."""
    library = load_library(content_dirs, language=main_language(language), fallback=fallback)
    for notice in library.notices:
        click.echo(notice, err=True)
    return library


def main_language(language: str | None) -> str:
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


def layout_from(layout: dict) -> Options:
    """The layout options' values (same names as Options' fields) as Options."""
    language = layout.get("language")
    return Options(
        paper=(layout.get("paper") or "").lower(),
        fillable=layout["fillable"],
        large_print=layout["large_print"],
        ink_saver=layout["ink_saver"],
        font=layout.get("font") or "",
        language=parse_language(language).code if language else "",
        region=(layout.get("region") or "").upper(),
        fallback=layout["fallback"],
    )


def practice_profile(practice_file):
    """The practice profile: --practice FILE, else ./practice.yaml, else the user's own."""
    found = find_practice(practice_file)
    return load_practice(found) if found else None


def echo_all(text: str) -> None:
    """Print text to stdout; a reader that stops early (e.g. '| head -1') is not an error."""
    try:
        click.echo(text, nl=False)
    except BrokenPipeError:
        # Python flushes stdout again at exit and would complain: point it at nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def warn_without_crisis_line(practice, region: str | None) -> None:
    """Say on stderr, every time, when the pages could only say 'call your local emergency
    number'."""
    from ..api import missing_crisis_line

    problem = missing_crisis_line(practice, region or "")
    if problem:
        click.echo(f"warning: {problem} (--region)", err=True)


def key_passphrase() -> str | None:
    """The key's passphrase, when a practice key has one: from the environment, else asked."""
    from ..api import practice_keys

    if not any(key.protected for key in practice_keys()):
        return None
    given = os.environ.get("HANDOUTS_KEY_PASSPHRASE")
    if given:
        return given
    if not sys.stdin.isatty():
        raise HandoutError(
            "the practice key has a passphrase: set HANDOUTS_KEY_PASSPHRASE, or run this in a "
            "terminal to be asked for it"
        )
    return click.prompt("Passphrase of the practice key", hide_input=True, err=True)


def new_passphrase() -> str:
    return click.prompt(
        "Passphrase for the key", hide_input=True, confirmation_prompt=True, err=True
    )
