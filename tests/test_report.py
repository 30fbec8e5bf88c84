"""Tests of output.report: the board report on a small synthetic town with a planted improvement, its
escaping, its XLSX tables, and (browser) the report of the sample opening in Chromium with no errors."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from conftest import OfflinePage, open_offline_map
from shapely.geometry import LineString

from trygghet_geo import schema
from trygghet_geo.analysis import Analysis
from trygghet_geo.errors import InputError
from trygghet_geo.network import StreetNetwork, network_from_lines
from trygghet_geo.output.report import MAX_BYTES, default_plan, write_report

CRS = "EPSG:3006"
TZ = "Europe/Stockholm"
X0, Y0 = 674000.0, 6580000.0  # central Stockholm in SWEREF 99 TM
HOSTILE = "<script>alert('x')</script>gatan"
EPS_M, MIN_SAMPLES = 40.0, 5
PROMISE = "2025-01-01"


def _grid() -> StreetNetwork:
    lines, names = [], []
    for i in range(12):
        for j in range(11):
            a, b = j * 50.0, (j + 1) * 50.0
            lines.append(LineString([(X0 + a, Y0 + i * 50), (X0 + b, Y0 + i * 50)]))
            names.append(HOSTILE if i == 3 else f"Rad {i}-gatan")
            lines.append(LineString([(X0 + i * 50, Y0 + a), (X0 + i * 50, Y0 + b)]))
            names.append(f"Kolumn {i}-vägen")
    return network_from_lines(gpd.GeoDataFrame({"name": names}, geometry=lines, crs=CRS))


def _incidents(net: StreetNetwork, rng: np.random.Generator) -> gpd.GeoDataFrame:
    from trygghet_geo.network.snap import random_positions

    def events(eid: np.ndarray, off: np.ndarray, year: int, category: str) -> pd.DataFrame:
        n = len(eid)
        secs = rng.uniform(0, 364 * 86400, n)
        when = pd.Timestamp(f"{year}-01-01", tz=TZ) + pd.to_timedelta(secs, unit="s")
        return pd.DataFrame({"eid": eid, "off": off, schema.OCCURRED_AT: when, schema.CATEGORY: category})

    parts = []
    for year in (2024, 2025):  # the town is flat: 120 events a year along all streets
        e, o = random_positions(net, 120, random_state=rng)
        parts.append(events(e, o, year, str(rng.choice(["stöld", "skadegörelse", "våld"]))))
    square = int(net.edges.index[(net.edges["name"] == HOSTILE)][4])  # x 200-250 on the hostile street
    for year, n in ((2024, 60), (2025, 30)):  # the chosen place halves after the promise
        parts.append(events(np.full(n, square), rng.uniform(10, 40, n), year, "narkotika"))
    df = pd.concat(parts, ignore_index=True)
    geom = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[df["eid"]], df["off"])
    out = gpd.GeoDataFrame({
        schema.RECORD_ID: [f"K{i}" for i in range(len(df))], schema.SOURCE: "test.csv",
        schema.SOURCE_ROW: np.arange(1, len(df) + 1), schema.OCCURRED_AT: df[schema.OCCURRED_AT],
        schema.CATEGORY: df[schema.CATEGORY], schema.RAW_CATEGORY: df[schema.CATEGORY],
        schema.PLACE_TEXT: None, schema.PRECISION: "exact", schema.STATUS: "ok", schema.REASON: "",
        schema.EDGE_ID: df["eid"].to_numpy(int), schema.EDGE_OFFSET_M: df["off"].to_numpy(),
        schema.SNAP_DIST_M: 0.0,
    }, geometry=geom, crs=CRS)  # fmt: skip
    wgs = out.geometry.to_crs(schema.WGS84)
    out[schema.LON], out[schema.LAT] = wgs.x.to_numpy(), wgs.y.to_numpy()
    return out


def _observations(net: StreetNetwork) -> gpd.GeoDataFrame:
    pts = [shapely.Point(X0 + 220 + 5 * i, Y0 + 150) for i in range(4)]
    return gpd.GeoDataFrame({
        schema.RECORD_ID: None, schema.SOURCE: "vandring.xlsx", schema.SOURCE_ROW: [1, 2, 3, 4],
        schema.OCCURRED_AT: pd.Timestamp("2025-05-20 18:00", tz=TZ), schema.CATEGORY: "belysning",
        schema.RAW_CATEGORY: "Belysning", schema.PLACE_TEXT: HOSTILE,
        schema.NOTE: ["Mörkt <b>vid</b> trappan", "Trasig lampa", "Mörkt", "=HYPERLINK(\"x\")"],
        schema.MEASURE: "Byt lampor", schema.PRECISION: "exact", schema.STATUS: "ok", schema.REASON: "",
        schema.EDGE_ID: -1,
    }, geometry=pts, crs=CRS)  # fmt: skip


@pytest.fixture(scope="module")
def town() -> Analysis:
    from trygghet_geo import options
    from trygghet_geo.hotspots import find_hotspots
    from trygghet_geo.hotspots._dbscan import dbscan_on_network
    from trygghet_geo.hotspots._significance import hotspot_significance
    from trygghet_geo.rank import rank_places

    options.progress = False
    net = _grid()
    inc = _incidents(net, np.random.default_rng(11))
    labels, _ = dbscan_on_network(inc[schema.EDGE_ID].to_numpy(), inc[schema.EDGE_OFFSET_M].to_numpy(), net,
                                  eps_m=EPS_M, min_samples=MIN_SAMPLES)  # fmt: skip
    labels = np.asarray(labels)
    inc[schema.CLUSTER] = labels
    hs = find_hotspots(inc[labels >= 0], labels[labels >= 0], net)
    inc[schema.HOTSPOT_ID] = -1
    for hid, members in zip(hs["hotspot_id"], hs["member_index"], strict=True):
        inc.loc[list(members), schema.HOTSPOT_ID] = int(hid)
    obs = _observations(net)
    hs = hotspot_significance(hs, inc, net, eps_m=EPS_M, min_samples=MIN_SAMPLES, n_simulations=19)
    places = rank_places(hs, inc, obs, network=net)
    when = inc[schema.OCCURRED_AT]
    meta = {"title": "Testkommunen", "period": (when.min(), when.max()), "source_note": "Testdata",
            "synthetic": True, "eps_m": EPS_M, "min_samples": MIN_SAMPLES, "n_simulations": 19}  # fmt: skip
    return Analysis(inc, obs, hs, places, net, left_out={"no_location": 3}, meta=meta)


@pytest.fixture(scope="module")
def written(town: Analysis, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_report(town, tmp_path_factory.mktemp("report") / "rapport.html", promise_date=PROMISE,
                        followup_n=3)  # fmt: skip


def test_report_sections_and_size(written: dict[str, Path]) -> None:
    text = written["html"].read_text(encoding="utf-8")
    assert written["html"].stat().st_size < MAX_BYTES
    for heading in ("Sammanfattning", "Karta", "Platser för gemensamma besök", "Uppföljning", "Datakällor",
                    "Metod"):  # fmt: skip
        assert f"<h2>{heading}</h2>" in text
    assert "Syntetiska exempeldata" in text
    # a shared report gives dates by month, never the data's exact first or last day
    assert "löftets datum 2025-01" in text
    assert "Före: 2024-01 – 2024-12. Efter: 2025-01 – 2025-12." in text
    period = written_period(text)
    assert re.fullmatch(r"\d{4}-\d\d – \d{4}-\d\d", period), period
    outside_map = text.split("srcdoc=", 1)[0] + text.split("</iframe>", 1)[-1]
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", outside_map.replace(written_generated(text), ""))
    assert re.search(r'<img alt="[^"]+" src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}">', text)
    assert '<iframe title="Karta" srcdoc="' in text
    assert "http://" not in text.split("srcdoc=", 1)[0]  # nothing fetched by the page itself


def written_period(text: str) -> str:
    return re.search(r"Dataperiod (.+?) ·", text).group(1)  # type: ignore[union-attr]


def written_generated(text: str) -> str:
    return re.search(r"skapad (\d{4}-\d\d-\d\d)", text).group(1)  # type: ignore[union-attr]


def test_planted_improvement_reaches_the_board(town: Analysis, written: dict[str, Path]) -> None:
    follow = pd.read_excel(written["xlsx"], sheet_name="Uppföljning", engine="calamine")
    top = follow.iloc[0]
    assert top["Plats"].endswith("gatan")  # the planted place ranks first
    assert 60 <= top["Före"] <= 66  # the planted 60, and the odd town event inside the place
    assert 30 <= top["Efter"] <= 36
    assert top["Bättre än kommunen"] == "ja"
    assert top["p-värde"] < 0.05
    assert (follow["Bättre än kommunen"].iloc[1:] == "nej").all()
    text = written["html"].read_text(encoding="utf-8")
    assert "1 av 3 utvalda platser har minskat mer än övriga kommunen" in text


def test_everything_is_escaped(written: dict[str, Path]) -> None:
    text = written["html"].read_text(encoding="utf-8")
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;gatan" in text  # in the places table
    assert "<b>vid</b>" not in text
    srcdoc = text.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0]
    assert '"' not in srcdoc  # the whole map document stays inside the attribute
    places = pd.read_excel(written["xlsx"], sheet_name="Platser", engine="calamine")
    assert places["Plats"].str.startswith("<script>").any()  # text kept as text in the spreadsheet
    assert not places["Plats"].astype(str).str.startswith("=").any()


def test_xlsx_tables(town: Analysis, written: dict[str, Path]) -> None:
    sheets = pd.read_excel(written["xlsx"], sheet_name=None, engine="calamine")
    assert list(sheets) == ["Platser", "Uppföljning", "Utanför analysen", "Om rapporten", "Om analysen"]
    # a place is listed only when its hotspot holds k = 5 incidents (a DBSCAN cluster may hold fewer than
    # min_samples when another cluster takes its border points)
    size = dict(zip(town.hotspots["hotspot_id"], town.hotspots["n_events"], strict=True))
    shown = [h < 0 or size[h] >= 5 for h in town.places["hotspot_id"]]
    assert 0 < sum(shown) < len(town.places)
    assert len(sheets["Platser"]) == sum(shown)
    assert len(sheets["Uppföljning"]) == 3
    assert sheets["Utanför analysen"].to_dict("records") == [{"Rader": "händelser",
                                                             "Orsak": "Saknar plats och koordinater",
                                                             "Antal": 3}]  # fmt: skip
    about = dict(zip(sheets["Om rapporten"]["Uppgift"], sheets["Om rapporten"]["Värde"], strict=True))
    assert about["Löftets datum"] == "2025-01"
    assert re.fullmatch(r"\d{4}-\d\d – \d{4}-\d\d", about["Dataperiod"])
    assert about["Syntetiska data"] == "ja"
    from trygghet_geo.io._stamp import manifest_from_xlsx

    manifest = manifest_from_xlsx(written["xlsx"])  # the run's manifest, in a sheet of its own
    assert manifest is not None
    assert manifest["output"] == {"k": 5, "lang": "sv", "privacy": "shared", "report": True}


def test_default_plan_and_bad_input(town: Analysis, tmp_path: Path) -> None:
    plan = default_plan(town)
    assert plan.promise_date == pd.Timestamp("2025-01-01")  # 12 months before the data ends
    assert plan.before[0] == town.meta["period"][0].tz_localize(None).normalize()  # cut to the data
    assert plan.before[1] == pd.Timestamp("2024-12-31")
    assert len(plan.places) == 5
    with pytest.raises(InputError, match="outside the data's period"):
        default_plan(town, promise_date="2030-01-01")
    with pytest.raises(InputError, match="not a date"):
        default_plan(town, promise_date="snart")
    with pytest.raises(ValueError, match=r"must end in \.html"):
        write_report(town, tmp_path / "rapport.pdf")


def _open(browser, path: Path) -> OfflinePage:
    """The report offline (conftest's helper), after its charts and map have had time to draw."""
    return open_offline_map(browser, path, wait="load", settle_ms=1500)


def _problems(view: OfflinePage) -> list[str]:
    """Console errors, uncaught exceptions, dialogs and requests leaving the machine."""
    return [*view.errors, *(f"dialog: {d}" for d in view.dialogs), *(f"request: {u}" for u in view.requests)]


@pytest.mark.browser
def test_report_opens_in_chromium(browser, written: dict[str, Path]) -> None:
    with _open(browser, written["html"]) as view:
        assert _problems(view) == []
        assert view.page.evaluate("document.querySelector('img').naturalWidth") > 300
        frame = view.frame
        assert frame.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
        assert frame.evaluate("document.body.innerText").count("<script>alert('x')</script>gatan") >= 1


@pytest.mark.browser
@pytest.mark.slow
def test_sample_report_from_the_command_line_opens_in_chromium(browser, tmp_path: Path) -> None:
    from trygghet_geo.cli import main

    assert main(["--no-progress", "report", "--out", str(tmp_path), "--n-simulations", "19"]) == 0
    html = tmp_path / "uppfoljning.html"
    assert html.stat().st_size < MAX_BYTES
    assert (tmp_path / "uppfoljning.xlsx").exists()
    with _open(browser, html) as view:
        assert _problems(view) == []
        rows = view.page.evaluate("document.querySelectorAll('table')[0].querySelectorAll('tbody tr').length")
        assert rows == 10
        # the sample's network came from its OSM extract: the report's map carries the basemap
        assert view.frame.locator("path.tg-base-buildings").count() >= 1


def test_followup_sheet_is_in_swedish(written: dict[str, Path]) -> None:
    follow = pd.read_excel(written["xlsx"], sheet_name="Uppföljning", engine="calamine")
    assert not [c for c in follow.columns if re.fullmatch(r"[a-z_]+", c)]  # no internal English names left
    expected = {"Före: narkotika", "Efter: narkotika", "Övriga kommunen efter"}
    assert expected <= set(follow.columns)
    assert "Dagar före" not in follow.columns  # with the month, the days would give the data's first day


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--incidents", "brott.csv"], "--incidents needs --network"),
        (["report", "--incidents", "brott.csv", "--network", "gator.csv"], "expected a .gpkg saved by"),
        (["report", "--observations", "vandring.xlsx"], "need --incidents"),
    ],
)
def test_report_command_explains_bad_arguments(
    argv: list[str], message: str, capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trygghet_geo.cli import main

    monkeypatch.chdir(tmp_path)  # the files exist (the command checks that first); their combination is wrong
    for name in ("brott.csv", "gator.csv", "vandring.xlsx"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_chosen_places_with_a_radius_along_the_streets(town: Analysis, tmp_path: Path) -> None:
    square = shapely.Point(X0 + 225, Y0 + 150)  # on the hostile street, where the planted place is
    chosen = gpd.GeoDataFrame({"name": ["Torget"], "radius_m": [60.0]}, geometry=[square], crs=CRS)
    chosen.to_crs(schema.WGS84).to_file(tmp_path / "platser.geojson")  # as a user would hand it over
    paths = write_report(town, tmp_path / "r.html", promise_date=PROMISE,
                         places=gpd.read_file(tmp_path / "platser.geojson"))  # fmt: skip
    follow = pd.read_excel(paths["xlsx"], sheet_name="Uppföljning", engine="calamine")
    assert follow["Plats"].tolist() == ["Torget"]
    assert follow["Område"].tolist() == ["radie längs gatorna"]
    assert follow["Bättre än kommunen"].tolist() == ["ja"]
    with pytest.raises(InputError, match="'name' column"):
        write_report(town, tmp_path / "r2.html", places=chosen.rename(columns={"name": "namn"}))


def test_the_report_template_is_a_file_with_k_and_alpha_as_variables() -> None:
    import jinja2.meta

    from trygghet_geo.output import report

    template = report._template()
    source = template.environment.loader.get_source(template.environment, "report.html.j2")[0]
    names = jinja2.meta.find_undeclared_variables(template.environment.parse(source))
    assert {"k", "alpha", "q_alpha"} <= names
    assert "minst fem" not in source
    assert "högst 0,05" not in source
    from trygghet_geo._text import TEXTS

    lists = {"summary", "places", "follow", "left_out", "left_out_lines"}
    ctx = {n: ([] if n in lists else "") for n in names}
    # the words of the template, as _texts gives them (unfilled fields stay as they are)
    ctx["t"] = {k[7:].replace("col.", "col_"): v["sv"] for k, v in TEXTS.items() if k.startswith("report.")}
    html = template.render(**ctx | {"k": 7, "q_alpha": "0,1", "alpha": 0.01, "map_srcdoc": "<p>karta</p>"})
    assert "minst 7 delar" in html
    assert "q-värde högst 0,1" in html
    assert "p &lt; 0.01" in html
    assert 'srcdoc="&lt;p&gt;karta&lt;/p&gt;"' in html  # values are escaped
