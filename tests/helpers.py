"""What the tests share besides fixtures: sample modules and practices, and the PDF readers
(text, lines inside the margins and font sizes read with PDFium; names in every script, form
fields, bookmarks and structure with pypdf)."""

from __future__ import annotations

import contextlib
import copy
import ctypes
import functools
import io
import os
import shutil
import statistics
import textwrap
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader

from generator import api
from generator.api import Options, Personal, Practice

MODULE = """\
---
title: {title}
kind: {kind}
summary: A short test module.
topics: [testing]
audience: [individual]
minutes: 5
language: en
sources:
  - author: Test Author
    title: Original text
    year: 2026
    licence: original
---
{body}
"""


# The A4 copy of the library the print-variant tests read (conftest.py, library_pdf) is also the
# ink-saver copy: the two variants combine freely, and the checks of each (page size, margins,
# no colour) hold for the pair as they do for each alone, for one render of every module.
A4_INK_SAVER = Options(paper="a4", ink_saver=True)


def module_text(body: str = "Some text.", title: str = "Test module", kind: str = "handout") -> str:
    """A complete, valid module file with the given body."""
    return MODULE.format(title=title, kind=kind, body=textwrap.dedent(body))


def chromium() -> str | None:
    """Debian's Chromium for the browser tests (Playwright's own download cannot be reached
    here): its headless shell, the same engine without the windows around it and lighter to
    run, or else the browser itself; HANDOUTS_CHROMIUM names another."""
    names = ("chromium-headless-shell", "chromium", "chromium-browser")
    return os.environ.get("HANDOUTS_CHROMIUM") or next(filter(None, map(shutil.which, names)), None)


SHOTS = Path(__file__).resolve().parent.parent / "output" / "screenshots"
SCREENSHOTS = {"wanted": False}  # set from pytest's --screenshots (make screenshots)


def shot(target, name: str, full_page: bool = True) -> None:
    """A screenshot of a browser page (or of one element of it) in output/screenshots/, for a
    person to look at, when the run was asked for them ('make screenshots'): no test reads
    them, and taking them is a fifth of the browser tests' time."""
    if not SCREENSHOTS["wanted"]:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    whole = {"full_page": full_page} if hasattr(target, "goto") else {}  # a page, not an element
    target.screenshot(path=SHOTS / f"{name}.png", **whole)


PRACTICE = Practice(
    name="Harbour Therapy",
    therapist="Robin Vale",
    crisis_line="Crisis: call the Harbour crisis team on 555-0199.",
    safety_line="Harbour Family Safety Service: 555-0123, day or night.",
)


def per_pdf(function):
    """Remember what 'function' read from a PDF, by the PDF's content (given as bytes or a
    path): many tests read the same file, or the same PDF in memory and on disk."""
    remembered = functools.lru_cache(maxsize=64)(function)

    @functools.wraps(function)
    def read(path_or_bytes):
        if not isinstance(path_or_bytes, bytes):
            path_or_bytes = Path(path_or_bytes).read_bytes()
        return copy.copy(remembered(path_or_bytes))

    return read


@dataclass(frozen=True)
class TextRun:
    """A piece of a page's text as the PDF draws it (one text object): in what font and at what
    size it is set, and where its baseline is."""

    text: str
    font: str  # the font's base name
    points: float  # the size it prints at
    top: float  # the baseline's distance from the top of the page, in CSS pixels


@dataclass(frozen=True)
class PageRuns:
    runs: tuple[TextRun, ...]
    height: float  # in points


@per_pdf
def pdf_runs(data: bytes) -> list[PageRuns]:
    """Each page's pieces of text, read with PDFium (the PDF engine of Chromium): where they
    are and how big, much faster than extracting the text, for tests of layout and sizes."""
    return _each_page(data, _page_runs)


@contextlib.contextmanager
def _pdfium(data: bytes) -> Iterator[pypdfium2.PdfDocument]:
    """A PDF opened with PDFium, closed after use."""
    document = pypdfium2.PdfDocument(data)
    try:
        yield document
    finally:
        document.close()


