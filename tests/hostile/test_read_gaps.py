"""A generated corpus of the readers' remaining gaps, by class, through the public readers.

Classes (each built by rule from a seed: delimiters, encodings, line ends, column orders, quoting, locales):

- ``decimal comma``: coordinates written with a decimal comma in a comma-separated file, unquoted, so each
  value splits into two cells (``59,3293`` -> ``59`` | ``3293``), beside quoted ones, whole numbers, notes
  with commas, SWEREF 99 metres. A row comes back ``ok`` only with the coordinates written; every other row
  is rejected or left for geocoding with ``bad_coordinates`` and a report line naming the file, the row and
  the fields. No row is ``ok`` with other coordinates than the ones written (the silent wrong value).
- ``dms``: latitude/longitude in degrees, minutes and seconds in a dozen notations (signs, primes, spaces,
  decimal comma or point, hemisphere letter before or after, Swedish Ö/V). Readable ones come back within
  1e-6 degrees of the truth; impossible ones (60 minutes, the other axis's letter, seconds after decimal
  minutes) are ``bad_coordinates`` with a report line.
- ``iso week``: dates as ISO weeks in Swedish and international notations; read as the week's interval
  (Monday 00:00 to Sunday 23:59:59, Europe/Stockholm), or ``bad_date`` with a report line when the week has
  no year or does not exist in it.
- ``parameter``: ``header_row``, ``sheet``, ``layer`` values of every type and size, on CSV and XLSX files:
  a :class:`~trygghet_geo.errors.TrygghetError` naming the argument or the file, or a read, within a second.
- ``tiny rows``: files just under 10 MB of millions of tiny rows (one or two short cells, empty cells, every
  row rejected), read in a capped subprocess (``test_reader_memory.read_under_limit``): under 500 MB.

Every in-process input also checks: one result row per record written, every row with a status and every
non-ok row a reason, no exception other than ``TrygghetError``.

Run the corpus with ``PYTHONPATH=. python -m pytest -q -p no:cacheprovider tests/hostile/test_read_gaps.py``;
print the counts by class with ``PYTHONPATH=. python tests/hostile/test_read_gaps.py``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from reader_corpus import _sheet, xlsx_parts, zip_file

from trygghet_geo.errors import TrygghetError
from trygghet_geo.io import read_incidents, read_observations

SEEDS = (0, 1)
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")
LINE_ENDS = ("\n", "\r\n")
PLACES = ("Storgatan 1", "Kyrkogatan 4", "Ågatan 12", "Järnvägsgatan 7", "Östra Långgatan 3")


@dataclass
class Gap:
    """One input: its bytes (or a parameter set), how to read it, and what must come back."""

    cls: str
    name: str
    write: Callable[[Path], Path]
    kind: str = "incidents"
    kwargs: dict[str, Any] = field(default_factory=dict)
    rows: int | None = None  # records written; None: a TrygghetError is the right answer
    check: Callable[[pd.DataFrame, str], list[str]] | None = None  # problems found in the result


def _text_file(name: str, lines: list[str], enc: str, end: str) -> Callable[[Path], Path]:
    def write(folder: Path) -> Path:
        path = folder / name
        path.write_bytes((end.join(lines) + end).encode(enc))
        return path

    return write


def _notes(result: pd.DataFrame) -> str:
    return "\n".join(result.attrs["report"].notes)


# --- decimal commas ---------------------------------------------------------------------------------------
def _decimal(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def decimal_comma_gaps(rng: random.Random) -> list[Gap]:
    """Comma-separated files whose coordinates are written with an unquoted decimal comma."""
    out = []
    layouts = (
        ("Latitud", "Longitud"),
        ("Lat", "Lon"),
        ("latitude", "longitude"),
        ("Nordkoordinat", "Östkoordinat"),
        ("N", "E"),
    )
    for k in range(18):
        lat_name, lon_name = rng.choice(layouts)
        metres = lat_name in ("N", "Nordkoordinat")
        order = rng.choice(("first", "middle", "last", "apart"))
        head_other = ["Datum", "Plats", "Brottstyp", "Anteckning"]
        enc, end = rng.choice(ENCODINGS), rng.choice(LINE_ENDS)
        truth: list[tuple[float, float, bool]] = []
        lines = []
        for _ in range(rng.randint(3, 8)):
            lat = rng.uniform(55.5, 67.5) if not metres else rng.uniform(6_200_000, 7_500_000)
            lon = rng.uniform(12.0, 22.0) if not metres else rng.uniform(300_000, 900_000)
            style = rng.choice(("split", "split", "split", "quoted", "point", "whole", "half", "note"))
            dec = rng.randint(1, 6) if not metres else rng.randint(1, 2)
            # The truth: the values written, and whether the row may be rejected (when no single reading
            # fits: the two coordinates side by side with one of them whole, or a note's unquoted comma
            # on top of split coordinates). A row that is ok must be at the values written.
            adjacent = order in ("first", "middle", "last")
            a, b = _decimal(lat, dec), _decimal(lon, dec)
            may_reject = False
            if style == "quoted":
                a, b = f'"{a}"', f'"{b}"'
            elif style == "point":
                a, b = a.replace(",", "."), b.replace(",", ".")
            elif style == "whole":
                a, may_reject = str(int(lat)), adjacent
            elif style == "half":
                b, may_reject = str(int(lon)), adjacent
            elif style == "note":
                may_reject = True
            t = (float(a.strip('"').replace(",", ".")), float(b.strip('"').replace(",", ".")), may_reject)
            note_cell = (
                "Mörkt, otryggt" if style == "note" else rng.choice(('"Mörkt, otryggt"', "Trasig lampa"))
            )
            others = {
                "Datum": f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "Plats": rng.choice(PLACES),
                "Brottstyp": rng.choice(("Skadegörelse", "Stöld", "Rån")),
                "Anteckning": note_cell,
            }
            cells = {lat_name: a, lon_name: b, **{h: others[h] for h in head_other}}
            names = _order(order, lat_name, lon_name, head_other)
            lines.append(",".join(cells[h] for h in names))
            truth.append(t)
        header = ",".join(_order(order, lat_name, lon_name, head_other))
        name = f"dc{k}_{order}.csv"
        out.append(
            Gap(
                "decimal comma",
                f"{name} {enc} {end!r} {lat_name}",
                _text_file(name, [header, *lines], enc, end),
                kwargs={"area": False},  # random points: some fall in the sea or a neighbour country
                rows=len(lines),
                check=_decimal_check(truth, (lat_name, lon_name), metres),
            )
        )
    return out


def _order(order: str, lat: str, lon: str, others: list[str]) -> list[str]:
    if order == "first":
        return [lat, lon, *others]
    if order == "last":
        return [*others, lat, lon]
    if order == "middle":
        return [others[0], lat, lon, *others[1:]]
    return [lat, *others[:2], lon, *others[2:]]


def _decimal_check(
    truth: list[tuple[float, float, bool]], fields: tuple[str, str], metres: bool
) -> Callable[[pd.DataFrame, str], list[str]]:
    import pyproj

    to_wgs84 = pyproj.Transformer.from_crs(3006, 4326, always_xy=True)

    def check(result: pd.DataFrame, name: str) -> list[str]:
        problems = []
        notes = _notes(result)
        for i, (north, east, may_reject) in enumerate(truth):
            row = result.iloc[i]
            lat, lon = (to_wgs84.transform(east, north)[::-1]) if metres else (north, east)
            if row["status"] == "ok":
                if not (
                    math.isclose(row["lat"], lat, abs_tol=1e-6)
                    and math.isclose(row["lon"], lon, abs_tol=1e-6)
                ):
                    problems.append(f"row {i + 1} ok at {row['lat']}, {row['lon']}, written {north}, {east}")
            elif not may_reject:
                problems.append(
                    f"row {i + 1} {row['status']}/{row['reason']}, written {north}, {east}: readable"
                )
            elif row["reason"] != "bad_coordinates":
                problems.append(f"row {i + 1}: reason {row['reason']!r}, expected bad_coordinates")
            elif not (
                name in notes and re.search(rf"[ (]{i + 1} \(line", notes) and all(f in notes for f in fields)
            ):
                problems.append(f"row {i + 1} rejected with no line naming file, row and fields: {notes!r}")
        return problems

    return check


# --- degrees, minutes, seconds -----------------------------------------------------------------------------
def _dms_forms(value: float, axis: str, rng: random.Random) -> tuple[str, bool]:
    """One written form of ``value`` and whether it should be read (rule-made invalid forms too)."""
    hemi = ("N" if value >= 0 else "S") if axis == "lat" else rng.choice(("E", "Ö")) if value >= 0 else "W"
    v = abs(value)
    d = int(v)
    m_dec = (v - d) * 60
    m = int(m_dec)
    s = (m_dec - m) * 60
    comma = rng.random() < 0.5
    num = (lambda x, k: f"{x:.{k}f}".replace(".", ",")) if comma else (lambda x, k: f"{x:.{k}f}")
    deg = rng.choice(("°", "º", "˚"))
    prime = rng.choice(("'", "′", "’"))
    second = rng.choice(('"', "″", "''"))
    form = rng.randrange(9)
    if form == 0:
        return f"{d}{deg}{m}{prime}{num(s, 3)}{second}{hemi}", True
    if form == 1:
        return f"{d} {m} {num(s, 3)} {hemi}", True
    if form == 2:
        return f"{hemi} {d}{deg} {num(m_dec, 5)}{prime}", True
    if form == 3:
        return f"{d}{deg}{num(m_dec, 5)}{prime}{hemi}", True
    if form == 4:
        return f"{num(v, 7)}{deg}{hemi}", True
    if form == 5:
        return f"{d}{deg} {m}{prime} {num(s, 3)}{second} {hemi.lower()}", True
    if form == 6:  # minutes of 60 or more
        return f"{d}{deg}{60 + m % 30}{prime}{num(s, 1)}{second}{hemi}", False
    if form == 7:  # the other axis's letter
        other = rng.choice(("E", "W")) if axis == "lat" else rng.choice(("N", "S"))
        return f"{d}{deg}{m}{prime}{num(s, 1)}{second}{other}", False
    return f"{d}{deg}{num(m_dec, 3)}{prime}{int(s)}{second}{hemi}", False  # seconds after decimal minutes


def dms_gaps(rng: random.Random) -> list[Gap]:
    out = []
    for k in range(14):
        delim = rng.choice((";", "\t", "|"))
        enc, end = rng.choice(ENCODINGS), rng.choice(LINE_ENDS)
        lat_name, lon_name = rng.choice((("Latitud", "Longitud"), ("Lat", "Long"), ("latitude", "longitude")))
        one_column = k % 4 == 3  # both values in one cell: "59°19'45.5"N 18°04'07"E"
        lines, truth = [], []
        for _ in range(rng.randint(3, 8)):
            lat, lon = rng.uniform(55.4, 69.0), rng.uniform(11.2, 24.0)
            a, ok_a = _dms_forms(lat, "lat", rng)
            b, ok_b = _dms_forms(lon, "lon", rng)
            # The truth is the value the text says (rounded as written): read back from its parts by hand.
            cells = [a, b] if not one_column else [a + rng.choice((" ", ", ", " / ", "  "))[:9] + b]
            lines.append(delim.join([rng.choice(PLACES), *cells, "Skadegörelse"]))
            truth.append((_said(a), _said(b)) if ok_a and ok_b else None)
        if enc == "cp1252":
            lines = [ln.encode("cp1252", "replace").decode("cp1252") for ln in lines]
            truth = [t if t is None or "?" not in ln else None for t, ln in zip(truth, lines, strict=True)]
        fields = (lat_name, lon_name) if not one_column else ("Koordinater", "Koordinater")
        header = delim.join(["Plats", *dict.fromkeys(fields), "Brottstyp"])
        name = f"dms{k}.txt"
        out.append(
            Gap(
                "dms",
                f"{name} {enc} {delim!r}",
                _text_file(name, [header, *lines], enc, end),
                kwargs={"area": False},
                rows=len(lines),
                check=_dms_check(truth, fields),
            )
        )
    return out


def _said(text: str) -> float:
    """The degrees a rule-made DMS text says, read by another route than the reader (split on non-digits)."""
    sign = -1 if re.search(r"[SWsw]", text) else 1
    nums = [float(x.replace(",", ".")) for x in re.findall(r"\d+(?:[.,]\d+)?", text)]
    return sign * sum(x / 60**i for i, x in enumerate(nums))


def _dms_check(truth: list[tuple[float, float] | None], fields: tuple[str, str]) -> Callable[..., list[str]]:
    def check(result: pd.DataFrame, name: str) -> list[str]:
        problems = []
        for i, t in enumerate(truth):
            row = result.iloc[i]
            if t is None:
                if row["status"] == "ok":
                    problems.append(f"row {i + 1} ok from an impossible DMS text: {row[fields[0]]!r}")
                elif row["reason"] != "bad_coordinates" or "degrees, minutes and seconds" not in _notes(
                    result
                ):
                    problems.append(f"row {i + 1}: {row['reason']!r} with notes {_notes(result)!r}")
            elif row["status"] != "ok" or abs(row["lat"] - t[0]) > 1e-6 or abs(row["lon"] - t[1]) > 1e-6:
                problems.append(
                    f"row {i + 1} {row['status']}/{row['reason']} at {row['lat']}, {row['lon']} from "
                    f"{row[fields[0]]!r} {row[fields[1]]!r}, written {t}"
                )
        return problems

    return check


# --- ISO weeks ---------------------------------------------------------------------------------------------
def _week_text(year: int, week: int, rng: random.Random) -> str:
    return rng.choice(
        (
            f"{year}-W{week:02d}",
            f"{year}W{week:02d}",
            f"v. {week} {year}",
            f"v.{week} {year}",
            f"vecka {week}, {year}",
            f"Vecka {week} {year}",
            f"{year} v{week}",
            f"{year} v. {week}",
            f"V{week} {year}",
            f"week {week} {year}",
            f"W{week} {year}",
            f"v{week}-{year}",
            f"{year} KW {week}",
            f"W.{week} {year}",
        )
    )


def week_gaps(rng: random.Random) -> list[Gap]:
    out = []
    for k in range(12):
        delim = rng.choice((";", ",", "\t"))
        enc, end = rng.choice(ENCODINGS), rng.choice(LINE_ENDS)
        date_name = rng.choice(("Datum", "Händelsedatum", "Brottsdatum", "date"))
        lines, truth = [], []
        for _ in range(rng.randint(3, 8)):
            year, week = rng.randint(2015, 2025), rng.randint(1, 53)
            try:
                start: dt.date | None = dt.date.fromisocalendar(year, week, 1)
                text = _week_text(year, week, rng)
            except ValueError:
                start, text = None, _week_text(year, week, rng)  # week 53 of a year without one
            if rng.random() < 0.15:
                start, text = None, rng.choice((f"v. {week}", f"vecka {week}", f"W{week:02d}"))
            if rng.random() < 0.1:
                start, text = None, f"{year}-W00"
            cell = f'"{text}"' if delim in text else text
            lines.append(delim.join([cell, rng.choice(PLACES), "Skadegörelse"]))
            truth.append(start)
        header = delim.join([date_name, "Plats", "Brottstyp"])
        name = f"week{k}.csv"
        out.append(
            Gap(
                "iso week",
                f"{name} {enc} {delim!r} {date_name}",
                _text_file(name, [header, *lines], enc, end),
                rows=len(lines),
                check=_week_check(truth),
            )
        )
    return out


def _week_check(truth: list[dt.date | None]) -> Callable[..., list[str]]:
    def check(result: pd.DataFrame, name: str) -> list[str]:
        problems = []
        for i, start in enumerate(truth):
            row = result.iloc[i]
            if start is None:
                if row["reason"] != "bad_date" or "week" not in _notes(result):
                    problems.append(
                        f"row {i + 1}: {row['status']}/{row['reason']!r}, expected bad_date + note"
                    )
                continue
            want_from = pd.Timestamp(start, tz="Europe/Stockholm")
            end = dt.datetime.combine(start + dt.timedelta(days=6), dt.time(23, 59, 59))
            want_to = pd.Timestamp(end).tz_localize("Europe/Stockholm")  # on the wall clock
            if (
                row["reason"] == "bad_date"
                or row["occurred_at"] != want_from
                or row["occurred_to"] != want_to
            ):
                problems.append(
                    f"row {i + 1}: {row['reason']!r} {row['occurred_at']} .. {row['occurred_to']}, "
                    f"expected {want_from} .. {want_to}"
                )
            elif row["occurred_from"] != want_from or bool(row["time_known"]):
                problems.append(
                    f"row {i + 1}: occurred_from {row['occurred_from']}, time_known {row['time_known']}"
                )
        return problems

    return check


# --- numeric parameters ------------------------------------------------------------------------------------
def parameter_gaps(rng: random.Random) -> list[Gap]:
    out = []
    lines = ["Plats;Kategori;Datum", *(f"{p};Belysning;2025-03-0{i + 1}" for i, p in enumerate(PLACES))]
    csv_file = _text_file("p.csv", lines, "utf-8", "\n")
    xlsx = zip_file(
        "p.xlsx", xlsx_parts(_sheet([["Plats", "Kategori"], *[[p, "Belysning"] for p in PLACES]]))
    )
    huge = (10**12, 2**63, 10**30, 2**31, 1_048_577, 10**6 + rng.randint(0, 10**5))
    bad = (0, -1, -(10**12), True, False, 2.5, float("nan"), float("inf"), "3", b"1", None, [1], np.int64(0))
    for value in (*huge, *bad):
        for fmt, write in (("csv", csv_file), ("xlsx", xlsx)):
            for param in ("header_row", "sheet", "layer"):
                if param == "layer" and fmt == "xlsx":
                    continue
                # sheet and layer are checked at the entry whatever the file (a name or a 0-based position),
                # then ignored by a CSV; a workbook has one sheet.
                whole = type(value) in (int, np.int64) and 0 <= value < 2**31
                if value is None:
                    rows: int | None = len(PLACES)
                elif param == "header_row":
                    rows = None
                elif isinstance(value, str) or whole:
                    rows = len(PLACES) if fmt == "csv" or value == 0 else None
                else:
                    rows = None
                kind = rng.choice(("incidents", "observations"))
                out.append(
                    Gap(
                        "parameter",
                        f"{fmt} {param}={value!r}",
                        write,
                        kind=kind,
                        kwargs={param: value},
                        rows=rows,
                    )
                )
    n_lines = len(PLACES) + 1
    for value in (1, 2, n_lines, n_lines + 1, np.int64(1), 1_048_576):
        for fmt, write in (("csv", csv_file), ("xlsx", xlsx)):
            # Line 1 holds the names; a later line makes a data row the header (no place column) or lies
            # below the last line: refused either way.
            rows = len(PLACES) if value == 1 else None
            out.append(
                Gap(
                    "parameter",
                    f"{fmt} header_row={value!r} of {n_lines} lines",
                    write,
                    kwargs={"header_row": value},
                    rows=rows,
                )
            )
    return out


def all_gaps(seed: int) -> list[Gap]:
    rng = random.Random(seed)
    return [*decimal_comma_gaps(rng), *dms_gaps(rng), *week_gaps(rng), *parameter_gaps(rng)]


def run_gap(gap: Gap, folder: Path) -> list[str]:
    """Problems of one input ([] when it behaved)."""
    src = gap.write(folder)
    reader = read_incidents if gap.kind == "incidents" else read_observations
    start = time.perf_counter()
    try:
        result = reader(src, **gap.kwargs)
    except TrygghetError as exc:
        if gap.rows is not None:
            return [f"refused: {exc}"]
        named = src.name in str(exc) or any(k in str(exc) for k in gap.kwargs)
        return [] if named else [f"the error names neither the file nor the argument: {exc}"]
    except Exception:  # the class under test: any other exception is a traceback the user would see
        return ["traceback: " + traceback.format_exc(limit=-3)]
    finally:
        took = time.perf_counter() - start
    if took > 5:
        return [f"took {took:.1f} s"]
    if gap.rows is None:
        return [f"read {len(result)} rows; a clear error was expected"]
    report = result.attrs["report"]
    problems = []
    if len(result) != gap.rows or sum(report.status_counts.values()) != gap.rows:
        problems.append(f"{len(result)} rows read, {gap.rows} written")
    elif (result.loc[result["status"] == "rejected", "reason"].astype("str") == "").any():
        problems.append("a rejected row has no reason")
    elif gap.check is not None:
        problems += gap.check(result, src.name)
    return problems


CASES = [(seed, gap) for seed in SEEDS for gap in all_gaps(seed)]


@pytest.mark.parametrize("cls", sorted({g.cls for _, g in CASES}))
def test_gap_class(cls: str, tmp_path: Path) -> None:
    failures = []
    for k, (seed, gap) in enumerate(c for c in CASES if c[1].cls == cls):
        folder = tmp_path / f"g{k}"
        folder.mkdir()
        problems = run_gap(gap, folder)
        if problems:
            failures.append(f"seed {seed} {gap.name}: {problems[0][:300]}")
    assert not failures, f"{len(failures)} inputs failed:\n" + "\n".join(failures[:15])


# --- tiny rows, near 10 MB, under the memory limit ---------------------------------------------------------
TEN_MB = 10_000_000


def tiny_row_inputs(folder: Path) -> list[tuple[str, Path, str]]:
    """Files just under 10 MB of millions of tiny rows: (label, path, kind)."""
    shapes = (
        ("one short cell", "Plats\n", "ab\n", "incidents"),
        ("two short cells, observations", "Plats;Kategori\n", "a;b\n", "observations"),
        ("empty cells only, rejected", "Plats;Kategori;Latitud;Longitud\n", ";x;;\n", "incidents"),
        ("bad coordinates, all rejected", "Latitud,Longitud\n", "x,y\n", "incidents"),
        ("unread dates, observations", "Plats;Datum\n", "a;v\n", "observations"),
    )
    out = []
    for k, (label, header, row, kind) in enumerate(shapes):
        n = (TEN_MB - 1000 - len(header)) // len(row)
        path = folder / f"tiny{k}.csv"
        path.write_text(header + row * n, encoding="utf-8")
        out.append((f"{label}: {n:,} rows", path, kind))
    return out


def test_tiny_rows_under_500_mb(tmp_path: Path) -> None:
    from test_reader_memory import LIMIT_MB, read_under_limit

    inputs = tiny_row_inputs(tmp_path)
    assert all(p.stat().st_size < TEN_MB for _, p, _ in inputs)
    report = read_under_limit(tmp_path, inputs)
    lines = [f"{peak:7.1f} MB  {label}: {outcome[:60]}" for label, _, outcome, peak in report["results"]]
    print(f"baseline {report['base_rss_mb']:.0f} MB; peak above it per input:", *lines, sep="\n")
    for label, _, outcome, peak in report["results"]:
        assert outcome.startswith("read "), (label, outcome)
        assert peak < LIMIT_MB, (label, peak)


if __name__ == "__main__":  # counts by class: inputs tried and failures (argument: number of seeds)
    if len(sys.argv) > 1:
        CASES = [(seed, gap) for seed in range(int(sys.argv[1])) for gap in all_gaps(seed)]
    tried: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    examples: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, (seed, gap) in enumerate(CASES):
            folder = Path(tmp) / f"g{k}"
            folder.mkdir()
            tried[gap.cls] += 1
            problems = run_gap(gap, folder)
            if problems:
                failed[gap.cls] += 1
                examples.setdefault(gap.cls, f"seed {seed} {gap.name}: {problems[0][:240]}")
    for cls in sorted(tried):
        print(f"{cls:15s} tried {tried[cls]:4d}  failed {failed[cls]:4d}  {examples.get(cls, '')}")
    print(f"{'all':15s} tried {sum(tried.values()):4d}  failed {sum(failed.values()):4d}")
