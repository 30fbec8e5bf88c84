"""Benchmark: an incident workbook (.xlsx) read by ``read_incidents`` — the workbook check (every part
parsed, entities refused, the sheet's real extent measured) plus python-calamine — beside the peers a user
would pick: ``pandas.read_excel`` with openpyxl (the former reader) and with calamine (no check at all).

Each line runs in a fresh process; the figures are medians over the runs, interleaved so that machine load
hits all alike.

    .venv/bin/python bench/bench_excel.py            # 100,000 rows x 7 columns, 3 runs each
    .venv/bin/python bench/bench_excel.py --quick    # 20,000 rows, 1 run each
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

CHILD = r"""
import sys, time
from pathlib import Path
which, path = sys.argv[1], sys.argv[2]
import pandas as pd
if which in ("trygghet_geo", "check only"):
    import geopandas, pyproj, shapely
    from trygghet_geo import options
    from trygghet_geo.io import read_incidents
    from trygghet_geo.io._workbook import check_workbook
    options.progress = False
t0 = time.perf_counter()
if which == "trygghet_geo":
    read_incidents(path)
elif which == "check only":
    check_workbook(Path(path))
else:
    pd.read_excel(path, engine=which, dtype=object)
print(time.perf_counter() - t0)
"""


def _workbook(path: Path, n: int) -> None:
    rng = np.random.default_rng(0)
    pd.DataFrame({
        "Ärendenummer": [f"5000-K{i}-25" for i in range(n)],
        "Brottstyp": rng.choice(["Stöld", "Skadegörelse", "Narkotikabrott", "Misshandel"], n),
        "Datum": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n), unit="min"),
        "Plats": [f"Storgatan {i % 90}" for i in range(n)],
        "Latitud": 59.3 + rng.random(n) / 10,
        "Longitud": 18.0 + rng.random(n) / 10,
        "Anteckning": rng.choice(["", "vittne finns", "kamera"], n),
    }).to_excel(path, index=False)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n, runs = (20_000, 1) if args.quick else (100_000, 3)
    readers = ("trygghet_geo", "check only", "calamine", "openpyxl")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "brott.xlsx"
        _workbook(path, n)
        times: dict[str, list[float]] = {r: [] for r in readers}
        for _ in range(runs):
            for which in readers:
                out = subprocess.run([sys.executable, "-c", CHILD, which, str(path)], capture_output=True,
                                     text=True, check=True)  # fmt: skip
                times[which].append(float(out.stdout.strip().splitlines()[-1]))
    med = {r: statistics.median(v) for r, v in times.items()}
    print(f"{n:,} rows x 7 columns, {path.name}, median of {runs}")
    for which in readers:
        print(f"  {which:<14} {med[which]:6.2f} s  ({med[which] / med['openpyxl']:.2f}x pandas+openpyxl)")


if __name__ == "__main__":
    main()
