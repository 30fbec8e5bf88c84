"""Hostile command lines by spelling: every subcommand's options written as users and scripts write them.

:mod:`cli_corpus` varies what an option is given; this corpus varies *how* it is written, and the paths and
addresses a shell leaves as they are. It is built by rule, from the parser itself:

- **spelling**: each value of each option as ``--opt=v``, ``--opt v``, the shortest abbreviation (refused:
  options are written whole), repeated (a good value, then this one: the last wins), with the positionals
  first, last or after ``--``;
- **values**: the numeric and text variants of :mod:`cli_corpus` (its own reading of the help text says
  what is fine), and more: empty and blank text (no-break and ideographic spaces, zero-width space),
  non-ASCII (other scripts, emoji, right-to-left marks, combining accents), a lone surrogate (a file name
  byte that is not UTF-8, as Python holds it), a NUL, line breaks, 100,000 characters; numbers in other
  digits, bases and sizes; dates in odd formats;
- **paths a shell does not expand**: ``~`` inside ``--opt=~/x`` (the shell expands ``~`` only at the start
  of a word), ``~`` alone, ``~nosuchuser``, a quoted ``$HOME`` or ``${HOME}``, relative paths with ``..``,
  a file where a folder is wanted, a path under ``/proc`` or a device;
- **global switches** (``-v``, ``--no-progress``) after the subcommand;
- **--scheduler** values: names, addresses that are malformed, refused, of another kind, or of a port
  that never answers;
- **inputs that are not files** (a pipe such as bash's ``<(…)``, a FIFO, ``/dev/zero``) and outputs through
  a dangling link or a loop of links; an answer cache (``TRYGGHET_GEO_CACHE``) that cannot be used.

Each command line is run in-process through :func:`trygghet_geo.cli.main` with the work blocked (as
:mod:`cli_corpus` does) and judged: exit status by the convention of ``_cli_conventions`` (2 for a refused
command line, the work reached for a fine one), no traceback, one line naming the option, nothing written on
a refused run, no hang (each case under a time limit). A value the checks accept must reach the run in the
form the library reads: no ``~`` left in a path, a date the library's own reader takes.

Real runs cover what the blocked harness cannot: a closed standard output (a real process with
``| head -1``), and broken files of every option read after the street network (the gazetteer, the
study area, the basemap's extract): they must be refused before the network is read.

The full spelling corpus is 38,230 command lines; the test runs a fixed sample of about 1,400 of them
(one in 40 by a hash of its name, and every option in every spelling at least once; ``CLI_GAPS_FULL=1``
runs them all), and every path (310) and scheduler (40) case. ``CLI_GAPS_REPORT=1`` prints the counts by
class and failure kind.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import os
import signal
import subprocess
import sys
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cli_corpus as cc
import pytest

FULL = os.environ.get("CLI_GAPS_FULL") == "1"
REPORT = os.environ.get("CLI_GAPS_REPORT") == "1"
SAMPLE = 1 if FULL else 40  # one case in SAMPLE of the option values, by a hash of its name
CASE_SECONDS = 20  # a case that takes longer is a hang

# --- values beyond cli_corpus' -----------------------------------------------------------------------------
MORE_NUMBERS = (
    "1e3", "1.0", "0b1", "0o7", "１２", "-0.0", "+inf", "1e-320", "9" * 5000, "1\u200b", "nan\n", "3 ",
    "\u00a07", "−1", "1e9", "4294967296", "2147483648", "1" * 20,
)  # fmt: skip
HOSTILE_TEXT = {
    "no-break space": "\u00a0",
    "ideographic space": "\u3000",
    "zero-width space": "\u200b",
    "non-ASCII": "Åäö Ørjan",
    "another script": "日本語",
    "emoji": "😀",
    "right-to-left mark": "\u202eabc",
    "combining accent": "a\u0301",
    "lone surrogate": os.fsdecode(b"x\xff"),
    "NUL": "a\x00b",
    "line break": "a\nb",
    "100,000 characters": "x" * 100_000,
}
ODD_DATES = {
    "20250301": "either",
    "2025-W10-1": "either",
    "2025-060": "either",
    "2025-03-01T00:00": "either",
    "２０２５-０３-０１": "either",
    "٢٠٢٥-٠٣-٠١": "either",
    "2025-03-01Z": "either",
    "+2025-03-01": "either",
    "2025\u201003\u201001": "either",
    "1 mars 2025": "refuse",
    "03/01/2025": "refuse",
    "2025.03.01": "either",
    "0001-01-01": "either",
    "1600-01-01": "either",
    "9999-12-31": "either",
    "2025-03-01\n": "either",
}
ODD_PERIODS = {
    "2024-01-01..2024-W10-1": "either",
    "2024/01/01..2024/02/01": "refuse",
    "２０２４": "either",
    "2024-1": "refuse",
    "2024-01-01\u20132024-02-01": "refuse",
    "2024-01-01 .. ": "refuse",
    "1600": "either",
    "9999": "either",
}
DATE_OPTIONS = {"promise_date", "end"}  # read by the library as dates (its window applies)


@dataclass(frozen=True)
class Case:
    cls: str
    name: str
    argv: tuple[str, ...]
    expect: str  # refuse | accept | either
    option: str | None
    check: str | None = None  # a check of the accepted arguments: "home", "date:<dest>"


@functools.cache
def _parsers() -> dict[str, argparse.ArgumentParser]:
    return cc.subcommands()


# --- the corpus --------------------------------------------------------------------------------------------
def _positionals(command: str, parser: argparse.ArgumentParser) -> int:
    return sum(1 for a in parser._actions if not a.option_strings)


def _abbreviation(flag: str, parser: argparse.ArgumentParser) -> str | None:
    """The shortest prefix of ``flag`` no other option of ``parser`` starts with (None: no shorter one)."""
    others = [s for a in parser._actions for s in a.option_strings if s.startswith("--") and s != flag]
    for n in range(3, len(flag)):
        if not any(o.startswith(flag[:n]) for o in others):
            return flag[:n]
    return None


def _placed(argv: list[str], n_pos: int, how: str) -> list[str]:
    """``argv`` (command, positionals, options) with the positionals first, last, or last after ``--``."""
    command, pos, rest = argv[0], argv[1 : 1 + n_pos], argv[1 + n_pos :]
    if how == "first" or not pos:
        return argv
    return [command, *rest, *(["--"] if how == "after --" else []), *pos]


def _spelled(base: list[str], flag: str, value: str, how: str, parser: argparse.ArgumentParser) -> list[str]:
    """``base`` with ``flag`` given ``value`` spelled ``how``."""
    without = list(base)
    if flag in without:
        i = without.index(flag)
        del without[i : i + 2]
    if how == "=":
        return [*without, f"{flag}={value}"]
    if how == "space":
        return [*without, flag, value]
    if how == "abbreviated":
        return [*without, f"{_abbreviation(flag, parser)}={value}"]
    # repeated: the value given first stays in the line, the one under test comes last and wins
    return [*without, *([flag, base[base.index(flag) + 1]] if flag in base else []), f"{flag}={value}"]


def _number_expectation(dest: str, text: str) -> str:
    """As :func:`cli_corpus.numeric_expectation`, and a value above 1,000 either way: each numeric option has
    a bound that keeps a typing slip from running for days (1,024 workers, 10^6 MB of workbook, a century
    of days), which this corpus does not restate."""
    expect = cc.numeric_expectation(dest, text)
    value = cc._number(text, "float")
    return "either" if expect == "accept" and value is not None and value > 1000 else expect


def _values(dest: str) -> dict[str, str]:
    if dest in cc.NUMERIC:
        return {v: _number_expectation(dest, v) for v in (*cc.NUMBER_VARIANTS, *MORE_NUMBERS)}
    values = dict(cc.TEXT_SPECS[dest])
    if dest in DATE_OPTIONS:
        values.update(ODD_DATES)
    if dest == "period":
        values.update(ODD_PERIODS)
    for text in HOSTILE_TEXT.values():
        values.setdefault(text, "either")
    return values


def spelling_cases(f: cc.Files) -> Iterator[Case]:
    """Every numeric and text option of every subcommand, each value in each spelling and placement."""
    for command, parser in cc.subcommands().items():
        base = cc.base_argv(command, f)
        n_pos = _positionals(command, parser)
        for action in parser._actions:
            dest = action.dest
            if not action.option_strings or (dest not in cc.NUMERIC and dest not in cc.TEXT_SPECS):
                continue
            flag = action.option_strings[-1]
            extra = []
            if command == "network" and dest == "kommunkod_field":
                extra = ["--by-municipality", f.area, "--out", str(Path(f.out) / "store")]
                base_here = [a for a in base if a != "--out" and a != str(Path(f.out) / "n.gpkg")]
            else:
                base_here = base
            spellings = ["=", "space", "repeated"] + (["abbreviated"] if _abbreviation(flag, parser) else [])
            values = _values(dest)
            places = ("first", "last", "after --") if n_pos else ("first",)
            for i, (value, expect) in enumerate(values.items()):
                for how in spellings:
                    one = zlib.crc32(f"{command} {flag} {how}".encode()) % (len(values) * len(places))
                    for j, place in enumerate(places):
                        always = one == i * len(places) + j  # every option in every spelling at least once
                        name = f"{command} {flag} {how} {place} {value[:40]!r}"
                        if not (FULL or always or zlib.crc32(name.encode()) % SAMPLE == 0):
                            continue
                        argv = _placed(_spelled([*base_here, *extra], flag, value, how, parser), n_pos, place)
                        exp = expect
                        if how == "space" and value.startswith("-") and expect == "accept":
                            exp = "either"  # argparse reads '--opt -x' as two options: '--opt=-x' is the way
                        if how == "abbreviated":
                            exp = "refuse"  # options are written whole (_cli_conventions.Parser says why)
                        check = f"date:{dest}" if dest in DATE_OPTIONS else None
                        yield Case("spelling", name, tuple(argv), exp, flag, check)


# Paths a shell leaves as they are: (what, value relative to the home folder or the working folder, verdict)
def _path_forms(kind: str, f: cc.Files, home: Path, name: str) -> dict[str, tuple[str, str]]:
    """``kind``: "folder" or "file" (an output), or "input" (``name`` is then a file in the home folder)."""
    forms = {
        "~/x": (f"~/{name}", "accept"),
        "~ alone": ("~", "accept" if kind == "folder" else "refuse"),
        "~nosuchuser/x": (f"~nosuchuser_tg/{name}", "refuse"),
        "quoted $HOME/x": (f"$HOME/{name}", "refuse"),
        "quoted ${HOME}/x": (f"${{HOME}}/{name}", "refuse"),
        "../x": (f"../{name}", "refuse" if kind == "input" else "accept"),
        "missing/../x": (f"saknas_tg/../{name}", "either"),
        "a file/../x": (f"{f.text}/../{name}", "refuse"),
        "under a file": (f"{f.text}/{name}", "refuse"),
        "under /proc": (f"/proc/tg/{name}", "refuse"),
        "under a device": (f"/dev/null/{name}", "refuse"),
        "empty": ("", "refuse"),
        "blank": (" ", "refuse"),
        "non-ASCII": (str(home / f"Åäö 日本 {name}"), "refuse" if kind == "input" else "accept"),
    }
    if kind != "input":  # a symbolic link to nothing, and a loop of links: nothing can be made there
        for link, target in (("dangling", home / "saknas_tg" / "mål"), ("loop", home / "loop")):
            if not os.path.lexists(home / link):
                os.symlink(target, home / link)
        forms.update({"a dangling link": (str(home / "dangling"), "refuse"),
                      "a link loop": (str(home / "loop" / name), "refuse")})  # fmt: skip
    if kind == "input":  # a pipe (bash's <(…) gives /dev/fd/63), a FIFO and devices: read once, or endless
        fifo = home / "fifo"
        if not fifo.exists():
            os.mkfifo(fifo)
        forms.update({"a FIFO": (str(fifo), "refuse"), "/dev/zero": ("/dev/zero", "refuse"),
                      "/dev/stdin": ("/dev/stdin", "refuse")})  # fmt: skip
    return forms


_OUTPUTS = {  # command: (option, kind of output, file name given)
    "validate": ("--out", "file", "v.csv"),
    "geocode": ("--out", "file", "g.csv"),
    "network": ("--out", "file", "n.gpkg"),
    "analyze": ("--out", "folder", "ut_a"),
    "report": ("--out", "folder", "ut_r"),
    "density": ("--out", "folder", "ut_d"),
    "trend": ("--out", "folder", "ut_t"),
    "lagesbild": ("--out", "folder", "ut_l"),
    "hotlist": ("--out", "folder", "ut_h"),
    "batch": ("--out", "folder", "ut_b"),
    "demo": ("--raw", "folder", "raw_x"),
}
_INPUTS = {  # command: (option, the file of the home folder it names)
    "analyze": ("--network", "nät.gpkg"),
    "density": ("--gazetteer", "ortnamn.parquet"),
    "report": ("--incidents", "händelser.csv"),
    "hotlist": ("--observations", "synpunkter.csv"),
    "validate": ("--categories", "händelser.csv"),
    "batch": ("--networks", "nätverk"),
}


def path_cases(f: cc.Files, home: Path) -> Iterator[Case]:
    for command, (flag, kind, name) in _OUTPUTS.items():
        base = cc.base_argv(command, f)
        for what, (value, expect) in _path_forms(kind, f, home, name).items():
            for how in ("=", "space") if what in ("~/x", "quoted $HOME/x", "empty") else ("=",):
                argv = _spelled(base, flag, value, how, _parsers()[command])
                yield Case("path", f"{command} {flag} {how} {what}", tuple(argv), expect, flag, "home")
    for command, (flag, name) in _INPUTS.items():
        base = cc.base_argv(command, f)
        for what, (value, expect) in _path_forms("input", f, home, name).items():
            if what in ("~ alone",) and command == "batch":
                continue
            argv = _spelled(base, flag, value, "=", _parsers()[command])
            yield Case("path", f"{command} {flag} (input) {what}", tuple(argv), expect, flag, "home")


def switch_cases(f: cc.Files) -> Iterator[Case]:
    """The global switches (``-v``, ``--no-progress``) written after the subcommand, where users put them,
    in each placement: the same run as before it."""
    for command, parser in _parsers().items():
        base = cc.base_argv(command, f)
        n_pos = _positionals(command, parser)
        for switch in ("-v", "--no-progress", "--no-pr", "--verbose"):
            for place in ("first", "last", "after --") if n_pos else ("first",):
                argv = _placed([*base, switch], n_pos, place)
                expect = "refuse" if switch == "--no-pr" else "accept"  # options are written whole
                yield Case("switch", f"{command} {switch} {place}", tuple(argv), expect, switch)


SCHEDULERS = {
    "threads": "accept",
    "synchronous": "accept",
    "": "refuse",
    " ": "refuse",
    "Threads": "either",
    "thread": "refuse",
    "processes": "refuse",
    "sync": "refuse",
    "tcp://": "refuse",
    "tcp://:8786": "refuse",
    "tcp://127.0.0.1:1": "refuse",  # nothing listens there (and the test suite blocks sockets)
    "tcp://127.0.0.1:99999": "refuse",
    "tcp://[::1": "refuse",
    "127.0.0.1:8786": "refuse",
    "inproc://x": "refuse",
    "foo://127.0.0.1:8786": "refuse",
    "tcp://nosuch.invalid:8786": "refuse",
    "tcp://ö:1": "refuse",
    "tcp://" + "h" * 5000 + ":1": "refuse",
    "tcp://127.0.0.1:8786\n": "refuse",
}


def scheduler_cases(f: cc.Files) -> Iterator[Case]:
    base = cc.base_argv("batch", f)
    for value, expect in SCHEDULERS.items():
        for how in ("=", "space"):
            argv = _spelled(base, "--scheduler", value, how, _parsers()["batch"])
            yield Case(
                "scheduler", f"batch --scheduler {how} {value[:40]!r}", tuple(argv), expect, "--scheduler"
            )


# --- the harness -------------------------------------------------------------------------------------------
# Reading the files, beyond what cli_corpus blocks (validate reads its file to tell its kind).
MORE_WORK = ("trygghet_geo.io:_looks_like_observations", "trygghet_geo.io._categories:read_category_table")


def _stop(*args: object, **kwargs: object) -> None:
    raise cc.WorkStarted


class Hang(BaseException):
    """A case ran past :data:`CASE_SECONDS`."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang

    before = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def _listing(*folders: Path) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            found.update(os.path.join(top, n) for n in (*dirs, *files))
    return found


