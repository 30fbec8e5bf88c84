"""Partitions of the nationwide run (:mod:`trygghet_geo.batch`): which municipality an incident belongs to,
which neighbours' incidents form a municipality's halo, the street network a partition runs on, and which
partition owns a hotspot that several partitions see.

The rules, in the order they are applied:

1. **Assignment.** With a boundary layer, an incident belongs to the polygon it lies in (on a shared border:
   the smallest kommunkod among the polygons it touches); with a code column, to its code. Rows in no
   municipality are counted, never analysed twice.
2. **Reach.** The halo reaches ``2 * eps`` along the streets from the municipality's own streets. Before
   any street distance is measured, a Euclidean pre-filter keeps the neighbours' incidents within
   ``2 * eps + max_snap_m`` of the municipality's polygon (a street path is never shorter than the straight
   line, and an incident lies at most ``max_snap_m`` from its street); with eps ``"auto"`` the pre-filter
   uses the largest eps the rule can choose.
3. **Network.** The partition's network is the municipality's own streets joined with the neighbours' streets
   that come within that reach (identical edges are kept once); a street cut at the border in two
   municipalities' networks is joined again at its border node.
4. **Halo.** Of the pre-filtered incidents, those whose snapped position lies within ``2 * eps`` along the
   joined streets of one of the municipality's own streets (:func:`network.distance.distances_from_edges`).
5. **Owner.** Every partition that sees a hotspot reports it; the hotspot *belongs* to the municipality
   holding most of its member incidents (a tie: the smallest kommunkod). The national tables keep a hotspot
   only from its owner's partition, so a hotspot on a border street comes out once.

Why ``2 * eps``: DBSCAN decides whether a point is a core point from its neighbours within eps, and a
point within eps of the municipality's streets has all its neighbours within ``2 * eps``. So the core points
within eps of the municipality are exactly those of the joined network, and a hotspot whose core points all
lie within eps of its owner's streets has the same members as on the joined network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema

if TYPE_CHECKING:
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import StreetNetwork

__all__ = [
    "HALO",
    "KOMMUNKOD",
    "Partition",
    "assign",
    "halo_reach_m",
    "owners",
    "partition_network",
    "select_halo",
]

KOMMUNKOD = "kommunkod"
HALO = "halo"  # True for a neighbour's incident in a partition's halo


@dataclass(frozen=True)
class Partition:
    """One municipality's input to :func:`trygghet_geo.analyze`.

    Attributes
    ----------
    kommunkod : str
    incidents : GeoDataFrame
        The municipality's own incidents and its halo (``halo`` True), in the national table's order, with
        the ``kommunkod`` each belongs to.
    network : StreetNetwork
        Its streets joined with the neighbours' streets within reach.
    eps_m : float
        The eps the partition is analysed with (chosen from its own incidents when ``"auto"`` was asked).
    own_edges : ndarray
        Edge ids of the municipality's own streets in ``network``.
    """

    kommunkod: str
    incidents: gpd.GeoDataFrame
    network: StreetNetwork
    eps_m: float
    own_edges: np.ndarray


def halo_reach_m(eps_m: float | str, max_snap_m: float) -> float:
    """Euclidean pre-filter distance around a municipality: ``2 * eps + max_snap_m`` (eps ``"auto"``: the
    largest eps the automatic rule can choose)."""
    from trygghet_geo.hotspots._parameters import EPS_STEPS_M

    eps = max(EPS_STEPS_M) if isinstance(eps_m, str) else float(eps_m)
    return 2.0 * eps + float(max_snap_m)


def assign(incidents: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame | str) -> pd.Series:
    """The kommunkod of every incident (``<NA>`` when it lies in none), by polygon or by code column."""
    from trygghet_geo.errors import InputError

    if isinstance(municipalities, str):
        if municipalities not in incidents.columns:
            raise InputError(
                f"municipalities: {municipalities!r} is not a column of the incidents; columns are "
                f"{list(incidents.columns)}"
            )
        codes = incidents[municipalities]
        return codes.where(codes.notna(), None).astype("string").str.strip().replace("", pd.NA)
    geom = (
        incidents.geometry.to_crs(municipalities.crs)
        if incidents.crs != municipalities.crs
        else incidents.geometry
    )
    valid = np.flatnonzero((geom.notna() & ~geom.is_empty).to_numpy())
    pt_idx, poly_idx = municipalities.sindex.query(geom.to_numpy()[valid], predicate="intersects")
    code_of = municipalities[KOMMUNKOD].astype(str).to_numpy()
    found = pd.DataFrame({"row": valid[pt_idx], "code": code_of[poly_idx]})
    first = found.sort_values(["row", "code"]).drop_duplicates("row")  # on a border: the smallest code
    out = pd.Series(pd.NA, index=incidents.index, dtype="string")
    out.iloc[first["row"].to_numpy()] = first["code"].to_numpy()
    return out


def areas(
    incidents: gpd.GeoDataFrame, codes: pd.Series, municipalities: gpd.GeoDataFrame | str
) -> dict[str, shapely.Geometry]:
    """Each municipality's area: its polygon, or (code column) the convex hull of its incidents."""
    if not isinstance(municipalities, str):
        crs = municipalities.crs
        return dict(
            zip(municipalities[KOMMUNKOD].astype(str), municipalities.geometry.to_crs(crs), strict=True)
        )
    import shapely

    out: dict[str, shapely.Geometry] = {}
    geom = incidents.geometry
    for code, rows in codes.dropna().groupby(codes.dropna()).groups.items():
        pts = geom.loc[rows]
        pts = pts[pts.notna() & ~pts.is_empty]
        if len(pts):
            out[str(code)] = shapely.convex_hull(shapely.multipoints(pts.to_numpy()))
    return out


