"""Command-line options checked before any work starts: a run of several minutes must not end in an error
that its options already made certain (an output folder that cannot be written, an inverted ``--bbox``).

Each check raises :class:`~trygghet_geo.errors.ParameterError` or :class:`~trygghet_geo.errors.InputError`
naming the option and echoing its value; the CLI prints it on one line and exits non-zero.
"""

from __future__ import annotations

import argparse
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from trygghet_geo import _validate as v
from trygghet_geo.errors import InputError, ParameterError

__all__ = ["check_combinations", "check_options", "parse_bbox"]

# Options naming a file that must exist before the run, and the suffixes each may have (None: any).
_LAYERS = (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".kml", ".gml", ".zip")
_INPUTS: dict[str, tuple[str, ...] | None] = {
    "incidents": None,
    "file": None,
    "network": None,  # its loader names the kinds it reads
    "gazetteer": None,
    "observations": None,
    "categories": None,
    "addresses": None,
    "pbf": (".pbf",),
    "osm": (".osm", ".xml"),
    "graphml": (".graphml",),
    "lines": None,
    "study_area": _LAYERS,
    "places": _LAYERS,
    "areas": _LAYERS,
    "municipalities": _LAYERS,
    "by_municipality": _LAYERS,
    "plan": None,
    "ranking": None,
    "reference": None,
    "survey": None,
    "previous": None,
    "other_sources": None,  # several files
}
# Subcommands whose --out is a folder; for the others it is one file of these kinds.
_FOLDER_OUT = {"demo", "analyze", "report", "density", "trend", "lagesbild", "hotlist", "batch"}
# The files each folder-writing subcommand writes in --out ("{name}": its --name), so that a folder or a
# read-only file in one's place is found before the work, not after half the files are written.
_MAP, _PLACES = "trygghetskarta.html", ("platser.csv", "platser.xlsx")
_WRITES: dict[str, tuple[str, ...]] = {
    "analyze": (_MAP, *_PLACES, "utelamnade.csv", "utelamnade_synpunkter.csv", "manifest.json"),
    "report": ("{name}.html", "{name}.xlsx", "manifest.json"),
    "density": ("tathet.gpkg", "tathet.parquet", "tathetskarta.html"),
    "trend": ("utveckling.gpkg", "narupprepning.csv", "utveckling.html"),
    "lagesbild": ("{name}.html", "{name}.docx", "{name}.pdf", "lagesbild_karta.html", "manifest.json"),
    "hotlist": ("hotlist.html", "hotlist.docx"),
    "demo": (_MAP, *_PLACES, "uppfoljning.html", "uppfoljning.xlsx", "lagesbild.html", "lagesbild.docx",
             "lagesbild.pdf", "lagesbild_karta.html", "manifest.json"),
    "batch": ("places.parquet", "index.html"),
}  # fmt: skip
_TABLES = (".csv", ".txt", ".xlsx", ".gpkg", ".geojson", ".parquet")
_FILE_OUT = {"validate": _TABLES, "geocode": _TABLES, "network": (".gpkg",), "plan": (".xlsx", ".csv")}


@dataclass(frozen=True)
class _Range:
    """The values a numeric option takes: ``low`` to ``high``, ``low`` itself refused when ``above``."""

    low: float
    high: float
    above: bool = False
    what: str = "a whole number"

    def text(self) -> str:
        return f"{self.what} {'>' if self.above else '>='} {self.low:g} and <= {self.high:g}"


