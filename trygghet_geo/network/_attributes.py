"""What the network's kept OSM tags say about a place: the share of a hotspot's streets without lighting.

``lit=*`` is the tag safety walks care about most; OpenStreetMap mappers set it to ``yes``, ``no``,
``24/7``, ``automatic``, ``disused``, ``limited``, ``sunset-sunrise`` and the like. A street counts as unlit
when its value is ``no`` or ``disused``, as lit for any other value, and as unknown without the tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network._model import StreetNetwork

__all__ = ["UNLIT", "unlit_share"]

UNLIT = frozenset({"no", "disused"})
"""``lit=*`` values that mean the street has no working lighting."""


def unlit_share(hotspots: gpd.GeoDataFrame, network: StreetNetwork, *, tolerance_m: float = 0.5) -> pd.Series:
    """For each hotspot, the share (0–1) of its streets' length, among those whose lighting OSM records,
    that is unlit; NaN where no street of the hotspot has a ``lit`` tag (or the network kept none).

    The streets are the hotspot's ``segments_wkt`` (the street pieces it covers), else its polygon.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString, Polygon
    >>> from trygghet_geo.network import network_from_lines
    >>> lines = gpd.GeoDataFrame({"lit": ["yes", "no", None]}, crs="EPSG:3006", geometry=[
    ...     LineString([(0, 0), (30, 0)]), LineString([(30, 0), (40, 0)]), LineString([(40, 0), (60, 0)])])
    >>> net = network_from_lines(lines, columns=["lit"])
    >>> hs = gpd.GeoDataFrame(geometry=[Polygon([(-1, -1), (61, -1), (61, 1), (-1, 1)])], crs="EPSG:3006")
    >>> float(unlit_share(hs, net).iloc[0])  # 10 m unlit of 40 m with a tag
    0.25
    """
    out = pd.Series(np.nan, index=hotspots.index, dtype=float)
    edges = network.edges
    if "lit" not in edges.columns or len(hotspots) == 0:
        return out
    lit = edges["lit"].astype(object).to_numpy()
    known = np.array([isinstance(v, str) and v != "" for v in lit])
    unlit = np.array([isinstance(v, str) and v.strip().lower() in UNLIT for v in lit])
    lines = edges.geometry.to_numpy()
    wkt = hotspots["segments_wkt"] if "segments_wkt" in hotspots.columns else None
    for i, (label, polygon) in enumerate(zip(hotspots.index, hotspots.geometry, strict=True)):
        streets = (
            shapely.from_wkt(wkt.iloc[i]) if wkt is not None and isinstance(wkt.iloc[i], str) else polygon
        )
        if streets is None or streets.is_empty:
            continue
        zone = shapely.buffer(streets, tolerance_m) if streets.geom_type != "Polygon" else streets
        near = network.edge_tree.query(zone, predicate="intersects")
        near = near[known[near]]
        if len(near) == 0:
            continue
        length = shapely.length(shapely.intersection(lines[near], zone))
        total = float(length.sum())
        if total > 0:
            out[label] = float(length[unlit[near]].sum()) / total
    return out
