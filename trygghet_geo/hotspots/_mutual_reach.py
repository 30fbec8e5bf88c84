"""HDBSCAN with distances along the street network, without an N × N matrix.

HDBSCAN* (Campello, Moulavi & Sander 2013) needs the minimum spanning tree of the *mutual reachability*
graph, ``mr(i, j) = max(core(i), core(j), d(i, j))`` with ``core(i)`` the distance to the
``min_samples``-th nearest point (itself included). scikit-learn builds it from the dense matrix; here it
comes from a sparse set of candidate pairs whose minimum spanning forest has exactly the same bottleneck
distances, so the single-linkage hierarchy, the labels and the probabilities are those of
``sklearn.cluster.HDBSCAN(metric="precomputed")`` on the exact network distances.

1. **Core distances, exact.** An upper bound for every point comes from its own edge (the k-th nearest
   offset along it); the pairs within that bound, found with the sorted-offset intervals of
   :mod:`trygghet_geo.network.distance` at a per-point radius, hold the k nearest. Points whose edge
   holds fewer than k points, or whose bound is beyond the shared search radius, are searched on the
   network split at the points (:func:`trygghet_geo.network.distance.graph_distances` from their
   positions with a growing ``limit``); for a few thousand points every search goes there, which is
   cheaper than preparing a shared radius. Fewer than k points in the point's part of the network give an
   infinite core distance, as in the dense case.
2. **Candidate pairs.** (a) every pair closer than ``rho(i) = max{core(t) : i lies in t's core ball}``
   (at least ``core(i)``; large only next to an isolated point, and then for its k neighbours only);
   (b) for the longer pairs, the boundary edges of the network Voronoi diagram of the points (Mehlhorn
   1988: one multi-source Dijkstra, ``min_only=True``), weighted ``max(core, core, path length)``. Along the
   shortest path of a pair (i, j) longer than ``rho`` every Voronoi owner t is within ``d(i, j)`` of i or
   of j, hence ``core(t) <= d(i, j)`` (else i or j would lie in t's core ball and the pair within
   ``rho``), so the chain of Voronoi neighbours is never heavier than ``mr(i, j)``. The minimum spanning
   forest of the candidates is therefore a minimum spanning tree of the complete mutual reachability graph.
3. ``scipy.sparse.csgraph.minimum_spanning_tree`` on the candidates, then a walk over the tree (plus the
   candidate pairs tied with its edges) in the order scikit-learn's dense Prim search takes, pieces of a
   disconnected network joined at infinite distance by lowest index as there; sorted like scikit-learn's
   ``_process_mst`` and turned into its single-linkage tree by its ``make_single_linkage``. Ties (equal
   mutual reachability, common: many pairs take a core distance) are thus broken as scikit-learn breaks
   them, except where a tied pair is a Voronoi hop; two dense runs with the points in another order can
   differ there too. Distances are compared rounded to 1e-10 m: equal paths summed along different
   routes differ in the last bits, and a tie must stay a tie.

Written by hand, and why: scikit-learn's HDBSCAN takes only a full matrix, features, or a sparse matrix
that must already hold ``min_samples`` neighbours per row and be connected; steps 1-3 are what makes the
street distances sparse and exact. The condensed tree and the cluster selection are in
:mod:`trygghet_geo.hotspots._hdbscan`.

Memory grows with the points times their neighbours within ``rho``, never with N².
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from trygghet_geo.network.distance import (
    _distance_pairs,
    _expand,
    _prepare,
    _Prepared,
    graph_distances,
    nearest_source,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from trygghet_geo.network import StreetNetwork

logger = logging.getLogger(__name__)

_ROWS_CHUNK = 4_000_000  # entries of one dense Dijkstra block (sources × split-graph vertices)
# Searches on the split graph cost (sources × its vertices): up to this many entries they are cheaper than
# preparing a larger shared radius for all points.
_ROWS_BUDGET = 2_000_000
_DECIMALS = 10  # distances are compared rounded to 1e-10 m
_TINY = np.nextafter(0.0, 1.0)  # stands for a zero weight, which scipy's spanning tree would drop


def _loose(r: Any) -> Any:
    """A radius widened by rounding: sums taken in another order must not drop a pair at the boundary."""
    return r * (1.0 + 1e-12) + 1e-9


# --- pairs within a radius of its own for every point -------------------------------------------------------
def _pairs_within(p: _Prepared, points: np.ndarray, rad: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
    """(i, j, d) for every sorted point i of ``points`` and every point j with ``d(i, j) <= rad[i]``
    (``rad <= p.radius``, widened by :func:`_loose`): the intervals of
    :func:`trygghet_geo.network.distance._distance_pairs` with a radius per point."""
    r = np.zeros(len(p.t))
    r[points] = _loose(rad[points])
    for ii, j, d in _distance_pairs(p, points, r[points]):
        ok = d <= r[ii]
        yield ii[ok], j[ok], d[ok]


def _along_edge_bound(er: np.ndarray, t: np.ndarray, k: int) -> np.ndarray:
    """Per sorted point, the distance along its own edge to its k-th nearest point there (itself included):
    an upper bound of the core distance; inf when the edge holds fewer than k points."""
    n = len(t)
    best = np.full(n, np.inf)
    pos = np.arange(n)
    for shift in range(k):  # every window of k consecutive points of one edge that holds the point
        lo = pos - shift
        hi = lo + k - 1
        ok = (lo >= 0) & (hi < n)
        idx = pos[ok]
        ok[ok] = (er[lo[ok]] == er[idx]) & (er[hi[ok]] == er[idx])
        span = np.full(n, np.inf)
        span[ok] = np.maximum(t[pos[ok]] - t[lo[ok]], t[hi[ok]] - t[pos[ok]])
        best = np.minimum(best, span)
    return best


class _Levels:
    """The prepared neighbourhoods at two shared radii: a small one that covers nearly every point's needs
    and a large one, prepared only when many points need it (a few go to the split graph instead). The
    (point, nearby edge) work of a query grows with the shared radius, so each point is served by the
    smallest level that covers its own radius."""

    def __init__(
        self,
        edge_id: np.ndarray,
        offset_m: np.ndarray,
        network: StreetNetwork,
        small: float,
        large: float,
        *,
        split_only: bool = False,
    ) -> None:
        self._args = (edge_id, offset_m, network)
        self.small = min(small, large)
        self.radius = large
        self.split_only = split_only  # few points: every search on the split graph, no shared radius
        self._prepared: dict[float, _Prepared] = {}
        self.base = self.level(1.0 if split_only else self.small)

    def level(self, radius: float) -> _Prepared:
        if radius not in self._prepared:
            self._prepared[radius] = _prepare(*self._args, radius)
        return self._prepared[radius]

    def pairs(self, radius: float, points: np.ndarray, rad: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
        """(i, j, d) for the sorted ``points`` and every j with ``d <= rad[i]`` (``rad <= radius``)."""
        if len(points):
            yield from _pairs_within(self.level(radius), points, rad)


# --- the network split at the points ------------------------------------------------------------------------
class _Split:
    """The street graph with every distinct point position as an extra vertex (after the network's nodes)."""

    def __init__(self, p: _Prepared, occ_edges: np.ndarray, network: StreetNetwork) -> None:
        n_nodes = len(network.nodes)
        new = np.ones(len(p.t), dtype=bool)
        new[1:] = (p.er[1:] != p.er[:-1]) | (p.t[1:] != p.t[:-1])
        self.pos_of = np.cumsum(new) - 1  # sorted point -> position
        self.first = np.flatnonzero(new)  # position -> its first sorted point
        self.mult = np.diff(np.append(self.first, len(p.t)))  # points per position
        self.n_nodes = n_nodes
        pe = p.er[self.first]  # occupied-edge rank of each position
        pt = p.t[self.first]
        u_all = network.edges["u"].to_numpy()
        v_all = network.edges["v"].to_numpy()
        length_all = network.edges["length_m"].to_numpy(np.float64)
        occ = np.zeros(len(length_all), dtype=bool)
        occ[occ_edges] = True
        vid = n_nodes + np.arange(len(pe))
        first_on = np.r_[True, pe[1:] != pe[:-1]]
        last_on = np.r_[pe[1:] != pe[:-1], True]
        rows = [vid[:-1][~last_on[:-1]], u_all[occ_edges[pe[first_on]]], vid[last_on]]
        cols = [vid[1:][~last_on[:-1]], vid[first_on], v_all[occ_edges[pe[last_on]]]]
        w = [np.diff(pt)[~last_on[:-1]], pt[first_on], p.length[pe[last_on]] - pt[last_on]]
        free = np.flatnonzero(~occ & (u_all != v_all))
        rows.append(u_all[free])
        cols.append(v_all[free])
        w.append(length_all[free])
        a, b, ww = np.concatenate(rows), np.concatenate(cols), np.concatenate(w)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        o = np.lexsort((ww, hi, lo))  # parallel streets: keep the shortest
        lo, hi, ww = lo[o], hi[o], ww[o]
        first_pair = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])]
        loop = lo == hi
        keep = first_pair & ~loop
        self.a, self.b, self.w = lo[keep], hi[keep], ww[keep]
        size = n_nodes + len(pe)
        # Explicit zero weights stay edges for dijkstra (points on a node, or sharing one spot with it).
        self.graph = csr_matrix((self.w, (self.a, self.b)), shape=(size, size))
        self.size = size
        # Points in each position's piece of the network: fewer than k there means an infinite core.
        _, piece = connected_components(self.graph, directed=False)
        self.piece_points = np.bincount(piece[n_nodes:], weights=self.mult)[piece[n_nodes:]]

    def kth(self, positions: np.ndarray, limit: float, k: int) -> np.ndarray:
        """Per source position, the distance within ``limit`` at which k points (itself included) are
        reached; inf where fewer are."""
        per = max(1, _ROWS_CHUNK // self.graph.shape[0])
        out = np.full(len(positions), np.inf)
        for lo in range(0, len(positions), per):
            src = positions[lo : lo + per]
            block = graph_distances(self.graph, self.n_nodes + src, limit)
            block = block[:, self.n_nodes :]
            if self.mult.sum() < k:
                continue  # fewer than k points on the whole network
            if self.mult.max() == 1:
                out[lo : lo + len(src)] = np.partition(block, k - 1, axis=1)[:, k - 1]
                continue
            o = np.argsort(block, axis=1)
            reached = np.cumsum(self.mult[o], axis=1) >= k
            col = np.argmax(reached, axis=1)
            val = np.take_along_axis(block, o[np.arange(len(src)), col][:, None], axis=1)[:, 0]
            out[lo : lo + len(src)] = np.where(reached[:, -1], val, np.inf)
        return out

    def rows(self, positions: np.ndarray, limit: float) -> Iterator[tuple[np.ndarray, ...]]:
        """(row, position, distance) of every position within ``limit`` of each source position."""
        per = max(1, _ROWS_CHUNK // self.graph.shape[0])
        for lo in range(0, len(positions), per):
            src = positions[lo : lo + per]
            block = graph_distances(self.graph, self.n_nodes + src, limit)
            block = block[:, self.n_nodes :]
            r, c = np.nonzero(np.isfinite(block))
            yield r + lo, c, block[r, c]


# --- step 1: core distances ---------------------------------------------------------------------------------
def _kth(rows: np.ndarray, dist: np.ndarray, count: np.ndarray, n_rows: int, k: int) -> np.ndarray:
    """Per row, the smallest distance at which the counts reach k (inf when they never do)."""
    o = np.lexsort((dist, rows))
    rows, dist, count = rows[o], dist[o], count[o]
    cum = np.cumsum(count)
    start = np.searchsorted(rows, np.arange(n_rows))
    before = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0)
    reach = cum - before[rows] >= k
    out = np.full(n_rows, np.inf)
    hit = np.flatnonzero(reach)
    first = np.unique(rows[hit], return_index=True)
    out[first[0]] = dist[hit[first[1]]]
    return out


def _core_distances(
    lv: _Levels, split: _Split, k: int, bound: np.ndarray, start_m: float, total_m: float
) -> np.ndarray:
    """Exact core distance of every sorted point (inf when fewer than k points can be reached)."""
    n = len(bound)
    core = np.full(n, np.inf)
    # The edge's own bound where it has one, else a small start doubled for the points still short of k.
    rad = np.where(np.isfinite(bound), bound, start_m)
    todo = np.arange(n)
    searched = lv.small
    for cap in (lv.small, lv.radius):
        if lv.split_only or (cap > lv.small and len(todo) * split.size <= _ROWS_BUDGET):
            break  # few enough points: on the split graph below
        searched = cap
        rad[todo] = np.minimum(rad[todo], cap)
        while len(todo):
            parts = list(lv.pairs(cap, todo, rad))
            i = np.concatenate([q[0] for q in parts])
            d = np.concatenate([q[2] for q in parts])
            kth = _kth(i, d, np.ones(len(i)), n, k)[todo]  # exact wherever k points lie within rad
            core[todo] = kth
            todo = todo[np.isinf(kth)]
            more = rad[todo] < cap
            rad[todo[more]] = np.minimum(2.0 * rad[todo[more]], cap)
            if not more.any():
                break
        rad[todo] = 2.0 * cap
    todo = np.unique(split.pos_of[np.isinf(core)])
    todo = todo[split.piece_points[todo] >= k]  # the others stay at infinity
    limit = 2.0 * searched if not lv.split_only else start_m
    while len(todo):  # the rest, one search per position on the split graph, farther each round
        if limit >= total_m:
            limit = np.inf
        kth = split.kth(todo, limit, k)
        done = np.isfinite(kth) | np.isinf(limit)
        g, w = _expand(split.mult[todo[done]])
        core[split.first[todo[done]][g] + w] = kth[done][g]
        todo = todo[~done]
        limit *= 2.0
    return core


# --- step 2: candidate pairs -------------------------------------------------------------------------------
def _split_balls(
    split: _Split, pts: np.ndarray, radius: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(i, j, d) for the sorted points ``pts`` and every point j within ``radius[i]``, searched on the split
    graph (for the few points whose radius exceeds the shared search radius)."""
    pos, inv = np.unique(split.pos_of[pts], return_inverse=True)
    rpos = np.zeros(len(pos))
    np.maximum.at(rpos, inv, radius[pts])
    order = np.argsort(rpos)
    for lo in range(0, len(order), 64):  # similar radii together: one limit per block of searches
        sel = order[lo : lo + 64]
        for r, c, d in split.rows(pos[sel], float(rpos[sel].max())):
            ok = d <= _loose(rpos[sel][r])
            r, c, d = r[ok], c[ok], d[ok]
            g, w = _expand(split.mult[c])
            j = split.first[c][g] + w
            src = pos[sel][r][g]
            g2, w2 = _expand(split.mult[src])
            yield split.first[src][g2] + w2, j[g2], d[g][g2]


def _balls(lv: _Levels, split: _Split, pts: np.ndarray, rad: np.ndarray) -> Iterator[tuple[np.ndarray, ...]]:
    """(i, j, d) for the sorted points ``pts`` and every j within ``rad[i]``, each point served by the
    cheapest search that covers its radius."""
    if lv.split_only:
        yield from _split_balls(split, pts, rad)
        return
    r = rad[pts]
    yield from lv.pairs(lv.small, pts[r <= lv.small], rad)
    rest = pts[r > lv.small]
    if len(rest) * split.size > _ROWS_BUDGET:
        yield from lv.pairs(lv.radius, rest[rad[rest] <= lv.radius], rad)
        rest = rest[rad[rest] > lv.radius]
    if len(rest):
        yield from _split_balls(split, rest, rad)


def _reach_radius(lv: _Levels, split: _Split, core: np.ndarray) -> np.ndarray:
    """rho per sorted point: the largest core distance of any point whose core ball holds it."""
    fin = np.isfinite(core)
    rho = np.where(fin, core, 0.0)
    for i, j, _ in _balls(lv, split, np.flatnonzero(fin), rho.copy()):
        np.maximum.at(rho, j, core[i])
    return rho


def _candidates(lv: _Levels, split: _Split, core: np.ndarray) -> tuple[np.ndarray, ...]:
    """Candidate pairs (i, j, mutual reachability, exact) in sorted positions, containing a minimum spanning
    tree; ``exact`` marks the pairs whose weight is their own mutual reachability (the Voronoi hops carry
    an upper bound, exact only where they end up in the tree)."""
    rho = _reach_radius(lv, split, core)
    fin = np.isfinite(core)
    ia, ja, wa, xa = [], [], [], []

    def add(i: np.ndarray, j: np.ndarray, d: np.ndarray, exact: bool) -> None:
        ok = (i != j) & fin[i] & fin[j]
        i, j = i[ok], j[ok]
        ia.append(i)
        ja.append(j)
        m = np.maximum(core[i], core[j])
        # A distance equal to a core distance found by another route may differ in the last bits; it is
        # that core distance (the tie scikit-learn sees in one matrix).
        d = np.round(d[ok], _DECIMALS)
        wa.append(np.where(d <= _loose(m), m, d))
        xa.append(np.full(len(i), exact))

    for i, j, d in _balls(lv, split, np.flatnonzero(fin), rho):
        # A pair within both points' rho is kept from the side with the larger rho only (once).
        mine = (rho[i] > rho[j]) | ((rho[i] == rho[j]) & (i < j)) | (d > rho[j])
        add(i[mine], j[mine], d[mine], True)
    # Voronoi neighbours along the network (Mehlhorn): one multi-source search from every position.
    dist, src = nearest_source(split.graph, split.n_nodes + np.arange(len(split.first)))
    sa, sb = src[split.a], src[split.b]
    cross = (sa >= 0) & (sb >= 0) & (sa != sb)
    hop = dist[split.a[cross]] + split.w[cross] + dist[split.b[cross]]
    add(split.first[sa[cross] - split.n_nodes], split.first[sb[cross] - split.n_nodes], hop, False)
    return np.concatenate(ia), np.concatenate(ja), np.concatenate(wa), np.concatenate(xa)


# --- step 3: the spanning tree in scikit-learn's form -------------------------------------------------------
def _spanning_tree(
    i: np.ndarray, j: np.ndarray, w: np.ndarray, exact: np.ndarray, order: np.ndarray, n: int
) -> np.ndarray:
    """Minimum spanning tree of the candidates as scikit-learn's MST edge records (in the caller's point
    numbering ``order[sorted position]``), walked as scikit-learn's Prim search walks the dense matrix."""
    from sklearn.cluster._hdbscan._linkage import MST_edge_dtype

    i, j = order[i], order[j]
    key = np.minimum(i, j) * np.int64(n) + np.maximum(i, j)
    o = np.argsort(key, kind="stable")
    key, w, exact = key[o], w[o], exact[o]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, dtype=np.int64)
    if len(key):  # a pair found twice keeps its lighter weight
        w = np.minimum.reduceat(w, start)
        exact = np.logical_or.reduceat(exact, start)
    a, b = key[start] // n, key[start] % n
    g = coo_matrix((np.where(w == 0.0, _TINY, w), (a, b)), shape=(n, n)).tocsr()
    t = minimum_spanning_tree(g).tocoo()
    ta, tb = t.row.astype(np.int64), t.col.astype(np.int64)
    tw = np.where(t.data == _TINY, 0.0, t.data)
    # Prim's choice among equal distances depends on every pair at that distance, not only the tree's:
    # the exact candidate pairs whose weight equals some tree edge's join the walk.
    tie = exact & np.isin(w, tw)
    cur, new, dist = _prim_order(
        n, np.concatenate([ta, a[tie]]), np.concatenate([tb, b[tie]]), np.concatenate([tw, w[tie]])
    )
    mst = np.empty(n - 1, dtype=MST_edge_dtype)
    mst["current_node"] = cur
    mst["next_node"] = new
    mst["distance"] = dist
    # Sorted exactly as scikit-learn's ``_process_mst`` sorts its Prim edges (same call, same tie order).
    return mst[np.argsort(mst["distance"])]


