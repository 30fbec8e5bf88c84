"""Hotspots: network DBSCAN (the estimator, its functional core and the k-distance plot), network HDBSCAN
(the self-adjusting estimator and its functional core), the hotspot table with its time profile, the
parameters chosen from the data, and the significance test and stability of each hotspot.

``from trygghet_geo.hotspots import NetworkDBSCAN, NetworkHDBSCAN, find_hotspots, suggest_eps`` is the public
face.
"""

from __future__ import annotations

from trygghet_geo._compat import forwarder
from trygghet_geo.hotspots._dbscan import (
    KDistance,
    NetworkDBSCAN,
    dbscan_on_network,
    network_distance_graph,
    plot_k_distance,
    suggest_eps,
)
from trygghet_geo.hotspots._emerging import PATTERNS, emerging_hotspots
from trygghet_geo.hotspots._hdbscan import NetworkHDBSCAN, hdbscan_on_network
from trygghet_geo.hotspots._hotspots import HOTSPOT_COLUMNS, find_hotspots, top_hours, top_weekdays
from trygghet_geo.hotspots._near_repeat import NEAR_REPEAT_COLUMNS, near_repeat
from trygghet_geo.hotspots._parameters import Parameters, street_weights, suggest_parameters
from trygghet_geo.hotspots._significance import hotspot_significance
from trygghet_geo.hotspots._stability import hotspot_stability

# names this package's single module used to define, for one release (DeprecationWarning)
__getattr__ = forwarder(__name__, "trygghet_geo.hotspots._hotspots", "trygghet_geo._vocab")

__all__ = [
    "HOTSPOT_COLUMNS",
    "NEAR_REPEAT_COLUMNS",
    "PATTERNS",
    "KDistance",
    "NetworkDBSCAN",
    "NetworkHDBSCAN",
    "Parameters",
    "dbscan_on_network",
    "emerging_hotspots",
    "find_hotspots",
    "hdbscan_on_network",
    "hotspot_significance",
    "hotspot_stability",
    "near_repeat",
    "network_distance_graph",
    "plot_k_distance",
    "street_weights",
    "suggest_eps",
    "suggest_parameters",
    "top_hours",
    "top_weekdays",
]
