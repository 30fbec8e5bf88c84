"""Micro-junctions merged before the network kernel density (:func:`trygghet_geo.density.network_kde`).

Nothing here is public API. OpenStreetMap's walking network draws a square, a crossing or a sidewalk beside
its street as a mesh of very short paths (edges of a few metres, dozens of junctions within 60 m). The
equal-split kernels divide an event's mass by ``n - 1`` at every junction they pass and spread the events of
one place over all the parallel paths, so a busy square's density per metre barely rises above the
background. The events' positions cannot tell those paths apart anyway (see :data:`DEFAULT_CONSOLIDATE_M`).

:func:`consolidate` merges them the way osmnx's ``consolidate_intersections`` does (nodes closer than a
tolerance become one node at their centroid, the edges between them disappear and the others are extended
to the centroids), with two differences, and written here rather than by converting to osmnx because
osmnx works node by node on a networkx graph (seconds on a 100,000-edge grid, where nothing merges) and
merges by buffers around every node, which would also join two streets that merely pass close by:

- two nodes are merged only when an edge of at most the tolerance joins them, and that edge touches a
  junction or a dead end (so a curved path drawn with short edges between nodes of degree 2 is kept);
- edges joining the same two merged nodes whose geometries lie within the tolerance of the shortest one
  (Hausdorff distance: a sidewalk beside its street) are dropped and the shortest kept.

With ``keep_parallel=True`` (:func:`_chain_clusters`) the merge keeps lines side by side apart instead:

- it works on chains (edges joined through nodes of degree 2, as the kernel's walks do): a chain of at most
  the tolerance between two junctions or dead ends is a *connector* (a crossing, a link of a mesh, a branch
  tip of a few metres), a longer one a *line*; only the connectors merge their ends, shortest first;
- a merge is refused when it would make two lines join the same two nodes, or one line a loop: a sidewalk
  joined to its street by a crossing at each end merges at the first crossing and not at the second, so it
  stays a line of its own with its own events; a mesh of short paths, a garden of trails drawn as trees of
  1–5 m edges, or a crossing drawn as a square of links, still becomes one node;
- no parallel edge is dropped; the connectors whose ends merged are.

Positions (events, lixel centres) on a kept edge keep their place along it; those on a dropped edge are
snapped to the merged network by the one snapper (:mod:`trygghet_geo.network.snap`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo import schema
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

#: The default tolerance, metres: how far apart the junctions of one place may be and still be merged. It
#: is the precision of an event's position across the street: an address point lies on the façade or the
#: entrance, 5–15 m from the centre line (half a carriageway of 7–12 m, the curb and the sidewalk), a phone
#: or a patrol's GPS fix is within about 5–10 m (95 %), and a safety-walk note marks a spot on a map by hand.
#: Paths closer than that (a sidewalk and its street, the two ends of a crossing, the paths of a paved
#: square) are one place for the data, so they are one place for the density.
DEFAULT_CONSOLIDATE_M = 10.0


@dataclass(frozen=True)
class Consolidated:
    """A merged network and the map from the original edges to it."""

    network: StreetNetwork
    new_edge: np.ndarray  # per original edge: its edge in ``network``, or -1 when dropped
    head: np.ndarray  # per original edge: metres added before its start (from the merged node's centroid)
    merged_nodes: int  # original nodes merged into another
    dropped_edges: int
    widest_m: float  # the largest distance from a merged node to its centroid
    tolerance_m: float

    @property
    def kept(self) -> np.ndarray:
        """The original edge of every merged edge."""
        return np.flatnonzero(self.new_edge >= 0)

    def positions(
        self, original: StreetNetwork, edge: np.ndarray, off: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(edge, offset) on the original network -> (edge, offset) on the merged one."""
        edge = np.asarray(edge, dtype=np.int64)
        off = np.asarray(off, dtype=float)
        new = self.new_edge[edge]
        out_off = off + self.head[edge]
        lost = np.flatnonzero(new < 0)
        if len(lost):
            from trygghet_geo.network.snap import snap_table

            lines = original.edges.geometry.to_numpy()[edge[lost]]
            pts = shapely.line_interpolate_point(lines, off[lost])
            # A dropped edge lies within its merged junction (``widest_m`` from the centroid, plus its own
            # length) or within the tolerance of the parallel edge kept; a mesh with no street leaving it
            # has no edge left, and its positions get -1.
            reach = self.widest_m + 2.0 * self.tolerance_m + 1.0
            snap = snap_table(shapely.get_coordinates(pts), self.network, max_snap_m=reach)
            new = new.copy()
            new[lost] = snap[schema.EDGE_ID].to_numpy(np.int64)
            out_off[lost] = snap[schema.EDGE_OFFSET_M].fillna(0.0).to_numpy(float)
        length = self.network.edges["length_m"].to_numpy(float)[np.maximum(new, 0)]
        return new, np.clip(out_off, 0.0, length)


