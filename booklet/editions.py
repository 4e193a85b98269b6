"""Printed editions: a snapshot of the data as printed, and what has changed since.

`release` keeps the data of the edition just printed in data/editions/; `changes` compares
the data now with the last one: who came, left, moved or changed; which service items
changed; and so which plates and cards to reprint and whether the booklet needs a new edition.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booklet import cachefile
from booklet.data.load import Project
from booklet.data.model import Cadre, Service, Station, label
from booklet.data.released import edition_path, read_release
from booklet.files import write_atomic

# What a plate and a card show of a person (the plate also shows the photo).
_CARD_FIELDS = ("name", "station", "post", "duties", "mobile", "office_phone")
_PLATE_FIELDS = _CARD_FIELDS + ("photo_hash",)


class EditionError(Exception):
    """A release or a comparison that cannot be made; the message says why."""


def snapshot(project: Project) -> dict[str, Any]:
    """The data as printed, in a form that compares field by field."""
    def photo_hash(cadre: Cadre) -> str | None:
        if cadre.photo is None:
            return None
        return hashlib.sha256((project.data_dir / cadre.photo).read_bytes()).hexdigest()

    return {
        "edition": project.org.edition.model_dump(mode="json"),
        "org": project.org.model_dump(mode="json"),
        "stations": {s.id: s.model_dump(mode="json") for s in project.stations},
        "cadres": {c.id: {**c.model_dump(mode="json"), "photo_hash": photo_hash(c)} for c in project.cadres},
        "services": {s.id: s.model_dump(mode="json") for s in project.services},
    }


def release(project: Project) -> Path:
    """Record the data now as the printed edition named in org.yaml. ReleaseBroken if the
    edition's file is there but not as release wrote it; OSError if it cannot be written."""
    edition = project.org.edition
    path = edition_path(project.data_dir, edition.number)
    now = snapshot(project)
    if path.exists():
        if read_release(path) == now:
            return path
        raise EditionError(
            f"第 {edition.number} 版已经发布过，数据也已改变：出新版时请先把 org.yaml 的 edition 改为"
            f"第 {edition.number + 1} 版和新的日期，再运行 release")
    write_atomic(path, cachefile.sealed(now))
    return path


@dataclass
class Changes:
    since: dict[str, Any]
    staff: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    offices: list[str] = field(default_factory=list)
    plates: list[Cadre] = field(default_factory=list)
    cards: list[Cadre] = field(default_factory=list)
    new_edition: bool = False
    notice: list[dict[str, str]] = field(default_factory=list)
    """The lines of the change notice: what a household must correct in its booklet."""

    @property
    def any(self) -> bool:
        return bool(self.staff or self.services or self.offices or self.new_edition)


def compare(project: Project, before: dict[str, Any]) -> Changes:
    now = snapshot(project)
    changes = Changes(since=before["edition"])
    _staff(project, before, now, changes)
    _services(project, before, now, changes)
    _offices(project, before, now, changes)
    shown = ("org", "stations", "cadres", "services")
    changes.new_edition = any(_without_photos(before[key]) != _without_photos(now[key]) for key in shown)
    return changes


def _without_photos(value: Any) -> Any:
    """What the booklet shows: it prints no photos."""
    if isinstance(value, dict) and value and all(isinstance(v, dict) and "photo_hash" in v for v in value.values()):
        return {k: {f: x for f, x in v.items() if f not in ("photo", "photo_hash")} for k, v in value.items()}
    return value


def _line(who: str, what: str, was: str = "", now: str = "") -> dict[str, str]:
    """One line of the change notice: whose what was what, and is now what."""
    return {"who": who, "what": what, "was": was, "now": now}


def _station_name(snapshot_: dict[str, Any], station_id: str) -> str:
    station = snapshot_["stations"].get(station_id) or {}
    return station.get("name", station_id)


