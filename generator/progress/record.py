"""The encrypted record (SQLite with SQLCipher): clients under a code, what was handed out and
what came back, schema migrations, forgetting, backup and restore.

Nothing read from the record goes into a message: errors name the file and what went wrong."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import HandoutError, display_path

CLIENT_CODE = re.compile(r"^[A-Za-z]{1,4}-?\d{1,6}$")
RECORD_NAME = "record.db"
# Each step takes the schema from one version to the next; a record is brought up to date
# when opened, inside one transaction, so a record written by an older version still opens.
MIGRATIONS = (
    """
    CREATE TABLE clients (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, created TEXT NOT NULL
    );
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        client INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,          -- 'given' (handed out) or 'returned' (answers came back)
        module TEXT NOT NULL,
        day TEXT NOT NULL,           -- YYYY-MM-DD
        digest TEXT NOT NULL,        -- what makes an entry a duplicate
        answers TEXT NOT NULL,       -- JSON: field (after the module id) -> value
        UNIQUE (client, digest)
    );
    """,
    """
    ALTER TABLE clients ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
    ALTER TABLE entries ADD COLUMN source TEXT NOT NULL DEFAULT 'pdf';
    CREATE INDEX entries_by_day ON entries (client, day);
    """,
)
VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Entry:
    """One thing in a client's record: a module handed out, or answers that came back."""

    kind: str
    module: str
    day: str
    answers: dict
    source: str = "pdf"
    digest: str = ""


def record_path() -> Path:
    """Where the record lives: $HANDOUTS_RECORD, else the user's data folder
    ($XDG_DATA_HOME, else ~/.local/share)/handouts/record.db."""
    given = os.environ.get("HANDOUTS_RECORD")
    if given:
        return Path(given)
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "handouts" / RECORD_NAME


def check_code(code: str) -> str:
    """A client code as the therapist chose it: initials and a number (e.g. 'AB-12')."""
    if not isinstance(code, str) or not CLIENT_CODE.match(code.strip()):
        raise HandoutError(
            "--client: expected a client code of initials and a number, e.g. AB-12 "
            "(a code, never a name)"
        )
    return code.strip().upper()


