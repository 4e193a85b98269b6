"""What importing a workbook would do to data/: each change said in Chinese, every problem
at its cell, and the data files as they would be written.

A sheet the workbook lacks leaves its records as they are, and so does a column a sheet
lacks: a bare staff roster of names, offices and phones updates those and keeps each
person's photo and order. Rows are matched to records by id, else by a unique name; a row
that matches none is a new record, and a record no row matches is removed.
"""
from __future__ import annotations

import copy
import difflib
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from booklet import pinyin
from booklet.data import model as m
from booklet.data.diagnostics import Problem, describe
from booklet.data.load import CADRES_FILE, ORG_FILE, SERVICES_DIR, STATIONS_FILE, Project, display_path
from booklet.data.phones import parse_phone
from booklet.view import named as by_name
from booklet.workbook.diff import differences
from booklet.workbook.layout import (
    CADRES,
    CATEGORIES,
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
from booklet.workbook.read import Cell, Row, Workbook, read
from booklet.workbook.yamlwrite import ListEdits, edit_list, edit_mapping, new_list_file

_NOUNS = {"station": "站所", "cadre": "干部", "service": "服务事项"}
_MODELS: dict[str, type[BaseModel]] = {"station": m.Station, "cadre": m.Cadre, "service": m.Service}
_NO_MATERIALS = {"无需材料", "无需提交材料", "不需要材料", "无需提供材料", "无"}


@dataclass
class Plan:
    lines: list[str] = field(default_factory=list)
    """Every change, one per line."""
    problems: list[Problem] = field(default_factory=list)
    files: dict[Path, bytes | None] = field(default_factory=dict)
    """The data files to write, with their new content (None: to delete)."""
    roster: bool = False

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


@dataclass
class _Record:
    """A record as it is to be: as written (plain text, as the data files hold it), where its
    cells are, and the record it replaces."""

    raw: dict[str, Any]
    cells: dict[tuple[str | int, ...], Cell] = field(default_factory=dict)
    row: str | None = None
    current: BaseModel | None = None

    @property
    def id(self) -> str:
        return self.raw.get("id", "")

    @property
    def name(self) -> str:
        return self.raw.get("name") or self.id


def plan(project: Project, path: Path) -> Plan:
    book = read(path)
    result = Plan(problems=list(book.problems), roster=book.roster)
    builder = _Builder(project, book, result.problems)
    if not result.ok:
        return result
    builder.build()
    builder.validate()
    if not result.ok:
        result.problems.sort(key=_place)
        return result
    result.lines = builder.changes()
    if result.lines:
        result.files = builder.files()
        result.problems += _check_result(project.data_dir, result.files)
    return result


class _Builder:
    def __init__(self, project: Project, book: Workbook, problems: list[Problem]) -> None:
        self.project = project
        self.book = book
        self.problems = problems
        self.org_raw = project.origin(project.org).raw
        self.org = _Record(copy.deepcopy(self.org_raw), current=project.org)
        self.records: dict[str, list[_Record]] = {}
        self.removed: dict[str, list[BaseModel]] = {}
        self.validated: dict[int, BaseModel] = {}

    # --- from rows to records ---------------------------------------------------------

    def build(self) -> None:
        tables = self.book.tables
        if ORG.title in tables:
            row = tables[ORG.title].rows[0]
            for column in ORG.columns:
                if column.header in row.cells:
                    self._put(self.org, column, row.cells[column.header])
        if CATEGORIES.title in tables:
            current = {c.get("name"): c for c in self.org_raw.get("categories") or []}
            rows = []
            for index, row in enumerate(tables[CATEGORIES.title].rows):
                name = row.cells.get(CATEGORIES.columns[0].header)
                record = self._row_record(CATEGORIES, row, copy.deepcopy(current.get(_text(name), {})))
                rows.append(record.raw)
                self.org.cells[("categories", index)] = next(iter(row.cells.values()))
                self.org.cells.update({("categories", index, *loc): c for loc, c in record.cells.items()})
            self.org.raw["categories"] = rows
        if LIFE_EVENTS.title in tables:
            header = LIFE_EVENTS.columns[0].header
            events = [row.cells[header] for row in tables[LIFE_EVENTS.title].rows if header in row.cells]
            self.org.raw["life_events"] = [cell.value for cell in events if cell.value]
            for index, cell in enumerate(c for c in events if c.value):
                self.org.cells[("life_events", index)] = cell
            if not self.org.raw["life_events"]:
                del self.org.raw["life_events"]
        for spec, kind in ((STATIONS, "station"), (CADRES, "cadre"), (SERVICES, "service")):
            self.records[kind] = self._records(spec, kind)
        self._references()
        self._parts()

    def _records(self, spec: Sheet, kind: str) -> list[_Record]:
        currents = {"station": self.project.stations, "cadre": self.project.cadres,
                    "service": self.project.services}[kind]
        table = self.book.tables.get(spec.title)
        if table is None:
            self.removed[kind] = []
            return [_Record(copy.deepcopy(self.project.origin(c).raw), current=c) for c in currents]
        by_id = {c.id: c for c in currents}
        claimed: dict[str, str] = {}
        records = []
        id_header, name_header = spec.column("id").header, spec.column("name").header
        for row in table.rows:
            given = _text(row.cells.get(id_header))
            name = _text(row.cells.get(name_header))
            current = by_id.get(given) if given else self._by_name(currents, name, row, claimed, spec)
            if current is False:
                continue
            key = given or (current.id if current is not None else None)
            if key is not None and key in claimed:
                self.problems.append(Problem(row.cells[id_header if given else name_header].address, None, None,
                                             f"{_NOUNS[kind]}「{name or key}」在 {claimed[key]} 已经有了，同一{_NOUNS[kind]}只能有一行"))
                continue
            base = copy.deepcopy(self.project.origin(current).raw) if current is not None else {}
            record = self._row_record(spec, row, base)
            record.row, record.current = row.address, current
            if current is not None and not given:  # matched by name: the id column may be empty
                record.raw = {"id": current.id, **{k: v for k, v in record.raw.items() if k != "id"}}
            written = self.project.origin(current).raw if current is not None else {}
            if "order" in written and not record.raw.get("order"):
                record.raw["order"] = written["order"]  # given on an earlier import: an empty cell keeps it
            if not record.raw.get("id"):
                record.raw = {"id": self._new_id(kind, name, records), **record.raw}
            claimed[record.id] = f"第 {row.number} 行"
            records.append(record)
        self.removed[kind] = [c for c in currents if c.id not in claimed]
        return records

    def _by_name(self, currents, name: str, row: Row, claimed: dict[str, str], spec: Sheet):
        """The record a row without an id stands for, by its name: None if it is new, False
        (said) if the name is not enough to tell."""
        matches = [c for c in currents if c.name == name and c.id not in claimed]
        if len(matches) > 1 and spec is CADRES:
            station = _text(row.cells.get(CADRES.column("station").header))
            matches = [c for c in matches if station in (c.station, self._station_name(c.station))]
        if len(matches) > 1:
            self.problems.append(Problem(row.cells[spec.column("name").header].address, None, None,
                                         f"有 {len(matches)} 个「{name}」，请在「{spec.column('id').header}」列写上是哪一个"
                                         f"（{'、'.join(c.id for c in matches)}）"))
            return False
        return matches[0] if matches else None

    def _station_name(self, station_id: str) -> str | None:
        station = self.project.station(station_id)
        return station.name if station is not None else None

    def _row_record(self, spec: Sheet, row: Row, base: dict[str, Any]) -> _Record:
        """`base` with every column the sheet has set from `row`."""
        record = _Record(base)
        for column in spec.columns:
            if column.header in row.cells:
                self._put(record, column, row.cells[column.header])
        _prune(record.raw, ("time_limit",))
        return record

    def _put(self, record: _Record, column: Column, cell: Cell) -> None:
        value: Any = _text(cell)
        if value and column.shape == "joined":
            value = [part.strip() for part in re.split(r"[、,，;；\n]", value) if part.strip()]
        elif value and column.shape == "lines":
            value = [line.strip() for line in value.split("\n") if line.strip()]
        elif value and column.phone:  # a changed number written as the data files write them
            area = self.org.raw.get("area_code")
            phone = parse_phone(value, area if isinstance(area, str) else None)
            value = phone.display if phone is not None else value
        record.cells[column.path] = cell
        _set(record.raw, column.path, value or None)

    def _new_id(self, kind: str, name: str, made: list[_Record]) -> str:
        syllables = pinyin.name_syllables(name) if kind == "cadre" else pinyin.syllables(name)
        base = re.sub(r"[^a-z0-9]", "", "".join(syllables).lower()) or kind
        currents = {"station": self.project.stations, "cadre": self.project.cadres,
                    "service": self.project.services}[kind]
        taken = {c.id for c in currents} | {r.id for r in made}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}{n}", n + 1
        return candidate

    def _references(self) -> None:
        """A station or a handler may be given by its name, when only one has it."""
        stations = self.records["station"]
        cadres = self.records["cadre"]
        for kind in ("cadre", "service"):
            for record in self.records[kind]:
                cell = record.cells.get(("station",))
                if cell is not None and record.raw.get("station"):
                    record.raw["station"] = self._resolve(record.raw["station"], stations, "站所", cell)
        for record in self.records["service"]:
            cell = record.cells.get(("handlers",))
            if cell is not None and record.raw.get("handlers"):
                record.raw["handlers"] = [self._resolve(h, cadres, "干部", cell) for h in record.raw["handlers"]]
        self._named_in_org("category", [c.get("name") for c in self.org.raw.get("categories") or []
                                        if isinstance(c, dict)], CATEGORIES.title)
        self._named_in_org("life_events", self.org.raw.get("life_events") or [], LIFE_EVENTS.title)

    def _named_in_org(self, field_name: str, names: list[Any], sheet: str) -> None:
        """An item's category and life events, where the sheet gives them, are among those the
        office lists (事项分类, 人生大事): said at the item's cell, not in the YAML after."""
        for record in self.records["service"]:
            cell = record.cells.get((field_name,))
            written = record.raw.get(field_name)
            for value in ([written] if isinstance(written, str) else written or []) if cell is not None else []:
                if value not in names:
                    close = difflib.get_close_matches(value, [str(n) for n in names], n=1)
                    hint = f"是不是「{close[0]}」？" if close else f"可填：{'、'.join(map(str, names))}"
                    self.problems.append(Problem(cell.address, None, None,
                                                 f"{record.name}: 「{value}」不在「{sheet}」表中：{hint}"))

    def _resolve(self, written: str, records: list[_Record], noun: str, cell: Cell) -> str:
        """The id a station or a handler is given by: its id (in any case), or a name only one
        has: whole, before its brackets (民政办 for 民政办（社会事务办）), or a part of it."""
        if any(r.id == written.lower() for r in records):
            return written.lower()
        named = [records[i] for i in by_name(written, [str(r.raw.get("name", "")) for r in records])]
        if len(named) == 1:
            return named[0].id
        if named:
            self.problems.append(Problem(cell.address, None, None, f"有 {len(named)} 个{noun}叫「{written}」，"
                                         f"请写编号：{'、'.join(r.id for r in named)}"))
        else:
            choices = "、".join(f"{r.id}（{r.name}）" for r in records[:12])
            more = " 等" if len(records) > 12 else ""
            self.problems.append(Problem(cell.address, None, None,
                                         f"「{written}」不是已有的{noun}编号或名称（可填：{choices}{more}）"))
        return written

    def _parts(self) -> None:
        services = self.records["service"]
        for part in PARTS:
            table = self.book.tables.get(part.title)
            if table is None:
                continue
            rows: dict[int, list[Row]] = {id(s): [] for s in services}
            for row in table.rows:
                service = self._item(row, services)
                if service is not None:
                    rows[id(service)].append(row)
            for service in services:
                self._part(service, part, rows[id(service)])

    def _item(self, row: Row, services: list[_Record]) -> _Record | None:
        given, name = _text(row.cells.get(ITEM_ID)).lower(), _text(row.cells.get(ITEM_NAME))
        if given:
            found = next((s for s in services if s.id == given), None)
            if found is None:
                self.problems.append(Problem(row.cells[ITEM_ID].address, None, None,
                                             f"事项编号「{given}」在「{SERVICES.title}」表中没有"))
            elif name and name not in (found.raw.get("name"), getattr(found.current, "name", None)):
                self.problems.append(Problem(row.cells[ITEM_NAME].address, None, None,
                                             f"事项编号「{given}」是「{found.raw.get('name')}」，这里写的是「{name}」：请核对是哪个事项"))
            return found
        named = [s for s in services if name in (s.raw.get("name"), getattr(s.current, "name", None))]
        if len(named) != 1:
            where = row.cells.get(ITEM_NAME) or next(iter(row.cells.values()))
            self.problems.append(Problem(where.address, None, None,
                                         f"「{name}」不是「{SERVICES.title}」表中的事项名称，请写事项编号"
                                         if name else "请写这一行属于哪个事项（事项编号或事项名称）"))
            return None
        return named[0]

    def _part(self, service: _Record, part: Sheet, rows: list[Row]) -> None:
        current = _get(service.raw, part.within)
        if not rows:
            _set(service.raw, part.within, None)
        elif part.text_rows:
            header = part.columns[0].header
            lines = [row.cells[header] for row in rows if header in row.cells and _text(row.cells[header])]
            _set(service.raw, part.within, [_text(c) for c in lines] or None)
            for index, cell in enumerate(lines):
                service.cells[part.within + (index,)] = cell
        else:
            name = part.columns[0].header
            first = rows[0].cells
            if (part.within == ("materials",) and len(rows) == 1 and _text(first.get(name)) in _NO_MATERIALS
                    and not any(_text(c) for h, c in first.items() if h not in (name, ITEM_ID, ITEM_NAME))):
                _set(service.raw, part.within, _text(first[name]))
                service.cells[part.within] = first[name]
            else:
                items = []
                # A row keeps what a column the sheet lacks held for the same entry: found by
                # its first column (the material's name), not by its place, which rows
                # inserted or deleted above it change.
                earlier = [e for e in current if isinstance(e, dict)] if isinstance(current, list) else []
                first = part.columns[0]
                for index, row in enumerate(rows):
                    named = _text(row.cells.get(first.header)) if first.header in row.cells else None
                    base = next((e for e in earlier if named is not None and str(e.get(first.field, "")).strip() == named),
                                earlier[index] if named is None and index < len(earlier) else {})
                    if base in earlier:
                        earlier.remove(base)
                    record = _Record(copy.deepcopy(base))
                    for column in part.columns:
                        if column.header in row.cells:
                            self._put(record, column, row.cells[column.header])
                    items.append(record.raw)
                    for loc, cell in record.cells.items():
                        service.cells[part.within + (index,) + loc] = cell
                    service.cells[part.within + (index,)] = next(iter(row.cells.values()))
                _set(service.raw, part.within, items)
        _prune(service.raw, ("time_limit",))

    # --- validation -------------------------------------------------------------------

    def validate(self) -> None:
        context = {"area_code": self.org.raw.get("area_code")}
        if isinstance(context["area_code"], str) and not re.fullmatch(m.AREA_CODE, context["area_code"]):
            context["area_code"] = None
        self._validate(self.org, m.Org, context, "")
        for kind, records in self.records.items():
            for record in records:
                self._validate(record, _MODELS[kind], context, record.name)

    def _validate(self, record: _Record, model: type[BaseModel], context: dict[str, Any], who: str) -> None:
        try:
            new = self.validated[id(record)] = model.model_validate(record.raw, context=context)
        except ValidationError as exc:
            said = {p.file for p in self.problems}
            for error in exc.errors():
                loc = tuple(error["loc"])
                cell, header = self._cell(record, model, loc)
                if cell is not None and cell.address in said:
                    continue  # already said of that cell (a station that is not one)
                message = _in_sheet_words(describe(error, model)[1])
                subject = " ".join(p for p in (who, header) if p)
                where = cell.address if cell is not None else (record.row or self._file(record, model))
                self.problems.append(Problem(where, None, None, f"{subject}: {message}" if subject else message))
            return
        record.raw = _as_written(record, new, self._written(record))

    def _written(self, record: _Record) -> dict[str, Any]:
        if record is self.org:
            return self.org_raw
        return self.project.origin(record.current).raw if record.current is not None else {}

    def _cell(self, record: _Record, model: type[BaseModel], loc: tuple) -> tuple[Cell | None, str]:
        for length in range(len(loc), -1, -1):
            cell = record.cells.get(loc[:length])
            if cell is not None:
                return cell, _header_of(model, loc)
        return None, _header_of(model, loc)

    def _file(self, record: _Record, model: type[BaseModel]) -> str:
        return self.project.origin(record.current).doc.display if record.current is not None else model.__name__

    # --- what changes -----------------------------------------------------------------

    def changes(self) -> list[str]:
        lines = []
        new_org = self.validated[id(self.org)]
        lines += [f"单位信息：{d}" for d in differences(self.project.org, new_org)]
        for kind in ("station", "cadre", "service"):
            noun = _NOUNS[kind]
            for record in self.records[kind]:
                new = self.validated[id(record)]
                who = f"{noun} {record.name}（{record.id}）"
                if record.current is None:
                    lines.append(f"新增{noun}：{record.name}（{record.id}{self._where(kind, new)}）")
                else:
                    lines += [f"{who}：{d}" for d in differences(record.current, new)]
            for current in self.removed[kind]:
                lines.append(f"删除{noun}：{current.name}（{current.id}），表中没有这一行")
            lines += self._order_changed(kind)
        return lines

    def _where(self, kind: str, new: BaseModel) -> str:
        if kind == "cadre":
            return f"，{self._station_name(new.station) or next((r.name for r in self.records['station'] if r.id == new.station), new.station)}"
        if kind == "service":
            return f"，{new.category}"
        return ""

    def _order_changed(self, kind: str) -> list[str]:
        """A line for each group whose records the sheet puts in another order: the stations
        (the booklet's directory), a category's items (its chapter). Staff are ordered by
        their `order` within each office."""
        if kind == "cadre":
            return []
        records = [r for r in self.records[kind] if r.current is not None]
        group = (lambda r: "") if kind == "station" else (lambda r: r.raw.get("category", ""))
        currents = {"station": self.project.stations, "service": self.project.services}[kind]
        lines = []
        for name in dict.fromkeys(group(r) for r in records):
            now = [r for r in records if group(r) == name]
            ids = {r.id for r in now}
            if [r.id for r in now] != [c.id for c in currents if c.id in ids]:
                lines.append(f"{name + ' 中' if name else ''}{_NOUNS[kind]}的先后顺序：{'、'.join(r.name for r in now)}")
        return lines

    # --- the files as they will be ----------------------------------------------------

    def files(self) -> dict[Path, bytes | None]:
        """Each data file that changes, as it will be written (None: deleted), in the file's
        own line endings."""
        data = self.project.data_dir
        files: dict[Path, str | None] = {}
        if self.org.raw != self.org_raw:
            path = data / ORG_FILE
            files[path] = edit_mapping(_text_of(path), self.org_raw, self.org.raw)
        self._list_file(files, data / STATIONS_FILE, "stations", "station")
        self._list_file(files, data / CADRES_FILE, "cadres", "cadre")
        self._service_files(files)
        return {path: None if text is None else _as_the_file_was(path, text) for path, text in files.items()}

    def _list_file(self, files: dict[Path, str], path: Path, key: str, kind: str) -> None:
        edits = ListEdits(key)
        self._edits(edits, kind, self.records[kind], self.removed[kind])
        if kind == "cadre":
            for record in self.records[kind]:
                moved = record.current is not None and record.current.station != record.raw.get("station")
                if moved:  # taken out of the old office's group, put at the end of the new one's
                    edits.updated.pop(record.id, None)
                    edits.removed.add(record.id)
                if record.current is None or moved:
                    edits.added.append((self._ordered(record), self._last_of(record, "station")))
        elif kind == "station":
            previous = None
            for record in self.records[kind]:
                if record.current is None:
                    edits.added.append((record.raw, previous))
                previous = record.id
        if self._order_changed(kind):
            edits.order = [r.id for r in self.records[kind] if r.current is not None]
        if edits:
            files[path] = edit_list(_text_of(path), edits)

    def _edits(self, edits: ListEdits, kind: str, records: list[_Record], removed: list[BaseModel]) -> None:
        for record in records:
            if record.current is not None:
                old = self.project.origin(record.current).raw
                if old != record.raw:
                    edits.updated[record.id] = (old, record.raw)
        edits.removed = {c.id for c in removed}

    def _ordered(self, record: _Record) -> dict[str, Any]:
        """A new person with an `order` after the last of their office, when the office's
        people have one: appended last otherwise, whatever the file's order said."""
        raw = dict(record.raw)
        if record.current is not None and raw.get("order") == self.project.origin(record.current).raw.get("order"):
            raw.pop("order", None)  # its place in the office it left means nothing in the new one
        if raw.get("order") is None:
            orders = [r.raw.get("order") for r in self.records["cadre"]
                      if r.raw.get("station") == raw.get("station") and r is not record and r.current is not None]
            numbers = [int(o) for o in orders if isinstance(o, str) and o.isdigit()]
            if numbers:
                raw["order"] = str(max(numbers) + 1)
        return raw

    def _last_of(self, record: _Record, field_name: str) -> str | None:
        """The id of the last existing record sharing `field_name` with `record` (its group)."""
        same = [r.id for r in self.records["cadre" if field_name == "station" else "service"]
                if r.current is not None and r is not record and r.raw.get(field_name) == record.raw.get(field_name)
                and getattr(r.current, field_name, None) == r.raw.get(field_name)]
        return same[-1] if same else None

    def _service_files(self, files: dict[Path, str]) -> None:
        by_file: dict[Path, ListEdits] = {}
        texts: dict[Path, str] = {}
        order: dict[Path, list[str]] = {}
        for record in self.records["service"]:
            if record.current is not None:
                path = self.project.origin(record.current).doc.path
                order.setdefault(path, []).append(record.id)
                edits = by_file.setdefault(path, ListEdits("services"))
                old = self.project.origin(record.current).raw
                if old != record.raw:
                    edits.updated[record.id] = (old, record.raw)
        for current in self.removed["service"]:
            path = self.project.origin(current).doc.path
            by_file.setdefault(path, ListEdits("services")).removed.add(current.id)
        new_files: dict[Path, list[dict[str, Any]]] = {}
        previous: dict[str, str] = {}  # by category, the last existing item before this row
        for record in self.records["service"]:
            category = record.raw.get("category")
            if record.current is not None:
                previous[category] = record.id
                continue
            after = previous.get(category) or self._last_of(record, "category")
            if after is None:
                name = "".join(pinyin.syllables(record.raw.get("category", ""))).lower() or "services"
                path = self.project.data_dir / SERVICES_DIR / f"{re.sub(r'[^a-z0-9]', '', name)}.yaml"
                new_files.setdefault(path, []).append(record.raw)
                continue
            holder = next(r for r in self.records["service"] if r.id == after)
            path = self.project.origin(holder.current).doc.path
            by_file.setdefault(path, ListEdits("services")).added.append((record.raw, after))
        if self._order_changed("service"):
            for path, ids in order.items():
                before = [s.id for s in self.project.services
                          if self.project.origin(s).doc.path == path and s.id in ids]
                if before != ids:
                    by_file.setdefault(path, ListEdits("services")).order = ids
        for path, edits in by_file.items():
            kept = order.get(path, [])
            if edits.removed and not kept and not edits.added:
                texts[path] = None  # its last item removed: the file goes
            elif edits:
                texts[path] = edit_list(_text_of(path), edits)
        for path, records in new_files.items():
            if path.exists():  # a file of that name holds other items: add to it
                texts[path] = edit_list(texts.get(path) or _text_of(path),
                                        ListEdits("services", added=[(r, None) for r in records]))
            else:
                texts[path] = new_list_file("services", records, f"服务事项：{records[0].get('category')}。")
        files.update(texts)


