"""Hostile inputs for the public Python API, built by rule.

Three families, each a list of named variants built from parts, never from the examples of issue 15:

* :func:`frame_variants`: a small incident table (raw columns, as a user hands it to ``read_incidents`` or
  ``analyze``) turned hostile by one rule at a time: its size, its index, its column names, columns that
  collide with the canonical ones, the types of its cells, its dates.
* :func:`geo_variants`: an incident GeoDataFrame (as the stages after ``analyze`` take it) with hostile
  geometry and CRS: non-points, empty and Z points, no CRS, degrees labelled as metres, a foreign CRS.
* :func:`network_variants`: line layers for ``network_from_lines``: empty, one edge, zero length, a self-loop,
  disconnected, NaN vertices, no CRS, degrees.

And :data:`BAD_NUMBERS`, the values every numeric parameter is tried with.

Everything lies on a small street grid in SWEREF 99 TM (:func:`street_grid`) so a whole ``analyze`` takes a
tenth of a second.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, MultiPoint, Point, Polygon

X0, Y0 = 515_000.0, 6_570_000.0  # a field near Örebro, SWEREF 99 TM
STEP = 100.0
SIDE = 8  # 8 x 8 streets, 700 m square
_TO_WGS84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)

#: The values every numeric parameter is tried with: none of them is a usable count, distance or level,
#: except where a function documents a meaning (then the test says so).
BAD_NUMBERS: dict[str, Any] = {
    "nan": math.nan,
    "inf": math.inf,
    "-inf": -math.inf,
    "negative": -5,
    "zero": 0,
    "bool": True,
    "str": "10",
    "huge": 1e308,
    "hugeint": 10**30,
    "npnan": np.float64("nan"),
    "list": [1.0],
}

#: Names the package writes into its own tables (schema.py and the stages' working columns).
COLLIDING = (
    "status",
    "reason",
    "geometry",
    "edge_id",
    "edge_offset_m",
    "snap_dist_m",
    "snapped",
    "hotspot_id",
    "cluster",
    "_row",
    "source_row",
    "source",
    "record_id",
    "occurred_at",
    "occurred_from",
    "occurred_to",
    "time_known",
    "category",
    "precision",
    "lixel_id",
    "weight",
    "density",
    "n_events",
    "name",
    "x",
    "y",
)


def street_grid(side: int = SIDE, step: float = STEP) -> gpd.GeoDataFrame:
    """``side`` east-west and ``side`` north-south streets, ``step`` metres apart, one line each."""
    far = (side - 1) * step
    lines = [LineString([(X0, Y0 + i * step), (X0 + far, Y0 + i * step)]) for i in range(side)]
    lines += [LineString([(X0 + i * step, Y0), (X0 + i * step, Y0 + far)]) for i in range(side)]
    names = [f"Östra gatan {i}" for i in range(len(lines))]
    return gpd.GeoDataFrame({"name": names}, geometry=lines, crs="EPSG:3006")


def metric_points(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points near the streets, a third of them in one cluster at a crossing."""
    r = np.random.default_rng(seed)
    x = X0 + r.uniform(0, (SIDE - 1) * STEP, n)
    y = Y0 + np.round(r.uniform(0, SIDE - 1, n)) * STEP + r.normal(0, 3, n)
    k = n // 3
    x[:k] = X0 + 300 + r.normal(0, 10, k)
    y[:k] = Y0 + 300
    return x, y


def raw_frame(n: int = 40, seed: int = 0) -> pd.DataFrame:
    """A plain incident table as a user would build it: date text, offence type, WGS84 lat/lon."""
    r = np.random.default_rng(seed)
    x, y = metric_points(n, seed)
    lon, lat = _TO_WGS84.transform(x, y)
    days = pd.to_timedelta(r.integers(0, 300, n), unit="D") + pd.to_timedelta(r.integers(0, 24, n), unit="h")
    when = pd.Timestamp("2025-01-01") + days
    kinds = r.choice(["Stöld", "Misshandel", "Skadegörelse", "Narkotikabrott"], n)
    return pd.DataFrame(
        {"datum": when.strftime("%Y-%m-%d %H:%M"), "brottstyp": kinds, "lat": lat, "lon": lon}
    )


# --- frame variants ---------------------------------------------------------------------------------------
def _mixed(values: list[Any], n: int) -> list[Any]:
    return [values[i % len(values)] for i in range(n)]


