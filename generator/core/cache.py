"""Page counts remembered between runs, so 'handouts list' need not render the whole library;
the sample PDFs that check, previews and the catalog render, so that running one again
renders nothing new (check prints the longest region lines, so previews and the catalog share
theirs with each other, not with it); and the app's thumbnails, so that a second start shows
the library at once.

An entry is keyed by everything that can change a module's pages: the module itself, every
template, style sheet and font, every file under the content folders it may draw from, and the
versions of this tool and of WeasyPrint. Only page counts, sample pages and thumbnails (the
sample client and the practice profile, never a client's name or note) are kept. (The same
folder keeps the compiled page templates: see render.py.)"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from .._version import __version__
from .output import write_atomic

FILE_NAME = "pages.json"
MAX_ENTRIES = 500
SAMPLES = "samples"
MAX_SAMPLES = 200  # sample PDFs kept (about 100 kB each); the oldest go first
THUMBNAILS = "thumbnails"
MAX_THUMBNAILS = 400  # thumbnails kept (about 30 kB each): the library in a few languages
PNG_START, PNG_END = b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"
PDF_START, PDF_END = b"%PDF-", b"%%EOF\n"  # as WeasyPrint writes them
CODE = Path(__file__).resolve().parent.parent  # the tool's own code: a change renders again


def cache_folder() -> Path:
    """The tool's folder in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "handouts"


def cache_file() -> Path:
    return cache_folder() / FILE_NAME


def fingerprint(roots: Iterable[Path], pattern: str = "*", skip: tuple[str, ...] = ()) -> str:
    """A digest of the names, sizes and change times of every file under the given folders
    (of those whose names match the pattern, and do not end in one of 'skip')."""
    digest = hashlib.sha256(f"{__version__} {_engine_version()}".encode())
    for root in roots:
        found = (p for p in Path(root).rglob(pattern) if p.is_file() and not p.name.endswith(skip))
        for path in sorted(found):
            stat = path.stat()
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _engine_version() -> str:
    """WeasyPrint's version, read from its package's metadata rather than by loading it: a
    'list' that knows every page count renders nothing, and so needs no engine."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("weasyprint")
    except PackageNotFoundError:  # bundled without its metadata
        import weasyprint

        return weasyprint.__version__


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def load() -> dict[str, int]:
    """Every remembered page count; an unreadable cache is simply empty."""
    try:
        data = json.loads(cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, int)} if isinstance(data, dict) else {}


def save(entries: dict[str, int]) -> None:
    """Remember page counts; a cache that cannot be written is skipped, never an error."""
    path = cache_file()
    entries = dict(list(entries.items())[-MAX_ENTRIES:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entries, sort_keys=True).encode())
    except OSError:
        pass


def code_fingerprint() -> str:
    """A digest of the tool's Python files (compiled copies left out: they change on their own)."""
    return fingerprint([CODE], "*.py")


def sample(entry: str) -> tuple[bytes, dict] | None:
    """A remembered sample PDF and what is known of it, or None."""
    folder = cache_folder() / SAMPLES
    try:
        about = json.loads((folder / f"{entry}.json").read_text(encoding="utf-8"))
        data = (folder / f"{entry}.pdf").read_bytes()
    except (OSError, ValueError):
        return None
    if not isinstance(about, dict) or about.get("size") != len(data):  # one half of a pair
        return None
    return (data, about) if data.startswith(PDF_START) and data.endswith(PDF_END) else None


def keep_sample(entry: str, data: bytes, about: dict) -> None:
    """Remember a sample PDF (the PDF first, then what is known of it, which makes it count);
    a cache that cannot be written is skipped, never an error."""
    folder = cache_folder() / SAMPLES
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{entry}.pdf", data)
        write_atomic(folder / f"{entry}.json", json.dumps(about | {"size": len(data)}).encode())
        _keep_newest(folder, "*.json", MAX_SAMPLES, (".pdf",))
    except OSError:
        pass


def thumbnail(entry: str) -> bytes | None:
    """A remembered thumbnail (PNG data), or None; a cut-off file is never used."""
    try:
        data = (cache_folder() / THUMBNAILS / f"{entry}.png").read_bytes()
    except OSError:
        return None
    return data if data.startswith(PNG_START) and data.endswith(PNG_END) else None


def keep_thumbnail(entry: str, data: bytes) -> None:
    """Remember a thumbnail; a cache that cannot be written is skipped, never an error."""
    folder = cache_folder() / THUMBNAILS
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / f"{entry}.png", data)
        _keep_newest(folder, "*.png", MAX_THUMBNAILS)
    except OSError:
        pass


def _keep_newest(folder: Path, pattern: str, limit: int, also: tuple[str, ...] = ()) -> None:
    """Remove all but the newest 'limit' files matching the pattern, each with its companions
    of the same name ending in 'also'."""
    kept = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime)
    for old in kept[:-limit]:
        old.unlink(missing_ok=True)
        for suffix in also:
            old.with_suffix(suffix).unlink(missing_ok=True)
