"""The data as one workbook a clerk edits in Excel or WPS and gives back to `booklet import`.

Every value is written as the data file says it (the clerk's own words, not as printed), so
that reading the workbook back changes nothing. Text columns are formatted as text, so that
Excel keeps a phone number's leading 0 and all its digits.
"""
from __future__ import annotations

import datetime
import io
import re
import unicodedata
from typing import Any

from booklet.data.load import Project
from booklet.data.model import yes_no
from booklet.workbook.layout import (
    CADRES,
    CATEGORIES,
    GUIDE,
    ITEM_ID,
    ITEM_NAME,
    LIFE_EVENTS,
    ORG,
    PARTS,
    SERVICES,
    SHEETS,
    STATIONS,
    Column,
    Sheet,
)

ROSTER = "花名册"
SPARE_ROWS = 200
"""Rows below the data that the drop-down lists reach, for what the clerk adds."""
ORG_HEADERS = ("项目", "内容", "说明")


def export(project: Project) -> bytes:
    """Every sheet of the data workbook, and the 说明 sheet that explains each column."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    org = project.origin(project.org).raw
    _org_sheet(book.create_sheet(ORG.title), org)
    _records(book.create_sheet(CATEGORIES.title), CATEGORIES, org.get("categories") or [])
    if org.get("life_events"):
        _records(book.create_sheet(LIFE_EVENTS.title), LIFE_EVENTS, [{"life_events": e} for e in org["life_events"]])
    _records(book.create_sheet(STATIONS.title), STATIONS, [project.origin(s).raw for s in project.stations])
    _records(book.create_sheet(CADRES.title), CADRES, [project.origin(c).raw for c in project.cadres])
    services = [project.origin(s).raw for s in project.services]
    _records(book.create_sheet(SERVICES.title), SERVICES, services)
    for part in PARTS:
        _records(book.create_sheet(part.title), part, [row for raw in services for row in part_rows(part, raw)],
                 keyed=True)
    _guide(book.create_sheet(GUIDE))
    _lists(book)
    return save(book)


def template() -> bytes:
    """An empty staff roster (花名册): the 干部 columns, formatted as text."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = ROSTER
    _records(sheet, CADRES, [])
    return save(book)


