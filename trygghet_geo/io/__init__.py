"""Readers of incident extracts and safety-walk observations: every real export, no row lost.

``read_incidents`` and ``read_observations`` take a path (CSV/TXT, Excel .xlsx, GeoJSON/GeoPackage/Shapefile,
Polisen API or brottsplatskartan JSON) or a (Geo)DataFrame, and return a GeoDataFrame in EPSG:4326 with the
canonical columns of :mod:`trygghet_geo.schema` followed by the user's own columns, untouched. The result has
exactly one row per input record; each row has a ``status`` (``ok``, ``needs_geocoding``, ``rejected``) and a
``reason`` code when it is not ``ok``. ``result.attrs["report"]`` is an :class:`IngestReport`.

>>> import pandas as pd
>>> from trygghet_geo.io import read_incidents
>>> df = pd.DataFrame({"Brottstyp": ["Stöld", "Rån"], "Datum": ["2021-03-04 22:15", "2021-03-05"],
...                    "Plats": ["Storgatan 1", ""], "Latitud": ["", "59,33"], "Longitud": ["", "18,07"]})
>>> gdf = read_incidents(df)
>>> gdf[["category", "status", "lat"]].values.tolist()
[['stöld', 'needs_geocoding', nan], ['våld', 'ok', 59.33]]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import pandas as pd

from trygghet_geo import schema
from trygghet_geo._hints import hint
from trygghet_geo.errors import CRSError, InputError, SchemaError, shown
from trygghet_geo.io._categories import read_category_table
from trygghet_geo.io._columns import ROLES, recognise_columns, role_of
from trygghet_geo.io._extract import footer_rows
from trygghet_geo.io._ingest import Area, Kind, Prepared, build
from trygghet_geo.io._remarks import find_tone_column
from trygghet_geo.io._report import IngestReport

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

__all__ = ["ROLES", "IngestReport", "read_incidents", "read_observations", "rejects_table", "validate_file"]

Source: TypeAlias = str | Path | pd.DataFrame
_TEXT = {".csv", ".txt", ".tsv", ".tab", ".dat", ".text"}
_EXCEL = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
_GIS = {".geojson", ".gpkg", ".shp", ".fgb", ".gml", ".kml", ".zip", ".parquet"}


def read_incidents(
    source: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    crs: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    area: Area = None,
    categories: Mapping[str, str] | str | Path | None = None,
    max_excel_mb: float | None = None,
    header_row: int | None = None,
) -> gpd.GeoDataFrame:
    """Read police incidents into the canonical table (one row per input row, none dropped).

    Parameters
    ----------
    source
        A file path (.csv/.txt, .xlsx, .geojson/.gpkg/.shp, GeoParquet .parquet, .json from the Polisen API or
        brottsplatskartan) or a (Geo)DataFrame (not changed).
    columns
        Which source column holds which field, overriding recognition: ``{"category": "Typ av brott",
        "place": "Var", "x": "X_koord"}``. Keys are fields (:data:`ROLES`) or canonical column names; a value
        of ``None`` ignores a recognised column.
    crs
        CRS of the coordinate columns (e.g. ``"EPSG:3011"``); detected from the values when ``None``.
    sheet, layer
        Excel sheet (name or 0-based position; default the first) and GIS layer.
    encoding, delimiter
        Force the text encoding / delimiter of a CSV instead of detecting them.
    area
        Study area; rows outside get status ``rejected``, reason ``outside_country`` (flagged, kept).
        ``None`` checks Sweden when most rows lie in Sweden; ``False`` checks nothing; else a
        ``(minlon, minlat, maxlon, maxlat)`` tuple, a shapely geometry in WGS84 or a GeoDataFrame.
    categories
        Your own category table, consulted before the shipped one: ``{raw type: category}`` pairs, or the
        path of a CSV with columns ``raw;category`` (and optionally ``kind``) in the layout of the shipped
        ``data/categories.csv`` (a ``*`` at the end matches every type starting with the text).
    max_excel_mb
        Largest Excel workbook read, in megabytes once uncompressed (default ``options.max_excel_mb``, 100).
        A larger workbook, a sheet whose declared dimension cannot fit in it, or one declaring XML entities
        is refused with :class:`~trygghet_geo.errors.InputError` before anything is parsed (decompression
        bombs, XXE).
    header_row
        The 1-based row (line) of the column names, as Excel numbers rows; by default title lines above the
        header (blank or padded with delimiters or not) are detected and reported, and footer lines below
        the table ("Antal rader: 1626") are left out and reported.

    Police case-system extracts are read as delivered: ``Ärendenummer`` becomes ``case_id`` (and
    ``record_id``), ``Brottsbenämning`` the category with ``Brottskod`` kept in ``offence_code``, the pairs
    ``Brott begånget fr.o.m. datum; kl`` and ``t.o.m. datum; kl`` become ``occurred_from`` (= ``occurred_at``)
    and ``occurred_to``; a date without a time has ``time_known`` False. One row per brott: two rows are
    duplicates only when they have the same ``case_id`` and the same offence (its code, else its text).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326 points (None where unknown), columns :data:`trygghet_geo.schema.INCIDENT_COLUMNS` then the
        user's columns; ``attrs["report"]`` holds the :class:`IngestReport`.

    Raises
    ------
    InputError
        Missing, empty, undecodable or unreadable file; no column that could hold a place or coordinates;
        an Excel workbook over ``max_excel_mb`` or with entity declarations.
    SchemaError
        ``columns`` names an unknown field or a column the source lacks.
    CRSError
        ``crs`` is unknown, or the values are in a SWEREF 99 local zone that ``crs`` must name.

    Examples
    --------
    >>> import pandas as pd
    >>> gdf = read_incidents(pd.DataFrame({"X": ["6580822"], "Y": ["674032"], "Brottstyp": ["Rån"]}))
    >>> gdf.attrs["report"].crs_counts, round(float(gdf.lat.iloc[0]), 2)
    ({'EPSG:3006': 1}, 59.33)
    """
    return _read(
        source,
        "incidents",
        columns=columns,
        crs=crs,
        sheet=sheet,
        layer=layer,
        encoding=encoding,
        delimiter=delimiter,
        area=area,
        categories=categories,
        max_excel_mb=max_excel_mb,
        header_row=header_row,
    )


def read_observations(
    source: Source,
    *,
    columns: Mapping[str, str | None] | None = None,
    crs: str | None = None,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    area: Area = None,
    categories: Mapping[str, str] | str | Path | None = None,
    max_excel_mb: float | None = None,
    header_row: int | None = None,
) -> gpd.GeoDataFrame:
    """Read safety-walk observations (place text, category, note, suggested measure) into the canonical table.

    Same parameters, errors and guarantees as :func:`read_incidents`; the columns are
    :data:`trygghet_geo.schema.OBSERVATION_COLUMNS` and categories come from the observation vocabulary.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = read_observations(pd.DataFrame({"Plats": ["Gångtunneln under Järnvägsgatan"],
    ...                                       "Kategori": ["Dålig belysning"], "Anteckning": ["Mörkt"]}))
    >>> obs[["category", "status", "note"]].values.tolist()
    [['belysning', 'needs_geocoding', 'Mörkt']]
    """
    return _read(
        source,
        "observations",
        columns=columns,
        crs=crs,
        sheet=sheet,
        layer=layer,
        encoding=encoding,
        delimiter=delimiter,
        area=area,
        categories=categories,
        max_excel_mb=max_excel_mb,
        header_row=header_row,
    )


def validate_file(
    path: str | Path,
    *,
    kind: Literal["auto", "incidents", "observations"] = "auto",
    **kwargs: Any,
) -> gpd.GeoDataFrame:
    """Read a file as incidents or observations (``kind="auto"``: observations when it has a note or
    measure column; Polisen API and brottsplatskartan files are always incidents, their ``summary`` and
    ``description`` notwithstanding) and return the result; the report is in ``attrs["report"]``."""
    if kind == "auto":
        _check_parameters(
            *(kwargs.get(k) for k in ("area", "max_excel_mb", "delimiter", "encoding", "header_row")),
            sheet=kwargs.get("sheet"),
            layer=kwargs.get("layer"),
        )
        kind = "observations" if _looks_like_observations(Path(path), kwargs) else "incidents"
    reader = read_observations if kind == "observations" else read_incidents
    return reader(path, **kwargs)


def rejects_table(result: pd.DataFrame, *, lang: str = "sv") -> pd.DataFrame:
    """The rows of a read that are not usable as they stand (status ``rejected``), with the reason spelled out
    in ``reason_text`` and the source row number, ready to send back to whoever made the file."""
    rejected = result[result[schema.STATUS] == "rejected"]
    out = pd.DataFrame(rejected.drop(columns=[schema.GEOMETRY], errors="ignore"))
    out.insert(
        out.columns.get_loc(schema.REASON) + 1,
        "reason_text",
        out[schema.REASON].map(lambda code: schema.reason_text(code, lang)),
    )
    return out


# --- internals --------------------------------------------------------------------------------
def _looks_like_observations(path: Path, kwargs: Mapping[str, Any]) -> bool:
    try:
        prep, _ = _prepare_path(
            path,
            "observations",
            **{k: kwargs.get(k) for k in ("sheet", "layer", "encoding", "delimiter", "header_row")},
            max_excel_mb=kwargs.get("max_excel_mb"),
        )
    except InputError:
        return False
    if not prep.recognise:  # a police feed (Polisen API, brottsplatskartan): incidents by definition
        return False
    roles = recognise_columns(prep.frame.columns, source=str(path))
    return "note" in roles or "measure" in roles


def _read(
    source: Source,
    kind: Kind,
    *,
    columns: Mapping[str, str | None] | None,
    crs: str | None,
    sheet: str | int | None,
    layer: str | int | None,
    encoding: str | None,
    delimiter: str | None,
    area: Area,
    categories: Mapping[str, str] | str | Path | None,
    max_excel_mb: float | None = None,
    header_row: int | None = None,
) -> gpd.GeoDataFrame:
    index = None
    _check_parameters(area, max_excel_mb, delimiter, encoding, header_row, sheet=sheet, layer=layer)
    if isinstance(source, pd.DataFrame):
        prep = _prepare_frame(source)
        index = source.index
    elif isinstance(source, str | Path):
        prep, index = _prepare_path(
            Path(source),
            kind,
            sheet=sheet,
            layer=layer,
            encoding=encoding,
            delimiter=delimiter,
            max_excel_mb=max_excel_mb,
            header_row=header_row,
        )
    else:
        raise InputError(f"source={source!r}: expected a file path or a pandas/geopandas DataFrame")
    _check_columns_mapping(columns)
    if prep.recognise:
        _drop_footer(prep)
    prep.roles = recognise_columns(
        prep.frame.columns, columns=columns, source=prep.source, auto=prep.recognise
    )
    if kind == "observations" and prep.recognise and not (columns and "tone" in columns):
        prep.roles = find_tone_column(prep.frame, prep.roles)
    for key in columns or {}:  # an explicit column (or None) beats a reader's derived values
        prep.derived.pop(role_of(key), None)
    _require_location(prep)
    if categories is not None and not isinstance(categories, str | Path | Mapping):
        from trygghet_geo.errors import ParameterTypeError

        raise ParameterTypeError(
            f"categories must be a {{raw type: category}} dict or a CSV path, got {categories!r}"
        )
    table = read_category_table(categories) if isinstance(categories, str | Path) else categories
    try:
        return build(prep, kind=kind, crs=crs, area=area, categories=table, index=index)
    except CRSError as exc:  # the file's coordinates do not fit the CRS: name the file
        if str(exc).startswith(prep.source):
            raise
        raise CRSError(f"{prep.source}: {exc}") from None


def _drop_footer(prep: Prepared) -> None:
    """Footer lines below the table ("Antal rader: 1626", blank lines around it) are no rows: left out and
    reported, with the number the footer states checked against the rows read."""
    k = footer_rows(prep.frame)
    if not k:
        return
    footer = [" ".join(_cells(r)) for r in prep.frame.iloc[len(prep.frame) - k :].to_numpy(dtype=object)]
    prep.frame = prep.frame.iloc[: len(prep.frame) - k].reset_index(drop=True)
    if prep.source_rows is not None:
        prep.source_rows = list(prep.source_rows)[: len(prep.frame)]
    text = "; ".join(f for f in footer if f)
    note = f"{k} lines below the table were left out (a footer, not data: {text!r})"
    stated = [int(m) for m in re.findall(r"(?i)(?:antal|rader|rows|totalt|summa)\D{0,20}?(\d+)", text)]
    if stated and stated[0] != len(prep.frame):
        note += f"; the footer states {stated[0]} rows, {len(prep.frame)} were read"
    prep.report.setdefault("notes", []).append(note)
    prep.report.setdefault("how", {})["footer_lines"] = k


def _cells(row: Any) -> list[str]:
    return [str(v).strip() for v in row if v is not None and str(v).strip() not in ("", "nan", "None")]


def _check_parameters(
    area: Area,
    max_excel_mb: float | None,
    delimiter: str | None,
    encoding: str | None,
    header_row: int | None = None,
    *,
    sheet: object = None,
    layer: object = None,
) -> None:
    """The readers' parameters, checked before any file is opened."""
    import codecs

    from trygghet_geo import _validate as v
    from trygghet_geo.errors import ParameterError

    if isinstance(area, tuple | list):
        v.bbox("area", area)
    if max_excel_mb is not None:
        v.positive("max_excel_mb", max_excel_mb)
    if header_row is not None:  # 1-based, as Excel numbers rows; pandas would skip a range of that size
        v.count("header_row", header_row, minimum=1, maximum=v.MAX_ROW)
    for name, value in (("sheet", sheet), ("layer", layer)):  # a name, or a 0-based position
        if value is not None and not isinstance(value, str):
            v.count(name, value)
    if delimiter is not None and (
        not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n'
    ):
        raise ParameterError(f"delimiter={delimiter!r}: expected one character such as ';', ',' or a tab")
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ParameterError(
                f"encoding={encoding!r}: not a text encoding Python knows (utf-8, cp1252 …)"
            ) from None


