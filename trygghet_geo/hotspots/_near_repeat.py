"""Near repeat: the Knox test of "after one event, the next comes near and soon", with distance along the
streets (Ratcliffe's Near Repeat Calculator and R's ``NearRepeat`` measure it as the crow flies).

Every pair of events within the largest space band along the streets is found once by the package's one
shortest-path engine (:mod:`trygghet_geo.network.distance`, bounded by that band), so the work and memory
grow with events × neighbours, never N². The null model keeps the places and permutes the times among the
events (the Knox/Mantel time-permutation test), one ``numpy.random.SeedSequence`` stream per simulation.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._text import resolve_lang, text
from trygghet_geo.errors import InputError, ParameterError
from trygghet_geo.network._model import StreetNetwork
from trygghet_geo.network.distance import _distance_pairs, _prepare
from trygghet_geo.network.snap import snapped_positions

__all__ = ["NEAR_REPEAT_COLUMNS", "near_repeat", "street_pairs"]

logger = logging.getLogger(__name__)

NEAR_REPEAT_COLUMNS = (
    "space_from_m",
    "space_to_m",
    "time_from_days",
    "time_to_days",
    "observed",
    "expected",
    "ratio",
    "p_value",
)
_DAY_NS = 86_400e9
_BLOCK = 512  # events whose neighbours are found in one call of the distance engine
_SIM_CHUNK = 2_000_000  # pairs handled per vectorised step of one simulation


def _bands(values: Sequence[float], name: str) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):  # text such as "0,100,200"
        arr = np.array([])
    if arr.ndim != 1 or len(arr) < 2 or not np.isfinite(arr).all() or arr[0] < 0 or np.any(np.diff(arr) <= 0):
        raise ParameterError(
            f"{name} must be at least two increasing non-negative numbers (band edges), got {values!r}"
        )
    return arr


def _workers(n_jobs: int | None) -> int:
    cores = os.cpu_count() or 1
    if n_jobs is None or n_jobs == -1:
        return cores
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs < 1:
        raise ParameterError(f"n_jobs must be a positive integer, -1 or None, got {n_jobs!r}")
    return min(int(n_jobs), cores)


def street_pairs(
    edge_id: np.ndarray, offset_m: np.ndarray, network: StreetNetwork, max_m: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every unordered pair of positions within ``max_m`` of each other along the streets.

    Returns ``(i, j, distance_m)`` with ``i < j`` (row numbers of the inputs); positions with
    ``edge_id == -1`` take part in no pair.
    """
    edge_id = np.asarray(edge_id, dtype=np.int64)
    offset_m = np.asarray(offset_m, dtype=np.float64)
    if not (edge_id >= 0).any():
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, np.empty(0)
    prep = _prepare(edge_id, offset_m, network, float(max_m))
    out_i, out_j, out_d = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)], [np.empty(0)]
    for ii, jj, d in _distance_pairs(prep, np.arange(len(prep.order)), after=True):
        keep = d <= max_m
        a, b = prep.order[ii[keep]], prep.order[jj[keep]]
        out_i.append(np.minimum(a, b))
        out_j.append(np.maximum(a, b))
        out_d.append(d[keep])
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)


@dataclass
class _BandPairs:
    """The pairs within the largest space band, found once and kept for every simulation (they do not
    depend on the times). Stored in chunks of one space band each: the first event of the pairs as runs
    (``run_i`` repeated ``run_n`` times: the engine gives each event's neighbours together) and the second
    event of every pair, all in the engine's sorted positions (``order`` maps them to input rows)."""

    order: np.ndarray
    chunks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]  # (space band, run_i, run_n, j)
    n_pairs: int


