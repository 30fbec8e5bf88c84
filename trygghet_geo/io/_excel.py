"""Spreadsheets (.xlsx/.xlsm/.xlsb/.xls/.ods, read by python-calamine) and GIS layers (GeoJSON, GeoPackage,
Shapefile)."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trygghet_geo.errors import InputError
from trygghet_geo.io._workbook import check_workbook

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

__all__ = ["check_workbook", "read_excel_table", "read_gis_layer"]


def read_excel_table(
    path: Path, *, sheet: str | int | None = None, max_excel_mb: float | None = None
) -> tuple[pd.DataFrame, str, list[int]]:
    """The first (or the named) sheet with cells as the workbook typed them (dates stay dates, text stays
    text), read by python-calamine (.xlsx, .xlsm, .xlsb, .xls, .ods; ~8x faster than openpyxl).

    Returns the frame (entirely empty rows left out), the sheet's name and the 1-based data row number of
    each row kept. The workbook is checked first (:func:`~trygghet_geo.io._workbook.check_workbook`): size
    limit, no entities in any part, each sheet's real extent within the cell budget.
    """
    from python_calamine import CalamineError

    check_workbook(path, max_excel_mb=max_excel_mb)
    unreadable = (CalamineError, zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, TypeError)
    try:
        book = pd.ExcelFile(path, engine="calamine")
    except unreadable as exc:
        raise InputError(
            f"{path}: not a readable spreadsheet workbook ({type(exc).__name__}: {exc})"
        ) from None
    with book:
        name = _sheet_name(path, book.sheet_names, sheet)
        try:
            frame = pd.read_excel(book, sheet_name=name, dtype=object)
        except unreadable as exc:
            raise InputError(
                f"{path}: sheet {name!r} is not readable ({type(exc).__name__}: {exc})"
            ) from None
    frame.columns = [str(c) for c in frame.columns]
    # Rows Excel counts as used but that hold nothing are no records.
    frame = frame.dropna(how="all")
    rows = (frame.index.to_numpy() + 1).tolist()
    frame = frame.reset_index(drop=True)
    if frame.shape[1] == 0:
        raise InputError(f"{path}: sheet {name!r} is empty; expected a header row and one row per record")
    return frame, str(name), rows


def _sheet_name(path: Path, names: list[str | int], sheet: str | int | None) -> str | int:
    if not names:
        raise InputError(f"{path}: the workbook has no readable sheet; expected at least one worksheet")
    if sheet is None:
        return names[0]
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(f"{path}: sheet={sheet!r} is out of range; the workbook has sheets {names!r}")
        return names[sheet]
    if sheet not in names:
        raise InputError(f"{path}: sheet={sheet!r} not found; the workbook has sheets {names!r}")
    return sheet


def read_gis_layer(path: Path, *, layer: str | int | None = None) -> gpd.GeoDataFrame:
    """A GIS layer through pyogrio (GeoJSON, GeoPackage, Shapefile, …)."""
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
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except unreadable as exc:
        raise InputError(f"{path}: cannot read it as a GIS layer ({type(exc).__name__}: {exc})") from None
