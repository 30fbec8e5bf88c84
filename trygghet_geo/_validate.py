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
from pathlib import Path
from typing import Any

from trygghet_geo.errors import ParameterError, shown

__all__ = [
    "analysis",
    "bbox",
    "choice",
    "count",
    "event_times",
    "flag",
    "metres",
    "network",
    "path",
    "period",
    "pieces",
    "positive",
    "probability",
    "score",
    "seed",
    "table",
    "text",
    "unique_index",
]

#: The largest count any parameter takes (a C int: numpy and scipy sizes overflow beyond it).
MAX_COUNT = 2**31 - 1
#: The longest distance any parameter takes, metres: half the Earth's circumference; nothing on a street
#: network is farther, and a larger value only overflows the geometry it is used on.
MAX_METRES = 20_000_000.0
#: The most pieces a street network is cut into (lixels, hot-list segments): ten million pieces of a few
#: hundred bytes each already take gigabytes; a finer length only exhausts the memory.
MAX_PIECES = 10_000_000
#: The shortest distance any parameter takes, metres: nothing on a street is measured finer than a
#: millimetre, and a subnormal number overflows the kernels it divides.
MIN_METRES = 1e-3
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
        raise ParameterError(f"{name}={shown(value)}: expected a whole number from {minimum} to {maximum:,}")
    return int(value)


def metres(name: str, value: Any, *, allow_none: bool = False, allow_zero: bool = False) -> float | None:
    """A distance in metres: a finite number ``> 0`` (``>= 0`` when ``allow_zero``) up to :data:`MAX_METRES`,
    and not below :data:`MIN_METRES` unless zero (``None`` too when ``allow_none``)."""
    if value is None and allow_none:
        return None
    low = "0" if allow_zero else "> 0"
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(f"{name}={shown(value)}: expected a distance in metres, a number {low}")
    try:
        v = float(value)
    except OverflowError:  # an integer of hundreds of digits
        v = math.inf
    if not (v >= 0 if allow_zero else v > 0) or not v <= MAX_METRES or 0 < v < MIN_METRES:
        raise ParameterError(
            f"{name}={shown(value)}: expected a distance in metres from {low} to {MAX_METRES:,.0f} "
            f"(a non-zero one at least {MIN_METRES:g})"
        )
    return v


