"""The lägesbild's images, drawn with matplotlib's object API (no pyplot, no network, no map tiles).

- :func:`category_chart`: incidents per month and category as lines.
- :func:`places_map`: the street network as thin grey lines, the study area's outline, area polygons and
  the places a document may show, numbered by rank. Nothing of single incidents is drawn, so the image is as
  safe to share as the shared-mode map.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd
    from matplotlib.figure import Figure

    from trygghet_geo.network import StreetNetwork

__all__ = ["category_chart", "figure_to_png", "places_map"]

_COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d6a9f", "#7a7a7a", "#2e4057")


def figure_to_png(fig: Figure, *, dpi: int = 110) -> bytes:
    """The figure as PNG bytes (for the DOCX; the HTML takes them as a data URI)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def category_chart(by_month: pd.DataFrame, *, labels: dict[str, str] | None = None) -> Figure:
    """Incidents per month (rows) and category (columns; ``total`` left out) as one line each."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(8.0, 3.6), layout="constrained")
    ax = fig.add_subplot()
    cats = [c for c in by_month.columns if c != "total"]
    x = by_month.index.to_timestamp() if isinstance(by_month.index, pd.PeriodIndex) else by_month.index
    for i, c in enumerate(cats):
        ax.plot(
            x,
            by_month[c].to_numpy(float),
            color=_COLOURS[i % len(_COLOURS)],
            lw=1.6,
            label=(labels or {}).get(c, c),
        )
    ax.set_ylabel("Händelser per månad", fontsize=9)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    if cats:
        ax.legend(fontsize=7, ncols=4, loc="upper left", frameon=False)
    return fig


def places_map(
    network: StreetNetwork,
    places: gpd.GeoDataFrame | None,
    *,
    study_area: gpd.GeoDataFrame | None = None,
    areas: gpd.GeoDataFrame | None = None,
) -> Figure:
    """The streets, the areas and the places (polygons, numbered by ``rank``) in the network's metric CRS."""
    import shapely
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as Patch

    fig = Figure(figsize=(7.5, 6.5), layout="constrained")
    ax = fig.add_subplot()
    crs = network.edges.crs
    lines = [
        np.asarray(g.coords) for g in shapely.get_parts(network.edges.geometry.to_numpy()) if not g.is_empty
    ]
    ax.add_collection(LineCollection(lines, colors="#9a9a9a", linewidths=0.5))

    def patches(frame: gpd.GeoDataFrame | None) -> list[Any]:
        if frame is None or len(frame) == 0:
            return []
        geoms = frame.to_crs(crs).geometry.to_numpy() if frame.crs is not None else frame.geometry.to_numpy()
        return [
            Patch(np.asarray(p.exterior.coords))
            for g in geoms
            if g is not None
            for p in shapely.get_parts(g)
            if p.geom_type == "Polygon"
        ]

    if study_area is not None:
        ax.add_collection(PatchCollection(patches(study_area), facecolor="none", edgecolor="#333333", lw=1.2))
    if areas is not None:
        ax.add_collection(
            PatchCollection(patches(areas), facecolor="none", edgecolor="#1b6ca8", lw=0.8, linestyle="--")
        )
    if places is not None and len(places):
        shown = places.to_crs(crs) if places.crs is not None else places
        ax.add_collection(
            PatchCollection(patches(shown), facecolor="#d1495b", edgecolor="#8b1e2d", alpha=0.55)
        )
        for rank, geom in zip(shown["rank"], shown.geometry, strict=True):
            if geom is None or geom.is_empty:
                continue
            pt = geom.representative_point()
            ax.annotate(
                str(rank),
                (pt.x, pt.y),
                fontsize=9,
                weight="bold",
                ha="center",
                va="center",
                color="white",
                bbox={"boxstyle": "circle,pad=0.2", "fc": "#8b1e2d", "ec": "none"},
            )
    minx, miny, maxx, maxy = network.edges.total_bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.text(
        0.0,
        -0.01,
        "Gatunät © OpenStreetMap contributors (ODbL)",
        transform=ax.transAxes,
        fontsize=7,
        color="#555555",
        va="top",
    )
    return fig
