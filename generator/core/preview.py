"""A live preview: the pages a form describes as pictures, page 1 first and the others on
request, laid out without the download's tagging and form fields, with the style sheets read
once per set of print choices (a press, as a roster's stamps use); and a module's first page
for the sample client, as the library's thumbnails show it."""

from __future__ import annotations

import base64
import hashlib
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import cache
from .build import named_groups, prepare_handouts, sample_entry, sample_person, sample_stamp
from .content import Library
from .options import Options, settle
from .pdf import ONE_AT_A_TIME
from .press import Press
from .profiles import Personal
from .raster import page_images, png_bytes
from .render import Document, render_document
from .validate import check_modules

if TYPE_CHECKING:
    from weasyprint.document import Document as Laid

SCALE = 1.0  # 72 dpi: a page is 612 x 792 pixels, sharp enough to read on screen
_PRESSES: dict[str, Press] = {}  # by the document's head: its sheets, read once
_LAST: dict[str, Any] = {}  # the last layout, by its HTML, for its other pages
_LOCK = threading.Lock()


def preview_pages(
    ids: Sequence[str],
    who: Personal,
    options: Options,
    library: Library,
    wanted: str = "first",
) -> dict:
    """Page 1 of the PDF the form asks for ('first'), or its other pages ('rest'), as PNG data
    addresses, with the number of pages and the file name. Held in memory only."""
    prepared = prepare_handouts(ids, who, library, True, options)
    ((name, group),) = named_groups(prepared, True)
    document = render_document(group, prepared.personal, prepared.options, safety=prepared.safety)
    logo = (who.practice.logo,) if who.practice.logo else ()
    laid_out = _remembered(document, (*library.roots, *logo))
    chosen = laid_out.pages[:1] if wanted == "first" else laid_out.pages[1:]
    found = page_images(_written(laid_out, chosen), None, SCALE) if chosen else []
    images = [_address(png_bytes(image, fast=True)) for image in found]
    return {"pages": images, "count": len(laid_out.pages), "name": name}


def sample_page(library: Library, module_id: str, scale: float) -> bytes:
    """A module's page 1 for the sample client, as a PNG, laid out as the live preview is;
    remembered in the cache folder until the module, a template or the tool changes."""
    personal = sample_person(library.language)
    options = settle(Options(language=library.language), personal.practice)
    (module,) = library.select([module_id])
    stamp = sample_stamp(library)
    entry = cache.key(stamp, repr(module), repr(personal), repr(options), f"{scale}")
    found = cache.thumbnail(entry)
    if found:
        return found
    # The sample 'handouts previews' or 'catalog' remembered, if any: page 1 is this page.
    remembered = cache.sample(sample_entry(stamp, [module], personal, options))
    if remembered:
        first = remembered[0]
    else:
        checked = check_modules([module], library.roots)
        laid_out = _layout(render_document(checked, personal, options), library.roots)
        first = _written(laid_out, laid_out.pages[:1])
    (image,) = page_images(first, [0], scale)
    data = png_bytes(image, fast=True)
    cache.keep_thumbnail(entry, data)
    return data


def forget() -> None:
    """Drop the last layout (it holds a client's details)."""
    with _LOCK:
        _LAST.clear()


def _remembered(document: Document, roots: Iterable[Path]) -> Laid:
    """The laid-out document, made again only when its HTML changed since the last call."""
    key = hashlib.sha256(document.html.encode()).hexdigest()
    with _LOCK:
        if key in _LAST:
            return _LAST[key]
    laid_out = _layout(document, roots)
    with _LOCK:
        _LAST.clear()  # one client's layout at a time, never kept beyond the next
        _LAST[key] = laid_out
    return laid_out


def _layout(document: Document, roots: Iterable[Path]) -> Laid:
    """The document laid out by the press for its head; a renderer's warning is an error, as
    in every build."""
    with ONE_AT_A_TIME:
        return _press(document, roots).layout(document)


def _written(laid_out: Laid, pages: list) -> bytes:
    """Some of a layout's pages as PDF data. Drawing text calls into Pango as laying it out
    does, and Pango is not safe to call from two threads at once (a thumbnail being drawn
    while a preview is written crashed the app), so one thread at a time."""
    with ONE_AT_A_TIME:
        return laid_out.copy(pages).write_pdf()


def _press(document: Document, roots: Iterable[Path]) -> Press:
    head = document.html.partition("</head>")[0]
    with _LOCK:
        press = _PRESSES.get(head)
    if press is None:
        with ONE_AT_A_TIME:
            press = Press(document, roots)
        with _LOCK:
            if len(_PRESSES) > 16:
                _PRESSES.clear()
            _PRESSES[head] = press
    return press


def _address(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()
