"""Benchmark: the Monte Carlo significance (hotspot_significance) and ranking on the bundled sample.

Goal (issue 6): 99 simulations on the sample (~3,000 incidents on the streets, ~6,400 walking edges) in
under 60 s. Each simulation relocates the events uniformly per metre of street, reclusters them along the
network and scores every cluster; the peers measured in the same run are

- one network clustering of the observed events (the floor: a simulation cannot cost less), and
- the same number of Euclidean scikit-learn DBSCAN runs on the relocated points (what one would use if
  straight-line distance were acceptable; it needs the points' coordinates, which are computed here too).

Run:  .venv/bin/python bench/bench_rank.py [--quick] [--eps-m 50] [--min-samples 5]
The machine is shared: figures are noisy; the median of ``--repeat`` runs is printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import numpy as np


def _timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="19 simulations, one repeat")
    parser.add_argument("--eps-m", type=float, default=50.0)
    parser.add_argument("--min-samples", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n_sim = 19 if args.quick else 99
    repeat = 1 if args.quick else args.repeat

    import shapely
    from sklearn.cluster import DBSCAN

    from trygghet_geo import options, sample
    from trygghet_geo.analysis import analyze
    from trygghet_geo.hotspots._dbscan import dbscan_on_network
    from trygghet_geo.hotspots._significance import _simulate, hotspot_significance
    from trygghet_geo.network.snap import random_positions
    from trygghet_geo.rank import rank_places

    options.progress = False
    t = time.perf_counter()
    net = sample.load_network()
    result = analyze(sample.load_incidents(), sample.load_observations(), network=net,
                     gazetteer=sample.load_gazetteer(), eps_m=args.eps_m, min_samples=args.min_samples,
                     n_simulations=0)  # fmt: skip
    prep = time.perf_counter() - t
    inc = result.incidents
    on = inc[inc["edge_id"] >= 0]
    eid, off = on["edge_id"].to_numpy(), on["edge_offset_m"].to_numpy()
    n = len(on)
    print(f"sample: {n} incidents on the streets, {len(net.edges)} edges, eps {args.eps_m} m, "
          f"min_samples {args.min_samples}; preparing the sample took {prep:.1f} s")  # fmt: skip

    one, _ = _timed(lambda: dbscan_on_network(eid, off, net, eps_m=args.eps_m, min_samples=args.min_samples),
                    repeat)  # fmt: skip
    mc, _ = _timed(lambda: _simulate(n, net, args.eps_m, args.min_samples, False, n_sim, 0, None), repeat)
    geoms = net.edges.geometry.to_numpy()

    def euclidean() -> None:
        rng = np.random.default_rng(0)
        for _ in range(n_sim):
            e, o = random_positions(net, n, random_state=rng)
            xy = shapely.get_coordinates(shapely.line_interpolate_point(geoms[e], o))
            DBSCAN(eps=args.eps_m, min_samples=args.min_samples).fit(xy)

    euc, _ = _timed(euclidean, repeat)

    def significance_and_rank() -> Any:
        hs = hotspot_significance(result.hotspots, inc, net, eps_m=args.eps_m, min_samples=args.min_samples,
                                  n_simulations=n_sim)  # fmt: skip
        return rank_places(hs, inc, result.observations, network=net, gazetteer=sample.load_gazetteer())

    full, places = _timed(significance_and_rank, repeat)

    print(f"{'what':58s} {'seconds':>9s} {'ratio':>8s}")
    print(f"{'one network clustering of the observed events (floor)':58s} {one:9.3f} {1.0:8.1f}")
    print(f"{f'{n_sim} simulations: relocate + network DBSCAN + scan statistic':58s} {mc:9.2f} "
          f"{mc / one:8.1f}")  # fmt: skip
    print(f"{'  per simulation':58s} {mc / n_sim:9.3f} {mc / n_sim / one:8.2f}")
    print(f"{f'{n_sim} x relocate + Euclidean sklearn DBSCAN (peer)':58s} {euc:9.2f} {euc / one:8.1f}")
    print(f"{f'significance + rank_places with {n_sim} simulations':58s} {full:9.2f} {full / one:8.1f}")
    print(f"network Monte Carlo / Euclidean peer: {mc / euc:.2f}x")
    if not args.quick:
        verdict = "meets" if full < 60 else "MISSES"
        print(f"goal: 99 simulations under 60 s -> {full:.1f} s ({verdict} the goal)")
    print(f"{len(places)} places, {int(places['significant'].sum())} significant; top 5:")
    for r in places.head(5).itertuples():
        print(f"  {r.rank}. {r.name} (p {r.p_value:.2f}, q {r.q_value:.3f}): {r.reason}")


if __name__ == "__main__":
    main()
