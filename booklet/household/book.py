"""The household booklet (一本通): its parts laid out, numbered, put together and imposed.

Each part (front matter, one per chapter, the directories, the contents, the index) is its own
WeasyPrint document, or several for a long one (its segments, household/flow.py), so parts
render in parallel and no part depends on the page it starts on. Page numbers and running
headers go on afterwards as a folio layer (household/folio.py); the contents and the index
leave their numbers to it too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from booklet import pinyin
from booklet.data.load import Project
from booklet.household.flow import lay_out
from booklet.household.folio import FolioLayer
from booklet.household.geometry import LARGE_PRINT, STANDARD
from booklet.household.impose import saddle_stitch
from booklet.household.measure import ShortItems
from booklet.household.pagination import Pagination
from booklet.household.parts import Book, plan
from booklet.household.record import Record
from booklet.manifest import tool
from booklet.outputs import Output
from booklet.pdf.assemble import Metadata, Navigation, assemble, to_bytes
from booklet.pdf.cache import Renderer
from booklet.pdf.pool import Pool
from booklet.pdf.render import Rendered
from booklet.pdf.templating import render_template
from booklet.pdf.units import PX_PER_MM

READING_COPY = "便民服务一本通.pdf"
PRINT_COPY = "便民服务一本通-印刷版.pdf"
LARGE_PRINT_COPY = "便民服务一本通-大字版.pdf"


def render(project: Project, *, large_print: bool = False, pool: Pool,
           cache: Path | None = None, started: Callable[[], None] = lambda: None) -> list[Output]:
    """The reading copy and the print copy; with `large_print`, the large-print copy alone.

    With a `cache` folder, parts laid out before are reused: a rebuild lays out only the parts,
    and the segments of a chapter or directory, whose content changed. `started` is called
    once all that is to be laid out first has been submitted to the pool.
    """
    edition = LARGE_PRINT if large_print else STANDARD
    book = plan(project, edition, pinyin.Readings(cache / "pinyin.json" if cache else None))
    renderer = Renderer(project.data_dir, pool, cache, salt=tool())
    rendered, unnamed = _laid_out(book, renderer, Record(cache, edition.variant), started)
    pages = Pagination(book, rendered)
    navigation = Navigation(pages.bookmarks, unnamed)
    if large_print:
        with pool.working_here():
            return [Output(LARGE_PRINT_COPY, reading_copy(pages.parts, book.metadata, navigation, pages.layer),
                           pages.count)]
    # The two copies are put together side by side: the reading copy in a process of the pool,
    # the print copy (the longer: it is imposed too) here, at once, while that process may
    # still be laying out plates. One after the other, they were half of a rebuild after a
    # phone change.
    reading = pool.submit(reading_copy, pages.parts, book.metadata, navigation, pages.layer)
    with pool.working_here():
        printing = print_copy(pages.parts, book.metadata, pages.layer)
    return [Output(READING_COPY, reading.result(), pages.count), Output(PRINT_COPY, printing, pages.count // 4)]


def reading_copy(parts: list[Rendered], metadata: Metadata, navigation: Navigation, layer: FolioLayer) -> bytes:
    """The booklet of `parts`, page after page, as a reader on a screen moves through it."""
    with assemble(parts, metadata, navigation, layer) as document:
        return to_bytes(document)


def print_copy(parts: list[Rendered], metadata: Metadata, layer: FolioLayer) -> bytes:
    """The booklet of `parts` imposed for the printer, with nothing that only a screen uses."""
    with assemble(parts, metadata, None, layer) as document:
        return saddle_stitch(document)


def _laid_out(book: Book, renderer: Renderer, record: Record,
              started: Callable[[], None]) -> tuple[dict[str, list[Rendered]], set[str]]:
    """Every part's pages, by key, as one or more documents; and the anchors that are no
    named destinations (`Book.unnamed`)."""
    # Submitted first, so that the processes have work while the flows are put together.
    futures = {p.key: renderer.render(render_template(p.template, **p.context), p.what) for p in book.documents}
    items = ShortItems(renderer, record, book.edition.page, book.common)
    flows = book.flows(items.block)
    rendered = lay_out(flows, renderer, record.cuts, top=book.edition.page.top * PX_PER_MM, settle=items.settle,
                       started=started)
    rendered |= {key: [future.result()] for key, future in futures.items()}
    items.remember()
    record.save()
    return rendered, book.unnamed(flows)
