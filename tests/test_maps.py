"""Render-level tests of trygghet_geo.output.maps: the HTML that make_map/save_html write.

The Analysis objects are built directly from small hand-made tables (a 6×6 street grid in SWEREF 99 TM in
central Stockholm), independent of the rest of the pipeline.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from trygghet_geo import schema as s
from trygghet_geo.analysis import Analysis
from trygghet_geo.network import network_from_lines
from trygghet_geo.output import _mapdata as md
from trygghet_geo.output._redact import clean_text
from trygghet_geo.output.maps import make_map, save_html

X0, Y0 = 674_000.0, 6_580_000.0  # SWEREF 99 TM, central Stockholm
CRS = "EPSG:3006"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def grid_network(n: int = 6, step_m: float = 100.0):
    lines, names = [], []
    for i in range(n):
        for j in range(n - 1):
            lines.append(
                LineString([(X0 + j * step_m, Y0 + i * step_m), (X0 + (j + 1) * step_m, Y0 + i * step_m)])
            )
            names.append(f"Östra gatan {i}")
            lines.append(
                LineString([(X0 + i * step_m, Y0 + j * step_m), (X0 + i * step_m, Y0 + (j + 1) * step_m)])
            )
            names.append(f"Norra vägen {i}")
    return network_from_lines(gpd.GeoDataFrame({"name": names}, geometry=lines, crs=CRS))


def make_analysis(
    n_incidents: int = 300,
    *,
    seed: int = 0,
    note: str = "Trasig lampa vid porten",
    network=None,
    synthetic: bool = True,
) -> Analysis:
    """A small but complete Analysis: two hotspots, two ranked places (+1 observation-only), observations."""
    rng = np.random.default_rng(seed)
    net = network if network is not None else grid_network()
    edges = net.edges
    eid = rng.integers(0, len(edges), n_incidents)
    frac = rng.random(n_incidents)
    pts = shapely.line_interpolate_point(edges.geometry.to_numpy()[eid], frac, normalized=True)
    # two dense spots that become hotspots
    hot = np.arange(n_incidents) % 5 == 0
    centres = [Point(X0 + 150, Y0 + 200), Point(X0 + 400, Y0 + 300)]
    hid = np.where(hot, np.arange(n_incidents) % 2, -1)
    for c in (0, 1):
        sel = hot & (hid == c)
        pts[sel] = [Point(centres[c].x + dx, centres[c].y) for dx in rng.uniform(-20, 20, sel.sum())]
    cats = rng.choice(list(s.INCIDENT_CATEGORIES), n_incidents)
    when = pd.Timestamp("2024-01-01", tz="Europe/Stockholm") + pd.to_timedelta(
        rng.integers(0, 365 * 24, n_incidents), "h"
    )
    inc = gpd.GeoDataFrame(
        {
            s.RECORD_ID: [f"K{100000 + i}" for i in range(n_incidents)],
            s.OCCURRED_AT: when,
            s.CATEGORY: cats,
            s.PLACE_TEXT: "Östra gatan 1",
            s.PRECISION: "exact",
            s.STATUS: "ok",
            s.REASON: "",
            s.EDGE_ID: eid,
            s.HOTSPOT_ID: hid,
            s.CLUSTER: hid,
        },
        geometry=list(pts),
        crs=CRS,
    )
    # rows left out of the analysis
    extra = gpd.GeoDataFrame(
        {
            s.RECORD_ID: ["X1", "X2", "X3"],
            s.OCCURRED_AT: [pd.NaT] * 3,
            s.CATEGORY: ["stöld"] * 3,
            s.PLACE_TEXT: ["?", "?", "?"],
            s.PRECISION: [None] * 3,
            s.STATUS: ["rejected", "rejected", "ok"],
            s.REASON: ["geocode_failed", "bad_date", "too_far_from_street"],
            s.EDGE_ID: [-1, -1, -1],
            s.HOTSPOT_ID: [-1, -1, -1],
            s.CLUSTER: [-1, -1, -1],
        },
        geometry=[None, None, Point(X0 + 5000, Y0)],
        crs=CRS,
    )
    inc = pd.concat([inc, extra], ignore_index=True)
    hs_rows = []
    for c in (0, 1):
        members = inc.index[inc[s.HOTSPOT_ID] == c]
        row = {
            s.HOTSPOT_ID: c,
            "cluster": c,
            "n_events": len(members),
            "top_hours": "22–02",
            "top_weekdays": "fre–lör",
            "geometry": centres[c].buffer(45),
        }
        for cat in s.INCIDENT_CATEGORIES:
            row[f"n_{cat}"] = int((inc.loc[members, s.CATEGORY] == cat).sum())
        hs_rows.append(row)
    hotspots = gpd.GeoDataFrame(hs_rows, geometry="geometry", crs=CRS)
    places = gpd.GeoDataFrame(
        {
            "rank": [1, 2, 3],
            "score": [0.91, 0.55, 0.2],
            "name": ["Östra gatan/Norra vägen", "Torget", f"Gångtunneln {XSS}"],
            "reason": ["många våldsbrott kvällstid", "ökande stölder", f"belysning saknas {XSS}"],
            "p_value": [0.01, 0.2, np.nan],
            "significant": [True, False, False],
            s.HOTSPOT_ID: [0, 1, -1],
        },
        geometry=[centres[0].buffer(45), centres[1].buffer(45), Point(X0 + 300, Y0 + 450).buffer(30)],
        crs=CRS,
    )
    obs_cats = list(s.OBSERVATION_CATEGORIES)
    obs = gpd.GeoDataFrame(
        {
            s.RECORD_ID: [f"O{i}" for i in range(7)],
            s.OCCURRED_AT: [pd.Timestamp("2024-05-14", tz="Europe/Stockholm")] * 7,
            s.CATEGORY: obs_cats,
            s.NOTE: [note] * 7,
            s.MEASURE: ["Byt armatur"] * 7,
            s.STATUS: "ok",
            s.PLACE_TEXT: "Gångtunneln",
        },
        geometry=[Point(X0 + 50 + 60 * i, Y0 + 450) for i in range(7)],
        crs=CRS,
    )
    meta = {
        "title": "Trygghetskarta – test",
        "period": (when.min(), when.max()),
        "source_note": "Testdata",
        "synthetic": synthetic,
    }
    return Analysis(
        incidents=inc,
        observations=obs,
        hotspots=hotspots,
        places=places,
        network=net,
        left_out={"geocode_failed": 1, "bad_date": 1, "too_far_from_street": 1},
        meta=meta,
    )


def payload_of(html_text: str) -> dict:
    """The JSON payload the map script receives (second argument of TrygghetMap.build)."""
    m = re.search(r"TrygghetMap\.build\(\w+, (\{.*?\}), \{[^{}]*\}\);", html_text, re.S)
    assert m, "payload not found"
    return json.loads(m.group(1))


def overlay_names(html_text: str) -> list[str]:
    """Names of the overlays in folium's layer control, as Leaflet receives them (HTML)."""
    return [json.loads(k) for k in re.findall(r'("(?:[^"\\]|\\.)*") : feature_group_\w+', html_text)]


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return make_analysis()


