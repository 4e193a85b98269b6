"""Reading a workbook as the clerk meant it.

Excel turns phone numbers into numbers (13800138000.0, 1.38e10, a landline without its
leading 0), dates into datetimes, merges cells and leaves blank rows, stray spaces and
full-width digits: each is read as meant. A header the sheet's columns do not know is
reported with a "did you mean", never skipped.
"""
from __future__ import annotations

import datetime
import difflib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booklet.data.diagnostics import Problem
from booklet.data.load import display_path
from booklet.data.phones import parse_phone
from booklet.data.text import halfwidth
from booklet.workbook.export import ORG_HEADERS
from booklet.workbook.layout import CADRES, GUIDE, ITEM_ID, ITEM_NAME, SHEETS, Column, Sheet

EXCEL_ROWS = 1_048_576  # the most a sheet can have
EXCEL_CELL = 32_767  # the most characters a cell holds
MAX_ROWS = 10_000  # a county's staff or items several times over


class WorkbookError(Exception):
    """The workbook cannot be read at all."""


@dataclass(frozen=True)
class Cell:
    value: Any
    """Text, a whole number (a number column), or None for an empty cell."""
    address: str
    """Where it is, as `数据汇总.xlsx:干部!F14`."""


@dataclass
class Row:
    number: int
    cells: dict[str, Cell]
    """By column header as declared (a column the sheet lacks is not here)."""
    address: str


@dataclass
class Table:
    spec: Sheet
    title: str
    rows: list[Row]
    columns: set[str]
    """The declared headers the sheet has."""


@dataclass
class Workbook:
    tables: dict[str, Table] = field(default_factory=dict)
    """By the declared sheet title."""
    problems: list[Problem] = field(default_factory=list)
    roster: bool = False
    """A bare staff roster: its first sheet read as the 干部 sheet."""


def read(path: Path) -> Workbook:
    book = _open(path)
    formulas = _formulas(path)
    display = display_path(path)
    result = Workbook()
    known = {_norm(t): spec for spec in SHEETS for t in (spec.title, *spec.also)}
    sheets = [s for s in book.worksheets if _norm(s.title) != GUIDE]
    if not any(_norm(s.title) in known for s in sheets):
        if not sheets:
            raise WorkbookError(f"{display} 里没有表格（只有图表）：请把花名册放在第一张工作表中")
        result.roster = True
        sheets, known = sheets[:1], {_norm(sheets[0].title): CADRES}
    for sheet in sheets:
        spec = known.get(_norm(sheet.title))
        if spec is None:
            guess = difflib.get_close_matches(sheet.title, [s.title for s in SHEETS], n=1, cutoff=0.4)
            hint = f"，是不是「{guess[0]}」？" if guess else f"（认识的工作表：{'、'.join(s.title for s in SHEETS)}）"
            result.problems.append(Problem(display, None, None,
                                           f"工作表「{sheet.title}」不认识，没有导入{hint}", warning=True))
            continue
        if spec.title in result.tables:
            result.problems.append(Problem(display, None, None, f"有两张「{spec.title}」工作表，请删掉一张"))
            continue
        table = _table(display, sheet, spec, result.problems, formulas.get(sheet.title, set()))
        if table is not None:
            result.tables[spec.title] = table
    return result


def _open(path: Path):
    from openpyxl import load_workbook

    display = display_path(path)
    if not path.is_file():
        raise WorkbookError(f"{display} 不存在或不是文件：请写 Excel 文件的路径，如 数据汇总.xlsx")
    try:
        book = load_workbook(path, data_only=True)
    except OSError:
        raise  # the file could not be read: the caller says why
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook, in English
        logging.getLogger("booklet").debug("openpyxl: %s", exc)
        raise WorkbookError(f"{display} 不是能打开的 Excel 文件（.xlsx）：请在 Excel 或 WPS 中打开它，"
                            "另存为「Excel 工作簿（*.xlsx）」后再导入") from None
    if not book.worksheets:  # a workbook of chart sheets only
        raise WorkbookError(f"{display} 里没有表格（只有图表）：请把花名册放在第一张工作表中")
    for sheet in book.worksheets:
        if sheet.max_row > EXCEL_ROWS:
            raise WorkbookError(f"{display} 工作表「{sheet.title}」写到了第 {sheet.max_row} 行，超出了 Excel 的行数上限"
                                f"（{EXCEL_ROWS} 行）：这个文件已损坏，请在 Excel 或 WPS 中另存一份再导入")
        if sheet.max_row > MAX_ROWS:
            # Every row down to the last is read, cell by cell: a stray mark at the foot of the
            # sheet would cost minutes and gigabytes for nothing.
            raise WorkbookError(f"{display} 工作表「{sheet.title}」有 {sheet.max_row} 行，最多 {MAX_ROWS} 行："
                                "如果表格下方有不用的内容或格式，请选中这些行删除后再导入")
    return book


