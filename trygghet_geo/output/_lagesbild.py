"""The lägesbild: the picture of crime Lag (2023:196) 4 § asks every municipality for, as HTML, Word and PDF.

:func:`lagesbild` writes, in Swedish, ``lagesbild.html`` (one self-contained file: no script, no outside
request, images inline), ``lagesbild.docx`` (Word headings, Word tables, pictures) and ``lagesbild.pdf``
(Chromium's print of the HTML, when Debian's chromium and Playwright are installed), plus the public map
``lagesbild_karta.html`` (the shared-mode map of :mod:`trygghet_geo.output.maps`). The sections are
:data:`~._lagesbild_doc.SECTIONS`, then an appendix listing the medborgarlöfte candidates.

Every number comes from :func:`~._lagesbild_figures.lagesbild_figures` (and the functions of the optional
inputs: :func:`trygghet_geo.areas.area_summary`, :mod:`trygghet_geo.reference`); the shared privacy mode is
the default, exactly as for the map: places of hotspots under ``k`` are left out, counts below ``k`` in
tables read ``"<k"``, every text from the data passes the one redactor, dates are given by month.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

if TYPE_CHECKING:
    import geopandas as gpd

    from trygghet_geo.output._lagesbild_doc import Block
    from trygghet_geo.output._lagesbild_figures import LagesbildFigures
    from trygghet_geo.output._source import AnalysisLike

__all__ = ["lagesbild"]

logger = logging.getLogger(__name__)

#: Chromium's flags for printing the PDF headless and offline (no sandbox in containers, no GPU, no
#: background requests); the test suite launches its browser with the same.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)

CHROMIUM = Path("/usr/bin/chromium")
MAP_NAME = "lagesbild_karta.html"


def lagesbild(
    analysis: AnalysisLike,
    *,
    areas: str | Path | gpd.GeoDataFrame | None = None,
    plan: str | Path | pd.DataFrame | None = None,
    followup: pd.DataFrame | None = None,
    previous: AnalysisLike | str | Path | pd.DataFrame | None = None,
    reference: str | Path | pd.DataFrame | None = None,
    survey: str | Path | pd.DataFrame | None = None,
    population: float | None = None,
    other_sources: Sequence[str] | Mapping[str, str] | str | None = None,
    out: str | Path = "data/processed",
    name: str = "lagesbild",
    privacy: Literal["shared", "internal"] = "shared",
    k: int = 5,
    top_n: int = 5,
    title: str | None = None,
    pdf: bool = True,
    public_map: bool = True,
) -> dict[str, Path]:
    """Write the lägesbild of ``analysis`` (HTML, DOCX, PDF when Chromium is present, and the public map).

    Parameters
    ----------
    analysis : AnalysisLike
        The result of :func:`trygghet_geo.analyze`.
    areas : path or GeoDataFrame, optional
        DeSO, RegSO or district polygons (read with :func:`trygghet_geo.areas.read_areas`); the incidents of
        the last 12 months are counted per area (:func:`trygghet_geo.areas.area_summary`).
    plan : path or DataFrame, optional
        The measures register (åtgärdsplan), read with :func:`trygghet_geo.plan.read_plan`.
    followup : DataFrame, optional
        The per-measure follow-up table; default computed from ``plan`` when the plan module can.
    previous : AnalysisLike, DataFrame or path, optional
        The previous lägesbild's analysis, incidents table or incident file: incidents by category then and
        now (:func:`previous_comparison`).
    reference : path or DataFrame, optional
        Brå's reported offences per 100,000 inhabitants (:func:`trygghet_geo.reference.read_reference`).
    survey : path or DataFrame, optional
        Trygghetsundersökning figures (:func:`trygghet_geo.reference.read_survey`).
    population : float, optional
        The municipality's inhabitants, to give the data's count per 100,000 beside the reference.
    other_sources : str, list of str or mapping, optional
        Other relevant information the group adds as text (``{title: text}``); redacted like all text.
    out : str or Path
        Output folder.
    name : str
        File name without suffix (default ``lagesbild``).
    privacy : {"shared", "internal"}
        ``"shared"`` (default) as the map's shared mode; ``"internal"`` shows exact counts and every ranked
        place, still with text redacted.
    k : int, default 5
    top_n : int, default 5
        Prioritised problems (cause-analysis tables, medborgarlöfte candidates).
    title : str, optional
        Default ``"Lägesbild – "`` and the analysis' title.
    pdf, public_map : bool
        Also write the PDF (needs Chromium) and the public map.

    Returns
    -------
    dict
        ``{"html", "docx", "pdf" (when written), "map" (when written)}`` → path. When the PDF could not be
        written, the reason is logged and ``"pdf"`` is missing.

    Examples
    --------
    >>> import trygghet_geo as tg
    >>> from trygghet_geo import sample
    >>> result = tg.analyze(sample.load_incidents(), sample.load_observations(),  # doctest: +SKIP
    ...                     network=sample.load_network(), gazetteer=sample.load_gazetteer())
    >>> sorted(tg.lagesbild(result, out="ut"))  # doctest: +SKIP
    ['docx', 'html', 'map', 'pdf']
    """
    from trygghet_geo import _validate
    from trygghet_geo.io._stamp import reproducible_zip
    from trygghet_geo.manifest import run_start
    from trygghet_geo.output._lagesbild_docx import write_docx
    from trygghet_geo.output.privacy import check_gate

    check_gate(privacy, k, 100.0)
    _validate.analysis("analysis", analysis)
    top_n = _validate.count("top_n", top_n, minimum=1)
    name = str(_validate.text("name", name, allow_none=False, stem=True))
    title = _validate.text("title", title)
    population = _validate.positive("population", population, allow_none=True)
    pdf, public_map = bool(_validate.flag("pdf", pdf)), bool(_validate.flag("public_map", public_map))
    folder = _validate.path("out", out, folder=True)
    _check_sources(areas=areas, plan=plan, previous=previous, reference=reference, survey=survey)
    folder.mkdir(parents=True, exist_ok=True)
    fig, blocks, doc_title = document(
        analysis,
        areas=areas,
        plan=plan,
        followup=followup,
        previous=previous,
        reference=reference,
        survey=survey,
        population=population,
        other_sources=other_sources,
        privacy=privacy,
        k=k,
        top_n=top_n,
        title=title,
        public_map=MAP_NAME if public_map else "",
    )
    paths: dict[str, Path] = {}
    html = folder / f"{name}.html"
    from trygghet_geo._atomic import write_text

    write_text(html, render_html(blocks, title=doc_title))  # whole or not at all
    paths["html"] = html
    docx = write_docx(blocks, folder / f"{name}.docx", title=doc_title)
    paths["docx"] = reproducible_zip(docx, run_start(getattr(analysis, "manifest", None)))
    if public_map:
        from trygghet_geo.output.maps import save_html

        # the places and counted cells only: a map for the public needs no density layer (and is quicker)
        paths["map"] = save_html(analysis, folder / MAP_NAME, privacy="shared", k=k, lang="sv", heatmap=False)
    if pdf:
        written = print_pdf(html, folder / f"{name}.pdf")
        if written is not None:
            paths["pdf"] = written
    logger.info("wrote the lägesbild %s (%d places)", html, fig.totals["n_places"])
    return paths


LAGESBILD_KEYS = ("lagesbild", "lagesbild_docx", "lagesbild_map")
"""The keys of :func:`lagesbild_of`'s paths."""


