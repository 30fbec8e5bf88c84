"""A real browser opens a map whose texts are XSS payloads: nothing runs, every text shows literally.

The map (trygghet_geo.output.maps.make_map) is built from small hand-made tables; the observations' notes,
measures and place texts, the ranked places' names and reasons, and some categories carry the payloads of
tests/data/priv_xss_payloads.json. Chromium (Debian, driven by Playwright) opens the file with every network
request refused, with a dialog handler (alert/confirm/prompt), a console hook and a trap on the window flag
the payloads would set. Then every observation popup is opened and its text read back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import jinja2
import numpy as np
import pandas as pd
import pytest
from conftest import open_offline_map
from shapely.geometry import LineString, Point

from trygghet_geo import schema as s
from trygghet_geo.analysis import Analysis
from trygghet_geo.network import network_from_lines
from trygghet_geo.output.privacy import redact

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DATA = Path(__file__).resolve().parent / "data"
PAYLOADS: list[str] = json.loads((DATA / "priv_xss_payloads.json").read_text(encoding="utf-8"))["payloads"]
X0, Y0 = 674_000.0, 6_580_000.0  # SWEREF 99 TM, central Stockholm
CRS = "EPSG:3006"

# installed before any script of the page runs: a trap on the flag, and hooks on every way to run code late
TRAP = """
window.__hits = [];
Object.defineProperty(window, '__xss', {
  configurable: false,
  get: function () { return undefined; },
  set: function (v) { window.__hits.push('flag:' + String(v)); },
});
['alert', 'confirm', 'prompt', 'print'].forEach(function (name) {
  var orig = window[name];
  window[name] = function () { window.__hits.push(name); return orig.apply(window, arguments); };
});
"""


def _network():
    lines = [
        LineString([(X0 + 100 * j, Y0 + 100 * i), (X0 + 100 * (j + 1), Y0 + 100 * i)])
        for i in range(4)
        for j in range(3)
    ]
    lines += [
        LineString([(X0 + 100 * i, Y0 + 100 * j), (X0 + 100 * i, Y0 + 100 * (j + 1))])
        for i in range(4)
        for j in range(3)
    ]
    names = [f"Gata {i}" for i in range(len(lines))]
    return network_from_lines(gpd.GeoDataFrame({"name": names}, geometry=lines, crs=CRS))


def _analysis(payloads: list[str]) -> Analysis:
    n_obs = len(payloads)
    cats = list(s.OBSERVATION_CATEGORIES)
    obs = gpd.GeoDataFrame(
        {
            s.RECORD_ID: [f"O{i}" for i in range(n_obs)],
            s.OCCURRED_AT: [pd.Timestamp("2025-04-22 18:00", tz="Europe/Stockholm")] * n_obs,
            s.CATEGORY: [cats[i % len(cats)] for i in range(n_obs)],
            s.PLACE_TEXT: payloads,
            s.NOTE: payloads,
            s.MEASURE: [payloads[(i + 1) % n_obs] for i in range(n_obs)],
            s.STATUS: "ok",
        },
        geometry=[Point(X0 + 5 + 4 * (i % 70), Y0 + 5 + 4 * (i // 70)) for i in range(n_obs)],
        crs=CRS,
    )
    # incidents: a dense cell (shown), a few lone ones (aggregated), one with a hostile category
    rng = np.random.default_rng(1)
    n_inc = 30
    pts = [Point(X0 + 150 + rng.uniform(-20, 20), Y0 + 150 + rng.uniform(-20, 20)) for _ in range(n_inc)]
    pts += [Point(X0 + 290, Y0 + 10), Point(X0 + 10, Y0 + 290)]
    cats_inc = [s.INCIDENT_CATEGORIES[i % len(s.INCIDENT_CATEGORIES)] for i in range(n_inc)]
    cats_inc += ["<img src=x onerror=window.__xss=1>", "våld"]
    n = len(pts)
    inc = gpd.GeoDataFrame(
        {
            s.RECORD_ID: [f"K{i}" for i in range(n)],
            s.OCCURRED_AT: pd.Timestamp("2025-03-03 22:00", tz="Europe/Stockholm"),
            s.CATEGORY: cats_inc,
            s.PLACE_TEXT: payloads[0],
            s.PRECISION: "exact",
            s.STATUS: "ok",
            s.REASON: "",
            s.EDGE_ID: 0,
            s.HOTSPOT_ID: [0] * n_inc + [-1, -1],
            s.CLUSTER: [0] * n_inc + [-1, -1],
        },
        geometry=pts,
        crs=CRS,
    )
    poly = Point(X0 + 150, Y0 + 150).buffer(40)
    row = {
        s.HOTSPOT_ID: 0,
        "cluster": 0,
        "n_events": n_inc,
        "top_hours": payloads[1][:40],
        "top_weekdays": payloads[2][:60],
        "geometry": poly,
    }
    row.update({f"n_{c}": int(sum(1 for x in cats_inc if x == c)) for c in s.INCIDENT_CATEGORIES})
    hotspots = gpd.GeoDataFrame([row], geometry="geometry", crs=CRS)
    places = gpd.GeoDataFrame(
        {
            "rank": [1, 2],
            "score": [0.9, 0.3],
            "name": [payloads[3], payloads[4]],
            "reason": [payloads[5], payloads[6]],
            "p_value": [0.01, np.nan],
            "significant": [True, False],
            s.HOTSPOT_ID: [0, -1],
        },
        geometry=[poly, Point(X0 + 250, Y0 + 250).buffer(30)],
        crs=CRS,
    )
    meta = {
        "title": payloads[7],
        "source_note": payloads[8],
        "synthetic": True,
        "period": (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")),
    }
    return Analysis(
        incidents=inc,
        observations=obs,
        hotspots=hotspots,
        places=places,
        network=_network(),
        left_out={"<script>window.__xss=1</script>": 2},
        meta=meta,
    )


OPEN_POPUPS = """
(markersOnly) => {
  const maps = Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map);
  const map = window[maps[0]];
  const groups = Object.keys(window)
    .filter(k => k.startsWith('feature_group_') && window[k] instanceof L.LayerGroup).map(k => window[k]);
  const out = [];
  for (const g of groups) {
    if (!map.hasLayer(g)) map.addLayer(g);
    g.eachLayer(l => {
      if (!l.getPopup || !l.getPopup() || (markersOnly && !(l instanceof L.Marker))) return;
      l.openPopup();
      const e = l.getPopup().getElement();
      const c = e && e.querySelector('.leaflet-popup-content');
      out.push(c ? (markersOnly ? Array.from(c.querySelectorAll('td')).map(td => td.textContent)
                                : [c.textContent]) : null);
      l.closePopup();
    });
  }
  return out;
}
"""

INJECTED = """
() => {
  const bad = [];
  // the page's own "Om analysen" panel is the one <details> allowed; a second one came from the data
  const ours = document.getElementById('trygghet-about');
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      const v = (a.value || '').trim().toLowerCase();
      if (a.name.toLowerCase().startsWith('on')) bad.push(e.tagName + '[' + a.name + ']');
      if (['href', 'src', 'action', 'data', 'xlink:href', 'formaction'].includes(a.name.toLowerCase())
          && v.startsWith('javascript:')) bad.push(e.tagName + '[' + a.name + '=' + v.slice(0, 30) + ']');
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'MARQUEE', 'DETAILS', 'VIDEO', 'AUDIO', 'BASE', 'TEMPLATE', 'FORM',
         'ISINDEX', 'NOSCRIPT', 'MATH'].includes(e.tagName)
        && e !== ours) bad.push(e.tagName);
    if (e.tagName === 'IMG' && !(e.className || '').toString().includes('leaflet')) bad.push('IMG');
    const equiv = (e.getAttribute('http-equiv') || '').toLowerCase();
    if (e.tagName === 'META' && equiv === 'refresh') bad.push('META');
  }
  return bad;
}
"""


@pytest.fixture(scope="module")
def xss_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from trygghet_geo.output.maps import save_html

    assert len(PAYLOADS) >= 50
    path = tmp_path_factory.mktemp("xss") / "karta.html"
    try:
        save_html(_analysis(PAYLOADS), path, self_contained=True)
    except jinja2.TemplateError as exc:  # user text evaluated as a Jinja2 template while rendering
        pytest.fail(f"a note was evaluated as a Jinja2 template while the map was rendered: {exc!r}")
    return path


def test_no_payload_runs_in_chromium(browser: Any, xss_map: Path) -> None:
    view = open_offline_map(browser, xss_map, wait="leaflet", init_script=TRAP)
    page = view.page
    try:
        popups = page.evaluate(OPEN_POPUPS, True)
        page.wait_for_timeout(400)  # let late handlers (onerror of images, animations, focus) fire
        hits = page.evaluate("window.__hits")
        injected = page.evaluate(INJECTED)
    finally:
        view.close()
    assert hits == [], f"injected code ran: {hits}"
    assert view.dialogs == [], view.dialogs
    assert not [m for m in view.console if "XSS" in m], view.console
    assert view.errors == [], view.errors
    assert injected == [], f"elements or attributes injected from the data: {injected[:10]}"
    assert view.requests == [], f"a self-contained map fetched {view.requests[:5]}"
    assert len(popups) == len(PAYLOADS)


def test_payloads_show_literally_in_popups(browser: Any, xss_map: Path) -> None:
    view = open_offline_map(browser, xss_map, wait="leaflet", init_script=TRAP)
    page = view.page
    try:
        popups = page.evaluate(OPEN_POPUPS, True)
    finally:
        view.close()
    shown = {cell for cells in popups if cells for cell in cells}
    # the payloads carry no personal data, so redaction leaves them as typed; the map trims outer spaces
    assert [redact(p) for p in PAYLOADS] == PAYLOADS
    expected = [p.strip() for p in PAYLOADS]
    missing = [e for e in expected if e and e not in shown]
    assert not missing, f"{len(missing)} notes not shown literally, first: {missing[:3]}"


def test_hostile_names_show_literally_in_the_panel(browser: Any, xss_map: Path) -> None:
    view = open_offline_map(browser, xss_map, wait="leaflet", init_script=TRAP)
    page = view.page
    try:
        text = page.evaluate("document.body.textContent")
        title = page.title()
    finally:
        view.close()
    for p in (PAYLOADS[3], PAYLOADS[4]):  # names of the ranked places in the list panel
        assert p in text
    assert title == PAYLOADS[7]


def test_hotspot_popups_show_names_and_reasons_literally(browser: Any, xss_map: Path) -> None:
    view = open_offline_map(browser, xss_map, wait="leaflet", init_script=TRAP)
    page = view.page
    try:
        texts = " ".join(t for cells in page.evaluate(OPEN_POPUPS, False) if cells for t in cells)
        page.wait_for_timeout(200)
        hits = page.evaluate("window.__hits")
    finally:
        view.close()
    assert hits == []
    assert view.dialogs == []
    for p in PAYLOADS[3:6]:  # place names and a reason
        assert p.strip() in texts


def test_the_traps_do_catch_an_injected_payload(browser: Any, xss_map: Path) -> None:
    """The detectors are not blind: the same page, with payloads injected as HTML on purpose, trips them."""
    view = open_offline_map(browser, xss_map, wait="leaflet", init_script=TRAP)
    page = view.page
    try:
        page.evaluate(
            "h => { const d = document.createElement('div'); d.innerHTML = h; document.body.append(d); }",
            '<img src=x onerror="window.__xss=1;alert(1)"><svg><animate onbegin="window.__xss=2" '
            "attributeName=x dur=1s></svg>",
        )
        page.wait_for_timeout(400)
        hits = page.evaluate("window.__hits")
        injected = page.evaluate(INJECTED)
    finally:
        view.close()
    assert "flag:1" in hits
    assert any(d.startswith("alert") for d in view.dialogs)
    assert "IMG[onerror]" in injected
