"""The progress report PDF (clinician's and client's copies, in the client's language, print
variants) and the CSV and FHIR exports."""

from __future__ import annotations

import csv
import io
import json

import pikepdf
import pytest
from pypdf import PdfReader

from generator.api import add_returned, export_progress, open_record, progress_report, record_given
from generator.core.options import Options

from .progress_fixtures import filled, gad7, phq9

PASS = "tide tables"


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    """A client seen four times: PHQ-9 falling from severe to minimal (item 9 answered on the
    second day), two GAD-7s, the trust tracker with rows filled, one module given."""
    folder = tmp_path_factory.mktemp("report")
    files = [
        filled(folder, "a.pdf", "phq-9", {**phq9(21), "date": "2026-09-01"}),
        filled(folder, "b.pdf", "phq-9", {**phq9(16, item9=2), "date": "2026-09-15"}),
        filled(folder, "c.pdf", "phq-9", {**phq9(9), "date": "2026-10-01"}),
        filled(folder, "d.pdf", "phq-9", {**phq9(3), "date": "2026-10-20"}),
        filled(folder, "e.pdf", "gad-7", {**gad7(12), "date": "2026-09-01"}),
        filled(folder, "f.pdf", "gad-7", {**gad7(6), "date": "2026-10-20"}),
        filled(folder, "g.pdf", "trust-tracker", {"log.3.1.1": "Call mum", "log.3.2.1": "Dishes",
                                                  "date": "2026-09-15"}),
    ]  # fmt: skip
    with open_record(PASS, folder / "record.db") as opened:
        add_returned(opened, files, "MR-31")
        record_given(opened, "MR-31", ["trust-tracker", "where-am-i"], "2026-09-08")
        yield opened


def text_of(pdf) -> str:
    reader = PdfReader(io.BytesIO(pdf.data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_clinicians_report_puts_alerts_first_with_charts_tables_and_homework(record):
    pdf = progress_report(record, "MR-31")
    text = text_of(pdf)
    assert text.index("Alerts") < text.index("Patient Health Questionnaire (PHQ-9)")
    assert "September 15, 2026 · Patient Health Questionnaire (PHQ-9), item 9" in text
    assert "More than half the days" in text
    for row in (
        "September 1, 2026 21 Severe",
        "October 1, 2026 9 Mild",
        "October 20, 2026 3 Minimal",
    ):
        assert row in text
    assert "Days with a promise noted" in text and "not a validated measure" in text
    assert "Trust and follow-through tracker September 8, 2026 September 15, 2026" in text
    assert "Where am I on the journey? September 8, 2026 \u2013" in text  # none returned


def test_charts_are_vector_drawings_with_a_title_and_the_pdf_is_tagged(record):
    pdf = progress_report(record, "MR-31")
    with pikepdf.open(io.BytesIO(pdf.data)) as document:
        assert "/StructTreeRoot" in document.Root
        assert document.Root.Lang == "en"
        images = [k for page in document.pages for k in page.get_images()]
        assert images == []  # the charts are paths, not pictures
        content = b"".join(_contents(page) for page in document.pages)
    assert content.count(b" re") > 5  # band rectangles among the drawing operators


def _contents(page) -> bytes:
    streams = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
    return b"".join(stream.read_bytes() for stream in streams)


def test_the_clients_copy_has_no_bands_and_no_alerts_and_encourages(record):
    text = text_of(progress_report(record, "MR-31", for_client=True))
    for word in ("Alerts", "Severe", "Moderate", "Mild", "Minimal", "item 9", "Band"):
        assert word not in text, word
    assert "Every page you filled in is part of the work you are doing." in text
    assert "September 1, 2026 21" in text  # the numbers stay


def test_the_report_follows_the_clients_language(record, tmp_path):
    record.set_language("MR-31", "es")
    try:
        text = text_of(progress_report(record, "MR-31"))
    finally:
        record.set_language("MR-31", "en")
    assert "Cuestionario sobre la salud del paciente (PHQ-9)" in text
    assert "1 de septiembre de 2026 21 Grave" in text


@pytest.mark.parametrize("variant", [{"large_print": True}, {"ink_saver": True}, {"paper": "a4"}])
def test_the_report_prints_in_every_variant(record, variant):
    pdf = progress_report(record, "MR-31", options=Options(**variant))
    assert pdf.pages >= 2 and "Patient Health Questionnaire (PHQ-9)" in text_of(pdf)


def test_csv_export_has_every_answer_and_total_and_no_formula(record, tmp_path):
    rows = list(csv.DictReader(io.StringIO(export_progress(record, "MR-31", "csv"))))
    totals = [
        (r["date"], r["value"]) for r in rows if r["module"] == "phq-9" and r["field"] == "total"
    ]
    assert totals == [
        ("2026-09-01", "21"),
        ("2026-09-15", "16"),
        ("2026-10-01", "9"),
        ("2026-10-20", "3"),
    ]
    assert {"client": "MR-31", "date": "2026-09-15", "kind": "returned", "module": "trust-tracker",
            "field": "log.3.1.1", "value": "Call mum"} in rows  # fmt: skip
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_fhir_export_is_valid_r4_questionnaire_responses_with_loinc_codes(record):
    from fhir.resources.R4B.bundle import Bundle  # R4B's QuestionnaireResponse is R4's

    bundle = json.loads(export_progress(record, "MR-31", "fhir"))
    Bundle.model_validate(bundle)
    responses = [e["resource"] for e in bundle["entry"]]
    assert [r["questionnaire"] for r in responses].count("http://loinc.org/q/44249-1") == 4
    assert [r["questionnaire"] for r in responses].count("http://loinc.org/q/69737-5") == 2
    first = responses[[r["questionnaire"] for r in responses].index("http://loinc.org/q/44249-1")]
    total = next(i for i in first["item"] if i["linkId"] == "/44261-6")
    assert total["answer"] == [{"valueInteger": 21}] and first["authored"] == "2026-09-01"
    gad = next(r for r in responses if r["questionnaire"].endswith("69737-5"))
    assert any(i["linkId"] == "/70274-6" for i in gad["item"])
    assert first["subject"]["identifier"]["value"] == "MR-31"


@pytest.mark.parametrize("for_client", [False, True])
def test_the_report_passes_the_pdfua_checks(record, tmp_path, for_client):
    from pdfua import validate

    from .test_accessibility import CHECKER_BUGS, pdfua_problems

    path = progress_report(record, "MR-31", for_client=for_client).write(tmp_path)
    report = validate(str(path))
    assert [f"{f.rule_id}: {f.message}" for f in report.findings] == []
    assert {skip.rule_id for skip in report.skipped} <= CHECKER_BUGS
    assert pdfua_problems(path) == []
