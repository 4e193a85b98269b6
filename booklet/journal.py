"""Files moved into place as one set: a kill between two moves would leave a set that is
partly new (the reading copy new, the print copy old). So the moves are written down first,
and the next build finishes them; Ctrl-C and SIGTERM wait until the set is in place."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from booklet import cachefile
from booklet.files import PREFIX, Staging, inside
from booklet.paths import CACHE

JOURNAL = "moving.json"  # in the output folder's cache folder, while files are moved into place


@dataclass(frozen=True)
class Move:
    """A staged file on its way to `filename`, made from `inputs` (manifest.py)."""

    filename: str
    staged: str
    """Its name in the staging folder."""
    sha256: str
    inputs: str


@contextlib.contextmanager
def moving(out_dir: Path, staging: Staging, moves: list[Move]):
    """Where the files of one build are moved into place (`moves`, from `staging`): written
    down first, in the cache folder, for `finish_moving`."""
    global placed
    journal = out_dir / CACHE / JOURNAL
    cachefile.write(journal, {"folder": staging.folder.name, "moves": [vars(m) for m in moves]})
    with _undisturbed():
        yield
        journal.unlink()
        placed = True


placed = False
"""Whether this process's build has put its files in place: a Ctrl-C from then on (held back
while it did, or later) leaves the new set, not the old."""


@contextlib.contextmanager
def _undisturbed():
    """Ctrl-C and SIGTERM held back until the end of the block, then delivered again. Held
    where the command's handler runs (`hold`), in the main thread: a signal blocked there
    (sigprocmask) is still taken by any other thread, and Python runs its handler in the main
    thread all the same."""
    global _holding
    _holding = True
    try:
        yield
    finally:
        _holding = False
        if _held:
            signal.raise_signal(_held.pop())


_holding = False
_held: list[int] = []


def hold(signum: int) -> bool:
    """For a signal handler: whether the set is being moved into place, in which case the
    signal is kept, and raised again once the set is in place."""
    if _holding and not _held:
        _held.append(signum)
    return _holding


def finish_moving(out_dir: Path) -> tuple[list[Move], list[str]]:
    """The moves of a build killed while it moved its files into place, finished: those whose
    staged file is still there, whole. Returns the moves done, before or now, which the caller
    (holding the folder's lock: `locked`) records in the manifest, and the files moved now. A
    file whose staged copy is gone is stale in the manifest, and made again. Whatever the
    record says, nothing is moved from outside the output folder, nor to anywhere but one of
    its PDFs; and the record is read once: a move that fails is not tried again."""
    journal = out_dir / CACHE / JOURNAL
    record = cachefile.read(journal)
    done: list[Move] = []
    now: list[str] = []
    try:
        folder = out_dir / record["folder"]
        moves = [Move(**m) for m in record["moves"]]
    except (TypeError, KeyError):
        moves = []  # none, or not whole: nothing is trusted, and every stale file is made again
    try:
        with _undisturbed():
            for move in moves:
                if not _sound(out_dir, folder, move):
                    logging.getLogger("booklet").warning(
                        f"警告：{journal} 中的「{_shown(move.filename)}」不是生成时暂存的文件，已忽略"
                        "（这个记录文件可能被改动过）")
                    continue
                target, staged = out_dir / move.filename, folder / move.staged
                if staged.is_file() and not staged.is_symlink() and _digest_of(staged) == move.sha256:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staged, target)
                    done.append(move)
                    now.append(move.filename)
                elif _digest_of(target) == move.sha256:
                    done.append(move)  # moved before the build was killed
    finally:
        journal.unlink(missing_ok=True)
    return done, now


# What a build writes: PDFs, and the phone edition's pages, scripts and style.
OUTPUT_SUFFIXES = (".pdf", ".html", ".js", ".css")


def _sound(out_dir: Path, folder: Path, move: Move) -> bool:
    """Whether `move` is one a build of ours made: a file of its staging folder, a folder of the
    output folder's own (not a link to elsewhere), to an output of the output folder (a PDF, a
    page of the phone edition), not hidden."""
    names = vars(move).values()
    if not all(isinstance(v, str) and "\0" not in v for v in names) or "\0" in folder.name:
        return False
    filename = PurePosixPath(move.filename)
    return (folder.name.startswith(PREFIX) and folder.parent == out_dir and _plain_name(folder.name)
            and folder.is_dir() and not folder.is_symlink() and _plain_name(move.staged)
            and filename.suffix in OUTPUT_SUFFIXES and not any(part.startswith(".") for part in filename.parts)
            and inside(out_dir, move.filename) and not (out_dir / move.filename).is_dir())


def _shown(name: object) -> str:
    """`name` as a terminal may print it: what it cannot show written as U+XXXX."""
    return "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in str(name))


def _plain_name(name: str) -> bool:
    """Whether `name` names something in a folder, not a path to elsewhere."""
    return name not in ("", ".", "..") and PurePosixPath(name).name == name and "\\" not in name


def _digest_of(path: Path) -> str | None:
    """The file's digest; None for anything but a regular file (a FIFO would be read forever)."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None
