"""Who a handout is for: client, therapist, practice and session, checked and ready to print."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import HandoutError, display_path
from .languages import SOURCE, format_day, language_problem
from .options import font_problem, paper_problem
from .resources import TEMPLATES_DIR
from .schema import BIDI_CONTROLS, CONTROL, FileRef, Keys, Pattern, Rule, Text, check
from .yamlfile import read_yaml

NAME_LIMIT = 80
NOTE_LIMIT = 600
TEXT_KEYS = {
    "name": "the practice's name, shown at the top of every page",
    "therapist": "the therapist's name",
    "credentials": "letters after the therapist's name, e.g. LMFT",
    "contact": "one contact line: phone, email or website",
    "crisis_line": "what to do in a crisis in your region, e.g. 'Call or text 988'",
    "safety_line": "a domestic and family violence service for your region, e.g. "
    "'National Domestic Violence Hotline: call 1-800-799-7233 or text START to 88788'",
    "discreet_line": "what the discreet edition prints in place of the safety line, e.g. "
    "'Numbers to keep: 988, and the one your therapist gave you'",
}
REGION = re.compile(r"^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$")
LOGO_TYPES = (".png", ".svg")
LOGO_BYTES = 2_000_000
LOGO_PIXELS = 6000
PROFILE_NAME = "practice.yaml"
PROFILE_LIMIT = 64_000  # bytes; a filled-in profile has about 2 kB
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Practice:
    """What does not change between sessions: the practice and its therapist."""

    name: str = ""
    therapist: str = ""
    credentials: str = ""
    contact: str = ""
    crisis_line: str = ""
    safety_line: str = ""
    discreet_line: str = ""  # the discreet edition's words in place of the safety line
    logo: Path | None = None
    brand_color: str = ""
    paper: str = ""
    font: str = ""
    language: str = ""  # the pages' language when --lang is not given: 'es', or 'es+en'
    region: str = ""  # whose crisis and safety lines print when the practice gives none

    @property
    def signature(self) -> str:
        """The therapist's name with credentials, e.g. 'Alex Rivera, LMFT'."""
        return ", ".join(part for part in (self.therapist, self.credentials) if part)


@dataclass(frozen=True)
class Personal:
    """Everything that personalizes one build."""

    client: str = ""
    date: dt.date | None = None
    session: int | None = None
    note: str = ""
    practice: Practice = field(default_factory=Practice)
    slug: str = ""

    @property
    def date_text(self) -> str:
        """The session date as people write it, e.g. 'November 22, 2026'."""
        return date_text(self.date) if self.date else ""

    @property
    def author(self) -> str:
        """The PDF author: therapist and practice, whichever are known."""
        return " · ".join(p for p in (self.practice.signature, self.practice.name) if p)


def date_text(day: dt.date, language: str = SOURCE) -> str:
    """A date as people write it in a language: 'November 22, 2026', '22 de noviembre de 2026'."""
    return format_day(day, language)


def checked_text(field_name: str, value: str | None, limit: int) -> tuple[str, list[str]]:
    text = BIDI_CONTROLS.sub("", value or "").strip()
    if CONTROL.search(text.replace("\n", " ")):
        return "", [f"{field_name}: expected plain text without control characters"]
    if len(text) > limit:
        return "", [f"{field_name}: expected at most {limit} characters, got {len(text)}"]
    return text, []


def slugify(text: str) -> str:
    """A safe file-name part from a name: 'José Ñúñez' -> 'jose-nunez'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace(".", "")).strip("-")
    if slug or not text:
        return slug[:40].strip("-")
    # A name with no Latin letters still needs a stable, distinct file name.
    return "client-" + hashlib.sha256(text.encode()).hexdigest()[:6]


def make_personal(
    client: str | None = None,
    date: dt.date | str | None = None,
    session: int | None = None,
    note: str | None = None,
    therapist: str | None = None,
    practice: Practice | None = None,
    slug: str | None = None,
) -> Personal:
    """Check what the user gave and build the personalization, reporting all problems at once."""
    problems: list[str] = []
    name, found = checked_text("--client", client, NAME_LIMIT)
    problems += found
    note_text, found = checked_text("--note", note, NOTE_LIMIT)
    problems += found
    practice = practice or Practice()
    if therapist is not None:
        therapist_name, found = checked_text("--therapist", therapist, NAME_LIMIT)
        problems += found
        practice = replace(practice, therapist=therapist_name)
    day = _date(date, problems)
    if session is not None and not 1 <= session <= 999:
        problems.append(f"--session: expected a session number from 1 to 999, got {session}")
    file_slug = _slug(slug, name, problems)
    if problems:
        raise HandoutError("\n".join(problems))
    return Personal(name, day, session, note_text, practice, file_slug)


def parse_dates(values: list[str]) -> list[dt.date]:
    """Session dates as given with --date (YYYY-MM-DD); every bad one reported at once."""
    problems: list[str] = []
    days = [_date(value, problems) for value in values]
    if problems:
        raise HandoutError("\n".join(problems))
    return days


def _date(value: dt.date | str | None, problems: list[str]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        problems.append(f"--date: expected a date as YYYY-MM-DD, e.g. 2026-11-22, got {value!r}")
        return None


def _slug(slug: str | None, name: str, problems: list[str]) -> str:
    if slug is None:
        return slugify(name)
    clean = slugify(slug)
    if not clean or clean != slug:
        problems.append(
            f"--slug: expected lowercase letters, digits and hyphens, got {slug!r}"
            + (f" (try '{clean}')" if clean else "")
        )
    return clean


def find_practice(given: Path | None = None) -> Path | None:
    """The practice profile to use: the one given, else ./practice.yaml, else the user's own."""
    if given is not None:
        return given
    for candidate in (Path(PROFILE_NAME), user_profile()):
        if candidate.is_file():
            return candidate
    return None


