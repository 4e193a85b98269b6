"""HTML to PDF with WeasyPrint, where anything WeasyPrint complains about fails the build."""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import io
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Callable

from booklet.paths import FONTS, TEMPLATES
from booklet.pool import Pool

log = logging.getLogger(__name__)


class RenderError(Exception):
    """The PDF could not be made as it should be; the message says why, in Chinese."""


PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels, 96 to the inch; PDF points are 72.


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
    from booklet.engine import FontConfiguration

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
    from booklet.engine import FatalURLFetchingError, weasyprint
    from booklet.fetcher import SandboxFetcher

    fetcher = SandboxFetcher([data_dir, TEMPLATES, FONTS])
    with _collect_weasyprint_logs() as logs:
        try:
            yield weasyprint.HTML(
                string=html, base_url=str(TEMPLATES) + os.sep, url_fetcher=fetcher
            ).render(font_config=_font_config())
        except FatalURLFetchingError as exc:
            raise RenderError(f"{what}：{exc}") from None
    if logs.messages:
        details = "；".join(dict.fromkeys(logs.messages))
        raise RenderError(f"{what} 排版出错：{details}")


def written(document, pages: list | None = None, zoom: float = 1.0, part: bool = False) -> Rendered:
    """`pages` of a laid-out `document` (all of them by default) as PDF bytes, with the anchors
    on them; anchors are where they land on pages scaled by `zoom`. With `part`, a part for
    the assembler (`for_assembly`)."""
    if pages is None:
        pages = document.pages
    elif len(pages) != len(document.pages):
        document = document.copy(pages)
    pdf = document.write_pdf(zoom=zoom)
    if part:
        pdf = for_assembly(pdf)
    anchors: dict[str, Anchor] = {}
    for index, page in enumerate(pages):
        for name, (x, y, *_) in page.anchors.items():
            # An element that spans pages is listed on each of them: it starts on the first.
            anchors.setdefault(name, Anchor(index, x * PX_TO_PT * zoom, (page.height - y) * PX_TO_PT * zoom))
    return Rendered(pdf, len(pages), anchors)


def for_assembly(pdf: bytes) -> bytes:
    """A part's PDF as the assembler takes it: with no font programs, which it embeds once for
    all parts (booklet/subsets.py), and one link annotation where WeasyPrint wrote several
    (booklet/links.py). Done in the worker that rendered it, not in the assembler's process."""
    import pikepdf  # with HarfBuzz: only in the workers

    from booklet.links import merge_links
    from booklet.subsets import without_programs

    with pikepdf.open(io.BytesIO(pdf)) as document:
        without_programs(document)
        merge_links(document)
        buffer = io.BytesIO()
        document.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def render_pdf(html: str, data_dir: Path, what: str, zoom: float = 1.0, part: bool = False) -> Rendered:
    """Render `html` to PDF; `zoom` scales everything, the pages too (WeasyPrint's zoom)."""
    with laid_out(html, data_dir, what) as document:
        result = written(document, zoom=zoom, part=part)
    return result


def render_part(html: str, data_dir: Path, what: str) -> Rendered:
    """`html` rendered as a part of a document the assembler puts together (`for_assembly`)."""
    return render_pdf(html, data_dir, what, part=True)


@dataclass(frozen=True)
class Output:
    """A finished file: its path under the output folder, its bytes, and how many pages
    (or sheets) a clerk will print."""

    filename: str
    pdf: bytes
    pages: int


class Renderer:
    """Parts of a document rendered over a pool's processes, and kept.

    With a `cache` folder, a document whose HTML (and `salt`: the templates, CSS, fonts and
    code) was rendered before is taken from there, so a rebuild lays out only what changed.
    """

    def __init__(self, data_dir: Path, pool: Pool, cache: Path | None, salt: str) -> None:
        self.data_dir, self.pool, self.cache, self.salt = data_dir, pool, cache, salt

    def key(self, html: str) -> str:
        return hashlib.sha256((self.salt + html).encode()).hexdigest()

    def cached(self, html: str) -> Rendered | None:
        if self.cache is None:
            return None
        key = self.key(html)
        try:
            pdf = (self.cache / f"{key}.pdf").read_bytes()
            meta = json.loads((self.cache / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        (self.cache / f"{key}.pdf").touch()  # used: kept by prune
        return Rendered(pdf, meta["pages"], {name: Anchor(*where) for name, where in meta["anchors"].items()})

    def store(self, html: str, result: Rendered) -> None:
        if self.cache is None:
            return
        key = self.key(html)
        meta = {"pages": result.pages, "anchors": {n: [a.page, a.x, a.y] for n, a in result.anchors.items()}}
        write_atomic(self.cache / f"{key}.pdf", result.pdf)
        write_atomic(self.cache / f"{key}.json", json.dumps(meta).encode())

    def render(self, html: str, what: str) -> concurrent.futures.Future:
        """A future of `html` rendered (`what` names it in messages): from the cache, or laid out."""
        if (result := self.cached(html)) is not None:
            return completed(result)
        return self.submit(render_part, html, self.data_dir, what, keep=html)

    def submit(self, function: Callable, *args: Any, keep: str | None = None) -> concurrent.futures.Future:
        """`function(*args)` in the pool; with `keep`, its Rendered result is stored under that HTML."""
        future = self.pool.submit(function, *args)
        if keep is not None:
            future.add_done_callback(lambda done: self._keep(keep, done))
        return future

    def _keep(self, html: str, done: concurrent.futures.Future) -> None:
        if not done.cancelled() and done.exception() is None and done.result() is not None:
            with contextlib.suppress(OSError):  # a cache that cannot be written costs time, not the build
                self.store(html, done.result())

    def prune(self) -> None:
        if self.cache is not None:
            _prune(self.cache)


def completed(result: Any) -> concurrent.futures.Future:
    """A future that already has its result: what the cache gave, among what the pool will give."""
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(result)
    return future


CACHE_DAYS = 14


def _prune(cache: Path) -> None:
    """Forget documents and photos not used for CACHE_DAYS: old editions' parts would pile up."""
    limit = time.time() - CACHE_DAYS * 86400
    for pdf in cache.glob("*.pdf"):
        if pdf.stat().st_mtime < limit:
            pdf.unlink(missing_ok=True)
            pdf.with_suffix(".json").unlink(missing_ok=True)
    for photo in cache.glob("photos/*.jpg"):  # prepared by photos.portrait
        if photo.stat().st_mtime < limit:
            photo.unlink(missing_ok=True)


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
