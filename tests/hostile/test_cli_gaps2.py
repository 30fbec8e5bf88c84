"""Command-line gaps, second pass: what a run finds only late, and what it leaves behind when it fails.

Each part is a corpus built by rule, run through :func:`trygghet_geo.cli.main` (in-process, the work stopped
where it would start, as :mod:`cli_corpus` does) or a real process where the operating system is part of the
case (a full disk, a file size limit):

- **batch's national file**: every unusable content of :func:`cli_corpus._bad_contents` under each suffix a
  national file comes in, and a usable file without the ``--code-column``: refused on one line naming the
  file before :func:`trygghet_geo.batch.run` is called (which starts the Dask cluster, then reads the file);
- **a damaged saved gazetteer**: a GeoParquet or GeoPackage gazetteer, as ``Gazetteer.save`` writes it,
  damaged by rule where its footer (or header) does not see it (a byte flipped at spread positions, a block
  zeroed, a stretch overwritten); refused before the street network is read, naming the file and the fix;
- **a full disk**: standard output on ``/dev/full``; every output file of ``validate``, ``analyze``,
  ``geocode`` and ``plan init`` failing with ENOSPC at its first byte and half-way (a patched ``open``); a
  GeoPackage written by GDAL under a file size limit (EFBIG): exit 1, one line naming the file and the
  reason, no traceback, nothing half-written under the file's own name, no temporary file left;
- **abbreviations**: every proper prefix (3 characters or more) of every long option of every subcommand:
  refused, naming the options it could be (one in 11 by a hash of its name, and every ``--no``;
  ``CLI_GAPS2_FULL=1`` runs all, and every output file of analyze at both places);
- **output paths** (:func:`path_cases`): the same file as input and output through another spelling (a link,
  ``./``, ``..``, a hard link), an output that is an existing folder, a read-only folder, names with line
  breaks, tabs or leading dashes, names at and past the file system's limits.

``CLI_GAPS2_REPORT=1`` prints the counts by class.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cli_corpus as cc
import pytest

FULL = os.environ.get("CLI_GAPS2_FULL") == "1"
REPORT = os.environ.get("CLI_GAPS2_REPORT") == "1"
ROOT = Path(__file__).resolve().parents[2]


def _check(title: str, tried: Counter[str], failures: list[str]) -> None:
    text = _report(title, tried, failures)
    assert not failures, text


def _report(title: str, tried: Counter[str], failures: list[str]) -> str:
    text = f"{title}: {sum(tried.values())} tried ({dict(tried)}), {len(failures)} failed"
    if REPORT:
        print(text)
    return text + "".join(f"\n  {f}" for f in failures[:40])


# --- batch: the national file read before the cluster ----------------------------------------------------
_NATIONAL_SUFFIXES = (".csv", ".txt", ".xlsx", ".parquet", ".gpkg", ".geojson", ".json")


def batch_cases(root: Path) -> list[cc.FileCase]:
    network, _, _ = cc.tiny_town(root)
    store = root / "nätverk"
    store.mkdir()
    shutil.copy(network, store / "1780.gpkg")
    files, out = root / "nationella", root / "ut"
    files.mkdir()
    cases = []

    def case(name: str, path: Path, expect: str, column: str = "Kommun") -> None:
        argv = ("batch", str(path), "--code-column", column, "--networks", str(store), "--out", str(out))
        cases.append(cc.FileCase("batch FILE", name, argv, expect, (str(out),)))

    for kind, content in cc._bad_contents(15).items():
        for suffix in _NATIONAL_SUFFIXES:
            path = files / f"{kind.replace(' ', '_').replace(',', '')}{suffix}"
            content(path) if callable(content) else path.write_bytes(content)
            case(f"batch given {kind} as {suffix}", path, "fail")  # none has the column Kommun
    good = files / "kommuner.csv"
    lines = cc.incident_text(12).splitlines()
    good.write_text("\n".join([lines[0] + ";Kommun", *(f"{x};1780" for x in lines[1:])]) + "\n", "utf-8")
    case("batch given a usable file", good, "read")
    for column in ("Saknas", "kommun", " Kommun", "Kommun\n"):
        case(f"batch --code-column {column!r} not in the file", good, "fail", column)
    return cases


def test_batch_refuses_a_broken_national_file_before_the_cluster_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``batch.run`` starts the cluster, then reads the file: the CLI reads it first. A stopped
    ``batch.run`` (the work) reached with an unusable file is a failure, as is a message naming neither the
    file nor the option."""
    tried: Counter[str] = Counter()
    failures = []
    for case in batch_cases(tmp_path):
        tried[case.expect] += 1
        outcome = cc.run_real(case, monkeypatch)
        verdict = cc.judge_real(case, outcome)
        err = outcome.err.strip()
        if verdict is None and case.expect == "fail":
            named = Path(case.argv[1]).name in err or "--code-column" in err
            verdict = None if named else f"names neither the file nor --code-column: {err[:200]}"
        if verdict is not None:
            failures.append(f"{case.name}: {verdict}")
    assert tried["fail"] > 80, tried
    _check("batch national file", tried, failures)


