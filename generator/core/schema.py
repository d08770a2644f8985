"""One way to check input: module front matter, packet files, practice profiles, regions and
component options are each described by fields, and each field is checked by a small reusable
validator. A validator returns the value (converted where that helps, e.g. a date) or says what
it expected; the Check it runs under turns that into a Problem naming the file, the line of the
key (nested keys too) and the key's path, and keeps going so that every problem is reported at
once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .errors import Problem, raise_if
from .yamlfile import YamlDoc, dotted

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides, isolates and marks: in printed text they could reverse what follows
# (a crisis number printed backwards). Each piece of text is printed in an element of its own and
# right-to-left letters need none of them, so they are dropped.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
BAD = object()  # what a field's check gives when the value was wrong (and said so)
# Everything that ends a line or a paragraph (what str.splitlines breaks at): in a one-line field
# each would break the printed line, a file name or a line of a report.
LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Zero-width characters: inside a name they shape letters (a Persian non-joiner); alone they are
# an invisible nothing that would print a blank name under a made-up file name.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
EDGES = re.compile(f"^[\\s{ZERO_WIDTH}]+|[\\s{ZERO_WIDTH}]+$")


class Invalid(Exception):
    """A value is not what its field expects; the message says what was expected."""


def one_line_problem(text: str) -> str | None:
    """Why a one-line field's text is not one line, naming the break, e.g. 'expected one line
    of text, got a line break (U+2028)'; None when it is one line."""
    found = LINE_BREAKS.search(text)
    if found is None:
        return None
    return f"expected one line of text, got a line break ({code_point(found[0][-1])})"


def code_point(character: str) -> str:
    return f"U+{ord(character):04X}"


def trimmed(text: str) -> str:
    """Text without the spaces and zero-width characters at its ends."""
    return EDGES.sub("", text)


