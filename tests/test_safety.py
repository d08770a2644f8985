"""Clinical safety on real PDFs of the whole library: page-1 crisis and safety lines (first, at
body size), key points, described pictures, clinician notes kept off client pages, words for group
members, no 'maturity', and the discreet edition."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pikepdf
import pytest

from generator.api import Person
from generator.core.components import Component
from generator.core.content import SAFETY_TOPICS, load_library
from generator.core.options import Options
from generator.core.profiles import make_personal
from generator.core.validate import check_module
from tests.helpers import (
    PRACTICE,
    build_handout,
    flat,
    pdf_outline,
    pdf_pages_text,
    pdf_reader,
    pdf_runs,
)

FEAR_NOTE = "If someone frightens you"
# The pages that describe pleasing, checking moods, giving in, couples work or limits: each must
# carry the note for a reader who is afraid of someone.
NEEDS_FEAR_NOTE = {
    "attachment-styles",
    "growth-anxious-attachment",
    "codependency-self-check",
    "codependency-vs-interdependence",
    "couples-emotional-interdependence",
    "shared-goals-planner",
    "trust-tracker",
    "what-i-offer-what-i-need",
    "needs-and-boundaries",
}


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture(scope="module")
def first_pages(library, library_pdf):
    """The text of page 1 of every built-in module, in the library built for a client with the
    practice's own lines (each module starts where its bookmark points)."""
    path = library_pdf()
    pages = pdf_pages_text(path)
    by_title = {module.title: module_id for module_id, module in library.modules.items()}
    starts = {by_title[mark.title]: mark.page for mark in pdf_outline(path) if mark.level == 0}
    assert sorted(starts) == sorted(library.modules)
    return {module_id: flat(pages[start]) for module_id, start in starts.items()}


def test_page_one_of_every_module_says_where_to_turn_in_a_crisis(first_pages):
    missing = [m for m, text in first_pages.items() if PRACTICE.crisis_line not in text]
    assert missing == []


def test_the_fear_note_and_safety_line_are_on_page_one_where_the_topics_call_for_them(
    library, first_pages
):
    noted = {m for m, text in first_pages.items() if FEAR_NOTE in text}
    with_line = {m for m, text in first_pages.items() if PRACTICE.safety_line in text}
    by_topic = {m for m, module in library.modules.items() if SAFETY_TOPICS & set(module.topics)}
    assert noted == with_line == by_topic
    assert noted >= NEEDS_FEAR_NOTE


def test_without_a_safety_line_the_note_points_to_help_anywhere(tmp_path):
    built = build_handout(["codependency-self-check"], out=tmp_path)
    page = flat(pdf_pages_text(built.paths[0])[0])
    assert FEAR_NOTE in page
    assert "domestic violence service" in page
    assert "call your local emergency number" in page


def test_every_handout_opens_with_key_points(library, first_pages):
    handouts = [m for m, module in library.modules.items() if module.kind == "handout"]
    assert handouts
    assert [m for m in handouts if "KEY POINTS" not in first_pages[m].upper()] == []
    for module_id in handouts:
        checked, _ = check_module(library.modules[module_id], library.roots)
        (points,) = [s for s in checked.segments if _named(s, "key-points")]
        assert 3 <= len(points.items) <= 4, module_id


def test_every_handout_has_a_picture_with_a_description(library, fillable):
    for module_id, module in library.modules.items():
        if module.kind != "handout":
            continue
        checked, _ = check_module(module, library.roots)
        images = [alt for alt in re.findall(r'<img [^>]*alt="([^"]*)"', checked.body.html) if alt]
        drawings = [s for s in checked.segments if _named(s, "journey-map", "network-map")]
        assert images or drawings, module_id
        assert _described_figures(fillable[module_id]), module_id  # its own PDF


def test_clinician_notes_are_there_and_never_printed(library, first_pages, run):
    for module_id, module in library.modules.items():
        notes = module.clinician
        assert notes and notes.purpose and notes.not_for and notes.cautions, module_id
        assert notes.purpose not in first_pages[module_id], module_id
    shown = run("show", "journey").output
    assert library.modules["journey"].clinician.cautions in flat(shown)


def test_modules_speak_to_group_members_too(library):
    only_therapist = re.compile(r"your therapist(?! or (?:your )?group leader)", re.IGNORECASE)
    found = {m: only_therapist.findall(module.body) for m, module in library.modules.items()}
    assert {m: hits for m, hits in found.items() if hits} == {}


