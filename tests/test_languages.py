"""Languages, on real PDFs: Spanish page strings and dates, the PDF's language, hyphenation,
crisis and safety lines by region, the Spanish library against its English original, bilingual
copies, the catalogue of page strings, and the Spanish modules in every variant."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from pypdf import PdfReader

from generator.api import Person
from generator.core.answers import read_answers
from generator.core.build import check_library, checked_in
from generator.core.content import load_library
from generator.core.languages import LOCALE_DIR, format_day, known, parse
from generator.core.options import Options
from generator.core.parity import out_of_step
from generator.core.profiles import Practice, make_personal
from generator.core.safety import load_regions, longest_lines, stale_warnings
from generator.core.validate import check_module
from tests.helpers import accents_astray, build_handout, flat, module_text, pdf_pages_text
from tests.test_variants import outside_margins

ENGLISH_WORDS = ("Name:", "Date:", "Session:", "Sources", "Page 1 of", "about 20 minutes")


def build(tmp_path, ids, language, practice=None, **options):
    personal = make_personal(
        Person(client="Zoë Ñúñez", date="2026-11-23", session=4, note="Pida ayuda una vez al día."),
        practice=practice,
    )
    chosen = Options(language=language, **options)
    return build_handout(ids, personal, out=tmp_path, options=chosen)


def first_page(built) -> str:
    return flat(pdf_pages_text(built.paths[0])[0])


# --- page strings and dates ---------------------------------------------------------------


def test_a_spanish_worksheet_prints_its_page_strings_and_date_in_spanish(tmp_path):
    practice = Practice(name="Consultorio Río", therapist="Alex Rivera")
    built = build(tmp_path, ["where-am-i"], "es", practice)
    page = first_page(built)
    for words in (
        "¿Dónde estoy en el camino?",
        "Nombre: Zoë Ñúñez",
        "Fecha: 23 de noviembre de 2026",
        "Sesión: 4",
        "Una nota para usted de Alex Rivera",
        "Si alguien le da miedo:",
        "llame ahora al número de emergencias de su zona",
        f"Página 1 de {built.pages[0]}",
        "Marque una X en un punto.",
        "Desvío: codependencia",
    ):
        assert words in page, words
    # The label is in letter-spaced capitals, which PDFium reads with a space here and there.
    assert "hojadetrabajo·unos20minutos" in page.lower().replace(" ", "")
    assert not [words for words in ENGLISH_WORDS if words in page]
    last = flat(pdf_pages_text(built.paths[0])[-1])
    assert "Fuentes:" in last and "Esta hoja de trabajo acompaña su proceso" in last


def test_dates_are_written_as_each_language_writes_them():
    day = dt.date(2026, 11, 23)
    assert format_day(day, "es") == "23 de noviembre de 2026"
    assert format_day(day, "en") == "November 23, 2026"


def test_an_english_build_keeps_its_english_page_strings(tmp_path):
    page = first_page(build(tmp_path, ["where-am-i"], "en"))
    assert "Name: Zoë Ñúñez" in page and "Date: November 23, 2026" in page
    assert "Page 1 of 2" in page and "Nombre" not in page


def test_the_pdf_says_it_is_in_spanish_and_spanish_words_are_hyphenated(tmp_path):
    built = build(tmp_path, ["journey", "where-am-i", "repair-after-conflict"], "es")
    for path in built.paths:
        with pikepdf.open(path) as pdf:
            assert str(pdf.Root.Lang) == "es"
    documents = [pypdfium2.PdfDocument(str(path)) for path in built.paths]
    text = "".join(page.get_textpage().get_text_range() for d in documents for page in d)
    # Words broken at a line's end (pyphen's Spanish dictionary: 'ma-las'), never a name. Only
    # a line that would end far short is broken, so a page may have none: one of these has some.
    assert re.search("[a-záéíóúñ][-\u2010]\r?\n[a-záéíóúñ]", text)
    assert not re.search("(Zo|Zoë Ñú)[-\u2010]\r?\n", text)


def test_fillable_field_descriptions_are_in_spanish(tmp_path):
    built = build(tmp_path, ["trust-tracker"], "es", fillable=True)
    fields = PdfReader(str(built.paths[0])).get_fields()
    titles = {str(field.get("/TU", "")) for field in fields.values()}
    assert "Fecha del día 1" in titles
    assert any(title.endswith(", día 1") for title in titles)


def test_the_catalogue_covers_every_string_and_each_is_translated():
    """The page strings in the code and templates are all in the Spanish catalogue, translated
    and not fuzzy (run 'make messages' after adding a string, then translate it)."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    keywords = {"_": None, "gettext": None, "N_": None, "both": None, "plain": None}
    root = LOCALE_DIR.parent.parent
    method_map = [
        ("generator/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("generator/app/templates/**.html", "jinja2"),
    ]
    options = {"**.html": {"extensions": "jinja2.ext.i18n"}}
    found = {
        message[2]
        for message in extract_from_dir(
            root, method_map, options, keywords=keywords, comment_tags=()
        )
        if isinstance(message[2], str)
    }
    with (LOCALE_DIR / "es" / "LC_MESSAGES" / "handouts.po").open("rb") as stream:
        catalogue = read_po(stream, locale="es")
    done = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    assert sorted(found - done) == []
    for message in catalogue:
        placeholders = set(re.findall(r"%\(\w+\)s|\{\w+\}", message.id or ""))
        if message.id and message.string:
            assert set(re.findall(r"%\(\w+\)s|\{\w+\}", message.string)) == placeholders


def test_languages_are_english_and_those_with_a_catalogue():
    assert known() == ("en", "es")
    assert parse("es+en").all == ("es", "en")
    with pytest.raises(Exception, match="language: expected one of en, es, or two such as"):
        parse("fr")


# --- the Spanish library ------------------------------------------------------------------


def test_a_module_missing_in_the_language_is_an_error_unless_english_is_asked_for(tree, run):
    folder = tree({"modules/only-english.md": module_text("Some text.")})
    result = run("build", "only-english", "--lang", "es", "--content", folder)
    assert result.exit_code == 1
    assert result.output == (
        "Error: module 'only-english' has no Spanish version: expected "
        "mine/modules/es/only-english.md, translated from mine/modules/only-english.md "
        "(or ask for the English one to stand in for it)\n"
    )
    result = run("build", "only-english", "--lang", "es", "--fallback", "--content", folder)
    assert result.exit_code == 0, result.output
    assert "notice: 'only-english' has no Spanish version; printing the English one" in (
        result.output
    )
    checked = run("check", "only-english", "--lang", "es", "--content", folder)
    assert checked.exit_code == 1
    assert checked.output.startswith(
        "PROBLEMS  mine/modules/es/only-english.md\n"
        "  mine/modules/es/only-english.md: missing: the Spanish version of "
        "mine/modules/only-english.md\n"
    )


def test_user_modules_in_another_language_sit_in_a_folder_named_by_its_code(tree):
    spanish = module_text("Un texto.", title="Módulo").replace("language: en", "language: es")
    flat_folder = tree({"mine.md": module_text("A text."), "es/mine.md": spanish}, root="a")
    nested = tree({"modules/mine.md": module_text("A text."), "modules/es/mine.md": spanish})
    for folder in (flat_folder, nested):
        library = load_library([folder], language="es")
        assert library.modules["mine"].title == "Módulo"
        assert library.modules["journey"].language == "es"


ENGLISH = """\
    ## Part one

    ::: scale left="Never" right="Always"
    How often?
    :::

    ::: checklist
    - One
    - Two
    - Three
    :::

    ::: lines 3
    Why?
    :::
"""

SPANISH = """\
    ## Parte uno

    ::: checklist
    - Uno
    - Dos
    :::

    ::: lines 4
    ¿Por qué?
    :::
"""


def spanish(body: str) -> str:
    text = module_text(body, title="Módulo", kind="worksheet")
    return text.replace("language: en", "language: es").replace("year: 2026", "year: 2025")


def test_check_lang_es_lists_every_module_out_of_step_and_passes_the_library(tree, run):
    """A Spanish module with a missing component, a changed option, fewer items and another
    source, one without its Spanish file: every problem listed with its file; the built-in
    Spanish library passes (each module as it stands against its English original)."""
    folder = tree(
        {
            "modules/steps.md": module_text(ENGLISH, kind="worksheet"),
            "modules/es/steps.md": spanish(SPANISH),
            "modules/untranslated.md": module_text("Text."),
        }
    )
    result = run("check", "--lang", "es", "--content", folder)
    assert result.exit_code == 1
    out = result.output
    where = "mine/modules/es/steps.md"
    expected = [
        f"{where}: missing component 'scale': the English has it at line 17 of "
        "mine/modules/steps.md",
        f"{where}: line 17: component 'checklist': 2 items, the English has 3 (English line 21)",
        f"{where}: line 22: component 'lines': option 'count' is 4, the English has 3 "
        "(English line 27)",
        f"{where}: source missing: Test Author (2026; original), cited by the English",
        f"{where}: source not in the English: Test Author (2025; original)",
        "mine/modules/es/untranslated.md: missing: the Spanish version of "
        "mine/modules/untranslated.md",
    ]
    for line in expected:
        assert f"  {line}\n" in out, line
    assert "Error: 6 problem(s)" in out
    builtin = re.findall(r"^(ok|PROBLEMS) +content/modules/es/\S+", out, re.M)
    assert len(builtin) == len(load_library(language="es").files)
    assert set(builtin) == {"ok"}
    assert re.search(
        r"^ok +content/modules/es/where-am-i\.md +\d pages, INFLESZ \d+\.\d$", out, re.M
    )
    # Standard print: every Spanish module on two Letter pages, like the English ones
    # (tests/test_library.py), counted with the longest Spanish lines of any Letter region.
    kinds = {m.id: m.kind for m in load_library(language="es").modules.values()}
    pages = re.findall(r"^ok +content/modules/es/(\S+)\.md +(\d) pages?", out, re.M)
    assert len(pages) == len(kinds)
    assert kinds and [i for i, n in pages if int(n) > 2] == []


def test_parity_names_the_headings_topics_and_language_that_differ(tree):
    english = tree({"modules/a.md": module_text("## One\n\n## Two\n\nText.")})
    text = module_text("## Uno\n\nTexto.").replace("topics: [testing]", "topics: [otros]")
    tree({"modules/es/a.md": text})
    library = load_library([english], language="es")
    (mine,) = [check_module(m, library.roots)[0] for m in library.select(["a"])]
    original = check_module(load_library([english]).select(["a"])[0], library.roots)[0]
    assert [p.message for p in out_of_step(mine, original)] == [
        "front matter 'language': expected es (Spanish), got en",
        "front matter 'topics': otros; the English has testing",
        "1 headings, the English has 2",
    ]


def test_list_lang_es_shows_the_inflesz_ease_in_place_of_the_grade(run):
    # (the reading ease of every Spanish module is held to 65 or more by 'check --lang es')
    result = run("list", "--lang", "es", "--kind", "worksheet", "--topic", "journey")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert "INFLESZ" in header and "GRADE" not in header
    assert [row.split()[:5] for row in rows] == [
        ["where-am-i", "worksheet", "¿Dónde", "estoy", "en"]
    ]
    eases = [float(x) for x in re.findall(r"\s(\d{2}\.\d)\s", result.output)]
    assert eases and min(eases) >= 65


# --- crisis and safety lines by region ----------------------------------------------------


def test_the_region_line_prints_in_the_page_language_and_the_practice_line_wins(tmp_path):
    spanish_mx = first_page(build(tmp_path / "a", ["where-am-i"], "es", region="MX"))
    assert "En una crisis, llame a la Línea de la Vida: 800 911 2000" in spanish_mx
    english_us = first_page(build(tmp_path / "b", ["codependency-self-check"], "en", region="US"))
    assert "call or text 988 (Suicide & Crisis Lifeline)" in english_us
    assert "National Domestic Violence Hotline: call 1-800-799-7233" in english_us
    own = Practice(crisis_line="Llame a la clínica: 555-0100.")
    mine = first_page(build(tmp_path / "c", ["where-am-i"], "es", own, region="MX"))
    assert "Llame a la clínica: 555-0100." in mine
    assert "En una crisis, llame a la Línea de la Vida" not in mine
    assert "Línea de las Mujeres: llame al 079 y marque la opción 1" in mine
    neither = first_page(build(tmp_path / "d", ["where-am-i"], "es"))
    assert "Si está en una crisis o cree que podría hacerse daño" in neither


def test_the_profile_sets_language_and_region(run, tree):
    folder = tree({"practice.yaml": "name: Río\nlanguage: es\nregion: ES\n"})
    result = run("build", "journey", "--practice", folder / "practice.yaml", "--out", "out")
    assert result.exit_code == 0, result.output
    page = flat(pdf_pages_text("out/journey.pdf")[0])
    assert "La independencia es una parada" in page and "llame al 024" in page


def test_an_unknown_region_names_the_regions_there_are(run):
    result = run("build", "journey", "--region", "FR")
    assert result.exit_code == 1
    assert result.output.startswith("Error: --region: unknown region 'FR'; expected one of ")
    assert (
        "AR (Argentina), CL (Chile), CO (Colombia), ES (España), MX (México), PR (Puerto Rico), "
        "US (United States)" in result.output
    )


STALE = """\
ZZ:
  name: Testland
  crisis:
    text: {en: "Call 111.", es: "Llame al 111."}
    source: "A test"
    checked: 2020-01-01
  safety:
    text: {en: "Call 222."}
    source: "A test"
    checked: %s
"""


def test_a_line_checked_over_a_year_ago_warns_at_build_time(run, tree):
    recent = dt.date.today().isoformat()
    folder = tree({"regions.yaml": STALE % recent, "modules/x.md": module_text("Text.")})
    result = run("build", "x", "--region", "ZZ", "--content", folder, "--out", "out")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "warning: mine/regions.yaml: 'ZZ.crisis' was last checked on 2020-01-01, "
    )
    assert "check it at its source (A test), then update 'checked'" in warnings[0]
    assert "Call 111." in flat(pdf_pages_text("out/x.pdf")[0])


def test_stale_lines_are_counted_from_the_day_given(tree):
    region = load_regions([tree({"regions.yaml": STALE % "2026-01-01"})])["ZZ"]
    assert stale_warnings(region, dt.date(2026, 12, 31)) != []
    assert len(stale_warnings(region, dt.date(2026, 12, 31))) == 1
    assert len(stale_warnings(region, dt.date(2027, 1, 2))) == 2
    assert stale_warnings(region, dt.date(2020, 6, 1)) == []


def test_every_built_in_region_has_both_lines_in_english_and_spanish():
    regions = load_regions([LOCALE_DIR.parent.parent / "content"])
    assert set(regions) == {"US", "PR", "MX", "ES", "AR", "CO", "CL"}
    for region in regions.values():
        for line in (region.crisis, region.safety):
            assert set(line.text) >= {"en", "es"} and line.source
            assert line.checked >= dt.date(2026, 11, 23)
    assert {code for code, region in regions.items() if region.paper == "a4"} == {"ES", "AR"}
    assert all(region.paper in ("letter", "a4") for region in regions.values())


def test_each_region_line_says_whom_it_serves(tmp_path):
    mx = first_page(build(tmp_path / "mx", ["codependency-self-check"], "es", region="MX"))
    assert "Línea de las Mujeres: llame al 079 y marque la opción 1" in mx
    assert mx.count("Línea de la Vida") == 1  # the crisis line, not the violence line again
    es = first_page(build(tmp_path / "es", ["codependency-self-check"], "es", region="ES"))
    assert "016: para mujeres que sufren cualquier violencia machista" in es
    assert "Menores de edad: Teléfono ANAR, 900 20 20 10" in es
    assert "Hombres, y cualquier víctima de un delito" in es
    us = first_page(build(tmp_path / "us", ["codependency-self-check"], "es", region="US"))
    assert "Línea Nacional contra la Violencia Doméstica" in us
    assert "también por chat en espanol.thehotline.org" in us
    assert "sin importar su situación migratoria" in us


def test_pages_are_counted_with_the_longest_lines_of_the_letter_regions():
    """'check' counts pages with the longest crisis line and the longest safety line of the
    regions printed on Letter (Spain's, on A4, run longer but have taller pages): a module
    that fits with both fits in each of those regions."""
    content = [LOCALE_DIR.parent.parent / "content"]
    regions = load_regions(content).values()
    for language in ("en", "es"):
        crisis = {r.code: r.crisis.text[language] for r in regions}
        safety = {r.code: r.safety.text[language] for r in regions}
        letter = [r.code for r in regions if r.paper == "letter"]
        longest = tuple(max((lines[c] for c in letter), key=len) for lines in (crisis, safety))
        assert longest_lines(content, language, "letter") == longest
        assert longest[1] == safety["US"]  # the hotline's line, with its phone-safety advice
        assert longest_lines(content, language, "a4")[1] == safety["ES"]


LONG_LINE = """\
ZZ:
  name: Testland
  paper: letter
  crisis:
    text: {en: "%s"}
    source: "A test"
    checked: 2026-12-06
  safety:
    text: {en: "Call 222."}
    source: "A test"
    checked: 2026-12-06
""" % ("In a crisis, call 111. " * 80)


def test_check_counts_pages_with_a_long_region_line(tree):
    """A region of the user's own whose crisis line fills most of a page: 'check' counts the
    pages a build in that region prints."""
    plain = tree({"modules/x.md": module_text("Short text.")}, root="plain")
    files = {"modules/x.md": module_text("Short text."), "regions.yaml": LONG_LINE}
    long = tree(files, root="long")
    (short,) = check_library([plain], ids=["x"])
    (longer,) = check_library([long], ids=["x"])
    assert short.problems == longer.problems == ()
    assert (short.pages, longer.pages) == (1, 2)


def page_size(path) -> tuple[int, int]:
    box = PdfReader(path).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


A4, LETTER = (595, 842), (612, 792)


def test_the_region_chooses_the_paper_unless_something_else_does(tmp_path):
    assert page_size(build(tmp_path / "es", ["journey"], "es", region="ES").paths[0]) == A4
    assert page_size(build(tmp_path / "ar", ["journey"], "es", region="AR").paths[0]) == A4
    assert page_size(build(tmp_path / "co", ["journey"], "es", region="CO").paths[0]) == LETTER
    asked = build(tmp_path / "asked", ["journey"], "es", region="ES", paper="letter")
    assert page_size(asked.paths[0]) == LETTER
    own = build(tmp_path / "own", ["journey"], "es", Practice(paper="letter"), region="ES")
    assert page_size(own.paths[0]) == LETTER


def test_the_region_option_lists_every_built_in_region(run):
    help_text = " ".join(run("build", "--help").output.split())
    regions = load_regions([LOCALE_DIR.parent.parent / "content"])
    listed = re.search(r"--region CODE (.*?) \(content/regions.yaml\)", help_text).group(1)
    assert set(re.findall(r"\b[A-Z]{2}\b", listed)) == set(regions)


def test_a_broken_regions_file_reports_every_problem(run, tree):
    text = "ZZ:\n  name: ''\n  crisis: {text: {en: 1}, checked: soon}\n  colour: red\n"
    folder = tree({"regions.yaml": text, "modules/x.md": module_text("Text.")})
    result = run("build", "x", "--region", "ZZ", "--content", folder)
    assert result.exit_code == 1
    assert result.output.splitlines()[1:] == [
        "  mine/regions.yaml: line 2: 'ZZ.name': expected the region's name as text, got ''",
        "  mine/regions.yaml: line 3: 'ZZ.crisis.text.en': expected text, got 1 (number)",
        "  mine/regions.yaml: line 3: 'ZZ.crisis.checked': expected the day they were checked, "
        "as YYYY-MM-DD, got 'soon'",
        "  mine/regions.yaml: line 3: 'ZZ.crisis.source': expected where the facts were found, "
        "got nothing",
        "  mine/regions.yaml: line 4: 'ZZ.colour': unknown key; expected one of name, paper, "
        "crisis, safety",
        "  mine/regions.yaml: line 1: 'ZZ.safety': expected 'text' (by language), 'source' and "
        "'checked' (YYYY-MM-DD), got nothing",
    ]


# --- bilingual copies ---------------------------------------------------------------------


def field_names(path) -> list[str]:
    return [answer.field for answer in read_answers(path)]


def test_a_bilingual_page_holds_both_languages_and_the_answer_places_once(tmp_path):
    both = build(tmp_path / "both", ["where-am-i"], "es+en", fillable=True)
    alone = build(tmp_path / "alone", ["where-am-i"], "es", fillable=True)
    text = flat(" ".join(pdf_pages_text(both.paths[0])))
    for words in (
        "¿Dónde estoy en el camino?",
        "Where am I on the journey?",
        "Nombre / Name",
        "Parte 1: Dónde estoy ahora",
        "Part 1: Where I am now",
        "¿Me resulta fácil o difícil pedirle ayuda a alguien?",
        "How easy is it for me to ask someone for help?",
        "Página 1 de 3 / Page 1 of 3",
    ):
        assert words in text, words
    names = field_names(both.paths[0])
    assert len(names) == len(set(names))  # each answer place once, under one name
    assert names == field_names(alone.paths[0])
    with pikepdf.open(both.paths[0]) as pdf:
        assert str(pdf.Root.Lang) == "es"


# A handout, a worksheet with a table, a measure, a map and a long worksheet: text in two
# columns, section beside section, and in components under their translations.
BILINGUAL = ["journey", "where-am-i", "phq-9", "support-network-map", "needs-and-boundaries"]


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_a_bilingual_copy_keeps_both_columns_inside_the_margins(paper, tmp_path):
    built = build(tmp_path, BILINGUAL, "es+en", paper=paper)
    for path in built.paths:
        assert outside_margins(path) == [], path.name
    text = flat(" ".join(pdf_pages_text(built.paths[0])))
    assert "Al nacer necesitamos a otros" in text and "We start life" in text  # two columns


def test_bilingual_copies_build_in_large_print_and_as_packets(tmp_path):
    built = build(tmp_path, ["support-network-map", "journey"], "es+en", large_print=True)
    assert outside_margins(built.paths[0]) == []
    text = flat(" ".join(pdf_pages_text(built.paths[0])))
    assert "Mi gente cercana" in text and "Yo · Mi gente cercana" not in text
    assert "Me · Closest people · Wider circle" in text


def test_a_bilingual_copy_needs_its_modules_in_step(tree):
    folder = tree(
        {
            "modules/steps.md": module_text(ENGLISH, kind="worksheet"),
            "modules/es/steps.md": spanish(SPANISH),
        }
    )
    library = load_library([folder], language="es")
    with pytest.raises(Exception, match="missing component 'scale'"):
        checked_in(library, ["steps"], parse("es+en"))


# --- Spanish modules in every variant ------------------------------------------------------

# Each print variant and each font, combined three ways (they combine freely, and a build is
# strict for every part of the combination at once).
VARIANTS = {
    "fillable in lexend": Options(fillable=True, font="lexend"),
    "large print in opendyslexic": Options(large_print=True, font="opendyslexic"),
    "a4 ink saver in atkinson": Options(paper="a4", ink_saver=True, font="atkinson"),
}


# Every Spanish module is built strictly once, plainly, by the 'check --lang es' test above; each
# variant is built for these, which hold between them every component the library uses and its
# densest handouts (the lowest reading ease, and the one nearest its page limit).
SAMPLES = [
    "where-am-i",
    "support-network-map",
    "shared-goals-planner",
    "asking-for-help-log",
    "attachment-styles",
    "secure-base-and-webs",
    "phq-9",
]


def components(modules) -> set[str]:
    return {
        name for module in modules for name in re.findall(r"^::: ?([a-z-]+)", module.body, re.M)
    }


def test_the_samples_hold_every_component_the_spanish_library_uses():
    library = load_library(language="es")
    assert components(library.select(SAMPLES)) == components(library.modules.values())


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_spanish_modules_build_strictly_in_every_variant(variant, tmp_path):
    from dataclasses import replace

    options = replace(VARIANTS[variant], language="es", region="MX")
    personal = make_personal(Person(client="Zoë Ñúñez", note="Pida ayuda una vez al día."))
    out = tmp_path / "all.pdf"
    built = build_handout(SAMPLES, personal, out=out, combine=True, options=options)
    assert built.warnings == ()
    if options.large_print or options.paper == "a4":
        assert outside_margins(built.paths[0]) == []
    assert accents_astray(built.paths[0]) == []  # "petición" with its accent over the o


def test_the_spanish_modules_are_those_of_the_english_library():
    english, spanish = load_library(), load_library(language="es")
    assert set(spanish.files) == set(english.files)


def test_show_and_packets_speak_the_language_asked_for(run):
    shown = run("show", "where-am-i", "--lang", "es")
    assert shown.exit_code == 0, shown.output
    assert "Title:     ¿Dónde estoy en el camino?" in shown.output
    assert "Translation:\n  By:        Handouts project contributors" in shown.output
    assert "File:      content/modules/es/where-am-i.md  (built-in)" in shown.output
    listed = run("packets", "--lang", "es")
    assert "De la independencia a la interdependencia  (4 sessions, 12 modules)" in listed.output


def test_init_explains_language_and_region(run):
    result = run("init")
    assert "Or set 'region' (US, PR, MX, ES, AR, CO or CL)" in result.output
    text = Path("practice.yaml").read_text(encoding="utf-8")
    assert 'region: ""' in text and 'language: ""' in text


def test_every_topic_of_the_library_is_named_in_each_language():
    """The app's filter and cards, the catalog's shelves and the homework site name topics in
    the page's language: a topic the library uses without a name would show as its key."""
    from generator.api import shelves, topic_name
    from generator.core.topics import TOPICS

    topics = {t for lang in ("en", "es") for m in load_library(language=lang).modules.values()
              for t in m.topics}  # fmt: skip
    assert sorted(topics - set(TOPICS)) == []
    same = [t for t in topics if topic_name(t, "es") == topic_name(t, "en")]
    assert same == ["crisis"]  # the one word the two languages share
    spanish = load_library(language="es").modules.values()
    names = [name for name, _ in shelves([{"module": m} for m in spanish], "es")]
    assert names and set(names) <= {topic_name(t, "es").capitalize() for t in topics}
    english = {topic_name(t, "en").capitalize() for t in topics if t != "crisis"}
    assert set(names) & english == set()
