"""Every format a practice needs, on real PDFs of the whole built-in library: paper, large
print, ink-saver, accessible tagging, and the practice profile that sets the defaults."""

from __future__ import annotations

import re

import pikepdf
import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader

from generator.core.content import load_library
from generator.core.options import Options
from generator.core.pdf import RenderWarnings, accessibility_problems, render_pdf
from generator.core.profiles import load_practice, make_personal
from generator.core.render import Document
from generator.core.resources import TEMPLATES_DIR
from tests.helpers import (
    A4_INK_SAVER,
    PX_PER_MM,
    body_lines,
    build_handout,
    flat,
    head_lines,
    pdf_pages_text,
    pdf_runs,
)

MARGIN = 20 * 72 / 25.4  # the page's left and right margins, in points
LIST_NUMBER = re.compile(r"(?<=[^\d\s])(\d+\.)(?=\s|$)")
COLOUR = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (?:rg|RG)\b")


def outside_margins(path, margin=MARGIN, slack=2.0) -> list[str]:
    """Characters that run into the left or right margin: text overflowing its box."""
    found = []
    document = pypdfium2.PdfDocument(str(path))
    for number in range(len(document)):
        page = document[number]
        width = page.get_width()
        text = page.get_textpage()
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if not char.strip():
                continue
            left, _, right, _ = text.get_charbox(index)
            if left < margin - slack or right > width - margin + slack:
                found.append(f"page {number + 1}: {char!r} at {left:.0f}-{right:.0f}")
    return found


def text_sizes(path, containing: str = "") -> dict[float, int]:
    """How many characters are set at each font size (in points), over all pages; only in
    pieces of text holding 'containing', when given."""
    sizes: dict[float, int] = {}
    for text, points in sized_texts(path):
        if containing in text:
            sizes[points] = sizes.get(points, 0) + len(text.strip())
    return sizes


def sized_texts(path) -> list[tuple[str, float]]:
    """Every piece of text on every page, with the size it is printed at, in points."""
    return [(run.text, run.points) for page in pdf_runs(path) for run in page.runs]


def colours(path) -> set[tuple[float, float, float]]:
    """Every RGB colour set for fills and strokes, in page content and in drawings."""
    found = set()
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    data = obj.read_bytes()
                except pikepdf.PdfError:  # a filter it cannot decode: no drawing operators
                    continue
                found |= {tuple(float(v) for v in m.groups()) for m in COLOUR.finditer(data)}
    return found


@pytest.fixture
def large_print(library_pdf):
    """Every built-in module in large print, in one PDF (rendered once a session)."""
    return library_pdf(Options(large_print=True))


def test_large_print_sets_body_text_at_16_points(large_print):
    sizes = text_sizes(large_print)
    total = sum(sizes.values())
    at_16 = sum(count for size, count in sizes.items() if size >= 16)
    assert min(sizes) >= 12, sorted(sizes.items())
    assert at_16 / total > 0.8, sorted(sizes.items())


def stranded_headings(path) -> list[str]:
    """Headings left at the foot of a page, with nothing of their section under them: the
    page's last lines are set in the headings' face and read as one of the modules' headings."""
    modules = load_library().modules.values()
    headings = {
        "".join(line.lstrip("#").split())
        for module in modules
        for line in module.body.splitlines()
        if line.startswith(("## ", "### "))
    }
    found = []
    for number, lines in enumerate(body_lines(path), 1):
        last = []
        while lines and lines[-1].heading:
            last.insert(0, lines.pop().text)
        if "".join("".join(last).split()) in headings:
            found.append(f"page {number}: {' '.join(last)}")
    return found


@pytest.mark.parametrize("wide", [False, True], ids=["large-print", "large-print-opendyslexic"])
def test_no_heading_is_left_at_the_foot_of_a_page(large_print, wide, library_pdf):
    path = library_pdf(Options(large_print=True, font="opendyslexic")) if wide else large_print
    assert stranded_headings(path) == []


def test_large_print_sets_quotes_and_the_crisis_note_at_16_points(large_print):
    for words in ("entire of itself", "supports your work with your therapist"):
        sizes = text_sizes(large_print, containing=words)
        assert sizes and min(sizes) >= 16, (words, sorted(sizes.items()))


@pytest.mark.parametrize("font", ["noto", "opendyslexic"])
def test_large_print_keeps_every_character_inside_the_margins(large_print, library_pdf, font):
    """In OpenDyslexic, the widest letters, a list's bullets and numbers once hung 2 to 7
    points into the left margin."""
    path = large_print if font == "noto" else library_pdf(Options(large_print=True, font=font))
    assert outside_margins(path) == []