def check_tolerance(consolidate_m: float | None) -> float:
    if consolidate_m is None:
        return 0.0
    if isinstance(consolidate_m, bool) or not isinstance(consolidate_m, int | float):
        raise InputError(f"consolidate_m must be a number of metres (0: off), got {consolidate_m!r}")
    if not math.isfinite(consolidate_m) or consolidate_m < 0:  # math: a huge Python int overflows numpy
        raise InputError(f"consolidate_m must be a number of metres >= 0 (0: off), got {consolidate_m!r}")
    from trygghet_geo import _validate

    _validate.metres("consolidate_m", consolidate_m, allow_zero=True)  # and the bounds every distance has
    return float(consolidate_m)


def consolidate(
    network: StreetNetwork, tolerance_m: float, *, keep_parallel: bool = False
) -> Consolidated | None:
    """The network with its junctions closer than ``tolerance_m`` merged, or None when none are; with
    ``keep_parallel``, merged through the short chains only and never so that two lines join the same two
    nodes (:func:`_chain_clusters`)."""
    from trygghet_geo.network import StreetNetwork

    if tolerance_m <= 0:
        return None
    edges = network.edges
    u, v = edges["u"].to_numpy(np.int64), edges["v"].to_numpy(np.int64)
    length = edges["length_m"].to_numpy(float)
    n = len(network.nodes)
    found = (
        _chain_clusters(network, tolerance_m) if keep_parallel else _clusters(u, v, length, n, tolerance_m)
    )
    if found is None:
        return None
    cluster, keep = found
    xy = network.node_xy
    size = np.bincount(cluster)
    centre = np.column_stack([np.bincount(cluster, weights=xy[:, i]) for i in (0, 1)]) / size[:, None]
    cu, cv = cluster[u], cluster[v]
    lines = edges.geometry.to_numpy()
    # Extend every kept edge from its merged nodes' centroids (as osmnx does).
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    head_pt, tail_pt = centre[cu], centre[cv]
    head = np.where(size[cu] > 1, np.hypot(*(head_pt - xy[u]).T), 0.0)
    tail = np.where(size[cv] > 1, np.hypot(*(tail_pt - xy[v]).T), 0.0)
    first = np.searchsorted(owner, np.arange(len(lines)))
    pts = np.concatenate([head_pt, coords, tail_pt])
    ids = np.concatenate([np.arange(len(lines)), owner, np.arange(len(lines))])
    key = np.concatenate(
        [np.full(len(lines), -1), np.arange(len(coords)) - first[owner], np.full(len(lines), len(coords))]
    )
    use = np.concatenate([head > 0, np.ones(len(coords), bool), tail > 0]) & keep[ids]
    o = np.lexsort((key[use], ids[use]))
    new_lines = np.empty(len(lines), dtype=object)
    rank = np.cumsum(keep) - 1  # shapely wants the line indices 0..k-1
    new_lines[keep] = shapely.linestrings(pts[use][o], indices=rank[ids[use][o]])
    if not keep_parallel:
        keep &= _not_parallel(cu, cv, new_lines, keep, tolerance_m)
    if keep.all() and len(size) == n:
        return None
    kept = np.flatnonzero(keep)
    used, inverse = np.unique(np.concatenate([cu[kept], cv[kept]]), return_inverse=True)
    geoms = new_lines[kept]
    new_edges = gpd.GeoDataFrame(
        {
            "u": inverse[: len(kept)].astype(np.int64),
            "v": inverse[len(kept) :].astype(np.int64),
            "length_m": shapely.length(geoms),
            "name": edges["name"].to_numpy()[kept],
        },
        geometry=geoms,
        crs=edges.crs,
    )
    nodes = gpd.GeoDataFrame(geometry=shapely.points(centre[used]), crs=network.nodes.crs)
    new_edge = np.full(len(edges), -1, dtype=np.int64)
    new_edge[kept] = np.arange(len(kept))
    widest = np.hypot(*(xy - centre[cluster]).T)
    return Consolidated(
        network=StreetNetwork(nodes=nodes, edges=new_edges),
        new_edge=new_edge,
        head=head,
        merged_nodes=int(n - len(size)),
        dropped_edges=int(len(edges) - len(kept)),
        widest_m=float(widest.max(initial=0.0)),
        tolerance_m=float(tolerance_m),
    )


def _not_parallel(
    cu: np.ndarray, cv: np.ndarray, lines: np.ndarray, keep: np.ndarray, tolerance_m: float
) -> np.ndarray:
    """False for an edge that joins the same two merged nodes as a shorter one and lies within
    ``tolerance_m`` of it all along (Hausdorff distance)."""
    out = np.ones(len(cu), bool)
    idx = np.flatnonzero(keep & (cu != cv))
    if len(idx) == 0:
        return out
    frame = pd.DataFrame(
        {
            "a": np.minimum(cu[idx], cv[idx]),
            "b": np.maximum(cu[idx], cv[idx]),
            "len": shapely.length(lines[idx]),
        },
        index=idx,
    ).sort_values(["a", "b", "len"], kind="stable")
    dup = frame.duplicated(["a", "b"], keep=False)
    if not dup.any():
        return out
    group = frame[dup]
    shortest = group.groupby(["a", "b"]).head(1)
    ref = shortest.set_index(["a", "b"]).loc[pd.MultiIndex.from_frame(group[["a", "b"]])]
    ref_edge = shortest.reset_index().set_index(["a", "b"])["index"].loc[ref.index].to_numpy()
    others = group.index.to_numpy()
    near = shapely.hausdorff_distance(lines[others], lines[ref_edge]) <= tolerance_m
    out[others[near & (others != ref_edge)]] = False
    return out


