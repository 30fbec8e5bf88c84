"""From a raw table (text cells or typed cells) to the canonical GeoDataFrame: one output row per input row.

Every step is vectorised over whole columns; the only Python loops run over distinct category names and over
the columns themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from trygghet_geo import crs as tgcrs
from trygghet_geo import schema
from trygghet_geo.errors import SchemaError
from trygghet_geo.io._categories import map_categories
from trygghet_geo.io._dates import (
    _localize,
    date_window,
    distinct_texts,
    outside_window,
    parse_datetimes,
    parse_times,
    wall_datetimes,
)
from trygghet_geo.io._dms import fill_dms_columns, fill_dms_pairs
from trygghet_geo.io._duplicates import case_offence_codes, find_duplicates, text_codes
from trygghet_geo.io._extract import (
    coarse_place,
    occurred_to,
    report_when_and_cases,
    time_known,
    with_coarse,
)
from trygghet_geo.io._remarks import remark_columns
from trygghet_geo.io._report import IngestReport
from trygghet_geo.io._run import Task, gc_paused, progress_bar, run_now, worker
from trygghet_geo.io._values import as_numbers, as_text, code_counts, without_surrogates
from trygghet_geo.io._weeks import week_rows

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

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
    source_rows: np.ndarray | list[int] | None = None  # 1-based row numbers if blank rows were left out
    shifted: list[int] = field(default_factory=list)  # 0-based rows whose cells the reader saw shifted
    report: dict[str, Any] = field(default_factory=dict)  # format, encoding, delimiter, sheet, notes


class _Columns:
    """Access to role values: a reader's derived values first, then the recognised source column; text that
    is not Unicode (lone surrogates) comes back with U+FFFD in their place, counted in ``replaced``."""

    def __init__(self, prep: Prepared) -> None:
        self.prep = prep
        self.n = len(prep.frame)
        self.replaced: dict[str, int] = {}  # column (or role) -> lone surrogates replaced
        self._clean: dict[str, pd.Series] = {}
        self._texts: dict[str, pd.Series] = {}
        self._blank: pd.Series | None = None
        self._missing: pd.Series | None = None

    def text(self, role: str) -> pd.Series:
        """A role's values as stripped text, made once per role (the note, the record id and the case id
        are asked for twice); one shared column of ``""`` for every role the source lacks (record id, case
        id, offence code, note …: each its own copy took 8 bytes a row)."""
        if role not in self._texts:
            if self.has(role):
                self._texts[role] = as_text(self.raw(role), self.n)
            else:
                if self._blank is None:
                    self._blank = as_text(None, self.n)
                self._texts[role] = self._blank
        return self._texts[role]

    def ids(self, role: str) -> pd.Series:
        """``text(role)`` with ``""`` as missing (one shared all-missing column when the source lacks it)."""
        if self.has(role) or (role == "record_id" and self.has("case_id")):
            values = self.text(role) if self.has(role) else self.text("case_id")
            return values.where(values != "", None)
        if self._missing is None:
            self._missing = pd.Series(pd.array(pa.nulls(self.n, pa.large_string()), dtype="str"))
        return self._missing

    def raw(self, role: str) -> pd.Series | None:
        if role in self._clean:
            return self._clean[role]
        if role in self.prep.derived:
            values, label = self.prep.derived[role].reset_index(drop=True), role
        else:
            col = self.prep.roles.get(role)
            if col is None:
                return None
            values, label = self.prep.frame[col].reset_index(drop=True), str(col)
        values, count = without_surrogates(values)
        if count:
            self.replaced[label] = count
        self._clean[role] = values
        return values

    def has(self, role: str) -> bool:
        return role in self.prep.derived or role in self.prep.roles

    def present(self, role: str) -> pd.Series:
        """The values of a role that ``has`` reports present."""
        values = self.raw(role)
        if values is None:
            raise KeyError(f"role {role!r} has no column; check has({role!r}) first")
        return values


def _occurred_at(cols: _Columns) -> tuple[pd.Series, np.ndarray, NDArray[np.bool_] | None]:
    """When each row happened, which rows had a date that could not be read, and where a separate time
    column gave a time of day (``None`` without a time column)."""
    n = cols.n
    nat = pd.Series(pd.NaT, index=pd.RangeIndex(n), dtype="datetime64[ns, Europe/Stockholm]")
    if cols.has("datetime"):
        ts, bad = parse_datetimes(cols.present("datetime"))
        return ts, bad, None
    if not cols.has("date"):
        return nat, np.zeros(n, dtype=bool), None
    date = cols.present("date")
    if not cols.has("time"):
        ts, bad = parse_datetimes(date)
        return ts, bad, None
    return _date_plus_time(date, cols.present("time"))


_DAY_NS = 86_400 * 10**9


def _date_plus_time(date: pd.Series, time: pd.Series) -> tuple[pd.Series, np.ndarray, NDArray[np.bool_]]:
    """A date column plus a separate time column, added on the wall clock, then placed in Stockholm time.

    Where the time is missing or unreadable the date stands as it was read (a date column that holds a
    time keeps it); where both are present the time replaces the date's time of day. Each distinct date
    and time text is parsed once; the sum is integer arithmetic on nanoseconds. Also returns where the
    time column gave a time of day."""
    nat = np.iinfo(np.int64).min
    day_codes, days = distinct_texts(date)
    clock_codes, clocks = distinct_texts(time)
    wall, bad_day = wall_datetimes(days)
    clock, bad_clock = parse_times(clocks)
    # Per distinct text, then one gather per row; code -1 (a missing cell) picks the appended NaT.
    w = np.append(wall.to_numpy(dtype="datetime64[ns]").view(np.int64), nat)[day_codes]
    c = np.append(clock.to_numpy(dtype="timedelta64[ns]").view(np.int64), nat)[clock_codes]
    bad = np.append(bad_day, False)[day_codes] | np.append(bad_clock, False)[clock_codes]
    both = (w != nat) & (c != nat)
    w = np.where(both, w - w % _DAY_NS + c, w)
    return _localize(pd.Series(w.view("datetime64[ns]"), index=date.index)), bad, c != nat


def _coordinates(
    cols: _Columns, crs: str | None, report: IngestReport, submit: Callable[..., Task] = run_now
) -> tgcrs.CoordinateResult:
    n = cols.n
    pairs = (("lat", "lon"), ("northing", "easting"), ("x", "y"))
    for first, second in pairs:
        if cols.has(first) or cols.has(second):
            later = submit(as_numbers, cols.raw(second), n)
            a = as_numbers(cols.raw(first), n)
            b = later.result()
            if first == "lat":
                names = f"{cols.prep.roles.get('lat', 'lat')!r}/{cols.prep.roles.get('lon', 'lon')!r}"
                a, b = fill_dms_columns(cols.raw("lat"), cols.raw("lon"), a, b, names, report.notes)
            result = tgcrs.coordinates_to_wgs84(a, b, crs=crs)
            _unreadable_is_bad(result.kind, cols.raw(first), cols.raw(second))
            if first == "x" and result.swapped.any():
                report.notes.append(
                    f"{int(result.swapped.sum())} rows have X as easting and Y as northing (international "
                    "order, not the Swedish one); read accordingly"
                )
                result = tgcrs.CoordinateResult(result.lon, result.lat, result.kind, np.zeros(n, dtype=bool))
            return result
    if cols.has("coordinates"):
        text = as_text(cols.raw("coordinates"), n)
        parts = text.str.replace(r"^\s*\(|\)\s*$", "", regex=True)
        # "59.33,18.07" or "59,33 18,07" or "59.33 18.07" or "59.33;18.07"
        one_comma = parts.str.count(",") == 1
        split = parts.where(~one_comma, parts.str.replace(",", " ", regex=False))
        split = split.str.replace(";", " ", regex=False).str.split(r"\s+", n=1, expand=True, regex=True)
        if split.shape[1] < 2:
            split[1] = ""
        a, b = as_numbers(split[0], n), as_numbers(split[1], n)
        a, b = fill_dms_pairs(text, a, b, report.notes)
        result = tgcrs.coordinates_to_wgs84(a, b, crs=crs)
        result.kind[(result.kind == tgcrs.KIND_MISSING) & (text != "").to_numpy(dtype=bool)] = tgcrs.KIND_BAD
        return result
    if cols.prep.geometry is not None:
        return _from_geometry(cols.prep.geometry, n, crs)
    nan = np.full(n, np.nan)  # one buffer for both (only NaN is ever written into them)
    return tgcrs.CoordinateResult(
        nan, nan, np.full(n, tgcrs.KIND_MISSING, dtype=np.int8), np.zeros(n, dtype=bool)
    )


def _unreadable_is_bad(kind: np.ndarray, first: pd.Series | None, second: pd.Series | None) -> None:
    """Rows whose coordinate cells hold text that is no number: ``bad_coordinates``, not "no location"."""
    missing = np.flatnonzero(kind == tgcrs.KIND_MISSING)
    if not len(missing):
        return
    written = np.zeros(len(missing), dtype=bool)
    for values in (first, second):
        if values is not None:
            written |= (as_text(values.iloc[missing], len(missing)) != "").to_numpy(dtype=bool)
    kind[missing[written]] = tgcrs.KIND_BAD


def _from_geometry(geometry: gpd.GeoSeries, n: int, declared: str | None = None) -> tgcrs.CoordinateResult:
    """Points of a GIS layer (other shapes: a point on the surface) in WGS84."""
    geo = geometry.reset_index(drop=True)
    present = (geo.notna() & ~geo.is_empty).to_numpy()
    kind = np.full(n, tgcrs.KIND_MISSING, dtype=np.int8)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    if present.any():
        pts = geo[present]
        pts = pts.where(pts.geom_type == "Point", pts.representative_point())
        crs = geo.crs
        if crs is not None and crs.is_geographic and not _degree_values(pts):
            # GeoJSON has no CRS but WGS84 (RFC 7946), so a layer without a 'crs' member is reported as
            # WGS84 even when its values are metres (SWEREF 99 TM): detect the CRS from the values instead.
            logger.info(
                "the layer is labelled WGS84 but holds no degrees; its CRS is detected from the values"
            )
            crs = None
        if declared is not None:
            res = tgcrs.coordinates_to_wgs84(pts.y.to_numpy(), pts.x.to_numpy(), crs=declared)
        elif crs is not None:
            name = "EPSG:4326" if crs.is_geographic else crs.to_string()
            # A declared CRS is trusted within its own area of use (rows outside are bad coordinates).
            res = tgcrs.coordinates_to_wgs84(pts.y.to_numpy(), pts.x.to_numpy(), crs=name)
        else:
            res = tgcrs.coordinates_to_wgs84(pts.y.to_numpy(), pts.x.to_numpy())
        lon[present], lat[present], kind[present] = res.lon, res.lat, res.kind
        swapped = np.zeros(n, dtype=bool)
        swapped[present] = res.swapped
        bad = present & ~np.isfinite(lon)
        kind[bad] = tgcrs.KIND_BAD
        return tgcrs.CoordinateResult(lon, lat, kind, swapped)
    return tgcrs.CoordinateResult(lon, lat, kind, np.zeros(n, dtype=bool))


def _degree_values(points: gpd.GeoSeries) -> bool:
    """Whether most finite point coordinates fit in degrees (|x| <= 180, |y| <= 90)."""
    x, y = points.x.to_numpy(), points.y.to_numpy()
    fin = np.isfinite(x) & np.isfinite(y)
    if not fin.any():
        return True
    fits = (np.abs(x[fin]) <= 180) & (np.abs(y[fin]) <= 90)
    return bool(fits.mean() >= 0.5)


def _outside(
    lon: np.ndarray, lat: np.ndarray, located: np.ndarray, area: Area, sweden: np.ndarray | None = None
) -> tuple[np.ndarray, str]:
    """Rows outside the study area (or outside Sweden when most rows are inside it); ``sweden`` is
    ``in_sweden(lon, lat)`` when already known."""
    n = lon.shape[0]
    if area is False or not located.any():
        return np.zeros(n, dtype=bool), ""
    if area is None or (isinstance(area, str) and area == "auto"):
        inside = tgcrs.in_sweden(lon, lat) if sweden is None else sweden
        if inside[located].mean() < 0.5:
            return np.zeros(n, dtype=bool), ""
        return located & ~inside, "Sweden"
    import shapely

    if isinstance(area, tuple | list):
        from trygghet_geo._validate import bbox

        minx, miny, maxx, maxy = bbox("area", area)
        inside = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
        return located & ~inside, f"bbox {tuple(area)!r}"
    if hasattr(area, "geometry") and hasattr(area, "crs"):
        geom = (
            area.to_crs(schema.WGS84).geometry.union_all()
            if area.crs is not None
            else area.geometry.union_all()
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


def _place_text(cols: _Columns, place: pd.Series) -> pd.Series:
    """The place column (as text), with the town added where the place does not name it."""
    n = cols.n
    if not cols.has("town"):
        return place
    town = as_text(cols.raw("town"), n)
    # "Storgatan 1" + "Karlstad" -> "Storgatan 1, Karlstad" unless the place already names the town.
    add = (town != "") & (place != "") & ~_contains_ci(place, town)
    out = place.where(~add, place + ", " + town)
    return out.where(place != "", town)


def _contains_ci(text: pd.Series, part: pd.Series) -> pd.Series:
    """Element-wise ``part in text``, ignoring case (a loop over rows that have both; no vectorised
    column-against-column substring test exists in pandas or pyarrow)."""
    out = pd.Series(False, index=text.index, dtype=bool)
    both = (text != "") & (part != "")
    if both.any():  # pandas cannot set an empty list through an all-False mask
        out[both] = [
            b in a for a, b in zip(text[both].str.casefold(), part[both].str.casefold(), strict=True)
        ]
    return out


def _user_columns(frame: pd.DataFrame, canonical: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    """The user's columns, renamed ``<name>_source`` where a name collides with a canonical column."""
    taken = set(canonical) | {schema.GEOMETRY}
    renames = {c: f"{c}_source" for c in frame.columns if c in taken}
    out = frame.reset_index(drop=True)
    if renames:
        out = out.rename(columns=renames)
    notes = [
        f"source column {c!r} kept as {r!r} (the name is a canonical column)" for c, r in renames.items()
    ]
    return out, notes


