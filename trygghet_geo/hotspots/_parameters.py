"""Clustering parameters from the data and the network: ``eps_m="auto"`` and ``min_samples="auto"``.

The null model is the one the significance test simulates: events fall uniformly per metre of street, at the
observed intensity ``lam = N / total street length``. Around a position ``x`` the number of *other* events
within ``eps`` along the streets is then Poisson with mean ``lam * B(x, eps)``, where ``B`` is the street
length inside the network ball of radius ``eps`` around ``x`` (:func:`ball_lengths`; a crossing holds more
street than the middle of a block). Averaged over positions drawn uniformly per metre, the chance that random
noise makes a core point at ``(eps, m)`` is

    P_core(eps, m) = mean_x  P[Poisson(lam * B(x, eps)) >= m - 1]

The rule (:func:`suggest_parameters`):

- ``eps``: a human scale first — 50 m along the streets, half a block, the side of a small square; for sparse
  data, the smallest of 50, 60, … 100 m whose median ball holds at least one expected event. Below about one
  expected event per ball a Poisson threshold is set by discreteness alone (two or three incidents at one
  address would make a core point); widening the ball until the street's usual level is about one event makes
  ``min_samples`` measure an excess over that level. Never more than 100 m: a hotspot is a place one visits.
- ``min_samples``: the smallest ``m`` (at least 4) with ``P_core(eps, m) <= 0.01``: about one event in a
  hundred becomes a core point under pure noise, too few to chain along the streets (cores farther apart than
  eps do not join), while a concentration of a human scale, which adds tens of events to one ball, does.

The weights (:func:`street_weights`). A crossing or a square crossed by many footpaths holds more street
within eps than the middle of a block, so under the null model its events have more neighbours; one threshold
for the whole town would make every street-rich square a core area. Each event is therefore weighted so that
its neighbourhood's count is compared with what the null model makes unusual *there*: the weight is
``T(lam * B_ref) / T(lam * B(x))``, where ``T(mu)`` is one (the event itself) plus the 99th percentile of
``Poisson(mu)`` (:func:`poisson_threshold`) and ``B_ref`` the town's median ball. This is the local Poisson
test of Openshaw's Geographical Analysis Machine and of Besag & Newell (Openshaw et al. 1987, "A Mark 1
Geographical Analysis Machine for the automated analysis of point data sets", Int. J. GIS 1:335-358; Besag
& Newell 1991, "The detection of clusters in rare diseases", J. R. Stat. Soc. A 154:143-155): each place's
count against the Poisson tail of its own expectation. A plain length ratio ``B_ref / B(x)`` (the earlier
rule) equalises the *means* only: it asks a square with three times the street of a plain street for the
same relative excess (about 2.4 times the street's level at 20 events per km), although a Poisson count
with a larger mean varies relatively less; a hotspot spread over a square crossed by ten walkways (600-1,100
m of path within 60 m) is then never core. With the quantile ratio the square needs about 1.7 times its
level, the chance of a noise core point is about the same (1 %) at every position, and the two rules agree
where balls hold many events (at 180 per km they differ by at most ~15 %). ``min_samples`` is still the
99th percentile of the *weighted* counts of simulated noise, so the share of noise core points stays 1 %.
Weights are clipped to :data:`WEIGHT_RANGE`.

Everything is sized by the data: at 3 events per km of street the rule gives roughly 100 m and 6 events, at
180 per km 50 m and about 50. The ball lengths are measured at random positions (seeded), with the bounded
Dijkstra searches of :mod:`trygghet_geo.network.distance`.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError, ParameterError, shown
from trygghet_geo.network.distance import _prepare, cached_node_distances, neighbour_weight
from trygghet_geo.network.snap import random_positions, stored_positions

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

__all__ = [
    "AUTO",
    "BallTable",
    "Parameters",
    "ball_lengths",
    "ball_measures",
    "ball_reach",
    "ball_table",
    "poisson_threshold",
    "street_weights",
    "suggest_parameters",
]

logger = logging.getLogger(__name__)

AUTO: Literal["auto"] = "auto"
EPS_STEPS_M = (50.0, 60.0, 70.0, 80.0, 90.0, 100.0)
"""Candidate eps, metres along the streets: the first whose median ball holds ≥ 1 expected event wins."""
NOISE_CORE_SHARE = 0.01
"""At most this share of events become core points when events fall uniformly along the streets."""
MIN_SAMPLES_FLOOR = 4
SAMPLE_POSITIONS = 1500
WEIGHT_RANGE = (1.0 / 3.0, 3.0)
_CHUNK = 20_000
_NULL_POINTS = 20_000


@dataclass(frozen=True)
class Parameters:
    """Chosen clustering parameters and why.

    Attributes
    ----------
    eps_m, min_samples
        The parameters to cluster with.
    eps_auto, min_samples_auto
        Whether each was derived (True) or given by the caller.
    n_events
        Events on the streets the choice was made for.
    street_km
        Total street length of the network, km.
    events_per_km
        ``n_events / street_km``: the null model's intensity.
    ball_m
        Median street length within ``eps_m`` of a random position, metres.
    expected
        Expected number of other events within ``eps_m`` of a random position under the null model.
    noise_core_share
        Chance that a random event is a core point under the null model at these parameters.
    """

    eps_m: float
    min_samples: int
    eps_auto: bool
    min_samples_auto: bool
    n_events: int
    street_km: float
    events_per_km: float
    ball_m: float
    expected: float
    noise_core_share: float

    def sample_weight(self, network: StreetNetwork, edge_id: Any, offset_m: Any) -> np.ndarray:
        """The ``sample_weight`` to cluster with: :func:`street_weights` when ``min_samples`` was derived
        (its threshold counts weighted events), else ones. Unsnapped positions (-1) weigh 1."""
        if self.min_samples_auto:
            return street_weights(network, edge_id, offset_m, self.eps_m)
        return np.ones(len(np.asarray(edge_id)))

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for ``Analysis.meta``)."""
        return asdict(self)

    def explain(self, lang: str = "sv") -> str:
        """One sentence on the choice, in Swedish (``"sv"``) or English."""
        how = {
            ("sv", True): "valt ur data",
            ("sv", False): "angivet",
            ("en", True): "chosen from the data",
            ("en", False): "given",
        }
        lg = "en" if lang == "en" else "sv"
        if lg == "sv":

            def sv(x: float, digits: int = 1) -> str:  # Swedish decimal comma
                return f"{x:.{digits}f}".replace(".", ",")

            return (
                f"eps {self.eps_m:.0f} m längs gatorna ({how['sv', self.eps_auto]}) och minst "
                f"{self.min_samples} händelser inom eps ({how['sv', self.min_samples_auto]}): med "
                f"{sv(self.events_per_km)} händelser per km gata väntas {sv(self.expected)} händelser inom "
                f"{self.eps_m:.0f} m av en slumpvis punkt ({self.ball_m:.0f} m gata), och slumpen gör bara "
                f"{sv(100 * self.noise_core_share)} % av händelserna till kärnpunkter"
            )
        return (
            f"eps {self.eps_m:.0f} m along the streets ({how['en', self.eps_auto]}) and at least "
            f"{self.min_samples} events within eps ({how['en', self.min_samples_auto]}): at "
            f"{self.events_per_km:.1f} events per km of street, {self.expected:.1f} events are expected "
            "within "
            f"{self.eps_m:.0f} m of a random point ({self.ball_m:.0f} m of street), and chance alone makes "
            f"only {self.noise_core_share:.1%} of the events core points"
        )


