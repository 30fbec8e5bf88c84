"""A second hostile pass over the public Python API's arguments, built by rule from each function's signature.

:func:`cases` crosses every *target* (a public function with one valid call of it, :func:`targets`) with the
*value kinds* of its parameters (:data:`KINDS`: what the signature and the docstring say the parameter is: a
distance, a count, a level, one of a few words, a path to read or to write, a date, a period, a text, a flag,
an event table, a street network, a place table, an analysis): every parameter is tried with every variant of
its kind while the other arguments stay valid. The variants are new to this corpus (``api_corpus`` tried
Python floats and ints, and frames as ``read_incidents`` takes them); here numpy scalars and extension
types, case and spacing of option words, paths of every kind, far and odd CRSs, time resolutions and zones,
degenerate networks and one-point data.

Each variant says what is expected of it:

* ``OK``: a value any caller would think fine (``np.int64(5)`` for a count): the call must succeed;
* ``REFUSE``: a value with no meaning (``np.float32("nan")`` for a distance): a
  :class:`~trygghet_geo.errors.TrygghetError` whose message names the argument;
* ``EITHER``: a value that may be read or refused (``"Quartic"``): a correct result or a clear error.

:func:`outcome` runs one case under a time and an address-space cap and sorts it into one class
(:data:`FAILURES`): a raw exception, a hang, a memory blow-up, a warning that is not a
:class:`~trygghet_geo.errors.TrygghetWarning`, an input changed in place, a row lost, a wrong result (NaN or
negative density, negative counts), a meaningless value accepted, an error that does not name its argument.

``python tests/hostile/api_corpus2.py`` runs the whole corpus and prints the count of each class.
"""

from __future__ import annotations

import datetime as dt
import math
import resource
import signal
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from api_corpus import X0, Y0, raw_frame, street_grid
from shapely.geometry import GeometryCollection, LineString, Point

OK, REFUSE, EITHER = "ok", "refuse", "either"

#: The classes a case can end in; all but "fine" are failures.
FAILURES = (
    "raw_exception",
    "hang",
    "memory",
    "warning",
    "mutated",
    "lost_rows",
    "wrong_result",
    "accepted_meaningless",
    "refused_valid",
    "unnamed_error",
)


# --- value kinds --------------------------------------------------------------------------------------------
def _metres() -> list[tuple[str, Any, str]]:
    return [
        ("np_float32", np.float32(150), OK),
        ("np_int64", np.int64(150), OK),
        ("fraction", Fraction(301, 2), OK),
        ("np_float32_nan", np.float32("nan"), REFUSE),
        ("np_float16_inf", np.float16("inf"), REFUSE),
        ("negative_zero", -0.0, REFUSE),
        ("decimal_nan", Decimal("NaN"), REFUSE),
        ("text_with_unit", "100 m", REFUSE),
        ("pd_NA", pd.NA, REFUSE),
        ("complex", complex(150, 0), REFUSE),
        ("np_bool", np.bool_(True), REFUSE),
        ("one_element_array", np.array([150.0]), EITHER),
        ("tiny", 1e-7, EITHER),  # must not lay out billions of pieces
        ("subnormal", 5e-324, EITHER),
    ]


def _count() -> list[tuple[str, Any, str]]:
    return [
        ("np_int64", np.int64(5), OK),
        ("np_uint8", np.uint8(5), OK),
        ("float_whole", 5.0, EITHER),
        ("np_bool", np.bool_(True), REFUSE),
        ("np_int8_negative", np.int8(-1), REFUSE),
        ("uint64_max", np.uint64(2**64 - 1), REFUSE),
        ("text", "5", REFUSE),
        ("pd_NA", pd.NA, REFUSE),
        ("half", 2.5, REFUSE),
        ("np_nan", np.float64("nan"), REFUSE),
        ("billion", 10**9, EITHER),  # must not allocate per unit
    ]


def _probability() -> list[tuple[str, Any, str]]:
    return [
        ("np_float32", np.float32(0.05), OK),
        ("fraction", Fraction(1, 20), OK),
        ("one", 1, REFUSE),
        ("zero", 0.0, REFUSE),
        ("percent", 5, REFUSE),
        ("np_nan", np.float64("nan"), REFUSE),
        ("text", "0.05", REFUSE),
        ("pd_NA", pd.NA, REFUSE),
        ("np_bool", np.bool_(False), REFUSE),
        ("decimal", Decimal("0.05"), EITHER),
    ]


def _words(valid: str) -> list[tuple[str, Any, str]]:
    return [
        ("upper", valid.upper(), EITHER),
        ("title", valid.title(), EITHER),
        ("padded", f" {valid} ", EITHER),
        ("newline", valid + "\n", EITHER),
        ("nbsp", valid + "\u00a0", EITHER),
        ("empty", "", REFUSE),
        ("swedish_unknown", "västlig", REFUSE),
        ("int", 1, REFUSE),
        ("bytes", valid.encode(), REFUSE),
        ("list", [valid], REFUSE),
        ("np_str", np.str_(valid), OK),
    ]


def _lang() -> list[tuple[str, Any, str]]:
    return [
        ("upper", "SV", EITHER),
        ("region", "sv-SE", EITHER),
        ("underscore_region", "en_GB", EITHER),
        ("german", "de", REFUSE),
        ("swedish_word", "svenska", REFUSE),
        ("empty", "", EITHER),
        ("int", 5, REFUSE),
        ("np_str", np.str_("en"), OK),
    ]


