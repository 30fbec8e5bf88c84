"""A notebook's map in a real browser with every outside request blocked: ``Analysis.to_map()`` as Jupyter
shows it (folium's ``_repr_html_``, an iframe) draws its layers and asks the network for nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import open_offline_map
from test_maps import make_analysis
from test_maps_browser import _COUNT_INK

pytestmark = pytest.mark.browser

VIEW = {"width": 1100, "height": 800}


def test_to_map_in_a_notebook_draws_offline(browser: Any) -> None:
    m = make_analysis(400).to_map()  # the defaults a notebook user gets
    cell = m._repr_html_()  # what Jupyter puts in the output cell
    assert "<iframe" in cell
    page = f"<html><body><div style='width:1000px'>{cell}</div></body></html>"
    with open_offline_map(browser, html=page, wait="frame", settle_ms=500, viewport=VIEW) as view:
        inner = view.frame
        ink = inner.evaluate(_COUNT_INK)
        overlays = inner.locator(".leaflet-control-layers-overlays label").count()
        tiles = inner.locator("img.leaflet-tile").count()
    assert view.requests == []  # nothing was even attempted outside the page
    assert view.errors == []
    assert ink["streets"] > 1000  # the street basemap drawn from the network
    assert ink["points"] > 0
    assert ink["hotspots"] >= 2
    assert overlays >= 3
    assert tiles == 0


def test_tiles_only_when_asked(browser: Any) -> None:
    """``tiles=`` is the one way to a tile server: then the browser asks it (blocked here, and counted)."""
    cell = make_analysis(200).to_map(tiles="OpenStreetMap")._repr_html_()
    page = f"<html><body>{cell}</body></html>"
    with open_offline_map(browser, html=page, wait="frame", settle_ms=300, viewport=VIEW) as view:
        pass
    assert view.requests
    assert all("tile.openstreetmap.org" in u for u in view.requests)
