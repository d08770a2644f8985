"""The WeasyPrint internals the tool relies on (generator/core/weasy.py) are still there: an
upgrade that changes them fails here, by name, rather than somewhere deep in a roster run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.core.weasy import LINKER_CACHE, internals_missing


def test_weasyprint_still_has_what_the_adapter_reads():
    assert internals_missing() == []


LOAD = """
import ctypes.util, sys
real = ctypes.util.find_library
asked = []
def counting(name):
    asked.append(name)
    return real(name)
ctypes.util.find_library = counting
from generator.core import pdf
print(len(asked))
"""


def _load_engine(cache: Path) -> int:
    """Load the renderer in a fresh process; how many times it asked the system for a library."""
    environment = dict(os.environ, XDG_CACHE_HOME=str(cache))
    done = subprocess.run(
        [sys.executable, "-c", LOAD], capture_output=True, text=True, env=environment, check=True
    )
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(not LINKER_CACHE.is_file(), reason="only Linux has the linker's cache file")
def test_library_lookups_are_asked_once_and_then_remembered(tmp_path):
    assert _load_engine(tmp_path) > 5  # every name WeasyPrint tries, on every platform
    (answers,) = (tmp_path / "handouts").glob("libraries-*.json")
    remembered = json.loads(answers.read_text())
    assert remembered["pango-1.0"].startswith("libpango-1.0.so")
    assert _load_engine(tmp_path) == 0
    # A damaged file is asked again and written anew; the engine still loads.
    answers.write_text("{not json")
    assert _load_engine(tmp_path) > 5
    assert json.loads(answers.read_text()) == remembered
