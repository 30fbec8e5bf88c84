"""The EST hot-list: counts against each unit's own baseline, checked by hand; the HTML and Word page."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from conftest import open_offline_map
from scipy.stats import binomtest
from shapely.geometry import LineString, Point, box

from trygghet_geo.errors import ParameterError
from trygghet_geo.hotlist import HOTLIST_COLUMNS, hotlist, write_hotlist
from trygghet_geo.network import network_from_lines

CRS = "EPSG:3006"
END = pd.Timestamp("2025-12-31")


@pytest.fixture(scope="module")
def street() -> object:
    """Two streets: Storgatan 0–300 m along y = 0, Kyrkogatan crossing it at x = 300."""
    lines = gpd.GeoDataFrame(
        {"name": ["Storgatan", "Kyrkogatan"]},
        geometry=[LineString([(0, 0), (300, 0)]), LineString([(300, -200), (300, 200)])],
        crs=CRS,
    )
    return network_from_lines(lines, name_column="name")


def _events(spec: list[tuple[float, int, int]]) -> gpd.GeoDataFrame:
    """(x on Storgatan, events in the last 7 days, events in the 364 days before) per spot."""
    rows = []
    rng = np.random.default_rng(3)
    for x, recent, before in spec:
        rows += [(x, END - pd.Timedelta(days=int(d))) for d in rng.integers(0, 7, recent)]
        rows += [(x, END - pd.Timedelta(days=int(d))) for d in rng.integers(7, 371, before)]
    xs, when = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {
            "occurred_at": pd.DatetimeIndex(when).tz_localize("Europe/Stockholm") + pd.Timedelta(hours=20),
            "category": "stöld",
            "status": "ok",
            "precision": "exact",
            "hotspot_id": [0 if x < 100 else -1 for x in xs],
        },
        geometry=[Point(x, 1.0) for x in xs],
        crs=CRS,
    )


def test_counts_and_statistic_by_hand(street: object) -> None:
    inc = _events([(50, 6, 10), (150, 1, 52), (250, 3, 0)])
    places = gpd.GeoDataFrame(
        {"name": ["Torget"], "rank": [1], "hotspot_id": [0]}, geometry=[box(0, -10, 100, 10)], crs=CRS
    )
    h = hotlist(inc, network=street, places=places, end=END, segment_m=100.0)
    assert list(h.columns) == [*HOTLIST_COLUMNS, "geometry"]
    assert h["kind"].tolist() == ["place", "street", "street", "street"]
    assert h["name"].tolist()[0] == "Torget"
    # pieces of 100 m along Storgatan: 6, 3 and 1 recent events, most first
    streets = h[h["kind"] == "street"]
    assert streets["n_recent"].tolist() == [6, 3, 1]
    assert streets["n_baseline"].tolist() == [10, 0, 52]
    assert streets["name"].tolist()[1] == "Storgatan vid Kyrkogatan"  # the piece at the crossing
    # the statistic by another route: scipy's exact test of X >= n1, X ~ Bin(n1 + n0, 7 / 371)
    p = 7 / (7 + 364)
    expected_p = [
        binomtest(n1, n1 + n0, p, alternative="greater").pvalue for n1, n0 in ((6, 10), (3, 0), (1, 52))
    ]
    assert streets["p_value"].tolist() == pytest.approx(expected_p)
    assert streets["expected"].tolist() == pytest.approx([10 * 7 / 364, 0.0, 52 * 7 / 364])
    assert streets["ratio"].iloc[1] == np.inf
    assert streets["rising"].tolist() == [True, True, False]
    assert h.attrs["window"] == (pd.Timestamp("2025-12-25"), END)
    assert h.attrs["baseline"] == (pd.Timestamp("2024-12-26"), pd.Timestamp("2025-12-24"))
    assert h.attrs["n_recent_total"] == 10
    assert h.attrs["n_baseline_total"] == 62


def test_top_and_arguments(street: object) -> None:
    inc = _events([(x, 1, 0) for x in (10, 110, 210)])
    assert len(hotlist(inc, network=street, end=END, top=2)) == 2
    assert hotlist(inc, network=street, end="2024-06-01").empty  # nothing in that week
    for bad in ({"days": 0}, {"baseline_days": -1}, {"days": 7.5}, {"alpha": 2.0}):
        with pytest.raises(ParameterError):
            hotlist(inc, network=street, end=END, **bad)  # type: ignore[arg-type]


def _page(street: object, name: str = "Torget") -> gpd.GeoDataFrame:
    inc = _events([(50, 6, 10), (150, 2, 52), (250, 3, 0)])
    places = gpd.GeoDataFrame(
        {"name": [name], "rank": [1], "hotspot_id": [0]}, geometry=[box(0, -10, 100, 10)], crs=CRS
    )
    return hotlist(inc, network=street, places=places, end=END)


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", " ", z.read("word/document.xml").decode())


def test_written_page_shared_by_default(street: object, tmp_path: Path) -> None:
    import docx

    secret = "<script>alert(1)</script> ring 070-123 45 67"
    paths = write_hotlist(_page(street, name=f"Torget {secret}"), tmp_path)
    html = paths["html"].read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "070-123 45 67" not in html
    assert "&lt;5" in html  # 2 and 3 recent events
    assert '<td class="num">6</td>' in html
    doc = docx.Document(str(paths["docx"]))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")] == [
        "Hotlista – senaste 7 dagarna",
        "Platser",
        "Gatuavsnitt",
    ]
    places, streets = doc.tables
    assert [c.text for c in places.rows[0].cells][:3] == ["Plats", "Senaste perioden", "Jämförelseperioden"]
    assert [[c.text for c in r.cells][1] for r in streets.rows[1:]] == ["6", "..", ".."]  # _kgate.HIDDEN
    assert streets.rows[1].cells[4].text == "31,2"  # recent 6 and baseline 10, both >= k: 6 / (10 * 7 / 364)
    assert streets.rows[2].cells[4].text == ""  # recent 3 < k: the ratio would give it back
    assert streets.rows[2].cells[3].text == ""  # baseline 0 < k: its expected count would give it back
    assert streets.rows[3].cells[3].text == "1,0"  # baseline 52: 52 * 7 / 364
    text = _docx_text(paths["docx"])
    assert "070-123 45 67" not in text
    assert "alert(1)" in text  # a name is text in Word, shown, never run
    # internal: every count as it is
    internal = write_hotlist(_page(street), tmp_path / "internal", privacy="internal")
    rows = docx.Document(str(internal["docx"])).tables[1].rows
    assert [r.cells[1].text for r in rows[1:]] == ["6", "3", "2"]


def test_docx_fits_one_a4_page(street: object, tmp_path: Path) -> None:
    """Twenty listed rows at 9 pt: an upper bound of the height of every line stays under the page's."""
    import docx

    inc = _events([(x, 1 + int(x) % 4, 3) for x in np.arange(5, 300, 10.0)])
    h = hotlist(inc, network=street, end=END, segment_m=10.0, top=10)
    doc = docx.Document(str(write_hotlist(h, tmp_path)["docx"]))
    section = doc.sections[0]
    usable_cm = docx.shared.Length(section.page_height - section.top_margin - section.bottom_margin).cm
    rows = sum(len(t.rows) for t in doc.tables)
    # a table row of 9-pt text is at most 0.6 cm, a paragraph (wrapping to two lines) 1.2 cm, a heading 1.5 cm
    height = 0.6 * rows + 1.2 * len(doc.paragraphs) + 1.5 * 3
    assert rows <= 2 * 11
    assert height < usable_cm


