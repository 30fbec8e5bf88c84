"""Planted-hotspot scenarios for judging ``analyze()`` with its defaults (used by bench_defaults and tests).

Made by another route than the code under test: the networks' own geometry sampled with shapely (not
``snap.random_positions``), hotspot extents found with networkx's Dijkstra on ``StreetNetwork.to_graph()``
(not the package's scipy searches), points pushed a few metres off the street so that ``analyze`` must snap
them, and the result written as a police export (WGS84 Latitud/Longitud, Datum, Tid, Brottstyp) that
``analyze`` reads like a user's file.

A scenario: noise spread uniformly per metre of street at a given density (events per km of street over two
years) plus ``n_hot`` planted hotspots, each ``per_hot`` events spread uniformly over the streets within
``radius_m`` (60 m) along the network of an anchor node; anchors are at least 500 m apart along the
network. ``per_hot`` follows the issue's table: 12 at ~3/km, 20 at ~20/km, 30 at ~40/km, 60 at ~180/km.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    from trygghet_geo.network import StreetNetwork

DENSITIES = (3.0, 20.0, 40.0, 180.0)  # events per km of street
PER_HOT = {3.0: 12, 20.0: 20, 40.0: 30, 180.0: 60}
TYPES = ("Stöld", "Misshandel", "Skadegörelse", "Narkotikabrott", "Ordningsstörning", "Trafikbrott")
START = pd.Timestamp("2024-11-01")


@dataclass
class Scenario:
    incidents: pd.DataFrame  # a police export
    anchors: np.ndarray  # (n_hot, 2) anchor coordinates in the network CRS
    hot_xy: list[np.ndarray]  # each hotspot's planted points, network CRS
    density: float
    seed: int


def grid_town(seed: int = 7, blocks: int = 16, block_m: float = 110.0) -> StreetNetwork:
    """A synthetic grid town in SWEREF 99 TM: ``blocks`` × ``blocks`` blocks of about ``block_m`` with
    jittered crossings, ~8 % of the street pieces missing, and a few diagonal short cuts."""
    from trygghet_geo.network import network_from_lines

    rng = np.random.default_rng(seed)
    k = blocks + 1
    x0, y0 = 674_000.0, 6_580_000.0  # central Sweden
    xy = np.stack(np.meshgrid(np.arange(k), np.arange(k), indexing="ij"), -1).reshape(-1, 2) * block_m
    xy = xy + rng.normal(0, block_m * 0.08, xy.shape) + (x0, y0)
    idx = np.arange(k * k).reshape(k, k)
    pairs = [(idx[i, j], idx[i + 1, j]) for i in range(k - 1) for j in range(k)]
    pairs += [(idx[i, j], idx[i, j + 1]) for i in range(k) for j in range(k - 1)]
    keep = rng.random(len(pairs)) > 0.08
    lines = [shapely.LineString([xy[a], xy[b]]) for (a, b), ok in zip(pairs, keep, strict=True) if ok]
    for _ in range(blocks):
        i, j = rng.integers(0, k - 1, 2)
        lines.append(shapely.LineString([xy[idx[i, j]], xy[idx[i + 1, j + 1]]]))
    names = [f"Gata {n}" for n in range(len(lines))]
    return network_from_lines(gpd.GeoDataFrame({"name": names}, geometry=lines, crs=3006))


def _along(lines: np.ndarray, n: int, rng: np.random.Generator, side_m: float) -> np.ndarray:
    """n points uniform per metre along the given lines, pushed up to ``side_m`` sideways."""
    length = shapely.length(lines)
    pick = rng.choice(len(lines), size=n, p=length / length.sum())
    pts = shapely.line_interpolate_point(lines[pick], rng.random(n), normalized=True)
    return shapely.get_coordinates(pts) + rng.uniform(-side_m, side_m, (n, 2)) / np.sqrt(2)


def _hot_lines(graph: nx.MultiGraph, network: StreetNetwork, anchor: int, radius_m: float) -> np.ndarray:
    """The street within ``radius_m`` along the network of node ``anchor``, as lines (networkx Dijkstra)."""
    dist = nx.single_source_dijkstra_path_length(graph, anchor, cutoff=radius_m, weight="length_m")
    out = []
    for u, v, data in graph.edges(data=True):
        for node in (u, v):
            if node in dist:
                line = data["geometry"]
                length = line.length
                reach = min(radius_m - dist[node], length)
                start_is_node = shapely.Point(line.coords[0]).distance(graph.nodes[node]["point"]) < 1e-6
                a, b = (0.0, reach) if start_is_node else (length - reach, length)
                if b - a > 0.5:
                    out.append(shapely.ops.substring(line, a, b))
    return np.array(out, dtype=object)


def _graph(network: StreetNetwork) -> nx.MultiGraph:
    g = nx.MultiGraph()
    for n, p in enumerate(network.nodes.geometry):
        g.add_node(n, point=p)
    e = network.edges
    for u, v, length, geom in zip(e["u"], e["v"], e["length_m"], e.geometry, strict=True):
        g.add_edge(int(u), int(v), length_m=float(length), geometry=geom)
    return g


def _anchors(graph: nx.MultiGraph, n_hot: int, rng: np.random.Generator, min_apart_m: float) -> list[int]:
    """Nodes of degree ≥ 2 at least ``min_apart_m`` apart along the network (largest component)."""
    comp = max(nx.connected_components(graph), key=len)
    nodes = np.array(sorted(n for n in comp if graph.degree(n) >= 2))
    chosen: list[int] = []
    for cand in rng.permutation(nodes):
        near = nx.single_source_dijkstra_path_length(graph, int(cand), cutoff=min_apart_m, weight="length_m")
        if not any(c in near for c in chosen):
            chosen.append(int(cand))
        if len(chosen) == n_hot:
            break
    return chosen


def scenario(
    network: StreetNetwork,
    density: float,
    seed: int,
    *,
    n_hot: int = 3,
    radius_m: float = 60.0,
    noise_on: np.ndarray | None = None,
) -> Scenario:
    """Noise at ``density`` events per km of street plus ``n_hot`` planted hotspots (see the module); with
    ``noise_on`` (a mask of edges) the noise lies on those streets only, ``density`` per km of them."""
    rng = np.random.default_rng(seed)
    lines = network.edges.geometry.to_numpy()
    if noise_on is not None:
        lines = lines[noise_on]
    km = float(shapely.length(lines).sum()) / 1000.0
    noise = _along(lines, round(density * km), rng, side_m=6.0)
    graph = _graph(network)
    anchors = _anchors(graph, n_hot, rng, 500.0) if n_hot else []
    hot = [_along(_hot_lines(graph, network, a, radius_m), PER_HOT[density], rng, 6.0) for a in anchors]
    xy = np.concatenate([noise, *hot]) if hot else noise
    return export(xy, anchors, hot, graph, network, density, seed, rng)


def export(
    xy: np.ndarray,
    anchors: list[int],
    hot: list[np.ndarray],
    graph: nx.MultiGraph,
    network: StreetNetwork,
    density: float,
    seed: int,
    rng: np.random.Generator,
) -> Scenario:
    """The points as a police export (two years of dates, WGS84), with the planted hotspots beside it."""
    n = len(xy)
    when = START + pd.to_timedelta(rng.integers(0, 730 * 24 * 60, n), unit="min")
    lon, lat = gpd.GeoSeries(shapely.points(xy), crs=network.crs).to_crs(4326).pipe(lambda s: (s.x, s.y))
    table = pd.DataFrame(
        {
            "Ärendenummer": [f"5000-K{seed}-{i}" for i in range(n)],
            "Brottstyp": rng.choice(np.array(TYPES), n),
            "Datum": when.strftime("%Y-%m-%d"),
            "Tid": when.strftime("%H:%M"),
            "Latitud": np.round(lat.to_numpy(), 7),
            "Longitud": np.round(lon.to_numpy(), 7),
        }
    )
    anchor_xy = np.array([[graph.nodes[a]["point"].x, graph.nodes[a]["point"].y] for a in anchors]).reshape(
        -1, 2
    )
    return Scenario(table, anchor_xy, hot, density, seed)


def score(places: gpd.GeoDataFrame, sc: Scenario, *, top: int = 3) -> tuple[int, int, bool]:
    """(planted found in the top ``top`` places, of them significant, any place significant at all).

    A planted hotspot is found by a top place whose polygon holds at least half of its planted points; a
    place matches at most one hotspot.
    """
    head = places[places["kind"] == "hotspot"].head(top) if len(places) else places
    used: set[int] = set()
    found = signif = 0
    for pts in sc.hot_xy:
        geoms = shapely.points(pts)
        for k, (geom, sig) in enumerate(zip(head.geometry, head["significant"], strict=True)):
            if k in used:
                continue
            if shapely.contains(geom, geoms).mean() >= 0.5:
                used.add(k)
                found += 1
                signif += bool(sig)
                break
    any_sig = bool(len(places) and places["significant"].astype(bool).any())
    return found, signif, any_sig
