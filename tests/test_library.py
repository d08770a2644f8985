"""The built-in library as a whole: every module checks, renders strictly and fits its pages."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image

from generator.api import Person
from generator.core.content import load_library
from generator.core.options import Options
from generator.core.profiles import make_personal
from generator.core.readability import client_words
from generator.core.validate import check_module
from tests.helpers import A4_INK_SAVER, build_handout, pdf_outline

# Standard print: every handout on two Letter pages, every worksheet too.
PAGES = {"handout": range(1, 3), "worksheet": range(1, 3), "measure": range(1, 3)}
HANDOUT_WORDS = 800  # the most client text a handout holds; history goes to the clinician notes


# What the content brief asks the library to teach, by module id.
HANDOUTS = [
    "journey",
    "what-is-interdependence",
    "codependency-vs-interdependence",
    "attachment-styles",
    "growth-anxious-attachment",
    "growth-avoidant-attachment",
    "independent-vs-interdependent-self",
    "four-practices",
    "cost-of-going-it-alone",
    "secure-base-and-webs",
    "couples-emotional-interdependence",
    "interdependence-at-work-and-groups",
]
WORKSHEETS = [
    "where-am-i",
    "codependency-self-check",
    "asking-for-help-log",
    "building-a-fuller-life",
    "what-i-offer-what-i-need",
    "going-it-alone-reflection",
    "needs-and-boundaries",
    "shared-goals-planner",
    "trust-tracker",
    "support-network-map",
]
# The pages a practice most missed (issue 22), by id and kind.
NEW_MODULES = {
    "safety-plan": "worksheet",
    "relationship-safety": "handout",
    "repair-after-conflict": "worksheet",
    "saying-no": "handout",
    "directing-my-own-care": "handout",
    "for-family-and-partners": "handout",
    "using-these-pages": "handout",
}


def test_the_library_holds_every_module_the_brief_asks_for():
    modules = load_library().modules
    assert [m for m in HANDOUTS if modules.get(m) is None or modules[m].kind != "handout"] == []
    assert [m for m in WORKSHEETS if modules.get(m) is None or modules[m].kind != "worksheet"] == []
    assert {m: modules[m].kind for m in NEW_MODULES if m in modules} == NEW_MODULES
    assert sorted(NEW_MODULES) == sorted(set(NEW_MODULES) & set(load_library(language="es").files))


def test_every_handout_holds_at_most_800_words_of_client_text():
    library = load_library()
    words = {
        m: client_words(check_module(module, library.roots)[0])
        for m, module in library.modules.items()
        if module.kind == "handout"
    }
    assert min(words.values()) > 100  # the count reads the text
    assert {m: n for m, n in words.items() if n > HANDOUT_WORDS} == {}


# Plain, fillable, large print and A4 ink-saver copies of every module, the new ones among
# them, are rendered strictly by the library fixtures (conftest.py) the variant tests read.
VARIANTS = {
    "discreet": Options(discreet=True),
    "spanish": Options(language="es"),
    "spanish with english": Options(language="es+en"),
}


def test_the_library_renders_hold_the_new_modules_in_each_print_variant(library_pdf, fillable):
    titles = {load_library().modules[m].title for m in NEW_MODULES}
    for options in (Options(), Options(large_print=True), A4_INK_SAVER):
        marks = pdf_outline(library_pdf(options))  # each module's title, its headings below
        outline = {mark.title for mark in marks if mark.level == 0}
        assert titles - outline == set(), options
    assert all(fillable[m].stat().st_size for m in NEW_MODULES)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_new_modules_build_strictly_in_every_variant(variant, tmp_path):
    personal = make_personal(Person(client="Jordan D.", note="Bring this next time."))
    options = replace(VARIANTS[variant], region="US")
    built = build_handout(sorted(NEW_MODULES), personal, tmp_path, True, options=options)
    assert built.warnings == ()
    assert built.pages[0] >= 2 * len(NEW_MODULES) - 1


def test_every_module_checks_and_renders_strictly(library_reports):
    assert load_library().problems == ()
    assert {m: [str(p) for p in r.problems] for m, r in library_reports.items() if r.problems} == {}


def test_page_counts_are_in_range(library_reports):
    wrong = {m: (r.module.kind, r.pages) for m, r in library_reports.items()}
    wrong = {m: found for m, found in wrong.items() if found[1] not in PAGES[found[0]]}
    assert wrong == {}


def test_reading_grade_is_eight_or_below(library_reports):
    # A measure keeps its published, validated wording: its grade is shown, not limited.
    reports = {m: r for m, r in library_reports.items() if r.module.kind != "measure"}
    assert {m: r.grade for m, r in reports.items() if r.grade is None or r.grade > 8} == {}


def test_every_module_records_sources_and_its_licence():
    for module in load_library().modules.values():
        assert module.sources, module.id
        if module.kind == "measure":  # used under its publisher's notice, printed on the page
            assert "No permission required" in module.sources[0].licence, module.id
            continue
        assert module.sources[-1].licence == "CC BY 4.0", module.id


def test_the_self_check_says_it_is_not_a_test():
    text = load_library().modules["codependency-self-check"].body.lower()
    assert "not a test" in text


def test_previews_show_the_first_page_of_every_module(run, tmp_path):
    result = run("previews", "--out", "previews")
    ids = sorted(load_library().modules)
    assert result.exit_code == 0
    assert result.output.startswith(f"{len(ids)} page image(s) and a contact sheet in previews/")
    written = sorted(p.name for p in (tmp_path / "previews").iterdir())
    assert written == sorted([f"{m}.png" for m in ids] + ["library.png"])
    with Image.open(tmp_path / "previews" / f"{ids[0]}.png") as first:
        assert first.size == (612, 792)
    with Image.open(tmp_path / "previews" / "library.png") as sheet:
        assert sheet.width == 12 + 6 * (200 + 12)
