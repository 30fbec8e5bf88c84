"""Context for the map from the same OpenStreetMap extract as the street network: water, green areas,
buildings, railway and a few landmark names (:func:`basemap_from_pbf`).

It lives beside :mod:`._sources` because it is read the same way (pyrosm, offline, from the local ``.osm.pbf``
the network came from); :mod:`trygghet_geo.output._basemap` turns it into the map's compact layers.
:func:`basemap_for_network` is the same reading, from the extract the network remembers
(``StreetNetwork.source``), for the study area, kept in memory between runs; :func:`resolve_basemap` turns the
``basemap`` argument of :func:`trygghet_geo.analyze` into it (for analyze and for the maps of the command
line's ``density`` and ``trend``).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from trygghet_geo.errors import InputError, NetworkError, ParameterError

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network._model import StreetNetwork

__all__ = ["BASEMAP_LAYERS", "basemap_for_network", "basemap_from_pbf", "resolve_basemap"]

logger = logging.getLogger(__name__)

#: The layers of a basemap, bottom to top.
BASEMAP_LAYERS = ("water", "green", "buildings", "rail")

# OSM tags per layer (pyrosm custom filter: a feature is kept when any key matches one of its values)
_WATER: dict[str, Any] = {
    "natural": ["water", "wetland", "bay", "coastline"],  # the coastline as a line: the sea is no polygon
    "landuse": ["basin", "reservoir"],
    "water": True,
    "waterway": ["river", "stream", "canal", "riverbank", "dock"],
}
_GREEN: dict[str, Any] = {
    "leisure": ["park", "garden", "playground", "nature_reserve", "pitch", "golf_course"],
    "landuse": ["grass", "park", "forest", "meadow", "cemetery", "recreation_ground", "village_green"],
    "natural": ["wood", "scrub", "heath", "grassland"],
}
_RAIL: dict[str, Any] = {"railway": ["rail", "tram", "subway", "light_rail", "narrow_gauge"]}
_LABEL_SPACING_M = 150.0  # landmark names at least this far apart
_KEYS = ("natural", "landuse", "water", "waterway", "leisure", "railway", "building")


def _filter() -> dict[str, Any]:
    merged: dict[str, Any] = {"building": True}
    for spec in (_WATER, _GREEN, _RAIL):
        for key, values in spec.items():
            if values is True or merged.get(key) is True:
                merged[key] = True
            else:
                before: list[str] = merged.get(key, [])
                merged[key] = sorted(set(before) | set(values))
    return merged


def _matches(frame: pd.DataFrame, spec: dict[str, Any]) -> np.ndarray:
    hit = np.zeros(len(frame), dtype=bool)
    for key, values in spec.items():
        if key not in frame.columns:
            continue
        col = frame[key]
        hit |= (
            (col.notna() & (col.astype(str) != "")).to_numpy()
            if values is True
            else col.isin(values).to_numpy()
        )
    return hit


def basemap_from_pbf(
    path: str | Path,
    *,
    area: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    margin_m: float = 150.0,
    min_area_m2: float = 20.0,
    n_labels: int = 12,
) -> dict[str, gpd.GeoDataFrame]:
    """Water, green areas, buildings, railway and landmark names from a local OpenStreetMap PBF file.

    Read with pyrosm, offline, from the same extract as :func:`~trygghet_geo.network.network_from_pbf`.
    Buildings are kept only inside the study area (the rest only as context within ``margin_m`` of it).

    Parameters
    ----------
    path : str or Path
        The ``.osm.pbf`` file.
    area : GeoDataFrame or GeoSeries, optional
        The study area (any CRS). Default: the whole extract (or ``bbox``).
    bbox : (min_lon, min_lat, max_lon, max_lat), optional
        Read only this window; default the area's bounds plus ``margin_m``.
    margin_m : float
        Context kept around the study area for water, green and railway.
    min_area_m2 : float
        Smaller polygons (sheds, flower beds) are dropped.
    n_labels : int
        How many landmark names: the largest named water and green areas and named buildings.

    Returns
    -------
    dict of str to GeoDataFrame
        ``water``, ``green``, ``buildings``, ``rail`` (geometry, ``name``) and ``labels`` (points with
        ``name`` and ``layer``), all in the extract's metric CRS (:func:`trygghet_geo.crs.metric_crs_of`).

    Examples
    --------
    >>> from trygghet_geo import sample
    >>> layers = basemap_from_pbf(sample.pbf_path(), area=sample.study_area())  # doctest: +SKIP
    >>> sorted(layers)  # doctest: +SKIP
    ['buildings', 'green', 'labels', 'rail', 'water']
    """
    import geopandas as gpd
    import pyrosm

    from trygghet_geo.crs import metric_crs_of

    path = Path(path)
    if not path.is_file():
        raise InputError(f"OSM PBF file {str(path)!r} does not exist")
    if margin_m < 0 or min_area_m2 < 0 or n_labels < 0:
        raise ParameterError("margin_m, min_area_m2 and n_labels must not be negative")
    zone = None
    if area is not None and len(area):
        if area.crs is None:
            raise ParameterError("the study area needs a CRS; set one with GeoDataFrame.set_crs")
        metric = metric_crs_of(area)
        inside = area.to_crs(metric).geometry.union_all()
        zone = inside.buffer(margin_m)
        if bbox is None:
            bbox = tuple(gpd.GeoSeries([zone], crs=metric).to_crs(4326).total_bounds)
    try:
        # whole relations (a lake or park crossing the window's edge) are read, then clipped below
        osm = pyrosm.OSM(str(path), bounding_box=list(bbox) if bbox else None, complete_relations=bool(bbox))
        got = osm.get_data_by_custom_criteria(
            custom_filter=_filter(), keep_nodes=False, extra_attributes=["name:sv"]
        )
    except Exception as exc:  # pyrosm raises plain Exceptions on corrupt files
        raise NetworkError(f"cannot read the basemap from {str(path)!r}: {exc}") from exc
    empty = gpd.GeoDataFrame({"name": []}, geometry=[], crs=4326)
    frame = empty if got is None or len(got) == 0 else got.set_crs(4326, allow_override=True)
    if zone is None:
        metric = metric_crs_of(frame) if len(frame) else "EPSG:3006"
    frame = frame.to_crs(metric)
    for key in (*_KEYS, "name"):
        if key not in frame.columns:
            frame[key] = None
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = frame.assign(geometry=frame.geometry.make_valid())  # OSM multipolygons are not always valid
    if zone is not None:
        frame = frame[frame.geometry.intersects(zone)]
    building = frame["building"].notna().to_numpy()
    rail = _matches(frame, _RAIL) & ~building
    water = _matches(frame, _WATER) & ~building & ~rail
    green = _matches(frame, _GREEN) & ~building & ~rail & ~water
    out = {
        "water": _polygons_and_lines(frame[water], zone, min_area_m2),
        "green": _polygons_and_lines(frame[green], zone, min_area_m2, lines=False),
        "buildings": _buildings(frame[building], inside if zone is not None else None, min_area_m2),
        "rail": _lines(frame[rail], zone),
    }
    out["labels"] = _labels(out, n_labels)
    return out


def _keep(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    names = frame["name"].where(frame["name"].notna(), "").astype(str)
    if "name:sv" in frame.columns:  # the Swedish name where the map has one
        sv = frame["name:sv"]
        names = sv.where(sv.notna() & (sv.astype(str) != ""), names).astype(str)
    return frame.assign(name=names)[["name", "geometry"]].reset_index(drop=True)


def _polygons_and_lines(
    frame: gpd.GeoDataFrame, zone: Any, min_area: float, *, lines: bool = True
) -> gpd.GeoDataFrame:
    geom = frame.geometry
    poly = geom.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    kept = poly & (geom.area >= min_area).to_numpy()
    if lines:
        kept |= geom.geom_type.isin(["LineString", "MultiLineString"]).to_numpy()
    frame = frame[kept]
    if zone is not None and len(frame):
        frame = frame.assign(geometry=frame.geometry.intersection(zone))
        frame = frame[~frame.geometry.is_empty]
    return _keep(frame)


def _buildings(frame: gpd.GeoDataFrame, inside: Any, min_area: float) -> gpd.GeoDataFrame:
    geom = frame.geometry
    frame = frame[
        geom.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy() & (geom.area >= min_area).to_numpy()
    ]
    if inside is not None and len(frame):  # only buildings whose centre is in the study area
        frame = frame[frame.geometry.representative_point().within(inside).to_numpy()]
    return _keep(frame)


def _lines(frame: gpd.GeoDataFrame, zone: Any) -> gpd.GeoDataFrame:
    frame = frame[frame.geometry.geom_type.isin(["LineString", "MultiLineString"]).to_numpy()]
    if zone is not None and len(frame):
        frame = frame.assign(geometry=frame.geometry.intersection(zone))
        frame = frame[~frame.geometry.is_empty]
    return _keep(frame)


def _labels(layers: dict[str, gpd.GeoDataFrame], n: int) -> gpd.GeoDataFrame:
    """The ``n`` largest named areas (water, green, buildings), one label per name."""
    import geopandas as gpd

    crs = layers["water"].crs
    parts = []
    for key in ("water", "green", "buildings"):
        frame = layers[key]
        named = frame[(frame["name"] != "") & frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        parts.append(pd.DataFrame({"name": named["name"], "layer": key, "size": named.geometry.area,
                                   "geometry": named.geometry.representative_point()}))  # fmt: skip
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if len(table) == 0:
        return gpd.GeoDataFrame({"name": [], "layer": []}, geometry=[], crs=crs)
    table = table.sort_values("size", ascending=False, kind="stable").drop_duplicates("name")
    xy = shapely.get_coordinates(np.asarray(table["geometry"], dtype=object))
    kept: list[int] = []
    for i in range(len(table)):  # largest first; a smaller name too close to a kept one would overprint it
        if len(kept) < n and all(np.hypot(*(xy[i] - xy[j])) >= _LABEL_SPACING_M for j in kept):
            kept.append(i)
    table = table.iloc[kept]
    return gpd.GeoDataFrame(table[["name", "layer"]], geometry=list(table["geometry"]), crs=crs).reset_index(
        drop=True
    )


# --- the basemap of a run (analyze) ---------------------------------------------------------------------
_CACHE_SIZE = 8  # basemaps kept in memory, as the sample keeps its network
_cache: OrderedDict[tuple[Any, ...], dict[str, gpd.GeoDataFrame]] = OrderedDict()
_cache_lock = threading.Lock()


def basemap_for_network(
    network: StreetNetwork, *, path: str | Path | None = None, area: gpd.GeoDataFrame | None = None
) -> dict[str, gpd.GeoDataFrame] | None:
    """The basemap of a run on ``network``: :func:`basemap_from_pbf` on the extract the network came from.

    Only public OpenStreetMap features are read, for an area that comes from the study area or the network
    itself, never from the incidents (a shared map must not outline where the incidents are). Nothing is
    fetched: the file is local. The result is kept in memory, keyed on the file (its path, size and
    modification time) and the area, so a second run on the same extract does not read it again.

    Parameters
    ----------
    network : StreetNetwork
        The run's network.
    path : str or Path, optional
        The ``.osm.pbf`` extract; default ``network.source`` (set by
        :func:`~trygghet_geo.network.network_from_pbf`). A file named here must exist.
    area : GeoDataFrame, optional
        The study area; default the convex hull of the network's streets.

    Returns
    -------
    dict of str to GeoDataFrame or None
        As :func:`basemap_from_pbf`; None when no extract is known, or when the network's remembered
        extract is gone (logged as a warning: the run goes on without a basemap).
    """
    import geopandas as gpd

    given = path is not None
    source = Path(path) if path is not None else getattr(network, "source", None)
    if source is None:
        return None
    if not source.is_file():
        if given:
            raise InputError(f"OSM PBF file {str(source)!r} for the basemap does not exist")
        logger.warning("the network's OSM extract %s is gone: the map has no basemap", source)
        return None
    if area is None or not len(area):
        hull = shapely.convex_hull(shapely.union_all(network.edges.geometry.to_numpy()))
        area = gpd.GeoDataFrame(geometry=[hull.buffer(1.0)], crs=network.crs)
    stat = source.stat()
    shape = area.to_crs(network.crs).geometry.union_all().normalize()
    key = (str(source.resolve()), stat.st_size, stat.st_mtime_ns, network.crs.to_string(), shape.wkb)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return dict(hit)
    layers = basemap_from_pbf(source, area=area)
    with _cache_lock:
        _cache[key] = layers
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return dict(layers)


def resolve_basemap(
    basemap: bool | str | Path | Mapping[str, gpd.GeoDataFrame],
    network: StreetNetwork,
    *,
    area: gpd.GeoDataFrame | None = None,
) -> dict[str, gpd.GeoDataFrame] | None:
    """The basemap of a run from the ``basemap`` argument of :func:`trygghet_geo.analyze`.

    The one reading of that argument: ``analyze`` and the command line's ``density`` and ``trend`` (whose
    ``--pbf``/``--no-basemap`` become it through ``_cli_options.basemap_kwargs``) call it.

    Parameters
    ----------
    basemap : bool, str, Path or dict of GeoDataFrame
        ``True``: from the extract the network remembers (:func:`basemap_for_network`; None when it knows
        none); a path: that ``.osm.pbf`` extract; ``False``: none; a dict from :func:`basemap_from_pbf`:
        used as it is.
    network : StreetNetwork
        The run's network.
    area : GeoDataFrame, optional
        The study area; default the network's extent (never the incidents').

    Returns
    -------
    dict of str to GeoDataFrame or None
        The layers to draw, or None for streets only.
    """
    if basemap is False:
        return None
    if basemap is True:
        return basemap_for_network(network, area=area)
    if isinstance(basemap, str | Path):
        return basemap_for_network(network, path=basemap, area=area)
    if isinstance(basemap, Mapping):
        return dict(basemap)
    raise ParameterError(
        "basemap must be True, False, the path of an .osm.pbf extract or a dict from basemap_from_pbf, "
        f"got {type(basemap).__name__}"
    )
