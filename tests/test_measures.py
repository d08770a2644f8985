"""Measures: the PHQ-9 and GAD-7 as modules (printed, fillable, in Spanish), their scoring at
every band boundary, the item-9 alert, and what worksheets track."""

from __future__ import annotations

import re

import pikepdf
import pytest
from pypdf import PdfReader

from generator.api import build, library
from generator.core.content import parse_module
from generator.core.measure import Track
from generator.core.options import Options
from generator.progress.scoring import alert, item_values, score, tracked
from tests.helpers import module_text, pdf_pages_text

PHQ9_BANDS = [
    (0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"),
    (14, "Moderate"), (15, "Moderately severe"), (19, "Moderately severe"),
    (20, "Severe"), (27, "Severe"),
]  # fmt: skip
GAD7_BANDS = [
    (0, "Minimal"), (4, "Minimal"), (5, "Mild"), (9, "Mild"), (10, "Moderate"),
    (14, "Moderate"), (15, "Severe"), (21, "Severe"),
]  # fmt: skip


def measure(module_id: str, language: str = "en"):
    return library(language=language).select([module_id])[0]


def answers_for(total: int, items: int, first: int = 1) -> dict[str, str]:
    """Item answers ('measure.1.<n>': value) adding up to the total, item 9 last to fill."""
    answers, left = {}, total
    for number in range(first, first + items):
        value = min(3, left)
        answers[f"measure.1.{number}"] = str(value)
        left -= value
    return answers


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_totals_fall_in_their_published_bands_at_every_boundary(total, band):
    scoring = measure("phq-9").scoring
    values = item_values(scoring, answers_for(total, 9))
    result = score(scoring, values)
    assert (result.total, result.band.label, result.complete) == (total, band, True)


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_totals_fall_in_their_published_bands_at_every_boundary(total, band):
    scoring = measure("gad-7").scoring
    result = score(scoring, item_values(scoring, answers_for(total, 7)))
    assert (result.total, result.band.label) == (total, band)


def test_spanish_bands_match_the_english_ones_at_every_boundary():
    english, spanish = measure("phq-9").scoring, measure("phq-9", "es").scoring
    assert [(b.low, b.high) for b in english.bands] == [(b.low, b.high) for b in spanish.bands]
    assert [(b.low, b.high) for b in english.bands] == [
        (0, 4),
        (5, 9),
        (10, 14),
        (15, 19),
        (20, 27),
    ]


def test_answers_read_as_labels_or_values_and_a_missing_item_leaves_no_band():
    scoring = measure("phq-9").scoring
    answers = {f"measure.1.{n}": "Several days" for n in range(1, 9)}
    result = score(scoring, item_values(scoring, answers))
    assert (result.total, result.band, result.missing) == (8, None, (9,))
    assert item_values(scoring, {"measure.1.1": "7", "measure.1.2": "nonsense"}) == {}


@pytest.mark.parametrize(("answer", "alerted"), [("0", False), ("1", True), ("3", True)])
def test_item_nine_above_not_at_all_is_an_alert_with_the_answer(answer, alerted):
    scoring = measure("phq-9").scoring
    found = alert(scoring, item_values(scoring, {"measure.1.9": answer}))
    assert (found is not None) == alerted
    if alerted:
        assert found.item == 9 and found.question.startswith("Thoughts that you would be better")
        assert found.answer == {"1": "Several days", "3": "Nearly every day"}[answer]


def test_gad7_has_no_alert_item():
    scoring = measure("gad-7").scoring
    assert alert(scoring, item_values(scoring, answers_for(21, 7))) is None


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_measure_prints_its_items_options_and_notice_but_no_score_or_band(language, tmp_path):
    found = library(language=language)
    pdf = build(["phq-9"], content=found, options=Options(language=language))[0]
    text = " ".join(page.extract_text() for page in PdfReader(pdf.write(tmp_path)).pages)
    flat = " ".join(text.split())
    module = found.select(["phq-9"])[0]
    for item in module.scoring.items[:3]:
        assert " ".join(item.split()[:4]) in flat
    for option in module.scoring.options:
        assert option.label in flat
    notice = {
        "en": "No permission required to reproduce, translate, display or distribute.",
        "es": "No se requiere permiso para reproducir, traducir, presentar o distribuir.",
    }
    assert notice[language] in flat
    for band in module.scoring.bands:
        assert band.label not in flat.replace("Moderately", "")  # no band names
    assert "Total" not in flat and "score" not in flat.lower()


@pytest.fixture(scope="module")
def phq9_pages(tmp_path_factory):
    """The PHQ-9 as printed in English and in Spanish: each one's text, flattened."""
    folder = tmp_path_factory.mktemp("phq9")
    pages = {}
    for language in ("en", "es"):
        found = library(language=language)
        pdf = build(["phq-9"], content=found, options=Options(language=language))[0]
        reader = PdfReader(pdf.write(folder / language))
        pages[language] = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    return pages


FOOT = {
    "en": (
        "Fill in this page and give it back to your therapist or group leader. Your answers "
        "help you talk together about how you have been feeling. This is not a diagnosis.",
        "Sources: Spitzer et al. 1999; Kroenke et al. 2001 (Cited for the scoring and the "
        "severity bands).",
    ),
    "es": (
        "Complete esta hoja y entréguesela a su terapeuta o a quien coordina su grupo. Sus "
        "respuestas les ayudan a conversar sobre cómo se ha sentido. Esto no es un diagnóstico.",
        "Fuentes: Spitzer et al. 1999; Kroenke et al. 2001 (Base de la puntuación y de los "
        "niveles de gravedad).",
    ),
}


@pytest.mark.parametrize(
    ("language", "sources"),
    [
        ("en", "Sources: Spitzer et al. 2006a; Spitzer et al. 2006b (Cited for the scoring and"),
        ("es", "Fuentes: Spitzer et al. 2006a; Spitzer et al. 2006b (Base de la puntuación y"),
    ],
)
def test_the_gad7_tells_its_two_spitzer_2006_sources_apart(language, sources):
    """The published form and the paper on it shorten alike: the page used to cite 'Spitzer et
    al. 2006; Spitzer et al. 2006'."""
    found = library(language=language)
    pdf = build(["gad-7"], content=found, options=Options(language=language))[0]
    (page,) = page_words(pdf.data)
    assert sources in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_measures_page_says_it_is_filled_in_and_given_back_not_a_worksheet(language, phq9_pages):
    note, _ = FOOT[language]
    assert note in phq9_pages[language]
    assert "worksheet" not in phq9_pages[language].lower()
    assert "hoja de trabajo" not in phq9_pages[language].lower()


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_measures_sources_line_names_each_first_author_in_the_pages_language(
    language, phq9_pages
):
    _, sources = FOOT[language]
    assert sources in phq9_pages[language]
    assert " K et al." not in phq9_pages[language]
    if language == "es":
        assert "Cited for" not in phq9_pages["es"] and "severity" not in phq9_pages["es"]


def page_words(data: bytes) -> list[str]:
    """Each page's text, flattened, a word broken at a line's end made whole again."""
    return [" ".join(re.sub(r"[-\u2010]\n", "", text).split()) for text in pdf_pages_text(data)]


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("module_id", ["phq-9", "gad-7"])
def test_a_measure_fits_on_one_page_with_its_footer_in_its_published_words(
    module_id, language, paper
):
    """At standard print a measure is one page: its items, answers, question and notice exactly
    as published, then the footer. The Spanish PHQ-9 used to leave its footer (the note, the
    crisis line and the sources) alone on a second page, on Letter and on A4."""
    found = library(language=language)
    pdf = build([module_id], content=found, options=Options(language=language, paper=paper))[0]
    (page,) = page_words(pdf.data)
    module = found.select([module_id])[0]
    scoring = module.scoring
    published = [*scoring.items, *(o.label for o in scoring.options), module.notice]
    published += [scoring.followup.question, *scoring.followup.options]
    assert [words for words in published if " ".join(words.split()) not in page] == []
    sources = {"en": "Sources:", "es": "Fuentes:"}[language]
    assert page.index(module.notice) < page.index(FOOT[language][0][:40]) < page.index(sources)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("module_id", ["phq-9", "gad-7"])
def test_a_measure_in_large_print_takes_two_pages_the_last_with_its_question(module_id, language):
    """In large print the table runs on to a second page between rows, and the question after
    the items goes with the footer: never a third page holding only the footer."""
    found = library(language=language)
    options = Options(language=language, large_print=True)
    pdf = build([module_id], content=found, options=options)[0]
    pages = page_words(pdf.data)
    question = found.select([module_id])[0].scoring.followup.question
    assert len(pages) == 2
    assert " ".join(question.split()) in pages[1] and FOOT[language][0][:40] in pages[1]


def test_a_fillable_measure_has_one_radio_group_per_item_valued_by_its_options(tmp_path):
    pdf = build(["phq-9"], options=Options(fillable=True))[0].write(tmp_path)
    with pikepdf.open(pdf) as document:
        groups = {
            f.fully_qualified_name: [str(o) for o in f.get_inheritable_field_value("/Opt")]
            for f in document.acroform.fields
            if f.field_type == "/Btn"
        }
    items = [f"phq-9.measure.1.{n}" for n in range(1, 10)]
    assert all(groups[name] == ["0", "1", "2", "3"] for name in items)
    assert groups["phq-9.measure.1.10"] == ["0", "1", "2", "3"]  # the unscored question


def test_measure_front_matter_is_checked(tmp_path):
    text = module_text("Intro.\n\n::: measure\n:::\n", kind="measure")
    _, problems = parse_module(tmp_path / "m.md", text)
    assert [p.message for p in problems] == [
        "front matter 'scoring': expected it for a measure, got nothing",
        "front matter 'notice': expected it for a measure, got nothing",
    ]
    gap = text.replace(
        "sources:",
        "notice: Free.\nscoring:\n  items: [A, B]\n  options: [{label: Never, value: 0}, "
        "{label: Often, value: 1}]\n  bands: [{from: 0, to: 0, label: Low}, "
        "{from: 2, to: 2, label: High}]\nsources:",
    )
    _, problems = parse_module(tmp_path / "m.md", gap)
    assert [p.message for p in problems] == [
        "front matter 'scoring.bands[2]': expected a band starting at 1, got 2-2"
    ]
    worksheet = module_text("::: lines\n:::\n", kind="worksheet").replace(
        "sources:", "notice: Free.\nsources:"
    )
    _, problems = parse_module(tmp_path / "w.md", worksheet)
    assert [p.message for p in problems] == [
        "front matter 'notice': expected only for a measure, not a worksheet"
    ]


def test_tracked_items_count_choices_filled_rows_and_ticks():
    answers = {
        "journey-map.1": "Interdependence",
        "log.7.1.date": "Mon",
        "log.7.1.1": "Asked for a ride",
        "log.7.2.3": "8",
        "log.7.3.date": "Wed",
        "checklist.3.1": True,
        "checklist.3.2": False,
    }
    assert tracked(Track("Stop", "journey-map", "choice"), answers) == "Interdependence"
    assert tracked(Track("Asks", "log", "filled"), answers) == 2
    assert tracked(Track("Ticks", "checklist", "ticked"), answers) == 1
    assert tracked(Track("Stop", "journey-map", "choice"), {}) is None


def test_library_worksheets_declare_what_they_track():
    tracks = {m: measure(m).tracks for m in ("where-am-i", "trust-tracker", "asking-for-help-log")}
    assert [t.component for ts in tracks.values() for t in ts] == ["journey-map", "log", "log"]


def test_the_unscored_question_after_the_items_never_counts():
    scoring = measure("phq-9").scoring
    answers = {**answers_for(10, 9), "measure.1.10": "3"}
    assert score(scoring, item_values(scoring, answers)).total == 10


# --- a bilingual copy ---------------------------------------------------------------------------


def _words(text: str, count: int = 4) -> str:
    return " ".join(text.split()[:count])


@pytest.mark.parametrize("module_id", ["phq-9", "gad-7"])
def test_a_bilingual_measure_prints_every_item_answer_and_notice_in_both_languages(
    module_id, tmp_path
):
    spanish, english = measure(module_id, "es"), measure(module_id, "en")
    options = Options(language="es+en")
    pdf = build([module_id], content=library(language="es"), options=options)[0]
    text = " ".join(page.extract_text() for page in PdfReader(pdf.write(tmp_path)).pages)
    flat = " ".join(text.split())
    for mine, theirs in zip(spanish.scoring.items, english.scoring.items, strict=True):
        assert _words(mine) in flat and _words(theirs) in flat
    for mine, theirs in zip(spanish.scoring.options, english.scoring.options, strict=True):
        assert mine.label in flat and theirs.label in flat
    assert _words(spanish.scoring.followup.question, 6) in flat
    assert _words(english.scoring.followup.question, 6) in flat
    for answer in (*spanish.scoring.followup.options, *english.scoring.followup.options):
        assert answer in flat
    assert "No se requiere permiso para reproducir, traducir, presentar o distribuir." in flat
    assert "No permission required to reproduce, translate, display or distribute." in flat
    for band in {b.label for b in (*spanish.scoring.bands, *english.scoring.bands)}:
        assert f" {band} " not in f" {flat} ".replace("Moderately", "")  # still no band


def test_a_bilingual_phone_measure_keeps_each_languages_exact_wording(tmp_path, monkeypatch):
    from generator.api import build_phone, new_practice_key

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    new_practice_key()
    options = Options(language="es+en")
    page = build_phone(["phq-9"], options=options, content=library(language="es"))[0].html
    spanish, english = measure("phq-9", "es"), measure("phq-9", "en")
    also = '<span class="also" lang="en">{}</span>'
    pairs = zip(spanish.scoring.items, english.scoring.items, strict=True)
    for number, (mine, theirs) in enumerate(pairs, 1):
        assert f'<legend class="prompt">{number}. {mine}{also.format(theirs)}</legend>' in page
    for mine, theirs in zip(spanish.scoring.options, english.scoring.options, strict=True):
        assert f"<span>{mine.label}{also.format(theirs.label)}</span>" in page
    assert f"{spanish.notice}{also.format(english.notice)}</p>" in page
    assert 'name="phq-9.measure.1.9" value="3"' in page  # answered, and scored, as before
