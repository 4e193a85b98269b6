"""Loading data/: every file read, every record validated on its own, every problem kept."""
from __future__ import annotations

import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from booklet.data.diagnostics import Problem, describe, suggestion
from booklet.data.filefacts import FileFacts
from booklet.data.model import AREA_CODE, Cadre, CadresFile, Org, Service, ServicesFile, Station, StationsFile
from booklet.data.yamlsource import Document, read_yaml

ORG_FILE = "org.yaml"
STATIONS_FILE = "stations.yaml"
CADRES_FILE = "cadres.yaml"
SERVICES_DIR = "services"
REFERENCES = {"cadre": {"station": "station"}, "service": {"station": "station", "handlers": "cadre"}}
"""By kind of record, its fields that name another record, and the kind they name."""

R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class Origin:
    """Where a record was written: its file and its path inside the file."""

    doc: Document
    loc: tuple[str | int, ...]

    def problem(self, *sub: str | int, message: str, warning: bool = False) -> Problem:
        return self.doc.problem(self.loc + sub, message, warning=warning)

    @property
    def raw(self) -> Any:
        """The record as written, before validation."""
        value = self.doc.value
        for step in self.loc:
            value = value[step]
        return value

    @property
    def name(self) -> str:
        return record_name(self.raw, self.loc[-1] if self.loc else 0)


@dataclass
class Project:
    """Everything read from one data folder."""

    data_dir: Path
    org: Org | None = None
    stations: list[Station] = field(default_factory=list)
    cadres: list[Cadre] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written_ids: dict[str, dict[str, list[Origin]]] = field(
        default_factory=lambda: {"station": {}, "cadre": {}, "service": {}}
    )
    """Every id written in the data, valid record or not, with where: a reference to a broken
    record is not dangling, and a duplicate is found even when one of the two is broken."""
    read: set[str] = field(default_factory=set)
    """Kinds whose files could be read; references into a kind that could not are not checked."""
    facts: FileFacts = field(default_factory=FileFacts)
    """What is known of the data's files (photos) from earlier runs."""
    _origins: dict[int, Origin] = field(default_factory=dict)

    def origin(self, record: BaseModel) -> Origin:
        return self._origins[id(record)]

    def station(self, station_id: str) -> Station | None:
        return next((s for s in self.stations if s.id == station_id), None)

    def cadre(self, cadre_id: str) -> Cadre | None:
        return next((c for c in self.cadres if c.id == cadre_id), None)

    def hours(self, station: Station) -> str:
        """When an office is open: its own hours, or else the service hall's."""
        return station.hours or self.org.hall_hours

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


def display_path(path: Path) -> str:
    """The path as the clerk typed it: relative to the current folder where possible."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def load(data_dir: Path) -> Project:
    """Read and validate every file in `data_dir`; the problems are in `project.problems`."""
    project = Project(data_dir)
    if not data_dir.is_dir():
        project.problems.append(Problem(display_path(data_dir), None, None, not_a_data_folder(data_dir)))
        return project

    org_doc = _read(project, data_dir / ORG_FILE)
    context = {"area_code": None}
    if org_doc is not None:
        if isinstance(org_doc.value, dict):
            area = org_doc.value.get("area_code")
            if isinstance(area, str) and re.match(AREA_CODE, area):
                context["area_code"] = area
        project.org = _validate(project, org_doc, (), Org, context, who="")
        project.read.add("org")

    doc = _read(project, data_dir / STATIONS_FILE)
    if doc is not None:
        project.stations = _records(project, doc, StationsFile, "stations", Station, context, "station")

    doc = _read(project, data_dir / CADRES_FILE)
    if doc is not None:
        project.cadres = _records(project, doc, CadresFile, "cadres", Cadre, context, "cadre")

    services_dir = data_dir / SERVICES_DIR
    # Every .yaml there, whatever it is: one that is no regular file is said, not skipped.
    files = sorted(p for p in services_dir.glob("*") if p.suffix.lower() in (".yaml", ".yml"))
    if not files:
        project.problems.append(Problem(display_path(services_dir), None, None,
                                        "没有服务事项文件：请在这里放至少一个 .yaml 文件"))
    for path in files:
        doc = _read(project, path)
        if doc is not None:
            project.services += _records(project, doc, ServicesFile, "services", Service, context, "service")

    expected = {ORG_FILE, STATIONS_FILE, CADRES_FILE}
    for path in sorted(data_dir.glob("*.y*ml")):
        if path.name not in expected:
            project.problems.append(Problem(
                display_path(path), None, None,
                f"不认识的数据文件，已忽略（应为 {'、'.join(sorted(expected))} 或 services/ 下的文件）",
                warning=True))
    return project


def not_a_data_folder(data_dir: Path) -> str:
    """Why `data_dir`, which is no folder, cannot be read as the data."""
    return "是一个文件，不是数据目录（应为放着 org.yaml 等文件的文件夹）" if data_dir.exists() else "数据目录不存在"


def _not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a data file (saying what it is instead), or None."""
    if path.is_symlink() and not path.exists():
        return "是一个链接，指向的文件不存在"
    if not path.exists():
        return "找不到这个文件"
    mode = path.stat().st_mode
    if stat.S_ISREG(mode):
        return None
    kind = "文件夹" if stat.S_ISDIR(mode) else "管道" if stat.S_ISFIFO(mode) else "设备或其他特殊文件"
    return f"是一个{kind}，不是普通文件（应为用文本编辑器保存的 YAML 文件）"


