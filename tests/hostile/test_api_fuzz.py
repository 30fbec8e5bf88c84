"""Hostile inputs through the public Python API: every variant of ``api_corpus`` against the functions
``trygghet_geo`` exports (and ``snap_points``, ``lixelize``, ``network_from_lines``, ``hotlist``).

A variant passes when the function either returns with every input row accounted for (readers and
``analyze``: rows in == rows out, none dropped; a row not used carries its reason), or raises a
:class:`~trygghet_geo.errors.TrygghetError` subclass. Anything else (a pandas/numpy/scipy exception, a
memory error, a result for a parameter that means nothing) is a failure.

Corpus size, all run here (about 35 s of CPU, a minute of wall time on a busy machine):

* 91 frame variants x 3 (read_incidents, read_observations, analyze): 273 calls;
* 42 GeoDataFrame variants x 10 stage functions: 420, plus 8 targeted (CRS, stored positions, far dates);
* 20 street layers x 3 (network_from_lines, snap_points, lixelize): 60;
* 11 bad values x 45 numeric parameters of 13 functions: 495 (13 documented meanings skipped, listed in
  ALLOWED), and 11 x 5 more (suggest_eps, suggest_parameters, write_report, hotlist): 55;
* 20 hostile analyses x 5 exports (map, CSV, XLSX, report, repr): 100;
* 21 area/place layers x 4 (read_areas, area_summary twice, compare_periods x 2) and as study area: 105;
* 8 periods x 3, 26 arguments of the wrong kind, 11 alpha values: 61.

About 1,580 calls in all.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from api_corpus import (
    BAD_NUMBERS,
    BAD_PERIODS,
    area_variants,
    frame_variants,
    geo_variants,
    network_variants,
    raw_frame,
    street_grid,
)

import trygghet_geo as tg
from trygghet_geo.errors import TrygghetError

FRAMES = frame_variants()
BEFORE, AFTER = ("2025-01-01", "2025-05-31"), ("2025-06-01", "2025-10-31")


@pytest.fixture(scope="module")
def net() -> Any:
    from trygghet_geo.network import network_from_lines

    return network_from_lines(street_grid(), split="crossings")


@pytest.fixture(scope="module")
def run(net: Any) -> Any:
    tg.options.progress = False
    return tg.analyze(raw_frame(60, 1), network=net, n_simulations=9, basemap=False)


def _outcome(call: Callable[[], Any]) -> Any:
    """The call's result, or None when it raised a TrygghetError; any other exception fails the test.

    Warnings are let through here (a TrygghetWarning about a hostile frame is the right answer, and numpy's
    own warnings on NaN input are no failure of the contract tested here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except TrygghetError:
            return None


# --- frames: readers and analyze
@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[n for n, _ in FRAMES])
def test_readers_account_for_every_row(name: str, frame: pd.DataFrame) -> None:
    for read, renamed in (
        (tg.read_incidents, frame),
        (tg.read_observations, frame.rename(columns={"brottstyp": "kategori"})),
    ):
        out = _outcome(lambda read=read, renamed=renamed: read(renamed))
        if out is None:
            continue
        assert len(out) == len(frame), f"{name}: {len(frame)} rows in, {len(out)} out"
        not_ok = out[out["status"] != "ok"]
        assert (not_ok["reason"].astype(str) != "").all(), f"{name}: a row left out names no reason"


@pytest.mark.parametrize(("name", "frame"), FRAMES, ids=[n for n, _ in FRAMES])
def test_analyze_accounts_for_every_row(name: str, frame: pd.DataFrame, net: Any) -> None:
    a = _outcome(lambda: tg.analyze(frame, network=net, n_simulations=0, basemap=False))
    if a is None:
        return
    inc = a.incidents
    assert len(inc) == len(frame), f"{name}: {len(frame)} rows in, {len(inc)} in the result"
    used = int((inc["cluster"] >= 0).sum()) if len(inc) else 0
    assert used + sum(a.left_out.values()) <= len(inc)
    left = inc[inc["status"] != "ok"]
    assert sum(a.left_out.values()) >= len(left), f"{name}: rows not ok are missing from left_out"


