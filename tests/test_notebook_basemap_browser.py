"""The notebook's ``result.to_map()`` on the demo run, whose ``result.basemap`` ``analyze`` read from the
extract the sample's network came from: what Jupyter shows in the cell draws the vector basemap and the
layers in Chromium, and asks nothing outside the page."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import open_offline_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_notebook_to_map_draws_the_basemap_offline(browser: Any, demo: Any) -> None:
    result = demo[0]  # analyze read the basemap from the extract the sample's network came from
    assert result.basemap is not None
    cell = result.to_map()._repr_html_()
    page = f"<html><body><div style='width:1200px'>{cell}</div></body></html>"
    view = open_offline_map(
        browser,
        html=page,
        wait="frame",
        settle_ms=500,
        timeout_ms=30_000,
        viewport={"width": 1280, "height": 800},
    )
    with view:
        inner = view.frame
        drawn = {
            key: inner.locator(f"path.tg-base-{key}").count()
            for key in ("water", "green", "buildings", "rail")
        }
        hotspots = inner.locator("path.tg-hotspot").count()
    assert view.requests == []
    assert view.errors == []
    assert drawn["green"] >= 1
    assert drawn["buildings"] >= 1
    assert drawn["rail"] >= 1
    assert hotspots >= 5