@dataclass
class World:
    f: cc.Files
    root: Path
    home: Path
    cwd: Path


def judge_accepted(case: Case, args: argparse.Namespace | None, world: World) -> str | None:
    """What an accepted command line hands the run: paths with no ``~`` left, dates the library reads."""
    if args is None or case.check is None:
        return None
    if case.check == "home":
        for key, value in vars(args).items():
            values = value if isinstance(value, list) else [value]
            for v in values:
                if isinstance(v, str) and v.startswith("~"):
                    return (
                        f"'~' not expanded (a folder named '~' follows): the run is handed {key}={v[:60]!r}"
                    )
        return None
    dest = case.check.split(":", 1)[1]
    value = getattr(args, dest, None)
    if value is None:
        return None
    from trygghet_geo import _validate
    from trygghet_geo.errors import ParameterError

    try:  # the reader the library applies to the value (hotlist's end=, the report's promise date)
        _validate.date(dest, value)
    except ParameterError as exc:
        return f"accepted before the work, refused by the library after it: {exc}"
    return None


def run_case(case: Case, world: World, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The failure kind of ``case`` (None: fine), the work blocked."""
    from trygghet_geo import _preflight

    seen: dict[str, argparse.Namespace] = {}
    real = _preflight.check_options

    def spy(args: argparse.Namespace) -> None:
        real(args)
        seen["args"] = args

    before = _listing(world.cwd, world.home, Path(world.f.out))
    with monkeypatch.context() as m:
        m.setattr(_preflight, "check_options", spy)
        try:
            with time_limit(CASE_SECONDS):
                outcome = cc.run_before_work(case.argv)
        except Hang:
            return f"no answer within {CASE_SECONDS} s (a hang)"
    verdict = cc.judge(cc.Case(case.cls, case.name, case.argv, case.expect, case.option), outcome)
    if verdict is not None:
        return verdict
    written = _listing(world.cwd, world.home, Path(world.f.out)) - before
    if written:
        return f"wrote {sorted(written)[:3]} before any work"
    if outcome.code is None:
        return judge_accepted(case, seen.get("args"), world)
    return None


def _kind(verdict: str) -> str:
    """The failure class of a verdict (its text up to the first detail)."""
    for sep in (":", " ("):
        verdict = verdict.split(sep, 1)[0]
    return verdict


def run_corpus(cases: list[Case], world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    tried: Counter[str] = Counter()
    failed: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[tuple[str, str], str] = {}
    with cc.work_blocked(monkeypatch):
        for spec in MORE_WORK:
            module, attr = spec.split(":")
            monkeypatch.setattr(importlib.import_module(module), attr, _stop)
        for case in cases:
            tried[case.cls] += 1
            verdict = run_case(case, world, monkeypatch)
            if verdict is not None:
                kind = _kind(verdict)
                failed[case.cls][kind] += 1
                examples.setdefault((case.cls, kind), f"{case.name}: {verdict[:240]}")
    return {"tried": tried, "failed": failed, "examples": examples}


def _report(title: str, result: dict[str, Any]) -> str:
    lines = [title]
    for cls, n in sorted(result["tried"].items()):
        bad = sum(result["failed"][cls].values())
        lines.append(f"  {cls}: {n} tried, {bad} failed")
        for kind, k in result["failed"][cls].most_common():
            lines.append(f"    {k:5d}  {kind}\n           e.g. {result['examples'][(cls, kind)]!r}")
    return "\n".join(lines)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    (tmp_path / "filer").mkdir()
    f = cc.make_files(tmp_path / "filer")
    home = tmp_path / "hem"
    home.mkdir()
    for key in ("network", "gazetteer", "incidents", "observations"):
        (home / Path(getattr(f, key)).name).write_text(
            "Plats;Datum\nStorgatan 1;2025-01-02\n", encoding="utf-8"
        )
    (home / "nätverk").mkdir()
    cwd = tmp_path / "arbete" / "här"
    cwd.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)
    return World(f, tmp_path, home, cwd)


def _check(result: dict[str, Any], title: str) -> None:
    text = _report(title, result)
    if REPORT:
        print(text)
    assert not any(sum(c.values()) for c in result["failed"].values()), text


# The subcommands with a numeric or text option (demo, plan and verify take files and switches only).
SPELLED = sorted(
    command
    for command, parser in cc.subcommands().items()
    if any(a.option_strings and (a.dest in cc.NUMERIC or a.dest in cc.TEXT_SPECS) for a in parser._actions)
)


@pytest.mark.parametrize("command", SPELLED)
def test_every_spelling_of_every_option(command: str, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [c for c in spelling_cases(world.f) if c.argv[0] == command]
    assert cases, command
    _check(run_corpus(cases, world, monkeypatch), f"spelling, {command}")


def test_paths_a_shell_leaves_unexpanded(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = list(path_cases(world.f, world.home))
    assert len(cases) > 150
    assert {c.expect for c in cases} >= {"accept", "refuse"}
    _check(run_corpus(cases, world, monkeypatch), "paths")


def test_global_switches_after_the_subcommand(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = list(switch_cases(world.f))
    _check(run_corpus(cases, world, monkeypatch), "switches")


def test_scheduler_values(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    cases = list(scheduler_cases(world.f))
    _check(run_corpus(cases, world, monkeypatch), "--scheduler")


def test_the_spelling_corpus_covers_every_option() -> None:
    """Every numeric and text option of every subcommand is in the corpus in every spelling (the sample
    is over values, not options), with refusals and acceptances."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        cases = list(spelling_cases(cc.make_files(Path(tmp))))
    seen = {(c.argv[0], c.option, c.name.split(" ")[2]) for c in cases}
    for command, parser in cc.subcommands().items():
        for action in parser._actions:
            if action.option_strings and (action.dest in cc.NUMERIC or action.dest in cc.TEXT_SPECS):
                for how in ("=", "space", "repeated"):
                    assert (command, action.option_strings[-1], how) in seen, (command, action.dest, how)
    expects = Counter(c.expect for c in cases)
    assert expects["refuse"] > 300, expects
    assert expects["accept"] > 100, expects


# --- a listening port that never answers: refused in bounded time -----------------------------------------
@pytest.mark.enable_socket
def test_a_scheduler_that_never_answers_is_refused_in_bounded_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket
    import time

    try:
        from trygghet_geo import _cli_probe

        monkeypatch.setattr(_cli_probe, "SCHEDULER_WAIT_S", 1.0)
    except ImportError:  # the code before the scheduler was checked at all
        pass
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)  # connections are taken by the kernel, and nothing ever answers them
        port = silent.getsockname()[1]
        argv = _spelled(cc.base_argv("batch", world.f), "--scheduler", f"tcp://127.0.0.1:{port}", "=",
                        _parsers()["batch"])  # fmt: skip
        case = Case("scheduler", "silent port", tuple(argv), "refuse", "--scheduler")
        start = time.perf_counter()
        with cc.work_blocked(monkeypatch):
            verdict = run_case(case, world, monkeypatch)
        took = time.perf_counter() - start
    assert verdict is None, verdict
    assert took < 8, took


