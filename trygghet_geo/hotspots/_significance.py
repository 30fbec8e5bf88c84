"""Monte Carlo significance of hotspots on a street network: a stage of its own.

:func:`hotspot_significance` adds ``p_value``, ``q_value``, ``p_max`` and ``significant`` to a hotspots table;
:func:`trygghet_geo.rank.rank_places` only reads them. A new test is a new function here that adds the same
columns.

The test: each hotspot's densest part against the null model
---------------------------------------------------------------
Could a concentration this strong arise by chance on this street network? DBSCAN chains onto a true hotspot
the noise around it (border points, and at high densities neighbouring core points), so scoring the whole
cluster dilutes it: a hotspot of 60 events in a city of 15,000 could drown in the few hundred events DBSCAN
joined to it. So each hotspot is scored on zones around its core events (the cluster's densest part): the
street within ``eps_m / 2`` of any core event, and network balls of 0.5-2 eps around one core event,
Kulldorff's Poisson log-likelihood ratio of the events inside, the largest over the zones
(:mod:`trygghet_geo.hotspots._zones` defines the zones and the statistic, with references).

The null model relocates the same number of events uniformly per metre of street (or by ``baseline``),
reclusters them with the same parameters (street weights included) and scores every cluster the same way.

p-values
--------
- ``p_max`` (family-wise): the hotspot's statistic against the *largest* statistic of each simulation,
  ``(1 + #{max >= stat}) / (1 + n_simulations)``; beyond the largest simulated maximum the tail of a Gumbel
  distribution fitted to the maxima (maximum likelihood) is used, capped at ``1 / (1 + n_simulations)``: the
  Gumbel approximation SaTScan offers for small p-values (Abrams, Kleinman & Kulldorff 2010, "Gumbel based
  p-value approximations for spatial scan statistics", Int. J. Health Geogr. 9:61).
- ``p_value`` (per hotspot): the statistic against *every* simulated cluster pooled (the null distribution of
  one cluster's statistic; thousands of clusters over 99 simulations at town densities), and beyond the
  largest pooled value an exponential tail fitted to the 50 largest (peaks over threshold: the Poisson
  likelihood ratio has an exponential tail, as a chi-square does). So p-values go well below
  ``1 / (1 + n_simulations)`` where the evidence does, and Benjamini-Hochberg
  (``scipy.stats.false_discovery_control``) gives ``q_value`` with many places; ``significant`` is
  ``q_value <= alpha``. With fewer than 20 pooled clusters ``p_value`` falls back to ``p_max``.

Under pure noise an observed cluster is exchangeable with a simulated one, so ``p_value`` is uniform and BH
keeps the chance of any significant hotspot near ``alpha``; the tests and ``bench/bench_defaults.py`` check it
on seeded noise. Default: 99 simulations, ``alpha`` 0.05.

How the simulations run (one seed per simulation, ``n_jobs`` threads, and Besag-Clifford sequential
stopping: a hotspot whose answer is already known, not significant, stops using further simulations, and
the Monte Carlo stops once every hotspot has) is :mod:`trygghet_geo.hotspots._montecarlo`'s.
Limits: the null keeps the event count but not the events' timing or repeat addresses; uniform per metre of
street ignores that some streets carry far more people (give a ``baseline`` when you have one).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trygghet_geo import _validate as v
from trygghet_geo import schema
from trygghet_geo.errors import InputError, ParameterError, SchemaError
from trygghet_geo.hotspots import _montecarlo
from trygghet_geo.hotspots._dbscan import dbscan_on_network
from trygghet_geo.hotspots._fdr import q_values
from trygghet_geo.hotspots._parameters import street_weights
from trygghet_geo.hotspots._zones import cluster_statistic, core_zone_llr
from trygghet_geo.network.snap import random_positions, stored_positions

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = ["SIGNIFICANCE_COLUMNS", "core_zone_llr", "footprint_lengths", "hotspot_significance"]

SIGNIFICANCE_COLUMNS = ("p_value", "q_value", "p_max", "significant")
_TAIL_K = 50  # pooled values the exponential tail is fitted to


def hotspot_significance(
    hotspots: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    network: StreetNetwork,
    *,
    eps_m: float,
    min_samples: int,
    street_weighted: bool = False,
    n_simulations: int = 99,
    random_state: int | np.random.Generator | None = 0,
    baseline: np.ndarray | None = None,
    alpha: float = 0.05,
    n_jobs: int | None = None,
    sequential: bool = True,
) -> gpd.GeoDataFrame:
    """Add the Monte Carlo significance columns to a hotspots table.

    Parameters
    ----------
    hotspots : GeoDataFrame
        Output of :func:`trygghet_geo.hotspots.find_hotspots` (``member_index`` is read).
    incidents : GeoDataFrame
        The clustered incidents with ``edge_id`` (-1 when not on the streets) and ``edge_offset_m``.
    network : StreetNetwork
    eps_m, min_samples : float, int
        The clustering parameters the hotspots were found with (the simulations recluster with them).
    street_weighted : bool
        Whether the clustering weighted events by their street surroundings
        (:func:`trygghet_geo.hotspots._parameters.street_weights`, used by ``min_samples="auto"``).
    n_simulations : int
        Monte Carlo simulations; 0 skips the test (NaN p-values, nothing significant).
    random_state : int, Generator or None
        Seed of the simulations: simulation k draws from ``SeedSequence(random_state).spawn(n)[k]``
        (:mod:`trygghet_geo.hotspots._montecarlo`), so results do not depend on ``n_jobs``.
    baseline : array, optional
        Per-edge weights for relocating events instead of uniform per metre.
    alpha : float
        False-discovery rate for ``significant``.
    n_jobs : int or None
        Simulations run at a time on threads (``None``: 1, ``-1``: every core); identical results for any.
    sequential : bool
        Stop a hotspot's test once its answer is known (Besag-Clifford, see
        :mod:`trygghet_geo.hotspots._montecarlo`), and the Monte Carlo once every hotspot has stopped;
        ``False`` always runs ``n_simulations``.

    Returns
    -------
    GeoDataFrame
        A copy of ``hotspots`` with ``p_value``, ``q_value``, ``p_max`` and ``significant``; ``attrs`` gain
        ``significance`` (method, simulations, alpha, parameters).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd, shapely
    >>> from trygghet_geo.network import network_from_lines
    >>> from trygghet_geo.hotspots import find_hotspots
    >>> line = shapely.LineString([(0, 0), (5000, 0)])
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[line], crs=3006))
    >>> off = np.r_[np.linspace(100, 120, 20), np.linspace(500, 4900, 30)]  # 20 events within 20 m
    >>> inc = gpd.GeoDataFrame({"edge_id": 0, "edge_offset_m": off}, geometry=shapely.points(off, 0 * off),
    ...                        crs=3006)
    >>> hs = find_hotspots(inc.iloc[:20], np.zeros(20, int), net)
    >>> out = hotspot_significance(hs, inc, net, eps_m=20, min_samples=5, n_simulations=19)
    >>> bool(out["significant"].iloc[0]), float(out["p_max"].iloc[0]) <= 0.05
    (True, True)
    """
    v.count("n_simulations", n_simulations, maximum=v.MAX_SIMULATIONS)
    v.seed("random_state", random_state)
    _montecarlo.check_n_jobs(n_jobs)
    v.probability("alpha", alpha)
    v.positive("eps_m", eps_m)
    v.count("min_samples", min_samples, minimum=1)
    for col in (schema.EDGE_ID, schema.EDGE_OFFSET_M):
        if col not in incidents.columns:
            raise SchemaError(f"incidents: missing column {col!r} (snap the incidents first)")
    if "member_index" not in hotspots.columns:
        raise SchemaError("hotspots: missing column 'member_index'; pass the output of find_hotspots")
    e_all, t_all = stored_positions(incidents, network)
    located = incidents[e_all >= 0]
    labels = observed_labels(located, hotspots)
    e, t = e_all[e_all >= 0], t_all[e_all >= 0]
    p_max, p_value = _pvalues(
        labels, e, t, network, eps_m, min_samples, street_weighted, n_simulations, random_state, baseline,
        alpha=alpha, n_jobs=n_jobs, sequential=sequential,
    )  # fmt: skip
    out = hotspots.copy()
    q = q_values(p_value)
    out["p_value"], out["q_value"], out["p_max"] = p_value, q, p_max
    out["significant"] = np.isfinite(q) & (q <= alpha)
    out.attrs["significance"] = {
        "method": "core-zone Poisson scan, Monte Carlo",
        "n_simulations": int(n_simulations),
        "alpha": float(alpha),
        "eps_m": float(eps_m),
        "min_samples": int(min_samples),
        "street_weighted": bool(street_weighted),
        "sequential": bool(sequential),
    }
    return out


def _pvalues(
    labels: np.ndarray,
    e: np.ndarray,
    t: np.ndarray,
    network: StreetNetwork,
    eps_m: float,
    min_samples: int,
    street_weighted: bool,
    n_simulations: int,
    random_state: int | np.random.Generator | None,
    baseline: np.ndarray | None,
    *,
    alpha: float = 0.05,
    n_jobs: int | None = None,
    sequential: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """(p_max, p_value) per hotspot label 0..K-1."""

    n_hot = int(labels.max()) + 1 if len(labels) else 0
    if n_simulations <= 0 or n_hot == 0:
        return np.full(n_hot, np.nan), np.full(n_hot, np.nan)
    edge_w = _baseline(baseline, network)
    sw = _weights(network, e, t, eps_m, street_weighted)
    _, core = dbscan_on_network(e, t, network, eps_m=eps_m, min_samples=min_samples, sample_weight=sw)
    observed = cluster_statistic(labels, core, e, t, network, eps_m=eps_m, edge_weight=edge_w)
    statistic = partial(
        _simulated_statistics,
        n_events=len(e),
        network=network,
        eps_m=eps_m,
        min_samples=min_samples,
        street_weighted=street_weighted,
        edge_weight=edge_w,
    )
    mc = _montecarlo.run(
        statistic, observed, n_simulations=n_simulations, random_state=random_state, alpha=alpha,
        n_jobs=n_jobs, sequential=sequential,
    )  # fmt: skip
    return _from_simulations(observed, mc)


def _from_simulations(observed: np.ndarray, mc: _montecarlo.MonteCarlo) -> tuple[np.ndarray, np.ndarray]:
    """(p_max, p_value) per hotspot from the simulations each hotspot's test used (its first ``mc.stop``)."""
    p_max, p_value = np.full(len(observed), np.nan), np.full(len(observed), np.nan)
    maxima = mc.maxima
    for n_used in np.unique(mc.stop):
        sel = mc.stop == n_used
        pm = _p_max(observed[sel], maxima[:n_used])
        early = np.isfinite(mc.p_bc[sel])
        pm[early] = mc.p_bc[sel][early]
        p_max[sel] = pm
        pooled = np.sort(np.concatenate(mc.stats[:n_used]))
        p_value[sel] = _p_pooled(observed[sel], pooled, pm)
    return p_max, p_value