def _privacy() -> list[tuple[str, Any, str]]:
    return [
        *_words("shared")[:5],
        ("swedish", "delad", REFUSE),
        ("public", "public", REFUSE),
        ("none", None, REFUSE),
        ("int", 0, REFUSE),
        ("np_str", np.str_("internal"), OK),
    ]


def _flag() -> list[tuple[str, Any, str]]:
    return [
        ("np_bool", np.bool_(False), OK),
        ("text_false", "False", REFUSE),  # truthy: would silently mean True
        ("text_no", "nej", REFUSE),
        ("two", 2, EITHER),
        ("nan", math.nan, REFUSE),
    ]


def _text() -> list[tuple[str, Any, str]]:
    return [
        ("nul", "Rapport\x00 x", EITHER),
        ("lone_surrogate", "Rapport \ud800", EITHER),
        ("rtl_override", "\u202eTROPPAR", EITHER),
        ("combining", "A\u030angermanland", EITHER),
        ("long", "Långgatan " * 20_000, EITHER),
        ("int", 5, EITHER),
        ("bytes", b"Rapport", EITHER),
        ("np_str", np.str_("Rapport"), EITHER),  # a column or sheet name that is not there is refused
    ]


def _date() -> list[tuple[str, Any, str]]:
    return [
        ("nat", pd.NaT, REFUSE),
        ("np_nat", np.datetime64("NaT"), REFUSE),
        ("bad_month", "2025-13-40", REFUSE),
        ("year_1850", "1850-06-01", REFUSE),
        ("year_2150", "2150-06-01", REFUSE),
        ("new_york", pd.Timestamp("2025-10-20 12:00", tz="America/New_York"), OK),
        ("date_object", dt.date(2025, 10, 20), OK),
        ("np_datetime64_s", np.datetime64("2025-10-20T00:00:00", "s"), OK),
        ("int_yyyymmdd", 20251020, EITHER),
        ("swedish_word", "idag", REFUSE),
        ("float_nan", math.nan, REFUSE),
    ]


def _period() -> list[tuple[str, Any, str]]:
    ny = pd.Timestamp("2025-01-01", tz="America/New_York")
    return [
        ("date_and_aware", (dt.date(2025, 1, 1), pd.Timestamp("2025-10-31", tz="UTC")), EITHER),
        ("one_day", ("2025-06-01", "2025-06-01"), EITHER),
        ("list", ["2025-01-01", "2025-10-31"], EITHER),
        ("zone_and_naive", (ny, pd.Timestamp("2025-10-31")), EITHER),
        ("np_datetime64", (np.datetime64("2025-01-01"), np.datetime64("2025-10-31")), EITHER),
        ("with_nat", ("2025-01-01", pd.NaT), REFUSE),
        ("three", ("2025-01-01", "2025-05-01", "2025-10-31"), REFUSE),
        ("dict", {"start": "2025-01-01", "end": "2025-10-31"}, REFUSE),
        ("year_1850", ("1850-01-01", "1850-12-31"), REFUSE),
        ("year_2150", ("2150-01-01", "2150-12-31"), REFUSE),
        ("text", "2025", EITHER),
    ]


def _path_in(tmp: Path) -> list[tuple[str, Any, str]]:
    tmp.mkdir(parents=True, exist_ok=True)
    folder = tmp / "en mapp"
    folder.mkdir(exist_ok=True)
    empty = tmp / "tom.csv"
    empty.write_bytes(b"")
    png = tmp / "bild.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    return [
        ("missing_str", str(tmp / "saknas" / "åäö.xlsx"), REFUSE),
        ("missing_path", tmp / "saknas.csv", REFUSE),
        ("directory", folder, REFUSE),
        ("empty_file", empty, REFUSE),
        ("png", png, REFUSE),
        ("bytes_missing", bytes(tmp / "saknas.csv"), REFUSE),
        ("empty_text", "", REFUSE),
        ("int", 5, REFUSE),
    ]


def _path_out(tmp: Path) -> list[tuple[str, Any, str]]:
    tmp.mkdir(parents=True, exist_ok=True)
    folder = tmp / "utmapp"
    folder.mkdir(exist_ok=True)
    a_file = tmp / "fil.txt"
    a_file.write_text("x")
    return [
        ("unicode_new_folder", tmp / "nya åäö" / "ut", EITHER),
        ("under_a_file", a_file / "ut", REFUSE),
        ("nul_byte", str(tmp / "a\x00b"), REFUSE),
        ("int", 5, REFUSE),
        ("empty_text", "", REFUSE),  # Path("") is the working folder: surely not what was meant
        ("bytes", bytes(tmp / "bytes_ut"), EITHER),
    ]


# --- event tables -------------------------------------------------------------------------------------------
def _mixed(values: list[Any], n: int) -> list[Any]:
    return [values[i % len(values)] for i in range(n)]


