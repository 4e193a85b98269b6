"""The data workbook's sheets and columns, declared once from the model.

Each column is a field of the model (or a field of one of its parts); its header is the
field's short Chinese name and its help in the 说明 sheet the field's docstring, so the
workbook and the data files cannot describe a field differently.
"""
from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from booklet.data import model as m
from booklet.data.diagnostics import unwrap
from booklet.data.model import label

Shape = Literal["value", "joined", "lines"]
"""How a field sits in a cell: one value; a short list joined with 、; a list one per line."""


@dataclass(frozen=True)
class Column:
    owner: type[BaseModel]
    """The model that declares the field."""
    path: tuple[str, ...]
    """Where the field is inside the sheet's record: ("time_limit", "promised_days")."""
    shape: Shape = "value"
    also: tuple[str, ...] = ()
    """Other headers a clerk's own sheet may use for this column (手机号码 for 手机)."""
    header_override: str | None = None

    @property
    def field(self) -> str:
        return self.path[-1]

    @property
    def header(self) -> str:
        return self.header_override or label(self.owner, self.field)

    @property
    def headers(self) -> tuple[str, ...]:
        """Every header that names this column."""
        return (self.header, label(self.owner, self.field), *self.also)

    @property
    def help(self) -> str:
        return self.owner.model_fields[self.field].description or ""

    @property
    def required(self) -> bool:
        return self.owner.model_fields[self.field].is_required()

    @property
    def annotation(self) -> Any:
        return self.owner.model_fields[self.field].annotation

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The values the field takes, for a drop-down list: a Literal's, or 是/否."""
        return _choices(self.annotation)

    @property
    def number(self) -> bool:
        """A whole number: written to the sheet as a number, to YAML unquoted."""
        return _base(self.annotation) is int

    @property
    def date(self) -> bool:
        return _base(self.annotation) is m.datetime.date

    @property
    def phone(self) -> bool:
        return _base(self.annotation) is m.Phone


def _base(annotation: Any) -> Any:
    tp = unwrap(annotation)
    return typing.get_args(tp)[0] if typing.get_origin(tp) is list else tp


def _choices(annotation: Any) -> tuple[str, ...] | None:
    tp = unwrap(annotation)
    if typing.get_origin(tp) is Literal:
        return typing.get_args(tp)
    if tp is bool:
        return ("是", "否")
    return None


@dataclass(frozen=True)
class Sheet:
    title: str
    kind: str
    """What its rows are: "org" (one row per field), a record kind, or "part" of a service."""
    columns: tuple[Column, ...]
    within: tuple[str, ...] = ()
    """For a part sheet, where its list sits in a service (("time_limit", "stages"))."""
    also: tuple[str, ...] = ()
    """Other titles a clerk's sheet may have (花名册)."""
    text_rows: bool = False
    """A part sheet whose rows are lines of text (受理条件), not records."""

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.path[-1] == field)


def _columns(owner: type[BaseModel], fields: str, prefix: tuple[str, ...] = (),
             shapes: dict[str, Shape] | None = None, also: dict[str, tuple[str, ...]] | None = None,
             headers: dict[str, str] | None = None) -> tuple[Column, ...]:
    shapes, also, headers = shapes or {}, also or {}, headers or {}
    return tuple(Column(owner, prefix + (name,), shapes.get(name, "value"), also.get(name, ()),
                        headers.get(name)) for name in fields.split())


ITEM_ID, ITEM_NAME = "事项编号", "事项名称"
"""The columns by which a row of a part sheet names its service item."""

ORG = Sheet("单位信息", "org", (
    *_columns(m.Org, "name region address postcode area_code"),
    *_columns(m.Edition, "number date", ("edition",)),
    *_columns(m.Org, "hall_hours hall_phone"),
    *_columns(m.Supervision, "name phone address", ("supervision",)),
    *_columns(m.Channels, "secretary_mailbox mail_address email wechat weibo website hotline", ("channels",)),
    *_columns(m.Org, "remedy web_url plate_size"),
    *_columns(m.Editions, "reading print_copy large_print plates cards card_qr card_copies", ("editions",)),
))
CATEGORIES = Sheet("事项分类", "category", _columns(m.Category, "name intro"))
LIFE_EVENTS = Sheet("人生大事", "life_event", _columns(m.Org, "life_events", headers={"life_events": "人生大事"}),
                    text_rows=True)
STATIONS = Sheet("站所", "station", _columns(
    m.Station, "id name room hours phone remit",
    also={"id": ("编号",), "name": ("名称",), "phone": ("办公电话", "电话", "联系电话"), "remit": ("职责",)}))
_PHONES = ("手机", "手机号", "移动电话", "联系电话")
CADRES = Sheet("干部", "cadre", _columns(
    m.Cadre, "id name station post duties mobile office_phone pinyin photo order",
    shapes={"duties": "lines"},
    also={"id": ("编号",), "station": ("站所", "站所编号", "站所名称", "科室", "部门"), "post": ("岗位",),
          "duties": ("职责", "分工"), "mobile": _PHONES, "office_phone": ("办公室电话", "座机", "固定电话"),
          "order": ("顺序", "排序")}), also=("花名册",))
SERVICES = Sheet("服务事项", "service", (
    *_columns(m.Service, "id name aliases category life_events station authority handlers summary",
              shapes={"aliases": "joined", "life_events": "joined", "handlers": "joined"},
              also={"id": ("编号",), "name": ("名称",)}),
    *_columns(m.TimeLimit, "immediate statutory_days promised_days days unit note", ("time_limit",)),
    *_columns(m.Service, "fee place hours basis proxy proxy_note online online_url handling_type visits "
                         "accepting result delivery consult_phone complaint_phone notes source",
              shapes={"basis": "lines", "notes": "lines"}),
))


def _part(title: str, within: str, owner: type[BaseModel], fields: str) -> Sheet:
    return Sheet(title, "part", _columns(owner, fields), tuple(within.split(".")))


def _text_part(title: str, field: str) -> Sheet:
    return Sheet(title, "part", _columns(m.Service, field), (field,), text_rows=True)


PARTS = (
    _text_part("受理条件", "conditions"),
    _part("申请材料", "materials", m.Material,
          "name kind count unit originals copies verify_original form required source sample note"),
    _text_part("办理流程", "steps"),
    _part("分段时限", "time_limit.stages", m.Stage, "name days"),
    _part("渠道时限", "time_limit.channels", m.ChannelLimit, "channel immediate days"),
    _part("特殊环节", "special_steps", m.SpecialStep, "name days counted"),
    _part("常见问题", "faq", m.Question, "q a"),
)
SHEETS = (ORG, CATEGORIES, LIFE_EVENTS, STATIONS, CADRES, SERVICES, *PARTS)
GUIDE = "说明"