def _weights(
    network: StreetNetwork, e: np.ndarray, t: np.ndarray, eps_m: float, street_weighted: bool
) -> np.ndarray | None:
    if not street_weighted:
        return None
    return street_weights(network, e, t, eps_m)


def _simulated_statistics(
    rng: np.random.Generator,
    *,
    n_events: int,
    network: StreetNetwork,
    eps_m: float,
    min_samples: int,
    street_weighted: bool,
    edge_weight: np.ndarray | None,
) -> np.ndarray:
    """One simulation: the events relocated under the null model, reclustered and scored; the statistic of
    every simulated cluster."""
    eid, off = random_positions(network, n_events, random_state=rng, weights=edge_weight)
    sw = _weights(network, eid, off, eps_m, street_weighted)
    labels, core = dbscan_on_network(
        eid, off, network, eps_m=eps_m, min_samples=min_samples, sample_weight=sw
    )
    return cluster_statistic(labels, core, eid, off, network, eps_m=eps_m, edge_weight=edge_weight)


def _p_max(observed: np.ndarray, maxima: np.ndarray) -> np.ndarray:
    """Rank p-value against the simulated maxima; beyond them a fitted Gumbel tail (capped at 1/(1+S))."""
    s = len(maxima)
    tol = 1e-9 * np.maximum(1.0, np.abs(observed))  # ties count against the observed hotspot
    p = (1.0 + (maxima[None, :] >= (observed - tol)[:, None]).sum(axis=1)) / (1.0 + s)
    beyond = (observed > maxima.max()) & (observed > 0)
    if beyond.any() and np.ptp(maxima) > 0:
        from scipy.stats import gumbel_r

        loc, scale = gumbel_r.fit(maxima)
        p[beyond] = np.minimum(gumbel_r.sf(observed[beyond], loc, scale), 1.0 / (1.0 + s))
    return np.asarray(p, dtype=float)


