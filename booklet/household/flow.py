"""Parts that run on from page to page (a chapter, a directory), laid out again after a change
only where it changed.

Such a part is a head (its title) and a run of blocks: service items, offices, people. The
first time it is laid out whole, and where a page of it begins, it can be cut: before a block
that starts the page, or inside one, before the element that does (a heading, the item of a
list: booklet/household/fragments.py). A segment from one cut up to the next lays out on its own as the
very same pages, provided that
- it starts as that page did, after a break that was not forced: WeasyPrint drops the top
  margins there, on a page after the first only. So a segment opens with an empty block as tall
  as a page (`.resumes`), its first element breaks to a second page, and the first is not kept;
- the element at the next cut still starts a page. The block it is in is laid out too, as a
  look-ahead, and its pages from there are not kept.
A change re-lays the segments it touches, and a segment that came out long is cut again where
a page of it begins. Where a look-ahead no longer starts a page (a block grew), the part is laid
out whole again, which also finds the new places to cut.

Even laid out whole, a part is laid out a chunk of blocks at a time, so that no document is
larger than a chunk: of a chunk's pages, those before its last two blocks start are as they are
in the whole part, and are kept up to the last place among them where it can be cut; the next
chunk starts there, as a segment does.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from booklet.household import fragments
from booklet.pdf.assemble import as_part
from booklet.pdf.cache import Renderer, completed
from booklet.pdf.pages import at_top, break_avoided, elements, first_pages
from booklet.pdf.render import Rendered, laid_out, written
from booklet.pdf.templating import render_template

# Pages in a segment, at least: each is a document of its own, with its own font subsets.
SEGMENT_PAGES = 8
# A flow laid out whole is laid out a chunk at a time, of blocks with about this much HTML
# (some 30 pages of service items, 18 of the staff directory): WeasyPrint holds a whole
# document in memory, and a chapter of a township ten times a street office's size took 1.5 GB.
CHUNK_CHARS = 40_000
# Times a flow is laid out whole again, at most. Settling a chapter needs two at worst: a
# segment that no longer fits, then its items measured and found to fit otherwise.
ROUNDS = 3


@dataclass(frozen=True)
class Block:
    anchor: str
    """The id of the block's outermost element."""
    html: Markup
    sticky: bool = False
    """Kept on the page of the block after it (a heading, break-after: avoid): a look-ahead
    that is sticky takes that block along, or it would fit where in the part it does not."""


@dataclass(frozen=True, order=True)
class Cut:
    """Where a flow is cut: before block `block`, or inside it before the element at `path`."""

    block: int
    path: fragments.Path = ()

    def name(self, blocks: list[Block]) -> str:
        """As the record keeps it: `service-dibao`, or `service-dibao/3/1` inside it."""
        return "/".join([blocks[self.block].anchor, *map(str, self.path)])

    @staticmethod
    def named(name: str, index: dict[str, int]) -> Cut | None:
        """The cut `name` stands for among blocks `index`ed by anchor; None if it is not there."""
        anchor, *path = name.split("/")
        if anchor not in index or not all(step.isdigit() for step in path):
            return None
        return Cut(index[anchor], tuple(map(int, path)))


START = Cut(0)


@dataclass(frozen=True)
class Segment:
    html: str
    first: str
    """The id of the element it starts with."""
    stop: str | None
    """The id of the element its look-ahead must start a page with; None at the flow's end."""


