"""The engine behind :func:`trygghet_geo.density.network_kde`: kernel sums at points on the network.

Nothing here is public API. Densities are evaluated at *sample points* (edge, offset): the lixel centres, or
the events themselves for the bandwidth's cross-validation.

**Events are never paired one by one with sample points.** Every kernel here is a polynomial ``P`` of the
scaled distance ``u = d / h`` on ``[0, 1)`` (the Gaussian through a degree-16 Chebyshev fit, relative error
below 1e-10), so the kernel sum over the events of one edge whose distance to an edge end is ``x`` and who lie
beyond that end at a further distance ``a`` is ``Σ w P(a + x) = Σ_j Q_j(a) M_j`` with ``M_j = Σ w x^j``:
per edge the events are sorted by offset and their weighted moments kept as prefix sums (from the ``u`` end
and from the ``v`` end), so every (edge, sample point) term costs one ``searchsorted`` (the events still
within the bandwidth are a prefix or a suffix of the edge's sorted offsets) and a few products, whatever the
number of events.

- ``"simple"``: the kernel of the shortest-path distance. Node-to-node distances come from the project's one
  bounded Dijkstra (:func:`trygghet_geo.network.distance.cached_node_distances`, limited to the
  bandwidth); for a sample point and an occupied edge the events nearer through ``u`` are a prefix of the
  edge, the others a suffix.
  Events on the sample point's own edge are paired explicitly (the direct distance can compete with a way
  round), which costs events × sample points per edge only.
- ``"discontinuous"`` and ``"continuous"``: Okabe's equal-split kernels spread the one-dimensional kernel
  along every walk from the event (not only the shortest). They are enumerated from each occupied edge end
  (the events of the edge share the walks; only their distance to the end differs), level by level as flat
  arrays, each walk carrying its length so far and its factor. At a node of degree ``n``, the discontinuous
  kernel goes on into each of the other ``n - 1`` edges with factor ``1/(n-1)`` and stops at dead ends (mass
  lost there, as the method defines); the continuous kernel goes on with ``2/n`` and is reflected back into
  the edge it came from with ``2/n - 1`` (so at a dead end it is reflected whole). A walk stops when its
  length reaches the bandwidth, when it has passed ``max_depth`` nodes of degree other than 2 (degree-2
  nodes split nothing and are not counted), or when the share of the event it carries (the absolute value of
  its factor) has fallen below ``min_share`` (:class:`WalkLimit`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from math import comb, erf, pi, sqrt
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

KERNELS = ("quartic", "epanechnikov", "triangular", "uniform", "gaussian")
METHODS = ("simple", "discontinuous", "continuous")
_GAUSS_SIGMA = 1.0 / 3.0  # the Gaussian's sigma in bandwidths: truncated at 3 sigma, renormalised
_STATES_CHUNK = 1_500_000  # walk states expanded per vectorised step
_PAIR_CHUNK = 2_000_000


#: The default ``min_share``: the share of an event that a walk still carries after six junctions of
#: four streets (1/3 at each), the default ``max_depth`` on a grid. At a junction of ``n`` streets the
#: discontinuous kernel divides by ``n - 1``, so a walk stops as soon as its junctions together have split
#: it as much as six crossings would: a junction merged from a mesh of footpaths (ten streets and more)
#: counts as two or three crossings, a T-junction as 0.63 of one. This bounds the walks from one edge end
#: to about ``max_depth / min_share`` whatever the junctions' degrees; ``max_depth`` alone lets them grow
#: as the product of the degrees.
DEFAULT_MIN_SHARE = 3.0**-6


@dataclass(frozen=True)
class WalkLimit:
    """Where the equal-split walks stop short of the bandwidth (their mass beyond is lost and reported)."""

    max_depth: int | None = 6
    min_share: float = DEFAULT_MIN_SHARE


@cache
def kernel_poly(kernel: str) -> np.ndarray:
    """Coefficients ``p_k`` of ``P(u) = Σ p_k u^k``: the kernel is ``K(d) = P(|d| / h) / h`` for ``|d| < h``
    and integrates to 1 over the line."""
    if kernel == "uniform":
        return np.array([0.5])
    if kernel == "triangular":
        return np.array([1.0, -1.0])
    if kernel == "epanechnikov":
        return np.array([0.75, 0.0, -0.75])
    if kernel == "quartic":
        return 15.0 / 16.0 * np.array([1.0, 0.0, -2.0, 0.0, 1.0])
    if kernel == "gaussian":
        from numpy.polynomial import Chebyshev, Polynomial

        s = _GAUSS_SIGMA
        z = s * sqrt(2 * pi) * erf(1 / (s * sqrt(2)))
        cheb = Chebyshev.interpolate(lambda u: np.exp(-(u**2) / (2 * s * s)) / z, 16, domain=[0, 1])
        return np.asarray(cheb.convert(kind=Polynomial, domain=[-1, 1], window=[-1, 1]).coef, dtype=float)
    raise ValueError(f"unknown kernel {kernel!r}")


def kernel_value(kernel: str, d: np.ndarray, h: float) -> np.ndarray:
    """``K(d)`` for distances ``d`` (zero from ``h`` on)."""
    u = np.abs(np.asarray(d, dtype=float)) / h
    out = np.polynomial.polynomial.polyval(np.minimum(u, 1.0), kernel_poly(kernel)) / h
    return np.where(u < 1.0, out, 0.0)


def _shift_coef(p: np.ndarray, a: np.ndarray, sign: float) -> np.ndarray:
    """``Q[:, j]`` with ``P(a + sign·x) = Σ_j Q_j x^j``, for every ``a``."""
    deg = len(p) - 1
    q = np.zeros((len(a), deg + 1))
    pw = np.ones((deg + 1, len(a)))
    for i in range(1, deg + 1):
        pw[i] = pw[i - 1] * a
    for j in range(deg + 1):
        acc = np.zeros(len(a))
        for k in range(j, deg + 1):
            if p[k] != 0.0:
                acc += p[k] * comb(k, j) * pw[k - j]
        q[:, j] = acc * (sign**j)
    return q


@dataclass
class Events:
    """Events sorted by (edge, offset) with weighted moment prefix sums of their scaled distances to both
    edge ends; ``key = base[edge] + offset`` increases, so one ``searchsorted`` finds ranges on any edge."""

    edge: np.ndarray  # per sorted event
    t: np.ndarray  # offset from u, sorted within the edge
    w: np.ndarray
    start: np.ndarray  # per network edge: first sorted position
    stop: np.ndarray
    base: np.ndarray  # per network edge
    key: np.ndarray
    mom: np.ndarray  # (n+1, 2, deg+1) prefix sums of w x^j: [:, 0] x = (L-t)/h (v end), [:, 1] x = t/h
    h: float


def prepare_events(
    edge: np.ndarray, offset: np.ndarray, weight: np.ndarray, lengths: np.ndarray, h: float, deg: int
) -> Events:
    o = np.lexsort((offset, edge))
    e, t, w = edge[o], np.clip(offset[o], 0.0, lengths[edge[o]]), weight[o]
    m = len(lengths)
    start = np.searchsorted(e, np.arange(m), "left")
    stop = np.searchsorted(e, np.arange(m), "right")
    base = np.concatenate([[0.0], np.cumsum(lengths + 2.0)[:-1]])
    # Only events nearer than h to an end ever fall in a summed range; clipping the others keeps the
    # prefix sums small, so the differences that form a range lose no precision.
    xu, xv = np.minimum(t / h, 1.0), np.minimum((lengths[e] - t) / h, 1.0)
    mom = np.zeros((len(t) + 1, 2, deg + 1))
    pu, pv = w.astype(float), w.astype(float)
    for j in range(deg + 1):
        mom[1:, 1, j] = np.cumsum(pu)
        mom[1:, 0, j] = np.cumsum(pv)
        pu, pv = pu * xu, pv * xv
    return Events(e, t, w, start, stop, base, base[e] + t, mom, h)


def _range_sum(
    q: np.ndarray, ev: Events, side: np.ndarray | int, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """``Σ_j q_j Σ_{lo <= i < hi} w_i x_i^j`` with x measured from the u end (side 1) or the v end (0)."""
    hi = np.maximum(hi, lo)
    k = q.shape[1]
    out: np.ndarray = ((ev.mom[hi, side, :k] - ev.mom[lo, side, :k]) * q).sum(axis=1)
    return out


def _ss(ev: Events, edge: np.ndarray, pos: np.ndarray, side: str) -> np.ndarray:
    """Sorted position of ``pos`` (an offset, clipped to the edge) on ``edge``."""
    idx = np.searchsorted(ev.key, ev.base[edge] + pos, side=side)  # type: ignore[call-overload]
    out: np.ndarray = np.clip(idx, ev.start[edge], ev.stop[edge])
    return out


@dataclass
class Samples:
    edge: np.ndarray  # sorted by edge
    off: np.ndarray
    ptr: np.ndarray  # per network edge, CSR pointer


def make_samples(edge: np.ndarray, off: np.ndarray, n_edges: int) -> tuple[Samples, np.ndarray]:
    order = np.argsort(edge, kind="stable")
    e = edge[order]
    return Samples(e, off[order], np.searchsorted(e, np.arange(n_edges + 1))), order


# --- walks: the discontinuous and continuous kernels ------------------------------------------------------
@dataclass
class _Graph:
    head: np.ndarray  # per directed edge (2e: u->v, 2e+1: v->u): the node it enters
    dlen: np.ndarray
    out: np.ndarray  # directed edges grouped by their tail node
    ptr: np.ndarray
    deg: np.ndarray


@dataclass
class Lines:
    """The bare graph the walks need: edge ends, lengths and the number of nodes."""

    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    n_nodes: int

    @classmethod
    def of(cls, network: StreetNetwork) -> Lines:
        e = network.edges
        return cls(
            e["u"].to_numpy(np.int64),
            e["v"].to_numpy(np.int64),
            e["length_m"].to_numpy(float),
            len(network.nodes),
        )


@dataclass
class Chains:
    """Edges joined through nodes of degree 2 (which split nothing): edge ``e`` is the piece of chain
    ``chain[e]`` from ``offset[e]``, running along it or against it (``flip[e]``)."""

    lines: Lines
    chain: np.ndarray
    offset: np.ndarray
    flip: np.ndarray

    def position(self, edge: np.ndarray, t: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(chain, offset along it) of the points at ``t`` from the u end of ``edge``."""
        return self.chain[edge], self.offset[edge] + np.where(self.flip[edge], lengths[edge] - t, t)