def _edge_keys(network: StreetNetwork) -> np.ndarray:
    return _edge_keys_of_lines(network.edges)


def partition_network(
    own: StreetNetwork, neighbours: Mapping[str, gpd.GeoDataFrame], zone: shapely.Geometry | None
) -> tuple[StreetNetwork, np.ndarray]:
    """The municipality's streets joined with the neighbours' streets (their edge tables) inside ``zone``
    (rule 3), and the edge ids of the municipality's own streets in it. Without any neighbouring street, the
    own network itself."""
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import network_from_lines

    parts = []
    for code in sorted(neighbours):
        edges = neighbours[code]
        edges = edges if edges.crs == own.crs else edges.to_crs(own.crs)
        if zone is not None:
            edges = edges[shapely.intersects(edges.geometry.to_numpy(), zone)]
        if len(edges):
            parts.append(edges)
    if not parts:
        return own, np.arange(len(own.edges))
    frames = [own.edges, *parts]
    lines = gpd.GeoDataFrame(
        {"name": np.concatenate([f["name"].fillna("").astype(str).to_numpy() for f in frames])},
        geometry=np.concatenate([f.geometry.to_numpy() for f in frames]),
        crs=own.crs,
    )
    joined_keys = _edge_keys_of_lines(lines)
    lines = lines[~pd.Series(joined_keys).duplicated().to_numpy()].reset_index(drop=True)
    joined = network_from_lines(lines, name_column="name", split="ends")
    own_edges = np.flatnonzero(np.isin(_edge_keys(joined), _edge_keys(own)))
    return joined, own_edges


