"""The drawn components on real PDFs: the journey map's spots, words, signs and detour, the
instructions each component prints, and the room to write in tables and logs."""

from __future__ import annotations

import ctypes
import re
from xml.etree import ElementTree

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader

from generator.core.build import build_handout
from generator.core.drawings import STOPS_X, journey_map
from generator.core.options import Options
from generator.core.profiles import make_personal
from generator.core.resources import CONTENT_DIR
from tests.conftest import flat, module_text, pdf_pages_text

MM = 72 / 25.4  # points in a millimetre
HTML_SCALE = 0.75  # page text is set in CSS pixels, 0.75 pt each; a drawing on Letter is not
VARIANTS = {
    "plain": Options(),
    "large-print": Options(large_print=True),
    "ink-saver": Options(ink_saver=True),
    "fillable": Options(fillable=True),
    "large-print-fillable": Options(large_print=True, fillable=True),
}


@pytest.fixture(scope="module")
def where_am_i(tmp_path_factory):
    """The journey worksheet in every variant, on Letter, for a client with a note."""
    out = tmp_path_factory.mktemp("drawings")
    personal = make_personal(client="Sam", note="Bring this next time.")
    return {
        name: build_handout(["where-am-i"], personal, out=out / name, options=options).paths[0]
        for name, options in VARIANTS.items()
    }


def _page(path, number=None):
    """A page of the PDF; by default the one the journey map is drawn on."""
    return pypdfium2.PdfDocument(str(path))[map_page(path) if number is None else number]


def map_page(path) -> int:
    """The page holding the journey map (a note or large print can move it to page 2)."""
    pages = range(len(pypdfium2.PdfDocument(str(path))))
    return next((n for n in pages if drawn_circles(path, n)), 0)


def drawn_circles(path, number=None) -> list[tuple[float, float, float]]:
    """Centre and diameter (in points, without the outline) of every circle drawn with both a
    fill and an outline: the spots and stops of the journey map (on the given page, else on
    the first page that has any: a note or large print can move the map to page 2)."""
    if number is None:
        pages = range(len(pypdfium2.PdfDocument(str(path))))
        return next((found for n in pages if (found := drawn_circles(path, n))), [])
    found = []
    page = pypdfium2.PdfDocument(str(path))[number]
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        points = _points(obj)
        xs, ys = [x for x, _ in points], [y for _, y in points]
        width, height = max(xs) - min(xs), max(ys) - min(ys)
        # A circle is a move and four curves (13 points), as wide as it is tall.
        if fill.value and stroke.value and len(points) == 13 and abs(width - height) < 0.01:
            found.append(((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, width))
    return found


def _points(obj) -> list[tuple[float, float]]:
    matrix = obj.get_matrix()
    points = []
    for index in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        points.append(matrix.on_point(x.value, y.value))
    return points


def drawing_words(path, texts, number=None) -> dict[str, tuple[float, float, float]]:
    """Where each text is set inside a drawing: x and baseline of its first letter, and the
    smallest printed size of its letters in points (font size times the drawing's scale)."""
    textpage = _page(path, number).get_textpage()
    whole = textpage.get_text_range()
    found = {}
    for text in texts:
        start = whole.find(text)
        while start >= 0 and abs(_scale(textpage, start) - HTML_SCALE) < 0.005:
            start = whole.find(text, start + 1)
        if start < 0:
            continue
        x, y = ctypes.c_double(), ctypes.c_double()
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, start, x, y)
        letters = [i for i in range(start, start + len(text)) if whole[i].strip()]
        size = min(
            pdfium_c.FPDFText_GetFontSize(textpage.raw, i) * _scale(textpage, i) for i in letters
        )
        found[text] = (x.value, y.value, size)
    return found


def _scale(textpage, index) -> float:
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFText_GetMatrix(textpage.raw, index, matrix)
    return abs(matrix.d)


def labels(large_print=False) -> list[str]:
    return [label.text for label in journey_map(large_print).labels]


# --- the journey map -------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["plain", "large-print", "ink-saver", "fillable"])
def test_every_spot_to_mark_is_at_least_5_mm_across(where_am_i, variant):
    circles = drawn_circles(where_am_i[variant])
    assert len(circles) == len(journey_map().spots) == 12
    smallest = min(diameter for _, _, diameter in circles) / MM
    assert smallest >= 5.0, f"{smallest:.2f} mm"