def contract(lines: Lines) -> Chains:
    """Join the edges through every node of degree 2 (a loop of such nodes becomes a closed chain)."""
    u, v, length, m = lines.u, lines.v, lines.length, len(lines.u)
    deg = np.bincount(np.concatenate([u, v]), minlength=lines.n_nodes)
    chain, offset, flip = np.full(m, -1), np.zeros(m), np.zeros(m, bool)
    simple = (deg[u] != 2) & (deg[v] != 2)
    cu, cv, clen = list(u[simple]), list(v[simple]), list(length[simple])
    chain[simple] = np.arange(int(simple.sum()))
    inc: dict[int, list[int]] = {}
    for e in np.flatnonzero(~simple).tolist():  # only edges touching a degree-2 node walk in Python
        inc.setdefault(int(u[e]), []).append(e)
        inc.setdefault(int(v[e]), []).append(e)

    def follow(node: int, e: int) -> None:
        c, pos, first = len(cu), 0.0, node
        while True:
            chain[e], offset[e], flip[e] = c, pos, u[e] != node
            pos += length[e]
            node = int(v[e] if u[e] == node else u[e])
            if deg[node] != 2 or node == first:
                break
            nxt = [f for f in inc[node] if chain[f] < 0]
            if not nxt:
                break
            e = nxt[0]
        cu.append(first)
        cv.append(node)
        clen.append(pos)

    for node in np.flatnonzero(deg != 2).tolist():
        for e in inc.get(node, []):
            if chain[e] < 0:
                follow(node, e)
    for e in np.flatnonzero(chain < 0).tolist():  # closed loops of degree-2 nodes
        if chain[e] < 0:
            follow(int(u[e]), e)
    return Chains(
        Lines(np.array(cu, np.int64), np.array(cv, np.int64), np.array(clen), lines.n_nodes),
        chain,
        offset,
        flip,
    )


