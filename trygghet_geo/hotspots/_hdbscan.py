"""HDBSCAN along the street network: the self-adjusting clustering, with scikit-learn's conventions.

:func:`hdbscan_on_network` is the functional core and :class:`NetworkHDBSCAN` the estimator around it. The
single-linkage tree of the mutual reachability along the streets comes from
:mod:`trygghet_geo.hotspots._mutual_reach` (sparse, exact); the condensed tree is scikit-learn's own
(``sklearn.cluster._hdbscan._tree._condense_tree``), and so is the final labelling rule.

Written by hand here: the stability of each condensed cluster, the excess-of-mass / leaf selection with
``cluster_selection_epsilon``, the labelling and the membership probabilities. scikit-learn keeps them in
``cdef`` functions that cannot be imported (``_compute_stability``, ``_get_clusters``,
``get_probabilities``), and its selection scans the whole cluster tree for every cluster (quadratic: ~3 s
for the 17,000 condensed clusters of 100,000 incidents). The functions below follow scikit-learn's steps
one for one, in the same order and with the same floating-point sums, in time linear in the tree, so the
labels and probabilities are the ones ``sklearn.cluster.HDBSCAN`` gives for the same tree (tested).
"""

from __future__ import annotations

import logging
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils._param_validation import Interval, StrOptions

from trygghet_geo.errors import ParameterError, ParameterTypeError, shown

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

__all__ = ["NetworkHDBSCAN", "hdbscan_on_network"]

logger = logging.getLogger(__name__)


# --- stability and selection on the condensed tree ---------------------------------------------------------
class _ClusterTree:
    """The clusters of a condensed tree: parent, birth lambda and children of each, in row order."""

    def __init__(self, condensed: np.ndarray) -> None:
        rows = condensed[condensed["cluster_size"] > 1]
        self.root = int(condensed["parent"].min())
        self.parent: dict[int, int] = dict(zip(rows["child"].tolist(), rows["parent"].tolist(), strict=True))
        self.birth: dict[int, float] = dict(zip(rows["child"].tolist(), rows["value"].tolist(), strict=True))
        self.kids: dict[int, list[int]] = {}
        for p, c in zip(rows["parent"].tolist(), rows["child"].tolist(), strict=True):
            self.kids.setdefault(p, []).append(c)
        self.empty = len(rows) == 0

    def below(self, node: int) -> list[int]:
        """The node and every cluster under it (breadth first)."""
        out, queue = [], [node]
        while queue:
            out.extend(queue)
            queue = [c for q in queue for c in self.kids.get(q, [])]
        return out

    def leaves(self) -> list[int]:
        """Leaf clusters, left to right (scikit-learn's ``get_cluster_tree_leaves`` order)."""
        if self.empty:
            return []
        out, stack = [], [self.root]
        while stack:
            node = stack.pop()
            kids = self.kids.get(node, [])
            if kids:
                stack.extend(reversed(kids))
            else:
                out.append(node)
        return out

    def epsilon_search(self, leaves: set[int], epsilon: float, allow_single: bool) -> set[int]:
        """scikit-learn's ``epsilon_search``: leaves born closer than epsilon give way to the first ancestor
        born farther than epsilon (iterating the same set in the same order)."""
        selected: list[int] = []
        processed: set[int] = set()
        for leaf in leaves:
            if _distance(self.birth[leaf]) < epsilon:
                if leaf not in processed:
                    top = self._upwards(leaf, epsilon, allow_single)
                    selected.append(top)
                    processed.update(c for c in self.below(top) if c != top)
            else:
                selected.append(leaf)
        return set(selected)

    def _upwards(self, leaf: int, epsilon: float, allow_single: bool) -> int:
        while True:
            parent = self.parent[leaf]
            if parent == self.root:
                return parent if allow_single else leaf
            if _distance(self.birth[parent]) > epsilon:
                return parent
            leaf = parent


def _distance(lam: float) -> float:
    return float("inf") if lam == 0.0 else 1.0 / lam


def _stability(condensed: np.ndarray, root: int) -> np.ndarray:
    """scikit-learn's ``_compute_stability``: per cluster id - root, the sum over its rows of
    (lambda - the cluster's birth lambda) × size, added row by row in the same order."""
    parent, child, lam = condensed["parent"], condensed["child"], condensed["value"]
    births = np.full(max(int(child.max()), root) + 1, np.nan)
    births[child] = lam
    births[root] = 0.0
    out = np.zeros(int(parent.max()) - root + 1)
    with np.errstate(invalid="ignore"):  # inf - inf for points at distance 0: nan, as in scikit-learn
        np.add.at(out, parent - root, (lam - births[parent]) * condensed["cluster_size"])
    return out


