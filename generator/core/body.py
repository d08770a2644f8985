"""A module body from Markdown to HTML: placeholders and components stand in as markers, and
every link and image is vetted on the parsed tree. No template engine ever reads the result."""

# Why markers and not Jinja: Markdown rewrites the text it is given (it unescapes '\{', joins
# lines, keeps code spans as they are), so no check of the written text can say what a template
# engine would see in its output. Here the body is never a template: each known placeholder is
# swapped for a random marker before Markdown runs, and the marker for its escaped value after.
# Whatever else is in the text, '{{ 7*7 }}' included, is printed as the text it is.

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from markdown import util
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup, escape

from .content import Module
from .errors import Problem

# Given as classes, not by name ("tables"): for a name, Markdown reads the entry points of every
# installed package to find it, which costs more than converting a whole module.
MARKDOWN_EXTENSIONS = (TableExtension, SaneListExtension, SmartyExtension)
PLACEHOLDERS = (
    "client.name",
    "therapist.name",
    "practice.name",
    "session.date",
    "session.number",
    "note",
)
KNOWN = re.compile(r"\{\{\s*(" + "|".join(re.escape(p) for p in PLACEHOLDERS) + r")\s*\}\}")
WEB_LINK = re.compile(r"^(?:https?://|mailto:|tel:)", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MAX_TREE_DEPTH = 40  # elements inside elements; WeasyPrint recurses once per level


@dataclass(frozen=True)
class Slot:
    """Where a placeholder's value goes, and whether that place is inside a tag (an attribute)."""

    name: str
    in_tag: bool


@dataclass(frozen=True)
class BodyHtml:
    """A body as HTML, its components and placeholders still markers made with its own nonce."""

    html: str
    nonce: str

    def mark(self, text: str) -> str:
        """Text with each known placeholder swapped for its marker."""
        return KNOWN.sub(lambda match: _marker(self.nonce, match.group(1)), text)

    def assemble(self, fragments: Sequence[str]) -> tuple[str | Slot, ...]:
        """The HTML with each component's HTML in its place, cut at each placeholder."""
        components = re.compile("<!--" + _component_marker(self.nonce, r"(\d+)") + "-->")
        # Stripped as Markdown strips its own output, which held the components before.
        page = components.sub(lambda match: fragments[int(match.group(1))], self.html).strip()
        parts: list[str | Slot] = []
        start = 0
        for match in re.finditer(rf"ph{self.nonce}x(\d+)x", page):
            parts.append(page[start : match.start()])
            in_tag = page.rfind("<", 0, match.start()) > page.rfind(">", 0, match.start())
            parts.append(Slot(PLACEHOLDERS[int(match.group(1))], in_tag))
            start = match.end()
        parts.append(page[start:])
        return tuple(parts)


EMPTY = BodyHtml("", "")


def fill(parts: Iterable[str | Slot], values: Mapping[str, object]) -> Markup:
    """The body with each placeholder's value escaped in; inside a tag, as plain text only."""
    return Markup("".join(_filled(part, values) for part in parts))


def _filled(part: str | Slot, values: Mapping[str, object]) -> str:
    if isinstance(part, str):
        return part
    value = values[part.name]
    if not part.in_tag:
        return escape(value)
    plain = value.striptags() if isinstance(value, Markup) else str(value)
    return escape(plain or "____")  # a blank line to write on reads as a blank in a tooltip


def _marker(nonce: str, name: str) -> str:
    # Letters and digits only: Markdown leaves them alone wherever they are.
    return f"ph{nonce}x{PLACEHOLDERS.index(name)}x"


def _component_marker(nonce: str, index: str | int) -> str:
    return f"cm{nonce}x{index}x"


# --- Markdown ------------------------------------------------------------------------------


def to_html(
    module: Module, segments: Sequence, roots: Iterable[Path]
) -> tuple[BodyHtml, list[Problem]]:
    """The body's Markdown as HTML with markers, and every bad link, image or nesting in it."""
    nonce = secrets.token_hex(8)
    body = BodyHtml("", nonce)
    parts: list[str] = []
    for index, segment in enumerate(segments):
        text = segment if isinstance(segment, str) else f"\n\n{_component_marker(nonce, index)}\n\n"
        parts.append(body.mark(text))
    vet = _Vet(module, tuple(roots), nonce)
    try:
        page = _markdown(vet, nonce).convert("".join(parts))
    except RecursionError:
        return body, [Problem(module.where, "the Markdown is nested too deeply to be read")]
    return BodyHtml(page, nonce), vet.problems


def _markdown(vet: _Vet, nonce: str) -> markdown.Markdown:
    extensions = [extension() for extension in MARKDOWN_EXTENSIONS]
    md = markdown.Markdown(extensions=extensions, output_format="html")
    # Raw HTML is refused by the checks; these make sure none could slip through anyway.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.preprocessors.register(_Components(md, nonce), "components", 25)
    # Last of all, once Markdown has unescaped every attribute: what is vetted is what is written.
    md.treeprocessors.register(vet, "vet", -10)
    return md


class _Components(Preprocessor):
    """Keep each component's marker line out of Markdown's way, as a comment to replace later."""

    def __init__(self, md: markdown.Markdown, nonce: str):
        super().__init__(md)
        self.marker = re.compile("^" + _component_marker(nonce, r"\d+") + "$")

    def run(self, lines: list[str]) -> list[str]:
        return [
            self.md.htmlStash.store(f"<!--{line}-->") if self.marker.match(line) else line
            for line in lines
        ]


class _Vet(Treeprocessor):
    """Every link must be a web address, mailto: or tel:; every image a file beside the module.

    What fails is reported and also taken out of the tree, so it can never reach a PDF."""

    def __init__(self, module: Module, roots: tuple[Path, ...], nonce: str):
        super().__init__()
        self.module, self.roots, self.nonce = module, roots, nonce
        self.problems: list[Problem] = []
        self.lines = _Lines(module)

    def run(self, root: Element) -> None:
        if _depth(root) > MAX_TREE_DEPTH:
            self.problems.append(
                Problem(
                    self.module.where,
                    f"the text is nested more than {MAX_TREE_DEPTH} levels deep "
                    "(emphasis, links, quotes or lists inside each other)",
                )
            )
            root.clear()
            return
        for element in list(root.iter()):
            if element.tag == "a":
                self._link(element)
            elif element.tag == "img":
                self._image(element)

    def _report(self, target: str, message: str) -> None:
        shown = re.sub(rf"ph{self.nonce}x(\d+)x", _written, target)
        line = self.lines.of(shown)
        self.problems.append(Problem(self.module.where, message.format(shown), line))

    def _link(self, element: Element) -> None:
        href = _address(element.get("href", ""))
        if f"ph{self.nonce}" in href:
            self._report(href, "link '{}': a placeholder cannot be part of a link's address")
        elif not WEB_LINK.match(href):
            self._report(href, "link '{}': expected a web address (https://...), mailto: or tel:")
        else:
            return
        _disarm(element)

    def _image(self, element: Element) -> None:
        source, alt = element.get("src", ""), element.get("alt", "").strip()
        found = _image_problems(self.module, source, self.roots)
        if not alt:
            found.append(
                "image '{}': expected a description in the brackets, "
                "e.g. ![Two hands holding](hands.png)"
            )
        for message in found:
            self._report(source, message)
        if found:
            _disarm(element)
        else:
            element.set("src", image_path(self.module, source).as_uri())


def _written(marker: re.Match) -> str:
    return "{{ " + PLACEHOLDERS[int(marker.group(1))] + " }}"


def _address(href: str) -> str:
    """A link's address as a PDF reader will read it: Markdown writes each '&' as '&amp;',
    except in the entities it makes itself (it writes <me@example.org> as entities)."""
    return html.unescape(href.replace("&", "&amp;").replace(util.AMP_SUBSTITUTE, "&"))


def _image_problems(module: Module, target: str, roots: tuple[Path, ...]) -> list[str]:
    if SCHEME.match(target) or target.startswith(("/", "\\")) or not target:
        return [
            "image '{}': only image files inside the content folder can be used, given as a "
            "path relative to the module (no web or file: addresses)"
        ]
    path = image_path(module, target)
    if not any(path.is_relative_to(root) for root in roots):
        return ["image '{}': expected a file inside the content folder"]
    if not path.is_file():
        return ["image '{}': file not found next to the module"]
    return []


def image_path(module: Module, target: str) -> Path:
    """Where an image named in a module lives: relative to the module's own file."""
    return (module.path.parent / target).resolve()


def _disarm(element: Element) -> None:
    """A refused link keeps its words, without the address; a refused image keeps its words."""
    words = element.get("alt", "") if element.tag == "img" else None
    element.attrib.clear()
    element.tag = "span"
    if words is not None:
        element.text = words


def _depth(root: Element) -> int:
    """How deep elements sit inside each other, counted without recursion."""
    deepest, stack = 0, [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


class _Lines:
    """Finds the line a link or image was written on, for messages: the next place the text
    occurs after the last one found, else its first place, else no line."""

    def __init__(self, module: Module):
        self.text, self.first = module.body, module.body_line
        self.after: dict[str, int] = {}

    def of(self, needle: str) -> int | None:
        if not needle:
            return None
        start = self.text.find(needle, self.after.get(needle, 0))
        if start < 0:
            start = self.text.find(needle)
        if start < 0:
            return None
        self.after[needle] = start + len(needle)
        return self.first + self.text.count("\n", 0, start)
