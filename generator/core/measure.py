"""A standard measure's front matter (items, answer options, severity bands) and what a
worksheet says it tracks: checked here, scored in generator/progress."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .schema import Check, Choice, Integer, Keys, ListOf, Pattern, Text

LOINC = Pattern(re.compile(r"^\d{1,7}-\d$"), "a LOINC code such as 44249-1", required=True)
TRACK_WAYS = ("choice", "filled", "ticked")


@dataclass(frozen=True)
class Option:
    """One answer a client may choose, and what it scores."""

    label: str
    value: int


@dataclass(frozen=True)
class Band:
    """A range of totals and its severity label (for the clinician only)."""

    low: int
    high: int
    label: str


@dataclass(frozen=True)
class Followup:
    """The unscored question a published form asks after its items."""

    question: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Scoring:
    """How a measure is answered and scored: its items in the published wording, the options
    with their values, the bands of totals, and the item whose answer is an alert."""

    items: tuple[str, ...]
    options: tuple[Option, ...]
    bands: tuple[Band, ...]
    alert: int = 0  # the item (1-based) whose answer above the lowest option is an alert
    followup: Followup | None = None
    loinc: tuple[str, str] = ("", "")  # the panel's code and the total score's

    @property
    def highest(self) -> int:
        """The largest total the items can add up to."""
        return len(self.items) * max(option.value for option in self.options)


@dataclass(frozen=True)
class Track:
    """What a worksheet counts from its answers, shown as 'not a validated measure': the
    chosen option of a component, its filled-in rows or its ticked boxes."""

    label: str
    component: str
    way: str


@dataclass(frozen=True)
class OtherWords:
    """A measure's words in the second language of a bilingual copy, each printed under its
    own: the items, the answers, the follow-up and the notice as published in that language."""

    items: tuple[str, ...]
    options: tuple[str, ...]
    followup: str
    followup_options: tuple[str, ...]
    notice: str


def words_beside(mine: Scoring, theirs: Scoring, notice: str) -> OtherWords:
    """The other language's published words, one for each of this copy's (the checks keep
    both in step; a part the other lacks is left blank, never filled with other words)."""

    def fit(found: Sequence[str], length: int) -> tuple[str, ...]:
        return tuple(found[:length]) + ("",) * (length - len(found))

    other = theirs.followup if mine.followup else None
    return OtherWords(
        fit(theirs.items, len(mine.items)),
        fit([option.label for option in theirs.options], len(mine.options)),
        other.question if other else "",
        fit(other.options if other else (), len(mine.followup.options) if mine.followup else 0),
        notice,
    )


def _bands_cover(values: dict, run: Check, at: tuple) -> None:
    """Bands must run from 0 to the highest total without gaps or overlaps."""
    bands = values["bands"]
    expected = 0
    for index, band in enumerate(bands):
        if band.low != expected or band.high < band.low:
            run.problem(
                (*at, "bands", index),
                f"expected a band starting at {expected}, got {band.low}-{band.high}",
            )
            return
        expected = band.high + 1
    highest = len(values["items"]) * max(option.value for option in values["options"])
    if expected - 1 != highest:
        run.problem((*at, "bands"), f"expected the last band to end at {highest}")
    if values["alert"] and values["alert"] > len(values["items"]):
        run.problem((*at, "alert"), f"expected an item number from 1 to {len(values['items'])}")


OPTION = Keys(
    {"label": Text(required=True), "value": Integer(0, 100, required=True)},
    expect="label and value",
    build=lambda v: Option(v["label"], v["value"]),
)
BAND = Keys(
    {
        "from": Integer(0, 1000, required=True),
        "to": Integer(0, 1000, required=True),
        "label": Text(required=True),
    },
    expect="from, to and label",
    build=lambda v: Band(v["from"], v["to"], v["label"]),
)
SCORING = Keys(
    {
        "items": ListOf(Text(), least=1, most=60, required=True, expect="a list of items"),
        "options": ListOf(OPTION, least=2, most=10, required=True),
        "bands": ListOf(BAND, least=1, most=10, required=True),
        "alert": Integer(1, 60, default=0),
        "followup": Keys(
            {"question": Text(required=True), "options": ListOf(Text(), least=2, required=True)},
            build=lambda v: Followup(v["question"], v["options"]),
        ),
        "loinc": Keys({"panel": LOINC, "total": LOINC}, build=lambda v: (v["panel"], v["total"])),
    },
    expect="items, options, bands (and alert, followup, loinc)",
    then=_bands_cover,
    build=lambda v: Scoring(**{**v, "alert": v["alert"] or 0, "loinc": v["loinc"] or ("", "")}),
)
TRACKS = ListOf(
    Keys(
        {
            "label": Text(required=True),
            "component": Text(required=True),
            "way": Choice(TRACK_WAYS, required=True),
        },
        expect="label, component and way",
        build=lambda v: Track(v["label"], v["component"], v["way"]),
    ),
    least=1,
    most=10,
    expect="a list of tracked items, each with label, component and way",
)


def measure_keys(values: dict, run: Check) -> None:
    """A measure has its scoring and notice; nothing else has them."""
    measure = values["kind"] == "measure"
    for key in ("scoring", "notice"):
        if measure and not values[key]:
            run.problem((key,), "expected it for a measure, got nothing")
        elif not measure and values[key]:
            run.problem((key,), f"expected only for a measure, not a {values['kind']}")
