"""Crisis and safety lines: the practice's own, else its region's (regions.yaml, in the
document's language), else the built-in defaults, translated. Regions come from the built-in
content/regions.yaml and from a regions.yaml in any content folder, later folders winning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .errors import Problem, ProblemsFound, display_path, field_problem, raise_if
from .languages import N_, Languages, gettext
from .options import paper_problem
from .schema import ByName, Check, Date, Keys, Rule, Text
from .yamlfile import read_yaml

if TYPE_CHECKING:
    from .options import Options
    from .profiles import Practice

REGIONS_FILE = "regions.yaml"
STALE_DAYS = 365  # a line checked longer ago than this draws a warning at build time
REGIONS_LIMIT = 256_000  # bytes; the built-in file has about 5 kB
# What page 1 says when neither the practice profile nor its region gives a line.
DEFAULT_CRISIS = N_(
    "If you are in crisis or think you might harm yourself, call your local emergency number now."
)
DEFAULT_SAFETY = N_(
    "A domestic violence service can help you plan how to stay safe, and your therapist or group "
    "leader can help you find one. If you are in danger now, call your local emergency number."
)


@dataclass(frozen=True)
class Line:
    """One line for one region: its words in each language, where they were found, and when."""

    text: Mapping[str, str]
    source: str
    checked: dt.date


@dataclass(frozen=True)
class Region:
    """A region's crisis line and domestic-violence line, and the paper printed there."""

    code: str
    name: str
    crisis: Line
    safety: Line
    where: str  # the file it came from, for messages
    paper: str = ""  # letter or a4; "" leaves the choice to the defaults


@dataclass(frozen=True)
class SafetyLines:
    """What a document prints: the crisis line (page 1 and the foot of every module) and the
    safety line (page 1 of modules on codependency, couples, boundaries and attachment)."""

    crisis: Markup
    line: Markup


# --- reading regions.yaml --------------------------------------------------------------


def load_regions(roots: Iterable[Path]) -> dict[str, Region]:
    """Every region in the regions.yaml of each content folder, later folders winning; all
    problems in all files reported at once."""
    regions: dict[str, Region] = {}
    problems: list[Problem] = []
    for root in roots:
        path = Path(root) / REGIONS_FILE
        if path.is_file():
            found, wrong = _read(path)
            regions |= found
            problems += wrong
    raise_if(problems)
    return regions


def _line(values: dict) -> Line:
    return Line(values["text"], values["source"], values["checked"])


LINE = Keys(
    {
        "text": ByName(
            Text(), least=1, required=True, expect="the words by language, e.g. 'en: ...'"
        ),
        "source": Text(required=True, expect="where the facts were found"),
        "checked": Date(required=True, expect="the day they were checked, as YYYY-MM-DD"),
    },
    required=True,
    expect="'text' (by language), 'source' and 'checked' (YYYY-MM-DD)",
    build=_line,
)
REGION = Keys(
    {
        "name": Text(required=True, expect="the region's name as text"),
        "paper": Rule(paper_problem, str.lower),
        "crisis": LINE,
        "safety": LINE,
    },
    expect="'name', 'paper', 'crisis' and 'safety'",
)
REGIONS = ByName(REGION, expect="regions by code, e.g. 'US:' with 'crisis' and 'safety'")


def _read(path: Path) -> tuple[dict[str, Region], list[Problem]]:
    where = display_path(path)
    try:
        doc = read_yaml(path, "the regions file", REGIONS_LIMIT)
    except ProblemsFound as error:
        return {}, list(error.problems)
    run = Check(where, doc)
    found = run.value(REGIONS, doc.data)
    if run.problems:
        return {}, run.problems
    return {
        str(code): Region(
            str(code),
            entry["name"],
            entry["crisis"],
            entry["safety"],
            where,
            entry.get("paper", ""),
        )
        for code, entry in found.items()
    }, []


