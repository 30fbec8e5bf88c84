"""DBSCAN with distances along the street network, without an N × N matrix.

The distance between two snapped points is the shortest path along the network between their positions,
including the partial edges at both ends; two points on the same edge may be joined directly along it or
around through the rest of the network, whichever is shorter.

How it stays sparse:

1.-3. :mod:`.network.distance` sorts the points by (edge, offset), runs bounded, tiled Dijkstra searches
   from the end nodes of occupied edges only, and finds every point's neighbours as three intervals of
   sorted offsets per nearby edge. Neighbour weights are summed with a cumulative sum over those
   intervals, so neighbour pairs are never materialised.
4. Core points are joined with a union-find (``scipy.sparse.csgraph.connected_components``) over a few
   representative pairs: consecutive cores along an edge and, for every pair of edge ends within eps, the
   core nearest to each end. This joins exactly the components of the eps-graph of the cores.
5. Border points are labelled like scikit-learn's DBSCAN: clusters are numbered in the order of their
   lowest-index core point, and a border point takes the lowest cluster number among its core neighbours —
   the cluster whose expansion reaches it first in ``sklearn.cluster._dbscan_inner``. The lowest number over
   an interval comes from a sparse-table range-minimum query. Labels therefore equal
   ``DBSCAN(metric="precomputed")`` on the exact network distances, border points included.

Distances exactly equal to eps count as neighbours (as in scikit-learn); a pair whose distance differs from
eps by less than about 1e-8 m may fall either way, because the sums are rounded in a different order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse import csr_matrix
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils._param_validation import Interval

from trygghet_geo._config import options
from trygghet_geo.errors import CRSError, InputError, ParameterTypeError
from trygghet_geo.hotspots._parameters import suggest_parameters
from trygghet_geo.network._model import StreetNetwork
from trygghet_geo.network.distance import _distance_pairs, _prepare, _Prepared, neighbour_weight
from trygghet_geo.network.distance import (
    cached_node_distances as cached_node_distances,  # importable from here
)
from trygghet_geo.network.distance import node_distances as node_distances  # importable from here

if TYPE_CHECKING:
    from collections.abc import Iterator


__all__ = [
    "KDistance",
    "NetworkDBSCAN",
    "dbscan_on_network",
    "network_distance_graph",
    "plot_k_distance",
    "suggest_eps",
]

logger = logging.getLogger(__name__)

_PAIR_CHUNK = 2_000_000  # (point, edge) pairs handled per vectorised step in suggest_eps
_BIG = np.iinfo(np.int64).max


def _labels_sorted(p: _Prepared, weight: np.ndarray, min_samples: float) -> tuple[np.ndarray, np.ndarray]:
    """(label, core) per sorted point: steps 3-5 of the module docstring, in compiled loops
    (:mod:`trygghet_geo.network._kernels`)."""
    from trygghet_geo.network import _kernels

    core = neighbour_weight(p, weight) >= min_samples
    label = np.full(len(p.t), -1, dtype=np.int64)
    if core.any():
        t, er, _, _, length, blk, tab_f, d4 = p.arrays()
        label = _kernels.core_labels(core, p.order, t, er, length, blk, tab_f, d4, p.radius)
        label = _kernels.border_labels(core, label, *p.arrays(), p.radius)
    return label, core


# --- public functional core --------------------------------------------------------------------------------
def _check_positions(
    edge_id: Any,
    offset_m: Any,
    network: StreetNetwork,
    sample_weight: Any,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from trygghet_geo import _validate

    _validate.network("network", network)
    e = np.asarray(edge_id)
    if e.ndim == 1 and np.issubdtype(e.dtype, np.floating):  # a column with NaN for rows not snapped
        whole = np.where(np.isnan(e), -1.0, e)
        if np.all(whole == np.round(whole)):
            e = whole.astype(np.int64)
    if e.ndim != 1 or not np.issubdtype(e.dtype, np.integer):
        raise InputError(f"edge_id must be a 1-d integer array, got dtype {e.dtype} and shape {e.shape}")
    t = np.asarray(offset_m, dtype=np.float64)
    if t.shape != e.shape:
        raise InputError(f"offset_m has shape {t.shape}, edge_id has {e.shape}")
    m = len(network.edges)
    if len(e) and (e.max() >= m or e.min() < -1):
        raise InputError(f"edge_id must be -1 (not snapped) or an edge of the network (0..{m - 1})")
    length = network.edges["length_m"].to_numpy()
    snapped = e >= 0
    ts = t[snapped]
    if not np.all(np.isfinite(ts) & (ts >= -1e-9) & (ts <= length[e[snapped]] + 1e-9)):
        raise InputError("offset_m must lie within 0..length_m of its edge for every snapped point")
    t = t.copy()
    t[snapped] = np.clip(ts, 0.0, length[e[snapped]])
    if sample_weight is None:
        w = np.ones(len(e))
    else:
        w = np.asarray(sample_weight, dtype=np.float64)
        if w.shape != e.shape or not np.all(np.isfinite(w)):
            raise InputError(f"sample_weight must be {len(e)} finite numbers")
    return e.astype(np.int64), t, w


def _check_params(eps_m: Any, min_samples: Any) -> None:
    from trygghet_geo import _validate

    _validate.metres("eps_m", eps_m)
    _validate.count("min_samples", min_samples, minimum=1)


def dbscan_on_network(
    edge_id: Any,
    offset_m: Any,
    network: StreetNetwork,
    *,
    eps_m: float,
    min_samples: int,
    sample_weight: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """DBSCAN on already-snapped positions, with distances along the network.

    Parameters
    ----------
    edge_id, offset_m : arrays of shape (n,)
        Position of each point (as returned by :func:`.snap_points`); ``edge_id`` -1 marks
        a point that is not on the network: it is left out and labelled -1.
    network : StreetNetwork
    eps_m : float
        Neighbourhood radius along the streets, metres (distances ≤ eps_m are neighbours).
    min_samples : int
        A point is core when the weight of its neighbours within eps_m (itself included) is ≥ min_samples.
    sample_weight : array of shape (n,), optional
        Weight of each point (default 1), as in scikit-learn.

    Returns
    -------
    labels : ndarray of int64, shape (n,)
        Cluster of each point, -1 for noise and unsnapped points; equal to
        ``sklearn.cluster.DBSCAN(metric="precomputed")`` on the exact network distances.
    core_mask : ndarray of bool, shape (n,)

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 100)])], crs=3006))
    >>> labels, core = dbscan_on_network([0, 0, 1, 1, -1], [90.0, 95.0, 5.0, 80.0, 0.0], net,
    ...                                  eps_m=20, min_samples=2)
    >>> labels.tolist(), core.tolist()
    ([0, 0, 0, -1, -1], [True, True, True, False, False])
    """
    _check_params(eps_m, min_samples)
    e, t, w = _check_positions(edge_id, offset_m, network, sample_weight)
    n = len(e)
    labels = np.full(n, -1, dtype=np.int64)
    core_mask = np.zeros(n, dtype=bool)
    if not (e >= 0).any():
        return labels, core_mask
    p = _prepare(e, t, network, float(eps_m))
    label_sorted, core = _labels_sorted(p, w[p.order], min_samples)
    labels[p.order] = label_sorted
    core_mask[p.order] = core
    logger.info(
        "network DBSCAN: %d points, %d clusters, %d core, %d noise",
        n,
        labels.max() + 1,
        int(core_mask.sum()),
        int((labels < 0).sum()),
    )
    return labels, core_mask


def network_distance_graph(
    edge_id: Any,
    offset_m: Any,
    network: StreetNetwork,
    *,
    max_distance_m: float,
) -> csr_matrix:
    """Sparse (n × n) matrix of network distances between points no farther apart than ``max_distance_m``.

    Stored entries are exactly the pairs within reach (the diagonal included, with explicit zeros), like
    ``sklearn.neighbors.radius_neighbors_graph(mode="distance")``; it can be fed to
    ``DBSCAN(metric="precomputed")``. Memory grows with the number of neighbour pairs, so use it for
    analysis and checks; :func:`dbscan_on_network` never builds it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 100)])], crs=3006))
    >>> g = network_distance_graph([0, 1], [90.0, 5.0], net, max_distance_m=50)
    >>> g.toarray().tolist()
    [[0.0, 15.0], [15.0, 0.0]]
    """
    from trygghet_geo import _validate

    _validate.metres("max_distance_m", max_distance_m)
    e, t, _ = _check_positions(edge_id, offset_m, network, None)
    n = len(e)
    if not (e >= 0).any():
        return csr_matrix((n, n))
    p = _prepare(e, t, network, float(max_distance_m))
    rows, cols, vals = [], [], []
    for ii, j, d in _distance_pairs(p, np.arange(len(p.t))):
        rows.append(p.order[ii])
        cols.append(p.order[j])
        vals.append(d)
    g = csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    g.sort_indices()
    return g


# --- the scikit-learn estimator -----------------------------------------------------------------------------
class NetworkDBSCAN(ClusterMixin, BaseEstimator):  # type: ignore[misc]  # sklearn ships no stubs
    """DBSCAN with eps in metres along the street network, following scikit-learn's conventions.

    Parameters
    ----------
    eps_m : float, default 100.0
        Neighbourhood radius along the streets, metres.
    min_samples : int, default 5
        A point is core when the weight of its neighbours within ``eps_m`` (itself included) is ≥ this.
    network : StreetNetwork or None, default None
        The street network. ``None`` means plain Euclidean DBSCAN on ``X`` (crow-flies distance in X's
        units, metres in a metric CRS): the baseline the network version improves on, and what lets the
        estimator be cloned, pickled and checked by scikit-learn's ``parametrize_with_checks`` without a
        network.
    max_snap_m : float, default 100.0
        Points farther than this from every street are not snapped: labelled -1 and left out of the counts.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each point; -1 for noise and for points not snapped to the network.
    core_sample_indices_ : ndarray
        Positions of the core points.
    components_ : ndarray of shape (n_core, n_features)
        Coordinates of the core points (in the network's CRS when a network is given).
    snap_ : pandas.DataFrame or None
        The snapping of every point (:func:`.snap_points`), same index as ``X``; ``None``
        without a network.
    n_features_in_ : int

    Examples
    --------
    >>> import geopandas as gpd
    >>> import numpy as np
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> # A street bending round a 30 m wide canal: (0, 0)-(0, 200)-(30, 200)-(30, 0).
    >>> net = network_from_lines(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (0, 200), (30, 200), (30, 0)])], crs=3006))
    >>> X = np.array([[0, 0], [0, 5], [0, 10], [30, 0], [30, 5], [30, 10]], dtype=float)
    >>> NetworkDBSCAN(eps_m=40, min_samples=3, network=net).fit(X).labels_.tolist()
    [0, 0, 0, 1, 1, 1]
    >>> NetworkDBSCAN(eps_m=40, min_samples=3).fit(X).labels_.tolist()  # Euclidean: across the canal
    [0, 0, 0, 0, 0, 0]
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "eps_m": [Interval(Real, 0, None, closed="neither")],
        "min_samples": [Interval(Integral, 1, None, closed="left")],
        "network": [StreetNetwork, None],
        "max_snap_m": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        eps_m: float = 100.0,
        *,
        min_samples: int = 5,
        network: StreetNetwork | None = None,
        max_snap_m: float = 100.0,
    ) -> None:
        self.eps_m = eps_m
        self.min_samples = min_samples
        self.network = network
        self.max_snap_m = max_snap_m

    def fit(self, X: Any, y: Any = None, sample_weight: Any = None) -> NetworkDBSCAN:
        """Cluster ``X``: a GeoDataFrame of points (reprojected to the network's CRS) or an (n, 2) array in
        the network's CRS (any (n, d) array when ``network`` is None). Returns ``self``."""
        from sklearn.utils._param_validation import InvalidParameterError
        from sklearn.utils.validation import _check_sample_weight, validate_data

        try:
            self._validate_params()
        except InvalidParameterError as exc:  # the package's own error, still a ValueError and a TypeError
            raise ParameterTypeError(str(exc)) from exc
        from trygghet_geo import _validate

        _validate.count("min_samples", self.min_samples, minimum=1)  # scikit-learn takes True for 1
        if self.network is None:
            from sklearn.cluster import DBSCAN

            X = validate_data(self, X, accept_sparse=False)
            if sample_weight is not None:
                sample_weight = _check_sample_weight(sample_weight, X)
            db = DBSCAN(eps=self.eps_m, min_samples=int(self.min_samples)).fit(X, sample_weight=sample_weight)
            self.labels_ = db.labels_
            self.core_sample_indices_ = db.core_sample_indices_
            self.components_ = db.components_
            self.snap_ = None
            return self
        from trygghet_geo.network.snap import snap_points, snap_table

        X, xy = network_input(self, X, self.network)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, xy)
        if isinstance(X, np.ndarray):  # no point geometry to make for a bare array
            snap = snap_table(xy, self.network, max_snap_m=self.max_snap_m)
        else:
            snap = snap_points(X, self.network, max_snap_m=self.max_snap_m)
        labels, core = dbscan_on_network(
            snap["edge_id"].to_numpy(),
            snap["edge_offset_m"].to_numpy(),
            self.network,
            eps_m=self.eps_m,
            min_samples=int(self.min_samples),
            sample_weight=sample_weight,
        )
        self.n_features_in_ = 2
        self.labels_ = labels
        self.core_sample_indices_ = np.flatnonzero(core)
        self.components_ = xy[core].copy()
        self.snap_ = snap
        return self


