"""What the last build learnt about the booklet's layout, kept with the cache for the next one."""
from __future__ import annotations

import contextlib
from pathlib import Path

from booklet import cachefile


class Record:
    """Where each flow was cut (household/flow.py), and each item's height (household/measure.py):
    by its key, and by its anchor for an item that has changed since. One per edition
    (`variant`): their pages differ. A record that cannot be read, or is not what this code
    writes, is forgotten (booklet/cachefile.py): the next build only lays out more."""

    def __init__(self, cache: Path | None, variant: str) -> None:
        self.variant = variant
        self.path = cache / f"layout-{variant}.json" if cache else None
        saved = cachefile.read(self.path)
        if not isinstance(saved, dict):
            saved = {}
        self.cuts: dict[str, list[str]] = _mapping(saved.get("cuts"), lambda v: isinstance(v, list)
                                                   and all(isinstance(name, str) for name in v))
        self.heights: dict[str, float] = _mapping(saved.get("heights"), _is_number)
        self.last: dict[str, float] = _mapping(saved.get("last"), _is_number)

    def save(self) -> None:
        if self.path is None:
            return
        record = {"cuts": self.cuts, "heights": self.heights, "last": self.last}
        with contextlib.suppress(OSError):  # the next build would only lay out more
            cachefile.write(self.path, record)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _mapping(value, valid) -> dict:
    """`value` if it is a mapping of names to valid values; else nothing is known."""
    if isinstance(value, dict) and all(isinstance(k, str) and valid(v) for k, v in value.items()):
        return value
    return {}
