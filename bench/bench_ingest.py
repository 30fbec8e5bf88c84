"""Benchmark: read incident rows from CSV with ``read_incidents`` beside bare ``pandas.read_csv``.

The file is a police-style export (``;`` delimiter, decimal comma, UTF-8, Swedish headers
Ärendenummer;Brottstyp;Datum;Tid;Plats;Latitud;Longitud), with a realistic sprinkle of awkward rows: hours
without a leading zero, empty coordinates with place text, unknown types, repeated ids. Each reader runs in a
fresh process so that its peak memory (max RSS above the process's RSS after imports) is its own.

Two more lines: "+ points" is the bare GeoDataFrame a notebook would make of the same file (``read_csv`` with
decimal comma, then ``points_from_xy``; no dates, categories, duplicates or checks), and "+ points, lean"
the point geometry made exactly as ``read_incidents`` makes it (located rows only, the garbage collector
paused) and nothing else: the least that the point geometry alone adds to the read. Runs are interleaved so
that machine load hits all alike.

    .venv/bin/python bench/bench_ingest.py            # 1,000,000 rows, 5 runs each, medians
    .venv/bin/python bench/bench_ingest.py --quick    # 100,000 rows, 1 run each
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

CHILD = r"""
import json, resource, sys, time, warnings
import psutil
import pandas as pd
which, path = sys.argv[1], sys.argv[2]
if which != "pandas":
    # Library imports are start-up cost, not reading cost: done before the clock starts.
    import geopandas, pyproj, shapely
    from trygghet_geo import options
    from trygghet_geo.io import read_incidents
    options.progress = False
base = psutil.Process().memory_info().rss
t0 = time.perf_counter()
if which == "pandas":
    df = pd.read_csv(path, sep=";")
elif which == "points":
    # The bare GeoDataFrame a notebook makes: read with decimal comma, a point per row, nothing checked.
    df = pd.read_csv(path, sep=";", decimal=",")
    df = geopandas.GeoDataFrame(
        df, geometry=geopandas.points_from_xy(df["Longitud"], df["Latitud"]), crs="EPSG:4326"
    )
elif which == "floor":
    # The geometry exactly as read_incidents makes it (rows with both coordinates only, one (k, 2) array,
    # the collector paused, from_shapely), after a read that parses the two coordinate columns itself.
    import gc

    import numpy as np
    from geopandas.array import from_shapely

    df = pd.read_csv(path, sep=";", decimal=",")
    lon, lat = df["Longitud"].to_numpy(), df["Latitud"].to_numpy()
    ok = np.isfinite(lon) & np.isfinite(lat)
    geoms = np.full(len(df), None, dtype=object)
    gc.disable()
    geoms[ok] = shapely.points(np.column_stack((lon[ok], lat[ok])))
    gc.enable()
    df = geopandas.GeoDataFrame(df, geometry=geopandas.GeoSeries(from_shapely(geoms, crs="EPSG:4326")))
else:
    df = read_incidents(path)
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
extra = {}
if which == "trygghet_geo":
    extra = df.attrs["report"].status_counts
