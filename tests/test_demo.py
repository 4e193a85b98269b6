"""The demo street office in data/: valid, as large as the spec asks, and its booklet readable."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from booklet.data.checks import check_data
from booklet.household import book

from conftest import DEMO
from pdfread import embedded_fonts, page_sizes_mm, page_texts, qr_codes


@pytest.fixture(scope="module")
def demo():
    return check_data(DEMO)


@pytest.fixture(scope="module")
def booklet_pdf(demo_output) -> Path:
    return demo_output / book.READING_COPY


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_demo_passes_check(demo):
    errors = [str(p) for p in demo.problems if not p.warning]
    assert errors == []


def test_the_demo_is_as_large_as_a_real_street_office_in_miniature(demo):
    assert len(demo.stations) >= 8
    assert len(demo.cadres) >= 30
    assert len(demo.services) >= 40
    assert len({s.category for s in demo.services}) >= 6
    names = "".join(c.name for c in demo.cadres)
    assert {"喆", "堃", "赟"} <= set(names)
    without_photo = [c for c in demo.cadres if c.photo is None]
    assert 0 < len(without_photo) < len(demo.cadres) / 4
    assert any(c.pinyin for c in demo.cadres)


def test_the_booklet_is_a5_with_every_service_name_in_its_text(demo, booklet_pdf):
    assert set(page_sizes_mm(booklet_pdf)) == {(148, 210)}
    text = _squash("".join(page_texts(booklet_pdf)))
    missing = [s.name for s in demo.services if _squash(s.name) not in text]
    assert missing == []
    assert "0571-80000000" in text  # the supervision phone on the cover


def test_the_cjk_fonts_are_embedded(booklet_pdf):
    used = embedded_fonts(booklet_pdf)
    assert any("Noto-Sans-CJK-SC" in name for name in used)
    assert all(used.values()), used


def test_every_qr_code_dials_the_right_number_or_opens_the_right_address(demo, booklet_pdf):
    # One per service item (its primary handler), one per person in the staff directory,
    # and the supervision phone; one per item handled online at an address, which opens it.
    expected = Counter(demo.cadre(s.handlers[0]).dial.tel for s in demo.services)
    expected.update(c.dial.tel for c in demo.cadres)
    expected.update([demo.org.supervision.phone.tel])
    addresses = [s.online_url for s in demo.services if s.online_url]
    assert addresses  # the demo shows one
    expected.update(addresses)
    expected.update([demo.org.web_url] * 2)  # the phone edition, on the guide page and the back cover
    addresses.append(demo.org.web_url)
    codes = [code for page in qr_codes(booklet_pdf, dpi=200) for code in page]  # 4 pixels a module and more
    assert Counter(code.text for code in codes) == expected
    assert all(re.fullmatch(r"tel:\+86\d{10,11}", code.text) or code.text in addresses for code in codes)
    narrow = [code for code in codes if code.symbol_mm < 15]  # the symbol alone, quiet zone aside
    assert narrow == []
