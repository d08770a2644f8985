"""The accessibility claim, checked offline on every built-in module: the open PDF/UA checker
'pdfua' finds nothing, and the PDF/UA-1 points it does not cover are checked here with pikepdf."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf
from pdfua import validate

# pdfua 0.1.3's empty-heading rule (UA-14-001) stops on the arrays WeasyPrint writes
# (ValueError on '/is_integer'); its point is checked below instead (empty_headings).
CHECKER_BUGS = {"UA-14-001"}
# ISO 32000-1 14.8.4: the standard structure types; any other needs a RoleMap entry.
STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl",
    "LBody", "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note",
    "Reference", "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT",
    "WP", "Figure", "Formula", "Form",
}  # fmt: skip


def test_the_pdfua_checker_finds_nothing_in_any_module(fillable):
    for module_id, path in fillable.items():
        report = validate(str(path))
        found = [f"{f.rule_id}: {f.message}" for f in report.findings]
        assert found == [], module_id
        assert {skip.rule_id for skip in report.skipped} <= CHECKER_BUGS, module_id


def test_the_points_pdfua_does_not_check_hold_in_every_module(fillable):
    for module_id, path in fillable.items():
        assert pdfua_problems(path) == [], module_id


def test_both_checks_catch_a_pdf_that_is_not_tagged(fillable, tmp_path):
    with pikepdf.open(fillable["where-am-i"]) as pdf:
        del pdf.Root.StructTreeRoot
        del pdf.Root.MarkInfo
        pdf.save(tmp_path / "untagged.pdf")
    assert "the document is not tagged" in pdfua_problems(tmp_path / "untagged.pdf")
    found = {f.rule_id for f in validate(str(tmp_path / "untagged.pdf")).findings}
    assert {"UA-01-005", "UA-01-002"} <= found


def spoil(source: Path, target: Path, kind: str, change) -> Path:
    """A copy of a PDF with one change made to its first structure element of a kind."""
    with pikepdf.open(source) as pdf:
        found = [e for e in structure(pdf.Root.StructTreeRoot) if str(e.S) == kind]
        change(found[0], pdf)
        pdf.save(target)
    return target


def test_the_points_are_checked_on_what_the_modules_hold(fillable, tmp_path):
    def no_alt(figure, pdf):
        figure.Alt = pikepdf.String(" ")

    def no_scope_nor_tabs(th, pdf):
        del th.A.Scope
        del pdf.pages[0].obj.Tabs

    journey = spoil(fillable["where-am-i"], tmp_path / "a.pdf", "/Figure", no_alt)
    assert pdfua_problems(journey) == ["a figure without /Alt"]
    log = spoil(fillable["asking-for-help-log"], tmp_path / "b.pdf", "/TH", no_scope_nor_tabs)
    assert pdfua_problems(log) == ["page 1: /Tabs is not /S", "a header cell (TH) without /Scope"]


# --- PDF/UA-1 (ISO 14289-1) points checked here ------------------------------------------


def pdfua_problems(path: Path) -> list[str]:
    """What a PDF lacks of the PDF/UA-1 points below; empty when it has them all."""
    with pikepdf.open(path) as pdf:
        if "/StructTreeRoot" not in pdf.Root or not pdf.Root.get("/MarkInfo", {}).get("/Marked"):
            return ["the document is not tagged"]  # 7.1: nothing else can be checked
        elements = list(structure(pdf.Root.StructTreeRoot))
        checks = (metadata, page_tabs, fonts_embedded, form_fields_described)
        problems = [problem for check in checks for problem in check(pdf)]
        for check in (unknown_types, figures_without_alt, empty_headings, table_headers):
            problems += check(elements)
    return problems


def structure(node, seen=None) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under a node of the structure tree, in order."""
    seen = set() if seen is None else seen
    kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in seen:
            if kid.is_indirect:  # a loop can only go through shared, indirect objects
                seen.add(kid.objgen)
            yield kid
            yield from structure(kid, seen)