# --- a saved gazetteer, damaged where its footer does not see it ----------------------------------------
def _damaged(data: bytes, start: int, end: int) -> Iterator[tuple[str, bytes]]:
    """``data`` damaged by rule between ``start`` and ``end`` (its header and footer left whole)."""
    span = end - start
    for i in range(7):  # one byte flipped, at positions spread over the data
        at = start + (span * (2 * i + 1)) // 14
        yield f"byte {at} flipped", data[:at] + bytes([data[at] ^ 0x5A]) + data[at + 1 :]
    middle = start + span // 2
    block = min(512, span // 4)
    yield "a block zeroed", data[:middle] + bytes(block) + data[middle + block :]
    yield "a stretch overwritten", data[:middle] + b"\xff" * block + data[middle + block :]


def gazetteer_cases(root: Path) -> Iterator[tuple[str, Path]]:
    from trygghet_geo.geocode import Gazetteer

    gazetteer = Gazetteer.example()
    sealed = gazetteer.save(root / "ortnamn.parquet")
    data = sealed.read_bytes()
    footer = int.from_bytes(data[-8:-4], "little") + 8  # the footer's length, its own 4 bytes and PAR1
    for what, damaged in _damaged(data, 4, len(data) - footer):
        path = root / f"ortnamn {len(list(root.iterdir()))}.parquet"
        path.write_bytes(damaged)
        yield f"parquet, {what}", path
    package = gazetteer.save(root / "ortnamn.gpkg")
    data = package.read_bytes()
    page = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page
    for n in range(1, pages):  # each page after the first (the header), overwritten
        path = root / f"ortnamn {len(list(root.iterdir()))}.gpkg"
        path.write_bytes(data[: n * page] + b"\xa5" * page + data[(n + 1) * page :])
        yield f"gpkg, page {n + 1} of {pages} overwritten", path


def test_a_damaged_saved_gazetteer_is_refused_before_the_street_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some damage SQLite cannot see in a GeoPackage page (a free page, unused space of a page): such a
    file is read as it was, and the run goes on (the check's own text says so); a damage it sees must be
    told before the network is read."""
    network, incidents, _ = cc.tiny_town(tmp_path)
    folder = tmp_path / "gaz"
    folder.mkdir()
    tried: Counter[str] = Counter()
    failures = []
    for what, path in gazetteer_cases(folder):
        tried[what.split(",")[0]] += 1
        out = tmp_path / "ut"
        argv = (
            "analyze",
            str(incidents),
            "--network",
            str(network),
            "--gazetteer",
            str(path),
            "--out",
            str(out),
        )
        case = cc.FileCase("analyze --gazetteer", what, argv, "fail", (str(out),))
        outcome = cc.run_real(case, monkeypatch)
        err = outcome.err.strip()
        if what.startswith("gpkg") and outcome.code is None and _sqlite_sees_nothing(path):
            tried["gpkg, damage SQLite cannot see"] += 1
            continue
        verdict = cc.judge_real(case, outcome)
        if verdict is None and cc.NETWORK_READ:
            verdict = "the street network was read before the damage was found"
        if verdict is None and (str(path) not in err or "rebuild" not in err):
            verdict = f"does not name the file and the fix: {err[:200]}"
        if verdict is not None:
            failures.append(f"{what}: {verdict}")
    assert tried["parquet"] == 9, tried
    assert tried["gpkg"] >= 4, tried
    _check("damaged gazetteer", tried, failures)


def test_a_damaged_answer_cache_is_refused_before_the_street_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The geocoder's answer cache (``options.cache_dir``) with pages overwritten past its header: the runs
    that geocode say so on one line, naming the file and the fix, before the network is read (it was
    "unexpected error (DatabaseError: database disk image is malformed)", a bug's exit status, after it)."""
    from trygghet_geo import options
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.geocode._cache import ResultCache
    from trygghet_geo.geocode._match import MatchResult

    network, incidents, _ = cc.tiny_town(tmp_path)
    gazetteer = Gazetteer.example().save(tmp_path / "ortnamn.parquet")
    failures, tried = [], 0
    for n, at in enumerate((0.3, 0.5, 0.8)):
        folder = tmp_path / f"cache{n}"
        answers = {f"storgatan {i}": MatchResult(method="address", score=100.0) for i in range(1500)}
        ResultCache(folder / "geocode.sqlite").put("v1", answers)
        data = (folder / "geocode.sqlite").read_bytes()
        cut = int(len(data) * at) // 4096 * 4096
        (folder / "geocode.sqlite").write_bytes(data[:cut] + b"\xa5" * 4096 + data[cut + 4096 :])
        monkeypatch.setattr(options, "cache_dir", folder)
        for argv in (
            ("analyze", str(incidents), "--network", str(network), "--gazetteer", str(gazetteer), "--out",
             str(tmp_path / "a")),
            ("geocode", str(incidents), "--gazetteer", str(gazetteer), "--out", str(tmp_path / "g.csv")),
        ):  # fmt: skip
            tried += 1
            outcome = cc.run_real(cc.FileCase(argv[0], f"cache {at}", argv, "fail", ()), monkeypatch)
            err = outcome.err.strip()
            if outcome.code != 1 or len(err.splitlines()) != 1 or "delete that file" not in err:
                failures.append(f"{argv[0]}, page at {at}: exit {outcome.code}: {err[:300]!r}")
            elif cc.NETWORK_READ:
                failures.append(f"{argv[0]}, page at {at}: the street network was read first")
    _check("damaged answer cache", Counter(all=tried), failures)


def _sqlite_sees_nothing(path: Path) -> bool:
    import contextlib
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(path)) as db:
            return [r[0] for r in db.execute("PRAGMA integrity_check")] == ["ok"]
    except sqlite3.Error:
        return False


# --- a full disk ----------------------------------------------------------------------------------------
def _real(
    argv: list[str], cwd: Path, *, stdout: Any = subprocess.DEVNULL, limit: int | None = None
) -> tuple[int, str]:
    def limited() -> None:
        if limit is not None:  # writes past the limit fail with EFBIG (the signal that would kill: ignored)
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [sys.executable, "-m", "trygghet_geo", "--no-progress", *argv], stdout=stdout,
        stderr=subprocess.PIPE, cwd=cwd, env=env, timeout=300, check=False, preexec_fn=limited,
    )  # fmt: skip
    return done.returncode, done.stderr.decode("utf-8", "replace")


