"""Command-line options checked before any work starts: a run of several minutes must not end in an error
that its options already made certain (an output folder that cannot be written, an inverted ``--bbox``).

Each check raises :class:`~trygghet_geo.errors.ParameterError` or :class:`~trygghet_geo.errors.InputError`
naming the option and echoing its value; the CLI prints it on one line and exits non-zero.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from trygghet_geo import _validate as v
from trygghet_geo.errors import InputError, ParameterError

__all__ = ["check_options", "parse_bbox"]

# Options naming a file that must exist before the run, and the suffixes each may have (None: any). The
# network is checked by its loader (which also names the kinds it reads), before anything is read.
_INPUTS: dict[str, tuple[str, ...] | None] = {
    "incidents": None,
    "file": None,
    "gazetteer": None,
    "observations": None,
    "pbf": (".pbf",),
    "osm": (".osm", ".xml"),
    "graphml": (".graphml",),
    "lines": None,
    "study_area": (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".kml", ".gml", ".zip"),
    "places": (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".kml", ".gml", ".zip"),
    "areas": (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".kml", ".gml", ".zip"),
    "plan": None,
    "ranking": None,
    "reference": None,
    "survey": None,
    "previous": None,
}
# Subcommands whose --out is a folder; for the others it is one file of these kinds.
_FOLDER_OUT = {"demo", "analyze", "report", "density", "lagesbild", "hotlist", "batch"}
_FILE_OUT = {
    "validate": (".csv", ".txt", ".xlsx", ".gpkg", ".geojson", ".parquet"),
    "geocode": (".csv", ".txt", ".xlsx", ".gpkg", ".geojson", ".parquet"),
    "network": (".gpkg",),
}
_COUNTS = {"n_simulations": 0, "top": 1, "followup": 1}  # --eps-m/--min-samples: checked by argparse


def parse_bbox(flag: str, text: str) -> tuple[float, float, float, float]:
    """``min_lon,min_lat,max_lon,max_lat`` as four numbers in order (an inverted or NaN box is refused)."""
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise ParameterError(f"{flag} {text!r}: expected min_lon,min_lat,max_lon,max_lat (four numbers)")
    return v.bbox(flag, values)


def _writable_folder(flag: str, folder: Path) -> None:
    """``folder``, or the nearest folder above it that exists, takes a new file: tried, not guessed, since
    permission bits say nothing about a read-only mount, ``/proc`` or a user with root rights."""
    import tempfile

    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ParameterError(f"{flag} {str(folder)!r}: {str(probe)!r} is a file, not a folder")
    try:  # a file made and removed at once in the nearest folder that exists (nothing is left behind)
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        raise ParameterError(f"{flag} {str(folder)!r}: cannot write there ({exc.strerror or exc})") from None


def _check_out(args: argparse.Namespace) -> None:
    out = getattr(args, "out", None)
    if out is None:
        return
    path = Path(out)
    if args.command in _FOLDER_OUT or getattr(args, "by_municipality", None):  # network's store: a folder
        if path.exists() and not path.is_dir():
            raise ParameterError(f"--out {out!r}: is an existing file; expected a folder for the outputs")
        _writable_folder("--out", path)
        return
    suffixes = _FILE_OUT.get(args.command)
    if path.is_dir():
        raise ParameterError(f"--out {out!r}: is a folder; expected a file name such as result.csv")
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ParameterError(f"--out {out!r}: expected a file ending in {', '.join(suffixes)}")
    if path.exists() and not os.access(path, os.W_OK):
        raise ParameterError(f"--out {out!r}: the file exists and cannot be overwritten")
    _writable_folder("--out", path.parent)


def _check_inputs(args: argparse.Namespace) -> None:
    for name, suffixes in _INPUTS.items():
        value = getattr(args, name, None)
        if not isinstance(value, str):  # not given (or a switch of the same name, geocode --observations)
            continue
        flag = (
            name
            if name in ("incidents", "file") and args.command not in ("report", "lagesbild")
            else f"--{name.replace('_', '-')}"
        )
        path = Path(value)
        if not path.exists():
            raise InputError(f"{flag} {value!r}: no such file")
        if path.is_dir():
            raise InputError(f"{flag} {value!r}: is a folder; expected a file")
        if suffixes is not None and not any(path.name.lower().endswith(s) for s in suffixes):
            raise InputError(f"{flag} {value!r}: expected a polygon layer ({', '.join(suffixes)})")


def check_options(args: argparse.Namespace) -> None:
    """Every option of a parsed command line that can be checked without doing the work."""
    _check_inputs(args)
    for name, minimum in _COUNTS.items():
        value = getattr(args, name, None)
        if value is not None and value < minimum:
            raise ParameterError(f"--{name.replace('_', '-')} {value}: expected a whole number >= {minimum}")
    mb = getattr(args, "max_excel_mb", None)
    if mb is not None:
        v.positive("--max-excel-mb", mb)
    if getattr(args, "bbox", None):
        parse_bbox("--bbox", args.bbox)
    delimiter = getattr(args, "delimiter", None)
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise ParameterError(f"--delimiter {delimiter!r}: expected one character such as ';', ',' or a tab")
    encoding = getattr(args, "encoding", None)
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ParameterError(
                f"--encoding {encoding!r}: not a text encoding (utf-8, cp1252, utf-16 …)"
            ) from None
    crs = getattr(args, "crs", None)
    if crs is not None:
        import pyproj

        try:
            pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError:
            raise ParameterError(f"--crs {crs!r}: not a known CRS (e.g. EPSG:3006, EPSG:4326)") from None
    promise = getattr(args, "promise_date", None)
    if promise is not None:
        import datetime as dt

        try:
            dt.date.fromisoformat(promise)
        except ValueError:
            raise ParameterError(f"--promise-date {promise!r}: expected a date YYYY-MM-DD") from None
    _check_out(args)
