"""Areas: SCB's DeSO/RegSO layouts and district layers, and the per-area summary checked by hand."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.stats import beta
from shapely.geometry import LineString, Point, box

from trygghet_geo.areas import SUMMARY_COLUMNS, area_summary, read_areas, summary_table
from trygghet_geo.errors import CRSError, InputError, ParameterError, SchemaError

CRS = "EPSG:3006"


def _deso(columns: dict[str, str]) -> gpd.GeoDataFrame:
    """Three DeSO in SCB's layout, the column names renamed by ``columns``."""
    frame = gpd.GeoDataFrame(
        {
            "deso": ["0180C1010", "0180C1020", "0180C1030"],
            "kommun": ["0180", "0180", "0180"],
            "kommunnamn": ["Stockholm"] * 3,
            "lan": ["01"] * 3,
            "lannamn": ["Stockholms län"] * 3,
        },
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)],
        crs=CRS,
    )
    return frame.rename(columns=columns)


@pytest.mark.parametrize("case", [str.lower, str.upper, str.title])
def test_deso_layout_is_recognised_in_any_case(tmp_path: Path, case: object) -> None:
    layer = _deso({c: case(c) for c in ("deso", "kommun", "kommunnamn", "lan", "lannamn")})  # type: ignore[operator]
    path = tmp_path / "DeSO_2018_v2.gpkg"
    layer.to_file(path, driver="GPKG")
    areas = read_areas(path)
    assert areas["area_id"].tolist() == ["0180C1010", "0180C1020", "0180C1030"]
    assert areas["area_name"].tolist() == areas["area_id"].tolist()  # a DeSO has no name: its code
    assert set(areas["area_kind"]) == {"deso"}
    assert areas["kommun"].tolist() == ["0180"] * 3
    assert areas["kommunnamn"].tolist() == ["Stockholm"] * 3
    assert areas["population"].isna().all()
    assert len(areas) == 3
    assert areas.crs.to_epsg() == 3006
    assert case("lannamn") in areas.columns  # type: ignore[operator]  # the layer's own columns pass through


def test_regso_layout_code_and_name() -> None:
    layer = gpd.GeoDataFrame(
        {
            "RegSO": ["Rinkeby", "Tensta"],
            "RegSOkod": ["0180R001", "0180R002"],
            "Kommun": [180, 180],  # a code read as a number loses its leading zero
            "Kommunnamn": ["Stockholm", "Stockholm"],
        },
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=CRS,
    )
    areas = read_areas(layer)
    assert areas[["area_id", "area_name", "area_kind", "kommun"]].values.tolist() == [
        ["0180R001", "Rinkeby", "regso", "0180"],
        ["0180R002", "Tensta", "regso", "0180"],
    ]


