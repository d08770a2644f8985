"""The public Python API: the README's first example runs as written, and each call does what
the command line does."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import generator
from generator import HandoutError, Options, build, build_packet, person, read_answers
from generator.api import Person, ProblemsFound, participant
from tests.helpers import flat, pdf_pages_text, pdf_reader

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_example_runs_in_an_empty_folder(tmp_path):
    code = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["journey-jd.pdf", "where-am-i-jd.pdf"]
    box = pdf_reader(tmp_path / "journey-jd.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


def test_build_returns_pdfs_in_memory_named_as_the_cli_names_them(tmp_path):
    pdfs = build(["journey", "where-am-i"], person(Person(client="Zoë N.")), combine=True)
    (pdf,) = pdfs
    assert pdf.name == "handouts-zoe-n.pdf"
    assert pdf.pages == len(pdf_pages_text(pdf.data)) >= 4
    assert "Zoë N." in flat(pdf_pages_text(pdf.data)[0])
    assert not list(tmp_path.iterdir())
    assert pdf.write(tmp_path) == tmp_path / "handouts-zoe-n.pdf"
    assert (tmp_path / "handouts-zoe-n.pdf").read_bytes() == pdf.data


def test_errors_name_the_field_and_raise_one_exception():
    with pytest.raises(ProblemsFound) as raised:
        person(Person(client="x" * 81, date="23/11/2026", session="²"))
    client, date, session = raised.value.problems
    assert (client.key, client.message) == ("client", "expected at most 80 characters, got 81")
    assert date.key == "date" and date.message.startswith("expected a date as YYYY-MM-DD")
    assert (session.key, session.message) == (
        "session",
        "expected a session number from 1 to 999, got '²'",
    )
    assert "client: expected at most 80 characters" in raised.value.message  # no '--' flag
    with pytest.raises(HandoutError, match="unknown module 'jorney'; did you mean journey"):
        build(["jorney"])


def test_check_checks_only_the_modules_named(tree):
    folder = tree({"mine.md": "not a module", "other.md": "not one either"})
    broken, fine = generator.check([folder], ids=["where-am-i", "mine"])
    assert broken.source.endswith("mine/mine.md") and broken.problems and broken.module is None
    assert fine.source == "content/modules/where-am-i.md"
    assert fine.problems == () and fine.pages >= 1
    with pytest.raises(HandoutError, match="unknown module 'jorney'; did you mean journey"):
        generator.check(ids=["jorney"])


def test_a_packet_and_its_answers_round_trip(tmp_path):
    pdf = build_packet(
        "couples", options=Options(fillable=True), participant=participant("Ana Díaz")
    )
    assert pdf.name == "couples-ana-diaz.pdf"
    blank = read_answers(pdf.write(tmp_path))
    assert blank and all(a.value in ("", None, False) for a in blank)
    typed = _type_into(tmp_path / pdf.name, tmp_path / "returned.pdf")
    found = {a.field: a.value for a in read_answers(tmp_path / "returned.pdf")}
    assert len(typed) == 3
    assert {name: found[name] for name in typed} == typed


def _type_into(source: Path, target: Path) -> dict[str, str]:
    """A client's answers in the first three text fields of a fillable PDF, as a PDF reader
    saves them; returns what was typed, by field name."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(source)
    names = [n for n, f in reader.get_fields().items() if f.get("/FT") == "/Tx"][:3]
    typed = {name: f"Answer {i}: señal ✓ «כן»" for i, name in enumerate(names)}
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        writer.update_page_form_field_values(page, typed, auto_regenerate=False)
    with target.open("wb") as stream:
        writer.write(stream)
    return typed


def test_the_package_exports_only_what_it_documents():
    documented = re.findall(r"`(\w+)`", generator.__doc__.split("__all__")[1])
    assert generator.__all__ == ["__version__", *documented]
    with pytest.raises(AttributeError):
        generator.render_pdf  # noqa: B018
