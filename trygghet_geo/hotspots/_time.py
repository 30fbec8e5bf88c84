"""The one time profile of a set of events: the busiest hours and weekdays, and a Swedish word for the part
of the day. The hotspot table (``top_hours``, ``top_weekdays``) and the ranked places (``dominant_hours``,
``dominant_weekdays`` and the reason line) both use it; the map shows what the place says, with no fallback
to another window.

>>> import pandas as pd

from trygghet_geo._vocab import WEEKDAYS_SV
>>> t = pd.Series(pd.to_datetime(["2024-01-05 22:30"] * 6 + ["2024-01-06 23:10"] * 6 + ["2024-01-03 12:00"]))
>>> time_profile(t)
TimeProfile(hours='21–00', weekdays='fre–lör', daypart='kvällar')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._vocab import DAYPARTS_SV, WEEKDAYS_SV
from trygghet_geo.hotspots._aoristic import MAX_INTERVAL_H, aoristic_hours

__all__ = ["TimeProfile", "hour_weekday_counts", "time_profile"]
_MIN_EVENTS = 8  # fewer events never get a pattern
_HOUR_WINDOWS = (3, 4, 6)
_DAY_WINDOWS = (1, 2, 3)
_DAYPARTS = tuple(zip((5, 10, 16, 23), DAYPARTS_SV, strict=True))


@dataclass(frozen=True)
class TimeProfile:
    """Dominant hours (``"22–02"``), weekdays (``"fre–lör"``) and daypart (``"kvällar"``); ``""`` each when
    no window stands out."""

    hours: str = ""
    weekdays: str = ""
    daypart: str = ""


def time_profile(
    times: pd.Series,
    known: np.ndarray | None = None,
    until: pd.Series | None = None,
    *,
    max_interval_h: float = MAX_INTERVAL_H,
) -> TimeProfile:
    """The busiest hours and weekdays of ``times`` (timestamps; missing ones ignored).

    A window is named only when it holds clearly more events than an even spread would (a one-sided
    binomial test of every circular window of 3, 4 or 6 hours and 1, 2 or 3 days, Bonferroni-corrected for
    the number of windows tried), so a handful of events never gets a made-up pattern. Rows whose time of
    day is unknown (``known`` False: a date without a time) count for the weekdays, never for the hours.

    With ``until`` (the end of each event's interval, ``occurred_to``; NaT for an instant) each event counts
    with aoristic weights: its weight is spread evenly over the hours of its interval, so a burglary
    "between Friday 18.00 and Monday 07.00" counts on Saturday and Sunday as much per hour as on Friday
    evening. Intervals longer than ``max_interval_h`` (default 7 days) count at their start. Instant events
    count exactly as without ``until``.
    """
    stamps = _stamps(times)
    if len(stamps.dropna()) < _MIN_EVENTS:
        return TimeProfile()
    keep = np.ones(len(stamps), dtype=bool) if known is None else np.asarray(known, dtype=bool)
    frame = pd.DataFrame({schema.OCCURRED_FROM: pd.Series(stamps).reset_index(drop=True)})
    if until is not None:
        frame[schema.OCCURRED_TO] = _stamps(until).reset_index(drop=True)
    a = aoristic_hours(frame, max_interval_h=max_interval_h)
    hour_ns = a.hour.astype(np.int64) // 3_600_000_000_000
    clock = keep[a.event]
    by_hour = np.bincount(hour_ns[clock] % 24, weights=a.weight[clock], minlength=24)
    by_day = np.bincount((hour_ns // 24 + 3) % 7, weights=a.weight, minlength=7)  # 1970-01-01: a Thursday
    h0, h_len = _best_window(by_hour, _HOUR_WINDOWS) if by_hour.sum() >= _MIN_EVENTS - 1e-9 else (0, 0)
    d0, d_len = _best_window(by_day, _DAY_WINDOWS)
    hours = f"{h0:02d}–{(h0 + h_len) % 24:02d}" if h_len else ""
    first, last = WEEKDAYS_SV[d0], WEEKDAYS_SV[(d0 + d_len - 1) % 7]
    weekdays = "" if not d_len else first if d_len == 1 else f"{first}–{last}"
    centre = (h0 + h_len / 2) % 24
    daypart = next((word for hour, word in reversed(_DAYPARTS) if centre >= hour), "nätter") if h_len else ""
    return TimeProfile(hours, weekdays, daypart)


def _stamps(values: Any) -> pd.Series:
    """``values`` as datetimes, unreadable ones NaT; text or objects with several UTC offsets (summer and
    winter time written out) in Stockholm time, where pandas alone refuses mixed offsets."""
    try:
        return pd.Series(pd.to_datetime(values, errors="coerce"))
    except (ValueError, TypeError):
        return pd.Series(pd.to_datetime(values, errors="coerce", utc=True)).dt.tz_convert("Europe/Stockholm")


def hour_weekday_counts(
    times: pd.Series, until: pd.Series | None = None, *, max_interval_h: float = MAX_INTERVAL_H
) -> tuple[np.ndarray, np.ndarray]:
    """Aoristic event counts per hour of the day (24) and per weekday (7, Monday first)."""
    frame = pd.DataFrame({schema.OCCURRED_FROM: _stamps(times).reset_index(drop=True)})
    if until is not None:
        frame[schema.OCCURRED_TO] = _stamps(until).reset_index(drop=True)
    a = aoristic_hours(frame, max_interval_h=max_interval_h)
    hour_ns = a.hour.astype(np.int64) // 3_600_000_000_000
    return (
        np.bincount(hour_ns % 24, weights=a.weight, minlength=24),
        np.bincount((hour_ns // 24 + 3) % 7, weights=a.weight, minlength=7),
    )


def _best_window(counts: np.ndarray, lengths: tuple[int, ...], *, p_max: float = 0.05) -> tuple[int, int]:
    """Start and length of the circular window most over-represented against an even spread, or (0, 0).

    Each candidate (every start, each length) gets a one-sided binomial p-value; the best must beat
    ``p_max`` divided by the number of candidates (Bonferroni), since the best of many windows is chosen.
    """
    from scipy.stats import binom  # scipy.stats is slow to import; only a profile of 8+ events needs it

    total, n = int(counts.sum()), len(counts)
    doubled = np.r_[counts, counts]
    best, best_p = (0, 0), p_max / (n * len(lengths))
    for length in lengths:
        sums = np.convolve(doubled, np.ones(length, int), mode="valid")[:n]
        pv = binom.sf(sums - 1, total, length / n)
        start = int(np.argmin(pv))
        if pv[start] < best_p:
            best, best_p = (start, length), float(pv[start])
    return best
