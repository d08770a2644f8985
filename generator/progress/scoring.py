"""Score a measure's answers (totals, severity bands, the alert item) and count what a
worksheet tracks; nothing here prints on a client's page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..core.measure import Band, Scoring, Track


@dataclass(frozen=True)
class Score:
    """A measure's total, its band, and the items left unanswered (a partial total is shown as
    such, never banded as if complete)."""

    total: int
    band: Band | None
    missing: tuple[int, ...] = ()
    values: Mapping[int, int] = field(default_factory=dict, compare=False)  # by item number

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Alert:
    """An answer to act on (PHQ-9 item 9 above 'Not at all'): the item, and the answer given."""

    item: int
    question: str
    answer: str
    value: int


def item_values(scoring: Scoring, answers: Mapping[str, object]) -> dict[int, int]:
    """The value chosen for each answered item, from answers keyed by field name after the
    module id ('measure.1.9' is item 9), each an option's value ('2') or its label."""
    by_label = {option.label: option.value for option in scoring.options}
    allowed = {option.value for option in scoring.options}
    items = {
        key.split(".")[-1]: value for key, value in answers.items() if key.startswith("measure.")
    }
    values = {}
    for number in range(1, len(scoring.items) + 1):
        given = items.get(str(number))
        value = by_label.get(given) if isinstance(given, str) else None
        if value is None and isinstance(given, str) and given.strip().isdigit():
            value = int(given)
        if value in allowed:
            values[number] = value
    return values


def score(scoring: Scoring, values: Mapping[int, int]) -> Score:
    """The total of the items' values and, when every item is answered, its band."""
    total = sum(values.values())
    missing = tuple(n for n in range(1, len(scoring.items) + 1) if n not in values)
    return Score(total, None if missing else band_of(scoring, total), missing, dict(values))


def band_of(scoring: Scoring, total: int) -> Band | None:
    """The band a total falls in (bands are checked to cover 0 to the highest total)."""
    return next((band for band in scoring.bands if band.low <= total <= band.high), None)


def alert(scoring: Scoring, values: Mapping[int, int]) -> Alert | None:
    """The alert item answered above its lowest option, if the measure has one."""
    if not scoring.alert:
        return None
    value = values.get(scoring.alert)
    lowest = min(option.value for option in scoring.options)
    if value is None or value <= lowest:
        return None
    label = next(o.label for o in scoring.options if o.value == value)
    return Alert(scoring.alert, scoring.items[scoring.alert - 1], label, value)


def tracked(track: Track, answers: Mapping[str, object]) -> str | int | None:
    """What a worksheet's tracked component holds: the option chosen, or how many rows were
    filled in or boxes ticked. Answers are keyed by the field's name after the module id
    ('journey-map.1', 'log.7.3.2')."""
    mine = {k: v for k, v in answers.items() if k.split(".")[0] == track.component}
    if track.way == "choice":
        chosen = [v for v in mine.values() if isinstance(v, str) and v.strip()]
        return chosen[0] if chosen else None
    if track.way == "ticked":
        return sum(1 for v in mine.values() if v is True)
    rows = {_row(key) for key, v in mine.items() if isinstance(v, str) and v.strip()}
    return len(rows - {None})


def _row(key: str) -> str | None:
    """The row of a table or log field ('log.7.3.2' -> 'log.7.3'); dates do not fill a row."""
    parts = key.split(".")
    if len(parts) < 4 or parts[-1] == "date":
        return None
    return ".".join(parts[:3])
