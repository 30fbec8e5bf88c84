"""analyze() with its defaults on the held-out family of bench/planted_holdout.py (shapes the defaults were
not developed on: a stretch of street, a tight crossing, ten events in a sparse town, two hotspots 140-200 m
apart), on the synthetic grid town, with seeds the benchmark does not use (it runs 2001...)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from trygghet_geo import analyze

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from planted import grid_town, score
from planted_holdout import holdout_scenario


@pytest.fixture(scope="module")
def town():
    return grid_town()


CASES = [("line", 30.0, 3001), ("crossing", 30.0, 3002), ("small", 2.0, 3003), ("pair", 30.0, 3004)]


@pytest.mark.parametrize(("kind", "per_km", "seed"), CASES)
def test_held_out_shapes_are_found_and_significant(town, kind, per_km, seed) -> None:
    sc = holdout_scenario(town, kind, per_km, seed)
    result = analyze(sc.incidents, network=town, n_simulations=19, random_state=seed)
    found, significant, _ = score(result.places, sc)
    # every planted hotspot is a top-3 place of its own (a pair merged into one place counts once)
    assert (found, significant) == (len(sc.hot_xy), len(sc.hot_xy))
    if kind == "pair":
        hot = result.places[result.places["kind"] == "hotspot"].head(2)
        assert hot["hotspot_id"].nunique() == 2


def test_held_out_noise_at_other_densities_finds_nothing(town) -> None:
    from planted import scenario

    for per_km, seed in ((8.0, 3011), (20.0, 3012)):
        sc = scenario(town, per_km, seed, n_hot=0)
        result = analyze(sc.incidents, network=town, n_simulations=19, random_state=seed)
        assert not result.places["significant"].any(), per_km
        lab = result.incidents["cluster"].to_numpy()
        assert np.isin(lab, [-1]).mean() > 0.5  # noise stays mostly unclustered
