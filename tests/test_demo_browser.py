"""The demo map opens in a real browser (Debian chromium via Playwright) with no console errors."""

from __future__ import annotations

import pytest
from conftest import open_offline_map

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_map_loads_without_console_errors(demo, browser) -> None:
    _, paths = demo
    with open_offline_map(browser, paths["map"], settle_ms=500) as view:
        drawn = view.page.locator(".leaflet-interactive").count()
        content = view.page.content()
    # tile servers are unreachable here, and the shared map asks none: it draws everything by itself
    assert view.errors == []
    assert view.requests == []
    assert drawn > 0
    assert "Syntetiska exempeldata" in content
