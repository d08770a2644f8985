"""Load content modules: front matter, Markdown body, and the library with user overlays."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .errors import HandoutError, Problem, ProblemsFound, display_path, field_problem, raise_if
from .languages import SOURCE, english_name
from .measure import SCORING, TRACKS, Scoring, Track, measure_keys
from .resources import CONTENT_DIR
from .schema import Check, Choice, Date, Field, Integer, Keys, ListOf, Pattern, Text
from .sources import Citation, Source, citations
from .yamlfile import YamlDoc, parse_yaml, read_text

KINDS = ("handout", "worksheet", "measure")
AUDIENCES = ("individual", "couples", "family", "group")
MODULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TOPIC = MODULE_ID
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
FENCE = re.compile(r"^(?:---|\.\.\.)\s*$")
FRONT_MATTER_LIMIT = 64_000  # characters of YAML between the '---' lines
MODULE_SUFFIX = ".md"  # a module file's name: its id, then this
MODULE_FILE_LIMIT = 300_000  # bytes: the front matter and a body of up to 200 kB (see validate)
# Pages on these topics describe pleasing, checking moods or giving in, which can be how a person
# with a frightening partner stays safe: they carry a safety note on page 1.
SAFETY_TOPICS = frozenset({"codependency", "couples", "boundaries", "attachment"})


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
class Revision:
    """The last time a module's text was revised as a whole, and what changed: shown by 'show',
    never printed on a client's pages."""

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
    revised: Revision | None = None
    # A measure's items, options and bands, and the notice its publisher asks to be printed.
    scoring: Scoring | None = None
    notice: str = ""
    tracks: tuple[Track, ...] = ()  # what a worksheet counts (not a validated measure)

    @property
    def where(self) -> str:
        """The module's file as shown in messages."""
        return display_path(self.path)

    @property
    def citations(self) -> tuple[Citation, ...]:
        """The sources as the one-line footer cites them (paper and phone alike)."""
        return citations(self.sources)

    @property
    def safety_note(self) -> bool:
        """Whether page 1 carries the note for a reader who is afraid of someone."""
        return bool(SAFETY_TOPICS.intersection(self.topics))


# --- front matter schema -------------------------------------------------------------


def _word_list(allowed: tuple[str, ...] | None, what: str, example: str) -> ListOf:
    word = Pattern(TOPIC, "lowercase words joined by hyphens")
    return ListOf(
        Choice(allowed) if allowed else word,
        least=1,
        required=True,
        expect=f"a list of {what}, e.g. [{example}]",
    )


def _notes(keys: dict[str, str], build: Callable[[dict], Any], **fields: Field) -> Keys:
    """A mapping of short texts (unless 'fields' says otherwise), each explained in the
    message when one is wrong."""
    expect = ", ".join(f"{key} ({what})" for key, what in keys.items())
    texts = {key: fields.get(key) or Text(required=True) for key in keys}
    return Keys(texts, expect=expect, build=build)


CLINICIAN_KEYS = {
    "purpose": "what the module is for",
    "not_for": "when not to use it",
    "cautions": "what to watch for when using it",
}
REVISION_KEYS = {
    "date": "when, as YYYY-MM-DD",
    "notes": "what was revised",
}
TRANSLATION_KEYS = {
    "translator": "who wrote this language's version",
    "reviewer": "who reviewed it",
    "date": "when, as YYYY-MM-DD",
    "notes": "what was adapted rather than translated",
}
SOURCE_FIELDS = Keys(
    {
        "author": Text(required=True),
        "title": Text(required=True),
        "year": Integer(1, 2999, required=True, expect="a year such as 1989"),
        "licence": Text(required=True),
    },
    expect="author, title, year and licence",
    build=lambda values: Source(**values),
)
FRONT_MATTER = Keys(
    {
        "title": Text(required=True),
        "subtitle": Text(),
        "kind": Choice(KINDS, required=True),
        "summary": Text(required=True),
        "topics": _word_list(None, "topics", "journey"),
        "audience": _word_list(AUDIENCES, "audiences", "individual, group"),
        "minutes": Integer(1, 240, unit="minutes", required=True),
        "language": Pattern(LANGUAGE, "a language code such as en or en-US", required=True),
        "sources": ListOf(
            SOURCE_FIELDS,
            least=1,
            required=True,
            expect="a list of sources, each with author, title, year and licence",
        ),
        "clinician": _notes(CLINICIAN_KEYS, lambda values: Clinician(**_squashed(values))),
        "translation": _notes(
            TRANSLATION_KEYS,
            lambda values: Translation(**_squashed(values)),
            date=Date(required=True, convert=dt.date.isoformat),
        ),
        "revised": _notes(
            REVISION_KEYS,
            lambda values: Revision(**_squashed(values)),
            date=Date(required=True, convert=dt.date.isoformat),
        ),
        "scoring": SCORING,
        "notice": Text(default=""),
        "tracks": TRACKS,
    },
    expect="keys such as 'title: ...'",
    then=lambda values, run, at: measure_keys(values, run),
)


def _squashed(values: dict[str, str]) -> dict[str, str]:
    """Notes written over several lines, as one line each."""
    return {key: " ".join(value.split()) for key, value in values.items()}


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
    run = Check(where, doc, label="front matter ")
    data = run.value(FRONT_MATTER, doc.data)
    if run.problems:
        return None, run.problems
    return _build_module(path, data, split, builtin), []


def _build_module(path: Path, data: dict, split: _Split, builtin: bool) -> Module:
    return Module(
        id=path.stem,
        path=path,
        body=split.body,
        body_line=split.body_line,
        builtin=builtin,
        **data,
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
def _read_cached(
    path: Path, stamp: tuple[int, int], builtin: bool
) -> tuple[Module | None, list[Problem]]:
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
        return tuple(module for module, _ in parsed if module is not None)

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
            f"notice: '{i}' has no {name} version; printing the English one in its place, as asked"
            for i in dict.fromkeys(ids)
            if i in self.stand_ins
        )


def missing_translation(module_id: str, language: str, english: Path) -> str:
    """The message for a module with no version in a language, naming the file to write."""
    expected = translation_path(english, language)
    return (
        f"module '{module_id}' has no {english_name(language)} version: expected "
        f"{display_path(expected)}, translated from {display_path(english)} "
        "(or ask for the English one to stand in for it)"
    )


def translation_path(english: Path, language: str) -> Path:
    """Where a module's version in another language lives: beside it, in a folder named by
    the language's code."""
    return english.parent / language / english.name


def _module_files(root: Path, language: str = SOURCE) -> list[Path]:
    folder = root / "modules" if (root / "modules").is_dir() else root
    return sorted((folder if language == SOURCE else folder / language).glob(f"*{MODULE_SUFFIX}"))


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
            field_problem("content", f"'{display_path(root)}': expected a folder of modules")
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
