"""Page layout on real PDFs: components stay whole across page breaks, headings stay with text,
and the footer never has a page to itself."""

from __future__ import annotations

import pytest

from generator.core.content import load_library
from generator.core.languages import gettext
from generator.core.options import Options
from generator.core.profiles import make_personal
from tests.helpers import A4_INK_SAVER, body_lines, build_handout, flat, module_text, pdf_pages_text

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


# --- The footer never has a page to itself ------------------------------------------------

# What a module's footer (module.html) begins with, for each kind, and its other parts. The
# footer comes last in a module and is never split, so a page whose first line begins one of
# these holds nothing but furniture: the note, the crisis line, the phone link, the sources.
FOOTER = (
    "This handout supports your work with your therapist or group leader. It does not replace it.",
    "This worksheet supports your work with your therapist or group leader. It does not replace "
    "it.",
    "Fill in this page and give it back to your therapist or group leader. Your answers help you "
    "talk together about how you have been feeling. This is not a diagnosis.",
    "On your phone:",
    "Sources:",
)


def furniture_starts(language: str) -> tuple[str, ...]:
    """The footer's parts in the language, and each measure's publisher's notice, which
    prints just above the footer and is no content of its own either."""
    translate = gettext(language)
    measures = load_library(language=language).modules.values()
    notices = [module.notice for module in measures if module.notice]
    return tuple(flat(text)[:24] for text in [*map(translate, FOOTER), *notices])


def furniture_only(path, language: str) -> list[str]:
    """The pages that begin with the footer (or a measure's notice), by number."""
    starts = furniture_starts(language)
    return [
        f"page {number}: {lines[0].text}"
        for number, lines in enumerate(body_lines(path), 1)
        if lines and lines[0].text.startswith(starts)
    ]


# Paper, language and print size each shift where a module's pages end. The library is read as
# the print-variant tests render it (conftest.py: every module, each from a fresh page, for a
# client with a homework note, the fullest a page gets): English on Letter, A4 (in ink saver,
# as the print-variant tests read it) and in large print, Spanish on Letter and A4. (The
# footer's rule is one for every page; these are where it was found wanting.)
FURNITURE_VARIANTS = {
    "en letter": Options(),
    "en a4": A4_INK_SAVER,
    "en large print": Options(large_print=True),
    "es letter": Options(language="es"),
    "es a4": Options(language="es", paper="a4"),
}


@pytest.mark.parametrize("variant", list(FURNITURE_VARIANTS))
def test_no_page_holds_only_the_footer(variant, library_pdf):
    """Where the footer does not fit under the body, the body's last lines (or last component)
    go over with it. The Spanish PHQ-9 printed its footer alone on page 2, and so did a dozen
    handouts and worksheets; in large print a measure may take two pages, never a third for
    the footer."""
    options = FURNITURE_VARIANTS[variant]
    assert furniture_only(library_pdf(options), options.languages.main) == []
