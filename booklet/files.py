"""Files as a build writes them: each whole or not at all, staged until every one of them is
rendered, and what a cache no longer uses removed.

A build puts nothing in place until all its outputs are rendered: a failure halfway leaves
every earlier file as it was. Held in memory until then, the plates of a township ten times a
street office's size took 200 MB in the build's process. So each file is written, as soon as
it is rendered and by the process that rendered it, into a folder of the build's own inside
the output folder, and moved into place from there (the same file system: a rename).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from booklet.outputs import Output
from booklet.paths import CACHE

# What a cache has not used for this long goes: old editions' parts and photos would pile up.
CACHE_DAYS = 14


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that a reader sees the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def unused(paths, days: int = CACHE_DAYS) -> list[Path]:
    """Those of `paths` not modified (a cache touches what it uses) for `days`."""
    limit = time.time() - days * 86400
    return [path for path in paths if path.stat().st_mtime < limit]


PREFIX = ".staging-"
LOCK = "build.lock"  # in the output folder's cache folder: held by the build writing into it


class Busy(OSError):
    """Another build is writing into the output folder."""


@contextlib.contextmanager
def locked(out_dir: Path):
    """The output folder to this process alone while it writes there: a second build into it
    is refused (Busy), never interleaved. The lock is the system's (flock(2)): it goes with the
    process that held it, however that ends, so a build killed outright leaves none behind. It
    is kept in the cache folder, out of the clerk's sight: checked first not to lead elsewhere."""
    check_inside(out_dir, [CACHE])
    (out_dir / CACHE).mkdir(parents=True, exist_ok=True)
    with open(out_dir / CACHE / LOCK, "a+", encoding="utf-8") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip()
            raise Busy(f"另一个生成任务{f'（进程 {holder}）' if holder.isdigit() else ''}正在写入这个目录，"
                       "请等它结束后再运行") from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield


@dataclass(frozen=True)
class Staged:
    """An output written to `path` in the staging folder, to be moved to `filename`."""

    filename: str
    path: Path
    pages: int
    size: int
    sha256: str


@dataclass(frozen=True)
class Staging:
    folder: Path

    @classmethod
    @contextlib.contextmanager
    def under(cls, out_dir: Path):
        """A new staging folder in `out_dir`, removed with whatever is still in it at the end."""
        out_dir.mkdir(parents=True, exist_ok=True)
        _remove_left_over(out_dir)
        staging = cls(Path(tempfile.mkdtemp(dir=out_dir, prefix=PREFIX)))
        try:
            yield staging
        finally:
            shutil.rmtree(staging.folder, ignore_errors=True)

    def stage(self, output: Output) -> Staged:
        """Write `output` into the folder: in any process, the folder's files are its own."""
        fd, path = tempfile.mkstemp(dir=self.folder, suffix=Path(output.filename).suffix)
        with os.fdopen(fd, "wb") as handle:
            handle.write(output.pdf)
        os.chmod(path, 0o644)
        return Staged(output.filename, Path(path), output.pages, len(output.pdf),
                      hashlib.sha256(output.pdf).hexdigest())


def inside(out_dir: Path, filename: str) -> bool:
    """Whether `filename` names a file in `out_dir`: relative, no `..`, and not through a link
    that leads out of it. Names read from the output folder's own files (its manifest, which
    anyone can edit: `便民身份证/../../data/cadres.yaml`) are never used unless they do, and
    nothing is written through a link that leads out."""
    relative = PurePosixPath(filename)
    if not filename or relative.is_absolute() or ".." in relative.parts or "\\" in filename:
        return False
    try:
        return (out_dir / relative).resolve().is_relative_to(out_dir.resolve())
    except (OSError, RuntimeError):  # a loop of links
        return False


def check_inside(out_dir: Path, filenames: list[str]) -> None:
    """OSError if any of `filenames` would be written outside `out_dir` (`inside`): checked
    before anything is put in place."""
    for filename in filenames:
        if not inside(out_dir, filename):
            raise OSError(f"「{out_dir / filename}」经过链接指向输出目录以外，不能写入")


def put_in_place(staged: Staged, out_dir: Path) -> Path:
    """Move a staged file to where it belongs in `out_dir`, replacing the file there whole."""
    path = out_dir / staged.filename
    path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.path, path)
    return path


def _remove_left_over(out_dir: Path) -> None:
    """Staging folders of builds killed outright (a clean failure removes its own): the caller
    holds the folder's lock (`locked`), so no build is writing into any of them."""
    for folder in out_dir.glob(f"{PREFIX}*"):
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
