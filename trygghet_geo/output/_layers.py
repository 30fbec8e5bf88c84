"""The data of every layer of the map, as the one JSON payload ``static/trygghet_map.js`` draws.

:func:`payload` builds it from the export tables (:func:`export_tables`, the privacy decision) of a run: the
incident points and counted cells, hotspots with their ranked places, safety-walk observations, the study
area, the streets, the footer; :func:`bounds` frames it. Everything here is plain data (lists, dicts,
strings from the one cleaner ``_redact.clean_text``); :mod:`trygghet_geo.output.maps` turns it into HTML.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._precision import observation_states
from trygghet_geo._reason import reason_line
from trygghet_geo.errors import SchemaError
from trygghet_geo.output import _mapdata as md
from trygghet_geo.output._redact import clean_text

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray

    from trygghet_geo.output._source import AnalysisLike

logger = logging.getLogger(__name__)

__all__ = ["bounds", "export_tables", "payload"]

_UNRANKED_COLOR = "#8a8a8a"
_STREET_SIMPLIFY_M = 1.5


def _shown_incidents(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The incident rows that took part in the analysis; the rest are counted in ``analysis.left_out``."""
    if schema.EDGE_ID in incidents.columns:
        mask = pd.to_numeric(incidents[schema.EDGE_ID], errors="coerce").fillna(-1).to_numpy() >= 0
        mask = mask.copy()
    else:
        mask = np.ones(len(incidents), dtype=bool)
        if schema.STATUS in incidents.columns:
            mask &= (incidents[schema.STATUS] == "ok").to_numpy()
        if schema.PRECISION in incidents.columns:
            mask &= incidents[schema.PRECISION].isin(list(schema.STREET_PRECISION)).to_numpy()
    mask = mask & _has_geometry(incidents)
    return incidents[mask]


def _has_geometry(gdf: gpd.GeoDataFrame) -> NDArray[np.bool_]:
    """True where the row has a geometry that is neither missing nor empty."""
    import shapely

    arr = np.asarray(gdf.geometry.array, dtype=object)
    absent: NDArray[np.bool_] = shapely.is_missing(arr) | shapely.is_empty(arr)
    return ~absent


