"""Distances along the streets: the package's one shortest-path engine (every ``dijkstra`` call is here).

- :func:`nearest_source_distances`: from the nearest of several nodes (each with its own start distance) to
  every node, one bounded search (the ``min_only`` / virtual-source form);
- :func:`position_node_distances`, :func:`distances_along_streets`, :func:`distances_from_edges`: from a
  position or a set of edges to nodes and to snapped positions (follow-up, observations near a place);
- :func:`node_distances`, :func:`cached_node_distances` and the interval machinery below: the sparse
  neighbourhoods behind network DBSCAN (the loops compiled in :mod:`._kernels`);
- :func:`graph_distances`, :func:`nearest_source`: searches on graphs derived from the streets elsewhere
  (NetworkHDBSCAN's network split at the points).

The sparse neighbourhoods behind network DBSCAN: bounded node-to-node distances and, for every snapped
point, the intervals of sorted points within eps along the network (steps 1-3 of :mod:`.hotspots._dbscan`).

1. Points are sorted by (edge, offset). Only the end nodes of *occupied* edges start a shortest-path
   search, and every search is bounded by ``eps``: a compiled Dijkstra (:func:`._kernels.bounded_reach`,
   equal to ``scipy.sparse.csgraph.dijkstra(limit=eps)``) that touches only the nodes within reach, so
   the work and memory grow with sources × nodes within eps, not sources × all nodes.
2. The node-to-node distances become an (edge, edge) table with the four end-to-end distances.
3. For a point p on edge e and an occupied edge f in e's table, the neighbours of p on f are a prefix
   (reached through f's node u), a suffix (through v) and, when f is e itself, a window of ±eps along
   the edge: three intervals of f's sorted offsets, found with ``searchsorted``.
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra

from trygghet_geo._config import progress_disable

if TYPE_CHECKING:
    from collections.abc import Iterator

    from trygghet_geo.network._model import StreetNetwork

logger = logging.getLogger(__name__)

_PAIR_CHUNK = 2_000_000  # (point, edge) pairs handled per vectorised step


__all__ = [
    "cached_node_distances",
    "distances_along_streets",
    "distances_from_edges",
    "graph_distances",
    "nearest_source",
    "nearest_source_distances",
    "node_distances",
    "position_node_distances",
]


def _search(
    graph: csr_matrix, indices: Any, limit: float, *, min_only: bool = False, directed: bool = True
) -> np.ndarray:
    """The one call of ``scipy.sparse.csgraph.dijkstra`` (graphs here are symmetric: directed search)."""
    out: np.ndarray = dijkstra(graph, directed=directed, indices=indices, limit=limit, min_only=min_only)
    return out


def graph_distances(graph: csr_matrix, sources: np.ndarray, limit: float = np.inf) -> np.ndarray:
    """Bounded distances (``inf`` beyond ``limit``) from each of ``sources`` to every vertex of a graph built
    elsewhere from the streets and given with one triangle only (undirected), such as the network split at
    the points of :mod:`trygghet_geo.hotspots._mutual_reach`; shape (len(sources), vertices)."""
    return _search(graph, sources, limit, directed=False)


def nearest_source(graph: csr_matrix, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every vertex of an undirected graph given by one triangle, the distance to the nearest of
    ``sources`` and which source that is (-9999 where none is reached): the network Voronoi diagram."""
    dist, _, src = dijkstra(graph, directed=False, indices=sources, min_only=True, return_predecessors=True)
    return np.asarray(dist), np.asarray(src)


# --- distances from sources to every node -------------------------------------------------------------------
def nearest_source_distances(
    network: StreetNetwork, nodes: np.ndarray, limit_m: float, *, start_m: np.ndarray | None = None
) -> np.ndarray:
    """Street distance from the nearest of ``nodes`` to every node (``inf`` beyond ``limit_m``).

    With ``start_m`` each source starts at that distance (a position part-way along an edge): the search
    then runs from a virtual node tied to every source by an edge of that length.
    """
    graph = network.adjacency
    nodes = np.asarray(nodes, dtype=np.int64)
    if start_m is None:
        return _search(graph, np.unique(nodes), limit_m, min_only=True)
    n = graph.shape[0]
    adj = graph.tocoo()
    rows = np.concatenate([adj.row, np.full(len(nodes), n)])
    cols = np.concatenate([adj.col, nodes])
    # scipy ignores explicit zeros, so a source at distance 0 is tied by a tiny positive weight
    vals = np.concatenate([adj.data, np.maximum(np.asarray(start_m, dtype=float), 1e-9)])
    virtual = coo_matrix((vals, (rows, cols)), shape=(n + 1, n + 1)).tocsr()
    return _search(virtual, n, limit_m)[:n]