_STATUS = schema.STATUSES  # codes 0 ok, 1 needs_geocoding, 2 rejected
_REASONS = ("", *schema.REASONS)
_R = {code: i for i, code in enumerate(_REASONS)}
_PRECISIONS = schema.PRECISION_TIERS


def _printable(name: str) -> str:
    """A file name that is not UTF-8 (bytes a shell passes on, held by Python as surrogates) with U+FFFD in
    their place: the name as a table or a text file can store it."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _strings(codes: np.ndarray, names: tuple[str, ...] | list[str]) -> pd.Series:
    """A column of codes into ``names`` (-1 -> missing) as a pandas ``category``: one byte or two per row
    and each name stored once. The code columns (source, category, precision, status, reason) repeat a
    few names over every row; as text they took ~23 bytes a row each (Arrow offsets plus the characters of
    ``needs_geocoding``), and a file of a few million tiny rows grew the reader by over 500 MB."""
    unique = list(dict.fromkeys(names))
    if len(unique) != len(names):  # a repeated name: codes onto its first position
        first = np.array([unique.index(x) for x in names], dtype=np.int32)
        codes = np.where(codes < 0, -1, first[np.where(codes < 0, 0, codes)])
    dtype = pd.CategoricalDtype(pd.Index(unique, dtype="str"))
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))  # pandas narrows wider codes


def _statuses(
    located: np.ndarray,
    has_place: np.ndarray,
    bad_coords: np.ndarray,
    street: np.ndarray | None,
    outside: np.ndarray,
    bad_date: np.ndarray,
    implausible: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Status and reason codes per row (before duplicates), first matching rule wins for the reason."""
    n = located.shape[0]
    status = np.zeros(n, dtype=np.int8)
    reason = np.zeros(n, dtype=np.int8)
    geocode = ~located & has_place
    status[geocode] = 1
    reason[geocode & bad_coords] = _R["bad_coordinates"]
    if street is not None:
        st = street & located & has_place
        status[st], reason[st] = 1, _R["coarse_location"]
    rej = ~located & ~has_place
    status[rej] = 2
    reason[rej] = np.where(bad_coords[rej], _R["bad_coordinates"], _R["no_location"])
    for mask, code in (
        (outside, "outside_country"),
        (bad_date, "bad_date"),
        (implausible, "implausible_date"),
    ):
        m = mask & (status != 2)
        status[m], reason[m] = 2, _R[code]
    return status, reason


