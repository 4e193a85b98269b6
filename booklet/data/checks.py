"""Checks across records and files: ids, references, photos, printable characters, warnings."""
from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from pathlib import Path

import yaml
from pydantic import TypeAdapter, ValidationError

from booklet.data import photos
from booklet.data.diagnostics import field_path
from booklet.data.filefacts import FileFacts
from booklet.data.load import REFERENCES, Project, load, record_name
from booklet.data.model import Id, missing_elements
from booklet.data.released import last_release
from booklet.files import inside
from booklet.paths import FONTS
from booklet.pdf import fonts

FACTS = "files.json"  # in the cache folder
_KIND_NAMES = {"station": "站所", "cadre": "干部", "service": "服务事项"}
_ID = TypeAdapter(Id)


def check_data(data_dir: Path, cache: Path | None = None) -> Project:
    """Load `data_dir` and run every check; the findings are in `project.problems`.

    With a `cache` folder, what was learnt about the photos is kept there for the next run.
    FontsMissing if the fonts are not as the set-up put them (fonts.coverage requires them).
    """
    project = load(data_dir)
    project.facts = FileFacts(cache / FACTS if cache is not None else None)
    check(project, FONTS)
    # A check alone makes no output folder, and writes nothing through a cache folder that is
    # a link to elsewhere (the build then refuses it).
    if cache is not None and cache.parent.is_dir() and inside(cache.parent, cache.name):
        project.facts.save()
    return project


def check(project: Project, fonts_dir: Path) -> None:
    """Add every cross-record problem of `project` to `project.problems`."""
    _unique_ids(project)
    _references(project)
    _life_events(project)
    _photos(project)
    _glyphs(project, fonts.coverage(fonts_dir))
    _shared_mobiles(project)
    _empty_stations(project)
    _time_limits(project)
    _completeness(project)
    project.problems.sort(key=lambda p: (p.file, p.line or 0, p.column or 0))


def _unique_ids(project: Project) -> None:
    for kind, ids in project.written_ids.items():
        for value, origins in ids.items():
            first = origins[0]
            line = first.doc.node_at(first.loc + ("id",))[0].start_mark.line + 1
            for other in origins[1:]:
                project.problems.append(other.problem(
                    "id", message=f"{other.name} id: {_KIND_NAMES[kind]}编号「{value}」"
                    f"重复，{first.doc.display}:{line} 已经用过"))


def _dangling(project: Project, kind: str, value: str) -> str | None:
    """Why `value` does not name a record of `kind`, or None when it does (or cannot be known)."""
    if kind not in project.read or value in project.written_ids[kind]:
        return None
    text = f"{_KIND_NAMES[kind]}编号「{value}」不存在"
    written = list(project.written_ids[kind])
    folded = [w for w in written if _fold(w) == _fold(value)]
    malformed = _malformed(project, kind)
    if folded and folded[0] in malformed:
        return None  # the id itself is malformed (「Li Si」 for lisi), and already reported as such
    if malformed and not {_fold(w) for w in malformed} <= _named(project, kind):
        # A malformed id that no reference names (「民政办」 where they all still say minzheng)
        # is likelier the one meant than a look-alike: once it is mended, they are checked.
        return None
    guess = folded or difflib.get_close_matches(value, written, n=1, cutoff=0.6)
    return text + (f"，是不是「{guess[0]}」？" if guess else "")


def _fold(identifier: str) -> str:
    return "".join(c for c in identifier.lower() if c.isalnum())


def _malformed(project: Project, kind: str) -> list[str]:
    """The ids of `kind` written wrong (「民政办」, 「Li Si」), each already an error of its own."""
    malformed = []
    for written, origins in project.written_ids[kind].items():
        try:
            for origin in origins:
                _ID.validate_python(origin.raw["id"])
        except ValidationError:
            malformed.append(written)
    return malformed


def _named(project: Project, kind: str) -> set[str]:
    """The ids of `kind` the references name, folded, in every record as written, valid or not."""
    names = set()
    for owner, fields in REFERENCES.items():
        for origins in project.written_ids[owner].values():
            for origin in origins:
                for field, named in fields.items():
                    value = origin.raw.get(field) if named == kind else None
                    names.update(_fold(v) for v in (value if isinstance(value, list) else [value])
                                 if isinstance(v, str))
    return names


