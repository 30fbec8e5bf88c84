"""Plumbing of :mod:`trygghet_geo.plan`: the follow-up of each measure of the register at its place
(:func:`followup_plan`, re-exported by ``plan``), and how a place name of the register is matched."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._typing import Period
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = [
    "FOLLOWUP_COLUMNS",
    "RESULTS",
    "base_name",
    "followup_plan",
    "followup_table",
    "place_key",
    "result_text",
]

FOLLOWUP_COLUMNS = (
    "row",
    "place",
    "measure",
    "responsible",
    "status",
    "goal",
    "goal_change_pct",
    "goal_category",
    "before_start",
    "before_end",
    "after_start",
    "after_end",
    "n_before",
    "n_after",
    "change_pct",
    "ci_low",
    "ci_high",
    "town_change_pct",
    "did_ratio",
    "p_value_dispersed",
    "improved",
    "goal_met",
    "result",
)
"""Columns of :func:`followup_plan`."""
RESULTS = (
    "goal_met",
    "improved_short_of_goal",
    "goal_not_met",
    "not_measurable",
    "not_started",
    "no_history",
)
"""Codes of :func:`followup_plan`'s ``result`` (text: ``trygghet_geo._text.text("plan.result.<code>")``)."""


def place_key(text: object) -> str:
    """A place name for matching: case, accents kept apart from spacing (``" Kajsaniemi  parken"``)."""
    return " ".join(str(text).split()).casefold()


def base_name(name: str) -> str:
    """A ranked place's name without the ``(2)`` the ranking adds when two places share a name."""
    return re.sub(r"\s*\(\d+\)$", "", name)


# --- follow-up ----------------------------------------------------------------------------------------------
def followup_plan(
    plan: pd.DataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    places: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
    network: StreetNetwork | None = None,
    alpha: float = 0.05,
    data_period: Period | None = None,
) -> pd.DataFrame:
    """Follow up each measure of the register at its place against the rest of the town.

    Parameters
    ----------
    plan : DataFrame
        The register as :func:`read_plan` returns it.
    incidents : GeoDataFrame
        The canonical incidents (an analysis' ``incidents``); the street-located rows with status ``ok``
        are counted.
    places : GeoDataFrame, optional
        The ranked places (polygons with ``name`` and ``rank``); a row naming a place uses the union of the
        places of that name (a park the ranking split in two, ``X`` and ``X (2)``, is one place).
    areas : GeoDataFrame, optional
        The areas table (:func:`trygghet_geo.areas.read_areas`) for rows naming an area.
    data_period : (start, end), optional
        The days the incident data cover (inclusive); default from the first to the last incident's day. A
        measure's before period must lie in them (31 days of slack at the start, since the first incident
        rarely falls on the first day): else its result is ``no_history``.
    network : StreetNetwork, optional
        Passed to compare_periods (polygons need none).
    alpha : float
        Level of the tests and intervals.

    Returns
    -------
    DataFrame
        One row per measure, in the register's order: ``row``, ``place``, ``measure``, ``responsible``,
        ``status``, ``goal``, ``goal_change_pct``, ``goal_category``, ``before_start``, ``before_end``,
        ``after_start``, ``after_end`` (inclusive dates), ``n_before``, ``n_after``, ``change_pct``,
        ``ci_low``, ``ci_high``, ``town_change_pct``, ``did_ratio``, ``p_value_dispersed``, ``improved``
        (bool), ``goal_met`` (bool; False when not measurable or not followed up), ``result`` (a code of
        :data:`RESULTS`: ``goal_met``, ``improved_short_of_goal``, ``goal_not_met``, ``not_measurable``,
        ``not_started``, ``no_history``). Numbers are NaN where the measure was not followed up.

    Examples
    --------
    >>> import geopandas as gpd, numpy as np, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> days = np.r_[np.arange(0, 365, 3), np.arange(365, 730, 9), np.arange(0, 730, 2)]
    >>> where = [Point(5, 5)] * (122 + 41) + [Point(500, 5)] * 365
    >>> inc = gpd.GeoDataFrame({"occurred_at": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
    ...                         "category": "stöld"}, geometry=where, crs="EPSG:3006")
    >>> parken = gpd.GeoDataFrame({"name": ["Parken"], "rank": [1]}, geometry=[box(0, 0, 10, 10)],
    ...                           crs="EPSG:3006")
    >>> plan = pd.DataFrame({"row": [2], "place": ["Parken"], "measure": ["Belysning"], "responsible": ["X"],
    ...                      "status": ["genomförd"], "goal": ["minska 30 %"], "goal_change_pct": [-30.0],
    ...                      "goal_category": [None], "start_date": [pd.Timestamp("2025-01-01")],
    ...                      "followup_date": [pd.Timestamp("2025-12-31")]})
    >>> r = followup_plan(plan, inc, places=parken).iloc[0]
    >>> int(r.n_before), int(r.n_after), round(r.change_pct), r.result
    (122, 40, -67, 'goal_met')
    """
    from trygghet_geo import _validate
    from trygghet_geo.followup import compare_periods

    _validate.probability("alpha", alpha)
    _validate.network("network", network, allow_none=True)
    if data_period is not None:
        data_period = _validate.period("data_period", data_period)
    inc = _street_located(_validate.event_times("incidents", _validate.table("incidents", incidents)))
    when = inc[schema.OCCURRED_AT]
    if data_period is None:
        first, last = _naive(when.min()).normalize(), _naive(when.max()).normalize()
        first -= pd.Timedelta(days=31)
    else:
        first, last = (_naive(t).normalize() for t in data_period)
    rows = []
    for _, m in plan.iterrows():
        row: dict[str, Any] = {c: m.get(c) for c in FOLLOWUP_COLUMNS if c in plan.columns}
        row.update(dict.fromkeys(FOLLOWUP_COLUMNS[8:20], math.nan))
        row.update({"improved": False, "goal_met": False})
        periods = _periods(m["start_date"], m["followup_date"], last)
        if periods is None:
            row["result"] = "not_started"
        elif periods[0][0] < first:
            row["result"] = "no_history"
            row.update(dict(zip(FOLLOWUP_COLUMNS[8:12], (*periods[0], *periods[1]), strict=True)))
        else:
            geom = _place_geometry(str(m["place"]), places, areas, inc.crs)
            cats = [m["goal_category"]] if isinstance(m.get("goal_category"), str) else None
            r = compare_periods(
                inc, geom, before=periods[0], after=periods[1], network=network, categories=cats, alpha=alpha
            ).iloc[0]
            row.update(dict(zip(FOLLOWUP_COLUMNS[8:12], (*periods[0], *periods[1]), strict=True)))
            row.update({c: r[c] for c in FOLLOWUP_COLUMNS[12:20]})
            row["improved"] = bool(r["improved"])
            row["goal_met"], row["result"] = _goal_result(m["goal_change_pct"], r, alpha)
        rows.append(row)
    return pd.DataFrame(rows, columns=list(FOLLOWUP_COLUMNS))


