"""Fillable PDFs: every answer place is a named form field that can be filled, shown, printed
and read back with 'handouts answers'."""

from __future__ import annotations

import csv
import io
import json
import re

import pypdfium2
from PIL import ImageChops
from pypdf import PdfReader, PdfWriter

from generator.api import Person
from generator.core.content import load_library
from generator.core.options import Options
from tests.helpers import build_handout

# A log's date, a map's ring, a measure's closing question.
PART = r"(\.(date|me|inner|outer|followup))?"
NAME = re.compile(r"^[a-z0-9-]+\.(name|date|[a-z-]+\.\d+(\.\d+)*" + PART + ")$")


def fields(path):
    return PdfReader(str(path)).get_fields() or {}


def test_every_answer_place_is_a_named_field(fillable):
    library = load_library().modules
    for module_id, path in fillable.items():
        found = fields(path)
        assert f"{module_id}.name" in found and f"{module_id}.date" in found
        assert all(NAME.match(name) and name.startswith(module_id + ".") for name in found)
        if library[module_id].kind == "worksheet":
            kinds = {name.split(".")[1] for name in found} - {"name", "date"}
            assert kinds, f"{module_id} has no answer fields"


def test_each_component_becomes_the_right_kind_of_field(fillable):
    found = fields(fillable["where-am-i"])
    assert found["where-am-i.lines.3"]["/FT"] == "/Tx"
    assert int(found["where-am-i.box.13"]["/Ff"]) & 4096  # multi-line
    scale = found["where-am-i.scale.5"]
    assert scale["/FT"] == "/Btn" and int(scale["/Ff"]) & 32768  # one radio group
    assert [str(o) for o in scale["/Opt"]] == [str(n) for n in range(1, 11)]
    assert str(scale["/TU"]) == "How easy is it for me to ask someone for help?"
    checklist = fields(fillable["codependency-self-check"])
    assert checklist["codependency-self-check.checklist.1.1"]["/FT"] == "/Btn"
    log = fields(fillable["asking-for-help-log"])
    assert {"asking-for-help-log.log.7.5.date", "asking-for-help-log.log.7.5.4"} <= set(log)
    assert "support-network-map.network-map.1.inner" in fields(fillable["support-network-map"])


def fill(path, values, out):
    reader = PdfReader(str(path))
    writer = PdfWriter(clone_from=reader)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=True)
    writer.write(str(out))
    return out


def test_filled_answers_read_back_as_json_and_csv(fillable, run, tmp_path):
    filled = fill(
        fillable["where-am-i"],
        {
            "where-am-i.name": "Zoë Ñúñez",
            "where-am-i.lines.3": "I marked the pit stop.",
            "where-am-i.scale.5": "/6",
        },
        tmp_path / "filled.pdf",
    )
    ticked = fill(
        fillable["codependency-self-check"],
        {"codependency-self-check.checklist.1.6": "/on"},
        tmp_path / "ticked.pdf",
    )
    result = run("answers", filled)
    assert result.exit_code == 0
    answers = {a["field"]: a for a in json.loads(result.output)["answers"]}
    assert answers["where-am-i.name"]["value"] == "Zoë Ñúñez"
    assert answers["where-am-i.lines.3"]["value"] == "I marked the pit stop."
    assert answers["where-am-i.scale.5"] == {
        "field": "where-am-i.scale.5",
        "question": "How easy is it for me to ask someone for help?",
        "value": "7",
    }
    assert answers["where-am-i.scale.7"]["value"] is None
    rows = list(csv.DictReader(io.StringIO(run("answers", filled, "--format", "csv").output)))
    by_field = {row["field"]: row["value"] for row in rows}
    assert by_field["where-am-i.scale.5"] == "7"
    boxes = {a["field"]: a["value"] for a in json.loads(run("answers", ticked).output)["answers"]}
    assert boxes["codependency-self-check.checklist.1.6"] is True
    assert boxes["codependency-self-check.checklist.1.5"] is False
    rows = list(csv.DictReader(io.StringIO(run("answers", ticked, "--format", "csv").output)))
    by_field = {row["field"]: row["value"] for row in rows}
    assert by_field["codependency-self-check.checklist.1.6"] == "ticked"  # not "yes", beside
    assert by_field["codependency-self-check.checklist.1.5"] == "not ticked"  # "say no"


def _render(path):
    document = pypdfium2.PdfDocument(str(path))
    document.init_forms()
    return document[0].render(scale=1, may_draw_forms=True).to_pil().convert("L")