def test_district_layer_and_explicit_mapping() -> None:
    layer = gpd.GeoDataFrame(
        {"OMR": ["11", "12"], "Benämning": ["Norr", "Söder"], "Folkmängd 2024": ["1 200", "800"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs=CRS,
    )
    with pytest.raises(SchemaError, match="no column holds"):
        read_areas(layer)
    areas = read_areas(layer, id_column="omr", name_column="Benämning")
    assert areas[["area_id", "area_name", "area_kind"]].values.tolist() == [
        ["11", "Norr", "district"],
        ["12", "Söder", "district"],
    ]
    assert areas["population"].tolist() == [1200.0, 800.0]  # recognised by its prefix, spaces read
    named = gpd.GeoDataFrame({"Stadsdel": ["A", "B"]}, geometry=layer.geometry, crs=CRS)
    assert read_areas(named)["area_id"].tolist() == ["A", "B"]  # without a code the name is the id
    with pytest.raises(SchemaError, match=r"population_column='Invånare' is not a column"):
        read_areas(layer, id_column="OMR", population_column="Invånare")


def test_bad_layers_are_named_by_file_row_and_field(tmp_path: Path) -> None:
    dup = _deso({})
    dup.loc[2, "deso"] = "0180C1010"
    path = tmp_path / "deso.gpkg"
    dup.to_file(path, driver="GPKG")
    with pytest.raises(InputError, match=r"deso\.gpkg: row 1, 3, field 'deso'.*more than one area"):
        read_areas(path)
    line = _deso({})
    line.loc[1, "geometry"] = LineString([(0, 0), (1, 1)])
    with pytest.raises(InputError, match=r"row 2, field 'geometry': a LineString"):
        read_areas(line)
    missing = _deso({})
    missing.loc[0, "deso"] = None
    with pytest.raises(InputError, match=r"row 1, field 'deso': no area code"):
        read_areas(missing)
    pop = _deso({}).assign(befolkning=["10", "många", "-3"])
    with pytest.raises(InputError, match=r"row 2, 3, field 'befolkning': 'många'"):
        read_areas(pop)
    with pytest.raises(CRSError, match="no CRS"):
        read_areas(_deso({}).set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="no such file"):
        read_areas(tmp_path / "saknas.gpkg")


def _incidents(rows: list[tuple[float, float, str, str]]) -> gpd.GeoDataFrame:
    x, y, when, cat = zip(*rows, strict=True)
    return gpd.GeoDataFrame(
        {
            "occurred_at": pd.to_datetime(list(when)).tz_localize("Europe/Stockholm"),
            "category": list(cat),
            "status": "ok",
        },
        geometry=[Point(a, b) for a, b in zip(x, y, strict=True)],
        crs=CRS,
    )


def test_rates_per_1000_by_hand_and_empty_areas_kept() -> None:
    areas = read_areas(_deso({}))
    population = {"0180C1010": 2000, "0180C1020": 500}  # the third area's population is unknown
    now, before = "2025-06-15", "2024-06-15"
    rows = [(50, 50, now, "stöld")] * 3 + [(60, 40, now, "våld")]  # 4 in area 1 this year
    rows += [(50, 50, before, "stöld")] * 2  # 2 there the year before
    rows += [(150, 50, now, "narkotika")] * 3  # 3 in area 2
    rows += [(900, 900, now, "stöld")]  # 1 outside every area: counts in the town total only
    rows += [(100, 50, now, "stöld")]  # on the border of areas 1 and 2: the first area in table order
    s = area_summary(_incidents(rows), areas, period=("2025-01-01", "2025-12-31"), population=population)
    assert s["area_id"].tolist() == ["0180C1010", "0180C1020", "0180C1030"]  # none dropped, order kept
    assert s["n"].tolist() == [5, 3, 0]
    assert s["n_stöld"].tolist() == [4, 0, 0]
    assert s["n_våld"].tolist() == [1, 0, 0]
    assert s["n_narkotika"].tolist() == [0, 3, 0]
    # per 1,000 inhabitants over the period: 5 / 2000 * 1000 = 2.5, 3 / 500 * 1000 = 6.0
    assert s["rate_per_1000"].iloc[:2].tolist() == pytest.approx([2.5, 6.0])
    assert np.isnan(s["rate_per_1000"].iloc[2])
    # the town total of the period is 9 (one of them outside every area)
    assert s["share_pct"].tolist() == pytest.approx([500 / 9, 300 / 9, 0.0])
    assert s.attrs["total"] == 9
    assert s.attrs["outside"] == 1
    # change: 5 in 2025 (365 days) against 2 in 2024, the calendar year before (366 days)
    assert s.attrs["previous"][0].strftime("%Y-%m-%d") == "2024-01-01"
    assert s["n_previous"].tolist() == [2, 0, 0]
    assert s["change_pct"].iloc[0] == pytest.approx(100 * ((5 / 365) / (2 / 366) - 1))
    # the exact interval by another route: Clopper–Pearson from the beta distribution, the rate ratio is
    # p / (1 - p) scaled by the days
    lo_p, hi_p = beta.ppf(0.025, 5, 3), beta.ppf(0.975, 6, 2)
    assert s["change_ci_low"].iloc[0] == pytest.approx(100 * (lo_p / (1 - lo_p) * 366 / 365 - 1))
    assert s["change_ci_high"].iloc[0] == pytest.approx(100 * (hi_p / (1 - hi_p) * 366 / 365 - 1))
    assert np.isnan(s["change_pct"].iloc[2])  # nothing in either period: no change to tell
    # exact Poisson interval of the rate (Garwood), from the chi-square by hand for n = 3, population 500
    assert s["rate_ci_low"].iloc[1] == pytest.approx(0.6187 / 500 * 1000, rel=1e-3)
    assert s["rate_ci_high"].iloc[1] == pytest.approx(8.7673 / 500 * 1000, rel=1e-3)
    assert [c for c in SUMMARY_COLUMNS if c not in s.columns] == []


def test_summary_left_out_rows_are_counted_not_lost() -> None:
    areas = read_areas(_deso({}))
    inc = _incidents([(50, 50, "2025-03-01", "stöld")] * 4)
    inc.loc[0, "status"] = "rejected"
    inc["precision"] = ["exact", "exact", "municipality", "exact"]
    s = area_summary(inc, areas, period=("2025-01-01", "2025-12-31"))
    assert s["n"].tolist() == [2, 0, 0]
    assert s.attrs["left_out"] == {"status_not_ok": 1, "coarse_location": 1}


def test_population_argument_checked() -> None:
    areas = read_areas(_deso({}))
    inc = _incidents([(50, 50, "2025-03-01", "stöld")])
    with pytest.raises(ParameterError, match="not in the layer"):
        area_summary(inc, areas, period=("2025-01-01", "2025-12-31"), population={"0999X": 5})
    s = area_summary(
        inc, areas, period=("2025-01-01", "2025-12-31"), population=pd.Series({"0180C1010": 100})
    )
    assert s["rate_per_1000"].iloc[0] == pytest.approx(10.0)


def test_places_are_listed_in_their_area() -> None:
    areas = read_areas(_deso({}))
    places = gpd.GeoDataFrame(
        {"name": ["Torget", "Parken"], "rank": [1, 2]},
        geometry=[box(10, 10, 20, 20), box(110, 10, 120, 20)],
        crs=CRS,
    )
    s = area_summary(_incidents([(1, 1, "2025-01-05", "stöld")]), areas, period=("2025", "2025-12-31"),
                     places=places)  # fmt: skip
    assert s["places"].tolist() == ["Torget", "Parken", ""]
    assert s["n_places"].tolist() == [1, 1, 0]


def test_summary_table_hides_counts_under_k_in_shared_mode() -> None:
    areas = read_areas(_deso({}))
    rows = [(50, 50, "2025-03-01", "stöld")] * 7 + [(150, 50, "2025-03-01", "stöld")] * 2
    rows += [(50, 50, "2024-03-01", "stöld")] * 6
    s = area_summary(
        _incidents(rows), areas, period=("2025-01-01", "2025-12-31"), population={"0180C1020": 40}
    )
    shared = summary_table(s)
    assert shared["Händelser"].tolist() == ["7", "..", "0"]  # nothing happened to no one: 0 stays 0
    assert shared.loc[1, "Per 1 000 inv."] == ""  # 2 / 40 inhabitants would give the count back
    assert shared.loc[0, "Förändring (%)"] == "17"
    internal = summary_table(s, privacy="internal", lang="en")
    assert internal["Incidents"].tolist() == [7, 2, 0]
    assert internal.loc[1, "Per 1,000 inh."] == "50,0"


def test_sample_districts_are_real_names_derived_borders_synthetic_population() -> None:
    from trygghet_geo import _sample_areas, sample

    d = sample.generate_districts()
    assert d.equals(sample.generate_districts())  # deterministic
    points = _sample_areas.place_points(sample.pbf_path())
    names = set(points["name"])
    assert set(d["stadsdel"]) == names
    assert len(d) == 6
    assert "Kajsaniemi" in names
    assert (d["befolkning_kalla"] == "syntetisk").all()
    assert d["omrade_kalla"].str.startswith("härledd").all()
    areas = read_areas(d)
    assert areas.attrs["synthetic_population"] is True
    assert (areas["population"] > 0).all()
    metric = areas.to_crs(sample.load_network().crs)
    hull = sample.study_area().geometry.iloc[0]
    assert metric.union_all().symmetric_difference(hull).area < 1e-6 * hull.area  # a partition of the area
    assert metric.geometry.area.sum() == pytest.approx(hull.area, rel=1e-9)  # no overlaps
    # each district holds its own OSM place point
    pts = points.to_crs(metric.crs)
    for name, pt in zip(pts["name"], pts.geometry, strict=True):
        assert metric.loc[metric["area_name"] == name].geometry.iloc[0].contains(pt)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n", [30, 3000])
def test_counts_match_point_in_polygon_by_brute_force(seed: int, n: int) -> None:
    """Random districts (a jittered grid) and random incidents: every area's count equals shapely's
    ``contains`` counted one polygon at a time, and nothing is lost or counted twice."""
    rng = np.random.default_rng(seed)
    cells = [box(x, y, x + 100, y + 100) for x in range(0, 400, 100) for y in range(0, 300, 100)]
    layer = gpd.GeoDataFrame(
        {"stadsdel": [f"S{i}" for i in range(len(cells))], "befolkning": rng.integers(0, 5000, len(cells))},
        geometry=cells,
        crs=CRS,
    )
    xy = rng.uniform(-50, 450, size=(n, 2))  # some outside every area
    days = rng.integers(0, 730, n)
    inc = gpd.GeoDataFrame(
        {
            "occurred_at": (pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")).tz_localize(
                "Europe/Stockholm"
            ),
            "category": rng.choice(["stöld", "våld", "narkotika"], n),
        },
        geometry=[Point(x, y) for x, y in xy],
        crs=CRS,
    )
    areas = read_areas(layer)
    s = area_summary(inc, areas, period=("2025-01-01", "2025-12-31"))
    now = (days >= 366).astype(bool)
    for i, cell in enumerate(cells):
        inside = np.array([cell.contains(Point(x, y)) for x, y in xy])
        assert s["n"].iloc[i] == int((inside & now).sum())
        assert s["n_previous"].iloc[i] == int((inside & ~now).sum())
    assert int(s["n"].sum()) + s.attrs["outside"] == s.attrs["total"] == int(now.sum())
    assert (s[["n_stöld", "n_våld", "n_narkotika"]].sum(axis=1) == s["n"]).all()
    with_people = s["population"] > 0
    assert np.allclose(
        s.loc[with_people, "rate_per_1000"], 1000 * s["n"][with_people] / s["population"][with_people]
    )


def test_population_table_in_scb_layout(tmp_path: Path) -> None:
    from trygghet_geo.areas import read_population

    path = tmp_path / "befolkning.csv"
    path.write_text(
        '"region";"ålder";"kön";"2024"\n"0180C1010 Stockholm";"totalt";"totalt";2000\n'
        '"0180C1020 Stockholm";"totalt";"totalt";500\n',
        encoding="utf-8",
    )
    pop = read_population(path)
    assert pop.to_dict() == {"0180C1010": 2000.0, "0180C1020": 500.0}
    inc = _incidents([(50, 50, "2025-03-01", "stöld")] * 4)
    s = area_summary(inc, read_areas(_deso({})), period=("2025-01-01", "2025-12-31"), population=pop)
    assert s["rate_per_1000"].iloc[0] == pytest.approx(2.0)  # 4 / 2000 * 1000
    path.write_text("Område;Invånare\nNorr;1200\nSöder;många\nNorr;5\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"row 2, 4, field 'Område': the area 'Norr' is given more than once"
    ):
        read_population(path)
    path.write_text("Område;Invånare\nNorr;1200\nSöder;många\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3, field 'Invånare': 'många'"):
        read_population(path, id_column="område")
