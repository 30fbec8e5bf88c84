"""The follow-up report to the municipal board: one self-contained HTML file in Swedish, and XLSX tables.

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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.analysis import Analysis

__all__ = ["FollowupPlan", "default_plan", "followup_table", "write_report"]

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024

FOLLOWUP_COLUMNS = {
    "name": "Plats",
    "n_before": "Före",
    "n_after": "Efter",
    "change_pct": "Förändring (%)",
    "ci_low": "KI låg (%)",
    "ci_high": "KI hög (%)",
    "town_change_pct": "Övriga kommunen (%)",
    "did_ratio": "Kvot mot kommunen",
    "did_ci_low": "Kvot KI låg",
    "did_ci_high": "Kvot KI hög",
    "p_value": "p-värde (Poisson)",
    "dispersion": "Överspridning",
    "town_dispersion": "Överspridning, övriga kommunen",
    "p_value_dispersed": "p-värde",
    "improved": "Bättre än kommunen",
    "area": "Område",
}


def _followup_column(name: str) -> str:
    """Swedish column name of the follow-up table (``n_before_stöld`` → ``Före: stöld``)."""
    fixed = {**FOLLOWUP_COLUMNS, "town_n_before": "Övriga kommunen före",
             "town_n_after": "Övriga kommunen efter", "days_before": "Dagar före",
             "days_after": "Dagar efter"}  # fmt: skip
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
    analysis: Analysis, *, promise_date: Any = None, top_n: int = 5, places: gpd.GeoDataFrame | None = None
) -> FollowupPlan:
    """The places chosen in the promise (``places``: polygons, or points with ``radius_m``, and a ``name``),
    else the top ``top_n`` ranked places; the promise date defaults to 12 months before the data's last date.

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
        places = analysis.places.head(top_n)
        places = places[["name", "rank", places.geometry.name]] if "rank" in places else places
    elif "name" not in places.columns:
        raise InputError(f"places: a 'name' column is needed (have {list(places.columns)})")
    return FollowupPlan(places, promise, before, after)


def followup_table(analysis: Analysis, plan: FollowupPlan, **kwargs: Any) -> gpd.GeoDataFrame:
    """:func:`~trygghet_geo.followup.compare_periods` on the analysis' street-located incidents."""
    from trygghet_geo.followup import compare_periods

    inc = _street_located(analysis.incidents)
    return compare_periods(
        inc, plan.places, before=plan.before, after=plan.after, network=analysis.network, **kwargs
    )


