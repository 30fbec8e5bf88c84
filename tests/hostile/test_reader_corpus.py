"""The generated reader corpus (``reader_corpus.py``) through the public API and the CLI.

Every input ends either in a result with one row per record written — every row with a status, the rejected
ones in the rejects table — or in a :class:`~trygghet_geo.errors.TrygghetError` that names the file (or the
argument). Any other exception fails the case with its traceback.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from reader_corpus import Case, all_cases

from trygghet_geo.cli import main
from trygghet_geo.errors import ParameterError, TrygghetError
from trygghet_geo.io import read_incidents, read_observations, rejects_table

SEEDS = (0, 1)
CASES = [(seed, case) for seed in SEEDS for case in all_cases(seed)]


def _read(case: Case, folder: Path) -> tuple[Any, Any]:
    src = case.write(folder)
    reader = read_incidents if case.kind == "incidents" else read_observations
    return src, reader(src, **case.kwargs)


@pytest.mark.parametrize(("seed", "case"), CASES, ids=[f"{seed}-{c.cls}-{c.name}"[:120] for seed, c in CASES])
def test_every_row_accounted_for_or_a_clear_error(seed: int, case: Case, tmp_path: Path) -> None:
    if case.rows is None:
        with pytest.raises(TrygghetError) as caught:
            _read(case, tmp_path)
        message = str(caught.value)
        if isinstance(caught.value, ParameterError):
            assert any(key in message for key in case.kwargs), message
        elif isinstance(src := case.write(tmp_path), Path):
            assert src.name in message, f"the error does not name the file: {message}"
        return
    _, result = _read(case, tmp_path)
    assert case.rows is not None, f"{case.name}: read {len(result)} rows; expected a clear refusal"
    report = result.attrs["report"]
    assert len(result) == case.rows == report.n_rows, (len(result), case.rows, report.notes)
    assert sum(report.status_counts.values()) == case.rows
    assert len(rejects_table(result)) == report.status_counts["rejected"]
    assert result["status"].isin(["ok", "needs_geocoding", "rejected"]).all()
    if case.check is not None:
        case.check(result)


TEXT_CASES = [c for c in all_cases(2) if c.cls == "1 runaway quote" and not c.heavy]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[c.name[:80] for c in TEXT_CASES])
def test_cli_validate_writes_every_row(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = case.write(tmp_path)
    out = tmp_path / "out.validated.csv"
    assert main(["--no-progress", "validate", str(src), "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as fh:
        written = list(csv.reader(fh, delimiter=";"))
    rejects = tmp_path / "out.rejects.csv"
    assert len(written) - 1 == case.rows
    assert rejects.exists()
    assert "Traceback" not in capsys.readouterr().err


def _cli_cases(folder: Path) -> list[list[str]]:
    good = folder / "in.csv"
    good.write_text("Datum;Plats;Kategori\n2025-01-02;Storgatan 1;Belysning\n", encoding="utf-8")
    (folder / "file.txt").write_text("x", encoding="utf-8")
    (folder / "broken.gpkg").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    (folder / "broken.parquet").write_bytes(b"PAR1garbage")
    (folder / "broken.osm").write_text("<osm><node id=", encoding="utf-8")
    return [
        ["validate", str(good), "--delimiter", ";;"],
        ["validate", str(good), "--delimiter", ""],
        ["validate", str(good), "--encoding", "no-such-codec"],
        ["validate", str(good), "--out", str(folder)],
        ["validate", str(good), "--out", "/proc/nope/x.csv"],
        ["validate", str(good), "--out", str(folder / "x.docx")],
        ["validate", str(folder / "missing.csv")],
        ["analyze", str(good), "--network", str(folder / "broken.gpkg"), "--out", str(folder / "o")],
        ["analyze", str(good), "--network", str(folder / "broken.osm"), "--out", str(folder / "o")],
        ["analyze", str(good), "--network", str(folder / "missing.gpkg")],
        ["analyze", str(good), "--network", str(good), "--out", str(folder / "file.txt")],
        ["analyze", str(good), "--network", str(good), "--out", "/proc/forbidden"],
        ["analyze", str(good), "--network", str(good), "--study-area", str(good)],
        ["analyze", str(good), "--network", str(good), "--n-simulations", "-1"],
        ["analyze", str(good), "--network", str(good), "--max-excel-mb", "nan"],
        ["analyze", str(good), "--network", str(good), "--min-samples", "0"],
        ["report", "--followup", "0"],
        ["report", "--top", "-3"],
        ["report", "--promise-date", "2025-13-01"],
        ["geocode", str(good), "--out", str(folder / "g.csv"), "--bbox", "19,60,18,59"],
        ["geocode", str(good), "--out", str(folder / "g.csv"), "--bbox", "nan,59,19,60"],
        ["geocode", str(good), "--out", str(folder / "g.csv"), "--bbox", "18,59"],
        ["geocode", str(good), "--out", str(folder / "g.csv"), "--gazetteer", str(folder / "broken.parquet")],
        ["network", "--lines", str(folder / "broken.gpkg"), "--out", str(folder / "n.gpkg")],
        ["network", "--bbox", "19,60,18,59", "--out", str(folder / "n.gpkg")],
    ]


def test_cli_refuses_with_one_line_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = _cli_cases(tmp_path)
    for argv in cases:
        try:
            code = main(["--no-progress", *argv])
        except SystemExit as stop:  # a usage error found by argparse itself
            code = stop.code
        err = capsys.readouterr().err
        assert code != 0, argv
        assert "Traceback" not in err, (argv, err)
        assert len(err.strip().splitlines()) == 1, (argv, err)
        assert err.startswith(f"trygghet-geo {argv[0]}: error: "), (argv, err)
    assert not (tmp_path / "o").exists()  # nothing was written by a refused run


def test_parameters_of_analyze_and_rank_are_checked() -> None:
    from trygghet_geo import analyze

    frame = pd.DataFrame({"Plats": ["Storgatan 1"]})
    for kwargs in ({"n_simulations": -1}, {"n_simulations": 2.5}, {"eps_m": float("nan")}, {"eps_m": -5},
                   {"min_samples": 0}, {"max_snap_m": float("inf")}):  # fmt: skip
        with pytest.raises(ParameterError, match=next(iter(kwargs))):
            analyze(frame, network=None, **kwargs)  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore:one cluster holds:trygghet_geo.errors.TrygghetWarning")
def test_far_dates_never_reach_date_arithmetic_downstream(tmp_path: Path) -> None:
    """Rows dated 1900, 2200 or by Excel serial 99999 among ordinary ones: analyze, the map and the board
    report run (no OutOfBoundsDatetime), the far rows are left out as implausible_date, and the recent
    counts come from the ordinary rows."""
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import LineString

    from trygghet_geo import analyze
    from trygghet_geo.network import network_from_lines
    from trygghet_geo.output.report import write_report

    x0, y0 = 674_000.0, 6_580_000.0  # central Stockholm, SWEREF 99 TM
    lines = [LineString([(x0 + i * 100, y0), (x0 + i * 100, y0 + 600)]) for i in range(7)]
    lines += [LineString([(x0, y0 + j * 100), (x0 + 600, y0 + j * 100)]) for j in range(7)]
    network = network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))
    rng = np.random.default_rng(3)
    n = 120
    xs = x0 + 300 + rng.normal(0, 15, n)
    ys = np.full(n, y0 + 300.0)
    days = pd.Timestamp("2025-06-01") - pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    dates = [f"{d:%Y-%m-%d} 2{i % 4}:00" for i, d in enumerate(days)]
    far = {0: "1900-01-01 12:00", 1: "2200-06-01 12:00", 2: "99999", 3: "1850-01-01", 4: "2261-12-31"}
    for i, text in far.items():
        dates[i] = text
    frame = pd.DataFrame({"Datum": dates, "X": [f"{y:.1f}" for y in ys], "Y": [f"{x:.1f}" for x in xs],
                          "Brottstyp": ["Narkotikabrott"] * n})  # fmt: skip
    result = analyze(frame, network=network, n_simulations=0, eps_m=60, min_samples=5)
    reasons = result.incidents["reason"].to_numpy()
    assert {reasons[i] for i in far} <= {"implausible_date", "bad_date"}
    assert result.left_out.get("implausible_date", 0) + result.left_out.get("bad_date", 0) == len(far)
    assert result.incidents["occurred_at"].dropna().dt.year.between(1990, pd.Timestamp.now().year + 1).all()
    assert result.to_html(tmp_path / "karta.html").stat().st_size > 0
    paths = write_report(result, tmp_path / "rapport.html")
    assert paths["html"].stat().st_size > 0


def test_the_date_window_is_configurable() -> None:
    from trygghet_geo import options

    frame = pd.DataFrame({"Datum": ["2019-06-01", "2021-06-01", "2026-02-01"], "Lat": ["59.33"] * 3,
                          "Lon": ["18.06"] * 3, "Brottstyp": ["Stöld"] * 3})  # fmt: skip
    try:
        options.plausible_dates = ("2020-01-01", "2025-12-31")
        reasons = read_incidents(frame)["reason"].tolist()
    finally:
        options.reset()
    assert reasons == ["implausible_date", "", "implausible_date"]
    assert read_incidents(frame)["reason"].tolist() == ["", "", ""]  # the default window: 1990 to next year
    with pytest.raises(ParameterError, match="plausible_dates"):
        options.plausible_dates = ("2025-01-01", "2020-01-01")