def _shown_observations(observations: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if observations is None or len(observations) == 0:
        return observations
    mask = _has_geometry(observations)
    if schema.STATUS in observations.columns:
        mask &= (observations[schema.STATUS] == "ok").to_numpy()
    return observations[mask]


def export_tables(analysis: AnalysisLike, privacy: str, *, k: int, cell_m: float) -> Any:
    from trygghet_geo.output.privacy import prepare_export

    inc = _shown_incidents(analysis.incidents)
    obs = _shown_observations(analysis.observations)
    mask = None
    if schema.HOTSPOT_ID in inc.columns:
        mask = pd.to_numeric(inc[schema.HOTSPOT_ID], errors="coerce").fillna(-1).to_numpy() >= 0
    return prepare_export(inc, obs, mode=privacy, k=k, cell_m=cell_m, hotspot_mask=mask)  # type: ignore[arg-type]


# --- the payload -----------------------------------------------------------------------------------------


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The one place where geometry is converted for Leaflet (EPSG:4326; lon/lat swapped only in the JS)."""
    if gdf.crs is None:
        raise SchemaError("the map needs a CRS on every table; set one with GeoDataFrame.set_crs")
    return gdf.to_crs(schema.WGS84) if not gdf.crs.equals(schema.WGS84) else gdf


def _lonlat_all(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray, NDArray[np.bool_]]:
    g = _wgs84(gdf).geometry
    pts = g.representative_point() if (g.geom_type != "Point").any() else g
    lon, lat = pts.x.to_numpy(dtype=float), pts.y.to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    return lon, lat, ok


def _lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    lon, lat, ok = _lonlat_all(gdf)
    return lon[ok], lat[ok]


def payload(
    analysis: AnalysisLike,
    tables: Any,
    *,
    lang: str,
    labels: dict[str, str],
    title: str | None,
    streets: bool,
) -> dict[str, Any]:
    from trygghet_geo.output.privacy import redact

    meta = analysis.meta or {}
    source = redact(clean_text(meta.get("source_note"), max_chars=300).strip())
    if meta.get("synthetic") and labels["synthetic"].lower() not in source.lower():
        source = labels["synthetic"] + (f" – {source}" if source else "")
    k = tables.k if tables.mode == "shared" else None
    hotspots, rank_scale = _hotspots(analysis, lang=lang, labels=labels, k=k)
    months, point_month = _months(tables.points)
    _hotspot_months(hotspots, tables.points, point_month, months)
    return {
        "q": md.Q,
        "lang": lang,
        "locale": "sv-SE" if lang == "sv" else "en-GB",
        "labels": labels,
        "title": redact(clean_text(title if title is not None else meta.get("title"), max_chars=200).strip())
        or ("Trygghetskarta" if lang == "sv" else "Safety map"),
        "period": _period(meta.get("period"), monthly=tables.mode == "shared"),
        "source": source,
        "months": months,
        "incidents": _incidents(tables.points, lang, point_month),
        "cells": _cells(tables.cells, k),
        "observations": _observations(tables.observations, monthly=tables.mode == "shared"),
        "obs_categories": _obs_categories(tables.observations, lang),
        "hotspots": hotspots,
        "rank_scale": rank_scale,
        "streets": _streets(analysis.network) if streets and analysis.network is not None else None,
        "area": _area(analysis),
        "footer": _footer(analysis, tables, labels, lang),
    }


def _period(period: Any, *, monthly: bool) -> str:
    if not isinstance(period, tuple | list) or len(period) != 2:
        return ""
    fmt = "%Y-%m" if monthly else "%Y-%m-%d"
    ends = []
    for value in period:
        ts = pd.to_datetime(value, errors="coerce")
        if pd.isna(ts):
            return ""
        ends.append(ts.strftime(fmt))
    return ends[0] if ends[0] == ends[1] else f"{ends[0]} – {ends[1]}"


def _months(points: gpd.GeoDataFrame | None) -> tuple[list[str], NDArray[np.int64]]:
    """Every month from the first to the last of the shown incidents (``"YYYY-MM"``; the time filter's
    choices) and each shown incident's index into them (-1: no date). Only what the export already shows
    (the shared mode's points carry their month) is counted, so the filter reveals nothing more."""
    from trygghet_geo.output.privacy import MONTH

    if points is None or len(points) == 0:
        return [], np.empty(0, dtype=np.int64)
    if MONTH in points.columns:
        month = pd.PeriodIndex(pd.Series(points[MONTH], dtype=object).where(points[MONTH].notna()), freq="M")
    elif schema.OCCURRED_AT in points.columns:
        when = pd.to_datetime(points[schema.OCCURRED_AT], errors="coerce")
        if getattr(when.dt, "tz", None) is not None:
            when = when.dt.tz_localize(None)
        month = pd.PeriodIndex(when.dt.to_period("M"))
    else:
        return [], np.full(len(points), -1, dtype=np.int64)
    ordinal = np.where(month.isna(), -1, month.asi8)
    if not (ordinal >= 0).any():
        return [], np.full(len(points), -1, dtype=np.int64)
    lo, hi = int(ordinal[ordinal >= 0].min()), int(ordinal.max())
    names = [str(p) for p in pd.PeriodIndex.from_ordinals(np.arange(lo, hi + 1), freq="M")]
    return names, np.where(ordinal >= 0, ordinal - lo, -1).astype(np.int64)


def _hotspot_months(
    items: list[dict[str, Any]], points: gpd.GeoDataFrame | None, point_month: np.ndarray, months: list[str]
) -> None:
    """Each hotspot's shown incidents per month (``"mc"``, aligned with ``months``), for the time filter."""
    if points is None or len(points) == 0 or not months or schema.HOTSPOT_ID not in points.columns:
        return
    hid = pd.to_numeric(points[schema.HOTSPOT_ID], errors="coerce").fillna(-1).to_numpy(np.int64)
    ok = (hid >= 0) & (point_month >= 0)
    for it in items:
        if it.get("hid", -1) < 0:  # a place of observations only: no incidents of its own
            continue
        sel = ok & (hid == it["hid"])
        it["mc"] = np.bincount(point_month[sel], minlength=len(months)).tolist()


def _incidents(points: gpd.GeoDataFrame, lang: str, point_month: np.ndarray) -> list[dict[str, Any]]:
    if points is None or len(points) == 0:
        return []
    cats = (
        points[schema.CATEGORY].map(lambda v: clean_text(v, max_chars=80).strip() or "övrigt")
        if schema.CATEGORY in points
        else pd.Series("övrigt", index=points.index)
    )
    known = [c for c in schema.INCIDENT_CATEGORIES if (cats == c).any()]
    other = sorted(set(cats.unique()) - set(known))
    out = []
    for i, cat in enumerate(known + other):
        sel = (cats == cat).to_numpy()
        lon, lat, ok = _lonlat_all(points[sel])
        lon, lat = lon[ok], lat[ok]
        if len(lon) == 0:
            continue
        month = point_month[sel][ok]
        color = md.INCIDENT_COLORS.get(cat, ["#17becf", "#bcbd22", "#e377c2", "#7f7f7f"][i % 4])
        out.append(
            {
                "key": cat,
                "label": md.category_label(cat, lang),
                "color": color,
                "n": len(lon),
                "xy": md.encode_points(lon, lat),
                "m": month.tolist(),  # month index per point (-1: none), in the order of ``xy``
            }
        )
    return out


def _cells(cells: gpd.GeoDataFrame | None, k: int | None = None) -> dict[str, Any] | None:
    """The counted cells: corners, a weight per cell (its shading and its part in the heat map) and the text
    of its count. In the shared mode (``k`` given) every cell holds from 1 to ``k - 1`` incidents, so each
    says ``"<k"`` and weighs the same, ``k / 2`` (a weight from the data, even a mean, would give a lone
    cell's count away): an incident alone in its cell is not counted exactly."""
    if cells is None or len(cells) == 0:
        return None
    b = _wgs84(cells).geometry.bounds.to_numpy(dtype=float)
    ok = np.isfinite(b).all(axis=1)
    n = (
        pd.to_numeric(cells["n_events"], errors="coerce").fillna(0).to_numpy()
        if "n_events" in cells
        else np.ones(len(cells))
    )
    corners = b[ok].reshape(-1, 2)  # (minx, miny), (maxx, maxy) per cell
    if k is None:
        return {"xy": md.encode_sequence(corners), "n": [int(v) for v in n[ok]]}
    n_ok = int(ok.sum())
    return {"xy": md.encode_sequence(corners), "n": [k / 2] * n_ok, "t": [f"<{k}"] * n_ok}


def _obs_categories(obs: gpd.GeoDataFrame | None, lang: str) -> list[dict[str, Any]]:
    cats = list(schema.OBSERVATION_CATEGORIES)
    counts = pd.Series(dtype=int)
    if obs is not None and len(obs) and schema.CATEGORY in obs:
        counts = (
            obs[schema.CATEGORY].map(lambda v: clean_text(v, max_chars=80).strip() or "övrigt").value_counts()
        )
        cats += sorted(set(counts.index) - set(cats))
    out = []
    for cat in cats:
        color, sym_sv, sym_en = md.OBSERVATION_STYLE.get(cat, ("#636363", "?", "?"))
        out.append(
            {
                "key": cat,
                "label": md.category_label(cat, lang),
                "color": color,
                "symbol": sym_sv if lang == "sv" else sym_en,
                "n": int(counts.get(cat, 0)),
            }
        )
    return out


def _observations(obs: gpd.GeoDataFrame | None, *, monthly: bool) -> dict[str, Any] | None:
    if obs is None or len(obs) == 0:
        return None
    g = _wgs84(obs).geometry
    pts = g if (g.geom_type == "Point").all() else g.representative_point()
    lon, lat = pts.x.to_numpy(dtype=float), pts.y.to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    obs = obs[ok]
    index = {c: i for i, c in enumerate(schema.OBSERVATION_CATEGORIES)}
    cats = (
        obs[schema.CATEGORY].map(lambda v: clean_text(v, max_chars=80).strip() or "övrigt")
        if schema.CATEGORY in obs
        else pd.Series("övrigt", index=obs.index)
    )
    extra = sorted(set(cats) - set(index))
    index.update({c: len(schema.OBSERVATION_CATEGORIES) + i for i, c in enumerate(extra)})

    def col(name: str) -> list[str]:
        return (
            [clean_text(v, max_chars=md.MAX_TEXT).strip() for v in obs[name]]
            if name in obs
            else [""] * len(obs)
        )

    return {
        "xy": md.encode_sequence(np.column_stack([lon[ok], lat[ok]])),
        "cat": [index[c] for c in cats],
        "state": observation_states(obs),
        "note": col(schema.NOTE),
        "measure": col(schema.MEASURE),
        "date": _dates(obs, monthly=monthly),
    }


def _dates(obs: pd.DataFrame, *, monthly: bool) -> list[str]:
    if "month" in obs:
        return [clean_text(v, max_chars=20).strip() for v in obs["month"]]
    if schema.OCCURRED_AT not in obs:
        return [""] * len(obs)
    col = obs[schema.OCCURRED_AT]
    # tz-aware columns keep their local (Swedish) dates; anything else is parsed, mixed offsets as UTC
    ts = col if pd.api.types.is_datetime64_any_dtype(col) else pd.to_datetime(col, errors="coerce", utc=True)
    fmt = "%Y-%m" if monthly else "%Y-%m-%d"
    return ["" if pd.isna(t) else t.strftime(fmt) for t in ts]


def _streets(network: Any) -> list[list[int]]:
    """The network's streets merged into long lines, simplified and encoded: a light vector basemap."""
    import geopandas as gpd
    import shapely

    edges = network.edges
    if len(edges) == 0:
        return []
    merged = shapely.line_merge(shapely.MultiLineString(list(edges.geometry.array)))
    parts = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
    lines = gpd.GeoSeries(parts, crs=edges.crs).simplify(_STREET_SIMPLIFY_M).to_crs(schema.WGS84)
    return [md.encode_line(shapely.get_coordinates(g)) for g in lines if g is not None and not g.is_empty]


def _area(analysis: AnalysisLike) -> list[list[list[int]]]:
    import shapely

    area = getattr(analysis, "study_area", None)
    if area is not None and len(area):
        geom = shapely.union_all(_wgs84(area).geometry.array)
    else:  # the street network's extent stands in for a study area nobody gave
        nodes = analysis.network.nodes if analysis.network is not None else None
        if nodes is None or len(nodes) < 3:
            return []
        hull = shapely.concave_hull(
            shapely.MultiPoint(shapely.get_coordinates(nodes.geometry.array)), ratio=0.3
        )
        import geopandas as gpd

        geom = gpd.GeoSeries([hull], crs=nodes.crs).to_crs(schema.WGS84).iloc[0]
    return md.encode_polygon(geom)


def _footer(analysis: AnalysisLike, tables: Any, labels: dict[str, str], lang: str) -> list[str]:
    left = {str(k): int(v) for k, v in (analysis.left_out or {}).items() if int(v) > 0}
    total = sum(left.values())
    if total:
        parts = ", ".join(
            f"{md.reason_text(code, lang)}: {n}" for code, n in sorted(left.items(), key=lambda kv: -kv[1])
        )
        line = f"{labels['left_out']}: {total} ({parts})"
    else:
        line = labels["none_left_out"]
    mode = labels["privacy_shared"] if tables.mode == "shared" else labels["privacy_internal"]
    lines = [line, f"{labels['privacy']}: {mode}"]
    note = (analysis.meta or {}).get("parameters_note_en" if lang == "en" else "parameters_note")
    if note:  # how eps and min_samples were chosen, and why
        lines.append(f"{labels['method']}: {clean_text(note, max_chars=400).strip()}")
    if analysis.observations is not None:
        lines.append(_observation_footer(analysis.observations, tables.observations, labels, lang))
    return lines


def _observation_footer(
    read: pd.DataFrame, shown: pd.DataFrame | None, labels: dict[str, str], lang: str
) -> str:
    """Every remark read is on the map (the legend counts it) or counted here with its reason."""
    from trygghet_geo._precision import off_map_reasons

    n_shown = 0 if shown is None else len(shown)
    line = labels["obs_footer"].format(n=len(read), shown=n_shown, left=len(read) - n_shown)
    reasons = off_map_reasons(read, _has_geometry(read))
    parts = ", ".join(f"{md.reason_text(code, lang)}: {k}" for code, k in reasons.items())
    return f"{line} ({parts})" if parts else line


# --- hotspots and ranked places -----------------------------------------------------------------------------


def _hotspots(
    analysis: AnalysisLike, *, lang: str, labels: dict[str, str], k: int | None = None
) -> tuple[list[dict[str, Any]], list[Any]]:
    """One item per ranked place (plus unranked hotspots), with its polygon, colour and popup fields.

    With ``k`` (the shared mode) only hotspots, and places found from them, that hold at least ``k``
    incidents are shown (:func:`trygghet_geo.output.privacy.shared_places`), and their text is redacted.
    """
    from branca.colormap import LinearColormap

    from trygghet_geo.output.privacy import shared_hotspots, shared_places

    places = analysis.places if analysis.places is not None else None
    hs = analysis.hotspots
    if k is not None:
        places = shared_places(places, hs, k=k)
        hs = shared_hotspots(hs, k=k)
    hs_by_id = {}
    if hs is not None and len(hs) and schema.HOTSPOT_ID in hs:
        hs_by_id = {int(h): row for h, row in zip(hs[schema.HOTSPOT_ID], _rows(_wgs84(hs)), strict=True)}
    lit = _lighting(hs, getattr(analysis, "network", None), lang)
    trend = _trends(analysis, labels, k)
    items: list[dict[str, Any]] = []
    seen: set[int] = set()
    if places is not None and len(places):
        ranked = _wgs84(places)
        if schema.RANK in ranked:
            ranked = ranked.sort_values(schema.RANK, kind="stable")
        for row in _rows(ranked):
            hid = _int(getattr(row, schema.HOTSPOT_ID, -1), -1)
            seen.add(hid)
            # shared: a place's trend is its own 6-month window or none; the hotspot's halves, windows of
            # other ends, would differ from the place's windows by the few incidents between them
            halves = "" if k is not None else trend.get(hid, "")
            items.append(_place_item(row, hs_by_id.get(hid), halves, lang=lang, labels=labels))
            items[-1]["hid"] = hid
            items[-1]["lit"] = lit.get(hid, "")
    for hid, row in hs_by_id.items():
        if hid not in seen:
            items.append(_place_item(None, row, trend.get(hid, ""), lang=lang, labels=labels))
            items[-1]["hid"] = hid
            items[-1]["lit"] = lit.get(hid, "")
    items = [it for it in items if it["poly"]]
    ranks = sorted({it["rank"] for it in items if it["rank"]})
    scale: list[Any] = []
    if ranks:
        cmap = LinearColormap(["#fed976", "#fd8d3c", "#e31a1c", "#800026"], vmin=0, vmax=1)
        color = {r: cmap(1 - i / max(len(ranks) - 1, 1))[:7] for i, r in enumerate(ranks)}
        for it in items:
            it["color"] = color.get(it["rank"], _UNRANKED_COLOR)
        shown = ranks if len(ranks) <= 10 else [*ranks[:9], ranks[-1]]
        scale = [[r, color[r]] for r in shown]
    return items, scale


def _rows(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows whose fields keep their column names, also names that are no identifiers: ``itertuples``
    renames ``n_obs_skadegörelse/klotter`` to ``_12``, which dropped such categories from the popups."""
    return [SimpleNamespace(**row) for row in frame.to_dict("records")]


def _lighting(hs: Any, network: Any, lang: str) -> dict[int, str]:
    """hotspot id -> "belysning: saknas på 40 % av gatorna" from the network's ``lit`` tags ("" without)."""
    from trygghet_geo.network._attributes import unlit_share

    if hs is None or not len(hs) or network is None or "lit" not in network.edges.columns:
        return {}
    share = unlit_share(hs, network)
    return {int(h): _lit_text(v, lang) for h, v in zip(hs[schema.HOTSPOT_ID], share, strict=True)}


def _lit_text(share: float, lang: str) -> str:
    from trygghet_geo._text import text

    if np.isnan(share):
        return text("lit.unknown", lang)
    pct = round(100 * share)
    return text("lit.present", lang) if pct == 0 else text("lit.missing", lang, pct=pct)


def _int(value: Any, default: int) -> int:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return int(v) if np.isfinite(v) else default


# a place's own time profile, and the hotspot's, by part
_PROFILE = {
    "hours": (schema.DOMINANT_HOURS, schema.TOP_HOURS),
    "weekdays": (schema.DOMINANT_WEEKDAYS, schema.TOP_WEEKDAYS),
}


def _profile(place: Any, hotspot: Any, part: str) -> Any:
    """The place's ``dominant_<part>`` when the place has that column, else the hotspot's ``top_<part>``:
    never the other table's window when the place deliberately left it blank."""
    own, window = _PROFILE[part]
    if place is not None and hasattr(place, own):
        return getattr(place, own)
    return getattr(hotspot, window, None) if hotspot is not None else None


def _place_item(place: Any, hotspot: Any, trend: str, *, lang: str, labels: dict[str, str]) -> dict[str, Any]:
    def get(name: str) -> Any:
        for row in (place, hotspot):
            if row is not None and hasattr(row, name):
                value = getattr(row, name)
                if not (value is None or (isinstance(value, float) and np.isnan(value))):
                    return value
        return None

    def own(name: str) -> Any:  # a count of the place's own (empty where the k rule emptied it), never the
        if place is None or not hasattr(place, name):  # hotspot's: that would give the hidden cell back
            return get(name)
        value = getattr(place, name)
        return (
            None
            if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
            else value
        )

    geom = get("geometry")
    rank = _int(get(schema.RANK), 0) if place is not None else 0
    # the ranking's reason in the map's language, from its codes (a table without them: its reason as is)
    reason = reason_line(get(schema.REASON_CODES), lang) or get(schema.PLACE_REASON)
    counts: list[tuple[str, int]] = [
        (md.category_label(c, lang), _int(own(schema.n_of(c)), 0)) for c in schema.INCIDENT_CATEGORIES
    ]
    p_value, score = get(schema.P_VALUE), own(schema.SCORE)
    p_text = ""
    if p_value is not None and np.isfinite(float(p_value)):
        p_text = f"{float(p_value):.3f}"
        sig = get(schema.SIGNIFICANT)
        if sig is not None:
            p_text += f" ({labels['significant'] if bool(sig) else labels['not_significant']})"
    name = clean_text(get(schema.NAME), max_chars=120).strip()
    n_obs = get(schema.N_OBSERVATIONS)
    return {
        "rank": rank,
        "name": name or (f"{labels['place']} {rank}" if rank else labels["unranked"]),
        "reason": clean_text(reason, max_chars=md.MAX_TEXT).strip(),
        "trend": _trend_6m(own, labels) or trend,  # the ranking's 6-month trend, else the hotspot's halves
        "p_value": p_text,
        "score": f"{float(score):.2f}" if score is not None and np.isfinite(float(score)) else "",
        # the one time profile: a ranked place's own (blank when it names no window), else the hotspot's
        "hours": clean_text(_profile(place, hotspot, "hours"), max_chars=40).strip(),
        "weekdays": clean_text(_profile(place, hotspot, "weekdays"), max_chars=60).strip(),
        "n_obs": str(_int(n_obs, 0)) if n_obs is not None and _int(n_obs, 0) > 0 else "",
        "counts": [[label, n] for label, n in counts if n > 0],
        "obs_counts": [
            [md.category_label(c, lang), _int(get(schema.n_obs_of(c)), 0)]
            for c in schema.OBSERVATION_CATEGORIES
            if _int(get(schema.n_obs_of(c)), 0) > 0
        ],
        "color": _UNRANKED_COLOR,
        "poly": md.encode_polygon(geom),
    }


def _trend_6m(get: Any, labels: dict[str, str]) -> str:
    """The ranking's own trend columns (``n_6m``, ``trend_6m_pct``) as text, when it has them."""
    n_6m, pct = get(schema.n_window(6)), get(schema.trend_window(6))
    if n_6m is None:
        return ""
    text = labels["trend_6m"].format(n=_int(n_6m, 0))
    if pct is not None and np.isfinite(float(pct)):
        text += f" ({'+' if float(pct) >= 0 else '−'}{abs(round(float(pct)))} %)"
    return text


def _trends(analysis: AnalysisLike, labels: dict[str, str], k: int | None = None) -> dict[int, str]:
    """Per hotspot: incidents in the later half of the period against the earlier half (plain counts); with
    ``k`` (shared) only where neither half, nor the hotspot's incidents outside both, is 1..k-1."""
    from trygghet_geo._kgate import counts_shown

    inc = analysis.incidents
    if schema.HOTSPOT_ID not in inc or schema.OCCURRED_AT not in inc or len(inc) == 0:
        return {}
    when = pd.to_datetime(inc[schema.OCCURRED_AT], errors="coerce", utc=True)
    hid = pd.to_numeric(inc[schema.HOTSPOT_ID], errors="coerce").fillna(-1).astype(int)
    ok = when.notna() & (hid >= 0)
    if not ok.any():
        return {}
    all_when = when.dropna()
    mid = all_when.min() + (all_when.max() - all_when.min()) / 2
    later = (when[ok] > mid).groupby(hid[ok]).agg(["sum", "count"])
    sizes = hid[hid >= 0].value_counts()
    out = {}
    for h, row in later.iterrows():
        n_late, n_early = int(row["sum"]), int(row["count"] - row["sum"])
        if k is not None and not counts_shown([n_late, n_early], int(sizes.get(h, 0)), k=k):
            continue
        out[int(h)] = labels["trend_halves"].format(later=n_late, earlier=n_early)
        if n_early > 0:
            pct = round(100 * (n_late - n_early) / n_early)
            out[int(h)] += f" ({'+' if pct >= 0 else ''}{pct} %)"
    return out


def bounds(analysis: AnalysisLike, payload: dict[str, Any]) -> list[list[float]]:
    """South-west and north-east corners to fit: the study area, else the network, else the incidents."""
    import geopandas as gpd

    frames = []
    area = getattr(analysis, "study_area", None)
    if area is not None and len(area):
        frames.append(area)
    elif analysis.network is not None and len(analysis.network.nodes):
        frames.append(analysis.network.nodes)
    else:
        frames.append(_shown_incidents(analysis.incidents))
    b = gpd.GeoSeries(frames[0].geometry, crs=frames[0].crs).to_crs(schema.WGS84).total_bounds
    if not np.isfinite(b).all():
        return [[59.0, 17.0], [60.0, 19.0]]  # a neutral view of central Sweden when there is nothing to fit
    return [[float(b[1]), float(b[0])], [float(b[3]), float(b[2])]]


# --- folium wiring -----------------------------------------------------------------------------------------
