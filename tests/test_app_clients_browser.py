"""The Clients page in a real browser (Debian's Chromium through Playwright): unlock, drop
returned PDFs on the import form, open the client, see the alert and the chart. Screenshots go
to output/screenshots/ for review."""

from __future__ import annotations

import os

import pytest

from .helpers import shot
from .progress_fixtures import filled, phq9
from .test_app_browser import start_app, stop_app

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.usefixtures("thumbnails")  # made before the first app starts


@pytest.fixture
def app_url(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    before = os.environ.get("HANDOUTS_RECORD")
    os.environ["HANDOUTS_RECORD"] = str(tmp_path / "record.db")
    try:
        process, url = start_app(home)
    finally:
        if before is None:
            del os.environ["HANDOUTS_RECORD"]
        else:
            os.environ["HANDOUTS_RECORD"] = before
    yield url
    stop_app(process, home)


def drop(page, selector, paths):
    """Drop files on an element as a person would drag them from a folder."""
    payload = [{"name": p.name, "data": list(p.read_bytes())} for p in paths]
    transfer = page.evaluate_handle(
        """(files) => { const t = new DataTransfer();
            for (const f of files) t.items.add(new File([new Uint8Array(f.data)], f.name,
                                                        {type: 'application/pdf'}));
            return t; }""",
        payload,
    )
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_unlock_drop_and_open_a_client(browser, app_url, tmp_path):
    returned = [
        filled(tmp_path, "week1.pdf", "phq-9", {**phq9(19), "date": "2026-10-01"}),
        filled(tmp_path, "week3.pdf", "phq-9", {**phq9(13, item9=1), "date": "2026-10-15"}),
        filled(tmp_path, "week5.pdf", "phq-9", {**phq9(7), "date": "2026-10-29"}),
    ]
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(app_url)
    page.click("nav >> text=Clients")
    page.fill("#passphrase", "a long walk home")
    with page.expect_navigation():
        page.click("button:has-text('Unlock')")
    page.fill("#import-client", "AB-12")
    drop(page, "[data-drop-zone]", returned)
    assert page.inner_text("[data-drop-names]") == "week1.pdf, week3.pdf, week5.pdf"
    with page.expect_navigation():
        page.click("button:has-text('Add')")
    assert "Added 3; already in the record: 0." in page.inner_text("main")
    assert "Several days" in page.inner_text(".alerts")
    shot(page, "clients")
    with page.expect_navigation():
        page.click("button:has-text('Open')")
    assert page.inner_text("h1") == "AB-12"
    assert page.locator("svg.progress-chart").count() == 1
    assert "October 1, 2026" in page.inner_text("main")
    assert "AB-12" not in page.url
    shot(page, "client")
    page.close()


def test_the_answers_page_reads_files_dropped_on_it(browser, app_url, tmp_path, monkeypatch):
    """A phone answers file and a fillable PDF dropped together anywhere on the form (not only
    on its small file field), then read at once."""
    from generator import api

    from .phone_support import answers_file, current_public

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / "config"))  # the app's own
    api.new_practice_key()
    words = "Zoë's café ☕ — שלום"
    answer = {"field": "where-am-i.lines.3", "question": "Why?", "value": words}
    sent = answers_file(tmp_path / "answers-20261206-1000.txt", current_public(), [answer])
    returned = [sent, filled(tmp_path, "week1.pdf", "phq-9", {**phq9(7), "date": "2026-10-01"})]
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.goto(app_url)
    page.click("nav >> text=Answers")
    drop(page, "form[data-drop-zone] .actions", returned)  # beside the button
    assert page.inner_text("[data-drop-names]") == "answers-20261206-1000.txt, week1.pdf"
    with page.expect_navigation():
        page.click("button:has-text('Read answers')")
    headings = page.locator("section.returned h2").all_inner_texts()
    assert headings == ["answers-20261206-1000.txt", "week1.pdf"]
    assert words in page.inner_text("main")
    page.close()
