"""The sections of the lägesbild (4 § Lag (2023:196)), as blocks built from its figures.

Each ``section_*`` function returns the blocks of one top-level section; :func:`build_blocks` puts them in
the order of :data:`~._lagesbild_doc.SECTIONS` and adds the appendix of medborgarlöfte candidates. Every
sentence with a number is made here from :class:`~._lagesbild_figures.LagesbildFigures`; texts from the
data (place names, reasons, suggested measures, the user's other sources) have been redacted before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from trygghet_geo.output._lagesbild_doc import (
    APPENDIX,
    SECTIONS,
    Block,
    Table,
    label,
    num,
    reason_label,
    table_block,
)
from trygghet_geo.output._lagesbild_figures import CONFIDENCE, LagesbildFigures

__all__ = ["DocContext", "build_blocks"]

LEVEL = f"{CONFIDENCE * 100:.0f} %"
REMARKS_RULE = (
    "Remark counts (safety-walk notes) are shown exactly in every shared export, under k too: the shared "
    "map draws every placed remark at its point with its topic, so a count of them tells nothing the map "
    "does not, and a remark is a note on the street environment from the municipality's own walk, not a "
    "police report about a person. The k rule is for police-registered incidents."
)
"""The one rule of remark counts in shared exports (the places table, the report, the lägesbild)."""
CAUSE_COLUMNS = ["Problem", "Orsaker", "Målgrupp", "Aktörer"]
"""The cause-analysis table each prioritised problem gets, left for the group to fill."""


@dataclass(frozen=True)
class DocContext:
    """What the sections need besides the figures: privacy, images, texts and the run's facts."""

    k: int = 5
    shared: bool = True
    top_n: int = 5
    synthetic: bool = False
    source_note: str = ""
    parameters_note: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    other_sources: list[tuple[str, str]] = field(default_factory=list)
    chart_png: bytes | None = None
    map_png: bytes | None = None
    public_map: str = ""
    about_markup: str = ""
    about_rows: list[list[str]] = field(default_factory=list)


def build_blocks(fig: LagesbildFigures, ctx: DocContext, *, title: str, generated: str) -> list[Block]:
    """The whole document in reading order: title, lead, the six sections, the appendix."""
    t = fig.totals
    mode = f"delningsläge, k = {ctx.k}" if ctx.shared else "internt läge"
    blocks = [
        Block("title", title),
        Block("p", f"Dataperiod {t['first_month']} – {t['last_month']} · skapad {generated} · {mode}"),
    ]
    if ctx.synthetic:
        blocks.append(
            Block(
                "note",
                "Syntetiska exempeldata. Händelser och synpunkter i denna lägesbild är "
                "påhittade och beskriver inga verkliga händelser.",
            )
        )
    blocks.append(Block("p", _lead(fig)))
    for heading, make in zip(
        SECTIONS, (_mapping, _other, _analysis, _plan, _followup, _sources), strict=True
    ):
        blocks.append(Block("h1", heading))
        blocks += make(fig, ctx)
    blocks += [Block("pagebreak"), Block("h1", APPENDIX), *_candidates(fig, ctx)]
    return blocks


def _lead(fig: LagesbildFigures) -> str:
    t = fig.totals
    return (
        f"Lägesbilden bygger på {t['n_incidents']} polisregistrerade händelser och {t['n_observations']} "
        f"synpunkter från trygghetsvandringar under {t['months']} månader. Analysen hittar "
        f"{t['n_hotspots']} koncentrationer längs gatorna; {t['n_places']} platser redovisas, varav "
        f"{t['n_significant']} statistiskt säkerställda."
    )


