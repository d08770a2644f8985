"""Spanish page furniture on real PDFs: hyphenated line ends (few, never fewer than 3 letters on
either side, never in the safety box), no paragraph ending in a one-word line, the sources line
and the therapist's title in Spanish, and reading ease counted over prose sentences."""

from __future__ import annotations

import itertools
import re

import pypdfium2
import pytest

from generator.api import Person
from generator.core.options import Options
from generator.core.profiles import Practice, make_personal
from generator.core.typography import from_name
from tests.helpers import build_handout, flat, module_text, pdf_pages_text
from tests.test_readability import ease_of

HYPHEN_END = re.compile(r"([a-záéíóúñü]+)[-\u2010]$")
WORD_START = re.compile(r"^\W*([a-záéíóúñü]+)")


def build(tmp_path, ids, practice=None, **options):
    personal = make_personal(
        Person(client="Zoë Ñúñez", date="2026-11-23", session=4, note="Hola."), practice=practice
    )
    chosen = Options(language="es", paper="a4", **options)
    return build_handout(ids, personal, out=tmp_path, options=chosen)


def page_lines(path) -> list[list[str]]:
    """Each page's text lines, as PDFium lays them out."""
    document = pypdfium2.PdfDocument(str(path))
    pages = [page.get_textpage().get_text_range() for page in document]
    return [re.split(r"\r?\n", text) for text in pages]


def hyphenated(lines: list[str]) -> list[tuple[str, str]]:
    """The (before, after) parts of each word broken at a line's end."""
    pairs = []
    for line, following in itertools.pairwise(lines):
        end, start = HYPHEN_END.search(line), WORD_START.match(following)
        if end and start:
            pairs.append((end.group(1), start.group(1)))
    return pairs


WORDY = ["attachment-styles", "journey", "cost-of-going-it-alone", "four-practices"]


def test_hyphenated_line_ends_are_few_and_keep_three_letters_each_side(tmp_path):
    built = build(tmp_path, WORDY)
    pages = [lines for path in built.paths for lines in page_lines(path)]
    pairs = [pair for lines in pages for pair in hyphenated(lines)]
    assert [pair for pair in pairs if len(pair[0]) < 3 or len(pair[1]) < 3] == []
    # attachment-styles used to break 8 of 37 lines on one page; now a few in a module.
    assert all(len(hyphenated(lines)) <= 3 for lines in pages)
    assert len(pairs) <= len(pages)


def test_the_safety_box_and_short_labels_are_never_hyphenated(tmp_path):
    built = build(tmp_path, ["codependency-self-check", "attachment-styles"], region="ES")
    first = page_lines(built.paths[0])[0]
    box = first[: next(i for i, line in enumerate(first) if "en peligro" in line) + 1]
    assert hyphenated(box) == []
    assert "Menores de edad: Teléfono ANAR" in flat(" ".join(box))
    labels = [pair for lines in page_lines(built.paths[1]) for pair in hyphenated(lines)]
    assert ("an", "sioso") not in labels and ("Más an", "sioso") not in labels


def test_no_paragraph_ends_in_a_line_of_one_short_word(tmp_path):
    built = build(tmp_path, ["where-am-i", "codependency-self-check", "journey"])
    for path in built.paths:
        lines = page_lines(path)[0]
        # The built-in crisis line ends '... de su zona.', which used to sit alone.
        assert not [line for line in lines if line.strip() in ("zona.", "que", "ted.")]
        assert any(line.replace("\xa0", " ").rstrip().endswith("su zona.") for line in lines)


def test_the_sources_line_and_the_therapists_title_are_in_spanish(tmp_path, tree):
    text = module_text("Un texto para leer.", title="Módulo").replace(
        "language: en", "language: es"
    )
    text = text.replace("licence: original", LICENCE).replace(
        "Test Author", "Ana Ruiz and Luis Soto"
    )
    folder = tree({"modules/es/idea.md": text})
    practice = Practice(therapist="Dra. Begoña Ibáñez")
    personal = make_personal(
        Person(client="Zoë", date="2026-11-23", note="Hola."), practice=practice
    )
    options = Options(language="es")
    built = build_handout(["idea"], personal, tmp_path, content_dirs=[folder], options=options)
    page = flat(" ".join(pdf_pages_text(built.paths[0])))
    assert "Fuentes: Ruiz y Soto 2026 (idea citada; no se reproduce el texto)." in page
    assert "idea credited" not in page and "no text reproduced" not in page
    assert "Una nota para usted de la Dra. Begoña Ibáñez" in page


