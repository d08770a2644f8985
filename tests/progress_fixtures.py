"""Returned homework for the progress tests: real fillable PDFs made by the tool, filled in as
a client's PDF reader would, and answers files sent from a module's real phone copy."""

from __future__ import annotations

import html
import re
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from generator.api import build, build_phone
from generator.core.options import Options

from .phone_support import answers_file

_BLANKS: dict[tuple[str, str], bytes] = {}


def blank(module_id: str, language: str = "en") -> bytes:
    """A fillable copy of a module (made once per test session)."""
    if (module_id, language) not in _BLANKS:
        from generator.api import library

        found = library(language=language)
        options = Options(fillable=True, language=language)
        _BLANKS[(module_id, language)] = build([module_id], content=found, options=options)[0].data
    return _BLANKS[(module_id, language)]


def filled(folder: Path, name: str, module_id: str, values: dict, language: str = "en") -> Path:
    """A returned copy: 'values' by field name after the module id; a measure's items given
    as {'measure.1.3': 2} are ticked at that option."""
    source = folder / f".blank-{module_id}-{language}.pdf"
    source.write_bytes(blank(module_id, language))
    writer = PdfWriter(clone_from=PdfReader(source))
    fields = {f"{module_id}.{key}": _state(value) for key, value in values.items()}
    for page in writer.pages:
        writer.update_page_form_field_values(page, fields, auto_regenerate=False)
    target = folder / name
    writer.write(target)
    source.unlink()
    return target


def _state(value):
    """A radio button's state is the index of its option ('/2'); text stays text."""
    return f"/{value}" if isinstance(value, int) else value


def phq9(total: int, item9: int = 0) -> dict:
    """PHQ-9 answers adding up to 'total', with item 9 as given."""
    values, left = {"measure.1.9": item9}, total - item9
    for number in range(1, 9):
        values[f"measure.1.{number}"] = min(3, left)
        left -= min(3, left)
    return values


def gad7(total: int) -> dict:
    values, left = {}, total
    for number in range(1, 8):
        values[f"measure.1.{number}"] = min(3, left)
        left -= min(3, left)
    return values


RADIO = re.compile(r'<input type="radio" name="([^"]+)" value="[^"]*" data-q="([^"]*)"')
_QUESTIONS: dict[str, list[tuple[str, str]]] = {}


def phone_answers(path, public, module_id: str, values: dict[int, int], sent: str, copy="c0ffee"):
    """An answers file as the module's real phone copy sends it: each of its questions, by the
    copy's own field names and wording, the chosen option's value or nothing."""
    if module_id not in _QUESTIONS:
        page = build_phone([module_id])[0].html
        found = dict.fromkeys((name, html.unescape(q)) for name, q in RADIO.findall(page))
        _QUESTIONS[module_id] = list(found)
    answers = [
        {"field": name, "question": question, "value": _chosen(name, values)}
        for name, question in _QUESTIONS[module_id]
    ]
    return answers_file(path, public, answers, module=module_id, copy=copy, sent=sent)


def _chosen(field: str, values: dict[int, int]) -> str | None:
    number = int(field.rsplit(".", 1)[1])
    return str(values[number]) if number in values else None


def items(total: int, item9: int = 0) -> dict[int, int]:
    """PHQ-9 answers by item number, adding up to 'total', item 9 as given."""
    return {int(k.rsplit(".", 1)[1]): v for k, v in phq9(total, item9).items()}
