"""The build: check the data, render every output in memory, then put them in place."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from booklet import cards, household, plates
from booklet.load import Project
from booklet.model import PaperSize
from booklet.render import Output, default_workers, write_atomic


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
    outputs = household.render(project, large_print=large_print, workers=default_workers())
    if not large_print:
        outputs += plate_files(project)
        outputs += card_files(project)
    return write(outputs, out_dir)


def plate_files(project: Project, *, station: str | None = None, cadre: str | None = None,
                paper: PaperSize | None = None) -> list[Output]:
    """The door plates: one PDF per office, or one for a single person (`cadre`)."""
    people = plates.selected(project, station=station, cadre=cadre)
    result = plates.render(project, people, paper)
    return plates.files(project, people, result, per_person=cadre is not None)


def card_files(project: Project, *, station: str | None = None, cadre: str | None = None,
               payload: cards.QrPayload = "tel", copies: int = cards.PER_SHEET) -> list[Output]:
    """The contact card sheets: one PDF per office, or one for a single person (`cadre`)."""
    people = plates.selected(project, station=station, cadre=cadre)
    return cards.files(project, people, payload, copies, per_person=cadre is not None)


def write(outputs: list[Output], out_dir: Path) -> list[Written]:
    """Put rendered files in place, each whole or not at all."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OSError(f"{out_dir} 是一个文件，不是文件夹")
    written = []
    for output in outputs:
        path = out_dir / output.filename
        write_atomic(path, output.pdf)
        written.append(Written(path, output.pages, len(output.pdf)))
    return written
