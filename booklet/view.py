"""What the booklet's pages show, gathered from a checked project with every default resolved."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from booklet import pinyin
from booklet.data.load import Project
from booklet.data.model import Cadre, Category, Material, Service, SpecialStep, Station, TimeLimit, missing_elements
from booklet.data.phones import Phone


@dataclass(frozen=True)
class ServiceView:
    """A service item as a resident reads it."""

    service: Service
    station: Station
    handlers: list[Cadre]
    place: str
    hours: str
    time_limit: str | None
    """None where the data does not give it: unknown, printed as such."""
    consult: Phone | None
    """Where to ask: the item's own number, else its office's."""
    complaint: Phone
    """Where to complain: the item's own number, else the supervision phone."""
    special_steps: list[str]
    asked: frozenset[str]
    """The elements the data does not give that the booklet tells the household to ask for
    (model.GUIDE_ELEMENTS): printed as 「请电话咨询」; the others missing are not printed."""

    @property
    def anchor(self) -> str:
        return f"service-{self.service.id}"

    @property
    def primary(self) -> Cadre:
        return self.handlers[0]


@dataclass(frozen=True)
class Chapter:
    number: int
    category: Category
    services: list[ServiceView]

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number}"

    @property
    def title(self) -> str:
        return self.category.name


@dataclass(frozen=True)
class LifeEvent:
    """A life event (一件事) and the items a household may have to see to for it, in the
    booklet's order."""

    number: int
    name: str
    services: list[ServiceView]

    @property
    def anchor(self) -> str:
        return f"event-{self.number}"


@dataclass(frozen=True)
class Office:
    """An office with its staff in display order, for the directories."""

    station: Station
    hours: str
    staff: list[Cadre]

    @property
    def anchor(self) -> str:
        return f"office-{self.station.id}"


@dataclass(frozen=True)
class IndexEntry:
    term: str
    service: ServiceView
    is_alias: bool


@dataclass(frozen=True)
class IndexGroup:
    letter: str
    entries: list[IndexEntry]


def _days_unit(limit: TimeLimit | None) -> str:
    """How a number of days is written in `limit`'s unit: 「15 个工作日」, 「60 日」."""
    return "个工作日" if limit is None or limit.unit == "工作日" else "日"


def time_limit_text(limit: TimeLimit) -> str:
    """The time limit as the guide states it: what is promised and what the law allows, or a
    bare limit; its stages; the channels that differ; the note."""
    unit = _days_unit(limit)
    parts = []
    if limit.immediate:
        parts.append("即办件，材料齐全的当场办结")
    elif limit.promised_days is not None:
        parts.append(f"承诺 {limit.promised_days} {unit}内办结")
        if limit.statutory_days is not None:
            parts[-1] += f"（法定 {limit.statutory_days} {unit}）"
    elif limit.statutory_days is not None:
        parts.append(f"法定 {limit.statutory_days} {unit}内办结")
    elif limit.days is not None:
        parts.append(f"{limit.days} {unit}内办结")
    if limit.immediate and limit.statutory_days is not None:
        parts[-1] += f"（法定 {limit.statutory_days} {unit}）"
    if limit.stages:
        parts.append("其中" + "，".join(f"{stage.name} {stage.days} {unit}" for stage in limit.stages))
    if limit.channels:
        parts.append("，".join(f"{c.channel}{'当场办结' if c.immediate else f' {c.days} {unit}内办结'}"
                              for c in limit.channels))
    if limit.note:
        parts.append(limit.note)
    return "；".join(parts)


def material_count(material: Material) -> str:
    """How many of a material, and in what form, as far as the data says: nothing it does not."""
    unit = material.unit
    verified = material.verify_original
    if material.kind is not None:
        said = {"复印件": "验原件，收复印件" if verified else "复印件", "电子": "电子版"}
        kind = said.get(material.kind, material.kind)
        parts = [kind + (f" {material.count} {unit}" if material.count is not None else "")]
        verified = False  # said, or not for this kind
    else:
        parts = [f"原件 {material.originals} {unit}"] if material.originals else []
        if material.copies:
            checked = "验原件，收" if verified and not material.originals else ""
            parts.append(f"{checked}复印件 {material.copies} {unit}")
            verified = verified and bool(material.originals)
    if verified:
        parts.append("验原件")
    if material.form == "电子" and material.kind != "电子":
        parts.append("电子版")
    elif material.form == "纸质或电子":
        parts.append("纸质或电子版均可")
    return "，".join(parts)


def special_step_text(step: SpecialStep, limit: TimeLimit | None) -> str:
    unit = _days_unit(limit)
    text = step.name
    if step.days is not None:
        text += f" {step.days} {unit}"
    if step.counted is not None:
        text += "（计入办结时限）" if step.counted else "（不计入办结时限）"
    return text