@dataclass(frozen=True)
class Flow:
    key: str
    """Names the part in the record of where it was cut: the same part in every build."""
    template: str
    """Lays out `blocks`, after the head or, with `resumes`, after the empty block that starts a segment."""
    context: dict[str, Any]
    blocks: list[Block]
    what: str
    """Names the part in messages."""
    chunk: int | None = None
    """How much HTML to lay out at a time when laid out whole, if not CHUNK_CHARS."""

    def html(self) -> str:
        """The whole flow."""
        return self._render(False, [block.html for block in self.blocks])

    def segment(self, start: Cut, stop: Cut | None, until: int | None = None) -> Segment:
        """From the cut `start` to the cut `stop`, with the look-ahead: the block `stop` is in.
        With no `stop`, to the block before `until` (by default, to the end)."""
        end = (len(self.blocks) if until is None else until) if stop is None else stop.block
        stop_path = stop.path if stop is not None and stop.block == start.block else ()
        first, first_id, stop_id = fragments.cut(self.blocks[start.block].html, start.path, stop_path)
        first_id = first_id or self.blocks[start.block].anchor
        html = [first, *(block.html for block in self.blocks[start.block + 1:end])]
        if stop is not None and stop.block > start.block:
            if stop.path:
                lookahead, _, stop_id = fragments.cut(self.blocks[stop.block].html, (), stop.path)
                html.append(lookahead)
            else:
                stop_id = self.blocks[stop.block].anchor
                html += [block.html for block in self.blocks[stop.block:self._after(stop.block)]]
        return Segment(self._render(start != START, html), first_id, stop_id)

    def anchors(self, start: Cut, stop: Cut | None, until: int | None = None) -> list[tuple[int, str]]:
        """The blocks a segment may be cut again in, by index: those it holds whole, or from their top."""
        end = (len(self.blocks) if until is None else until) if stop is None else min(stop.block + 1, len(self.blocks))
        return [(index, self.blocks[index].anchor) for index in range(start.block + bool(start.path), end)]

    def _after(self, stop: int) -> int:
        return stop + 2 if self.blocks[stop].sticky and stop + 1 < len(self.blocks) else stop + 1

    def _render(self, resumes: bool, blocks: list[Markup]) -> str:
        return render_template(self.template, **self.context, resumes=resumes, blocks=blocks)


@dataclass(frozen=True)
class Piece:
    """A segment laid out: from cut `start` to cut `stop` (None: the end), and whether it was
    rendered now or taken from the cache."""

    start: Cut
    stop: Cut | None
    rendered: Rendered
    fresh: bool = True


@dataclass(frozen=True)
class Laid:
    flow: Flow
    pieces: list[Piece]


@dataclass(frozen=True)
class Settled:
    again: list[Flow]
    """Flows to lay out whole again, their blocks changed (a chapter's items found to fit on a
    page are to be kept whole)."""
    restated: list[Flow] = field(default_factory=list)
    """Flows whose pages stand as laid out, for other blocks that lay out as the same pages:
    the cache keeps those pages under the new blocks' HTML."""


Settle = Callable[[list[Laid]], Settled]
"""Told how the parts were laid out, answers with what to do about it."""


def lay_out(flows: list[Flow], renderer: Renderer, cuts: dict[str, list[str]], top: float,
            settle: Settle, started: Callable[[], None] = lambda: None) -> dict[str, list[Rendered]]:
    """Each flow's pages, as one or more documents in order.

    `cuts` has, per flow key, the cuts (`Cut.name`) it was cut at last time; it is updated.
    `top`: where the content of a page starts, in CSS pixels from its top edge. `started`
    is called once the first layouts are submitted.
    """
    tries = {flow.key: _try(flow, renderer, cuts.get(flow.key), top) for flow in flows}
    started()
    laid = {flow.key: _collect(flow, tries[flow.key]) for flow in flows}
    again = [flow for flow in flows if laid[flow.key] is None]
    again += _settled(settle, laid, [result for result in laid.values() if result is not None])
    for _ in range(ROUNDS):
        if not again:
            break
        wholes = [(flow, whole(flow, renderer, top)) for flow in again]
        for flow, future in wholes:
            laid[flow.key] = Laid(flow, _pieces(future.result()))
        again = _settled(settle, laid, [laid[flow.key] for flow, _ in wholes])
    for original, result in zip(flows, laid.values(), strict=True):
        flow = result.flow
        for piece in result.pieces:
            if piece.fresh or flow is not original:  # laid out now, or found to stand for other HTML
                with contextlib.suppress(OSError):  # a cache that cannot be written costs time, not the build
                    renderer.store(flow.segment(piece.start, piece.stop).html, piece.rendered)
        cuts[flow.key] = [piece.start.name(flow.blocks) for piece in result.pieces[1:]]
    for key in set(cuts) - set(tries):  # a chapter that is gone
        del cuts[key]
    return {key: [piece.rendered for piece in laid[key].pieces] for key in tries}


def _settled(settle: Settle, laid: dict[str, Laid | None], results: list[Laid]) -> list[Flow]:
    """What `settle` makes of `results`: the flows restated take their place in `laid`; the
    flows to lay out again are returned."""
    settled = settle(results)
    for flow in settled.restated:
        laid[flow.key] = Laid(flow, laid[flow.key].pieces)
    return settled.again