def _check_sources(**sources: Any) -> None:
    """Each optional input is a file that exists, a table (``previous``: also an analysis), or None: named
    in the error before any of the document is made."""
    import os

    from trygghet_geo import _validate
    from trygghet_geo.errors import ParameterTypeError

    for arg, value in sources.items():
        if isinstance(value, str | bytes | os.PathLike):  # areas may be a folder (a FileGDB)
            _validate.path(arg, value, read=True, folder=arg == "areas" and os.path.isdir(value))
        elif not (value is None or isinstance(value, pd.DataFrame) or hasattr(value, "incidents")):
            raise ParameterTypeError(f"{arg}: expected a file path or a table, got {type(value).__name__}")


def lagesbild_of(analysis: AnalysisLike, inputs: Mapping[str, Path], out: str | Path) -> dict[str, Path]:
    """The demo's lägesbild: with ``inputs["districts"]`` and ``inputs["plan"]``, no PDF; the paths under
    :data:`LAGESBILD_KEYS`."""
    doc = lagesbild(analysis, areas=inputs["districts"], plan=inputs["plan"], out=out, pdf=False)
    return dict(zip(LAGESBILD_KEYS, (doc["html"], doc["docx"], doc["map"]), strict=True))


def document(
    analysis: AnalysisLike,
    *,
    areas: Any = None,
    plan: Any = None,
    followup: pd.DataFrame | None = None,
    previous: Any = None,
    reference: Any = None,
    survey: Any = None,
    population: float | None = None,
    other_sources: Any = None,
    privacy: str = "shared",
    k: int = 5,
    top_n: int = 5,
    title: str | None = None,
    public_map: str = "",
) -> tuple[LagesbildFigures, list[Block], str]:
    """The figures and the blocks of the lägesbild (what :func:`lagesbild` renders), and its title."""
    from trygghet_geo.output._lagesbild_figures import (
        lagesbild_figures,
        other_sources_list,
    )
    from trygghet_geo.output._lagesbild_sections import DocContext, build_blocks
    from trygghet_geo.output._redact import clean_text
    from trygghet_geo.output.privacy import redact

    shared = privacy == "shared"
    extra = _extra_tables(
        analysis,
        areas=areas,
        plan=plan,
        followup=followup,
        previous=previous,
        reference=reference,
        survey=survey,
        population=population,
        k=k,
        shared=shared,
    )
    fig = lagesbild_figures(analysis, k=k, privacy=privacy, extra=extra)
    if shared:  # the town tables' cells under k, and those the other tables would give back
        from trygghet_geo.output._lagesbild_gate import gate_town

        fig = gate_town(fig, analysis, k=k)
    meta = dict(analysis.meta or {})
    doc_title = clean_text(
        redact(title or f"Lägesbild – {meta.get('title') or 'trygghetskarta'}"), max_chars=200
    )
    chart, site_map = _images(analysis, fig, extra.get("areas"), k=k, shared=shared)
    ctx = DocContext(
        k=k,
        shared=shared,
        top_n=top_n,
        synthetic=bool(meta.get("synthetic", False)),
        source_note=clean_text(redact(str(meta.get("source_note") or ""))),
        parameters_note=clean_text(redact(str(meta.get("parameters_note") or ""))),
        meta=meta,
        other_sources=[
            (clean_text(redact(h), max_chars=200), clean_text(redact(t), max_chars=20_000))
            for h, t in other_sources_list(other_sources)
        ],
        chart_png=chart,
        map_png=site_map,
        public_map=public_map,
        about_markup=_about(analysis, k, privacy),
        about_rows=_about_rows(analysis, k, privacy),
    )
    blocks = build_blocks(fig, ctx, title=doc_title, generated=_generated(analysis))
    return fig, blocks, doc_title


