"""Packet files: an ordered set of modules, in sessions, with a cover, contents and facilitator
notes; read from YAML and checked, every problem reported at once."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.content import AUDIENCES, MODULE_ID, Library
from ..core.errors import HandoutError, Problem, display_path, raise_if
from ..core.languages import SOURCE, english_name
from ..core.options import FLAGS, Options, layered, paper_problem
from ..core.yamlfile import YamlDoc, dotted, read_yaml

PACKET_KEYS = (
    "title",
    "subtitle",
    "audience",
    "cover",
    "contents",
    "options",
    "anonymous",
    "facilitator",
)
OPTION_KEYS = ("paper", "duplex", *FLAGS)
SESSION_KEYS = ("title", "summary", "modules", "facilitator")
NOTE_KEYS = ("about", "minutes", "goals", "before", "plan", "guide", "prompts", "watch_for")
LIST_NOTES = ("goals", "before", "prompts", "watch_for")
# A guide part: a title, then any of these, printed in the order written: a paragraph, words
# the facilitator might say aloud, numbered steps, a bulleted list.
GUIDE_KEYS = ("title", "about", "say", "steps", "points")
TEXT_LIMIT = 400
PACKET_LIMIT = 256_000  # bytes; the largest built-in packet has 14 kB


@dataclass(frozen=True)
class GuidePart:
    """A titled part of the facilitator's guide, its blocks in the order they were written:
    ("about", text), or ("say" | "steps" | "points", texts)."""

    title: str
    blocks: tuple[tuple[str, str | tuple[str, ...]], ...]


@dataclass(frozen=True)
class Notes:
    """Facilitator notes: printed only in the facilitator edition."""

    about: str = ""
    minutes: int | None = None
    goals: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    plan: tuple[tuple[int, str], ...] = ()
    guide: tuple[GuidePart, ...] = ()
    prompts: tuple[str, ...] = ()
    watch_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Session:
    """Part of a packet: a numbered session, or (number 0) the whole of an unsessioned packet."""

    number: int
    title: str
    modules: tuple[str, ...]
    summary: str = ""
    notes: Notes | None = None


@dataclass(frozen=True)
class Packet:
    """A checked packet file."""

    id: str
    path: Path
    title: str
    sessions: tuple[Session, ...]
    subtitle: str = ""
    audience: tuple[str, ...] = ()
    cover: bool = True
    contents: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    notes: Notes | None = None
    anonymous: tuple[str, ...] = ()  # modules printed without the participant's name

    @property
    def module_ids(self) -> tuple[str, ...]:
        return tuple(m for session in self.sessions for m in session.modules)

    @property
    def where(self) -> str:
        return display_path(self.path)

    def layout(self, given: Options, duplex: bool | None = None) -> Options:
        """The packet's own options, with what was given on the command line on top."""
        return layered(given, self.options, duplex)


# --- finding packets -----------------------------------------------------------------


def packet_files(library: Library, language: str | None = None) -> dict[str, Path]:
    """Every packet in the packets/ folder of each content root, later roots winning: in
    English, or in the library's language (packets/es/), English standing in for a missing one
    when the library's fallback allows it."""
    language = library.language if language is None else language
    found: dict[str, Path] = {}
    for root in library.roots:
        folder = root / "packets" if language == SOURCE else root / "packets" / language
        for path in sorted(folder.glob("*.yaml")):
            found[path.stem] = path
    if language != SOURCE and library.fallback:
        found = {**packet_files(library, SOURCE), **found}
    return found


def find_packet(name: str, library: Library) -> Path:
    """A packet file given by path, or by the name of a built-in or user packet."""
    given = Path(name)
    if given.suffix.lower() in (".yaml", ".yml") or given.is_file():
        if not given.is_file():
            raise HandoutError(f"packet file '{name}': no such file")
        return given
    known = packet_files(library)
    if name in known:
        return known[name]
    english = packet_files(library, SOURCE) if library.language != SOURCE else {}
    if name in english:
        where = display_path(english[name].parent / library.language / english[name].name)
        raise HandoutError(
            f"packet '{name}' has no {english_name(library.language)} version: expected {where}, "
            f"translated from {display_path(english[name])} (or add --fallback to use the "
            "English one)"
        )
    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
    raise HandoutError(f"unknown packet '{name}'; {hint} ('handouts packets' lists them)")


# --- reading and checking --------------------------------------------------------------


