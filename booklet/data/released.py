"""The editions released so far, as `booklet release` kept them in data/editions/: the data
as it was printed, one JSON file per edition, sealed with its digest (booklet/cachefile.py).

What `changes` tells the households is worked out from the last of them, so one that is not
as release wrote it (cut short, edited, renamed) is an error that names it, never a guess.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from booklet import cachefile
from booklet.data.load import display_path
from booklet.oserror import said

FOLDER = "editions"
_NAME = re.compile(r"第([1-9][0-9]{0,5})版\.json")
# What a snapshot holds (editions.snapshot): each a mapping.
_PARTS = ("edition", "org", "stations", "cadres", "services")


class ReleaseBroken(ValueError):
    """An edition file that is not as `release` wrote it; the message names it and says why."""


def edition_path(data_dir: Path, number: int) -> Path:
    return data_dir / FOLDER / f"第{number}版.json"


def last_release(data_dir: Path) -> dict[str, Any] | None:
    """The data of the newest edition released, or None if none was. ReleaseBroken if a file
    in the folder is not an edition as release wrote it."""
    folder = data_dir / FOLDER
    numbered = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        match = _NAME.fullmatch(path.name)
        if match is None:
            raise ReleaseBroken(f"{display_path(path)}：版次文件应叫「第1版.json」这样的名字（release 写下时的名字），"
                                "请改回原名；不是版次的文件请移出这个文件夹")
        numbered.append((int(match.group(1)), path))
    return read_release(max(numbered)[1]) if numbered else None


def read_release(path: Path) -> dict[str, Any]:
    """The snapshot kept at `path`; ReleaseBroken if it is not whole, as release wrote it."""
    try:
        snapshot = cachefile.opened(path.read_bytes())
    except OSError as exc:
        raise ReleaseBroken(f"{display_path(path)}：无法读取（{said(exc)}）") from None
    except cachefile.Unsealed as unsealed:  # released before editions were sealed: taken as it is
        snapshot = unsealed.content
    except (ValueError, RecursionError):
        snapshot = None
    if not (isinstance(snapshot, dict) and all(isinstance(snapshot.get(part), dict) for part in _PARTS)):
        raise ReleaseBroken(f"{display_path(path)}：这个版次文件已损坏或被改动过，与 release 写下时不同；"
                            "请从备份中找回它（changes 要靠它比较上一版印了什么）")
    return snapshot