def _extra_tables(
    analysis: AnalysisLike,
    *,
    areas: Any,
    plan: Any,
    followup: pd.DataFrame | None,
    previous: Any,
    reference: Any,
    survey: Any,
    population: float | None,
    k: int,
    shared: bool,
) -> dict[str, pd.DataFrame]:
    """The tables of the optional inputs, each from its own tested function; text columns redacted."""
    from trygghet_geo.output._lagesbild_figures import counted_incidents
    from trygghet_geo.output.privacy import redact_table

    extra: dict[str, pd.DataFrame] = {}
    inc = counted_incidents(analysis.incidents)
    layer = _area_layer(areas) if areas is not None else None
    if layer is not None:
        extra["areas"] = redact_table(_area_table(analysis, layer, k=k, shared=shared))
    if plan is not None:
        from trygghet_geo.plan import followup_plan, read_plan

        known = [analysis.places] + ([layer] if layer is not None else [])
        register = plan if isinstance(plan, pd.DataFrame) else read_plan(plan, places=known)
        extra["plan"] = redact_table(register)
        if followup is None:
            followup = followup_plan(
                register, analysis.incidents, places=analysis.places, areas=layer, network=analysis.network
            )
    if followup is not None:
        extra["followup"] = redact_table(followup)
    if reference is not None:
        from trygghet_geo.reference import read_reference, reference_comparison

        ref = reference if _is_reference(reference) else read_reference(reference)
        extra["reference"] = redact_table(reference_comparison(ref, inc, population=population))
    if survey is not None:
        from trygghet_geo.reference import read_survey, survey_table

        extra["survey"] = redact_table(survey_table(read_survey(survey)))
    if previous is not None:
        extra["previous"] = previous_comparison(analysis, previous)
    return extra


def _is_reference(value: Any) -> bool:
    return isinstance(value, pd.DataFrame) and {"category", "year", "per_100k"} <= set(value.columns)


