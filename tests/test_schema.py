"""The one schema helper: each validator, nested line numbers, every problem at once, and the
four kinds of file (plus regions and component options) all checked through it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.core.errors import ProblemsFound
from generator.core.schema import (
    Check,
    Choice,
    Date,
    FileRef,
    Flag,
    Integer,
    Keys,
    ListOf,
    Pattern,
    Rule,
    Text,
    check,
)
from generator.core.yamlfile import parse_yaml

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def problems_of(rule, text: str, **context) -> list[str]:
    doc = parse_yaml(text, "f.yaml", "the file", 10_000)
    with pytest.raises(ProblemsFound) as caught:
        check(rule, doc.data, "f.yaml", doc=doc, **context)
    return [str(problem) for problem in caught.value.problems]


def value_of(rule, text: str, **context):
    doc = parse_yaml(text, "f.yaml", "the file", 10_000)
    return check(rule, doc.data, "f.yaml", doc=doc, **context)


PERSON = Keys(
    {
        "name": Text(20, required=True),
        "age": Integer(0, 130),
        "kind": Choice(("client", "carer")),
        "since": Date(),
        "active": Flag(default=True),
        "tags": ListOf(Pattern(re.compile(r"^[a-z]+$"), "lowercase letters"), most=3),
    }
)


def test_values_come_back_checked_converted_and_defaulted():
    values = value_of(PERSON, "name: '  Ana '\nage: 40\nsince: 2026-01-02\ntags: [a, b]\n")
    assert values == {
        "name": "Ana",
        "age": 40,
        "since": dt.date(2026, 1, 2),
        "tags": ("a", "b"),
        "kind": None,
        "active": True,
    }


def test_every_problem_is_reported_at_once_with_its_own_line():
    text = (
        "name: ''\n"
        "age: 200\n"
        "kind: friend\n"
        "since: 02/01/2026\n"
        "active: maybe\n"
        "tags:\n"
        "  - ok\n"
        "  - Not OK\n"
        "nmae: x\n"
    )
    assert problems_of(PERSON, text) == [
        "f.yaml: line 1: 'name': expected text of up to 20 characters, got ''",
        "f.yaml: line 2: 'age': expected a whole number from 0 to 130, got 200 (number)",
        "f.yaml: line 3: 'kind': expected client or carer, got 'friend'",
        "f.yaml: line 4: 'since': expected a date as YYYY-MM-DD, e.g. 2026-11-22, got '02/01/2026'",
        "f.yaml: line 5: 'active': expected yes or no (true or false), got 'maybe'",
        "f.yaml: line 8: 'tags[2]': expected lowercase letters, got 'Not OK'",
        "f.yaml: line 9: 'nmae': unknown key; did you mean 'name'?",
    ]


def test_nested_keys_give_their_own_line_and_path():
    rule = Keys({"sessions": ListOf(Keys({"plan": ListOf(Keys({"minutes": Integer(1, 9)}))}))})
    text = "sessions:\n  - plan:\n      - minutes: 5\n      - minutes: 50\n"
    assert problems_of(rule, text) == [
        "f.yaml: line 4: 'sessions[1].plan[2].minutes': expected a whole number from 1 to 9, "
        "got 50 (number)"
    ]


def test_a_missing_key_points_at_the_mapping_it_belongs_in():
    rule = Keys({"people": ListOf(PERSON)})
    assert problems_of(rule, "people:\n  - age: 3\n  - name: Bo\n") == [
        "f.yaml: line 2: 'people[1].name': expected text of up to 20 characters, got nothing"
    ]


def test_a_key_left_empty_counts_as_left_out_and_blank_text_too_where_allowed():
    assert value_of(PERSON, "name: Ana\nage:\n")["age"] is None
    profile = Keys({"name": Text(), "paper": Choice(("a4",))}, blank=True)
    assert value_of(profile, "name: ''\npaper: ' '\n") == {"name": "", "paper": None}


def test_aliases_lists_of_one_and_the_longest_list():
    rule = Keys(
        {
            "colour": Text(),
            "who": ListOf(Choice(("a", "b")), one=True),
            "few": ListOf(Text(), most=2),
        },
        aliases={"color": "colour"},
    )
    values = value_of(rule, "color: red\nwho: a\n")
    assert values["colour"] == "red" and values["who"] == ("a",)
    assert problems_of(rule, "few: [x, y, z]\n") == [
        "f.yaml: line 1: 'few': expected a list of text, at most 2, got 3"
    ]


def test_then_checks_values_together_and_build_makes_the_result():
    def adds_up(values, run, at):
        if values["low"] > values["high"]:
            run.problem((*at, "low"), "expected at most 'high'")

    rule = Keys(
        {"low": Integer(0, 9, required=True), "high": Integer(0, 9, required=True)},
        then=adds_up,
        build=lambda values: range(values["low"], values["high"]),
    )
    assert value_of(rule, "low: 1\nhigh: 3\n") == range(1, 3)
    assert problems_of(rule, "low: 5\nhigh: 3\n") == [
        "f.yaml: line 1: 'low': expected at most 'high'"
    ]


def test_rules_from_elsewhere_and_text_on_one_line():
    paper = Rule(lambda v: None if v in ("a4", "letter") else f"expected a4 or letter, got {v!r}")
    rule = Keys({"paper": paper, "line": Text(one_line=True)})
    assert problems_of(rule, 'paper: legal\nline: "two\\nlines"\n') == [
        "f.yaml: line 1: 'paper': expected a4 or letter, got 'legal'",
        "f.yaml: line 2: 'line': expected text (one line of text), found a line break (U+000A)",
    ]


@pytest.mark.parametrize(
    "escaped, named",
    [
        ("\\u2028", "a line separator (U+2028)"),
        ("\\u2029", "a paragraph separator (U+2029)"),
        ("\\x85", "a next-line character (U+0085)"),
        ("\\v", "a control character (U+000B)"),
        ("\\f", "a control character (U+000C)"),
    ],
)
def test_text_on_one_line_refuses_every_line_and_paragraph_separator(escaped, named):
    rule = Keys({"name": Text(one_line=True, expect="a name")})
    assert problems_of(rule, f'name: "Harbour{escaped}Therapy"\n') == [
        f"f.yaml: line 1: 'name': expected a name (one line of text), found {named}"
    ]
    assert value_of(Keys({"note": Text()}), 'note: "one\\u2028two"\n')["note"] == "one\u2028two"


def test_file_references_are_relative_to_the_input_and_inspected(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"x" * 10)
    (tmp_path / "big.png").write_bytes(b"x" * 2_000)

    def inspect(file):
        return "expected a picture" if file.read_bytes().startswith(b"x") else None

    rule = Keys({"a": FileRef((".png",), 1_000, inspect), "b": FileRef((".png",), 1_000)})
    text = "a: logo.png\nb: big.png\n"
    assert problems_of(rule, text, base=tmp_path) == [
        "f.yaml: line 1: 'a': 'logo.png': expected a picture",
        "f.yaml: line 2: 'b': 'big.png': expected at most 0.001 MB, the file has 0.0 MB",
    ]
    rule = Keys({"a": FileRef((".png",), 1_000)})
    assert value_of(rule, "a: logo.png\n", base=tmp_path)["a"] == (tmp_path / "logo.png").resolve()
    assert "no such file" in problems_of(rule, "a: gone.png\n", base=tmp_path)[0]


def test_input_that_is_not_yaml_gives_one_line_and_a_label():
    run = Check("w.md", label="component 'lines': option ", line=12)
    assert run.value(Integer(1, 20, text=True), "7", ("count",)) == 7
    run.value(Integer(1, 20, text=True), "x", ("count",))
    assert [str(p) for p in run.problems] == [
        "w.md: line 12: component 'lines': option 'count': expected a whole number from 1 to 20, "
        "got 'x'"
    ]


def test_every_yaml_file_is_read_by_the_one_reader_and_checked_by_the_schema():
    """No module but yamlfile imports PyYAML, and none but schema defines a checker of its own:
    the four kinds of file, regions and component options are all described with its fields."""
    readers, checkers = [], []
    for path in GENERATOR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^\s*(import yaml|from yaml)", text, re.M) and path.name != "yamlfile.py":
            readers.append(path.name)
        if re.search(r"unknown key", text) and path.name != "schema.py":
            checkers.append(path.name)
    assert readers == [] and checkers == []
    for name in ("core/content.py", "packets/packet.py", "core/profiles.py", "core/safety.py"):
        assert "Keys(" in (GENERATOR / name).read_text(encoding="utf-8"), name
    assert "Integer(" in (GENERATOR / "core/components.py").read_text(encoding="utf-8")