def _label(piece: str) -> bool:
    return piece.isupper() and sum(c.isalpha() for c in piece) >= 3


def test_large_print_loses_no_text(large_print, library_pdf):
    plain = library_pdf(Options())

    def words(path):
        # Each piece of text as the PDF draws it; PDFium marks a hyphen that ends a line with
        # \x02, and a word broken there counts as one word. Labels in letter-spaced capitals
        # ("WORKSHEET · ABOUT 20 MINUTES") are left out: their letters come apart differently
        # at each size.
        pieces = [run.text.replace("\x02", "-") for page in pdf_runs(path) for run in page.runs]
        text = "\n".join(p for p in pieces if not _label(p)).replace("-\n", "-")
        # A list's numbers and bullets are read after its text: where the list is cut by a
        # page break, a number ("1.") or a bullet can stick to the last word above the break.
        return set(flat(LIST_NUMBER.sub(r" \1", text).replace("•", " ")).split())

    large, normal = words(large_print), words(plain)
    # Only page numbers ("Page 3 of 70") may differ; every word is still there.
    assert {w for w in large ^ normal if not w.isdigit()} == set()


def test_a4_in_ink_saver_fits_every_module_and_prints_no_colour(library_pdf):
    path = library_pdf(A4_INK_SAVER)
    sizes = {tuple(round(float(v)) for v in page.mediabox[2:]) for page in PdfReader(path).pages}
    assert sizes == {(595, 842)}
    tinted = {c for c in colours(path) if max(c) - min(c) > 0.001}
    assert tinted == set()
    assert outside_margins(path) == []


def test_the_house_style_does_use_colour(tmp_path):
    """The ink-saver check above can fail: the normal build has coloured ink."""
    path = build_handout(["where-am-i"], out=tmp_path).paths[0]
    assert any(max(c) - min(c) > 0.1 for c in colours(path))


# --- accessibility --------------------------------------------------------------------------


def _tags(node, found):
    node = node.get_object()
    if isinstance(node, dict):
        if "/S" in node:
            found.append((node["/S"], node.get("/Alt")))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            _tags(kid, found)
    return found


def test_pdfs_are_tagged_for_pdf_ua(tmp_path):
    path = build_handout(["where-am-i"], out=tmp_path).paths[0]
    reader = PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    tags = _tags(root["/StructTreeRoot"], [])
    names = [name for name, _ in tags]
    assert names.count("/H1") == 1 and "/H2" in names and "/L" in names
    assert "/Table" not in names  # its rating scales are laid out in a row, but are no data table
    figures = [alt for name, alt in tags if name == "/Figure"]
    assert figures and all(alt and "dependence" in alt for alt in figures)
    # Reading order: the title comes before the first part heading.
    assert names.index("/H1") < names.index("/H2")


@pytest.mark.weasyprint_warnings
def test_missing_text_for_pictures_is_refused_in_strict_mode():
    html = (
        '<html lang="en"><head><title>T</title></head><body><img src="data:,">'
        "<svg><rect/></svg></body></html>"
    )
    assert accessibility_problems(html) == [
        "accessibility: an image has no alt text: data:,",
        "accessibility: a drawing (svg) has no <title> or aria-label to describe it",
    ]
    assert accessibility_problems("<html><head></head></html>") == [
        "accessibility: the document has no language (lang)",
        "accessibility: the document has no title",
    ]
    with pytest.raises(RenderWarnings, match="an image has no alt text"):
        render_pdf(Document(html, "T", "en"))
    assert render_pdf(Document(html, "T", "en"), strict=False).warnings


# --- the practice profile -------------------------------------------------------------------


def _logo(folder):
    image = Image.new("RGB", (240, 80), "#7a3b69")
    image.save(folder / "logo.png")
    return "logo.png"


def test_profile_brands_the_header_and_sets_paper(tree, tmp_path):
    folder = tree({"practice.yaml": ""})
    (folder / "practice.yaml").write_text(
        f"name: Harbor Light Therapy\nlogo: {_logo(folder)}\nbrand_color: '#7A3B69'\n"
        "paper: a4\ncontact: harbor.example\n"
    )
    practice = load_practice(folder / "practice.yaml")
    personal = make_personal(practice=practice)
    path = build_handout(["journey"], personal, out=tmp_path / "out").paths[0]
    reader = PdfReader(str(path))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]
    for page in reader.pages:
        assert "Harbor Light Therapy" in page.extract_text()
        assert any(x["/Subtype"] == "/Image" for x in _xobjects(page))
    brand = (round(0x7A / 255, 3), round(0x3B / 255, 3), round(0x69 / 255, 3))
    assert brand in {tuple(round(v, 3) for v in c) for c in colours(path)}
    letter = build_handout(
        ["journey"], personal, out=tmp_path / "l", options=Options(paper="letter")
    )
    assert [round(float(v)) for v in PdfReader(str(letter.paths[0])).pages[0].mediabox[2:]] == [
        612,
        792,
    ]