def test_the_fixed_frame_classes_read_as_meant() -> None:
    """The frame variants that crashed before this corpus: their values are read, not just survived."""
    frames = dict(FRAMES)
    mixed = tg.read_incidents(frames["mixed_tz_naive_dates"])
    # 10:00 UTC is 11:00 in Stockholm; a naive 11:00 is Stockholm wall-clock time
    assert [t.strftime("%H:%M") for t in mixed["occurred_at"].iloc[:2]] == ["11:00", "11:00"]
    period = tg.read_incidents(frames["period_dates"])
    assert period["occurred_at"].iloc[1].strftime("%Y-%m-%d") == "2025-01-02"
    with pytest.raises(tg.SchemaError, match="brottstyp"):
        tg.read_incidents(frames["duplicate_column_names"])


# --- geo variants: the stages after analyze
def _stages(net: Any, run: Any) -> dict[str, Callable[[Any], Any]]:
    from trygghet_geo.hotlist import hotlist
    from trygghet_geo.network import snap_points

    return {
        "snap_points": lambda g: snap_points(g, net),
        "near_repeat": lambda g: tg.near_repeat(g, net, n_simulations=9),
        "emerging_hotspots": lambda g: tg.emerging_hotspots(g, net),
        "hotlist": lambda g: hotlist(g, network=net, places=run.places),
        "network_kde": lambda g: tg.network_kde(g, net, bandwidth_m=100),
        "compare_periods": lambda g: tg.compare_periods(
            g, run.places, before=BEFORE, after=AFTER, network=net
        ),
        "rank_places": lambda g: tg.rank_places(run.hotspots, g, network=net),
        "find_hotspots": lambda g: tg.find_hotspots(g, np.zeros(len(g), int), net),
        "NetworkDBSCAN": lambda g: tg.NetworkDBSCAN(50, min_samples=3, network=net).fit(g),
        "hotspot_significance": lambda g: tg.hotspot_significance(
            run.hotspots, g, net, eps_m=50, min_samples=3, n_simulations=9
        ),
    }


STAGES = (
    "snap_points",
    "near_repeat",
    "emerging_hotspots",
    "hotlist",
    "network_kde",
    "compare_periods",
    "rank_places",
    "find_hotspots",
    "NetworkDBSCAN",
    "hotspot_significance",
)


@pytest.mark.parametrize("stage", STAGES)
def test_stages_take_hostile_geodataframes(stage: str, net: Any, run: Any) -> None:
    call = _stages(net, run)[stage]
    for name, g in geo_variants(run.incidents):
        out = _outcome(lambda call=call, g=g: call(g))
        if stage == "snap_points" and out is not None:
            assert len(out) == len(g), f"{name}: {len(g)} points in, {len(out)} snapped rows out"


@pytest.mark.parametrize(
    "variant", ["degrees_labelled_sweref", "metres_labelled_wgs84", "degrees_labelled_mercator"]
)
def test_a_crs_that_cannot_hold_the_coordinates_is_refused(variant: str, net: Any, run: Any) -> None:
    """Before: the points were reprojected to the wrong place and every one came back too far from the
    streets, a silently empty analysis."""
    from trygghet_geo.network import snap_points

    g = dict(geo_variants(run.incidents))[variant]
    with pytest.raises(tg.CRSError, match="coordinate pairs"):
        snap_points(g, net)


@pytest.mark.parametrize(
    ("variant", "column"),
    [("edge_id_out_of_range", "edge_id"), ("edge_offset_garbage", "edge_offset_m")],
)
def test_stored_positions_from_another_network_are_refused(
    variant: str, column: str, net: Any, run: Any
) -> None:
    g = dict(geo_variants(run.incidents))[variant]
    with pytest.raises(tg.SchemaError, match=column):
        tg.near_repeat(g, net, n_simulations=9)


def test_far_dates_are_refused_before_the_cube_is_built(net: Any, run: Any) -> None:
    """Before: 1678 and 2262 in one column built a cube of 7,000 months and Mann-Kendall's pairs took
    gigabytes (the process was killed)."""
    g = dict(geo_variants(run.incidents))["far_dates"]
    with pytest.raises(tg.SchemaError, match="occurred_at"):
        tg.emerging_hotspots(g, net)
    ok = run.incidents.copy()
    ok["occurred_at"] = ok["occurred_at"] - pd.to_timedelta(np.arange(len(ok)) * 60, unit="D")
    ok = ok[ok["occurred_at"] > pd.Timestamp("1995-01-01", tz="Europe/Stockholm")]
    ok = ok.assign(occurred_from=ok["occurred_at"], occurred_to=pd.NaT)  # 3,500 days from first to last
    with pytest.raises(tg.InputError, match="n_steps"):
        tg.emerging_hotspots(ok, net, time_step="day")
    assert len(tg.emerging_hotspots(ok, net, time_step="day", n_steps=60)) > 0


