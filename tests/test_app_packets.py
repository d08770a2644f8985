"""The Packets page: what is in each packet, section headings, and a packet made from modules
ticked in the library, saved where the command line reads it and built by it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from generator.app import Settings, create_app
from tests.helpers import flat, pdf_pages_text

BASE = "http://127.0.0.1:5123"
ORIGIN = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}


def browser_for(settings):
    browser = create_app(settings).test_client()
    assert browser.get(f"/?token={settings.token}", base_url=BASE).status_code == 303
    return browser


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


@pytest.fixture
def plain(home):
    """The app started without --content."""
    made = Settings(practice_file=home / "practice.yaml", port=5123, warm_up=False)
    yield browser_for(made)
    made.clean_up()


@pytest.fixture
def with_content(home):
    """The app started with --content DIR."""
    (home / "mine").mkdir()
    made = Settings((home / "mine",), home / "practice.yaml", port=5123, warm_up=False)
    yield browser_for(made)
    made.clean_up()


def csrf(client) -> str:
    page = client.get("/", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)


def make(client, **fields):
    data = {"csrf": csrf(client), **fields}
    return client.post("/packets/new", base_url=BASE, data=data, headers=ORIGIN)


def test_the_packets_page_lists_each_packets_sessions_and_modules(plain):
    page = plain.get("/packets", base_url=BASE).get_data(as_text=True)
    assert '<h2 id="build-heading">Build a packet</h2>' in page
    assert '<h2 id="list-heading">What is in each packet</h2>' in page
    couples = page[page.index("<summary>Leaning on each other</summary>") :]
    couples = couples[: couples.index("</details>")]
    assert couples.count("<h3>") == 3  # its three sessions
    assert couples.count("<li>") == 5  # its five modules, by title
    assert "<li>Leaning on each other as a couple</li>" in couples


def test_a_packet_made_in_the_app_is_saved_in_the_content_folder_and_the_cli_builds_it(
    with_content, home
):
    library = with_content.get("/", base_url=BASE).get_data(as_text=True)
    assert 'name="modules" value="journey" form="make-packet"' in library
    answer = make(
        with_content,
        title="Our spring group: week by week",
        sessions="2",
        modules=["journey", "where-am-i", "asking-for-help-log"],
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/packets?made=our-spring-group-week-by-week")
    saved = home / "mine" / "packets" / "our-spring-group-week-by-week.yaml"
    text = saved.read_text(encoding="utf-8")
    assert "title: 'Our spring group: week by week'" in text
    assert "- title: Session 1\n  modules:\n  - journey\n  - where-am-i\n" in text
    page = with_content.get(answer.headers["Location"], base_url=BASE).get_data(as_text=True)
    assert "Saved as" in page and "our-spring-group-week-by-week.yaml" in page
    assert '<option value="our-spring-group-week-by-week" data-sessions="2" selected>' in page
    command = ["packet", "our-spring-group-week-by-week", "--content", str(home / "mine")]
    built = subprocess.run(
        [sys.executable, "-m", "generator", *command, "--out", str(home / "out.pdf")],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    assert "Our spring group: week by week" in flat(pdf_pages_text(home / "out.pdf")[0])


def test_without_a_content_folder_it_goes_to_the_user_folder_and_the_app_builds_it(plain, home):
    answer = make(plain, title="Just one", modules=["journey"])
    assert answer.status_code == 303
    saved = home / "config" / "handouts" / "packets" / "just-one.yaml"
    assert saved.is_file()
    again = make(plain, title="Just one", modules=["where-am-i"])
    assert again.headers["Location"].endswith("made=just-one-2")  # never over another
    data = {"csrf": csrf(plain), "packet": "just-one", "client": "Ana"}
    pdf = plain.post("/packets/download", base_url=BASE, data=data, headers=ORIGIN)
    assert pdf.status_code == 200, pdf.get_data(as_text=True)[:2000]
    assert pdf.headers["Content-Disposition"] == 'attachment; filename="just-one-ana.pdf"'
    built = subprocess.run(
        [sys.executable, "-m", "generator", "packet", str(saved), "--out", str(home / "o.pdf")],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "A", "modules": []}, "Tick at least one module for the packet"),
        ({"title": " ", "modules": ["journey"]}, "Title: give the packet a title"),
        ({"title": "A", "modules": ["journey"], "sessions": "²"}, "Sessions: a whole number"),
        ({"title": "A", "modules": ["journey"], "sessions": "2"}, "from 1 to 1"),
        ({"title": "A", "modules": ["../../etc/passwd"]}, "not in the library any more"),
        ({"title": "A\u0007", "modules": ["journey"]}, "Title: expected plain text"),
    ],
)
def test_a_packet_that_cannot_be_made_says_why_and_writes_nothing(plain, home, fields, message):
    answer = make(plain, **fields)
    assert answer.status_code == 400
    assert message in answer.get_data(as_text=True)
    assert not (home / "config" / "handouts" / "packets").exists()
