"""The progress record: importing returned PDFs, duplicates, show, list, forget, backup and
restore, encryption at rest, migrations, and the CLI's messages."""

from __future__ import annotations

import json

import pytest

from generator.api import add_returned, client_summary, open_record, record_given
from generator.core.errors import HandoutError
from generator.progress.record import MIGRATIONS, Record, migrate

from .progress_fixtures import filled, gad7, phq9

PASS = "river stones at dusk"


@pytest.fixture
def record_file(tmp_path, monkeypatch):
    path = tmp_path / "data" / "record.db"
    monkeypatch.setenv("HANDOUTS_RECORD", str(path))
    monkeypatch.setenv("HANDOUTS_PASSPHRASE", PASS)
    return path


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """Four sessions of a PHQ-9 (item 9 answered on the third), two GAD-7s, a where-am-i."""
    tmp_path = tmp_path_factory.mktemp("returned")
    return [
        filled(tmp_path, "phq-1.pdf", "phq-9", {**phq9(22), "date": "2026-10-01"}),
        filled(tmp_path, "phq-2.pdf", "phq-9", {**phq9(15), "date": "2026-10-15"}),
        filled(tmp_path, "phq-3.pdf", "phq-9", {**phq9(11, item9=1), "date": "2026-10-29"}),
        filled(tmp_path, "phq-4.pdf", "phq-9", {**phq9(4), "date": "2026-11-12"}),
        filled(tmp_path, "gad-1.pdf", "gad-7", {**gad7(16), "date": "2026-10-01"}),
        filled(tmp_path, "gad-2.pdf", "gad-7", {**gad7(9), "date": "2026-11-12"}),
        filled(
            tmp_path,
            "where.pdf",
            "where-am-i",
            {"lines.3": "Near the middle", "date": "2026-10-01"},
        ),
    ]


def test_returned_pdfs_are_scored_by_day_with_bands_and_alerts(record_file, returned):
    with open_record(PASS) as record:
        result = add_returned(record, returned, "ab-12")
        summary = client_summary(record, "AB-12")
    assert (result.added, result.duplicates, result.problems) == (7, 0, ())
    assert [(a[0], a[2].answer) for a in result.alerts] == [("2026-10-29", "Several days")]
    phq = next(s for s in summary.measures if s.module == "phq-9")
    assert [(p.day, p.value, p.score.band.label) for p in phq.points] == [
        ("2026-10-01", 22, "Severe"),
        ("2026-10-15", 15, "Moderately severe"),
        ("2026-10-29", 11, "Moderate"),
        ("2026-11-12", 4, "Minimal"),
    ]
    assert [(a.day, a.item, a.answer) for a in summary.alerts] == [
        (("2026-10-29"), 9, "Several days")
    ]
    assert [s.label for s in summary.tracks] == ["Journey stop"]
    assert not summary.tracks[0].validated


def test_the_same_copy_twice_is_recognised_and_not_added_again(record_file, returned):
    with open_record(PASS) as record:
        add_returned(record, returned[:2], "AB-12")
        again = add_returned(record, returned[:3], "AB-12")
    assert (again.added, again.duplicates) == (1, 2)


def test_bad_files_are_reported_by_name_and_good_ones_still_added(record_file, returned, tmp_path):
    (tmp_path / "notes.txt").write_text("not a pdf")
    blank = filled(tmp_path, "blank.pdf", "gad-7", {})
    with open_record(PASS) as record:
        result = add_returned(record, [tmp_path / "notes.txt", returned[0], blank], "AB-12")
    assert result.added == 1
    assert [p.split("/")[-1] for p in result.problems] == [
        "notes.txt: expected a fillable PDF or a phone answers file made by handouts",
        "blank.pdf: nothing is filled in; was the blank copy sent?",
    ]


def test_when_no_file_can_be_imported_no_client_is_made(record_file, tmp_path):
    (tmp_path / "notes.txt").write_text("not a pdf")
    blank = filled(tmp_path, "blank.pdf", "gad-7", {})
    with open_record(PASS, create=True) as record:
        result = add_returned(record, [tmp_path / "notes.txt", blank], "AB-12")
        assert (result.added, len(result.problems)) == (0, 2)
        assert record.counts() == []
        with pytest.raises(HandoutError, match="no client with the code AB-12"):
            client_summary(record, "AB-12")


def test_a_file_without_a_date_needs_one(record_file, tmp_path):
    undated = filled(tmp_path, "undated.pdf", "gad-7", gad7(3))
    with open_record(PASS) as record:
        result = add_returned(record, [undated], "AB-12", day="2026-11-20")
        summary = client_summary(record, "AB-12")
    assert result.added == 1 and summary.days == ("2026-11-20",)


