"""Tests of trygghet_geo.rank on a synthetic street grid with planted hotspots of known strength."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString

from trygghet_geo import schema
from trygghet_geo.errors import SchemaError
from trygghet_geo.hotspots._significance import hotspot_significance
from trygghet_geo.network import StreetNetwork, network_from_lines
from trygghet_geo.rank import DEFAULT_WEIGHTS, export_places, places_table, rank_places

CRS = "EPSG:3006"
TZ = "Europe/Stockholm"
SPACING = 50.0
N_GRID = 15  # 15 x 15 nodes, 700 m x 700 m, 420 edges, 21 km of street
EPS_M, MIN_SAMPLES = 40.0, 5
END = pd.Timestamp("2025-12-31 23:00", tz=TZ)


@pytest.fixture(scope="module")
def grid() -> StreetNetwork:
    lines, names = [], []
    for i in range(N_GRID):
        for j in range(N_GRID - 1):
            a, b = j * SPACING, (j + 1) * SPACING
            lines.append(LineString([(a, i * SPACING), (b, i * SPACING)]))  # east-west street number i
            names.append(f"Rad {i}-gatan" if i != 7 else "=Storgatan")  # one name a spreadsheet would run
            lines.append(LineString([(i * SPACING, a), (i * SPACING, b)]))  # north-south street number i
            names.append(f"Kolumn {i}-vägen")
    return network_from_lines(gpd.GeoDataFrame({"name": names}, geometry=lines, crs=CRS))


def _edge(net: StreetNetwork, name: str, x: float, y: float) -> int:
    e = net.edges
    cand = e[e["name"] == name]
    return int(cand.index[np.argmin(cand.geometry.distance(shapely.Point(x, y)).to_numpy())])


def _events(
    net: StreetNetwork, eid: np.ndarray, off: np.ndarray, cats: np.ndarray, when: pd.DatetimeIndex
) -> gpd.GeoDataFrame:
    geoms = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[eid], off)
    return gpd.GeoDataFrame(
        {
            schema.OCCURRED_AT: when,
            schema.CATEGORY: cats,
            schema.STATUS: "ok",
            schema.EDGE_ID: eid.astype(int),
            schema.EDGE_OFFSET_M: off,
        },
        geometry=geoms,
        crs=net.crs,
    )


def _planted(
    net: StreetNetwork,
    rng: np.random.Generator,
    edge: int,
    n: int,
    category: str,
    *,
    weekend_evenings: bool = False,
) -> gpd.GeoDataFrame:
    length = float(net.edges["length_m"].iloc[edge])
    off = rng.uniform(0.2 * length, 0.8 * length, n)
    days = rng.integers(7, 365, n)  # a week of margin: the weekend shift below may move a day forward
    when = END - pd.to_timedelta(days, unit="D")
    if weekend_evenings:  # Friday/Saturday 20-23
        when = when - pd.to_timedelta((when.day_of_week - 4) % 7 - rng.integers(0, 2, n), unit="D")
        when = when.normalize() + pd.to_timedelta(rng.integers(20, 24, n), unit="h")
    return _events(net, np.full(n, edge), off, np.full(n, category), pd.DatetimeIndex(when))


def _noise(net: StreetNetwork, rng: np.random.Generator, n: int) -> gpd.GeoDataFrame:
    from trygghet_geo.network.snap import random_positions

    eid, off = random_positions(net, n, random_state=rng)
    cats = rng.choice(np.array(schema.INCIDENT_CATEGORIES), n)
    when = END - pd.to_timedelta(rng.uniform(0, 730, n), unit="D")
    return _events(net, eid, off, cats, pd.DatetimeIndex(when))


def _hotspots(net: StreetNetwork, inc: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    from trygghet_geo.hotspots import find_hotspots
    from trygghet_geo.hotspots._dbscan import dbscan_on_network

    labels, _ = dbscan_on_network(
        inc[schema.EDGE_ID].to_numpy(),
        inc[schema.EDGE_OFFSET_M].to_numpy(),
        net,
        eps_m=EPS_M,
        min_samples=MIN_SAMPLES,
    )
    labels = np.asarray(labels)
    clustered = inc[labels >= 0]
    return find_hotspots(clustered, labels[labels >= 0], net)


def _observations(net: StreetNetwork, edge: int, n: int, category: str) -> gpd.GeoDataFrame:
    off = np.linspace(5, 45, n)
    geoms = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[np.full(n, edge)], off)
    return gpd.GeoDataFrame(
        {
            schema.OCCURRED_AT: pd.Timestamp("2025-09-30 18:00", tz=TZ),
            schema.CATEGORY: category,
            schema.STATUS: "ok",
            schema.EDGE_ID: edge,
            schema.EDGE_OFFSET_M: off,
        },
        geometry=geoms,
        crs=net.crs,
    )


@pytest.fixture(scope="module")
def planted(
    grid: StreetNetwork,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = np.random.default_rng(7)
    drugs = _planted(grid, rng, _edge(grid, "Rad 3-gatan", 175, 150), 30, "narkotika", weekend_evenings=True)
    thefts = _planted(grid, rng, _edge(grid, "Kolumn 11-vägen", 550, 525), 22, "stöld")
    inc = pd.concat([_noise(grid, rng, 250), drugs, thefts], ignore_index=True)
    hs = _hotspots(grid, inc)
    # a quiet street for the residents' remarks: the edge farthest from every hotspot
    far = int(np.argmax(grid.edges.geometry.distance(hs.geometry.union_all()).to_numpy()))
    at_drugs = _edge(grid, "Rad 3-gatan", 175, 150)
    obs = pd.concat(
        [_observations(grid, far, 6, "belysning"), _observations(grid, at_drugs, 3, "folksamling/otrygghet")],
        ignore_index=True,
    )
    hs = hotspot_significance(hs, inc, grid, eps_m=EPS_M, min_samples=MIN_SAMPLES, n_simulations=39,
                              random_state=1)  # fmt: skip
    places = rank_places(hs, inc, obs, network=grid, period=(END - pd.DateOffset(years=2), END))
    return inc, obs, hs, places


def test_planted_hotspots_rank_on_top_and_are_significant(planted, grid) -> None:
    _inc, _obs, _hs, places = planted
    top = places.head(2)
    assert set(top["kind"]) == {"hotspot"}
    assert set(top["name"]) == {"Rad 3-gatan", "Kolumn 11-vägen"}
    assert top["significant"].all()
    assert (top["p_max"] <= 1 / 40 + 1e-12).all()
    assert (top["p_value"] <= 0.05).all()
    assert (places["rank"].to_numpy() == np.arange(1, len(places) + 1)).all()
    # significant places first, each group by score
    assert places["significant"].astype(int).is_monotonic_decreasing
    for _, group in places.groupby("significant"):
        assert group["score"].is_monotonic_decreasing
    # the score is explained: components add up to it
    parts = places[[f"score_{c}" for c in ("incidents", "recency", "observations", "significance")]]
    assert np.allclose(parts.sum(axis=1), places["score"])
    assert places.crs == grid.crs
    assert set(places.geom_type) <= {"Polygon", "MultiPolygon"}


def test_reason_line_names_counts_trend_remarks_and_times(planted) -> None:
    inc, _obs, _hs, places = planted
    drugs = places[places["name"] == "Rad 3-gatan"].iloc[0]
    assert drugs["n_narkotika"] >= 30
    assert drugs["n_observations"] == 3
    assert drugs["dominant_weekdays"] == "fre–lör"
    assert drugs["dominant_hours"].startswith(("20", "21"))
    reason = drugs["reason"]
    inside = inc[inc.geometry.intersects(drugs.geometry)]
    recent = inside[inside[schema.OCCURRED_AT] > END - pd.DateOffset(months=6)]
    n6 = int((recent[schema.CATEGORY] == "narkotika").sum())
    assert reason.startswith(f"{n6} narkotikabrott senaste 6 mån (")
    assert "3 synpunkter om folksamlingar/otrygghet" in reason
    assert reason.endswith("kvällar fre–lör")


def test_counts_over_windows_and_trend(planted) -> None:
    inc, _obs, _hs, places = planted
    row = places[places["name"] == "Kolumn 11-vägen"].iloc[0]
    poly = row.geometry
    inside = inc[inc.geometry.intersects(poly)]
    when = inside[schema.OCCURRED_AT]
    for months in (3, 6, 12):
        lo = END - pd.DateOffset(months=months)
        assert row[f"n_{months}m"] == int(((when > lo) & (when <= END)).sum())
    prev = int(((when > END - pd.DateOffset(months=12)) & (when <= END - pd.DateOffset(months=6))).sum())
    assert row["trend_6m_pct"] == pytest.approx(100 * (row["n_6m"] - prev) / prev)
    assert row["n_incidents"] == len(inside)


def test_observation_only_place(planted, grid) -> None:
    _inc, _obs, _hs, places = planted
    only = places[places["hotspot_id"] == -1]
    assert len(only) == 1
    row = only.iloc[0]
    assert row["kind"] == "observations"
    assert row["name"] in set(grid.edges["name"])
    assert row["n_observations"] == 6
    assert row["reason"] == f"6 synpunkter om belysning, få polisanmälningar ({row['n_12m']} senaste 12 mån)"
    assert math.isnan(row["p_value"])
    assert not row["significant"]


def test_weights_live_in_one_place_and_change_the_order(planted, grid) -> None:
    inc, obs, hs, _ = planted
    assert list(DEFAULT_WEIGHTS)[:3] == ["narkotika", "stöld", "trafik"]
    base = rank_places(hs, inc, obs, network=grid)
    assert base.iloc[0]["name"] == "Rad 3-gatan"
    flipped = rank_places(hs, inc, obs, network=grid, weights={"narkotika": 0.1, "observations": 0.0})
    assert flipped.iloc[0]["name"] == "Kolumn 11-vägen"
    assert (flipped["score_observations"] == 0).all()
    with pytest.raises(ValueError, match="unknown key 'narkotics'"):
        rank_places(hs, inc, obs, network=grid, weights={"narkotics": 1.0})


def test_export_csv_and_xlsx_with_swedish_columns(planted, tmp_path) -> None:
    _inc, _obs, _hs, places = planted
    csv = export_places(places, tmp_path / "platser.csv")
    back = pd.read_csv(csv, sep=";", decimal=",", encoding="utf-8-sig")
    assert list(back.columns[:4]) == ["Rang", "Plats", "Poäng", "Motivering"]
    assert len(back) == len(places)
    assert set(back["Signifikant"]) <= {"ja", "nej"}
    assert back["Latitud"].between(-90, 90).all()
    xlsx = export_places(places, tmp_path / "platser.xlsx")
    sheet = pd.read_excel(xlsx, sheet_name="Platser", engine="calamine")
    assert sheet["Plats"].tolist() == back["Plats"].tolist()
    with pytest.raises(ValueError, match=r"\.csv, \.xlsx or \.gpkg"):
        export_places(places, tmp_path / "platser.txt")


def test_export_escapes_formula_like_text(grid, tmp_path) -> None:
    rng = np.random.default_rng(3)
    inc = pd.concat(
        [_noise(grid, rng, 40), _planted(grid, rng, _edge(grid, "=Storgatan", 175, 350), 20, "trafik")],
        ignore_index=True,
    )
    places = rank_places(_hotspots(grid, inc), inc, network=grid)
    assert "=Storgatan" in places["name"].tolist()
    table = places_table(places)
    assert "'=Storgatan" in table["Plats"].tolist()
    sheet = pd.read_excel(export_places(places, tmp_path / "p.xlsx"), engine="calamine")
    assert "'=Storgatan" in sheet["Plats"].tolist()


def test_bad_input_is_named(planted, grid) -> None:
    inc, _obs, hs, _ = planted
    with pytest.raises(SchemaError, match="member_index"):
        rank_places(hs.drop(columns="member_index"), inc, network=grid)
    with pytest.raises(SchemaError, match="edge_id"):
        rank_places(hs, inc.drop(columns=schema.EDGE_ID), network=grid)


def test_inputs_are_not_mutated(planted, grid) -> None:
    inc, obs, hs, _ = planted
    before = (inc.copy(), obs.copy(), hs.copy())
    rank_places(hs, inc, obs, network=grid)
    pd.testing.assert_frame_equal(inc, before[0])
    pd.testing.assert_frame_equal(obs, before[1])
    pd.testing.assert_frame_equal(hs, before[2])


class _Gazetteer:
    """The part of the gazetteer the ranking reads: named places by kind."""

    def __init__(self, places: gpd.GeoDataFrame) -> None:
        self._places = places

    def kind(self, kind: str) -> gpd.GeoDataFrame:
        return self._places if kind == "place" else self._places.iloc[:0]


def test_landmark_names_from_the_gazetteer(planted, grid) -> None:
    inc, obs, hs, _ = planted
    park = shapely.box(140, 120, 210, 180)  # covers the planted drug scene on Rad 3-gatan
    shop = shapely.Point(550, 530)  # a named shop next to the thefts is not a landmark
    gaz = _Gazetteer(gpd.GeoDataFrame(
        {"name": ["Testparken", "Affären"], "category": ["leisure=park", "shop=clothes"]},
        geometry=[park, shop], crs=grid.crs,
    ))  # fmt: skip
    places = rank_places(hs, inc, obs, network=grid, gazetteer=gaz)
    assert places.iloc[0]["name"] == "Testparken"
    assert "Kolumn 11-vägen" in places["name"].tolist()


def test_hotspots_without_a_test_are_not_significant(planted, grid) -> None:
    inc, obs, hs, _ = planted
    places = rank_places(
        hs.drop(columns=["p_value", "q_value", "p_max", "significant"]), inc, obs, network=grid
    )
    assert not places["significant"].any()
    assert places["p_value"].isna().all()
    assert places["stability"].isna().all()


def test_a_place_that_depends_on_the_knobs_says_so(planted, grid) -> None:
    inc, obs, hs, _ = planted
    shaky = hs.assign(stability=np.r_[0.25, np.ones(len(hs) - 1)])
    places = rank_places(shaky, inc, obs, network=grid)
    row = places[places["hotspot_id"] == hs["hotspot_id"].iloc[0]].iloc[0]
    assert row["reason"].endswith("beror på parametrarna (syns i 2 av 8 närliggande inställningar)")
    assert row["stability"] == 0.25
    steady = places[places["hotspot_id"] == hs["hotspot_id"].iloc[1]].iloc[0]
    assert "beror på parametrarna" not in steady["reason"]


def test_place_on_unnamed_paths_is_named_after_the_nearest_street() -> None:
    from trygghet_geo.hotspots import find_hotspots
    from trygghet_geo.network.snap import snap_points

    lines = [LineString([(0, 0), (500, 0)]), LineString([(500, 0), (1000, 0)]),
             LineString([(500, 0), (500, 100)]), LineString([(500, 100), (500, 400)])]  # fmt: skip
    names = {"name": ["Storgatan", "Storgatan", None, None]}  # a footpath without a name, off the street
    net = network_from_lines(gpd.GeoDataFrame(names, geometry=lines, crs=CRS))
    on_path = np.c_[np.full(12, 500.0), np.linspace(300, 330, 12)]
    xy = np.r_[on_path, np.c_[np.linspace(20, 980, 30), np.zeros(30)]]
    snapped = snap_points(xy, net)
    eid, off = snapped["edge_id"].to_numpy(), snapped["edge_offset_m"].to_numpy()
    inc = _events(net, eid, off, np.full(42, "skadegörelse"), pd.DatetimeIndex([END] * 42))
    labels = np.r_[np.zeros(12, int), -np.ones(30, int)]
    hs = find_hotspots(inc[labels >= 0], labels[labels >= 0], net)
    places = rank_places(hs, inc, network=net)
    assert places["name"].tolist() == ["nära Storgatan"]


def test_pure_noise_gives_no_significant_hotspot_in_most_runs(grid) -> None:
    runs, hits = 20, 0
    for seed in range(runs):
        rng = np.random.default_rng(1000 + seed)
        inc = _noise(grid, rng, 250)
        hs = hotspot_significance(_hotspots(grid, inc), inc, grid, eps_m=EPS_M, min_samples=MIN_SAMPLES,
                                  n_simulations=39, random_state=seed)  # fmt: skip
        hits += int(rank_places(hs, inc, network=grid)["significant"].any())
    assert hits <= 0.1 * runs


def test_baseline_that_expects_the_concentration_removes_its_significance(planted, grid) -> None:
    inc, obs, hs, places = planted
    drug_edge = _edge(grid, "Rad 3-gatan", 175, 150)
    busy = np.ones(len(grid.edges))
    busy[drug_edge] = 100.0  # e.g. a station square where a hundred times more people pass per metre
    rebased = hotspot_significance(hs, inc, grid, eps_m=EPS_M, min_samples=MIN_SAMPLES, n_simulations=39,
                                   random_state=1, baseline=busy)  # fmt: skip
    rebased = rank_places(rebased, inc, obs, network=grid)
    drugs_before = places[places["name"] == "Rad 3-gatan"].iloc[0]
    drugs_after = rebased[rebased["name"] == "Rad 3-gatan"].iloc[0]
    assert drugs_before["significant"]
    assert not drugs_after["significant"]
    assert rebased[rebased["name"] == "Kolumn 11-vägen"].iloc[0]["significant"]
    with pytest.raises(ValueError, match="baseline must be"):
        hotspot_significance(hs, inc, grid, eps_m=EPS_M, min_samples=MIN_SAMPLES, n_simulations=2,
                             baseline=np.ones(3))  # fmt: skip


def test_an_empty_result_has_exactly_the_columns_and_dtypes_of_a_full_one(planted, grid) -> None:
    inc, _obs, hs, places = planted
    empty = rank_places(hs.iloc[:0], inc, network=grid, period=(END - pd.DateOffset(years=2), END))
    assert len(empty) == 0
    assert list(empty.columns) == list(places.columns) == list(schema.PLACE_COLUMNS)
    assert empty.dtypes.astype(str).to_dict() == places.dtypes.astype(str).to_dict()
    assert empty.crs == places.crs == grid.crs


def test_the_hotspot_and_place_tables_are_the_schema_ones(planted) -> None:
    from trygghet_geo.hotspots._significance import SIGNIFICANCE_COLUMNS

    _inc, _obs, hs, places = planted
    assert list(hs.columns) == [*schema.HOTSPOT_COLUMNS, *schema.SIGNIFICANCE_COLUMNS]
    assert tuple(SIGNIFICANCE_COLUMNS) == schema.SIGNIFICANCE_COLUMNS
    assert set(places[schema.KIND]) <= set(schema.PLACE_KINDS)
