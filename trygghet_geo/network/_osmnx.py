"""The street network as an osmnx graph (:meth:`StreetNetwork.to_osmnx`), so that osmnx's statistics and
plots work on any network the toolkit built, whatever its source (PBF, a municipality's line layer)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    import networkx as nx


StreetNetwork = Any  # not imported: network/_model.py imports this module (no import cycle)
__all__ = ["to_osmnx"]

_ID_COLUMNS = ("osmid", "source_id")


def _plain(value: Any) -> Any:
    """A table cell as a graph attribute: numpy scalars as Python values, missing as None."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value


def to_osmnx(network: StreetNetwork) -> nx.MultiDiGraph:
    """See :meth:`StreetNetwork.to_osmnx`."""
    import networkx as nx

    edges = network.edges
    G = nx.MultiDiGraph(crs=network.crs.to_string())
    xy = shapely.get_coordinates(network.nodes.geometry.values)
    degree = np.bincount(edges[["u", "v"]].to_numpy().ravel(), minlength=len(xy))
    G.add_nodes_from(
        (i, {"x": float(x), "y": float(y), "street_count": int(degree[i])}) for i, (x, y) in enumerate(xy)
    )
    id_col = next((c for c in _ID_COLUMNS if c in edges.columns), None)
    extra = [c for c in edges.columns if c not in ("u", "v", "length_m", "name", edges.geometry.name, id_col)]
    ids = edges[id_col].to_numpy() if id_col else edges.index.to_numpy()
    lines = edges.geometry.to_numpy()
    backwards = shapely.reverse(lines)
    rows = edges[extra].to_dict("records") if extra else [{}] * len(edges)
    for i, (u, v, length, name) in enumerate(
        zip(edges["u"], edges["v"], edges["length_m"], edges["name"], strict=True)
    ):
        data = {k: _plain(val) for k, val in rows[i].items()}
        data.update(osmid=_plain(ids[i]), length=float(length), name=str(name), oneway=False, edge_id=int(i))
        G.add_edge(int(u), int(v), **data, geometry=lines[i], reversed=False)
        G.add_edge(int(v), int(u), **data, geometry=backwards[i], reversed=True)
    return G
