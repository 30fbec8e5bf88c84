"""Planning the nationwide run (:func:`trygghet_geo.batch.run`): the municipalities' tasks, built one at a
time so the first partitions run while the rest are planned.

:func:`plan` does the work every task needs at once, which is also where bad input is refused before any work
starts: read the incidents, assign each to its municipality, the areas, the Euclidean halo pre-filter
(:mod:`trygghet_geo._halo`). It returns a :class:`Plan` knowing every municipality's size and the order the
tasks come in (largest first); :meth:`Plan.tasks` then builds each task only when it is asked for: its rows,
its neighbours, and its fingerprint (the resume check), from row hashes and network digests computed the first
time a task needs them and kept for the next.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo._batch_tasks import Task, networks_of
from trygghet_geo._halo import KOMMUNKOD

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import StreetNetwork

__all__ = ["Plan", "plan"]

logger = logging.getLogger("trygghet_geo.batch")

VERSION = 1  # bump when the partition rules change, so that resume does not keep stale partitions


@dataclass
class Plan:
    """What is known of the run before any task is built, and the tasks, built on demand.

    Attributes
    ----------
    order : list of str
        Every municipality's code, in the order :meth:`tasks` yields them: most incidents first, then by code.
    sizes : dict
        kommunkod -> number of the municipality's own incidents.
    unassigned : int
        Incidents in no municipality.
    names : dict
        kommunkod -> the municipality's name (``""`` when the layer has none).
    synthetic : bool
        Whether the incidents are marked synthetic.
    """

    order: list[str]
    sizes: dict[str, int]
    unassigned: int
    names: dict[str, str]
    synthetic: bool
    _frame: gpd.GeoDataFrame
    _codes: np.ndarray  # each incident's kommunkod (object, None for none)
    _own: dict[str, np.ndarray]
    _area_of: dict[str, shapely.Geometry]
    _touching: dict[str, set[str]]
    _points: shapely.STRtree  # the incidents with a location, for the halo pre-filter
    _located: np.ndarray  # their positions in the table
    _reach: float
    _nets: Mapping[str, StreetNetwork]
    _kwargs: Mapping[str, Any]
    _digests: dict[str, str] = field(default_factory=dict)
    _hashes: np.ndarray | None = None

    def hash_rows(self) -> None:
        """Hash the whole table's rows at once (:func:`row_hashes`): cheaper in all than one hash per task,
        for a run that gains nothing from planning task by task (one partition after another)."""
        self._hashes = row_hashes(self._frame)

    def tasks(self) -> Iterator[Task]:
        """The tasks in :attr:`order`, each built when asked for."""
        empty = np.array([], dtype=np.int64)
        for code in self.order:
            own = self._own.get(code, empty)
            cand = self._candidates(code)
            near = {str(c) for c in self._codes[cand] if c is not None}
            neighbours = tuple(sorted(near | self._touching.get(code, set())))
            at = np.r_[own, cand]
            rows = self._frame.iloc[at]  # one take and one hash per task, then two views
            hashes = row_hashes(rows) if self._hashes is None else self._hashes[at]
            n = len(own)
            task = Task(code, rows.iloc[:n], rows.iloc[n:], self._area_of.get(code), neighbours, own, cand)
            task.fingerprint = self._fingerprint(task, hashes[:n], hashes[n:])
            yield task

    def _candidates(self, code: str) -> np.ndarray:
        """The positions, ascending, of other municipalities' incidents (and of those in none) within the
        reach of ``code``'s area (Euclidean: the pre-filter of rule 2 in :mod:`trygghet_geo._halo`)."""
        import shapely

        area = self._area_of.get(code)
        if area is None:
            return np.array([], dtype=np.int64)
        hits = self._points.query(shapely.buffer(area, self._reach), predicate="intersects")
        rows = self._located[hits]
        return np.sort(rows[self._codes[rows] != code])

    def _digest(self, code: str) -> str:
        if code not in self._digests:
            self._digests[code] = network_digest(self._nets, code)
        return self._digests[code]

    def _fingerprint(self, task: Task, own: np.ndarray, cand: np.ndarray) -> str:
        """What the partition's output depends on: the rules' version, the parameters, the rows (own and
        candidates: their :func:`row_hashes`) and the networks of the municipality and its neighbours."""
        h = hashlib.sha256()
        kw = sorted((k, repr(v)) for k, v in self._kwargs.items())
        h.update(f"{VERSION}|{task.kommunkod}|{kw!r}".encode())
        h.update(own.tobytes())
        h.update(b"|")
        h.update(cand.tobytes())
        for code in (task.kommunkod, *task.neighbours):
            h.update(f"|{code}:{self._digest(code)}".encode())
        return h.hexdigest()


