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
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from trygghet_geo._batch_tasks import Task, networks_of
from trygghet_geo._halo import KOMMUNKOD

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import StreetNetwork

__all__ = ["CLI_NAMES", "Inputs", "Plan", "plan", "read_inputs", "read_municipalities"]

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
    municipalities: gpd.GeoDataFrame | str | Path,
    networks: Mapping[str, StreetNetwork] | str | Path,
    kwargs: Mapping[str, Any],
    only: str | None = None,
) -> Plan:
    """Read, assign and pre-filter the incidents; the tasks are then built by :meth:`Plan.tasks`."""
    import geopandas as gpd
    import shapely

    from trygghet_geo import _halo

    frame, municipalities, nets, crs = read_inputs(incidents, municipalities, networks)
    if isinstance(municipalities, gpd.GeoDataFrame):
        municipalities = municipalities.to_crs(crs)
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


def _work_crs(networks: Mapping[str, StreetNetwork], flag: str = "networks") -> Any:
    """The networks' common metric CRS."""
    from trygghet_geo._cli_conventions import reading
    from trygghet_geo.errors import InputError
    from trygghet_geo.network._store import NetworkStore

    if isinstance(networks, NetworkStore):
        import pyogrio

        codes = list(networks)
        if not codes:
            raise InputError(f"{flag}: network store {str(networks.folder)!r} holds no <kommunkod>.gpkg file")
        first = networks.path(codes[0])
        with reading(flag, first, "a network of the store (a GeoPackage with an 'edges' layer)"):
            return pyogrio.read_info(first, layer="edges")["crs"]
    if not networks:
        raise InputError(f"{flag}: the mapping holds no street network")
    return next(iter(networks.values())).crs


class Inputs(NamedTuple):
    """The nationwide run's inputs, read and checked (:func:`read_inputs`)."""

    incidents: gpd.GeoDataFrame
    municipalities: gpd.GeoDataFrame | str  # polygons with ``kommunkod`` and a CRS, or a code column
    networks: Mapping[str, StreetNetwork]
    crs: Any  # the networks' common metric CRS


#: How :func:`read_inputs` names each input in its errors: the Python API's parameters (the default), or the
#: command line's options.
API_NAMES = {"incidents": "incidents", "municipalities": "municipalities", "code": "municipalities",
             "networks": "networks", "field": "kommunkod"}  # fmt: skip
CLI_NAMES = {"incidents": "incidents", "municipalities": "--municipalities", "code": "--code-column",
             "networks": "--networks", "field": "--kommunkod-field"}  # fmt: skip


def read_inputs(
    incidents: str | Path | pd.DataFrame,
    municipalities: gpd.GeoDataFrame | str | Path,
    networks: Mapping[str, StreetNetwork] | str | Path,
    *,
    kommunkod_field: str = KOMMUNKOD,
    names: Mapping[str, str] = API_NAMES,
) -> Inputs:
    """Read and check every input of the nationwide run, before any cluster starts or any work is done.

    The network store (a folder, holding at least one readable ``<kommunkod>.gpkg``) or mapping, the
    national incident file (a file any reader of :func:`trygghet_geo.read_incidents` takes, or GeoParquet),
    and the municipalities: polygons (a GeoDataFrame, or a GIS layer file given as a :class:`~pathlib.Path`,
    its code column ``kommunkod_field``) or the name of the incidents' column of codes. A missing, unreadable
    or malformed input is an :class:`~trygghet_geo.errors.InputError` naming the input (``names``: the
    parameter or the command line's option), the file, and the row or field the reader found wrong. Already
    read inputs (a canonical table, polygons, a mapping) pass through unchanged, so reading twice is cheap.
    """
    import geopandas as gpd

    from trygghet_geo.errors import InputError

    if isinstance(networks, str | Path) and not Path(networks).is_dir():
        raise InputError(
            f"{names['networks']}: {str(networks)!r} is not a folder (a network store: build one with "
            "network --by-municipality or write_network_store)"
        )
    frame = _incident_table(incidents, names["incidents"])
    nets = networks_of(networks)
    crs = _work_crs(nets, names["networks"])
    if isinstance(municipalities, Path):
        municipalities = read_municipalities(municipalities, kommunkod_field, names)
    if isinstance(municipalities, gpd.GeoDataFrame):
        if KOMMUNKOD not in municipalities.columns or municipalities.crs is None:
            raise InputError(
                f"{names['municipalities']}: expected polygons with a CRS and a 'kommunkod' column; columns "
                f"are {list(municipalities.columns)}"
            )
    elif not isinstance(municipalities, str):
        raise InputError(
            f"{names['municipalities']} must be polygons (a GeoDataFrame, or a GIS layer file as a "
            f"pathlib.Path) or the name of the incidents' code column, got {type(municipalities).__name__}"
        )
    elif municipalities not in frame.columns:
        from trygghet_geo import schema

        own = [c for c in frame.columns if c not in schema.INCIDENT_COLUMNS and c != "geometry"]
        where = f" file {str(incidents)!r}" if isinstance(incidents, str | Path) else "s"
        raise InputError(
            f"{names['code']} {municipalities!r}: no such column in the incident{where}; its own columns "
            f"are {own}"
            + (" (a layer file goes as a pathlib.Path)" if Path(municipalities).is_file() else "")
        )
    return Inputs(frame, municipalities, nets, crs)


def read_municipalities(
    path: str | Path, field: str = KOMMUNKOD, names: Mapping[str, str] = API_NAMES
) -> gpd.GeoDataFrame:
    """The municipality polygons of a GIS layer file, its code column ``field`` renamed ``kommunkod``."""
    from trygghet_geo._cli_conventions import reading
    from trygghet_geo.errors import InputError
    from trygghet_geo.io._excel import read_gis_layer

    flag = names["municipalities"]
    if not Path(path).is_file():
        gone = "is not a file" if Path(path).exists() else "does not exist"
        raise InputError(f"{flag}: file {str(path)!r} {gone}")
    with reading(flag, path, "the municipality layer"):
        layer = read_gis_layer(Path(path))
    if field not in layer.columns:
        raise InputError(
            f"{flag}: no column {field!r} in {str(path)!r} (give it with {names['field']}); columns are "
            f"{list(layer.columns)}"
        )
    return layer.rename(columns={field: KOMMUNKOD}) if field != KOMMUNKOD else layer


def _incident_table(incidents: str | Path | pd.DataFrame, flag: str) -> gpd.GeoDataFrame:
    """The national incident table: a file read (GeoParquet by geopandas, anything else by
    :func:`trygghet_geo.read_incidents`), its reader's failure an error naming the file."""
    from trygghet_geo._cli_conventions import reading
    from trygghet_geo.errors import InputError

    if not isinstance(incidents, str | Path):
        return _read_incidents(incidents)
    path = str(incidents)
    if not Path(path).is_file():
        gone = "is not a file" if Path(path).exists() else "does not exist"
        raise InputError(f"{flag}: file {path!r} {gone}")
    with reading(flag, path, "the national incident file"):
        table: Any = incidents
        if path.lower().endswith((".parquet", ".geoparquet")):
            import geopandas as gpd

            table = gpd.read_parquet(path)
        return _read_incidents(table)


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