def _require_location(prep: Prepared) -> None:
    usable = {"place", "town", "lat", "lon", "x", "y", "northing", "easting", "coordinates"}
    if prep.geometry is not None or usable & (set(prep.roles) | set(prep.derived)):
        return
    raise InputError(
        f"{prep.source}: no column could hold a place or coordinates; found columns "
        f"{list(prep.frame.columns)!r}. Expected a place column (plats, adress, gatuadress, "
        "platsbeskrivning, "
        "address …) or coordinate columns (latitud/longitud, lat/lon, X/Y, N/E); name yours with "
        f"{hint('columns', _PLACE_EXAMPLE, cli='place=<rubrik>,lat=<rubrik>,lon=<rubrik>')}"
        f"{_header_hint(prep)}"
    )


_PLACE_EXAMPLE = "{'place': ..., 'lat': ..., 'lon': ...}"


def _header_hint(prep: Prepared) -> str:
    """For a file or sheet whose column names may stand on a later row (below a title row)."""
    if prep.report.get("how", {}).get("format") not in ("csv", "xlsx"):
        return ""
    return f"; if the column names stand on a later row, say which with {hint('header_row', '3')}"


def _prepare_frame(frame: pd.DataFrame) -> Prepared:
    import geopandas as gpd

    from trygghet_geo.errors import SchemaError

    if not frame.columns.is_unique:
        twice = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
        raise SchemaError(
            f"DataFrame: the column name(s) {twice!r} appear more than once; give each its own name"
        )
    prep = Prepared(frame=pd.DataFrame(frame), source="DataFrame", report={"how": {"format": "DataFrame"}})
    periods = [c for c in prep.frame.columns if isinstance(prep.frame[c].dtype, pd.PeriodDtype)]
    if periods:  # a pandas Period is a span, read as its first instant (as a date cell is)
        prep.frame = prep.frame.assign(**{str(c): prep.frame[c].dt.to_timestamp() for c in periods})
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        prep.geometry = frame.geometry
        prep.frame = pd.DataFrame(frame.drop(columns=[frame.geometry.name]))
    return prep


