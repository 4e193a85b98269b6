"""What a build keeps in JSON for the next one (the photos' facts, the pinyin of the index, the
booklet's layout, the last build), sealed with the digest of its content.

Such a file decides what is printed the next time, so it is never trusted as found: one cut
short, spoilt on the disk or edited since it was written fails its digest, is deleted with a
line saying so, and is worked out again, as if there had been none.
"""
from __future__ import annotations

import contextlib
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
        raw = path.read_bytes()
    except OSError:  # none yet, or none to be had (the output folder is a file): as if none
        return None
    try:
        return opened(raw)
    except Unsealed:  # written before records were sealed: not spoilt, only not to be trusted
        with contextlib.suppress(OSError):
            path.unlink()
        return None
    except (ValueError, RecursionError):  # RecursionError: garbage nested thousands deep
        _spoilt(path)
        return None


def write(path: Path, content: Any) -> None:
    """Keep `content` (JSON-able) at `path`, whole or not at all. OSError if it cannot be."""
    write_atomic(path, sealed(content))


def sealed(content: Any) -> bytes:
    """`content` as JSON, with the digest that `opened` checks."""
    return json.dumps({"sha256": _digest(content), "content": content}, ensure_ascii=False).encode("utf-8")


class Unsealed(ValueError):
    """JSON written whole, but without a seal: by a version of booklet from before seals."""

    def __init__(self, content: dict) -> None:
        super().__init__("not sealed")
        self.content = content


def opened(raw: bytes) -> Any:
    """The content of what `sealed` gave; ValueError if it is not that, whole (Unsealed if it
    is a mapping that was never sealed)."""
    record = json.loads(raw.decode("utf-8"))
    if isinstance(record, dict) and "sha256" not in record and "content" not in record:
        raise Unsealed(record)
    if not isinstance(record, dict) or record.get("sha256") != _digest(record.get("content")):
        raise ValueError("not as written")
    return record["content"]


def _digest(content: Any) -> str:
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _spoilt(path: Path) -> None:
    with contextlib.suppress(OSError):  # not deleted: it fails its digest again next time
        path.unlink(missing_ok=True)
    logging.getLogger("booklet").warning(f"缓存文件 {path.name} 已损坏，已删除并重新生成")
