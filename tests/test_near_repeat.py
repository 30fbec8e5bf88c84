"""Near repeat (Knox test along the streets): pair counts against brute force, planted repeats, noise."""

from __future__ import annotations

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString

import trygghet_geo as tg
from trygghet_geo.errors import InputError, ParameterError
from trygghet_geo.network import StreetNetwork, network_from_lines
from trygghet_geo.network.snap import random_positions


def _grid(n: int, step: float = 100.0, *, skew: float = 0.0) -> StreetNetwork:
    """An n × n street grid (``skew`` bends every other street so lengths differ from the straight line)."""
    lines = []
    for k in range(n):
        for m in range(n - 1):
            y = k * step
            lines.append(
                LineString([(m * step, y), ((m + 0.5) * step, y + skew * (k % 2)), ((m + 1) * step, y)])
            )
            x = k * step
            lines.append(LineString([(x, m * step), (x, (m + 1) * step)]))
    return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))


def _events(net: StreetNetwork, edge: np.ndarray, off: np.ndarray, days: np.ndarray) -> gpd.GeoDataFrame:
    geom = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[edge], off)
    return gpd.GeoDataFrame(
        {
            "occurred_at": pd.Timestamp("2024-01-01", tz="Europe/Stockholm")
            + pd.to_timedelta(days, unit="D"),
            "edge_id": edge,
            "edge_offset_m": off,
        },
        geometry=geom,
        crs=net.edges.crs,
    )


def _brute_distances(net: StreetNetwork, edge: np.ndarray, off: np.ndarray) -> np.ndarray:
    """All-pairs street distance of positions, by networkx's Dijkstra between every pair of edge ends."""
    g = nx.Graph()
    e = net.edges
    for u, v, length in zip(e["u"], e["v"], e["length_m"], strict=True):
        if not g.has_edge(u, v) or g[u][v]["w"] > length:
            g.add_edge(int(u), int(v), w=float(length))
    dn = dict(nx.all_pairs_dijkstra_path_length(g, weight="w"))
    u, v, ln = e["u"].to_numpy(), e["v"].to_numpy(), e["length_m"].to_numpy()
    n = len(edge)
    out = np.full((n, n), np.inf)
    for a in range(n):
        ends_a = ((u[edge[a]], off[a]), (v[edge[a]], ln[edge[a]] - off[a]))
        for b in range(n):
            ends_b = ((u[edge[b]], off[b]), (v[edge[b]], ln[edge[b]] - off[b]))
            best = min(da + dn[na].get(nb, np.inf) + db for na, da in ends_a for nb, db in ends_b)
            if edge[a] == edge[b]:
                best = min(best, abs(off[a] - off[b]))
            out[a, b] = best
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(2, 5),
    skew=st.sampled_from([0.0, 20.0]),
    n=st.integers(2, 30),
    seed=st.integers(0, 10_000),
    top=st.floats(60.0, 450.0),
)
def test_observed_pairs_equal_brute_force(size: int, skew: float, n: int, seed: int, top: float) -> None:
    net = _grid(size, skew=skew)
    rng = np.random.default_rng(seed)
    edge, off = random_positions(net, n, random_state=rng)
    days = rng.uniform(0, 40, n)
    space = (0.0, top / 3, top)
    times = (0.0, 3.0, 10.0, 30.0)
    tab = tg.near_repeat(
        _events(net, edge, off, days), net, space_bands_m=space, time_bands_days=times, n_simulations=3
    )
    d = _brute_distances(net, edge, off)
    iu = np.triu_indices(n, 1)
    dd, dt = d[iu], np.abs(days[:, None] - days[None, :])[iu]
    near_edge = np.isclose(dd[:, None], np.array(space)[None, :], atol=1e-6).any(axis=1)
    near_edge |= np.isclose(dt[:, None], np.array(times)[None, :], atol=1e-9).any(axis=1)
    assume(not near_edge.any())  # no pair on a band edge (a float tie would be arbitrary)
    expected = [
        int(
            (
                (dd >= s0)
                & ((dd < s1) | ((s1 == space[-1]) & (dd <= s1)))
                & (dt >= t0)
                & ((dt < t1) | ((t1 == times[-1]) & (dt <= t1)))
            ).sum()
        )
        for s0, s1 in itertools.pairwise(space)
        for t0, t1 in itertools.pairwise(times)
    ]
    assert tab["observed"].tolist() == expected


