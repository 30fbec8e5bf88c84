"""Follow-up of chosen places: did they get better, and more than the rest of the town?

:func:`compare_periods` counts incidents at each chosen place in a period *before* and a period *after* a
promise date, and compares the change with the change in the rest of the municipality.

Method
------
Counts are modelled as Poisson. For a place with ``a0`` incidents over ``t0`` days before and ``a1`` over
``t1`` days after, the rate ratio is ``RR = (a1/t1) / (a0/t0)`` and ``change_pct = 100 * (RR - 1)``. Its
confidence interval is exact, conditional on the total: ``a1 | a0 + a1`` is binomial with
``p = t1*RR / (t0 + t1*RR)``, so a Clopper–Pearson interval for ``p`` maps one-to-one to an interval
for ``RR``.

The *rest of the municipality* (every located incident outside all the chosen places) is the control. A place
is called ``improved`` only if its rate fell more than the town's did: the difference-in-differences on log
rates is the ratio of rate ratios ``R = RR_place / RR_town = (a1*c0) / (a0*c1)`` (the exposures cancel
because place and town share the periods). With four independent Poisson counts, conditioning on the margins
of the 2×2 table ``[[a1, a0], [c1, c0]]`` gives the hypergeometric distribution, so the exact test of
``R = 1`` is Fisher's exact test and the exact interval for ``R`` is the conditional odds-ratio interval
(``scipy.stats.contingency.odds_ratio``). ``method="normal"`` uses the log-normal approximation instead
(``SE(log R) = sqrt(1/a0 + 1/a1 + 1/c0 + 1/c1)``, 0.5 added to every cell when one is zero).

Over-dispersion: crime counts are often clumped (repeat events at one address, one busy weekend), more
variable than Poisson, which makes Poisson p-values too small. Each place's (and the town's) dispersion is
estimated from its monthly counts within the two periods: the Pearson statistic of the counts against each
period's constant rate (scaled by the days of each month in the period), divided by its degrees of freedom
(months − 2), and never taken below 1. ``p_value_dispersed`` is ``p_value`` with its z-score divided by the
square root of the effective dispersion of ``log R`` (quasi-Poisson: ``Var(log R) ≈ φ_place (1/a0 + 1/a1) +
φ_town (1/c0 + 1/c1)``), so it equals ``p_value`` when the counts are no more variable than Poisson.
``improved`` is ``R < 1`` and ``p_value_dispersed < alpha`` (two-sided).

Season: crime has strong seasons, so by default (``season_aware=True``) both periods are cut to the months of
the year they share (e.g. before = 2023, after = January–June 2024 compares January–June with
January–June); exposures are the days left in each period.

Limits: the dispersion estimate needs months; with a few months in each period it is rough (it is still
never below 1, so it can only make the test more careful). The intervals (``ci_*``, ``did_ci_*``) are the
Poisson ones and are too narrow when ``dispersion`` is well above 1.

Places are polygons, or points with a radius. A radius is measured *along the streets* when a street network
is given (the place and the incidents are snapped to the network), else as a straight-line (Euclidean) buffer;
the ``area`` column says which.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._vocab import MONTHS_SV
from trygghet_geo.errors import InputError, ParameterError, SchemaError
from trygghet_geo.network.distance import distances_along_streets
from trygghet_geo.network.snap import snap_points, snapped_positions

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from trygghet_geo.network import StreetNetwork

__all__ = ["compare_periods", "monthly_counts", "place_membership", "plot_monthly"]

logger = logging.getLogger(__name__)

PeriodLike = tuple[Any, Any]
TOWN_LABEL = "Övriga kommunen"


@dataclass(frozen=True)
class _Period:
    start: pd.Timestamp  # inclusive
    end: pd.Timestamp  # exclusive

    def days_in_months(self, months: set[int]) -> float:
        return float(self.month_days(months).sum())

    def month_days(self, months: set[int]) -> pd.Series:
        """Days of the period per calendar month (``year * 12 + month - 1``), months of the year in
        ``months`` only."""
        days = pd.date_range(self.start.normalize(), self.end - pd.Timedelta(seconds=1), freq="D")
        keep = np.isin(days.month, list(months))
        key = (days.year * 12 + days.month - 1)[keep]
        return pd.Series(1.0, index=key).groupby(level=0).sum()

    def months(self) -> set[int]:
        days = pd.date_range(self.start.normalize(), self.end - pd.Timedelta(seconds=1), freq="D")
        return {int(m) for m in np.unique(days.month)}


# --- public API
def compare_periods(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    before: PeriodLike,
    after: PeriodLike,
    radius_m: float | None = None,
    network: StreetNetwork | None = None,
    categories: Sequence[str] | None = None,
    season_aware: bool = True,
    alpha: float = 0.05,
    method: Literal["exact", "normal"] = "exact",
) -> gpd.GeoDataFrame:
    """Compare incident rates at chosen places before and after a date, against the rest of the town.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incidents with ``occurred_at`` and ``category`` (rows with status other than ``ok``, no geometry or no
        date are left out and counted in ``result.attrs["left_out"]``).
    places : GeoDataFrame
        One row per place with a ``name`` column; polygons, or points that take a radius (a ``radius_m``
        column, else the ``radius_m`` argument).
    before, after : (start, end)
        The two periods; dates are inclusive (``("2024-01-01", "2024-06-30")`` covers all of 30 June).
    radius_m : float, optional
        Radius for point places without a ``radius_m`` column.
    network : StreetNetwork, optional
        When given, radii are measured along the streets; else straight-line.
    categories : sequence of str, optional
        Only these incident categories are tested (counts per category are reported for all).
    season_aware : bool
        Cut both periods to the months of the year they share (default).
    alpha : float
        Level of the confidence intervals (``1 - alpha``) and of the ``improved`` test.
    method : {"exact", "normal"}
        Exact conditional (Fisher / Clopper–Pearson) or log-normal approximation.

    Returns
    -------
    GeoDataFrame
        One row per place: ``name``, ``area``, ``n_before``, ``n_after``, ``change_pct``, ``ci_low``,
        ``ci_high`` (interval of ``change_pct``), ``town_n_before``, ``town_n_after``, ``town_change_pct``,
        ``did_ratio``, ``did_ci_low``, ``did_ci_high``, ``p_value``, ``dispersion``, ``town_dispersion``,
        ``p_value_dispersed``, ``improved``, ``n_before_<category>``, ``n_after_<category>``, ``days_before``,
        ``days_after``, and the place geometry (metric CRS).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> t = pd.to_datetime(["2023-03-01"] * 10 + ["2024-03-01"] * 2 + ["2023-03-02", "2024-03-02"])
    >>> xy = [Point(5, 5)] * 12 + [Point(500, 500)] * 2
    >>> inc = gpd.GeoDataFrame({"occurred_at": t, "category": "stöld"}, geometry=xy, crs="EPSG:3006")
    >>> pl = gpd.GeoDataFrame({"name": ["Torget"]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:3006")
    >>> r = compare_periods(inc, pl, before=("2023-01-01", "2023-12-31"), after=("2024-01-01", "2024-12-31"))
    >>> int(r.n_before.iloc[0]), int(r.n_after.iloc[0]), round(float(r.change_pct.iloc[0]))
    (10, 2, -80)
    """
    from trygghet_geo import _validate

    _validate.probability("alpha", alpha)
    _validate.metres("radius_m", radius_m, allow_none=True)
    method = _validate.choice("method", method, ("exact", "normal"))  # type: ignore[assignment]
    season_aware = bool(_validate.flag("season_aware", season_aware))
    inc, left_out = _usable_incidents(incidents, network)
    p_before, p_after = _parse_period(before, "before", inc), _parse_period(after, "after", inc)
    if p_before.start < p_after.end and p_after.start < p_before.end:
        raise ParameterError(
            f"before {before!r} and after {after!r} overlap; an event must belong to one period"
        )
    months = _common_months(p_before, p_after, season_aware)
    t0, t1 = p_before.days_in_months(months), p_after.days_in_months(months)
    pl = _places_metric(places, inc.crs)
    member, area = place_membership(inc, pl, radius_m=radius_m, network=network)
    when = inc[schema.OCCURRED_AT]
    in_season = when.dt.month.isin(list(months)).to_numpy()
    is_before = in_season & _within(when, p_before)
    is_after = in_season & _within(when, p_after)
    cats = inc[schema.CATEGORY].astype(str).to_numpy()
    tested = np.ones(len(inc), bool) if categories is None else np.isin(cats, list(categories))
    town = ~member.any(axis=0)
    c0, c1 = int((town & is_before & tested).sum()), int((town & is_after & tested).sum())
    month = (when.dt.year * 12 + when.dt.month - 1).to_numpy()
    bins = (p_before.month_days(months), p_after.month_days(months))
    phi_town = _dispersion(month, town & is_before & tested, town & is_after & tested, bins)
    rows = []
    for i in range(len(pl)):
        m = member[i]
        a0, a1 = int((m & is_before & tested).sum()), int((m & is_after & tested).sum())
        row: dict[str, Any] = {
            schema.NAME: pl[schema.NAME].iloc[i],
            schema.AREA: area[i],
            schema.N_BEFORE: a0,
            schema.N_AFTER: a1,
        }
        row.update(_place_change(a0, a1, t0, t1, alpha))
        row.update(
            {
                schema.TOWN_N_BEFORE: c0,
                schema.TOWN_N_AFTER: c1,
                schema.TOWN_CHANGE_PCT: _pct(_rr(c0, c1, t0, t1)),
            }
        )
        row.update(_did(a0, a1, c0, c1, alpha, method))
        phi = _dispersion(month, m & is_before & tested, m & is_after & tested, bins)
        row.update({schema.DISPERSION: phi, schema.TOWN_DISPERSION: phi_town})
        row[schema.P_VALUE_DISPERSED] = _dispersed_p(row[schema.P_VALUE], (a0, a1, c0, c1), phi, phi_town)
        row[schema.IMPROVED] = bool(row[schema.DID_RATIO] < 1 and row[schema.P_VALUE_DISPERSED] < alpha)
        for cat in _category_order(cats):
            row[f"n_before_{cat}"] = int((m & is_before & (cats == cat)).sum())
            row[f"n_after_{cat}"] = int((m & is_after & (cats == cat)).sum())
        row.update({schema.DAYS_BEFORE: t0, schema.DAYS_AFTER: t1})
        rows.append(row)
    import geopandas as gpd

    out = gpd.GeoDataFrame(pd.DataFrame(rows, index=pl.index), geometry=pl.geometry.to_numpy(), crs=pl.crs)
    out.attrs.update(
        {
            "left_out": left_out,
            "months": sorted(months),
            "months_text": months_text(months),
            "before": (p_before.start, p_before.end),
            "after": (p_after.start, p_after.end),
            "method": method,
            "alpha": alpha,
            "categories": None if categories is None else list(categories),
        }
    )
    return out


def place_membership(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    radius_m: float | None = None,
    network: StreetNetwork | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Which incidents lie in which place.

    Returns a boolean matrix ``(n_places, n_incidents)`` and, per place, how its area was measured:
    ``"polygon"``, ``"radius_network"`` (along the streets) or ``"radius_euclidean"`` (straight line).
    Both frames must share a metric CRS.
    """
    import shapely

    pts = incidents.geometry.to_numpy()
    tree = shapely.STRtree(pts)
    member = np.zeros((len(places), len(incidents)), bool)
    area: list[str] = []
    radii = _radii(places, radius_m)
    snapped = None
    for i, geom in enumerate(places.geometry.to_numpy()):
        if geom is None or geom.is_empty:
            raise InputError(f"places: row {i + 1} ({places['name'].iloc[i]!r}) has no geometry")
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            member[i, tree.query(geom, predicate="intersects")] = True
            area.append("polygon")
        elif network is not None:
            if snapped is None:
                snapped = snapped_positions(incidents, network)
            member[i] = _network_within(network, geom, radii[i], *snapped)
            area.append("radius_network")
        else:
            member[i, tree.query(geom, predicate="dwithin", distance=radii[i])] = True
            area.append("radius_euclidean")
    return member, area


def monthly_counts(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    radius_m: float | None = None,
    network: StreetNetwork | None = None,
    categories: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Incidents per calendar month, one column per place plus ``"Övriga kommunen"`` (the rest of the town).

    The index is the first day of each month (tz-naive), with no gaps between the first and the last month.
    """
    inc, _ = _usable_incidents(incidents, network)
    if categories is not None:
        inc = inc[inc[schema.CATEGORY].astype(str).isin(list(categories))]
    pl = _places_metric(places, inc.crs)
    member, _ = place_membership(inc, pl, radius_m=radius_m, network=network)
    if len(inc) == 0:
        return pd.DataFrame(columns=[*map(str, pl[schema.NAME]), TOWN_LABEL], dtype=int)
    when = inc[schema.OCCURRED_AT]
    month = (when.dt.tz_localize(None) if when.dt.tz is not None else when).dt.to_period("M")
    full = pd.period_range(month.min(), month.max(), freq="M")
    cols = {}
    for i, name in enumerate(pl[schema.NAME].astype(str)):
        cols[name] = month[member[i]].value_counts().reindex(full, fill_value=0)
    cols[TOWN_LABEL] = month[~member.any(axis=0)].value_counts().reindex(full, fill_value=0)
    out = pd.DataFrame(cols, index=full).astype(int)
    out.index = full.to_timestamp()
    out.index.name = "month"
    return out


def plot_monthly(
    incidents: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    promise_date: Any,
    radius_m: float | None = None,
    network: StreetNetwork | None = None,
    categories: Sequence[str] | None = None,
    ncols: int = 3,
    lang: Literal["sv", "en"] | None = None,
) -> Figure:
    """Small multiples: monthly incident counts per place, the promise date marked, the town's trend scaled.

    Returns a ``matplotlib.figure.Figure`` drawn with the Agg backend (no window, no global pyplot state);
    save it with ``fig.savefig(path)``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> t = pd.date_range("2023-01-01", "2024-12-31", freq="5D")
    >>> inc = gpd.GeoDataFrame({"occurred_at": t, "category": "stöld"}, geometry=[Point(5, 5)] * len(t),
    ...                        crs="EPSG:3006")
    >>> pl = gpd.GeoDataFrame({"name": ["Torget"]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:3006")
    >>> fig = plot_monthly(inc, pl, promise_date="2024-01-01")
    >>> [ax.get_title() for ax in fig.axes if ax.get_visible()]
    ['Torget']
    """
    from trygghet_geo.output._charts import small_multiples

    counts = monthly_counts(incidents, places, radius_m=radius_m, network=network, categories=categories)
    return small_multiples(
        counts, town_column=TOWN_LABEL, promise_date=pd.Timestamp(promise_date), ncols=ncols, lang=lang
    )


def months_text(months: set[int] | Sequence[int]) -> str:
    """Swedish text for a set of months: ``{1, 2, 3}`` → ``"jan–mar"``, all twelve → ``"hela året"``."""
    ms = sorted(set(months))
    if len(ms) == 12:
        return "hela året"
    runs: list[list[int]] = []
    for m in ms:
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    parts = [
        MONTHS_SV[r[0] - 1] if len(r) == 1 else f"{MONTHS_SV[r[0] - 1]}–{MONTHS_SV[r[-1] - 1]}" for r in runs
    ]
    return ", ".join(parts)


# --- statistics
def _rr(a0: int, a1: int, t0: float, t1: float) -> float:
    if a0 == 0:
        return math.inf if a1 > 0 else math.nan
    return (a1 / t1) / (a0 / t0)


def _pct(rr: float) -> float:
    return 100.0 * (rr - 1.0) if math.isfinite(rr) else (math.inf if rr == math.inf else math.nan)


def _place_change(a0: int, a1: int, t0: float, t1: float, alpha: float) -> dict[str, float]:
    """Rate ratio after/before with an exact conditional (Clopper–Pearson) interval, as percent change."""
    from scipy.stats import binomtest

    rr = _rr(a0, a1, t0, t1)
    n = a0 + a1
    if n == 0:
        return {schema.CHANGE_PCT: math.nan, schema.CI_LOW: math.nan, schema.CI_HIGH: math.nan}
    ci = binomtest(a1, n).proportion_ci(confidence_level=1 - alpha, method="exact")

    def to_rr(p: float) -> float:
        return math.inf if p >= 1 else (p / (1 - p)) * (t0 / t1)

    return {
        schema.CHANGE_PCT: _pct(rr),
        schema.CI_LOW: _pct(to_rr(ci.low)),
        schema.CI_HIGH: _pct(to_rr(ci.high)),
    }


def _did(a0: int, a1: int, c0: int, c1: int, alpha: float, method: str) -> dict[str, float]:
    """Ratio of rate ratios place/town with its interval and two-sided p-value (see the module docstring)."""
    if a0 + a1 == 0 or c0 + c1 == 0:
        return {
            schema.DID_RATIO: math.nan,
            schema.DID_CI_LOW: math.nan,
            schema.DID_CI_HIGH: math.nan,
            schema.P_VALUE: 1.0,
        }
    num, den = a1 * c0, a0 * c1
    ratio = math.nan if num == den == 0 else (math.inf if den == 0 else num / den)
    if method == "exact":
        from scipy.stats import fisher_exact
        from scipy.stats.contingency import odds_ratio

        table = np.array([[a1, a0], [c1, c0]])
        ci = odds_ratio(table, kind="conditional").confidence_interval(confidence_level=1 - alpha)
        p = float(fisher_exact(table, alternative="two-sided").pvalue)
        lo, hi = float(ci.low), float(ci.high)
    else:
        from scipy.stats import norm

        cells = np.array([a0, a1, c0, c1], float)
        if (cells == 0).any():
            cells += 0.5
        log_r = math.log(cells[1] * cells[2] / (cells[0] * cells[3]))
        se = math.sqrt(float((1 / cells).sum()))
        z = float(norm.ppf(1 - alpha / 2))
        lo, hi = math.exp(log_r - z * se), math.exp(log_r + z * se)
        p = float(2 * norm.sf(abs(log_r) / se))
        ratio = math.exp(log_r)
    return {
        schema.DID_RATIO: ratio,
        schema.DID_CI_LOW: lo,
        schema.DID_CI_HIGH: hi,
        schema.P_VALUE: min(1.0, p),
    }


def _dispersion(
    month: np.ndarray, before: np.ndarray, after: np.ndarray, bins: tuple[pd.Series, pd.Series]
) -> float:
    """Over-dispersion of monthly counts about a constant rate in each period: Pearson X² / (months − 2),
    at least 1 (1 when there are too few months to tell)."""
    x2, months = 0.0, 0
    for mask, days in zip((before, after), bins, strict=True):
        observed = pd.Series(month[mask]).value_counts().reindex(days.index, fill_value=0).to_numpy(float)
        expected = observed.sum() / days.sum() * days.to_numpy()
        used = expected > 0
        x2 += float(((observed[used] - expected[used]) ** 2 / expected[used]).sum())
        months += int(used.sum())
    df = months - 2
    return max(1.0, x2 / df) if df >= 1 else 1.0


def _dispersed_p(p: float, counts: tuple[int, int, int, int], phi_place: float, phi_town: float) -> float:
    """``p`` with its z-score divided by the square root of the effective dispersion of log R (see the
    module docstring); ``p`` itself when neither count is over-dispersed."""
    if not math.isfinite(p) or (phi_place <= 1.0 and phi_town <= 1.0):
        return p
    from scipy.stats import norm

    a0, a1, c0, c1 = (c + 0.5 if 0 in counts else float(c) for c in counts)
    place, town = 1 / a0 + 1 / a1, 1 / c0 + 1 / c1
    effective = (phi_place * place + phi_town * town) / (place + town)
    z = float(norm.isf(p / 2))
    return min(1.0, float(2 * norm.sf(z / math.sqrt(effective))))


# --- periods
def _parse_period(value: PeriodLike, arg: str, inc: pd.DataFrame) -> _Period:
    from trygghet_geo import _validate

    tz = getattr(inc[schema.OCCURRED_AT].dt, "tz", None)
    return _Period(*_validate.period_of_events(arg, value, tz))


def _common_months(before: _Period, after: _Period, season_aware: bool) -> set[int]:
    if not season_aware:
        return set(range(1, 13))
    months = before.months() & after.months()
    if not months:
        raise ParameterError(
            f"before ({before.start.date()}–{before.end.date()}) and after ({after.start.date()}–"
            f"{after.end.date()}) share no month of the year; choose periods covering the same months "
            "(e.g. the same months one year apart) or pass season_aware=False"
        )
    return months


def _within(when: pd.Series, period: _Period) -> np.ndarray:
    return np.asarray(((when >= period.start) & (when < period.end)).to_numpy(), dtype=bool)


# --- inputs
def _usable_incidents(
    incidents: gpd.GeoDataFrame, network: StreetNetwork | None
) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Incidents that can be counted (status ok, located, dated), metric CRS; the rest counted by reason."""
    import geopandas as gpd

    from trygghet_geo import _validate

    if not isinstance(incidents, gpd.GeoDataFrame):
        raise SchemaError(f"incidents must be a GeoDataFrame, got {type(incidents).__name__}")
    _validate.network("network", network, allow_none=True)
    incidents = _validate.event_times("incidents", incidents)  # pyarrow or mixed-zone times read as datetimes
    for col in (schema.OCCURRED_AT, schema.CATEGORY):
        if col not in incidents.columns:
            raise SchemaError(f"incidents: missing column {col!r} (have {list(incidents.columns)})")
    when = incidents[schema.OCCURRED_AT]
    if len(incidents) and not pd.api.types.is_datetime64_any_dtype(when):
        raise SchemaError(f"incidents: column {schema.OCCURRED_AT!r} must hold timestamps, got {when.dtype}")
    keep = np.ones(len(incidents), bool)
    left_out: dict[str, int] = {}
    if schema.STATUS in incidents.columns:
        bad = (incidents[schema.STATUS].astype(str) != "ok").to_numpy()
        left_out["status_not_ok"] = int(bad.sum())
        keep &= ~bad
    geom = incidents.geometry
    no_loc = (geom.isna() | geom.is_empty).to_numpy() & keep
    left_out["no_location"] = int(no_loc.sum())
    no_date = when.isna().to_numpy() & keep & ~no_loc
    left_out["no_date"] = int(no_date.sum())
    keep &= ~no_loc & ~no_date
    inc = incidents[keep]
    from trygghet_geo.crs import align_crs

    inc = align_crs(inc, _target_crs(incidents, network), what="the incidents")
    if any(left_out.values()):
        logger.info("follow-up leaves out %s incident rows: %s", sum(left_out.values()), left_out)
    return inc, {k: v for k, v in left_out.items() if v}


def _target_crs(gdf: gpd.GeoDataFrame, network: StreetNetwork | None) -> Any:
    """The network's CRS, else the metric CRS of the incidents (a projected frame keeps its own)."""
    from trygghet_geo.crs import metric_crs_of

    return network.crs if network is not None else metric_crs_of(gdf, keep_metric=True)


def _places_metric(places: gpd.GeoDataFrame, crs: Any) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not isinstance(places, gpd.GeoDataFrame):
        raise SchemaError(f"places must be a GeoDataFrame, got {type(places).__name__}")
    if schema.NAME not in places.columns:
        raise SchemaError(f"places: missing column 'name' (have {list(places.columns)})")
    if places.crs is None:
        from trygghet_geo.errors import CRSError

        raise CRSError("places have no CRS; set one with .set_crs(...)")
    return places.to_crs(crs)


def _radii(places: gpd.GeoDataFrame, radius_m: float | None) -> np.ndarray:
    from trygghet_geo import _validate

    radius_m = _validate.metres("radius_m", radius_m, allow_none=True)
    col = places["radius_m"].to_numpy(float) if "radius_m" in places.columns else np.full(len(places), np.nan)
    if radius_m is not None:
        col = np.where(np.isnan(col), float(radius_m), col)
    is_point = np.array(
        [g is not None and g.geom_type in ("Point", "MultiPoint") for g in places.geometry], dtype=bool
    )
    bad = is_point & ~(col > 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"places: row {i + 1} ({places['name'].iloc[i]!r}) is a point and needs a radius > 0 "
            f"(a 'radius_m' column or the radius_m argument), got {col[i]!r}"
        )
    return col


# --- along-the-street distances
def _network_within(
    network: StreetNetwork, point: Any, radius: float, eid: np.ndarray, off: np.ndarray
) -> np.ndarray:
    edge_id, offset = snap_one(network, point)
    return np.asarray(np.isfinite(distances_along_streets(network, edge_id, offset, eid, off, radius)))


def snap_one(network: StreetNetwork, point: Any, *, max_snap_m: float = 250.0) -> tuple[int, float]:
    """Nearest edge of one point (in the network's CRS) and the offset along it."""
    import geopandas as gpd

    s = snap_points(gpd.GeoSeries([point], crs=network.crs), network, max_snap_m=max_snap_m)
    if not s[schema.EDGE_ID].iloc[0] >= 0:
        raise InputError(
            f"place at {point.wkt} is farther than {max_snap_m} m from every street of the network"
        )
    return int(s[schema.EDGE_ID].iloc[0]), float(s[schema.EDGE_OFFSET_M].iloc[0])


def _category_order(cats: np.ndarray) -> list[str]:
    present = set(cats.tolist())
    known = [c for c in schema.INCIDENT_CATEGORIES if c in present]
    return known + sorted(present - set(known))