def position_node_distances(
    network: StreetNetwork, edge_id: int, offset_m: float, limit_m: float
) -> np.ndarray:
    """Shortest street distance from a position on an edge to every node (``inf`` beyond ``limit_m`` plus the
    edge's length): searches from the edge's two end nodes, each started at its distance from the position."""
    edges = network.edges
    u, v = int(edges["u"].iloc[edge_id]), int(edges["v"].iloc[edge_id])
    length = float(edges["length_m"].iloc[edge_id])
    d = _search(network.adjacency, [u, v], limit_m + length)
    out: np.ndarray = np.minimum(d[0] + offset_m, d[1] + (length - offset_m))
    return out


def distances_along_streets(
    network: StreetNetwork,
    edge_id: int,
    offset_m: float,
    edges_of: np.ndarray,
    offsets: np.ndarray,
    limit_m: float,
) -> np.ndarray:
    """Street distance from one position to many positions (``inf`` when farther than ``limit_m``).

    Positions with ``edges_of == -1`` (not snapped) get ``inf``.
    """
    dn = position_node_distances(network, edge_id, offset_m, limit_m)
    e = network.edges
    ok = edges_of >= 0
    eid = np.where(ok, edges_of, 0)
    uu, vv = e["u"].to_numpy()[eid], e["v"].to_numpy()[eid]
    ln = e["length_m"].to_numpy(float)[eid]
    d: np.ndarray = np.minimum(dn[uu] + offsets, dn[vv] + (ln - offsets))
    same = ok & (edges_of == edge_id)
    d[same] = np.minimum(d[same], np.abs(offsets[same] - offset_m))
    d[~ok] = np.inf
    d[d > limit_m] = np.inf
    return d


def distances_from_edges(
    network: StreetNetwork, edges: np.ndarray, eid: np.ndarray, off: np.ndarray, limit_m: float
) -> np.ndarray:
    """Street distance from a set of edges (distance 0 anywhere on them) to positions (inf beyond limit)."""
    e = network.edges
    u, v, length = e["u"].to_numpy(), e["v"].to_numpy(), e["length_m"].to_numpy(float)
    dn = nearest_source_distances(network, np.r_[u[edges], v[edges]], limit_m)
    ok = eid >= 0
    safe = np.where(ok, eid, 0)
    d: np.ndarray = np.minimum(dn[u[safe]] + off, dn[v[safe]] + (length[safe] - off))
    d[np.isin(eid, edges)] = 0.0
    d[~ok] = np.inf
    return d


# --- bounded node-to-node distances ------------------------------------------------------------------------
def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of sizes ``counts``: the group of every element and its position within the group."""
    group = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(int(counts.sum())) - np.repeat(starts, counts)
    return group, within


def node_distances(
    network: StreetNetwork,
    sources: np.ndarray,
    radius: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (source, node, distance) with network distance ≤ ``radius``, as three flat arrays (grouped by
    source in the order given, nearest node first within a source).

    One bounded Dijkstra per source on the adjacency (:func:`._kernels.bounded_reach`, compiled): the
    work grows with the number of sources × the nodes within reach of each, never sources × all nodes.
    The distances equal ``scipy.sparse.csgraph.dijkstra(limit=radius)`` bit for bit (the same sums in the
    same order), ``radius`` included.
    """
    sources = np.asarray(sources, dtype=np.int64)
    ptr, dst, dist = _reach_csr(network, sources, radius)
    return np.repeat(sources, np.diff(ptr)), dst, dist