def _place(problem: Problem) -> tuple:
    """Where a problem is, for reading them in order: sheet by sheet, row by row."""
    found = re.search(r":([^:!]+)!([A-Z]*)(\d+)$", problem.file)
    if found is None:
        return (-1, 0, 0, "")
    sheet, letters, row = found.groups()
    order = [s.title for s in SHEETS]
    column = sum((ord(c) - 64) * 26 ** i for i, c in enumerate(reversed(letters)))
    return (order.index(sheet) if sheet in order else len(order), int(row), column, problem.file)


def _check_result(data_dir: Path, files: dict[Path, bytes | None]) -> list[Problem]:
    """Every problem of the data as it would be after the import: it is written only if sound."""
    from booklet.data.checks import check_data

    with tempfile.TemporaryDirectory(prefix="booklet-import-") as scratch:
        copy_dir = Path(scratch) / "data"
        shutil.copytree(data_dir, copy_dir, symlinks=True, copy_function=shutil.copyfile)
        for folder in (copy_dir, *copy_dir.rglob("*")):  # a read-only data folder gives a read-only copy
            if folder.is_dir() and not folder.is_symlink():
                folder.chmod(0o755)
        for path, content in files.items():
            target = copy_dir / path.relative_to(data_dir)
            if content is None:
                target.unlink()
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        project = check_data(copy_dir)
        shown_as, real = display_path(copy_dir), display_path(data_dir)
        return [Problem(p.file.replace(shown_as, real, 1), p.line, p.column, f"（导入后）{p.message}")
                for p in project.problems if not p.warning]


