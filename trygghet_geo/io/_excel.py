"""Excel workbooks (.xlsx/.xlsm) and GIS layers (GeoJSON, GeoPackage, Shapefile)."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

__all__ = ["read_excel_table", "read_gis_layer"]


def read_excel_table(path: Path, *, sheet: str | int | None = None) -> tuple[pd.DataFrame, str, list[int]]:
    """The first (or the named) sheet with cells as Excel typed them (dates stay dates, text stays text).

    Returns the frame (entirely empty rows left out), the sheet's name and the 1-based data row number of
    each row kept.
    """
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a readable Excel .xlsx workbook ({exc})") from None
    with book:
        names = book.sheet_names
        if sheet is None:
            name = names[0]
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                raise InputError(
                    f"{path}: sheet={sheet!r} is out of range; the workbook has sheets {names!r}"
                )
            name = names[sheet]
        else:
            if sheet not in names:
                raise InputError(f"{path}: sheet={sheet!r} not found; the workbook has sheets {names!r}")
            name = sheet
        frame = pd.read_excel(book, sheet_name=name, dtype=object)
    frame.columns = [str(c) for c in frame.columns]
    # Rows Excel counts as used but that hold nothing are no records.
    frame = frame.dropna(how="all")
    rows = (frame.index.to_numpy() + 1).tolist()
    frame = frame.reset_index(drop=True)
    if frame.shape[1] == 0:
        raise InputError(f"{path}: sheet {name!r} is empty; expected a header row and one row per record")
    return frame, str(name), rows


def read_gis_layer(path: Path, *, layer: str | int | None = None) -> gpd.GeoDataFrame:
    """A GIS layer through pyogrio (GeoJSON, GeoPackage, Shapefile, …)."""
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc})") from None
