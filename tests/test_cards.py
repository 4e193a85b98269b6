"""Contact cards (联系卡), read back from the sheets a clerk prints and cuts."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from booklet import cards
from booklet.checks import check_data
from conftest import DEMO, run_cli
from pdfread import page_sizes_mm, qr_codes

MM = 72 / 25.4


@pytest.fixture(scope="module")
def demo():
    return check_data(DEMO)


@pytest.fixture(scope="module")
def one_each(tmp_path_factory) -> Path:
    """The 民政办 cards with one copy each, so that one sheet holds different people."""
    out = tmp_path_factory.mktemp("cards")
    result = run_cli("cards", "--data", str(DEMO), "--out", str(out), "--station", "minzheng", "--copies", "1")
    assert result.code == 0, result.stderr
    (pdf,) = (out / cards.FOLDER).iterdir()
    return pdf


def _cell_text(page, cell: cards.Cell) -> str:
    left, top = cell.left, cell.top
    return page.get_textpage().get_text_bounded(
        left=left * MM, right=(left + cards.CARD[0]) * MM,
        bottom=(cards.SHEET[1] - top - cards.CARD[1]) * MM, top=(cards.SHEET[1] - top) * MM)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_sheets_are_a4_fronts_and_backs_alternating(demo, demo_output):
    pdf = demo_output / cards.FOLDER / f"{demo.station('minzheng').name}.pdf"
    staff = [c for c in demo.cadres if c.station == "minzheng"]
    assert page_sizes_mm(pdf) == [(210, 297)] * (2 * len(staff))  # ten copies each: a sheet pair per person


def test_every_front_qr_dials_its_person(demo, one_each):
    staff = sorted((c for c in demo.cadres if c.station == "minzheng"), key=lambda c: c.order or 0)
    sheets = qr_codes(one_each, dpi=300)
    fronts = [code for sheet in sheets[0::2] for code in sheet]
    assert sorted(code.text for code in fronts) == sorted(c.dial.tel for c in staff)
    assert all(code.width_mm >= 20 for code in fronts)
    assert all(sheet == [] for sheet in sheets[1::2])  # backs carry no code


def test_each_back_lies_behind_its_own_front(demo, one_each):
    staff = sorted((c for c in demo.cadres if c.station == "minzheng"), key=lambda c: c.order or 0)
    document = pdfium.PdfDocument(one_each)
    try:
        front, back = document[0], document[1]
        for cadre, cell in zip(staff, cards.CELLS):
            assert _squash(cadre.name) in _squash(_cell_text(front, cell))
            # Printed duplex, flip on the long edge, the back sheet is seen mirrored left-right:
            # what is behind `cell` is what the back sheet has at the mirrored cell.
            behind = _squash(_cell_text(back, cell.mirrored()))
            assert behind.startswith(_squash(cadre.name) + "·工作职责"), (cadre.name, behind)
            assert _squash(cadre.duties[0]) in behind
    finally:
        document.close()


def test_cut_marks_are_outside_every_card_and_in_line_with_the_trim(one_each):
    dpi = 300
    document = pdfium.PdfDocument(one_each)
    try:
        image = document[1].render(scale=dpi / 72).to_pil().convert("L")  # a back sheet: white cards
    finally:
        document.close()
    px = dpi / 25.4
    grid_left = min(c.left for c in cards.CELLS) - cards.BLEED
    grid_right = max(c.left for c in cards.CELLS) + cards.CARD[0] + cards.BLEED
    grid_top = min(c.top for c in cards.CELLS) - cards.BLEED
    grid_bottom = max(c.top for c in cards.CELLS) + cards.CARD[1] + cards.BLEED
    pixels = image.load()
    marks = []  # every non-white pixel of the margins, which are all of the sheet outside the cards
    for y in range(image.height):
        for x in range(image.width):
            mx, my = x / px, y / px
            edge = 0.2  # the bleed's colour, anti-aliased across the grid's edge
            if grid_left - edge <= mx <= grid_right + edge and grid_top - edge <= my <= grid_bottom + edge:
                continue
            if pixels[x, y] < 200:
                marks.append((mx, my))
    assert marks, "no cut marks"
    edges_x = {e for c in cards.CELLS for e in (c.left, c.left + cards.CARD[0])}
    edges_y = {e for c in cards.CELLS for e in (c.top, c.top + cards.CARD[1])}
    for x, y in marks:
        assert min(abs(x - e) for e in edges_x) < 0.3 or min(abs(y - e) for e in edges_y) < 0.3, (x, y)
    for edge in edges_x:  # every trim edge has its marks
        assert any(abs(x - edge) < 0.3 for x, _ in marks)
    for edge in edges_y:
        assert any(abs(y - edge) < 0.3 for _, y in marks)


def test_vcard_keeps_a_chinese_name_intact(minimal, workdir: Path):
    result = run_cli("cards", "--data", "data", "--out", "out", "--cadre", "zhangsan", "--qr", "vcard")
    assert result.code == 0, result.stderr
    (pdf,) = (workdir / "out" / cards.FOLDER).iterdir()
    codes = qr_codes(pdf, dpi=300)[0]
    assert len(codes) == 10
    text = codes[0].text
    assert "FN:张三" in text and "N:张;三;;;" in text and "ORG:测试街道办事处;民政办" in text
    assert "TEL;TYPE=CELL:+8613900000001" in text and "TITLE:民政助理员" in text


def test_a_bad_qr_choice_is_refused(minimal):
    result = run_cli("cards", "--data", "data", "--qr", "weixin")
    assert result.code == 2
    assert result.stderr.strip() == "错误：--qr 只能是 tel 或 vcard，不是「weixin」"


def test_no_mark_enters_a_card_or_its_bleed():
    for mark in cards.cut_marks():
        x0, y0 = mark["x"], mark["y"]
        x1, y1 = x0 + mark["width"], y0 + mark["height"]
        for cell in cards.CELLS:
            left, top = cell.left - cards.BLEED, cell.top - cards.BLEED
            right, bottom = cell.left + cards.CARD[0] + cards.BLEED, cell.top + cards.CARD[1] + cards.BLEED
            assert x1 < left or x0 > right or y1 < top or y0 > bottom, (mark, cell)
