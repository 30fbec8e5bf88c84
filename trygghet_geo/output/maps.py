"""The email-ready interactive map: :func:`make_map` returns a ``folium.Map``; :func:`save_html` writes it.

Plain folium writes one JavaScript object per marker (100,000 incidents → 20+ MB that never paints) and loads
everything from CDNs. Here folium provides the map, the layer control, the scale bar and the fullscreen
button; the data travels as one compact JSON payload (coordinates delta-encoded as integers, see
:mod:`._mapdata`) that a small script of ours (``static/trygghet_map.js``) draws: incidents on a
canvas tile layer, hotspots as ranked polygons, aggregated cells, safety-walk observations, the study area,
a heat map from the same arrays, the ranked list, the legend and a footer. Every text from the data is
written with ``textContent`` in the browser, so no note can inject markup or script.

With ``self_contained=True`` Leaflet and the plugins are inlined from the copies shipped in
``output/static`` (Leaflet BSD-2, leaflet.fullscreen MIT, leaflet.heat BSD-2; licences beside them),
no tile layer is used and the network's streets are drawn as a light vector basemap: nothing is fetched when
the map is written or opened.
"""

from __future__ import annotations

import base64
import html
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
from branca.element import Element, MacroElement

from trygghet_geo import schema as s
from trygghet_geo._precision import observation_states
from trygghet_geo.errors import SchemaError
from trygghet_geo.output import _mapdata as md

if TYPE_CHECKING:
    import folium
    import geopandas as gpd
    from numpy.typing import NDArray

    from trygghet_geo.analysis import Analysis

log = logging.getLogger(__name__)

__all__ = ["make_map", "save_html"]

LEAFLET_CDN_JS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"
LEAFLET_CDN_CSS = "https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.css"
_UNRANKED_COLOR = "#8a8a8a"
_STREET_SIMPLIFY_M = 1.5


def make_map(
    analysis: Analysis,
    *,
    lang: Literal["sv", "en"] = "sv",
    privacy: Literal["shared", "internal"] = "shared",
    self_contained: bool = False,
    heatmap: bool = True,
    title: str | None = None,
    k: int = 5,
    cell_m: float = 100.0,
    streets: bool | None = None,
    tiles: str = "OpenStreetMap",
) -> folium.Map:
    """The interactive map of an analysis.

    Parameters
    ----------
    analysis : Analysis
        The result of :func:`trygghet_geo.analyze` (or one built by hand from its tables).
    lang : {"sv", "en"}
        Language of everything the reader sees.
    privacy : {"shared", "internal"}
        ``"shared"`` (default): what :func:`.privacy.prepare_export` allows in a shared file
        (single points only where at least ``k`` incidents share a ``cell_m`` cell or a hotspot, the rest as
        counted cells; dates by month; notes redacted). ``"internal"``: points as geocoded, for the analyst.
    self_contained : bool
        Inline Leaflet and the plugins, use no tiles and draw the streets as a vector basemap, so the file
        opens with no network at all.
    heatmap : bool
        Add a heat map as an optional layer (off until ticked).
    title : str, optional
        Map title; default ``analysis.meta["title"]``.
    k, cell_m : int, float
        Passed to :func:`~trygghet_geo.output.privacy.prepare_export`.
    streets : bool, optional
        Draw the network's streets; default: only when ``self_contained``.
    tiles : str
        Tile layer when not self-contained (a folium tiles name).

    Returns
    -------
    folium.Map
        Displays inline in Jupyter; ``.save(path)`` or :func:`save_html` writes it.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import LineString
    >>> from trygghet_geo.analysis import Analysis
    >>> from trygghet_geo.network import network_from_lines
    >>> line = LineString([(674000, 6580000), (674300, 6580000)])
    >>> lines = gpd.GeoDataFrame(geometry=[line], crs="EPSG:3006")
    >>> net = network_from_lines(lines)
    >>> empty = gpd.GeoDataFrame({"status": []}, geometry=[], crs="EPSG:3006")
    >>> a = Analysis(empty, None, empty, empty, net, meta={"title": "Test"})
    >>> m = make_map(a, privacy="internal", self_contained=True)
    >>> "leaflet" in m.get_root().render()
    True
    """
    import folium
    from folium.plugins import Fullscreen

    _check_args(lang, privacy, k, cell_m)
    labels = _labels(lang, k, cell_m)
    tables = _export_tables(analysis, privacy, k=k, cell_m=cell_m)
    draw_streets = self_contained if streets is None else bool(streets)
    payload = _payload(analysis, tables, lang=lang, labels=labels, title=title, streets=draw_streets)
    bounds = _bounds(analysis, payload)
    m = folium.Map(
        location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
        zoom_start=14,
        tiles=None,
        control_scale=True,
        max_zoom=19,
    )
    m.default_js = [] if self_contained else [("leaflet", LEAFLET_CDN_JS)]
    m.default_css = [] if self_contained else [("leaflet_css", LEAFLET_CDN_CSS)]
    if not self_contained:
        folium.TileLayer(tiles, control=False, max_zoom=19).add_to(m)
    m.get_root().title = _html_text(payload["title"])  # type: ignore[attr-defined]
    groups = _add_groups(m, payload, labels, heatmap=heatmap, streets=draw_streets)
    groups["layers"] = folium.LayerControl(position="topleft", collapsed=False)
    groups["layers"].add_to(m)
    _MapData(payload, groups, self_contained=self_contained).add_to(m)
    # folium's Fullscreen.__init__ carries no annotations, so mypy sees an untyped call.
    fullscreen = Fullscreen(  # type: ignore[no-untyped-call]
        position="topleft", title=labels["fullscreen"], title_cancel=labels["exit_fullscreen"]
    )
    fullscreen.default_js, fullscreen.default_css = [], []  # inlined by _MapData instead of fetched
    fullscreen.add_to(m)
    m.fit_bounds(bounds)
    return m


