"""``trygghet-geo trend``: emerging hotspots and near repeats of an incident file, as tables.

Kept beside :mod:`trygghet_geo.cli` (which registers it), like ``density``; heavy modules are imported in
:func:`_run_trend` only.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from trygghet_geo._cli_options import add_basemap_options, basemap_argument

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import geopandas as gpd

    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = ["add_trend"]


def add_trend(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> Callable[[argparse.Namespace], int]:
    """Add the subcommand; the loaders are the command line's own (passed in)."""
    p = sub.add_parser(
        "trend",
        help="development over time: emerging hotspots per street segment and near repeats",
        description="Read → geocode (with --gazetteer) → emerging hotspots on street segments of about "
        "--segment-m metres (utveckling.gpkg: pattern, label, trend and counts per time step) and the "
        "near-repeat Knox table along the streets (narupprepning.csv) and a map with the layer "
        "'Utveckling' and a time filter (utveckling.html, shared privacy mode, self-contained). In the "
        "shared mode (default) the table obeys the k rule too: see --privacy.",
    )
    p.add_argument("incidents", help="incident file (.csv, .xlsx, .geojson, .gpkg, .shp, Polisen .json)")
    p.add_argument("--network", required=True, help="street network (as for 'trygghet-geo analyze')")
    p.add_argument("--gazetteer", help="gazetteer or OSM extract, to place rows that have only place text")
    p.add_argument("--time-step", choices=("day", "week", "month", "quarter", "year"), default="month")
    p.add_argument("--segment-m", type=float, default=100.0, help="length of the segments, metres (100)")
    p.add_argument(
        "--neighbourhood-m", type=float, help="Gi* neighbourhood along the streets (from the data)"
    )
    p.add_argument(
        "--global-window",
        choices=("robust", "entire_cube"),
        default="robust",
        help="Gi* null moments: the bins not significant (robust, default) or ArcGIS's entire cube",
    )
    p.add_argument("--simulations", type=int, default=99, help="near-repeat permutations (99)")
    p.add_argument("--lang", choices=("sv", "en"), default="sv")
    p.add_argument(
        "--privacy", choices=("shared", "internal"), default="shared",
        help="exposure of the map and the table: shared (default) leaves all that a segment's incidents "
        "make empty (counts, trend, pattern) where fewer than k lie, and the counts per time step empty "
        "where they are fewer than k or follow from the total; internal keeps every value",
    )  # fmt: skip
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    add_basemap_options(p)
    return lambda args: _run_trend(args, load_network, load_gazetteer)


def _run_trend(
    args: argparse.Namespace,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> int:
    from pathlib import Path

    from trygghet_geo import schema
    from trygghet_geo._kgate import shared_segments
    from trygghet_geo.analysis import _geocode, _read
    from trygghet_geo.hotspots import emerging_hotspots, near_repeat
    from trygghet_geo.io._write import write_table

    basemap = basemap_argument(args)  # --pbf / --no-basemap, as analyze reads them
    inc = _read(args.incidents, "incidents")  # the file first: a street network may take minutes
    network = load_network(args.network)
    inc = _geocode(inc, load_gazetteer(args.gazetteer, network))
    inc = inc.to_crs(network.crs)
    usable = (inc[schema.STATUS] == "ok").to_numpy() & inc[schema.PRECISION].isin(
        list(schema.STREET_PRECISION)
    ).to_numpy()
    usable &= ~(inc.geometry.is_empty | inc.geometry.isna()).to_numpy()
    segments = emerging_hotspots(
        inc[usable], network, time_step=args.time_step, segment_m=args.segment_m,
        neighbourhood_m=args.neighbourhood_m, global_window=args.global_window, lang=args.lang,
    )  # fmt: skip
    table = near_repeat(inc[usable], network, n_simulations=args.simulations, lang=args.lang)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    gpkg = out / "utveckling.gpkg"
    attrs = dict(segments.attrs)
    # the shared table obeys the k rule as the shared map does (``_kgate.shared_segments``)
    written = shared_segments(segments) if args.privacy == "shared" else segments.copy()
    written.attrs = {}
    write_table(written, gpkg)  # the one writer: text cleaned, whole or not at all, layer "utveckling"
    csv = write_table(table, out / "narupprepning.csv")  # the one dialect (";", decimal comma)
    sv = args.lang == "sv"
    counts = segments.loc[segments["pattern"] != "no_pattern", "label"].value_counts()
    print(
        f"{'Händelser med' if sv else 'Incidents used'}: {attrs['n_events']} "
        f"({'utelämnade' if sv else 'left out'}: {attrs['n_left_out'] + int((~usable).sum())}), "
        f"{len(attrs['steps'])} {'tidssteg' if sv else 'time steps'}, "
        f"{'grannskap' if sv else 'neighbourhood'} {attrs['neighbourhood_m']:g} m"
    )
    for label, n in counts.items():
        print(f"  {label}: {n}")
    print(table.attrs["interpretation"])
    print(f"{'Tabell' if sv else 'Table'}: {gpkg} ({len(segments)} {'gatubitar' if sv else 'segments'})")
    print(f"{'Närliggande upprepningar' if sv else 'Near repeats'}: {csv}")
    html = _trend_map(inc[usable], network, segments, out / "utveckling.html", args, basemap)
    print(f"{'Karta' if sv else 'Map'}: {html}")
    return 0


def _trend_map(
    incidents: gpd.GeoDataFrame,
    network: StreetNetwork,
    segments: gpd.GeoDataFrame,
    path: Path,
    args: argparse.Namespace,
    basemap: bool | Path,
) -> Path:
    """The map of the incidents with the segments' patterns (layer "Utveckling") and the time filter, over
    the basemap ``basemap`` asks for (``analyze``'s argument)."""
    import geopandas as gpd

    from trygghet_geo import schema
    from trygghet_geo.analysis import Analysis
    from trygghet_geo.network._basemap import resolve_basemap
    from trygghet_geo.output.maps import save_html

    when = incidents[schema.OCCURRED_AT].dropna()
    none = gpd.GeoDataFrame({schema.HOTSPOT_ID: []}, geometry=[], crs=network.crs)
    meta = {
        "title": "Utveckling över tid" if args.lang == "sv" else "Development over time",
        "period": (when.min(), when.max()) if len(when) else None,
        "synthetic": bool(incidents.attrs.get("synthetic", False)),
    }
    analysis = Analysis(
        incidents, None, none, none, network, meta=meta, basemap=resolve_basemap(basemap, network)
    )
    return save_html(analysis, path, privacy=args.privacy, lang=args.lang, trend=segments, heatmap=False)
