"""What a worker of the nationwide run (:mod:`trygghet_geo.batch`) does with one municipality.

A partition runs either as one task (:func:`run_partition`: build, analyse, write) or, when it is large, as
several (:mod:`trygghet_geo._batch_dask`):

1. :func:`prepare` builds the partition and runs :func:`trygghet_geo.analyze` up to its Monte Carlo, which
   :func:`trygghet_geo.hotspots._montecarlo.capture` stops with the test's plan (the statistic, the observed
   values, the seeds ``SeedSequence(random_state).spawn(n)``);
2. :func:`simulate_block` runs one block of those simulations, each from its own seed, on any worker;
3. :func:`finish` runs ``analyze`` again on the same partition with the blocks' statistics provided, so it
   simulates nothing and gives, bit for bit, what one uninterrupted ``analyze`` gives, then writes it.

Each task reports its own timing (:func:`timing`: wall and CPU seconds, process, peak memory) so the run's
use of its workers can be judged afterwards.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo._halo import HALO, KOMMUNKOD, Partition

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

    from trygghet_geo.hotspots._montecarlo import Plan
    from trygghet_geo.network import StreetNetwork

__all__ = [
    "RESULT_COLUMNS", "Task", "build", "finish", "networks_of", "peak_rss_mib", "prepare", "row",
    "run_partition", "simulate_block", "timing",
]  # fmt: skip

logger = logging.getLogger("trygghet_geo.batch")

RESULT_COLUMNS = (
    KOMMUNKOD, "status", "n_incidents", "n_halo", "n_hotspots", "n_places", "n_hotspots_seen", "eps_m",
    "min_samples", "seconds", "cpu_seconds", "error", "worker", "peak_rss_mib",
)  # fmt: skip
"""Columns of the table :func:`trygghet_geo.batch.run` returns, one row per municipality."""


@dataclass
class Task:
    """One municipality's input: its incidents, the halo candidates, its area and neighbours."""

    kommunkod: str
    own: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    area: shapely.Geometry | None
    neighbours: tuple[str, ...]
    own_pos: np.ndarray  # the rows' places in the national table
    cand_pos: np.ndarray
    fingerprint: str = ""

    @property
    def size(self) -> int:
        return len(self.own_pos)


def networks_of(networks: Mapping[str, StreetNetwork] | str | Path) -> Mapping[str, StreetNetwork]:
    """A mapping kommunkod -> network: the one given, or the network store in a folder."""
    if isinstance(networks, str | Path):
        from trygghet_geo.network._store import NetworkStore

        return NetworkStore(networks)
    return networks


def row(code: str | None, status: str) -> dict[str, Any]:
    """An empty result row."""
    out: dict[str, Any] = dict.fromkeys(RESULT_COLUMNS)
    out.update({KOMMUNKOD: code, "status": status, "error": ""})
    return out


def peak_rss_mib() -> float:
    """This process's peak resident memory: ``VmHWM`` (Linux; reset when a worker process starts, unlike
    ``ru_maxrss``, which a spawned worker inherits from the process that started it), else ``ru_maxrss``."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class _Clock:
    def __init__(self) -> None:
        self.start, self.wall, self.cpu = time.time(), time.perf_counter(), time.process_time()


def timing(kind: str, code: str, clock: _Clock) -> dict[str, Any]:
    """One task's record: kind, kommunkod, start (epoch s), wall and CPU seconds (the whole process: with
    threads, theirs too), process and its peak resident memory so far."""
    return {
        "kind": kind, KOMMUNKOD: code, "start": clock.start, "seconds": time.perf_counter() - clock.wall,
        "cpu_seconds": time.process_time() - clock.cpu, "worker": f"pid {os.getpid()}",
        "peak_rss_mib": peak_rss_mib(),
    }  # fmt: skip


def _quiet() -> None:
    import multiprocessing

    from trygghet_geo._config import options

    if multiprocessing.parent_process() is not None:  # a worker process: no progress bars on the terminal
        options.progress = False


# --- building a partition -----------------------------------------------------------------------------------
def _own_eps(task: Task, own_net: StreetNetwork, kwargs: Mapping[str, Any]) -> float:
    """eps for the partition: the number asked, or chosen from the municipality's own incidents."""
    eps = kwargs.get("eps_m", "auto")
    if not isinstance(eps, str):
        return float(eps)
    from trygghet_geo.analysis import _parameters, _snap

    own = _snap(task.own.copy(), own_net, max_snap_m=float(kwargs.get("max_snap_m", 100.0)))
    params = _parameters(
        own, own_net, "auto", kwargs.get("min_samples", "auto"), kwargs.get("random_state", 0)
    )
    return float(params.eps_m)


