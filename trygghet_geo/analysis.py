"""The high-level entry point: ``analyze(...)`` runs the whole flow and returns an :class:`Analysis`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = ["Analysis", "analyze"]


@dataclass
class Analysis:
    """Everything one run of the flow produced.

    Attributes
    ----------
    incidents : GeoDataFrame
        Every input incident row (none dropped), in the network's metric CRS, with the canonical columns of
        :mod:`trygghet_geo.schema` plus ``cluster`` and ``hotspot_id`` (-1 when not in one).
    observations : GeoDataFrame or None
        Every safety-walk observation row, same conventions.
    hotspots : GeoDataFrame
        One row per hotspot (see :func:`trygghet_geo.hotspots.find_hotspots`); geometry is the buffered polygon
        for display, ``segments`` the street segments it covers.
    places : GeoDataFrame
        The ranked places for joint visits (see :func:`trygghet_geo.rank.rank_places`).
    network : StreetNetwork
        The street network used for snapping and distances.
    left_out : dict
        Reason code -> number of incident rows left out of the clustering for that reason.
    meta : dict
        ``title``, ``period`` (start, end timestamps), ``source_note``, ``synthetic`` (bool), ``eps_m``,
        ``min_samples`` and other run parameters.
    """

    incidents: gpd.GeoDataFrame
    observations: gpd.GeoDataFrame | None
    hotspots: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    network: StreetNetwork
    left_out: dict[str, int] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_map(self, **kwargs: Any) -> folium.Map:
        """The interactive map (a ``folium.Map``); keyword arguments go to :func:`trygghet_geo.maps.make_map`."""
        from trygghet_geo.maps import make_map

        return make_map(self, **kwargs)

    def to_html(self, path: str | Path, **kwargs: Any) -> Path:
        """Write the map as one HTML file; defaults to the ``"shared"`` privacy mode. Returns the path."""
        from trygghet_geo.maps import save_html

        return save_html(self, path, **kwargs)


def analyze(*args: Any, **kwargs: Any) -> Analysis:  # replaced by the full flow below
    raise NotImplementedError
