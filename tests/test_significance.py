"""Tests of the significance stage (trygghet_geo.hotspots._significance) and the stability column."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from trygghet_geo.errors import ParameterError, SchemaError
from trygghet_geo.hotspots import find_hotspots
from trygghet_geo.hotspots._significance import (
    _p_max,
    _p_pooled,
    core_zone_llr,
    footprint_lengths,
    hotspot_significance,
)
from trygghet_geo.hotspots._stability import hotspot_stability
from trygghet_geo.hotspots._zones import ball_scan_llr
from trygghet_geo.network import network_from_lines


@pytest.fixture(scope="module")
def street():
    lines = [shapely.LineString([(0, 0), (3000, 0)]), shapely.LineString([(3000, 0), (3000, 2000)])]
    return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs=3006))


def _frame(net, eid, off):
    geoms = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[eid], off)
    return gpd.GeoDataFrame({"edge_id": eid, "edge_offset_m": off}, geometry=geoms, crs=net.crs)


@given(
    st.lists(st.tuples(st.integers(-1, 3), st.integers(0, 2), st.floats(0, 1)), min_size=1, max_size=40),
    st.floats(0.5, 40),
)
@settings(max_examples=150, deadline=None)
def test_footprint_lengths_equal_a_brute_force_union(events, half) -> None:
    length = np.array([100.0, 30.0, 7.5])
    labels = np.array([e[0] for e in events])
    eid = np.array([e[1] for e in events])
    off = np.array([e[2] for e in events]) * length[eid]
    got = footprint_lengths(labels, eid, off, length, half_width_m=half)
    for lab in range(int(labels.max()) + 1 if (labels >= 0).any() else 0):
        expected = 0.0
        for e in range(3):  # brute force: the covered length of a fine grid along each edge
            mine = off[(labels == lab) & (eid == e)]
            if len(mine):
                xs = np.linspace(0, length[e], 20001)
                covered = (np.abs(xs[:, None] - mine[None, :]) <= half).any(axis=1)
                expected += covered.mean() * length[e]
        assert got[lab] == pytest.approx(expected, abs=length.max() / 20000 * 4 + 1e-9)


def _corner_case(street):
    """300 events on the L-shaped street, half near the corner, random labels and cores; the network
    distance along it (the same street, or round the corner) and a fine grid of positions."""
    rng = np.random.default_rng(5)
    n = 300
    length = street.edges["length_m"].to_numpy()
    eid = rng.integers(0, 2, n)
    corner_at = np.array(
        [float(shapely.line_locate_point(g, shapely.Point(3000, 0))) for g in street.edges.geometry]
    )
    near_corner = np.abs(corner_at[eid] - rng.uniform(0, 150, n))
    off = np.where(rng.random(n) < 0.5, rng.uniform(0, 1, n) * length[eid], near_corner)
    labels = rng.integers(-1, 4, n)
    core = rng.random(n) < 0.3

    def dist(e1, t1, e2, t2):
        round_corner = np.abs(t1 - corner_at[e1]) + np.abs(t2 - corner_at[e2])
        return np.where(e1 == e2, np.abs(t1 - t2), round_corner)

    grid = [(np.full(20001, e), np.linspace(0, length[e], 20001)) for e in (0, 1)]
    return eid, off, labels, core, dist, grid, float(length.sum()), length, corner_at


def _brute_llr(inside, covered, n, total):
    k, ex = inside.sum(), n * covered / total
    return k * np.log(k / ex) + (n - k) * np.log((n - k) / (n - ex)) if ex < k <= n / 2 else 0.0


def test_core_zone_counts_every_event_inside_the_cores_reach(street) -> None:
    eid, off, labels, core, dist, grid, total, _, _ = _corner_case(street)
    h = 40.0
    got = core_zone_llr(labels, core, eid, off, street, half_width_m=h)
    for lab in range(4):
        zone = np.flatnonzero((labels == lab) & core)
        inside = (dist(eid[:, None], off[:, None], eid[zone], off[zone]) <= h + 1e-9).any(axis=1)
        inside &= (labels == lab) | (labels == -1)  # another cluster's events do not count
        covered = sum((dist(ge[:, None], gt[:, None], eid[zone], off[zone]) <= h).any(axis=1).mean() * gt[-1]
                      for ge, gt in grid)  # fmt: skip
        assert got[lab] == pytest.approx(_brute_llr(inside, covered, len(eid), total), rel=1e-3, abs=0.01)


def test_ball_scan_takes_the_best_ball_around_a_core_event(street) -> None:
    eid, off, labels, core, dist, _, total, length, corner_at = _corner_case(street)
    radii = (20.0, 45.0, 90.0)
    got = ball_scan_llr(labels, core, eid, off, street, radii_m=radii)
    for lab in range(4):
        best = 0.0
        for c in np.flatnonzero((labels == lab) & core):
            d_ev = dist(eid, off, eid[c], off[c])
            for r in radii:
                own, other = length[eid[c]], length[1 - eid[c]]  # exact: along its street, round the corner
                dc = abs(off[c] - corner_at[eid[c]])
                covered = min(off[c] + r, own) - max(off[c] - r, 0.0) + min(max(r - dc, 0.0), other)
                inside = (d_ev <= r + 1e-9) & ((labels == lab) | (labels == -1))
                best = max(best, _brute_llr(inside, covered, len(eid), total))
        assert got[lab] == pytest.approx(best, rel=1e-3, abs=0.01)


def test_p_values_resolve_below_one_over_simulations() -> None:
    rng = np.random.default_rng(0)
    maxima = rng.gumbel(8.0, 2.0, 99)
    pooled = np.sort(rng.exponential(2.0, 5000))
    observed = np.array([1.0, 9.0, 30.0, 60.0])
    p_max = _p_max(observed, maxima)
    assert p_max[0] == 1.0
    assert 0.2 < p_max[1] < 0.8
    assert p_max[2] <= 0.01  # beyond the simulated maxima: the Gumbel tail
    assert p_max[3] < p_max[2]
    p = _p_pooled(observed, pooled, p_max)
    assert np.all(np.diff(p) <= 0)
    assert p[2] < 1 / 5001  # beyond every pooled cluster: the exponential tail
    assert p[3] < 1e-10
    assert _p_pooled(observed, pooled[:5], p_max) is p_max  # too few pooled clusters: the family-wise p


def test_hotspot_significance_adds_columns_and_keeps_the_input(street) -> None:
    rng = np.random.default_rng(1)
    off = np.r_[rng.uniform(1000, 1040, 25), rng.uniform(0, 3000, 60)]
    inc = _frame(street, np.zeros(len(off), int), off)
    hs = find_hotspots(inc.iloc[:25], np.zeros(25, int), street)
    before = hs.copy()
    out = hotspot_significance(hs, inc, street, eps_m=30, min_samples=6, n_simulations=19, random_state=0)
    assert list(out.columns[-4:]) == ["p_value", "q_value", "p_max", "significant"]
    assert out["significant"].iloc[0]
    assert out["p_max"].iloc[0] <= 0.05
    assert out.attrs["significance"]["n_simulations"] == 19
    assert before.equals(hs)
    skipped = hotspot_significance(hs, inc, street, eps_m=30, min_samples=6, n_simulations=0)
    assert skipped["p_value"].isna().all()
    assert not skipped["significant"].any()
    with pytest.raises(SchemaError, match="member_index"):
        hotspot_significance(hs.drop(columns="member_index"), inc, street, eps_m=30, min_samples=6)
    with pytest.raises(ParameterError, match="alpha"):
        hotspot_significance(hs, inc, street, eps_m=30, min_samples=6, alpha=2)


def test_stability_tells_a_firm_place_from_one_the_knobs_make(street) -> None:
    rng = np.random.default_rng(2)
    firm = rng.uniform(500, 530, 40)  # 40 events in 30 m: found at every setting
    edge = 10.0 * np.arange(7) + 1500  # 7 events 10 m apart: core at eps 30 / 6, not at 24 m or 8 events
    off = np.r_[firm, edge, rng.uniform(2000, 3000, 10)]
    inc = _frame(street, np.zeros(len(off), int), off)
    labels = np.r_[np.zeros(40, int), np.ones(7, int)]
    hs = find_hotspots(inc.iloc[:47], labels, street)
    out = hotspot_stability(hs, inc, street, eps_m=30, min_samples=6)
    by_size = out.set_index("n_events")["stability"]
    assert by_size[40] == 1.0
    assert 0 < by_size[7] < 0.75
