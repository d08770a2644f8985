"""Lay out HTML with WeasyPrint and make the PDF: a local-only fetcher, strict logs, tags."""

from __future__ import annotations

import atexit
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .errors import HandoutError
from .memory import FEWER_COLLECTIONS, LOADING
from .options import Options
from .render import Document
from .resources import TEMPLATES_DIR
from .sheets import read_once
from .weasy import boxes, font_folder, is_blank, remembered_library_lookups

with LOADING, remembered_library_lookups():
    import pydyf
    from weasyprint import HTML, URLFetcher
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcherResponse

if TYPE_CHECKING:
    from weasyprint.document import Document as Laid

# Tagged and accessible by default: a screen reader gets the structure, language and alt texts.
PDF_VARIANT = "pdf/ua-1"
# Messages about this machine's set-up, not about the document: they never fail a build.
ENVIRONMENT_NOTES = ("Using fontTools instead of HarfBuzz-Subset",)


class FetchRefused(Exception):
    """A resource the document may not load."""


class LocalFetcher(URLFetcher):
    """Serves only data: URLs and files under the given folders; never the network. With
    'grey', SVG pictures come in shades of grey (the ink saver prints no colour)."""

    def __init__(self, roots: Iterable[Path], grey: bool = False):
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.grey = grey
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and _inside(_file_path(url), self.roots):
            if self.grey and _file_path(url).suffix.lower() == ".svg":
                return _grey_svg(url, _file_path(url))
            return super().fetch(url, headers)
        self.refused.append(url)
        raise FetchRefused(
            f"refused to load '{url}': only files inside the templates and "
            "content folders may be used"
        )


HEX_COLOUR = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")


def _grey_svg(url: str, path: Path) -> URLFetcherResponse:
    """An SVG picture with each #rrggbb colour turned to the grey of the same lightness: the
    drawing keeps its shapes and contrast, and prints with black ink only."""
    text = HEX_COLOUR.sub(_grey, path.read_text(encoding="utf-8"))
    return URLFetcherResponse(url, text, {"Content-Type": "image/svg+xml"})


def _grey(match: re.Match) -> str:
    digits = match.group(1)
    digits = "".join(c * 2 for c in digits) if len(digits) == 3 else digits
    red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
    level = round(0.299 * red + 0.587 * green + 0.114 * blue)
    return f"#{level:02x}{level:02x}{level:02x}"


def _file_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path)).resolve()


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = _redacted(record) or record.getMessage().strip()
        if not message.startswith(ENVIRONMENT_NOTES):
            self.messages.append(message)


def _redacted(record: logging.LogRecord) -> str | None:
    """WeasyPrint's note of a character no font has, without the character itself, which may
    be a letter of a client's name: its code point is enough to find it."""
    args = record.args
    if str(record.msg).startswith(".notdef glyph") and isinstance(args, tuple) and len(args) == 2:
        return f"no font can print the character U+{args[1]:04X}"
    return None


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs at warning level or above, instead of letting it pass."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


