"""Personalized, print-ready PDF handouts and worksheets from Markdown content modules.

The public API lives in `generator.api`; the package exports its front door (listed in
`__all__` and in docs/api.md): `library`, `practice`, `person`, `build`, `write`,
`build_packet`, `run_roster`, `read_answers`, `check`, and the types `Person`, `PacketOrder`,
`RosterRun`, `PDF`, `Options`, `Practice`, `Personal`, `Library`, `HandoutError` and
`ProblemsFound`.
"""

from ._version import __version__
from .core.memory import LOADING

with LOADING:  # what loads here stays loaded: see core.memory
    from .api import (
        PDF,
        HandoutError,
        Library,
        Options,
        PacketOrder,
        Person,
        Personal,
        Practice,
        ProblemsFound,
        RosterRun,
        build,
        build_packet,
        check,
        library,
        person,
        practice,
        read_answers,
        run_roster,
        write,
    )

__all__ = [  # noqa: RUF022 (in the order the docstring gives)
    "__version__",
    "library",
    "practice",
    "person",
    "build",
    "write",
    "build_packet",
    "run_roster",
    "read_answers",
    "check",
    "Person",
    "PacketOrder",
    "RosterRun",
    "PDF",
    "Options",
    "Practice",
    "Personal",
    "Library",
    "HandoutError",
    "ProblemsFound",
]
