"""A rebuild where nothing changed, told without reading the data.

Loading and checking the data is most of a rebuild that has nothing to do (2 s of 3 at ten
times a street office's size). After a build, the files of the data folder as they were
(name, size and modification time) and the tool are kept with what the build wrote and the
warnings it gave. The next build that finds the same files, and every output as it was
written, has nothing to do: it repeats the warnings and stops.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path

from booklet import cachefile
from booklet.data.diagnostics import Problem
from booklet.manifest import Manifest, digest, tool
from booklet.paths import CACHE

FILENAME = "last-build.json"  # in the output's cache folder


@dataclass(frozen=True)
class LastBuild:
    """What the last build of the same data wrote (paths under the output folder), and the
    warnings its check gave."""

    files: list[str]
    problems: list[Problem]


def fingerprint(data_dir: Path, large_print: bool) -> str:
    """The data folder's files as they are now, and the tool: an edit, a photo replaced, a
    file added or removed, or a new version of the code, templates or fonts changes it. So
    does the folder the command is run from."""
    files = []
    for folder, subfolders, names in os.walk(data_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):  # an editor's swap file is not data
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except OSError:  # gone since it was listed, or a broken link: the check will say
                    continue
                files.append((path.relative_to(data_dir).as_posix(), stat.st_size, stat.st_mtime_ns))
    # The warnings name the files as seen from the current folder (load.display_path): from
    # another folder they are to be worked out again.
    return digest(tool(), _kind(large_print), os.path.relpath(data_dir), files)


def last_build(out_dir: Path, stamp: str, large_print: bool) -> LastBuild | None:
    """The last build, if it was of data with this `stamp` and its outputs are as it wrote them."""
    entry = _read(out_dir).get(_kind(large_print))
    if not isinstance(entry, dict) or entry.get("data") != stamp:
        return None
    try:
        files = [str(f) for f in entry["files"]]
        problems = [Problem(**p) for p in entry["problems"]]
    except (KeyError, TypeError):
        return None
    manifest = Manifest.load(out_dir)
    for filename in files:
        inputs = manifest.entries.get(filename, {}).get("inputs")
        if inputs is None or not manifest.fresh(out_dir, filename, inputs):
            return None
    return LastBuild(files, problems)


def remember(out_dir: Path, stamp: str, large_print: bool, files: list[str], problems: list[Problem]) -> None:
    """Keep what a build of the data with this `stamp` wrote, and the warnings it gave."""
    record = _read(out_dir)
    record[_kind(large_print)] = {"data": stamp, "files": sorted(files),
                                  "problems": [dataclasses.asdict(p) for p in problems]}
    cachefile.write(out_dir / CACHE / FILENAME, record)


def _kind(large_print: bool) -> str:
    return "large" if large_print else "booklet"


def _read(out_dir: Path) -> dict:
    record = cachefile.read(out_dir / CACHE / FILENAME)
    return record if isinstance(record, dict) else {}  # none, or damaged: the data is read and checked as usual
