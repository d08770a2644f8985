"""Check module bodies before rendering: size and nesting, components, placeholders, HTML, and
(on the Markdown's own tree, see body.py) links and images."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .body import EMPTY, PLACEHOLDERS, BodyHtml, to_html
from .components import Component, split_body
from .content import Module
from .errors import Problem, raise_if

PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")  # no braces inside: one scan, however long the body
TEMPLATE_CODE = re.compile(r"\{\{|\{%|\{#|%\}|#\}")
ESCAPED = re.compile(r"\\([{}#])")  # Markdown prints '\{' as '{'
HTML_TAG = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# Python-Markdown's time grows with the square of the elements in a body, of a paragraph's lines,
# of its links and of the brackets left open, and it recurses once per level of quotes and lists.
# Past these limits a body is refused before Markdown sees it; within them, the worst body found
# (measured) takes about a second. The longest built-in body has 6,000 characters, 100 lines.
BODY_LIMIT = 50_000  # characters
MAX_LINES = 2_000
MAX_NESTING = 10  # quotes, list levels and indents of four spaces, on one line
BLOCK_LINES = 200  # lines of one paragraph, list or table (no blank line between)
BLOCK_CHARS = 10_000
MAX_LINKS = 50  # '](' in one paragraph
MAX_OPEN_BRACKETS = 10  # '[' not yet closed
CONTAINERS = re.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*")
MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")
TEMPLATE_HINT = "use only placeholders such as {{ client.name }}"


@dataclass(frozen=True)
class CheckedModule:
    """A checked module: its body cut into Markdown text and components, and made HTML."""

    module: Module
    segments: tuple[str | Component, ...]
    body: BodyHtml = EMPTY
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
    """Every problem in one module's body, and the body cut into its parts and made HTML."""
    too_large = _too_large(module)
    if too_large:
        return CheckedModule(module, ()), [too_large]
    segments, problems = split_body(module.where, module.body, module.body_line)
    limits = _limit_problems(module)
    problems += limits + _template_problems(module) + _html_problems(module)
    if module.kind == "worksheet" and not any(isinstance(s, Component) for s in segments):
        problems.append(
            Problem(
                module.where,
                "a worksheet needs at least one component "
                "(for example '::: lines 4') for the reader's answers",
            )
        )
    problems += _measure_problems(module, segments)
    body = EMPTY
    if not limits:  # past a limit, Markdown could take minutes: it is not run
        body, found = to_html(module, segments, roots)
        problems += found
        problems += _leftover_problems(module, body, problems)
    problems.sort(key=lambda p: p.line or 0)
    return CheckedModule(module, segments, body), problems


def _measure_problems(module: Module, segments: Sequence[str | Component]) -> list[Problem]:
    """A measure prints its table once, from its front matter; no other page has one."""
    tables = [s for s in segments if isinstance(s, Component) and s.name == "measure"]
    if module.kind == "measure" and len(tables) != 1:
        message = f"a measure needs one '::: measure' component for its items, got {len(tables)}"
        return [Problem(module.where, message)]
    if module.kind != "measure" and tables:
        return [
            Problem(module.where, "component 'measure': only a measure has one", tables[0].line)
        ]
    names = {s.name for s in segments if isinstance(s, Component)}
    return [
        Problem(module.where, f"front matter 'tracks': no '{t.component}' component to count")
        for t in module.tracks
        if t.component not in names
    ]


def _too_large(module: Module) -> Problem | None:
    """The body is longer than any handout could be (the longest built-in one has 6,000
    characters)."""
    size = len(module.body)
    lines = module.body.count("\n") + (not module.body.endswith("\n"))
    if size > BODY_LIMIT:
        got = f"{size:,} characters"
    elif lines > MAX_LINES:
        got = f"{lines:,} lines"
    else:
        return None
    expected = f"at most {BODY_LIMIT:,} characters and {MAX_LINES:,} lines"
    return Problem(module.where, f"the text is too long: expected {expected}, got {got}")


# --- limits ------------------------------------------------------------------------------


def _limit_problems(module: Module) -> list[Problem]:
    """The first place (if any) where the body passes each limit Markdown needs."""
    found: dict[str, Problem] = {}
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*module.body.split("\n"), ""], start=module.body_line):
        depth = _nesting(line)
        if depth > MAX_NESTING and "nesting" not in found:
            message = (
                f"nested {depth} levels deep (quotes, lists or indents of four spaces); "
                f"expected at most {MAX_NESTING}"
            )
            found["nesting"] = Problem(module.where, message, number)
        if line.strip():
            block.append((number, line))
            continue
        for kind, message in _block_problems([text for _, text in block]):
            found.setdefault(kind, Problem(module.where, message, block[0][0]))
        block = []
    return list(found.values())