def _events(inc: gpd.GeoDataFrame) -> Iterator[tuple[str, Callable[[], Any], str]]:
    n = len(inc)
    p = Point(X0 + 300, Y0 + 300)
    one = inc.iloc[[0]].copy()
    yield "nz_projected_crs", lambda: inc.to_crs("EPSG:2193"), EITHER
    yield "utm_south_crs", lambda: inc.to_crs("EPSG:32760"), EITHER
    yield "etrs89_degrees", lambda: inc.to_crs("EPSG:4258"), EITHER
    yield "sweref_local_zone", lambda: inc.to_crs("EPSG:3011"), EITHER
    yield (
        "geometry_collection",
        lambda: inc.set_geometry(
            gpd.GeoSeries(
                _mixed([GeometryCollection([p]), p, GeometryCollection()], n), index=inc.index, crs=inc.crs
            )
        ),
        EITHER,
    )
    yield (
        "inf_point",
        lambda: inc.set_geometry(
            gpd.GeoSeries(_mixed([Point(np.inf, Y0), p], n), index=inc.index, crs=inc.crs)
        ),
        EITHER,
    )
    yield (
        "all_one_point",
        lambda: inc.set_geometry(gpd.GeoSeries([p] * n, index=inc.index, crs=inc.crs)),
        EITHER,
    )
    yield "one_event", lambda: one, EITHER
    yield "identical_x2000", lambda: pd.concat([one] * 2000, ignore_index=True), EITHER
    yield (
        "seconds_resolution",
        lambda: _times(inc, lambda s: s.dt.tz_convert("UTC").astype("datetime64[s, UTC]")),
        EITHER,
    )
    yield "naive_ms", lambda: _times(inc, lambda s: s.dt.tz_localize(None).astype("datetime64[ms]")), EITHER
    yield "new_york", lambda: _times(inc, lambda s: s.dt.tz_convert("America/New_York")), EITHER
    yield (
        "arrow_timestamps",
        lambda: _times(inc, lambda s: s.astype("timestamp[ns, tz=UTC][pyarrow]")),
        EITHER,
    )
    yield (
        "mixed_zones_objects",
        lambda: _times(
            inc,
            lambda s: pd.Series(
                _mixed([t.tz_convert(z) for t, z in zip(s, ["UTC", "Asia/Tokyo"] * n, strict=False)], n),
                index=s.index,
                dtype=object,
            ),
        ),
        EITHER,
    )
    yield "some_nat", lambda: _times(inc, lambda s: s.where(np.arange(n) % 4 != 0)), EITHER
    yield (
        "one_row_1850",
        lambda: _times(inc, lambda s: s.where(np.arange(n) != 1, pd.Timestamp("1850-01-01", tz="UTC"))),
        EITHER,
    )
    yield (
        "one_row_2150",
        lambda: _times(inc, lambda s: s.where(np.arange(n) != 1, pd.Timestamp("2150-01-01", tz="UTC"))),
        EITHER,
    )
    yield (
        "category_arrow_text",
        lambda: inc.assign(category=inc["category"].astype(str).astype("string[pyarrow]")),
        EITHER,
    )
    yield (
        "category_with_na",
        lambda: inc.assign(category=inc["category"].astype(object).where(np.arange(n) % 3 != 0)),
        EITHER,
    )
    yield (
        "hotspot_id_Int64_na",
        lambda: inc.assign(hotspot_id=pd.array(_mixed([1, None, -1], n), dtype="Int64")),
        EITHER,
    )
    yield "int_column_name", lambda: inc.assign(extra=1).rename(columns={"extra": 7}), EITHER
    yield "duplicate_index", lambda: inc.set_axis([i % 5 for i in range(n)]), EITHER
    yield (
        "multiindex",
        lambda: inc.set_axis(pd.MultiIndex.from_arrays([[i % 2 for i in range(n)], range(n)])),
        EITHER,
    )
    yield "nan_in_index", lambda: inc.set_axis([math.nan if i == 2 else float(i) for i in range(n)]), EITHER
    yield "tuple_index", lambda: inc.set_axis([(i, "a") for i in range(n)]), EITHER
    yield "renamed_geometry", lambda: inc.rename_geometry("geom"), EITHER
    yield "geoseries", lambda: inc.geometry.copy(), EITHER
    yield "plain_dataframe", lambda: pd.DataFrame(inc.drop(columns="geometry")), EITHER
    yield "status_missing", lambda: inc.drop(columns=["status", "reason"]), EITHER
    yield "empty_with_columns", lambda: inc.iloc[:0].copy(), EITHER
    yield "none", lambda: None, REFUSE
    yield "list_of_points", lambda: list(inc.geometry), EITHER


def _times(inc: gpd.GeoDataFrame, change: Callable[[pd.Series], Any]) -> gpd.GeoDataFrame:
    out = inc.copy()
    for col in ("occurred_at", "occurred_from", "occurred_to"):
        if col in out:
            out[col] = change(out[col])
    return out


# --- networks, places, analyses ----------------------------------------------------------------------------
def _networks() -> Iterator[tuple[str, Callable[[], Any], str]]:
    from trygghet_geo.network import network_from_lines

    def lines(geoms: list[Any]) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {"name": [f"g{i}" for i in range(len(geoms))]}, geometry=geoms, crs="EPSG:3006"
        )

    a, b = (X0, Y0), (X0 + 100, Y0)

    yield "one_edge", lambda: network_from_lines(lines([LineString([a, b])])), EITHER
    yield (
        "far_away_town",
        lambda: network_from_lines(lines([LineString([(X0 + 9e4, Y0), (X0 + 9e4 + 200, Y0)])])),
        EITHER,
    )
    yield (
        "two_components",
        lambda: network_from_lines(
            lines(
                [
                    LineString([(X0, Y0 + 300), (X0 + 700, Y0 + 300)]),
                    LineString([(X0 + 5000, Y0), (X0 + 5100, Y0)]),
                ]
            )
        ),
        EITHER,
    )
    yield (
        "web_mercator",
        lambda: network_from_lines(street_grid().to_crs("EPSG:3857"), split="crossings"),
        EITHER,
    )
    yield "lines_not_network", lambda: street_grid(), REFUSE
    yield "none", lambda: None, EITHER


