"""Excel rosters: export → import is no change; an edited roster is exactly its edits; Excel's
traps are read as meant or reported with the sheet, row and column."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from booklet.data.load import load

from conftest import run_cli


@pytest.fixture
def exported(minimal: Path, workdir: Path) -> Path:
    result = run_cli("export", "--data", "data", "--out", "out")
    assert result.code == 0, result.stderr
    return workdir / "out" / "数据汇总.xlsx"


def _edit_roster(source: Path, target: Path, edit) -> Path:
    book = load_workbook(source)
    edit(book["花名册"])
    book.save(target)
    return target


def test_export_then_import_changes_nothing(exported: Path):
    result = run_cli("import", str(exported), "--data", "data")
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == "花名册与 cadres.yaml 一致，没有变化。"


def test_the_template_has_the_headers_and_text_columns(workdir: Path):
    assert run_cli("template", "--out", "out").code == 0
    sheet = load_workbook(workdir / "out" / "干部花名册模板.xlsx").active
    assert [c.value for c in sheet[1]] == ["编号", "姓名", "站所", "职务", "手机", "办公电话", "工作职责"]
    assert sheet["E2"].number_format == "@" and sheet["F50"].number_format == "@"


def _cells(**values):
    def edit(sheet):
        for cell, value in values.items():
            sheet[cell] = value
    return edit


def _blank_row(sheet):
    sheet.insert_rows(3)


def _merged_office(sheet):
    # The office written once for its people: 王五 joins 李四's office below him.
    sheet.append(["", "王五", None, "老龄专干", "13900000003", "", "走访高龄老人"])
    sheet.merge_cells("C3:C4")


UNCHANGED = []
TRAPS = {
    "mobile stored as a number": (_cells(E2=13900000001), UNCHANGED),
    "mobile shown as 1.39E+10": (_cells(E2=1.3900000001e10), UNCHANGED),
    "landline that lost its 0": (_cells(F2=57180000101), UNCHANGED),
    "stray spaces": (_cells(B3="  李四 ", D3=" 老龄专干 "), UNCHANGED),
    "full-width digits": (_cells(E3="１３９ ００００ ０００２"), UNCHANGED),
    "blank row": (_blank_row, UNCHANGED),
    "merged cells": (_merged_office, ["新增：王五（wangwu）"]),
}


@pytest.mark.parametrize("trap", list(TRAPS))
def test_each_excel_trap_is_read_as_meant(trap: str, exported: Path, workdir: Path):
    edit, expected = TRAPS[trap]
    roster = _edit_roster(exported, workdir / "edited.xlsx", edit)

    result = run_cli("import", str(roster), "--data", "data")

    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert (lines[:-1] if expected else lines) == (expected or ["花名册与 cadres.yaml 一致，没有变化。"])


def test_an_edited_roster_reports_exactly_its_edits_and_apply_keeps_the_comments(exported: Path, minimal: Path,
                                                                                   workdir: Path):
    def edit(sheet):
        sheet["D2"] = "民政办副主任"             # 张三 promoted
        sheet.delete_rows(3)                   # 李四 gone
        sheet.append(["", "王五", "老龄办", "老龄专干", "13900000003", "", "高龄津贴申请受理；走访高龄老人"])
    roster = _edit_roster(exported, workdir / "edited.xlsx", edit)
    before = (minimal / "cadres.yaml").read_text(encoding="utf-8")
    (minimal / "cadres.yaml").write_text("# 干部名单（测试）\n" + before, encoding="utf-8")

    preview = run_cli("import", str(roster), "--data", "data")
    assert preview.stdout.splitlines() == [
        "变更：张三：职务 民政助理员 → 民政办副主任",
        "新增：王五（wangwu）",
        "花名册中没有：李四（lisi），导入后将从 cadres.yaml 删除",
        "以上变化尚未写入；确认无误后加 --apply 再运行一次。",
    ]
    assert (minimal / "cadres.yaml").read_text(encoding="utf-8").endswith(before)  # a preview writes nothing

    assert run_cli("import", str(roster), "--data", "data", "--apply").code == 0
    text = (minimal / "cadres.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 干部名单（测试）\ncadres:\n  - id: zhangsan\n")
    project = load(minimal)
    assert [c.id for c in project.cadres] == ["zhangsan", "wangwu"]
    assert project.cadres[0].post == "民政办副主任"
    assert project.cadres[1].duties == ["高龄津贴申请受理", "走访高龄老人"]
    assert str(project.cadres[1].mobile) == "139 0000 0003"


def test_bad_rows_are_reported_with_sheet_row_and_column(exported: Path, workdir: Path):
    def edit(sheet):
        sheet["E2"] = "1380000"
        sheet["C3"] = "不存在的办"
    roster = _edit_roster(exported, workdir / "edited.xlsx", edit)

    result = run_cli("import", str(roster), "--data", "data")

    assert result.code == 1
    assert result.stderr.splitlines() == [
        "edited.xlsx 工作表「花名册」第 2 行 手机 列：「1380000」不是有效的电话号码",
        "edited.xlsx 工作表「花名册」第 3 行 站所 列：「不存在的办」不是已有的站所（民政办、老龄办）",
        "共 2 个问题，没有导入。",
    ]


def test_a_file_that_is_not_a_workbook(minimal: Path, workdir: Path):
    (workdir / "roster.xlsx").write_text("not excel")
    result = run_cli("import", "roster.xlsx", "--data", "data")
    assert result.code == 1
    assert result.stderr.startswith("错误：roster.xlsx 不是能打开的 Excel 文件（.xlsx）")
