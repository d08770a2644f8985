"""Names in any script: printed shaped in the shipped fonts, kept apart from the text around them,
bidi controls stripped, and a name no font can print refused without repeating its letters."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from generator.api import Person
from generator.core.content import load_library
from generator.core.errors import ProblemsFound
from generator.core.fonts import COMMON, FALLBACKS, FONT_DIR, FONTS, unprintable_problem
from generator.core.options import Options, settle
from generator.core.profiles import make_personal
from generator.core.render import render_document
from generator.core.validate import check_modules
from generator.packets.participants import make_participant
from tests.helpers import build_handout, flat, module_text, pypdf_pages_text

HELLO = module_text("Dear {{ client.name }} 4 sessions are planned for you.")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.fixture(scope="module")
def hello(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("content")
    (folder / "hello.md").write_text(HELLO, encoding="utf-8")
    return folder


def build(folder: Path, out: Path, name: str, font: str = "") -> Path:
    personal = make_personal(Person(client=name))
    options = Options(font=font)
    return build_handout(["hello"], personal, out, content_dirs=[folder], options=options).paths[0]


@cache
def shipped_families() -> set[str]:
    return {TTFont(f, lazy=True)["name"].getDebugName(1) for f in FONT_DIR.glob("*.[ot]tf")}


def embedded_fonts(path: Path) -> dict[str, dict[int, str]]:
    """Each embedded font's family (from the font itself), with the glyphs drawn from it and
    the text each stands for (WeasyPrint keeps the font file's glyph ids)."""
    fonts: dict[str, dict[int, str]] = {}
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                program = font.DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()
                family = TTFont(io.BytesIO(program))["name"].getDebugName(1)
                cmap = font.ToUnicode.read_bytes().decode("ascii")
                pairs = re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", cmap)
                glyphs = {
                    int(gid, 16): bytes.fromhex(text).decode("utf-16-be") for gid, text in pairs
                }
                fonts.setdefault(family, {}).update(glyphs)
    return fonts


def nominal_glyph(family: str, letter: str) -> int:
    """The glyph a font gives a letter standing alone, before any shaping."""
    (face,) = (face for face in FALLBACKS if face.family == family)
    font = TTFont(FONT_DIR / face.file, lazy=True)
    return font.getGlyphID(font.getBestCmap()[ord(letter)])


@pytest.mark.parametrize(
    ("name", "family", "shaped"),
    [
        ("محمد علي", "Noto Sans Arabic", True),  # joined letters: initial, medial, final forms
        ("דוד כהן", "Noto Sans Hebrew", False),
        ("प्रिया सिंह", "Noto Sans Devanagari", True),  # the conjunct प्र and a vowel sign before
        ("অমিত রায়", "Noto Sans Bengali", True),
        ("முருகன்", "Noto Sans Tamil", False),
        ("สมชาย ใจดี", "Noto Sans Thai", False),
        ("김민준", "NanumSquare", False),
        ("王伟", "Droid Sans Fallback", False),
    ],
)
def test_a_name_in_another_script_prints_shaped_in_a_shipped_font(
    hello, tmp_path, name, family, shaped
):
    path = build(hello, tmp_path, name)  # strict: a missing glyph (a box) would fail the build
    text = flat(pypdf_pages_text(path)[0])
    assert f"Name: {name} Date:" in text
    assert f"Dear {name} 4 sessions are planned for you." in text
    fonts = embedded_fonts(path)
    assert set(fonts) <= shipped_families()  # nothing from this machine's own fonts
    letters = set(name) - {" "}
    drawn = {gid: text for gid, text in fonts[family].items() if gid and set(text) & letters}
    assert letters <= set("".join(drawn.values()))
    if shaped:
        assert any(
            len(text) > 1 or gid != nominal_glyph(family, text) for gid, text in drawn.items()
        )


def test_cyrillic_prints_in_a_font_without_it(hello, tmp_path):
    path = build(hello, tmp_path, "Иван Петров", font="atkinson")
    assert "Name: Иван Петров Date:" in flat(pypdf_pages_text(path)[0])
    assert "Noto Sans" in embedded_fonts(path)


def test_every_shipped_face_prints_the_common_letters():
    """A document made only of COMMON letters leaves the fallbacks out: every face a document
    can be set in must then print each of them. A chosen font's face may lack the no-break
    space, a blank: Noto Sans, set after it in every chosen font's list of families, prints it
    (and is held to every letter here)."""
    css = (FONT_DIR.parent / "style.css").read_text(encoding="utf-8")
    files = set(re.findall(r"url\(fonts/([^)]+)\)", css))
    chosen = {file for font in FONTS.values() for file in font.files()}
    lacking = {
        file: sorted(
            f"U+{ord(c):04X}"
            for c in COMMON - {"\t", "\n", "\r"}
            if ord(c) not in cmap and not (file in chosen and c == "\u00a0")
        )
        for file in sorted(files | chosen)
        if (cmap := TTFont(FONT_DIR / file, lazy=True).getBestCmap())
    }
    assert {file: missing for file, missing in lacking.items() if missing} == {}


def test_the_fallbacks_are_loaded_only_for_a_document_that_may_need_them(hello):
    library = load_library([hello])
    checked = check_modules(library.select(["hello"]), library.roots)
    for name, loaded in (("Zoë\u00a0Ñúñez", False), ("Ĉiro", True), ("דוד", True)):
        personal = make_personal(Person(client=name))
        html = render_document(checked, personal, settle(Options(), personal.practice)).html
        assert ("Noto Sans Hebrew" in html) is loaded, name


def placed(path: Path) -> list[tuple[str, float]]:
    """The characters of the first page with the left edge of each, in the file's order."""
    text = pdfium.PdfDocument(str(path))[0].get_textpage()
    return [(text.get_text_range(i, 1), text.get_charbox(i)[0]) for i in range(text.count_chars())]


def test_a_right_to_left_name_does_not_reorder_the_sentence_around_it(hello, tmp_path):
    # In one run of text the 4 after an Arabic word would be printed before (left of) it.
    chars = placed(build(hello, tmp_path, "محمد"))
    start = "".join(char for char, _ in chars).index("Dear")
    sentence = chars[start : start + 12]
    arabic = [x for char, x in sentence if "\u0600" <= char <= "\u06ff"]
    (four,) = [x for char, x in sentence if char == "4"]
    assert len(arabic) == 4
    assert four > max(arabic)


def test_bidi_controls_in_a_name_are_stripped_and_reverse_nothing(hello, tmp_path):
    path = build(hello, tmp_path, "Ann\u202eabc")
    text = flat(pypdf_pages_text(path)[0])
    assert "Name: Annabc Date:" in text
    assert "Dear Annabc 4 sessions are planned for you." in text


def test_every_bidi_control_is_stripped_from_names_and_notes():
    personal = make_personal(
        Person(client=f"Ana{BIDI} Li", note=f"Call{BIDI} me", therapist=f"{BIDI}Bo")
    )
    assert (personal.client, personal.note, personal.practice.therapist) == (
        "Ana Li",
        "Call me",
        "Bo",
    )
    assert personal.slug == "ana-li"
    participant, problems = make_participant({"name": f"\u202eZoë{BIDI}", "group": f"A{BIDI}"})
    assert problems == []
    assert (participant.name, participant.group) == ("Zoë", "A")


def test_c1_control_characters_are_refused():
    with pytest.raises(ProblemsFound) as error:
        make_personal(Person(client="Ana\x90Li"))
    (problem,) = error.value.problems
    assert (problem.key, problem.message) == (
        "client",
        "expected plain text without control characters",
    )


UNPRINTABLE = "Ana 😀 አበ"  # an emoji and Ethiopic: in no shipped font


def test_a_name_no_font_can_print_is_named_by_code_point_only():
    message = unprintable_problem(UNPRINTABLE, "noto")
    assert message == "contains characters no shipped font can print (3 characters, e.g. U+1F600)"
    assert unprintable_problem("Ana\u200d Li\ufe0f", "noto") is None  # joiners need no glyph


def test_cli_refuses_an_unprintable_client_name_without_echoing_it(run, hello, tmp_path):
    result = run("build", "hello", "--content", hello, "--client", UNPRINTABLE, "--out", "out")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --client: contains characters no shipped font can print "
        "(3 characters, e.g. U+1F600)\n"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.weasyprint_warnings  # WeasyPrint's own note names the letter; ours must not
def test_a_character_no_font_has_in_a_note_is_named_by_code_point_only(run, hello, tmp_path):
    result = run("build", "hello", "--content", hello, "--note", "Bring \u0378", "--out", "out")
    assert result.exit_code == 1
    assert "no font can print the character U+0378" in result.output
    assert "\u0378" not in result.output
    assert not (tmp_path / "out").exists()
