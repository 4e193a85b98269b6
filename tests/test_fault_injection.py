"""A build killed at any moment leaves the earlier set of files whole, or the new one (a set
left half moved is finished by the next build), no process behind it, and a next build that
gives the same bytes as a build from nothing."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from booklet.journal import JOURNAL
from booklet.paths import CACHE, ROOT

# Run as `python -c KILLED_WHILE_MOVING SIGNAL N build …`: a build that sends itself SIGNAL
# once it has moved N files into place.
KILLED_WHILE_MOVING = """
import os, signal, sys
from booklet import build
moved, real = [], build.put_in_place
kind, after = getattr(signal, sys.argv[1]), int(sys.argv[2])
def put_in_place(staged, out_dir):
    path = real(staged, out_dir)
    moved.append(path)
    if len(moved) == after:
        os.kill(os.getpid(), kind)
    return path
build.put_in_place = put_in_place
from booklet.cli import main
sys.argv = ["booklet", *sys.argv[3:]]
main()
"""


def _booklet(*args: str, cwd: Path, marker: str, script: list[str] | None = None) -> subprocess.Popen:
    """A build in a process of its own, its workers findable by `marker` in their environment."""
    command = [sys.executable, *(script or ["-m", "booklet"]), *args]
    env = {**os.environ, "BOOKLET_TEST_RUN": marker, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _left_running(marker: str) -> list[int]:
    """Processes still running of the run marked `marker`, after a moment to end."""
    needle = f"BOOKLET_TEST_RUN={marker}".encode()
    for _ in range(50):
        running = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    environ = (entry / "environ").read_bytes()
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                except OSError:
                    continue
                if needle in environ.split(b"\0") and state != "Z":
                    running.append(int(entry.name))
        if not running:
            return []
        time.sleep(0.1)
    return running


def _outputs(out: Path) -> dict[str, bytes]:
    """Every file a build writes: the PDFs and the phone edition's pages."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".pdf", ".html", ".js", ".css")
            and CACHE not in p.relative_to(out).parts and not p.relative_to(out).parts[0].startswith(".")}


@pytest.fixture(scope="module")
def built(minimal_build: Path, tmp_path_factory) -> Path:
    """tests/minimal at data/ built into output/ (the earlier set: `minimal_build`), then edited,
    and built from nothing into fresh/ (the new set): once for the module."""
    folder = tmp_path_factory.mktemp("built")
    for name in ("data", "output"):
        shutil.copytree(minimal_build / name, folder / name, symlinks=True)
    cadres = folder / "data" / "cadres.yaml"
    cadres.write_text(cadres.read_text(encoding="utf-8").replace("139 0000 0001", "139 0000 0009"), encoding="utf-8")
    assert _booklet("build", "--data", "data", "--out", "fresh", "--force", cwd=folder, marker="setup").wait() == 0
    return folder


@pytest.fixture
def two_sets(built: Path, workdir: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """A copy of `built` at ./: the earlier set of files in ./output, and the new set."""
    for name in ("data", "output"):
        shutil.copytree(built / name, workdir / name)
    earlier, new = _outputs(workdir / "output"), _outputs(built / "fresh")
    assert earlier.keys() == new.keys() and earlier != new
    return earlier, new


@pytest.mark.parametrize("moved", [1, 2])
def test_a_build_killed_while_moving_its_files_is_finished_by_the_next(two_sets, workdir: Path, moved: int):
    earlier, new = two_sets
    killed = _booklet(str(moved), "build", "--data", "data", "--out", "output", cwd=workdir, marker=f"moving{moved}",
                      script=["-c", KILLED_WHILE_MOVING, "SIGKILL"])
    assert killed.wait() == -signal.SIGKILL
    assert not _left_running(f"moving{moved}")
    halfway = _outputs(workdir / "output")
    assert halfway != earlier and halfway != new  # a mixed set: the journal says what is missing
    assert (workdir / "output" / CACHE / JOURNAL).is_file()

    after = _booklet("build", "--data", "data", "--out", "output", cwd=workdir, marker="after")
    stdout, stderr = after.communicate()

    assert after.returncode == 0, stderr
    assert stderr.startswith("上次生成在放入文件时被中断，只放好了一部分；已把其余 ")
    assert "Traceback" not in stderr
    assert _outputs(workdir / "output") == new
    assert not any((workdir / "output").glob(".staging-*"))


def test_ctrl_c_while_moving_waits_until_the_set_is_in_place(two_sets, workdir: Path):
    earlier, new = two_sets
    stopped = _booklet("1", "build", "--data", "data", "--out", "output", cwd=workdir, marker="ctrl-c",
                       script=["-c", KILLED_WHILE_MOVING, "SIGINT"])
    stdout, stderr = stopped.communicate()

    assert stopped.returncode == 130
    assert stderr == "已中断：这次生成的文件已全部放好。\n"
    assert _outputs(workdir / "output") == new
    assert not (workdir / "output" / CACHE / JOURNAL).exists()
    assert not _left_running("ctrl-c")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_build_killed_at_a_random_moment(two_sets, workdir: Path, seed: int):
    """Killed during the check, the layout, the assembly or the writing: the earlier set whole,
    or the new one, nothing left running, and the next build as a clean one."""
    earlier, new = two_sets
    moment = random.Random(seed).uniform(0.3, 4.0)  # a build of this data takes about 5 s here
    killed = _booklet("build", "--data", "data", "--out", "output", "--force", cwd=workdir, marker=f"random{seed}")
    try:
        killed.wait(timeout=moment)
    except subprocess.TimeoutExpired:
        killed.kill()
        killed.wait()
    assert not _left_running(f"random{seed}")
    left = _outputs(workdir / "output")
    if not (workdir / "output" / CACHE / JOURNAL).exists():  # killed while moving: finished below
        assert left in (earlier, new)

    after = _booklet("build", "--data", "data", "--out", "output", cwd=workdir, marker="after")
    stdout, stderr = after.communicate()

    assert after.returncode == 0, stderr
    assert "Traceback" not in stderr + stdout
    assert _outputs(workdir / "output") == new
    assert not any((workdir / "output").glob(".staging-*"))