# --- 1 Kartläggning --------------------------------------------------------------------------------------
def _mapping(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    t, w = fig.totals, fig.windows
    prev_label = f"{w['previous'][0]} – {w['previous'][1]}"
    last_label = f"{w['last'][0]} – {w['last'][1]}"
    blocks = [
        Block(
            "p",
            f"Omfattning: {t['n_incidents']} händelser ({t['n_rows']} rader lästa, "
            f"{t['n_duplicates']} dubbletter borträknade), varav {t['n_dated']} med datum. "
            f"{t['n_clustered']} kunde placeras på gatunätet och ingår i analysen av platser.",
        ),
        Block("h2", "Omfattning per brottskategori"),
        table_block(
            "by_category",
            fig.by_category,
            [
                ("category", "Kategori", "label"),
                ("n", "Antal", "count"),
                ("share_pct", "Andel (%)", "share"),
                ("n_previous", f"Föregående 12 mån ({prev_label})", "count"),
                ("n_last", f"Senaste 12 mån ({last_label})", "count"),
                ("change_pct", "Förändring (%)", "pct"),
                ("ci_low", f"{LEVEL} KI låg (%)", "pct"),
                ("ci_high", f"{LEVEL} KI hög (%)", "pct"),
            ],
            k=ctx.k,
            shared=ctx.shared,
        ),
    ]
    if w["previous"][2] < 12:
        blocks.append(
            Block(
                "p",
                f"Data täcker bara {w['previous'][2]} av de 12 föregående månaderna; "
                "förändringen är räknad per månad med data.",
            )
        )
    blocks += [Block("h2", "Utveckling över tid"), *_over_time(fig, ctx)]
    blocks += [Block("h2", "Per område"), *_areas(fig, ctx)]
    blocks += [Block("h2", "Platser"), *_places_map(fig, ctx)]
    blocks += [Block("h2", "Konsekvenser"), *_consequences(fig, ctx)]
    blocks += [Block("h2", "Jämförelse med referensdata"), *_reference(fig, ctx)]
    if "previous" in fig.extra:
        blocks += [Block("h2", "Jämfört med föregående lägesbild"), *_previous(fig, ctx)]
    return blocks


def _over_time(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    blocks = []
    if ctx.chart_png:
        blocks.append(Block("image", "Händelser per månad och kategori", image=ctx.chart_png))
    quarters = fig.by_period.reset_index()
    quarters["period"] = quarters["period"].astype(str).str.replace("Q", "K")  # SCB's way: 2025K1
    cols = [("period", "Kvartal", "text")]
    cols += [(c, label(c), "count") for c in fig.by_period.columns if c != "total"]
    cols += [("total", "Totalt", "count")]
    blocks.append(table_block("by_period", quarters, cols, k=ctx.k, shared=ctx.shared))
    return blocks


def _previous(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    cols = [
        ("category", "Kategori", "label"),
        ("n_before", "Föregående lägesbild", "count"),
        ("n_now", "Denna lägesbild", "count"),
        ("change_pct", "Förändring (%)", "pct"),
    ]
    return [table_block("previous", fig.extra["previous"], cols, k=ctx.k, shared=ctx.shared)]


def _areas(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    areas = fig.extra.get("areas")
    if areas is None:
        return [
            Block(
                "p",
                "Ingen områdesindelning gavs (DeSO, RegSO eller kommunens stadsdelar), så "
                "lägesbilden redovisar inte händelserna per område.",
            )
        ]
    a = areas.attrs
    blocks = [
        Block(
            "p",
            f"Händelser med datum och plats under de senaste 12 månaderna per område "
            f"({len(areas)} områden; {a.get('outside', 0)} händelser utanför alla områden). "
            "Förändringen jämför med de 12 månaderna före.",
        )
    ]
    if a.get("synthetic_population"):
        blocks.append(Block("note", "Befolkningstalen är syntetiska."))
    blocks.append(Block("table", table=_area_table(areas, ctx)))
    return blocks


def _area_table(areas: pd.DataFrame, ctx: DocContext) -> Table:
    """The areas' own table for people (:func:`trygghet_geo.areas.summary_table`: in the shared mode counts
    under k as "<k" and the rate, share and change of such an area left blank, since a rate and a
    population give the count back)."""
    from trygghet_geo.areas import summary_table

    shown = summary_table(areas, privacy="shared" if ctx.shared else "internal", k=ctx.k, lang="sv")
    hidden = fig_hidden(areas, ctx)
    if hidden is not None:  # what the town's other tables would give back (_lagesbild_gate)
        from trygghet_geo._kgate import HIDDEN

        for col in hidden.columns:
            name = "Händelser" if col == "n" else col[2:]
            if name in shown.columns:
                shown.loc[hidden[col].to_numpy(), name] = HIDDEN
        gone = hidden["n"].to_numpy()
        for name in ("Per 1 000 inv.", "Andel (%)", "Förändring (%)"):  # each gives the count back
            if name in shown.columns:
                shown.loc[gone, name] = ""
    shown = shown.rename(columns={c: label(c) for c in shown.columns})
    text_columns = {"Område", "Kod", "Platser"}
    rows = [
        ["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in r]
        for r in shown.itertuples(index=False)
    ]
    numeric = [c not in text_columns for c in shown.columns]
    return Table("areas", [str(c) for c in shown.columns], rows, numeric)


def fig_hidden(areas: pd.DataFrame, ctx: DocContext) -> pd.DataFrame | None:
    """The areas' cells the town's tables hide together (``_lagesbild_gate``), if any."""
    from trygghet_geo.output._lagesbild_gate import AREAS_HIDDEN

    hidden = areas.attrs.get(AREAS_HIDDEN)
    return hidden if ctx.shared and isinstance(hidden, pd.DataFrame) else None


def _places_map(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    t = fig.totals
    blocks = [
        Block(
            "p",
            f"{t['n_hotspots']} koncentrationer av händelser längs gatorna; "
            f"{t['n_places']} platser redovisas"
            + (f" (en koncentration visas bara när den har minst {ctx.k} händelser)" if ctx.shared else "")
            + ".",
        )
    ]
    if ctx.map_png:
        blocks.append(
            Block(
                "image",
                "Karta: gatunätet och de redovisade platserna (numrerade efter rang)",
                image=ctx.map_png,
            )
        )
    blocks.append(
        table_block(
            "places_extent",
            fig.places.head(max(ctx.top_n, 10)),
            [
                ("rank", "Rang", "text"),
                ("name", "Plats", "text"),
                ("problem", "Vanligaste problem", "label"),
                ("n_incidents", "Händelser", "count"),
                ("n_6m", "Senaste 6 mån", "count"),
                ("trend_6m_pct", "Trend 6 mån (%)", "pct"),
                ("n_observations", "Synpunkter", "rows"),  # remark counts are shown (_remarks_rule)
            ],
            k=ctx.k,
            shared=ctx.shared,
        )
    )
    return blocks


def _consequences(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    r = fig.remarks.set_index("topic")["n"]
    unsafe = int(r.get("folksamling/otrygghet", 0))
    blocks = [
        Block(
            "p",
            f"Konsekvenser i form av otrygghet syns i trygghetsvandringarna: "
            f"{unsafe} av {fig.totals['n_observations']} "
            "synpunkter gäller folksamlingar eller otrygghet (avsnitt 2). Kostnader och utsatthet "
            "finns inte i underlaget.",
        )
    ]
    survey = fig.extra.get("survey")
    if survey is None:
        blocks.append(
            Block(
                "p",
                "Inga uppgifter från en trygghetsundersökning gavs; lägesbilden säger därför "
                "inget om hur trygga invånarna känner sig.",
            )
        )
    else:
        blocks.append(
            table_block(
                "survey",
                survey,
                [
                    ("indicator", "Fråga/indikator", "text"),
                    ("region", "Område", "text"),
                    ("year", "År", "text"),
                    ("value", "Värde", "num1"),
                    ("change", "Förändring sedan föregående år", "num1"),
                ],
                k=ctx.k,
                shared=False,
                caption="Trygghetsundersökningen",
            )
        )
    return blocks


def _reference(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    ref = fig.extra.get("reference")
    if ref is None:
        return [
            Block(
                "p",
                "Referensdata gavs inte (Brås statistik över anmälda brott per 100 000 invånare "
                "per kommun), så lägesbilden jämför inte kommunen med andra eller med riket.",
            )
        ]
    years = ", ".join(str(y) for y in ref.attrs.get("years", []))
    return [
        Block(
            "p",
            f"Anmälda brott per 100 000 invånare enligt Brå (år {years}) och underlagets antal "
            "händelser samma år. Underlaget är polisens utdrag för området och behöver inte omfatta "
            "alla anmälda brott.",
        ),
        table_block(
            "reference",
            ref,
            [
                ("category", "Kategori", "label"),
                ("year", "År", "text"),
                ("region", "Område", "text"),
                ("per_100k", "Per 100 000 inv. (Brå)", "num1"),
                ("change_pct", "Förändring mot året före (%)", "pct"),
                ("n_data", "Händelser i underlaget", "count_known"),  # none for a year not covered
                ("data_per_100k", "Underlaget per 100 000 inv.", "num1"),
            ],
            k=ctx.k,
            shared=ctx.shared,
        ),
    ]


# --- 2 Övrig relevant information ----------------------------------------------------------------------
def _other(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    t = fig.totals
    rem = fig.remarks.copy()
    rem["measures"] = ["; ".join(m) for m in rem["measures"]]
    blocks = [
        Block("h2", "Trygghetsvandringar"),
        Block(
            "p",
            f"{t['n_observations']} synpunkter från trygghetsvandringar, varav {t['n_remarks_used']} "
            "med i rangordningen av platser (övriga saknar säker plats, är åtgärdade eller är "
            "positiva/neutrala; se avsnitt 6).",
        ),
        table_block(
            "remarks",
            rem,
            [
                ("topic", "Ämne", "label"),
                # remark counts are shown exactly in every shared export: see REMARKS_RULE
                ("n", "Synpunkter", "rows"),
                ("n_problem", "Varav problem", "rows"),
                ("n_resolved", "Varav åtgärdade", "rows"),
                ("measures", "Vanligaste åtgärdsförslag", "text"),
            ],
            k=ctx.k,
            shared=ctx.shared,
        ),
        Block("h2", "Andra källor"),
    ]
    if not ctx.other_sources:
        blocks.append(
            Block(
                "p",
                "Inga andra källor har lagts till (t.ex. skolans, socialtjänstens, "
                "räddningstjänstens eller fastighetsägarnas iakttagelser).",
            )
        )
    for heading, body in ctx.other_sources:
        if heading:
            blocks.append(Block("h3", heading))
        blocks += [Block("p", part) for part in body.split("\n\n") if part.strip()]
    return blocks


# --- 3 Analys ------------------------------------------------------------------------------------------
def _analysis(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    top = fig.places.head(ctx.top_n)
    blocks = [
        Block(
            "p",
            "Problemen är prioriterade efter rangordningen av platser: brott viktade efter löftets "
            "prioriteringar, aktualitet, synpunkter från trygghetsvandringar och statistisk säkerhet. "
            "Säkerställd betyder att koncentrationen är tätare än slumpen ger (q-värde högst "
            f"{num(fig.totals['alpha'], 2)}); stabilitet är andelen av {fig.totals['stability_runs']} "
            "närliggande inställningar som hittar platsen igen.",
        ),
        Block("h2", "Prioriterade problem"),
        table_block(
            "problems",
            top,
            [
                ("rank", "Rang", "text"),
                ("name", "Plats", "text"),
                ("problem", "Problem", "label"),
                ("reason", "Motivering", "text"),
                ("trend_6m_pct", "Trend 6 mån (%)", "pct"),
                ("q_value", "q-värde", "p"),
                ("significant", "Säkerställd", "yesno"),
                ("stability", "Stabilitet", "num2"),
            ],
            k=ctx.k,
            shared=ctx.shared,
        ),
        Block("h2", "Orsaksanalys"),
        Block(
            "p",
            "En tabell per prioriterat problem för den gemensamma analysen med polisen: fyll i orsaker, "
            "målgrupp och aktörer.",
        ),
    ]
    for r in top.to_dict("records"):
        problem = f"{label(r['problem'])} vid {r['name']}" if r["problem"] else str(r["name"])
        blocks += [
            Block("h3", f"{r['rank']}. {r['name']}"),
            Block("table", table=_cause_table(f"cause_{r['rank']}", problem)),
        ]
    if top.empty:
        blocks.append(Block("p", "Inga platser att prioritera i underlaget."))
    return blocks


def _cause_table(key: str, problem: str) -> Table:
    return Table(key, list(CAUSE_COLUMNS), [[problem, "", "", ""]], [False] * 4)


# --- 4 Åtgärdsplan, 5 Uppföljning -----------------------------------------------------------------------
PLAN_COLUMNS = [
    ("row", "Rad", "text"),
    ("place", "Plats", "text"),
    ("problem", "Problem", "text"),
    ("measure", "Åtgärd", "text"),
    ("responsible", "Ansvarig", "text"),
    ("goal", "Mätbart mål", "text"),
    ("start_date", "Start", "text"),
    ("followup_date", "Uppföljning", "text"),
    ("status", "Status", "text"),
    ("notes", "Anteckningar", "text"),
]


def _plan(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    plan = fig.extra.get("plan")
    if plan is None:
        return [
            Block(
                "p",
                "Ingen åtgärdsplan gavs. Skriv in beslutade åtgärder per plats (plats, problem, "
                "åtgärd, ansvarig, mätbart mål, start, uppföljning, status) och ge filen till "
                "lägesbilden.",
            )
        ]
    cols = [c for c in PLAN_COLUMNS if c[0] in plan.columns]
    by_status = plan["status"].value_counts() if "status" in plan else pd.Series(dtype=int)
    status = ", ".join(f"{n} {s}" for s, n in by_status.items())
    return [
        Block("p", f"{len(plan)} åtgärder i registret" + (f" ({status})." if status else ".")),
        table_block("plan", _dates_as_text(plan, ctx.shared), cols, k=ctx.k, shared=ctx.shared),
    ]


FOLLOWUP_COLUMNS = [
    ("place", "Plats", "text"),
    ("measure", "Åtgärd", "text"),
    ("after_start", "Från", "text"),
    ("n_before", "Före", "count"),
    ("n_after", "Efter", "count"),
    ("change_pct", "Förändring (%)", "pct"),
    ("town_change_pct", "Övriga kommunen (%)", "pct"),
    ("improved", "Bättre än kommunen", "yesno"),
    ("goal", "Mätbart mål", "text"),
    ("goal_met", "Målet nått", "yesno"),
    ("result_text", "Resultat", "text"),
]


def result_text(code: Any) -> str:
    """The Swedish sentence of a follow-up result code (the text catalogue's ``plan.result.<code>``)."""
    from trygghet_geo._text import TEXTS, text

    key = f"plan.result.{code}"
    return text(key, "sv") if key in TEXTS else str(code or "")


def _followup(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    follow = fig.extra.get("followup")
    if follow is None:
        return [Block("p", "Ingen uppföljning per åtgärd: den kräver en åtgärdsplan med startdatum.")]
    follow = follow.assign(result_text=[result_text(c) for c in follow.get("result", [""] * len(follow))])
    cols = [c for c in FOLLOWUP_COLUMNS if c[0] in follow.columns]
    n_met, n_imp = fig.totals["n_goals_met"], fig.totals["n_measures_improved"]
    if ctx.shared:  # the follow-up report's rule: both or neither, and none the places beside give back
        from trygghet_geo._kgate_linked import shared_measures

        follow = shared_measures(follow, fig.places, k=ctx.k)
    return [
        Block(
            "p",
            f"Varje åtgärd följs upp på sin plats från sitt startdatum mot resten av kommunen: "
            f"{n_imp} av {len(follow)} har minskat mer än övriga kommunen (statistiskt säkerställt), "
            f"{n_met} har nått sitt mätbara mål.",
        ),
        table_block("followup", _dates_as_text(follow, ctx.shared), cols, k=ctx.k, shared=ctx.shared),
    ]


def _dates_as_text(frame: pd.DataFrame, shared: bool) -> pd.DataFrame:
    """Dates as text: by month in the shared mode (as every shared output gives them), else by day."""
    out = pd.DataFrame(
        frame.drop(columns=[getattr(frame, "_geometry_column_name", "geometry")], errors="ignore")
    ).copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m" if shared else "%Y-%m-%d").fillna("")
    return out


# --- 6 Källor och begränsningar --------------------------------------------------------------------------
def _sources(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    t = fig.totals
    used = [
        f"Polisens utdrag: {t['n_rows']} rader ({t['first_month']} – {t['last_month']}).",
        f"Trygghetsvandringar: {t['n_observations']} synpunkter.",
        "Gatunät: © OpenStreetMap contributors (ODbL).",
    ]
    if ctx.source_note:
        used.append(f"Om underlaget: {ctx.source_note}.")
    names = {
        "areas": "Områdesindelning (DeSO, RegSO eller stadsdelar)",
        "plan": "Åtgärdsplan (register)",
        "reference": "Brås statistik över anmälda brott per kommun",
        "survey": "Trygghetsundersökning",
        "previous": "Föregående lägesbild",
    }
    used += [f"{v}." for key, v in names.items() if key in fig.extra]
    used += [f"Andra källor: {h or 'text från användaren'}." for h, _ in ctx.other_sources]
    missing = [f"{v}: gavs inte." for key, v in names.items() if key not in fig.extra]
    if not ctx.other_sources:
        missing.append("Andra källor (text från användaren): gavs inte.")
    left = fig.left_out.assign(
        kind=fig.left_out["kind"].map({"incidents": "händelser", "observations": "synpunkter"}),
        text=fig.left_out["reason"].map(reason_label),
    )
    n_left = int(fig.left_out.loc[fig.left_out["kind"] == "incidents", "n"].sum())
    blocks = [
        Block("h2", "Källor som använts"),
        Block("list", items=tuple(used)),
        Block("h2", "Källor som inte använts"),
        Block("list", items=tuple(missing)),
        Block("h2", "Rader utanför analysen"),
        Block(
            "p",
            f"Ingen rad försvinner: {t['n_clustered']} händelser är med i analysen av platser och "
            f"{n_left} är utanför den, med skäl "
            "nedan (de räknas ändå i kommunens omfattning i avsnitt 1, utom dubbletter).",
        ),
        table_block(
            "left_out",
            left,
            [
                ("kind", "Rader", "text"),
                ("text", "Orsak", "text"),
                ("reason", "Kod", "text"),
                ("n", "Antal", "rows"),
            ],
            k=ctx.k,
            shared=ctx.shared,
        ),
        Block("h2", "Precision"),
        Block(
            "p",
            "Hur noga varje händelse är placerad. Bara platser med gatuprecision (exakta koordinater "
            "till plats/landmärke) klustras; grövre placering räknas bara för kommunen.",
        ),
        table_block(
            "precision",
            fig.precision,
            [("precision", "Precision", "label"), ("n", "Händelser", "rows")],
            k=ctx.k,
            shared=ctx.shared,
        ),
        Block("h2", "Syntetiska data"),
        Block(
            "p",
            "Händelserna och synpunkterna är syntetiska (påhittade) exempeldata."
            if ctx.synthetic
            else "Underlaget är inte märkt som syntetiskt.",
        ),
        Block("h2", "Metod och inställningar"),
        Block("list", items=tuple(_method(fig, ctx))),
        Block("h2", "Om analysen"),
        Block("about", markup=ctx.about_markup, table=_about_table(ctx)),
    ]
    return blocks


def _method(fig: LagesbildFigures, ctx: DocContext) -> list[str]:
    from trygghet_geo._kgate import HIDDEN

    m = ctx.meta
    lines = [
        f"Koncentrationer: DBSCAN på avstånd längs gatorna, eps {num(m.get('eps_m'), 0)} m och minst "
        f"{m.get('min_samples', '')} händelser inom eps."
    ]
    if ctx.parameters_note:
        lines.append(f"Så valdes inställningarna: {ctx.parameters_note}.")
    lines.append(
        f"Statistisk säkerhet: {m.get('n_simulations', '')} Monte Carlo-simuleringar; q-värdet är "
        "justerat för att många platser prövas (Benjamini–Hochberg)."
    )
    lines.append(
        f"Förändring mellan perioder: kvoten mellan antal per månad med exakt {LEVEL} konfidensintervall "
        "(Clopper–Pearson)."
    )
    lines.append(
        f"Integritet: {'delningsläge' if ctx.shared else 'internt läge'}; "
        + (
            f"antal under {ctx.k}, och antal som annars skulle kunna räknas fram ur andra, visas som "
            f"{HIDDEN}; synpunkter redovisas alltid exakt (kartan visar var och en); "
            f"platser med färre än {ctx.k} händelser redovisas inte, "
            if ctx.shared
            else ""
        )
        + "fritext är avidentifierad och datum anges per månad."
    )
    return lines


def _about_table(ctx: DocContext) -> Table:
    return Table("about", ["Uppgift", "Värde"], [list(r) for r in ctx.about_rows], [False, False])


# --- Bilaga: medborgarlöften ---------------------------------------------------------------------------
def _candidates(fig: LagesbildFigures, ctx: DocContext) -> list[Block]:
    top = fig.places.head(ctx.top_n).copy()
    top["problem_text"] = [label(p) for p in top["problem"]]
    top["measure"] = ""
    top["owner"] = ""
    blocks = [
        Block(
            "p",
            f"De {len(top)} högst prioriterade platserna som kandidater till medborgarlöften, med "
            "problemet, det åtgärdsförslag trygghetsvandringarna gav oftast inom platsen och ett fält för "
            "den åtgärd och ansvarig som gruppen föreslår.",
        ),
        table_block(
            "candidates",
            top,
            [
                ("rank", "Rang", "text"),
                ("name", "Plats", "text"),
                ("problem_text", "Problem", "text"),
                ("reason", "Underlag", "text"),
                ("suggestion", "Förslag från trygghetsvandringar", "text"),
                ("measure", "Föreslagen åtgärd", "text"),
                ("owner", "Ansvarig", "text"),
            ],
            k=ctx.k,
            shared=ctx.shared,
        ),
    ]
    if ctx.public_map:
        blocks.append(
            Block(
                "p",
                f"Karta för allmänheten (delningsläge, utan enskilda händelser under k): {ctx.public_map}.",
            )
        )
    return blocks


def cells(blocks: Sequence[Block], key: str) -> list[list[str]]:
    """The rows of the table ``key`` of a document (for tests and checks)."""
    return next(b.table.rows for b in blocks if b.table is not None and b.table.key == key)
