"""Tests of trygghet_geo.followup: planted effects, season awareness, place areas, charts."""

from __future__ import annotations

import base64

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from trygghet_geo import schema
from trygghet_geo.errors import InputError, SchemaError
from trygghet_geo.followup import compare_periods, monthly_counts, months_text, plot_monthly
from trygghet_geo.network import StreetNetwork, network_from_lines

CRS = "EPSG:3006"
TZ = "Europe/Stockholm"
BEFORE = ("2023-01-01", "2023-12-31")
AFTER = ("2024-01-01", "2024-12-31")
PLACE_A = box(0, 0, 100, 100)
PLACE_B = box(1000, 0, 1100, 100)


def _events(
    rng: np.random.Generator,
    n: int,
    year: int,
    area: tuple[float, float, float, float],
    category: str = "narkotika",
) -> pd.DataFrame:
    x0, y0, x1, y1 = area
    start = pd.Timestamp(f"{year}-01-01", tz=TZ)
    secs = rng.uniform(0, 365 * 86400, n)
    return pd.DataFrame(
        {
            schema.OCCURRED_AT: start + pd.to_timedelta(secs, unit="s"),
            schema.CATEGORY: category,
            "x": rng.uniform(x0, x1, n),
            "y": rng.uniform(y0, y1, n),
        }
    )


def _town(seed: int, *, a: tuple[int, int], b: tuple[int, int], town: tuple[int, int]) -> gpd.GeoDataFrame:
    """Incidents with planted yearly counts (before, after) at place A, place B and the rest of the town."""
    rng = np.random.default_rng(seed)
    parts = []
    for (n0, n1), area in ((a, (1, 1, 99, 99)), (b, (1001, 1, 1099, 99)), (town, (2000, 2000, 8000, 8000))):
        parts += [_events(rng, n0, 2023, area), _events(rng, n1, 2024, area)]
    df = pd.concat(parts, ignore_index=True)
    df[schema.STATUS] = "ok"
    return gpd.GeoDataFrame(df.drop(columns=["x", "y"]), geometry=gpd.points_from_xy(df.x, df.y), crs=CRS)


def _places() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["Torget", "Parken"]}, geometry=[PLACE_A, PLACE_B], crs=CRS)


def test_planted_drop_with_flat_town_is_improved_and_significant() -> None:
    inc = _town(1, a=(240, 120), b=(200, 200), town=(3000, 3000))
    r = compare_periods(inc, _places(), before=BEFORE, after=AFTER)
    a, b = r.iloc[0], r.iloc[1]
    assert (a.n_before, a.n_after) == (240, 120)
    assert a.change_pct == pytest.approx(100 * (120 / 366) / (240 / 365) - 100)  # 2024 is a leap year
    assert a.ci_low < a.change_pct < a.ci_high < 0
    assert a.p_value < 0.001
    assert bool(a.improved)
    assert a.did_ratio == pytest.approx(0.5, rel=0.01)
    assert a.did_ci_low < 0.5 < a.did_ci_high < 1
    # the unchanged place is neither improved nor significant
    assert not bool(b.improved)
    assert b.p_value > 0.05
    assert b.ci_low < 0 < b.ci_high


def test_a_drop_made_by_one_burst_is_not_called_an_improvement() -> None:
    # Place A: 20 events a year in both years, plus a burst of 45 in two weeks of May 2023 (one series of
    # break-ins). Poisson counts the burst as 45 independent events and sees a significant drop; the monthly
    # counts show it is one clump.
    rng = np.random.default_rng(5)
    inc = _town(5, a=(20, 20), b=(200, 200), town=(3000, 3000))
    t = pd.Timestamp("2023-05-10", tz=TZ) + pd.to_timedelta(rng.uniform(0, 14 * 86400, 45), unit="s")
    burst = gpd.GeoDataFrame(
        {schema.OCCURRED_AT: t, schema.CATEGORY: "stöld", schema.STATUS: "ok"},
        geometry=gpd.points_from_xy(rng.uniform(1, 99, 45), rng.uniform(1, 99, 45)),
        crs=CRS,
    )
    r = compare_periods(pd.concat([inc, burst], ignore_index=True), _places(), before=BEFORE, after=AFTER)
    a, b = r.iloc[0], r.iloc[1]
    assert a.p_value < 0.001  # Poisson alone would call it an improvement
    assert a.dispersion > 5
    assert a.p_value_dispersed > 0.05
    assert not bool(a.improved)
    # Steady counts are not over-dispersed: the adjustment leaves them alone.
    assert b.dispersion < 2
    assert a.town_dispersion < 2
    planted = _town(1, a=(240, 120), b=(200, 200), town=(3000, 3000))
    steady = compare_periods(planted, _places(), before=BEFORE, after=AFTER)
    assert bool(steady.improved.iloc[0])
    assert steady.p_value_dispersed.iloc[0] < 0.001