def _frame_rules(base: pd.DataFrame, seed: int) -> Iterator[tuple[str, Callable[[], pd.DataFrame]]]:
    n = len(base)
    r = np.random.default_rng(seed)
    yield "empty", lambda: base.iloc[:0].copy()
    yield "one_row", lambda: base.iloc[:1].copy()
    yield "no_columns", lambda: pd.DataFrame(index=range(3))
    yield "all_missing_coords", lambda: base.assign(lat=np.nan, lon=np.nan)
    yield "all_none_coords", lambda: base.assign(lat=None, lon=None)
    yield "pd_NA_everywhere", lambda: base.astype(object).where(r.random(base.shape) < 0.5, pd.NA)
    yield "duplicate_index", lambda: base.set_axis([i % 3 for i in range(n)])
    yield "string_index", lambda: base.set_axis([f"r{i % 5}" for i in range(n)])
    yield (
        "multiindex",
        lambda: base.set_axis(pd.MultiIndex.from_arrays([[i % 2 for i in range(n)], range(n)])),
    )
    yield "range_from_1000_step_7", lambda: base.set_axis(pd.RangeIndex(1000, 1000 + 7 * n, 7))
    yield "float_index_nan", lambda: base.set_axis([np.nan if i == 0 else float(i) for i in range(n)])
    yield "int_column_names", lambda: base.assign(x0=1).rename(columns={"x0": 0}).assign(**{"7": 2})
    yield "tuple_column_name", lambda: _with_column(base, ("a", 1), "text")
    yield "none_column_name", lambda: _with_column(base, None, "text")
    yield "duplicate_column_names", lambda: pd.concat([base, base[["brottstyp"]]], axis=1)
    yield (
        "multiindex_columns",
        lambda: base.set_axis(
            pd.MultiIndex.from_arrays([list(base.columns), ["u"] * len(base.columns)]), axis=1
        ),
    )
    for col in COLLIDING:
        yield (
            f"collide_{col}_text",
            lambda col=col: _with_column(base, col, _mixed(["x", "=1+1", None, 3], n)),
        )
        yield f"collide_{col}_number", lambda col=col: _with_column(base, col, _mixed([-1, 2.5, np.nan], n))
    yield "lat_mixed_types", lambda: base.assign(lat=_mixed(["59,27", 59.27, None, "abc", 5927, b"59"], n))
    yield (
        "lat_decimal_comma_text",
        lambda: base.assign(lat=base["lat"].map(lambda v: f"{v:.6f}".replace(".", ","))),
    )
    yield "categorical_type", lambda: base.assign(brottstyp=base["brottstyp"].astype("category"))
    yield "categorical_coords", lambda: base.assign(lat=base["lat"].round(3).astype("category"))
    yield "nullable_float_coords", lambda: base.assign(lat=pd.array(base["lat"], dtype="Float64"))
    yield "arrow_string_type", lambda: base.assign(brottstyp=base["brottstyp"].astype("string"))
    yield "datetime64_dates", lambda: base.assign(datum=pd.to_datetime(base["datum"]))
    yield "tz_aware_dates", lambda: base.assign(datum=pd.to_datetime(base["datum"]).dt.tz_localize("UTC"))
    yield (
        "mixed_tz_naive_dates",
        lambda: base.assign(
            datum=_mixed(
                [pd.Timestamp("2025-03-01 10:00", tz="UTC"), pd.Timestamp("2025-03-02 11:00"), "2025-03-03"],
                n,
            )
        ),
    )
    yield (
        "far_dates_objects",
        lambda: base.assign(
            datum=_mixed(
                [pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-10"), "0001-01-01", "9999-12-31"], n
            )
        ),
    )
    yield (
        "far_dates_python",
        lambda: base.assign(
            datum=_mixed(
                [__import__("datetime").datetime(1, 1, 1), __import__("datetime").date(9999, 12, 31)], n
            )
        ),
    )
    yield "dates_as_numbers", lambda: base.assign(datum=_mixed([45000, 45000.5, -1, 1e12, np.inf], n))
    yield "dates_all_nat", lambda: base.assign(datum=pd.NaT)
    yield "timedelta_dates", lambda: base.assign(datum=pd.to_timedelta(range(n), unit="D"))
    yield "bool_column", lambda: base.assign(lat=True)
    yield "complex_coords", lambda: base.assign(lat=base["lat"] + 0j)
    yield "list_cells", lambda: base.assign(brottstyp=[["Stöld"]] * n)
    yield "dict_cells", lambda: base.assign(lat=[{"v": 59.0}] * n)
    yield "huge_text", lambda: base.assign(brottstyp="Stöld " * 20_000)
    yield "inf_coords", lambda: base.assign(lat=_mixed([np.inf, -np.inf, 59.27], n))
    yield "sparse_column", lambda: base.assign(lat=pd.arrays.SparseArray(base["lat"]))
    yield "period_dates", lambda: base.assign(datum=pd.period_range("2025-01", periods=n, freq="D"))
    yield "interval_cells", lambda: base.assign(brottstyp=pd.IntervalIndex.from_breaks(range(n + 1)))


def _with_column(base: pd.DataFrame, name: Any, values: Any) -> pd.DataFrame:
    out = base.copy()
    out[name] = values
    return out


def frame_variants(seed: int = 0, n: int = 40) -> list[tuple[str, pd.DataFrame]]:
    """Every frame rule applied to one base table; a rule whose own construction fails is skipped."""
    base = raw_frame(n, seed)
    out = []
    for name, build in _frame_rules(base, seed):
        out.append((name, build()))
    return out


# --- geo variants: what the stages after analyze take
def _geo_rules(inc: gpd.GeoDataFrame) -> Iterator[tuple[str, Callable[[], gpd.GeoDataFrame]]]:
    n = len(inc)
    geom = inc.geometry
    yield "as_is", lambda: inc.copy()
    yield "empty", lambda: inc.iloc[:0].copy()
    yield "one_row", lambda: inc.iloc[:1].copy()
    yield "duplicate_index", lambda: inc.set_axis([i % 4 for i in range(n)])
    yield "range_from_500", lambda: inc.set_axis(pd.RangeIndex(500, 500 + n))
    yield "multiindex", lambda: inc.set_axis(pd.MultiIndex.from_arrays([[i % 2 for i in range(n)], range(n)]))
    yield "string_index", lambda: inc.set_axis([f"r{i}" for i in range(n)])
    yield "none_geometry", lambda: inc.set_geometry(gpd.GeoSeries([None] * n, index=inc.index, crs=inc.crs))
    yield "empty_points", lambda: inc.set_geometry(gpd.GeoSeries([Point()] * n, index=inc.index, crs=inc.crs))
    yield (
        "nan_points",
        lambda: inc.set_geometry(gpd.GeoSeries([Point(np.nan, np.nan)] * n, index=inc.index, crs=inc.crs)),
    )
    yield (
        "some_none_geometry",
        lambda: inc.set_geometry(
            gpd.GeoSeries(
                [None if i % 3 == 0 else g for i, g in enumerate(geom)], index=inc.index, crs=inc.crs
            )
        ),
    )
    yield (
        "z_points",
        lambda: inc.set_geometry(
            gpd.GeoSeries([Point(g.x, g.y, 12.0) for g in geom], index=inc.index, crs=inc.crs)
        ),
    )
    yield "polygons", lambda: inc.set_geometry(geom.buffer(5.0))
    yield (
        "lines",
        lambda: inc.set_geometry(
            gpd.GeoSeries(
                [LineString([(g.x, g.y), (g.x + 5, g.y)]) for g in geom], index=inc.index, crs=inc.crs
            )
        ),
    )
    yield (
        "multipoints",
        lambda: inc.set_geometry(
            gpd.GeoSeries(
                [MultiPoint([(g.x, g.y), (g.x + 5, g.y)]) for g in geom], index=inc.index, crs=inc.crs
            )
        ),
    )
    yield (
        "empty_multipoints",
        lambda: inc.set_geometry(gpd.GeoSeries([MultiPoint()] * n, index=inc.index, crs=inc.crs)),
    )
    yield (
        "mixed_geometry",
        lambda: inc.set_geometry(
            gpd.GeoSeries(
                _mixed(
                    [
                        Point(X0 + 300, Y0 + 300),
                        Polygon([(X0, Y0), (X0 + 1, Y0), (X0, Y0 + 1)]),
                        None,
                        Point(),
                    ],
                    n,
                ),
                index=inc.index,
                crs=inc.crs,
            )
        ),
    )
    yield "no_crs", lambda: inc.set_crs(None, allow_override=True)
    yield "wgs84", lambda: inc.to_crs("EPSG:4326")
    yield "web_mercator", lambda: inc.to_crs("EPSG:3857")
    yield "utm33", lambda: inc.to_crs("EPSG:32633")
    yield "degrees_labelled_sweref", lambda: inc.to_crs("EPSG:4326").set_crs("EPSG:3006", allow_override=True)
    yield "metres_labelled_wgs84", lambda: inc.set_crs("EPSG:4326", allow_override=True)
    yield (
        "degrees_labelled_mercator",
        lambda: inc.to_crs("EPSG:4326").set_crs("EPSG:3857", allow_override=True),
    )
    yield "all_nat_dates", lambda: inc.assign(occurred_at=pd.NaT, occurred_from=pd.NaT, occurred_to=pd.NaT)
    yield "naive_dates", lambda: _naive(inc)
    yield "dates_as_text", lambda: inc.assign(occurred_at=inc["occurred_at"].astype(str))
    yield "far_dates", lambda: _far(inc)
    yield (
        "one_day",
        lambda: inc.assign(occurred_at=inc["occurred_at"].iloc[0], occurred_from=inc["occurred_at"].iloc[0]),
    )
    yield (
        "no_occurred_at",
        lambda: inc.drop(columns=[c for c in ("occurred_at", "occurred_from") if c in inc]),
    )
    yield "categorical_category", lambda: inc.assign(category=inc["category"].astype("category"))
    yield "status_all_rejected", lambda: inc.assign(status="rejected", reason="bad_date")
    yield "status_garbage", lambda: inc.assign(status=_mixed(["ok", None, 3, "OK"], n))
    yield "edge_id_out_of_range", lambda: inc.assign(edge_id=_mixed([10**6, -7, np.nan], n))
    yield "edge_offset_garbage", lambda: inc.assign(edge_offset_m=_mixed([-1e9, np.inf, np.nan, "x"], n))
    yield "hotspot_id_garbage", lambda: inc.assign(hotspot_id=_mixed([np.nan, "a", 10**6], n))
    yield "tuple_column", lambda: _with_column(inc, ("a", 1), 1)
    yield "int_column", lambda: _with_column(inc, 0, "x")
    yield "column_weight_text", lambda: _with_column(inc, "weight", _mixed(["=1", -1, np.nan], n))
    yield "column_lixel_id", lambda: _with_column(inc, "lixel_id", 5)
    yield "column_density", lambda: _with_column(inc, "density", "x")
    yield "column_u_v", lambda: _with_column(_with_column(inc, "u", "x"), "v", None)


def _naive(inc: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = inc.copy()
    for col in ("occurred_at", "occurred_from", "occurred_to"):
        if col in out and isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].dt.tz_localize(None)
    return out


def _far(inc: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = inc.copy()
    far = [pd.Timestamp("1678-01-01", tz="UTC"), pd.Timestamp("2262-01-01", tz="UTC")]
    out["occurred_at"] = pd.Series(_mixed([*far, *out["occurred_at"].iloc[:3]], len(out)), index=out.index)
    out["occurred_from"] = out["occurred_at"]
    return out


def geo_variants(inc: gpd.GeoDataFrame) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Every geo rule applied to ``inc`` (metric CRS, canonical columns)."""
    return [(name, build()) for name, build in _geo_rules(inc)]


# --- network layers ----------------------------------------------------------------------------------------
def network_variants() -> list[tuple[str, gpd.GeoDataFrame]]:
    """Line layers for ``network_from_lines``, each broken by one rule."""
    with warnings.catch_warnings():  # shapely warns about the NaN vertex it is asked to build
        warnings.simplefilter("ignore", RuntimeWarning)
        return _network_variants()


def _network_variants() -> list[tuple[str, gpd.GeoDataFrame]]:
    grid = street_grid(3)
    a, b = (X0, Y0), (X0 + 100, Y0)
    crs = "EPSG:3006"

    def layer(geoms: list[Any], crs: Any = crs) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({"name": [f"g{i}" for i in range(len(geoms))]}, geometry=geoms, crs=crs)

    return [
        ("empty", grid.iloc[:0]),
        ("one_edge", layer([LineString([a, b])])),
        ("zero_length", layer([LineString([a, a])])),
        ("zero_length_and_one", layer([LineString([a, a]), LineString([a, b])])),
        ("self_loop", layer([LineString([a, b, (X0 + 100, Y0 + 100), a])])),
        ("disconnected", layer([LineString([a, b]), LineString([(X0 + 5000, Y0), (X0 + 5100, Y0)])])),
        ("nan_vertex", layer([LineString([a, (np.nan, Y0 + 5), b])])),
        ("inf_vertex", layer([LineString([a, (np.inf, Y0)])])),
        ("no_crs", grid.set_crs(None, allow_override=True)),
        ("wgs84", grid.to_crs("EPSG:4326")),
        ("degrees_labelled_sweref", grid.to_crs("EPSG:4326").set_crs(crs, allow_override=True)),
        ("points_not_lines", layer([Point(a), Point(b)])),
        ("polygons", layer([Polygon([a, b, (X0, Y0 + 100)])])),
        ("none_geometry", layer([None, LineString([a, b])])),
        ("empty_line", layer([LineString(), LineString([a, b])])),
        ("z_lines", layer([LineString([(*a, 5.0), (*b, 7.0)])])),
        ("multiline", layer([MultiLineString([[a, b], [b, (X0 + 100, Y0 + 100)]])])),
        ("duplicate_index", grid.set_axis([0] * len(grid))),
        ("name_not_text", grid.assign(name=_mixed([1, None, 2.5, ("t",)], len(grid)))),
        ("int_column_names", grid.rename(columns={"name": 0})),
    ]


# --- area and place layers ----------------------------------------------------------------------------------
def area_variants() -> list[tuple[str, gpd.GeoDataFrame]]:
    """Two districts over the street grid (``name``, ``befolkning``), each broken by one rule."""
    from shapely.geometry import box

    far = (SIDE - 1) * STEP
    half = far / 2
    base = gpd.GeoDataFrame(
        {"name": ["Norr", "Söder"], "befolkning": [1000, 2000]},
        geometry=[box(X0, Y0 + half, X0 + far, Y0 + far), box(X0, Y0, X0 + far, Y0 + half)],
        crs="EPSG:3006",
    )
    point = Point(X0 + 300, Y0 + 300)
    bowtie = Polygon([(X0, Y0), (X0 + far, Y0 + far), (X0 + far, Y0), (X0, Y0 + far)])
    small = box(X0, Y0, X0 + 1, Y0 + 1)
    return [
        ("as_is", base),
        ("empty", base.iloc[:0]),
        ("no_crs", base.set_crs(None, allow_override=True)),
        ("wgs84", base.to_crs("EPSG:4326")),
        ("degrees_labelled_sweref", base.to_crs("EPSG:4326").set_crs("EPSG:3006", allow_override=True)),
        ("points", base.set_geometry([Point(X0, Y0), Point(X0 + 1, Y0)], crs=base.crs)),
        ("lines", base.set_geometry([LineString([(X0, Y0), (X0 + 5, Y0)])] * 2, crs=base.crs)),
        ("none_geometry", base.set_geometry([None, small], crs=base.crs)),
        ("empty_polygon", base.set_geometry([Polygon(), small], crs=base.crs)),
        ("self_crossing", base.set_geometry([bowtie, small], crs=base.crs)),
        ("duplicate_index", base.set_axis([0, 0])),
        ("duplicate_names", base.assign(name="Samma")),
        ("names_missing", base.assign(name=[None, np.nan])),
        ("population_text", base.assign(befolkning=["tusen", "-5"])),
        ("population_nan_inf", base.assign(befolkning=[np.nan, np.inf])),
        ("population_negative", base.assign(befolkning=[-1, 0])),
        ("int_column_name", base.rename(columns={"name": 0})),
        ("multiindex", base.set_axis(pd.MultiIndex.from_arrays([[0, 1], [0, 1]]))),
        ("overlapping", base.set_geometry([box(X0, Y0, X0 + far, Y0 + far)] * 2, crs=base.crs)),
        ("radius_garbage", base.set_geometry([point] * 2, crs=base.crs).assign(radius_m=[np.nan, -5])),
        ("radius_text", base.set_geometry([point] * 2, crs=base.crs).assign(radius_m=["x", None])),
    ]


#: Periods no date arithmetic should meet: reversed, unreadable, missing, centuries away, not a pair.
BAD_PERIODS: list[Any] = [
    ("2025-10-31", "2025-01-01"),
    ("x", "y"),
    (math.nan, math.nan),
    (None, "2025-01-01"),
    ("1600-01-01", "2025-01-01"),
    ("2025-01-01", "9999-01-01"),
    ("2025-01-01",),
    5,
]
