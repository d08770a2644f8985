"""Reading answers back: phone answers files (and fillable PDFs) many at once, and every kind
of bad file named with its problem while the others are still read."""

from __future__ import annotations

import base64
import csv
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from generator.phone.answers_file import FILE_LIMIT, seal

from .phone_support import (
    answers_file,
    config,  # noqa: F401 (the fixture, used by every test here)
    current_public,
    payload,
)

pytestmark = pytest.mark.usefixtures("config")

WORDS = "Zoë's café ☕ 🙂 — שלום עולם and مرحبا"


def _key(run):
    assert run("key", "new").exit_code == 0
    return current_public()


def _parts(path):
    return json.loads(path.read_text())


def _rewrite(path, target, **changes):
    parts = _parts(path) | changes
    target.write_text(json.dumps(parts))
    return target


def test_typed_words_come_back_exactly(run, tmp_path):
    public = _key(run)
    answers = [
        {
            "field": "where-am-i.lines.3",
            "question": "What made me put my mark there?",
            "value": WORDS,
        },
        {"field": "where-am-i.checklist.11.2", "question": "I ask for help", "value": True},
        {"field": "where-am-i.scale.5", "question": "How easy?", "value": "7"},
        {"field": "where-am-i.scale.7", "question": "How often?", "value": None},
    ]
    sent = answers_file(tmp_path / "answers-1.txt", public, answers)
    clear = sent.read_text()
    assert set(_parts(sent)) == {"format", "version", "key", "epk", "salt", "nonce", "ciphertext"}
    assert "where-am-i" not in clear and "Zoë" not in clear  # nothing of it in clear
    found = json.loads(run("answers", sent).output)
    assert found["answers"] == answers
    assert (found["module"], found["sent"], found["copy"], found["kind"]) == (
        "where-am-i",
        "2026-12-06T10:00:00Z",
        "0123456789abcdef",
        "phone",
    )
    rows = list(csv.DictReader(io.StringIO(run("answers", sent, "--format", "csv").output)))
    assert [r["value"] for r in rows] == [WORDS, "ticked", "7", ""]
    table = run("answers", sent, "--format", "table").output
    assert (
        "== answers-1.txt (where-am-i, sent 2026-12-06T10:00:00Z, copy 0123456789abcdef)" in table
    )
    assert f"  What made me put my mark there?: {WORDS}" in table


def test_each_bad_file_is_one_line_and_the_others_are_still_read(run, tmp_path):
    public = _key(run)
    good = answers_file(tmp_path / "good.txt", public)
    parts = _parts(good)
    sealed = base64.urlsafe_b64decode(parts["ciphertext"] + "==")
    flipped = base64.urlsafe_b64encode(bytes([sealed[0] ^ 1]) + sealed[1:]).rstrip(b"=").decode()
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    bad = {
        "tampered.txt": _rewrite(good, tmp_path / "tampered.txt", ciphertext=flipped),
        "relabelled.txt": _rewrite(good, tmp_path / "relabelled.txt", version=1, key="0" * 64),
        "foreign.txt": answers_file(tmp_path / "foreign.txt", other),
        "newer.txt": _rewrite(good, tmp_path / "newer.txt", version=2),
        "truncated.txt": tmp_path / "truncated.txt",
        "huge.txt": tmp_path / "huge.txt",
        "malformed.txt": tmp_path / "malformed.txt",
        "extra.txt": _rewrite(good, tmp_path / "extra.txt", client="Zoë"),
        "missing.txt": tmp_path / "missing.txt",
    }
    bad["truncated.txt"].write_bytes(good.read_bytes()[:-40])
    bad["huge.txt"].write_bytes(b"{" + b" " * FILE_LIMIT + b"}")
    bad["malformed.txt"].write_text('{"format": "handouts-answers", "version": 1}')
    result = run("answers", good, *bad.values(), "--format", "csv")
    assert result.exit_code == 1
    assert result.stdout.count("Because") == 1  # the good file, read all the same
    lines = result.stderr.splitlines()
    assert len(lines) == len(bad)
    expected = {
        "tampered.txt": "has been changed or damaged since it was sent",
        "relabelled.txt": "is locked to another key",
        "foreign.txt": "is locked to another key",
        "newer.txt": "was made by a newer version of handouts (answers format 2",
        "truncated.txt": "is cut short or damaged",
        "huge.txt": "is too large for an answers file",
        "malformed.txt": "is damaged: it lacks key, epk, salt, nonce, ciphertext",
        "extra.txt": "is damaged: it has unknown parts client",
        "missing.txt": "no such file",
    }
    for line, (name, message) in zip(lines, expected.items(), strict=True):
        assert line.startswith(f"Error: {name}: ") and message in line, line


def test_a_file_claiming_another_key_cannot_be_rewritten_to_ours(run, tmp_path):
    """The seal covers the fingerprint: a file for another key, relabelled with ours, fails."""
    public = _key(run)
    ours = _parts(answers_file(tmp_path / "ours.txt", public))
    theirs = answers_file(tmp_path / "t.txt", ec.generate_private_key(ec.SECP256R1()).public_key())
    forged = _rewrite(theirs, tmp_path / "forged.txt", key=ours["key"])
    result = run("answers", forged)
    assert result.exit_code == 1 and "has been changed or damaged" in result.stderr


def test_what_is_inside_is_checked_like_any_input(run, tmp_path):
    public = _key(run)
    odd = tmp_path / "odd.txt"
    odd.write_bytes(seal(payload([{"field": "x", "question": "q", "value": {"a": 1}}]), public))
    result = run("answers", odd)
    assert result.exit_code == 1
    assert "odd.txt: opened, but an answer in it is not text, a tick or a choice" in result.stderr
    controls = tmp_path / "controls.txt"
    answers_file(controls, public, [{"field": "f", "question": "q", "value": "a\x1b[31mred\u202e"}])
    shown = run("answers", controls, "--format", "table").output
    assert "\x1b" not in shown and "\u202e" not in shown and "a\ufffd[31mred\ufffd" in shown


def test_the_same_file_twice_is_read_once(run, tmp_path):
    public = _key(run)
    first = answers_file(tmp_path / "first.txt", public)
    again = tmp_path / "again.txt"
    again.write_bytes(first.read_bytes())
    later = answers_file(tmp_path / "later.txt", public, sent="2026-12-08T09:00:00Z")
    result = run("answers", first, again, later, "--format", "json")
    assert result.exit_code == 0
    assert [f["file"] for f in json.loads(result.stdout)] == ["first.txt", "later.txt"]
    assert "note: again.txt: the same answers as first.txt; read once" in result.stderr


def test_phone_files_and_fillable_pdfs_read_together(run, tmp_path, fillable):
    public = _key(run)
    phone = answers_file(tmp_path / "phone.txt", public)
    result = run("answers", phone, fillable["where-am-i"], "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["file"] for r in rows} == {"phone.txt", fillable["where-am-i"].name}
    assert {r["module"] for r in rows} == {"where-am-i"}
