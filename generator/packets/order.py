"""What the user asks of a packet: which one, its session dates, which edition, how printed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PacketOrder:
    """Which packet and how: a packet file or the name of a built-in or user packet, a date per
    session (in order), the facilitator edition or not, two-sided printing (None: as the packet
    file says), the user's module folders, and whether any render problem stops the build."""

    name: str
    dates: Sequence[dt.date | str] = ()
    facilitator: bool = False
    duplex: bool | None = None
    content: Sequence[str | Path] = ()
    strict: bool = True
