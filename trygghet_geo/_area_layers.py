"""Plumbing of :func:`trygghet_geo.areas.read_areas`: which column of a polygon layer holds what (SCB's DeSO
and RegSO layouts, district layers), and the row-by-row checks of ids, populations and polygons."""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from trygghet_geo.errors import InputError, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd

logger = logging.getLogger(__name__)

Kind: TypeAlias = Literal["deso", "regso", "district"]

_DESO_ID = ("deso", "desokod", "desoid")
_REGSO_ID = ("regsokod", "regsoid")
_REGSO_NAME = ("regso", "regsonamn")
_DISTRICT_ID = (
    "omradeskod",
    "omradesid",
    "stadsdelskod",
    "stadsdelsid",
    "distriktskod",
    "kommundelskod",
    "kod",
    "code",
    "areaid",
    "id",
)
_DISTRICT_NAME = (
    "namn",
    "stadsdelsnamn",
    "stadsdel",
    "omradesnamn",
    "omrade",
    "distriktsnamn",
    "distrikt",
    "kommundel",
    "kommundelsnamn",
    "name",
    "areaname",
)
_POPULATION = (
    "population",
    "befolkning",
    "folkmangd",
    "invanare",
    "antalinvanare",
    "antalinv",
    "bef",
    "pop",
)
_POP_PREFIX = ("befolkning", "folkmangd", "invanare", "population")
_KOMMUN = ("kommun", "kommunkod", "kommunid")
_KOMMUNNAMN = ("kommunnamn",)
SYNTHETIC_FLAG = ("befolkningkalla", "populationsource")


def norm(name: object) -> str:
    """Column name for matching: lower case, accents dropped (å→a, ö→o), only letters and digits kept."""
    text = unicodedata.normalize("NFKD", str(name).strip().lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text)


def recognise(
    gdf: gpd.GeoDataFrame, source: str, id_column: str | None, name_column: str | None, pop_column: str | None
) -> tuple[Kind, dict[str, str | None]]:
    by_norm: dict[str, str] = {}
    for c in gdf.columns:
        if c != gdf.geometry.name:
            by_norm.setdefault(norm(c), str(c))

    def find(cands: Sequence[str]) -> str | None:
        return next((by_norm[c] for c in cands if c in by_norm), None)

    def named(value: str | None, arg: str) -> str | None:
        if value is None:
            return None
        if value in gdf.columns:
            return value
        hit = by_norm.get(norm(value))
        if hit is None:
            have = [str(c) for c in gdf.columns if c != gdf.geometry.name]
            raise SchemaError(f"{source}: {arg}={value!r} is not a column of the layer (have {have})")
        return hit

    kind: Kind
    if find(_DESO_ID):
        kind, ident, name = "deso", find(_DESO_ID), find(("desonamn", "namn"))
    elif find(_REGSO_ID) or find(_REGSO_NAME):
        kind, ident, name = "regso", find(_REGSO_ID) or find(_REGSO_NAME), find(_REGSO_NAME)
    else:
        kind, ident, name = "district", find(_DISTRICT_ID), find(_DISTRICT_NAME)
    ident = named(id_column, "id_column") or ident
    name = named(name_column, "name_column") or name
    if ident is None and name is None:
        have = [str(c) for c in gdf.columns if c != gdf.geometry.name]
        raise SchemaError(
            f"{source}: no column holds the areas' code or name (have {have}); expected DeSO ('deso'), "
            "RegSO ('regsokod', 'regso') or a district layer ('kod', 'namn'), or pass id_column=/name_column="
        )
    pop = named(pop_column, "population_column") or find(_POPULATION)
    if pop is None:
        prefixed = [v for k, v in by_norm.items() if k.startswith(_POP_PREFIX) and k not in SYNTHETIC_FLAG]
        pop = prefixed[0] if len(prefixed) == 1 else None
    return kind, {
        "id": ident or name,
        "name": name,
        "population": pop,
        "kommun": find(_KOMMUN),
        "kommunnamn": find(_KOMMUNNAMN),
    }


def texts(col: pd.Series) -> pd.Series:
    """Cells as stripped text (whole floats without ``.0``), None where empty."""

    def one(v: Any) -> str | None:
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        s = str(v).strip()
        return s or None

    return col.map(one).astype(object)


def kommun_code(v: str | None) -> str | None:
    return v.zfill(4) if v is not None and v.isdigit() and len(v) < 4 else v


def ids_of(gdf: gpd.GeoDataFrame, column: str | None, source: str) -> pd.Series:
    assert column is not None  # _recognise guarantees an id or a name column
    ids = texts(gdf[column])
    rows = np.arange(1, len(gdf) + 1)
    missing = rows[ids.isna().to_numpy()]
    if len(missing):
        raise InputError(f"{source}: row {_rows(missing)}, field {column!r}: no area code/name given")
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = ids[dup].iloc[0]
        raise InputError(
            f"{source}: row {_rows(rows[dup])}, field {column!r}: the code {first!r} (and others) is used by "
            "more than one area; each area needs its own code (pass id_column= to name another column)"
        )
    return ids


def _rows(rows: np.ndarray) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:10])
    return shown + (f" (and {len(rows) - 10} more)" if len(rows) > 10 else "")


