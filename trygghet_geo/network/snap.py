"""Points → the nearest street edge, with the offset along it; far points are flagged, never forced.

Vectorised with shapely's STRtree (``query_nearest`` with a ``max_distance``) and ``line_locate_point``.

Example
-------
>>> import geopandas as gpd
>>> import numpy as np
>>> from shapely.geometry import LineString
>>> from trygghet_geo.network import network_from_lines
>>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=3006))
>>> snapped = snap_points(np.array([[30.0, 4.0], [50.0, 500.0]]), net)
>>> snapped.drop(columns="geometry")  # doctest: +NORMALIZE_WHITESPACE
   edge_id  edge_offset_m  snap_dist_m  snapped               reason
0        0           30.0          4.0     True
1       -1            NaN          NaN    False  too_far_from_street
>>> snapped.crs == net.crs
True
"""

from __future__ import annotations

import logging
import warnings
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from trygghet_geo import schema
from trygghet_geo.crs import align_crs
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import numpy.typing as npt

    from trygghet_geo.network._model import StreetNetwork

__all__ = [
    "points_xy",
    "random_positions",
    "snap_points",
    "snap_table",
    "snapped_positions",
    "stored_positions",
]

logger = logging.getLogger(__name__)

SNAPPED = "snapped"


def points_xy(points: Any, network: StreetNetwork) -> tuple[np.ndarray, pd.Index]:
    """Coordinates of ``points`` in the network's CRS as an (n, 2) float array, and their index.

    A GeoDataFrame/GeoSeries is reprojected to the network's CRS (it must have a CRS); missing or empty
    geometries give NaN rows. Anything else must be an (n, 2) array-like already in the network's CRS.
    """
    from trygghet_geo import _validate

    _validate.network("network", network)
    if isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        geoms = align_crs(geoms, network.edges.crs, what="the points")
        values = geoms.to_numpy()
        xy = np.full((len(values), 2), np.nan)
        ok = ~(shapely.is_missing(values) | shapely.is_empty(values))
        if ok.any():
            kinds = set(shapely.get_type_id(values[ok]).tolist())
            if kinds != {0}:
                raise InputError("the points must have Point geometry")
            xy[ok] = shapely.get_coordinates(values[ok])
        return xy, points.index
    try:
        xy = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"points must be a GeoDataFrame or an (n, 2) array of numbers: {exc}") from exc
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise InputError(f"points must be an (n, 2) array of x, y in the network's CRS, got shape {xy.shape}")
    index = points.index if isinstance(points, pd.DataFrame) else pd.RangeIndex(len(xy))
    return xy, index


def snap_points(
    points: gpd.GeoDataFrame | gpd.GeoSeries | npt.ArrayLike,
    network: StreetNetwork,
    *,
    max_snap_m: float = 100.0,
) -> gpd.GeoDataFrame:
    """Snap every point to its nearest street edge: a new GeoDataFrame, the points with where they lie.

    Parameters
    ----------
    points : GeoDataFrame or (n, 2) array
        A GeoDataFrame (any CRS; reprojected to ``network.crs``) or coordinates in the network's CRS.
    network : StreetNetwork
    max_snap_m : float
        Points farther than this from every edge are not snapped (``edge_id`` -1, reason
        ``too_far_from_street``); points without a location get reason ``no_location``.

    Returns
    -------
    GeoDataFrame
        Same index, CRS and columns as ``points`` (a GeoSeries: its geometry; an array: point geometry in the
        network's CRS), with ``edge_id`` (int, -1 when not snapped), ``edge_offset_m`` (distance along the
        edge from its node ``u``), ``snap_dist_m``, ``snapped`` (bool) and ``reason``: the points' own reason
        where they have one, else ``too_far_from_street`` or ``no_location`` for a point not snapped, ``""``
        for a snapped one. ``points`` is not modified.
        A point equally near two edges goes to either, deterministically.

    Notes
    -----
    Exact nearest edge: a uniform grid of cells lists the straight pieces of every edge that touch each
    cell (built once per network), and a compiled loop (:func:`trygghet_geo.network._kernels.nearest_pieces`)
    searches rings of cells outwards from each point until no unsearched piece can be nearer. Done by hand
    because shapely's ``STRtree.query_nearest`` costs ~6 µs a point (~6 s for a million incidents) and a
    KD-tree of samples along the pieces ~4 µs; the grid ~1 µs.
    """
    xy, index = points_xy(points, network)
    columns, reason = _snap_columns(xy, network, max_snap_m)
    n = len(xy)
    if isinstance(points, gpd.GeoDataFrame):
        out = points.assign(**columns)
    else:
        geometry = points if isinstance(points, gpd.GeoSeries) else gpd.points_from_xy(xy[:, 0], xy[:, 1])
        crs = points.crs if isinstance(points, gpd.GeoSeries) else network.crs
        out = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(geometry, index=index, crs=crs), index=index)
    own = out[schema.REASON].fillna("").astype(str).to_numpy() if schema.REASON in out else np.full(n, "")
    out[schema.REASON] = np.where(own != "", own, reason)  # a point's earlier reason is the first cause
    return out


