"""Micro-junctions merged before the network kernel density: what merges and what does not, where the
positions go, and that a place drawn as a mesh of short paths stands out once merged."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from trygghet_geo._nkde_consolidate import DEFAULT_CONSOLIDATE_M, consolidate
from trygghet_geo.density import network_kde
from trygghet_geo.errors import InputError
from trygghet_geo.network import network_from_lines


def _street_with_square(cell: float = 4.0) -> gpd.GeoDataFrame:
    """A street along y = 0 from 0 to 600 m; at x = 300 a 16 m square drawn as a 4 x 4 mesh of ``cell``-metre
    paths whose bottom-left corner is the street's junction."""
    lines = [LineString([(0, 0), (300, 0)]), LineString([(300, 0), (600, 0)])]
    k = round(16 / cell)
    for i in range(k + 1):
        for j in range(k):
            lines.append(LineString([(300 + i * cell, j * cell), (300 + i * cell, (j + 1) * cell)]))
            lines.append(LineString([(300 + j * cell, i * cell), (300 + (j + 1) * cell, i * cell)]))
    lines = [g for g in lines if not (g.coords[0][1] == 0 and g.coords[-1][1] == 0 and g.length == cell)]
    return gpd.GeoDataFrame(geometry=lines, crs=3006)


def _events_on_square(n: int = 60, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    square = rng.uniform(300, 316, n), rng.uniform(0, 16, n)
    street = rng.uniform(0, 600, 30), rng.normal(0, 2, 30)
    xy = np.column_stack([np.concatenate([square[0], street[0]]), np.concatenate([square[1], street[1]])])
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs=3006)


def test_the_mesh_merges_into_one_node_and_the_street_stays():
    net = network_from_lines(_street_with_square())
    merged = consolidate(net, DEFAULT_CONSOLIDATE_M)
    assert merged is not None
    # every node of the square (5 x 5 = 25, one of them the street's junction) becomes one node
    assert merged.merged_nodes == 24
    assert len(merged.network.nodes) == 3
    lengths = sorted(merged.network.edges["length_m"].round(6))
    # the two street halves (the right one noded where the square's paths meet it, at x = 316), each
    # extended from the square's centroid (308, 8) to its old junction
    assert lengths == pytest.approx([284 + 8 * np.sqrt(2), 300 + 8 * np.sqrt(2)])
    assert merged.widest_m == pytest.approx(8 * np.sqrt(2))


def test_nothing_merges_on_a_grid_of_long_blocks_or_along_a_curved_path():
    grid = [LineString([(0, y), (400, y)]) for y in (0, 100, 200)]
    grid += [LineString([(x, 0), (x, 200)]) for x in (0, 100, 200, 300, 400)]
    assert consolidate(network_from_lines(gpd.GeoDataFrame(geometry=grid, crs=3006)), 10.0) is None
    # a path drawn with 2 m edges between nodes of degree 2 (its bends) is a path, not a junction cluster
    t = np.linspace(0, np.pi, 60)
    bends = [
        LineString([(100 * np.cos(a), 100 * np.sin(a)), (100 * np.cos(b), 100 * np.sin(b))])
        for a, b in itertools.pairwise(t)
    ]
    curved = network_from_lines(gpd.GeoDataFrame(geometry=bends, crs=3006))
    merged = consolidate(curved, 10.0)
    # only the two short pieces touching the path's dead ends are merged into them
    assert merged is not None
    assert merged.merged_nodes == 2
    assert merged.network.edges["length_m"].sum() == pytest.approx(curved.edges["length_m"].sum(), rel=0.02)


def test_a_sidewalk_beside_its_street_is_dropped_and_a_street_round_a_block_is_kept():
    lines = [
        LineString([(0, 0), (200, 0)]),  # the street
        LineString([(0, 0), (0, 6), (200, 6), (200, 0)]),  # its sidewalk, 6 m beside it
        LineString([(0, 0), (0, 80), (200, 80), (200, 0)]),  # a street round the block
        LineString([(-100, 0), (0, 0)]),
        LineString([(200, 0), (300, 0)]),
    ]
    net = network_from_lines(gpd.GeoDataFrame(geometry=lines, crs=3006))
    merged = consolidate(net, 10.0)
    assert merged is not None
    assert len(merged.network.edges) == 4
    assert sorted(merged.network.edges["length_m"].round(1)) == [100.0, 100.0, 200.0, 360.0]
    # a position on the sidewalk goes to the street beside it, 6 m away
    side = int(np.flatnonzero(net.edges.geometry.length.round(1).to_numpy() == 212.0)[0])
    edge, off = merged.positions(net, np.array([side]), np.array([106.0]))
    assert merged.network.edges.geometry.iloc[int(edge[0])].length == pytest.approx(200.0)
    assert off[0] == pytest.approx(100.0)


def test_a_place_drawn_as_a_mesh_stands_out_once_merged():
    net = network_from_lines(_street_with_square())
    events = _events_on_square()
    raw = network_kde(events, net, bandwidth_m=50, lixel_m=5, consolidate_m=0)
    lix = network_kde(events, net, bandwidth_m=50, lixel_m=5)  # merged by default (10 m, lines kept apart)
    assert raw.attrs["consolidate_m"] == 0.0
    assert "consolidated" not in raw.attrs
    assert lix.attrs["consolidate_m"] == 10.0
    assert lix.attrs["consolidated"]["merged_nodes"] == 22  # the square's 22 junctions (its corners dropped)
    # the lixels are the merged network's: fewer, each on an original street edge (extended to the merged
    # junction), drawable as before
    assert len(lix) < len(raw)
    assert set(lix["edge_id"]) <= set(range(len(net.edges)))
    assert lix.geometry.is_valid.all()
    assert (lix.geometry.length > 0).all()
    # on the bare street, far from the square, the density is the same function of the position
    x_raw, x_lix = raw.geometry.centroid.x.to_numpy(), lix.geometry.centroid.x.to_numpy()
    far, order = x_lix < 200, np.argsort(x_raw)
    at = np.interp(x_lix[far], x_raw[order], raw["density"].to_numpy()[order])
    np.testing.assert_allclose(lix["density"].to_numpy()[far], at, rtol=0.05, atol=1e-6)
    # at the square the peak rises: its events are no longer spread over 40 paths and split at 24 junctions
    assert lix["density"].max() > 2 * raw["density"].max()


