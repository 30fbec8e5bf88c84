"""A notebook's map in a real browser with every outside request blocked: ``Analysis.to_map()`` as Jupyter
shows it (folium's ``_repr_html_``, an iframe) draws its layers and asks the network for nothing."""

from __future__ import annotations

from typing import Any

import pytest
from test_maps import make_analysis
from test_maps_browser import _COUNT_INK

pytestmark = pytest.mark.browser


def _blocked_context(browser: Any, outside: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1100, "height": 800})

    def block(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", block)
    return context


def test_to_map_in_a_notebook_draws_offline(browser: Any) -> None:
    m = make_analysis(400).to_map()  # the defaults a notebook user gets
    cell = m._repr_html_()  # what Jupyter puts in the output cell
    assert "<iframe" in cell
    outside: list[str] = []
    requests: list[str] = []
    context = _blocked_context(browser, outside)
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.set_content(f"<html><body><div style='width:1000px'>{cell}</div></body></html>")
        frame = page.frame_locator("iframe").first
        frame.locator("[data-tg-ready='1']").wait_for(timeout=15_000)
        page.wait_for_timeout(500)
        inner = next(f for f in page.frames if f is not page.main_frame)
        ink = inner.evaluate(_COUNT_INK)
        overlays = inner.locator(".leaflet-control-layers-overlays label").count()
        tiles = inner.locator("img.leaflet-tile").count()
    finally:
        context.close()
    assert outside == []  # nothing was even attempted outside the page
    assert [u for u in requests if not u.startswith(("data:", "about:", "blob:", "file:"))] == []
    assert errors == []
    assert ink["streets"] > 1000  # the street basemap drawn from the network
    assert ink["points"] > 0
    assert ink["hotspots"] >= 2
    assert overlays >= 3
    assert tiles == 0


def test_tiles_only_when_asked(browser: Any) -> None:
    """``tiles=`` is the one way to a tile server: then the browser asks it (blocked here, and counted)."""
    cell = make_analysis(200).to_map(tiles="OpenStreetMap")._repr_html_()
    outside: list[str] = []
    context = _blocked_context(browser, outside)
    page = context.new_page()
    try:
        page.set_content(f"<html><body>{cell}</body></html>")
        page.frame_locator("iframe").first.locator("[data-tg-ready='1']").wait_for(timeout=15_000)
        page.wait_for_timeout(300)
    finally:
        context.close()
    assert outside
    assert all("tile.openstreetmap.org" in u for u in outside)
