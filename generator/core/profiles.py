"""Who a handout is for: client, therapist, practice and session, checked and ready to print."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO

from .errors import HandoutError, Problem, display_path, field_problem, raise_if
from .languages import SOURCE, format_day, language_problem
from .options import font_problem, paper_problem
from .output import write_error, write_new
from .resources import TEMPLATES_DIR
from .schema import (
    BIDI_CONTROLS,
    CONTROL,
    LINE_BREAKS,
    FileRef,
    Keys,
    Pattern,
    Rule,
    Text,
    check,
    one_line_problem,
    shown,
    shown_short,
    trimmed,
)
from .yamlfile import parse_yaml, read_text

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
# Where the practice's phone copies are: https only, as a phone locks answers only on a secure page.
PHONE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~%/-]*)?$")
LOGO_TYPES = (".png", ".svg")
LOGO_BYTES = 2_000_000
LOGO_PIXELS = 6000
PROFILE_NAME = "practice.yaml"
PROFILE_LIMIT = 64_000  # bytes; a filled-in profile has about 2 kB
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
CONTRAST = 4.5  # against white: WCAG's least for body text, since headings and notes print in it
PROFILE = "the practice profile"
# Names Windows keeps for devices, whatever the case or extension.
WINDOWS_DEVICES = {"con", "prn", "aux", "nul"}
WINDOWS_DEVICES |= {f"{port}{n}" for port in ("com", "lpt") for n in range(10)}


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
    phone_url: str = ""  # where its phone copies are: each printed worksheet points there

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


@dataclass(frozen=True)
class Person:
    """Who a handout is for, as the user gave it; make_personal checks it."""

    client: str | None = None
    date: dt.date | str | None = None
    session: int | str | None = None
    note: str | None = None
    therapist: str | None = None
    slug: str | None = None


def checked_text(
    key: str, value: str | None, limit: int, one_line: bool = False
) -> tuple[str, list[Problem]]:
    """Text the user typed, without bidi controls or blank edges (an invisible zero-width name
    is no name); a one-line field refuses a line break, any other has its breaks made '\\n'.
    A problem names its field by 'key'."""
    text = trimmed(BIDI_CONTROLS.sub("", value or ""))
    if one_line and (problem := one_line_problem(text)):
        return "", [field_problem(key, problem)]
    text = LINE_BREAKS.sub("\n", text)
    if CONTROL.search(text.replace("\n", " ")):
        return "", [field_problem(key, "expected plain text without control characters")]
    if len(text) > limit:
        return "", [field_problem(key, f"expected at most {limit} characters, got {len(text)}")]
    return text, []


def slugify(text: str) -> str:
    """A safe file-name part from a name, its letters spelled in ASCII rather than dropped:
    'Łukasz Wójcik' -> 'lukasz-wojcik', 'José Ñúñez' -> 'jose-nunez', 'Мария' -> 'mariya'."""
    from anyascii import anyascii

    ascii_text = anyascii(unicodedata.normalize("NFC", text))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower().replace(".", "")).strip("-")[:40]
    slug = slug.strip("-")
    if slug in WINDOWS_DEVICES:  # 'con.pdf' would open the console on Windows, not a file
        return f"{slug}-client"
    if slug or not text:
        return slug
    # A name with nothing to spell in ASCII still needs a stable, distinct file name.
    return "client-" + hashlib.sha256(text.encode()).hexdigest()[:6]


def make_personal(given: Person = Person(), practice: Practice | None = None) -> Personal:
    """Check what the user gave and build the personalization, reporting all problems at once
    (ProblemsFound; each problem's key is the field's: 'client', 'date', 'session', ...)."""
    problems: list[Problem] = []
    name, found = checked_text("client", given.client, NAME_LIMIT, one_line=True)
    problems += found
    note_text, found = checked_text("note", given.note, NOTE_LIMIT)
    problems += found
    practice = practice or Practice()
    if given.therapist is not None:
        therapist_name, found = checked_text("therapist", given.therapist, NAME_LIMIT, True)
        problems += found
        practice = replace(practice, therapist=therapist_name)
    day = _date(given.date, problems)
    session = _session(given.session, problems)
    file_slug = _slug(given.slug, name, problems)
    raise_if(problems)
    return Personal(name, day, session, note_text, practice, file_slug)


def parse_dates(values: Iterable[str]) -> list[dt.date]:
    """Session dates as typed (YYYY-MM-DD); every bad one reported at once (key 'date')."""
    problems: list[Problem] = []
    days = [_date(value, problems) for value in values]
    raise_if(problems)
    return [day for day in days if day is not None]


def _date(value: dt.date | str | None, problems: list[Problem]) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        expected = f"expected a date as YYYY-MM-DD, e.g. 2026-11-22, got {value!r}"
        problems.append(field_problem("date", expected))
        return None


def _session(value: int | str | None, problems: list[Problem]) -> int | None:
    """A session number from 1 to 999, given as a number or as typed ('4', ' 04 ')."""
    text = value.strip() if isinstance(value, str) else value
    if text is None or text == "":
        return None
    # Only ASCII digits: int() also reads '٤' and fails on '²' or on 5,000 digits.
    if isinstance(text, str) and re.fullmatch(r"[0-9]{1,3}", text.lstrip("0") or "0"):
        text = int(text)
    if type(text) is int and 1 <= text <= 999:
        return text
    got = shown_short(text) if type(text) is int else shown(text)
    expected = f"expected a session number from 1 to 999, got {got}"
    problems.append(field_problem("session", expected))
    return None


def _slug(slug: str | None, name: str, problems: list[Problem]) -> str:
    if slug is None:
        return slugify(name)
    clean = slugify(slug)
    if not clean or clean != slug:
        hint = f" (try '{clean}')" if clean else ""
        expected = f"expected lowercase letters, digits and hyphens, got {slug!r}{hint}"
        problems.append(field_problem("slug", expected))
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


def color_problem(value: object) -> str | None:
    """Why a brand colour cannot be used (not #RRGGBB, or too light to read on white), else None."""
    if not isinstance(value, str) or not COLOR.match(value.strip()):
        return f"expected a colour as #RRGGBB, e.g. #24606a, got {shown(value)}"
    ratio = math.floor(contrast(value.strip()) * 100) / 100  # 4.499 is not 4.5
    if ratio < CONTRAST:
        return (
            f"expected a colour dark enough to read on white, with a contrast of at least "
            f"{CONTRAST}:1; {value.strip()!r} has {ratio}:1, pick a darker one"
        )
    return None


def contrast(color: str) -> float:
    """The contrast of a #RRGGBB colour against white, as WCAG 2 measures it (1 to 21)."""

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(color[i : i + 2]) for i in (1, 3, 5))
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


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
        "brand_color": Rule(color_problem, lambda value: value.strip().lower()),
        "paper": Rule(paper_problem, str.lower),
        "font": Rule(font_problem),
        "language": Rule(language_problem),
        "region": Pattern(REGION, "a region of content/regions.yaml such as US, MX or ES"),
        "phone_url": Pattern(
            PHONE_URL, "a web address starting https://, e.g. https://example.org/homework"
        ),
    },
    expect="keys such as 'name: ...'",
    aliases={"brand_colour": "brand_color"},
    blank=True,
    build=lambda values: Practice(**{k: v for k, v in values.items() if v is not None}),
)
PRACTICE_KEYS = list(PRACTICE.fields)