def snap_table(xy: np.ndarray, network: StreetNetwork, *, max_snap_m: float = 100.0) -> pd.DataFrame:
    """:func:`snap_points` for an (n, 2) array in the network's CRS, as a plain DataFrame of the snapping
    columns (no geometry made: what an estimator keeps as ``snap_`` for a million points)."""
    columns, reason = _snap_columns(np.asarray(xy, dtype=np.float64), network, max_snap_m)
    return pd.DataFrame({**columns, schema.REASON: reason})


def _snap_columns(
    xy: np.ndarray, network: StreetNetwork, max_snap_m: float
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The snapping columns of points ``xy`` and the reason of each point not snapped."""
    from trygghet_geo import _validate

    _validate.metres("max_snap_m", max_snap_m)
    n = len(xy)
    edge_id = np.full(n, -1, dtype=np.int64)
    offset = np.full(n, np.nan)
    dist = np.full(n, np.nan)
    finite = np.isfinite(xy).all(axis=1)
    rows = np.flatnonzero(finite)
    for lo in range(0, len(rows), _SNAP_CHUNK):
        part = rows[lo : lo + _SNAP_CHUNK]
        edge_id[part], offset[part], dist[part] = _snap_xy(xy[part], network, max_snap_m)
    snapped = edge_id >= 0
    reason = np.where(snapped, "", np.where(finite, "too_far_from_street", "no_location"))
    n_far = int((~snapped & finite).sum())
    if n_far:
        logger.info(
            "%d of %d points are farther than %g m from every street and were not snapped",
            n_far,
            n,
            max_snap_m,
        )
    columns = {
        schema.EDGE_ID: edge_id,
        schema.EDGE_OFFSET_M: offset,
        schema.SNAP_DIST_M: dist,
        SNAPPED: snapped,
    }
    return columns, reason


def snapped_positions(
    points: gpd.GeoDataFrame, network: StreetNetwork, *, max_snap_m: float = 100.0
) -> tuple[np.ndarray, np.ndarray]:
    """Edge ids (-1: not on the network) and offsets of ``points``: their own ``edge_id`` /
    ``edge_offset_m`` columns when a stage before snapped them, else :func:`snap_points` now."""
    if schema.EDGE_ID in points.columns and schema.EDGE_OFFSET_M in points.columns:
        return stored_positions(points, network)
    snap = snap_points(points, network, max_snap_m=max_snap_m)
    return snap[schema.EDGE_ID].to_numpy(np.int64), snap[schema.EDGE_OFFSET_M].to_numpy(np.float64)


def stored_positions(points: pd.DataFrame, network: StreetNetwork) -> tuple[np.ndarray, np.ndarray]:
    """The ``edge_id`` / ``edge_offset_m`` columns a stage before wrote, checked against ``network``.

    Missing ``edge_id`` is -1 (not on the network). An edge id that is not a whole number naming one of the
    network's edges, or an offset of a snapped row that is not a number along that edge, raises
    :class:`~trygghet_geo.errors.SchemaError` naming the row: such columns were snapped to another network
    or written by hand, and used as they are they would place events on the wrong street or crash.
    """
    from trygghet_geo.errors import SchemaError

    raw_e = pd.to_numeric(points[schema.EDGE_ID], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    raw_t = pd.to_numeric(points[schema.EDGE_OFFSET_M], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    given = points[schema.EDGE_ID].notna().to_numpy(dtype=bool)
    e = np.where(np.isnan(raw_e), -1.0, raw_e)
    n_edges = len(network.edges)
    bad_e = given & (np.isnan(raw_e) | (e != np.round(e)) | (e < -1) | (e >= n_edges))
    on = ~bad_e & (e >= 0)
    length = network.edges["length_m"].to_numpy(np.float64)
    tol = 1e-6 + 1e-9 * length.max(initial=0.0)
    ei = np.where(on, e, 0).astype(np.int64)
    bad_t = on & ~((raw_t >= -tol) & (raw_t <= length[ei] + tol))
    for bad, col, what in (
        (bad_e, schema.EDGE_ID, f"a whole number from -1 to {n_edges - 1} (the network's edges)"),
        (bad_t, schema.EDGE_OFFSET_M, "a distance along that edge, from 0 to its length"),
    ):
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise SchemaError(
                f"{col}: {int(bad.sum())} row(s) hold no position on this network (row {points.index[i]!r}: "
                f"{points[col].iloc[i]!r}; expected {what}); were the points snapped to another network? "
                f"Drop the {schema.EDGE_ID!r} and {schema.EDGE_OFFSET_M!r} columns to snap them again"
            )
    return e.astype(np.int64), np.where(on, raw_t, np.nan)


_SNAP_CHUNK = 250_000
_CELL_M: float | None = None  # grid cell side; None: about two pieces a cell
_index_cache: weakref.WeakKeyDictionary[Any, _SegmentIndex] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _SegmentIndex:
    """Straight pieces of every edge, and a uniform grid of cells listing the pieces that touch each."""

    ax: np.ndarray  # piece start x, y, direction dx, dy, squared length
    ay: np.ndarray
    dx: np.ndarray
    dy: np.ndarray
    len2: np.ndarray
    edge: np.ndarray  # edge of each piece
    start_m: np.ndarray  # offset of the piece's start along its edge
    grid: np.ndarray  # x0, y0, cell size, columns, rows
    cell_ptr: np.ndarray  # CSR over cells (column-major: cell = column * rows + row)
    cell_piece: np.ndarray

    @classmethod
    def build(cls, network: StreetNetwork) -> _SegmentIndex:
        coords, owner = shapely.get_coordinates(network.edges.geometry.to_numpy(), return_index=True)
        same = owner[1:] == owner[:-1]
        a, b = coords[:-1][same], coords[1:][same]
        edge = owner[:-1][same]
        seg_len = np.hypot(*(b - a).T)
        cum = np.cumsum(seg_len)
        edge_first = np.searchsorted(edge, edge, side="left")
        start_m = cum - seg_len - np.concatenate([[0.0], cum])[edge_first]
        lo = np.minimum(a, b)
        hi = np.maximum(a, b)
        grid, ptr, piece = _grid(lo, hi, _CELL_M)
        return cls(
            a[:, 0].copy(),
            a[:, 1].copy(),
            (b - a)[:, 0].copy(),
            (b - a)[:, 1].copy(),
            seg_len**2,
            edge.astype(np.int64),
            start_m,
            grid,
            ptr,
            piece,
        )


def _grid(
    lo: np.ndarray, hi: np.ndarray, cell: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A uniform grid over the pieces' bounding boxes (``lo``, ``hi``): about two pieces a cell (or cells of
    side ``cell``), each piece listed in every cell its bounding box touches (the cell is widened while that
    lists too many)."""
    n = len(lo)
    if n == 0:
        return np.array([0.0, 0.0, 1.0, 1.0, 1.0]), np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64)
    x0, y0 = lo.min(axis=0)
    span = np.maximum(hi.max(axis=0) - (x0, y0), 1.0)
    c = max(float(np.sqrt(span[0] * span[1] * 2.0 / n)), 1.0) if cell is None else float(cell)
    while True:
        c0 = np.floor((lo - (x0, y0)) / c).astype(np.int64)
        c1 = np.floor((hi - (x0, y0)) / c).astype(np.int64)
        per = (c1[:, 0] - c0[:, 0] + 1) * (c1[:, 1] - c0[:, 1] + 1)
        if per.sum() <= 16 * n:
            break
        c *= 2.0
    nx, ny = int(c1[:, 0].max()) + 1, int(c1[:, 1].max()) + 1
    piece = np.repeat(np.arange(n), per)
    k = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    h = (c1[:, 1] - c0[:, 1] + 1)[piece]
    cell = (c0[piece, 0] + k // h) * ny + (c0[piece, 1] + k % h)
    o = np.argsort(cell, kind="stable")
    ptr = np.searchsorted(np.asarray(cell)[o], np.arange(nx * ny + 1))
    return np.array([x0, y0, c, nx, ny], dtype=np.float64), ptr, piece[o]


def _segment_index(network: StreetNetwork) -> _SegmentIndex:
    index = _index_cache.get(network)
    if index is None:
        index = _index_cache[network] = _SegmentIndex.build(network)
    return index


def _snap_xy(xy: np.ndarray, network: StreetNetwork, max_snap_m: float) -> tuple[np.ndarray, ...]:
    """Nearest edge, offset along it and distance for finite points (edge -1 beyond max_snap_m)."""
    from trygghet_geo.network import _kernels

    ix = _segment_index(network)
    px, py = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    bp, bd, bu = _kernels.nearest_pieces(
        px, py, ix.grid, ix.cell_ptr, ix.cell_piece, ix.ax, ix.ay, ix.dx, ix.dy, ix.len2, float(max_snap_m)
    )
    ok = (bp >= 0) & (bd <= max_snap_m)
    bp = np.where(ok, bp, 0)
    edge = np.where(ok, ix.edge[bp], -1)
    length = network.edges["length_m"].to_numpy()
    off = np.clip(ix.start_m[bp] + bu * np.sqrt(ix.len2[bp]), 0.0, length[ix.edge[bp]])
    off = np.where(ok, off, np.nan)
    bd = np.where(ok, bd, np.nan)
    return edge, off, bd


def random_positions(
    network: StreetNetwork,
    n: int,
    *,
    random_state: Any = None,
    weights: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` positions uniformly per metre of street (for Monte Carlo null models).

    Parameters
    ----------
    network : StreetNetwork
    n : int
    random_state : None, int or numpy Generator/RandomState
    weights : array of shape (m,), optional
        Non-negative weight per edge; positions are drawn with probability ∝ length × weight.

    Returns
    -------
    edge_id, offset_m : numpy arrays of shape (n,)

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=3006))
    >>> e, t = random_positions(net, 3, random_state=0)
    >>> e.tolist(), bool(((t >= 0) & (t <= 100)).all())
    ([0, 0, 0], True)
    """
    from sklearn.utils import check_random_state

    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise InputError(f"n must be a non-negative integer, got {n!r}")
    length = network.edges["length_m"].to_numpy(np.float64)
    p = length.copy()
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != length.shape or not np.all(np.isfinite(w) & (w >= 0)) or not w.any():
            raise InputError(f"weights must be {len(length)} non-negative numbers, not all zero")
        p *= w
    cum = np.cumsum(p)
    if isinstance(random_state, np.random.Generator):
        u = random_state.random(int(n))
    else:
        u = check_random_state(random_state).random_sample(int(n))
    # Draw a point along the concatenated street length: the edge, then the offset within it.
    target = u * cum[-1]
    edge_id = np.minimum(np.searchsorted(cum, target, side="right"), len(cum) - 1)
    start = cum[edge_id] - p[edge_id]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        frac = np.where(p[edge_id] > 0, (target - start) / p[edge_id], 0.0)
    offset = np.clip(frac, 0.0, 1.0) * length[edge_id]
    return edge_id.astype(np.int64), offset
