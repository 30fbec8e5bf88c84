"""Count the export fuzz: hostile strings tried by class, where they showed, and failures by class.

Run from the repository root: ``python tests/hostile/export_counts.py [--seeds 0 1]`` (the CLI town of each
seed in both configurations, and the table writer on three seeds of 96 strings each). Prints the counts and
the first failure of each class; exits 1 when any failure is found.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_corpus as ec
import export_readback as rb


def _table_writer(folder: Path, seed: int) -> tuple[list[ec.Hostile], list[rb.Failure]]:
    import geopandas as gpd
    import pandas as pd
    import shapely

    from trygghet_geo.io._write import write_table

    strings = ec.hostile_strings(96, seed=seed)
    columns = {s.text[:200]: pd.Series([h.text for h in strings[i::12]], dtype=object)
               for i, s in enumerate(strings[:12])}  # fmt: skip
    for name in list(columns)[1::4]:
        columns[name] = columns[name].map(ec.typable).astype("category")
    frame = gpd.GeoDataFrame(columns, geometry=[shapely.Point(674_000 + i, 6_580_000) for i in range(8)],
                             crs="EPSG:3006")  # fmt: skip
    typed = {h.marker: h.text for h in strings}
    fails: list[rb.Failure] = []
    for suffix in (".csv", ".xlsx", ".gpkg", ".geojson", ".parquet"):
        try:
            path = write_table(frame, folder / f"t{seed}{suffix}")
        except Exception as exc:
            fails.append(("traceback", f"write_table {suffix}", f"{type(exc).__name__}: {exc}"[:200]))
            continue
        fails += rb.check_file(path, f"write_table{suffix}", typed)
    return strings, fails


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    tried: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    fails: list[rb.Failure] = []
    n_files = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            folder = Path(tmp) / f"town{seed}"
            town = ec.write_export_town(folder / "in", seed=seed)
            codes = rb.run_cli(town, folder)
            fails += rb.run_failures(codes)
            typed = {h.marker: ec.typable(h.text) for h in town.strings()}
            files, found = rb.check_tree(folder, typed)
            fails += found
            n_files += len(files)
            seen: set[str] = set()
            for p in files:
                if p.suffix in (".html", ".csv", ".json"):
                    seen |= set(
                        re.findall(r"Zq[a-z]{4}", p.read_text(encoding="utf-8-sig", errors="replace"))
                    )
            tried.update(h.cls for h in town.strings())
            shown.update(h.cls for h in town.strings() if h.marker in seen)
        for seed in (11, 12, 13):
            strings, found = _table_writer(Path(tmp), seed)
            tried.update(h.cls for h in strings)
            shown.update(h.cls for h in strings)
            fails += found
            n_files += 5
    print(f"files read back: {n_files}")
    print("strings tried by class (shown in some export):")
    for cls in ec.CLASSES:
        print(f"  {cls:10s} {tried[cls]:4d} ({shown[cls]})")
    print(f"  {'all':10s} {sum(tried.values()):4d} ({sum(shown.values())})")
    by_class = Counter(c for c, _, _ in fails)
    print("failures by class:", dict(by_class) or "none")
    first: dict[str, rb.Failure] = {}
    for f in fails:
        first.setdefault(f[0], f)
    for cls, (_, where, detail) in first.items():
        print(f"  {cls}: {where}: {detail[:240]}")
    return 1 if fails else 0


if __name__ == "__main__":
    raise SystemExit(main())