def test_consolidate_m_is_checked():
    net = network_from_lines(_street_with_square())
    events = _events_on_square()
    default = network_kde(events, net, bandwidth_m=50)
    assert default.attrs["consolidate_m"] == DEFAULT_CONSOLIDATE_M  # on by default, lines kept apart
    assert default.attrs["keep_parallel"] is True
    assert default.attrs["consolidated"]["merged_nodes"] == 22
    chosen = network_kde(events, net, bandwidth_m=50, consolidate_m=None, keep_parallel=False)
    assert chosen.attrs["consolidate_m"] == DEFAULT_CONSOLIDATE_M
    assert chosen.attrs["keep_parallel"] is False
    assert chosen.attrs["consolidated"]["merged_nodes"] == 24
    off = network_kde(events, net, bandwidth_m=50, consolidate_m=0)
    assert off.attrs["consolidate_m"] == 0.0
    assert off.attrs["keep_parallel"] is None
    assert "consolidated" not in off.attrs
    for bad in (-1.0, float("nan"), "10", True):
        with pytest.raises(InputError, match="consolidate_m"):
            network_kde(events, net, bandwidth_m=50, consolidate_m=bad)  # type: ignore[arg-type]


def _street_and_sidewalk() -> gpd.GeoDataFrame:
    """A street along y = 0 from -100 to 300 m with a sidewalk 6 m beside it, joined to the street by 6 m
    crossings at x = 0 and x = 200."""
    lines = [LineString([(a, y), (b, y)]) for y in (0, 6) for a, b in ((-100, 0), (0, 200), (200, 300))]
    lines += [LineString([(x, 0), (x, 6)]) for x in (0, 200)]
    return gpd.GeoDataFrame(geometry=lines, crs=3006)


def test_keep_parallel_keeps_a_sidewalk_as_its_own_line():
    net = network_from_lines(_street_and_sidewalk())
    mid = net.edges.geometry.centroid
    side = int(np.flatnonzero(np.isclose(mid.x, 100.0) & np.isclose(mid.y, 6.0))[0])
    street = int(np.flatnonzero(np.isclose(mid.x, 100.0) & np.isclose(mid.y, 0.0))[0])
    plain = consolidate(net, 10.0)
    guarded = consolidate(net, 10.0, keep_parallel=True)
    assert plain is not None
    assert guarded is not None
    # merged at both crossings, the sidewalk and the street join the same two nodes: the sidewalk is dropped
    assert plain.new_edge[side] == -1
    # guarded: the first crossing merges, the second would make the two 200 m lines share both their ends
    assert guarded.merged_nodes == 1
    new = guarded.network.edges
    s, t = guarded.new_edge[side], guarded.new_edge[street]
    assert s >= 0
    assert t >= 0
    assert {new["u"].iloc[s], new["v"].iloc[s]} != {new["u"].iloc[t], new["v"].iloc[t]}
    assert len(new) == len(net.edges) - 1  # only the merged crossing is gone
    # a position on the sidewalk stays on it (shifted by the 3 m its merged end moved)
    edge, off = guarded.positions(net, np.array([side]), np.array([100.0]))
    assert edge[0] == s
    assert off[0] == pytest.approx(103.0)


def test_keep_parallel_still_merges_a_mesh():
    net = network_from_lines(_street_with_square())
    guarded = consolidate(net, DEFAULT_CONSOLIDATE_M, keep_parallel=True)
    assert guarded is not None
    # the whole square becomes one node, as without the guard: its 22 junctions merge, and the paths round
    # its two outer corners (nodes of degree 2, never merged themselves) are 8 m connectors, dropped
    assert guarded.merged_nodes == 22
    assert len(guarded.network.nodes) == 3
    assert len(guarded.network.edges) == 2


def test_keep_parallel_on_the_sample_keeps_every_line_apart():
    from trygghet_geo import _nkde, sample
    from trygghet_geo._nkde_consolidate import _chain_clusters

    net = sample.load_network()
    tol = DEFAULT_CONSOLIDATE_M
    merged = consolidate(net, tol, keep_parallel=True)
    assert merged is not None
    assert merged.merged_nodes > 1000
    chains = _nkde.contract(_nkde.Lines.of(net))
    cl = chains.lines
    line = (cl.length > tol) & (cl.u != cl.v)
    # no edge of a line (a chain through nodes of degree 2 longer than the tolerance) is dropped
    assert (merged.new_edge[line[chains.chain]] >= 0).all()
    cluster, _ = _chain_clusters(net, tol)

    def pairs(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
        """(lines that are loops, lines joining the same two nodes as another)."""
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        frame = pd.DataFrame({"a": lo, "b": hi})[lo != hi]
        return int((lo == hi).sum()), int(frame.duplicated().sum())

    before = pairs(cl.u[line], cl.v[line])
    after = pairs(cluster[cl.u[line]], cluster[cl.v[line]])
    assert after == before  # the sample's lines drawn twice stay as they were; no merge adds one
