"""Loading modules: front matter schema, YAML errors, the library and its overlays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.core.content import load_library, parse_module
from generator.core.errors import HandoutError, ProblemsFound
from generator.core.sources import Citation, Source, citations
from tests.helpers import module_text

PATH = Path("mine/modules/sample.md")


def problems(text: str) -> list[str]:
    module, found = parse_module(PATH, text)
    assert module is None
    return [str(p) for p in found]


def test_valid_module_parses_every_field():
    module, found = parse_module(PATH, module_text("Hello {{ client.name }}.", kind="worksheet"))
    assert found == []
    assert module.id == "sample"
    assert module.kind == "worksheet"
    assert module.topics == ("testing",)
    assert module.sources[0].year == 2026
    assert module.body == "Hello {{ client.name }}.\n"
    assert module.body_line == 15


def test_wrong_kind_names_file_field_and_expectation():
    text = module_text().replace("kind: handout", "kind: sheet")
    assert problems(text) == [
        "mine/modules/sample.md: line 3: front matter 'kind': expected handout or worksheet or "
        "measure, got 'sheet'"
    ]


def test_missing_and_wrongly_typed_fields_are_all_reported_at_once():
    text = module_text().replace("minutes: 5\n", "").replace("topics: [testing]", "topics: testing")
    text = text.replace("language: en", "language: English")
    assert problems(text) == [
        "mine/modules/sample.md: line 5: front matter 'topics': expected a list of topics, "
        "e.g. [journey], got 'testing'",
        "mine/modules/sample.md: line 7: front matter 'language': expected a language code "
        "such as en or en-US, got 'English'",
        # A key left out is pointed at the mapping it belongs in: here, the front matter.
        "mine/modules/sample.md: line 2: front matter 'minutes': expected a whole number of "
        "minutes from 1 to 240, got nothing",
    ]


def test_minutes_given_as_text_says_so():
    text = module_text().replace("minutes: 5", 'minutes: "5"')
    assert problems(text) == [
        "mine/modules/sample.md: line 7: front matter 'minutes': expected a whole number of "
        "minutes from 1 to 240, got '5'"
    ]


def test_unknown_key_suggests_the_closest_one():
    text = module_text().replace("minutes: 5", "minutes: 5\nsumary: typo")
    assert problems(text) == [
        "mine/modules/sample.md: line 8: front matter 'sumary': unknown key; "
        "did you mean 'summary'?"
    ]


def test_malformed_yaml_gives_the_line_number():
    text = module_text().replace("summary: A short test module.", "summary: [unclosed")
    (message,) = problems(text)
    assert message.startswith("mine/modules/sample.md: line 5: front matter is not valid YAML:")


def test_missing_front_matter():
    assert problems("# Just markdown\n") == [
        "mine/modules/sample.md: expected front matter between '---' lines at the top"
    ]


def test_bad_sources_name_each_entry_and_key():
    text = module_text().replace("    year: 2026\n", "    year: soon\n")
    text = text.replace("    licence: original\n", "    licence: original\n  - just a string\n")
    assert problems(text) == [
        "mine/modules/sample.md: line 12: front matter 'sources[1].year': expected a year such "
        "as 1989, got 'soon'",
        "mine/modules/sample.md: line 14: front matter 'sources[2]': expected author, title, year "
        "and licence, got 'just a string'",
    ]


def test_empty_sources_is_a_problem():
    text = module_text().split("sources:")[0] + "sources: []\n---\nBody\n"
    assert problems(text) == [
        "mine/modules/sample.md: line 9: front matter 'sources': expected a list of sources, "
        "each with author, title, year and licence, got [] (list)"
    ]


@pytest.mark.parametrize(
    ("author", "short"),
    [
        ("John Bowlby", "Bowlby"),
        ("Mary D. Salter Ainsworth", "Ainsworth"),
        ("Mary Main and Judith Solomon", "Main & Solomon"),
        ("Francis J. Flynn and Vanessa K. B. Lake", "Flynn & Lake"),
        ("Mary D. S. Ainsworth, Mary C. Blehar, Everett Waters and Sally Wall", "Ainsworth et al."),
        # Surname and initials, as a journal's reference list writes them
        ("Kroenke K, Spitzer RL, Williams JB", "Kroenke et al."),
        ("Spitzer RL, Kroenke K, Williams JB, Löwe B", "Spitzer et al."),
        ("Main M and Solomon J", "Main & Solomon"),
        ("Kroenke K", "Kroenke"),
        # Surname, then initials after a comma
        ("Bowlby, J.", "Bowlby"),
        ("Main, M., & Solomon, J.", "Main & Solomon"),
        ("Stanley, B. & Brown, G. K.", "Stanley & Brown"),
        ("Ainsworth, M. D. S., Blehar, M. C., Waters, E., & Wall, S.", "Ainsworth et al."),
        ("van IJzendoorn, M. H.", "van IJzendoorn"),
        # A group, or the contributors, as written
        ("Handouts project contributors", "Handouts project contributors"),
        ("Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues; Pfizer Inc.",
         "Spitzer et al."),
    ],
)  # fmt: skip
def test_the_sources_line_names_each_author_by_surname_in_every_style(author, short):
    assert Source(author, "A title", 2001, "CC BY 4.0").short_author == short


def test_sources_that_shorten_alike_are_told_apart_by_a_letter_after_the_year():
    cited = citations(
        [
            Source("Robert L. Spitzer, Kurt Kroenke and colleagues", "The form", 2006, "free"),
            Source("Spitzer RL, Kroenke K, Williams JB, Löwe B", "The paper", 2006, "cited"),
            Source("John Bowlby", "Attachment", 1969, "idea"),
            Source("Bowlby, J.", "Separation", 1973, "idea"),
            Source("Spitzer, R. L., Williams, J. B. W., & Kroenke, K.", "Another", 2006, "x"),
        ]
    )
    assert [(c.author, c.year) for c in cited] == [
        ("Spitzer et al.", "2006a"),
        ("Spitzer et al.", "2006b"),
        ("Bowlby", "1969"),  # the same author in another year: nothing to tell apart
        ("Bowlby", "1973"),
        ("Spitzer et al.", "2006c"),
    ]
    assert cited[0] == Citation("Spitzer et al.", "2006a", "free")
    assert citations([Source("Mary Main", "A", 1990, "idea")])[0].year == "1990"


def test_no_library_module_cites_two_sources_alike():
    for language in ("en", "es"):
        for module in load_library(language=language).modules.values():
            labels = [f"{c.author} {c.year}" for c in module.citations]
            assert len(set(labels)) == len(labels), (module.id, labels)
    gad7 = load_library().modules["gad-7"].citations
    assert [f"{c.author} {c.year}" for c in gad7] == [
        "Spitzer et al. 2006a",
        "Spitzer et al. 2006b",
    ]


def test_no_library_source_is_cited_by_initials():
    initials = re.compile(r"^(?:[A-Z]{1,3}|(?:[A-Z]\.\s*)+)(?: et al\.| & |$)")
    for language in ("en", "es"):
        for module in load_library(language=language).modules.values():
            for source in module.sources:
                assert not initials.match(source.short_author), (module.id, source.author)


def test_user_module_shadows_builtin_with_a_notice(tree):
    folder = tree({"modules/journey.md": module_text("Mine.", title="My journey")})
    library = load_library([folder])
    assert library.modules["journey"].title == "My journey"
    assert library.notices == (
        f"notice: {folder / 'modules/journey.md'} replaces the built-in module 'journey'",
    )


def test_user_folder_without_modules_subfolder_works(tree):
    folder = tree({"asking.md": module_text()})
    assert "asking" in load_library([folder]).modules


def test_unknown_id_suggests_close_ids():
    library = load_library()
    with pytest.raises(HandoutError) as caught:
        library.select(["journy", "zzzz"])
    assert caught.value.message == (
        "unknown module 'journy'; did you mean journey?\n"
        "unknown module 'zzzz'; 'handouts list' shows them all"
    )


def test_a_broken_module_is_reported_when_asked_for(tree):
    folder = tree({"broken.md": module_text().replace("kind: handout", "kind: 3")})
    library = load_library([folder])
    with pytest.raises(ProblemsFound) as caught:
        library.select(["broken"])
    assert "front matter 'kind': expected handout or worksheet or measure, got 3 (number)" in str(
        caught.value.message
    )


def test_bad_file_name_and_bad_encoding(tree):
    folder = tree({"Bad Name.md": module_text(), "latin.md": "caf\xe9".encode("latin-1")})
    messages = [str(p) for p in load_library([folder]).problems]
    assert any("Bad Name.md: file name: expected lowercase words" in m for m in messages)
    assert (
        f"{folder / 'latin.md'}: line 1: expected UTF-8 text, found a byte it cannot read at "
        "position 3 (0xE9); save the file as UTF-8" in messages
    )


def test_builtin_library_loads_cleanly():
    library = load_library()
    assert library.problems == ()
    assert {"journey", "codependency-vs-interdependence", "where-am-i"} <= set(library.modules)