_METRES = _Range(0, 100_000, above=True, what="metres, a number")  # 100 km: beyond any town's streets
_PIECE = _Range(1, 100_000, what="metres, a number")  # a street cut into pieces under 1 m: billions of them
_SIMULATIONS = _Range(0, 99_999)
# Every numeric option of every subcommand (by its dest): NaN and infinity are refused for all of them, and a
# bound keeps a typing slip (an extra digit, 1e30) from running for days or running out of memory.
_NUMBERS: dict[str, _Range] = {
    "n_simulations": _SIMULATIONS,
    "simulations": _Range(1, 99_999),  # trend's near-repeat permutations: a test needs one at least
    "max_depth": _Range(0, 10_000),
    "seed": _Range(0, 2**32 - 1),
    "top": _Range(1, 100_000),
    "followup": _Range(1, 100_000),
    "days": _Range(1, 36_525),  # a century of days: dates beyond it leave pandas' range
    "baseline_days": _Range(1, 36_525),
    "header_row": _Range(1, 1_048_576),  # Excel's last row
    "observation_header_row": _Range(1, 1_048_576),
    "workers": _Range(1, 1_024),
    "min_samples": _Range(1, 1_000_000),
    "eps_m": _METRES,
    "lixel_m": _PIECE,
    "segment_m": _PIECE,
    "neighbourhood_m": _METRES,
    "bandwidth_m": _METRES,
    "max_snap_m": _METRES,
    "consolidate_m": _Range(0, 100_000, what="metres, a number"),
    "max_excel_mb": _Range(0, 1_000_000, above=True, what="megabytes, a number"),
    "population": _Range(0, 1e10, above=True, what="inhabitants, a number"),
    "older_than_days": _Range(0, 1e6, what="days, a number"),
    "min_share": _Range(0, 1, what="a share, a number"),  # and below 1: checked below
    "min_geocode_score": _Range(0, 100, what="a score, a number"),
}
# Text options that name something (a column, a sheet, a scheduler): a blank value names nothing.
_NAMES = ("kommunkod_field", "code_column", "scheduler", "name_column", "sheet", "observation_sheet", "place")


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
        _not_a_broken_link(flag, folder, probe)
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ParameterError(f"{flag} {str(folder)!r}: {str(probe)!r} is a file, not a folder")
    try:  # a file made and removed at once in the nearest folder that exists (nothing is left behind)
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        raise ParameterError(f"{flag} {str(folder)!r}: cannot write there ({exc.strerror or exc})") from None


def _not_a_broken_link(flag: str, given: Path, path: Path) -> None:
    """``path`` (on the way to ``given``) is not a symbolic link to nothing, or one of a loop: the run
    could not make a folder or a file there, and would find out only after the work."""
    if os.path.islink(path) and not path.exists():
        raise ParameterError(
            f"{flag} {str(given)!r}: {str(path)!r} is a link to {os.readlink(path)!r}, which does not exist"
        )


# Room kept below the longest path for what an output adds to it: a file in an output folder (the longest of
# _WRITES) and the temporary name each output is written under first (_atomic: '.NAME.PID.part.SUFFIX').
_TEMPORARY_ROOM = 32


def _fits(flag: str, value: str, room: int = 0) -> Path:
    """``value`` as a path the file system can hold: each name within its longest file name and the whole,
    with ``room`` bytes to spare, within its longest path (checked by length, since a missing folder on the
    way hides the system's own error until something is written)."""
    path = Path(value)
    probe = path.absolute()
    while not os.path.isdir(probe) and probe.parent != probe:
        probe = probe.parent
    try:
        longest_name, longest_path = os.pathconf(probe, "PC_NAME_MAX"), os.pathconf(probe, "PC_PATH_MAX")
    except (OSError, ValueError):  # no pathconf here: the usual Linux limits
        longest_name, longest_path = 255, 4096
    size = len(os.fsencode(path.absolute()))
    part = max((len(os.fsencode(p)) for p in path.parts), default=0)
    if part > longest_name or size + room >= longest_path:
        most = longest_path - room - 1
        limit = f"{longest_name} bytes a name" if part > longest_name else f"{most} bytes a path"
        raise ParameterError(f"{flag} {value[:60]!r}…: too long for the file system (at most {limit})")
    return path