PRACTICE_LINE = "Riverside Counseling · Alex Rivera, LMFT"
CONTACT_LINE = "riverside-counseling.example · (555) 014-2200"


@pytest.mark.parametrize(
    "options, lines",
    [
        (Options(), [f"{PRACTICE_LINE} {CONTACT_LINE}"]),
        (Options(font="opendyslexic"), [PRACTICE_LINE, CONTACT_LINE]),
        (Options(large_print=True), [PRACTICE_LINE, CONTACT_LINE]),
    ],
    ids=["side by side", "too wide: stacked", "large print: stacked"],
)
def test_the_running_head_keeps_each_part_whole_inside_the_top_margin(
    tree, tmp_path, options, lines
):
    """The practice and its contact share a line when they fit; when they do not (a wide font,
    large print), the contact moves whole to the next line: no phone number cut in two, no
    credentials alone on a line. All of it above the page area on every page, and the logo
    beside the one or two lines, 3.5 mm or more inside the paper's edge (a second line under
    the logo had pushed it past the edge)."""
    folder = tree({"practice.yaml": ""})
    (folder / "practice.yaml").write_text(
        "name: Riverside Counseling\ntherapist: Alex Rivera\ncredentials: LMFT\n"
        f"contact: {CONTACT_LINE}\nlogo: {_logo(folder)}\n"
    )
    personal = make_personal(practice=load_practice(folder / "practice.yaml"))
    path = build_handout(["support-network-map"], personal, tmp_path, options=options).paths[0]
    document = pypdfium2.PdfDocument(str(path))
    for number in range(len(document)):
        page = document[number]
        images = page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE], max_depth=5)
        tops = [(page.get_height() - image.get_bounds()[3]) * 25.4 / 72 for image in images]
        assert len(tops) == 1 and tops[0] >= 3.5, tops
    assert head_lines(path) == [lines] * len(document)
    for page in pdf_runs(path):  # the first line's baseline, well inside the paper
        assert min(run.top for run in page.runs) > 5 * PX_PER_MM


def test_a_practice_name_longer_than_a_line_wraps_inside_the_margins(tree, tmp_path):
    """A name of over a hundred letters (the profile allows 200) wraps in the running head
    instead of running past the right margin, and the contact still follows it whole."""
    name = (
        "The Riverside Centre for Family, Couples and Individual Counselling and "
        "Psychotherapy of the Greater Metropolitan Area"
    )
    folder = tree({"practice.yaml": f"name: {name}\ncontact: {CONTACT_LINE}\n"})
    personal = make_personal(practice=load_practice(folder / "practice.yaml"))
    path = build_handout(["journey"], personal, tmp_path).paths[0]
    assert outside_margins(path) == []
    for lines in head_lines(path):
        assert len(lines) == 3 and flat(" ".join(lines[:2])) == name
        assert lines[2] == CONTACT_LINE


def _xobjects(page):
    found = []
    resources = page["/Resources"]
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        found.append(xobject)
        inner = xobject.get("/Resources", {}).get("/XObject", {})
        found += [x.get_object() for x in inner.values()]
    return found


def test_bad_profile_reports_every_key_at_once(run, tree, tmp_path):
    folder = tree(
        {
            "practice.yaml": "name: Harbor\nlogo: missing.png\nbrand_color: teal\npaper: legal\n"
            "font: comic\nwebsite: x\n",
            "big.svg": "not xml",
        }
    )
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        "Error: 5 problems found:",
        "  mine/practice.yaml: line 2: 'logo': 'missing.png': no such file (the path is "
        "relative to the folder mine/practice.yaml is in)",
        "  mine/practice.yaml: line 3: 'brand_color': expected a colour as #RRGGBB, "
        "e.g. #24606a, got 'teal'",
        "  mine/practice.yaml: line 4: 'paper': expected letter or a4, got 'legal'",
        f"  mine/practice.yaml: line 5: 'font': expected one of {', '.join(_font_names())}, "
        "got 'comic'",
        "  mine/practice.yaml: line 6: 'website': unknown key; expected one of name, therapist, "
        "credentials, contact, crisis_line, safety_line, discreet_line, logo, brand_color, paper, "
        "font, language, region, phone_url",
    ]
    (folder / "practice.yaml").write_text("logo: big.svg\n")
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert "'logo': 'big.svg': expected an SVG drawing, but the file is not valid XML" in (
        result.output
    )
    assert not (tmp_path / "output").exists()