def _full_disk_verdict(code: int, err: str, named: str) -> str | None:
    lines = err.strip().splitlines()
    if "Traceback" in err or "Exception ignored" in err:
        return f"a traceback: {err[-300:]!r}"
    if code != 1:
        return f"exit {code}, not 1 (_cli_conventions: a file could not be written): {err[-200:]!r}"
    if len(lines) != 1 or ": error: cannot write " not in lines[0]:
        return f"not one line 'error: cannot write FILE: REASON': {err[-300:]!r}"
    if named not in lines[0]:
        return f"does not name {named!r}: {lines[0]!r}"
    return None


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_standard_output_on_a_full_disk(tmp_path: Path) -> None:
    """``trygghet-geo … > /dev/full``: every write fails with ENOSPC. In a real process (what Python does at
    exit counts: a second report of the same failure), and in this one for a run of analyze (faster)."""
    import contextlib

    network, incidents, _ = cc.tiny_town(tmp_path)
    runs = {
        "validate": ["validate", str(incidents), "--out", str(tmp_path / "v.csv")],
        "analyze (in-process)": ["analyze", str(incidents), "--network", str(network), "--n-simulations", "0",
                                 "--no-basemap", "--out", str(tmp_path / "ut")],
    }  # fmt: skip
    failures = []
    with open("/dev/full", "wb") as full:
        for what, argv in runs.items():
            if "in-process" in what:
                from trygghet_geo.cli import main

                err_text = io.StringIO()
                with open("/dev/full", "w", encoding="utf-8") as text, contextlib.redirect_stdout(text):
                    with contextlib.redirect_stderr(err_text):
                        code = main(["--no-progress", *argv])
                    with contextlib.suppress(
                        OSError
                    ):  # what is left in its buffer: dropped (the run said it)
                        text.close()
                err = err_text.getvalue()
            else:
                code, err = _real(argv, tmp_path, stdout=full)
            verdict = _full_disk_verdict(code, err, "standard output")
            if verdict is None and "no space left on device" not in err:
                verdict = f"does not say 'no space left on device': {err!r}"
            if verdict is not None:
                failures.append(f"{what}: {verdict}")
    _check("standard output on /dev/full", Counter(all=len(runs)), failures)


class _Disk:
    """A disk with ``left`` bytes free for the files under ``root`` (others are written as usual), and the
    byte ranges each file was written at (by final name: a temporary name's ``.PID.part`` taken away)."""

    def __init__(self, root: Path, left: int | None, error: type[BaseException] = OSError) -> None:
        self.root, self.left, self.used, self.error = str(root), left, 0, error
        self.ranges: dict[str, list[int]] = {}
        self.full_at: str | None = None  # the file being written when the disk filled
        self.direct: set[str] = set()  # files written under their own name (not a temporary one)

    def wrap(self, raw: Any, name: str) -> Any:
        disk = self

        class Limited:
            def write(self, data: Any) -> int:
                n = len(data)
                key = _final_name(name)
                self_range = disk.ranges.setdefault(key, [disk.used, disk.used])
                if key == name:
                    disk.direct.add(name)
                if disk.left is not None and disk.used + n > disk.left:
                    disk.full_at = disk.full_at or name
                    room = max(disk.left - disk.used, 0)
                    raw.write(data[:room])
                    disk.used += room
                    if disk.error is KeyboardInterrupt:  # Ctrl-C while the file is written
                        raise KeyboardInterrupt
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                disk.used += n
                self_range[1] = disk.used
                return int(raw.write(data))

            def __enter__(self) -> Any:
                return self

            def __exit__(self, *exc: object) -> None:
                raw.close()

            def __iter__(self) -> Any:
                return iter(raw)

            def __getattr__(self, attr: str) -> Any:
                return getattr(raw, attr)

        return Limited()


