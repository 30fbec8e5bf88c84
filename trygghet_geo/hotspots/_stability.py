"""How much a hotspot depends on the clustering parameters: the ``stability`` column.

A place that shows up whatever reasonable parameters one picks can carry a decision; one that appears only at
the chosen values is worth a second look. :func:`hotspot_stability` reclusters the events on a small grid
around the chosen parameters — eps × (0.8, 1, 1.25) and min_samples × (0.8, 1, 1.25), the chosen pair
itself left out: 8 runs — and counts in how many runs the hotspot reappears: some cluster of the run shares
at least half of the union of its events and the hotspot's (Jaccard index ≥ 0.5; a hotspot that splits in
two or melts into a bigger cluster does not reappear). ``stability`` is that share, 0–1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse import coo_matrix

from trygghet_geo.hotspots._dbscan import dbscan_on_network
from trygghet_geo.hotspots._parameters import street_weights
from trygghet_geo.hotspots._significance import observed_labels

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = ["GRID_FACTORS", "STABLE", "hotspot_stability"]

GRID_FACTORS = (0.8, 1.0, 1.25)
"""Factors applied to eps and to min_samples for the grid of reclusterings."""
STABLE = 0.75
"""A place with a lower stability gets a line in its reason: it depends on the parameters."""
_JACCARD = 0.5


def hotspot_stability(
    hotspots: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    network: StreetNetwork,
    *,
    eps_m: float,
    min_samples: int,
    street_weighted: bool = False,
) -> gpd.GeoDataFrame:
    """A copy of ``hotspots`` with a ``stability`` column (0–1; see the module docstring).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from trygghet_geo.network import network_from_lines
    >>> from trygghet_geo.hotspots import find_hotspots
    >>> line = shapely.LineString([(0, 0), (2000, 0)])
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[line], crs=3006))
    >>> off = np.r_[np.linspace(100, 130, 20), np.linspace(300, 1900, 30)]
    >>> inc = gpd.GeoDataFrame({"edge_id": 0, "edge_offset_m": off}, geometry=shapely.points(off, 0 * off),
    ...                        crs=3006)
    >>> hs = find_hotspots(inc.iloc[:20], np.zeros(20, int), net)
    >>> hotspot_stability(hs, inc, net, eps_m=20, min_samples=5)["stability"].tolist()
    [1.0]
    """
    from trygghet_geo import _validate
    from trygghet_geo.network.snap import stored_positions

    _validate.metres("eps_m", eps_m)
    min_samples = _validate.count("min_samples", min_samples, minimum=1)
    street_weighted = bool(_validate.flag("street_weighted", street_weighted))
    _validate.table("incidents", incidents)
    _validate.network("network", network)
    out = _validate.table("hotspots", hotspots).copy()

    e_all, t_all = stored_positions(incidents, network)
    located = incidents[e_all >= 0]
    labels = observed_labels(located, hotspots)
    n_hot = len(hotspots)
    if n_hot == 0:
        out["stability"] = np.zeros(0)
        return out
    e, t = e_all[e_all >= 0], t_all[e_all >= 0]
    size = np.bincount(labels[labels >= 0], minlength=n_hot)
    found = np.zeros(n_hot)
    runs = 0
    for fe in GRID_FACTORS:
        eps = float(eps_m) * fe
        w = None
        if street_weighted:
            w = street_weights(network, e, t, eps)
        for fm in GRID_FACTORS:
            if fe == 1.0 and fm == 1.0:
                continue
            ms = max(2, round(min_samples * fm))
            run, _ = dbscan_on_network(e, t, network, eps_m=eps, min_samples=ms, sample_weight=w)
            found += _best_jaccard(labels, run, size) >= _JACCARD
            runs += 1
    out["stability"] = found / runs
    return out


def _best_jaccard(labels: np.ndarray, run: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Per hotspot label, the largest Jaccard index with any cluster of ``run``."""
    both = (labels >= 0) & (run >= 0)
    if not both.any():
        return np.zeros(len(size))
    n_run = int(run.max()) + 1
    run_size = np.bincount(run[run >= 0], minlength=n_run)
    inter = coo_matrix(
        (np.ones(int(both.sum())), (labels[both], run[both])), shape=(len(size), n_run)
    ).tocsr()
    inter.sum_duplicates()
    coo = inter.tocoo()
    jac = coo.data / (size[coo.row] + run_size[coo.col] - coo.data)
    best = np.zeros(len(size))
    np.maximum.at(best, coo.row, jac)
    return best