def test_filled_values_show_on_the_page(fillable, tmp_path):
    empty = _render(fillable["where-am-i"])
    filled = _render(fill(fillable["where-am-i"], {"where-am-i.name": "Sam"}, tmp_path / "f.pdf"))
    changed = ImageChops.difference(empty, filled).getbbox()
    assert changed is not None
    _, top, _, bottom = changed
    assert top < 200 and bottom - top < 30  # only the name line, near the top of the page


def test_every_box_to_tick_shows_on_the_printed_page(fillable):
    """Checkboxes and radio buttons are drawn in the page itself, so an unticked copy printed on
    paper still shows each place to tick (a viewer adds only the tick)."""
    for module_id in ("where-am-i", "support-network-map"):
        document = pypdfium2.PdfDocument(str(fillable[module_id]))
        reader = PdfReader(str(fillable[module_id]))
        buttons = 0
        for page, image in zip(reader.pages, (p.render(scale=2) for p in document), strict=True):
            pixels = image.to_pil().convert("L")
            height = float(page.mediabox.height)
            for annotation in page.get("/Annots", []):
                widget = annotation.get_object()
                if "/AS" not in widget:  # text fields have no on/off state
                    continue
                x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
                grow = abs(x2 - x1) / 2  # a spot on the journey map sits inside its circle
                box = (
                    min(x1, x2) - grow,
                    height - max(y1, y2) - grow,
                    max(x1, x2) + grow,
                    height - min(y1, y2) + grow,
                )
                darkest, _ = pixels.crop(tuple(round(v * 2) for v in box)).getextrema()
                assert darkest < 200, f"{module_id}: nothing drawn at {box}"
                buttons += 1
        assert buttons >= 5


def test_large_print_answers_are_typed_in_large_print(tmp_path):
    options = Options(fillable=True, large_print=True)
    (path,) = build_handout(["where-am-i"], out=tmp_path, options=options).paths
    pages = PdfReader(str(path)).pages
    widgets = [a.get_object() for page in pages for a in page.get("/Annots", [])]
    sizes = {
        str(w["/T"]): float(re.search(r"([\d.]+) Tf", str(w["/DA"])).group(1))
        for w in widgets
        if w.get("/FT") == "/Tx"
    }
    assert len(sizes) >= 5 and min(sizes.values()) >= 16, sizes


def test_without_fillable_there_are_no_fields(tmp_path):
    path = build_handout(["where-am-i"], out=tmp_path).paths[0]
    assert fields(path) == {}
    assert "/AcroForm" not in PdfReader(str(path)).trailer["/Root"]


def test_answers_of_a_pdf_without_fields_is_a_clear_error(run, tmp_path):
    path = build_handout(["journey"], out=tmp_path).paths[0]
    result = run("answers", path)
    assert result.exit_code == 1
    assert "has no form fields; it was not made as a fillable PDF" in result.output
    (tmp_path / "notes.pdf").write_text("not a pdf")
    assert run("answers", tmp_path / "notes.pdf").output == "Error: notes.pdf: is not a PDF file\n"


def test_a_handout_with_nothing_to_fill_in_still_builds_fillable(tmp_path):
    from generator.core.profiles import make_personal

    personal = make_personal(Person(client="J.D.", date="2026-11-22"))
    (path,) = build_handout(["journey"], personal, tmp_path, options=Options(fillable=True)).paths
    assert fields(path) == {}
    assert len(PdfReader(str(path)).pages) == 2  # every handout fits two pages


def test_a_fillable_copy_keeps_the_printed_copys_pages():
    """A scale's numbers sit beside their buttons, so its rows are no taller than the printed
    pills: with a homework note, a fillable where-am-i used to push its last question and the
    closing note onto a third page of their own."""
    from generator import api
    from generator.core.profiles import make_personal
    from tests.helpers import PRACTICE

    ids = sorted(m.id for m in load_library().modules.values() if "::: scale" in m.body)
    assert "where-am-i" in ids and len(ids) >= 5
    personal = make_personal(
        Person(client="J.D.", session=4, note="Ask one person for help each day"),
        practice=PRACTICE,
    )
    printed = api.build(ids, personal, Options())
    filled = api.build(ids, personal, Options(fillable=True))
    pages = {m: (p.pages, f.pages) for m, p, f in zip(ids, printed, filled, strict=True)}
    assert all(p == f for p, f in pages.values()), pages
