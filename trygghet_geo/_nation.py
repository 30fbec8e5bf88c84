"""A synthetic nation for the nationwide run's tests and benchmarks: :func:`synthetic_nation`.

Municipalities are squares of a regular grid laid out in SWEREF 99 TM (EPSG:3006), each with a code shaped
like SCB's kommunkod (two digits of the county, two of the municipality) and a name that says it is
synthetic. Their sizes follow the skewed shape of Sweden's: three large cities hold about a sixth of the
incidents, the rest a log-normal spread. Each municipality has its own street network:

- the three largest (and every 40th after them) a copy of the bundled sample's real streets (central Helsinki,
  © OpenStreetMap contributors, ODbL), shifted into its square;
- the next seven a large grid; the rest small grids sized by their incidents;
- some pairs of side-by-side municipalities share one street grid cut at their common border, so a street runs
  from one into the other and a hotspot can sit on the border.

Incidents fall uniformly per metre along the streets, plus planted concentrations (about 15 % of a
municipality's incidents) around street corners; on every shared grid one concentration is planted on a
border street, its incidents on both sides. Everything is generated from ``seed``; nothing describes real
events (``attrs["synthetic"]`` is True on every table, the municipalities' names say so).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from trygghet_geo import schema

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.network import StreetNetwork

__all__ = ["CELL_M", "NATION_CRS", "SOURCE_NOTE_NATION", "synthetic_nation"]

NATION_CRS = "EPSG:3006"
CELL_M = 10_000.0  # side of one municipality's square, metres
_ORIGIN = (400_000.0, 6_400_000.0)  # south-west corner of the grid of municipalities (SWEREF 99 TM)
_COUNTIES = (1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25)  # SCB län codes
_BIG_SHARES = (0.08, 0.05, 0.035)  # the three largest cities' shares of all incidents
_LARGE_GRIDS = 7
_PLANTED_SHARE = 0.15
_HOTSPOT_RADIUS_M = 40.0
_JITTER_M = 3.0
_PERIOD = (
    pd.Timestamp("2025-01-01", tz="Europe/Stockholm"),
    pd.Timestamp("2026-12-01", tz="Europe/Stockholm"),
)
_RAW = {
    "narkotika": "Narkotikabrott",
    "stöld": "Stöld",
    "trafik": "Trafikbrott",
    "skadegörelse": "Skadegörelse",
    "våld": "Misshandel",
    "ordningsstörning": "Ordningsstörning",
    "övrigt": "Övrigt",
}
SOURCE_NOTE_NATION = (
    "påhittade händelser i påhittade kommuner (syntetiska rutnät och förskjutna kopior av centrala "
    "Helsingfors verkliga gatunät, © OpenStreetMap contributors, ODbL)"
)


def synthetic_nation(
    n_municipalities: int = 290,
    n_incidents: int = 1_000_000,
    seed: int = 0,
    *,
    sample_network: Callable[[], StreetNetwork] | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict[str, StreetNetwork]]:
    """A synthetic country: municipalities, their street networks and incidents with planted hotspots.

    Parameters
    ----------
    n_municipalities : int
        How many municipalities (at least 2).
    n_incidents : int
        How many incidents in all (at least 10 per municipality).
    seed : int
        Everything is generated from this seed.
    sample_network : callable, optional
        Returns the real streets copied into the largest municipalities
        (:func:`trygghet_geo.sample.load_network` when called through :mod:`trygghet_geo.sample`); without it
        they get large grids instead (a nation of grids only, quicker to analyse).

    Returns
    -------
    incidents : GeoDataFrame
        The canonical incident table (:data:`trygghet_geo.schema.INCIDENT_COLUMNS`, as
        :func:`trygghet_geo.read_incidents` returns it, so :func:`trygghet_geo.analyze` takes it as read) in
        EPSG:3006, plus ``kommunkod`` (the municipality the point lies in) and ``planted`` (the planted
        concentration's id, ``""`` for background); ``attrs["synthetic"]`` is True.
    municipalities : GeoDataFrame
        ``kommunkod``, ``kommunnamn``, ``kind`` (``"sample_copy"``, ``"large_grid"``, ``"grid"``,
        ``"shared_grid"``), ``n_incidents``, ``synthetic`` and the square's polygon, EPSG:3006.
    networks : dict
        kommunkod -> :class:`~trygghet_geo.network.StreetNetwork` (EPSG:3006), the streets inside the
        municipality; on a shared grid both networks end at the same border nodes.

    Examples
    --------
    >>> incidents, municipalities, networks = synthetic_nation(6, 3000, seed=1)
    >>> len(incidents), len(municipalities), sorted(networks) == sorted(municipalities["kommunkod"])
    (3000, 6, True)
    >>> bool(incidents.attrs["synthetic"]), municipalities["kommunkod"].str.len().unique().tolist()
    (True, [4])
    """
    from trygghet_geo import _validate as v
    from trygghet_geo.errors import ParameterError

    v.count("n_municipalities", n_municipalities, minimum=2)
    v.count("n_incidents", n_incidents, minimum=1)
    if n_incidents < 10 * n_municipalities:
        raise ParameterError(
            f"n_incidents must be at least 10 per municipality ({10 * n_municipalities}), got {n_incidents!r}"
        )
    rng = np.random.default_rng(seed)
    ncol = math.ceil(math.sqrt(n_municipalities))
    counts = _sizes(n_municipalities, n_incidents, rng)
    kinds = _kinds(n_municipalities, ncol, rng)
    if sample_network is None:
        kinds = ["large_grid" if k == "sample_copy" else k for k in kinds]
    codes = _codes(n_municipalities)
    municipalities = _squares(codes, kinds, counts, ncol)
    networks, borders = _networks(municipalities, ncol, rng, sample_network)
    incidents = _incidents(municipalities, networks, borders, counts, ncol, rng)
    return incidents, municipalities, networks


# --- layout -------------------------------------------------------------------------------------------------
def _sizes(n: int, total: int, rng: np.random.Generator) -> np.ndarray:
    """Incidents per municipality, largest first: three big cities, then a log-normal spread."""
    big = np.array(_BIG_SHARES[: max(0, min(3, n - 1))])
    rest = np.sort(rng.lognormal(0.0, 0.9, size=n - len(big)))[::-1]
    shares = np.sort(np.concatenate([big, rest / rest.sum() * (1.0 - big.sum())]))[::-1]
    floor = 10
    counts = floor + rng.multinomial(total - floor * n, shares / shares.sum())
    return counts.astype(np.int64)


def _kinds(n: int, ncol: int, rng: np.random.Generator) -> list[str]:
    """How each municipality's streets are made, largest first; pairs of side-by-side small ones share a grid.

    Three copies of the sample's streets and seven large grids in 290 municipalities (in proportion, at
    least one copy), a copy again every 40th municipality; the first pair of side-by-side small grids and
    about one pair in eight after it share one grid.
    """
    copies = max(1, round(3 * n / 290))
    large = round(_LARGE_GRIDS * n / 290)
    kinds = ["grid"] * n
    for i in range(n):
        if i < copies or (i >= copies + large and i % 40 == 0):
            kinds[i] = "sample_copy"
        elif i < copies + large:
            kinds[i] = "large_grid"
    first = True
    for i in range(n - 1):
        if (i % ncol) == ncol - 1 or kinds[i] != "grid" or kinds[i + 1] != "grid":
            continue
        if first or rng.random() < 0.12:
            kinds[i] = kinds[i + 1] = "shared_grid"
            first = False
    return kinds


def _codes(n: int) -> list[str]:
    """SCB-shaped kommunkod: county (län) code then a two-digit number, 4 characters, unique."""
    per = math.ceil(n / len(_COUNTIES))
    if per > 85:
        raise ValueError("too many municipalities for two-digit municipality numbers")
    return [f"{_COUNTIES[i // per]:02d}{14 + i % per:02d}" for i in range(n)]


def _cell(i: int, ncol: int) -> tuple[float, float]:
    """South-west corner of municipality i's square."""
    return _ORIGIN[0] + (i % ncol) * CELL_M, _ORIGIN[1] + (i // ncol) * CELL_M


def _squares(codes: list[str], kinds: list[str], counts: np.ndarray, ncol: int) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    corners = np.array([_cell(i, ncol) for i in range(len(codes))])
    polys = shapely.box(corners[:, 0], corners[:, 1], corners[:, 0] + CELL_M, corners[:, 1] + CELL_M)
    gdf = gpd.GeoDataFrame(
        {
            "kommunkod": codes,
            "kommunnamn": [f"Syntetisk kommun {c}" for c in codes],
            "kind": kinds,
            "n_incidents": counts,
            "synthetic": True,
        },
        geometry=polys,
        crs=NATION_CRS,
    )
    gdf.attrs["synthetic"] = True
    return gdf


# --- streets ------------------------------------------------------------------------------------------------
def _grid_segments(xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Segments (m, 4) of a grid through the given node columns and rows, and their street names."""
    gx, gy = np.meshgrid(xs, ys)
    horiz = np.stack([gx[:, :-1], gy[:, :-1], gx[:, 1:], gy[:, 1:]], axis=-1).reshape(-1, 4)
    vert = np.stack([gx[:-1, :], gy[:-1, :], gx[1:, :], gy[1:, :]], axis=-1).reshape(-1, 4)
    h_names = np.repeat([f"Syntetgatan {j + 1}" for j in range(len(ys))], len(xs) - 1)
    v_names = np.tile([f"Syntetvägen {i + 1}" for i in range(len(xs))], len(ys) - 1)
    return np.concatenate([horiz, vert]), np.concatenate([h_names, v_names])


def _network_from_segments(seg: np.ndarray, names: np.ndarray) -> StreetNetwork:
    """A StreetNetwork from straight segments whose ends meet exactly (nodes are the distinct end points)."""
    import geopandas as gpd
    import shapely

    from trygghet_geo.network import StreetNetwork

    ends = np.round(np.concatenate([seg[:, :2], seg[:, 2:]]), 3)
    xy, key = np.unique(ends, axis=0, return_inverse=True)
    key = key.ravel()
    m = len(seg)
    lines = shapely.linestrings(seg.reshape(-1, 2, 2))
    nodes = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=NATION_CRS)
    edges = gpd.GeoDataFrame(
        {"u": key[:m], "v": key[m:], "length_m": shapely.length(lines), "name": names.astype(object)},
        geometry=lines,
        crs=NATION_CRS,
    )
    return StreetNetwork(nodes=nodes, edges=edges)


def _town_grid(cx: float, cy: float, n_events: int, large: bool, rng: np.random.Generator) -> np.ndarray:
    """Node columns and rows of a town's grid centred at (cx, cy), sized by its incidents."""
    spacing = float(rng.uniform(80.0, 140.0))
    k = int(np.clip(round(math.sqrt(n_events) / 1.5), 50 if large else 8, 120 if large else 60))
    half = (k - 1) * spacing / 2
    return np.stack([np.linspace(cx - half, cx + half, k), np.linspace(cy - half, cy + half, k)])


def _sample_copy(base: StreetNetwork, cx: float, cy: float) -> StreetNetwork:
    """The real streets ``base`` shifted so their centre is (cx, cy), relabelled EPSG:3006."""
    import shapely

    from trygghet_geo.network import StreetNetwork

    x0, y0, x1, y1 = base.edges.total_bounds
    shift = np.array([cx - (x0 + x1) / 2, cy - (y0 + y1) / 2])
    nodes = base.nodes[[base.nodes.geometry.name]].copy()
    edges = base.edges[["u", "v", "length_m", "name", base.edges.geometry.name]].copy()
    for frame in (nodes, edges):
        moved = shapely.transform(frame.geometry.to_numpy(), lambda c: c + shift)
        frame.set_geometry(moved, inplace=True, crs=NATION_CRS)
    return StreetNetwork(nodes=nodes.reset_index(drop=True), edges=edges.reset_index(drop=True))


def _networks(
    municipalities: gpd.GeoDataFrame,
    ncol: int,
    rng: np.random.Generator,
    sample_network: Callable[[], StreetNetwork] | None,
) -> tuple[dict[str, StreetNetwork], dict[int, tuple[float, float]]]:
    """Each municipality's network; and for the left cell of every shared grid, its border (x, first y)."""
    codes = municipalities["kommunkod"].tolist()
    kinds = municipalities["kind"].tolist()
    counts = municipalities["n_incidents"].to_numpy()
    nets: dict[str, StreetNetwork] = {}
    borders: dict[int, tuple[float, float]] = {}
    i = 0
    while i < len(codes):
        x, y = _cell(i, ncol)
        cx, cy = x + CELL_M / 2, y + CELL_M / 2
        if kinds[i] == "sample_copy" and sample_network is not None:
            nets[codes[i]] = _sample_copy(sample_network(), cx, cy)
        elif kinds[i] == "shared_grid":
            left, right, border = _shared_grid(x + CELL_M, cy, int(counts[i] + counts[i + 1]), rng)
            nets[codes[i]], nets[codes[i + 1]] = left, right
            borders[i] = border
            i += 2
            continue
        else:
            xs, ys = _town_grid(cx, cy, int(counts[i]), kinds[i] == "large_grid", rng)
            nets[codes[i]] = _network_from_segments(*_grid_segments(xs, ys))
        i += 1
    return nets, borders


def _shared_grid(
    border_x: float, cy: float, n_events: int, rng: np.random.Generator
) -> tuple[StreetNetwork, StreetNetwork, tuple[float, float]]:
    """One grid across the vertical border x = border_x, cut there into the left and the right network."""
    spacing = float(rng.uniform(80.0, 120.0))
    k = int(np.clip(round(math.sqrt(n_events) / 1.5), 8, 60))
    k += k % 2  # an even number of columns: half on each side, the border half-way between two columns
    xs = border_x + (np.arange(k) - k // 2 + 0.5) * spacing
    ys = cy + (np.arange(k) - (k - 1) / 2) * spacing
    seg, names = _grid_segments(xs, ys)
    crossing = (seg[:, 0] < border_x) & (seg[:, 2] > border_x)
    west = seg[crossing].copy()
    east = seg[crossing].copy()
    west[:, 2] = border_x
    east[:, 0] = border_x
    seg = np.concatenate([seg[~crossing], west, east])
    names = np.concatenate([names[~crossing], names[crossing], names[crossing]])
    is_left = np.maximum(seg[:, 0], seg[:, 2]) <= border_x
    left = _network_from_segments(seg[is_left], names[is_left])
    right = _network_from_segments(seg[~is_left], names[~is_left])
    return left, right, (border_x, float(ys[k // 2]))


# --- incidents ----------------------------------------------------------------------------------------------
def _uniform_on(net: StreetNetwork, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n positions (edge, offset) uniform per metre of street."""
    length = net.edges["length_m"].to_numpy(float)
    eid = rng.choice(len(length), size=n, p=length / length.sum())
    return eid, rng.random(n) * length[eid]


def _around(net: StreetNetwork, node: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n positions on the edges at ``node``, within the planted radius of it along the street."""
    u = net.edges["u"].to_numpy()
    v = net.edges["v"].to_numpy()
    length = net.edges["length_m"].to_numpy(float)
    at = np.flatnonzero((u == node) | (v == node))
    eid = at[rng.integers(0, len(at), size=n)]
    t = rng.random(n) * np.minimum(_HOTSPOT_RADIUS_M, length[eid])
    return eid, np.where(u[eid] == node, t, length[eid] - t)


def _xy(net: StreetNetwork, eid: np.ndarray, offset: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    import shapely

    pts = shapely.line_interpolate_point(net.edges.geometry.to_numpy()[eid], offset)
    xy: np.ndarray = shapely.get_coordinates(pts) + rng.normal(0.0, _JITTER_M / 2, size=(len(eid), 2))
    return xy


def _node_at(net: StreetNetwork, x: float, y: float) -> int:
    xy = net.node_xy
    return int(np.argmin(np.hypot(xy[:, 0] - x, xy[:, 1] - y)))


def _incidents(
    municipalities: gpd.GeoDataFrame,
    networks: dict[str, StreetNetwork],
    borders: dict[int, tuple[float, float]],
    counts: np.ndarray,
    ncol: int,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    codes = municipalities["kommunkod"].tolist()
    budget = counts.copy()
    parts: list[tuple[np.ndarray, str]] = []  # (xy, planted id)
    for i, (bx, by) in borders.items():  # a concentration on a border street, on both sides of the border
        n_b = int(min(budget[i], budget[i + 1], max(12, round(0.03 * (counts[i] + counts[i + 1])))))
        left = networks[codes[i]]
        xy = _xy(left, *_around(left, _node_at(left, bx, by), 2 * n_b, rng), rng)
        xy[n_b:, 0] = 2 * bx - xy[n_b:, 0]  # the mirror image: the same street on the right-hand side
        parts.append((xy, f"{codes[i]}-{codes[i + 1]}-border"))
        budget[i] -= n_b
        budget[i + 1] -= n_b
    for i, code in enumerate(codes):
        net = networks[code]
        planted = round(_PLANTED_SHARE * int(counts[i]))
        planted = min(planted, int(budget[i]))
        k = int(np.clip(counts[i] // 1500, 1, 25))
        sizes = np.full(k, planted // k)
        sizes[: planted % k] += 1
        centres = rng.choice(len(net.nodes), size=k, replace=False)
        for h, (node, n_h) in enumerate(zip(centres, sizes, strict=True)):
            parts.append((_xy(net, *_around(net, int(node), int(n_h), rng), rng), f"{code}-{h}"))
        background = int(budget[i]) - planted
        parts.append((_xy(net, *_uniform_on(net, background, rng), rng), ""))
    xy = np.concatenate([p[0] for p in parts])
    planted_id = np.concatenate([np.full(len(p[0]), p[1], dtype=object) for p in parts])
    order = rng.permutation(len(xy))
    return _table(xy[order], planted_id[order], codes, ncol, rng)


def _table(
    xy: np.ndarray, planted: np.ndarray, codes: list[str], ncol: int, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """The canonical incident table for the points."""
    import geopandas as gpd
    from pyproj import Transformer

    n = len(xy)
    col = np.floor((xy[:, 0] - _ORIGIN[0]) / CELL_M).astype(np.int64)
    row = np.floor((xy[:, 1] - _ORIGIN[1]) / CELL_M).astype(np.int64)
    kommun = np.asarray(codes, dtype=object)[row * ncol + col]
    cats = np.array(list(_RAW))
    background_p = np.array([0.08, 0.34, 0.14, 0.16, 0.1, 0.08, 0.1])
    hot_p = np.array([0.3, 0.2, 0.02, 0.12, 0.2, 0.14, 0.02])
    is_hot = planted != ""
    category = np.where(is_hot, rng.choice(cats, size=n, p=hot_p), rng.choice(cats, size=n, p=background_p))
    span = (_PERIOD[1] - _PERIOD[0]).total_seconds()
    when = _PERIOD[0] + pd.to_timedelta(np.floor(rng.random(n) * span / 60) * 60, unit="s")
    lon, lat = Transformer.from_crs(NATION_CRS, schema.WGS84, always_xy=True).transform(xy[:, 0], xy[:, 1])
    ids = pd.Series(np.arange(1, n + 1)).map("SYN-{:07d}".format).astype("str")
    empty = pd.Series("", index=range(n), dtype="str")
    frame = pd.DataFrame(
        {
            schema.RECORD_ID: ids,
            schema.SOURCE: pd.Series("synthetic_nation", index=range(n), dtype="str"),
            schema.SOURCE_ROW: np.arange(1, n + 1, dtype=np.int64),
            schema.OCCURRED_AT: when,
            schema.CATEGORY: pd.Series(category, dtype="str"),
            schema.RAW_CATEGORY: pd.Series(category, dtype="str").map(_RAW).astype("str"),
            schema.PLACE_TEXT: empty,
            schema.LON: np.round(lon, 6),
            schema.LAT: np.round(lat, 6),
            schema.PRECISION: pd.Series("exact", index=range(n), dtype="str"),
            schema.STATUS: pd.Series("ok", index=range(n), dtype="str"),
            schema.REASON: empty,
            schema.OCCURRED_FROM: when,
            schema.OCCURRED_TO: pd.Series(pd.NaT, index=range(n), dtype=when.dtype),
            schema.TIME_KNOWN: np.ones(n, dtype=bool),
            schema.CASE_ID: ids,
            schema.OFFENCE_CODE: empty,
            "kommunkod": pd.Series(kommun, dtype="str"),
            "planted": pd.Series(planted, dtype="str"),
        }
    )
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=NATION_CRS)
    gdf.attrs["synthetic"] = True
    gdf.attrs["source_note"] = SOURCE_NOTE_NATION
    return gdf
