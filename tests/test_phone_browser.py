"""Phone copies in a real browser with a phone's screen: answers kept across a reload, sent as
a locked file, and read back word for word by 'handouts answers'; no request leaves the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import api
from generator.core.options import Options

from .helpers import shot
from .phone_support import config  # noqa: F401 (the fixture, used by every test here)

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.usefixtures("config")
PHONE = dict(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
WORDS = "Zoë's café ☕ 🙂 — שלום עולם and مرحبا\nsecond line"


def _copy(tmp_path: Path, language: str = "en", module: str = "where-am-i") -> Path:
    api.new_practice_key()
    who = api.person(api.Person(client="Zoë", date="2026-12-06"))
    (copy,) = api.build_phone([module], who, Options(language=language))
    return copy.write(tmp_path)


class Phone:
    """A page on a phone-sized screen that notes every request and every error."""

    def __init__(self, browser, path: Path, **extra):
        self.context = browser.new_context(**PHONE, accept_downloads=True, **extra)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)
        self.url = path.as_uri()
        self.page.goto(self.url)

    def _route(self, route):
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def _console(self, message):
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    def outside(self) -> list[str]:
        """Requests for anything but the copy itself (and the answers file it made)."""
        return [u for u in self.requests if u != self.url and not u.startswith("blob:")]

    def close(self):
        self.context.close()


def _reopen(page) -> None:
    """Load the copy again, as a client who comes back to it. A page's writes to its storage
    reach the browser's own copy a moment later (Chromium sends them to another process); a
    reload within milliseconds, which no client makes, may come first on a busy machine."""
    page.wait_for_timeout(300)
    page.reload()


def _fill(page, module: str = "where-am-i"):
    page.locator(f'textarea[name="{module}.lines.3"]').fill(WORDS)
    page.locator(f'input[name="{module}.scale.5"][value="7"]').check()
    page.locator(f'input[name="{module}.checklist.11.2"]').check()
    stop = page.locator(f'input[name="{module}.journey-map.1"]').nth(4)  # the pit stop
    stop.check()
    return stop.get_attribute("value")


def _send(page, button: str, folder: Path) -> Path:
    with page.expect_download() as waiting:
        page.get_by_role("button", name=button).click()
    download = waiting.value
    assert download.suggested_filename.startswith("answers-")
    assert download.suggested_filename.endswith(".txt")
    target = folder / download.suggested_filename
    download.save_as(target)
    return target


def _read_back(run, path: Path) -> dict:
    result = run("answers", path)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    return {a["field"]: a["value"] for a in found["answers"]} | {"@": found}


@pytest.mark.parametrize(
    ("language", "send", "saved"),
    [
        ("en", "Send to my therapist", "Your answers file is saved in your downloads."),
        ("es", "Enviar a mi terapeuta", "Su archivo de respuestas está en sus descargas."),
    ],
)
def test_answers_are_kept_sent_and_read_back(browser, run, tmp_path, language, send, saved):
    phone = Phone(browser, _copy(tmp_path, language))
    page = phone.page
    stop = _fill(page)
    _reopen(page)
    assert page.locator('textarea[name="where-am-i.lines.3"]').input_value() == WORDS
    assert page.locator('input[name="where-am-i.scale.5"][value="7"]').is_checked()
    assert page.locator('input[name="where-am-i.checklist.11.2"]').is_checked()
    shot(page, f"phone-copy-{language}", full_page=False)
    sent = _send(page, send, tmp_path)
    assert saved in page.locator("#status").inner_text()
    values = _read_back(run, sent)
    assert values["where-am-i.lines.3"] == WORDS
    assert values["where-am-i.scale.5"] == "7"
    assert values["where-am-i.scale.7"] is None
    assert values["where-am-i.checklist.11.2"] is True
    assert values["where-am-i.checklist.11.1"] is False
    pit_stop = {"en": "Independence (the pit stop)", "es": stop}[language]
    assert values["where-am-i.journey-map.1"] == stop == pit_stop
    assert values["@"]["module"] == "where-am-i" and values["@"]["language"] == language
    assert phone.outside() == [] and phone.errors == []
    phone.close()


def test_clearing_removes_the_answers_from_the_phone(browser, tmp_path):
    phone = Phone(browser, _copy(tmp_path))
    page = phone.page
    _fill(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Clear my answers").click()
    _reopen(page)
    assert page.locator('textarea[name="where-am-i.lines.3"]').input_value() == ""
    assert not page.locator('input[name="where-am-i.scale.5"][value="7"]').is_checked()
    assert not page.locator('input[name="where-am-i.checklist.11.2"]').is_checked()
    assert "cleared" not in page.locator("#status").inner_text()  # a new page says nothing
    phone.close()


def test_larger_text_and_controls_fit_a_phone(browser, tmp_path):
    phone = Phone(browser, _copy(tmp_path))
    page = phone.page
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('main p, main label, textarea')]"
        ".filter(e => e.offsetParent).map(e => parseFloat(getComputedStyle(e).fontSize))"
    )
    assert min(sizes) >= 16
    small = page.evaluate(
        "() => [...document.querySelectorAll('button, .scale-choice, .tick-row, textarea')]"
        ".filter(e => e.offsetParent).map(e => e.getBoundingClientRect())"
        ".filter(r => r.height < 44 || r.width < 44).length"
    )
    assert small == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # one column, no sideways
    before = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)"
    )
    page.get_by_role("button", name="Larger text").click()
    after = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert after == pytest.approx(before * 1.25)
    _reopen(page)  # the choice is kept
    kept = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p')).fontSize)")
    assert kept == after
    page.get_by_role("button", name="Larger text").click()
    page.get_by_role("button", name="Larger text").click()
    phone.close()


def test_at_200_percent_zoom_nothing_runs_off_the_side(browser, tmp_path):
    """200 % zoom on a 390 px phone lays the page out at 195 CSS pixels."""
    phone = Phone(browser, _copy(tmp_path), device_scale_factor=2)
    page = phone.page
    page.set_viewport_size({"width": 195, "height": 422})
    assert page.evaluate("document.documentElement.scrollWidth") <= 200
    shot(page, "phone-copy-zoom-200", full_page=False)
    phone.close()


def test_dark_mode_and_no_script(browser, tmp_path):
    path = _copy(tmp_path)
    dark = Phone(browser, path, color_scheme="dark")
    background = dark.page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(18, 22, 22)"
    heading = dark.page.evaluate("getComputedStyle(document.querySelector('h1')).color")
    assert heading == "rgb(238, 242, 242)"  # not the brand's dark teal on a dark page
    shot(dark.page, "phone-copy-dark", full_page=False)
    dark.close()
    plain = Phone(browser, path, java_script_enabled=False)
    note = plain.page.locator(".no-script")
    assert note.is_visible()
    assert "To save your answers and send them, open this file in your phone's web browser" in (
        note.inner_text()
    )
    assert not plain.page.get_by_role("button", name="Send to my therapist").is_visible()
    assert plain.page.locator("h1").is_visible()
    plain.close()


SPOKEN = """
window.spoken = [];
window.speechSynthesis.speak = (utterance) => window.spoken.push([utterance.lang, utterance.text]);
"""


def test_read_aloud_reads_the_page_and_each_question_in_its_language(browser, tmp_path):
    phone = Phone(browser, _copy(tmp_path, "es"))
    phone.context.add_init_script(SPOKEN)  # the phone's voice, listened to
    page = phone.page
    page.reload()
    page.get_by_role("button", name="Leer en voz alta").click()
    page.get_by_role("button", name="Leer esto en voz alta").nth(2).click()
    (whole, lang_whole), (one, lang_one) = [(t, lang) for lang, t in page.evaluate("spoken")]
    assert lang_whole == lang_one == "es"
    assert whole.startswith("Si alguien le da miedo:") and "Enviar a mi terapeuta" in whole
    assert one.startswith("¿Me resulta fácil o difícil pedirle ayuda a alguien?"), one
    phone.close()


def test_a_handout_reads_aloud_and_prints(browser, tmp_path):
    phone = Phone(browser, _copy(tmp_path, module="what-is-interdependence"))
    page = phone.page
    assert page.get_by_role("button", name="Read aloud").is_visible()
    assert page.get_by_role("button", name="Print or save as PDF").is_visible()
    assert page.get_by_role("button", name="Send to my therapist").count() == 0
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Read aloud").is_visible()
    assert phone.outside() == [] and phone.errors == []
    phone.close()


@pytest.fixture(scope="module")
def every_copy(tmp_path_factory) -> list[Path]:
    """Every module of the library as a phone copy, written once for the axe-core tests."""
    folder = tmp_path_factory.mktemp("copies")
    with pytest.MonkeyPatch.context() as patch:  # a key of their own, as with the config fixture
        patch.setenv("XDG_CONFIG_HOME", str(folder / "config"))
        api.new_practice_key()
        library = api.library()
        copies = api.build_phone(sorted(library.modules), content=library)
    return [copy.write(folder) for copy in copies]


# A dark screen changes the colours and nothing else: there, the colour rules are what can fail.
AXE_RULES = {"light": None, "dark": {"runOnly": ["color-contrast", "link-in-text-block"]}}


def test_every_phone_copy_passes_axe_in_light_and_dark(browser, every_copy):
    """Each copy opened once, axe-core added once, then run in the light scheme (every rule)
    and in the dark one (the colour rules)."""
    from axe_playwright_python.sync_playwright import Axe

    script = Axe().axe_script
    context = browser.new_context(**PHONE)
    page = context.new_page()
    found = {}
    for path in every_copy:
        page.goto(path.as_uri())
        page.evaluate(script)
        for scheme, rules in AXE_RULES.items():
            page.emulate_media(color_scheme=scheme)
            assert page.evaluate(f"matchMedia('(prefers-color-scheme: {scheme})').matches")
            options = {"resultTypes": ["violations"], **(rules or {})}
            violations = page.evaluate(
                "options => axe.run(document, options).then(r => r.violations.map(v => v.id))",
                options,
            )
            found |= {f"{path.name} ({scheme})": violations} if violations else {}
    context.close()
    assert len(every_copy) > 30 and found == {}


def test_a_ticked_box_is_kept_and_read_back(browser, run, tmp_path):
    module = "codependency-self-check"
    phone = Phone(browser, _copy(tmp_path, "en", module))
    page = phone.page
    page.locator(f'input[name="{module}.checklist.1.2"]').check()
    _reopen(page)
    assert page.locator(f'input[name="{module}.checklist.1.2"]').is_checked()
    values = _read_back(run, _send(page, "Send to my therapist", tmp_path))
    assert values[f"{module}.checklist.1.2"] is True
    assert values[f"{module}.checklist.1.1"] is False
    assert phone.outside() == [] and phone.errors == []
    phone.close()


def _printed_ink(page) -> int:
    """Dark pixels on the printed first page (Chromium's own print, backgrounds left out as a
    phone prints them by default)."""
    import pypdfium2

    image = pypdfium2.PdfDocument(page.pdf(width="390px", height="400px"))[0].render(scale=2)
    grey = image.to_pil().convert("L")
    return sum(grey.histogram()[:100])  # pixels darker than 100 of 255


def test_a_chosen_number_shows_on_the_printed_copy(browser, tmp_path):
    """Printed, the client's choice on a scale is there to see: the chosen number stands out
    from the ones not chosen (its coloured fill is a background, which printing leaves out)."""
    phone = Phone(browser, _copy(tmp_path))
    page = phone.page
    # the first scale alone on the page, as printed (the rest would only add pages)
    page.evaluate("document.body.replaceChildren(document.querySelector('.c-scale'))")
    blank = _printed_ink(page)
    page.locator('input[name="where-am-i.scale.5"][value="7"]').check()
    chosen = _printed_ink(page)
    assert chosen > blank + 2000, (blank, chosen)  # a filled box, not a paler number
    phone.close()


# The size of every piece of text on the page that shows (the drawings' own labels aside).
TEXT_SIZES = """() => { const sizes = {};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.offsetParent || el.closest('svg')) continue;
    sizes[el.className || el.tagName] = parseFloat(getComputedStyle(el).fontSize);
  }
  return sizes; }"""


# What a finger touches that is smaller than 44 px either way (a tick box counts as its row).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    'button, a, .scale-choice, .tick-row, textarea, input[type="text"]')]
  .filter(e => e.offsetParent).filter(e => { const r = e.getBoundingClientRect();
    return r.height < 44 || r.width < 44; }).map(e => e.className || e.tagName)"""


# 195: a 390 px phone at 200 % zoom
WIDTHS = (320, 430, 195)


def test_every_phone_copy_is_one_column_with_16_px_text_and_44_px_targets(browser, every_copy):
    """Each copy opened once and looked at in each width, as a phone turned or zoomed lays
    it out again."""
    context = browser.new_context(**(PHONE | {"viewport": {"width": WIDTHS[0], "height": 800}}))
    page = context.new_page()
    wide, small = {}, {}
    for path in every_copy:
        page.goto(path.as_uri())
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            assert page.evaluate("innerWidth") == width
            where = f"{path.name} at {width} px"
            if (scroll := page.evaluate("document.documentElement.scrollWidth")) > width:
                wide[where] = scroll  # the page would scroll sideways
            sizes = page.evaluate(TEXT_SIZES)
            small |= {f"{where}: {name}": size for name, size in sizes.items() if size < 16}
            targets = page.evaluate(SMALL_TARGETS)
            small |= {f"{where}: {name}": "under 44 px" for name in targets}
    context.close()
    assert wide == {} and small == {}
