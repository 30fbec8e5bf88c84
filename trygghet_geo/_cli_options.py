"""Command-line options that mirror the library's arguments: reading your own files (``--columns``,
``--sheet``, ``--header-row``, ``--crs``, ``--categories`` …) and the analysis (``--period``, ``--weights``,
``--eps-m``/``--min-samples`` with ``auto``, ``--include-uncertain``). Parsers turn the option text into the
Python values; a bad value is a :class:`~trygghet_geo.errors.ParameterError` naming the option (a usage error:
the command line exits with status 2).
"""

from __future__ import annotations

import argparse
import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trygghet_geo.errors import ParameterError

if TYPE_CHECKING:
    from collections.abc import Callable

    import geopandas as gpd

    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork

__all__ = [
    "add_analysis_options",
    "add_basemap_options",
    "add_read_options",
    "analysis_kwargs",
    "basemap_argument",
    "basemap_kwargs",
    "parse_columns",
    "parse_period",
    "parse_weights",
    "read_inputs",
    "reader_kwargs",
    "with_loaders",
]


def add_read_options(p: argparse.ArgumentParser, *, observations: bool) -> None:
    """Options for reading the user's own files, as ``read_incidents``/``read_observations`` take them."""
    p.add_argument(
        "--columns",
        help="which column holds what, overriding recognition: field=header,… e.g. "
        "'place=Var,date=Datum,time=Kl,category=Typ av brott' (fields: record_id, case_id, date, time, "
        "date_to, time_to, datetime, category, offence_code, place, town, lat, lon, x, y, note, measure, "
        "remark_status, tone); 'field=' ignores a recognised column",
    )
    p.add_argument("--sheet", help="Excel sheet name or 0-based position (default: the first)")
    p.add_argument(
        "--header-row", type=int, help="row (1-based, as Excel numbers rows) of the column names "
        "(default: title lines above the header are detected)",
    )  # fmt: skip
    p.add_argument("--crs", help="CRS of the coordinate columns, e.g. EPSG:3006 (default: detect)")
    p.add_argument("--encoding", help="text encoding of a CSV (default: detect)")
    p.add_argument("--delimiter", help="delimiter of a CSV (default: detect)")
    p.add_argument(
        "--categories", help="your own category table: CSV with columns raw;category (optionally kind "
        "incident/observation), consulted before the shipped one",
    )  # fmt: skip
    p.add_argument("--max-excel-mb", type=float, help="largest Excel workbook read, MB uncompressed (100)")
    if observations:
        p.add_argument("--observation-columns", help="as --columns, for the --observations file")
        p.add_argument("--observation-sheet", help="as --sheet, for the --observations file")
        p.add_argument("--observation-header-row", type=int, help="as --header-row, for --observations")


def add_analysis_options(p: argparse.ArgumentParser) -> None:
    """Options of ``analyze()`` beyond reading."""
    p.add_argument(
        "--eps-m", type=_eps, default=None,
        help="cluster distance along the streets in metres, or 'auto' (default: analyze's default)",
    )  # fmt: skip
    p.add_argument(
        "--min-samples", type=_min_samples, default=None,
        help="events within eps for a core point, or 'auto' (default: analyze's default)",
    )  # fmt: skip
    p.add_argument(
        "--method", choices=("dbscan", "hdbscan"), default=None,
        help="clustering: dbscan (eps and min-samples) or hdbscan (self-adjusting, no eps; min-samples is "
        "the smallest hotspot) (default: analyze's default, dbscan)",
    )  # fmt: skip
    p.add_argument(
        "--period", help="the period the counts cover: START..END (e.g. 2024-01-01..2024-12-31), a year "
        "(2024) or a month (2024-03); default: the span of the incidents' dates",
    )  # fmt: skip
    p.add_argument(
        "--weights", help="score weights: name=number,… e.g. 'narkotika=3,stöld=2,observations=0.5'",
    )  # fmt: skip
    p.add_argument(
        "--include-uncertain", action="store_true",
        help="cluster geocoder answers that are ambiguous or score below --min-geocode-score (default: "
        "left out with reason geocode_uncertain)",
    )  # fmt: skip
    p.add_argument(
        "--min-geocode-score", type=float, default=80.0,
        help="geocoder answers scoring below this (0-100) count as uncertain (80)",
    )  # fmt: skip


def _eps(text: str) -> float | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected metres or 'auto', got {text!r}") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"expected a positive distance in metres, got {text!r}")
    return value


def _min_samples(text: str) -> int | str:
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'auto', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {text!r}")
    return value


