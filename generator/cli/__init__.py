"""The 'handouts' command: parse options, call the API, print a short summary. Its commands
live beside this file, by what they are for; each is click only, over generator.api."""

from __future__ import annotations

from . import authoring, build, library, returned, setup  # noqa: F401 (each adds its commands)
from .base import cli
from .progress import progress

cli.add_command(progress)

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point for the 'handouts' console script."""
    import signal

    # A termination, or the terminal closing (SIGHUP), ends a command as Ctrl-C does, so that
    # its temporary files (WeasyPrint's copies of the fonts, half-written PDFs) are removed on
    # the way out.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminated)
    cli(prog_name="handouts")


def _terminated(signum, frame):
    raise KeyboardInterrupt
