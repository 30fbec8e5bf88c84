"""The figures of the lägesbild: every number the document shows, computed here from the run's tables.

The document (:mod:`trygghet_geo.output._lagesbild`) renders only what :func:`lagesbild_figures` returns;
no number is written into a template. Each table is a plain :class:`pandas.DataFrame` of numbers and codes
(no formatting, no ``"<k"``): the shared-mode masking and the Swedish wording happen when the document is
built, so a test can recompute every figure from the analysis and compare it with what the document shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import ParameterError

if TYPE_CHECKING:
    from trygghet_geo.output._source import AnalysisLike

__all__ = [
    "LagesbildFigures",
    "counts_by_period",
    "extent_by_category",
    "lagesbild_figures",
    "precision_counts",
    "problem_list",
    "remarks_by_topic",
    "year_windows",
]


CONFIDENCE = 0.95
"""Level of the exact intervals of a change between two periods."""


@dataclass(frozen=True)
class LagesbildFigures:
    """Every figure of one lägesbild (tables of numbers and codes; see :func:`lagesbild_figures`).

    Attributes
    ----------
    totals : dict
        ``n_rows`` (incident rows read), ``n_duplicates``, ``n_incidents`` (rows counted: all but
        duplicates), ``n_dated``, ``n_clustered`` (placed on the streets and clustered), ``n_observations``,
        ``n_remarks_used``, ``n_hotspots``, ``n_places`` (ranked places a shared output may show),
        ``n_significant``, ``first_month`` / ``last_month`` (``YYYY-MM``), ``months`` (months covered);
        with a follow-up table also ``n_measures``, ``n_goals_met``, ``n_measures_improved``.
    by_category : DataFrame
        One row per incident category: ``category``, ``n``, ``share_pct``, ``n_previous`` and ``n_last``
        (the two 12-month windows of :func:`year_windows`), ``change_pct``, ``ci_low``, ``ci_high``.
    by_period : DataFrame
        Incidents per quarter (rows, ``YYYY-Qn``) and category (columns), with a ``total`` column.
    by_month : DataFrame
        Incidents per month (rows, month start) and category (columns), for the chart.
    places : DataFrame
        The prioritised problems (:func:`problem_list`).
    remarks : DataFrame
        Safety-walk remarks by topic (:func:`remarks_by_topic`).
    precision : DataFrame
        Incident rows per precision tier (:func:`precision_counts`).
    left_out : DataFrame
        ``kind`` (``"incidents"``/``"observations"``), ``reason`` (code), ``n``.
    windows : dict
        ``previous`` and ``last``: (first month, last month, months covered by the data).
    extra : dict
        Tables of the optional inputs (areas, plan, follow-up, reference, survey, previous run), each a
        DataFrame, present only when given.
    """

    totals: dict[str, Any]
    by_category: pd.DataFrame
    by_period: pd.DataFrame
    by_month: pd.DataFrame
    places: pd.DataFrame
    remarks: pd.DataFrame
    precision: pd.DataFrame
    left_out: pd.DataFrame
    windows: dict[str, tuple[str, str, int]]
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)


# --- time --------------------------------------------------------------------------------------------------
def _local_months(when: pd.Series) -> pd.Series:
    """Each timestamp's calendar month (``Period[M]``) in its own wall-clock time; NaT stays NaT."""
    t = pd.to_datetime(when, errors="coerce")
    if getattr(t.dt, "tz", None) is not None:
        t = t.dt.tz_localize(None)
    return t.dt.to_period("M")


def _ordinal(p: pd.Period) -> int:
    return int(p.year) * 12 + int(p.month) - 1


def _ordinals(months: pd.Series) -> np.ndarray:
    """Months as integers (year * 12 + month - 1); -1 for NaT, which no window holds."""
    if len(months) == 0:
        return np.empty(0, dtype=np.int64)
    year = months.dt.year.to_numpy(dtype=float, na_value=np.nan)
    month = months.dt.month.to_numpy(dtype=float, na_value=np.nan)
    out = year * 12 + month - 1
    return np.where(np.isnan(out), -1, out).astype(np.int64)