def _output_file(flag: str, out: str, suffixes: tuple[str, ...] | None) -> None:
    """``out`` names a file that can be written: not a folder, of a kind in ``suffixes``, in a folder that
    takes a new file."""
    path = Path(out)
    if path.is_dir() or out.endswith(("/", os.sep)):
        raise ParameterError(f"{flag} {out!r}: is a folder; expected a file name such as result.csv")
    _regular_or_new(flag, out, path)
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise ParameterError(f"{flag} {out!r}: expected a file ending in {', '.join(suffixes)}")
    if path.exists() and not os.access(path, os.W_OK):
        raise ParameterError(f"{flag} {out!r}: the file exists and cannot be overwritten")
    _not_a_broken_link(flag, path, path)
    _writable_folder(flag, path.parent)


def _regular_or_new(flag: str, shown: str, path: Path) -> None:
    """An output ``path`` that exists is a plain file: a named pipe would hang the run at its first write
    (nobody reads it), and a device or socket takes no file."""
    if path.exists() and not path.is_dir() and not path.is_file():
        raise ParameterError(
            f"{flag} {shown!r}: {str(path)!r} is a named pipe, a device or a socket, not a file; give a "
            "file name"
        )


def _outputs(args: argparse.Namespace) -> dict[str, tuple[str, tuple[str, ...] | None]]:
    """The files and folders a command line will write, by the option naming each, with the kinds a file may
    be (a folder: ``("/",)``)."""
    command, out = args.command, getattr(args, "out", None)
    found: dict[str, tuple[str, tuple[str, ...] | None]] = {}
    if command == "plan":
        if args.action == "init":
            if os.path.isfile(args.register):  # a register filled since: its measures would be lost
                raise ParameterError(
                    f"register {args.register!r}: exists already; 'plan init' writes a new, empty register "
                    "(give another name, or remove that file first)"
                )
            found["register"] = (args.register, (".xlsx", ".xlsm", ".csv", ".txt"))
        elif args.action == "followup":
            found["--out"] = (out or "atgardsuppfoljning.xlsx", (".xlsx", ".csv"))
        return found
    if out is not None:
        folder = command in _FOLDER_OUT or getattr(args, "by_municipality", None)  # network's store: a folder
        found["--out"] = (out, ("/",) if folder else _FILE_OUT.get(command))
    if command == "demo":
        found["--raw"] = (args.raw, ("/",))
    if getattr(args, "save_gazetteer", None) is not None:
        found["--save-gazetteer"] = (args.save_gazetteer, (".parquet", ".gpkg"))
    if command == "validate":  # the rejects table beside the validated one (see cli._run_validate)
        validated = Path(out) if out else Path.cwd() / f"{Path(args.file).stem}.validated.csv"
        rejects = validated.with_name(f"{validated.stem.removesuffix('.validated')}.rejects.csv")
        found["--out (its rejects table)"] = (str(rejects), None)
    return found


def _check_out(args: argparse.Namespace) -> None:
    inputs = _given_inputs(args)
    written: list[tuple[str, str]] = []  # the files checked so far: no two outputs in one file
    for flag, (value, kinds) in _outputs(args).items():
        if not value.strip():
            raise ParameterError(
                f"{flag} {value!r}: empty; expected a {'folder' if kinds == ('/',) else 'file'}"
            )
        inside = max((len(os.fsencode(n)) for n in _WRITES.get(args.command, ())), default=0)
        path = _fits(flag, value, _TEMPORARY_ROOM + (inside + 1 if kinds == ("/",) else 0))
        if kinds == ("/",):
            if path.exists() and not path.is_dir():
                raise ParameterError(
                    f"{flag} {value!r}: is an existing file; expected a folder for the outputs"
                )
            _writable_folder(flag, path)
            _files_in_folder(args, flag, path)
            continue
        for role, given in inputs + written:
            if _same_file(path, Path(given)):
                what = "an input" if (role, given) in inputs else "an output"
                raise ParameterError(
                    f"{flag} {value!r}: is also {what} ({role}); the run would overwrite what it "
                    f"{'reads' if what == 'an input' else 'writes'}"
                )
        _output_file(flag, value, kinds)
        written.append((flag, value))