def _prim_order(
    n: int, ta: np.ndarray, tb: np.ndarray, tw: np.ndarray
) -> tuple[list[int], list[int], list[float]]:
    """Walk the spanning forest (plus the pairs tied with its edges) as scikit-learn's dense Prim search walks
    the full matrix: from point 0, always to the closest point not yet reached (the lowest index among
    equals), recording (the point reached last, the new point, distance); when nothing is in reach, on to
    the lowest index left, at infinite distance. Ties in the single-linkage tree are then broken as
    scikit-learn breaks them, except where a tied pair is longer than both points' rho (a Voronoi hop).
    A heap walk in Python: a push and a pop per edge given (about n plus the tied pairs)."""
    import heapq

    a = np.concatenate([ta, tb])
    b = np.concatenate([tb, ta])
    o = np.argsort(a, kind="stable")
    ptr = np.searchsorted(a[o], np.arange(n + 1)).tolist()
    nbr = b[o].tolist()
    wt = np.concatenate([tw, tw])[o].tolist()
    seen = [False] * n
    heap: list[tuple[float, int]] = []
    cur_out: list[int] = []
    new_out: list[int] = []
    dist_out: list[float] = []
    current, lowest = 0, 0
    seen[0] = True
    for k in range(ptr[0], ptr[1]):
        heapq.heappush(heap, (wt[k], nbr[k]))
    for _ in range(n - 1):
        while heap and seen[heap[0][1]]:
            heapq.heappop(heap)
        if heap:
            w, x = heapq.heappop(heap)
        else:
            while seen[lowest]:
                lowest += 1
            w, x = float("inf"), lowest
        cur_out.append(current)
        new_out.append(x)
        dist_out.append(w)
        seen[x] = True
        current = x
        for k in range(ptr[x], ptr[x + 1]):
            if not seen[nbr[k]]:
                heapq.heappush(heap, (wt[k], nbr[k]))
    return cur_out, new_out, dist_out


