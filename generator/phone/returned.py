"""Answers that came back: phone answers files and fillable PDFs, read one by one or many at
once, each with its module, when it was sent and which copy it came from."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..core.answers import FORMULA_START, UNSAFE, Answer, answers_in, shown
from ..core.answers import read_answers as read_pdf
from ..core.errors import HandoutError, display_path
from .answers_file import FILE_LIMIT, Unreadable, open_sealed, parse
from .keys import NeedsPassphrase, PracticeKey, load_private, practice_keys, short

ANSWER_LIMIT = 2000  # answers in one file: the longest worksheet has about 150 places
TEXT_LIMIT = 100_000  # characters in one answer


@dataclass(frozen=True)
class Returned:
    """What one returned file holds: its answers, and what it says about itself. A sequence of
    its answers, so a caller that wants only those can treat it as the list."""

    file: str
    kind: str  # "phone" or "pdf"
    answers: tuple[Answer, ...]
    module: str = ""
    title: str = ""
    language: str = ""
    sent: str = ""  # when the client sent it (ISO 8601, UTC), phone files only
    copy: str = ""  # the phone copy it came from
    digest: str = field(default="", compare=False)  # what it holds, to spot the same file twice

    def __iter__(self) -> Iterator[Answer]:
        return iter(self.answers)

    def __len__(self) -> int:
        return len(self.answers)

    def __getitem__(self, index):
        return self.answers[index]


class Keyring:
    """The practice's private keys, each opened once (with the passphrase, when it has one)."""

    def __init__(self, passphrase: str | None = None, keys: Sequence[PracticeKey] | None = None):
        self.passphrase = passphrase
        self.keys = {
            key.fingerprint: key for key in (keys if keys is not None else practice_keys())
        }
        self.opened: dict = {}

    def private(self, fingerprint: str):
        if fingerprint not in self.opened:
            self.opened[fingerprint] = load_private(self.keys[fingerprint], self.passphrase)
        return self.opened[fingerprint]


def read_answers(path: Path, keyring: Keyring | None = None) -> Returned:
    """The answers in a returned file: a phone answers file or a fillable PDF, told apart by
    what is in it (not by its name). Any problem is a HandoutError naming the file."""
    where = shown(display_path(path))
    data = _head(path, where)
    if data.lstrip()[:1] != b"{":
        return _from_pdf(path, where)
    return _from_phone(path, where, _whole(path, where), keyring or Keyring())


def returned_in(data: bytes, name: str, keyring: Keyring | None = None) -> Returned:
    """The answers in a returned file's bytes (an upload, never saved), told apart by what is
    in them; each problem names the file as the user named it."""
    where = shown(name)
    if data.lstrip()[:1] != b"{":
        answers = tuple(answers_in(data, where))
        module = answers[0].field.split(".", 1)[0] if answers else ""
        digest = hashlib.sha256(data).hexdigest()
        return Returned(name, "pdf", answers, module=module, digest=digest)
    if len(data) > FILE_LIMIT:
        raise HandoutError(f"{where}: is too large for an answers file (over {FILE_LIMIT:,} bytes)")
    return _from_phone(Path(name), where, data, keyring or Keyring())


def _head(path: Path, where: str) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(1024)
    except FileNotFoundError:
        raise HandoutError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise HandoutError(f"{where}: is a folder, not a file") from None
    except OSError as error:
        raise HandoutError(f"{where}: cannot read it: {error.strerror or error}") from None


def _whole(path: Path, where: str) -> bytes:
    with path.open("rb") as stream:
        data = stream.read(FILE_LIMIT + 1)  # never more: a huge file is refused, not read
    if len(data) > FILE_LIMIT:
        raise HandoutError(f"{where}: is too large for an answers file (over {FILE_LIMIT:,} bytes)")
    return data


def _from_pdf(path: Path, where: str) -> Returned:
    answers = tuple(read_pdf(path))
    module = answers[0].field.split(".", 1)[0] if answers else ""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Returned(path.name, "pdf", answers, module=module, digest=digest)


def _from_phone(path: Path, where: str, data: bytes, keyring: Keyring) -> Returned:
    try:
        sealed = parse(data)
        if sealed.key not in keyring.keys:
            raise Unreadable(_foreign(sealed.key, keyring))
        plain = open_sealed(sealed, keyring.private(sealed.key))
        return _payload(path, plain)
    except Unreadable as problem:
        raise HandoutError(f"{where}: {problem}") from None
    except NeedsPassphrase:
        raise NeedsPassphrase(
            f"{where}: the practice key has a passphrase; give it to read this file"
        ) from None
    except HandoutError as error:  # the key itself: a wrong passphrase, a file gone
        raise HandoutError(f"{where}: cannot be opened: {error.message}") from None