def ball_lengths(
    network: StreetNetwork, edge_id: np.ndarray, offset_m: np.ndarray, radius_m: float
) -> np.ndarray:
    """Street length (metres) within ``radius_m`` along the network of each position.

    For a position on edge e at offset t, the network distance to a node x is
    ``min(t + D(u_e, x), L_e - t + D(v_e, x))`` (bounded Dijkstra from e's end nodes, cached per network and
    radius); an edge (x, y) of length L is then covered over ``min(L, (r - d(x))+ + (r - d(y))+)``, and the
    position's own edge over the union of ``[t - r, t + r]`` and the pieces reached round through its ends.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)]),
    ...     LineString([(100, 0), (100, 100)]), LineString([(100, 0), (200, 0)])], crs=3006))
    >>> ball_lengths(net, np.array([0, 0]), np.array([50.0, 90.0]), 30.0).tolist()
    [60.0, 80.0]
    """
    out: np.ndarray = ball_measures(network, edge_id, offset_m, (radius_m,))[0]
    return out


def ball_measures(
    network: StreetNetwork,
    edge_id: np.ndarray,
    offset_m: np.ndarray,
    radii_m: tuple[float, ...],
    edge_weight: np.ndarray | None = None,
) -> np.ndarray:
    """:func:`ball_lengths` at several radii at once (one search at the largest), each metre of edge ``f``
    weighted by ``edge_weight[f]`` when given: an array of shape ``(len(radii_m), len(edge_id))``."""
    e = np.asarray(edge_id, dtype=np.int64)
    t = np.asarray(offset_m, dtype=np.float64)
    out = np.zeros((len(radii_m), len(e)))
    if len(e) == 0:
        return out
    length = network.edges["length_m"].to_numpy(np.float64)
    w = np.ones(len(length)) if edge_weight is None else np.asarray(edge_weight, dtype=np.float64)
    big = float(max(radii_m))
    pt, fe, a_big, b_big = ball_reach(network, e, t, big)
    lf = length[fe]
    own = fe == e[pt]
    # A position whose own edge reaches no node within r still covers its window along the edge.
    alone = np.bincount(pt[own], minlength=len(e)) == 0
    for k, r in enumerate(float(x) for x in radii_m):
        a, b = np.maximum(a_big - (big - r), 0.0), np.maximum(b_big - (big - r), 0.0)
        covered = np.minimum(lf, a + b)
        # Own edge: [0, a] ∪ [t - r, t + r] ∪ [L - b, L].
        aa, bb, tt = a[own], b[own], t[pt[own]]
        lo, hi, lo_b = np.maximum(tt - r, 0.0), np.minimum(tt + r, lf[own]), lf[own] - bb
        gap1 = np.maximum(0.0, np.minimum(lo, lo_b) - aa)
        gap2 = np.maximum(0.0, lo_b - np.maximum(hi, aa))
        covered[own] = np.clip(lf[own] - gap1 - gap2, 0.0, lf[own])
        out[k] = np.bincount(pt, weights=covered * w[fe], minlength=len(e))
        ea, ta = e[alone], t[alone]
        out[k, alone] = (np.minimum(ta + r, length[ea]) - np.maximum(ta - r, 0.0)) * w[ea]
    return out


