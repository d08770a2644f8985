"""The press: many documents whose heads are alike (a participant's details to stamp on a
packet, a live preview as it is typed) laid out with their style sheets read once."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .pdf import (
    ONE_AT_A_TIME,
    LocalFetcher,
    RenderWarnings,
    captured_warnings,
    font_configuration,
)
from .render import Document
from .resources import TEMPLATES_DIR
from .sheets import read_once

if TYPE_CHECKING:
    from weasyprint.document import Document as Laid


class Press:
    """Renders many documents whose heads are all alike (one participant's details each, or a
    preview as it is typed): their style sheets are read once, and only each body is laid out
    (as user style sheets, in the order of the head: see sheets.py)."""

    def __init__(self, sample: Document, roots: Iterable[Path] = (), strict: bool = True):
        self.head = sample.html.partition("</head>")[0]
        self.fetcher = LocalFetcher([TEMPLATES_DIR, *roots])
        self.strict = strict
        with captured_warnings() as warnings:
            page, self.sheets = read_once(sample.html, self.fetcher, font_configuration(), warnings)
        self.bare_head = page.partition("</head>")[0]
        self._check(sample.title, warnings)

    def render(self, document: Document) -> bytes:
        """The document as an untagged PDF, without forms: a layer for shared, tagged pages."""
        with ONE_AT_A_TIME, captured_warnings() as warnings:
            data = self._laid_out(document).write_pdf(attachments=[])
        self._check(document.title, warnings)
        return data

    def layout(self, document: Document) -> Laid:
        """The document laid out (untagged, without form fields), not yet written."""
        with ONE_AT_A_TIME, captured_warnings() as warnings:
            laid_out = self._laid_out(document)
        self._check(document.title, warnings)
        return laid_out

    def _laid_out(self, document: Document) -> Laid:
        head, end, body = document.html.partition("</head>")
        if head != self.head:
            raise ValueError("a press renders only documents with the sample's head")
        from weasyprint import HTML  # loaded by core.pdf, which remembers the libraries it found

        html = HTML(
            string=self.bare_head + end + body,
            base_url=TEMPLATES_DIR.as_uri() + "/",
            url_fetcher=self.fetcher,
        )
        return html.render(font_config=font_configuration(), stylesheets=self.sheets)

    def _check(self, title: str, warnings: list[str]) -> None:
        if self.strict and warnings:
            raise RenderWarnings(title, warnings)