def find_region(code: str, roots: Iterable[Path], source: str = "") -> Region:
    """The region of this code, or a problem of the 'region' field (typed in, or read from
    'source') naming the regions there are."""
    regions = load_regions(roots)
    if code not in regions:
        known = ", ".join(f"{c} ({r.name})" for c, r in sorted(regions.items()))
        message = f"unknown region {code!r}; expected one of {known}"
        raise ProblemsFound([field_problem("region", message, source)])
    return regions[code]


def chosen_region(options: Options, practice: Practice, roots: Iterable[Path]) -> Region | None:
    """The region asked for (the 'region' field), else the practice profile's, else none."""
    code = options.region or practice.region
    if not code:
        return None
    return find_region(code, roots, "" if options.region else "the practice profile's 'region'")


def stale_warnings(region: Region | None, today: dt.date | None = None) -> list[str]:
    """A warning for each of the region's lines checked more than a year before today."""
    if region is None:
        return []
    today = today or dt.date.today()
    return [
        f"{region.where}: '{region.code}.{key}' was last checked on {line.checked.isoformat()}, "
        f"{(today - line.checked).days} days ago; check it at its source ({line.source}), then "
        "update 'checked'"
        for key, line in (("crisis", region.crisis), ("safety", region.safety))
        if (today - line.checked).days > STALE_DAYS
    ]


def longest_lines(roots: Iterable[Path], language: str, paper: str) -> tuple[str, str]:
    """The longest crisis line and the longest safety line, in this language, of the regions
    printed on this paper (the defaults count as one more region). 'check' and 'list' count
    pages with them, so that a module that fits with both fits in every one of those regions.
    A regions file with a problem is left out here: a build that chooses one of its regions
    reports the problem."""
    translate = gettext(language)
    try:
        regions = [r for r in load_regions(roots).values() if (r.paper or paper) == paper]
    except ProblemsFound:
        regions = []
    crisis = [translate(DEFAULT_CRISIS), *(r.crisis.text.get(language, "") for r in regions)]
    safety = [translate(DEFAULT_SAFETY), *(r.safety.text.get(language, "") for r in regions)]
    return max(crisis, key=len), max(safety, key=len)


# --- what a document prints ------------------------------------------------------------


def safety_lines(
    practice: Practice, region: Region | None, languages: Languages, discreet: bool = False
) -> SafetyLines:
    """The practice's own lines win; else the region's, in each language of the document;
    else the built-in defaults, translated. The discreet edition prints, in place of the
    domestic-violence line, the practice's discreet_line or a line to write numbers on."""
    from .discreet import numbers_line

    crisis = _pick(
        practice.crisis_line, region.crisis if region else None, DEFAULT_CRISIS, languages
    )
    if discreet:
        return SafetyLines(crisis, numbers_line(practice.discreet_line, languages))
    safety = region.safety if region else None
    return SafetyLines(crisis, _pick(practice.safety_line, safety, DEFAULT_SAFETY, languages))


def missing_crisis_line(practice: Practice, region: str) -> str | None:
    """Why page 1 will only say 'call your local emergency number', if it will: the practice
    gives no crisis line of its own and no region (a region code, or "" when none is chosen)."""
    if practice.crisis_line or region or practice.region:
        return None
    return (
        "no crisis line: page 1 says only 'call your local emergency number'. Set 'region' "
        "(US, PR, MX, ES, AR, CO or CL) or your own 'crisis_line' and 'safety_line' in the "
        "practice profile ('handouts init' writes one), or choose a region for the build"
    )


def _pick(own: str, line: Line | None, default: str, languages: Languages) -> Markup:
    if own:
        return Markup.escape(own)  # as the practice wrote it, in whatever language that is
    texts = [(code, line.text.get(code) if line else None) for code in languages.all]
    words = [(code, text or gettext(code)(default)) for code, text in texts]
    first = Markup.escape(words[0][1])
    return first + Markup("").join(
        Markup('<span class="also" lang="{}">{}</span>').format(code, text)
        for code, text in words[1:]
    )
