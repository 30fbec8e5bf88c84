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
first, and a large municipality's Monte Carlo is split into blocks of simulations run as separate tasks on
any worker (:mod:`trygghet_geo._batch_dask`), with the same result as one ``analyze``. What each task took
(wall and CPU seconds, worker, peak memory) is in the returned table's ``attrs["tasks"]``.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import logging
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo._batch_tasks import RESULT_COLUMNS, build, networks_of, row, run_partition
from trygghet_geo._batch_tasks import Task as _Task
from trygghet_geo._halo import HALO, KOMMUNKOD, Partition

if TYPE_CHECKING:
    import geopandas as gpd
    from distributed import Client

    from trygghet_geo.network import StreetNetwork

__all__ = ["HALO", "KOMMUNKOD", "RESULT_COLUMNS", "Partition", "partition", "run"]

logger = logging.getLogger(__name__)

_FORBIDDEN = ("network", "observations", "study_area")
_VERSION = 1  # bump when the partition rules change, so that resume does not keep stale partitions


# --- the public entry points --------------------------------------------------------------------------------
def run(
    incidents: str | Path | pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame | str,
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
        canonical table).
    municipalities : GeoDataFrame or str
        Municipality polygons with a ``kommunkod`` column (SCB's codes), joined to the incidents spatially;
        or the name of a column of ``incidents`` holding each incident's code.
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
        on any worker (same result). Default: an eighth of the incidents per worker, and at least 5,000.
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
        ``peak_rss_mib``); ``attrs["phases"]``: this process's seconds planning, running and writing the
        national outputs.
    """
    from trygghet_geo import _validate as v
    from trygghet_geo._batch_out import clean_temporaries, completed, national_outputs

    if n_workers is not None:
        v.count("n_workers", n_workers, minimum=1)
    if split_above is not None:
        v.count("split_above", split_above, minimum=1)
    _check_kwargs(analyze_kwargs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    clean_temporaries(out)
    started = time.perf_counter()
    connection = None if scheduler == "synchronous" else _start(scheduler, n_workers)
    try:
        tasks, unassigned, names, synthetic = _tasks(incidents, municipalities, networks, analyze_kwargs)
    except BaseException:
        if connection is not None:
            _close(connection)
        raise
    rows: list[dict[str, Any]] = []
    todo = []
    for task in tasks:
        done = completed(out, task.kommunkod, task.fingerprint) if resume else None
        if done is not None:
            rows.append({**done, "status": "skipped", "seconds": 0.0, "cpu_seconds": 0.0})
        elif len(task.own) == 0:
            rows.append(row(task.kommunkod, "empty"))
        else:
            todo.append(task)
    logger.info("%d partitions to run, %d complete already", len(todo), len(rows))
    planned = time.perf_counter()
    log: list[dict[str, Any]] = []
    for done_row in _execute(todo, networks, out, analyze_kwargs, connection, split_above):
        log.extend(done_row.pop("_tasks", []))
        rows.append(done_row)
    ran = time.perf_counter()
    table = _result_table(rows, unassigned)
    national_outputs(out, table, names, seconds=ran - started, synthetic=synthetic)
    table.attrs["tasks"] = pd.DataFrame(
        log, columns=["kind", KOMMUNKOD, "start", "seconds", "cpu_seconds", "worker", "peak_rss_mib"]
    )
    table.attrs["phases"] = {
        "plan": planned - started, "run": ran - planned, "outputs": time.perf_counter() - ran,
    }  # fmt: skip
    return table


def partition(
    incidents: str | Path | pd.DataFrame,
    *,
    municipalities: gpd.GeoDataFrame | str,
    networks: Mapping[str, StreetNetwork] | str | Path,
    kommunkod: str,
    **analyze_kwargs: Any,
) -> Partition:
    """One municipality's partition exactly as :func:`run` builds it: ``analyze(p.incidents,
    network=p.network, eps_m=p.eps_m, **same_kwargs)`` gives its ``kommunkod=…`` output."""
    from trygghet_geo.errors import ParameterError

    tasks, *_ = _tasks(incidents, municipalities, networks, analyze_kwargs, only=kommunkod)
    if not tasks:
        raise ParameterError(f"kommunkod {kommunkod!r} is not one of the municipalities")
    return build(tasks[0], networks_of(networks), analyze_kwargs)


# --- planning (driver) --------------------------------------------------------------------------------------
def _check_kwargs(kwargs: Mapping[str, Any]) -> None:
    from trygghet_geo.errors import ParameterError

    bad = [k for k in _FORBIDDEN if k in kwargs]
    if bad:
        raise ParameterError(f"batch.run sets {bad[0]!r} itself for each municipality; leave it out")


def _work_crs(networks: Mapping[str, StreetNetwork]) -> Any:
    """The networks' common metric CRS."""
    from trygghet_geo.errors import InputError
    from trygghet_geo.network._store import NetworkStore

    if isinstance(networks, NetworkStore):
        import pyogrio

        codes = list(networks)
        if not codes:
            raise InputError(f"network store {str(networks.folder)!r} holds no <kommunkod>.gpkg file")
        return pyogrio.read_info(networks.path(codes[0]), layer="edges")["crs"]
    if not networks:
        raise InputError("networks: the mapping holds no street network")
    return next(iter(networks.values())).crs


