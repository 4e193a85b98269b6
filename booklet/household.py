"""The household booklet (一本通), laid out in parts and put together.

Each part (front matter, one per chapter, the directories, the index) is its own WeasyPrint
document, or several for a long chapter or directory (its segments, booklet/flow.py), so
parts render in parallel and no part depends on the page it starts on. Page
numbers and running headers go on afterwards as a folio layer, stamped from a few pages of
headers and digits. The contents and the index leave their numbers to it too: each number
has a fixed-width box there, so they are laid out once, with everything else, and not again
when page numbers move.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from booklet import pinyin, view
from booklet.assemble import DIGIT_SETS, Bookmark, Folio, Metadata, Number, assemble, place_anchors, to_bytes
from booklet.flow import Block, Flow, Laid, lay_out
from booklet.impose import saddle_stitch
from booklet.load import Project
from booklet.manifest import tool
from booklet.pool import Pool
from booklet.render import Output, Rendered, Renderer, RenderError, render_pdf, write_atomic
from booklet.templating import render_macro, render_template

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
    header: str | None
    """The running header; None for a page with no folio at all (the covers)."""
    bookmarks: list[Bookmark] = field(default_factory=list)
    template: str | None = None
    """None for a part that flows (booklet/flow.py)."""
    context: dict[str, Any] = field(default_factory=dict)


def render(project: Project, *, large_print: bool = False, pool: Pool,
           cache: Path | None = None, started: Callable[[], None] = lambda: None) -> list[Output]:
    """The reading copy and the print copy; with `large_print`, the large-print copy alone.

    With a `cache` folder, parts laid out before are reused: a rebuild lays out only the parts,
    and the segments of a chapter or directory, whose content changed. `started` is called
    once all that is to be laid out first has been submitted to the pool.
    """
    chapters = view.chapters(project)
    offices = view.offices(project)
    readings = pinyin.Readings(cache / "pinyin.json" if cache else None)
    groups = view.index(chapters, readings)  # reads every term at once (the example's too)
    common = {"org": project.org, "large_print": large_print, "example": view.alias_example(chapters, readings)}
    page_format = A4_LARGE_PRINT if large_print else A5
    pad_to = 2 if large_print else 4  # even for duplex A4; a multiple of 4 to fold and staple

    front = [
        Part("cover", None, template="booklet/cover.html", context=common),
        Part("guide", "使用说明", [Bookmark(1, "使用说明", "guide")], "booklet/guide.html",
             {**common, "service_count": len(project.services)}),
    ]
    chapter_parts = [
        Part(f"chapter-{c.number}", c.title,
             [Bookmark(1, c.title, c.anchor)] + [Bookmark(2, s.service.name, s.anchor) for s in c.services])
        for c in chapters
    ]
    directories = [Part("offices", "站所目录", [Bookmark(1, "站所目录", "offices")]),
                   Part("staff", "干部目录", [Bookmark(1, "干部目录", "staff")])]
    supervision = Part("supervision", "监督投诉", [Bookmark(1, "监督投诉", "supervision")],
                       "booklet/supervision.html", common)
    notes = Part("notes", "备注", template="booklet/notes.html", context={**common, "lines": 18 if large_print else 16})
    back = Part("back", None, template="booklet/back.html", context=common)

    readings.save()
    index = Part("index", "事项索引", [Bookmark(1, "事项索引", "index")])
    contents = Part("contents", "目录", [Bookmark(1, "目录", "contents")])
    # The contents list what the outline lists, after the contents themselves.
    toc = [mark for part in [front[1], *chapter_parts, *directories, index, supervision] for mark in part.bookmarks]

    order = [*front, contents, *chapter_parts, *directories, index, supervision]
    # Every header, the notes' too (whether there are notes pages depends on the page count):
    # so the stamps are laid out with the parts, not after them.
    headers = list(dict.fromkeys(p.header for p in [*order, notes] if p.header))
    stamps = Part("folio", None, template="booklet/folio.html",
                  context={**common, "headers": headers, "digit_sets": DIGIT_SETS})

    renderer = Renderer(project.data_dir, pool, cache, salt=tool())
    documents = [p for p in [*order, notes, back, stamps] if p.template]
    # Submitted first, so that the processes have work while the flows are put together.
    futures = {p.key: renderer.render(render_template(p.template, **p.context), f"一本通（{p.header or p.key}）")
               for p in documents}
    record = _Record(cache, "large" if large_print else "a5")
    items = ShortItems(renderer, record, page_format, common)
    slots = Slots()
    aids = _finding_aids(toc, groups, common, slots)
    chapter_flows = [Flow(part.key, "booklet/chapter.html", {**common, "chapter": c},
                          [items.block(s) for s in c.services], f"一本通（{c.title}）")
                     for part, c in zip(chapter_parts, chapters, strict=True)]
    # The index first: of all the flows, its chunks take the longest one after the other.
    flows = [*aids, *chapter_flows, *_directories(offices, common)]
    rendered = lay_out(flows, renderer, record.cuts, top=page_format.top * _PX_PER_MM, settle=items.settle,
                       started=started)
    rendered |= {key: [future.result()] for key, future in futures.items()}
    items.remember()
    record.save()
    renderer.prune()

    if rendered["notes"][0].pages != 1:
        raise RenderError("备注页排成了多页：请检查 templates/booklet/notes.html")
    body_pages = sum(r.pages for p in order for r in rendered[p.key])
    padding = -(body_pages + rendered["back"][0].pages) % pad_to
    layout = order + [notes] * padding + [back]
    parts = [r for p in layout for r in rendered[p.key]]

    anchors, _ = place_anchors(parts)
    folios = _folios(layout, rendered, headers)
    numbers = [Number(anchors[box].page, digits, anchors[target].page + 1, anchors[f"{box}-end"].x, anchors[box].y)
               for box, (target, digits) in slots.targets.items()]

    meta = Metadata(
        title=f"{project.org.name}便民服务一本通" + ("（大字版）" if large_print else ""),
        author=project.org.name,
        subject=f"第 {project.org.edition.number} 版",
        date=project.org.edition.date,
    )
    bookmarks = [mark for part in layout for mark in part.bookmarks]
    pages = sum(p.pages for p in parts)
    # Where the entries of the contents and the index are, and their numbers: no reader links there.
    marks = {block.anchor for flow in aids for block in flow.blocks}
    marks |= {name for box in slots.targets for name in (box, f"{box}-end")}
    with pool.working_here(), \
            assemble(parts, rendered["folio"][0], folios, numbers, len(headers), bookmarks, meta, marks) as document:
        reading = to_bytes(document)
        if large_print:
            return [Output(LARGE_PRINT, reading, pages)]
        return [Output(READING_COPY, reading, pages), Output(PRINT_COPY, saddle_stitch(document), pages // 4)]


def _finding_aids(toc: list[Bookmark], groups: list[view.IndexGroup], common: dict[str, Any],
                  slots: Slots) -> list[Flow]:
    """The index and the contents, an entry to a block: laid out a chunk at a time, as a chapter
    is, for one document of the index of a township ten times a street office's size took 800 MB."""
    index = [block for group in groups for block in [
        Block(f"letter-{group.letter}", render_macro(BLOCKS, "index_letter", letter=group.letter), sticky=True),
        *(Block(name, render_macro(BLOCKS, "index_entry", entry=entry, id=name, slot=slots))
          for entry in group.entries for name in [_index_id(entry)])]]
    contents = [Block(f"toc-{mark.anchor}", render_macro(BLOCKS, "toc_entry", entry=mark, slot=slots)) for mark in toc]
    return [Flow("index", "booklet/index.html", common, index, "一本通（事项索引）", chunk=INDEX_CHUNK_CHARS),
            Flow("contents", "booklet/contents.html", common, contents, "一本通（目录）", chunk=CONTENTS_CHUNK_CHARS)]