def test_the_donne_quote_lives_in_one_module(library):
    quoting = [m for m, module in library.modules.items() if "entire of itself" in module.body]
    assert quoting == ["secure-base-and-webs"]


def test_init_explains_the_safety_line(run, tmp_path):
    assert run("init").exit_code == 0
    profile = (tmp_path / "practice.yaml").read_text(encoding="utf-8")
    assert "safety_line:" in profile
    assert "domestic and family violence service" in profile


def _named(segment, *names: str) -> bool:
    return isinstance(segment, Component) and segment.name in names


def _described_figures(path) -> list[str]:
    """The descriptions (/Alt) of every Figure in the PDF's structure tree."""
    found = []
    with pikepdf.open(path) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure" and str(node.get("/Alt", "")).strip():
                    found.append(str(node.Alt))
                kids = node.get("/K")
                stack += list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return found


def test_page_one_says_the_crisis_line_first_then_names_fear_and_control(library, first_pages):
    noted = [m for m, module in library.modules.items() if module.safety_note]
    assert noted
    for module_id in noted:
        text = first_pages[module_id]
        assert text.index(PRACTICE.crisis_line) < text.index(FEAR_NOTE), module_id
        assert "checking your phone, controlling your money or deciding who you see" in text


def test_the_safety_text_prints_at_body_size(tmp_path):
    """Font sizes read from the PDF: the crisis line and the fear note on page 1 are set at the
    size most of the page's text is set at (11 pt), never smaller."""
    personal = make_personal(practice=PRACTICE)
    built = build_handout(["attachment-styles"], personal, tmp_path)
    first = pdf_runs(built.paths[0])[0]
    sizes = Counter()
    for run in first.runs:
        sizes[run.points] += len(run.text.strip())
    body = sizes.most_common(1)[0][0]
    assert body == 11.0
    crisis = {r.points for r in first.runs if "Harbour crisis team" in r.text}
    fear = {r.points for r in first.runs if "giving in or watching" in r.text}
    assert crisis == {body} and fear == {body}


def test_no_client_page_speaks_of_maturity(library_pdf):
    text = flat(" ".join(pdf_pages_text(library_pdf()))).lower()
    assert "dependence" in text
    assert "maturity" not in text and "immature" not in text
    for language, word in (("en", "matur"), ("es", "madur")):
        for module in load_library(language=language).modules.values():
            printed = [module.title, module.subtitle, module.body]
            printed += [s.short_author for s in module.sources]
            assert word not in " ".join(printed).lower(), (language, module.id)


def test_burden_and_not_belonging_point_to_the_crisis_line(library):
    for module_id in ("going-it-alone-reflection", "cost-of-going-it-alone"):
        body = flat(library.modules[module_id].body)
        assert "better off without you" in body and "crisis line" in body, module_id


DISCREET_IDS = ["relationship-safety", "journey"]


@pytest.fixture(scope="module")
def discreet(tmp_path_factory):
    out = tmp_path_factory.mktemp("discreet")
    personal = make_personal(Person(client="Jordan Quill"), practice=PRACTICE)
    return build_handout(DISCREET_IDS, personal, out, options=Options(discreet=True))


def test_the_discreet_edition_names_no_one_and_no_topic(library, discreet):
    assert [path.name for path in discreet.paths] == ["notes-1.pdf", "notes-2.pdf"]
    for path, module_id in zip(discreet.paths, DISCREET_IDS, strict=True):
        title = library.modules[module_id].title
        text = flat(" ".join(pdf_pages_text(path)))
        meta = str(dict(pdf_reader(path).metadata))
        for secret in ("Jordan", "Quill", title, PRACTICE.name, PRACTICE.therapist):
            assert secret not in text and secret not in meta, (module_id, secret)
        assert pdf_reader(path).metadata.title == "My notes"
        assert "My notes" in text and PRACTICE.crisis_line in text


def test_the_discreet_edition_keeps_numbers_in_place_of_the_violence_line(discreet, tmp_path):
    page = flat(pdf_pages_text(discreet.paths[0])[0])
    assert "Numbers to keep:" in page and PRACTICE.safety_line not in page
    own = replace(PRACTICE, discreet_line="Numbers to keep: 555-0188 (Dana)")
    built = build_handout(
        ["relationship-safety"],
        make_personal(practice=own),
        tmp_path,
        options=Options(discreet=True),
    )
    assert own.discreet_line in flat(pdf_pages_text(built.paths[0])[0])
