"""The map in a real browser (Playwright driving Debian chromium): what only a browser can tell."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import offline_page, open_offline_map
from test_maps import XSS, make_analysis

from trygghet_geo.output.maps import save_html

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("map") / "karta.html"
    return save_html(make_analysis(400), path, self_contained=True, privacy="internal")


@pytest.fixture
def view(browser):
    with offline_page(browser) as v:  # outside requests refused and recorded, console errors collected
        yield v


def test_map_loads_without_console_errors(view, map_file):
    page = view.open(map_file, settle_ms=300)
    assert view.errors == []
    assert view.requests == []
    assert page.locator(".tg-place").count() == 3
    assert page.locator(".tg-footer").inner_text().startswith("Utelämnade rader: 3")
    assert "Syntetiska exempeldata" in page.locator(".tg-panel").inner_text()
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-zoom-fullscreen").count() == 1


def test_layer_control_toggles_a_layer(view, map_file):
    page = view.open(map_file)
    assert page.locator(".tg-obs").count() == 7
    label = page.locator(".leaflet-control-layers-overlays label", has_text="Trygghetsvandring")
    label.locator("input").click()
    assert page.locator(".tg-obs").count() == 0
    label.locator("input").click()
    assert page.locator(".tg-obs").count() == 7


def test_hotspot_popup_shows_its_reason(view, map_file):
    page = view.open(map_file)
    page.locator("path.tg-hotspot").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert "många våldsbrott kvällstid" in popup.inner_text()
    assert "p-värde" in popup.inner_text()


def test_clicking_a_ranked_place_zooms_to_it(view, map_file):
    page = view.open(map_file)
    page.locator(".tg-place[data-rank='2']").click()
    # the popup is open on the place's polygon, zoomed in with the polygon's centre in view (the popup's
    # auto-pan may move the view's own centre off a small polygon, so that is not what is checked)
    page.wait_for_function(
        """() => { const m = window[document.querySelector('.folium-map').id];
        let hit = false;
        m.eachLayer(l => { if (l.options && l.options.className === 'tg-hotspot' && l.isPopupOpen()
                              && m.getBounds().contains(l.getBounds().getCenter()) && m.getZoom() >= 16)
                              hit = true; });
        return hit; }""",
        timeout=10_000,
    )
    assert "Torget" in page.locator(".leaflet-popup-content").inner_text()


_FIND_LONE_POINT = """() => {
  const m = window[document.querySelector('.folium-map').id];
  const layers = [];
  m.eachLayer(l => { if (l._xs && l.near) layers.push(l); });
  for (const l of layers) for (let i = 0; i < Math.min(l._xs.length, 300); i++) {
    const ll = m.options.crs.pointToLatLng(L.point(l._xs[i], l._ys[i]), 0);
    m.setView(ll, 17, { animate: false });
    const c = m.latLngToContainerPoint(ll), box = m.getContainer().getBoundingClientRect();
    const x = box.left + c.x, y = box.top + c.y, hit = document.elementFromPoint(x, y);
    if (hit && !hit.closest('.tg-hotspot, .tg-obs, .leaflet-control')) return { x, y };
  }
  return null;
}"""


def test_clicking_a_point_outside_hotspots_names_its_category(view, map_file):
    page = view.open(map_file)
    spot = page.evaluate(_FIND_LONE_POINT)
    assert spot is not None, "no incident point outside the hotspots to click"
    page.wait_for_timeout(200)
    page.mouse.click(spot["x"], spot["y"])
    popup = page.locator(".tg-points-popup")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert text.startswith("Händelser här")
    assert any(ch.isdigit() for ch in text)
    page.mouse.click(5, 400)  # far from any point: no popup of points
    # waited for, not slept: on a loaded machine the click's handler may take longer than a fixed 200 ms
    page.locator(".tg-points-popup").wait_for(state="detached", timeout=5_000)
    assert page.locator(".tg-points-popup").count() == 0
    assert view.errors == []


_COUNT_INK = """() => {
  const inked = (c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; };
  const streets = [...document.querySelectorAll('.leaflet-tgStreets-pane canvas')].map(inked);
  const points = [...document.querySelectorAll('canvas.leaflet-tile')].map(c => +c.dataset.points || 0);
  return { streets: streets.reduce((a, b) => a + b, 0), points: points.reduce((a, b) => a + b, 0),
           hotspots: document.querySelectorAll('path.tg-hotspot').length,
           area: document.querySelectorAll('.leaflet-overlay-pane path').length };
}"""


def test_self_contained_map_draws_everything_offline(browser, tmp_path):
    path = save_html(make_analysis(400), tmp_path / "offline.html", self_contained=True)  # shared mode
    with open_offline_map(browser, path, viewport={"width": 1000, "height": 700}, settle_ms=500) as view:
        ink = view.page.evaluate(_COUNT_INK)
    assert view.requests == []
    assert view.errors == []
    assert ink["streets"] > 1000  # pixels of drawn streets
    assert ink["points"] > 0
    assert ink["hotspots"] >= 2


def test_planar_heatmap_layer_draws_when_ticked(view, tmp_path):
    path = save_html(make_analysis(400), tmp_path / "heat.html", privacy="internal", heatmap="planar")
    page = view.open(path)
    assert page.locator("canvas.leaflet-heatmap-layer").count() == 0
    page.locator(".leaflet-control-layers-overlays label", has_text="Värmekarta").locator("input").click()
    page.wait_for_selector("canvas.leaflet-heatmap-layer", timeout=5_000)
    assert view.errors == []


def test_injected_text_runs_no_script_and_shows_literally(browser, tmp_path):
    path = save_html(make_analysis(60, note=XSS), tmp_path / "xss.html", self_contained=True)
    with open_offline_map(browser, path) as view:
        page = view.page
        page.locator(".tg-obs").first.click()
        text = page.locator(".leaflet-popup-content").inner_text()
        name = page.locator(".tg-place[data-rank='3']").inner_text()
        imgs = page.locator(".leaflet-popup-content img, .tg-panel img").count()
    dialogs = view.dialogs
    assert view.errors == []
    assert view.requests == []
    assert dialogs == []
    assert XSS in text
    assert "<script>" in name
    assert imgs == 0


def test_phone_sized_screen_folds_the_layer_list(browser, map_file):
    phone = {"width": 390, "height": 760}
    with open_offline_map(browser, map_file, viewport=phone, is_mobile=True, has_touch=True) as view:
        expanded = view.page.locator(".leaflet-control-layers-expanded").count()
        panel_width = view.page.locator(".tg-panel").bounding_box()["width"]
    assert expanded == 0
    assert panel_width <= 390 - 60
