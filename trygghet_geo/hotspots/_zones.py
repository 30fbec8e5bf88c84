"""What the significance test scores: each cluster's zones and their Poisson likelihood ratio.

The zones
---------
DBSCAN chains onto a true hotspot the noise around it, so a cluster is not scored as a whole but on zones
around its densest part, its core events (the events with ``min_samples`` within eps):

- the *core zone*: the street within ``eps / 2`` along the network of any of its core events;
- the *core balls*: the network ball of radius 0.5, 1, 1.5 or 2 × eps around one core event
  (:data:`SCAN_RADII`), the circles of Kulldorff's scan drawn along the streets.

Both are unions of network balls, not windows along each core's own edge. On a square crossed by many short
footpaths (OpenStreetMap draws a plaza as a mesh of walkways: 400-1,100 m of path within 60 m of its middle
on the sample's streets) a window along a core's own 15 m path stops at the next junction and leaves out the
paths beside it, where the same concentration continues; a ball follows them, as the zones of a network scan
statistic do (Shiode 2011, "Street-level spatial scan statistic and STAC for analysing street crime
concentrations", Transactions in GIS 15:365-383; Okabe & Sugihara 2012, *Spatial Analysis Along Networks*,
Wiley, ch. 5-6: a network buffer is the set of points within a network distance). On such a square a few
events are core and their union zone is small, while a ball of 1-2 eps around one of them takes in the
whole concentration: the several radii let the zone grow to the hotspot's own scale (a crossing, a square, a
stretch of street), as the scan's circles grow to a cluster's (Kulldorff 1997).

Inside a zone count the cluster's own events and events in no cluster; another cluster's events do not
count, so a small cluster beside a hotspot is not lent the hotspot's events (as SaTScan reports a secondary
cluster only when it does not overlap the primary one).

The statistic
-------------
With ``N`` events on the streets, ``n`` of them counted in a zone, and the zone holding the share ``s`` of the
street length (or of the per-edge ``baseline``), the expected count is ``e = N s`` and the statistic is
Kulldorff's Poisson log-likelihood ratio ``n ln(n/e) + (N - n) ln((N - n)/(N - e))`` for ``n > e``, else 0
(Kulldorff 1997, "A spatial scan statistic", Commun. Stat. Theory Methods 26:1481-1496; zones grown from a
density-based cluster as in Duczmal & Assunção 2004). A zone holding more than half of all events is no
candidate (statistic 0), as in Kulldorff's scan. A cluster scores the largest ratio over its zones
(:func:`cluster_statistic`). The Monte Carlo of :mod:`.hotspots._significance` scores simulated clusters the
same way, maximum over zones included, so the test keeps its level whatever the zones; the zones decide only
its power.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trygghet_geo.hotspots._parameters import ball_reach

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

__all__ = [
    "MAX_CENTRES",
    "MAX_SHARE",
    "SCAN_RADII",
    "ZONE_HALF_WIDTH",
    "ball_scan_llr",
    "cluster_statistic",
    "core_zone_llr",
    "zone_intervals",
]

ZONE_HALF_WIDTH = 0.5
"""The core zone reaches this many eps along the streets from each core event."""
MAX_SHARE = 0.5
"""A zone with more than this share of all events scores 0."""
SCAN_RADII = (0.5, 1.0, 1.5, 2.0)
"""Radii (× eps) of the network balls around each core event that :func:`ball_scan_llr` scans."""
MAX_CENTRES = 256
"""A cluster with more core events is scanned around this many of them, spread along its streets."""
_CENTRE_CHUNK = 2_000


def cluster_statistic(
    labels: np.ndarray,
    core: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    eps_m: float,
    edge_weight: np.ndarray | None = None,
) -> np.ndarray:
    """The statistic each cluster is scored with, observed and simulated alike: the larger of its core
    zone's (:func:`core_zone_llr`, ``eps_m / 2`` around every core event) and of the best network ball
    around one of its core events (:func:`ball_scan_llr`, radii :data:`SCAN_RADII` × ``eps_m``)."""
    h = eps_m * ZONE_HALF_WIDTH
    union = core_zone_llr(labels, core, edge_id, offset_m, network, half_width_m=h, edge_weight=edge_weight)
    radii = tuple(eps_m * f for f in SCAN_RADII)
    scan = ball_scan_llr(labels, core, edge_id, offset_m, network, radii_m=radii, edge_weight=edge_weight)
    out: np.ndarray = np.maximum(union, scan)
    return out


def core_zone_llr(
    labels: np.ndarray,
    core: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    half_width_m: float,
    edge_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Poisson log-likelihood ratio of each cluster's core zone (see the module docstring).

    The zone of a cluster is the street within ``half_width_m`` along the network of its core events (all
    its events when none is core, e.g. for labels from another method); every event inside counts.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from trygghet_geo.network import network_from_lines
    >>> line = shapely.LineString([(0, 0), (1000, 0)])
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[line], crs=3006))
    >>> off = np.r_[[100.0, 101, 102, 103], np.arange(10) * 100 + 50]
    >>> labels = np.r_[[0, 0, 0, 0], -np.ones(10, int)]
    >>> core = np.r_[[False, True, True, False], np.zeros(10, bool)]
    >>> round(float(core_zone_llr(labels, core, np.zeros(14, int), off, net, half_width_m=10)[0]), 3)
    7.289
    """
    labels = np.asarray(labels)
    n_total = len(labels)
    n_clusters = int(labels.max()) + 1 if (labels >= 0).any() else 0
    if n_clusters == 0:
        return np.zeros(0)
    length = network.edges["length_m"].to_numpy(np.float64)
    lab, eid, lo, hi = zone_intervals(labels, core, edge_id, offset_m, network, half_width_m=half_width_m)
    k = np.arange(n_clusters)
    n, covered = _count_and_measure(
        lab, k, eid, lo, hi, labels, edge_id, offset_m, length, edge_weight, n_clusters
    )
    llr = poisson_llr(n, n_total * covered / _total(length, edge_weight), n_total)
    llr[n > MAX_SHARE * n_total] = 0.0
    return llr


