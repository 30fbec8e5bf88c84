"""Compiled loops behind the sparse neighbourhoods of :mod:`trygghet_geo.network.distance` (numba).

Written by hand, and why: for every (point, nearby edge) pair the neighbours are up to three intervals of
that edge's sorted offsets, found by a binary search whose bound depends on the pair; numpy can only do this
by materialising every pair (gigabytes at a million points) and scipy has no such search. These loops walk
the pairs one at a time, so memory stays proportional to points plus (edge, edge) table rows and nothing is
allocated per pair. Every kernel is compiled once with ``cache=True`` (the machine code is kept beside this
file, or in numba's user cache when that is read-only) and releases the GIL (``nogil=True``), so Monte
Carlo simulations can run on threads.

Conventions (as in :class:`trygghet_geo.network.distance._Prepared`): points sorted by (edge, offset); ``er``
the occupied-edge rank of each sorted point; ``start``/``stop`` each occupied edge's slice of sorted points;
``blk``/``tab_f``/``d4`` the (edge, edge) table, rows ``blk[e]:blk[e+1]`` of edge ``e`` naming a reachable
edge ``f`` and the four end-to-end distances ``D(u_e, u_f), D(u_e, v_f), D(v_e, u_f), D(v_e, v_f)``.

A point j on edge f is a neighbour of point i when ``du + t_j <= r`` (through f's node u),
``dv + (L_f - t_j) <= r`` (through v) or, on i's own edge, ``|t_i - t_j| <= r``: the same expressions the
distance of a pair is computed with, so a pair counts exactly when its distance is ``<= r``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_BIG = np.iinfo(np.int64).max


@njit(cache=True, nogil=True)
def edge_table(
    ends: np.ndarray,
    he_ptr: np.ndarray,
    he_edge: np.ndarray,
    he_end: np.ndarray,
    rptr: np.ndarray,
    rdst: np.ndarray,
    rdist: np.ndarray,
    t_first: np.ndarray,
    t_last: np.ndarray,
    length: np.ndarray,
    r: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (edge, edge) table of the occupied edges (``ends``: their (u, v) nodes) from the bounded
    node-to-node distances (CSR ``rptr``/``rdst``/``rdist`` over all nodes) and the occupied half-edges at
    every node (CSR ``he_ptr``/``he_edge``/``he_end``), in one pass. Rows of an edge come in the order the
    other edges are first reached (deterministic; nothing reads them in another order).

    A row (e, f) is kept only when some point of e may be within ``r`` of some point of f: with
    ``t_first``/``t_last`` the first and last sorted offsets of each occupied edge, the nearest any point of
    e gets to f's node u (or v) plus the nearest point of f to that node is at most ``r`` (or f is e). These
    are the same sums :func:`_intervals` compares, at their smallest, so a dropped row has no interval.
    Likewise an end-to-end distance is left out (inf) when no point can use it within ``r``: the route it
    stands for is then longer than ``r`` for every pair, so every interval and every distance within ``r``
    comes out as with it."""
    n_occ = ends.shape[0]
    mark = np.full(n_occ, -1, dtype=np.int64)
    slot = np.empty(n_occ, dtype=np.int64)
    blk = np.zeros(n_occ + 1, dtype=np.int64)
    cap = 64 + 64 * n_occ  # untouched pages cost no memory; grown below when a dense network needs more
    tab_f = np.empty(cap, dtype=np.int64)
    d4 = np.empty((cap, 4))
    # Per node, the nearest any point gets to it along an occupied edge at it (inf: none there).
    near = np.full(he_ptr.shape[0] - 1, np.inf)
    for y in range(near.shape[0]):
        for h in range(he_ptr[y], he_ptr[y + 1]):
            f = he_edge[h]
            g = t_first[f] if he_end[h] == 0 else length[f] - t_last[f]
            near[y] = min(near[y], g)
    pos = 0
    for e in range(n_occ):
        lo = pos
        for a in range(2):
            x = ends[e, a]
            hx = t_first[e] if a == 0 else length[e] - t_last[e]
            for k in range(rptr[x], rptr[x + 1]):
                y = rdst[k]
                d = rdist[k]
                # No point of e reaches a point at y through x within r (x itself always counts: it
                # makes e's own row, which the window along e needs).
                if y != x and hx + d + near[y] > r:
                    continue
                for h in range(he_ptr[y], he_ptr[y + 1]):
                    f = he_edge[h]
                    if mark[f] != e:
                        mark[f] = e
                        if pos == cap:
                            cap *= 2
                            grown_f = np.empty(cap, dtype=np.int64)
                            grown_d = np.empty((cap, 4))
                            grown_f[:pos] = tab_f[:pos]
                            grown_d[:pos] = d4[:pos]
                            tab_f, d4 = grown_f, grown_d
                        slot[f] = pos
                        tab_f[pos] = f
                        d4[pos, 0] = d4[pos, 1] = d4[pos, 2] = d4[pos, 3] = np.inf
                        pos += 1
                    col = 2 * a + he_end[h]
                    if d < d4[slot[f], col]:
                        d4[slot[f], col] = d
        h0 = t_first[e]
        h1 = length[e] - t_last[e]
        keep = lo
        for row in range(lo, pos):
            f = tab_f[row]
            du = min(h0 + d4[row, 0], h1 + d4[row, 2])
            dv = min(h0 + d4[row, 1], h1 + d4[row, 3])
            if f == e or du + t_first[f] <= r or dv + (length[f] - t_last[f]) <= r:
                tab_f[keep] = f
                for c in range(4):
                    d4[keep, c] = d4[row, c]
                keep += 1
        pos = keep
        blk[e + 1] = pos
    return blk, tab_f[:pos], d4[:pos]