def _clusters(
    u: np.ndarray, v: np.ndarray, length: np.ndarray, n: int, tolerance_m: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every node's cluster (joined by the edges of at most ``tolerance_m`` that touch a junction or a dead
    end) and the edges kept (all but those short edges inside one cluster); None when nothing can merge."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    deg = np.bincount(np.concatenate([u, v]), minlength=n)
    short = (length <= tolerance_m) & (u != v) & ((deg[u] != 2) | (deg[v] != 2))
    if not short.any():
        pair = pd.DataFrame({"a": np.minimum(u, v), "b": np.maximum(u, v)})[u != v]
        if not pair.duplicated().any():  # no edges to merge, no parallel ones (a grid): nothing to do
            return None
    graph = coo_matrix((np.ones(int(short.sum())), (u[short], v[short])), shape=(n, n))
    _, cluster = connected_components(graph, directed=False)
    return cluster, ~((cluster[u] == cluster[v]) & (length <= tolerance_m))


def _chain_clusters(network: StreetNetwork, tolerance_m: float) -> tuple[np.ndarray, np.ndarray] | None:
    """As :func:`_clusters`, but on the chains (edges joined through nodes of degree 2, as the kernel walks
    them): a chain of at most ``tolerance_m`` between two junctions or dead ends is a connector and may
    merge its ends; a longer one is a line, and no merge may make two lines join the same two nodes
    (:func:`_guarded_clusters`). The chains of at most ``tolerance_m`` whose ends merge (connectors, and
    loops at a junction) are dropped; no line is."""
    from trygghet_geo import _nkde

    chains = _nkde.contract(_nkde.Lines.of(network))
    cl = chains.lines
    connector = (cl.length <= tolerance_m) & (cl.u != cl.v)
    if not connector.any():
        return None
    cluster = _guarded_clusters(cl.u, cl.v, cl.length, connector, cl.n_nodes, tolerance_m)
    deg = np.bincount(np.concatenate([network.edges["u"], network.edges["v"]]), minlength=cl.n_nodes)
    drop = (cl.length <= tolerance_m) & (cluster[cl.u] == cluster[cl.v]) & (deg[cl.u] != 2)
    return cluster, ~drop[chains.chain]


def _guarded_clusters(
    u: np.ndarray, v: np.ndarray, length: np.ndarray, short: np.ndarray, n: int, tolerance_m: float
) -> np.ndarray:
    """Node clusters joined by the ``short`` lines, shortest first, except that two clusters are not merged
    when the merge would make two of the other lines (``~short``, ends apart) join the same two nodes, or
    one of them a loop: when both clusters have such a line to a third one (a sidewalk and its street,
    joined by short crossings at both ends: the first crossing merges, the second does not), or such a line
    joins them. A mesh of
    short paths still merges into one node; lines side by side stay apart, each with its own events.

    Written by hand: a union-find whose merges depend on the merges before (scipy's connected components
    and osmnx's buffers merge all at once); a loop over the short lines only."""
    parent = np.arange(n)
    long_edges = np.flatnonzero(~short & (u != v))  # the lines that stay
    nbr: dict[int, dict[int, int]] = {}
    for a, b in zip(u[long_edges].tolist(), v[long_edges].tolist(), strict=True):
        nbr.setdefault(a, {})[b] = nbr.get(a, {}).get(b, 0) + 1
        nbr.setdefault(b, {})[a] = nbr.get(b, {}).get(a, 0) + 1

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = int(parent[x])
        return x

    idx = np.flatnonzero(short)
    for e in idx[np.argsort(length[idx], kind="stable")].tolist():
        a, b = root(int(u[e])), root(int(v[e]))
        if a == b:
            continue
        na, nb = nbr.get(a, {}), nbr.get(b, {})
        if b in na or any(x in nb for x in na if x not in (a, b)):
            continue  # a line would become a loop, or two lines would share both their ends
        if len(na) > len(nb):
            a, b, na, nb = b, a, nb, na
        parent[a] = b  # a (the fewer neighbours) into b; a's long edges now end at b
        nb.pop(a, None)  # a long edge between a and b becomes a loop at b (counted once, from a's side)
        for x, c in na.items():
            x2 = b if x in (a, b) else x
            nb[x2] = nb.get(x2, 0) + c
            if x not in (a, b):
                nx = nbr[x]
                nx[b] = nx.get(b, 0) + nx.pop(a)
        nbr.pop(a, None)
        nbr[b] = nb
    roots = np.array([root(i) for i in range(n)], dtype=np.int64)
    return np.unique(roots, return_inverse=True)[1].ravel().astype(np.int64)