def zone_intervals(
    labels: np.ndarray,
    core: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    half_width_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each cluster's core zone as disjoint intervals ``(label, edge, lo, hi)`` along the edges.

    The union over the cluster's core events (all its events when none is core) of the network ball of
    radius ``half_width_m`` (:func:`ball_pieces`).
    """
    labels = np.asarray(labels)
    zone = _centres(labels, core)
    length = network.edges["length_m"].to_numpy(np.float64)
    pt, _k, eid, lo, hi = ball_pieces(
        np.asarray(edge_id)[zone], np.asarray(offset_m)[zone], network, (float(half_width_m),)
    )
    return merge_intervals(labels[zone][pt], eid, lo, hi, float(length.max()) + 1.0)


def ball_pieces(
    edge_id: np.ndarray, offset_m: np.ndarray, network: StreetNetwork, radii_m: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The network balls around positions at several radii, as (overlapping) intervals along the edges.

    Returns ``(point, radius index, edge, lo, hi)``: on every edge a ball enters, ``[0, a]`` from its node
    u and ``[L - b, L]`` from v (:func:`trygghet_geo.hotspots._parameters.ball_reach`, one search at the
    largest radius: a smaller radius reaches ``R - r`` less far), and ``[t - r, t + r]`` on the position's
    own edge. The union per (point, radius) is the ball.
    """
    e = np.asarray(edge_id, dtype=np.int64)
    t = np.asarray(offset_m, dtype=np.float64)
    length = network.edges["length_m"].to_numpy(np.float64)
    big = float(max(radii_m))
    pt, fe, a_big, b_big = ball_reach(network, e, t, big)
    lf = length[fe]
    parts = []
    for k, r in enumerate(float(x) for x in radii_m):
        a, b = a_big - (big - r), b_big - (big - r)
        u, v = a > 0, b > 0
        n_own, n_u, n_v = len(e), int(u.sum()), int(v.sum())
        parts.append(
            (
                np.r_[np.arange(n_own), pt[u], pt[v]],
                np.full(n_own + n_u + n_v, k),
                np.r_[e, fe[u], fe[v]],
                np.r_[np.maximum(t - r, 0.0), np.zeros(n_u), np.maximum(lf[v] - b[v], 0.0)],
                np.r_[np.minimum(t + r, length[e]), np.minimum(a[u], lf[u]), lf[v]],
            )
        )
    point, rk, eid, lo, hi = (np.concatenate(x) for x in zip(*parts, strict=True))
    return point, rk, eid, lo, hi


def ball_scan_llr(
    labels: np.ndarray,
    core: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    radii_m: tuple[float, ...],
    edge_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Per cluster, the largest Poisson log-likelihood ratio of a network ball of one of ``radii_m`` around
    one of its core events (all its events when none is core)."""
    labels = np.asarray(labels)
    n_total = len(labels)
    n_clusters = int(labels.max()) + 1 if (labels >= 0).any() else 0
    if n_clusters == 0:
        return np.zeros(0)
    e = np.asarray(edge_id, dtype=np.int64)
    t = np.asarray(offset_m, dtype=np.float64)
    centres = _spread(_centres(labels, core), labels, e, t)
    n_r = len(radii_m)
    length = network.edges["length_m"].to_numpy(np.float64)
    total = _total(length, edge_weight)
    out = np.zeros(n_clusters)
    for i in range(0, len(centres), _CENTRE_CHUNK):  # bounded memory: a chunk of balls at a time
        c = centres[i : i + _CENTRE_CHUNK]
        pt, rk, eid, lo, hi = ball_pieces(e[c], t[c], network, tuple(radii_m))
        g, eid, lo, hi = merge_intervals(pt * n_r + rk, eid, lo, hi, float(length.max()) + 1.0)
        own = np.repeat(labels[c], n_r)
        n, measure = _count_and_measure(g, own, eid, lo, hi, labels, e, t, length, edge_weight, len(c) * n_r)
        llr = poisson_llr(n, n_total * measure / total, n_total)
        llr[n > MAX_SHARE * n_total] = 0.0
        np.maximum.at(out, labels[c], llr.reshape(len(c), n_r).max(axis=1, initial=0.0))
    return out


def _spread(centres: np.ndarray, labels: np.ndarray, e: np.ndarray, t: np.ndarray) -> np.ndarray:
    """At most :data:`MAX_CENTRES` centres per cluster, evenly spaced in (edge, offset) order."""
    lab = labels[centres]
    order = np.lexsort((t[centres], e[centres], lab))
    centres, lab = centres[order], lab[order]
    size = np.bincount(lab)
    rank = np.arange(len(lab)) - np.r_[0, np.cumsum(size)][lab]
    step = np.maximum(1, -(-size // MAX_CENTRES))[lab]
    kept: np.ndarray = centres[rank % step == 0]
    return kept


def _centres(labels: np.ndarray, core: np.ndarray) -> np.ndarray:
    """Positions of the clusters' core events (all of a cluster's events when none is core)."""
    n_clusters = int(labels.max()) + 1 if (labels >= 0).any() else 0
    core = np.asarray(core, dtype=bool) & (labels >= 0)
    has_core = np.bincount(labels[core], minlength=n_clusters) > 0
    return np.flatnonzero(core | ((labels >= 0) & ~has_core[np.maximum(labels, 0)]))


def _count_and_measure(
    group: np.ndarray,
    group_label: np.ndarray,
    eid: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    labels: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    length: np.ndarray,
    edge_weight: np.ndarray | None,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per group of disjoint intervals (zone of the cluster ``group_label[group]``): the events inside that
    are the cluster's own or in no cluster, and the (weighted) street length."""
    w = np.ones(len(length)) if edge_weight is None else edge_weight
    base = np.r_[0.0, np.cumsum(length + 2.0)[:-1]]
    span = float(base[-1] + length[-1]) + 2.0  # events of label k live in [(k + 1) span, (k + 2) span)
    keys = np.sort((labels + 1) * span + base[edge_id] + offset_m)
    n = np.zeros(n_groups)
    for block in (np.zeros(len(eid)), group_label[group] + 1.0):  # unclustered events, then the own
        a = block * span + base[eid]
        inside = np.searchsorted(keys, a + hi, side="right") - np.searchsorted(keys, a + lo)
        n += np.bincount(group, weights=inside, minlength=n_groups)
    return n, np.bincount(group, weights=(hi - lo) * w[eid], minlength=n_groups)


def _total(length: np.ndarray, edge_weight: np.ndarray | None) -> float:
    return float((length * (1.0 if edge_weight is None else edge_weight)).sum())


def merge_intervals(
    lab: np.ndarray, eid: np.ndarray, lo: np.ndarray, hi: np.ndarray, span: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The union of intervals ``[lo, hi]`` per (label, edge), as disjoint intervals (``span`` > any hi).

    Written by hand because no library merges intervals per group: sort by (label, edge, start); a running
    maximum of the ends that restarts in each group tells where a new interval begins.
    """
    order = np.lexsort((lo, eid, lab))
    lab, eid, lo, hi = lab[order], eid[order], lo[order], hi[order]
    if len(lab) == 0:
        return lab, eid, lo, hi
    group = np.r_[0, np.cumsum((lab[1:] != lab[:-1]) | (eid[1:] != eid[:-1]))]
    reach = np.maximum.accumulate(hi + group * span) - group * span  # groups apart: the max never leaks
    new_group = np.r_[True, group[1:] != group[:-1]]
    starts = np.flatnonzero(new_group | (lo > np.r_[-np.inf, reach[:-1]]))
    ends = np.maximum.reduceat(hi, starts)
    return lab[starts], eid[starts], lo[starts], ends


def poisson_llr(n: np.ndarray, e: np.ndarray, n_total: int) -> np.ndarray:
    """Kulldorff's Poisson log-likelihood ratio of ``n`` events where ``e`` were expected, out of ``n_total``
    (0 when ``n <= e``)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = n * np.log(n / e)
        rest = np.where(n < n_total, (n_total - n) * np.log((n_total - n) / (n_total - e)), 0.0)
    return np.where(n > e, inside + rest, 0.0)
