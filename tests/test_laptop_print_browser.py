"""The map as a coordinator uses it: on a 1280x700 laptop the legend never covers the list of places, the
panels fold, a popup lists every remark category; the board report prints on A4 with its map."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import open_offline_map
from test_maps import make_analysis
from test_report import town, written  # noqa: F401  (module fixtures: the report on a planted town)

from trygghet_geo.output.maps import save_html

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 700}


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.fixture(scope="module")
def busy_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A map with many categories in the legend and remark categories named with "/"."""
    a = make_analysis(600, seed=2)
    places = a.places.copy()
    places["n_obs_skadegörelse/klotter"] = 8
    places["n_obs_folksamling/otrygghet"] = 25
    places["n_obs_nedskräpning"] = 15
    a.places = places
    return save_html(a, tmp_path_factory.mktemp("laptop") / "karta.html", privacy="internal")


def test_legend_never_covers_the_place_list_on_a_laptop(browser: Any, busy_map: Path) -> None:
    view = open_offline_map(browser, busy_map, viewport=LAPTOP)
    page = view.page
    try:
        panel = page.locator(".tg-panel").bounding_box()
        legend = page.locator(".tg-legend").bounding_box()
        items = page.locator(".tg-place")
        last = items.nth(items.count() - 1).bounding_box()
        assert panel is not None
        assert legend is not None
        assert last is not None
        assert not _overlap(panel, legend), (panel, legend)
        assert last["y"] + last["height"] <= 700
        assert page.locator(".tg-legend-body").is_visible()  # open on a 700 px screen, and still clear
        assert page.locator(".tg-legend-item").count() >= 7
        fold = page.locator(".tg-legend-toggle")
        fold.click()
        assert fold.get_attribute("aria-expanded") == "false"
        assert not page.locator(".tg-legend-body").is_visible()
        fold.press("Enter")  # a button: the keyboard opens it again
        assert page.locator(".tg-legend-body").is_visible()
        page.locator(".tg-panel .tg-toggle").first.click()
        assert not page.locator(".tg-list").is_visible()
    finally:
        view.close()
    assert view.errors == []
    assert view.requests == []


def test_popup_lists_categories_with_a_slash(browser: Any, busy_map: Path) -> None:
    with open_offline_map(browser, busy_map, viewport=LAPTOP) as view:
        view.page.locator(".tg-place").first.click()
        popup = view.page.locator(".leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        text = popup.inner_text()
    assert "Skadegörelse/klotter" in text
    assert "Folksamling/otrygghet" in text
    assert "Nedskräpning" in text


def test_board_report_prints_on_a4_with_its_map(browser: Any, written: dict[str, Path]) -> None:  # noqa: F811
    view = open_offline_map(browser, written["html"], viewport={"width": 1280, "height": 900}, wait="load",
                            settle_ms=1000)  # fmt: skip
    page = view.page
    try:
        page.emulate_media(media="print")
        frame = page.locator("iframe")
        assert frame.evaluate("f => getComputedStyle(f).display") != "none"
        box = frame.bounding_box()
        assert box is not None
        assert box["height"] > 400
        inner = view.frame
        size = inner.evaluate(
            "() => { const r = document.querySelector('.leaflet-container').getBoundingClientRect();"
            " return [r.width, r.height]; }"
        )
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
    finally:
        view.close()
    assert view.requests == []
    assert size[0] > 600
    assert size[1] > 400
    assert pdf[:4] == b"%PDF"
    assert len(pdf) > 50_000  # the map's canvas and tiles of streets are on the page, not an empty frame
