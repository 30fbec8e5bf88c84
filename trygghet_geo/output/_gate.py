"""The export gate (plumbing of :mod:`trygghet_geo.output.privacy`): what a shared output may show of
hotspots, places and tables, and the limits on ``k`` and ``cell_m`` that no caller can loosen."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import ParameterError

DEFAULT_K = 5
"""Default ``k``: incidents a grid cell or a hotspot must hold to be shown in a shared export."""
CELL_COUNT = "n_events"
"""Column of the cells table: the number of incidents aggregated into the cell."""
MIN_CELL_M = 50.0
"""Smallest grid cell a shared export accepts, metres: a finer grid would place single incidents."""


def _redact(text: str) -> str:
    from collections import Counter

    from trygghet_geo.output._redact import KINDS, redact_text

    return redact_text(text, frozenset(KINDS), Counter())


def check_gate(mode: str, k: Any, cell_m: Any) -> None:
    """Refuse a privacy mode, ``k`` or ``cell_m`` that would loosen a shared export (:class:`InputError`)."""
    if mode not in ("internal", "shared"):
        raise ParameterError(f"privacy mode must be 'internal' or 'shared', got {mode!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ParameterError(f"k must be a positive integer, got {k!r}")
    if (
        isinstance(cell_m, bool)
        or not isinstance(cell_m, int | float | np.number)
        or not math.isfinite(cell_m)
    ):
        raise ParameterError(f"cell_m must be a number of metres, got {cell_m!r}")
    if cell_m <= 0 or (mode == "shared" and cell_m < MIN_CELL_M):
        raise ParameterError(
            f"cell_m must be at least {MIN_CELL_M:g} m in a shared export (a finer grid places single "
            f"incidents), got {cell_m!r}"
        )


def shared_hotspot_ids(hotspot_ids: Any, *, k: int = DEFAULT_K, sizes: Any = None) -> set[int]:
    """Hotspot ids that hold at least ``k`` incidents: the only hotspots a shared export may show.

    Parameters
    ----------
    hotspot_ids : array-like
        Without ``sizes``: every incident's ``hotspot_id`` (``-1`` outside a hotspot), counted per id.
        With ``sizes``: one id per hotspot.
    k : int
    sizes : array-like, optional
        The number of incidents each hotspot holds (a hotspots table's ``n_events``).

    Examples
    --------
    >>> sorted(shared_hotspot_ids([0, 0, 0, 1, 1, -1], k=3))
    [0]
    >>> sorted(shared_hotspot_ids([4, 7], sizes=[5, 2], k=5))
    [4]
    """
    check_gate("shared", k, MIN_CELL_M)
    ids = pd.to_numeric(pd.Series(np.asarray(hotspot_ids, dtype=object)), errors="coerce")
    if sizes is None:
        counted = ids[ids >= 0].value_counts()
        return {int(h) for h, n in counted.items() if n >= k}
    n = pd.to_numeric(pd.Series(np.asarray(sizes, dtype=object)), errors="coerce").fillna(0).to_numpy()
    return {int(h) for h, m in zip(ids.to_numpy(), n, strict=True) if h == h and h >= 0 and m >= k}


def shared_places(places: Any, hotspots: Any = None, *, k: int = DEFAULT_K) -> Any:
    """The ranked places a shared export may show, their text redacted.

    A place found from a hotspot is kept only when the hotspot holds at least ``k`` incidents (the hotspots
    table's ``n_events`` when ``hotspots`` is given, else the place's ``n_incidents``); places found from
    safety-walk remarks alone (``hotspot_id`` -1) stay. Text columns (name, reason) pass :func:`redact`.
    Row order and columns are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame({"hotspot_id": [0, 1, -1], "n_incidents": [9, 2, 0], "name": ["A", "B", "C"]})
    >>> shared_places(places, k=5)["name"].tolist()
    ['A', 'C']
    """
    check_gate("shared", k, MIN_CELL_M)
    if places is None or len(places) == 0 or schema.HOTSPOT_ID not in places.columns:
        return places if places is None else redact_table(places)
    hid = pd.to_numeric(places[schema.HOTSPOT_ID], errors="coerce").fillna(-1).astype(np.int64)
    if hotspots is not None and schema.HOTSPOT_ID in hotspots.columns and "n_events" in hotspots.columns:
        big = shared_hotspot_ids(hotspots[schema.HOTSPOT_ID], sizes=hotspots["n_events"], k=k)
        keep = (hid < 0) | hid.isin(list(big))
    elif "n_incidents" in places.columns:
        n = pd.to_numeric(places["n_incidents"], errors="coerce").fillna(0)
        keep = (hid < 0) | (n >= k)
    else:
        keep = hid < 0
    return redact_table(places[keep.to_numpy()])


def shared_hotspots(hotspots: Any, *, k: int = DEFAULT_K) -> Any:
    """The rows of a hotspots table that hold at least ``k`` incidents (``n_events``; without it, none)."""
    if hotspots is None or len(hotspots) == 0 or schema.HOTSPOT_ID not in hotspots.columns:
        return hotspots
    sizes = hotspots["n_events"] if "n_events" in hotspots.columns else np.zeros(len(hotspots))
    big = shared_hotspot_ids(hotspots[schema.HOTSPOT_ID], sizes=sizes, k=k)
    ids = pd.to_numeric(hotspots[schema.HOTSPOT_ID], errors="coerce")
    return hotspots[ids.isin(list(big)).to_numpy()]


def redact_table(table: Any, *, skip: Iterable[str] = ()) -> Any:
    """A copy of ``table`` with every text column, and numbers inside text columns, through :func:`redact`.

    The one pass every table a shared output carries takes (left-out rows, places). Columns in ``skip``
    (codes such as ``status``) and the geometry stay as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> redact_table(pd.DataFrame({"a": ["ring 070-123 45 67"], "pnr": [198503122395]})).iloc[0].tolist()
    ['ring [telefon]', '[personnummer]']
    """
    out = table.copy()
    geometry = out.geometry.name if hasattr(out, "geometry") and hasattr(out.geometry, "name") else None
    skipped = set(skip) | {geometry}
    for i, col in enumerate(out.columns):
        if col in skipped:
            continue
        values = out.iloc[:, i]
        if pd.api.types.is_object_dtype(values.dtype) or isinstance(values.dtype, pd.StringDtype):
            text = values.astype(object).map(lambda v: _redact(v) if isinstance(v, str) else v)
            # a number, or the digits of one read as text, whose leading 0 a spreadsheet dropped
            lost_zero = text.map(lambda v: isinstance(v, str) and len(v.strip()) == 9 and v.strip().isdigit())
            text = text.where(~lost_zero, text[lost_zero].map(lambda v: _redact_number(int(v))))
            out.isetitem(i, text.map(lambda v: _redact_number(v) if _is_number(v) else v))
        elif pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_float_dtype(values.dtype):
            red = values.astype(object).map(_redact_number)
            if (red.astype(str) != values.astype(object).astype(str)).any():
                out.isetitem(i, red)
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _redact_number(value: Any) -> Any:
    """A number that reads as an identity or phone number (Excel stores them as numbers) as its token."""
    if not _is_number(value) or (isinstance(value, float) and math.isnan(value)):
        return value
    f = float(value)
    if not f.is_integer() or abs(f) < 1e6:
        return value
    text = str(int(f))
    candidates = [text]
    if len(text) == 9:  # Excel drops a leading 0: an identity number born 2000-2009, a mobile 70 123 45 67
        candidates.append("0" + text)
    for t in candidates:
        red = _redact(t)
        if red != t and (t == text or red.startswith("[personnummer]") or text[0] == "7"):
            return red
    return value


# --- the grid of cells that counts what may not be shown -------------------------------------------------
def cells_table(
    ix: np.ndarray,
    iy: np.ndarray,
    rows: np.ndarray,
    incidents: Any,
    months: pd.Series,
    cell_m: float,
    crs: Any,
) -> Any:
    """One square polygon per grid cell holding the hidden incidents, with counts by category and month span.

    Plain numpy (unique cells, bincount), because a pandas crosstab over tens of thousands of small cells
    falls back to a Python loop per cell.
    """
    import geopandas as gpd
    from shapely import box

    cells, inverse = np.unique(np.column_stack([ix[rows], iy[rows]]), axis=0, return_inverse=True)
    inverse = inverse.ravel()
    n_cells = len(cells)
    table = pd.DataFrame({CELL_COUNT: np.bincount(inverse, minlength=n_cells)})
    cats = (
        incidents[schema.CATEGORY].astype("object").to_numpy()[rows]
        if schema.CATEGORY in incidents.columns
        else np.full(len(rows), "övrigt", dtype=object)
    )
    for cat in schema.INCIDENT_CATEGORIES:
        table[f"n_{cat}"] = np.bincount(inverse, weights=(cats == cat), minlength=n_cells).astype(np.int64)
    # "YYYY-MM" sorts like the months themselves; missing months take no part in first/last
    month = pd.Categorical(months.to_numpy()[rows])
    codes = month.codes.astype(np.int64)
    big = len(month.categories)
    first = np.full(n_cells, big, dtype=np.int64)
    last = np.full(n_cells, -1, dtype=np.int64)
    np.minimum.at(first, inverse, np.where(codes >= 0, codes, big))
    np.maximum.at(last, inverse, codes)
    names = np.asarray(month.categories, dtype=object)
    table["first_month"] = pd.Series([names[c] if c < big else None for c in first], dtype=object)
    table["last_month"] = pd.Series([names[c] if c >= 0 else None for c in last], dtype=object)
    x0, y0 = cells[:, 0] * cell_m, cells[:, 1] * cell_m
    geoms = box(x0, y0, x0 + cell_m, y0 + cell_m)
    return gpd.GeoDataFrame(table, geometry=np.asarray(geoms), crs=crs)


def empty_cells(crs: Any) -> Any:
    import geopandas as gpd

    cols = {CELL_COUNT: pd.Series(dtype="int64")}
    cols.update({f"n_{cat}": pd.Series(dtype="int64") for cat in schema.INCIDENT_CATEGORIES})
    cols.update({"first_month": pd.Series(dtype=object), "last_month": pd.Series(dtype=object)})
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def grid_cells(x: np.ndarray, y: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column and row of each point's ``cell_m`` grid cell and how many located points share it (0: none)."""
    located = np.isfinite(x)
    ix = np.zeros(len(x), dtype=np.int64)
    iy = np.zeros(len(x), dtype=np.int64)
    ix[located] = np.floor(x[located] / cell_m).astype(np.int64)
    iy[located] = np.floor(y[located] / cell_m).astype(np.int64)
    size = np.zeros(len(x), dtype=np.int64)
    if located.any():
        _, inverse, counts = np.unique(
            np.column_stack([ix[located], iy[located]]), axis=0, return_inverse=True, return_counts=True
        )
        size[located] = counts[inverse.ravel()]
    return ix, iy, size


def count_text(n: int, k: int = DEFAULT_K) -> str:
    """A count as a shared table shows it: ``"<k"`` below ``k``, else the number.

    >>> count_text(3, 5), count_text(5, 5), count_text(0, 5)
    ('<5', '5', '<5')
    """
    return f"<{k}" if n < k else str(n)
