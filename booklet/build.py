"""The build: work out which outputs are out of date, render those, and once all are rendered
put them in place."""
from __future__ import annotations

import contextlib
import gc
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from booklet import cards, plates, view
from booklet.data import photos
from booklet.data.load import Project
from booklet.data.model import PaperSize
from booklet.files import Staged, Staging, check_inside, inside, locked, put_in_place, write_atomic
from booklet.household import book
from booklet.journal import Move, finish_moving, moving
from booklet.manifest import Manifest, digest, tool
from booklet.outputs import Output, Report, Written
from booklet.paths import CACHE
from booklet.pdf import cache as parts_cache
from booklet.pdf.pool import OFFICES, Pool, give_back, shared
from booklet.pdf.render import get_ready
from booklet.view import by_office
from booklet.web import site


@dataclass(frozen=True)
class Unit:
    """Outputs rendered together from the same inputs: the booklet's copies, or an office's
    plates, or an office's cards; or a page of the phone edition, already rendered."""

    kind: str
    files: tuple[str, ...]
    inputs: str
    station: str | None = None
    content: bytes | None = field(default=None, compare=False, repr=False)


def build(project: Project, out_dir: Path, *, large_print: bool = False, force: bool = False,
          progress: Callable[[int, int], None] | None = None) -> Report:
    """Render every output of a checked project into `out_dir` whose inputs changed.

    `progress(done, total)`: documents laid out so far, of those known so far.

    Everything is rendered before anything is put in place, so a failure (RenderError)
    leaves every earlier output as it was. OSError: the output folder cannot be written (Busy:
    another build is writing into it).
    """
    _writable(out_dir)
    with locked(out_dir):
        return _build(project, out_dir, large_print, force, progress)


def _build(project: Project, out_dir: Path, large_print: bool, force: bool,
           progress: Callable[[int, int], None] | None) -> Report:
    manifest = Manifest.load(out_dir)
    finished, finished_now = finish_moving(out_dir)  # by a build killed as it put its files in place
    for move in finished:
        manifest.record(move.filename, move.inputs, move.sha256)
    units = _units(project, large_print, present=set(manifest.entries) | _present(out_dir))
    stale = [u for u in units if force or not all(manifest.fresh(out_dir, f, u.inputs) for f in u.files)]
    cache = None if force else out_dir / CACHE  # --force: everything laid out afresh
    with Staging.under(out_dir) as staging:
        staged = {s.filename: s for s in _render(project, stale, cache, staging, progress)}
        check_inside(out_dir, list(staged))
        inputs = {f: u.inputs for u in stale for f in u.files}
        moves = [Move(f, s.path.name, s.sha256, inputs[f]) for f, s in staged.items()]
        with moving(out_dir, staging, moves):
            report = Report(written=[Written(put_in_place(s, out_dir), s.pages, s.size) for s in staged.values()])
            for move in moves:
                manifest.record(move.filename, move.inputs, move.sha256)
            manifest.save(out_dir)
    report.finished = finished_now
    report.unchanged = [f for u in units if u not in stale for f in u.files]
    report.ignored = manifest.ignored
    if not large_print:
        report.removed = _remove_obsolete(manifest, units, out_dir)
    manifest.save(out_dir)
    project.facts.save()  # the photos' hashes, for the next build
    return report