@pytest.mark.browser
def test_hotlist_from_the_command_line_opens_in_chromium(browser, tmp_path: Path) -> None:
    from trygghet_geo.cli import main

    assert main(["hotlist", "--days", "28", "--out", str(tmp_path)]) == 0
    html = tmp_path / "hotlist.html"
    assert "Syntetiska exempeldata" in html.read_text(encoding="utf-8")
    with open_offline_map(browser, html, wait="load", viewport={"width": 1280, "height": 720}) as view:
        assert view.errors == []
        assert view.requests == []
        assert view.page.evaluate("document.querySelectorAll('table').length") == 2
        pdf = view.page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one A4 page when printed


@pytest.mark.parametrize("seed", range(4))
def test_planted_surge_tops_the_list_and_a_steady_busy_spot_is_not_rising(street: object, seed: int) -> None:
    """Background along the street, one spot always busy (about 2 a week all year), one spot quiet all year
    that has 6 events in the last week: the surge is first among the pieces and rising, the busy spot not."""
    rng = np.random.default_rng(seed)
    busy_recent = int(rng.poisson(2))
    spec = [(float(x), int(rng.poisson(0.05)), int(rng.poisson(2))) for x in rng.uniform(0, 300, 40)]
    spec += [(25.0, busy_recent, int(rng.poisson(104))), (275.0, 6, int(rng.poisson(1)))]
    h = hotlist(_events(spec), network=street, end=END, segment_m=50.0)
    streets = h[h["kind"] == "street"].reset_index(drop=True)
    at = streets.geometry.distance(Point(275, 0)) < 1e-6
    assert at.iloc[0], "the surge's piece is first"
    assert bool(streets["rising"].iloc[0])
    assert streets["n_recent"].iloc[0] >= 6
    busy = streets[streets.geometry.distance(Point(25, 0)) < 1e-6]
    assert busy.empty or not bool(busy["rising"].iloc[0])


def test_the_demo_writes_the_hotlist(demo: tuple) -> None:
    import docx

    _, paths = demo
    html = paths["hotlist"].read_text(encoding="utf-8")
    assert "Hotlista – senaste 7 dagarna" in html
    assert "Syntetiska exempeldata" in html
    document = docx.Document(str(paths["hotlist_docx"]))
    assert len(document.tables) == 2  # places and street pieces, real Word tables
    assert document.tables[0].rows[0].cells[0].text == "Plats"
