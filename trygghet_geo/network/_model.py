"""The street network model: :class:`StreetNetwork`, its validation and the one builder every constructor in
:mod:`trygghet_geo.network._sources` ends in.

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
>>> from trygghet_geo.network import network_from_lines
>>> net = network_from_lines(lines, name_column="gata")
>>> len(net.nodes), len(net.edges), net.edges["length_m"].tolist()
(3, 2, [100.0, 50.0])
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from trygghet_geo.crs import metric_crs_of
from trygghet_geo.errors import CRSError, NetworkError

if TYPE_CHECKING:
    import networkx as nx
    from scipy.sparse import csr_matrix

__all__ = ["NetworkType", "StreetNetwork"]

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
    source : pathlib.Path or None
        The OpenStreetMap extract the network was read from (:func:`network_from_pbf` sets it), so that
        :func:`trygghet_geo.analyze` can draw the map's basemap from the same file; None for other sources.
        Not pickled: a network sent to another process or machine forgets it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (30, 40)])], crs="EPSG:3006")
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(lines)
    >>> net.crs.to_epsg(), float(net.edges.length_m[0])
    (3006, 50.0)
    """

    nodes: gpd.GeoDataFrame
    edges: gpd.GeoDataFrame
    source: Path | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        _validate(self.nodes, self.edges)

    def __getstate__(self) -> dict[str, gpd.GeoDataFrame]:
        """Pickle (and hash, as scikit-learn's clone and checks do) the two tables only: the arrays derived
        on first use (adjacency, node coordinates) are rebuilt, so using a network never changes its state."""
        return {"nodes": self.nodes, "edges": self.edges}

    @property
    def crs(self) -> CRS:
        """The metric CRS of nodes and edges."""
        return CRS.from_user_input(self.edges.crs)

    def __repr__(self) -> str:
        from trygghet_geo._repr import network_repr

        return network_repr(self)

    def _repr_html_(self) -> str:
        """A short HTML summary for notebooks: nodes, edges, length, CRS and the attributes kept."""
        from trygghet_geo._repr import network_html

        return network_html(self)

    def to_graph(self) -> nx.MultiGraph:
        """The network as an undirected networkx MultiGraph.

        Nodes are the positions ``0..n-1`` with attributes ``x``, ``y``; each edge carries ``length``
        (metres) and ``edge_id``.

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> from trygghet_geo.network import network_from_lines
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

    def to_osmnx(self) -> nx.MultiDiGraph:
        """The network as osmnx builds its graphs: a MultiDiGraph with each street in both directions.

        Nodes are the positions ``0..n-1`` with ``x``, ``y`` and ``street_count``; each edge carries
        ``osmid`` (the OSM way id, or the line layer's own id, else the edge id), ``length`` (metres),
        ``geometry`` (running from ``u`` to ``v``), ``name``, ``reversed``, ``oneway`` (False: a walking
        network) and every attribute the network kept (``highway``, ``lit``, ``surface``, …); the graph's
        ``crs`` is the metric CRS. osmnx's functions accept it (``osmnx.stats.basic_stats``,
        ``osmnx.plot_graph``, ``osmnx.convert.graph_to_gdfs``).

        Examples
        --------
        >>> import geopandas as gpd
        >>> from shapely.geometry import LineString
        >>> from trygghet_geo.network import network_from_lines
        >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3, 4)])], crs=3006))
        >>> G = net.to_osmnx()
        >>> G.number_of_edges(), G.edges[0, 1, 0]["length"], G.edges[1, 0, 0]["reversed"]
        (2, 5.0, True)
        """
        from trygghet_geo.network._osmnx import to_osmnx

        return to_osmnx(self)

    def to_file(self, path: str | Path) -> Path:
        """Write the network to a GeoPackage with the layers ``nodes`` and ``edges``; read it back with
        :func:`read_network`."""
        from trygghet_geo._atomic import replacing

        path = Path(path)
        with replacing(path) as temporary:  # whole or not at all
            self.nodes.to_file(temporary, layer="nodes", driver="GPKG")
            self.edges.to_file(temporary, layer="edges", driver="GPKG")
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
def _to_metric(frames: list[gpd.GeoDataFrame]) -> list[gpd.GeoDataFrame]:
    """Project frames (same CRS) to the metric CRS of the first one (:func:`trygghet_geo.crs.metric_crs_of`;
    a layer already projected in metres keeps its CRS unless ``options.metric_crs`` is set)."""
    if frames[0].crs is None:
        raise CRSError("the street data has no CRS; set one with gdf.set_crs(...) before building a network")
    target = metric_crs_of(frames[0], keep_metric=True)
    return [f if f.crs == target else f.to_crs(target) for f in frames]


# --- the common builder -------------------------------------------------------------------------------------
def _assemble(
    lines: np.ndarray,
    u_key: np.ndarray,
    v_key: np.ndarray,
    names: np.ndarray,
    node_key: np.ndarray,
    node_xy: np.ndarray,
    crs: Any,
    attributes: pd.DataFrame | None = None,
) -> StreetNetwork:
    """Build a StreetNetwork from metric lines with arbitrary node keys at their ends.

    ``node_key``/``node_xy`` give every node's coordinates; lines are re-oriented so that they run from
    ``u`` to ``v``; edges of zero length are dropped. ``attributes`` (one row per line, in order) are kept
    as edge columns after ``name`` (source ids, ``highway``, ``lit``, ``surface``, other tags).
    """
    attrs = None if attributes is None else attributes.reset_index(drop=True)
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
    attrs = None if attrs is None else attrs[keep].reset_index(drop=True)
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
    attrs = None if attrs is None else attrs[keep].reset_index(drop=True)
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
            **({} if attrs is None else {c: attrs[c].to_numpy() for c in attrs.columns if c not in _CORE}),
        },
        geometry=lines,
        crs=crs,
    )
    return StreetNetwork(nodes=nodes, edges=edges)


_CORE = ("u", "v", "length_m", "name", "geometry")