def save_html(analysis: Analysis, path: str | Path, *, self_contained: bool = True, **kwargs: Any) -> Path:
    """Write the map of ``analysis`` as one HTML file (options as :func:`make_map`); returns the path.

    A file is written to travel, by e-mail to laptops behind firewalls that block CDNs, so unlike
    :func:`make_map` it is self-contained by default: Leaflet and its plugins inlined, the streets drawn from
    the network instead of tiles. Pass ``self_contained=False`` for a smaller file that loads Leaflet and
    the OpenStreetMap tiles from the internet.

    >>> import trygghet_geo as tg
    >>> analysis = tg.analyze("brott.csv", network="gatunat.gpkg")  # doctest: +SKIP
    >>> save_html(analysis, "karta.html")  # doctest: +SKIP
    PosixPath('karta.html')
    """
    path = Path(path)
    m = make_map(analysis, self_contained=self_contained, **kwargs)
    text = m.get_root().render()
    path.write_text(text, encoding="utf-8")
    log.info("wrote %s (%.2f MB)", path, len(text.encode("utf-8")) / 1e6)
    return path


# --- arguments and labels ----------------------------------------------------------------------------------


def _check_args(lang: str, privacy: str, k: int, cell_m: float) -> None:
    if lang not in ("sv", "en"):
        raise ValueError(f"lang must be 'sv' or 'en', got {lang!r}")
    if privacy not in ("shared", "internal"):
        raise ValueError(f"privacy must be 'shared' or 'internal', got {privacy!r}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if not isinstance(cell_m, int | float) or not np.isfinite(cell_m) or cell_m <= 0:
        raise ValueError(f"cell_m must be a positive number of metres, got {cell_m!r}")


def _labels(lang: str, k: int, cell_m: float) -> dict[str, str]:
    labels = dict(md.LABELS[lang])
    cell = f"{cell_m:g}"
    labels["privacy_shared"] = labels["privacy_shared"].format(k=k, cell=cell)
    return labels


# --- what may be shown -------------------------------------------------------------------------------------


def _shown_incidents(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The incident rows that took part in the analysis; the rest are counted in ``analysis.left_out``."""
    if s.EDGE_ID in incidents.columns:
        mask = pd.to_numeric(incidents[s.EDGE_ID], errors="coerce").fillna(-1).to_numpy() >= 0
        mask = mask.copy()
    else:
        mask = np.ones(len(incidents), dtype=bool)
        if s.STATUS in incidents.columns:
            mask &= (incidents[s.STATUS] == "ok").to_numpy()
        if s.PRECISION in incidents.columns:
            mask &= incidents[s.PRECISION].isin(list(s.STREET_PRECISION)).to_numpy()
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
    if s.STATUS in observations.columns:
        mask &= (observations[s.STATUS] == "ok").to_numpy()
    return observations[mask]


def _export_tables(analysis: Analysis, privacy: str, *, k: int, cell_m: float) -> Any:
    from trygghet_geo.output.privacy import prepare_export

    inc = _shown_incidents(analysis.incidents)
    obs = _shown_observations(analysis.observations)
    mask = None
    if s.HOTSPOT_ID in inc.columns:
        mask = pd.to_numeric(inc[s.HOTSPOT_ID], errors="coerce").fillna(-1).to_numpy() >= 0
    return prepare_export(inc, obs, mode=privacy, k=k, cell_m=cell_m, hotspot_mask=mask)  # type: ignore[arg-type]


# --- the payload -----------------------------------------------------------------------------------------


def _wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The one place where geometry is converted for Leaflet (EPSG:4326; lon/lat swapped only in the JS)."""
    if gdf.crs is None:
        raise SchemaError("the map needs a CRS on every table; set one with GeoDataFrame.set_crs")
    return gdf.to_crs(s.WGS84) if not gdf.crs.equals(s.WGS84) else gdf


def _lonlat(gdf: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    g = _wgs84(gdf).geometry
    pts = g.representative_point() if (g.geom_type != "Point").any() else g
    lon, lat = pts.x.to_numpy(dtype=float), pts.y.to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    return lon[ok], lat[ok]


def _payload(
    analysis: Analysis, tables: Any, *, lang: str, labels: dict[str, str], title: str | None, streets: bool
) -> dict[str, Any]:
    meta = analysis.meta or {}
    source = md.clean_text(meta.get("source_note"), max_len=300)
    if meta.get("synthetic") and labels["synthetic"].lower() not in source.lower():
        source = labels["synthetic"] + (f" – {source}" if source else "")
    hotspots, rank_scale = _hotspots(analysis, lang=lang, labels=labels)
    return {
        "q": md.Q,
        "lang": lang,
        "locale": "sv-SE" if lang == "sv" else "en-GB",
        "labels": labels,
        "title": md.clean_text(title if title is not None else meta.get("title"), max_len=200)
        or ("Trygghetskarta" if lang == "sv" else "Safety map"),
        "period": _period(meta.get("period"), monthly=tables.mode == "shared"),
        "source": source,
        "incidents": _incidents(tables.points, lang),
        "cells": _cells(tables.cells),
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


def _incidents(points: gpd.GeoDataFrame, lang: str) -> list[dict[str, Any]]:
    if points is None or len(points) == 0:
        return []
    cats = (
        points[s.CATEGORY].map(lambda v: md.clean_text(v, max_len=80) or "övrigt")
        if s.CATEGORY in points
        else pd.Series("övrigt", index=points.index)
    )
    known = [c for c in s.INCIDENT_CATEGORIES if (cats == c).any()]
    other = sorted(set(cats.unique()) - set(known))
    out = []
    for i, cat in enumerate(known + other):
        lon, lat = _lonlat(points[(cats == cat).to_numpy()])
        if len(lon) == 0:
            continue
        color = md.INCIDENT_COLORS.get(cat, ["#17becf", "#bcbd22", "#e377c2", "#7f7f7f"][i % 4])
        out.append(
            {
                "key": cat,
                "label": md.category_label(cat, lang),
                "color": color,
                "n": len(lon),
                "xy": md.encode_points(lon, lat),
            }
        )
    return out


def _cells(cells: gpd.GeoDataFrame | None) -> dict[str, Any] | None:
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
    return {"xy": md.encode_sequence(corners), "n": [int(v) for v in n[ok]]}


def _obs_categories(obs: gpd.GeoDataFrame | None, lang: str) -> list[dict[str, Any]]:
    cats = list(s.OBSERVATION_CATEGORIES)
    counts = pd.Series(dtype=int)
    if obs is not None and len(obs) and s.CATEGORY in obs:
        counts = obs[s.CATEGORY].map(lambda v: md.clean_text(v, max_len=80) or "övrigt").value_counts()
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
    index = {c: i for i, c in enumerate(s.OBSERVATION_CATEGORIES)}
    cats = (
        obs[s.CATEGORY].map(lambda v: md.clean_text(v, max_len=80) or "övrigt")
        if s.CATEGORY in obs
        else pd.Series("övrigt", index=obs.index)
    )
    extra = sorted(set(cats) - set(index))
    index.update({c: len(s.OBSERVATION_CATEGORIES) + i for i, c in enumerate(extra)})

    def col(name: str) -> list[str]:
        return [md.clean_text(v) for v in obs[name]] if name in obs else [""] * len(obs)

    return {
        "xy": md.encode_sequence(np.column_stack([lon[ok], lat[ok]])),
        "cat": [index[c] for c in cats],
        "state": observation_states(obs),
        "note": col(s.NOTE),
        "measure": col(s.MEASURE),
        "date": _dates(obs, monthly=monthly),
    }


def _dates(obs: pd.DataFrame, *, monthly: bool) -> list[str]:
    if "month" in obs:
        return [md.clean_text(v, max_len=20) for v in obs["month"]]
    if s.OCCURRED_AT not in obs:
        return [""] * len(obs)
    col = obs[s.OCCURRED_AT]
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
    lines = gpd.GeoSeries(parts, crs=edges.crs).simplify(_STREET_SIMPLIFY_M).to_crs(s.WGS84)
    return [md.encode_line(shapely.get_coordinates(g)) for g in lines if g is not None and not g.is_empty]


def _area(analysis: Analysis) -> list[list[list[int]]]:
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

        geom = gpd.GeoSeries([hull], crs=nodes.crs).to_crs(s.WGS84).iloc[0]
    return md.encode_polygon(geom)


def _footer(analysis: Analysis, tables: Any, labels: dict[str, str], lang: str) -> list[str]:
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
    analysis: Analysis, *, lang: str, labels: dict[str, str]
) -> tuple[list[dict[str, Any]], list[Any]]:
    """One item per ranked place (plus unranked hotspots), with its polygon, colour and popup fields."""
    from branca.colormap import LinearColormap

    places = analysis.places if analysis.places is not None else None
    hs = analysis.hotspots
    hs_by_id = {}
    if hs is not None and len(hs) and s.HOTSPOT_ID in hs:
        hs_by_id = {
            int(h): row for h, row in zip(hs[s.HOTSPOT_ID], _wgs84(hs).itertuples(index=False), strict=True)
        }
    trend = _trends(analysis, labels)
    items: list[dict[str, Any]] = []
    seen: set[int] = set()
    if places is not None and len(places):
        ranked = _wgs84(places)
        if "rank" in ranked:
            ranked = ranked.sort_values("rank", kind="stable")
        for row in ranked.itertuples(index=False):
            hid = _int(getattr(row, s.HOTSPOT_ID, -1), -1)
            seen.add(hid)
            items.append(_place_item(row, hs_by_id.get(hid), trend.get(hid, ""), lang=lang, labels=labels))
    for hid, row in hs_by_id.items():
        if hid not in seen:
            items.append(_place_item(None, row, trend.get(hid, ""), lang=lang, labels=labels))
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


def _int(value: Any, default: int) -> int:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return int(v) if np.isfinite(v) else default


def _place_item(place: Any, hotspot: Any, trend: str, *, lang: str, labels: dict[str, str]) -> dict[str, Any]:
    def get(name: str) -> Any:
        for row in (place, hotspot):
            if row is not None and hasattr(row, name):
                value = getattr(row, name)
                if not (value is None or (isinstance(value, float) and np.isnan(value))):
                    return value
        return None

    geom = get("geometry")
    rank = _int(get("rank"), 0) if place is not None else 0
    reason = get("reason_en") if lang == "en" and get("reason_en") is not None else get("reason")
    counts: list[tuple[str, int]] = [
        (md.category_label(c, lang), _int(get(f"n_{c}"), 0)) for c in s.INCIDENT_CATEGORIES
    ]
    p_value, score = get("p_value"), get("score")
    p_text = ""
    if p_value is not None and np.isfinite(float(p_value)):
        p_text = f"{float(p_value):.3f}"
        sig = get("significant")
        if sig is not None:
            p_text += f" ({labels['significant'] if bool(sig) else labels['not_significant']})"
    name = md.clean_text(get("name"), max_len=120)
    n_obs = get("n_observations")
    return {
        "rank": rank,
        "name": name or (f"{labels['place']} {rank}" if rank else labels["unranked"]),
        "reason": md.clean_text(reason),
        "trend": md.clean_text(get("trend"), max_len=120) or _trend_6m(get, labels) or trend,
        "p_value": p_text,
        "score": f"{float(score):.2f}" if score is not None and np.isfinite(float(score)) else "",
        "hours": md.clean_text(get("dominant_hours") or get("top_hours"), max_len=40),
        "weekdays": md.clean_text(get("dominant_weekdays") or get("top_weekdays"), max_len=60),
        "n_obs": str(_int(n_obs, 0)) if n_obs is not None and _int(n_obs, 0) > 0 else "",
        "counts": [[label, n] for label, n in counts if n > 0],
        "obs_counts": [
            [md.category_label(c, lang), _int(get(f"n_obs_{c}"), 0)]
            for c in s.OBSERVATION_CATEGORIES
            if _int(get(f"n_obs_{c}"), 0) > 0
        ],
        "color": _UNRANKED_COLOR,
        "poly": md.encode_polygon(geom),
    }


def _trend_6m(get: Any, labels: dict[str, str]) -> str:
    """The ranking's own trend columns (``n_6m``, ``trend_6m_pct``) as text, when it has them."""
    n_6m, pct = get("n_6m"), get("trend_6m_pct")
    if n_6m is None:
        return ""
    text = labels["trend_6m"].format(n=_int(n_6m, 0))
    if pct is not None and np.isfinite(float(pct)):
        text += f" ({'+' if float(pct) >= 0 else '−'}{abs(round(float(pct)))} %)"
    return text


def _trends(analysis: Analysis, labels: dict[str, str]) -> dict[int, str]:
    """Per hotspot: incidents in the later half of the period against the earlier half (plain counts)."""
    inc = analysis.incidents
    if s.HOTSPOT_ID not in inc or s.OCCURRED_AT not in inc or len(inc) == 0:
        return {}
    when = pd.to_datetime(inc[s.OCCURRED_AT], errors="coerce", utc=True)
    hid = pd.to_numeric(inc[s.HOTSPOT_ID], errors="coerce").fillna(-1).astype(int)
    ok = when.notna() & (hid >= 0)
    if not ok.any():
        return {}
    all_when = when.dropna()
    mid = all_when.min() + (all_when.max() - all_when.min()) / 2
    later = (when[ok] > mid).groupby(hid[ok]).agg(["sum", "count"])
    out = {}
    for h, row in later.iterrows():
        n_late, n_early = int(row["sum"]), int(row["count"] - row["sum"])
        out[int(h)] = labels["trend_halves"].format(later=n_late, earlier=n_early)
        if n_early > 0:
            pct = round(100 * (n_late - n_early) / n_early)
            out[int(h)] += f" ({'+' if pct >= 0 else ''}{pct} %)"
    return out


def _bounds(analysis: Analysis, payload: dict[str, Any]) -> list[list[float]]:
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
    b = gpd.GeoSeries(frames[0].geometry, crs=frames[0].crs).to_crs(s.WGS84).total_bounds
    if not np.isfinite(b).all():
        return [[59.0, 17.0], [60.0, 19.0]]  # a neutral view of central Sweden when there is nothing to fit
    return [[float(b[1]), float(b[0])], [float(b[3]), float(b[2])]]


# --- folium wiring -----------------------------------------------------------------------------------------


def _add_groups(
    m: folium.Map, payload: dict[str, Any], labels: dict[str, str], *, heatmap: bool, streets: bool
) -> dict[str, Any]:
    """One folium FeatureGroup per layer so folium's LayerControl lists them; our script fills them.

    Leaflet writes layer names into the control as HTML, so every name is escaped here.
    """
    import folium

    def group(name: str, show: bool = True) -> folium.FeatureGroup:
        fg = folium.FeatureGroup(name=_html_text(name), show=show)
        fg.add_to(m)
        return fg

    groups: dict[str, Any] = {"hotspots": group(labels["hotspots"])}
    groups["incidents"] = [
        group(f"{labels['incidents']}: {c['label']} ({c['n']})") for c in payload["incidents"]
    ]
    if payload["cells"]:
        groups["cells"] = group(f"{labels['cells']} ({sum(payload['cells']['n'])})")
    if heatmap:
        groups["heatmap"] = group(labels["heatmap"], show=False)
    if payload["observations"]:
        groups["observations"] = group(f"{labels['observations']} ({len(payload['observations']['cat'])})")
    if payload["area"]:
        groups["area"] = group(labels["area"])
    if streets and payload["streets"]:
        groups["streets"] = group(labels["streets"])
    return groups


@cache
def _static(name: str) -> str:
    return resources.files("trygghet_geo.output").joinpath("static", name).read_text(encoding="utf-8")


@cache
def _static_data_uri(name: str, mime: str) -> str:
    data = resources.files("trygghet_geo.output").joinpath("static", name).read_bytes()
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _vendor_css() -> str:
    """Leaflet's and the fullscreen control's CSS with their images turned into data URIs."""
    css = _static("leaflet.css")
    for img in ("layers-2x.png", "layers.png", "marker-icon.png"):
        css = css.replace(f"url(images/{img})", f"url({_static_data_uri(img, 'image/png')})")
    return css + "\n" + _fullscreen_css()


def _script_text(code: str) -> str:
    """Vendored JavaScript is trusted code, but a ``</script`` inside it would still end the block."""
    return code.replace("</script", "<\\/script")


class _Raw(Element):
    """Text written into the page verbatim.

    branca wraps what a MacroElement's macros return in a new ``Element`` and renders it as a Jinja2
    template a second time, so ``{{ ... }}`` typed into a note would be evaluated. This element is never
    treated as a template.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class _MapData(MacroElement):
    """Carries the CSS, the (inlined) scripts and the payload; added to the map after the FeatureGroups."""

    def __init__(self, payload: dict[str, Any], groups: dict[str, Any], *, self_contained: bool) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca's MacroElement.__init__ is unannotated
        self._name = "TrygghetMapData"
        head = []
        if self_contained:
            head.append(f"<script>{_script_text(_static('leaflet.js'))}</script>")
        css = _vendor_css() if self_contained else _fullscreen_css()
        head.append(f"<style>{css}\n{_static('trygghet_map.css')}</style>")
        head.append(f"<script>{_script_text(_static('Control.FullScreen.js'))}</script>")
        head.append(f"<script>{_script_text(_static('leaflet-heat.js'))}</script>")
        self.head = "\n".join(head)
        self.runtime = _script_text(_static("trygghet_map.js"))
        self.data = md.safe_json(payload)
        self.groups = _groups_js(groups)

    def render(self, **kwargs: Any) -> str:
        figure: Any = self.get_root()
        figure.header.add_child(_Raw(self.head), name=self.get_name())
        parent: Any = self._parent
        call = f"TrygghetMap.build({parent.get_name()}, {self.data}, {self.groups});"
        figure.script.add_child(_Raw(f"{self.runtime}\n{call}"), name=self.get_name())
        return ""


def _html_text(text: str) -> str:
    """Text for folium's own templates: HTML-escaped, and braces as entities.

    folium renders what its templates produce a second time as Jinja2 templates, so a ``{{`` or ``{%`` in a
    layer name would be evaluated; as ``&#123;`` the browser still shows ``{``.
    """
    return html.escape(text).replace("{", "&#123;").replace("}", "&#125;")


def _fullscreen_css() -> str:
    return _static("Control.FullScreen.css").replace(
        "url(icon-fullscreen.svg)", f"url({_static_data_uri('icon-fullscreen.svg', 'image/svg+xml')})"
    )


def _groups_js(groups: dict[str, Any]) -> str:
    """JS object literal naming the FeatureGroup variables (identifiers folium generated, not user text)."""
    parts = []
    for key, value in groups.items():
        if isinstance(value, list):
            parts.append(f"{key}: [{', '.join(g.get_name() for g in value)}]")
        else:
            parts.append(f"{key}: {value.get_name()}")
    return "{" + ", ".join(parts) + "}"
