"""Read the raw OSM features a gazetteer is built from: named features, address points and street ways.

Two sources give the same three tables (EPSG:4326, a ``tags`` column holding a dict):

- a local ``.osm.pbf`` file, read with pyrosm (offline);
- a local ``.osm`` XML file, read with osmnx (offline);
- a place query, downloaded with osmnx (online, only on explicit request).
"""

from __future__ import annotations

import json
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from trygghet_geo.errors import GeocodingError, InputError

__all__ = ["RawOSM", "read_osm_file", "read_osm_place", "read_osm_xml"]

logger = logging.getLogger(__name__)

# Tags kept from OSM features: the names (aliases) and what says what a feature is.
NAME_TAGS = (
    "name:sv",
    "name",
    "name:fi",
    "official_name",
    "official_name:sv",
    "alt_name",
    "alt_name:sv",
    "old_name",
    "old_name:sv",
    "short_name",
    "short_name:sv",
    "loc_name",
)
CATEGORY_TAGS = (
    "leisure",
    "place",
    "railway",
    "public_transport",
    "amenity",
    "shop",
    "tourism",
    "historic",
    "highway",
    "building",
    "landuse",
    "natural",
    "office",
    "man_made",
)


@dataclass(frozen=True)
class RawOSM:
    """The three OSM tables a gazetteer is built from, all EPSG:4326 with a ``tags`` dict column.

    ``named``: every named feature (nodes, ways, relations). ``addresses``: features with
    ``addr:housenumber``. ``streets``: street ways with ``name``, ``tags``, ``u``, ``v`` (node ids),
    LineString from u to v. ``buildings``: building polygons (with or without an address of their own; an
    address node inside one is that building's address). ``entrances``: ``entrance=*`` nodes, where an
    address whose building has no address node of its own is answered.
    """

    named: gpd.GeoDataFrame
    addresses: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame | None = None
    entrances: gpd.GeoDataFrame | None = None

    def clip(self, bbox: tuple[float, float, float, float]) -> RawOSM:
        """The features that touch ``bbox = (min_lon, min_lat, max_lon, max_lat)``."""
        import shapely

        box = shapely.box(*bbox)
        tables = (
            self.named,
            self.addresses,
            self.streets,
            self.buildings_or_empty(),
            self.entrances_or_empty(),
        )
        return RawOSM(*(t[t.intersects(box)] for t in tables))

    def entrances_or_empty(self) -> gpd.GeoDataFrame:
        """``entrances``, or an empty table when the source gave none."""
        return self.entrances if self.entrances is not None else _frame(None)

    def buildings_or_empty(self) -> gpd.GeoDataFrame:
        """``buildings``, or an empty table when the source gave none."""
        return self.buildings if self.buildings is not None else _frame(None)


