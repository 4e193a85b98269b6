"""The build: check the data, render every output in memory, then put them in place."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from booklet import checks, fonts, household
from booklet.load import Project, load
from booklet.paths import FONTS
from booklet.render import default_workers, write_atomic


@dataclass(frozen=True)
class Written:
    path: Path
    pages: int
    size: int


def check_data(data_dir: Path) -> Project:
    """Load `data_dir` and run every check; the findings are in `project.problems`."""
    fonts.require(FONTS)
    project = load(data_dir)
    checks.check(project, FONTS)
    return project


def build(project: Project, out_dir: Path, *, large_print: bool = False) -> list[Written]:
    """Render every output of a checked project into `out_dir`.

    Everything is rendered before anything is written, so a failure (RenderError) leaves
    every earlier output as it was.
    """
    outputs = household.render(project, large_print=large_print, workers=default_workers())
    written = []
    for output in outputs:
        path = out_dir / output.filename
        write_atomic(path, output.pdf)
        written.append(Written(path, output.pages, len(output.pdf)))
    return written
