"""The renderer: sandboxed, strict about what WeasyPrint logs, and never leaving half a file."""
from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.files import Staging, locked, put_in_place, write_atomic
from booklet.outputs import Output
from booklet.paths import FONTS
from booklet.pdf import fonts, qr
from booklet.pdf.render import RenderError, render_pdf

from conftest import run_cli
from pdfread import embedded_fonts, page_texts, qr_codes

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<link rel="stylesheet" href="fonts.css"><style>body {{ font-family: "Noto Sans CJK SC" }}</style>
</head><body>{body}</body></html>"""


def _render(tmp_path: Path, body: str):
    return render_pdf(PAGE.format(body=body), tmp_path, what="测试文档")


def test_a_page_renders_with_the_project_fonts_embedded_and_subsetted(tmp_path):
    result = _render(tmp_path, "<p>便民服务一本通 喆堃赟</p>")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(result.pdf)
    assert "便民服务一本通 喆堃赟" in page_texts(pdf)[0]
    used = embedded_fonts(pdf)
    assert used and all(used.values())
    # A subset's name carries a six-letter tag: "ABCDEF+Noto-Sans-CJK-SC".
    assert all(name.lstrip("/")[6] == "+" and "Noto" in name for name in used)
    assert len(result.pdf) < 300_000


@pytest.mark.parametrize("url", [
    "file:///etc/hostname",
    "file:///dev/urandom",
    "http://example.com/x.png",
    "https://example.com/x.png",
    "ftp://example.com/x.png",
])
def test_the_renderer_reads_nothing_outside_the_sandbox(tmp_path, url):
    with pytest.raises(RenderError, match="不允许读取"):
        _render(tmp_path, f'<img src="{url}">')


def test_a_relative_path_cannot_climb_out_of_templates(tmp_path):
    with pytest.raises(RenderError, match="不允许读取"):
        _render(tmp_path, '<img src="../../../../../../etc/hostname">')


def test_files_under_data_templates_and_fonts_are_allowed(tmp_path):
    image = tmp_path / "dot.png"
    image.write_bytes(base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UBGAAAAABJRU5ErkJggg=="))
    result = _render(tmp_path, f'<img src="{image.as_uri()}" style="width:5mm">'
                               f'<img src="data:image/png;base64,{base64.b64encode(image.read_bytes()).decode()}">')
    assert result.pages == 1
    assert FONTS.is_dir()


def test_a_qr_code_is_made_from_its_address_when_the_page_is_laid_out(tmp_path):
    payload = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:黄丽萍\r\nTEL;TYPE=CELL:+8613900000101\r\nEND:VCARD"
    style = 'style="width: 30mm; image-rendering: pixelated"'
    result = _render(tmp_path, f'<img src="{qr.url("tel:+8613900000101")}" {style}><br>'
                               f'<img src="{qr.url(payload)}" {style}>')
    pdf = tmp_path / "qr.pdf"
    pdf.write_bytes(result.pdf)
    assert sorted(code.text for code in qr_codes(pdf)[0]) == sorted(["tel:+8613900000101", payload])


def test_a_missing_image_fails_the_render_instead_of_leaving_a_blank(tmp_path):
    with pytest.raises(RenderError):
        _render(tmp_path, f'<img src="{(tmp_path / "nobody.jpg").as_uri()}">')


def test_a_character_missing_from_the_fonts_fails_the_render(tmp_path):
    # The data check catches this first; the renderer is the second line of defence.
    with pytest.raises(RenderError, match="字体中没有「𪚥」\\(U\\+2A6A5\\) 这个字，会印成空框"):
        _render(tmp_path, "<p>𪚥</p>")


@pytest.mark.parametrize("style", ["white-space: nowrap", "position: absolute; top: 295mm"])
def test_text_that_crosses_the_edge_of_the_page_fails_the_render(tmp_path, style):
    with pytest.raises(RenderError, match="测试文档：文字「ABCDEFGHIJ.*」超出了页面，裁切时会被切掉"):
        _render(tmp_path, f'<p style="{style}">{"ABCDEFGHIJ" * 30}</p>')
    _render(tmp_path, f'<p style="overflow-wrap: anywhere">{"ABCDEFGHIJ" * 30}</p>')  # wrapped: on the page


def test_machine_fonts_are_invisible_to_the_renderer(tmp_path):
    # DejaVu (on most Debian machines, beside fontconfig) has Ą; our fonts do not. Were the
    # machine's fonts visible, Pango would quietly draw it with DejaVu.
    assert ord("Ą") not in fonts.coverage(FONTS)
    with pytest.raises(RenderError, match="字体中没有「Ą」"):
        _render(tmp_path, "<p>Ą</p>")
    assert os.environ["FONTCONFIG_FILE"] == str(FONTS / "fonts.conf")


def test_write_atomic_replaces_the_file_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out" / "a.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]


def test_a_failed_build_keeps_the_earlier_pdf(minimal_built: Path, minimal: Path):
    pdf = minimal_built / "便民服务一本通.pdf"
    before = pdf.read_bytes()
    stamp = pdf.stat().st_mtime_ns
    cadres = minimal / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("139 0000 0001", "1380000"), encoding="utf-8")

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 1
    assert pdf.read_bytes() == before and pdf.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in pdf.parent.iterdir()) == [
        ".booklet-manifest.json", ".cache", "便民服务一本通-印刷版.pdf", pdf.name, "便民身份证", "网页版", "联系卡"]


def test_same_data_gives_the_same_bytes(minimal: Path, minimal_build: Path, workdir: Path):
    run_cli("build", "--data", "data", "--out", "two")  # another run, in another folder, from nothing
    for name in ("便民服务一本通.pdf", "便民服务一本通-印刷版.pdf"):
        assert (minimal_build / "output" / name).read_bytes() == (workdir / "two" / name).read_bytes()
    one = workdir / "two" / "便民服务一本通.pdf"
    info = PdfReader(one).metadata
    assert info["/CreationDate"].startswith("D:20261101")  # the edition date, not the clock
    assert info["/Title"] == "测试街道办事处便民服务一本通"
    assert info["/Author"] == "测试街道办事处"


def test_data_is_printed_as_text_never_as_markup(minimal: Path, workdir: Path):
    services = minimal / "services" / "jiuzhu.yaml"
    services.write_text(services.read_text(encoding="utf-8").replace(
        "      - 年满 80 周岁。",
        '      - "年龄 <80 岁 & <b>不加粗</b> <img src=file:///etc/hostname>"'), encoding="utf-8")

    result = run_cli("build", "--data", "data", "--out", "output")

    assert result.code == 0, result.stderr
    text = "".join(page_texts(workdir / "output" / "便民服务一本通.pdf")).replace("\n", "")  # as wrapped
    assert "年龄 <80 岁 & <b>不加粗</b> <img src=file:///etc/hostname>" in text


def test_a_build_stages_its_files_in_a_folder_of_its_own_and_leaves_none_behind(tmp_path):
    out = tmp_path / "out"
    (out / ".staging-killed").mkdir(parents=True)  # left by a build killed outright
    (out / ".staging-killed" / "half.pdf").write_bytes(b"%PDF-1.7 half")
    with locked(out), Staging.under(out) as staging:  # so no other build is writing
        staged = staging.stage(Output("便民身份证/党政办.pdf", b"%PDF-1.7 plates", 4))
        assert staged.path.parent == staging.folder and staged.size == 15
        assert not (out / "便民身份证").exists()  # nothing in place before all are rendered
        put_in_place(staged, out)
    assert (out / "便民身份证" / "党政办.pdf").read_bytes() == b"%PDF-1.7 plates"
    assert sorted(p.name for p in out.iterdir()) == [".cache", "便民身份证"]  # the lock is kept in .cache


def test_a_second_build_into_the_same_folder_is_refused_while_the_first_writes(minimal: Path, workdir: Path):
    with locked(workdir / "output"):  # as a build under way holds it
        result = run_cli("build", "--data", "data", "--out", "output")
    assert result.code == 5
    assert f"另一个生成任务（进程 {os.getpid()}）正在写入这个目录，请等它结束后再运行" in result.stderr
    assert run_cli("build", "--data", "data", "--out", "output").code == 0  # once it is done


def test_what_weasyprint_logs_is_said_in_chinese_and_short(tmp_path):
    spoilt = "data:image/jpeg;base64," + base64.b64encode(b"\xff\xd8\xff" + bytes(5000)).decode()
    with pytest.raises(RenderError) as raised:
        _render(tmp_path, f'<img src="{spoilt}">')
    assert str(raised.value) == "测试文档 排版出错：有一张图片无法读取（照片文件可能已损坏）（加 --verbose 可看到排版程序的原话）"