def _select(
    condensed: np.ndarray, method: str, allow_single: bool, epsilon: float
) -> tuple[set[int], _ClusterTree]:
    """The selected clusters, as scikit-learn's ``_get_clusters`` selects them (``max_cluster_size=None``)."""
    tree = _ClusterTree(condensed)
    root = tree.root
    stab = _stability(condensed, root).tolist()
    node_list = list(range(root + len(stab) - 1, root - 1, -1))
    if not allow_single:
        node_list = node_list[:-1]
    is_cluster = dict.fromkeys(node_list, True)
    if method == "eom":
        chosen = {}
        for node in node_list:  # children have larger ids than their parent: bottom-up
            subtree = float(np.sum([stab[c - root] for c in tree.kids.get(node, [])]))
            chosen[node] = not subtree > stab[node - root]
            if not chosen[node]:
                stab[node - root] = subtree
        blocked: dict[int, bool] = {}
        for node in reversed(node_list):  # top-down: a chosen ancestor deselects everything under it
            up = tree.parent.get(node)
            blocked[node] = up is not None and up in chosen and (blocked.get(up, False) or chosen[up])
            is_cluster[node] = chosen[node] and not blocked[node]
        if epsilon != 0.0 and not tree.empty:
            eom = [c for c in is_cluster if is_cluster[c]]
            if len(eom) == 1 and eom[0] == root:
                picked = set(eom) if allow_single else set()
            else:
                picked = tree.epsilon_search(set(eom), epsilon, allow_single)
            is_cluster = {c: c in picked for c in is_cluster}
    else:
        leaves = set(tree.leaves())
        if not leaves:
            is_cluster = dict.fromkeys(is_cluster, False)
            is_cluster[root] = True
        picked = tree.epsilon_search(leaves, epsilon, allow_single) if epsilon != 0.0 else leaves
        is_cluster = {c: c in picked for c in is_cluster}
    return {c for c, yes in is_cluster.items() if yes}, tree


def _labels_and_probabilities(
    condensed: np.ndarray, clusters: set[int], tree: _ClusterTree, allow_single: bool, epsilon: float
) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's ``_do_labelling`` and ``get_probabilities``, vectorised."""
    parent, child, lam = condensed["parent"], condensed["child"], condensed["value"]
    root = tree.root
    ordered = sorted(clusters)
    label_of = np.full(int(parent.max()) + 1, -1, dtype=np.intp)
    label_of[ordered] = np.arange(len(ordered))
    # Each cluster's nearest selected ancestor (itself included), top-down over increasing ids.
    top = np.full(int(parent.max()) + 1, root, dtype=np.intp)
    for node in range(root + 1, len(top)):
        top[node] = node if node in clusters else top[tree.parent.get(node, root)]
    if root in clusters:
        top[root] = root
    is_point = child < root
    points, owner, point_lam = child[is_point], parent[is_point], lam[is_point]
    labels = np.full(root, -1, dtype=np.intp)
    anc = top[owner]
    labels[points] = np.where(anc != root, label_of[anc], -1)
    if len(clusters) == 1 and allow_single:  # the root as the single cluster keeps its dense part only
        at_root = points[anc == root]
        threshold = 1.0 / epsilon if epsilon != 0.0 else float(lam[parent == root].max())
        keep = point_lam[anc == root] >= threshold
        labels[at_root[keep]] = label_of[root] if root in clusters else -1
    # Death lambda per cluster: the largest lambda of its last run of rows (scikit-learn's max_lambdas).
    run_start = np.flatnonzero(np.r_[True, parent[1:] != parent[:-1]])
    run_max = np.maximum.reduceat(lam, run_start)
    run_parent = parent[run_start]
    deaths = np.zeros(int(parent.max()) + 1)
    last = len(run_parent) - 1 - np.unique(run_parent[::-1], return_index=True)[1]
    deaths[run_parent[last]] = run_max[last]
    probs = np.zeros(root)
    lab = labels[points]
    inside = lab >= 0
    cl = np.asarray(ordered, dtype=np.intp)[lab[inside]] if len(ordered) else np.zeros(0, dtype=np.intp)
    max_lam = deaths[cl]
    pl = point_lam[inside]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.minimum(pl, max_lam) / max_lam
    probs[points[inside]] = np.where((max_lam == 0.0) | np.isinf(pl), 1.0, ratio)
    return labels, probs


