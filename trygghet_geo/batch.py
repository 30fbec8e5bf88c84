"""The nationwide run: every municipality's analysis at once, on Dask, resumable: :func:`run`.

A municipality's partition is its own incidents plus a *halo*: the neighbouring municipalities' incidents
within ``2 * eps`` along the streets of its own streets, on its own streets joined with the neighbours'
streets that come that near (the rules and why ``2 * eps`` are in :mod:`trygghet_geo._halo`). Each partition
is analysed by :func:`trygghet_geo.analyze`, unchanged, with the caller's parameters and ``random_state``,
so a partition's output is what ``analyze`` gives on :func:`partition`'s incidents and network.

**eps "auto".** The halo must be sized before the partition is assembled, so with ``eps_m="auto"`` eps is
chosen first from the municipality's own incidents on its own streets (the rule of
:func:`trygghet_geo.suggest_parameters`, with the caller's ``min_samples`` and ``random_state``) and the
partition is then analysed with that number. A municipality's eps thus never depends on its neighbours' data
or on how the country was cut; it is in the returned table (``eps_m``).

**Hotspots seen twice.** A hotspot on a border street is found by both partitions; it belongs to the
municipality holding most of its member incidents (a tie: the smallest kommunkod; none, ``""``, when every
member lies outside all municipalities: those incidents are counted as unassigned). Every partition's
``hotspots.parquet`` and ``places.parquet`` keep all they found, with ``owner_kommunkod`` and ``kept``
(owner == this partition); the national ``places.parquet`` holds the kept rows only, so each hotspot once.

**Output** (``out/``): ``kommunkod=XXXX/{incidents,hotspots,places}.parquet`` (GeoParquet; incidents are
the partition's rows, own and ``halo``, with their labels) and ``_partition.json``, each partition written to
a temporary folder and renamed when complete; ``places.parquet`` (national, kept places); ``index.html`` (one
row per municipality, every text escaped). With ``resume=True`` a partition whose folder exists with the same
fingerprint (its incidents, halo candidates, networks and parameters) is not run again. A municipality that
fails is reported in the returned table (``status="failed"``, ``error``) and the others complete.

Scheduling: ``dask.distributed``; a ``LocalCluster`` of worker processes with one thread each by default (no
server to run), an existing cluster by its address, ``"threads"`` for in-process workers, ``"synchronous"``
for one partition after another in this process (the serial reference). Partitions are submitted largest
first, each as soon as it is planned (:mod:`trygghet_geo._batch_plan`), and a large municipality's Monte
Carlo is split into blocks of simulations run as separate tasks on any worker
(:mod:`trygghet_geo._batch_dask`),
with the same result as one ``analyze``. What each task took
(wall and CPU seconds, worker, peak memory) is in the returned table's ``attrs["tasks"]``.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from trygghet_geo import _batch_plan
from trygghet_geo._batch_tasks import RESULT_COLUMNS, Task, build, networks_of, row, run_partition
from trygghet_geo._halo import HALO, KOMMUNKOD, Partition

if TYPE_CHECKING:
    import geopandas as gpd
    from distributed import Client

    from trygghet_geo.network import StreetNetwork

__all__ = ["HALO", "KOMMUNKOD", "RESULT_COLUMNS", "Partition", "partition", "run"]

logger = logging.getLogger(__name__)

_FORBIDDEN = ("network", "observations", "study_area")


# --- the public entry points --------------------------------------------------------------------------------
def run(
    incidents: str | Path | pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame | str | Path,
    networks: Mapping[str, StreetNetwork] | str | Path,
    out: str | Path,
    scheduler: str | Client | None = None,
    n_workers: int | None = None,
    resume: bool = True,
    split_above: int | None = None,
    **analyze_kwargs: Any,
) -> pd.DataFrame:
    """Analyse every municipality: partitions with halos, on Dask, written as partitioned GeoParquet.

    Parameters
    ----------
    incidents : path or (Geo)DataFrame
        The national incident table (read with :func:`trygghet_geo.read_incidents` unless it is already the
        canonical table; a ``.parquet`` file as GeoParquet).
    municipalities : GeoDataFrame, Path or str
        Municipality polygons with a ``kommunkod`` column (SCB's codes), joined to the incidents spatially
        (a GeoDataFrame, or a GIS layer file given as a :class:`~pathlib.Path`); or the name (a ``str``) of a
        column of ``incidents`` holding each incident's code.
    networks : mapping or folder
        kommunkod -> :class:`~trygghet_geo.network.StreetNetwork`, or a network store folder
        (:class:`~trygghet_geo.network.NetworkStore`: ``<kommunkod>.gpkg``). All in one metric CRS.
    out : folder
        Where the partitions, the national places table and ``index.html`` are written.
    scheduler : None, "threads", "synchronous", address or Client
        ``None``: a ``LocalCluster`` of ``n_workers`` worker processes (one thread each; default one per
        core). ``"threads"``: in-process workers. ``"synchronous"``: no Dask, one partition after another.
        ``"tcp://host:8786"``: an existing cluster (its workers must have trygghet_geo installed and read
        and write ``out`` and read a network store folder: a shared file system, since each partition's
        input is staged in ``out`` as a file). A ``distributed.Client`` is used as it is.
    n_workers : int, optional
        Workers of the LocalCluster.
    resume : bool
        Skip the partitions already written with the same fingerprint.
    split_above : int, optional
        On Dask, partitions of at least this many incidents run their Monte Carlo in blocks of simulations
        on any worker (same result). Default: an eighth of all municipalities' incidents per worker (known
        before planning, also those complete from an earlier run), and at least 5,000.
    **analyze_kwargs
        Passed to :func:`trygghet_geo.analyze` for every partition (``eps_m``, ``min_samples``,
        ``n_simulations``, ``random_state``, ``max_snap_m``, ``method``, ``weights``, ``gazetteer``, …);
        the same ``random_state`` for every partition.

    Returns
    -------
    DataFrame
        One row per municipality (:data:`RESULT_COLUMNS`): ``status`` ``"done"``, ``"skipped"`` (complete from
        an earlier run), ``"failed"`` (``error`` says why), ``"empty"`` (no incidents); a last row with
        ``kommunkod`` ``<NA>`` and status ``"unassigned"`` counts incidents in no municipality. Also written
        to ``out/index.html``. ``attrs["tasks"]``: one row per task run (``kind`` partition, prepare, block
        or finish; ``start`` in seconds since the epoch, ``seconds``, ``cpu_seconds``, ``worker``,
        ``peak_rss_mib``); ``attrs["phases"]``: this process's seconds ``plan`` (all the planning,
        most of it done while the first tasks run), ``first_task`` (until the first task was handed on),
        ``run`` (from then until the last partition ended) and ``outputs`` (the national outputs).

    Raises
    ------
    InputError
        A missing, unreadable or malformed input (the incident file, the municipality layer or code column,
        the network store), naming the input, the file and the row or field: every input is read and
        checked (:func:`trygghet_geo._batch_plan.read_inputs`) before the cluster starts or ``out`` is made.
    """
    from tqdm.auto import tqdm

    from trygghet_geo import _validate as v
    from trygghet_geo._batch_out import PlacesReader, clean_temporaries, national_outputs
    from trygghet_geo._config import progress_disable

    if n_workers is not None:
        v.count("n_workers", n_workers, minimum=1)
    if split_above is not None:
        v.count("split_above", split_above, minimum=1)
    _check_kwargs(analyze_kwargs)
    started = time.perf_counter()
    # every input read and checked before the cluster starts: a broken file is one clear error, at once
    inputs = _batch_plan.read_inputs(incidents, municipalities, networks)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clean_temporaries(out)
    connection = None if scheduler == "synchronous" else _start(scheduler, n_workers)
    try:
        plan = _batch_plan.plan(inputs.incidents, inputs.municipalities, inputs.networks, analyze_kwargs)
    except BaseException:
        if connection is not None:
            _close(connection)
        raise
    if connection is None:  # no worker waits for the first task: the cheaper planning in all
        plan.hash_rows()
    rows: list[dict[str, Any]] = []
    clock = {"plan": time.perf_counter() - started}
    todo = _todo(plan, out, resume, rows, clock)
    log: list[dict[str, Any]] = []
    read = PlacesReader(out)
    bar = tqdm(
        total=sum(1 for n in plan.sizes.values() if n), desc="kommuner", disable=progress_disable(),
        leave=False,
    )  # fmt: skip
    try:
        for done_row in _execute(todo, plan, networks, out, analyze_kwargs, connection, split_above):
            log.extend(done_row.pop("_tasks", []))
            rows.append(done_row)
            if done_row["status"] == "done":  # its places are read while the others run
                read.add(str(done_row[KOMMUNKOD]))
            bar.update(sum(r["status"] != "empty" for r in rows) - bar.n)
        bar.close()
        ran = time.perf_counter()
        table = _result_table(rows, plan.unassigned)
        national_outputs(out, table, plan.names, seconds=ran - started, synthetic=plan.synthetic, read=read)
    finally:
        bar.close()
        read.close()
    table.attrs["tasks"] = pd.DataFrame(
        log, columns=["kind", KOMMUNKOD, "start", "seconds", "cpu_seconds", "worker", "peak_rss_mib"]
    )
    table.attrs["phases"] = {
        "plan": clock["plan"], "first_task": clock.get("first_task", clock["plan"]),
        "run": ran - started - clock.get("first_task", clock["plan"]), "outputs": time.perf_counter() - ran,
    }  # fmt: skip
    return table


def partition(
    incidents: str | Path | pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame | str | Path,
    networks: Mapping[str, StreetNetwork] | str | Path,
    kommunkod: str,
    **analyze_kwargs: Any,
) -> Partition:
    """One municipality's partition exactly as :func:`run` builds it: ``analyze(p.incidents,
    network=p.network, eps_m=p.eps_m, **same_kwargs)`` gives its ``kommunkod=…`` output."""
    from trygghet_geo.errors import ParameterError

    plan = _batch_plan.plan(incidents, municipalities, networks, analyze_kwargs, only=kommunkod)
    task = next(plan.tasks(), None)
    if task is None:
        raise ParameterError(f"kommunkod {kommunkod!r} is not one of the municipalities")
    return build(task, networks_of(networks), analyze_kwargs)


# --- planning (driver) --------------------------------------------------------------------------------------
def _check_kwargs(kwargs: Mapping[str, Any]) -> None:
    from trygghet_geo.errors import ParameterError

    bad = [k for k in _FORBIDDEN if k in kwargs]
    if bad:
        raise ParameterError(f"batch.run sets {bad[0]!r} itself for each municipality; leave it out")


def _todo(
    plan: _batch_plan.Plan, out: Path, resume: bool, rows: list[dict[str, Any]], clock: dict[str, float]
) -> Iterator[Task]:
    """The tasks to run, each built as it is asked for; a task complete from an earlier run (same
    fingerprint) or without incidents gets its row in ``rows`` instead. ``clock["plan"]`` adds up the
    seconds spent planning; ``clock["first_task"]`` is when the first task to run was handed on."""
    from trygghet_geo._batch_out import completed

    t0 = time.perf_counter()
    n_done = 0
    for task in plan.tasks():
        done = completed(out, task.kommunkod, task.fingerprint) if resume else None
        if done is not None:
            rows.append({**done, "status": "skipped", "seconds": 0.0, "cpu_seconds": 0.0})
            n_done += 1
        elif len(task.own) == 0:
            rows.append(row(task.kommunkod, "empty"))
        else:
            clock["plan"] += time.perf_counter() - t0
            clock.setdefault("first_task", clock["plan"])
            yield task
            t0 = time.perf_counter()
    clock["plan"] += time.perf_counter() - t0
    logger.info("%d partitions complete already", n_done)


# --- scheduling ---------------------------------------------------------------------------------------------
def _execute(
    tasks: Iterator[Task],
    plan: _batch_plan.Plan,
    networks: Mapping[str, StreetNetwork] | str | Path,
    out: Path,
    kwargs: dict[str, Any],
    connection: concurrent.futures.Future[tuple[Any, bool]] | None,
    split_above: int | None,
) -> Iterator[dict[str, Any]]:
    """The partitions' rows as they end: one after another here (no connection), or on Dask, each task
    submitted as soon as it is planned."""
    from trygghet_geo._batch_dask import run_on_dask

    if connection is None:
        nets = networks_of(networks)
        for task in tasks:
            yield run_partition(task, nets, str(out), kwargs)
        return
    sizes = [n for n in plan.sizes.values() if n]
    try:
        first = next(tasks, None)  # planned while the cluster may still be starting
    except BaseException:
        _close(connection)
        raise
    ready = itertools.chain([] if first is None else [first], tasks)
    yield from run_on_dask(ready, sizes, networks, out, kwargs, connection.result(), split_above)


def _start(
    scheduler: str | Client | None, n_workers: int | None
) -> concurrent.futures.Future[tuple[Any, bool]]:
    """The cluster, starting on a helper thread while the partitions are planned; a bad ``scheduler`` is
    refused here, before any work."""
    from trygghet_geo._batch_dask import start
    from trygghet_geo.errors import ParameterError

    ok = scheduler is None or scheduler == "threads" or (isinstance(scheduler, str) and "://" in scheduler)
    if not ok and not hasattr(scheduler, "submit"):
        raise ParameterError(
            f"scheduler must be None, 'threads', 'synchronous', a scheduler address such as "
            f"'tcp://host:8786' or a distributed.Client, got {scheduler!r}"
        )
    return start(scheduler, n_workers)


def _close(connection: concurrent.futures.Future[tuple[Any, bool]]) -> None:
    from trygghet_geo._batch_dask import close

    try:
        close(*connection.result())
    except Exception:  # the planning error is the one to report
        logger.warning("the cluster could not be closed cleanly", exc_info=True)


def _result_table(rows: list[dict[str, Any]], unassigned: int) -> pd.DataFrame:
    rows = [{**r, "error": r.get("error") or "", "worker": r.get("worker") or ""} for r in rows]
    table = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    table = table.sort_values(KOMMUNKOD, kind="stable").reset_index(drop=True)
    if unassigned:
        extra = row(None, "unassigned")
        extra.update(n_incidents=unassigned, worker="")
        table = pd.concat([table, pd.DataFrame([extra], columns=list(RESULT_COLUMNS))], ignore_index=True)
    for col in ("n_incidents", "n_halo", "n_hotspots", "n_places", "n_hotspots_seen"):
        table[col] = table[col].astype("Int64")
    for col in ("eps_m", "seconds", "cpu_seconds", "peak_rss_mib"):
        table[col] = table[col].astype(float)
    table["min_samples"] = table["min_samples"].astype("Int64")
    table[KOMMUNKOD] = table[KOMMUNKOD].astype("string")
    table["error"] = table["error"].astype(str)
    table["worker"] = table["worker"].astype(str)
    return table
