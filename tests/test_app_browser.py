"""The web app in a real browser (Playwright driving the system Chromium), as a new user meets it:
open the printed address, find a module, fill the form, download and check the PDF; save the
practice profile; run a small roster with a bad row; read answers back. Screenshots of each page
go to output/screenshots/ for review."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from generator import api

from .conftest import flat, pdf_pages_text

SHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"
playwright = pytest.importorskip("playwright.sync_api")


def chromium() -> str | None:
    """Debian's Chromium (Playwright's own browser download cannot be reached here)."""
    given = os.environ.get("HANDOUTS_CHROMIUM")
    return given or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser():
    path = chromium()
    if path is None:
        message = "no Chromium: install it (Debian: apt-get install chromium); make test does"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield launched
        launched.close()


def start_app(home: Path) -> tuple[subprocess.Popen, str]:
    """'handouts app' as a user starts it, with its config and temporary files in 'home'; the
    process and the address it printed."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(home / "config"), "TMPDIR": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "app", "--no-browser"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=home,
    )  # fmt: skip
    line = process.stdout.readline()
    url = re.search(r"Open (http://127\.0\.0\.1:\d+/\?token=\S+)", line)
    assert url, line + process.stderr.read()
    return process, url.group(1)


def stop_app(process: subprocess.Popen, home: Path, how=signal.SIGTERM) -> str:
    """Stop the app; it says so, exits cleanly and leaves nothing behind in its temporary
    folder ('home'). What it printed to stderr."""
    process.send_signal(how)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Stopped." in out and "Traceback" not in err
    assert [p.name for p in home.iterdir() if p.name != "config"] == []  # nor font copies
    return err


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app, as a user starts it; yields the address it printed and its config folder."""
    home = tmp_path_factory.mktemp("app-home")
    process, url = start_app(home)
    yield url, home
    stop_app(process, home)


def test_ctrl_c_while_pages_load_stops_quietly(tmp_path):
    """Many pictures asked for at once, then Ctrl-C while they are on their way: the terminal
    shows the address and 'Stopped.', and nothing on stderr (no queue notes, no tracebacks)."""
    process, url = start_app(tmp_path)
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    page = opener.open(url, timeout=30).read().decode()  # the key becomes a cookie
    base = re.match(r"http://[^/]+", url).group(0)
    pictures = [base + src for src in re.findall(r'<img [^>]*src="(/[^"]+)"', page)]
    assert len(pictures) > 20

    def fetch(address):
        with contextlib.suppress(OSError):
            opener.open(address, timeout=30).read()

    # 80 requests at once, whatever the library's size: under waitress's limit of 100 open
    # connections (a browser opens at most six to one host; only this test opens so many).
    loading = [threading.Thread(target=fetch, args=(p,)) for p in pictures[:20] * 4]
    for thread in loading:
        thread.start()
    time.sleep(0.1)
    assert stop_app(process, tmp_path, signal.SIGINT) == ""
    for thread in loading:
        thread.join()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.goto(server[0])
    yield opened
    context.close()


def until(page, condition: str, seconds: float = 60) -> None:
    """Wait until a condition holds in the page (checked from outside: the app's own policy
    forbids evaluating strings, so wait_for_function cannot be used)."""
    for _ in range(int(seconds * 4)):
        if page.evaluate(condition):
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"still not true after {seconds} s: {condition}")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def test_a_new_user_finds_a_module_fills_it_in_and_downloads_it(page, tmp_path):
    assert "?token" not in page.url  # the key was swapped for a cookie and left the address
    until(
        page,
        "[...document.images].filter(i => i.getBoundingClientRect().top < innerHeight)"
        ".every(i => i.complete && i.naturalWidth > 0)",
    )
    shot(page, "library")
    page.get_by_label("Search").fill("pit stop")
    assert page.locator(".card:visible").count() == 1
    page.get_by_role("link", name="Independence is a pit stop, not the finish line").click()
    page.get_by_label("Client").fill("Zoë Ñúñez")
    page.get_by_label("Date").fill("2026-11-23")
    page.get_by_label("Session").fill("4")
    page.get_by_label("Note").fill("Ask one person for help each day.")
    page.get_by_label("Large print").check()
    page.locator("[data-preview-status]", has_text="journey-zoe-nunez.pdf").wait_for()  # fmt: skip
    shot(page, "module")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == "journey-zoe-nunez.pdf"
    path = tmp_path / "journey.pdf"
    download.value.save_as(path)
    first = flat(pdf_pages_text(path)[0])
    assert "Zoë Ñúñez" in first and "November 23, 2026" in first


def test_a_mistake_is_shown_next_to_its_field(page):
    page.goto(re.match(r"http://[^/]+", page.url).group(0) + "/module/where-am-i")
    page.get_by_label("Session").fill("0")
    error = page.locator(".field-error")
    error.wait_for()
    assert error.inner_text().startswith("Expected a session number")
    assert page.get_by_label("Session").get_attribute("aria-invalid") == "true"


def test_keyboard_alone_reaches_the_form(page):
    page.goto(re.match(r"http://[^/]+", page.url).group(0) + "/module/where-am-i")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "client":
            break
    assert page.evaluate("document.activeElement.id") == "client"
    page.keyboard.type("Sam")
    assert page.get_by_label("Client").input_value() == "Sam"


@pytest.mark.parametrize("width", [390, 640])  # a phone, and 1280 px at 200 % zoom
def test_pages_fit_a_narrow_window(browser, server, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    narrow = context.new_page()
    narrow.goto(server[0])
    base = re.match(r"http://[^/]+", server[0]).group(0)
    for path in ("/", "/module/journey", "/packets", "/practice", "/answers"):
        narrow.goto(base + path)
        overflow = narrow.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (path, overflow)
    shot(narrow, f"module-{width}px")
    context.close()


def test_the_practice_form_saves_the_profile(page, server):
    page.get_by_role("link", name="Practice", exact=True).click()
    page.get_by_label("Practice name").fill("Harbour Therapy")
    page.get_by_label("Crisis line").fill("In a crisis, call or text 988.")
    page.get_by_label("Safety line").fill("Family Safety Line: 555-0123.")
    page.get_by_label("Brand colour").fill("not a colour")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#brand_color-error").inner_text().startswith("Expected a colour")
    page.get_by_label("Brand colour").fill("#2a4d69")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved to").wait_for()
    shot(page, "practice")
    saved = api.practice(server[1] / "config" / "handouts" / "practice.yaml")
    assert (saved.name, saved.brand_color) == ("Harbour Therapy", "#2a4d69")


def test_a_roster_with_a_bad_row_builds_the_good_ones(page, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,group\nAna Díaz,Tue\n,Tue\nSam Lee,Tue\n", encoding="utf-8")
    page.get_by_role("link", name="Packets", exact=True).click()
    page.get_by_label("Packet", exact=True).select_option("couples")
    page.get_by_label("Roster (CSV)").set_input_files(roster)
    page.get_by_role("button", name="Build packets").click()
    page.get_by_text("2 packet(s) built").wait_for(timeout=120_000)
    bad = page.locator(".bad li").all_inner_texts()
    assert bad == ["row 3: name: expected a name, got nothing"]
    shot(page, "packets")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download all", exact=True).click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = sorted(archive.namelist())
    assert names == ["all-participants.pdf", "ana-diaz.pdf", "report.txt", "sam-lee.pdf"]
    assert "row 3" in archive.read("report.txt").decode() and "Ana" not in bad[0]
    assert "Ana Díaz" in flat(pdf_pages_text(archive.read("ana-diaz.pdf"))[0])


def test_answers_come_back_as_a_table(page, tmp_path):
    returned = tmp_path / "returned.pdf"
    returned.write_bytes(api.build(["where-am-i"], options=api.Options(fillable=True))[0].data)
    page.get_by_role("link", name="Answers", exact=True).click()
    page.get_by_label("Returned PDF").set_input_files(returned)
    page.get_by_role("button", name="Read answers").click()
    rows = page.locator("table.answers tbody tr")
    rows.first.wait_for(timeout=60_000)  # the click posts the form; the table is on the next page
    assert rows.count() > 5
    shot(page, "answers")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename == "returned-answers.csv"


def test_the_language_switch_turns_the_app_and_its_downloads_to_spanish(page, tmp_path):
    page.get_by_label("Language").select_option("es")  # the page's script sends the choice
    page.get_by_role("heading", name="Biblioteca").wait_for()
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_label("Buscar").fill("parada")
    until(
        page, "document.querySelector('[data-gallery-count]').textContent.startsWith('Se muestran')"
    )
    page.get_by_role("link", name="La independencia es una parada, no la meta").click()
    page.get_by_label("Cliente").fill("Zoë Ñúñez")
    page.get_by_label("Fecha").fill("2026-11-23")
    page.get_by_label("Con el inglés al lado").check()
    page.locator("[data-preview-status]", has_text="journey-zoe-nunez.pdf").wait_for()
    shot(page, "module-es")
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar PDF").click()
    path = tmp_path / "journey.pdf"
    download.value.save_as(path)
    first = flat(pdf_pages_text(path)[0])
    assert "Nombre / Name: Zoë Ñúñez" in first and "23 de noviembre de 2026" in first
    assert "Independence is a pit stop, not the finish line" in first
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("heading", name="Independence is a pit stop, not the finish line").wait_for()
