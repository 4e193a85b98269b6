"""The booklet's parts, declared: what each is laid out from, its running header and its
bookmarks, in the order they are bound.

A part is its own WeasyPrint document (a template), or a flow of blocks laid out a chunk or
a segment at a time (household/flow.py): the chapters, the directories, the contents and the
index.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from booklet import pinyin, view
from booklet.data.load import Project
from booklet.household.flow import Block, Flow
from booklet.household.folio import DIGIT_SETS, Slots
from booklet.household.geometry import Edition
from booklet.pdf.assemble import Bookmark, Metadata
from booklet.pdf.templating import render_macro

BLOCKS = "booklet/blocks.html"
# About 25 pages of each (flow.CHUNK_CHARS): their entries are short, and their markup dense.
INDEX_CHUNK_CHARS = 250_000
CONTENTS_CHUNK_CHARS = 150_000
FINDING_AIDS = ("contents", "events", "index")


@dataclass(frozen=True)
class Part:
    key: str
    header: str | None
    """The running header; None for a page with no folio at all (the covers)."""
    bookmarks: list[Bookmark] = field(default_factory=list)
    template: str | None = None
    """None for a part that flows (household/flow.py)."""
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def what(self) -> str:
        """Names the part in messages."""
        return f"一本通（{self.header or self.key}）"


@dataclass
class Book:
    """The booklet of one edition: its parts in the order they are bound (`order`, then as
    many `notes` pages as pad it, then the `back` cover), and the stamps of its folio."""

    edition: Edition
    metadata: Metadata
    common: dict[str, Any]
    """What every part's template is given."""
    order: list[Part]
    notes: Part
    back: Part
    stamps: Part
    headers: list[str]
    chapters: list[view.Chapter]
    offices: list[view.Office]
    events: list[view.LifeEvent]
    groups: list[view.IndexGroup]
    toc: list[Bookmark]
    slots: Slots = field(default_factory=Slots)

    @property
    def documents(self) -> list[Part]:
        """The parts laid out from a template, each a document of its own."""
        return [p for p in [*self.order, self.notes, self.back, self.stamps] if p.template]

    def flows(self, item: Callable[[view.ServiceView], Block]) -> list[Flow]:
        """The parts that flow, with `item(view)` the block of a service item. The index first:
        of all the flows, its chunks take the longest one after the other."""
        aids = _finding_aids(self.toc, self.events, self.groups, self.common, self.slots)
        chapters = [Flow(f"chapter-{c.number}", "booklet/chapter.html", {**self.common, "chapter": c},
                         [item(s) for s in c.services], f"一本通（{c.title}）")
                    for c in self.chapters]
        return [*aids, *chapters, *_directories(self.offices, self.common)]

    def unnamed(self, flows: list[Flow]) -> set[str]:
        """Where the entries of the finding aids (contents, life events, index) are, and their
        numbers: no reader links there, so they are no named destinations."""
        marks = {block.anchor for flow in flows if flow.key in FINDING_AIDS for block in flow.blocks}
        return marks | {name for box in self.slots.targets for name in (box, f"{box}-end")}


