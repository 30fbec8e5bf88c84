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
    return places[keep.to_numpy()]


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
