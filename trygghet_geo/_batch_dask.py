"""The nationwide run's partitions on ``dask.distributed`` (:func:`trygghet_geo.batch.run`).

- **Inputs by file.** Each partition's input (and each in-memory network) is pickled to a staging folder the
  workers read, so a task holds only paths: a worker that dies loses nothing (dask reruns its task elsewhere
  from the same files) and no task graph carries the incidents.
- **Largest first, as soon as planned.** Partitions come from the planner largest first
  (:mod:`trygghet_geo._batch_plan`) and are staged and submitted one by one while the rest are still being
  planned, with their size as dask priority; results that arrive meanwhile are handled between two tasks.
- **Large partitions in blocks.** A partition of at least ``split_above`` incidents runs as a prepare task,
  one task per block of :data:`~trygghet_geo.hotspots._montecarlo.BLOCK` simulations and a finishing task
  (:mod:`trygghet_geo._batch_tasks`), so one large municipality's simulations spread over every worker
  instead of holding one of them up to the end. The blocks go ahead of the other partitions (higher
  priority); the driver combines their statistics in seed order as they arrive and, as soon as the
  sequential test of every hotspot has settled (what :func:`trygghet_geo.hotspots._montecarlo.run` would
  check after the same block), cancels the blocks not yet needed. The result is what one ``analyze`` gives.
- **One core per worker.** A ``LocalCluster`` of worker processes with one thread each; dask's nanny starts
  them with one OpenMP/BLAS thread, and numba's pool is set to one thread too.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import importlib
import os
import pickle
import shutil
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trygghet_geo import _batch_tasks as bt

if TYPE_CHECKING:
    import numpy as np
    from distributed import Client

    from trygghet_geo.hotspots._montecarlo import Plan
    from trygghet_geo.network import StreetNetwork

__all__ = ["client_for", "run_on_dask", "split_threshold", "start", "warm"]

_SPLIT_SHARE = 8
"""A partition is split when it holds at least 1 / (_SPLIT_SHARE * workers) of all the incidents."""
_SPLIT_MIN = 5_000
"""... and at least this many incidents (below, a task's fixed costs outweigh what splitting gains)."""
_QUIET = {
    # dask's statistical profiler samples every thread's stack every 10 ms: CPU the partitions' Python pays
    # for and no one reads here
    "distributed.worker.profile.enabled": False,
    # the memory monitor (100 ms), the system monitor for the dashboard (500 ms) and the event loop's tick
    # (20 ms) wake every process of the cluster: an idle LocalCluster(2) used 1.0 s of CPU per 30 s in this
    # process and 0.55 s in each worker with dask's defaults, 0.35-0.44 and 0.15 s with these (measured on the
    # 2-core machine), CPU the partitions would otherwise get
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.admin.tick.interval": "200ms",
}
_ONE_THREAD = {
    "NUMBA_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def split_threshold(sizes: list[int], n_workers: int) -> int:
    """The automatic ``split_above``: partitions of this many incidents or more run in blocks."""
    return max(_SPLIT_MIN, -(-sum(sizes) // (_SPLIT_SHARE * max(1, n_workers))))


@dataclass
class _Split:
    """The driver's view of one partition running in blocks."""

    task: bt.Task
    prepared: Any = None  # the prepare task's future (stays on its worker)
    plan: Plan | None = None  # its summary (no network)
    blocks: dict[int, Any] = field(default_factory=dict)  # block number -> future, while running
    stats: dict[int, list[np.ndarray]] = field(default_factory=dict)
    timings: list[dict[str, Any]] = field(default_factory=list)
    plan_future: Any = None
    finishing: bool = False

    def prefix(self) -> list[np.ndarray]:
        """The statistics of the blocks done without a gap from the first, in seed order."""
        out: list[np.ndarray] = []
        i = 0
        while i in self.stats:
            out += self.stats[i]
            i += 1
        return out


def warm() -> None:
    """Import the analysis and load the compiled kernels from numba's cache in this process (a worker, while
    the driver plans): a few seconds each worker would otherwise spend in its first task."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from trygghet_geo import _batch_tasks, analysis  # noqa: F401
    from trygghet_geo.hotspots._dbscan import dbscan_on_network
    from trygghet_geo.network import network_from_lines, snap_points

    line = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (100, 0), (100, 100)])], crs=3006)
    net = network_from_lines(line)
    pts = gpd.GeoDataFrame(geometry=shapely.points([1.0, 2.0, 3.0], [0.0, 0.0, 0.0]), crs=3006)
    snapped = snap_points(pts, net, max_snap_m=10.0)
    e = snapped["edge_id"].to_numpy(np.int64)
    dbscan_on_network(e, snapped["edge_offset_m"].to_numpy(float), net, eps_m=5.0, min_samples=2)


def start(
    scheduler: str | Client | None, n_workers: int | None
) -> concurrent.futures.Future[tuple[Any, bool]]:
    """:func:`client_for` on a helper thread, its workers warmed (:func:`warm`): the cluster starts while
    the driver plans the partitions."""
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="trygghet-cluster")
    try:
        return pool.submit(_started, scheduler, n_workers)
    finally:
        pool.shutdown(wait=False)


def _started(scheduler: str | Client | None, n_workers: int | None) -> tuple[Any, bool]:
    client, owned = client_for(scheduler, n_workers)
    with contextlib.suppress(Exception):  # warming only saves time: a worker that cannot warm works anyway
        client.run(warm)
    return client, owned


def close(client: Any, owned: bool) -> None:
    """Close the client and its cluster when they are ours."""
    if owned:
        client.close()
        cluster = getattr(client, "_trygghet_cluster", None)
        if cluster is not None:
            cluster.close()


def run_on_dask(
    tasks: Iterable[bt.Task],
    sizes: list[int],
    networks: Mapping[str, StreetNetwork] | str | Path,
    out: Path,
    kwargs: dict[str, Any],
    connection: tuple[Any, bool],
    split_above: int | None,
) -> Iterator[dict[str, Any]]:
    """Run the partitions on ``connection`` (a client and whether it is ours to close: then it is closed at
    the end); yield each one's result row (with ``_tasks``, its tasks' timings) as it ends.

    ``tasks`` may be a generator still planning: each task is staged and submitted as soon as it comes, and
    the results that arrive meanwhile are handled between two tasks. ``sizes`` (every partition's number of
    incidents, known before planning) sets the automatic ``split_above`` and the blocks' priority, so both
    are the same however the tasks arrive. A planning error cancels what was submitted and is raised; the
    partitions already written stay, and a resumed run skips them."""
    client, owned = connection
    staging = out / f".staging-{os.getpid()}-{time.time_ns()}"
    run = _Run(client, networks, out, kwargs, staging, top=max(sizes, default=0) + 1)
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        limit = split_threshold(sizes, workers) if split_above is None else split_above
        staging.mkdir(parents=True)
        for task in tasks:
            run.submit(task, split=task.size >= limit)
            while run.done.has_ready():
                yield from run.handle(next(run.done))
        for fut in run.done:
            yield from run.handle(fut)
    except BaseException:
        prepared = [s.prepared for _, _, s in run.pending.values() if s is not None]
        with contextlib.suppress(Exception):  # the error raised is the one to report
            client.cancel([*run.pending, *prepared])
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        close(client, owned)


class _Run:
    """The driver's state of one run on Dask: what is pending, and what to do with each result."""

    def __init__(
        self,
        client: Any,
        networks: Mapping[str, StreetNetwork] | str | Path,
        out: Path,
        kwargs: dict[str, Any],
        staging: Path,
        top: int,
    ) -> None:
        dist: Any = importlib.import_module("distributed")  # untyped: calls go through Any
        self.client, self.networks, self.out, self.kwargs = client, networks, out, kwargs
        self.staging, self.top = staging, top
        self.pending: dict[Any, tuple[str, bt.Task, _Split | None]] = {}
        self.done = dist.as_completed()
        self._net_files: dict[str, str] = {}

    def submit(self, task: bt.Task, *, split: bool) -> None:
        """Stage ``task`` and submit it: as one partition task, or (``split``) as a prepare task whose
        summary then brings the blocks."""
        task_path, nets = self._stage(task)
        key = f"{task.kommunkod}-{task.fingerprint[:12]}"
        out = str(self.out)
        if split:
            state = _Split(task)
            state.prepared = self.client.submit(
                _prepare_remote, task_path, nets, out, self.kwargs, key=f"trygghet-prepare-{key}",
                priority=task.size, pure=False,
            )  # fmt: skip
            fut = self.client.submit(
                bt.summary, state.prepared, key=f"trygghet-summary-{key}", priority=task.size
            )
            self.pending[fut] = ("summary", task, state)
        else:
            fut = self.client.submit(
                _run_remote, task_path, nets, out, self.kwargs, key=f"trygghet-partition-{key}",
                priority=task.size, pure=False,
            )  # fmt: skip
            self.pending[fut] = ("partition", task, None)
        self.done.add(fut)

    def handle(self, fut: Any) -> Iterator[dict[str, Any]]:
        """The rows a finished future completes (none, or one partition's)."""
        if fut not in self.pending:  # a block cancelled once its test had settled
            return
        kind, task, split = self.pending.pop(fut)
        try:
            result = fut.result()
        except Exception as exc:  # a worker lost (KilledWorker) or the task could not run at all
            yield _lost(task, split, exc, self.pending, self.client)
            return
        finally:
            fut.release()
        if kind == "partition":
            yield result
        elif kind == "summary" and "row" in result:
            yield result["row"]
        elif kind == "summary":
            assert split is not None
            split.plan, split.timings = result["plan"], [result["timing"]]
            for bf in _submit_blocks(self.client, split, self.top):
                self.pending[bf] = ("block", task, split)
                self.done.add(bf)
        elif kind == "block":
            assert split is not None
            i = next(k for k, f in split.blocks.items() if f is fut)
            del split.blocks[i]
            split.stats[i] = result["stats"]
            split.timings.append(result["timing"])
            fin = _maybe_finish(self.client, split, self.out, self.kwargs, self.pending, self.top)
            if fin is not None:
                self.done.add(fin)
        else:  # finish
            assert split is not None
            split.prepared.release()
            result["_tasks"] = split.timings + result["_tasks"]
            result["seconds"] = sum(t["seconds"] for t in result["_tasks"])
            result["cpu_seconds"] = sum(t["cpu_seconds"] for t in result["_tasks"])
            result["peak_rss_mib"] = max(t["peak_rss_mib"] for t in result["_tasks"])
            yield result

    def _stage(self, task: bt.Task) -> tuple[str, str | dict[str, str]]:
        """The task's input (and each in-memory network it needs, once) pickled to a file: (task file,
        networks: a store folder or a mapping kommunkod -> network file)."""
        networks = self.networks
        path = self.staging / f"task-{task.kommunkod}.pkl"
        path.write_bytes(pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL))
        if isinstance(networks, str | Path):
            return str(path), str(Path(networks).resolve())
        nets = {}
        for code in (task.kommunkod, *task.neighbours):
            if code not in networks:
                continue
            if code not in self._net_files:
                net_path = self.staging / f"network-{code}.pkl"
                net_path.write_bytes(pickle.dumps(networks[code], protocol=pickle.HIGHEST_PROTOCOL))
                self._net_files[code] = str(net_path)
            nets[code] = self._net_files[code]
        return str(path), nets


def _submit_blocks(client: Any, split: _Split, top: int) -> list[Any]:
    """One task per block of simulations, ahead of every partition (first blocks first)."""
    assert split.plan is not None
    task = split.task
    key = f"{task.kommunkod}-{task.fingerprint[:12]}"
    plan = client.submit(bt.plan_of, split.prepared, key=f"trygghet-plan-{key}", priority=top + 10_000)
    split.plan_future = plan
    for i, block in enumerate(split.plan.blocks()):
        split.blocks[i] = client.submit(
            bt.simulate_block, plan, block.start, block.stop, task.kommunkod,
            key=f"trygghet-block-{i}-{key}", priority=top + 1_000 - i, pure=False,
        )  # fmt: skip
    return list(split.blocks.values())


def _maybe_finish(
    client: Any, split: _Split, out: Path, kwargs: dict[str, Any], pending: dict[Any, Any], top: int
) -> Any:
    """When the blocks done so far are all the test needs: cancel the rest and submit the finishing task."""
    assert split.plan is not None
    if split.finishing:
        return None
    stats = split.prefix()
    if split.plan.needed(stats):
        return None
    split.finishing = True
    rest = list(split.blocks.values())
    for fut in rest:
        pending.pop(fut, None)
    if rest:
        client.cancel(rest)
    split.blocks.clear()
    split.plan_future.release()
    task = split.task
    fin = client.submit(
        _finish_remote, split.prepared, stats, str(out), kwargs,
        key=f"trygghet-finish-{task.kommunkod}-{task.fingerprint[:12]}", priority=top + 20_000, pure=False,
    )  # fmt: skip
    pending[fin] = ("finish", task, split)
    return fin


def _lost(
    task: bt.Task, split: _Split | None, exc: Exception, pending: dict[Any, Any], client: Any
) -> dict[str, Any]:
    """The row of a partition whose task could not run (a worker lost); its other tasks are cancelled."""
    out = bt.row(task.kommunkod, "failed")
    out.update(error=f"{type(exc).__name__}: {exc}", n_incidents=len(task.own), _tasks=[])
    if split is not None:
        others = [f for f, (_, t, _) in pending.items() if t is task]
        for f in others:
            pending.pop(f)
        futures = [*others, split.prepared]
        if getattr(split, "plan_future", None) is not None:
            futures.append(split.plan_future)
        client.cancel(futures)
    return out


class _StagedNetworks(Mapping[str, "StreetNetwork"]):
    """kommunkod -> network, read from the staged files on first use."""

    def __init__(self, files: Mapping[str, str]) -> None:
        self._files = dict(files)

    def __getitem__(self, code: str) -> StreetNetwork:
        net: StreetNetwork = _read_staged(self._files[code])
        return net

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


@functools.lru_cache(maxsize=32)
def _read_staged(path: str) -> Any:
    """One staged file, read once per worker process (a network serves its neighbours' partitions too)."""
    with open(path, "rb") as f:
        return pickle.load(f)


def _inputs(task_path: str, networks: str | dict[str, str]) -> tuple[bt.Task, Mapping[str, StreetNetwork]]:
    with open(task_path, "rb") as f:
        task: bt.Task = pickle.load(f)
    nets = bt.networks_of(networks) if isinstance(networks, str) else _StagedNetworks(networks)
    return task, nets


def _run_remote(
    task_path: str, networks: str | dict[str, str], out: str, kwargs: dict[str, Any]
) -> dict[str, Any]:
    return bt.run_partition(*_inputs(task_path, networks), out, kwargs)


def _prepare_remote(
    task_path: str, networks: str | dict[str, str], out: str, kwargs: dict[str, Any]
) -> dict[str, Any]:
    return bt.prepare(*_inputs(task_path, networks), out, kwargs)


def _finish_remote(
    prepared: dict[str, Any], stats: list[Any], out: str, kwargs: dict[str, Any]
) -> dict[str, Any]:
    return bt.finish(prepared, stats, out, kwargs)


def client_for(scheduler: str | Client | None, n_workers: int | None) -> tuple[Any, bool]:
    """A client of the cluster asked for, and whether it is ours to close (the caller's Client is not)."""
    dist: Any = importlib.import_module("distributed")  # untyped: calls go through Any
    Client, LocalCluster = dist.Client, dist.LocalCluster

    from trygghet_geo.errors import ParameterError

    if isinstance(scheduler, Client):
        return scheduler, False
    if scheduler is None or scheduler == "threads":
        # (workers take the config from their nanny)
        dask: Any = importlib.import_module("dask")
        environ = {**dask.config.get("distributed.nanny.pre-spawn-environ", {}), **_ONE_THREAD}
        with dask.config.set({**_QUIET, "distributed.nanny.pre-spawn-environ": environ}):
            cluster = LocalCluster(
                n_workers=n_workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=scheduler is None,
                # everything on loopback: the comms (TCP, also for in-process workers: dask's in-process
                # transport looks up the machine's outward address) and the HTTP endpoints dask serves
                protocol="tcp://",
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                worker_dashboard_address="127.0.0.1:0",
            )
        client = Client(cluster)
        client._trygghet_cluster = cluster
        return client, True
    if isinstance(scheduler, str) and "://" in scheduler:
        return Client(scheduler), True
    raise ParameterError(
        f"scheduler must be None, 'threads', 'synchronous', a scheduler address such as 'tcp://host:8786' "
        f"or a distributed.Client, got {scheduler!r}"
    )
