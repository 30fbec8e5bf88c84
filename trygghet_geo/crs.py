"""Coordinate reference systems: detect, convert, and pick the metric CRS.

Swedish files carry coordinates in WGS84 degrees, SWEREF 99 TM (EPSG:3006), one of the twelve SWEREF 99
local zones (EPSG:3007–3018) or the older RT90 2.5 gon V (EPSG:3021). In Swedish geodetic usage ``X`` is the
northing and ``Y`` the easting, the reverse of the international habit, so the axis order of a file is told
from the value ranges, never from the column names alone.

>>> from trygghet_geo.crs import metric_crs_for
>>> metric_crs_for(18.07, 59.33)   # Stockholm
'EPSG:3006'
>>> metric_crs_for(24.94, 60.17)   # Helsinki: local UTM zone 35N
'EPSG:32635'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from trygghet_geo import schema
from trygghet_geo._hints import hint
from trygghet_geo.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely
    from numpy.typing import ArrayLike, NDArray

logger = logging.getLogger(__name__)

__all__ = [
    "RT90",
    "SWEREF99_LOCAL_ZONES",
    "SWEREF99_TM",
    "CoordinateResult",
    "align_crs",
    "check_declared",
    "coordinates_to_wgs84",
    "in_sweden",
    "metric_crs_for",
    "metric_crs_of",
    "to_metric",
    "utm_crs_for",
]

SWEREF99_TM = "EPSG:3006"
RT90 = "EPSG:3021"  # RT90 2.5 gon V
SWEREF99_LOCAL_ZONES = tuple(f"EPSG:{code}" for code in range(3007, 3019))

# A coarse outline of Sweden with its territorial waters (lon, lat), accurate to some 10-20 km near the
# borders with Norway and Finland and on the sea midlines to Denmark, Åland and Finland. It is used only
# to choose EPSG:3006 over UTM and to flag points far outside the country; no installed library ships a
# country outline offline (geodatasets and naturalearth need a download), so it is written out here.
_SWEDEN_OUTLINE = (
    (13.30, 55.25),
    (14.50, 55.45),
    (15.70, 55.75),
    (17.30, 56.20),
    (19.40, 57.00),
    (19.60, 58.60),
    (19.60, 59.40),
    (19.20, 59.90),
    (19.20, 60.50),
    (19.60, 61.50),
    (19.90, 62.00),
    (20.50, 63.00),
    (21.00, 63.55),
    (22.00, 64.20),
    (23.40, 65.00),
    (24.00, 65.30),
    (24.20, 65.75),
    (24.17, 66.00),
    (23.75, 66.25),
    (23.95, 66.60),
    (24.05, 66.85),
    (23.65, 67.30),
    (23.50, 67.90),
    (22.60, 68.45),
    (20.55, 69.06),
    (18.10, 68.45),
    (17.25, 67.95),
    (16.40, 67.05),
    (15.40, 66.20),
    (14.60, 65.80),
    (14.30, 65.10),
    (14.10, 64.60),
    (13.90, 64.10),
    (12.10, 63.60),
    (12.00, 63.00),
    (12.10, 62.30),
    (12.65, 61.60),
    (12.25, 61.05),
    (12.55, 60.60),
    (12.50, 60.15),
    (12.25, 59.95),
    (11.90, 59.85),
    (11.75, 59.60),
    (11.35, 59.15),
    (11.00, 58.80),
    (10.90, 58.30),
    (11.30, 57.60),
    (11.60, 57.20),
    (12.00, 56.60),
    (12.35, 56.30),
    (12.68, 56.00),
    (12.85, 55.65),
    (12.80, 55.40),
    (13.30, 55.25),
)

_BBOX = (
    min(p[0] for p in _SWEDEN_OUTLINE),
    min(p[1] for p in _SWEDEN_OUTLINE),
    max(p[0] for p in _SWEDEN_OUTLINE),
    max(p[1] for p in _SWEDEN_OUTLINE),
)

# Value ranges (metres) of Swedish projected coordinates inside the country, with a margin.
_NORTHING = (6_050_000.0, 7_750_000.0)
_EAST_SWEREF_TM = (200_000.0, 1_000_000.0)
_EAST_RT90 = (1_150_000.0, 1_950_000.0)
_EAST_LOCAL = (20_000.0, 200_000.0)

# Row classes reported by coordinates_to_wgs84.
KIND_MISSING, KIND_BAD, KIND_WGS84, KIND_SWEREF, KIND_RT90, KIND_LOCAL, KIND_GIVEN = range(7)
KIND_NAMES = ("missing", "bad", "EPSG:4326", SWEREF99_TM, RT90, "SWEREF 99 local zone", "given")


@lru_cache(maxsize=1)
def _sweden() -> shapely.Polygon:
    import shapely

    poly = shapely.Polygon(_SWEDEN_OUTLINE)
    shapely.prepare(poly)
    return poly


def in_sweden(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """Whether WGS84 points lie inside Sweden (coarse outline incl. territorial waters); NaN gives False.

    >>> in_sweden([18.07, 24.94, 10.75], [59.33, 60.17, 59.91]).tolist()   # Stockholm, Helsinki, Oslo
    [True, False, False]
    """
    import shapely

    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    x, y = np.broadcast_arrays(x, y)
    # The bounding box first: a cheap test that spares the polygon test for most foreign points.
    ok = (x >= _BBOX[0]) & (x <= _BBOX[2]) & (y >= _BBOX[1]) & (y <= _BBOX[3])
    out = np.zeros(x.shape, dtype=bool)
    if not ok.any():
        return out
    xs, ys = x[ok], y[ok]
    if xs.size < 1000:
        out[ok] = shapely.contains_xy(_sweden(), xs, ys)
        return out
    # Many points: a grid of cells known to lie wholly inside or wholly outside the outline answers most of
    # them with one lookup; only points in cells the border crosses take the polygon test.
    state = _sweden_grid()
    col = np.minimum(((xs - _BBOX[0]) / _GRID_DEG).astype(np.int64), state.shape[1] - 1)
    row = np.minimum(((ys - _BBOX[1]) / _GRID_DEG).astype(np.int64), state.shape[0] - 1)
    cell = state[row, col]
    inside = cell == 1
    border = cell == 2
    if border.any():
        inside[border] = shapely.contains_xy(_sweden(), xs[border], ys[border])
    out[ok] = inside
    return out


_GRID_DEG = 0.1
_BLOCK = 1 << 16  # rows per block of the row-wise steps that need several temporary columns


@lru_cache(maxsize=1)
def _sweden_grid() -> NDArray[np.int8]:
    """Cells of ``_GRID_DEG`` over the outline's bounding box: 0 wholly outside, 1 wholly inside, 2 crossed
    by the border (a few milliseconds to build, once)."""
    import shapely

    nx = int(np.ceil((_BBOX[2] - _BBOX[0]) / _GRID_DEG)) + 1
    ny = int(np.ceil((_BBOX[3] - _BBOX[1]) / _GRID_DEG)) + 1
    x0 = _BBOX[0] + _GRID_DEG * np.arange(nx)
    y0 = _BBOX[1] + _GRID_DEG * np.arange(ny)
    gx, gy = np.meshgrid(x0, y0)
    cells = shapely.box(gx, gy, gx + _GRID_DEG, gy + _GRID_DEG)
    poly = _sweden()
    state = np.where(shapely.intersects(poly, cells), 2, 0).astype(np.int8)
    state[shapely.contains_properly(poly, cells)] = 1
    return state


def utm_crs_for(lon: float, lat: float) -> str:
    """The WGS84 UTM zone CRS (``"EPSG:326zz"`` north, ``"EPSG:327zz"`` south) holding a point.

    Follows the standard zone grid including the Norway (32V) and Svalbard exceptions.

    >>> utm_crs_for(24.94, 60.17)
    'EPSG:32635'
    """
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -80 <= lat <= 84):
        raise CRSError(f"no UTM zone for lon={lon!r}, lat={lat!r}: expected -180..180 and -80..84 degrees")
    zone = int((lon + 180) // 6) % 60 + 1
    if 56 <= lat < 64 and 3 <= lon < 12:
        zone = 32
    elif 72 <= lat < 84 and 0 <= lon < 42:
        zone = 31 if lon < 9 else 33 if lon < 21 else 35 if lon < 33 else 37
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def metric_crs_for(lon: ArrayLike, lat: ArrayLike) -> str:
    """The metric CRS for data at ``lon, lat`` (WGS84 degrees, scalars or arrays — the median is used).

    ``trygghet_geo.options.metric_crs`` wins when set; otherwise SWEREF 99 TM (EPSG:3006) inside Sweden and
    the local UTM zone elsewhere.

    >>> metric_crs_for([11.97, 12.0], [57.70, 57.71])   # Göteborg
    'EPSG:3006'
    """
    from trygghet_geo._config import options

    if options.metric_crs is not None:
        return options.metric_crs
    x = np.asarray(lon, dtype=float).ravel()
    y = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        raise CRSError(f"metric_crs_for: no finite coordinates among lon={lon!r}, lat={lat!r}")
    mx, my = float(np.median(x[ok])), float(np.median(y[ok]))
    if in_sweden(mx, my).item():
        return schema.METRIC_CRS_SWEDEN
    return utm_crs_for(mx, my)


def _is_metric(crs: Any) -> bool:
    """A projected CRS whose two axes are in metres."""
    return bool(crs.is_projected) and all(ax.unit_name in ("metre", "meter") for ax in crs.axis_info[:2])


def metric_crs_of(frame: gpd.GeoDataFrame | gpd.GeoSeries, *, keep_metric: bool = False) -> Any:
    """The metric CRS for the data in ``frame``: the package's one rule for choosing it.

    ``trygghet_geo.options.metric_crs`` wins when set. With ``keep_metric=True`` a frame already in a
    projected CRS in metres (a municipal layer in SWEREF 99 TM or a local zone) keeps its CRS. Otherwise
    :func:`metric_crs_for` the median of the geometries' representative points in WGS84.

    >>> import geopandas as gpd, shapely
    >>> metric_crs_of(gpd.GeoSeries([shapely.Point(24.94, 60.17)], crs="EPSG:4326"))
    'EPSG:32635'
    """
    from trygghet_geo._config import options

    if frame.crs is None:
        raise CRSError(
            "the data has no CRS; set one with .set_crs('EPSG:4326') (degrees) or .set_crs('EPSG:3006') "
            "(SWEREF 99 TM metres) before choosing a metric CRS"
        )
    if options.metric_crs is not None:
        return options.metric_crs
    if keep_metric and _is_metric(frame.crs):
        return frame.crs
    geo = frame.geometry if hasattr(frame, "geometry") else frame
    valid = geo.notna() & ~geo.is_empty
    if not valid.any():
        raise CRSError("the data has no geometry to place it, so no metric CRS can be chosen for it")
    ll = geo[valid].to_crs(schema.WGS84) if not frame.crs.equals(schema.WGS84) else geo[valid]
    pts = ll.representative_point()
    return metric_crs_for(pts.x.to_numpy(), pts.y.to_numpy())


def to_metric(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` reprojected to :func:`metric_crs_of` it (the input is not changed).

    >>> import geopandas as gpd, shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(18.07, 59.33)], crs="EPSG:4326")
    >>> to_metric(g).crs.to_string()
    'EPSG:3006'
    """
    return gdf.to_crs(metric_crs_of(gdf))


