"""What was learnt about a file, kept until the file changes.

Checking a phone's photo means decoding it (a twentieth of a second for 12 MP), and deciding
whether an office's plates are out of date means hashing it; an office has a hundred photos
or more, and a thousand at a county's scale. A rebuild with nothing changed should not pay
that again: each fact is kept with the file's size and modification time, as make and git
judge a file unchanged, and worked out afresh once either differs.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from booklet import cachefile

_VERSION = 2  # bump when a fact's meaning or form changes


class FileFacts:
    """Facts about files, in memory and, with a `store`, in a JSON file between runs."""

    def __init__(self, store: Path | None = None) -> None:
        self.store = store
        self._files: dict[str, dict[str, Any]] = {}
        self._changed = False
        saved = cachefile.read(store)
        if isinstance(saved, dict) and saved.get("version") == _VERSION and isinstance(saved.get("files"), dict):
            self._files = {path: _sound(entry) for path, entry in saved["files"].items() if isinstance(entry, dict)}

    def known(self, path: Path, fact: str) -> bool:
        """Whether the `fact` about the file at `path` is remembered, the file as it was."""
        status = os.stat(path)
        entry = self._files.get(str(path.resolve()))
        return entry is not None and entry.get("stamp") == [status.st_size, status.st_mtime_ns] and fact in entry

    def get(self, path: Path, fact: str, work_out: Callable[[], Any]) -> Any:
        """The `fact` about the file at `path`: remembered if the file is as it was, else
        `work_out()`, remembered. An exception from `work_out` is not remembered."""
        status = os.stat(path)
        key = str(path.resolve())
        stamp = [status.st_size, status.st_mtime_ns]
        entry = self._files.get(key)
        if entry is None or entry.get("stamp") != stamp:
            entry = self._files[key] = {"stamp": stamp}
        if fact not in entry:
            entry[fact] = work_out()
            self._changed = True
        return entry[fact]

    def save(self) -> None:
        """Keep the facts for the next run. A store that cannot be written is no error: the
        facts are worked out again next time."""
        if self.store is None or not self._changed:
            return
        try:
            cachefile.write(self.store, {"version": _VERSION, "files": self._files})
        except OSError:
            return
        self._changed = False


# What each fact kept looks like (the photos' checks keep these): one of another shape was not
# written by this code, and is worked out again.
_SHAPES: dict[str, Callable[[Any], bool]] = {
    "stamp": lambda v: isinstance(v, list) and len(v) == 2 and all(type(n) is int for n in v),
    "size": lambda v: isinstance(v, list) and len(v) == 2 and all(type(n) is int and n > 0 for n in v),
    "sha256": lambda v: isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v),
}


def _sound(entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` without the facts not of their shape (all of them, if its stamp is not)."""
    if not _SHAPES["stamp"](entry.get("stamp")):
        return {}
    return {fact: value for fact, value in entry.items() if fact in _SHAPES and _SHAPES[fact](value)}