def _references(project: Project) -> None:
    printed = _Printed(project.data_dir)
    for cadre in project.cadres:
        if why := _dangling(project, "station", cadre.station):
            project.problems.append(project.origin(cadre).problem("station", message=f"{cadre.name} station: {why}"))

    categories = [c.name for c in project.org.categories] if project.org else None
    if categories is not None:
        _repeated(project, "categories", categories, "分类")
    unknown_category = False
    for service in project.services:
        origin = project.origin(service)
        if why := _dangling(project, "station", service.station):
            origin_msg = f"{service.name} station: {why}"
            project.problems.append(origin.problem("station", message=origin_msg))
        if categories is not None and service.category not in categories:
            unknown_category = True
            hint = _choice_hint(service.category, categories)
            project.problems.append(origin.problem(
                "category", message=f"{service.name} category: 分类「{service.category}」不在 org.yaml 的 categories 中{hint}"))
        seen: set[str] = set()
        for index, handler in enumerate(service.handlers):
            where = f"{service.name} handlers[{index + 1}]"
            if handler in seen:
                project.problems.append(origin.problem("handlers", index, message=f"{where}: 经办人「{handler}」重复"))
            seen.add(handler)
            if _dangling(project, "cadre", handler):
                why = _missing_handler(project, handler, service, printed)
                project.problems.append(origin.problem("handlers", index, message=f"{where}: {why}"))
                continue
            cadre = project.cadre(handler)
            station = project.station(service.station)
            home = project.station(cadre.station) if cadre is not None else None
            if home is not None and station is not None and home is not station:
                project.problems.append(origin.problem(
                    "handlers", index, warning=True,
                    message=f"{where}: 经办人 {cadre.name} 属于{home.name}，不在受理站所{station.name}"))

    if categories is not None and not unknown_category:
        used = _written_by_items(project, "category")
        for index, name in enumerate(categories):
            if name not in used and "service" in project.read:
                project.problems.append(project.origin(project.org).problem(
                    "categories", index, warning=True, message=f"分类「{name}」下没有服务事项，不会印出这一章"))


def _life_events(project: Project) -> None:
    """Every event an item carries is one of org.yaml's, once; an event no item carries is not printed."""
    if project.org is None:
        return
    events = project.org.life_events
    origin = project.origin(project.org)
    _repeated(project, "life_events", events, "人生大事")
    for service in project.services:
        for index, name in enumerate(service.life_events):
            where = f"{service.name} life_events[{index + 1}]"
            if name in service.life_events[:index]:
                project.problems.append(project.origin(service).problem(
                    "life_events", index, message=f"{where}: 人生大事「{name}」重复"))
            elif name not in events:
                hint = _choice_hint(name, events) if events else "；先在 org.yaml 的 life_events 中列出"
                project.problems.append(project.origin(service).problem(
                    "life_events", index, message=f"{where}: 人生大事「{name}」不在 org.yaml 的 life_events 中{hint}"))
    used = _written_by_items(project, "life_events")
    if "service" in project.read:
        for index, name in enumerate(events):
            if name not in used:
                project.problems.append(origin.problem(
                    "life_events", index, warning=True,
                    message=f"人生大事「{name}」下没有服务事项，不会印在「按人生大事查找」中"))


def _repeated(project: Project, field: str, names: list[str], noun: str) -> None:
    """A name that an org.yaml list (categories, life_events) gives twice."""
    for index, name in enumerate(names):
        if name in names[:index]:
            project.problems.append(project.origin(project.org).problem(
                field, index, message=f"{field}[{index + 1}]: {noun}「{name}」重复，请删掉一个"))


def _choice_hint(name: str, choices: list[str]) -> str:
    """What an item may have meant by a name not in an org.yaml list: the likeliest, or all."""
    guess = difflib.get_close_matches(name, choices, n=1, cutoff=0.3)
    return f"，是不是「{guess[0]}」？" if guess else f"，可选：{'、'.join(choices)}"