def _places(places: gpd.GeoDataFrame) -> Iterator[tuple[str, Callable[[], Any], str]]:
    yield "empty", lambda: places.iloc[:0].copy(), EITHER
    yield "no_crs", lambda: places.set_crs(None, allow_override=True), EITHER
    yield "wgs84", lambda: places.to_crs("EPSG:4326"), EITHER
    yield "name_and_geometry_only", lambda: places[["name", "geometry"]].copy(), EITHER
    yield "duplicate_index", lambda: pd.concat([places, places]), EITHER
    yield "names_not_text", lambda: places.assign(name=[7] * len(places)), EITHER
    yield "plain_dataframe", lambda: pd.DataFrame(places.drop(columns="geometry")), EITHER
    yield "int_column_name", lambda: places.assign(extra=1).rename(columns={"extra": 0}), EITHER


def _analyses(run: Any, tmp: Path) -> Iterator[tuple[str, Callable[[], Any], str]]:
    import dataclasses

    inc = run.incidents
    yield "incidents_frame", lambda: inc, EITHER
    yield "dict", lambda: {"incidents": inc}, REFUSE
    yield "missing_folder", lambda: tmp / "ingen_analys", REFUSE
    yield "none", lambda: None, REFUSE
    yield (
        "all_rejected",
        lambda: dataclasses.replace(
            run,
            incidents=inc.assign(status="rejected", reason="bad_date", cluster=-1, hotspot_id=-1),
            hotspots=run.hotspots.iloc[:0],
            places=run.places.iloc[:0],
        ),
        EITHER,
    )
    yield (
        "no_places",
        lambda: dataclasses.replace(run, hotspots=run.hotspots.iloc[:0], places=run.places.iloc[:0]),
        EITHER,
    )


# --- targets ---------------------------------------------------------------------------------------------
@dataclass
class Ctx:
    """One small world every target is called in: a street grid, an analysis of 60 incidents, a folder."""

    net: Any
    run: Any
    tmp: Path

    @property
    def inc(self) -> gpd.GeoDataFrame:
        return self.run.incidents


def context(tmp: Path) -> Ctx:
    import trygghet_geo as tg
    from trygghet_geo.network import network_from_lines

    tg.options.progress = False
    net = network_from_lines(street_grid(), split="crossings")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = tg.analyze(raw_frame(60, 1), network=net, n_simulations=9, basemap=False)
    return Ctx(net, run, Path(tmp))


@dataclass
class Target:
    """A public function, a valid call of it (``base``) and the kind of each parameter tried."""

    name: str
    call: Callable[..., Any]
    base: Callable[[Ctx], dict[str, Any]]
    kinds: dict[str, str]
    rows: str | None = None  # the argument whose rows the result must account for
    allowed: tuple[str, ...] = ()  # "param:label" values the function documents a meaning for


def _kde_rows(result: Any, events: Any) -> str | None:
    n_in = len(events)
    used = int(result.attrs.get("n_events", 0))
    left = sum(int(v) for v in dict(result.attrs.get("left_out", {})).values())
    if used + left != n_in:
        return f"{n_in} events in, {used} used + {left} left out"
    d = result["density"].to_numpy(dtype=float)
    if (len(d) and (~np.isfinite(d)).any()) or (d < 0).any():
        return f"density holds {d[~np.isfinite(d) | (d < 0)][:3]}"
    return None


def _snap_rows(result: Any, points: Any) -> str | None:
    return None if len(result) == len(points) else f"{len(points)} points in, {len(result)} rows out"


