"""Clusters → hotspots: the street pieces each covers, a polygon for display, counts and time patterns.

Example
-------
>>> import geopandas as gpd
>>> import pandas as pd
>>> from shapely.geometry import LineString, Point
>>> from trygghet_geo.network import network_from_lines
>>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (300, 0)])], crs=3006))
>>> when = pd.to_datetime(["2024-03-01 23:10", "2024-03-02 00:40", "2024-03-02 01:05"]).tz_localize(
...     "Europe/Stockholm")
>>> pts = gpd.GeoDataFrame({"category": ["våld", "våld", "stöld"], "occurred_at": when},
...                        geometry=[Point(100, 2), Point(110, -3), Point(120, 1)], crs=3006)
>>> hs = find_hotspots(pts, [0, 0, 0], net)
>>> hs[["hotspot_id", "n_events", "n_våld", "n_stöld", "length_m"]]
   hotspot_id  n_events  n_våld  n_stöld  length_m
0           0         3       2        1      70.0
>>> hs.loc[0, "top_hours"]  # three events are too few for a time pattern
''
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo import schema
from trygghet_geo.errors import InputError, SchemaError
from trygghet_geo.hotspots._time import time_profile
from trygghet_geo.network.distance import nearest_source_distances
from trygghet_geo.network.snap import snapped_positions

if TYPE_CHECKING:
    import numpy.typing as npt

    from trygghet_geo.network import StreetNetwork

__all__ = ["HOTSPOT_COLUMNS", "find_hotspots", "top_hours", "top_weekdays"]

logger = logging.getLogger(__name__)

HOTSPOT_COLUMNS = schema.HOTSPOT_COLUMNS  # the table find_hotspots returns, defined in the schema


def _utc(when: Any) -> Any:
    """A timestamp in UTC (a naive one is taken as Swedish local time); NaT stays NaT."""
    if pd.isna(when):
        return pd.NaT
    stamp = pd.Timestamp(when)
    return (stamp.tz_localize("Europe/Stockholm") if stamp.tzinfo is None else stamp).tz_convert("UTC")


def top_hours(times: pd.Series) -> str:
    """The busiest hours of ``times`` as :func:`~trygghet_geo.hotspots._time.time_profile` finds them, e.g.
    ``"22–02"``; ``""`` when no window stands out."""
    return time_profile(times).hours


def top_weekdays(times: pd.Series) -> str:
    """The busiest weekdays of ``times`` in Swedish as :func:`~trygghet_geo.hotspots._time.time_profile`
    finds them, e.g. ``"fre–lör"``; ``""`` when no run of days stands out."""
    return time_profile(times).weekdays


def _segments(
    edge_id: np.ndarray, offset: np.ndarray, network: StreetNetwork, pad_m: float, eps_m: float | None
) -> Any:
    """On every edge holding members: the piece from the first to the last member, extended by ``pad_m``
    at both ends (clipped to the edge). With ``eps_m``, also the streets that join members within eps_m
    (see :func:`_bridges`). One MultiLineString."""
    frame = pd.DataFrame({"e": edge_id, "t": offset}).groupby("e")["t"].agg(["min", "max"])
    e = frame.index.to_numpy()
    length = network.edges["length_m"].to_numpy()[e]
    lo = np.clip(frame["min"].to_numpy() - pad_m, 0.0, length)
    hi = np.clip(frame["max"].to_numpy() + pad_m, 0.0, length)
    extra = np.empty(0, dtype=np.int64)
    if eps_m is not None:
        to_u, to_v, extra = _bridges(
            e, frame["min"].to_numpy(), length - frame["max"].to_numpy(), network, eps_m
        )
        lo = np.where(to_u, 0.0, lo)
        hi = np.where(to_v, length, hi)
    lines = network.edges.geometry.to_numpy()
    pieces = [shapely.ops.substring(line, a, b) for line, a, b in zip(lines[e], lo, hi, strict=True)]
    pieces += list(lines[extra])
    pieces = [p for p in pieces if p.geom_type == "LineString" and p.length > 0]
    return shapely.MultiLineString(pieces) if pieces else shapely.MultiLineString()


def _bridges(
    e: np.ndarray, h_u: np.ndarray, h_v: np.ndarray, network: StreetNetwork, eps_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Streets that join a cluster's members: which member edges reach on to their node u / v, and the
    edges without members taken in whole.

    With dist(x) the network distance from node x to the nearest member (one bounded Dijkstra from a
    virtual source tied to the ends of the member edges), an edge (x, y) of length L without members is
    taken in when dist(x) + L + dist(y) ≤ eps_m: it lies on a walk of at most eps_m that starts and ends
    at members (usually two different ones; a short dead end within eps_m/2 of a member qualifies too).
    A member edge reaches on to its end x when its outermost member, h from x, has another member within
    eps_m - h beyond x, through another member edge or an edge taken in.
    """
    n = len(network.nodes)
    u_all = network.edges["u"].to_numpy()
    v_all = network.edges["v"].to_numpy()
    len_all = network.edges["length_m"].to_numpy()
    ends = np.concatenate([u_all[e], v_all[e]])
    h = np.concatenate([h_u, h_v])
    # Half-edges sorted by node then h: the nearest and second-nearest member edge end at every node.
    order = np.lexsort((h, ends))
    xs, hs = ends[order], h[order]
    first = np.searchsorted(xs, xs, side="left")
    nxt = np.minimum(first + 1, len(xs) - 1)
    second_h = np.where((nxt != first) & (xs[nxt] == xs), hs[nxt], np.inf)
    other = np.empty(len(h))
    other[order] = np.where(np.arange(len(xs)) == first, second_h, hs[first])
    # every member-edge end x is a source, starting at the min h at x
    head = np.unique(first)
    dist = nearest_source_distances(network, xs[head], eps_m, start_m=hs[head])
    is_member = np.zeros(len(len_all), dtype=bool)
    is_member[e] = True
    bridge = ~is_member & (dist[u_all] + len_all + dist[v_all] <= eps_m)
    beyond = np.full(n, np.inf)
    np.minimum.at(beyond, u_all[bridge], len_all[bridge] + dist[v_all[bridge]])
    np.minimum.at(beyond, v_all[bridge], len_all[bridge] + dist[u_all[bridge]])
    reach = h + np.minimum(other, beyond[ends]) <= eps_m
    m = len(e)
    return reach[:m], reach[m:], np.flatnonzero(bridge)