def network_input(estimator: BaseEstimator, X: Any, network: StreetNetwork) -> tuple[Any, np.ndarray]:
    """What a network estimator snaps, and its x, y: a GeoDataFrame or GeoSeries as given (rows without a
    location stay, labelled -1), or an array checked as scikit-learn checks it (finite, 2-d, not sparse, at
    least one sample) that must be x, y in the network's CRS, not degrees."""
    import geopandas as gpd
    from sklearn.utils.validation import validate_data

    from trygghet_geo.network.snap import points_xy

    name = type(estimator).__name__
    if isinstance(X, gpd.GeoDataFrame | gpd.GeoSeries):
        xy, _ = points_xy(X, network)
        if len(xy) == 0:
            raise InputError(f"X holds no points (0 samples); {name} needs at least one")
        return X, xy
    xy = validate_data(estimator, X, accept_sparse=False)
    if xy.shape[1] != 2:
        raise InputError(
            f"X has {xy.shape[1]} feature(s) (n_features = {xy.shape[1]}); with a network it must be "
            "x, y in the network's CRS (2 features), or a GeoDataFrame of points"
        )
    _refuse_degrees(xy, network)
    return xy, xy


def _refuse_degrees(xy: np.ndarray, network: StreetNetwork) -> None:
    """A bare array of longitude/latitude degrees given with a network in metres far from (0, 0) would
    snap nowhere and come back as noise: say so instead."""
    if not network.crs.is_projected:
        return
    finite = xy[np.isfinite(xy).all(axis=1)]
    if not len(finite) or np.abs(finite[:, 0]).max() > 180 or np.abs(finite[:, 1]).max() > 90:
        return
    minx, miny, maxx, maxy = network.edges.total_bounds
    if maxx < -180 or minx > 180 or maxy < -90 or miny > 90:
        epsg = network.crs.to_epsg()
        raise CRSError(
            f"X looks like longitude/latitude degrees, but the network is in EPSG:{epsg} metres "
            f"(x {minx:.0f}..{maxx:.0f}, y {miny:.0f}..{maxy:.0f}): pass a GeoDataFrame with "
            f"crs='EPSG:4326', or coordinates projected to EPSG:{epsg}"
        )