def _precision(located: np.ndarray, fixed: pd.Series | None) -> np.ndarray:
    """Precision codes into PRECISION_TIERS: exact for coordinates, the reader's tier where it set one."""
    code = np.full(located.shape[0], -1, dtype=np.int16)
    code[located] = 0
    if fixed is not None:
        f = pd.Series(fixed).reset_index(drop=True)
        fc = pd.Categorical(f.where(f.notna(), None), categories=_PRECISIONS).codes
        code = np.where(located & (fc >= 0), fc, code).astype(np.int16)
    return code


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
    n = len(prep.frame)
    cols = _Columns(prep)
    report = IngestReport(source=prep.source, kind=kind, n_rows=n, **prep.report.get("how", {}))
    report.notes.extend(prep.report.get("notes", []))
    report.columns = dict(prep.roles)

    bar = progress_bar(prep.source, n)
    with worker(n) as submit:
        record_id = cols.text("record_id")
        case_id = cols.text("case_id")
        if not cols.has("record_id"):
            record_id = case_id
        offence_code = cols.text("offence_code")
        raw_cat = cols.text("category")
        # A police extract holds one row per brott: its identity is the case and the offence (the code where
        # given, else the text, case ignored); rows without a case number have none.
        identity = case_id if cols.has("case_id") else record_id
        raw_place = as_text(cols.raw("place"), n)
        place = _place_text(cols, raw_place)
        # The duplicate check's text codes are made beside the dates, categories and coordinates.
        id_later = (
            submit(case_offence_codes, case_id, offence_code, raw_cat)
            if cols.has("case_id")
            else submit(text_codes, identity)
        )
        place_later = submit(text_codes, place, lower=True)
        occurred, bad_date, clock_given = _occurred_at(cols)
        role = "datetime" if cols.has("datetime") else "date"
        week_end, week = week_rows(cols.raw(role), occurred, bad_date, report.notes)
        occurred, implausible = outside_window(occurred)
        known = time_known(cols, occurred, clock_given) & ~week
        until, reversed_ends = occurred_to(cols, occurred)
        if week_end is not None:  # a week is an interval: Monday 00:00 to Sunday 23:59:59
            until = until.where(~week | until.notna() | occurred.isna(), week_end)
        if not (occurred.notna().any() or until.notna().any()):  # no dates at all: one NaT column for both
            until = occurred
        bar.update(1)
        cat_kind: Literal["incident", "observation"] = "incident" if kind == "incidents" else "observation"
        cat_code, cat_names, unknown = map_categories(raw_cat, kind=cat_kind, extra=categories)
        by_code = unknown & (offence_code != "").to_numpy()
        if by_code.any():  # a text the table does not know: the offence code decides
            code_cat, _, code_unknown = map_categories(offence_code[by_code], kind=cat_kind, extra=categories)
            cat_code[by_code] = code_cat
            unknown[np.flatnonzero(by_code)] = code_unknown
        if unknown.any():
            report.unknown_categories = {str(k): int(v) for k, v in raw_cat[unknown].value_counts().items()}
        bar.update(1)
        coords = _coordinates(cols, crs, report, submit)
        id_code, place_code = id_later.result(), place_later.result()
    bar.update(1)
    lon, lat = coords.lon, coords.lat
    shifted = np.zeros(n, dtype=bool)
    shifted[[i for i in prep.shifted if i < n]] = True
    # Cells shifted by an unquoted delimiter (a decimal comma in a comma-separated file that could be joined
    # back in more than one way): neither the coordinates nor the place text can be trusted.
    lon[shifted], lat[shifted], coords.kind[shifted] = np.nan, np.nan, tgcrs.KIND_BAD
    located = np.isfinite(lon) & np.isfinite(lat)
    report.crs_counts = {k: v for k, v in coords.counts().items() if k != "missing"}
    report.swapped_coordinates = int(coords.swapped.sum())
    outside, area_name = _outside(lon, lat, located, area, coords.sweden)
    street = None if prep.coarse_with_street is None else prep.coarse_with_street.to_numpy(dtype=bool)
    status, reason = _statuses(
        located,
        (place != "").to_numpy() & ~shifted,
        coords.kind == tgcrs.KIND_BAD,
        street,
        outside,
        bad_date,
        implausible,
    )
    if implausible.any():
        lo, hi = date_window()
        report.notes.append(
            f"{int(implausible.sum())} rows dated outside {lo:%Y-%m-%d} … {hi:%Y-%m-%d} "
            "(options.plausible_dates); flagged implausible_date"
        )
    # Place text naming only the municipality or county is no street point: never geocoded to one.
    coarse = coarse_place(raw_place, as_text(cols.raw("town"), n) if cols.has("town") else None, report)
    coarse = np.where(located, 0, coarse).astype(np.int8)
    coarse_rows = (coarse > 0) & (status != 2)  # flagged after the duplicate check: the latest version wins
    report.outside_area = int((reason == _R["outside_country"]).sum())
    if report.outside_area:
        report.notes.append(f"{report.outside_area} rows lie outside {area_name}; flagged outside_country")

    published = parse_datetimes(cols.present("published"))[0] if cols.has("published") else None
    report_when_and_cases(
        report, known, occurred, until, reversed_ends, case_id if cols.has("case_id") else None
    )
    if kind == "incidents":
        # Same time means the same minute of the day: a date alone says too little, two thefts on one
        # street on one day are no duplicates.
        eligible = known
        extra: Callable[[], tuple[np.ndarray, ...]] = tuple
        if cols.has("case_id"):  # two brott of one case at one time and place are two records
            extra = lambda: (text_codes(offence_code.where(offence_code != "", raw_cat), lower=True),)  # noqa: E731
    else:
        # A walk has a date only; a repeated observation repeats its note and measure word for word.
        eligible = None
        extra = lambda: (text_codes(cols.text("note")), text_codes(cols.text("measure")))  # noqa: E731
    bar.update(1)
    dup = find_duplicates(
        identity,
        occurred,
        place,
        lon,
        lat,
        cat_code,
        status != 2,
        published,
        eligible=eligible,
        extra=extra,
        id_code=id_code,
        place_code=place_code,
    )
    del id_code, place_code  # 4 bytes a row each, not needed while the table is assembled
    status[dup], reason[dup] = 2, _R["duplicate"]
    status[coarse_rows & ~dup], reason[coarse_rows & ~dup] = 2, _R["coarse_location"]
    report.duplicates = int(dup.sum())
    report.status_counts = dict(zip(_STATUS, code_counts(status, 3), strict=True))
    counts = code_counts(reason, len(_REASONS))
    report.reason_counts = {_REASONS[i]: int(c) for i, c in enumerate(counts) if i and c}
    # The row masks are spent: a byte a row each, let go before the table is assembled.
    del coords, shifted, outside, bad_date, implausible, week, coarse_rows, dup, unknown, by_code

    values: dict[str, Any] = {
        schema.RECORD_ID: cols.ids("record_id"),
        schema.SOURCE: _strings(np.zeros(n, dtype=np.int8), [_printable(prep.source)]),
        schema.SOURCE_ROW: np.arange(1, n + 1, dtype=np.int64)
        if prep.source_rows is None
        else np.asarray(prep.source_rows, dtype=np.int64),
        schema.OCCURRED_AT: occurred,
        schema.CATEGORY: _strings(cat_code, cat_names),
        schema.RAW_CATEGORY: raw_cat,
        schema.PLACE_TEXT: place,
        schema.LON: lon,
        schema.LAT: lat,
        schema.PRECISION: _strings(with_coarse(_precision(located, prep.precision), coarse), _PRECISIONS),
        schema.STATUS: _strings(status, _STATUS),
        schema.REASON: _strings(reason, _REASONS),
        schema.OCCURRED_FROM: occurred,
        schema.OCCURRED_TO: until,
        schema.TIME_KNOWN: known,
    }
    if kind == "incidents":
        values[schema.CASE_ID] = cols.ids("case_id")
        values[schema.OFFENCE_CODE] = offence_code
    else:
        values[schema.NOTE] = cols.text("note")
        values[schema.MEASURE] = cols.text("measure")
        values.update(remark_columns(cols, values[schema.NOTE], n, report, measure=values[schema.MEASURE]))
    if cols.replaced:  # every role's text has been read by now
        report.replaced_characters = sum(cols.replaced.values())
        report.notes.append(
            f"{report.replaced_characters} characters that are not Unicode (lone surrogates) replaced by "
            f"U+FFFD in {', '.join(repr(c) for c in cols.replaced)}"
        )
    bar.update(1)
    out = _assemble(values, prep, kind, located, report)
    bar.update(1)
    bar.close()
    if index is not None:
        out.index = index
    out.attrs["report"] = report
    logger.info("%s: %d rows read (%s)", prep.source, n, report.status_counts)
    return out


