"""Command-line conventions: --version, python -m, exit codes, help in the user's language."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import trygghet_geo
from trygghet_geo import cli
from trygghet_geo._cli_conventions import check_catalogue, lang_from_argv
from trygghet_geo._text import TEXTS

ROOT = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_version(capsys: Any) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"trygghet-geo {trygghet_geo.__version__}"


def test_python_dash_m_runs_the_command_line() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "trygghet_geo", "--help"],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "trygghet-geo" in proc.stdout
    assert "analyze" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "trygghet_geo", "--version"],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    assert proc.stdout.strip() == f"trygghet-geo {trygghet_geo.__version__}"


def test_usage_errors_exit_2(tmp_path: Path, capsys: Any) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["analyze"])  # argparse: --network and the file are required
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        cli.main(["frobnicate"])
    assert stop.value.code == 2
    capsys.readouterr()
    # an input file that does not exist, a malformed option value: the command line is wrong
    assert cli.main(["validate", str(tmp_path / "saknas.csv")]) == 2
    data = tmp_path / "d.csv"
    data.write_text("Plats;Brottstyp;Datum\nTorget;Rån;2025-01-02\n", encoding="utf-8")
    assert cli.main(["validate", str(data), "--columns", "Plats", "--out", str(tmp_path / "o.csv")]) == 2
    assert cli.main(["network", "--out", str(tmp_path / "n.gpkg")]) == 2  # no source given
    err = capsys.readouterr().err
    assert err.count("\n") == 3  # one line each
    assert "saknas.csv" in err
    assert "--columns" in err


def test_data_errors_exit_1(tmp_path: Path, capsys: Any) -> None:
    empty = tmp_path / "tom.csv"
    empty.write_text("", encoding="utf-8")
    assert cli.main(["validate", str(empty), "--out", str(tmp_path / "o.csv")]) == 1
    garbage = tmp_path / "trasig.xlsx"
    garbage.write_bytes(b"PK\x03\x04 this is not a workbook")
    assert cli.main(["validate", str(garbage), "--out", str(tmp_path / "o.csv")]) == 1
    err = capsys.readouterr().err
    assert "tom.csv" in err
    assert "trasig.xlsx" in err
    assert len(err.strip().splitlines()) == 2


def test_rows_left_out_are_not_an_error(tmp_path: Path, capsys: Any) -> None:
    data = tmp_path / "d.csv"
    data.write_text(
        "Plats;Brottstyp;Datum\nStorgatan 1;Rån;2025-01-02\nTorget;Stöld;inte ett datum\n;;\n",
        encoding="utf-8",
    )
    assert cli.main(["validate", str(data), "--out", str(tmp_path / "o.csv")]) == 0
    rejects = (tmp_path / "o.rejects.csv").read_text(encoding="utf-8-sig")
    assert "bad_date" in rejects
    capsys.readouterr()


@pytest.mark.slow
def test_analyze_exits_0_with_rows_left_out(tmp_path: Path, capsys: Any) -> None:
    import numpy as np

    from trygghet_geo import sample

    net = tmp_path / "gatunat.gpkg"
    sample.load_network().to_file(net)
    rng = np.random.default_rng(5)
    lat = 60.1705 + rng.normal(0, 2e-5, 20)
    lon = 24.9410 + rng.normal(0, 4e-5, 20)
    rows = "".join(
        f"2025-0{1 + i % 9}-1{i % 9};Rån;{a:.6f};{b:.6f}\n"
        for i, (a, b) in enumerate(zip(lat, lon, strict=True))
    )
    rows += "2025-02-30;Rån;60.1705;24.9410\n;Rån;;\n"  # a bad date and a row without a place
    path = tmp_path / "h.csv"
    path.write_text("Datum;Brottstyp;Latitud;Longitud\n" + rows, encoding="utf-8")
    argv = ["analyze", str(path), "--network", str(net), "--n-simulations", "0", "--out", str(tmp_path / "r")]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "bad_date" in out
    assert "no_location" in out


def test_help_in_the_users_language(capsys: Any) -> None:
    from trygghet_geo import options

    with pytest.raises(SystemExit):
        cli.main(["analyze", "--help"])
    sv = capsys.readouterr().out
    assert "användning:" in sv
    assert "mapp för utdata" in sv
    assert "output folder" not in sv
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", "analyze", "--help"])
    en = capsys.readouterr().out
    assert "usage:" in en
    assert "output folder" in en
    assert "mapp för utdata" not in en
    before = options.lang
    options.lang = "en"
    try:
        with pytest.raises(SystemExit):
            cli.main(["--help"])
        assert "show this help message" in capsys.readouterr().out
    finally:
        options.lang = before
    assert options.lang == before


def test_global_lang_switches_the_output_for_one_run(tmp_path: Path, capsys: Any) -> None:
    from trygghet_geo import options

    data = tmp_path / "d.csv"
    data.write_text("Plats;Brottstyp;Datum\nStorgatan 1;Rån;2025-01-02\n", encoding="utf-8")
    assert cli.main(["--lang", "en", "validate", str(data), "--out", str(tmp_path / "o.csv")]) == 0
    assert "Rejected rows" in capsys.readouterr().out
    assert options.lang == "sv"  # restored after the run
    assert cli.main(["validate", str(data), "--out", str(tmp_path / "o.csv")]) == 0
    assert "Avvisade rader" in capsys.readouterr().out


def test_every_option_has_help_in_both_languages() -> None:
    """The catalogue's English is the parser's own text, and every entry has its Swedish."""
    parser, _ = cli.build_parser("en")
    english, _ = _english_parser()
    assert check_catalogue(english) == []
    assert parser.format_help() == english.format_help()
    for key, by_lang in TEXTS.items():
        if key.startswith("cli."):
            assert by_lang["sv"].strip(), key
            assert by_lang["sv"] != by_lang["en"] or key in {"cli.opt.n_simulations"}, key


def _english_parser() -> tuple[Any, Any]:
    """The parser as the code writes it, before the catalogue is applied."""
    import unittest.mock

    with unittest.mock.patch("trygghet_geo.cli.localize", return_value=None):
        return cli.build_parser()


def test_lang_from_argv() -> None:
    assert lang_from_argv(["analyze", "--lang", "en", "x.csv"]) == "en"
    assert lang_from_argv(["--lang=en", "demo"]) == "en"
    assert lang_from_argv(["--lang", "de", "demo"]) == "sv"  # argparse refuses it afterwards
    assert lang_from_argv(["demo", "--", "--lang", "en"]) == "sv"