def _band_pairs(
    edge_id: np.ndarray, offset: np.ndarray, network: StreetNetwork, s_edges: np.ndarray
) -> _BandPairs:
    n_s = len(s_edges) - 1
    if len(edge_id) == 0:
        return _BandPairs(np.empty(0, dtype=np.int64), [], 0)
    prep = _prepare(edge_id, offset, network, float(s_edges[-1]))
    parts: list[list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = [[] for _ in range(n_s)]
    n = len(prep.order)
    # a block of events at a time, so the engine's temporaries stay small next to the pairs kept
    for lo in range(0, n, _BLOCK):
        for ii, jj, d in _distance_pairs(prep, np.arange(lo, min(lo + _BLOCK, n)), after=True):
            sb = np.searchsorted(s_edges, d, side="right") - 1
            sb[d == s_edges[-1]] = n_s - 1  # the last band is closed
            sb[sb >= n_s] = -1
            by = np.argsort(sb.astype(np.int8), kind="stable")  # radix sort: keeps each event's run together
            cuts = np.searchsorted(sb[by], np.arange(n_s + 1))
            for k in range(n_s):
                sel = by[cuts[k] : cuts[k + 1]]
                if len(sel):
                    i_k = ii[sel]
                    starts = np.flatnonzero(np.r_[True, i_k[1:] != i_k[:-1]])
                    run_n = np.diff(np.r_[starts, len(i_k)])
                    parts[k].append(
                        (i_k[starts].astype(np.intp), run_n.astype(np.intp), jj[sel].astype(np.intp))
                    )
    chunks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    for k in range(n_s):  # pieces of about _SIM_CHUNK pairs, cut between runs
        size = 0
        piece: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for part in [*parts[k], None]:
            if part is not None:
                piece.append(part)
                size += len(part[2])
            if piece and (part is None or size >= _SIM_CHUNK):
                run_i, run_n, j = (np.concatenate([p[m] for p in piece]) for m in range(3))
                chunks.append((k, run_i, run_n, j))
                piece, size = [], 0
        parts[k] = []
    return _BandPairs(prep.order, chunks, sum(len(c[3]) for c in chunks))


def _event_times(incidents: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Start of each event in nanoseconds since the epoch (exact integers, so a pair exactly on a band
    edge falls where the band says) and whether it has one."""
    col = schema.OCCURRED_FROM if schema.OCCURRED_FROM in incidents.columns else schema.OCCURRED_AT
    if col not in incidents.columns:
        raise InputError(f"the incidents have no {schema.OCCURRED_AT!r} column (the time of each event)")
    stamps = pd.to_datetime(incidents[col], errors="coerce", utc=True)
    has = ~stamps.isna().to_numpy()
    ns = stamps.to_numpy(dtype="datetime64[ns]").astype("int64")
    return np.where(has, ns, 0), has


def _in_units(t_ns: np.ndarray, t_edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The times and the band limits in one exact integer unit: whole seconds as ``int32`` when every time
    is a whole second and the span fits (police times are to the minute; half the memory traffic of each
    simulation), else nanoseconds as ``int64``. ``limits[m]``: "time difference in the first m bands" is
    ``dt < limits[m]`` (bands ``[e0, e1), …, [e_{k-1}, e_k]``: ``ceil`` for every edge but the last, which
    is closed: ``floor + 1``)."""
    rel = t_ns - (t_ns.min() if len(t_ns) else 0)
    if len(rel) and not (rel % 10**9).any() and rel.max() // 10**9 < 2**30:
        times, per_day = (rel // 10**9).astype(np.int32), 86_400.0
    else:
        times, per_day = rel, _DAY_NS
    scaled = t_edges * per_day
    limits = np.r_[np.ceil(scaled[:-1]), np.floor(scaled[-1]) + 1]
    cap = 2**31 - 1 if times.dtype == np.int32 else 2**62  # beyond any difference of two times
    limits = np.minimum(limits, float(cap)).astype(times.dtype)
    return times, limits


def _count(ts: np.ndarray, pairs: _BandPairs, limits: np.ndarray, n_s: int) -> np.ndarray:
    """Pairs per (space band, time band) cell for event times ``ts`` (in sorted positions). A time band
    is the difference of two counts "closer than a limit" (``count_nonzero`` of a comparison: cheaper than
    binning each pair); numpy's ``take`` and ``repeat`` do the gathers."""
    closer = np.zeros((n_s, len(limits)), dtype=np.int64)
    for k, run_i, run_n, j in pairs.chunks:
        dt = np.repeat(ts[run_i], run_n)
        dt -= np.take(ts, j)
        np.abs(dt, out=dt)
        for m, lim in enumerate(limits):
            if lim > 0:
                closer[k, m] += np.count_nonzero(dt < lim)
    return np.diff(closer, axis=1).ravel()


def near_repeat(
    incidents: gpd.GeoDataFrame,
    network: StreetNetwork,
    *,
    space_bands_m: Sequence[float] = (0, 100, 200, 400, 800),
    time_bands_days: Sequence[float] = (0, 7, 14, 30, 60),
    n_simulations: int = 99,
    random_state: int | None = 0,
    n_jobs: int | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """Knox test of near repeats with distances along the streets.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Point events with ``occurred_at`` (or ``occurred_from``, the start of the interval, which is used
        when present). Rows already snapped (``edge_id``, ``edge_offset_m``) keep their position; others
        are snapped now. Rows without a time or off the network take part in no pair; their number is in
        ``attrs["n_left_out"]``.
    network : StreetNetwork
    space_bands_m, time_bands_days : sequence of float
        Band edges: the bands are ``[e0, e1), [e1, e2), …, [e_{k-1}, e_k]`` (the last closed), in metres
        along the streets and in days between the two events' times.
    n_simulations : int
        Time permutations of the null model (times shuffled among the events, places kept).
    random_state : int or None
        Seed of ``numpy.random.SeedSequence``; simulation ``k`` uses the ``k``-th spawned stream.
    n_jobs : int or None
        Threads running the simulations (``None`` or ``-1``: every core). The result is the same for any
        number.
    lang : {"sv", "en"} or None
        Language of ``attrs["interpretation"]`` (default ``options.lang``).

    Returns
    -------
    pandas.DataFrame
        One row per (space band, time band), ordered by space band then time band: ``space_from_m``,
        ``space_to_m``, ``time_from_days``, ``time_to_days``, ``observed`` (pairs), ``expected`` (mean over
        the simulations), ``ratio`` (Knox ratio observed / expected; NaN when expected is 0) and ``p_value``
        (``(1 + #simulations with at least as many pairs) / (n_simulations + 1)``). ``attrs`` holds
        ``n_events``, ``n_left_out``, ``n_pairs`` (pairs within the largest space band), ``n_simulations``
        and ``interpretation`` (a short sentence per cell with ratio > 1 and p < 0.05, e.g. "inom 0–100 m
        och 0–7 dagar: 2,3 gånger fler än slumpen").

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import LineString, Point
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=3006))
    >>> ev = gpd.GeoDataFrame(
    ...     {"occurred_at": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-03-01", "2024-06-01"])},
    ...     geometry=[Point(10, 0), Point(60, 0), Point(500, 0), Point(900, 0)],
    ...     crs=3006,
    ... )
    >>> tab = near_repeat(ev, net, n_simulations=9)
    >>> int(tab.loc[0, "observed"]), len(tab)  # the one pair 50 m and 2 days apart
    (1, 16)
    """
    s_edges = _bands(space_bands_m, "space_bands_m")
    t_edges = _bands(time_bands_days, "time_bands_days")
    from trygghet_geo import _validate

    _validate.count("n_simulations", n_simulations, minimum=1, maximum=_validate.MAX_SIMULATIONS)
    _validate.seed("random_state", random_state)
    if not isinstance(incidents, gpd.GeoDataFrame):
        raise InputError(f"incidents must be a GeoDataFrame, got {type(incidents).__name__}")
    incidents = _validate.event_times("incidents", incidents)
    _validate.network("network", network)
    workers = _workers(n_jobs)
    t_all, has_time = _event_times(incidents)
    edge_id, offset = snapped_positions(incidents, network)
    rows = np.flatnonzero((edge_id >= 0) & has_time)
    t, limits = _in_units(t_all[rows], t_edges)
    pairs = _band_pairs(edge_id[rows], offset[rows], network, s_edges)
    n_s, n_t = len(s_edges) - 1, len(t_edges) - 1
    observed = _count(t[pairs.order], pairs, limits, n_s)
    sims = np.empty((int(n_simulations), n_s * n_t), dtype=np.int64)
    streams = np.random.SeedSequence(random_state).spawn(int(n_simulations))

    def simulate(k: int) -> None:
        perm = np.random.default_rng(streams[k]).permutation(len(t))
        sims[k] = _count(t[perm][pairs.order], pairs, limits, n_s)

    # numpy releases the GIL in the gathers and comparisons, so threads share the pairs without copying
    # them; each simulation has its own stream, so the result does not depend on the number of threads
    if workers == 1:
        for k in range(int(n_simulations)):
            simulate(k)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(simulate, range(int(n_simulations))))
    expected = sims.mean(axis=0)
    out = pd.DataFrame(
        {
            "space_from_m": np.repeat(s_edges[:-1], n_t),
            "space_to_m": np.repeat(s_edges[1:], n_t),
            "time_from_days": np.tile(t_edges[:-1], n_s),
            "time_to_days": np.tile(t_edges[1:], n_s),
            "observed": observed,
            "expected": expected,
            "ratio": np.divide(observed, expected, out=np.full(len(expected), np.nan), where=expected > 0),
            "p_value": (1 + (sims >= observed).sum(axis=0)) / (n_simulations + 1),
        }
    )
    out.attrs.update(
        n_events=len(rows),
        n_left_out=len(incidents) - len(rows),
        n_pairs=pairs.n_pairs,
        n_simulations=int(n_simulations),
        interpretation=interpret_near_repeat(out, lang=lang),
    )
    return out


def _num(x: float, lang: str | None, *, decimals: int = 0) -> str:
    s = f"{x:.{decimals}f}" if decimals or float(x).is_integer() else f"{x:.1f}"
    return s.replace(".", ",") if resolve_lang(lang) == "sv" else s


def interpret_near_repeat(table: pd.DataFrame, *, alpha: float = 0.05, lang: str | None = None) -> str:
    """A short sentence per cell of ``table`` with more pairs than chance (ratio > 1, p < ``alpha``)."""
    rows: list[Any] = [r for r in table.itertuples() if r.p_value < alpha and r.ratio > 1]
    if not rows:
        return text("near_repeat.none", lang=lang)
    parts = [
        text(
            "near_repeat.cell",
            lang=lang,
            s0=_num(r.space_from_m, lang),
            s1=_num(r.space_to_m, lang),
            t0=_num(r.time_from_days, lang),
            t1=_num(r.time_to_days, lang),
            ratio=_num(float(r.ratio), lang, decimals=2 if r.ratio < 1.95 else 1),
        )
        for r in rows
    ]
    return text("near_repeat.head", lang=lang) + " " + "; ".join(parts) + "."
