"""The homework site: phone copies of the library served by any static server, an index by
topic, and pages that still open and send answers with the network off once opened."""

from __future__ import annotations

import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import html as lxml_html

from generator import api
from generator.core.topics import topic_name

from .helpers import shot
from .phone_support import config  # noqa: F401 (the fixture, used by every test here)
from .test_phone_browser import PHONE, WORDS

pytestmark = pytest.mark.usefixtures("config")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def site(tmp_path):
    api.new_practice_key()
    out = tmp_path / "site"
    made = api.build_site(out, ["where-am-i", "what-is-interdependence", "trust-tracker"])
    handler = functools.partial(Quiet, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield made, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_the_site_holds_an_index_a_manifest_and_a_worker(site, run):
    made, _ = site
    names = sorted(p.name for p in made.folder.iterdir())
    assert names == [
        "index.html",
        "manifest.webmanifest",
        "sw.js",
        "trust-tracker.html",
        "what-is-interdependence.html",
        "where-am-i.html",
    ]
    index = lxml_html.fromstring((made.folder / "index.html").read_text())
    assert set(index.xpath("//a/@href")) == {n for n in names if n.endswith(".html")} - {
        "index.html"
    }
    shelves = index.xpath("//section[@class='topic']")  # by topic: each under one of its own
    assert len(shelves) > 1 and sum(len(s.xpath(".//a")) for s in shelves) == 3
    modules = api.library().modules
    for shelf in shelves:
        for href in shelf.xpath(".//a/@href"):
            topics = [topic_name(t) for t in modules[href.removesuffix(".html")].topics]
            assert shelf.xpath("string(h2)").lower() in topics, href
    manifest = json.loads((made.folder / "manifest.webmanifest").read_text())
    assert manifest["start_url"] == "./index.html" and manifest["display"] == "standalone"
    page = lxml_html.fromstring((made.folder / "where-am-i.html").read_text())
    (policy,) = page.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy.endswith("; manifest-src 'self'; worker-src 'self'")
    assert page.xpath("//link[@rel='manifest']/@href") == ["manifest.webmanifest"]
    assert page.xpath("//input[@name='where-am-i.name']")  # no client: they may type a name
    changed = run("site", "--out", "again", "--modules", "where-am-i")
    assert changed.exit_code == 0 and "1 phone copies and an index in again/" in changed.output


def test_a_page_opened_once_works_offline_and_sends(browser, site, run, tmp_path):
    _, address = site
    context = browser.new_context(**PHONE, accept_downloads=True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(address + "index.html")
    shot(page, "phone-site-index", full_page=False)
    page.get_by_role("link", name="Where am I on the journey?").click()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.reload()  # now through the worker, which keeps it
    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "Where am I on the journey?"
    page.locator('textarea[name="where-am-i.lines.3"]').fill(WORDS)
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Send to my therapist").click()
    sent = tmp_path / "sent.txt"
    waiting.value.save_as(sent)
    found = json.loads(run("answers", sent).stdout)
    assert {a["field"]: a["value"] for a in found["answers"]}["where-am-i.lines.3"] == WORDS
    assert all(url.startswith((address, "blob:")) for url in requests), requests
    context.close()