def _units(project: Project, large_print: bool, present: set[str] = frozenset()) -> list[Unit]:
    """What a build keeps current: with `large_print`, the large print alone; else every
    edition org.yaml declares, and every one an earlier run put in the output folder
    (`present`, the manifest's files), so that none is left stale."""
    editions = project.org.editions
    shown = _shown_in_booklet(project)
    large = Unit("large", (book.LARGE_PRINT_COPY,), digest(tool(), "large", shown))
    if large_print:
        return [large]
    copies = tuple(f for f, wanted in ((book.READING_COPY, editions.reading), (book.PRINT_COPY, editions.print_copy))
                   if wanted or f in present)
    units = [Unit("booklet", copies, digest(tool(), "booklet", shown))] if copies else []
    if editions.large_print or book.LARGE_PRINT_COPY in present:
        units.append(large)
    if editions.web or any(f.startswith(site.FOLDER + "/") for f in present):
        # Its pages cost milliseconds: each is rendered, and written only if its bytes changed.
        units += [Unit("web", (page.filename,), digest(tool(), "web", hashlib.sha256(page.pdf).hexdigest()),
                       content=page.pdf) for page in site.pages(project)]
    org = project.org.model_dump(mode="json", exclude={"editions"})
    cards_made = {"qr": editions.card_qr, "copies": editions.card_copies}
    for name, staff_of in by_office(project, view.people(project)):
        station = project.station(staff_of[0].station).model_dump(mode="json")
        staff = [c.model_dump(mode="json", exclude={"photo"}) for c in staff_of]
        portraits = [_photo_digest(project, c.photo) for c in staff_of]  # plates show them, cards do not
        plate, card = f"{plates.FOLDER}/{name}", f"{cards.FOLDER}/{name}"
        if editions.plates or _made_before(plates.FOLDER, present):
            units.append(Unit("plates", (plate,), digest(tool(), "plates", org, station, staff, portraits),
                              staff_of[0].station))
        if editions.cards or _made_before(cards.FOLDER, present):
            units.append(Unit("cards", (card,), digest(tool(), "cards", org, station, staff, cards_made),
                              staff_of[0].station))
    return units


def _present(out_dir: Path) -> set[str]:
    """The editions in the output folder, made by a build or by a command of their own."""
    found = {f for f in (book.READING_COPY, book.PRINT_COPY, book.LARGE_PRINT_COPY) if (out_dir / f).is_file()}
    for folder in (plates.FOLDER, cards.FOLDER):
        if (out_dir / folder).is_dir():
            found |= {f"{folder}/{p.name}" for p in (out_dir / folder).glob("*.pdf")}
    return found


def _made_before(folder: str, present: set[str]) -> bool:
    return any(f.startswith(folder + "/") for f in present)


def _shown_in_booklet(project: Project) -> list:
    """Everything the booklet prints: all of the data but the photos, the plate size and
    which editions are made."""
    return [
        project.org.model_dump(mode="json", exclude={"plate_size", "editions"}),
        [s.model_dump(mode="json") for s in project.stations],
        [c.model_dump(mode="json", exclude={"photo"}) for c in project.cadres],
        [s.model_dump(mode="json") for s in project.services],
    ]


def _photo_digest(project: Project, photo: str | None) -> str:
    return "" if photo is None else photos.digest(photos.resolve(project.data_dir, photo), project.facts)


def _render(project: Project, stale: list[Unit], cache: Path | None, staging: Staging,
            progress: Callable[[int, int], None] | None) -> list[Staged]:
    """The stale units' outputs, each written to `staging` as soon as it is rendered."""
    outputs: list[Staged] = [staging.stage(Output(f, u.content, 1)) for u in stale if u.kind == "web" for f in u.files]
    stale = [u for u in stale if u.kind != "web"]
    if not stale:
        return outputs
    with _data_kept(), Pool(progress=progress, shared=project, warm_up=get_ready) as pool:
        editions = [u.kind == "large" for u in stale if u.kind in ("booklet", "large")]  # large print or not
        if editions:
            pool.hold(OFFICES)
        batches = [pool.submit(_office_batch, kind, stations, cache, staging, priority=OFFICES)
                   for kind in ("plates", "cards")
                   for stations in _batches(project, [u.station for u in stale if u.kind == kind])]
        wanted = {f for u in stale for f in u.files}
        for large in editions:
            made = book.render(project, large_print=large, pool=pool, cache=cache, started=lambda: pool.release(OFFICES))
            outputs += [staging.stage(output) for output in made if output.filename in wanted]
            give_back()  # the booklet's parts and the document put together from them, while plates render
        pool.release(OFFICES)
        for batch in batches:
            outputs += batch.result()
    if cache is not None:  # what no build has used for a while: old editions' parts and photos
        parts_cache.prune(cache)
        photos.prune(cache)
    return outputs


