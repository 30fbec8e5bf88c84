"""The street network: the model (:class:`StreetNetwork` and its constructors), junction cutting, snapping
points onto edges, bounded shortest-path distances along the streets and lixels (pieces of street).

``from trygghet_geo.network import StreetNetwork, network_from_pbf, snap_points`` is the public face;
:mod:`trygghet_geo.network.snap` and :mod:`trygghet_geo.network.distance` are public modules too.
"""

from __future__ import annotations

from trygghet_geo._compat import forwarder
from trygghet_geo.network._basemap import basemap_for_network, basemap_from_pbf
from trygghet_geo.network._lixel import lixelize
from trygghet_geo.network._model import NetworkType, StreetNetwork
from trygghet_geo.network._sources import (
    network_from_bbox,
    network_from_graph,
    network_from_graphml,
    network_from_lines,
    network_from_pbf,
    network_from_place,
    network_from_xml,
    read_network,
)
from trygghet_geo.network._store import NetworkStore, network_store_from_pbf, write_network_store
from trygghet_geo.network.snap import snap_points

# names this package's single module used to define, for one release (DeprecationWarning)
__getattr__ = forwarder(__name__, "trygghet_geo.network._model", "trygghet_geo.network._sources")

__all__ = [
    "NetworkStore",
    "NetworkType",
    "StreetNetwork",
    "basemap_for_network",
    "basemap_from_pbf",
    "lixelize",
    "network_from_bbox",
    "network_from_graph",
    "network_from_graphml",
    "network_from_lines",
    "network_from_pbf",
    "network_from_place",
    "network_from_xml",
    "network_store_from_pbf",
    "read_network",
    "snap_points",
    "write_network_store",
]
