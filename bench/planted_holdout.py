"""A held-out family of planted scenarios: shapes and densities the defaults were not developed on.

``bench/planted.py`` plants round hotspots (events within 60 m along the streets of a node) at 3, 20, 40
and 180 events per km. This family, written after the defaults were fixed and run only to judge them, plants
other shapes at other densities, with seeds from 2001:

- ``line``: events along one route of 120-180 m (the shortest path between two nodes that far apart),
  a stretch of street rather than a place;
- ``crossing``: events within 30 m of a crossing of at least four streets, a tight spot;
- ``small``: a hotspot of only 10 events within 40 m in a sparse town (2 events per km of street);
- ``pair``: two hotspots (each within 40 m of its node) whose nodes are 140-200 m apart along the streets:
  they must come out as two places, not one.

Noise is uniform per metre of street at 8, 30 or 100 events per km (``small``: 2 per km). A hotspot holds
``per_hot(density)`` events, interpolated on a log scale between the issue's 12 at 3 per km and 60 at 180 per
km (18, 30 and 48 at 8, 30, 100 per km). Shapely sampling and networkx distances, as in ``planted.py``.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import shapely
from planted import Scenario, _along, _anchors, _graph, _hot_lines, export

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

KINDS = ("line", "crossing", "small", "pair")
DENSITIES = (8.0, 30.0, 100.0)
FIRST_SEED = 2001


def per_hot(density: float) -> int:
    """Events per planted hotspot: log-linear between 12 at 3 per km and 60 at 180 per km."""
    x = (np.log(density) - np.log(3.0)) / (np.log(180.0) - np.log(3.0))
    return round(12 * (60 / 12) ** x)


def _route(graph: nx.MultiGraph, anchor: int, rng: np.random.Generator, lo: float, hi: float) -> np.ndarray:
    """The lines of the shortest path from ``anchor`` to a node ``lo``-``hi`` m away (none: empty)."""
    dist, paths = nx.single_source_dijkstra(graph, anchor, cutoff=hi, weight="length_m")
    far = sorted(n for n, d in dist.items() if d >= lo)
    if not far:
        return np.array([], dtype=object)
    path = paths[int(rng.choice(far))]
    lines = []
    for a, b in itertools.pairwise(path):
        data = min(graph.get_edge_data(a, b).values(), key=lambda d: d["length_m"])
        lines.append(data["geometry"])
    return np.array(lines, dtype=object)


def _candidates(graph: nx.MultiGraph, rng: np.random.Generator) -> list[int]:
    """Up to 20 random nodes of degree ≥ 2 in the largest component."""
    comp = max(nx.connected_components(graph), key=len)
    nodes = np.array(sorted(n for n in comp if graph.degree(n) >= 2))
    return [int(n) for n in rng.permutation(nodes)[:20]]


def _partner(graph: nx.MultiGraph, anchor: int, rng: np.random.Generator) -> int | None:
    dist = nx.single_source_dijkstra_path_length(graph, anchor, cutoff=200.0, weight="length_m")
    far = sorted(n for n, d in dist.items() if d >= 140.0 and graph.degree(n) >= 2)
    return int(rng.choice(far)) if far else None


def holdout_scenario(network: StreetNetwork, kind: str, density: float, seed: int) -> Scenario:
    """Noise at ``density`` per km of street plus the hotspots of ``kind`` (see the module docstring)."""
    rng = np.random.default_rng(seed)
    lines = network.edges.geometry.to_numpy()
    km = float(shapely.length(lines).sum()) / 1000.0
    density = 2.0 if kind == "small" else density
    noise = _along(lines, round(density * km), rng, side_m=6.0)
    graph = _graph(network)
    hot: list[np.ndarray] = []
    anchors: list[int] = []
    if kind == "crossing":
        comp = max(nx.connected_components(graph), key=len)
        big = sorted(n for n in comp if graph.degree(n) >= 4)
        anchors = [int(rng.choice(big))]
        hot = [_along(_hot_lines(graph, network, anchors[0], 30.0), per_hot(density), rng, 6.0)]
    elif kind == "small":
        anchors = _anchors(graph, 1, rng, 500.0)
        hot = [_along(_hot_lines(graph, network, anchors[0], 40.0), 10, rng, 6.0)]
    elif kind == "line":
        for cand in _candidates(graph, rng):
            route = _route(graph, cand, rng, 120.0, 180.0)
            if len(route):
                anchors = [cand]
                hot = [_along(route, per_hot(density), rng, 6.0)]
                break
    elif kind == "pair":
        for cand in _candidates(graph, rng):
            other = _partner(graph, cand, rng)
            if other is not None:
                anchors = [cand, other]
                hot = [
                    _along(_hot_lines(graph, network, a, 40.0), per_hot(density), rng, 6.0) for a in anchors
                ]
                break
    else:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if not hot:
        raise RuntimeError(f"no place for a {kind!r} hotspot on this network (seed {seed})")
    xy = np.concatenate([noise, *hot])
    return export(xy, anchors, hot, graph, network, density, seed, rng)
