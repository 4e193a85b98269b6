"""The one place that reads WeasyPrint's laid-out pages below its public API: which elements
a page begins (or ends) with, and where an anchor lands.

`Page._page_box`, `Box.element`, `Box.element_tag` and `is_in_normal_flow()` are not
documented: they are read here only, and have been tested with the WeasyPrint range that
pyproject.toml pins (`weasyprint>=70,<71`); tests/test_flow.py lays out real documents through
them, so an upgrade that changes them fails there before it can cut a chapter wrongly.
"""
from __future__ import annotations


def elements(page, last: bool) -> list:
    """The elements of the boxes a page begins with (or ends with), outermost first: down the
    first (or last) box of each in the flow, to the first line."""
    from booklet.pdf.engine import boxes

    chain = []
    box = page._page_box
    while isinstance(box, boxes.ParentBox) and not isinstance(box, boxes.LineBox):
        flowing = [child for child in box.children if child.is_in_normal_flow()]  # no floats, no markers
        if not flowing:
            break
        box = flowing[-1] if last else flowing[0]
        if box.element is not None and (not chain or chain[-1] is not box.element) \
                and not box.element_tag.endswith(("::marker", "::before", "::after")):
            chain.append(box.element)
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
