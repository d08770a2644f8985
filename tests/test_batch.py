"""Roster batches: the render-once-and-stamp fast path gives each participant exactly the packet
a build of their own would; bad rows never stop good ones; a stopped run leaves only whole PDFs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

from generator.batch import build_packet, build_roster, prepare_packet
from generator.previews import page_images
from generator.profiles import load_practice, make_personal
from generator.render import Options
from generator.resources import CONTENT_DIR
from generator.roster import read_roster
from tests.conftest import pdf_reader

PACKET = "interdependence-workshop"
ROSTER = (
    "Name;Pronouns;Group;Note\n"
    "Zoë Ñúñez;she/her;Tuesday;Glad you are here. Bring a pen.\n"
    "李小龙;;Wednesday;\n"
    "Alexandra Konstantinopoulou-Featherstonehaugh;they/them;;\n"
    ";x;;\n"
)


def job(**options):
    personal = make_personal(practice=load_practice(CONTENT_DIR / "practice.example.yaml"))
    return prepare_packet(PACKET, personal, options=Options(**options))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    roster = read_roster(folder / "roster.csv")
    the_job = job(fillable=True)
    result = build_roster(the_job, roster, folder / "out", workers=2)
    return the_job, roster, result


def placed_characters(path: Path) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Each page's characters with their boxes, in reading position: the text and where it is."""
    document = pdfium.PdfDocument(str(path))
    pages = []
    for page in document:
        text = page.get_textpage()
        chars = [
            (text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())
        ]
        placed = [(c, tuple(round(v, 1) for v in box)) for c, box in chars if c.strip()]
        pages.append(sorted(placed, key=lambda item: (-item[1][1], item[1][0], item[0])))
    return pages


def fields(path: Path) -> dict[str, str]:
    return {name: str(f.get("/FT")) for name, f in (pdf_reader(path).get_fields() or {}).items()}


def test_each_stamped_packet_is_the_packet_built_on_its_own(batch, tmp_path):
    the_job, _, result = batch
    assert len(result.written) == 3
    for row, path in result.written:
        alone = build_packet(the_job, row.participant, tmp_path).paths[0]
        assert placed_characters(path) == placed_characters(alone)
        assert fields(path) == fields(alone) and fields(path)
        stamped, own = pdf_reader(path), pdf_reader(alone)
        assert [p.mediabox for p in stamped.pages] == [p.mediabox for p in own.pages]
        assert row.participant.name in stamped.pages[0].extract_text()
        _same_look(path, alone)


def _same_look(stamped: Path, alone: Path) -> None:
    first = [0, 4]  # the cover, and a page with a name line
    for a, b in zip(
        page_images(stamped.read_bytes(), first, 0.5),
        page_images(alone.read_bytes(), first, 0.5),
        strict=True,
    ):
        difference = ImageChops.difference(a.convert("L"), b.convert("L"))
        changed = sum(difference.histogram()[49:])  # pixels whose grey level moved by > 48
        assert changed / (a.width * a.height) < 0.001


def test_bad_rows_are_reported_and_the_good_ones_written(batch):
    _, _, result = batch
    assert [str(bad) for bad in result.bad] == ["row 5: name: expected a name, got nothing"]
    report = (result.folder / "report.txt").read_text(encoding="utf-8")
    assert "Built: 3 of 4 participants" in report
    assert "row 5: name: expected a name, got nothing" in report
    assert "Zoë" not in report  # names stay in the PDFs
    assert sorted(p.name for p in result.folder.glob("*.pdf")) == sorted(
        [path.name for _, path in result.written] + ["all-participants.pdf"]
    )


def test_all_participants_is_one_print_job_each_starting_on_an_odd_page(batch):
    _, _, result = batch
    per_person = len(pdf_reader(result.written[0][1]).pages)
    combined = pdf_reader(result.combined)
    step = per_person + per_person % 2
    assert len(combined.pages) == step * len(result.written)
    for index, (row, _) in enumerate(result.written):
        cover = combined.pages[index * step].extract_text()
        assert row.participant.name in cover  # page index*step+1: odd
    assert not combined.get_fields()  # a print job: no form fields shared between people
    assert result.combined.stat().st_size < 3 * result.written[0][1].stat().st_size


def test_a_name_too_long_for_its_place_or_the_font_is_a_bad_row(tmp_path):
    roster_file = tmp_path / "r.csv"
    roster_file.write_text("name\nAna\n" + "W" * 80 + "\nSmile 😀\n", encoding="utf-8")
    result = build_roster(job(), read_roster(roster_file), tmp_path / "out", workers=1)
    assert [row.participant.name for row, _ in result.written] == ["Ana"]
    unprintable = "contains characters no shipped font can print (1 character, e.g. U+1F600)"
    assert [str(bad) for bad in result.bad] == [
        "row 3: name: too long to print in its place; shorten it",
        f"row 4: name: {unprintable}",  # the letters are a name: only their code points
    ]
    assert "😀" not in (result.folder / "report.txt").read_text(encoding="utf-8")


def test_cli_exit_code_says_a_row_failed_and_logs_no_names(run, tmp_path):
    (tmp_path / "roster.csv").write_text("name,group\nPriya Raman,A\n\n,B\n", encoding="utf-8")
    result = run("packet", "couples", "--roster", "roster.csv", "--workers", "1")
    assert result.exit_code == 1
    assert "1 packet(s) in output/couples/" in result.output
    assert "roster.csv: row 4: name: expected a name, got nothing" in result.output
    assert "Priya" not in result.output
    assert (tmp_path / "output" / "couples" / "priya-raman.pdf").is_file()


def test_an_interrupted_run_leaves_only_complete_pdfs(tmp_path):
    rows = "\n".join(f"Person {n}" for n in range(40))
    (tmp_path / "roster.csv").write_text(f"name\n{rows}\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "generator", "packet", "couples", "--roster", "roster.csv"]
    process = subprocess.Popen(
        [*command, "--out", str(out), "--workers", "2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob("person-*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    process.wait(timeout=60)
    assert process.returncode != 0
    written = sorted(out.glob("*.pdf"))
    assert written and len(written) < 40
    assert not [p for p in out.iterdir() if p.suffix != ".pdf"]  # no half-written files
    pages = {len(pdf_reader(p).pages) for p in written}
    assert len(pages) == 1  # each one whole