def load_practice(path: Path) -> Practice:
    """Read a practice profile (YAML); every bad key is reported at once, with its line."""
    return practice_from_text(read_text(path, PROFILE, PROFILE_LIMIT), path)


def practice_from_text(text: str, path: Path) -> Practice:
    """The profile this text would be if it were the file 'path' (files it names are relative
    to that file's folder); every bad key is reported at once, with its line."""
    where = display_path(path)
    doc = parse_yaml(text, where, PROFILE, PROFILE_LIMIT)
    return check(PRACTICE, doc.data or {}, where, doc=doc, base=path.parent)


def logo_problem(data: bytes, suffix: str) -> str | None:
    """What the profile's check would say of a logo with these bytes and this file type."""
    if suffix.lower() not in LOGO_TYPES:
        return f"expected a {' or '.join(LOGO_TYPES)} file"
    if len(data) > LOGO_BYTES:
        return f"expected at most {LOGO_BYTES / 1e6:g} MB, the file has {len(data) / 1e6:.1f} MB"
    inspect = _png_problem if suffix.lower() == ".png" else _svg_problem
    return inspect(io.BytesIO(data))


def _png_problem(file: Path | BinaryIO) -> str | None:
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


def _svg_problem(file: Path | BinaryIO) -> str | None:
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
            line = f"{key}: {_quoted(value)}"
            escaped = line.replace("\\", "\\\\")  # taken as it is, not as a pattern's groups
            text = re.sub(rf"^(?:# )?{key}:.*$", escaped, text, count=1, flags=re.M)
    return text


def _quoted(value: str) -> str:
    """A value as a YAML double-quoted scalar, with the characters YAML reads as line breaks
    escaped (unescaped, U+2028 would move every later key a line down, and U+0085 would turn
    into a space unseen): the check of the value then sees them, and says so."""
    text = json.dumps(value, ensure_ascii=False)
    return text.translate({0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"})


def write_profile_template(target: Path, values: dict[str, str] | None = None) -> Path:
    """Write a commented practice profile to fill in (with these values filled in already);
    never over an existing file."""
    where = display_path(target)
    if target.exists():
        raise HandoutError(f"{where} already exists; edit it, or remove it first")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_new(target, profile_text(values or {}).encode("utf-8"))
    except FileExistsError:
        raise HandoutError(f"{where} already exists; edit it, or remove it first") from None
    except OSError as error:
        raise write_error(target, error) from None
    return target
