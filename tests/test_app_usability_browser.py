"""The app on a phone, a tablet and a desktop, in a real browser: no dead ends on the module page
(a half-typed date is explained, "Download PDF" stays in reach, the preview is one tap away),
a search that forgives spelling, and axe-core finding no accessibility violation on any page, in
English and Spanish, wide and narrow. With --screenshots ('make screenshots'), every page at each
width is saved in output/screenshots/ for review.

axe-core ships in tests/vendor/axe-core (MPL-2.0, its licence beside it); it is added to each
page by the test, with the app's script policy set aside for that alone."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from .helpers import shot
from .test_app_browser import server, until  # noqa: F401 (the app, a fixture)

pytestmark = pytest.mark.usefixtures("thumbnails")  # made before the first app starts

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PAGES = (
    "/",
    "/module/journey",
    "/packets",
    "/practice",
    "/answers",
    "/clients",
    "/module/no-such-module",
)
WIDTHS = {"desktop": 1280, "tablet": 820, "zoomed": 640, "phone": 390}  # zoomed: 1280 at 200 %
AXE_WIDTHS = (WIDTHS["desktop"], WIDTHS["phone"])  # the widest and the narrowest layout


def base_of(server) -> str:  # noqa: F811
    return re.match(r"http://[^/]+", server[0]).group(0)


@pytest.fixture
def opened(browser, server):  # noqa: F811
    """A page of the app in a fresh browser tab, at a width chosen by calling it."""
    contexts = []

    def open_at(width: int = 1280, language: str = "en"):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, accept_downloads=True, bypass_csp=True
        )
        contexts.append(context)
        tab = context.new_page()
        tab.goto(server[0])
        if language != "en":
            tab.get_by_role("button", name={"es": "Español"}[language]).click()
            tab.wait_for_load_state()
        return tab

    yield open_at
    for context in contexts:
        context.close()


# --- the module page: no dead ends --------------------------------------------------------------


def test_an_incomplete_date_is_explained_and_never_a_silent_download(opened, server):  # noqa: F811
    tab = opened()
    tab.goto(base_of(server) + "/module/where-am-i")
    date = tab.get_by_label("Date")
    assert date.input_value() == dt.date.today().isoformat()  # today, ready to print
    tab.evaluate("document.querySelector('#date').value = ''")
    date.click()
    tab.keyboard.type("11")  # the month, and nothing else
    message = "Finish the date (month, day and year), or clear it."
    tab.locator("#date-live-error", has_text=message).wait_for()
    tab.locator("[data-preview-status]", has_text=message).wait_for()
    downloads = []
    tab.on("download", lambda download: downloads.append(download))
    tab.get_by_role("button", name="Download PDF").click()
    tab.wait_for_timeout(500)
    assert downloads == []
    assert tab.evaluate("document.activeElement.id") == "date"
    tab.get_by_role("button", name="Today").click()
    assert date.input_value() == dt.date.today().isoformat()
    tab.locator("[data-preview-status]", has_text="where-am-i.pdf").wait_for()
    assert tab.locator("#date-live-error").count() == 0


def in_view(tab, selector: str) -> bool:
    return tab.evaluate(
        f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
        ".getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight && r.height > 0; })()"
    )


@pytest.mark.parametrize("width", [WIDTHS[k] for k in ("desktop", "tablet", "phone")])
def test_download_stays_in_reach_and_the_preview_is_a_tap_away(opened, server, width):  # noqa: F811
    tab = opened(width)
    tab.goto(base_of(server) + "/module/journey")
    tab.get_by_label("Client").fill("Sam")
    tab.locator("[data-preview-status]", has_text="journey-sam.pdf").wait_for()
    assert in_view(tab, ".build button[type=submit]")
    tab.evaluate("document.querySelector('details.also').open = true")
    tab.evaluate("window.scrollTo(0, document.querySelector('.build').offsetTop + 300)")
    assert in_view(tab, ".build button[type=submit]")  # it followed the form down
    show = tab.get_by_role("link", name="Show preview")
    assert show.is_visible() == (width < 1120)  # only where the preview is below the form
    if width < 1120:
        tab.evaluate("window.scrollTo(0, 0)")
        show.click()
        assert in_view(tab, "#preview-heading")
        assert in_view(tab, ".build button[type=submit]")  # still there, at the foot
    shot(tab, f"module-reach-{width}px")


def test_the_language_of_the_handout_keeps_what_was_typed(opened, server):  # noqa: F811
    tab = opened()
    tab.goto(base_of(server) + "/module/where-am-i")
    tab.get_by_label("Client").fill("Zoë")
    tab.get_by_label("Handout language").select_option("es")
    tab.locator("[data-preview-status]", has_text="where-am-i-zoe.pdf").wait_for()
    assert tab.get_by_label("Client").input_value() == "Zoë"
    assert tab.evaluate("document.documentElement.lang") == "en"  # the app stays in English
    with tab.expect_download() as download:
        tab.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == "where-am-i-zoe.pdf"


def test_the_language_switch_is_buttons_that_arrow_keys_do_not_fire(opened):
    tab = opened()
    english = tab.get_by_role("button", name="English")
    assert english.get_attribute("aria-pressed") == "true"
    english.focus()
    tab.keyboard.press("ArrowDown")
    tab.keyboard.press("ArrowRight")
    tab.wait_for_timeout(300)
    assert tab.evaluate("document.documentElement.lang") == "en"
    tab.get_by_role("button", name="Español").click()
    tab.get_by_role("heading", name="Biblioteca").wait_for()


# --- search -----------------------------------------------------------------------------------


def visible_cards(tab) -> int:
    return tab.evaluate("document.querySelectorAll('.card:not([hidden])').length")


def test_search_forgives_spelling_and_suggests_topics(opened):
    tab = opened()
    tab.get_by_label("Search").fill("codependent")
    until(tab, "document.querySelectorAll('.card:not([hidden])').length < 15")
    found = tab.locator(".card:not([hidden]) h2").all_inner_texts()
    assert "A codependency self-check" in found
    tab.get_by_label("Search").fill("bondaries")
    tab.get_by_text("Nothing matches.").wait_for()
    tab.locator("[data-gallery-suggest] button", has_text="boundaries").click()
    until(tab, "document.querySelectorAll('.card:not([hidden])').length > 0")
    assert tab.get_by_label("Topic").input_value() == "boundaries"
    shot(tab, "library-search")


# --- every page, wide and narrow, in both languages: screenshots and axe-core --------------------


def axe_violations(tab) -> list[str]:
    """What axe-core finds wrong on the page (WCAG 2.x A and AA), one line per rule; axe-core
    is added to the page the first time."""
    if not tab.evaluate("typeof axe !== 'undefined'"):
        tab.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = tab.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}, "
        "resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => `${v.id}: ${v.nodes.length} (${v.nodes[0].target})`))"
    )
    return found


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_has_no_accessibility_violation(opened, server, language):  # noqa: F811
    """Each page opened once, then laid out wide, as a tablet, at 200 % zoom and narrow, as a
    window resized or a phone turned lays it out again: at every width, nothing wider than the
    window; wide and narrow, axe-core's rules too."""
    tab = opened(WIDTHS["desktop"], language)
    problems = {}
    for path in PAGES:
        tab.goto(base_of(server) + path)
        if path.startswith("/module/journey"):
            tab.locator(".preview img").first.wait_for()
        name = path.strip("/").replace("/", "-") or "library"
        for width in WIDTHS.values():
            tab.set_viewport_size({"width": width, "height": 900})
            assert tab.evaluate("innerWidth") == width
            shot(tab, f"{name}-{language}-{width}px")
            overflow = tab.evaluate("document.documentElement.scrollWidth - innerWidth")
            found = [f"{overflow}px wider than the window"] if overflow > 0 else []
            found += axe_violations(tab) if width in AXE_WIDTHS else []
            if found:
                problems[f"{path} at {width} px"] = found
    assert problems == {}


def test_the_focus_ring_stands_out_on_the_header(opened):
    tab = opened()
    link = tab.get_by_role("link", name="Packets")
    link.focus()
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")  # focus by keyboard: the ring shows
    ring, header = tab.evaluate(
        "[getComputedStyle(document.activeElement).outlineColor,"
        " getComputedStyle(document.querySelector('.top')).backgroundColor]"
    )
    assert contrast(ring, header) >= 3, (ring, header)


def contrast(first: str, second: str) -> float:
    def luminance(colour: str) -> float:
        red, green, blue = (int(n) / 255 for n in re.findall(r"\d+", colour)[:3])
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
