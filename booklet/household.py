"""The household booklet (一本通): what each page shows, gathered from the project, and its PDF."""
from __future__ import annotations

from dataclasses import dataclass

from booklet.load import Project
from booklet.model import Cadre, Category, Material, Service, Station, TimeLimit
from booklet.render import Rendered, render_pdf
from booklet.templating import render_template

FILENAME = "便民服务一本通.pdf"


@dataclass(frozen=True)
class ServiceView:
    """A service item with every default resolved, as a resident reads it."""

    service: Service
    station: Station
    handlers: list[Cadre]
    place: str
    hours: str
    time_limit: str


@dataclass(frozen=True)
class Chapter:
    category: Category
    services: list[ServiceView]


def time_limit_text(limit: TimeLimit) -> str:
    unit = "个工作日" if limit.unit == "工作日" else "日"
    if limit.immediate:
        text = "即办件，材料齐全的当场办结"
    else:
        text = f"承诺 {limit.promised_days} {unit}内办结"
    if limit.statutory_days is not None:
        text += f"（法定 {limit.statutory_days} {unit}）"
    if limit.note:
        text += f"；{limit.note}"
    return text


def material_count(material: Material) -> str:
    parts = []
    if material.originals:
        parts.append(f"原件 {material.originals} 份")
    if material.copies:
        parts.append(f"复印件 {material.copies} 份")
    if material.form == "电子":
        parts.append("电子版")
    elif material.form == "纸质或电子":
        parts.append("纸质或电子版均可")
    return "，".join(parts)


def chapters(project: Project) -> list[Chapter]:
    assert project.org is not None
    result = []
    for category in project.org.categories:
        views = [_view(project, s) for s in project.services if s.category == category.name]
        if views:
            result.append(Chapter(category, views))
    return result


def _view(project: Project, service: Service) -> ServiceView:
    station = project.station(service.station)
    assert station is not None
    handlers = [c for c in (project.cadre(h) for h in service.handlers) if c is not None]
    return ServiceView(
        service=service,
        station=station,
        handlers=handlers,
        place=service.place or station.room,
        hours=service.hours or station.hours or project.org.hall_hours,
        time_limit=time_limit_text(service.time_limit),
    )


def render(project: Project) -> Rendered:
    html = render_template(
        "booklet.html",
        org=project.org,
        chapters=chapters(project),
        material_count=material_count,
    )
    return render_pdf(html, project.data_dir, what=FILENAME)
