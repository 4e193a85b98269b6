"""The one place that reads WeasyPrint's laid-out pages below its public API: which elements
a page begins (or ends) with, where an anchor lands, which text crosses the page's edge.

`Page._page_box`, `Box.element`, `Box.element_tag`, `Box.style`, `descendants()` and
`is_in_normal_flow()` are not documented: they are read here only, and have been tested with
the WeasyPrint range that pyproject.toml pins (`weasyprint>=70,<71`); tests/test_flow.py and
tests/test_render.py lay out real documents through them, so an upgrade that changes them fails
there before it can cut a chapter wrongly or let text run off a page.
"""
from __future__ import annotations


def elements(page, last: bool) -> list:
    """The elements of the boxes a page begins with (or ends with), outermost first: down the
    first (or last) box of each in the flow, to the first line."""
    chain = []
    for box in _boxes(page, last):
        if box.element is not None and (not chain or chain[-1] is not box.element) \
                and not box.element_tag.endswith(("::marker", "::before", "::after")):
            chain.append(box.element)
    return chain


def break_avoided(page, previous) -> bool:
    """Whether the break before `page` is one the style asked to avoid (break-before: avoid on
    a box that starts the page, break-after: avoid on one that ends `previous`), taken because
    nothing else fitted: laid out from there on its own, the content would break elsewhere. A
    box that runs on over the break (a list cut between its items) is neither."""
    starts, ends = _boxes(page, last=False), _boxes(previous, last=True)
    running = {id(box.element) for box in starts} & {id(box.element) for box in ends}
    return any(box.style["break_before"] in _AVOID for box in starts if id(box.element) not in running) \
        or any(box.style["break_after"] in _AVOID for box in ends if id(box.element) not in running)


_AVOID = ("avoid", "avoid-page")


def text_off_the_page(page, tolerance: float) -> list[str]:
    """The text of every text box on `page` that crosses its edge (the trim box, bleed aside)
    by more than `tolerance` CSS pixels: what would be cut off when the page is trimmed."""
    from booklet.pdf.engine import boxes

    return [box.text for box in page._page_box.descendants(placeholders=True)  # absolutely placed too
            if isinstance(box, boxes.TextBox) and (
                box.position_x < -tolerance or box.position_y < -tolerance
                or box.position_x + box.width > page.width + tolerance
                or box.position_y + box.height > page.height + tolerance)]


def _boxes(page, last: bool) -> list:
    """The boxes a page begins with (or ends with), outermost first: down the first (or last)
    box of each in the flow, to the first line."""
    from booklet.pdf.engine import boxes

    chain = []
    box = page._page_box
    while isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
        flowing = [child for child in box.children if child.is_in_normal_flow()]  # no floats, no markers
        if not flowing:
            break
        box = flowing[-1] if last else flowing[0]
        chain.append(box)
    return chain


def first_pages(pages) -> dict[str, int]:
    """The page each anchor starts on (an element that runs over pages is on each of them)."""
    first: dict[str, int] = {}
    for index, page in enumerate(pages):
        for name in page.anchors:
            first.setdefault(name, index)
    return first


def at_top(page, anchor: str, top: float) -> bool:
    """Whether the element `anchor` begins the page: at its top, and first in the flow (in
    columns, not at the top of the second)."""
    return abs(page.anchors[anchor][1] - top) < 0.01 \
        and any(element.get("id") == anchor for element in elements(page, last=False))