def _formulas(path: Path) -> dict[str, set[tuple[int, int]]]:
    """By sheet, the cells that hold a formula: the values read are the results the file keeps."""
    import zipfile

    from openpyxl import load_workbook

    with zipfile.ZipFile(path) as archive:  # most workbooks have none: not read twice for nothing
        if not any(re.search(rb"<f[ >]", archive.read(name)) for name in archive.namelist()
                   if name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return {}
    book = load_workbook(path, read_only=True, data_only=False)
    try:
        return {sheet.title: {(c.row, c.column) for row in sheet.iter_rows() for c in row
                              if getattr(c, "data_type", None) == "f"}
                for sheet in book.worksheets}
    finally:
        book.close()


def _norm(text: Any) -> str:
    return "" if text is None else re.sub(r"\s+", "", halfwidth(str(text)))


def _table(display: str, sheet, spec: Sheet, problems: list[Problem], formulas: set[tuple[int, int]]) -> Table | None:
    from openpyxl.utils import get_column_letter

    merged, carried = {}, set()
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for column in range(cells.min_col, cells.max_col + 1):
                merged[(row, column)] = value
                if (row, column) != (cells.min_row, cells.min_col):
                    carried.add((row, column))
    if spec.kind == "org":
        return _org_table(display, sheet, spec, merged, problems, formulas)
    columns = {**({ITEM_ID: None, ITEM_NAME: None} if spec.kind == "part" else {}),
               **{c.header: c for c in spec.columns}}
    names = {_norm(h): header for header, c in columns.items()
             for h in ((header,) if c is None else c.headers)}
    header_row, found = None, {}
    for row in sheet.iter_rows(min_row=1, max_row=min(10, sheet.max_row)):
        found = {cell.column: names[_norm(cell.value)] for cell in row if _norm(cell.value) in names}
        if len(found) >= min(2, len(columns)):
            header_row = row[0].row
            break
    where = f"{display}:{sheet.title}"
    if header_row is None:
        problems.append(Problem(where, None, None, f"前 10 行中找不到列名行（应有「{'」「'.join(list(columns)[:3])}」等列）"))
        return None
    before = len(problems)
    for cell in sheet[header_row]:
        text = _norm(cell.value)
        if cell.column in found:
            continue
        letter = cell.column_letter
        if text:
            guess = difflib.get_close_matches(text, list(names), n=1, cutoff=0.5)
            hint = f"，是不是「{names[guess[0]]}」？" if guess else f"（这张表的列：{'、'.join(columns)}）"
            problems.append(Problem(f"{where}!{letter}{header_row}", None, None, f"不认识的列名「{cell.value}」{hint}"))
        elif any(sheet.cell(r, cell.column).value not in (None, "") for r in range(header_row + 1, sheet.max_row + 1)):
            problems.append(Problem(f"{where}!{letter}{header_row}", None, None, "这一列有内容，但没有列名"))
    taken: dict[str, int] = {}
    for column, header in found.items():
        if header in taken:
            problems.append(Problem(f"{where}!{sheet.cell(header_row, column).column_letter}{header_row}", None, None,
                                    f"「{header}」列出现了两次"))
        taken[header] = column
    if spec is CADRES and not {"手机号码", "办公电话"} & set(taken):
        problems.append(Problem(where, None, None, "没有电话列：请加上「手机号码」或「办公电话」列"))
    if len(problems) > before:
        return None
    rows = []
    for number in range(header_row + 1, sheet.max_row + 1):
        cells, own = {}, False
        for header, column in taken.items():
            raw = merged.get((number, column), sheet.cell(number, column).value)
            address = f"{where}!{get_column_letter(column)}{number}"
            said = _unusable(raw, (number, column) in formulas) or _too_long(raw)
            if said:
                problems.append(Problem(address, None, None, said))
            cells[header] = Cell(cell_value(raw, columns[header]), address)
            # A merged cell's value carried down does not make a row of its own.
            own = own or (cells[header].value is not None and (number, column) not in carried)
        if own:
            rows.append(Row(number, cells, f"{where}!{number}"))
    return Table(spec, sheet.title, rows, set(taken))


def _too_long(raw: Any) -> str | None:
    if isinstance(raw, str) and len(raw) > EXCEL_CELL:
        return f"这一格有 {len(raw)} 个字，超过了 Excel 一格能放的 {EXCEL_CELL} 个字：请删减"
    return None


EXCEL_ERRORS = {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}


def _unusable(raw: Any, formula: bool) -> str | None:
    """Why a cell's value cannot be read as data: a formula's error, or a formula whose result
    the file does not hold (saved by a program that does not calculate)."""
    if isinstance(raw, str) and raw.strip() in EXCEL_ERRORS:
        return f"「{raw.strip()}」是公式算出的错误值：请改成要导入的内容"
    if formula and raw is None:
        return "这一格是公式，但文件里没有它算出的值：请在 Excel 或 WPS 中打开、保存一次再导入，或把公式换成内容"
    return None


def _org_table(display: str, sheet, spec: Sheet, merged: dict, problems: list[Problem],
               formulas: set[tuple[int, int]]) -> Table | None:
    """单位信息: one row per field, named in its first column, its value in the second."""
    where = f"{display}:{sheet.title}"
    by_name = {_norm(h): c for c in spec.columns for h in c.headers}
    cells: dict[str, Cell] = {}
    for row in sheet.iter_rows(min_row=1):
        name = _norm(merged.get((row[0].row, 1), row[0].value))
        if not name or name in {_norm(h) for h in ORG_HEADERS}:
            continue
        column = by_name.get(name)
        address = f"{where}!A{row[0].row}"
        if column is None:
            guess = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
            hint = f"，是不是「{by_name[guess[0]].header}」？" if guess else ""
            problems.append(Problem(address, None, None, f"不认识的项目「{row[0].value}」{hint}"))
            continue
        if column.header in cells:
            problems.append(Problem(address, None, None, f"「{column.header}」出现了两次"))
            continue
        raw = row[1].value if len(row) > 1 else None
        said = _unusable(raw, (row[0].row, 2) in formulas) or _too_long(raw)
        if said:
            problems.append(Problem(f"{where}!B{row[0].row}", None, None, said))
        cells[column.header] = Cell(cell_value(raw, column), f"{where}!B{row[0].row}")
    return Table(spec, sheet.title, [Row(1, cells, where)], set(cells))


def cell_value(raw: Any, column: Column | None) -> Any:
    """A cell's value as the data would write it: text, a whole number, or None."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat(" ")
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # 13800138000.0, 1.38e10: Excel keeps 15 digits exactly
    if isinstance(raw, int) and column is not None and column.phone:
        # A landline stored as a number has lost its leading 0 (57180000101).
        text = str(raw)
        return "0" + text if parse_phone(text) is None and parse_phone("0" + text) is not None else text
    if isinstance(raw, int):
        return raw if column is not None and column.number else str(raw)
    text = str(raw).strip()
    if len(text) > EXCEL_CELL:
        text = text[:EXCEL_CELL]  # more than a cell holds: the check of the result says where
    if column is not None and (column.number or column.phone or column.date or column.choices
                               or column.field in ("id", "station", "handlers", "area_code")):
        text = halfwidth(text).strip().lstrip("'")  # 'text: how WPS and LibreOffice mark a number kept as text
    if column is not None and column.field == "id":
        text = text.lower()  # ids are lower case: DIBAO is dibao
    if column is not None and column.field == "area_code" and re.fullmatch(r"[1-9]\d{1,2}", text):
        text = "0" + text  # stored as a number, it lost its 0
    if column is not None and column.number and re.fullmatch(r"\d{1,9}", text):
        return int(text)
    return text or None
