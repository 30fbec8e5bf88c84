"""``trygghet-geo density``: network kernel density of an incident file, as a lixel table and a map.

Kept beside :mod:`trygghet_geo.cli` (which registers it) so the subcommand's arguments and work stay in one
place; heavy modules are imported in :func:`_run_density` only.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from trygghet_geo._cli_options import add_basemap_options, basemap_argument
from trygghet_geo._nkde import DEFAULT_MIN_SHARE
from trygghet_geo._nkde_consolidate import DEFAULT_CONSOLIDATE_M

if TYPE_CHECKING:
    from collections.abc import Callable

    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = ["add_density"]


def add_density(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> Callable[[argparse.Namespace], int]:
    """Add the subcommand; the network and gazetteer loaders are the command line's own (passed in, so this
    module does not import :mod:`trygghet_geo.cli`)."""
    p = sub.add_parser(
        "density",
        help="density along the streets (network kernel density): a table of street pieces and a map",
        description="Read → geocode (with --gazetteer) → network kernel density on pieces of street of about "
        "--lixel-m metres. Writes the pieces with their density in events per km of street per year "
        "(tathet.gpkg, or tathet.parquet with --format parquet) and the map with the layer 'Täthet längs "
        "gatorna' shown (tathetskarta.html, shared privacy mode unless --privacy internal).",
    )
    p.add_argument("incidents", help="incident file (.csv, .xlsx, .geojson, .gpkg, .shp, Polisen .json)")
    p.add_argument("--network", required=True, help="street network (as for 'trygghet-geo analyze')")
    p.add_argument("--gazetteer", help="gazetteer or OSM extract, to place rows that have only place text")
    p.add_argument(
        "--bandwidth-m", type=float, help="bandwidth along the streets, metres (default: cross-validation)"
    )
    p.add_argument("--lixel-m", type=float, default=20.0, help="length of the street pieces, metres (20)")
    p.add_argument(
        "--method", choices=("discontinuous", "continuous", "simple"), default="discontinuous",
        help="Okabe's equal-split discontinuous kernel (default), the continuous one, or shortest paths",
    )  # fmt: skip
    p.add_argument(
        "--kernel",
        choices=("quartic", "epanechnikov", "triangular", "uniform", "gaussian"),
        default="quartic",
    )
    p.add_argument(
        "--max-depth", type=int, default=6, help="junctions a kernel passes at most (6); 0: no limit"
    )
    p.add_argument(
        "--min-share", type=float, default=DEFAULT_MIN_SHARE,
        help="a kernel's walk stops below this share of its event (1/729, six crossings); 0: no limit",
    )  # fmt: skip
    p.add_argument(
        "--consolidate-m", type=float, default=DEFAULT_CONSOLIDATE_M,
        help="merge the junctions of one place this close, metres, keeping lines side by side apart (10); "
        "0: the network as it is",
    )  # fmt: skip
    p.add_argument("--format", choices=("gpkg", "parquet"), default="gpkg", help="table format (gpkg)")
    p.add_argument(
        "--privacy", choices=("shared", "internal"), default="shared",
        help="exposure of the map and the table: shared (default) leaves the density empty on street pieces "
        "where fewer than k incidents make it; internal keeps every value",
    )  # fmt: skip
    p.add_argument("--lang", choices=("sv", "en"), default="sv")
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    add_basemap_options(p)
    return lambda args: _run_density(args, load_network, load_gazetteer)


def _run_density(
    args: argparse.Namespace,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> int:
    from pathlib import Path

    import geopandas as gpd

    from trygghet_geo import schema
    from trygghet_geo.analysis import Analysis, _geocode, _read
    from trygghet_geo.density import network_kde
    from trygghet_geo.network._basemap import resolve_basemap
    from trygghet_geo.output.maps import save_html

    # --max-depth, --min-share and --consolidate-m are checked with every other number before any work
    # (_preflight.check_options)
    basemap = basemap_argument(args)  # --pbf / --no-basemap, as analyze reads them
    inc = _read(args.incidents, "incidents")  # the file first: a street network may take minutes
    network = load_network(args.network)
    inc = _geocode(inc, load_gazetteer(args.gazetteer, network))
    inc = inc.to_crs(network.crs)
    usable = (inc[schema.STATUS] == "ok").to_numpy() & inc[schema.PRECISION].isin(
        list(schema.STREET_PRECISION)
    ).to_numpy()
    usable &= ~(inc.geometry.is_empty | inc.geometry.isna()).to_numpy()
    lix = network_kde(
        inc[usable], network, bandwidth_m=args.bandwidth_m, lixel_m=args.lixel_m, kernel=args.kernel,
        method=args.method, max_depth=args.max_depth or None, min_share=args.min_share,
        consolidate_m=args.consolidate_m,
    )  # fmt: skip
    left = (
        inc.loc[~usable, schema.REASON].astype("str").replace("", "not_street_level").value_counts().to_dict()
    )
    for reason, n in lix.attrs["left_out"].items():
        left[reason] = left.get(reason, 0) + n
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path, table = _write_table(lix, out, args.format, args.privacy)
    meta: dict[str, Any] = {
        "title": "Täthet längs gatorna" if args.lang == "sv" else "Density along the streets"
    }
    if schema.OCCURRED_AT in inc.columns and inc.loc[usable, schema.OCCURRED_AT].notna().any():
        times = inc.loc[usable, schema.OCCURRED_AT].dropna()
        meta["period"] = (times.min(), times.max())
    empty = gpd.GeoDataFrame({schema.STATUS: []}, geometry=[], crs=network.crs)
    analysis = Analysis(
        inc, None, empty, empty, network, left_out=left, meta=meta, basemap=resolve_basemap(basemap, network)
    )
    html = save_html(
        analysis,
        out / "tathetskarta.html",
        privacy=args.privacy,
        lang=args.lang,
        density=lix,
        heatmap="density",
    )
    _print_summary(lix, table, sum(left.values()), path, args.lang)
    print(f"Karta:  {html}")
    return 0


def _write_table(lix: Any, out: Any, fmt: str, privacy: str) -> tuple[Any, Any]:
    """Write the lixel table (GeoPackage or GeoParquet) in ``out``; in the shared mode through the map's k
    rule (:func:`trygghet_geo._kgate.shared_density`), since the table sits beside the shared map."""
    import geopandas as gpd

    from trygghet_geo._kgate import shared_density

    table = gpd.GeoDataFrame(lix, crs=lix.crs)
    table.attrs = {}  # the left-out table and the cross-validation curve do not go into the file
    if privacy == "shared":
        table = shared_density(table)
    from trygghet_geo.io._write import write_table

    # the one writer: text cleaned, whole or not at all; the GeoPackage layer is named after the file
    path = write_table(table, out / f"tathet.{fmt}")
    return path, table


def _print_summary(lix: Any, table: Any, n_left: int, path: Any, lang: str) -> None:
    """What ran and what was written (the table's values, so the shared mode prints no value it left out)."""
    import numpy as np

    from trygghet_geo._kgate import DEFAULT_K
    from trygghet_geo.density import UNIT_PER_YEAR
    from trygghet_geo.output._mapdata import LABELS

    a = lix.attrs
    print(f"Händelser med i tätheten: {a['n_events']} (utelämnade: {n_left})")
    print(f"Bandbredd: {a['bandwidth_m']:g} m, metod: {a['method']}, kärna: {a['kernel']}")
    dens = table["density"].to_numpy(dtype=float)
    if np.isfinite(dens).any():
        unit = LABELS[lang][
            "density_unit_year" if a["density_unit"] == UNIT_PER_YEAR else "density_unit_event"
        ]
        print(f"Högsta täthet: {np.nanmax(dens):.1f} ({unit})")
    print(f"Tabell: {path} ({len(table)} gatubitar)")
    hidden = int(np.isnan(dens).sum() - np.isnan(lix["density"].to_numpy(dtype=float)).sum())
    if hidden:
        print(
            f"Delningsläge: tätheten lämnas tom för {hidden} gatubitar där färre än {DEFAULT_K} händelser "
            "ger den (--privacy internal ger alla)"
        )
