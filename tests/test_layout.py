"""Page layout on real PDFs: components stay whole across page breaks, headings stay with text."""

from __future__ import annotations

from generator.core.profiles import make_personal
from tests.helpers import build_handout, flat, module_text, pdf_pages_text

FILLER = "A sentence that takes up room on the page so that parts land near a page break. " * 5


def _part(number: int) -> str:
    kind = ("scale", "table", "log", "checklist")[number % 4]
    blocks = {
        "scale": f'::: scale left="Start {number}" right="End {number}"\nQuestion {number}?\n:::',
        "table": f"::: table rows=5\nTable {number}.\n- Offer {number}\n- Need {number}\n:::",
        "log": f"::: log days=6\nLog {number}.\n- Column {number}\n:::",
        "checklist": f"::: checklist\nList {number}.\n"
        + "\n".join(f"- Item {number}.{i}" for i in range(1, 9))
        + "\n:::",
    }
    return f"## Part {number}\n\n{FILLER[: 80 * (number % 5 + 1)]}\n\n{blocks[kind]}\n"


# The first and last text of each part: both must be on the page where the heading is.
ENDS = {
    "scale": ("Question {n}?", "10 = End {n}"),
    "table": ("Table {n}.", "Need {n}"),
    "log": ("Log {n}.", "Day 6"),
    "checklist": ("List {n}.", "Item {n}.8"),
}


def test_components_and_headings_are_never_split_from_what_follows(tree, tmp_path):
    parts = range(1, 17)
    body = "\n".join(_part(n) for n in parts)
    content = tree({"modules/long.md": module_text(body, kind="worksheet")})
    built = build_handout(["long"], make_personal(), out=tmp_path, content_dirs=[content])
    pages = [flat(text) for text in pdf_pages_text(built.paths[0])]
    assert len(pages) >= 5
    for number in parts:
        kind = ("scale", "table", "log", "checklist")[number % 4]
        first, last = (end.format(n=number) for end in ENDS[kind])
        (page,) = [p for p in pages if f"Part {number} " in p]
        tail = page.split(f"Part {number} ", 1)[1]
        assert first in tail, f"part {number}: heading and {kind} are on different pages"
        assert last in tail.split(first, 1)[1], f"part {number}: the {kind} is split"
