"""Saving a practice profile with a new logo: every value and the logo are checked first, then
the logo and the profile are written together or not at all, so a failed save changes nothing."""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from .errors import HandoutError, Problem, ProblemsFound, display_path, raise_if
from .output import write_atomic, write_error, write_file
from .profiles import (
    PRACTICE,
    PRACTICE_KEYS,
    PROFILE,
    PROFILE_LIMIT,
    Practice,
    load_practice,
    logo_problem,
    practice_from_text,
    profile_text,
)
from .yamlfile import read_yaml

# The logos this tool writes beside a profile (logo.png is what earlier versions wrote): only
# these are removed when a profile stops naming them, never a picture the user keeps elsewhere.
OURS = re.compile(r"^logo(?:-[0-9a-f]{16})?\.(?:png|svg)$")
_SAVING = threading.Lock()  # one save at a time swaps the logo the profile names


@dataclass(frozen=True)
class Logo:
    """A new logo for the profile: its bytes and its file type ('.png' or '.svg')."""

    data: bytes
    suffix: str


def profile_values(path: Path) -> dict[str, str]:
    """The values written in a profile, as text, whether or not they are right (for a form
    to show them again); none when the file is missing or is not YAML."""
    try:
        data = read_yaml(path, PROFILE, PROFILE_LIMIT).data
    except ProblemsFound:
        return {}
    if not isinstance(data, dict):
        return {}
    named = {PRACTICE.aliases.get(key, key): value for key, value in data.items()}
    return {
        key: str(value)
        for key, value in named.items()
        if key in PRACTICE_KEYS and value is not None and not isinstance(value, (dict, list))
    }


def read_practice(path: Path) -> Practice:
    """load_practice, never halfway through a save in this process (which may be removing the
    logo the profile named)."""
    with _SAVING:
        return load_practice(path)


def check_practice(path: Path, values: dict[str, str], logo: Logo | None = None) -> None:
    """Raise every problem there is with these values (and the new logo, if one is given) as
    the profile 'path'; 'logo' in the values is the file the profile keeps otherwise."""
    problems: list[Problem] = []
    if logo is not None:
        found = logo_problem(logo.data, logo.suffix)
        if found:
            problems.append(Problem(display_path(path), f"'logo': {found}", key="logo"))
    kept = "" if logo is not None else values.get("logo", "")
    try:
        practice_from_text(profile_text({**values, "logo": kept}), path)
    except ProblemsFound as found:
        problems[:0] = found.problems
    raise_if(problems)


def save_practice(path: Path, values: dict[str, str], logo: Logo | None = None) -> Practice:
    """Check everything, then write: a new logo under a name of its own, then the profile, each
    complete or absent; the logo the profile named before goes once the new profile is in place
    (if this tool wrote it). Raises every problem at once, having written nothing."""
    check_practice(path, values, logo)
    folder = path.parent
    with _SAVING:
        _make_folder(folder)
        new = _write_logo(folder, logo) if logo is not None else None
        try:
            text = profile_text({**values, "logo": new.name if new else values.get("logo", "")})
            practice = practice_from_text(text, path)  # what is written reads back
            old = _named_logo(path)
            write_file(path, text.encode("utf-8"))
        except BaseException:
            if new is not None:
                new.unlink(missing_ok=True)
            raise
        if old is not None and old != practice.logo and _ours(old, folder):
            old.unlink(missing_ok=True)
    return practice


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        where = display_path(folder)
        raise HandoutError(f"cannot write to '{where}': {error.strerror or error}") from None


def _write_logo(folder: Path, logo: Logo) -> Path:
    """The logo, written under a name no other file has (so no save overwrites a logo that a
    profile still names). A failure names the folder: the file's name is the tool's own."""
    while True:
        path = folder / f"logo-{secrets.token_hex(8)}{logo.suffix.lower()}"
        if not path.exists():
            try:
                write_atomic(path, logo.data)
            except OSError as error:
                raise write_error(folder, error) from None
            return path


def _named_logo(path: Path) -> Path | None:
    """The logo file the profile on disk names now, if it names one."""
    name = profile_values(path).get("logo", "").strip() if path.is_file() else ""
    return (path.parent / name).resolve() if name else None


def _ours(logo: Path, folder: Path) -> bool:
    return logo.parent == folder.resolve() and bool(OURS.match(logo.name))