# --- a closed standard output: a real process -----------------------------------------------------------
def _closed_stdout(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run the command line in a real process whose standard output is a pipe nobody reads (closed before
    the process writes, as ``| head -0`` leaves it)."""
    read, write = os.pipe()
    os.close(read)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "trygghet_geo", "--no-progress", *argv],
            stdout=write, stderr=subprocess.PIPE, cwd=cwd, env=env, timeout=300, check=False,
        )  # fmt: skip
    finally:
        os.close(write)
    return done.returncode, done.stderr.decode("utf-8", "replace")


def test_a_closed_standard_output(tmp_path: Path) -> None:
    """``trygghet-geo … | head -1``: no traceback and no error line, every file written (the reader left,
    the run did not fail), the exit status the run's own (0: done). ``analyze`` prints its summary before
    it writes its manifest: a run stopped at the first print loses it."""
    network, incidents, _ = cc.tiny_town(tmp_path)
    out = tmp_path / "ut"
    runs = {
        "validate": (["validate", str(incidents), "--out", str(tmp_path / "v.csv")], 0, ("v.csv",)),
        "analyze": (
            ["analyze", str(incidents), "--network", str(network), "--n-simulations", "0", "--no-basemap",
             "--out", str(out)],
            0,
            ("ut/trygghetskarta.html", "ut/utelamnade.csv", "ut/manifest.json"),
        ),
    }  # fmt: skip
    failures = []
    for what, (argv, code, files) in runs.items():
        got, err = _closed_stdout(argv, tmp_path)
        if got != code:
            failures.append(f"{what}: exit {got}, expected {code}: {err[-300:]!r}")
        if "Traceback" in err or "BrokenPipe" in err or "Exception ignored" in err:
            failures.append(f"{what}: {err[-300:]!r}")
        if err.strip():
            failures.append(f"{what}: stderr not empty: {err[-300:]!r}")
        failures += [f"{what}: {name} not written" for name in files if not (tmp_path / name).exists()]
    assert not failures, "\n".join(failures)


# --- files read after the street network: refused before it ----------------------------------------------
def _broken_files(folder: Path) -> dict[str, Path]:
    files = {
        "gazetteer.parquet": b"PAR1 inte en tabell",
        "gazetteer.gpkg": b"SQLite format 3\x00" + b"\x00" * 200,
        "gazetteer.osm.pbf": b"\x00\x00\x00\x0dinte en OSM-fil" * 4,
        "area.geojson": b"inte en GeoJSON",
        "basemap.osm.pbf": b"\x00\x00\x00\x0dinte en OSM-fil" * 4,
    }
    out = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        out[name] = folder / name
    import pandas as pd

    pd.DataFrame({"a": [1]}).to_parquet(folder / "not_a_gazetteer.parquet")
    out["not_a_gazetteer.parquet"] = folder / "not_a_gazetteer.parquet"
    return out


_AFTER_NETWORK = {  # option: the commands that take it, and the broken files given to it
    "--gazetteer": (
        ("analyze", "density", "trend", "hotlist", "report", "lagesbild", "plan"),
        ("gazetteer.parquet", "gazetteer.gpkg", "gazetteer.osm.pbf", "not_a_gazetteer.parquet"),
    ),
    "--study-area": (("analyze", "hotlist", "lagesbild"), ("area.geojson",)),
    "--pbf": (("analyze", "density", "report", "lagesbild"), ("basemap.osm.pbf",)),
}


def test_broken_files_are_refused_before_the_street_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    network, incidents, _ = cc.tiny_town(tmp_path)
    broken = _broken_files(tmp_path)
    register = tmp_path / "register.csv"
    register.write_text("Plats;Åtgärd\n", encoding="utf-8")
    failures, tried = [], 0
    for flag, (commands, names) in _AFTER_NETWORK.items():
        for command in commands:
            for name in names:
                out = tmp_path / f"ut-{command}-{flag.strip('-')}-{name}"
                argv = {
                    "report": ["report", "--incidents", str(incidents)],
                    "lagesbild": ["lagesbild", "--incidents", str(incidents), "--no-pdf"],
                    "plan": ["plan", "followup", str(register), "--incidents", str(incidents)],
                }.get(command, [command, str(incidents)])
                argv = [*argv, "--network", str(network), flag, str(broken[name]), "--out",
                        str(out / "f.xlsx") if command == "plan" else str(out)]  # fmt: skip
                case = cc.FileCase(f"{command} {flag}", f"{command} {flag} {name}", tuple(argv), "fail",
                                   (str(out),))  # fmt: skip
                tried += 1
                outcome = cc.run_real(case, monkeypatch)
                verdict = cc.judge_real(case, outcome)
                if verdict is None and cc.NETWORK_READ:
                    verdict = "the street network was read before this file was found unusable"
                if verdict is None and flag not in outcome.err and str(broken[name]) not in outcome.err:
                    verdict = f"the error names neither {flag} nor the file: {outcome.err[:200]}"
                if verdict is not None:
                    failures.append(f"{case.name}: {verdict}")
    if REPORT:
        print(f"files read after the network: {tried} tried, {len(failures)} failed")
    assert not failures, f"{len(failures)} of {tried}:\n" + "\n".join(failures)


@pytest.mark.enable_socket
def test_a_dask_scheduler_is_accepted_and_a_worker_is_not() -> None:
    """The check asks for the identity of what answers: a scheduler passes (else every address would be
    refused), a worker's address does not."""
    from distributed import LocalCluster

    from trygghet_geo._cli_probe import check_scheduler
    from trygghet_geo.errors import ParameterError

    with LocalCluster(
        n_workers=1, processes=False, host="127.0.0.1", protocol="tcp://", dashboard_address=None
    ) as cluster:
        check_scheduler(cluster.scheduler_address)
        worker = next(iter(cluster.scheduler_info["workers"]))
        with pytest.raises(ParameterError, match="not as a Dask scheduler"):
            check_scheduler(worker)


def test_an_answer_cache_that_cannot_be_used(tmp_path: Path) -> None:
    """``TRYGGHET_GEO_CACHE`` (``options.cache_dir``) pointing at a damaged database, a file of another kind,
    a file where the folder should be, or ``/proc``: ``cache info|purge`` say so on one line (exit 0 when
    there is no cache, 1 when it cannot be used), never a traceback or an unexpected error."""
    from trygghet_geo import options

    damaged = tmp_path / "trasig"
    damaged.mkdir()
    (damaged / "geocode.sqlite").write_bytes(b"SQLite format 3\x00" + b"\xff" * 300)
    other = tmp_path / "annan"
    other.mkdir()
    (other / "geocode.sqlite").write_text("inte en databas", encoding="utf-8")
    a_file = tmp_path / "fil.txt"
    a_file.write_text("x", encoding="utf-8")
    failures = []
    for folder in (damaged, other, a_file, Path("/proc/tg")):
        for action in ("info", "purge"):
            options.cache_dir = folder
            outcome = cc.run_before_work(("cache", action))
            err = outcome.err.strip()
            if (
                outcome.escaped
                or "Traceback" in err
                or "unexpected error" in err
                or outcome.code not in (0, 1)
            ):
                failures.append(
                    f"{folder.name} {action}: exit {outcome.code} {outcome.escaped} {err[:200]!r}"
                )
            elif outcome.code == 1 and (len(err.splitlines()) != 1 or str(folder) not in err):
                failures.append(f"{folder.name} {action}: not one line naming the cache: {err[:200]!r}")
    assert not failures, "\n".join(failures)
