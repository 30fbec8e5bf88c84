"""What the output stage reads from a run of the flow, as a structural type.

The map and the report take any object with these attributes; :class:`trygghet_geo.analysis.Analysis` is
the one the flow makes. Typing against this protocol instead of the class keeps the output stage from
depending on the module that calls it (``analysis`` imports ``output.maps`` for ``Analysis.to_map``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = ["AnalysisLike"]


class AnalysisLike(Protocol):
    """The tables and facts of one run (see :class:`trygghet_geo.analysis.Analysis` for each field)."""

    incidents: gpd.GeoDataFrame
    observations: gpd.GeoDataFrame | None
    hotspots: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    network: StreetNetwork
    left_out: dict[str, int]
    meta: dict[str, Any]
    study_area: gpd.GeoDataFrame | None
