"""The build: check the data, render every output in memory, then put them in place."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from booklet import household
from booklet.load import Project
from booklet.render import default_workers, write_atomic


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int


def build(project: Project, out_dir: Path, *, large_print: bool = False) -> list[Written]:
    """Render every output of a checked project into `out_dir`.

    Everything is rendered before anything is written, so a failure (RenderError) leaves
    every earlier output as it was. OSError: the output folder cannot be written.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise OSError(f"{out_dir} 是一个文件，不是文件夹")
    outputs = household.render(project, large_print=large_print, workers=default_workers())
    written = []
    for output in outputs:
        path = out_dir / output.filename
        write_atomic(path, output.pdf)
        written.append(Written(path, output.pages, len(output.pdf)))
    return written
