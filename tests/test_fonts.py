"""The fonts: the files the templates load are the files the set-up installs and checks."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pikepdf

from booklet.paths import FONTS
from booklet.pdf import fonts

MINIMAL = Path(__file__).parent / "minimal"


def test_documents_embed_exactly_the_installed_font_files(tmp_path):
    """Regular and bold, sans and serif, each drawn from its file in fonts/."""
    from booklet.pdf.render import render_pdf
    from booklet.pdf.subsets import _which

    html = """<!DOCTYPE html><html lang="zh-CN"><head><link rel="stylesheet" href="fonts.css"></head>
    <body><p>便民</p><p><b>便民</b></p><p style="font-family: 'Noto Serif CJK SC'">服务<b>服务</b></p></body></html>"""
    pdf = pikepdf.open(io.BytesIO(render_pdf(html, tmp_path, what="字体").pdf))
    programs = {o.FontDescriptor.FontFile3.objgen for o in pdf.objects
                if isinstance(o, pikepdf.Dictionary) and o.get("/Subtype") == "/CIDFontType0"}
    used = {_which(pdf.get_object(objgen).read_bytes()) for objgen in programs}
    assert used == set(fonts.FONT_FILES)
    assert not fonts.missing(FONTS)


def test_parts_carry_no_font_programs_and_assembled_draw_as_rendered_whole(tmp_path):
    """A part for the assembler names the font files it used instead of embedding subsets of
    them: put together, the glyphs are embedded once and the pages look as a document
    rendered with its own fonts does."""
    import pypdfium2 as pdfium
    from PIL import ImageChops

    from booklet.pdf.assemble import render_part
    from booklet.pdf.render import render_pdf
    from booklet.pdf.subsets import share_fonts

    def html(text: str) -> str:
        return f"""<!DOCTYPE html><html lang="zh-CN"><head><link rel="stylesheet" href="fonts.css"></head>
        <body><p>{text}</p><p><b>{text}</b></p><p style="font-family: 'Noto Serif CJK SC'">{text}</p></body></html>"""

    texts = ["便民服务一本通", "社会救助与低保申请"]
    whole = [render_pdf(html(text), tmp_path, what="字体") for text in texts]
    parts = [render_part(html(text), tmp_path, what="字体") for text in texts]
    for part, own in zip(parts, whole):
        assert len(part.pdf) < len(own.pdf) / 10
        with pikepdf.open(io.BytesIO(part.pdf)) as pdf:
            assert not any(isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/OpenType" for o in pdf.objects)

    def assembled(parts) -> pdfium.PdfDocument:
        with pikepdf.new() as out:
            sources = [pikepdf.open(io.BytesIO(part.pdf)) for part in parts]
            for source in sources:
                out.pages.extend(source.pages)
            share_fonts(out)
            buffer = io.BytesIO()
            out.save(buffer)
        return pdfium.PdfDocument(buffer.getvalue())

    for together in ([parts[0]], parts):  # one part alone gets its glyphs too
        pages = assembled(together)
        for index in range(len(together)):
            page = pdfium.PdfDocument(whole[index].pdf)[0]
            assert pages[index].get_textpage().get_text_range() == page.get_textpage().get_text_range()
            # The same glyphs in the same places: only the edges' grey may differ, by how the
            # rasterizer takes an OpenType program (WeasyPrint's) and a bare CFF one (ours).
            difference = ImageChops.difference(pages[index].render(scale=2).to_pil(), page.render(scale=2).to_pil())
            assert max(high for _, high in difference.getextrema()) < 48


def test_rendering_leaves_nothing_in_the_temporary_folder(tmp_path):
    """WeasyPrint copies the files an @font-face names into a folder of its own, per process,
    which a worker process never removes: 80 MB a build."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "booklet", "build", "--data", str(MINIMAL), "--out", str(tmp_path / "out")],
        env={**{k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}, "TMPDIR": str(temporary),
             "BOOKLET_WORKERS": "2", "HOME": str(tmp_path / "home")}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert list(temporary.iterdir()) == []
    assert not (tmp_path / "home").exists()  # fontconfig's cache too is the project's own


def test_coverage_has_rare_name_characters_and_lacks_what_the_font_lacks():
    covered = fonts.coverage(FONTS)
    assert {ord(c) for c in "喆堃赟𠮷一丨"} <= covered
    assert ord("𪚥") not in covered


def test_unprintable_finds_missing_private_use_and_control_characters():
    covered = fonts.coverage(FONTS)
    assert fonts.unprintable("张三 李四\n", covered) == []
    assert fonts.unprintable("李𪚥\ue000\x07𪚥", covered) == ["𪚥", "\ue000", "\x07"]


def test_install_extracts_nothing_when_the_fonts_are_there():
    assert fonts.install(FONTS) == []


def test_a_font_cut_short_is_refused_and_put_back_by_the_set_up(tmp_path, monkeypatch):
    import shutil

    from booklet import paths
    from booklet.data import checks

    from conftest import run_cli

    copy = tmp_path / "fonts"
    shutil.copytree(FONTS, copy)
    fonts.require(copy)
    regular = copy / "NotoSansCJKsc-Regular.otf"
    regular.write_bytes(regular.read_bytes()[:1_000_000])
    monkeypatch.setattr(checks, "FONTS", copy)
    monkeypatch.setattr(paths, "FONTS", copy)  # as the command line reads it

    result = run_cli("check", "--data", str(MINIMAL))

    assert result.code == 4
    assert "NotoSansCJKsc-Regular.otf 与安装时不同（已损坏或被替换）：请运行 make booklet" in result.stderr
    assert fonts.install(copy) == [regular]  # as `make booklet` does
    fonts.require(copy)
    assert run_cli("check", "--data", str(MINIMAL)).code == 0
