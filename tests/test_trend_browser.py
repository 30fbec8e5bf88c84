"""The map's time filter and "Utveckling" layer in a real browser (Playwright, Debian chromium), offline."""

from __future__ import annotations

import pytest
from conftest import open_offline_map
from test_maps import make_analysis
from test_trendmap import planted_segments

from trygghet_geo.output.maps import save_html

pytestmark = pytest.mark.browser


_PAINTED = (
    "() => [...document.querySelectorAll('.tg-points canvas, canvas.leaflet-tile[data-points]')]"
    ".reduce((s, c) => s + Number(c.getAttribute('data-points') || 0), 0)"
)


@pytest.mark.parametrize("privacy", ["shared", "internal"])
def test_time_filter_to_one_month_changes_the_counts(browser, tmp_path, privacy):
    analysis = make_analysis(400)
    path = save_html(
        analysis, tmp_path / f"{privacy}.html", privacy=privacy, trend=planted_segments(analysis)
    )
    view = open_offline_map(browser, path)
    page, requests, errors = view.page, view.requests, view.errors
    try:
        box = page.locator(".tg-time")
        total = int(box.get_attribute("data-shown"))
        legend_before = page.locator(".tg-legend .tg-count").all_inner_texts()
        painted_before = page.evaluate(_PAINTED)
        page.select_option(".tg-time-from", "2024-03")
        page.select_option(".tg-time-to", "2024-03")
        page.wait_for_timeout(300)
        one_month = int(box.get_attribute("data-shown"))
        legend_after = page.locator(".tg-legend .tg-count").all_inner_texts()
        painted_after = page.evaluate(_PAINTED)
        hotspot_counts = [
            int(n)
            for n in page.locator("path.tg-hotspot[data-range-count]").evaluate_all(
                "els => els.map(e => e.getAttribute('data-range-count'))"
            )
        ]
        page.locator("path.tg-hotspot[data-range-count]").first.click(force=True)
        popup = page.locator(".tg-popup").first.inner_text()
        page.select_option(".tg-time-from", "2024-01")
        page.select_option(".tg-time-to", "2024-12")
        page.wait_for_timeout(200)
        back = int(box.get_attribute("data-shown"))
    finally:
        view.close()
    assert 0 < one_month < total / 4  # one month of twelve
    assert back == total
    assert legend_after != legend_before
    assert sum(int(x.replace("\u00a0", "").replace(" ", "")) for x in legend_after) == one_month
    assert 0 < painted_after < painted_before
    assert len(hotspot_counts) == 2
    assert all(0 <= n < 20 for n in hotspot_counts)
    assert sum(hotspot_counts) > 0
    assert "Händelser i valt intervall" in popup
    assert errors == []
    assert requests == []


def test_trend_layer_legend_in_swedish(browser, tmp_path):
    analysis = make_analysis(300)
    path = save_html(analysis, tmp_path / "trend.html", trend=planted_segments(analysis))
    view = open_offline_map(browser, path)
    page, requests, errors = view.page, view.requests, view.errors
    try:
        legend = page.locator(".tg-legend").inner_text()
        overlay = page.locator(".leaflet-control-layers-overlays").inner_text()
        patterns = page.locator(".tg-trend-item").evaluate_all("els => els.map(e => e.dataset.pattern)")
    finally:
        view.close()
    assert "Utveckling" in overlay
    assert "Utveckling längs gatorna (12 månader)" in legend
    for name in ("Ny hotspot (1)", "Växande hotspot (1)", "Tidigare hotspot (1)", "Bestående kallpunkt (1)"):
        assert name in legend
    assert patterns == ["new", "intensifying", "historical", "cold_persistent"]
    assert errors == []
    assert requests == []
