"""Types the public signatures share: what a date, a period and an array of labels may be given as."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, TypeAlias, TypedDict

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["DateLike", "MapCall", "MapOptions", "Period"]

DateLike: TypeAlias = str | dt.date | pd.Timestamp | np.datetime64
"""A date or instant: ``"2025-11-01"``, a ``date``/``datetime``, a ``Timestamp`` or a ``datetime64``."""

Period: TypeAlias = tuple[DateLike, DateLike]
"""A (start, end) pair of dates; an end given as a date covers that whole day."""


class MapOptions(TypedDict, total=False):
    """The keywords of :func:`trygghet_geo.output.maps.make_map` after the analysis (see there)."""

    lang: Literal["sv", "en"] | None
    privacy: Literal["shared", "internal"]
    heatmap: bool | Literal["density", "planar", "both"]
    title: str | None
    k: int
    cell_m: float
    streets: bool | None
    tiles: str
    density: gpd.GeoDataFrame | None
    basemap: dict[str, gpd.GeoDataFrame] | bool | None
    trend: gpd.GeoDataFrame | None


class MapCall(MapOptions, total=False):
    """:class:`MapOptions` and ``self_contained``: what ``Analysis.to_map`` and ``.to_html`` pass on."""

    self_contained: bool
