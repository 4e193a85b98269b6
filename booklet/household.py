"""The household booklet (一本通), laid out in parts and put together.

Each part (front matter, one per chapter, the directories, the index) is its own WeasyPrint
document, so parts render in parallel and no part depends on the page it starts on. Page
numbers and running headers go on afterwards as a folio layer, stamped from a few pages of
headers and digits. The contents and the index leave their numbers to it too: each number
has a fixed-width box there, so they are laid out once, with everything else, and not again
when page numbers move.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from booklet import view
from booklet.assemble import DIGIT_SETS, Bookmark, Folio, Metadata, Number, assemble, place_anchors
from booklet.impose import saddle_stitch
from booklet.load import Project
from booklet.manifest import tool
from booklet.pool import Pool
from booklet.render import Job, Output, Rendered, RenderError, render_many
from booklet.templating import render_template

READING_COPY = "便民服务一本通.pdf"
PRINT_COPY = "便民服务一本通-印刷版.pdf"
LARGE_PRINT = "便民服务一本通-大字版.pdf"

@dataclass(frozen=True)
class PageFormat:
    """The page's height and vertical margins in millimetres, as the @page rules in
    booklet.css and large-print.css set them: to measure how tall an item is."""

    height: float
    top: float
    bottom: float

    @property
    def content(self) -> float:
        return self.height - self.top - self.bottom


A5 = PageFormat(height=210, top=17, bottom=16)
A4_LARGE_PRINT = PageFormat(height=297, top=20, bottom=20)
_MM = 25.4 / 72


def item_height(part: Rendered, item: view.ServiceView, page: PageFormat) -> float:
    """How tall an item is, in millimetres, measured in a layout where it may have been split."""
    start, end = part.anchors[item.anchor], part.anchors[f"end-{item.service.id}"]
    if start.page == end.page:
        return (start.y - end.y) * _MM
    return (start.y * _MM - page.bottom + (end.page - start.page - 1) * page.content
            + page.height - page.top - end.y * _MM)


@dataclass(frozen=True)
class Part:
    key: str
    template: str
    context: dict[str, Any]
    header: str | None
    """The running header; None for a page with no folio at all (the covers)."""
    bookmarks: list[Bookmark] = field(default_factory=list)


def render(project: Project, *, large_print: bool = False, pool: Pool,
           cache: Path | None = None) -> list[Output]:
    """The reading copy and the print copy; with `large_print`, the large-print copy alone.

    With a `cache` folder, parts laid out before are reused: a rebuild lays out only the parts
    whose content changed.
    """
    chapters = view.chapters(project)
    offices = view.offices(project)
    common = {"org": project.org, "large_print": large_print, "example": view.alias_example(chapters)}
    page_format = A4_LARGE_PRINT if large_print else A5
    pad_to = 2 if large_print else 4  # even for duplex A4; a multiple of 4 to fold and staple

    front = [
        Part("cover", "booklet/cover.html", common, header=None),
        Part("guide", "booklet/guide.html", {**common, "service_count": len(project.services)},
             header="使用说明", bookmarks=[Bookmark(1, "使用说明", "guide")]),
    ]
    chapter_parts = [
        Part(f"chapter-{c.number}", "booklet/chapter.html",
             {**common, "chapter": c, "material_count": view.material_count, "short": set()}, header=c.title,
             bookmarks=[Bookmark(1, c.title, c.anchor)]
             + [Bookmark(2, s.service.name, s.anchor) for s in c.services])
        for c in chapters
    ]
    directories = [
        Part("offices", "booklet/offices.html", {**common, "offices": offices}, header="站所目录",
             bookmarks=[Bookmark(1, "站所目录", "offices")]),
        Part("staff", "booklet/staff.html", {**common, "offices": offices}, header="干部目录",
             bookmarks=[Bookmark(1, "干部目录", "staff")]),
    ]
    supervision = Part("supervision", "booklet/supervision.html", common, header="监督投诉",
                       bookmarks=[Bookmark(1, "监督投诉", "supervision")])
    notes = Part("notes", "booklet/notes.html", {**common, "lines": 18 if large_print else 16}, header="备注")
    back = Part("back", "booklet/back.html", common, header=None)

    slots = Slots()
    index = Part("index", "booklet/index.html", {**common, "groups": view.index(chapters), "slot": slots},
                 header="事项索引", bookmarks=[Bookmark(1, "事项索引", "index")])
    # The contents list what the outline lists, after the contents themselves.
    toc = [mark for part in [front[1], *chapter_parts, *directories, index, supervision] for mark in part.bookmarks]
    contents = Part("contents", "booklet/contents.html", {**common, "entries": toc, "slot": slots},
                    header="目录", bookmarks=[Bookmark(1, "目录", "contents")])

    order = [*front, contents, *chapter_parts, *directories, index, supervision]
    # Every header, the notes' too (whether there are notes pages depends on the page count):
    # so the stamps are laid out with the parts, not after them.
    headers = list(dict.fromkeys(p.header for p in [*order, notes] if p.header))
    stamps = Part("folio", "booklet/folio.html", {**common, "headers": headers, "digit_sets": DIGIT_SETS},
                  header=None)
    first = _render(project, cache, [*order, notes, back, stamps], pool)
    rendered = dict(zip([p.key for p in [*order, notes, back, stamps]], first, strict=True))
    _keep_short_items_whole(project, cache, chapters, chapter_parts, rendered, page_format, pool)

    if rendered["notes"].pages != 1:
        raise RenderError("备注页排成了多页：请检查 templates/booklet/notes.html")
    body_pages = sum(rendered[p.key].pages for p in order)
    padding = -(body_pages + rendered["back"].pages) % pad_to
    layout = order + [notes] * padding + [back]
    parts = [rendered[p.key] for p in layout]

    anchors, starts = place_anchors(parts)
    folios = _folios(layout, parts, starts, headers)
    numbers = [Number(anchors[box].page, digits, anchors[target].page + 1, anchors[f"{box}-end"].x, anchors[box].y)
               for box, (target, digits) in slots.targets.items()]

    meta = Metadata(
        title=f"{project.org.name}便民服务一本通" + ("（大字版）" if large_print else ""),
        author=project.org.name,
        subject=f"第 {project.org.edition.number} 版",
        date=project.org.edition.date,
    )
    bookmarks = [mark for part in layout for mark in part.bookmarks]
    reading = assemble(parts, rendered["folio"], folios, numbers, len(headers), bookmarks, meta)
    pages = sum(p.pages for p in parts)
    if large_print:
        return [Output(LARGE_PRINT, reading, pages)]
    return [Output(READING_COPY, reading, pages), Output(PRINT_COPY, saddle_stitch(reading), pages // 4)]


def _keep_short_items_whole(project: Project, cache: Path | None, chapters: list[view.Chapter], parts: list[Part],
                            rendered: dict[str, Rendered], page: PageFormat, pool: Pool) -> None:
    """An item that fits on a page must never be split across two.

    The chapters were laid out with every item free to break; each item is measured there.
    A chapter where an item that fits was split is laid out again with the items that fit
    held together (`break-inside: avoid`); one that is longer than a page flows on.
    """
    again = []
    for chapter, part in zip(chapters, parts, strict=True):
        result = rendered[part.key]
        short = {s.anchor for s in chapter.services if item_height(result, s, page) <= page.content}
        split = [s for s in chapter.services if s.anchor in short
                 and result.anchors[s.anchor].page != result.anchors[f"end-{s.service.id}"].page]
        if split:
            again.append(replace(part, context={**part.context, "short": short}))
    for part, result in zip(again, _render(project, cache, again, pool), strict=True):
        rendered[part.key] = result


def _render(project: Project, cache: Path | None, parts: list[Part], pool: Pool) -> list[Rendered]:
    jobs = [Job(render_template(p.template, **p.context), f"一本通（{p.header or p.key}）") for p in parts]
    return render_many(jobs, project.data_dir, pool, cache, salt=tool())


def _folios(layout: list[Part], parts: list[Rendered], starts: list[int], headers: list[str]) -> list[Folio]:
    """The header and number of every page that has a folio.

    A part's first page shows its title large, so it carries the page number only.
    """
    folios = []
    for part, rendered, start in zip(layout, parts, starts, strict=True):
        if part.header is None:
            continue
        for offset in range(rendered.pages):
            header = headers.index(part.header) if offset else None
            folios.append(Folio(start + offset, header, start + offset + 1))
    return folios


class Slots:
    """The number boxes of the contents and the index: `slot(anchor, digits)` in a template
    names a new box and records whose page number it shows, in which set of digits."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def __call__(self, anchor: str, digits: str) -> str:
        box = f"number-{len(self.targets) + 1}"
        self.targets[box] = (anchor, digits)
        return box
