"""Parts that run on from page to page (a chapter, a directory), laid out again after a change
only where it changed.

Such a part is a head (its title) and a run of blocks: service items, offices, people. The
first time it is laid out whole, and the blocks that start a page there are places where it can
be cut. A segment from one such block up to the next lays out on its own as the very same
pages, provided that
- it starts as that page did, after a break that was not forced: WeasyPrint drops the top
  margins there, on a page after the first only. So a segment opens with an empty block as tall
  as a page (`.resumes`), its first block breaks to a second page, and the first is not kept;
- the block after it still starts a page. That block is laid out too, as a look-ahead, and
  its pages are not kept.
A change re-lays the segments it touches, and a segment that came out long is cut again where
a block starts a page in it. Where a look-ahead no longer starts a page (a block grew), the part
is laid out whole again, which also finds the new places to cut.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from booklet.render import Rendered, Renderer, completed, laid_out, written
from booklet.templating import render_template

# Pages in a segment, at least: each is a document of its own, with its own font subsets.
SEGMENT_PAGES = 8
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

    def html(self, start: int = 0, stop: int | None = None) -> str:
        """The blocks from `start` up to `stop`, with the head if `start` is 0."""
        return render_template(self.template, **self.context, resumes=start > 0,
                               blocks=[block.html for block in self.blocks[start:stop]])

    def segment_html(self, start: int, stop: int) -> str:
        """The segment of blocks [start, stop) with its look-ahead, the block at `stop`."""
        return self.html(start, self.lookahead_stop(stop))

    def lookahead_stop(self, stop: int) -> int:
        if stop < len(self.blocks) and self.blocks[stop].sticky:
            return stop + 2
        return stop + 1


@dataclass(frozen=True)
class Piece:
    """A segment laid out: blocks [start, stop), and whether it was rendered now or taken from the cache."""

    start: int
    stop: int
    rendered: Rendered
    fresh: bool = True


@dataclass
class Laid:
    flow: Flow
    pieces: list[Piece] = field(default_factory=list)


Settle = Callable[[list[Laid]], list[Flow]]
"""Told how the parts were laid out, answers with the parts to lay out whole again, their blocks
changed (a chapter's items found to fit on a page are to be kept whole). It may also set a
`Laid.flow` to other blocks that lay out as the same pages."""


def lay_out(flows: list[Flow], renderer: Renderer, cuts: dict[str, list[str]], top: float,
            settle: Settle) -> dict[str, list[Rendered]]:
    """Each flow's pages, as one or more documents in order.

    `cuts` has, per flow key, the anchors of the blocks it was cut before last time; it is
    updated. `top`: where the content of a page starts, in CSS pixels from its top edge.
    """
    tries = {flow.key: _try(flow, renderer, cuts.get(flow.key), top) for flow in flows}
    laid = {flow.key: _collect(flow, tries[flow.key]) for flow in flows}
    again = [flow for flow in flows if laid[flow.key] is None]
    again += settle([result for result in laid.values() if result is not None])
    for _ in range(ROUNDS):
        if not again:
            break
        wholes = [(flow, _whole(flow, renderer, top)) for flow in again]
        for flow, future in wholes:
            laid[flow.key] = Laid(flow, _pieces(flow, future.result()))
        again = settle([laid[flow.key] for flow, _ in wholes])
    for original, result in zip(flows, laid.values(), strict=True):
        flow = result.flow
        for piece in result.pieces:
            if piece.fresh or flow is not original:  # laid out now, or found to stand for other HTML
                with contextlib.suppress(OSError):  # a cache that cannot be written costs time, not the build
                    renderer.store(flow.segment_html(piece.start, piece.stop), piece.rendered)
        cuts[flow.key] = [flow.blocks[piece.start].anchor for piece in result.pieces[1:]]
    for key in set(cuts) - set(tries):  # a chapter that is gone
        del cuts[key]
    return {key: [piece.rendered for piece in laid[key].pieces] for key in tries}


def _try(flow: Flow, renderer: Renderer, cut_before: list[str] | None,
         top: float) -> list[tuple[int, int, concurrent.futures.Future, bool]] | concurrent.futures.Future:
    """Futures of the segments, if the flow was cut before; else of the whole flow."""
    if cut_before is None:
        return _whole(flow, renderer, top)
    index = {block.anchor: i for i, block in enumerate(flow.blocks)}
    bounds = [0, *sorted({index[anchor] for anchor in cut_before if anchor in index} - {0}), len(flow.blocks)]
    segments = []
    for start, stop in zip(bounds, bounds[1:]):
        html = flow.segment_html(start, stop)
        if (result := renderer.cached(html)) is not None:
            segments.append((start, stop, completed(result), False))
            continue
        lookahead = flow.blocks[stop].anchor if stop < len(flow.blocks) else None
        inner = [(index, flow.blocks[index].anchor) for index in range(start + 1, stop)]
        segments.append((start, stop, renderer.submit(lay_out_segment, html, renderer.data_dir, flow.what,
                                                      start, flow.blocks[start].anchor, inner, lookahead, top),
                         True))
    return segments


def _whole(flow: Flow, renderer: Renderer, top: float) -> concurrent.futures.Future:
    return renderer.submit(lay_out_whole, flow.html(), renderer.data_dir, flow.what,
                           list(enumerate(block.anchor for block in flow.blocks))[1:], top)


def _collect(flow: Flow, attempt) -> Laid | None:
    """The flow laid out, or None where a segment's look-ahead did not start a page."""
    if isinstance(attempt, concurrent.futures.Future):
        return Laid(flow, _pieces(flow, attempt.result()))
    segments = []
    for start, _, future, fresh in attempt:
        if (result := future.result()) is None:
            return None
        segments += result if fresh else [(start, result)]
    return Laid(flow, _pieces(flow, segments, cached={start for start, _, _, fresh in attempt if not fresh}))


def _pieces(flow: Flow, segments: list[tuple[int, Rendered]], cached: set[int] = frozenset()) -> list[Piece]:
    stops = [start for start, _ in segments[1:]] + [len(flow.blocks)]
    return [Piece(start, stop, rendered, fresh=start not in cached)
            for (start, rendered), stop in zip(segments, stops, strict=True)]


# In the worker processes.

def lay_out_whole(html: str, data_dir: Path, what: str, anchors: list[tuple[int, str]],
                  top: float) -> list[tuple[int, Rendered]]:
    """The whole flow, written as segments: (index of its first block, its pages).

    `anchors`: the blocks after the first, by index, where it may be cut."""
    with laid_out(html, data_dir, what) as document:
        segments = _written_in_segments(document, document.pages, 0, anchors, top)
    return segments


def lay_out_segment(html: str, data_dir: Path, what: str, start: int, first: str, anchors: list[tuple[int, str]],
                    lookahead: str | None, top: float) -> list[tuple[int, Rendered]] | None:
    """A segment's pages, written as segments again if it came out long; None if it does not
    lay out as it did in the whole flow.

    `start`, `first`: the index and anchor of its first block; a segment from a block after the
    first resumes the flow (else it starts it, with its head). `anchors`: the blocks after the
    first, by their index in the flow; `lookahead`: the anchor of the block after it, which
    must start a page.
    """
    with laid_out(html, data_dir, what) as document:
        pages = document.pages
        where = _first_pages(pages)
        skip = 0
        if start > 0:
            skip = 1
            if where.get(first) != 1 or not _at_top(pages[1], first, top):
                return None
        stop = len(pages)
        if lookahead is not None:
            stop = where.get(lookahead, 0)
            if stop <= skip or not _at_top(pages[stop], lookahead, top):
                return None
        segments = _written_in_segments(document, pages[skip:stop], start, anchors, top)
    return segments


def _written_in_segments(document, pages: list, start: int, anchors: list[tuple[int, str]],
                         top: float) -> list[tuple[int, Rendered]]:
    """`pages` (of `document`) written as segments of at least SEGMENT_PAGES pages, each cut
    before a block that starts a page: (index of its first block, its pages). `start`: the
    index of the block the pages start with."""
    first = _first_pages(pages)
    starts = [(start, 0)]
    for index, anchor in anchors:
        page = first.get(anchor)
        if page and page - starts[-1][1] >= SEGMENT_PAGES and _at_top(pages[page], anchor, top):
            starts.append((index, page))
    ends = [page for _, page in starts[1:]] + [len(pages)]
    return [(index, written(document, pages[page:end])) for (index, page), end in zip(starts, ends)]


def _first_pages(pages) -> dict[str, int]:
    """The page each anchor starts on (an element that runs over pages is on each of them)."""
    first: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            first.setdefault(name, index)
    return first


def _at_top(page, anchor: str, top: float) -> bool:
    return abs(page.anchors[anchor][1] - top) < 0.01