def _each_page(data: bytes, read):
    """What 'read' finds on each page of a PDF opened with PDFium, page by page."""
    with _pdfium(data) as document:
        return [read(document[number]) for number in range(len(document))]


def _page_runs(page) -> PageRuns:
    textpage = page.get_textpage()
    height = page.get_height()
    runs = []
    for found in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=4):
        text = _utf16(pdfium_c.FPDFTextObj_GetText, found.raw, textpage.raw)
        if text.strip():
            matrix = found.get_matrix()
            size = ctypes.c_float()
            pdfium_c.FPDFTextObj_GetFontSize(found.raw, size)
            points = round(size.value * abs(matrix.d), 1)
            font = _font_name(pdfium_c.FPDFTextObj_GetFont(found.raw))
            runs.append(TextRun(text, font, points, (height - matrix.f) / 0.75))
    return PageRuns(tuple(runs), height)


def _utf16(call, *args) -> str:
    size = call(*args, None, 0)
    if size <= 2:
        return ""
    buffer = ctypes.create_string_buffer(size)
    call(*args, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size)
    return buffer.raw[: size - 2].decode("utf-16-le", errors="replace")


def _font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("latin-1")


PX_PER_MM = 96 / 25.4  # WeasyPrint writes text positions in CSS pixels
TOP_MARGIN, BOTTOM_MARGIN = 19 * PX_PER_MM, 20 * PX_PER_MM  # style.css


@dataclass(frozen=True)
class Line:
    """One line of text on a page."""

    text: str
    heading: bool  # set in the headings' face (Noto Serif Bold), e.g. a Part heading


def body_lines(path_or_bytes) -> list[list[Line]]:
    """Each page's lines of text between the top and bottom margins (header and footer left
    out), top to bottom, in the order a reader meets them."""
    return [
        _page_lines(page, TOP_MARGIN, page.height / 0.75 - BOTTOM_MARGIN)
        for page in pdf_runs(path_or_bytes)
    ]


def head_lines(path_or_bytes) -> list[list[str]]:
    """Each page's running head, line by line: the text above the top margin."""
    return [
        [line.text for line in _page_lines(page, 0, TOP_MARGIN)] for page in pdf_runs(path_or_bytes)
    ]


def _page_lines(page: PageRuns, top: float, bottom: float) -> list[Line]:
    runs = [(run.top, run.font, run.text) for run in page.runs if top < run.top < bottom]
    grouped: list[tuple[float, list]] = []
    for y, font, text in sorted(runs, key=lambda run: run[0]):
        if grouped and y - grouped[-1][0] < 3:  # the same baseline, give or take
            grouped[-1][1].append((font, text))
        else:
            grouped.append((y, [(font, text)]))
    return [
        Line(flat(" ".join(t for _, t in parts)), all("Serif-Bold" in f for f, _ in parts))
        for _, parts in grouped
    ]


@per_pdf
def pdf_pages_text(data: bytes) -> list[str]:
    """Each page's text as PDFium reads it, a line to a line. A word hyphenated at a line end is
    read whole (with its hyphen, if it has one of its own: "self-compassion")."""
    return _each_page(data, _page_text)


def _page_text(page) -> str:
    text = page.get_textpage().get_text_range()
    # PDFium writes U+FFFE for a hyphen it joined across a line end, and U+0002 for a hyphen
    # the line break added (WeasyPrint's hyphenation), which the word does not have.
    return text.replace("\ufffe", "-").replace("\x02", "").replace("\r\n", "\n")


# How far an accent may reach past its letter's ink, as a share of the font size: the acute
# of OpenDyslexic Regular 0.920's "ó", drawn beside the o, reached 0.13; a tilde in an italic
# face, as drawn, reaches 0.02.
ACCENT_REACH = 0.05


