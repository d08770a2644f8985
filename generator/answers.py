"""Read a returned fillable PDF: every field's name, its question and what the client entered."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import HandoutError, display_path


@dataclass(frozen=True)
class Answer:
    """One form field: 'where-am-i.scale.5', 'How easy is it...', '7'."""

    field: str
    question: str
    value: str | bool | None


def read_answers(path: Path) -> list[Answer]:
    """The answers in a PDF made with --fillable, in the order the fields appear."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    where = display_path(path)
    try:
        fields = PdfReader(str(path)).get_fields() or {}
    except FileNotFoundError:
        raise HandoutError(f"{where}: no such file") from None
    except (PdfReadError, OSError, ValueError) as error:
        raise HandoutError(f"{where}: cannot read it as a PDF ({error})") from None
    if not fields:
        raise HandoutError(f"{where}: has no form fields; build it with --fillable")
    return [_answer(name, field) for name, field in fields.items()]


def _answer(name: str, field) -> Answer:
    question = str(field.get("/TU", name))
    value = field.get("/V")
    if field.get("/FT") != "/Btn":
        return Answer(name, question, str(value) if value is not None else "")
    state = str(value) if value is not None else "/Off"
    if "/Opt" not in field:  # a checkbox
        return Answer(name, question, state not in ("/Off", ""))
    options = [str(option) for option in field["/Opt"]]
    index = state.lstrip("/")
    chosen = options[int(index)] if index.isdigit() and int(index) < len(options) else None
    return Answer(name, question, chosen)


def as_json(path: Path, answers: Sequence[Answer]) -> str:
    return json.dumps(
        {"file": path.name, "answers": [asdict(a) for a in answers]}, ensure_ascii=False, indent=2
    )


def as_csv(answers: Sequence[Answer]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["field", "question", "value"])
    for answer in answers:
        value = answer.value
        shown = "yes" if value is True else "no" if value is False else value or ""
        writer.writerow([answer.field, answer.question, shown])
    return buffer.getvalue()