def _area_layer(areas: Any) -> gpd.GeoDataFrame:
    """The areas table: as given when it has ``area_id``, else read with
    :func:`~trygghet_geo.areas.read_areas`."""
    from trygghet_geo.areas import read_areas

    if hasattr(areas, "geometry") and "area_id" in areas.columns:
        return areas
    return read_areas(areas)


def _area_table(analysis: AnalysisLike, layer: gpd.GeoDataFrame, *, k: int, shared: bool) -> pd.DataFrame:
    """:func:`trygghet_geo.areas.area_summary` over the last 12 months of the data, the places a shared
    document may show listed in their area."""
    from trygghet_geo.areas import area_summary
    from trygghet_geo.output._lagesbild_figures import _period, counted_incidents, year_windows
    from trygghet_geo.output.privacy import redact_table, shared_places

    inc = counted_incidents(analysis.incidents)
    first, last = _period(analysis, inc)
    w = year_windows(first, last)["last"]
    period = (w[0].start_time.strftime("%Y-%m-%d"), w[1].end_time.strftime("%Y-%m-%d"))
    places = (
        shared_places(analysis.places, analysis.hotspots, k=k) if shared else redact_table(analysis.places)
    )
    return area_summary(inc, layer, period=period, places=places)


def previous_comparison(analysis: AnalysisLike, previous: Any) -> pd.DataFrame:
    """Incidents by category in the previous lägesbild's data and in this one's (duplicates left out), and
    the change in percent per month of each data period.

    ``previous`` is the previous analysis, its incidents table, or its incident file (read with
    :func:`trygghet_geo.read_incidents`; only the category and the date are used).

    >>> import pandas as pd
    >>> from types import SimpleNamespace
    >>> when = pd.to_datetime(["2025-01-01", "2025-02-01", "2025-02-02", "2025-02-03"])
    >>> now = SimpleNamespace(incidents=pd.DataFrame({"category": ["stöld"] * 4, "occurred_at": when}),
    ...                       meta={})
    >>> before = pd.DataFrame({"category": ["stöld"] * 2, "occurred_at": pd.to_datetime(["2024-01-01",
    ...                        "2024-02-01"])})
    >>> previous_comparison(now, before).query("category == 'stöld'").values.tolist()
    [['stöld', 2, 4, 100.0]]
    """
    from types import SimpleNamespace

    from trygghet_geo.output._lagesbild_figures import _period, counted_incidents, extent_by_category

    if isinstance(previous, str | Path):
        from trygghet_geo.io import read_incidents

        previous = read_incidents(previous)
    if isinstance(previous, pd.DataFrame):
        previous = SimpleNamespace(incidents=previous, meta={})
    now_inc, before_inc = counted_incidents(analysis.incidents), counted_incidents(previous.incidents)
    a0, a1 = _period(previous, before_inc)
    b0, b1 = _period(analysis, now_inc)
    before, _ = extent_by_category(before_inc, first=a0, last=a1)
    now, _ = extent_by_category(now_inc, first=b0, last=b1)
    m_before, m_now = (a1 - a0).n + 1, (b1 - b0).n + 1
    out = pd.DataFrame({"category": now["category"], "n_now": now["n"]})
    out = out.merge(before[["category", "n"]].rename(columns={"n": "n_before"}), on="category", how="outer")
    out = out.fillna({"n_now": 0, "n_before": 0}).astype({"n_now": "int64", "n_before": "int64"})
    # an outer merge sorts the categories: back to the schema's order, the categories only one side has,
    # and the total last
    order = [c for c in now["category"] if c != "total"]
    order += [c for c in before["category"] if c not in order and c != "total"] + ["total"]
    out = out.set_index("category").loc[order].reset_index()
    rate_before = out["n_before"] / m_before
    out["change_pct"] = (100.0 * ((out["n_now"] / m_now) / rate_before - 1.0)).where(rate_before > 0)
    return out[["category", "n_before", "n_now", "change_pct"]]


