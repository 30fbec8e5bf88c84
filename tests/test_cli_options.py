"""Every command-line option that mirrors a library argument, exercised; and no hint in a command-line error
names a Python-only argument."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from trygghet_geo.cli import main
from trygghet_geo.errors import TrygghetError

# A Python argument as a hint would write it: ``columns={...}``, ``pass period=...``, ``crs='EPSG:3011'``.
PYTHON_ARGUMENT = re.compile(
    r"\b(columns|observation_columns|crs|sheet|header_row|encoding|delimiter|period|categories|weights|eps_m|"
    r"min_samples|max_excel_mb|include_uncertain|min_geocode_score|online|area)\s*="
)
ERRORS: list[str] = []  # every command-line error text seen in this module, checked at the end


def run(argv: list[str], capsys: Any) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    if code != 0:
        ERRORS.append(captured.err)
    return code, captured.out, captured.err


def validated(out: Path) -> pd.DataFrame:
    return pd.read_csv(out, sep=None, engine="python", encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture
def odd_headers(tmp_path: Path) -> Path:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Ställe;Tidpunkt X;Sort;Norr X1;Öst Y1\nStorgatan 1;2025-03-01 22:10;Rån;6580822;674032\n"
        "Kungsgatan 4;2025-03-02 01:15;Misshandel;6580900;674100\n",
        encoding="utf-8",
    )
    return path


def test_columns_names_the_fields(odd_headers: Path, tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "o.csv"
    code, _, err = run(["validate", str(odd_headers), "--out", str(out)], capsys)
    assert code == 1  # the file's columns are not recognised: a data error, with the option that fixes it
    assert "--columns" in err
    cols = "place=Ställe,datetime=Tidpunkt X,category=Sort,x=Norr X1,y=Öst Y1"
    code, stdout, _ = run(["validate", str(odd_headers), "--columns", cols, "--out", str(out)], capsys)
    assert code == 0, stdout
    table = validated(out)
    assert table["category"].tolist() == ["våld", "våld"]
    assert table["occurred_at"].str.startswith("2025-03-01T22:10").tolist() == [True, False]
    assert table["status"].tolist() == ["ok", "ok"]


def test_columns_bad_field_and_missing_column(odd_headers: Path, tmp_path: Path, capsys: Any) -> None:
    out = str(tmp_path / "o.csv")
    code, _, err = run(["validate", str(odd_headers), "--columns", "plats=Ställe", "--out", out], capsys)
    assert code == 2
    assert "--columns plats=..." in err
    code, _, err = run(["validate", str(odd_headers), "--columns", "place=Gata", "--out", out], capsys)
    assert code == 1  # a column this file does not have
    assert "--columns place=Gata" in err
    code, _, err = run(["validate", str(odd_headers), "--columns", "Ställe", "--out", out], capsys)
    assert code == 2
    assert "field=header" in err


def _workbook(path: Path, rows: list[list[Any]], *, extra_sheet_first: bool = False) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    if extra_sheet_first:
        book.active.title = "Info"
        book.active.append(["Det här bladet förklarar utdraget"])
        sheet = book.create_sheet("Data")
    else:
        sheet = book.active
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def test_sheet_and_header_row_in_a_workbook(tmp_path: Path, capsys: Any) -> None:
    rows = [
        ["Rapport", "Polisen", "Region Syd", "2025"],
        ["Datum", "Plats", "Brottstyp", "Kommun"],
        ["2025-01-02", "Storgatan 1", "Rån", "Lund"],
        ["2025-01-03", "Kungsgatan 2", "Stöld", "Lund"],
    ]
    path = _workbook(tmp_path / "b.xlsx", rows, extra_sheet_first=True)
    out = tmp_path / "o.csv"
    code, _, err = run(["validate", str(path), "--sheet", "Nope", "--out", str(out)], capsys)
    assert code == 1  # a sheet this workbook does not have
    assert "--sheet" in err
    # the title row is as wide as the header, but only the second row names known fields: it is the header,
    # found by its names without --header-row, and --header-row 2 says the same
    for extra in ([], ["--header-row", "2"]):
        code, stdout, _ = run(["validate", str(path), "--sheet", "Data", *extra, "--out", str(out)], capsys)
        assert code == 0, stdout
        table = validated(out)
        assert table["place_text"].tolist() == ["Storgatan 1, Lund", "Kungsgatan 2, Lund"]
        assert table["source_row"].tolist() == ["1", "2"]


def test_header_row_in_a_csv(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "t.csv"
    path.write_text(
        "Rapport;Polisen;Syd;2025\nDatum;Plats;Brottstyp;Kommun\n2025-01-02;Storgatan 1;Rån;Lund\n"
    )
    out = tmp_path / "o.csv"
    code, stdout, _ = run(["validate", str(path), "--header-row", "2", "--out", str(out)], capsys)
    assert code == 0, stdout
    assert validated(out)["category"].tolist() == ["våld"]


def test_crs_encoding_delimiter(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "k.csv"
    # Helsinki's railway station in SWEREF 99 TM (outside Sweden: the CRS must be named)
    path.write_bytes("Plats;Brottstyp;X;Y\r\nJärnvägstorget;Rån;6712074;1050295\r\n".encode("cp1252"))
    out = tmp_path / "o.csv"
    code, stdout, _ = run(
        [
            "validate",
            str(path),
            "--crs",
            "EPSG:3006",
            "--encoding",
            "cp1252",
            "--delimiter",
            ";",
            "--out",
            str(out),
        ],
        capsys,
    )
    assert code == 0, stdout
    row = validated(out).iloc[0]
    assert abs(float(row["lat"].replace(",", ".")) - 60.171) < 0.01
    assert abs(float(row["lon"].replace(",", ".")) - 24.94) < 0.02
    assert row["place_text"] == "Järnvägstorget"
    code, _, err = run(["validate", str(path), "--crs", "EPSG:99999999", "--out", str(out)], capsys)
    assert code == 2
    assert "--crs" in err
    code, _, err = run(["validate", str(path), "--encoding", "utf-8", "--out", str(out)], capsys)
    assert code == 1  # the file is not in that encoding
    assert "--encoding" in err


def test_categories_file(tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "d.csv"
    data.write_text(
        "Plats;Brottstyp;Datum\nTorget;Gatuspel;2025-01-02\nTorget;Rån;2025-01-03\n", encoding="utf-8"
    )
    table = tmp_path / "kategorier.csv"
    table.write_text("kind;raw;category\nincident;Gatuspel;ordningsstörning\nobservation;Gatuspel;övrigt\n")
    out = tmp_path / "o.csv"
    code, stdout, _ = run(["validate", str(data), "--out", str(out)], capsys)
    assert code == 0
    assert "Okända typer (→ övrigt): 'Gatuspel' 1" in stdout  # unknown types listed with counts
    code, stdout, _ = run(["validate", str(data), "--categories", str(table), "--out", str(out)], capsys)
    assert code == 0, stdout
    assert validated(out)["category"].tolist() == ["ordningsstörning", "våld"]
    assert "Okända" not in stdout
    code, _, err = run(
        ["validate", str(data), "--categories", str(tmp_path / "nej.csv"), "--out", str(out)], capsys
    )
    assert code == 2
    assert "--categories" in err


def test_max_excel_mb(tmp_path: Path, capsys: Any) -> None:
    path = _workbook(tmp_path / "b.xlsx", [["Plats", "Typ"], ["Torget", "Rån"]])
    code, _, err = run(
        ["validate", str(path), "--max-excel-mb", "0.000001", "--out", str(tmp_path / "o.csv")], capsys
    )
    assert code == 1  # the workbook is larger than the limit
    assert "--max-excel-mb" in err


# --- analyze: the options reach analyze() ------------------------------------------------------------------
@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """analyze() replaced by a recorder (the network and gazetteer are not loaded; the network file only
    exists, as the checks before any work ask)."""
    import trygghet_geo.analysis
    import trygghet_geo.cli

    monkeypatch.chdir(tmp_path)
    Path("n.gpkg").touch()

    seen: dict[str, Any] = {}

    def fake(incidents: Any, observations: Any = None, **kwargs: Any) -> Any:
        seen.update(kwargs, incidents=incidents, observations=observations)
        raise TrygghetError("recorded")

    monkeypatch.setattr(trygghet_geo.analysis, "analyze", fake)
    monkeypatch.setattr(trygghet_geo.cli, "_load_network", lambda path: None)
    monkeypatch.setattr(trygghet_geo.cli, "_load_gazetteer", lambda path, network: None)
    return seen


def test_analyze_options_reach_analyze(
    odd_headers: Path, tmp_path: Path, captured: dict[str, Any], capsys: Any
) -> None:
    rows = [["Vandring 2025"], ["Ställe", "Sort", "Synpunkt"], ["Torget", "Belysning", "Mörkt"]]
    walk = _workbook(tmp_path / "w.xlsx", rows, extra_sheet_first=True)
    argv = [
        "analyze", str(odd_headers), "--network", "n.gpkg",
        "--columns", "place=Ställe,category=Sort,x=Norr X1,y=Öst Y1",
        "--observations", str(walk), "--observation-sheet", "Data", "--observation-header-row", "2",
        "--observation-columns", "place=Ställe,category=Sort", "--eps-m", "auto", "--min-samples", "auto",
        "--period", "2025", "--weights", "narkotika=4,observations=0.3", "--include-uncertain",
        "--min-geocode-score", "70",
    ]  # fmt: skip
    code = main(argv)
    capsys.readouterr()
    assert code == 1  # the recorder stops the run
    assert captured["eps_m"] == "auto"
    assert captured["min_samples"] == "auto"
    assert [str(t.date()) for t in captured["period"]] == ["2025-01-01", "2025-12-31"]
    assert captured["weights"] == {"narkotika": 4.0, "observations": 0.3}
    assert captured["include_uncertain"] is True
    assert captured["min_geocode_score"] == 70.0
    assert captured["incidents"]["category"].tolist() == ["våld", "våld"]
    assert captured["observations"]["category"].tolist() == ["belysning"]
    assert captured["observations"]["place_text"].tolist() == ["Torget"]


def test_report_takes_the_same_options(odd_headers: Path, captured: dict[str, Any], capsys: Any) -> None:
    argv = ["report", "--incidents", str(odd_headers), "--network", "n.gpkg", "--columns",
            "place=Ställe,datetime=Tidpunkt X,category=Sort", "--period", "2025-03", "--eps-m", "auto",
            "--weights", "stöld=1"]  # fmt: skip
    assert main(argv) == 1  # the recorder stops the run
    capsys.readouterr()
    assert captured["incidents"]["category"].tolist() == ["våld", "våld"]
    assert [str(t.date()) for t in captured["period"]] == ["2025-03-01", "2025-03-31"]
    assert captured["eps_m"] == "auto"
    assert captured["weights"] == {"stöld": 1.0}


def test_eps_and_min_samples_numbers_or_defaults(
    odd_headers: Path, captured: dict[str, Any], capsys: Any
) -> None:
    cols = ["--columns", "place=Ställe,category=Sort"]
    main(["analyze", str(odd_headers), "--network", "n.gpkg", *cols, "--eps-m", "60", "--min-samples", "7"])
    assert (captured["eps_m"], captured["min_samples"]) == (60.0, 7)
    captured.clear()
    main(["analyze", str(odd_headers), "--network", "n.gpkg", *cols])
    assert "eps_m" not in captured
    assert "min_samples" not in captured
    assert captured["period"] is None
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["analyze", str(odd_headers), "--network", "n.gpkg", "--eps-m", "nära"])
    assert "expected metres or 'auto'" in capsys.readouterr().err


def test_bad_period_and_weights(odd_headers: Path, captured: dict[str, Any], capsys: Any) -> None:
    base = ["analyze", str(odd_headers), "--network", "n.gpkg", "--columns", "place=Ställe,category=Sort"]
    code, _, err = run([*base, "--period", "förra året"], capsys)
    assert code == 2
    assert "--period" in err
    code, _, err = run([*base, "--weights", "narkotika=tre"], capsys)
    assert code == 2
    assert "--weights" in err
    code, _, err = run([*base, "--weights", "knark=3"], capsys)
    assert code == 2
    assert "unknown names ['knark']" in err


# --- a real run: --period where no row has a date ----------------------------------------------------------
@pytest.fixture(scope="module")
def network_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trygghet_geo import sample

    path = tmp_path_factory.mktemp("net") / "gatunat.gpkg"
    sample.load_network().to_file(path)
    return path


def test_period_when_no_row_has_a_date(network_file: Path, tmp_path: Path, capsys: Any) -> None:
    import numpy as np

    rng = np.random.default_rng(3)
    lat = 60.1705 + rng.normal(0, 2e-5, 12)
    lon = 24.9410 + rng.normal(0, 4e-5, 12)
    path = tmp_path / "utan_datum.csv"
    rows = "".join(f"Rån;{a:.6f};{b:.6f}\n" for a, b in zip(lat, lon, strict=True))
    path.write_text("Brottstyp;Latitud;Longitud\n" + rows, encoding="utf-8")
    base = [
        "analyze",
        str(path),
        "--network",
        str(network_file),
        "--n-simulations",
        "0",
        "--out",
        str(tmp_path / "r"),
    ]
    code, _, err = run(base, capsys)
    assert code == 1  # no row has a date: a data error, with the option that fixes it
    assert "--period" in err
    code, stdout, _ = run([*base, "--period", "2025-01-01..2025-12-31"], capsys)
    assert code == 0, stdout
    assert "Händelser lästa: 12" in stdout


def test_no_cli_error_names_a_python_argument() -> None:
    """Runs last in this module: every error text the command line printed above."""
    assert len(ERRORS) >= 12
    for text in ERRORS:
        assert "error:" in text
        assert not PYTHON_ARGUMENT.search(text), text