def targets() -> list[Target]:
    import trygghet_geo as tg
    from trygghet_geo import areas, followup, hotlist, manifest, plan
    from trygghet_geo.analysis import left_out_table
    from trygghet_geo.hotspots import hotspot_stability, suggest_eps, top_hours, top_weekdays
    from trygghet_geo.network import lixelize, snap_points

    before, after = ("2025-01-01", "2025-05-31"), ("2025-06-01", "2025-10-31")
    period = ("2025-01-01", "2025-10-31")

    def districts(c: Ctx) -> Any:
        from api_corpus import area_variants

        return tg.read_areas(dict(area_variants())["as_is"])

    def plan_frame(c: Ctx) -> Any:
        path = c.tmp / "plan_base.xlsx"
        if not path.exists():
            tg.write_plan_template(path, c.run.places)
        return tg.read_plan(path, places=c.run.places)

    def followup_frame(c: Ctx) -> Any:
        return tg.followup_plan(plan_frame(c), c.inc, places=c.run.places, network=c.net)

    def monthly(c: Ctx) -> Any:
        return tg.area_summary(c.inc, districts(c), period=period)

    kde_kinds = {
        "events": "events",
        "network": "network",
        "bandwidth_m": "metres",
        "lixel_m": "metres",
        "kernel": "words:quartic",
        "method": "words:discontinuous",
        "weights": "weights",
        "time": "time",
        "max_depth": "count",
        "min_share": "share",
        "max_snap_m": "metres",
        "adaptive": "flag",
        "trim_bw_m": "metres",
        "consolidate_m": "metres",
    }
    return [
        Target(
            "network_kde",
            tg.network_kde,
            lambda c: {"events": c.inc, "network": c.net, "bandwidth_m": 100.0},
            kde_kinds,
            rows="events",
            # 150 m merges every junction of a 100 m grid: refused, naming consolidate_m
            allowed=(
                "max_depth:billion",
                "consolidate_m:negative_zero",
                "adaptive:two",
                "consolidate_m:np_float32",
                "consolidate_m:np_int64",
                "consolidate_m:fraction",
            ),
        ),
        Target(
            "emerging_hotspots",
            tg.emerging_hotspots,
            lambda c: {"incidents": c.inc, "network": c.net},
            {
                "incidents": "events",
                "network": "network",
                "time_step": "words:month",
                "segment_m": "metres",
                "neighbourhood_m": "metres",
                "n_steps": "count",
                "alpha": "probability",
                "max_interval_h": "metres",
                "global_window": "words:robust",
                "lang": "lang",
            },
            allowed=("max_interval_h:billion",),
        ),
        Target(
            "hotlist",
            hotlist.hotlist,
            lambda c: {"incidents": c.inc, "network": c.net, "places": c.run.places},
            {
                "incidents": "events",
                "network": "network",
                "places": "places",
                "days": "count",
                "baseline_days": "count",
                "end": "date",
                "segment_m": "metres",
                "top": "count",
                "alpha": "probability",
            },
        ),
        Target(
            "write_hotlist",
            hotlist.write_hotlist,
            lambda c: {
                "table": hotlist.hotlist(c.inc, network=c.net, places=c.run.places),
                "out": c.tmp / "hl",
            },
            {
                "out": "path_out",
                "privacy": "privacy",
                "k": "count",
                "title": "text",
                "synthetic": "flag",
                "source_note": "text",
            },
        ),
        Target(
            "hotlist_of",
            hotlist.hotlist_of,
            lambda c: {"analysis": c.run, "out": c.tmp / "hlo"},
            {
                "analysis": "analysis",
                "out": "path_out",
                "days": "count",
                "privacy": "privacy",
                "k": "count",
                "title": "text",
            },
        ),
        Target(
            "lagesbild",
            tg.lagesbild,
            lambda c: {"analysis": c.run, "out": c.tmp / "lb", "pdf": False},
            {
                "analysis": "analysis",
                "areas": "path_in",
                "plan": "path_in",
                "reference": "path_in",
                "survey": "path_in",
                "previous": "path_in",
                "population": "metres",
                "out": "path_out",
                "name": "text",
                "privacy": "privacy",
                "k": "count",
                "top_n": "count",
                "title": "text",
                "public_map": "flag",
                "other_sources": "text",
            },
            allowed=("population:tiny", "population:subnormal"),
        ),
        Target(
            "write_plan_template",
            tg.write_plan_template,
            lambda c: {"path": c.tmp / "plan.xlsx", "places": c.run.places},
            {"path": "path_out", "places": "places"},
        ),
        Target(
            "read_plan",
            tg.read_plan,
            lambda c: {"path": plan_path(c), "places": c.run.places},
            {"path": "path_in", "places": "places", "sheet": "text"},
        ),
        Target(
            "followup_plan",
            tg.followup_plan,
            lambda c: {"plan": plan_frame(c), "incidents": c.inc, "places": c.run.places, "network": c.net},
            {
                "incidents": "events",
                "places": "places",
                "network": "network",
                "alpha": "probability",
                "data_period": "period",
            },
        ),
        Target(
            "followup_table",
            plan.followup_table,
            lambda c: {"followup": followup_frame(c)},
            {"privacy": "privacy", "k": "count", "lang": "lang"},
        ),
        Target("parse_goal", plan.parse_goal, lambda c: {"text": "-20 % stöld"}, {"text": "text"}),
        Target(
            "result_text",
            plan.result_text,
            lambda c: {"code": "goal_met"},
            {"code": "words:goal_met", "lang": "lang"},
        ),
        Target(
            "compare_periods",
            tg.compare_periods,
            lambda c: {
                "incidents": c.inc,
                "places": c.run.places,
                "before": before,
                "after": after,
                "network": c.net,
                "season_aware": False,
            },
            {
                "incidents": "events",
                "places": "places",
                "network": "network",
                "before": "period",
                "after": "period",
                "radius_m": "metres",
                "alpha": "probability",
                "method": "words:exact",
                "season_aware": "flag",
            },
        ),
        Target(
            "monthly_counts",
            followup.monthly_counts,
            lambda c: {"incidents": c.inc, "places": c.run.places, "network": c.net},
            {"incidents": "events", "places": "places", "network": "network", "radius_m": "metres"},
        ),
        Target(
            "area_summary",
            tg.area_summary,
            lambda c: {"incidents": c.inc, "areas": districts(c), "period": period},
            {
                "incidents": "events",
                "period": "period",
                "previous": "period",
                "alpha": "probability",
                "places": "places",
            },
        ),
        Target(
            "summary_table",
            areas.summary_table,
            lambda c: {"summary": monthly(c)},
            {"privacy": "privacy", "k": "count", "lang": "lang"},
        ),
        Target(
            "read_areas",
            tg.read_areas,
            lambda c: {"path": districts(c)},
            {"path": "path_in", "id_column": "text", "name_column": "text", "population_column": "text"},
        ),
        Target(
            "left_out_table",
            left_out_table,
            lambda c: {"analysis": c.run},
            {"analysis": "analysis", "lang": "lang", "kind": "words:incidents", "privacy": "privacy"},
        ),
        Target(
            "export_places",
            tg.export_places,
            lambda c: {"places": c.run.places, "path": c.tmp / "p.csv"},
            {"places": "places", "path": "path_out", "privacy": "privacy", "k": "count"},
        ),
        Target(
            "output_manifest",
            manifest.output_manifest,
            lambda c: {"analysis": c.run},
            {"analysis": "analysis"},
        ),
        Target(
            "write_manifest",
            manifest.write_manifest,
            lambda c: {"manifest": manifest.output_manifest(c.run), "folder": c.tmp / "mf"},
            {"folder": "path_out"},
        ),
        Target(
            "sha256_file",
            manifest.sha256_file,
            lambda c: {"path": plan_path(c)},
            {"path": "path_in"},
            allowed=("path:empty_file", "path:png"),
        ),  # any file has a hash
        Target("top_hours", top_hours, lambda c: {"times": c.inc["occurred_at"]}, {"times": "times"}),
        Target("top_weekdays", top_weekdays, lambda c: {"times": c.inc["occurred_at"]}, {"times": "times"}),
        Target(
            "suggest_eps",
            suggest_eps,
            lambda c: {
                "edge_id": c.inc["edge_id"].to_numpy(),
                "offset_m": c.inc["edge_offset_m"].to_numpy(),
                "network": c.net,
            },
            {"k": "count", "max_distance_m": "metres", "rule": "words:null", "network": "network"},
        ),
        Target(
            "hotspot_stability",
            hotspot_stability,
            lambda c: {
                "hotspots": c.run.hotspots,
                "incidents": c.inc,
                "network": c.net,
                "eps_m": 50.0,
                "min_samples": 3,
            },
            {"incidents": "events", "eps_m": "metres", "min_samples": "count", "street_weighted": "flag"},
        ),
        Target(
            "near_repeat",
            tg.near_repeat,
            lambda c: {"incidents": c.inc, "network": c.net, "n_simulations": 9},
            {"incidents": "events", "space_bands_m": "bands", "time_bands_days": "bands", "lang": "lang"},
        ),
        Target(
            "snap_points",
            snap_points,
            lambda c: {"points": c.inc, "network": c.net},
            {"points": "events", "network": "network", "max_snap_m": "metres"},
            rows="points",
        ),
        Target(
            "lixelize",
            lixelize,
            lambda c: {"network": c.net, "length_m": 50.0},
            {"network": "network", "length_m": "metres"},
        ),
        Target(
            "geocode",
            tg_geocode,
            lambda c: {"df_or_texts": ["Storgatan 1"], "gazetteer": gazetteer(c)},
            {"df_or_texts": "texts", "text_column": "text", "online": "flag", "cache": "flag"},
            rows="df_or_texts",
        ),
        Target("parse_place", tg_parse_place, lambda c: {"text": "Storgatan 1"}, {"text": "text"}),
        Target(
            "to_html",
            lambda analysis, **k: analysis.to_html(**k),
            lambda c: {"analysis": c.run, "path": c.tmp / "k.html"},
            {"path": "path_out", "privacy": "privacy", "lang": "lang"},
        ),
    ]


