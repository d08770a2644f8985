"""Personalized, print-ready PDF handouts and worksheets from Markdown content modules.

The public API lives in `generator.api`; the package exports its front door (listed in
`__all__` and in docs/api.md): `library`, `practice`, `person`, `build`, `build_packet`,
`run_roster`, `read_answers`, `check`, and the types `PDF`, `Options`, `Practice`, `Personal`,
`Library` and `HandoutError`.
"""

from ._version import __version__
from .api import (
    PDF,
    HandoutError,
    Library,
    Options,
    Personal,
    Practice,
    build,
    build_packet,
    check,
    library,
    person,
    practice,
    read_answers,
    run_roster,
)

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
