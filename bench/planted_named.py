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

import planted

if TYPE_CHECKING:
    from planted import Scenario

    from trygghet_geo.network import StreetNetwork


def scenario(
    network: StreetNetwork, density: float, seed: int, *, n_hot: int = 3, radius_m: float = 60.0
) -> Scenario:
    """Noise at ``density`` events per km of the named streets plus ``n_hot`` planted hotspots."""
    named = network.edges["name"].fillna("").astype(str).str.strip().to_numpy() != ""
    return planted.scenario(
        network, density, seed, n_hot=n_hot, radius_m=radius_m, noise_on=named if named.any() else None
    )
