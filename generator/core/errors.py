"""Problems found in the user's input, and the errors that report them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from .resources import CONTENT_DIR, TEMPLATES_DIR


def display_path(path: str | Path) -> str:
    """A path as shown to the user: relative to the current folder when inside it, and
    built-in files as 'content/...' or 'templates/...' wherever the package is installed."""
    path = Path(path)
    if not path.is_absolute():
        return str(path)
    if Path.cwd() in path.parents:
        return os.path.relpath(path)
    for root in (CONTENT_DIR, TEMPLATES_DIR):
        if root in path.parents:
            return f"{root.name}/{path.relative_to(root).as_posix()}"
    return str(path)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: where it is, and what was expected."""

    source: str
    message: str
    line: int | None = None
    key: str = ""  # the key path it is about ('session.minutes'), when the input has keys

    def __str__(self) -> str:
        where = f"{self.source}: line {self.line}" if self.line else self.source
        # A field the user typed (no file) is named by its key: the front end says where.
        return f"{where or self.key}: {self.message}" if where or self.key else self.message


class HandoutError(click.ClickException):
    """An error the user can fix; shown as 'Error: ...' with exit code 1."""

    exit_code = 1


class ProblemsFound(HandoutError):
    """Every problem found in the input, reported together."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(problems)
        super().__init__(format_problems(self.problems))


def field_problem(key: str, message: str, source: str = "") -> Problem:
    """A problem with one field the user gave: typed in (no source: the front end says where,
    as '--client' or beside the Client box) or read from a file ('source')."""
    return Problem(source, message, key=key)


def format_problems(problems: tuple[Problem, ...]) -> str:
    """One line per problem, with a count when there are several."""
    if len(problems) == 1:
        return str(problems[0])
    lines = "\n".join(f"  {problem}" for problem in problems)
    return f"{len(problems)} problems found:\n{lines}"


def raise_if(problems: list[Problem] | tuple[Problem, ...]) -> None:
    """Raise ProblemsFound when the list is not empty."""
    if problems:
        raise ProblemsFound(problems)
