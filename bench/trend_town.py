"""Planted emerging-hotspot scenarios by another route than ``tests/_trend_scenarios.py``.

- The street network is the synthetic grid town of ``bench/planted.py`` (jittered crossings, missing
  pieces, diagonal short cuts, edges of ~80–140 m), not the regular 100 m grid.
- Places are not a cloud on one edge: each is ``per_place`` events a month spread uniformly over the
  streets within ``radius_m`` along the network of an anchor node (networkx Dijkstra, ``planted._hot_lines``),
  anchors at least 500 m apart along the network (``planted._anchors``).
- Points are drawn with shapely on the lines and pushed up to 6 m off the street, so the package must snap
  them; times are minutes of the month's real days; a fifth of the events carry an interval of up to three
  days (``occurred_from``/``occurred_to``), so the time steps go through the aoristic weights.
- Each place draws its own monthly level (6–15 events a month) and, with ``n_hot`` of 2 or 6, the kinds are
  a random draw from the four (6 places: each kind once plus two more), so the towns hold 0, 2 or 6 places.

A place is judged by the segment with the most events among those within ``radius_m`` (straight line) of its
anchor: its pattern must be one of the accepted ones of its kind.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from planted import _along, _anchors, _graph, _hot_lines

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

KINDS = ("new", "intensifying", "persistent", "historical")
MONTHS = 24
START = pd.Timestamp("2023-01-01")


def monthly_level(kind: str, level: float) -> np.ndarray:
    """Expected events per month of a place of ``kind`` at ``level`` (written apart from the tests' rates)."""
    m = np.arange(MONTHS, dtype=float)
    if kind == "new":
        return level * (m >= MONTHS - 3)
    if kind == "intensifying":
        return level * (1.0 + 2.0 * m / (MONTHS - 1))
    if kind == "persistent":
        return np.full(MONTHS, level)
    if kind == "historical":
        return level * (m < MONTHS - 12)
    raise ValueError(kind)


def town_scenario(
    network: StreetNetwork,
    n_hot: int,
    seed: int,
    *,
    background_per_km_month: float = 2.0,
    radius_m: float = 50.0,
) -> tuple[gpd.GeoDataFrame, list[tuple[str, np.ndarray]]]:
    """Events of a town with ``n_hot`` planted places; returns them and (kind, anchor xy) per place."""
    rng = np.random.default_rng(seed)
    lines = network.edges.geometry.to_numpy()
    km = float(shapely.length(lines).sum()) / 1000.0
    n_bg = rng.poisson(background_per_km_month * km * MONTHS)
    xy = [_along(lines, n_bg, rng, side_m=6.0)]
    month = [rng.integers(0, MONTHS, n_bg)]
    graph = _graph(network)
    kinds = list(KINDS) + list(rng.choice(KINDS, n_hot - 4)) if n_hot >= 4 else list(rng.choice(KINDS, n_hot))
    places = []
    anchors = _anchors(graph, n_hot, rng, 500.0) if n_hot else []
    for kind, anchor in zip(kinds, anchors, strict=True):
        per_month = rng.poisson(monthly_level(str(kind), rng.uniform(6.0, 15.0)))
        xy.append(_along(_hot_lines(graph, network, anchor, radius_m), int(per_month.sum()), rng, 6.0))
        month.append(np.repeat(np.arange(MONTHS), per_month))
        p = graph.nodes[anchor]["point"]
        places.append((str(kind), np.array([p.x, p.y])))
    pts, mon = np.concatenate(xy), np.concatenate(month)
    begin = pd.date_range(START, periods=MONTHS, freq="MS")
    days = begin.days_in_month.to_numpy()[mon]
    when = begin[mon] + pd.to_timedelta((rng.random(len(mon)) * days * 1440).astype(np.int64), unit="min")
    until = pd.Series(pd.NaT, index=range(len(mon)), dtype="datetime64[ns]")
    some = rng.random(len(mon)) < 0.2
    until[some] = when[some] + pd.to_timedelta(rng.integers(30, 72 * 60, int(some.sum())), unit="min")
    events = gpd.GeoDataFrame(
        {"occurred_from": when, "occurred_to": until.to_numpy()},
        geometry=shapely.points(pts),
        crs=network.crs,
    )
    return events, places


def pattern_near(segments: gpd.GeoDataFrame, anchor: np.ndarray, radius_m: float = 50.0) -> str:
    """The pattern of the busiest segment within ``radius_m`` of a place's anchor."""
    near = segments[segments.geometry.distance(shapely.Point(anchor)) <= radius_m]
    return str(near.sort_values("n_events", ascending=False)["pattern"].iloc[0])