# --- choosing eps: the k-distance curve along the streets ---------------------------------------------------
@dataclass(frozen=True)
class KDistance:
    """The k-distance curve of :func:`suggest_eps`.

    Attributes
    ----------
    k : int
        Neighbours counted, the point itself included (use ``k = min_samples``: a point is core exactly when
        its k-distance is ≤ eps).
    distances_m : ndarray
        Each sampled point's distance along the streets to its k-th nearest point, sorted ascending; ``inf``
        when fewer than k points lie within ``max_distance_m``.
    eps_m : float
        Suggested eps: by default the null-model rule of :func:`trygghet_geo.suggest_parameters` (the same
        choice as ``analyze(eps_m="auto")``); with ``rule="knee"`` the knee of the curve.
    max_distance_m : float
    knee_m : float
        The knee of the curve (largest gap below the chord, the "Kneedle" rule), for reference.
    """

    k: int
    distances_m: np.ndarray
    eps_m: float
    max_distance_m: float
    knee_m: float = float("nan")

    def share_core(self, eps_m: float) -> float:
        """Share of the sampled points that would be core points at ``eps_m``."""
        return float(np.mean(self.distances_m <= eps_m)) if len(self.distances_m) else 0.0


def suggest_eps(
    edge_id: ArrayLike,
    offset_m: ArrayLike,
    network: StreetNetwork,
    *,
    k: int = 5,
    max_distance_m: float = 500.0,
    sample_size: int | None = 2000,
    random_state: int | np.random.Generator | np.random.RandomState | None = 0,
    rule: Literal["null", "knee"] = "null",
) -> KDistance:
    """The k-distance curve along the streets and a suggested eps.

    The suggested eps follows ``rule``: ``"null"`` (default) is the rule ``analyze`` uses for
    ``eps_m="auto"`` (:func:`trygghet_geo.suggest_parameters`: a human scale, widened for sparse data until
    a random position expects one event within eps); ``"knee"`` the knee of the k-distance curve, which
    tends to sit at the densest hotspot's scale rather than the town's.

    Parameters
    ----------
    edge_id, offset_m : arrays
        Snapped positions (``snap_points`` output); unsnapped points (-1) are left out.
    network : StreetNetwork
    k : int
        The ``min_samples`` you intend to use (the point itself counts, as in DBSCAN).
    max_distance_m : float
        Search radius; points whose k-th neighbour is farther get ``inf``.
    sample_size : int or None
        Number of points whose k-distance is computed (their neighbours are searched among all points);
        ``None`` for all of them.
    random_state : int, Generator or None
    rule : {"null", "knee"}

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=3006))
    >>> offsets = [0, 10, 20, 30, 40, 500, 900]
    >>> kd = suggest_eps([0] * 7, offsets, net, k=3)
    >>> kd.distances_m.tolist()
    [10.0, 10.0, 10.0, 20.0, 20.0, 460.0, inf]
    >>> kd.knee_m, suggest_eps([0] * 7, offsets, net, k=3, rule="knee").eps_m
    (20.0, 20.0)
    >>> kd.eps_m  # 7 events on 1 km of street: widened until a random point expects one within eps
    80.0
    """
    from sklearn.utils import check_random_state

    from trygghet_geo import _validate

    _validate.metres("max_distance_m", max_distance_m)  # named as the caller knows them, before the check
    k = _validate.count("k", k, minimum=1)  # DBSCAN's own (eps_m, min_samples) names
    rule = _validate.choice("rule", rule, ("null", "knee"))  # type: ignore[assignment]
    _check_params(max_distance_m, k)
    if sample_size is not None:
        _validate.count("sample_size", sample_size, minimum=1)
    _validate.seed("random_state", random_state)
    e, t, _ = _check_positions(edge_id, offset_m, network, None)
    n_snapped = int((e >= 0).sum())
    if n_snapped == 0:
        raise InputError("suggest_eps needs at least one point on the network")
    p = _prepare(e, t, network, float(max_distance_m))
    query = np.arange(len(p.t))
    if sample_size is not None and sample_size < len(query):
        rng = (
            random_state
            if isinstance(random_state, np.random.Generator)
            else check_random_state(random_state)
        )
        query = np.sort(rng.choice(len(query), sample_size, replace=False))
    kth = np.full(len(p.t), np.inf)
    for i, d in _kth_pairs(p, query):
        o = np.lexsort((d, i))
        i, d = i[o], d[o]
        first = np.searchsorted(i, i, side="left")
        at_k = np.arange(len(i)) - first == k - 1
        kth[i[at_k]] = d[at_k]
    dist = np.sort(kth[query])
    knee = _knee(dist)
    if rule == "knee":
        eps = knee
    elif rule == "null":
        eps = suggest_parameters(e, t, network, min_samples=int(k), random_state=0).eps_m
    else:
        raise InputError(f"rule must be 'null' or 'knee', got {rule!r}")
    return KDistance(k=int(k), distances_m=dist, eps_m=eps, max_distance_m=float(max_distance_m), knee_m=knee)