def _files_in_folder(args: argparse.Namespace, flag: str, folder: Path) -> None:
    """No folder and no read-only file where the command writes one of its files in ``folder``."""
    if flag != "--out" or not folder.is_dir():
        return
    inputs = _given_inputs(args)
    for pattern in _WRITES.get(args.command, ()):
        path = folder / pattern.format(name=getattr(args, "name", ""))
        for role, given in inputs:
            if _same_file(path, Path(given)):
                raise ParameterError(
                    f"--out {str(folder)!r}: the run writes {path.name!r} there, which is the input {role}"
                )
        _regular_or_new("--out", str(folder), path)
        if path.is_dir() or (path.exists() and not os.access(path, os.W_OK)):
            what = "a folder" if path.is_dir() else "a read-only file"
            raise ParameterError(
                f"--out {str(folder)!r}: {path.name!r} is {what}; the run writes a file of that name there"
            )


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return a.samefile(b)
    return os.path.realpath(a) == os.path.realpath(b)


def _flag(args: argparse.Namespace, name: str) -> str:
    positional = name in ("incidents", "file") and args.command not in ("report", "lagesbild", "plan")
    return name if positional else f"--{name.replace('_', '-')}"


def _given_inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """Every input file the command line names, as (option, path)."""
    found = []
    for name in _INPUTS:
        value = getattr(args, name, None)
        values = value if isinstance(value, list) else [value]
        found += [(_flag(args, name), v) for v in values if isinstance(v, str)]  # a switch of the same name
    if args.command == "plan" and args.action != "init":
        found.append(("register", args.register))
    return found


def _check_inputs(args: argparse.Namespace) -> None:
    for flag, value in _given_inputs(args):
        path = _fits(flag, value)
        if not value.strip() or not path.exists():
            raise InputError(f"{flag} {value!r}: no such file")
        if path.is_dir():
            raise InputError(f"{flag} {value!r}: is a folder; expected a file")
        if not path.is_file():  # a pipe (<(…), /dev/stdin), a FIFO or a device: the readers look at a file
            raise InputError(  # more than once (its size, its encoding, then its rows)
                f"{flag} {value!r}: is a pipe or a device, not a file (it can be read only once); save it "
                "to a file first"
            )
        suffixes = _INPUTS.get(flag.lstrip("-").replace("-", "_"))
        if suffixes is not None and not any(path.name.lower().endswith(s) for s in suffixes):
            kind = "a polygon layer" if suffixes == _LAYERS else "a file"
            raise InputError(f"{flag} {value!r}: expected {kind} ({', '.join(suffixes)})")
    for key in ("output", "networks"):  # verify's output (a folder or a file) and batch's network store
        where, flag = getattr(args, key, None), f"{'--' if key == 'networks' else ''}{key}"
        if isinstance(where, str) and not (where.strip() and _fits(flag, where).exists()):
            raise InputError(f"{flag} {where!r}: no such file or folder")
    if isinstance(getattr(args, "networks", None), str) and not Path(args.networks).is_dir():
        raise InputError(
            f"--networks {args.networks!r}: is not a folder (build one with network --by-municipality)"
        )


def _check_numbers(args: argparse.Namespace) -> None:
    for name, rule in _NUMBERS.items():
        value = getattr(args, name, None)
        if value is None or isinstance(value, str | bool):  # not given, or 'auto'
            continue
        ok = (
            math.isfinite(value) and rule.low <= value <= rule.high and not (rule.above and value == rule.low)
        )
        if name == "min_share":
            ok = ok and value < 1
        if not ok:
            shown = f"{value:g}" if isinstance(value, float) else str(value)
            raise ParameterError(f"--{name.replace('_', '-')} {shown}: expected {rule.text()}")


