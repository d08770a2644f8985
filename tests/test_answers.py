"""'handouts answers' on what comes back from clients: values a spreadsheet would run, control
characters a terminal would obey, files that are locked, damaged or no PDF, and a closed pipe."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from generator.core.options import Options
from tests.helpers import build_handout

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = {
    "where-am-i.name": '=HYPERLINK("http://example.com","click")',
    "where-am-i.date": "+1",
    "where-am-i.lines.3": "-2+3",
    "where-am-i.lines.15": "@SUM(A1)",
    "where-am-i.box.13": "\tfirst\r\nsecond\x1b[31m red\x1b[0m\x9b2J\x07\u202eend",
}
# A terminal acts on these rather than showing them (the line break aside).
CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def returned(tmp_path_factory) -> Path:
    """A fillable worksheet as a client might send it back: odd answers, an odd question."""
    folder = tmp_path_factory.mktemp("answers")
    blank = build_handout(["where-am-i"], out=folder, options=Options(fillable=True)).paths[0]
    with pikepdf.open(blank) as pdf:
        for field in pdf.Root.AcroForm.Fields:
            if str(field.T) in HOSTILE:
                field.V = pikepdf.String(HOSTILE[str(field.T)])
            if str(field.T) == "where-am-i.scale.5":
                field.TU = pikepdf.String("\x1b]0;title\x07=How easy is it?")
        pdf.save(folder / "returned.pdf")
    return folder / "returned.pdf"


def test_csv_cells_never_start_a_formula_and_hold_no_control_characters(run, returned):
    result = run("answers", returned, "--format", "csv")
    assert result.exit_code == 0
    assert not CONTROLS.search(result.output)
    rows = {row["field"]: row for row in csv.DictReader(io.StringIO(result.output))}
    values = {field: rows[field]["value"] for field in HOSTILE}
    assert values == {
        "where-am-i.name": '\'=HYPERLINK("http://example.com","click")',
        "where-am-i.date": "'+1",
        "where-am-i.lines.3": "'-2+3",
        "where-am-i.lines.15": "'@SUM(A1)",
        "where-am-i.box.13": "' first\nsecond\ufffd[31m red\ufffd[0m\ufffd2J\ufffd\ufffdend",
    }
    assert rows["where-am-i.scale.5"]["question"] == "\ufffd]0;title\ufffd=How easy is it?"
    for row in rows.values():
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values())


def test_json_keeps_every_character_but_escapes_control_characters(run, returned):
    result = run("answers", returned)
    assert result.exit_code == 0
    assert not CONTROLS.search(result.output)
    answers = {a["field"]: a for a in json.loads(result.output)["answers"]}
    assert {field: answers[field]["value"] for field in HOSTILE} == HOSTILE
    assert answers["where-am-i.scale.5"]["question"] == "\x1b]0;title\x07=How easy is it?"
    assert "\\u009b2J" in result.output and "\\u202eend" in result.output


def encrypted(source: Path, target: Path, user: str) -> Path:
    with pikepdf.open(source) as pdf:
        pdf.save(target, encryption=pikepdf.Encryption(owner="owner", user=user))
    return target


def test_a_pdf_locked_with_a_password_is_a_clear_error(run, returned, tmp_path):
    encrypted(returned, tmp_path / "locked.pdf", user="secret")
    result = run("answers", "locked.pdf")
    assert result.exit_code == 1
    assert result.output == (
        "Error: locked.pdf: is encrypted (it needs a password to open); save a copy without "
        "a password and read that one\n"
    )


def test_a_pdf_encrypted_without_an_opening_password_is_read(run, returned, tmp_path):
    encrypted(returned, tmp_path / "owner-only.pdf", user="")
    result = run("answers", "owner-only.pdf", "--format", "csv")
    assert result.exit_code == 0
    assert "where-am-i.lines.3,What made me put my mark there?,'-2+3" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (lambda pdf: pdf[: len(pdf) // 2], "the PDF is damaged; its form cannot be read"),
        (
            lambda pdf: b"%PDF-1.7\n" + bytes(range(256)) * 20,
            "the PDF is damaged; its form cannot be read",
        ),
        (lambda pdf: b"\x89PNG\r\n\x1a\n" + bytes(2000), "is not a PDF file"),
        (lambda pdf: b"", "is not a PDF file"),
    ],
    ids=["truncated", "garbage", "png", "empty"],
)
def test_a_damaged_file_or_one_that_is_no_pdf_is_a_clear_error(
    run, returned, tmp_path, content, message
):
    (tmp_path / "sent.pdf").write_bytes(content(returned.read_bytes()))
    result = run("answers", "sent.pdf")
    assert result.exit_code == 1
    assert result.output == f"Error: sent.pdf: {message}\n"


def test_a_file_name_with_control_characters_is_shown_safely(run, tmp_path):
    (tmp_path / "a\x1b[2Jb.pdf").write_bytes(b"not a pdf")
    result = run("answers", "a\x1b[2Jb.pdf")
    assert result.output == "Error: a\ufffd[2Jb.pdf: is not a PDF file\n"


def test_a_reader_that_stops_early_is_not_an_error(returned):
    # The reading end is closed before the command writes: its first write meets a closed
    # pipe, as with '| head -1' on a long answer list.
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "answers", str(returned)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert stderr == ""
