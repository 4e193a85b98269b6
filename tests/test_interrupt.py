"""A build stopped half-way (Ctrl-C, SIGTERM, kill -9): the files there were stay as they were,
the command says so in Chinese, and no process of it is left running."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from booklet.household.book import READING_COPY

from conftest import DEMO


def _running(pid: str) -> bool:
    """Alive, not a zombie waiting for a parent that is gone to reap it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def _started_build(out: Path) -> tuple[subprocess.Popen, list[str]]:
    """A build of the demo under way, with its worker processes and its staging folder."""
    build = subprocess.Popen([sys.executable, "-m", "booklet", "build", "--data", str(DEMO), "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        workers = subprocess.run(["pgrep", "-P", str(build.pid)], capture_output=True, text=True).stdout.split()
        if len(workers) >= 2 and list(out.glob(".staging-*")):
            return build, workers
        time.sleep(0.1)
    build.kill()
    pytest.fail("the build did not start its processes")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_stopped_build_says_so_and_leaves_the_earlier_files(tmp_path: Path, stop):
    out = tmp_path / "output"
    out.mkdir()
    (out / READING_COPY).write_bytes(b"the earlier edition")
    build, workers = _started_build(out)
    time.sleep(1)  # laying out
    build.send_signal(stop)
    _, stderr = build.communicate(timeout=30)

    assert build.returncode == 130
    assert stderr.splitlines()[-1] == "已中断，原有文件保持不变。" and stderr.count("已中断") == 1
    assert "Traceback" not in stderr
    assert (out / READING_COPY).read_bytes() == b"the earlier edition"
    time.sleep(0.5)
    assert [pid for pid in workers if _running(pid)] == []


def test_the_workers_of_a_killed_build_end_with_it(tmp_path: Path):
    build, workers = _started_build(tmp_path / "output")
    build.kill()
    build.wait()
    deadline = time.monotonic() + 5
    while [pid for pid in workers if _running(pid)] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [pid for pid in workers if _running(pid)] == []
