"""The null moments of emerging_hotspots' Gi*: the robust global window against ArcGIS's whole cube, and
several planted places in one town (the tests' grid and the grid town of bench/trend_town.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

import trygghet_geo as tg
from tests._trend_scenarios import ACCEPT, KINDS, grid, pattern_at, scenario
from trygghet_geo.errors import ParameterError
from trygghet_geo.hotspots._emerging import PATTERNS
from trygghet_geo.hotspots._emerging_null import gi_star, null_moments

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from planted import grid_town
from trend_town import pattern_near, town_scenario

HOT = {p for p in PATTERNS if not p.startswith("cold_") and p != "no_pattern"}


@pytest.fixture(scope="module")
def town():
    return grid()


def _chain(n: int) -> sparse.csr_matrix:
    a = np.eye(n) + np.eye(n, k=1) + np.eye(n, k=-1)
    return sparse.csr_matrix(a)


def test_noise_keeps_the_whole_cubes_moments() -> None:
    rng = np.random.default_rng(11)
    x = rng.poisson(2.0, (200, 12)).astype(float)
    cube = null_moments(x, _chain(200), 0.05, "entire_cube")
    robust = null_moments(x, _chain(200), 0.05, "robust")
    assert cube == (pytest.approx(x.mean()), pytest.approx(x.std()), 0)
    assert robust[0] == pytest.approx(cube[0], rel=0.02)
    assert robust[1] == pytest.approx(cube[1], rel=0.05)


def test_planted_places_leave_the_null_scale_alone() -> None:
    rng = np.random.default_rng(12)
    x = rng.poisson(1.0, (300, 12)).astype(float)
    bare = null_moments(x, _chain(300), 0.05, "robust")
    for row in (40, 120, 200, 280):
        x[row] += 15.0  # four strong places
    cube = null_moments(x, _chain(300), 0.05, "entire_cube")
    robust = null_moments(x, _chain(300), 0.05, "robust")
    assert cube[1] > 1.5 * bare[1]  # the places inflate the whole cube's scale ...
    assert robust[1] == pytest.approx(bare[1], rel=0.1)  # ... but not the robust one
    assert 1 <= robust[2] <= 25
    z = gi_star(x, _chain(300), mean=robust[0], std=robust[1])
    assert (z[[40, 120, 200, 280]] > 5).all()


def test_scale_never_under_the_poisson_scale() -> None:
    rng = np.random.default_rng(13)
    x = rng.binomial(1, 0.1, (300, 12)) * 0.5  # under-dispersed fractional weights
    x[50] += 8.0
    mean, std, _ = null_moments(x, _chain(300), 0.05, "robust")
    assert std >= np.sqrt(mean) - 1e-12


def test_four_places_in_one_town(town) -> None:
    """All four planted patterns in one data set, on seeds neither the benchmark nor the tuning used; the
    robust default finds most, and more than ArcGIS's whole-cube window on the same data."""
    found = {"robust": dict.fromkeys(KINDS, 0), "entire_cube": dict.fromkeys(KINDS, 0)}
    for seed in range(320, 324):
        events, places = scenario(town, KINDS, seed)
        for window, tally in found.items():
            segments = tg.emerging_hotspots(events, town, global_window=window)  # type: ignore[arg-type]
            assert segments.attrs["global_window"] == window
            for kind in KINDS:
                tally[kind] += pattern_at(segments, places[kind]) in ACCEPT[kind]
    robust, cube = found["robust"], found["entire_cube"]
    assert sum(robust.values()) >= 13, robust
    assert robust["persistent"] >= 3, robust
    assert sum(robust.values()) > sum(cube.values()), (robust, cube)


def test_six_places_in_the_grid_town_and_its_noise() -> None:
    net = grid_town()
    events, places = town_scenario(net, 6, 8201)
    segments = tg.emerging_hotspots(events, net)
    hits = [pattern_near(segments, anchor) in ACCEPT[kind] for kind, anchor in places]
    assert sum(hits) >= 5, hits
    noise, _ = town_scenario(net, 0, 8202)
    assert tg.emerging_hotspots(noise, net)["pattern"].isin(HOT).mean() <= 0.05


def test_attrs_and_bad_window(town) -> None:
    events, _ = scenario(town, ("persistent",), 9)
    seg = tg.emerging_hotspots(events, town)
    assert seg.attrs["global_window"] == "robust"
    assert seg.attrs["null_rounds"] >= 1
    cube = tg.emerging_hotspots(events, town, global_window="entire_cube")
    assert cube.attrs["null_rounds"] == 0
    assert seg.attrs["null_std"] < cube.attrs["null_std"]
    with pytest.raises(ParameterError, match="global_window"):
        tg.emerging_hotspots(events, town, global_window="individual_time_step")  # type: ignore[arg-type]


def test_all_events_in_one_place_still_hot() -> None:
    """When every event lies in the significant bins the kept bins are all empty: no scale can be learnt
    from them, and the place must stay hot rather than vanish."""
    x = np.zeros((50, 6))
    x[20, -1] = 12.0
    mean, std, _ = null_moments(x, _chain(50), 0.05, "robust")
    assert std > 0
    z = gi_star(x, _chain(50), mean=mean, std=std)
    assert z[20, -1] > 3
