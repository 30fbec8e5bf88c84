"""Excel workbooks (.xlsx/.xlsm) and GIS layers (GeoJSON, GeoPackage, Shapefile)."""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree.ElementTree import ParseError

import pandas as pd

from trygghet_geo._hints import hint
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

__all__ = ["check_workbook", "read_excel_table", "read_gis_layer"]

# The limit on a workbook's uncompressed size is ``options.max_excel_mb`` (100 MB by default, or the
# readers' ``max_excel_mb=``): 100 MB of sheet XML is roughly 500,000–1,000,000 rows of a typical incident
# extract; larger extracts belong in CSV, which is read faster and without this limit.
_MIN_CELL_BYTES = 15  # the smallest cell Excel writes, ``<c r="A1"><v>1</v></c>``, is longer than this
_EXCEL_MAX_ROWS, _EXCEL_MAX_COLS = 1_048_576, 16_384
_HEAD_BYTES = 65_536
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"')
# A document type declaration may declare entities (external files, or the "billion laughs"); Excel never
# writes one, so a workbook part that carries one is refused before any XML parser sees it.
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!DOCTYPE".encode("utf-16-be"))


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _declared_cells(head: bytes) -> tuple[int, int] | None:
    """Rows and columns a worksheet's ``<dimension ref="A1:K5000"/>`` declares, if it has one."""
    m = _DIMENSION.search(head)
    if m is None or m.group(4) is None:
        return None
    first_col, first_row, last_col, last_row = m.groups()
    rows = int(last_row) - int(first_row or 1) + 1
    cols = _column_number(last_col.decode()) - _column_number((first_col or b"A").decode()) + 1
    return max(rows, 1), max(cols, 1)


def check_workbook(path: Path, *, max_excel_mb: float | None = None) -> None:
    """Refuse a workbook that would expand beyond ``max_excel_mb`` (default ``options.max_excel_mb``) or
    that declares XML entities, before any of it is parsed.

    Reads only the zip's central directory (the declared uncompressed sizes; :mod:`zipfile` never inflates
    a member beyond its declared size, so the declaration binds) and the first 64 kB of each XML part (the
    document type declaration and the sheet's ``<dimension>`` come first).

    Raises
    ------
    InputError
        Not a zip, larger than the limit once uncompressed, a sheet that declares more cells than the limit
        can hold, or a part with a document type (entity) declaration.
    """
    if max_excel_mb is None:
        from trygghet_geo import options

        max_excel_mb = options.max_excel_mb
    limit = float(max_excel_mb) * 1e6
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > limit:
                raise InputError(
                    f"{path}: refused: the workbook expands to {total / 1e6:.0f} MB, over the limit of "
                    f"{hint('max_excel_mb', f'{max_excel_mb:g}')} MB (a decompression bomb, or an extract "
                    f"too large for Excel: save it as CSV, or raise {hint('max_excel_mb')})"
                )
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")) or info.is_dir():
                    continue
                with z.open(info) as f:
                    head = f.read(_HEAD_BYTES)
                if any(mark in head for mark in _DTD_MARKS):
                    raise InputError(
                        f"{path}: refused: part {info.filename!r} declares a document type or XML entities, "
                        "which Excel never writes (an entity could read local files); entities are never "
                        "resolved"
                    )
                if info.filename.startswith("xl/worksheets/"):
                    _check_dimension(path, info.filename, head, limit, max_excel_mb)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
    ) as exc:
        raise InputError(f"{path}: not a readable Excel .xlsx workbook ({exc})") from None


def _check_dimension(path: Path, part: str, head: bytes, limit: float, max_excel_mb: float) -> None:
    declared = _declared_cells(head)
    if declared is None:
        return
    rows, cols = declared
    if rows > _EXCEL_MAX_ROWS or cols > _EXCEL_MAX_COLS:
        raise InputError(
            f"{path}: sheet {part!r} declares {rows} rows × {cols} columns, more than an Excel sheet can "
            f"hold ({_EXCEL_MAX_ROWS} × {_EXCEL_MAX_COLS})"
        )
    if rows * cols * _MIN_CELL_BYTES > limit:
        raise InputError(
            f"{path}: refused: sheet {part!r} declares {rows} rows × {cols} columns, more cells than the "
            f"limit of {hint('max_excel_mb', f'{max_excel_mb:g}')} MB can hold; save it as CSV, or raise "
            f"{hint('max_excel_mb')}"
        )


def read_excel_table(
    path: Path,
    *,
    sheet: str | int | None = None,
    max_excel_mb: float | None = None,
    header_row: int | None = None,
) -> tuple[pd.DataFrame, str, list[int], int]:
    """The first (or the named) sheet with cells as Excel typed them (dates stay dates, text stays text).

    Returns the frame (entirely empty rows left out), the sheet's name, the 1-based data row number of
    each row kept and the 1-based sheet row of the header. Title rows above the header are detected
    (:func:`trygghet_geo.io._extract.header_row`) unless ``header_row`` (1-based, as Excel numbers rows)
    says where it is. The workbook is checked first (:func:`check_workbook`): size limit, no entities.
    """
    from openpyxl.utils.exceptions import InvalidFileException

    check_workbook(path, max_excel_mb=max_excel_mb)
    unreadable = (
        InvalidFileException,
        zipfile.BadZipFile,
        OSError,
        KeyError,
        ValueError,
        ParseError,
        EOFError,
    )
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except unreadable as exc:
        raise InputError(f"{path}: not a readable Excel .xlsx workbook ({exc})") from None
    with book:
        name = _sheet_name(path, book.sheet_names, sheet)
        try:
            grid = pd.read_excel(book, sheet_name=name, dtype=object, header=None)
        except unreadable as exc:
            raise InputError(
                f"{path}: sheet {name!r} is not readable ({type(exc).__name__}: {exc})"
            ) from None
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


def _sheet_name(path: Path, names: list[str | int], sheet: str | int | None) -> str | int:
    if not names:
        raise InputError(f"{path}: the workbook has no readable sheet; expected at least one worksheet")
    if sheet is None:
        return names[0]
    if isinstance(sheet, str) and sheet not in names and sheet.strip().isdigit():
        sheet = int(sheet)  # "--sheet 2" on the command line: a position
    if isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise InputError(
                f"{path}: {hint('sheet', repr(sheet))} is out of range; the workbook has sheets {names!r}"
            )
        return names[sheet]
    if sheet not in names:
        raise InputError(f"{path}: {hint('sheet', repr(sheet))} not found; the workbook has sheets {names!r}")
    return sheet


def read_gis_layer(path: Path, *, layer: str | int | None = None) -> gpd.GeoDataFrame:
    """A GIS layer through pyogrio (GeoJSON, GeoPackage, Shapefile, …)."""
    import geopandas as gpd
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        return gpd.read_file(path, layer=layer, engine="pyogrio")
    except (DataSourceError, DataLayerError, ValueError) as exc:
        raise InputError(f"{path}: cannot read it as a GIS layer ({exc})") from None
