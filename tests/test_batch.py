"""Roster batches: the render-once-and-stamp fast path gives each participant exactly the packet
a build of their own would; bad rows never stop good ones; a stopped run leaves only whole PDFs."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import ImageChops

import generator.core.output as output_module
import generator.packets.pool as batch_module
from generator.api import PacketOrder, page_images, prepare_packet
from generator.core.options import Options
from generator.core.output import LOCK, remove_partial
from generator.core.pdf import forget_fonts, render_pdf
from generator.core.profiles import load_practice, make_personal
from generator.core.resources import CONTENT_DIR
from generator.packets.participants import make_participant
from generator.packets.pool import Stamper, build_roster
from generator.packets.roster import read_roster
from generator.packets.stamp import participant_view
from tests.helpers import build_packet, pdf_reader

# A short packet with what a stamp must get right: a cover with the participant's details, a
# name line and form fields on a worksheet, a module printed without names, Notes pages (duplex).
PACKET = "short"
SHORT_PACKET = """\
title: A short workshop
options: {duplex: true}
anonymous: [group-feedback]
sessions:
  - title: Where I am
    modules: [where-am-i]
  - title: Looking back
    modules: [group-feedback]
"""
ROSTER = (
    "Name;Pronouns;Group;Note\n"
    "Zoë Ñúñez;she/her;Tuesday;Glad you are here. Bring a pen.\n"
    "李小龙;;Wednesday;\n"
    "Alexandra Konstantinopoulou-Featherstonehaugh;they/them;;\n"
    ";x;;\n"
)


@pytest.fixture(scope="module")
def short(tmp_path_factory) -> Path:
    """A content folder holding the short packet."""
    folder = tmp_path_factory.mktemp("short")
    (folder / "packets").mkdir()
    (folder / "packets" / f"{PACKET}.yaml").write_text(SHORT_PACKET, encoding="utf-8")
    return folder


def job(content: Path, **options):
    personal = make_personal(practice=load_practice(CONTENT_DIR / "practice.example.yaml"))
    return prepare_packet(PacketOrder(PACKET, content=[content]), personal, Options(**options))


@pytest.fixture(scope="module")
def batch(tmp_path_factory, short):
    folder = tmp_path_factory.mktemp("batch")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    roster = read_roster(folder / "roster.csv")
    the_job = job(short, fillable=True)
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


def test_a_name_too_long_for_its_place_or_the_font_is_a_bad_row(tmp_path, short):
    roster_file = tmp_path / "r.csv"
    roster_file.write_text("name\nAna\n" + "W" * 80 + "\nSmile 😀\n", encoding="utf-8")
    result = build_roster(job(short), read_roster(roster_file), tmp_path / "out", workers=1)
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


def test_a_stamp_from_style_sheets_read_once_is_the_same_pdf(tmp_path):
    """The fast path (style sheets parsed once per worker) against a plain render: same bytes."""
    the_job = prepare_packet("couples", options=Options(large_print=True, fillable=True))
    stamper = Stamper(batch_module._plan(the_job, tmp_path))
    participant, _ = make_participant({"name": "Zoë Ñúñez", "group": "Tue", "note": "Hi"})
    view, _ = participant_view(participant, the_job.options)
    document = stamper._stamps(view)
    plain = replace(the_job.options, fillable=False)  # stamps have no form fields
    expected = render_pdf(document, the_job.roots, True, plain, tagged=False).data
    assert stamper.press.render(document) == expected


def test_workers_remove_their_temporary_files_even_when_recycled(tmp_path, monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(batch_module, "RECYCLE", 1)  # a fresh worker for every participant
    roster_file = tmp_path / "r.csv"
    roster_file.write_text("name\n" + "\n".join(f"P{n}" for n in range(6)) + "\n")
    font_folders = []

    def progress(_):
        while True:  # a worker may remove its folder while the folders are counted: count again
            try:
                font_folders.append(len(list(temp.glob("*/*/weasyprint-*"))))
                return
            except FileNotFoundError:
                continue

    the_job = prepare_packet("couples")
    result = build_roster(the_job, read_roster(roster_file), tmp_path / "out", 2, progress=progress)
    assert len(result.written) == 6
    assert max(font_folders) <= 4  # two workers, two more ending: each removes its own
    forget_fonts()  # what this process does at exit, for its own font folder
    assert list(temp.iterdir()) == []


def roster_command(tmp_path: Path, people: int, out: str, *args: str) -> list[str]:
    """'handouts packet' for the short packet and a roster of this many people."""
    rows = "\n".join(f"Person {n}" for n in range(people))
    (tmp_path / "roster.csv").write_text(f"name\n{rows}\n", encoding="utf-8")
    packets = tmp_path / "content" / "packets"
    packets.mkdir(parents=True, exist_ok=True)
    (packets / f"{PACKET}.yaml").write_text(SHORT_PACKET, encoding="utf-8")
    command = [sys.executable, "-m", "generator", "packet", PACKET, "--roster", "roster.csv"]
    return [*command, "--content", "content", "--out", out, *args]


def private_temp(tmp_path: Path) -> dict[str, str]:
    """The environment of a run whose temporary folder is a fresh one, to look into after."""
    (tmp_path / "temp").mkdir()
    return {**os.environ, "TMPDIR": str(tmp_path / "temp")}


def assert_report_matches_disk(out: Path, stopped: bool) -> str:
    """report.txt lists exactly the participants' PDFs in the folder, and nothing else is left:
    no half-written file, no lock."""
    report = (out / "report.txt").read_text(encoding="utf-8")
    listed = re.findall(r"^\d+ +(\S+\.pdf)$", report, re.MULTILINE)
    own = sorted(p.name for p in out.glob("*.pdf") if p.name != "all-participants.pdf")
    assert sorted(listed) == own
    assert ("Stopped before the end" in report) == stopped
    assert ("Print job: all-participants.pdf" in report) == (out / "all-participants.pdf").exists()
    assert [p.name for p in out.iterdir() if p.suffix != ".pdf"] == ["report.txt"]
    return report


def test_an_interrupted_run_leaves_only_complete_pdfs_and_a_true_report(tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        roster_command(tmp_path, 200, str(out), "--workers", "2"),
        cwd=tmp_path,
        env=private_temp(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for(lambda: list(out.glob("person-*.pdf")), process)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    process.wait(timeout=60)
    assert process.returncode != 0
    written = sorted(out.glob("person-*.pdf"))
    assert written and len(written) < 200
    pages = {len(pdf_reader(p).pages) for p in written}
    assert len(pages) == 1  # each one whole
    assert_report_matches_disk(out, stopped=True)
    assert list((tmp_path / "temp").iterdir()) == []


def wait_for(condition, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    """...while the first goes on; then the first is terminated (SIGTERM to it alone, as
    'kill' does) and cleans up: its workers stopped, nothing in the temp folder, a true report."""
    env = private_temp(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.txt").write_text("Built: 99 of 99 (an earlier run's)\n")
    first = subprocess.Popen(
        roster_command(tmp_path, 400, "out", "--workers", "2"),
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for(lambda: (tmp_path / "out" / LOCK).exists(), first)
    second = subprocess.run(
        roster_command(tmp_path, 400, "out"), cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert second.returncode == 1
    assert "Error: output folder 'out' is in use by another roster run" in second.stderr
    assert first.poll() is None  # the first run goes on, its files untouched
    wait_for(lambda: list((tmp_path / "out").glob("person-*.pdf")), first)
    first.terminate()
    first.wait(timeout=60)
    assert first.returncode != 0
    assert_report_matches_disk(tmp_path / "out", stopped=True)
    assert list((tmp_path / "temp").iterdir()) == []


def test_a_finished_run_leaves_nothing_in_the_temp_folder(tmp_path):
    done = subprocess.run(
        roster_command(tmp_path, 3, "out", "--workers", "2"),
        cwd=tmp_path,
        env=private_temp(tmp_path),
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    report = assert_report_matches_disk(tmp_path / "out", stopped=False)
    assert "Built: 3 of 3 participants" in report
    assert list((tmp_path / "temp").iterdir()) == []


# Runs a roster with a limit on the size of any file written (RLIMIT_FSIZE): writing past it
# fails with EFBIG, 'File too large', as a full disk fails a write with ENOSPC. The fonts are
# read first, as WeasyPrint copies them to the temp folder, and they are larger.
FULL_DISK = """
import resource, sys
from pathlib import Path
from generator.api import PacketOrder, build_packet, prepare_packet
from generator.packets.pool import build_roster
from generator.packets.roster import read_roster
order = PacketOrder("short", content=[sys.argv[1]])
the_job = prepare_packet(order)
build_packet(order).write(Path("warm"))
for out, limit in zip(sys.argv[2::2], sys.argv[3::2]):
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), resource.RLIM_INFINITY))
    build_roster(the_job, read_roster(Path("roster.csv")), Path(out), workers=1)