def _read(project: Project, path: Path) -> Document | None:
    display = display_path(path)
    if (why := _not_a_file(path)) is not None:
        project.problems.append(Problem(display, None, None, why))
        return None
    doc, problems = read_yaml(path, display)
    project.problems += problems
    if doc is not None:
        project.documents.append(doc)
    return doc


def _records(project: Project, doc: Document, wrapper: type[BaseModel], key: str,
             model: type[R], context: dict[str, Any], kind: str) -> list[R]:
    """Validate the file's shape, then each record on its own so one bad record hides no other."""
    if _validate(project, doc, (), wrapper, context, who="") is None:
        return []
    project.read.add(kind)
    records = []
    for index, raw in enumerate(doc.value[key]):
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            # Without invisible characters: a stray zero-width space is one error (on the id),
            # not also a dangling reference everywhere the id is used.
            written = "".join(c for c in raw["id"].strip() if unicodedata.category(c) not in ("Cc", "Cf"))
            project.written_ids[kind].setdefault(written, []).append(Origin(doc, (key, index)))
        record = _validate(project, doc, (key, index), model, context, who=record_name(raw, index), kind=kind)
        if record is not None:
            records.append(record)
    return records


def _validate(project: Project, doc: Document, loc: tuple[str | int, ...], model: type[R],
              context: dict[str, Any], who: str, kind: str = "") -> R | None:
    raw = doc.value
    for step in loc:
        raw = raw[step]
    try:
        record = model.model_validate(raw, context=context)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt required key is one mistake: say "did you mean", not also "missing".
        meant = {tuple(e["loc"][:-1]) + (suggestion(model, tuple(e["loc"])),)
                 for e in errors if e["type"] == "extra_forbidden"}
        for error in errors:
            if error["type"] == "missing" and tuple(error["loc"]) in meant:
                continue
            if _names_a_malformed_id(project, kind, error):
                continue
            field_name, message, at_key = describe(error, model)
            subject = " ".join(part for part in (who, field_name) if part)
            text = f"{subject}: {message}" if subject else message
            project.problems.append(doc.problem(loc + tuple(error["loc"]), text, at_key=at_key))
        return None
    project._origins[id(record)] = Origin(doc, loc)
    return record


def _names_a_malformed_id(project: Project, kind: str, error: ErrorDetails) -> bool:
    """Whether `error` is a reference failing the id check only because it names, as written,
    a record whose id is itself malformed (`station: 民政办` for `id: 民政办`): the one error
    on that id says it, not one more at every place that names it."""
    loc = error["loc"]
    named = REFERENCES.get(kind, {}).get(loc[0]) if loc else None
    return (named is not None and error["type"] == "booklet"
            and error.get("input") in project.written_ids[named])


def record_name(raw: Any, index: int | str) -> str:
    """How a record is named in messages: its name, else its id, else its position."""
    if isinstance(raw, dict):
        for key in ("name", "id"):
            value = raw.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return f"第 {index + 1} 项" if isinstance(index, int) else ""
