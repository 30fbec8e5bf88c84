"""Density along the streets: network kernel density estimation (NKDE) on lixels.

Crime on streets has a density per metre of street, not per square metre: a planar heat map bleeds across
blocks and lights up the quiet street parallel to a busy one. :func:`network_kde` spreads every event along
the streets with a one-dimensional kernel and reports, for every piece of street of about ``lixel_m`` metres
(a *lixel*, cut by :func:`trygghet_geo.network.lixelize`), the density at its centre in events per km of
street per year. The three methods are those of Okabe & Sugihara (*Spatial Analysis along Networks*, 2012,
ch. 9) as R's spNetwork implements them; the engine is described in :mod:`trygghet_geo._nkde`.

Example
-------
>>> import geopandas as gpd
>>> import pandas as pd
>>> from shapely.geometry import LineString, Point
>>> from trygghet_geo.network import network_from_lines
>>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (400, 0)])], crs=3006))
>>> events = gpd.GeoDataFrame(
...     {"occurred_at": pd.to_datetime(["2025-01-01", "2025-07-02", "2026-01-01"])},
...     geometry=[Point(100, 2), Point(110, -3), Point(300, 0)], crs=3006)
>>> lix = network_kde(events, net, bandwidth_m=50, lixel_m=100)
>>> lix[["from_m", "to_m", "density", "count_within_bandwidth"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
          from_m   to_m  density  count_within_bandwidth
lixel_id
0            0.0  100.0     0.00                       0
1          100.0  200.0     2.43                       1
2          200.0  300.0     0.00                       0
3          300.0  400.0     0.00                       0

(The centre at 150 m is 40 m from the event at 110 m: 15/16 · (1 - 0.8²)² / 50 m = 2.43 per km over the
events' one year.)
>>> lix.attrs["density_unit"]
'events per km of street per year'
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from numbers import Real
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from trygghet_geo import _nkde, schema
from trygghet_geo import _nkde_adaptive as _adaptive
from trygghet_geo import _nkde_consolidate as _consolidate
from trygghet_geo.errors import InputError, ParameterError
from trygghet_geo.network import lixelize

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

__all__ = ["DEFAULT_BANDWIDTHS", "network_kde"]

logger = logging.getLogger(__name__)

Kernel = Literal["quartic", "epanechnikov", "triangular", "uniform", "gaussian"]
Method = Literal["simple", "discontinuous", "continuous"]

#: The grid searched by likelihood cross-validation when ``bandwidth_m`` is None, metres: the scales of a
#: place (a crossing, a square, a block), up to the hotspots' widest eps (100 m), so that the density layer
#: resolves places at the scale the hotspots are found at. Wider bandwidths describe a district, and the
#: likelihood chooses them whenever most events are spread evenly: an event with no neighbour within a narrow
#: bandwidth scores the smallest double (spNetwork's ``zero_strat="min_double"``), so in a town whose
#: background is sparse the cross-validation went to 300–400 m and smeared each planted place of ~60 m over
#: a neighbourhood (``bench/bench_density.py --planted`` prints the planted places in the top 1 % with this
#: grid beside the 50–400 m one). District pictures come from counts per area, or from a wider
#: ``bandwidth_m`` given explicitly (a sequence is searched the same way).
DEFAULT_BANDWIDTHS = (25.0, 35.0, 50.0, 75.0, 100.0)
_CV_POINTS = 2000  # events scored in the cross-validation (a fixed random subset of larger tables)
_DAYS_PER_YEAR = 365.25
UNIT_PER_YEAR = "events per km of street per year"
UNIT_PER_EVENT = "share of events per km of street (no time span to divide by)"


def network_kde(
    events: gpd.GeoDataFrame,
    network: StreetNetwork,
    *,
    bandwidth_m: float | Sequence[float] | None = None,
    lixel_m: float = 20.0,
    kernel: Kernel = "quartic",
    method: Method = "discontinuous",
    weights: str | Sequence[float] | np.ndarray | None = None,
    time: tuple[str, float] | tuple[str, float, Any] | None = None,
    max_depth: int | None = 6,
    min_share: float = _nkde.DEFAULT_MIN_SHARE,
    max_snap_m: float = 100.0,
    adaptive: bool | None = None,
    trim_bw_m: float | None = None,
    consolidate_m: float | None = _consolidate.DEFAULT_CONSOLIDATE_M,
    keep_parallel: bool = True,
) -> gpd.GeoDataFrame:
    """Network kernel density of ``events`` on the lixels of ``network``.

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Points (any CRS; reprojected) snapped to their nearest street. Rows without a location, farther than
        ``max_snap_m`` from every street, with a bad weight or (with ``time``) without a time are left out
        and listed in ``attrs["left_out_events"]`` with their reason.
    network : StreetNetwork
    bandwidth_m : float or sequence of floats, optional
        Kernel bandwidth along the streets, metres. None (default) chooses one from
        :data:`DEFAULT_BANDWIDTHS` by leave-one-out likelihood cross-validation (as spNetwork's
        ``bw_cv_likelihood_calc``) and adapts it per event (see ``adaptive``); a sequence is searched
        instead. The chosen value is
        ``attrs["bandwidth_m"]``; the grid and its scores are ``attrs["bandwidth_cv"]``.
    lixel_m : float
        Length of the street pieces the density is reported on, metres
        (:func:`~trygghet_geo.network.lixelize`).
    kernel : {"quartic", "epanechnikov", "triangular", "uniform", "gaussian"}
        The one-dimensional kernel; "gaussian" has sigma = bandwidth / 3 and is cut at the bandwidth and
        renormalised.
    method : {"discontinuous", "simple", "continuous"}
        ``"simple"``: the kernel of the shortest-path distance (fast; not mass-conserving at junctions).
        ``"discontinuous"`` (default): Okabe's equal-split kernel: at a junction of degree n the kernel goes
        on into each other street divided by n - 1, so each event's kernel integrates to 1 over the network
        (except what runs into dead ends, where it stops). ``"continuous"``: Okabe & Sugihara's equal-split
        continuous kernel: 2/n into each other street and 2/n - 1 reflected back, so the density is
        continuous at junctions and dead ends reflect it; mass is conserved.
    weights : str or array-like, optional
        A column name or one non-negative weight per event (default 1).
    time : tuple, optional
        ``(column, bandwidth_days)`` or ``(column, bandwidth_days, dates)``: the space-time density at one
        reference date (default: the latest event) or at each of several dates; each event is weighted by
        the same kernel of its distance in days to the date, so the density is in events per km per year
        *at that date*. Several dates give a long table with a ``reference_date`` column.
    max_depth : int or None
        For ``"discontinuous"`` and ``"continuous"``: a walk stops after passing this many junctions or dead
        ends (nodes of degree other than 2), as spNetwork's ``max_depth``; the kernel mass it would still
        have carried is lost and reported as a share of the events' weight in ``attrs["mass_lost_depth"]``
        (with ``attrs["mass_lost_dead_ends"]`` for the discontinuous kernel). None follows every walk to
        the bandwidth or to ``min_share``.
    min_share : float
        For ``"discontinuous"`` and ``"continuous"``: a walk also stops once the share of its event that it
        carries has fallen below this (its mass beyond is lost and reported with the depth's). The default
        :data:`~trygghet_geo._nkde.DEFAULT_MIN_SHARE`, 1/729, is what six junctions of four streets leave, so
        on a grid of crossings it stops the discontinuous walks where ``max_depth=6`` does, while a junction
        of many streets (a merged square, see ``consolidate_m``) counts as several: without it the number of
        walks grows as the product of the junctions' degrees (on the merged sample, ``min_share=0`` made
        20,000 events at 200 m 13 times slower: 39 s of CPU against 3 s). On the bundled sample at a 200 m
        bandwidth the default limits lose 1.2 % of the kernel mass (discontinuous, merged by default; 2.8 %
        on the network as drawn, as ``max_depth=6`` alone did there: its junctions have at most six streets;
        5.4 % continuous, as drawn). 0 turns it off; with ``max_depth=None`` too the kernels conserve their
        mass exactly.
    max_snap_m : float
        Passed to :func:`~trygghet_geo.network.snap_points`.
    adaptive : bool or None
        Abramson's adaptive bandwidth (spNetwork's ``adaptive=TRUE``): the global bandwidth gives a pilot
        density at each event, and each event's kernel gets ``h_i = h · f_i^(-1/2) / γ`` (γ the geometric
        mean of ``f^(-1/2)``), trimmed at ``trim_bw_m``; kernels are narrow where events are dense, so a
        place stands out as a sharp peak, and as wide as the global bandwidth where they are sparse, so
        chance clumps of the background stay smooth. The cross-validation then scores the adapted
        estimate for each global bandwidth of the grid. None (default): adaptive when the bandwidth is
        chosen by cross-validation (``bandwidth_m`` None or a sequence), fixed when one bandwidth is
        given. The bandwidths are rounded to quarter octaves (at most 9 %) and the pilot is read at the
        lixel centres (:mod:`trygghet_geo._nkde_adaptive`); each event's bandwidth is
        ``attrs["event_bandwidths_m"]``.
    trim_bw_m : float, optional
        The widest adapted bandwidth, metres (spNetwork's ``trim_bw``); default the global bandwidth.
    consolidate_m : float or None
        Merge the junctions of one place that lie at most this many metres apart along the streets (a
        square, a crossing or a garden of trails drawn as a mesh of short paths) before the kernel runs, as
        osmnx's ``consolidate_intersections`` does (:mod:`trygghet_geo._nkde_consolidate`): otherwise the
        equal-split kernel divides a place's events at every one of its junctions and loses them into the
        dead ends of its branches. Default :data:`~trygghet_geo._nkde_consolidate.DEFAULT_CONSOLIDATE_M`
        (10 m, the precision of an event's position across a street; None means the same); 0 leaves the
        network as it is (the default before). When anything merges, the lixels are those of the merged
        network: each lies on one original edge (``edge_id``), extended at its ends to the merged junctions'
        centroids (``from_m``/``to_m`` along the extended line); the edges merged away have no lixel of their
        own and their events count on the street they merged into. What merged is
        ``attrs["consolidated"]``.
    keep_parallel : bool
        With ``consolidate_m``: merge only through *connectors* (chains of edges joined through nodes of
        degree 2, at most ``consolidate_m`` long, between two junctions or dead ends: a crossing, a link of a
        mesh, a branch tip of a few metres), never so that two longer chains (*lines*) join the same two
        nodes or one of them becomes a loop: a sidewalk joined to its street by a crossing at each end is
        merged at one end only and keeps its own events, so a street drawn with its sidewalks does not
        outrank a plain one, while a mesh still becomes one node. True (default). False is the plain merge
        (every edge of at most ``consolidate_m`` at a junction, and of the edges then joining the same two
        nodes within the tolerance only the shortest kept), which lifts meshes but gathers sidewalks onto
        their street. ``bench/bench_density.py --planted`` chose the default: every miss there that a scan
        of the data at the planted radius would have found lay in a garden of trails drawn as trees of
        1–5 m edges; on fresh seeds 9901–9905 the three planted places were in the top 1 % of lixels for
        119, 117 and 119 of 120 places (events along the lines, in the plane, background on the named
        streets), against 118, 115 and 115 with the network as drawn. The merge costs a pass over the
        chains (0.02 s on the sample); the discontinuous kernel walks the merged sample about as fast
        (100,000 events at 200 m: 3.5 s of CPU against 3.3 s as drawn), the continuous one three times
        slower (20,000 events: 92 s against about 28 s), as its reflected share ``2/n - 1`` at a merged
        junction of many streets stays near -1 and ``min_share`` stops few walks: pass ``consolidate_m=0``
        with it when time matters.

    Returns
    -------
    geopandas.GeoDataFrame
        The lixels (``edge_id``, ``from_m``, ``to_m``, ``length_m``, ``name``, geometry) with ``density``
        (at the lixel's centre, in ``attrs["density_unit"]``: events per km of street per year over the
        events' time span; when the events have no time column, share one instant or span less than a day,
        the share of the events per km of street instead) and ``count_within_bandwidth`` (events within the
        bandwidth along the shortest path from the lixel's centre, unweighted). ``attrs`` also holds
        ``kernel``, ``method``, ``n_events``, ``period_days``, ``left_out`` (reason -> rows), ``adaptive``
        and, when adaptive, ``trim_bw_m`` and ``event_bandwidths_m``; ``consolidate_m`` (the tolerance used,
        0 when off) and ``keep_parallel`` (None when off). With adaptive bandwidths,
        ``count_within_bandwidth`` counts the events whose own bandwidth reaches the lixel's centre.
    """
    args = (kernel, method, lixel_m, max_depth, adaptive, events, network, consolidate_m)
    kernel, method, max_depth, adaptive, events, tol = _check(*args)
    walk = _nkde.WalkLimit(max_depth, _min_share(min_share))
    trim = _check_distances(events, lixel_m, max_snap_m, trim_bw_m)
    if weights is not None and isinstance(weights, str) and weights not in events.columns:
        raise InputError(f"weights: no column {weights!r} in the events (columns: {list(events.columns)})")
    used, left = _usable_events(events, network, weights, time, max_snap_m)
    merged = _consolidate.consolidate(network, tol, keep_parallel=bool(keep_parallel)) if tol > 0 else None
    if merged is not None:  # the density runs on, and is reported on, the merged network
        original, network = network, merged.network
        e2, t2 = merged.positions(original, used["edge"].to_numpy(np.int64), used["off"].to_numpy(float))
        gone = pd.DataFrame({schema.REASON: "too_far_from_street"}, index=used.index[e2 < 0])
        used, left = used.assign(edge=e2, off=t2)[e2 >= 0], pd.concat([left, gone])
    lixels = lixelize(network, float(lixel_m))
    c_edge = lixels["edge_id"].to_numpy(np.int64)
    c_off = ((lixels["from_m"] + lixels["to_m"]) / 2.0).to_numpy()
    grid = _grid(bandwidth_m)
    cv = None
    adaptive = bandwidth_m is None if adaptive is None else bool(adaptive)
    pilot = (c_edge, c_off, lixels["from_m"].to_numpy(), float(lixel_m))
    hs = None
    if len(grid) == 1:
        h = grid[0]
    else:
        h, cv, hs = _cross_validate(used, network, grid, kernel, method, walk, adaptive, trim, pilot)
    if adaptive and hs is None:
        hs = _event_bandwidths(used, network, h, kernel, method, walk, trim, pilot)
    times = used.get("time")
    span_days = _span_days(times)
    total_w = float(used["w"].sum())
    attrs: dict[str, Any] = {
        "bandwidth_m": h,
        "lixel_m": float(lixel_m),
        "kernel": kernel,
        "method": method,
        "max_depth": max_depth if method != "simple" else None,
        "min_share": walk.min_share if method != "simple" else None,
        "n_events": len(used),
        "period_days": span_days,
        "left_out": left[schema.REASON].value_counts().to_dict() if len(left) else {},
        "left_out_events": left,
    }
    if cv is not None:
        attrs["bandwidth_cv"] = cv
    attrs["adaptive"] = bool(adaptive)
    attrs["consolidate_m"] = tol
    attrs["keep_parallel"] = bool(keep_parallel) if tol > 0 else None
    if merged is not None:
        attrs["consolidated"] = {
            "merged_nodes": merged.merged_nodes,
            "dropped_edges": merged.dropped_edges,
            "widest_m": merged.widest_m,
        }
    if hs is not None:
        attrs["trim_bw_m"] = _adaptive.TRIM_FACTOR * h if trim is None else trim
        attrs["event_bandwidths_m"] = pd.Series(hs, index=used.index, name="bandwidth_m")
    if time is None:
        losses: dict[str, float] = {}
        if hs is None:
            dens, count = _sums(used, network, c_edge, c_off, h, kernel, method, walk, losses=losses)
        else:
            dens, count = _adaptive.class_sums(
                _class_fn(used, network, kernel, method, walk, losses), c_edge, c_off, hs
            )
        attrs.update(losses)
        if span_days is not None and span_days >= 1.0:
            dens = dens * 1000.0 * _DAYS_PER_YEAR / span_days
            attrs["density_unit"] = UNIT_PER_YEAR
        else:
            dens = dens * 1000.0 / max(total_w, 1e-300) if total_w > 0 else dens * 0.0
            attrs["density_unit"] = UNIT_PER_EVENT
        out = lixels.assign(density=dens, count_within_bandwidth=count.astype(np.int64))
    else:
        out = _space_time(used, network, lixels, c_edge, c_off, h, kernel, method, walk, time, attrs, hs)
    if merged is not None:  # each merged edge is one original edge, extended to the merged junctions
        out["edge_id"] = merged.kept[out["edge_id"].to_numpy(np.int64)]
    out.attrs.update(attrs)
    return out


def _check(
    kernel: str,
    method: str,
    lixel_m: float,
    max_depth: int | None,
    adaptive: Any,
    events: Any,
    network: Any,
    consolidate_m: float | None,
) -> tuple[Any, Any, int | None, bool | None, Any, float]:
    """The kernel and method words (any case), ``max_depth`` (numpy integers too), ``adaptive``, the network,
    ``lixel_m`` against the network's length, the events' times (as readable datetimes) and the
    consolidation tolerance, checked."""
    from trygghet_geo import _validate

    with _input_errors():
        _validate.network("network", network)
        kernel = _validate.choice("kernel", kernel, _nkde.KERNELS)
        method = _validate.choice("method", method, _nkde.METHODS)
        _validate.pieces("lixel_m", lixel_m, float(network.edges["length_m"].sum()))
        if max_depth is not None:
            max_depth = _validate.count("max_depth", max_depth, minimum=1)
        adaptive = _validate.flag("adaptive", adaptive, allow_none=True)
        events = _validate.event_times("events", _validate.table("events", events))
        tol = _consolidate.check_tolerance(
            _consolidate.DEFAULT_CONSOLIDATE_M if consolidate_m is None else consolidate_m
        )
    return kernel, method, max_depth, adaptive, events, tol


def _check_distances(events: Any, lixel_m: float, max_snap_m: float, trim_bw_m: float | None) -> float | None:
    """The distances (:func:`trygghet_geo._validate.metres`: NaN, infinity, text and huge values refused)
    and the events' time columns (:func:`trygghet_geo._validate.event_times`); the checked ``trim_bw_m``."""
    from trygghet_geo import _validate

    with _input_errors():
        trim = _trim(trim_bw_m)
        _validate.metres("lixel_m", lixel_m)
        _validate.metres("max_snap_m", max_snap_m)
    return trim


@contextmanager
def _input_errors() -> Iterator[None]:
    """network_kde has always refused its arguments with InputError: the shared checks' ParameterError is
    raised as one, for its callers."""
    try:
        yield
    except ParameterError as exc:
        raise InputError(str(exc)) from None


def _min_share(min_share: float) -> float:
    if isinstance(min_share, bool) or not isinstance(min_share, Real) or not 0.0 <= min_share < 1.0:
        raise InputError(f"min_share must be a number in [0, 1) (0: off), got {min_share!r}")
    return float(min_share)


def _grid(bandwidth_m: float | Sequence[float] | None) -> list[float]:
    values = DEFAULT_BANDWIDTHS if bandwidth_m is None else bandwidth_m
    if isinstance(values, Real) and not isinstance(values, bool):
        values = [float(values)]
    try:
        grid = [float(v) for v in values]  # type: ignore[union-attr]
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"bandwidth_m must be a number of metres or a list of them, got {bandwidth_m!r}"
        ) from exc
    if not grid or not all(np.isfinite(v) and v > 0 for v in grid):
        raise InputError(f"bandwidth_m must be positive numbers of metres, got {bandwidth_m!r}")
    from trygghet_geo import _validate

    return sorted({_validate.metres("bandwidth_m", v) or v for v in grid})  # and the bounds of every distance


def _usable_events(
    events: gpd.GeoDataFrame,
    network: StreetNetwork,
    weights: Any,
    time: Any,
    max_snap_m: float,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The events that take part (edge, offset, weight and time) and the others with their reason."""
    import shapely

    from trygghet_geo.network.snap import snapped_positions

    if not isinstance(events, gpd.GeoDataFrame):
        raise InputError(f"events must be a GeoDataFrame of points, got {type(events).__name__}")
    edge, off = snapped_positions(events, network, max_snap_m=max_snap_m)
    geoms = np.asarray(events.geometry.array, dtype=object)
    located = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    given = events[schema.REASON].fillna("").astype(str).to_numpy() if schema.REASON in events else ""
    reason = np.where(edge >= 0, "", np.where(located, "too_far_from_street", "no_location")).astype(object)
    reason = np.where((edge < 0) & (given != ""), given, reason)
    if weights is None:
        w = np.ones(len(events))
    else:
        raw = events[weights] if isinstance(weights, str) else weights
        try:
            w = pd.to_numeric(pd.Series(np.asarray(raw), index=events.index), errors="coerce").to_numpy(float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"weights must be numbers, one per event: {exc}") from exc
        if len(w) != len(events):
            raise InputError(f"weights has {len(w)} values for {len(events)} events")
        bad = ~(np.isfinite(w) & (w >= 0))
        reason[(reason == "") & bad] = "bad_weight"
    frame = pd.DataFrame({"edge": edge, "off": off, "w": w})
    frame.index = events.index
    column = _time_column(time, events)
    if column is not None:
        ts = pd.to_datetime(events[column], errors="coerce", utc=True)
        reason[(reason == "") & ts.isna().to_numpy()] = "bad_date"
        frame["time"] = ts.to_numpy()
    ok = reason == ""
    left = pd.DataFrame({schema.REASON: reason[~ok]}, index=events.index[~ok])
    return frame[ok], left


def _time_column(time: Any, events: pd.DataFrame) -> str | None:
    if time is not None:
        if not isinstance(time, tuple | list) or len(time) not in (2, 3) or not isinstance(time[0], str):
            raise InputError(
                f"time must be (column, bandwidth_days) or (column, bandwidth_days, dates), got {time!r}"
            )
        if time[0] not in events.columns:
            raise InputError(f"time: no column {time[0]!r} in the events")
        from trygghet_geo import _validate

        _validate.positive("time (its bandwidth in days)", time[1])
        for date in np.atleast_1d(np.asarray(time[2], dtype=object)) if len(time) == 3 else ():
            _validate.date("time (a reference date)", date)
        values = events[time[0]]
        if not (pd.api.types.is_datetime64_any_dtype(values.dtype) or values.isna().all()):
            raise InputError(f"time: the column {time[0]!r} holds {values.dtype} values, not datetimes")
        return str(time[0])
    return schema.OCCURRED_AT if schema.OCCURRED_AT in events.columns else None


def _span_days(times: pd.Series | None) -> float | None:
    if times is None or len(times) == 0:
        return None
    t = pd.to_datetime(times, utc=True)
    return float((t.max() - t.min()).total_seconds() / 86400.0)


def _sums(
    used: pd.DataFrame,
    network: StreetNetwork,
    c_edge: np.ndarray,
    c_off: np.ndarray,
    h: float,
    kernel: str,
    method: str,
    walk: _nkde.WalkLimit,
    *,
    weight: np.ndarray | None = None,
    counts: bool = True,
    losses: dict[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Kernel sums (events per metre) and event counts within ``h`` at the sample points (edge, offset)."""
    p = _nkde.kernel_poly(kernel)
    w = used["w"].to_numpy(float) if weight is None else weight
    e, t = used["edge"].to_numpy(np.int64), used["off"].to_numpy(float)
    lines = _nkde.Lines.of(network)
    if method != "simple":  # the walks run on chains joined through the nodes of degree 2
        chains = _nkde.contract(lines)
        e, t = chains.position(e, t, lines.length)
        c_edge, c_off = chains.position(c_edge, c_off, lines.length)
        lines = chains.lines
    ev = _nkde.prepare_events(e, t, w, lines.length, h, len(p))
    smp, order = _nkde.make_samples(c_edge, c_off, len(lines.length))
    out = np.zeros(len(c_edge))
    cnt = np.zeros(len(c_edge))
    if len(used):
        if method == "simple":
            _nkde.shortest_sum(p, ev, network, smp, out, cnt)
        else:
            _nkde.same_edge_sum(p, ev, lines.length, smp, np.full(len(lines.length), np.inf), out, None)
            lost = _nkde.walk_sum(p, ev, lines, smp, method, walk, out, cnt if counts else None)
            if losses is not None:
                total = max(float(w.sum()), 1e-300)
                losses.update({f"mass_lost_{k}": v / total for k, v in lost.items()})
    dens, count = np.empty_like(out), np.empty_like(cnt)
    dens[order], count[order] = out / h, cnt
    return dens, count


def _trim(trim_bw_m: float | None) -> float | None:
    if trim_bw_m is None:
        return None
    from trygghet_geo import _validate

    return _validate.metres("trim_bw_m", trim_bw_m)  # numpy numbers too, and the bounds every distance has


def _class_fn(
    used: pd.DataFrame,
    network: StreetNetwork,
    kernel: str,
    method: str,
    walk: _nkde.WalkLimit,
    losses: dict[str, float] | None = None,
    counts: bool = True,
) -> _adaptive.SumFn:
    """The kernel sums of one class of equal bandwidth (a mask over ``used``); the mass each class loses
    is added to ``losses`` as a share of all the events' weight."""
    total = max(float(used["w"].sum()), 1e-300)

    def fn(edge: np.ndarray, off: np.ndarray, h: float, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        part: dict[str, float] = {}
        sub = used[mask]
        out = _sums(sub, network, edge, off, h, kernel, method, walk, losses=part, counts=counts)
        if losses is not None:
            share = float(sub["w"].sum()) / total
            for k, v in part.items():
                losses[k] = losses.get(k, 0.0) + v * share
        return out

    return fn


def _event_bandwidths(
    used: pd.DataFrame,
    network: StreetNetwork,
    h0: float,
    kernel: str,
    method: str,
    walk: _nkde.WalkLimit,
    trim: float | None,
    pieces: tuple[np.ndarray, np.ndarray, np.ndarray, float],
) -> np.ndarray:
    """Abramson's adaptive bandwidth of every event from the pilot density at ``h0``, evaluated at the
    lixel centres when the lixels are at most ``h0 / 2`` long, else at points every ``h0 / 4`` along the edges
    (:mod:`trygghet_geo._nkde_adaptive`); ``trim`` defaults to ``TRIM_FACTOR · h0``."""
    e, t = used["edge"].to_numpy(np.int64), used["off"].to_numpy(float)
    c_edge, c_off, c_from, lixel_m = pieces  # the lixels: edge, centre, start
    if lixel_m <= h0 / 2:
        at_lixels, _ = _sums(used, network, c_edge, c_off, h0, kernel, method, walk, counts=False)
        pilot = at_lixels[_adaptive.on_pieces(e, t, c_edge, c_from)]
    else:
        # Read at points every h0/4 along the edges that hold events (each event reads its own bin's
        # centre, at most h0/8 away), not at every event: many events on one long edge would pair
        # quadratically with themselves.
        step = h0 / 4.0
        lengths = network.edges["length_m"].to_numpy(float)
        k = np.minimum(np.floor(t / step), np.maximum(np.ceil(lengths[e] / step) - 1, 0)).astype(np.int64)
        bins, where = np.unique(np.column_stack([e, k]), axis=0, return_inverse=True)
        b_off = np.minimum((bins[:, 1] + 0.5) * step, lengths[bins[:, 0]])
        at_bins, _ = _sums(used, network, bins[:, 0], b_off, h0, kernel, method, walk, counts=False)
        pilot = at_bins[where.ravel()]
    return _adaptive.abramson(pilot, h0, _adaptive.TRIM_FACTOR * h0 if trim is None else trim)


def _cross_validate(
    used: pd.DataFrame,
    network: StreetNetwork,
    grid: list[float],
    kernel: str,
    method: str,
    walk: _nkde.WalkLimit,
    adaptive: bool = False,
    trim: float | None = None,
    pieces: tuple[np.ndarray, np.ndarray, np.ndarray, float] | None = None,
) -> tuple[float, dict[str, list[float]], np.ndarray | None]:
    """Leave-one-out likelihood over ``grid``: the sum over (up to _CV_POINTS) events of the log of the
    density of all the other events at its place; a zero density counts as the smallest positive double
    (spNetwork's ``zero_strat="min_double"``). Also returns the events' adapted bandwidths at the chosen
    value (None when not adaptive), so they are not computed again."""
    if len(used) < 2:
        raise InputError(
            "choosing the bandwidth by cross-validation needs at least 2 usable events; pass bandwidth_m"
        )
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(len(used), size=min(_CV_POINTS, len(used)), replace=False))
    e = used["edge"].to_numpy(np.int64)[pick]
    t = used["off"].to_numpy(float)[pick]
    w_i = used["w"].to_numpy(float)[pick]
    total = float(used["w"].sum())
    p0 = float(_nkde.kernel_poly(kernel)[0])
    scores = []
    adapted: list[np.ndarray] = []
    for h in grid:
        if adaptive and pieces is not None:
            hs = _event_bandwidths(used, network, h, kernel, method, walk, trim, pieces)
            adapted.append(hs)
            fn = _class_fn(used, network, kernel, method, walk, counts=False)
            sums, _ = _adaptive.class_sums(fn, e, t, hs)
            own = hs[pick]
        else:
            sums, _ = _sums(used, network, e, t, h, kernel, method, walk, counts=False)
            own = np.full(len(pick), h)
        loo = (sums - w_i * p0 / own) / max(total - float(w_i.mean()), 1e-300)
        loo = np.where(loo > 0, loo, np.finfo(float).tiny)
        scores.append(float(np.sum(w_i * np.log(loo))))
    i = int(np.argmax(scores))
    best = grid[i]
    logger.info("bandwidth %.0f m chosen by likelihood cross-validation over %s", best, grid)
    return best, {"bandwidth_m": list(grid), "log_likelihood": scores}, adapted[i] if adapted else None


def _space_time(
    used: pd.DataFrame,
    network: StreetNetwork,
    lixels: gpd.GeoDataFrame,
    c_edge: np.ndarray,
    c_off: np.ndarray,
    h: float,
    kernel: str,
    method: str,
    walk: _nkde.WalkLimit,
    time: Any,
    attrs: dict[str, Any],
    hs: np.ndarray | None = None,
) -> gpd.GeoDataFrame:
    """The space-time density at each reference date: every event weighted by the kernel of its distance
    in days to the date (so the product kernel is per metre per day, reported per km per year); with
    adaptive bandwidths ``hs``, each event keeps its own along the streets."""
    bw_days = float(time[1])
    if not np.isfinite(bw_days) or bw_days <= 0:
        raise InputError(f"time: the bandwidth in days must be positive, got {time[1]!r}")
    ts = pd.to_datetime(used["time"], utc=True)
    if len(time) == 3:
        dates = pd.to_datetime(pd.Series(np.atleast_1d(np.asarray(time[2], dtype=object))), utc=True)
        if dates.isna().any():
            raise InputError(f"time: reference dates must be dates, got {time[2]!r}")
    else:
        dates = pd.Series([ts.max()]) if len(ts) else pd.Series([pd.Timestamp.now(tz="UTC")])
    days = ts.to_numpy(dtype="datetime64[ns]").astype(np.int64) / 86_400e9
    frames = []
    for date in dates:
        ref = pd.Timestamp(date).to_datetime64().astype("datetime64[ns]").astype(np.int64) / 86_400e9
        wt = _nkde.kernel_value(kernel, days - ref, bw_days) * used["w"].to_numpy(float)
        keep = wt > 0
        part = used[keep].assign(w=wt[keep])
        if hs is None:
            dens, count = _sums(part, network, c_edge, c_off, h, kernel, method, walk)
        else:
            fn = _class_fn(part, network, kernel, method, walk)
            dens, count = _adaptive.class_sums(fn, c_edge, c_off, hs[keep])
        frames.append(
            lixels.assign(
                reference_date=pd.Timestamp(date),
                density=dens * 1000.0 * _DAYS_PER_YEAR,
                count_within_bandwidth=count.astype(np.int64),
            )
        )
    attrs["density_unit"] = UNIT_PER_YEAR
    attrs["time_bandwidth_days"] = bw_days
    attrs["reference_dates"] = [pd.Timestamp(d) for d in dates]
    if len(frames) == 1:
        return frames[0].drop(columns="reference_date")
    return gpd.GeoDataFrame(pd.concat(frames), crs=lixels.crs)