def _planted(seed: int, *, n: int = 500, share: float = 0.3, net: StreetNetwork) -> gpd.GeoDataFrame:
    """``n`` events over a year; a share of them repeat a random earlier one within 50 m and 3 days."""
    rng = np.random.default_rng(seed)
    n_rep = round(share * n)
    edge, off = random_positions(net, n - n_rep, random_state=rng)
    days = rng.uniform(0, 365, n - n_rep)
    parent = rng.integers(0, n - n_rep, n_rep)
    length = net.edges["length_m"].to_numpy()[edge[parent]]
    r_off = np.clip(off[parent] + rng.uniform(-50, 50, n_rep), 0, length)
    r_days = days[parent] + rng.uniform(0, 3, n_rep)
    return _events(net, np.r_[edge, edge[parent]], np.r_[off, r_off], np.r_[days, r_days])


@pytest.fixture(scope="module")
def town() -> StreetNetwork:
    return _grid(14)


def test_planted_repeats_found(town: StreetNetwork) -> None:
    hits = 0
    for seed in range(100, 110):  # held-out seeds, public defaults
        first = tg.near_repeat(_planted(seed, net=town), town).iloc[0]
        hits += bool(first["ratio"] > 1.5 and first["p_value"] < 0.05)
    assert hits >= 9


def test_noise_rarely_significant(town: StreetNetwork) -> None:
    false = 0
    for seed in range(200, 210):
        first = tg.near_repeat(_planted(seed, share=0.0, net=town), town).iloc[0]
        false += bool(first["p_value"] < 0.05)
    assert false <= 1


def test_table_shape_order_and_reproducible(town: StreetNetwork) -> None:
    ev = _planted(1, n=200, net=town)
    a = tg.near_repeat(ev, town, n_simulations=39, random_state=5)
    b = tg.near_repeat(ev, town, n_simulations=39, random_state=5)
    pd.testing.assert_frame_equal(a, b)
    assert tuple(a.columns) == tg.hotspots.NEAR_REPEAT_COLUMNS
    assert a.columns[0] == "space_from_m"
    assert list(a["space_from_m"]) == sorted(a["space_from_m"])
    assert a.attrs["n_events"] == 200
    assert a.attrs["n_left_out"] == 0
    assert "gånger fler än slumpen" in a.attrs["interpretation"]
    assert ((a["p_value"] > 0) & (a["p_value"] <= 1)).all()


def test_rows_without_time_are_left_out(town: StreetNetwork) -> None:
    ev = _planted(2, n=50, net=town)
    ev.loc[ev.index[:3], "occurred_at"] = pd.NaT
    tab = tg.near_repeat(ev, town, n_simulations=5)
    assert tab.attrs["n_left_out"] == 3
    assert tab.attrs["n_events"] == 47


def test_bad_parameters(town: StreetNetwork) -> None:
    ev = _planted(3, n=20, net=town)
    with pytest.raises(ParameterError, match="space_bands_m"):
        tg.near_repeat(ev, town, space_bands_m=(100, 50))
    with pytest.raises(ParameterError, match="n_simulations"):
        tg.near_repeat(ev, town, n_simulations=0)
    with pytest.raises(InputError, match="occurred_at"):
        tg.near_repeat(ev.drop(columns="occurred_at"), town)


def test_interpretation_sentence() -> None:
    from trygghet_geo.hotspots._near_repeat import interpret_near_repeat

    table = pd.DataFrame(
        {
            "space_from_m": [0.0, 100.0, 200.0],
            "space_to_m": [100.0, 200.0, 400.0],
            "time_from_days": [0.0, 7.0, 0.0],
            "time_to_days": [7.0, 14.0, 7.0],
            "ratio": [2.34, 1.04, 3.0],
            "p_value": [0.01, 0.02, 0.2],  # the last is not significant: not named
        }
    )
    assert interpret_near_repeat(table, lang="sv") == (
        "Närliggande upprepningar: inom 0–100 m och 0–7 dagar: 2,3 gånger fler än slumpen; "
        "inom 100–200 m och 7–14 dagar: 1,04 gånger fler än slumpen."
    )
    assert interpret_near_repeat(table.iloc[2:], lang="en") == "No near repeats beyond chance."


