"""Coordinates written in degrees, minutes and seconds (``59°19'45.5"N``, ``59 19 45,5 N``,
``N 59° 19.758'``) read as decimal degrees.

Only the cells a plain number parse left unread are looked at, each distinct text once. A cell is read only
when it is unambiguous: degrees, then optional minutes (under 60) and seconds (under 60; none after decimal
minutes), marked by a degree, minute or second sign or by a hemisphere letter (N/S for a latitude, E/W or
Swedish Ö/V for a longitude; S and W are negative). A cell that fails these rules stays unread, and its row
becomes ``bad_coordinates`` as any other unreadable coordinate. No library in the dependencies reads this
notation (geopy's ``Point`` parses a whole "lat lon" string only and accepts minutes over 60), so it is a
regular expression here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["dms_degrees", "dms_pair", "fill_dms", "fill_dms_columns", "fill_dms_pairs"]

_NUM = r"\d{1,3}(?:[.,]\d+)?"
_DMS = re.compile(
    rf"""\s*(?P<h1>[NSEWÖVnsewöv])?\s*
    (?P<minus>[-\u2212])?(?P<deg>{_NUM})\s*(?P<dsign>°|º|˚|d(?:eg)?\b)?\s*
    (?:(?P<min>{_NUM})\s*(?P<msign>['′’´`]|m(?:in)?\b)?\s*
       (?:(?P<sec>{_NUM})\s*(?P<ssign>"|″|''|′′|”|s(?:ek|ec)?\b)?\s*)?)?
    (?P<h2>[NSEWÖVnsewöv])?\.?\s*""",
    re.VERBOSE,
)
_HEMI = {"n": ("lat", 1), "s": ("lat", -1), "e": ("lon", 1), "ö": ("lon", 1), "w": ("lon", -1),
         "v": ("lon", -1)}  # fmt: skip


def dms_degrees(text: str) -> tuple[float, str | None] | None:
    """Decimal degrees of one cell and the axis its hemisphere letter names (``None`` when it has none), or
    ``None`` when the cell is no unambiguous degrees-minutes-seconds value.

    >>> dms_degrees('59°19\\'45.5"N')
    (59.32930555555556, 'lat')
    >>> dms_degrees("59 19 45,5 N")
    (59.32930555555556, 'lat')
    >>> dms_degrees("N 59° 19.758'")
    (59.3293, 'lat')
    >>> dms_degrees("18°04'07\\"E")
    (18.06861111111111, 'lon')
    >>> dms_degrees("59 75 10 N") is None  # 75 minutes
    True
    >>> dms_degrees("59,3293° N")
    (59.3293, 'lat')
    """
    m = _DMS.fullmatch(text)
    if m is None or (m["h1"] and m["h2"]):
        return None
    hemi = (m["h1"] or m["h2"] or "").lower()
    if not (hemi or m["dsign"] or m["msign"] or m["ssign"]) or (m["min"] is None and m["msign"]):
        return None  # "59" or "59 19" alone: a plain or spaced number, read elsewhere or not at all
    deg = float(m["deg"].replace(",", "."))
    minutes = float(m["min"].replace(",", ".")) if m["min"] else 0.0
    sec = float(m["sec"].replace(",", ".")) if m["sec"] else 0.0
    if (m["sec"] and not minutes.is_integer()) or minutes >= 60 or sec >= 60 or deg > 180:
        return None
    if not deg.is_integer() and (minutes or sec):
        return None
    axis, sign = _HEMI.get(hemi, (None, 1))
    if m["minus"]:
        if hemi:  # "-59°19'N": two signs
            return None
        sign = -1
    return sign * (deg + minutes / 60 + sec / 3600), axis


def fill_dms(
    values: pd.Series | None, numbers: NDArray[np.float64], axis: Literal["lat", "lon"]
) -> tuple[NDArray[np.float64], int, int]:
    """``numbers`` with the cells a number parse left NaN read as degrees-minutes-seconds where they are
    (a hemisphere letter of the other axis makes the cell unreadable); also how many cells were read and
    how many looked like such a value (a degree sign or a hemisphere letter) but could not be read."""
    if values is None:
        return numbers, 0, 0
    text = values.reset_index(drop=True)
    todo = np.isnan(numbers) & text.notna().to_numpy(dtype=bool)
    if not todo.any():
        return numbers, 0, 0
    cells = text[todo].astype("str")
    todo_cells = cells[cells.str.contains(r"[°º˚'′\"″NSEWÖVnsewöv]|\d\s+\d", regex=True)]
    if todo_cells.empty:
        return numbers, 0, 0
    parsed = {}
    for cell in pd.unique(todo_cells):  # distinct texts only
        got = dms_degrees(str(cell))
        parsed[cell] = np.nan if got is None or got[1] not in (None, axis) else got[0]
    read = todo_cells.map(parsed).to_numpy(dtype=float)
    out = numbers.copy()
    out[todo_cells.index.to_numpy()] = read
    marked = todo_cells.str.contains(r"[°º˚]|\d\s*[NSEWÖVnsewöv]\.?\s*$|^\s*[NSEWÖVnsewöv]\s*\d", regex=True)
    unread = int((np.isnan(read) & marked.to_numpy(dtype=bool)).sum())
    return out, int(np.isfinite(read).sum()), unread


_GAP = re.compile(r"[\s,;/]+")


def dms_pair(text: str) -> tuple[float, float] | None:
    """Latitude and longitude from one cell holding both in degrees, minutes and seconds, the latitude
    first (``59°19'45.5"N 18°04'07"E``, ``N 59° 19.758', E 18° 4.1'``), or ``None``: every gap (blanks,
    comma, semicolon, slash) is tried as the cut, and exactly one must give a latitude then a longitude.

    >>> dms_pair("59°19.5'N, 18°04.5'E")
    (59.325, 18.075)
    >>> dms_pair("N 59° 19.758' E 18° 4.1'")
    (59.3293, 18.06833333333333)
    """
    found = set()
    for gap in _GAP.finditer(text):
        lat, lon = dms_degrees(text[: gap.start()]), dms_degrees(text[gap.end() :])
        if lat is not None and lon is not None and lat[1] in ("lat", None) and lon[1] in ("lon", None):
            found.add((lat[0], lon[0]))
    return found.pop() if len(found) == 1 else None


def fill_dms_columns(
    lat_values: pd.Series | None,
    lon_values: pd.Series | None,
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    names: str,
    notes: list[str],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Latitude and longitude cells (columns ``names``) written in degrees, minutes and seconds read into
    ``lat``/``lon``, with a line in ``notes`` of how many were read and how many were not."""
    lat, read_a, bad_a = fill_dms(lat_values, lat, "lat")
    lon, read_b, bad_b = fill_dms(lon_values, lon, "lon")
    if read_a or read_b:
        notes.append(
            f"{read_a} latitude and {read_b} longitude cells of {names} are in degrees, minutes and "
            "seconds; read"
        )
    if bad_a or bad_b:
        notes.append(
            f"{bad_a + bad_b} cells of {names} look like degrees, minutes and seconds but cannot be read "
            "unambiguously (minutes or seconds of 60 or more, a hemisphere letter of the other axis, seconds "
            "after decimal minutes); rejected as bad_coordinates. Write them as 59°19'45.5\"N or as decimal "
            "degrees"
        )
    return lat, lon


def fill_dms_pairs(
    text: pd.Series, lat: NDArray[np.float64], lon: NDArray[np.float64], notes: list[str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One coordinates column's cells that hold both values in degrees, minutes and seconds
    (:func:`dms_pair`) read into ``lat``/``lon``, with lines in ``notes``."""
    todo = (np.isnan(lat) | np.isnan(lon)) & (text != "").to_numpy(dtype=bool)
    if not todo.any():
        return lat, lon
    cells = text[todo]
    pairs = {u: dms_pair(str(u)) for u in pd.unique(cells)}
    got = [pairs[c] for c in cells]
    hit = np.array([g is not None for g in got])
    marked = cells.str.contains(r"[°º˚]|\d\s*['′’\"″]", regex=True).to_numpy(dtype=bool)
    if (marked & ~hit).any():
        notes.append(
            f"{int((marked & ~hit).sum())} coordinates look like degrees, minutes and seconds but cannot be "
            "read unambiguously (minutes or seconds of 60 or more, hemisphere letters out of order); "
            "rejected as bad_coordinates. Write them as 59°19'45.5\"N 18°04'07\"E or as decimal degrees"
        )
    if hit.any():
        rows = np.flatnonzero(todo)[hit]
        lat, lon = lat.copy(), lon.copy()
        lat[rows] = [g[0] for g in got if g is not None]
        lon[rows] = [g[1] for g in got if g is not None]
        notes.append(f"{int(hit.sum())} coordinates in degrees, minutes and seconds read")
    return lat, lon