def test_spots_are_5_mm_on_a4_too(tmp_path):
    (path,) = build_handout(["where-am-i"], out=tmp_path, options=Options(paper="a4")).paths
    assert min(diameter for _, _, diameter in drawn_circles(path)) / MM >= 5.0


def test_the_drawing_prints_what_the_geometry_says(where_am_i):
    """Each spot is printed where the geometry (which places the fillable fields) puts it."""
    geometry = journey_map()
    circles = drawn_circles(where_am_i["plain"])
    first, *_, last = sorted(c for c in circles if c[2] == max(d for _, _, d in circles))
    dependence, _, interdependence = geometry.stops
    scale = (last[0] - first[0]) / (interdependence.x - dependence.x)  # points per unit
    for spot in geometry.spots:
        x = first[0] + (spot.x - dependence.x) * scale
        y = first[1] - (spot.y - dependence.y) * scale  # PDF y grows upward
        assert any(
            c[:2] == pytest.approx((x, y), abs=0.1) and c[2] == pytest.approx(2 * spot.r * scale)
            for c in circles
        ), spot
    assert 2 * min(spot.r for spot in geometry.spots) * scale / MM >= 5.0


@pytest.mark.parametrize("variant", ["fillable", "large-print-fillable"])
def test_one_radio_button_on_each_spot(where_am_i, variant):
    circles = drawn_circles(where_am_i[variant])
    reader = PdfReader(str(where_am_i[variant]))
    widgets = [
        annotation.get_object()
        for annotation in reader.pages[map_page(where_am_i[variant])]["/Annots"]
        if "journey-map" in str(annotation.get_object().get("/Parent", {}).get("/T", ""))
    ]
    assert len(widgets) == 12
    group = widgets[0]["/Parent"]
    assert str(group["/TU"]) == "Where I am now"
    assert [str(value) for value in group["/Opt"]] == [s.value for s in journey_map().spots]
    for widget in widgets:
        x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
        assert min(abs(x2 - x1), abs(y2 - y1)) / MM >= 5.0
        centre = ((x1 + x2) / 2, (y1 + y2) / 2)
        nearest = min(circles, key=lambda c: (c[0] - centre[0]) ** 2 + (c[1] - centre[1]) ** 2)
        assert nearest[:2] == pytest.approx(centre, abs=0.3)


@pytest.mark.parametrize("variant", ["plain", "large-print"])
def test_stop_names_share_a_baseline_and_so_do_their_lines(where_am_i, variant):
    words = drawing_words(where_am_i[variant], labels(variant == "large-print"))
    rows = [
        ("Dependence", "Independence", "Interdependence"),
        ("Others do most", "\u201cI can do it", "We lean on"),
        ("things for me", "myself\u201d", "each other"),
        ("Pit stop", "Destination"),
    ]
    for row in rows:
        baselines = {round(words[text][1], 2) for text in row}
        assert len(baselines) == 1, (row, baselines)
    tops = [words[row[0]][1] for row in rows]
    assert tops == sorted(tops, reverse=True)  # each row below the last (PDF y grows upward)


def test_the_pit_stop_is_named_not_a_parking_sign(where_am_i):
    geometry = journey_map()
    words = drawing_words(where_am_i["plain"], labels())
    assert set(words) == set(labels())  # every word of the drawing is printed
    textpage = _page(where_am_i["plain"]).get_textpage()
    whole = textpage.get_text_range()
    drawn = "".join(
        ch for i, ch in enumerate(whole) if abs(_scale(textpage, i) - HTML_SCALE) > 0.005
    )
    # Nothing else is written in the drawing: no "P" on a sign.
    assert sorted(drawn.split()) == sorted(" ".join(labels()).split())
    assert "Pit stop" in labels() and not any(label.text == "P" for label in geometry.labels)
    pit_x, flag_x = words["Pit stop"][0], words["Destination"][0]
    assert words["Independence"][0] < pit_x < words["Interdependence"][0] < flag_x


@pytest.mark.parametrize("variant", ["large-print", "large-print-fillable"])
def test_large_print_drawing_words_are_14_points_or_more(where_am_i, variant):
    words = drawing_words(where_am_i[variant], labels(large_print=True))
    assert len(words) == len(labels(large_print=True))
    assert {t: round(w[2], 1) for t, w in words.items() if w[2] < 14} == {}


