"""Aoristic weights: an event known only to have happened between ``occurred_from`` and ``occurred_to``
("begånget mellan fredag 18.00 och måndag 07.00") counts a share in every clock hour of its interval, in
proportion to the part of the hour it covers; the shares sum to 1. An instant event counts 1 in its hour.
Intervals longer than a limit (default 7 days) say too little about the time: they count 1 at their start
and are flagged.

The hour and weekday profile (:mod:`._time`) and the time steps of :func:`.emerging_hotspots` both use
:func:`aoristic_hours`, so a weekend burglary is no longer counted on Friday evening only.

>>> import pandas as pd
>>> ev = pd.DataFrame({
...     "occurred_from": pd.to_datetime(["2024-01-05 18:00", "2024-01-03 12:30"]),
...     "occurred_to": pd.to_datetime(["2024-01-08 07:00", None]),
... })
>>> a = aoristic_hours(ev)
>>> round(float(a.weight[a.event == 0].sum()), 6), int((a.event == 0).sum()), a.flagged.tolist()
(1.0, 61, [False, False])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError

__all__ = ["AoristicHours", "aoristic_hours"]

MAX_INTERVAL_H: Final = 7 * 24.0
_HOUR_NS: Final = 3_600 * 10**9


@dataclass(frozen=True)
class AoristicHours:
    """The hour slots of a set of events: ``event`` (row number), ``hour`` (start of the clock hour, local
    wall-clock time, ``datetime64[ns]``) and ``weight`` per slot; ``flagged`` per event (interval longer than
    the limit, counted at its start)."""

    event: np.ndarray
    hour: np.ndarray
    weight: np.ndarray
    flagged: np.ndarray


def _wall_clock(values: pd.Series) -> np.ndarray:
    """Timestamps as naive local wall-clock ``datetime64[ns]`` (tz-aware ones in their own zone)."""
    stamps = pd.to_datetime(values, errors="coerce")
    if isinstance(stamps.dtype, pd.DatetimeTZDtype):
        stamps = stamps.dt.tz_localize(None)
    return np.asarray(stamps.to_numpy(dtype="datetime64[ns]"))


def aoristic_hours(frame: pd.DataFrame, *, max_interval_h: float = MAX_INTERVAL_H) -> AoristicHours:
    """Spread every event of ``frame`` over the clock hours of its interval.

    Parameters
    ----------
    frame : pandas.DataFrame
        With ``occurred_from`` (or ``occurred_at``) and optionally ``occurred_to``; a missing or not-later
        ``occurred_to`` means an instant. Rows without a start get no slot.
    max_interval_h : float
        Longer intervals count 1 at their start and are flagged (default 7 days).

    Returns
    -------
    AoristicHours
    """
    from trygghet_geo import _validate

    _validate.positive("max_interval_h", max_interval_h)
    start_col = schema.OCCURRED_FROM if schema.OCCURRED_FROM in frame.columns else schema.OCCURRED_AT
    if start_col not in frame.columns:
        raise InputError(f"the events have no {schema.OCCURRED_AT!r} column (the time of each event)")
    start = _wall_clock(frame[start_col])
    end = (
        _wall_clock(frame[schema.OCCURRED_TO])
        if schema.OCCURRED_TO in frame.columns
        else np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    ok = ~np.isnat(start)
    s = start.astype(np.int64)
    e = end.astype(np.int64)
    span = np.where(~np.isnat(end) & ok, e - s, 0)
    flagged = span > max_interval_h * _HOUR_NS
    spread = ok & (span > 0) & ~flagged
    h0 = np.where(spread, s - s % _HOUR_NS, s)  # timestamps here are after 1970: % is a floor
    n_slots = np.where(spread, -(-(e - h0) // _HOUR_NS), 1)
    n_slots = np.where(ok, np.maximum(n_slots, 1), 0)
    event = np.repeat(np.arange(len(frame)), n_slots)
    k = np.arange(int(n_slots.sum())) - np.repeat(np.cumsum(n_slots) - n_slots, n_slots)
    slot = h0[event] + k * _HOUR_NS
    sp = spread[event]
    lo = np.maximum(slot, s[event])
    hi = np.minimum(slot + _HOUR_NS, e[event])
    weight = np.where(sp, (hi - lo) / np.where(sp, span[event], 1), 1.0)
    hour = np.where(sp, slot, s[event]).astype("datetime64[ns]")
    return AoristicHours(event, hour, weight.astype(np.float64), flagged)


def aoristic_bins(frame: pd.DataFrame, freq: str, *, max_interval_h: float = MAX_INTERVAL_H) -> pd.DataFrame:
    """Aoristic weight of every (event, period) of ``freq`` (a pandas period alias such as ``"M"``).

    Returns a frame with ``event``, ``ordinal`` (the pandas Period ordinal of ``freq``) and ``weight``
    (summing to 1 per event), and ``attrs["flagged"]`` (events counted at the start of a too long interval).
    """
    a = aoristic_hours(frame, max_interval_h=max_interval_h)
    ordinal = np.asarray(pd.DatetimeIndex(a.hour).to_period(freq).asi8, dtype=np.int64)
    # slots are sorted by event, then time: one period's slots of one event are consecutive
    change = np.ones(len(ordinal), dtype=bool)
    change[1:] = (a.event[1:] != a.event[:-1]) | (ordinal[1:] != ordinal[:-1])
    idx = np.flatnonzero(change)
    weight = np.add.reduceat(a.weight, idx) if len(idx) else np.empty(0)
    out = pd.DataFrame({"event": a.event[idx], "ordinal": ordinal[idx], "weight": weight})
    out.attrs["flagged"] = a.flagged
    return out
