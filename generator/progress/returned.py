"""Homework that came back, as the record takes it: which module, which day, which answers.

Every kind of returned file becomes a list of Returned through `from_answers`: fillable PDFs
(read by core/answers.py), and each reader in READERS, such as the one for phone answers files:
a function of the path, the file's first bytes, the --date and the practice's Keys (for files
locked to the practice key) that gives the copies (made with `from_answers`, its source, and
the copy's own identity) or None if the file is not its kind."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.answers import PDF_MAGIC, Answer, read_answers, shown
from ..core.errors import HandoutError, display_path

# Fields that say who and when, not what: the name is never kept (the record knows a code).
NOT_KEPT = ("name", "date")
PDF_DATE = re.compile(r"D:(\d{4})(\d{2})(\d{2})")


@dataclass(frozen=True)
class Returned:
    """One module's answers from one returned copy."""

    module: str
    day: dt.date
    answers: Mapping[str, object] = field(default_factory=dict)  # by field after the module id
    source: str = "pdf"
    where: str = ""  # the file, as shown in messages
    identity: str = ""  # a copy's own identity, when its format gives one (a phone copy)

    @property
    def digest(self) -> str:
        """A copy with an identity is known by it; otherwise the same answers to the same
        module on the same day are one copy, however often the file is imported (or saved)."""
        if self.identity:
            text = json.dumps(["copy", self.module, self.identity])
        else:
            text = json.dumps([self.module, self.day.isoformat(), sorted(self.answers.items())])
        return hashlib.sha256(text.encode()).hexdigest()


class Keys:
    """The practice's keys for the readers of locked files, opened once for a whole import
    (with the key's passphrase, when it has one) and only when a locked file comes."""

    def __init__(self, passphrase: str | None = None):
        self.passphrase = passphrase
        self._ring = None

    def ring(self):
        if self._ring is None:
            from ..phone.returned import Keyring

            self._ring = Keyring(self.passphrase)
        return self._ring


Reader = Callable[[Path, bytes, "dt.date | None", Keys], "list[Returned] | None"]


def from_answers(
    module: str,
    day: dt.date,
    answers: Mapping[str, object],
    source: str,
    where: str,
    identity: str = "",
) -> Returned:
    """A returned copy from any reader: answers keyed by the field's name after the module id
    ('measure.1.9', 'log.7.2.1'), without the name and date fields."""
    kept = {k: v for k, v in answers.items() if k not in NOT_KEPT and v not in (None, "")}
    return Returned(module, day, kept, source, where, identity)


def read_returned(
    path: Path, day: dt.date | None = None, keys: Keys | None = None
) -> list[Returned]:
    """Each module's answers in a returned file; the day from --date, else the form's date
    field, else the day the file was last saved (a PDF) or sent (a phone answers file)."""
    where = shown(display_path(path))
    data = _head(path, where)
    if PDF_MAGIC not in data:
        return _other_kind(path, data, day, keys or Keys(), where)
    answers = read_answers(path)
    by_module = _by_module(answers)
    if not by_module:
        raise HandoutError(f"{where}: has no answers to a module of the library")
    kept = {m: a for m, a in by_module.items() if from_answers(m, dt.date.min, a, "", "").answers}
    if not kept:
        raise HandoutError(f"{where}: nothing is filled in; was the blank copy sent?")
    found_day = day or _form_day(answers) or _saved_day(path)
    if found_day is None:
        raise HandoutError(f"{where}: no date in the file; give one with --date YYYY-MM-DD")
    return [from_answers(m, found_day, a, "pdf", where) for m, a in kept.items()]


def phone_answers(path: Path, head: bytes, day: dt.date | None, keys: Keys):
    """A phone answers file, opened with the practice key: each module's answers, the day from
    --date, else the date the client typed, else the day it was sent (on this computer's
    clock). A copy is known by what was sent, so the same file imported twice is one."""
    if head.lstrip()[:1] != b"{":
        return None
    from ..phone.returned import read_answers as read_phone

    found = read_phone(path, keys.ring())  # every problem is a HandoutError naming the file
    where = shown(display_path(path))
    by_module = _by_module(found.answers)
    kept = {m: a for m, a in by_module.items() if from_answers(m, dt.date.min, a, "", "").answers}
    if not kept:
        raise HandoutError(f"{where}: nothing is filled in; was it sent before any answer?")
    found_day = day or _form_day(found.answers) or _sent_day(found.sent)
    if found_day is None:
        raise HandoutError(f"{where}: no date in the file; give one with --date YYYY-MM-DD")
    return [from_answers(m, found_day, a, "phone", where, found.digest) for m, a in kept.items()]


def _sent_day(sent: str) -> dt.date | None:
    """The day an ISO 8601 time ('2026-12-06T10:00:00.000Z') falls on, on this computer."""
    try:
        when = dt.datetime.fromisoformat(sent.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone().date() if when.tzinfo else when.date()


READERS: list[Reader] = [phone_answers]


def _other_kind(
    path: Path, data: bytes, day: dt.date | None, keys: Keys, where: str
) -> list[Returned]:
    for reader in READERS:
        copies = reader(path, data, day, keys)
        if copies is not None:
            return copies
    raise HandoutError(f"{where}: expected a fillable PDF or a phone answers file made by handouts")


def _head(path: Path, where: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read(1024)
    except FileNotFoundError:
        raise HandoutError(f"{where}: no such file") from None
    except OSError as error:
        raise HandoutError(f"{where}: cannot read it: {error.strerror or error}") from None


def _by_module(answers: Sequence[Answer]) -> dict[str, dict[str, object]]:
    found: dict[str, dict[str, object]] = {}
    for answer in answers:
        module, _, rest = answer.field.partition(".")
        if rest:
            found.setdefault(module, {})[rest] = answer.value
    return found


def _form_day(answers: Sequence[Answer]) -> dt.date | None:
    """The date the client wrote in the form, when it reads as YYYY-MM-DD."""
    for answer in answers:
        if answer.field.endswith(".date") and isinstance(answer.value, str):
            try:
                return dt.date.fromisoformat(answer.value.strip())
            except ValueError:
                continue
    return None


def _saved_day(path: Path) -> dt.date | None:
    """The day the PDF says it was last saved (its ModDate), e.g. by the client's reader."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(path.read_bytes())) as pdf:
            stamp = str(pdf.docinfo.get("/ModDate") or "")
    except Exception:  # read_answers has already opened it; no date is not an error here
        return None
    found = PDF_DATE.match(stamp)
    try:
        return dt.date(*map(int, found.groups())) if found else None
    except ValueError:
        return None
