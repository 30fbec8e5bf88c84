"""From a raw table (text cells or typed cells) to the canonical GeoDataFrame: one output row per input row.

Every step is vectorised over whole columns; the only Python loops run over distinct category names and over
the columns themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo import crs as tgcrs
from trygghet_geo import schema as s
from trygghet_geo.errors import SchemaError
from trygghet_geo.io._categories import map_categories
from trygghet_geo.io._dates import parse_datetimes, parse_times
from trygghet_geo.io._report import IngestReport

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

Kind = Literal["incidents", "observations"]
Area = Any  # None/"auto", False, (minlon, minlat, maxlon, maxlat), shapely geometry or GeoDataFrame


@dataclass
class Prepared:
    """A raw table plus what the format reader already knows about it."""

    frame: pd.DataFrame  # the user's columns, passed through untouched
    source: str
    roles: dict[str, str] = field(default_factory=dict)  # role -> column of ``frame``
    derived: dict[str, pd.Series] = field(default_factory=dict)  # role -> values computed by the reader
    precision: pd.Series | None = None  # precision tier fixed by the reader (Polisen: municipality/county)
    coarse_with_street: pd.Series | None = None  # coarse rows whose text names a street: geocode them
    geometry: Any = None  # a GeoSeries (any CRS) from a GIS layer
    recognise: bool = True  # False when the reader knows every field (Polisen, brottsplatskartan)
    source_rows: np.ndarray | None = None  # 1-based data row numbers when rows were skipped (blank rows)
    report: dict[str, Any] = field(default_factory=dict)  # format, encoding, delimiter, sheet, notes


def _text(values: pd.Series | None, n: int) -> pd.Series:
    """Values as stripped text, ``""`` where missing (NaN/None)."""
    if values is None:
        return pd.Series([""] * n, dtype="str")
    out = values.reset_index(drop=True)
    if out.dtype != "str":
        out = out.astype("str").where(out.notna().to_numpy(), "")
    return out.str.strip().fillna("")


def _numbers(values: pd.Series | None, n: int) -> np.ndarray:
    """Numbers from text with decimal comma, spaces or NBSP as thousands separators; NaN where unreadable."""
    if values is None:
        return np.full(n, np.nan)
    v = values.reset_index(drop=True)
    if pd.api.types.is_numeric_dtype(v.dtype) and not pd.api.types.is_bool_dtype(v.dtype):
        return v.to_numpy(dtype=float, na_value=np.nan)
    t = _text(v, n).str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    return pd.to_numeric(t, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


class _Columns:
    """Access to role values: a reader's derived values first, then the recognised source column."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.n = len(prep.frame)

    def raw(self, role: str) -> pd.Series | None:
        if role in self.prep.derived:
            return self.prep.derived[role].reset_index(drop=True)
        col = self.prep.roles.get(role)
        return None if col is None else self.prep.frame[col].reset_index(drop=True)

    def has(self, role: str) -> bool:
        return role in self.prep.derived or role in self.prep.roles