def _tags_to_dict(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """pyrosm keeps most tags in a JSON string column ``tags`` and a few as columns: merge them."""
    raw = frame["tags"] if "tags" in frame.columns else pd.Series([None] * len(frame), index=frame.index)
    cols = [
        c for c in frame.columns if c not in ("tags", "geometry", "id", "osm_type", "lon", "lat", "u", "v")
    ]
    out: list[dict[str, Any]] = []
    values = frame[cols].to_dict("records") if cols else [{}] * len(frame)
    for t, extra in zip(raw, values, strict=True):
        d: dict[str, Any] = json.loads(t) if isinstance(t, str) else dict(t) if isinstance(t, dict) else {}
        for k, v in extra.items():
            if isinstance(v, str) and v and k not in d:
                d[k] = v
        out.append(d)
    return out


def _frame(gdf: gpd.GeoDataFrame | None, keep: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    if gdf is None or len(gdf) == 0:
        return gpd.GeoDataFrame(
            {"osm_type": [], "tags": [], **{k: [] for k in keep}}, geometry=[], crs="EPSG:4326"
        )
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    out = gpd.GeoDataFrame(
        {
            "osm_type": gdf["osm_type"].astype(str).to_numpy() if "osm_type" in gdf else "way",
            "tags": _tags_to_dict(gdf),
            **{k: gdf[k].to_numpy() for k in keep},
        },
        geometry=gdf.geometry.to_numpy(),
        crs=gdf.crs or "EPSG:4326",
    )
    return out.to_crs("EPSG:4326")


def read_osm_file(path: str | Path, *, bbox: tuple[float, float, float, float] | None = None) -> RawOSM:
    """Read named features, addresses and street ways from a local ``.osm.pbf`` (pyrosm) or ``.osm`` (osmnx).

    Parameters
    ----------
    path : str or Path
        An OpenStreetMap PBF extract.
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Keep only this window (a town out of a county or country extract).

    Raises
    ------
    InputError
        When the file is missing or is not a PBF file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"OSM file {str(path)!r} does not exist")
    if path.suffix.lower() in (".osm", ".xml"):
        raw = read_osm_xml(path)
        return raw if bbox is None else raw.clip(bbox)
    if not path.name.lower().endswith(".pbf"):
        raise InputError(f"OSM file {str(path)!r}: expected an .osm.pbf extract or .osm XML")
    import pyrosm

    osm = pyrosm.OSM(str(path), bounding_box=None if bbox is None else list(bbox))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyrosm calls deprecated pandas/shapely APIs internally
        named = osm.get_data_by_custom_criteria(custom_filter={"name": True}, filter_type="keep")
        addresses = osm.get_data_by_custom_criteria(
            custom_filter={"addr:housenumber": True}, filter_type="keep"
        )
        _nodes, edges = osm.get_network(network_type="all", nodes=True)
        buildings = osm.get_buildings()
        entrances = osm.get_data_by_custom_criteria(
            custom_filter={"entrance": True}, filter_type="keep", keep_ways=False, keep_relations=False
        )
    if edges is None or len(edges) == 0:
        where = "" if bbox is None else f" within bbox {bbox}"
        raise InputError(f"OSM file {str(path)!r} holds no streets{where}")
    return RawOSM(
        named=_frame(named),
        addresses=_frame(addresses),
        streets=_frame(edges[edges["name"].notna()], keep=("name", "u", "v")),
        buildings=_polygons(_frame(buildings)),
        entrances=_frame(entrances),
    )


def _polygons(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The polygon rows of a feature table (buildings mapped as nodes have no outline to hold)."""
    return frame[frame.geometry.geom_type.isin(("Polygon", "MultiPolygon"))]


def read_osm_place(query: str) -> RawOSM:
    """Download named features, addresses and streets of a place with osmnx (Overpass; online).

    Only called when the caller asked for online data (``build_gazetteer(query, online=True)``).
    """
    from trygghet_geo._http import osmnx_settings

    with osmnx_settings() as ox:  # the package's user agent, timeout and cache, for this download only
        try:
            graph = ox.graph_from_place(query, network_type="all", simplify=False, retain_all=True)
            features = ox.features_from_place(
                query, tags={"name": True, "addr:housenumber": True, "building": True, "entrance": True}
            )
        except Exception as exc:  # osmnx raises many kinds (HTTP, Overpass, geocoding of the query)
            raise GeocodingError(f"could not download OSM data for {query!r}: {exc}") from exc
    return _from_osmnx(graph, features)


def read_osm_xml(path: str | Path) -> RawOSM:
    """Read a local OSM XML file (``.osm``) with osmnx (offline)."""
    path = Path(path)
    ox = _osmnx()
    try:
        graph = ox.graph_from_xml(path, simplify=False, retain_all=True)
        features = ox.features_from_xml(
            path, tags={"name": True, "addr:housenumber": True, "building": True, "entrance": True}
        )
    except Exception as exc:  # malformed XML surfaces as many exception kinds
        raise InputError(f"OSM file {str(path)!r} could not be read: {exc}") from exc
    return _from_osmnx(graph, features)


def _osmnx() -> Any:
    import osmnx as ox  # slow to import (~1 s); only OSM XML files and downloads need it

    return ox


def _tag_dicts(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [
        c
        for c in frame.columns
        if c in NAME_TAGS or c in CATEGORY_TAGS or c.startswith("addr:") or c == "entrance"
    ]
    return [
        {k: v for k, v in zip(cols, row, strict=True) if isinstance(v, str) and v}
        for row in frame[cols].itertuples(index=False, name=None)
    ]


def _from_osmnx(graph: Any, features: gpd.GeoDataFrame) -> RawOSM:
    """The three tables from an osmnx graph (streets) and features frame (names, addresses, aliases)."""
    ox = _osmnx()
    edges = ox.graph_to_gdfs(graph, nodes=False).reset_index()
    if "highway" in edges:
        edges = edges[edges["highway"].notna()]
    edges = edges[edges["name"].notna()].copy() if "name" in edges else edges.iloc[:0].assign(name=[])
    edges["name"] = edges["name"].map(lambda n: n[0] if isinstance(n, list) else n)
    edges = edges[edges["u"] < edges["v"]]  # one edge per pair of nodes: the graph holds both directions
    feats = features.reset_index()
    feats["tags"] = _tag_dicts(feats)
    feats["osm_type"] = feats["element"] if "element" in feats else feats.get("element_type", "node")
    # a street's aliases (old_name, name:sv ...) live on its way among the features
    street_tags: dict[str, dict[str, Any]] = {}
    for tags in feats["tags"]:
        if "highway" in tags and "name" in tags:
            street_tags.setdefault(tags["name"], {}).update(tags)
    edges["tags"] = [street_tags.get(n, {"name": n}) for n in edges["name"]]
    edges["osm_type"] = "way"
    has_name = feats["name"].notna() if "name" in feats else pd.Series(False, index=feats.index)
    has_number = feats["addr:housenumber"].notna() if "addr:housenumber" in feats else ~has_name & has_name
    is_building = feats["building"].notna() if "building" in feats else ~has_name & has_name
    is_entrance = feats["entrance"].notna() if "entrance" in feats else ~has_name & has_name
    return RawOSM(
        named=_frame(feats[has_name]),
        addresses=_frame(feats[has_number]),
        streets=_frame(edges, keep=("name", "u", "v")),
        buildings=_polygons(_frame(feats[is_building])),
        entrances=_frame(feats[is_entrance & (feats.geometry.geom_type == "Point")]),
    )
