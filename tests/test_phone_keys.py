"""The practice key: made by init, shown, renewed (old keys kept), backed up and restored."""

from __future__ import annotations

import json
import stat

import pytest

from generator.phone.keys import PUBLIC_NAME, key_folder, practice_keys, read_public

from .phone_support import (
    answers_file,
    config,  # noqa: F401 (the fixture, used by every test here)
    current_public,
)

pytestmark = pytest.mark.usefixtures("config")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_a_key_only_the_user_can_read(run, tmp_path):
    result = run("init")
    assert result.exit_code == 0, result.output
    (key,) = practice_keys()
    assert _mode(key.path) == 0o600 and _mode(key_folder()) == 0o700
    assert b"PRIVATE KEY" in key.path.read_bytes() and not key.protected
    beside = tmp_path / PUBLIC_NAME  # beside ./practice.yaml
    assert read_public(beside).public_numbers() == current_public().public_numbers()
    assert b"PRIVATE" not in beside.read_bytes()
    short = " ".join(key.fingerprint[i : i + 4] for i in range(0, 16, 4))
    assert f"Made your practice key: {short}" in result.output
    again = run("init", "again.yaml")
    assert len(practice_keys()) == 1 and f"Your practice key is: {short}" in again.output


def test_a_passphrase_guards_the_key(run, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(cli, ["init", "--key-passphrase"], input="long secret\nlong secret\n")
    assert made.exit_code == 0, made.output
    (key,) = practice_keys()
    assert key.protected and b"ENCRYPTED PRIVATE KEY" in key.path.read_bytes()
    sent = answers_file(tmp_path / "a.txt", read_public(tmp_path / PUBLIC_NAME))
    monkeypatch.setenv("HANDOUTS_KEY_PASSPHRASE", "wrong one")
    wrong = run("answers", sent)
    assert wrong.exit_code == 1
    assert "a.txt: cannot be opened: " in wrong.stderr
    assert "the passphrase is not the one this key was saved with" in wrong.stderr
    monkeypatch.setenv("HANDOUTS_KEY_PASSPHRASE", "long secret")
    assert json.loads(run("answers", sent).output)["answers"][0]["value"] == "Because"


def test_a_new_key_keeps_the_old_one_for_older_answers(run, tmp_path):
    run("init")
    old = answers_file(tmp_path / "old.txt", current_public())
    first = practice_keys()[0].fingerprint
    result = run("key", "new")
    assert result.exit_code == 0, result.output
    keys = practice_keys()
    assert len(keys) == 2 and keys[1].fingerprint == first  # the new one is current
    new = answers_file(tmp_path / "new.txt", read_public(tmp_path / PUBLIC_NAME), sent="2026-12-07")
    both = run("answers", old, new, "--format", "csv")
    assert both.exit_code == 0 and both.output.count("Because") == 2
    listing = run("key").output.splitlines()
    assert "(current)" in listing[0] and "older, kept to read older answers" in listing[1]


def test_a_backup_restores_the_keys_on_another_computer(run, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.cli import cli

    run("init")
    sent = answers_file(tmp_path / "a.txt", current_public())
    runner = CliRunner()
    short = runner.invoke(cli, ["key", "export", "b.json"], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    saved = runner.invoke(cli, ["key", "export", "backup.json"], input="backup pass\nbackup pass\n")
    assert saved.exit_code == 0, saved.output
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "backup.json").read_bytes()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "new-computer"))
    assert run("answers", sent).exit_code == 1  # no key here yet
    bad = runner.invoke(cli, ["key", "import", "backup.json"], input="not it\n")
    assert bad.exit_code == 1 and "the passphrase is not the backup's" in bad.output
    good = runner.invoke(cli, ["key", "import", "backup.json"], input="backup pass\n")
    assert good.exit_code == 0 and "Restored" in good.output
    monkeypatch.setenv("HANDOUTS_KEY_PASSPHRASE", "backup pass")
    assert json.loads(run("answers", sent).output)["answers"][0]["value"] == "Because"


def test_no_key_yet_is_said_plainly(run):
    result = run("key")
    assert result.exit_code == 1
    assert "there is no practice key yet; 'handouts key new' makes one" in result.output
    built = run("build", "where-am-i", "--phone")
    assert built.exit_code == 1 and "there is no practice key yet" in built.output


def test_a_fillable_pdf_needs_no_passphrase(run, tmp_path, monkeypatch, fillable):
    from click.testing import CliRunner

    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    made = CliRunner().invoke(cli, ["init", "--key-passphrase"], input="long secret\nlong secret\n")
    assert made.exit_code == 0 and practice_keys()[0].protected
    result = run("answers", fillable["where-am-i"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["kind"] == "pdf"
