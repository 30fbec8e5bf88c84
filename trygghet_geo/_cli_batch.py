"""``trygghet-geo batch``: every municipality at once (:func:`trygghet_geo.batch.run`); and the network
store that ``trygghet-geo network --pbf … --by-municipality …`` builds for it.

Kept beside :mod:`trygghet_geo.cli` (which registers ``batch`` and hands ``network --by-municipality`` here);
the heavy modules are imported inside the runners only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trygghet_geo._cli_options import add_analysis_options, analysis_kwargs

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["add_batch", "run_network_store"]

_Runner = Callable[[argparse.Namespace], int]


def add_batch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "batch",
        help="analyse every municipality at once (Dask), resumable, to partitioned GeoParquet",
        description="Each municipality is analysed on its own streets with its neighbours' incidents within "
        "2*eps along the streets (a halo), on a local Dask cluster (or --scheduler). Writes "
        "OUT/kommunkod=XXXX/{incidents,hotspots,places}.parquet, OUT/places.parquet and OUT/index.html; a "
        "second run with the same inputs skips the municipalities already written.",
    )
    p.add_argument(
        "incidents", help="the national incident file (CSV, Excel, GIS layer, or a GeoParquet table)"
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--municipalities", help="municipality polygons (GeoPackage, GeoJSON, Shapefile…)")
    where.add_argument(
        "--code-column", help="instead of polygons: the incidents' column of municipality codes"
    )
    p.add_argument(
        "--kommunkod-field",
        default="kommunkod",
        help="the code column of --municipalities (default kommunkod; SCB's layer calls it KnKod)",
    )
    p.add_argument(
        "--networks",
        required=True,
        help="network store folder (<kommunkod>.gpkg, see network --by-municipality)",
    )
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core)")
    p.add_argument(
        "--scheduler",
        default=None,
        help="address of an existing Dask cluster (tcp://host:8786), 'threads' or 'synchronous' (serial)",
    )
    p.add_argument("--no-resume", action="store_true", help="run every municipality again")
    p.add_argument("--n-simulations", type=int, default=99, help="Monte Carlo simulations (default 99)")
    p.add_argument("--seed", type=int, default=0, help="random_state of every municipality's analysis (0)")
    p.add_argument("--max-snap-m", type=float, default=100.0, help="farthest from a street, metres (100)")
    add_analysis_options(p)
    return _run_batch


def _municipalities(path: str, field: str) -> gpd.GeoDataFrame:
    from trygghet_geo._batch_plan import CLI_NAMES, read_municipalities

    return read_municipalities(path, field, CLI_NAMES)


def _run_batch(args: argparse.Namespace) -> int:
    from trygghet_geo import batch
    from trygghet_geo._batch_plan import CLI_NAMES, read_inputs

    # every input read and checked by the batch's own read-first step (the one batch.run takes), with the
    # options' names in its errors; the tables read are handed on as they are
    inputs = read_inputs(
        args.incidents,
        Path(args.municipalities) if args.municipalities else args.code_column,
        args.networks,
        kommunkod_field=args.kommunkod_field,
        names=CLI_NAMES,
    )
    incidents, where = inputs.incidents, inputs.municipalities
    kwargs = analysis_kwargs(args)
    table = batch.run(
        incidents,
        municipalities=where,
        networks=args.networks,
        out=args.out,
        scheduler=args.scheduler,
        n_workers=args.workers,
        resume=not args.no_resume,
        n_simulations=args.n_simulations,
        random_state=args.seed,
        max_snap_m=args.max_snap_m,
        **kwargs,
    )
    counts = table["status"].value_counts()
    for row in table[table["status"] == "failed"].itertuples(index=False):
        print(f"{row.kommunkod}: failed: {row.error}")
    print(
        f"{len(table)} rows: "
        + ", ".join(f"{n} {status}" for status, n in counts.items())
        + f"; {int(table['n_places'].sum())} places; {Path(args.out) / 'index.html'}"
    )
    return 1 if counts.get("failed", 0) else 0


def run_network_store(args: argparse.Namespace) -> int:
    """``network --pbf FILE --by-municipality BOUNDARIES --out FOLDER``."""
    from trygghet_geo.errors import InputError
    from trygghet_geo.network import network_store_from_pbf

    if not args.pbf:
        raise InputError("--by-municipality goes with --pbf (a country or region extract)")
    layer = _municipalities(args.by_municipality, args.kommunkod_field)
    saved = network_store_from_pbf(args.pbf, layer, args.out, network_type=args.network_type)
    missing = len(layer) - len(saved)
    print(
        f"{args.out}: {len(saved)} municipality networks, {sum(saved.values())} edges"
        + (f"; {missing} municipalities without streets in the extract" if missing else "")
    )
    return 0