class _Checker:
    """Walks the YAML data, noting each problem with the line it comes from."""

    def __init__(self, path: Path, doc: YamlDoc):
        self.where = display_path(path)
        self.doc = doc
        self.problems: list[Problem] = []

    def problem(self, at: tuple, message: str) -> None:
        name = dotted(at)
        self.problems.append(Problem(self.where, f"'{name}': {message}", self.doc.line(at)))

    def keys(self, data: dict, at: tuple, allowed: Iterable[str]) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(str(key), list(allowed), n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"expected {', '.join(allowed)}"
                self.problem((*at, key), f"unknown key; {hint}")

    def text(self, data: dict, at: tuple, key: str, required: bool = False) -> str:
        value = data.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip() or len(value) > TEXT_LIMIT:
            got = "nothing" if value is None else repr(value)[:60]
            self.problem((*at, key), f"expected text of up to {TEXT_LIMIT} characters, got {got}")
            return ""
        return value.strip()

    def texts(self, data: dict, at: tuple, key: str) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem((*at, key), "expected a list of short texts, one per line starting '- '")
            return ()
        for index, item in enumerate(value):
            if len(item) > TEXT_LIMIT:
                self.problem((*at, key, index), f"expected at most {TEXT_LIMIT} characters")
        return tuple(v.strip() for v in value)

    def flag(self, data: dict, at: tuple, key: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.problem((*at, key), f"expected yes or no (true or false), got {value!r}")
            return default
        return value

    def minutes(self, value: Any, at: tuple) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 600:
            return value
        self.problem(at, f"expected a whole number of minutes from 1 to 600, got {value!r}")
        return None


def load_packet(path: Path, library: Library) -> Packet:
    """Read and check a packet file against the library; all problems at once."""
    doc = read_yaml(path, "the packet", PACKET_LIMIT)
    if not isinstance(doc.data, dict):
        raise HandoutError(f"{display_path(path)}: expected keys such as 'title:' and 'sessions:'")
    check = _Checker(path, doc)
    packet = _packet(check, doc.data, path, library)
    raise_if(check.problems)
    return packet


def _packet(check: _Checker, data: dict, path: Path, library: Library) -> Packet:
    has_sessions = "sessions" in data
    check.keys(data, (), [*PACKET_KEYS, "sessions" if has_sessions else "modules"])
    if has_sessions == ("modules" in data):
        check.problem((), "expected either 'sessions' (a list of sessions) or 'modules' (a list)")
    sessions = _sessions(check, data) if has_sessions else _single(check, data)
    _check_modules(check, sessions, library)
    anonymous = _anonymous(check, data.get("anonymous", []), sessions)
    if not MODULE_ID.match(path.stem):
        check.problem((), "file name: expected lowercase words joined by hyphens")
    return Packet(
        id=path.stem,
        path=path,
        title=check.text(data, (), "title", required=True),
        subtitle=check.text(data, (), "subtitle"),
        audience=_audience(check, data.get("audience")),
        cover=check.flag(data, (), "cover", True),
        contents=check.flag(data, (), "contents", True),
        options=_options(check, data.get("options", {})),
        notes=_notes(check, data["facilitator"], ("facilitator",))
        if "facilitator" in data
        else None,
        sessions=sessions,
        anonymous=anonymous,
    )


def _sessions(check: _Checker, data: dict) -> tuple[Session, ...]:
    items = data["sessions"]
    if not isinstance(items, list) or not items:
        check.problem(("sessions",), "expected a list of sessions, each with a title and modules")
        return ()
    sessions = []
    for index, item in enumerate(items):
        at = ("sessions", index)
        if not isinstance(item, dict):
            check.problem(at, "expected a session with 'title:' and 'modules:'")
            continue
        check.keys(item, at, SESSION_KEYS)
        notes = (
            _notes(check, item["facilitator"], (*at, "facilitator"))
            if "facilitator" in item
            else None
        )
        sessions.append(
            Session(
                number=index + 1,
                title=check.text(item, at, "title", required=True),
                modules=_module_list(check, item.get("modules"), (*at, "modules")),
                summary=check.text(item, at, "summary"),
                notes=notes,
            )
        )
    return tuple(sessions)


def _single(check: _Checker, data: dict) -> tuple[Session, ...]:
    return (Session(0, "", _module_list(check, data.get("modules"), ("modules",))),)


def _module_list(check: _Checker, value: Any, at: tuple) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        check.problem(at, "expected a list of module ids, e.g. [journey, where-am-i]")
        return ()
    return tuple(value)


def _check_modules(check: _Checker, sessions: tuple[Session, ...], library: Library) -> None:
    seen: set[str] = set()
    for session in sessions:
        at = ("sessions", session.number - 1, "modules") if session.number else ("modules",)
        for index, module_id in enumerate(session.modules):
            if module_id not in library.files:
                check.problem((*at, index), library.unknown(module_id))
            elif module_id in seen:
                check.problem((*at, index), f"module '{module_id}' is already in the packet")
            seen.add(module_id)


def _anonymous(check: _Checker, value: Any, sessions: tuple[Session, ...]) -> tuple[str, ...]:
    """Modules, such as a feedback form, that are handed in without saying who wrote them."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        check.problem(("anonymous",), "expected a list of module ids, e.g. [group-feedback]")
        return ()
    in_packet = {m for session in sessions for m in session.modules}
    for index, module_id in enumerate(value):
        if module_id not in in_packet:
            check.problem(("anonymous", index), f"module '{module_id}' is not in the packet")
    return tuple(value)


def _audience(check: _Checker, value: Any) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if value is None:
        return ()
    if not isinstance(values, list) or not all(v in AUDIENCES for v in values):
        check.problem(("audience",), f"expected any of {', '.join(AUDIENCES)}, got {value!r}")
        return ()
    return tuple(values)


def _options(check: _Checker, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        check.problem(("options",), f"expected settings such as 'duplex: true', got {value!r}")
        return {}
    check.keys(value, ("options",), OPTION_KEYS)
    chosen: dict[str, Any] = {}
    for key in OPTION_KEYS[1:]:
        if key in value:
            chosen[key] = check.flag(value, ("options",), key, False)
    paper = value.get("paper")
    if paper is not None:
        problem = paper_problem(paper)
        if problem:
            check.problem(("options", "paper"), problem)
        else:
            chosen["paper"] = str(paper).lower()
    return chosen


def _notes(check: _Checker, value: Any, at: tuple) -> Notes:
    if not isinstance(value, dict):
        check.problem(at, "expected notes such as 'minutes:', 'plan:' and 'prompts:'")
        return Notes()
    check.keys(value, at, NOTE_KEYS)
    minutes = check.minutes(value["minutes"], (*at, "minutes")) if "minutes" in value else None
    plan = _plan(check, value.get("plan", []), (*at, "plan"))
    if minutes and plan and sum(step for step, _ in plan) != minutes:
        total = sum(step for step, _ in plan)
        check.problem((*at, "plan"), f"the steps add up to {total} minutes, not {minutes}")
    lists = {key: check.texts(value, at, key) for key in LIST_NOTES}
    guide = _guide(check, value["guide"], (*at, "guide")) if "guide" in value else ()
    about = check.text(value, at, "about")
    return Notes(about=about, minutes=minutes, plan=plan, guide=guide, **lists)


def _guide(check: _Checker, value: Any, at: tuple) -> tuple[GuidePart, ...]:
    if not isinstance(value, list) or not value:
        check.problem(at, "expected a list of parts, each with 'title:' and text to print")
        return ()
    return tuple(
        part for index, item in enumerate(value) if (part := _guide_part(check, item, (*at, index)))
    )


def _guide_part(check: _Checker, value: Any, at: tuple) -> GuidePart | None:
    if not isinstance(value, dict) or not set(value) - {"title"}:
        what = ", ".join(f"'{key}:'" for key in GUIDE_KEYS[1:])
        check.problem(at, f"expected 'title:' and any of {what}")
        return None
    check.keys(value, at, GUIDE_KEYS)
    blocks = [
        (key, check.text(value, at, key) if key == "about" else check.texts(value, at, key))
        for key in value
        if key in GUIDE_KEYS[1:]
    ]
    return GuidePart(check.text(value, at, "title", required=True), tuple(blocks))


def _plan(check: _Checker, value: Any, at: tuple) -> tuple[tuple[int, str], ...]:
    if not isinstance(value, list):
        check.problem(at, "expected a list of steps, each with 'minutes:' and 'activity:'")
        return ()
    steps = []
    for index, step in enumerate(value):
        if not isinstance(step, dict) or set(step) != {"minutes", "activity"}:
            check.problem((*at, index), "expected 'minutes:' and 'activity:' (and nothing else)")
            continue
        minutes = check.minutes(step["minutes"], (*at, index, "minutes"))
        activity = check.text(step, (*at, index), "activity", required=True)
        if minutes and activity:
            steps.append((minutes, activity))
    return tuple(steps)
