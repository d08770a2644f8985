"""What the phone-copy tests share: a key folder of their own, and answers files made the way
a phone copy makes them (the format's reference sealing, in Python)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.phone.answers_file import seal
from generator.phone.keys import load_private, practice_keys


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    """A user settings folder of this test's own: keys made here go nowhere else."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.delenv("HANDOUTS_KEY_PASSPHRASE", raising=False)
    return folder


def current_public(passphrase: str | None = None):
    return load_private(practice_keys()[0], passphrase).public_key()


def payload(answers, module="where-am-i", copy="0123456789abcdef", sent="2026-12-06T10:00:00Z"):
    found = {"module": module, "title": "Where am I?", "language": "en", "copy": copy}
    return json.dumps(found | {"sent": sent, "answers": answers}).encode()


def answers_file(path: Path, public, answers=None, **about) -> Path:
    answers = answers or [{"field": "where-am-i.lines.3", "question": "Why?", "value": "Because"}]
    path.write_bytes(seal(payload(answers, **about), public))
    return path
