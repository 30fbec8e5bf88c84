"""Planted space-time scenarios for emerging hotspots (used by the tests and by bench/bench_trend.py).

Events are drawn by position on the street edges (not through the segment code under test): a Poisson
background over every metre of street and month, plus planted places, each a cloud of events within
±``spread_m`` of the middle of one edge whose monthly rate follows its scenario.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from trygghet_geo.network import StreetNetwork, network_from_lines
from trygghet_geo.network.snap import random_positions

MONTHS = 24
START = pd.Timestamp("2023-01-01", tz="Europe/Stockholm")

# The planted kinds and the patterns that count as finding each (ArcGIS's definitions allow two for some).
KINDS = ("new", "intensifying", "persistent", "historical")
ACCEPT = {
    "new": {"new", "consecutive"},
    "intensifying": {"intensifying"},
    "persistent": {"persistent"},
    "historical": {"historical", "diminishing"},
}


def grid(n: int = 14, step: float = 100.0) -> StreetNetwork:
    lines = [
        LineString([(m * step, k * step), ((m + 1) * step, k * step)]) for k in range(n) for m in range(n - 1)
    ]
    lines += [
        LineString([(k * step, m * step), (k * step, (m + 1) * step)]) for k in range(n) for m in range(n - 1)
    ]
    return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))


def rates(kind: str, base: float = 10.0) -> np.ndarray:
    """Expected events per month at a planted place of scenario ``kind``."""
    m = np.arange(MONTHS)
    return {
        "new": np.where(m >= MONTHS - 3, base, 0.0),  # appears in the last quarter
        "intensifying": np.linspace(base, base * 3, MONTHS),  # grows steadily
        "persistent": np.full(MONTHS, base),  # steady
        "historical": np.where(m < MONTHS - 12, base, 0.0),  # stopped a year ago
    }[kind]


def scenario(
    net: StreetNetwork,
    kinds: tuple[str, ...],
    seed: int,
    *,
    background_per_km_month: float = 2.0,
    spread_m: float = 30.0,
    base: float = 10.0,
) -> tuple[gpd.GeoDataFrame, dict[str, tuple[int, float]]]:
    """Events of the background and one planted place per kind; returns the events and, per kind, the
    planted place as (edge, offset)."""
    rng = np.random.default_rng(seed)
    length = net.edges["length_m"].to_numpy()
    n_bg = rng.poisson(background_per_km_month * length.sum() / 1000 * MONTHS)
    edge, off = random_positions(net, n_bg, random_state=rng)
    month = rng.integers(0, MONTHS, n_bg)
    # planted places: far apart (every other edge of a random order, at least 500 m between midpoints)
    mid = shapely.get_coordinates(
        shapely.line_interpolate_point(net.edges.geometry.to_numpy(), 0.5, normalized=True)
    )
    places: dict[str, tuple[int, float]] = {}
    for kind in kinds:
        for e in rng.permutation(len(length)):
            if (
                all(np.hypot(*(mid[e] - mid[p[0]])) > 500 for p in places.values())
                and length[e] > 2 * spread_m
            ):
                places[kind] = (int(e), float(length[e] / 2))
                break
        k = rng.poisson(rates(kind, base))
        e, centre = places[kind]
        edge = np.r_[edge, np.full(k.sum(), e)]
        off = np.r_[off, centre + rng.uniform(-spread_m, spread_m, k.sum())]
        month = np.r_[month, np.repeat(np.arange(MONTHS), k)]
    first = pd.to_datetime(
        pd.DataFrame({"year": START.year + month // 12, "month": month % 12 + 1, "day": 1})
    )
    when = (first + pd.to_timedelta(rng.integers(0, 28 * 24, len(month)) + 0.5, unit="h")).dt.tz_localize(
        START.tz, nonexistent="shift_forward", ambiguous="NaT"
    )
    geom = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[edge], off)
    events = gpd.GeoDataFrame({"occurred_at": when}, geometry=geom, crs=net.edges.crs)
    return events, places


def pattern_at(segments: gpd.GeoDataFrame, place: tuple[int, float]) -> str:
    """The pattern of the segment holding a planted place's centre."""
    e, off = place
    row = segments[(segments["edge_id"] == e) & (segments["from_m"] <= off) & (segments["to_m"] >= off)]
    return str(row["pattern"].iloc[0])