LICENCE = 'licence: "idea credited; no text reproduced"'


def test_every_licence_in_words_that_the_library_uses_prints_in_spanish():
    from generator.core.content import load_library
    from generator.core.languages import Words, parse

    words = Words(parse("es"))
    licences = {
        source.licence
        for language in ("en", "es")
        for module in load_library(language=language).modules.values()
        for source in module.sources
    }
    names = {"CC BY 4.0"}  # a licence's name stays as it is
    untranslated = [t for t in licences - names if words.licence(t).replace("\u00a0", " ") == t]
    assert untranslated == []
    assert words.licence("CC BY 4.0") == "CC\u00a0BY\u00a04.0"


@pytest.mark.parametrize(
    "name, said",
    [
        ("Dra. Begoña Ibáñez", "de la Dra. Begoña Ibáñez"),
        ("Dr. Luis Ruiz", "del Dr. Luis Ruiz"),
        ("Mtra. Ana Soto", "de la Mtra. Ana Soto"),
        ("Mtro. Juan Soto", "del Mtro. Juan Soto"),
        ("Lic. María Gómez", "de la Lic. María Gómez"),
        ("Lic. Pedro Gómez", "del Lic. Pedro Gómez"),
        ("Begoña Ibáñez", "de Begoña Ibáñez"),
    ],
)
def test_spanish_puts_the_article_before_a_title(name, said):
    assert from_name("es", name) == said
    assert from_name("en", name) == name


def test_the_note_label_in_a_bilingual_copy_keeps_each_language_right(tmp_path):
    practice = Practice(therapist="Dr. Luis Ruiz")
    personal = make_personal(
        Person(client="Zoë", date="2026-11-23", note="Hola."), practice=practice
    )
    built = build_handout(["where-am-i"], personal, out=tmp_path, options=Options(language="es+en"))
    text = flat(" ".join(pdf_pages_text(built.paths[0])))
    assert "Una nota para usted del Dr. Luis Ruiz" in text
    assert "A note for you from Dr. Luis Ruiz" in text


CHECKLIST = """\
Esta hoja tiene frases largas que cuentan como prosa para medir la lectura de la página entera.

| Persona | Día | Hora |
|---|---|---|
| Ana | Lunes | Diez |
| Luis | Martes | Once |
| Rosa | Jueves | Doce |
| Juan | Viernes | Una |
"""


def test_reading_ease_counts_prose_sentences_not_table_cells(tree):
    with_cells = ease_of(tree, CHECKLIST)
    prose_only = ease_of(tree, CHECKLIST.split("\n\n")[0] + "\n")
    # Each two-syllable cell used to count as a sentence of its own, lifting the score.
    assert abs(with_cells - prose_only) < 8


def test_every_spanish_module_records_its_revision_and_show_prints_it(run):
    from generator.core.content import load_library

    # A measure keeps its official translation's wording: it is not ours to revise.
    ours = [m for m in load_library(language="es").modules.values() if m.kind != "measure"]
    assert all(m.revised and m.revised.date >= "2026-12-06" and m.revised.notes for m in ours)
    shown = run("show", "journey", "--lang", "es")
    assert "Revised:   2026-12-06: Segunda revisión en español" in shown.output


def test_a_revision_needs_a_date_and_what_was_revised(run, tree):
    text = module_text("Text.").replace("sources:", "revised:\n  date: soon\nsources:")
    folder = tree({"x.md": text})
    result = run("check", "x", "--content", folder)  # the one module, not the library
    assert result.exit_code == 1
    assert "front matter 'revised.date': expected a date as YYYY-MM-DD" in result.output
    assert "front matter 'revised.notes': expected text, got nothing" in result.output
