"""What a path may be given as, everywhere in the API."""

from __future__ import annotations

from pathlib import Path

PathLike = str | Path
