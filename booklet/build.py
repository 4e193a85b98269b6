"""The build: check the data, render every output in memory, then put them in place."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from booklet import checks, fonts, household
from booklet.load import Project, load
from booklet.paths import FONTS
from booklet.render import write_atomic


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


def build(project: Project, out_dir: Path) -> list[Written]:
    """Render every output of a checked project into `out_dir`.

    Everything is rendered before anything is written, so a failure (RenderError) leaves
    every earlier output as it was.
    """
    rendered = {household.FILENAME: household.render(project)}
    written = []
    for name, result in rendered.items():
        path = out_dir / name
        write_atomic(path, result.pdf)
        written.append(Written(path, result.pages, len(result.pdf)))
    return written
