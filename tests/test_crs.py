"""Tests of trygghet_geo.crs: metric CRS choice, Sweden test, CRS and axis-order detection."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from trygghet_geo import crs as tgcrs
from trygghet_geo.errors import CRSError

# (lon, lat) of places whose answer is known
INSIDE = {
    "Stockholm": (18.0686, 59.3293),
    "Göteborg": (11.9746, 57.7089),
    "Malmö": (13.0038, 55.6050),
    "Kiruna": (20.2253, 67.8558),
    "Visby": (18.2948, 57.6348),
    "Haparanda": (24.1277, 65.8417),
    "Strömstad": (11.1712, 58.9365),
    "Karlstad": (13.5035, 59.4022),
    "Ystad": (13.8201, 55.4295),
    "Övertorneå": (23.8546, 66.6569),
    "Storlien": (12.1008, 63.3167),
}
OUTSIDE = {
    "Oslo": (10.7522, 59.9139),
    "Köpenhamn": (12.5683, 55.6761),
    "Helsingfors": (24.9384, 60.1699),
    "Mariehamn": (19.9348, 60.0973),
    "Uleåborg": (25.4651, 65.0121),
    "Tromsø": (18.9553, 69.6492),
    "Bornholm": (14.9, 55.1),
    "Trondheim": (10.3951, 63.4305),
}


def test_in_sweden_known_places() -> None:
    lon, lat = np.array(list(INSIDE.values())).T
    assert tgcrs.in_sweden(lon, lat).all()
    lon, lat = np.array(list(OUTSIDE.values())).T
    assert not tgcrs.in_sweden(lon, lat).any()
    assert not tgcrs.in_sweden([np.nan], [59.0]).any()


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (18.07, 59.33, "EPSG:3006"),
        (24.94, 60.17, "EPSG:32635"),  # Helsinki, the bundled sample
        (10.75, 59.91, "EPSG:32632"),  # Oslo
        (5.32, 60.39, "EPSG:32632"),  # Bergen: the Norway exception of zone 32V
        (-3.7, 40.4, "EPSG:32630"),  # Madrid
        (151.2, -33.9, "EPSG:32756"),  # Sydney, southern hemisphere
    ],
)
def test_metric_crs_for(lon: float, lat: float, expected: str) -> None:
    assert tgcrs.metric_crs_for(lon, lat) == expected


def test_metric_crs_for_arrays_uses_the_median_and_honours_options() -> None:
    from trygghet_geo import options

    lon = np.array([18.0, 18.1, np.nan, 24.9])
    lat = np.array([59.3, 59.4, np.nan, 60.2])
    assert tgcrs.metric_crs_for(lon, lat) == "EPSG:3006"
    options.metric_crs = "EPSG:3011"
    assert tgcrs.metric_crs_for(lon, lat) == "EPSG:3011"
    options.reset()
    with pytest.raises(CRSError, match="no finite coordinates"):
        tgcrs.metric_crs_for([np.nan], [np.nan])


def test_to_metric_does_not_change_the_input() -> None:
    g = gpd.GeoDataFrame(geometry=[shapely.Point(24.94, 60.17)], crs="EPSG:4326")
    m = tgcrs.to_metric(g)
    assert m.crs.to_epsg() == 32635
    assert g.crs.to_epsg() == 4326
    with pytest.raises(CRSError, match="no CRS"):
        tgcrs.to_metric(gpd.GeoDataFrame(geometry=[shapely.Point(1, 2)]))


def _project(crs: str, lon: float, lat: float) -> tuple[float, float]:
    east, north = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(lon, lat)
    return north, east


@pytest.mark.parametrize("crs", ["EPSG:3006", "EPSG:3021"])
def test_projected_values_detected_in_either_order(crs: str) -> None:
    north, east = _project(crs, 18.0686, 59.3293)
    # Swedish order (X = northing first) and the international order, in one column pair.
    r = tgcrs.coordinates_to_wgs84([north, east], [east, north])
    np.testing.assert_allclose(r.lon, [18.0686, 18.0686], atol=1e-6)
    np.testing.assert_allclose(r.lat, [59.3293, 59.3293], atol=1e-6)
    assert r.swapped.tolist() == [False, True]
    assert r.counts() == {crs: 2}


def test_local_zone_needs_a_crs_and_works_with_one() -> None:
    north, east = _project("EPSG:3011", 18.0686, 59.3293)
    with pytest.raises(CRSError, match="local zone"):
        tgcrs.coordinates_to_wgs84([north], [east])
    r = tgcrs.coordinates_to_wgs84([north], [east], crs="EPSG:3011")
    np.testing.assert_allclose([r.lon[0], r.lat[0]], [18.0686, 59.3293], atol=1e-6)
    r = tgcrs.coordinates_to_wgs84([east], [north], crs="EPSG:3011")  # swapped, still found
    np.testing.assert_allclose([r.lon[0], r.lat[0]], [18.0686, 59.3293], atol=1e-6)
    assert r.swapped[0]


def test_swapped_degrees_fixed_inside_sweden_and_elsewhere() -> None:
    # Two Stockholm rows, the second with lat and lon exchanged.
    r = tgcrs.coordinates_to_wgs84([59.33, 18.07], [18.07, 59.33])
    assert r.lat.tolist() == [59.33, 59.33]
    assert r.swapped.tolist() == [False, True]
    # Helsinki: both orders are valid degrees; the file's other rows tell which is right.
    r = tgcrs.coordinates_to_wgs84([60.17, 60.16, 24.94], [24.94, 24.95, 60.17])
    assert r.lat.tolist() == [60.17, 60.16, 60.17]
    assert r.swapped.tolist() == [False, False, True]
    # A latitude beyond 90 can only be a longitude.
    r = tgcrs.coordinates_to_wgs84([120.5], [45.0])
    assert (r.lon[0], r.lat[0], bool(r.swapped[0])) == (120.5, 45.0, True)


def test_bad_and_missing_values_are_told_apart() -> None:
    r = tgcrs.coordinates_to_wgs84([np.nan, 0.0, 5e9, 59.3, np.nan], [np.nan, 0.0, 5e9, np.nan, 18.0])
    names = [tgcrs.KIND_NAMES[k] for k in r.kind]
    assert names == ["missing", "bad", "bad", "bad", "bad"]
    assert np.isnan(r.lon).all()


def test_unknown_crs_is_a_clear_error() -> None:
    with pytest.raises(CRSError, match="not a CRS"):
        tgcrs.coordinates_to_wgs84([1.0], [2.0], crs="EPSG:999999")


def test_utm_crs_for_rejects_poles() -> None:
    with pytest.raises(CRSError, match="no UTM zone"):
        tgcrs.utm_crs_for(10.0, 89.0)


# --- the one metric-CRS rule and the one CRS-mismatch rule --------------------------------------------------
def test_metric_crs_of_follows_the_one_rule() -> None:
    import geopandas as gpd
    import shapely

    from trygghet_geo import options
    from trygghet_geo.crs import metric_crs_of

    stockholm = gpd.GeoSeries([shapely.Point(18.07, 59.33), shapely.Point(18.08, 59.34)], crs=4326)
    assert metric_crs_of(stockholm) == "EPSG:3006"
    assert metric_crs_of(stockholm.to_crs(32633)) == "EPSG:3006"  # located, not taken as it is
    assert metric_crs_of(stockholm.to_crs(32633), keep_metric=True).to_epsg() == 32633
    options.metric_crs = "EPSG:3011"
    try:
        assert metric_crs_of(stockholm) == "EPSG:3011"
    finally:
        options.reset()
    with pytest.raises(CRSError, match="no CRS"):
        metric_crs_of(gpd.GeoSeries([shapely.Point(18.07, 59.33)]))


def test_a_frame_without_crs_is_refused_with_both_crs_and_the_fix() -> None:
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import network_from_lines, snap_points

    net = network_from_lines(
        gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (100, 0)])], crs="EPSG:3006")
    )
    pts = gpd.GeoDataFrame(geometry=[shapely.Point(18.07, 59.33)])  # no CRS
    with pytest.raises(CRSError, match=r"no CRS.*EPSG:3006.*set_crs\('EPSG:4326'\)"):
        snap_points(pts, net)
    moved = tgcrs.align_crs(pts.set_crs(4326), net.crs, what="the points")
    assert moved.crs == net.crs
