"""Geometry of the drawn components: where the journey map puts its road, stops, spots and words."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

from .languages import SOURCE, gettext

# The drawing is as wide as the text column: 640 units over 176 mm (Letter) or 170 mm (A4),
# about 0.27 mm a unit. Sizes below are in those units.
WIDTH = 640
SPOT = 10  # a place to mark: 20 units, 5.5 mm across on Letter, 5.3 mm on A4
STOP = 15  # the three stops are bigger rings, and can be marked too
ROAD = 40  # the road's width: a spot or a stop sits on it with room to spare
STOPS_X = (107, 320, 533)  # a third of the width each, so each stop's words have room
PIT_X = 334  # the pit-stop sign stands by the road just past its stop, clear of the detour
DETOUR_X = 190  # the detour's words, clear of the pit-stop sign's in large print
# Printed sizes: normal print close to the body text; large print at 14 pt or more on A4 too.
# In large print the detour's words are too wide to share a line with "Pit stop": the detour
# goes one line deeper and its words sit below that line.
SIZES = {
    False: {"stop": 16, "sub": 13, "sign": 13, "detour_row": 0},
    True: {"stop": 20, "sub": 19, "sign": 19, "detour_row": 1},
}

Point = tuple[float, float]
Curve = tuple[Point, Point, Point, Point]  # a cubic Bézier curve: start, two controls, end


@dataclass(frozen=True)
class Spot:
    """A round place to mark; the fillable copy puts a radio button at its centre."""

    x: float
    y: float
    r: float
    value: str


@dataclass(frozen=True)
class Label:
    """One line of words in the drawing, centred on x, its baseline at y."""

    x: float
    y: float
    size: float
    text: str
    role: str  # stop, sub, sign or detour: how it is coloured and weighted


@dataclass(frozen=True)
class JourneyMap:
    """Everything the journey map draws, in viewBox units."""

    width: float
    height: float
    road_y: float
    road: tuple[float, float]  # where the road starts and ends
    road_width: float
    detour: tuple[tuple[Point, ...], tuple[Point, ...]]  # the curve down and the curve back up
    arrows: tuple[tuple[Point, float], ...]  # a point and a heading in degrees
    stops: tuple[Spot, ...]
    spots: tuple[Spot, ...]  # every place to mark, stops included, in order along the way
    labels: tuple[Label, ...]
    pit_sign: Point  # centre of the pit-stop sign
    flag: Point  # foot of the finish flag's pole

    @property
    def detour_path(self) -> str:
        """The detour as SVG path data: a curve down, a straight stretch, a curve back up."""
        down, up = ([f"{x:g} {y:g}" for x, y in curve] for curve in self.detour)
        return f"M {down[0]} C {', '.join(down[1:])} L {up[0]} C {', '.join(up[1:])}"

    @property
    def box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> Point:
    u = 1 - t
    x = u**3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0]
    y = u**3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]
    return round(x, 2), round(y, 2)


def _heading(p0: Point, p1: Point, p2: Point, p3: Point, t: float) -> float:
    """The direction of travel along a cubic curve at t, in degrees (0 points right)."""
    u = 1 - t
    dx = 3 * (u * u * (p1[0] - p0[0]) + 2 * u * t * (p2[0] - p1[0]) + t * t * (p3[0] - p2[0]))
    dy = 3 * (u * u * (p1[1] - p0[1]) + 2 * u * t * (p2[1] - p1[1]) + t * t * (p3[1] - p2[1]))
    return round(math.degrees(math.atan2(dy, dx)), 1)


@lru_cache(maxsize=8)
def journey_map(large_print: bool = False, language: str = SOURCE) -> JourneyMap:
    """The journey map's layout: all words above the road, the detour and signs below it; its
    words (and the names of its spots, which a fillable copy gives as answers) in a language."""
    _ = gettext(language)
    size = SIZES[large_print]
    sub_base, sub_step = _rows(size)[1:]
    road_y = sub_base + sub_step + 30
    depth = 50 + size["detour_row"] * sub_step  # how far below the road the detour goes
    bottom = road_y + depth
    down, up = _detour(road_y, bottom)
    spots = _spots(road_y, down, up, _)
    labels = _labels(size, road_y, bottom, _)
    height = max(label.y for label in labels) + round(size["sub"] * 0.4)
    return JourneyMap(
        width=WIDTH,
        height=height,
        road_y=road_y,
        road=(40, 600),
        road_width=ROAD,
        detour=(down, up),
        arrows=((_cubic(*down, 0.5), _heading(*down, 0.5)), (_cubic(*up, 0.5), _heading(*up, 0.5))),
        stops=tuple(s for s in spots if s.r == STOP),
        spots=spots,
        labels=labels,
        pit_sign=(PIT_X, road_y + ROAD / 2 + 27),
        flag=(STOPS_X[2] - 14, road_y + ROAD / 2 + 42),
    )


def _rows(size: dict[str, int]) -> tuple[int, int, int]:
    """The baselines of the stop names and of their meanings, and the meanings' line step."""
    sub_step = size["sub"] + 3
    stop_base = round(size["stop"] * 1.2)
    return stop_base, stop_base + sub_step + 4, sub_step


