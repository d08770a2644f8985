"""The module page's live preview: the page the form describes as a picture, page 1 first and
the others on request, laid out without the download's tagging and form fields, with the style
sheets read once per set of print choices (as a roster's stamps are)."""

from __future__ import annotations

import base64
import hashlib
import threading

from ..authoring.previews import page_images, png_bytes
from ..core.build import _named_groups, prepare_handouts
from ..core.pdf import (
    _ONE_AT_A_TIME,
    TEMPLATES_DIR,
    RenderWarnings,
    StampPress,
    captured_warnings,
    font_configuration,
)
from ..core.render import render_document

SCALE = 1.0  # 72 dpi: a page is 612 x 792 pixels, sharp enough to read on screen
_PRESSES: dict[str, StampPress] = {}  # by the document's head: its sheets, read once
_LAST: dict[str, object] = {}  # the last layout, by its inputs, for its other pages
_LOCK = threading.Lock()


def pages(ids, who, options, library, wanted: str = "first") -> dict:
    """Page 1 of the PDF the form asks for ('first'), or its other pages ('rest'), as PNG data
    addresses, with the number of pages and the file name. Held in memory only."""
    prepared = prepare_handouts(ids, who, library, True, options)
    ((name, group),) = _named_groups(prepared.checked, who, True)
    document = render_document(group, who, prepared.options, safety=prepared.safety)
    logo = (who.practice.logo,) if who.practice.logo else ()
    laid_out = _remembered(document, (*library.roots, *logo))
    chosen = laid_out.pages[:1] if wanted == "first" else laid_out.pages[1:]
    found = page_images(laid_out.copy(chosen).write_pdf(), None, SCALE) if chosen else []
    images = [_address(png_bytes(image, fast=True)) for image in found]
    return {"pages": images, "count": len(laid_out.pages), "name": name}


def first_page(document, roots, scale: float) -> bytes:
    """Page 1 of a document (a sample, as the library's thumbnails show) as a PNG."""
    laid_out = layout(document, roots)
    (image,) = page_images(laid_out.copy(laid_out.pages[:1]).write_pdf(), [0], scale)
    return png_bytes(image, fast=True)


def _remembered(document, roots):
    """The laid-out document, made again only when its HTML changed since the last call."""
    key = hashlib.sha256(document.html.encode()).hexdigest()
    with _LOCK:
        if key in _LAST:
            return _LAST[key]
    laid_out = layout(document, roots)
    with _LOCK:
        _LAST.clear()  # one client's layout at a time, never kept beyond the next
        _LAST[key] = laid_out
    return laid_out


def layout(document, roots):
    """The document laid out (untagged, without form fields) with its style sheets read once;
    a renderer's warning is an error, as in every build."""
    from weasyprint import HTML

    press = _press(document, roots)
    _, end, body = document.html.partition("</head>")
    html = HTML(
        string=press.bare_head + end + body,
        base_url=TEMPLATES_DIR.as_uri() + "/",
        url_fetcher=press.fetcher,
    )
    with _ONE_AT_A_TIME, captured_warnings() as warnings:
        laid_out = html.render(font_config=font_configuration(), stylesheets=press.sheets)
    if warnings:
        raise RenderWarnings(document.title, warnings)
    return laid_out


def _press(document, roots) -> StampPress:
    head = document.html.partition("</head>")[0]
    with _LOCK:
        press = _PRESSES.get(head)
    if press is None:
        with _ONE_AT_A_TIME:
            press = StampPress(document, roots)
        with _LOCK:
            if len(_PRESSES) > 16:
                _PRESSES.clear()
            _PRESSES[head] = press
    return press


def _address(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def forget() -> None:
    """Drop the last layout (it holds a client's details)."""
    with _LOCK:
        _LAST.clear()
