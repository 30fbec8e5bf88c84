"""Vectorised reading of dates and times as they appear in Swedish exports, into Europe/Stockholm.

Handled: ISO 8601 with or without offset (``2021-03-04 22:15``, ``2021-03-04T22:15:00+01:00``, ``20210304``),
hours without a leading zero (``7:32:06``), ``kl 22.15``, day-first forms (``4/3/2021``, ``4.3.2021``),
Swedish and English month names (``4 mars 2021``), Excel serial dates (``44259.93``) and Excel's own date and
time cells. Each pass parses only the rows the previous passes left, with pandas' compiled parsers.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from trygghet_geo._vocab import MONTH_NUMBERS

__all__ = [
    "TIMEZONE",
    "date_window",
    "distinct_texts",
    "outside_window",
    "parse_datetimes",
    "parse_times",
    "utc_ns",
    "wall_datetimes",
]

TIMEZONE = "Europe/Stockholm"
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MONTHS = MONTH_NUMBERS  # Swedish and English month names -> 1..12
_MONTH_RE = re.compile(
    r"(?i)^(\d{1,2})\s*(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})"
)
_DAYFIRST = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d/%m/%y %H:%M", "%d/%m/%y")
_FAST = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
_NS_RANGE = (dt.datetime(1678, 1, 1), dt.datetime(2261, 12, 31))
_TZ_SUFFIX = r"(?:Z|[+-]\d{2}:?\d{2})$"


def _empty_result(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NaT, index=index, dtype=f"datetime64[ns, {TIMEZONE}]")


def _localize(values: pd.Series) -> pd.Series:
    """Naive (wall clock) or aware datetimes -> Europe/Stockholm, nanoseconds; the ambiguous autumn hour is
    read as standard time, a time in the spring gap moved one hour on; years outside 1678-2261 become NaT."""
    aware = values.dt.tz is not None
    if aware:
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    lo, hi = (pd.Timestamp(d) for d in _NS_RANGE)
    first, last = values.min(), values.max()
    if not (pd.isna(first) or (first >= lo and last <= hi)):  # only when some value lies outside the range
        values = values.where((values >= lo) & (values <= hi))
    values = values.astype("datetime64[ns]")
    if aware:
        return values.dt.tz_localize("UTC").dt.tz_convert(TIMEZONE)
    if len(values) >= _BY_DAY_MIN_ROWS:
        return _localize_by_day(values)
    return _localize_wall(values)


def date_window() -> tuple[pd.Timestamp, pd.Timestamp]:
    """The one plausibility window of dates (``options.plausible_dates``): its first day and the end of its
    last day, in Stockholm time (default 1990-01-01 to one year after today)."""
    from trygghet_geo._config import options

    first, last = options.plausible_dates
    lo = pd.Timestamp(first or "1990-01-01").normalize()
    hi = pd.Timestamp(last).normalize() if last is not None else pd.Timestamp.now(TIMEZONE).tz_localize(None)
    if last is None:
        hi = hi.normalize() + pd.DateOffset(years=1)
    hi = hi + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
    return lo.tz_localize(TIMEZONE), hi.tz_localize(TIMEZONE, nonexistent="shift_forward", ambiguous=False)


def outside_window(occurred: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Timestamps outside :func:`date_window` cleared to NaT, and which rows they were."""
    lo, hi = date_window()
    ns = utc_ns(occurred)
    present = ns != np.iinfo(np.int64).min
    outside = present & ((ns < lo.value) | (ns > hi.value))
    if not outside.any():
        return occurred, outside
    return occurred.where(~outside), outside


def utc_ns(values: pd.Series) -> np.ndarray:
    """Timestamps as int64 nanoseconds since the epoch (UTC for zoned ones); NaT as the int64 minimum. A
    read-only view of the column's own data where its unit is nanoseconds (zoned data is stored in UTC),
    else a copy."""
    arr = values.array
    if isinstance(arr, pd.arrays.DatetimeArray) and arr.unit == "ns":
        view: np.ndarray = arr.asi8.view()
        view.flags.writeable = False
        return view
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    ns: np.ndarray = values.to_numpy(dtype="datetime64[ns]").view(np.int64).copy()
    return ns