def test_dispersed_p_value_equals_p_without_dispersion_and_grows_with_it() -> None:
    from trygghet_geo.followup import _dispersed_p

    counts = (100, 60, 2000, 2000)
    assert _dispersed_p(0.003, counts, 1.0, 1.0) == 0.003
    ps = [_dispersed_p(0.003, counts, phi, 1.0) for phi in (1.5, 3.0, 6.0)]
    assert 0.003 < ps[0] < ps[1] < ps[2] < 1
    assert _dispersed_p(1.0, counts, 4.0, 4.0) == 1.0


def test_place_following_the_town_trend_is_not_improved() -> None:
    # the whole town drops 40 %; place B drops 40 % too (significant on its own), place A drops 70 %.
    inc = _town(2, a=(300, 90), b=(300, 180), town=(5000, 3000))
    r = compare_periods(inc, _places(), before=BEFORE, after=AFTER)
    a, b = r.iloc[0], r.iloc[1]
    assert b.ci_high < 0  # its own drop is real ...
    assert b.town_change_pct == pytest.approx(b.change_pct, abs=1.0)
    assert not bool(b.improved)  # ... but no more than the town's
    assert b.p_value > 0.05
    assert bool(a.improved)
    assert a.p_value < 0.001


@pytest.mark.parametrize("method", ["exact", "normal"])
def test_methods_agree_on_large_counts(method: str) -> None:
    inc = _town(3, a=(400, 250), b=(100, 100), town=(4000, 4000))
    r = compare_periods(inc, _places(), before=BEFORE, after=AFTER, method=method)
    assert r.iloc[0].did_ratio == pytest.approx(250 / 400, rel=0.03)
    assert bool(r.iloc[0].improved)
    assert not bool(r.iloc[1].improved)


def test_alpha_controls_false_improvements_under_the_null() -> None:
    """No effect anywhere: 'improved' should be rare (exact tests are conservative, so <= alpha)."""
    hits = 0
    for seed in range(40):
        rng = np.random.default_rng(seed)
        inc = _town(seed, a=tuple(rng.poisson(60, 2)), b=tuple(rng.poisson(60, 2)), town=(2000, 2000))
        hits += int(compare_periods(inc, _places(), before=BEFORE, after=AFTER).improved.sum())
    assert hits <= 5  # 80 tests at alpha = 0.05 one direction: expected about 1-2


def test_season_aware_uses_shared_months_only() -> None:
    # before: a heavy summer (July) at the place; after covers only January-June.
    rows = [("2023-07-10", 50), ("2023-02-10", 10), ("2024-02-10", 10)]
    times = [pd.Timestamp(d, tz=TZ) for d, n in rows for _ in range(n)]
    inc = gpd.GeoDataFrame(
        {schema.OCCURRED_AT: times, schema.CATEGORY: "stöld"}, geometry=[Point(50, 50)] * len(times), crs=CRS
    )
    town = gpd.GeoDataFrame(
        {
            schema.OCCURRED_AT: [pd.Timestamp("2023-03-01", tz=TZ), pd.Timestamp("2024-03-01", tz=TZ)],
            schema.CATEGORY: "stöld",
        },
        geometry=[Point(5000, 5000)] * 2,
        crs=CRS,
    )
    inc = pd.concat([inc, town], ignore_index=True)
    aware = compare_periods(inc, _places(), before=BEFORE, after=("2024-01-01", "2024-06-30"))
    assert aware.attrs["months"] == [1, 2, 3, 4, 5, 6]
    assert aware.attrs["months_text"] == "jan–jun"
    assert aware.iloc[0].n_before == 10
    assert aware.iloc[0].days_before == 181
    assert aware.iloc[0].days_after == 182
    naive = compare_periods(
        inc, _places(), before=BEFORE, after=("2024-01-01", "2024-06-30"), season_aware=False
    )
    assert naive.iloc[0].n_before == 60
    with pytest.raises(ValueError, match="share no month"):
        compare_periods(
            inc, _places(), before=("2023-01-01", "2023-03-31"), after=("2023-07-01", "2023-09-30")
        )