def _try(flow: Flow, renderer: Renderer, names: list[str] | None,
         top: float) -> list[tuple[Cut, concurrent.futures.Future, bool]] | concurrent.futures.Future:
    """Futures of the segments, if the flow was cut before; else of the whole flow."""
    if names is None:
        return whole(flow, renderer, top)
    index = {block.anchor: i for i, block in enumerate(flow.blocks)}
    known = {cut for name in names if (cut := Cut.named(name, index)) is not None}
    bounds = [START, *sorted(cut for cut in known if cut != START and _within(flow, cut)), None]
    segments = []
    for start, stop in zip(bounds, bounds[1:]):
        segment = flow.segment(start, stop)
        if (result := renderer.cached(segment.html)) is not None:
            segments.append((start, completed(result), False))
            continue
        segments.append((start, renderer.submit(lay_out_segment, segment.html, renderer.data_dir, flow.what, start,
                                                segment.first, flow.anchors(start, stop), segment.stop, top),
                         True))
    return segments


def _within(flow: Flow, cut: Cut) -> bool:
    """Whether a cut remembered is still a place in the flow: an item may have lost a list."""
    try:
        fragments.cut(flow.blocks[cut.block].html, (), cut.path)
    except IndexError:
        return False
    return True


def whole(flow: Flow, renderer: Renderer, top: float) -> concurrent.futures.Future:
    """A future of the flow laid out whole, (cut, pages) for each segment: a chunk of blocks at
    a time, each from where the one before could be cut, one after the other."""
    result: concurrent.futures.Future = concurrent.futures.Future()
    segments: list[tuple[Cut, Rendered]] = []

    def submit(start: Cut, chars: int) -> None:
        until, size = start.block + 1, len(flow.blocks[start.block].html)
        while until < len(flow.blocks) and size < chars:
            size += len(flow.blocks[until].html)
            until += 1
        # Pages before the one the last but one block starts on are as they are in the whole flow.
        final = flow.blocks[until - 2].anchor if until < len(flow.blocks) and until - 2 > start.block else None
        if until < len(flow.blocks) and final is None:  # too few blocks to tell: a longer chunk
            return submit(start, chars * 2)
        segment = flow.segment(start, None, until)
        future = renderer.submit(lay_out_chunk, segment.html, renderer.data_dir, flow.what, start, segment.first,
                                 flow.anchors(start, None, until), final, top)
        future.add_done_callback(lambda done: advance(done, start, chars))

    def advance(done: concurrent.futures.Future, start: Cut, chars: int) -> None:
        try:  # in the pool's thread: whatever goes wrong must reach whoever waits for the result
            laid, following = done.result()
            if laid is None:  # nowhere to cut in the pages known to be final: a longer chunk
                submit(start, chars * 2)
                return
            segments.extend(laid)
            if following is None:
                result.set_result(segments)
            else:
                submit(following, flow.chunk or CHUNK_CHARS)
        except BaseException as exc:  # noqa: BLE001 (handed on, as a process pool would)
            result.set_exception(exc)

    submit(START, flow.chunk or CHUNK_CHARS)
    return result


def _collect(flow: Flow, attempt) -> Laid | None:
    """The flow laid out, or None where a segment's look-ahead did not start a page."""
    if isinstance(attempt, concurrent.futures.Future):
        return Laid(flow, _pieces(attempt.result()))
    segments, cached = [], set()
    for start, future, fresh in attempt:
        if (result := future.result()) is None:
            return None
        if not fresh:
            cached.add(start)
        segments += result if fresh else [(start, result)]
    return Laid(flow, _pieces(segments, cached))


def _pieces(segments: list[tuple[Cut, Rendered]], cached: set[Cut] = frozenset()) -> list[Piece]:
    stops = [start for start, _ in segments[1:]] + [None]
    return [Piece(start, stop, rendered, fresh=start not in cached)
            for (start, rendered), stop in zip(segments, stops, strict=True)]


# In the worker processes.

