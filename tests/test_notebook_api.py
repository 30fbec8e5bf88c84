"""What a notebook user meets: the HTML summaries, GeoDataFrame.explore, and the hotspot table written to the
formats geopandas writes (one geometry column), through write_table and the readers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from test_maps import XSS, grid_network, make_analysis

import trygghet_geo as tg
from trygghet_geo import schema
from trygghet_geo.io._write import write_table


@pytest.fixture(scope="module")
def result() -> tg.Analysis:
    """A real run of analyze() (not a hand-made Analysis) on a grid town with two planted hotspots."""
    planted = make_analysis(400, seed=4).incidents
    inc = planted[[schema.OCCURRED_AT, schema.CATEGORY, "geometry"]].copy()
    return tg.analyze(inc, network=grid_network(), n_simulations=0, title=XSS)


def test_analysis_shows_a_short_escaped_summary(result: tg.Analysis) -> None:
    page = result._repr_html_()
    assert XSS not in page
    assert "&lt;script&gt;" in page  # the title, escaped
    assert len(page) < 5_000  # a summary, not the tables
    assert f"<td>{len(result.incidents)}</td>" in page
    assert f"<td>{len(result.hotspots)}</td>" in page
    for reason, n in result.left_out.items():
        assert schema.reason_text(reason) in page
        assert f"<td>{n}</td>" in page
    assert page.count("<li>") == min(5, len(result.places))
    assert str(result.places["name"].iloc[0]) in page
    assert "eps 50 m" in page or "eps" in result.meta["parameters_note"]
    assert result.meta["parameters_note"].split(":")[0] in page
    text = repr(result)
    assert text.startswith("Analysis(")
    assert "\n" not in text
    assert len(text) < 120
    assert f"{len(result.hotspots)} hotspots" in text


def test_analysis_summary_in_english(result: tg.Analysis) -> None:
    tg.options.lang = "en"
    assert "Incidents read" in result._repr_html_()
    tg.options.lang = "sv"
    assert "Händelser lästa" in result._repr_html_()


def test_network_shows_itself(result: tg.Analysis) -> None:
    net = result.network
    assert repr(net) == "StreetNetwork(36 nodes, 60 edges, 6.0 km, crs='EPSG:3006')"
    page = net._repr_html_()
    assert "<td>60</td>" in page
    assert "EPSG:3006" in page


def test_hotspots_have_one_geometry_column(result: tg.Analysis) -> None:
    hs = result.hotspots
    assert len(hs) >= 2
    assert [c for c in hs.columns if str(hs[c].dtype) == "geometry"] == ["geometry"]
    for wkt, poly in zip(hs["segments_wkt"], hs.geometry, strict=True):
        assert poly.covers(shapely.from_wkt(wkt))


def test_hotspots_to_file_and_to_parquet_round_trip(result: tg.Analysis, tmp_path: Path) -> None:
    hs = result.hotspots
    hs.to_file(tmp_path / "x.gpkg")
    back = gpd.read_file(tmp_path / "x.gpkg")
    assert len(back) == len(hs)
    assert back.crs == hs.crs
    assert back["hotspot_id"].tolist() == hs["hotspot_id"].tolist()
    assert back["n_events"].tolist() == hs["n_events"].tolist()
    assert back.geometry.geom_equals_exact(hs.geometry.reset_index(drop=True), 1e-6).all()
    assert (back["first_at"] == hs["first_at"]).all()
    hs.to_parquet(tmp_path / "x.parquet")
    again = gpd.read_parquet(tmp_path / "x.parquet")
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.drop(columns=["geometry", "member_index"])),
        pd.DataFrame(hs.drop(columns=["geometry", "member_index"])),
    )
    assert [list(m) for m in again["member_index"]] == [list(m) for m in hs["member_index"]]
    assert again.geometry.geom_equals_exact(hs.geometry, 0).all()


def test_write_table_writes_every_table(result: tg.Analysis, tmp_path: Path) -> None:
    tables = {"hotspots": result.hotspots, "places": result.places, "incidents": result.incidents}
    for name, table in tables.items():
        for suffix in (".csv", ".xlsx", ".gpkg", ".parquet"):
            path = write_table(table, tmp_path / f"{name}{suffix}")
            assert path.stat().st_size > 0, path
        back = gpd.read_parquet(tmp_path / f"{name}.parquet")
        assert len(back) == len(table)
        assert len(gpd.read_file(tmp_path / f"{name}.gpkg")) == len(table)
    csv = pd.read_csv(tmp_path / "hotspots.csv", sep=";", encoding="utf-8-sig")
    first = result.hotspots["member_index"].iloc[0]
    assert csv["member_index"].iloc[0] == ";".join(str(m) for m in first)


def test_explore_on_the_hotspots_needs_no_network(result: tg.Analysis) -> None:
    """Sockets are blocked in the test suite: building the folium map must not ask anything online."""
    m = result.hotspots.explore()
    page = m.get_root().render()
    assert "L.geoJson" in page or "geo_json" in page
    assert page.count('"hotspot_id"') >= 1
    assert result.places.explore() is not None


def test_geoparquet_is_read_like_any_layer(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    pts = shapely.points(674_000 + rng.uniform(0, 500, 20), 6_580_000 + rng.uniform(0, 500, 20))
    layer = gpd.GeoDataFrame(
        {"Brottstyp": ["Rån"] * 20, "Datum": ["2025-01-02"] * 20, "Plats": ["Torget"] * 20},
        geometry=pts,
        crs="EPSG:3006",
    )
    write_table(layer, tmp_path / "h.parquet")
    write_table(layer, tmp_path / "h.gpkg")
    from_parquet = tg.read_incidents(tmp_path / "h.parquet")
    from_gpkg = tg.read_incidents(tmp_path / "h.gpkg")
    assert len(from_parquet) == 20
    assert from_parquet.geometry.geom_equals_exact(from_gpkg.geometry, 1e-9).all()
    assert from_parquet[schema.CATEGORY].tolist() == from_gpkg[schema.CATEGORY].tolist()
    plain = pd.DataFrame({"Brottstyp": ["Rån"], "Latitud": [59.33], "Longitud": [18.06]})
    plain.to_parquet(tmp_path / "p.parquet")
    got = tg.read_incidents(tmp_path / "p.parquet")
    assert got.to_crs(4326).geometry.x.round(2).tolist() == [18.06]
    (tmp_path / "bad.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(tg.InputError, match=r"bad\.parquet"):
        tg.read_incidents(tmp_path / "bad.parquet")