@pytest.mark.parametrize("fillable", [False, True], ids=["large-print", "large-print-fillable"])
def test_large_print_network_map_words_are_14_points_or_more(tmp_path, fillable):
    options = Options(large_print=True, fillable=fillable)
    (path,) = build_handout(["support-network-map"], out=tmp_path, options=options).paths
    texts = ["Me", "Closest people", "Wider circle"]
    pages = len(PdfReader(str(path)).pages)
    words = next(w for n in range(pages) if len(w := drawing_words(path, texts, n)) == 3)
    assert {t: round(w[2], 1) for t, w in words.items() if w[2] < 14} == {}


def test_normal_print_drawing_words_stay_readable(where_am_i):
    words = drawing_words(where_am_i["plain"], labels())
    assert min(size for _, _, size in words.values()) >= 9.5


def _stroke_colour(obj) -> tuple[int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    pdfium_c.FPDFPageObj_GetStrokeColor(obj.raw, r, g, b, a)
    return r.value, g.value, b.value


@pytest.mark.parametrize("large_print", [False, True])
def test_the_detour_leaves_and_rejoins_the_road_before_the_pit_stop(where_am_i, large_print):
    path = where_am_i["large-print" if large_print else "plain"]
    accent = (0xB5, 0x65, 0x2B)
    paths = _page(path).get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])
    (detour,) = [p for p in paths if _stroke_colour(p) == accent and len(_points(p)) > 4]
    points = _points(detour)
    stops = sorted(
        c for c in drawn_circles(path) if c[2] == max(d for _, _, d in drawn_circles(path))
    )
    (dep_x, road_y, stop_size), (ind_x, _, _) = stops[0], stops[1]
    (start_x, start_y), (end_x, end_y) = points[0], points[-1]
    assert dep_x + stop_size / 2 < start_x < end_x < ind_x - stop_size / 2
    assert start_y == pytest.approx(road_y, abs=0.1) and end_y == pytest.approx(road_y, abs=0.1)
    scale = (ind_x - dep_x) / (STOPS_X[1] - STOPS_X[0])
    half_road = journey_map(large_print).road_width / 2 * scale
    assert min(y for _, y in points) < road_y - 2 * half_road  # well off the road, below it


@pytest.mark.parametrize("large_print", [False, True])
def test_detour_geometry_leaves_after_dependence_and_rejoins_before_the_pit_stop(large_print):
    geometry = journey_map(large_print)
    down, up = geometry.detour
    dependence, independence, _ = geometry.stops
    assert down[0][1] == up[-1][1] == geometry.road_y
    assert dependence.x + dependence.r < down[0][0] < up[-1][0] < independence.x - independence.r
    assert geometry.detour_path.startswith(f"M {down[0][0]:g} {down[0][1]:g} C ")


