"""Hostile command lines through every ``trygghet-geo`` subcommand (the corpus is built by
:mod:`cli_corpus` from the parser itself).

Two kinds of test:

- **checks before work**: option values, input and output paths and contradictory options. ``main`` runs
  in-process with every function that starts the work replaced by one that raises; a case must be refused with
  exit 2 and one line naming its option before that, or reach the work when it is fine.
- **real runs** on small files: hostile input files (empty, binary, BOM-less UTF-16, header only, a runaway
  quote, the wrong kind of file for the option, odd file names) through the real readers: no traceback, one
  line naming the option or file, nothing half-written left behind, every row accounted for.

The full checks-before-work corpus is about 2,800 command lines (~30 s on an idle core); the test runs the
non-option-value classes whole and a fixed half of the option values (``CLI_FUZZ_FULL=1`` runs them all).
"""

from __future__ import annotations

import os
import zlib
from collections import Counter
from pathlib import Path

import cli_corpus as cc
import pytest

COMMANDS = sorted(cc.subcommands())
FULL = os.environ.get("CLI_FUZZ_FULL") == "1"
ROOT = os.geteuid() == 0  # root writes into a read-only folder: those cases cannot be refused then


def _sampled(case: cc.Case) -> bool:
    if "read-only" in case.name and ROOT:
        return False
    return FULL or case.cls != "option value" or zlib.crc32(case.name.encode()) % 2 == 0


def _command(case: cc.Case) -> str:
    return next(a for a in case.argv if not a.startswith("-"))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[cc.Case]:
    return cc.all_cases(tmp_path_factory.mktemp("cli_fuzz"))