@pytest.fixture(scope="module")
def html_shared(analysis) -> str:
    return make_map(analysis).get_root().render()


def test_returns_folium_map_for_jupyter(analysis):
    import folium

    m = make_map(analysis, privacy="internal")
    assert isinstance(m, folium.Map)
    assert "srcdoc=" in m._repr_html_()


def test_layers_are_listed_in_layer_control(html_shared):
    assert "L.control.layers" in html_shared
    names = overlay_names(html_shared)
    for name in (
        "Hotspots (rangordnade platser)",
        "Händelser: Våld",
        "Trygghetsvandring",
        "Täthet längs gatorna",
        "Studieområde",
    ):
        assert any(n.startswith(name) for n in names), (name, names)
    assert "L.control.scale()" in html_shared
    assert "L.control.fullscreen" in html_shared


def test_no_javascript_object_per_incident(analysis):
    # not self-contained, so that Leaflet's own source (which defines circleMarker) is not in the text
    text = make_map(analysis, privacy="internal", self_contained=False).get_root().render()
    assert "L.marker(" not in text.replace("L.marker([f[", "")  # only observations, built in a loop
    assert "circleMarker" not in text
    data = payload_of(text)
    assert sum(c["n"] for c in data["incidents"]) == 300
    assert all(len(c["xy"]) == 2 * c["n"] for c in data["incidents"])