@njit(inline="always")
def _intervals(
    i: int,
    row: int,
    r: float,
    t: np.ndarray,
    er: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    length: np.ndarray,
    tab_f: np.ndarray,
    d4: np.ndarray,
) -> tuple[int, float, float, int, int, int, int, int, int, bool]:
    """Neighbours of sorted point i on the table row's edge f: [s, a) through f's node u, [b, en) through
    v and, on i's own edge when apart from those, [w0, w1). Returns (f, du, dv, s, a, b, en, w0, w1, kept)
    where ``kept`` is False when f is out of reach (no interval). Disjoint; ``a == b == en`` when full."""
    e = er[i]
    ti = t[i]
    rest = length[e] - ti
    f = tab_f[row]
    du = min(ti + d4[row, 0], rest + d4[row, 2])
    dv = min(ti + d4[row, 1], rest + d4[row, 3])
    s = start[f]
    en = stop[f]
    same = f == e
    if du > r and dv > r and not same:
        return f, du, dv, s, s, en, en, 0, 0, False
    a = s
    if du + t[en - 1] <= r:  # the whole edge through u
        return f, du, dv, s, en, en, en, 0, 0, True
    if du + t[s] <= r:  # first j with du + t_j > r
        lo, hi = s, en
        while lo < hi:
            mid = (lo + hi) >> 1
            if du + t[mid] <= r:
                lo = mid + 1
            else:
                hi = mid
        a = lo
    b = en
    lf = length[f]
    if dv + (lf - t[s]) <= r:  # the whole edge through v
        return f, du, dv, s, en, en, en, 0, 0, True
    if dv + (lf - t[en - 1]) <= r:  # first j with dv + (L_f - t_j) <= r
        lo, hi = s, en
        while lo < hi:
            mid = (lo + hi) >> 1
            if dv + (lf - t[mid]) <= r:
                hi = mid
            else:
                lo = mid + 1
        b = lo
    w0 = 0
    w1 = 0
    if same and a < b:
        lo, hi = s, i
        while lo < hi:  # first j with t_i - t_j <= r
            mid = (lo + hi) >> 1
            if ti - t[mid] <= r:
                hi = mid
            else:
                lo = mid + 1
        w0 = lo
        lo, hi = i, en
        while lo < hi:  # first j with t_j - t_i > r
            mid = (lo + hi) >> 1
            if t[mid] - ti <= r:
                lo = mid + 1
            else:
                hi = mid
        w1 = lo
        into_a = w0 <= a
        into_b = w1 >= b
        if into_a:
            a = max(a, w1)
        if into_b:
            b = min(b, w0)
        if into_a or into_b:
            w0 = 0
            w1 = 0
    if a >= b:
        a = en
        b = en
        w0 = 0
        w1 = 0
    return f, du, dv, s, a, b, en, w0, w1, True


