"""The density layer in a real browser (Playwright, Debian chromium), offline, in both privacy modes."""

from __future__ import annotations

import pytest
from conftest import open_offline_map
from test_maps import make_analysis

from trygghet_geo.output._densitymap import COLORS
from trygghet_geo.output.maps import save_html

pytestmark = pytest.mark.browser

_INK = """(colors) => {
  const want = colors.map(c => [1, 3, 5].map(i => parseInt(c.slice(i, i + 2), 16)));
  let n = 0;
  for (const cv of document.querySelectorAll('.leaflet-tgStreets-pane canvas')) {
    const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] < 200) continue;
      const near = w => Math.abs(w[0] - d[i]) + Math.abs(w[1] - d[i + 1]) + Math.abs(w[2] - d[i + 2]) < 30;
      if (want.some(near)) n++;
    }
  }
  return n;
}"""


@pytest.mark.parametrize("privacy", ["shared", "internal"])
def test_density_layer_renders_offline_with_its_legend(browser, tmp_path, privacy):
    path = save_html(make_analysis(400), tmp_path / f"{privacy}.html", privacy=privacy)
    view = open_offline_map(browser, path)
    page, requests, errors = view.page, view.requests, view.errors
    try:
        legend = page.locator(".tg-legend").inner_text()
        assert "Täthet längs gatorna (händelser per km gata och år, bandbredd" in legend
        items = page.locator(".tg-density-item").count()
        assert 1 <= items <= len(COLORS)
        before = page.evaluate(_INK, list(COLORS))
        page.locator(".leaflet-control-layers-overlays label", has_text="Täthet längs gatorna").locator(
            "input"
        ).click()
        page.wait_for_timeout(300)
        after = page.evaluate(_INK, list(COLORS))
    finally:
        view.close()
    assert before == 0  # off until ticked
    assert after > 500  # pixels of street pieces in the density colours
    assert errors == []
    assert requests == []