def year_windows(first: pd.Period, last: pd.Period) -> dict[str, tuple[pd.Period, pd.Period, int]]:
    """The last 12 months of the data and the 12 before them, each with the months the data covers.

    Examples
    --------
    >>> w = year_windows(pd.Period("2024-11", "M"), pd.Period("2026-10", "M"))
    >>> [(str(a), str(b), n) for a, b, n in w.values()]
    [('2024-11', '2025-10', 12), ('2025-11', '2026-10', 12)]
    >>> year_windows(pd.Period("2025-06", "M"), pd.Period("2026-10", "M"))["previous"][2]
    5
    """
    last_start = last - 11
    prev_end, prev_start = last_start - 1, last_start - 12

    def covered(a: pd.Period, b: pd.Period) -> int:
        lo, hi = max(a, first), min(b, last)
        return max(0, int((hi - lo).n) + 1)

    return {
        "previous": (prev_start, prev_end, covered(prev_start, prev_end)),
        "last": (last_start, last, covered(last_start, last)),
    }


def _change(n_prev: int, n_last: int, months_prev: int, months_last: int) -> dict[str, float]:
    """Rate change last/previous window as percent with its exact (Clopper–Pearson) 95 % interval."""
    from trygghet_geo.followup import _place_change  # the one exact rate-ratio interval of the toolkit

    if months_prev == 0 or months_last == 0:
        return {"change_pct": math.nan, "ci_low": math.nan, "ci_high": math.nan}
    return _place_change(n_prev, n_last, float(months_prev), float(months_last), 1.0 - CONFIDENCE)


