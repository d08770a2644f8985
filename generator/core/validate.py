"""Check module bodies before rendering: components, placeholders, HTML, images, links."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .components import Component, split_body
from .content import Module
from .errors import Problem, raise_if

PLACEHOLDERS = (
    "client.name",
    "therapist.name",
    "practice.name",
    "session.date",
    "session.number",
    "note",
)
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
TEMPLATE_CODE = re.compile(r"\{%|\{#|%\}|#\}")
HTML_TAG = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]*)")
WEB_LINK = re.compile(r"^(?:https?://|mailto:|tel:)", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True)
class CheckedModule:
    """A module whose body passed every check, cut into Markdown text and components."""

    module: Module
    segments: tuple[str | Component, ...]
    # In a bilingual copy: the same module in the language printed beside it, in step with it.
    beside: CheckedModule | None = None


def check_modules(modules: Iterable[Module], roots: Iterable[Path]) -> tuple[CheckedModule, ...]:
    """Check every module; raise with all problems of all modules at once."""
    checked, problems = [], []
    for module in modules:
        result, found = check_module(module, roots)
        checked.append(result)
        problems += found
    raise_if(problems)
    return tuple(checked)


def check_module(module: Module, roots: Iterable[Path]) -> tuple[CheckedModule, list[Problem]]:
    """Every problem in one module's body, and the body cut into its parts."""
    segments, problems = split_body(module.where, module.body, module.body_line)
    for number, line in enumerate(module.body.split("\n"), start=module.body_line):
        problems += [
            Problem(module.where, message, number)
            for message in _line_problems(module, line, tuple(roots))
        ]
    if module.kind == "worksheet" and not any(isinstance(s, Component) for s in segments):
        problems.append(
            Problem(
                module.where,
                "a worksheet needs at least one component "
                "(for example '::: lines 4') for the reader's answers",
            )
        )
    problems.sort(key=lambda p: p.line or 0)
    return CheckedModule(module, segments), problems


def _line_problems(module: Module, line: str, roots: tuple[Path, ...]) -> list[str]:
    return [
        *_template_problems(line),
        *_html_problems(line),
        *_image_problems(module, line, roots),
        *_link_problems(line),
    ]


def _template_problems(line: str) -> list[str]:
    found = []
    if TEMPLATE_CODE.search(PLACEHOLDER.sub("", line)):
        found.append(
            "template code is not allowed in a module; "
            "use only placeholders such as {{ client.name }}"
        )
    for match in PLACEHOLDER.finditer(line):
        name = match.group(1).strip()
        if name not in PLACEHOLDERS:
            found.append(
                f"unknown placeholder '{{{{ {name} }}}}'; expected one of {', '.join(PLACEHOLDERS)}"
            )
    return found


def _html_problems(line: str) -> list[str]:
    return [
        f"raw HTML is not allowed in a module, got {match.group(0)!r}; "
        "use Markdown or a worksheet component instead"
        for match in HTML_TAG.finditer(line)
    ]


def _image_problems(module: Module, line: str, roots: tuple[Path, ...]) -> list[str]:
    found = []
    for match in IMAGE.finditer(line):
        alt, target = match.group(1).strip(), match.group(2)
        if SCHEME.match(target) or target.startswith(("/", "\\")):
            found.append(
                f"image '{target}': only image files inside the content folder can be "
                "used, given as a path relative to the module (no web or file: addresses)"
            )
            continue
        path = image_path(module, target)
        if not any(path.is_relative_to(root) for root in roots):
            found.append(f"image '{target}': expected a file inside the content folder")
        elif not path.is_file():
            found.append(f"image '{target}': file not found next to the module")
        if not alt:
            found.append(
                f"image '{target}': expected a description in the brackets, "
                "e.g. ![Two hands holding](hands.png)"
            )
    return found


def image_path(module: Module, target: str) -> Path:
    """Where an image named in a module lives: relative to the module's own file."""
    return (module.path.parent / target).resolve()


def _link_problems(line: str) -> list[str]:
    return [
        f"link '{match.group(1)}': expected a web address (https://...), mailto: or tel:"
        for match in LINK.finditer(line)
        if not WEB_LINK.match(match.group(1))
    ]
