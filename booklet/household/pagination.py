"""The booklet's pages in order: its parts, padded with notes pages to the edition's multiple,
the back cover last; and what the folio layer stamps on each."""
from __future__ import annotations

from booklet.household.folio import Folio, FolioLayer, Number
from booklet.household.parts import Book, Part
from booklet.pdf.assemble import Bookmark, place_anchors
from booklet.pdf.render import Rendered, RenderError


class Pagination:
    """The booklet's pages: its parts in order, notes pages after them up to the edition's
    multiple, the back cover last; each page's folio, and the numbers of the number boxes."""

    def __init__(self, book: Book, rendered: dict[str, list[Rendered]]) -> None:
        if rendered[book.notes.key][0].pages != 1:
            raise RenderError("备注页排成了多页：请检查 templates/booklet/notes.html")
        body_pages = sum(r.pages for p in book.order for r in rendered[p.key])
        padding = -(body_pages + rendered[book.back.key][0].pages) % book.edition.pad_to
        layout = book.order + [book.notes] * padding + [book.back]
        self.parts = [r for p in layout for r in rendered[p.key]]
        self.count = sum(p.pages for p in self.parts)
        self.bookmarks: list[Bookmark] = [mark for part in layout for mark in part.bookmarks]
        anchors, _ = place_anchors(self.parts)
        numbers = [Number(anchors[box].page, digits, anchors[target].page + 1, anchors[f"{box}-end"].x,
                          anchors[box].y)
                   for box, (target, digits) in book.slots.targets.items()]
        self.layer = FolioLayer(rendered[book.stamps.key][0], _folios(layout, rendered, book.headers), numbers,
                                len(book.headers))


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
