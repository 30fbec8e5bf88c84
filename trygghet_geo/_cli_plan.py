"""``trygghet-geo plan``: write the measures register's template, or check a filled-in register.

Kept beside :mod:`trygghet_geo.cli` (which registers it), like ``density`` and ``trend``; the register module
is imported inside :func:`_run_plan` only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

    LoadNetwork = Callable[[str], StreetNetwork]
    LoadGazetteer = Callable[[str | None, StreetNetwork], Gazetteer | None]

__all__ = ["add_plan", "ranking_names"]

_Runner = Callable[[argparse.Namespace], int]


def add_plan(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    *,
    load_network: LoadNetwork,
    load_gazetteer: LoadGazetteer,
) -> _Runner:
    """Add the subcommand; the loaders are the command line's own (passed in)."""
    p = sub.add_parser(
        "plan",
        help="the measures register (åtgärdsplan): write the template, or check a filled-in register",
        description="init: write an empty register (.xlsx with an instruction sheet, or .csv), one row per "
        "ranked place (--ranking) or area (--areas). check: read a filled-in register and name every bad "
        "row with its field (unknown place, date, status); exit 2 when there is one. followup: analyse "
        "--incidents (as 'analyze' does) and follow up every measure at its place against the rest of the "
        "town, written to --out (.xlsx or .csv; shared privacy by default).",
    )
    p.add_argument("action", choices=("init", "check", "followup"))
    p.add_argument("register", help="the register file (.xlsx or .csv)")
    p.add_argument("--ranking", help="the ranked places (platser.csv or .xlsx from 'analyze' or 'demo')")
    p.add_argument("--areas", help="an area layer (DeSO, RegSO, districts: .gpkg, .geojson, .shp)")
    p.add_argument("--incidents", help="followup: the incident file the ranking was made from")
    p.add_argument("--observations", help="followup: the safety-walk file the ranking was made from")
    p.add_argument("--network", help="followup: the street network (as for 'analyze')")
    p.add_argument("--gazetteer", help="followup: gazetteer or OSM extract (as for 'analyze')")
    p.add_argument("--privacy", choices=("shared", "internal"), default="shared")
    p.add_argument("--out", help="followup: the table to write (default: atgardsuppfoljning.xlsx)")
    return lambda args: _run_plan(args, load_network, load_gazetteer)


def ranking_names(path: str | Path) -> pd.DataFrame:
    """The ranked places of an exported ranking (``Rang``/``Plats`` or ``rank``/``name`` columns), as a table
    with ``rank`` and ``name`` in rank order, read through the guarded readers."""
    import pandas as pd

    from trygghet_geo.errors import InputError

    path = Path(path)
    if not path.exists():
        raise InputError(f"--ranking {str(path)!r}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        from trygghet_geo.io._excel import read_excel_table

        frame = read_excel_table(path, header_row=1)[0]
    else:
        from trygghet_geo.io._csv import read_text_table

        frame = read_text_table(path, header_row=1)[0]
    cols = {str(c).strip().lower(): c for c in frame.columns}
    name = cols.get("plats", cols.get("name"))
    rank = cols.get("rang", cols.get("rank"))
    if name is None:
        raise InputError(f"{path}: no 'Plats' (or 'name') column; expected the ranking written by 'analyze'")
    out = pd.DataFrame({"name": frame[name].astype(str).str.strip()})
    out["rank"] = pd.to_numeric(frame[rank], errors="coerce") if rank is not None else range(1, len(out) + 1)
    out = out[out["name"] != ""]
    return out.sort_values("rank", kind="stable").reset_index(drop=True)


def _run_plan(args: argparse.Namespace, load_network: LoadNetwork, load_gazetteer: LoadGazetteer) -> int:
    from trygghet_geo.plan import read_plan, write_plan_template

    known: list[pd.DataFrame] = []
    if args.ranking:
        known.append(ranking_names(args.ranking))
    if args.areas:
        from trygghet_geo.areas import read_areas

        known.append(read_areas(args.areas))
    if args.action == "followup":
        return _followup(args, known, load_network, load_gazetteer)
    if args.action == "init":
        rows = known[0] if known else None
        path = write_plan_template(args.register, rows)
        print(f"Wrote the measures register template: {path} ({0 if rows is None else len(rows)} rows)")
        return 0
    plan = read_plan(args.register, places=known or None)
    counts = plan["status"].value_counts()
    summary = ", ".join(
        f"{s} {int(counts.get(s, 0))}" for s in ("planerad", "pågår", "genomförd", "avbruten")
    )
    unchecked = "" if known else " (places not checked: give --ranking and/or --areas)"
    print(f"{args.register}: {len(plan)} measures, no problems ({summary}){unchecked}")
    return 0


def _followup(
    args: argparse.Namespace,
    known: list[pd.DataFrame],
    load_network: LoadNetwork,
    load_gazetteer: LoadGazetteer,
) -> int:
    from trygghet_geo.analysis import analyze
    from trygghet_geo.errors import ParameterError
    from trygghet_geo.io._write import write_table
    from trygghet_geo.plan import followup_plan, followup_table, read_plan

    if not (args.incidents and args.network):
        raise ParameterError("plan followup needs --incidents and --network (as 'trygghet-geo analyze')")
    from trygghet_geo._cli_options import read_inputs

    read_plan(args.register)  # the files first (the register's places are checked after the analysis)
    incidents, observations = read_inputs(args)
    network = load_network(args.network)
    result = analyze(
        incidents, observations, network=network, gazetteer=load_gazetteer(args.gazetteer, network),
        n_simulations=0,
    )  # fmt: skip
    areas = next((f for f in known if "area_id" in f.columns), None)
    plan = read_plan(args.register, places=[result.places, *([] if areas is None else [areas])])
    table = followup_plan(plan, result.incidents, places=result.places, areas=areas, network=network)
    out = write_table(followup_table(table, privacy=args.privacy), args.out or "atgardsuppfoljning.xlsx")
    met = int(table["goal_met"].sum())
    print(f"{len(table)} measures followed up, {met} met their goal: {out}")
    return 0
