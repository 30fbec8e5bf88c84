"""Checks of the parameters callers pass: one function per kind of value, each raising
:class:`~trygghet_geo.errors.ParameterError` that names the argument, echoes the value and says what was
expected. Every public entry point (``analyze``, ``rank_places``, the readers, the CLI) checks its parameters
here before any work starts.

>>> count("n_simulations", 99)
99
>>> count("n_simulations", -1)
Traceback (most recent call last):
...
trygghet_geo.errors.ParameterError: n_simulations=-1: expected a whole number from 0 to 2,147,483,647
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from trygghet_geo.errors import ParameterError

__all__ = [
    "bbox",
    "count",
    "event_times",
    "metres",
    "positive",
    "probability",
    "score",
    "seed",
    "unique_index",
]

#: The largest count any parameter takes (a C int: numpy and scipy sizes overflow beyond it).
MAX_COUNT = 2**31 - 1
#: The longest distance any parameter takes, metres: half the Earth's circumference; nothing on a street
#: network is farther, and a larger value only overflows the geometry it is used on.
MAX_METRES = 20_000_000.0
#: The most Monte Carlo simulations a test runs (a million already gives p-values to 1e-6).
MAX_SIMULATIONS = 1_000_000
#: The longest window in days (a century; pandas' dates end in 2262).
MAX_DAYS = 36_500
#: The last row of a spreadsheet (Excel's 1,048,576): the farthest a header row can stand in a sheet, and a
#: generous bound for title lines above a CSV's header (a reader skips that many lines one by one).
MAX_ROW = 1_048_576


def count(name: str, value: Any, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
    """A whole number ``minimum..maximum`` (``True``/``False`` and ``2.5`` are refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral) or not minimum <= int(value) <= maximum:
        raise ParameterError(f"{name}={value!r}: expected a whole number from {minimum} to {maximum:,}")
    return int(value)


def metres(name: str, value: Any, *, allow_none: bool = False, allow_zero: bool = False) -> float | None:
    """A distance in metres: a finite number ``> 0`` (``>= 0`` when ``allow_zero``) up to :data:`MAX_METRES`
    (``None`` too when ``allow_none``)."""
    if value is None and allow_none:
        return None
    low = "0" if allow_zero else "> 0"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(f"{name}={value!r}: expected a distance in metres, a number {low}")
    v = float(value)
    if not (v >= 0 if allow_zero else v > 0) or not v <= MAX_METRES:
        raise ParameterError(
            f"{name}={value!r}: expected a distance in metres from {low} to {MAX_METRES:,.0f}"
        )
    return v


def score(name: str, value: Any, *, top: float = 100.0) -> float:
    """A number from 0 to ``top`` (a geocoder score)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= float(value) <= top:
        raise ParameterError(f"{name}={value!r}: expected a number from 0 to {top:g}")
    return float(value)


def seed(name: str, value: Any) -> Any:
    """A random seed: ``None``, a whole number ``0..2**32-1``, or a numpy ``Generator``/``SeedSequence``/
    ``RandomState``, which are passed on as they are."""
    import numpy as np

    if value is None or isinstance(
        value, np.random.Generator | np.random.SeedSequence | np.random.RandomState
    ):
        return value
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= int(value) < 2**32:
        raise ParameterError(f"{name}={value!r}: expected None or a whole number from 0 to 2**32 - 1")
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


def unique_index(name: str, frame: Any) -> None:
    """A table whose rows are named by their index labels (a hotspot's ``member_index``) needs each label
    once: :class:`~trygghet_geo.errors.SchemaError` names a repeated one and the fix."""
    from trygghet_geo.errors import SchemaError

    index = frame.index
    if not index.is_unique:
        label = index[index.duplicated()][0]
        raise SchemaError(
            f"{name}: the index repeats the label {label!r}; rows are named by their index labels here, so "
            "each needs its own (use .reset_index(drop=True) before the stage that names them)"
        )


def date(name: str, value: Any) -> Any:
    """A date or time (anything ``pandas.Timestamp`` reads) within the plausible window
    (``options.plausible_dates``): a missing value (NaN, NaT, None) or a date such as 1600 or 9999 is refused
    here, not deep inside a calendar computation."""
    import pandas as pd

    from trygghet_geo.io._dates import date_window

    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ParameterError(f"{name}={value!r}: cannot be read as a date ({exc})") from None
    if ts is pd.NaT:
        raise ParameterError(f"{name}={value!r}: expected a date, such as '2025-01-31'")
    lo, hi = date_window()
    if ts.tzinfo is None:
        lo, hi = lo.tz_localize(None), hi.tz_localize(None)
    if not lo <= ts <= hi:
        raise ParameterError(
            f"{name}={value!r}: outside the plausible dates {lo.date()} to {hi.date()} "
            "(options.plausible_dates)"
        )
    return ts


def event_times(name: str, frame: Any) -> None:
    """The time columns of an event table a stage reads (``occurred_at``, ``occurred_from``,
    ``occurred_to``, where present) must hold datetimes, within the plausible window
    (``options.plausible_dates``, the window :func:`~trygghet_geo.read_incidents` flags ``implausible_date``
    by): text, numbers or a column of mixed time zones, and a date such as 1678 or 2262, raise
    :class:`~trygghet_geo.errors.SchemaError` naming the column and the row, instead of a crash or a time
    cube of centuries deep inside the stage."""
    import numpy as np
    import pandas as pd

    from trygghet_geo.errors import SchemaError
    from trygghet_geo.io._dates import date_window

    for col in ("occurred_at", "occurred_from", "occurred_to"):
        if col not in frame.columns:
            continue
        values = frame[col]
        if isinstance(values, pd.DataFrame):
            raise SchemaError(f"{name}: the column {col!r} appears {values.shape[1]} times")
        if not (
            isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype)
        ):
            if values.isna().all():
                continue
            if pd.api.types.infer_dtype(values, skipna=True) in ("datetime", "datetime64"):
                # Timestamps kept as objects (a concat of frames, or of several time zones): the stages
                # read them with pd.to_datetime(..., utc=True); only the window is checked here.
                values = pd.to_datetime(values, utc=True)
            else:
                raise SchemaError(
                    f"{name}: {col!r} holds {values.dtype} values, not datetimes of one time zone (e.g. "
                    f"{values.dropna().iloc[0]!r}); read the table with read_incidents, or convert it with "
                    "pd.to_datetime(..., utc=True)"
                )
        lo, hi = date_window()
        if not isinstance(values.dtype, pd.DatetimeTZDtype):  # naive: wall-clock time in Stockholm
            lo, hi = lo.tz_localize(None), hi.tz_localize(None)
        far = ((values < lo) | (values > hi)).to_numpy(dtype=bool)
        if far.any():
            i = int(np.flatnonzero(far)[0])
            raise SchemaError(
                f"{name}: {int(far.sum())} row(s) of {col!r} lie outside the plausible dates {lo.date()} to "
                f"{hi.date()} (options.plausible_dates), e.g. row {frame.index[i]!r}: {values.iloc[i]}; "
                "read_incidents flags such rows implausible_date and leaves them out"
            )


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