def test_whole_minute_times_and_pairs_on_a_band_edge(town: StreetNetwork) -> None:
    """Police times are to the minute: pairs exactly 7 or 60 days apart fall in the band that starts (or,
    for the last edge, ends) there, counted with exact integers against a brute force over all pairs."""
    rng = np.random.default_rng(7)
    n = 60
    edge, off = random_positions(town, n, random_state=rng)
    minutes = rng.integers(0, 90 * 24 * 60, n)
    minutes[1], minutes[3], minutes[5] = minutes[0] + 7 * 1440, minutes[2] + 60 * 1440, minutes[4] + 14 * 1440
    edge[1], off[1] = edge[0], off[0]
    edge[3], off[3] = edge[2], off[2]
    ev = _events(town, edge, off, minutes / 1440)
    ev["occurred_at"] = ev["occurred_at"].dt.round("min")
    times = (0.0, 7.0, 14.0, 30.0, 60.0)
    tab = tg.near_repeat(ev, town, space_bands_m=(0.0, 200.0, 2000.0), time_bands_days=times, n_simulations=3)
    d = _brute_distances(town, edge, off)
    iu = np.triu_indices(n, 1)
    dd, dm = d[iu], np.abs(minutes[:, None] - minutes[None, :])[iu]
    lim = [round(x * 1440) for x in times]
    expected = [
        int(
            (
                (dd >= s0)
                & ((dd < s1) | ((s1 == 2000.0) & (dd <= s1)))
                & (dm >= t0)
                & ((dm < t1) | ((t1 == lim[-1]) & (dm <= t1)))
            ).sum()
        )
        for s0, s1 in itertools.pairwise((0.0, 200.0, 2000.0))
        for t0, t1 in itertools.pairwise(lim)
    ]
    assert (dm == 7 * 1440).any()
    assert (dm == 60 * 1440).any()
    assert tab["observed"].tolist() == expected


def test_same_result_for_any_number_of_threads(town: StreetNetwork) -> None:
    ev = _planted(4, n=300, net=town)
    one = tg.near_repeat(ev, town, n_simulations=19, random_state=3, n_jobs=1)
    two = tg.near_repeat(ev, town, n_simulations=19, random_state=3, n_jobs=2)
    pd.testing.assert_frame_equal(one, two)
    with pytest.raises(ParameterError, match="n_jobs"):
        tg.near_repeat(ev, town, n_jobs=0)


def test_memory_grows_with_pairs_not_events_squared(town: StreetNetwork) -> None:
    """The kept pairs are those within the largest space band only (events × neighbours)."""
    from trygghet_geo.hotspots._near_repeat import _band_pairs

    rng = np.random.default_rng(1)
    edge, off = random_positions(town, 2000, random_state=rng)
    pairs = _band_pairs(edge, off, town, np.array([0.0, 50.0, 100.0]))
    kept = sum(len(j) for *_, j in pairs.chunks)
    i, _j, _d = tg.hotspots._near_repeat.street_pairs(edge, off, town, 100.0)
    assert kept == pairs.n_pairs == len(i)
    assert kept < 2000 * 1999 / 2 / 20


def test_time_units_exact() -> None:
    from trygghet_geo.hotspots._near_repeat import _in_units

    edges = np.array([0.0, 7.0, 60.0])
    t, lim = _in_units(np.array([0, 60, 86_400 * 60]) * 10**9, edges)
    assert t.dtype == np.int32
    assert lim.tolist() == [0, 7 * 86_400, 60 * 86_400 + 1]
    t, lim = _in_units(np.array([0, 1, 86_400 * 10**9 * 60]), edges)  # a time not on a whole second
    assert t.dtype == np.int64
    assert lim.tolist() == [0, 7 * 86_400 * 10**9, 60 * 86_400 * 10**9 + 1]