def _images(
    analysis: AnalysisLike, fig: LagesbildFigures, areas: pd.DataFrame | None, *, k: int, shared: bool
) -> tuple[bytes, bytes]:
    from trygghet_geo.output._lagesbild_charts import category_chart, figure_to_png, places_map
    from trygghet_geo.output._lagesbild_doc import CATEGORY_SV
    from trygghet_geo.output.privacy import shared_places

    chart = figure_to_png(category_chart(fig.by_month.drop(columns="total"), labels=CATEGORY_SV))
    places = analysis.places
    if shared and places is not None and len(places):
        places = shared_places(places, analysis.hotspots, k=k)
    shown = places.head(max(10, len(fig.places.head(10)))) if places is not None else None
    area_layer = areas if areas is not None and hasattr(areas, "geometry") else None
    site = places_map(analysis.network, shown, study_area=analysis.study_area, areas=area_layer)
    return chart, figure_to_png(site)


def render_html(blocks: Sequence[Block], *, title: str) -> str:
    """The HTML document of ``blocks`` (Jinja2 with autoescaping; images as data URIs)."""
    from trygghet_geo.output._templates import environment

    env = environment()
    images = {
        i: "data:image/png;base64," + base64.b64encode(b.image).decode("ascii")
        for i, b in enumerate(blocks)
        if b.kind == "image" and b.image
    }
    import markupsafe

    shown = [b if b.kind != "about" else _with_markup(b, markupsafe.Markup(b.markup)) for b in blocks]
    return str(env.get_template("lagesbild.html.j2").render(blocks=shown, images=images, title=title))


def _with_markup(block: Block, markup: Any) -> Any:
    import dataclasses

    return dataclasses.replace(block, markup=markup)


def print_pdf(html: Path, path: Path) -> Path | None:
    """Chromium's A4 print of ``html`` (every request but the file itself refused); None, with the reason
    logged, when Chromium or Playwright is missing or the print fails.

    Written whole or not at all (:func:`trygghet_geo._atomic.replacing`): Chromium prints to a temporary
    file beside ``path``, renamed to it once complete, so a print that fails half-way leaves no partial PDF
    under ``path`` (and an earlier PDF there stays as it was)."""
    missing = _printer_missing()
    if missing is not None:
        logger.warning("no PDF: %s", missing)
        return None
    from trygghet_geo._atomic import replacing

    try:
        with replacing(path) as temporary:
            _chromium_print(html, temporary)
    except Exception as exc:  # playwright raises its own error types for a browser that will not start
        logger.warning(
            "no PDF: chromium could not print %s to %s (%s: %s); no file written there",
            html, path, type(exc).__name__, exc,
        )  # fmt: skip
        return None
    return path


def _printer_missing() -> str | None:
    """Why no PDF can be printed here (Chromium or Playwright missing), or None."""
    if not CHROMIUM.exists():
        return f"Debian's chromium is not installed ({CHROMIUM})"
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install playwright)"
    return None


def _chromium_print(html: Path, target: Path) -> None:
    """Print ``html`` to ``target`` with headless Chromium, offline."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)

    def run() -> None:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=args, headless=True)
            try:
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
                )
                page.goto(html.resolve().as_uri())
                page.pdf(
                    path=str(target),
                    format="A4",
                    print_background=True,
                    margin={"top": "15mm", "bottom": "15mm", "left": "15mm", "right": "15mm"},
                )
            finally:
                browser.close()

    from concurrent.futures import ThreadPoolExecutor

    # a thread of its own: Playwright's sync API refuses to run where an asyncio loop runs (Jupyter, or a
    # caller that drives a browser itself)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def _generated(analysis: AnalysisLike) -> str:
    from trygghet_geo.manifest import run_start

    return run_start(getattr(analysis, "manifest", None)).strftime("%Y-%m-%d")


def _manifest(analysis: AnalysisLike, k: int, privacy: str) -> dict[str, Any]:
    from trygghet_geo.manifest import output_manifest

    return output_manifest(analysis, privacy=privacy, k=k, lang="sv", lagesbild=True)


def _about(analysis: AnalysisLike, k: int, privacy: str) -> str:
    from trygghet_geo.output._provenance import about_html

    return about_html(_manifest(analysis, k, privacy), "sv")


def _about_rows(analysis: AnalysisLike, k: int, privacy: str) -> list[list[str]]:
    """The "Om analysen" panel's rows as a two-column table (the DOCX has no collapsible panel)."""
    from trygghet_geo.output._provenance import _rows, _words

    out = []
    for heading, rows in _rows(_manifest(analysis, k, privacy), _words("sv")):
        out += [
            [heading or key, value] if not key or not heading else [f"{heading}: {key}", value]
            for key, value in rows
        ]
    return out
