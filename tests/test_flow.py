"""A part that flows over many pages is laid out in segments, and each comes out as the same
pages as in the whole part (booklet/household/flow.py), with blocks of known heights to say where pages end."""
from __future__ import annotations

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from markupsafe import Markup

from booklet.household import flow
from booklet.household.flow import START, Block, Cut, Flow
from booklet.household.geometry import STANDARD
from booklet.pdf import pages
from booklet.pdf.cache import Renderer
from booklet.pdf.pool import Pool
from booklet.pdf.render import laid_out
from booklet.pdf.units import PX_PER_MM

TOP = STANDARD.page.top * PX_PER_MM
ORG = SimpleNamespace(name="测试街道", edition=SimpleNamespace(date=datetime.date(2026, 1, 1)))


def _person(n: int, height: int = 78) -> Block:
    # Two to a page (177 mm of content; the first page has the title and one), with room below
    # them for a heading but not for a third.
    return Block(f"cadre-{n}", Markup(f'<article class="person" id="cadre-{n}" style="height: {height}mm"></article>'))


def _long_person(n: int, pages: int) -> Block:
    # One paragraph: where a page of it begins, it cannot be cut.
    lines = "职责<br>" * 30 * pages
    return Block(f"cadre-{n}", Markup(f'<article class="person" id="cadre-{n}" style="break-inside: auto"><p>{lines}</p></article>'))


def _heading(anchor: str) -> Block:
    return Block(anchor, Markup(f'<h3 class="office-name" id="{anchor}">农业综合服务中心</h3>'), sticky=True)


def _directory(blocks: list[Block]) -> Flow:
    return Flow("staff", "booklet/staff.html", {"org": ORG, "large_print": False, "page": STANDARD.page}, blocks, "干部目录")




def test_a_heading_kept_with_the_next_block_takes_it_into_the_look_ahead(tmp_path: Path, renderer: Renderer):
    blocks = [_person(n) for n in range(15)] + [_heading("staff-nongye"), _person(15), _person(16)]
    directory = _directory(blocks)
    segments = flow.whole(directory, renderer, TOP).result()
    # The heading would fit below the two people on page 8, but not with the person after it.
    assert [start for start, _ in segments] == [START, Cut(15)]
    first = segments[0][1]

    segment = directory.segment(START, Cut(15))
    alone = flow.lay_out_segment(segment.html, tmp_path, "干部目录", START, segment.first,
                                 directory.anchors(START, Cut(15)), segment.stop, TOP)
    assert alone is not None
    assert [(start, rendered.pages) for start, rendered in alone] == [(START, first.pages)]
    assert alone[0][1].pdf == first.pdf
    # Without the person the heading is kept with, it ends the segment on its last page.
    bare = _directory(blocks[:16]).html()
    assert flow.lay_out_segment(bare, tmp_path, "干部目录", START, "cadre-0", directory.anchors(START, Cut(15)),
                                "staff-nongye", TOP) is None


def test_a_segment_that_came_out_long_is_cut_again(tmp_path: Path):
    blocks = [_person(n) for n in range(40)]
    directory = _directory(blocks)
    segment = directory.segment(START, None)
    segments = flow.lay_out_segment(segment.html, tmp_path, "干部目录", START, segment.first,
                                    directory.anchors(START, None), None, TOP)
    assert [start for start, _ in segments] == [START, Cut(15), Cut(31)]
    assert [rendered.pages for _, rendered in segments] == [8, 8, 5]


@pytest.fixture
def renderer(tmp_path: Path):
    with Pool(workers=1) as pool:
        yield Renderer(tmp_path, pool, tmp_path / "cache", salt="test")


def test_a_rebuild_lays_out_only_the_segment_that_changed_even_next_to_a_long_one(renderer: Renderer):
    """A segment longer than any other (its pages begin inside one paragraph) is cut as it is
    and kept: it is not laid out again, whole or alone, when another segment changes."""
    blocks = [*[_person(n) for n in range(8)], _long_person(8, 30), *[_person(n) for n in range(9, 40)]]
    cuts: dict[str, list[str]] = {}
    no_change = lambda laid: flow.Settled([])  # noqa: E731
    first = flow.lay_out([_directory(blocks)], renderer, cuts, TOP, no_change)["staff"]
    assert max(rendered.pages for rendered in first) > 3 * flow.SEGMENT_PAGES

    laid_out = []  # the cut each segment laid out starts at (a whole layout: the list of blocks)
    submit = renderer.submit
    renderer.submit = lambda function, *args, **kwargs: laid_out.append(args[3]) or submit(function, *args, **kwargs)
    changed = [*blocks[:-1], _person(39, 60)]
    again = flow.lay_out([_directory(changed)], renderer, cuts, TOP, no_change)["staff"]
    assert laid_out == [Cut([b.anchor for b in blocks].index(cuts["staff"][-1]))]
    assert [r.pdf for r in again[:-1]] == [r.pdf for r in first[:-1]]


def _duties(n: int, items: int) -> Block:
    """A person with a numbered list of duties longer than a page: cut before a list item."""
    duties = "".join(f'<li style="height: 40mm">第 {k} 条职责</li>' for k in range(1, items + 1))
    return Block(f"cadre-{n}", Markup(f'<article class="person" id="cadre-{n}" style="break-inside: auto">'
                                      f'<h4>职责</h4><ol>{duties}</ol></article>'))