@pytest.mark.parametrize("code", ["Jane Smith", "12", "AB-12; DROP TABLE clients", ""])
def test_a_client_code_is_initials_and_a_number(record_file, returned, code):
    with open_record(PASS) as record, pytest.raises(HandoutError) as error:
        add_returned(record, returned[:1], code)
    # The message never repeats what was typed: it may be a client's name.
    assert error.value.message == (
        "--client: expected a client code of initials and a number, e.g. AB-12 "
        "(a code, never a name)"
    )


def test_nothing_readable_at_rest(record_file, returned):
    with open_record(PASS) as record:
        add_returned(record, returned, "QZ-4821")
        record_given(record, "QZ-4821", ["where-am-i"], "2026-09-30")
    data = record_file.read_bytes()
    for needle in (
        b"QZ-4821",
        b"2026-10-01",
        b"2026-09-30",
        b"phq-9",
        b"measure",
        b"Near the middle",
        b"SQLite format",
    ):
        assert needle not in data, needle


def test_a_wrong_passphrase_is_a_clear_message_naming_no_client(record_file, returned):
    with open_record(PASS) as record:
        add_returned(record, returned[:1], "QZ-4821")
    with pytest.raises(HandoutError) as error:
        open_record("wrong")
    assert error.value.message.endswith(
        "record.db: the passphrase does not open this record (or the file is not a record)"
    )


def test_forget_erases_every_trace_from_the_file(record_file, returned):
    from generator.progress.record import Entry

    with open_record(PASS) as record:
        add_returned(record, returned, "QZ-4821")
        add_returned(record, returned[:1], "KL-7")
        # A year of weekly logs: enough rows to fill pages that deleting sets free.
        notes = [
            Entry("returned", "trust-tracker", f"2025-{1 + week % 12:02d}-01",
                  {"log.3.1.1": f"Quiet walk by the canal, week {week}" * 4}, digest=str(week))
            for week in range(120)
        ]  # fmt: skip
        record.add("QZ-4821", notes)
        record.forget("QZ-4821")
        assert record.codes() == ["KL-7"]
    # Every page of the file decrypted, free pages too: a deleted row would stay in them.
    decrypted = decrypted_pages(record_file.read_bytes(), PASS)
    assert b"KL-7" in decrypted  # the search finds what is there
    for needle in (b"QZ-4821", b"2026-11-12", b"Near the middle", b"Quiet walk by the canal"):
        assert needle not in decrypted, needle


def decrypted_pages(data: bytes, passphrase: str) -> bytes:
    """Each page of a SQLCipher 4 file decrypted with its defaults (PBKDF2-HMAC-SHA512 with
    256,000 rounds over the 16-byte salt that starts the file; AES-256-CBC; 4096-byte pages
    ending in a 16-byte IV and a 64-byte HMAC), independently of SQLite's own reading."""
    import hashlib

    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode(), data[:16], 256_000, 32)
    plain = []
    for start in range(0, len(data), 4096):
        page = data[start : start + 4096]
        body, iv = page[16 if start == 0 else 0 : -80], page[-80:-64]
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        plain.append(decryptor.update(body) + decryptor.finalize())
    return b"".join(plain)


def test_backup_opens_with_the_passphrase_and_restore_brings_it_back(
    record_file, returned, tmp_path
):
    from generator.api import backup_record, restore_record

    with open_record(PASS) as record:
        add_returned(record, returned[:2], "AB-12")
        backup = backup_record(record, tmp_path / "copy.db")
        record.forget("AB-12")
    assert b"AB-12" not in backup.read_bytes()
    with pytest.raises(HandoutError):
        restore_record(backup, "wrong")
    restore_record(backup, PASS)
    with open_record(PASS) as record:
        assert record.codes() == ["AB-12"] and len(record.entries("AB-12")) == 2


def test_a_record_of_the_first_schema_is_migrated_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    from sqlcipher3 import dbapi2

    db = dbapi2.connect(str(path))
    db.execute(f"PRAGMA key = '{PASS}'")
    migrate(db, path, upto=1)
    db.execute("INSERT INTO clients (code, created) VALUES ('AB-12', '2026-01-01')")
    db.execute(
        "INSERT INTO entries (client, kind, module, day, digest, answers) "
        "VALUES (1, 'returned', 'gad-7', '2026-01-02', 'x', ?)",
        (json.dumps({"measure.1.1": "3"}),),
    )
    db.commit()
    db.close()
    with Record(path, PASS) as record:
        assert record.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert record.language("AB-12") == "en"
        assert [(e.module, e.source, e.answers) for e in record.entries("AB-12")] == [
            ("gad-7", "pdf", {"measure.1.1": "3"})
        ]


