"""Dates given as an ISO week (``2025-W14``, ``2025W14``, ``v. 14 2025``, ``vecka 14, 2025``, ``2025 v14``):
an interval, Monday 00:00 to Sunday 23:59:59 of that week, as a police extract's ``fr.o.m.``/``t.o.m.``
pair is (``occurred_from`` = ``occurred_at`` the start, ``occurred_to`` the end, ``time_known`` False).

A week in an end column (``t.o.m.``, ``Till datum``) is the end of that week, Sunday 23:59:59 (of that day
for a week with a weekday), by :func:`week_ends`, with the same rules.

A week is read only when it names its year and the week exists in it (``dt.date.fromisocalendar``: week 53
only in years that have one); a week with a weekday (``2025-W14-3``) is that day. A week without a year
(``v. 14``) or a week that does not exist stays an unreadable date: ``bad_date``, with a report line.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from trygghet_geo.io._dates import TIMEZONE, distinct_texts

__all__ = ["iso_weeks", "week_ends", "week_rows"]

_WEEK = re.compile(
    r"""(?ix)\s*(?:
        (?P<y1>\d{4})\s*[-/,]?\s*(?:W\.?|v\.?|vecka|vk\.?|kw\.?|week)\s*(?P<w1>\d{1,2})
        (?:\s*-?\s*(?P<d1>[1-7]))?
      | (?:W\.?|v\.?|vecka|vk\.?|kw\.?|week)\s*(?P<w2>\d{1,2})\s*[-,/]?\s*(?:år\s*)?(?P<y2>\d{4})
    )\s*"""
)
_WEEK_NO_YEAR = re.compile(r"(?i)\s*(?:W\.?|v\.?|vecka|vk\.?|kw\.?|week)\s*\d{1,2}\s*")


def _looks_like_week(text: str) -> bool:
    """Whether a cell that is no readable week still speaks of one (``v. 14``, ``2025-W53``)."""
    return bool(_WEEK_NO_YEAR.fullmatch(text) or re.search(r"(?i)\bW\d|vecka|\bv\.?\s*\d", text))


def _interval(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    """Start and end (wall clock) of the week (or day) a cell names, ``None`` when it names none."""
    m = _WEEK.fullmatch(text)
    if m is None:
        return None
    year, week = int(m["y1"] or m["y2"]), int(m["w1"] or m["w2"])
    try:
        if m["d1"]:
            day = dt.date.fromisocalendar(year, week, int(m["d1"]))
            start, days = day, 1
        else:
            start, days = dt.date.fromisocalendar(year, week, 1), 7
    except ValueError:  # week 0, week 53 of a year with 52, year 0
        return None
    begin = dt.datetime.combine(start, dt.time())
    return begin, begin + dt.timedelta(days=days, seconds=-1)


def iso_weeks(values: pd.Series, unread: np.ndarray) -> tuple[pd.Series | None, np.ndarray, int]:
    """For the rows ``unread`` (a date no other form read): the start and end of the ISO week each names
    (columns ``start`` and ``end``, NaT elsewhere; ``None`` when no row names one), which rows were read
    so, and how many unread cells are weeks without a year or weeks that do not exist. Each distinct text
    is looked at once; nothing per row is allocated when no cell names a week."""
    n = len(values)
    read = np.zeros(n, dtype=bool)
    rows = np.flatnonzero(unread)
    if not len(rows):
        return None, read, 0
    codes, distinct = distinct_texts(values.reset_index(drop=True).take(rows).astype("str"))
    found = [_interval(str(t)) for t in distinct]
    weekish = [_looks_like_week(str(t)) for t in distinct]
    if not any(f is not None for f in found):
        return None, read, int(np.append(np.array(weekish, dtype=bool), False)[codes].sum())
    ok = np.array([f is not None for f in found] + [False])[codes]
    nat = np.datetime64("NaT")
    s = np.array([f[0] if f else nat for f in found] + [nat], dtype="datetime64[ns]")[codes]
    e = np.array([f[1] if f else nat for f in found] + [nat], dtype="datetime64[ns]")[codes]
    start = np.full(n, nat, dtype="datetime64[ns]")
    end = start.copy()
    start[rows[ok]], end[rows[ok]], read[rows[ok]] = s[ok], e[ok], True
    bad_weeks = int((np.append(np.array(weekish, dtype=bool), False)[codes] & ~ok).sum())
    bounds = pd.DataFrame({"start": _zoned(start), "end": _zoned(end)})
    return bounds, read, bad_weeks


def _zoned(a: np.ndarray) -> pd.Series:
    """Wall-clock times in Stockholm (a week starts at Monday 00:00, never in a clock change)."""
    out = pd.Series(a).dt.tz_localize(TIMEZONE, ambiguous="NaT", nonexistent="shift_forward")
    return out.astype(f"datetime64[ns, {TIMEZONE}]")


def week_rows(
    values: pd.Series | None, occurred: pd.Series, bad_date: np.ndarray, notes: list[str]
) -> tuple[pd.Series | None, np.ndarray]:
    """Rows of the date column ``values`` that no other form read but that name an ISO week: their start
    set in ``occurred`` and cleared in ``bad_date`` (both in place), lines in ``notes``; returns the weeks'
    ends (``None`` when no row names a week) and which rows."""
    if values is None or not bad_date.any():
        return None, np.zeros(len(occurred), dtype=bool)
    bounds, week, unread = iso_weeks(values, bad_date)
    end = None
    if bounds is not None:
        occurred[week] = bounds["start"][week].to_numpy()
        bad_date[week] = False
        end = bounds["end"]
        notes.append(
            f"{int(week.sum())} dates are ISO weeks (2025-W14, v. 14 2025); read as intervals from Monday "
            "00:00 to Sunday 23:59:59"
        )
    if unread:
        notes.append(
            f"{unread} dates name a week without its year, or a week the year does not have; rejected as "
            "bad_date. Write the year with the week (2025-W14, v. 14 2025)"
        )
    return end, week


def week_ends(values: pd.Series, end: pd.Series, unread: np.ndarray) -> pd.Series:
    """An end column (``end``, Stockholm time) with its ``unread`` rows that name an ISO week set to the
    week's end, Sunday 23:59:59 (``unread`` cleared there, in place); a week without its year or one the
    year lacks stays unread, as in a start column."""
    if not unread.any():
        return end
    bounds, week, _ = iso_weeks(values, unread)
    if bounds is None:
        return end
    unread[week] = False
    return end.where(~week, bounds["end"].astype(end.dtype))
