"""HTML to PDF with WeasyPrint, where anything WeasyPrint complains about fails the build.

Only the render: what is done with the PDF afterwards (a part made ready for the assembler,
the parts cache) lives in booklet/pdf/assemble.py and booklet/pdf/cache.py."""
from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from booklet.paths import FONTS, TEMPLATES
from booklet.pdf.units import PX_PER_MM, PX_TO_PT

log = logging.getLogger(__name__)


class RenderError(Exception):
    """The PDF could not be made as it should be; the message says why, in Chinese."""


@dataclass(frozen=True)
class Anchor:
    """Where an element with an id landed: page index, and x, y in PDF points from bottom left."""

    page: int
    x: float
    y: float


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    anchors: dict[str, Anchor]


@cache
def _font_config():
    # One configuration for the whole process: fonts are loaded once and memory stays flat.
    from booklet.pdf.engine import FontConfiguration

    return FontConfiguration()


def get_ready() -> None:
    """Load WeasyPrint and the fonts, as the first document would."""
    _font_config()


class _Collector(logging.Handler):
    """Keeps what WeasyPrint logs: a missing image or a .notdef glyph is only logged there."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collect_weasyprint_logs():
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    logger.addHandler(collector)
    # Collected here and reported once, in Chinese, in the RenderError: not also raw.
    propagate, logger.propagate = logger.propagate, False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.propagate = propagate


@contextlib.contextmanager
def laid_out(html: str, data_dir: Path, what: str):
    """The WeasyPrint document of `html` (whose relative links resolve in templates/), for the
    block to write: whatever WeasyPrint logs while it is laid out or written fails the render.

    `what` names the document in error messages.
    """
    # WeasyPrint takes half a second to import: only when there is something to render.
    from booklet.pdf.engine import FatalURLFetchingError, weasyprint
    from booklet.pdf.fetcher import SandboxFetcher

    fetcher = SandboxFetcher([data_dir, TEMPLATES, FONTS])
    with _collect_weasyprint_logs() as logs:
        try:
            document = weasyprint.HTML(
                string=html, base_url=str(TEMPLATES) + os.sep, url_fetcher=fetcher
            ).render(font_config=_font_config())
            _within_the_page(document, what)
            yield document
        except FatalURLFetchingError as exc:
            raise RenderError(f"{what}：{exc}") from None
    if logs.messages:
        for message in dict.fromkeys(logs.messages):  # English, and a data: URL runs to kilobytes
            log.debug("WeasyPrint: %s", message if len(message) <= 300 else message[:300] + "…")
        found = dict.fromkeys(_said(message) for message in logs.messages)
        raise RenderError(f"{what} 排版出错：{'；'.join(found)}（加 --verbose 可看到排版程序的原话）")


def _said(logged: str) -> str:
    """What WeasyPrint logged, in the clerk's words."""
    for pattern, said in _LOGGED:
        if (match := pattern.match(logged)) is not None:
            return said.format(*match.groups())
    return "排版程序报告了问题"


_LOGGED = [(re.compile(pattern), said) for pattern, said in (
    (r'\.notdef glyph rendered for .*: "(.*)" \((U\+[0-9A-F]+)\)', "字体中没有「{}」({}) 这个字，会印成空框"),
    (r"Failed to load image", "有一张图片无法读取（照片文件可能已损坏）"),
    (r"Failed to load", "模板引用的文件无法读取"),
    (r"Ignored|Invalid", "模板的样式（templates/ 中的 CSS）有写错的地方"),
)]


def _within_the_page(document, what: str) -> None:
    """Fails the render if any text crosses a page's edge: trimmed, it would be cut off."""
    from booklet.pdf.pages import text_off_the_page

    off = [text for page in document.pages for text in text_off_the_page(page, _TOLERANCE_PX)]
    if off:
        shown = "」「".join(dict.fromkeys(text.strip()[:30] for text in off))
        raise RenderError(f"{what}：文字「{shown}」超出了页面，裁切时会被切掉；"
                          "请把这段文字改短，或加上空格、标点让它能换行")


# As the tests' reading of the real PDF allows (tests/pdfread.py): 0.1 mm.
_TOLERANCE_PX = 0.1 * PX_PER_MM


def written(document, pages: list | None = None, zoom: float = 1.0, programs: bool = True) -> Rendered:
    """`pages` of a laid-out `document` (all of them by default) as PDF bytes, with the anchors
    on them; anchors are where they land on pages scaled by `zoom`. Without `programs`, the
    fonts carry no glyphs (engine.font_programs_left_out): for a document whose fonts are
    embedded again from fonts/ (pdf/subsets.py) before anyone sees it, or whose anchors alone
    are wanted."""
    from booklet.pdf.engine import font_programs_left_out

    if pages is None:
        pages = document.pages
    elif len(pages) != len(document.pages):
        document = document.copy(pages)
    with contextlib.nullcontext() if programs else font_programs_left_out():
        pdf = document.write_pdf(zoom=zoom)
    anchors: dict[str, Anchor] = {}
    for index, page in enumerate(pages):
        for name, (x, y, *_) in page.anchors.items():
            # An element that spans pages is listed on each of them: it starts on the first.
            anchors.setdefault(name, Anchor(index, x * PX_TO_PT * zoom, (page.height - y) * PX_TO_PT * zoom))
    return Rendered(pdf, len(pages), anchors)


def render_pdf(html: str, data_dir: Path, what: str, zoom: float = 1.0, programs: bool = True) -> Rendered:
    """Render `html` to PDF; `zoom` scales everything, the pages too (WeasyPrint's zoom);
    `programs`: as for `written`."""
    with laid_out(html, data_dir, what) as document:
        result = written(document, zoom=zoom, programs=programs)
    return result