def _kth_pairs(p: _Prepared, query: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(i, distance) for every neighbour of the query points, in blocks that hold all pairs of a point."""
    step = max(1, _PAIR_CHUNK // (int(np.diff(p.blk).max(initial=1)) * 4))
    for lo in range(0, len(query), step):
        parts = list(_distance_pairs(p, query[lo : lo + step]))
        yield np.concatenate([q[0] for q in parts]), np.concatenate([q[2] for q in parts])


def _knee(sorted_d: np.ndarray) -> float:
    """The knee of an increasing curve: the point farthest below the chord between its ends (Kneedle)."""
    d = sorted_d[np.isfinite(sorted_d)]
    if len(d) == 0:
        return float("nan")
    if len(d) < 3 or d[-1] == d[0]:
        return float(d[-1])
    x = np.linspace(0.0, 1.0, len(d))
    y = (d - d[0]) / (d[-1] - d[0])
    return float(d[int(np.argmax(x - y))])


def plot_k_distance(kd: KDistance, *, ax: Any = None, lang: str | None = None) -> Any:
    """Plot a :class:`KDistance` curve with the suggested eps; returns the matplotlib Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> kd = KDistance(k=3, distances_m=np.array([5.0, 8.0, 9.0, 60.0]), eps_m=9.0, max_distance_m=100.0)
    >>> plot_k_distance(kd).get_ylabel()
    'avstånd längs gatorna till granne nr 3 (m)'
    """
    import matplotlib.pyplot as plt

    sv = (lang or options.lang) == "sv"
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
    d = kd.distances_m
    finite = np.isfinite(d)
    ax.plot(np.flatnonzero(finite), d[finite], color="#1f4e79", lw=1.5)
    if np.isfinite(kd.eps_m):
        label = (
            f"föreslagen eps = {kd.eps_m:.0f} m ({kd.share_core(kd.eps_m):.0%} kärnpunkter)"
            if sv
            else f"suggested eps = {kd.eps_m:.0f} m ({kd.share_core(kd.eps_m):.0%} core points)"
        )
        ax.axhline(kd.eps_m, color="#c0392b", ls="--", lw=1, label=label)
        ax.legend(loc="upper left")
    ax.set_xlabel("punkter, sorterade" if sv else "points, sorted")
    ax.set_ylabel(
        f"avstånd längs gatorna till granne nr {kd.k} (m)"
        if sv
        else f"distance along the streets to neighbour no. {kd.k} (m)"
    )
    if (~finite).any():
        ax.set_title(
            (f"{int((~finite).sum())} punkter utan {kd.k} grannar inom {kd.max_distance_m:.0f} m")
            if sv
            else f"{int((~finite).sum())} points without {kd.k} neighbours within {kd.max_distance_m:.0f} m",
            fontsize=9,
        )
    return ax