def _occurred_at(cols: _Columns) -> tuple[pd.Series, np.ndarray, str]:
    n = cols.n
    nat = pd.Series(pd.NaT, index=pd.RangeIndex(n), dtype="datetime64[ns, Europe/Stockholm]")
    if cols.has("datetime"):
        ts, bad = parse_datetimes(cols.raw("datetime"))  # type: ignore[arg-type]
        return ts, bad, "datetime"
    if not cols.has("date"):
        return nat, np.zeros(n, dtype=bool), ""
    date = cols.raw("date")
    if cols.has("time"):
        time, bad_time = parse_times(cols.raw("time"))  # type: ignore[arg-type]
        if date.dtype == "str":  # type: ignore[union-attr]
            # One string pass is faster than parsing dates and adding timedeltas separately.
            day = _text(date, n)
            secs = time.dt.total_seconds()
            clock = pd.Series("", index=day.index, dtype="str")
            have = time.notna().to_numpy()
            if have.any():
                sec = secs[have].astype("int64")
                clock[have] = (
                    " "
                    + (sec // 3600).astype("str").str.zfill(2)
                    + ":"
                    + (sec % 3600 // 60).astype("str").str.zfill(2)
                    + ":"
                    + (sec % 60).astype("str").str.zfill(2)
                )
            ts, bad = parse_datetimes(day.where(day == "", day + clock))
        else:
            ts, bad = parse_datetimes(date)  # type: ignore[arg-type]
            ts = ts.where(time.isna(), ts.dt.normalize() + time)
        return ts, bad | bad_time, "date+time"
    ts, bad = parse_datetimes(date)  # type: ignore[arg-type]
    return ts, bad, "date"


def _coordinates(cols: _Columns, crs: str | None, report: IngestReport) -> tgcrs.CoordinateResult:
    n = cols.n
    pairs = (("lat", "lon"), ("northing", "easting"), ("x", "y"))
    for first, second in pairs:
        if cols.has(first) or cols.has(second):
            a, b = _numbers(cols.raw(first), n), _numbers(cols.raw(second), n)
            result = tgcrs.coordinates_to_wgs84(a, b, crs=crs)
            if first == "x" and result.swapped.any():
                report.notes.append(
                    f"{int(result.swapped.sum())} rows have X as easting and Y as northing (international "
                    "order, not the Swedish one); read accordingly"
                )
                result = tgcrs.CoordinateResult(result.lon, result.lat, result.kind, np.zeros(n, dtype=bool))
            return result
    if cols.has("coordinates"):
        text = _text(cols.raw("coordinates"), n)
        parts = text.str.replace(r"^\s*\(|\)\s*$", "", regex=True)
        # "59.33,18.07" or "59,33 18,07" or "59.33 18.07" or "59.33;18.07"
        one_comma = parts.str.count(",") == 1
        split = parts.where(~one_comma, parts.str.replace(",", " ", regex=False))
        split = split.str.replace(";", " ", regex=False).str.split(r"\s+", n=1, expand=True, regex=True)
        if split.shape[1] < 2:
            split[1] = ""
        return tgcrs.coordinates_to_wgs84(_numbers(split[0], n), _numbers(split[1], n), crs=crs)
    if cols.prep.geometry is not None:
        return _from_geometry(cols.prep.geometry, n)
    nan = np.full(n, np.nan)
    return tgcrs.CoordinateResult(
        nan, nan.copy(), np.full(n, tgcrs.KIND_MISSING, dtype=np.int8), np.zeros(n, dtype=bool)
    )


def _from_geometry(geometry: gpd.GeoSeries, n: int) -> tgcrs.CoordinateResult:
    """Points of a GIS layer (other shapes: a point on the surface) in WGS84."""
    geo = geometry.reset_index(drop=True)
    present = (geo.notna() & ~geo.is_empty).to_numpy()
    kind = np.full(n, tgcrs.KIND_MISSING, dtype=np.int8)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if present.any():
        pts = geo[present]
        pts = pts.where(pts.geom_type == "Point", pts.representative_point())
        if geo.crs is not None:
            first, second = pts.y.to_numpy(), pts.x.to_numpy()
            if geo.crs.is_geographic:
                res = tgcrs.coordinates_to_wgs84(first, second, crs="EPSG:4326")
            else:
                ll = pts.to_crs(s.WGS84)
                res = tgcrs.CoordinateResult(
                    ll.x.to_numpy(),
                    ll.y.to_numpy(),
                    np.full(len(ll), tgcrs.KIND_GIVEN, dtype=np.int8),
                    np.zeros(len(ll), dtype=bool),
                )
        else:
            res = tgcrs.coordinates_to_wgs84(pts.y.to_numpy(), pts.x.to_numpy())
        lon[present], lat[present], kind[present] = res.lon, res.lat, res.kind
        swapped = np.zeros(n, dtype=bool)
        swapped[present] = res.swapped
        bad = present & ~np.isfinite(lon)
        kind[bad] = tgcrs.KIND_BAD
        return tgcrs.CoordinateResult(lon, lat, kind, swapped)
    return tgcrs.CoordinateResult(lon, lat, kind, np.zeros(n, dtype=bool))


def _outside(lon: np.ndarray, lat: np.ndarray, located: np.ndarray, area: Area) -> tuple[np.ndarray, str]:
    """Rows outside the study area (or outside Sweden when most rows are inside it)."""
    n = lon.shape[0]
    if area is False or not located.any():
        return np.zeros(n, dtype=bool), ""
    if area is None or (isinstance(area, str) and area == "auto"):
        inside = tgcrs.in_sweden(lon, lat)
        if inside[located].mean() < 0.5:
            return np.zeros(n, dtype=bool), ""
        return located & ~inside, "Sweden"
    import shapely

    if isinstance(area, tuple | list) and len(area) == 4:
        minx, miny, maxx, maxy = (float(v) for v in area)
        inside = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
        return located & ~inside, f"bbox {tuple(area)!r}"
    if hasattr(area, "geometry") and hasattr(area, "crs"):
        geom = (
            area.to_crs(s.WGS84).geometry.union_all() if area.crs is not None else area.geometry.union_all()
        )
    elif isinstance(area, shapely.Geometry):
        geom = area
    else:
        raise SchemaError(
            f"area={area!r}: expected None/'auto', False, a (minlon, minlat, maxlon, maxlat) tuple, a "
            "shapely "
            "geometry in WGS84 or a GeoDataFrame"
        )
    inside = np.zeros(n, dtype=bool)
    inside[located] = shapely.contains_xy(geom, lon[located], lat[located])
    return located & ~inside, "the study area"


def _duplicates(
    record_id: pd.Series,
    occurred: pd.Series,
    place_key: pd.Series,
    category: pd.Series,
    candidates: np.ndarray,
    published: pd.Series | None,
) -> np.ndarray:
    """Rows that repeat an earlier-published row (same id, or same time, place and category): True for all
    but the latest version of each."""
    n = len(record_id)
    order = np.arange(n)
    if published is not None:
        # Stable sort by publication time (missing first), so that "last" means "latest published".
        key = published.to_numpy(dtype="datetime64[ns]", na_value=np.datetime64("NaT"))
        key_int = key.astype("int64")
        key_int[np.isnat(key)] = np.iinfo(np.int64).min
        order = np.argsort(key_int, kind="stable")
    dup = np.zeros(n, dtype=bool)
    frame = pd.DataFrame(
        {
            "id": record_id.to_numpy(),
            "t": occurred.to_numpy(),
            "p": place_key.to_numpy(),
            "c": category.to_numpy(),
        }
    ).iloc[order]
    cand = candidates[order]
    with_id = cand & (frame["id"] != "").to_numpy()
    if with_id.any():
        d = frame.loc[with_id, "id"].duplicated(keep="last").to_numpy()
        dup[order[with_id][d]] = True
    content = cand & ~dup[order] & frame["t"].notna().to_numpy() & (frame["p"] != "").to_numpy()
    if content.any():
        d = frame.loc[content, ["t", "p", "c"]].duplicated(keep="last").to_numpy()
        dup[order[content][d]] = True
    return dup


def _place_text(cols: _Columns) -> pd.Series:
    n = cols.n
    place = _text(cols.raw("place"), n)
    if not cols.has("town"):
        return place
    town = _text(cols.raw("town"), n)
    # "Storgatan 1" + "Karlstad" -> "Storgatan 1, Karlstad" unless the place already names the town.
    add = (town != "") & (place != "") & ~_contains_ci(place, town)
    out = place.where(~add, place + ", " + town)
    return out.where(place != "", town)


def _contains_ci(text: pd.Series, part: pd.Series) -> pd.Series:
    """Element-wise ``part in text``, ignoring case (a loop over rows that have both; no vectorised
    column-against-column substring test exists in pandas or pyarrow)."""
    out = pd.Series(False, index=text.index, dtype=bool)
    both = (text != "") & (part != "")
    out[both] = [b in a for a, b in zip(text[both].str.casefold(), part[both].str.casefold(), strict=True)]
    return out


def _user_columns(frame: pd.DataFrame, canonical: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """The user's columns, renamed ``<name>_source`` where a name collides with a canonical column."""
    taken = set(canonical) | {s.GEOMETRY}
    renames = {c: f"{c}_source" for c in frame.columns if c in taken}
    out = frame.reset_index(drop=True)
    if renames:
        out = out.rename(columns=renames)
    notes = [
        f"source column {c!r} kept as {r!r} (the name is a canonical column)" for c, r in renames.items()
    ]
    return out, notes


def build(
    prep: Prepared,
    *,
    kind: Kind,
    crs: str | None = None,
    area: Area = None,
    categories: Mapping[str, str] | None = None,
    index: pd.Index | None = None,
) -> gpd.GeoDataFrame:
    """Canonical GeoDataFrame from a prepared raw table; exactly one output row per input row."""
    import geopandas as gpd

    n = len(prep.frame)
    cols = _Columns(prep)
    canonical = s.INCIDENT_COLUMNS if kind == "incidents" else s.OBSERVATION_COLUMNS
    report = IngestReport(source=prep.source, kind=kind, n_rows=n, **prep.report.get("how", {}))
    report.notes.extend(prep.report.get("notes", []))
    report.columns = dict(prep.roles)

    occurred, bad_date, _ = _occurred_at(cols)
    raw_cat = _text(cols.raw("category"), n)
    category, unknown = map_categories(
        raw_cat, kind="incident" if kind == "incidents" else "observation", extra=categories
    )
    if unknown.any():
        report.unknown_categories = {str(k): int(v) for k, v in raw_cat[unknown].value_counts().items()}
    place = _place_text(cols)
    coords = _coordinates(cols, crs, report)
    lon, lat = coords.lon, coords.lat
    located = np.isfinite(lon) & np.isfinite(lat)
    report.crs_counts = {k: v for k, v in coords.counts().items() if k != "missing"}
    report.swapped_coordinates = int(coords.swapped.sum())

    has_place = (place != "").to_numpy()
    bad_coords = coords.kind == tgcrs.KIND_BAD
    outside, area_name = _outside(lon, lat, located, area)
    precision = np.where(located, "exact", None).astype(object)
    if prep.precision is not None:
        fixed = prep.precision.reset_index(drop=True).to_numpy(dtype=object)
        precision = np.where(located & pd.notna(fixed), fixed, precision)
    status = np.full(n, "ok", dtype=object)
    reason = np.full(n, "", dtype=object)
    status[~located & has_place] = "needs_geocoding"
    reason[~located & has_place & bad_coords] = "bad_coordinates"
    if prep.coarse_with_street is not None:
        street = prep.coarse_with_street.reset_index(drop=True).to_numpy(dtype=bool) & located & has_place
        status[street], reason[street] = "needs_geocoding", "coarse_location"
    rej = ~located & ~has_place
    status[rej] = "rejected"
    reason[rej] = np.where(bad_coords[rej], "bad_coordinates", "no_location")
    for mask, code in (
        (outside & (status != "rejected"), "outside_country"),
        (bad_date & (status != "rejected"), "bad_date"),
    ):
        status[mask], reason[mask] = "rejected", code
    report.outside_area = int((reason == "outside_country").sum())
    if report.outside_area:
        report.notes.append(f"{report.outside_area} rows lie outside {area_name}; flagged outside_country")

    record_id = _text(cols.raw("record_id"), n)
    place_key = place.str.casefold()
    coord_key = (
        pd.Series(np.round(lon, 5).astype("str"), dtype="str")
        + ","
        + pd.Series(np.round(lat, 5).astype("str"), dtype="str")
    )
    place_key = place_key.where(place_key != "", coord_key.where(located, ""))
    published = parse_datetimes(cols.raw("published"))[0] if cols.has("published") else None  # type: ignore
    dup = _duplicates(record_id, occurred, place_key, category, status != "rejected", published)
    status[dup], reason[dup] = "rejected", "duplicate"
    report.duplicates = int(dup.sum())

    values: dict[str, Any] = {
        s.RECORD_ID: record_id.where(record_id != "", None).astype(object),
        s.SOURCE: pd.Series([prep.source] * n, dtype="str") if n else pd.Series([], dtype="str"),
        s.SOURCE_ROW: np.arange(1, n + 1, dtype=np.int64)
        if prep.source_rows is None
        else np.asarray(prep.source_rows, dtype=np.int64),
        s.OCCURRED_AT: occurred,
        s.CATEGORY: category,
        s.RAW_CATEGORY: raw_cat,
        s.PLACE_TEXT: place,
        s.LON: lon,
        s.LAT: lat,
        s.PRECISION: precision,
        s.STATUS: status,
        s.REASON: reason,
    }
    if kind == "observations":
        values[s.NOTE] = _text(cols.raw("note"), n)
        values[s.MEASURE] = _text(cols.raw("measure"), n)
    canon = pd.DataFrame({c: values[c] for c in canonical}, index=pd.RangeIndex(n))
    for c in (s.STATUS, s.REASON):
        canon[c] = canon[c].astype("str")
    user, notes = _user_columns(prep.frame, canonical)
    report.notes.extend(notes)
    geometry = gpd.points_from_xy(np.where(located, lon, np.nan), np.where(located, lat, np.nan), crs=s.WGS84)
    geometry[~located] = None
    out = gpd.GeoDataFrame(pd.concat([canon, user], axis=1), geometry=geometry, crs=s.WGS84)
    if index is not None:
        out.index = index
    report.status_counts = {st: int((status == st).sum()) for st in s.STATUSES}
    codes, counts = np.unique(reason[reason != ""].astype(str), return_counts=True)
    report.reason_counts = {str(c): int(k) for c, k in zip(codes, counts, strict=True)}
    out.attrs["report"] = report
    log.info("%s: %d rows read (%s)", prep.source, n, report.status_counts)
    return out
