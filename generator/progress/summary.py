"""A client's record made readable: each measure's totals by day, what worksheets tracked, the
alerts (first, always), and homework given and returned."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..core.content import Library, Module, read_module_cached
from ..core.measure import Scoring
from .record import Entry
from .scoring import Score, alert, item_values, score, tracked


@dataclass(frozen=True)
class Point:
    """One day's value in a series: a measure's total (with its score), or a tracked count or
    choice."""

    day: str
    value: int | str | None
    score: Score | None = None

    @property
    def scored(self) -> Score:
        """A measure's score (only a measure's points have one)."""
        if self.score is None:
            raise ValueError(f"the point of {self.day} is a tracked value, not a score")
        return self.score


@dataclass(frozen=True)
class Series:
    """A measure's totals, or a tracked item's values, by day."""

    module: str
    title: str
    label: str
    points: tuple[Point, ...]
    module_ref: Module | None = None
    validated: bool = True  # False: a worksheet's own count, "not a validated measure"

    @property
    def scoring(self) -> Scoring:
        """A measure's scoring (only a measure's series has one)."""
        scoring = self.module_ref.scoring if self.module_ref else None
        if scoring is None:
            raise ValueError(f"'{self.module}' is not a measure")
        return scoring


@dataclass(frozen=True)
class AlertSeen:
    """An alert answer, where it was given and when."""

    day: str
    module: str
    title: str
    item: int
    question: str
    answer: str


@dataclass(frozen=True)
class Homework:
    """A module handed out and brought back, by day."""

    module: str
    title: str
    given: tuple[str, ...]
    returned: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    code: str
    language: str
    days: tuple[str, ...]
    alerts: tuple[AlertSeen, ...]
    measures: tuple[Series, ...]
    tracks: tuple[Series, ...]
    homework: tuple[Homework, ...] = field(default_factory=tuple)


def summarize(code: str, language: str, entries: Sequence[Entry], library: Library) -> Summary:
    """Everything a clinician reads about one client, from their entries."""
    modules = _modules(library, {e.module for e in entries})
    returned = [e for e in entries if e.kind == "returned"]
    return Summary(
        code,
        language,
        tuple(sorted({e.day for e in entries})),
        tuple(_alerts(returned, modules)),
        tuple(_measures(returned, modules)),
        tuple(_tracks(returned, modules)),
        tuple(_homework(entries, modules)),
    )


def _modules(library: Library, ids: set[str]) -> dict[str, Module]:
    """The modules the entries name that the library still has (in the client's language):
    only those are read."""
    found = {}
    for module_id in sorted(ids & set(library.files)):
        module, _ = read_module_cached(*library.files[module_id])
        if module:
            found[module_id] = module
    return found


def _title(modules: dict[str, Module], module_id: str) -> str:
    return modules[module_id].title if module_id in modules else module_id


def _alerts(returned: Sequence[Entry], modules: dict[str, Module]) -> list[AlertSeen]:
    found = []
    for entry in returned:
        module = modules.get(entry.module)
        if module is None or module.scoring is None:
            continue
        hit = alert(module.scoring, item_values(module.scoring, entry.answers))
        if hit:
            found.append(
                AlertSeen(entry.day, entry.module, module.title, hit.item, hit.question, hit.answer)
            )
    return sorted(found, key=lambda a: a.day, reverse=True)  # the latest first


def _measures(returned: Sequence[Entry], modules: dict[str, Module]) -> list[Series]:
    series = []
    for module_id, module in modules.items():
        if module.scoring is None:
            continue
        points = []
        for entry in (e for e in returned if e.module == module_id):
            result = score(module.scoring, item_values(module.scoring, entry.answers))
            points.append(Point(entry.day, result.total, result))
        if points:
            series.append(Series(module_id, module.title, module.title, tuple(points), module))
    return series


def _tracks(returned: Sequence[Entry], modules: dict[str, Module]) -> list[Series]:
    series = []
    for module_id, module in modules.items():
        for track in module.tracks:
            points = tuple(
                Point(e.day, tracked(track, e.answers)) for e in returned if e.module == module_id
            )
            if points:
                series.append(
                    Series(module_id, module.title, track.label, points, module, validated=False)
                )
    return series


def _homework(entries: Sequence[Entry], modules: dict[str, Module]) -> list[Homework]:
    ids = list(dict.fromkeys(e.module for e in entries))
    return [
        Homework(
            i,
            _title(modules, i),
            tuple(e.day for e in entries if e.module == i and e.kind == "given"),
            tuple(e.day for e in entries if e.module == i and e.kind == "returned"),
        )
        for i in ids
    ]
