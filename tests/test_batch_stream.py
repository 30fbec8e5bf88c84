"""The nationwide run's tasks streamed to the workers while planning goes on (trygghet_geo._batch_plan and
_batch_dask.run_on_dask): tasks start before planning ends, an error in the middle of planning is raised and
the run resumes from what was written, a lost worker fails its municipality only, the result table's order
does not depend on the order tasks end in, and the plan is the same whichever tasks are asked for.

Every output is compared with the serial run (``scheduler="synchronous"``) on the same small nation."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from trygghet_geo import _batch_dask, _batch_plan, _batch_tasks, batch, sample

pytestmark = pytest.mark.allow_hosts(["127.0.0.1"])

KW = {"eps_m": 60.0, "min_samples": 10, "n_simulations": 5, "random_state": 7}
SPLIT = 500  # the three largest municipalities (800, 585, 578 incidents) run their Monte Carlo in blocks
TIMING = ("seconds", "cpu_seconds", "worker", "peak_rss_mib")


@pytest.fixture(scope="module")
def nation():
    return sample.synthetic_nation(6, 2400, seed=1, sample_streets=False)


@pytest.fixture(scope="module")
def serial(nation, tmp_path_factory):
    inc, mun, nets = nation
    out = tmp_path_factory.mktemp("serial")
    table = batch.run(inc, municipalities=mun, networks=nets, out=out, scheduler="synchronous", **KW)
    assert (table["status"] == "done").all()
    return out, table


def _run(nation, out: Path, **kw):
    inc, mun, nets = nation
    return batch.run(
        inc, municipalities=kw.pop("municipalities", mun), networks=nets, out=out, scheduler="threads",
        n_workers=2, split_above=SPLIT, **KW, **kw,
    )  # fmt: skip


def _same_files(a: Path, b: Path, codes) -> None:
    for code in codes:
        for name in ("incidents", "hotspots", "places"):
            left = gpd.read_parquet(a / f"kommunkod={code}" / f"{name}.parquet")
            right = gpd.read_parquet(b / f"kommunkod={code}" / f"{name}.parquet")
            pd.testing.assert_frame_equal(left, right, check_exact=True)
    pd.testing.assert_frame_equal(
        gpd.read_parquet(a / "places.parquet"), gpd.read_parquet(b / "places.parquet"), check_exact=True
    )


def test_tasks_start_before_planning_ends(nation, serial, tmp_path, monkeypatch):
    """After handing on its first task, planning waits until a worker has begun a partition: only a run that
    submits each task as it is planned gets past that wait."""
    begun = threading.Event()
    waited = []
    real_build, real_tasks = _batch_tasks.build, _batch_plan.Plan.tasks

    def build(*args, **kwargs):
        begun.set()
        return real_build(*args, **kwargs)

    def tasks(self):
        for i, task in enumerate(real_tasks(self)):
            yield task
            if i == 0:
                waited.append(begun.wait(timeout=60))

    monkeypatch.setattr(_batch_tasks, "build", build)
    monkeypatch.setattr(_batch_plan.Plan, "tasks", tasks)
    table = _run(nation, tmp_path)
    assert waited == [True]
    assert (table["status"] == "done").all(), table[["kommunkod", "status", "error"]]
    phases = table.attrs["phases"]
    assert phases["first_task"] < phases["first_task"] + phases["run"]
    assert phases["plan"] >= phases["first_task"]
    _same_files(serial[0], tmp_path, serial[1]["kommunkod"])


@pytest.mark.parametrize("failing", [1, 4])
def test_an_error_midway_through_planning_is_raised_and_the_run_resumes(
    nation, serial, tmp_path, monkeypatch, failing
):
    """Planning the ``failing``-th task raises (the first: before any task was submitted, the cluster is
    closed all the same)."""
    real = _batch_plan.row_hashes
    calls = []

    def fails(frame):
        calls.append(1)
        if len(calls) == failing:
            raise OSError("the incident table went away")
        return real(frame)

    monkeypatch.setattr(_batch_plan, "row_hashes", fails)
    with pytest.raises(OSError, match="went away"):
        _run(nation, tmp_path)
    monkeypatch.setattr(_batch_plan, "row_hashes", real)
    assert not list(tmp_path.glob(".staging-*"))
    written = {p.name for p in tmp_path.glob("kommunkod=*")}
    assert len(written) <= failing - 1  # at most the tasks planned before the error
    again = _run(nation, tmp_path)
    status = again.set_index("kommunkod")["status"]
    assert set(status[status == "skipped"].index) == {n.split("=")[1] for n in written}
    assert (status[status != "skipped"] == "done").all()
    assert not list(tmp_path.glob(".tmp-*"))
    _same_files(serial[0], tmp_path, serial[1]["kommunkod"])


def test_a_lost_worker_fails_its_municipality_only(nation, serial, tmp_path, monkeypatch):
    """A task whose future ends in dask's KilledWorker (what the scheduler reports after workers died on it
    more than ``allowed-failures`` times; raised here by the task itself, as in-process workers cannot be
    killed): one plain partition and one split into blocks (its other tasks are then cancelled). The
    others are done and equal the serial run; a resumed run completes the two."""
    from distributed import KilledWorker

    real_run, real_block = _batch_dask._run_remote, _batch_tasks.simulate_block
    gone = SimpleNamespace(address="tcp://127.0.0.1:1")  # the scheduler's record of the dead worker

    def run_remote(task_path, *args):
        if task_path.endswith("task-0614.pkl"):
            raise KilledWorker("trygghet-partition-0614", gone, 3)
        return real_run(task_path, *args)

    def simulate_block(plan, lo, hi, code):
        if code == "0114":
            raise KilledWorker(f"trygghet-block-{code}", gone, 3)
        return real_block(plan, lo, hi, code)

    monkeypatch.setattr(_batch_dask, "_run_remote", run_remote)
    monkeypatch.setattr(_batch_tasks, "simulate_block", simulate_block)
    table = _run(nation, tmp_path)
    by = table.set_index("kommunkod")
    assert set(by.index[by["status"] == "failed"]) == {"0114", "0614"}
    assert by.loc["0614", "error"].startswith("KilledWorker")
    assert by.loc["0114", "n_incidents"] == serial[1].set_index("kommunkod").loc["0114", "n_incidents"]
    assert not (tmp_path / "kommunkod=0114").exists()
    others = [c for c in by.index if c not in ("0114", "0614")]
    assert (by.loc[others, "status"] == "done").all()
    monkeypatch.setattr(_batch_dask, "_run_remote", real_run)
    monkeypatch.setattr(_batch_tasks, "simulate_block", real_block)
    again = _run(nation, tmp_path)
    assert again.set_index("kommunkod")["status"].to_dict() == {
        c: "done" if c in ("0114", "0614") else "skipped" for c in by.index
    }
    _same_files(serial[0], tmp_path, serial[1]["kommunkod"])


@pytest.mark.parametrize("n_workers", [1, 3])
def test_the_result_table_is_in_kommunkod_order_whatever_ends_first(nation, tmp_path, n_workers):
    """Two of the municipalities only, so some incidents are in none: one row per municipality by code, the
    unassigned count last, and every column but the timings as the serial run gives them."""
    inc, mun, nets = nation
    small = mun[mun["kommunkod"].isin(["0714", "0114", "0414"])]
    ref = batch.run(
        inc, municipalities=small, networks=nets, out=tmp_path / "s", scheduler="synchronous", **KW
    )
    table = batch.run(
        inc, municipalities=small, networks=nets, out=tmp_path / "d", scheduler="threads",
        n_workers=n_workers, split_above=SPLIT, **KW,
    )  # fmt: skip
    assert table["kommunkod"].tolist()[:-1] == ["0114", "0414", "0714"]
    assert pd.isna(table["kommunkod"].iloc[-1])
    assert table["status"].iloc[-1] == "unassigned"
    assert table["n_incidents"].iloc[-1] == (~inc["kommunkod"].isin(["0714", "0114", "0414"])).sum()
    plain = [c for c in table.columns if c not in TIMING]
    pd.testing.assert_frame_equal(table[plain], ref[plain], check_exact=True)
    tasks = table.attrs["tasks"]
    assert set(tasks.loc[tasks["kind"] == "block", "kommunkod"]) == {"0114", "0414"}


def test_the_plan_is_the_same_whichever_tasks_are_asked_for(nation):
    """Largest first; each task (rows, neighbours, fingerprint) the same when planned alone, and every row
    hash the hash of the whole table's row (a row's hash does not depend on the rows planned with it)."""
    inc, mun, nets = nation
    plan = _batch_plan.plan(inc, mun, nets, KW)
    sizes = inc["kommunkod"].value_counts()
    assert plan.sizes == {str(c): int(n) for c, n in sizes.items()}
    assert plan.order == sorted(plan.sizes, key=lambda c: (-plan.sizes[c], c))
    whole = pd.Series(_batch_plan.row_hashes(plan._frame), index=plan._frame.index)
    tasks = list(plan.tasks())
    assert [t.kommunkod for t in tasks] == plan.order
    for task in reversed(tasks):
        alone = next(_batch_plan.plan(inc, mun, nets, KW, only=task.kommunkod).tasks())
        assert alone.fingerprint == task.fingerprint
        assert alone.neighbours == task.neighbours
        np.testing.assert_array_equal(alone.cand_pos, task.cand_pos)
        pd.testing.assert_frame_equal(alone.own, task.own)
        pd.testing.assert_frame_equal(alone.candidates, task.candidates)
        np.testing.assert_array_equal(
            _batch_plan.row_hashes(task.candidates), whole.loc[task.candidates.index].to_numpy()
        )
    assert len({t.fingerprint for t in tasks}) == len(tasks)
    hashed = _batch_plan.plan(inc, mun, nets, KW)
    hashed.hash_rows()  # the serial run's way: the whole table hashed at once
    assert [t.fingerprint for t in hashed.tasks()] == [t.fingerprint for t in tasks]


def test_the_automatic_split_comes_from_the_sizes_before_planning(nation, tmp_path, monkeypatch):
    """The same threshold for a fresh and a resumed run: from every municipality's number of incidents."""
    inc, mun, nets = nation
    seen = []
    real = _batch_dask.split_threshold

    def record(sizes, n_workers):
        seen.append((sorted(sizes), n_workers))
        return real(sizes, n_workers)

    monkeypatch.setattr(_batch_dask, "split_threshold", record)
    for _ in range(2):
        batch.run(
            inc, municipalities=mun, networks=nets, out=tmp_path, scheduler="threads", n_workers=2, **KW
        )
    expected = (sorted(int(n) for n in inc["kommunkod"].value_counts()), 2)
    assert seen == [expected, expected]
