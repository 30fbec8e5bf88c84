"""A police case-system extract and a safety-walk workbook, exactly as delivered, end to end.

The files are made by ``tests/_police_extract.py`` (cp1252, CRLF, title and blank lines padded with ``;``, a
footer, two brott per some ärenden, from–to, SWEREF 99 TM coordinates for some rows). The expectations come
from that generator's own record of what it wrote, never from the reader's tables.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _police_extract import AMBIGUOUS_TEXT, write_police_extract, write_walk_workbook

from trygghet_geo import schema as s
from trygghet_geo.cli import main
from trygghet_geo.io import read_incidents, read_observations

CRS = "EPSG:3006"  # the fixture's coordinates are SWEREF 99 TM values of Helsinki streets (outside Sweden)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from trygghet_geo import sample

    folder = tmp_path_factory.mktemp("extract")
    gazetteer = sample.load_gazetteer()
    (folder / "cache").mkdir()
    network = sample.load_network()
    truth = write_police_extract(folder / "brott.csv", gazetteer)
    walk = write_walk_workbook(folder / "vandring.xlsx", gazetteer)
    network.to_file(folder / "gatunat.gpkg")
    gazetteer.save(folder / "ortsregister.parquet")
    return {"folder": folder, "truth": truth, "walk": walk, "network": network, "gazetteer": gazetteer}


@pytest.fixture(scope="module")
def cli_run(files: dict[str, Any]) -> dict[str, Any]:
    """``trygghet-geo analyze`` with no option but the network, the gazetteer and --crs."""
    import contextlib
    import io

    from trygghet_geo import options

    folder = files["folder"]
    options.cache_dir = folder / "cache"  # this module's own geocoder cache
    out = folder / "resultat"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main([
            "analyze", str(folder / "brott.csv"), "--observations", str(folder / "vandring.xlsx"),
            "--network", str(folder / "gatunat.gpkg"), "--gazetteer", str(folder / "ortsregister.parquet"),
            "--crs", CRS, "--out", str(out), "--n-simulations", "19",
        ])  # fmt: skip
    return {"code": code, "stdout": buffer.getvalue(), "out": out}


# --- the extract as read ------------------------------------------------------------------------------------
def test_extract_layout_is_as_delivered(files: dict[str, Any]) -> None:
    raw = (files["folder"] / "brott.csv").read_bytes()
    assert b"\r\n" in raw
    assert raw.decode("cp1252").splitlines()[2] == ";" * 10
    assert raw.decode("cp1252").splitlines()[-1].startswith("Antal rader: ")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_every_row_read_dated_and_categorised(files: dict[str, Any]) -> None:
    truth = files["truth"].rows
    gdf = read_incidents(files["folder"] / "brott.csv", crs=CRS)
    report = gdf.attrs["report"]
    assert len(gdf) == len(truth)  # the footer is not a row
    assert report.header_row == 4
    assert report.footer_lines == 1
    assert gdf[s.OCCURRED_AT].notna().all()  # every row dated
    assert gdf[s.CATEGORY].tolist() == truth["category"].tolist()
    assert gdf[s.OFFENCE_CODE].tolist() == truth["code"].tolist()
    assert gdf[s.RAW_CATEGORY].tolist() == truth["text"].tolist()
    assert not report.unknown_categories
    assert gdf[s.TIME_KNOWN].tolist() == truth["time_known"].tolist()
    assert gdf[s.OCCURRED_TO].notna().tolist() == truth["has_end"].tolist()
    assert (gdf[s.OCCURRED_FROM] == gdf[s.OCCURRED_AT]).all()
    assert (
        gdf.loc[gdf[s.OCCURRED_TO].notna(), s.OCCURRED_TO]
        > gdf.loc[gdf[s.OCCURRED_TO].notna(), s.OCCURRED_AT]
    ).all()
    # the date of a blank time still counts, on the day written in the file
    no_time = ~truth["time_known"].to_numpy()
    days = gdf.loc[no_time, s.OCCURRED_AT].dt.strftime("%Y-%m-%d").tolist()
    assert days == truth.loc[no_time, "start"].dt.strftime("%Y-%m-%d").tolist()


def test_sweref_coordinates_land_on_their_addresses(files: dict[str, Any]) -> None:
    truth = files["truth"].rows
    gdf = read_incidents(files["folder"] / "brott.csv", crs=CRS)
    xy = truth["with_xy"].to_numpy()
    assert xy.sum() >= 20
    assert (gdf.loc[xy, s.STATUS] == "ok").all()
    assert (gdf.loc[~xy, s.LAT].isna()).all()
    metres_lat = (gdf.loc[xy, s.LAT].to_numpy() - truth.loc[xy, "lat"].to_numpy()) * 111_000
    metres_lon = (gdf.loc[xy, s.LON].to_numpy() - truth.loc[xy, "lon"].to_numpy()) * 55_000
    assert np.hypot(metres_lat, metres_lon).max() < 15  # the generator jitters by ~3 m


def test_both_brott_of_an_arende_are_kept(files: dict[str, Any]) -> None:
    truth = files["truth"]
    gdf = read_incidents(files["folder"] / "brott.csv", crs=CRS)
    assert (gdf[s.REASON] != "duplicate").all()
    per_case = gdf.groupby(s.CASE_ID).size()
    assert (per_case == truth.rows.groupby("case").size().reindex(per_case.index)).all()
    assert per_case.max() == 2
    assert len(per_case) == truth.n_cases
    assert gdf.attrs["report"].cases == truth.n_cases


def test_same_brott_of_same_case_twice_is_a_duplicate(tmp_path: Path) -> None:
    lines = [
        "Ärendenummer;Brottskod;Brottsbenämning;Brott begånget fr.o.m. datum;kl;Gatuadress;Kommun",
        "K1;9301;Misshandel;2025-01-02;22:00;Storgatan 1;Karlstad",
        "K1;0401;Olaga hot;2025-01-02;22:00;Storgatan 1;Karlstad",
        "K1;9301;Misshandel;2025-01-02;22:00;Storgatan 1;Karlstad",
        "K2;9301;Misshandel;2025-01-02;23:00;Storgatan 1;Karlstad",
    ]
    path = tmp_path / "e.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gdf = read_incidents(path)
    assert gdf[s.REASON].tolist() == ["duplicate", "", "", ""]


def test_municipality_only_rows_are_never_street_points(files: dict[str, Any]) -> None:
    truth = files["truth"].rows
    gdf = read_incidents(files["folder"] / "brott.csv", crs=CRS)
    town = (truth["kind"] == "municipality").to_numpy()
    assert town.sum() == 5
    assert (gdf.loc[town, s.REASON] == "coarse_location").all()
    assert (gdf.loc[town, s.PRECISION] == "municipality").all()
    assert (gdf.loc[~town, s.REASON] != "coarse_location").all()


def test_validate_cli_exits_zero_and_counts_match_the_file(files: dict[str, Any], capsys: Any) -> None:
    folder = files["folder"]
    code = main(["validate", str(folder / "brott.csv"), "--crs", CRS, "--out", str(folder / "v.csv")])
    out = capsys.readouterr().out
    assert code == 0
    n = len(files["truth"].rows)
    footer = (folder / "brott.csv").read_bytes().decode("cp1252").splitlines()[-1]
    assert f"Antal rader: {n}" in footer
    assert f"Rader: {n}" in out
    assert f"Ärenden: {files['truth'].n_cases}" in out
    assert (
        f"Tid saknas (datumet räknas, inget klockslag): {int((~files['truth'].rows['time_known']).sum())}"
        in out
    )
    assert len(pd.read_csv(folder / "v.csv", sep=None, engine="python", encoding="utf-8-sig")) == n


# --- the walk's workbook ------------------------------------------------------------------------------------
def test_walk_workbook_title_row_and_status(files: dict[str, Any]) -> None:
    walk = files["walk"]
    obs = read_observations(files["folder"] / "vandring.xlsx")
    assert len(obs) == len(walk)
    assert obs.attrs["report"].header_row == 3
    assert obs[s.SOURCE_ROW].tolist() == list(range(1, len(walk) + 1))
    resolved = (walk["kind"] == "resolved").to_numpy()
    assert (obs.loc[resolved, s.REMARK_STATUS] == "åtgärdad").all()
    assert (obs.loc[~resolved, s.REMARK_STATUS] != "åtgärdad").all()
    positive = (walk["kind"] == "positive").to_numpy()
    assert (obs.loc[positive, s.REMARK_TONE] == "positiv").all()
    assert (obs.loc[~positive, s.REMARK_TONE] == "problem").all()


def test_tone_column_typ_is_recognised(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text(
        "Plats;Typ;Kategori;Synpunkt\nTorget;Positiv;Belysning;Nya lampor\nTorget;Problem;Belysning;Mörkt\n",
        encoding="utf-8",
    )
    obs = read_observations(path)
    assert obs[s.REMARK_TONE].tolist() == ["positiv", "problem"]
    assert obs[s.CATEGORY].tolist() == ["belysning", "belysning"]


# --- analyze from the command line --------------------------------------------------------------------------
def _payload(html: str) -> dict[str, Any]:
    m = re.search(r"TrygghetMap\.build\(\w+, (\{.*?\}), \{[^{}]*\}\);", html, re.S)
    assert m, "payload not found"
    return dict(json.loads(m.group(1)))


def test_analyze_cli_runs_with_no_option_but_network_and_gazetteer(
    cli_run: dict[str, Any], files: dict[str, Any]
) -> None:
    assert cli_run["code"] == 0
    n = len(files["truth"].rows)
    assert f"Händelser lästa: {n}" in cli_run["stdout"]
    left = pd.read_csv(cli_run["out"] / "utelamnade.csv", sep=None, engine="python", encoding="utf-8-sig")
    used = int(re.search(r"med i klustringen: (\d+)", cli_run["stdout"]).group(1))  # type: ignore[union-attr]
    assert used + len(left) == n


def test_remarks_every_row_accounted_for(cli_run: dict[str, Any], files: dict[str, Any]) -> None:
    n = len(files["walk"])
    pattern = r"Trygghetsvandringens synpunkter: (\d+)\s+\(med i rangordningen: (\d+), utelämnade: (\d+)\)"
    m = re.search(pattern,
                  cli_run["stdout"])  # fmt: skip
    assert m, cli_run["stdout"]
    read, used, left = (int(g) for g in m.groups())
    assert read == n
    assert used + left == n
    table = pd.read_csv(cli_run["out"] / "utelamnade_synpunkter.csv", sep=None, engine="python",
                        encoding="utf-8-sig")  # fmt: skip
    assert len(table) == left
    kinds = files["walk"]["kind"]
    expected = {
        "remark_resolved": int((kinds == "resolved").sum()),
        "remark_not_problem": int((kinds == "positive").sum()),
        "geocode_failed": int((kinds == "failed").sum()),
        "geocode_uncertain": int((kinds == "uncertain").sum()),
        "coarse_location": int((kinds == "municipality").sum()),
    }
    assert table["reason"].value_counts().to_dict() == expected
    # the map: the legend counts the remarks drawn, the footer the rest
    payload = _payload((cli_run["out"] / "trygghetskarta.html").read_text(encoding="utf-8"))
    on_map = len(payload["observations"]["cat"])
    assert sum(c["n"] for c in payload["obs_categories"]) == on_map
    footer = next(line for line in payload["footer"] if line.startswith("Synpunkter:"))
    fm = re.match(r"Synpunkter: (\d+) lästa, (\d+) på kartan, (\d+) inte på kartan", footer)
    assert fm, footer
    assert int(fm.group(1)) == n
    assert int(fm.group(2)) == on_map
    assert on_map + int(fm.group(3)) == n
    states = payload["observations"]["state"]
    assert states.count("resolved") == expected["remark_resolved"]
    assert states.count("uncertain") == expected["geocode_uncertain"]  # kept on the map, marked uncertain
    assert states.count("positive") == expected["remark_not_problem"]


# --- the precision policy through the library ---------------------------------------------------------------
@pytest.fixture(scope="module")
def analyses(files: dict[str, Any]) -> dict[bool, Any]:
    from trygghet_geo import analyze, options

    options.cache_dir = files["folder"] / "cache"  # this module's own geocoder cache
    inc = read_incidents(files["folder"] / "brott.csv", crs=CRS)
    net, gaz = files["network"], files["gazetteer"]
    # Fixed parameters at which the planted ambiguous rows are dense enough to form a hotspot when included:
    # the test is about the precision policy, and on this small fixture the data-driven defaults find none.
    return {
        include: analyze(
            inc,
            network=net,
            gazetteer=gaz,
            n_simulations=0,
            include_uncertain=include,
            eps_m=50,
            min_samples=5,
        )
        for include in (False, True)
    }


def test_ambiguous_address_does_not_create_a_place(analyses: dict[bool, Any], files: dict[str, Any]) -> None:
    planted = (files["truth"].rows["kind"] == "ambiguous").to_numpy()
    default = analyses[False].incidents
    assert (default.loc[planted, s.REASON] == "geocode_uncertain").all()
    assert (default.loc[planted, s.CLUSTER] == -1).all()
    assert (default.loc[planted, s.HOTSPOT_ID] == -1).all()
    assert analyses[False].left_out["geocode_uncertain"] >= planted.sum()
    # the planted case is a real one: included, the same rows do make a hotspot of their own
    included = analyses[True].incidents
    assert (included.loc[planted, s.HOTSPOT_ID] >= 0).all()
    assert len(analyses[True].hotspots) > len(analyses[False].hotspots)


def test_municipality_only_rows_never_clustered(analyses: dict[bool, Any], files: dict[str, Any]) -> None:
    town = (files["truth"].rows["kind"] == "municipality").to_numpy()
    for result in analyses.values():
        assert (result.incidents.loc[town, s.EDGE_ID] == -1).all()
        assert (result.incidents.loc[town, s.CLUSTER] == -1).all()


def _hours(window: str) -> set[int]:
    """The hours of a window written "22–02" (from 22:00 to 02:00)."""
    first, last = (int(h) for h in window.split("–"))
    return {(first + k) % 24 for k in range((last - first) % 24 or 24)}


def test_blank_times_absent_from_hour_profiles() -> None:
    import geopandas as gpd
    import shapely

    from trygghet_geo.hotspots import find_hotspots
    from trygghet_geo.network import network_from_lines

    street = gpd.GeoDataFrame(
        {"name": ["Storgatan"]}, geometry=[shapely.LineString([(0, 0), (500, 0)])], crs=3006
    )
    net = network_from_lines(street)
    n_night, n_blank = 10, 30
    when = pd.to_datetime(["2025-03-07 22:30"] * n_night + ["2025-03-08 00:00"] * n_blank).tz_localize(
        "Europe/Stockholm"
    )
    off = np.linspace(100, 120, n_night + n_blank)
    inc = gpd.GeoDataFrame({s.OCCURRED_AT: when, s.CATEGORY: "våld", s.EDGE_ID: 0, s.EDGE_OFFSET_M: off,
                            s.TIME_KNOWN: [True] * n_night + [False] * n_blank},
                           geometry=shapely.points(off, np.zeros(len(off))), crs=3006)  # fmt: skip
    hs = find_hotspots(inc, np.zeros(len(inc), dtype=int), net)
    assert 22 in _hours(hs["top_hours"].iloc[0])
    assert 0 not in _hours(hs["top_hours"].iloc[0])
    assert hs["n_time_unknown"].iloc[0] == n_blank
    assert hs["top_weekdays"].iloc[0] == "fre–lör"  # the dates still count
    inc[s.TIME_KNOWN] = True  # were they midnight, the midnight hour would join the profile
    assert 0 in _hours(find_hotspots(inc, np.zeros(len(inc), dtype=int), net)["top_hours"].iloc[0])


def test_remarks_resolved_and_positive_not_counted_as_problems(files: dict[str, Any]) -> None:
    from trygghet_geo._precision import problem_remarks

    obs = read_observations(files["folder"] / "vandring.xlsx")
    kinds = files["walk"]["kind"].to_numpy()
    assert (problem_remarks(obs) == ~np.isin(kinds, ["resolved", "positive"])).all()
    assert AMBIGUOUS_TEXT in set(obs[s.PLACE_TEXT])


def test_places_count_only_current_problems(cli_run: dict[str, Any], files: dict[str, Any]) -> None:
    places = pd.read_csv(cli_run["out"] / "platser.csv", sep=";", decimal=",", encoding="utf-8-sig")
    counted = int(places["Synpunkter från trygghetsvandringar"].sum())
    problems = int((files["walk"]["kind"] == "problem").sum())
    assert counted <= problems


def test_blank_times_absent_from_the_ranked_places_hours() -> None:
    import geopandas as gpd
    import shapely

    from trygghet_geo.hotspots import find_hotspots
    from trygghet_geo.network import network_from_lines
    from trygghet_geo.rank import rank_places

    line = shapely.LineString([(0, 0), (2000, 0)])
    net = network_from_lines(gpd.GeoDataFrame({"name": ["Storgatan"]}, geometry=[line], crs=3006))
    n_night, n_blank = 12, 40
    days = pd.date_range("2025-03-07", periods=n_night + n_blank, freq="7D")
    when = pd.Series(days + pd.Timedelta(hours=22, minutes=30))
    when[n_night:] = days[n_night:]  # a date only: read as the day's start, time unknown
    off = np.linspace(100, 130, n_night + n_blank)
    inc = gpd.GeoDataFrame(
        {
            s.OCCURRED_AT: when.dt.tz_localize("Europe/Stockholm"),
            s.CATEGORY: "narkotika",
            s.EDGE_ID: 0,
            s.EDGE_OFFSET_M: off,
            s.TIME_KNOWN: [True] * n_night + [False] * n_blank,
        },
        geometry=shapely.points(off, np.zeros(len(off))),
        crs=3006,
    )
    labels = np.zeros(len(inc), dtype=int)
    places = rank_places(find_hotspots(inc, labels, net), inc, network=net)
    assert places["n_time_unknown"].iloc[0] == n_blank
    assert 22 in _hours(places["dominant_hours"].iloc[0])
    assert 0 not in _hours(places["dominant_hours"].iloc[0])


@pytest.mark.parametrize(
    "header",
    [
        "Ärendenummer;Brottskod;Brottsbenämning;Brott begånget fr.o.m. datum;kl;t.o.m. datum;kl;Gatuadress;"
        "Kommun",
        "Ärendenr;Brottskod;Brottsbenämning;Fr.o.m. datum;Fr.o.m. kl;T.o.m. datum;T.o.m. kl;Adress;Kommun",
        "Ärende;Kod;Benämning;Datum fr.o.m.;Kl fr.o.m.;Datum t.o.m.;Kl t.o.m.;Plats;Ort",
        "Diarienummer;Brottskod;Brottsbenämning;Från datum;Från kl;Till datum;Till kl;Gatuadress;Kommun",
    ],
)
def test_case_system_header_variants(header: str, tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    body = "K1;9301;Misshandel;2025-02-07;23:40;2025-02-08;;Storgatan 1;Karlstad\n"
    body += "K1;0401;Olaga hot;2025-02-07;;;;Storgatan 1;Karlstad\n"
    path.write_bytes((f"Utdrag;;;;;;;;\n;;;;;;;;\n{header}\n{body}Antal rader: 2\n").encode("cp1252"))
    gdf = read_incidents(path)
    assert len(gdf) == 2
    assert gdf[s.CASE_ID].tolist() == ["K1", "K1"]
    assert gdf[s.OFFENCE_CODE].tolist() == ["9301", "0401"]
    assert gdf[s.CATEGORY].tolist() == ["våld", "våld"]
    assert gdf[s.TIME_KNOWN].tolist() == [True, False]
    assert str(gdf[s.OCCURRED_AT].iloc[0]) == "2025-02-07 23:40:00+01:00"
    assert str(gdf[s.OCCURRED_TO].iloc[0]) == "2025-02-08 23:59:59+01:00"  # a date alone: the whole day
    assert pd.isna(gdf[s.OCCURRED_TO].iloc[1])
    assert (gdf[s.STATUS] == "needs_geocoding").all()


def test_workbook_with_title_rows_and_footer(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Utdrag ur ärendesystemet"])
    sheet.append(["Utskrivet 2026-01-10"])
    sheet.append([])
    sheet.append(["Ärendenummer", "Brottsbenämning", "Brott begånget fr.o.m. datum", "kl", "Gatuadress"])
    sheet.append(["K1", "Snatteri", "2025-01-02", "14:05", "Storgatan 1"])
    sheet.append(["K2", "Förargelseväckande beteende", "2025-01-03", None, "Torget"])
    sheet.append([])
    sheet.append(["Antal rader: 2"])
    book.save(tmp_path / "u.xlsx")
    gdf = read_incidents(tmp_path / "u.xlsx")
    report = gdf.attrs["report"]
    assert len(gdf) == 2
    assert report.header_row == 4
    assert report.footer_lines == 1
    assert gdf[s.CATEGORY].tolist() == ["stöld", "ordningsstörning"]
    assert gdf[s.SOURCE_ROW].tolist() == [1, 2]
    assert gdf[s.TIME_KNOWN].tolist() == [True, False]


def test_footer_that_disagrees_with_the_rows_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("Plats;Brottstyp\nTorget;Rån\nKajen;Stöld\nAntal rader: 3\n", encoding="utf-8")
    gdf = read_incidents(path)
    assert len(gdf) == 2
    assert any("the footer states 3 rows, 2 were read" in note for note in gdf.attrs["report"].notes)
