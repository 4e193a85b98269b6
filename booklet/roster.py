"""Staff rosters (花名册) in Excel: an empty template, an export for review, and an import that
shows what would change and, when asked, writes it into cadres.yaml keeping its comments.

Excel turns phone numbers into numbers (13800138000.0, 1.38e10, a landline without its
leading 0), merges cells and leaves blank rows and stray spaces: each is read as meant, or
reported with the sheet, row and column.
"""
from __future__ import annotations

import datetime
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booklet import pinyin
from booklet.data.load import Project
from booklet.data.phones import Kind, parse_phone
from booklet.data.text import halfwidth

# Column header → cadre field. The first name of each is what the template writes.
COLUMNS = {
    "id": ("编号",),
    "name": ("姓名",),
    "station": ("站所", "所在站所", "科室", "部门"),
    "post": ("职务", "岗位"),
    "mobile": ("手机", "手机号", "手机号码", "移动电话"),
    "office_phone": ("办公电话", "座机", "固定电话"),
    "duties": ("工作职责", "职责", "分工"),
}


class RosterError(Exception):
    """The workbook cannot be read at all."""


@dataclass
class Row:
    number: int
    values: dict[str, str]


@dataclass
class Plan:
    """What an import would do to cadres.yaml."""

    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


def template() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "花名册"
    _header(sheet)
    for column in range(1, len(COLUMNS) + 1):
        for row in range(2, 202):  # text cells: Excel keeps the leading 0 and all the digits
            sheet.cell(row=row, column=column).number_format = "@"
    return _save(book)


def export(project: Project) -> bytes:
    """The data for a leader to review: staff, offices and service items, one sheet each."""
    from openpyxl import Workbook

    book = Workbook()
    staff = book.active
    staff.title = "花名册"
    _header(staff)
    for cadre in project.cadres:
        staff.append([cadre.id, cadre.name, project.station(cadre.station).name, cadre.post,
                      str(cadre.mobile or ""), str(cadre.office_phone or ""), "\n".join(cadre.duties)])
    offices = book.create_sheet("站所")
    offices.append(["编号", "名称", "办公地点", "办公时间", "办公电话", "职责"])
    for s in project.stations:
        offices.append([s.id, s.name, s.room, project.hours(s), str(s.phone or ""), s.remit])
    items = book.create_sheet("服务事项")
    items.append(["编号", "名称", "分类", "受理站所", "经办人", "办结时限", "收费"])
    for s in project.services:
        from booklet.view import time_limit_text

        handlers = "、".join(project.cadre(h).name for h in s.handlers)
        items.append([s.id, s.name, s.category, project.station(s.station).name, handlers,
                      time_limit_text(s.time_limit) if s.time_limit else "", s.fee or ""])
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.number_format = "@"
    return _save(book)