def metadata(pdf: pikepdf.Pdf) -> list[str]:
    """7.2: a language; 7.1: a title in the XMP shown as the window title; 5: PDF/UA-1 named."""
    problems = [] if str(pdf.Root.get("/Lang", "")).strip() else ["no /Lang in the catalog"]
    with pdf.open_metadata() as xmp:
        if not str(xmp.get("dc:title", "")).strip():
            problems.append("no dc:title in the XMP metadata")
        if str(xmp.get("pdfuaid:part", "")) != "1":
            problems.append("no PDF/UA-1 identification (pdfuaid:part) in the XMP metadata")
    if not pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("DisplayDocTitle is not true")
    return problems


def page_tabs(pdf: pikepdf.Pdf) -> list[str]:
    """7.18.3: a page with annotations is tabbed through in structure order."""
    return [
        f"page {number}: /Tabs is not /S"
        for number, page in enumerate(pdf.pages, start=1)
        if "/Annots" in page.obj and page.obj.get("/Tabs") != pikepdf.Name.S
    ]


def fonts_embedded(pdf: pikepdf.Pdf) -> list[str]:
    """7.21.4.1: every font is embedded: on the pages, in their drawings and in form fields."""
    resources = [page.obj.get("/Resources") for page in pdf.pages]
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            for state in annotation.get("/AP", {}).values():
                streams = state.values() if isinstance(state, pikepdf.Dictionary) else [state]
                resources += [stream.get("/Resources") for stream in streams]
    return [f"font {name} is not embedded" for name in unembedded(resources, set())]


def unembedded(resources, seen: set) -> Iterator[str]:
    for resource in resources:
        if not isinstance(resource, pikepdf.Dictionary) or resource.objgen in seen:
            continue
        if resource.is_indirect:
            seen.add(resource.objgen)
        for font in resource.get("/Font", {}).values():
            descendant = font.get("/DescendantFonts", [font])[0]
            descriptor = descendant.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                yield str(font.get("/BaseFont"))
        forms = resource.get("/XObject", {}).values()
        yield from unembedded([form.get("/Resources") for form in forms], seen)


def form_fields_described(pdf: pikepdf.Pdf) -> list[str]:
    """7.18.1, 7.18.4: every form field is tagged and says what it asks (/TU)."""
    problems = []
    for page in pdf.pages:
        for widget in page.obj.get("/Annots", []):
            if widget.get("/Subtype") != pikepdf.Name.Widget:
                continue
            name = str(widget.get("/T", widget.get("/Parent", {}).get("/T", "")))
            if "/TU" not in widget and "/TU" not in widget.get("/Parent", {}):
                problems.append(f"form field {name} has no description (/TU)")
            if "/StructParent" not in widget:
                problems.append(f"form field {name} is not in the structure tree")
    return problems


def unknown_types(elements) -> list[str]:
    """7.1: only standard structure types (WeasyPrint writes no role map)."""
    return [
        f"non-standard structure type {e.S}" for e in elements if str(e.S)[1:] not in STANDARD_TYPES
    ]


def figures_without_alt(elements) -> list[str]:
    """7.3: every figure has alternative text."""
    figures = [e for e in elements if pikepdf.Name.Figure == e.S]
    return ["a figure without /Alt" for e in figures if not str(e.get("/Alt", "")).strip()]


def empty_headings(elements) -> list[str]:
    """7.4: headings (H1-H6) mark some text."""
    headings = [e for e in elements if str(e.S) in {f"/H{n}" for n in range(1, 7)}]
    return [f"an empty {e.S}" for e in headings if not marks_content(e)]


def marks_content(element) -> bool:
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and marks_content(kid)):
            return True
    return False


def table_headers(elements) -> list[str]:
    """7.5: table structure is determinable: every header cell has a scope, and every data
    cell's /Headers name header cells that exist."""
    headers = [e for e in elements if e.S == pikepdf.Name.TH]
    problems = [
        "a header cell (TH) without /Scope"
        for th in headers
        if th.get("/A", {}).get("/Scope") not in (pikepdf.Name.Row, pikepdf.Name.Column)
    ]
    ids = {str(th.ID) for th in headers if "/ID" in th}
    for td in (e for e in elements if e.S == pikepdf.Name.TD):
        named = {str(i) for i in td.get("/A", {}).get("/Headers", [])}
        problems += [f"a data cell names a missing header {i}" for i in sorted(named - ids)]
    return problems
