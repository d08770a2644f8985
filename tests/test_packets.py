"""Packets: checked files, a cover, real contents page numbers, bookmarks, duplex with Notes
pages, facilitator notes and guide, no stranded lines, and the built-in packets' content."""

from __future__ import annotations

import datetime as dt
import re

import pypdfium2 as pdfium
import pytest
from PIL import Image

from generator.api import PacketOrder, prepare_packet
from generator.core.content import load_library
from generator.core.errors import HandoutError
from generator.core.options import Options
from generator.core.pdf import render_pdf
from generator.core.profiles import load_practice, make_personal
from generator.core.render import Document
from generator.core.resources import CONTENT_DIR
from generator.packets.job import render_job
from generator.packets.packet import load_packet, packet_files
from generator.packets.participants import Participant
from generator.packets.pool import build_roster
from generator.packets.reading import READING_PACE, reading_problems, readings, unread
from generator.packets.roster import read_roster
from tests.helpers import (
    Line,
    body_lines,
    build_packet,
    flat,
    module_text,
    pdf_outline,
    pdf_pages_text,
    pdf_reader,
)

WORKSHOP = "interdependence-workshop"
BUILT_IN = (WORKSHOP, "couples", "attachment")
DATES = [dt.date(2027, 3, day) for day in (2, 9, 16, 23)]


