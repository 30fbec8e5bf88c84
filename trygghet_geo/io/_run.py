"""How the reader runs: a second thread for long tables, a stage-level progress bar, the garbage collector
paused while point objects are made."""

from __future__ import annotations

import _thread
import gc
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["Task", "gc_paused", "progress_bar", "run_now", "worker"]

THREADED_MIN_ROWS = 100_000
_POLL_S = 0.01  # how often a caller waiting for the helper checks that it still serves


class Task:
    """One piece of work handed to the helper thread, which the caller takes back when no helper is serving:
    ``result()`` never waits for work nobody runs.

    Whoever takes the ``claim`` lock first runs the work; the helper takes it only just before running, and
    releases ``done`` in a ``finally`` whatever the work raised. The helper holds ``alive`` while it serves:
    the caller waits for the task while the helper holds it (the helper will come to it), and runs the task
    itself once ``alive`` is free: a helper that never started, died in its own start (a ``MemoryError``
    under an address-space cap) or died later leaves its work to the caller."""

    __slots__ = ("_alive", "_args", "_claim", "_done", "_error", "_fn", "_value")

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        alive: threading.Lock | None = None,
    ) -> None:
        self._alive = alive
        self._fn: Callable[..., Any] | None = fn
        self._args = (args, kwargs)
        self._claim = threading.Lock()
        self._done = threading.Lock()
        self._done.acquire()  # released once the work has run (or will never run)
        self._value: Any = None
        self._error: BaseException | None = None

    def run_unless_taken(self) -> None:
        """Run the work here unless another thread has taken it (both the helper and the caller call this)."""
        if not self._claim.acquire(blocking=False):
            return
        try:
            fn, (args, kwargs) = self._fn, self._args
            if fn is not None:
                self._value = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller through result(), as a pool would
            self._error = exc
        finally:
            self._fn = None
            self._args = ((), {})  # the inputs are not kept alive by a finished task
            self._done.release()

    def result(self) -> Any:
        """The work's value (its exception raised): waited for while the helper serves, else run here."""
        while self._alive is not None and not self._done.acquire(timeout=_POLL_S):
            if self._alive.acquire(blocking=False):  # no helper serving (any more): the caller runs it
                self._alive.release()
                break
        else:
            if self._alive is not None:  # done: the latch is left open for every later wait
                self._done.release()
        self.run_unless_taken()
        with self._done:  # the runner releases it in a finally
            pass
        if self._error is not None:
            raise self._error
        return self._value

    def drop(self) -> None:
        """Never run the work if nobody has begun it; wait for it if it is running (the reader is done)."""
        self._fn = None
        self.run_unless_taken()
        with self._done:
            pass


@contextmanager
def worker(n: int) -> Iterator[Callable[..., Task]]:
    """``submit(fn, *args)`` -> a :class:`Task` that runs on a second thread for long tables, else at once.

    Only compiled Arrow and pandas hash kernels are handed over (factorising text, parsing numbers): they
    release the GIL, so on a two-core machine they run beside the main thread's work on other columns. Each
    works on arrays nobody else writes to. The helper only speeds the read up: when no thread can start,
    or the helper dies before it takes a task, ``result()`` runs the task in the caller; it never waits
    for a thread that is not running it (under ``RLIMIT_AS`` a thread can die inside its own start, and
    ``threading.Thread.start`` would then wait for ever, hence the low-level ``_thread`` start)."""
    if n < THREADED_MIN_ROWS:
        yield run_now
        return
    inbox: queue.SimpleQueue[Task | None] = queue.SimpleQueue()
    tasks: list[Task] = []
    alive = threading.Lock()  # held by the helper while it serves (never waited for unless it holds it)
    helper = _start_helper(inbox, alive)

    def submit(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
        task = Task(fn, args, kwargs, alive if helper else None)
        tasks.append(task)
        if helper:
            inbox.put(task)
        return task

    try:
        yield submit
    finally:
        inbox.put(None)
        for task in tasks:
            task.drop()
        # The helper ends before the read goes on, as a pool's shutdown would have it: its allocator's
        # memory is handed back now, not when the next read's helper starts. A helper that never took
        # ``alive`` is not waited for (it takes it without blocking or not at all).
        with alive:
            pass


def _start_helper(inbox: queue.SimpleQueue[Task | None], alive: threading.Lock) -> bool:
    """Start the helper thread on ``inbox``; False when no thread can be had (a memory or thread cap)."""
    try:
        _thread.start_new_thread(_serve, (inbox, alive))
    except (RuntimeError, MemoryError):
        return False
    return True


def _serve(inbox: queue.SimpleQueue[Task | None], alive: threading.Lock) -> None:
    """The helper thread: run each task the caller has not taken back, until ``None`` arrives; holds
    ``alive`` meanwhile, unless the caller already finished (then there is nothing left to serve)."""
    if not alive.acquire(blocking=False):
        return
    try:
        while (task := inbox.get()) is not None:
            task.run_unless_taken()
            del task
    except BaseException:  # the helper died (MemoryError): the caller runs what is left when it asks
        return
    finally:
        alive.release()


def run_now(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Task:
    """Run ``fn`` at once; its result (or exception) in a finished task."""
    task = Task(fn, args, kwargs)
    task.run_unless_taken()
    return task


def progress_bar(source: str, n: int) -> Any:
    """A stage-level tqdm bar (dates, categories, coordinates, statuses, duplicates, geometry), shown for
    large tables only and only when ``options.progress`` is on (tqdm is not even imported otherwise)."""
    from trygghet_geo._config import options, progress_disable

    if not options.progress or n < 200_000:
        return NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=6, desc=f"read {source}", unit="stage", leave=False, disable=progress_disable())


class NoBar:
    """Stands in for a hidden progress bar."""

    def update(self, n: int = 1) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to close."""


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a million geometry objects are made.

    Shapely geometries are tracked by the collector, so making ~1M of them triggers thousands of
    collections that re-scan the ones already made: two thirds of the time of ``shapely.points``. They
    hold no reference cycles, so nothing is left uncollected; the collector is switched back on (if it was
    on) and its one deferred pass over the new objects runs at the next allocation."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
