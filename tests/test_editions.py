"""Editions: release the printed data, then say exactly what changed and what to reprint."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from pdfread import page_texts


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def released(minimal: Path) -> Path:
    result = run_cli("release", "--data", "data")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("已记录第 1 版（2026-11-01）：data/editions/第1版.json")
    return minimal


def test_changes_before_any_release_says_what_to_do(minimal):
    result = run_cli("changes", "--data", "data")
    assert result.code == 1
    assert "还没有发布过版次" in result.stderr


def test_no_change_since_the_release(released):
    result = run_cli("changes", "--data", "data")
    assert result.code == 0
    assert result.stdout.splitlines() == ["与第 1 版（2026-11-01）相比：", "  没有变化。"]


def test_a_realistic_round_of_edits_is_reported_exactly(released: Path, workdir: Path):
    data = released
    # 张三 gets a new mobile; 李四 leaves, and 王五 arrives at 老龄办 and takes over his item;
    # 最低生活保障申请 now asks for one more copy of the ID card.
    _edit(data / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")
    _edit(data / "cadres.yaml", "  - id: lisi\n    name: 李四\n    station: laoling\n    post: 老龄专干",
          "  - id: wangwu\n    name: 王五\n    station: laoling\n    post: 老龄办主任")
    _edit(data / "cadres.yaml", "mobile: 139 0000 0002", "mobile: 139 0000 0003")
    _edit(data / "services" / "jiuzhu.yaml", "handlers: [lisi]", "handlers: [wangwu]")
    _edit(data / "services" / "jiuzhu.yaml", "        copies: 1", "        copies: 2")

    result = run_cli("changes", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[:13] == [
        "与第 1 版（2026-11-01）相比：",
        "干部：",
        "  变更：张三：手机号码 139 0000 0001 → 139 0000 0009",
        "  新增：王五（老龄办 老龄办主任）",
        "  离开：李四（老龄办 老龄专干）",
        "服务事项：",
        "  变更：最低生活保障申请：申请材料",
        "  变更：高龄津贴申请：经办人 李四 → 王五",
        "需要重印：",
        "  便民身份证：张三、王五（共 2 人）",
        "  联系卡：张三、王五（共 2 人）",
        "  一本通：需要出新版（第 2 版）",
        "已生成 output/变更告知单.pdf（1 页，0.3 MB）",
    ]
    notice = "".join(page_texts(workdir / "output" / "变更告知单.pdf")).replace(" ", "")
    for expected in ("张三", "13900000001", "13900000009", "王五", "新到岗", "李四", "已离开",
                     "高龄津贴申请", "找谁办"):
        assert expected in notice, expected


def test_a_new_photo_needs_a_new_plate_but_no_new_card_or_edition(released: Path):
    from PIL import Image

    Image.new("RGB", (300, 400), (30, 90, 140)).save(released / "photos" / "zhangsan.jpg")
    result = run_cli("changes", "--data", "data")
    lines = result.stdout.splitlines()
    assert "  变更：张三：照片更换" in lines and "  变更：李四：照片更换" in lines  # they share the file
    assert "  便民身份证：张三、李四（共 2 人）" in lines
    assert "  联系卡：不需要" in lines and "  一本通：不需要" in lines


def test_releasing_again_needs_a_new_edition_number(released: Path):
    _edit(released / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")
    result = run_cli("release", "--data", "data")
    assert result.code == 1
    assert "第 1 版已经发布过" in result.stderr
    _edit(released / "org.yaml", "  number: 1\n  date: 2026-11-01", "  number: 2\n  date: 2027-03-01")
    assert run_cli("release", "--data", "data").code == 0
    assert run_cli("changes", "--data", "data").stdout.splitlines()[0] == "与第 2 版（2027-03-01）相比："


def test_a_new_room_needs_new_cards_but_not_new_plates(released: Path):
    _edit(released / "stations.yaml", "    room: 二楼 201 室", "    room: 二楼 203 室")
    lines = run_cli("changes", "--data", "data").stdout.splitlines()
    assert "  变更：老龄办：办公地点" in lines
    assert "  便民身份证：不需要" in lines and "  联系卡：李四（共 1 人）" in lines


def test_new_hall_hours_need_new_cards_where_an_office_keeps_the_halls_hours(released: Path):
    _edit(released / "org.yaml", "hall_hours: 周一至周五 8:30-12:00，14:00-17:30", "hall_hours: 周一至周五 9:00-17:00")
    lines = run_cli("changes", "--data", "data").stdout.splitlines()
    # 民政办 keeps the hall's hours; 老龄办 has its own.
    assert "  联系卡：张三（共 1 人）" in lines and "  便民身份证：不需要" in lines


def test_the_large_print_is_named_to_reprint_where_one_was_made(released: Path):
    assert run_cli("build", "--large-print", "--data", "data", "--out", "output").code == 0
    _edit(released / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")

    result = run_cli("changes", "--data", "data", "--out", "output")

    assert "  大字版：需要出新版（第 2 版）" in result.stdout.splitlines()


def test_the_notice_is_dated_lists_new_items_and_staff_with_numbers_and_keeps_each_arrow_with_its_number(
        released: Path, workdir: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1796256000))  # 2026-12-03
    _edit(released / "cadres.yaml", "mobile: 139 0000 0001", "mobile: 139 0000 0009")
    _edit(released / "cadres.yaml", "  - id: lisi\n",
          "  - id: wangwu\n    name: 王五\n    station: laoling\n    post: 老龄专干\n    duties: [走访]\n"
          "    mobile: 139 0000 0005\n  - id: lisi\n")
    text = (released / "services" / "jiuzhu.yaml").read_text(encoding="utf-8")
    first = text.index("  - id:", text.index("services:"))
    second = text.index("  - id:", first + 1)
    new_item = text[first:second].replace("id: ", "id: x", 1).replace("name: ", "name: 新", 1)
    (released / "services" / "jiuzhu.yaml").write_text(text + new_item, encoding="utf-8")

    result = run_cli("changes", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    (page,) = page_texts(workdir / "output" / "变更告知单.pdf")
    lines = page.splitlines()
    assert "印发日期：2026年12月3日" in page.replace(" ", "")
    assert not [line for line in lines if line.rstrip().endswith("→")], lines
    squashed = "".join(page.split())
    assert "王五" in squashed and "新到岗13900000005" in squashed
    assert "新增事项" in squashed and "找张三13900000009" in squashed
    assert "→13900000009" in squashed