def _staff(project: Project, before: dict[str, Any], now: dict[str, Any], changes: Changes) -> None:
    old, new = before["cadres"], now["cadres"]
    supervision_changed = before["org"]["supervision"] != now["org"]["supervision"] or before["org"]["name"] != now["org"]["name"]
    for cadre in project.cadres:
        was = old.get(cadre.id)
        where = _station_name(now, cadre.station)
        if was is None:
            changes.staff.append(f"新增：{cadre.name}（{where} {cadre.post}）")
            changes.plates.append(cadre)
            changes.cards.append(cadre)
            changes.notice.append(_line(f"{cadre.name}（{where} {cadre.post}）", "新到岗", now=str(cadre.dial)))
            continue
        diffs = []
        if was["station"] != cadre.station:
            diffs.append(f"从{_station_name(before, was['station'])}调到{where}")
        for name in ("name", "post", "mobile", "office_phone", "duties"):
            if was[name] != new[cadre.id][name]:
                if name == "duties":
                    diffs.append("工作职责有变化")
                else:
                    diffs.append(f"{label(Cadre, name)} {was[name] or '（无）'} → {new[cadre.id][name] or '（无）'}")
        if was["photo_hash"] != new[cadre.id]["photo_hash"]:
            diffs.append("照片更换")
        if diffs:
            changes.staff.append(f"变更：{cadre.name}：" + "；".join(diffs))
        office_was, office_now = before["stations"].get(cadre.station, {}), now["stations"][cadre.station]
        # A plate shows the office's name; a card's back also its room and hours.
        plate_office = office_was.get("name") != office_now["name"]
        hall_hours = office_now["hours"] is None and before["org"]["hall_hours"] != now["org"]["hall_hours"]
        card_office = plate_office or hall_hours or any(office_was.get(f) != office_now[f] for f in ("room", "hours"))
        if supervision_changed or plate_office or any(was[f] != new[cadre.id][f] for f in _PLATE_FIELDS):
            changes.plates.append(cadre)
        if supervision_changed or card_office or any(was[f] != new[cadre.id][f] for f in _CARD_FIELDS):
            changes.cards.append(cadre)
        for name in ("mobile", "office_phone"):
            if was[name] != new[cadre.id][name]:
                changes.notice.append(_line(f"{cadre.name}（{where}）", label(Cadre, name),
                                            was[name] or "（无）", new[cadre.id][name] or "（无）"))
        if was["station"] != cadre.station:
            changes.notice.append(_line(cadre.name, "调动", _station_name(before, was["station"]), where))
    for cadre_id, was in old.items():
        if cadre_id not in new:
            changes.staff.append(f"离开：{was['name']}（{_station_name(before, was['station'])} {was['post']}）")
            changes.notice.append(_line(was["name"], "已离开", was["mobile"] or was["office_phone"] or ""))


def _services(project: Project, before: dict[str, Any], now: dict[str, Any], changes: Changes) -> None:
    old, new = before["services"], now["services"]
    for service in project.services:
        was = old.get(service.id)
        if was is None:
            changes.services.append(f"新增：{service.name}")
            primary = project.cadre(service.handlers[0])
            where = _station_name(now, service.station)
            changes.notice.append(_line(f"{service.name}（{where}）", "新增事项", now=f"找 {primary.name} {primary.dial}"))
            continue
        changed = [_handlers_changed(before, project, was["handlers"], service.handlers) if name == "handlers"
                   else label(Service, name)
                   for name in Service.model_fields if was.get(name) != new[service.id].get(name)]
        if changed:
            changes.services.append(f"变更：{service.name}：" + "、".join(changed))
        if was["handlers"][:1] != new[service.id]["handlers"][:1]:
            old_name = before["cadres"].get(was["handlers"][0], {}).get("name", was["handlers"][0])
            primary = project.cadre(service.handlers[0])
            changes.notice.append(_line(service.name, "找谁办", old_name, f"{primary.name} {primary.dial}"))
    for service_id, was in old.items():
        if service_id not in new:
            changes.services.append(f"取消：{was['name']}")
            changes.notice.append(_line(was["name"], "事项取消"))


def _handlers_changed(before: dict[str, Any], project: Project, was: list[str], now: list[str]) -> str:
    """「经办人 李四 → 王五」: who handled the item, and who does now, as the notice says it."""
    def named(ids: list[str], name_of) -> str:
        return "、".join(name_of(i) for i in ids) or "（无）"

    then = named(was, lambda i: before["cadres"].get(i, {}).get("name", i))
    return f"{label(Service, 'handlers')} {then} → {named(now, lambda i: project.cadre(i).name)}"


def _offices(project: Project, before: dict[str, Any], now: dict[str, Any], changes: Changes) -> None:
    old, new = before["stations"], now["stations"]
    for station in project.stations:
        was = old.get(station.id)
        if was is None:
            changes.offices.append(f"新增站所：{station.name}")
        elif was != new[station.id]:
            fields = [name for name in new[station.id] if was.get(name) != new[station.id][name]]
            changes.offices.append(f"变更：{station.name}：" + "、".join(label(Station, f) for f in fields))
            if was["phone"] != new[station.id]["phone"]:
                changes.notice.append(_line(station.name, "办公电话", was["phone"] or "（无）",
                                            new[station.id]["phone"] or "（无）"))
    for station_id, was in old.items():
        if station_id not in new:
            changes.offices.append(f"撤销站所：{was['name']}")
    if before["org"]["supervision"]["phone"] != now["org"]["supervision"]["phone"]:
        changes.notice.append(_line(now["org"]["supervision"]["name"], "监督电话",
                                    before["org"]["supervision"]["phone"], now["org"]["supervision"]["phone"]))