@dataclass(frozen=True)
class Rendered:
    """A finished PDF in memory."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    layout: tuple = ()  # the laid-out pages (weasyprint.Page), when asked for
    page_height: float = 0  # CSS pixels
    # Pages left blank so that the next part starts on a right-hand page (0-based).
    blank_pages: tuple[int, ...] = ()


class _OneAtATime:
    """One layout at a time in a process: threads (the web app's requests) share one font
    configuration and one log to read warnings from, and WeasyPrint holds the GIL anyway.
    Reentrant. While inside, the cycle collector runs less often (see core.memory)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()

    def __enter__(self) -> None:
        self._lock.acquire()
        FEWER_COLLECTIONS.__enter__()

    def __exit__(self, *exc: object) -> None:
        FEWER_COLLECTIONS.__exit__()
        self._lock.release()


ONE_AT_A_TIME = _OneAtATime()


def render_pdf(
    document: Document,
    roots: Iterable[Path] = (),
    strict: bool = True,
    options: Options = Options(),
    tagged: bool = True,
    layout: bool = False,
) -> Rendered:
    """Lay out the document and return the PDF bytes; in strict mode any warning is an error.

    Untagged output is only for stamps laid over tagged pages; 'layout' also returns the
    laid-out pages, for whoever needs to know where things went."""
    fetcher = LocalFetcher([TEMPLATES_DIR, *roots], grey=options.ink_saver)
    pdf_options = {"pdf_variant": PDF_VARIANT if tagged else None, "pdf_forms": options.fillable}
    with ONE_AT_A_TIME, captured_warnings() as warnings:
        warnings += accessibility_problems(document.html) if tagged else []
        fonts = font_configuration()
        page, sheets = read_once(document.html, fetcher, fonts, warnings)
        html = HTML(string=page, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher)
        laid_out = html.render(font_config=fonts, stylesheets=sheets, **pdf_options)
        finish = _finisher(tagged, options.fillable)
        data = laid_out.write_pdf(attachments=[], finisher=finish, **pdf_options)
    if strict and warnings:
        raise RenderWarnings(document.title, warnings)
    return Rendered(
        data,
        len(laid_out.pages),
        tuple(warnings),
        tuple(laid_out.pages) if layout else (),
        laid_out.pages[0].height if laid_out.pages else 0,
        tuple(i for i, page in enumerate(laid_out.pages) if is_blank(page)),
    )


_FONT_CONFIGURATIONS: dict[int, FontConfiguration] = {}


def font_configuration() -> FontConfiguration:
    """One WeasyPrint font configuration per process, shared by every document it renders, so
    the bundled fonts are read and registered once rather than for every PDF. (Per process: a
    forked worker gets its own.) Fonts come only from the templates folder, which every
    document may use."""
    if os.getpid() not in _FONT_CONFIGURATIONS:
        if not _FONT_CONFIGURATIONS:
            atexit.register(forget_fonts)
        _FONT_CONFIGURATIONS[os.getpid()] = FontConfiguration()
    return _FONT_CONFIGURATIONS[os.getpid()]


Finish = Callable[["Laid", pydyf.PDF], None]  # a change to the PDF objects before writing


def _finisher(tagged: bool, fillable: bool) -> Finish | None:
    """What to change in the PDF objects before they are written, if anything."""
    wanted = {mark_header_scopes: tagged, fix_radio_groups: fillable}
    steps = [step for step, on in wanted.items() if on]

    def finish(document: Laid, pdf: pydyf.PDF) -> None:
        for step in steps:
            step(document, pdf)

    return finish if steps else None


def mark_header_scopes(document: Laid, pdf: pydyf.PDF) -> None:
    """Give each tagged table header cell the scope its HTML gives it: /Row for scope="row",
    else /Column. WeasyPrint links data cells to their headers but writes no scope, so a header
    that heads only other headers (a log's "Day" above the day names) heads nothing a screen
    reader or a PDF/UA checker can see."""
    for page in document.pages:
        for box in boxes(page):
            mark = getattr(box, "mark", None)  # the box's structure element, if tagged
            if mark is not None and box.element_tag == "th" and "A" in mark:
                row = box.element.get("scope") == "row"
                mark["A"]["Scope"] = "/Row" if row else "/Column"


def forget_fonts() -> None:
    """Remove the folder where this process's font configuration copied the fonts it uses
    (about 7 MB). WeasyPrint removes it only when the configuration is garbage collected, which
    the end of a process does not promise, and a pool worker's end never does."""
    configuration = _FONT_CONFIGURATIONS.pop(os.getpid(), None)
    folder = font_folder(configuration)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def fix_radio_groups(document: Laid, pdf: pydyf.PDF) -> None:
    """Make each group of radio buttons one form field, as PDF readers expect.

    WeasyPrint gives every button of a group the group's name as well and lists it among the
    form's fields, so readers would see each button as a field of its own; the buttons become
    plain parts of their group. Runs on the PDF objects before they are written."""
    form = pdf.catalog.get("AcroForm")
    if form is None:
        return  # nothing to fill in: a handout without answer places
    buttons = set()
    for group in (_object(pdf, reference) for reference in form["Fields"]):
        if group.get("FT") == "/Btn" and "Kids" in group:
            buttons.update(group["Kids"])
            for kid in (_object(pdf, reference) for reference in group["Kids"]):
                for key in ("T", "TU", "FT"):
                    kid.pop(key, None)
    form["Fields"] = pydyf.Array(f for f in form["Fields"] if f not in buttons)


def _object(pdf: pydyf.PDF, reference: bytes) -> Any:
    """The object an indirect reference (b'12 0 R') points to."""
    return pdf.objects[int(reference.split()[0])]


class _Accessibility(HTMLParser):
    """Finds what a screen reader would miss: the language, the title, text for each picture."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.open_svgs: list[bool] = []  # per <svg> being read: has it a <title> yet?
        self.title = ""
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html" and not (attributes.get("lang") or "").strip():
            self.problems.append("the document has no language (lang)")
        elif tag == "img" and not (attributes.get("alt") or "").strip():
            self.problems.append(f"an image has no alt text: {(attributes.get('src') or '')[:60]}")
        elif tag == "svg":
            self.open_svgs.append(bool((attributes.get("aria-label") or "").strip()))
        elif tag == "title":
            self.in_title = True
            if self.open_svgs:
                self.open_svgs[-1] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "svg" and self.open_svgs and not self.open_svgs.pop():
            self.problems.append("a drawing (svg) has no <title> or aria-label to describe it")

    def handle_data(self, data: str) -> None:
        if self.in_title and not self.open_svgs:
            self.title += data


def accessibility_problems(html: str) -> list[str]:
    """What would make the tagged PDF fail PDF/UA: no language, no title, a picture without text."""
    parser = _Accessibility()
    parser.feed(html)
    parser.close()
    if not parser.title.strip():
        parser.problems.append("the document has no title")
    return [f"accessibility: {problem}" for problem in parser.problems]


class RenderWarnings(HandoutError):
    """WeasyPrint reported a problem (a missing image, bad CSS); strict mode stops here."""

    def __init__(self, title: str, warnings: list[str]):
        listed = "\n".join(f"  {message}" for message in warnings)
        super().__init__(f"'{title}' did not render cleanly:\n{listed}")
