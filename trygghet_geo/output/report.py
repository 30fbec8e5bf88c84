"""The follow-up report to the municipal board: one self-contained HTML file (Swedish, or English with
``lang="en"``), and XLSX tables.

:func:`write_report` takes an :class:`~trygghet_geo.analysis.Analysis` and writes

- ``<name>.html``: summary, the map in the shared privacy mode (embedded in an ``iframe`` through ``srcdoc``,
  with Leaflet inlined and no map tiles, so the file opens with no network), the ranked places with their
  reasons, the follow-up table (:func:`trygghet_geo.followup.compare_periods`) and its charts as inline PNG,
  data sources, period and method notes;
- ``<name>.xlsx``: sheets *Platser*, *Uppföljning*, *Utanför analysen* and *Om rapporten*.

Every text a reader sees is HTML-escaped by the template engine (Jinja2 with autoescaping), the embedded map
document is escaped as the ``srcdoc`` attribute value, and spreadsheet cells that would run as formulas
are defused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._reason import reason_line
from trygghet_geo._text import TEXTS, resolve_lang, text
from trygghet_geo.errors import InputError, ParameterError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo._typing import DateLike
    from trygghet_geo.output._source import AnalysisLike

__all__ = ["FollowupPlan", "default_plan", "followup_table", "write_report"]

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
SHARED_K = 5  # default k: a single incident shows only where this many share a cell; a hotspot needs as many

FOLLOWUP_COLUMNS = {
    schema.NAME: "Plats",
    schema.N_BEFORE: "Före",
    schema.N_AFTER: "Efter",
    schema.CHANGE_PCT: "Förändring (%)",
    schema.CI_LOW: "KI låg (%)",
    schema.CI_HIGH: "KI hög (%)",
    schema.TOWN_CHANGE_PCT: "Övriga kommunen (%)",
    schema.DID_RATIO: "Kvot mot kommunen",
    schema.DID_CI_LOW: "Kvot KI låg",
    schema.DID_CI_HIGH: "Kvot KI hög",
    schema.P_VALUE: "p-värde (Poisson)",
    schema.DISPERSION: "Överspridning",
    schema.TOWN_DISPERSION: "Överspridning, övriga kommunen",
    schema.P_VALUE_DISPERSED: "p-värde",
    schema.IMPROVED: "Bättre än kommunen",
    schema.AREA: "Område",
}


def _followup_column(name: str) -> str:
    """Swedish column name of the follow-up table (``n_before_stöld`` → ``Före: stöld``)."""
    fixed = {
        **FOLLOWUP_COLUMNS,
        schema.TOWN_N_BEFORE: "Övriga kommunen före",
        schema.TOWN_N_AFTER: "Övriga kommunen efter",
        schema.DAYS_BEFORE: "Dagar före",
        schema.DAYS_AFTER: "Dagar efter",
    }
    if name in fixed:
        return fixed[name]
    for prefix, label in (("n_before_", "Före: "), ("n_after_", "Efter: ")):
        if name.startswith(prefix):
            return label + name.removeprefix(prefix)
    return name


_AREA_SV = {
    "polygon": "polygon",
    "radius_network": "radie längs gatorna",
    "radius_euclidean": "radie fågelvägen",
}


@dataclass(frozen=True)
class FollowupPlan:
    """What the follow-up compares: the places, the promise date and the two periods (inclusive dates)."""

    places: gpd.GeoDataFrame
    promise_date: pd.Timestamp
    before: tuple[pd.Timestamp, pd.Timestamp]
    after: tuple[pd.Timestamp, pd.Timestamp]


def default_plan(
    analysis: AnalysisLike,
    *,
    promise_date: Any = None,
    top_n: int = 5,
    places: gpd.GeoDataFrame | None = None,
    k: int = SHARED_K,
) -> FollowupPlan:
    """The places chosen in the promise (``places``: polygons, or points with ``radius_m``, and a ``name``),
    else the top ``top_n`` ranked places a shared report may show (a hotspot's place only when it holds at
    least ``k`` incidents); the promise date defaults to 12 months before the data's last date.

    ``before`` is the 12 months (at most) up to the promise date, ``after`` the 12 months (at most) from it,
    both cut to the data's period.
    """
    start, end = _data_period(analysis)
    s, e = (t.tz_localize(None) if t.tzinfo else t for t in (start, end))
    if promise_date is None:  # the first of the month nearest to 12 months before the data ends
        target = e.normalize() + pd.Timedelta(days=1) - pd.DateOffset(months=12)
        first = target.to_period("M").to_timestamp()
        promise = (
            first
            if target - first <= first + pd.DateOffset(months=1) - target
            else first + pd.DateOffset(months=1)
        )
        promise = max(promise, (s + (e - s) / 2).to_period("M").to_timestamp())
    else:
        try:
            promise = pd.Timestamp(promise_date)
        except (TypeError, ValueError):
            raise InputError(f"promise date {promise_date!r} is not a date (expected YYYY-MM-DD)") from None
        promise = promise.tz_localize(None) if promise.tzinfo else promise
    if not s < promise <= e:
        raise InputError(f"promise date {promise.date()} is outside the data's period {s.date()}–{e.date()}")
    before = (max(s.normalize(), promise - pd.DateOffset(months=12)), promise - pd.Timedelta(days=1))
    after = (promise, min(e.normalize(), promise + pd.DateOffset(months=12) - pd.Timedelta(days=1)))
    if places is None:
        from trygghet_geo.output.privacy import shared_places

        places = shared_places(analysis.places, analysis.hotspots, k=k).head(top_n)
        places = places[[schema.NAME, schema.RANK, places.geometry.name]] if schema.RANK in places else places
    elif schema.NAME not in places.columns:
        raise InputError(f"places: a 'name' column is needed (have {list(places.columns)})")
    return FollowupPlan(places, promise, before, after)


def followup_table(analysis: AnalysisLike, plan: FollowupPlan, **kwargs: Any) -> gpd.GeoDataFrame:
    """:func:`~trygghet_geo.followup.compare_periods` on the analysis' street-located incidents."""
    from trygghet_geo.followup import compare_periods

    inc = _street_located(analysis.incidents)
    return compare_periods(
        inc, plan.places, before=plan.before, after=plan.after, network=analysis.network, **kwargs
    )