def _written_by_items(project: Project, field: str) -> set[str]:
    """The values of `field` (one, or a list) as the items wrote them: an item that failed
    validation still counts when telling which of org.yaml's names no item uses."""
    values = set()
    for origins in project.written_ids["service"].values():
        for origin in origins:
            value = origin.raw.get(field)
            values.update(str(v).strip() for v in (value if isinstance(value, list) else [value]))
    return values


def _missing_handler(project: Project, handler: str, service, printed: _Printed) -> str:
    """A handler not in cadres.yaml. Someone the last released edition printed, or whose photo
    is still in photos/, has most likely left. Otherwise a typo is likelier: a look-alike id
    among the accepting office's staff, never another office's (there it is somebody else)."""
    known = _known_before(project, handler, printed)
    station = project.station(service.station)
    colleagues = [c for c in project.cadres if station is not None and c.station == station.id]
    guess = difflib.get_close_matches(handler, [c.id for c in colleagues], n=1, cutoff=0.6)
    if known is None and guess:
        return f"干部编号「{handler}」不存在，是不是「{guess[0]}」？"
    items = [s.name for s in project.services if handler in s.handlers]
    handles = f"{len(items)} 个事项的经办人（{'、'.join(items)}）"
    if known:
        text = f"{known}，已不在 cadres.yaml 中，可能已离开；仍是 {handles}"
    else:
        text = f"干部「{handler}」不在 cadres.yaml 中，但仍是 {handles}"
    if colleagues:
        text += f"；可改为{station.name}的：" + "、".join(f"{c.id}（{c.name}，{c.post}）" for c in colleagues)
    return text


