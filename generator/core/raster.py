"""Pages as pictures: a PDF's pages drawn as images (pypdfium2), and images as PNG data."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterable

import pypdfium2
from PIL import Image

PREVIEW_SCALE = 1.0  # 72 dpi: a US Letter page is 612 x 792 pixels
_PDFIUM = threading.Lock()


def page_images(
    pdf: bytes, pages: Iterable[int] | None = None, scale: float = PREVIEW_SCALE
) -> list[Image.Image]:
    """The given pages (0-based; all when None) of a PDF as RGB images."""
    with _PDFIUM:  # PDFium is not safe to call from two threads at once
        document = pypdfium2.PdfDocument(pdf)
        try:
            numbers = range(len(document)) if pages is None else pages
            return [document[n].render(scale=scale).to_pil().convert("RGB") for n in numbers]
        finally:
            document.close()


def png_bytes(image: Image.Image, fast: bool = False) -> bytes:
    """PNG data: zlib's usual level by default (files within 2 % of its smallest, in a quarter
    of the time); quicker still when 'fast' (a live preview)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1 if fast else 6)
    return buffer.getvalue()
