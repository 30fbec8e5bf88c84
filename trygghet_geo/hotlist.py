"""The EST hot-list: the places and street pieces with the most events lately, against their own past.

Many local police areas and municipalities run the EST cycle (*Effektiv samordning för trygghet*): a weekly
hot-list, a monthly picture, a tertial analysis. :func:`hotlist` makes the weekly list (``days=7``) or the
monthly one (``days=28``); :func:`write_hotlist` writes it as one A4 page, ``hotlist.html`` and
``hotlist.docx``.

The statistic
-------------
For each unit (a ranked place, or a piece of street of about ``segment_m`` metres from
:func:`trygghet_geo.network.lixelize`), ``n_recent`` events fell in the last ``days`` days and
``n_baseline`` in the ``baseline_days`` before them (default 364: 52 whole weeks, so every weekday counts
alike). If the unit's rate had not changed, ``n_recent`` given ``n_recent + n_baseline`` would be binomial
with ``p = days / (days + baseline_days)``; ``p_value`` is the exact one-sided probability of at least
``n_recent`` (the binomial upper tail, as scipy's ``binomtest`` with ``alternative="greater"``), so a
unit that is *always* busy is not flagged, only one busier than its own past.
``expected = n_baseline * days / baseline_days`` and ``ratio = n_recent / expected``. Units are listed by
``n_recent`` (most first), then ``p_value``; ``rising`` is ``p_value < alpha``. The p-values are per
unit, not corrected for the many units looked at: the list is a prompt for a closer look, not a finding.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import ParameterError, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork
    from trygghet_geo.output._source import AnalysisLike

__all__ = ["HOTLIST_COLUMNS", "hotlist", "hotlist_of", "write_hotlist"]

HOTLIST_COLUMNS = (
    "kind",
    "name",
    "rank",
    "lixel_id",
    "n_recent",
    "n_baseline",
    "expected",
    "ratio",
    "p_value",
    "rising",
)
"""Columns of :func:`hotlist` (then ``geometry``)."""


def hotlist(
    incidents: gpd.GeoDataFrame,
    *,
    days: int = 7,
    baseline_days: int = 364,
    network: StreetNetwork | None = None,
    places: gpd.GeoDataFrame | None = None,
    end: Any = None,
    segment_m: float = 100.0,
    top: int = 10,
    alpha: float = 0.05,
) -> gpd.GeoDataFrame:
    """The places and street pieces with the most events in the last ``days`` days, against their baseline.

    Parameters
    ----------
    incidents : GeoDataFrame
        The canonical incidents (an analysis' ``incidents``): rows with status ``ok``, a street-level
        precision and a date count. ``hotspot_id`` (from the analysis) places them in ``places``.
    days : int
        The recent window, days (7 for the weekly list, 28 for the monthly one).
    baseline_days : int
        The days before the window that make each unit's own baseline (default 364).
    network : StreetNetwork, optional
        The street network; without it only places are listed.
    places : GeoDataFrame, optional
        The ranked places (``name``, ``rank``, ``hotspot_id``); without them only street pieces are listed.
    end : date, optional
        The last day of the window (inclusive); default the day of the last incident.
    segment_m : float
        Length of the street pieces, metres.
    top : int
        At most this many places and this many street pieces, each with at least one recent event.
    alpha : float
        ``rising`` is ``p_value < alpha``.

    Returns
    -------
    GeoDataFrame
        Places first, then street pieces, each by ``n_recent`` (most first) then ``p_value``: ``kind``
        (``"place"`` or ``"street"``), ``name`` (the place's, or the street's with its nearest crossing
        street: ``"Kajsaniemiallén vid Unionsgatan"``), ``rank`` (the place's rank; NaN for a street piece),
        ``lixel_id`` (-1 for a place), ``n_recent``, ``n_baseline``, ``expected``, ``ratio`` (inf when the
        baseline is empty), ``p_value``, ``rising``, and the geometry (the place polygon or the piece of
        street, metric CRS). ``attrs``: ``window`` and ``baseline`` ((start, end) inclusive dates),
        ``days``, ``baseline_days``, ``n_recent_total``, ``n_baseline_total`` (all counted incidents, every
        unit or none), ``alpha``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> when = pd.to_datetime(["2025-01-10"] * 2 + ["2025-12-30"] * 6).tz_localize("Europe/Stockholm")
    >>> inc = gpd.GeoDataFrame({"occurred_at": when, "category": "stöld", "hotspot_id": 0},
    ...                        geometry=[Point(5, 5)] * 8, crs="EPSG:3006")
    >>> pl = gpd.GeoDataFrame({"name": ["Torget"], "rank": [1], "hotspot_id": [0]},
    ...                       geometry=[box(0, 0, 10, 10)], crs="EPSG:3006")
    >>> h = hotlist(inc, places=pl, end="2025-12-31")
    >>> h[["name", "n_recent", "n_baseline", "rising"]].values.tolist()
    [['Torget', 6, 2, True]]
    """
    import geopandas as gpd

    from trygghet_geo import _validate

    # pandas dates end in 2262; numpy integers become Python ones (a uint8 overflows the date arithmetic)
    days = _validate.count("days", days, minimum=1, maximum=_validate.MAX_DAYS)
    baseline_days = _validate.count("baseline_days", baseline_days, minimum=1, maximum=_validate.MAX_DAYS)
    top = _validate.count("top", top, minimum=1)
    _validate.probability("alpha", alpha)
    _validate.metres("segment_m", segment_m)
    _validate.network("network", network, allow_none=True)
    if network is not None:
        _validate.pieces("segment_m", segment_m, float(network.edges["length_m"].sum()))
    _validate.table("places", places, allow_none=True)
    incidents = _validate.event_times("incidents", _validate.table("incidents", incidents))
    inc = _counted(incidents)
    window, baseline, recent, base = _windows(inc, days, baseline_days, end)
    parts = []
    if places is not None and len(places):
        parts.append(_place_rows(inc, places, recent, base))
    if network is not None:
        parts.append(_street_rows(inc, network, segment_m, recent, base))
    crs = network.crs if network is not None else (places.crs if places is not None else inc.crs)
    rows = [p for p in parts if len(p)]
    table = (
        pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=[*HOTLIST_COLUMNS, "geometry"])
    )
    table = _score(table, days, baseline_days, alpha)
    table = table[table["n_recent"] > 0]
    table = table.sort_values(
        ["kind", "n_recent", "p_value", "name"], ascending=[True, False, True, True], kind="stable"
    )
    table = table.groupby("kind", sort=False).head(top)
    table["kind"] = pd.Categorical(table["kind"], ["place", "street"])
    table = table.sort_values("kind", kind="stable").astype({"kind": str})
    out = gpd.GeoDataFrame(
        table[list(HOTLIST_COLUMNS)].reset_index(drop=True),
        geometry=list(table["geometry"]),
        crs=crs,
    )
    out.attrs = {
        "window": window,
        "baseline": baseline,
        "days": int(days),
        "baseline_days": int(baseline_days),
        "n_recent_total": int(recent.sum()),
        "n_baseline_total": int(base.sum()),
        "alpha": alpha,
    }
    return out


def _counted(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not isinstance(incidents, gpd.GeoDataFrame):
        raise SchemaError(f"incidents must be a GeoDataFrame, got {type(incidents).__name__}")
    if schema.OCCURRED_AT not in incidents.columns:
        raise SchemaError(f"incidents: missing column {schema.OCCURRED_AT!r}")
    keep = incidents[schema.OCCURRED_AT].notna().to_numpy().copy()
    keep &= ~(incidents.geometry.isna() | incidents.geometry.is_empty).to_numpy()
    if schema.STATUS in incidents.columns:
        keep &= (incidents[schema.STATUS] == "ok").to_numpy()
    if schema.PRECISION in incidents.columns:
        keep &= incidents[schema.PRECISION].isin(list(schema.STREET_PRECISION)).to_numpy()
    return incidents[keep]


def _windows(
    inc: gpd.GeoDataFrame, days: int, baseline_days: int, end: Any
) -> tuple[tuple[pd.Timestamp, pd.Timestamp], tuple[pd.Timestamp, pd.Timestamp], np.ndarray, np.ndarray]:
    when = inc[schema.OCCURRED_AT]
    tz = getattr(when.dt, "tz", None)
    local = when.dt.tz_localize(None) if tz is not None else when
    if end is None:
        if len(inc) == 0:
            raise ParameterError("no dated incident to make a hot-list of; pass end= to set the window")
        last = local.max().normalize()
    else:
        from trygghet_geo import _validate

        last = _validate.date("end", end)
        last = (last.tz_localize(None) if last.tzinfo else last).normalize()
    stop = last + pd.Timedelta(days=1)  # exclusive
    start = stop - pd.Timedelta(days=days)
    base_start = start - pd.Timedelta(days=baseline_days)
    recent = ((local >= start) & (local < stop)).to_numpy()
    base = ((local >= base_start) & (local < start)).to_numpy()
    one = pd.Timedelta(days=1)
    return (start, last), (base_start, start - one), recent, base


def _place_rows(
    inc: gpd.GeoDataFrame, places: gpd.GeoDataFrame, recent: np.ndarray, base: np.ndarray
) -> pd.DataFrame:
    for col in ("name", schema.HOTSPOT_ID):
        if col not in places.columns:
            raise SchemaError(f"places: missing column {col!r} (have {list(places.columns)})")
    if schema.HOTSPOT_ID not in inc.columns:
        raise SchemaError("incidents: no 'hotspot_id' column; pass an analysis' incidents with its places")
    hid = pd.to_numeric(inc[schema.HOTSPOT_ID], errors="coerce").fillna(-1).to_numpy(np.int64)
    pl = places[pd.to_numeric(places[schema.HOTSPOT_ID], errors="coerce").fillna(-1) >= 0]
    rows = []
    for _, p in pl.iterrows():
        mine = hid == int(p[schema.HOTSPOT_ID])
        rows.append(
            {
                "kind": "place",
                "name": str(p["name"]),
                "rank": float(p["rank"]) if "rank" in pl.columns else math.nan,
                "lixel_id": -1,
                "n_recent": int((mine & recent).sum()),
                "n_baseline": int((mine & base).sum()),
                "geometry": p.geometry,
            }
        )
    return pd.DataFrame(rows)


def _street_rows(
    inc: gpd.GeoDataFrame, network: StreetNetwork, segment_m: float, recent: np.ndarray, base: np.ndarray
) -> pd.DataFrame:
    from trygghet_geo.network import lixelize
    from trygghet_geo.network.snap import snapped_positions

    lix = lixelize(network, segment_m)
    from trygghet_geo.crs import align_crs

    edge, offset = snapped_positions(align_crs(inc, network.crs, what="the incidents"), network)
    on = edge >= 0
    # a piece is found by its edge and the offset along it; pieces are ordered by edge, then from_m
    first = np.searchsorted(lix["edge_id"].to_numpy(), np.arange(len(network.edges)))
    n_pieces = np.bincount(lix["edge_id"].to_numpy(), minlength=len(network.edges))
    piece = np.full(len(inc), -1, dtype=np.int64)
    lengths = network.edges["length_m"].to_numpy(float)
    e = edge[on]
    frac = np.clip(offset[on] / np.maximum(lengths[e], 1e-9), 0.0, 1.0 - 1e-12)
    piece[on] = first[e] + np.minimum((frac * n_pieces[e]).astype(np.int64), n_pieces[e] - 1)
    n_recent = np.bincount(piece[on & recent], minlength=len(lix))
    n_base = np.bincount(piece[on & base], minlength=len(lix))
    busy = np.flatnonzero(n_recent > 0)
    labels = _piece_labels(network, lix.iloc[busy])
    return pd.DataFrame(
        {
            "kind": "street",
            "name": labels,
            "rank": math.nan,
            "lixel_id": busy,
            "n_recent": n_recent[busy],
            "n_baseline": n_base[busy],
            "geometry": list(lix.geometry.to_numpy()[busy]),
        }
    )


def _piece_labels(network: StreetNetwork, pieces: pd.DataFrame, *, within_m: float = 80.0) -> list[str]:
    """A readable label for each piece: its street (or the nearest named one, ``"nära A"``) and the nearest
    other named street within ``within_m`` of its middle: ``"A vid B"``."""
    import shapely

    names = network.edges["name"].fillna("").astype(str).to_numpy()
    named = np.flatnonzero(names != "")
    if len(pieces) == 0 or len(named) == 0:
        return [str(n) or "gata utan namn" for n in pieces.get("name", [])]
    lines = network.edges.geometry.to_numpy()[named]
    tree = shapely.STRtree(lines)
    mids = shapely.line_interpolate_point(pieces.geometry.to_numpy(), 0.5, normalized=True)
    near_pt, near_line = tree.query(mids, predicate="dwithin", distance=within_m)
    dist = shapely.distance(mids[near_pt], lines[near_line])
    order = np.lexsort((dist, near_pt))
    candidates: dict[int, list[str]] = {}
    for pt, line in zip(near_pt[order], near_line[order], strict=True):
        candidates.setdefault(int(pt), []).append(str(names[named[line]]))
    labels = []
    for i, own in enumerate(pieces["name"].fillna("").astype(str)):
        near = candidates.get(i, [])
        street = own or (f"nära {near[0]}" if near else "gata utan namn")
        base = own or (near[0] if near else "")
        other = next((n for n in near if n != base), None)
        labels.append(f"{street} vid {other}" if other else street)
    return labels


def _score(table: pd.DataFrame, days: int, baseline_days: int, alpha: float) -> pd.DataFrame:
    from scipy.stats import binom

    table = table.copy()
    if len(table) == 0:
        for c in ("expected", "ratio", "p_value"):
            table[c] = pd.Series(dtype=float)
        table["rising"] = pd.Series(dtype=bool)
        return table
    n1 = table["n_recent"].to_numpy(int)
    n0 = table["n_baseline"].to_numpy(int)
    expected = n0 * days / baseline_days
    p = days / (days + baseline_days)
    table["expected"] = expected
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio"] = np.where(expected > 0, n1 / np.where(expected > 0, expected, 1), np.inf)
    # P(X >= n_recent), X ~ Bin(n_recent + n_baseline, p): binomtest(..., alternative="greater"), all at once
    table["p_value"] = np.where(n1 > 0, binom.sf(n1 - 1, n1 + n0, p), 1.0)
    table["rising"] = table["p_value"] < alpha
    return table


def write_hotlist(
    table: gpd.GeoDataFrame,
    out: str | Path,
    *,
    privacy: Literal["shared", "internal"] = "shared",
    k: int | None = None,
    title: str | None = None,
    synthetic: bool = False,
    source_note: str | None = None,
) -> dict[str, Path]:
    """Write the hot-list as ``hotlist.html`` (self-contained) and ``hotlist.docx`` (one A4 page) in ``out``.

    In the shared mode (default) a count below ``k`` (the export gate's, 5) is written ``"<k"`` and the
    ratio is left out where either count is below ``k``; names pass the redactor. Returns the paths by
    ``html`` and ``docx``.

    >>> import tempfile, geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> when = pd.to_datetime(["2025-01-10"] * 2 + ["2025-12-30"] * 6).tz_localize("Europe/Stockholm")
    >>> inc = gpd.GeoDataFrame({"occurred_at": when, "category": "stöld", "hotspot_id": 0},
    ...                        geometry=[Point(5, 5)] * 8, crs="EPSG:3006")
    >>> pl = gpd.GeoDataFrame({"name": ["Torget"], "rank": [1], "hotspot_id": [0]},
    ...                       geometry=[box(0, 0, 10, 10)], crs="EPSG:3006")
    >>> paths = write_hotlist(hotlist(inc, places=pl, end="2025-12-31"), tempfile.mkdtemp())
    >>> sorted(p.name for p in paths.values())
    ['hotlist.docx', 'hotlist.html']
    """
    from trygghet_geo import _validate
    from trygghet_geo.output._hotlist import write_files

    out = _validate.path("out", out, folder=True)
    synthetic = bool(_validate.flag("synthetic", synthetic))
    title = _validate.text("title", title)
    source_note = _validate.text("source_note", source_note)
    return write_files(
        table, out, privacy=privacy, k=k, title=title, synthetic=synthetic, source_note=source_note
    )


def hotlist_of(
    analysis: AnalysisLike,
    out: str | Path,
    *,
    days: int = 7,
    privacy: Literal["shared", "internal"] = "shared",
    k: int | None = None,
    title: str | None = None,
    **kwargs: Any,
) -> dict[str, Path]:
    """The hot-list of an analysis written to ``out`` (``hotlist.html``, ``hotlist.docx``), as
    ``trygghet-geo hotlist`` and the demo write it: in the shared mode only the places a shared map shows (a
    hotspot's place when it holds k incidents), the sample's synthetic label carried over. Keywords go to
    :func:`hotlist`; returns the paths by ``hotlist`` (HTML) and ``hotlist_docx``.
    """
    from trygghet_geo import _validate
    from trygghet_geo._kgate import DEFAULT_K, check_gate
    from trygghet_geo.output.privacy import shared_places

    _validate.analysis("analysis", analysis)
    _validate.path("out", out, folder=True)
    k = DEFAULT_K if k is None else k
    check_gate(privacy, k, 100.0)  # before the hot-list is made
    places = analysis.places
    if privacy == "shared":
        places = shared_places(analysis.places, analysis.hotspots, k=k)
    table = hotlist(analysis.incidents, days=days, network=analysis.network, places=places, **kwargs)
    meta = analysis.meta
    paths = write_hotlist(
        table, out, privacy=privacy, k=k, title=title,
        synthetic=bool(meta.get("synthetic")), source_note=meta.get("source_note"),
    )  # fmt: skip
    return {"hotlist": paths["html"], "hotlist_docx": paths["docx"]}