def plan(project: Project, edition: Edition, readings: pinyin.Readings) -> Book:
    """The parts of `project`'s booklet in `edition`; `readings`: the pinyin known from the
    last build, which learns the index's terms here and is saved."""
    chapters = view.chapters(project)
    events = view.life_events(project, chapters)
    groups = view.index(chapters, readings)  # reads every term at once (the example's too)
    readings.save()
    common = {"org": project.org, "large_print": edition.large_print, "page": edition.page,
              "example": view.alias_example(chapters, readings)}

    cover = Part("cover", None, template="booklet/cover.html", context=common)
    guide = Part("guide", "使用说明", [Bookmark(1, "使用说明", "guide")], "booklet/guide.html",
                 {**common, "service_count": len(project.services), "events": events})
    contents = Part("contents", "目录", [Bookmark(1, "目录", "contents")])
    chapter_parts = [
        Part(f"chapter-{c.number}", c.title,
             [Bookmark(1, c.title, c.anchor)] + [Bookmark(2, s.service.name, s.anchor) for s in c.services])
        for c in chapters
    ]
    directories = [Part("offices", "站所目录", [Bookmark(1, "站所目录", "offices")]),
                   Part("staff", "干部目录", [Bookmark(1, "干部目录", "staff")])]
    # Beside the index, the other finding aid at the back; only when the data tags items.
    by_event = [Part("events", "按人生大事查找", [Bookmark(1, "按人生大事查找", "events")])] if events else []
    index = Part("index", "事项索引", [Bookmark(1, "事项索引", "index")])
    supervision = Part("supervision", "监督投诉", [Bookmark(1, "监督投诉", "supervision")],
                       "booklet/supervision.html", common)
    notes = Part("notes", "备注", template="booklet/notes.html", context={**common, "lines": edition.notes_lines})
    back = Part("back", None, template="booklet/back.html", context=common)

    order = [cover, guide, contents, *chapter_parts, *directories, *by_event, index, supervision]
    # The contents list what the outline lists, after the contents themselves.
    toc = [mark for part in [guide, *chapter_parts, *directories, *by_event, index, supervision]
           for mark in part.bookmarks]
    # Every header, the notes' too (whether there are notes pages depends on the page count):
    # so the stamps are laid out with the parts, not after them.
    headers = list(dict.fromkeys(p.header for p in [*order, notes] if p.header))
    stamps = Part("folio", None, template="booklet/folio.html",
                  context={**common, "headers": headers, "digit_sets": DIGIT_SETS})
    metadata = Metadata(
        title=f"{project.org.name}便民服务一本通" + ("（大字版）" if edition.large_print else ""),
        author=project.org.name,
        subject=f"第 {project.org.edition.number} 版",
        date=project.org.edition.date,
    )
    return Book(edition, metadata, common, order, notes, back, stamps, headers, chapters, view.offices(project),
                events, groups, toc)


def _finding_aids(toc: list[Bookmark], events: list[view.LifeEvent], groups: list[view.IndexGroup],
                  common: dict[str, Any], slots: Slots) -> list[Flow]:
    """The index, the contents and the life events, an entry to a block: laid out a chunk at a
    time, as a chapter is, for one document of the index of a township ten times a street
    office's size took 800 MB."""
    index = [block for group in groups for block in [
        Block(f"letter-{group.letter}", render_macro(BLOCKS, "index_letter", letter=group.letter), sticky=True),
        *(Block(name, render_macro(BLOCKS, "index_entry", entry=entry, id=name, slot=slots))
          for entry in group.entries for name in [_index_id(entry)])]]
    # A chapter's entry stays with its first item's (break-after: avoid), as a heading does.
    heads = [mark.level < after.level for mark, after in zip(toc, toc[1:])] + [False]
    contents = [Block(f"toc-{mark.anchor}", render_macro(BLOCKS, "toc_entry", entry=mark, slot=slots, heads=head),
                      sticky=head) for mark, head in zip(toc, heads)]
    by_event = [block for event in events for block in [
        Block(event.anchor, render_macro(BLOCKS, "event_heading", event=event), sticky=True),
        *(Block(name, render_macro(BLOCKS, "event_entry", service=item, id=name, slot=slots))
          for item in event.services for name in [f"ev{event.number}-{item.anchor}"])]]
    flows = [Flow("index", "booklet/index.html", common, index, "一本通（事项索引）", chunk=INDEX_CHUNK_CHARS),
             Flow("contents", "booklet/contents.html", common, contents, "一本通（目录）", chunk=CONTENTS_CHUNK_CHARS)]
    if events:
        flows.append(Flow("events", "booklet/events.html", {**common, "events": events}, by_event,
                          "一本通（按人生大事查找）", chunk=INDEX_CHUNK_CHARS))
    return flows


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
