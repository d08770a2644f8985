"""Packets: checked files, a cover, real contents page numbers, bookmarks, duplex, notes."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.batch import build_packet, prepare_packet
from generator.content import load_library
from generator.errors import HandoutError
from generator.packet import load_packet, packet_files
from generator.profiles import Participant, load_practice, make_personal
from generator.resources import CONTENT_DIR
from tests.conftest import flat, pdf_pages_text, pdf_reader

WORKSHOP = "interdependence-workshop"
BUILT_IN = (WORKSHOP, "couples", "attachment")
DATES = [dt.date(2027, 3, day) for day in (2, 9, 16, 23)]


def personal():
    return make_personal(practice=load_practice(CONTENT_DIR / "practice.example.yaml"))


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """The workshop packet for one participant, the facilitator edition, and a blank copy."""
    out = tmp_path_factory.mktemp("packets")
    job = prepare_packet(WORKSHOP, personal(), dates=DATES)
    person = Participant("Zoë Ñúñez", "she/her", "Tuesday group", "Glad you are here.", "zoe")
    return {
        "job": job,
        "participant": build_packet(job, person, out).paths[0],
        "facilitator": build_packet(job, None, out, facilitator=True).paths[0],
        "blank": build_packet(job, None, out / "blank").paths[0],
    }


def test_the_built_in_packets_are_all_there_and_check_cleanly():
    library = load_library()
    found = packet_files(library)
    assert set(BUILT_IN) <= set(found)
    for name in BUILT_IN:
        packet = load_packet(found[name], library)
        assert packet.title and packet.module_ids
    workshop = load_packet(found[WORKSHOP], library)
    assert [s.number for s in workshop.sessions] == [1, 2, 3, 4]
    assert all(s.notes and s.notes.plan and s.notes.prompts for s in workshop.sessions)


def test_every_problem_in_a_packet_file_is_listed_at_once(tree):
    root = tree(
        {
            "packets/broken.yaml": (
                "title: Broken\n"
                "colour: blue\n"
                "options:\n  paper: legal\n"
                "sessions:\n"
                "  - title: One\n"
                "    modules: [jurney, where-am-i, where-am-i]\n"
                "    facilitator:\n"
                "      minutes: 30\n"
                "      plan:\n"
                "        - minutes: 10\n          activity: Welcome\n"
            )
        }
    )
    library = load_library([root])
    with pytest.raises(HandoutError) as caught:
        load_packet(root / "packets" / "broken.yaml", library)
    message = caught.value.message
    assert "5 problems found" in message
    for expected in [
        "broken.yaml: line 2: 'colour': unknown key",
        "line 4: 'options.paper': expected letter or a4, got 'legal'",
        "line 7: 'sessions[1].modules[1]': unknown module 'jurney'; did you mean journey?",
        "line 7: 'sessions[1].modules[3]': module 'where-am-i' is already in the packet",
        "line 10: 'sessions[1].facilitator.plan': the steps add up to 10 minutes, not 30",
    ]:
        assert expected in message


def test_cover_shows_title_participant_facilitator_dates_and_practice(workshop):
    cover = flat(pdf_pages_text(workshop["participant"])[0])
    for expected in [
        "From independence to interdependence",
        "Prepared for",
        "Zoë Ñúñez",
        "she/her · Tuesday group",
        "Glad you are here.",
        "Facilitator Alex Rivera, LMFT",
        "March 2, 2027 · March 9, 2027 · March 16, 2027 · March 23, 2027",
        "Riverside Counseling",
    ]:
        assert expected in cover


def test_the_workshop_packet_has_at_least_12_pages_numbered_per_packet(workshop):
    pages = pdf_pages_text(workshop["participant"])
    assert len(pages) >= 12
    for number, text in enumerate(pages, start=1):
        if flat(text) and number > 1:  # the cover has no page number
            assert f"Page {number} of {len(pages)}" in flat(text)


def test_contents_page_numbers_are_where_each_module_starts(workshop):
    pages = [flat(text) for text in pdf_pages_text(workshop["participant"])]
    contents = next(text for text in pages if text.startswith("Contents") or " Contents " in text)
    job = workshop["job"]
    for module_id in job.packet.module_ids:
        title = job.checked[module_id].module.title
        listed = re.search(re.escape(title) + r" · \w+[ .]*?(\d+)", contents)
        assert listed, title
        page = int(listed.group(1))
        assert title in pages[page - 1]
        assert "Name:" in pages[page - 1]  # the module's first page, not a later one


def test_bookmarks_give_each_session_and_its_modules(workshop):
    outline = pdf_reader(workshop["participant"]).outline
    titles = [item.title for item in outline if not isinstance(item, list)]
    assert titles[:2] == ["From independence to interdependence", "Contents"]
    sessions = [t for t in titles if t.startswith("Session ")]
    assert sessions[0] == "Session 1 · The journey" and len(sessions) == 4
    children = [item for item in outline if isinstance(item, list)]
    assert [child.title for child in children[0]] == [
        "Independence is a pit stop, not the finish line",
        "Where am I on the journey?",
    ]


def test_duplex_starts_every_module_on_a_right_hand_page(workshop):
    reader = pdf_reader(workshop["participant"])
    starts = _starts(reader)
    assert starts and all(page % 2 == 1 for page in starts.values())
    texts = [flat(page.extract_text()) for page in reader.pages]
    blank = [n for n, text in enumerate(texts, 1) if re.fullmatch(r"Page \d+ of \d+", text)]
    assert blank  # pages were added where a module would have started on the left
    assert all(n % 2 == 0 for n in blank)


def _starts(reader) -> dict[str, int]:
    """The 1-based page each bookmarked module starts on."""
    starts = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                starts[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    return starts


def test_facilitator_notes_are_only_in_the_facilitator_edition(workshop):
    job = workshop["job"]
    notes = job.packet.sessions[0].notes
    marks = ["Facilitator notes", "Discussion prompts", notes.prompts[0], notes.plan[0][1]]
    edition = flat(" ".join(pdf_pages_text(workshop["facilitator"])))
    for copy in ("participant", "blank"):
        text = flat(" ".join(pdf_pages_text(workshop[copy])))
        assert not [mark for mark in marks if flat(mark) in text]
    assert all(flat(mark) in edition for mark in marks)
    assert "facilitator edition" in edition.lower()
    assert len(pdf_reader(workshop["facilitator"]).pages) > len(
        pdf_reader(workshop["participant"]).pages
    )


def test_without_a_participant_the_name_places_are_lines_to_write_on(workshop):
    cover = flat(pdf_pages_text(workshop["blank"])[0])
    assert "Name:" in cover and "Prepared for" not in cover


@pytest.mark.parametrize("name", ["couples", "attachment"])
def test_the_other_built_in_packets_build(name, tmp_path):
    job = prepare_packet(name, personal())
    built = build_packet(job, Participant("J.D.", slug="jd"), tmp_path)
    assert built.pages[0] >= 12
    assert f"{name}-jd.pdf" == built.paths[0].name


def test_cli_builds_a_packet_by_name_or_file(run, tmp_path):
    result = run("packet", "couples", "--client", "Sam Lee", "--paper", "a4", "--out", "out")
    assert result.exit_code == 0, result.output
    assert "out/couples-sam-lee.pdf" in result.output
    box = pdf_reader(tmp_path / "out" / "couples-sam-lee.pdf").pages[0].mediabox
    assert round(float(box.width)) == 595  # A4
    file = CONTENT_DIR / "packets" / "attachment.yaml"
    assert run("packet", file, "--out", "out").exit_code == 0
    assert (tmp_path / "out" / "attachment.pdf").is_file()


def test_cli_names_an_unknown_packet_with_suggestions(run):
    result = run("packet", "couple")
    assert result.exit_code == 1
    assert "unknown packet 'couple'; did you mean couples?" in result.output


def test_packets_lists_the_built_in_packets(run):
    result = run("packets")
    assert result.exit_code == 0
    for name in BUILT_IN:
        assert name in result.output
    assert "(4 sessions, " in result.output
