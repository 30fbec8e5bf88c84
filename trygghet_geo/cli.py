"""The ``trygghet-geo`` command line. The only module that prints (with its ``_cli_*`` parts).

Each subcommand has an ``_add_<name>`` (arguments) and a ``_run_<name>`` (work) pair; heavy modules are
imported inside ``_run_<name>`` so that ``trygghet-geo --help`` starts quickly.
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from trygghet_geo._cli_batch import add_batch, run_network_store
from trygghet_geo._cli_cache import add_cache
from trygghet_geo._cli_conventions import Parser as _Parser
from trygghet_geo._cli_conventions import (
    add_conventions,
    file_names_printable,
    lang_from_argv,
    localize,
    one_line_warnings,
    reader_may_leave,
    reading,
    ui_language,
)
from trygghet_geo._cli_conventions import fail as _fail
from trygghet_geo._cli_density import add_density
from trygghet_geo._cli_hotlist import add_hotlist
from trygghet_geo._cli_lagesbild import add_lagesbild
from trygghet_geo._cli_options import (
    add_analysis_options,
    add_basemap_options,
    add_read_options,
    analysis_kwargs,
    basemap_kwargs,
    read_inputs,
    reader_kwargs,
    with_loaders,
)
from trygghet_geo._cli_plan import add_plan
from trygghet_geo._cli_trend import add_trend
from trygghet_geo._hints import cli_interface
from trygghet_geo.errors import GeocodingError, NetworkError, ParameterError, TrygghetError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.analysis import Analysis
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = ["main"]

_Runner = Callable[[argparse.Namespace], int]


# --- demo ---------------------------------------------------------------------------------------------------
def _add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser("demo", help="run the whole analysis on the bundled sample (synthetic data)")
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    p.add_argument(
        "--raw", default="data/raw", help="folder for the sample's input files (default: data/raw)"
    )
    return _run_demo


def _run_demo(args: argparse.Namespace) -> int:
    import time

    from trygghet_geo import sample
    from trygghet_geo._text import text

    t0 = time.perf_counter()
    result, paths = sample.run_demo(args.out, args.raw)
    print(f"Exempeldata (syntetiska) skrivna till {paths['incidents'].parent}/")
    _print_summary(result)
    print(f"Karta:   {paths['map']}")
    print(f"Platser: {paths['places']} (+ .xlsx)")
    print(text("files.report", path=paths["report"], manifest=paths["manifest"]))
    print(text("files.lagesbild", path=paths["lagesbild"]))
    print(f"Klart på {time.perf_counter() - t0:.0f} s.")
    return 0


def _print_summary(result: Analysis, lang: str | None = None) -> None:
    from trygghet_geo import schema
    from trygghet_geo._reason import reason_line
    from trygghet_geo._text import resolve_lang, text

    lang = resolve_lang(lang)
    inc = result.incidents
    from_text = set(schema.GEOCODE_METHODS) - {"coordinates", "failed"}
    geocoded = (
        int(inc[schema.GEOCODE_METHOD].isin(list(from_text)).sum()) if schema.GEOCODE_METHOD in inc else 0
    )
    used = int((inc[schema.EDGE_ID] >= 0).sum())
    print(text("summary.read", lang, n=len(inc), geocoded=geocoded, used=used))
    unknown_time = (
        int((~inc[schema.TIME_KNOWN].fillna(True).astype(bool)).sum()) if schema.TIME_KNOWN in inc else 0
    )
    if unknown_time:
        print(text("summary.time_unknown", lang, n=unknown_time))
    if result.left_out:
        print(text("summary.left_out", lang))
        for reason, n in result.left_out.items():
            print(f"  {n:5d}  {schema.reason_text(reason, lang)} ({reason})")
    if result.observations is not None:
        left = result.observations_left_out
        n_obs, n_left = len(result.observations), sum(left.values())
        print(text("summary.remarks", lang, n=n_obs, used=n_obs - n_left, left=n_left))
        for reason, n in left.items():
            print(f"  {n:5d}  {schema.reason_text(reason, lang)} ({reason})")
    print(text("summary.hotspots", lang, n=len(result.hotspots)))
    print(text("summary.top", lang))
    for row in result.places.head(5).itertuples():
        reason = reason_line(getattr(row, schema.REASON_CODES, None), lang) or row.reason
        print(f"  {row.rank}. {row.name} – {reason}")
    if len(result.places) == 0:
        print(text("summary.none_placed" if used == 0 else "summary.none_found", lang))
    meta = getattr(result, "meta", None) or {}
    note = meta.get("parameters_note_en" if lang == "en" else "parameters_note")
    if note:
        print(text("summary.settings", lang, note=note))


# --- analyze ---------------------------------------------------------------------------------------------
def _add_analyze(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "analyze",
        help="the whole analysis on your own files: map, ranked places and the left-out rows",
        description="Read → geocode → snap → network DBSCAN → hotspots → rank, then write the map "
        "(trygghetskarta.html, shared privacy mode, self-contained), the ranked places (platser.csv, "
        "platser.xlsx) and every row left out of the clustering with its reason (utelamnade.csv).",
    )
    p.add_argument("incidents", help="incident file (.csv, .xlsx, .geojson, .gpkg, .shp, Polisen .json)")
    p.add_argument("--observations", help="safety-walk observation file")
    p.add_argument(
        "--network",
        required=True,
        help="street network: .gpkg from 'trygghet-geo network', .pbf, .osm, .graphml, or a street line "
        "layer (.gpkg, .shp, .geojson; cut at its junctions)",
    )
    p.add_argument(
        "--gazetteer", help="saved gazetteer (.parquet/.gpkg) or an OSM extract (.osm.pbf) to build one"
    )
    p.add_argument("--study-area", help="polygon layer drawn as the study area")
    add_analysis_options(p)
    add_basemap_options(p)
    add_read_options(p, observations=True)
    p.add_argument("--n-simulations", type=int, default=99, help="Monte Carlo simulations (99)")
    p.add_argument(
        "--privacy", choices=("shared", "internal"), default="shared", help="map exposure (shared)"
    )
    p.add_argument(
        "--lang", choices=("sv", "en"), default=None, help="language (default: options.lang, Swedish)"
    )
    p.add_argument("--title", help="map title")
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    return _run_analyze


_LINE_LAYERS = (".gpkg", ".shp", ".geojson", ".json", ".fgb")


def _load_network(path: str) -> StreetNetwork:
    """A street network from a file, by its suffix: a network saved by ``trygghet-geo network``, an OSM file,
    or a street line layer (a municipality's own), which is cut at its junctions."""
    from pathlib import Path

    import pyogrio

    from trygghet_geo import network as n

    readers = {".pbf": n.network_from_pbf, ".graphml": n.network_from_graphml,
               ".osm": n.network_from_xml, ".xml": n.network_from_xml}  # fmt: skip
    suffix = Path(path).suffix.lower()
    if suffix not in readers and suffix not in _LINE_LAYERS:
        raise ParameterError(
            f"--network {path!r}: expected a .gpkg saved by 'trygghet-geo network', an OSM file (.pbf, .osm, "
            ".graphml) or a street line layer (.gpkg, .shp, .geojson, .fgb)"
        )
    if not Path(path).exists():  # checked before the work: gone since (a data error, not a usage one)
        from trygghet_geo.errors import InputError

        raise InputError(f"--network {path!r}: no such file (any more)")
    try:
        with warnings.catch_warnings():
            # A broken file makes GDAL warn before it fails; the error below says what matters, on one line.
            warnings.simplefilter("ignore", RuntimeWarning)
            if suffix in readers:
                return readers[suffix](path)
            if suffix == ".gpkg" and {"nodes", "edges"} <= {str(r[0]) for r in pyogrio.list_layers(path)}:
                return n.read_network(path)
            return n.network_from_lines(_line_layer(path, "--network"))
    except TrygghetError:
        raise
    except Exception as exc:  # each reader (pyrosm, osmnx, pyogrio) fails in its own way on a broken file
        raise NetworkError(
            f"--network {path!r}: cannot read a street network ({type(exc).__name__}: {exc})"
        ) from exc


def _line_layer(path: str, flag: str) -> gpd.GeoDataFrame:
    """A street line layer read with pyogrio; an unreadable file is an error naming the option and file."""
    import geopandas as gpd

    from trygghet_geo.errors import InputError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's own notes on a broken file
            return gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds for missing or unreadable files
        raise InputError(f"{flag} {path!r}: cannot read the line layer: {exc}") from exc


def _load_gazetteer(path: str | None, network: StreetNetwork) -> Gazetteer | None:
    """A saved gazetteer, or one built from an OSM extract; None without a path."""
    if path is None:
        return None
    from pathlib import Path

    from trygghet_geo.errors import InputError
    from trygghet_geo.geocode import Gazetteer, build_gazetteer

    if not Path(path).exists():  # checked before the work: gone since
        raise InputError(f"--gazetteer {path!r}: no such file (any more)")
    try:
        if Path(path).suffix.lower() in (".parquet", ".gpkg"):
            return Gazetteer.load(path)
        # An extract may hold a county or the whole country: read the town's window only.
        return build_gazetteer(path, network=network, bbox=_around(network))
    except TrygghetError:
        raise
    except Exception as exc:  # pyarrow, pyogrio and pyrosm each fail in their own way on a broken file
        raise GeocodingError(
            f"--gazetteer {path!r}: cannot read a gazetteer ({type(exc).__name__}: {exc})"
        ) from exc


def _around(network: StreetNetwork, margin_deg: float = 0.02) -> tuple[float, float, float, float]:
    """The network's extent in WGS84 degrees, widened by ``margin_deg`` of latitude and twice that of
    longitude (0.02°: about 2 km either way at Swedish latitudes)."""
    minx, miny, maxx, maxy = network.edges.to_crs("EPSG:4326").total_bounds
    return (minx - 2 * margin_deg, miny - margin_deg, maxx + 2 * margin_deg, maxy + margin_deg)


def _run_analyze(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trygghet_geo._verify import record_command
    from trygghet_geo.analysis import analyze, left_out_table
    from trygghet_geo.io._write import write_table
    from trygghet_geo.manifest import write_manifest
    from trygghet_geo.rank import export_places

    incidents, observations = read_inputs(args)  # the files first: a street network may take minutes
    network = _load_network(args.network)
    gazetteer = _load_gazetteer(args.gazetteer, network)
    result = analyze(
        incidents, observations, network=network, gazetteer=gazetteer, n_simulations=args.n_simulations,
        title=args.title, study_area=args.study_area, **analysis_kwargs(args), **basemap_kwargs(args),
    )  # fmt: skip
    record_command(result.manifest, "analyze", vars(args))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from trygghet_geo._text import resolve_lang, text

    lang = resolve_lang(args.lang)
    html = result.to_html(out / "trygghetskarta.html", privacy=args.privacy, lang=lang)
    csv = export_places(result.places, out / "platser.csv", privacy=args.privacy, hotspots=result.hotspots)
    xlsx = export_places(result.places, out / "platser.xlsx", privacy=args.privacy, hotspots=result.hotspots,
                         manifest=result.manifest)  # fmt: skip
    left_path = write_table(left_out_table(result, lang=lang, privacy=args.privacy), out / "utelamnade.csv")
    written = [html, csv, xlsx, left_path]
    _print_summary(result, lang)
    print(text("files.map", lang, path=html))
    print(text("files.places", lang, path=csv))
    print(text("files.left_out", lang, path=left_path, n=sum(result.left_out.values())))
    if result.observations is not None:
        table = left_out_table(result, lang=lang, kind="observations", privacy=args.privacy)
        obs_path = write_table(table, out / "utelamnade_synpunkter.csv")
        print(text("files.remarks_left_out", lang, path=obs_path, n=len(table)))
        written.append(obs_path)
    write_manifest(result.manifest, out, written)
    return 0


# --- validate -----------------------------------------------------------------------------------------------
def _add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "validate", help="read an incident or observation file and report what would be left out"
    )
    p.add_argument("file")
    p.add_argument(
        "--kind",
        choices=("auto", "incidents", "observations"),
        default="auto",
        help="what the file holds (default: observations when it has a note or measure column)",
    )
    p.add_argument(
        "--out",
        default=None,
        help="the validated table (.csv, .xlsx, .gpkg, .geojson; default: FILE's name + "
        "'.validated.csv' in the current folder); the rejects table is written next to it",
    )
    add_read_options(p, observations=False)
    p.add_argument(
        "--lang", choices=("sv", "en"), default=None, help="language of the report (default: options.lang)"
    )
    return _run_validate


def _run_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trygghet_geo.io import rejects_table, validate_file
    from trygghet_geo.io._write import write_table

    src = Path(args.file)
    kwargs = reader_kwargs(args)
    kind = args.kind
    if kind == "auto":  # decided here, so that --categories takes the rows of the right kind
        from trygghet_geo.io import _looks_like_observations

        kind = "observations" if _looks_like_observations(src, kwargs) else "incidents"
    if kind == "observations":
        kwargs["categories"] = reader_kwargs(args, observations=True)["categories"]
    result = validate_file(src, kind=kind, **kwargs)
    report = result.attrs["report"]
    out = Path(args.out) if args.out else Path.cwd() / f"{src.stem}.validated.csv"
    rejects_path = out.with_name(f"{out.stem.removesuffix('.validated')}.rejects.csv")
    write_table(result, out)
    from trygghet_geo._text import resolve_lang, text

    lang = resolve_lang(args.lang)
    rejects = rejects_table(result, lang=lang)
    write_table(rejects, rejects_path)
    print(report.to_text(lang))
    print(f"{text('wrote', lang)}: {out}")
    print(f"{text('rejected_rows', lang)} ({len(rejects)}): {rejects_path}")
    return 0


# --- geocode ------------------------------------------------------------------------------------------------
def _add_geocode(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser("geocode", help="geocode the place text of a file offline")
    p.add_argument("file", help="incident or observation file (.csv, .xlsx, .geojson, .gpkg)")
    p.add_argument("--out", required=True, help="result file (.csv, .xlsx, .gpkg or .geojson)")
    p.add_argument(
        "--gazetteer",
        help="gazetteer (.parquet/.gpkg) or OSM extract (.osm.pbf); "
        "default: the bundled sample town (central Helsinki)",
    )
    p.add_argument(
        "--save-gazetteer", help="also save the gazetteer built from an OSM extract (.parquet/.gpkg)"
    )
    p.add_argument("--observations", action="store_true", help="read the file as safety-walk observations")
    p.add_argument(
        "--bbox", help="min_lon,min_lat,max_lon,max_lat: read only this window of a county or country extract"
    )
    p.add_argument(
        "--addresses",
        help="authoritative address points (.gpkg/.parquet/.csv; Lantmäteriet's belägenhetsadresser or the "
        "municipality's layer) that win over OSM when building the gazetteer from an extract",
    )
    p.add_argument(
        "--online",
        action="store_true",
        help="send place text the gazetteer cannot place to Nominatim (1 request/s); off by default",
    )
    p.add_argument("--no-cache", action="store_true", help="do not read or write the answer cache")
    return _run_geocode


def _bbox(text: str) -> tuple[float, float, float, float]:
    """``--bbox min_lon,min_lat,max_lon,max_lat`` as four numbers in order."""
    from trygghet_geo._preflight import parse_bbox

    return parse_bbox("--bbox", text)


def _run_geocode(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trygghet_geo import schema
    from trygghet_geo.geocode import Gazetteer, build_gazetteer, geocode
    from trygghet_geo.io import read_incidents, read_observations
    from trygghet_geo.io._write import write_table

    table = (read_observations if args.observations else read_incidents)(args.file)  # before any build
    source = Path(args.gazetteer) if args.gazetteer else None
    if source is None:
        from trygghet_geo.sample import pbf_path

        source = pbf_path()
        print("no --gazetteer given: using the bundled sample town (central Helsinki, OSM)", file=sys.stderr)
    with reading("--gazetteer", source, "a gazetteer"):
        if source.suffix.lower() in (".parquet", ".gpkg"):
            gazetteer = Gazetteer.load(source)
        else:
            gazetteer = build_gazetteer(
                source, bbox=_bbox(args.bbox) if args.bbox else None, addresses=args.addresses
            )
    if args.save_gazetteer:  # with an OSM extract only (checked before the work)
        gazetteer.save(args.save_gazetteer)
    out = geocode(table, gazetteer=gazetteer, online=args.online, cache=not args.no_cache)
    write_table(out, args.out)
    asked = out[schema.GEOCODE_METHOD].notna() & (out[schema.GEOCODE_METHOD] != "coordinates")
    methods = out.loc[asked, schema.GEOCODE_METHOD].value_counts()
    print(
        f"{int(asked.sum())} rows geocoded with {gazetteer!r}: "
        + ", ".join(f"{k} {v}" for k, v in methods.items())
    )
    print(f"wrote {args.out}")
    return 0


# --- network ------------------------------------------------------------------------------------------------
def _add_network(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "network",
        help="build a street network (osmnx download, OSM file, GraphML or line layer) and save it",
        description="Build a street network in the metric CRS (SWEREF 99 TM in Sweden, local UTM elsewhere) "
        "and save it as a GeoPackage (layers nodes and edges) for later runs. Downloads (--place, --bbox "
        "alone) happen only with --online.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--place", help='place name for an osmnx download, e.g. "Kristinehamn, Sweden"')
    p.add_argument(
        "--bbox",
        help="min_lon,min_lat,max_lon,max_lat: with --pbf the window to read (a town out of a country "
        "extract); alone, the area of an osmnx download",
    )
    src.add_argument("--pbf", help="local OpenStreetMap .osm.pbf file (read with pyrosm)")
    src.add_argument("--osm", help="local OpenStreetMap XML file (.osm)")
    src.add_argument("--graphml", help="GraphML file saved by osmnx")
    src.add_argument("--lines", help="line layer: NVDB or a municipal centre-line layer (GPKG, shapefile…)")
    p.add_argument(
        "--name-column",
        help="street-name column of --lines (default: the first of name, namn, gatunamn, gata, vägnamn)",
    )
    p.add_argument(
        "--split",
        default="junctions",
        choices=["junctions", "crossings", "ends"],
        help="where --lines are cut into edges: where lines share a vertex or one ends on another (default), "
        "at every crossing (bridges included), or only at line ends (a layer split already, e.g. NVDB)",
    )
    p.add_argument("--network-type", default="walk", choices=["walk", "drive", "bike", "all"])
    p.add_argument("--online", action="store_true", help="allow the download for --place/--bbox")
    p.add_argument("--out", required=True, help="output GeoPackage (.gpkg); with --by-municipality a folder")
    p.add_argument("--by-municipality", help="municipality polygons: one network per kommun (with --pbf)")
    p.add_argument("--kommunkod-field", default="kommunkod", help="their code column (default kommunkod)")
    return _run_network


def _run_network(args: argparse.Namespace) -> int:
    if args.by_municipality:
        return run_network_store(args)
    from trygghet_geo import network as netmod

    online = True if args.online else None  # the sources and --online: _preflight._network_source
    bbox = _bbox(args.bbox) if args.bbox else None
    if args.place:
        net = netmod.network_from_place(args.place, network_type=args.network_type, online=online)
    elif args.pbf:
        net = netmod.network_from_pbf(args.pbf, network_type=args.network_type, bbox=bbox)
    elif bbox is not None:
        net = netmod.network_from_bbox(bbox, network_type=args.network_type, online=online)
    elif args.osm:
        net = netmod.network_from_xml(args.osm, network_type=args.network_type)
    elif args.graphml:
        net = netmod.network_from_graphml(args.graphml)
    else:
        lines = _line_layer(args.lines, "--lines")
        net = netmod.network_from_lines(lines, name_column=args.name_column, split=args.split)
    path = net.to_file(args.out)
    km = float(net.edges["length_m"].sum()) / 1000.0
    print(
        f"{path}: {len(net.nodes)} nodes, {len(net.edges)} edges, {km:.1f} km of streets, "
        f"CRS {net.crs.to_string()}"
    )
    return 0


# --- report -------------------------------------------------------------------------------------------------
def _add_report(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "report",
        help="the follow-up report for the municipal board (HTML + XLSX); on the bundled sample by default",
    )
    p.add_argument("--incidents", help="incident file (default: the bundled synthetic sample)")
    p.add_argument("--observations", help="safety-walk observation file")
    p.add_argument("--network", help="street network as for analyze: a saved .gpkg, OSM file or line layer")
    p.add_argument("--gazetteer", help="saved gazetteer (Gazetteer.save) for place text and landmark names")
    p.add_argument("--promise-date", help="date of the citizen promise, YYYY-MM-DD (default: 12 months "
                   "before the data ends)")  # fmt: skip
    add_analysis_options(p)
    add_basemap_options(p)
    add_read_options(p, observations=True)
    p.add_argument("--n-simulations", type=int, default=99, help="Monte Carlo simulations (default 99)")
    p.add_argument("--top", type=int, default=10, help="ranked places listed in the report")
    p.add_argument("--followup", type=int, default=5, help="top places followed up (without --places)")
    p.add_argument("--places", help="the places chosen in the promise: GeoJSON/GPKG with a 'name' column, "
                   "polygons or points with a 'radius_m' column (along the streets)")  # fmt: skip
    p.add_argument("--title", help="report title")
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    p.add_argument("--name", default="uppfoljning", help="file name without suffix (default: uppfoljning)")
    p.add_argument(
        "--lang", choices=("sv", "en"), default=None, help="language (default: options.lang, Swedish)"
    )
    return _run_report


def _run_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trygghet_geo._verify import record_command
    from trygghet_geo.analysis import analyze
    from trygghet_geo.manifest import write_manifest
    from trygghet_geo.output.report import write_report

    chosen = None
    if args.places:  # read first: a broken file is found at once
        from trygghet_geo.io._excel import read_gis_layer

        with reading("--places", args.places, "the places (a GIS layer)"):
            chosen = read_gis_layer(Path(args.places))
    if args.incidents is None:
        from trygghet_geo import sample

        if args.observations or args.network:
            raise ParameterError("--observations and --network need --incidents (else the sample is used)")
        inputs = (sample.load_incidents(), sample.load_observations())
        network = sample.load_network()
        gazetteer: Gazetteer | None = sample.load_gazetteer()
        extra: dict[str, Any] = {
            "synthetic": True,
            "source_note": sample.SOURCE_NOTE,
        }
        print("Ingen --incidents: rapporten görs på de syntetiska exempeldata.")
    else:
        if args.network is None:
            raise ParameterError(
                "--incidents needs --network (.gpkg from 'trygghet-geo network', .pbf, .osm)"
            )
        inputs = read_inputs(args)  # the files first: a street network may take minutes
        network, extra = _load_network(args.network), {}
        gazetteer = _load_gazetteer(args.gazetteer, network)
    extra.update(analysis_kwargs(args), **basemap_kwargs(args))
    result = analyze(*inputs, network=network, gazetteer=gazetteer, n_simulations=args.n_simulations,
                     title=args.title, **extra)  # fmt: skip
    record_command(result.manifest, "report", vars(args))
    paths = write_report(result, Path(args.out) / f"{args.name}.html", promise_date=args.promise_date,
                         places=chosen, top_n=args.top, followup_n=args.followup,
                         title=args.title, lang=args.lang)  # fmt: skip
    write_manifest(result.manifest, paths["html"].parent, [paths["html"], paths["xlsx"]])
    _print_summary(result, args.lang)
    size_mb = paths["html"].stat().st_size / 1e6
    print(f"Rapport: {paths['html']} ({size_mb:.1f} MB)")
    print(f"Tabeller: {paths['xlsx']}")
    return 0


# --- verify -------------------------------------------------------------------------------------------------
def _add_verify(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> _Runner:
    p = sub.add_parser(
        "verify",
        help="check that input files are the ones an output was made from (and with --rerun, the output)",
        description="Recompute the SHA-256 of the inputs given and compare them with the manifest the output "
        "carries (manifest.json, a map or report HTML, an XLSX). With --rerun, run the recorded command "
        "again "
        "on them and compare the files byte for byte. Exit 0 when everything matches, 1 when not.",
    )
    p.add_argument("output", help="output folder, manifest.json, map/report .html or .xlsx")
    for role in ("incidents", "observations", "network", "gazetteer", "study-area", "places"):
        p.add_argument(f"--{role}", help=f"the {role.replace('-', ' ')} file the run read")
    p.add_argument("--rerun", action="store_true", help="rerun the analysis and compare the outputs")
    return _run_verify


def _run_verify(args: argparse.Namespace) -> int:
    from trygghet_geo import _verify

    manifest = _verify.read_manifest(args.output)
    files = {role: getattr(args, role) for role in _verify.ROLES}
    check = _verify.check_inputs(manifest, files, {"network": _load_network, "gazetteer": _load_gazetteer})
    if args.rerun and check.ok:
        again = _verify.rerun(manifest, args.output, files, main)
        check.lines += again.lines
        check.ok, check.compared = check.ok and again.ok, check.compared + again.compared
    for line in check.lines:
        print(line)
    if check.compared == 0:
        print("Nothing was compared: give the input files (--incidents …) or --rerun.")
        return 1
    print(
        "All match." if check.ok else "MISMATCH: the output was not made from these inputs as they are now."
    )
    return 0 if check.ok else 1


# --- entry point --------------------------------------------------------------------------------------------
_SUBCOMMANDS = (
    _add_demo,
    _add_analyze,
    _add_validate,
    _add_geocode,
    _add_network,
    _add_report,
    with_loaders(add_density, "density", load_network=_load_network, load_gazetteer=_load_gazetteer),
    with_loaders(add_trend, "trend", load_network=_load_network, load_gazetteer=_load_gazetteer),
    with_loaders(add_lagesbild, "lagesbild", load_network=_load_network, load_gazetteer=_load_gazetteer),
    add_cache,
    with_loaders(add_plan, "plan", load_network=_load_network, load_gazetteer=_load_gazetteer),
    with_loaders(add_hotlist, "hotlist", load_network=_load_network, load_gazetteer=_load_gazetteer),
    _add_verify,
    add_batch,
)


def build_parser(lang: str | None = None) -> tuple[argparse.ArgumentParser, dict[str, _Runner]]:
    """The parser and each subcommand's runner; help in ``lang`` (default ``options.lang``)."""
    from trygghet_geo import __version__

    parser = _Parser(
        prog="trygghet-geo",
        description="Map unsafe places: hotspots along streets, places for joint visits, email-ready maps.",
    )
    add_conventions(parser, __version__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Parser
    )
    runners: dict[str, _Runner] = {}
    for add in _SUBCOMMANDS:
        runner = add(sub)
        runners[add.__name__.removeprefix("_").removeprefix("add_")] = runner
    for command in sub.choices.values():  # the switches also after the subcommand, where users put them
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="log progress details")  # fmt: skip
        command.add_argument("--no-progress", action="store_true", default=argparse.SUPPRESS,
                             help="hide progress bars")  # fmt: skip
    localize(parser, lang_from_argv([] if lang is None else ["--lang", lang]))
    return parser, runners


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; the exit status says what went wrong (see ``_cli_conventions``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, runners = build_parser(lang_from_argv(argv))
    args = parser.parse_args(argv)
    with (
        ui_language(args.ui_lang),
        one_line_warnings(args.command),
        file_names_printable(),
        reader_may_leave(),
    ):
        return _run(args, runners)


def _run(args: argparse.Namespace, runners: dict[str, _Runner]) -> int:
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    if args.no_progress:
        from trygghet_geo import options

        options.progress = False
    try:
        from trygghet_geo._preflight import check_options

        with cli_interface():  # hints in errors name the command-line options
            try:
                check_options(args)  # every option that can be checked is checked before any work starts
            except TrygghetError as exc:
                return _fail(args, exc, before_work=True)
            from trygghet_geo._cli_probe import probe_inputs

            probe_inputs(args)  # the files read only after the street network, looked at now
            code = runners[args.command](args)
            sys.stdout.flush()  # a full disk under '> file' is this run's error, not a note at exit
            return code
    except Exception as exc:  # data errors, a disk full, or a bug: one line each, with its exit status
        return _fail(args, exc)
    except KeyboardInterrupt:  # Ctrl-C: one line and its own status, not a traceback
        return _fail(args, KeyboardInterrupt("interrupted"))


if __name__ == "__main__":
    sys.exit(main())
