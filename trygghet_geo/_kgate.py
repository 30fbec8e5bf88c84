"""The k rule of every shared output: a hotspot, and the place found from it, is shown only when it holds at
least ``k`` incidents, whatever ``min_samples`` the analysis used; ``k`` and the grid cell are checked here
so that no caller can loosen them.

The ranking (:mod:`trygghet_geo.rank`, which writes the places file) and the output stage
(:mod:`trygghet_geo.output.privacy`, which also redacts text and hides single points in cells) both apply
this rule from here.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import ParameterError

__all__ = [
    "DEFAULT_K",
    "MIN_CELL_M",
    "check_gate",
    "count_text",
    "kept_places",
    "shared_density",
    "shared_density_mask",
    "shared_hotspot_ids",
    "shared_hotspots",
]

DEFAULT_K = 5
"""Default ``k``: incidents a grid cell or a hotspot must hold to be shown in a shared export."""
MIN_CELL_M = 50.0
"""Smallest grid cell a shared export accepts, metres: a finer grid would place single incidents."""


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


def kept_places(places: Any, hotspots: Any = None, *, k: int = DEFAULT_K) -> Any:
    """The ranked places a shared export may show (the output redacts their text, not this function).

    A place found from a hotspot is kept only when the hotspot holds at least ``k`` incidents (the hotspots
    table's ``n_events`` when ``hotspots`` is given, else the place's ``n_incidents``); places found from
    safety-walk remarks alone (``hotspot_id`` -1) stay. Row order
    and columns are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame({"hotspot_id": [0, 1, -1], "n_incidents": [9, 2, 0], "name": ["A", "B", "C"]})
    >>> kept_places(places, k=5)["name"].tolist()
    ['A', 'C']
    """
    check_gate("shared", k, MIN_CELL_M)
    if places is None or len(places) == 0 or schema.HOTSPOT_ID not in places.columns:
        return places
    hid = pd.to_numeric(places[schema.HOTSPOT_ID], errors="coerce").fillna(-1).astype(np.int64)
    if hotspots is not None and schema.HOTSPOT_ID in hotspots.columns and "n_events" in hotspots.columns:
        big = shared_hotspot_ids(hotspots[schema.HOTSPOT_ID], sizes=hotspots["n_events"], k=k)
        keep = (hid < 0) | hid.isin(list(big))
    elif "n_incidents" in places.columns:
        n = pd.to_numeric(places["n_incidents"], errors="coerce").fillna(0)
        keep = (hid < 0) | (n >= k)
    else:
        keep = hid < 0
    return _mask_few_incidents(places[keep.to_numpy()], hid[keep.to_numpy()], k)


def _mask_few_incidents(places: Any, hid: Any, k: int) -> Any:
    """A place found from remarks alone (``hotspot_id`` -1) is shown whatever incidents lie there; when they
    are fewer than ``k`` (but some), its incident counts, trends and time profile are blanked (NaN, "") and
    its reason says ``"<k"`` police reports: incidents nearly alone at a place are not counted exactly."""
    if schema.N_INCIDENTS not in places.columns:
        return places
    n = pd.to_numeric(places[schema.N_INCIDENTS], errors="coerce").fillna(0).to_numpy()
    few = (hid.to_numpy() < 0) & (n > 0) & (n < k)
    if not few.any():
        return places
    out = places.copy()
    counts = [
        schema.N_INCIDENTS,
        schema.N_TIME_UNKNOWN,
        *(schema.n_of(c) for c in schema.INCIDENT_CATEGORIES),
    ]
    counts += [schema.n_window(w) for w in schema.WINDOWS_MONTHS]
    for col in counts:  # whole numbers stay whole: a nullable integer, missing where blanked
        if col in out.columns:
            values = pd.to_numeric(out[col], errors="coerce").round().astype("Int64")
            out[col] = values.mask(few)
    # the incidents' parts of the score are their counts scaled: blanked too (the total score stays, it ranks)
    trends = [schema.trend_window(w) for w in schema.WINDOWS_MONTHS]
    for col in (*trends, schema.score_of("incidents"), schema.score_of("recency")):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~few, np.nan)
    for col in (schema.DOMINANT_HOURS, schema.DOMINANT_WEEKDAYS):
        if col in out.columns:
            out[col] = out[col].astype(object).where(~few, "")
    if schema.REASON_CODES in out.columns:
        from trygghet_geo._config import options
        from trygghet_geo._reason import decode, encode, reason_line

        rows = np.flatnonzero(few)
        codes = out[schema.REASON_CODES].astype(object).to_numpy().copy()
        reasons = (
            out[schema.PLACE_REASON].astype(object).to_numpy().copy() if schema.PLACE_REASON in out else None
        )
        for i in rows:
            parts = decode(codes[i]) or []
            kept = [
                (c, {"below": k} if c == "few_reports" else v) for c, v in parts if c not in _INCIDENT_PARTS
            ]
            codes[i] = encode(kept)
            if reasons is not None:
                reasons[i] = reason_line(kept, options.lang) or ""
        out[schema.REASON_CODES] = codes
        if reasons is not None:
            out[schema.PLACE_REASON] = reasons
    return out


# reason parts that speak of a place's incidents one by one (counts, trends, busy hours)
_INCIDENT_PARTS = frozenset(("incidents_recent", "incidents_period", "when"))


def shared_hotspots(hotspots: Any, *, k: int = DEFAULT_K) -> Any:
    """The rows of a hotspots table that hold at least ``k`` incidents (``n_events``; without it, none)."""
    if hotspots is None or len(hotspots) == 0 or schema.HOTSPOT_ID not in hotspots.columns:
        return hotspots
    sizes = hotspots["n_events"] if "n_events" in hotspots.columns else np.zeros(len(hotspots))
    big = shared_hotspot_ids(hotspots[schema.HOTSPOT_ID], sizes=sizes, k=k)
    ids = pd.to_numeric(hotspots[schema.HOTSPOT_ID], errors="coerce")
    return hotspots[ids.isin(list(big)).to_numpy()]


def count_text(n: int, k: int = DEFAULT_K) -> str:
    """A count as a shared table shows it: ``"<k"`` from 1 to ``k - 1``, else the number (a 0 is no one).

    >>> count_text(3, 5), count_text(5, 5), count_text(0, 5)
    ('<5', '5', '0')
    """
    return f"<{k}" if 0 < n < k else str(n)


def shared_density_mask(lixels: Any, *, k: int = DEFAULT_K) -> np.ndarray:
    """The street pieces of a density table (:func:`trygghet_geo.network_kde`) a shared export may show: those
    whose density comes from at least ``k`` incidents (``count_within_bandwidth``). A piece with fewer
    peaks where its few incidents lie, so its value would place them."""
    counts = pd.to_numeric(lixels["count_within_bandwidth"], errors="coerce").to_numpy(dtype=float)
    keep: np.ndarray = np.nan_to_num(counts, nan=0.0) >= k
    return keep


def shared_density(lixels: Any, *, k: int = DEFAULT_K) -> Any:
    """The density table as a shared export may carry it: every street piece kept, but ``density`` and
    ``count_within_bandwidth`` left empty where fewer than ``k`` incidents make them
    (:func:`shared_density_mask`)."""
    keep = shared_density_mask(lixels, k=k)
    out = lixels.copy()
    out["density"] = out["density"].astype(float).where(keep)
    out["count_within_bandwidth"] = out["count_within_bandwidth"].astype("Int64").where(keep)
    return out
