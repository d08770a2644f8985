"""Load content modules: front matter, Markdown body, and the library with user overlays."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .errors import HandoutError, Problem, ProblemsFound, display_path, raise_if
from .languages import SOURCE, english_name
from .resources import CONTENT_DIR
from .yamlfile import YamlDoc, parse_yaml, read_text

KINDS = ("handout", "worksheet")
AUDIENCES = ("individual", "couples", "family", "group")
MODULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC = MODULE_ID
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")
FRONT_MATTER_LIMIT = 64_000  # characters of YAML between the '---' lines
MODULE_FILE_LIMIT = 300_000  # bytes: the front matter and a body of up to 200 kB (see validate)
# Pages on these topics describe pleasing, checking moods or giving in, which can be how a person
# with a frightening partner stays safe: they carry a safety note on page 1.
SAFETY_TOPICS = frozenset({"codependency", "couples", "boundaries", "attachment"})


@dataclass(frozen=True)
class Source:
    """A work a module draws on, and the terms it is used under."""

    author: str
    title: str
    year: int
    licence: str


@dataclass(frozen=True)
class Clinician:
    """Notes for the clinician about a module: shown by 'show' and the catalog, never printed
    on a client's pages."""

    purpose: str
    not_for: str
    cautions: str


@dataclass(frozen=True)
class Translation:
    """Who wrote a module's version in another language, who reviewed it, when, and what was
    adapted rather than translated: shown by 'show', never printed on a client's pages."""

    translator: str
    reviewer: str
    date: str
    notes: str


@dataclass(frozen=True)
class Module:
    """One content module: its front matter and its Markdown body."""

    id: str
    path: Path
    title: str
    kind: str
    summary: str
    topics: tuple[str, ...]
    audience: tuple[str, ...]
    minutes: int
    language: str
    sources: tuple[Source, ...]
    body: str
    body_line: int
    subtitle: str = ""
    builtin: bool = False
    clinician: Clinician | None = None
    translation: Translation | None = None

    @property
    def where(self) -> str:
        """The module's file as shown in messages."""
        return display_path(self.path)

    @property
    def safety_note(self) -> bool:
        """Whether page 1 carries the note for a reader who is afraid of someone."""
        return bool(SAFETY_TOPICS.intersection(self.topics))


# --- front matter schema -------------------------------------------------------------


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return None
    return "expected text"


def _kind(value: Any) -> str | None:
    return None if value in KINDS else "expected handout or worksheet"


def _words(allowed: Iterable[str] | None, what: str):
    def check(value: Any) -> str | None:
        if not isinstance(value, list) or not value:
            return (
                f"expected a list of {what}, e.g. [{', '.join(list(allowed or ['journey'])[:2])}]"
            )
        for item in value:
            if not isinstance(item, str) or not TOPIC.match(item):
                return f"expected lowercase words joined by hyphens, got {item!r}"
            if allowed is not None and item not in allowed:
                return f"expected any of {', '.join(allowed)}, got {item!r}"
        return None

    return check


