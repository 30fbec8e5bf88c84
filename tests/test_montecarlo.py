"""How the Monte Carlo runs (trygghet_geo.hotspots._montecarlo): one stream per simulation, the same result
for any number of workers and any order of blocks, and Besag-Clifford sequential stopping that keeps p-values
valid."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from trygghet_geo.hotspots import _montecarlo as mc
from trygghet_geo.hotspots import find_hotspots
from trygghet_geo.hotspots._dbscan import dbscan_on_network
from trygghet_geo.hotspots._significance import _from_simulations, hotspot_significance
from trygghet_geo.network import network_from_lines

COLS = ["p_value", "q_value", "p_max", "significant"]


@pytest.fixture(scope="module")
def town():
    """A small grid town with one planted concentration and uniform noise (drawn with shapely, not with
    the package's random_positions), clustered and turned into hotspots."""
    xs = np.arange(0, 1201, 200.0)
    lines = [shapely.LineString([(x, 0), (x, 1200)]) for x in xs]
    lines += [shapely.LineString([(0, y), (1200, y)]) for y in xs]
    net = network_from_lines(gpd.GeoDataFrame(geometry=lines, crs=3006))
    rng = np.random.default_rng(3)
    geoms = net.edges.geometry.to_numpy()
    length = net.edges["length_m"].to_numpy()
    pick = rng.choice(len(geoms), 400, p=length / length.sum())
    pts = list(shapely.line_interpolate_point(geoms[pick], rng.random(400), normalized=True))
    pts += list(shapely.points(rng.normal(600, 6, 40), np.full(40, 600.0)))  # a planted hotspot
    from trygghet_geo.network.snap import snap_points

    inc = gpd.GeoDataFrame(geometry=pts, crs=3006)
    snap = snap_points(inc, net)
    inc["edge_id"] = snap["edge_id"].to_numpy()
    inc["edge_offset_m"] = snap["edge_offset_m"].to_numpy()
    labels, _ = dbscan_on_network(inc["edge_id"], inc["edge_offset_m"], net, eps_m=40, min_samples=4)
    clustered = inc[labels >= 0]
    hs = find_hotspots(clustered, labels[labels >= 0], net, eps_m=40)
    assert len(hs) >= 3  # the planted one and some chance clusters
    return net, inc, hs


@pytest.mark.parametrize("sequential", [True, False])
def test_same_result_for_one_and_two_workers(town, sequential) -> None:
    net, inc, hs = town
    kw = {"eps_m": 40, "min_samples": 4, "n_simulations": 39, "random_state": 7, "sequential": sequential}
    one = hotspot_significance(hs, inc, net, n_jobs=1, **kw)
    two = hotspot_significance(hs, inc, net, n_jobs=2, **kw)
    for c in COLS:
        np.testing.assert_array_equal(one[c].to_numpy(), two[c].to_numpy())
    assert one["significant"].iloc[0]  # the planted concentration, largest first
    assert float(one["p_value"].iloc[0]) < 0.01


def _stat(rng: np.random.Generator) -> np.ndarray:
    """A cheap stand-in for one simulation: the statistics of a random number of clusters."""
    return rng.exponential(1.0, size=int(rng.integers(3, 9)))


def test_blocks_in_any_order_on_any_workers_combine_to_the_serial_run() -> None:
    observed = np.array([9.0, 3.0, 1.5, 0.2])
    serial = mc.run(_stat, observed, n_simulations=99, random_state=11, alpha=0.05)
    seeds = mc.seeds(11, 99)
    blocks = [range(60, 99), range(25), range(25, 60)]  # out of order, and another block size
    got = {}
    for jobs, block in zip((2, 1, 2), blocks, strict=True):
        got.update(zip(block, mc.simulate(_stat, seeds, block, n_jobs=jobs), strict=True))
    every = [got[k] for k in range(99)]
    combined = mc.combine(observed, every, 99, alpha=0.05)
    a, b = _from_simulations(observed, serial), _from_simulations(observed, combined)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(serial.stop, combined.stop)
    for s, t in zip(serial.stats, every, strict=False):  # the serial run may have stopped early
        np.testing.assert_array_equal(s, t)


def test_sequential_stopping_skips_what_is_known_and_keeps_the_strong_hotspot() -> None:
    observed = np.array([40.0, 0.5, 0.1])  # one far beyond anything simulated, two ordinary
    seq = mc.run(_stat, observed, n_simulations=99, random_state=1, alpha=0.05)
    full = mc.run(_stat, observed, n_simulations=99, random_state=1, alpha=0.05, sequential=False)
    assert len(full.stats) == 99
    assert seq.stop[0] == 99  # never settled: all simulations, as without stopping
    assert np.isnan(seq.p_bc[0])
    assert (seq.stop[1:] < 99).all()
    p_seq, p_full = _from_simulations(observed, seq), _from_simulations(observed, full)
    assert p_seq[0][0] == p_full[0][0]
    assert p_seq[1][0] == p_full[1][0]
    assert (p_seq[0][1:] >= mc.H / seq.stop[1:]).all()  # Besag-Clifford: at least H / l


def test_everything_settled_stops_the_monte_carlo_early() -> None:
    observed = np.array([0.3, 0.1])
    seq = mc.run(_stat, observed, n_simulations=99, random_state=2, alpha=0.05)
    assert len(seq.stats) < 99
    assert np.isfinite(seq.p_bc).all()


def test_sequential_p_values_stay_valid_under_the_null() -> None:
    """Observed statistics drawn like the simulated ones: P(p <= x) must not exceed x (both p-values)."""
    rng = np.random.default_rng(0)
    p_max, p_val = [], []
    for rep in range(300):
        observed = rng.exponential(1.0, size=3)
        run = mc.run(_stat, observed, n_simulations=39, random_state=rep, alpha=0.05)
        a, b = _from_simulations(observed, run)
        p_max.append(a)
        p_val.append(b)
    p_max_all, p_val_all = np.concatenate(p_max), np.concatenate(p_val)
    for x in (0.05, 0.1, 0.2, 0.5):
        assert np.mean(p_val_all <= x) <= x + 0.03, x
        assert np.mean(p_max_all <= x) <= x + 0.03, x


@pytest.mark.parametrize("bad", [0, 1.5, True, "2"])
def test_n_jobs_must_be_none_or_a_non_zero_integer(town, bad) -> None:
    from trygghet_geo.errors import ParameterError

    net, inc, hs = town
    with pytest.raises(ParameterError, match="n_jobs"):
        hotspot_significance(hs, inc, net, eps_m=40, min_samples=4, n_simulations=9, n_jobs=bad)


def test_seeds_come_from_one_seed_sequence() -> None:
    a = mc.seeds(5, 4)
    b = np.random.SeedSequence(5).spawn(4)
    assert [s.entropy for s in a] == [s.entropy for s in b]
    assert [s.spawn_key for s in a] == [s.spawn_key for s in b]
    g1, g2 = mc.seeds(np.random.default_rng(1), 3), mc.seeds(np.random.default_rng(1), 3)
    assert [s.entropy for s in g1] == [s.entropy for s in g2]
