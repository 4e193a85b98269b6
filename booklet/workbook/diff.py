"""What changed between two versions of a record, said in Chinese field by field:
「职务 民政助理员 → 民政办副主任」, 「申请材料 第 2 项「居民身份证」：复印件份数 1 → 2」."""
from __future__ import annotations

import datetime
import difflib
from typing import Any

from pydantic import BaseModel

from booklet.data.model import label
from booklet.data.phones import Phone

NOTHING = "（不写）"


def differences(old: BaseModel, new: BaseModel) -> list[str]:
    """Each difference between two records of the same model."""
    found = []
    for name in type(new).model_fields:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name == "materials" and [] in (before, after):  # 无需材料, which an empty list is
            found.append(f"{label(type(new), name)} {_materials(before)} → {_materials(after)}")
        else:
            found += _field(label(type(new), name), before, after)
    return found


def _materials(value: list | None) -> str:
    return NOTHING if value is None else "无需材料" if value == [] else f"{len(value)} 项"


def _field(name: str, before: Any, after: Any) -> list[str]:
    if isinstance(before, BaseModel) and isinstance(after, BaseModel) and type(before) is type(after):
        return differences(before, after)
    if isinstance(before, list) and isinstance(after, list) and (before or after):
        return _lists(name, before, after)
    return [f"{name} {show(before)} → {show(after)}"]


def _lists(name: str, before: list[Any], after: list[Any]) -> list[str]:
    keys = [_key(v) for v in before], [_key(v) for v in after]
    found = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *keys, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for offset in range(i2 - i1):
                old, new = before[i1 + offset], after[j1 + offset]
                where = f"{name} 第 {j1 + offset + 1} 项"
                if isinstance(old, BaseModel) and isinstance(new, BaseModel):
                    found += [f"{where}「{_title(new)}」：{d}" for d in differences(old, new)]
                else:
                    found.append(f"{where} {show(old)} → {show(new)}")
            continue
        found += [f"{name} 删去 {show(v)}" for v in before[i1:i2]]
        found += [f"{name} 新增 {show(v)}" for v in after[j1:j2]]
    return found


def _key(value: Any) -> str:
    return value.model_dump_json() if isinstance(value, BaseModel) else repr(value)


def _title(record: BaseModel) -> str:
    first = next(iter(type(record).model_fields))
    return str(getattr(record, first))


def show(value: Any) -> str:
    """A value as the clerk wrote it in the sheet."""
    if value is None or value == []:
        return NOTHING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (Phone, datetime.date, int)):
        return str(value)
    if isinstance(value, BaseModel):
        return f"「{_title(value)}」"
    if isinstance(value, list):
        return "、".join(show(v).strip("「」") for v in value)
    text = str(value).replace("\n", " / ")  # a change is said on one line
    return f"「{text}」" if len(text) > 12 or " " in text else text