def test_a_brand_colour_too_light_to_read_on_white_stops_the_build(run, tree, tmp_path):
    folder = tree({"practice.yaml": "name: Harbor\nbrand_color: '#F0C040'\n"})
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert result.exit_code == 1
    assert result.output == (
        "Error: mine/practice.yaml: line 2: 'brand_color': expected a colour dark enough to read "
        "on white, with a contrast of at least 4.5:1; '#F0C040' has 1.7:1, pick a darker one\n"
    )
    assert not (tmp_path / "output").exists()
    # The colour the profile template suggests, and the darkest grey that passes, are fine.
    template = (TEMPLATES_DIR / "practice.yaml").read_text(encoding="utf-8")
    suggested = re.search(r'^# brand_color: "(#[0-9a-f]{6})"$', template, re.M).group(1)
    for colour in (suggested, "#767676"):
        (folder / "practice.yaml").write_text(f"brand_color: '{colour}'\n")
        assert load_practice(folder / "practice.yaml").brand_color == colour


def test_a_line_separator_in_a_profile_line_is_refused_by_name(run, tree):
    folder = tree({"practice.yaml": 'name: Harbor\ncrisis_line: "Call 988.\\u2028Or 911."\n'})
    result = run("build", "journey", "--practice", folder / "practice.yaml")
    assert result.exit_code == 1
    assert "line 2: 'crisis_line': expected what to do in a crisis" in result.output
    assert "(one line of text), found a line separator (U+2028)" in result.output


def _font_names():
    from generator.core.fonts import FONTS

    return list(FONTS)


def test_profile_is_found_in_the_current_folder_then_the_user_folder(run, tmp_path):
    from generator.core.profiles import user_profile

    user = user_profile()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text("name: From The User Folder\n")
    try:
        run("build", "journey", "--out", "a")
        assert "From The User Folder" in pdf_pages_text(tmp_path / "a" / "journey.pdf")[0]
        (tmp_path / "practice.yaml").write_text("name: From This Folder\n")
        run("build", "journey", "--out", "b")
        assert "From This Folder" in pdf_pages_text(tmp_path / "b" / "journey.pdf")[0]
    finally:
        user.unlink()


def test_init_writes_a_commented_profile_that_loads(run, tmp_path):
    result = run("init")
    assert result.output.startswith("Wrote practice.yaml.")
    text = (tmp_path / "practice.yaml").read_text()
    assert text.startswith("# Your practice profile.")
    # Paper left open: the region's (A4 in Spain), else letter.
    assert load_practice(tmp_path / "practice.yaml").paper == ""
    again = run("init")
    assert again.exit_code == 1
    assert "practice.yaml already exists" in again.output
    assert run("build", "journey").exit_code == 0


# --- fonts ------------------------------------------------------------------------------------


def _embedded_fonts(path) -> set[str]:
    names = set()
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.mark.parametrize(
    ("name", "family"),
    [("atkinson", "Atkinson"), ("lexend", "Lexend"), ("opendyslexic", "OpenDyslexic")],
)
def test_each_font_is_embedded_and_used_for_the_text(name, family, tmp_path):
    path = build_handout(["where-am-i"], out=tmp_path, options=Options(font=name)).paths[0]
    fonts = _embedded_fonts(path)
    assert any(family in font for font in fonts), fonts
    assert not any(font.startswith("Noto-Serif") for font in fonts)
    assert outside_margins(path) == []


def test_the_default_font_is_noto(tmp_path):
    fonts = _embedded_fonts(build_handout(["journey"], out=tmp_path).paths[0])
    assert {"Noto-Sans", "Noto-Serif-Bold"} <= fonts


def test_a_missing_font_file_is_a_clear_error(run, monkeypatch, tmp_path):
    import generator.core.fonts

    monkeypatch.setattr(generator.core.fonts, "FONT_DIR", tmp_path / "empty")
    result = run("build", "journey", "--font", "lexend")
    assert result.exit_code == 1
    assert "--font: lexend: missing font file(s) Lexend-Regular.ttf, Lexend-Bold.ttf" in (
        result.output
    )
    assert not (tmp_path / "output").exists()
