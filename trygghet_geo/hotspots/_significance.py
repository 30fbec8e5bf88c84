"""Monte Carlo significance of clusters on a street network (used by :func:`trygghet_geo.rank.rank_places`).

Could a concentration this strong arise by chance on this street network? Each cluster is scored with the
Poisson likelihood ratio of Kulldorff's scan statistic (:func:`cluster_llr`): its events against the count
expected on its footprint (the street within ``eps_m / 2`` of its events) if events fell uniformly per metre.
The same number of events as were clustered is then relocated at random along the streets (uniformly per
metre, or in proportion to a per-edge ``baseline`` the caller gives), reclustered with the same ``eps_m`` and
``min_samples`` (:func:`trygghet_geo.hotspots.dbscan_on_network`), and the *largest* statistic of each
simulation is kept. A hotspot's ``p_max`` is ``(1 + #{simulations whose largest statistic >= its own}) /
(1 + n_simulations)``: comparing each hotspot with the maximum over all simulated clusters is a max-statistic
test, which bounds the chance of calling any hotspot significant under pure noise (family-wise) and is
conservative for the second and later hotspots. (The raw cluster *size* would be a poor statistic: at
realistic densities random events percolate into one giant cluster along the streets; for the same reason a
cluster holding more than half of all events is no candidate, as in Kulldorff's scan.)
The false-discovery-rate flag needs finer p-values than ``1 / (1 + n_simulations)`` once there are many
hotspots, so the reported ``p_value`` compares a hotspot's statistic with *every* simulated cluster pooled
(the null distribution of a single cluster's statistic), and the Benjamini–Hochberg procedure
(``scipy.stats.false_discovery_control``) on ``p_value`` gives ``q_value``; ``significant`` is
``q_value <= alpha``. Under pure noise an observed cluster is exchangeable with a simulated one, so the
chance of any significant hotspot stays near ``alpha`` (BH under the global null controls the family-wise
rate); the tests check it on seeded noise.
Limits: the null keeps the event count but not the events' timing or repeat addresses; uniform per metre of
street ignores that some streets carry far more people (give a ``baseline`` when you have one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trygghet_geo.errors import ParameterError

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

__all__ = ["cluster_llr", "footprint_lengths", "monte_carlo_pvalues", "simulate_llr"]


def monte_carlo_pvalues(
    labels: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    eps_m: float,
    min_samples: int,
    n_simulations: int = 99,
    random_state: int | np.random.Generator | None = 0,
    baseline: np.ndarray | None = None,
    method: str = "dbscan",
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo p-values of observed clusters on a street network, one per cluster label.

    ``labels`` (-1 for noise) label the events at ``edge_id``/``offset_m``. Each cluster's statistic is the
    Poisson likelihood ratio of :func:`cluster_llr`. The same number of events is placed at random along
    the streets (uniform per metre, or by ``baseline`` per edge), clustered with
    :func:`trygghet_geo.hotspots.dbscan_on_network`, and the largest statistic of each simulation is kept;
    the max-statistic p-value of cluster ``c`` is ``(1 + #{simulated max >= stat_c}) / (1 + n_simulations)``.
    The local p-value compares ``stat_c`` with every simulated cluster pooled:
    ``(1 + #{simulated clusters with stat >= stat_c}) / (1 + #simulated clusters)``.

    With ``method="hdbscan"`` the simulations are clustered with HDBSCAN along the streets instead
    (:func:`trygghet_geo.hotspots._hdbscan.network_cluster_labels`), as the observed events were.

    Returns two arrays of length ``labels.max() + 1``, max-statistic and local p-values (NaN everywhere when
    ``n_simulations`` is 0).

    Examples
    --------
    >>> import geopandas as gpd, numpy as np
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (5000, 0)])], crs=3006))
    >>> off = np.r_[np.linspace(100, 120, 20), np.linspace(500, 4900, 30)]  # 20 events within 20 m
    >>> labels = np.r_[np.zeros(20, int), -np.ones(30, int)]
    >>> p_max, p_local = monte_carlo_pvalues(labels, np.zeros(50, int), off, net, eps_m=20, min_samples=5,
    ...                                      n_simulations=19)
    >>> float(p_max[0])
    0.05
    """
    labels, edge_id, offset_m = (np.asarray(a) for a in (labels, edge_id, offset_m))
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    if n_simulations <= 0 or n_clusters == 0:
        return np.full(n_clusters, np.nan), np.full(n_clusters, np.nan)
    weight = _baseline(baseline, network)
    observed = cluster_llr(labels, edge_id, offset_m, network, half_width_m=eps_m / 2, edge_weight=weight)
    sims = simulate_llr(
        len(labels),
        network,
        eps_m=eps_m,
        min_samples=min_samples,
        n_simulations=n_simulations,
        random_state=random_state,
        edge_weight=weight,
        method=method,
    )
    maxima = np.array([x.max() if len(x) else 0.0 for x in sims])
    pooled = np.sort(np.concatenate(sims)) if sims else np.zeros(0)
    tol = 1e-9 * np.maximum(1.0, np.abs(observed))  # ties count against the observed cluster
    p_max = (1.0 + (maxima[None, :] >= (observed - tol)[:, None]).sum(axis=1)) / (1.0 + n_simulations)
    n_ge = len(pooled) - np.searchsorted(pooled, observed - tol, side="left")
    p_local = (1.0 + n_ge) / (1.0 + len(pooled))
    return p_max, p_local


