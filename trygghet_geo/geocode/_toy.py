"""A tiny hand-made town (two streets, a square, a few addresses) for examples and fast tests.

Coordinates are metres in SWEREF 99 TM (EPSG:3006) around a point in Kristinehamn; it is fed through the
same builder as real OSM data.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from trygghet_geo.geocode._osm import RawOSM

__all__ = ["ORIGIN", "toy_raw"]

ORIGIN = (466_000.0, 6_574_000.0)  # SWEREF 99 TM, central Kristinehamn


def _at(x: float, y: float) -> tuple[float, float]:
    return ORIGIN[0] + x, ORIGIN[1] + y


def toy_raw() -> RawOSM:
    """Storgatan runs west-east (y = 0, x 0-400), Kyrkogatan south-north (x = 200); Torget north-east."""
    streets = gpd.GeoDataFrame(
        {
            "osm_type": "way",
            "name": ["Storgatan", "Storgatan", "Kyrkogatan", "Kyrkogatan"],
            "u": [1, 2, 4, 2],
            "v": [2, 3, 2, 5],
            "tags": [{"name": "Storgatan", "highway": "residential"}] * 2
            + [{"name": "Kyrkogatan", "old_name": "Prästgatan", "highway": "residential"}] * 2,
        },
        geometry=[
            shapely.LineString([_at(0, 0), _at(200, 0)]),
            shapely.LineString([_at(200, 0), _at(400, 0)]),
            shapely.LineString([_at(200, -200), _at(200, 0)]),
            shapely.LineString([_at(200, 0), _at(200, 200)]),
        ],
        crs="EPSG:3006",
    )
    numbers = [
        ("Storgatan", "1", 50, 10),
        ("Storgatan", "3", 100, 10),
        ("Storgatan", "7", 200 - 20, 10),
        ("Storgatan", "2", 50, -10),
        ("Storgatan", "4-6", 100, -10),
        ("Storgatan", "9 B", 300, 10),
        ("Kyrkogatan", "2", 210, 100),
        ("Kyrkogatan", "1", 190, 100),
    ]
    addresses = gpd.GeoDataFrame(
        {"osm_type": "node", "tags": [{"addr:street": s, "addr:housenumber": n} for s, n, _, _ in numbers]},
        geometry=[shapely.Point(_at(x, y)) for _, _, x, y in numbers],
        crs="EPSG:3006",
    )
    named = gpd.GeoDataFrame(
        {
            "osm_type": ["way", "node", "node"],
            "tags": [
                {"name": "Torget", "name:fi": "Tori", "place": "square"},
                {"name": "Konsum", "shop": "supermarket"},
                {"name": "Kristinehamn", "place": "town"},
            ],
        },
        geometry=[
            shapely.box(*_at(300, 50), *_at(350, 100)),
            shapely.Point(_at(320, 40)),
            shapely.Point(_at(0, 0)),
        ],
        crs="EPSG:3006",
    )
    return RawOSM(named=named.to_crs(4326), addresses=addresses.to_crs(4326), streets=streets.to_crs(4326))
