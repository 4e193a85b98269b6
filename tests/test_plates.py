"""Door plates (便民身份证), read back from the PDFs a clerk prints."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from booklet.data.checks import check_data

from conftest import DEMO, run_cli
from pdfread import page_sizes_mm, page_texts, qr_codes

PLATES = "便民身份证"


@pytest.fixture(scope="module")
def demo():
    return check_data(DEMO)


@pytest.fixture(scope="module")
def plates_dir(demo_output) -> Path:
    return demo_output / PLATES


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_pdf_per_office_one_a4_landscape_page_per_person(demo, plates_dir):
    for station in demo.stations:
        staff = [c for c in demo.cadres if c.station == station.id]
        pdf = plates_dir / f"{station.name}.pdf"
        assert pdf.is_file(), station.name
        assert page_sizes_mm(pdf) == [(297, 210)] * len(staff)


def test_each_plate_shows_its_person_and_dials_their_mobile(demo, plates_dir):
    station = demo.station("minzheng")
    pdf = plates_dir / f"{station.name}.pdf"
    order = sorted((c for c in demo.cadres if c.station == station.id), key=lambda c: c.order or 0)
    texts = page_texts(pdf)
    codes = qr_codes(pdf, dpi=300)
    for cadre, text, found in zip(order, texts, codes, strict=True):
        squashed = _squash(text)
        assert _squash(cadre.name) in squashed
        for phone in (cadre.mobile, cadre.office_phone):
            if phone is not None:
                assert _squash(str(phone)) in squashed
        assert station.name in text and "0571-80000000" in squashed  # office, supervision phone
        assert [code.text for code in found] == [cadre.dial.tel]
        assert found[0].width_mm >= 45  # read from half a metre away
        for state in ("在岗", "下村", "开会", "外出办事", "请假"):
            assert state in text


def test_no_line_of_a_plate_is_one_character(plates_dir):
    lines = [line.strip() for pdf in plates_dir.glob("*.pdf") for text in page_texts(pdf) for line in text.splitlines()]
    assert len(lines) > 300
    assert [line for line in lines if re.fullmatch(r"[\u4e00-\u9fff][。，、；：？！）」』》]*", line)] == []


def test_plates_of_one_office_and_of_one_person(demo, minimal, workdir: Path):
    result = run_cli("plates", "--data", "data", "--out", "out", "--station", "minzheng")
    assert result.code == 0, result.stderr
    assert [p.name for p in (workdir / "out" / PLATES).iterdir()] == ["民政办.pdf"]

    result = run_cli("plates", "--data", "data", "--out", "one", "--cadre", "lisi", "--size", "A5 横版")
    assert result.code == 0, result.stderr
    pdf = workdir / "one" / PLATES / "李四-lisi.pdf"
    assert page_sizes_mm(pdf) == [(210, 148)]
    assert "李四" in page_texts(pdf)[0]


def test_an_unknown_office_is_named_with_the_choices(minimal):
    result = run_cli("plates", "--data", "data", "--station", "nowhere")
    assert result.code == 2
    assert result.stderr.startswith("错误：没有编号或名称为「nowhere」的站所。可选：minzheng（民政办）、laoling（老龄办）")


def test_a_custom_size_in_org_yaml(minimal, workdir: Path):
    org = minimal / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "plate_size: 200×100\n", encoding="utf-8")
    assert run_cli("plates", "--data", "data", "--out", "out").code == 0
    assert set(page_sizes_mm(workdir / "out" / PLATES / "民政办.pdf")) == {(200, 100)}


def test_long_duties_shrink_to_fit_one_page(minimal, workdir: Path):
    cadres = minimal / "cadres.yaml"
    duties = "".join(f"      - 负责第{n}项工作，包括受理、登记、审核、公示和回访等各个环节的具体落实\n" for n in range(1, 6))
    cadres.write_text(cadres.read_text(encoding="utf-8").replace(
        "      - 低保、特困供养申请受理\n", duties), encoding="utf-8")
    result = run_cli("plates", "--data", "data", "--out", "out", "--station", "minzheng")
    assert result.code == 0, result.stderr
    pdf = workdir / "out" / PLATES / "民政办.pdf"
    assert len(PdfReader(pdf).pages) == 1
    assert "负责第5项工作" in _squash(page_texts(pdf)[0])


def test_duties_far_too_long_fail_with_the_person_named_and_nothing_written(minimal, workdir: Path):
    cadres = minimal / "cadres.yaml"
    lines = [f"负责第{n}项工作，包括受理、登记、审核、公示、回访、统计、归档和上报等各个环节的具体落实与督办"
             for n in range(1, 31)]
    duties = "".join(f"      - {line}\n" for line in lines)
    cadres.write_text(cadres.read_text(encoding="utf-8").replace(
        "      - 低保、特困供养申请受理\n", duties), encoding="utf-8")
    result = run_cli("build", "--data", "data", "--out", "out")
    assert result.code == 3
    message = result.stderr.splitlines()[0]
    found = re.fullmatch(r"错误：张三（zhangsan）的工作职责太长，便民身份证放不下：字号缩到 \d+ 磅仍超出约 \d+ 毫米，"
                         r"请从 (\d+) 字中删减约 (\d+) 字，或改用更大的尺寸（plate_size）", message)
    assert found, message
    written, cut = int(found.group(1)), int(found.group(2))
    assert written == sum(len(line) for line in lines) and 0 < cut < written
    # No output at all, though the booklet and other offices' files were rendered and staged
    # (booklet/staging.py): only the booklet's parts laid out so far, kept in the hidden cache.
    assert [p for p in (workdir / "out").rglob("*") if ".cache" not in p.parts] == []


def test_the_photo_is_cropped_to_three_by_four_and_no_finer_than_300_dpi(minimal, workdir: Path):
    # A wide, high-resolution photo: it must be cut to a portrait and scaled down.
    Image.new("RGB", (4000, 2000), (120, 140, 160)).save(minimal / "photos" / "zhangsan.jpg", quality=90)
    assert run_cli("plates", "--data", "data", "--out", "out", "--cadre", "zhangsan").code == 0
    page = PdfReader(workdir / "out" / PLATES / "张三-zhangsan.pdf").pages[0]
    width, height = max((image.image.size for image in page.images), key=lambda size: size[0] * size[1])
    assert abs(width / height - 3 / 4) < 0.01
    assert width <= round(84 / 25.4 * 300) + 1  # the photo box is 84 mm wide on A4 landscape


def test_a_person_without_photo_gets_the_placeholder_not_a_broken_image(minimal, workdir: Path):
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace(
        "    photo: photos/zhangsan.jpg\n  - id: lisi", "  - id: lisi"), encoding="utf-8")
    result = run_cli("plates", "--data", "data", "--out", "out", "--cadre", "zhangsan")
    assert result.code == 0, result.stderr
    pdf = workdir / "out" / PLATES / "张三-zhangsan.pdf"
    assert len(PdfReader(pdf).pages[0].images) == 1  # the QR code only
    assert _squash(page_texts(pdf)[0]).count("张") >= 2  # the name, and the placeholder's surname


def test_a_transparent_photo_prints_on_white(minimal, workdir: Path):
    photo = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    photo.paste((200, 30, 30, 255), (100, 100, 200, 300))
    photo.save(minimal / "photos" / "zhangsan.png")
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("photos/zhangsan.jpg", "photos/zhangsan.png", 1),
                      encoding="utf-8")
    assert run_cli("plates", "--data", "data", "--out", "out", "--cadre", "zhangsan").code == 0
    page = PdfReader(workdir / "out" / PLATES / "张三-zhangsan.pdf").pages[0]
    image = max((i.image for i in page.images), key=lambda i: i.size[0] * i.size[1]).convert("RGB")
    assert image.getpixel((2, 2)) >= (245, 245, 245)  # the transparent corner: white, not black


@pytest.mark.parametrize("size", ["A4 竖版", "100×200"])
def test_portrait_plate_sizes_are_refused_plainly(minimal, size):
    result = run_cli("plates", "--data", "data", "--size", size)
    assert result.code == 2
    assert "是竖版：便民身份证的版式是横版的" in result.stderr
