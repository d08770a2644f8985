"""A client's record for other software: CSV (every answer and every total) and FHIR R4
QuestionnaireResponse resources for the measures.

LOINC codes (loinc.org), as used by HL7's US Core examples and the PHQ/GAD-7 FHIR questionnaires:
PHQ-9 panel 44249-1 ("PHQ-9 quick depression assessment panel"), PHQ-9 total score 44261-6;
GAD-7 panel 69737-5, GAD-7 total score 70274-6. They live in each measure's front matter
(scoring.loinc), so a measure added later brings its own."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from ..core.answers import FORMULA_START, shown
from ..core.errors import HandoutError
from .record import Entry
from .summary import Series, Summary

FORMATS = ("csv", "fhir")
LOINC = "http://loinc.org"


def export_text(summary: Summary, entries: Sequence[Entry], format: str) -> str:
    """The export in one of FORMATS."""
    if format == "csv":
        return as_csv(summary, entries)
    if format == "fhir":
        return json.dumps(as_fhir(summary), ensure_ascii=False, indent=2) + "\n"
    raise HandoutError(f"--format: expected {' or '.join(FORMATS)}, got {format!r}")


def as_csv(summary: Summary, entries: Sequence[Entry]) -> str:
    """One row per answer, per total and per homework given: code, date, kind, module, field,
    value (no cell can start a spreadsheet formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["client", "date", "kind", "module", "field", "value"])
    for entry in entries:
        for field, value in entry.answers.items() or [("", "")]:
            writer.writerow(_row(summary.code, entry.day, entry.kind, entry.module, field, value))
    for series in summary.measures:
        for point in series.points:
            band = point.scored.band.label if point.scored.band else "partial"
            writer.writerow(
                _row(summary.code, point.day, "score", series.module, "total", point.value)
            )
            writer.writerow(_row(summary.code, point.day, "score", series.module, "band", band))
    return buffer.getvalue()


def _row(*cells) -> list[str]:
    return [_cell(cell) for cell in cells]


def _cell(value) -> str:
    text = "ticked" if value is True else "not ticked" if value is False else str(value)
    return shown("'" + text if text.startswith(FORMULA_START) else text)


def as_fhir(summary: Summary) -> dict:
    """A FHIR R4 Bundle (collection) of one QuestionnaireResponse per measure taken."""
    resources = [
        _response(summary, series, index)
        for series in summary.measures
        for index in range(len(series.points))
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": resource} for resource in resources],
    }


def _response(summary: Summary, series: Series, index: int) -> dict:
    point = series.points[index]
    scoring = series.scoring
    panel, total = scoring.loinc
    items = [
        {"linkId": str(number), "text": text, "answer": [{"valueInteger": value}]}
        for number, text in enumerate(scoring.items, start=1)
        if (value := _value(series, index, number)) is not None
    ]
    if point.scored.complete and total:
        items.append(
            {
                "linkId": f"/{total}",
                "definition": f"{LOINC}/{total}",
                "text": "Total score",
                "answer": [{"valueInteger": point.value}],
            }
        )
    response = {
        "resourceType": "QuestionnaireResponse",
        "id": f"{series.module}-{point.day}-{index + 1}",
        "language": summary.language,
        "questionnaire": f"{LOINC}/q/{panel}" if panel else f"urn:handouts:{series.module}",
        "status": "completed" if point.scored.complete else "in-progress",
        "subject": {"identifier": {"system": "urn:handouts:client-code", "value": summary.code}},
        "authored": point.day,
    }
    return response | ({"item": items} if items else {})  # FHIR allows no empty lists


def _value(series: Series, index: int, number: int) -> int | None:
    return series.points[index].scored.values.get(number)
