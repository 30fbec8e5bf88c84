"""The weights of ``min_samples="auto"`` (a local Poisson test per position) and hotspots spread over squares
crossed by many walkways (``bench/planted_squares.py``, a generator written for this case)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import poisson

from trygghet_geo import analyze
from trygghet_geo.hotspots._parameters import ball_table, poisson_threshold, street_weights
from trygghet_geo.network.snap import random_positions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from planted import score
from planted_squares import square_middles, square_scenario, square_town


@pytest.fixture(scope="module")
def squares():
    return square_town()


@pytest.mark.parametrize("mean", [0.3, 1.0, 4.6, 12.0, 42.0, 108.0])
def test_poisson_threshold_lies_between_scipys_quantile_steps(mean) -> None:
    k = float(poisson_threshold(mean)) - 1.0  # the event itself is not part of the Poisson count
    assert poisson.cdf(np.floor(k), mean) <= 0.99 + 1e-12
    assert poisson.cdf(np.ceil(k), mean) >= 0.99 - 1e-12


def test_weights_are_softer_than_the_length_ratio_and_tend_to_it(squares) -> None:
    e, t = random_positions(squares, 4000, random_state=3)
    table = ball_table(squares, 50.0)
    ball = table.ball_m[table.bucket(e, t)]
    linear = table.weights(e, t)
    sparse = table.weights(e, t, 20.0 / 1000.0)  # 20 events per km of street
    dense = table.weights(e, t, 5.0)  # 5,000 per km: the Poisson spread vanishes
    rich, poor = ball > 1.05 * table.reference_m, ball < 0.95 * table.reference_m
    assert rich.sum() > 100
    assert poor.sum() > 100
    # a place with more street than usual is down-weighted less, one with less street up-weighted less
    assert (sparse[rich] >= linear[rich] - 1e-12).all()
    assert (sparse[rich] > linear[rich] + 0.02).mean() > 0.5
    assert (sparse[poor] <= linear[poor] + 1e-12).all()
    np.testing.assert_allclose(dense, linear, rtol=0.05)
    # street_weights takes the intensity from the events it is given
    lam = len(e) / float(squares.edges["length_m"].sum())
    np.testing.assert_allclose(street_weights(squares, e, t, 50.0), table.weights(e, t, lam))


def test_weights_per_bucket_equal_the_threshold_ratio_per_event(squares) -> None:
    """The weights are kept per bucket and intensity: bit for bit the ratio of the thresholds computed at
    each event, for a second call and for an intensity seen before."""
    e, t = random_positions(squares, 3000, random_state=8)
    e[::97] = -1  # unsnapped positions weigh 1
    table = ball_table(squares, 40.0)
    for lam in (0.004, 0.03, 0.004):
        on = e >= 0
        direct = np.ones(len(e))
        ball = table.ball_m[table.bucket(e[on], t[on])]
        direct[on] = poisson_threshold(lam * table.reference_m) / poisson_threshold(lam * ball)
        np.testing.assert_array_equal(table.weights(e, t, lam), np.clip(direct, 1 / 3, 3))


def test_square_middles_hold_far_more_street_than_a_plain_crossing(squares) -> None:
    import networkx as nx
    from planted import _graph, _hot_lines

    graph = _graph(squares)
    middles = square_middles(squares)
    within = [sum(x.length for x in _hot_lines(graph, squares, int(n), 60.0)) for n in middles]
    assert min(within) > 800  # a plain crossing of four streets holds 240 m
    assert nx.is_connected(graph)


@pytest.mark.parametrize(("per_km", "per_hot", "seed"), [(40.0, 30, 42), (20.0, 20, 43)])
def test_hotspots_spread_over_walkway_squares_are_found_and_significant(
    squares, per_km, per_hot, seed
) -> None:
    sc = square_scenario(squares, per_km, seed, per_hot=per_hot)
    result = analyze(sc.incidents, network=squares, n_simulations=19, random_state=seed)
    found, significant, _ = score(result.places, sc)
    assert (found, significant) == (2, 2)
