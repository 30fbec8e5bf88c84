"""Charts for the follow-up and the report, drawn with matplotlib's object API (no pyplot, no global state).

A ``matplotlib.figure.Figure`` created directly renders through the Agg canvas when saved, so nothing here
depends on the interactive backend of the caller's session.
"""

from __future__ import annotations

import base64
import functools
import io
import math
import unicodedata
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from trygghet_geo._text import text

__all__ = ["chart_text", "figure_to_data_uri", "figure_to_svg", "small_multiples"]


@functools.lru_cache(maxsize=1)
def _font_chars() -> frozenset[int]:
    """The code points the charts' font (matplotlib's default, DejaVu Sans) can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(font_manager.findfont(font_manager.FontProperties())).get_charmap())


def chart_text(value: object) -> str:
    """A user's text (a place name) as a chart shows it literally: cleaned (:func:`clean_text`), ``$`` escaped
    (matplotlib reads ``$…$`` as mathematics and fails on what it cannot parse), and a character the font
    lacks drawn in its compatibility form (``﹣`` as ``-``, ``Ａ`` as ``A``) or as ``\ufffd``.

    >>> print(chart_text("Kiosk $x^2$ \ufe63 Torget\u202e"))
    Kiosk \\$x^2\\$ - Torget
    """
    from trygghet_geo.output._redact import clean_text

    chars = _font_chars()
    out = []
    for ch in clean_text(value):
        if ord(ch) not in chars and not ch.isspace():
            compat = unicodedata.normalize("NFKC", ch)
            ch = compat if compat and all(ord(c) in chars for c in compat) else "\ufffd"
        out.append("\\$" if ch == "$" else ch)
    return "".join(out)


def small_multiples(
    counts: pd.DataFrame,
    *,
    town_column: str,
    promise_date: pd.Timestamp,
    ncols: int = 3,
    lang: Literal["sv", "en"] | None = None,
) -> Figure:
    """One panel per place: monthly counts as bars, the promise date as a vertical line, and the rest of the
    town's monthly counts rescaled to the place's mean before the promise (dashed), so that a place that only
    follows the town's trend is easy to see.

    ``counts`` is the output of :func:`trygghet_geo.followup.monthly_counts`.
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    words = {key: text(f"chart.{key}", lang) for key in ("promise", "town", "count", "empty")}
    places = [c for c in counts.columns if c != town_column]
    n = max(1, len(places))
    ncols = max(1, min(ncols, n))
    nrows = math.ceil(n / ncols)
    fig = Figure(figsize=(4.0 * ncols, 2.6 * nrows + 0.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, sharex=True, squeeze=False)).ravel()
    promise = pd.Timestamp(promise_date)
    if promise.tzinfo is not None:
        promise = promise.tz_localize(None)
    if not places:
        axes[0].text(0.5, 0.5, words["empty"], ha="center", va="center", transform=axes[0].transAxes)
    x = counts.index
    town = counts[town_column] if town_column in counts.columns else None
    for ax, place in zip(axes, places, strict=False):
        y = counts[place].to_numpy(float)
        ax.bar(x, y, width=25, color="#3b6ea5", label=place)
        if town is not None:
            pre = x < promise
            base_t = float(town[pre].mean()) if pre.any() else float(town.mean())
            base_p = float(y[pre].mean()) if pre.any() else float(y.mean())
            if base_t > 0:
                ax.plot(
                    x,
                    town.to_numpy(float) * base_p / base_t,
                    "--",
                    color="#888888",
                    lw=1.2,
                    label=words["town"],
                )
        ax.axvline(promise, color="#c0392b", lw=1.5, label=words["promise"])
        ax.set_title(chart_text(place), fontsize=10)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.tick_params(axis="y", labelsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes[len(places) :] if places else axes[1:]:
        ax.set_visible(False)
    handles, labels = axes[0].get_legend_handles_labels()
    if places:
        keep = [(h, lab) for h, lab in zip(handles, labels, strict=True) if lab != places[0]]
        if keep:
            fig.legend(*zip(*keep, strict=True), loc="outside lower center", ncols=2, fontsize=8)
    fig.supylabel(words["count"], fontsize=9)
    return fig


def figure_to_data_uri(fig: Figure, *, dpi: int = 90) -> str:
    """The figure as a ``data:image/png;base64,...`` URI for an ``<img>`` in a self-contained HTML page."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def figure_to_svg(fig: Figure) -> str:
    """The figure as an SVG document string (text kept as paths, so no fonts are needed to view it)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "path"}):
        fig.savefig(buf, format="svg")
    return buf.getvalue()
