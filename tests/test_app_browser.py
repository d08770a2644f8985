"""The web app in a real browser (Playwright driving the system Chromium), as a new user meets it:
open the printed address, find a module, fill the form, download and check the PDF; save the
practice profile; run a small roster with a bad row; read answers back. With --screenshots ('make
screenshots'), each page is saved in output/screenshots/ for review."""

from __future__ import annotations

import contextlib
import io
import os
import re
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
from tests.helpers import flat, pdf_pages_text, shot

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.usefixtures("thumbnails")  # made before the first app starts


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
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()  # never left running after the test
        process.communicate()
        raise AssertionError(f"the app did not stop within 30 s of signal {how}") from None
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
    """Many pictures asked for at once, and six connections kept open that go on asking (as
    a browser's do), then Ctrl-C while they are on their way: the app stops at once, the
    terminal shows the address and 'Stopped.', and nothing on stderr (no queue notes, no
    tracebacks). A connection that asks after the stop began must not keep the app waiting."""
    import http.client

    process, url = start_app(tmp_path)
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    page = opener.open(url, timeout=30).read().decode()  # the key becomes a cookie
    base = re.match(r"http://[^/]+", url).group(0)
    pictures = [base + src for src in re.findall(r'<img [^>]*src="(/[^"]+)"', page)]
    assert len(pictures) > 20
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)
    stopped = threading.Event()

    def fetch(address):
        with contextlib.suppress(OSError):
            opener.open(address, timeout=30).read()

    def keep_asking(first: int):
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        with contextlib.suppress(OSError, http.client.HTTPException):
            for address in pictures[first:] * 10:
                if stopped.is_set():
                    break
                connection.request("GET", address.removeprefix(base), headers={"Cookie": cookie})
                connection.getresponse().read()
        connection.close()

    # 80 requests at once, whatever the library's size: under waitress's limit of 100 open
    # connections (a browser opens at most six to one host; only this test opens so many).
    loading = [threading.Thread(target=fetch, args=(p,)) for p in pictures[:20] * 4]
    loading += [threading.Thread(target=keep_asking, args=(n,)) for n in range(6)]
    for thread in loading:
        thread.start()
    time.sleep(0.1)
    assert stop_app(process, tmp_path, signal.SIGINT) == ""
    stopped.set()
    for thread in loading:
        thread.join()


def written_bytes(pid: int) -> int:
    """What a process has written so far (files and sockets), from Linux's /proc."""
    io_lines = Path(f"/proc/{pid}/io").read_text().splitlines()
    return int(next(line for line in io_lines if line.startswith("wchar:")).split()[1])


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux's /proc")
def test_a_huge_upload_without_the_key_is_refused_before_it_is_read(tmp_path):
    """A 400 MB POST from anyone who can reach the port: refused from its Content-Length at
    once, nothing of it spooled to disk (waitress would otherwise buffer it all first)."""
    import socket

    process, url = start_app(tmp_path)
    port = int(re.search(r":(\d+)/", url).group(1))
    before = written_bytes(process.pid)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        head = f"POST /answers HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        raw.sendall(f"{head}Content-Length: {400 * 1024 * 1024}\r\n\r\n".encode())
        with contextlib.suppress(OSError):  # the app may close before all of this is sent
            raw.sendall(b"x" * 2_000_000)
        answer = raw.recv(200).decode("latin-1")
    assert answer.startswith("HTTP/1.1 413"), answer
    assert written_bytes(process.pid) - before < 100_000  # the answer, not 2 MB of body
    stop_app(process, tmp_path)


def test_two_launches_on_two_ports_both_work_in_one_browser(browser, server, tmp_path):
    """Two apps started one after the other (two terminals, two ports): logging in to the
    second does not log the first out."""
    process, second = start_app(tmp_path)
    context = browser.new_context()
    page = context.new_page()
    try:
        for url in (server[0], second):
            assert page.goto(url).status == 200
        for url in (server[0], second):
            base = re.match(r"http://[^/]+", url).group(0)
            assert page.goto(base + "/practice").status == 200
            page.get_by_role("heading", name="Practice", exact=True).wait_for()
            page.get_by_role("button", name="Save").click()  # a form post with its token
            assert "expired" not in page.content() and "Refused" not in page.content()
    finally:
        context.close()
        stop_app(process, tmp_path)


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


def test_a_new_user_finds_a_module_fills_it_in_and_downloads_it(page, tmp_path):
    assert "?token" not in page.url  # the key was swapped for a cookie and left the address
    until(
        page,
        "[...document.images].filter(i => i.getBoundingClientRect().top < innerHeight)"
        ".every(i => i.complete && i.naturalWidth > 0)",
    )
    shot(page, "library")
    page.get_by_label("Search").fill("pit stop")
    until(page, "document.querySelectorAll('.card:not([hidden])').length === 1")
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
    page.get_by_text("Saved. Your next handouts use these details.").wait_for()
    saved = api.practice(server[1] / "config" / "handouts" / "practice.yaml")
    assert (saved.name, saved.brand_color) == ("Harbour Therapy", "#2a4d69")


