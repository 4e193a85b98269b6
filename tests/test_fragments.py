"""Blocks cut where a page begins: what follows the cut is what the page showed from there."""
from __future__ import annotations

import pytest
from markupsafe import Markup

from booklet.household import fragments

BLOCK = Markup('<article class="service" id="service-dibao">\n  <h3>最低生活保障</h3>\n'
               '  <h4 id="body-dibao">受理条件</h4>\n  <ol class="conditions"><li>一</li><li>二</li><li>三</li></ol>\n'
               '  <h4>温馨提示</h4>\n  <ul class="notes"><li>甲</li><li>乙</li></ul>\n</article>')


def test_a_block_cut_before_a_child_keeps_it_and_what_follows_and_loses_its_start():
    html, first, stop = fragments.cut(BLOCK, (1,))
    assert (first, stop) == ("body-dibao", None)  # the heading's own id marks it
    assert html.startswith('<article class="service continued" style="margin-top: 0; border-top: none; padding-top: 0">')
    assert "最低生活保障" not in html and "service-dibao" not in html
    assert "受理条件" in html and "乙" in html


def test_a_numbered_list_cut_before_its_third_item_counts_on_from_three():
    html, first, _ = fragments.cut(BLOCK, (2, 2))
    assert first == fragments.START
    assert ('<ol class="conditions continued" style="margin-top: 0; border-top: none; padding-top: 0; '
            'counter-reset: list-item 2" start="3">') in html
    assert f'<li id="{fragments.START}">三</li>' in html and "二" not in html


def test_the_element_a_look_ahead_must_start_a_page_with_is_marked():
    html, first, stop = fragments.cut(BLOCK, (), (4, 1))
    assert (first, stop) == (None, fragments.STOP)
    assert 'id="service-dibao"' in html and f'<li id="{fragments.STOP}">乙</li>' in html
    assert fragments.cut(BLOCK) == (BLOCK, None, None)


def test_a_cut_that_is_no_longer_in_the_block_says_so():
    with pytest.raises(IndexError):
        fragments.cut(BLOCK, (), (3, 5))
