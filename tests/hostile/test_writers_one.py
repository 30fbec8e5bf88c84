"""Hostile street names reaching the tables the density and trend subcommands and the nationwide run write
are cleaned as the one writer (``io/_write.py``) cleans every text: bidi overrides, noncharacters and lone
surrogates removed (:func:`trygghet_geo.output.privacy.clean_text`), whatever the format.

The expected text is built by hand here (the characters dropped one by one), not by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from trygghet_geo import sample

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])  # the batch's dask endpoints bind the loopback only

FORMULA = '=HYPERLINK("http://evil.example","Storgatan")'
# a street name as a hostile OSM extract or network file can carry it (no lone surrogate: UTF-8 files
# cannot hold one), and the same with a lone surrogate, as a Python caller's frame can
IN_FILE = f"Stor\u202egatan\ufffe {FORMULA}"
IN_MEMORY = f"Stor\u202egatan\ud800\ufffe {FORMULA}"
CLEAN = f"Storgatan {FORMULA}"  # GIS and Parquet files are no spreadsheet: the formula stays text as it is
HOSTILE = "\u202e\ufffe\ud800"


def _hostile_network_file(tmp_path: Path) -> Path:
    net = sample.load_network()
    edges = net.edges.copy()
    edges["name"] = IN_FILE
    path = tmp_path / "gatunat.gpkg"
    edges.to_file(path)
    return path


def _names(table: pd.DataFrame) -> set[str]:
    return set(table["name"].dropna().astype(str))


def _no_hostile(names: set[str]) -> None:
    assert names, "no street name was written"
    assert not any(c in n for n in names for c in HOSTILE), names


@pytest.mark.parametrize("fmt", ["gpkg", "parquet"])
def test_density_table_cleans_a_hostile_street_name(tmp_path, capsys, fmt) -> None:
    from trygghet_geo.cli import main

    raw = sample.write_raw(tmp_path / "raw")
    net = _hostile_network_file(tmp_path)
    out = tmp_path / "out"
    code = main(["density", str(raw["incidents"]), "--network", str(net), "--bandwidth-m", "100",
                 "--format", fmt, "--privacy", "internal", "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    path = out / f"tathet.{fmt}"
    table = gpd.read_parquet(path) if fmt == "parquet" else gpd.read_file(path, layer="tathet")
    _no_hostile(_names(table))
    assert _names(table) == {CLEAN}
    assert not list(out.glob(".*.part*"))  # written whole, its temporary gone


def test_density_table_cleans_a_lone_surrogate(tmp_path) -> None:
    """A lone surrogate cannot be encoded in UTF-8: written raw, the GeoPackage write fails."""
    import shapely

    from trygghet_geo._cli_density import _write_table

    lix = gpd.GeoDataFrame(
        {
            "edge_id": [0, 1],
            "name": pd.Series([IN_MEMORY, "Kyrkgatan"], dtype=object),  # a string array cannot hold it
            "density": [1.5, 2.0],
        },
        geometry=[shapely.LineString([(0, 0), (10, 0)]), shapely.LineString([(10, 0), (20, 0)])],
        crs="EPSG:3006",
    )
    for fmt in ("gpkg", "parquet"):
        path, _ = _write_table(lix, tmp_path, fmt, "internal")
        table = gpd.read_parquet(path) if fmt == "parquet" else gpd.read_file(path, layer="tathet")
        assert table["name"].tolist() == [CLEAN, "Kyrkgatan"], fmt


def test_trend_table_cleans_a_hostile_street_name(tmp_path, capsys) -> None:
    from trygghet_geo.cli import main

    raw = sample.write_raw(tmp_path / "raw")
    net = _hostile_network_file(tmp_path)
    out = tmp_path / "out"
    code = main(["trend", str(raw["incidents"]), "--network", str(net), "--simulations", "9",
                 "--privacy", "internal", "--out", str(out)])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    table = gpd.read_file(out / "utveckling.gpkg", layer="utveckling")
    _no_hostile(_names(table))
    assert _names(table) == {CLEAN}


def test_batch_tables_clean_a_hostile_street_name(tmp_path) -> None:
    """The nationwide run's partition tables and national places table, through the Python API; the resume
    check still finds the partitions complete."""
    from trygghet_geo import batch

    inc, mun, nets = sample.synthetic_nation(2, 300, seed=3, sample_streets=False)
    for net in nets.values():
        net.edges["name"] = IN_FILE  # (a lone surrogate in a network's names stops analyze itself, in rank)
    kw = {"eps_m": 60.0, "min_samples": 5, "n_simulations": 5, "random_state": 1}
    out = tmp_path / "nation"
    table = batch.run(inc, municipalities=mun, networks=nets, out=out, scheduler="threads", n_workers=1, **kw)
    assert (table["status"] == "done").all(), table[["kommunkod", "status", "error"]]
    national = gpd.read_parquet(out / "places.parquet")
    names = _names(national)
    _no_hostile(names)
    assert names == {CLEAN}
    for code in mun["kommunkod"].astype(str):
        for name in ("places", "incidents", "hotspots"):
            part = gpd.read_parquet(out / f"kommunkod={code}" / f"{name}.parquet")
            texts = {v for c in part.columns for v in part[c] if isinstance(v, str)}
            assert not any(h in t for t in texts for h in HOSTILE), (code, name)
    again = batch.run(inc, municipalities=mun, networks=nets, out=out, scheduler="threads", n_workers=1, **kw)
    assert (again["status"] == "skipped").all(), again[["kommunkod", "status"]]


# --- the map's folder, the places' GeoPackage, long values in error messages -------------------------------
def test_to_html_makes_its_missing_folder(tmp_path) -> None:
    from trygghet_geo import schema
    from trygghet_geo.analysis import Analysis

    net = sample.load_network()
    empty = gpd.GeoDataFrame({schema.STATUS: []}, geometry=[], crs=net.crs)
    path = Analysis(empty, None, empty, empty, net).to_html(tmp_path / "ny" / "mapp" / "karta.html")
    assert path.is_file()
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("privacy", ["shared", "internal"])
def test_export_places_writes_a_geopackage(tmp_path, privacy) -> None:
    import shapely

    from trygghet_geo.rank import export_places

    places = gpd.GeoDataFrame(
        {
            "rank": [1, 2, 3],
            "hotspot_id": [0, 1, 2],
            "name": [f"\u202e{FORMULA}\ufffe", "Kyrkgatan 070-123 45 67", "Torget"],
            "score": [1.0, 0.5, 0.2],
            "significant": [True, False, False],
            "n_incidents": [9, 7, 2],  # the third is under k = 5: not in a shared file
        },
        geometry=[shapely.box(0, 0, 50, 50), shapely.box(100, 0, 150, 50), shapely.box(300, 0, 350, 50)],
        crs="EPSG:3006",
    )
    path = export_places(places, tmp_path / "platser.gpkg", privacy=privacy)
    got = gpd.read_file(path, layer="platser")
    assert got.crs.to_epsg() == 3006
    names = got["Plats"].tolist()
    assert names[0] == "'" + FORMULA  # formula-escaped as in the CSV and XLSX, cleaned as everywhere
    if privacy == "shared":
        assert names[1:] == ["Kyrkgatan [telefon]"]  # redacted; the place under k left out
        assert (got.geom_type == "Point").all()  # its centre, as the CSV's lon/lat give it
    else:
        assert names[1:] == ["Kyrkgatan 070-123 45 67", "Torget"]
        assert shapely.equals(got.geometry.to_numpy(), places.geometry.to_numpy()).all()


def test_export_places_lists_the_formats_it_writes(tmp_path) -> None:
    from trygghet_geo.errors import ParameterError
    from trygghet_geo.rank import export_places

    places = gpd.GeoDataFrame({"rank": [1]}, geometry=gpd.points_from_xy([0], [0]), crs="EPSG:3006")
    with pytest.raises(ParameterError, match=r"\.csv, \.xlsx or \.gpkg"):
        export_places(places, tmp_path / "platser.shp")


LONG = "x" * 40_000


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": LONG},
        {"eps_m": LONG},
        {"period": (LONG, "2025-01-01")},
        {"n_simulations": LONG},
        {"incidents": LONG},  # a path no file system can look up
    ],
    ids=["method", "eps_m", "period", "n_simulations", "path"],
)
def test_a_long_value_is_cut_in_the_message(kwargs) -> None:
    import trygghet_geo as tg
    from trygghet_geo.errors import TrygghetError

    net = sample.load_network()
    incidents = kwargs.pop("incidents", None)
    if incidents is None:
        incidents = pd.DataFrame({"plats": ["Storgatan 1"], "datum": ["2025-01-01"]})
    with pytest.raises(TrygghetError) as caught:
        tg.analyze(incidents, network=net, **kwargs)
    message = str(caught.value)
    assert len(message) < 400, message[:300]
    assert "… (40,00" in message
    assert "characters)" in message


def test_an_ordinary_value_reads_as_before() -> None:
    import trygghet_geo as tg
    from trygghet_geo.errors import ParameterError, shown

    net = sample.load_network()
    frame = pd.DataFrame({"plats": ["Storgatan 1"], "datum": ["2025-01-01"]})
    with pytest.raises(ParameterError) as caught:
        tg.analyze(frame, network=net, method="kmeans")
    assert str(caught.value) == "method must be 'dbscan' or 'hdbscan', got 'kmeans'"
    assert [shown(v) for v in ("auto", 12.5, None, "x" * 78)] == ["'auto'", "12.5", "None", repr("x" * 78)]