def test_a_failed_practice_save_keeps_the_logo_chosen_and_focuses_the_problems(
    page, server, tmp_path
):
    """A new logo and a colour that is not one: nothing is saved, the list of problems at the top
    has the focus and leads to the field, the logo is still chosen, and the next save keeps it."""
    from PIL import Image

    logo = tmp_path / "harbour-logo.png"
    Image.new("RGB", (240, 80), "#2a4d69").save(logo)
    profile = server[1] / "config" / "handouts" / "practice.yaml"
    page.get_by_role("link", name="Practice", exact=True).click()
    page.get_by_label("Practice name").fill("Harbour Therapy")
    page.get_by_label("Logo", exact=True).set_input_files(logo)
    page.get_by_label("Brand colour").fill("purple")
    before = profile.read_bytes() if profile.exists() else None
    page.get_by_role("button", name="Save").click()
    page.locator("#error-summary").wait_for()
    assert (profile.read_bytes() if profile.exists() else None) == before
    until(page, "document.activeElement.id === 'error-summary'", 10)
    until(page, "document.querySelector('.logo-now img').naturalWidth === 240")
    shot(page, "practice-error")
    page.get_by_role("link", name=re.compile("^Brand colour: Expected a colour")).click()
    assert page.evaluate("document.activeElement.id") == "brand_color"
    page.locator("#brand_color-picker").fill("#5a1e1e")  # the picker types the colour it shows
    assert page.get_by_label("Brand colour").input_value() == "#5a1e1e"
    page.get_by_label("Brand colour").fill("#24606a")  # and shows the colour typed
    assert page.locator("#brand_color-picker").input_value() == "#24606a"
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved. Your next handouts use these details.").wait_for()
    saved = api.practice(profile)
    assert saved.logo.read_bytes() == logo.read_bytes() and saved.brand_color == "#24606a"
    until(page, "document.querySelector('img[src=\"/practice/logo\"]').naturalWidth === 240")
    assert page.get_by_label("Remove the logo").is_visible()
    shot(page, "practice")


def test_the_practice_page_and_its_problems_fit_a_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(server[0])
    phone.goto(re.match(r"http://[^/]+", server[0]).group(0) + "/practice")
    phone.get_by_label("Brand colour").fill("#ffdd55")
    phone.get_by_role("button", name="Save").click()
    phone.locator("#error-summary").wait_for()
    until(phone, "document.activeElement.id === 'error-summary'", 10)
    assert "has 1.33:1" in phone.locator("#brand_color-error").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    shot(phone, "practice-error-390px")
    context.close()


def test_a_roster_with_a_bad_row_builds_the_good_ones(page, server, tmp_path):
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
    # Sent in full by the real server: the roster and its packets leave the disk.
    for _ in range(40):
        if not list(server[1].glob("handouts-app-*/job-*")):
            break
        page.wait_for_timeout(250)
    assert list(server[1].glob("handouts-app-*/job-*")) == []


def test_answers_come_back_as_a_table(page, tmp_path):
    """Three files chosen at once: two returned forms (one named in Polish and Japanese) and one
    that is no PDF; a table and a CSV for each form, the bad one named as the user named it."""
    returned = tmp_path / "returned.pdf"
    returned.write_bytes(api.build(["where-am-i"], options=api.Options(fillable=True))[0].data)
    other = tmp_path / "Łukasz ñ 日本.pdf"
    other.write_bytes(returned.read_bytes())
    broken = tmp_path / "notes; week 2.pdf"
    broken.write_bytes(b"not a pdf")
    page.get_by_role("link", name="Answers", exact=True).click()
    page.get_by_label("Returned files").set_input_files([returned, broken, other])
    page.get_by_role("button", name="Read answers").click()
    rows = page.locator("table.answers tbody tr")
    rows.first.wait_for(timeout=60_000)  # the click posts the form; the tables are on the next page
    assert page.locator("table.answers").count() == 2 and rows.count() > 10
    assert page.get_by_role("heading", name="Łukasz ñ 日本.pdf").is_visible()
    assert "notes; week 2.pdf: is not a PDF file" in page.get_by_role("alert").inner_text()
    shot(page, "answers")
    buttons = page.get_by_role("button", name="Download CSV")
    names = []
    for index in (0, 1, 1):  # the second file twice: still there after its first download
        with page.expect_download() as download:
            buttons.nth(index).click()
        names.append(download.value.suggested_filename)
    assert names == ["returned-answers.csv", *["Łukasz ñ 日本-answers.csv"] * 2]


def test_open_shows_a_pdf_in_a_new_tab(page):
    page.get_by_role("link", name=re.compile("Where am I")).first.click()
    page.get_by_label("Client").fill("Ana")
    answers = []
    page.context.on("response", lambda answer: answers.append(answer))
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Open the PDF in a new tab").click()
    until(opened.value, "true")
    pdf = [a for a in answers if a.request.method == "POST" and "/download" in a.url]
    for _ in range(120):
        if pdf:
            break
        page.wait_for_timeout(250)
        pdf = [a for a in answers if a.request.method == "POST" and "/download" in a.url]
    assert pdf[0].status == 200 and pdf[0].headers["content-type"] == "application/pdf"
    assert pdf[0].headers["content-disposition"] == 'inline; filename="where-am-i-ana.pdf"'
    assert page.url.endswith("/module/where-am-i")  # the form stays as it was, beside the PDF
    opened.value.close()


