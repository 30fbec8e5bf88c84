"""``trygghet_geo.batch.run`` from Python reads and checks every input (the national incident file, the
municipality layer or code column, the network store) before any Dask cluster or worker starts: a missing,
unreadable or malformed input is one clear :class:`~trygghet_geo.errors.TrygghetError` naming the file (and
the row or field), and the cluster factory is never called. The cluster factory is replaced by one that fails
the test when called; a good input still runs (serially), and with the default scheduler the factory is
reached only after the inputs were read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from trygghet_geo import _batch_dask, _batch_plan, batch, sample
from trygghet_geo.errors import TrygghetError
from trygghet_geo.network import write_network_store

KW = {"eps_m": 60.0, "min_samples": 5, "n_simulations": 3, "random_state": 3}


@pytest.fixture(scope="module")
def nation(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A two-municipality synthetic nation, its inputs also as files: incidents (CSV of the police's kind
    with a code column, and GeoParquet), the municipality layer (GeoPackage) and the network store."""
    inc, mun, nets = sample.synthetic_nation(2, 300, seed=4, sample_streets=False)
    root = tmp_path_factory.mktemp("nation")
    parquet = root / "incidents.parquet"
    inc.to_parquet(parquet)
    layer = root / "kommuner.gpkg"
    mun.to_file(layer)
    store = write_network_store(nets, root / "store")
    return {"inc": inc, "mun": mun, "nets": nets, "parquet": parquet, "layer": layer, "store": store}


@pytest.fixture
def no_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any start of a cluster fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        pytest.fail("a cluster was started before the inputs were checked")

    monkeypatch.setattr(_batch_dask, "start", refuse)
    monkeypatch.setattr(_batch_dask, "client_for", refuse)


def _broken_csv(path: Path) -> Path:
    path.write_text("Datum;Kl;Brottstyp\n2025-01-01;12:00;Skadegörelse\n", encoding="utf-8")
    return path


def _garbage(path: Path) -> Path:
    path.write_bytes(b"PAR1\x00\x01\x02 not a table at all \xff\xfe" * 20)
    return path


def _cases(n: dict[str, Any], tmp: Path) -> list[tuple[str, dict[str, Any], str]]:
    """(name, run's arguments, a text the error must contain)."""
    (tmp / "empty").mkdir()
    bad_store = tmp / "bad_store"
    bad_store.mkdir()
    _garbage(bad_store / "0114.gpkg")
    no_code = n["mun"].drop(columns="kommunkod")
    return [
        ("missing incident file", {"incidents": tmp / "saknas.csv"}, "saknas.csv"),
        ("incident file with no location", {"incidents": _broken_csv(tmp / "trasig.csv")}, "trasig.csv"),
        ("garbage parquet", {"incidents": _garbage(tmp / "skräp.parquet")}, "skräp.parquet"),
        ("garbage csv", {"incidents": _garbage(tmp / "skräp.csv")}, "skräp.csv"),
        ("a folder as incident file", {"incidents": tmp / "empty"}, "empty"),
        ("missing network folder", {"networks": tmp / "inga_nät"}, "inga_nät"),
        ("empty network store", {"networks": tmp / "empty"}, "empty"),
        ("broken network in the store", {"networks": bad_store}, "0114.gpkg"),
        ("empty network mapping", {"networks": {}}, "networks"),
        ("layer without kommunkod", {"municipalities": no_code}, "kommunkod"),
        ("code column not in the incidents", {"municipalities": "Kommun"}, "Kommun"),
        ("missing layer file", {"municipalities": tmp / "saknas.gpkg"}, "saknas.gpkg"),
        ("garbage layer file", {"municipalities": _garbage(tmp / "skräp.gpkg")}, "skräp.gpkg"),
    ]