def align_crs(frame: Any, target: Any, *, what: str = "the data") -> Any:
    """``frame`` (a GeoDataFrame or GeoSeries) in the CRS ``target``: the package's one rule for a CRS that
    differs from the network's.

    A frame in another CRS is reprojected (a copy; the input is not changed). A frame with no CRS cannot be
    placed: :class:`~trygghet_geo.errors.CRSError` names both CRSs and the fix.

    >>> import geopandas as gpd, shapely
    >>> align_crs(gpd.GeoSeries([shapely.Point(18.07, 59.33)], crs=4326), "EPSG:3006").crs.to_epsg()
    3006
    """
    if frame.crs is None:
        name = _crs_name(target)
        raise CRSError(
            f"{what} has no CRS and the network is in {name}: set the CRS the coordinates are in with "
            f".set_crs('EPSG:4326') for longitude/latitude degrees or .set_crs({name!r}) for the network's "
            "metres"
        )
    check_declared(frame, what)
    if frame.crs == target:
        return frame
    logger.debug("%s reprojected from %s to %s", what, _crs_name(frame.crs), _crs_name(target))
    return frame.to_crs(target)


def check_declared(frame: Any, what: str = "the data") -> None:
    """Coordinates that cannot be in the CRS their frame declares: metres under a geographic CRS (beyond
    ±180/±90), or degrees under a projected one (most points within 180 m of the projection's origin and,
    read as longitude/latitude, inside the CRS's own area of use: the same rule as the readers'). Either
    would be reprojected to points in the wrong place and come back as off the network, not as an error."""
    import shapely
    from pyproj import CRS

    crs = CRS.from_user_input(frame.crs)
    geoms = frame.geometry if hasattr(frame, "geometry") else frame
    xy = shapely.get_coordinates(geoms.to_numpy())
    xy = xy[np.isfinite(xy).all(axis=1)]
    if not len(xy):
        return
    name = _crs_name(crs)
    if crs.is_geographic:
        out = (np.abs(xy[:, 0]) > 180) | (np.abs(xy[:, 1]) > 90)
        if out.any():
            x, y = xy[np.flatnonzero(out)[0]]
            raise CRSError(
                f"{what} declare {name} (degrees) but {int(out.sum())} of {len(xy)} coordinate pairs are out "
                f"of range for degrees (e.g. {x:g}, {y:g}): set the CRS they are in, such as .set_crs("
                "'EPSG:3006', allow_override=True) for SWEREF 99 TM metres"
            )
        return
    area = crs.area_of_use
    deg = (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
    if area is not None:
        w, s_, e, n_ = area.bounds
        deg &= (xy[:, 0] >= w - 2) & (xy[:, 0] <= e + 2) & (xy[:, 1] >= s_ - 2) & (xy[:, 1] <= n_ + 2)
    if deg.sum() * 2 >= len(xy):
        x, y = xy[np.flatnonzero(deg)[0]]
        raise CRSError(
            f"{what} declare {name} (metres) but {int(deg.sum())} of {len(xy)} coordinate pairs are small "
            f"numbers like longitude/latitude degrees (e.g. {x:g}, {y:g}): set .set_crs('EPSG:4326', "
            "allow_override=True) if they are degrees"
        )


def _crs_name(crs: Any) -> str:
    from pyproj import CRS

    c = CRS.from_user_input(crs)
    code = c.to_epsg()
    return f"EPSG:{code}" if code is not None else c.name


@dataclass(frozen=True)
class CoordinateResult:
    """WGS84 coordinates for every row plus what was found out about them.

    Attributes
    ----------
    lon, lat : ndarray of float
        WGS84 degrees, NaN where unknown or invalid.
    kind : ndarray of int8
        Per row: missing, bad, or the CRS the values were read in (see ``KIND_NAMES``).
    swapped : ndarray of bool
        Rows whose two values had to be exchanged (latitude given as longitude, northing as easting).
    sweden : ndarray of bool or None
        ``in_sweden(lon, lat)`` when telling the axis order already answered it for every row (all values in
        degrees), so that it need not be asked again; ``None`` otherwise.
    """

    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    kind: NDArray[np.int8]
    swapped: NDArray[np.bool_]
    sweden: NDArray[np.bool_] | None = None

    def counts(self) -> dict[str, int]:
        """Rows per kind, by name (only kinds present)."""
        n = [np.count_nonzero(self.kind == k) for k in range(len(KIND_NAMES))]  # no 8-byte copy per row
        return {KIND_NAMES[k]: int(c) for k, c in enumerate(n) if c}


def _between(v: NDArray[np.float64], rng: tuple[float, float]) -> NDArray[np.bool_]:
    return (v >= rng[0]) & (v <= rng[1])


@lru_cache(maxsize=32)
def _transformer(crs: str) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(crs, schema.WGS84, always_xy=True)


def _project(
    east: NDArray[np.float64], north: NDArray[np.float64], crs: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon, lat = _transformer(crs).transform(east, north, errcheck=False)
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    bad = ~(np.isfinite(lon) & np.isfinite(lat))
    lon[bad] = np.nan
    lat[bad] = np.nan
    return lon, lat


def _geographic(
    a: NDArray[np.float64], b: NDArray[np.float64], rows: NDArray[np.bool_]
) -> tuple[
    NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_] | None
]:
    """Read rows of (a=lat, b=lon) degrees; decide per row whether the two were swapped. The fifth value is
    whether each row (as read) lies in Sweden, when the decision had to find that out."""
    normal = rows & (np.abs(a) <= 90) & (np.abs(b) <= 180)
    flipped = rows & (np.abs(b) <= 90) & (np.abs(a) <= 180)
    both = normal & flipped
    swap = flipped & ~normal
    sweden = None
    if both.any():
        # Inside Sweden one orientation lands in the country and the other does not.
        sw_normal = in_sweden(b, a)
        sw_flipped = in_sweden(a, b)
        swap |= both & sw_flipped & ~sw_normal
        # Elsewhere: the orientation closer to where the unambiguous rows of the file lie.
        settled = (normal & ~flipped) | (both & (sw_normal | sw_flipped))
        undecided = both & ~sw_normal & ~sw_flipped
        if undecided.any():
            # The centre of the unambiguous rows, or (none) the median of the rows as given: the median
            # stays with the majority, so a minority of swapped rows cannot drag it.
            ref = settled if settled.any() else undecided
            c_lat = np.median(np.where(swap[ref], b[ref], a[ref]))
            c_lon = np.median(np.where(swap[ref], a[ref], b[ref]))
            # Row by row, in blocks: the distances of millions of rows at once are a dozen temporary
            # columns (a file of tiny rows grew the reader by ~150 MB here).
            for i in range(0, a.shape[0], _BLOCK):
                sa, sb = a[i : i + _BLOCK], b[i : i + _BLOCK]
                d_normal = np.hypot(sa - c_lat, sb - c_lon)
                d_flip = np.hypot(sb - c_lat, sa - c_lon)
                swap[i : i + _BLOCK] |= undecided[i : i + _BLOCK] & (d_flip < d_normal)
        sweden = np.where(swap, sw_flipped, sw_normal)
    lat = np.where(swap, b, a)
    lon = np.where(swap, a, b)
    ok = normal | flipped
    # (0, 0) is the classic placeholder of a missing position, never a real Swedish incident.
    ok &= ~((lat == 0) & (lon == 0))
    if sweden is not None:
        sweden &= ok
    lat[~ok] = np.nan  # in place: no second pair of columns
    lon[~ok] = np.nan
    return lon, lat, ok, swap & ok, sweden


def coordinates_to_wgs84(
    first: ArrayLike,
    second: ArrayLike,
    *,
    crs: str | None = None,
    allow_local_zone: bool = False,
) -> CoordinateResult:
    """Convert two coordinate columns to WGS84, detecting the CRS and the axis order per row.

    Parameters
    ----------
    first, second
        Numbers (NaN where missing). By convention ``first`` holds the latitude / northing / Swedish ``X`` and
        ``second`` the longitude / easting / Swedish ``Y``; rows where the values say otherwise are swapped
        and flagged in ``swapped``.
    crs
        The CRS of the values when known; ``None`` detects it per row from the value ranges: degrees (WGS84),
        SWEREF 99 TM, RT90 2.5 gon V. SWEREF 99 local-zone values cannot be told apart and need ``crs``.
    allow_local_zone
        When ``crs`` is None and local-zone values are found, mark them ``bad`` instead of raising.

    Raises
    ------
    CRSError
        When ``crs`` is unknown to pyproj, or when most rows hold SWEREF 99 local-zone values and no ``crs``
        says which zone.

    Examples
    --------
    >>> r = coordinates_to_wgs84([6580822.0, 59.3293], [674032.0, 18.0686])
    >>> r.lat.round(2).tolist(), r.counts()
    ([59.33, 59.33], {'EPSG:4326': 1, 'EPSG:3006': 1})
    """
    a = np.asarray(first, dtype=float)
    b = np.asarray(second, dtype=float)
    n = a.shape[0]
    fin_a, fin_b = np.isfinite(a), np.isfinite(b)
    kind = np.where(fin_a | fin_b, KIND_BAD, KIND_MISSING).astype(np.int8)
    rows = fin_a & fin_b
    if crs is not None:
        lon, lat, swapped = np.full(n, np.nan), np.full(n, np.nan), np.zeros(n, dtype=bool)
        _given(a, b, rows, crs, lon, lat, kind, swapped)
        return CoordinateResult(lon, lat, kind, swapped)

    degrees = rows & (np.abs(a) <= 180) & (np.abs(b) <= 180)
    # The degree rows first: their outputs are NaN (and not swapped) wherever they did not fit.
    lon, lat, g_ok, swapped, sweden = _geographic(a, b, degrees)
    kind[g_ok] = KIND_WGS84

    projected = rows & ~degrees
    if not projected.any():
        return CoordinateResult(lon, lat, kind, swapped, sweden)
    north_a = projected & _between(a, _NORTHING)
    north_b = projected & ~north_a & _between(b, _NORTHING)
    north = np.where(north_a, a, b)
    east = np.where(north_a, b, a)
    has_north = north_a | north_b
    for code, rng, name in ((KIND_SWEREF, _EAST_SWEREF_TM, SWEREF99_TM), (KIND_RT90, _EAST_RT90, RT90)):
        sel = has_north & _between(east, rng)
        if sel.any():
            p_lon, p_lat = _project(east[sel], north[sel], name)
            lon[sel], lat[sel], kind[sel] = p_lon, p_lat, code
            swapped[sel] = north_b[sel]
    local = has_north & _between(east, _EAST_LOCAL)
    if local.any():
        kind[local] = KIND_LOCAL
        if not allow_local_zone and local.sum() * 2 >= max(int(rows.sum()), 1):
            raise CRSError(
                f"{int(local.sum())} of {int(rows.sum())} coordinate pairs look like a SWEREF 99 local zone "
                "(easting near 150 000 m) and the zone cannot be told from the values: pass "
                f"{hint('crs', repr('EPSG:3007'))} … 'EPSG:3018' (e.g. {hint('crs', repr('EPSG:3011'))} for "
                "SWEREF 99 18 00)"
            )
    return CoordinateResult(lon, lat, kind, swapped)  # rows in metres were not tested for Sweden


def _given(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    rows: NDArray[np.bool_],
    crs: str,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    kind: NDArray[np.int8],
    swapped: NDArray[np.bool_],
) -> None:
    """Fill the outputs for values in a CRS the caller named (axis order still checked per row)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjCRSError

    try:
        src = CRS.from_user_input(crs)
    except ProjCRSError as exc:
        raise CRSError(f"{hint('crs', repr(crs))} is not a CRS pyproj knows: {exc}") from None
    if src.is_geographic:
        g_lon, g_lat, g_ok, g_swap, _ = _geographic(a, b, rows)
        lon[g_ok], lat[g_ok], swapped[g_ok], kind[g_ok] = g_lon[g_ok], g_lat[g_ok], g_swap[g_ok], KIND_GIVEN
        return
    name = src.to_string()
    # Degrees declared as metres: every pair within 180 m of the projection's origin, which no real
    # data set in a projected CRS is; refused when most rows look so, else those rows stay bad.
    deg_like = rows & (np.abs(a) <= 180) & (np.abs(b) <= 180)
    if deg_like.any() and deg_like.sum() * 2 >= max(int(rows.sum()), 1):
        i = int(np.flatnonzero(deg_like)[0])
        raise CRSError(
            f"crs={crs!r} is a projected CRS in metres, but {int(deg_like.sum())} of {int(rows.sum())} "
            f"coordinate pairs are small numbers like degrees (e.g. {a[i]:g}, {b[i]:g}): pass "
            "crs='EPSG:4326' for latitude/longitude, or leave crs out to detect it from the values"
        )
    rows = rows & ~deg_like
    lon1, lat1 = _project(b, a, name)  # first = northing
    lon2, lat2 = _project(a, b, name)  # first = easting
    area = src.area_of_use
    if area is None:
        in1, in2 = np.isfinite(lon1), np.zeros_like(rows)
    else:
        w, s_, e, n_ = area.bounds
        pad = 2.0
        in1 = (lon1 >= w - pad) & (lon1 <= e + pad) & (lat1 >= s_ - pad) & (lat1 <= n_ + pad)
        in2 = (lon2 >= w - pad) & (lon2 <= e + pad) & (lat2 >= s_ - pad) & (lat2 <= n_ + pad)
    use2 = rows & in2 & ~in1
    ok = rows & (in1 | in2)
    lon[ok] = np.where(use2, lon2, lon1)[ok]
    lat[ok] = np.where(use2, lat2, lat1)[ok]
    kind[ok] = KIND_GIVEN
    swapped[ok] = use2[ok]