def population_of(gdf: pd.DataFrame, column: str | None, source: str, row_offset: int = 0) -> pd.Series:
    """The population column as floats (NaN where blank); a value that is no number >= 0 is an error naming
    its row (the feature's number, plus ``row_offset`` for a table with a header row)."""
    if column is None:
        return pd.Series(np.nan, index=gdf.index, dtype=float)
    raw = gdf[column]
    text = raw.astype(str).str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    num = pd.to_numeric(raw if pd.api.types.is_numeric_dtype(raw) else text, errors="coerce").astype(float)
    given = texts(raw).notna().to_numpy()
    bad = given & ~(num.to_numpy() >= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        rows = _rows(np.flatnonzero(bad) + 1 + row_offset)
        raise InputError(
            f"{source}: row {rows}, field {column!r}: {raw.iloc[i]!r} is not a number of inhabitants "
            "(a whole number >= 0)"
        )
    return num


def polygons(gdf: gpd.GeoDataFrame, source: str) -> np.ndarray:
    import shapely

    geoms = gdf.geometry.to_numpy()
    rows = np.arange(1, len(gdf) + 1)
    empty = np.array([g is None or g.is_empty for g in geoms])
    if empty.any():
        raise InputError(f"{source}: row {_rows(rows[empty])}, field 'geometry': no geometry")
    kinds = shapely.get_type_id(geoms)
    not_poly = ~np.isin(kinds, [3, 6])  # Polygon, MultiPolygon
    if not_poly.any():
        i = int(np.flatnonzero(not_poly)[0])
        raise InputError(
            f"{source}: row {_rows(rows[not_poly])}, field 'geometry': a {geoms[i].geom_type}, not a "
            "polygon; areas must be polygons"
        )
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        logger.info("%s: %d invalid polygons repaired (shapely.make_valid)", source, int(invalid.sum()))
        fixed = [_polygonal(shapely.make_valid(g)) for g in geoms[invalid]]
        geoms = geoms.copy()
        geoms[invalid] = fixed
    return np.asarray(geoms)


def _polygonal(geom: Any) -> Any:
    """The polygonal part of a repaired geometry (make_valid can add stray lines)."""
    import shapely

    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else geom


_CODE = re.compile(r"^\s*(\d{4}[A-C]\d{4}|\d{4}R\d{3})\b")  # a DeSO or RegSO code opening the text
_POP_ID = ("areaid", "deso", "desokod", "regsokod", "regso", "region", "kod", "omradeskod", "omrade", "namn")


def read_population(
    path: str | Path, *, id_column: str | None = None, value_column: str | None = None
) -> pd.Series:
    """Inhabitants per area from a table (CSV or spreadsheet, e.g. an export of SCB's Statistikdatabasen).

    The area column is ``id_column`` or one of ``area_id``, ``deso``, ``regsokod``, ``region``, ``kod``,
    ``namn``…; a cell opening with a DeSO or RegSO code (``"0114A0010 Upplands Väsby"``) counts by the code.
    The value column is ``value_column``, else one named ``befolkning``/``folkmängd``/``invånare``/
    ``population``, else the last column (SCB puts the year there, ``"2024"``). One row per area: a table
    broken down by age or sex must be cut to its totals first.

    Returns a float Series indexed by the area id, for :func:`trygghet_geo.areas.area_summary`'s
    ``population``. Raises :class:`InputError` naming the file, row and field of a value that is not a number
    >= 0, an area given twice or without an id.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "bef.csv"
    >>> _ = p.write_text('"region";"2024"\\n"0180C1010 Stockholm";2015\\n', encoding="utf-8")
    >>> read_population(p).to_dict()
    {'0180C1010': 2015.0}
    """
    from trygghet_geo.io._csv import read_text_table
    from trygghet_geo.io._excel import read_excel_table

    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file; expected a table of inhabitants per area")
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"):
        frame = read_excel_table(p)[0]
    else:
        frame = read_text_table(p)[0].replace("", None)
    by_norm = {norm(c): str(c) for c in frame.columns}
    ident = _pick(frame, id_column, "id_column", p) or next(
        (by_norm[c] for c in _POP_ID if c in by_norm), None
    )
    value = _pick(frame, value_column, "value_column", p) or next(
        (by_norm[c] for c in _POPULATION if c in by_norm), str(frame.columns[-1])
    )
    if ident is None or ident == value:
        raise SchemaError(f"{p}: no column names the areas (have {list(frame.columns)}); pass id_column=")
    ids = texts(frame[ident]).map(lambda t: t if t is None else (m.group(1) if (m := _CODE.match(t)) else t))
    rows = np.arange(1, len(frame) + 1) + 1  # the header is row 1
    if ids.isna().any():
        raise InputError(f"{p}: row {_rows(rows[ids.isna().to_numpy()])}, field {ident!r}: no area given")
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        raise InputError(
            f"{p}: row {_rows(rows[dup])}, field {ident!r}: the area {ids[dup].iloc[0]!r} is given more than "
            "once; keep one row per area (the totals of a table by age or sex)"
        )
    counts = population_of(frame, value, str(p), row_offset=1)
    bad = counts.isna().to_numpy()
    if bad.any():
        raise InputError(f"{p}: row {_rows(rows[bad])}, field {value!r}: no number of inhabitants")
    return pd.Series(
        counts.to_numpy(float), index=pd.Index(ids.to_numpy(), name="area_id"), name="population"
    )


def _pick(frame: pd.DataFrame, column: str | None, arg: str, path: Path) -> str | None:
    if column is None:
        return None
    hit = next((str(c) for c in frame.columns if c == column or norm(c) == norm(column)), None)
    if hit is None:
        raise SchemaError(f"{path}: {arg}={column!r} is not a column (have {list(frame.columns)})")
    return hit
