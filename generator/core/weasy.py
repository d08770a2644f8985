"""The WeasyPrint internals the tool relies on, in one place: what is on a laid-out page, which
pages were left blank, where a font configuration keeps its files, and how WeasyPrint finds the
system libraries it loads. WeasyPrint has no public API for these; tests/test_weasy.py fails
loudly if an upgrade changes any of them."""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the renderer loads only when a command renders
    from weasyprint import Page
    from weasyprint.formatting_structure.boxes import Box
    from weasyprint.text.fonts import FontConfiguration

LINKER_CACHE = Path("/etc/ld.so.cache")
# What ctypes' find_library answers from on Linux, besides the linker's cache file.
LOOKUP_VARIABLES = ("LD_LIBRARY_PATH", "LIBRARY_PATH", "PATH", "CC")


@contextmanager
def remembered_library_lookups() -> Iterator[None]:
    """While WeasyPrint loads, answer ctypes' find_library from the answers it gave last time.

    WeasyPrint loads each of Pango, HarfBuzz and the rest by trying the names it has on every
    platform in turn. On Linux, each name that is not on the machine sends find_library through
    ldconfig, gcc and ld: about twenty processes and a seventh of a second of CPU, on every
    command. The answers are kept in the user's cache folder under a name made from everything
    they depend on (the linker's cache file and the search paths), so a machine whose libraries
    change asks again. Elsewhere, or with no cache folder to keep them in, nothing changes."""
    import ctypes.util

    from .cache import cache_folder

    if not sys.platform.startswith("linux") or not LINKER_CACHE.is_file():
        yield
        return
    file = cache_folder() / f"libraries-{_lookup_key()}.json"
    answers = _read_answers(file)
    known = dict(answers)
    real = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        if name not in answers:
            answers[name] = real(name)
        return answers[name]

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = real
        if answers != known:
            _write_answers(file, answers)


def _lookup_key() -> str:
    stat = LINKER_CACHE.stat()
    parts = [sys.version, str(stat.st_mtime_ns), str(stat.st_size), str(stat.st_ino)]
    parts += [os.environ.get(name, "") for name in LOOKUP_VARIABLES]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _read_answers(file: Path) -> dict[str, str | None]:
    try:
        found = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str | None)}


def _write_answers(file: Path, answers: dict[str, str | None]) -> None:
    from .output import write_atomic

    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(file, json.dumps(answers, indent=0).encode())
    except OSError:
        pass  # a cache that cannot be written is skipped: the next command asks again


def boxes(page: Page) -> Iterator[Box]:
    """Every box laid out on a page (weasyprint.Page), outermost first."""
    return page._page_box.descendants()


def is_blank(page: Page) -> bool:
    """Whether WeasyPrint added the page only so that the next part starts on the right side."""
    return bool(page._page_box.page_type.blank)


def font_folder(configuration: FontConfiguration) -> str | None:
    """The temporary folder where a FontConfiguration copied the fonts it uses."""
    return getattr(configuration, "_folder", None)


def internals_missing() -> list[str]:
    """Which of the internals above this WeasyPrint no longer has (empty when all are there)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html = "<style>@page :right {} .b { break-before: right }</style><p>a</p><p class=b>b</p>"
    configuration = FontConfiguration()
    document = HTML(string=html).render(font_config=configuration)
    problems = []
    try:
        found = [box.element_tag for page in document.pages for box in boxes(page)]
        if "p" not in found:
            problems.append("boxes(page) no longer reaches the laid-out elements")
        if [is_blank(page) for page in document.pages] != [False, True, False]:
            problems.append("is_blank(page) no longer tells which pages were left blank")
    except AttributeError as error:
        problems.append(f"a laid-out page changed: {error}")
    if not hasattr(configuration, "_folder"):
        problems.append("FontConfiguration no longer keeps its fonts in '_folder'")
    return problems
