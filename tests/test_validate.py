"""Body checks: placeholders, template code, raw HTML, images and links; all reported at once."""

from __future__ import annotations

import pytest

from generator.core.content import load_library
from generator.core.errors import ProblemsFound
from generator.core.validate import check_module, check_modules
from tests.helpers import module_text


def body_problems(tree, body: str, kind: str = "handout", files=None) -> list[str]:
    folder = tree({"modules/sample.md": module_text(body, kind=kind), **(files or {})})
    library = load_library([folder])
    _, found = check_module(library.modules["sample"], library.roots)
    return [str(p).split(": ", 1)[1] for p in found]


def test_clean_body_has_no_problems(tree):
    assert body_problems(tree, "Hello {{ client.name }}, see {{ session.date }}.") == []


def test_template_code_is_refused(tree):
    assert body_problems(tree, "{{ ''.__class__.__mro__ }}\n{% for x in y %}") == [
        "line 15: unknown placeholder '{{ ''.__class__.__mro__ }}'; expected one of client.name, "
        "therapist.name, practice.name, session.date, session.number, note",
        "line 16: template code is not allowed in a module; use only placeholders such as "
        "{{ client.name }}",
    ]


def test_raw_html_is_refused(tree):
    assert body_problems(tree, "Hi <script>alert(1)</script>") == [
        "line 15: raw HTML is not allowed in a module, got '<script>'; use Markdown or a "
        "worksheet component instead",
        "line 15: raw HTML is not allowed in a module, got '</script>'; use Markdown or a "
        "worksheet component instead",
    ]


@pytest.mark.parametrize("target", ["file:///etc/passwd", "http://example.com/x.png", "/etc/x"])
def test_images_from_outside_are_refused(tree, target):
    assert body_problems(tree, f"![A picture]({target})") == [
        f"line 15: image '{target}': only image files inside the content folder can be used, "
        "given as a path relative to the module (no web or file: addresses)"
    ]


def test_image_escaping_the_content_folder_is_refused(tree):
    assert body_problems(tree, "![Secret](../../../etc/passwd)") == [
        "line 15: image '../../../etc/passwd': expected a file inside the content folder"
    ]


def test_image_needs_a_file_and_alt_text(tree):
    assert body_problems(tree, "![](missing.png)") == [
        "line 15: image 'missing.png': file not found next to the module",
        "line 15: image 'missing.png': expected a description in the brackets, e.g. "
        "![Two hands holding](hands.png)",
    ]


def test_local_links_are_refused_but_web_links_are_fine(tree):
    assert body_problems(tree, "[site](https://example.org) [x](notes.md)") == [
        "line 15: link 'notes.md': expected a web address (https://...), mailto: or tel:"
    ]


def test_worksheet_without_a_component(tree):
    assert body_problems(tree, "Only text.", kind="worksheet") == [
        "a worksheet needs at least one component (for example '::: lines 4') for the "
        "reader's answers"
    ]


def test_problems_from_several_modules_come_together(tree):
    folder = tree(
        {
            "one.md": module_text("<b>bold</b>"),
            "two.md": module_text("::: nope\n:::"),
        }
    )
    library = load_library([folder])
    with pytest.raises(ProblemsFound) as caught:
        check_modules(library.select(["one", "two"]), library.roots)
    assert len(caught.value.problems) == 3
    assert caught.value.message.startswith("3 problems found:\n")
