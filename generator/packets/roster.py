"""Workshop rosters: a CSV file with one participant a row, read row by row so one bad row never
loses the good ones."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import HandoutError, display_path
from .participants import Participant, make_participant

COLUMNS = ("name", "pronouns", "group", "note")
BOM = b"\xef\xbb\xbf"
NOT_UTF8 = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by 'surrogateescape'
RESERVED = ("all-participants", "report", "facilitator-edition")


@dataclass(frozen=True)
class Row:
    """A good row: its line in the file and the participant it names."""

    line: int
    participant: Participant


@dataclass(frozen=True)
class BadRow:
    """A row that cannot be built, and why (never the row's content: it may be a name)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"row {self.line}: {self.reason}"


@dataclass(frozen=True)
class Roster:
    path: Path
    rows: tuple[Row, ...]
    bad: tuple[BadRow, ...]


def read_roster(path: Path) -> Roster:
    """Read a roster: UTF-8 with or without BOM, comma or semicolon, any header case.

    A bad header stops everything (nothing could be read right); a bad row is set aside."""
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise HandoutError(f"{where}: cannot read the roster: {error.strerror}") from None
    text = raw.removeprefix(BOM).decode("utf-8", errors="surrogateescape")
    lines = text.splitlines(keepends=True)
    if not any(line.strip() for line in lines):
        raise HandoutError(f"{where}: the roster is empty; expected a header line such as 'name'")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(lines))
    columns = _header(where, next(reader), reader.line_num)
    rows, bad = [], []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        row, problem = _row(cells, columns, reader.line_num)
        rows += [row] if row else []
        bad += [problem] if problem else []
    rows = _distinct_slugs(rows)
    if not rows and not bad:
        raise HandoutError(f"{where}: the roster has a header but no participants")
    return Roster(path, tuple(rows), tuple(bad))


def _delimiter(lines: list[str]) -> str:
    header = next(line for line in lines if line.strip())
    return ";" if header.count(";") > header.count(",") else ","


def _header(where: str, cells: list[str], line: int) -> list[str]:
    columns = [cell.strip().lower() for cell in cells]
    problems = []
    if any(NOT_UTF8.search(c) for c in columns):
        problems.append("the header is not valid UTF-8 text; save the roster as 'CSV UTF-8'")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        names = ", ".join(repr(c) for c in unknown)
        problems.append(f"unknown column(s) {names}; expected {', '.join(COLUMNS)}")
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        problems.append(f"column(s) named twice: {', '.join(repeated)}")
    if "name" not in columns:
        problems.append("expected a 'name' column")
    if problems:
        raise HandoutError("\n".join(f"{where}: line {line}: {p}" for p in problems))
    return columns


def _row(cells: list[str], columns: list[str], line: int):
    if any(NOT_UTF8.search(cell) for cell in cells):
        return None, BadRow(line, "not valid UTF-8 text; save the roster as 'CSV UTF-8'")
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        return None, BadRow(
            line,
            f"{len(cells)} values, but the header names {len(columns)} columns "
            "(a value in an unknown column)",
        )
    participant, problems = make_participant(dict(zip(columns, cells, strict=False)))
    if participant is None:
        return None, BadRow(line, "; ".join(str(p) for p in problems))
    return Row(line, participant), None


def _distinct_slugs(rows: list[Row]) -> list[Row]:
    """Give people with the same (or same-looking) name distinct file names: ana, ana-2..."""
    taken = set(RESERVED)
    distinct = []
    for row in rows:
        base = row.participant.slug or "participant"
        slug, count = base, 1
        while slug in taken:
            count += 1
            slug = f"{base}-{count}"
        taken.add(slug)
        distinct.append(replace(row, participant=replace(row.participant, slug=slug)))
    return distinct
