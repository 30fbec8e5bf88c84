"""Address rows of the gazetteer: OSM address features and an authoritative layer, held by their buildings.

Every address feature is tied to the building that carries it: a building polygon tagged with the
address, or the building polygon an address node (an entrance, a door, a shop tagged with the address)
lies in. One row per address and place: the same street, number, letter and range found at places more
than :data:`SAME_PLACE_M` apart stays two rows, so that the matcher can say the address is ambiguous
instead of picking one silently.

Where the answer lies (``x``/``y`` of a row): the address's own node inside its building, the most central
one when there are several; a building carrying the address without such a node answers at an entrance on
its outline (``entrance=main`` first, else the one nearest the street), else at its representative point
(always inside the polygon); an address node in no building answers at itself. The row's geometry is
the building polygon when there is one, so the distance from any answer to the building is measurable.

An authoritative layer (:mod:`._authority`) wins over OSM: OSM features of an address the layer holds are
dropped, whatever their position.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo.geocode._entries import empty_row, merge_close
from trygghet_geo.geocode._parse import name_key

__all__ = ["SAME_PLACE_M", "address_items", "address_rows", "house_number", "synthetic_streets"]

logger = logging.getLogger(__name__)

SAME_PLACE_M = 100.0  # one address found at places farther apart than this is two places (ambiguous)
_STREET_PART_M = 200.0  # address points of an unknown street name closer than this make one address area
# "12", "12 B", "12b", "3-5", "3–5 B", "3 B-5", then anything ("8, Floor 6", "11 B 9"): number, letter, range
_HOUSE_NUMBER = re.compile(
    r"^\s*(\d{1,4})\s*([a-zA-Z](?![a-zA-Z]{2}))?\s*(?:[-–]\s*(\d{1,4})\s*([a-zA-Z](?![a-zA-Z]{2}))?)?"
)
ITEM_COLUMNS = ("street", "number", "number_to", "letter", "postcode", "town", "origin", "geometry")


def house_number(text: Any) -> list[tuple[int, int, str]]:
    """(number, range end or -1, letter) of every house number in an OSM or register value.

    >>> house_number("3–5 B")
    [(3, 5, 'b')]
    >>> house_number("4;6")
    [(4, -1, ''), (6, -1, '')]
    >>> house_number("8, Floor 6")
    [(8, -1, '')]
    """
    out = []
    for part in str(text).split(";"):
        m = _HOUSE_NUMBER.match(part)
        if m is None:
            continue
        number, to = int(m.group(1)), int(m.group(3)) if m.group(3) else -1
        letter = (m.group(2) or m.group(4) or "").lower()
        if 0 < to < number:  # "29-27"
            number, to = to, number
        if to == number:
            to = -1
        out.append((number, to, letter))
    return out


def address_items(addresses: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """OSM address features (with a ``tags`` dict column) as one item per house number, origin ``osm``."""
    rows: list[dict[str, Any]] = []
    for tags, geom in zip(addresses["tags"], addresses.geometry, strict=True):
        street = tags.get("addr:street") or tags.get("addr:place")
        if not isinstance(street, str) or not street.strip():
            continue
        for number, to, letter in house_number(tags.get("addr:housenumber", "")):
            rows.append(
                {
                    "street": street.strip(),
                    "number": number,
                    "number_to": to,
                    "letter": letter,
                    "postcode": str(tags.get("addr:postcode", "")).replace(" ", ""),
                    "town": str(tags.get("addr:city", "")),
                    "origin": "osm",
                    "geometry": geom,
                }
            )
    frame = pd.DataFrame(rows, columns=list(ITEM_COLUMNS))
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=addresses.crs)


def _street_of(street: str, lookup: dict[str, list[int]]) -> list[int]:
    """Street rows named ``street``; "Asemahalli, Kaivokatu" (a hall, then its street) tries the last part."""
    sids = lookup.get(name_key(street), [])
    if not sids and "," in street:
        sids = lookup.get(name_key(street.rsplit(",", 1)[1]), [])
    return sids


def synthetic_streets(items: gpd.GeoDataFrame, lookup: dict[str, list[int]]) -> list[dict[str, Any]]:
    """Street-like rows for address areas no street carries (a village name, a square without a way).

    A line through the area's points in the order of their numbers stands for the street, so that a bare
    area name finds it and missing numbers can be placed between neighbours.
    """
    missing = items[[not _street_of(s, lookup) for s in items["street"]]]
    rows: list[dict[str, Any]] = []
    for _key, grp in missing.groupby(missing["street"].map(name_key), sort=True):
        for part in _point_groups(np.array([_answer_point(g) for g in grp.geometry]), _STREET_PART_M):
            sub = grp.iloc[part].sort_values("number")
            xy = [_answer_point(g) for g in sub.geometry]
            line = shapely.LineString(xy if len(xy) > 1 else [xy[0], xy[0]])
            point = line.interpolate(0.5, normalized=True)
            row = empty_row("street")
            name = str(sub["street"].iloc[0])
            row.update(
                name=name,
                aliases=name,
                category="address_area",
                length_m=line.length,
                x=point.x,
                y=point.y,
                origin=str(sub["origin"].iloc[0]),
                geometry=line,
            )
            rows.append(row)
    return rows


def _point_groups(xy: np.ndarray, within_m: float) -> list[list[int]]:
    """Single-link groups of points closer than within_m (a village's addresses can number thousands)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(within_m, output_type="ndarray")
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(xy), len(xy)))
    _n, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return [[int(i) for i in g] for g in np.split(order, cuts)]


