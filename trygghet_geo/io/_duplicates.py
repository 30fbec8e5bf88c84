"""Rows that repeat another row: the same id, or the same time, place and category (and, for remarks, the
same note and measure), decided on integer codes of the columns, never on Python objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trygghet_geo.io._dates import utc_ns
from trygghet_geo.io._values import factorize

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["case_offence_codes", "combine_codes", "find_duplicates", "text_codes"]


def text_codes(values: pd.Series, *, lower: bool = False) -> NDArray[np.int32]:
    """Integer codes of text values (equal text, equal code); with ``lower`` case is ignored. The distinct
    values are lowered, not the column, so a million rows with a thousand places cost a thousand lowerings."""
    codes, uniques = factorize(values)
    if lower and len(uniques):
        remap = pd.factorize(pd.Index(uniques).astype("str").str.lower())[0].astype(np.int32)
        codes = np.where(codes >= 0, np.append(remap, -1)[codes], np.int32(-1))
    return codes


def combine_codes(*columns: np.ndarray) -> NDArray[np.int64]:
    """One int64 code per distinct tuple of the given non-negative integer columns: mixed-radix arithmetic
    when the product of the ranges fits in int64 (no hashing at all), else factorised step by step."""
    cols = [np.asarray(c, dtype=np.int64) for c in columns]
    cols = [c - c.min(initial=0) for c in cols]
    radix = [int(c.max(initial=0)) + 1 for c in cols]
    if np.prod([float(r) for r in radix]) < 2.0**62:
        key = np.zeros(cols[0].shape[0], dtype=np.int64)
        for c, r in zip(cols, radix, strict=True):
            key = key * r + c
        return key
    key = np.asarray(pd.factorize(cols[0])[0], dtype=np.int64)
    for c in cols[1:]:
        code = np.asarray(pd.factorize(c)[0], dtype=np.int64)
        key = np.asarray(pd.factorize(key * (int(code.max(initial=0)) + 1) + code)[0], dtype=np.int64)
    return key


def find_duplicates(
    record_id: pd.Series,
    occurred: pd.Series,
    place: pd.Series,
    lon: np.ndarray,
    lat: np.ndarray,
    category_code: np.ndarray,
    candidates: np.ndarray,
    published: pd.Series | None,
    *,
    eligible: np.ndarray | None = None,
    extra: Callable[[], tuple[np.ndarray, ...]] = tuple,
    id_code: np.ndarray | None = None,
    place_code: np.ndarray | None = None,
) -> np.ndarray:
    """Rows that repeat another row (same id; or same time, place and category): True for all but the latest
    version of each, "latest" by publication time where the source has one, else by position in the file.

    Only ``eligible`` rows take part in the content rule; ``extra()`` gives integer columns that join its
    key (the note and measure of observations), made only when some row takes part. Works on integer codes
    (factorised text, nanoseconds, rounded coordinates), never on Python objects; ``id_code`` and
    ``place_code`` are the codes of ``record_id`` and of ``place`` (case ignored) when the caller has them
    already.
    """
    n = len(record_id)
    order = None  # position in the file; rows in that order are np.flatnonzero(mask), no index column
    if published is not None:
        order = np.argsort(utc_ns(published), kind="stable")  # NaT is the int64 minimum: sorts first

    def in_order(mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask) if order is None else order[mask[order]]

    dup = np.zeros(n, dtype=bool)
    with_id = candidates & (record_id != "").to_numpy()
    if with_id.any():
        rows = in_order(with_id)
        # Hash the ids once into integer codes; "repeated" is then decided on integers.
        if id_code is None:
            id_code = text_codes(record_id)
        d = pd.Series(id_code[rows]).duplicated(keep="last").to_numpy()
        dup[rows[d]] = True
    no_place = (place == "").to_numpy()
    located = np.isfinite(lon) & np.isfinite(lat)
    t = utc_ns(occurred)
    content = candidates & ~dup & (t != np.iinfo(np.int64).min) & (~no_place | located)
    if eligible is not None:
        content &= eligible
    if content.any():
        rows = in_order(content)
        # Where: the place text (case ignored), or the coordinates to 1e-5 degrees for rows without text.
        r = rows[no_place[rows]]
        where = text_codes(place, lower=True) if place_code is None else place_code.copy()
        if len(r):
            xy = combine_codes(
                np.round(lon[r] * 1e5).astype(np.int64), np.round(lat[r] * 1e5).astype(np.int64)
            )
            where[r] = int(where.max(initial=0)) + 1 + pd.factorize(xy)[0]
        tt = t[rows] - t[rows].min()  # rows is not empty here
        if not (tt % 1_000_000_000).any():  # whole seconds (the usual case): a smaller radix
            tt //= 1_000_000_000
        key = combine_codes(tt, where[rows], category_code[rows], *(c[rows] for c in extra()))
        d = pd.Series(key).duplicated(keep="last").to_numpy()
        dup[rows[d]] = True
    return dup


def case_offence_codes(case_id: pd.Series, offence_code: pd.Series, raw_cat: pd.Series) -> NDArray[np.int64]:
    """One integer per distinct (case, offence): the offence is its code where given, else its text."""
    offence = text_codes(offence_code.where(offence_code != "", raw_cat), lower=True)
    return combine_codes(np.maximum(text_codes(case_id), 0), np.maximum(offence, 0))
