"""New modules: a commented skeleton with an example of every component, ready to edit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..api import (
    KINDS,
    MODULE_ID,
    TEMPLATES_DIR,
    HandoutError,
    display_path,
    write_error,
    write_new,
)

SKELETON = TEMPLATES_DIR / "skeletons" / "module.md"
DEFAULT_FOLDER = Path("my-modules")


def new_module(module_id: str, kind: str, folder: Path | None = None, author: str = "") -> Path:
    """Write FOLDER/ID.md (or FOLDER/modules/ID.md when that folder exists); never overwrite."""
    if not MODULE_ID.match(module_id):
        raise HandoutError(
            f"ID: expected lowercase words joined by hyphens, e.g. my-worksheet, got {module_id!r}"
        )
    if kind not in KINDS[:2]:  # handout or worksheet: a measure is published, not drafted
        raise HandoutError(f"--kind: expected handout or worksheet, got {kind!r}")
    folder = folder or DEFAULT_FOLDER
    target = (folder / "modules" if (folder / "modules").is_dir() else folder) / f"{module_id}.md"
    text = _filled(module_id, kind, author)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_new(target, text.encode("utf-8"))
    except FileExistsError:
        raise HandoutError(f"{display_path(target)} already exists; pick another ID") from None
    except OSError as error:
        raise write_error(target, error) from None
    return target


def _filled(module_id: str, kind: str, author: str) -> str:
    title = module_id.replace("-", " ").capitalize()
    return (
        SKELETON.read_text(encoding="utf-8")
        .replace("MODULE_TITLE", title)
        .replace("MODULE_KIND", kind)
        .replace("MODULE_AUTHOR", author or "Your name")
        .replace("MODULE_YEAR", str(dt.date.today().year))
    )
