"""The measures register: template round trip, every bad row named, the goal grammar, the follow-up."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from trygghet_geo.plan import (
    FOLLOWUP_COLUMNS,
    HEADERS,
    PLAN_COLUMNS,
    Goal,
    PlanError,
    followup_plan,
    parse_goal,
    read_plan,
    write_plan_template,
)

CRS = "EPSG:3006"
PLACES = gpd.GeoDataFrame(
    {"rank": [1, 2, 3], "name": ["Torget", "Parken", "Parken (2)"]},
    geometry=[box(0, 0, 50, 50), box(500, 500, 550, 550), box(560, 500, 600, 550)],
    crs=CRS,
)
AREAS = gpd.GeoDataFrame(
    {"area_id": ["0180C1010"], "area_name": ["Norrmalm"]}, geometry=[box(-100, -100, 1000, 1000)], crs=CRS
)


def _fill_xlsx(path: Path, values: dict[int, dict[str, object]]) -> None:
    """Fill the template as a person does: cell by cell in the workbook (openpyxl), not via our writer."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    for row, fields in values.items():
        for field, value in fields.items():
            sheet.cell(row=row, column=header.index(HEADERS[field]) + 1, value=value)
    book.save(path)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip_template_filled_read(tmp_path: Path, suffix: str) -> None:
    path = write_plan_template(tmp_path / f"plan{suffix}", PLACES)
    empty = read_plan(path, places=PLACES)
    assert empty["place"].tolist() == ["Torget", "Parken", "Parken (2)"]
    assert set(empty["status"]) == {"planerad"}
    filled = {
        2: {"measure": "Fler vuxna kvällstid", "responsible": "Fältgruppen", "goal": "-20 %",
            "start_date": "2025-11-01", "followup_date": "2026-10-31", "status": "pågår",
            "problem": "Folksamlingar", "notes": "Efter vandringen"},
        3: {"measure": "Ny belysning", "responsible": "Stadsmiljö", "goal": "minska våldsbrotten med 30 %",
            "start_date": "1/11/2025", "status": "genomförd"},
    }  # fmt: skip
    if suffix == ".xlsx":
        _fill_xlsx(path, filled)
    else:
        table = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for row, fields in filled.items():
            for field, value in fields.items():
                table.loc[row - 2, HEADERS[field]] = value
        table.to_csv(path, sep=";", index=False, encoding="utf-8")
    plan = read_plan(path, places=PLACES)
    assert list(plan.columns) == list(PLAN_COLUMNS)
    assert plan["row"].tolist() == [2, 3, 4]
    first, second = plan.iloc[0], plan.iloc[1]
    assert first["measure"] == "Fler vuxna kvällstid"
    assert first["status"] == "pågår"
    assert first["start_date"] == pd.Timestamp("2025-11-01")
    assert first["followup_date"] == pd.Timestamp("2026-10-31")
    assert first["goal_change_pct"] == -20.0
    assert first["notes"] == "Efter vandringen"
    assert second["start_date"] == pd.Timestamp("2025-11-01")  # Swedish day/month order
    assert second["goal_category"] == "våld"
    assert pd.isna(second["followup_date"])
    assert plan.iloc[2]["status"] == "planerad"
    assert plan["place_kind"].tolist() == ["place"] * 3


def test_template_xlsx_has_instructions_and_escapes(tmp_path: Path) -> None:
    path = write_plan_template(tmp_path / "plan.xlsx", ["=cmd|' /C calc'!A0", "Torget"])
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert list(sheets) == ["Åtgärdsplan", "Instruktioner"]
    assert list(sheets["Åtgärdsplan"].columns) == list(HEADERS.values())
    assert sheets["Åtgärdsplan"].iloc[0, 0].startswith("'=")  # formula text written as text
    assert read_plan(path)["place"].tolist()[0] == "=cmd|' /C calc'!A0"
    import openpyxl

    sheet = openpyxl.load_workbook(path).worksheets[0]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert lists == ['"planerad,pågår,genomförd,avbruten"']  # the statuses as a drop-down
    assert sheet.freeze_panes == "A2"
    with pytest.raises(Exception, match="must end in"):
        write_plan_template(tmp_path / "plan.docx")


