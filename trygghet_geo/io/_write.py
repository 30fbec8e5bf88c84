"""The one spreadsheet writer: every CSV and XLSX the toolkit writes for people goes through here.

One CSV dialect, the one Swedish Excel opens right: ``;`` between fields, decimal comma, UTF-8 with a BOM,
``\\r\\n`` between rows, a field quoted only when it must be. Every text cell and every header passes one
formula escaper (OWASP's advice against CSV injection): a text that a spreadsheet would run as a formula gets
an apostrophe in front. A text is formula-like when it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
line break, also after leading spaces or invisible characters and also in their full-width or small forms
(``＝``, ``﹢``, ``－``, ``＠``). Line breaks inside a CSV cell (``\\r``, ``\\n``, ``\\v``, ``\\f``, U+0085,
U+2028, U+2029) become spaces, so no reader, however naive, can start a new row inside a cell; in XLSX they
stay (a cell holds them), but carriage returns become ``\\n``, and a text over the 32,767 characters of a
cell is cut, ending in ``…``. Control and bidi characters, noncharacters and lone surrogates are removed
(:func:`trygghet_geo.output.privacy.clean_text`) in every format, GeoPackage, GeoJSON and Parquet included,
since XLSX and UTF-8 cannot hold some of them and the others hide text.

Numbers stay numbers: a negative number in a numeric column is written as a number (``-1,5``), never
escaped, since no spreadsheet runs it. GeoPackage and GeoJSON keep their geometry and are written by pyogrio;
GeoParquet by geopandas (pyarrow).
"""

from __future__ import annotations

import csv
import math
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo._atomic import replacing
from trygghet_geo.errors import InputError

__all__ = [
    "CSV_DECIMAL",
    "CSV_SEP",
    "escape_cell",
    "escape_formulas",
    "write_sheets",
    "write_table",
    "xlsx_ready",
]

CSV_SEP = ";"
"""Field separator of every CSV the toolkit writes."""
CSV_DECIMAL = ","
"""Decimal separator of every CSV the toolkit writes."""

_FORMULA_START = frozenset("=+-@\t\r\n")
# characters a spreadsheet skips before it looks for a formula sign
_BLANKS = " \u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d")
# a cell holds 32,767 characters (Excel drops a longer one when it repairs the file); one left for the escape
_XLSX_CHARS = 32_766
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029", " "))


def _is_text(col: pd.Series) -> bool:
    """Whether a column can hold text: object, string, or categorical (whose categories are often text: the
    source file's name, a user's category), so that every text cell is cleaned and escaped."""
    return col.dtype == object or isinstance(col.dtype, pd.StringDtype | pd.CategoricalDtype)


def _formula_like(text: str) -> bool:
    from trygghet_geo.output._redact import clean_text

    if text[:1] in _FORMULA_START:
        return True
    rest = clean_text(text).lstrip(_BLANKS)
    if not rest:
        return False
    first = unicodedata.normalize("NFKC", rest[0])[:1]
    return first in _FORMULA_START or rest[0] in _DASHES


def escape_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet: a formula-like text gets an apostrophe in front.

    >>> [escape_cell(v) for v in ["=1+1", " =1+1", "＝HYPERLINK()", "\\r=cmd", "ok", -3.5]]
    ["'=1+1", "' =1+1", "'＝HYPERLINK()", "'\\r=cmd", 'ok', -3.5]
    """
    if isinstance(value, str) and value and _formula_like(value):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names cannot be run as spreadsheet formulas.

    >>> out = escape_formulas(pd.DataFrame({"=a": ["=1+1", "ok", None]}))
    >>> list(out.columns), out.iloc[:, 0].tolist()
    (["'=a"], ["'=1+1", 'ok', nan])
    """
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if _is_text(col):
            out.isetitem(i, col.astype(object).map(escape_cell))
    out.columns = [escape_cell(str(c)) for c in out.columns]
    return out


def _clean(text: str, *, breaks: bool, max_chars: int | None = None) -> str:
    from trygghet_geo.output._redact import clean_text

    text = clean_text(text, max_chars=max_chars).replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_LINE_BREAKS) if breaks else text