def _index_id(entry: view.IndexEntry) -> str:
    """The entry's id: after its item's, and for an alias its place among the item's aliases,
    so that it stays the same when other entries come or go."""
    anchor = f"ix-{entry.service.anchor}"
    return f"{anchor}-{entry.service.service.aliases.index(entry.term) + 1}" if entry.is_alias else anchor


def _directories(offices: list[view.Office], common: dict[str, Any]) -> list[Flow]:
    staffed = [o for o in offices if o.staff]
    return [
        Flow("offices", "booklet/offices.html", common,
             [Block(o.anchor, render_macro(BLOCKS, "office", office=o)) for o in offices], "一本通（站所目录）"),
        Flow("staff", "booklet/staff.html", common,
             [block for o in staffed for block in [
                 Block(f"staff-{o.station.id}", render_macro(BLOCKS, "office_heading", office=o), sticky=True),
                 *(Block(f"cadre-{c.id}", render_macro(BLOCKS, "person", c=c)) for c in o.staff)]],
             "一本通（干部目录）"),
    ]


BLOCKS = "booklet/blocks.html"
# About 25 pages of each (flow.CHUNK_CHARS): their entries are short, and their markup dense.
INDEX_CHUNK_CHARS = 250_000
CONTENTS_CHUNK_CHARS = 150_000
_PX_PER_MM = 96 / 25.4
# A split item measured across the page break as more than a page plus this is surely longer
# than a page: the top margins dropped at the break (a heading's, the contact box's) are much
# smaller. A split item measured below that is measured again alone.
_SLACK_MM = 10


