"""``trygghet-geo hotlist``: the EST hot-list (the last 7 or 28 days against each place's own past) as
``hotlist.html`` and ``hotlist.docx``.

Kept beside :mod:`trygghet_geo.cli` (which registers it), like ``density`` and ``trend``; heavy modules are
imported in :func:`_run_hotlist` only. Without an incident file it runs on the bundled (synthetic) sample.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from trygghet_geo.analysis import Analysis
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = ["add_hotlist"]


def add_hotlist(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> Callable[[argparse.Namespace], int]:
    """Add the subcommand; the loaders are the command line's own (passed in)."""
    from trygghet_geo._cli_options import add_analysis_options, add_read_options

    p = sub.add_parser(
        "hotlist",
        help="the EST hot-list: places and street pieces with most events in the last 7/28 days",
        description="Read → analyse → for every ranked place and every street piece (about --segment-m "
        "metres), the events of the last --days days against the --baseline-days before them (exact "
        "binomial test), written as hotlist.html and hotlist.docx (one A4 page; shared privacy by default: "
        "counts under k shown as <k). Without an incident file: the bundled synthetic sample.",
    )
    p.add_argument("incidents", nargs="?", help="incident file (default: the bundled sample)")
    p.add_argument("--observations", help="safety-walk observation file")
    p.add_argument("--network", help="street network (as for 'analyze'); needed with an incident file")
    p.add_argument("--gazetteer", help="gazetteer or OSM extract, to place rows that have only place text")
    p.add_argument("--study-area", help="polygon layer of the study area")
    p.add_argument("--days", type=int, default=7, help="the recent window, days (7; 28 for the month)")
    p.add_argument("--baseline-days", type=int, default=364, help="the baseline before it, days (364)")
    p.add_argument("--end", help="last day of the window, YYYY-MM-DD (default: the last incident's day)")
    p.add_argument("--segment-m", type=float, default=100.0, help="length of the street pieces, metres")
    p.add_argument("--top", type=int, default=10, help="places and street pieces listed, each (10)")
    p.add_argument("--privacy", choices=("shared", "internal"), default="shared")
    p.add_argument("--title", help="the page's title")
    add_analysis_options(p)
    add_read_options(p, observations=True)
    p.add_argument("--out", default="data/processed", help="output folder (default: data/processed)")
    return lambda args: _run_hotlist(args, load_network, load_gazetteer)


def _analysis(
    args: argparse.Namespace,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> Analysis:
    from trygghet_geo._cli_options import analysis_kwargs, read_inputs
    from trygghet_geo.analysis import analyze
    from trygghet_geo.errors import ParameterError

    if args.incidents is None:
        import tempfile
        from pathlib import Path

        from trygghet_geo import sample

        with tempfile.TemporaryDirectory() as tmp:
            paths = sample.write_raw(Path(tmp))
            return analyze(
                paths["incidents"], paths["observations"], network=sample.load_network(),
                gazetteer=sample.load_gazetteer(), source_note=sample.SOURCE_NOTE, synthetic=True,
                study_area=paths["area"], n_simulations=0, **analysis_kwargs(args),
            )  # fmt: skip
    if not args.network:
        raise ParameterError("--network is needed with an incident file (as for 'trygghet-geo analyze')")
    incidents, observations = read_inputs(args)  # the files first: a street network may take minutes
    network = load_network(args.network)
    return analyze(
        incidents, observations, network=network, gazetteer=load_gazetteer(args.gazetteer, network),
        study_area=args.study_area, n_simulations=0, **analysis_kwargs(args),
    )  # fmt: skip


def _run_hotlist(
    args: argparse.Namespace,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> int:
    from trygghet_geo.hotlist import hotlist_of

    result = _analysis(args, load_network, load_gazetteer)
    paths = hotlist_of(
        result, args.out, days=args.days, privacy=args.privacy, title=args.title,
        baseline_days=args.baseline_days, end=args.end, segment_m=args.segment_m, top=args.top,
    )  # fmt: skip
    print(f"Wrote {paths['hotlist']} and {paths['hotlist_docx']}")
    return 0
