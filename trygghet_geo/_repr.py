"""How an :class:`~trygghet_geo.analysis.Analysis` and a :class:`~trygghet_geo.network.StreetNetwork` show
themselves in a notebook: a short HTML summary (``_repr_html_``) instead of every table, and a one-line
``repr``. Every value that comes from the data is escaped; the labels are in ``options.lang``.
"""

from __future__ import annotations

import html
from typing import Any

from trygghet_geo._text import resolve_lang, text

# The objects are typed loosely on purpose: analysis.py and network/_model.py import this module, and the
# house rule forbids import cycles (TYPE_CHECKING imports included).
Analysis = Any
StreetNetwork = Any

__all__ = ["analysis_html", "analysis_repr", "network_html", "network_repr"]

_STYLE = "border-collapse:collapse;text-align:left"


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _rows(pairs: list[tuple[str, Any]]) -> str:
    return "".join(f"<tr><th style='{_STYLE}'>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in pairs)


def _used(result: Analysis) -> int:
    from trygghet_geo import schema

    inc = result.incidents
    return int((inc[schema.EDGE_ID] >= 0).sum()) if schema.EDGE_ID in inc.columns else 0


def _significant(result: Analysis) -> int:
    hs = result.hotspots
    return int(hs["significant"].sum()) if "significant" in hs.columns else 0


def analysis_repr(result: Analysis) -> str:
    """``Analysis(3399 incidents, 3148 clustered, 251 left out, 9 hotspots, 5 places)``."""
    left = sum(result.left_out.values())
    return (
        f"Analysis({len(result.incidents)} incidents, {_used(result)} clustered, {left} left out, "
        f"{len(result.hotspots)} hotspots, {len(result.places)} places)"
    )


def analysis_html(result: Analysis, *, top: int = 5, lang: str | None = None) -> str:
    """The summary a notebook shows for ``result``: counts, why rows were left out, the top places and
    the parameters chosen (and why)."""
    from trygghet_geo import schema

    lang = resolve_lang(lang)
    meta = result.meta or {}
    counts = [
        (text("repr.incidents", lang), len(result.incidents)),
        (text("repr.clustered", lang), _used(result)),
        (text("repr.left_out", lang), sum(result.left_out.values())),
    ]
    if result.observations is not None:
        n_obs = len(result.observations)
        counts.append((text("repr.remarks", lang), n_obs))
        counts.append((text("repr.remarks_used", lang), n_obs - sum(result.observations_left_out.values())))
    counts += [
        (text("repr.hotspots", lang), len(result.hotspots)),
        (text("repr.significant", lang), _significant(result)),
    ]
    parts = [f"<div class='trygghet-analysis'><strong>{_esc(meta.get('title') or 'Analysis')}</strong>"]
    parts.append(f"<table style='{_STYLE}'>{_rows(counts)}</table>")
    reasons = [
        *((schema.reason_text(r, lang), n) for r, n in result.left_out.items()),
    ]
    if reasons:
        parts.append(f"<p>{_esc(text('repr.why_left_out', lang))}</p>")
        parts.append(f"<table style='{_STYLE}'>{_rows(reasons)}</table>")
    places = result.places.head(top)
    if len(places):
        items = "".join(
            f"<li>{_esc(row.name)} – {_esc(row.reason)}</li>"
            for row in places[["name", "reason"]].itertuples(index=False)
        )
        parts.append(f"<p>{_esc(text('repr.top', lang, n=len(places)))}</p><ol>{items}</ol>")
    note = meta.get("parameters_note_en" if lang == "en" else "parameters_note")
    if note:
        parts.append(f"<p>{_esc(text('repr.parameters', lang))}: {_esc(note)}</p>")
    parts.append("</div>")
    return "".join(parts)


def network_repr(network: StreetNetwork) -> str:
    """``StreetNetwork(1234 nodes, 1500 edges, 98.2 km, crs='EPSG:3006')``."""
    km = float(network.edges["length_m"].sum()) / 1000.0
    return (
        f"StreetNetwork({len(network.nodes)} nodes, {len(network.edges)} edges, {km:.1f} km, "
        f"crs={network.crs.to_string()!r})"
    )


def network_html(network: StreetNetwork, *, lang: str | None = None) -> str:
    """The summary a notebook shows for a street network: size, length, CRS and the attributes kept."""
    lang = resolve_lang(lang)
    edges = network.edges
    km = float(edges["length_m"].sum()) / 1000.0
    named = float((edges["name"].astype(str) != "").mean()) if len(edges) else 0.0
    kept = [c for c in edges.columns if c not in ("u", "v", "length_m", "name", edges.geometry.name)]
    pairs = [
        (text("repr.nodes", lang), len(network.nodes)),
        (text("repr.edges", lang), len(edges)),
        (text("repr.length", lang), f"{km:.1f} km"),
        (text("repr.named", lang), f"{100 * named:.0f} %"),
        ("CRS", network.crs.to_string()),
        (text("repr.attributes", lang), ", ".join(kept) or "–"),
    ]
    table = f"<table style='{_STYLE}'>{_rows(pairs)}</table>"
    return f"<div class='trygghet-network'><strong>StreetNetwork</strong>{table}</div>"