def write_report(
    analysis: Analysis,
    path: str | Path,
    *,
    plan: FollowupPlan | None = None,
    promise_date: Any = None,
    places: gpd.GeoDataFrame | None = None,
    top_n: int = 10,
    followup_n: int = 5,
    title: str | None = None,
    include_map: bool = True,
) -> dict[str, Path]:
    """Write the board report (HTML) and its tables (XLSX next to it, same stem).

    Parameters
    ----------
    analysis : Analysis
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

    Returns
    -------
    dict
        ``{"html": Path, "xlsx": Path}``.

    Examples
    --------
    >>> import trygghet_geo as tg
    >>> from trygghet_geo import sample
    >>> result = tg.analyze(sample.load_incidents(), sample.load_observations(),
    ...                     network=sample.load_network(), gazetteer=sample.load_gazetteer(),
    ...                     eps_m=50, min_samples=15)  # doctest: +SKIP
    >>> write_report(result, "uppfoljning.html", promise_date="2025-11-01")  # doctest: +SKIP
    {'html': PosixPath('uppfoljning.html'), 'xlsx': PosixPath('uppfoljning.xlsx')}
    """
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"write_report: path must end in .html, got {str(path)!r}")
    plan = plan or default_plan(analysis, promise_date=promise_date, top_n=followup_n, places=places)
    follow = followup_table(analysis, plan)
    context = _context(analysis, plan, follow, top_n=top_n, title=title, include_map=include_map)
    text = _template().render(**context)
    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise InputError(
            f"the report would be {size / 1e6:.1f} MB, over the 10 MB limit; "
            "lower top_n/followup_n or pass include_map=False"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    xlsx = _write_xlsx(analysis, follow, context, path.with_suffix(".xlsx"))
    logger.info("wrote the report %s (%.1f MB) and %s", path, size / 1e6, xlsx)
    return {"html": path, "xlsx": xlsx}


# --- content
def _context(
    analysis: Analysis,
    plan: FollowupPlan,
    follow: gpd.GeoDataFrame,
    *,
    top_n: int,
    title: str | None,
    include_map: bool,
) -> dict[str, Any]:
    from trygghet_geo.followup import plot_monthly
    from trygghet_geo.output._charts import figure_to_data_uri

    meta = analysis.meta or {}
    start, end = _data_period(analysis)
    places = analysis.places
    fig = plot_monthly(
        _street_located(analysis.incidents),
        plan.places,
        promise_date=plan.promise_date,
        network=analysis.network,
    )
    chart = figure_to_data_uri(fig, dpi=80)
    return {
        "title": title or f"Uppföljning av medborgarlöftet – {meta.get('title', 'trygghetskarta')}",
        "synthetic": bool(meta.get("synthetic", False)),
        "source_note": str(meta.get("source_note") or ""),
        "period": f"{_date(start)} – {_date(end)}",
        "promise": _date(plan.promise_date),
        "before": f"{_date(plan.before[0])} – {_date(plan.before[1])}",
        "after": f"{_date(plan.after[0])} – {_date(plan.after[1])}",
        "months": follow.attrs.get("months_text", ""),
        "summary": _summary(analysis, follow),
        "places": _place_rows(places.head(top_n)),
        "n_places": len(places),
        "follow": _follow_rows(follow),
        "chart": chart,
        "map_srcdoc": _map_srcdoc(analysis) if include_map else None,
        "left_out": [(_reason_text(k), int(v)) for k, v in (analysis.left_out or {}).items()],
        "n_incidents": len(analysis.incidents),
        "n_observations": 0 if analysis.observations is None else len(analysis.observations),
        "eps_m": _num(meta.get("eps_m"), 0),
        "min_samples": meta.get("min_samples", ""),
        "n_simulations": meta.get("n_simulations", ""),
        "alpha": follow.attrs.get("alpha", 0.05),
        "generated": pd.Timestamp.now().strftime("%Y-%m-%d"),
    }


def _summary(analysis: Analysis, follow: gpd.GeoDataFrame) -> list[str]:
    places = analysis.places
    n_sig = int(places["significant"].sum()) if "significant" in places and len(places) else 0
    n_hot = int((places["hotspot_id"] >= 0).sum()) if "hotspot_id" in places and len(places) else 0
    lines = [
        f"{len(analysis.incidents)} polisregistrerade händelser och "
        f"{0 if analysis.observations is None else len(analysis.observations)} synpunkter från "
        "trygghetsvandringar ingår.",
        f"Analysen hittar {n_hot} koncentrationer längs gatorna, varav {n_sig} statistiskt "
        f"{'säkerställd' if n_sig == 1 else 'säkerställda'} (mer samlade än slumpen ger).",
    ]
    if len(places):
        lines.append("Högst rangordnade platser: " + ", ".join(map(str, places["name"].head(3))) + ".")
    n_imp = int(follow["improved"].sum()) if len(follow) else 0
    lines.append(
        f"Uppföljningen: {n_imp} av {len(follow)} utvalda platser har minskat mer än övriga kommunen "
        "(statistiskt säkerställt)."
    )
    return lines


def _place_rows(places: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for r in places.to_dict("records"):
        rows.append(
            {
                "rank": r.get("rank", ""),
                "name": r.get("name", ""),
                "reason": r.get("reason", ""),
                "score": _num(r.get("score"), 2),
                "n": r.get("n_incidents", ""),
                "n_obs": r.get("n_observations", ""),
                "q": _p(r.get("q_value")),
                "sig": "ja" if r.get("significant") else "nej",
                "kind": "synpunkter" if r.get("hotspot_id", 0) == -1 else "brott",
            }
        )
    return rows


def _follow_rows(follow: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for r in follow.to_dict("records"):
        rows.append(
            {
                "name": r["name"],
                "before": r["n_before"],
                "after": r["n_after"],
                "change": _pct(r["change_pct"]),
                "ci": f"{_pct(r['ci_low'])} – {_pct(r['ci_high'])}",
                "town": _pct(r["town_change_pct"]),
                "did": _num(r["did_ratio"], 2),
                "did_ci": f"{_num(r['did_ci_low'], 2)} – {_num(r['did_ci_high'], 2)}",
                "p": _p(r["p_value_dispersed"]),
                "improved": "ja" if r["improved"] else "nej",
                "area": _AREA_SV.get(r["area"], r["area"]),
            }
        )
    return rows


def _map_srcdoc(analysis: Analysis) -> str | None:
    """The shared-mode, self-contained map as one HTML document (escaped later as the srcdoc attribute)."""
    try:
        from trygghet_geo.output.maps import make_map
    except ImportError:  # pragma: no cover - maps ships with the package
        logger.warning("trygghet_geo.output.maps is not available; the report has no map")
        return None
    m = make_map(analysis, privacy="shared", self_contained=True, lang="sv")
    return str(m.get_root().render())


def _write_xlsx(analysis: Analysis, follow: gpd.GeoDataFrame, context: dict[str, Any], path: Path) -> Path:
    from trygghet_geo.rank import _cell_safe, places_table

    places = places_table(analysis.places)
    table = pd.DataFrame(follow.drop(columns=[follow.geometry.name]))
    table["improved"] = np.where(table["improved"], "ja", "nej")
    table["area"] = table["area"].map(lambda a: _AREA_SV.get(a, a))
    table = table.rename(columns=_followup_column)
    for col in table.select_dtypes(include=["object", "string"]).columns:
        table[col] = table[col].map(_cell_safe)
    left = pd.DataFrame(context["left_out"], columns=["Orsak", "Antal"])
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
    about["Värde"] = about["Värde"].map(_cell_safe)
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        places.to_excel(xl, sheet_name="Platser", index=False)
        table.to_excel(xl, sheet_name="Uppföljning", index=False)
        left.to_excel(xl, sheet_name="Utanför analysen", index=False)
        about.to_excel(xl, sheet_name="Om rapporten", index=False)
    return path


# --- helpers
def _street_located(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows fine enough for the street network (snapped): the ones the places were found from."""
    if schema.EDGE_ID in incidents.columns:
        return incidents[incidents[schema.EDGE_ID].to_numpy() >= 0]
    return incidents


def _data_period(analysis: Analysis) -> tuple[pd.Timestamp, pd.Timestamp]:
    period = (analysis.meta or {}).get("period")
    if period and period[0] is not None and not pd.isna(period[0]):
        return pd.Timestamp(period[0]), pd.Timestamp(period[1])
    when = pd.to_datetime(analysis.incidents[schema.OCCURRED_AT], errors="coerce").dropna()
    if when.empty:
        raise InputError("the analysis has no dated incidents, so there is no period to follow up")
    return when.min(), when.max()


def _reason_text(code: str) -> str:
    return schema.reason_text(code)


def _date(t: Any) -> str:
    return str(pd.Timestamp(t).strftime("%Y-%m-%d"))


def _num(x: Any, digits: int) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    if not np.isfinite(v):
        return "–" if np.isnan(v) else "∞"
    return f"{v:.{digits}f}".replace(".", ",")


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
    import jinja2

    # autoescape escapes & < > " ' in every value, so the map document is safe inside srcdoc="..."
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_TEMPLATE)


_TEMPLATE = """<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width:
1100px;
       padding: 1.5rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 2px solid #3b6ea5; }
.meta { color: #555; } .synthetic { background: #fff3cd; border: 1px solid #e0c36c; padding: .5rem .8rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f4f8; } td.num { text-align: right; white-space: nowrap; }
iframe { width: 100%; height: 560px; border: 1px solid #ccc; }
img { max-width: 100%; } .small { font-size: .85rem; color: #555; }
@media print { iframe { display: none; } }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="meta">Dataperiod {{ period }} · löftets datum {{ promise }} · skapad {{ generated }}</p>
{% if synthetic %}<p class="synthetic"><strong>Syntetiska exempeldata.</strong> Händelser och synpunkter
i denna
rapport är påhittade och beskriver inga verkliga händelser.</p>{% endif %}

<h2>Sammanfattning</h2>
<ul>{% for line in summary %}<li>{{ line }}</li>{% endfor %}</ul>

{% if map_srcdoc %}<h2>Karta</h2>
<p class="small">Delningsläge: enstaka händelser visas bara där minst fem delar ruta eller koncentration,
övriga som
antal per ruta; anteckningar är avidentifierade och datum visas per månad.</p>
<iframe title="Karta" srcdoc="{{ map_srcdoc }}"></iframe>{% endif %}

<h2>Platser för gemensamma besök</h2>
<p class="small">De {{ places | length }} högst rangordnade av {{ n_places }} platser. Poängen väger samman
brott (viktade efter löftets prioriteringar), aktualitet, synpunkter från trygghetsvandringar och statistisk
säkerhet.</p>
<table>
<thead><tr><th>Rang</th><th>Plats</th><th>Motivering</th><th>Poäng</th><th>Händelser</th><th>Synpunkter</th>
<th>q-värde</th><th>Säkerställd</th><th>Underlag</th></tr></thead>
<tbody>{% for r in places %}<tr><td class="num">{{ r.rank }}</td><td>{{ r.name }}</td><td>{{ r.reason }}</td>
<td class="num">{{ r.score }}</td><td class="num">{{ r.n }}</td><td class="num">{{ r.n_obs }}</td>
<td class="num">{{ r.q }}</td><td>{{ r.sig }}</td><td>{{ r.kind }}</td></tr>{% endfor %}</tbody>
</table>

<h2>Uppföljning</h2>
<p>Före: {{ before }}. Efter: {{ after }}. Jämförda månader: {{ months }}.</p>
<table>
<thead><tr><th>Plats</th><th>Före</th><th>Efter</th><th>Förändring (%)</th><th>95 % KI (%)</th>
<th>Övriga kommunen (%)</th><th>Kvot mot kommunen</th><th>95 % KI</th><th>p-värde</th><th>Bättre än
kommunen</th>
</tr></thead>
<tbody>{% for r in follow %}<tr><td>{{ r.name }}</td><td class="num">{{ r.before }}</td>
<td class="num">{{ r.after }}</td><td class="num">{{ r.change }}</td><td class="num">{{ r.ci }}</td>
<td class="num">{{ r.town }}</td><td class="num">{{ r.did }}</td><td class="num">{{ r.did_ci }}</td>
<td class="num">{{ r.p }}</td><td>{{ r.improved }}</td></tr>{% endfor %}</tbody>
</table>
<p><img alt="Händelser per månad och plats, med löftets datum markerat" src="{{ chart }}"></p>

<h2>Datakällor</h2>
<ul>
<li>{{ n_incidents }} händelser från polisens utdrag och {{ n_observations }} synpunkter från
trygghetsvandringar.</li>
{% if source_note %}<li>{{ source_note }}</li>{% endif %}
<li>Gatunät: © OpenStreetMap contributors (ODbL).</li>
{% for reason, n in left_out %}<li>Utanför analysen: {{ n }} händelser – {{ reason }}.</li>{% endfor %}
</ul>

<h2>Metod</h2>
<ul class="small">
<li>Koncentrationer: DBSCAN på avstånd längs gatorna (eps {{ eps_m }} m, minst {{ min_samples }}
händelser).</li>
<li>Statistisk säkerhet: varje koncentration får ett mått på hur många fler händelser den har än
gatulängden ger (Kulldorffs skanningsstatistik). Lika många händelser placeras sedan slumpvis längs gatorna
({{ n_simulations }} simuleringar) och klustras om med samma inställningar. q-värdet jämför platsens mått med
alla simulerade kluster och är justerat för att många platser prövas samtidigt (Benjamini–Hochberg);
säkerställd = q-värde högst 0,05. Excel-tabellen har även ett strängare p-värde (jämfört med det
starkaste klustret i varje simulering).</li>
<li>Uppföljning: Poissonmodell för antal händelser. Förändringen har ett exakt konfidensintervall
(Clopper–Pearson
på andelen efter). En plats kallas bättre än kommunen först när kvoten mellan platsens och övriga kommunens
förändring är under 1 och Fishers exakta test ger p &lt; {{ alpha }} efter justering för överspridning:
varierar antalen mer från månad till månad än Poissonmodellen tillåter, blir p-värdet större (i tabellen står
det justerade p-värdet; Excel-filen har båda och överspridningen). Perioderna jämförs under samma
kalendermånader (säsong). Konfidensintervallen är Poissonmodellens och blir för smala vid stor
överspridning.</li>
<li>Bara händelser med gatuprecision (kopplade till gatunätet) räknas i platserna och i övriga kommunen.</li>
</ul>
</body>
</html>
"""
