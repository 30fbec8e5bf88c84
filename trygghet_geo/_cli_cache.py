"""``trygghet-geo cache``: look at or purge the geocoding answer cache.

Kept beside :mod:`trygghet_geo.cli` (which registers it), like ``density`` and ``trend``; the cache module is
imported inside :func:`_run_cache` only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

__all__ = ["add_cache"]

_Runner = Callable[[argparse.Namespace], int]


def add_cache(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "cache",
        help="the geocoder's answer cache: how many answers it holds, or delete them (data retention)",
        description="The answer cache holds normalised place text and the places found for it, never a note; "
        "answers older than options.cache_days (365 days) are deleted whenever it is opened.",
    )
    p.add_argument("action", choices=("purge", "info"), help="purge: delete answers; info: count them")
    p.add_argument(
        "--older-than-days",
        type=float,
        default=None,
        help="purge only answers older than this (default: all)",
    )
    return _run_cache


def _run_cache(args: argparse.Namespace) -> int:
    import math

    from trygghet_geo._config import options
    from trygghet_geo.errors import ParameterError
    from trygghet_geo.geocode._cache import ResultCache

    days = args.older_than_days
    if days is not None and not (math.isfinite(days) and days >= 0):
        raise ParameterError(f"--older-than-days must be a number of days, 0 or more, got {days!r}")
    path = options.cache_dir / "geocode.sqlite"
    if not path.exists():
        print(f"no answer cache at {path}")
        return 0
    cache = ResultCache(path, max_age_days=None)
    if args.action == "info":
        print(f"{len(cache)} answers in {path}")
        return 0
    n = cache.purge(older_than_days=days)
    print(f"deleted {n} answers from {path}; {len(cache)} left")
    return 0