# --- networks
@pytest.mark.parametrize(("name", "layer"), network_variants(), ids=[n for n, _ in network_variants()])
def test_broken_street_layers(name: str, layer: Any, run: Any) -> None:
    from trygghet_geo.network import lixelize, network_from_lines, snap_points

    built = _outcome(lambda: network_from_lines(layer))
    if built is None:
        return
    snapped = _outcome(lambda: snap_points(run.incidents, built))
    if snapped is not None:
        assert len(snapped) == len(run.incidents)
    pieces = _outcome(lambda: lixelize(built, 20))
    if pieces is not None:
        assert (pieces["length_m"] > 0).all() or built.edges["length_m"].eq(0).any()


# --- parameters
def _param_targets(net: Any, run: Any) -> dict[str, tuple[Callable[..., Any], tuple[str, ...]]]:
    from trygghet_geo.hotlist import hotlist
    from trygghet_geo.network import lixelize, network_from_lines, snap_points

    inc, df = run.incidents, raw_frame(60, 1)
    return {
        "analyze": (
            lambda **k: tg.analyze(df, network=net, basemap=False, **{"n_simulations": 0, **k}),
            (
                "eps_m",
                "min_samples",
                "max_snap_m",
                "n_simulations",
                "random_state",
                "n_jobs",
                "min_geocode_score",
            ),
        ),
        "snap_points": (lambda **k: snap_points(inc, net, **k), ("max_snap_m",)),
        "lixelize": (lambda **k: lixelize(net, **k), ("length_m",)),
        "network_from_lines": (lambda **k: network_from_lines(street_grid(3), **k), ("node_tolerance_m",)),
        "near_repeat": (
            lambda **k: tg.near_repeat(inc, net, **{"n_simulations": 9, **k}),
            ("n_simulations", "random_state", "n_jobs"),
        ),
        "emerging_hotspots": (
            lambda **k: tg.emerging_hotspots(inc, net, **k),
            ("segment_m", "neighbourhood_m", "n_steps", "alpha", "max_interval_h"),
        ),
        "hotlist": (
            lambda **k: hotlist(inc, network=net, places=run.places, **k),
            ("days", "baseline_days", "segment_m", "top", "alpha"),
        ),
        "network_kde": (
            lambda **k: tg.network_kde(inc, net, **{"bandwidth_m": 100, **k}),
            ("lixel_m", "max_snap_m", "trim_bw_m", "consolidate_m"),
        ),
        "compare_periods": (
            lambda **k: tg.compare_periods(inc, run.places, before=BEFORE, after=AFTER, network=net, **k),
            ("radius_m", "alpha"),
        ),
        "rank_places": (
            lambda **k: tg.rank_places(run.hotspots, inc, network=net, **k),
            ("obs_within_m", "obs_eps_m", "obs_min_samples"),
        ),
        "find_hotspots": (
            lambda **k: tg.find_hotspots(inc, np.zeros(len(inc), int), net, **k),
            ("buffer_m", "eps_m"),
        ),
        "NetworkDBSCAN": (
            lambda **k: tg.NetworkDBSCAN(**{"eps_m": 50, "min_samples": 3, "network": net, **k}).fit(inc),
            ("eps_m", "min_samples", "max_snap_m"),
        ),
        "hotspot_significance": (
            lambda **k: tg.hotspot_significance(
                run.hotspots, inc, net, **{"eps_m": 50, "min_samples": 3, "n_simulations": 9, **k}
            ),
            ("eps_m", "min_samples", "n_simulations", "alpha", "random_state", "n_jobs"),
        ),
    }