def lay_out_chunk(html: str, data_dir: Path, what: str, start: Cut, first: str, anchors: list[tuple[int, str]],
                  final: str | None, top: float) -> tuple[list[tuple[Cut, Rendered]] | None, Cut | None]:
    """The blocks of a chunk of a flow laid out whole, written as segments up to the last place
    where they can be cut before the pages that may not be as in the whole flow: before the
    page block `final` starts on (None: the chunk ends the flow, and every page is final).
    Returns the segments and the cut the next chunk starts at; (None, None) if there is
    nowhere to cut in the final pages.
    """
    with laid_out(html, data_dir, what) as document:
        pages = document.pages
        skip = 0
        if start != START:
            skip = 1
            where = first_pages(pages)
            if where.get(first) != 1 or not at_top(pages[1], first, top):
                raise RuntimeError(f"{what}: a chunk does not start at {start} as the flow did")
        if final is None:
            return _written_in_segments(document, pages[skip:], start, anchors, top), None
        limit = first_pages(pages)[final]
        index = dict((anchor, i) for i, anchor in anchors)
        last = None
        for number in range(limit, skip + SEGMENT_PAGES - 1, -1):
            if (cut := _cut_at(pages[number], pages[number - 1], index, top)) is not None:
                last = (number, cut)
                break
        if last is None:
            return None, None
        segments = _written_in_segments(document, pages[skip:last[0]], start, anchors, top)
    return segments, last[1]


def lay_out_segment(html: str, data_dir: Path, what: str, start: Cut, first: str, anchors: list[tuple[int, str]],
                    stop: str | None, top: float) -> list[tuple[Cut, Rendered]] | None:
    """A segment's pages, written as segments again if it came out long; None if it does not
    lay out as it did in the whole flow.

    `start`: the cut it starts at; after the flow's start it resumes the flow (else it starts
    it, with its head). `first`: the id of the element it starts with. `anchors`: the blocks
    it may be cut again in, by index. `stop`: the id of the element its look-ahead must start
    a page with.
    """
    with laid_out(html, data_dir, what) as document:
        pages = document.pages
        where = first_pages(pages)
        skip = 0
        if start != START:
            skip = 1
            if where.get(first) != 1 or not at_top(pages[1], first, top):
                return None
        end = len(pages)
        if stop is not None:
            end = where.get(stop, 0)
            if end <= skip or not at_top(pages[end], stop, top):
                return None
        segments = _written_in_segments(document, pages[skip:end], start, anchors, top)
    return segments


def _written_in_segments(document, pages: list, start: Cut, anchors: list[tuple[int, str]],
                         top: float) -> list[tuple[Cut, Rendered]]:
    """`pages` (of `document`) written as segments of at least SEGMENT_PAGES pages, each cut
    where a page begins: (the cut it starts at, its pages). `start`: the cut the pages start at."""
    index = dict((anchor, i) for i, anchor in anchors)
    starts = [(start, 0)]
    for number in range(SEGMENT_PAGES, len(pages)):
        if number - starts[-1][1] >= SEGMENT_PAGES and (cut := _cut_at(pages[number], pages[number - 1], index, top)):
            starts.append((cut, number))
    ends = [page for _, page in starts[1:]] + [len(pages)]
    first = first_pages(pages)
    return [(cut, _written(document, pages[page:end], first, page)) for (cut, page), end in zip(starts, ends)]


def _written(document, pages: list, first: dict[str, int], offset: int) -> Rendered:
    """The pages written, with the anchors of the elements that start on them (one that runs
    on from the segment before is that one's), but not those that only mark where it is cut."""
    result = as_part(written(document, pages, programs=False))
    anchors = {name: anchor for name, anchor in result.anchors.items()
               if first[name] >= offset and not fragments.hidden(name)}
    return result if len(anchors) == len(result.anchors) else Rendered(result.pdf, result.pages, anchors)


def _cut_at(page, previous, index: dict[str, int], top: float) -> Cut | None:
    """The cut where `page` begins, if it begins with a block of `index` or with an element of
    one (a child, or an item of a list that is a child) that starts there and was not begun on
    the `previous` page. A block must start at the `top` of the page, as a segment starting
    with it would: at the top of a column, WeasyPrint keeps its top margin. Nor is it cut where
    the break was one to avoid (`pages.break_avoided`)."""
    if break_avoided(page, previous):
        return None
    begun = {id(element) for element in elements(previous, last=True)}
    chain = elements(page, last=False)
    for depth, element in enumerate(chain):
        if element.get("id") not in index:
            continue
        block = index[element.get("id")]
        if id(element) not in begun:
            return Cut(block, ()) if at_top(page, element.get("id"), top) else None
        path: list[int] = []
        parent = element
        for inner in chain[depth + 1:depth + 3]:
            path.append(fragments.children(parent).index(inner))
            if id(inner) not in begun:
                return Cut(block, tuple(path))
            if inner.tag not in ("ol", "ul"):
                return None
            parent = inner
        return None
    return None
