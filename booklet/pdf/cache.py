"""Parts of a document rendered over the pool's processes, and kept between builds.

A part whose HTML (and salt: the templates, CSS, fonts and code) was rendered before is taken
from the cache folder, so a rebuild lays out only what changed. An entry is the part's PDF
and a JSON of its pages and anchors, written whole (booklet/files.py). The JSON names its own
key and the PDF's digest: an entry that cannot be read, or whose files were cut short, spoilt
or swapped with another's, is deleted and laid out again, never trusted.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Callable

from booklet.files import unused, write_atomic
from booklet.pdf.assemble import render_part
from booklet.pdf.pool import Pool
from booklet.pdf.render import Anchor, Rendered


class Renderer:
    """Parts of a document rendered over `pool`'s processes, and kept in `cache` (if given)."""

    def __init__(self, data_dir: Path, pool: Pool, cache: Path | None, salt: str) -> None:
        self.data_dir, self.pool, self.cache, self.salt = data_dir, pool, cache, salt

    def key(self, html: str) -> str:
        return hashlib.sha256((self.salt + html).encode()).hexdigest()

    def cached(self, html: str) -> Rendered | None:
        if self.cache is None:
            return None
        key = self.key(html)
        pdf_path, meta_path = self.cache / f"{key}.pdf", self.cache / f"{key}.json"
        try:
            pdf = pdf_path.read_bytes()
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            if pdf_path.exists() or meta_path.exists():
                self._drop(key)
            return None
        try:
            if meta["key"] != key or meta["sha256"] != hashlib.sha256(pdf).hexdigest():
                raise ValueError(key)
            result = Rendered(pdf, int(meta["pages"]),
                              {str(name): Anchor(int(page), float(x), float(y))
                               for name, (page, x, y) in meta["anchors"].items()})
        except (KeyError, TypeError, ValueError, AttributeError):
            self._drop(key)
            return None
        pdf_path.touch()  # used: kept by prune
        return result

    def _drop(self, key: str) -> None:
        """A spoilt entry: deleted, said, and laid out again."""
        for path in (self.cache / f"{key}.pdf", self.cache / f"{key}.json"):
            path.unlink(missing_ok=True)
        logging.getLogger("booklet").warning(f"缓存中的排版结果 {key[:12]} 已损坏，已删除并重新排版")

    def store(self, html: str, result: Rendered) -> None:
        if self.cache is None:
            return
        key = self.key(html)
        meta = {"key": key, "sha256": hashlib.sha256(result.pdf).hexdigest(), "pages": result.pages,
                "anchors": {n: [a.page, a.x, a.y] for n, a in result.anchors.items()}}
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


def completed(result: Any) -> concurrent.futures.Future:
    """A future that already has its result: what the cache gave, among what the pool will give."""
    future: concurrent.futures.Future = concurrent.futures.Future()
    future.set_result(result)
    return future


def prune(cache: Path) -> None:
    """Forget the parts not used for files.CACHE_DAYS."""
    for pdf in unused(cache.glob("*.pdf")):
        pdf.unlink(missing_ok=True)
        pdf.with_suffix(".json").unlink(missing_ok=True)
