"""HTML to PDF with WeasyPrint, where anything WeasyPrint complains about fails the build."""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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


def render_pdf(html: str, data_dir: Path, what: str, zoom: float = 1.0) -> Rendered:
    """Render `html` (whose relative links resolve in templates/) to PDF bytes.

    `what` names the document in error messages. `zoom` scales everything, the pages too
    (WeasyPrint's zoom); anchors are where they land on the scaled pages.
    """
    # WeasyPrint takes half a second to import: only when there is something to render.
    from booklet.engine import FatalURLFetchingError, weasyprint
    from booklet.fetcher import SandboxFetcher

    fetcher = SandboxFetcher([data_dir, TEMPLATES, FONTS])
    with _collect_weasyprint_logs() as logs:
        try:
            document = weasyprint.HTML(
                string=html, base_url=str(TEMPLATES) + os.sep, url_fetcher=fetcher
            ).render(font_config=_font_config())
            pdf = document.write_pdf(zoom=zoom)
        except FatalURLFetchingError as exc:
            raise RenderError(f"{what}：{exc}") from None
    if logs.messages:
        details = "；".join(dict.fromkeys(logs.messages))
        raise RenderError(f"{what} 排版出错：{details}")
    anchors: dict[str, Anchor] = {}
    for index, page in enumerate(document.pages):
        for name, (x, y, *_) in page.anchors.items():
            # An element that spans pages is listed on each of them: it starts on the first.
            anchors.setdefault(name, Anchor(index, x * PX_TO_PT * zoom, (page.height - y) * PX_TO_PT * zoom))
    return Rendered(pdf, len(document.pages), anchors)


@dataclass(frozen=True)
class Output:
    """A finished file: its path under the output folder, its bytes, and how many pages
    (or sheets) a clerk will print."""

    filename: str
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class Job:
    """One document to render: its HTML and its name for messages."""

    html: str
    what: str


def render_many(jobs: list[Job], data_dir: Path, pool: Pool, cache: Path | None = None,
                salt: str = "") -> list[Rendered]:
    """Render independent documents, over the `pool`'s processes.

    With a `cache` folder, a document whose HTML (and `salt`: the templates, CSS, fonts and
    code) was rendered before is taken from there, so a rebuild lays out only what changed.
    """
    keys = [hashlib.sha256((salt + job.html).encode()).hexdigest() for job in jobs]
    results = [_cached(cache, key) if cache else None for key in keys]
    missing = [index for index, result in enumerate(results) if result is None]
    fresh = pool.map(render_pdf, [(jobs[i].html, data_dir, jobs[i].what) for i in missing])
    for index, result in zip(missing, fresh, strict=True):
        results[index] = result
        if cache:
            _store(cache, keys[index], result)
    if cache:
        _prune(cache)
    return results


CACHE_DAYS = 14


def _cached(cache: Path, key: str) -> Rendered | None:
    try:
        pdf = (cache / f"{key}.pdf").read_bytes()
        meta = json.loads((cache / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    (cache / f"{key}.pdf").touch()  # used: kept by _prune
    return Rendered(pdf, meta["pages"], {name: Anchor(*where) for name, where in meta["anchors"].items()})


def _store(cache: Path, key: str, result: Rendered) -> None:
    meta = {"pages": result.pages, "anchors": {n: [a.page, a.x, a.y] for n, a in result.anchors.items()}}
    write_atomic(cache / f"{key}.pdf", result.pdf)
    write_atomic(cache / f"{key}.json", json.dumps(meta).encode())


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