"""


def test_a_full_disk_leaves_a_report_that_lists_each_row(tmp_path, short):
    names = [f"P{n}" for n in range(10)]  # rows 2 to 11
    roster = "name\n" + "\n".join(names) + "\n\n" + "W" * 81 + "\n"  # row 13: too long
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    for out in ("fits", "full"):
        (tmp_path / out).mkdir()
        (tmp_path / out / "all-participants.pdf").write_bytes(b"%PDF- an earlier run's")
    order = PacketOrder(PACKET, content=[short])
    shared = build_packet(prepare_packet(order), None, tmp_path).paths[0].stat().st_size
    # A participant's own PDF is the shared one and a few kB (65 and 71 kB); the print file for
    # ten is far larger (127 kB).
    limits = {"fits": shared + 30_000, "full": shared // 2}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            FULL_DISK,
            short,
            *(str(x) for pair in limits.items() for x in pair),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert done.returncode == 0, done.stderr
    for out in limits:
        report = assert_report_matches_disk(tmp_path / out, stopped=False)
        assert "all-participants.pdf not written: File too large" in report
        assert "row 13: name: expected at most 80 characters, got 81" in report
    fits = (tmp_path / "fits" / "report.txt").read_text(encoding="utf-8")
    assert "Built: 10 of 11 participants" in fits
    assert len(list((tmp_path / "fits").glob("p*.pdf"))) == 10
    full = (tmp_path / "full" / "report.txt").read_text(encoding="utf-8")
    assert "Built: 0 of 11 participants" in full
    for line in range(2, 12):
        assert f"row {line}: could not be written: File too large" in full
    assert list((tmp_path / "full").glob("*.pdf")) == []


def test_a_run_removes_only_its_own_or_dead_runs_leftovers(tmp_path):
    dead = tmp_path / ".a.pdf.999999999.x1y2.part"  # a process id nobody has
    alive = tmp_path / f".b.pdf.{os.getpid()}-c0ffee.x1y2.part"  # a run going on
    dead.write_bytes(b"")
    alive.write_bytes(b"")
    assert remove_partial(tmp_path) == 1
    assert not dead.exists() and alive.exists()
    assert remove_partial(tmp_path, f"{os.getpid()}-c0ffee") == 1
    assert not alive.exists()


def test_closing_the_terminal_stops_a_run_as_ctrl_c_does(tmp_path):
    """A closed terminal sends SIGHUP to every process of the run: the run stops, leaving only
    whole PDFs, a report true to the disk, no lock and nothing in the temp folder."""
    out = tmp_path / "out"
    process = subprocess.Popen(
        roster_command(tmp_path, 200, str(out), "--workers", "2"),
        cwd=tmp_path,
        env=private_temp(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for(lambda: list(out.glob("person-*.pdf")), process)
    os.killpg(process.pid, signal.SIGHUP)
    process.wait(timeout=60)
    assert process.returncode != 0
    written = sorted(out.glob("person-*.pdf"))
    assert written and len(written) < 200
    assert_report_matches_disk(out, stopped=True)
    assert list((tmp_path / "temp").iterdir()) == []


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_a_lock_left_by_a_killed_run_is_taken_over_with_a_notice(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / LOCK).write_text(str(dead_pid()))
    done = subprocess.run(
        roster_command(tmp_path, 2, "out", "--workers", "1"),
        cwd=tmp_path,
        env=private_temp(tmp_path),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"notice: took over '{os.path.join('out', LOCK)}', left by a roster run" in done.stderr
    assert_report_matches_disk(tmp_path / "out", stopped=False)


def test_too_little_free_disk_stops_before_the_first_file(tmp_path, short, monkeypatch):
    roster_file = tmp_path / "r.csv"
    roster_file.write_text("name\nAna\nBo\n,empty\n")
    real = output_module.shutil.disk_usage

    def nearly_full(path):
        return real(path)._replace(free=5_000_000)

    monkeypatch.setattr(output_module.shutil, "disk_usage", nearly_full)
    planned = []
    with pytest.raises(output_module.NoSpace) as caught:
        build_roster(
            job(short), read_roster(roster_file), tmp_path / "out", 1, planned=planned.append
        )
    assert "not enough free disk space in" in caught.value.message
    assert "MB and 5 MB are free; free some space or choose another folder" in caught.value.message
    assert planned == [2]  # the rows that can be built
    assert list((tmp_path / "out").iterdir()) == []


def test_formula_names_never_start_a_line_or_a_file_name(tmp_path, short):
    """A roster is often opened in a spreadsheet after the run, with report.txt beside it: a
    name such as '=HYPERLINK(...)' must not reach either as a formula."""
    roster_file = tmp_path / "r.csv"
    names = ['=HYPERLINK("http://x")', "+1+2", "-3", "@SUM(A1)", "\t=cmd"]
    roster_file.write_text("name\n" + "\n".join(f'"{n}"' if "," in n else n for n in names))
    result = build_roster(job(short), read_roster(roster_file), tmp_path / "out", 1)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert not [name for name in written if name[0] in "=+-@\t"]
    report = (tmp_path / "out" / "report.txt").read_text(encoding="utf-8")
    assert not [line for line in report.splitlines() if line[:1] in ("=", "+", "-", "@", "\t")]
    assert len(result.written) + len(result.bad) == len(names)


def test_max_rows_refuses_a_longer_roster_before_anything_is_written(tmp_path):
    refused = subprocess.run(
        roster_command(tmp_path, 3, "out", "--max-rows", "2"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "roster.csv: the roster has more than 2 rows; split it" in refused.stderr
    assert not (tmp_path / "out").exists()
