"""Returned homework for the progress tests: real fillable PDFs made by the tool, filled in as
a client's PDF reader would."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader, PdfWriter

from generator.api import build
from generator.core.options import Options

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
