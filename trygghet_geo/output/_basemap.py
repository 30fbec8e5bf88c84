"""A vector basemap with context from the same OpenStreetMap extract as the street network: water, parks and
other green areas, buildings and railways, so that a reader of the e-mailed map can tell the park from the
car park without any tile server.

:func:`basemap_from_pbf` reads the four layers with pyrosm (offline), keeps what lies within the network's
extent (plus a margin), simplifies the outlines and returns one GeoDataFrame (column ``layer``) in the
network's metric CRS; :func:`basemap_payload` encodes it compactly for the map's own payload under the keys
``water``, ``green``, ``buildings`` and ``rail`` (polygons and lines delta-encoded as the map's other
shapes), where the browser draws it below the streets.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from trygghet_geo import schema
from trygghet_geo.errors import InputError
from trygghet_geo.output import _mapdata as md

__all__ = ["BASEMAP_LAYERS", "basemap_from_pbf", "basemap_payload"]

BASEMAP_LAYERS = ("water", "green", "buildings", "rail")
"""The basemap's layers, drawn in this order (water lowest)."""

# OSM tags of each layer (pyrosm custom filters); buildings through pyrosm's own get_buildings.
_FILTERS: dict[str, dict[str, list[str]]] = {
    "water": {
        "natural": ["water", "bay"],
        "waterway": ["riverbank", "dock"],
        "landuse": ["reservoir", "basin"],
    },
    "green": {
        "leisure": ["park", "garden", "playground", "pitch", "nature_reserve", "dog_park"],
        "landuse": [
            "grass",
            "forest",
            "meadow",
            "recreation_ground",
            "cemetery",
            "village_green",
            "allotments",
        ],
        "natural": ["wood", "scrub", "grassland", "heath"],
    },
    "rail": {"railway": ["rail", "light_rail", "subway", "tram", "narrow_gauge"]},
}
_SIMPLIFY_M = {"water": 3.0, "green": 3.0, "buildings": 1.5, "rail": 3.0}
_MIN_AREA_M2 = {"water": 200.0, "green": 200.0, "buildings": 20.0}


def basemap_from_pbf(
    path: str | Path, *, network: Any, margin_m: float = 150.0, layers: tuple[str, ...] = BASEMAP_LAYERS
) -> gpd.GeoDataFrame:
    """Water, green areas, buildings and railways of an OSM extract around a street network.

    Parameters
    ----------
    path : str or Path
        The ``.osm.pbf`` file the network came from (read offline with pyrosm).
    network : StreetNetwork
        The network: its extent plus ``margin_m`` bounds what is kept, its CRS is the result's.
    margin_m : float
        Metres around the network's extent.
    layers : tuple of str
        Some of :data:`BASEMAP_LAYERS`.

    Returns
    -------
    GeoDataFrame
        Columns ``layer`` and geometry (polygons; lines for ``rail``), simplified, in the network's CRS.
    """
    import pyrosm

    unknown = sorted(set(layers) - set(BASEMAP_LAYERS))
    if unknown:
        raise InputError(f"layers: unknown {unknown}; expected some of {list(BASEMAP_LAYERS)}")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"OSM PBF file {str(path)!r} does not exist")
    crs = network.edges.crs
    box = shapely.box(*network.edges.total_bounds).buffer(margin_m, join_style="mitre")
    window = gpd.GeoSeries([box], crs=crs).to_crs(schema.WGS84).total_bounds
    osm = pyrosm.OSM(str(path), bounding_box=list(window))
    frames = []
    for layer in layers:
        with warnings.catch_warnings():
            # A lake or park relation crossing the window comes back with the members inside it; the
            # result is clipped to the window anyway, so pyrosm's note on the missing members is moot.
            warnings.filterwarnings("ignore", message=r".*relation\(s\) extend beyond the bounding box")
            if layer == "buildings":
                got = osm.get_buildings()
            else:
                got = osm.get_data_by_custom_criteria(
                    custom_filter=_FILTERS[layer], filter_type="keep", keep_nodes=False,
                    keep_relations=layer != "rail",
                )  # fmt: skip
        if got is None or len(got) == 0:
            continue
        geoms = gpd.GeoSeries(got.geometry.values, crs=4326).to_crs(crs)
        geoms = geoms[geoms.notna() & ~geoms.is_empty]
        lines = layer == "rail"
        keep = geoms.geom_type.isin(
            ["LineString", "MultiLineString"] if lines else ["Polygon", "MultiPolygon"]
        )
        geoms = geoms[keep]
        if not lines:  # OSM multipolygons are not always valid (self-touching rings)
            geoms = geoms.make_valid()
            geoms = geoms[geoms.geom_type.isin(["Polygon", "MultiPolygon", "GeometryCollection"])]
        geoms = geoms.clip(box)
        if not lines:
            geoms = geoms[geoms.area >= _MIN_AREA_M2[layer]]
        geoms = geoms.simplify(_SIMPLIFY_M[layer], preserve_topology=True)
        geoms = geoms[~geoms.is_empty]
        frames.append(gpd.GeoDataFrame({"layer": [layer] * len(geoms)}, geometry=geoms.values, crs=crs))
    if not frames:
        return gpd.GeoDataFrame({"layer": []}, geometry=[], crs=crs)
    import pandas as pd

    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)


def basemap_payload(basemap: gpd.GeoDataFrame) -> dict[str, list[Any]]:
    """The basemap for the map's payload: per layer, polygons (``water``, ``green``, ``buildings``) as
    encoded rings, ``rail`` as encoded lines, all in WGS84 (see :mod:`._mapdata`)."""
    out: dict[str, list[Any]] = {layer: [] for layer in BASEMAP_LAYERS}
    if basemap is None or len(basemap) == 0:
        return out
    wgs = basemap.to_crs(schema.WGS84)
    for layer, geom in zip(wgs["layer"], wgs.geometry, strict=True):
        if layer not in out or geom is None or geom.is_empty:
            continue
        if layer == "rail":
            parts = geom.geoms if hasattr(geom, "geoms") else [geom]
            out[layer] += [md.encode_line(np.asarray(p.coords)[:, :2]) for p in parts if not p.is_empty]
        else:
            out[layer] += md.encode_polygon(geom)
    return out