def _minutes(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 240:
        return None
    return "expected a whole number of minutes from 1 to 240"


def _language(value: Any) -> str | None:
    if isinstance(value, str) and LANGUAGE.match(value):
        return None
    return "expected a language code such as en or en-US"


SCHEMA: dict[str, Any] = {
    "title": _text,
    "kind": _kind,
    "summary": _text,
    "topics": _words(None, "topics"),
    "audience": _words(AUDIENCES, "audiences"),
    "minutes": _minutes,
    "language": _language,
    "sources": None,  # checked by _check_sources: it is a list of mappings
}
# clinician and translation: mappings, checked by _check_notes
OPTIONAL = {"subtitle": _text, "clinician": None, "translation": None}
SOURCE_KEYS = ("author", "title", "year", "licence")
CLINICIAN_KEYS = {
    "purpose": "what the module is for",
    "not_for": "when not to use it",
    "cautions": "what to watch for when using it",
}
TRANSLATION_KEYS = {
    "translator": "who wrote this language's version",
    "reviewer": "who reviewed it",
    "date": "when, as YYYY-MM-DD",
    "notes": "what was adapted rather than translated",
}


def _shown(value: Any) -> str:
    """A value as quoted in a message: short, with its YAML type when it is not text."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    kind = {bool: "yes/no", int: "number", float: "number", list: "list", dict: "mapping"}
    return f"{value!r} ({kind.get(type(value), type(value).__name__)})"


# --- parsing -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Split:
    yaml_text: str
    body: str
    body_line: int


def _split_front_matter(text: str) -> _Split | None:
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index, line in enumerate(lines[1:], start=1):
        if FENCE.match(line):
            return _Split("".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2)
    return None


def _load_yaml(where: str, yaml_text: str) -> tuple[YamlDoc | None, list[Problem]]:
    try:
        return parse_yaml(yaml_text, where, "front matter", FRONT_MATTER_LIMIT, first_line=2), []
    except ProblemsFound as error:
        return None, list(error.problems)


def _top_lines(doc: YamlDoc) -> dict[str, int]:
    """The file line of each top-level key, so messages can point at it."""
    return {at[0]: line for at, line in doc.lines.items() if len(at) == 1}


def _check_field(where, name, value, check, lines) -> list[Problem]:
    reason = check(value)
    if reason is None:
        return []
    return [
        Problem(where, f"front matter '{name}': {reason}, got {_shown(value)}", lines.get(name))
    ]


def _check_sources(where: str, value: Any, line: int | None) -> list[Problem]:
    expected = "expected a list of sources, each with author, title, year and licence"
    if not isinstance(value, list) or not value:
        return [Problem(where, f"front matter 'sources': {expected}, got {_shown(value)}", line)]
    problems = []
    for index, item in enumerate(value, start=1):
        problems += _check_source(where, f"sources[{index}]", item, line)
    return problems


def _check_source(where: str, name: str, item: Any, line: int | None) -> list[Problem]:
    if not isinstance(item, dict):
        return [
            Problem(where, f"front matter '{name}': {_source_hint()}, got {_shown(item)}", line)
        ]
    problems = [
        Problem(where, f"front matter '{name}': unknown key '{key}'; {_source_hint()}", line)
        for key in item
        if key not in SOURCE_KEYS
    ]
    for key in SOURCE_KEYS:
        value = item.get(key)
        bad = value is None or (
            not (isinstance(value, int) and 0 < value < 3000 and not isinstance(value, bool))
            if key == "year"
            else _text(value)
        )
        if bad:
            expected = "a year such as 1989" if key == "year" else "text"
            got = "nothing" if value is None else _shown(value)
            problems.append(
                Problem(where, f"front matter '{name}.{key}': expected {expected}, got {got}", line)
            )
    return problems


def _source_hint() -> str:
    return "expected author, title, year and licence"


NOTES = {"clinician": CLINICIAN_KEYS, "translation": TRANSLATION_KEYS}


def _check_front_matter(where: str, data: Mapping, lines: dict[str, int]) -> list[Problem]:
    problems = [
        Problem(
            where,
            f"front matter: unknown key '{key}'{_suggest(key, [*SCHEMA, *OPTIONAL])}",
            lines.get(key),
        )
        for key in data
        if key not in SCHEMA and key not in OPTIONAL
    ]
    for name, check in SCHEMA.items():
        if name not in data:
            problems.append(Problem(where, f"front matter '{name}': missing (required)"))
        elif name == "sources":
            problems += _check_sources(where, data[name], lines.get(name))
        else:
            problems += _check_field(where, name, data[name], check, lines)
    for name, check in OPTIONAL.items():
        if name in data and name in NOTES:
            problems += _check_notes(where, name, data[name], lines.get(name))
        elif name in data:
            problems += _check_field(where, name, data[name], check, lines)
    return problems


def _check_notes(where: str, name: str, value: Any, line: int | None) -> list[Problem]:
    """A mapping of short texts: 'clinician' (purpose, not_for, cautions) or 'translation'
    (translator, reviewer, date, notes)."""
    keys = NOTES[name]
    expected = "expected " + ", ".join(f"{key} ({what})" for key, what in keys.items())
    if not isinstance(value, dict):
        return [Problem(where, f"front matter '{name}': {expected}, got {_shown(value)}", line)]
    problems = [
        Problem(where, f"front matter '{name}': unknown key '{key}'; {expected}", line)
        for key in value
        if key not in keys
    ]
    for key in keys:
        given = value.get(key)
        given = given.isoformat() if isinstance(given, dt.date) else given
        if _text(given):
            got = "nothing" if given is None else _shown(given)
            problems.append(
                Problem(where, f"front matter '{name}.{key}': expected text, got {got}", line)
            )
    return problems


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def parse_module(
    path: Path, text: str, builtin: bool = False
) -> tuple[Module | None, list[Problem]]:
    """Read one module file's text; return the module, or every problem found in it."""
    where = display_path(path)
    split = _split_front_matter(text.removeprefix("\ufeff"))
    if split is None:
        return None, [Problem(where, "expected front matter between '---' lines at the top")]
    doc, problems = _load_yaml(where, split.yaml_text)
    if doc is None:
        return None, problems
    data = doc.data
    if not isinstance(data, dict):
        got = "nothing" if data is None else _shown(data)
        return None, [
            Problem(where, f"front matter: expected keys such as 'title: ...', got {got}")
        ]
    problems = _check_front_matter(where, data, _top_lines(doc))
    if problems:
        return None, problems
    return _build_module(path, data, split, builtin), []


def _build_module(path: Path, data: dict, split: _Split, builtin: bool) -> Module:
    return Module(
        id=path.stem,
        path=path,
        title=data["title"].strip(),
        subtitle=(data.get("subtitle") or "").strip(),
        kind=data["kind"],
        summary=data["summary"].strip(),
        topics=tuple(data["topics"]),
        audience=tuple(data["audience"]),
        minutes=data["minutes"],
        language=data["language"],
        sources=tuple(Source(**{k: s[k] for k in SOURCE_KEYS}) for s in data["sources"]),
        body=split.body,
        body_line=split.body_line,
        builtin=builtin,
        clinician=_clinician(data.get("clinician")),
        translation=_translation(data.get("translation")),
    )


def _translation(value: dict | None) -> Translation | None:
    if not value:
        return None
    text = {k: v.isoformat() if isinstance(v, dt.date) else str(v) for k, v in value.items()}
    return Translation(**{key: " ".join(text[key].split()) for key in TRANSLATION_KEYS})


def _clinician(value: dict | None) -> Clinician | None:
    return (
        Clinician(**{key: " ".join(value[key].split()) for key in CLINICIAN_KEYS})
        if value
        else None
    )


def read_module(path: Path, builtin: bool = False) -> tuple[Module | None, list[Problem]]:
    """Read and parse one module file."""
    where = display_path(path)
    if not MODULE_ID.match(path.stem):
        return None, [
            Problem(
                where,
                "file name: expected lowercase words joined by hyphens, e.g. asking-for-help.md",
            )
        ]
    try:
        text = read_text(path, "the file", MODULE_FILE_LIMIT)
    except ProblemsFound as error:
        return None, list(error.problems)
    return parse_module(path, text.replace("\r\n", "\n"), builtin)


# --- the library ---------------------------------------------------------------------


@lru_cache(maxsize=512)
def _read_cached(path: Path, stamp: tuple[int, int], builtin: bool):
    return read_module(path, builtin)


def read_module_cached(path: Path, builtin: bool = False) -> tuple[Module | None, list[Problem]]:
    """read_module, remembered until the file changes (a warm process parses a file once)."""
    try:
        stat = path.stat()
    except OSError:
        return read_module(path, builtin)
    module, problems = _read_cached(path, (stat.st_mtime_ns, stat.st_size), builtin)
    return module, list(problems)


@dataclass(frozen=True)
class Library:
    """Every module file found in one language: built-in first, then each user folder layered
    on top. English modules live in each folder's modules/ (or the folder itself); another
    language's in a subfolder named by its code (modules/es/, or es/ in a user folder).

    Files are parsed when asked for, so a build reads only the modules it uses."""

    files: Mapping[str, tuple[Path, bool]]
    roots: tuple[Path, ...]
    notices: tuple[str, ...] = ()
    language: str = SOURCE
    # The English files (a library in another language only): what each module must match,
    # and what the user may ask to print where a module has no version in the language.
    sources: Mapping[str, tuple[Path, bool]] = field(default_factory=dict)
    stand_ins: frozenset[str] = frozenset()  # ids printed in English, as the user asked
    fallback: bool = False  # whether English stands in for what the language lacks

    def select(self, ids: Iterable[str]) -> tuple[Module, ...]:
        """The modules with these ids, in order; every unknown or broken id reported at once."""
        ids = list(dict.fromkeys(ids))
        unknown = [i for i in ids if i not in self.files]
        if unknown:
            raise HandoutError("\n".join(self.unknown(i) for i in unknown))
        parsed = [read_module_cached(*self.files[i]) for i in ids]
        raise_if([problem for _, found in parsed for problem in found])
        return tuple(module for module, _ in parsed)

    @cached_property
    def _scan(self) -> tuple[dict[str, Module], tuple[Problem, ...]]:
        modules, problems = {}, []
        for module_id, (path, builtin) in self.files.items():
            module, found = read_module_cached(path, builtin)
            problems += found
            if module:
                modules[module_id] = module
        return modules, tuple(problems)

    @property
    def modules(self) -> dict[str, Module]:
        """Every module that reads cleanly, by id."""
        return self._scan[0]

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem in every module file."""
        return self._scan[1]

    def unknown(self, module_id: str) -> str:
        """Why a module id is not known: not in this language, or not at all (with the closest
        ids there are)."""
        if module_id in self.sources:
            return missing_translation(module_id, self.language, self.sources[module_id][0])
        close = difflib.get_close_matches(module_id, list(self.files), n=3, cutoff=0.5)
        hint = (
            f"; did you mean {', '.join(close)}?" if close else "; 'handouts list' shows them all"
        )
        return f"unknown module '{module_id}'{hint}"

    def in_language(self, language: str, fallback: bool = False) -> Library:
        """The same folders, read for another language."""
        if language == self.language and fallback == self.fallback:
            return self
        return load_library(self.roots[1:], self.roots[0], language, fallback)

    def stand_in_notices(self, ids: Iterable[str]) -> tuple[str, ...]:
        """A notice for each of these modules printed in English in place of the language."""
        name = english_name(self.language)
        return tuple(
            f"notice: '{i}' has no {name} version; printing the English one (--fallback)"
            for i in dict.fromkeys(ids)
            if i in self.stand_ins
        )


def missing_translation(module_id: str, language: str, english: Path) -> str:
    """The message for a module with no version in a language, naming the file to write."""
    expected = translation_path(english, language)
    return (
        f"module '{module_id}' has no {english_name(language)} version: expected "
        f"{display_path(expected)}, translated from {display_path(english)} "
        "(or add --fallback to print the English one)"
    )


def translation_path(english: Path, language: str) -> Path:
    """Where a module's version in another language lives: beside it, in a folder named by
    the language's code."""
    return english.parent / language / english.name


def _module_files(root: Path, language: str = SOURCE) -> list[Path]:
    folder = root / "modules" if (root / "modules").is_dir() else root
    return sorted((folder if language == SOURCE else folder / language).glob("*.md"))


def load_library(
    user_dirs: Iterable[Path] = (),
    builtin_dir: Path = CONTENT_DIR,
    language: str = SOURCE,
    fallback: bool = False,
) -> Library:
    """Find the built-in modules, then each user folder's, later folders shadowing earlier ones:
    in English, or in another language (with the English files known, to match them against
    and, when 'fallback' asks for it, to stand in for a module missing in the language)."""
    roots = [builtin_dir, *(Path(d) for d in user_dirs)]
    raise_if(
        [
            Problem(display_path(root), "--content: expected a folder of modules, found none")
            for root in roots[1:]
            if not root.is_dir()
        ]
    )
    files, notices = _layered(roots, language)
    sources: dict[str, tuple[Path, bool]] = {}
    stand_ins: frozenset[str] = frozenset()
    if language != SOURCE:
        sources = _layered(roots, SOURCE)[0]
        if fallback:
            stand_ins = frozenset(sources) - frozenset(files)
            files = {**{i: sources[i] for i in sorted(stand_ins)}, **files}
    resolved = tuple(r.resolve() for r in roots)
    return Library(files, resolved, tuple(notices), language, sources, stand_ins, fallback)


def _layered(roots: list[Path], language: str) -> tuple[dict[str, tuple[Path, bool]], list[str]]:
    files: dict[str, tuple[Path, bool]] = {}
    notices: list[str] = []
    for index, root in enumerate(roots):
        for path in _module_files(root, language):
            if path.stem in files:
                notices.append(_shadow_notice(path, *files[path.stem]))
            files[path.stem] = (path, index == 0)
    return files, notices


def _shadow_notice(path: Path, shadowed: Path, builtin: bool) -> str:
    what = "the built-in module" if builtin else display_path(shadowed)
    return f"notice: {display_path(path)} replaces {what} '{path.stem}'"