def chapters(project: Project) -> list[Chapter]:
    """One chapter per category that has services, in the order org.yaml lists them."""
    result = []
    for category in project.org.categories:
        views = [_service_view(project, s) for s in project.services if s.category == category.name]
        if views:
            result.append(Chapter(len(result) + 1, category, views))
    return result


def life_events(project: Project, all_chapters: list[Chapter]) -> list[LifeEvent]:
    """Every life event in org.yaml that an item carries, in the order org.yaml lists them."""
    result = []
    for name in project.org.life_events:
        views = [v for chapter in all_chapters for v in chapter.services if name in v.service.life_events]
        if views:
            result.append(LifeEvent(len(result) + 1, name, views))
    return result


def _service_view(project: Project, service: Service) -> ServiceView:
    station = project.station(service.station)
    return ServiceView(
        service=service,
        station=station,
        handlers=[project.cadre(h) for h in service.handlers],
        place=service.place or station.room,
        hours=service.hours or project.hours(station),
        time_limit=time_limit_text(service.time_limit) if service.time_limit is not None else None,
        consult=service.consult_phone or station.phone,
        complaint=service.complaint_phone or project.org.supervision.phone,
        special_steps=[special_step_text(step, service.time_limit) for step in service.special_steps],
        asked=frozenset(field for field, _, ask in missing_elements(service) if ask),
    )


def offices(project: Project) -> list[Office]:
    """Every office in file order, its staff by `order`, then as written."""
    result = []
    for station in project.stations:
        staff = [c for c in project.cadres if c.station == station.id]
        staff.sort(key=lambda c: c.order if c.order is not None else 1_000_000)
        result.append(Office(station, project.hours(station), staff))
    return result


def index(all_chapters: list[Chapter], readings: pinyin.Readings | None = None) -> list[IndexGroup]:
    """Every service name and every alias, in pinyin order, grouped under A–Z (`readings`:
    those known from the last build)."""
    entries = []
    for chapter in all_chapters:
        for view in chapter.services:
            entries.append(IndexEntry(view.service.name, view, is_alias=False))
            entries += [IndexEntry(alias, view, is_alias=True) for alias in view.service.aliases]
    readings = readings or pinyin.Readings()
    readings.read_all(e.term for e in entries)
    filed = [(readings.sort_key(e.term), readings.initial(e.term), e) for e in entries]
    filed.sort(key=lambda item: item[0])
    return [
        IndexGroup(letter, [e for _, _, e in group])
        for letter, group in groupby(filed, key=lambda item: item[1])
    ]


def by_office(project: Project, people: list[Cadre]) -> list[tuple[str, list[Cadre]]]:
    """`people` grouped by office, each group with a file name a clerk recognises: the
    office's name, with its id when two offices share a name (no file may overwrite another)."""
    names = [s.name for s in project.stations]
    groups = []
    for station in project.stations:
        staff = [c for c in people if c.station == station.id]
        if staff:
            stem = f"{station.name}-{station.id}" if names.count(station.name) > 1 else station.name
            groups.append((safe_filename(stem) + ".pdf", staff))
    return groups


def file_groups(project: Project, people: list[Cadre], per_person: bool) -> list[tuple[str, list[Cadre]]]:
    """The files a clerk prints `people`'s plates or cards from: one per office
    (`by_office`), or with `per_person` one per person, named after them."""
    if per_person:
        return [(safe_filename(f"{c.name}-{c.id}.pdf"), [c]) for c in people]
    return by_office(project, people)


def safe_filename(name: str) -> str:
    return name.replace("/", "-").replace("\\", "-")


def alias_example(all_chapters: list[Chapter], readings: pinyin.Readings | None = None) -> tuple[str, str] | None:
    """A colloquial name from the data and its index letter, to show how the index works."""
    for chapter in all_chapters:
        for item in chapter.services:
            for alias in item.service.aliases:
                return alias, (readings or pinyin.Readings()).initial(alias)
    return None


def named(given: str, names: list[str]) -> list[int]:
    """Which of `names` a clerk means by `given`: those it is whole, else those it is before
    the brackets of (民政办 for 民政办（社会事务办）), else those it is part of. One match is
    the record; several ask for an id."""
    for matches in (lambda n: n == given, lambda n: n.split("（")[0] == given, lambda n: given in n):
        found = [index for index, name in enumerate(names) if matches(name)]
        if found:
            return found
    return []


def people(project: Project, station: str | None = None, cadre: str | None = None) -> list[Cadre]:
    """The staff whose plates or cards are wanted: by office in file order, display order within."""
    chosen = [c for office in offices(project) for c in office.staff]
    if station is not None:
        chosen = [c for c in chosen if c.station == station]
    if cadre is not None:
        chosen = [c for c in chosen if c.id == cadre]
    return chosen