def _reach_csr(
    network: StreetNetwork, sources: np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`node_distances` as a CSR pointer over ``sources`` (int64) and the reached nodes, distances."""
    from trygghet_geo.network import _kernels

    graph = network.adjacency
    if len(sources) == 0:
        return np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0)
    out: tuple[np.ndarray, np.ndarray, np.ndarray] = _kernels.bounded_reach(
        graph.indptr.astype(np.int64),
        graph.indices.astype(np.int64),
        graph.data.astype(np.float64),
        sources,
        float(radius),
    )
    return out


_reach_cache: weakref.WeakKeyDictionary[Any, dict[float, _Reach]] = weakref.WeakKeyDictionary()
_reach_lock = threading.Lock()  # simulations on threads share the cache


@dataclass
class _Reach:
    """Bounded node-to-node distances computed so far for one network and radius, grouped by source."""

    done: np.ndarray  # per node: searched from already
    ptr: np.ndarray  # CSR pointer over sources
    dst: np.ndarray
    dist: np.ndarray


def _cached_reach(network: StreetNetwork, sources: np.ndarray, radius: float) -> _Reach:
    """The cached :class:`_Reach` of (network, radius), searched from every node of ``sources`` at least."""
    with _reach_lock:
        per_net = _reach_cache.setdefault(network, {})
        n = len(network.nodes)
        reach = per_net.get(radius)
        if reach is None:
            if len(per_net) >= 4:  # a handful of radii at most
                per_net.clear()
            empty = np.empty(0, dtype=np.int64)
            reach = per_net[radius] = _Reach(
                np.zeros(n, dtype=bool), np.zeros(n + 1, dtype=np.int64), empty, np.empty(0)
            )
        missing = np.unique(sources[~reach.done[sources]])
        if len(missing):
            ptr_new, d_new, w_new = _reach_csr(network, missing, radius)
            # Merge without sorting: every node's entries stay together, the new ones where the node had
            # none (a node is searched from once).
            counts = np.diff(reach.ptr)
            counts[missing] = np.diff(ptr_new)
            ptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(counts, out=ptr[1:])
            if len(reach.dst):
                dst = np.empty(int(ptr[-1]), dtype=np.int64)
                dist = np.empty(int(ptr[-1]))
                grp, within = _expand(np.diff(reach.ptr))
                dst[ptr[grp] + within] = reach.dst
                dist[ptr[grp] + within] = reach.dist
                grp, within = _expand(np.diff(ptr_new))
                dst[ptr[missing][grp] + within] = d_new
                dist[ptr[missing][grp] + within] = w_new
            else:  # nothing cached yet: the new entries are already in node order (missing is sorted)
                dst, dist = d_new, w_new
            done = reach.done.copy()
            done[missing] = True
            # A new object: a thread reading the old one keeps a consistent view.
            reach = per_net[radius] = _Reach(done, ptr, dst, dist)
        return reach


def cached_node_distances(
    network: StreetNetwork, sources: np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`node_distances`, remembering what was searched per (network, radius), so repeated
    clusterings on one network (Monte Carlo simulations) search from each node only once."""
    sources = np.asarray(sources, dtype=np.int64)
    reach = _cached_reach(network, sources, radius)
    grp, within = _expand(reach.ptr[sources + 1] - reach.ptr[sources])
    pos = reach.ptr[sources][grp] + within
    return sources[grp], reach.dst[pos], reach.dist[pos]


# --- the prepared state: sorted points and the (edge, edge) table -----------------------------------------
_Arrays = tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]


@dataclass
class _Prepared:
    order: np.ndarray  # sorted position -> original position (snapped points only)
    t: np.ndarray  # offsets, sorted
    er: np.ndarray  # occupied-edge rank of each sorted point
    start: np.ndarray  # per occupied edge: first sorted position
    stop: np.ndarray  # per occupied edge: one past the last
    length: np.ndarray  # per occupied edge
    tab_f: np.ndarray  # table rows sorted by e: the other edge f
    d4: np.ndarray  # per table row: D(u_e, u_f), D(u_e, v_f), D(v_e, u_f), D(v_e, v_f); inf beyond the radius
    blk: np.ndarray  # per occupied edge e: rows blk[e]:blk[e+1]
    radius: float

    @property
    def d_uu(self) -> np.ndarray:
        return self.d4[:, 0]

    @property
    def d_uv(self) -> np.ndarray:
        return self.d4[:, 1]

    @property
    def d_vu(self) -> np.ndarray:
        return self.d4[:, 2]

    @property
    def d_vv(self) -> np.ndarray:
        return self.d4[:, 3]

    def arrays(self) -> _Arrays:
        """(t, er, start, stop, length, blk, tab_f, d4): what the compiled kernels read."""
        return self.t, self.er, self.start, self.stop, self.length, self.blk, self.tab_f, self.d4


