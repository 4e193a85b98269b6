"""Which service items fit on a page: measured where the chapters are laid out, kept whole
if they fit (`.service.short`, break-inside: avoid), and their chapters laid out again where
an item was kept whole or not when it should not have been."""
from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

from markupsafe import Markup

from booklet import view
from booklet.household.flow import Block, Laid, Settled
from booklet.household.geometry import PageFormat
from booklet.household.parts import BLOCKS
from booklet.household.record import Record
from booklet.pdf.assemble import place_anchors
from booklet.pdf.cache import Renderer
from booklet.pdf.render import Rendered, render_pdf
from booklet.pdf.templating import render_macro, render_template
from booklet.pdf.units import MM_PER_PT


def item_height(part: Rendered, item: view.ServiceView, page: PageFormat) -> float:
    """How tall an item is, in millimetres, measured in a layout where it may have been split."""
    start, end = part.anchors[item.anchor], part.anchors[f"end-{item.service.id}"]
    if start.page == end.page:
        return (start.y - end.y) * MM_PER_PT
    return (start.y * MM_PER_PT - page.bottom + (end.page - start.page - 1) * page.content
            + page.height - page.top - end.y * MM_PER_PT)


# A split item measured across the page break as more than a page and this share of one is
# surely longer than a page: what the break drops (top margins) or leaves blank (the foot of
# the page, below a run kept together: the facts with the contact box after them, an item's
# last lines) is less. A split item measured below that is measured again alone.
_SLACK = 0.5


class ShortItems:
    """Which service items fit on a page, to keep them whole (`.service.short`, break-inside:
    avoid); a longer one flows on from wherever it starts.

    An item's height is the same wherever on a page it lands, as long as it is not split; the
    chapters are laid out with the items thought to fit kept whole, and each item is measured
    there. Heights are kept by the item's HTML, so a rebuild knows them; an item that changed is
    first taken to fit as it did before. A split item that might have fitted is measured alone.
    Where an item was kept whole or not when it should have been, its chapter is laid out again.
    """

    def __init__(self, renderer: Renderer, record: Record, page: PageFormat, common: dict[str, Any]) -> None:
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

    def settle(self, laid: list[Laid]) -> Settled:
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
                    if height <= self.page.content * (1 + _SLACK):
                        # Measured before (alone, or whole): the same HTML, the same height.
                        if key not in self.record.heights and key not in self.measured:
                            uncertain.append(item)
                        continue
                self.measured[key] = height
        if uncertain:
            self._measure_alone(uncertain)
        again, restated = [], []
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
                restated.append(replace(flow, blocks=canonical))
        return Settled(again, restated)

    def _measure_alone(self, items: list[view.ServiceView]) -> None:
        html = render_template("booklet/measure.html", **self.common, blocks=[self._html(i, False) for i in items])
        # Only its anchors are wanted: not made ready for assembly as a part is.
        measure = functools.partial(render_pdf, programs=False)
        rendered = self.renderer.submit(measure, html, self.renderer.data_dir, "一本通（测量事项高度）").result()
        for item in items:
            split = rendered.anchors[item.anchor].page != rendered.anchors[f"end-{item.service.id}"].page
            self.measured[self.keys[item.anchor]] = self.page.height if split else item_height(rendered, item, self.page)