def _p_pooled(observed: np.ndarray, pooled: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Upper-tail p-value against every simulated cluster; an exponential tail beyond the largest."""
    n = len(pooled)
    if n < 20:
        return fallback
    tol = 1e-9 * np.maximum(1.0, np.abs(observed))
    n_ge = n - np.searchsorted(pooled, observed - tol, side="left")
    p = (1.0 + n_ge) / (1.0 + n)
    k = min(_TAIL_K, n // 2)
    top = pooled[-k:]
    u = pooled[-k - 1]
    beta = float(np.mean(top - u))
    beyond = (observed > pooled[-1]) & (observed > 0)
    if beyond.any() and beta > 0:
        p[beyond] = np.minimum(k / (1.0 + n) * np.exp(-(observed[beyond] - u) / beta), 1.0 / (1.0 + n))
    return np.asarray(p, dtype=float)


def _merged(
    lab: np.ndarray, eid: np.ndarray, off: np.ndarray, length: np.ndarray, h: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The union of ``[off - h, off + h]`` (clipped to the edge) per (label, edge), as disjoint intervals.

    Written by hand because no library merges intervals per group: sort by (label, edge, start); a running
    maximum of the ends that restarts in each group tells where a new interval begins.
    """
    lo = np.maximum(off - h, 0.0)
    hi = np.minimum(off + h, length[eid])
    order = np.lexsort((lo, eid, lab))
    lab, eid, lo, hi = lab[order], eid[order], lo[order], hi[order]
    group = np.r_[0, np.cumsum((lab[1:] != lab[:-1]) | (eid[1:] != eid[:-1]))]
    big = float(length.max()) + 1.0  # groups offset by more than any edge length: the max never leaks
    reach = np.maximum.accumulate(hi + group * big) - group * big
    new_group = np.r_[True, group[1:] != group[:-1]]
    starts = np.flatnonzero(new_group | (lo > np.r_[-np.inf, reach[:-1]]))
    ends = np.maximum.reduceat(hi, starts) if len(starts) else np.zeros(0)
    return lab[starts], eid[starts], lo[starts], ends


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

    >>> import numpy as np
    >>> footprint_lengths(np.array([0, 0, 1]), np.array([0, 0, 1]), np.array([10.0, 15.0, 50.0]),
    ...                   np.array([100.0, 60.0]), half_width_m=10.0).tolist()
    [25.0, 20.0]
    """
    keep = labels >= 0
    if not keep.any():
        return np.zeros(0)
    n_clusters = int(labels.max()) + 1
    lab, eid, lo, hi = _merged(labels[keep], edge_id[keep], offset_m[keep], length_m, half_width_m)
    w = np.ones(len(length_m)) if edge_weight is None else edge_weight
    return np.bincount(lab, weights=(hi - lo) * w[eid], minlength=n_clusters)


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


def observed_labels(located: pd.DataFrame, hotspots: pd.DataFrame) -> np.ndarray:
    """Label of each located event: the position of its hotspot in ``hotspots``, -1 when in none."""
    v.unique_index("incidents", located)
    labels = np.full(len(located), -1, dtype=np.int64)
    position = pd.Series(np.arange(len(located)), index=located.index)
    for k, members in enumerate(hotspots["member_index"]):
        found = position.reindex(list(members)).dropna().to_numpy(np.int64)
        if len(found) != len(list(members)):
            raise InputError(
                f"hotspot {hotspots['hotspot_id'].iloc[k]!r}: {len(list(members)) - len(found)} member rows "
                "are not among the incidents on the streets (edge_id >= 0); pass the incidents the hotspots "
                "came from"
            )
        labels[found] = k
    return labels
