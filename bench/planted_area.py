"""Planted hotspots placed in the plane, as real positions are: a third route to judge the density.

``planted.py`` spreads its events uniformly per metre of the lines OpenStreetMap draws, so a street drawn
with a sidewalk on each side gets three times the noise of a plain one, and a square drawn as a mesh of
paths gets its hotspot's events spread over every path. Recorded positions do not follow the drawing: an
address point, a patrol's GPS fix or a mark on a safety-walk map lies somewhere in the street space, and the
lines only decide where it snaps. Here both the noise and the hotspots are positions in the plane:

- the street space is every point within ``corridor_m`` (8 m) of a street line (shapely buffers, one union);
- the noise is uniform by area over the street space, as many events as ``density`` per km of the drawn
  streets (so the counts match ``planted.py``'s);
- each hotspot is ``PER_HOT`` events uniform by area over the street space within ``radius_m`` (50 m) of its
  anchor as the crow flies, anchors at least 500 m apart along the network (networkx, as ``planted.py``).

Nothing here uses the package's own snapping, distances or merging; points are sampled by geopandas'
``sample_points``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely
from planted import PER_HOT, Scenario, _anchors, _graph, export

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

CORRIDOR_M = 8.0


_SPACES: dict[tuple[int, float], shapely.Geometry] = {}


def _street_space(network: StreetNetwork, corridor_m: float) -> shapely.Geometry:
    key = (id(network.edges), corridor_m)
    if key not in _SPACES:
        _SPACES[key] = shapely.union_all(shapely.buffer(network.edges.geometry.to_numpy(), corridor_m))
    return _SPACES[key]


def _uniform(area: shapely.Geometry, n: int, rng: np.random.Generator, crs: object) -> np.ndarray:
    if n == 0:
        return np.empty((0, 2))
    pts = gpd.GeoSeries([area], crs=crs).sample_points(n, rng=rng)
    return shapely.get_coordinates(pts.iloc[0])


def scenario(
    network: StreetNetwork,
    density: float,
    seed: int,
    *,
    n_hot: int = 3,
    radius_m: float = 50.0,
    corridor_m: float = CORRIDOR_M,
) -> Scenario:
    """Noise by area over the street space plus ``n_hot`` hotspots by area around their anchors."""
    rng = np.random.default_rng(seed)
    space = _street_space(network, corridor_m)
    km = float(network.edges["length_m"].sum()) / 1000.0
    noise = _uniform(space, round(density * km), rng, network.crs)
    graph = _graph(network)
    anchors = _anchors(graph, n_hot, rng, 500.0) if n_hot else []
    hot = []
    for a in anchors:
        disc = graph.nodes[a]["point"].buffer(radius_m)
        hot.append(_uniform(shapely.intersection(space, disc), PER_HOT[density], rng, network.crs))
    xy = np.concatenate([noise, *hot]) if hot else noise
    return export(xy, anchors, hot, graph, network, density, seed, rng)
