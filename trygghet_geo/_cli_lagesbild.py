"""``trygghet-geo lagesbild``: the lägesbild of Lag (2023:196) 4 § as HTML, Word and PDF.

Kept beside :mod:`trygghet_geo.cli` (which registers it with one line) so the subcommand's arguments and
work stay in one place; heavy modules are imported in :func:`_run_lagesbild` only.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from trygghet_geo._cli_options import (
    add_analysis_options,
    add_basemap_options,
    add_read_options,
    analysis_kwargs,
    basemap_kwargs,
    read_inputs,
)
from trygghet_geo.errors import InputError, TrygghetError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = ["add_lagesbild"]


def add_lagesbild(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> Callable[[argparse.Namespace], int]:
    """Add the subcommand; the network and gazetteer loaders are the command line's own."""
    p = sub.add_parser(
        "lagesbild",
        help="the lägesbild (Lag 2023:196 4 §) as HTML, Word and PDF; on the bundled sample by default",
        description="Analyse the incidents and safety-walk remarks and write the lägesbild in Swedish: "
        "1 Kartläggning, 2 Övrig relevant information, 3 Analys, 4 Åtgärdsplan, 5 Uppföljning, 6 Källor och "
        "begränsningar, and the medborgarlöfte candidates (lagesbild.html, lagesbild.docx, lagesbild.pdf "
        "when "
        "chromium is installed, and the public map lagesbild_karta.html). Shared privacy mode by default. "
        "Without --incidents the bundled synthetic sample is used, with its districts and register.",
    )
    p.add_argument("--incidents", help="incident file (default: the bundled synthetic sample)")
    p.add_argument("--observations", help="safety-walk observation file")
    p.add_argument("--network", help="street network as for analyze: a saved .gpkg, OSM file or line layer")
    p.add_argument("--gazetteer", help="saved gazetteer or OSM extract, for place text and landmark names")
    p.add_argument("--study-area", help="polygon layer drawn as the study area")
    p.add_argument("--areas", help="DeSO, RegSO or district polygons (.gpkg, .geojson, .shp)")
    p.add_argument(
        "--plan", help="the measures register (åtgärdsplan, .xlsx or .csv; 'trygghet-geo plan init')"
    )
    p.add_argument(
        "--reference", help="Brå's reported offences per 100,000 inhabitants by category and year (CSV)"
    )
    p.add_argument("--survey", help="trygghetsundersökning figures: question, year, value (CSV)")
    p.add_argument("--population", type=float, help="the municipality's inhabitants (for the reference)")
    p.add_argument("--previous", help="the previous lägesbild's incident file (incidents by category then)")
    p.add_argument(
        "--other-sources", nargs="+", help="text files of other relevant information (one section each)"
    )
    add_analysis_options(p)
    add_basemap_options(p)
    add_read_options(p, observations=True)
    p.add_argument("--n-simulations", type=int, default=99, help="Monte Carlo simulations (default 99)")
    p.add_argument(
        "--top", type=int, default=5, help="prioritised problems and medborgarlöfte candidates (5)"
    )
    p.add_argument("--privacy", choices=("shared", "internal"), default="shared", help="exposure (shared)")
    p.add_argument("--title", help="title of the document")
    p.add_argument("--no-pdf", action="store_true", help="do not print the PDF")
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    p.add_argument("--name", default="lagesbild", help="file name without suffix (default: lagesbild)")
    return lambda args: _run_lagesbild(args, load_network, load_gazetteer)