def _header(sheet) -> None:
    from openpyxl.styles import Font

    sheet.append([names[0] for names in COLUMNS.values()])
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def _save(book) -> bytes:
    # A fixed timestamp: the same data gives the same file.
    book.properties.created = book.properties.modified = datetime.datetime(2000, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


EXCEL_ROWS = 1_048_576  # the most a sheet can have
MAX_ROWS = 10_000  # a county's staff several times over


def read(path: Path) -> tuple[str, list[Row]]:
    """The first sheet's name, and its rows as text with merged cells filled in."""
    from openpyxl import load_workbook

    if not path.is_file():
        raise RosterError(f"{path} 不存在或不是文件：请写花名册 Excel 文件的路径，如 花名册.xlsx")
    try:
        book = load_workbook(path, data_only=True)
    except OSError:
        raise  # the file could not be read: the caller says why
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook, in English
        logging.getLogger("booklet").debug("openpyxl: %s", exc)
        raise RosterError(f"{path} 不是能打开的 Excel 文件（.xlsx）：请在 Excel 或 WPS 中打开它，"
                          "另存为「Excel 工作簿（*.xlsx）」后再导入") from None
    if not book.worksheets:  # a workbook of chart sheets only
        raise RosterError(f"{path} 里没有表格（只有图表）：请把花名册放在第一张工作表中")
    sheet = book.worksheets[0]
    if sheet.max_row > EXCEL_ROWS:
        raise RosterError(f"{path} 工作表「{sheet.title}」写到了第 {sheet.max_row} 行，超出了 Excel 的行数上限"
                          f"（{EXCEL_ROWS} 行）：这个文件已损坏，请在 Excel 或 WPS 中另存一份再导入")
    if sheet.max_row > MAX_ROWS:
        # Every row down to the last is read, cell by cell: a stray mark at the foot of the
        # sheet would cost minutes and gigabytes for nothing.
        raise RosterError(f"{path} 工作表「{sheet.title}」有 {sheet.max_row} 行，花名册最多 {MAX_ROWS} 行："
                          "如果表格下方有不用的内容或格式，请选中这些行删除后再导入")
    merged = {}
    for cells in sheet.merged_cells.ranges:
        value = sheet.cell(cells.min_row, cells.min_col).value
        for row in range(cells.min_row, cells.max_row + 1):
            for column in range(cells.min_col, cells.max_col + 1):
                merged[(row, column)] = value
    header_row, columns = None, {}
    for row in sheet.iter_rows(min_row=1, max_row=10):
        found = {}
        for cell in row:
            text = _text(cell.value)
            for name, headers in COLUMNS.items():
                if text in headers:
                    found[name] = cell.column
        if "name" in found:
            header_row, columns = row[0].row, found
            break
    if header_row is None:
        raise RosterError(f"{path} 工作表「{sheet.title}」前 10 行中找不到「姓名」列")
    rows = []
    for number in range(header_row + 1, sheet.max_row + 1):
        if all(sheet.cell(number, column).value in (None, "") or (number, column) in merged
               for column in columns.values()):
            continue  # a blank row (a merged cell running past it does not make it a person)
        values = {}
        for name, column in columns.items():
            raw = merged.get((number, column), sheet.cell(number, column).value)
            values[name] = _cell_text(raw, name)
        rows.append(Row(number, values))
    return sheet.title, rows


def _text(value: Any) -> str:
    return "" if value is None else re.sub(r"\s+", " ", halfwidth(str(value))).strip()


def _cell_text(value: Any, name: str) -> str:
    if name in ("mobile", "office_phone") and isinstance(value, (int, float)):
        # Stored as a number: 13800138000.0 or 1.38e+10 (digits are exact up to 15).
        return str(int(value))
    if name == "duties" and isinstance(value, str):
        return "\n".join(part.strip() for part in re.split(r"[\n；;]", halfwidth(value)) if part.strip())
    return _text(value)


def _phone(text: str, kinds: set[Kind], area_code: str | None) -> str | None:
    """The number as printed, or None if it is not one; a landline that lost its 0 gets it back."""
    if not text:
        return ""
    for candidate in (text, "0" + text):
        phone = parse_phone(candidate, area_code)
        if phone is not None and phone.kind in kinds:
            return phone.display
    return None


def plan(project: Project, path: Path) -> Plan:
    sheet, rows = read(path)
    result = Plan()
    area = project.org.area_code
    stations = {s.name: s.id for s in project.stations} | {s.id: s.id for s in project.stations}
    by_id = {c.id: c for c in project.cadres}
    by_name: dict[str, list] = {}
    for c in project.cadres:
        by_name.setdefault(c.name, []).append(c)
    seen = set()
    for row in rows:
        where = f"{path.name} 工作表「{sheet}」第 {row.number} 行"
        v = row.values
        record: dict[str, Any] = {}
        if not v.get("name"):
            result.problems.append(f"{where} 姓名 列：空着")
            continue
        record["name"] = v["name"]
        if v.get("station"):
            if v["station"] not in stations:
                result.problems.append(f"{where} 站所 列：「{v['station']}」不是已有的站所（{'、'.join(s.name for s in project.stations)}）")
                continue
            record["station"] = stations[v["station"]]
        for name, kinds in (("mobile", {Kind.MOBILE}), ("office_phone", {Kind.MOBILE, Kind.LANDLINE})):
            if name in v:
                phone = _phone(v[name], kinds, area)
                if phone is None:
                    result.problems.append(f"{where} {COLUMNS[name][0]} 列：「{v[name]}」不是有效的电话号码")
                    continue
                record[name] = phone or None
        if v.get("post"):
            record["post"] = v["post"]
        if v.get("duties"):
            record["duties"] = v["duties"].split("\n")
        matches = [by_id[v["id"]]] if v.get("id") in by_id else by_name.get(v["name"], [])
        if len(matches) > 1 and "station" in record:
            matches = [c for c in matches if c.station == record["station"]]
        if len(matches) > 1:
            result.problems.append(f"{where}：有 {len(matches)} 个「{v['name']}」，请在 编号 列写上是哪一位")
            continue
        if matches:
            cadre = matches[0]
            seen.add(cadre.id)
            current = cadre.model_dump(mode="json")
            diff = {k: val for k, val in record.items() if current.get(k) != val}
            if diff:
                result.updates[cadre.id] = diff
                result.lines.append(f"变更：{cadre.name}：" + "；".join(
                    f"{COLUMNS[k][0]} {_show(current.get(k))} → {_show(val)}" for k, val in diff.items()))
        else:
            missing = [COLUMNS[k][0] for k in ("station", "post", "duties") if k not in record]
            if missing:
                result.problems.append(f"{where}：新来的「{v['name']}」缺少 {'、'.join(missing)}")
                continue
            record = {"id": v.get("id") or _new_id(v["name"], by_id, result.added), **record}
            result.added.append(record)
            result.lines.append(f"新增：{record['name']}（{record['id']}）")
    for cadre in project.cadres:
        if cadre.id not in seen:
            result.missing.append(cadre.id)
            result.lines.append(f"花名册中没有：{cadre.name}（{cadre.id}），导入后将从 cadres.yaml 删除")
    return result


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(value)
    return value or "（无）"


def _new_id(name: str, existing: dict, added: list[dict]) -> str:
    base = "".join(pinyin.name_syllables(name)) or "cadre"
    taken = set(existing) | {a["id"] for a in added}
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    return candidate


def apply(project: Project, result: Plan) -> None:
    """Write the plan into cadres.yaml, keeping its comments and the order of its entries."""
    from ruamel.yaml import YAML

    from booklet.data.load import CADRES_FILE
    from booklet.files import write_atomic

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)  # as the data files are written: "  - id: …"
    path = project.data_dir / CADRES_FILE
    document = yaml.load(path.read_text(encoding="utf-8"))
    entries = document["cadres"]
    for entry in list(entries):
        if entry.get("id") in result.missing:
            entries.remove(entry)
        elif entry.get("id") in result.updates:
            for key, value in result.updates[entry["id"]].items():
                if value is None:
                    entry.pop(key, None)
                else:
                    entry[key] = value
    for record in result.added:
        entries.append({k: v for k, v in record.items() if v is not None})
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    write_atomic(path, buffer.getvalue().encode("utf-8"))