def _as_written(record: _Record, new: BaseModel, old: dict[str, Any]) -> dict[str, Any]:
    """The record to write: a field whose value has not changed as it was written (「yes」
    stays 「yes」 though the sheet says 是); a new field placed where the model has it."""
    fields = list(type(new).model_fields)
    raw = {}
    for name in fields:
        unchanged = record.current is not None and getattr(record.current, name) == getattr(new, name)
        source = old if unchanged else record.raw
        if name in source:
            raw[name] = source[name]
    ordered = [k for k in old if k in raw]
    for name in fields:
        if name in raw and name not in ordered:
            before = [f for f in fields[:fields.index(name)] if f in ordered]
            ordered.insert(ordered.index(before[-1]) + 1 if before else 0, name)
    return {k: raw[k] for k in ordered}


def _in_sheet_words(message: str) -> str:
    """A message written for the YAML files said for the sheet: its columns have no keys."""
    message = re.sub(r"缺少必填字段 [a-z_]+（([^）]+)）", r"「\1」不能为空", message)
    return re.sub(r"（[a-z_]+）", "", message)


def _text_of(path: Path) -> str:
    """A data file's text as it is edited: without a byte-order mark, lines ending in \\n."""
    return path.read_text(encoding="utf-8-sig")


def _as_the_file_was(path: Path, text: str) -> bytes:
    """`text` written with the file's own byte-order mark and line endings, if it had them."""
    before = path.read_bytes() if path.exists() else b""
    data = text.replace("\n", "\r\n") if b"\r\n" in before else text
    return (b"\xef\xbb\xbf" if before.startswith(b"\xef\xbb\xbf") else b"") + data.encode("utf-8")


def _text(cell: Cell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    return str(cell.value).strip()


def _get(raw: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = raw
    for step in path:
        value = value.get(step) if isinstance(value, dict) else None
    return value


def _set(raw: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set (or, with None, remove) the value at `path`, making the mappings on the way."""
    for step in path[:-1]:
        if not isinstance(raw.get(step), dict):
            if value is None:
                return
            raw[step] = {}
        raw = raw[step]
    if value is None:
        raw.pop(path[-1], None)
    else:
        raw[path[-1]] = value


def _prune(raw: dict[str, Any], path: tuple[str, ...]) -> None:
    """Remove the mapping at `path` if nothing is left in it (a time limit with no column set)."""
    value = _get(raw, path)
    if isinstance(value, dict) and not value:
        _set(raw, path, None)


def _header_of(model: type[BaseModel], loc: tuple) -> str:
    """The column a validation error at `loc` is about, named as the sheet names it."""
    from booklet.data.diagnostics import model_at

    names = [step for step in loc if isinstance(step, str)]
    if not names:
        return ""
    owner = model_at(model, tuple(loc[:max(i for i, s in enumerate(loc) if isinstance(s, str))]))
    return m.label(owner, names[-1]) if owner is not None and names[-1] in owner.model_fields else names[-1]
