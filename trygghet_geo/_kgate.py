"""The k rule of every shared output: a hotspot, and the place found from it, is shown only when it holds at
least ``k`` incidents, whatever ``min_samples`` the analysis used; ``k`` and the grid cell are checked here
so that no caller can loosen them.

The ranking (:mod:`trygghet_geo.rank`, which writes the places file) and the output stage
(:mod:`trygghet_geo.output.privacy`, which also redacts text and hides single points in cells) both apply
this rule from here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import ParameterError

__all__ = [
    "DEFAULT_K",
    "HIDDEN",
    "MIN_CELL_M",
    "check_gate",
    "count_text",
    "counts_shown",
    "gate_breakdown",
    "kept_places",
    "shared_density",
    "shared_density_mask",
    "shared_followup",
    "shared_hotspot_ids",
    "shared_hotspots",
    "shared_months",
    "shared_segments",
    "suppress_cells",
    "suppress_chain",
    "yield_windows",
]

DEFAULT_K = 5
"""Default ``k``: incidents a grid cell or a hotspot must hold to be shown in a shared export."""
HIDDEN = ".."
"""How every shared document writes a hidden count (one of 1..k-1, or one hidden so that such a count cannot
be worked out from the others): the statistics offices' "..", the same for both, so that the mark itself does
not say which is which (a "<5" beside a plain blank would bound the first and tell the second is at least
k). A data file (CSV, XLSX, GeoPackage) leaves the cell empty instead. Counts inside a sentence (a place's
reason, "<5 stölder senaste 6 mån") say "<k": they are only ever the primary kind."""
MIN_CELL_M = 50.0
"""Smallest grid cell a shared export accepts, metres: a finer grid would place single incidents."""


def check_gate(mode: str, k: Any, cell_m: Any) -> None:
    """Refuse a privacy mode, ``k`` or ``cell_m`` that would loosen a shared export (:class:`InputError`)."""
    if mode not in ("internal", "shared"):
        raise ParameterError(f"privacy mode must be 'internal' or 'shared', got {mode!r}")
    from trygghet_geo._validate import MAX_COUNT

    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= MAX_COUNT:
        raise ParameterError(f"k must be a whole number from 1 to {MAX_COUNT:,}, got {k!r}")
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
    return _gate_place_cells(_mask_few_incidents(places[keep.to_numpy()], hid[keep.to_numpy()], k), k)


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
    # the incidents' parts of the score are their counts scaled, and the score is their sum with the parts
    # still shown: all three blanked (the rank stays, it orders)
    trends = [schema.trend_window(w) for w in schema.WINDOWS_MONTHS]
    for col in (*trends, schema.SCORE, schema.score_of("incidents"), schema.score_of("recency")):
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


def _gate_reasons(
    out: Any, codes: np.ndarray, recent: dict[int, tuple[str, float, Any]], twelve_hidden: np.ndarray, k: int
) -> None:
    """The reason codes (and their line) of :func:`_gate_place_cells`: "<k" for a count under k, the
    percentage dropped where the half-year before held 1..k-1, "few reports" without its count where the
    12-month count is hidden for what a reader could subtract."""
    from trygghet_geo._reason import decode, encode

    for i in range(len(codes)):
        parts = decode(codes[i])
        if parts is None:
            continue
        kept: list[tuple[str, Mapping[str, Any]]] = []
        for code, v in parts:
            if code == "incidents_recent" and i in recent:
                r_cat, r_n, r_pct = recent[i]
                if r_n < k:
                    v = {
                        "category": r_cat,
                        "below": k,
                        "trend_pct": None,
                        "none_before": v.get("none_before"),
                    }
                elif (
                    r_pct is not None
                    and float(r_pct) > -100
                    and 0.5 < r_n * 100 / (100 + float(r_pct)) < k - 0.5
                ):
                    v = {**v, "trend_pct": None, "none_before": False}
            elif code == "few_reports" and "n" in v and twelve_hidden[i]:
                if not 0 < float(v["n"]) < k:
                    continue  # a count hidden for what a reader could subtract: the part goes
                v = {"below": k}
            kept.append((code, v))
        codes[i] = encode(kept)
    changed = codes != out[schema.REASON_CODES].astype(object).to_numpy()
    out[schema.REASON_CODES] = codes
    if schema.PLACE_REASON in out.columns and changed.any():
        from trygghet_geo._config import options
        from trygghet_geo._reason import reason_line

        reasons = out[schema.PLACE_REASON].astype(object).to_numpy().copy()
        for row in np.flatnonzero(changed):
            reasons[row] = reason_line(codes[row], options.lang) or ""
        out[schema.PLACE_REASON] = reasons


# reason parts that speak of a place's incidents one by one (counts, trends, busy hours)
_INCIDENT_PARTS = frozenset(("incidents_recent", "incidents_period", "when"))


def shared_hotspots(hotspots: Any, *, k: int = DEFAULT_K) -> Any:
    """The rows of a hotspots table that hold at least ``k`` incidents (``n_events``; without it, none)."""
    if hotspots is None or len(hotspots) == 0 or schema.HOTSPOT_ID not in hotspots.columns:
        return hotspots
    sizes = hotspots["n_events"] if "n_events" in hotspots.columns else np.zeros(len(hotspots))
    big = shared_hotspot_ids(hotspots[schema.HOTSPOT_ID], sizes=sizes, k=k)
    ids = pd.to_numeric(hotspots[schema.HOTSPOT_ID], errors="coerce")
    kept = hotspots[ids.isin(list(big)).to_numpy()]
    # its breakdown per category too: no cell of 1..k-1, nor one the total gives back
    kept = gate_breakdown(kept, [schema.n_of(c) for c in schema.INCIDENT_CATEGORIES], schema.N_EVENTS, k=k)
    if schema.N_TIME_UNKNOWN in kept.columns and len(kept):
        t, n = _column(kept, schema.N_TIME_UNKNOWN), _column(kept, schema.N_EVENTS)
        small = ((t > 0) & (t < k)) | ((n - t > 0) & (n - t < k))
        if small.any():
            kept = kept.copy()
            _blank(kept, schema.N_TIME_UNKNOWN, small)
    return kept


def counts_shown(counts: Any, total: Any = None, *, k: int = DEFAULT_K) -> bool:
    """Whether a shared export may show all of ``counts`` (the parts of one place's breakdown) as they
    are: none is 1..k-1 and ``total`` minus them is not either (:func:`suppress_cells`).

    >>> counts_shown([12, 7], 19), counts_shown([12, 7], 21), counts_shown([0, 9], None)
    (True, False, True)
    """
    tot = None if total is None else [total]
    return not bool(suppress_cells([list(counts)], tot, k=k).any())


def count_text(n: Any, k: int = DEFAULT_K) -> str:
    """A count as a shared document shows it: :data:`HIDDEN` from 1 to ``k - 1`` and where it is withheld
    (NaN, None), else the number (a 0 is no one).

    >>> count_text(3, 5), count_text(5, 5), count_text(0, 5), count_text(float("nan"), 5)
    ('..', '5', '0', '..')
    """
    if n is None or (isinstance(n, float | np.floating) and not math.isfinite(n)) or n is pd.NA:
        return HIDDEN
    return HIDDEN if 0 < int(n) < k else str(int(n))


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


# --- small cells inside a place that passes: primary and secondary suppression ------------------------------
def suppress_cells(parts: Any, total: Any = None, *, k: int = DEFAULT_K, hidden: Any = None) -> np.ndarray:
    """Which cells of a breakdown a shared export must leave empty (standard cell suppression).

    Each row is one place (segment, hotspot, area) and its columns the parts of one breakdown (counts per
    category, per time step, ...). A cell of 1..k-1 is suppressed (primary); then, where the row's ``total``
    is shown, the total minus the parts still shown must not be 1..k-1 either, so the smallest shown non-zero
    parts are suppressed too until it is 0 or at least ``k`` (secondary). A 0 is no one and stays.

    Parameters
    ----------
    parts : array-like, shape (n, m)
        The counts (NaN: not known, treated as already hidden).
    total : array-like, shape (n,), optional
        The shown total of each row (NaN: not shown, then no secondary suppression is needed).
    k : int
    hidden : array-like of bool, shape (n, m), optional
        Cells already hidden for another reason (they count as suppressed).

    Returns
    -------
    numpy.ndarray of bool, shape (n, m)
        True where the cell must be left empty.

    Examples
    --------
    >>> suppress_cells([[34, 2, 0]], [36], k=5).tolist()  # 36 - 34 would give the 2 back
    [[True, True, False]]
    >>> suppress_cells([[20, 12, 3]], [35], k=5).tolist()  # 35 - 20 - 12 = 3: the 12 goes as well
    [[False, True, True]]
    """
    values = np.asarray(parts, dtype=float)
    if values.ndim != 2:
        values = values.reshape(len(values), -1)
    known = np.nan_to_num(values, nan=0.0)
    mask: np.ndarray = np.isnan(values) | ((known > 0) & (known < k))
    if hidden is not None:
        mask |= np.asarray(hidden, dtype=bool)
    if total is None:
        return mask
    tot = np.asarray(total, dtype=float).reshape(-1)
    for i in np.flatnonzero(np.isfinite(tot)):
        residual = tot[i] - known[i][~mask[i]].sum()
        while 0 < residual < k:
            shown = np.flatnonzero(~mask[i] & (known[i] > 0))
            if len(shown) == 0:
                break
            j = shown[np.argmin(known[i][shown])]
            mask[i, j] = True
            residual += known[i, j]
    return mask


def suppress_chain(values: Any, *, k: int = DEFAULT_K, hidden: Any = None) -> np.ndarray:
    """Which counts of a nested chain (3, 6, 12 months, the whole period: each inside the next) to leave
    empty: every shown count is 0 or at least ``k``, and so is the difference of any two shown counts (the
    events of the months between them). The last column (the total) is kept as the others are judged
    against it; it is hidden only when it is 1..k-1 itself.

    >>> suppress_chain([[3, 10, 12, 30]], k=5).tolist()  # 3 is small; 12 - 10 = 2: the 10 goes
    [[True, True, False, False]]
    """
    v = np.asarray(values, dtype=float)
    mask: np.ndarray = np.isnan(v) | ((np.nan_to_num(v) > 0) & (np.nan_to_num(v) < k))
    if hidden is not None:
        mask |= np.asarray(hidden, dtype=bool)
    for i in range(len(v)):
        above = np.nan
        for j in range(v.shape[1] - 1, -1, -1):
            if mask[i, j]:
                continue
            if np.isfinite(above) and 0 < above - v[i, j] < k:
                mask[i, j] = True
                continue
            above = v[i, j]
    return mask


def _blank(out: Any, col: str, mask: np.ndarray) -> None:
    """Empty ``col`` where ``mask``: counts (``n_*``, ``count_*``, ``town_n_*``) stay whole (a nullable
    integer), other numbers become NaN."""
    values = pd.to_numeric(out[col], errors="coerce")
    whole = values.dropna()
    count = str(col).startswith(("n_", "count_", "town_n_"))
    if count and bool((np.isfinite(whole) & (whole == whole.round())).all()):
        out[col] = values.round().astype("Int64").mask(mask)
    else:
        out[col] = values.astype(float).where(~mask, np.nan)


def _blank_cells(out: Any, cols: list[str], mask: np.ndarray) -> None:
    """:func:`_blank` each column of ``cols`` in ``out`` where its column of the 2-D ``mask`` is True."""
    for j, col in enumerate(cols):
        if col in out.columns and mask[:, j].any():
            _blank(out, col, mask[:, j])


def _column(table: Any, col: str) -> np.ndarray:
    if col not in table.columns:
        return np.full(len(table), np.nan)
    return np.asarray(pd.to_numeric(table[col], errors="coerce").astype(float).to_numpy(), dtype=float)


def gate_breakdown(
    table: Any, parts: Any, total: str | None, *, k: int = DEFAULT_K, hidden: Any = None
) -> Any:
    """``table`` with the breakdown columns ``parts`` (counts whose sum is the column ``total``) cell
    suppressed (:func:`suppress_cells`); a copy, or the table itself when nothing is suppressed.

    Used for every breakdown a shared export shows: a place's or hotspot's incidents per category, a street
    segment's counts per time step."""
    cols = [c for c in parts if c in table.columns]
    if not cols or len(table) == 0:
        return table
    values = np.column_stack([_column(table, c) for c in cols])
    known = ~np.isnan(values)
    tot = None if total is None else _column(table, total)
    mask = suppress_cells(values, tot, k=k, hidden=hidden) & known
    if not mask.any():
        return table
    out = table.copy()
    _blank_cells(out, cols, mask)
    return out


def _gate_place_cells(places: Any, k: int) -> Any:
    """A shared place table's breakdowns: no count of 1..k-1 incidents, nor one a reader can subtract back.

    - incidents per category: :func:`suppress_cells` against ``n_incidents``;
    - the 3/6/12-month windows and the period: :func:`suppress_chain` (each window inside the next);
    - a window's change in percent: empty where its window is, or where the window before it holds 1..k-1
      (it follows from the count and the percentage);
    - incidents with no time of day: empty at 1..k-1, or when those with one are 1..k-1;
    - the reason's "n stölder senaste 6 mån": ``"<k"`` under k, its percentage dropped where the half-year
      before held 1..k-1; where the rest of the window or of the category would be 1..k-1, that window or
      category count is suppressed instead;
    - the score: its incident parts are the counts scaled (and the total is their sum with the parts shown),
      so where any incident count of the place is suppressed, ``score``, ``score_incidents`` and
      ``score_recency`` are empty (the rank stays).
    """
    if places is None or len(places) == 0 or schema.N_INCIDENTS not in places.columns:
        return places
    from trygghet_geo._reason import decode

    n = len(places)
    cats = [schema.n_of(c) for c in schema.INCIDENT_CATEGORIES]
    chain = [*(schema.n_window(w) for w in schema.WINDOWS_MONTHS), schema.N_INCIDENTS]
    total = _column(places, schema.N_INCIDENTS)
    force_cat = np.zeros((n, len(cats)), dtype=bool)
    force_chain = np.zeros((n, len(chain)), dtype=bool)
    codes = (
        places[schema.REASON_CODES].astype(object).to_numpy().copy()
        if schema.REASON_CODES in places
        else None
    )
    recent = {}  # row -> (category, n, trend_pct) of its reason's "n <category> in the last 6 months"
    if codes is not None:
        for i in range(n):
            for code, v in decode(codes[i]) or []:
                if code == "incidents_recent" and v.get("category") in schema.INCIDENT_CATEGORIES:
                    recent[i] = (str(v["category"]), float(v.get("n", np.nan)), v.get("trend_pct"))
        six = _column(places, schema.n_window(6))
        for i, (cat, m, _) in recent.items():
            if m >= k and 0 < six[i] - m < k:  # the window's other incidents would be 1..k-1
                force_chain[i, chain.index(schema.n_window(6))] = True
            in_cat = _column(places, schema.n_of(cat))[i]
            if m >= k and 0 < in_cat - m < k:  # the category's older incidents would be 1..k-1
                force_cat[i, cats.index(schema.n_of(cat))] = True
    cat_values = np.column_stack([_column(places, c) for c in cats])
    cat_mask = suppress_cells(cat_values, total, k=k, hidden=force_cat) & ~np.isnan(cat_values)
    chain_values = np.column_stack([_column(places, c) for c in chain])
    chain_mask = suppress_chain(chain_values, k=k, hidden=force_chain) & ~np.isnan(chain_values)
    out = places.copy()
    _blank_cells(out, cats, cat_mask)
    _blank_cells(out, chain, chain_mask)
    for j, w in enumerate(schema.WINDOWS_MONTHS):
        col = schema.trend_window(w)
        if col in out.columns:
            pct = _column(out, col)
            with np.errstate(divide="ignore", invalid="ignore"):  # -100 %, inf and NaN give no count
                before = chain_values[:, j] * 100.0 / (100.0 + pct)
                small = np.isfinite(before) & (before > 0.5) & (before < k - 0.5)
            _blank(out, col, chain_mask[:, j] | small)
    t = _column(places, schema.N_TIME_UNKNOWN)
    t_mask = ((t > 0) & (t < k)) | ((total - t > 0) & (total - t < k))
    if schema.N_TIME_UNKNOWN in out.columns:
        _blank(out, schema.N_TIME_UNKNOWN, t_mask & ~np.isnan(t))
    any_hidden = cat_mask.any(axis=1) | chain_mask.any(axis=1) | (t_mask & ~np.isnan(t))
    for col in (schema.SCORE, schema.score_of("incidents"), schema.score_of("recency")):
        if col in out.columns:
            _blank(out, col, any_hidden)
    if codes is not None:
        _gate_reasons(out, codes, recent, chain_mask[:, chain.index(schema.n_window(12))], k)
    return out


SEGMENT_VALUES = ("n_events", "trend_z", "trend_p", "n_steps_hot", "n_steps_cold", "pattern", "label")
"""The columns of an emerging-hotspot segment that come from its own incidents (besides ``count_<step>``)."""


def shared_segments(segments: Any, *, k: int = DEFAULT_K) -> Any:
    """The emerging-hotspot table (:func:`trygghet_geo.hotspots.emerging_hotspots`) as a shared file may
    carry it.

    Every street segment is kept (its ids, name and geometry), but on a segment of fewer than ``k``
    incidents, none included, everything its incidents make is left empty (:data:`SEGMENT_VALUES` and the
    counts per time step), so an empty row does not tell 0 from 1..k-1; this is the shared map's rule (it
    draws segments of at least ``k``). On the others the counts per time step are cell suppressed against
    ``n_events`` (:func:`suppress_cells`): no step of 1..k-1, nor one the total gives back.

    Examples
    --------
    >>> import pandas as pd
    >>> seg = pd.DataFrame({"n_events": [2, 9], "pattern": ["new", "new"], "count_2024-01": [2, 7],
    ...                     "count_2024-02": [0, 2]})
    >>> shared_segments(seg, k=5)[["n_events", "count_2024-01", "count_2024-02"]].to_dict("list")
    {'n_events': [None, 9], 'count_2024-01': [None, None], 'count_2024-02': [None, None]}
    """
    check_gate("shared", k, MIN_CELL_M)
    if segments is None or len(segments) == 0 or "n_events" not in segments.columns:
        return segments
    steps = [c for c in segments.columns if str(c).startswith("count_")]
    out = gate_breakdown(segments, steps, "n_events", k=k)
    out = out.copy() if out is segments else out
    few = ~(np.nan_to_num(_column(segments, "n_events"), nan=0.0) >= k)
    for col in (*SEGMENT_VALUES, *steps):
        if col not in out.columns or not few.any():
            continue
        if pd.api.types.is_numeric_dtype(out[col].dtype):
            _blank(out, col, few)
        else:
            out[col] = out[col].astype(object).where(~few, None)
    out.attrs = dict(segments.attrs)
    return out


# the follow-up table's statistics, which give its counts back: emptied with the counts they come from
_PLACE_STATS = (
    schema.CHANGE_PCT, schema.CI_LOW, schema.CI_HIGH, schema.DID_RATIO, schema.DID_CI_LOW, schema.DID_CI_HIGH,
    schema.P_VALUE, schema.DISPERSION, schema.P_VALUE_DISPERSED,
)  # fmt: skip
_TOWN_STATS = (
    schema.TOWN_CHANGE_PCT, schema.DID_RATIO, schema.DID_CI_LOW, schema.DID_CI_HIGH, schema.P_VALUE,
    schema.TOWN_DISPERSION, schema.P_VALUE_DISPERSED,
)  # fmt: skip


def shared_followup(follow: Any, *, k: int = DEFAULT_K, places: Any = None) -> Any:
    """A follow-up table (:func:`trygghet_geo.followup.compare_periods`) as a shared report shows it.

    A place's incidents before and after are shown both or neither: neither when one is 1..k-1 (the other
    and the place's total would give it back). Its counts per category of each period are cell suppressed
    against that period's count (:func:`suppress_cells`). Where a place's counts are empty, so are the
    statistics made from them (change, intervals, ratio to the town, p-values, dispersion); the same for the
    rest of the town's counts under ``k``. Whether a place did better than the town (``improved``) stays.

    ``places``: the places table shown in the same export (gated already): where a place's after count, or
    its before and after together, differs by 1..k-1 from the place's count over the period or its last 3,
    6 or 12 months shown there (windows that all end at the data's end, so nested), the pair is hidden too;
    per category the same against the place's count of the category
    (:func:`trygghet_geo._kgate_linked.cross_windows`).
    """
    check_gate("shared", k, MIN_CELL_M)
    if follow is None or len(follow) == 0 or schema.N_BEFORE not in follow.columns:
        return follow
    out = follow.copy()
    before, after = _column(follow, schema.N_BEFORE), _column(follow, schema.N_AFTER)
    few = np.isnan(before) | np.isnan(after)
    few |= ((before > 0) & (before < k)) | ((after > 0) & (after < k))
    for side, real in (("before", before), ("after", after)):
        cols = [c for c in follow.columns if str(c).startswith(f"n_{side}_")]
        if cols:  # against the period's real count, shown or not: hiding a total must not expose a part
            values = np.column_stack([_column(follow, c) for c in cols])
            _blank_cells(out, cols, suppress_cells(values, real, k=k) & ~np.isnan(values))
    if places is not None and schema.NAME in follow.columns and len(places):
        few |= _cross_places(out, follow, places, k)
    town_b, town_a = _column(follow, schema.TOWN_N_BEFORE), _column(follow, schema.TOWN_N_AFTER)
    town_few = ((town_b > 0) & (town_b < k)) | ((town_a > 0) & (town_a < k))
    for counts, mask in (
        ((schema.N_BEFORE, schema.N_AFTER), few),
        ((schema.TOWN_N_BEFORE, schema.TOWN_N_AFTER), town_few),
    ):
        for col in counts:
            if col in out.columns and mask.any():
                _blank(out, col, mask)
    for stats, mask in ((_PLACE_STATS, few), (_TOWN_STATS, town_few)):
        for col in stats:
            if col in out.columns and mask.any():
                _blank(out, col, mask)
    out.attrs = dict(follow.attrs)
    return out


def yield_windows(places: Any, follow: Any, *, k: int, windows: tuple[int, ...] = (3, 12)) -> Any:
    """``places`` (a shared places table) with its counts of the last ``windows`` months emptied where a
    follow-up table of the same export (``name``, ``n_before``, ``n_after``) shows the place's after count, or
    its before and after together, 1..k-1 away from them (the windows are nested: all end at the data's end).

    The report keeps its follow-up and gives up these windows instead (its places sheet is their only
    table; the period and the last 6 months, which the map shows too, are left to
    :func:`shared_followup`'s own check). Emptying a window of a chain gated by :func:`suppress_chain` opens
    no new difference under k (two nested differences of 0 or at least k add up to one), so the chain stays;
    the window's change in percent, the score and a reason's 12-month count go with it.
    """
    from trygghet_geo._kgate_linked import cross_windows

    if places is None or len(places) == 0 or follow is None or len(follow) == 0:
        return places
    by_name = follow.drop_duplicates(schema.NAME).set_index(schema.NAME)
    at = by_name.reindex(places[schema.NAME].astype(object).to_numpy())
    before, after = _column(at, schema.N_BEFORE), _column(at, schema.N_AFTER)
    mine = np.column_stack([after, before + after])
    out = places.copy()
    gone = np.zeros(len(out), dtype=bool)
    twelve = np.zeros(len(out), dtype=bool)
    for w in windows:
        col = schema.n_window(w)
        if col not in out.columns:
            continue
        hide = cross_windows(mine, _column(out, col)[:, None], k=k)
        if hide.any():
            _blank(out, col, hide)
            if schema.trend_window(w) in out.columns:
                _blank(out, schema.trend_window(w), hide)
            gone |= hide
            twelve |= hide if w == 12 else False
    for col in (schema.SCORE, schema.score_of("incidents"), schema.score_of("recency")):
        if col in out.columns and gone.any():
            _blank(out, col, gone)
    if schema.REASON_CODES in out.columns and twelve.any():
        codes = out[schema.REASON_CODES].astype(object).to_numpy().copy()
        _gate_reasons(out, codes, {}, twelve, k)
    return out


def _cross_places(out: Any, follow: Any, places: Any, k: int) -> np.ndarray:
    """:func:`shared_followup`'s check against the places shown beside it: the rows whose pair must go; the
    per-category pairs that must go are emptied in ``out`` here."""
    from trygghet_geo._kgate_linked import cross_windows

    shown = places.drop_duplicates(schema.NAME).set_index(schema.NAME)
    at = shown.reindex(follow[schema.NAME].astype(object).to_numpy())
    windows = [schema.N_INCIDENTS, *(schema.n_window(w) for w in schema.WINDOWS_MONTHS)]
    before, after = _column(follow, schema.N_BEFORE), _column(follow, schema.N_AFTER)
    mine = np.column_stack([after, before + after])
    rows: np.ndarray = cross_windows(mine, np.column_stack([_column(at, c) for c in windows]), k=k)
    for cat in schema.INCIDENT_CATEGORIES:
        b_col, a_col = f"n_before_{cat}", f"n_after_{cat}"
        if b_col not in follow.columns or a_col not in follow.columns:
            continue
        b, a = _column(out, b_col), _column(out, a_col)
        pair = cross_windows(np.column_stack([a, a + b]), _column(at, schema.n_of(cat))[:, None], k=k)
        pair |= np.isnan(a) | np.isnan(b)  # one of the pair hidden: the other with the category's count
        _blank(out, b_col, pair)
        _blank(out, a_col, pair)
    return rows


def shared_months(counts: Any, groups: Any, *, k: int = DEFAULT_K, keep: Any = ()) -> Any:
    """Monthly counts per place (a chart's bars) as a shared file may draw them: in each column but ``keep``,
    and within each group of months (the periods a table beside the chart totals), the months suppressed by
    :func:`suppress_cells` against the group's count are NaN (not drawn).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"Torget": [9, 2, 0, 7, 6]})
    >>> before, after = [True, True, True, False, False], [False, False, False, True, True]
    >>> shared_months(c, [before, after])["Torget"].tolist()  # 2 is small, and 11 - 9 would give it back
    [nan, nan, 0.0, 7.0, 6.0]
    """
    out = counts.astype(float)
    for col in out.columns:
        if col in keep:
            continue
        values = out[col].to_numpy(dtype=float)
        hide = np.zeros(len(values), dtype=bool)
        for group in groups:
            idx = np.flatnonzero(np.asarray(group, dtype=bool))
            if len(idx):
                hide[idx] = suppress_cells([values[idx]], [np.nansum(values[idx])], k=k)[0]
        out[col] = np.where(hide, np.nan, values)
    return out
