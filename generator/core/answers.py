"""Read a returned fillable PDF: every field's name, its question and what the client entered."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HandoutError, display_path

if TYPE_CHECKING:  # read only when a PDF's answers are: the PDF library loads on first use
    import pikepdf

# What a terminal would act on rather than show: C0 controls but the line break, DEL, C1
# (escape sequences start with ESC or CSI) and the bidi controls that reorder what follows.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Cells a spreadsheet would run as a formula (OWASP, "CSV injection"): shown as text instead.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class Answer:
    """One form field: 'where-am-i.scale.5', 'How easy is it...', '7'."""

    field: str
    question: str
    value: str | bool | None


def read_answers(path: Path) -> list[Answer]:
    """The answers in a PDF made with --fillable, in the order the fields appear."""
    where = shown(display_path(path))
    return answers_in(_pdf_bytes(path, where), where)


def answers_in(data: bytes, where: str) -> list[Answer]:
    """The answers in a fillable PDF's bytes; 'where' names it in messages (the file name as
    the user knows it: an upload is never saved under a name of the tool's own)."""
    import pikepdf

    where = shown(where)
    if PDF_MAGIC not in data[:1024]:  # where PDF readers look for it
        raise HandoutError(f"{where}: is not a PDF file")
    with _quiet("pikepdf"):
        try:
            with pikepdf.open(io.BytesIO(data)) as pdf:
                answers = [_answer(name, field) for name, field in _fields(pdf).items()]
        except pikepdf.PasswordError:
            raise HandoutError(
                f"{where}: is encrypted (it needs a password to open); save a copy without "
                "a password and read that one"
            ) from None
        except Exception:  # a damaged file can fail anywhere: in qpdf, or deep in its objects
            raise HandoutError(f"{where}: the PDF is damaged; its form cannot be read") from None
    if not answers:
        raise HandoutError(f"{where}: has no form fields; it was not made as a fillable PDF")
    return answers


def _pdf_bytes(path: Path, where: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise HandoutError(f"{where}: no such file") from None
    except OSError as error:
        raise HandoutError(f"{where}: cannot read it: {error.strerror or error}") from None
    return data


def _fields(pdf: pikepdf.Pdf) -> dict:
    """Each form field by its full name, in order. A radio group's buttons are widgets of one
    field (they have no name of their own): the group is the field."""
    fields: dict = {}
    for field in pdf.acroform.fields:
        node = field if "/T" in field.obj or field.parent is None else field.parent
        fields.setdefault(node.fully_qualified_name, node)
    return fields


@contextmanager
def _quiet(logger_name: str) -> Iterator[None]:
    """The PDF library may log or warn about each flaw it works around; the user only needs
    our one clear message, and no line on the terminal about a file they cannot fix."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _answer(name: str, field: pikepdf.form.AcroFormField) -> Answer:
    question = str(field.alternate_name)  # the question (/TU), else the field's name
    value = field.value
    if field.field_type != "/Btn":
        return Answer(name, question, str(value) if value is not None else "")
    state = str(value) if value is not None else "/Off"
    options = field.get_inheritable_field_value("/Opt")
    if options is None:  # a checkbox
        return Answer(name, question, state not in ("/Off", ""))
    index = state.lstrip("/")
    options = [str(option) for option in options]
    chosen = options[int(index)] if index.isdigit() and int(index) < len(options) else None
    return Answer(name, question, chosen)


def shown(text: str) -> str:
    """Text safe to print: line breaks as '\\n', tabs as spaces, other controls as U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return UNSAFE.sub("\ufffd", text)


def as_json(path: Path, answers: Sequence[Answer]) -> str:
    """The answers as JSON, every character kept: JSON escapes C0 controls itself, and DEL, C1
    and bidi controls are escaped too, so that a terminal shows them rather than obeys them."""
    text = json.dumps(
        {"file": path.name, "answers": [asdict(a) for a in answers]}, ensure_ascii=False, indent=2
    )
    return UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def as_csv(answers: Sequence[Answer]) -> str:
    """The answers as CSV for a spreadsheet: no cell can start a formula, and no control
    character but the line break reaches the file or the terminal."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["field", "question", "value"])
    for answer in answers:
        value = answer.value
        text = "ticked" if value is True else "not ticked" if value is False else value or ""
        writer.writerow([_cell(answer.field), _cell(answer.question), _cell(text)])
    return buffer.getvalue()


def _cell(text: str) -> str:
    return shown("'" + text if text.startswith(FORMULA_START) else text)