class _Printed:
    """The staff the last released edition printed, by id, read from data/editions/ when a
    missing handler first asks (once, not once per handler: at ten times a street office's
    size the file is megabytes)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @functools.cached_property
    def staff(self) -> tuple[str, dict[str, str]]:
        """Which edition it was, and the name of each person it printed."""
        try:
            before = last_release(self.data_dir)
        except (OSError, ValueError):
            before = None  # an edition file that cannot be read tells nothing; `changes` says why
        before = before if isinstance(before, dict) else {}  # a file edited by hand is not trusted
        cadres, edition = before.get("cadres"), before.get("edition")
        number = edition.get("number") if isinstance(edition, dict) else None
        names = {}
        for id_, cadre in (cadres.items() if isinstance(cadres, dict) else ()):
            if isinstance(cadre, dict) and isinstance(cadre.get("name"), str):
                names[id_] = cadre["name"]
        return (f"第 {number} 版" if isinstance(number, int) else "上一版"), names


def _known_before(project: Project, handler: str, printed: _Printed) -> str | None:
    """Who `handler` was, if the data shows they were here: in the last released edition, or
    by a photo named after them."""
    which, names = printed.staff
    if handler in names:
        return f"干部「{handler}」（{names[handler]}）印在{which}一本通上"
    if any((project.data_dir / "photos").glob(f"{handler}.*")):
        return f"干部「{handler}」在 photos/ 中还有照片"
    return None


def _photos(project: Project) -> None:
    found = photos.inspect(project.data_dir, [c.photo for c in project.cadres if c.photo is not None], project.facts)
    for cadre in project.cadres:
        origin = project.origin(cadre)
        if cadre.photo is None:
            project.problems.append(origin.problem(
                "name", warning=True, message=f"{cadre.name}: 没有照片，便民身份证上将印占位图"))
            continue
        if isinstance(problem := found[cadre.photo], photos.PhotoError):
            project.problems.append(origin.problem("photo", message=f"{cadre.name} photo: {problem}"))
            continue
        width, height = found[cadre.photo]
        if width < photos.MIN_SIZE[0] or height < photos.MIN_SIZE[1]:
            project.problems.append(origin.problem(
                "photo", warning=True,
                message=f"{cadre.name} photo: 照片只有 {width}×{height} 像素，印出来会模糊"
                        f"（至少 {photos.MIN_SIZE[0]}×{photos.MIN_SIZE[1]}）"))


def _glyphs(project: Project, covered: frozenset[int]) -> None:
    """Every character must be in the fonts: a missing one prints as an empty box."""
    for doc in project.documents:
        for loc, node in _scalars(doc.root, ()):
            if loc[-1:] == ("id",):
                continue  # an id is never printed, and its own check names a stray character
            bad = fonts.unprintable(node.value, covered)
            if not bad:
                continue
            if len(loc) >= 2 and isinstance(loc[1], int):
                subject = f"{record_name(doc.value[loc[0]][loc[1]], loc[1])} {field_path(loc[2:])}"
            else:
                subject = field_path(loc)
            for char in bad:
                project.problems.append(doc.problem_at_char(node, char, f"{subject.strip()}: {fonts.describe_char(char)}"))


def _scalars(node: yaml.Node, loc: tuple[str | int, ...]):
    if isinstance(node, yaml.ScalarNode):
        yield loc, node
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _scalars(item, loc + (index,))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield from _scalars(value, loc + (key.value,))


def _shared_mobiles(project: Project) -> None:
    owners: dict[str, list] = defaultdict(list)
    for cadre in project.cadres:
        if cadre.mobile is not None:
            owners[cadre.mobile.e164].append(cadre)
    for same in owners.values():
        for cadre in same[1:]:
            project.problems.append(project.origin(cadre).problem(
                "mobile", warning=True, message=f"{cadre.name} mobile: 与 {same[0].name} 的手机号码相同"))


def _empty_stations(project: Project) -> None:
    stations = {s.id for s in project.stations}
    if "cadre" not in project.read or any(c.station not in stations for c in project.cadres):
        return  # a mistyped station is already an error: it need not be a warning too
    staffed = {c.station for c in project.cadres} | {
        o.raw.get("station") for origins in project.written_ids["cadre"].values() for o in origins}
    for station in project.stations:
        if station.id not in staffed:
            project.problems.append(project.origin(station).problem(
                "id", warning=True, message=f"{station.name}: 这个站所没有干部"))


def _time_limits(project: Project) -> None:
    """What is odd in a time limit but found in published guides, to check against the guide:
    a promise longer than the law's, stages longer than the whole, a 办件类型 the limit
    contradicts."""
    for service in project.services:
        limit, origin = service.time_limit, project.origin(service)
        if limit is None:
            continue
        if None not in (limit.promised_days, limit.statutory_days) and limit.promised_days > limit.statutory_days:
            project.problems.append(origin.problem(
                "time_limit", "promised_days", warning=True,
                message=f"{service.name} time_limit.promised_days: 承诺时限 {limit.promised_days} 天"
                        f"长于法定时限 {limit.statutory_days} 天，请与办事指南核对"))
        whole = next((d for d in (limit.promised_days, limit.days, limit.statutory_days) if d is not None), None)
        staged = sum(stage.days for stage in limit.stages)
        if whole is not None and staged > whole:
            project.problems.append(origin.problem(
                "time_limit", "stages", warning=True,
                message=f"{service.name} time_limit.stages: 分段时限合计 {staged} 天，"
                        f"长于办结时限 {whole} 天，请与办事指南核对"))
        immediate = limit.immediate or any(c.immediate for c in limit.channels)
        if (service.handling_type == "即办件") != immediate and service.handling_type is not None:
            said = "即办" if immediate else "不是即办"
            project.problems.append(origin.problem(
                "handling_type", warning=True,
                message=f"{service.name} handling_type: 办件类型是{service.handling_type}，"
                        f"办结时限却{said}，请与办事指南核对"))


def _completeness(project: Project) -> None:
    """Per item, the elements of its service guide that the data does not give, and what the
    booklet prints instead: the clerk learns what to ask the county for."""
    for service in project.services:
        missing = [(name, ask) for _, name, ask in missing_elements(service)]
        if not missing:
            continue
        asked = "、".join(name for name, ask in missing if ask)
        silent = "、".join(name for name, ask in missing if not ask)
        printed = "，".join(([f"{asked}印为「请电话咨询」"] if asked else []) + ([f"{silent}不印"] if silent else []))
        project.problems.append(project.origin(service).problem(
            "name", warning=True,
            message=f"{service.name}: 办事指南缺少{'、'.join(name for name, _ in missing)}，"
                    f"请向主管部门索取；{printed}"))