@contextlib.contextmanager
def _data_kept():
    """The data, loaded and checked, stays to the end of the render: the collector need not
    walk it again each time the parts and the index make many small objects (pypinyin's
    dictionaries alone took half a second to load otherwise). The workers do the same."""
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 10)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


# People in one document of plates or cards: WeasyPrint's start-up and the font subsets are
# paid once per document, and memory grows with it. 16 took no longer than 32 (37 s for a
# street office's whole build either way), with 20–40 MB less at the peak, while the last
# batches render with the booklet being put together.
BATCH = 16


def _batches(project: Project, stations: list[str]) -> list[list[str]]:
    """Offices in batches of about BATCH people; an office is never split."""
    staff_of = Counter(c.station for c in project.cadres)
    batches: list[list[str]] = []
    size = BATCH
    for station in stations:
        staff = staff_of[station]
        if size + staff > BATCH and size:
            batches.append([])
            size = 0
        batches[-1].append(station)
        size += staff
    return batches


def _office_batch(kind: str, stations: list[str], cache: Path | None, staging: Staging) -> list[Staged]:
    project = shared()  # the project the pool was made with
    people = [c for c in view.people(project) if c.station in stations]
    if kind == "plates":
        outputs = plate_files(project, people=people, cache=cache)
    else:
        editions = project.org.editions
        outputs = card_files(project, people=people, payload=editions.card_qr, copies=editions.card_copies)
    return [staging.stage(output) for output in outputs]


def plate_files(project: Project, *, station: str | None = None, cadre: str | None = None,
                paper: PaperSize | None = None, people: list | None = None,
                cache: Path | None = None) -> list[Output]:
    """The door plates: one PDF per office, or one for a single person (`cadre`).

    All of them are laid out in one document; each file keeps only what its pages draw, so
    its bytes depend on its own data only.
    """
    chosen = people if people is not None else view.people(project, station=station, cadre=cadre)
    return plates.files(project, chosen, plates.render(project, chosen, paper, cache), per_person=cadre is not None)


def card_files(project: Project, *, station: str | None = None, cadre: str | None = None,
               payload: cards.QrPayload = "tel", copies: int = cards.PER_SHEET,
               people: list | None = None) -> list[Output]:
    """The contact card sheets: one PDF per office, or one for a single person (`cadre`)."""
    chosen = people if people is not None else view.people(project, station=station, cadre=cadre)
    return cards.files(project, chosen, payload, copies, per_person=cadre is not None)


def _remove_obsolete(manifest: Manifest, units: list[Unit], out_dir: Path) -> list[str]:
    """Plates and cards of an office that is gone (or renamed), and pages of the phone edition
    of an item that is gone, which an earlier build wrote."""
    current = {f for u in units for f in u.files}
    removed = []
    for filename in sorted(manifest.entries):
        if filename.startswith((plates.FOLDER + "/", cards.FOLDER + "/", site.FOLDER + "/")) and filename not in current:
            path = out_dir / filename
            if inside(out_dir, filename) and not path.is_dir():  # nothing but a file of ours is deleted
                path.unlink(missing_ok=True)
            del manifest.entries[filename]
            removed.append(filename)
    return removed


def _writable(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise OSError(f"{out_dir} 是一个文件，不是文件夹")


def write(outputs: list[Output], out_dir: Path) -> list[Written]:
    """Put rendered files in place, each whole or not at all."""
    _writable(out_dir)
    check_inside(out_dir, [output.filename for output in outputs])
    written = []
    with locked(out_dir):
        for output in outputs:
            path = out_dir / output.filename
            write_atomic(path, output.pdf)
            written.append(Written(path, output.pages, len(output.pdf)))
    return written