def _answer_point(geom: Any) -> tuple[float, float]:
    is_area = geom.geom_type in ("Polygon", "MultiPolygon")
    p = geom.representative_point() if is_area else geom.centroid
    return float(p.x), float(p.y)


def _with_buildings(items: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> list[Any]:
    """The building polygon of each item: itself when it is one, else the building its point lies in."""
    own = [g if g.geom_type in ("Polygon", "MultiPolygon") else None for g in items.geometry]
    if len(buildings) == 0:
        return own
    polys = buildings.geometry.to_numpy()
    tree = shapely.STRtree(polys)
    points = np.array([None if o is not None else g for o, g in zip(own, items.geometry, strict=True)])
    todo = np.flatnonzero([p is not None for p in points])
    if len(todo):
        pairs = tree.query(points[todo], predicate="within")
        for item, poly in zip(pairs[0], pairs[1], strict=True):
            if own[todo[item]] is None:
                own[todo[item]] = polys[poly]
    return own


@dataclass(frozen=True)
class _Doors:
    """Entrance nodes, searchable by building."""

    points: np.ndarray
    main: np.ndarray
    tree: Any

    @classmethod
    def of(cls, entrances: gpd.GeoDataFrame | None) -> _Doors:
        if entrances is None or len(entrances) == 0:
            return cls(np.array([], dtype=object), np.array([], dtype=bool), None)
        points = entrances.geometry.to_numpy()
        main = np.array([t.get("entrance") == "main" for t in entrances["tags"]], dtype=bool)
        return cls(points, main, shapely.STRtree(points))

    def on(self, house: Any, line: Any) -> tuple[float, float] | None:
        """The entrance of a building: a main one first, then the one nearest the street."""
        if self.tree is None:
            return None
        hits = self.tree.query(house, predicate="dwithin", distance=1.0)
        if len(hits) == 0:
            return None
        best = min(hits, key=lambda i: (not self.main[i], line.distance(self.points[i])))
        return float(self.points[best].x), float(self.points[best].y)


def address_rows(
    items: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    streets: pd.DataFrame,
    lookup: dict[str, list[int]],
    entrances: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """One gazetteer row per address and place (see the module docstring); ``items`` from all sources."""
    street_geoms = streets["geometry"].to_numpy()
    houses = _with_buildings(items, buildings)
    groups: dict[tuple[int, int, int, str], list[int]] = defaultdict(list)
    skipped = 0
    for i, (street, geom) in enumerate(zip(items["street"], items.geometry, strict=True)):
        sids = _street_of(street, lookup)
        if not sids:
            skipped += 1
            continue
        sid = min(sids, key=lambda s: street_geoms[s].distance(geom))
        key = (sid, int(items["number"].iat[i]), int(items["number_to"].iat[i]), str(items["letter"].iat[i]))
        groups[key].append(i)
    if skipped:
        logger.info("%d address features skipped (no street of that name)", skipped)
    groups = _authority_wins(groups, items["origin"].to_numpy())
    names = streets["name"].to_numpy()
    doors = _Doors.of(entrances)
    rows = []
    for (sid, number, to, letter), members in groups.items():
        places = [houses[i] if houses[i] is not None else items.geometry.iat[i] for i in members]
        for part in merge_close(places, SAME_PLACE_M):
            idx = [members[k] for k in part]
            line = street_geoms[sid]
            xy, house = _place(items, houses, idx, doors, line)
            measure = line.project(shapely.Point(xy))
            on_line = line.interpolate(measure)
            row = empty_row("address")
            label = f"{names[sid]} {number}" + (f"-{to}" if to > 0 else "") + letter.upper()
            row.update(
                name=label,
                street_id=sid,
                number=number,
                number_to=to,
                letter=letter,
                measure_m=measure,
                off_x=xy[0] - on_line.x,
                off_y=xy[1] - on_line.y,
                category="address",
                x=xy[0],
                y=xy[1],
                origin=str(items["origin"].iat[idx[0]]),
                postcode=next((str(items["postcode"].iat[i]) for i in idx if items["postcode"].iat[i]), ""),
                geometry=house if house is not None else shapely.Point(xy),
            )
            rows.append(row)
    return pd.DataFrame(rows)


def _authority_wins(
    groups: dict[tuple[int, int, int, str], list[int]], origin: np.ndarray
) -> dict[tuple[int, int, int, str], list[int]]:
    """Drop OSM items of every (street, number, letter) an authoritative layer holds."""
    held = {(k[0], k[1], k[3]) for k, v in groups.items() if any(origin[i] != "osm" for i in v)}
    out = {}
    for k, v in groups.items():
        keep = [i for i in v if origin[i] != "osm"] if (k[0], k[1], k[3]) in held else v
        if keep:
            out[k] = keep
    return out


def _place(
    items: gpd.GeoDataFrame, houses: list[Any], idx: list[int], doors: _Doors, line: Any
) -> tuple[tuple[float, float], Any]:
    """Answer point and building(s) of one address at one place (see the module docstring).

    Of several buildings the main one is the one tagged with the address itself, else the one holding the
    most of the address's nodes (then the largest); the answer lies in it.
    """
    support: dict[bytes, list[Any]] = {}
    for i in idx:
        if houses[i] is None:
            continue
        entry = support.setdefault(houses[i].wkb, [houses[i], 0])
        tagged = items.geometry.iat[i].geom_type in ("Polygon", "MultiPolygon")
        entry[1] += 10 if tagged else 1
    nodes = [items.geometry.iat[i] for i in idx if items.geometry.iat[i].geom_type == "Point"]
    house = None
    if support:
        ranked = sorted(support.values(), key=lambda e: (-e[1], -e[0].area))
        main = ranked[0][0]
        parts = [q for g, _ in ranked for q in getattr(g, "geoms", [g])]
        # no union: OSM outlines may be invalid, and overlap does not matter here
        house = main if len(ranked) == 1 else shapely.MultiPolygon(parts)
        nodes = [n for n in nodes if main.intersects(n)]
        if not nodes:
            return doors.on(main, line) or _answer_point(main), house
    if not nodes:
        return _answer_point(items.geometry.iat[idx[0]]), house
    xy = np.array([(n.x, n.y) for n in nodes])
    k = int(np.argmin(((xy - xy.mean(axis=0)) ** 2).sum(axis=1)))
    return (float(xy[k, 0]), float(xy[k, 1])), house
