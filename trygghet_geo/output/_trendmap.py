"""The map's "Utveckling" layer: street segments coloured by their pattern over time.

Nothing here is public API. :func:`trend_layer` turns the segment table of
:func:`trygghet_geo.emerging_hotspots` into a compact payload: per pattern (new, intensifying, persistent …
hot and cold spots), its name through the text catalogue, its colour and the merged segments as delta-encoded
lines. Segments with no pattern are not drawn. In the shared privacy mode only segments holding at least
``k`` events are drawn, and no per-step count leaves the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np

from trygghet_geo._text import text
from trygghet_geo.hotspots import PATTERNS
from trygghet_geo.output._densitymap import encode_pieces

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["PATTERN_COLORS", "trend_layer"]

#: Hot patterns in reds and oranges, cold ones in blues, fading ones muted (as ArcGIS draws them).
PATTERN_COLORS: Final = {
    "new": "#fd8d3c",
    "consecutive": "#fc4e2a",
    "intensifying": "#800026",
    "persistent": "#bd0026",
    "diminishing": "#fb9a99",
    "sporadic": "#f768a1",
    "oscillating": "#ae017e",
    "historical": "#a6761d",
    "cold_new": "#9ecae1",
    "cold_consecutive": "#6baed6",
    "cold_intensifying": "#08306b",
    "cold_persistent": "#08519c",
    "cold_diminishing": "#c6dbef",
    "cold_sporadic": "#4292c6",
    "cold_oscillating": "#54278f",
    "cold_historical": "#969696",
}


def trend_layer(
    segments: gpd.GeoDataFrame | None, *, privacy: str, k: int, lang: str
) -> dict[str, Any] | None:
    """The compact payload of the layer, or None when no segment may be drawn."""
    if segments is None or len(segments) == 0 or "pattern" not in segments.columns:
        return None
    pattern = segments["pattern"].astype(str).to_numpy()
    show = pattern != "no_pattern"
    if privacy == "shared":
        show &= segments["n_events"].to_numpy(dtype=float) >= k
    if not show.any():
        return None
    geoms = segments.geometry.to_numpy()
    classes = []
    for p in PATTERNS:
        sel = show & (pattern == p)
        if not sel.any():
            continue
        classes.append(
            {
                "key": p,
                "label": text(f"pattern.{p}", lang=lang),
                "color": PATTERN_COLORS[p],
                "n": int(sel.sum()),
                "lines": encode_pieces(geoms[sel], segments.crs),
            }
        )
    step = str(segments.attrs.get("time_step", "month"))
    step_name = text(f"step.{step}", lang=lang) if f"step.{step}" in _STEPS else step
    return {
        "title": text(
            "map.trend_legend", lang=lang, step=f"{len(segments.attrs.get('steps', []))} {step_name}"
        ),
        "classes": classes,
        "segments": int(np.count_nonzero(show)),
    }


_STEPS: Final = {f"step.{s}" for s in ("day", "week", "month", "quarter", "year")}