def _prepare(edge_id: np.ndarray, offset: np.ndarray, network: StreetNetwork, radius: float) -> _Prepared:
    from trygghet_geo.network import _kernels

    snapped = np.flatnonzero(edge_id >= 0)
    e_all, t_all = edge_id[snapped], offset[snapped]
    o = np.lexsort((t_all, e_all))
    order, e_s, t = snapped[o], e_all[o], np.ascontiguousarray(t_all[o], dtype=np.float64)
    new = np.empty(len(e_s), dtype=bool)
    new[:1] = True
    np.not_equal(e_s[1:], e_s[:-1], out=new[1:])
    start = np.flatnonzero(new)
    er = np.cumsum(new) - 1
    occ = e_s[start]
    stop = np.append(start[1:], len(e_s))
    length = network.edges["length_m"].to_numpy(np.float64)[occ]
    # Occupied half-edges per node: node -> (occupied edge rank, end 0=u / 1=v).
    ends = np.stack([network.edges["u"].to_numpy()[occ], network.edges["v"].to_numpy()[occ]], axis=1)
    ends = ends.astype(np.int64)
    he_node = ends.ravel()
    ho = np.argsort(he_node, kind="stable")
    he_edge = (ho // 2).astype(np.int64)
    he_end = (ho % 2).astype(np.int64)
    he_ptr = np.searchsorted(he_node[ho], np.arange(len(network.nodes) + 1))
    reach = _cached_reach(network, np.unique(he_node), radius)
    blk, tab_f, d4 = _kernels.edge_table(
        ends, he_ptr, he_edge, he_end, reach.ptr, reach.dst, reach.dist, t[start], t[stop - 1], length, radius
    )
    return _Prepared(
        order=order,
        t=t,
        er=er,
        start=start,
        stop=stop,
        length=length,
        tab_f=tab_f,
        d4=d4,
        blk=blk,
        radius=float(radius),
    )


@dataclass
class _Chunk:
    """Neighbour intervals of a chunk of (point, edge) pairs, in sorted positions: [s, a) reached through
    the edge's node u, [b, e) through v, and for the pairs ``win`` (a point on its own edge) a separate
    [w0, w1) along the edge; the intervals of one pair are disjoint."""

    i: np.ndarray  # sorted point
    f: np.ndarray  # occupied edge
    du: np.ndarray  # network distance from the point to f's node u (may exceed the radius)
    dv: np.ndarray  # ... to f's node v
    s: np.ndarray
    a: np.ndarray
    b: np.ndarray
    e: np.ndarray
    win: np.ndarray  # positions (within the chunk) of pairs with a separate window
    w0: np.ndarray
    w1: np.ndarray


def _pair_chunks(p: _Prepared, points: np.ndarray, rad: np.ndarray | None = None) -> Iterator[_Chunk]:
    """The neighbour intervals of the given sorted points on every edge in reach, in chunks of about
    _PAIR_CHUNK (point, edge) pairs; ``rad`` a radius per point (at most ``p.radius``; default
    ``p.radius`` for all), computed by the compiled :func:`._kernels.pair_intervals`."""
    from tqdm.auto import tqdm

    from trygghet_geo.network import _kernels

    points = np.asarray(points, dtype=np.int64)
    r = np.full(len(points), p.radius) if rad is None else np.asarray(rad, dtype=np.float64)
    cnt = np.diff(p.blk)[p.er[points]]
    cum = np.cumsum(cnt)
    cuts = np.searchsorted(cum, np.arange(_PAIR_CHUNK, int(cum[-1]) if len(cum) else 0, _PAIR_CHUNK))
    pieces = np.split(np.arange(len(points)), np.unique(cuts))
    for piece in tqdm(pieces, disable=progress_disable(hidden=len(pieces) < 4), desc="network DBSCAN"):
        i, f, du, dv, s, a, b, e, w0, w1 = _kernels.pair_intervals(points[piece], r[piece], *p.arrays())
        win = np.flatnonzero(w1 > w0)
        yield _Chunk(i, f, du, dv, s, a, b, e, win, w0[win], w1[win])


def _distance_pairs(
    p: _Prepared, points: np.ndarray, rad: np.ndarray | None = None, *, after: bool = False
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(sorted point i, sorted neighbour j, network distance) for every neighbour of the given points,
    in chunks; the intervals are disjoint, so each pair comes once. With ``rad`` (a radius per point of
    ``points``, at most ``p.radius``) only the neighbours within each point's own radius; with ``after``,
    only neighbours ``j > i`` (every unordered pair once, half the work, when ``points`` are all points)."""
    for c in _pair_chunks(p, points, rad):
        for sel, lo, hi in ((None, c.s, c.a), (None, c.b, c.e), (c.win, c.w0, c.w1)):
            if after:
                lo = np.maximum(lo, (c.i if sel is None else c.i[sel]) + 1)
                hi = np.maximum(hi, lo)
            size = hi - lo
            cum = np.cumsum(size)
            cuts = np.searchsorted(cum, np.arange(_PAIR_CHUNK, int(cum[-1]) if len(cum) else 0, _PAIR_CHUNK))
            for part in np.split(np.arange(len(lo)), np.unique(cuts)):
                k, within = _expand(size[part])
                j = lo[part][k] + within
                grp = part[k] if sel is None else sel[part[k]]
                ii, ff = c.i[grp], c.f[grp]
                d = np.minimum(c.du[grp] + p.t[j], c.dv[grp] + (p.length[ff] - p.t[j]))
                d = np.where(ff == p.er[ii], np.minimum(d, np.abs(p.t[ii] - p.t[j])), d)
                yield ii, j, d


def neighbour_weight(p: _Prepared, weight: np.ndarray) -> np.ndarray:
    """Sum of the weights of every point's neighbours (itself included), per sorted point."""
    from trygghet_geo.network import _kernels

    cw = np.concatenate([[0.0], np.cumsum(weight, dtype=np.float64)])
    out: np.ndarray = _kernels.neighbour_weights(*p.arrays(), p.radius, cw)
    return out
