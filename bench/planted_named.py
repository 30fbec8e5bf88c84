"""Planted hotspots on a background that lies on the named streets only, as the bundled sample's is.

``sample.generate_incidents`` spreads its background per metre of the *named* streets: the footways,
sidewalks and paths OpenStreetMap draws without a name get no background of their own, only what snaps to
them from a few metres away. On the sample's streets 30 % of the length is named. This family follows that
rule and is otherwise ``planted.py``'s: the noise is ``density`` events per km of the named streets (so the
named streets carry the same rate per metre as ``planted.py``'s streets do), spread uniformly per metre of
them and pushed up to 6 m sideways; the hotspots are ``planted.py``'s (``PER_HOT`` events per metre of the
streets within 60 m along the network of anchors at least 500 m apart), so a place in a mesh of footways
stands on little background while one on a named street stands on all of it.

On a network without names (the grid town names every street) it is ``planted.py``'s family.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely
from planted import PER_HOT, Scenario, _along, _anchors, _graph, _hot_lines, export

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork


def scenario(
    network: StreetNetwork, density: float, seed: int, *, n_hot: int = 3, radius_m: float = 60.0
) -> Scenario:
    """Noise at ``density`` events per km of the named streets plus ``n_hot`` planted hotspots."""
    rng = np.random.default_rng(seed)
    lines = network.edges.geometry.to_numpy()
    named = network.edges["name"].fillna("").astype(str).str.strip().to_numpy() != ""
    if named.any():
        lines = lines[named]
    km = float(shapely.length(lines).sum()) / 1000.0
    noise = _along(lines, round(density * km), rng, side_m=6.0)
    graph = _graph(network)
    anchors = _anchors(graph, n_hot, rng, 500.0) if n_hot else []
    hot = [_along(_hot_lines(graph, network, a, radius_m), PER_HOT[density], rng, 6.0) for a in anchors]
    xy = np.concatenate([noise, *hot]) if hot else noise
    return export(xy, anchors, hot, graph, network, density, seed, rng)