def test_a_record_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Record(path, PASS).close()
    from sqlcipher3 import dbapi2

    db = dbapi2.connect(str(path))
    db.execute(f"PRAGMA key = '{PASS}'")
    db.execute("PRAGMA user_version = 99")
    db.close()
    with pytest.raises(HandoutError, match="written by a newer version of handouts"):
        Record(path, PASS)


# --- the command line --------------------------------------------------------------------------


def test_cli_add_list_show_forget(run, record_file, returned):
    added = run("progress", "add", *returned, "--client", "ab-12")
    assert added.exit_code == 0
    assert (
        'ALERT 2026-10-29  phq-9 item 9: "Thoughts that you would be better off dead'
        in added.output
    )
    assert "Added 7; already in the record: 0." in added.output
    assert "AB-12        given   0  returned   7  last 2026-11-12" in run("progress", "list").output
    shown = run("progress", "show", "AB-12").output.splitlines()
    assert shown[1].startswith("ALERT 2026-10-29  Patient Health Questionnaire (PHQ-9), item 9")
    assert "  2026-10-01  22 of 27  Severe" in shown
    assert "Journey stop (Where am I on the journey?; not a validated measure)" in shown
    forgot = run("progress", "forget", "AB-12", "--yes")
    assert forgot.exit_code == 0
    assert run("progress", "list").output == "No clients in the record yet.\n"


def test_cli_add_of_only_bad_files_fails_and_makes_no_client(run, record_file, tmp_path):
    (tmp_path / "notes.txt").write_text("not a pdf")
    blank = filled(tmp_path, "blank.pdf", "gad-7", {})
    added = run("progress", "add", tmp_path / "notes.txt", blank, "--client", "AB-12")
    assert added.exit_code == 1
    assert "blank.pdf: nothing is filled in" in added.output
    assert run("progress", "list").output == "No clients in the record yet.\n"
    assert run("progress", "show", "AB-12").output == (
        "Error: no client with the code AB-12 in the record\n"
    )


def test_cli_build_with_a_client_code_records_what_was_given(run, record_file):
    result = run("build", "where-am-i", "--date", "2026-11-01", "--client-code", "AB-12")
    assert result.exit_code == 0 and "Recorded 1 module(s) given to AB-12." in result.output
    assert "AB-12        given   1  returned   0  last 2026-11-01" in run("progress", "list").output


def test_cli_errors_name_the_file_never_the_record(run, record_file, returned, monkeypatch):
    run("progress", "add", returned[0], "--client", "QZ-4821")
    monkeypatch.setenv("HANDOUTS_PASSPHRASE", "wrong")
    result = run("progress", "show", "QZ-4821")
    assert result.exit_code == 1
    assert "the passphrase does not open this record" in result.output
    assert "QZ-4821" not in result.output and "Traceback" not in result.output
    monkeypatch.setenv("HANDOUTS_PASSPHRASE", PASS)
    missing = run("progress", "show", "ZZ-1")
    assert missing.output == "Error: no client with the code ZZ-1 in the record\n"


def test_cli_asks_for_the_passphrase_once_when_no_variable_is_set(
    run, record_file, returned, monkeypatch
):
    monkeypatch.delenv("HANDOUTS_PASSPHRASE")
    from click.testing import CliRunner

    from generator.cli import cli

    result = CliRunner().invoke(
        cli, ["progress", "add", str(returned[0]), "--client", "AB-12"], input=PASS + "\n"
    )
    assert result.exit_code == 0 and result.output.count("Passphrase for the progress record") == 1
    assert "Added 1" in result.output


def test_another_kind_of_returned_file_plugs_in_with_one_reader(record_file, tmp_path, monkeypatch):
    """Any kind of returned file, as its reader gives it: module, day, answers, a copy id."""
    import datetime as dt

    from generator.progress import returned as returned_module

    def phone_reader(path, head, day, keys):
        if not head.startswith(b"PHONE"):
            return None
        answers = {f"measure.1.{n}": "1" for n in range(1, 8)}
        copy = returned_module.from_answers(
            "gad-7", day or dt.date(2026, 11, 3), answers, "phone", path.name, identity="c-7f3a"
        )
        return [copy]

    monkeypatch.setattr(returned_module, "READERS", [phone_reader])
    phone = tmp_path / "answers.handouts"
    phone.write_bytes(b"PHONE sealed answers")
    with open_record(PASS) as record:
        first = add_returned(record, [phone], "AB-12")
        again = add_returned(record, [phone], "AB-12", day="2026-11-04")  # the same copy
        summary = client_summary(record, "AB-12")
        sources = [e.source for e in record.entries("AB-12")]
    assert (first.added, again.added, again.duplicates) == (1, 0, 1)
    assert [(p.day, p.value) for p in summary.measures[0].points] == [("2026-11-03", 7)]
    assert sources == ["phone"]
