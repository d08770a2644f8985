"""The docs are made from the code: the README's command reference is every command's --help,
and every example of docs/api.md runs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import generator
from generator import api

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_command_reference_matches_every_commands_help():
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, "README.md is stale: run 'make docs'\n" + result.stderr


API_DOCS = ROOT / "docs" / "api.md"


def test_every_example_in_the_api_docs_runs_in_an_empty_folder(tmp_path):
    code = "\n".join(re.findall(r"```python\n(.*?)```", API_DOCS.read_text(encoding="utf-8"), re.S))
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "client -> expected at most 80 characters, got 81" in result.stdout
    assert (tmp_path / "handouts" / "where-am-i-jd.pdf").is_file()
    assert (tmp_path / "roster-out" / "all-participants.pdf").is_file()


def test_the_api_docs_name_everything_the_api_exports_and_show_the_front_door():
    text = API_DOCS.read_text(encoding="utf-8")
    assert [name for name in api.__all__ if not re.search(rf"\b{name}\b", text)] == []
    functions = [name for name in generator.__all__ if callable(getattr(generator, name))]
    headed = re.findall(r"^### `(\w+)\(", text, re.M)
    assert [n for n in functions if n[0].islower()] == headed


README = ROOT / "README.md"


def test_every_section_the_readme_points_to_is_there():
    """'(see "Phone copies")' leads somewhere: a heading that starts with those words."""
    text = README.read_text(encoding="utf-8")
    headings = [h.strip() for h in re.findall(r"^#+ (.+)$", text, re.M)]
    pointed = set(re.findall(r'see "([^"]+)"', text))
    assert "Phone copies" in pointed
    assert [p for p in sorted(pointed) if not any(h.startswith(p) for h in headings)] == []


def test_the_readme_tells_a_therapist_what_losing_the_practice_key_means():
    text = " ".join(README.read_text(encoding="utf-8").split())
    assert (
        "If you lose the key, you cannot read any answers sent to it that you have not read" in text
    )
    assert "handouts key export practice-key-backup.json" in text
    assert "handouts key import practice-key-backup.json" in text
    assert "| `phone_url` |" in text
