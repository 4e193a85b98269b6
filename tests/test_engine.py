"""The one patch of WeasyPrint (pdf/engine.py): font programs left out of the documents whose
fonts are embedded again, and only of those, in the WeasyPrint it was written for."""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Name

from booklet.pdf import engine
from booklet.pdf.render import render_pdf
from booklet.pdf.subsets import _which

HTML = ('<html lang="zh-CN"><head><link rel="stylesheet" href="fonts.css"></head>'
        '<body><p style="font-family: \'Noto Sans CJK SC\'">便民服务一本通</p>'
        '<p style="font-family: \'Noto Sans CJK SC\'; font-weight: 700">监督电话</p></body></html>')


def _programs(pdf: bytes) -> list[bytes]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [obj.read_bytes() for obj in document.objects
                if isinstance(obj, pikepdf.Stream) and obj.get(Name.Subtype) == Name.OpenType]


def test_the_patched_functions_are_those_it_was_written_for():
    """An upgrade of WeasyPrint that changes Font.subset or Font.clean fails here: read them
    again, and the patch with them, before widening the pinned range."""
    assert engine.weasyprint.__version__.startswith("70.")
    assert engine.sources() == engine.TESTED_SOURCES


def test_left_out_the_programs_hold_no_glyphs_but_say_which_font_they_are(tmp_path):
    programs = _programs(render_pdf(HTML, tmp_path, what="测试", programs=False).pdf)
    assert len(programs) == 2
    assert all(len(program) < 5_000 for program in programs)
    assert {_which(program).filename for program in programs} == {"NotoSansCJKsc-Regular.otf",
                                                                  "NotoSansCJKsc-Bold.otf"}


def test_a_document_written_afterwards_has_its_glyphs(tmp_path):
    render_pdf(HTML, tmp_path, what="测试", programs=False)
    programs = _programs(render_pdf(HTML, tmp_path, what="测试").pdf)
    assert len(programs) == 2
    assert all(len(program) > 5_000 for program in programs)