def _nesting(line: str) -> int:
    """How many quotes, list items and four-space indents a line sits in."""
    found = CONTAINERS.match(line)
    prefix = found[0] if found else ""
    indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())
    return len(MARKER.findall(prefix)) + indent // 4


def _block_problems(lines: list[str]) -> list[tuple[str, str]]:
    text = "\n".join(lines)
    found = []
    if len(lines) > BLOCK_LINES:
        found.append(("lines", f"{len(lines)} lines without a blank line between; {_split_hint()}"))
    if len(text) > BLOCK_CHARS:
        found.append(("chars", f"{len(text):,} characters without a blank line; {_split_hint()}"))
    if text.count("](") > MAX_LINKS:
        found.append(
            ("links", f"{text.count('](')} links in one paragraph; expected at most {MAX_LINKS}")
        )
    brackets = _open_brackets(text)
    if brackets > MAX_OPEN_BRACKETS:
        found.append(
            (
                "brackets",
                f"{brackets} '[' open at once; expected at most {MAX_OPEN_BRACKETS} "
                "(write \\[ for a bracket that is not a link)",
            )
        )
    return found


def _split_hint() -> str:
    return (
        f"expected at most {BLOCK_LINES} lines and {BLOCK_CHARS:,} characters in one paragraph, "
        "list or table"
    )


def _open_brackets(text: str) -> int:
    """The most '[' open at one time (a '\\[' opens nothing)."""
    depth = deepest = 0
    for match in re.finditer(r"\\.|\[|\]", text):
        if match.group(0) == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif match.group(0) == "]":
            depth = max(0, depth - 1)
    return deepest


# --- placeholders and HTML -----------------------------------------------------------------


def _template_problems(module: Module) -> list[Problem]:
    """Unknown placeholders and template code, wherever they are (a '{{' may end a line)."""
    body, problems = module.body, []
    for match in PLACEHOLDER.finditer(body):
        name = " ".join(match.group(1).split())
        if name not in PLACEHOLDERS:
            known = ", ".join(PLACEHOLDERS)
            message = f"unknown placeholder '{{{{ {name} }}}}'; expected one of {known}"
            problems.append(Problem(module.where, message, _line(module, match.start())))
    blanked = PLACEHOLDER.sub(_blank, body)
    lines = dict.fromkeys(_line(module, code.start()) for code in TEMPLATE_CODE.finditer(blanked))
    message = f"template code is not allowed in a module; {TEMPLATE_HINT}"
    problems += [Problem(module.where, message, line) for line in lines]
    return problems + _escaped_problems(module)


def _escaped_problems(module: Module) -> list[Problem]:
    """Lines where a backslash hides template code from the eye but not from Markdown."""
    problems = []
    for number, line in enumerate(module.body.split("\n"), start=module.body_line):
        unescaped = ESCAPED.sub(r"\1", line)
        if len(TEMPLATE_CODE.findall(unescaped)) > len(TEMPLATE_CODE.findall(line)):
            message = (
                "template code is not allowed in a module, even written with backslashes "
                f"('\\{{' prints as '{{'); {TEMPLATE_HINT}"
            )
            problems.append(Problem(module.where, message, number))
    return problems


def _leftover_problems(module: Module, body: BodyHtml, problems: list[Problem]) -> list[Problem]:
    """The last word: template code left in the HTML that no check above could place."""
    if any("template code" in p.message or "placeholder" in p.message for p in problems):
        return []
    if not TEMPLATE_CODE.search(re.sub(r"%\}|#\}", "", body.html)):
        return []
    return [Problem(module.where, f"template code is not allowed in a module; {TEMPLATE_HINT}")]


def _blank(match: re.Match) -> str:
    """A placeholder blanked out, keeping its line breaks so offsets still give lines."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _line(module: Module, offset: int) -> int:
    return module.body_line + module.body.count("\n", 0, offset)


def _html_problems(module: Module) -> list[Problem]:
    return [
        Problem(
            module.where,
            f"raw HTML is not allowed in a module, got {match.group(0)!r}; "
            "use Markdown or a worksheet component instead",
            number,
        )
        for number, line in enumerate(module.body.split("\n"), start=module.body_line)
        for match in HTML_TAG.finditer(line)
    ]
