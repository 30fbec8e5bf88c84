"""Benchmark: the nationwide run (trygghet_geo.batch.run) serial against a LocalCluster of 2 workers.

Data: ``sample.synthetic_nation`` (about 290 municipalities: copies of the sample's real streets, large and
small grids, shared border grids, planted hotspots). Both runs use the same parameters (analyze's defaults
unless given: eps and min_samples "auto", ``--simulations`` Monte Carlo runs, random_state 0):

- ``serial``    ``scheduler="synchronous"``: one municipality after another in this process, with one thread
  of computation (OpenMP/BLAS/numba pools set to one thread before numpy is imported; dask not used). This is
  the same work on one core: the same partitions, the same halo, the same outputs.
- ``cluster``   ``batch.run``'s default cluster: ``LocalCluster(n_workers=2, threads_per_worker=1)`` worker
  processes, one thread each; large municipalities' simulations split into blocks (``split_above`` automatic).
  It is ``batch.run(scheduler=None)``: its time counts from before the cluster starts (batch.run starts it on
  a helper thread while it plans).

Printed: each run's total time and its phases (planning in this process, the partitions, the national
outputs), the speed-up, each worker's peak memory, and figures that can be judged on a loaded machine:

- ``CPU speed-up``: the serial run's CPU over the cluster run's critical CPU (this process's CPU plus the
  busiest worker's): what the division of the work allows when every process gets a core of its own;
- ``busy cores``: the workers' task CPU over the span from the first task's start to the last one's end.

Then whether the two outputs are identical (every partition's incidents, hotspots and places and the
national places table, bit for bit). With ``--kill-worker-after S`` one worker process is killed (SIGKILL)
S seconds into the cluster run: dask restarts it and reruns its task, and the output must still equal the
serial one.

Run:  .venv/bin/python bench/bench_nationwide.py        (the issue's configuration: 290 municipalities,
                                                         1,000,000 incidents, 99 simulations, 2 workers)
      .venv/bin/python bench/bench_nationwide.py --incidents 100000 --simulations 19   (smaller)

Measured 2026-12-05 on the shared 2-core machine under load (the load average is printed with each figure):

    290 kommuner, 100,000 incidents, 19 simulations (load 6-8): serial 156.0 s wall, 70.1 s CPU;
        LocalCluster(2) 189.5 s wall: 0.82x; CPU speed-up 1.32x (this process 10.8 s + busiest worker
        42.3 s; the workers' tasks took 84.2 s of CPU against the serial 70.1 s); peak per worker 0.70 GiB;
        outputs identical (the largest municipality ran in 2 blocks)
    290 kommuner, 1,000,000 incidents, 99 simulations, --skip-serial (load 9-13): LocalCluster(2) 1239.8 s
        wall; workers' task CPU 215.5 s and 221.8 s; this process 50.0 s CPU (planning 6.7 s and staging
        1.9 s of it when measured alone); the largest municipality (79,898 incidents) as prepare 3.2 s +
        10 blocks 35.9 s + finish 5.2 s CPU; peak per worker 0.59 GiB; all 290 done

Measured 2026-12-06 (same machine, under load; the code before and after the tasks were streamed, back to back
with the same harness):

    290 kommuner, 100,000 incidents, 9 simulations: the first task handed on after 12.8 s (before: all the
        planning first; load 7-9) and after 0.8 s (streamed; load 6-7); this process 21.4 s and 20.8 s CPU;
        outputs identical to the serial run in both. The wall ratios (1.20x, 0.89x) measure the load only.
    planning alone on 1,000,000 incidents (warm, load 3-4): before 10.7-14.6 s CPU, all of it before the
        first task; streamed 2.4-2.9 s CPU to the first task and 16.0-19.4 s CPU in all (one take and one
        row hash per task cost more than one for the whole table), tasks and fingerprints identical
    40 kommuner, 40,000 incidents, 9 simulations, --kill-worker-after 15 (load 5-8): the worker killed and
        restarted, 40/40 done, outputs identical to the serial run
    290 kommuner, 1,000,000 incidents, 99 simulations, streamed (load 2-3.6: not idle): serial 504.4 s wall,
        488.8 s CPU (planning 22.3 s); LocalCluster(2) 321.2 s wall (first task after 5.5 s, planning 53.9 s
        wall beside the tasks): 1.57x; this process 46.6 s CPU, workers 255.2 s and 256.3 s; busy cores 1.64
        of 2; peak per worker 0.64 GiB; outputs identical. The serial run then planned task by task as well
        (22.3 s); it now hashes the whole table at once (6.6 s CPU for its planning alone, warm, load 2.3)
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_name] = "1"  # before numpy and numba are imported: the serial run computes on one thread

import argparse  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pandas as pd  # noqa: E402


def _same_outputs(a: Path, b: Path, codes: list[str]) -> bool:
    import geopandas as gpd

    for code in codes:
        for name in ("hotspots", "places", "incidents"):
            left = gpd.read_parquet(a / f"kommunkod={code}" / f"{name}.parquet")
            right = gpd.read_parquet(b / f"kommunkod={code}" / f"{name}.parquet")
            try:
                pd.testing.assert_frame_equal(left, right, check_exact=True)
            except AssertionError as exc:
                print(f"  differs: kommunkod={code}/{name}.parquet: {str(exc).splitlines()[0]}")
                return False
    left, right = (gpd.read_parquet(p / "places.parquet") for p in (a, b))
    return bool(left.equals(right))


def _killer(after_s: float, done: threading.Event) -> None:
    """SIGKILL one worker process ``after_s`` seconds in (unless the run is over by then): a child of this
    process started by dask's nanny (multiprocessing's ``spawn_main``)."""
    import psutil

    if done.wait(after_s):
        return
    workers = [
        p.pid for p in psutil.Process().children(recursive=True) if "spawn_main" in " ".join(p.cmdline())
    ]
    victim = sorted(workers)[0]
    print(f"  killing worker process {victim} after {after_s:g} s")
    os.kill(victim, signal.SIGKILL)


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _phases(table: pd.DataFrame) -> str:
    p = table.attrs["phases"]
    return (
        f"planning {p['plan']:.1f} s (the first task handed on after {p['first_task']:.1f} s; the rest of "
        f"the planning goes on while tasks run), partitions {p['run']:.1f} s, national outputs "
        f"{p['outputs']:.1f} s"
    )


def _serial(incidents, municipalities, networks, out: Path, kw: dict) -> tuple[pd.DataFrame, float, float]:
    from trygghet_geo import batch

    t0, c0 = time.perf_counter(), time.process_time()
    table = batch.run(
        incidents, municipalities=municipalities, networks=networks, out=out, scheduler="synchronous",
        resume=False, **kw,
    )  # fmt: skip
    return table, time.perf_counter() - t0, time.process_time() - c0


def _cluster(incidents, municipalities, networks, out: Path, kw: dict, args) -> tuple:
    """batch.run with its own default cluster (started on a helper thread while the driver plans)."""
    from trygghet_geo import batch

    t0, c0 = time.perf_counter(), time.process_time()
    done = threading.Event()
    if args.kill_worker_after is not None:
        threading.Thread(target=_killer, args=(args.kill_worker_after, done), daemon=True).start()
    try:
        table = batch.run(
            incidents, municipalities=municipalities, networks=networks, out=out, scheduler=None,
            n_workers=args.workers, resume=False, split_above=args.split_above, **kw,
        )  # fmt: skip
    finally:
        done.set()
    return table, time.perf_counter() - t0, time.process_time() - c0


def _report_workers(table: pd.DataFrame) -> tuple[float, float, float]:
    """Per worker: tasks, CPU, peak memory. Returns (busiest worker's CPU, peak GiB, busy cores)."""
    tasks = table.attrs["tasks"]
    by = tasks.groupby("worker").agg(
        tasks=("kind", "size"),
        cpu=("cpu_seconds", "sum"),
        wall=("seconds", "sum"),
        peak=("peak_rss_mib", "max"),
    )
    for worker, r in by.iterrows():
        print(
            f"  worker {worker}: {int(r['tasks'])} tasks, CPU {r['cpu']:.1f} s, busy {r['wall']:.1f} s, "
            f"peak {r['peak']:,.0f} MiB ({r['peak'] / 1024:.2f} GiB)"
        )
    kinds = tasks.groupby("kind").agg(n=("kind", "size"), cpu=("cpu_seconds", "sum"))
    print("  tasks: " + ", ".join(f"{k} {int(r['n'])} ({r['cpu']:.1f} s CPU)" for k, r in kinds.iterrows()))
    span = (tasks["start"] + tasks["seconds"]).max() - tasks["start"].min()
    return float(by["cpu"].max()), float(by["peak"].max()) / 1024, float(by["cpu"].sum() / span)


def _plan_only(incidents, municipalities, networks, kw: dict) -> None:
    """The planning batch.run does, alone, twice (the first run pays the imports): wall and CPU seconds until
    the first task is built and until the last one is."""
    from trygghet_geo import _batch_plan

    for _ in range(2):
        t0, c0 = time.perf_counter(), time.process_time()
        tasks = _batch_plan.plan(incidents, municipalities, networks, kw).tasks()
        next(tasks)
        first, first_cpu = time.perf_counter() - t0, time.process_time() - c0
        n = 1 + sum(1 for _ in tasks)
        print(
            f"planning {n} tasks: first task after {first:.2f} s wall ({first_cpu:.2f} s CPU), all after "
            f"{time.perf_counter() - t0:.2f} s wall ({time.process_time() - c0:.2f} s CPU); {_load()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", type=int, default=290)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--simulations", type=int, default=99)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kill-worker-after", type=float, default=None, help="seconds into the cluster run")
    parser.add_argument(
        "--split-above", type=int, default=None, help="batch.run's split_above (default: auto)"
    )
    parser.add_argument("--skip-serial", action="store_true", help="the cluster run only (no speed-up)")
    parser.add_argument(
        "--plan-only", action="store_true", help="time the planning alone (no partition is run)"
    )
    parser.add_argument("--out", default=None, help="folder for the two outputs (default: a temporary one)")
    args = parser.parse_args()

    from trygghet_geo import options, sample

    options.progress = False
    print(f"start: {_load()}, {os.cpu_count()} cores")
    t0 = time.perf_counter()
    incidents, municipalities, networks = sample.synthetic_nation(
        args.municipalities, args.incidents, args.seed
    )
    edges = sum(len(n.edges) for n in networks.values())
    print(
        f"synthetic nation: {len(municipalities)} municipalities, {len(incidents):,} incidents, "
        f"{edges:,} street edges, made in {time.perf_counter() - t0:.1f} s (not timed below)"
    )
    root = Path(args.out or tempfile.mkdtemp(prefix="bench-nationwide-"))
    kw = {"n_simulations": args.simulations, "random_state": 0}

    if args.plan_only:
        _plan_only(incidents, municipalities, networks, kw)
        return
    serial = None
    if not args.skip_serial:
        serial, t_serial, cpu_serial = _serial(incidents, municipalities, networks, root / "serial", kw)
        print(
            f"serial (one process, one thread)   {t_serial:8.1f} s wall, {cpu_serial:.1f} s CPU "
            f"({_phases(serial)}); peak {serial['peak_rss_mib'].max():,.0f} MiB (data included); {_load()}"
        )
    par, t_par, cpu_driver = _cluster(incidents, municipalities, networks, root / "cluster", kw, args)
    print(
        f"LocalCluster({args.workers}), 1 thread each  {t_par:8.1f} s wall (the cluster's start included, "
        f"{_phases(par)}); this process {cpu_driver:.1f} s CPU; {_load()}"
    )
    busiest, peak, busy = _report_workers(par)
    counts = par["status"].value_counts().to_dict()
    print(f"  cluster: {counts}, {int(par['n_places'].sum())} places")
    if serial is None:
        print(f"peak per worker {peak:.2f} GiB (goal <= 2 GiB); busy cores {busy:.2f}; outputs in {root}")
        return
    print(f"  serial: {serial['status'].value_counts().to_dict()}, {int(serial['n_places'].sum())} places")
    codes = [str(c) for c in serial.loc[serial["status"] == "done", "kommunkod"]]
    t0 = time.perf_counter()
    same = _same_outputs(root / "serial", root / "cluster", codes)
    print(
        f"identical outputs (every partition, bit for bit): {same} "
        f"(compared in {time.perf_counter() - t0:.1f} s)"
    )
    ideal = cpu_serial / (cpu_driver + busiest)
    print(
        f"total {t_serial + t_par:.1f} s; speed-up {t_serial / t_par:.2f}x (goal >= 1.7x); CPU speed-up "
        f"{ideal:.2f}x (serial CPU {cpu_serial:.1f} s / (this process {cpu_driver:.1f} s + busiest worker "
        f"{busiest:.1f} s)); busy cores {busy:.2f} of {args.workers}; peak per worker {peak:.2f} GiB "
        f"(goal <= 2 GiB); {_load()}; outputs in {root}"
    )


if __name__ == "__main__":
    main()
