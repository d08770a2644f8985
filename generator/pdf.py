"""Lay out HTML with WeasyPrint and write PDFs: a local-only fetcher, strict logs, atomic files."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

from .errors import HandoutError, display_path
from .render import Document, Options
from .resources import TEMPLATES_DIR
from .stamp import Slot, find_slots

# Tagged and accessible by default: a screen reader gets the structure, language and alt texts.
PDF_VARIANT = "pdf/ua-1"
# Messages about this machine's set-up, not about the document: they never fail a build.
ENVIRONMENT_NOTES = ("Using fontTools instead of HarfBuzz-Subset",)
PARTIAL = ".part"  # suffix of a file still being written


class FetchRefused(Exception):
    """A resource the document may not load."""


class LocalFetcher(URLFetcher):
    """Serves only data: URLs and files under the given folders; never the network."""

    def __init__(self, roots: Iterable[Path]):
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and _inside(_file_path(url), self.roots):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise FetchRefused(
            f"refused to load '{url}': only files inside the templates and "
            "content folders may be used"
        )


def _file_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path)).resolve()


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        message = record.getMessage().strip()
        if not message.startswith(ENVIRONMENT_NOTES):
            self.messages.append(message)


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
    slots: tuple[Slot, ...] = ()  # where the participant places are, when asked for
    page_height: float = 0  # CSS pixels
    # Pages left blank so that the next part starts on a right-hand page (0-based).
    blank_pages: tuple[int, ...] = ()


# One layout at a time in a process: threads (the web app's requests) share one font
# configuration and one log to read warnings from, and WeasyPrint holds the GIL anyway.
_ONE_AT_A_TIME = threading.RLock()


def render_pdf(
    document: Document,
    roots: Iterable[Path] = (),
    strict: bool = True,
    options: Options = Options(),
    tagged: bool = True,
    slots: bool = False,
) -> Rendered:
    """Lay out the document and return the PDF bytes; in strict mode any warning is an error.

    Untagged output is only for stamps laid over tagged pages; 'slots' also returns where the
    participant places are."""
    fetcher = LocalFetcher([TEMPLATES_DIR, *roots])
    pdf_options = {"pdf_variant": PDF_VARIANT if tagged else None, "pdf_forms": options.fillable}
    with _ONE_AT_A_TIME, captured_warnings() as warnings:
        warnings += accessibility_problems(document.html) if tagged else []
        fonts = font_configuration()
        html = HTML(
            string=document.html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher
        )
        laid_out = html.render(font_config=fonts, **pdf_options)
        finisher = fix_radio_groups if options.fillable else None
        data = laid_out.write_pdf(attachments=[], finisher=finisher, **pdf_options)
    if strict and warnings:
        raise RenderWarnings(document.title, warnings)
    return Rendered(
        data,
        len(laid_out.pages),
        tuple(warnings),
        find_slots(laid_out.pages) if slots else (),
        laid_out.pages[0].height if laid_out.pages else 0,
        tuple(i for i, page in enumerate(laid_out.pages) if page._page_box.page_type.blank),
    )


_FONT_CONFIGURATIONS: dict[int, FontConfiguration] = {}


def font_configuration() -> FontConfiguration:
    """One WeasyPrint font configuration per process, shared by every document it renders, so
    the bundled fonts are read and registered once rather than for every PDF. (Per process: a
    forked worker gets its own.) Fonts come only from the templates folder, which every
    document may use."""
    if os.getpid() not in _FONT_CONFIGURATIONS:
        _FONT_CONFIGURATIONS[os.getpid()] = FontConfiguration()
    return _FONT_CONFIGURATIONS[os.getpid()]


def fix_radio_groups(document, pdf: pydyf.PDF) -> None:
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


def _object(pdf: pydyf.PDF, reference: bytes):
    """The object an indirect reference (b'12 0 R') points to."""
    return pdf.objects[int(reference.split()[0])]


class _Accessibility(HTMLParser):
    """Finds what a screen reader would miss: the language, the title, text for each picture."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self.open_svgs: list[bool] = []  # per <svg> being read: has it a <title> yet?
        self.title = ""
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html" and not (attributes.get("lang") or "").strip():
            self.problems.append("the document has no language (lang)")
        elif tag == "img" and not (attributes.get("alt") or "").strip():
            self.problems.append(f"an image has no alt text: {attributes.get('src', '')[:60]}")
        elif tag == "svg":
            self.open_svgs.append(bool((attributes.get("aria-label") or "").strip()))
        elif tag == "title":
            self.in_title = True
            if self.open_svgs:
                self.open_svgs[-1] = True

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag == "svg" and self.open_svgs and not self.open_svgs.pop():
            self.problems.append("a drawing (svg) has no <title> or aria-label to describe it")

    def handle_data(self, data):
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


# --- writing files -------------------------------------------------------------------


def prepare_folder(folder: Path) -> None:
    """Make sure the output folder exists and can be written, before any file goes there."""
    where = display_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise HandoutError(f"cannot write to output folder '{where}': {reason}") from None


def write_atomic(path: Path, data: bytes | Callable[[BinaryIO], object]) -> None:
    """Write a file so that it is either complete or absent: temp file, then rename.

    'data' is the bytes, or a function that writes them to a stream (e.g. pikepdf's save)."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PARTIAL)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data) if isinstance(data, bytes) else data(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def remove_partial(folder: Path) -> int:
    """Delete what an interrupted or killed run was still writing; returns how many."""
    removed = 0
    for leftover in folder.glob(f".*{PARTIAL}"):
        leftover.unlink(missing_ok=True)
        removed += 1
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