def _points(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Shapely points, one object per distinct coordinate pair shared by the rows that repeat it.

    A point object takes ~200 bytes (the Python object and the GEOS point with its coordinate sequence),
    far more than the row's other cells; an extract repeats a few addresses and centroids over many rows,
    and shapely geometries are immutable, so rows with equal coordinates can hold one object. Pairs are
    equal when their float64 bits are (no rounding); one (k, 2) array of the distinct pairs is built, which
    shapely turns into points ~1.5x faster than separate x and y."""
    import shapely

    n = lon.shape[0]
    if n < 2:
        return np.asarray(shapely.points(np.column_stack((lon, lat))), dtype=object)
    # Equal pairs found by sorting their bit patterns (-0.0 and 0.0 stay apart, as their points would):
    # a sort needs a third of the memory of hashing a million distinct pairs, and it is all let go
    # before the points are made.
    x_bits, y_bits = lon.view(np.int64), lat.view(np.int64)
    order = np.lexsort((y_bits, x_bits))
    sx, sy = x_bits[order], y_bits[order]
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(sx[1:], sx[:-1], out=first[1:])
    first[1:] |= sy[1:] != sy[:-1]
    del sx, sy
    k = int(np.count_nonzero(first))
    if k == n:  # all differ: nothing to share
        del order, first
        return np.asarray(shapely.points(np.column_stack((lon, lat))), dtype=object)
    codes = np.empty(n, dtype=np.int32 if k < 2**31 else np.int64)
    codes[order] = np.cumsum(first, dtype=codes.dtype) - 1
    rows = order[first]  # one row of each distinct pair
    del order, first
    points = np.asarray(shapely.points(np.column_stack((lon[rows], lat[rows]))), dtype=object)
    shared: np.ndarray = points[codes]
    return shared


def _assemble(
    values: dict[str, Any], prep: Prepared, kind: Kind, located: np.ndarray, report: IngestReport
) -> gpd.GeoDataFrame:
    """Canonical columns, then the user's, then point geometry (only located rows get a point)."""
    import geopandas as gpd
    from geopandas.array import from_shapely

    canonical = schema.INCIDENT_COLUMNS if kind == "incidents" else schema.OBSERVATION_COLUMNS
    user, notes = _user_columns(prep.frame, canonical)
    report.notes.extend(notes)
    n = len(prep.frame)
    data = {
        c: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
        for c, v in ((c, values[c]) for c in canonical)
    }
    data.update({c: user[c] for c in user.columns})
    geoms = np.full(n, None, dtype=object)
    with gc_paused():
        geoms[located] = _points(values[schema.LON][located], values[schema.LAT][located])
    # from_shapely checks the objects in one compiled pass (GeoSeries(objects) takes ~4x longer). The
    # geometry goes in with the other columns: inserting it afterwards into a frame of hundreds of columns
    # (a wide sheet) would fragment it; as an array, not a Series, which would copy it.
    data[schema.GEOMETRY] = from_shapely(geoms, crs=schema.WGS84)
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
    return gpd.GeoDataFrame(frame, geometry=schema.GEOMETRY, crs=None, copy=False)
