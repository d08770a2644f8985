"""Input at the edges, as a tired user or an attacker types it: invisible and control characters
in module files, line separators in one-line fields, odd session numbers, names that would make
unsafe or empty file names, a full disk and a pipe that closes early."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator.api import Person
from generator.app import Settings, create_app
from generator.core import output
from generator.core.errors import HandoutError, ProblemsFound
from generator.core.profiles import make_personal, slugify
from generator.packets.participants import make_participant
from tests.helpers import flat, module_text, pdf_pages_text

BASE = "http://127.0.0.1:5123"
ORIGIN = {"Origin": BASE, "Sec-Fetch-Site": "same-origin"}
# A form feed, a C1 control (NEL, which YAML reads as a line break), another C1, a non-character.
INVISIBLE = ["\x0c", "\x85", "\x90", "\ufffe"]
SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x1e", "\r"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


def entered(settings: Settings):
    browser = create_app(settings).test_client()
    browser.get(f"/?token={settings.token}", base_url=BASE)
    return browser


def form_token(browser) -> str:
    page = browser.get("/", base_url=BASE).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([0-9a-f]+)"', page).group(1)


# --- control characters in a user's module ---------------------------------------------


@pytest.mark.parametrize("character", INVISIBLE, ids=["form-feed", "NEL", "C1", "U+FFFE"])
def test_a_control_character_in_a_users_module_names_file_and_line(run, tree, character):
    folder = tree({"mine-first.md": module_text(title=f"My {character}own")})
    line = next(n for n, text in enumerate(module_text().splitlines(), 1) if "title" in text)
    expected = f"mine-first.md: line {line}: front matter holds a character that does not print "
    expected += f"(U+{ord(character):04X})"
    result = run("check", "--content", folder, "mine-first")
    assert result.exit_code == 1 and expected in result.output
    assert "unexpected problem" not in result.output


def test_list_still_lists_the_library_beside_a_module_with_a_control_character(run, tree):
    folder = tree({"mine-first.md": module_text(title="My \x0cown")})
    result = run("list", "--content", folder, "--topic", "journey")  # two modules to count
    assert result.exit_code == 0 and "unexpected problem" not in result.output
    assert "journey" in result.output and "run 'handouts check'" in result.output
    # The module left out is named, with the line of the character, not only counted.
    assert re.search(
        r"mine-first\.md: line \d+: front matter holds a character that does not print "
        r"\(U\+000C\)",
        result.output,
    )


def test_the_app_shows_a_users_unreadable_module_as_broken(tree, tmp_path):
    folder = tree({"mine-first.md": module_text(title="My \x0cown")})
    settings = Settings((folder,), tmp_path / "p.yaml", 5123, warm_up=False)
    browser = entered(settings)
    page = browser.get("/", base_url=BASE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your modules that cannot be read" in text
    assert re.search(r"mine-first\.md: line \d+: front matter holds a character", text)
    assert browser.get("/module/mine-first", base_url=BASE).status_code == 404
    settings.clean_up()


# --- one line means one line -------------------------------------------------------------


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("field", ["client", "therapist"])
def test_a_line_separator_in_a_one_line_field_is_refused_by_name(field, separator):
    with pytest.raises(ProblemsFound) as error:
        make_personal(Person(**{field: f"Ana{separator}Li"}))
    code = f"U+{ord(separator):04X}"
    (problem,) = error.value.problems
    assert (problem.key, problem.message) == (
        field,
        f"expected one line of text, got a line break ({code})",
    )


def test_line_separators_in_a_note_become_plain_line_breaks():
    personal = make_personal(Person(note="Breathe.\u2028Walk.\u2029Rest.\x85Sleep.\r\nEat."))
    assert personal.note == "Breathe.\nWalk.\nRest.\nSleep.\nEat."


def test_a_line_separator_in_a_roster_value_is_one_line_on_the_cover():
    participant, problems = make_participant({"name": "Ana\u2028Díaz", "group": "Tue\u2029am"})
    assert problems == [] and (participant.name, participant.group) == ("Ana Díaz", "Tue am")


def test_cli_refuses_a_paragraph_separator_in_the_client_name(run, tmp_path):
    result = run("build", "journey", "--client", "Ana\u2029Li", "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "--client: expected one line of text, got a line break (U+2029)" in result.output
    assert not (tmp_path / "out").exists()


def test_the_app_puts_a_line_separator_problem_beside_its_field(tmp_path):
    settings = Settings(practice_file=tmp_path / "p.yaml", port=5123, warm_up=False)
    browser = entered(settings)
    data = {"csrf": form_token(browser), "client": "Ana\u2028Li", "paper": "letter"}
    answer = browser.post("/module/journey/download", base_url=BASE, data=data, headers=ORIGIN)
    assert answer.status_code in (200, 400, 422)
    page = answer.get_data(as_text=True)
    assert 'id="client-error">Expected one line of text, got a line break (U+2028)' in page
    settings.clean_up()


# --- session numbers -----------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["²", "٤", "9" * 5000, "-3", "1e3", "0x10", "1000"])
def test_an_odd_session_number_is_a_field_error(typed):
    with pytest.raises(ProblemsFound) as error:
        make_personal(Person(session=typed))
    (problem,) = error.value.problems
    assert problem.key == "session"
    assert problem.message.startswith("expected a session number from 1 to 999")
    assert len(problem.message) < 120  # 5,000 digits are not echoed back


def test_a_huge_session_number_from_the_api_is_a_field_error():
    with pytest.raises(HandoutError) as error:
        make_personal(Person(session=10**5000))  # str() of it would raise ValueError
    assert "more than 40 digits" in error.value.message


def test_a_session_number_as_typed_is_read():
    assert make_personal(Person(session=" 04 ")).session == 4
    assert make_personal(Person(session="")).session is None


@pytest.mark.parametrize("typed", ["²", "9" * 5000])
def test_the_cli_and_app_refuse_an_odd_session_without_a_traceback(run, tmp_path, typed):
    result = run("build", "journey", "--session", typed, "--out", tmp_path / "out")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "--session" in result.output and len(result.output) < 300
    settings = Settings(practice_file=tmp_path / "p.yaml", port=5123, warm_up=False)
    browser = entered(settings)
    data = {"csrf": form_token(browser), "session": typed, "paper": "letter"}
    for url in ("/module/journey/download", "/module/journey/preview"):
        answer = browser.post(url, base_url=BASE, data=data, headers=ORIGIN)
        assert answer.status_code < 500, url
    page = browser.post(
        "/module/journey/download", base_url=BASE, data=data, headers=ORIGIN
    ).get_data(as_text=True)
    assert 'id="session-error">Expected a session number from 1 to 999' in page
    settings.clean_up()


# --- file names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Łukasz Wójcik", "lukasz-wojcik"),
        ("Øystein Ærø", "oystein-aero"),
        ("Straße", "strasse"),
        ("Мария Иванова", "mariya-ivanova"),
        ("José Ñúñez", "jose-nunez"),
    ],
)
def test_letters_are_spelled_in_ascii_not_dropped(name, slug):
    assert slugify(name) == slug
    assert make_personal(Person(client=name)).slug == slug


@pytest.mark.parametrize("device", ["CON", "nul", "Aux", "PRN", "com1", "LPT9", "con.txt", "Nul "])
def test_a_windows_device_name_never_becomes_a_file_name(device):
    """A roster packet is saved as SLUG.pdf: 'con.pdf' would be the console on Windows."""
    slug = slugify(device)
    assert slug.split(".")[0] not in {"con", "nul", "aux", "prn", "com1", "lpt9"}
    participant, _ = make_participant({"name": device})
    assert participant.slug == slug and make_personal(Person(client=device)).slug == slug


def test_a_windows_device_name_given_as_slug_is_refused_with_a_safe_one():
    with pytest.raises(ProblemsFound) as error:
        make_personal(Person(client="Con", slug="con"))
    (problem,) = error.value.problems
    assert problem.key == "slug" and "(try 'con-client')" in problem.message


@pytest.mark.parametrize("invisible", [*ZERO_WIDTH, "".join(ZERO_WIDTH), " \u200b "])
def test_a_name_of_zero_width_characters_is_no_name(invisible):
    personal = make_personal(Person(client=invisible))
    assert (personal.client, personal.slug) == ("", "")


def test_an_invisible_name_prints_a_blank_name_line_under_the_default_file_name(run, tmp_path):
    result = run("build", "journey", "--client", "\u200b\u2060", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    (made,) = tmp_path.glob("*.pdf")
    assert made.name == "journey.pdf"
    assert "\u200b" not in flat(pdf_pages_text(made)[0])


def test_a_zero_width_non_joiner_inside_a_name_is_kept():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # two words, one name
    assert make_personal(Person(client=f"\u200b{persian}\u200b")).client == persian


# --- a reader that stops early --------------------------------------------------------------


@pytest.mark.parametrize("command", [["show", "journey"], ["packets"], ["catalog", "--help"]])
def test_a_pipe_closed_early_ends_quietly(command):
    """'handouts show journey | head -0': the reader is gone before the first line is written."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # before the command has even started to write
    _, errors = process.communicate(timeout=120)
    assert errors == b""
    assert process.returncode in (0, 1)


