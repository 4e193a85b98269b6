"""The worker processes: how many tasks run at once."""
from __future__ import annotations

import os
import time
from pathlib import Path

from booklet.pdf.pool import Pool


def _running_alongside(folder: Path, task: int, wait: float) -> int:
    """How many tasks run at once with this one, itself included: it waits up to `wait`
    seconds for a second one (a process just started may still be getting ready)."""
    mark = folder / f"{task}-{os.getpid()}"
    mark.touch()
    try:
        deadline = time.monotonic() + wait
        while (running := len(list(folder.iterdir()))) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)  # so that the other one sees this one too
        return running
    finally:
        mark.unlink()


def test_while_this_process_works_one_process_fewer_takes_tasks(tmp_path):
    with Pool(workers=2) as pool:
        assert pool.map(_running_alongside, [(tmp_path, n, 10) for n in range(2)]) == [2, 2]
        with pool.working_here():
            futures = [pool.submit(_running_alongside, tmp_path, n, 0.5) for n in range(3)]
            assert [future.result() for future in futures] == [1, 1, 1]
        assert pool.map(_running_alongside, [(tmp_path, n, 10) for n in range(2)]) == [2, 2]


def test_tasks_waiting_start_once_this_process_is_done(tmp_path):
    with Pool(workers=2) as pool:
        with pool.working_here():
            futures = [pool.submit(_running_alongside, tmp_path, n, 10) for n in range(2)]
            time.sleep(0.5)
            assert not any(future.done() for future in futures)  # one waits for the other
        assert [future.result() for future in futures] == [2, 2]
