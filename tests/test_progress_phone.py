"""Phone answers files into the progress record: opened with the practice key (and its
passphrase), scored, the item-9 alert raised, the day taken from when they were sent, the same
file recognised however often it comes, beside real fillable PDFs, through the API and the
command line; a wrong passphrase is a clear message naming no client and no answer."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from generator.api import add_returned, client_summary, new_practice_key, open_record

from .phone_support import config, current_public  # noqa: F401 (config: the fixture)
from .progress_fixtures import filled, items, phone_answers, phq9

PASS = "river stones at dusk"
KEY_PASS = "long secret words"
CODE = "QZ-4821"


@pytest.fixture
def record_file(tmp_path, monkeypatch, config):  # noqa: F811
    path = tmp_path / "data" / "record.db"
    monkeypatch.setenv("HANDOUTS_RECORD", str(path))
    monkeypatch.setenv("HANDOUTS_PASSPHRASE", PASS)
    return path


@pytest.fixture
def returned_pdf(tmp_path):
    return filled(tmp_path, "phq-oct.pdf", "phq-9", {**phq9(14), "date": "2026-10-20"})


def test_phone_answers_are_opened_scored_and_alerted_on_the_day_they_were_sent(
    record_file, returned_pdf, tmp_path
):
    new_practice_key()
    public = current_public()
    sent = "2026-11-03T12:00:00.000Z"
    phone = phone_answers(tmp_path / "answers-1.txt", public, "phq-9", items(9, item9=2), sent)
    with open_record(PASS) as record:
        first = add_returned(record, [returned_pdf, phone], "ab-12")
        again = add_returned(record, [phone, returned_pdf], "AB-12")
        summary = client_summary(record, "AB-12")
        sources = sorted(e.source for e in record.entries("AB-12"))
    assert (first.added, first.duplicates, first.problems) == (2, 0, ())
    assert [(day, module, a.item, a.answer) for day, module, a in first.alerts] == [
        ("2026-11-03", "phq-9", 9, "More than half the days")
    ]
    assert (again.added, again.duplicates) == (0, 2)
    (phq,) = summary.measures
    assert [(p.day, p.value, p.score.band.label) for p in phq.points] == [
        ("2026-10-20", 14, "Moderate"),
        ("2026-11-03", 9, "Mild"),
    ]
    assert [(a.day, a.item, a.answer) for a in summary.alerts] == [
        ("2026-11-03", 9, "More than half the days")
    ]
    assert sources == ["pdf", "phone"]


def test_the_same_copy_sent_again_another_day_is_a_new_session_and_date_overrides(
    record_file, tmp_path
):
    new_practice_key()
    public = current_public()
    week1 = phone_answers(tmp_path / "a.txt", public, "phq-9", items(5), "2026-11-03T12:00:00Z")
    week2 = phone_answers(tmp_path / "b.txt", public, "phq-9", items(5), "2026-11-10T12:00:00Z")
    late = phone_answers(tmp_path / "c.txt", public, "phq-9", items(3), "2026-11-24T12:00:00Z")
    with open_record(PASS) as record:
        result = add_returned(record, [week1, week2], "AB-12")
        dated = add_returned(record, [late], "AB-12", day="2026-11-20")
        days = client_summary(record, "AB-12").days
    assert (result.added, dated.added) == (2, 1)
    assert days == ("2026-11-03", "2026-11-10", "2026-11-20")


def test_bad_phone_files_are_named_and_the_good_ones_added(record_file, tmp_path):
    new_practice_key()
    public = current_public()
    good = phone_answers(tmp_path / "good.txt", public, "gad-7", {1: 2, 2: 1}, "2026-11-03T12:00Z")
    other = ec.generate_private_key(ec.SECP256R1()).public_key()
    foreign = phone_answers(tmp_path / "foreign.txt", other, "gad-7", {1: 1}, "2026-11-03T12:00Z")
    empty = phone_answers(tmp_path / "empty.txt", public, "gad-7", {}, "2026-11-03T12:00Z")
    with open_record(PASS) as record:
        result = add_returned(record, [foreign, good, empty], "AB-12")
    assert result.added == 1
    problems = [p.split("/")[-1] for p in result.problems]
    assert problems[0].startswith("foreign.txt: is locked to another key")
    assert problems[1] == "empty.txt: nothing is filled in; was it sent before any answer?"


def _protected_key():
    new_practice_key(None, KEY_PASS)
    return current_public(KEY_PASS)


def test_a_key_with_a_passphrase_opens_phone_answers_through_the_api(
    record_file, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # files named as the user would see them
    public = _protected_key()
    phone = phone_answers(tmp_path / "a.txt", public, "phq-9", items(4, 1), "2026-11-03T12:00Z")
    with open_record(PASS) as record:
        wrong = add_returned(record, [phone], CODE, key_passphrase="not it")
        none = add_returned(record, [phone], CODE)
        right = add_returned(record, [phone], CODE, key_passphrase=KEY_PASS)
    (message,) = wrong.problems
    assert message.startswith("a.txt: cannot be opened: ")
    assert message.endswith("the passphrase is not the one this key was saved with")
    assert none.problems == ("a.txt: the practice key has a passphrase; give it to read this file",)
    assert CODE not in message + none.problems[0] and wrong.added == none.added == 0
    assert right.added == 1 and right.alerts[0][2].answer == "Several days"


def test_cli_adds_phone_answers_with_the_key_passphrase_and_a_wrong_one_says_so(
    run, record_file, returned_pdf, tmp_path, monkeypatch
):
    public = _protected_key()
    phone = phone_answers(tmp_path / "a.txt", public, "phq-9", items(12, 3), "2026-11-03T12:00Z")
    monkeypatch.setenv("HANDOUTS_KEY_PASSPHRASE", "not it")
    wrong = run("progress", "add", phone, "--client", CODE)
    assert wrong.exit_code == 1
    assert "Error: a.txt: cannot be opened: " in wrong.output
    assert "the passphrase is not the one this key was saved with" in wrong.output
    shown = wrong.output.upper()
    assert CODE not in shown and "NEARLY EVERY DAY" not in shown and "TRACEBACK" not in shown
    monkeypatch.setenv("HANDOUTS_KEY_PASSPHRASE", KEY_PASS)
    monkeypatch.setenv("HANDOUTS_PASSPHRASE", "not the record's")
    locked = run("progress", "add", phone, "--client", CODE)
    assert locked.exit_code == 1 and "the passphrase does not open this record" in locked.output
    assert CODE not in locked.output.upper() and "Nearly every day" not in locked.output
    monkeypatch.setenv("HANDOUTS_PASSPHRASE", PASS)
    added = run("progress", "add", phone, returned_pdf, "--client", CODE)
    assert added.exit_code == 0, added.output
    assert 'ALERT 2026-11-03  phq-9 item 9: "Thoughts that you would be better off dead' in (
        added.output
    )
    assert '"Nearly every day"' in added.output
    assert "Added 2; already in the record: 0." in added.output
    again = run("progress", "add", phone, "--client", CODE)
    assert "Added 0; already in the record: 1." in again.output
    shown = run("progress", "show", CODE).output
    assert "  2026-11-03  12 of 27  Moderate" in shown
    assert "ALERT 2026-11-03  Patient Health Questionnaire (PHQ-9), item 9" in shown


def test_cli_asks_for_no_key_passphrase_when_only_pdfs_come(run, record_file, returned_pdf):
    _protected_key()  # a protected key, and no HANDOUTS_KEY_PASSPHRASE: never needed for PDFs
    result = run("progress", "add", returned_pdf, "--client", CODE)
    assert result.exit_code == 0 and "Added 1;" in result.output