def test_point_places_with_euclidean_radius_and_left_out_rows() -> None:
    inc = _town(4, a=(30, 10), b=(0, 0), town=(100, 100))
    inc.loc[0, schema.STATUS] = "rejected"
    inc.loc[1, "geometry"] = None
    pl = gpd.GeoDataFrame({"name": ["Punkt"], "radius_m": [80.0]}, geometry=[Point(50, 50)], crs=CRS)
    r = compare_periods(inc, pl, before=BEFORE, after=AFTER)
    assert r.iloc[0].area == "radius_euclidean"
    assert r.iloc[0].n_before + r.iloc[0].n_after == 38  # 40 planted, two left out
    assert r.attrs["left_out"] == {"status_not_ok": 1, "no_location": 1}
    assert inc.loc[0, schema.STATUS] == "rejected"  # input untouched
    with pytest.raises(InputError, match="needs a radius"):
        compare_periods(inc, pl.drop(columns="radius_m"), before=BEFORE, after=AFTER)


def _u_street() -> StreetNetwork:
    # (0,0) -> (0,500) -> (40,500) -> (40,0): legs 40 m apart in a straight line, 540 m by street
    pts = [(0, 0), (0, 500), (40, 500), (40, 0)]
    lines = [LineString([pts[i], pts[i + 1]]) for i in range(3)]
    names = {"name": ["Västra", "Norra", "Östra"]}
    return network_from_lines(gpd.GeoDataFrame(names, geometry=lines, crs=CRS))


def test_radius_along_streets_differs_from_straight_line() -> None:
    net = _u_street()
    times = [pd.Timestamp("2023-05-01", tz=TZ)] * 2 + [pd.Timestamp("2024-05-01", tz=TZ)] * 2
    inc = gpd.GeoDataFrame(
        {
            schema.OCCURRED_AT: times,
            schema.CATEGORY: "våld",
            schema.EDGE_ID: [0, 2, 0, 2],
            schema.EDGE_OFFSET_M: [20.0, 480.0, 30.0, 470.0],
        },
        geometry=[Point(0, 20), Point(40, 20), Point(0, 30), Point(40, 30)],
        crs=CRS,
    )
    pl = gpd.GeoDataFrame({"name": ["Hörnet"], "radius_m": [100.0]}, geometry=[Point(1, 10)], crs=CRS)
    street = compare_periods(inc, pl, before=BEFORE, after=AFTER, network=net)
    straight = compare_periods(inc, pl, before=BEFORE, after=AFTER)
    assert street.iloc[0].area == "radius_network"
    assert (street.iloc[0].n_before, street.iloc[0].n_after) == (1, 1)
    assert (straight.iloc[0].n_before, straight.iloc[0].n_after) == (2, 2)


def test_categories_filter_the_test_but_not_the_breakdown() -> None:
    inc = _town(5, a=(100, 100), b=(0, 0), town=(500, 500))
    inc.loc[inc.index[:50], schema.CATEGORY] = "stöld"  # 50 of A's 'before' rows
    r = compare_periods(inc, _places(), before=BEFORE, after=AFTER, categories=["stöld"])
    assert r.iloc[0].n_before == 50
    assert r.iloc[0].n_after == 0
    assert r.iloc[0].n_before_narkotika == 50
    assert r.iloc[0].n_after_narkotika == 100


