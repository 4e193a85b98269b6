"""Problems found in the data: where they are, what they say, and how they are printed."""
from __future__ import annotations

import difflib
import logging
import re
import types
import typing
import unicodedata
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails


@dataclass(frozen=True)
class Problem:
    """One finding, printed as `file:line:col: message` (the form editors and CI tools read)."""

    file: str
    line: int | None
    column: int | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        kind = "警告：" if self.warning else ""
        return shown(f"{where}: {kind}{self.message}")


def shown(text: str) -> str:
    """`text` as a terminal may print it: an invisible or direction-changing character (a
    zero-width space, U+202E, which turned the rest of the line around) written as `U+202E`,
    and a value quoted in it that runs to pages (a duty of 100,000 characters) cut short."""
    text = _QUOTED_AT_LENGTH.sub(lambda m: f"「{m[1][:_QUOTED_KEPT]}…（共 {len(m[1])} 个字）」", text)
    return "".join(f"U+{ord(c):04X}" if unicodedata.category(c) in ("Cf", "Cc") and c not in "\t" else c
                   for c in text)


# A quoted value this long is shown by its start: the clerk finds the rest from the line number.
_QUOTED_KEPT = 40
_QUOTED_AT_LENGTH = re.compile(rf"「([^「」]{{{_QUOTED_KEPT + 20},}})」")


def summary(problems: list[Problem]) -> str:
    errors = sum(not p.warning for p in problems)
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(f"{errors} 个错误")
    if warnings:
        parts.append(f"{warnings} 个警告")
    return "共 " + "，".join(parts) if parts else "没有发现问题"


def field_path(loc: tuple[str | int, ...]) -> str:
    """`('materials', 2, 'copies')` → `materials[3].copies`, counting items from 1 as clerks do."""
    text = ""
    for step in loc:
        if isinstance(step, int):
            text += f"[{step + 1}]"
        else:
            text += ("." if text else "") + step
    return text


# --- pydantic errors in Chinese ------------------------------------------------------------

_PATTERN_HINTS = {
    "postcode": "应为 6 位数字",
    "area_code": "应为 0 开头的 3 到 4 位区号，如 0571",
    "pinyin": "只能写拼音字母和空格，如 shan li hua",
}

_TEMPLATES = {
    "string_type": "应为文字",
    "list_type": "应为列表：每项另起一行，以「- 」开头",
    "dict_type": "应为「字段: 值」的形式",
    "model_type": "应为「字段: 值」的形式",
    "model_attributes_type": "应为「字段: 值」的形式",
    "int_parsing": "「{input}」应为整数",
    "int_type": "「{input}」应为整数",
    "int_from_float": "「{input}」应为整数",
    "bool_parsing": "「{input}」应为 是 或 否",
    "bool_type": "「{input}」应为 是 或 否",
    "date_parsing": "「{input}」不是有效日期，请写作 2026-11-01",
    "date_from_datetime_parsing": "「{input}」不是有效日期，请写作 2026-11-01",
    "date_type": "「{input}」不是有效日期，请写作 2026-11-01",
    "string_too_short": "不能为空",
    "too_short": "至少要有 {min_length} 项",
    "greater_than_equal": "「{input}」不能小于 {ge}",
    "less_than_equal": "「{input}」不能大于 {le}",
}


def describe(error: ErrorDetails, model: type[BaseModel]) -> tuple[str, str, bool]:
    """A Chinese message for one pydantic error inside a record of type `model`.

    Returns the field it concerns (`materials[2].copies`, or "" for the record itself), the
    message, and whether the key itself is wrong (an unknown field), so that the caller can
    point at the key rather than at its value.
    """
    kind = error["type"]
    loc = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    field = field_path(loc)
    name = loc[-1] if loc else ""

    if kind == "booklet":
        return field, error["msg"], False
    if kind == "missing":
        return field_path(loc[:-1]), f"缺少必填字段 {name}（{_label(model, loc)}）", False
    if kind == "extra_forbidden":
        owner = model_at(model, loc[:-1])
        text = f"未知字段「{name}」"
        if owner is not None:
            guess = suggestion(model, loc)
            if guess:
                text += f"，是不是「{guess}」（{_label(owner, (guess,))}）？"
            else:
                text += "，可用的字段有：" + "、".join(owner.model_fields)
        return field_path(loc[:-1]), text, True
    if kind in ("model_type", "model_attributes_type") and isinstance(value, str) and loc:
        owner = model_at(model, loc)
        if owner is not None and "name" in owner.model_fields:
            return field_path(loc), f"「{value}」应写成「- name: {value}」，其余各项另起一行", False
    if value is None and kind in {"string_type", "list_type", "int_type", "bool_type", "date_type",
                                  "dict_type", "model_type", "model_attributes_type"}:
        return field, "不能为空（冒号后面没有写内容）", False
    if kind == "string_type" and isinstance(value, (list, dict)):
        shape = "列表" if isinstance(value, list) else "多个字段"
        return field, f"应为一段文字，这里写成了{shape}", False
    if kind == "literal_error":
        choices = str(ctx.get("expected", "")).replace("'", "").replace(" or ", "、").replace(", ", "、")
        return field, f"「{value}」应为以下之一：{choices}", False
    if kind == "string_pattern_mismatch":
        return field, f"「{value}」{_PATTERN_HINTS.get(str(name), '格式不对')}", False
    template = _TEMPLATES.get(kind)
    if template is None:  # pydantic's own words are English: said in ours, with the value
        logging.getLogger("booklet").debug("pydantic: %s", error["msg"])
        return field, f"「{value}」不能用在这里：请对照 README 中这个字段的写法" if isinstance(value, str) \
            else "写法不对：请对照 README 中这个字段的写法", False
    return field, template.format(input=value, **ctx), False


def suggestion(model: type[BaseModel], loc: tuple[str | int, ...]) -> str | None:
    """The field an unknown key at `loc` was probably meant to be: a near spelling, or a
    field whose Chinese name it is (「职务」 for post)."""
    owner = model_at(model, loc[:-1])
    if owner is None:
        return None
    key = str(loc[-1])
    from booklet.data.model import label

    for field_name in owner.model_fields:
        if key and key in label(owner, field_name):
            return field_name
    guess = difflib.get_close_matches(key, list(owner.model_fields), n=1, cutoff=0.5)
    return guess[0] if guess else None


def _label(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    from booklet.data.model import label

    owner = model_at(model, loc[:-1])
    return label(owner, str(loc[-1])) if owner is not None else str(loc[-1])


def model_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class that validates the value at `loc` inside `model`, if there is one."""
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            current = _item_type(current)
        elif _is_model(current) and step in current.model_fields:
            current = current.model_fields[step].annotation
        else:
            return None
        current = unwrap(current)
    return current if _is_model(current) else None


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def unwrap(tp: Any) -> Any:
    """Strip `Annotated[...]` and `X | None` down to the one type that matters."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _item_type(tp: Any) -> Any:
    tp = unwrap(tp)
    if typing.get_origin(tp) is list:
        return typing.get_args(tp)[0]
    return None
