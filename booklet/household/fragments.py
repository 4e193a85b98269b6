"""A block of a flowing part cut where a page of it begins (booklet/household/flow.py): what follows the
cut, and the whole block with the element it is cut before marked.

A cut is a path of element children from the block's outermost element: `(3,)` is before its
fourth child, `(3, 1)` before the second item of the list that is its fourth child. The block
after the cut keeps the elements from there on, as they were: a list cut before its second
item starts counting at 2, and the block loses what marks its start (its id, its top border).
"""
from __future__ import annotations

import lxml.html
from markupsafe import Markup

Path = tuple[int, ...]

# Ids given to the element a segment starts with and to the one its look-ahead must start a
# page with, when that element has none of its own: only the segment's layout sees them.
START, STOP = "cut-start", "cut-stop"


def cut(block: Markup, start: Path = (), stop: Path = ()) -> tuple[Markup, str | None, str | None]:
    """`block` from the cut at `start` on (all of it for `()`), with the element at the cut
    `stop` marked (none for `()`): the markup, and the ids of the elements at `start` and `stop`
    (None for `()`). IndexError: a path that is not in the block."""
    if not start and not stop:
        return block, None, None
    root = _parse(block)
    stop_id = _mark(root, stop, STOP) if stop else None
    start_id = None
    if start:
        start_id = _mark(root, start, START)
        kept = children(root)
        for child in kept[:start[0]]:
            root.remove(child)
        if len(start) > 1:
            inner = kept[start[0]]
            for child in children(inner)[:start[1]]:
                inner.remove(child)
            inner.text = None
            _continued(inner)
            if inner.tag == "ol":
                # WeasyPrint does not number from `start`: the counter says it.
                begins = int(inner.get("start", "1")) + start[1]
                inner.set("start", str(begins))
                _style(inner, f"counter-reset: list-item {begins - 1}")
        root.text = None  # the white space before the first child that was dropped
        root.attrib.pop("id", None)
        _continued(root)
    return Markup(lxml.html.tostring(root, encoding="unicode")), start_id, stop_id


def _continued(element) -> None:
    """As an element that runs over a page break is on the page after: with no top margin,
    border or padding (box-decoration-break: slice)."""
    element.set("class", f"{element.get('class', '')} continued".strip())
    _style(element, "margin-top: 0; border-top: none; padding-top: 0")


def _style(element, declarations: str) -> None:
    element.set("style", f"{element.get('style', '').rstrip('; ')}; {declarations}".lstrip("; "))


def hidden(anchor: str) -> bool:
    """Whether an anchor is one of the marks above, which no reader links to."""
    return anchor in (START, STOP)


def _parse(block: str):
    return lxml.html.fragment_fromstring(block.strip())


def children(element) -> list:
    """An element's element children (lxml lists comments among them), in WeasyPrint's tree too."""
    return [child for child in element if isinstance(child.tag, str)]


def _element(root, path: Path):
    element = root
    for index in path:
        element = children(element)[index]
    return element


def _mark(root, path: Path, name: str) -> str:
    element = _element(root, path)
    if element.get("id") is None:
        element.set("id", name)
    return element.get("id")
