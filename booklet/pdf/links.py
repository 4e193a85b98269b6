"""Link annotations as few as the reader needs: one per place a link can be clicked.

WeasyPrint gives every box inside a link an annotation of its own (the link is inherited, so
that a click on any part of it is caught): an entry of the contents or the index, a block
holding the title, the dots and the number's box, carried six or seven, one inside the
other. At ten times a street office's size that was 39,000 of the booklet's 56,000
annotations, each an object the assembler holds and writes.
"""
from __future__ import annotations

import pikepdf
from pikepdf import Name

# Rectangles are written with a few decimals; one inside another may stick out by a rounding.
_TOLERANCE = 0.01


def merge_links(document: pikepdf.Pdf) -> None:
    """Drop every link annotation that lies inside another on its page going to the same
    place: a click there finds the other one all the same."""
    for page in document.pages:
        annotations = page.obj.get(Name.Annots)
        if not isinstance(annotations, pikepdf.Array):
            continue
        kept: list[pikepdf.Object] = []
        areas: list[tuple[tuple, tuple[float, float, float, float]]] = []
        for annotation in annotations:
            target = _target(annotation)
            if target is not None:
                area = _area(annotation.Rect)
                if any(target == other and _inside(area, outer) for other, outer in areas):
                    continue
                areas.append((target, area))
            kept.append(annotation)
        if len(kept) < len(annotations):
            page.obj.Annots = pikepdf.Array(kept)


def _target(annotation: pikepdf.Object) -> tuple | None:
    """Where a link annotation goes, comparable with another's; None for any other annotation."""
    if not isinstance(annotation, pikepdf.Dictionary) or annotation.get(Name.Subtype) != Name.Link \
            or Name.Rect not in annotation:
        return None
    action = annotation.get(Name.A)
    if isinstance(action, pikepdf.Dictionary):
        return "action", repr(action)
    return "destination", repr(annotation.get(Name.Dest))


def _area(rect: pikepdf.Array) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(value) for value in rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _inside(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    return (inner[0] >= outer[0] - _TOLERANCE and inner[1] >= outer[1] - _TOLERANCE
            and inner[2] <= outer[2] + _TOLERANCE and inner[3] <= outer[3] + _TOLERANCE)
