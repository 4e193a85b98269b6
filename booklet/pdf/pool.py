"""Worker processes shared by everything one build renders, the booklet's parts first.

The booklet is laid out in rounds (the parts and the segments of chapters, then whole the
chapters that no longer lay out in the segments they had, or where an item was kept whole
when it should not have been, or not when it should) and put together in this process after
them; the plates and cards
are independent batches. All of them go to one set of processes, so that a
core left idle by the booklet's rounds takes a batch of plates. A task waits in order of
priority: no more tasks are handed to the processes than there are processes, so a booklet
part submitted late still goes before the plates waiting.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import ctypes
import functools
import gc
import heapq
import itertools
import multiprocessing
import os
import signal
import threading
from typing import Any, Callable, Iterator

BOOKLET, OFFICES = 0, 1  # priorities: lower goes first


def default_workers() -> int:
    """The cores this process may use (at most 4), or BOOKLET_WORKERS (1: render in-process)."""
    if os.environ.get("BOOKLET_WORKERS", "").isdigit():
        return max(1, int(os.environ["BOOKLET_WORKERS"]))
    return max(1, min(len(os.sched_getaffinity(0)), 4))


def _worker(parent: int, warm_up: Callable[[], None] | None) -> None:
    """A worker process starts with all that its parent had loaded (the code, the data) and
    runs `warm_up` (the build's loads WeasyPrint and the fonts) while the parent composes what
    there is to render: half a second that the first document of each process paid otherwise.
    All of it frozen, the garbage collector stops walking it over and again while a document is
    laid out, which took a sixth of the time, and leaves its pages shared with the parent.

    Workers yield the processor to the parent: what it does (composing the booklet's parts,
    putting them together) is what the build waits for, while the plates in the workers are not.

    A worker ends with its `parent`, however that ends (killed, even): a build stopped left
    two processes of 185 MB laying out for minutes. Ctrl-C is the parent's to handle: it stops
    the workers itself, and none prints a traceback of its own."""
    _end_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the command's handler, which it inherited
    os.nice(5)
    if warm_up is not None:
        warm_up()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _end_with(parent: int) -> None:
    """Linux sends this process SIGTERM when the thread that forked it ends (prctl(2),
    PR_SET_PDEATHSIG); if the parent ended before that was asked, it ends now."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _nothing() -> None:
    """A task that starts the processes."""


_shared: Any = None


def shared() -> Any:
    """What the pool was made to share (`Pool(shared=...)`), in a task: the workers have it
    from their parent, as it was when they were forked. Not sent with each task: pickled, the
    data of a township ten times a street office's size was 35 MB and took the parent 1.5 s
    and the worker 2.2 s, for each batch of plates or cards."""
    return _shared


def _task(function: Callable, args: tuple) -> Any:
    """A task in a worker, which then gives back what it freed: the memory a laid-out document
    took stays with the process otherwise (Python keeps its arenas, glibc its heap), and
    every worker would end as large as the largest document it laid out."""
    try:
        return function(*args)
    finally:
        give_back()


def give_back() -> None:
    """Collect what is garbage, and hand the memory it freed back to the system."""
    gc.collect()
    if (trim := _glibc_malloc_trim()) is not None:
        trim(0)


@functools.cache
def _glibc_malloc_trim():
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


class Pool:
    """Processes, not threads: WeasyPrint's layout holds the GIL. Fork keeps start-up cheap
    (the code and the data are already loaded) and is safe here: the processes start when the
    pool is made, before this module starts a thread, and nothing else runs one (the
    progress bar draws when told, not from a thread of its own). Each process keeps its own font
    configuration for all the documents it renders. With one worker, tasks run here, in turn.
    """

    def __init__(self, workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                 shared: Any = None, warm_up: Callable[[], None] | None = None) -> None:
        """`progress(done, total)` is called as tasks are submitted and finish (from another
        thread). `shared`: what the tasks get from `shared()`. `warm_up()`: run by each process
        as it starts, before any task."""
        global _shared
        _shared = shared
        self.workers = workers or default_workers()
        self._progress = progress or (lambda done, total: None)
        self._done = self._total = 0
        self._executor = None
        if self.workers > 1:
            self._executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.workers, mp_context=multiprocessing.get_context("fork"), initializer=_worker,
                initargs=(os.getpid(), warm_up))
        self._free = self.workers
        self._waiting: list[tuple[int, int, concurrent.futures.Future, Callable, tuple]] = []
        self._held: set[int] = set()
        self._order = itertools.count()
        self._lock = threading.Lock()
        self._closed = False
        if self._executor is not None:
            self._executor.submit(_nothing)  # all of them at once, forked: they get ready meanwhile

    def hold(self, priority: int) -> None:
        """Tasks of `priority` wait, even with a process idle, until `release`: the plates wait
        for the booklet's first layouts, which are submitted after them but what the build waits for."""
        with self._lock:
            self._held.add(priority)

    def release(self, priority: int) -> None:
        with self._lock:
            self._held.discard(priority)
        self._dispatch()

    @contextlib.contextmanager
    def working_here(self) -> Iterator[None]:
        """While this process does work of its own (putting the booklet together), one process
        fewer takes tasks: the cores are not shared three ways, and a process laying out plates
        meanwhile is not one more at the build's peak of memory (300 MB at ten times a street
        office's size)."""
        if self._executor is None:
            yield
            return
        with self._lock:
            self._free -= 1  # below zero while all are busy: the next to finish starts nothing
        try:
            yield
        finally:
            with self._lock:
                self._free += 1
            self._dispatch()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: Any, *exc_info: Any) -> None:
        self.close(interrupted=kind is not None and issubclass(kind, KeyboardInterrupt))

    def close(self, interrupted: bool = False) -> None:
        """Wait for the tasks running; forget those not started (after a failure, nobody wants
        them). `interrupted` (Ctrl-C): stop the processes at once rather than wait for them."""
        with self._lock:  # first: a task ending as its process is stopped starts no other
            self._closed = True
            waiting, self._waiting = self._waiting, []
        if interrupted:
            for process in multiprocessing.active_children():
                process.terminate()
        for _, _, future, _, _ in waiting:
            future.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
        global _shared
        _shared = None

    def submit(self, function: Callable, *args: Any, priority: int = BOOKLET) -> concurrent.futures.Future:
        """`function(*args)` in a worker process, once the tasks of higher priority have started."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._count(total=1)
        if self._executor is None:
            try:
                future.set_result(function(*args))
            except Exception as exc:  # handed to whoever asks for the result, as a process would
                future.set_exception(exc)
            self._count(done=1)
            return future
        with self._lock:
            if self._closed:
                raise RuntimeError("pool closed")
            heapq.heappush(self._waiting, (priority, next(self._order), future, function, args))
        self._dispatch()
        return future

    def _count(self, done: int = 0, total: int = 0) -> None:
        with self._lock:
            self._done += done
            self._total += total
            counts = self._done, self._total
        self._progress(*counts)

    def map(self, function: Callable, calls: list[tuple], priority: int = BOOKLET) -> list:
        """`function(*args)` for each of `calls`, in order."""
        futures = [self.submit(function, *args, priority=priority) for args in calls]
        return [future.result() for future in futures]

    def _dispatch(self) -> None:
        starting = []
        with self._lock:
            while self._free > 0 and self._waiting and self._waiting[0][0] not in self._held and not self._closed:
                self._free -= 1
                starting.append(heapq.heappop(self._waiting))
        for _, _, future, function, args in starting:
            try:
                running = self._executor.submit(_task, function, args)
            except (concurrent.futures.BrokenExecutor, RuntimeError):  # stopped meanwhile (Ctrl-C)
                future.cancel()
                continue
            # Called in the executor's thread, or here if the task is already done.
            running.add_done_callback(lambda done, future=future: self._finished(done, future))

    def _finished(self, done: concurrent.futures.Future, future: concurrent.futures.Future) -> None:
        with self._lock:
            self._free += 1
        self._count(done=1)
        if done.cancelled():
            future.cancel()
        elif done.exception() is not None:
            future.set_exception(done.exception())
        else:
            future.set_result(done.result())
        self._dispatch()