class Record:
    """An open record. Use as a context manager, or call close()."""

    def __init__(self, path: Path, passphrase: str, create: bool = True):
        self.path = Path(path)
        if not passphrase:
            raise HandoutError("the record needs a passphrase (set HANDOUTS_PASSPHRASE)")
        if not self.path.exists() and not create:
            raise HandoutError(f"{display_path(self.path)}: no record here yet")
        self.db = _connect(self.path, passphrase)
        migrate(self.db, self.path)

    def __enter__(self) -> Record:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    # --- clients ---------------------------------------------------------------------------

    def codes(self) -> list[str]:
        """Every client code, in order."""
        return [row[0] for row in self.db.execute("SELECT code FROM clients ORDER BY code")]

    def client_id(self, code: str, create: bool = False, language: str = "en") -> int:
        code = check_code(code)
        row = self.db.execute("SELECT id FROM clients WHERE code = ?", (code,)).fetchone()
        if row:
            return row[0]
        if not create:
            raise HandoutError(f"no client with the code {code} in the record")
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO clients (code, created, language) VALUES (?, date('now'), ?)",
                (code, language),
            )
        return cursor.lastrowid

    def language(self, code: str) -> str:
        row = self.db.execute(
            "SELECT language FROM clients WHERE id = ?", (self.client_id(code),)
        ).fetchone()
        return row[0]

    def set_language(self, code: str, language: str) -> None:
        with self.db:
            self.db.execute(
                "UPDATE clients SET language = ? WHERE id = ?", (language, self.client_id(code))
            )

    # --- entries ---------------------------------------------------------------------------

    def add(self, code: str, entries: Iterable[Entry], language: str = "en") -> tuple[int, int]:
        """Add entries to a client's record (made if new): how many were added, and how many
        were already there (the same digest)."""
        client = self.client_id(code, create=True, language=language)
        added = skipped = 0
        with self.db:
            for entry in entries:
                cursor = self.db.execute(
                    "INSERT OR IGNORE INTO entries (client, kind, module, day, digest, answers,"
                    " source) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (client, entry.kind, entry.module, entry.day, entry.digest,
                     json.dumps(entry.answers, ensure_ascii=False), entry.source),
                )  # fmt: skip
                added += cursor.rowcount
                skipped += 1 - cursor.rowcount
        return added, skipped

    def entries(self, code: str) -> list[Entry]:
        """A client's entries, oldest first."""
        rows = self.db.execute(
            "SELECT kind, module, day, answers, source, digest FROM entries WHERE client = ?"
            " ORDER BY day, id",
            (self.client_id(code),),
        )
        return [Entry(k, m, d, json.loads(a), s, g) for k, m, d, a, s, g in rows]

    def counts(self) -> list[tuple[str, int, int, str | None]]:
        """Each client's code, homework given and returned, and the last day seen."""
        return list(
            self.db.execute(
                "SELECT c.code, COALESCE(SUM(e.kind = 'given'), 0),"
                " COALESCE(SUM(e.kind = 'returned'), 0), MAX(e.day)"
                " FROM clients c LEFT JOIN entries e ON e.client = c.id"
                " GROUP BY c.id ORDER BY c.code"
            )
        )

    def forget(self, code: str) -> None:
        """Erase a client and everything recorded for them, then rewrite the file so that no
        page of it keeps the old bytes (secure_delete zeroes freed pages; VACUUM rebuilds)."""
        client = self.client_id(code)
        with self.db:
            self.db.execute("DELETE FROM entries WHERE client = ?", (client,))
            self.db.execute("DELETE FROM clients WHERE id = ?", (client,))
        self.db.execute("VACUUM")

    def backup(self, target: Path) -> Path:
        """An encrypted copy of the whole record, under the same passphrase."""
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise HandoutError(f"{display_path(target)}: is the record itself; choose another file")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        partial.unlink(missing_ok=True)
        self.db.execute("VACUUM INTO ?", (str(partial),))  # same key: an encrypted copy
        os.replace(partial, target)
        return target


def restore(source: Path, passphrase: str, target: Path) -> Path:
    """Replace the record with a backup, once the backup is known to open with the passphrase."""
    source = Path(source)
    if not source.is_file():
        raise HandoutError(f"{display_path(source)}: no such file")
    Record(source, passphrase, create=False).close()  # opens (and checks) it first
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)
    os.replace(partial, target)
    return target


def _connect(path: Path, passphrase: str):
    from sqlcipher3 import dbapi2 as sqlcipher

    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlcipher.connect(str(path))
    # SQLCipher would log a wrong key's failed page checks to the terminal: the user gets our
    # one message instead.
    db.execute("PRAGMA cipher_log_level = NONE")
    # The key is given as a quoted string literal: quotes in it are doubled.
    db.execute("PRAGMA key = '{}'".format(passphrase.replace("'", "''")))
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError:
        db.close()
        raise HandoutError(
            f"{display_path(path)}: the passphrase does not open this record "
            "(or the file is not a record)"
        ) from None
    db.execute("PRAGMA secure_delete = ON")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def migrate(db, path: Path, upto: int = VERSION) -> None:
    """Bring the schema up to a version, step by step; a newer record than this program
    knows is refused rather than guessed at."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > VERSION:
        raise HandoutError(
            f"{display_path(path)}: the record was written by a newer version of handouts "
            f"(schema {version}; this one knows {VERSION}); update handouts to open it"
        )
    for number in range(version, upto):
        with _transaction(db):
            for statement in _statements(MIGRATIONS[number]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number + 1}")


@contextmanager
def _transaction(db) -> Iterator[None]:
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _statements(script: str) -> list[str]:
    lines = [line.split("--")[0] for line in script.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
