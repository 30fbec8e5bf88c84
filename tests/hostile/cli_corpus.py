"""A generated corpus of hostile command lines for every ``trygghet-geo`` subcommand.

The command lines are built by rule, not listed by hand:

- **option values**: every numeric and text option of every subcommand (read from the parser itself, so a
  new option joins the corpus by itself) gets each value of :data:`NUMBER_VARIANTS` or the text variants of
  its kind; what the option accepts is this module's own reading of its help text (:data:`NUMERIC`,
  :data:`TEXT_SPECS`), not the code's checks;
- **output paths**: an existing file where a folder is expected and the other way round, a folder under a
  file, a read-only folder, ``/proc``, the output equal to an input;
- **contradictions**: pairs of options that exclude each other.

Each case says what the command line must do: ``refuse`` (exit 2 with one line naming the option, before any
work), ``accept`` (the checks pass and the work starts) or ``either`` (a value at the edge of sense, such as a
lixel of 1e308 m, that may be refused or accepted, as long as no traceback comes out).

The harness (:func:`run_before_work`) runs :func:`trygghet_geo.cli.main` in-process with every function that
starts the work (reading the network, analysing, validating, geocoding ...) replaced by one that raises
:class:`WorkStarted`: a case that reaches one of them has passed every check the command line makes first.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --- what each option accepts, read from its help text ---------------------------------------------------
# kind, minimum, maximum (inclusive unless noted), whether "auto" is a value
_INT0 = ("int", 0, None)
_INT1 = ("int", 1, None)
_POS = ("float", 0.0, None)  # > 0
_NONNEG = ("float0", 0.0, None)  # >= 0
NUMERIC: dict[str, tuple[str, float | None, float | None]] = {
    "n_simulations": _INT0,
    "simulations": _INT1,  # near-repeat permutations: a permutation test with none tests nothing
    "max_depth": _INT0,  # 0: no limit
    "seed": _INT0,
    "top": _INT1,
    "followup": _INT1,
    "days": _INT1,
    "baseline_days": _INT1,
    "header_row": _INT1,  # 1-based, as Excel numbers rows
    "observation_header_row": _INT1,
    "workers": _INT1,
    "eps_m": _POS,  # or 'auto'
    "min_samples": _INT1,  # or 'auto'
    "lixel_m": ("float0", 1.0, None),  # a piece of street: pieces under 1 m would be billions on a town
    "segment_m": ("float0", 1.0, None),
    "neighbourhood_m": _POS,
    "bandwidth_m": _POS,
    "max_excel_mb": _POS,
    "max_snap_m": _POS,
    "population": _POS,
    "consolidate_m": _NONNEG,
    "older_than_days": _NONNEG,
    "min_share": ("share", 0.0, 1.0),  # at least 0 and below 1
    "min_geocode_score": ("score", 0.0, 100.0),  # 0-100
}
AUTO = {"eps_m", "min_samples"}
HUGE = 1e9  # a count or distance above this is at the edge of sense: refused or accepted, never a traceback

# Numbers written as people and scripts write them, and as they should not.
NUMBER_VARIANTS = (
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e999",
    "-1e999",
    "-1",
    "-0",
    "0",
    "0.0",
    "1",
    "2.5",
    "1e308",
    "9" * 30,
    "",
    " ",
    "\t",
    "abc",
    "2,5",
    "1 000",
    "1_000",
    "+5",
    " 7 ",
    "0x10",
    "true",
    "false",
    "ja",
    "nej",
    "None",
    "5e-324",
    "auto",
    "AUTO",
    "½",
    "٣",
)


def _number(text: str, kind: str) -> float | None:
    """``text`` as the number a reader of the help would take it for (None: not a number of that kind)."""
    t = text.strip()
    try:  # as Python reads a number: "+5", " 7 ", "1_000" and other scripts' digits ("٣") are numbers
        return float(int(t)) if kind == "int" else float(t)
    except (ValueError, OverflowError):
        return None


def numeric_expectation(dest: str, text: str) -> str:
    """``refuse``, ``accept`` or ``either`` for option ``dest`` given ``text``."""
    kind, low, _high = NUMERIC[dest]
    if dest in AUTO and text.strip().lower() == "auto":
        return "accept"
    value = _number(text, "int" if kind == "int" else "float")
    if value is None or not math.isfinite(value):
        return "refuse"
    if kind == "int" or kind == "float0":
        ok = value >= (low or 0)
    elif kind == "float":
        ok = value > 0
    elif kind == "share":
        ok = 0 <= value < 1
    else:  # score
        ok = 0 <= value <= 100
    if not ok:
        return "refuse"
    if value > HUGE or 0 < value < 1e-300:
        return "either"
    return "accept"


# Text options: what makes a value wrong, by kind.
PERIOD_VARIANTS = {
    "2024": "accept",
    "2024-03": "accept",
    "2024-01-01..2024-06-30": "accept",
    " 2024-01-01 .. 2024-06-30 ": "accept",
    "": "refuse",
    " ": "refuse",
    "2024-13": "refuse",
    "2024-06-30..2024-01-01": "refuse",
    "nan": "refuse",
    "2024-02-30..2024-03-01": "refuse",
    "..": "refuse",
    "2024..": "refuse",
    "abc": "refuse",
    "NaT..NaT": "refuse",
    "now..now": "refuse",
    "2024-01-01..2024-06-30..2024-07-01": "refuse",
    "20240101..2024-02-01": "either",
    "2024-01..2024-06": "accept",
    "2023..2024": "accept",
    "2024-06..2024-01": "refuse",
    "1700-01-01..1701-01-01": "either",
    "0001-01-01..9999-12-31": "either",
}
WEIGHT_VARIANTS = {
    "narkotika=3": "accept",
    "narkotika=3, stöld=2.5": "accept",
    "narkotika=0": "accept",
    "": "refuse",
    " ": "refuse",
    "=": "refuse",
    "narkotika": "refuse",
    "narkotika=nan": "refuse",
    "narkotika=inf": "refuse",
    "narkotika=1e999": "refuse",
    "narkotika=-1": "refuse",
    "narkotika=2,5": "refuse",
    "okänd=1": "refuse",
    "narkotika=ja": "refuse",
    "narkotika=3,": "either",
    "=3": "refuse",
}
COLUMN_VARIANTS = {
    "place=Plats": "accept",
    "place=Plats,date=Datum": "accept",
    '"place=Plats, gata"': "accept",
    "": "refuse",
    " ": "refuse",
    "=": "refuse",
    "Plats": "refuse",
    "nosuch=Plats": "refuse",
    "=Plats": "refuse",
    "place=Plats,": "accept",
    "place=": "accept",
}
DATE_VARIANTS = {
    "2025-03-01": "accept",
    "": "refuse",
    " ": "refuse",
    "2025-02-30": "refuse",
    "2025-13-01": "refuse",
    "nan": "refuse",
    "NaT": "refuse",
    "today": "refuse",
    "01/03/2025": "refuse",
    "2025-3-1": "either",
    "9999-12-31": "either",
    "0001-01-01": "either",
}
CRS_VARIANTS = {
    "EPSG:3006": "accept",
    "epsg:4326": "accept",
    "": "refuse",
    " ": "refuse",
    "EPSG:0": "refuse",
    "EPSG:99999999": "refuse",
    "nan": "refuse",
    "3006": "either",
    "SWEREF99": "either",
}
ENCODING_VARIANTS = {
    "utf-8": "accept",
    "cp1252": "accept",
    "UTF-16": "accept",
    "latin-1": "accept",
    "": "refuse",
    " ": "refuse",
    "no-such": "refuse",
    "rot13": "refuse",
    "base64": "refuse",
    "zlib": "refuse",
    "hex": "refuse",
    "uu": "refuse",
    "bz2": "refuse",
    "utf-8 ": "either",
}
DELIMITER_VARIANTS = {
    ";": "accept",
    ",": "accept",
    "\t": "accept",
    "|": "accept",
    "": "refuse",
    ";;": "refuse",
    '"': "refuse",
    "\n": "refuse",
    "\r": "refuse",
    "\r\n": "refuse",
    " ": "either",
    "a": "either",
    "\x00": "refuse",
}
NAME_VARIANTS = {
    "rapport": "accept",
    "rapport 2025": "accept",
    "lägesbild-å": "accept",
    "": "refuse",
    " ": "refuse",
    ".": "refuse",
    "..": "refuse",
    "a/b": "refuse",
    "../utanför": "refuse",
    "/tmp/abs": "refuse",
    "x\x00y": "refuse",
    "a\\b": "either",
    "-x": "accept",
    ".dold": "either",
    "x" * 300: "refuse",
}
COLUMN_NAME_VARIANTS = {"kommunkod": "accept", "KnKod": "accept", "": "refuse", " ": "refuse"}
SCHEDULER_VARIANTS = {"threads": "accept", "synchronous": "accept", "": "refuse", " ": "refuse"}
# "-1" may be a sheet's name: only the workbook can tell (a data error when it has no such sheet)
SHEET_VARIANTS = {"0": "accept", "Blad1": "accept", "": "refuse", " ": "refuse", "-1": "either"}
TITLE_VARIANTS = {
    "Trygghet 2025": "accept",
    "": "either",
    " ": "either",
    "<script>alert(1)</script>": "accept",
    "=HYPERLINK(1)": "accept",
    "å" * 5000: "either",
    "a\nb": "either",
}
BBOX_VARIANTS = {
    "18.0,59.3,18.1,59.4": "accept",
    " 18.0, 59.3, 18.1, 59.4 ": "accept",
    "18.1,59.3,18.0,59.4": "refuse",
    "18.0,59.4,18.1,59.3": "refuse",
    "18,59,19": "refuse",
    "18,59,19,60,61": "refuse",
    "18;59;19;60": "refuse",
    "18 59 19 60": "refuse",
    "nan,59,19,60": "refuse",
    "inf,59,19,60": "refuse",
    "-181,59,19,60": "refuse",
    "18,-91,19,60": "refuse",
    "18,59,18,60": "refuse",
    "18,5;59,3,18,6;59,4": "refuse",
    "": "refuse",
    "18,59,19,1e999": "refuse",
}
TEXT_SPECS: dict[str, dict[str, str]] = {
    "period": PERIOD_VARIANTS,
    "weights": WEIGHT_VARIANTS,
    "columns": COLUMN_VARIANTS,
    "observation_columns": COLUMN_VARIANTS,
    "promise_date": DATE_VARIANTS,
    "end": DATE_VARIANTS,
    "crs": CRS_VARIANTS,
    "encoding": ENCODING_VARIANTS,
    "delimiter": DELIMITER_VARIANTS,
    "name": NAME_VARIANTS,
    "kommunkod_field": COLUMN_NAME_VARIANTS,
    "code_column": COLUMN_NAME_VARIANTS,
    "scheduler": SCHEDULER_VARIANTS,
    "sheet": SHEET_VARIANTS,
    "observation_sheet": SHEET_VARIANTS,
    "title": TITLE_VARIANTS,
    "bbox": BBOX_VARIANTS,
}


@dataclass(frozen=True)
class Case:
    cls: str
    name: str
    argv: tuple[str, ...]
    expect: str  # refuse | accept | either
    option: str | None = None  # the option a refusal must name


# --- the files a command line points at (never read: the work is never started) -----------------------
@dataclass(frozen=True)
class Files:
    root: Path

    def __getattr__(self, name: str) -> str:
        return str(self.root / _FILE_NAMES[name])


_FILE_NAMES = {
    "incidents": "händelser.csv",
    "observations": "synpunkter.csv",
    "network": "nät.gpkg",
    "gazetteer": "ortnamn.parquet",
    "area": "område.geojson",
    "pbf": "stad.osm.pbf",
    "register": "register.xlsx",
    "ranking": "platser.csv",
    "networks": "nätverk",
    "manifest": "manifest.json",
    "text": "annat.txt",
    "out": "ut",
}


def make_files(root: Path) -> Files:
    for key, name in _FILE_NAMES.items():
        path = root / name
        if key in ("networks", "out"):
            path.mkdir(exist_ok=True)
        else:
            path.write_text("Plats;Datum\nStorgatan 1;2025-01-02\n", encoding="utf-8")
    return Files(root)


def base_argv(command: str, f: Files) -> list[str]:
    """A command line of ``command`` whose checks pass: the corpus changes one thing in it."""
    out = str(Path(f.out) / command)
    return {
        "demo": ["demo", "--out", out, "--raw", str(Path(f.out) / "raw")],
        "analyze": ["analyze", f.incidents, "--network", f.network, "--out", out],
        "validate": ["validate", f.incidents, "--out", str(Path(f.out) / "v.csv")],
        "geocode": ["geocode", f.incidents, "--out", str(Path(f.out) / "g.csv"), "--gazetteer", f.pbf],
        "network": ["network", "--pbf", f.pbf, "--out", str(Path(f.out) / "n.gpkg")],
        "report": ["report", "--incidents", f.incidents, "--network", f.network, "--out", out],
        "density": ["density", f.incidents, "--network", f.network, "--out", out],
        "trend": ["trend", f.incidents, "--network", f.network, "--out", out],
        "lagesbild": ["lagesbild", "--incidents", f.incidents, "--network", f.network, "--out", out],
        "cache": ["cache", "info"],
        "plan": ["plan", "check", f.register],
        "hotlist": ["hotlist", f.incidents, "--network", f.network, "--out", out],
        "verify": ["verify", f.manifest, "--incidents", f.incidents],
        "batch": ["batch", f.incidents, "--code-column", "kommunkod", "--networks", f.networks, "--out", out],
    }[command]


def subcommands() -> dict[str, argparse.ArgumentParser]:
    from trygghet_geo.cli import build_parser

    parser, _ = build_parser("en")
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _with(argv: list[str], flag: str, value: str) -> list[str]:
    """``argv`` with ``flag`` set to ``value`` (replaced when present), written ``--flag=value`` so that a
    value starting with a dash stays a value."""
    out = list(argv)
    if flag in out:
        i = out.index(flag)
        del out[i : i + 2]
    return [*out, f"{flag}={value}"]


def option_value_cases(f: Files) -> Iterator[Case]:
    """Every numeric and text option of every subcommand, with each variant of its kind."""
    for command, parser in subcommands().items():
        base = base_argv(command, f)
        if command == "network":  # --bbox goes with --pbf; every other option is tried on the same line
            pass
        for action in parser._actions:
            if not action.option_strings or action.dest == "help":
                continue
            flag = action.option_strings[-1]
            if action.dest in NUMERIC:
                variants = {v: numeric_expectation(action.dest, v) for v in NUMBER_VARIANTS}
            elif action.dest in TEXT_SPECS:
                variants = TEXT_SPECS[action.dest]
            else:
                continue
            for value, expect in variants.items():
                argv = _with(base, flag, value)
                if command == "network" and action.dest == "kommunkod_field":
                    argv = _with(argv, "--by-municipality", f.area)
                    argv = _with(argv, "--out", str(Path(f.out) / "store"))
                yield Case("option value", f"{command} {flag}={value!r}", tuple(argv), expect, flag)


def output_path_cases(f: Files, root: Path) -> Iterator[Case]:
    """--out (and demo's --raw, plan's register, --save-gazetteer) where nothing can be written, or where
    writing would destroy an input."""
    a_file = Path(f.text)
    locked = root / "låst"
    locked.mkdir(exist_ok=True)
    read_only(locked)
    bad = {
        "an existing file where a folder is expected": str(a_file),
        "a folder under an existing file": str(a_file / "under"),
        "a folder that cannot be created (/proc)": "/proc/trygghet/x",
        "a read-only folder": str(locked / "ut"),
        "a path through a read-only folder": str(locked / "a" / "b"),
        "a name longer than the file system takes": str(root / ("å" * 200)),
        "a path longer than the file system takes": str(root / "/".join(["mapp" * 50] * 30)),
    }
    folder_commands = ("demo", "analyze", "report", "density", "trend", "lagesbild", "hotlist", "batch")
    for command in folder_commands:
        base = base_argv(command, f)
        for what, value in bad.items():
            yield Case(
                "output path",
                f"{command} --out: {what}",
                tuple(_with(base, "--out", value)),
                "refuse",
                "--out",
            )
        yield Case(
            "output path", f"{command} --out: empty", tuple(_with(base, "--out", "")), "refuse", "--out"
        )
    for what, value in bad.items():
        argv = _with(base_argv("demo", f), "--raw", value)
        yield Case("output path", f"demo --raw: {what}", tuple(argv), "refuse", "--raw")
    file_commands = {"validate": "v.csv", "geocode": "g.csv", "network": "n.gpkg"}
    for command, name in file_commands.items():
        base = base_argv(command, f)
        for what, value in bad.items():
            if what == "an existing file where a folder is expected":
                value, what = f.out, "an existing folder where a file is expected"
            else:
                value = str(Path(value) / name)
            yield Case(
                "output path",
                f"{command} --out: {what}",
                tuple(_with(base, "--out", value)),
                "refuse",
                "--out",
            )
        yield Case(
            "output path", f"{command} --out: empty", tuple(_with(base, "--out", "")), "refuse", "--out"
        )
    # the output the same file as an input: the run would overwrite what it reads
    same = [
        ("validate", ["validate", f.incidents, "--out", f.incidents]),
        (
            "validate (its rejects table)",
            ["validate", f.incidents, "--out", str(Path(f.incidents).with_name("x.validated.csv"))],
        ),
        ("geocode", ["geocode", f.incidents, "--out", f.incidents, "--gazetteer", f.gazetteer]),
        (
            "geocode --save-gazetteer",
            [
                "geocode",
                f.incidents,
                "--out",
                str(Path(f.out) / "g.csv"),
                "--gazetteer",
                f.pbf,
                "--save-gazetteer",
                f.incidents,
            ],
        ),
        ("network", ["network", "--lines", f.network, "--out", f.network]),
        (
            "validate (the rejects table)",
            ["validate", str(Path(f.out) / "x.rejects.csv"), "--out", str(Path(f.out) / "x.validated.csv")],
        ),
        (
            "plan followup",
            [
                "plan",
                "followup",
                f.register,
                "--incidents",
                f.incidents,
                "--network",
                f.network,
                "--out",
                f.register,
            ],
        ),
        (
            "plan followup (input)",
            [
                "plan",
                "followup",
                f.register,
                "--incidents",
                f.incidents,
                "--network",
                f.network,
                "--out",
                f.incidents,
            ],
        ),
    ]
    for what, argv in same:
        expect = "refuse"
        if what == "validate (its rejects table)":
            # x.validated.csv's rejects table is x.rejects.csv, not the input händelser.csv: fine
            expect = "accept"
        option = "--save-gazetteer" if "--save-gazetteer" in what else "--out"
        yield Case("output path", f"output = input: {what}", tuple(argv), expect, option)
    (Path(f.out) / "x.rejects.csv").write_text("Plats\nTorget\n", encoding="utf-8")
    # an input in --out under a name the command writes there (the names as its help gives them)
    for command, parser in subcommands().items():
        if command not in ("analyze", "density", "trend", "hotlist"):
            continue
        for name in sorted(n for n in written_names(command, parser) if n.endswith(".csv")):
            folder = Path(f.out) / f"in-{command}"
            folder.mkdir(exist_ok=True)
            (folder / name).write_text("Plats;Datum\nStorgatan 1;2025-01-02\n", encoding="utf-8")
            argv = _with(base_argv(command, f), "--out", str(folder))
            argv[1] = str(folder / name)
            yield Case(
                "output path", f"{command}: the input is {name} in --out", tuple(argv), "refuse", "--out"
            )
    # a --save-gazetteer / plan register / followup --out that cannot be written
    for what, value in bad.items():
        if what == "an existing file where a folder is expected":
            continue
        p = str(Path(value) / "o.parquet")
        argv = [
            "geocode",
            f.incidents,
            "--out",
            str(Path(f.out) / "g.csv"),
            "--gazetteer",
            f.pbf,
            "--save-gazetteer",
            p,
        ]
        yield Case(
            "output path", f"geocode --save-gazetteer: {what}", tuple(argv), "refuse", "--save-gazetteer"
        )
        argv = ["plan", "init", str(Path(value) / "r.xlsx")]
        yield Case("output path", f"plan init register: {what}", tuple(argv), "refuse", "register")
        argv = [
            "plan",
            "followup",
            f.register,
            "--incidents",
            f.incidents,
            "--network",
            f.network,
            "--out",
            str(Path(value) / "f.xlsx"),
        ]
        yield Case("output path", f"plan followup --out: {what}", tuple(argv), "refuse", "--out")
    rejects = Path(f.out) / "w.rejects.csv"  # validate writes w.csv, then its rejects table: a folder here
    rejects.mkdir(exist_ok=True)
    argv = ["validate", f.incidents, "--out", str(Path(f.out) / "w.csv")]
    yield Case(
        "output path", "validate: its rejects table an existing folder", tuple(argv), "refuse", "--out"
    )
    argv = ["plan", "init", f.out]
    yield Case("output path", "plan init register: an existing folder", tuple(argv), "refuse", "register")
    argv = ["plan", "init", str(Path(f.out) / "r.docx")]
    yield Case("output path", "plan init register: not .xlsx/.csv", tuple(argv), "refuse", "register")
    argv = [
        "geocode",
        f.incidents,
        "--out",
        str(Path(f.out) / "g.csv"),
        "--gazetteer",
        f.pbf,
        "--save-gazetteer",
        str(Path(f.out) / "g.docx"),
    ]
    yield Case(
        "output path",
        "geocode --save-gazetteer: not .parquet/.gpkg",
        tuple(argv),
        "refuse",
        "--save-gazetteer",
    )


def written_names(command: str, parser: argparse.ArgumentParser) -> set[str]:
    """The files a folder-writing subcommand says it writes: the names in its description and help (the
    report's from its --name), read as a user reads them."""
    import re

    texts = [parser.description or "", *(a.help or "" for a in parser._actions)]
    names = {
        m.group(0) for t in texts for m in re.finditer(r"\b[a-z_]+\.(?:html|csv|xlsx|gpkg|parquet|docx)\b", t)
    }
    if command == "report":
        names |= {"uppfoljning.html", "uppfoljning.xlsx"}
    return names


def output_name_cases(f: Files) -> Iterator[Case]:
    """A folder where a subcommand writes one of its files: refused before the work (else the run fails after
    writing the files before it, and leaves them behind)."""
    for command, parser in subcommands().items():
        if command not in ("analyze", "report", "density", "trend", "lagesbild", "hotlist"):
            continue
        for name in sorted(written_names(command, parser)):
            folder = Path(f.out) / f"namn-{command}-{name}"
            (folder / name).mkdir(parents=True, exist_ok=True)
            argv = _with(base_argv(command, f), "--out", str(folder))
            yield Case(
                "output path", f"{command} --out holds a folder {name}", tuple(argv), "refuse", "--out"
            )


def input_path_cases(f: Files, root: Path) -> Iterator[Case]:
    """Every file option and positional of every subcommand given a missing file or a folder (refused before
    any work, naming the option); and the input options no check knew of."""
    missing = str(root / "saknas.csv")
    too_long = str(root / ("lång" * 80 + ".csv"))
    for command, parser in subcommands().items():
        base = base_argv(command, f)
        for action in parser._actions:
            dest = action.dest
            if dest not in _FILE_OPTIONS or (command, dest) in _NOT_AN_INPUT:
                continue
            for what, value in (
                ("missing", missing),
                ("a folder", f.networks),
                ("a name too long", too_long),
            ):
                if what == "a folder" and (command, dest) in _FOLDERS_ALLOWED:
                    continue
                if action.option_strings:
                    flag = action.option_strings[-1]
                    argv = _with(base, flag, value)
                    if dest == "other_sources":
                        argv = [*argv[:-1], flag, f.text, value]  # the second of several files
                    if dest == "by_municipality":
                        argv = _with(argv, "--out", str(Path(f.out) / "store"))
                    if dest == "municipalities":
                        argv = [a for a in argv if a not in ("--code-column", "kommunkod")]
                else:
                    flag = dest
                    argv = list(base)
                    argv[argv.index(getattr(f, _POSITIONAL_FIXTURE[command]))] = value
                yield Case("input path", f"{command} {flag}: {what}", tuple(argv), "refuse", flag)


_FILE_OPTIONS = {
    "incidents",
    "file",
    "observations",
    "network",
    "gazetteer",
    "study_area",
    "pbf",
    "osm",
    "graphml",
    "lines",
    "places",
    "areas",
    "plan",
    "reference",
    "survey",
    "previous",
    "other_sources",
    "categories",
    "addresses",
    "ranking",
    "register",
    "municipalities",
    "by_municipality",
    "networks",
    "output",
}
_FOLDERS_ALLOWED = {("verify", "output"), ("batch", "networks")}  # an output folder; the network store
_NOT_AN_INPUT = {("plan", "register"), ("network", "networks")}
_POSITIONAL_FIXTURE = {
    "validate": "incidents",
    "geocode": "incidents",
    "analyze": "incidents",
    "density": "incidents",
    "trend": "incidents",
    "hotlist": "incidents",
    "batch": "incidents",
    "verify": "manifest",
}


def combination_cases(f: Files) -> Iterator[Case]:
    """Options that contradict each other, or that need another one."""
    out = str(Path(f.out) / "x")
    saved = _with(base_argv("geocode", f), "--gazetteer", f.gazetteer)
    cases: list[tuple[str, list[str], str, str | None]] = [
        (
            "analyze --pbf with --no-basemap",
            [*base_argv("analyze", f), "--pbf", f.pbf, "--no-basemap"],
            "refuse",
            "--no-basemap",
        ),
        (
            "density --pbf with --no-basemap",
            [*base_argv("density", f), "--pbf", f.pbf, "--no-basemap"],
            "refuse",
            "--no-basemap",
        ),
        (
            "report --pbf with --no-basemap",
            [*base_argv("report", f), "--pbf", f.pbf, "--no-basemap"],
            "refuse",
            "--no-basemap",
        ),
        (
            "report --observations without --incidents",
            ["report", "--observations", f.observations, "--out", out],
            "refuse",
            "--observations",
        ),
        (
            "report --network without --incidents",
            ["report", "--network", f.network, "--out", out],
            "refuse",
            "--network",
        ),
        (
            "report --incidents without --network",
            ["report", "--incidents", f.incidents, "--out", out],
            "refuse",
            "--network",
        ),
        (
            "lagesbild --network without --incidents",
            ["lagesbild", "--network", f.network, "--out", out],
            "refuse",
            "--network",
        ),
        (
            "lagesbild --incidents without --network",
            ["lagesbild", "--incidents", f.incidents, "--out", out],
            "refuse",
            "--network",
        ),
        ("hotlist file without --network", ["hotlist", f.incidents, "--out", out], "refuse", "--network"),
        (
            "hotlist --network without a file",
            ["hotlist", "--network", f.network, "--out", out],
            "refuse",
            "--network",
        ),
        (
            "network --bbox with --lines",
            ["network", "--lines", f.network, "--bbox", "18,59,19,60", "--out", str(Path(f.out) / "n.gpkg")],
            "refuse",
            "--bbox",
        ),
        (
            "network --by-municipality without --pbf",
            ["network", "--lines", f.network, "--by-municipality", f.area, "--out", out],
            "refuse",
            "--by-municipality",
        ),
        (
            "network --name-column without --lines",
            [*base_argv("network", f), "--name-column", "namn"],
            "refuse",
            "--name-column",
        ),
        (
            "network --split without --lines",
            [*base_argv("network", f), "--split", "ends"],
            "refuse",
            "--split",
        ),
        (
            "geocode --save-gazetteer with a saved gazetteer",
            [*saved, "--save-gazetteer", str(Path(f.out) / "s.parquet")],
            "refuse",
            "--save-gazetteer",
        ),
        ("geocode --bbox with a saved gazetteer", [*saved, "--bbox", "18,59,19,60"], "refuse", "--bbox"),
        (
            "geocode --addresses with a saved gazetteer",
            [*saved, "--addresses", f.incidents],
            "refuse",
            "--addresses",
        ),
        (
            "plan followup without --network",
            ["plan", "followup", f.register, "--incidents", f.incidents],
            "refuse",
            "--network",
        ),
        (
            "plan init with --incidents",
            ["plan", "init", str(Path(f.out) / "r.xlsx"), "--incidents", f.incidents],
            "either",
            None,
        ),
        ("verify --rerun alone", ["verify", f.manifest, "--rerun"], "accept", None),
        ("cache info --older-than-days", ["cache", "info", "--older-than-days", "3"], "either", None),
        (
            "batch --municipalities and --code-column",
            [*base_argv("batch", f), "--municipalities", f.area],
            "refuse",
            "--code-column",
        ),
        (
            "lagesbild --other-sources equal to --incidents",
            [*base_argv("lagesbild", f), "--other-sources", f.incidents],
            "either",
            None,
        ),
        (
            "analyze --method hdbscan --eps-m 50",
            [*base_argv("analyze", f), "--method", "hdbscan", "--eps-m", "50"],
            "either",
            None,
        ),
        (
            "density --bandwidth-m below --lixel-m",
            [*base_argv("density", f), "--bandwidth-m", "5", "--lixel-m", "20"],
            "either",
            None,
        ),
        (
            "hotlist --days beyond --baseline-days",
            [*base_argv("hotlist", f), "--days", "400", "--baseline-days", "7"],
            "either",
            None,
        ),
        (
            "--lang twice, different",
            ["--lang", "en", *base_argv("validate", f), "--lang", "sv"],
            "accept",
            None,
        ),
    ]
    for name, argv, expect, option in cases:
        yield Case("combination", name, tuple(argv), expect, option)


def all_cases(root: Path) -> list[Case]:
    f = make_files(root)
    return [
        *option_value_cases(f),
        *output_path_cases(f, root),
        *output_name_cases(f),
        *input_path_cases(f, root),
        *combination_cases(f),
    ]


# --- the harness ---------------------------------------------------------------------------------------
class WorkStarted(BaseException):
    """Raised by every function that starts the work, when the corpus runs checks only."""


WORK = (
    "trygghet_geo.sample:run_demo",
    "trygghet_geo.sample:load_network",
    "trygghet_geo.sample:write_raw",
    "trygghet_geo.sample:load_incidents",
    "trygghet_geo.analysis:analyze",
    "trygghet_geo.analysis:_read",
    "trygghet_geo.io:validate_file",
    "trygghet_geo.io:read_incidents",
    "trygghet_geo.io:read_observations",
    "trygghet_geo.geocode:build_gazetteer",
    "trygghet_geo.geocode:geocode",
    "trygghet_geo.batch:run",
    "trygghet_geo.network:network_from_pbf",
    "trygghet_geo.network:network_from_graphml",
    "trygghet_geo.network:network_from_xml",
    "trygghet_geo.network:read_network",
    "trygghet_geo.network:network_from_lines",
    "trygghet_geo.network:network_from_place",
    "trygghet_geo.network:network_from_bbox",
    "trygghet_geo.network:network_store_from_pbf",
    "trygghet_geo.plan:read_plan",
    "trygghet_geo.plan:write_plan_template",
    "trygghet_geo._verify:read_manifest",
    "trygghet_geo.io._excel:read_gis_layer",
    "trygghet_geo.areas:read_areas",
    "geopandas:read_file",
    "pyogrio:list_layers",
    "trygghet_geo.geocode._cache:ResultCache",
    "trygghet_geo._cli_plan:ranking_names",
    "trygghet_geo._cli_probe:probe_inputs",
)


@contextlib.contextmanager
def work_blocked(monkeypatch: Any) -> Iterator[None]:
    import importlib

    from trygghet_geo.geocode import Gazetteer

    def stop(*args: object, **kwargs: object) -> None:
        raise WorkStarted

    for spec in WORK:
        module, attr = spec.split(":")
        monkeypatch.setattr(importlib.import_module(module), attr, stop)
    monkeypatch.setattr(Gazetteer, "load", stop)
    yield


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: the work started
    err: str
    escaped: str | None = None  # an exception other than SystemExit that left main()


def run_before_work(argv: tuple[str, ...]) -> Outcome:
    """Run ``main(argv)`` with the work blocked (call inside :func:`work_blocked`)."""
    from trygghet_geo.cli import main

    err = io.StringIO()
    code: int | None
    escaped = None
    with (
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter(
            "default"
        )  # as a user's shell runs the command line (the suite makes them errors)
        try:
            code = main(["--no-progress", *argv])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 2
        except WorkStarted:
            code = None
        except Exception as exc:
            code, escaped = 3, f"{type(exc).__name__}: {exc}"
    return Outcome(code, err.getvalue(), escaped)


def _without_warnings(err: str, command: str) -> str:
    """stderr without the command line's warning lines (one line each, ``trygghet-geo CMD: warning: …``)."""
    lines = [
        line for line in err.strip().splitlines() if not line.startswith(f"trygghet-geo {command}: warning: ")
    ]
    return "\n".join(lines)


def judge(case: Case, outcome: Outcome) -> str | None:
    """The failure class of ``outcome``, or None when the command line did what the case asks."""
    command = next(a for a in case.argv if not a.startswith("-"))
    err = _without_warnings(outcome.err, command)
    if outcome.escaped is not None:
        return f"exception escaped main: {outcome.escaped}"
    if "Traceback" in err:
        return "traceback on stderr"
    if outcome.code is None:
        return "work started on input that must be refused" if case.expect == "refuse" else None
    if outcome.code == 0:
        return "exit 0 without work" if case.expect == "refuse" else None
    if case.expect == "accept":
        return f"fine input refused (exit {outcome.code}): {err[:200]}"
    if len(err.splitlines()) != 1 or not err.startswith(f"trygghet-geo {command}: error: "):
        return f"not one clear line: {err[:300]!r}"
    if outcome.code != 2:
        return f"refused with exit {outcome.code}, not 2 (a usage error found before work): {err[:200]}"
    if case.option and case.option not in err and case.option.lstrip("-") not in err:
        return f"refusal does not name {case.option}: {err[:200]}"
    if "object at 0x" in err or "<class " in err:
        return f"a repr in the message: {err[:200]}"
    return None


def read_only(folder: Path) -> None:
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)


# --- real runs: hostile input files through the real readers ---------------------------------------------
def tiny_town(folder: Path) -> tuple[Path, Path, int]:
    """A 400 m street grid saved as a network, and an incident file of ``n`` rows on it (SWEREF 99 TM)."""
    import geopandas as gpd
    from shapely.geometry import LineString

    from trygghet_geo.network import network_from_lines

    x0, y0 = 674_000.0, 6_580_000.0
    lines = [LineString([(x0 + i * 100, y0), (x0 + i * 100, y0 + 400)]) for i in range(5)]
    lines += [LineString([(x0, y0 + j * 100), (x0 + 400, y0 + j * 100)]) for j in range(5)]
    names = {"name": [f"Gata {i}" for i in range(10)]}
    network = folder / "nät.gpkg"
    network_from_lines(gpd.GeoDataFrame(names, geometry=lines, crs="EPSG:3006")).to_file(network)
    incidents = folder / "händelser.csv"
    incidents.write_text(incident_text(12), encoding="utf-8")
    return network, incidents, 12


def incident_text(n: int, *, stray_quote: bool = False) -> str:
    rows = ["Datum;Kl;Brottstyp;Plats;X;Y"]
    for i in range(n):
        place = 'Gata "7' if stray_quote and i == n // 2 else f"Gata {i % 10}"
        rows.append(f"2025-0{1 + i % 6}-1{i % 10};2{i % 4}:00;Skadegörelse;{place};6580200;{674_200 + i}")
    return "\n".join(rows) + "\n"


def _sqlite_not_geopackage(path: Path) -> None:
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("create table t (a text)")
        db.execute("insert into t values ('x')")
        db.commit()


def _zip_not_workbook(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hej.txt", "inte en arbetsbok")


# Contents that no reader can use, written by rule under any suffix.
def _bad_contents(seed: int) -> dict[str, Any]:
    import random

    rng = random.Random(seed)
    return {
        "empty": b"",
        "binary garbage": bytes(rng.randrange(256) for _ in range(3000)),
        "NUL bytes": b"\x00" * 2000,
        "a CSV": incident_text(3).encode(),
        "a GeoJSON": b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": '
        b'"Torget", "namn": "Torget"}, "geometry": {"type": "Polygon", "coordinates": [[[18.07, 59.33], '
        b"[18.08, 59.33], [18.08, 59.34], [18.07, 59.33]]]}}]}",
        "JSON null": b"null",
        "HTML": b"<!doctype html><html><body><p>Inte data</p></body></html>",
        "XML, not OSM": b"<?xml version='1.0'?><root><a/></root>",
        "SQLite, not a GeoPackage": _sqlite_not_geopackage,
        "a zip, not a workbook": _zip_not_workbook,
        "truncated zip": b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(200)),
    }


@dataclass(frozen=True)
class FileCase:
    role: str
    name: str
    argv: tuple[str, ...]
    expect: str  # "fail": refused with one line | "read": exit 0 (or the work starts)
    outputs: tuple[str, ...] = ()  # must not exist after a failure
    rows: int | None = None  # validate: rows in the validated table + the rejects table


# Where each option's file goes, with the suffixes users give it.
_ROLES: dict[str, tuple[str, ...]] = {
    "validate FILE": (".csv", ".xlsx", ".geojson", ".gpkg", ".json", ".txt"),
    "validate --categories": (".csv",),
    "analyze --network": (".gpkg", ".geojson", ".osm", ".pbf", ".graphml", ".fgb"),
    "analyze FILE": (".csv", ".xlsx", ".gpkg", ".json"),
    "analyze --observations": (".csv", ".xlsx"),
    "analyze --gazetteer": (".parquet", ".gpkg", ".pbf"),
    "geocode --gazetteer": (".parquet", ".gpkg", ".pbf"),
    "network --lines": (".gpkg", ".geojson", ".shp"),
    "network --osm": (".osm",),
    "network --graphml": (".graphml",),
    "plan check REGISTER": (".xlsx", ".csv"),
    "plan init --ranking": (".csv", ".xlsx"),
    "plan init --areas": (".gpkg", ".geojson"),
    "verify OUTPUT": (".json", ".html", ".xlsx"),
    "batch --municipalities": (".gpkg", ".geojson"),
    "report --places": (".geojson", ".gpkg"),
    "lagesbild --areas": (".gpkg", ".geojson"),
    "lagesbild --plan": (".xlsx", ".csv"),
    "lagesbild --reference": (".csv",),
    "lagesbild --survey": (".csv",),
    "lagesbild --other-sources": (".txt",),
    "density --network": (".gpkg", ".osm"),
    "trend FILE": (".csv",),
    "hotlist FILE": (".csv",),
}
# Contents that are fine for some roles, under some suffixes: a CSV is an incident file, a GeoJSON a layer
# of areas or places; any text is a text file of other information.
_FINE: dict[tuple[str, str], tuple[str, ...]] = {
    **{("a CSV", r): (".csv", ".txt") for r in ("validate FILE", "analyze FILE", "analyze --observations",
                                                 "trend FILE", "hotlist FILE", "lagesbild --other-sources")},
    **{("a GeoJSON", r): (".geojson", ".json") for r in ("report --places", "lagesbild --areas",
                                                          "plan init --areas", "validate FILE")},
    **{(k, "lagesbild --other-sources"): (".txt",)
       for k in ("HTML", "XML, not OSM", "JSON null", "a GeoJSON")},
    ("a CSV", "plan init --ranking"): (".csv", ".txt"),  # it has a Plats column: a ranking
}  # fmt: skip
# Readers that read a file by its content whatever its suffix (GDAL): fine or refused, never a traceback.
_EITHER = {
    *(("a GeoJSON", role) for role in ("validate FILE", "analyze FILE", "report --places",
                                       "lagesbild --areas", "plan init --areas", "batch --municipalities",
                                       "network --lines")),
    ("empty", "lagesbild --other-sources"),
}  # fmt: skip
# Files a command line can read before the street network (which may take minutes to read from an extract).
_BEFORE_NETWORK = ("FILE", "--observations", "--categories", "--places", "--areas", "--plan", "--reference",
                   "--survey", "--other-sources")  # fmt: skip


def _argv_for(role: str, path: str, network: str, incidents: str, out: Path) -> list[str]:
    command, option = role.split(" ")[0], role.split(" ")[-1]
    target = {
        "validate": ["validate", incidents, "--out", str(out / "v.csv")],
        "analyze": ["analyze", incidents, "--network", network, "--out", str(out / "a")],
        "geocode": ["geocode", incidents, "--out", str(out / "g.csv")],
        "network": ["network", "--out", str(out / "n.gpkg")],
        "plan": ["plan", "init", str(out / "r.xlsx")],
        "verify": ["verify", path, "--incidents", incidents],
        "batch": ["batch", incidents, "--networks", str(out), "--out", str(out / "b")],
        "report": ["report", "--incidents", incidents, "--network", network, "--out", str(out / "r")],
        "lagesbild": ["lagesbild", "--incidents", incidents, "--network", network, "--out", str(out / "l"),
                      "--no-pdf"],
        "density": ["density", incidents, "--network", network, "--out", str(out / "d")],
        "trend": ["trend", incidents, "--network", network, "--out", str(out / "t")],
        "hotlist": ["hotlist", incidents, "--network", network, "--out", str(out / "h")],
    }[command]  # fmt: skip
    if option == "FILE":
        return [*target[:1], path, *target[2:]]
    if option == "REGISTER":
        return ["plan", "check", path]
    if option == "OUTPUT":
        return target
    return _with(target, option, path)


def _outputs_of(argv: list[str], out: Path) -> tuple[str, ...]:
    return tuple(str(p) for p in (out / "v.csv", out / "v.rejects.csv", out / "g.csv", out / "n.gpkg",
                                  out / "r.xlsx", *(out / d for d in "abrldth")))  # fmt: skip


def hostile_file_cases(root: Path, seed: int = 0) -> list[FileCase]:
    """Every role with every unusable content under each of its suffixes, and readable files with odd names
    and encodings."""
    network, incidents, n = tiny_town(root)
    out = root / "ut"
    out.mkdir(exist_ok=True)
    files = root / "filer"
    files.mkdir(exist_ok=True)
    cases: list[FileCase] = []
    for kind, content in _bad_contents(seed).items():
        for role, suffixes in _ROLES.items():
            for suffix in suffixes:
                path = files / f"{kind.replace(' ', '_').replace(',', '')}{suffix}"
                if not path.exists():
                    content(path) if callable(content) else path.write_bytes(content)
                argv = _argv_for(role, str(path), str(network), str(incidents), out)
                expect = "read" if suffix in _FINE.get((kind, role), ()) else "fail"
                expect = "either" if (kind, role) in _EITHER and expect == "fail" else expect
                cases.append(FileCase(role, f"{role} given {kind} as {suffix}", tuple(argv), expect,
                                      _outputs_of(argv, out)))  # fmt: skip
    # readable incident files: odd names, encodings, a stray quote, a header alone
    text = incident_text(n)
    readable = {
        "name with spaces.csv": text.encode(),
        "namn å ä ö.csv": text.encode(),
        "nfd_a\u030a.csv": text.encode(),
        "-börjar med streck.csv": text.encode(),
        "x" * 200 + ".csv": text.encode(),
        "utf16le_utan_bom.csv": text.encode("utf-16-le"),
        "utf16be_utan_bom.csv": text.encode("utf-16-be"),
        "crlf.csv": text.replace("\n", "\r\n").encode(),
        "lösa citat.csv": incident_text(n, stray_quote=True).encode(),
        "cp1252.csv": text.encode("cp1252"),
    }
    for name, data in readable.items():
        path = files / name
        path.write_bytes(data)
        v = out / f"{path.stem[:40]}.validated.csv"
        argv = ["validate", "--out", str(v), "--", str(path)]
        cases.append(
            FileCase("validate FILE", f"validate {name[:40]}", tuple(argv), "read", (str(v),), rows=n)
        )
        argv = ["analyze", "--network", str(network), "--out", str(out / "a"), "--", str(path)]
        cases.append(FileCase("analyze FILE", f"analyze {name[:40]}", tuple(argv), "read"))
    header_only = files / "bara_rubriker.csv"
    header_only.write_text("Datum;Kl;Brottstyp;Plats;X;Y\n", encoding="utf-8")
    argv = ["validate", str(header_only), "--out", str(out / "h.csv")]
    cases.append(
        FileCase(
            "validate FILE", "validate header only", tuple(argv), "either", (str(out / "h.csv"),), rows=0
        )
    )
    argv = ["analyze", str(header_only), "--network", str(network), "--out", str(out / "a")]
    cases.append(FileCase("analyze FILE", "analyze header only", tuple(argv), "either", (str(out / "a"),)))
    return cases


def run_real(case: FileCase, monkeypatch: Any) -> Outcome:
    """Run ``main(argv)`` for real up to the analysis (``analyze`` and the sample's loaders raise
    :class:`WorkStarted`): files are read, networks loaded, tables written."""
    import trygghet_geo.analysis
    import trygghet_geo.batch
    import trygghet_geo.network
    import trygghet_geo.sample

    def stop(*args: object, **kwargs: object) -> None:
        raise WorkStarted

    import shutil

    for made in map(Path, case.outputs):  # nothing left from an earlier case
        if made.is_dir():
            shutil.rmtree(made)
        elif made.exists():
            made.unlink()
    import trygghet_geo.density
    import trygghet_geo.hotspots

    read_network = trygghet_geo.network.read_network
    NETWORK_READ.clear()

    def reading_network(*args: Any, **kwargs: Any) -> Any:
        NETWORK_READ.append(True)
        return read_network(*args, **kwargs)

    with monkeypatch.context() as m:
        for module, attr in ((trygghet_geo.analysis, "analyze"), (trygghet_geo.sample, "load_network"),
                             (trygghet_geo.batch, "run"), (trygghet_geo.network, "network_store_from_pbf"),
                             (trygghet_geo.analysis, "_geocode")):  # fmt: skip
            m.setattr(module, attr, stop)
        m.setattr(trygghet_geo.network, "read_network", reading_network)
        return run_before_work(case.argv)


NETWORK_READ: list[bool] = []  # the street network was read during the last real run


def judge_real(case: FileCase, outcome: Outcome) -> str | None:
    command = next(a for a in case.argv if not a.startswith("-"))
    err = _without_warnings(outcome.err, command)
    if outcome.escaped is not None:
        return f"exception escaped main: {outcome.escaped}"
    if "Traceback" in err:
        return "traceback on stderr"
    if case.expect == "read" or (case.expect == "either" and outcome.code in (0, None)):
        if outcome.code not in (0, None):
            return f"a usable file refused (exit {outcome.code}): {err[:200]}"
        return _rows_lost(case)
    if outcome.code is None:
        return "the analysis started on a file that cannot be used (checked too late)"
    if NETWORK_READ and case.role.split(" ")[-1] in _BEFORE_NETWORK and case.role != "plan init --areas":
        return "the street network was read before this file was found unusable (read the file first)"
    if outcome.code == 0:
        return "exit 0 for a file that cannot be used"
    if outcome.code == 3:
        return f"an unexpected error (a bug) instead of a data error: {err[:200]}"
    if len(err.splitlines()) != 1 or not err.startswith(f"trygghet-geo {command}: error: "):
        return f"not one clear line: {err[:300]!r}"
    if "object at 0x" in err:
        return f"a repr in the message: {err[:200]}"
    left = [p for p in case.outputs if Path(p).exists()]
    if left:
        return f"outputs left behind after the failure: {left}"
    return None


def _rows_lost(case: FileCase) -> str | None:
    if case.rows is None or case.argv[0] != "validate":
        return None
    import csv as csvmod

    out = Path(case.argv[case.argv.index("--out") + 1])
    rejects = out.with_name(f"{out.stem.removesuffix('.validated')}.rejects.csv")
    counts = []
    for path in (out, rejects):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            counts.append(len(list(csvmod.reader(fh, delimiter=";"))) - 1)
    # every row is in the validated table (with its status); the rejects table lists the refused ones again
    if counts[0] != case.rows:
        return f"rows lost: {case.rows} in, {counts[0]} in the validated table ({counts[1]} rejects)"
    return None
