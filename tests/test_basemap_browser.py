"""The basemap and the print stylesheet in a real browser (Debian chromium via Playwright), offline."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from conftest import offline_page
from test_basemap_auto import cli_map, incidents_csv  # noqa: F401  (a module fixture)

from trygghet_geo import sample
from trygghet_geo import schema as s
from trygghet_geo.analysis import Analysis
from trygghet_geo.output.maps import save_html

pytestmark = pytest.mark.browser

A4_LANDSCAPE_PX = (297 - 16) / 25.4 * 96, (210 - 16) / 25.4 * 96  # the page box inside 8 mm margins


def _analysis() -> Analysis:
    """A few incidents and one ranked place on the sample's streets (enough for the list and the legend)."""
    net = sample.load_network()
    rng = np.random.default_rng(7)
    edges = net.edges.geometry.to_numpy()[rng.integers(0, len(net.edges), 60)]
    pts = shapely.line_interpolate_point(edges, rng.random(60), normalized=True)
    inc = gpd.GeoDataFrame(
        {s.CATEGORY: rng.choice(["våld", "stöld"], 60), s.STATUS: "ok", s.PRECISION: "exact"},
        geometry=pts,
        crs=net.crs,
    )
    centre = shapely.Point(shapely.get_coordinates(pts).mean(axis=0))
    places = gpd.GeoDataFrame(
        {s.RANK: [1, 2], s.NAME: ["Centralplan", "Esplanaden"], s.HOTSPOT_ID: [0, 1]},
        geometry=[centre.buffer(60.0), centre.buffer(40.0).buffer(1).envelope],
        crs=net.crs,
    )
    return Analysis(inc, None, places.iloc[:0], places, net, meta={"title": "Karta med bakgrund"})


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("basemap") / "karta.html"
    basemap = sample.load_basemap()
    return save_html(_analysis(), path, privacy="internal", basemap=basemap, heatmap=False)


@pytest.fixture
def view(browser):
    with offline_page(browser, viewport={"width": 1280, "height": 800}) as v:  # outside requests refused
        yield v


def test_basemap_layers_are_drawn_offline(view, map_file) -> None:
    page = view.open(map_file, settle_ms=200)
    assert view.errors == []
    assert view.requests == []
    for key in ("water", "green", "buildings", "rail"):
        path = page.locator(f".leaflet-tgBase-pane path.tg-base-{key}")
        assert path.count() >= 1, key
        assert len(path.first.get_attribute("d") or "") > 100, key  # real geometry, not an empty path
    box = page.locator("path.tg-base-buildings").first.bounding_box()
    assert box is not None
    assert box["width"] > 50  # in view, not off the map
    assert box["height"] > 50
    assert page.locator(".tg-landmark").count() >= 3
    # under everything else: the basemap pane sits below the streets, the points and the hotspots
    z = page.evaluate(
        "() => ['tgBase', 'tgStreets', 'overlay'].map(n => +getComputedStyle("
        "document.querySelector('.leaflet-' + n + '-pane')).zIndex)"
    )
    assert z[0] < z[1] < z[2]
    labels = page.locator(".leaflet-control-layers-overlays").inner_text()
    assert "Bakgrund: byggnader" in labels
    assert "Bakgrund: vatten" in labels


def test_layer_control_hides_the_buildings(view, map_file) -> None:
    page = view.open(map_file, settle_ms=200)
    label = page.locator(".leaflet-control-layers-overlays label", has_text="Bakgrund: byggnader")
    label.locator("input").click()
    assert page.locator("path.tg-base-buildings").count() == 0
    assert page.locator("path.tg-base-water").count() >= 1


def _inside(box: dict[str, float] | None, width: float, height: float) -> bool:
    return (
        box is not None
        and box["x"] >= -1
        and box["y"] >= -1
        and (box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1)
    )


def test_print_fits_map_legend_and_list_on_a4_landscape(view, map_file) -> None:
    page = view.open(map_file, settle_ms=200)
    page.emulate_media(media="print")
    page.wait_for_timeout(200)
    width, height = A4_LANDSCAPE_PX
    map_box = page.locator(".folium-map").bounding_box()
    assert map_box is not None
    assert abs(map_box["width"] - width) < 2
    assert abs(map_box["height"] - height) < 2
    for sel in (".tg-panel", ".tg-legend", ".tg-place[data-rank='1']", ".tg-place[data-rank='2']"):
        assert page.locator(sel).is_visible(), sel
        assert _inside(page.locator(sel).bounding_box(), width, height), sel
    for sel in (".leaflet-control-zoom", ".leaflet-control-layers", ".tg-toggle"):
        assert not page.locator(sel).is_visible(), sel
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page>") + pdf.count(b"/Type /Page/") == 1
    assert view.errors == []
    assert view.requests == []


@pytest.mark.slow
def test_the_demo_map_shows_water_parks_and_buildings(demo, view) -> None:
    _, paths = demo
    page = view.open(paths["map"], settle_ms=200)
    for key in ("water", "green", "buildings", "rail"):
        assert len(page.locator(f"path.tg-base-{key}").first.get_attribute("d") or "") > 100, key
    assert page.locator(".tg-landmark").count() >= 3
    assert view.errors == []
    assert view.requests == []


@pytest.mark.slow
def test_the_demo_map_prints_its_whole_list_and_legend_on_one_page(demo, view) -> None:
    """Eleven places with long reasons and a long legend: nothing cut, nothing covering the list."""
    _, paths = demo
    page = view.open(paths["map"], settle_ms=200)
    page.emulate_media(media="print")
    page.wait_for_timeout(200)
    width, height = A4_LANDSCAPE_PX
    panel, legend = page.locator(".tg-panel").bounding_box(), page.locator(".tg-legend").bounding_box()
    for sel in (".tg-panel", ".tg-legend", ".tg-place >> nth=-1", ".tg-legend-item >> nth=-1"):
        assert _inside(page.locator(sel).bounding_box(), width, height), sel
    assert panel is not None
    assert legend is not None
    assert panel["y"] + panel["height"] <= legend["y"]  # the legend never covers the list
    last = page.locator(".tg-place").last.bounding_box()
    assert last is not None
    assert last["y"] + last["height"] <= panel["y"] + panel["height"]
    clipped = page.evaluate(
        "() => ['.tg-panel', '.tg-legend'].filter(s => { const e = document.querySelector(s);"
        " return e.scrollHeight > e.clientHeight + 1 || e.scrollWidth > e.clientWidth + 1; })"
    )
    assert clipped == []
    assert page.locator(".tg-place").count() == len(demo[0].places)


@pytest.fixture(scope="module")
def cli_map_file(incidents_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """``trygghet-geo analyze`` with the network read from the OSM extract and no other basemap option."""
    return cli_map(incidents_csv, tmp_path_factory.mktemp("cli"), "--network", str(sample.pbf_path()))


def test_the_command_lines_map_shows_the_basemap_offline(view, cli_map_file) -> None:
    page = view.open(cli_map_file, settle_ms=300)
    for key in ("water", "green", "buildings"):
        paths = page.locator(f".leaflet-tgBase-pane path.tg-base-{key}")
        assert paths.count() >= 1, key
        assert len(paths.first.get_attribute("d") or "") > 100, key  # real geometry, not an empty path
    assert page.locator(".tg-landmark").count() >= 3
    labels = page.locator(".leaflet-control-layers-overlays").inner_text()
    assert "Bakgrund: byggnader" in labels
    assert view.errors == []
    assert view.requests == []
