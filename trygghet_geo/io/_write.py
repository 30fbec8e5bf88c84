"""Writing tables for people: CSV that Excel opens right (UTF-8 with BOM, ``;``), XLSX, GeoPackage, GeoJSON.

Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are
prefixed with an apostrophe, the OWASP advice against CSV injection.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from trygghet_geo.errors import InputError

__all__ = ["escape_formulas", "write_table"]

_FORMULA_START = r"^[=+\-@\t\r]"


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot be run as spreadsheet formulas.

    >>> escape_formulas(pd.DataFrame({"a": ["=1+1", "ok", None]}))["a"].tolist()
    ["'=1+1", 'ok', nan]
    """
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if values.dtype == "str" or values.dtype == object:
            text = values.astype("str")
            risky = values.notna() & text.str.contains(_FORMULA_START, regex=True)
            if risky.any():
                out[col] = values.astype(object).where(~risky, "'" + text)
    return out


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` by the file extension: .csv (``;``, UTF-8 with BOM, no geometry column), .xlsx,
    .gpkg or .geojson (geometry kept). Timestamps are written in ISO 8601 with their offset."""
    path = Path(path)
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".gpkg", ".geojson"):
        import geopandas as gpd

        if not isinstance(frame, gpd.GeoDataFrame):
            raise InputError(f"{path}: a {suffix} file needs a GeoDataFrame")
        out = frame.copy()
        for col in out.columns:
            if isinstance(out[col].dtype, pd.DatetimeTZDtype):
                out[col] = out[col].map(lambda t: t.isoformat() if pd.notna(t) else None)
        out.to_file(path, driver="GPKG" if suffix == ".gpkg" else "GeoJSON", engine="pyogrio")
        return path
    table = pd.DataFrame(frame.drop(columns=["geometry"], errors="ignore"))
    for col in table.columns:
        if isinstance(table[col].dtype, pd.DatetimeTZDtype):
            table[col] = table[col].map(lambda t: t.isoformat() if pd.notna(t) else "")
    table = escape_formulas(table)
    if suffix == ".xlsx":
        table.to_excel(path, index=False)
    elif suffix in (".csv", ".txt", ""):
        table.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    else:
        raise InputError(f"{path}: cannot write {suffix!r}; expected .csv, .xlsx, .gpkg or .geojson")
    return path
