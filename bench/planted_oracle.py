"""A data oracle for the planted places of ``bench_density.py --planted``: does the data itself put a place
in the top 1 %?

The density ranks lixels by a kernel estimate whose bandwidth, adaptation and junction splitting are its own
choices. The oracle knows what the estimator cannot: the planted radius ``r`` (60 m along the streets for
``planted.py``'s and ``planted_named.py``'s places, 50 m in the plane for ``planted_area.py``'s, taken as 50 m
along the streets). For every lixel it takes the scan rate

    events within r along the streets of the lixel's centre / metres of street within r of it,

the best a per-metre count can do when the place's scale is known, and ranks the lixels by it. A planted place
whose best lixel (within 40 m of its anchor, as the bench's peak) is not in the top 1 % under the oracle is a
miss the data cannot support: some clump of the noise really has more events per metre of street. A place
the oracle puts in the top 1 % but the estimator does not is a miss the estimator causes.

Both counts use the network as drawn (no merging) and the default 20 m lixels. The events within ``r`` are
``count_within_bandwidth`` of ``network_kde(..., method="simple", kernel="uniform", bandwidth_m=r)`` (the
shortest-path distance from the lixel's centre; ``bench_density.py``'s peer checks that kernel against
networkx's Dijkstra); the metres of street within ``r`` are the same uniform kernel summed over points every
metre along every edge (weighted by their share of the edge: K = 1 / 2r, so metres = sum · 2r), so they
count every street piece whose shortest path from the centre is shorter than ``r``. A lixel with less than
``r`` metres of street within ``r`` (a fragment of a few metres, cut off from the rest) scores 0: one event
snapped to 4 m of isolated path is 250 events per km, but no place (the oracle first ranked such a fragment
above a planted place of 20 events on 288 m of street, in the plane family on seed 9703).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

RADIUS_M = {"lines": 60.0, "named": 60.0, "area": 50.0}  # the planted radius of each family
_METRES: dict[tuple[int, float], np.ndarray] = {}  # (id of the network's edges, r) -> metres within r


@dataclass
class Place:
    """The oracle's view of one planted place."""

    share: float  # its best lixel's share of lixels at or above it under the scan rate (0.01 = top 1 %)
    outside: int  # lixels above it lying outside every planted place
    rate_per_km: float  # the best lixel's scan rate, events per km of street within r
    events: int  # events within r of that lixel
    metres: float  # metres of street within r of that lixel


def _street_metres(network: StreetNetwork, r: float) -> np.ndarray:
    """Metres of street within ``r`` along the streets of every 20 m lixel's centre."""
    key = (id(network.edges), r)
    if key not in _METRES:
        import geopandas as gpd
        import shapely

        from trygghet_geo.density import network_kde

        lines = network.edges.geometry.to_numpy()
        length = shapely.length(lines)
        k = np.maximum(np.ceil(length).astype(np.int64), 1)
        owner = np.repeat(np.arange(len(lines)), k)
        start = np.cumsum(k) - k
        pos = (np.arange(len(owner)) - start[owner] + 0.5) / k[owner]
        pts = shapely.line_interpolate_point(lines[owner], pos, normalized=True)
        probe = gpd.GeoDataFrame({"w": (length / k)[owner]}, geometry=pts, crs=network.crs)
        lix = network_kde(
            probe, network, bandwidth_m=r, kernel="uniform", method="simple", adaptive=False,
            consolidate_m=0, weights="w",
        )  # fmt: skip
        total = float(probe["w"].sum())  # the density is a share of the weight per km: undo it
        _METRES[key] = lix["density"].to_numpy() * total / 1000.0 * 2.0 * r
    return _METRES[key]


def scan(network: StreetNetwork, events: gpd.GeoDataFrame, r: float) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The 20 m lixels with ``events`` (events within r) and ``metres`` (street within r), and the scan
    rate per metre of every lixel."""
    from trygghet_geo.density import network_kde

    lix = network_kde(
        events, network, bandwidth_m=r, kernel="uniform", method="simple", adaptive=False, consolidate_m=0
    )
    metres = _street_metres(network, r)
    lix = lix.assign(events=lix["count_within_bandwidth"].to_numpy(), metres=metres)
    rate = lix["events"].to_numpy() / np.maximum(metres, 1.0)
    return lix, np.where(metres >= r, rate, 0.0)


def places(
    network: StreetNetwork,
    events: gpd.GeoDataFrame,
    anchors: np.ndarray,
    r: float,
    inside_fn: object,
) -> list[Place]:
    """The oracle's rank of every planted place (``anchors``: their centres); ``inside_fn(lixels)`` marks
    the lixels inside some planted place."""
    import shapely

    lix, rate = scan(network, events, r)
    s = np.sort(rate)
    inside = inside_fn(lix)  # type: ignore[operator]
    out = []
    for c in anchors:
        near = np.flatnonzero(lix.geometry.distance(shapely.Point(c)).to_numpy() < 40)
        best = near[np.argmax(rate[near])]
        peak = rate[best]
        out.append(
            Place(
                share=float(1.0 - np.searchsorted(s, peak) / len(s)),
                outside=int(((rate > peak) & ~inside).sum()),
                rate_per_km=float(peak * 1000.0),
                events=int(lix["events"].iloc[best]),
                metres=float(lix["metres"].iloc[best]),
            )
        )
    return out
