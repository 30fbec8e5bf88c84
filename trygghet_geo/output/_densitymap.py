"""The map's "density along the streets" layer: lixels coloured by network kernel density, in classes.

Nothing here is public API. :func:`density_layer` turns a lixel table from
:func:`trygghet_geo.density.network_kde` into a compact payload: per class, the merged street pieces as
delta-encoded lines (drawn on one canvas per class by ``static/trygghet_map.js``), the class limits and
colours, and the unit. In the shared privacy mode only lixels whose density comes from at least ``k`` events
(``count_within_bandwidth >= k``) are drawn.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import numpy as np

from trygghet_geo import schema
from trygghet_geo.output import _mapdata as md

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.output._source import AnalysisLike

logger = logging.getLogger(__name__)

#: Five classes, light to dark (ColorBrewer YlOrRd).
COLORS = ("#fecc5c", "#fd8d3c", "#f03b20", "#bd0026", "#67000d")
_SIMPLIFY_M = 1.5
_CLASSIFY_SAMPLE = 1000  # classes are found on this many quantiles of the densities


def density_for_map(analysis: AnalysisLike) -> gpd.GeoDataFrame | None:
    """The lixel density of the analysis' street-level incidents with :func:`network_kde`'s defaults, or None
    when there are too few to choose a bandwidth."""
    from trygghet_geo.density import network_kde
    from trygghet_geo.errors import InputError
    from trygghet_geo.output._layers import _shown_incidents

    network = analysis.network
    if network is None:
        return None
    incidents = _shown_incidents(analysis.incidents)
    if len(incidents) < 2:
        return None
    try:
        return network_kde(incidents, network)
    except InputError as exc:  # e.g. fewer than two incidents on the streets: no layer, the map still draws
        logger.info("no density layer: %s", exc)
        return None


def classes(values: np.ndarray, k: int = len(COLORS)) -> np.ndarray:
    """Upper limits of up to ``k`` quantile classes (mapclassify's ``Quantiles``; on a fixed grid of quantiles
    for large tables).

    Quantiles rather than natural breaks: mapclassify's Jenks–Caspall iterates without a bound and can cycle
    for ever on tied densities, and its Fisher–Jenks needs numba; quantile classes always end and give the
    same classes for the same densities."""
    import mapclassify

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if len(v) == 0:
        return np.empty(0)
    if len(v) > _CLASSIFY_SAMPLE:
        v = np.quantile(v, np.linspace(0, 1, _CLASSIFY_SAMPLE))
    n_unique = len(np.unique(v))
    if n_unique <= k:
        return np.unique(v)
    bins = np.unique(np.asarray(mapclassify.Quantiles(v, k=k).bins, dtype=float))
    bins[-1] = max(bins[-1], float(np.max(values)))
    return bins


def encode_pieces(geoms: np.ndarray, crs: Any) -> list[list[int]]:
    """Street pieces (lines in ``crs``) merged where they touch, simplified and delta-encoded for the map."""
    import geopandas as gpd
    import shapely

    if len(geoms) == 0:
        return []
    merged = shapely.line_merge(shapely.MultiLineString(list(geoms)))
    pieces = list(merged.geoms) if hasattr(merged, "geoms") else [merged]
    wgs = gpd.GeoSeries(pieces, crs=crs).simplify(_SIMPLIFY_M).to_crs(schema.WGS84)
    return [md.encode_line(shapely.get_coordinates(g)) for g in wgs if g is not None and not g.is_empty]


def density_layer(
    lixels: gpd.GeoDataFrame | None, *, privacy: str, k: int, labels: dict[str, str]
) -> dict[str, Any] | None:
    """The compact payload of the layer, or None when nothing may be drawn."""
    if lixels is None or len(lixels) == 0 or "density" not in lixels.columns:
        return None
    dens = lixels["density"].to_numpy(dtype=float)
    show = np.isfinite(dens) & (dens > 0)
    if privacy == "shared":
        from trygghet_geo._kgate import shared_density_mask

        show &= shared_density_mask(lixels, k=k)
    if not show.any():
        return None
    bins = classes(dens[show])
    cls = np.minimum(np.searchsorted(bins, dens[show], side="left"), len(bins) - 1)
    geoms = lixels.geometry.to_numpy()[show]
    lines = [encode_pieces(geoms[cls == c], lixels.crs) for c in range(len(bins))]
    unit = lixels.attrs.get("density_unit", "")
    per_year = str(unit).endswith("per year")
    lower = [float(dens[show].min())] + [float(b) for b in bins[:-1]]
    return {
        "lines": lines,
        "limits": [[round(lo, 3), round(float(hi), 3)] for lo, hi in zip(lower, bins, strict=True)],
        "colors": list(COLORS[: len(bins)]),
        "unit": labels["density_unit_year"] if per_year else labels["density_unit_event"],
        "bandwidth_m": float(lixels.attrs.get("bandwidth_m", 0.0)),
    }