# Values a parameter documents a meaning for: not refused, on purpose.
ALLOWED = {
    ("analyze", "n_simulations", "zero"),  # no Monte Carlo test
    ("hotspot_significance", "n_simulations", "zero"),
    ("analyze", "random_state", "zero"),  # a seed
    ("near_repeat", "random_state", "zero"),
    ("hotspot_significance", "random_state", "zero"),
    ("analyze", "n_jobs", "negative"),  # joblib's convention: -5 is all cores but four
    ("hotspot_significance", "n_jobs", "negative"),
    ("near_repeat", "n_jobs", "hugeint"),  # at most one thread per core is started
    ("analyze", "min_geocode_score", "zero"),  # keep every geocoder answer
    ("rank_places", "obs_within_m", "zero"),  # observations inside the place only
    ("network_kde", "consolidate_m", "zero"),  # documented: no merging
    ("emerging_hotspots", "max_interval_h", "huge"),  # an interval of any length is spread
    ("emerging_hotspots", "max_interval_h", "hugeint"),
}


PARAM_TARGETS = (
    "analyze", "snap_points", "lixelize", "network_from_lines", "near_repeat", "emerging_hotspots", "hotlist",
    "network_kde", "compare_periods", "rank_places", "find_hotspots", "NetworkDBSCAN", "hotspot_significance",
)  # fmt: skip


@pytest.mark.parametrize("target", PARAM_TARGETS)
def test_every_numeric_parameter_refuses_values_without_meaning(target: str, net: Any, run: Any) -> None:
    call, params = _param_targets(net, run)[target]
    accepted, unnamed = [], []
    for param in params:
        for label, value in BAD_NUMBERS.items():
            if (target, param, label) in ALLOWED:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    call(**{param: value})
            except TrygghetError as exc:
                if param not in str(exc):  # the error must name the argument the caller got wrong
                    unnamed.append(f"{param}={value!r}: {exc}")
                continue
            accepted.append(f"{param}={value!r}")
    assert not accepted, f"{target} accepted {accepted}"
    assert not unnamed, f"{target}: errors that do not name the argument: {unnamed}"


def test_the_bad_numbers_are_what_they_say() -> None:
    assert math.isnan(BAD_NUMBERS["nan"])
    assert BAD_NUMBERS["bool"] is True
    assert BAD_NUMBERS["hugeint"] > 2**64


# --- outputs of analyses made from hostile frames
OUTPUT_FRAMES = [(n, f) for n, f in frame_variants(n=60, seed=1) if not n.startswith("collide_")][::3] + [
    (n, f) for n, f in frame_variants(n=60, seed=1) if n.startswith("collide_") and n.endswith("_text")
][::4]  # a deterministic third of the frame rules and a quarter of the collisions (the whole: 91 frames)


@pytest.mark.parametrize(("name", "frame"), OUTPUT_FRAMES, ids=[n for n, _ in OUTPUT_FRAMES])
def test_exports_of_a_hostile_analysis(name: str, frame: pd.DataFrame, net: Any, tmp_path: Any) -> None:
    a = _outcome(lambda: tg.analyze(frame, network=net, n_simulations=9, basemap=False))
    if a is None:
        return
    for call in (
        lambda: a.to_html(tmp_path / "karta.html"),
        lambda: tg.export_places(a.places, tmp_path / "platser.csv"),
        lambda: tg.export_places(a.places, tmp_path / "platser.xlsx", privacy="internal"),
        lambda: tg.write_report(a, tmp_path / "rapport.html", k=1),
        lambda: (repr(a), a._repr_html_()),
    ):
        _outcome(call)


def test_more_parameters_refuse_values_without_meaning(run: Any, net: Any, tmp_path: Any) -> None:
    from trygghet_geo.hotlist import hotlist

    inc = run.incidents
    e, t = inc["edge_id"].to_numpy(), inc["edge_offset_m"].to_numpy()
    calls: dict[str, Callable[[Any], Any]] = {
        "sample_size": lambda v: tg.suggest_eps(e, t, net, sample_size=v),
        "random_state": lambda v: tg.suggest_parameters(e, t, net, random_state=v),
        "eps_m": lambda v: tg.suggest_parameters(e, t, net, eps_m=v),
        "followup_n": lambda v: tg.write_report(run, tmp_path / "r.html", followup_n=v),
        "end": lambda v: hotlist(inc, network=net, end=v),
    }
    allowed = {("random_state", "zero")}
    accepted = []
    for param, call in calls.items():
        for label, value in BAD_NUMBERS.items():
            if (param, label) in allowed or (param == "end" and label not in ("nan", "npnan")):
                continue
            if _outcome(lambda call=call, value=value: call(value)) is not None:
                accepted.append(f"{param}={value!r}")
    assert not accepted
    with pytest.raises(tg.InputError):
        tg.suggest_parameters(np.full(len(e), "gata"), t, net)  # digits as text are read as numbers


