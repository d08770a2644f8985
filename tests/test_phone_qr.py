"""Printed worksheets point to their phone copies: with phone_url in the practice profile, a
vector QR code and the short address, in the worksheet's language, with no client detail."""

from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp

from generator import api
from generator.core.options import Options
from tests.helpers import flat, pdf_pages_text


def _profile(tmp_path, url="https://example.org/homework/"):
    path = tmp_path / "practice.yaml"
    path.write_text(f"name: Riverside Counseling\nphone_url: {url}\n")
    return api.practice(path)


def _codes(data: bytes, page: int) -> list[str]:
    image = pypdfium2.PdfDocument(data)[page].render(scale=4).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image)]


@pytest.mark.parametrize(
    ("language", "address"),
    [
        ("en", "https://example.org/homework/where-am-i.html"),
        ("es", "https://example.org/homework/es/where-am-i.html"),
    ],
)
def test_a_printed_worksheet_carries_a_qr_code_to_its_phone_copy(tmp_path, language, address):
    who = api.person(api.Person(client="Zoë Ñúñez"), practice=_profile(tmp_path))
    (pdf,) = api.build(["where-am-i"], who, Options(language=language))
    last = pdf.pages - 1
    assert _codes(pdf.data, last) == [address]  # the module's address, no client detail
    text = flat(pdf_pages_text(pdf.data)[last])
    assert address.removeprefix("https://") in text
    assert ("On your phone:" if language == "en" else "En su teléfono:") in text
    # The page holds no picture at all: the code just read is drawn in vector paths.
    objects = pypdfium2.PdfDocument(pdf.data)[last].get_objects(max_depth=5)
    assert pypdfium2.raw.FPDF_PAGEOBJ_IMAGE not in [found.type for found in objects]


def test_handouts_and_practices_without_phone_url_print_none(tmp_path):
    who = api.person(practice=_profile(tmp_path))
    (handout,) = api.build(["what-is-interdependence"], who)
    assert all(not _codes(handout.data, page) for page in range(handout.pages))
    (plain,) = api.build(["where-am-i"])
    assert not _codes(plain.data, plain.pages - 1)


def test_phone_url_must_be_https(tmp_path):
    path = tmp_path / "practice.yaml"
    path.write_text("phone_url: http://example.org/homework\n")
    with pytest.raises(api.HandoutError) as raised:
        api.practice(path)
    assert "'phone_url': expected a web address starting https://" in raised.value.message


def test_the_qr_code_adds_no_page_and_points_into_the_site_as_written(tmp_path):
    """The code stands beside the footer's words and its address prints in the bottom margin,
    so a full worksheet keeps its two pages; 'handouts site' puts each language's copies where
    the codes point (Spanish under es/), so one folder copied whole serves both."""
    practice = _profile(tmp_path, "https://example.org/homework")
    api.new_practice_key()
    client = api.Person(client="Ana", note="Bring this next week.")
    modules = ["support-network-map", "codependency-self-check", "trust-tracker"]
    for language in ("en", "es"):
        options = Options(language=language)
        plain = api.build(modules, api.person(client), options)
        printed = api.build(modules, api.person(client, practice), options)
        assert [p.pages for p in printed] == [p.pages for p in plain], language
        api.build_site(tmp_path / "site", modules, practice, options)
        for pdf in printed:
            (address,) = _codes(pdf.data, pdf.pages - 1)
            served = tmp_path / "site" / address.removeprefix("https://example.org/homework/")
            assert served.is_file(), address
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "es" / "index.html").is_file()
