"""Spreadsheets (.xlsx/.xlsm/.xlsb/.xls/.ods, read by python-calamine) and GIS layers (GeoJSON, GeoPackage,
Shapefile)."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Collection
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trygghet_geo._hints import hint
from trygghet_geo.errors import InputError
from trygghet_geo.io._workbook import check_workbook

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

__all__ = ["check_workbook", "read_excel_table", "read_gis_layer", "read_parquet_table"]


def read_excel_table(
    path: Path,
    *,
    sheet: str | int | None = None,
    max_excel_mb: float | None = None,
    header_row: int | None = None,
) -> tuple[pd.DataFrame, str, list[int], int]:
    """The first (or the named) sheet with cells as the workbook typed them (dates stay dates, text stays
    text), read by python-calamine (.xlsx, .xlsm, .xlsb, .xls, .ods; ~8x faster than openpyxl).

    Returns the frame (entirely empty rows left out), the sheet's name, the 1-based data row number of
    each row kept and the 1-based sheet row of the header. Title rows above the header are detected
    (:func:`trygghet_geo.io._extract.header_row`) unless ``header_row`` (1-based, as Excel numbers rows)
    says where it is. The workbook is checked first (:func:`~trygghet_geo.io._workbook.check_workbook`):
    size limit, no entities in any part, each sheet's real extent within the cell budget.
    """
    from python_calamine import CalamineError

    extents = check_workbook(path, max_excel_mb=max_excel_mb)
    unreadable = (CalamineError, zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, TypeError)
    try:
        book = pd.ExcelFile(path, engine="calamine")
    except unreadable as exc:
        raise InputError(
            f"{path}: not a readable spreadsheet workbook ({type(exc).__name__}: {exc})"
        ) from None
    with book:
        name = _sheet_name(path, book.sheet_names, sheet, _hidden(book))
        try:
            grid = pd.read_excel(book, sheet_name=name, dtype=object, header=None)
            merged = book.book.get_sheet_by_name(str(name)).merged_cell_ranges
        except unreadable as exc:
            raise InputError(
                f"{path}: sheet {name!r} is not readable ({type(exc).__name__}: {exc})"
            ) from None
    if merged is None:  # OpenDocument: the merges the workbook check found in content.xml
        merged = next((e.merges for e in extents if e.part.endswith(f"(table {str(name)!r})")), [])
    _fill_merged_down(grid, merged)
    if grid.shape[1] == 0 or grid.dropna(how="all").empty:
        raise InputError(f"{path}: sheet {name!r} is empty; expected a header row and one row per record")
    if header_row is None:
        from trygghet_geo.io._extract import header_row as find_header

        head = grid.index[find_header(grid.iloc[:30].to_numpy(dtype=object).tolist())]
    elif not 1 <= header_row <= len(grid):
        raise InputError(f"{path}: {hint('header_row', str(header_row))} is outside sheet {name!r} "
                         f"(rows 1–{len(grid)})")  # fmt: skip
    else:
        head = header_row - 1
    frame = grid.iloc[head + 1 :]
    frame.columns = _column_names(grid.iloc[head].tolist())
    frame = frame.loc[:, [not (c.startswith("Unnamed: ") and frame[c].isna().all()) for c in frame.columns]]
    # Rows Excel counts as used but that hold nothing are no records.
    frame = frame.dropna(how="all")
    rows = (frame.index.to_numpy() - head).tolist()
    frame = frame.reset_index(drop=True)
    return frame, str(name), rows, int(head) + 1


def _hidden(book: pd.ExcelFile) -> set[str]:
    """Names of the hidden and very hidden sheets (lookup tables, old copies), never read by default."""
    from python_calamine import SheetVisibleEnum

    meta = getattr(book.book, "sheets_metadata", [])
    return {str(m.name) for m in meta if m.visible != SheetVisibleEnum.Visible}


def _fill_merged_down(grid: pd.DataFrame, ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """A cell merged over several rows shows its value in every row it spans (one place for three
    observations); the workbook stores it in the first cell only. Copied down its first column; a merge
    across columns is left as stored (a note is not copied into the next field)."""
    for (r0, c0), (r1, _c1) in ranges:
        if r1 > r0 and r0 < grid.shape[0] and c0 < grid.shape[1]:
            value = grid.iat[r0, c0]
            if value is not None and value == value:
                grid.iloc[r0 + 1 : r1 + 1, c0] = value


def _column_names(cells: list[object]) -> list[str]:
    """Header cells as column names the way pandas names them: ``Unnamed: i`` for an empty cell, a repeated
    name numbered (``kl``, ``kl.1``)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = f"Unnamed: {i}" if cell is None or (isinstance(cell, float) and cell != cell) else str(cell)
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _sheet_name(
    path: Path, names: list[str | int], sheet: str | int | None, hidden: Collection[str] = ()
) -> str | int:
    if not names:
        raise InputError(f"{path}: the workbook has no readable sheet; expected at least one worksheet")
    if sheet is None:  # the first sheet a user sees: a hidden lookup table or old copy is never read unasked
        visible = [n for n in names if str(n) not in hidden]
        if visible and visible[0] != names[0]:
            logger.info("%s: hidden sheets %s skipped; reading %r", path, sorted(hidden), visible[0])
        return visible[0] if visible else names[0]
    if isinstance(sheet, str) and sheet not in names and sheet.strip().isdigit():
        sheet = int(sheet)  # "--sheet 2" on the command line: a position
    if isinstance(sheet, Integral):  # numpy integers too (bools are refused at the readers' entry)
        sheet = int(sheet)
        if not 0 <= sheet < len(names):
            raise InputError(
                f"{path}: {hint('sheet', repr(sheet))} is out of range; the workbook has sheets {names!r}"
            )
        return names[sheet]
    if sheet not in names:
        raise InputError(f"{path}: {hint('sheet', repr(sheet))} not found; the workbook has sheets {names!r}")
    return sheet


def read_parquet_table(path: Path) -> pd.DataFrame:
    """A Parquet file: a GeoDataFrame when it is GeoParquet (``GeoDataFrame.to_parquet``), else a table
    whose coordinates are found from its columns as in a CSV."""
    import geopandas as gpd
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        metadata = pq.read_schema(path).metadata or {}
        if b"geo" in metadata:
            return gpd.read_parquet(path)
        return pd.read_parquet(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read it as Parquet ({type(exc).__name__}: {exc})") from None


def read_gis_layer(path: Path, *, layer: str | int | None = None) -> gpd.GeoDataFrame:
    """A GIS layer through pyogrio (GeoJSON, GeoPackage, Shapefile, …), or GeoParquet through pyarrow."""
    import geopandas as gpd
    from pyogrio import errors as pe

    unreadable = (
        pe.DataSourceError,
        pe.DataLayerError,
        pe.CRSError,
        pe.FeatureError,
        pe.FieldError,
        pe.GeometryError,
        ValueError,
        OSError,
        RecursionError,
    )
    try:
        found = gpd.read_file(path, layer=layer, engine="pyogrio")
    except unreadable as exc:
        raise InputError(f"{path}: cannot read it as a GIS layer ({type(exc).__name__}: {exc})") from None
    if not isinstance(found, gpd.GeoDataFrame):  # GDAL reads a plain SQLite table or a CSV as one
        raise InputError(f"{path}: holds a table without geometry, not a GIS layer")
    return found