def single_linkage_on_network(
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    min_samples: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The single-linkage tree of the mutual reachability along the streets (scikit-learn's
    ``HIERARCHY_dtype`` records) and the core distances, for points that are all snapped (n ≥ 2)."""
    from sklearn.cluster._hdbscan._linkage import make_single_linkage

    n = len(edge_id)
    k = int(min_samples)
    total_m = float(network.edges["length_m"].sum())
    o = np.lexsort((offset_m, edge_id))
    bound = _along_edge_bound(edge_id[o], offset_m[o], k)
    finite = bound[np.isfinite(bound)]
    start = float(np.median(finite)) if len(finite) else 0.5 * k * total_m / n
    start = max(start, 1.0)
    # One shared search radius for the bounded node-to-node table (cheap: it grows with the network's
    # nodes, not the points); every point searches only as far as it needs within it.
    radius = float(np.clip(4.0 * k * total_m / n, 50.0, 300.0))
    small = float(np.clip(2.0 * np.quantile(finite, 0.99), 1.0, radius)) if len(finite) else radius
    split_only = n * (len(network.nodes) + n) <= _ROWS_BUDGET
    lv = _Levels(edge_id, offset_m, network, small, radius, split_only=split_only)
    split = _Split(lv.base, np.unique(edge_id), network)
    # Distances summed along different routes differ in the last bits; rounded to 0.1 nm, a tie that one
    # dense matrix holds (a core distance shared by several pairs) stays a tie here.
    core = np.round(_core_distances(lv, split, k, bound, start, total_m), _DECIMALS)
    i, j, w, exact = _candidates(lv, split, core)
    mst = _spanning_tree(i, j, w, exact, lv.base.order, n)
    core_out = np.empty(n)
    core_out[lv.base.order] = core
    logger.info("network HDBSCAN: %d points, %d candidate pairs, radius %.1f m", n, len(i), radius)
    return make_single_linkage(mst), core_out
