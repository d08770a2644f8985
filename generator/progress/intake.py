"""Returned files and handed-out modules into a client's record: good files added, bad ones
reported by name, duplicates skipped, and the alerts among the new answers shown at once."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from ..core.content import Library, read_module_cached
from ..core.errors import HandoutError
from .record import Entry, Record, check_code
from .returned import Keys, Returned, read_returned
from .scoring import Alert, alert, item_values


def import_files(
    record: Record,
    files: Sequence,
    client: str,
    day: dt.date | None,
    library: Library,
    key_passphrase: str | None = None,
) -> tuple[int, int, tuple[str, ...], tuple[tuple[str, str, Alert], ...]]:
    """Added, duplicates, problems (one per bad file) and alerts (day, module, alert). Phone
    answers files are opened with the practice key (and its passphrase, when it has one)."""
    code = check_code(client)
    copies, problems = [], []
    keys = Keys(key_passphrase)
    for file in files:
        try:
            copies += read_returned(Path(file), day, keys)
        except HandoutError as error:
            problems.append(error.message)
    known = [c for c in copies if c.module in library.files]
    problems += [
        f"{c.where}: '{c.module}' is not a module of the library" for c in copies if c not in known
    ]
    if not known:  # nothing to add: a client is not made for files that all failed
        return 0, 0, tuple(problems), ()
    added, duplicates = record.add(code, [_entry(c) for c in known], library.language)
    return added, duplicates, tuple(problems), tuple(_alerts(known, library))


def _entry(copy: Returned) -> Entry:
    return Entry(
        "returned", copy.module, copy.day.isoformat(), dict(copy.answers), copy.source, copy.digest
    )


def _alerts(copies: Sequence[Returned], library: Library):
    for copy in copies:
        module, _ = read_module_cached(*library.files[copy.module])
        scoring = module.scoring if module else None
        found = scoring and alert(scoring, item_values(scoring, copy.answers))
        if found:
            yield copy.day.isoformat(), copy.module, found


def given_entries(ids: Sequence[str], day: dt.date) -> list[Entry]:
    """One 'given' entry per module handed out on a day (the same module twice a day is one)."""
    return [
        Entry("given", i, day.isoformat(), {}, "build", _given_digest(i, day))
        for i in dict.fromkeys(ids)
    ]


def _given_digest(module: str, day: dt.date) -> str:
    return hashlib.sha256(f"given|{module}|{day.isoformat()}".encode()).hexdigest()