def trim_to_reach(
    network: StreetNetwork, own_edges: np.ndarray, reach_m: float
) -> tuple[StreetNetwork, np.ndarray]:
    """The partition's network cut to the municipality's own streets and the streets with an end within
    ``reach_m`` of them along the streets (rule 4's halo band), and the own edges' ids in it.

    The planar zone that :func:`partition_network` keeps can hold far more of a dense neighbour's streets than
    the halo's incidents cover. Left in, those empty streets would count in the partition's intensity (the
    automatic ``min_samples``: 455 km of street for a town of 83 km in the synthetic nation, min_samples 24
    instead of 172, one cluster holding 89 % of the events) and the Monte Carlo would spread simulated events
    over them. Every halo incident lies on a kept street: its path from the own streets enters its edge
    through an end, which is then within ``reach_m``."""
    from trygghet_geo.network import network_from_lines
    from trygghet_geo.network.distance import nearest_source_distances

    e = network.edges
    u, v = e["u"].to_numpy(), e["v"].to_numpy()
    if len(own_edges) == 0:
        return network, own_edges
    dn = nearest_source_distances(network, np.r_[u[own_edges], v[own_edges]], reach_m)
    keep = (dn[u] <= reach_m) | (dn[v] <= reach_m)
    keep[own_edges] = True
    if keep.all():
        return network, own_edges
    lines = e.loc[keep, ["name", "geometry"]].reset_index(drop=True)
    lines["name"] = lines["name"].fillna("").astype(str)
    trimmed = network_from_lines(lines, name_column="name", split="ends")
    own_keys = _edge_keys(network)[own_edges]
    return trimmed, np.flatnonzero(np.isin(_edge_keys(trimmed), own_keys))


def _edge_keys_of_lines(lines: gpd.GeoDataFrame) -> np.ndarray:
    import shapely

    geoms = lines.geometry.to_numpy()
    mid = shapely.get_coordinates(shapely.line_interpolate_point(geoms, 0.5, normalized=True))
    key = np.round(np.column_stack([mid, shapely.length(geoms)]) * 100).astype(np.int64)
    return np.array([f"{a}:{b}:{c}" for a, b, c in key], dtype=object)


def select_halo(
    candidates: gpd.GeoDataFrame,
    network: StreetNetwork,
    own_edges: np.ndarray,
    *,
    eps_m: float,
    max_snap_m: float,
) -> np.ndarray:
    """Boolean mask of the candidates within ``2 * eps_m`` along the streets of the own edges (rule 4)."""
    from trygghet_geo.network.distance import distances_from_edges
    from trygghet_geo.network.snap import snap_points

    usable = (
        (candidates[schema.STATUS] == "ok")
        & (candidates[schema.REASON].fillna("") != "geocode_uncertain")
        & candidates[schema.PRECISION].isin(list(schema.STREET_PRECISION))
        & candidates.geometry.notna()
        & ~candidates.geometry.is_empty
    ).to_numpy()
    out = np.zeros(len(candidates), dtype=bool)
    if not usable.any() or len(own_edges) == 0:
        return out
    pts = candidates[usable]
    pts = pts if pts.crs == network.crs else pts.to_crs(network.crs)
    snapped = snap_points(pts, network, max_snap_m=max_snap_m)
    eid = snapped["edge_id"].to_numpy(np.int64)
    off = snapped["edge_offset_m"].to_numpy(float)
    d = distances_from_edges(network, own_edges, eid, np.nan_to_num(off), 2.0 * eps_m)
    out[usable] = (eid >= 0) & (d <= 2.0 * eps_m)
    return out


def owners(hotspots: pd.DataFrame, incidents: pd.DataFrame) -> pd.DataFrame:
    """For each hotspot: the owning kommunkod (most member incidents; a tie: the smallest code; ``""`` when no
    member lies in any municipality: such a hotspot, made of halo incidents counted as unassigned, belongs to
    no partition), the number of its members from the halo and its key (the smallest index label among its
    members, the same in every partition that finds the same hotspot)."""
    owner: list[Any] = []
    halo: list[int] = []
    key: list[str] = []
    code = incidents[KOMMUNKOD]
    in_halo = incidents[HALO]
    for members in hotspots["member_index"]:
        labels = list(members)
        counts = code.loc[labels].astype(str).value_counts()
        top = counts[counts == counts.max()].index
        owner.append(str(min(top)) if len(top) else "")
        halo.append(int(in_halo.loc[labels].sum()))
        key.append(str(min(labels)))
    return pd.DataFrame(
        {"owner_kommunkod": owner, "n_halo_events": halo, "hotspot_key": key}, index=hotspots.index
    )
