"""The booklet's page geometry, declared once: the templates receive it (templates/booklet/
part.html writes the @page rules from it), and the layout measures with it.

Both editions' pages, their margins, and how many pages the whole is padded to: the standard
copy is folded and stapled (a multiple of 4), the large-print copy printed duplex on A4 (even).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageFormat:
    """A page and its margins, in millimetres."""

    width: float
    height: float
    top: float
    right: float
    bottom: float
    left: float

    @property
    def content(self) -> float:
        """The height the text runs in: what an item must fit to be kept on one page."""
        return self.height - self.top - self.bottom


@dataclass(frozen=True)
class Edition:
    variant: str
    """Names the edition in the layout record (household/record.py)."""
    page: PageFormat
    pad_to: int
    """The page count is padded with notes pages to a multiple of this."""
    notes_lines: int
    """Ruled lines on a notes page: as many as fill its content."""
    large_print: bool


STANDARD = Edition("a5", PageFormat(width=148, height=210, top=17, right=13, bottom=16, left=13),
                   pad_to=4, notes_lines=16, large_print=False)
LARGE_PRINT = Edition("large", PageFormat(width=210, height=297, top=20, right=18, bottom=20, left=18),
                      pad_to=2, notes_lines=18, large_print=True)
