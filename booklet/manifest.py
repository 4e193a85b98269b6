"""What each output was made from, kept in output/, so that a rebuild renders only what changed.

An output's inputs are hashed: the data it shows, the templates and CSS, the fonts, and the
tool itself. An output is fresh when the hash is the one recorded and the file on disk is
still the one written (a file deleted or edited by hand is made again).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from booklet import __version__
from booklet.files import inside, write_atomic
from booklet.paths import FONT_CONFIG, FONTS, ROOT, TEMPLATES

FILENAME = ".booklet-manifest.json"


def digest(*parts: Any) -> str:
    """A hash of JSON-able values and bytes, stable across runs and machines."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes):
            hasher.update(b"b" + hashlib.sha256(part).digest())
        else:
            hasher.update(b"j" + json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
    return hasher.hexdigest()


@cache
def tool() -> str:
    """The renderer itself: version, code (every module, in every subpackage), templates and
    CSS, and the fonts."""
    files = sorted(
        [*(ROOT / "booklet").rglob("*.py"), *TEMPLATES.rglob("*.*"), FONTS / FONT_CONFIG],
        key=lambda p: p.relative_to(ROOT).as_posix(),
    )
    fonts = sorted((p.name, p.stat().st_size) for p in FONTS.glob("*.otf"))
    return digest(__version__, [(p.relative_to(ROOT).as_posix(), p.read_bytes()) for p in files], fonts)


@dataclass
class Manifest:
    entries: dict[str, dict[str, str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    """Names in the manifest that are not files of the output folder (`inside`): left alone."""

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        try:
            entries = json.loads((out_dir / FILENAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()  # no manifest, or a damaged one: everything is rendered again
        if not isinstance(entries, dict):
            return cls()
        manifest = cls()
        for name, entry in entries.items():
            if not inside(out_dir, name):
                manifest.ignored.append(name)
            elif isinstance(entry, dict):
                manifest.entries[name] = entry
        manifest.ignored.sort()
        return manifest

    def fresh(self, out_dir: Path, filename: str, inputs: str) -> bool:
        entry = self.entries.get(filename)
        if not entry or entry.get("inputs") != inputs:
            return False
        try:
            return hashlib.sha256((out_dir / filename).read_bytes()).hexdigest() == entry.get("output")
        except OSError:
            return False

    def record(self, filename: str, inputs: str, sha256: str) -> None:
        """`filename` was made from `inputs`; `sha256`: the hex digest of what was written."""
        self.entries[filename] = {"inputs": inputs, "output": sha256}

    def save(self, out_dir: Path) -> None:
        text = json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomic(out_dir / FILENAME, text.encode("utf-8"))