def test_segments_that_start_inside_a_block_lay_out_as_the_same_pages(tmp_path: Path, renderer: Renderer, monkeypatch):
    monkeypatch.setattr(flow, "SEGMENT_PAGES", 2)
    blocks = [_person(0), _person(1), _person(2), _duties(3, 20), *[_person(n) for n in range(4, 10)]]
    directory = _directory(blocks)
    whole = flow.whole(directory, renderer, TOP).result()
    starts = [start for start, _ in whole]
    assert any(start.path for start in starts), starts  # inside the list of duties, before an item
    for (start, piece), stop in zip(whole, [*starts[1:], None]):
        segment = directory.segment(start, stop)
        alone = flow.lay_out_segment(segment.html, tmp_path, "干部目录", start, segment.first,
                                     directory.anchors(start, stop), segment.stop, TOP)
        assert alone is not None, start
        assert [(cut, rendered.pages, rendered.anchors) for cut, rendered in alone] == [(start, piece.pages, piece.anchors)]
        # What the pages draw: the segment's file also names the marks it was checked by.
        assert _drawn(alone[0][1].pdf) == _drawn(piece.pdf), start


def _drawn(pdf: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [page.obj.Contents.read_bytes() for page in document.pages]


def test_a_flow_laid_out_a_chunk_at_a_time_is_the_flow_laid_out_whole(renderer: Renderer, monkeypatch):
    blocks = [*[_person(n) for n in range(12)], _duties(12, 30), *[_person(n) for n in range(13, 60)]]
    directory = _directory(blocks)
    at_once = flow.whole(directory, renderer, TOP).result()
    monkeypatch.setattr(flow, "CHUNK_CHARS", 2_000)  # a few pages a chunk
    monkeypatch.setattr(flow, "SEGMENT_PAGES", 2)
    chunks = []
    submit = renderer.submit
    monkeypatch.setattr(renderer, "submit", lambda function, *args, **kwargs: chunks.append(args[3]) or
                        submit(function, *args, **kwargs))
    in_chunks = flow.whole(directory, renderer, TOP).result()
    assert len(chunks) > 3, chunks
    assert [page for _, rendered in in_chunks for page in _drawn(rendered.pdf)] == \
           [page for _, rendered in at_once for page in _drawn(rendered.pdf)]
    assert {n: (a.x, a.y) for _, r in in_chunks for n, a in r.anchors.items()} == \
           {n: (a.x, a.y) for _, r in at_once for n, a in r.anchors.items()}


def _index(entries: int) -> Flow:
    """An index in two columns, as the booklet's: a letter kept with its first entry, then
    entries of one line or two."""
    blocks = []
    for n in range(entries):
        if n % 60 == 0:
            letter = chr(ord("A") + n // 60)
            blocks.append(Block(f"letter-{letter}", Markup(f'<h3 class="letter" id="letter-{letter}">{letter}</h3>'),
                                sticky=True))
        term = "最低生活保障" * (1 + n % 4)
        blocks.append(Block(f"ix-{n}", Markup(
            f'<a class="index-entry" id="ix-{n}" href="booklet:#service-{n}"><span class="entry">{term}{n}</span>'
            f'<span class="leader"> </span><span class="page"><span class="slot">888</span></span></a>')))
    return Flow("index", "booklet/index.html", {"org": ORG, "large_print": False, "page": STANDARD.page, "example": None}, blocks, "事项索引")


def test_an_index_in_two_columns_lays_out_in_segments_as_the_same_pages(tmp_path: Path, renderer: Renderer,
                                                                          monkeypatch):
    monkeypatch.setattr(flow, "SEGMENT_PAGES", 1)
    index = _index(130)
    at_once = flow.whole(index, renderer, TOP).result()
    starts = [start for start, _ in at_once]
    assert len(starts) > 3, starts
    for (start, piece), stop in zip(at_once, [*starts[1:], None]):
        segment = index.segment(start, stop)
        alone = flow.lay_out_segment(segment.html, tmp_path, "事项索引", start, segment.first,
                                     index.anchors(start, stop), segment.stop, TOP)
        assert alone is not None, start
        assert [(cut, rendered.pages, rendered.anchors) for cut, rendered in alone] == \
               [(start, piece.pages, piece.anchors)]
        assert _drawn(alone[0][1].pdf) == _drawn(piece.pdf), start
    monkeypatch.setattr(flow, "CHUNK_CHARS", 8_000)  # a few pages a chunk
    in_chunks = flow.whole(index, renderer, TOP).result()
    assert [page for _, rendered in in_chunks for page in _drawn(rendered.pdf)] == \
           [page for _, rendered in at_once for page in _drawn(rendered.pdf)]


def test_an_entry_at_the_top_of_the_second_column_does_not_begin_the_page(tmp_path: Path):
    with laid_out(_index(200).html(), tmp_path, "事项索引") as document:
        page = document.pages[1]
        tops = [name for name, (x, y, *_) in page.anchors.items() if abs(y - TOP) < 0.01]
        first, second = sorted(tops, key=lambda name: page.anchors[name][0])
        assert page.anchors[second][0] > page.anchors[first][0] + 100  # the second column
        assert pages.at_top(page, first, TOP)
        assert not pages.at_top(page, second, TOP)
