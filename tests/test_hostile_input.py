"""Hostile and careless input: YAML that expands or nests without end, module bodies that try
template code or odd links, Markdown that would take minutes; each refused with file and line."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.api import Person
from generator.core.content import load_library, parse_module
from generator.core.errors import ProblemsFound
from generator.core.profiles import load_practice, make_personal
from generator.core.render import body_html, environment
from generator.core.validate import check_module
from generator.core.yamlfile import parse_yaml
from generator.packets.packet import load_packet
from tests.helpers import module_text, pdf_reader

PATH = Path("mine/modules/sample.md")
BOM = b"\xef\xbb\xbf"
KNOWN = (
    "expected one of client.name, therapist.name, practice.name, session.date, session.number, note"
)
TEMPLATE = (
    "template code is not allowed in a module; use only placeholders such as {{ client.name }}"
)
WEB = "expected a web address (https://...), mailto: or tel:"
# A PNG of 1 x 1 pixel, to stand beside a module.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
)


def front_matter_problems(text: str) -> list[str]:
    module, found = parse_module(PATH, text)
    assert module is None
    return [str(p) for p in found]


def yaml_problem(text: str) -> str:
    with pytest.raises(ProblemsFound) as caught:
        parse_yaml(text, "x.yaml", "the packet", 256_000)
    (problem,) = caught.value.problems
    return str(problem)


def checked(tree, body: str, files: dict | None = None):
    folder = tree({"modules/sample.md": module_text(body), **(files or {})})
    library = load_library([folder])
    return check_module(library.modules["sample"], library.roots)


def body_problems(tree, body: str, files: dict | None = None) -> list[str]:
    _, found = checked(tree, body, files)
    return [str(p).split(": ", 1)[1] for p in found]


def html_of(tree, body: str, files: dict | None = None, client: str = "Zoë <b>") -> str:
    """The body as it would be printed, even when the checks found problems in it."""
    module, _ = checked(tree, body, files)
    return str(body_html(module, environment(), make_personal(Person(client=client))))


def assert_refused(result, tmp_path: Path, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    for text in expected:
        assert text in result.output
    assert "Traceback" not in result.output
    assert "unexpected problem" not in result.output
    assert not (tmp_path / "output").exists()


# --- YAML: one loader for every file -------------------------------------------------------


def test_yaml_aliases_are_refused_so_nothing_can_expand():
    laughs = 'a: &a ["lol", "lol"]\nb: &b [*a, *a]\nc: [*b, *b]\n'
    assert yaml_problem(laughs) == (
        "x.yaml: line 1: the packet: YAML aliases (&name / *name) are not allowed; write each "
        "value out in full"
    )


def test_yaml_duplicate_keys_are_refused_at_any_depth():
    assert yaml_problem("title: A\nsubtitle: B\ntitle: C\n") == (
        "x.yaml: line 3: the packet: key 'title' appears twice (first on line 1)"
    )
    nested = "sessions:\n  - title: A\n    modules: [journey]\n    title: B\n"
    assert yaml_problem(nested) == (
        "x.yaml: line 4: the packet: key 'sessions[1].title' appears twice (first on line 2)"
    )


def test_yaml_nesting_and_long_values_are_bounded():
    assert yaml_problem("a:\n  b: " + "[" * 5000) == (
        "x.yaml: line 2: the packet: nested more than 20 levels deep"
    )
    assert yaml_problem("sessions:\n  - title: " + "x" * 2001 + "\n") == (
        "x.yaml: line 2: the packet: 'sessions[1].title': expected at most 2,000 characters in "
        "one value, got 2,001"
    )


def test_yaml_keeps_the_line_of_nested_keys():
    doc = parse_yaml("a: 1\nb:\n  - c: 2\n\n    d:\n      e: 3\n", "x.yaml", "it", 1000)
    assert doc.data == {"a": 1, "b": [{"c": 2, "d": {"e": 3}}]}
    assert doc.line(("b", 0, "d", "e")) == 6
    assert doc.line(("b", 0, "d")) == 5
    assert doc.line(("b", 0, "no-such-key")) == 3  # the nearest parent's line


def test_front_matter_aliases_duplicates_and_sizes(tree):
    aliased = module_text().replace("title: Test module", "title: &t Test module")
    aliased = aliased.replace("summary: A short test module.", "summary: *t")
    assert front_matter_problems(aliased) == [
        "mine/modules/sample.md: line 2: front matter: YAML aliases (&name / *name) are not "
        "allowed; write each value out in full"
    ]
    twice = module_text().replace("minutes: 5", "minutes: 5\nminutes: 6")
    assert front_matter_problems(twice) == [
        "mine/modules/sample.md: line 8: front matter: key 'minutes' appears twice "
        "(first on line 7)"
    ]
    long = module_text().replace("A short test module.", "x" * 3000)
    assert front_matter_problems(long) == [
        "mine/modules/sample.md: line 4: front matter: 'summary': expected at most 2,000 "
        "characters in one value, got 3,000"
    ]
    huge = module_text().replace("minutes: 5", "minutes: 5\n" + "# padding\n" * 7000)
    assert front_matter_problems(huge) == [
        "mine/modules/sample.md: front matter is too large: expected at most 64 kB"
    ]


def test_deep_front_matter_is_reported_not_a_recursion_error(run, tree, tmp_path):
    text = module_text().replace("kind: handout", "kind: handout\nsubtitle: " + "[" * 5000)
    folder = tree({"deep.md": text})
    result = run("build", "deep", "--content", folder)
    assert_refused(
        result, tmp_path, "Error: mine/deep.md: line 4: front matter: nested more than 20 levels"
    )


def test_a_bom_is_accepted_in_every_file(tree):
    folder = tree(
        {
            "modules/bom.md": BOM + module_text("Hello.").encode(),
            "packets/bom.yaml": BOM + b"title: With a BOM\nmodules: [bom]\n",
            "practice.yaml": BOM + b"name: Riverside\n",
        }
    )
    library = load_library([folder])
    assert library.modules["bom"].title == "Test module"
    assert load_packet(folder / "packets/bom.yaml", library).title == "With a BOM"
    assert load_practice(folder / "practice.yaml").name == "Riverside"


def test_files_that_are_not_utf8_say_where(run, tree, tmp_path):
    folder = tree(
        {
            "packets/latin.yaml": "title: Caf\xe9\nmodules: [journey]\n".encode("latin-1"),
            "practice.yaml": "name: ok\ncontact: Jos\xe9\n".encode("latin-1"),
        }
    )
    result = run("packet", folder / "packets/latin.yaml")
    assert_refused(
        result,
        tmp_path,
        "Error: mine/packets/latin.yaml: line 1: expected UTF-8 text, found a byte it cannot "
        "read at position 10 (0xE9); save the file as UTF-8",
    )
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert_refused(result, tmp_path, "Error: mine/practice.yaml: line 2: expected UTF-8 text")


def test_billion_laughs_in_a_packet_file_is_refused_at_once(run, tree, tmp_path):
    lol = "\n".join(
        [
            "title: Laughs",
            "modules: [journey]",
            'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
            *(
                f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]"
                for p, c in zip("abcdefgh", "bcdefghi", strict=True)
            ),
        ]
    )
    folder = tree({"packets/laughs.yaml": lol})
    result = run("packet", folder / "packets/laughs.yaml")
    assert_refused(
        result,
        tmp_path,
        "Error: mine/packets/laughs.yaml: line 3: the packet: YAML aliases (&name / *name) are "
        "not allowed",
    )


def test_packet_and_profile_sizes_are_bounded(run, tree, tmp_path):
    folder = tree(
        {
            "packets/big.yaml": "title: Big\nmodules: [journey]\n" + "# x\n" * 70_000,
            "practice.yaml": "name: Big\n" + "#" * 70_000,
        }
    )
    result = run("packet", folder / "packets/big.yaml")
    assert_refused(
        result, tmp_path, "Error: mine/packets/big.yaml: the packet is too large: expected at most"
    )
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert_refused(
        result,
        tmp_path,
        "Error: mine/practice.yaml: the practice profile is too large: expected at most 64 kB",
    )


def test_a_duplicate_key_in_a_practice_profile(run, tree, tmp_path):
    folder = tree({"practice.yaml": "name: One\ncontact: x\nname: Two\n"})
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert_refused(
        result,
        tmp_path,
        "Error: mine/practice.yaml: line 3: the practice profile: key 'name' appears twice "
        "(first on line 1)",
    )


def test_bidi_controls_in_a_profile_or_a_regions_file_reverse_nothing_printed(run, tree, tmp_path):
    """A crisis or safety number pasted with an override (U+202E) must not print backwards."""
    line = "    source: x\n    checked: 2026-11-01\n"
    practice = 'name: "\\u202eHarbour Therapy"\ncrisis_line: "Call \\u202e988 now."\n'
    regions = (
        f'ZZ:\n  name: Z\n  crisis:\n    text: {{en: "Call 1"}}\n{line}'
        f'  safety:\n    text: {{en: "Text \\u202e555-0123 \\u200fnow."}}\n{line}'
    )
    folder = tree({"practice.yaml": practice, "regions.yaml": regions})
    profile = folder / "practice.yaml"
    assert load_practice(profile).crisis_line == "Call 988 now."
    out = tmp_path / "out"
    module = "codependency-vs-interdependence"  # it prints the safety line too
    result = run(
        "build", module, "--region", "ZZ", "--practice", profile, "--content", folder, "--out", out
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    first = " ".join(pdf_reader(out / f"{module}.pdf").pages[0].extract_text().split())
    assert "Harbour Therapy" in first and "Call 988 now." in first
    assert "Text 555-0123 now." in first


def test_a_profile_of_lists_and_mappings_reports_every_key(run, tree, tmp_path):
    keys = ["font", "paper", "language", "region", "logo", "brand_color", "name", "crisis_line"]
    text = "".join(f"{key}: {'[a]' if index % 2 else '{a: 1}'}\n" for index, key in enumerate(keys))
    folder = tree({"practice.yaml": text})
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert_refused(result, tmp_path, f"Error: {len(keys)} problems found:")
    for line, key in enumerate(keys, 1):
        assert f"mine/practice.yaml: line {line}: '{key}': expected" in result.output


def test_a_regions_file_is_read_as_carefully_as_the_rest(run, tree, tmp_path):
    line = "{text: {en: Call 1}, source: x, checked: 2026-11-01}"
    folder = tree(
        {
            "regions.yaml": f"ZZ:\n  name: Z\n  crisis: &c {line}\n  safety: *c\n",
            "modules/x.md": module_text("Text."),
        }
    )
    result = run("build", "x", "--region", "ZZ", "--content", folder)
    assert_refused(
        result,
        tmp_path,
        "mine/regions.yaml: line 3: the regions file: YAML aliases (&name / *name) are not allowed",
    )
    (folder / "regions.yaml").write_bytes(b"ZZ:\n  name: Z\xe9\n")
    result = run("build", "x", "--region", "ZZ", "--content", folder)
    assert_refused(result, tmp_path, "mine/regions.yaml: line 2: expected UTF-8 text")


# --- module bodies: what Jinja would have seen is never a template ----------------------------


def test_escaped_braces_are_refused_and_never_evaluated(tree):
    body = r"Hi \{\{ 7*7 \}\} there"
    assert body_problems(tree, body) == [
        "line 15: template code is not allowed in a module, even written with backslashes "
        "('\\{' prints as '{'); use only placeholders such as {{ client.name }}"
    ]
    html = html_of(tree, body)
    assert "{{ 7*7 }}" in html and "49" not in html


def test_a_placeholder_split_across_lines_is_refused_and_never_evaluated(tree):
    body = "Hi {{\n7*7 }} there, {{ client.name\n}}"
    assert body_problems(tree, body) == [f"line 15: unknown placeholder '{{{{ 7*7 }}}}'; {KNOWN}"]
    html = html_of(tree, body)
    assert "49" not in html and "{{\n7*7 }}" in html
    assert "Zoë &lt;b&gt;" in html  # a known one may span lines, as Jinja allowed


def test_filters_and_template_tags_are_refused(tree):
    body = "Hi {{ client.name | safe }}\n\n{% raw %}{{ 7*7 }}{% endraw %}\n\n{# note #}"
    assert body_problems(tree, body) == [
        f"line 15: unknown placeholder '{{{{ client.name | safe }}}}'; {KNOWN}",
        f"line 17: unknown placeholder '{{{{ 7*7 }}}}'; {KNOWN}",
        f"line 17: {TEMPLATE}",
        f"line 19: {TEMPLATE}",
    ]
    html = html_of(tree, body, client="<b>bold</b>")
    assert "<b>bold</b>" not in html and "49" not in html


def test_placeholders_are_filled_in_text_code_and_link_words(tree):
    body = (
        "Hi {{client.name}}, `{{ client.name }}` and [for {{ client.name }}](https://example.org)"
        "\n\n::: lines 2\nWhat does {{ client.name }} want?\n:::\n"
    )
    assert body_problems(tree, body) == []
    html = html_of(tree, body)
    name = "<bdi>Zoë &lt;b&gt;</bdi>"  # escaped, and isolated as every name is
    assert f"Hi {name}," in html
    assert f"<code>{name}</code>" in html
    assert f'<a href="https://example.org">for {name}</a>' in html
    assert f'<p class="prompt">What does {name} want?</p>' in html


def test_a_placeholder_in_an_attribute_is_plain_text(tree):
    body = "![A photo for {{ client.name }}](photo.png)"
    files = {"modules/photo.png": PIXEL}
    assert body_problems(tree, body, files) == []
    assert 'alt="A photo for Zoë &lt;b&gt;"' in html_of(tree, body, files)
    # With no name given, the blank line to write on is a span: in an attribute, a blank.
    assert 'alt="A photo for ____"' in html_of(tree, body, files, client="")


def test_a_placeholder_in_a_link_address_is_refused(tree):
    body = "[site](https://example.org/{{ client.name }})"
    assert body_problems(tree, body) == [
        "line 15: link 'https://example.org/{{ client.name }}': a placeholder cannot be part "
        "of a link's address"
    ]
    assert "href" not in html_of(tree, body)


# --- links: only web addresses, mailto and tel reach the PDF -------------------------------


@pytest.mark.parametrize(
    ("body", "line", "target"),
    [
        ("[x][ref]\n\n[ref]: javascript:alert(1)", 17, "javascript:alert(1)"),
        ("[x][ref]\n\n[ref]: file:///etc/passwd", 17, "file:///etc/passwd"),
        ("[x]\n\n[x]: file:///etc/passwd", 17, "file:///etc/passwd"),
        ("<file:///etc/passwd>", 15, "file:///etc/passwd"),
        ("<ftp://example.org/x>", 15, "ftp://example.org/x"),
        ("[x](<javascript:alert(1)>)", 15, "javascript:alert(1)"),
        ("[x](&#104;ttps://example.org)", 15, "&#104;ttps://example.org"),
        ("[a [b] c](notes.md)", 15, "notes.md"),
        ("[![Photo](photo.png)](javascript:alert(1))", 15, "javascript:alert(1)"),
    ],
)
def test_links_that_are_not_web_addresses_are_refused_however_written(tree, body, line, target):
    files = {"modules/photo.png": PIXEL}
    assert body_problems(tree, body, files) == [f"line {line}: link '{target}': {WEB}"]
    html = html_of(tree, body, files)
    assert re.findall(r'href="([^"]*)"', html) == []
    assert "javascript" not in html.split(">", 1)[0]


def test_images_by_reference_are_vetted_too(tree):
    body = "![Secret][pic]\n\n[pic]: file:///etc/passwd"
    assert body_problems(tree, body) == [
        "line 17: image 'file:///etc/passwd': only image files inside the content folder can "
        "be used, given as a path relative to the module (no web or file: addresses)"
    ]
    assert "<img" not in html_of(tree, body)


def test_raw_html_links_are_refused(tree):
    assert body_problems(tree, '<a href="file:///etc/passwd">x</a>') == [
        "line 15: raw HTML is not allowed in a module, got '<a href=\"file:///etc/passwd\">'; "
        "use Markdown or a worksheet component instead",
        "line 15: raw HTML is not allowed in a module, got '</a>'; use Markdown or a worksheet "
        "component instead",
    ]


def test_only_web_mail_and_phone_links_reach_the_pdf(run, tree, tmp_path):
    body = (
        "[Site](https://example.org/help) [Ref][r] <https://example.org/auto> "
        "<help@example.org> [Call](tel:+15551234567)\n\n[r]: http://example.org/ref\n"
    )
    folder = tree({"links.md": module_text(body)})
    result = run("build", "links", "--content", folder, "--out", tmp_path / "links.pdf")
    assert result.exit_code == 0, result.output
    page = pdf_reader(tmp_path / "links.pdf").pages[0]
    uris = [a.get_object()["/A"]["/URI"] for a in page["/Annots"] if "/A" in a.get_object()]
    assert sorted(uris) == [
        "http://example.org/ref",
        "https://example.org/auto",
        "https://example.org/help",
        "mailto:help@example.org",
        "tel:+15551234567",
    ]


def test_a_bad_link_stops_the_build_with_its_line(run, tree, tmp_path):
    folder = tree({"bad.md": module_text("[x][r]\n\n[r]: javascript:alert(1)")})
    result = run("build", "bad", "--content", folder)
    assert_refused(result, tmp_path, "Error: mine/bad.md: line 17: link 'javascript:alert(1)'")


# --- Markdown that would recurse or take minutes ------------------------------------------


def test_deep_quotes_and_lists_are_refused_before_markdown(tree):
    assert body_problems(tree, ">" * 5000 + " deep") == [
        "line 15: nested 5000 levels deep (quotes, lists or indents of four spaces); "
        "expected at most 10"
    ]
    lists = "".join("\t" * level + "- item\n" for level in range(30))
    assert body_problems(tree, lists)[0] == (
        "line 25: nested 11 levels deep (quotes, lists or indents of four spaces); "
        "expected at most 10"
    )


def test_brackets_and_long_paragraphs_are_refused_before_markdown(tree):
    assert body_problems(tree, "[" * 30_000) == [
        "line 15: 30,000 characters without a blank line; expected at most 200 lines and "
        "10,000 characters in one paragraph, list or table",
        "line 15: 30000 '[' open at once; expected at most 10 (write \\[ for a bracket that is "
        "not a link)",
    ]
    assert body_problems(tree, "x " + "[a](b " * 60) == [
        "line 15: 60 links in one paragraph; expected at most 50"
    ]
    assert body_problems(tree, "- item\n" * 3000) == [
        "the text is too long: expected at most 50,000 characters and 2,000 lines, got 3,001 lines"
    ]


def test_emphasis_nested_too_deep_is_refused(tree):
    assert body_problems(tree, "**a *" * 30 + "x" + "* a**" * 30) == [
        "the text is nested more than 40 levels deep (emphasis, links, quotes or lists inside "
        "each other)"
    ]


PATHOLOGICAL = [
    "[" * 45_000,
    ">" * 45_000 + " x",
    "*" * 45_000,
    "[a](" * 11_000,
    "x\n" + "\t" * 40_000 + "- x",
]


def test_pathological_markdown_is_refused_quickly(tree, tmp_path):
    folder = tree({f"slow-{n}.md": module_text(body) for n, body in enumerate(PATHOLOGICAL)})
    ids = [f"slow-{n}" for n in range(len(PATHOLOGICAL))]
    # The timeout only guards the test run: Markdown took minutes on these before the limits.
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", *ids, "--content", str(folder)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("Error: ")
    assert [i for i in ids if f"mine/{i}.md: line 1" not in done.stderr] == []  # each one refused
    assert "Traceback" not in done.stderr and "unexpected problem" not in done.stderr
    assert not (tmp_path / "output").exists()


def test_a_long_body_is_refused(tree):
    assert body_problems(tree, "word " * 12_000) == [
        "the text is too long: expected at most 50,000 characters and 2,000 lines, "
        "got 60,001 characters"
    ]


def test_a_module_file_that_is_too_large_says_so(tree):
    folder = tree({"big.md": module_text("x" * 400_000)})
    (problem,) = load_library([folder]).problems
    assert str(problem).endswith("big.md: the file is too large: expected at most 300 kB")


def test_an_ordinary_long_module_still_checks_clean(tree):
    section = textwrap.dedent(
        """\
        ## A part

        Some words with *emphasis*, a [link](https://example.org) and `code`.

        - one
        - two
            - nested

        > A quote.

        """
    )
    assert body_problems(tree, section * 40) == []
