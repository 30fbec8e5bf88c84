"""How the reader runs: a second thread for long tables, a stage-level progress bar, the garbage collector
paused while point objects are made."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any

__all__ = ["gc_paused", "progress_bar", "run_now", "worker"]

THREADED_MIN_ROWS = 100_000


@contextmanager
def worker(n: int) -> Iterator[Any]:
    """``submit(fn, *args)`` that runs on a second thread for long tables, else at once.

    Only compiled Arrow and pandas hash kernels are handed over (factorising text, parsing numbers): they
    release the GIL, so on a two-core machine they run beside the main thread's work on other columns. Each
    works on arrays nobody else writes to."""
    if n < THREADED_MIN_ROWS:
        yield run_now
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trygghet_geo-read") as pool:

        def submit(fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
            try:
                return pool.submit(fn, *args, **kwargs)
            except RuntimeError:  # no thread to be had (a memory cap, a thread limit): the work runs here
                return run_now(fn, *args, **kwargs)

        yield submit


def run_now(fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
    """Run ``fn`` at once; its result (or exception) in a finished future."""
    done: Future[Any] = Future()
    try:
        done.set_result(fn(*args, **kwargs))
    except BaseException as exc:  # handed to the caller through .result(), as a pool would
        done.set_exception(exc)
    return done


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
