"""Personalized, print-ready PDF handouts and worksheets from Markdown content modules.

The public API (see generator.api): `library`, `practice`, `person`, `build`, `build_packet`,
`run_roster`, `read_answers`, `check`, and the types `PDF`, `Options`, `Practice`, `Personal`,
`Library` and `HandoutError`. Names are imported when first used, so a command loads only what it
needs.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_WHERE = {
    "PDF": ".api",
    "library": ".api",
    "practice": ".api",
    "person": ".api",
    "build": ".api",
    "build_packet": ".api",
    "run_roster": ".api",
    "read_answers": ".api",
    "check": ".api",
    "Options": ".core.render",
    "Practice": ".core.profiles",
    "Personal": ".core.profiles",
    "Library": ".core.content",
    "HandoutError": ".core.errors",
}
__all__ = [  # noqa: RUF022 (in the order the docstring gives)
    "__version__",
    "library",
    "practice",
    "person",
    "build",
    "build_packet",
    "run_roster",
    "read_answers",
    "check",
    "PDF",
    "Options",
    "Practice",
    "Personal",
    "Library",
    "HandoutError",
]

if TYPE_CHECKING:
    from .api import (
        PDF,
        build,
        build_packet,
        check,
        library,
        person,
        practice,
        read_answers,
        run_roster,
    )
    from .core.content import Library
    from .core.errors import HandoutError
    from .core.options import Options
    from .core.profiles import Personal, Practice


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'generator' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value
