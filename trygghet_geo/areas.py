"""Areas: DeSO, RegSO and municipal districts, and what happened in each of them.

The law on municipal crime prevention (Lag (2023:196), 4 §) asks for a picture of the *whole* municipality,
and Brå's guidance compares areas with each other and with reference data. :func:`read_areas` reads any
polygon layer into one shape; :func:`area_summary` counts the incidents of a period in each area.

Layouts recognised by :func:`read_areas` (column names compared without case, accents, spaces or ``_``):

- **DeSO** (SCB's demografiska statistikområden): ``deso`` (the code, e.g. ``0180C1010``; ``desokod`` in
  newer releases), ``kommun``, ``kommunnamn``, ``lan``, ``lannamn``. A DeSO has no name, so its name is
  its code unless ``name_column`` says otherwise.
- **RegSO** (SCB's regionala statistikområden): ``regsokod`` (the code) and ``regso`` (the name),
  ``kommun``, ``kommunnamn``.
- **Districts** (stadsdelar, kommundelar, områden of a municipality's own layer): an id among ``kod``,
  ``omradeskod``, ``stadsdelskod``, ``id``, … and a name among ``namn``, ``stadsdel``, ``omrade``,
  ``name``, …; without an id column the name is the id.

A population column is recognised by name (``befolkning``, ``folkmangd``, ``invanare``, ``population``,
…); ``id_column``, ``name_column`` and ``population_column`` always win.

The areas table (:func:`read_areas`) has ``area_id`` (text, unique), ``area_name`` (text), ``area_kind``
(``"deso"``, ``"regso"`` or ``"district"``), ``kommun`` and ``kommunnamn`` (text or None), ``population``
(float, NaN when unknown), then the layer's own columns, and the polygons in the layer's CRS.
``attrs["synthetic_population"]`` is True when a column ``befolkning_kalla`` / ``population_source``
says the figures are synthetic (``syntetisk``), as in the bundled sample's districts.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._area_layers import (
    SYNTHETIC_FLAG,
    ids_of,
    kommun_code,
    norm,
    polygons,
    population_of,
    read_population,
    recognise,
    texts,
)
from trygghet_geo._typing import Period
from trygghet_geo.errors import CRSError, InputError, ParameterError, SchemaError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "AREA_COLUMNS",
    "AREA_ID",
    "AREA_KIND",
    "AREA_NAME",
    "POPULATION",
    "SUMMARY_COLUMNS",
    "area_summary",
    "read_areas",
    "read_population",
    "summary_table",
]

logger = logging.getLogger(__name__)

AREA_ID = "area_id"
AREA_NAME = "area_name"
AREA_KIND = "area_kind"
KOMMUN = "kommun"
KOMMUNNAMN = "kommunnamn"
POPULATION = "population"
AREA_COLUMNS = (AREA_ID, AREA_NAME, AREA_KIND, KOMMUN, KOMMUNNAMN, POPULATION)
"""Columns :func:`read_areas` puts first, in order (then the layer's own, then ``geometry``)."""

SUMMARY_COLUMNS = (
    AREA_ID,
    AREA_NAME,
    AREA_KIND,
    POPULATION,
    "n",
    # n_<category> for every category of schema.INCIDENT_CATEGORIES (and any other present) follow "n"
    "share_pct",
    "rate_per_1000",
    "rate_ci_low",
    "rate_ci_high",
    "rate_per_1000_year",
    "n_previous",
    "change_pct",
    "change_ci_low",
    "change_ci_high",
    "change_p_value",
    "n_places",
    "places",
)
"""Columns of :func:`area_summary` besides the ``n_<category>`` counts and ``geometry``."""

PopulationLike: TypeAlias = "Mapping[Any, float] | pd.Series | str | None"


# --- reading ------------------------------------------------------------------------------------------------
def read_areas(
    path: str | Path | gpd.GeoDataFrame,
    *,
    id_column: str | None = None,
    name_column: str | None = None,
    population_column: str | None = None,
    layer: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read a polygon layer of areas (DeSO, RegSO, districts) into the areas table.

    Parameters
    ----------
    path : str, Path or GeoDataFrame
        A GIS file (GeoPackage, GeoJSON, Shapefile, …; read by pyogrio) or a GeoDataFrame (not changed).
    id_column, name_column, population_column : str, optional
        The columns holding each area's code, name and number of inhabitants, overriding recognition
        (exact name, or the same name in another case).
    layer : str or int, optional
        The layer of a multi-layer file (GeoPackage); default the first.

    Returns
    -------
    GeoDataFrame
        One row per input feature, none dropped: ``area_id`` (text, unique), ``area_name`` (text),
        ``area_kind`` (``"deso"``, ``"regso"`` or ``"district"``), ``kommun`` (four-digit code or None),
        ``kommunnamn`` (or None), ``population`` (float, NaN when unknown), then the layer's own columns and
        the (Multi)Polygon geometry in the layer's CRS (invalid rings repaired). ``attrs``: ``source`` (file
        name), ``layout`` (as ``area_kind``), ``synthetic_population`` (bool).

    Raises
    ------
    InputError
        The file cannot be read; a row has no geometry, a geometry that is not a polygon, no id, an id used
        twice, or a population that is not a number >= 0 (each names the file, the row and the field).
    SchemaError
        No id or name column can be found, or a named column is not in the layer.
    CRSError
        The layer has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> deso = gpd.GeoDataFrame({"Deso": ["0180C1010", "0180C1020"], "Kommun": ["0180", "0180"],
    ...                          "Kommunnamn": ["Stockholm"] * 2, "Lan": ["01"] * 2,
    ...                          "Lannamn": ["Stockholms län"] * 2},
    ...                         geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:3006")
    >>> read_areas(deso)[["area_id", "area_name", "area_kind", "kommun"]].values.tolist()
    [['0180C1010', '0180C1010', 'deso', '0180'], ['0180C1020', '0180C1020', 'deso', '0180']]
    """
    import geopandas as gpd

    if isinstance(path, gpd.GeoDataFrame):
        gdf, source = path.copy(), "areas"
    elif isinstance(path, str | Path):
        from trygghet_geo.io._excel import read_gis_layer

        p = Path(path)
        if not p.exists():
            raise InputError(f"{p}: no such file; expected a polygon layer (GeoPackage, GeoJSON, Shapefile)")
        gdf, source = read_gis_layer(p, layer=layer), str(p)
    else:
        raise ParameterError(f"path must be a file path or a GeoDataFrame, got {type(path).__name__}")
    if gdf.crs is None:
        raise CRSError(f"{source}: the layer has no CRS; set one (e.g. EPSG:3006) before reading it")
    if len(gdf) == 0:
        raise InputError(f"{source}: the layer holds no areas")
    kind, cols = recognise(gdf, source, id_column, name_column, population_column)
    geoms = polygons(gdf, source)
    ids = ids_of(gdf, cols["id"], source)
    names = ids if cols["name"] is None else texts(gdf[cols["name"]]).fillna(ids)
    pop = population_of(gdf, cols["population"], source)
    kommun = texts(gdf[cols["kommun"]]).map(kommun_code) if cols["kommun"] else pd.Series(None, gdf.index)
    knamn = texts(gdf[cols["kommunnamn"]]) if cols["kommunnamn"] else pd.Series(None, gdf.index)
    own = gdf.drop(columns=[gdf.geometry.name]).drop(columns=list(AREA_COLUMNS), errors="ignore")
    front = pd.DataFrame(
        {AREA_ID: ids, AREA_NAME: names, AREA_KIND: kind, KOMMUN: kommun, KOMMUNNAMN: knamn, POPULATION: pop},
        index=gdf.index,
    )
    out = gpd.GeoDataFrame(pd.concat([front, own], axis=1), geometry=geoms, crs=gdf.crs)
    flag = next((c for c in gdf.columns if norm(c) in SYNTHETIC_FLAG), None)
    synthetic = flag is not None and gdf[flag].astype(str).str.lower().str.contains("synt").any()
    out.attrs = {"source": Path(source).name, "layout": kind, "synthetic_population": bool(synthetic)}
    return out


# --- summarising --------------------------------------------------------------------------------------------
def area_summary(
    incidents: gpd.GeoDataFrame,
    areas: gpd.GeoDataFrame,
    *,
    period: Period,
    population: PopulationLike = None,
    places: gpd.GeoDataFrame | None = None,
    previous: Period | None = None,
    alpha: float = 0.05,
) -> gpd.GeoDataFrame:
    """Incidents of a period per area: counts by category, rate per 1,000 inhabitants, change, share.

    Every area appears, with 0 where nothing happened; each incident counts in one area (the first, in the
    table's order, whose polygon holds it, its edge included).

    Parameters
    ----------
    incidents : GeoDataFrame
        The canonical incidents table (``occurred_at``, ``category``; ``status`` when present). Only rows with
        status ``ok``, a location and a date are counted; the others are counted by reason in
        ``attrs["left_out"]``. Rows located only to a municipality or county (``precision``) are left out
        as ``coarse_location``: they belong to no one area.
    areas : GeoDataFrame
        The areas table of :func:`read_areas` (or any polygons with ``area_id``, ``area_name``).
    period : (start, end)
        The period counted; dates inclusive (``("2025-01-01", "2025-12-31")``).
    population : mapping, Series or str, optional
        Inhabitants per area: ``{area_id: n}``, a Series indexed by ``area_id``, or the name of a column of
        ``areas``. Default: the areas' ``population`` column. An id not among the areas is an error.
    places : GeoDataFrame, optional
        Ranked places or hotspots (a ``name`` column, ordered best first): each is listed in the area
        holding its representative point.
    previous : (start, end), optional
        The period compared with; default the period just before ``period``: as many calendar months when
        ``period`` is whole months (2025 → 2024, a leap year's 366 days included), else as many days.
    alpha : float
        Level of the intervals (``1 - alpha``).

    Returns
    -------
    GeoDataFrame
        One row per area, in the areas' order and index: ``area_id``, ``area_name``, ``area_kind``,
        ``population``, ``n`` (incidents in the period), ``n_<category>`` (one per category of
        :data:`trygghet_geo.schema.INCIDENT_CATEGORIES`, then any other present), ``share_pct`` (of every
        counted incident of the period in the town, those outside all areas included), ``rate_per_1000``
        (``n`` per 1,000 inhabitants in the period; NaN without population), ``rate_ci_low``/``rate_ci_high``
        (exact Poisson interval), ``rate_per_1000_year`` (annualised: ``rate_per_1000 * 365.25 / days``),
        ``n_previous``, ``change_pct`` (rate after/before − 1, in percent; periods of different length are
        scaled by their days), ``change_ci_low``/``change_ci_high`` (exact conditional interval: the
        Clopper–Pearson interval of ``n | n + n_previous``, as in
        :func:`trygghet_geo.followup.compare_periods`),
        ``change_p_value`` (exact binomial test of no change), ``n_places``, ``places`` (names joined by
        ``"; "``), and the area geometry. ``attrs``: ``period``, ``previous`` (start, end-exclusive
        timestamps), ``days``, ``days_previous``, ``total`` (counted in the town in the period),
        ``outside`` (of those, outside every area), ``left_out``, ``synthetic_population``.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> areas = gpd.GeoDataFrame({"area_id": ["A", "B"], "area_name": ["Norr", "Söder"],
    ...                           "population": [2000, 500]},
    ...                          geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs="EPSG:3006")
    >>> inc = gpd.GeoDataFrame({"occurred_at": pd.to_datetime(["2025-03-01"] * 4), "category": "stöld"},
    ...                        geometry=[Point(5, 5)] * 4, crs="EPSG:3006")
    >>> s = area_summary(inc, areas, period=("2025-01-01", "2025-12-31"))
    >>> s[["area_id", "n", "rate_per_1000", "share_pct"]].values.tolist()
    [['A', 4, 2.0, 100.0], ['B', 0, 0.0, 0.0]]
    """
    import geopandas as gpd

    from trygghet_geo import _validate
    from trygghet_geo.followup import _parse_period, _usable_incidents

    alpha = _validate.probability("alpha", alpha)  # a Fraction becomes the float scipy takes
    _validate.table("places", places, allow_none=True)
    table = _areas_table(areas)
    if not isinstance(incidents, gpd.GeoDataFrame):
        raise SchemaError(f"incidents must be a GeoDataFrame, got {type(incidents).__name__}")
    inc, left_out = _usable_incidents(_not_coarse(incidents), None)
    left_out.update(_not_coarse_counts(incidents))
    if len(inc) and table.crs is not None:
        inc = inc.to_crs(table.crs)
    p_now = _parse_period(period, "period", inc)
    if previous is None:
        p_prev = type(p_now)(_previous_start(p_now.start, p_now.end), p_now.start)
    else:
        p_prev = _parse_period(previous, "previous", inc)
        if p_prev.start < p_now.end and p_now.start < p_prev.end:
            raise ParameterError(f"previous {previous!r} overlaps period {period!r}")
    days = (p_now.end - p_now.start) / pd.Timedelta(days=1)
    days_prev = (p_prev.end - p_prev.start) / pd.Timedelta(days=1)
    which = _area_of(inc, table)
    when = inc[schema.OCCURRED_AT]
    now = ((when >= p_now.start) & (when < p_now.end)).to_numpy()
    prev = ((when >= p_prev.start) & (when < p_prev.end)).to_numpy()
    cats = inc[schema.CATEGORY].astype(str).to_numpy()
    pop = _population_of(table, population)
    rows = _summary_rows(table, which, now, prev, cats, pop, (days, days_prev), alpha)
    out = pd.DataFrame(rows, index=table.index)
    out["share_pct"] = 100.0 * out["n"] / int(now.sum()) if now.any() else 0.0
    names = _places_in(table, places)
    out["n_places"] = [len(n) for n in names]
    out["places"] = ["; ".join(n) for n in names]
    front = [AREA_ID, AREA_NAME, AREA_KIND, POPULATION, "n"]
    counts = [c for c in out.columns if c.startswith("n_") and c not in ("n_previous", "n_places")]
    order = front + counts + [c for c in SUMMARY_COLUMNS if c not in front]
    result = gpd.GeoDataFrame(out[order], geometry=table.geometry.to_numpy(), crs=table.crs)
    result.attrs = {
        "period": (p_now.start, p_now.end),
        "previous": (p_prev.start, p_prev.end),
        "days": float(days),
        "days_previous": float(days_prev),
        "total": int(now.sum()),
        "outside": int((now & (which < 0)).sum()),
        "left_out": {k: v for k, v in left_out.items() if v},
        "synthetic_population": bool(areas.attrs.get("synthetic_population", False)),
    }
    return result


def _previous_start(start: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    """Start of the period before ``[start, end)``: whole calendar months back when both ends fall on a
    month's first midnight, else the same number of days back."""
    first = start == start.normalize() and start.day == 1 and end == end.normalize() and end.day == 1
    if first:
        months = (end.year - start.year) * 12 + end.month - start.month
        return pd.Timestamp(start - pd.DateOffset(months=months))
    return pd.Timestamp(start - (end - start))


def _not_coarse(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Incidents without the rows placed only at a municipality's or county's centre."""
    if schema.PRECISION not in incidents.columns:
        return incidents
    coarse = incidents[schema.PRECISION].isin(["municipality", "county"]).to_numpy()
    return incidents[~coarse] if coarse.any() else incidents


def _not_coarse_counts(incidents: gpd.GeoDataFrame) -> dict[str, int]:
    if schema.PRECISION not in incidents.columns:
        return {}
    n = int(incidents[schema.PRECISION].isin(["municipality", "county"]).sum())
    return {"coarse_location": n} if n else {}


def _areas_table(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    import geopandas as gpd

    if not isinstance(areas, gpd.GeoDataFrame):
        raise SchemaError(f"areas must be a GeoDataFrame (see read_areas), got {type(areas).__name__}")
    if AREA_ID not in areas.columns:
        raise SchemaError(f"areas: missing column {AREA_ID!r}; read the layer with read_areas()")
    if areas.crs is None:
        raise CRSError("areas have no CRS; read the layer with read_areas() or set one with .set_crs(...)")
    from trygghet_geo.crs import check_declared

    check_declared(areas, "the areas")
    table = areas.copy()
    if AREA_NAME not in table.columns:
        table[AREA_NAME] = table[AREA_ID]
    if AREA_KIND not in table.columns:
        table[AREA_KIND] = "district"
    if not table.crs.is_projected:
        from trygghet_geo.crs import metric_crs_of

        table = table.to_crs(metric_crs_of(table))
    return table


def _area_of(inc: gpd.GeoDataFrame, table: gpd.GeoDataFrame) -> np.ndarray:
    """Position of the area holding each incident (the first in table order), -1 outside all."""
    import shapely

    which = np.full(len(inc), -1, dtype=np.int64)
    if len(inc) == 0:
        return which
    tree = shapely.STRtree(table.geometry.to_numpy())
    pt, area = tree.query(inc.geometry.to_numpy(), predicate="intersects")
    order = np.lexsort((area, pt))
    pt, area = pt[order], area[order]
    first = np.r_[True, pt[1:] != pt[:-1]]
    which[pt[first]] = area[first]
    return which


def _population_of(table: gpd.GeoDataFrame, population: PopulationLike) -> np.ndarray:
    if population is None:
        if POPULATION in table.columns:
            return np.asarray(pd.to_numeric(table[POPULATION], errors="coerce"), dtype=float)
        return np.full(len(table), np.nan)
    if isinstance(population, str):
        if population not in table.columns:
            raise ParameterError(f"population={population!r} is not a column of areas")
        values = pd.to_numeric(table[population], errors="coerce").to_numpy(float)
    else:
        given = pd.Series(population)
        given.index = given.index.map(str)
        unknown = sorted(set(given.index) - set(table[AREA_ID].astype(str)))
        if unknown:
            raise ParameterError(f"population names areas that are not in the layer: {unknown[:10]!r}")
        values = pd.to_numeric(given.reindex(table[AREA_ID].astype(str)), errors="coerce").to_numpy(float)
    if (values < 0).any():
        raise ParameterError("population: a number of inhabitants is negative")
    return np.asarray(values, dtype=float)


def _summary_rows(
    table: gpd.GeoDataFrame,
    which: np.ndarray,
    now: np.ndarray,
    prev: np.ndarray,
    cats: np.ndarray,
    pop: np.ndarray,
    days: tuple[float, float],
    alpha: float,
) -> list[dict[str, Any]]:
    from scipy.stats import binomtest, chi2

    from trygghet_geo.followup import _category_order, _place_change

    n_cat = len(table)
    cat_order = list(schema.INCIDENT_CATEGORIES) + [
        c for c in _category_order(cats[now]) if c not in schema.INCIDENT_CATEGORIES
    ]
    in_area = which >= 0
    count_now = np.bincount(which[now & in_area], minlength=n_cat)
    count_prev = np.bincount(which[prev & in_area], minlength=n_cat)
    by_cat = {c: np.bincount(which[now & in_area & (cats == c)], minlength=n_cat) for c in cat_order}
    rows = []
    for i in range(n_cat):
        n, n0, people = int(count_now[i]), int(count_prev[i]), float(pop[i])
        row: dict[str, Any] = {
            AREA_ID: table[AREA_ID].iloc[i],
            AREA_NAME: table[AREA_NAME].iloc[i],
            AREA_KIND: table[AREA_KIND].iloc[i],
            POPULATION: people,
            "n": n,
        }
        row.update({f"n_{c}": int(by_cat[c][i]) for c in cat_order})
        per = 1000.0 / people if people > 0 else math.nan
        lo = 0.0 if n == 0 else float(chi2.ppf(alpha / 2, 2 * n)) / 2
        hi = float(chi2.ppf(1 - alpha / 2, 2 * n + 2)) / 2
        row.update(
            {
                "rate_per_1000": n * per,
                "rate_ci_low": lo * per,
                "rate_ci_high": hi * per,
                "rate_per_1000_year": n * per * 365.25 / days[0],
                "n_previous": n0,
            }
        )
        change = _place_change(n0, n, days[1], days[0], alpha)
        row.update(
            {
                "change_pct": change["change_pct"],
                "change_ci_low": change["ci_low"],
                "change_ci_high": change["ci_high"],
                "change_p_value": (
                    float(binomtest(n, n + n0, days[0] / (days[0] + days[1])).pvalue) if n + n0 else math.nan
                ),
            }
        )
        rows.append(row)
    return rows


def _places_in(table: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None) -> list[list[str]]:
    """Names of the places whose representative point lies in each area (in the places' order)."""
    import shapely

    out: list[list[str]] = [[] for _ in range(len(table))]
    if places is None or len(places) == 0:
        return out
    if "name" not in places.columns:
        raise SchemaError(f"places: missing column 'name' (have {list(places.columns)})")
    if places.crs is None:
        raise CRSError("places have no CRS; set one with .set_crs(...)")
    pl = places[~(places.geometry.isna() | places.geometry.is_empty)].to_crs(table.crs)
    points = shapely.point_on_surface(pl.geometry.to_numpy())
    holder = _area_of(pl.set_geometry(points), table)
    for name, a in zip(pl["name"].astype(str), holder, strict=True):
        if a >= 0:
            out[a].append(name)
    return out


# --- a table for people -------------------------------------------------------------------------------------
def summary_table(
    summary: pd.DataFrame,
    *,
    privacy: Literal["shared", "internal"] = "shared",
    k: int | None = None,
    lang: Literal["sv", "en"] | None = None,
) -> pd.DataFrame:
    """The area summary as a table to print: headers in the reader's language, one row per area.

    In the shared mode (default) a count from 1 to ``k - 1`` (the export gate's k, 5 by default), and one
    the area's count would give back, is written ``".."`` (:data:`trygghet_geo._kgate.HIDDEN`; 0 stays 0:
    nothing happened to no one), and the figures derived from such a count (rate,
    change, share) are left blank, since a rate and a population give the count back; place names pass
    the redactor (list only the places a shared output may show: pass
    :func:`trygghet_geo.output.privacy.shared_places` to :func:`area_summary`).
    Numbers are rounded for reading (rates 1 decimal, percents 0).

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely.geometry import Point, box
    >>> areas = gpd.GeoDataFrame({"area_id": ["A", "B"], "population": [2000, 500]},
    ...                          geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs="EPSG:3006")
    >>> when = pd.to_datetime(["2025-03-01"] * 6 + ["2024-03-01"] * 5)
    >>> where = [Point(5, 5)] * 5 + [Point(15, 5)] + [Point(5, 5)] * 5
    >>> inc = gpd.GeoDataFrame({"occurred_at": when, "category": "stöld"}, geometry=where, crs="EPSG:3006")
    >>> s = area_summary(inc, areas, period=("2025-01-01", "2025-12-31"))
    >>> summary_table(s)[["Område", "Händelser", "Per 1 000 inv.", "Förändring (%)"]].values.tolist()
    [['A', '5', '2,5', '0'], ['B', '..', '', '']]
    """
    from trygghet_geo._kgate import DEFAULT_K, HIDDEN, check_gate, count_text, suppress_cells
    from trygghet_geo._text import resolve_lang
    from trygghet_geo.output.privacy import redact

    k = DEFAULT_K if k is None else k
    check_gate(privacy, k, 100.0)
    sv = resolve_lang(lang) == "sv"
    cats = [c for c in summary.columns if c.startswith("n_") and c not in ("n_previous", "n_places")]
    shared = privacy == "shared"
    # a category under k is "<k"; one the area's count would give back from the others shown is empty
    hidden = (
        suppress_cells(summary[cats].to_numpy(float), summary["n"].to_numpy(float), k=k) if cats else None
    )
    rows = []
    for i, (_, r) in enumerate(summary.iterrows()):
        few = shared and 0 < int(r["n"]) < k  # the rate and the share would give such a count back
        small = few or (shared and 0 < int(r["n_previous"]) < k)
        row = {
            ("Område" if sv else "Area"): r[AREA_NAME],
            ("Kod" if sv else "Code"): r[AREA_ID],
            ("Invånare" if sv else "Inhabitants"): _num(r[POPULATION], 0),
            ("Händelser" if sv else "Incidents"): count_text(int(r["n"]), k) if shared else int(r["n"]),
        }
        for j, c in enumerate(cats):
            n_c = int(r[c])
            if not shared:
                row[c[2:]] = n_c
            elif hidden is not None and hidden[i, j] and n_c >= k:
                row[c[2:]] = HIDDEN  # one mark for every hidden count (_kgate.HIDDEN)
            else:
                row[c[2:]] = count_text(n_c, k)
        row[("Per 1 000 inv." if sv else "Per 1,000 inh.")] = "" if few else _num(r["rate_per_1000"], 1)
        row[("Andel (%)" if sv else "Share (%)")] = "" if few else _num(r["share_pct"], 0)
        row[("Förändring (%)" if sv else "Change (%)")] = "" if small else _num(r["change_pct"], 0)
        row[("Platser" if sv else "Places")] = redact(str(r["places"])) if shared else r["places"]
        rows.append(row)
    return pd.DataFrame(rows)


def _num(x: Any, digits: int) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return ""
    if not math.isfinite(f):
        return ""
    return f"{f:.{digits}f}".replace(".", ",") if digits else f"{round(f):d}"