def _run_lagesbild(
    args: argparse.Namespace,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> int:
    import tempfile
    from pathlib import Path

    from trygghet_geo._verify import record_command
    from trygghet_geo.analysis import analyze
    from trygghet_geo.manifest import write_manifest
    from trygghet_geo.output._lagesbild import lagesbild

    for flag in ("areas", "plan", "reference", "survey", "previous"):
        value = getattr(args, flag)
        if value is not None and not Path(value).is_file():
            raise TrygghetError(f"--{flag} {value!r}: no such file")
    other = _other_sources(args.other_sources)
    _read_first(args)
    inputs: dict[str, Any] = {"areas": args.areas, "plan": args.plan}
    with tempfile.TemporaryDirectory(prefix="trygghet_geo-lagesbild-") as tmp:
        if args.incidents is None:
            from trygghet_geo import sample

            if args.observations or args.network:
                raise TrygghetError("--observations and --network need --incidents (else the sample is used)")
            raw = sample.write_raw(tmp)
            data: tuple[Any, Any] = (raw["incidents"], raw["observations"])
            network = sample.load_network()
            gazetteer: Gazetteer | None = sample.load_gazetteer()
            extra: dict[str, Any] = {
                "synthetic": True,
                "source_note": sample.SOURCE_NOTE,
                "study_area": args.study_area or raw["area"],
            }
            inputs = {"areas": args.areas or raw["districts"], "plan": args.plan or raw["plan"]}
            print("Ingen --incidents: lägesbilden görs på de syntetiska exempeldata.")
        else:
            if args.network is None:
                raise TrygghetError(
                    "--incidents needs --network (.gpkg from 'trygghet-geo network', .pbf, .osm)"
                )
            data = read_inputs(args)  # the files first: a street network may take minutes
            network, extra = load_network(args.network), {"study_area": args.study_area}
            gazetteer = load_gazetteer(args.gazetteer, network)
        extra.update(analysis_kwargs(args), **basemap_kwargs(args))
        result = analyze(
            *data,
            network=network,
            gazetteer=gazetteer,
            n_simulations=args.n_simulations,
            title=args.title,
            **extra,
        )
        record_command(result.manifest, "lagesbild", vars(args))
        _record_inputs(result.manifest, {**inputs, "reference": args.reference, "survey": args.survey,
                                         "previous": args.previous})  # fmt: skip
        paths = lagesbild(
            result,
            areas=inputs["areas"],
            plan=inputs["plan"],
            reference=args.reference,
            survey=args.survey,
            population=args.population,
            previous=args.previous,
            other_sources=other,
            out=args.out,
            name=args.name,
            privacy=args.privacy,
            top_n=args.top,
            title=args.title,
            pdf=not args.no_pdf,
        )
    write_manifest(result.manifest, Path(args.out), list(paths.values()))
    _print(paths)
    return 0


def _read_first(args: argparse.Namespace) -> None:
    """The lägesbild's own input files read once before the analysis, so that a broken one is found at once
    rather than after the analysis (the lägesbild reads them again, with the analysis' places)."""
    from trygghet_geo._cli_conventions import reading
    from trygghet_geo.areas import read_areas
    from trygghet_geo.io import read_incidents
    from trygghet_geo.plan import read_plan
    from trygghet_geo.reference import read_reference, read_survey

    readers: dict[str, tuple[Callable[[Any], object], str]] = {
        "areas": (read_areas, "the areas (a polygon layer)"),
        "plan": (read_plan, "the measures register"),
        "reference": (read_reference, "the reference figures"),
        "survey": (read_survey, "the survey figures"),
        "previous": (read_incidents, "the previous incident file"),
    }
    for name, (read, what) in readers.items():
        value = getattr(args, name)
        if value is not None:
            with reading(f"--{name}", value, what):
                read(value)


def _record_inputs(manifest: dict[str, Any], files: dict[str, Any]) -> None:
    """The lägesbild's own input files in the manifest (by their bytes), beside the analysis' inputs."""
    from pathlib import Path

    from trygghet_geo.manifest import _describe_input

    inputs = manifest.setdefault("inputs", {})
    for role, path in files.items():
        if path is not None and Path(path).is_file():
            inputs[role] = _describe_input(str(path))


def _other_sources(files: list[str] | None) -> dict[str, str] | None:
    """Each text file as "Källa 1", "Källa 2", ... with its text (UTF-8) as the body: the document never names
    the file, since a file name may carry a name or an identity number."""
    if not files:
        return None
    from pathlib import Path

    from trygghet_geo._text import text

    out = {}
    for i, f in enumerate(files, 1):
        path = Path(f)
        if not path.is_file():
            raise TrygghetError(f"--other-sources {f!r}: no such file")
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                body = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            body = "\0"
        if "\0" in body:  # NUL is in no text: a binary file (a zip, a workbook, an image)
            raise InputError(f"--other-sources {f!r}: not a text file (expected UTF-8 or Windows-1252 text)")
        out[text("source.other", lang="sv", n=i)] = body
    return out


def _print(paths: dict[str, Path]) -> None:
    print(f"Lägesbild: {paths['html']}")
    print(f"Word:      {paths['docx']}")
    if "pdf" in paths:
        print(f"PDF:       {paths['pdf']}")
    else:
        print("PDF:       inte skriven (chromium saknas eller --no-pdf)")
    if "map" in paths:
        print(f"Karta för allmänheten: {paths['map']}")