def plan(
    incidents: str | Path | pd.DataFrame,
    municipalities: gpd.GeoDataFrame | str,
    networks: Mapping[str, StreetNetwork] | str | Path,
    kwargs: Mapping[str, Any],
    only: str | None = None,
) -> Plan:
    """Read, assign and pre-filter the incidents; the tasks are then built by :meth:`Plan.tasks`."""
    import geopandas as gpd
    import shapely

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
    reach = _halo.halo_reach_m(kwargs.get("eps_m", "auto"), kwargs.get("max_snap_m", 100.0))
    located = np.flatnonzero((geometry.notna() & ~geometry.is_empty).to_numpy())
    names = _names(municipalities)
    code_arr = codes.to_numpy(dtype=object, na_value=None)
    own = _group_rows(code_arr)
    all_codes = sorted(set(area_of) | set(own) | set(names))
    if only is not None:
        all_codes = [c for c in all_codes if c == only]
    sizes = {c: len(own.get(c, ())) for c in all_codes}
    return Plan(
        order=sorted(all_codes, key=lambda c: (-sizes[c], c)),
        sizes=sizes,
        unassigned=int(codes.isna().sum()),
        names=names,
        synthetic=bool(frame.attrs.get("synthetic", False)),
        _frame=frame,
        _codes=code_arr,
        _own=own,
        _area_of=area_of,
        _touching=_touching(area_of, reach),
        _points=shapely.STRtree(geometry.to_numpy()[located]),
        _located=located,
        _reach=reach,
        _nets=nets,
        _kwargs=dict(kwargs),
    )


def _group_rows(codes: np.ndarray) -> dict[str, np.ndarray]:
    """kommunkod -> the positions of its incidents, ascending."""
    keys, labels = pd.factorize(codes, use_na_sentinel=True)  # None: -1
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(len(labels) + 1))
    return {str(labels[i]): order[bounds[i] : bounds[i + 1]] for i in range(len(labels))}


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


def _names(municipalities: gpd.GeoDataFrame | str) -> dict[str, str]:
    if isinstance(municipalities, str):
        return {}
    col = next((c for c in ("kommunnamn", "kommun", "name", "namn") if c in municipalities.columns), None)
    if col is None:
        return dict.fromkeys(municipalities[KOMMUNKOD].astype(str), "")
    return dict(zip(municipalities[KOMMUNKOD].astype(str), municipalities[col].astype(str), strict=True))


def _touching(area_of: Mapping[str, Any], reach: float) -> dict[str, set[str]]:
    """kommunkod -> the municipalities whose area comes within ``reach`` of its own (their streets may
    join): one query of a tree of the areas."""
    import shapely

    names = sorted(area_of)
    geoms = np.array([area_of[c] for c in names], dtype=object)
    if not len(geoms):
        return {}
    left, right = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=reach)
    out: dict[str, set[str]] = {c: set() for c in names}
    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        if a != b:
            out[names[a]].add(names[b])
    return out


def row_hashes(frame: gpd.GeoDataFrame) -> np.ndarray:
    """One 64-bit hash per row of every column, the geometry (WKB) and the index label; a row's hash does not
    depend on the other rows."""
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


def network_digest(nets: Mapping[str, StreetNetwork], code: str) -> str:
    """A network's digest: the store file's size and time, or a hash of the edges' ends and lengths."""
    from trygghet_geo.network._store import NetworkStore

    if code not in nets:
        return "none"
    if isinstance(nets, NetworkStore):
        return nets.fingerprint(code)
    edges = nets[code].edges
    digest = pd.util.hash_pandas_object(edges[["u", "v", "length_m"]], index=False).to_numpy()
    return hashlib.sha256(digest.tobytes()).hexdigest()