def figure_descriptions(path) -> list[str]:
    """The text description of each picture in the tagged PDF."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure" and "/Alt" in node:
                found.append(str(node.Alt))
            if "/K" in node:
                walk(node.K)

    with pikepdf.open(str(path)) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def test_the_description_says_what_the_drawing_shows(where_am_i):
    (description,) = figure_descriptions(where_am_i["plain"])
    assert "from dependence to independence, the pit stop, and on to interdependence" in description
    assert "leaves the road just after dependence and comes back to it before the pit stop" in (
        description
    )
    assert description.endswith(
        "Round spots along the road and the detour are places to mark where you are now."
    )


# --- the pictures in the modules -----------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
TEXTS = {SVG + "text", SVG + "tspan", SVG + "textPath"}
# In large print a picture fills the text width (templates/style.css); A4's is the narrower.
A4_TEXT_WIDTH = (210 - 2 * 20) * MM
PICTURES = sorted((CONTENT_DIR / "modules").glob("**/images/*.svg"))


def picture_labels(path) -> list[tuple[str, float]]:
    """Each run of words in a picture with its font size in the picture's units: set on the
    text itself, by attribute or style, else inherited from the groups around it."""
    found = []

    def walk(element, size: float):
        transform = element.get("transform", "")
        assert "scale" not in transform and "matrix" not in transform, (
            f"{path.name}: a transform that may scale its text: this test cannot size it"
        )
        own = _font_size(path, element, size)
        is_text = element.tag in TEXTS
        if is_text and (element.text or "").strip():
            found.append((element.text.strip(), own))
        for child in element:
            walk(child, own)
            if is_text and (child.tail or "").strip():
                found.append((child.tail.strip(), own))

    walk(ElementTree.parse(path).getroot(), 16.0)  # 16: CSS's initial 'medium'
    return found


def _font_size(path, element, inherited: float) -> float:
    style = dict(
        (key.strip(), value.strip())
        for key, _, value in (part.partition(":") for part in element.get("style", "").split(";"))
    )
    value = style.get("font-size") or element.get("font-size")  # the style wins
    if not value:
        return inherited
    size = re.fullmatch(r"\s*([\d.]+)\s*(px|pt|em|%)?\s*", value)
    assert size, f"{path.name}: font-size {value!r} is not a size this test can read"
    number, unit = float(size[1]), size[2]
    scale = {None: 1, "px": 1, "pt": 4 / 3, "em": inherited, "%": inherited / 100}[unit]
    return number * scale


def viewbox(path) -> list[float]:
    root = ElementTree.parse(path).getroot()
    assert root.get("viewBox"), f"{path}: no viewBox"
    return [float(n) for n in root.get("viewBox").replace(",", " ").split()]


def test_every_picture_label_prints_at_12_points_or_more_in_large_print():
    """Printed size = font size x text width / viewBox width, on A4 (the narrower page)."""
    assert len(PICTURES) >= 22  # English and Spanish
    offenders, labels_seen = [], 0
    for path in PICTURES:
        scale = A4_TEXT_WIDTH / viewbox(path)[2]
        for text, size in picture_labels(path):
            labels_seen += 1
            if size * scale < 12:
                where = path.relative_to(CONTENT_DIR)
                offenders.append(f"{where}: {text!r} at {size:g} prints {size * scale:.1f} pt")
    assert labels_seen > 100
    assert not offenders, "under 12 pt in large print:\n" + "\n".join(offenders)


def test_a_picture_keeps_the_shape_of_its_viewbox():
    """Its width and height (in mm) are in the viewBox's proportion, so nothing is squeezed."""
    for path in PICTURES:
        root = ElementTree.parse(path).getroot()
        width, height = (float(root.get(side).removesuffix("mm")) for side in ("width", "height"))
        _, _, box_width, box_height = viewbox(path)
        assert width / height == pytest.approx(box_width / box_height, rel=0.005), path.name


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_wide_picture_prints_its_labels_at_12_points_on_a4_in_large_print(tmp_path, language):
    """The printed PDF bears out the sum above: the bridge (600 units wide) fills the text."""
    options = Options(large_print=True, paper="a4", language=language)
    (path,) = build_handout(["four-practices"], out=tmp_path, options=options).paths
    sizes = []
    for page in pypdfium2.PdfDocument(str(path)):
        textpage = page.get_textpage()
        for index, letter in enumerate(textpage.get_text_range()):
            scale = _scale(textpage, index)
            if letter.strip() and abs(scale - HTML_SCALE) > 0.005:  # set in the picture
                sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, index) * scale)
    assert len(sizes) > 60  # every label of the bridge
    assert round(min(sizes), 2) >= 12


# --- instructions: what paper says, and what a fillable copy says ---------------------------


def test_paper_says_circle_and_draw(where_am_i):
    text = flat(" ".join(pdf_pages_text(where_am_i["plain"])))
    assert text.count("Circle one number.") == 3
    assert text.count("Draw an X on one spot.") == 1
    assert "Choose" not in text and "Click" not in text
    assert "Circle a number" not in text  # the module no longer says it a second time


def test_fillable_says_choose_and_click(where_am_i):
    text = flat(" ".join(pdf_pages_text(where_am_i["fillable"])))
    assert text.count("Choose one number.") == 3
    assert text.count("Click one spot.") == 1
    assert "Circle one" not in text and "Draw an X" not in text


def test_a_journey_map_in_a_handout_is_a_picture_with_nothing_to_fill_in(tree, tmp_path):
    body = "The road.\n\n::: journey-map\n:::\n\n::: scale\nHow far along am I?\n:::\n"
    content = tree({"modules/road.md": module_text(body, kind="handout")})
    options = Options(fillable=True)
    (path,) = build_handout(["road"], out=tmp_path, content_dirs=[content], options=options).paths
    fields = PdfReader(str(path)).get_fields() or {}
    assert not [name for name in fields if "journey-map" in name]
    assert [name for name in fields if "scale" in name]  # other components still fill in
    text = flat(pdf_pages_text(path)[0])
    assert "Pit stop" in text and "Click one spot." not in text
    assert len(drawn_circles(path)) == 12
    (description,) = figure_descriptions(path)
    assert description.endswith("show the steps in between.")