print(json.dumps({"rows": len(df), "seconds": elapsed, "peak_mb": (peak - base) / 2**20, "extra": extra}))
"""

TYPES = np.array(
    [
        "Stöld",
        "Stöld/inbrott",
        "Narkotikabrott",
        "Rattfylleri",
        "Trafikbrott",
        "Skadegörelse",
        "Misshandel",
        "Rån",
        "Ofredande",
        "Bråk",
        "Okänd typ",
    ]
)
STREETS = np.array(
    [
        "Kungsgatan",
        "Drottninggatan",
        "Storgatan",
        "Järnvägsgatan",
        "Torggatan",
        "Skolgatan",
        "Östra Ågatan",
        "Västra Hamngatan",
        "Stationsvägen",
        "Parkvägen",
    ]
)


def make_file(path: Path, n: int, seed: int = 0) -> None:
    """Write ``n`` incident rows; vectorised so that making the file does not dominate the run."""
    rng = np.random.default_rng(seed)
    # Unique case numbers except ~1% republished (the same id again, a later version).
    ids = pd.Series(
        np.where(rng.random(n) < 0.01, rng.integers(0, n, n), np.arange(n)).astype(str), dtype="str"
    )
    ids = "5000-K" + ids
    minutes = rng.integers(0, 3 * 365 * 24 * 60, n)
    t = pd.Timestamp("2021-01-01") + pd.to_timedelta(minutes, unit="min")
    date = pd.Series(t.strftime("%Y-%m-%d"))
    hour = pd.Series(t.hour.astype(str))
    clock = hour.where(rng.random(n) < 0.3, hour.str.zfill(2)) + ":" + pd.Series(t.strftime("%M"))
    place = (
        pd.Series(STREETS[rng.integers(0, len(STREETS), n)])
        + " "
        + pd.Series(rng.integers(1, 80, n).astype(str))
    )
    lat = 59.30 + rng.random(n) * 0.1
    lon = 18.00 + rng.random(n) * 0.15
    lat_s = pd.Series(np.char.replace(np.round(lat, 6).astype(str), ".", ","))
    lon_s = pd.Series(np.char.replace(np.round(lon, 6).astype(str), ".", ","))
    missing = rng.random(n) < 0.05
    lat_s[missing] = ""
    lon_s[missing] = ""
    frame = pd.DataFrame(
        {
            "Ärendenummer": ids,
            "Brottstyp": TYPES[rng.integers(0, len(TYPES), n)],
            "Datum": date,
            "Tid": clock,
            "Plats": place,
            "Latitud": lat_s,
            "Longitud": lon_s,
        }
    )
    frame.to_csv(path, sep=";", index=False, encoding="utf-8")


def run(which: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, which, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows, one run each")
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=None, help="runs per reader (default 5; --quick: 1)")
    args = parser.parse_args()
    n = args.rows or (100_000 if args.quick else 1_000_000)
    repeat = args.repeat or (1 if args.quick else 5)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "incidents.csv"
        make_file(path, n)
        size_mb = path.stat().st_size / 2**20
        print(
            f"file: {n:,} rows, {size_mb:.1f} MB ({path.name}); {repeat} run(s) each, fresh process per run"
        )
        results: dict[str, list[dict]] = {"pandas": [], "points": [], "floor": [], "trygghet_geo": []}
        for _ in range(repeat):  # interleaved, so that machine load hits both alike
            for which in results:
                results[which].append(run(which, path))
    med = {
        k: {m: statistics.median(r[m] for r in v) for m in ("seconds", "peak_mb")} for k, v in results.items()
    }
    label = {
        "pandas": "pandas",
        "points": "+ points",
        "floor": "+ points, lean",
        "trygghet_geo": "trygghet_geo",
    }
    for which, m in med.items():
        print(
            f"{label[which]:>16}: {m['seconds']:6.2f} s  {n / m['seconds']:>12,.0f} rows/s  "
            f"peak +{m['peak_mb']:7.0f} MB  ({m['seconds'] / med['pandas']['seconds']:.2f}× pandas)"
        )
    ratio_t = med["trygghet_geo"]["seconds"] / med["pandas"]["seconds"]
    ratio_m = med["trygghet_geo"]["peak_mb"] / max(med["pandas"]["peak_mb"], 1e-9)
    print(
        f"read_incidents / pandas.read_csv: time {ratio_t:.2f}×, peak memory {ratio_m:.2f}× (goal: time ≤ 3×)"
    )
    print(
        "+ points: read_csv(decimal=',') and a GeoDataFrame of points_from_xy, nothing checked (the notebook "
        "recipe); lean: the point geometry made exactly as read_incidents makes it, nothing else, the least "
        "that a reader returning point geometry pays"
    )
    print(f"statuses: {results['trygghet_geo'][-1]['extra']}")
    # The machine is shared: a load above its core count means the figures above are noisy.
    load_after = os.getloadavg()
    print(
        f"load average (1/5/15 min) before {'/'.join(f'{v:.2f}' for v in load_before)}, after "
        f"{'/'.join(f'{v:.2f}' for v in load_after)}; {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