class ShortItems:
    """Which service items fit on a page, to keep them whole (`.service.short`, break-inside:
    avoid); a longer one flows on from wherever it starts.

    An item's height is the same wherever on a page it lands, as long as it is not split; the
    chapters are laid out with the items thought to fit kept whole, and each item is measured
    there. Heights are kept by the item's HTML, so a rebuild knows them; an item that changed is
    first taken to fit as it did before. A split item that might have fitted is measured alone.
    Where an item was kept whole or not when it should have been, its chapter is laid out again.
    """

    def __init__(self, renderer: Renderer, record: _Record, page: PageFormat, common: dict[str, Any]) -> None:
        self.renderer, self.record, self.page, self.common = renderer, record, page, common
        self.views: dict[str, view.ServiceView] = {}
        self.keys: dict[str, str] = {}
        self.measured: dict[str, float] = {}  # by item key

    def block(self, item: view.ServiceView, short: bool | None = None) -> Block:
        """The item's block: kept whole if it fits, as far as known (`short` to say)."""
        if item.anchor not in self.keys:
            self.views[item.anchor] = item
            self.keys[item.anchor] = self.renderer.key(self.record.variant + self._html(item, False))
        if short is None:
            height = self.record.heights.get(self.keys[item.anchor], self.record.last.get(item.anchor))
            short = height is not None and height <= self.page.content
        return Block(item.anchor, self._html(item, short))

    def _html(self, item: view.ServiceView, short: bool) -> Markup:
        return render_macro(BLOCKS, "service", view=item, short=short, material_count=view.material_count)

    def remember(self) -> None:
        """Every current item's height into the record, by its key and by its anchor."""
        self.record.heights = {self.keys[anchor]: self._height(anchor) for anchor in self.keys}
        self.record.last = {anchor: self._height(anchor) for anchor in self.keys}

    def _height(self, anchor: str) -> float:
        """As measured in this build, or before; one never measured is taken not to fit."""
        key = self.keys[anchor]
        return self.measured.get(key, self.record.heights.get(key, self.page.height))

    def settle(self, laid: list[Laid]) -> list[Flow]:
        chapters = [result for result in laid if result.flow.key.startswith("chapter-")]
        split: set[str] = set()
        uncertain = []
        for result in chapters:
            # An item may run from one piece into the next: measured in them put together.
            anchors, _ = place_anchors([piece.rendered for piece in result.pieces])
            whole = Rendered(b"", sum(piece.rendered.pages for piece in result.pieces), anchors)
            for block in result.flow.blocks:
                item, key = self.views[block.anchor], self.keys[block.anchor]
                height = item_height(whole, item, self.page)
                if anchors[item.anchor].page != anchors[f"end-{item.service.id}"].page:
                    split.add(item.anchor)
                    if height <= self.page.content + _SLACK_MM:
                        # Measured before (alone, or whole): the same HTML, the same height.
                        if key not in self.record.heights and key not in self.measured:
                            uncertain.append(item)
                        continue
                self.measured[key] = height
        if uncertain:
            self._measure_alone(uncertain)
        again = []
        for result in chapters:
            flow = result.flow
            fits = [self._height(b.anchor) <= self.page.content for b in flow.blocks]
            canonical = [self.block(self.views[b.anchor], short) for b, short in zip(flow.blocks, fits, strict=True)]
            wrong = [i for i, (was, now) in enumerate(zip(flow.blocks, canonical, strict=True)) if was != now]
            if not wrong:
                continue
            cut = {piece.start.block for piece in result.pieces}
            # A look-ahead told where a segment ends: it must have been laid out as it should be.
            if any(flow.blocks[i].anchor in split or i in cut for i in wrong):
                again.append(replace(flow, blocks=canonical))
            else:  # kept whole or not, an item that was not split lays out the same
                result.flow = replace(flow, blocks=canonical)
        return again

    def _measure_alone(self, items: list[view.ServiceView]) -> None:
        html = render_template("booklet/measure.html", **self.common, blocks=[self._html(i, False) for i in items])
        # Only its anchors are wanted: not made ready for assembly as a part is.
        rendered = self.renderer.submit(render_pdf, html, self.renderer.data_dir, "一本通（测量事项高度）").result()
        for item in items:
            split = rendered.anchors[item.anchor].page != rendered.anchors[f"end-{item.service.id}"].page
            self.measured[self.keys[item.anchor]] = self.page.height if split else item_height(rendered, item, self.page)


