"""Pictures of pages: every module's first page (or every page) as PNG, and one contact sheet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from ..api import (
    check_modules,
    load_library,
    page_images,
    png_bytes,
    prepare_folder,
    render_sample,
    write_atomic,
)

SHEET_COLUMNS = 6
SHEET_WIDTH = 200


def library_previews(
    out: Path, content_dirs: Iterable[Path | str] = (), all_pages: bool = False, language="en"
) -> list[Path]:
    """Render every module (in a language) for a sample client and save its first page (or
    all pages) as PNG.

    Also writes library.png, one contact sheet of every first page, to look over at a glance."""
    library = load_library([Path(d) for d in content_dirs], language=language)
    checked = check_modules(library.select(sorted(library.files)), library.roots)
    prepare_folder(out)
    written, firsts = [], []
    for entry in checked:
        result = render_sample((entry,), library, remember=True)
        images = page_images(result.data, None if all_pages else [0])
        for number, image in enumerate(images, 1):
            name = f"{entry.module.id}-page{number}.png" if all_pages else f"{entry.module.id}.png"
            write_atomic(out / name, png_bytes(image))
            written.append(out / name)
        firsts.append((entry.module.id, images[0]))
    write_atomic(out / "library.png", png_bytes(contact_sheet(firsts)))
    return [*written, out / "library.png"]


def contact_sheet(pages: Sequence[tuple[str, Image.Image]]) -> Image.Image:
    """First pages side by side in rows, each captioned with its module id."""
    ratio = pages[0][1].height / pages[0][1].width
    cell_w, cell_h = SHEET_WIDTH, int(SHEET_WIDTH * ratio)
    gap, caption = 12, 18
    columns = min(SHEET_COLUMNS, len(pages))
    rows = -(-len(pages) // columns)
    sheet = Image.new(
        "RGB",
        (gap + columns * (cell_w + gap), gap + rows * (cell_h + caption + gap)),
        "#d9dedf",
    )
    draw = ImageDraw.Draw(sheet)
    for index, (module_id, image) in enumerate(pages):
        x = gap + (index % columns) * (cell_w + gap)
        y = gap + (index // columns) * (cell_h + caption + gap)
        sheet.paste(image.resize((cell_w, cell_h), Image.Resampling.LANCZOS), (x, y))
        draw.text((x, y + cell_h + 3), module_id, fill="#1d2426")
    return sheet