def test_encoded_points_decode_to_the_input():
    rng = np.random.default_rng(1)
    lon, lat = 18.0 + rng.random(500) / 50, 59.3 + rng.random(500) / 50
    flat = np.cumsum(np.asarray(md.encode_points(lon, lat)).reshape(-1, 2), axis=0) / md.Q
    got = sorted(map(tuple, np.round(flat, 5)))
    want = sorted(zip(np.round(lon, 5), np.round(lat, 5), strict=True))
    assert np.allclose(got, want, atol=1.1e-5)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-180, 180), st.floats(-85, 85)),
        min_size=0,
        max_size=200,
    )
)
def test_point_encoding_round_trips(points):
    lonlat = np.asarray(points, dtype=float).reshape(-1, 2)
    flat = np.asarray(md.encode_points(lonlat[:, 0], lonlat[:, 1]), dtype=np.int64).reshape(-1, 2)
    decoded = np.cumsum(flat, axis=0)
    want = np.round(lonlat * md.Q).astype(np.int64)
    assert sorted(map(tuple, decoded.tolist())) == sorted(map(tuple, want.tolist()))


def test_popup_fields_and_ranking(html_shared, analysis):
    data = payload_of(html_shared)
    ranked = [h for h in data["hotspots"] if h["rank"]]
    assert [h["rank"] for h in ranked] == [1, 2, 3]
    first = ranked[0]
    assert first["reason"] == "många våldsbrott kvällstid"
    assert first["p_value"].startswith("0.010 (signifikant)")
    assert first["counts"]
    assert all(n > 0 for _, n in first["counts"])
    # shared: a place's trend is its own 6-month window or none, never the hotspot's halves (their ends
    # differ from the place's windows by a few incidents); the internal map keeps the halves
    assert "andra halvan" not in first["trend"]
    assert first["color"] != ranked[1]["color"]
    assert data["rank_scale"][0][0] == 1
    internal = payload_of(make_map(analysis, privacy="internal").get_root().render())
    assert "andra halvan" in next(h for h in internal["hotspots"] if h["rank"] == 1)["trend"]


def test_labels_in_english(analysis):
    text = make_map(analysis, lang="en").get_root().render()
    data = payload_of(text)
    assert data["labels"]["ranked"] == "Places for joint visits"
    assert any(n.startswith("Incidents: Violence") for n in overlay_names(text))
    assert data["source"].startswith("Synthetic example data")
    assert "Place text could not be geocoded: 1" in data["footer"][0]


def test_footer_counts_left_out_rows_and_privacy_mode(html_shared):
    data = payload_of(html_shared)
    assert data["footer"][0].startswith("Utelämnade rader: 3 (")
    assert "Platsen kunde inte hittas: 1" in data["footer"][0]
    assert data["footer"][1].startswith("Integritetsläge: delad")
    assert data["source"].startswith("Syntetiska exempeldata")
    assert data["period"] == "2024-01 – 2024-12"


def test_shared_mode_hides_record_ids_and_sparse_points(analysis, html_shared):
    assert "K100001" not in html_shared
    assert "X1" not in html_shared.split("TrygghetMap.build")[1][:20]
    data = payload_of(html_shared)
    n_points = sum(c["n"] for c in data["incidents"])
    assert data["cells"]
    # every hidden incident is in a counted cell, each cell counted only as "<5" (k means k)
    n_cells = len(data["cells"]["t"])
    assert set(data["cells"]["t"]) == {"<5"}
    assert n_cells <= 300 - n_points <= 4 * n_cells
    internal = payload_of(make_map(analysis, privacy="internal").get_root().render())
    assert data["observations"]["date"][0] == "2024-05"
    assert internal["observations"]["date"][0] == "2024-05-14"
    assert internal["cells"] is None
    assert internal["footer"][1].startswith("Integritetsläge: internt")


def test_self_contained_fetches_nothing(analysis, tmp_path):
    path = save_html(analysis, tmp_path / "karta.html", self_contained=True)
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", text)
    assert "tile.openstreetmap" not in text
    assert "L.tileLayer" not in text
    assert "Leaflet" in text  # inlined
    data = payload_of(text)
    assert data["streets"]
    assert len(data["streets"]) < len(analysis.network.edges)
    assert data["labels"]["osm"].endswith("© OpenStreetMap contributors (ODbL)")


