"""Splitting a line layer into street edges that meet at junctions.

GIS centre-line layers are drawn in different ways: NVDB splits every line at every junction, a municipal
layer often keeps one line per street, which passes through the junctions as an interior vertex or meets
another street's end in the middle of a segment (a T-junction without a vertex). :func:`split_lines` cuts
lines so that every junction becomes a line end, which is all :func:`trygghet_geo.network.network_from_lines`
connects.

Two rules are offered:

``"junctions"``
    Cut where another line touches: at an interior vertex that another line also has (as a vertex or an end),
    and where another line's end lies on a segment (within the tolerance). Lines that cross without sharing a
    vertex (a bridge over a street, a tunnel under it) stay apart.
``"crossings"``
    Cut at every intersection (GEOS noding, ``shapely.node``), for layers drawn without vertices at their
    junctions. A bridge then meets the street under it.

Written here, not taken from a library: shapely nodes at every crossing (the second rule) but has no rule that
keeps bridges apart, and momepy/osmnx expect a layer that is already split.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import shapely

from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd

Split = Literal["ends", "junctions", "crossings"]
SPLITS: tuple[Split, ...] = ("ends", "junctions", "crossings")


def split_lines(lines: np.ndarray, how: Split, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Pieces of metric LineStrings cut at junctions, and for each piece the index of the line it came from.

    ``how="ends"`` returns the lines as they are. Points closer than ``tolerance`` (metres) count as one.

    >>> from shapely import LineString
    >>> a, b = LineString([(0, 0), (100, 0)]), LineString([(50, 0), (50, 50)])   # a T-junction
    >>> pieces, source = split_lines(np.array([a, b]), "junctions", 0.01)
    >>> [p.wkt for p in pieces], source.tolist()
    (['LINESTRING (0 0, 50 0)', 'LINESTRING (50 0, 100 0)', 'LINESTRING (50 0, 50 50)'], [0, 0, 1])
    """
    if how == "ends" or len(lines) == 0:
        return lines, np.arange(len(lines))
    if how == "crossings":
        return _node_all(lines, tolerance)
    return _split_at_junctions(lines, tolerance)


def _split_at_junctions(lines: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    n_vertices = np.bincount(owner, minlength=len(lines))
    first = np.cumsum(n_vertices) - n_vertices
    last = first + n_vertices - 1
    is_end = np.zeros(len(xy), dtype=bool)
    is_end[first] = True
    is_end[last] = True

    # Ends of lines that lie on another line (a T-junction, with or without a vertex there): the end point
    # and its position along that line. Ends near that line's own ends meet it there anyway.
    end_rows = np.flatnonzero(is_end)
    end_points = shapely.points(xy[end_rows])
    pt_idx, line_idx = shapely.STRtree(lines).query(end_points, predicate="dwithin", distance=tol)
    other = owner[end_rows[pt_idx]] != line_idx
    pt_idx, line_idx = pt_idx[other], line_idx[other]
    extra_xy = xy[end_rows[pt_idx]]
    along = shapely.line_locate_point(lines[line_idx], end_points[pt_idx])
    inner = (along > tol) & (along < shapely.length(lines[line_idx]) - tol)
    extra_xy, extra_line, extra_along = extra_xy[inner], line_idx[inner], along[inner]

    # Cells of side tol, one key per cell, over the vertices and those end points together.
    cell = np.round(np.concatenate([xy, extra_xy]) / tol).astype(np.int64)
    _, key = np.unique(cell, axis=0, return_inverse=True)
    key = key.ravel()
    v_key, e_key = key[: len(xy)], key[len(xy) :]
    # A vertex is cut where another line has a vertex (or end) in its cell, or another line's end lies on
    # it; an end point that falls on an existing vertex cuts there instead of adding a vertex.
    pairs = np.unique(np.stack([v_key, owner], axis=1), axis=0)  # each (cell, line) once
    lines_per_cell = np.bincount(pairs[:, 0], minlength=int(key.max()) + 1)
    touched = np.zeros(int(key.max()) + 1, dtype=bool)
    touched[e_key] = True
    cut_vertex = ~is_end & ((lines_per_cell[v_key] > 1) | touched[v_key])
    code = v_key.astype(np.int64) * len(lines) + owner  # (cell, line) as one number
    on_vertex = np.isin(e_key.astype(np.int64) * len(lines) + extra_line, code)
    extra_xy, extra_line, extra_along = extra_xy[~on_vertex], extra_line[~on_vertex], extra_along[~on_vertex]

    # One table of vertices and inserted points, in order along each line.
    seg = np.hypot(*np.diff(xy, axis=0).T)
    seg[last[:-1]] = 0.0  # no step from one line's last vertex to the next line's first
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    s = cum - cum[first][owner]  # distance along the line at every vertex
    all_xy = np.concatenate([xy, extra_xy])
    all_line = np.concatenate([owner, extra_line])
    all_cut = np.concatenate([cut_vertex, np.ones(len(extra_xy), dtype=bool)])
    order = np.lexsort((np.concatenate([s, extra_along]), all_line))
    all_xy, all_line, all_cut = all_xy[order], all_line[order], all_cut[order]
    if not all_cut.any():
        return lines, np.arange(len(lines))

    # A cut point ends one piece and starts the next: it is written twice.
    copies = np.where(all_cut, 2, 1)
    rows = np.repeat(np.arange(len(all_xy)), copies)
    starts_piece = np.zeros(len(rows), dtype=bool)
    starts_piece[np.cumsum(copies)[all_cut] - 1] = True  # the second copy of a cut point
    starts_piece[1:] |= all_line[rows[1:]] != all_line[rows[:-1]]
    starts_piece[0] = True
    piece = np.cumsum(starts_piece) - 1
    piece_line = all_line[rows[starts_piece]]
    geoms = shapely.linestrings(all_xy[rows], indices=piece)
    keep = shapely.length(geoms) > tol
    return geoms[keep], piece_line[keep]


def _node_all(lines: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Every intersection a node (GEOS noding); each piece traced back to a line that covers its middle."""
    noded = shapely.get_parts(shapely.node(shapely.multilinestrings(lines)))
    if len(noded) == 0:
        return noded, np.zeros(0, dtype=np.int64)
    middle = shapely.line_interpolate_point(noded, 0.5, normalized=True)
    tree = shapely.STRtree(lines)
    pt, line = tree.query(middle, predicate="dwithin", distance=max(tol, 1e-6))
    source = np.full(len(noded), -1, dtype=np.int64)
    source[pt[::-1]] = line[::-1]  # the first matching line wins
    found = source >= 0
    return noded[found], source[found]


def require_finite(frame: gpd.GeoDataFrame) -> None:
    """Refuse lines with a NaN or infinite vertex (GEOS cannot index them), naming the features."""
    xy, which = shapely.get_coordinates(frame.geometry.to_numpy(), return_index=True)
    bad = np.unique(which[~np.isfinite(xy).all(axis=1)])
    if len(bad):
        labels = [frame.index[i] for i in bad[:5]]
        raise InputError(
            f"the line layer has {len(bad)} feature(s) with a vertex that is no number (NaN or infinite), "
            f"at row label(s) {labels!r}; mend or remove them"
        )
