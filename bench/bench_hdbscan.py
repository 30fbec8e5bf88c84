"""Benchmark: NetworkHDBSCAN (HDBSCAN along the streets) — speed against peers, and planted hotspots.

Part 1, speed (each method in its own subprocess, so peak memory is its own; snapping included):

- ``hdbscan``       trygghet_geo NetworkHDBSCAN(min_cluster_size=5).fit on the sample's streets,
- ``dbscan``        trygghet_geo NetworkDBSCAN(eps_m=100, min_samples=5).fit on the same points,
- ``sk_euclid``     scikit-learn HDBSCAN(min_cluster_size=5) on the coordinates (crow-flies distance),
- ``sk_dense``      scikit-learn HDBSCAN(metric="precomputed") on the dense matrix of network distances
                    (built with trygghet_geo.hotspots.network_distance_graph, rounded to 1e-10 m; the
                    build is timed too). Its labels are the reference: the column "same as sk_dense" says
                    whether ours equal them (the same partition, noise included).

Peers are skipped where they would take too long (scikit-learn's HDBSCAN on coordinates runs a Prim
search over all pairs: O(N²) time; the dense matrix needs N² memory).

Part 2, planted hotspots (``--planted``): noise spread uniformly per metre of the sample's streets at four
densities plus three planted hotspots (events within ~20 m of a street point, snapped), several seeds. For
each method: the share of planted hotspots recovered (one cluster holds ≥ half of the hotspot's events and
they are ≥ half of that cluster), recovered *and* among the three clusters with the highest Kulldorff
likelihood ratio (the statistic the significance test uses), and the biggest cluster's share of the
clustered events. The significance test itself (99 reclusterings per scenario) is not run here.

Run:  .venv/bin/python bench/bench_hdbscan.py              (speed: 10k and 100k points)
      .venv/bin/python bench/bench_hdbscan.py --planted    (planted scenarios, ~2 minutes)

Timings on a shared 2-core machine are noisy; each figure is a single run.
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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_cluster import make_points  # the same synthetic incidents as bench_cluster

MIN_CLUSTER_SIZE = 5
TIMEOUT_S = 600


def load_network():
    from trygghet_geo import sample

    return sample.load_network()


# --- part 1: speed --------------------------------------------------------------------------------------
def run_hdbscan(network, xy):
    from trygghet_geo import NetworkHDBSCAN

    est = NetworkHDBSCAN(MIN_CLUSTER_SIZE, network=network, max_snap_m=1e9)
    t0 = time.perf_counter()
    labels = est.fit(xy).labels_
    return time.perf_counter() - t0, labels


def run_dbscan(network, xy):
    from trygghet_geo import NetworkDBSCAN

    est = NetworkDBSCAN(eps_m=100.0, min_samples=MIN_CLUSTER_SIZE, network=network, max_snap_m=1e9)
    t0 = time.perf_counter()
    labels = est.fit(xy).labels_
    return time.perf_counter() - t0, labels


def run_sk_euclid(network, xy):
    from sklearn.cluster import HDBSCAN

    t0 = time.perf_counter()
    labels = HDBSCAN(min_cluster_size=MIN_CLUSTER_SIZE, copy=True).fit(xy).labels_
    return time.perf_counter() - t0, labels


def run_sk_dense(network, xy):
    import warnings

    from sklearn.cluster import HDBSCAN

    from trygghet_geo.hotspots import network_distance_graph
    from trygghet_geo.network import snap_points

    t0 = time.perf_counter()
    snap = snap_points(xy, network, max_snap_m=1e9)
    graph = network_distance_graph(
        snap["edge_id"].to_numpy(), snap["edge_offset_m"].to_numpy(), network, max_distance_m=1e7
    )
    coo = graph.tocoo()
    dense = np.full(graph.shape, np.inf)  # pairs not stored: different pieces of the network
    dense[coo.row, coo.col] = coo.data
    # To 1e-10 m, as NetworkHDBSCAN compares distances: equal paths summed in another order differ in the
    # last bits, and HDBSCAN would break their ties by that noise.
    dense = np.round(dense, 10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # infinite distances between pieces
        labels = (
            HDBSCAN(min_cluster_size=MIN_CLUSTER_SIZE, metric="precomputed", copy=False).fit(dense).labels_
        )
    return time.perf_counter() - t0, labels


METHODS = {"hdbscan": run_hdbscan, "dbscan": run_dbscan, "sk_euclid": run_sk_euclid, "sk_dense": run_sk_dense}


def skip_reason(method: str, n: int) -> str | None:
    if method == "sk_euclid" and n > 20_000:
        return "Prim search over all pairs, O(N²): over 10 minutes"
    if method == "sk_dense" and n > 6_000:
        return f"dense N×N matrix: {n * n * 8 * 3 / 2**30:,.0f} GiB"
    return None


def child(method: str, n: int, out: str) -> None:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    from trygghet_geo import options

    options.progress = False
    network = load_network()
    xy = make_points(network, n, seed=1)
    cpu0 = time.process_time()
    seconds, labels = METHODS[method](network, xy)
    cpu = time.process_time() - cpu0  # CPU time: what an idle core would take (one thread)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    np.save(out + ".npy", np.asarray(labels))
    Path(out).write_text(json.dumps({"seconds": seconds, "cpu_s": cpu, "peak_mib": peak}))


def run_one(method: str, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "result.json")
        cmd = [sys.executable, __file__, "--child", method, str(n), out]
        try:
            proc = subprocess.run(cmd, timeout=TIMEOUT_S, capture_output=True, text=True, check=False)
        except subprocess.TimeoutExpired:
            return {"error": f"over {TIMEOUT_S} s"}
        if not Path(out).exists():
            tail = (proc.stderr or "").strip().splitlines()[-1:] or ["no output"]
            return {"error": f"failed (exit {proc.returncode}): {tail[0][:120]}"}
        result = json.loads(Path(out).read_text())
        result["labels"] = np.load(out + ".npy")
        return result


def speed(sizes: list[int]) -> None:
    from sklearn.metrics import adjusted_rand_score

    print(
        f"min_cluster_size = {MIN_CLUSTER_SIZE} (DBSCAN: eps 100 m, min_samples 5); "
        "single runs on a shared machine"
    )
    print(
        f"{'N':>8}  {'method':<10}{'seconds':>9}{'CPU s':>8}{'peak MiB':>10}{'× hdbscan':>11}"
        f"  {'clusters':>8}  note"
    )
    for n in sizes:
        results = {}
        for method in METHODS:
            reason = skip_reason(method, n)
            results[method] = {"error": f"skipped: {reason}"} if reason else run_one(method, n)
        ours = results["hdbscan"]
        for method, r in results.items():
            if "error" in r:
                print(f"{n:>8,}  {method:<10}  {r['error']}")
                continue
            ratio = f"{r['seconds'] / ours['seconds']:.2f}" if "error" not in ours else ""
            note = ""
            if method == "sk_dense" and "error" not in ours:
                same = adjusted_rand_score(ours["labels"], r["labels"]) == 1.0 and np.array_equal(
                    ours["labels"] < 0, r["labels"] < 0
                )
                note = f"same as sk_dense: {same}"
            print(
                f"{n:>8,}  {method:<10}{r['seconds']:>9.2f}{r['cpu_s']:>8.2f}{r['peak_mib']:>10.0f}"
                f"{ratio:>11}"
                f"  {int(r['labels'].max()) + 1:>8}  {note}",
                flush=True,
            )
    print(
        "seconds: wall clock (snapping included); CPU s: the process's CPU time, what an idle core would "
        "take; × hdbscan: the method's seconds divided by NetworkHDBSCAN's in the same run."
    )


# --- part 2: planted hotspots -----------------------------------------------------------------------------
DENSITIES = [
    (3.6, 12),
    (18.0, 20),
    (36.0, 30),
    (180.0, 60),
]  # noise events per km of street, planted per hotspot


def scenario(network, per_km: float, per_hot: int, seed: int):
    import shapely

    from trygghet_geo.network import snap_points
    from trygghet_geo.network.snap import random_positions

    rng = np.random.default_rng(seed)
    km = float(network.edges["length_m"].sum()) / 1000.0
    e_noise, t_noise = random_positions(network, int(per_km * km), random_state=rng)
    lines = network.edges.geometry.to_numpy()
    ce, ct = random_positions(network, 3, random_state=rng)
    centres = shapely.get_coordinates(shapely.line_interpolate_point(lines[ce], ct))
    xy = np.repeat(centres, per_hot, axis=0) + rng.normal(0, 20, (3 * per_hot, 2))
    snap = snap_points(xy, network, max_snap_m=1e9)
    e = np.r_[snap["edge_id"].to_numpy(), e_noise]
    t = np.r_[snap["edge_offset_m"].to_numpy(), t_noise]
    truth = np.r_[np.repeat([0, 1, 2], per_hot), np.full(len(e_noise), -1)]
    return e, t, truth


def score(labels: np.ndarray, truth: np.ndarray, e, t, network) -> tuple[int, int, float]:
    """(planted recovered, recovered and among the top three by likelihood ratio, biggest cluster share)."""
    from trygghet_geo.hotspots._significance import core_zone_llr

    found = top3 = 0
    llr = (  # every member counts: the street within 25 m of the cluster's events
        core_zone_llr(labels, labels >= 0, e, t, network, half_width_m=25.0)
        if labels.max() >= 0
        else np.zeros(0)
    )
    top = set(np.argsort(-llr)[:3].tolist())
    for h in range(3):
        lab = labels[truth == h]
        lab = lab[lab >= 0]
        if len(lab) == 0:
            continue
        best = int(np.bincount(lab).argmax())
        recall = float(np.mean(labels[truth == h] == best))
        precision = float(np.mean(truth[labels == best] == h))
        if recall >= 0.5 and precision >= 0.5:
            found += 1
            top3 += best in top
    clustered = labels[labels >= 0]
    share = float(np.bincount(clustered).max() / len(clustered)) if len(clustered) else 0.0
    return found, top3, share


def planted(seeds: int) -> None:
    from trygghet_geo.hotspots import dbscan_on_network, hdbscan_on_network

    network = load_network()
    methods = {
        "dbscan 100 m / 5": lambda e, t: dbscan_on_network(e, t, network, eps_m=100.0, min_samples=5)[0],
        "dbscan 50 m / 15": lambda e, t: dbscan_on_network(e, t, network, eps_m=50.0, min_samples=15)[0],
        "hdbscan 5": lambda e, t: hdbscan_on_network(e, t, network, min_cluster_size=5)[0],
        "hdbscan 10": lambda e, t: hdbscan_on_network(e, t, network, min_cluster_size=10)[0],
    }
    print(f"{seeds} seeds per density; 3 planted hotspots each; recovered = one cluster holds ≥ half of the")
    print("hotspot and is ≥ half hotspot events; top 3 = recovered and among the 3 highest likelihood ratios")
    print(
        f"{'noise/km':>8} {'planted':>7}  {'method':<18}{'recovered':>10}{'top 3':>8}"
        f"{'biggest share':>15}{'s':>7}"
    )
    for per_km, per_hot in DENSITIES:
        cases = [scenario(network, per_km, per_hot, seed) for seed in range(seeds)]
        for name, fn in methods.items():
            found = top3 = 0
            shares = []
            t0 = time.perf_counter()
            for e, t, truth in cases:
                f, t3, sh = score(np.asarray(fn(e, t)), truth, e, t, network)
                found, top3 = found + f, top3 + t3
                shares.append(sh)
            secs = (time.perf_counter() - t0) / seeds
            total = 3 * seeds
            print(
                f"{per_km:>8g} {per_hot:>7}  {name:<18}{found:>6}/{total:<3}{top3:>5}/{total:<3}"
                f"{min(shares):>8.0%}–{max(shares):<5.0%}{secs:>7.2f}",
                flush=True,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--planted", action="store_true", help="planted-hotspot scenarios instead of speed")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--sizes", default="5000,10000,100000", help="speed: numbers of points")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        method, n, out = args.child
        child(method, int(n), out)
        return 0
    if args.planted:
        planted(args.seeds)
    else:
        speed([int(x) for x in args.sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
