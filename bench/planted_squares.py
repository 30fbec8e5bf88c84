"""Planted hotspots on street-rich squares: a grid town where some blocks are crossed by a mesh of walkways.

OpenStreetMap draws a plaza or a park as many short footpaths: on the sample's streets 600-1,100 m of path lie
within 60 m of such a square's middle, against about 240 m at a plain crossing. A hotspot of a human scale
spread over such a square adds few events per metre of path, so it is the hardest case for a test against
events "uniform along the streets". This generator builds such squares on purpose (another route than the
code under test: shapely lines, networkx distances and the sampling of ``planted.py``):

- ``square_town``: a grid of ``blocks`` × ``blocks`` blocks of ``block_m``; four blocks are squares crossed
  by ``paths`` walkways each way, ``gap`` metres apart (defaults: 4 each way, 22 m apart, ~920 m of path
  within 60 m of the square's middle);
- ``square_scenario``: noise uniform per metre of street plus two hotspots of ``per_hot`` events spread
  uniformly over the streets within 60 m of the middle of two of the squares (or none).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely
from planted import Scenario, _along, _graph, _hot_lines, export

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

SQUARES = ((2, 2), (8, 3), (4, 8), (9, 9))  # block indices of the squares


def square_town(blocks: int = 12, block_m: float = 110.0, paths: int = 4, gap: float = 22.0) -> StreetNetwork:
    """A grid town in SWEREF 99 TM whose blocks :data:`SQUARES` are crossed by a mesh of walkways."""
    from trygghet_geo.network import network_from_lines

    x0, y0 = 674_000.0, 6_580_000.0
    side = blocks * block_m
    lines = []
    for i in range(blocks + 1):
        lines.append(shapely.LineString([(x0 + i * block_m, y0), (x0 + i * block_m, y0 + side)]))
        lines.append(shapely.LineString([(x0, y0 + i * block_m), (x0 + side, y0 + i * block_m)]))
    for bi, bj in SQUARES:
        ax, ay = x0 + bi * block_m, y0 + bj * block_m
        for m in range(1, paths + 1):
            lines.append(shapely.LineString([(ax + m * gap, ay), (ax + m * gap, ay + block_m)]))
            lines.append(shapely.LineString([(ax, ay + m * gap), (ax + block_m, ay + m * gap)]))
    noded = list(shapely.node(shapely.MultiLineString(lines)).geoms)  # split at every crossing
    return network_from_lines(gpd.GeoDataFrame(geometry=noded, crs=3006))


def square_middles(network: StreetNetwork, block_m: float = 110.0) -> np.ndarray:
    """The node nearest each square's middle."""
    x0, y0 = 674_000.0, 6_580_000.0
    xy = np.c_[network.nodes.geometry.x, network.nodes.geometry.y]
    mid = np.array([(x0 + (bi + 0.5) * block_m, y0 + (bj + 0.5) * block_m) for bi, bj in SQUARES])
    return np.array([int(np.argmin(((xy - m) ** 2).sum(axis=1))) for m in mid])


def square_scenario(
    network: StreetNetwork, density: float, seed: int, *, per_hot: int = 30, n_hot: int = 2
) -> Scenario:
    """Noise at ``density`` events per km of street plus ``n_hot`` hotspots of ``per_hot`` events spread over
    the streets within 60 m of the middle of randomly chosen squares."""
    rng = np.random.default_rng(seed)
    lines = network.edges.geometry.to_numpy()
    km = float(shapely.length(lines).sum()) / 1000.0
    noise = _along(lines, round(density * km), rng, side_m=6.0)
    graph = _graph(network)
    anchors = [int(a) for a in rng.permutation(square_middles(network))[:n_hot]]
    hot = [_along(_hot_lines(graph, network, a, 60.0), per_hot, rng, 6.0) for a in anchors]
    xy = np.concatenate([noise, *hot]) if hot else noise
    return export(xy, anchors, hot, graph, network, density, seed, rng)
