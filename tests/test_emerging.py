"""Emerging hotspots: Gi* against esda and a direct sum, Mann-Kendall against pymannkendall, planted cases."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from shapely.geometry import LineString, Point

import trygghet_geo as tg
from tests._trend_scenarios import ACCEPT, grid, pattern_at, scenario
from trygghet_geo.errors import InputError, ParameterError
from trygghet_geo.hotspots._emerging import PATTERNS, gi_star, mann_kendall
from trygghet_geo.network import network_from_lines

HOT = {p for p in PATTERNS if not p.startswith("cold_") and p != "no_pattern"}


def _random_neighbours(rng: np.random.Generator, n: int) -> np.ndarray:
    a = rng.random((n, n)) < 0.15
    a = a | a.T
    np.fill_diagonal(a, False)
    for i in np.flatnonzero(~a.any(axis=1)):
        a[i, (i + 1) % n] = a[(i + 1) % n, i] = True
    return a


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gi_star_one_step_equals_esda(seed: int) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # esda/libpysal import-time deprecations are not ours
        from esda.getisord import G_Local
        from libpysal.weights import W
    rng = np.random.default_rng(seed)
    n = 40
    a = _random_neighbours(rng, n)
    y = rng.poisson(2.0, n).astype(float)
    w = W({i: np.flatnonzero(a[i]).tolist() for i in range(n)}, silence_warnings=True)
    ref = G_Local(y, w, transform="B", star=True, permutations=0).Zs
    full = sparse.csr_matrix((a | np.eye(n, dtype=bool)).astype(float))
    mine = gi_star(y[:, None], full, space_time=False)
    np.testing.assert_allclose(mine[:, 0], ref, rtol=0, atol=1e-9)
    # the same with the scale given explicitly (the path the robust global window takes)
    explicit = gi_star(y[:, None], full, space_time=False, mean=float(y.mean()), std=float(y.std()))
    np.testing.assert_allclose(explicit[:, 0], ref, rtol=0, atol=1e-9)


def test_space_time_gi_star_equals_direct_sum() -> None:
    rng = np.random.default_rng(3)
    n, t = 15, 6
    a = _random_neighbours(rng, n) | np.eye(n, dtype=bool)
    x = rng.poisson(1.5, (n, t)).astype(float)
    z = gi_star(x, sparse.csr_matrix(a.astype(float)))
    flat = x.ravel()
    big_n, mean = flat.size, flat.mean()
    s = np.sqrt((flat**2).mean() - mean**2)
    for i in range(n):
        for k in range(t):
            bins = [(j, kk) for j in range(n) for kk in (k - 1, k) if a[i, j] and kk >= 0]
            w = len(bins)
            total = sum(x[j, kk] for j, kk in bins)
            want = (total - mean * w) / (s * np.sqrt((big_n * w - w * w) / (big_n - 1)))
            assert z[i, k] == pytest.approx(want, abs=1e-9)


def test_mann_kendall_equals_pymannkendall() -> None:
    import pymannkendall

    rng = np.random.default_rng(4)
    series = np.vstack(
        [
            rng.normal(size=(20, 24)),
            np.round(rng.normal(size=(20, 24)), 0),  # many ties
            np.cumsum(rng.normal(size=(5, 24)), axis=1),
            np.zeros((1, 24)),
            np.arange(24.0)[None, :],
        ]
    )
    z, p = mann_kendall(series)
    for row, zi, pi in zip(series, z, p, strict=True):
        ref = pymannkendall.original_test(row)
        assert zi == pytest.approx(ref.z, abs=1e-9)
        assert pi == pytest.approx(ref.p, abs=1e-9)


@pytest.fixture(scope="module")
def town():
    return grid()


@pytest.mark.parametrize("kind", sorted(ACCEPT))
def test_planted_trend_found_with_defaults(town, kind: str) -> None:
    hits = []
    for seed in range(300, 305):  # held-out seeds: the benchmark and tuning used others
        events, places = scenario(town, (kind,), seed)
        segments = tg.emerging_hotspots(events, town)
        hits.append(pattern_at(segments, places[kind]) in ACCEPT[kind])
    assert sum(hits) >= 4, hits


@pytest.mark.parametrize(("seed", "per_km_month"), [(400, 1.0), (401, 3.0), (402, 8.0)])
def test_noise_rarely_hot(town, seed: int, per_km_month: float) -> None:
    events, _ = scenario(town, (), seed, background_per_km_month=per_km_month)
    segments = tg.emerging_hotspots(events, town)
    assert segments["pattern"].isin(HOT).mean() <= 0.05


def test_table_contract(town) -> None:
    events, _ = scenario(town, ("new",), 7)
    events.index = events.index + 1000  # the user's index is not assumed
    a = tg.emerging_hotspots(events, town, lang="en")
    b = tg.emerging_hotspots(events, town, lang="en")
    pd.testing.assert_frame_equal(a, b)
    steps = a.attrs["steps"]
    assert len(steps) == 24
    assert steps[0] == "2023-01"
    assert [c for c in a.columns if c.startswith("count_")] == [f"count_{s}" for s in steps]
    assert a.attrs["n_events"] + a.attrs["n_left_out"] == len(events)
    assert a[[f"count_{s}" for s in steps]].to_numpy().sum() == pytest.approx(len(events))
    assert set(a["pattern"]) <= set(PATTERNS)
    row = a[a["pattern"] != "no_pattern"].iloc[0]
    assert row["label"].endswith("hot spot")
    sv = tg.emerging_hotspots(events, town, lang="sv")
    assert "Inget mönster" in set(sv["label"])
    assert a.crs == town.edges.crs


def test_interval_split_between_months() -> None:
    net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (300, 0)])], crs=3006))
    ev = gpd.GeoDataFrame(
        {
            "occurred_from": pd.to_datetime(["2024-01-31 12:00", "2024-02-10 10:00", "2024-01-01 00:00"]),
            "occurred_to": pd.to_datetime(["2024-02-01 12:00", pd.NaT, "2024-03-30 00:00"]),
        },
        geometry=[Point(50, 0), Point(50, 0), Point(250, 0)],
        crs=3006,
    )
    seg = tg.emerging_hotspots(ev, net, neighbourhood_m=100)
    first = seg.iloc[0]
    assert first["count_2024-01"] == pytest.approx(0.5)  # 12 of 24 hours in January
    assert first["count_2024-02"] == pytest.approx(1.5)
    last = seg.iloc[-1]
    assert last["count_2024-01"] == pytest.approx(1.0)  # too long an interval: counted at its start
    assert seg.attrs["n_long_intervals"] == 1


def test_bad_input(town) -> None:
    events, _ = scenario(town, (), 1)
    with pytest.raises(ParameterError, match="time_step"):
        tg.emerging_hotspots(events, town, time_step="fortnight")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="segment_m"):
        tg.emerging_hotspots(events, town, segment_m=-5)
    with pytest.raises(ParameterError, match="alpha"):
        tg.emerging_hotspots(events, town, alpha=2)
    with pytest.raises(InputError, match="no incident"):
        tg.emerging_hotspots(events.assign(occurred_at=pd.NaT), town)


def test_cli_trend_writes_the_segment_and_near_repeat_tables(tmp_path, capsys) -> None:
    import geopandas as gpd

    from trygghet_geo import sample
    from trygghet_geo.cli import main

    raw = sample.write_raw(tmp_path / "raw")
    sample.load_network().to_file(tmp_path / "gatunat.gpkg")
    out = tmp_path / "out"
    code = main(["trend", str(raw["incidents"]), "--network", str(tmp_path / "gatunat.gpkg"),
                 "--simulations", "19", "--out", str(out)])  # fmt: skip
    assert code == 0
    table = gpd.read_file(out / "utveckling.gpkg")
    assert {"pattern", "label", "trend_z", "trend_p", "n_steps_hot"} <= set(table.columns)
    assert set(table["pattern"].dropna()) <= set(PATTERNS)
    # shared (the default): a segment under k keeps its geometry, all its incidents make is empty
    steps = [c for c in table.columns if c.startswith("count_")]
    few = table["n_events"].isna()
    assert few.any()
    assert table.loc[few, ["pattern", "trend_z", *steps]].isna().all().all()
    assert (table.loc[~few, "n_events"] >= 5).all()
    assert not ((table[steps] > 0) & (table[steps] < 5)).any().any()
    knox = pd.read_csv(out / "narupprepning.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert len(knox) == 16
    printed = capsys.readouterr().out
    assert "tidssteg" in printed
    assert "Närliggande upprepningar" in printed
    assert f"Karta: {out / 'utveckling.html'}" in printed
    html = (out / "utveckling.html").read_text(encoding="utf-8")
    assert "TrygghetMap.build" in html
    assert '"months":["' in html  # the time filter's months
    shown = table[(table["pattern"] != "no_pattern") & (table["n_events"] >= 5)]
    assert len(shown) > 0  # the sample's planted places have patterns
    assert '"trend":{"title":"Utveckling längs gatorna' in html  # drawn as the shared mode allows
    assert all(label in html for label in set(shown["label"]))