def _detour(road_y: float, bottom: float) -> tuple[Curve, Curve]:
    """Down off the road just after Dependence, along, and back up just before the pit stop."""
    leave, rejoin = STOPS_X[0] + 26, STOPS_X[1] - 27
    down = ((leave, road_y), (leave + 4, road_y + 30), (leave + 17, bottom), (leave + 42, bottom))
    up = ((rejoin - 42, bottom), (rejoin - 17, bottom), (rejoin - 4, road_y + 30), (rejoin, road_y))
    return down, up


def _spots(road_y: float, down: Curve, up: Curve, _: Callable[[str], str]) -> tuple[Spot, ...]:
    dep, ind, inter = STOPS_X
    along = [dep + (ind - dep) * k / 4 for k in (1, 2, 3)]
    onward = [ind + (inter - ind) * k / 4 for k in (1, 2, 3)]
    names = (
        _("Leaving dependence"),
        _("On the way to independence"),
        _("Nearly at independence"),
        _("Leaving the pit stop"),
        _("On the way to interdependence"),
        _("Nearly at interdependence"),
    )
    road = [
        Spot(round(x, 2), road_y, SPOT, name) for x, name in zip(along + onward, names, strict=True)
    ]
    detour = [
        Spot(*down[3], SPOT, _("On the codependency detour (going in)")),
        Spot((down[3][0] + up[0][0]) / 2, down[3][1], SPOT, _("On the codependency detour")),
        Spot(*up[0], SPOT, _("On the codependency detour (coming back)")),
    ]
    stops = [
        Spot(dep, road_y, STOP, _("Dependence")),
        Spot(ind, road_y, STOP, _("Independence (the pit stop)")),
        Spot(inter, road_y, STOP, _("Interdependence (where we are headed)")),
    ]
    return (stops[0], *road[:3], stops[1], *road[3:], stops[2], *detour)


def _labels(
    size: dict[str, int], road_y: float, bottom: float, _: Callable[[str], str]
) -> tuple[Label, ...]:
    dep, ind, inter = STOPS_X
    stop_base, sub_base, sub_step = _rows(size)
    # Each stop's meaning on two short lines (translations keep to two lines, each about as
    # long as the English, so the words fit between the stops).
    subs = {
        dep: (_("Others do most"), _("things for me")),
        ind: (_("\u201cI can do it"), _("myself\u201d")),
        inter: (_("We lean on"), _("each other")),
    }
    names = {dep: _("Dependence"), ind: _("Independence"), inter: _("Interdependence")}
    labels = [Label(x, stop_base, size["stop"], names[x], "stop") for x in STOPS_X]
    for x, lines in subs.items():
        labels += [
            Label(x, sub_base + i * sub_step, size["sub"], t, "sub") for i, t in enumerate(lines)
        ]
    sign_base = road_y + ROAD / 2 + 44 + size["sign"]
    labels += [
        Label(PIT_X, sign_base, size["sign"], _("Pit stop"), "sign"),
        Label(inter, sign_base, size["sign"], _("Destination"), "sign"),
    ]
    detour_x = DETOUR_X
    detour_base = bottom + SPOT + 6 + size["sign"]
    labels += [
        Label(detour_x, detour_base, size["sign"], _("Detour: codependency"), "detour"),
        Label(
            detour_x,
            detour_base + sub_step,
            size["sub"],
            _("(rescuing, fixing, losing myself)"),
            "detour-sub",
        ),
    ]
    return tuple(labels)


# --- the way from a printed worksheet to its phone copy -------------------------------------


@dataclass(frozen=True)
class PhoneLink:
    """A printed worksheet's phone copy: its address, shown short, and a QR code for it."""

    address: str
    short: str
    svg: Markup  # the QR code as inline SVG (paths: vector, sharp at any size)


def phone_folder(language: str) -> str:
    """Where a language's phone copies are under the homework site's root: English at the
    root, another language in a folder of its own ('es/')."""
    return "" if language == SOURCE else f"{language}/"


def phone_link(base: str, module_id: str, language: str, label: str) -> PhoneLink | None:
    """The worksheet's phone copy at the practice's phone_url ('es/' for a Spanish one): the
    module's address only, never a client's detail."""
    if not base:
        return None
    import segno

    address = f"{base.rstrip('/')}/{phone_folder(language)}{module_id}.html"
    code = segno.make(address, error="m")
    svg = code.svg_inline(border=2, omitsize=True, svgclass="phone-qr", lineclass=None, title=label)
    # segno escapes the title; the address is of the letters PHONE_URL allows.
    svg = Markup(svg.replace("<svg ", '<svg role="img" ', 1))
    return PhoneLink(address, address.removeprefix("https://"), svg)
