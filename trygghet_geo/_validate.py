"""Checks of the parameters callers pass: one function per kind of value, each raising
:class:`~trygghet_geo.errors.ParameterError` that names the argument, echoes the value and says what was
expected. Every public entry point (``analyze``, ``rank_places``, the readers, the CLI) checks its parameters
here before any work starts.

>>> count("n_simulations", 99)
99
>>> count("n_simulations", -1)
Traceback (most recent call last):
...
trygghet_geo.errors.ParameterError: n_simulations=-1: expected a whole number >= 0
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from trygghet_geo.errors import ParameterError

__all__ = ["bbox", "count", "positive", "probability"]


def count(name: str, value: Any, *, minimum: int = 0) -> int:
    """A whole number ``>= minimum`` (``True``/``False`` and ``2.5`` are refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ParameterError(f"{name}={value!r}: expected a whole number >= {minimum}")
    return int(value)


def positive(name: str, value: Any, *, allow_none: bool = False) -> float | None:
    """A finite number ``> 0`` (``None`` too when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < math.inf:
        raise ParameterError(f"{name}={value!r}: expected a finite number > 0")
    return float(value)


def probability(name: str, value: Any) -> float:
    """A number strictly between 0 and 1 (a significance level such as 0.05)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < 1:
        raise ParameterError(f"{name}={value!r}: expected a number between 0 and 1, such as 0.05")
    return float(value)


def bbox(name: str, value: Any) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` in degrees: four finite numbers, minimum below maximum,
    longitudes within ±180 and latitudes within ±90."""
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ParameterError(f"{name}={value!r}: expected four numbers (min_lon, min_lat, max_lon, max_lat)")
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise ParameterError(
            f"{name}={value!r}: expected (min_lon, min_lat, max_lon, max_lat) in degrees with each minimum "
            "below its maximum (longitude -180…180, latitude -90…90); is the order swapped?"
        )
    return min_lon, min_lat, max_lon, max_lat
