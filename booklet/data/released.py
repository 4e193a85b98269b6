"""The editions released so far, as `booklet release` kept them in data/editions/: the data
as it was printed, one JSON file per edition."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FOLDER = "editions"


def edition_path(data_dir: Path, number: int) -> Path:
    return data_dir / FOLDER / f"第{number}版.json"


def last_release(data_dir: Path) -> dict[str, Any] | None:
    """The data of the newest edition released, or None if none was."""
    files = sorted((data_dir / FOLDER).glob("第*版.json"), key=lambda p: int(p.stem[1:-1]))
    return json.loads(files[-1].read_text(encoding="utf-8")) if files else None
