"""Authoring: a new module passes the checks as written; the live preview answers on loopback,
follows saves and shows errors; the catalog shows every module with its thumbnail."""

from __future__ import annotations

import http.client
import re
import socket
import struct
import time
import urllib.request

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from generator.authoring.catalog import build_catalog
from generator.authoring.preview import Preview, serve, stop_serving
from generator.authoring.scaffold import new_module
from generator.core.build import check_library
from generator.core.content import load_library
from generator.core.errors import HandoutError
from tests.helpers import flat, pdf_pages_text

COMPONENTS = (
    "lines", "box", "checklist", "scale", "journey-map", "network-map", "table", "log",
)  # fmt: skip


@pytest.mark.parametrize("kind", ["worksheet", "handout"])
def test_a_new_module_passes_check_as_written(tmp_path, kind):
    path = new_module("my-first", kind, tmp_path / "mine")
    text = path.read_text(encoding="utf-8")
    assert f"kind: {kind}" in text
    assert all(f"::: {name}" in text for name in COMPONENTS)
    (report,) = check_library([tmp_path / "mine"], ids=["my-first"])
    assert report.source.endswith("mine/my-first.md")
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


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    """One live preview for the tests below (each leaves the module as it found it)."""
    mine = tmp_path_factory.mktemp("preview") / "mine"
    path = new_module("live", "worksheet", mine)
    shown = Preview("live", [mine], say=lambda message: None)
    server, stop = serve(shown, 0, idle_seconds=1)  # 10 s in use; 1 s keeps the tests quick
    yield path, server.server_address[1]
    stop_serving(server, stop)


def test_the_preview_answers_on_loopback_with_every_page(preview):
    _, port = preview
    status, page = get(port, "/")
    assert status == 200
    assert b'<img src="/page/1.png' in page and b'<img src="/page/2.png' in page
    status, image = get(port, "/page/1.png")
    assert status == 200 and image.startswith(b"\x89PNG")


def status_for_host(port: int, host: str | None) -> int:
    """The status of GET / sent with this Host header (None: with none at all)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", "/", skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_the_preview_answers_only_to_its_own_host_names(preview):
    # A page elsewhere that points its own name at 127.0.0.1 (DNS rebinding) sends its name.
    _, port = preview
    for host in ("127.0.0.1", "localhost", "LocalHost", "[::1]"):
        assert status_for_host(port, f"{host}:{port}") == 200
    wrong = ["evil.example", f"evil.example:{port}", f"localhost.evil.example:{port}"]
    wrong += ["127.0.0.1", f"localhost:{port + 1}", "", None]
    for host in wrong:
        assert status_for_host(port, host) == 400, host


def test_an_idle_connection_is_closed_by_the_preview(preview):
    _, port = preview
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        start = time.monotonic()
        client.sendall(b"GET / HTTP/1.1\r\n")  # half a request, then silence
        assert client.recv(1024) == b""  # closed, without an answer
        assert time.monotonic() - start < 5


def test_a_browser_leaving_mid_download_leaves_no_traceback(preview, capfd):
    _, port = preview
    request = f"GET /page/1.png HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    for _ in range(5):
        client = socket.socket()
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)  # the image cannot fit
        client.connect(("127.0.0.1", port))
        client.sendall(request)
        assert client.recv(64).startswith(b"HTTP/1.0 200")
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()  # a reset, as when a tab is closed mid-download
    time.sleep(0.5)  # let the server's threads meet the closed connections
    assert get(port, "/")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


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
    # Every card gives kind, minutes, pages and grade; only the user's own module says "yours".
    cards = re.findall(r'<p class="kind">\w+ · \d+ min · \d pages? · grade \d+\.\d</p>', html)
    assert len(cards) == made.count
    assert re.findall(r'<p class="meta">(\S+) · <span class="mine">yours', html) == ["my-own"]
    document = pdfium.PdfDocument(str(made.pdf))
    kinds = [obj.type for page in document for obj in page.get_objects()]
    assert kinds.count(pdfium_c.FPDF_PAGEOBJ_IMAGE) == made.count  # one thumbnail each


def test_preview_of_an_unknown_module_names_it(tmp_path):
    from generator.authoring.preview import where

    with pytest.raises(HandoutError, match="unknown module 'nope'"):
        where("nope", [])
    assert where("journey", []) == "content/modules/journey.md"
