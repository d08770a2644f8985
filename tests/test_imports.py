"""What a command loads: the package and the command line load none of the heavy libraries, and a
build in English loads the engine and what it renders with, nothing more. Each check runs in a
fresh interpreter, since this one has loaded everything by now."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Only some commands need these: the web app, forms, previews, answers, rosters (and the tests).
HEAVY = ("flask", "waitress", "pikepdf", "pypdfium2", "PIL", "fontTools", "multiprocessing")
HEAVY += ("pypdf",)
# Only a render needs these (the engine, the templates, Markdown); only another language, Babel.
RENDERING = ("weasyprint", "jinja2", "markdown", "babel")


def loaded_by(code: str, cwd) -> set[str]:
    """The top-level packages loaded once 'code' has run in a fresh interpreter."""
    report = "import json, sys; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {name.partition(".")[0] for name in json.loads(result.stdout.splitlines()[-1])}


@pytest.mark.parametrize("module", ["generator", "generator.cli", "generator.api"])
def test_loading_the_package_or_the_command_line_loads_nothing_heavy(module, tmp_path):
    loaded = loaded_by(f"import {module}", tmp_path)
    assert "generator" in loaded
    assert not loaded.intersection(HEAVY + RENDERING)


def test_a_build_in_english_loads_the_engine_and_nothing_else_heavy(tmp_path):
    build = "from generator.cli import cli\ncli(['build', 'journey', '--out', 'out'], "
    loaded = loaded_by(build + "standalone_mode=False)", tmp_path)
    assert (tmp_path / "out" / "journey.pdf").is_file()
    assert {"weasyprint", "jinja2", "markdown"} <= loaded
    unused = ("flask", "waitress", "pikepdf", "pypdfium2", "multiprocessing", "pypdf", "babel")
    assert not loaded.intersection(unused)
