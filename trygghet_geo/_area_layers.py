"""Plumbing of :func:`trygghet_geo.areas.read_areas`: which column of a polygon layer holds what (SCB's DeSO
and RegSO layouts, district layers), and the row-by-row checks of ids, populations and polygons."""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Sequence
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


def population_of(gdf: gpd.GeoDataFrame, column: str | None, source: str) -> pd.Series:
    if column is None:
        return pd.Series(np.nan, index=gdf.index, dtype=float)
    raw = gdf[column]
    text = raw.astype(str).str.replace(r"[\s\u00a0]", "", regex=True).str.replace(",", ".", regex=False)
    num = pd.to_numeric(raw if pd.api.types.is_numeric_dtype(raw) else text, errors="coerce").astype(float)
    given = texts(raw).notna().to_numpy()
    bad = given & ~(num.to_numpy() >= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: row {_rows(np.flatnonzero(bad) + 1)}, field {column!r}: {raw.iloc[i]!r} is not a "
            "number of inhabitants (a whole number >= 0)"
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
