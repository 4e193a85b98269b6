"""The data in Excel both ways: export → import is no change; an edit in any sheet is reported
as exactly that edit; --apply writes it into the YAML keeping comments, order and group
headings; Excel's traps are read as meant on every sheet; an unknown column is said."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from booklet.data.load import load

from conftest import ROOT, run_cli

NO_CHANGE = "数据汇总.xlsx 与 data 中的数据一致，没有变化。"
PENDING = "以上变化尚未写入；确认无误后加 --apply 再运行一次。"


@pytest.fixture(scope="module")
def demo_workbook(tmp_path_factory) -> Path:
    """The demo data exported once; each test edits a copy of the workbook."""
    folder = tmp_path_factory.mktemp("demo-workbook")
    shutil.copytree(ROOT / "data", folder / "data")
    import os

    before = os.getcwd()
    os.chdir(folder)
    try:
        result = run_cli("export", "--data", "data", "--out", "out")
    finally:
        os.chdir(before)
    assert result.code == 0, result.stderr
    return folder


@pytest.fixture
def demo(demo_workbook: Path, workdir: Path) -> Path:
    """./data (the demo) and ./数据汇总.xlsx, to edit."""
    shutil.copytree(demo_workbook / "data", workdir / "data")
    shutil.copy(demo_workbook / "out" / "数据汇总.xlsx", workdir / "数据汇总.xlsx")
    return workdir


def _edit(path: Path, edit) -> Path:
    book = load_workbook(path)
    edit(book)
    book.save(path)
    return path


def _find(sheet, **where) -> int:
    """The row whose cells under the given headers hold the given values."""
    headers = {c.value: c.column for c in sheet[1]}
    for row in range(2, sheet.max_row + 1):
        if all(sheet.cell(row, headers[h]).value == v for h, v in where.items()):
            return row
    raise LookupError(where)


def _put(sheet_name: str, column: str, value, **where):
    def edit(book):
        sheet = book[sheet_name]
        headers = {c.value: c.column for c in sheet[1]}
        row = _find(sheet, **where) if where else sheet.max_row + 1
        sheet.cell(row, headers[column]).value = value  # None clears it
    return edit


def _org(item: str, value):
    def edit(book):
        sheet = book["单位信息"]
        sheet.cell(_find(sheet, 项目=item), 2, value)
    return edit


def _delete(sheet_name: str, **where):
    def edit(book):
        sheet = book[sheet_name]
        sheet.delete_rows(_find(sheet, **where))
    return edit


def _append(sheet_name: str, values: dict):
    def edit(book):
        sheet = book[sheet_name]
        headers = {c.value: c.column for c in sheet[1]}
        row = sheet.max_row + 1
        for header, value in values.items():
            sheet.cell(row, headers[header], value)
    return edit


def _import(*args: str):
    return run_cli("import", "数据汇总.xlsx", "--data", "data", *args)


def test_the_demo_round_trips_without_a_change(demo: Path):
    result = _import()
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [NO_CHANGE]


def test_the_workbook_has_every_sheet_a_guide_and_text_columns(demo: Path):
    book = load_workbook(demo / "数据汇总.xlsx")
    assert book.sheetnames == ["单位信息", "事项分类", "人生大事", "站所", "干部", "服务事项", "受理条件", "申请材料",
                               "办理流程", "分段时限", "渠道时限", "特殊环节", "常见问题", "说明"]
    staff = book["干部"]
    assert [c.value for c in staff[1]][:7] == ["干部编号", "姓名", "所在站所", "职务", "工作职责", "手机号码", "办公电话"]
    assert staff.freeze_panes == "C2"
    assert staff["F2"].number_format == "@" and staff.column_dimensions["F"].number_format == "@"
    assert staff.column_dimensions["E"].width > staff.column_dimensions["B"].width
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in staff.data_validations.dataValidation}
    assert lists["C2"] == "=站所!$A$2:$A$1000"
    kinds = {v.formula1 for v in book["申请材料"].data_validations.dataValidation}
    assert '"原件,复印件,原件及复印件,电子"' in kinds and '"是,否"' in kinds
    guide = [[c.value for c in row] for row in book["说明"].iter_rows()]
    help_of = {(row[0], row[1]): row[4] for row in guide if row and row[1]}
    from booklet.data.model import Cadre
    assert help_of[("干部", "手机号码")] == Cadre.model_fields["mobile"].description


EDITS = {
    "单位信息": (_org("大厅咨询电话", "0571-8000 0199"),
             ["单位信息：大厅咨询电话 0571-8000 0100 → 0571-8000 0199"]),
    "事项分类": (_put("事项分类", "分类简介", "兜底保障。", 分类名称="社会救助"),
             ["单位信息：事项分类 第 1 项「社会救助」：分类简介 「最低生活保障、特困人员救助供养、临时救助等兜底保障，帮助困难群众渡过难关。」 → 兜底保障。"]),
    "人生大事": (_append("人生大事", {"人生大事": "身后事"}), ["单位信息：人生大事（一件事） 新增 身后事"]),
    "站所": (_put("站所", "办公地点", "便民服务大厅9号窗口", 站所编号="tuiyi"),
           ["站所 退役军人服务站（tuiyi）：办公地点 便民服务大厅7号窗口 → 便民服务大厅9号窗口"]),
    "干部": (_put("干部", "手机号码", "13900009999", 姓名="孙国栋"),
           ["干部 孙国栋（sunguodong）：手机号码 139 0000 0105 → 139 0000 9999"]),
    "服务事项": (_put("服务事项", "收费标准", "工本费20元", 事项编号="dibao"),
             ["服务事项 最低生活保障申请（dibao）：收费标准 不收费 → 工本费20元"]),
    "受理条件": (_put("受理条件", "受理条件", "具有本街道户籍。", 事项编号="dibao",
                  受理条件="申请人及共同生活的家庭成员具有本街道户籍；持有本街道居住证的，可以在居住地提出申请。"),
             [("服务事项 最低生活保障申请（dibao）：受理条件 第 1 项 「申请人及共同生活的家庭成员具有本街道户籍；持有本街道居住证的，"
              "可以在居住地提出申请。」 → 具有本街道户籍。")]),
    "申请材料": (_put("申请材料", "复印件份数", 2, 事项编号="dibao", 材料名称="共同生活家庭成员的居民身份证、户口簿"),
             ["服务事项 最低生活保障申请（dibao）：申请材料 第 2 项「共同生活家庭成员的居民身份证、户口簿」：复印件份数 1 → 2"]),
    "办理流程": (_delete("办理流程", 事项编号="dibao", 办理流程="街道受理后，委托区民政局开展家庭经济状况信息核对"),
             ["服务事项 最低生活保障申请（dibao）：办理流程 删去 「街道受理后，委托区民政局开展家庭经济状况信息核对」"]),
    "分段时限": (_append("分段时限", {"事项编号": "dibao", "环节或机关": "街道审核", "环节时限": 15}),
             ["服务事项 最低生活保障申请（dibao）：分段时限 新增 「街道审核」"]),
    "渠道时限": (_append("渠道时限", {"事项编号": "tekun", "办理渠道": "网上", "渠道时限": 20}),
             ["服务事项 特困人员救助供养申请（tekun）：各渠道时限 新增 「网上」"]),
    "特殊环节": (_put("特殊环节", "所需天数", 5, 事项编号="dibao", 环节名称="村（社区）公示"),
             ["服务事项 最低生活保障申请（dibao）：特殊环节 第 1 项「村（社区）公示」：所需天数 7 → 5"]),
    "常见问题": (_put("常见问题", "回答", "25个工作日内办结。", 事项编号="dibao"),
             [("服务事项 最低生活保障申请（dibao）：常见问题 第 1 项「申请以后多久能知道结果？」：回答 「自受理之日起25个工作日内办结"
              "（不含公示时间），结果书面告知；也可拨打经办人电话查询进度。」 → 25个工作日内办结。")]),
}


def test_one_edit_in_each_sheet_is_reported_as_exactly_those_edits(demo: Path):
    """One edit in every sheet, imported at once (an import of the demo takes a second or
    two): each is reported, once, and nothing else is."""
    def edit(book):
        for each, _ in EDITS.values():
            each(book)
    _edit(demo / "数据汇总.xlsx", edit)

    result = _import()

    assert result.code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == PENDING
    assert sorted(lines[:-1]) == sorted(line for _, expected in EDITS.values() for line in expected)


def test_apply_writes_only_the_change_keeping_comments_and_group_headings(demo: Path):
    def edit(book):
        _delete("干部", 姓名="叶婉婷")(book)  # the last of her office: the next office's heading stays
        _append("干部", {"姓名": "王小明", "所在站所": "民政办（社会事务办）", "职务": "民政助理员",
                       "工作职责": "低保申请受理\n临时救助申请受理", "手机号码": 13900000999})(book)
        _put("服务事项", "收费标准", "工本费20元", 事项编号="dibao")(book)
    _edit(demo / "数据汇总.xlsx", edit)
    before = {p: p.read_text(encoding="utf-8") for p in (demo / "data").rglob("*.yaml")}

    preview = _import()
    assert preview.stdout.splitlines() == [
        "新增干部：王小明（wangxiaoming，民政办（社会事务办））",
        "删除干部：叶婉婷（yewanting），表中没有这一行",
        "服务事项 最低生活保障申请（dibao）：收费标准 不收费 → 工本费20元",
        PENDING,
    ]
    assert {p: p.read_text(encoding="utf-8") for p in before} == before  # a preview writes nothing

    applied = _import("--apply")
    assert applied.code == 0, applied.stderr
    assert applied.stdout.splitlines()[-2:] == ["已写入 cadres.yaml、services/shehui-jiuzhu.yaml。",
                                                "请运行 make booklet 重新生成。"]
    expected = (ROOT / "tests" / "workbook" / "cadres-after.yaml").read_text(encoding="utf-8")
    assert (demo / "data" / "cadres.yaml").read_text(encoding="utf-8") == expected
    services = (demo / "data" / "services" / "shehui-jiuzhu.yaml").read_text(encoding="utf-8").splitlines()
    old = before[demo / "data" / "services" / "shehui-jiuzhu.yaml"].splitlines()
    changed = [(a, b) for a, b in zip(old, services) if a != b]
    assert len(services) == len(old) and len(changed) == 1
    assert changed[0][0].startswith("    fee: 不收费 ") and changed[0][1].startswith("    fee: 工本费20元 ")
    assert changed[0][0].split("#")[1] == changed[0][1].split("#")[1]  # its comment kept
    unchanged = [p for p in before if p.name not in ("cadres.yaml", "shehui-jiuzhu.yaml")]
    assert all(p.read_text(encoding="utf-8") == before[p] for p in unchanged)
    assert _import().stdout.splitlines() == [NO_CHANGE]


def test_a_new_item_goes_among_its_category_with_its_materials(demo: Path):
    def edit(book):
        _append("服务事项", {"事项名称": "临时救助申请（测试）", "事项分类": "社会救助", "受理站所": "minzheng",
                         "经办人": "孙国栋", "收费标准": "不收费"})(book)
        _append("申请材料", {"事项名称": "临时救助申请（测试）", "材料名称": "居民身份证", "材料类型": "原件", "份数": 1})(book)
    _edit(demo / "数据汇总.xlsx", edit)

    applied = _import("--apply")

    assert applied.code == 0, applied.stderr
    assert applied.stdout.splitlines()[0] == "新增服务事项：临时救助申请（测试）（linshijiuzhushenqingceshi，社会救助）"
    project = load(demo / "data")
    new = next(s for s in project.services if s.name == "临时救助申请（测试）")
    assert new.handlers == ["sunguodong"] and new.materials[0].name == "居民身份证"
    assert project.origin(new).doc.path.name == "shehui-jiuzhu.yaml"
    assert _import().stdout.splitlines() == [NO_CHANGE]


def _merged_item(book):
    # The item's id written once for its materials, merged down the rows.
    sheet = book["申请材料"]
    first = _find(sheet, 事项编号="dibao")
    last = first
    while sheet.cell(last + 1, 1).value == "dibao":
        last += 1
    for row in range(first + 1, last + 1):
        sheet.cell(row, 1).value = None
    sheet.merge_cells(f"A{first}:A{last}")


def _blank_rows(book):
    for name in ("服务事项", "申请材料", "站所"):
        book[name].insert_rows(3)


TRAPS = {
    "a mobile stored as a number": _put("干部", "手机号码", 13900000105, 姓名="孙国栋"),
    "a mobile shown as 1.39E+10": _put("干部", "手机号码", 1.3900000105e10, 姓名="孙国栋"),
    "a station's landline that lost its 0": _put("站所", "站所办公电话", 57180000102, 站所编号="minzheng"),
    "the hall's phone as a number": _org("大厅咨询电话", 57180000100),
    "stray spaces": _put("站所", "站所名称", "  退役军人服务站 ", 站所编号="tuiyi"),
    "full-width digits in a count": _put("申请材料", "复印件份数", "１", 事项编号="dibao",
                                         材料名称="共同生活家庭成员的居民身份证、户口簿"),
    "a days count as text": _put("服务事项", "承诺办结时限", "25", 事项编号="dibao"),
    "full-width digits in a phone": _put("干部", "手机号码", "１３９ ００００ ０１０５", 姓名="孙国栋"),
    "blank rows": _blank_rows,
    "merged cells": _merged_item,
    "yes as TRUE": _put("服务事项", "是否可代办", True, 事项编号="dibao"),
    "a date as a date": _org("版次日期", __import__("datetime").datetime(2026, 11, 1)),
}


def test_every_excel_trap_is_read_as_meant_on_every_sheet(demo: Path):
    """All at once (each import of the demo takes a second or two); a trap not read as meant
    shows as a change, which names its sheet and field."""
    def edit(book):
        for trap in TRAPS.values():
            trap(book)
    _edit(demo / "数据汇总.xlsx", edit)

    result = _import()

    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [NO_CHANGE]


def test_an_unknown_header_is_said_with_what_was_meant(demo: Path):
    def edit(book):
        book["干部"]["F1"] = "手机号吗"
        book["申请材料"]["H1"] = "复印份数"
    _edit(demo / "数据汇总.xlsx", edit)

    result = _import()

    assert result.code == 1
    assert result.stderr.splitlines() == [
        "数据汇总.xlsx:干部!F1: 不认识的列名「手机号吗」，是不是「手机号码」？",
        "数据汇总.xlsx:申请材料!H1: 不认识的列名「复印份数」，是不是「复印件份数」？",
        "共 2 个错误，没有导入。",
    ]


def test_bad_cells_are_reported_at_their_sheet_and_cell(demo: Path):
    def edit(book):
        _put("干部", "手机号码", "1380000", 姓名="孙国栋")(book)
        _put("服务事项", "受理站所", "不存在的办", 事项编号="dibao")(book)
        _put("申请材料", "材料类型", "影印件", 事项编号="dibao", 材料名称="家庭经济状况核对授权书")(book)
    _edit(demo / "数据汇总.xlsx", edit)

    result = _import()

    assert result.code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("数据汇总.xlsx:干部!F")
    assert lines[0].endswith(": 孙国栋 手机号码: 「1380000」不是有效的手机号码")
    assert lines[1].startswith("数据汇总.xlsx:服务事项!F37: 「不存在的办」不是已有的站所编号或名称（可填：bianmin（便民服务中心）")
    assert lines[2].startswith("数据汇总.xlsx:申请材料!")
    assert lines[2].endswith("最低生活保障申请 材料类型: 「影印件」应为以下之一：原件、复印件、原件及复印件、电子")
    assert lines[-1] == "共 3 个错误，没有导入。"


def test_a_handler_removed_is_said_at_each_item_he_handles(demo: Path):
    _edit(demo / "数据汇总.xlsx", _delete("干部", 姓名="孙国栋"))

    result = _import()

    assert result.code == 1
    lines = result.stderr.splitlines()
    assert all(line.startswith("数据汇总.xlsx:服务事项!H") and "「sunguodong」不是已有的干部编号或名称" in line
               for line in lines[:-1])
    assert len(lines) > 2


def test_a_category_its_items_still_name_is_said_at_their_cells(demo: Path):
    _edit(demo / "数据汇总.xlsx", _delete("事项分类", 分类名称="退役军人服务"))

    result = _import()

    assert result.code == 1
    lines = result.stderr.splitlines()
    assert all(line.startswith("数据汇总.xlsx:服务事项!D") and "「退役军人服务」不在「事项分类」表中" in line
               for line in lines[:-1]), lines


def test_a_change_that_breaks_the_data_elsewhere_is_not_written(demo: Path):
    _edit(demo / "数据汇总.xlsx", _append("事项分类", {"分类名称": "社会救助"}))  # twice
    before = (demo / "data" / "org.yaml").read_text(encoding="utf-8")

    result = _import("--apply")

    assert result.code == 1
    assert result.stderr.splitlines()[0].startswith("data/org.yaml:")
    assert "（导入后）" in result.stderr and "社会救助" in result.stderr
    assert (demo / "data" / "org.yaml").read_text(encoding="utf-8") == before


# --- a bare staff roster ---------------------------------------------------------------------

@pytest.fixture
def roster(minimal: Path, workdir: Path) -> Path:
    assert run_cli("export", "--data", "data", "--out", "out").code == 0
    book = load_workbook(workdir / "out" / "数据汇总.xlsx")
    staff = book["干部"]
    for name in book.sheetnames:
        if name != "干部":
            del book[name]
    staff.title = "花名册"
    staff.delete_cols(8, 3)  # no pinyin, photo or order: kept as they are
    path = workdir / "花名册.xlsx"
    book.save(path)
    return path


def _edit_roster(path: Path, edit) -> None:
    book = load_workbook(path)
    edit(book.active)
    book.save(path)


def test_a_roster_round_trips_and_keeps_what_it_lacks(roster: Path):
    result = run_cli("import", "花名册.xlsx", "--data", "data")
    assert result.stdout.splitlines() == ["花名册.xlsx 与 data 中的数据一致，没有变化。"]


def test_an_edited_roster_reports_exactly_its_edits_and_apply_keeps_the_comments(roster: Path, minimal: Path):
    def edit(sheet):
        sheet["D2"] = "民政办副主任"             # 张三 promoted
        sheet.delete_rows(3)                   # 李四 gone
        sheet.append(["", "王五", "老龄办", "老龄专干", "高龄津贴申请受理\n走访高龄老人", "13900000003", ""])
    _edit_roster(roster, edit)
    before = (minimal / "cadres.yaml").read_text(encoding="utf-8")
    (minimal / "cadres.yaml").write_text("# 干部名单（测试）\n" + before, encoding="utf-8")
    (minimal / "services" / "jiuzhu.yaml").write_text(
        (minimal / "services" / "jiuzhu.yaml").read_text(encoding="utf-8").replace("lisi", "zhangsan"),
        encoding="utf-8")

    preview = run_cli("import", "花名册.xlsx", "--data", "data")
    assert preview.stdout.splitlines() == [
        "干部 张三（zhangsan）：职务 民政助理员 → 民政办副主任",
        "新增干部：王五（wangwu，老龄办）",
        "删除干部：李四（lisi），表中没有这一行",
        PENDING,
    ], preview.stderr

    assert run_cli("import", "花名册.xlsx", "--data", "data", "--apply").code == 0
    text = (minimal / "cadres.yaml").read_text(encoding="utf-8")
    assert text.startswith("# 干部名单（测试）\ncadres:\n  - id: zhangsan\n")
    project = load(minimal)
    assert [c.id for c in project.cadres] == ["zhangsan", "wangwu"]
    assert project.cadres[0].post == "民政办副主任" and project.cadres[0].photo == "photos/zhangsan.jpg"
    assert project.cadres[1].duties == ["高龄津贴申请受理", "走访高龄老人"]
    assert str(project.cadres[1].mobile) == "139 0000 0003"


SYNONYMS = {"手机号码": "联系电话", "办公电话": "座机", "所在站所": "部门", "职务": "岗位"}


def test_a_roster_with_the_usual_synonyms_and_offices_by_name(roster: Path):
    def edit(sheet):
        for cell in sheet[1]:
            cell.value = SYNONYMS.get(cell.value, cell.value)
        sheet["C2"] = "民政办"
    _edit_roster(roster, edit)

    result = run_cli("import", "花名册.xlsx", "--data", "data")

    assert result.stdout.splitlines() == ["花名册.xlsx 与 data 中的数据一致，没有变化。"], result.stderr


def test_a_roster_without_a_phone_column_says_so(roster: Path):
    _edit_roster(roster, lambda sheet: sheet.delete_cols(6, 2))

    result = run_cli("import", "花名册.xlsx", "--data", "data")

    assert result.code == 1
    assert result.stderr.splitlines()[0] == "花名册.xlsx:花名册: 没有电话列：请加上「手机号码」或「办公电话」列"


def test_the_template_has_the_headers_and_text_columns(workdir: Path):
    assert run_cli("template", "--out", "out").code == 0
    sheet = load_workbook(workdir / "out" / "干部花名册模板.xlsx").active
    assert [c.value for c in sheet[1]][:7] == ["干部编号", "姓名", "所在站所", "职务", "工作职责", "手机号码", "办公电话"]
    assert sheet.column_dimensions["F"].number_format == "@" and sheet.column_dimensions["G"].number_format == "@"


def test_a_file_that_is_not_a_workbook(minimal: Path, workdir: Path):
    (workdir / "roster.xlsx").write_text("not excel")
    result = run_cli("import", "roster.xlsx", "--data", "data")
    assert result.code == 1
    assert result.stderr.startswith("错误：roster.xlsx 不是能打开的 Excel 文件（.xlsx）")


# --- found by an attack: each once broke the YAML or said too little ------------------------

def _column(sheet, header: str) -> int:
    return next(c.column for c in sheet[1] if c.value == header)


def test_a_material_inserted_where_a_column_is_missing_takes_nothing_from_its_neighbour(demo: Path):
    def edit(book):
        sheet = book["申请材料"]
        sheet.delete_cols(_column(sheet, "备注"))
        row = _find(sheet, 事项编号="dibao")
        sheet.insert_rows(row)
        for header, value in {"事项编号": "dibao", "材料名称": "户口簿", "材料类型": "原件", "份数": 1}.items():
            sheet.cell(row, _column(sheet, header), value)
    _edit(demo / "数据汇总.xlsx", edit)

    preview = _import()
    assert preview.stdout.splitlines() == ["服务事项 最低生活保障申请（dibao）：申请材料 新增 「户口簿」", PENDING]
    assert _import("--apply").code == 0

    dibao = next(s for s in load(demo / "data").services if s.id == "dibao")
    assert [m.name for m in dibao.materials][:2] == ["户口簿", "最低生活保障申请书"]
    assert dibao.materials[0].note is None
    assert dibao.materials[1].note == "在窗口领取或由村（社区）提供，申请人签字并按手印"


def test_a_last_field_added_or_cleared_keeps_the_next_groups_heading(demo: Path):
    def edit(book):
        _put("干部", "排列顺序", None, 姓名="叶婉婷")(book)   # an empty order cell keeps the order
        _put("干部", "办公电话", "0571-8000 0110", 姓名="叶婉婷")(book)
        _put("服务事项", "温馨提示", None, 事项编号="dibao")(book)
    _edit(demo / "数据汇总.xlsx", edit)

    assert _import("--apply").code == 0

    cadres = (demo / "data" / "cadres.yaml").read_text(encoding="utf-8")
    assert "    office_phone: 0571-8000 0110\n    order: 4\n\n  # ---- 民政办（社会事务办）----\n" in cadres \
        or "    order: 4\n    office_phone: 0571-8000 0110\n\n  # ---- 民政办（社会事务办）----\n" in cadres
    services = (demo / "data" / "services" / "shehui-jiuzhu.yaml").read_text(encoding="utf-8")
    assert "notes:" not in services.split("  - id: tekun")[0]
    assert "\n\n  - id: tekun" in services  # the blank line between the items stays
    assert _import().stdout.splitlines() == [NO_CHANGE]


def test_a_file_in_the_other_list_style_and_with_windows_line_endings_keeps_both(demo: Path):
    path = demo / "data" / "cadres.yaml"
    text = path.read_text(encoding="utf-8")
    flat = text.replace("\n  - ", "\n- ").replace("\n    ", "\n  ").replace("\n      - ", "\n    - ")
    path.write_bytes(flat.replace("\n", "\r\n").encode("utf-8"))
    _edit(demo / "数据汇总.xlsx", _append("干部", {"姓名": "王小明", "所在站所": "minzheng", "职务": "民政助理员",
                                                "工作职责": "低保申请受理", "手机号码": "13900000999"}))

    result = _import("--apply")

    assert result.code == 0, result.stderr
    written = path.read_bytes()
    assert b"\r\n- id: wangxiaoming\r\n  name: " in written and b"\n  - id:" not in written
    assert written.count(b"\n") == written.count(b"\r\n")


def test_the_last_items_of_a_category_removed_with_it_remove_their_file(demo: Path):
    def edit(book):
        for sheet_name in ("服务事项", "受理条件", "申请材料", "办理流程", "特殊环节", "常见问题"):
            sheet = book[sheet_name]
            column = _column(sheet, "事项分类" if sheet_name == "服务事项" else "事项编号")
            ids = {s.id for s in load(demo / "data").services if s.category == "退役军人服务"}
            for row in range(sheet.max_row, 1, -1):
                value = sheet.cell(row, column).value
                if value == "退役军人服务" or value in ids:
                    sheet.delete_rows(row)
        _delete("事项分类", 分类名称="退役军人服务")(book)
    _edit(demo / "数据汇总.xlsx", edit)

    result = _import("--apply")

    assert result.code == 0, result.stderr
    assert not (demo / "data" / "services" / "tuiyi-junren.yaml").exists()
    assert "services/tuiyi-junren.yaml 已没有事项，已删除" in result.stdout


def test_no_materials_is_said_and_blank_looking_rows_are_blank(demo: Path):
    def edit(book):
        sheet = book["申请材料"]
        while (row := next((r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "dibao"), None)):
            sheet.delete_rows(row)
        _append("申请材料", {"事项编号": "dibao", "材料名称": "无需材料"})(book)
        book["干部"].cell(book["干部"].max_row + 2, 2, "\u3000")  # a row with an ideographic space only
    _edit(demo / "数据汇总.xlsx", edit)

    assert _import().stdout.splitlines() == ["服务事项 最低生活保障申请（dibao）：申请材料 6 项 → 无需材料", PENDING]


def test_a_formula_without_its_result_or_with_an_error_is_said_at_its_cell(demo: Path):
    def edit(book):
        _put("干部", "办公电话", '="0571-8000"&"0202"', 姓名="孙国栋")(book)  # saved here without a result
        _put("干部", "职务", "#N/A", 姓名="黄丽萍")(book)
    _edit(demo / "数据汇总.xlsx", edit)

    result = _import()

    assert result.code == 1
    assert "这一格是公式，但文件里没有它算出的值" in result.stderr
    assert "「#N/A」是公式算出的错误值" in result.stderr


def test_a_person_moved_to_another_office_goes_to_the_end_of_its_group(demo: Path):
    _edit(demo / "数据汇总.xlsx", _put("干部", "所在站所", "民政办", 姓名="叶婉婷"))

    preview = _import()
    assert preview.stdout.splitlines()[0] == "干部 叶婉婷（yewanting）：所在站所 bianmin → minzheng"
    assert _import("--apply").code == 0

    project = load(demo / "data")
    staff = [c for c in project.cadres if c.station == "minzheng"]
    assert staff[-1].id == "yewanting" and staff[-1].order == max(c.order for c in staff[:-1]) + 1
    text = (demo / "data" / "cadres.yaml").read_text(encoding="utf-8")
    assert text.index("id: yewanting") > text.index("# ---- 民政办（社会事务办）----")