@njit(cache=True, nogil=True)
def neighbour_weights(
    t: np.ndarray,
    er: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    length: np.ndarray,
    blk: np.ndarray,
    tab_f: np.ndarray,
    d4: np.ndarray,
    r: float,
    cw: np.ndarray,
) -> np.ndarray:
    """Per sorted point, the sum of its neighbours' weights (itself included); ``cw`` the cumulative
    weights with a leading 0."""
    n = t.shape[0]
    out = np.zeros(n)
    for i in range(n):
        e = er[i]
        total = 0.0
        for row in range(blk[e], blk[e + 1]):
            _, _, _, s, a, b, en, w0, w1, kept = _intervals(i, row, r, t, er, start, stop, length, tab_f, d4)
            if kept:
                total += (cw[a] - cw[s]) + (cw[en] - cw[b]) + (cw[w1] - cw[w0])
        out[i] = total
    return out


@njit(cache=True, nogil=True)
def pair_intervals(
    points: np.ndarray,
    rad: np.ndarray,
    t: np.ndarray,
    er: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    length: np.ndarray,
    blk: np.ndarray,
    tab_f: np.ndarray,
    d4: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The intervals of every (point, edge in reach) pair of the sorted ``points``, each point with its own
    radius ``rad``: arrays i, f, du, dv, s, a, b, e, w0, w1 (``w0 == w1`` when no separate window)."""
    m = 0
    for k in range(points.shape[0]):
        i = points[k]
        e = er[i]
        for row in range(blk[e], blk[e + 1]):
            if _intervals(i, row, rad[k], t, er, start, stop, length, tab_f, d4)[9]:
                m += 1
    oi = np.empty(m, dtype=np.int64)
    of = np.empty(m, dtype=np.int64)
    odu = np.empty(m)
    odv = np.empty(m)
    o4 = np.empty((6, m), dtype=np.int64)
    c = 0
    for k in range(points.shape[0]):
        i = points[k]
        e = er[i]
        for row in range(blk[e], blk[e + 1]):
            f, du, dv, s, a, b, en, w0, w1, kept = _intervals(
                i, row, rad[k], t, er, start, stop, length, tab_f, d4
            )
            if kept:
                oi[c] = i
                of[c] = f
                odu[c] = du
                odv[c] = dv
                o4[0, c] = s
                o4[1, c] = a
                o4[2, c] = b
                o4[3, c] = en
                o4[4, c] = w0
                o4[5, c] = w1
                c += 1
    return oi, of, odu, odv, o4[0], o4[1], o4[2], o4[3], o4[4], o4[5]


@njit(inline="always")
def _find(parent: np.ndarray, x: int) -> int:
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


@njit(inline="always")
def _union(parent: np.ndarray, a: int, b: int) -> None:
    ra = _find(parent, a)
    rb = _find(parent, b)
    if ra < rb:
        parent[rb] = ra
    elif rb < ra:
        parent[ra] = rb


@njit(cache=True, nogil=True)
def core_labels(
    core: np.ndarray,
    order: np.ndarray,
    t: np.ndarray,
    er: np.ndarray,
    length: np.ndarray,
    blk: np.ndarray,
    tab_f: np.ndarray,
    d4: np.ndarray,
    r: float,
) -> np.ndarray:
    """Cluster of every core point (-1 for the others), per sorted point: the connected components of the
    cores' eps-graph, numbered like scikit-learn by the lowest original index (``order``) among their cores.

    A union-find over a few representative pairs joins exactly those components: consecutive cores along
    an edge within r and, for every table row and pair of ends, the cores nearest to those ends."""
    n = t.shape[0]
    n_occ = length.shape[0]
    parent = np.arange(n)
    first = np.full(n_occ, -1, dtype=np.int64)
    last = np.full(n_occ, -1, dtype=np.int64)
    prev = -1
    for i in range(n):
        if core[i]:
            e = er[i]
            if prev >= 0 and er[prev] == e and t[i] - t[prev] <= r:
                _union(parent, prev, i)
            if first[e] < 0:
                first[e] = i
            last[e] = i
            prev = i
    for e in range(n_occ):
        if first[e] < 0:
            continue
        h0 = t[first[e]]
        h1 = length[e] - t[last[e]]
        for row in range(blk[e], blk[e + 1]):
            f = tab_f[row]
            if first[f] < 0:
                continue
            g0 = t[first[f]]
            g1 = length[f] - t[last[f]]
            if h0 + d4[row, 0] + g0 <= r:
                _union(parent, first[e], first[f])
            if h0 + d4[row, 1] + g1 <= r:
                _union(parent, first[e], last[f])
            if h1 + d4[row, 2] + g0 <= r:
                _union(parent, last[e], first[f])
            if h1 + d4[row, 3] + g1 <= r:
                _union(parent, last[e], last[f])
    lowest = np.full(n, _BIG, dtype=np.int64)
    for i in range(n):
        if core[i]:
            root = _find(parent, i)
            if order[i] < lowest[root]:
                lowest[root] = order[i]
    roots = np.flatnonzero(lowest < _BIG)
    rank = np.empty(n, dtype=np.int64)
    ranked = roots[np.argsort(lowest[roots])]
    for k in range(ranked.shape[0]):
        rank[ranked[k]] = k
    label = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if core[i]:
            label[i] = rank[_find(parent, i)]
    return label


@njit(cache=True, nogil=True)
def border_labels(
    core: np.ndarray,
    label: np.ndarray,
    t: np.ndarray,
    er: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    length: np.ndarray,
    blk: np.ndarray,
    tab_f: np.ndarray,
    d4: np.ndarray,
    r: float,
) -> np.ndarray:
    """Every non-core point takes the lowest label among its core neighbours (-1 when it has none), as in
    scikit-learn's DBSCAN. Prefix and suffix intervals read a running minimum per edge; a separate window
    (fewer than ``min_samples`` points, since the point is not core) is scanned."""
    n = t.shape[0]
    big = _BIG
    pre = np.empty(n, dtype=np.int64)
    suf = np.empty(n, dtype=np.int64)
    has_core = np.zeros(start.shape[0], dtype=np.bool_)
    for f in range(start.shape[0]):
        m = big
        for j in range(start[f], stop[f]):
            if core[j] and label[j] < m:
                m = label[j]
            pre[j] = m
        has_core[f] = m < big
        m = big
        for j in range(stop[f] - 1, start[f] - 1, -1):
            if core[j] and label[j] < m:
                m = label[j]
            suf[j] = m
    out = label.copy()
    for i in range(n):
        if core[i]:
            continue
        best = big
        e = er[i]
        for row in range(blk[e], blk[e + 1]):
            if not has_core[tab_f[row]]:  # no core there: nothing to take
                continue
            _, _, _, s, a, b, en, w0, w1, kept = _intervals(i, row, r, t, er, start, stop, length, tab_f, d4)
            if not kept:
                continue
            if a > s and pre[a - 1] < best:
                best = pre[a - 1]
            if b < en and suf[b] < best:
                best = suf[b]
            for j in range(w0, w1):
                if core[j] and label[j] < best:
                    best = label[j]
        if best < big:
            out[i] = best
    return out


@njit(cache=True, nogil=True)
def nearest_pieces(
    px: np.ndarray,
    py: np.ndarray,
    grid: np.ndarray,
    cell_ptr: np.ndarray,
    cell_piece: np.ndarray,
    ax: np.ndarray,
    ay: np.ndarray,
    dx: np.ndarray,
    dy: np.ndarray,
    len2: np.ndarray,
    max_d: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The nearest straight piece of every point (exact), its distance and the position along it (0..1).

    ``grid`` is (x0, y0, cell size, columns, rows); ``cell_ptr``/``cell_piece`` list the pieces whose
    bounding box touches each cell. Rings of cells are searched outwards from the point's cell until the
    best distance is no larger than the distance to the searched square's border (nothing outside can be
    nearer) or that border lies beyond ``max_d``. Ties go to the lowest piece. Pieces farther than
    ``max_d`` may be missed: the piece is then -1."""
    x0, y0, c = grid[0], grid[1], grid[2]
    nx, ny = int(grid[3]), int(grid[4])
    n = px.shape[0]
    best_p = np.full(n, -1, dtype=np.int64)
    best_d = np.full(n, np.inf)
    best_u = np.zeros(n)
    reach = max_d / c
    for i in range(n):
        x, y = px[i], py[i]
        fx = np.floor((x - x0) / c)
        fy = np.floor((y - y0) / c)
        # A point farther than max_d outside the grid has no piece within max_d (NaN fails the test too);
        # the others start from the nearest cell of the grid, so a far point never walks rings of cells
        # that do not exist (its cell number would not even fit an integer).
        if not (-1.0 - reach <= fx <= nx + reach and -1.0 - reach <= fy <= ny + reach):
            continue
        cx = int(min(max(fx, 0.0), nx - 1.0))
        cy = int(min(max(fy, 0.0), ny - 1.0))
        bd = np.inf
        bp = -1
        bu = 0.0
        k = 0
        while True:
            for ix in range(cx - k, cx + k + 1):
                if ix < 0 or ix >= nx:
                    continue
                edge_col = ix == cx - k or ix == cx + k
                step = 1 if edge_col else 2 * k
                iy = cy - k
                while iy <= cy + k:
                    if 0 <= iy < ny:
                        cell = ix * ny + iy
                        for q in range(cell_ptr[cell], cell_ptr[cell + 1]):
                            p = cell_piece[q]
                            u = 0.0
                            if len2[p] > 0.0:
                                u = ((x - ax[p]) * dx[p] + (y - ay[p]) * dy[p]) / len2[p]
                                u = min(max(u, 0.0), 1.0)
                            d = np.hypot(ax[p] + u * dx[p] - x, ay[p] + u * dy[p] - y)
                            if d < bd or (d == bd and p < bp):
                                bd = d
                                bp = p
                                bu = u
                    if step == 0:
                        break
                    iy += step
            margin = min(
                x - (x0 + (cx - k) * c),
                x0 + (cx + k + 1) * c - x,
                y - (y0 + (cy - k) * c),
                y0 + (cy + k + 1) * c - y,
            )
            covers = cx - k <= 0 and cx + k >= nx - 1 and cy - k <= 0 and cy + k >= ny - 1
            if bd <= margin or margin > max_d or covers:
                break
            k += 1
        best_p[i] = bp
        best_d[i] = bd
        best_u[i] = bu
    return best_p, best_d, best_u


@njit(cache=True, nogil=True)
def bounded_reach(
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, sources: np.ndarray, limit: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every node within ``limit`` along the graph (CSR ``indptr``/``indices``/``weights``, every stored
    entry an edge, as in ``scipy.sparse.csgraph.dijkstra``) of each source, by Dijkstra with a binary heap:
    CSR ``ptr`` over ``sources`` and the reached nodes ``dst`` (nearest first) with their distances.

    Written by hand, and why: scipy's ``dijkstra(limit=...)`` returns a dense sources × nodes block, so a
    bounded search from thousands of sources costs sources × nodes memory and time however few nodes lie
    within reach; this search touches only the nodes it reaches and resets only those."""
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    touched = np.empty(n, dtype=np.int64)
    heap_d = np.empty(indices.shape[0] + 1)
    heap_v = np.empty(indices.shape[0] + 1, dtype=np.int64)
    ptr = np.zeros(sources.shape[0] + 1, dtype=np.int64)
    cap = max(16, 16 * sources.shape[0])
    out_v = np.empty(cap, dtype=np.int64)
    out_d = np.empty(cap)
    m = 0
    for k in range(sources.shape[0]):
        s = sources[k]
        n_touched = 1
        touched[0] = s
        dist[s] = 0.0
        heap_d[0] = 0.0
        heap_v[0] = s
        size = 1
        while size > 0:
            d = heap_d[0]
            x = heap_v[0]
            size -= 1
            if size > 0:  # move the last item to the root and sift it down
                ld, lv = heap_d[size], heap_v[size]
                i = 0
                while True:
                    c = 2 * i + 1
                    if c >= size:
                        break
                    if c + 1 < size and heap_d[c + 1] < heap_d[c]:
                        c += 1
                    if heap_d[c] >= ld:
                        break
                    heap_d[i], heap_v[i] = heap_d[c], heap_v[c]
                    i = c
                heap_d[i], heap_v[i] = ld, lv
            if d > dist[x]:  # a stale entry: x was settled nearer (no flag needed: weights are >= 0)
                continue
            if m == cap:
                cap *= 2
                grown_v = np.empty(cap, dtype=np.int64)
                grown_d = np.empty(cap)
                grown_v[:m] = out_v[:m]
                grown_d[:m] = out_d[:m]
                out_v, out_d = grown_v, grown_d
            out_v[m] = x
            out_d[m] = d
            m += 1
            for j in range(indptr[x], indptr[x + 1]):
                y = indices[j]
                nd = d + weights[j]
                if nd <= limit and nd < dist[y]:  # never true for a settled y
                    if dist[y] == np.inf:
                        touched[n_touched] = y
                        n_touched += 1
                    dist[y] = nd
                    i = size  # push and sift up
                    size += 1
                    while i > 0:
                        p = (i - 1) >> 1
                        if heap_d[p] <= nd:
                            break
                        heap_d[i], heap_v[i] = heap_d[p], heap_v[p]
                        i = p
                    heap_d[i], heap_v[i] = nd, y
        for i in range(n_touched):
            dist[touched[i]] = np.inf
        ptr[k + 1] = m
    return ptr, out_v[:m].copy(), out_d[:m].copy()