def _final_name(name: str) -> str:
    base = os.path.basename(name)
    if base.startswith(".") and ".part" in base:
        stem, _, suffix = base[1:].partition(".part")
        return os.path.join(os.path.dirname(name), stem.rsplit(".", 1)[0] + suffix)
    return name


def _limited_open(disk: _Disk) -> Any:
    real = io.open

    def opening(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real(file, mode, *args, **kwargs)
        name = os.fsdecode(file) if isinstance(file, str | bytes | os.PathLike) else ""
        writing = any(c in mode for c in "wax+")
        if writing and os.path.abspath(name).startswith(disk.root):
            return disk.wrap(handle, os.path.abspath(name))
        return handle

    return opening


def _run_on(disk: _Disk, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> cc.Outcome:
    import warnings

    with monkeypatch.context() as m, warnings.catch_warnings():
        opening = _limited_open(disk)
        m.setattr(io, "open", opening)
        m.setattr(builtins, "open", opening)
        # A zip archive (XLSX) whose entry failed half-way cannot close its file (zipfile refuses while an
        # entry is open): the handle is closed when it is collected, with a ResourceWarning, which Python
        # does not show by default. _atomic empties and removes the file at once (its blocks are freed).
        real = warnings.simplefilter

        def as_python_shows(action: Any, *args: Any, **kwargs: Any) -> None:
            real(action, *args, **kwargs)
            warnings.filterwarnings("ignore", category=ResourceWarning)

        m.setattr(warnings, "simplefilter", as_python_shows)
        return cc.run_before_work(tuple(argv))


def _full_disk_runs(tmp_path: Path) -> dict[str, list[str]]:
    from trygghet_geo.geocode import Gazetteer

    network, incidents, _ = cc.tiny_town(tmp_path)
    gazetteer = Gazetteer.example().save(tmp_path / "ortnamn.parquet")
    return {
        "validate csv": ["validate", str(incidents), "--out", "{out}/v.csv"],
        "validate xlsx": ["validate", str(incidents), "--out", "{out}/v.xlsx"],
        "geocode csv": ["geocode", str(incidents), "--gazetteer", str(gazetteer), "--no-cache",
                        "--out", "{out}/g.csv"],
        "analyze": ["analyze", str(incidents), "--network", str(network), "--n-simulations", "0",
                    "--no-basemap", "--out", "{out}/a"],
        "plan init": ["plan", "init", "{out}/plan.xlsx"],
    }  # fmt: skip


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], Path, _Disk]]:
    """Each run of :func:`_full_disk_runs` made once with room to spare: the byte range of each file it
    writes (its template, its folder, the measure)."""
    tmp_path = tmp_path_factory.mktemp("disk")
    found = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for what, template in _full_disk_runs(tmp_path).items():
            base = tmp_path / what.replace(" ", "_")
            measure = _Disk(base, None)
            (base / "mått").mkdir(parents=True)
            outcome = _run_on(
                measure, [a.replace("{out}", str(base / "mått")) for a in template], monkeypatch
            )
            assert outcome.code == 0, (what, outcome)
            assert measure.ranges, what
            found[what] = (template, base, measure)
    return found


