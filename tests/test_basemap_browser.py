"""The demo map's vector basemap (water, green areas, buildings, railways from the sample's OSM extract):
drawn in Chromium with every outside request blocked, compact in the payload."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from trygghet_geo.output._basemap import BASEMAP_LAYERS, basemap_payload

# pixels of each basemap colour on the canvas of the basemap pane
_INK = """() => {
  const want = {water: [170, 211, 223], green: [205, 230, 184], buildings: [221, 214, 207]};
  const out = {water: 0, green: 0, buildings: 0, any: 0};
  for (const c of document.querySelectorAll('.leaflet-tgBase-pane canvas')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] === 0) continue;
      out.any++;
      for (const [k, [r, g, b]] of Object.entries(want))
        if (Math.abs(d[i] - r) < 6 && Math.abs(d[i + 1] - g) < 6 && Math.abs(d[i + 2] - b) < 6) out[k]++;
    }
  }
  return out;
}"""


def test_basemap_layers_are_compact() -> None:
    from trygghet_geo import sample

    basemap = sample.load_basemap()
    assert set(basemap["layer"]) == set(BASEMAP_LAYERS)
    assert basemap.crs == sample.load_network().crs
    payload = basemap_payload(basemap)
    assert all(payload[k] for k in BASEMAP_LAYERS)
    assert len(json.dumps(payload, separators=(",", ":"))) < 200_000


@pytest.mark.slow
@pytest.mark.browser
def test_demo_map_draws_water_parks_and_buildings_offline(browser: Any, demo: Any, tmp_path: Any) -> None:
    _, paths = demo
    text = paths["map"].read_text(encoding="utf-8")
    data = json.loads(re.search(r"TrygghetMap\.build\([^,]+, (\{.*?\}), \{\w+: ", text, re.S).group(1))
    assert all(data["basemap"][k] for k in BASEMAP_LAYERS)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    try:
        page.goto(paths["map"].as_uri())
        page.wait_for_selector("[data-tg-ready='1']", timeout=20_000)
        page.wait_for_timeout(500)
        ink = page.evaluate(_INK)
        names = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        page.screenshot(path=str(tmp_path / "karta.png"))
    finally:
        context.close()
    assert outside == []
    assert ink["water"] > 100  # the sample window holds little water: a harbour edge
    assert ink["green"] > 2000
    assert ink["buildings"] > 2000
    assert any("vatten, grönytor, byggnader" in n for n in names)


@pytest.mark.slow
@pytest.mark.browser
def test_notebook_to_map_draws_the_basemap_offline(browser: Any, demo: Any) -> None:
    """What a notebook shows for ``result.to_map()`` (the iframe Jupyter puts in the cell): the basemap and
    the layers drawn, no request attempted outside the page."""
    result, _ = demo
    cell = result.to_map()._repr_html_()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    outside: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    page = context.new_page()
    try:
        page.set_content(f"<html><body><div style='width:1200px'>{cell}</div></body></html>")
        page.frame_locator("iframe").first.locator("[data-tg-ready='1']").wait_for(timeout=20_000)
        page.wait_for_timeout(500)
        inner = next(f for f in page.frames if f is not page.main_frame)
        ink = inner.evaluate(_INK)
        hotspots = inner.locator("path.tg-hotspot").count()
    finally:
        context.close()
    assert outside == []
    assert ink["green"] > 1000
    assert ink["buildings"] > 1000
    assert hotspots >= 5
