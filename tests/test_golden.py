"""Golden page text: a built-in handout and worksheet, page by page, for a fixed client.

Refresh after an intended change with `make golden`, then review the diff. On a mismatch the
actual text is written to tests/golden/actual/ to compare with the expected file."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.build import build_handout
from generator.profiles import load_practice, make_personal
from generator.resources import CONTENT_DIR
from tests.conftest import pdf_pages_text

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("module_id", ["journey", "where-am-i"])
def test_page_text_matches_golden(module_id, tmp_path, request):
    personal = make_personal(
        client="Zoë Ñúñez",
        date="2026-11-22",
        session=4,
        practice=load_practice(CONTENT_DIR / "practice.example.yaml"),
    )
    built = build_handout([module_id], personal, out=tmp_path)
    pages = pdf_pages_text(built.paths[0])
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