def build(task: Task, nets: Mapping[str, StreetNetwork], kwargs: Mapping[str, Any]) -> Partition:
    """The partition: the municipality's incidents and halo on its streets joined with its neighbours'."""
    import shapely

    from trygghet_geo import _halo
    from trygghet_geo.errors import NetworkError
    from trygghet_geo.network._store import NetworkStore

    if task.kommunkod not in nets:
        raise NetworkError(f"no street network for kommunkod {task.kommunkod!r}")
    own_net = nets[task.kommunkod]
    eps = _own_eps(task, own_net, kwargs)
    max_snap = float(kwargs.get("max_snap_m", 100.0))
    zone = None if task.area is None else shapely.buffer(task.area, 2.0 * eps + max_snap)
    edges: dict[str, Any] = {}
    for code in task.neighbours:
        if code not in nets:
            continue
        if isinstance(nets, NetworkStore):
            edges[code] = nets.edges_within(
                code, zone.bounds if zone is not None else own_net.edges.total_bounds
            )
        else:
            edges[code] = nets[code].edges
    network, own_edges = _halo.partition_network(own_net, edges, zone)
    in_halo = _halo.select_halo(task.candidates, network, own_edges, eps_m=eps, max_snap_m=max_snap)
    network, own_edges = _halo.trim_to_reach(network, own_edges, 2.0 * eps)
    halo = task.candidates[in_halo]
    frame = pd.concat([task.own.assign(**{HALO: False}), halo.assign(**{HALO: True})])
    frame = frame.iloc[np.argsort(np.r_[task.own_pos, task.cand_pos[in_halo]], kind="stable")]
    return Partition(task.kommunkod, frame, network, eps, own_edges)


def _analyze(part: Partition, kwargs: Mapping[str, Any]) -> Any:
    from trygghet_geo import analysis  # looked up at call time: tests replace analysis.analyze

    rest = {k: v for k, v in kwargs.items() if k != "eps_m"}
    # The batch writes tables and one national page, never a partition's own map: no basemap is read for it
    # unless the caller asks for one.
    rest.setdefault("basemap", False)
    return analysis.analyze(part.incidents, network=part.network, eps_m=part.eps_m, **rest)


def _failed(task: Task, exc: Exception) -> dict[str, Any]:
    logger.warning("kommunkod %s failed: %s: %s", task.kommunkod, type(exc).__name__, exc)
    out = row(task.kommunkod, "failed")
    out.update(error=f"{type(exc).__name__}: {exc}", n_incidents=len(task.own))
    return out


def _with_timing(out: dict[str, Any], kind: str, task: Task, clock: _Clock) -> dict[str, Any]:
    t = timing(kind, task.kommunkod, clock)
    out.update(seconds=t["seconds"], cpu_seconds=t["cpu_seconds"], worker=t["worker"])
    out.update(peak_rss_mib=t["peak_rss_mib"], _tasks=[t])
    return out


# --- the tasks ----------------------------------------------------------------------------------------------
def run_partition(
    task: Task, networks: Mapping[str, StreetNetwork], out: str, kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """Build, analyse and write one partition; every failure becomes a row with status "failed"."""
    from trygghet_geo import _batch_out

    _quiet()
    clock = _Clock()
    try:
        part = build(task, networks, kwargs)
        result = _analyze(part, kwargs)
        done = {
            **row(task.kommunkod, "done"),
            **_batch_out.write_partition(Path(out), part, result, task.fingerprint),
        }
    except Exception as exc:  # one municipality's failure is reported, never lost or fatal
        done = _failed(task, exc)
    return _with_timing(done, "partition", task, clock)


def prepare(
    task: Task, networks: Mapping[str, StreetNetwork], out: str, kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """Build the partition and analyse it up to its Monte Carlo. Returns ``{"plan", "part", "task",
    "timing"}``, or ``{"row": ...}`` when the analysis needed no simulation (it is then written) or failed."""
    from trygghet_geo import _batch_out
    from trygghet_geo.hotspots import _montecarlo

    _quiet()
    clock = _Clock()
    try:
        part = build(task, networks, kwargs)
        with _montecarlo.capture():
            result = _analyze(part, kwargs)
        done = {
            **row(task.kommunkod, "done"),
            **_batch_out.write_partition(Path(out), part, result, task.fingerprint),
        }
    except _montecarlo.Captured as captured:
        return {
            "plan": captured.plan,
            "part": part,
            "task": task,
            "timing": timing("prepare", task.kommunkod, clock),
        }
    except Exception as exc:  # as run_partition
        done = _failed(task, exc)
    return {"row": _with_timing(done, "partition", task, clock)}


def summary(prepared: dict[str, Any]) -> dict[str, Any]:
    """What the driver needs of :func:`prepare`'s result: its row, or the plan without the network."""
    if "row" in prepared:
        return prepared
    return {"plan": prepared["plan"].summary(), "timing": prepared["timing"]}


def plan_of(prepared: dict[str, Any]) -> Plan:
    """The Monte Carlo plan of a prepared partition (what the blocks need, without the partition)."""
    plan: Plan = prepared["plan"]
    return plan


def simulate_block(plan: Plan, lo: int, hi: int, code: str) -> dict[str, Any]:
    """The statistics of simulations ``lo..hi-1`` of a partition's Monte Carlo."""
    _quiet()
    clock = _Clock()
    stats = plan.simulate_block(range(lo, hi))
    return {"stats": stats, "timing": timing("block", code, clock)}


def finish(
    prepared: dict[str, Any], stats: list[np.ndarray], out: str, kwargs: Mapping[str, Any]
) -> dict[str, Any]:
    """Analyse the prepared partition with its simulations' statistics given, and write it."""
    from trygghet_geo import _batch_out
    from trygghet_geo.hotspots import _montecarlo

    _quiet()
    clock = _Clock()
    task: Task = prepared["task"]
    part: Partition = prepared["part"]
    try:
        with _montecarlo.provided(stats):
            result = _analyze(part, kwargs)
        done = {
            **row(task.kommunkod, "done"),
            **_batch_out.write_partition(Path(out), part, result, task.fingerprint),
        }
    except Exception as exc:  # as run_partition
        done = _failed(task, exc)
    return _with_timing(done, "finish", task, clock)
