"""Lixels: the street network cut into pieces of about the same length (the units of network density and of
street-segment statistics).

Exposed as :func:`trygghet_geo.network.lixelize`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    from trygghet_geo.network._model import StreetNetwork

#: Columns of a lixel table (besides ``geometry``), in order.
LIXEL_COLUMNS = ("edge_id", "from_m", "to_m", "length_m", "name")


def lixelize(network: StreetNetwork, length_m: float) -> gpd.GeoDataFrame:
    """Cut every edge of ``network`` into equal pieces of about ``length_m`` metres.

    An edge of length ``L`` becomes ``max(1, round(L / length_m))`` pieces of equal length, so no piece is
    shorter than ``length_m / 2`` unless its whole edge is, and no piece crosses a junction.

    Parameters
    ----------
    network : StreetNetwork
    length_m : float
        Target length of a piece, metres (> 0).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per piece (index ``0..k-1``, the lixel id), ordered by edge and then along it: ``edge_id``,
        ``from_m`` and ``to_m`` (offsets along the edge from its node ``u``), ``length_m``, ``name`` (the
        street's), and the LineString of the piece in the network's CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from trygghet_geo.network import network_from_lines
    >>> net = network_from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs=3006))
    >>> lix = lixelize(net, 30)
    >>> lix[["edge_id", "from_m", "to_m", "length_m"]].round(1)  # doctest: +NORMALIZE_WHITESPACE
              edge_id  from_m   to_m  length_m
    lixel_id
    0               0     0.0   33.3      33.3
    1               0    33.3   66.7      33.3
    2               0    66.7  100.0      33.3
    """
    from trygghet_geo import _validate

    edges = _validate.network("network", network).edges
    _validate.pieces("length_m", length_m, float(edges["length_m"].sum()))
    lengths = edges["length_m"].to_numpy(np.float64)
    n_pieces = np.maximum(1, np.rint(lengths / float(length_m))).astype(np.int64)
    edge = np.repeat(np.arange(len(edges)), n_pieces)
    j = np.arange(len(edge)) - np.repeat(np.cumsum(n_pieces) - n_pieces, n_pieces)
    step = lengths[edge] / n_pieces[edge]
    lo = j * step
    hi = np.where(j == n_pieces[edge] - 1, lengths[edge], (j + 1) * step)
    geoms = _pieces(edges.geometry.to_numpy(), lengths, n_pieces, lo, hi)
    return gpd.GeoDataFrame(
        {
            "edge_id": edge,
            "from_m": lo,
            "to_m": hi,
            "length_m": hi - lo,
            "name": edges["name"].to_numpy()[edge],
        },
        geometry=geoms,
        crs=edges.crs,
        index=pd.RangeIndex(len(edge), name="lixel_id"),
    )


def _pieces(
    lines: np.ndarray, lengths: np.ndarray, n_pieces: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """The sub-lines ``[lo, hi]`` of every edge's pieces, all at once: the interpolated ends plus the
    vertices between them (shapely's ``substring`` works one line at a time)."""
    n = len(lo)
    edge = np.repeat(np.arange(len(lines)), n_pieces)
    first_piece = np.cumsum(n_pieces) - n_pieces
    # Vertices of every edge with their distance along it (scaled so the last is exactly the edge length).
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    seg = np.hypot(*np.diff(xy, axis=0).T)
    seg[owner[1:] != owner[:-1]] = 0.0
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    cum -= cum[np.searchsorted(owner, owner)]
    total = np.zeros(len(lines))
    np.maximum.at(total, owner, cum)
    scale = np.divide(lengths, total, out=np.ones(len(lines)), where=total > 0)
    cum = cum * scale[owner]
    # Each vertex goes to the piece of its edge whose range holds it; only those strictly inside are kept.
    step = lengths / n_pieces
    k = np.clip(np.floor(cum / step[owner]).astype(np.int64), 0, n_pieces[owner] - 1)
    piece = first_piece[owner] + k
    inner = (cum > lo[piece] + 1e-9) & (cum < hi[piece] - 1e-9)
    starts = shapely.get_coordinates(shapely.line_interpolate_point(lines[edge], lo))
    ends = shapely.get_coordinates(shapely.line_interpolate_point(lines[edge], hi))
    ids = np.concatenate([np.arange(n), piece[inner], np.arange(n)])
    key = np.concatenate([np.full(n, -1.0), cum[inner], np.full(n, np.inf)])
    pts = np.concatenate([starts, xy[inner], ends])
    o = np.lexsort((key, ids))
    return np.asarray(shapely.linestrings(pts[o], indices=ids[o]))
