"""Readable names of the ranked places: a landmark from the gazetteer (square, park, station) when one covers
the place, else its main street, joined with a crossing street ("Storgatan/Kyrkogatan"), else "nära X".
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = ["place_name"]

logger = logging.getLogger(__name__)


def place_name(network: StreetNetwork, edges: np.ndarray, geom: Any, inc: gpd.GeoDataFrame,
                inside: np.ndarray, gazetteer: Any) -> tuple[str, str]:  # fmt: skip
    """(name, street name): a landmark from the gazetteer when one covers the place, else the street name.

    The street name is the named street carrying most of the place's events, joined with a second street
    that meets it and carries at least a quarter as many ("Storgatan/Kyrkogatan"). Sidewalks and paths are
    often unnamed in OSM: when no event lies on a named street, the place's own streets (those its events or
    observations lie on), else the streets crossing its polygon, count by length; "nära X" when nothing
    named is in the place.
    """
    import shapely

    names = network.edges["name"].astype(str).to_numpy()
    crossing = shapely.STRtree(network.edges.geometry.to_numpy()).query(geom, predicate="intersects")
    eid = inc.loc[inside, schema.EDGE_ID].to_numpy(int) if schema.EDGE_ID in inc else np.array([], int)
    eid = eid[np.isin(eid, edges)] if len(edges) else eid
    street = pd.Series(names[eid])
    ranking = street[street != ""].value_counts().astype(float)
    if ranking.empty:  # no event on a named street: the place's own streets, else those crossing it
        ids = edges if len(edges) and (names[edges] != "").any() else crossing
        inter = network.edges.geometry.iloc[ids].intersection(geom).length.to_numpy()
        by_length = pd.Series(inter, index=names[ids])
        ranking = by_length[by_length.index != ""].groupby(level=0).sum().sort_values(ascending=False)
    if ranking.empty:
        street_name = _nearest_street(network, geom)
    else:
        street_name = str(ranking.index[0])
        if len(ranking) > 1 and ranking.iloc[1] >= 0.25 * ranking.iloc[0]:
            second = str(ranking.index[1])
            if _streets_meet(network, street_name, second, np.r_[edges, crossing].astype(int)):
                street_name = f"{street_name}/{second}"
    return _gazetteer_name(gazetteer, geom, network) or street_name, street_name


_LANDMARK_CATEGORIES = (
    "place=square", "leisure=park", "leisure=playground", "leisure=garden", "railway=station",
    "public_transport=station", "amenity=bus_station", "highway=pedestrian", "amenity=marketplace",
)  # fmt: skip


def _gazetteer_name(gazetteer: Any, geom: Any, network: StreetNetwork) -> str | None:
    """A landmark the place lies in or next to (square, park, station) from the gazetteer's named places.

    An area landmark must cover at least 15 % of the place; a point landmark must lie within 30 m of it.
    """
    landmarks = _landmarks(gazetteer, network)
    if landmarks is None or landmarks.empty:
        return None
    near = landmarks.iloc[landmarks.sindex.query(geom.buffer(30.0), predicate="intersects")]
    if near.empty:
        return None
    areas = near[near.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(areas):
        share = areas.geometry.intersection(geom).area.to_numpy() / max(geom.area, 1e-9)
        if share.max() >= 0.15:
            return str(areas["name"].iloc[int(np.argmax(share))])
    points = near[~near.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(points):
        return str(points["name"].iloc[int(np.argmin(points.distance(geom).to_numpy()))])
    return None


_LANDMARK_CACHE: dict[tuple[int, str], Any] = {}


def _landmarks(gazetteer: Any, network: StreetNetwork) -> gpd.GeoDataFrame | None:
    """Named squares, parks and stations of the gazetteer in the network's CRS (cached per gazetteer)."""
    if gazetteer is None:
        return None
    key = (id(gazetteer), str(network.crs))
    if key not in _LANDMARK_CACHE:
        try:
            places = gazetteer.kind("place")
            places = places[
                places["category"].isin(_LANDMARK_CATEGORIES) & (places["name"].astype(str) != "")
            ]
            places = places[places.geometry.notna()].to_crs(network.crs)[["name", "category", "geometry"]]
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # another gazetteer shape
            logger.info("gazetteer offers no named places (%s); naming places by their streets", exc)
            places = None
        _LANDMARK_CACHE.clear()
        _LANDMARK_CACHE[key] = (gazetteer, places)
    return _LANDMARK_CACHE[key][1]


def _streets_meet(network: StreetNetwork, a: str, b: str, edges: np.ndarray) -> bool:
    e = network.edges.iloc[edges]
    nodes_a = set(e.loc[e["name"] == a, ["u", "v"]].to_numpy().ravel().tolist())
    nodes_b = set(e.loc[e["name"] == b, ["u", "v"]].to_numpy().ravel().tolist())
    return bool(nodes_a & nodes_b)


def _nearest_street(network: StreetNetwork, geom: Any) -> str:
    import shapely

    named = network.edges[network.edges["name"].astype(str) != ""]
    if named.empty:
        return "Namnlös plats"
    idx = np.atleast_1d(shapely.STRtree(named.geometry.to_numpy()).query_nearest(geom, all_matches=False))
    return f"nära {named['name'].iloc[int(idx[0])]}"