def ball_reach(
    network: StreetNetwork, edge_id: np.ndarray, offset_m: np.ndarray, radius_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The edges a network ball of radius ``radius_m`` around each position enters, and how far.

    Returns ``(point, edge, a, b)``: one row per (position, edge reached through one of its end nodes), with
    ``a`` (``b``) the metres of the edge covered from its node u (v), 0 when that end is not reached. The
    ball covers ``[0, min(a, L)] ∪ [L - b, L]`` of such an edge; a position's own edge is also covered over
    ``[t - r, t + r]`` (not part of the rows; its row is there only when one of its ends is reached).
    """
    e = np.asarray(edge_id, dtype=np.int64)
    t = np.asarray(offset_m, dtype=np.float64)
    r = float(radius_m)
    u_all = network.edges["u"].to_numpy(np.int64)
    v_all = network.edges["v"].to_numpy(np.int64)
    length = network.edges["length_m"].to_numpy(np.float64)
    ends = np.unique(np.r_[u_all[e], v_all[e]])
    src, dst, dist = cached_node_distances(network, ends, r)
    ptr = np.asarray(np.searchsorted(src, np.r_[ends, np.iinfo(np.int64).max]))  # grouped by source
    pos = np.searchsorted(ends, np.r_[u_all[e], v_all[e]])
    start0 = np.r_[t, length[e] - t]  # distance from the point to its edge's u, then v
    n_rows = ptr[pos + 1] - ptr[pos]
    point = np.repeat(np.r_[np.arange(len(e)), np.arange(len(e))], n_rows)
    row = np.repeat(ptr[pos], n_rows) + (
        np.arange(int(n_rows.sum())) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    )
    d = np.repeat(start0, n_rows) + dist[row]
    node = dst[row]
    keep = d <= r
    point, node, d = point[keep], node[keep], d[keep]
    # Incident edges of every reached node, with the end (0 = u, 1 = v) the node is.
    n_nodes = len(network.nodes)
    inc_node = np.r_[u_all, v_all]
    inc_edge = np.r_[np.arange(len(u_all)), np.arange(len(u_all))]
    inc_end = np.r_[np.zeros(len(u_all), np.int64), np.ones(len(u_all), np.int64)]
    o = np.argsort(inc_node, kind="stable")
    inc_node, inc_edge, inc_end = inc_node[o], inc_edge[o], inc_end[o]
    iptr = np.searchsorted(inc_node, np.arange(n_nodes + 1))
    deg = iptr[node + 1] - iptr[node]
    k = np.repeat(iptr[node], deg) + (np.arange(int(deg.sum())) - np.repeat(np.cumsum(deg) - deg, deg))
    p2 = np.repeat(point, deg)
    reach = np.repeat(r - d, deg)
    f, end = inc_edge[k], inc_end[k]
    key = p2 * len(length) + f
    uniq, inv = np.unique(key, return_inverse=True)
    ab = np.zeros((len(uniq), 2))
    np.maximum.at(ab, (inv.ravel(), end), reach)
    return uniq // len(length), uniq % len(length), ab[:, 0], ab[:, 1]


_tables: weakref.WeakKeyDictionary[Any, dict[float, BallTable]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class BallTable:
    """Street length within ``eps_m`` of positions along every edge, in buckets of ``eps_m / 2``, and the
    weight each position's event gets under ``min_samples="auto"``.

    Attributes
    ----------
    eps_m, step_m
        The radius and the bucket length along an edge.
    ptr
        Per edge, the first bucket (CSR pointer, length = edges + 1).
    ball_m, bucket_m
        Per bucket, the ball length at its middle and the bucket's own length.
    reference_m
        The length-weighted median ball: a position with this ball gets weight 1.
    """

    eps_m: float
    step_m: float
    ptr: np.ndarray
    ball_m: np.ndarray
    bucket_m: np.ndarray
    reference_m: float
    # Per null intensity, every bucket's Poisson weight: the Monte Carlo asks for the same intensity once per
    # simulation, and the inverse Poisson function per event was a fifth of ``analyze`` on 100,000 events.
    _by_intensity: dict[float, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def bucket(self, edge_id: np.ndarray, offset_m: np.ndarray) -> np.ndarray:
        """The bucket of each position (edge_id >= 0)."""
        n_b = self.ptr[edge_id + 1] - self.ptr[edge_id]
        out: np.ndarray = self.ptr[edge_id] + np.minimum((offset_m // self.step_m).astype(np.int64), n_b - 1)
        return out

    def weights(self, edge_id: Any, offset_m: Any, events_per_m: float | None = None) -> np.ndarray:
        """Each position's weight, clipped to :data:`WEIGHT_RANGE`; 1 for unsnapped positions (-1).

        With ``events_per_m`` (the null model's intensity ``lam``): ``T(lam * reference_m) / T(lam * ball)``,
        the ratio of the Poisson core thresholds (:func:`poisson_threshold`); without it the plain length
        ratio ``reference_m / ball`` (the limit of many events per ball).
        """
        e = np.asarray(edge_id, dtype=np.int64)
        t = np.nan_to_num(np.asarray(offset_m, dtype=np.float64))
        w = np.ones(len(e))
        on = e >= 0
        b = self.bucket(e[on], t[on])
        if events_per_m is None:
            w[on] = self.reference_m / self.ball_m[b]
        else:
            w[on] = self._poisson_weights(float(events_per_m))[b]
        return np.clip(w, *WEIGHT_RANGE)

    def _poisson_weights(self, lam: float) -> np.ndarray:
        """``T(lam * reference_m) / T(lam * ball)`` of every bucket (the same values :meth:`weights` would
        compute per position), kept for the last few intensities."""
        got = self._by_intensity.get(lam)  # (threads of the Monte Carlo may compute the same one twice)
        if got is None:
            got = poisson_threshold(lam * self.reference_m) / poisson_threshold(lam * self.ball_m)
            if len(self._by_intensity) >= 8:
                self._by_intensity.clear()
            self._by_intensity[lam] = got
        return got


def poisson_threshold(mean: Any) -> np.ndarray:
    """The count a position's neighbourhood must reach to be unusual under the null model: one (the event
    itself) plus the continuous ``1 - NOISE_CORE_SHARE`` quantile of ``Poisson(mean)``
    (``scipy.special.pdtrik``, the inverse of the Poisson distribution function in ``k``), at least 1.

    Examples
    --------
    >>> poisson_threshold([0.0, 4.0, 100.0]).round(1).tolist()
    [1.0, 9.8, 124.5]
    """
    from scipy.special import pdtrik

    q = pdtrik(1.0 - NOISE_CORE_SHARE, np.maximum(np.asarray(mean, dtype=np.float64), 1e-9))
    out: np.ndarray = 1.0 + np.maximum(np.nan_to_num(q), 0.0)
    return out


def ball_table(network: StreetNetwork, eps_m: float) -> BallTable:
    """The :class:`BallTable` of a network at ``eps_m`` (computed once per network and radius)."""
    per_net = _tables.setdefault(network, {})
    if eps_m in per_net:
        return per_net[eps_m]
    length = network.edges["length_m"].to_numpy(np.float64)
    step = eps_m / 2.0
    n_b = np.maximum(1, np.ceil(length / step).astype(np.int64))
    ptr = np.r_[0, np.cumsum(n_b)]
    edge = np.repeat(np.arange(len(length)), n_b)
    k = np.arange(int(ptr[-1])) - ptr[edge]
    lo = k * step
    hi = np.minimum(lo + step, length[edge])
    balls = np.concatenate(
        [
            ball_lengths(network, edge[i : i + _CHUNK], (0.5 * (lo + hi))[i : i + _CHUNK], eps_m)
            for i in range(0, len(edge), _CHUNK)
        ]
    )
    bucket_m = np.maximum(hi - lo, 0.0)
    o = np.argsort(balls)
    cum = np.cumsum(bucket_m[o])
    reference = float(balls[o][np.searchsorted(cum, 0.5 * cum[-1])])
    table = BallTable(float(eps_m), step, ptr, np.maximum(balls, 1e-6), bucket_m, reference)
    if len(per_net) >= 4:
        per_net.clear()
    per_net[eps_m] = table
    return table


def street_weights(network: StreetNetwork, edge_id: Any, offset_m: Any, eps_m: float) -> np.ndarray:
    """The weight of each event under ``min_samples="auto"``: the Poisson core threshold at the town's
    median street length within ``eps_m`` divided by the threshold at the event's own (clipped to 1/3..3;
    :func:`poisson_threshold`, at the intensity of these events, ``len(edge_id >= 0)`` per metre of street).

    An event on a plain street counts 1; one in a square crossed by many paths counts less, because under
    the null model more events fall there only because there is more street. The weighted count around a
    point then reaches ``min_samples`` by chance about equally rarely everywhere, so one ``min_samples``
    serves the whole town (see the module docstring).
    """
    e = np.asarray(edge_id)
    lam = int((e >= 0).sum()) / float(network.edges["length_m"].sum())
    return ball_table(network, float(eps_m)).weights(edge_id, offset_m, lam)


def _null_counts(
    network: StreetNetwork, n: int, eps_m: float, table: BallTable | None, rng: np.random.Generator
) -> np.ndarray:
    """Weighted neighbour counts (the point itself included) of events placed uniformly per metre, ``n`` at
    a time as in the data, pooled over enough realisations to hold about 20,000 points."""
    reps = min(40, max(1, -(-_NULL_POINTS // n)))
    out = []
    for _ in range(reps):
        e, t = random_positions(network, n, random_state=rng)
        lam = n / float(network.edges["length_m"].sum())
        w = np.ones(n) if table is None else table.weights(e, t, lam)
        p = _prepare(e, t, network, eps_m)
        out.append(neighbour_weight(p, w[p.order]))
    return np.concatenate(out)


def suggest_parameters(
    edge_id: Any,
    offset_m: Any,
    network: StreetNetwork,
    *,
    eps_m: float | Literal["auto"] = AUTO,
    min_samples: int | Literal["auto"] = AUTO,
    random_state: int | None = 0,
) -> Parameters:
    """DBSCAN parameters for these events on this network under the uniform-along-the-streets null model.

    Parameters
    ----------
    edge_id, offset_m : arrays
        Snapped positions (``snap_points`` output); unsnapped points (-1) are left out.
    network : StreetNetwork
    eps_m, min_samples : number or "auto"
        A number is kept as given (its null-model figures are still computed); ``"auto"`` applies the rule of
        :mod:`trygghet_geo.hotspots._parameters`.
    random_state : int or None
        Seed of the random positions the ball lengths are measured at.

    Returns
    -------
    Parameters

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (10_000, 0)])], crs=3006))
    >>> rng = np.random.default_rng(0)
    >>> p = suggest_parameters(np.zeros(500, int), rng.uniform(0, 10_000, 500), net)  # 50 per km
    >>> p.eps_m, p.min_samples, round(p.expected, 1)
    (50.0, 11, 5.0)
    """
    from trygghet_geo import _validate

    _check_given(eps_m, min_samples)
    _validate.seed("random_state", random_state)
    if np.shape(edge_id) != np.shape(offset_m) or np.ndim(edge_id) != 1:
        shapes = f"edge_id {np.shape(edge_id)} and offset_m {np.shape(offset_m)}"
        raise InputError(f"{shapes}: expected two 1-d arrays of one length")
    e, _ = stored_positions(pd.DataFrame({schema.EDGE_ID: edge_id, schema.EDGE_OFFSET_M: offset_m}), network)
    n = int((e >= 0).sum())
    if n == 0:
        raise InputError("suggest_parameters needs at least one event on the network (edge_id >= 0)")
    total = float(network.edges["length_m"].sum())
    lam = n / total
    pe, pt = random_positions(network, SAMPLE_POSITIONS, random_state=random_state)
    steps = EPS_STEPS_M if eps_m == AUTO else (float(eps_m),)
    for eps in steps:
        balls = ball_lengths(network, pe, pt, eps)
        if lam * float(np.median(balls)) >= 1.0:
            break
    weighted = min_samples == AUTO
    table = ball_table(network, float(eps)) if weighted else None
    counts = _null_counts(network, n, float(eps), table, np.random.default_rng(random_state))
    if weighted:
        q = float(np.quantile(counts, 1.0 - NOISE_CORE_SHARE))
        ms = max(MIN_SAMPLES_FLOOR, int(np.ceil(q - 1e-9)))
    else:
        ms = int(min_samples)
    ball = table.reference_m if table is not None else float(np.median(balls))
    chosen = Parameters(
        eps_m=float(eps),
        min_samples=ms,
        eps_auto=eps_m == AUTO,
        min_samples_auto=weighted,
        n_events=n,
        street_km=total / 1000.0,
        events_per_km=1000.0 * lam,
        ball_m=ball,
        expected=lam * ball,
        noise_core_share=float(np.mean(counts >= ms)),
    )
    logger.info("clustering parameters: %s", chosen.explain("en"))
    return chosen


def _check_given(eps_m: Any, min_samples: Any) -> None:
    from trygghet_geo import _validate

    if not (isinstance(eps_m, str) and eps_m == AUTO):
        try:
            _validate.metres("eps_m", eps_m)
        except ParameterError:
            raise ParameterError(
                f"eps_m must be 'auto' or a positive number of metres, got {shown(eps_m)}"
            ) from None
    if not (isinstance(min_samples, str) and min_samples == AUTO):
        try:
            _validate.count("min_samples", min_samples, minimum=1)
        except ParameterError:
            raise ParameterError(
                f"min_samples must be 'auto' or an integer ≥ 1, got {min_samples!r}"
            ) from None
