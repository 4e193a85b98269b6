"""What a build keeps in JSON for the next one (the photos' facts, the pinyin of the index, the
booklet's layout, the last build), sealed with the digest of its content.

Such a file decides what is printed the next time, so it is never trusted as found: one cut
short, spoilt on the disk or edited since it was written fails its digest, is deleted with a
line saying so, and is worked out again, as if there had been none.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from booklet.files import write_atomic


def read(path: Path | None) -> Any:
    """The content last written to `path`, or None: no file, or one that is not whole."""
    if path is None:
        return None
    try:
        sealed = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return _spoilt(path)
    if not isinstance(sealed, dict) or sealed.get("sha256") != _digest(sealed.get("content")):
        return _spoilt(path)
    return sealed["content"]


def write(path: Path, content: Any) -> None:
    """Keep `content` (JSON-able) at `path`, whole or not at all. OSError if it cannot be."""
    sealed = {"sha256": _digest(content), "content": content}
    write_atomic(path, json.dumps(sealed, ensure_ascii=False).encode("utf-8"))


def _digest(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _spoilt(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # a folder in its place, say: it is not read again either way
    logging.getLogger("booklet").warning(f"缓存文件 {path.name} 已损坏，已删除并重新生成")
    return None