# --- room to write in tables and logs ---------------------------------------------------


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """Two worksheets with a table and a log, fillable, in normal and large print."""
    out = tmp_path_factory.mktemp("tables")
    ids = ["what-i-offer-what-i-need", "trust-tracker"]
    return {
        large: build_handout(
            ids, out=out / str(large), options=Options(fillable=True, large_print=large)
        ).paths
        for large in (False, True)
    }


def _cell_heights(paths) -> dict[str, float]:
    heights = {}
    for path in paths:
        for page in PdfReader(str(path)).pages:
            for annotation in page.get("/Annots", []):
                widget = annotation.get_object()
                name = str(widget.get("/T", ""))
                if (".table." in name or ".log." in name) and not name.endswith(".date"):
                    _, y1, _, y2 = (float(v) for v in widget["/Rect"])
                    heights[name] = abs(y2 - y1) / MM
    return heights


@pytest.mark.parametrize(("large", "least"), [(False, 16.0), (True, 22.0)])
def test_table_and_log_cells_hold_two_handwritten_lines(tables, large, least):
    heights = _cell_heights(tables[large])
    assert len(heights) == answer_cells("what-i-offer-what-i-need", "trust-tracker")
    assert {name: round(h, 1) for name, h in heights.items() if h < least} == {}


def test_printed_cells_are_ruled_for_two_lines(tmp_path):
    """On paper each body cell is two writing lines tall, with a faint rule between them."""
    (path,) = build_handout(["what-i-offer-what-i-need"], out=tmp_path).paths
    pages = [page for page in pypdfium2.PdfDocument(str(path)) if _ruled_cells(page)]
    assert len(pages) == 1
    cells = _ruled_cells(pages[0])
    assert len(cells) == answer_cells("what-i-offer-what-i-need")
    image = pages[0].render(scale=4).to_pil().convert("L")
    page_top = pages[0].get_height()
    for cell in cells:
        _, bottom, _, top = cell
        assert (top - bottom) / MM >= 16.5
        assert _darkest(image, page_top, cell, 0.5) < 235, "no rule halfway down the cell"
        blank = [_darkest(image, page_top, cell, share) for share in (0.25, 0.75)]
        assert blank == [255, 255], "a line of writing is not blank"


def answer_cells(*ids: str) -> int:
    """How many body cells the tables and logs of these modules have (a log's date excepted)."""
    from generator.core.components import Component
    from generator.core.content import load_library
    from generator.core.validate import check_module

    library, total = load_library(), 0
    for module_id in ids:
        checked, _ = check_module(library.modules[module_id], library.roots)
        for part in checked.segments:
            if isinstance(part, Component) and part.name in ("table", "log"):
                count = part.options["rows" if part.name == "table" else "days"]
                total += count * len(part.items)
    return total


def _darkest(image, page_top, cell, share: float) -> int:
    """The darkest grey in a thin band across a cell, 'share' of the way down it."""
    left, bottom, right, top = cell
    y = (page_top - top + (top - bottom) * share) * 4  # the image is at 4 pixels a point
    return image.crop((left * 4 + 8, y - 5, right * 4 - 8, y + 5)).getextrema()[0]


def _ruled_cells(page) -> list[tuple[float, float, float, float]]:
    """The body cells of a table: filled, unstroked boxes (their ruled background) that are
    taller than 10 mm and narrower than the text column."""
    found = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]):
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
        left, bottom, right, top = obj.get_bounds()
        if fill.value and not stroke.value and top - bottom > 10 * MM and right - left < 400:
            found.append((left, bottom, right, top))
    return found


def test_the_practice_brand_colour_reaches_the_drawings(tmp_path):
    from generator.core.profiles import Practice, make_personal

    purple = (0x6A, 0x2C, 0x91)
    branded = make_personal(practice=Practice(brand_color="#6a2c91"))
    (path,) = build_handout(["where-am-i"], branded, out=tmp_path / "brand").paths
    (plain,) = build_handout(["where-am-i"], out=tmp_path / "house").paths

    def purple_paths(pdf) -> int:
        paths = _page(pdf).get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])
        return sum(1 for p in paths if _stroke_colour(p) == purple)

    assert purple_paths(path) >= 3  # the three stops at least
    assert purple_paths(plain) == 0