def personal():
    return make_personal(practice=load_practice(CONTENT_DIR / "practice.example.yaml"))


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    """The workshop packet for one participant, the facilitator edition, and a blank copy
    (rendered as 'build_packet' renders it, keeping the document the Notes test lays out again)."""
    out = tmp_path_factory.mktemp("packets")
    job = prepare_packet(PacketOrder(WORKSHOP, DATES), personal())
    person = Participant("Zoë Ñúñez", "she/her", "Tuesday group", "Glad you are here.", "zoe")
    document, blank = render_job(job, None)
    return {
        "job": job,
        "participant": build_packet(job, person, out).paths[0],
        "facilitator": build_packet(job, None, out, facilitator=True).paths[0],
        "blank": blank.data,
        "blank render": (document, blank),
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
        assert "Date:" in pages[page - 1]  # the module's first page, not a later one


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
    starts = {mark.title: mark.page + 1 for mark in pdf_outline(workshop["participant"])}
    assert starts and all(page % 2 == 1 for page in starts.values())
    pages = body_lines(workshop["participant"])
    added = [n for n, lines in enumerate(pages, 1) if is_notes_page(lines)]
    assert added  # pages were added where a module would have started on the left
    assert all(n % 2 == 0 for n in added)
    assert not [n for n, lines in enumerate(pages, 1) if not lines]  # none of them blank


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
def test_the_other_built_in_packets_build(name, editions):
    built = editions[name, "participant"]  # for Jordan D., as 'jd'
    assert len(pdf_reader(built).pages) >= 12
    assert f"{name}-jd.pdf" == built.name


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


# --- Page by page: the text lines inside the margins -------------------------------------


def is_notes_page(lines: list[Line]) -> bool:
    return [line.text for line in lines] == ["Notes"]


def stranded(path) -> list[str]:
    """Pages that end with a heading, or hold fewer than 4 lines of text (Notes pages aside)."""
    found = []
    for number, lines in enumerate(body_lines(path), 1):
        if is_notes_page(lines):
            continue
        if lines and lines[-1].heading:
            found.append(f"page {number} ends with the heading '{lines[-1].text}'")
        if len(lines) < 4:
            found.append(f"page {number} holds only {[line.text for line in lines]}")
    return found


def ruled_lines(path, index: int) -> int:
    """How many ruled lines (rows of ink across most of the width) page 'index' shows."""
    document = pdfium.PdfDocument(path if isinstance(path, bytes) else str(path))
    image = document[index].render(scale=2).to_pil().convert("L")
    ink = image.point(lambda grey: 255 if grey < 235 else 0)
    share = ink.resize((1, image.height), Image.Resampling.BOX).tobytes()  # ink in each row
    rows = [value > 0.5 * 255 for value in share]
    return sum(1 for y, inked in enumerate(rows) if inked and not (y and rows[y - 1]))


# --- Notes pages ------------------------------------------------------------------------


def test_pages_left_blank_for_a_right_hand_start_are_now_ruled_notes_pages(workshop):
    """The same packet as WeasyPrint lays it out, without filling: each page it leaves blank is
    a Notes page, with the usual footer and ruled lines, and nothing else changed."""
    job = workshop["job"]
    document, filled = workshop["blank render"]
    plain = render_pdf(document, job.roots, options=job.options)
    before = body_lines(plain.data)
    blank = [index + 1 for index in plain.blank_pages]
    # How many pages are left blank depends on the modules' lengths (two-page handouts leave
    # fewer): enough to test that each becomes a Notes page.
    assert len(blank) >= 2 and all(before[n - 1] == [] for n in blank)
    after = body_lines(filled.data)
    notes = [n for n, lines in enumerate(after, 1) if is_notes_page(lines)]
    assert notes == blank and len(after) == len(before) == filled.pages
    footers = [flat(text) for text in pdf_pages_text(filled.data)]
    for number in notes:
        assert f"Page {number} of {len(after)}" in footers[number - 1]
        assert footers[number - 1].endswith("Notes")  # laid over the page's own header and footer
        assert ruled_lines(filled.data, number - 1) >= 20
    same = [lines for n, lines in enumerate(before, 1) if n not in blank]
    assert [lines for n, lines in enumerate(after, 1) if n not in notes] == same


@pytest.mark.parametrize(
    "options",
    [
        Options(),
        Options(paper="a4"),
        Options(large_print=True),
        Options(large_print=True, paper="a4", font="opendyslexic"),
    ],
    ids=["letter", "a4", "large-print", "large-print-a4-opendyslexic"],
)
def test_a_notes_page_is_exactly_one_page_on_every_paper_and_print_size(tree, options):
    root = tree(
        {
            "modules/one.md": module_text("One short page.", title="First module"),
            "modules/two.md": module_text("Another short page.", title="Second module"),
            "packets/short.yaml": "title: Short\noptions: {duplex: true}\nmodules: [one, two]\n",
        }
    )
    job = prepare_packet(PacketOrder("short", content=[root]), personal(), options)
    pages = body_lines(render_job(job, None)[1].data)
    notes = [n for n, lines in enumerate(pages, 1) if is_notes_page(lines)]
    # cover, Notes, contents, Notes, first module, Notes, second module
    assert notes == [2, 4, 6] and len(pages) == 7
    assert "First module" in [line.text for line in pages[4]]
    assert "Second module" in [line.text for line in pages[6]]


def test_all_participants_puts_a_notes_page_after_a_packet_with_an_odd_number_of_pages(
    tree, tmp_path
):
    root = tree(
        {
            "modules/one.md": module_text("One short page.", title="First module"),
            "packets/odd.yaml": "title: Odd\nmodules: [one]\n",  # cover, contents, module
            "roster.csv": "name\nAna\nBea\n",
        }
    )
    job = prepare_packet(PacketOrder("odd", content=[root]), personal())
    result = build_roster(job, read_roster(root / "roster.csv"), tmp_path, workers=1)
    pages = body_lines(result.combined)
    assert len(pages) == 8
    assert [n for n, lines in enumerate(pages, 1) if is_notes_page(lines)] == [4, 8]
    assert ruled_lines(result.combined, 3) >= 20


def test_the_stranded_line_check_finds_a_heading_left_at_the_foot_of_a_page():
    html = (
        '<html lang="en"><head><title>Probe</title><link rel="stylesheet" href="style.css">'
        "</head><body>" + "<p>A line of text.</p>" * 30 + "<h2>Left behind</h2>"
        '<p style="break-before: page">Cut off.</p></body></html>'
    )
    pdf = render_pdf(Document(html, "Probe", "en")).data
    lines = body_lines(pdf)
    assert lines[0][-1] == Line("Left behind", True)
    assert lines[1] == [Line("Cut off.", False)]


# --- Every built-in packet, page by page ----------------------------------------------------

EDITIONS = [(name, edition) for name in BUILT_IN for edition in ("participant", "facilitator")]


@pytest.fixture(scope="module")
def editions(workshop, tmp_path_factory):
    """Each built-in packet's participant copy and facilitator edition, as configured."""
    out = tmp_path_factory.mktemp("editions")
    built = {
        (WORKSHOP, "participant"): workshop["participant"],
        (WORKSHOP, "facilitator"): workshop["facilitator"],
    }
    for name in BUILT_IN[1:]:
        job = prepare_packet(name, personal())
        person = Participant("Jordan D.", slug="jd")
        built[name, "participant"] = build_packet(job, person, out).paths[0]
        built[name, "facilitator"] = build_packet(job, None, out, facilitator=True).paths[0]
    return built


@pytest.mark.parametrize("name, edition", EDITIONS)
def test_no_page_ends_with_a_heading_or_holds_only_a_few_lines(editions, name, edition):
    assert stranded(editions[name, edition]) == []


DONNE = re.compile(r"No man is an island(?!\))", re.IGNORECASE)  # not the cited title: "(No ...)"


@pytest.mark.parametrize("name", BUILT_IN)
def test_the_donne_quote_appears_at_most_once_per_packet(editions, name):
    text = flat(" ".join(pdf_pages_text(editions[name, "facilitator"])))
    assert len(DONNE.findall(text)) <= 1


# --- The facilitator guide ----------------------------------------------------------------


def _guide_texts(packet) -> list[str]:
    """Every title and every text printed from the guides of a packet's facilitator notes."""
    notes = [packet.notes, *(session.notes for session in packet.sessions)]
    texts = []
    for part in (part for note in notes if note for part in note.guide):
        texts.append(part.title)
        for _, value in part.blocks:
            texts += [value] if isinstance(value, str) else list(value)
    return texts


@pytest.mark.parametrize("name", BUILT_IN)
def test_the_guide_is_in_the_facilitator_edition_and_never_in_a_participant_copy(editions, name):
    packet = load_packet(packet_files(load_library())[name], load_library())
    texts = [flat(text)[:70] for text in _guide_texts(packet)]
    assert texts
    edition = flat(" ".join(pdf_pages_text(editions[name, "facilitator"])))
    copy = flat(" ".join(pdf_pages_text(editions[name, "participant"])))
    assert [text for text in texts if text not in edition] == []
    assert [text for text in texts if text in copy] == []
    assert "Facilitator guide" in edition and "Facilitator guide" not in copy


def test_the_workshop_guide_covers_what_a_group_leader_needs(workshop):
    edition = flat(" ".join(pdf_pages_text(workshop["facilitator"])))
    for expected in [
        "Screening before the group",
        "Who needs individual support first",
        "coercive control",
        "thoughts of suicide",
        "Active addiction",
        "Six to ten members",
        "A closed group",
        "a child, an older adult, or an adult who depends on others for care",
        "serious risk of harming themselves or someone else",
        "A grounding exercise after the self-check",
        "each person's location for today and an emergency contact",
        "Agree a plan for dropped calls",
        "--large-print",
        "--font atkinson",
        "Never ask anyone to read aloud",
        "Missed sessions",
        "Feedback at the end",
    ]:
        assert expected in edition, expected
    # The grounding words come in session 2's notes, right after the self-check in its plan.
    session_2 = edition.split("Session 2 · What interdependence is", 2)[2]
    assert "The grounding exercise below, before anyone shares." in session_2
    assert "Notice your feet on the floor." in session_2.split("A codependency self-check ·")[0]


def test_a_guide_in_a_packet_file_is_checked_with_every_problem_at_its_line(tree):
    root = tree(
        {
            "packets/guided.yaml": (
                "title: Guided\n"
                "anonymous: [where-am-i]\n"
                "facilitator:\n"
                "  guide:\n"
                "    - title: Screening\n"
                "      say: Just one line\n"
                "    - title: Size\n"
                "      point: [Six to ten]\n"
                "    - about: No title here\n"
                "    - title: Alone\n"
                "modules: [journey]\n"
            )
        }
    )
    library = load_library([root])
    with pytest.raises(HandoutError) as caught:
        load_packet(root / "packets" / "guided.yaml", library)
    message = caught.value.message
    assert "5 problems found" in message
    for expected in [
        "line 2: 'anonymous[1]': module 'where-am-i' is not in the packet",
        "line 6: 'facilitator.guide[1].say': expected a list of short texts",
        "line 8: 'facilitator.guide[2].point': unknown key; did you mean 'points'?",
        "line 9: 'facilitator.guide[3].title': expected text of up to 400 characters, got nothing",
        "line 10: 'facilitator.guide[4]': expected 'title:' and any of 'about:', 'say:'",
    ]:
        assert expected in message


# --- The feedback form --------------------------------------------------------------------


def test_the_feedback_form_ends_the_workshop_with_no_name_on_it(workshop):
    job = workshop["job"]
    assert job.packet.sessions[-1].modules[-1] == "group-feedback"
    pages = [flat(text) for text in pdf_pages_text(workshop["participant"])]
    form = [page for page in pages if "Looking back on our group" in page]
    others = [page for page in pages if "Name:" in page and page not in form]
    assert form and others
    assert all("Zoë" in page for page in others)  # every other module carries the name
    assert not [page for page in form if "Zoë" in page or "Name:" in page]
    assert "You do not need to write your name" in " ".join(form)


# --- Sessions for the couples and attachment packets ---------------------------------------


@pytest.mark.parametrize("name", ["couples", "attachment"])
def test_the_couples_and_attachment_packets_have_a_plan_per_session(editions, name):
    packet = load_packet(packet_files(load_library())[name], load_library())
    assert [session.number for session in packet.sessions] == [1, 2, 3]
    for session in packet.sessions:
        notes = session.notes
        assert notes and notes.minutes and notes.goals and notes.before
        assert sum(minutes for minutes, _ in notes.plan) == notes.minutes
        assert notes.prompts and notes.watch_for
    edition = flat(" ".join(pdf_pages_text(editions[name, "facilitator"])))
    copy = flat(" ".join(pdf_pages_text(editions[name, "participant"])))
    for session in packet.sessions:
        band = f"Session {session.number} · {session.title}"
        assert band in edition and band in copy
        assert flat(session.notes.plan[0][1]) in edition
        assert flat(session.notes.plan[0][1]) not in copy
    # A couple works with a therapist; a group member may have only the group's leader.
    assert ("your therapist" if name == "couples" else "your therapist or group leader") in copy


def test_couples_work_starts_only_after_screening_each_partner_alone(editions):
    edition = flat(" ".join(pdf_pages_text(editions["couples", "facilitator"])))
    for expected in [
        "Screening before joint sessions",
        "Ask each partner on their own",
        "do not start joint sessions",
        "Never tell one partner what the other disclosed",
        "Hold this session only after meeting each partner alone",
    ]:
        assert expected in edition, expected
    # The guide, screening first, comes before session 1's notes.
    first = edition.index("Hold this session only after meeting each partner alone")
    assert edition.index("Screening before joint sessions") < first


def test_attachment_patterns_are_two_dimensions_that_change(editions):
    edition = flat(" ".join(pdf_pages_text(editions["attachment", "facilitator"])))
    for expected in [
        "Two dimensions that change, not boxes",
        "Picture two lines",
        "earned security",
        "are not, by themselves, avoidance",
    ]:
        assert expected in edition, expected


# --- Both languages: the facilitator sections, and the reading each session asks for ---------

# The guide parts each packet must hold, by the English title. A translation keeps the guide's
# structure: the same parts in the same places, each with the same blocks and number of lines.
FACILITATOR_SECTIONS = {
    WORKSHOP: (
        "Screening before the group",
        "Confidentiality and its limits",
        "A disclosure or a crisis during the group",
        "Working with a co-facilitator",
        "Consent and the group agreement",
        "Measuring how it goes",
        "Contact outside the group and on social media",
        "Ending and what comes next",
    ),
    "couples": (
        "Screening before joint sessions",
        "A check-in with each partner alone, every session",
        "When a conflict escalates in the room",
        "Privacy between partners",
    ),
    "attachment": ("Two dimensions that change, not boxes", "A grounding script"),
}
LANGUAGES = ("en", "es")


def _packet(name: str, language: str):
    library = load_library(language=language)
    return load_packet(packet_files(library)[name], library)


def _notes(packet) -> list:
    """The packet's own notes, then each session's, by where they print."""
    return [("packet", packet.notes), *((f"session {s.number}", s.notes) for s in packet.sessions)]


def _guide_shape(packet) -> list[tuple]:
    """Each guide part by where it sits (whose notes, which place) and its blocks, each with
    how many lines it holds: the structural key a translation keeps."""
    return [
        (where, place, tuple((kind, 1 if isinstance(v, str) else len(v)) for kind, v in blocks))
        for where, notes in _notes(packet)
        if notes
        for place, blocks in enumerate(part.blocks for part in notes.guide)
    ]


def _notes_shape(packet) -> list[tuple]:
    """Everything else in the notes a translation keeps: the sessions' modules and minutes,
    each plan step's minutes, and how many goals, preparations, prompts and cautions."""
    shape: list[tuple] = [tuple(s.modules) for s in packet.sessions]
    for where, notes in _notes(packet):
        if notes:
            counts = [len(notes.goals), len(notes.before), len(notes.prompts), len(notes.watch_for)]
            shape.append((where, bool(notes.about), notes.minutes, *counts))
            shape.append((where, tuple(minutes for minutes, _ in notes.plan)))
    return shape


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_packet_holds_its_facilitator_sections_in_both_languages(name):
    english = _packet(name, "en")
    places = {part.title: place for place, part in enumerate(english.notes.guide)}
    assert [title for title in FACILITATOR_SECTIONS[name] if title not in places] == []
    for language in LANGUAGES[1:]:
        translated = _packet(name, language)
        assert _guide_shape(translated) == _guide_shape(english), language
        assert _notes_shape(translated) == _notes_shape(english), language
        for title in FACILITATOR_SECTIONS[name]:  # there, and written in the language
            assert translated.notes.guide[places[title]].title != title, (language, title)


@pytest.mark.parametrize("language", LANGUAGES)
def test_couples_screening_names_hits_and_the_danger_assessment(language):
    packet = _packet("couples", language)
    english = _packet("couples", "en")
    place = [p.title for p in english.notes.guide].index("Screening before joint sessions")
    blocks = dict(packet.notes.guide[place].blocks)
    assert any("HITS" in step and "Danger Assessment" in step for step in blocks["steps"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", BUILT_IN)
def test_no_session_asks_the_group_to_read_more_than_its_minutes_allow(name, language):
    library = load_library(language=language)
    packet = load_packet(packet_files(library)[name], library)
    found = readings(packet, library)
    assert {r.session for r in found} == {s.number for s in packet.sessions}
    assert reading_problems(packet, library) == []
    # The guides promise the handouts are read together: every module has its place in a plan.
    assert unread(packet, library) == []


def test_the_reading_check_finds_a_step_too_short_for_its_reading(tree):
    long_text = "We lean on each other, and each of us stays whole. " * 60  # 600 words
    root = tree(
        {
            "modules/long.md": module_text(long_text, title="A long read"),
            "modules/short.md": module_text("One short page.", title="A short read"),
            "modules/home.md": module_text("For later.", title="For home"),
            "packets/heavy.yaml": (
                "title: Heavy\n"
                "sessions:\n"
                "  - title: One\n"
                "    modules: [long, short, home]\n"
                "    facilitator:\n"
                "      minutes: 20\n"
                "      plan:\n"
                '        - minutes: 3\n          activity: "Read “A long read” aloud."\n'
                "        - minutes: 2\n          activity: \"Read 'A short read', then\"\n"
                "        - minutes: 15\n          activity: \"talk about 'A short read'.\"\n"
            ),
        }
    )
    library = load_library([root])
    packet = load_packet(root / "packets" / "heavy.yaml", library)
    assert [(r.steps, r.modules, r.minutes) for r in readings(packet, library)] == [
        ((1,), ("long",), 3),
        ((2, 3), ("short",), 17),  # steps naming the same module share its time
    ]
    [problem] = reading_problems(packet, library)
    assert problem.startswith("session 1, step 1: long (6")
    assert f"at {READING_PACE} words a minute, more than the 3 the plan gives" in problem
    assert unread(packet, library) == [(1, "home")]