def _directed(lines: Lines) -> _Graph:
    u, v = lines.u, lines.v
    m = len(u)
    tail = np.empty(2 * m, np.int64)
    head = np.empty(2 * m, np.int64)
    tail[0::2], tail[1::2], head[0::2], head[1::2] = u, v, v, u
    out = np.argsort(tail, kind="stable")
    ptr = np.searchsorted(tail[out], np.arange(lines.n_nodes + 1))
    return _Graph(head, np.repeat(lines.length, 2), out, ptr, np.diff(ptr))


def _step(
    g: _Graph, arr: np.ndarray, m: np.ndarray, depth: np.ndarray, method: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Successors of walk states that arrived at a node by the directed edges ``arr``: (state, next
    directed edge, factor, depth)."""
    node = g.head[arr]
    k = g.deg[node]
    grp = np.repeat(np.arange(len(arr)), k)
    within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
    nxt = g.out[g.ptr[node][grp] + within]
    kk = k[grp].astype(float)
    back = nxt == (arr[grp] ^ 1)
    if method == "discontinuous":
        fac = 1.0 / np.maximum(kk - 1.0, 1.0)
        keep = ~back
    else:
        fac = np.where(back, 2.0 / kk - 1.0, 2.0 / kk)
        keep = fac != 0.0
    grp, nxt = grp[keep], nxt[keep]
    return grp, nxt, m[grp] * fac[keep], depth[grp] + (k[grp] != 2)


def walk_sum(
    p: np.ndarray,
    ev: Events,
    lines: Lines,
    smp: Samples,
    method: str,
    walk: WalkLimit,
    out: np.ndarray,
    count_out: np.ndarray | None,
) -> dict[str, float]:
    """Add to ``out`` (per sample point, in ``smp`` order) the kernel reached along walks from every occupied
    edge end, and to ``count_out`` the number of events whose kernel reaches the sample (along the walks
    followed, or directly along the sample's own edge); the direct kernel is :func:`same_edge_sum`.

    Returns the kernel mass lost (in events): ``"depth"`` where ``walk`` (its depth or its share) stopped a
    walk, ``"dead_ends"`` where a discontinuous kernel ran into a dead end."""
    g = _directed(lines)
    h = ev.h
    lengths = lines.length
    occ = np.flatnonzero(ev.stop > ev.start)
    # A walk state: the occupied edge end it started from (directed edge 2e+1 arrives at u, 2e at v), the
    # directed edge it arrived by, its length from that end, its factor and depth.
    starts = np.column_stack([2 * occ + 1, 2 * occ]).ravel()  # both ends of an edge in one chunk
    limit = np.iinfo(np.int64).max if walk.max_depth is None else int(walk.max_depth)
    reached: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    tail = tail_poly(p)
    lost = {"depth": 0.0, "dead_ends": 0.0}
    per = 2 * max(1, _STATES_CHUNK // 256)
    has = np.zeros(len(out), bool)  # samples whose own edge a chunk's walks came back to
    for c0 in range(0, len(starts), per):
        st = starts[c0 : c0 + per]
        arr, d, m, dep = st.copy(), np.zeros(len(st)), np.ones(len(st)), np.zeros(len(st), np.int64)
        while len(st):
            if method == "discontinuous":
                dead = g.deg[g.head[arr]] == 1
                lost["dead_ends"] += _tail_mass(tail, ev, lengths, st[dead], d[dead], m[dead])
            grp, nxt, mm, nd = _step(g, arr, m, dep, method)
            ok = nd <= limit
            if walk.min_share > 0.0:  # (a relative 1e-9 below it: six factors of 1/3 are 3**-6 give or take)
                ok &= np.abs(mm) >= walk.min_share * (1.0 - 1e-9)
            if not ok.all():
                cut = ~ok
                lost["depth"] += _tail_mass(tail, ev, lengths, st[grp[cut]], d[grp[cut]], mm[cut])
            grp, nxt, mm, nd = grp[ok], nxt[ok], mm[ok], nd[ok]
            s0, d0 = st[grp], d[grp]
            hit = _visit(p, ev, smp, lengths, s0, nxt, d0, mm, out)
            if count_out is not None:
                reached.append(hit)
            d1 = d0 + g.dlen[nxt]
            go = d1 < h
            st, arr, d, m, dep = s0[go], nxt[go], d1[go], mm[go], nd[go]
        if count_out is not None:  # a chunk holds both ends of its edges: its counts are complete
            _count_reached(ev, smp, lengths, reached, count_out, has)
            reached = []
    if count_out is not None:
        # Samples whose own edge holds events but no walk came back to it: the direct window alone.
        rest = np.flatnonzero(~has & (ev.stop[smp.edge] > ev.start[smp.edge]))
        er = smp.edge[rest]
        w0, w1 = _ss(ev, er, smp.off[rest] - ev.h, "right"), _ss(ev, er, smp.off[rest] + ev.h, "left")
        count_out[rest] += w1 - w0
    return lost


def _visit(
    p: np.ndarray,
    ev: Events,
    smp: Samples,
    lengths: np.ndarray,
    start: np.ndarray,
    nxt: np.ndarray,
    d0: np.ndarray,
    m: np.ndarray,
    out: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kernel of the events of ``start``'s edge entering directed edge ``nxt`` at walk length ``d0``, added
    at the sample points on that edge; returns (sample, start, events reached) where any are."""
    h = ev.h
    f = nxt >> 1
    k = smp.ptr[f + 1] - smp.ptr[f]
    grp = np.repeat(np.arange(len(f)), k)
    sp = smp.ptr[f][grp] + (np.arange(len(grp)) - np.repeat(np.cumsum(k) - k, k))
    s = np.where((nxt[grp] & 1) == 0, smp.off[sp], lengths[f[grp]] - smp.off[sp])
    a = (d0[grp] + s) / h
    live = a < 1.0
    grp, sp, a = grp[live], sp[live], a[live]
    st = start[grp]
    side, lo, hi = _event_range(ev, lengths, st, a)
    some = hi > lo
    if not some.all():
        grp, sp, a, st, side, lo, hi = grp[some], sp[some], a[some], st[some], side[some], lo[some], hi[some]
    val = _range_sum(_shift_coef(p, a, 1.0), ev, side, lo, hi)
    out += np.bincount(sp, weights=val * m[grp], minlength=len(out))
    return sp, st, hi - lo


def _event_range(
    ev: Events, lengths: np.ndarray, st: np.ndarray, a: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The events of start ``st``'s edge within ``(1 - a)·h`` of the end it left by: a prefix when it left
    through u (side 1, x = t / h), a suffix through v (side 0, x = (L - t) / h); one searchsorted for both."""
    e = st >> 1
    side = st & 1
    reach = (1.0 - a) * ev.h
    lo_e, hi_e = ev.start[e], ev.stop[e]
    pos = np.where(side == 1, ev.base[e] + reach, np.nextafter(ev.base[e] + lengths[e] - reach, np.inf))
    idx = np.clip(np.searchsorted(ev.key, pos, side="left"), lo_e, hi_e)
    return side, np.where(side == 1, lo_e, idx), np.where(side == 1, idx, hi_e)


def _tail_mass(
    tail: np.ndarray, ev: Events, lengths: np.ndarray, st: np.ndarray, d: np.ndarray, m: np.ndarray
) -> float:
    """Kernel mass that walk states (start, length ``d``, factor ``m``) would still carry:
    ``Σ m w ∫_{x+a}^1 P``."""
    a = d / ev.h
    live = a < 1.0
    side, lo, hi = _event_range(ev, lengths, st[live], a[live])
    return float((_range_sum(_shift_coef(tail, a[live], 1.0), ev, side, lo, hi) * m[live]).sum())


def tail_poly(p: np.ndarray) -> np.ndarray:
    """Coefficients of ``∫_u^1 P``."""
    anti = np.concatenate([[0.0], p / np.arange(1, len(p) + 1)])
    anti[0] = -anti.sum()
    return -anti


def _largest(
    ev: Events, n_dir: int, reached: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The largest count per (sample, start) of the (sample, start, count) records."""
    if sum(len(r[0]) for r in reached) == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, empty
    sp = np.concatenate([r[0] for r in reached]).astype(np.int64)
    st = np.concatenate([r[1] for r in reached])
    n = np.concatenate([r[2] for r in reached])
    big = int(np.max(ev.stop - ev.start)) + 1
    key = np.sort((sp * n_dir + st) * big + n)  # one int64 sort, no lexsort
    pair_key = key // big
    last = np.r_[pair_key[1:] != pair_key[:-1], True]
    return pair_key[last] // n_dir, pair_key[last] % n_dir, key[last] % big


def _count_reached(
    ev: Events,
    smp: Samples,
    lengths: np.ndarray,
    reached: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    count_out: np.ndarray,
    has: np.ndarray,
) -> None:
    """Events whose kernel reaches each sample: per (sample, edge) the longest prefix reached through u and
    the longest suffix through v (their union), plus on the sample's own edge the direct window ±h."""
    n_dir = 2 * len(lengths)
    sp, st, n = _largest(ev, n_dir, reached)
    pair = sp * len(lengths) + (st >> 1)
    prefix = np.where(st & 1 == 1, n, 0)
    suffix = np.where(st & 1 == 0, n, 0)
    upair, inv = np.unique(pair, return_inverse=True)
    pre = np.bincount(inv, weights=prefix, minlength=len(upair)).astype(np.int64)
    suf = np.bincount(inv, weights=suffix, minlength=len(upair)).astype(np.int64)
    sp, e = upair // len(lengths), upair % len(lengths)
    own = smp.edge[sp] == e
    total = np.minimum(pre + suf, ev.stop[e] - ev.start[e])
    # On the sample's own edge: add the part of the direct window outside the prefix and the suffix.
    c = smp.off[sp[own]]
    eo = e[own]
    w0, w1 = _ss(ev, eo, c - ev.h, "right"), _ss(ev, eo, c + ev.h, "left")
    a_end, b_start = ev.start[eo] + pre[own], ev.stop[eo] - suf[own]
    extra = np.maximum(0, np.minimum(w1, b_start) - np.maximum(w0, a_end))
    total[own] = np.where(a_end >= b_start, total[own], total[own] + extra)
    count_out += np.bincount(sp, weights=total, minlength=len(count_out))
    has[sp[own]] = True


# --- shortest paths: the simple kernel and the counts ------------------------------------------------------
def edge_pairs(
    network: StreetNetwork, sample_edges: np.ndarray, event_edges: np.ndarray, h: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (sample edge f, event edge e) within ``h`` and the (k, 4) node distances D(u_f|v_f, u_e|v_e)
    (``inf`` beyond ``h``), from the bounded node-to-node distances of the one Dijkstra."""
    from trygghet_geo.network.distance import cached_node_distances

    u = network.edges["u"].to_numpy(np.int64)
    v = network.edges["v"].to_numpy(np.int64)

    def half_edges(edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        node = np.concatenate([u[edges], v[edges]])
        which = np.concatenate([edges, edges])
        end = np.repeat([0, 1], len(edges))
        o = np.argsort(node, kind="stable")
        return node[o], which[o], end[o]

    fn, fe, fend = half_edges(sample_edges)
    en, ee, eend = half_edges(event_edges)
    src, dst, dist = cached_node_distances(network, np.unique(fn), h)
    keep = np.isin(dst, en)
    src, dst, dist = src[keep], dst[keep], dist[keep]
    n = len(network.nodes)
    fptr, eptr = np.searchsorted(fn, np.arange(n + 1)), np.searchsorted(en, np.arange(n + 1))
    fdeg, edeg = np.diff(fptr), np.diff(eptr)
    pair = np.repeat(np.arange(len(src)), fdeg[src])
    h1 = fptr[src][pair] + (np.arange(len(pair)) - np.repeat(np.cumsum(fdeg[src]) - fdeg[src], fdeg[src]))
    k2 = edeg[dst[pair]]
    pair2 = np.repeat(np.arange(len(pair)), k2)
    h2 = eptr[dst[pair]][pair2] + (np.arange(len(pair2)) - np.repeat(np.cumsum(k2) - k2, k2))
    h1, d = h1[pair2], dist[pair[pair2]]
    m = len(u)
    rowkey = fe[h1] * m + ee[h2]
    col = fend[h1] * 2 + eend[h2]
    uniq, inv = np.unique(rowkey, return_inverse=True)
    tab = np.full((len(uniq), 4), np.inf)
    np.minimum.at(tab, (inv.ravel(), col), d)
    return uniq // m, uniq % m, tab


def shortest_sum(
    p: np.ndarray | None,
    ev: Events,
    network: StreetNetwork,
    smp: Samples,
    out: np.ndarray,
    count_out: np.ndarray,
) -> None:
    """Add the simple kernel's sum (unless ``p`` is None) and the number of events within ``h`` (shortest
    paths) per sample."""
    h = ev.h
    lengths = network.edges["length_m"].to_numpy(np.float64)
    occ = np.flatnonzero(ev.stop > ev.start)
    used = np.flatnonzero(np.diff(smp.ptr) > 0)
    f_all, e_all, tab_all = edge_pairs(network, used, occ, h)
    step = max(1, _PAIR_CHUNK // 8)
    for c0 in range(0, len(f_all), step):
        f, e, tab = f_all[c0 : c0 + step], e_all[c0 : c0 + step], tab_all[c0 : c0 + step]
        k = smp.ptr[f + 1] - smp.ptr[f]
        grp = np.repeat(np.arange(len(f)), k)
        sp = smp.ptr[f][grp] + (np.arange(len(grp)) - np.repeat(np.cumsum(k) - k, k))
        fg, eg, tb = f[grp], e[grp], tab[grp]
        c, lf, le = smp.off[sp], lengths[fg], lengths[eg]
        a = np.minimum(c + tb[:, 0], lf - c + tb[:, 2])  # sample -> u_e
        b = np.minimum(c + tb[:, 1], lf - c + tb[:, 3])  # sample -> v_e
        other = fg != eg
        sp, eg, a, b, le = sp[other], eg[other], a[other], b[other], le[other]
        split = (le + b - a) / 2.0  # events before it are nearer through u
        lo_u = ev.start[eg]
        hi_u = _ss(ev, eg, np.minimum(split, h - a), "left")
        lo_v = np.maximum(_ss(ev, eg, split, "left"), _ss(ev, eg, le - (h - b), "right"))
        hi_v = ev.stop[eg]
        if p is not None:
            au, av = np.minimum(a / h, 1.0), np.minimum(b / h, 1.0)
            val = _range_sum(_shift_coef(p, au, 1.0), ev, 1, lo_u, hi_u)
            val += _range_sum(_shift_coef(p, av, 1.0), ev, 0, lo_v, hi_v)
            out += np.bincount(sp, weights=val, minlength=len(out))
        cnt = np.maximum(hi_u - lo_u, 0) + np.maximum(hi_v - lo_v, 0)
        count_out += np.bincount(sp, weights=cnt, minlength=len(count_out))
    d_uv = np.full(len(lengths), np.inf)
    same = f_all == e_all
    d_uv[f_all[same]] = tab_all[same, 1]
    same_edge_sum(p, ev, lengths, smp, d_uv, out, count_out)


_PAIR_BUDGET = 1 << 22  # event × sample-point pairs formed at once by same_edge_sum (~0.5 GiB of temporaries)


def same_edge_sum(
    p: np.ndarray | None,
    ev: Events,
    lengths: np.ndarray,
    smp: Samples,
    d_uv: np.ndarray,
    out: np.ndarray,
    count_out: np.ndarray | None,
) -> None:
    """Events on the sample point's own edge, paired explicitly (events × sample points of one edge): the
    distance is the least of the direct one and the ways round through the edge's ends (``d_uv``, the
    distance between them off the edge; ``inf`` for the direct distance alone)."""
    h = ev.h
    occ = np.flatnonzero((ev.stop > ev.start) & (np.diff(smp.ptr) > 0))
    ns, ne = smp.ptr[occ + 1] - smp.ptr[occ], ev.stop[occ] - ev.start[occ]
    # Jobs of at most _PAIR_BUDGET pairs: an edge whose events × sample points exceed it is cut into runs of
    # sample points, so memory stays bounded however many events and sample points share one long edge.
    run = np.maximum(_PAIR_BUDGET // ne, 1)
    n_runs = -(-ns // run)
    job = np.repeat(np.arange(len(occ)), n_runs)
    first = np.arange(len(job)) - np.repeat(np.cumsum(n_runs) - n_runs, n_runs)
    s0 = first * run[job]
    js = np.minimum(run[job], ns[job] - s0)
    per = js * ne[job]
    cum = np.cumsum(per)
    bounds = np.searchsorted(cum, np.arange(0, int(cum[-1]) if len(cum) else 0, _PAIR_BUDGET), "right")
    bounds = np.unique(np.r_[0, bounds, len(job)])
    for a, b in itertools.pairwise(bounds):
        o, k, nev = occ[job[a:b]], per[a:b], ne[job[a:b]]
        grp = np.repeat(np.arange(b - a), k)
        within = np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
        nev = nev[grp]
        sp = smp.ptr[o][grp] + s0[a:b][grp] + within // nev
        j = ev.start[o][grp] + within % nev
        e = o[grp]
        c, t, le, duv = smp.off[sp], ev.t[j], lengths[e], d_uv[e]
        d = np.minimum(np.abs(t - c), np.minimum(c + duv + le - t, le - c + duv + t))
        live = d < h
        sp, d, j = sp[live], d[live], j[live]
        if p is not None:
            val = np.polynomial.polynomial.polyval(d / h, p) * ev.w[j]
            out += np.bincount(sp, weights=val, minlength=len(out))
        if count_out is not None:
            count_out += np.bincount(sp, minlength=len(count_out))
