"""WCAG 2.1 AA basics of the published outputs, checked by axe-core (vendored in tests/data/axe, MPL-2.0)
injected with Playwright: no serious or critical violation on the map and on the board report (and the map
inside it), and the layers and the place list work from the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import open_offline_map
from test_maps import make_analysis
from test_report import town, written  # noqa: F401  (module fixtures: the report on a planted town)

from trygghet_geo.output.maps import save_html

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "data" / "axe" / "axe.min.js"
_RUN = """async () => {
  const r = await axe.run(document, {runOnly: {type: 'tag',
                                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return r.violations.map(v => ({id: v.id, impact: v.impact,
                                 where: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
}"""


def _serious(frame: Any) -> list[dict[str, Any]]:
    frame.add_script_tag(path=str(AXE))
    found = frame.evaluate(_RUN)
    return [v for v in found if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def map_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_html(make_analysis(400), tmp_path_factory.mktemp("a11y") / "karta.html")  # shared mode


def test_axe_finds_nothing_serious_on_the_map(browser: Any, map_file: Path) -> None:
    with open_offline_map(browser, map_file, viewport={"width": 1280, "height": 700}) as view:
        problems = _serious(view.page.main_frame)
        lang = view.page.evaluate("document.documentElement.lang")
    assert view.requests == []
    assert problems == []
    assert lang == "sv"


def test_axe_finds_nothing_serious_on_the_board_report(browser: Any, written: dict[str, Path]) -> None:  # noqa: F811
    size = {"width": 1280, "height": 900}
    with open_offline_map(browser, written["html"], viewport=size, wait="load", settle_ms=1500) as view:
        page = view.page
        report = _serious(page.main_frame)
        inner = _serious(view.frame)  # the map inside the report
        alts = page.evaluate("[...document.images].map(i => i.alt)")
        frame_title = page.locator("iframe").get_attribute("title")
    assert view.requests == []
    assert report == []
    assert inner == []
    assert alts
    assert all(a.strip() for a in alts)  # every chart has a text alternative
    assert frame_title


def test_layers_and_places_work_from_the_keyboard(browser: Any, map_file: Path) -> None:
    view = open_offline_map(browser, map_file, viewport={"width": 1280, "height": 700})
    page = view.page
    try:
        seen: list[str] = []
        for _ in range(60):  # tab through the page and note what receives the focus
            page.keyboard.press("Tab")
            seen.append(
                page.evaluate(
                    "(document.activeElement.className || '') + '|' + document.activeElement.tagName"
                )
            )
        before = page.locator(".tg-obs").count()
        checkbox = page.locator(
            ".leaflet-control-layers-overlays label", has_text="Trygghetsvandring"
        ).locator("input")
        checkbox.focus()
        page.keyboard.press("Space")  # a layer switched off from the keyboard
        after = page.locator(".tg-obs").count()
        page.locator(".tg-place").first.focus()
        page.keyboard.press("Enter")  # a place opened from the keyboard
        page.locator(".leaflet-popup-content").wait_for(timeout=5_000)
    finally:
        view.close()
    assert any("leaflet-control-layers-selector" in s for s in seen)
    assert any("tg-place" in s for s in seen)
    assert before > 0
    assert after == 0


def test_axe_finds_nothing_serious_on_the_lagesbild(browser: Any, demo: tuple) -> None:
    """The demo's lägesbild (its CSP forbids every script, so axe is let in by bypassing it)."""
    _analysis, paths = demo
    size = {"width": 1280, "height": 900}
    view = open_offline_map(
        browser, paths["lagesbild"], viewport=size, wait="load", settle_ms=500, bypass_csp=True
    )
    with view:
        problems = _serious(view.page.main_frame)
        alts = view.page.evaluate("[...document.images].map(i => i.alt)")
        lang = view.page.evaluate("document.documentElement.lang")
    assert view.requests == []
    assert problems == []
    assert alts
    assert all(a.strip() for a in alts)  # every chart and map image has a text alternative
    assert lang == "sv"
