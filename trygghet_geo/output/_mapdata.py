"""Plumbing for :mod:`.maps`: labels, text cleaning, safe JSON and compact coordinate encoding.

Nothing here is public API. The map ships its data to the browser as one JSON payload inside a ``<script>``
block; coordinates are quantised to 1e-5 degrees (about 1 m) and delta-encoded as integers, so 100,000
incidents cost well under a megabyte and the page holds no JavaScript object per point until it draws them.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from trygghet_geo import schema
from trygghet_geo.output._redact import clean_text

__all__ = [
    "LABELS",
    "Q",
    "category_label",
    "encode_line",
    "encode_points",
    "encode_polygon",
    "encode_sequence",
    "reason_text",
    "safe_json",
]

#: Quantisation of WGS84 degrees: integers of 1e-5 degree (~1.1 m north-south).
Q = 100_000

# Bidi embeddings/overrides/isolates and other invisible format characters that can disguise text, and every
# C0/C1 control except newline and tab. Removed from everything shown; the text itself stays literal.

MAX_TEXT = 600  # characters of one free text shown on the map

INCIDENT_COLORS = {
    "narkotika": "#7b3294",
    "stöld": "#1f78b4",
    "trafik": "#33a02c",
    "skadegörelse": "#ff7f00",
    "våld": "#e31a1c",
    "ordningsstörning": "#a6611a",
    "övrigt": "#636363",
}
OBSERVATION_STYLE = {  # category -> (colour, symbol in sv, symbol in en)
    "belysning": ("#f1b300", "B", "L"),
    "vegetation": ("#2e8b57", "V", "V"),
    "skadegörelse/klotter": ("#d95f02", "K", "G"),
    "nedskräpning": ("#8c6d31", "N", "R"),
    "trafikmiljö": ("#1f78b4", "T", "T"),
    "folksamling/otrygghet": ("#c51b7d", "F", "U"),
    "övrigt": ("#636363", "Ö", "O"),
}

_CATEGORY_EN = {
    "narkotika": "Drugs",
    "stöld": "Theft",
    "trafik": "Traffic",
    "skadegörelse": "Vandalism",
    "våld": "Violence",
    "ordningsstörning": "Public disorder",
    "övrigt": "Other",
    "belysning": "Lighting",
    "vegetation": "Vegetation",
    "skadegörelse/klotter": "Vandalism/graffiti",
    "nedskräpning": "Litter",
    "trafikmiljö": "Traffic environment",
    "folksamling/otrygghet": "Gatherings/feeling unsafe",
}

LABELS: dict[str, dict[str, str]] = {
    "sv": {
        "hotspots": "Hotspots (rangordnade platser)",
        "incidents": "Händelser",
        "cells": "Händelser, aggregerade rutor",
        "heatmap": "Värmekarta (plan)",
        "density": "Täthet längs gatorna",
        "density_unit_year": "händelser per km gata och år",
        "density_unit_event": "andel av händelserna per km gata",
        "bandwidth": "bandbredd",
        "observations": "Trygghetsvandring",
        "area": "Studieområde",
        "streets": "Gatunät",
        "ranked": "Platser för gemensamma besök",
        "rank": "Rang",
        "place": "Plats",
        "reason": "Skäl",
        "counts": "Händelser per kategori",
        "trend": "Trend",
        "p_value": "p-värde",
        "significant": "signifikant",
        "not_significant": "ej signifikant",
        "score": "Poäng",
        "category": "Kategori",
        "note": "Anteckning",
        "measure": "Åtgärdsförslag",
        "date": "Datum",
        "period": "Period",
        "source": "Källa",
        "synthetic": "Syntetiska exempeldata",
        "left_out": "Utelämnade rader",
        "none_left_out": "Inga rader utelämnade",
        "obs_footer": "Synpunkter: {n} lästa, {shown} på kartan, {left} inte på kartan",
        "obs_state": "Läge",
        "obs_state_resolved": "Åtgärdad – inget aktuellt problem",
        "obs_state_positive": "Positiv/neutral – inget problem",
        "obs_state_uncertain": "Osäker plats (geokodningen tvetydig eller osäker)",
        "privacy": "Integritetsläge",
        "method": "Metod",
        "privacy_shared": "delad – enskilda punkter visas bara där minst {k} händelser delar en "
        "{cell} m-ruta, övriga som rutor; hotspots med minst {k} händelser; datum per månad; "
        "anteckningar rensade från personuppgifter",
        "privacy_internal": "internt – punkter som geokodade, endast för analytiker",
        "legend": "Teckenförklaring",
        "rank_scale": "Rang (1 = högst)",
        "events": "händelser",
        "events_in_cell": "händelser i rutan",
        "points_here": "Händelser här",
        "hours": "Vanligaste tider",
        "weekdays": "Vanligaste dagar",
        "trend_text": "{later} senare halvåret mot {earlier} tidigare ({sign}{pct} %)",
        "trend_halves": "{later} andra halvan mot {earlier} första",
        "trend_6m": "{n} senaste 6 mån",
        "obs_counts": "Synpunkter per kategori",
        "no_places": "Inga rangordnade platser",
        "unranked": "ej rangordnad",
        "n_observations": "Synpunkter",
        "show_panel": "Visa lista",
        "hide_panel": "Dölj",
        "fullscreen": "Helskärm",
        "exit_fullscreen": "Lämna helskärm",
        "osm": "Gatunät © OpenStreetMap contributors (ODbL)",
    },
    "en": {
        "hotspots": "Hotspots (ranked places)",
        "incidents": "Incidents",
        "cells": "Incidents, aggregated cells",
        "heatmap": "Heat map (planar)",
        "density": "Density along the streets",
        "density_unit_year": "events per km of street per year",
        "density_unit_event": "share of events per km of street",
        "bandwidth": "bandwidth",
        "observations": "Safety walk",
        "area": "Study area",
        "streets": "Street network",
        "ranked": "Places for joint visits",
        "rank": "Rank",
        "place": "Place",
        "reason": "Reason",
        "counts": "Incidents by category",
        "trend": "Trend",
        "p_value": "p-value",
        "significant": "significant",
        "not_significant": "not significant",
        "score": "Score",
        "category": "Category",
        "note": "Note",
        "measure": "Suggested measure",
        "date": "Date",
        "period": "Period",
        "source": "Source",
        "synthetic": "Synthetic example data",
        "left_out": "Rows left out",
        "none_left_out": "No rows left out",
        "obs_footer": "Remarks: {n} read, {shown} on the map, {left} not on the map",
        "obs_state": "State",
        "obs_state_resolved": "Resolved – no current problem",
        "obs_state_positive": "Positive/neutral – no problem",
        "obs_state_uncertain": "Uncertain place (geocoding ambiguous or unsure)",
        "privacy": "Privacy mode",
        "method": "Method",
        "privacy_shared": "shared – single points shown only where at least {k} incidents share a "
        "{cell} m cell, the rest as cells; hotspots of at least {k} incidents; dates by month; "
        "notes cleared of personal data",
        "privacy_internal": "internal – points as geocoded, for analysts only",
        "legend": "Legend",
        "rank_scale": "Rank (1 = highest)",
        "events": "incidents",
        "events_in_cell": "incidents in the cell",
        "points_here": "Incidents here",
        "hours": "Most frequent hours",
        "weekdays": "Most frequent days",
        "trend_text": "{later} in the later half vs {earlier} in the earlier ({sign}{pct} %)",
        "trend_halves": "{later} in the later half vs {earlier} in the earlier",
        "trend_6m": "{n} in the last 6 months",
        "obs_counts": "Observations by category",
        "no_places": "No ranked places",
        "unranked": "unranked",
        "n_observations": "Observations",
        "show_panel": "Show list",
        "hide_panel": "Hide",
        "fullscreen": "Full screen",
        "exit_fullscreen": "Exit full screen",
        "osm": "Streets © OpenStreetMap contributors (ODbL)",
    },
}


def category_label(category: str, lang: str) -> str:
    """Display name of a canonical category (Swedish vocabulary) in ``lang``.

    >>> category_label("våld", "en"), category_label("våld", "sv")
    ('Violence', 'Våld')
    """
    text = clean_text(category, max_chars=80).strip()
    if lang == "en":
        return _CATEGORY_EN.get(text, text)
    return text[:1].upper() + text[1:]


def reason_text(code: str, lang: str) -> str:
    """Human text of a left-out reason code (schema.REASONS), the code itself when unknown."""
    if code not in schema.REASONS:
        return clean_text(code, max_chars=80).strip() or "?"
    return schema.reason_text(code, lang)


def safe_json(obj: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` block.

    ``<``, ``>`` and ``&`` become ``\\u003c``/``\\u003e``/``\\u0026`` (so neither ``</script>`` nor ``<!--``
    can appear), and U+2028/U+2029 are escaped (older JavaScript engines treat them as line ends).
    NaN and infinities are refused rather than written as invalid JSON.

    >>> safe_json({"a": "</script><!--"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003c!--"}'
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _quantise(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.round(np.asarray(lon, dtype=float) * Q).astype(np.int64), np.round(
        np.asarray(lat, dtype=float) * Q
    ).astype(np.int64)


def _delta(x: np.ndarray, y: np.ndarray) -> list[int]:
    flat = np.empty(2 * len(x), dtype=np.int64)
    flat[0::2] = np.diff(x, prepend=0)
    flat[1::2] = np.diff(y, prepend=0)
    return flat.tolist()


def encode_points(lon: np.ndarray, lat: np.ndarray, *, band: int = 64) -> list[int]:
    """Points (WGS84) as one flat delta-encoded integer list ``[x0, y0, dx1, dy1, ...]`` in 1e-5 degrees.

    The points are reordered (bands of ``band`` units north-south, alternate directions east-west) so that
    consecutive deltas stay small; the order carries no meaning.

    >>> encode_points(np.array([10.0, 10.00002]), np.array([60.0, 60.00001]))
    [1000000, 6000000, 2, 1]
    """
    x, y = _quantise(lon, lat)
    if len(x) == 0:
        return []
    row = (y - y.min()) // band
    snake = np.where(row % 2 == 0, x, -x)
    order = np.lexsort((snake, row))
    return _delta(x[order], y[order])


def encode_line(coords: np.ndarray) -> list[int]:
    """A line's ``(lon, lat)`` coordinates as a delta-encoded integer list, repeated vertices dropped.

    >>> encode_line(np.array([[10.0, 60.0], [10.0, 60.0], [10.001, 60.0]]))
    [1000000, 6000000, 100, 0]
    """
    x, y = _quantise(coords[:, 0], coords[:, 1])
    keep = np.ones(len(x), dtype=bool)
    keep[1:] = (np.diff(x) != 0) | (np.diff(y) != 0)
    return _delta(x[keep], y[keep])


def encode_polygon(geom: Any) -> list[list[list[int]]]:
    """A (Multi)Polygon in WGS84 as a list of polygons, each a list of encoded rings (exterior first)."""
    import shapely

    out: list[list[list[int]]] = []
    if geom is None or geom.is_empty:
        return out
    parts = geom.geoms if hasattr(geom, "geoms") else [geom]
    for part in parts:
        if not isinstance(part, shapely.Polygon) or part.is_empty:
            continue
        rings = [part.exterior, *part.interiors]
        out.append([encode_line(np.asarray(r.coords)[:, :2]) for r in rings])
    return out


def encode_sequence(coords: np.ndarray) -> list[int]:
    """``(lon, lat)`` rows as a delta-encoded integer list, every row kept (point lists, cell corners).

    >>> encode_sequence(np.array([[10.0, 60.0], [10.0, 60.0]]))
    [1000000, 6000000, 0, 0]
    """
    coords = np.asarray(coords, dtype=float).reshape(-1, 2)
    x, y = _quantise(coords[:, 0], coords[:, 1])
    return _delta(x, y)