def _prepare_path(
    path: Path,
    kind: Kind,
    *,
    sheet: str | int | None = None,
    layer: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    max_excel_mb: float | None = None,
    header_row: int | None = None,
) -> tuple[Prepared, pd.Index | None]:
    try:
        found = path.exists()
    except OSError as exc:  # a name the system cannot look up (longer than a path can be)
        raise InputError(f"{shown(path, quote=False)}: cannot be read ({exc.strerror})") from None
    if not found:
        raise InputError(f"{path}: no such file; expected a CSV, Excel, GeoJSON/GPKG/Shapefile or JSON file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a file")
    suffix = path.suffix.lower()
    name = path.name
    if suffix in _EXCEL:
        from trygghet_geo.io._excel import read_excel_table

        frame, sheet_name, rows, head = read_excel_table(
            path, sheet=sheet, max_excel_mb=max_excel_mb, header_row=header_row
        )
        notes = [f"{head - 1} rows above the header were skipped (a title, not data)"] if head > 1 else []
        return Prepared(
            frame=frame,
            source=name,
            source_rows=rows,
            report={
                "how": {"format": suffix.lstrip("."), "sheet": sheet_name, "header_row": head},
                "notes": notes,
            },
        ), None
    if suffix == ".json" or suffix in _GIS:
        return _prepare_json_or_gis(path, layer=layer), None
    from trygghet_geo.io._csv import read_text_table, split_notes

    if suffix not in _TEXT:
        logger.info("%s: unknown extension %r, reading it as delimited text", path, suffix)
    frame, info = read_text_table(path, encoding=encoding, delimiter=delimiter, header_row=header_row)
    notes = (
        [f"{info.mixed_encoding_lines} lines were cp1252 among UTF-8 lines; read line by line"]
        if info.mixed_encoding_lines
        else []
    )
    if info.title_lines:
        notes.append(f"{info.title_lines} lines above the header were skipped (a title, not data)")
    notes += [
        f"row {r.row} (line {r.line}), field {r.column!r}: a quote opens and never closes; read as a literal "
        f"character (it would have swallowed {r.swallowed} lines)"
        for r in info.runaways
    ]
    notes += split_notes(name, info.split)
    how = {"format": "csv", "encoding": info.encoding, "delimiter": info.delimiter,
           "header_row": info.title_lines + 1}  # fmt: skip
    shifted = [r.row - 1 for r in info.split if not r.joined]
    return Prepared(frame=frame, source=name, report={"how": how, "notes": notes}, shifted=shifted), None