def test_bad_input_is_named() -> None:
    inc = _town(6, a=(5, 5), b=(5, 5), town=(5, 5))
    with pytest.raises(SchemaError, match="occurred_at"):
        compare_periods(inc.drop(columns=schema.OCCURRED_AT), _places(), before=BEFORE, after=AFTER)
    with pytest.raises(SchemaError, match="'name'"):
        compare_periods(inc, _places().rename(columns={"name": "namn"}), before=BEFORE, after=AFTER)
    with pytest.raises(ValueError, match="before must be a"):
        compare_periods(inc, _places(), before="2023", after=AFTER)
    with pytest.raises(ValueError, match="overlap"):
        compare_periods(inc, _places(), before=("2023-01-01", "2024-03-31"), after=AFTER)
    with pytest.raises(ValueError, match="not after the start"):
        compare_periods(inc, _places(), before=("2023-05-01", "2023-01-01"), after=AFTER)


def test_monthly_counts_and_small_multiples() -> None:
    inc = _town(7, a=(120, 60), b=(60, 60), town=(600, 600))
    counts = monthly_counts(inc, _places())
    assert list(counts.columns) == ["Torget", "Parken", "Övriga kommunen"]
    assert len(counts) == 24
    assert counts.to_numpy().sum() == 120 + 60 + 60 + 60 + 1200
    fig = plot_monthly(inc, _places(), promise_date="2024-01-01")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["Torget", "Parken"]
    assert all(len(ax.lines) == 2 for ax in visible)  # town trend + promise line
    from trygghet_geo.output._charts import figure_to_data_uri, figure_to_svg

    uri = figure_to_data_uri(fig)
    assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure_to_svg(fig).lstrip().startswith("<?xml")


def test_months_text() -> None:
    assert months_text([1, 2, 3, 7]) == "jan–mar, jul"
    assert months_text(range(1, 13)) == "hela året"


@given(
    st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 1000), st.integers(0, 729)), min_size=1, max_size=60),
    st.lists(st.tuples(st.floats(0, 900), st.floats(0, 900)), min_size=1, max_size=4),
)
@settings(max_examples=40, deadline=None)
def test_counts_are_conserved(points, corners) -> None:
    """Every dated, located event of a period is counted once: in the places (disjoint here) or the town."""
    when = pd.Timestamp("2023-01-01", tz=TZ) + pd.to_timedelta([p[2] for p in points], unit="D")
    inc = gpd.GeoDataFrame({schema.OCCURRED_AT: when, schema.CATEGORY: "stöld"},
                           geometry=[Point(p[0], p[1]) for p in points], crs=CRS)  # fmt: skip
    boxes, used = [], []
    for x, y in corners:  # keep the places disjoint
        b = box(x, y, x + 100, y + 100)
        if not any(b.intersects(u) for u in used):
            used.append(b)
            boxes.append(b)
    places = gpd.GeoDataFrame({"name": [f"P{i}" for i in range(len(boxes))]}, geometry=boxes, crs=CRS)
    r = compare_periods(inc, places, before=BEFORE, after=AFTER, season_aware=False)
    in_before = int((when < pd.Timestamp("2024-01-01", tz=TZ)).sum())
    assert int(r["n_before"].sum()) + int(r["town_n_before"].iloc[0]) == in_before
    assert int(r["n_after"].sum()) + int(r["town_n_after"].iloc[0]) == len(points) - in_before
    assert (r["n_before"] == r["n_before_stöld"]).all()


def test_the_follow_up_table_starts_with_the_schema_columns() -> None:
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point, box

    from trygghet_geo import schema
    from trygghet_geo.followup import compare_periods

    t = pd.to_datetime(["2023-03-01"] * 10 + ["2024-03-01"] * 2 + ["2023-03-02", "2024-03-02"])
    inc = gpd.GeoDataFrame(
        {"occurred_at": t, "category": "stöld"}, geometry=[Point(5, 5)] * 12 + [Point(500, 500)] * 2, crs=3006
    )
    places = gpd.GeoDataFrame({"name": ["Torget"]}, geometry=[box(0, 0, 10, 10)], crs=3006)
    out = compare_periods(
        inc, places, before=("2023-01-01", "2023-12-31"), after=("2024-01-01", "2024-12-31")
    )
    assert tuple(out.columns[: len(schema.FOLLOWUP_COLUMNS)]) == schema.FOLLOWUP_COLUMNS
    assert {schema.DAYS_BEFORE, schema.DAYS_AFTER, schema.GEOMETRY} <= set(out.columns)
