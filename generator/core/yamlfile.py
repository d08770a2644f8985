"""The one way the tool reads YAML: safe, bounded, and with the line of every key kept."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from .errors import Problem, ProblemsFound, display_path

MAX_DEPTH = 20  # far more than any packet or profile needs; PyYAML recurses once per level
MAX_VALUE = 2_000  # characters in one value: a long summary is a few hundred
ALIASES = "YAML aliases (&name / *name) are not allowed; write each value out in full"
MERGE_TAG = "tag:yaml.org,2002:merge"
_KEY = object()  # stands in the path while a mapping's key (not its value) is being read
# Characters YAML does not allow, and the C1 controls it reads as line breaks (U+0085, which a
# file saved as Windows-1252 and read as Latin-1 is full of): each is refused with its line.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class YamlDoc:
    """A YAML document's data, and the line each key and list item is on, by its path."""

    data: Any
    lines: Mapping[tuple, int]

    def line(self, at: tuple = ()) -> int | None:
        """The line of a path such as ('sessions', 0, 'title'), else of its nearest parent."""
        while at and at not in self.lines:
            at = at[:-1]
        return self.lines.get(at)


class _Refused(yaml.YAMLError):
    """Valid YAML that the tool will not read, and where it is."""

    def __init__(self, message: str, mark: yaml.Mark | None):
        super().__init__(message)
        self.message, self.mark = message, mark


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases, anchors, deep nesting, long values and repeated
    keys as each node is read, so that nothing can expand or recurse without bound."""

    def __init__(self, text: str, first_line: int):
        super().__init__(text)
        self.first_line = first_line
        self.at: list = []
        self.lines: dict[tuple, int] = {}
        self.paths: dict[int, tuple] = {}

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        # An anchor alone expands nothing, but it is only ever there for an alias.
        if getattr(event, "anchor", None) is not None:
            raise _Refused(ALIASES, event.start_mark)
        step = () if parent is None else (_step(index),)
        self.at.extend(step)
        if len(self.at) > MAX_DEPTH:
            raise _Refused(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if step != (_KEY,):
            mark = index.start_mark if isinstance(index, ScalarNode) else event.start_mark
            self.lines.setdefault(tuple(self.at), mark.line)
        node = super().compose_node(parent, index)  # type: ignore[arg-type]  # a node or index
        self.paths[id(node)] = tuple(self.at)
        if isinstance(node, ScalarNode) and len(node.value) > MAX_VALUE:
            raise _Refused(_too_long(self.at, len(node.value)), node.start_mark)
        del self.at[len(self.at) - len(step) :]
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        if isinstance(node, MappingNode):
            self._refuse_repeats(node)
        return super().construct_mapping(node, deep=deep)

    def _refuse_repeats(self, node: MappingNode) -> None:
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                continue  # PyYAML itself says "found unhashable key"
            if key in seen:
                name = dotted((*self.paths.get(id(node), ()), key_node.value))
                first = seen[key].line + self.first_line
                message = f"key '{name}' appears twice (first on line {first})"
                raise _Refused(message, key_node.start_mark)
            seen[key] = key_node.start_mark


def _step(index: object) -> Any:
    """The path element of a node: its key's text, its place in a list, or _KEY for a key."""
    if index is None:
        return _KEY
    if isinstance(index, ScalarNode):
        return index.value
    return index if isinstance(index, int) else "?"


def _too_long(at: list, length: int) -> str:
    where = f"'{dotted(tuple(at))}': " if dotted(tuple(at)) else ""
    return f"{where}expected at most {MAX_VALUE:,} characters in one value, got {length:,}"


def dotted(at: tuple) -> str:
    """A key path as written in messages, e.g. sessions[2].facilitator.plan[1]."""
    text = ""
    for part in (part for part in at if part is not _KEY):
        index = isinstance(part, int) and not isinstance(part, bool)
        text += f"[{part + 1}]" if index else (f".{part}" if text else str(part))
    return text


def parse_yaml(text: str, where: str, what: str, limit: int, first_line: int = 1) -> YamlDoc:
    """Read YAML text (the file 'where', starting on 'first_line'); 'what' names it in messages
    such as "front matter is not valid YAML". Raises ProblemsFound with the line."""
    if len(text) > limit:
        raise _problem(where, f"{what} is too large: expected at most {limit // 1000} kB")
    _refuse_controls(text, where, what, first_line)
    loader = _Loader(text, first_line)
    try:
        data = loader.get_single_data()
    except _Refused as refused:
        raise _problem(where, f"{what}: {refused.message}", refused.mark, first_line) from None
    except yaml.YAMLError as error:
        reason = getattr(error, "problem", None) or "could not be read"
        mark = getattr(error, "problem_mark", None)
        raise _problem(where, f"{what} is not valid YAML: {reason}", mark, first_line) from None
    finally:
        loader.dispose()
    lines = {at: line + first_line for at, line in loader.lines.items()}
    return YamlDoc(data, lines)


def _refuse_controls(text: str, where: str, what: str, first_line: int) -> None:
    found = CONTROL.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + first_line
    message = (
        f"{what} holds a character that does not print (U+{ord(found[0]):04X}), "
        "which YAML does not allow; delete it (retype the text around it if you cannot see it)"
    )
    raise ProblemsFound([Problem(where, message, line)])


def _problem(
    where: str, message: str, mark: yaml.Mark | None = None, first_line: int = 1
) -> ProblemsFound:
    line = mark.line + first_line if mark is not None else None
    return ProblemsFound([Problem(where, message, line)])


def read_text(path: Path, what: str, limit: int) -> str:
    """A UTF-8 text file of at most 'limit' bytes, without its byte-order mark if it has one.
    Raises ProblemsFound naming the file (and, for a byte that is not UTF-8, its line)."""
    where = display_path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except OSError as error:
        raise _problem(where, f"cannot read {what}: {error.strerror or error}") from None
    if len(data) > limit:
        raise _problem(where, f"{what} is too large: expected at most {limit // 1000} kB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = (
            f"expected UTF-8 text, found a byte it cannot read at position {error.start} "
            f"(0x{data[error.start]:02X}); save the file as UTF-8"
        )
        raise ProblemsFound([Problem(where, message, line)]) from None


def read_yaml(path: Path, what: str, limit: int) -> YamlDoc:
    """Read and parse a YAML file; every refusal raises ProblemsFound naming file and line."""
    return parse_yaml(read_text(path, what, limit), display_path(path), what, limit)


def dump_yaml(data: dict) -> str:
    """YAML text for plain data, as a person would write it: keys in their order, any letter as
    it is."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
