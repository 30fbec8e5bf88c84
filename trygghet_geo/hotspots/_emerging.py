"""Emerging hotspots along the streets: Getis-Ord Gi* over a space-time cube of street segments, the
Mann-Kendall trend of each segment's Gi* z-scores, and ArcGIS Pro's pattern categories.

The cube's locations are the pieces of :func:`trygghet_geo.network.lixelize` (the same pieces as network
density); neighbours are the pieces whose midpoints lie within ``neighbourhood_m`` of each other along the
streets (the package's one distance engine), in the same and the previous time step. Gi* and the
Mann-Kendall test are a few vectorised lines on a sparse neighbour matrix, written here because esda and
pymannkendall work one location (or one time step) at a time; the tests check both against them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse

from trygghet_geo._text import text
from trygghet_geo.errors import InputError
from trygghet_geo.hotspots._aoristic import aoristic_bins
from trygghet_geo.hotspots._emerging_null import GLOBAL_WINDOWS, GlobalWindow, gi_star, null_moments
from trygghet_geo.hotspots._fdr import significant as fdr_significant
from trygghet_geo.hotspots._near_repeat import street_pairs
from trygghet_geo.network._lixel import lixelize
from trygghet_geo.network.snap import snapped_positions

if TYPE_CHECKING:
    from trygghet_geo.network._model import StreetNetwork

__all__ = ["PATTERNS", "emerging_hotspots"]

logger = logging.getLogger(__name__)

TimeStep = Literal["day", "week", "month", "quarter", "year"]
#: The most time steps a cube takes: the Mann-Kendall test compares every pair of steps, so its cost grows
#: with their square; a longer span is almost always a date typed wrong (1678, 2262), and ``n_steps`` keeps
#: the last steps of a genuinely long series.
MAX_STEPS: Final = 1000
_MK_CHUNK: Final = 4_000_000  # pairwise differences held at once by mann_kendall (32 MB)
_FREQ: Final = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}
_HOT: Final = (
    "new",
    "consecutive",
    "intensifying",
    "persistent",
    "diminishing",
    "sporadic",
    "oscillating",
    "historical",
)
PATTERNS: Final = (*_HOT, *(f"cold_{p}" for p in _HOT), "no_pattern")
"""Every value of the ``pattern`` column."""
_SHARE: Final = 0.9  # ArcGIS's "90 percent of the time-step intervals"


def _segment_of(lix: gpd.GeoDataFrame, edge_id: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """The lixel holding each position (-1 when not on the network)."""
    lix_edge = lix["edge_id"].to_numpy(np.int64)
    ok = edge_id >= 0
    e = np.where(ok, edge_id, 0)
    first = np.searchsorted(lix_edge, e, side="left")
    count = np.searchsorted(lix_edge, e, side="right") - first
    step = lix["length_m"].to_numpy(np.float64)[first]  # the pieces of one edge are equal
    k = np.clip(np.floor(np.nan_to_num(offset) / np.maximum(step, 1e-12)).astype(np.int64), 0, count - 1)
    return np.where(ok, first + k, -1)


def _neighbour_matrix(lix: gpd.GeoDataFrame, network: StreetNetwork, radius_m: float) -> sparse.csr_matrix:
    """Binary (segment × segment) matrix, 1 where the midpoints are within ``radius_m`` along the streets
    (the diagonal included: Gi* counts the location itself)."""
    mid = 0.5 * (lix["from_m"].to_numpy() + lix["to_m"].to_numpy())
    i, j, _ = street_pairs(lix["edge_id"].to_numpy(np.int64), mid, network, radius_m)
    n = len(lix)
    rows = np.concatenate([i, j, np.arange(n)])
    cols = np.concatenate([j, i, np.arange(n)])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def _default_neighbourhood(
    lix: gpd.GeoDataFrame, network: StreetNetwork, occupied: np.ndarray, segment_m: float
) -> float:
    """The smallest of 1, 1.5, 2, 3, 4, 8, 16 × ``segment_m`` within which at least 90 % of the segments with
    events have another segment with events (ArcGIS likewise derives its default distance band from the
    data): as local as the data allow, since a wide neighbourhood dilutes a one-street hotspot."""
    mid = 0.5 * (lix["from_m"].to_numpy() + lix["to_m"].to_numpy())
    occ = np.flatnonzero(occupied)
    radius = segment_m
    for factor in (1.0, 1.5, 2.0, 3.0, 4.0, 8.0, 16.0):
        radius = factor * segment_m
        if len(occ) < 2:
            break
        i, j, _ = street_pairs(lix["edge_id"].to_numpy(np.int64)[occ], mid[occ], network, radius)
        has = np.zeros(len(occ), dtype=bool)
        has[i] = True
        has[j] = True
        if has.mean() >= _SHARE:
            break
    return radius


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Kendall trend z and two-sided p of every row of ``series`` (as ``pymannkendall.original_test``,
    with its correction for ties and continuity)."""
    from scipy.stats import norm

    x = np.asarray(series, dtype=np.float64)
    m, t = x.shape
    iu, ju = np.triu_indices(t, 1)
    rows = max(1, _MK_CHUNK // max(len(iu), 1))  # rows a chunk: memory stays bounded for any m
    s = np.concatenate(
        [np.sign(x[a : a + rows, ju] - x[a : a + rows, iu]).sum(axis=1) for a in range(0, m, rows)]
        or [np.zeros(0)]
    )
    srt = np.sort(x, axis=1)
    new = np.ones((m, t), dtype=bool)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    starts = np.flatnonzero(new.ravel())
    sizes = np.diff(np.append(starts, m * t)).astype(np.float64)
    ties = np.zeros(m)
    np.add.at(ties, starts // t, sizes * (sizes - 1) * (2 * sizes + 5))
    var = (t * (t - 1) * (2 * t + 5) - ties) / 18.0
    root = np.sqrt(np.where(var > 0, var, 1.0))
    z = np.where(s > 0, (s - 1) / root, np.where(s < 0, (s + 1) / root, 0.0))
    z = np.where(var > 0, z, 0.0)
    p = 2 * norm.sf(np.abs(z))
    return z, p


def _classify_side(
    hot: np.ndarray, other: np.ndarray, up: np.ndarray, down: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """ArcGIS's categories for one side (hot, or cold with the trend reversed): the category index into
    ``_HOT`` (-1: none) and whether it rests on the final step (every category but ``historical``)."""
    m, t = hot.shape
    n_hot = hot.sum(axis=1)
    last = hot[:, -1]
    ge90 = n_hot >= _SHARE * t
    not_hot = ~hot
    trailing = np.where(not_hot.any(axis=1), np.argmax(not_hot[:, ::-1], axis=1), t)
    first = np.argmax(hot, axis=1)
    final = t - 1 - np.argmax(hot[:, ::-1], axis=1)
    span = np.where(n_hot > 0, final - first + 1, 1)
    idx = {name: k for k, name in enumerate(_HOT)}
    cat = np.full(m, -1)
    rules = [
        (last & (n_hot == 1), "new"),
        (last & ge90 & up, "intensifying"),
        (last & ge90 & down, "diminishing"),
        (last & ge90, "persistent"),
        (last & (trailing >= 2) & (n_hot == trailing), "consecutive"),
        (last & other.any(axis=1), "oscillating"),
        (last, "sporadic"),
        (~last & ge90, "historical"),
        # beyond ArcGIS: hot through >= 90 % of a span of at least a quarter of the steps, then quiet
        (~last & (n_hot > 0) & (span >= 0.25 * t) & (n_hot >= _SHARE * span), "historical"),
    ]
    for mask, name in reversed(rules):  # the first rule that holds wins
        cat[mask] = idx[name]
    return cat, last


def classify(
    hot: np.ndarray, cold: np.ndarray, trend_z: np.ndarray, trend_p: np.ndarray, alpha: float
) -> np.ndarray:
    """The pattern of every segment from its significant hot and cold steps and its Mann-Kendall trend."""
    up = (trend_p < alpha) & (trend_z > 0)
    down = (trend_p < alpha) & (trend_z < 0)
    hcat, hlast = _classify_side(hot, cold, up, down)
    ccat, clast = _classify_side(cold, hot, down, up)
    names = np.array([*_HOT, *(f"cold_{p}" for p in _HOT), "no_pattern"], dtype=object)
    out = np.full(len(hcat), len(names) - 1)
    # a pattern resting on the final step wins over a historical one; hot before cold
    for cat, last, shift in ((ccat, clast, len(_HOT)), (hcat, hlast, 0)):
        sel = (cat >= 0) & ~last
        out[sel] = cat[sel] + shift
    for cat, last, shift in ((ccat, clast, len(_HOT)), (hcat, hlast, 0)):
        sel = (cat >= 0) & last
        out[sel] = cat[sel] + shift
    result: np.ndarray = names[out]
    return result


def _check(
    time_step: str,
    segment_m: float,
    neighbourhood_m: float | None,
    n_steps: int | None,
    alpha: float,
    global_window: str,
) -> tuple[Any, Any, int | None]:
    """The checked ``time_step`` and ``global_window`` words (any case) and ``n_steps`` (a Python int)."""
    from trygghet_geo import _validate

    global_window = _validate.choice("global_window", global_window, GLOBAL_WINDOWS)
    time_step = _validate.choice("time_step", time_step, sorted(_FREQ))
    _validate.metres("segment_m", segment_m)
    _validate.metres("neighbourhood_m", neighbourhood_m, allow_none=True)
    if n_steps is not None:
        n_steps = _validate.count("n_steps", n_steps, minimum=2, maximum=MAX_STEPS)
    _validate.probability("alpha", alpha)
    return time_step, global_window, n_steps


def _incidents(incidents: Any, network: Any, segment_m: float) -> Any:
    """The incidents (their times as readable datetimes) once the network and ``segment_m`` are checked."""
    from trygghet_geo import _validate

    if not isinstance(incidents, gpd.GeoDataFrame):
        raise InputError(f"incidents must be a GeoDataFrame, got {type(incidents).__name__}")
    _validate.network("network", network)
    _validate.pieces("segment_m", segment_m, float(network.edges["length_m"].sum()))
    return _validate.event_times("incidents", incidents)


def emerging_hotspots(
    incidents: gpd.GeoDataFrame,
    network: StreetNetwork,
    *,
    time_step: TimeStep = "month",
    segment_m: float = 100.0,
    neighbourhood_m: float | None = None,
    n_steps: int | None = None,
    alpha: float = 0.05,
    max_interval_h: float = 7 * 24.0,
    global_window: GlobalWindow = "robust",
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Classify every street segment's trend: new, growing, persistent, fading … hotspots along the streets.

    The method is ArcGIS Pro's Emerging Hot Spot Analysis on street segments. Events are counted per segment
    (a piece of about ``segment_m`` from :func:`trygghet_geo.network.lixelize`) and time step, with aoristic
    weights (an event with an interval counts its share in every step the interval covers; see
    :mod:`trygghet_geo.hotspots._aoristic`). Each (segment, step) bin gets a Getis-Ord Gi* z-score with binary
    weights over the segments within ``neighbourhood_m`` along the streets, in the same and the previous step;
    bins are significant at false discovery rate ``alpha`` (Benjamini-Hochberg over all bins). The z-scores
    compare with the mean and variance of the bins that are not themselves significant
    (``global_window="robust"``, re-estimated until stable; :mod:`._emerging_null` gives the reasons and
    references): with ArcGIS's "Entire cube" moments (``global_window="entire_cube"``) every hotspot in town
    inflates the variance the others are tested against, and a steady place next to three others was found in
    one run of five. Each segment's series of per-step Gi* z-scores (spatial neighbours in that step only, so
    that successive values share no bins) gets a Mann-Kendall trend test (``trend_z``, ``trend_p``). The
    categories follow ArcGIS Pro's published definitions ("How Emerging Hot Spot Analysis works",
    pro.arcgis.com, Space Time Pattern Mining toolbox), with "90 percent of the time-step intervals" as there:

    - ``new``: hot in the final step, never before;
    - ``consecutive``: one uninterrupted run of at least two hot steps ending in the final step, never hot
      before it, hot in less than 90 % of the steps;
    - ``intensifying`` / ``diminishing``: hot in at least 90 % of the steps including the final one, with a
      significant increasing / decreasing trend of the z-scores;
    - ``persistent``: hot in at least 90 % of the steps including the final one, no significant trend;
    - ``sporadic``: hot in the final step, on and off before, under 90 %, never cold;
    - ``oscillating``: hot in the final step, cold in some earlier step, under 90 %;
    - ``historical``: not hot in the final step but hot in at least 90 % of the steps. One extension:
      a segment hot in at least 90 % of the steps from its first to its last hot step, a span of at least a
      quarter of all steps, then quiet, is ``historical`` too (ArcGIS would give a place that was hot for
      the first of two years and quiet in the second no pattern);
    - ``cold_…``: the same for cold spots (a cold spot "intensifies" when its z-scores fall);
    - ``no_pattern``: none of these.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Events with ``occurred_at`` or ``occurred_from`` (and optionally ``occurred_to``). Rows already
        snapped (``edge_id``, ``edge_offset_m``) keep their position; the rest are snapped now. Rows
        without a time or off the network are left out (counted in ``attrs["n_left_out"]``).
    network : StreetNetwork
    time_step : {"day", "week", "month", "quarter", "year"}
    segment_m : float
        Target length of a segment (metres).
    neighbourhood_m : float, optional
        Gi* neighbours: segments whose midpoints are within this distance along the streets. Default: the
        smallest of 1, 1.5, 2, 3, 4, 8, 16 × ``segment_m`` within which 90 % of the segments with events
        have another segment with events (recorded in ``attrs["neighbourhood_m"]``).
    n_steps : int, optional
        Use the last ``n_steps`` steps up to the latest event (default: all steps from the first event).
    alpha : float
        False discovery rate of the Gi* bins and significance level of the trend test.
    max_interval_h : float
        Longer intervals count at their start (and are counted in ``attrs["n_long_intervals"]``).
    global_window : {"robust", "entire_cube"}
        The bins whose mean and variance Gi* compares with: ``"robust"`` (default) those not significant,
        re-estimated until stable, the scale never under the Poisson scale; ``"entire_cube"`` every bin
        of the cube, as ArcGIS Pro's default "Define Global Window: Entire cube".
    lang : {"sv", "en"} or None
        Language of the ``label`` column (default ``options.lang``).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per segment (index ``lixel_id``), in the network's CRS: the lixel columns (``edge_id``,
        ``from_m``, ``to_m``, ``length_m``, ``name``, ``geometry``), ``pattern`` (one of :data:`PATTERNS`),
        ``label`` (its name in ``lang``), ``trend_z``, ``trend_p``, ``n_steps_hot``, ``n_steps_cold``,
        ``n_events`` and one count column per step (``"count_2024-01"`` …). ``attrs``: ``steps``,
        ``time_step``, ``segment_m``, ``neighbourhood_m``, ``alpha``, ``global_window``, ``null_mean``,
        ``null_std`` (the moments used), ``null_rounds`` (re-estimation rounds), ``n_events``,
        ``n_left_out``, ``n_long_intervals``.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, pandas as pd
    >>> from shapely.geometry import LineString, Point
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (2000, 0)])], crs=3006))
    >>> rng = np.random.default_rng(0)
    >>> month = np.r_[rng.integers(0, 12, 60), np.full(30, 11)]  # 60 anywhere, 30 near x=1000 in December
    >>> x = np.r_[rng.uniform(0, 2000, 60), rng.uniform(960, 1040, 30)]
    >>> ev = gpd.GeoDataFrame(
    ...     {"occurred_at": pd.to_datetime("2024-01-15") + pd.to_timedelta(month * 30, unit="D")},
    ...     geometry=[Point(v, 0) for v in x], crs=3006,
    ... )
    >>> seg = emerging_hotspots(ev, net)
    >>> seg.loc[seg["from_m"] == 1000, "pattern"].item(), seg.attrs["neighbourhood_m"]
    ('new', 100.0)
    """
    checked = _check(time_step, segment_m, neighbourhood_m, n_steps, alpha, global_window)
    time_step, global_window, n_steps = checked
    incidents = _incidents(incidents, network, segment_m)
    lix = lixelize(network, float(segment_m))
    edge_id, offset = snapped_positions(incidents, network)
    seg_of = _segment_of(lix, edge_id, offset)
    bins = aoristic_bins(incidents.reset_index(drop=True), _FREQ[time_step], max_interval_h=max_interval_h)
    flagged = np.asarray(bins.attrs["flagged"], dtype=bool)
    on_net = seg_of[bins["event"].to_numpy()] >= 0
    bins = bins[on_net]
    if bins.empty:
        raise InputError("no incident has both a time and a place on the street network")
    ordinal = bins["ordinal"].to_numpy()
    hi = int(ordinal.max())
    lo = hi - n_steps + 1 if n_steps is not None else int(ordinal.min())
    if hi - lo + 1 > MAX_STEPS:
        first, last = (pd.Period(ordinal=o, freq=_FREQ[time_step]) for o in (lo, hi))
        raise InputError(
            f"the incidents span {hi - lo + 1} steps of one {time_step} ({first} to {last}), more than "
            f"{MAX_STEPS}: pass n_steps= to keep the last ones, a longer time_step, or drop the far dates"
        )
    inside = ordinal >= lo
    t = hi - lo + 1
    counts = np.zeros((len(lix), t))
    np.add.at(
        counts,
        (seg_of[bins["event"].to_numpy()[inside]], ordinal[inside] - lo),
        bins["weight"].to_numpy()[inside],
    )
    used = np.unique(bins["event"].to_numpy()[inside])
    occupied = counts.sum(axis=1) > 0
    radius = (
        float(neighbourhood_m)
        if neighbourhood_m is not None
        else _default_neighbourhood(lix, network, occupied, float(segment_m))
    )
    neighbours = _neighbour_matrix(lix, network, radius)
    null_mean, null_std, rounds = null_moments(counts, neighbours, float(alpha), global_window)
    z = gi_star(counts, neighbours, mean=null_mean, std=null_std)
    from scipy.stats import norm

    significant = fdr_significant(2 * norm.sf(np.abs(z)), alpha)
    hot, cold = significant & (z > 0), significant & (z < 0)
    # the trend runs over each step's own Gi* (spatial neighbours only): the space-time z-scores of two
    # steps share a step's bins, and that overlap (and the first step's half-size neighbourhood) would make
    # the test find trends in a steady place far more often than alpha
    trend_z, trend_p = mann_kendall(gi_star(counts, neighbours, space_time=False))
    pattern = classify(hot, cold, trend_z, trend_p, alpha)
    steps = [str(p) for p in pd.PeriodIndex.from_ordinals(np.arange(lo, hi + 1), freq=_FREQ[time_step])]
    out = lix.copy()
    out["pattern"] = pattern
    labels = {p: text(f"pattern.{p}", lang=lang) for p in PATTERNS}
    out["label"] = [labels[p] for p in pattern]
    out["trend_z"] = trend_z
    out["trend_p"] = trend_p
    out["n_steps_hot"] = hot.sum(axis=1)
    out["n_steps_cold"] = cold.sum(axis=1)
    out["n_events"] = counts.sum(axis=1)
    step_cols = pd.DataFrame(counts, columns=[f"count_{s}" for s in steps], index=out.index)
    out = gpd.GeoDataFrame(pd.concat([out, step_cols], axis=1), geometry="geometry", crs=lix.crs)
    n_in = len(incidents)
    out.attrs.update(
        steps=steps,
        time_step=time_step,
        segment_m=float(segment_m),
        neighbourhood_m=radius,
        alpha=float(alpha),
        global_window=global_window,
        null_mean=null_mean,
        null_std=null_std,
        null_rounds=rounds,
        n_events=len(used),
        n_left_out=n_in - len(used),
        n_long_intervals=int(flagged[used].sum()),
    )
    logger.info("emerging hotspots: %d segments, %d steps, neighbourhood %g m", len(out), t, radius)
    return out
