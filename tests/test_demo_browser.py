"""The demo map opens in a real browser (Debian chromium via Playwright) with no console errors."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_map_loads_without_console_errors(demo, browser) -> None:
    _, paths = demo
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # tile servers are unreachable here: the shared map must still draw everything but the tiles
    page.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
        ),
    )
    page.goto(paths["map"].as_uri())
    page.wait_for_selector(".leaflet-container")
    page.wait_for_timeout(500)
    tile_errors = [e for e in errors if "net::ERR_FAILED" in e or "Failed to load resource" in e]
    assert [e for e in errors if e not in tile_errors] == []
    assert page.locator(".leaflet-interactive").count() > 0
    assert "Syntetiska exempeldata" in page.content()
    page.close()
