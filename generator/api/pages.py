"""Pages for the authoring tools and the app: sample renders, the live preview, pictures of
pages, and the tool's own page templates as HTML or PDF."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.content import Library
from ..core.languages import parse as parse_language
from ..core.options import Options
from ..core.profiles import (
    Personal,
    Practice,
)

if TYPE_CHECKING:  # named only: the modules behind them load the engine or a PDF library
    from PIL.Image import Image

    from ..core.pdf import Rendered
    from ..core.validate import CheckedModule


def render_sample(
    group: Sequence[CheckedModule],
    library: Library,
    practice: Practice | None = None,
    options: Options | None = None,
    remember: bool = False,
) -> Rendered:
    """Checked modules rendered strictly for the sample client, as check, previews and the
    catalog show them (with the practice's profile when given), in the library's language.
    With 'remember', the same modules rendered before from the same files come from the
    user's cache folder (sample pages only: no client's details)."""
    from ..core.build import render_sample as render

    return render(group, library, practice, options, remember)


def preview_pages(
    ids: Sequence[str],
    who: Personal,
    options: Options,
    library: Library,
    wanted: str = "first",
) -> dict:
    """The live preview of a build: page 1 ('first') or the other pages ('rest') as PNG data
    addresses, with the page count and the file name; held in memory only."""
    from ..core.preview import preview_pages as pages

    return pages(ids, who, options, library, wanted)


def forget_preview() -> None:
    """Drop the last preview's layout (it holds a client's details)."""
    from ..core.preview import forget

    forget()


def sample_page(library: Library, module_id: str, scale: float = 0.45) -> bytes:
    """A module's page 1 for the sample client as a PNG (a thumbnail), laid out quickly."""
    from ..core.preview import sample_page as page

    return page(library, module_id, scale)


def page_images(pdf: bytes, pages: Iterable[int] | None = None, scale: float = 1.0) -> list[Image]:
    """The given pages (0-based; all when None) of a PDF as RGB images."""
    from ..core.raster import page_images as images

    return images(pdf, pages, scale)


def png_bytes(image: Image, fast: bool = False) -> bytes:
    """An image as PNG data: small by default, quick to make when 'fast'."""
    from ..core.raster import png_bytes as png

    return png(image, fast)


def render_page(template: str, language: str = "en", **context: Any) -> str:
    """One of the tool's own page templates (e.g. 'catalog.html') filled in, in a language."""
    from ..core.render import environment, load_template, render_template

    env = environment(languages=parse_language(language))
    return render_template(load_template(env, template), **context)


def render_html(
    html: str, title: str, language: str, roots: Iterable[Path] = (), strict: bool = True
) -> Rendered:
    """A whole HTML page of the tool's own as a tagged PDF, loading only files under 'roots'."""
    from ..core.pdf import render_pdf
    from ..core.render import Document

    return render_pdf(Document(html, title, language), roots, strict)


def shelves(entries: list[dict], language: str = "en") -> list[tuple[str, list[dict]]]:
    """Modules (entries with a 'module') on shelves by topic, as the catalog and the homework
    site show them, each shelf named in the language."""
    from ..core.topics import shelves as on_shelves

    return on_shelves(entries, language)


def topic_name(topic: str, language: str = "en") -> str:
    """A topic's name in a language, as the app, the catalog and the homework site show it."""
    from ..core.topics import topic_name as name

    return name(topic, language)
