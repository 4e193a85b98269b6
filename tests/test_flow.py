"""A part that flows over many pages is laid out in segments, and each comes out as the same
pages as in the whole part (booklet/flow.py), with blocks of known heights to say where pages end."""
from __future__ import annotations

import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import Markup

from booklet import flow
from booklet.flow import Block, Flow
from booklet.household import A5, _PX_PER_MM
from booklet.pool import Pool
from booklet.render import Renderer

TOP = A5.top * _PX_PER_MM
ORG = SimpleNamespace(name="测试街道", edition=SimpleNamespace(date=datetime.date(2026, 1, 1)))


def _person(n: int, height: int = 78) -> Block:
    # Two to a page (177 mm of content; the first page has the title and one), with room below
    # them for a heading but not for a third.
    return Block(f"cadre-{n}", Markup(f'<article class="person" id="cadre-{n}" style="height: {height}mm"></article>'))


def _long_person(n: int, pages: int) -> Block:
    lines = '<div style="height: 59mm"></div>' * 3 * pages
    return Block(f"cadre-{n}", Markup(f'<article class="person" id="cadre-{n}" style="break-inside: auto">{lines}</article>'))


def _heading(anchor: str) -> Block:
    return Block(anchor, Markup(f'<h3 class="office-name" id="{anchor}">农业综合服务中心</h3>'), sticky=True)


def _directory(blocks: list[Block]) -> Flow:
    return Flow("staff", "booklet/staff.html", {"org": ORG, "large_print": False}, blocks, "干部目录")


def _indexed(blocks: list[Block], start: int = 0, stop: int | None = None) -> list[tuple[int, str]]:
    stop = len(blocks) if stop is None else stop
    return [(index, blocks[index].anchor) for index in range(start + 1, stop)]


def test_a_heading_kept_with_the_next_block_takes_it_into_the_look_ahead(tmp_path: Path):
    blocks = [_person(n) for n in range(15)] + [_heading("staff-nongye"), _person(15), _person(16)]
    directory = _directory(blocks)
    segments = flow.lay_out_whole(directory.html(), tmp_path, "干部目录", _indexed(blocks), TOP)
    # The heading would fit below the two people on page 8, but not with the person after it.
    assert [start for start, _ in segments] == [0, 15]
    first = segments[0][1]

    alone = flow.lay_out_segment(directory.segment_html(0, 15), tmp_path, "干部目录", 0, "cadre-0",
                                 _indexed(blocks, 0, 15), "staff-nongye", TOP)
    assert alone is not None
    assert [(start, rendered.pages) for start, rendered in alone] == [(0, first.pages)]
    assert alone[0][1].pdf == first.pdf
    # Without the person the heading is kept with, it ends the segment on its last page.
    bare = directory.html(0, 16)
    assert flow.lay_out_segment(bare, tmp_path, "干部目录", 0, "cadre-0", _indexed(blocks, 0, 15),
                                "staff-nongye", TOP) is None


def test_a_segment_that_came_out_long_is_cut_again(tmp_path: Path):
    blocks = [_person(n) for n in range(40)]
    directory = _directory(blocks)
    segments = flow.lay_out_segment(directory.segment_html(0, 40), tmp_path, "干部目录", 0, "cadre-0",
                                    _indexed(blocks), None, TOP)
    assert [start for start, _ in segments] == [0, 15, 31]
    assert [rendered.pages for _, rendered in segments] == [8, 8, 5]


@pytest.fixture
def renderer(tmp_path: Path):
    with Pool(workers=1) as pool:
        yield Renderer(tmp_path, pool, tmp_path / "cache", salt="test")


def test_a_rebuild_lays_out_only_the_segment_that_changed_even_next_to_a_long_one(renderer: Renderer):
    """A segment longer than any other (no block starts a page in it) is cut as it is and kept:
    it is not laid out again, whole or alone, when another segment changes."""
    blocks = [*[_person(n) for n in range(8)], _long_person(8, 30), *[_person(n) for n in range(9, 40)]]
    cuts: dict[str, list[str]] = {}
    no_change = lambda laid: []  # noqa: E731
    first = flow.lay_out([_directory(blocks)], renderer, cuts, TOP, no_change)["staff"]
    assert max(rendered.pages for rendered in first) > 3 * flow.SEGMENT_PAGES

    laid_out = []  # the first block of each segment laid out (a whole layout: the list of blocks)
    submit = renderer.submit
    renderer.submit = lambda function, *args, **kwargs: laid_out.append(args[3]) or submit(function, *args, **kwargs)
    changed = [*blocks[:-1], _person(39, 60)]
    again = flow.lay_out([_directory(changed)], renderer, cuts, TOP, no_change)["staff"]
    assert laid_out == [[b.anchor for b in blocks].index(cuts["staff"][-1])]
    assert [r.pdf for r in again[:-1]] == [r.pdf for r in first[:-1]]