# --- a full disk -------------------------------------------------------------------------------


@pytest.fixture
def full_disk(monkeypatch):
    fill_disk(monkeypatch)


def fill_disk(monkeypatch):
    """Every file the tool starts to write lands on /dev/full, where the kernel answers each
    write with ENOSPC ('No space left on device'), as a full disk does."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    real = tempfile.mkstemp

    def on_full_disk(*args, **kwargs):
        handle, name = real(*args, **kwargs)  # the empty temporary file, as on a full disk
        os.close(handle)
        return os.open("/dev/full", os.O_WRONLY), name

    monkeypatch.setattr(output.tempfile, "mkstemp", on_full_disk)


def test_a_full_disk_is_said_plainly_and_leaves_no_file(run, tmp_path, full_disk):
    result = run("build", "journey", "--client", "Ana", "--out", tmp_path / "out")  # real render
    assert result.exit_code == 1
    assert "cannot write 'out/journey-ana.pdf': the disk is full" in result.output.replace(
        str(tmp_path) + "/", ""
    )
    assert list((tmp_path / "out").iterdir()) == []  # no empty PDF, no .part file


def test_init_on_a_full_disk_leaves_no_empty_profile_to_block_the_next_try(
    run, tmp_path, monkeypatch
):
    with monkeypatch.context() as patch:
        fill_disk(patch)
        failed = run("init", tmp_path / "practice.yaml")
    assert failed.exit_code == 1 and "the disk is full" in failed.output
    assert list(tmp_path.iterdir()) == []
    again = run("init", tmp_path / "practice.yaml")  # space freed: it just works
    assert again.exit_code == 0 and "crisis_line" in (tmp_path / "practice.yaml").read_text()
    assert "already exists" in run("init", tmp_path / "practice.yaml").output


def test_a_new_module_on_a_full_disk_leaves_no_empty_file(tmp_path, full_disk):
    from generator.authoring.scaffold import new_module

    with pytest.raises(HandoutError) as error:
        new_module("mine-calm", "handout", tmp_path)
    assert "the disk is full" in error.value.message
    assert list(tmp_path.iterdir()) == []