@pytest.mark.parametrize("command", COMMANDS)
def test_every_hostile_command_line_is_refused_before_work_or_accepted(
    command: str, corpus: list[cc.Case], monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [c for c in corpus if _command(c) == command and _sampled(c)]
    assert cases, command
    failures: list[str] = []
    with cc.work_blocked(monkeypatch):
        for case in cases:
            verdict = cc.judge(case, cc.run_before_work(case.argv))
            if verdict is not None:
                failures.append(f"[{case.cls}] {case.name}: {verdict}")
    assert not failures, f"{len(failures)} of {len(cases)} failed:\n" + "\n".join(failures[:40])


def test_the_corpus_covers_every_class_and_option(corpus: list[cc.Case]) -> None:
    """Every numeric and text option of every subcommand is in the corpus with every variant of its kind,
    and each class has refusals and acceptances (a corpus of refusals only would pass a CLI that refuses
    everything)."""
    by_class = Counter((c.cls, c.expect) for c in corpus)
    for cls in ("option value", "output path", "input path", "combination"):
        assert by_class[(cls, "refuse")] > 0, cls
    assert by_class[("option value", "accept")] > 200
    options = {(_command(c), c.option) for c in corpus if c.cls == "option value"}
    for command, parser in cc.subcommands().items():
        for action in parser._actions:
            if action.dest in cc.NUMERIC or action.dest in cc.TEXT_SPECS:
                assert (command, action.option_strings[-1]) in options, (command, action.dest)
    assert len(corpus) > 2000


@pytest.fixture(scope="module")
def file_cases(tmp_path_factory: pytest.TempPathFactory) -> list[cc.FileCase]:
    return cc.hostile_file_cases(tmp_path_factory.mktemp("cli_files"))


ROLES = sorted({c.split(" ")[0] for c in cc._ROLES})


@pytest.mark.parametrize("command", ROLES)
def test_hostile_files_are_refused_on_one_line_before_the_work(
    command: str, file_cases: list[cc.FileCase], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each file option given each unusable content under each of its suffixes, and usable files with odd
    names and encodings, read for real (the analysis itself is not run): a refusal is one line naming the
    option or file, exit 1 or 2, before the street network is read when the file could be read first, and
    with no output left behind; a usable file is read with every row accounted for."""
    cases = [c for c in file_cases if c.argv[0] == command]
    failures = []
    for case in cases:
        verdict = cc.judge_real(case, cc.run_real(case, monkeypatch))
        if verdict is not None:
            failures.append(f"{case.name}: {verdict}")
    assert not failures, f"{len(failures)} of {len(cases)} failed:\n" + "\n".join(failures[:40])


def _cli(*argv: str, cwd: Path) -> tuple[int, str, str]:
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(
        [sys.executable, "-m", "trygghet_geo", "--no-progress", *argv],
        cwd=cwd, env=env, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def test_end_to_end_in_a_real_process(tmp_path: Path) -> None:
    """A few checks in a real process, where Python's own streams and warning filters apply: a file name
    that is not UTF-8, a GDAL warning, and a refusal."""
    data = cc.incident_text(5).encode()
    odd = os.fsdecode(b"n\xffamn.csv")  # bytes a shell passes as they are; Python holds them as surrogates
    (tmp_path / odd).write_bytes(data)
    code, _, err = _cli("validate", odd, cwd=tmp_path)
    assert code == 0, err
    assert (tmp_path / os.fsdecode(b"n\xffamn.validated.csv")).exists()
    sqlite = tmp_path / "inte.gpkg"
    cc._sqlite_not_geopackage(sqlite)
    code, _, err = _cli("validate", str(sqlite), "--out", "v.csv", cwd=tmp_path)
    assert code == 1
    lines = err.strip().splitlines()
    assert all(line.startswith("trygghet-geo validate: ") for line in lines), err
    assert sum("error:" in line for line in lines) == 1, err
    assert not (tmp_path / "v.csv").exists()
    code, _, err = _cli("analyze", "saknas.csv", "--network", "n.gpkg", "--lixel-m", "1", cwd=tmp_path)
    assert code == 2
    assert err.startswith("trygghet-geo: error: unrecognized arguments: --lixel-m"), err


# Rows no analysis can use, one of each kind, built from the good rows' columns (date, time, category, place,
# x, y): every one must come back in utelamnade.csv with its reason.
_BAD_ROWS = {
    "date": "inte-ett-datum;22:00;Rån;Gata 3;6580200;674210",
    "time": "2025-02-02;25:61;Rån;Gata 3;6580200;674211",
    "no place": "2025-02-02;12:00;Rån;;;",
    "blank": ";;;;;",
    "far away": "2025-02-03;12:00;Rån;Gata 1;1;1",
    "far date": "1850-01-01;12:00;Rån;Gata 1;6580200;674212",
    "text coordinates": "2025-02-03;12:00;Rån;Gata 1;norr;öst",
    "formula": "2025-02-03;12:00;=HYPERLINK(1);Gata 1;6580200;674213",
}


def test_analyze_accounts_for_every_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``analyze`` on a file of good rows and one row of each unusable kind: rows read = rows in the file,
    and rows read = rows clustered + rows in utelamnade.csv."""
    import csv
    import re
    import warnings

    from trygghet_geo.cli import main

    network, _, _ = cc.tiny_town(tmp_path)
    good = cc.incident_text(30).splitlines()
    path = tmp_path / "blandat.csv"
    path.write_text("\n".join([*good, *_BAD_ROWS.values()]) + "\n", encoding="utf-8")
    rows_in = len(good) - 1 + len(_BAD_ROWS)
    out = tmp_path / "ut"
    argv = ["--no-progress", "--lang", "en", "analyze", str(path), "--network", str(network),
            "--n-simulations", "0", "--no-basemap", "--out", str(out)]  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("default")  # as the command line runs in a shell
        assert main(argv) == 0
    printed = capsys.readouterr().out
    found = re.search(r"Incidents read: (\d+) .*?clustered: (\d+)\)", printed)
    assert found is not None, printed
    read, used = int(found.group(1)), int(found.group(2))
    with (out / "utelamnade.csv").open(encoding="utf-8-sig", newline="") as fh:
        left = len(list(csv.reader(fh, delimiter=";"))) - 1
    assert read == rows_in, printed
    assert used + left == read, (used, left, printed)
