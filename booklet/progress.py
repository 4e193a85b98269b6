"""Progress on the terminal while a build runs: on stderr, and only when it is a terminal
(a build run by make into a log, or by a test, prints no bars)."""
from __future__ import annotations

import contextlib
import sys
from typing import Callable, Iterator


@contextlib.contextmanager
def documents(what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A callback `(done, total)` for the documents laid out so far, drawn as a bar that goes
    when the block ends; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("份文档"), TimeElapsedColumn())
    # No refresh thread: the build forks its workers while the bar is up, and a thread that
    # held a lock at that moment would leave it held in every worker.
    with Progress(*columns, console=Console(stderr=True), transient=True, auto_refresh=False) as progress:
        task = progress.add_task(what, total=None)
        progress.refresh()
        yield lambda done, total: progress.update(task, completed=done, total=total, refresh=True)
