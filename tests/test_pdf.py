"""Real PDFs from real WeasyPrint: layout, personalization, metadata, determinism, safety."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zlib

import pytest

from generator.api import Person
from generator.core.content import load_library
from generator.core.options import Options
from generator.core.pdf import FetchRefused, LocalFetcher, RenderWarnings, render_pdf
from generator.core.profiles import load_practice, make_personal
from generator.core.render import Document, render_document
from generator.core.resources import CONTENT_DIR, TEMPLATES_DIR
from generator.core.validate import check_modules
from tests.helpers import build_handout, flat, module_text, pdf_pages_text, pdf_reader

LETTER = (612, 792)


@pytest.fixture(scope="module")
def personalized(tmp_path_factory):
    """The three built-in modules, built once for a sample client and practice."""
    out = tmp_path_factory.mktemp("out")
    personal = make_personal(
        Person(
            client="J.D.", date="2026-11-22", session=4, note="Ask one person for help each day"
        ),
        practice=load_practice(CONTENT_DIR / "practice.example.yaml"),
    )
    ids = ["journey", "codependency-vs-interdependence", "where-am-i"]
    built = build_handout(ids, personal, out=out)
    return dict(zip(ids, built.paths, strict=True))


def test_one_pdf_per_module_named_from_id_and_client(personalized):
    assert [p.name for p in personalized.values()] == [
        "journey-jd.pdf",
        "codependency-vs-interdependence-jd.pdf",
        "where-am-i-jd.pdf",
    ]


@pytest.mark.parametrize("module_id", ["journey", "codependency-vs-interdependence", "where-am-i"])
def test_every_page_is_letter_with_header_and_footer(personalized, module_id):
    reader = pdf_reader(personalized[module_id])
    pages = pdf_pages_text(personalized[module_id])
    assert 1 <= len(pages) <= 3
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == LETTER
        assert "Riverside Counseling" in text
        assert f"Page {number} of {len(pages)}" in text
        assert load_library().modules[module_id].title in flat(text)


def test_first_page_carries_name_date_session_and_note(personalized):
    first = flat(pdf_pages_text(personalized["journey"])[0])
    assert "Name: J.D." in first
    assert "Date: November 22, 2026" in first
    assert "Session: 4" in first
    assert "A note for you from Alex Rivera" in first
    assert "Ask one person for help each day" in first


def test_last_page_says_it_supports_therapy_and_credits_sources(personalized):
    last = flat(pdf_pages_text(personalized["journey"])[-1])
    assert (
        "This handout supports your work with your therapist or group leader. "
        "It does not replace it." in last
    )
    assert "call or text 988" in last
    assert "Covey 1989" in last


def test_metadata_has_title_author_subject_language_and_no_paths(personalized):
    path = personalized["where-am-i"]
    reader = pdf_reader(path)
    info = reader.metadata
    module = load_library().modules["where-am-i"]
    assert info.title == module.title
    assert info.author == "Alex Rivera, LMFT · Riverside Counseling"
    assert info.subject == module.summary
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert_no_local_paths(path.read_bytes(), path.parent)


def assert_no_local_paths(data: bytes, *folders):
    """Neither the raw file nor any decompressed stream names a folder of this machine."""
    texts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            texts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    needles = [str(f).encode() for f in (*folders, TEMPLATES_DIR, CONTENT_DIR)] + [b"file:"]
    for text in texts:
        for needle in needles:
            assert needle not in text


def test_without_client_the_name_line_is_blank(tmp_path):
    built = build_handout(["where-am-i"], out=tmp_path)
    assert built.paths[0].name == "where-am-i.pdf"
    first = flat(pdf_pages_text(built.paths[0])[0])
    assert "Name: Date: " in first
    assert "A note for you" not in first


@pytest.mark.parametrize(
    "name", ["<b>x</b>", "{{ 7*7 }}", "José Ñúñez", "Zoë", "李小龍", "Ana-María O'Neil"]
)
def test_client_names_print_literally(tree, tmp_path, name):
    folder = tree({"hello.md": module_text("Welcome, {{ client.name }}.")})
    personal = make_personal(Person(client=name))
    built = build_handout(["hello"], personal, out=tmp_path / "out", content_dirs=[folder])
    text = flat(pdf_pages_text(built.paths[0])[0])
    assert f"Name: {name}" in text
    assert f"Welcome, {name}." in text
    assert "49" not in text


def test_placeholder_without_a_value_becomes_a_line_to_write_on(tree, tmp_path):
    folder = tree(
        {"hello.md": module_text("Dear {{ client.name }}, session {{ session.number }}.")}
    )
    built = build_handout(["hello"], out=tmp_path / "out", content_dirs=[folder])
    text = flat(pdf_pages_text(built.paths[0])[0])
    assert "Dear , session ." in text
    assert "None" not in text


def test_same_inputs_give_identical_bytes(tmp_path, monkeypatch):
    personal = make_personal(Person(client="Zoë", date="2026-11-22"))
    first = build_handout(["where-am-i"], personal, out=tmp_path / "a").paths[0].read_bytes()
    second = build_handout(["where-am-i"], personal, out=tmp_path / "b").paths[0].read_bytes()
    assert first == second
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795305600")
    dated = build_handout(["where-am-i"], personal, out=tmp_path / "c").paths[0]
    assert pdf_reader(dated).metadata["/CreationDate"].startswith("D:20261122")
    assert (
        dated.read_bytes()
        == build_handout(["where-am-i"], personal, out=tmp_path / "d").paths[0].read_bytes()
    )


def test_combined_pdf_holds_every_module_in_order(tmp_path):
    personal = make_personal(Person(client="J.D."))
    built = build_handout(["journey", "where-am-i"], personal, out=tmp_path, combine=True)
    assert [p.name for p in built.paths] == ["handouts-jd.pdf"]
    pages = pdf_pages_text(built.paths[0])
    assert len(pages) == built.pages[0] >= 4
    assert pages[0].count("Independence is a pit stop") >= 1
    assert any("Where am I on the journey?" in flat(p) for p in pages[2:])
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_a4_paper_is_one_option_away(tmp_path):
    built = build_handout(["where-am-i"], out=tmp_path, options=Options(paper="a4"))
    page = pdf_reader(built.paths[0]).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == (595, 842)


# --- the renderer never leaves its folders ---------------------------------------------


def test_fetcher_serves_only_files_under_its_roots(tmp_path):
    fetcher = LocalFetcher([TEMPLATES_DIR])
    assert fetcher.fetch((TEMPLATES_DIR / "style.css").as_uri()).read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/a.css",
        (TEMPLATES_DIR / ".." / ".." / "etc" / "passwd").as_uri(),
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


@pytest.mark.weasyprint_warnings
@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/tracker.png"])
def test_html_that_reaches_outside_fails_in_strict_mode(url):
    html = f'<html lang="en"><title>t</title><p>Hi</p><img src="{url}" alt="x"></html>'
    with pytest.raises(RenderWarnings) as caught:
        render_pdf(Document(html, "Probe", "en"))
    assert f"refused to load '{url}'" in caught.value.message
    lenient = render_pdf(Document(html, "Probe", "en"), strict=False)
    assert any("refused to load" in w for w in lenient.warnings)
    assert b"root:" not in lenient.data


def test_style_sheets_read_once_give_the_same_pdf_as_sheets_read_with_the_page(tmp_path):
    """The house style sheet and the page's own sheet are read once in a process and given to
    every later page; the PDF is byte for byte the one made when the page's sheets are read
    with it (as they are when a sheet is linked some other way)."""
    from generator.core import sheets

    (built,) = build_handout(["needs-and-boundaries"], out=tmp_path / "a").paths
    kept = len(sheets._READ)
    (again,) = build_handout(["needs-and-boundaries"], out=tmp_path / "b").paths
    assert again.read_bytes() == built.read_bytes() and len(sheets._READ) == kept
    document = render_document(
        check_modules(load_library().select(["needs-and-boundaries"]), load_library().roots),
        make_personal(),
    )
    linked_otherwise = document.html.replace(
        '<link rel="stylesheet" href="style.css">', '<link href="style.css" rel="stylesheet">'
    )
    assert linked_otherwise != document.html
    read_with_page = render_pdf(Document(linked_otherwise, document.title, "en"))
    read_once = render_pdf(document)
    assert read_once.data == read_with_page.data


@pytest.mark.weasyprint_warnings
def test_a_style_sheet_that_draws_a_warning_says_so_each_time():
    html = (
        '<html lang="en"><head><title>t</title><style>p { colour: red }</style></head>'
        "<body><p>Hi</p></body></html>"
    )
    for _ in range(2):
        with pytest.raises(RenderWarnings, match="colour"):
            render_pdf(Document(html, "Probe", "en"))


def test_the_cycle_collector_runs_less_often_while_rendering_and_as_before_after(monkeypatch):
    """A layout's many short-lived objects are looked at by the collector after 50,000
    allocations, not 700; the process's own setting is back once the PDF is made, also when
    two threads render at once (one waits for the other)."""
    import gc
    import threading

    from generator.core import pdf
    from generator.core.memory import SPARSE_THRESHOLD

    library = load_library()
    checked = check_modules(library.select(["journey"]), library.roots)
    document = render_document(checked, make_personal(Person()), Options())
    during: list[tuple[int, int, int]] = []

    class Noting(pdf.HTML):
        def render(self, *args, **kwargs):  # the layout, as it starts
            during.append(gc.get_threshold())
            return super().render(*args, **kwargs)

    monkeypatch.setattr(pdf, "HTML", Noting)
    usual = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        made: list[int] = []
        render = lambda: made.append(render_pdf(document).pages)  # noqa: E731
        threads = [threading.Thread(target=render) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        after = gc.get_threshold()
    finally:
        gc.set_threshold(*usual)
    assert made == [2, 2]
    assert len(during) >= 2 and set(during) == {(SPARSE_THRESHOLD, 10, 10)}
    assert after == (700, 10, 10)


def test_what_the_package_and_the_renderer_load_is_set_apart_from_later_collections():
    """A fresh process: while the package and then WeasyPrint load, no collection runs (one is
    allowed around the loading proper, against over a hundred before); what they loaded is
    frozen (later collections skip it); afterwards the collector is on, with the process's own
    setting, and still frees the cycles a program makes."""
    probe = (
        "import gc, json, weakref\n"
        "gc.set_threshold(900, 11, 12)\n"
        "seen = []\n"
        "gc.callbacks.append(lambda phase, info: seen.append(phase))\n"
        "import generator\n"
        "package = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count(), len(seen))\n"
        "import generator.core.render, generator.core.sheets, generator.core.weasy\n"
        "seen.clear()\n"
        "import generator.core.pdf\n"
        "renderer = (gc.isenabled(), gc.get_threshold(), gc.get_freeze_count(), len(seen))\n"
        "class Knot: pass\n"
        "knot = Knot(); knot.me = knot; gone = weakref.ref(knot); del knot\n"
        "gc.collect()\n"
        "print(json.dumps([package, renderer, gone() is None]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    package, renderer, freed = json.loads(done.stdout)
    assert package[:2] == [True, [900, 11, 12]] and package[2] > 10_000 and package[3] <= 2
    assert renderer[:2] == [True, [900, 11, 12]] and renderer[2] > package[2] + 10_000
    assert renderer[3] <= 2  # its own module's lines, around the loading, may make one
    assert freed
