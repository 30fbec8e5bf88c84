"""The precision policy between geocoding and clustering, and the accounting of safety-walk remarks.

- A geocoder answer flagged ambiguous (a rival elsewhere scored within a few points) or scoring below
  ``min_geocode_score`` (default :data:`trygghet_geo.schema.MIN_GEOCODE_SCORE`, 80 of 100) is not placed on
  a street for clustering: its row keeps status ``ok`` and its point, gets reason ``geocode_uncertain`` and
  is counted among the rows left out (remarks stay on the map, marked uncertain). ``include_uncertain=True``
  clusters them anyway.
- Place text naming only a municipality or a county is caught by the readers (precision ``municipality`` /
  ``county``, reason ``coarse_location``) and never geocoded to a street point.
- Remarks: every row read is either used in the ranking or left out with a reason; resolved remarks
  (``remark_status`` åtgärdad/avslutad) and positive or neutral ones (``remark_tone``) are no current
  problems.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trygghet_geo import schema

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "flag_town_only",
    "flag_uncertain",
    "observation_reasons",
    "observation_states",
    "off_map_reasons",
    "problem_remarks",
]

_FROM_TEXT = ("address", "interpolated", "intersection", "street", "place")


def flag_uncertain(
    gdf: gpd.GeoDataFrame, *, min_geocode_score: float = schema.MIN_GEOCODE_SCORE, include: bool = False
) -> gpd.GeoDataFrame:
    """Rows placed from text whose answer was ambiguous or scored below ``min_geocode_score`` get reason
    ``geocode_uncertain`` (a new table; nothing else changes). With ``include`` the table is returned as is.

    >>> import geopandas as gpd
    >>> t = gpd.GeoDataFrame({"status": ["ok", "ok", "ok"], "reason": ["", "", ""],
    ...                       "geocode_method": ["address", "street", "coordinates"],
    ...                       "geocode_score": [95.0, 75.0, 100.0],
    ...                       "geocode_ambiguous": [True, False, False]})
    >>> flag_uncertain(t)["reason"].tolist()
    ['geocode_uncertain', 'geocode_uncertain', '']
    """
    if include or schema.GEOCODE_METHOD not in gdf.columns:
        return gdf
    method = gdf[schema.GEOCODE_METHOD].astype("object")
    from_text = method.isin(_FROM_TEXT).to_numpy(dtype=bool)
    score = pd.to_numeric(gdf.get(schema.GEOCODE_SCORE), errors="coerce")
    low = (score < float(min_geocode_score)).to_numpy(dtype=bool) if score is not None else False
    ambiguous = (
        gdf["geocode_ambiguous"].fillna(False).to_numpy(dtype=bool)
        if "geocode_ambiguous" in gdf.columns
        else np.zeros(len(gdf), dtype=bool)
    )
    uncertain = from_text & (low | ambiguous) & (gdf[schema.STATUS] == "ok").to_numpy(dtype=bool)
    if not uncertain.any():
        return gdf
    out = gdf.copy()
    out.loc[uncertain, schema.REASON] = "geocode_uncertain"
    return out


def flag_town_only(gdf: gpd.GeoDataFrame, towns: list[str]) -> gpd.GeoDataFrame:
    """Rows still to be geocoded whose place text is only one of ``towns`` (the municipality names of the
    incident file's town column) get status ``rejected``, reason ``coarse_location``, precision
    ``municipality``: never geocoded to a street point. A new table; the input is not changed."""
    if not towns or schema.PLACE_TEXT not in gdf.columns:
        return gdf
    names = {t.strip().casefold() for t in towns}
    hit = (gdf[schema.STATUS] == "needs_geocoding").to_numpy(dtype=bool) & (
        gdf[schema.PLACE_TEXT]
        .fillna("")
        .astype("str")
        .str.strip()
        .str.casefold()
        .isin(names)
        .to_numpy(dtype=bool)
    )
    if not hit.any():
        return gdf
    out = gdf.copy()
    out.loc[hit, schema.STATUS] = "rejected"
    out.loc[hit, schema.REASON] = "coarse_location"
    out.loc[hit, schema.PRECISION] = "municipality"
    return out


def problem_remarks(obs: pd.DataFrame) -> np.ndarray:
    """True for remarks that name a current problem: not resolved, not positive or neutral."""
    n = len(obs)
    resolved = (
        obs[schema.REMARK_STATUS].isin(list(schema.REMARK_RESOLVED)).to_numpy(dtype=bool)
        if schema.REMARK_STATUS in obs.columns
        else np.zeros(n, dtype=bool)
    )
    not_problem = (
        (obs[schema.REMARK_TONE].fillna("problem") != "problem").to_numpy(dtype=bool)
        if schema.REMARK_TONE in obs.columns
        else np.zeros(n, dtype=bool)
    )
    out: np.ndarray = ~resolved & ~not_problem
    return out


def observation_reasons(obs: pd.DataFrame) -> pd.Series:
    """Why each remark took no part in the ranking (``""`` for the remarks that did): the row's own reason
    when it is not on the streets (not geocoded, failed, too far …), then ``geocode_uncertain``, then
    ``remark_resolved``, then ``remark_not_problem``."""
    n = len(obs)
    on_street = (
        (pd.to_numeric(obs[schema.EDGE_ID], errors="coerce").fillna(-1) >= 0).to_numpy(dtype=bool)
        if schema.EDGE_ID in obs.columns
        else (obs[schema.STATUS] == "ok").to_numpy(dtype=bool)
    )
    reason = obs[schema.REASON].fillna("").astype("object").to_numpy().copy()
    waiting = (obs[schema.STATUS] == "needs_geocoding").to_numpy(dtype=bool)
    reason[~on_street & ((reason == "") | waiting)] = "not_geocoded"
    out = np.where(on_street, "", reason).astype(object)
    uncertain = (obs[schema.REASON] == "geocode_uncertain").to_numpy(dtype=bool)
    out[uncertain] = "geocode_uncertain"
    resolved = (
        obs[schema.REMARK_STATUS].isin(list(schema.REMARK_RESOLVED)).to_numpy(dtype=bool)
        if schema.REMARK_STATUS in obs.columns
        else np.zeros(n, dtype=bool)
    )
    free = out == ""
    out[free & resolved] = "remark_resolved"
    free = out == ""
    out[free & ~problem_remarks(obs)] = "remark_not_problem"
    return pd.Series(out, index=obs.index, dtype=object)


def observation_states(obs: pd.DataFrame) -> list[str]:
    """Per remark drawn on a map: "" (a current problem), "uncertain" (placed by an uncertain geocoder
    answer), "resolved" (åtgärdad/avslutad) or "positive" (praise or a neutral note)."""
    state = np.full(len(obs), "", dtype=object)
    state[~problem_remarks(obs)] = "positive"
    if schema.REMARK_STATUS in obs.columns:
        state[obs[schema.REMARK_STATUS].isin(list(schema.REMARK_RESOLVED)).to_numpy(dtype=bool)] = "resolved"
    if schema.REASON in obs.columns:
        state[(obs[schema.REASON] == "geocode_uncertain").to_numpy(dtype=bool)] = "uncertain"
    return [str(v) for v in state]


def off_map_reasons(obs: pd.DataFrame, has_geometry: np.ndarray) -> dict[str, int]:
    """Reason code -> remarks a map cannot draw (no point, or a status other than ``ok``), largest first."""
    mask = np.asarray(has_geometry, dtype=bool).copy()
    if schema.STATUS in obs.columns:
        mask &= (obs[schema.STATUS] == "ok").to_numpy()
    off = obs[~mask]
    if schema.REASON in off.columns:
        reasons = off[schema.REASON].fillna("").replace("", "not_geocoded")
    else:
        reasons = pd.Series("not_geocoded", index=off.index)
    if schema.STATUS in off.columns:
        reasons = reasons.where(off[schema.STATUS] != "needs_geocoding", "not_geocoded")
    return {str(k): int(v) for k, v in reasons.value_counts().items()}