def test_broken_inputs_are_refused_before_any_cluster_starts(
    nation: dict[str, Any], tmp_path: Path, no_cluster: None
) -> None:
    failures = []
    for name, change, named in _cases(nation, tmp_path):
        args: dict[str, Any] = {
            "incidents": nation["parquet"],
            "municipalities": nation["layer"],
            "networks": nation["store"],
            **change,
        }
        try:
            # the default scheduler: a LocalCluster
            batch.run(args.pop("incidents"), out=tmp_path / "out", **args, **KW)
        except TrygghetError as exc:
            if named not in str(exc):
                failures.append(f"{name}: the error does not name {named!r}: {exc}")
        except Exception as exc:  # any other error is what the test reports
            failures.append(f"{name}: {type(exc).__name__} instead of a TrygghetError: {exc}")
        else:
            failures.append(f"{name}: no error")
    assert not failures, "\n".join(failures)


def test_a_national_csv_without_the_code_column_names_file_and_field(
    nation: dict[str, Any], tmp_path: Path, no_cluster: None
) -> None:
    """A readable national CSV whose code column is spelled otherwise: the error names the file, the column
    asked for and the columns there are, before any cluster. (A malformed row is no error: the reader keeps
    it out with its row and field in the read report, as for one municipality.)"""
    path = tmp_path / "nationell.csv"
    path.write_text(
        "Datum;Kl;Brottstyp;Plats;X;Y;kommun\n2025-01-01;12:00;Skadegörelse;Gata 1;6580200;674200;1780\n",
        encoding="utf-8",
    )
    with pytest.raises(TrygghetError, match=r"'Kommun'.*nationell\.csv.*'kommun'"):
        batch.run(path, municipalities="Kommun", networks=nation["store"], out=tmp_path / "out", **KW)
    assert not (tmp_path / "out").exists()  # nothing made before the inputs were checked


def test_good_inputs_from_files_still_run(nation: dict[str, Any], tmp_path: Path, no_cluster: None) -> None:
    """The same files, serially: every municipality done, as with the tables in memory."""
    table = batch.run(
        nation["parquet"], municipalities=nation["layer"], networks=nation["store"], out=tmp_path / "files",
        scheduler="synchronous", **KW,
    )  # fmt: skip
    ref = batch.run(
        nation["inc"], municipalities=nation["mun"], networks=nation["nets"], out=tmp_path / "memory",
        scheduler="synchronous", **KW,
    )  # fmt: skip
    coded = table.dropna(subset=["kommunkod"])
    assert sorted(coded["kommunkod"]) == sorted(nation["mun"]["kommunkod"])
    assert (coded["status"] == "done").all(), table[["kommunkod", "status", "error"]]
    cols = ["kommunkod", "status", "n_incidents", "n_halo", "n_hotspots", "n_places"]
    assert table[cols].equals(ref[cols])


def test_the_cluster_starts_only_after_the_inputs_were_read(
    nation: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the default scheduler, the cluster factory is reached after every input was read and checked."""
    calls: list[str] = []
    read = _batch_plan.read_inputs

    def reading(*args: Any, **kwargs: Any) -> Any:
        got = read(*args, **kwargs)
        calls.append("read")
        return got

    class StopError(Exception):
        pass

    def start(*args: Any, **kwargs: Any) -> Any:
        calls.append("start")
        raise StopError

    monkeypatch.setattr(_batch_plan, "read_inputs", reading)
    monkeypatch.setattr(_batch_dask, "start", start)
    with pytest.raises(StopError):
        batch.run(
            nation["parquet"], municipalities=nation["layer"], networks=nation["store"], out=tmp_path, **KW
        )
    assert calls[:2] == ["read", "start"], calls


def test_the_command_line_uses_the_same_check(
    nation: dict[str, Any], tmp_path: Path, no_cluster: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``trygghet-geo batch`` with a broken national file: refused on one line naming it, before any cluster
    (the command line goes through the same read-first step)."""
    from trygghet_geo.cli import main

    path = _broken_csv(tmp_path / "trasig.csv")
    argv = ["batch", str(path), "--municipalities", str(nation["layer"])]
    argv += ["--networks", str(nation["store"]), "--out", str(tmp_path / "out"), "--scheduler", "threads"]
    assert main(argv) != 0
    err = capsys.readouterr().err
    assert "trasig.csv" in err, err
    assert "Traceback" not in err, err
