"""The hot-list's two files (:func:`trygghet_geo.hotlist.write_hotlist`): an HTML page and a Word page.

Both carry the same rows, prepared once (:func:`display_rows`): in the shared mode a count below k is ``"<k"``
and the ratio is left out where a count is below k (ratio and baseline would give the count back); names
pass the redactor. The HTML is the autoescaped template ``templates/hotlist.html.j2`` (no script, nothing
fetched); the Word file is python-docx: A4, narrow margins, 9-point real Word tables, ``top`` rows a kind, so
it fits one page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from trygghet_geo._kgate import DEFAULT_K, check_gate, count_text
from trygghet_geo.output._redact import clean_text

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["COLUMNS", "HotlistPage", "display_rows", "write_files"]

COLUMNS = ("Plats", "Senaste perioden", "Jämförelseperioden", "Förväntat", "Gånger fler", "Stiger")
"""Headers of the hot-list's two tables."""


@dataclass
class HotlistPage:
    """What the page shows: title, the period lines, the two tables' rows and the notes."""

    title: str
    lead: str
    places: list[list[str]] = field(default_factory=list)
    streets: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _num(x: float, digits: int) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def display_rows(table: pd.DataFrame, *, shared: bool, k: int) -> tuple[list[list[str]], list[list[str]]]:
    """The places' and the street pieces' rows as text, in the order of ``table``."""
    from trygghet_geo.output.privacy import redact

    out: dict[str, list[list[str]]] = {"place": [], "street": []}
    for _, r in table.iterrows():
        n1, n0 = int(r["n_recent"]), int(r["n_baseline"])
        small = shared and (n1 < k or n0 < k)  # the ratio and a shown count would give the other back
        ratio = float(r["ratio"])
        ratio_text = "" if small else ("ny" if ratio == float("inf") else _num(ratio, 1))
        name = clean_text(redact(str(r["name"])))
        out[str(r["kind"])].append(
            [
                name,
                count_text(n1, k) if shared else str(n1),
                count_text(n0, k) if shared else str(n0),
                "" if shared and n0 < k else _num(float(r["expected"]), 1),  # expected gives n0 back
                ratio_text,
                "ja" if bool(r["rising"]) else "",
            ]
        )
    return out["place"], out["street"]


def _page(
    table: gpd.GeoDataFrame, *, shared: bool, k: int, title: str | None, synthetic: bool, note: str | None
) -> HotlistPage:
    attrs = table.attrs
    (w0, w1), (b0, b1) = attrs["window"], attrs["baseline"]
    days = attrs["days"]
    places, streets = display_rows(table, shared=shared, k=k)
    heading = title or f"Hotlista – senaste {days} dagarna"
    lead = (
        f"Händelser {w0:%Y-%m-%d}–{w1:%Y-%m-%d} ({days} dagar) jämförda med samma plats "
        f"{b0:%Y-%m-%d}–{b1:%Y-%m-%d} ({attrs['baseline_days']} dagar). Totalt {attrs['n_recent_total']} "
        f"händelser under perioden."
    )
    notes = [
        "Förväntat = platsens egen takt under jämförelseperioden omräknad till perioden. Stiger = fler än "
        f"förväntat enligt ett exakt binomialtest (p < {_num(attrs['alpha'], 2)}); en signal att titta "
        "närmare på, "
        "inte ett fastställt resultat.",
    ]
    if shared:
        notes.append(
            f"Delningsläge: antal från 1 till {k - 1} visas som <{k}; kvoten (och det förväntade antalet) "
            "utelämnas då."
        )
    if synthetic:
        notes.insert(0, "Syntetiska exempeldata" + (f": {note}" if note else "."))
    elif note:
        notes.insert(0, f"Källa: {note}")
    return HotlistPage(clean_text(heading), lead, places, streets, [clean_text(n) for n in notes])


def write_files(
    table: gpd.GeoDataFrame,
    out: Path,
    *,
    privacy: str = "shared",
    k: int | None = None,
    title: str | None = None,
    synthetic: bool = False,
    source_note: str | None = None,
) -> dict[str, Path]:
    """Write ``hotlist.html`` and ``hotlist.docx`` into the folder ``out``; return both paths."""
    k = DEFAULT_K if k is None else k
    check_gate(privacy, k, 100.0)
    page = _page(table, shared=privacy == "shared", k=k, title=title, synthetic=synthetic, note=source_note)
    out.mkdir(parents=True, exist_ok=True)
    html = out / "hotlist.html"
    from trygghet_geo._atomic import write_text

    write_text(html, _html(page))  # whole or not at all
    docx = _docx(page, out / "hotlist.docx", stamp=table.attrs["window"][1])
    return {"html": html, "docx": docx}


def _html(page: HotlistPage) -> str:
    from trygghet_geo.output._templates import environment

    return str(environment().get_template("hotlist.html.j2").render(page=page, columns=COLUMNS))


def _docx(page: HotlistPage, path: Path, *, stamp: Any) -> Path:
    import docx
    from docx.shared import Cm, Pt

    from trygghet_geo.io._stamp import reproducible_zip

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.5)
    document.styles["Normal"].font.size = Pt(9)
    document.core_properties.title = page.title
    document.core_properties.author = "trygghet_geo"
    document.core_properties.language = "sv-SE"
    document.add_heading(page.title, level=1)
    document.add_paragraph(page.lead)
    for heading, rows in (("Platser", page.places), ("Gatuavsnitt", page.streets)):
        document.add_heading(heading, level=2)
        if not rows:
            document.add_paragraph("Inga händelser under perioden.")
            continue
        _table(document, rows)
    for note in page.notes:
        document.add_paragraph(note).runs[0].font.size = Pt(8)
    from trygghet_geo._atomic import replacing

    with replacing(path) as temporary:  # whole or not at all
        document.save(str(temporary))
    when = (
        pd.Timestamp(stamp).tz_localize("UTC") if pd.Timestamp(stamp).tzinfo is None else pd.Timestamp(stamp)
    )
    return reproducible_zip(path, when.to_pydatetime())


def _table(document: Any, rows: list[list[str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    t = document.add_table(rows=1 + len(rows), cols=len(COLUMNS))
    t.style = "Table Grid"
    for i, (row, values) in enumerate(zip(t.rows, [list(COLUMNS), *rows], strict=True)):
        for j, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.text = value
            para = cell.paragraphs[0]
            if i and j:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in para.runs:
                run.font.size = Pt(9)
                run.bold = i == 0