def parse_columns(text: str | None, option: str = "--columns") -> dict[str, str | None] | None:
    """``field=header,…`` as a dict; a header holding a comma is quoted (``"place=Plats, gata"``).

    >>> parse_columns('place=Var,date=Datum,"category=Typ, brott",town=')
    {'place': 'Var', 'date': 'Datum', 'category': 'Typ, brott', 'town': None}
    """
    if text is None:
        return None
    try:
        parts = next(csv.reader([text], delimiter=",", skipinitialspace=True), [])
    except csv.Error:  # a line break outside quotes: one option's text is one line
        raise ParameterError(f"{option} {text!r}: expected field=header,… on one line") from None
    out: dict[str, str | None] = {}
    for part in parts:
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ParameterError(
                f"{option} {text!r}: expected field=header,… (e.g. place=Adress), got {part!r}"
            )
        out[key.strip()] = value.strip() or None
    from trygghet_geo.io._columns import _CANONICAL_TO_ROLE, ROLES

    for key in out:
        if _CANONICAL_TO_ROLE.get(key, key) not in ROLES:
            raise ParameterError(f"{option} {key}=...: names no known field; expected one of {list(ROLES)}")
    if not out:
        raise ParameterError(f"{option} {text!r}: expected field=header,… (e.g. place=Adress)")
    return out


def parse_weights(text: str | None) -> dict[str, float] | None:
    """``name=number,…`` as a dict of floats.

    >>> parse_weights("narkotika=3, stöld=2,5")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    trygghet_geo.errors.ParameterError: --weights 'narkotika=3, stöld=2,5': ... (a decimal point, not a ...
    >>> parse_weights("narkotika=3, stöld=2.5")
    {'narkotika': 3.0, 'stöld': 2.5}
    """
    if text is None:
        return None
    out: dict[str, float] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError(part)
            out[key.strip()] = float(value)
            if not 0 <= out[key.strip()] < math.inf:
                raise ValueError(part)
        except ValueError:
            raise ParameterError(
                f"--weights {text!r}: expected name=number,… (a decimal point, not a comma), "
                f"got {part.strip()!r}"
            ) from None
    from trygghet_geo.rank import DEFAULT_WEIGHTS

    unknown = sorted(set(out) - set(DEFAULT_WEIGHTS))
    if unknown:
        raise ParameterError(
            f"--weights {text!r}: unknown names {unknown}; known: {', '.join(DEFAULT_WEIGHTS)}"
        )
    return out


def parse_period(text: str | None) -> tuple[Any, Any] | None:
    """``START..END`` (or ``START:END``), a year or a month, as a (start, end) pair of timestamps.

    >>> [str(t.date()) for t in parse_period("2024-03")]
    ['2024-03-01', '2024-03-31']
    >>> [str(t.date()) for t in parse_period("2024-01-01..2024-06-30")]
    ['2024-01-01', '2024-06-30']
    >>> [str(t.date()) for t in parse_period("2024-01..2024-06")]
    ['2024-01-01', '2024-06-30']
    """
    if text is None:
        return None
    import datetime as dt

    import pandas as pd

    def bound(part: str, last: bool) -> Any:
        p = part.strip()
        if len(p) == 4 and p.isdigit():  # a year
            return pd.Timestamp(f"{p}-12-31" if last else f"{p}-01-01")
        if len(p) == 7 and p[:4].isdigit() and p[4] == "-" and p[5:].isdigit():  # a month
            first = pd.Timestamp(f"{p}-01")
            return first + pd.offsets.MonthEnd(0) if last else first
        if single:
            raise ValueError(p)
        return pd.Timestamp(dt.datetime.fromisoformat(p))  # ISO only: pandas would also take "now" or "NaT"

    raw = text.strip()
    parts = raw.split("..") if ".." in raw else raw.split(":") if raw.count(":") == 1 else [raw]
    single = len(parts) == 1
    try:
        if len(parts) > 2:
            raise ValueError(raw)
        start, end = bound(parts[0], last=False), bound(parts[-1], last=True)
    except ValueError:
        raise ParameterError(
            f"--period {text!r}: expected START..END (2024-01-01..2024-12-31), a year (2024) or a month "
            "(2024-03)"
        ) from None
    if end < start:
        raise ParameterError(f"--period {text!r}: the end lies before the start")
    return start, end