def test_default_map_is_offline_and_tiles_only_when_asked(analysis, html_shared):
    assert "tile.openstreetmap" not in html_shared
    assert "L.tileLayer" not in html_shared
    assert "cdn.jsdelivr" not in html_shared
    assert payload_of(html_shared)["streets"]  # the streets drawn as the basemap
    tiled = make_map(analysis, tiles="OpenStreetMap").get_root().render()
    assert "tile.openstreetmap.org" in tiled
    assert "contributors" in tiled
    assert payload_of(tiled)["streets"] is None


@pytest.mark.parametrize(
    "payload",
    [
        XSS,
        "</script><script>alert(1)</script>",
        "<!--",
        "\u2028\u2029",
        "`${alert(1)}`",
        '" onload="x',
        "\u202egnp.exe",
        "a\x00b",
    ],
)
def test_free_text_cannot_break_out_of_script(payload):
    text = make_map(make_analysis(40, note=payload), privacy="internal").get_root().render()
    script = text.split("TrygghetMap.build(", 1)[1]
    assert "</script" not in script.split("</script>", 1)[0]
    assert "<!--" not in script.split("</script>", 1)[0]
    assert "\u2028" not in text
    assert "\u202e" not in text
    assert "\x00" not in text
    notes = payload_of(text)["observations"]["note"]
    assert notes[0] == clean_text(payload, max_chars=md.MAX_TEXT).strip()


def test_layer_names_and_title_are_html_escaped():
    a = make_analysis(40)
    a.meta["title"] = "<b>Karta</b>"
    a.incidents.loc[0, s.CATEGORY] = "<img src=x onerror=alert(1)>"
    text = make_map(a, privacy="internal").get_root().render()
    assert "<title>&lt;b&gt;Karta&lt;/b&gt;</title>" in text
    assert "<img src=x" not in text
    assert any("&lt;img src=x onerror=alert(1)&gt;" in n for n in overlay_names(text))


def test_size_stays_email_sized_for_many_points():
    a = make_analysis(20_000, seed=3)
    text = make_map(a, privacy="internal", self_contained=True).get_root().render()
    size_mb = len(text.encode("utf-8")) / 1e6
    assert size_mb < 0.5  # ~8-9 bytes per point plus ~170 kB of inlined Leaflet


def test_bad_arguments_are_refused(analysis):
    with pytest.raises(ValueError, match="lang"):
        make_map(analysis, lang="fi")
    with pytest.raises(ValueError, match="privacy"):
        make_map(analysis, privacy="public")
    with pytest.raises(ValueError, match="k must"):
        make_map(analysis, k=0)


def test_tolerates_missing_optional_columns():
    a = make_analysis(60)
    a.places = a.places[["rank", "geometry"]]
    a.hotspots = a.hotspots[[s.HOTSPOT_ID, "geometry"]]
    a.observations = None
    a.meta = {}
    data = payload_of(make_map(a, privacy="internal").get_root().render())
    assert [h["name"] for h in data["hotspots"][:3]] == ["Plats 1", "Plats 2", "Plats 3"]
    assert data["observations"] is None
    assert data["title"] == "Trygghetskarta"


def test_empty_analysis_still_renders():
    net = grid_network(3)
    empty = gpd.GeoDataFrame({s.STATUS: []}, geometry=[], crs=CRS)
    a = Analysis(empty, None, empty, empty, net)
    text = make_map(a, self_contained=True).get_root().render()
    data = payload_of(text)
    assert data["incidents"] == []
    assert data["hotspots"] == []
    assert data["footer"][0] == "Inga rader utelämnade"


def test_static_files_ship_with_licences():
    static = Path(md.__file__).parent / "static"
    for name in (
        "leaflet.js",
        "leaflet.css",
        "LICENSE-leaflet.txt",
        "Control.FullScreen.js",
        "LICENSE-leaflet.fullscreen.txt",
        "leaflet-heat.js",
        "LICENSE-leaflet.heat.txt",
        "trygghet_map.js",
        "trygghet_map.css",
    ):
        assert (static / name).is_file(), name


