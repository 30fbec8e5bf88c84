"""The sv/en strings a user reads from the command line and the charts, behind one lookup: :func:`text`.

``lang=None`` means ``trygghet_geo.options.lang`` (Swedish unless set), so ``options.lang = "en"`` or
``trygghet-geo analyze --lang en`` switches the summary, the map and its labels at once. (The map's own
labels are in :data:`trygghet_geo.output._mapdata.LABELS`, looked up with the same language.)

>>> text("summary.hotspots", n=3, lang="en")
'Hotspots: 3'
>>> text("summary.hotspots", n=3, lang="sv")
'Hotspots: 3'
>>> text("summary.top", lang="en")
'Top 5 places for joint visits:'
"""

from __future__ import annotations

from typing import Final, Literal

from trygghet_geo._text_cli import CLI_TEXTS
from trygghet_geo.errors import ParameterError

__all__ = ["LANGS", "TEXTS", "resolve_lang", "text"]

LANGS: Final = ("sv", "en")

TEXTS: Final[dict[str, dict[str, str]]] = {
    "summary.read": {
        "sv": "Händelser lästa: {n}  (geokodade från platstext: {geocoded}, med i klustringen: {used})",
        "en": "Incidents read: {n}  (geocoded from place text: {geocoded}, clustered: {used})",
    },
    "summary.time_unknown": {
        "sv": "  varav tid saknas (datumet räknas, inte klockslaget): {n}",
        "en": "  of which without a time of day (the date counts, the hour does not): {n}",
    },
    "summary.left_out": {"sv": "Utelämnade ur klustringen:", "en": "Left out of the clustering:"},
    "summary.remarks": {
        "sv": "Trygghetsvandringens synpunkter: {n}  (med i rangordningen: {used}, utelämnade: {left})",
        "en": "Safety-walk remarks: {n}  (in the ranking: {used}, left out: {left})",
    },
    "summary.hotspots": {"sv": "Hotspots: {n}", "en": "Hotspots: {n}"},
    "summary.top": {"sv": "Topp 5 platser för gemensamma besök:", "en": "Top 5 places for joint visits:"},
    "summary.none_placed": {
        "sv": "  (inga: ingen händelse kunde placeras på gatunätet; se skälen ovan)",
        "en": "  (none: no incident could be placed on the street network; see the reasons above)",
    },
    "summary.none_found": {
        "sv": "  (inga: inga koncentrationer som sticker ut från resten av gatunätet)",
        "en": "  (none: no concentration stands out from the rest of the street network)",
    },
    "summary.settings": {"sv": "Inställningar: {note}", "en": "Settings: {note}"},
    "files.map": {"sv": "Karta:      {path}", "en": "Map:        {path}"},
    "files.places": {"sv": "Platser:    {path} (+ .xlsx)", "en": "Places:     {path} (+ .xlsx)"},
    "files.left_out": {
        "sv": "Utelämnade: {path} ({n} rader med skäl)",
        "en": "Left out:   {path} ({n} rows with their reason)",
    },
    "files.remarks_left_out": {
        "sv": "Utelämnade synpunkter: {path} ({n} rader med skäl)",
        "en": "Remarks left out: {path} ({n} rows with their reason)",
    },
    "files.report": {
        "sv": "Rapport:    {path} (+ .xlsx); så gjordes filerna: {manifest}",
        "en": "Report:     {path} (+ .xlsx); how the files were made: {manifest}",
    },
    # --- the lägesbild (output/_lagesbild.py)
    "files.lagesbild": {"sv": "Lägesbild:  {path} (+ .docx)", "en": "Lägesbild:  {path} (+ .docx)"},
    # the "Om analysen" panel of every HTML output (output/_provenance.py), the XLSX sheet (io/_stamp.py)
    "about.title": {"sv": "Om analysen", "en": "About this analysis"},
    "about.version": {"sv": "Version", "en": "Version"},
    "about.started": {"sv": "Skapad", "en": "Started"},
    "about.parameters": {"sv": "Inställningar", "en": "Parameters"},
    "about.why": {"sv": "Varför", "en": "Why"},
    "about.inputs": {
        "sv": "Indata (SHA-256, första 12 tecknen)",
        "en": "Inputs (SHA-256, first 12 characters)",
    },
    "about.output": {"sv": "Utdata", "en": "Output"},
    "about.counts": {"sv": "Antal", "en": "Counts"},
    "about.full": {
        "sv": "Hela beskrivningen finns som JSON i filen (trygghet-manifest).",
        "en": "The whole manifest is in the file as JSON (trygghet-manifest).",
    },
    "about.key": {"sv": "Nyckel", "en": "Key"},
    "about.value": {"sv": "Värde", "en": "Value"},
    "about.sheet": {"sv": "Om analysen", "en": "About this analysis"},
    "wrote": {"sv": "Skrev", "en": "Wrote"},
    # emerging hotspots (hotspots/_emerging.py): ArcGIS Pro's pattern names
    "pattern.new": {"sv": "Ny hotspot", "en": "New hot spot"},
    "pattern.consecutive": {"sv": "Sammanhängande hotspot", "en": "Consecutive hot spot"},
    "pattern.intensifying": {"sv": "Växande hotspot", "en": "Intensifying hot spot"},
    "pattern.persistent": {"sv": "Bestående hotspot", "en": "Persistent hot spot"},
    "pattern.diminishing": {"sv": "Avtagande hotspot", "en": "Diminishing hot spot"},
    "pattern.sporadic": {"sv": "Sporadisk hotspot", "en": "Sporadic hot spot"},
    "pattern.oscillating": {"sv": "Växlande hotspot", "en": "Oscillating hot spot"},
    "pattern.historical": {"sv": "Tidigare hotspot", "en": "Historical hot spot"},
    "pattern.cold_new": {"sv": "Ny kallpunkt", "en": "New cold spot"},
    "pattern.cold_consecutive": {"sv": "Sammanhängande kallpunkt", "en": "Consecutive cold spot"},
    "pattern.cold_intensifying": {"sv": "Växande kallpunkt", "en": "Intensifying cold spot"},
    "pattern.cold_persistent": {"sv": "Bestående kallpunkt", "en": "Persistent cold spot"},
    "pattern.cold_diminishing": {"sv": "Avtagande kallpunkt", "en": "Diminishing cold spot"},
    "pattern.cold_sporadic": {"sv": "Sporadisk kallpunkt", "en": "Sporadic cold spot"},
    "pattern.cold_oscillating": {"sv": "Växlande kallpunkt", "en": "Oscillating cold spot"},
    "pattern.cold_historical": {"sv": "Tidigare kallpunkt", "en": "Historical cold spot"},
    "pattern.no_pattern": {"sv": "Inget mönster", "en": "No pattern detected"},
    # near repeat (hotspots/_near_repeat.py)
    "near_repeat.none": {
        "sv": "Inga närliggande upprepningar utöver slumpen.",
        "en": "No near repeats beyond chance.",
    },
    "near_repeat.head": {"sv": "Närliggande upprepningar:", "en": "Near repeats:"},
    "near_repeat.cell": {
        "sv": "inom {s0}–{s1} m och {t0}–{t1} dagar: {ratio} gånger fler än slumpen",
        "en": "within {s0}–{s1} m and {t0}–{t1} days: {ratio} times more than chance",
    },
    # time along the streets on the map and in the report (issue 18: output/_trendmap.py, report section)
    "map.trend": {"sv": "Utveckling", "en": "Development"},
    "map.trend_legend": {
        "sv": "Utveckling längs gatorna ({step})",
        "en": "Development along the streets ({step})",
    },
    "map.time_filter": {"sv": "Tidsfilter", "en": "Time filter"},
    "map.time_from": {"sv": "Från", "en": "From"},
    "map.time_to": {"sv": "Till", "en": "To"},
    "map.time_shown": {"sv": "Visade händelser", "en": "Incidents shown"},
    "map.time_in_range": {"sv": "Händelser i valt intervall", "en": "Incidents in the chosen period"},
    "report.trend_title": {"sv": "Utvecklingen över tid", "en": "Development over time"},
    "report.trend_intro": {
        "sv": "Mönster per gatusegment ({segment} m) över {n} {step} enligt ArcGIS Emerging Hot Spot "
        "Analysis (Getis-Ord Gi* längs gatorna, Mann–Kendall-trend).",
        "en": "Pattern per street segment ({segment} m) over {n} {step} as in ArcGIS Emerging Hot Spot "
        "Analysis (Getis-Ord Gi* along the streets, Mann–Kendall trend).",
    },
    "report.trend_place": {"sv": "Plats", "en": "Place"},
    "report.trend_pattern": {"sv": "Mönster", "en": "Pattern"},
    "report.trend_z": {"sv": "Trend (z)", "en": "Trend (z)"},
    "report.trend_none": {
        "sv": "Inga platser med ett mönster över tid.",
        "en": "No place with a pattern over time.",
    },
    "report.near_repeat_title": {"sv": "Närliggande upprepningar", "en": "Near repeats"},
    "report.nr_space": {"sv": "Avstånd längs gatan (m)", "en": "Distance along the streets (m)"},
    "report.nr_time": {"sv": "Tid mellan (dagar)", "en": "Time between (days)"},
    "report.nr_observed": {"sv": "Par", "en": "Pairs"},
    "report.nr_expected": {"sv": "Väntat", "en": "Expected"},
    "report.nr_ratio": {"sv": "Kvot", "en": "Ratio"},
    "report.nr_p": {"sv": "p-värde", "en": "p-value"},
    "step.month": {"sv": "månader", "en": "months"},
    "step.week": {"sv": "veckor", "en": "weeks"},
    "step.day": {"sv": "dagar", "en": "days"},
    "step.quarter": {"sv": "kvartal", "en": "quarters"},
    "step.year": {"sv": "år", "en": "years"},
    "chart.promise": {"sv": "Löftet", "en": "Promise"},
    "chart.town": {"sv": "Övriga kommunen (skalad)", "en": "Rest of town (scaled)"},
    "chart.count": {"sv": "Händelser per månad", "en": "Incidents per month"},
    "chart.empty": {"sv": "Inga platser att visa", "en": "No places to show"},
    "rejected_rows": {"sv": "Avvisade rader", "en": "Rejected rows"},
    # notebooks: Analysis._repr_html_ and StreetNetwork._repr_html_ (_repr.py)
    "repr.incidents": {"sv": "Händelser lästa", "en": "Incidents read"},
    "repr.clustered": {"sv": "Med i klustringen", "en": "Clustered"},
    "repr.left_out": {"sv": "Utelämnade", "en": "Left out"},
    "repr.remarks": {"sv": "Synpunkter", "en": "Remarks"},
    "repr.remarks_used": {"sv": "Synpunkter i rangordningen", "en": "Remarks in the ranking"},
    "repr.hotspots": {"sv": "Hotspots", "en": "Hotspots"},
    "repr.significant": {"sv": "Varav signifikanta", "en": "Of which significant"},
    "repr.why_left_out": {"sv": "Utelämnade och varför:", "en": "Left out, and why:"},
    "repr.top": {"sv": "Topp {n} platser:", "en": "Top {n} places:"},
    "repr.parameters": {"sv": "Inställningar", "en": "Parameters"},
    "repr.nodes": {"sv": "Noder", "en": "Nodes"},
    "repr.edges": {"sv": "Länkar", "en": "Edges"},
    "repr.length": {"sv": "Gatulängd", "en": "Street length"},
    "repr.named": {"sv": "Med gatunamn", "en": "Named"},
    "repr.attributes": {"sv": "Attribut", "en": "Attributes"},
    # hotspot popups: street lighting along the hotspot's streets (OSM lit=*)
    "lit.missing": {
        "sv": "belysning: saknas på {pct} % av gatorna",
        "en": "lighting: missing on {pct} % of the streets",
    },
    "lit.unknown": {"sv": "belysning: okänd", "en": "lighting: unknown"},
    "lit.present": {"sv": "belysning: finns på gatorna", "en": "lighting: present on the streets"},
    # the measures register's follow-up (plan.followup_plan: result codes)
    "plan.result.goal_met": {"sv": "Målet nått", "en": "Goal met"},
    "plan.result.improved_short_of_goal": {
        "sv": "Förbättrat mot resten av kommunen, men målet är inte nått",
        "en": "Improved against the rest of the town, goal not reached",
    },
    "plan.result.goal_not_met": {"sv": "Målet inte nått", "en": "Goal not met"},
    "plan.result.not_measurable": {
        "sv": "Målet kan inte mätas i polisens händelser",
        "en": "The goal cannot be measured in police incidents",
    },
    "plan.result.not_started": {
        "sv": "Inte påbörjad inom datans period",
        "en": "Not started within the data's period",
    },
    "plan.result.no_history": {
        "sv": "För kort historik före start att jämföra med",
        "en": "Too little history before the start to compare with",
    },
    # --- the nationwide run's index page (batch) ---
    "batch.title": {
        "sv": "Hela landet: kommunernas hotspots",
        "en": "Nationwide: the municipalities' hotspots",
    },
    "batch.synthetic": {"sv": "Syntetiska exempeldata", "en": "Synthetic example data"},
    "batch.summary": {
        "sv": "{done} kommuner klara, {skipped} från en tidigare körning, {failed} misslyckade, {empty} utan "
        "händelser; {unassigned} händelser utanför alla kommuner; {seconds:.0f} s",
        "en": "{done} municipalities done, {skipped} from an earlier run, {failed} failed, {empty} without "
        "incidents; {unassigned} incidents in no municipality; {seconds:.0f} s",
    },
    "batch.col.code": {"sv": "Kommunkod", "en": "Municipality code"},
    "batch.col.name": {"sv": "Kommun", "en": "Municipality"},
    "batch.col.status": {"sv": "Status", "en": "Status"},
    "batch.col.incidents": {"sv": "Händelser", "en": "Incidents"},
    "batch.col.halo": {"sv": "Grannars händelser (halo)", "en": "Neighbours' incidents (halo)"},
    "batch.col.hotspots": {"sv": "Hotspots", "en": "Hotspots"},
    "batch.col.places": {"sv": "Platser", "en": "Places"},
    "batch.col.top": {"sv": "Första platsen", "en": "First place"},
    "batch.col.error": {"sv": "Fel", "en": "Error"},
    "batch.status.done": {"sv": "klar", "en": "done"},
    "batch.status.skipped": {"sv": "klar (tidigare)", "en": "done (earlier)"},
    "batch.status.failed": {"sv": "misslyckades", "en": "failed"},
    "batch.status.empty": {"sv": "inga händelser", "en": "no incidents"},
    "batch.status.unassigned": {"sv": "utanför kommunerna", "en": "in no municipality"},
    # the board report (output/report.py and templates/report.html.j2)
    "report.title": {
        "sv": "Uppföljning av medborgarlöftet – {title}",
        "en": "Follow-up of the citizen promise – {title}",
    },
    "report.default_title": {"sv": "trygghetskarta", "en": "safety map"},
    "report.meta": {
        "sv": "Dataperiod {period} · löftets datum {promise} · skapad {generated}",
        "en": "Data period {period} · promise date {promise} · created {generated}",
    },
    "report.synthetic_head": {"sv": "Syntetiska exempeldata.", "en": "Synthetic example data."},
    "report.synthetic_body": {
        "sv": "Händelser och synpunkter i denna rapport är påhittade och beskriver inga verkliga händelser.",
        "en": "The incidents and remarks in this report are made up and describe no real events.",
    },
    "report.h_summary": {"sv": "Sammanfattning", "en": "Summary"},
    "report.h_map": {"sv": "Karta", "en": "Map"},
    "report.map_note": {
        "sv": "Delningsläge: enstaka händelser visas bara där minst {k} delar en ruta, övriga som antal per "
        "ruta; koncentrationer visas bara med minst {k} händelser; anteckningar är avidentifierade och datum "
        "visas per månad.",
        "en": "Shared mode: single incidents are shown only where at least {k} share a cell, the others as "
        "counts per cell; concentrations are shown only with at least {k} incidents; notes are de-identified "
        "and dates are shown by month.",
    },
    "report.h_places": {"sv": "Platser för gemensamma besök", "en": "Places for joint visits"},
    "report.places_note": {
        "sv": "De {shown} högst rangordnade av {n} platser. Poängen väger samman brott (viktade "
        "efter löftets "
        "prioriteringar), aktualitet, synpunkter från trygghetsvandringar och statistisk säkerhet.",
        "en": "The {shown} highest ranked of {n} places. The score combines incidents (weighted by the "
        "promise's priorities), recency, safety-walk remarks and statistical certainty.",
    },
    "report.col.rank": {"sv": "Rang", "en": "Rank"},
    "report.col.place": {"sv": "Plats", "en": "Place"},
    "report.col.reason": {"sv": "Motivering", "en": "Reason"},
    "report.col.score": {"sv": "Poäng", "en": "Score"},
    "report.col.incidents": {"sv": "Händelser", "en": "Incidents"},
    "report.col.remarks": {"sv": "Synpunkter", "en": "Remarks"},
    "report.col.q": {"sv": "q-värde", "en": "q-value"},
    "report.col.significant": {"sv": "Säkerställd", "en": "Significant"},
    "report.col.basis": {"sv": "Underlag", "en": "Basis"},
    "report.h_follow": {"sv": "Uppföljning", "en": "Follow-up"},
    "report.follow_periods": {
        "sv": "Före: {before}. Efter: {after}. Jämförda månader: {months}.",
        "en": "Before: {before}. After: {after}. Months compared: {months}.",
    },
    "report.col.before": {"sv": "Före", "en": "Before"},
    "report.col.after": {"sv": "Efter", "en": "After"},
    "report.col.change": {"sv": "Förändring (%)", "en": "Change (%)"},
    "report.col.ci_pct": {"sv": "95 % KI (%)", "en": "95 % CI (%)"},
    "report.col.town": {"sv": "Övriga kommunen (%)", "en": "Rest of the town (%)"},
    "report.col.did": {"sv": "Kvot mot kommunen", "en": "Ratio to the town"},
    "report.col.ci": {"sv": "95 % KI", "en": "95 % CI"},
    "report.col.p": {"sv": "p-värde", "en": "p-value"},
    "report.col.improved": {"sv": "Bättre än kommunen", "en": "Better than the town"},
    "report.chart_alt": {
        "sv": "Händelser per månad och plats, med löftets datum markerat",
        "en": "Incidents per month and place, with the promise date marked",
    },
    "report.h_sources": {"sv": "Datakällor", "en": "Data sources"},
    "report.sources": {
        "sv": "{n_incidents} händelser från polisens utdrag och {n_observations} synpunkter från "
        "trygghetsvandringar.",
        "en": "{n_incidents} incidents from the police extract and {n_observations} remarks from "
        "safety walks.",
    },
    "report.osm": {
        "sv": "Gatunät: © OpenStreetMap contributors (ODbL).",
        "en": "Street network: © OpenStreetMap contributors (ODbL).",
    },
    "report.left_out_incidents": {
        "sv": "Utanför analysen: {n} händelser – {reason}.",
        "en": "Outside the analysis: {n} incidents – {reason}.",
    },
    "report.left_out_remarks": {
        "sv": "Utanför analysen: {n} synpunkter – {reason}.",
        "en": "Outside the analysis: {n} remarks – {reason}.",
    },
    "report.h_method": {"sv": "Metod", "en": "Method"},
    "report.method_clusters": {
        "sv": "Koncentrationer: DBSCAN på avstånd längs gatorna (eps {eps_m} m, minst {min_samples} "
        "händelser).",
        "en": "Concentrations: DBSCAN on distances along the streets (eps {eps_m} m, at least {min_samples} "
        "incidents).",
    },
    "report.method_settings": {"sv": " Inställningarna: {note}.", "en": " The settings: {note}."},
    "report.method_significance": {
        "sv": "Statistisk säkerhet: varje koncentration får ett mått på hur många fler händelser "
        "dess tätaste "
        "del (gatorna kring kärnhändelserna) har än gatulängden ger (Kulldorffs skanningsstatistik). "
        "Lika många "
        "händelser placeras sedan slumpvis längs gatorna ({n_simulations} simuleringar) och klustras om med "
        "samma inställningar. q-värdet jämför platsens mått med alla simulerade kluster och är "
        "justerat för att "
        "många platser prövas samtidigt (Benjamini–Hochberg); säkerställd = q-värde högst {q_alpha}. "
        "Excel-tabellen har även ett strängare p-värde (jämfört med det starkaste klustret i varje "
        "simulering).",
        "en": "Statistical certainty: each concentration gets a measure of how many more incidents "
        "its densest "
        "part (the streets around the core incidents) has than the street length gives (Kulldorff's scan "
        "statistic). As many incidents are then placed at random along the streets ({n_simulations} "
        "simulations) and clustered again with the same settings. The q-value compares the place's measure "
        "with every simulated cluster and is adjusted for testing many places at once (Benjamini–Hochberg); "
        "significant = q-value at most {q_alpha}. The Excel table also has a stricter p-value (against the "
        "strongest cluster of each simulation).",
    },
    "report.method_followup": {
        "sv": "Uppföljning: Poissonmodell för antal händelser. Förändringen har ett exakt konfidensintervall "
        "(Clopper–Pearson på andelen efter). En plats kallas bättre än kommunen först när kvoten mellan "
        "platsens och övriga kommunens förändring är under 1 och Fishers exakta test ger p < {alpha} efter "
        "justering för överspridning: varierar antalen mer från månad till månad än Poissonmodellen "
        "tillåter, "
        "blir p-värdet större (i tabellen står det justerade p-värdet; Excel-filen har båda och "
        "överspridningen). Perioderna jämförs under samma kalendermånader (säsong). Konfidensintervallen är "
        "Poissonmodellens och blir för smala vid stor överspridning.",
        "en": "Follow-up: a Poisson model of incident counts. The change has an exact confidence interval "
        "(Clopper–Pearson on the share after). A place is called better than the town only when the ratio of "
        "the place's change to the rest of the town's is below 1 and Fisher's exact test gives p < {alpha} "
        "after adjusting for over-dispersion: when the counts vary more from month to month than the Poisson "
        "model allows, the p-value grows (the table shows the adjusted p-value; the Excel file has both and "
        "the over-dispersion). The periods are compared over the same calendar months (season). The "
        "confidence intervals are the Poisson model's and are too narrow under strong over-dispersion.",
    },
    "report.method_street": {
        "sv": "Bara händelser med gatuprecision (kopplade till gatunätet) räknas i platserna och i övriga "
        "kommunen.",
        "en": "Only incidents with street precision (tied to the street network) count in the places and in "
        "the rest of the town.",
    },
    "report.sum_inputs": {
        "sv": "{n} polisregistrerade händelser och {m} synpunkter från trygghetsvandringar ingår.",
        "en": "{n} police-recorded incidents and {m} safety-walk remarks are included.",
    },
    "report.sum_hotspots.one": {
        "sv": "Analysen hittar {n_hot} koncentrationer längs gatorna, varav {n_sig} statistiskt säkerställd "
        "(mer samlade än slumpen ger).",
        "en": "The analysis finds {n_hot} concentrations along the streets, of which {n_sig} statistically "
        "significant (more clustered than chance gives).",
    },
    "report.sum_hotspots.many": {
        "sv": "Analysen hittar {n_hot} koncentrationer längs gatorna, varav {n_sig} statistiskt säkerställda "
        "(mer samlade än slumpen ger).",
        "en": "The analysis finds {n_hot} concentrations along the streets, of which {n_sig} statistically "
        "significant (more clustered than chance gives).",
    },
    "report.sum_top": {"sv": "Högst rangordnade platser: {names}.", "en": "Highest ranked places: {names}."},
    "report.sum_follow": {
        "sv": "Uppföljningen: {n_imp} av {n} utvalda platser har minskat mer än övriga kommunen (statistiskt "
        "säkerställt).",
        "en": "Follow-up: {n_imp} of {n} chosen places decreased more than the rest of the town "
        "(statistically "
        "significant).",
    },
    "report.yes": {"sv": "ja", "en": "yes"},
    "report.no": {"sv": "nej", "en": "no"},
    "report.kind.remarks": {"sv": "synpunkter", "en": "remarks"},
    "report.kind.incidents": {"sv": "brott", "en": "crime"},
    "report.area.polygon": {"sv": "polygon", "en": "polygon"},
    "report.area.radius_network": {"sv": "radie längs gatorna", "en": "radius along the streets"},
    "report.area.radius_euclidean": {"sv": "radie fågelvägen", "en": "straight-line radius"},
    # the reason line of a ranked place (trygghet_geo._reason renders rank's reason_codes)
    "reason.incidents_recent": {"sv": "{n} {noun} senaste 6 mån", "en": "{n} {noun} in the last 6 months"},
    "reason.none_before": {"sv": " (inga halvåret före)", "en": " (none in the half-year before)"},
    "reason.incidents_period": {
        "sv": "{n} händelser under perioden, inga senaste 6 mån",
        "en": "{n} incidents in the period, none in the last 6 months",
    },
    "reason.remarks_only": {"sv": "{n} {word} om {topic}", "en": "{n} {word} about {topic}"},
    "reason.remarks_mostly": {"sv": "{n} {word}, flest om {topic}", "en": "{n} {word}, most about {topic}"},
    "reason.remark.one": {"sv": "synpunkt", "en": "remark"},
    "reason.remark.many": {"sv": "synpunkter", "en": "remarks"},
    "reason.few_reports": {
        "sv": "få polisanmälningar ({n} senaste 12 mån)",
        "en": "few police reports ({n} in the last 12 months)",
    },
    "reason.unstable": {
        "sv": "beror på parametrarna (syns i {seen} av {runs} närliggande inställningar)",
        "en": "depends on the settings (seen in {seen} of {runs} nearby settings)",
    },
    "reason.few_events": {"sv": "få händelser", "en": "few events"},
    **{
        f"reason.noun.{cat}.{n}": {"sv": sv, "en": en}
        for cat, forms in {
            "narkotika": (("narkotikabrott", "narkotikabrott"), ("drug offence", "drug offences")),
            "stöld": (("stöld", "stölder"), ("theft", "thefts")),
            "trafik": (("trafikbrott", "trafikbrott"), ("traffic offence", "traffic offences")),
            "skadegörelse": (("skadegörelse", "skadegörelser"), ("act of vandalism", "acts of vandalism")),
            "våld": (("våldsbrott", "våldsbrott"), ("violent crime", "violent crimes")),
            "ordningsstörning": (
                ("ordningsstörning", "ordningsstörningar"),
                ("public order disturbance", "public order disturbances"),
            ),
            "övrigt": (("övrig händelse", "övriga händelser"), ("other incident", "other incidents")),
        }.items()
        for n, sv, en in (("one", forms[0][0], forms[1][0]), ("many", forms[0][1], forms[1][1]))
    },
    **{
        f"reason.topic.{cat}": {"sv": sv, "en": en}
        for cat, sv, en in (
            ("belysning", "belysning", "lighting"),
            ("vegetation", "vegetation", "vegetation"),
            ("skadegörelse/klotter", "klotter och skadegörelse", "graffiti and vandalism"),
            ("nedskräpning", "nedskräpning", "litter"),
            ("trafikmiljö", "trafikmiljön", "the traffic environment"),
            ("folksamling/otrygghet", "folksamlingar/otrygghet", "gatherings/feeling unsafe"),
            ("övrigt", "övrigt", "other matters"),
        )
    },
    "reason.daypart.morgnar": {"sv": "morgnar", "en": "mornings"},
    "reason.daypart.dagtid": {"sv": "dagtid", "en": "daytime"},
    "reason.daypart.kvällar": {"sv": "kvällar", "en": "evenings"},
    "reason.daypart.nätter": {"sv": "nätter", "en": "nights"},
    # the map's vector basemap (output/_basemap.py)
    "basemap.water": {"sv": "Bakgrund: vatten", "en": "Background: water"},
    "basemap.green": {"sv": "Bakgrund: parker och grönområden", "en": "Background: parks and green areas"},
    "basemap.buildings": {"sv": "Bakgrund: byggnader", "en": "Background: buildings"},
    "basemap.rail": {"sv": "Bakgrund: järnväg och spårväg", "en": "Background: railway and tramway"},
    "basemap.attribution": {
        "sv": "Bakgrund © OpenStreetMap contributors (ODbL)",
        "en": "Background © OpenStreetMap contributors (ODbL)",
    },
    # --- shared outputs name no input file (a file name may carry a name): the role of the file instead
    "source.incidents": {"sv": "händelsefilen", "en": "incident file"},
    "source.observations": {"sv": "synpunktsfilen", "en": "observation file"},
    "source.other": {"sv": "Källa {n}", "en": "Source {n}"},
}
"""Key -> {language: text}; ``{name}`` fields are filled by :func:`text`."""

TEXTS.update(CLI_TEXTS)  # the command line's help (cli.*), kept in its own module for its length


def resolve_lang(lang: str | None = None) -> Literal["sv", "en"]:
    """``lang``, or ``options.lang`` when ``None``; anything but "sv"/"en" is a ParameterError."""
    if lang is None:
        from trygghet_geo._config import options

        lang = options.lang
    if lang not in LANGS:
        raise ParameterError(f"lang must be 'sv' or 'en', got {lang!r}")
    return "en" if lang == "en" else "sv"


def text(key: str, lang: str | None = None, **fields: object) -> str:
    """The text ``key`` in ``lang`` (default ``options.lang``) with ``fields`` filled in."""
    try:
        by_lang = TEXTS[key]
    except KeyError:
        raise ParameterError(f"no text {key!r}; known: {sorted(TEXTS)}") from None
    return by_lang[resolve_lang(lang)].format(**fields)