def shown(value: Any) -> str:
    """A value as quoted in a message: short, with its YAML type when it is not text."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    kind = {bool: "yes/no", int: "number", float: "number", list: "list", dict: "mapping"}
    return f"{shown_short(value)} ({kind.get(type(value), type(value).__name__)})"


def shown_short(value: Any) -> str:
    if isinstance(value, int) and abs(value) >= 10**40:  # repr of 5,000 digits fails
        return "a number of more than 40 digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def suggestion(word: Any, choices: Iterable[str]) -> str:
    """'did you mean ...?' for a close choice, else the choices there are."""
    choices = list(choices)
    close = difflib.get_close_matches(str(word), choices, n=1)
    return f"did you mean '{close[0]}'?" if close else f"expected one of {', '.join(choices)}"


@dataclass
class Check:
    """Where the input came from, and the problems found in it so far.

    'label' starts each message ("front matter ", "component 'lines': option "); 'doc' gives
    the line of each key; inputs that are not YAML give one 'line' for all their problems;
    'base' is the folder that file names in the input are relative to."""

    where: str
    doc: YamlDoc | None = None
    label: str = ""
    line: int | None = None
    base: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, at: tuple, message: str) -> None:
        """Note a problem with the value at this key path."""
        name = dotted(at)
        if name:
            text = f"{self.label}'{name}': {message}"
        else:
            text = f"{self.label.rstrip()}: {message}" if self.label else message
        line = self.doc.line(at) if self.doc is not None else self.line
        self.problems.append(Problem(self.where, text, line, key=name))

    def value(self, rule: Field, value: Any, at: tuple = ()) -> Any:
        """The checked value, or BAD once the problem is noted."""
        try:
            return rule.check(value, self, at)
        except Invalid as wrong:
            self.problem(at, str(wrong))
            return BAD

    def done(self) -> None:
        """Raise every problem found, if there are any."""
        raise_if(self.problems)


def check(rule: Field, data: Any, where: str, **context: Any) -> Any:
    """Check data against a field; return its value, or raise every problem at once."""
    run = Check(where, **context)
    value = run.value(rule, data)
    run.done()
    return value


# --- fields ------------------------------------------------------------------------------


class Field(ABC):
    """A value and what it must be. 'required': a mapping must have it; 'default': the value
    when it is left out."""

    expect = "a value"

    def __init__(self, *, required: bool = False, default: Any = None, expect: str = ""):
        self.required = required
        self.default = default
        if expect:
            self.expect = expect

    @abstractmethod
    def check(self, value: Any, run: Check, at: tuple) -> Any:
        """The value, converted; raises Invalid when it is not what is expected."""

    def wrong(self, value: Any) -> Invalid:
        return Invalid(f"expected {self.expect}, got {shown(value)}")


class Text(Field):
    """Text that is not blank: at most 'limit' characters, on one line if 'one_line'; without
    bidi controls."""

    # Besides the control characters (U+0085, vertical tab and form feed among them), the line and
    # paragraph separators end a line for YAML, browsers and PDF readers.
    BREAKS = re.compile("[\u2028\u2029]")
    BREAK_NAMES: ClassVar[dict[str, str]] = {
        "\n": "a line break",
        "\r": "a carriage return",
        "\t": "a tab",
        "\x85": "a next-line character",
        "\u2028": "a line separator",
        "\u2029": "a paragraph separator",
    }

    def __init__(self, limit: int | None = None, one_line: bool = False, **options: Any):
        self.limit, self.one_line = limit, one_line
        self.expect = f"text of up to {limit} characters" if limit else "text"
        super().__init__(**{"default": "", **options})

    def check(self, value: Any, run: Check, at: tuple) -> str:
        if isinstance(value, dt.date):  # a date the author meant as text, e.g. in 'notes'
            value = value.isoformat()
        if isinstance(value, str):
            value = BIDI_CONTROLS.sub("", value)
        if not isinstance(value, str) or not value.strip():
            raise self.wrong(value)
        if self.one_line:
            self._on_one_line(value)
        if self.limit and len(value) > self.limit:
            raise Invalid(f"expected at most {self.limit:,} characters, got {len(value):,}")
        return value.strip()

    def _on_one_line(self, value: str) -> None:
        found = CONTROL.search(value) or self.BREAKS.search(value)
        if found:
            what = self.BREAK_NAMES.get(found[0], "a control character")
            raise Invalid(
                f"expected {self.expect} (one line of text), found {what} (U+{ord(found[0]):04X})"
            )


class Integer(Field):
    """A whole number from 'low' to 'high'; from text too if 'text' (component options)."""

    def __init__(self, low: int, high: int, unit: str = "", text: bool = False, **options: Any):
        self.low, self.high, self.text = low, high, text
        self.expect = f"a whole number{f' of {unit}' if unit else ''} from {low} to {high}"
        super().__init__(**options)

    def check(self, value: Any, run: Check, at: tuple) -> int:
        number = int(value) if self.text and isinstance(value, str) and value.isdigit() else value
        if isinstance(number, bool) or not isinstance(number, int):
            raise self.wrong(value)
        if not self.low <= number <= self.high:
            raise self.wrong(value)
        return number


class Flag(Field):
    """Yes or no."""

    expect = "yes or no (true or false)"

    def check(self, value: Any, run: Check, at: tuple) -> bool:
        if not isinstance(value, bool):
            raise self.wrong(value)
        return value


class Choice(Field):
    """One of a set of words."""

    def __init__(self, choices: Iterable[str], **options: Any):
        self.choices = tuple(choices)
        self.expect = " or ".join(self.choices)
        super().__init__(**options)

    def check(self, value: Any, run: Check, at: tuple) -> str:
        if value not in self.choices:
            raise self.wrong(value)
        return value


class Pattern(Field):
    """Text matching a pattern (a language code, a colour), converted by 'convert'."""

    def __init__(
        self,
        pattern: re.Pattern,
        expect: str,
        convert: Callable[[str], Any] = str,
        **options: Any,
    ):
        self.pattern, self.convert = pattern, convert
        super().__init__(expect=expect, **options)

    def check(self, value: Any, run: Check, at: tuple) -> str:
        if not isinstance(value, str) or not self.pattern.match(value.strip()):
            raise self.wrong(value)
        return self.convert(value.strip())


class Rule(Field):
    """A choice settled elsewhere: 'problem' says why a value is not one there is (a whole
    'expected ..., got ...' message), else None; e.g. the papers and fonts of options.py."""

    def __init__(
        self,
        problem: Callable[[Any], str | None],
        convert: Callable[[Any], Any] = lambda v: v,
        **options: Any,
    ):
        self.problem, self.convert = problem, convert
        super().__init__(**options)

    def check(self, value: Any, run: Check, at: tuple) -> Any:
        found = self.problem(value)
        if found:
            raise Invalid(found)
        return self.convert(value)


class Date(Field):
    """A day, written YYYY-MM-DD; 'convert' may turn it into text."""

    expect = "a date as YYYY-MM-DD, e.g. 2026-11-22"

    def __init__(self, convert: Callable[[dt.date], Any] = lambda day: day, **options: Any):
        self.convert = convert
        super().__init__(**options)

    def check(self, value: Any, run: Check, at: tuple) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return self.convert(value)
        try:
            return self.convert(dt.date.fromisoformat(value))
        except (TypeError, ValueError):
            raise self.wrong(value) from None


class FileRef(Field):
    """A file named relative to the input's folder, of one of these types and at most
    'max_bytes'; 'inspect' may say what is wrong with its contents."""

    def __init__(
        self,
        types: tuple[str, ...],
        max_bytes: int,
        inspect: Callable[[Path], str | None] | None = None,
        **options: Any,
    ):
        self.types, self.max_bytes, self.inspect = types, max_bytes, inspect
        super().__init__(**options)

    def check(self, value: Any, run: Check, at: tuple) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise self.wrong(value)
        file = (run.base or Path()) / value.strip()
        named = f"{value.strip()!r}: "
        if file.suffix.lower() not in self.types:
            raise Invalid(f"{named}expected a {' or '.join(self.types)} file")
        if not file.is_file():
            raise Invalid(
                f"{named}no such file (the path is relative to the folder {run.where} is in)"
            )
        try:
            size = file.stat().st_size
        except OSError:  # removed since: a profile saved meanwhile names another logo
            raise Invalid(f"{named}no such file") from None
        if size > self.max_bytes:
            limit = self.max_bytes / 1e6
            raise Invalid(f"{named}expected at most {limit:g} MB, the file has {size / 1e6:.1f} MB")
        found = self.inspect(file) if self.inspect else None
        if found:
            raise Invalid(named + found)
        return file.resolve()


class ListOf(Field):
    """A list of values each checked by 'item', with at least 'least' and at most 'most';
    'one' also takes a single value as a list of one. Gives a tuple."""

    def __init__(
        self,
        item: Field,
        least: int = 0,
        most: int | None = None,
        one: bool = False,
        **options: Any,
    ):
        self.item, self.least, self.most, self.one = item, least, most, one
        options.setdefault("expect", f"a list of {item.expect}")
        super().__init__(**{"default": (), **options})

    def check(self, value: Any, run: Check, at: tuple) -> Any:  # a tuple, or BAD
        if self.one and not isinstance(value, list):
            value = [value]
        if not isinstance(value, list) or len(value) < self.least:
            raise self.wrong(value)
        if self.most is not None and len(value) > self.most:
            raise Invalid(f"expected {self.expect}, at most {self.most}, got {len(value)}")
        before = len(run.problems)
        items = tuple(run.value(self.item, item, (*at, index)) for index, item in enumerate(value))
        return BAD if len(run.problems) > before else items


class Keys(Field):
    """Keys and their fields. Unknown keys are problems, with the closest known key; a key
    given no value counts as left out (so does a blank one if 'blank'). 'then' checks the
    values together once each is right; 'build' turns them into what the caller wants."""

    each: Field | None = None  # see ByName
    least = 0

    def __init__(
        self,
        fields: dict[str, Field] | None = None,
        *,
        aliases: dict[str, str] | None = None,
        blank: bool = False,
        then: Callable[[dict, Check, tuple], None] | None = None,
        build: Callable[[dict], Any] | None = None,
        **options: Any,
    ):
        self.fields = fields or {}
        self.aliases, self.blank = aliases or {}, blank
        self.then, self.build = then, build
        options.setdefault("expect", "keys " + ", ".join(self.fields) if self.fields else "keys")
        super().__init__(**options)

    def check(self, value: Any, run: Check, at: tuple) -> Any:
        if not isinstance(value, dict) or len(value) < self.least:
            raise self.wrong(value)
        before = len(run.problems)
        values = self._given(value, run, at)
        for name, rule in self.fields.items():
            if name in values:
                continue
            if rule.required:
                run.problem((*at, name), f"expected {rule.expect}, got nothing")
            values[name] = rule.default
        if len(run.problems) == before and self.then:
            self.then(values, run, at)
        if len(run.problems) > before:
            return BAD
        return self.build(values) if self.build else values

    def _given(self, value: dict, run: Check, at: tuple) -> dict:
        """The values given, in the order written, each checked."""
        values = {}
        for key, given in value.items():
            name = self.aliases.get(key, key)
            rule = self.each or self.fields.get(name)
            if rule is None:
                run.problem((*at, key), f"unknown key; {suggestion(key, self.fields)}")
            elif given is None or (self.blank and isinstance(given, str) and not given.strip()):
                continue
            else:
                values[str(name)] = run.value(rule, given, (*at, key))
        return values


class ByName(Keys):
    """Keys that are names (region codes, language codes), at least 'least' of them, each
    value checked by 'each'."""

    def __init__(self, each: Field, least: int = 0, **options: Any):
        self.each, self.least = each, least
        super().__init__(**options)