def test_every_bad_row_is_named_with_its_field(tmp_path: Path) -> None:
    rows = [
        ["Torget", "p", "Åtgärd A", "X", "-20 %", "2025-01-01", "2025-12-31", "pågår", ""],  # row 2: good
        ["Stationen", "p", "Åtgärd B", "X", "", "2025-01-01", "", "pågår", ""],  # 3: unknown place
        ["Torget", "p", "Åtgärd C", "X", "", "31/13/2025", "", "genomförd", ""],  # 4: bad date
        ["Parken", "p", "Åtgärd D", "X", "", "2025-01-01", "", "klar", ""],  # 5: bad status
        ["Parken", "p", "Åtgärd E", "X", "", "2025-06-01", "2025-01-01", "pågår", ""],  # 6: follow-up first
        ["", "p", "Åtgärd F", "X", "", "2025-01-01", "", "pågår", ""],  # 7: no place
        ["Norrmalm", "p", "", "X", "", "", "", "pågår", ""],  # 8: started, no measure, no start
        ["#2", "p", "Åtgärd H", "X", "", "", "", "planerad", ""],  # 9: good (rank 2, planned)
        ["", "", "", "", "", "", "", "", ""],  # 10: blank, not a measure
        ["0180c1010", "p", "Åtgärd J", "X", "", "2025-01-01", "", "Genomförd", ""],  # 11: good (area code)
    ]
    path = tmp_path / "plan.csv"
    pd.DataFrame(rows, columns=list(HEADERS.values())).to_csv(path, sep=";", index=False)
    with pytest.raises(PlanError) as info:
        read_plan(path, places=[PLACES, AREAS])
    found = {(r, f) for r, f, _ in info.value.problems}
    assert found == {
        (3, "Plats"),
        (4, "Startdatum"),
        (5, "Status"),
        (6, "Uppföljningsdatum"),
        (7, "Plats"),
        (8, "Åtgärd"),
        (8, "Startdatum"),
    }
    message = str(info.value)
    assert "plan.csv" in message
    assert "row 3, field 'Plats': 'Stationen'" in message
    assert "row 5, field 'Status': 'klar'" in message
    # without a list of places no place is unknown, the other problems stay
    with pytest.raises(PlanError) as again:
        read_plan(path)
    assert (3, "Plats") not in {(r, f) for r, f, _ in again.value.problems}
    good = pd.DataFrame([rows[0], rows[7], rows[9]], columns=list(HEADERS.values()))
    good.to_csv(path, sep=";", index=False)
    plan = read_plan(path, places=[PLACES, AREAS])
    assert plan["place_kind"].tolist() == ["place", "place", "area"]
    assert plan["status"].tolist() == ["pågår", "planerad", "genomförd"]


def test_register_without_its_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"no column 'Plats', 'Åtgärd', 'Status'"):
        read_plan(path)


@pytest.mark.parametrize(
    ("text", "goal"),
    [
        ("-20 %", Goal(-20.0)),
        ("−20%", Goal(-20.0)),
        ("minska 20 %", Goal(-20.0)),
        ("Minska med 15,5 procent", Goal(-15.5)),
        ("minst 20 % färre", Goal(-20.0)),
        ("halvera", Goal(-50.0)),
        ("Halvera narkotikabrotten", Goal(-50.0, "narkotika")),
        ("minska våldsbrotten med 30 %", Goal(-30.0, "våld")),
        ("-10 % stölder", Goal(-10.0, "stöld")),
        ("+10 %", Goal(10.0)),
        ("öka anmälningarna av narkotikabrott med 10 %", Goal(10.0, "narkotika")),
        ("reduce by 25 percent", Goal(-25.0)),
        ("20 %", None),  # no direction
        ("Ökad trygghet enligt enkäten", None),
        ("", None),
        (None, None),
    ],
)
def test_goal_grammar(text: str | None, goal: Goal | None) -> None:
    assert parse_goal(text) == goal


def _town(rng: np.random.Generator, place_before: int, place_after: int) -> gpd.GeoDataFrame:
    """A town whose rest has the same rate in 2024 and 2025, and a place with the given yearly counts."""

    def times(n: int, year: int) -> pd.DatetimeIndex:
        days = rng.integers(0, 365, n)
        return pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(days, unit="D") + pd.Timedelta(hours=12)

    parts = []
    for year, n_place in ((2024, place_before), (2025, place_after)):
        t = times(n_place, year)
        parts.append(pd.DataFrame({"when": t, "x": 500 + rng.random(n_place) * 40, "y": 510.0}))
        t = times(300, year)
        parts.append(pd.DataFrame({"when": t, "x": 200 + rng.random(300) * 100, "y": 300.0}))
    df = pd.concat(parts, ignore_index=True)
    return gpd.GeoDataFrame(
        {
            "occurred_at": df["when"].dt.tz_localize("Europe/Stockholm"),
            "category": "stöld",
            "status": "ok",
            "precision": "exact",
        },
        geometry=[Point(x, y) for x, y in zip(df["x"], df["y"], strict=True)],
        crs=CRS,
    )