def user_profile() -> Path:
    """practice.yaml in the user's config folder ($XDG_CONFIG_HOME, else ~/.config)."""
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "handouts" / PROFILE_NAME


def _text(key: str) -> Text:
    return Text(200, one_line=True, expect=TEXT_KEYS[key])


def _image_problem(file: Path) -> str | None:
    return _png_problem(file) if file.suffix.lower() == ".png" else _svg_problem(file)


# Each key left empty is not set. The choices of paper, font and language come from the
# modules that define them; which regions there are depends on the content folders, so a
# region is checked when a document is built.
PRACTICE = Keys(
    {
        **{key: _text(key) for key in TEXT_KEYS},
        "logo": FileRef(
            LOGO_TYPES,
            LOGO_BYTES,
            _image_problem,
            expect="a PNG or SVG file, its path relative to the profile",
        ),
        "brand_color": Pattern(COLOR, "a colour as #RRGGBB, e.g. #24606a", str.lower),
        "paper": Rule(paper_problem, str.lower),
        "font": Rule(font_problem),
        "language": Rule(language_problem),
        "region": Pattern(REGION, "a region of content/regions.yaml such as US, MX or ES"),
    },
    expect="keys such as 'name: ...'",
    aliases={"brand_colour": "brand_color"},
    blank=True,
    build=lambda values: Practice(**{k: v for k, v in values.items() if v is not None}),
)
PRACTICE_KEYS = list(PRACTICE.fields)


def load_practice(path: Path) -> Practice:
    """Read a practice profile (YAML); every bad key is reported at once, with its line."""
    doc = read_yaml(path, "the practice profile", PROFILE_LIMIT)
    return check(PRACTICE, doc.data or {}, display_path(path), doc=doc, base=path.parent)


def _png_problem(file: Path) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            width, height = image.size
            kind = image.format
    except (OSError, UnidentifiedImageError):
        return "expected a PNG image, but the file cannot be read as one"
    if kind != "PNG":
        return f"expected a PNG image, the file holds {kind}"
    if max(width, height) > LOGO_PIXELS or min(width, height) < 32:
        return f"expected 32 to {LOGO_PIXELS} pixels a side, got {width} x {height}"
    return None


def _svg_problem(file: Path) -> str | None:
    from xml.etree import ElementTree

    try:
        root = ElementTree.parse(file).getroot()
    except (OSError, ElementTree.ParseError):
        return "expected an SVG drawing, but the file is not valid XML"
    if not root.tag.endswith("svg"):
        return "expected an SVG drawing (an <svg> element at the top)"
    return None


def profile_text(values: dict[str, str]) -> str:
    """The commented profile that 'init' writes, with these values filled in (empty ones are
    left as the template has them)."""
    text = (TEMPLATES_DIR / PROFILE_NAME).read_text(encoding="utf-8")
    for key in PRACTICE_KEYS:
        value = (values.get(key) or "").strip()
        if value:  # JSON strings are valid YAML double-quoted scalars
            line = f"{key}: {json.dumps(value, ensure_ascii=False)}"
            text = re.sub(
                rf"^(?:# )?{key}:.*$", lambda _, line=line: line, text, count=1, flags=re.M
            )
    return text


def write_profile_template(target: Path, values: dict[str, str] | None = None) -> Path:
    """Write a commented practice profile to fill in (with these values filled in already);
    never over an existing file."""
    where = display_path(target)
    if target.exists():
        raise HandoutError(f"{where} already exists; edit it, or remove it first")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8") as stream:
            stream.write(profile_text(values or {}))
    except OSError as error:
        raise HandoutError(f"cannot write {where}: {error.strerror or error}") from None
    return target