def score(name: str, value: Any, *, top: float = 100.0) -> float:
    """A number from 0 to ``top`` (a geocoder score)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= float(value) <= top:
        raise ParameterError(f"{name}={shown(value)}: expected a number from 0 to {top:g}")
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
        raise ParameterError(f"{name}={shown(value)}: expected None or a whole number from 0 to 2**32 - 1")
    return int(value)


def positive(name: str, value: Any, *, allow_none: bool = False) -> float | None:
    """A finite number ``> 0`` (``None`` too when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < math.inf:
        raise ParameterError(f"{name}={shown(value)}: expected a finite number > 0")
    return float(value)


def probability(name: str, value: Any) -> float:
    """A number strictly between 0 and 1 (a significance level such as 0.05)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not 0 < float(value) < 1:
        raise ParameterError(f"{name}={shown(value)}: expected a number between 0 and 1, such as 0.05")
    return float(value)


def unique_index(name: str, frame: Any) -> None:
    """A table whose rows are named by their index labels (a hotspot's ``member_index``) needs each label
    once: :class:`~trygghet_geo.errors.SchemaError` names a repeated one and the fix."""
    from trygghet_geo.errors import SchemaError

    index = frame.index
    if not index.is_unique:
        label = index[index.duplicated()][0]
        raise SchemaError(
            f"{name}: the index repeats the label {shown(label)}; rows are named by their index labels here, "
            "so each needs its own (use .reset_index(drop=True) before the stage that names them)"
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
        why = str(exc).replace(str(value), shown(value, quote=False))  # the reader quotes it whole
        raise ParameterError(f"{name}={shown(value)}: cannot be read as a date ({why})") from None
    if ts is pd.NaT:
        raise ParameterError(f"{name}={shown(value)}: expected a date, such as '2025-01-31'")
    lo, hi = date_window()
    if ts.tzinfo is None:
        lo, hi = lo.tz_localize(None), hi.tz_localize(None)
    if not lo <= ts <= hi:
        raise ParameterError(
            f"{name}={shown(value)}: outside the plausible dates {lo.date()} to {hi.date()} "
            "(options.plausible_dates)"
        )
    return ts


def event_times(name: str, frame: Any) -> Any:
    """The time columns of an event table a stage reads (``occurred_at``, ``occurred_from``,
    ``occurred_to``, where present) must hold datetimes, within the plausible window
    (``options.plausible_dates``, the window :func:`~trygghet_geo.read_incidents` flags ``implausible_date``
    by): text, numbers or a column of mixed time zones, and a date such as 1678 or 2262, raise
    :class:`~trygghet_geo.errors.SchemaError` naming the column and the row, instead of a crash or a time
    cube of centuries deep inside the stage.

    Returns the table with each such column as pandas datetimes (a copy when one changed): pyarrow
    timestamps and datetimes kept as objects (several time zones, a concat of frames) become datetimes in
    Stockholm time, so the stage reads them with ``.dt`` like any other."""
    import numpy as np
    import pandas as pd

    from trygghet_geo.errors import SchemaError
    from trygghet_geo.io._dates import date_window

    table(name, frame, geo=False)
    changed: dict[str, Any] = {}
    for col in ("occurred_at", "occurred_from", "occurred_to"):
        if col not in frame.columns:
            continue
        values = frame[col]
        if isinstance(values, pd.DataFrame):
            raise SchemaError(f"{name}: the column {shown(col)} appears {values.shape[1]} times")
        if isinstance(values.dtype, pd.ArrowDtype) and pd.api.types.is_datetime64_any_dtype(values.dtype):
            values = changed[col] = pd.Series(pd.DatetimeIndex(values), index=values.index, name=col)
        if not (
            isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype)
        ):
            if values.isna().all():
                continue
            if pd.api.types.infer_dtype(values, skipna=True) in ("datetime", "datetime64"):
                # Timestamps kept as objects (a concat of frames, or of several time zones)
                values = changed[col] = pd.to_datetime(values, utc=True).dt.tz_convert("Europe/Stockholm")
            else:
                raise SchemaError(
                    f"{name}: {shown(col)} holds {values.dtype} values, not datetimes of one time zone (e.g. "
                    f"{shown(values.dropna().iloc[0])}); read the table with read_incidents, or convert it "
                    "with pd.to_datetime(..., utc=True)"
                )
        lo, hi = date_window()
        if not isinstance(values.dtype, pd.DatetimeTZDtype):  # naive: wall-clock time in Stockholm
            lo, hi = lo.tz_localize(None), hi.tz_localize(None)
        far = ((values < lo) | (values > hi)).to_numpy(dtype=bool)
        if far.any():
            i = int(np.flatnonzero(far)[0])
            raise SchemaError(
                f"{name}: {int(far.sum())} row(s) of {shown(col)} lie outside the plausible dates "
                f"{lo.date()} to {hi.date()} (options.plausible_dates), e.g. row {shown(frame.index[i])}: "
                f"{shown(values.iloc[i], quote=False)}; "
                "read_incidents flags such rows implausible_date and leaves them out"
            )
    return frame.assign(**changed) if changed else frame


def bbox(name: str, value: Any) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` in degrees: four finite numbers, minimum below maximum,
    longitudes within ±180 and latitudes within ±90."""
    try:
        values = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise ParameterError(
            f"{name}={shown(value)}: expected four numbers (min_lon, min_lat, max_lon, max_lat)"
        )
    min_lon, min_lat, max_lon, max_lat = values
    if not (-180 <= min_lon < max_lon <= 180 and -90 <= min_lat < max_lat <= 90):
        raise ParameterError(
            f"{name}={shown(value)}: expected (min_lon, min_lat, max_lon, max_lat) in degrees with each "
            "minimum below its maximum (longitude -180…180, latitude -90…90); is the order swapped?"
        )
    return min_lon, min_lat, max_lon, max_lat


# --- arguments of the newer public functions: kinds of value, objects and paths ---------------------------


def flag(name: str, value: Any, *, allow_none: bool = False) -> bool | None:
    """``True`` or ``False`` (numpy's too; ``None`` when ``allow_none``): text such as ``"False"`` or
    ``"nej"``, which Python reads as true, and NaN are refused."""
    import numpy as np

    if value is None and allow_none:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ParameterError(f"{name}={shown(value)}: expected True or False")


def choice(name: str, value: Any, allowed: Any) -> str:
    """One of the words ``allowed``, read without regard to case or surrounding blanks (``" Quartic"`` is
    ``"quartic"``); anything else is refused with the words accepted."""
    words = tuple(allowed)
    if isinstance(value, str):
        word = value.strip().casefold()
        for w in words:
            if word == w.casefold():
                return str(w)
    raise ParameterError(f"{name}={shown(value)}: expected one of {', '.join(map(repr, words))}")


def network(name: str, value: Any, *, allow_none: bool = False) -> Any:
    """A :class:`~trygghet_geo.network.StreetNetwork` (``None`` too when ``allow_none``); a GeoDataFrame of
    lines is pointed to :func:`~trygghet_geo.network.network_from_lines`."""
    from trygghet_geo.errors import ParameterTypeError

    # by its parts, not its class: this room imports no stage (the network package imports it)
    if all(hasattr(value, a) for a in ("nodes", "edges", "crs")) or (value is None and allow_none):
        return value
    hint = " (build one from street lines with network_from_lines)" if hasattr(value, "geometry") else ""
    raise ParameterTypeError(f"{name}: expected a StreetNetwork, got {type(value).__name__}{hint}")


def table(name: str, value: Any, *, geo: bool = True, allow_none: bool = False) -> Any:
    """A (Geo)DataFrame (``None`` too when ``allow_none``); a GeoSeries, a list or None is refused."""
    import geopandas as gpd
    import pandas as pd

    from trygghet_geo.errors import ParameterTypeError

    if value is None and allow_none:
        return None
    kind = gpd.GeoDataFrame if geo else pd.DataFrame
    if not isinstance(value, kind):
        raise ParameterTypeError(
            f"{name}: expected a {'GeoDataFrame' if geo else 'DataFrame'}, got {type(value).__name__}"
            + (" (wrap it: geopandas.GeoDataFrame(geometry=...))" if isinstance(value, gpd.GeoSeries) else "")
        )
    return value


def analysis(name: str, value: Any) -> Any:
    """What :func:`~trygghet_geo.analyze` returns (anything with its ``incidents``, ``places`` and
    ``network``)."""
    from trygghet_geo.errors import ParameterTypeError

    if all(hasattr(value, a) for a in ("incidents", "places", "hotspots", "network", "meta")):
        return value
    raise ParameterTypeError(f"{name}: expected the result of analyze(), got {type(value).__name__}")


def pieces(name: str, length_m: Any, total_m: float) -> float:
    """A piece length (:func:`metres`) that cuts ``total_m`` metres of street into at most
    :data:`MAX_PIECES` pieces."""
    v = float(metres(name, length_m))  # type: ignore[arg-type]
    if total_m / v > MAX_PIECES:
        raise ParameterError(
            f"{name}={shown(length_m)}: would cut the network's {total_m / 1000:,.1f} km of street into "
            f"{total_m / v:,.0f} pieces (at most {MAX_PIECES:,}); use a longer length"
        )
    return v


def path(name: str, value: Any, *, read: bool = False, folder: bool = False, hint: str = "") -> Path:
    """A file or folder path (``str``, ``os.PathLike`` or bytes) as a :class:`~pathlib.Path`.

    ``read``: an existing file (a folder when ``folder``) is expected (``hint`` ends the message when it is
    missing). Otherwise it is written: an existing folder where a file is meant (or a file where a folder
    is), or a file among its parents, is refused before any work."""
    import os

    from trygghet_geo.errors import InputError, ParameterTypeError

    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, str | os.PathLike):
        raise ParameterTypeError(f"{name}={shown(value)}: expected a file path (str or pathlib.Path)")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise ParameterError(f"{name}={shown(value)}: expected a file path; this one is empty or holds a NUL")
    p = Path(text)
    what = "folder" if folder else "file"
    if read:
        if not p.exists():
            raise InputError(f"{name}: {p}: no such {what}{hint}")
        if p.is_dir() != folder:
            raise InputError(f"{name}: {p}: is a {'file' if folder else 'folder'}; expected a {what}")
        return p
    if p.exists() and p.is_dir() != folder:
        other = "file" if folder else "folder"
        raise ParameterError(f"{name}: {p}: is a {other}; expected a {what} to write")
    for parent in p.parents:
        if parent.exists():
            if not parent.is_dir():
                raise ParameterError(f"{name}: {p}: {parent} is a file, so nothing can be written under it")
            break
    return p


def text(name: str, value: Any, *, allow_none: bool = True, stem: bool = False) -> str | None:
    """A text (``None`` too when ``allow_none``). ``stem``: a file name without folder: no separator, NUL,
    lone surrogate, and at most 100 characters."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str):
        raise ParameterError(f"{name}={shown(value)}: expected a text")
    if stem:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ParameterError(f"{name}={value[:40]!r}: holds a character no file name can hold") from None
        if not value.strip() or len(value) > 100 or any(c in value for c in "/\\\x00"):
            raise ParameterError(
                f"{name}={value[:40]!r}: expected a file name of 1 to 100 characters, without / \\ or NUL"
            )
    return str(value)


def period_of_events(name: str, value: Any, tz: Any) -> tuple[Any, Any]:
    """A ``(start, end)`` pair of dates for a table of events whose times are in zone ``tz`` (None: naive), as
    the half-open interval ``[start, end)``: an end given as a date (midnight) covers that whole day, so it
    becomes the next day's midnight; naive dates are taken in ``tz``. The one reading of a period argument
    (``rank_places``' ``period``, ``compare_periods``' ``before``/``after``, ``area_summary``'s)."""
    import pandas as pd

    try:
        first, last = value
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a (start, end) pair of dates, got {shown(value)}") from None
    start, end = date(f"{name}[0]", first), date(f"{name}[1]", last)
    if end == end.normalize():  # a date: inclusive of that whole day
        end = end + pd.Timedelta(days=1)
    if tz is not None:
        start = start.tz_localize(tz) if start.tzinfo is None else start.tz_convert(tz)
        end = end.tz_localize(tz) if end.tzinfo is None else end.tz_convert(tz)
    elif (start.tzinfo is None) != (end.tzinfo is None):
        raise ParameterError(f"{name}={shown(value)}: give both dates with a time zone or neither")
    if not end > start:
        raise ParameterError(f"{name}={shown(value)}: the end is not after the start; is the order swapped?")
    return start, end


def period(name: str, value: Any) -> tuple[Any, Any]:
    """A ``(start, end)`` pair of :func:`date` values, the start not after the end, as Timestamps."""
    if isinstance(value, str | bytes | dict) or not hasattr(value, "__len__") or len(value) != 2:
        raise ParameterError(f"{name}={shown(value)}: expected a (start, end) pair of dates")
    start, end = date(f"{name}[0]", value[0]), date(f"{name}[1]", value[1])
    if (start.tzinfo is None) != (end.tzinfo is None):
        raise ParameterError(f"{name}={shown(value)}: give both dates with a time zone or neither")
    if end < start:
        raise ParameterError(f"{name}={shown(value)}: the end is before the start; is the order swapped?")
    return start, end
