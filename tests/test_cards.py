"""Contact cards (联系卡), read back from the sheets a clerk prints and cuts."""
from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from booklet import cards
from booklet.data.checks import check_data

from conftest import DEMO, run_cli
from pdfread import page_sizes_mm, page_texts, qr_codes

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
    assert page_sizes_mm(pdf) == [(210, 297)] * (2 * len(staff))  # ten copies each: a sheet, both sides, per person


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
    grid_top = min(c.top for c in cards.CELLS)  # rows share their cut lines: no bleed at top or bottom
    grid_bottom = max(c.top for c in cards.CELLS) + cards.CARD[1]
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
            left, top = cell.left - cards.BLEED, cell.top
            right, bottom = cell.left + cards.CARD[0] + cards.BLEED, cell.top + cards.CARD[1]
            assert x1 < left or x0 > right or y1 < top or y0 > bottom, (mark, cell)


def test_every_cut_mark_is_where_an_office_printer_prints():
    # Laser printers leave about 5 mm at each edge unprinted.
    for mark in cards.cut_marks():
        assert mark["x"] >= 4 and mark["x"] + mark["width"] <= cards.SHEET[0] - 4, mark
        assert mark["y"] >= 4 and mark["y"] + mark["height"] <= cards.SHEET[1] - 4, mark


def test_a_card_whose_text_would_overlap_is_refused(minimal):
    cadres = minimal / "cadres.yaml"
    long_duty = "负责" + "、".join(f"第{n}项事务的受理登记审核和回访" for n in range(1, 30))
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("      - 低保、特困供养申请受理", f"      - {long_duty}"),
                      encoding="utf-8")
    result = run_cli("cards", "--data", "data", "--out", "out", "--cadre", "zhangsan")
    assert result.code == 3
    assert result.stderr.splitlines()[0] == \
        f"错误：张三（zhangsan）的联系卡背面放不下：第一条工作职责有 {len(long_duty)} 字，太长了，请精简"


def test_a_back_that_runs_onto_another_page_is_the_one_named_not_the_cards_after_it(minimal):
    """A back that runs past its card moves every face after it: the person named is the one
    whose duties are too long, not the next person, whose front only seems not to fit."""
    cadres = minimal / "cadres.yaml"
    long_duty = "负责" + "、".join(f"第{n}项事务的受理登记审核和回访" for n in range(1, 30))
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("      - 低保、特困供养申请受理", f"      - {long_duty}"),
                      encoding="utf-8")
    result = run_cli("cards", "--data", "data", "--out", "out")
    assert result.code == 3
    assert result.stderr.splitlines()[-2].startswith("错误：张三（zhangsan）的联系卡背面放不下")


def test_short_duties_that_run_past_the_back_are_shown_as_far_as_they_fit(minimal, workdir: Path):
    """Twelve duties of seven or eight characters are within the characters a back shows, but each takes a
    line: the back shows those that fit, whole, and the card is made."""
    cadres = minimal / "cadres.yaml"
    duties = [f"第{n}类事项登记" for n in range(1, 13)]
    listed = "".join(f"      - {duty}\n" for duty in duties)
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("      - 低保、特困供养申请受理\n", listed),
                      encoding="utf-8")
    assert sum(map(len, duties)) <= cards.BRIEF_CHARS
    result = run_cli("cards", "--data", "data", "--out", "out", "--cadre", "zhangsan")
    assert result.code == 0, result.stderr
    (pdf,) = (workdir / "out" / cards.FOLDER).iterdir()
    back = _squash(page_texts(pdf)[1])
    shown = [duty for duty in duties if duty in back]
    assert 3 <= len(shown) < len(duties)
    assert shown == duties[:len(shown)]


def test_vcard_splits_compound_surnames(minimal, workdir: Path):
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("    name: 张三", "    name: 欧阳晓"), encoding="utf-8")
    assert run_cli("cards", "--data", "data", "--out", "out", "--cadre", "zhangsan", "--qr", "vcard").code == 0
    (pdf,) = (workdir / "out" / cards.FOLDER).iterdir()
    assert "N:欧阳;晓;;;" in qr_codes(pdf, dpi=300)[0][0].text


def _copied(pdf: Path) -> str:
    """The text a PDF viewer built on poppler (Evince, Okular) copies from the whole file."""
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_names_and_numbers_copy_as_written_from_cards_and_plates(demo, demo_output):
    """Letter-spacing made viewers copy 「黄 丽萍」: a search for the name failed."""
    for folder in (cards.FOLDER, "便民身份证"):
        for pdf in (demo_output / folder).glob("*.pdf"):
            lines = {line.strip() for line in _copied(pdf).splitlines()}
            people = [c for c in demo.cadres if demo.station(c.station).name == pdf.stem]
            assert people, pdf
            for c in people:
                assert c.name in lines, (pdf.name, c.name)
                for phone in (c.mobile, c.office_phone):
                    assert phone is None or any(line.endswith(str(phone)) for line in lines), (pdf.name, phone)


def test_no_text_a_resident_reads_on_a_card_is_under_8_pt(demo_output):
    from pdfread import text_runs

    sizes = {run.size for pdf in (demo_output / cards.FOLDER).glob("*.pdf")
             for page in text_runs(pdf) for run in page}
    assert sizes and min(sizes) >= 8, sorted(sizes)
