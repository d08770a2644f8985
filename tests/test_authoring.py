"""Authoring: a new module passes the checks as written; the live preview answers on loopback,
follows saves and shows errors; the catalog shows every module with its thumbnail."""

from __future__ import annotations

import time
import urllib.request
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from generator.build import check_library
from generator.catalog import build_catalog
from generator.content import load_library
from generator.errors import HandoutError
from generator.preview import Preview, serve, stop_serving
from generator.scaffold import new_module
from tests.conftest import flat, pdf_pages_text

COMPONENTS = (
    "lines", "box", "checklist", "scale", "journey-map", "network-map", "table", "log",
)  # fmt: skip


@pytest.mark.parametrize("kind", ["worksheet", "handout"])
def test_a_new_module_passes_check_as_written(tmp_path, kind):
    path = new_module("my-first", kind, tmp_path / "mine")
    text = path.read_text(encoding="utf-8")
    assert f"kind: {kind}" in text
    assert all(f"::: {name}" in text for name in COMPONENTS)
    reports = [r for r in check_library([tmp_path / "mine"]) if r.source.endswith("my-first.md")]
    (report,) = reports
    assert report.problems == () and report.pages >= 1 and report.grade <= 8


def test_new_refuses_to_overwrite_and_checks_the_id(tmp_path, run):
    assert run("new", "my-sheet", "--kind", "worksheet").exit_code == 0
    again = run("new", "my-sheet", "--kind", "worksheet")
    assert again.exit_code == 1
    assert "my-modules/my-sheet.md already exists" in again.output
    bad = run("new", "My Sheet", "--kind", "worksheet")
    assert "ID: expected lowercase words joined by hyphens" in bad.output


def get(port: int, path: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read()


def wait_for_version_after(port: int, version: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        now = int(get(port, "/version")[1])
        if now > version:
            return now
        time.sleep(0.05)
    pytest.fail("the preview did not render again after the save")


@pytest.fixture
def preview(tmp_path):
    path = new_module("live", "worksheet", tmp_path / "mine")
    shown = Preview("live", [tmp_path / "mine"], say=lambda message: None)
    server, stop = serve(shown, 0)
    yield path, server.server_address[1]
    stop_serving(server, stop)


def test_the_preview_answers_on_loopback_with_every_page(preview):
    _, port = preview
    status, page = get(port, "/")
    assert status == 200
    assert b'<img src="/page/1.png' in page and b'<img src="/page/2.png' in page
    status, image = get(port, "/page/1.png")
    assert status == 200 and image.startswith(b"\x89PNG")


def test_the_preview_renders_again_after_a_save_and_recovers_from_errors(preview):
    path, port = preview
    version = int(get(port, "/version")[1])
    before = get(port, "/page/1.png")[1]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('title: "Live"', 'title: "A new title"'), encoding="utf-8")
    version = wait_for_version_after(port, version)
    assert get(port, "/page/1.png")[1] != before
    assert b"error" not in get(port, "/")[1].split(b"<body>")[1].split(b"<main>")[0]

    path.write_text(text.replace("::: lines 3", "::: lnes 3"), encoding="utf-8")  # broken save
    version = wait_for_version_after(port, version)
    page = get(port, "/")[1].decode()
    assert 'class="error"' in page
    assert "live.md: line" in page and "lnes" in page
    assert "Showing the last version that rendered." in page

    path.write_text(text, encoding="utf-8")  # fixed again
    wait_for_version_after(port, version)
    page = get(port, "/")[1].decode()
    assert 'class="error"' not in page and '<img src="/page/1.png' in page


def test_the_catalog_lists_every_module_with_its_thumbnail(tmp_path):
    mine = tmp_path / "mine"
    new_module("my-own", "worksheet", mine)
    made = build_catalog(tmp_path / "catalog", [mine])
    modules = load_library([mine]).modules
    assert made.count == len(modules) >= 23
    html = made.html.read_text(encoding="utf-8")
    text = flat(" ".join(pdf_pages_text(made.pdf)))
    for module in modules.values():
        assert f'src="thumbnails/{module.id}.png"' in html
        thumb = made.html.parent / "thumbnails" / f"{module.id}.png"
        assert thumb.read_bytes().startswith(b"\x89PNG")
        assert flat(module.title) in text.replace("- ", "-")
    assert "yours" in html and "grade" in html
    document = pdfium.PdfDocument(str(made.pdf))
    kinds = [obj.type for page in document for obj in page.get_objects()]
    assert kinds.count(pdfium_c.FPDF_PAGEOBJ_IMAGE) == made.count  # one thumbnail each


def test_preview_of_an_unknown_module_names_it(tmp_path):
    from generator.preview import where

    with pytest.raises(HandoutError, match="unknown module 'nope'"):
        where("nope", [])
    assert where("journey", []) == "content/modules/journey.md"
    assert isinstance(Path(where("journey", [])), Path)