def test_every_output_file_on_a_full_disk(
    measured: dict[str, tuple[list[str], Path, _Disk]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """For each file of each run, the disk fills at the file's first byte and half-way through it."""
    tried: Counter[str] = Counter()
    failures = []
    for what, (template, base, measure) in measured.items():
        for i, (file, (start, end)) in enumerate(sorted(measure.ranges.items())):
            places = (("at its first byte", start), ("half-way", (start + end) // 2))
            if what == "analyze" and not FULL:  # a run of analyze takes seconds: one place each, by a hash
                places = places[zlib.crc32(Path(file).name.encode()) % 2 :][:1]
            for where, left in places:
                tried[what] += 1
                out = base / f"{i}-{where[:2]}"
                out.mkdir()
                argv = [a.replace("{out}", str(out)) for a in template]
                disk = _Disk(base, left)
                outcome = _run_on(disk, argv, monkeypatch)
                final = _final_name(disk.full_at or file.replace(str(base / "mått"), str(out)))
                verdict = _full_disk_verdict(outcome.code or 0, outcome.err, os.path.basename(final))
                if outcome.escaped:
                    verdict = f"escaped main: {outcome.escaped}"
                elif verdict is None and "no space left on device" not in outcome.err:
                    verdict = f"does not say 'no space left on device': {outcome.err!r}"
                if disk.full_at == final and os.path.exists(final):
                    verdict = f"{os.path.basename(final)} left under its own name, half-written"
                elif disk.direct:  # a file written in place: a failure there would leave it half-written
                    verdict = f"written in place, not whole or not at all: {sorted(disk.direct)[:3]}"
                left_over = [p.name for p in out.rglob("*") if ".part" in p.name]
                if left_over:
                    verdict = f"temporary files left: {left_over}"
                if verdict is not None:
                    failures.append(f"{what}, {os.path.basename(final)} {where}: {verdict}")
    assert tried["analyze"] >= 5, tried
    _check("full disk", tried, failures)


def test_ctrl_c_while_a_file_is_written(
    measured: dict[str, tuple[list[str], Path, _Disk]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C half-way through each file of validate and (one file, by a hash) analyze: one line, exit 130
    (as a shell reports it), no traceback, nothing half-written under its own name, no temporary file."""
    failures, tried = [], 0
    for what in ("validate csv", "validate xlsx", "analyze"):
        template, base, measure = measured[what]
        files = sorted(measure.ranges.items())
        if what == "analyze" and not FULL:
            files = files[zlib.crc32(b"ctrl-c") % len(files) :][:1]
        for i, (_file, (start, end)) in enumerate(files):
            tried += 1
            out = base / f"ctrl-c-{i}"
            out.mkdir()
            disk = _Disk(base, (start + end) // 2, KeyboardInterrupt)
            try:
                outcome = _run_on(disk, [a.replace("{out}", str(out)) for a in template], monkeypatch)
            except KeyboardInterrupt:
                failures.append(f"{what} {Path(_file).name}: KeyboardInterrupt left main (a traceback)")
                continue
            err = outcome.err.strip()
            problem = None
            if outcome.code != 130 or len(err.splitlines()) != 1 or "interrupted" not in err:
                problem = f"exit {outcome.code}: {err[:200]!r}"
            elif disk.full_at and disk.full_at == _final_name(disk.full_at) and os.path.exists(disk.full_at):
                problem = f"{Path(disk.full_at).name} left half-written"
            elif [p for p in out.rglob("*") if ".part" in p.name]:
                problem = "temporary files left"
            if problem is not None:
                failures.append(f"{what} {Path(_file).name}: {problem}")
    assert tried >= 5, tried
    _check("ctrl-c", Counter(all=tried), failures)


def test_a_geopackage_past_the_file_size_limit(tmp_path: Path) -> None:
    """GDAL writes a GeoPackage in C (no Python ``open``): a file size limit makes its writes fail
    (EFBIG); the file it was to become is named, and not left behind."""
    import geopandas as gpd

    network, incidents, _ = cc.tiny_town(tmp_path)
    lines = tmp_path / "gator.gpkg"
    gpd.read_file(network, layer="edges")[["geometry"]].to_file(lines)
    failures = []
    for what, argv, final in (
        ("validate --out .gpkg", ["validate", str(incidents), "--out", "v.gpkg"], "v.gpkg"),
        ("network --lines", ["network", "--lines", str(lines), "--out", "n.gpkg"], "n.gpkg"),
    ):
        code, err = _real(argv, tmp_path, limit=40_000)
        verdict = _full_disk_verdict(code, err, final)
        if (tmp_path / final).exists():
            verdict = f"{final} left under its own name"
        left_over = [p.name for p in tmp_path.iterdir() if ".part" in p.name]
        if left_over:
            verdict = f"temporary files left: {left_over}"
        if verdict is not None:
            failures.append(f"{what}: {verdict}")
    _check("file size limit", Counter(all=2), failures)


# --- abbreviations --------------------------------------------------------------------------------------
def abbreviation_cases() -> Iterator[tuple[str, str, str, list[str]]]:
    """(command, prefix, the option it is cut from, every option of the command it is a prefix of)."""
    from trygghet_geo.cli import build_parser

    parser, _ = build_parser("en")
    top = [s for a in parser._actions for s in a.option_strings if s.startswith("--")]
    for command, sub in cc.subcommands().items():
        flags = [s for a in sub._actions for s in a.option_strings if s.startswith("--")]
        for flag in flags:
            for n in range(3, len(flag)):
                prefix = flag[:n]
                if prefix in flags or prefix.endswith("-"):
                    continue
                if not (FULL or zlib.crc32(f"{command} {prefix}".encode()) % 11 == 0 or prefix == "--no"):
                    continue
                yield command, prefix, flag, sorted(f for f in flags if f.startswith(prefix))
    for prefix in ("--no-p", "--ver", "--la"):
        yield "", prefix, "", sorted(f for f in top if f.startswith(prefix))


def test_options_are_written_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An abbreviation would change meaning when an option is added: each is refused on one line (exit 2)
    naming every option it could be; the option written whole passes the parser."""
    f = cc.make_files(tmp_path)
    tried, failures = 0, []
    seen = set()
    with cc.work_blocked(monkeypatch):
        for command, prefix, _flag, whole in abbreviation_cases():
            base = cc.base_argv(command, f) if command else cc.base_argv("validate", f)
            argv = (*base[:1], *base[1:], f"{prefix}=1") if command else (prefix, *base)
            if (command, prefix) in seen:
                continue
            seen.add((command, prefix))
            tried += 1
            outcome = cc.run_before_work(tuple(argv))
            err = outcome.err.strip()
            problem = None
            if outcome.code != 2 or len(err.splitlines()) != 1:
                problem = f"exit {outcome.code}: {err[:200]!r}"
            elif "written whole" not in err or not all(w in err for w in whole):
                problem = f"does not name {whole}: {err[:200]!r}"
            if problem is not None:
                failures.append(f"{command} {prefix}: {problem}")
    assert tried > 100, tried
    _check("abbreviations", Counter(all=tried), failures)


# --- output paths: the same file by another spelling, folders, pipes, odd names, limits -------------------
# Commands that write one file (the option, and the file name it is given in cli_corpus.base_argv), and
# commands that write a folder (the option, and a file they write there, from _preflight._WRITES).
_FILE_OUTPUTS = {
    "validate": ("--out", "v.csv"),
    "geocode": ("--out", "g.csv"),
    "network": ("--out", "n.gpkg"),
}
_FOLDER_OUTPUTS = {
    "analyze": "platser.csv", "report": "uppfoljning.html", "density": "tathet.gpkg",
    "trend": "narupprepning.csv", "lagesbild": "lagesbild.html", "hotlist": "hotlist.html",
    "batch": "index.html",
}  # fmt: skip
# The input each command reads that an output could overwrite (option, or the positional's position).
_READS = {"validate": 1, "geocode": 1, "network": "--pbf", "analyze": 1, "density": 1, "trend": 1,
          "hotlist": 1, "batch": 1, "report": "--incidents", "lagesbild": "--incidents"}  # fmt: skip


def _input_of(argv: list[str], command: str) -> tuple[int, str]:
    where = _READS[command]
    i = where if isinstance(where, int) else argv.index(where) + 1
    return i, argv[i]


def _aliases(path: Path, root: Path) -> dict[str, str]:
    """``path`` spelt otherwise: through a link, ``./``, ``x/..``, a hard link, an absolute/relative swap."""
    link, hard = root / f"länk-{path.name}", root / f"hård-{path.name}"
    if not os.path.lexists(link):
        os.symlink(path, link)
    if not hard.exists():
        os.link(path, hard)
    return {
        "a link to it": str(link),
        "./": str(path.parent / "." / path.name),
        "a folder/..": str(path.parent / "ut" / ".." / path.name),
        "a hard link": str(hard),
        "relative": os.path.relpath(path),
    }


def output_path_cases(f: cc.Files, root: Path) -> Iterator[cc.Case]:
    fifo = root / "rör.csv"
    if not fifo.exists():
        os.mkfifo(fifo)
    for command, (flag, _name) in _FILE_OUTPUTS.items():
        base = cc.base_argv(command, f)
        i, read = _input_of(base, command)
        own = Path(read).with_suffix(Path(_name).suffix)  # the input under the output's kind
        if not own.exists():
            shutil.copy(read, own)
        argv0 = list(base)
        argv0[i] = str(own)
        for how, alias in _aliases(own, root).items():
            yield cc.Case(
                "same file",
                f"{command} {flag} is its input by {how}",
                tuple(cc._with(argv0, flag, alias)),
                "refuse",
                flag,
            )
        folder = root / f"mapp{Path(_name).suffix}"
        folder.mkdir(exist_ok=True)
        yield cc.Case(
            "a folder",
            f"{command} {flag} an existing folder",
            tuple(cc._with(base, flag, str(folder))),
            "refuse",
            flag,
        )
        yield cc.Case(
            "a folder",
            f"{command} {flag} ending in /",
            tuple(cc._with(base, flag, str(root / _name) + "/")),
            "refuse",
            flag,
        )
        pipe = root / f"rör{Path(_name).suffix}"
        if not pipe.exists():
            os.mkfifo(pipe)
        yield cc.Case(
            "a pipe", f"{command} {flag} a named pipe", tuple(cc._with(base, flag, str(pipe))), "refuse", flag
        )
    for command, written in _FOLDER_OUTPUTS.items():
        base = cc.base_argv(command, f)
        out = root / f"ut-{command}"
        out.mkdir(exist_ok=True)
        i, read = _input_of(base, command)
        inside = out / (written if command != "report" else "uppfoljning.html")
        if written.endswith(Path(read).suffix) and not inside.exists():
            shutil.copy(read, inside)
            for how, alias in _aliases(inside, out.parent).items():
                argv = list(cc._with(base, "--out", str(out)))
                argv[_input_of(argv, command)[0]] = alias
                yield cc.Case("same file", f"{command} writes its input {written} (by {how})", tuple(argv),
                              "refuse", "--out")  # fmt: skip
        piped = root / f"ut-rör-{command}"
        piped.mkdir(exist_ok=True)
        if not (piped / written).exists():
            os.mkfifo(piped / written)
        yield cc.Case("a pipe", f"{command} --out holds a named pipe as {written}",
                      tuple(cc._with(base, "--out", str(piped))), "refuse", "--out")  # fmt: skip
    for register in (Path(f.register), Path(f.ranking)):  # a register filled since: an empty one over it
        yield cc.Case("lost rows", f"plan init over an existing {register.suffix}",
                      ("plan", "init", str(register)), "refuse", "register")  # fmt: skip
    (root / "g.parquet").touch()  # a gazetteer saved earlier, overwritten by the run
    for how, alias in _aliases(root / "g.parquet", root).items():
        argv = [*cc.base_argv("geocode", f), "--save-gazetteer", str(root / "g.parquet")]
        yield cc.Case("two outputs in one file", f"geocode --out is --save-gazetteer by {how}",
                      tuple(cc._with(argv, "--out", alias)), "refuse", "--out")  # fmt: skip
    yield from _odd_name_cases(f, root)


def _deep(root: Path, total: int) -> str:
    """A path of ``total`` bytes under ``root`` (its folders made), of names of 200 bytes at most."""
    deep = root
    while len(os.fsencode(deep)) + 201 + 40 < total:
        deep = deep / ("d" * 200)
    deep.mkdir(parents=True, exist_ok=True)
    return str(deep / ("n" * (total - len(os.fsencode(deep)) - 1)))


def _odd_names(root: Path) -> dict[str, tuple[str, str]]:
    """(file name without its suffix, or a whole path, and the verdict) by what is odd in it. A name of 255
    bytes is refused by validate alone, whose rejects table beside it adds '.rejects' (``{validate}``)."""
    return {
        "a line break": ("rad\nbrytning", "accept"),
        "a carriage return": ("rad\rretur", "accept"),
        "a tab": ("flik\tnamn", "accept"),
        "a leading dash": ("-streck", "accept"),
        "a trailing space": ("mellanslag ", "accept"),
        "quotes and a semicolon": ('"citat" \';x', "accept"),
        "a byte that is not UTF-8": (os.fsdecode(b"bad\xff"), "accept"),
        "a name of 200 bytes": ("n" * 200, "accept"),
        "a name of 255 bytes": ("n" * 255, "{validate}"),
        "a name of 256 bytes": ("n" * 256, "refuse"),
        "128 two-byte letters": ("å" * 128, "refuse"),
        "a path of 3,900 bytes": (_deep(root, 3900), "accept"),
        "a path of 4,090 bytes": (_deep(root, 4090), "refuse"),
    }


def _odd_name_cases(f: cc.Files, root: Path) -> Iterator[cc.Case]:
    for what, (name, expect) in _odd_names(root).items():
        for command, (flag, given) in _FILE_OUTPUTS.items():
            suffix = Path(given).suffix
            stem = name if name.startswith("/") else str(root / name)
            if what.startswith("a name of"):  # the name with its suffix that long
                stem = str(root / name[: len(name) - len(suffix)])
            verdict = expect.replace("{validate}", "refuse" if command == "validate" else "accept")
            yield cc.Case(
                "odd name",
                f"{command} {flag} with {what}",
                tuple(cc._with(cc.base_argv(command, f), flag, stem + suffix)),
                verdict,
                flag,
            )
        for command in ("analyze", "density"):
            path = name if name.startswith("/") else str(root / name)
            verdict = expect.replace("{validate}", "accept")
            yield cc.Case(
                "odd name",
                f"{command} --out folder with {what}",
                tuple(cc._with(cc.base_argv(command, f), "--out", path)),
                verdict,
                "--out",
            )


def test_output_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each command line judged before the work (as cli_corpus does): a refusal on one line naming the
    option, exit 2; an acceptance reaches the work; nothing written before it."""
    f = cc.make_files(tmp_path / "filer") if (tmp_path / "filer").mkdir() is None else None
    assert f is not None
    monkeypatch.chdir(tmp_path)
    tried: Counter[str] = Counter()
    failures = []
    with cc.work_blocked(monkeypatch):
        for case in output_path_cases(f, tmp_path):
            tried[case.cls] += 1
            verdict = cc.judge(case, cc.run_before_work(case.argv))
            if verdict is not None:
                failures.append(f"{case.cls}: {case.name}: {verdict[:240]}")
    assert sum(tried.values()) > 80, tried
    _check("output paths", tried, failures)


def test_odd_output_names_are_written_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The accepted odd names, for real (validate): exit 0, the table and its rejects table under exactly
    the names given, no temporary file left."""
    _, incidents, _ = cc.tiny_town(tmp_path)
    failures, tried = [], 0
    target = tmp_path / "namn" / "mål.csv"
    names = _odd_names(tmp_path / "namn")
    names["a link to another file"] = (str(tmp_path / "namn" / "länk"), "accept")
    target.write_text("gammalt", encoding="utf-8")
    os.symlink(target, tmp_path / "namn" / "länk.csv")
    for what, (name, expect) in names.items():
        if expect != "accept":
            continue
        tried += 1
        out = Path(name + ".csv") if name.startswith("/") else tmp_path / "namn" / f"{name}.csv"
        outcome = cc.run_real(
            cc.FileCase("validate", what, ("validate", str(incidents), f"--out={out}"), "read"), monkeypatch
        )
        rejects = out.with_name(f"{out.stem}.rejects.csv")
        left = [p.name for p in out.parent.iterdir() if ".part" in p.name]
        if what == "a link to another file" and (
            not out.is_symlink() or "gammalt" in target.read_text("utf-8")
        ):
            left.append("the link replaced, or its file not written")  # written through the link, as before
        if outcome.code != 0 or not out.is_file() or not rejects.is_file() or left:
            failures.append(f"{what}: exit {outcome.code}, written {out.is_file()}/{rejects.is_file()}, "
                            f"left {left}: {outcome.err[:200]!r}")  # fmt: skip
    assert tried >= 9, tried
    _check("odd names written", Counter(all=tried), failures)


def test_a_working_folder_removed_under_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cd ut; rm -rf ../ut; trygghet-geo validate …``: one line saying so, exit 2, before any work."""
    _, incidents, _ = cc.tiny_town(tmp_path)
    gone = tmp_path / "borta"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    failures = []
    with cc.work_blocked(monkeypatch):
        for argv in (
            ("validate", str(incidents), "--out", "v.csv"),
            ("validate", "händelser.csv"),
            ("analyze", str(incidents), "--network", str(incidents), "--out", str(tmp_path / "a")),
        ):
            outcome = cc.run_before_work(argv)
            err = outcome.err.strip()
            if outcome.code != 2 or len(err.splitlines()) != 1 or "current folder" not in err:
                failures.append(f"{argv[0]}: exit {outcome.code} {outcome.escaped} {err[:300]!r}")
    _check("working folder removed", Counter(all=3), failures)


# --- a file changed between the checks and its reading ---------------------------------------------------
_CHANGES = {
    "removed": lambda p: p.unlink(),
    "emptied": lambda p: p.write_bytes(b""),
    "replaced by garbage": lambda p: p.write_bytes(b"\x00\xff" * 500),
    "replaced by a folder": lambda p: (p.unlink(), p.mkdir()),
    "made a link to nothing": lambda p: (p.unlink(), p.symlink_to(p.parent / "saknas")),
}


def test_a_file_changed_after_the_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks look at each file before the work; a file changed after them (another process, a sync
    tool, a second run) is found by its reader: one line naming it, exit 1, no traceback, no bug."""
    from trygghet_geo import _cli_probe
    from trygghet_geo.geocode import Gazetteer

    network, incidents, _ = cc.tiny_town(tmp_path)
    gazetteer = Gazetteer.example().save(tmp_path / "ortnamn.parquet")
    roles = {  # the file changed, and a command line reading it
        "validate FILE": (incidents, ["validate", "{file}", "--out", str(tmp_path / "v.csv")]),
        "analyze FILE": (
            incidents,
            ["analyze", "{file}", "--network", str(network), "--out", str(tmp_path / "a")],
        ),
        "analyze --network": (
            network,
            ["analyze", str(incidents), "--network", "{file}", "--out", str(tmp_path / "a")],
        ),
        "analyze --gazetteer": (
            gazetteer,
            [
                "analyze",
                str(incidents),
                "--network",
                str(network),
                "--gazetteer",
                "{file}",
                "--out",
                str(tmp_path / "a"),
            ],
        ),
        "geocode --gazetteer": (
            gazetteer,
            [
                "geocode",
                str(incidents),
                "--gazetteer",
                "{file}",
                "--no-cache",
                "--out",
                str(tmp_path / "g.csv"),
            ],
        ),
    }
    real = _cli_probe.probe_inputs
    failures, tried = [], 0
    for role, (original, template) in roles.items():
        for change, act in _CHANGES.items():
            tried += 1
            path = tmp_path / "ändras" / f"{tried}{''.join(original.suffixes)}"
            path.parent.mkdir(exist_ok=True)
            shutil.copy(original, path)

            def probe_then_change(args: Any, path: Path = path, act: Any = act) -> None:
                real(args)
                act(path)

            monkeypatch.setattr(_cli_probe, "probe_inputs", probe_then_change)
            argv = tuple(a.replace("{file}", str(path)) for a in template)
            outcome = cc.run_real(cc.FileCase(role, change, argv, "fail", ()), monkeypatch)
            err = outcome.err.strip()
            problem = None
            if outcome.escaped or "Traceback" in err or "unexpected error" in err:
                problem = f"a bug: {outcome.escaped or err[:300]!r}"
            elif outcome.code != 1 or len(err.splitlines()) != 1:
                problem = f"exit {outcome.code}, not 1 on one line: {err[:300]!r}"
            elif path.name not in err:
                problem = f"does not name {path.name}: {err[:300]!r}"
            if problem is not None:
                failures.append(f"{role} {change}: {problem}")
    _check("changed after the checks", Counter(all=tried), failures)