# --- areas, places and periods ------------------------------------------------------------------------------
AREAS = area_variants()
PERIOD = ("2025-01-01", "2025-10-31")


@pytest.mark.parametrize(("name", "layer"), AREAS, ids=[n for n, _ in AREAS])
def test_area_and_place_layers(name: str, layer: Any, run: Any, net: Any) -> None:
    areas = _outcome(lambda: tg.read_areas(layer))
    if areas is not None:
        table = _outcome(lambda: tg.area_summary(run.incidents, areas, period=PERIOD))
        if table is not None:  # every area appears, once
            assert len(table) == len(layer), f"{name}: {len(layer)} areas in, {len(table)} rows out"
    _outcome(lambda: tg.area_summary(run.incidents, layer, period=PERIOD))
    for network in (net, None):
        _outcome(
            lambda network=network: tg.compare_periods(
                run.incidents, layer, before=BEFORE, after=AFTER, network=network, radius_m=100
            )
        )


@pytest.mark.parametrize("period", BAD_PERIODS, ids=[repr(p) for p in BAD_PERIODS])
def test_periods_no_calendar_can_hold_are_refused(period: Any, run: Any, net: Any) -> None:
    """Before: NaN, 1600 and 9999 failed inside pandas (NaT.normalize, DST inference, toordinal)."""
    areas = tg.read_areas(dict(AREAS)["as_is"])
    for call in (
        lambda: tg.area_summary(run.incidents, areas, period=period),
        lambda: tg.compare_periods(run.incidents, areas, before=period, after=AFTER),
        lambda: tg.rank_places(run.hotspots, run.incidents, network=net, period=period),
    ):
        assert _outcome(call) is None, f"period={period!r} was accepted"


def test_area_summary_alpha(run: Any) -> None:
    areas = tg.read_areas(dict(AREAS)["as_is"])
    for value in BAD_NUMBERS.values():
        with pytest.raises(tg.ParameterError, match="alpha"):
            tg.area_summary(run.incidents, areas, period=PERIOD, alpha=value)


# --- arguments of the wrong kind -------------------------------------------------------------------------
WRONG_KINDS: list[Any] = [None, 5, "x", [1, 2], np.zeros((3, 3)), pd.Series([1, 2]), pd.DataFrame()]


def test_arguments_of_the_wrong_kind_get_a_clear_error(net: Any) -> None:
    """Before: a list or an int as the incidents, or anything but a StreetNetwork as the network, failed in
    the run record or at ``.crs`` with an AttributeError; weights or categories not a dict at ``.items``."""
    df = raw_frame(60, 1)
    calls: list[Callable[[], Any]] = []
    for value in WRONG_KINDS:
        calls.append(lambda v=value: tg.analyze(v, network=net, n_simulations=0, basemap=False))
        calls.append(lambda v=value: tg.analyze(df, network=v, n_simulations=0, basemap=False))
        calls.append(lambda v=value: tg.snap_points(v, net))
    for weights in ([1], "abc", {"incidents": math.nan}, {"okänd": 1.0}):
        calls.append(lambda w=weights: tg.analyze(df, network=net, n_simulations=0, basemap=False, weights=w))
    calls.append(lambda: tg.read_incidents(df, categories=5))  # type: ignore[arg-type]
    accepted = [i for i, call in enumerate(calls) if _outcome(call) is not None]
    assert accepted == []


@pytest.mark.parametrize(("name", "layer"), AREAS, ids=[n for n, _ in AREAS])
def test_study_area_layers(name: str, layer: Any, net: Any) -> None:
    df = raw_frame(60, 1)
    a = _outcome(lambda: tg.analyze(df, network=net, n_simulations=0, basemap=False, study_area=layer))
    if a is not None:
        assert len(a.incidents) == len(df)