def labels_from_single_linkage(
    single_linkage: np.ndarray,
    *,
    min_cluster_size: int,
    cluster_selection_method: str = "eom",
    allow_single_cluster: bool = False,
    cluster_selection_epsilon: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Labels and membership probabilities from a single-linkage tree, as ``sklearn.cluster.HDBSCAN``'s
    ``tree_to_labels`` gives them (condensing, stability, selection, labelling)."""
    from sklearn.cluster._hdbscan._tree import _condense_tree

    condensed = _condense_tree(single_linkage, int(min_cluster_size))
    eps = float(cluster_selection_epsilon)
    clusters, tree = _select(condensed, cluster_selection_method, bool(allow_single_cluster), eps)
    return _labels_and_probabilities(condensed, clusters, tree, bool(allow_single_cluster), eps)


# --- public functional core --------------------------------------------------------------------------------
def hdbscan_on_network(
    edge_id: Any,
    offset_m: Any,
    network: StreetNetwork,
    *,
    min_cluster_size: int = 5,
    min_samples: int | None = None,
    cluster_selection_epsilon: float = 0.0,
    cluster_selection_method: str = "eom",
    allow_single_cluster: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """HDBSCAN on already-snapped positions, with distances along the network.

    Parameters
    ----------
    edge_id, offset_m : arrays of shape (n,)
        Position of each point (as returned by :func:`trygghet_geo.network.snap_points`); ``edge_id`` -1 marks
        a point that is not on the network: it is left out, labelled -1 with probability 0.
    network : StreetNetwork
    min_cluster_size : int
        The smallest group that counts as a cluster.
    min_samples : int or None
        Points counted (the point itself included) for the core distance; ``None`` means
        ``min_cluster_size``.
    cluster_selection_epsilon : float
        Metres along the streets: clusters that split closer than this are kept whole.
    cluster_selection_method : {"eom", "leaf"}
        Excess of mass (the most persistent clusters) or the leaves of the condensed tree.
    allow_single_cluster : bool
        Whether the whole set may come out as one cluster.

    Returns
    -------
    labels : ndarray of int64, shape (n,)
        Cluster of each point, -1 for noise and unsnapped points; equal (up to the numbering) to
        ``sklearn.cluster.HDBSCAN(metric="precomputed")`` on the exact network distances.
    probabilities : ndarray of float64, shape (n,)
        Strength of each point's membership in its cluster (0 for noise).

    Notes
    -----
    Fewer snapped points than ``min_samples`` cannot form a core, so they all come out as noise (where
    scikit-learn would raise). Points whose part of the network holds fewer than ``min_samples`` points
    have an infinite core distance and join the rest at infinite distance, as in the dense case.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=3006))
    >>> offsets = [10, 12, 14, 16, 18, 500, 900, 902, 904, 906, 908]
    >>> labels, prob = hdbscan_on_network([0] * 11, offsets, net, min_cluster_size=3)
    >>> labels.tolist()  # the lone point at 500 m joins a cluster ...
    [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    >>> prob.round(3).tolist()  # ... with a membership strength near 0
    [0.5, 1.0, 1.0, 1.0, 0.5, 0.005, 0.5, 1.0, 1.0, 1.0, 0.5]
    """
    from trygghet_geo.hotspots._dbscan import _check_positions
    from trygghet_geo.hotspots._mutual_reach import single_linkage_on_network

    _check_hdbscan_params(
        min_cluster_size,
        min_samples,
        cluster_selection_epsilon,
        cluster_selection_method,
        allow_single_cluster,
    )
    e, t, _ = _check_positions(edge_id, offset_m, network, None)
    n = len(e)
    labels = np.full(n, -1, dtype=np.int64)
    probabilities = np.zeros(n)
    snapped = np.flatnonzero(e >= 0)
    k = int(min_cluster_size if min_samples is None else min_samples)
    if len(snapped) < max(2, k):
        return labels, probabilities
    tree, _ = single_linkage_on_network(e[snapped], t[snapped], network, min_samples=k)
    lab, prob = labels_from_single_linkage(
        tree,
        min_cluster_size=int(min_cluster_size),
        cluster_selection_method=cluster_selection_method,
        allow_single_cluster=bool(allow_single_cluster),
        cluster_selection_epsilon=float(cluster_selection_epsilon),
    )
    labels[snapped] = lab
    probabilities[snapped] = prob
    logger.info(
        "network HDBSCAN: %d points, %d clusters, %d noise", n, labels.max() + 1, int((labels < 0).sum())
    )
    return labels, probabilities


def _check_hdbscan_params(
    min_cluster_size: Any, min_samples: Any, epsilon: Any, method: Any, allow_single: Any
) -> None:
    def whole(x: Any, low: int) -> bool:
        return isinstance(x, int | np.integer) and not isinstance(x, bool) and bool(x >= low)

    if not whole(min_cluster_size, 2):
        raise ParameterError(f"min_cluster_size must be an integer ≥ 2, got {min_cluster_size!r}")
    if min_samples is not None and not whole(min_samples, 1):
        raise ParameterError(f"min_samples must be None or an integer ≥ 1, got {min_samples!r}")
    if (
        isinstance(epsilon, bool)
        or not isinstance(epsilon, int | float | np.floating)
        or not (np.isfinite(epsilon) and epsilon >= 0)
    ):
        raise ParameterError(f"cluster_selection_epsilon must be a number of metres ≥ 0, got {epsilon!r}")
    if method not in ("eom", "leaf"):
        raise ParameterError(f"cluster_selection_method must be 'eom' or 'leaf', got {shown(method)}")
    if not isinstance(allow_single, bool | np.bool_):
        raise ParameterError(f"allow_single_cluster must be True or False, got {allow_single!r}")


# --- the scikit-learn estimator -----------------------------------------------------------------------------
class NetworkHDBSCAN(ClusterMixin, BaseEstimator):  # type: ignore[misc]  # sklearn ships no stubs
    """HDBSCAN with distances in metres along the street network, following scikit-learn's conventions.

    The self-adjusting alternative to :class:`~trygghet_geo.hotspots.NetworkDBSCAN`: no neighbourhood
    radius to choose. It builds the hierarchy of DBSCAN clusterings at every radius at once and keeps the
    clusters that persist longest, so a dense square and a thinner street stretch can both come out as
    clusters in one run.

    Parameters
    ----------
    min_cluster_size : int, default 5
        The smallest group of incidents that counts as a cluster.
    min_samples : int or None, default None
        Incidents counted (the point itself included) for a point's core distance; larger values make
        the clustering more conservative. ``None`` means ``min_cluster_size``.
    cluster_selection_epsilon : float, default 0.0
        Metres along the streets: clusters that split closer than this are kept whole.
    cluster_selection_method : {"eom", "leaf"}, default "eom"
        ``"eom"`` keeps the most persistent clusters, ``"leaf"`` the smallest homogeneous ones.
    allow_single_cluster : bool, default False
        Whether all the incidents may come out as one cluster.
    network : StreetNetwork or None, default None
        The street network. ``None`` means scikit-learn's HDBSCAN on ``X`` (crow-flies distance in X's
        units): the baseline, and what lets ``parametrize_with_checks`` run without a network.
    max_snap_m : float, default 100.0
        Points farther than this from every street are not snapped: labelled -1, probability 0.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each point; -1 for noise and for points not snapped to the network. The same partition
        as ``sklearn.cluster.HDBSCAN(metric="precomputed")`` on the network distances.
    probabilities_ : ndarray of shape (n_samples,)
        Strength of each point's membership in its cluster, 0 for noise.
    snap_ : pandas.DataFrame or None
        The snapping of every point (:func:`trygghet_geo.network.snap_points`); ``None`` without a network.
    n_features_in_ : int

    Examples
    --------
    >>> import geopandas as gpd
    >>> import numpy as np
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> # A street bending round a 30 m wide canal: (0, 0)-(0, 200)-(30, 200)-(30, 0). Five incidents at
    >>> # the foot of each bank (30 m apart across the water, 400 m along the street), five 60 m up the west.
    >>> net = network_from_lines(gpd.GeoDataFrame(
    ...     geometry=[LineString([(0, 0), (0, 200), (30, 200), (30, 0)])], crs=3006))
    >>> west, east, up = [[0, y] for y in range(0, 10, 2)], [[30, y] for y in range(0, 10, 2)], [
    ...     [0, y] for y in range(60, 70, 2)]
    >>> X = np.array(west + east + up, dtype=float)
    >>> NetworkHDBSCAN(3, cluster_selection_epsilon=45, network=net).fit(X).labels_.tolist()
    [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2]
    >>> NetworkHDBSCAN(3, cluster_selection_epsilon=45).fit(X).labels_.tolist()  # Euclidean: across the canal
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]
    """

    _parameter_constraints: dict[str, Any] = {  # noqa: RUF012  # scikit-learn's own convention
        "min_cluster_size": [Interval(Integral, 2, None, closed="left")],
        "min_samples": [Interval(Integral, 1, None, closed="left"), None],
        "cluster_selection_epsilon": [Interval(Real, 0, None, closed="left")],
        "cluster_selection_method": [StrOptions({"eom", "leaf"})],
        "allow_single_cluster": ["boolean"],
        "network": "no_validation",
        "max_snap_m": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        min_cluster_size: int = 5,
        *,
        min_samples: int | None = None,
        cluster_selection_epsilon: float = 0.0,
        cluster_selection_method: str = "eom",
        allow_single_cluster: bool = False,
        network: StreetNetwork | None = None,
        max_snap_m: float = 100.0,
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_epsilon = cluster_selection_epsilon
        self.cluster_selection_method = cluster_selection_method
        self.allow_single_cluster = allow_single_cluster
        self.network = network
        self.max_snap_m = max_snap_m

    def fit(self, X: Any, y: Any = None) -> NetworkHDBSCAN:
        """Cluster ``X``: a GeoDataFrame of points (reprojected to the network's CRS) or an (n, 2) array in
        the network's CRS (any (n, d) array when ``network`` is None). Returns ``self``."""
        from sklearn.utils._param_validation import InvalidParameterError
        from sklearn.utils.validation import validate_data

        try:
            self._validate_params()
        except InvalidParameterError as exc:  # the package's own error, still a ValueError and a TypeError
            raise ParameterTypeError(str(exc)) from exc
        if self.network is None:
            from sklearn.cluster import HDBSCAN

            X = validate_data(self, X, accept_sparse=False, ensure_min_samples=2)
            ref = HDBSCAN(
                min_cluster_size=self.min_cluster_size,
                min_samples=self.min_samples,
                cluster_selection_method=self.cluster_selection_method,
                allow_single_cluster=self.allow_single_cluster,
                copy=True,
            ).fit(X)
            self.labels_, self.probabilities_ = ref.labels_, ref.probabilities_
            if self.cluster_selection_epsilon:
                # scikit-learn's own epsilon search fails under NumPy 2 whenever it climbs to a parent
                # (a one-element array returned as an integer); the same selection from its tree here.
                self.labels_, self.probabilities_ = labels_from_single_linkage(
                    ref._single_linkage_tree_,
                    min_cluster_size=self.min_cluster_size,
                    cluster_selection_method=self.cluster_selection_method,
                    allow_single_cluster=self.allow_single_cluster,
                    cluster_selection_epsilon=float(self.cluster_selection_epsilon),
                )
            self.snap_ = None
            return self
        from trygghet_geo.hotspots._dbscan import network_input
        from trygghet_geo.network.snap import snap_points

        X, _ = network_input(self, X, self.network)
        snap = snap_points(X, self.network, max_snap_m=self.max_snap_m)
        self.labels_, self.probabilities_ = hdbscan_on_network(
            snap["edge_id"].to_numpy(),
            snap["edge_offset_m"].to_numpy(),
            self.network,
            min_cluster_size=int(self.min_cluster_size),
            min_samples=None if self.min_samples is None else int(self.min_samples),
            cluster_selection_epsilon=float(self.cluster_selection_epsilon),
            cluster_selection_method=self.cluster_selection_method,
            allow_single_cluster=bool(self.allow_single_cluster),
        )
        self.n_features_in_ = 2
        self.snap_ = snap
        return self


# --- the clustering step of the analysis --------------------------------------------------------------------
METHODS = ("dbscan", "hdbscan")


def network_cluster_labels(
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    method: str,
    eps_m: float,
    min_samples: int,
) -> np.ndarray:
    """Cluster labels of snapped positions by the method :func:`trygghet_geo.analyze` was asked for; the one
    place where ``method`` is turned into a clustering (a null model that reclusters with the method
    asked would call it too).

    ``"dbscan"``: :func:`trygghet_geo.hotspots.dbscan_on_network` with ``eps_m`` and ``min_samples``.
    ``"hdbscan"``: :func:`hdbscan_on_network` with ``min_cluster_size = min_samples`` (and the same core
    distance), no radius: ``eps_m`` only sets the scale of the hotspots' drawn streets and footprints.

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=3006))
    >>> offsets = [10, 12, 14, 16, 18, 500, 900, 902, 904, 906, 908]
    >>> network_cluster_labels([0] * 11, offsets, net, method="dbscan", eps_m=5, min_samples=3).tolist()
    [0, 0, 0, 0, 0, -1, 1, 1, 1, 1, 1]
    """
    if method not in METHODS:
        raise ParameterError(f"method must be 'dbscan' or 'hdbscan', got {shown(method)}")
    if method == "hdbscan":
        labels, _ = hdbscan_on_network(
            edge_id,
            offset_m,
            network,
            min_cluster_size=max(2, int(min_samples)),
            min_samples=int(min_samples),
        )
        return labels
    from trygghet_geo.hotspots._dbscan import dbscan_on_network

    labels, _core = dbscan_on_network(edge_id, offset_m, network, eps_m=eps_m, min_samples=min_samples)
    return labels