@per_pdf
def accents_astray(data: bytes) -> list[str]:
    """Accented letters whose accent is not over the letter, in any face: each letter's ink
    (its tight box, from its origin) against its plain letter's in the same face and size,
    wherever both are printed. An i is left out, its accent being wider than the letter."""
    ink: dict[tuple[str, str, float], list[tuple[float, float]]] = {}
    with _pdfium(data) as document:
        for page in document:
            _letters_ink(page.get_textpage(), ink)
    middle = {key: _median_pair(extents) for key, extents in ink.items()}
    astray = set()
    for (letter, face, size), (left, right) in middle.items():
        plain = unicodedata.normalize("NFD", letter)[0]
        if plain != letter and plain not in "iI" and (plain, face, size) in middle:
            plain_left, plain_right = middle[plain, face, size]
            if max(right - plain_right, plain_left - left) > ACCENT_REACH:
                astray.add(f"{letter!r} in {face}")
    return sorted(astray)


def _letters_ink(textpage, ink: dict) -> None:
    for index in range(textpage.count_chars()):
        letter = textpage.get_text_range(index, 1)
        if letter.isalpha():
            left, bottom, _, top = textpage.get_charbox(index, loose=True)
            tight = textpage.get_charbox(index)
            size = top - bottom
            key = (letter, _char_face(textpage, index), round(size, 1))
            ink.setdefault(key, []).append(((tight[0] - left) / size, (tight[2] - left) / size))


def _char_face(textpage, index: int) -> str:
    size = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, None, 0, None)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buffer, size, None)
    return buffer.value.decode("latin-1").split("+")[-1]  # without the subset's tag


def _median_pair(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)


@dataclass(frozen=True)
class Bookmark:
    level: int  # 0 for a module's title, 1 for the headings under it, and so on
    title: str
    page: int  # the page it opens, from 0


@per_pdf
def pdf_outline(data: bytes) -> list[Bookmark]:
    """The PDF's bookmarks in their order, read with PDFium (a whole library's in a hundredth
    of pypdf's time)."""
    with _pdfium(data) as document:
        return [
            Bookmark(item.level, item.get_title(), item.get_dest().get_index())
            for item in document.get_toc()
        ]


@per_pdf
def pypdf_pages_text(data: bytes) -> list[str]:
    """Each page's text as pypdf extracts it: slower, but a name in a right-to-left or joined
    script (Hebrew, Devanagari) comes back as it was typed, where PDFium gives the words in
    their order on the page; the golden page texts are in its spacing too."""
    return [page.extract_text() for page in _reader(data).pages]


def _reader(path_or_bytes) -> PdfReader:
    if isinstance(path_or_bytes, bytes):
        return PdfReader(io.BytesIO(path_or_bytes))
    return PdfReader(str(path_or_bytes))


def pdf_reader(path_or_bytes) -> PdfReader:
    return _reader(path_or_bytes)


def flat(text: str) -> str:
    """Whitespace collapsed, so layout line breaks do not matter."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Written:
    """What a build wrote, as the command line reports it."""

    paths: tuple[Path, ...]
    pages: tuple[int, ...]
    notices: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def build_handout(
    ids,
    personal: Personal | None = None,
    out="output",
    combine: bool = False,
    content_dirs=(),
    strict: bool = True,
    options: Options | None = None,
) -> Written:
    """Build modules and write them, as 'handouts build' does: api.build, then api.write."""
    pdfs = api.build(ids, personal, options, combine=combine, content=content_dirs, strict=strict)
    paths = api.write(pdfs, out)
    warnings = tuple(dict.fromkeys(w for pdf in pdfs for w in pdf.warnings))
    return Written(tuple(paths), tuple(pdf.pages for pdf in pdfs), pdfs[0].notices, warnings)


def build_packet(job, participant=None, out="output", facilitator: bool = False) -> Written:
    """One packet of a prepared job written as 'handouts packet' writes it."""
    from dataclasses import replace

    from generator.packets.job import packet_pdf

    name, data, pages, warnings = packet_pdf(replace(job, facilitator=facilitator), participant)
    paths = api.write([api.PDF(name, data, pages)], out)
    return Written(tuple(paths), (pages,), job.notices, (*job.warnings, *warnings))
