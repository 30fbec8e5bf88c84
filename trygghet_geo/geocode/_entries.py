"""The rows of a gazetteer: their columns, an empty row of a kind, and the grouping of close parts.

The gazetteer (:mod:`._gazetteer`) and its address rows (:mod:`._addresses`) both make rows here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["ENTRY_COLUMNS", "empty_row", "merge_close"]

ENTRY_COLUMNS = (
    "kind",
    "name",
    "aliases",
    "category",
    "street_id",
    "street2_id",
    "number",
    "number_to",
    "letter",
    "measure_m",
    "off_x",
    "off_y",
    "length_m",
    "is_area",
    "x",
    "y",
    "lon",
    "lat",
    "origin",
    "postcode",
)


def merge_close(geoms: list[Any], merge_m: float) -> list[list[int]]:
    """Greedy single-link grouping of geometries closer than merge_m (few parts per name: quadratic is ok)."""
    groups: list[list[int]] = []
    for i, g in enumerate(geoms):
        hit = [j for j, grp in enumerate(groups) if any(g.distance(geoms[k]) < merge_m for k in grp)]
        if not hit:
            groups.append([i])
            continue
        first = groups[hit[0]]
        first.append(i)
        for j in reversed(hit[1:]):
            first.extend(groups.pop(j))
    return groups


def empty_row(kind: str) -> dict[str, Any]:
    """A gazetteer row of ``kind`` with every column at its "not known" value."""
    return {
        "kind": kind,
        "name": "",
        "aliases": "",
        "category": "",
        "street_id": -1,
        "street2_id": -1,
        "number": -1,
        "number_to": -1,
        "letter": "",
        "measure_m": np.nan,
        "off_x": 0.0,
        "off_y": 0.0,
        "length_m": 0.0,
        "is_area": False,
        "x": np.nan,
        "y": np.nan,
        "lon": np.nan,
        "lat": np.nan,
        "origin": "osm",
        "postcode": "",
        "geometry": None,
    }
