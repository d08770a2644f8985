"""The library at a glance: every module, built-in and the user's, with a thumbnail of its first
page, as an HTML page and a PDF, grouped by topic."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..api import (
    HandoutError,
    check_module,
    display_path,
    gettext,
    load_library,
    page_images,
    png_bytes,
    prepare_folder,
    reading_ease,
    reading_grade,
    render_html,
    render_page,
    render_sample,
    shelves,
    write_file,
)


def N_(text: str) -> str:
    """Mark a string for the catalogue of page strings (translated where it is used)."""
    return text


THUMB_SCALE = 0.45  # a US Letter page becomes 275 x 356 pixels
CATALOG_TITLE = N_("Handouts catalog")


@dataclass(frozen=True)
class Made:
    html: Path
    pdf: Path
    count: int
    notices: tuple[str, ...] = ()


def build_catalog(out: Path, content_dirs: Iterable[Path | str] = (), language: str = "en") -> Made:
    """Write catalog.html, catalog.pdf and thumbnails/ID.png into the out folder: the library
    in one language, its pages and the catalog's own words in that language."""
    library = load_library([Path(d) for d in content_dirs], language=language)
    prepare_folder(out / "thumbnails")
    entries, notices = [], [str(p) for p in library.problems]
    for module in sorted(library.modules.values(), key=lambda m: m.title.lower()):
        entry = _entry(module, library, out)
        if isinstance(entry, str):
            notices.append(f"{module.where}: left out of the catalog: {entry}")
        else:
            entries.append(entry)
    if not entries:
        raise HandoutError("no module could be shown; run 'handouts check' to see why")
    groups = shelves(entries, language)
    html = _page(groups, len(entries), language, for_print=False)
    write_file(out / "catalog.html", html.encode("utf-8"))
    title = gettext(language)(CATALOG_TITLE)
    printed = _page(groups, len(entries), language, for_print=True)
    pdf = render_html(printed, title, language, (*library.roots, out.resolve()))
    write_file(out / "catalog.pdf", pdf.data)
    notices += [f"{display_path(out)}: {w}" for w in pdf.warnings]
    return Made(out / "catalog.html", out / "catalog.pdf", len(entries), tuple(notices))


def _entry(module, library, out: Path) -> dict | str:
    checked, problems = check_module(module, library.roots)
    if problems:
        return str(problems[0])
    try:
        result = render_sample((checked,), library, remember=True)
    except HandoutError as error:
        return error.message
    (image,) = page_images(result.data, [0], THUMB_SCALE)
    thumb = out / "thumbnails" / f"{module.id}.png"
    write_file(thumb, png_bytes(image))
    return {
        "module": module,
        "pages": result.pages,
        "grade": reading_grade(checked),
        "ease": reading_ease(checked),
        "thumb": f"thumbnails/{module.id}.png",
        "thumb_uri": thumb.resolve().as_uri(),
        "mine": not module.builtin,
    }


def _page(groups, count: int, language: str, for_print: bool) -> str:
    return render_page("catalog.html", language, groups=groups, count=count, for_print=for_print)