def _localize_wall(values: pd.Series) -> pd.Series:
    """pandas' own localisation of naive wall-clock times (the rules of :func:`_localize`)."""
    return values.dt.tz_localize(
        TIMEZONE, ambiguous=np.zeros(len(values), dtype=bool), nonexistent=pd.Timedelta(hours=1)
    )


_DAY_NS = 86_400 * 10**9
_BY_DAY_MIN_ROWS = 20_000


def _localize_by_day(values: pd.Series) -> pd.Series:
    """:func:`_localize_wall` for long columns, several times faster: a million incidents fall on a few
    thousand days, and the UTC offset is the same all day except on the two days a year the clocks change.
    The offset is looked up once per distinct day (at its first and last nanosecond); only rows on a day
    whose offset changes take pandas' row-by-row localisation."""
    ns = values.to_numpy(dtype="datetime64[ns]").view(np.int64)
    nat = np.iinfo(np.int64).min
    present = ns != nat
    codes, days = pd.factorize(np.where(present, ns // _DAY_NS, 0))
    if len(days) * 4 > len(ns):  # mostly distinct days: nothing to share
        return _localize_wall(values)
    edges = np.concatenate((days * _DAY_NS, days * _DAY_NS + (_DAY_NS - 1)))
    local = _localize_wall(pd.Series(edges.view("datetime64[ns]")))
    offset = edges - utc_ns(local)  # wall clock minus UTC, per day edge
    k = len(days)
    changing = (offset[:k] != offset[k:])[codes] & present
    out = np.where(present, ns - offset[:k][codes], nat)
    if changing.any():
        out[changing] = utc_ns(_localize_wall(pd.Series(ns[changing].view("datetime64[ns]"))))
    aware = pd.DatetimeIndex(out.view("datetime64[ns]")).tz_localize("UTC").tz_convert(TIMEZONE)
    return pd.Series(aware.array, index=values.index)


def _arrow_fast(text: pd.Series) -> pd.Series:
    """The common unzoned ISO forms through Arrow's compiled strptime (several times faster than pandas' on
    text columns, and it takes hours without a leading zero); NaT where none of them fits."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.to_numpy(dtype=object) if text.dtype != "str" else text, type=pa.large_string())
    result = None
    for fmt in _FAST:
        parsed = pc.strptime(arr, format=fmt, unit="s", error_is_null=True)
        result = parsed if result is None else pc.coalesce(result, parsed)
        if result.null_count == arr.null_count:
            break
    assert result is not None  # _FAST is not empty
    # Years beyond what a nanosecond timestamp holds (1678-2261) are no incident dates.
    in_range = pc.and_(pc.greater_equal(result, _NS_RANGE[0]), pc.less_equal(result, _NS_RANGE[1]))
    keep = pc.fill_null(in_range, False)
    # Arrow rolls impossible days over (2021-02-30 -> 2021-03-02, 2021-04-31 -> 2021-05-01): a rolled-over
    # date lands on day 1-3, so only those rows are checked against the day written in the text.
    early = np.flatnonzero(
        pc.fill_null(pc.less_equal(pc.day(result), 3), False).to_numpy(zero_copy_only=False)
    )
    if len(early):
        written = pc.struct_field(pc.extract_regex(arr.take(early), r"^\s*\d{4}-\d{1,2}-(?P<d>\d{1,2})"), [0])
        rolled = pc.not_equal(pc.cast(written, pa.int64()), pc.day(result.take(early)))
        bad = early[pc.fill_null(rolled, True).to_numpy(zero_copy_only=False)]
        if len(bad):
            mask = np.zeros(len(arr), dtype=bool)
            mask[bad] = True
            keep = pc.and_(keep, pa.array(~mask))
    result = pc.if_else(keep, result, None)
    values = pc.cast(result, pa.timestamp("ns")).to_numpy(zero_copy_only=False)
    return pd.Series(values, index=text.index, dtype="datetime64[ns]")


def _parse_strings(text: pd.Series) -> pd.Series:
    """Parse non-empty strings into Stockholm timestamps, NaT where unreadable."""
    fast = _arrow_fast(text)
    out = _localize(fast)
    rest = fast.isna()
    if not rest.any():
        return out
    left = text[rest]
    has_tz = left.str.contains(_TZ_SUFFIX, regex=True)
    if has_tz.any():
        aware = pd.to_datetime(left[has_tz], format="ISO8601", errors="coerce", utc=True)
        out[has_tz[has_tz].index] = _localize(aware)
    naive = left[~has_tz]
    if len(naive):
        out[naive.index] = _localize(pd.to_datetime(naive, format="ISO8601", errors="coerce"))
    rest = out.isna()
    if rest.any():
        out[rest] = _parse_rest(text[rest])
    return out


def _parse_rest(text: pd.Series) -> pd.Series:
    """The slower passes, run only on what ISO 8601 could not read."""
    out = _empty_result(text.index)
    t = text.str.replace(r"\s+kl\.?\s*", " ", regex=True, case=False)
    t = t.str.replace(r"(\s\d{1,2})\.(\d{2})(?=(?::\d{2})?$)", r"\1:\2", regex=True)
    t = _swedish_short(t)
    t = t.str.replace(r"^(\d{1,2})[.\-](\d{1,2})[.\-](\d{2,4})", r"\1/\2/\3", regex=True)
    t = t.str.replace(r"[Tt](?=\d{1,2}:)", " ", regex=True).str.strip()
    # 24:00 is the end of the day (ISO 8601, "t.o.m. kl 24:00"): midnight of the next day.
    midnight = t.str.contains(r"\s24:00(?::00)?$", regex=True)
    t = t.str.replace(r"\s24:00(?::00)?$", " 00:00", regex=True)
    passes: list[tuple[str, pd.Series]] = [("ISO8601", t)]
    passes += [(fmt, t) for fmt in _DAYFIRST]
    named = t.str.replace(
        _MONTH_RE, lambda m: f"{m[3]}-{_MONTHS[m[2].lower()]:02d}-{int(m[1]):02d}", regex=True
    )
    passes.append(("ISO8601", named))
    for fmt, values in passes:
        rest = out.isna()
        if not rest.any():
            break
        parsed = pd.to_datetime(values[rest], format=fmt, errors="coerce")
        if parsed.notna().any():
            out[rest] = _localize(parsed)
    rest = out.isna()
    if rest.any():
        out[rest] = _from_numbers(pd.to_numeric(t[rest].str.replace(",", ".", regex=False), errors="coerce"))
    late = midnight & out.notna()
    if late.any():
        out[late] = _localize(out[late].dt.tz_localize(None) + pd.Timedelta(days=1))
    return out


_SHORT = r"^\d{2}-\d{2}-\d{2}(?=$|\s)"


def _swedish_short(t: pd.Series) -> pd.Series:
    """``25-03-04`` as Swedish writes it (ÅÅ-MM-DD, 2025-03-04), when every such date in the column reads
    that way; a column holding one that only reads day first (``31-12-24``) is left day first, whole."""
    short = t.str.contains(_SHORT, regex=True)
    if not short.any():
        return t
    ymd = pd.to_datetime(t[short].str[:8], format="%y-%m-%d", errors="coerce")
    if ymd.isna().any():
        return t
    out = t.copy()
    out[short] = ymd.dt.strftime("%Y-%m-%d") + t[short].str[8:]
    return out


def _from_numbers(num: pd.Series) -> pd.Series:
    """Excel serial dates (1 … 99 999 days since 1899-12-30) and yyyymmdd integers; NaT otherwise."""
    num = num.astype(float)
    out = _empty_result(num.index)
    ymd = (num >= 19000101) & (num <= 21001231) & (num == np.floor(num))
    if ymd.any():
        out[ymd] = _localize(
            pd.to_datetime(num[ymd].astype("int64").astype(str), format="%Y%m%d", errors="coerce")
        )
    serial = (num >= 1) & (num < 100_000)
    if serial.any():
        ms = (num[serial] * 86_400_000).round().astype("int64")
        out[serial] = _localize(_EXCEL_EPOCH + pd.to_timedelta(ms, unit="ms"))
    return out


_DEDUPE_MIN_ROWS = 5_000


def _distinct(values: pd.Series) -> tuple[np.ndarray, pd.Series] | None:
    """Integer codes and the distinct values of a text column when it repeats itself (a date column of a
    million rows holds a few thousand days): each distinct text is then parsed once. ``None`` when the
    column is short or mostly distinct. Missing values get code -1."""
    if values.dtype != "str" or len(values) < _DEDUPE_MIN_ROWS:
        return None
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) * 4 > len(values):
        return None
    return codes, pd.Series(uniques, dtype="str")


def distinct_texts(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Integer codes (-1 where missing) and the distinct values of a column, for parsing each distinct
    value once; a short or mostly distinct column comes back as it is (codes 0 … n-1)."""
    distinct = _distinct(values)
    if distinct is not None:
        return distinct
    return np.arange(len(values)), values.reset_index(drop=True)


def _take(
    parsed: pd.Series, bad: np.ndarray, codes: np.ndarray, index: pd.Index
) -> tuple[pd.Series, np.ndarray]:
    """Per-row results from results per distinct value (code -1: missing, so NaT and not bad)."""
    out = pd.Series(parsed.array.take(codes, allow_fill=True), index=index)
    return out, np.where(codes >= 0, bad[np.maximum(codes, 0)], False)


def wall_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Like :func:`parse_datetimes` but the Stockholm wall-clock time without a zone (naive), for adding a
    separate time of day; each distinct text is parsed once."""
    distinct = _distinct(values)
    if distinct is not None:
        codes, uniques = distinct
        ts, bad = parse_datetimes(uniques)
        return _take(ts.dt.tz_localize(None), bad, codes, values.index)
    ts, bad = parse_datetimes(values)
    return ts.dt.tz_localize(None), bad


def parse_datetimes(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read a column of dates into tz-aware Europe/Stockholm timestamps.

    Returns
    -------
    (timestamps, bad)
        ``timestamps`` aligned with ``values`` (NaT where empty or unreadable); ``bad`` is True where a value
        was present but could not be read.

    Examples
    --------
    >>> ts, bad = parse_datetimes(pd.Series(["2021-03-04 22:15", "4/3/2021", "20210304", "44259.5", "x", ""]))
    >>> [str(t) for t in ts]
    ['2021-03-04 22:15:00+01:00', '2021-03-04 00:00:00+01:00', '2021-03-04 00:00:00+01:00', \
'2021-03-04 12:00:00+01:00', 'NaT', 'NaT']
    >>> bad.tolist()
    [False, False, False, False, True, False]
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype):
        out = _localize(values)
        return out, np.zeros(len(values), dtype=bool)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        out = _from_numbers(values)
        return out, (values.notna() & out.isna()).to_numpy()
    distinct = _distinct(values)
    if distinct is not None:
        codes, uniques = distinct
        return _take(*parse_datetimes(uniques), codes, values.index)
    if values.dtype == "str":  # text columns (CSV): no per-cell Python objects at all
        text = values.str.strip()
        present = (text.fillna("") != "").to_numpy(dtype=bool)
        if present.all():
            out = _parse_strings(text)
        else:
            out = _empty_result(values.index)
            if present.any():
                out[present] = _parse_strings(text[present])
        return out, present & out.isna().to_numpy()
    out = _empty_result(values.index)
    obj = values.astype(object)
    is_dt = (
        obj.map(lambda v: isinstance(v, dt.date), na_action="ignore").fillna(False).astype(bool)
        if values.dtype == object
        else pd.Series(False, index=values.index)
    )
    if is_dt.any():
        stamps = obj[is_dt].map(pd.Timestamp)
        zoned = stamps.map(lambda t: t.tzinfo is not None).astype(bool)
        if zoned.all() or not zoned.any():  # one kind: as before
            out[is_dt] = _localize(pd.to_datetime(stamps, utc=zoned.all() or None))
        else:  # aware and naive cells in one column: each kind on its own, then together in Stockholm time
            out[stamps.index[zoned]] = _localize(pd.to_datetime(stamps[zoned], utc=True))
            out[stamps.index[~zoned]] = _localize(pd.to_datetime(stamps[~zoned]))
    is_num = pd.Series(False, index=values.index)
    if values.dtype == object:
        is_num = obj.map(lambda v: isinstance(v, int | float) and not isinstance(v, bool), na_action="ignore")
        is_num = is_num.fillna(False).astype(bool)
        if is_num.any():
            out[is_num] = _from_numbers(obj[is_num].astype(float))
    text = values[~is_dt & ~is_num & values.notna()].astype("str").str.strip()
    text = text[(text != "") & (text.str.lower() != "nan") & (text.str.lower() != "nat")]
    if len(text):
        out[text.index] = _parse_strings(text)
    present = (is_dt | is_num) & values.notna()
    present[text.index] = True
    return out, (present & out.isna()).to_numpy()


def parse_times(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Read a column of times of day (``22:15``, ``7:32:06``, ``22.15``, ``2215``, ``kl 22``, Excel
    fractions and time cells) into timedeltas; returns ``(timedeltas, bad)`` like :func:`parse_datetimes`.

    >>> td, bad = parse_times(pd.Series(["22:15", "7:32:06", "2215", "kl 9", "25:00", ""]))
    >>> [str(t) for t in td], bad.tolist()
    (['0 days 22:15:00', '0 days 07:32:06', '0 days 22:15:00', '0 days 09:00:00', 'NaT', 'NaT'], \
[False, False, False, False, True, False])
    """
    distinct = _distinct(values)
    if distinct is not None:
        codes, uniques = distinct
        return _take(*parse_times(uniques), codes, values.index)
    out = pd.Series(pd.NaT, index=values.index, dtype="timedelta64[ns]")
    obj = values
    if values.dtype == object:
        obj = values.map(
            lambda v: v.strftime("%H:%M:%S") if isinstance(v, dt.time | dt.datetime) else v,
            na_action="ignore",
        )
    num = (
        pd.to_numeric(obj, errors="coerce")
        if values.dtype != "str"
        else pd.Series(np.nan, index=values.index)
    )
    frac = num.notna() & (num >= 0) & (num < 1) & ~obj.astype("str").str.contains(":", regex=False)
    if frac.any():
        out[frac] = pd.to_timedelta((num[frac] * 86400).round(), unit="s")
    t = obj[~frac & obj.notna()].astype("str").str.strip().str.lower()
    t = t[(t != "") & (t != "nan") & (t != "none")]
    t = t.str.replace(r"^kl\.?\s*", "", regex=True).str.replace(".", ":", regex=False)
    t = t.str.replace(r"^(\d{1,2})(\d{2})$", r"\1:\2", regex=True).str.replace(
        r"^(\d{1,2})$", r"\1:00", regex=True
    )
    t = t.str.replace(r"^(\d{1,2}:\d{2})$", r"\1:00", regex=True)
    t = t.str.replace(r"^24:00:00$", "1 days 00:00:00", regex=True)  # 24:00, the end of the day
    ok = t.str.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d:[0-5]\d(\:\d+)?|1 days 00:00:00")
    good = t[ok]
    if len(good):
        out[good.index] = pd.to_timedelta(
            good.str.replace(r"^(\d{1,2}:\d{2}:\d{2}):\d+$", r"\1", regex=True), errors="coerce"
        )
    present = frac.copy()
    present[t.index] = True
    return out, (present & out.isna()).to_numpy()