def _check_texts(args: argparse.Namespace) -> None:
    """The option texts that :mod:`trygghet_geo._cli_options` parses, parsed now rather than after the
    network is read; and names, dates and file names that cannot be right."""
    from trygghet_geo import _cli_options as opts

    if hasattr(args, "period"):
        opts.parse_period(args.period)
        opts.parse_weights(args.weights)
    for prefix in ("", "observation_"):
        opts.parse_columns(getattr(args, f"{prefix}columns", None), f"--{prefix.replace('_', '-')}columns")
    opts.basemap_kwargs(args)
    for name in _NAMES:
        value = getattr(args, name, None)
        if isinstance(value, str) and not value.strip():
            raise ParameterError(f"--{name.replace('_', '-')} {value!r}: empty; expected a name")
    for name in ("promise_date", "end"):
        if getattr(args, name, None) is not None:
            setattr(args, name, _date(f"--{name.replace('_', '-')}", getattr(args, name)))
    stem = getattr(args, "name", None)
    if isinstance(stem, str) and (
        not stem.strip() or stem.strip(".") == "" or any(c in stem for c in "/\\\0") or len(stem) > 200
    ):
        raise ParameterError(
            f"--name {stem!r}: expected a file name without folder or suffix, such as 'uppfoljning'"
        )


def _date(flag: str, value: str) -> str:
    """``value`` as ``YYYY-MM-DD``: an ISO date within the plausible dates (``options.plausible_dates``), as
    the library reads a date; handed on in that form, so the run reads exactly the day checked here."""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ParameterError(f"{flag} {value!r}: expected a date YYYY-MM-DD") from None
    try:
        v.date(flag, day.isoformat())
    except ParameterError as exc:
        raise ParameterError(f"{flag} {value!r}: {str(exc).split(': ', 1)[-1]}") from None
    return day.isoformat()


def _check_reading(args: argparse.Namespace) -> None:
    if getattr(args, "bbox", None) is not None:
        parse_bbox("--bbox", args.bbox)
    delimiter = getattr(args, "delimiter", None)
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n\0'):
        raise ParameterError(f"--delimiter {delimiter!r}: expected one character such as ';', ',' or a tab")
    encoding = getattr(args, "encoding", None)
    if encoding is not None:
        try:  # str.encode takes text encodings only: rot13, base64 or zlib are codecs but not encodings
            "".encode(encoding)
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


def check_options(args: argparse.Namespace) -> None:
    """Every option of a parsed command line that can be checked without doing the work. Paths are expanded
    (a leading ``~``) and dates written as ``YYYY-MM-DD`` in ``args`` itself, so that the run reads the
    values as they were checked."""
    try:  # a shell left in a folder removed since: every relative path, and Python's own, would fail
        os.getcwd()
    except FileNotFoundError:
        raise ParameterError(
            "the current folder no longer exists (removed after the shell entered it); cd to a folder that "
            "exists"
        ) from None
    _check_characters(args)
    _expand_paths(args)
    _check_inputs(args)
    _check_numbers(args)
    _check_texts(args)
    _check_reading(args)
    check_combinations(args)
    _check_out(args)
    if getattr(args, "scheduler", None) is not None:  # last: it may wait for an answer over the network
        from trygghet_geo._cli_probe import check_scheduler

        check_scheduler(args.scheduler)


# Options naming a path, read or written (by dest): the file system takes any character in them but NUL.
_PATHS = (*_INPUTS, "out", "raw", "save_gazetteer", "register", "output", "networks")
_POSITIONAL_PATHS = ("register", "output")
# A shell variable left in a path: the value was quoted ('$HOME/ut'), so the shell did not expand it.
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")


def _path_flag(args: argparse.Namespace, name: str) -> str:
    return name if name in _POSITIONAL_PATHS else _flag(args, name)


