"""Page counts remembered between runs, so 'handouts list' need not render the whole library.

An entry is keyed by everything that can change a module's page count: the module itself, every
template, style sheet and font, every file under the content folders it may draw from, and the
versions of this tool and of WeasyPrint. Only page counts are kept; never names or notes. (The
same folder keeps the compiled page templates: see render.py.)"""

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


def cache_folder() -> Path:
    """The tool's folder in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "handouts"


def cache_file() -> Path:
    return cache_folder() / FILE_NAME


def fingerprint(roots: Iterable[Path]) -> str:
    """A digest of the names, sizes and change times of every file under the given folders."""
    digest = hashlib.sha256(f"{__version__} {_engine_version()}".encode())
    for root in roots:
        for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
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