def plan_path(c: Ctx) -> Path:
    import trygghet_geo as tg

    path = c.tmp / "plan_base.xlsx"
    if not path.exists():
        tg.write_plan_template(path, c.run.places)
    return path


_GAZ: dict[int, Any] = {}


def gazetteer(c: Ctx) -> Any:
    from trygghet_geo import sample

    if id(c) not in _GAZ:
        _GAZ[id(c)] = sample.load_gazetteer()
    return _GAZ[id(c)]


def tg_geocode(df_or_texts: Any, **kw: Any) -> Any:
    from trygghet_geo.geocode import geocode

    return geocode(df_or_texts, **kw)


def tg_parse_place(text: Any) -> Any:
    from trygghet_geo.geocode import parse_place

    return parse_place(text)


# --- the remaining kinds -----------------------------------------------------------------------------------
def _weights(inc: gpd.GeoDataFrame) -> list[tuple[str, Any, str]]:
    n = len(inc)
    return [
        ("Int64_with_na", pd.array(_mixed([1, None, 2], n), dtype="Int64"), EITHER),
        ("all_zero", np.zeros(n), EITHER),
        # a weight that is no number >= 0 leaves its row out as bad_weight (documented), counted in attrs
        ("negative", np.full(n, -1.0), EITHER),
        ("inf", np.full(n, np.inf), EITHER),
        ("categorical", pd.Categorical(_mixed(["a", "b"], n)), EITHER),
        ("too_short", np.ones(n - 1), REFUSE),
        ("two_d", np.ones((n, 2)), REFUSE),
        ("column_of_text", "category", EITHER),
        ("column_swedish_missing", "vikt_å", REFUSE),
        ("series_other_index", pd.Series(np.ones(n), index=np.arange(n) + 1000), EITHER),
    ]


def _time_arg() -> list[tuple[str, Any, str]]:
    return [
        ("zero_days", ("occurred_at", 0), REFUSE),
        ("nan_days", ("occurred_at", math.nan), REFUSE),
        ("text_days", ("occurred_at", "30"), REFUSE),
        ("missing_column", ("när", 30), REFUSE),
        ("one_item", ("occurred_at",), REFUSE),
        ("column_only", "occurred_at", REFUSE),
        ("bad_date", ("occurred_at", 30, "2025-13-01"), REFUSE),
        ("date_1850", ("occurred_at", 30, "1850-01-01"), REFUSE),
        ("many_dates", ("occurred_at", 30, pd.date_range("2025-01-01", periods=3, freq="MS")), EITHER),
        ("np_days", ("occurred_at", np.int64(30)), OK),
        ("category_column", ("category", 30), REFUSE),
    ]