def _foreign(key: str, keyring: Keyring) -> str:
    if not keyring.keys:
        return "cannot be opened: this computer has no practice key ('handouts key' makes one)"
    return (
        f"is locked to another key ({short(key)}), not to one of this practice's keys "
        f"({', '.join(short(k) for k in keyring.keys)}); was it sent to another practice, or "
        "made before a key backup was restored?"
    )


def _payload(path: Path, plain: bytes) -> Returned:
    """The opened answers, checked: anyone with the public key can lock a file, so what is
    inside is input like any other."""
    try:
        top = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Unreadable("opened, but what is inside is not answers") from None
    if not isinstance(top, dict) or not isinstance(top.get("answers"), list):
        raise Unreadable("opened, but what is inside is not answers")
    if len(top["answers"]) > ANSWER_LIMIT:
        raise Unreadable(f"holds more than {ANSWER_LIMIT} answers; it is not from a phone copy")
    answers = tuple(_answer(entry) for entry in top["answers"])
    details = {name: _text(top.get(name), 200) for name in ("module", "title", "language")}
    details |= {name: _text(top.get(name), 40) for name in ("sent", "copy")}
    digest = hashlib.sha256(plain).hexdigest()
    return Returned(path.name, "phone", answers, digest=digest, **details)


def _answer(entry: object) -> Answer:
    if not isinstance(entry, dict):
        raise Unreadable("opened, but an answer in it is not a field and a value")
    value = entry.get("value")
    if not (value is None or isinstance(value, (str, bool))):
        raise Unreadable("opened, but an answer in it is not text, a tick or a choice")
    text = value[:TEXT_LIMIT] if isinstance(value, str) else value
    return Answer(_text(entry.get("field"), 200), _text(entry.get("question"), 2000), text)


def _text(value: object, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


# --- many files at once ---------------------------------------------------------------------


@dataclass(frozen=True)
class Batch:
    """Files read, the problems of those that could not be, and the files seen twice."""

    read: tuple[Returned, ...]
    problems: tuple[str, ...]
    repeats: tuple[str, ...]


def read_many(paths: Sequence[Path], passphrase: str | None = None) -> Batch:
    """Read every file; one that cannot be read is a problem in the list, never the end."""
    keyring = Keyring(passphrase)
    read: list[Returned] = []
    problems: list[str] = []
    repeats: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        try:
            found = read_answers(Path(path), keyring)
        except HandoutError as error:
            problems.append(error.message)
            continue
        if found.digest in seen:
            repeats.append(f"{shown(found.file)}: the same answers as {shown(seen[found.digest])}")
            continue
        seen[found.digest] = found.file
        read.append(found)
    return Batch(tuple(read), tuple(problems), tuple(repeats))


def value_text(value: str | bool | None) -> str:
    return "ticked" if value is True else "not ticked" if value is False else value or ""


COLUMNS = ("file", "module", "sent", "copy", "field", "question", "value")


def rows(read: Sequence[Returned]) -> Iterator[tuple[str, ...]]:
    for found in read:
        for answer in found:
            head = (found.file, found.module, found.sent, found.copy)
            yield (*head, answer.field, answer.question, value_text(answer.value))


def many_csv(read: Sequence[Returned]) -> str:
    """Every file's answers as one CSV: no cell can start a formula, no control gets through."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(read):
        writer.writerow([_cell(text) for text in row])
    return buffer.getvalue()


def _cell(text: str) -> str:
    return shown("'" + text if text.startswith(FORMULA_START) else text)


def many_json(read: Sequence[Returned]) -> str:
    """One file's answers as a JSON object; several as a list of them. Every character kept;
    controls a terminal would obey are escaped."""
    objects = [_object(found) for found in read]
    text = json.dumps(objects[0] if len(objects) == 1 else objects, ensure_ascii=False, indent=2)
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _object(found: Returned) -> dict:
    head = {"file": found.file, "kind": found.kind, "module": found.module}
    head |= {"title": found.title, "language": found.language, "sent": found.sent}
    return head | {"copy": found.copy, "answers": [asdict(a) for a in found]}


def many_table(read: Sequence[Returned]) -> str:
    """Each file as a heading, then its answers as 'question: value', for a person to read."""
    lines: list[str] = []
    for found in read:
        about = [
            found.module,
            f"sent {found.sent}" if found.sent else "",
            found.copy and f"copy {found.copy}",
        ]
        lines.append(shown(f"== {found.file} ({', '.join(a for a in about if a)})"))
        for answer in found:
            question = answer.question or answer.field
            lines.append(shown(f"  {question}: {value_text(answer.value)}"))
        lines.append("")
    return "\n".join(lines)