class _Record:
    """What the last build learnt about the flows, kept with the cache: where each was cut, and
    each item's height (by its key, and by its anchor for an item that has changed since)."""

    def __init__(self, cache: Path | None, variant: str) -> None:
        self.variant = variant
        self.path = cache / f"layout-{variant}.json" if cache else None
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8")) if self.path else {}
        except (OSError, ValueError):
            saved = {}
        self.cuts: dict[str, list[str]] = saved.get("cuts", {})
        self.heights: dict[str, float] = saved.get("heights", {})
        self.last: dict[str, float] = saved.get("last", {})

    def save(self) -> None:
        if self.path is None:
            return
        record = {"cuts": self.cuts, "heights": self.heights, "last": self.last}
        with contextlib.suppress(OSError):  # the next build would only lay out more
            write_atomic(self.path, json.dumps(record, ensure_ascii=False).encode())


def _folios(layout: list[Part], rendered: dict[str, list[Rendered]], headers: list[str]) -> list[Folio]:
    """The header and number of every page that has a folio.

    A part's first page shows its title large, so it carries the page number only.
    """
    folios = []
    start = 0
    for part in layout:
        pages = sum(r.pages for r in rendered[part.key])
        if part.header is not None:
            for offset in range(pages):
                header = headers.index(part.header) if offset else None
                folios.append(Folio(start + offset, header, start + offset + 1))
        start += pages
    return folios


class Slots:
    """The number boxes of the contents and the index: `slot(entry, anchor, digits)` in a
    template names the box of an entry and records whose page number it shows, in which set
    of digits."""

    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}

    def __call__(self, entry: str, anchor: str, digits: str) -> str:
        box = f"number-{entry}"
        self.targets[box] = (anchor, digits)
        return box