def part_rows(part: Sheet, service: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows `part` has for one service as written: each with the item's id and name."""
    value: Any = service
    for step in part.within:
        value = value.get(step) if isinstance(value, dict) else None
    if value is None:
        return []
    key = {ITEM_ID: service.get("id"), ITEM_NAME: service.get("name")}
    if isinstance(value, str):  # materials: 无需材料
        return [{**key, part.columns[0].field: value}]
    if part.text_rows:
        return [{**key, part.columns[0].field: line} for line in value]
    return [{**key, **row} for row in value]


def cell(column: Column, raw: dict[str, Any]) -> Any:
    """What a column's cell holds for a record as written."""
    value: Any = raw
    for step in column.path:
        value = value.get(step) if isinstance(value, dict) else None
    if value is None:
        return None
    if column.shape == "joined":
        return "、".join(value)
    if column.shape == "lines":
        return "\n".join(value)
    if column.choices == ("是", "否"):
        return "是" if yes_no(value) else "否"
    if column.number and re.fullmatch(r"\d{1,9}", value):
        return int(value)
    return value


def _org_sheet(sheet, org: dict[str, Any]) -> None:
    sheet.append(ORG_HEADERS)
    for column in ORG.columns:
        sheet.append([column.header, cell(column, org), column.help])
    _header_style(sheet)
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        for c in row:
            if not isinstance(c.value, int):
                c.number_format = "@"
    _fit(sheet, widest=(40, 40, 60))
    sheet.freeze_panes = "B2"


def _records(sheet, spec: Sheet, rows: list[dict[str, Any]], keyed: bool = False) -> None:
    from openpyxl.utils import get_column_letter

    keys = (ITEM_ID, ITEM_NAME) if keyed else ()
    sheet.append([*keys, *(c.header for c in spec.columns)])
    for raw in rows:
        sheet.append([*(raw.get(k) for k in keys),
                      *(cell(c, raw) for c in spec.columns)])
    _header_style(sheet)
    width = len(keys) + len(spec.columns)
    for index, column in enumerate((*[None] * len(keys), *spec.columns), start=1):
        if column is not None and column.number:
            continue
        # The column formatted as text, for the rows the clerk adds; each written cell too.
        sheet.column_dimensions[get_column_letter(index)].number_format = "@"
        for row in range(2, len(rows) + 2):
            sheet.cell(row, index).number_format = "@"
    _fit(sheet, widest=(50,) * width)
    sheet.freeze_panes = "C2" if spec.kind in ("service", "cadre", "station", "part") else "A2"


def _header_style(sheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for c in sheet[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")


def _fit(sheet, widest: tuple[int, ...]) -> None:
    """Columns as wide as their longest line (a CJK character counts two), within reason."""
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(sheet.iter_cols(), start=1):
        longest = max((_width(line) for c in column if c.value is not None
                       for line in str(c.value).split("\n")), default=4)
        limit = widest[index - 1] if index <= len(widest) else 50
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 6), limit)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _guide(sheet) -> None:
    """What each column means and takes: the model's own field help, sheet by sheet."""
    from openpyxl.styles import Font

    notes = (
        ("这个工作簿就是一本通的全部数据。改好后运行 booklet import 数据汇总.xlsx 查看有哪些变化，"
        "确认无误后加 --apply 写回 data/ 下的 YAML 文件。"),
        "每张表第一行是列名，请不要改动；行可以增删，新增的行放在表的末尾即可。",
        ("编号只用小写字母、数字、- 和 _；新增的干部、站所或事项编号可以空着，导入时按名称的拼音自动编号；"
         "新增干部的排列顺序空着的，排在本站所最后。"),
        "一格写多项的：俗称、人生大事、经办人用「、」隔开；工作职责、设定依据、温馨提示每项一行（Alt+回车换行）。",
        ("受理条件、申请材料、办理流程等按事项另有一张表，每行一条，用事项编号对应；"
        "某事项的行全部删掉表示办事指南没写（一本通印「请电话咨询」），不需要材料的写一行「无需材料」。"),
    )
    for note in notes:
        sheet.append([note])
    sheet.append([])
    sheet.append(["工作表", "列名", "必填", "可选值", "说明"])
    for c in sheet[len(notes) + 2]:
        c.font = Font(bold=True)
    for spec in SHEETS:
        if spec.kind == "part":
            sheet.append([spec.title, ITEM_ID, "是", "", "对应服务事项表的事项编号（也可只写事项名称）"])
        for column in spec.columns:
            required = "是" if column.required and not (spec.kind == "org" and len(column.path) > 1
                                                          and column.path[0] == "channels") else ""
            sheet.append([spec.title, column.header, required, "、".join(column.choices or ()), column.help])
    for letter, width in zip("ABCDE", (12, 22, 6, 24, 90)):
        sheet.column_dimensions[letter].width = width


def _lists(book) -> None:
    """Drop-down lists: ids from their own sheets (a new office appears in them at once),
    choices from the model. A value outside the list is allowed with a warning: a station may
    also be given by its name."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sources = {("cadre", "station"): f"{STATIONS.title}!$A$2:$A$1000",
               ("service", "station"): f"{STATIONS.title}!$A$2:$A$1000",
               ("service", "category"): f"{CATEGORIES.title}!$A$2:$A$1000"}
    for spec in (STATIONS, CADRES, SERVICES, *PARTS):
        if spec.title not in book.sheetnames:
            continue
        sheet = book[spec.title]
        offset = 2 if spec.kind == "part" else 0
        if spec.kind == "part":
            _validation(sheet, "A", f"={SERVICES.title}!$A$2:$A$5000", DataValidation)
        for index, column in enumerate(spec.columns, start=1 + offset):
            letter = get_column_letter(index)
            source = sources.get((spec.kind, column.field))
            if source is not None:
                _validation(sheet, letter, "=" + source, DataValidation)
            elif column.choices and column.shape == "value":
                _validation(sheet, letter, '"' + ",".join(column.choices) + '"', DataValidation)


def _validation(sheet, letter: str, formula: str, kind) -> None:
    rule = kind(type="list", formula1=formula, allow_blank=True, errorStyle="warning",
                error="不在列表中：请从下拉列表中选择", errorTitle="请核对")
    rule.add(f"{letter}2:{letter}{sheet.max_row + SPARE_ROWS}")
    sheet.add_data_validation(rule)


def save(book) -> bytes:
    # A fixed timestamp: the same data gives the same file.
    book.properties.created = book.properties.modified = datetime.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
