"""Golden pages: the text of a handout and a worksheet page by page, and low-resolution images of
three representative pages, for a fixed client.

Refresh after an intended change with `make golden`, then review the diff. On a mismatch the
actual text or image (and an image of the differences) is written to tests/golden/actual/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from generator.api import Person, page_images
from generator.core.options import Options
from generator.core.profiles import load_practice, make_personal
from generator.core.resources import CONTENT_DIR
from tests.helpers import build_handout, pypdf_pages_text

GOLDEN = Path(__file__).parent / "golden"
IMAGE_SCALE = 0.5  # 36 dpi: enough to see layout, small enough to store
PIXEL_STEP = 48  # a pixel counts as changed when its grey level moves by more than this
TOLERANCE = 0.004  # share of changed pixels allowed (anti-aliasing differences between machines)


def _build(module_id: str, tmp_path: Path, language: str = "") -> Path:
    practice = load_practice(CONTENT_DIR / "practice.example.yaml")
    if language:  # in another language: the region's lines, in it, stand for the practice's
        practice = replace(practice, crisis_line="", safety_line="")
    personal = make_personal(
        Person(client="Zoë Ñúñez", date="2026-11-22", session=4), practice=practice
    )
    options = Options(language=language, region="US" if language else "")
    return build_handout([module_id], personal, out=tmp_path, options=options).paths[0]


@pytest.mark.parametrize("module_id", ["journey", "where-am-i"])
def test_page_text_matches_golden(module_id, tmp_path, request):
    built = _build(module_id, tmp_path)
    pages = pypdf_pages_text(built)
    actual = "".join(f"=== page {n} ===\n{text.rstrip()}\n" for n, text in enumerate(pages, 1))
    expected_file = GOLDEN / f"{module_id}.txt"
    if request.config.getoption("--update-golden"):
        expected_file.write_text(actual, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    if actual != expected:
        actual_file = GOLDEN / "actual" / f"{module_id}.txt"
        actual_file.parent.mkdir(exist_ok=True)
        actual_file.write_text(actual, encoding="utf-8")
        pytest.fail(f"page text differs from {expected_file.name}; actual written to {actual_file}")


@pytest.mark.parametrize(
    ("module_id", "page", "language"),
    [
        ("journey", 1, ""),
        ("where-am-i", 1, ""),
        ("support-network-map", 1, ""),
        ("journey", 1, "es"),  # a Spanish handout
        ("where-am-i", 2, "es+en"),  # a bilingual page: text side by side, components once
    ],
)
def test_page_image_matches_golden(module_id, page, language, tmp_path, request):
    built = _build(module_id, tmp_path, language)
    (image,) = page_images(built.read_bytes(), [page - 1], IMAGE_SCALE)
    actual = image.convert("L")
    suffix = f"-{language.replace('+', '-')}" if language else ""
    expected_file = GOLDEN / f"{module_id}{suffix}-page{page}.png"
    if request.config.getoption("--update-golden"):
        actual.save(expected_file, optimize=True)
    expected = Image.open(expected_file).convert("L")
    changed = _changed_share(expected, actual)
    if changed > TOLERANCE:
        folder = GOLDEN / "actual"
        folder.mkdir(exist_ok=True)
        actual.save(folder / expected_file.name)
        if expected.size == actual.size:
            diff = ImageChops.difference(expected, actual).point(lambda v: 255 - v)
            diff.save(folder / f"{expected_file.stem}-diff.png")
        pytest.fail(
            f"page {page} of {module_id} differs from {expected_file.name} in {changed:.2%} of "
            f"pixels (allowed {TOLERANCE:.2%}); actual image written to {folder}"
        )


def _changed_share(expected: Image.Image, actual: Image.Image) -> float:
    if expected.size != actual.size:
        return 1.0
    diff = ImageChops.difference(expected, actual).point(lambda v: 255 if v > PIXEL_STEP else 0)
    return diff.histogram()[255] / (diff.width * diff.height)
