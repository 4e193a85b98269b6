"""Page geometry has one source: what the templates lay out is what the Python that measures
and cuts the layout declares (household/geometry.py, plates.PlateLayout)."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from markupsafe import Markup

from booklet.data.checks import check_data
from booklet.household.geometry import LARGE_PRINT, STANDARD, Edition
from booklet.pdf.render import render_pdf
from booklet.pdf.templating import render_template
from booklet.pdf.units import PT_PER_MM
from booklet.plates import PlateLayout, render

from conftest import DEMO

ORG = check_data(DEMO).org


def _chapter(edition: Edition, resumes: bool) -> str:
    context = {"org": ORG, "large_print": edition.large_print, "page": edition.page, "example": None}
    chapter = type("Chapter", (), {"anchor": "chapter-1", "title": "测试", "category": type("C", (), {"intro": None})})
    # Half a millimetre tall: left on the first page if the empty block were any shorter.
    block = Markup('<div id="first" style="height: .5mm"></div>')
    return render_template("booklet/chapter.html", **context, chapter=chapter, resumes=resumes, blocks=[block])


@pytest.mark.parametrize("edition", [STANDARD, LARGE_PRINT], ids=lambda e: e.variant)
def test_the_pages_are_the_size_and_the_text_starts_where_the_layout_is_told(tmp_path, edition: Edition):
    page = edition.page
    rendered = render_pdf(_chapter(edition, resumes=False), tmp_path, what="几何")
    document = pdfium.PdfDocument(rendered.pdf)
    width, height = document[0].get_size()
    assert (round(width / PT_PER_MM, 1), round(height / PT_PER_MM, 1)) == (page.width, page.height)
    title = rendered.anchors["chapter-1"]
    assert title.x == pytest.approx(page.left * PT_PER_MM, abs=0.01)
    assert title.y == pytest.approx((page.height - page.top) * PT_PER_MM, abs=0.01)


@pytest.mark.parametrize("edition", [STANDARD, LARGE_PRINT], ids=lambda e: e.variant)
def test_a_resumed_segment_starts_its_first_block_at_the_top_of_its_second_page(tmp_path, edition: Edition):
    """The empty block a segment opens with is as tall as a page's content: shorter, its first
    block would start on the first page; taller, lower on the second."""
    page = edition.page
    rendered = render_pdf(_chapter(edition, resumes=True), tmp_path, what="几何")
    first = rendered.anchors["first"]
    assert first.page == 1
    assert first.y == pytest.approx((page.height - page.top) * PT_PER_MM, abs=0.01)


def test_the_plate_photo_is_printed_at_the_size_it_is_prepared_for(tmp_path):
    project = check_data(DEMO)
    person = next(c for c in project.cadres if c.photo)
    layout = PlateLayout(project.org.plate_size)
    pdf, index = render(project, [person])[person.id]
    page = pdfium.PdfDocument(pdf)[index]
    images = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=4)]
    sizes = [((right - left) / PT_PER_MM, (top - bottom) / PT_PER_MM) for left, bottom, right, top in images]
    width, height = layout.photo
    assert any(w == pytest.approx(width, abs=0.05) and h == pytest.approx(height, abs=0.05) for w, h in sizes), sizes
