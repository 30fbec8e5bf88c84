"""The export gate (plumbing of :mod:`trygghet_geo.output.privacy`): the k rule of :mod:`trygghet_geo._kgate`
with the text redacted (the places a shared output shows), and the grid of cells that counts what may not be
shown."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._kgate import DEFAULT_K, kept_places
from trygghet_geo._kgate import count_text as count_text  # the shared tables' '..' (re-exported)
from trygghet_geo.output._redact import redact_table

CELL_COUNT = "n_events"
"""Column of the cells table: the number of incidents aggregated into the cell."""


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
    kept = kept_places(places, hotspots, k=k)
    # reason_codes hold codes, vocabulary words and numbers only (and render nothing else): not redacted
    return kept if kept is None else redact_table(kept, skip=(schema.REASON_CODES,))


# --- rows listed one by one (the left-out tables) -----------------------------------------------------------
_DAY = re.compile(
    r"\s*(?P<month>(?:19|20)\d{2}-\d{2})-\d{2}(?:[T ]\d{1,2}[:.]\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?\s*"
)
_DAY_DMY = re.compile(r"\s*\d{1,2}[./]\d{1,2}[./](?P<y>(?:19|20)\d{2})(?:\s+\d{1,2}[:.]\d{2}(?::\d{2})?)?\s*")


def shared_rows(table: Any, coordinates: Any = ()) -> Any:
    """Rows listed one by one, as a shared file may list them: no record or case id, no coordinates, and
    dates by month.

    Each row of a left-out table is one incident or remark, alone: its source row says which it is to whoever
    has the file, and nothing else may point at it from outside. The ``record_id`` and ``case_id`` columns are
    dropped, and any other cell holding one of them (the file's own column of case numbers) is emptied; the
    canonical dates, and every cell that is a whole date or date and time (the file's own date column), are
    given by month (``"2024-05"``). Dates inside free text stay, as on the map. A row's place is not given
    either: ``lon``/``lat`` and the file's own columns named in ``coordinates`` (those the reader took the
    coordinates from) are dropped, since one row at its exact point is one incident alone there, which the
    shared map shows only where k share a cell (its ``source_row`` is what whoever made the file needs).
    """
    out = table.drop(columns=[c for c in (schema.LON, schema.LAT, *coordinates) if c in table.columns])
    ids = set()
    for col in (schema.RECORD_ID, schema.CASE_ID):
        if col in out.columns:
            ids |= {str(v) for v in out[col].dropna() if str(v).strip()}
            out = out.drop(columns=[col])
    for col in (schema.OCCURRED_AT, schema.OCCURRED_FROM, schema.OCCURRED_TO):
        if col in out.columns:
            when = pd.to_datetime(out[col], errors="coerce", utc=True).dt.tz_convert("Europe/Stockholm")
            out[col] = when.dt.strftime("%Y-%m").where(when.notna(), None)

    def cell(v: Any) -> Any:
        if isinstance(v, pd.Timestamp):
            return v.strftime("%Y-%m")
        if not isinstance(v, str):
            return v
        if v in ids or v.strip() in ids:
            return ""
        if (m := _DAY.fullmatch(v)) is not None:
            return m.group("month")
        if (m := _DAY_DMY.fullmatch(v)) is not None:  # 12/5/2024: the day hidden, month and year kept
            parts = re.split(r"[./\s]+", v.strip())
            return f"{m.group('y')}-{int(parts[1]):02d}"
        return v

    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if (
            pd.api.types.is_object_dtype(values.dtype)
            or isinstance(values.dtype, pd.StringDtype)
            or pd.api.types.is_datetime64_any_dtype(values.dtype)
        ):
            out.isetitem(i, values.astype(object).map(cell))
    return out


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
