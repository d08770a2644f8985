"""Where the built-in content and templates live, in a checkout or in an installed package."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # generator/, beside core/


def builtin_dir(name: str) -> Path:
    """The built-in 'content' or 'templates' folder: inside the package once installed,
    beside it in a source checkout."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


CONTENT_DIR = builtin_dir("content")
TEMPLATES_DIR = builtin_dir("templates")