def _share() -> list[tuple[str, Any, str]]:
    return [
        ("np_float32", np.float32(0.01), OK),
        ("nan", np.float64("nan"), REFUSE),
        ("one", 1.0, REFUSE),
        ("negative", -0.1, REFUSE),
        ("text", "0.01", REFUSE),
    ]


def _bands() -> list[tuple[str, Any, str]]:
    return [
        ("empty", [], REFUSE),
        ("one", [0], REFUSE),
        ("nan", [0, math.nan, 200], REFUSE),
        ("negative", [-100, 0, 100], REFUSE),
        ("unsorted", [0, 200, 100], EITHER),
        ("repeated", [0, 100, 100, 200], EITHER),
        ("np_array", np.array([0, 100, 200]), OK),
        ("text", "0,100,200", REFUSE),
        ("two_d", np.array([[0, 100], [200, 400]]), REFUSE),
        ("inf", [0, 100, math.inf], EITHER),
    ]


def _times_kind(inc: gpd.GeoDataFrame) -> list[tuple[str, Any, str]]:
    s = inc["occurred_at"]
    return [
        ("naive", s.dt.tz_localize(None), OK),
        ("new_york", s.dt.tz_convert("America/New_York"), OK),
        ("all_nat", s.where(s.isna()), EITHER),
        ("text", s.astype(str), EITHER),
        ("empty", s.iloc[:0], EITHER),
        ("seconds", s.dt.tz_convert("UTC").astype("datetime64[s, UTC]"), OK),
        ("numbers", pd.Series(np.arange(len(s))), EITHER),
        ("list", list(s), EITHER),
    ]


def _texts() -> list[tuple[str, Any, str]]:
    return [
        ("empty_list", [], EITHER),
        ("none_and_nan", ["Storgatan 1", None, math.nan], EITHER),
        ("arrow_series", pd.Series(["Storgatan 1", None], dtype="string[pyarrow]"), EITHER),
        ("categorical", pd.Series(pd.Categorical(["Storgatan 1", "Kungsgatan"])), EITHER),
        ("numbers", [1, 2.5], EITHER),
        ("dup_index_frame", pd.DataFrame({"place_text": ["Storgatan 1", "x"]}, index=[0, 0]), EITHER),
        ("frame_no_column", pd.DataFrame({"plats": ["Storgatan 1"]}), REFUSE),
        ("one_string", "Storgatan 1", EITHER),
        ("lone_surrogate", ["Storgatan \ud800"], EITHER),
    ]


def values_of(kind: str, c: Ctx, folder: str = "") -> list[tuple[str, Any, str]]:
    """The variants of one value kind (events, networks, places and analyses are built on demand)."""
    if kind.startswith("words:"):
        return _words(kind.partition(":")[2])
    simple: dict[str, Callable[[], list[tuple[str, Any, str]]]] = {
        "metres": _metres,
        "count": _count,
        "probability": _probability,
        "lang": _lang,
        "privacy": _privacy,
        "flag": _flag,
        "text": _text,
        "date": _date,
        "period": _period,
        "time": _time_arg,
        "share": _share,
        "bands": _bands,
        "texts": _texts,
        "path_in": lambda: _path_in(c.tmp / folder),
        "path_out": lambda: _path_out(c.tmp / folder),
        "weights": lambda: _weights(c.inc),
        "times": lambda: _times_kind(c.inc),
    }
    if kind in simple:
        return simple[kind]()
    built: dict[str, Callable[[], Iterator[tuple[str, Callable[[], Any], str]]]] = {
        "events": lambda: _events(c.inc),
        "network": _networks,
        "places": lambda: _places(c.run.places),
        "analysis": lambda: _analyses(c.run, c.tmp),
    }
    return [(label, _Lazy(make), expect) for label, make, expect in built[kind]()]


