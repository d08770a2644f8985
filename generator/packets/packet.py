"""Packet files: an ordered set of modules, in sessions, with a cover, contents and facilitator
notes; read from YAML and checked, every problem reported at once."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.content import AUDIENCES, MODULE_ID, Library
from ..core.errors import HandoutError, display_path
from ..core.languages import SOURCE, english_name
from ..core.options import FLAGS, Options, layered, paper_problem
from ..core.schema import Check, Choice, Flag, Integer, Keys, ListOf, Rule, Text
from ..core.yamlfile import read_yaml

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

TEXT = Text(TEXT_LIMIT)
TEXTS = ListOf(TEXT, expect="a list of short texts, one per line starting '- '")


def _minutes(**options) -> Integer:
    return Integer(1, 600, unit="minutes", **options)


def _module_ids(**options) -> ListOf:
    return ListOf(
        Text(), least=1, expect="a list of module ids, e.g. [journey, where-am-i]", **options
    )


def _adds_up(values: dict, run: Check, at: tuple) -> None:
    """A session's plan takes the time the session has."""
    total = sum(minutes for minutes, _ in values["plan"])
    if values["minutes"] and values["plan"] and total != values["minutes"]:
        run.problem((*at, "plan"), f"the steps add up to {total} minutes, not {values['minutes']}")


GUIDE_EXPECT = "'title:' and any of " + ", ".join(f"'{key}:'" for key in GUIDE_KEYS[1:])


def _says_something(values: dict, run: Check, at: tuple) -> None:
    if not any(values[key] for key in GUIDE_KEYS[1:]):
        run.problem(at, f"expected {GUIDE_EXPECT}")


def _guide_part(values: dict) -> GuidePart:
    blocks = tuple((key, value) for key, value in values.items() if key != "title" and value)
    return GuidePart(values["title"], blocks)


STEP = Keys(
    {
        "minutes": _minutes(required=True),
        "activity": Text(TEXT_LIMIT, required=True),
    },
    expect="'minutes:' and 'activity:' (and nothing else)",
    build=lambda values: (values["minutes"], values["activity"]),
)
GUIDE_PART = Keys(
    {
        "title": Text(TEXT_LIMIT, required=True),
        "about": TEXT,
        "say": TEXTS,
        "steps": TEXTS,
        "points": TEXTS,
    },
    expect=GUIDE_EXPECT,
    then=_says_something,
    build=_guide_part,
)
NOTES = Keys(
    {
        "about": TEXT,
        "minutes": _minutes(),
        "goals": TEXTS,
        "before": TEXTS,
        "plan": ListOf(STEP, expect="a list of steps, each with 'minutes:' and 'activity:'"),
        "guide": ListOf(
            GUIDE_PART, least=1, expect="a list of parts, each with 'title:' and text to print"
        ),
        "prompts": TEXTS,
        "watch_for": TEXTS,
    },
    expect="notes such as 'minutes:', 'plan:' and 'prompts:'",
    then=_adds_up,
    build=lambda values: Notes(**values),
)
SESSION = Keys(
    {
        "title": Text(TEXT_LIMIT, required=True),
        "summary": TEXT,
        "modules": _module_ids(required=True),
        "facilitator": NOTES,
    },
    expect="a session with 'title:' and 'modules:'",
)
OPTIONS = Keys(
    {"paper": Rule(paper_problem, str.lower), "duplex": Flag(), **{flag: Flag() for flag in FLAGS}},
    expect="settings such as 'duplex: true'",
    build=lambda values: {key: value for key, value in values.items() if value is not None},
)


def _sessions_or_modules(values: dict, run: Check, at: tuple) -> None:
    if bool(values["sessions"]) == bool(values["modules"]):
        run.problem(at, "expected either 'sessions' (a list of sessions) or 'modules' (a list)")


PACKET = Keys(
    {
        "title": Text(TEXT_LIMIT, required=True),
        "subtitle": TEXT,
        "audience": ListOf(Choice(AUDIENCES), one=True, expect="any of " + ", ".join(AUDIENCES)),
        "cover": Flag(default=True),
        "contents": Flag(default=True),
        "options": OPTIONS,
        "anonymous": ListOf(Text(), expect="a list of module ids, e.g. [group-feedback]"),
        "facilitator": NOTES,
        "sessions": ListOf(
            SESSION, least=1, expect="a list of sessions, each with a title and modules"
        ),
        "modules": _module_ids(),
    },
    expect="keys such as 'title:' and 'sessions:'",
    then=_sessions_or_modules,
)


def load_packet(path: Path, library: Library) -> Packet:
    """Read and check a packet file against the library; all problems at once."""
    doc = read_yaml(path, "the packet", PACKET_LIMIT)
    run = Check(display_path(path), doc)
    if not MODULE_ID.match(path.stem):
        run.problem((), "file name: expected lowercase words joined by hyphens")
    data = run.value(PACKET, doc.data)
    # The modules are looked up even when other keys are wrong, so that every problem shows.
    _check_modules(run, _module_lists(doc.data), library)
    run.done()
    return Packet(
        id=path.stem,
        path=path,
        title=data["title"],
        subtitle=data["subtitle"],
        audience=data["audience"],
        cover=data["cover"],
        contents=data["contents"],
        options=data["options"] or {},
        notes=data["facilitator"],
        sessions=_sessions(data),
        anonymous=data["anonymous"],
    )


def _sessions(data: dict) -> tuple[Session, ...]:
    if not data["sessions"]:
        return (Session(0, "", data["modules"]),)
    return tuple(
        Session(
            number=index + 1,
            title=item["title"],
            modules=item["modules"],
            summary=item["summary"],
            notes=item["facilitator"],
        )
        for index, item in enumerate(data["sessions"])
    )


def _module_lists(data: Any) -> dict[tuple, list]:
    """Each list of module ids in the file as written, by its key path (checked or not)."""
    if not isinstance(data, dict):
        return {}
    lists: dict[tuple, Any] = {("modules",): data.get("modules")}
    sessions = data.get("sessions")
    for index, session in enumerate(sessions if isinstance(sessions, list) else []):
        if isinstance(session, dict):
            lists[("sessions", index, "modules")] = session.get("modules")
    lists[("anonymous",)] = data.get("anonymous")
    return {at: ids for at, ids in lists.items() if isinstance(ids, list)}


def _check_modules(run: Check, lists: dict[tuple, list], library: Library) -> None:
    """Every module is in the library and in the packet once; each anonymous one is in it."""
    anonymous = lists.pop(("anonymous",), [])
    seen: set[str] = set()
    for at, ids in lists.items():
        for index, module_id in enumerate(ids):
            if not isinstance(module_id, str):
                continue  # the schema says so
            if module_id not in library.files:
                run.problem((*at, index), library.unknown(module_id))
            elif module_id in seen:
                run.problem((*at, index), f"module '{module_id}' is already in the packet")
            seen.add(module_id)
    for index, module_id in enumerate(anonymous):
        if isinstance(module_id, str) and module_id not in seen:
            run.problem(("anonymous", index), f"module '{module_id}' is not in the packet")