# --- 1 Kartläggning ---------------------------------------------------------------------------------------
def counted_incidents(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incident rows a lägesbild counts: every row read except duplicates of another row.

    A row left out of the clustering for its place (uncertain geocoding, no place) is still a reported
    offence in the town, so it counts in the town's extent; only the place-based parts need a place.
    """
    if schema.REASON not in incidents.columns:
        return incidents
    return incidents[incidents[schema.REASON].astype(str).to_numpy() != "duplicate"]


def extent_by_category(
    incidents: pd.DataFrame, *, first: pd.Period | None = None, last: pd.Period | None = None
) -> tuple[pd.DataFrame, dict[str, tuple[pd.Period, pd.Period, int]]]:
    """Incidents by category: count, share of all, and the last 12 months against the 12 before.

    Parameters
    ----------
    incidents : DataFrame
        With ``category`` and ``occurred_at`` (duplicates should already be removed).
    first, last : Period, optional
        The data's first and last month (default: from the dated rows).

    Returns
    -------
    (DataFrame, dict)
        The table (categories in the schema's order, then any other; every schema category present, with 0;
        last the row ``total`` of all categories) and the windows of :func:`year_windows`.

    Examples
    --------
    >>> inc = pd.DataFrame({"category": ["stöld"] * 3 + ["våld"],
    ...                     "occurred_at": pd.to_datetime(["2024-01-05", "2025-01-05", "2025-02-01",
    ...                                                    "2025-03-01"])})
    >>> table, w = extent_by_category(inc, first=pd.Period("2024-01", "M"), last=pd.Period("2025-12", "M"))
    >>> t = table.set_index("category")
    >>> t.loc[["stöld", "våld", "narkotika", "total"], ["n", "n_previous", "n_last"]].values.tolist()
    [[3, 1, 2], [1, 0, 1], [0, 0, 0], [4, 1, 3]]
    """
    cats = incidents[schema.CATEGORY].astype(str).to_numpy() if len(incidents) else np.array([], str)
    months = (
        _local_months(incidents[schema.OCCURRED_AT]) if len(incidents) else pd.Series([], dtype="period[M]")
    )
    dated = months.dropna()
    if first is None or last is None:
        if dated.empty:
            first = last = pd.Period(pd.Timestamp("1970-01-01"), "M")
        else:
            first, last = first or dated.min(), last or dated.max()
    windows = year_windows(first, last)
    order = list(schema.INCIDENT_CATEGORIES) + sorted(set(cats) - set(schema.INCIDENT_CATEGORIES))
    total = len(cats)
    rows = []
    ordinal = _ordinals(months)
    in_prev = (ordinal >= _ordinal(windows["previous"][0])) & (ordinal <= _ordinal(windows["previous"][1]))
    in_last = (ordinal >= _ordinal(windows["last"][0])) & (ordinal <= _ordinal(windows["last"][1]))
    for c in order:
        mine = cats == c
        n_prev, n_last = int((mine & in_prev).sum()), int((mine & in_last).sum())
        n = int(mine.sum())
        row = {
            "category": c,
            "n": n,
            "share_pct": 100.0 * n / total if total else math.nan,
            "n_previous": n_prev,
            "n_last": n_last,
        }
        row.update(_change(n_prev, n_last, windows["previous"][2], windows["last"][2]))
        rows.append(row)
    n_prev, n_last = int(in_prev.sum()), int(in_last.sum())
    row = {"category": "total", "n": total, "share_pct": 100.0 if total else math.nan}
    row |= {"n_previous": n_prev, "n_last": n_last}
    rows.append(row | _change(n_prev, n_last, windows["previous"][2], windows["last"][2]))
    return pd.DataFrame(rows), windows


def counts_by_period(incidents: pd.DataFrame, freq: str = "Q") -> pd.DataFrame:
    """Dated incidents per period (``"Q"`` quarter or ``"M"`` month) and category, every period between the
    first and last one present (0 where none), categories in the schema's order, and a ``total`` column.

    Examples
    --------
    >>> inc = pd.DataFrame({"category": ["stöld", "våld", "stöld"],
    ...                     "occurred_at": pd.to_datetime(["2025-01-05", "2025-08-01", None])})
    >>> counts_by_period(inc)[["stöld", "våld", "total"]].values.tolist()
    [[1, 0, 1], [0, 0, 0], [0, 1, 1]]
    """
    months = (
        _local_months(incidents[schema.OCCURRED_AT]) if len(incidents) else pd.Series([], dtype="period[M]")
    )
    keep = months.notna().to_numpy()
    cats = incidents[schema.CATEGORY].astype(str).to_numpy()[keep]
    periods = months[keep].dt.asfreq(freq) if freq != "M" else months[keep]
    order = list(schema.INCIDENT_CATEGORIES) + sorted(set(cats) - set(schema.INCIDENT_CATEGORIES))
    if periods.empty:
        return pd.DataFrame(columns=[*order, "total"], dtype=np.int64)
    index = pd.period_range(periods.min(), periods.max(), freq=periods.dt.freq)
    table = pd.crosstab(periods.to_numpy(), cats).reindex(index=index, columns=order, fill_value=0)
    table = table.fillna(0).astype(np.int64)
    table["total"] = table.sum(axis=1)
    table.index.name = "period"
    table.columns.name = None
    return table


def precision_counts(incidents: pd.DataFrame) -> pd.DataFrame:
    """Incident rows per precision tier (finest first, every tier listed) and rows with none.

    >>> t = precision_counts(pd.DataFrame({"precision": ["exact", "exact", "street", None]}))
    >>> t.query("n > 0").values.tolist()
    [['exact', 2], ['street', 1], ['', 1]]
    """
    tiers = incidents[schema.PRECISION].astype(str).fillna("") if schema.PRECISION in incidents else None
    counts = tiers.value_counts() if tiers is not None else pd.Series(dtype=np.int64)
    rows = [(t, int(counts.get(t, 0))) for t in schema.PRECISION_TIERS]
    rows += [(str(t), int(n)) for t, n in counts.items() if t not in schema.PRECISION_TIERS]
    return pd.DataFrame(rows, columns=["precision", "n"])


# --- 2 Övrig relevant information -------------------------------------------------------------------------
def remarks_by_topic(observations: pd.DataFrame | None, *, top_measures: int = 3) -> pd.DataFrame:
    """Safety-walk remarks per topic: ``n``, ``n_problem`` (tone problem), ``n_resolved`` (status åtgärdad
    or avslutad), and the most frequent suggested measures (``measures``: up to ``top_measures`` distinct
    texts, as written; the document redacts them).

    >>> obs = pd.DataFrame({"category": ["belysning", "belysning", "vegetation"],
    ...                     "measure": ["Byt lampor", "Byt lampor", ""], "remark_tone": ["problem"] * 3})
    >>> remarks_by_topic(obs).query("n > 0")[["topic", "n", "n_problem", "measures"]].values.tolist()
    [['belysning', 2, 2, ['Byt lampor']], ['vegetation', 1, 1, []]]
    """
    cols = ["topic", "n", "n_problem", "n_resolved", "measures"]
    if observations is None or len(observations) == 0:
        return pd.DataFrame([(t, 0, 0, 0, []) for t in schema.OBSERVATION_CATEGORIES], columns=cols)
    cats = observations[schema.CATEGORY].fillna("övrigt").astype(str).to_numpy()
    tone = observations.get(schema.REMARK_TONE, pd.Series("problem", index=observations.index))
    status = observations.get(schema.REMARK_STATUS, pd.Series("", index=observations.index))
    measure = observations.get(schema.MEASURE, pd.Series("", index=observations.index))
    order = list(schema.OBSERVATION_CATEGORIES) + sorted(set(cats) - set(schema.OBSERVATION_CATEGORIES))
    rows = []
    for t in order:
        mine = cats == t
        texts = measure[mine].fillna("").astype(str).str.strip()
        top = list(texts[texts != ""].value_counts().index[:top_measures])
        rows.append(
            (
                t,
                int(mine.sum()),
                int((tone[mine].fillna("problem").astype(str) == "problem").sum()),
                int(status[mine].fillna("").astype(str).isin(list(schema.REMARK_RESOLVED)).sum()),
                top,
            )
        )
    return pd.DataFrame(rows, columns=cols)


# --- 3 Analys ----------------------------------------------------------------------------------------------
_PLACE_COLUMNS = [
    "rank",
    "name",
    "problem",
    "reason",
    "n_incidents",
    "n_6m",
    "trend_6m_pct",
    "n_observations",
    "q_value",
    "significant",
    "stability",
]


def place_problem(row: Mapping[str, Any]) -> str:
    """The problem a ranked place is about: its most frequent incident category, else (a place of remarks
    alone) its most frequent remark topic; ``""`` when it has neither.

    >>> place_problem({"n_stöld": 3, "n_våld": 5, "n_obs_belysning": 9})
    'våld'
    >>> place_problem({"n_stöld": 0, "n_obs_belysning": 2})
    'belysning'
    """
    best = ("", 0)
    for c in schema.INCIDENT_CATEGORIES:
        n = row.get(f"n_{c}", 0)
        if n == n and int(n or 0) > best[1]:
            best = (c, int(n))
    if best[1]:
        return best[0]
    for t in schema.OBSERVATION_CATEGORIES:
        n = row.get(f"n_obs_{t}", 0)
        if n == n and int(n or 0) > best[1]:
            best = (t, int(n))
    return best[0]


def problem_list(
    places: pd.DataFrame,
    hotspots: pd.DataFrame | None = None,
    *,
    k: int = 5,
    shared: bool = True,
    observations: Any = None,
) -> pd.DataFrame:
    """The prioritised problems: the ranked places (in the shared mode only those a shared output may show:
    :func:`~trygghet_geo.output.privacy.shared_places`), in rank order, with the problem each is about
    (:func:`place_problem`), the ranking's reason, counts, trend, q-value, significance and stability, and
    the safety walks' most frequent suggestion inside it (:func:`walk_suggestions`, ``suggestion``)."""
    from trygghet_geo.output.privacy import redact_table, shared_places

    if places is None or len(places) == 0:
        return pd.DataFrame(columns=[*_PLACE_COLUMNS, "suggestion"])
    shown = shared_places(places, hotspots, k=k) if shared else redact_table(places)
    out = pd.DataFrame({c: shown[c] if c in shown.columns else np.nan for c in _PLACE_COLUMNS})
    out["problem"] = [place_problem(r) for r in shown.to_dict("records")]
    out["suggestion"] = walk_suggestions(shown, observations)
    out.index = shown.index
    return out.reset_index(drop=True)


def walk_suggestions(places: Any, observations: Any) -> list[str]:
    """Per place, the measure the safety walks suggested most often for remarks inside the place's polygon
    (``""`` when none did), as typed; the document redacts it.

    >>> import geopandas as gpd
    >>> from shapely.geometry import Point, box
    >>> places = gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10)], crs="EPSG:3006")
    >>> obs = gpd.GeoDataFrame({"measure": ["Byt lampor", "Byt lampor", "Klipp häcken"]},
    ...                        geometry=[Point(1, 1), Point(2, 2), Point(3, 3)], crs="EPSG:3006")
    >>> walk_suggestions(places, obs)
    ['Byt lampor', '']
    """
    import shapely

    n = 0 if places is None else len(places)
    if n == 0 or observations is None or len(observations) == 0 or schema.MEASURE not in observations:
        return [""] * n
    obs = observations.to_crs(places.crs) if places.crs is not None and observations.crs else observations
    text = obs[schema.MEASURE].fillna("").astype(str).str.strip().to_numpy()
    geoms = obs.geometry.to_numpy()
    usable = (text != "") & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    out = []
    for polygon in places.geometry.to_numpy():
        if polygon is None or polygon.is_empty:
            out.append("")
            continue
        inside = usable & shapely.contains_xy(polygon, shapely.get_x(shapely.centroid(geoms)),
                                              shapely.get_y(shapely.centroid(geoms)))  # fmt: skip
        counts = pd.Series(text[inside]).value_counts()
        out.append(str(counts.index[0]) if len(counts) else "")
    return out


# --- the whole -------------------------------------------------------------------------------------------
def left_out_counts(analysis: AnalysisLike) -> pd.DataFrame:
    """Rows left out of the clustering (incidents) and of the ranking (remarks), by reason code."""
    rows = [("incidents", str(c), int(n)) for c, n in (analysis.left_out or {}).items()]
    rows += [
        ("observations", str(c), int(n))
        for c, n in (getattr(analysis, "observations_left_out", {}) or {}).items()
    ]
    return pd.DataFrame(rows, columns=["kind", "reason", "n"])


def lagesbild_figures(
    analysis: AnalysisLike,
    *,
    k: int = 5,
    privacy: str = "shared",
    extra: Mapping[str, pd.DataFrame] | None = None,
) -> LagesbildFigures:
    """Every figure of the lägesbild of ``analysis`` (see :class:`LagesbildFigures`).

    ``extra`` carries the tables of the optional inputs (areas, plan, follow-up, reference data, survey,
    a previous run), computed by their own functions; they are stored as given.
    """
    from trygghet_geo.hotspots._stability import GRID_FACTORS

    inc = counted_incidents(analysis.incidents)
    start, end = _period(analysis, inc)
    table, windows = extent_by_category(inc, first=start, last=end)
    clustered = (
        int((analysis.incidents[schema.EDGE_ID].to_numpy() >= 0).sum())
        if schema.EDGE_ID in analysis.incidents
        else 0
    )
    obs = analysis.observations
    n_obs = 0 if obs is None else len(obs)
    places = problem_list(
        analysis.places,
        analysis.hotspots,
        k=k,
        shared=privacy == "shared",
        observations=analysis.observations,
    )
    months = _local_months(inc[schema.OCCURRED_AT])
    totals: dict[str, Any] = {
        "n_rows": len(analysis.incidents),
        "n_duplicates": len(analysis.incidents) - len(inc),
        "n_incidents": len(inc),
        "n_dated": int(months.notna().sum()),
        "n_clustered": clustered,
        "n_observations": n_obs,
        "n_remarks_used": n_obs - int(sum((getattr(analysis, "observations_left_out", {}) or {}).values())),
        "n_hotspots": len(analysis.hotspots),
        "n_places": len(places),
        "n_significant": int(places["significant"].fillna(False).astype(bool).sum()) if len(places) else 0,
        "first_month": str(start),
        "last_month": str(end),
        "months": (end - start).n + 1,
        "alpha": _alpha(analysis),
        "stability_runs": len(GRID_FACTORS) ** 2 - 1,  # the settings around the one used
    }
    follow = (extra or {}).get("followup")
    if follow is not None:
        totals["n_measures"] = len(follow)
        totals["n_goals_met"] = int(follow["goal_met"].fillna(False).astype(bool).sum())
        totals["n_measures_improved"] = int(follow["improved"].fillna(False).astype(bool).sum())
    return LagesbildFigures(
        totals=totals,
        by_category=table,
        by_period=counts_by_period(inc, "Q"),
        by_month=counts_by_period(inc, "M"),
        places=_redacted_suggestions(places),
        remarks=_redacted_measures(remarks_by_topic(obs)),
        precision=precision_counts(analysis.incidents),
        left_out=left_out_counts(analysis),
        windows={key: (str(a), str(b), n) for key, (a, b, n) in windows.items()},
        extra=dict(extra or {}),
    )


def _alpha(analysis: AnalysisLike) -> float:
    """The false-discovery level the significance test used (its attrs), 0.05 when the run has none."""
    for table in (analysis.hotspots, analysis.places):
        sig = getattr(table, "attrs", {}).get("significance") or {}
        if "alpha" in sig:
            return float(sig["alpha"])
    return float(getattr(analysis.places, "attrs", {}).get("alpha", 0.05))


def _redacted_suggestions(places: pd.DataFrame) -> pd.DataFrame:
    """The places' walk suggestions through the one redactor and cleaner (at most 200 characters)."""
    from trygghet_geo.output._redact import clean_text
    from trygghet_geo.output.privacy import redact

    return places.assign(suggestion=[clean_text(redact(s), max_chars=200) for s in places["suggestion"]])


def _redacted_measures(remarks: pd.DataFrame) -> pd.DataFrame:
    """The suggested measures as a shared document may show them: through the one redactor and cleaner,
    each at most 200 characters (the counting above ran on the texts as typed)."""
    from trygghet_geo.output._redact import clean_text
    from trygghet_geo.output.privacy import redact

    out = remarks.copy()
    out["measures"] = [[clean_text(redact(m), max_chars=200) for m in ms] for ms in remarks["measures"]]
    return out


def _period(analysis: AnalysisLike, inc: pd.DataFrame) -> tuple[pd.Period, pd.Period]:
    """The data's first and last month: the analysis' period when it has one, else the dated rows'."""
    period = (analysis.meta or {}).get("period")
    if period and period[0] is not None and not pd.isna(period[0]) and not pd.isna(period[1]):
        p = _local_months(pd.Series([pd.Timestamp(period[0]), pd.Timestamp(period[1])]))
        return p.iloc[0], p.iloc[1]
    months = _local_months(inc[schema.OCCURRED_AT]).dropna() if len(inc) else pd.Series([], dtype="period[M]")
    if months.empty:
        from trygghet_geo.errors import InputError

        raise InputError("the analysis has no dated incidents, so the lägesbild has no period")
    return months.min(), months.max()


def other_sources_list(sources: Sequence[str] | Mapping[str, str] | str | None) -> list[tuple[str, str]]:
    """The user's other sources as (title, text) pairs: a mapping as is, a list as untitled texts."""
    if sources is None:
        return []
    if isinstance(sources, str):
        return [("", sources)]
    if isinstance(sources, Mapping):
        return [(str(t), str(v)) for t, v in sources.items()]
    if not isinstance(sources, Sequence):
        raise ParameterError(f"other_sources={sources!r}: expected a text, a list of texts or a mapping")
    return [("", str(v)) for v in sources]
