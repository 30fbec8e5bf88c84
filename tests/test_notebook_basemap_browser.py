"""The notebook's ``result.to_map()`` on the demo run with ``result.basemap`` set (as a notebook user sets
it from the same extract): what Jupyter shows in the cell draws the vector basemap and the layers in
Chromium, and asks nothing outside the page."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_notebook_to_map_draws_the_basemap_offline(browser: Any, demo: Any) -> None:
    from dataclasses import replace

    from trygghet_geo import sample

    result = replace(demo[0], basemap=sample.load_basemap())  # the session's demo result stays as it is
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
        page.frame_locator("iframe").first.locator("[data-tg-ready='1']").wait_for(timeout=30_000)
        page.wait_for_timeout(500)
        inner = next(f for f in page.frames if f is not page.main_frame)
        drawn = {
            key: inner.locator(f"path.tg-base-{key}").count()
            for key in ("water", "green", "buildings", "rail")
        }
        hotspots = inner.locator("path.tg-hotspot").count()
    finally:
        context.close()
    assert outside == []
    assert drawn["green"] >= 1
    assert drawn["buildings"] >= 1
    assert drawn["rail"] >= 1
    assert hotspots >= 5
