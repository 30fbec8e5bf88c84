"""A large municipality's Monte Carlo split into blocks of simulations run as separate tasks: the Monte Carlo
hooks (capture, blocks in any order, provided) give what one uninterrupted run gives, the sequential stop
included, and the batch with several blocks per partition equals ``analyze`` on the partition bit for bit.

Sockets: loopback only, as in ``tests/test_batch.py`` (dask's in-process workers)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

from trygghet_geo import analysis, batch, sample
from trygghet_geo.hotspots import _montecarlo as mc

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])


def _statistic(rng: np.random.Generator) -> np.ndarray:
    """A stand-in for a simulation: the scores of a random number of simulated clusters."""
    return rng.gamma(2.0, 1.0, size=int(rng.integers(0, 6)))


def _blocks_then_provided(
    observed: np.ndarray, n: int, seed: int, order: list[int]
) -> tuple[mc.MonteCarlo, int]:
    """The Monte Carlo run as the batch runs it: captured, blocks in ``order``, each combined as it comes,
    then ``run`` again with the statistics provided. Returns the result and the blocks computed."""
    with pytest.raises(mc.Captured) as captured, mc.capture():
        mc.run(_statistic, observed, n_simulations=n, random_state=seed, alpha=0.05)
    plan = captured.value.plan
    blocks = plan.blocks()
    assert [len(b) for b in blocks] == [min(mc.BLOCK, n - b.start) for b in blocks]
    summary = plan.summary()
    assert summary.statistic is None
    got: dict[int, list[np.ndarray]] = {}
    for i in order:
        got[i] = plan.simulate_block(blocks[i])
        prefix: list[np.ndarray] = []
        while len(prefix) // mc.BLOCK in got and len(prefix) < n:
            prefix += got[len(prefix) // mc.BLOCK]
        if not summary.needed(prefix):
            break

    def forbidden(rng: np.random.Generator) -> np.ndarray:
        raise AssertionError("a provided simulation was run again")

    with mc.provided(prefix):
        result = mc.run(forbidden, observed, n_simulations=n, random_state=seed, alpha=0.05)
    return result, len(got)


@pytest.mark.parametrize(
    ("observed", "settles"),
    [(np.array([0.5, 1.0, 2.0]), True), (np.array([0.5, 30.0]), False), (np.array([]), False)],
)
@pytest.mark.parametrize("order", ["forward", "backward"])
def test_blocks_in_any_order_give_the_uninterrupted_run(observed, settles, order):
    n, seed = 47, 11
    whole = mc.run(_statistic, observed, n_simulations=n, random_state=seed, alpha=0.05)
    # low statistics are reached often: their test settles early; a high one never does
    assert (len(whole.stats) < n) == settles
    blocks = list(range(len(mc.Plan(None, [], observed, n, 0.05, True).blocks())))
    result, computed = _blocks_then_provided(
        observed, n, seed, blocks if order == "forward" else blocks[::-1]
    )
    assert len(result.stats) == len(whole.stats)
    for a, b in zip(result.stats, whole.stats, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(result.stop, whole.stop)
    np.testing.assert_array_equal(result.p_bc, whole.p_bc)
    if order == "forward":  # blocks arriving in seed order stop as soon as the uninterrupted run stops
        assert computed == -(-len(whole.stats) // mc.BLOCK)


def test_a_block_not_provided_is_simulated():
    observed = np.array([30.0])
    whole = mc.run(_statistic, observed, n_simulations=25, random_state=3, alpha=0.05)
    with mc.provided({k: whole.stats[k] for k in range(10)}):  # the first block only
        again = mc.run(_statistic, observed, n_simulations=25, random_state=3, alpha=0.05)
    for a, b in zip(again.stats, whole.stats, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_partition_split_into_several_blocks_equals_analyze(tmp_path):
    """25 simulations: three blocks (10, 10, 5) per split partition, on two in-process workers."""
    kw = {"eps_m": 60.0, "min_samples": 10, "n_simulations": 25, "random_state": 7}
    inc, mun, nets = sample.synthetic_nation(4, 1500, seed=3, sample_streets=False)
    sizes = inc["kommunkod"].value_counts()
    largest = str(sizes.index[0])
    table = batch.run(
        inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="threads", n_workers=2,
        split_above=int(sizes.iloc[0]), **kw,
    )  # fmt: skip
    assert (table["status"] == "done").all(), table[["kommunkod", "status", "error"]]
    tasks = table.attrs["tasks"]
    mine = tasks[tasks["kommunkod"] == largest]
    ref_part = batch.partition(inc, municipalities=mun, networks=nets, kommunkod=largest, **kw)
    rest = {k: v for k, v in kw.items() if k != "eps_m"}
    ref = analysis.analyze(ref_part.incidents, network=ref_part.network, eps_m=ref_part.eps_m, **rest)
    assert sorted(mine["kind"]) == ["block"] * int((mine["kind"] == "block").sum()) + ["finish", "prepare"]
    assert 1 <= (mine["kind"] == "block").sum() <= 3
    assert set(tasks.loc[tasks["kind"] == "partition", "kommunkod"]) == set(sizes.index[1:].astype(str))
    hot = gpd.read_parquet(tmp_path / f"kommunkod={largest}" / "hotspots.parquet")
    assert len(hot) == len(ref.hotspots) > 0
    for col in ("hotspot_id", "n_events", "p_value", "q_value", "p_max", "significant", "stability"):
        np.testing.assert_array_equal(hot[col].to_numpy(), ref.hotspots[col].to_numpy())
    got = gpd.read_parquet(tmp_path / f"kommunkod={largest}" / "incidents.parquet")
    np.testing.assert_array_equal(got["hotspot_id"].to_numpy(), ref.incidents["hotspot_id"].to_numpy())