def write_report(
    analysis: AnalysisLike,
    path: str | Path,
    *,
    plan: FollowupPlan | None = None,
    promise_date: DateLike | None = None,
    places: gpd.GeoDataFrame | None = None,
    top_n: int = 10,
    followup_n: int = 5,
    title: str | None = None,
    include_map: bool = True,
    k: int = SHARED_K,
    lang: Literal["sv", "en"] | None = None,
    time_section: bool = True,
) -> dict[str, Path]:
    """Write the board report (HTML) and its tables (XLSX next to it, same stem).

    The report is a shared output: every text passes :func:`.privacy.redact`, the map is in the shared
    privacy mode, a place found from a hotspot is listed only when the hotspot holds at least ``k``
    incidents (whatever ``min_samples`` the analysis used), and dates are given by month, never the exact
    first or last day of the data.

    Parameters
    ----------
    analysis : AnalysisLike
        The result of :func:`trygghet_geo.analyze`.
    path : str or Path
        The HTML file to write; the XLSX goes to the same path with suffix ``.xlsx``.
    plan : FollowupPlan, optional
        Places and periods to follow up; default :func:`default_plan` (top ``followup_n`` places,
        ``promise_date``).
    promise_date : date-like, optional
        Date of the citizen promise, used when ``plan`` is not given.
    places : GeoDataFrame, optional
        The places chosen in the promise (polygons, or points with ``radius_m``; a ``name`` column), used
        when ``plan`` is not given; default the top ``followup_n`` ranked places.
    top_n : int
        Ranked places listed in the report (all go to the XLSX).
    title : str, optional
        Default ``"Uppföljning av medborgarlöftet"`` plus the analysis title.
    include_map : bool
        Embed the shared-mode map (needs :mod:`trygghet_geo.output.maps`).
    k : int, default 5
        Incidents a grid cell must hold for its points to show on the map, and a hotspot for its place to
        be listed.
    lang : {"sv", "en"}, optional
        Language of the HTML report, its map and the places' reasons (default ``options.lang``, Swedish);
        the XLSX tables keep their Swedish headers.
    time_section : bool
        Add the section "Utvecklingen över tid": the pattern over time of the listed places
        (:func:`trygghet_geo.emerging_hotspots`) and the near-repeat table (:func:`trygghet_geo.near_repeat`).

    Returns
    -------
    dict
        ``{"html": Path, "xlsx": Path}``.

    Examples
    --------
    >>> import trygghet_geo as tg
    >>> from trygghet_geo import sample
    >>> result = tg.analyze(sample.load_incidents(), sample.load_observations(),  # doctest: +SKIP
    ...                     network=sample.load_network(), gazetteer=sample.load_gazetteer())
    >>> write_report(result, "uppfoljning.html", promise_date="2025-11-01")  # doctest: +SKIP
    {'html': PosixPath('uppfoljning.html'), 'xlsx': PosixPath('uppfoljning.xlsx')}
    """
    import dataclasses

    from trygghet_geo._kgate import shared_followup, yield_windows
    from trygghet_geo.output.privacy import check_gate, redact_table

    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ParameterError(f"write_report: path must end in .html, got {str(path)!r}")
    check_gate("shared", k, 100.0)
    from trygghet_geo import _validate

    _validate.count("top_n", top_n)
    _validate.count("followup_n", followup_n, minimum=1)
    language = resolve_lang(lang)
    plan = plan or default_plan(analysis, promise_date=promise_date, top_n=followup_n, places=places, k=k)
    plan = dataclasses.replace(plan, places=redact_table(plan.places))
    from trygghet_geo.output.privacy import shared_places

    # the report is shared: the k rule, and against the places it shows beside the follow-up: the places
    # sheet's 3- and 12-month windows give way to the follow-up, then what is left hides the follow-up's pair
    raw = followup_table(analysis, plan)
    shown = yield_windows(shared_places(analysis.places, analysis.hotspots, k=k), raw, k=k)
    follow = shared_followup(raw, k=k, places=shown)
    context = _context(
        analysis, plan, follow, top_n=top_n, title=title, include_map=include_map, k=k, lang=language
    )
    context["trend"] = _trend_context(analysis, top_n=top_n, k=k, lang=language) if time_section else None
    context["places_sheet"] = shown
    html = _template().render(**context)
    size = len(html.encode("utf-8"))
    if size > MAX_BYTES:
        raise InputError(
            f"the report would be {size / 1e6:.1f} MB, over the 10 MB limit; "
            "lower top_n/followup_n or pass include_map=False"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    from trygghet_geo._atomic import write_text

    write_text(path, html)  # whole or not at all
    xlsx = _write_xlsx(analysis, follow, context, path.with_suffix(".xlsx"))
    from trygghet_geo.io._stamp import finish_xlsx
    from trygghet_geo.manifest import output_manifest

    finish_xlsx(
        xlsx, output_manifest(analysis, privacy="shared", k=k, lang=language, report=True), lang=language
    )
    logger.info("wrote the report %s (%.1f MB) and %s", path, size / 1e6, xlsx)
    return {"html": path, "xlsx": xlsx}


# --- content
def _context(
    analysis: AnalysisLike,
    plan: FollowupPlan,
    follow: gpd.GeoDataFrame,
    *,
    top_n: int,
    title: str | None,
    include_map: bool,
    k: int,
    lang: str,
) -> dict[str, Any]:
    from trygghet_geo._kgate import shared_months
    from trygghet_geo.followup import TOWN_LABEL, monthly_counts
    from trygghet_geo.output._charts import figure_to_data_uri, small_multiples
    from trygghet_geo.output.privacy import redact, shared_places

    meta = analysis.meta or {}
    start, end = _data_period(analysis)
    places = shared_places(analysis.places, analysis.hotspots, k=k)
    # followup.plot_monthly's chart, its months under k (or given back by a period's total) not drawn
    counts = monthly_counts(_street_located(analysis.incidents), plan.places, network=analysis.network)
    month = pd.DatetimeIndex(counts.index)
    naive = [pd.Timestamp(t).tz_localize(None) if pd.Timestamp(t).tzinfo else pd.Timestamp(t) for t in
             (*plan.before, *plan.after)]  # fmt: skip
    periods = [(month >= a.to_period("M").to_timestamp()) & (month <= b) for a, b in (naive[:2], naive[2:])]
    groups = [*periods, ~(periods[0] | periods[1])]
    fig = small_multiples(
        shared_months(counts, groups, k=k, keep=(TOWN_LABEL,)), town_column=TOWN_LABEL,
        promise_date=pd.Timestamp(plan.promise_date), ncols=3, lang="en" if lang == "en" else "sv",
    )  # fmt: skip
    chart = figure_to_data_uri(fig, dpi=80)
    default_title = text("report.title", lang, title=meta.get("title") or text("report.default_title", lang))
    left_out = [(schema.reason_text(c, lang), int(v)) for c, v in (analysis.left_out or {}).items()]
    left_obs = [
        (schema.reason_text(c, lang), int(v))
        for c, v in (getattr(analysis, "observations_left_out", {}) or {}).items()
    ]
    context: dict[str, Any] = {
        "lang": lang,
        "title": redact(title or default_title),
        "synthetic": bool(meta.get("synthetic", False)),
        "source_note": redact(str(meta.get("source_note") or "")),
        "period": f"{_month(start)} – {_month(end)}",
        "promise": _month(plan.promise_date),
        "before": f"{_month(plan.before[0])} – {_month(plan.before[1])}",
        "after": f"{_month(plan.after[0])} – {_month(plan.after[1])}",
        "months": follow.attrs.get("months_text", ""),
        "summary": _summary(analysis, places, follow, lang),
        "places": _place_rows(places.head(top_n), lang),
        "n_places": len(places),
        "follow": _follow_rows(follow, lang),
        "chart": chart,
        "map_srcdoc": _map_srcdoc(analysis, k, lang) if include_map else None,
        "k": k,
        "left_out": left_out,
        "left_out_observations": left_obs,
        "left_out_lines": [text("report.left_out_incidents", lang, n=n, reason=r) for r, n in left_out]
        + [text("report.left_out_remarks", lang, n=n, reason=r) for r, n in left_obs],
        "n_incidents": len(analysis.incidents),
        "n_observations": 0 if analysis.observations is None else len(analysis.observations),
        "eps_m": _num(meta.get("eps_m"), 0),
        "min_samples": meta.get("min_samples", ""),
        "parameters_note": meta.get("parameters_note_en" if lang == "en" else "parameters_note", ""),
        "n_simulations": meta.get("n_simulations", ""),
        "alpha": follow.attrs.get("alpha", 0.05),
        "q_alpha": _decimal(f"{float(places.attrs.get('alpha', 0.05)):g}".replace(".", ","), lang),
        "generated": _generated(analysis),
        "about": _about(analysis, k, lang),
    }
    context["t"] = _texts(context, lang)
    return context


def _texts(c: dict[str, Any], lang: str) -> dict[str, str]:
    """Every sentence and heading of the template in ``lang`` (``report.*`` of :mod:`trygghet_geo._text`)."""
    heads = (
        "h_summary",
        "h_map",
        "h_places",
        "h_follow",
        "h_sources",
        "h_method",
        "synthetic_head",
        "synthetic_body",
        "chart_alt",
        "osm",
        "method_street",
    )
    t = {key: text(f"report.{key}", lang) for key in heads}
    # filled in by the template, where k and the alphas are variables
    t.update(
        {key: TEXTS[f"report.{key}"][lang] for key in ("map_note", "method_significance", "method_followup")}
    )
    cols = (
        "rank",
        "place",
        "reason",
        "score",
        "incidents",
        "remarks",
        "q",
        "significant",
        "basis",
        "before",
        "after",
        "change",
        "ci_pct",
        "town",
        "did",
        "ci",
        "p",
        "improved",
    )
    t.update({f"col_{key}": text(f"report.col.{key}", lang) for key in cols})
    note = c["parameters_note"]
    t.update(
        meta=text("report.meta", lang, period=c["period"], promise=c["promise"], generated=c["generated"]),
        places_note=text("report.places_note", lang, shown=len(c["places"]), n=c["n_places"]),
        follow_periods=text(
            "report.follow_periods", lang, before=c["before"], after=c["after"], months=c["months"]
        ),
        sources=text(
            "report.sources", lang, n_incidents=c["n_incidents"], n_observations=c["n_observations"]
        ),
        method_clusters=text("report.method_clusters", lang, eps_m=c["eps_m"], min_samples=c["min_samples"])
        + (text("report.method_settings", lang, note=note) if note else ""),
    )
    return t


def _trend_context(analysis: AnalysisLike, *, top_n: int, k: int, lang: str) -> dict[str, Any] | None:
    """The section "Utvecklingen över tid" (:mod:`._report_trend`), its place names redacted as the rest."""
    from trygghet_geo.output._report_trend import trend_section
    from trygghet_geo.output.privacy import redact, shared_places

    places = shared_places(analysis.places, analysis.hotspots, k=k).head(top_n)
    section = trend_section(analysis, places, _street_located(analysis.incidents), k=k, lang=lang)
    if section is not None:
        for row in section["rows"]:
            row["name"] = redact(row["name"])
    return section


def _summary(
    analysis: AnalysisLike, places: gpd.GeoDataFrame, follow: gpd.GeoDataFrame, lang: str
) -> list[str]:
    n_sig = int(places[schema.SIGNIFICANT].sum()) if schema.SIGNIFICANT in places and len(places) else 0
    n_hot = int((places[schema.HOTSPOT_ID] >= 0).sum()) if schema.HOTSPOT_ID in places and len(places) else 0
    n_obs = 0 if analysis.observations is None else len(analysis.observations)
    lines = [
        text("report.sum_inputs", lang, n=len(analysis.incidents), m=n_obs),
        text(
            "report.sum_hotspots.one" if n_sig == 1 else "report.sum_hotspots.many",
            lang,
            n_hot=n_hot,
            n_sig=n_sig,
        ),
    ]
    if len(places):
        lines.append(text("report.sum_top", lang, names=", ".join(map(str, places[schema.NAME].head(3)))))
    n_imp = int(follow[schema.IMPROVED].sum()) if len(follow) else 0
    lines.append(text("report.sum_follow", lang, n_imp=n_imp, n=len(follow)))
    return lines


def _place_rows(places: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    rows = []
    for r in places.to_dict("records"):
        reason = reason_line(r.get(schema.REASON_CODES), lang) or r.get(schema.PLACE_REASON, "")
        rows.append(
            {
                "rank": r.get(schema.RANK, ""),
                "name": r.get(schema.NAME, ""),
                "reason": reason,
                "score": _decimal(_num(r.get(schema.SCORE), 2), lang),
                "n": _whole(r.get(schema.N_INCIDENTS)),  # "..": withheld by the k rule
                "n_obs": r.get(schema.N_OBSERVATIONS, ""),
                "q": _decimal(_p(r.get(schema.Q_VALUE)), lang),
                "sig": text("report.yes" if r.get(schema.SIGNIFICANT) else "report.no", lang),
                "kind": text(
                    "report.kind.remarks" if r.get(schema.HOTSPOT_ID, 0) == -1 else "report.kind.incidents",
                    lang,
                ),
            }
        )
    return rows


def _follow_rows(follow: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    rows = []
    for r in follow.to_dict("records"):
        area = r[schema.AREA]
        rows.append(
            {
                "name": r[schema.NAME],
                "before": _whole(r[schema.N_BEFORE]),  # "..": withheld by the k rule (_kgate)
                "after": _whole(r[schema.N_AFTER]),
                "change": _decimal(_pct(r[schema.CHANGE_PCT]), lang),
                "ci": _decimal(f"{_pct(r[schema.CI_LOW])} – {_pct(r[schema.CI_HIGH])}", lang),
                "town": _decimal(_pct(r[schema.TOWN_CHANGE_PCT]), lang),
                "did": _decimal(_num(r[schema.DID_RATIO], 2), lang),
                "did_ci": _decimal(
                    f"{_num(r[schema.DID_CI_LOW], 2)} – {_num(r[schema.DID_CI_HIGH], 2)}", lang
                ),
                "p": _decimal(_p(r[schema.P_VALUE_DISPERSED]), lang),
                "improved": text("report.yes" if r[schema.IMPROVED] else "report.no", lang),
                "area": text(f"report.area.{area}", lang) if f"report.area.{area}" in TEXTS else area,
            }
        )
    return rows


def _decimal(number: str, lang: str) -> str:
    """A number written with a decimal comma (Swedish) as English writes it."""
    return number.replace(",", ".") if lang == "en" else number


def _map_srcdoc(analysis: AnalysisLike, k: int, lang: str) -> str | None:
    """The shared-mode, self-contained map as one HTML document (escaped later as the srcdoc attribute)."""
    from trygghet_geo.output.maps import (
        make_map,  # folium is slow to import; only a report with a map needs it
    )

    # the run's basemap (water, parks, buildings) is drawn when it has one: make_map's default
    m = make_map(analysis, privacy="shared", self_contained=True, lang="en" if lang == "en" else "sv", k=k)
    return str(m.get_root().render())


def _write_xlsx(
    analysis: AnalysisLike, follow: gpd.GeoDataFrame, context: dict[str, Any], path: Path
) -> Path:
    from trygghet_geo.io._write import write_sheets
    from trygghet_geo.output.privacy import shared_places
    from trygghet_geo.rank import places_table

    shown = context.get("places_sheet")
    if shown is None:
        shown = shared_places(analysis.places, analysis.hotspots, k=context["k"])
    places = places_table(shown)
    # the days of each period, with its month, would give the data's exact first and last day
    table = pd.DataFrame(
        follow.drop(columns=[follow.geometry.name, schema.DAYS_BEFORE, schema.DAYS_AFTER], errors="ignore")
    )
    table[schema.IMPROVED] = np.where(table[schema.IMPROVED], "ja", "nej")
    table[schema.AREA] = table[schema.AREA].map(lambda a: _AREA_SV.get(a, a))
    table = table.rename(columns=_followup_column)
    left = pd.DataFrame(
        [("händelser", r, n) for r, n in context["left_out"]]
        + [("synpunkter", r, n) for r, n in context["left_out_observations"]],
        columns=["Rader", "Orsak", "Antal"],
    )
    about = pd.DataFrame(
        {
            "Uppgift": [
                "Rapport",
                "Dataperiod",
                "Löftets datum",
                "Före",
                "Efter",
                "Månader som jämförs",
                "Källa",
                "Syntetiska data",
            ],
            "Värde": [
                context["title"],
                context["period"],
                context["promise"],
                context["before"],
                context["after"],
                context["months"],
                context["source_note"],
                "ja" if context["synthetic"] else "nej",
            ],
        }
    )
    sheets = {"Platser": places, "Uppföljning": table, "Utanför analysen": left, "Om rapporten": about}
    return write_sheets(sheets, path)


# --- helpers
def _generated(analysis: AnalysisLike) -> str:
    """The report's date: the run's start (``SOURCE_DATE_EPOCH`` when set), never the clock at writing."""
    from trygghet_geo.manifest import run_start

    return run_start(getattr(analysis, "manifest", None)).strftime("%Y-%m-%d")


def _about(analysis: AnalysisLike, k: int, lang: str) -> Any:
    """The "Om analysen" panel and the manifest's JSON block (escaped where they are made)."""
    import markupsafe

    from trygghet_geo.manifest import output_manifest
    from trygghet_geo.output._provenance import about_html

    return markupsafe.Markup(
        about_html(output_manifest(analysis, privacy="shared", k=k, lang=lang, report=True), lang)
    )


def _street_located(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows fine enough for the street network (snapped): the ones the places were found from."""
    if schema.EDGE_ID in incidents.columns:
        return incidents[incidents[schema.EDGE_ID].to_numpy() >= 0]
    return incidents


def _data_period(analysis: AnalysisLike) -> tuple[pd.Timestamp, pd.Timestamp]:
    period = (analysis.meta or {}).get("period")
    if period and period[0] is not None and not pd.isna(period[0]):
        return pd.Timestamp(period[0]), pd.Timestamp(period[1])
    when = pd.to_datetime(analysis.incidents[schema.OCCURRED_AT], errors="coerce").dropna()
    if when.empty:
        raise InputError("the analysis has no dated incidents, so there is no period to follow up")
    return when.min(), when.max()


def _month(t: Any) -> str:
    """A date as its month (``2025-03``): a shared report never gives the data's exact first or last day."""
    return str(pd.Timestamp(t).strftime("%Y-%m"))


def _num(x: Any, digits: int) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    if not np.isfinite(v):
        return "–" if np.isnan(v) else "∞"
    return f"{v:.{digits}f}".replace(".", ",")


def _whole(x: Any) -> str:
    """A count as the report shows it; the one mark of a hidden count (``_kgate.HIDDEN``) where it is
    withheld by the k rule (the report's counts are missing only then)."""
    from trygghet_geo._kgate import HIDDEN

    return HIDDEN if x is None or pd.isna(x) else str(int(x))


def _pct(x: Any) -> str:
    s = _num(x, 0)
    if s in ("-0", "0"):
        return "0"
    if s and s[0].isdigit():
        return "+" + s
    return s.replace("-", "−")


def _p(x: Any) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    if not np.isfinite(v):
        return "–"
    return "< 0,001" if v < 0.001 else f"{v:.3f}".replace(".", ",")


def _template() -> Any:
    from trygghet_geo.output._templates import environment

    # autoescape escapes & < > " ' in every value, so the map document is safe inside srcdoc="..."
    return environment().get_template("report.html.j2")