def _read_incidents(incidents: str | Path | pd.DataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    from trygghet_geo import schema

    if isinstance(incidents, gpd.GeoDataFrame) and set(schema.INCIDENT_COLUMNS) <= set(incidents.columns):
        frame = incidents
    else:
        from trygghet_geo.io import read_incidents

        frame = read_incidents(incidents)
    if not frame.index.is_unique:
        logger.warning("incidents: the index repeats labels; the rows are numbered 0..n-1 instead")
        frame = frame.reset_index(drop=True)
    return frame


def _tasks(
    incidents: str | Path | pd.DataFrame,
    municipalities: gpd.GeoDataFrame | str,
    networks: Mapping[str, StreetNetwork] | str | Path,
    kwargs: Mapping[str, Any],
    only: str | None = None,
) -> tuple[list[_Task], int, dict[str, str], bool]:
    """One task per municipality (largest first), the number of incidents in none, the municipalities' names
    and whether the incidents are marked synthetic."""
    import geopandas as gpd

    from trygghet_geo import _halo
    from trygghet_geo.errors import InputError

    nets = networks_of(networks)
    crs = _work_crs(nets)
    frame = _read_incidents(incidents)
    if isinstance(municipalities, gpd.GeoDataFrame):
        if KOMMUNKOD not in municipalities.columns or municipalities.crs is None:
            raise InputError("municipalities: expected polygons with a CRS and a 'kommunkod' column")
        municipalities = municipalities.to_crs(crs)
    elif not isinstance(municipalities, str):
        raise InputError("municipalities must be a polygon GeoDataFrame or the name of a code column")
    geometry = frame.geometry.to_crs(crs) if frame.crs is not None and frame.crs != crs else frame.geometry
    codes = _halo.assign(frame.set_geometry(geometry), municipalities)
    frame = frame.assign(**{KOMMUNKOD: codes})
    area_of = _halo.areas(frame.set_geometry(geometry), codes, municipalities)
    eps = kwargs.get("eps_m", "auto")
    reach = _halo.halo_reach_m(eps, kwargs.get("max_snap_m", 100.0))
    cands = _halo.candidates(geometry, codes, area_of, reach)
    names = _names(municipalities)
    all_codes = sorted(set(area_of) | set(codes.dropna().unique()) | set(names))
    if only is not None:
        all_codes = [c for c in all_codes if c == only]
    positions = pd.Series(np.arange(len(frame))).groupby(codes.to_numpy(na_value=None), dropna=True)
    own_rows = {str(k): v.to_numpy() for k, v in positions}
    row_hash = _row_hashes(frame)
    digests = _network_digests(nets, sorted(set(area_of) | set(codes.dropna().unique()) | set(names)))
    tasks = []
    for code in all_codes:
        own = own_rows.get(code, np.array([], dtype=np.int64))
        cand = cands.get(code, np.array([], dtype=np.int64))
        neighbours = tuple(
            sorted(set(codes.iloc[cand].dropna().astype(str)) | _touching(code, area_of, reach))
        )
        task = _Task(code, frame.iloc[own], frame.iloc[cand], area_of.get(code), neighbours, own, cand)
        task.fingerprint = _fingerprint(task, row_hash[own], row_hash[cand], digests, kwargs)
        tasks.append(task)
    tasks.sort(key=lambda t: (-t.size, t.kommunkod))
    return tasks, int(codes.isna().sum()), names, bool(frame.attrs.get("synthetic", False))


def _names(municipalities: gpd.GeoDataFrame | str) -> dict[str, str]:
    if isinstance(municipalities, str):
        return {}
    col = next((c for c in ("kommunnamn", "kommun", "name", "namn") if c in municipalities.columns), None)
    if col is None:
        return dict.fromkeys(municipalities[KOMMUNKOD].astype(str), "")
    return dict(zip(municipalities[KOMMUNKOD].astype(str), municipalities[col].astype(str), strict=True))


def _touching(code: str, area_of: Mapping[str, Any], reach: float) -> set[str]:
    """Municipalities whose area comes within ``reach`` of this one's (their streets may join)."""
    import shapely

    mine = area_of.get(code)
    if mine is None:
        return set()
    return {c for c, a in area_of.items() if c != code and shapely.dwithin(mine, a, reach)}


def _row_hashes(frame: gpd.GeoDataFrame) -> np.ndarray:
    """One 64-bit hash per row of every column, the geometry (WKB) and the index label."""
    import shapely

    columns = {}
    for i, name in enumerate(frame.columns):
        col = frame[name]
        if name == frame.geometry.name:
            col = pd.Series(shapely.to_wkb(frame.geometry.to_numpy()), index=frame.index)
        try:
            columns[i] = pd.util.hash_pandas_object(col, index=False).to_numpy()
        except TypeError:  # unhashable cells (lists, dicts) in a user's column: by their text
            columns[i] = pd.util.hash_pandas_object(col.map(repr), index=False).to_numpy()
    hashed: np.ndarray = pd.util.hash_pandas_object(pd.DataFrame(columns, index=frame.index)).to_numpy()
    return hashed


def _network_digests(nets: Mapping[str, StreetNetwork], codes: list[str]) -> dict[str, str]:
    """A digest per network: the store file's size and time, or a hash of the edges' ends and lengths."""
    from trygghet_geo.network._store import NetworkStore

    out: dict[str, str] = {}
    for code in codes:
        if code not in nets:
            out[code] = "none"
        elif isinstance(nets, NetworkStore):
            out[code] = nets.fingerprint(code)
        else:
            edges = nets[code].edges
            digest = pd.util.hash_pandas_object(edges[["u", "v", "length_m"]], index=False).to_numpy()
            out[code] = hashlib.sha256(digest.tobytes()).hexdigest()
    return out


def _fingerprint(
    task: _Task, own: np.ndarray, cand: np.ndarray, digests: Mapping[str, str], kwargs: Mapping[str, Any]
) -> str:
    h = hashlib.sha256()
    h.update(f"{_VERSION}|{task.kommunkod}|{sorted((k, repr(v)) for k, v in kwargs.items())!r}".encode())
    h.update(own.tobytes())
    h.update(b"|")
    h.update(cand.tobytes())
    for code in (task.kommunkod, *task.neighbours):
        h.update(f"|{code}:{digests[code]}".encode())
    return h.hexdigest()


# --- scheduling ---------------------------------------------------------------------------------------------
def _execute(
    tasks: list[_Task],
    networks: Mapping[str, StreetNetwork] | str | Path,
    out: Path,
    kwargs: dict[str, Any],
    connection: concurrent.futures.Future[tuple[Any, bool]] | None,
    split_above: int | None,
) -> Iterator[dict[str, Any]]:
    """The partitions' rows as they end: one after another here (no connection), or on Dask."""
    from tqdm.auto import tqdm

    from trygghet_geo._batch_dask import run_on_dask
    from trygghet_geo._config import progress_disable

    bar = tqdm(total=len(tasks), desc="kommuner", disable=progress_disable(), leave=False)
    try:
        if connection is None:
            nets = networks_of(networks)
            for task in tasks:
                yield run_partition(task, nets, str(out), kwargs)
                bar.update(1)
            return
        for done in run_on_dask(tasks, networks, out, kwargs, connection.result(), split_above):
            yield done
            bar.update(1)
    finally:
        bar.close()


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
