"""The basemap's layers in the map payload: water, green areas, buildings and railway as compact arrays.

:func:`trygghet_geo.network.basemap_from_pbf` reads them from the OSM extract; here they are simplified,
converted to WGS84 and quantised/delta-encoded with :mod:`._mapdata` like every other layer, so the
context costs tens of kilobytes in a self-contained file. ``static/trygghet_map.js`` draws them under
everything else; their names in the layer control come from the text catalogue (``_text.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from trygghet_geo import schema
from trygghet_geo._text import text
from trygghet_geo.errors import ParameterError
from trygghet_geo.network._basemap import BASEMAP_LAYERS
from trygghet_geo.output import _mapdata as md
from trygghet_geo.output._redact import clean_text

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["basemap_labels", "basemap_payload"]

# Simplification tolerance per layer in metres: buildings keep their corners, the rest is context.
_SIMPLIFY_M = {"water": 3.0, "green": 2.0, "buildings": 1.0, "rail": 2.0}


def basemap_labels(lang: str) -> dict[str, str]:
    """What the reader sees of the basemap (layer names, attribution), from the text catalogue."""
    return {f"basemap.{key}": text(f"basemap.{key}", lang=lang) for key in (*BASEMAP_LAYERS, "attribution")}


def basemap_payload(basemap: dict[str, gpd.GeoDataFrame]) -> dict[str, Any]:
    """The payload entries ``water``, ``green``, ``buildings``, ``rail`` and ``landmarks``.

    Each layer is ``{"poly": [polygon rings...], "lines": [encoded lines...]}``; ``landmarks`` is
    ``{"xy": encoded points, "name": [...], "layer": [...]}``.
    """
    if not isinstance(basemap, dict):
        raise ParameterError(
            "basemap must be the dict returned by trygghet_geo.network.basemap_from_pbf, "
            f"got {type(basemap).__name__}"
        )
    out: dict[str, Any] = {}
    for key in BASEMAP_LAYERS:
        frame = basemap.get(key)
        out[key] = _layer(frame, _SIMPLIFY_M[key]) if frame is not None and len(frame) else None
    out["landmarks"] = _landmarks(basemap.get("labels"))
    return out


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is None:
        raise ParameterError("every basemap layer needs a CRS; set one with GeoDataFrame.set_crs")
    return frame.to_crs(schema.WGS84)


def _layer(frame: gpd.GeoDataFrame, tolerance_m: float) -> dict[str, Any]:
    import shapely

    from trygghet_geo.crs import to_metric

    metric = frame if frame.crs is not None and frame.crs.is_projected else to_metric(frame)
    geoms = _to_wgs84(metric.assign(geometry=metric.geometry.simplify(tolerance_m))).geometry
    polys: list[Any] = []
    lines: list[list[int]] = []
    for geom in geoms:
        if geom is None or geom.is_empty:
            continue
        parts = geom.geoms if hasattr(geom, "geoms") else [geom]
        for part in parts:
            if isinstance(part, shapely.Polygon):
                polys.extend(md.encode_polygon(part))
            elif isinstance(part, shapely.LineString):
                coords = shapely.get_coordinates(part)
                if len(coords) >= 2:
                    lines.append(md.encode_line(coords))
    return {"poly": [p for p in polys if p and len(p[0]) >= 6], "lines": lines}


def _landmarks(frame: gpd.GeoDataFrame | None) -> dict[str, Any] | None:
    if frame is None or len(frame) == 0:
        return None
    pts = _to_wgs84(frame).geometry.representative_point()
    lon, lat = pts.x.to_numpy(dtype=float), pts.y.to_numpy(dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    names = [clean_text(v, max_chars=60).strip() for v in frame["name"]]
    layers = [str(v) for v in frame["layer"]] if "layer" in frame else ["" for _ in names]
    keep = [i for i in range(len(names)) if ok[i] and names[i]]
    return {
        "xy": md.encode_sequence(np.column_stack([lon[keep], lat[keep]])),
        "name": [names[i] for i in keep],
        "layer": [layers[i] for i in keep],
    }