def _plan(rows: list[tuple[str, str, str | None, str | None, str]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["place", "goal", "start_date", "followup_date", "status"])
    out["row"] = range(2, 2 + len(out))
    out["measure"] = "m"
    out["responsible"] = "r"
    for c in ("start_date", "followup_date"):
        out[c] = pd.to_datetime(out[c])
    out["goal_change_pct"] = [g.change_pct if (g := parse_goal(x)) else np.nan for x in out["goal"]]
    out["goal_category"] = None
    return out


def test_followup_per_measure_planted(tmp_path: Path) -> None:
    inc = _town(np.random.default_rng(1), place_before=120, place_after=40)
    plan = _plan(
        [
            ("Parken", "minska 30 %", "2025-01-01", "2025-12-31", "genomförd"),  # -67 %: met
            ("Parken", "minska 80 %", "2025-01-01", "2025-12-31", "genomförd"),  # better, short of goal
            ("Torget", "-20 %", "2025-01-01", None, "pågår"),  # nothing there
            ("Norrmalm", "trygghet", "2025-01-01", "2025-12-31", "pågår"),  # the whole town: not measurable
            ("Parken", "-20 %", "2026-06-01", None, "planerad"),  # after the data
            ("Parken", "-20 %", "2024-03-01", "2024-12-31", "genomförd"),  # no year before it in the data
        ]
    )
    out = followup_plan(plan, inc, places=PLACES, areas=AREAS)
    assert list(out.columns) == list(FOLLOWUP_COLUMNS)
    assert out["result"].tolist() == [
        "goal_met",
        "improved_short_of_goal",
        "goal_not_met",
        "not_measurable",
        "not_started",
        "no_history",
    ]
    park = out.iloc[0]
    # "Parken" and "Parken (2)" are one place: every planted event counted, by hand
    assert (park["n_before"], park["n_after"]) == (120, 40)
    assert park["before_start"] == pd.Timestamp("2024-01-01")
    assert park["before_end"] == pd.Timestamp("2024-12-31")
    assert park["change_pct"] == pytest.approx(100 * (40 / 365) / (120 / 366) - 100)
    assert bool(park["improved"])
    assert bool(park["goal_met"])
    assert out["goal_met"].tolist() == [True, False, False, False, False, False]


def test_followup_on_the_sample_finds_the_park_and_only_the_park(demo: tuple) -> None:
    from trygghet_geo import _sample_areas
    from trygghet_geo.areas import read_areas

    analysis, paths = demo
    raw = paths["incidents"].parent
    areas = read_areas(raw / _sample_areas.DISTRICTS_FILE)
    plan = read_plan(raw / _sample_areas.PLAN_FILE, places=[analysis.places, areas])
    assert len(plan) == 5
    out = followup_plan(plan, analysis.incidents, places=analysis.places, areas=areas)
    park = out[out["measure"].str.contains("belysning")].iloc[0]
    assert park["after_start"] == pd.Timestamp("2025-11-01")  # the sample's promise date
    assert bool(park["improved"])
    assert bool(park["goal_met"])
    assert park["result"] == "goal_met"
    others = out[~out["measure"].str.contains("belysning")]
    assert not others["goal_met"].any()
    assert not others["improved"].any()
    assert "not_started" in set(others["result"])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("per_year", [120, 400])
def test_followup_defaults_find_a_planted_halving_at_several_densities(seed: int, per_year: int) -> None:
    rng = np.random.default_rng(100 + seed)
    before = int(rng.poisson(per_year))
    inc = _town(rng, place_before=before, place_after=int(rng.poisson(per_year / 2)))
    plan = _plan([("Parken", "minska 25 %", "2025-01-01", "2025-12-31", "genomförd")])
    out = followup_plan(plan, inc, places=PLACES)
    assert out["result"].iloc[0] == "goal_met"


def test_followup_defaults_do_not_report_a_goal_met_where_nothing_changed() -> None:
    """Twenty towns where the place keeps its rate: no measure is reported as meeting its goal."""
    results = []
    for seed in range(20):
        rng = np.random.default_rng(500 + seed)
        inc = _town(rng, place_before=int(rng.poisson(60)), place_after=int(rng.poisson(60)))
        plan = _plan([("Parken", "-10 %", "2025-01-01", "2025-12-31", "pågår")])
        results.append(followup_plan(plan, inc, places=PLACES)["result"].iloc[0])
    assert "goal_met" not in results
    assert results.count("goal_not_met") >= 18


def test_command_line_init_check_followup(
    tmp_path: Path, demo: tuple, capsys: pytest.CaptureFixture[str]
) -> None:
    from trygghet_geo import _sample_areas, sample
    from trygghet_geo.cli import main

    _, paths = demo
    raw, ranking = paths["incidents"].parent, paths["places"]
    register = tmp_path / "plan.xlsx"
    assert main(["plan", "init", str(register), "--ranking", str(ranking)]) == 0
    assert read_plan(register)["place"].iloc[0] == "Helsingfors järnvägsstation"
    sample_plan = str(raw / _sample_areas.PLAN_FILE)
    areas = str(raw / _sample_areas.DISTRICTS_FILE)
    assert main(["plan", "check", sample_plan, "--ranking", str(ranking), "--areas", areas]) == 0
    assert "5 measures, no problems" in capsys.readouterr().out
    # a data error: Gardesstaden is an area, unknown without --areas
    assert main(["plan", "check", sample_plan, "--ranking", str(ranking)]) == 1
    assert "row 6, field 'Plats': 'Gardesstaden'" in capsys.readouterr().err
    pbf = str(sample.pbf_path())
    out = tmp_path / "uppfoljning.csv"
    code = main(["plan", "followup", sample_plan, "--incidents", str(paths["incidents"]), "--observations",
                 str(paths["observations"]), "--network", pbf, "--gazetteer", pbf, "--areas", areas,
                 "--out", str(out)])  # fmt: skip
    assert code == 0
    table = pd.read_csv(out, sep=";", encoding="utf-8-sig")
    assert table["Resultat"].tolist().count("Målet nått") == 1
    assert table.loc[table["Resultat"] == "Målet nått", "Plats"].tolist() == [
        "Kajsaniemiparken, Kajsaniemiallén"
    ]


def test_date_cells_serials_and_text_in_one_column(tmp_path: Path) -> None:
    """A register edited in Excel mixes real date cells, serial numbers and typed text in one column."""
    import datetime as dt

    path = write_plan_template(tmp_path / "plan.xlsx", ["A", "B", "C", "D"])
    _fill_xlsx(
        path,
        {
            2: {"measure": "m", "start_date": dt.datetime(2025, 11, 1), "status": "pågår"},
            3: {"measure": "m", "start_date": "2025-12-01", "status": "pågår"},
            4: {"measure": "m", "start_date": 45962, "status": "genomförd"},  # Excel's serial of 2025-11-01
            5: {"measure": "m", "start_date": "sen höst", "status": "pågår"},
        },
    )
    with pytest.raises(PlanError) as info:
        read_plan(path)
    assert info.value.problems == [(5, "Startdatum", "'sen höst' is not a date (expected ÅÅÅÅ-MM-DD)")]
    _fill_xlsx(path, {5: {"start_date": "", "status": "planerad"}})  # the cell emptied
    plan = read_plan(path)
    assert plan["start_date"].tolist()[:3] == [pd.Timestamp("2025-11-01"), pd.Timestamp("2025-12-01"),
                                               pd.Timestamp("2025-11-01")]  # fmt: skip
    assert pd.isna(plan["start_date"].iloc[3])


def test_a_place_named_by_its_rank_is_followed_up_like_its_name() -> None:
    """A register may name a place "#2" (its rank in the ranking): the same follow-up as "Parken"."""
    rng = np.random.default_rng(7)
    inc = _town(rng, place_before=200, place_after=90)
    by_rank = followup_plan(
        _plan([("#2", "minska 25 %", "2025-01-01", "2025-12-31", "genomförd")]), inc, places=PLACES
    )
    by_name = followup_plan(
        _plan([("Parken", "minska 25 %", "2025-01-01", "2025-12-31", "genomförd")]), inc, places=PLACES
    )
    cols = ["n_before", "n_after", "change_pct", "result"]
    assert by_rank[cols].equals(by_name[cols])
    assert by_rank["result"].iloc[0] == "goal_met"