def _polygon(segs: shapely.Geometry, buffer_m: float) -> shapely.Geometry:
    """The pieces buffered and united piece by piece: GEOS buffers a MultiLineString of a town-wide cluster
    (thousands of pieces) in minutes, the union of the pieces' buffers in about a second."""
    if segs.is_empty:
        return shapely.Polygon()
    return shapely.union_all(shapely.buffer(shapely.get_parts(segs), buffer_m))


def find_hotspots(
    points: gpd.GeoDataFrame,
    labels: npt.ArrayLike,
    network: StreetNetwork,
    *,
    buffer_m: float = 25.0,
    eps_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Turn cluster labels into hotspots: one row per cluster, largest first.

    Parameters
    ----------
    points : GeoDataFrame
        The clustered events, with ``edge_id`` and ``edge_offset_m`` (snapped positions; snapped here when
        absent) and, where known, ``category`` and ``occurred_at``. Not modified.
    labels : array of shape (len(points),)
        Cluster of each point, -1 for noise (e.g. ``NetworkDBSCAN.labels_``).
    network : StreetNetwork
    buffer_m : float
        Street pieces extend this far beyond the outermost members, and the display polygon is the pieces
        buffered by this much.
    eps_m : float, optional
        The clustering's eps. When given, the street pieces also take in the streets that join members
        within eps_m of each other (through junctions and streets without events), so a hotspot's
        segments form the connected stretch of street the cluster spans.

    Returns
    -------
    GeoDataFrame
        Columns ``hotspot_id`` (0.., by size), ``cluster``, ``n_events``, ``n_<category>`` for each incident
        category, ``first_at``, ``last_at``, ``top_hours`` ("22–02"), ``top_weekdays`` ("fre–lör"),
        ``member_index`` (list of the points' index labels), ``length_m`` (street length covered),
        ``segments_wkt`` (the street pieces, a MultiLineString as WKT: ``shapely.from_wkt`` gives it back)
        and the polygon geometry, all in the network's CRS. The polygon is the table's one geometry column,
        so ``to_file`` (GeoPackage, GeoJSON) and ``to_parquet`` write the table as it is; ``first_at`` and
        ``last_at`` are in UTC, which every format stores alike.
    """
    if not isinstance(points, gpd.GeoDataFrame):
        raise InputError(f"points must be a GeoDataFrame, got {type(points).__name__}")
    labels = np.asarray(labels)
    if labels.shape != (len(points),):
        raise InputError(f"labels has shape {labels.shape}, expected ({len(points)},) to match the points")
    from trygghet_geo import _validate

    _validate.metres("buffer_m", buffer_m)
    _validate.metres("eps_m", eps_m, allow_none=True)
    _validate.event_times("points", points)
    _validate.unique_index("points", points)
    edge_id, offset = snapped_positions(points, network)
    clustered = labels >= 0
    if (clustered & (edge_id < 0)).any():
        raise SchemaError("some clustered points have edge_id -1 (not on the network); snap them first")
    categories = (
        points[schema.CATEGORY].astype("string").to_numpy(dtype=object)
        if schema.CATEGORY in points.columns
        else np.full(len(points), None, dtype=object)
    )
    times = (
        pd.to_datetime(points[schema.OCCURRED_AT], errors="coerce")
        if schema.OCCURRED_AT in points.columns
        else pd.Series(pd.NaT, index=points.index)
    )
    known = (
        points[schema.TIME_KNOWN].fillna(True).to_numpy(dtype=bool)
        if schema.TIME_KNOWN in points.columns
        else np.ones(len(points), dtype=bool)
    )
    until = points[schema.OCCURRED_TO] if schema.OCCURRED_TO in points.columns else None
    rows = []
    for cluster in np.unique(labels[clustered]):
        member = np.flatnonzero(labels == cluster)
        segs = _segments(edge_id[member], offset[member], network, buffer_m, eps_m)
        when = times.iloc[member]
        row: dict[str, Any] = {schema.CLUSTER: int(cluster), schema.N_EVENTS: len(member)}
        cats = pd.Series(categories[member])
        for c in schema.INCIDENT_CATEGORIES:
            row[schema.n_of(c)] = int((cats == c).sum())
        profile = time_profile(when, known[member], None if until is None else until.iloc[member])
        row.update(
            {
                schema.FIRST_AT: _utc(when.min()),
                schema.LAST_AT: _utc(when.max()),
                schema.TOP_HOURS: profile.hours,
                schema.N_TIME_UNKNOWN: int((~known[member] & when.notna().to_numpy()).sum()),
                schema.TOP_WEEKDAYS: profile.weekdays,
                schema.MEMBER_INDEX: list(points.index[member]),
                schema.LENGTH_M: float(segs.length),
                schema.SEGMENTS: segs.wkt,
                schema.GEOMETRY: _polygon(segs, buffer_m),
            }
        )
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[c for c in HOTSPOT_COLUMNS if c != schema.HOTSPOT_ID])
    if rows:
        frame = frame.sort_values([schema.N_EVENTS, schema.CLUSTER], ascending=[False, True], kind="stable")
    frame.insert(0, schema.HOTSPOT_ID, np.arange(len(frame), dtype=np.int64))
    frame = frame.reset_index(drop=True)
    for col in (schema.FIRST_AT, schema.LAST_AT):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    out = gpd.GeoDataFrame(frame, geometry=schema.GEOMETRY, crs=network.crs)
    logger.info("%d hotspots from %d clustered points", len(out), int(clustered.sum()))
    return out
