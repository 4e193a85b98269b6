"""What a build makes, as the command reports it: the files rendered, and where they went."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Output:
    """A finished file: its path under the output folder, its bytes, and how many pages
    (or sheets) a clerk will print."""

    filename: str
    pdf: bytes
    pages: int


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int


@dataclass
class Report:
    written: list[Written] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    """Names in the output folder's manifest that lie outside it: never read, written or deleted."""
    finished: list[str] = field(default_factory=list)
    """Files that a build killed while it put them in place had left in its staging folder,
    put in place by this one (files.finish_moving)."""
