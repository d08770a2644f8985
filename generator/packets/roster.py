"""Workshop rosters: a CSV file with one participant a row, read row by row so one bad row never
loses the good ones."""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.errors import HandoutError, display_path
from .participants import Participant, make_participant

COLUMNS = ("name", "pronouns", "group", "note")
NAME_PARTS = ("first name", "last name")
KNOWN = (*COLUMNS, *NAME_PARTS)
# Headers spreadsheets often have, as the column they mean (after case and spaces are evened).
ALIASES = {
    **dict.fromkeys(
        ("full name", "participant", "participant name", "client", "client name"), "name"
    ),
    **dict.fromkeys(("first", "given name", "forename"), "first name"),
    **dict.fromkeys(("last", "surname", "family name"), "last name"),
    "notes": "note",
    "pronoun": "pronouns",
}
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
    """A roster read: its rows that can be built and those that cannot, and how the user named
    it (its file name as they chose it, e.g. an upload's; else its path)."""

    path: Path
    rows: tuple[Row, ...]
    bad: tuple[BadRow, ...]
    name: str = ""

    @property
    def shown(self) -> str:
        return self.name or display_path(self.path)


def read_roster(path: Path, max_rows: int | None = None) -> Roster:
    """Read a roster: UTF-8 with or without BOM, comma or semicolon, common headers in any case.

    A bad header stops everything (nothing could be read right); a bad row is set aside, by
    its number: a row the CSV reader cannot read (an unclosed quote, a huge field) included.
    More than max_rows participants stops everything too, before anything is built."""
    where = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise HandoutError(f"{where}: cannot read the roster: {error.strerror}") from None
    text = raw.removeprefix(BOM).decode("utf-8", errors="surrogateescape")
    # Only \n, \r and \r\n end a line in a CSV file (str.splitlines also splits at U+2028).
    lines = list(io.StringIO(text, newline=""))
    if not any(line.strip() for line in lines):
        raise HandoutError(f"{where}: the roster is empty; expected a header line such as 'name'")
    records = _records(lines, _delimiter(lines))
    line, cells = next(records)
    columns = _header(where, cells, line)
    rows, bad = [], []
    for line, cells in records:
        row, problem = _row(cells, columns, line)
        rows += [row] if row else []
        bad += [problem] if problem else []
        if max_rows is not None and len(rows) + len(bad) > max_rows:
            raise HandoutError(
                f"{where}: the roster has more than {max_rows:,} rows; split it into smaller "
                "rosters and build each one"
            )
    rows = _distinct_slugs(rows)
    if not rows and not bad:
        raise HandoutError(f"{where}: the roster has a header but no participants")
    return Roster(path, tuple(rows), tuple(bad))


def _records(lines: list[str], delimiter: str) -> Iterator[tuple[int, list[str] | None]]:
    """Each non-blank record with the number of its first line; None for one the CSV reader
    cannot read. Reading starts again on the line after a bad record's first line, so an
    unclosed quote costs its own row only, not every row after it."""
    start = 0
    while start < len(lines):
        reader = csv.reader(itertools.islice(lines, start, None), delimiter=delimiter, strict=True)
        read = 0  # lines of this reader's records so far
        try:
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield start + read + 1, cells
                read = reader.line_num
            return
        except csv.Error:
            yield start + read + 1, None
            start += read + 1


def _delimiter(lines: list[str]) -> str:
    header = next(line for line in lines if line.strip())
    return ";" if header.count(";") > header.count(",") else ","


def _header(where: str, cells: list[str] | None, line: int) -> list[str]:
    columns = [_column(cell) for cell in cells or []]
    problems = []
    if any(NOT_UTF8.search(c) for c in columns):
        problems.append("the header is not valid UTF-8 text; save the roster as 'CSV UTF-8'")
    elif not any(c in KNOWN for c in columns):
        # Never the cells themselves: a roster without its header starts with a name.
        problems.append(f"the header row is missing or not recognised; {HEADER_HINT}")
    elif unknown := [n for n, c in enumerate(columns) if c not in KNOWN]:
        letters = ", ".join(_letter(n) for n in unknown)
        problems.append(f"column(s) {letters} not recognised; {HEADER_HINT}")
    repeated = sorted({c for c in columns if c in KNOWN and columns.count(c) > 1})
    if repeated:
        problems.append(f"column(s) named twice: {', '.join(repeated)}")
    problems += _name_problems(columns) if any(c in KNOWN for c in columns) else []
    if problems:
        raise HandoutError("\n".join(f"{where}: line {line}: {p}" for p in problems))
    return columns


HEADER_HINT = (
    "expected a first row naming the columns: 'name' (or 'first name' and 'last name'), "
    "and if you like 'pronouns', 'group' and 'note'"
)


def _name_problems(columns: list[str]) -> list[str]:
    has_parts = "first name" in columns or "last name" in columns
    if "name" in columns and has_parts:
        return ["both a 'name' column and 'first name'/'last name' columns; keep one or the other"]
    if "name" not in columns and not has_parts:
        return ["expected a 'name' column (or 'first name' and 'last name')"]
    return []


def _column(cell: str) -> str:
    """A header cell as the column it names: ' Full Name ' -> 'name', 'SURNAME' -> 'last name'."""
    words = " ".join(re.split(r"[\s_\-]+", cell.replace("\ufeff", "").strip().casefold()))
    return ALIASES.get(words, words)


def _letter(index: int) -> str:
    """A column as spreadsheets name it: 0 -> 'A', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _row(cells: list[str] | None, columns: list[str], line: int):
    if cells is None:
        return None, BadRow(line, UNREADABLE)
    if any(NOT_UTF8.search(cell) for cell in cells):
        return None, BadRow(line, "not valid UTF-8 text; save the roster as 'CSV UTF-8'")
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        return None, BadRow(
            line,
            f"{len(cells)} values, but the header names {len(columns)} columns "
            "(a value in an unknown column)",
        )
    values = dict(zip(columns, cells, strict=False))
    if "name" not in columns:
        values["name"] = " ".join(values.get(part, "").strip() for part in NAME_PARTS).strip()
    participant, problems = make_participant(values)
    if participant is None:
        return None, BadRow(line, "; ".join(str(p) for p in problems))
    return Row(line, participant), None


UNREADABLE = (
    "cannot be read as CSV (a quote out of place or never closed, or a value longer than "
    f"{csv.field_size_limit():,} characters); the rows after it were read"
)


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
