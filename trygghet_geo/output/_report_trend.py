"""The board report's section "Utvecklingen över tid": the pattern over time of the top places and the
near-repeat table, every text through the catalogue (:func:`trygghet_geo._text.text`).

Nothing here is public API; :mod:`.report` puts the returned context into its own template block. The
patterns come from :func:`trygghet_geo.emerging_hotspots` on the analysis' street-located incidents, the table
from :func:`trygghet_geo.near_repeat`; both are aggregates of the shared places and pairs of events, so the
section adds nothing personal. A place's pattern is that of the busiest segment with a pattern within it
(segments drawn from fewer than ``k`` events do not count).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo._text import resolve_lang, text
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.output._source import AnalysisLike

__all__ = ["trend_section"]

logger = logging.getLogger(__name__)

_NEAR_M = 25.0  # a segment counts for a place when it comes this close to the place's outline


def trend_section(
    analysis: AnalysisLike,
    places: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    k: int,
    lang: str | None = None,
    n_simulations: int = 99,
) -> dict[str, Any] | None:
    """The section's context, or None when the data hold no time to analyse."""
    from trygghet_geo.hotspots import emerging_hotspots, near_repeat

    language = resolve_lang(lang)
    if analysis.network is None or len(incidents) < 2:
        return None
    try:
        segments = emerging_hotspots(incidents, analysis.network, lang=language)
        table = near_repeat(incidents, analysis.network, n_simulations=n_simulations, lang=language)
    except InputError as exc:  # e.g. no incident with a time: the report goes on without the section
        logger.info("no time section in the report: %s", exc)
        return None
    steps = segments.attrs["steps"]
    step = str(segments.attrs["time_step"])
    return {
        "lang": language,
        "title": text("report.trend_title", lang=language),
        "intro": text(
            "report.trend_intro",
            lang=language,
            segment=f"{segments.attrs['segment_m']:g}",
            n=len(steps),
            step=text(f"step.{step}", lang=language),
        ),
        "head": [text(f"report.trend_{c}", lang=language) for c in ("place", "pattern", "z")],
        "rows": _place_patterns(places, segments, k=k, lang=language),
        "none": text("report.trend_none", lang=language),
        "nr_title": text("report.near_repeat_title", lang=language),
        "nr_head": [
            text(f"report.nr_{c}", lang=language)
            for c in ("space", "time", "observed", "expected", "ratio", "p")
        ],
        "nr_rows": _near_rows(table, language),
        "nr_text": str(table.attrs.get("interpretation", "")),
    }


def _place_patterns(
    places: gpd.GeoDataFrame, segments: gpd.GeoDataFrame, *, k: int, lang: str
) -> list[dict[str, str]]:
    if places is None or len(places) == 0:
        return []
    seg = segments[(segments["pattern"] != "no_pattern") & (segments["n_events"] >= k)]
    shapes = places.to_crs(segments.crs).geometry.buffer(_NEAR_M)
    rows = []
    for name, shape in zip(places["name"], shapes, strict=True):
        near = seg[seg.intersects(shape)] if shape is not None and not shape.is_empty else seg.iloc[:0]
        if len(near):
            best = near.loc[near["n_events"].idxmax()]
            label, z = str(best["label"]), _num(float(best["trend_z"]), lang)
        else:
            label, z = text("pattern.no_pattern", lang=lang), ""
        rows.append({"name": str(name), "pattern": label, "z": z})
    return rows


def _near_rows(table: pd.DataFrame, lang: str) -> list[list[str]]:
    out = []
    for r in table.itertuples():
        out.append(
            [
                f"{r.space_from_m:g}–{r.space_to_m:g}",
                f"{r.time_from_days:g}–{r.time_to_days:g}",
                str(int(r.observed)),
                _num(float(r.expected), lang),
                _num(float(r.ratio), lang, digits=2),
                _num(float(r.p_value), lang, digits=3),
            ]
        )
    return out


def _num(x: float, lang: str, *, digits: int = 1) -> str:
    if not np.isfinite(x):
        return "–"
    s = f"{x:.{digits}f}"
    return s.replace(".", ",") if lang == "sv" else s
