"""The lägesbild as a list of blocks (headings, paragraphs, tables, images), built from its figures.

One model, two renderers: the HTML template (``templates/lagesbild.html.j2``) and the Word writer
(:mod:`._lagesbild_docx`) draw the same blocks, so the two files say the same thing. Every number comes from
:class:`~._lagesbild_figures.LagesbildFigures`; in the shared privacy mode a count of crimes or remarks in a
table that is below ``k`` (but not 0), or hidden so that one cannot be worked out, is written ``".."``
(:func:`count_text`, :data:`trygghet_geo._kgate.HIDDEN`), and every text that came
from the data has passed the one redactor before it gets here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from trygghet_geo import schema

__all__ = ["SECTIONS", "Block", "Table", "count_text"]

SECTIONS = (
    "1 Kartläggning",
    "2 Övrig relevant information",
    "3 Analys",
    "4 Åtgärdsplan",
    "5 Uppföljning",
    "6 Källor och begränsningar",
)
"""The top-level headings of a lägesbild, in the order 4 § of Lag (2023:196) and Brå's guidance give."""
APPENDIX = "Bilaga: Kandidater till medborgarlöften"

BlockKind = Literal["title", "h1", "h2", "h3", "p", "list", "note", "table", "image", "about", "pagebreak"]


@dataclass(frozen=True)
class Table:
    """A table as the reader sees it: header and cells as text; ``numeric`` marks right-aligned columns,
    ``key`` names the figure it shows (tests find tables by it)."""

    key: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)
    caption: str = ""


@dataclass(frozen=True)
class Block:
    """One piece of the document, in reading order."""

    kind: BlockKind
    text: str = ""
    items: tuple[str, ...] = ()
    table: Table | None = None
    image: bytes | None = None
    markup: str = ""  # "about": the HTML panel (escaped where it is made); the DOCX draws ``table``


def count_text(n: Any, k: int, shared: bool) -> str:
    """A count as a table shows it: in the shared mode the one mark of a hidden count
    (:data:`trygghet_geo._kgate.HIDDEN`) when ``0 < n < k`` or when it is withheld (NaN: hidden so that
    such a count cannot be worked out), else the number.

    >>> [count_text(n, 5, True) for n in (0, 1, 4, 5, 120, float("nan"))]
    ['0', '..', '..', '5', '120', '..']
    >>> count_text(3, 5, False)
    '3'
    """
    from trygghet_geo.output._gate import count_text as shared_count

    if shared:  # the shared documents' one rendering; a 0 stays 0 (an area or month with nothing is no one)
        return shared_count(None if isinstance(n, str) or pd.isna(n) else n, k)
    try:
        return str(int(n))
    except (TypeError, ValueError):
        return ""


def num(x: Any, digits: int = 0) -> str:
    """A number with a decimal comma; ``–`` for NaN, ``""`` for nothing.

    >>> num(12.345, 1), num(float("nan")), num(None)
    ('12,3', '–', '')
    """
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞"
    return f"{v:.{digits}f}".replace(".", ",")


def pct(x: Any) -> str:
    """A signed percentage change (``+12``, ``−8``, ``0``).

    >>> pct(12.4), pct(-7.6), pct(0.2), pct(float("nan"))
    ('+12', '−8', '0', '–')
    """
    s = num(x, 0)
    if s in ("0", "-0"):
        return "0"
    if s[:1].isdigit():
        return "+" + s
    return s.replace("-", "−")


def pvalue(x: Any) -> str:
    """A p- or q-value: ``< 0,001`` below a thousandth, else three decimals.

    >>> pvalue(0.0), pvalue(0.0421)
    ('< 0,001', '0,042')
    """
    try:
        v = float(x)
    except (TypeError, ValueError):
        return ""
    if math.isnan(v):
        return "–"
    return "< 0,001" if v < 0.001 else num(v, 3)


CATEGORY_SV = {
    "narkotika": "Narkotikabrott",
    "stöld": "Stöld",
    "trafik": "Trafikbrott",
    "skadegörelse": "Skadegörelse",
    "våld": "Våldsbrott",
    "ordningsstörning": "Ordningsstörning",
    "övrigt": "Övrigt",
}
TOPIC_SV = {
    "belysning": "Belysning",
    "vegetation": "Vegetation",
    "skadegörelse/klotter": "Skadegörelse/klotter",
    "nedskräpning": "Nedskräpning",
    "trafikmiljö": "Trafikmiljö",
    "folksamling/otrygghet": "Folksamling/otrygghet",
    "övrigt": "Övrigt",
}
PRECISION_SV = {
    "exact": "Exakta koordinater",
    "address": "Adress",
    "interpolated": "Interpolerad adress",
    "intersection": "Korsning",
    "street": "Gata (mitten av gatan)",
    "place": "Plats/landmärke",
    "municipality": "Kommun",
    "county": "Län",
    "": "Saknas",
}


def label(code: Any) -> str:
    """The Swedish label of a category, topic or precision code; the code itself when unknown."""
    c = str(code)
    if c == "total":
        return "Totalt"
    return CATEGORY_SV.get(c) or TOPIC_SV.get(c) or PRECISION_SV.get(c) or c


def table_block(
    key: str,
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    *,
    k: int,
    shared: bool,
    caption: str = "",
) -> Block:
    """A table block from ``frame``: ``columns`` are (column, header, kind) with kind ``count`` (masked
    below k in the shared mode), ``rows`` (a count of data rows, never masked), ``num1``, ``pct`` (signed),
    ``share`` (percent of a whole), ``p``, ``yesno``, ``label`` or ``text``."""
    rows = []
    for rec in frame.to_dict("records"):
        row = []
        for col, _, kind in columns:
            v = rec.get(col)
            row.append(_cell(v, kind, k, shared))
        rows.append(row)
    numeric = [kind not in ("text", "label", "yesno") for _, _, kind in columns]
    return Block("table", table=Table(key, [h for _, h, _ in columns], rows, numeric, caption))


def _cell(v: Any, kind: str, k: int, shared: bool) -> str:
    if kind == "count":
        return count_text(v, k, shared)
    if kind == "rows":
        return count_text(v, k, False)
    if kind == "count_known":  # a count that may not exist (NaN: none), or hidden (the mark, by the gate)
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else count_text(v, k, shared)
    if kind == "num1":
        return num(v, 1)
    if kind == "num2":
        return num(v, 2)
    if kind == "pct":
        return pct(v)
    if kind == "share":
        return num(v, 1)
    if kind == "p":
        return pvalue(v)
    if kind == "yesno":
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else ("ja" if bool(v) else "nej")
    if kind == "label":
        return label(v)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v)


def reason_label(code: str) -> str:
    """A reason code's Swedish sentence (the schema's table)."""
    return schema.reason_text(code, "sv")