def _check_characters(args: argparse.Namespace) -> None:
    """No NUL in any value (no file name or text holds one), and no byte that is not UTF-8 in a value that
    is not a path (Python holds such bytes as lone surrogates: a file name may have them, a column name, a
    title or a CRS cannot be written with them)."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if not isinstance(text, str):
                continue
            flag = _path_flag(args, name) if name in _PATHS else f"--{name.replace('_', '-')}"
            if "\0" in text:
                raise ParameterError(f"{flag} {text[:60]!r}: holds a NUL character")
            if name not in _PATHS and any("\ud800" <= c <= "\udfff" for c in text):
                raise ParameterError(f"{flag} {text[:60]!r}: holds bytes that are not UTF-8 text")


def _expanded(flag: str, value: str) -> str:
    """``value`` with a leading ``~`` or ``~user`` expanded as the shell expands it at the start of a word
    (it does not after ``--out=``); a shell variable the shell left unexpanded is refused."""
    if value.startswith("~"):
        expanded = os.path.expanduser(value)
        if expanded.startswith("~"):
            user = value[1:].split("/", 1)[0]
            raise ParameterError(f"{flag} {value!r}: there is no user {user!r} for '~{user}' to name")
        value = expanded
    variable = _VARIABLE.search(value)
    named = variable is not None and (variable.group(1) or variable.group(2)) in os.environ
    if variable is not None and named and not os.path.lexists(value):
        raise ParameterError(
            f"{flag} {value!r}: {variable.group(0)} is a shell variable that was not expanded (the value "
            "was quoted); give the path itself"
        )
    return value


def _expand_paths(args: argparse.Namespace) -> None:
    for name in _PATHS:
        value = getattr(args, name, None)
        flag = _path_flag(args, name)
        if isinstance(value, list):
            setattr(args, name, [_expanded(flag, v) if isinstance(v, str) else v for v in value])
        elif isinstance(value, str):
            setattr(args, name, _expanded(flag, value))


def _network_source(args: argparse.Namespace) -> None:
    """``network``: one source of streets, and a download only with ``--online``."""
    from trygghet_geo import options

    if args.by_municipality:
        return
    sources = [k for k in ("place", "pbf", "osm", "graphml", "lines") if getattr(args, k)]
    if args.bbox is not None and sources not in ([], ["pbf"]):
        raise ParameterError(f"--bbox goes with --pbf or alone (a download), not with --{sources[0]}")
    if not sources and args.bbox is None:
        raise ParameterError(
            "say where the streets come from: --pbf, --osm, --graphml, --lines, --place or --bbox"
        )
    if (args.place or sources == []) and not (args.online or options.allow_online):
        raise ParameterError("--place and --bbox alone download the streets: add --online to allow it")


def check_combinations(args: argparse.Namespace) -> None:
    """Options that exclude each other, or that need another one; an option the run would silently ignore is
    refused rather than dropped."""
    command = args.command
    incidents, network = getattr(args, "incidents", None), getattr(args, "network", None)
    inc = "an incident file" if command == "hotlist" else "--incidents"
    if command in ("report", "lagesbild", "hotlist") and incidents is None:
        names = ["observations", "network", "gazetteer", *(["study_area"] if command == "hotlist" else [])]
        flags = [f"--{f.replace('_', '-')}" for f in names]  # lagesbild draws --study-area on the sample
        given = [flag for flag, f in zip(flags, names, strict=True) if getattr(args, f, None)]
        if given:
            raise ParameterError(
                f"{', '.join(flags[:-1])} and {flags[-1]} need {inc} (else the sample is used): "
                f"{' '.join(given)} given"
            )
    if command in ("report", "lagesbild", "hotlist") and incidents is not None and network is None:
        raise ParameterError(f"{inc} needs --network (.gpkg from 'trygghet-geo network', .pbf, .osm)")
    if command == "plan" and args.action == "followup" and not (incidents and network):
        raise ParameterError("plan followup needs --incidents and --network (as 'trygghet-geo analyze')")
    if command == "network":
        if args.by_municipality and not args.pbf:
            raise ParameterError("--by-municipality goes with --pbf (a country or region extract)")
        for flag, given in (("--name-column", args.name_column), ("--split", args.split != "junctions")):
            if given and not args.lines:
                raise ParameterError(f"{flag} goes with --lines (a street line layer)")
        _network_source(args)
    if (
        command == "geocode"
        and args.gazetteer
        and Path(args.gazetteer).suffix.lower() in (".parquet", ".gpkg")
    ):
        for flag in ("save_gazetteer", "bbox", "addresses"):
            if getattr(args, flag) is not None:
                raise ParameterError(
                    f"--{flag.replace('_', '-')} goes with an OSM extract (--gazetteer x.osm.pbf); "
                    f"{args.gazetteer!r} is a saved gazetteer, read as it is"
                )