def _naive(t: Any) -> pd.Timestamp:
    t = pd.Timestamp(t)
    return t.tz_localize(None) if t.tzinfo is not None else t


def _street_located(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    for col in (schema.OCCURRED_AT, schema.CATEGORY):
        if col not in incidents.columns:
            raise InputError(f"incidents: missing column {col!r}")
    keep = np.ones(len(incidents), bool)
    if schema.STATUS in incidents.columns:
        keep &= (incidents[schema.STATUS] == "ok").to_numpy()
    if schema.PRECISION in incidents.columns:
        keep &= incidents[schema.PRECISION].isin(list(schema.STREET_PRECISION)).to_numpy()
    keep &= incidents[schema.OCCURRED_AT].notna().to_numpy()
    inc = incidents[keep]
    if len(inc) == 0:
        raise InputError("incidents: no street-located incident with a date to follow up")
    return inc


def _periods(start: Any, follow: Any, last: pd.Timestamp) -> tuple[tuple[Any, Any], tuple[Any, Any]] | None:
    """(before, after) as inclusive (start, end) dates; None when the measure has not started in the data."""
    if pd.isna(start) or start > last:
        return None
    end = last if pd.isna(follow) else min(pd.Timestamp(follow), last)
    if end < start:
        return None
    if end - start <= pd.Timedelta(days=366) and end < start + pd.DateOffset(years=1):
        before = (start - pd.DateOffset(years=1), end - pd.DateOffset(years=1))
    else:
        span = end - start
        before = (start - span - pd.Timedelta(days=1), start - pd.Timedelta(days=1))
    return (pd.Timestamp(before[0]), pd.Timestamp(before[1])), (pd.Timestamp(start), pd.Timestamp(end))


def _place_geometry(
    place: str, places: gpd.GeoDataFrame | None, areas: gpd.GeoDataFrame | None, crs: Any
) -> gpd.GeoDataFrame:
    import geopandas as gpd

    key = place_key(place)
    geoms = []
    if places is not None and len(places):
        names = places["name"].astype(str)
        # a writable copy: a rank ("#1") adds to it below
        hit = np.array(names.map(lambda n: place_key(base_name(n)) == key or place_key(n) == key), dtype=bool)
        if key.startswith("#") and "rank" in places.columns:
            hit |= (places["rank"].astype(str) == key[1:].strip()).to_numpy()
        if hit.any():
            geoms = list(places[hit].to_crs(crs).geometry)
    if not geoms and areas is not None and len(areas):
        hit = (areas["area_id"].astype(str).map(place_key) == key) | (
            areas["area_name"].astype(str).map(place_key) == key
        )
        if hit.any():
            geoms = list(areas[hit.to_numpy()].to_crs(crs).geometry)
    if not geoms:
        raise InputError(f"measures register: the place {place!r} is neither a ranked place nor an area")
    import shapely

    return gpd.GeoDataFrame({"name": [place]}, geometry=[shapely.union_all(geoms)], crs=crs)


def _goal_result(target: float, r: pd.Series, alpha: float) -> tuple[bool, str]:
    change = float(r["change_pct"])
    if not math.isfinite(target):
        return False, "not_measurable"
    if target < 0:
        better = bool(r["improved"])
        reached = math.isfinite(change) and change <= target
    else:
        ratio, p = float(r["did_ratio"]), float(r["p_value_dispersed"])
        better = math.isfinite(ratio) and ratio > 1 and p < alpha
        reached = math.isfinite(change) and change >= target
    if better and reached:
        return True, "goal_met"
    return False, "improved_short_of_goal" if better else "goal_not_met"


def result_text(code: str, lang: str | None = None) -> str:
    """The sentence of a follow-up ``result`` code in the reader's language.

    >>> result_text("goal_met"), result_text("goal_not_met", "en")
    ('Målet nått', 'Goal not met')
    """
    from trygghet_geo import _validate
    from trygghet_geo._text import text

    code = _validate.choice("code", code, RESULTS)  # a follow-up result, any case
    return text(f"plan.result.{code}", lang)


def followup_table(
    followup: pd.DataFrame,
    *,
    privacy: str = "shared",
    k: int | None = None,
    lang: str | None = None,
) -> pd.DataFrame:
    """The per-measure follow-up as a table for people (headers and result in the reader's language).

    In the shared mode (default) a measure's counts before and after are shown both or neither (neither
    when one is 1..k-1: :func:`trygghet_geo._kgate_linked.shared_measures`, the follow-up report's rule),
    and a hidden count is an empty cell, as in every shared data file (``_kgate.HIDDEN`` is the documents'
    mark); the change goes with them. Text passes the redactor.

    >>> row = {"row": 2, "place": "Parken", "measure": "Belysning", "responsible": "X", "status": "pågår",
    ...        "goal": "-20 %", "before_start": None, "before_end": None, "after_start": None,
    ...        "after_end": None, "n_before": 12, "n_after": 3, "change_pct": -75.0, "improved": False,
    ...        "result": "goal_not_met"}
    >>> followup_table(pd.DataFrame([row]))[["Händelser efter", "Förändring (%)", "Resultat"]].values.tolist()
    [['', '', 'Målet inte nått']]
    """
    from trygghet_geo._kgate import DEFAULT_K, check_gate
    from trygghet_geo._kgate_linked import shared_measures
    from trygghet_geo._text import resolve_lang
    from trygghet_geo.output.privacy import redact

    k = DEFAULT_K if k is None else k
    check_gate(privacy, k, 100.0)
    sv = resolve_lang(lang) == "sv"
    shared = privacy == "shared"

    def count(v: Any) -> Any:
        if not isinstance(v, int | float) or math.isnan(v):
            return ""
        return int(v)

    def text(v: Any) -> Any:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        return redact(str(v)) if shared else v

    def day(t: Any) -> str:
        return "" if pd.isna(t) else f"{pd.Timestamp(t):%Y-%m-%d}"

    if shared:
        followup = shared_measures(followup, k=k)
    rows = []
    for _, r in followup.iterrows():
        change = "" if not math.isfinite(float(r["change_pct"])) else round(float(r["change_pct"]))
        rows.append(
            {
                ("Rad" if sv else "Row"): r["row"],
                ("Plats" if sv else "Place"): text(r["place"]),
                ("Åtgärd" if sv else "Measure"): text(r["measure"]),
                ("Ansvarig" if sv else "Responsible"): text(r["responsible"]),
                "Status": r["status"],
                ("Mätbart mål" if sv else "Goal"): text(r["goal"]),
                ("Före" if sv else "Before"): f"{day(r['before_start'])}–{day(r['before_end'])}".strip("–"),
                ("Efter" if sv else "After"): f"{day(r['after_start'])}–{day(r['after_end'])}".strip("–"),
                ("Händelser före" if sv else "Incidents before"): count(r["n_before"]),
                ("Händelser efter" if sv else "Incidents after"): count(r["n_after"]),
                ("Förändring (%)" if sv else "Change (%)"): change,
                ("Förbättrad mot kommunen" if sv else "Improved against the town"): (
                    ("ja" if sv else "yes") if bool(r["improved"]) else ""
                ),
                ("Resultat" if sv else "Result"): result_text(str(r["result"]), "sv" if sv else "en"),
            }
        )
    return pd.DataFrame(rows)