def test_the_language_switch_turns_the_app_and_its_downloads_to_spanish(page, tmp_path):
    page.get_by_role("button", name="Español").click()
    page.get_by_role("heading", name="Biblioteca").wait_for()
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_label("Buscar").fill("parada")
    # The search's answer, not the first count of every module: cards still moving up as the
    # others are hidden would take the click meant for the link.
    until(
        page, "document.querySelector('[data-gallery-count]').textContent.startsWith('Se muestran')"
    )
    until(page, "document.querySelector('.gallery .card[hidden]') !== null")
    page.get_by_role("link", name="La independencia es una parada, no la meta").click()
    page.get_by_label("Cliente").fill("Zoë Ñúñez")
    page.get_by_label("Fecha").fill("2026-11-23")
    page.get_by_label("Idioma de la hoja").select_option("es+en")
    page.locator("[data-preview-status]", has_text="journey-zoe-nunez.pdf").wait_for()
    shot(page, "module-es")
    with page.expect_download() as download:
        page.get_by_role("button", name="Descargar PDF").click()
    path = tmp_path / "journey.pdf"
    download.value.save_as(path)
    first = flat(pdf_pages_text(path)[0])
    assert "Nombre / Name: Zoë Ñúñez" in first and "23 de noviembre de 2026" in first
    assert "Independence is a pit stop, not the finish line" in first
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", name="Independence is a pit stop, not the finish line").wait_for()


def near(page, first: str, second: str, gap: float = 120) -> bool:
    """Whether the second element starts right below the first, and both are in view."""
    a, b = page.locator(first).bounding_box(), page.locator(second).bounding_box()
    assert 0 <= b["y"] - (a["y"] + a["height"]) <= gap and b["y"] + b["height"] <= 901, (a, b)
    return True


@pytest.mark.parametrize("width", [1280, 390])
def test_roster_feedback_shows_by_the_button_and_cancel_removes_the_job(
    browser, server, tmp_path, width
):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(server[0])
    page.get_by_role("link", name="Packets", exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Sample roster (CSV)").click()
    assert download.value.suggested_filename == "sample-roster.csv"
    sample = Path(download.value.path()).read_text(encoding="utf-8")
    assert sample.startswith("name,pronouns,group,note")
    headless = tmp_path / "no-header.csv"
    headless.write_text("Secret Person,Tuesday\n", encoding="utf-8")
    page.get_by_label("Roster (CSV)").set_input_files(headless)
    build = page.get_by_role("button", name="Build packets")
    build.click()
    note = page.locator("[data-roster-note]")
    note.filter(has_text="the header row is missing").wait_for()
    assert "Secret" not in note.inner_text() and "handouts-app" not in note.inner_text()
    assert near(page, "[data-build-roster]", "[data-roster-note]")
    shot(page, f"packets-roster-error-{width}px")
    many = tmp_path / "many.csv"
    many.write_text("name\n" + "".join(f"Person {n}\n" for n in range(400)), encoding="utf-8")
    page.get_by_label("Roster (CSV)").set_input_files(many)
    build.click()
    note.filter(has_text="Building packets").wait_for(timeout=60_000)
    assert near(page, "[data-build-roster]", "[data-roster-note]")
    assert page.locator("[data-job]").is_visible()
    shot(page, f"packets-roster-running-{width}px")
    page.get_by_role("button", name="Cancel").click()
    note.filter(has_text="Cancelled").wait_for()
    jobs_left = [p for p in server[1].glob("handouts-app-*/job-*")]
    assert jobs_left == []
    context.close()


def test_a_packet_made_from_ticked_modules_then_downloaded_with_a_busy_button(page, server):
    page.get_by_label("Add Independence is a pit stop, not the finish line to a new packet").check()
    page.get_by_label("Add Where am I on the journey? to a new packet").check()
    page.get_by_label("Title", exact=True).fill("Two steps")
    page.get_by_label("Sessions").fill("2")
    shot(page.locator("#make-packet"), "library-make-packet")
    with page.expect_navigation(timeout=60_000):
        page.get_by_role("button", name="Save packet").click()
    page.locator(".saved", has_text="two-steps.yaml").wait_for()
    assert (server[1] / "config" / "handouts" / "packets" / "two-steps.yaml").is_file()
    assert page.get_by_label("Packet", exact=True).input_value() == "two-steps"
    page.get_by_text("Two steps", exact=True).click()  # its contents open
    page.get_by_role("heading", name="Session 2").wait_for()
    shot(page, "packets")
    button = page.get_by_role("button", name="Download PDF")
    with page.expect_download() as download:
        button.click()
        page.get_by_role("button", name="Building…").wait_for()
        assert page.get_by_role("button", name="Building…").is_disabled()
    assert download.value.suggested_filename == "two-steps.pdf"
    button.wait_for()
    assert button.is_enabled()