def _clean_texts(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells and column names a GIS or Parquet file can hold: cleaned as every shown text
    is (a lone surrogate cannot be written in UTF-8 at all; control and bidi characters hide text)."""
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if _is_text(col):
            out.isetitem(
                i, col.astype(object).map(lambda v: _clean(v, breaks=False) if isinstance(v, str) else v)
            )
    out.columns = [_clean(c, breaks=False) if isinstance(c, str) else c for c in out.columns]
    return out


def _csv_cell(value: Any) -> str:
    """One value as the CSV dialect writes it."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        f = float(value)
        return "" if math.isnan(f) else repr(f).replace(".", CSV_DECIMAL)
    if isinstance(value, pd.Timestamp):
        return str(value.isoformat())
    return str(escape_cell(_clean(str(value), breaks=True)))


def _listed(value: Any) -> Any:
    """A list, tuple or array cell (a hotspot's ``member_index``) as text, ``5;10;11``; a geometry in a
    column that is not the table's geometry as WKT; anything else unchanged."""
    if isinstance(value, list | tuple | np.ndarray):
        return CSV_SEP.join(str(v) for v in value)
    if hasattr(value, "wkt") and hasattr(value, "geom_type"):
        return value.wkt
    if isinstance(value, pd.Timestamp) and value.tzinfo is not None:  # in a column of mixed kinds
        return value.isoformat()
    return value


def _flat_cells(table: pd.DataFrame) -> pd.DataFrame:
    """Cells a spreadsheet or a GIS format cannot hold (lists, geometries of a second column) as text."""
    for i in range(table.shape[1]):
        col = table.iloc[:, i]
        if (
            col.dtype == object
            and col.map(lambda v: isinstance(v, list | tuple | np.ndarray | pd.Timestamp)).any()
        ):
            table.isetitem(i, col.map(_listed).astype(object))
        elif str(col.dtype) == "geometry":
            table.isetitem(i, pd.Series(col.to_wkt(), index=table.index).astype(object))
    return table


def _plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    geometry = frame.geometry.name if hasattr(frame, "geometry") and isinstance(frame, pd.DataFrame) else None
    table = pd.DataFrame(frame.drop(columns=[geometry or "geometry"], errors="ignore"))
    for i in range(table.shape[1]):
        col = table.iloc[:, i]
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            table.isetitem(i, col.map(lambda t: t.isoformat() if pd.notna(t) else None).astype(object))
    return _flat_cells(table)


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    with replacing(path) as temporary, temporary.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=CSV_SEP, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([_csv_cell(str(c)) for c in table.columns])
        columns = [table.iloc[:, i].tolist() for i in range(table.shape[1])]
        for row in zip(*columns, strict=True):
            writer.writerow([_csv_cell(v) for v in row])


def xlsx_ready(table: pd.DataFrame) -> pd.DataFrame:
    """Text cleaned and escaped, timestamps without zone (openpyxl cannot write a zone)."""
    out = table.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if _is_text(col):
            out.isetitem(
                i,
                col.astype(object).map(
                    lambda v: _clean(v, breaks=False, max_chars=_XLSX_CHARS) if isinstance(v, str) else v
                ),
            )
    out.columns = [_clean(str(c), breaks=True, max_chars=_XLSX_CHARS) for c in out.columns]
    return escape_formulas(out)


def write_sheets(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write several tables as the sheets of one XLSX file (text escaped as :func:`write_table` does)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            xlsx_ready(_plain_table(frame)).to_excel(xl, sheet_name=name[:31], index=False)
    return path


def write_table(
    frame: pd.DataFrame,
    path: str | Path,
    *,
    sheet_name: str = "Sheet1",
    redact: bool = False,
    index: bool | None = False,
) -> Path:
    """Write ``frame`` by the file extension: .csv (the one dialect above, no geometry column), .xlsx,
    .gpkg or .geojson (geometry kept), .parquet (GeoParquet for a GeoDataFrame, every column kept as it is).
    Timestamps are written in ISO 8601 with their offset; a list in a cell (a hotspot's ``member_index``)
    as ``5;10;11`` except in Parquet, which holds lists. With ``redact`` (a shared file) every text cell, and
    every number that reads as an identity or phone number, first passes the one redactor
    (:func:`trygghet_geo.output.privacy.redact_table`). ``index``: whether Parquet keeps the row index
    (None: as pandas does, a named or non-default index kept).

    >>> import geopandas as gpd, shapely, tempfile, pathlib
    >>> table = gpd.GeoDataFrame({"n": [3], "members": [[5, 10, 11]]}, geometry=[shapely.Point(0, 0)],
    ...                          crs="EPSG:3006")
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> gpd.read_parquet(write_table(table, folder / "t.parquet"))["members"][0].tolist()
    [5, 10, 11]
    >>> gpd.read_file(write_table(table, folder / "t.gpkg"))["members"][0]
    '5;10;11'
    """
    path = Path(path)
    if redact:
        from trygghet_geo.output._redact import redact_table

        frame = redact_table(frame)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".gpkg", ".geojson", ".parquet"):
        import geopandas as gpd

        frame = _clean_texts(frame)
        if suffix == ".parquet":
            out = frame.copy()
            out.attrs = {}  # the reader's report (timestamps, objects) is no part of the table
            with replacing(path) as temporary:
                out.to_parquet(temporary, index=index)  # GeoParquet when frame is a GeoDataFrame
            return path
        if not isinstance(frame, gpd.GeoDataFrame):
            raise InputError(f"{path}: a {suffix} file needs a GeoDataFrame")
        out = frame.copy()
        for col in out.columns:
            if isinstance(out[col].dtype, pd.DatetimeTZDtype):
                out[col] = out[col].map(lambda t: t.isoformat() if pd.notna(t) else None)
        geometry = out.geometry.name
        out = gpd.GeoDataFrame(_flat_cells(pd.DataFrame(out.drop(columns=geometry))), geometry=out.geometry)
        driver = "GPKG" if suffix == ".gpkg" else "GeoJSON"
        with replacing(path) as temporary:  # the layer named after the file, not its temporary name
            out.to_file(temporary, layer=path.stem, driver=driver, engine="pyogrio")
        return path
    table = _plain_table(frame)
    if suffix in (".xlsx", ".xlsm"):
        write_sheets({sheet_name: table}, path)
    elif suffix in (".csv", ".txt", ""):
        _write_csv(table, path)
    else:
        raise InputError(
            f"{path}: cannot write {suffix!r}; expected .csv, .xlsx, .gpkg, .geojson or .parquet"
        )
    return path