def reader_kwargs(args: argparse.Namespace, *, observations: bool = False) -> dict[str, Any]:
    """Keyword arguments of ``read_incidents`` (``observations``: ``read_observations``) from the options."""
    prefix = "observation_" if observations else ""
    columns = getattr(args, f"{prefix}columns", None)
    return {
        "columns": parse_columns(columns, f"--{prefix.replace('_', '-')}columns"),
        "sheet": getattr(args, f"{prefix}sheet", None),
        "header_row": getattr(args, f"{prefix}header_row", None),
        "crs": getattr(args, "crs", None),
        "encoding": getattr(args, "encoding", None),
        "delimiter": getattr(args, "delimiter", None),
        "categories": _categories(
            getattr(args, "categories", None), "observation" if observations else "incident"
        ),
        "max_excel_mb": getattr(args, "max_excel_mb", None),
    }


def _categories(path: str | None, kind: str) -> dict[str, str] | None:
    if path is None:
        return None
    from trygghet_geo.io._categories import read_category_table

    if not Path(path).is_file():
        raise ParameterError(f"--categories {path!r}: no such file")
    return read_category_table(path, kind=kind)  # type: ignore[arg-type]


def read_inputs(args: argparse.Namespace) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The incident file (and the ``--observations`` file) read with the reading options."""
    from trygghet_geo.io import read_incidents, read_observations

    inc = read_incidents(args.incidents, **reader_kwargs(args))
    obs = None
    if getattr(args, "observations", None):
        obs = read_observations(args.observations, **reader_kwargs(args, observations=True))
    return inc, obs


def analysis_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of ``analyze()`` from the options; ``--eps-m``/``--min-samples``/``--method`` are
    passed only when given (a number or the string ``"auto"``), so analyze's own defaults apply otherwise."""
    out: dict[str, Any] = {
        "period": parse_period(args.period),
        "weights": parse_weights(args.weights),
        "include_uncertain": bool(args.include_uncertain),
        "min_geocode_score": float(args.min_geocode_score),
    }
    for name in ("eps_m", "min_samples", "method"):
        value = getattr(args, name, None)
        if value is not None:
            out[name] = value
    return out


def with_loaders(
    add: Callable[..., Callable[[argparse.Namespace], int]],
    name: str,
    *,
    load_network: Callable[[str], StreetNetwork],
    load_gazetteer: Callable[[str | None, StreetNetwork], Gazetteer | None],
) -> Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], Callable[[argparse.Namespace], int]]:
    """A subcommand's ``add_*`` function with the command line's loaders bound, named ``_add_<name>`` as the
    command table in :mod:`trygghet_geo.cli` expects (modules beside the CLI do not import it)."""

    def bound(
        sub: argparse._SubParsersAction[argparse.ArgumentParser],
    ) -> Callable[[argparse.Namespace], int]:
        return add(sub, load_network=load_network, load_gazetteer=load_gazetteer)

    bound.__name__ = f"_add_{name}"
    return bound


_PBF_HELP = (
    "the OSM extract (.osm.pbf) the street network came from, for the map's basemap (water, parks, "
    "buildings, railway); default: --network itself when it is a .pbf"
)
_NO_BASEMAP_HELP = "no basemap under the map: streets only (nothing is read from the OSM extract)"


def add_basemap_options(p: argparse.ArgumentParser) -> None:
    """``--pbf`` and ``--no-basemap``: the basemap ``analyze()`` reads from the network's OSM extract (the
    same options on every subcommand that writes a map)."""
    p.add_argument("--pbf", help=_PBF_HELP)
    p.add_argument("--no-basemap", action="store_true", help=_NO_BASEMAP_HELP)


def basemap_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """``analyze()``'s ``basemap`` from the options: False with ``--no-basemap``, the extract named by
    ``--pbf``, or nothing (analyze's default: the extract the network was read from, if any)."""
    pbf, off = getattr(args, "pbf", None), bool(getattr(args, "no_basemap", False))
    if off and pbf:
        raise ParameterError("--pbf names the basemap's extract and --no-basemap asks for none: give one")
    if off:
        return {"basemap": False}
    if pbf:
        if not Path(pbf).is_file():
            raise ParameterError(f"--pbf {pbf!r}: no such file")
        return {"basemap": Path(pbf)}
    return {}


def basemap_argument(args: argparse.Namespace) -> bool | Path:
    """The ``basemap`` argument of ``analyze()`` the options ask for, analyze's default (True: the extract
    the network was read from, if any) when neither is given: what a subcommand building its own map hands
    to :func:`trygghet_geo.network._basemap.resolve_basemap`. Call it before the work starts, so a usage
    error comes first."""
    value: bool | Path = basemap_kwargs(args).get("basemap", True)
    return value