def _prepare_json_or_gis(path: Path, *, layer: str | int | None) -> Prepared:
    from trygghet_geo.io._excel import read_gis_layer
    from trygghet_geo.io._polisen import load_json_records, prepare_records

    if path.suffix.lower() == ".json":
        data = load_json_records(path)
        if not (isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature")):
            frame, info = prepare_records(data, path)
            prep = Prepared(
                frame=frame,
                source=path.name,
                derived=info.get("derived", {}),
                precision=info.get("precision"),
                coarse_with_street=info.get("coarse_with_street"),
                report={"how": {"format": f"json ({info['layout']})"}, "notes": info.get("notes", [])},
            )
            # A known layout: the reader already knows every field, recognition must not pick other columns.
            prep.recognise = info["layout"] == "records"
            return prep
    if path.suffix.lower() == ".parquet":
        import geopandas as gpd

        from trygghet_geo.io._excel import read_parquet_table

        table = read_parquet_table(path)
        if not isinstance(table, gpd.GeoDataFrame):  # plain Parquet: columns as in a CSV
            return Prepared(frame=table, source=path.name, report={"how": {"format": "parquet"}})
    gdf = table if path.suffix.lower() == ".parquet" else read_gis_layer(path, layer=layer)
    prep = Prepared(
        frame=pd.DataFrame(gdf.drop(columns=[gdf.geometry.name])),
        source=path.name,
        geometry=gdf.geometry,
        report={"how": {"format": path.suffix.lower().lstrip(".")}},
    )
    if gdf.crs is None:
        prep.report["notes"] = ["the layer has no CRS; coordinates were detected from the values"]
    return prep


def _check_columns_mapping(columns: Mapping[str, Any] | None) -> None:
    if columns is not None and not isinstance(columns, Mapping):
        raise SchemaError(f"columns={columns!r}: expected a dict such as {{'place': 'Adress'}}")