@pytest.mark.parametrize(
    "text", ["{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "{{ ''.constructor }}"]
)
def test_template_syntax_in_user_text_is_not_evaluated(text):
    a = make_analysis(40, note=text)
    a.meta["title"] = text
    a.incidents.loc[0, s.CATEGORY] = text
    html_text = make_map(a, privacy="internal").get_root().render()
    assert payload_of(html_text)["observations"]["note"][0] == text
    assert payload_of(html_text)["title"] == text
    assert "49" not in "".join(overlay_names(html_text))
    assert any("&#123;" in n for n in overlay_names(html_text))


def test_uses_the_rankings_trend_and_observation_columns():
    a = make_analysis(60)
    a.places = a.places.assign(
        n_6m=[12, 3, 0],
        trend_6m_pct=[16.0, -40.0, np.nan],
        dominant_hours=["22–02", "", ""],
        n_obs_belysning=[0, 0, 4],
    )
    items = payload_of(make_map(a, privacy="internal").get_root().render())["hotspots"]
    by_rank = {h["rank"]: h for h in items}
    assert by_rank[1]["trend"] == "12 senaste 6 mån (+16 %)"
    assert by_rank[2]["trend"] == "3 senaste 6 mån (−40 %)"
    assert by_rank[1]["hours"] == "22–02"
    assert by_rank[3]["obs_counts"] == [["Belysning", 4]]


def test_optional_layers_follow_their_switches(analysis):
    no_heat = make_map(analysis, heatmap=False, streets=True, tiles="OpenStreetMap").get_root().render()
    names = overlay_names(no_heat)
    assert not any(n.startswith(("Värmekarta", "Täthet")) for n in names)
    assert "density" not in payload_of(no_heat)
    planar = overlay_names(make_map(analysis, heatmap="planar").get_root().render())
    assert any(n.startswith("Värmekarta") for n in planar)
    assert not any(n.startswith("Täthet") for n in planar)
    assert any(n.startswith("Gatunät") for n in names)
    assert payload_of(no_heat)["streets"]
    assert "tile.openstreetmap.org" in no_heat  # streets on top of tiles when asked for


def test_english_observation_symbols_and_categories(analysis):
    data = payload_of(make_map(analysis, lang="en").get_root().render())
    cats = {c["key"]: c for c in data["obs_categories"]}
    assert cats["belysning"]["label"] == "Lighting"
    assert cats["belysning"]["symbol"] == "L"
    assert all(c["n"] == 1 for c in cats.values() if c["key"] in s.OBSERVATION_CATEGORIES)


@pytest.mark.slow
def test_one_hundred_thousand_incidents_fit_in_an_email():
    a = make_analysis(100_000, seed=5)
    text = make_map(a, self_contained=True).get_root().render()
    data = payload_of(text)
    n_cells = len((data["cells"] or {"t": []})["t"])
    assert n_cells <= 100_000 - sum(c["n"] for c in data["incidents"]) <= 4 * n_cells
    assert len(text.encode("utf-8")) <= 5_000_000


def test_without_network_and_with_absurd_observation_coordinates():
    a = make_analysis(50)
    a.network = None
    a.observations.loc[0, "geometry"] = Point(1e300, 1e300)
    data = payload_of(make_map(a, privacy="internal", self_contained=True).get_root().render())
    assert data["streets"] is None
    assert data["area"] == []
    assert len(data["observations"]["cat"]) == 6
    assert sum(c["n"] for c in data["incidents"]) == 50


def test_the_map_shows_the_places_time_profile_without_falling_back() -> None:
    from types import SimpleNamespace

    from trygghet_geo.output._layers import _profile

    hotspot = SimpleNamespace(top_hours="22–02", top_weekdays="fre–lör")
    blank_place = SimpleNamespace(dominant_hours="", dominant_weekdays="")
    assert _profile(blank_place, hotspot, "hours") == ""  # the place named no window: none is shown
    assert _profile(SimpleNamespace(dominant_hours="18–00"), hotspot, "hours") == "18–00"
    assert _profile(None, hotspot, "weekdays") == "fre–lör"  # an unranked hotspot shows its own