class _Lazy:
    """A value built when the case runs (so building the corpus is cheap)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


@dataclass(frozen=True)
class Case:
    target: str
    param: str
    kind: str
    label: str
    expect: str

    @property
    def id(self) -> str:
        return f"{self.target}:{self.param}:{self.label}"


def cases(c: Ctx, only: set[str] | None = None) -> list[tuple[Case, Target, Any]]:
    """Every (target, parameter, variant) of the corpus, in a fixed order."""
    out = []
    for t in targets():
        if only and t.name not in only:
            continue
        for param, kind in t.kinds.items():
            for label, value, expect in values_of(kind, c, f"{t.name}.{param}"):
                if f"{param}:{label}" in t.allowed:
                    expect = EITHER
                out.append((Case(t.name, param, kind, label, expect), t, value))
    return out


# --- running one case --------------------------------------------------------------------------------------
class Hang(BaseException):
    """Raised by the timer in a call that ran too long (a BaseException: no ``except Exception`` eats it)."""


@contextmanager
def capped(seconds: float, extra_bytes: int) -> Iterator[None]:
    """Run the block under a wall-clock timer and an address-space cap of ``extra_bytes`` above now."""

    def ring(signum: int, frame: Any) -> None:
        raise Hang

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    now = _address_space()
    cap = now + extra_bytes if hard == resource.RLIM_INFINITY else min(hard, now + extra_bytes)
    old = signal.signal(signal.SIGALRM, ring)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def _snapshot(kwargs: dict[str, Any]) -> dict[str, Any]:
    snap = {}
    for k, v in kwargs.items():
        if isinstance(v, pd.DataFrame | pd.Series):
            snap[k] = v.copy(deep=True)
        elif hasattr(v, "incidents") and isinstance(getattr(v, "incidents", None), pd.DataFrame):
            snap[k] = v.incidents.copy(deep=True)
    return snap


def _changed(before: Any, after: Any) -> bool:
    if isinstance(after, pd.DataFrame | pd.Series):
        try:
            pd.testing.assert_series_equal(before, after) if isinstance(before, pd.Series) else (
                pd.testing.assert_frame_equal(before, after)
            )
        except AssertionError:
            return True
        return False
    return _changed(before, after.incidents)


def outcome(case: Case, target: Target, value: Any, c: Ctx, *, seconds: float = 60.0) -> tuple[str, str]:
    """``(class, detail)`` of one case: ``"fine"`` or one of :data:`FAILURES`."""
    from trygghet_geo.errors import TrygghetError, TrygghetWarning

    kwargs = dict(target.base(c))
    kwargs[case.param] = value.make() if isinstance(value, _Lazy) else value
    snap = _snapshot(kwargs)
    try:
        with capped(seconds, 3 * 2**30), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", TrygghetWarning)
            result = target.call(**kwargs)
    except Hang:
        return "hang", f"over {seconds:.0f} s"
    except MemoryError:
        return "memory", "MemoryError under a 3 GB cap"
    except TrygghetError as exc:
        if case.expect == OK:
            return "refused_valid", f"{type(exc).__name__}: {exc}"[:300]
        if not _names(exc, case, kwargs[case.param]):
            return "unnamed_error", f"{type(exc).__name__}: {exc}"[:300]
        return "fine", type(exc).__name__
    except Exception as exc:
        return "raw_exception", f"{type(exc).__name__}: {exc}"[:300]
    foreign = [w for w in caught if not issubclass(w.category, TrygghetWarning)]
    if foreign:
        w = foreign[0]
        return "warning", f"{w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})"[:300]
    for k, before in snap.items():
        if _changed(before, kwargs[k]):
            return "mutated", f"{k} changed in place"
    if case.expect == REFUSE:
        return "accepted_meaningless", f"{case.param}={_short(kwargs[case.param])} accepted"
    return _check_result(target, kwargs, result)


def _names(exc: Exception, case: Case, value: Any) -> bool:
    """The message names the argument: its name, or the file it names, or (for a table of events) the
    events it holds."""
    text = str(exc)
    names = [case.param, case.param.replace("_", " ")]
    if case.kind in ("events", "analysis"):
        names += ["incident", "event"]
    if case.kind == "places":  # a plan row naming a place that is not among them
        names += ["place"]
    if case.kind == "texts":
        names += ["text"]
    if case.kind.startswith("path") and isinstance(value, str | Path) and str(value):
        names += [str(value), Path(value).name]
    return any(n in text for n in names)


def _short(value: Any) -> str:
    return repr(value)[:80]


def _check_result(target: Target, kwargs: dict[str, Any], result: Any) -> tuple[str, str]:
    if target.rows is not None:
        rows = kwargs[target.rows]
        if isinstance(rows, str):
            rows = [rows]
        problem = (_kde_rows if target.name == "network_kde" else _snap_rows)(result, rows)
        if problem:
            return ("wrong_result" if "density" in problem else "lost_rows"), problem
    if isinstance(result, pd.DataFrame):
        for col in result.columns:
            name = str(col)
            if not name.startswith(("n_", "count")) or not pd.api.types.is_numeric_dtype(result[col].dtype):
                continue
            if (pd.to_numeric(result[col], errors="coerce") < 0).any():
                return "wrong_result", f"negative counts in {name}"
    return "fine", ""


TIMES: Counter[str] = Counter()


def run_all(
    c: Ctx, only: set[str] | None = None, step: int = 1, seconds: float = 60.0, verbose: bool = False
) -> list[tuple[Case, str, str]]:
    out = []
    for i, (case, target, value) in enumerate(cases(c, only)):
        if i % step:
            continue
        t0 = time.perf_counter()
        cls, detail = outcome(case, target, value, c, seconds=seconds)
        TIMES[case.target] += time.perf_counter() - t0
        out.append((case, cls, detail))
        if verbose and cls != "fine":
            print(f"{cls:22} {case.id:55} {detail}", flush=True)
    return out


def main() -> None:  # pragma: no cover - the command-line report
    import os
    import sys
    import tempfile

    only = set(sys.argv[1:]) or None
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # a path that falls back on the working folder writes there, not into the checkout
        c = context(Path(tmp))
        results = run_all(c, only, seconds=30.0, verbose=True)
    by_kind: Counter[str] = Counter(case.kind.partition(":")[0] for case, _, _ in results)
    print(f"{len(results)} inputs; by value kind: {dict(sorted(by_kind.items()))}")
    classes = Counter(cls for _, cls, _ in results)
    print("classes:", dict(classes))
    print("seconds by target:", {k: round(v, 1) for k, v in TIMES.most_common()})


if __name__ == "__main__":
    main()
