"""Worksheet components: the ':::' blocks in a module body, parsed and checked."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import Problem
from .languages import N_
from .schema import Check, Field, Integer, Text

OPEN = re.compile(r"^:::\s*([A-Za-z][\w-]*)(.*)$")
CLOSE = re.compile(r"^:::\s*$")
ITEM = re.compile(r"^[-*]\s+(.+)$")
TEXT_LIMIT = 40


def _count(default: int, most: int) -> Integer:
    return Integer(1, most, text=True, default=default)


def _words(default: str, limit: int = TEXT_LIMIT) -> Text:
    return Text(limit, default=default)


@dataclass(frozen=True)
class Spec:
    """What a component accepts: its options (some may be given by position) and its body."""

    options: Mapping[str, Field] = field(default_factory=dict)
    positional: tuple[str, ...] = ()
    body: str = "prompt"  # "prompt": free text; "items": a '- item' list
    min_items: int = 0
    max_items: int = 0
    item_name: str = "items"


SPECS: dict[str, Spec] = {
    "lines": Spec({"count": _count(3, 20)}, ("count",)),
    "box": Spec({"count": _count(5, 20)}, ("count",)),
    "checklist": Spec(body="items", min_items=1, max_items=15),
    "scale": Spec({"left": _words(N_("Not at all")), "right": _words(N_("Very much"))}),
    "journey-map": Spec(),
    "key-points": Spec(body="items", min_items=3, max_items=4, item_name="key points"),
    "table": Spec(
        {"rows": _count(4, 12)},
        ("rows",),
        body="items",
        min_items=2,
        max_items=4,
        item_name="column headings",
    ),
    "log": Spec(
        {"days": _count(7, 14)},
        ("days",),
        body="items",
        min_items=1,
        max_items=4,
        item_name="column headings",
    ),
    # A measure's table: its items and options come from the module's front matter (scoring).
    "measure": Spec(),
    "network-map": Spec(
        {
            "inner": _words(N_("Closest people"), 24),
            "outer": _words(N_("Wider circle"), 24),
        }
    ),
}


@dataclass(frozen=True)
class Component:
    """A parsed, checked component, ready to render."""

    name: str
    line: int
    options: Mapping[str, Any]
    prompt: str = ""
    items: tuple[str, ...] = ()
    # The options the author wrote (the rest are defaults): not part of what the component is.
    given: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class _Block:
    name: str
    args: str
    line: int
    body: tuple[str, ...]


def split_body(where: str, body: str, first_line: int) -> tuple[tuple, list[Problem]]:
    """Cut a module body into Markdown text and components, in order."""
    segments: list[str | Component] = []
    problems: list[Problem] = []
    for part in _blocks(where, body.split("\n"), first_line, problems):
        if isinstance(part, _Block):
            component = _check(where, part, problems)
            segments.append(component if component else "")
        else:
            segments.append(part)
    return tuple(segments), problems


def _blocks(
    where: str, lines: list[str], first_line: int, problems: list[Problem]
) -> Iterator[str | _Block]:
    text: list[str] = []
    index = 0
    while index < len(lines):
        opened = OPEN.match(lines[index].strip())
        if CLOSE.match(lines[index].strip()):
            problems.append(Problem(where, "':::' closes no component", first_line + index))
        elif opened:
            end = _closing(lines, index)
            if end is None:
                problems.append(_unclosed(where, opened.group(1), first_line + index))
                return
            yield "\n".join(text)
            text = []
            body = tuple(lines[index + 1 : end])
            yield _Block(opened.group(1), opened.group(2), first_line + index, body)
            index = end
        else:
            text.append(lines[index])
        index += 1
    yield "\n".join(text)


def _closing(lines: list[str], start: int) -> int | None:
    for index in range(start + 1, len(lines)):
        stripped = lines[index].strip()
        if CLOSE.match(stripped):
            return index
        if OPEN.match(stripped):
            return None
    return None


def _unclosed(where: str, name: str, line: int) -> Problem:
    return Problem(
        where, f"component '{name}' is not closed: expected a line with only ':::'", line
    )


def _check(where: str, block: _Block, problems: list[Problem]) -> Component | None:
    spec = SPECS.get(block.name)
    if spec is None:
        known = ", ".join(sorted(SPECS))
        problems.append(
            Problem(where, f"unknown component '{block.name}'; expected one of {known}", block.line)
        )
        return None
    found: list[str] = []
    run = Check(where, label=f"component '{block.name}': option ", line=block.line)
    options, given = _options(block, spec, found, run)
    prompt, items = _body(block, spec, found)
    problems += run.problems
    problems += [
        Problem(where, f"component '{block.name}': {message}", block.line) for message in found
    ]
    if found or run.problems:
        return None
    return Component(block.name, block.line, options, prompt, items, given)


def _options(block: _Block, spec: Spec, found: list[str], run: Check) -> tuple[dict, tuple]:
    """The component's options, defaults filled in, and the names of those the author gave."""
    try:
        words = shlex.split(block.args)
    except ValueError:
        found.append("a quotation mark is not closed")
        return {}, ()
    values = {name: option.default for name, option in spec.options.items()}
    positional = list(spec.positional)
    given = []
    for word in words:
        name, sep, raw = word.partition("=")
        if not sep:
            if not positional:
                found.append(f"unexpected '{word}'{_expected_options(spec)}")
                continue
            name, raw = positional.pop(0), word
        if name not in spec.options:
            found.append(f"unknown option '{name}'{_expected_options(spec)}")
            continue
        values[name] = run.value(spec.options[name], raw, (name,))
        given.append(name)
    return values, tuple(dict.fromkeys(given))


def _expected_options(spec: Spec) -> str:
    if not spec.options:
        return "; this component takes no options"
    return "; expected " + ", ".join(f"{name}=..." for name in spec.options)


def _body(block: _Block, spec: Spec, found: list[str]) -> tuple[str, tuple[str, ...]]:
    lines = [line.strip() for line in block.body if line.strip()]
    if spec.body == "prompt":
        return " ".join(lines), ()
    intro: list[str] = []
    items: list[str] = []
    for line in lines:
        item = ITEM.match(line)
        if item:
            items.append(item.group(1))
        elif items:
            found.append(
                f"expected every line after the first item to start with '- ', got {line!r}"
            )
        else:
            intro.append(line)
    if not spec.min_items <= len(items) <= spec.max_items:
        found.append(
            f"expected {spec.min_items} to {spec.max_items} {spec.item_name}, "
            f"each on a line starting with '- ', got {len(items)}"
        )
    return " ".join(intro), tuple(items)