def cluster_llr(
    labels: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    network: StreetNetwork,
    *,
    half_width_m: float,
    edge_weight: np.ndarray | None = None,
    max_share: float = 0.5,
) -> np.ndarray:
    """Poisson log-likelihood ratio (Kulldorff's scan statistic) of each cluster against the whole network.

    A cluster's footprint is the street within ``half_width_m`` of any of its events (measured along each
    event's own edge); with ``n`` of ``N`` events in a footprint holding the share ``s`` of the street length
    (or of the ``edge_weight``-weighted length), the expected count is ``e = N*s`` and the statistic is
    ``n*ln(n/e) + (N-n)*ln((N-n)/(N-e))`` when ``n > e``, else 0. Clusters of any size are thus compared on
    one scale: many events on little street score high.

    As in Kulldorff's scan, a window holding more than ``max_share`` of all events is not a candidate
    (statistic 0): at high densities DBSCAN chains random events into one giant cluster along the streets,
    whose footprint leaves out the empty stretches and would otherwise look "dense" under pure noise.
    """
    n_total = len(labels)
    keep = labels >= 0
    n_clusters = int(labels.max()) + 1 if keep.any() else 0
    if n_clusters == 0:
        return np.zeros(0)
    length = network.edges["length_m"].to_numpy(np.float64)
    w = np.ones(len(length)) if edge_weight is None else edge_weight
    covered = footprint_lengths(labels, edge_id, offset_m, length, half_width_m=half_width_m, edge_weight=w)
    share = covered / float((length * w).sum())
    lab = labels[keep]
    n = np.bincount(lab, minlength=n_clusters).astype(float)
    llr = _poisson_llr(n, n_total * share, n_total)
    llr[n > max_share * n_total] = 0.0
    return llr


def footprint_lengths(
    labels: np.ndarray,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    length_m: np.ndarray,
    *,
    half_width_m: float,
    edge_weight: np.ndarray | None = None,
) -> np.ndarray:
    """Per cluster, the (``edge_weight``-weighted) street length within ``half_width_m`` of its events.

    Each event covers ``[offset - h, offset + h]`` clipped to its own edge; overlapping pieces count once.
    Vectorised by hand because no library merges intervals per group: sort by (cluster, edge, start), and a
    running maximum of the ends that restarts in each group gives each interval's not-yet-covered part.

    >>> import numpy as np
    >>> footprint_lengths(np.array([0, 0, 1]), np.array([0, 0, 1]), np.array([10.0, 15.0, 50.0]),
    ...                   np.array([100.0, 60.0]), half_width_m=10.0).tolist()
    [25.0, 20.0]
    """
    keep = labels >= 0
    if not keep.any():
        return np.zeros(0)
    n_clusters = int(labels.max()) + 1
    lab, eid, off = labels[keep], edge_id[keep], offset_m[keep]
    lo = np.maximum(off - half_width_m, 0.0)
    hi = np.minimum(off + half_width_m, length_m[eid])
    order = np.lexsort((lo, eid, lab))
    lab, eid, lo, hi = lab[order], eid[order], lo[order], hi[order]
    group = np.r_[0, np.cumsum((lab[1:] != lab[:-1]) | (eid[1:] != eid[:-1]))]
    big = float(length_m.max()) + 1.0  # groups offset by more than any edge length: the max never leaks
    reach = np.maximum.accumulate(hi + group * big) - group * big
    prev = np.r_[-np.inf, reach[:-1]]
    prev[np.r_[True, group[1:] != group[:-1]]] = -np.inf
    new = np.clip(hi - np.maximum(lo, prev), 0.0, None)
    w = np.ones(len(length_m)) if edge_weight is None else edge_weight
    return np.bincount(lab, weights=new * w[eid], minlength=n_clusters)


def _poisson_llr(n: np.ndarray, e: np.ndarray, n_total: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = n * np.log(n / e)
        rest = np.where(n < n_total, (n_total - n) * np.log((n_total - n) / (n_total - e)), 0.0)
    return np.where(n > e, inside + rest, 0.0)


def simulate_llr(
    n_events: int,
    network: StreetNetwork,
    *,
    eps_m: float,
    min_samples: int,
    n_simulations: int,
    random_state: int | np.random.Generator | None = 0,
    edge_weight: np.ndarray | None = None,
    method: str = "dbscan",
) -> list[np.ndarray]:
    """The :func:`cluster_llr` of every cluster in each of ``n_simulations`` random relocations."""
    from tqdm.auto import tqdm

    from trygghet_geo._config import progress_disable
    from trygghet_geo.hotspots._hdbscan import network_cluster_labels
    from trygghet_geo.network.snap import random_positions

    rng = np.random.default_rng(random_state)
    out = []
    for _ in tqdm(range(n_simulations), desc="Monte Carlo", disable=progress_disable(), leave=False):
        eid, off = random_positions(network, n_events, random_state=rng, weights=edge_weight)
        labels = network_cluster_labels(
            eid, off, network, method=method, eps_m=eps_m, min_samples=min_samples
        )
        out.append(cluster_llr(np.asarray(labels), eid, off, network, half_width_m=eps_m / 2,
                               edge_weight=edge_weight))  # fmt: skip
    return out


def _baseline(baseline: np.ndarray | None, network: StreetNetwork) -> np.ndarray | None:
    if baseline is None:
        return None
    b = np.asarray(baseline, dtype=float)
    if b.shape != (len(network.edges),) or not np.isfinite(b).all() or (b < 0).any() or not b.sum() > 0:
        raise ParameterError(
            f"baseline must be {len(network.edges)} non-negative per-edge weights, not all 0; "
            f"got shape {b.shape}"
        )
    return b
