"""The command line's help for ``plan``, ``hotlist`` and ``lagesbild`` in Swedish and English: the second half
of :data:`trygghet_geo._text_cli.CLI_TEXTS` (same keys, same rules), in its own module for length."""

from __future__ import annotations

from typing import Final

__all__ = ["MORE_CLI_TEXTS"]

MORE_CLI_TEXTS: Final[dict[str, dict[str, str]]] = {
    # plan (the measures register) and hotlist (the EST hot-list)
    "cli.cmd.plan": {
        "sv": "åtgärdsregistret (åtgärdsplan): skriv mallen, eller kontrollera ett ifyllt register",
        "en": "the measures register (åtgärdsplan): write the template, or check a filled-in register",
    },
    "cli.desc.plan": {
        "sv": "init: skriv ett tomt register (.xlsx med ett instruktionsblad, eller .csv), en rad per "
        "rangordnad plats (--ranking) eller område (--areas). check: läs ett ifyllt register och peka ut "
        "varje felaktig rad med sitt fält (okänd plats, datum, status); "
        "slutkod 2 när det finns en. followup: "
        "analysera --incidents (som 'analyze' gör) och följ upp varje åtgärd på sin plats mot resten av "
        "kommunen, skrivet till --out (.xlsx eller .csv; delningsläge som standard).",
        "en": "init: write an empty register (.xlsx with an instruction sheet, or .csv), one row per ranked "
        "place (--ranking) or area (--areas). check: read a filled-in register and name every bad row with "
        "its field (unknown place, date, status); exit 2 when there is one. "
        "followup: analyse --incidents (as "
        "'analyze' does) and follow up every measure at its place against the rest of the town, written to "
        "--out (.xlsx or .csv; shared privacy by default).",
    },
    "cli.plan.register": {
        "sv": "registerfilen (.xlsx eller .csv)",
        "en": "the register file (.xlsx or .csv)",
    },
    "cli.plan.ranking": {
        "sv": "de rangordnade platserna (platser.csv eller .xlsx från 'analyze' eller 'demo')",
        "en": "the ranked places (platser.csv or .xlsx from 'analyze' or 'demo')",
    },
    "cli.plan.areas": {
        "sv": "ett områdesskikt (DeSO, RegSO, stadsdelar: .gpkg, .geojson, .shp)",
        "en": "an area layer (DeSO, RegSO, districts: .gpkg, .geojson, .shp)",
    },
    "cli.plan.incidents": {
        "sv": "followup: händelsefilen som rangordningen gjordes av",
        "en": "followup: the incident file the ranking was made from",
    },
    "cli.plan.observations": {
        "sv": "followup: filen med trygghetsvandringens synpunkter som rangordningen gjordes av",
        "en": "followup: the safety-walk file the ranking was made from",
    },
    "cli.plan.network": {
        "sv": "followup: gatunätet (som för 'analyze')",
        "en": "followup: the street network (as for 'analyze')",
    },
    "cli.plan.gazetteer": {
        "sv": "followup: ortnamnsregister eller OSM-utdrag (som för 'analyze')",
        "en": "followup: gazetteer or OSM extract (as for 'analyze')",
    },
    "cli.plan.out": {
        "sv": "followup: tabellen som skrivs (standard: atgardsuppfoljning.xlsx)",
        "en": "followup: the table to write (default: atgardsuppfoljning.xlsx)",
    },
    "cli.cmd.hotlist": {
        "sv": "EST-listan: platser och gatubitar med flest händelser de senaste 7/28 dagarna",
        "en": "the EST hot-list: places and street pieces with most events in the last 7/28 days",
    },
    "cli.desc.hotlist": {
        "sv": "Läs → analysera → för varje rangordnad plats och varje gatubit (ungefär --segment-m meter), "
        "händelserna de senaste --days dagarna mot de --baseline-days dagarna före (exakt binomialtest), "
        "skrivet som hotlist.html och hotlist.docx (en A4-sida; delningsläge "
        "som standard: antal under k visas "
        "som <k). Utan händelsefil: de medföljande syntetiska exempeldata.",
        "en": "Read → analyse → for every ranked place and every street piece "
        "(about --segment-m metres), the "
        "events of the last --days days against the --baseline-days before them (exact binomial test), "
        "written as hotlist.html and hotlist.docx (one A4 page; shared privacy by default: counts under k "
        "shown as <k). Without an incident file: the bundled synthetic sample.",
    },
    "cli.hotlist.incidents": {
        "sv": "fil med händelser (standard: de medföljande exempeldata)",
        "en": "incident file (default: the bundled sample)",
    },
    "cli.hotlist.network": {
        "sv": "gatunät (som för 'analyze'); behövs med en händelsefil",
        "en": "street network (as for 'analyze'); needed with an incident file",
    },
    "cli.hotlist.study_area": {
        "sv": "polygonskikt med undersökningsområdet",
        "en": "polygon layer of the study area",
    },
    "cli.hotlist.days": {
        "sv": "det senaste fönstret, dagar (7; 28 för månaden)",
        "en": "the recent window, days (7; 28 for the month)",
    },
    "cli.hotlist.baseline_days": {
        "sv": "jämförelseperioden före, dagar (364)",
        "en": "the baseline before it, days (364)",
    },
    "cli.hotlist.end": {
        "sv": "fönstrets sista dag, ÅÅÅÅ-MM-DD (standard: den sista händelsens dag)",
        "en": "last day of the window, YYYY-MM-DD (default: the last incident's day)",
    },
    "cli.hotlist.segment_m": {"sv": "gatubitarnas längd, meter", "en": "length of the street pieces, metres"},
    "cli.hotlist.top": {
        "sv": "platser och gatubitar som listas, vardera (10)",
        "en": "places and street pieces listed, each (10)",
    },
    "cli.hotlist.title": {"sv": "sidans rubrik", "en": "the page's title"},
    # lagesbild
    "cli.cmd.lagesbild": {
        "sv": "lägesbilden (Lag 2023:196 4 §) som HTML, Word och PDF; på exempeldata om inget annat anges",
        "en": "the lägesbild (Lag 2023:196 4 §) as HTML, Word and PDF; on the bundled sample by default",
    },
    "cli.desc.lagesbild": {
        "sv": "Analysera händelserna och trygghetsvandringens synpunkter och skriv lägesbilden på "
        "svenska: 1 Kartläggning, 2 Övrig relevant information, 3 Analys, 4 Åtgärdsplan, 5 "
        "Uppföljning, 6 Källor och begränsningar, och kandidaterna till medborgarlöften "
        "(lagesbild.html, lagesbild.docx, lagesbild.pdf när chromium är installerat, och den "
        "offentliga kartan lagesbild_karta.html). Delningsläge som standard. Utan --incidents "
        "används de medföljande syntetiska exempeldata, med deras stadsdelar och register.",
        "en": "Analyse the incidents and safety-walk remarks and write the lägesbild in Swedish: 1 "
        "Kartläggning, 2 Övrig relevant information, 3 Analys, 4 Åtgärdsplan, 5 Uppföljning, 6 "
        "Källor och begränsningar, and the medborgarlöfte candidates (lagesbild.html, "
        "lagesbild.docx, lagesbild.pdf when chromium is installed, and the public map "
        "lagesbild_karta.html). Shared privacy mode by default. Without --incidents the bundled "
        "synthetic sample is used, with its districts and register.",
    },
    "cli.lagesbild.incidents": {
        "sv": "fil med händelser (standard: de medföljande syntetiska exempeldata)",
        "en": "incident file (default: the bundled synthetic sample)",
    },
    "cli.lagesbild.network": {
        "sv": "gatunät som för analyze: en sparad .gpkg, OSM-fil eller ett linjeskikt",
        "en": "street network as for analyze: a saved .gpkg, OSM file or line layer",
    },
    "cli.lagesbild.gazetteer": {
        "sv": "sparat ortnamnsregister eller OSM-utdrag, för platstext och namn på landmärken",
        "en": "saved gazetteer or OSM extract, for place text and landmark names",
    },
    "cli.lagesbild.study_area": {
        "sv": "polygonskikt som ritas som undersökningsområde",
        "en": "polygon layer drawn as the study area",
    },
    "cli.lagesbild.areas": {
        "sv": "DeSO-, RegSO- eller stadsdelspolygoner (.gpkg, .geojson, .shp)",
        "en": "DeSO, RegSO or district polygons (.gpkg, .geojson, .shp)",
    },
    "cli.lagesbild.plan": {
        "sv": "åtgärdsregistret (åtgärdsplan, .xlsx eller .csv; 'trygghet-geo plan init')",
        "en": "the measures register (åtgärdsplan, .xlsx or .csv; 'trygghet-geo plan init')",
    },
    "cli.lagesbild.reference": {
        "sv": "Brås anmälda brott per 100 000 invånare per kategori och år (CSV)",
        "en": "Brå's reported offences per 100,000 inhabitants by category and year (CSV)",
    },
    "cli.lagesbild.survey": {
        "sv": "siffror ur trygghetsundersökningen: fråga, år, värde (CSV)",
        "en": "trygghetsundersökning figures: question, year, value (CSV)",
    },
    "cli.lagesbild.population": {
        "sv": "kommunens invånarantal (för jämförelsen)",
        "en": "the municipality's inhabitants (for the reference)",
    },
    "cli.lagesbild.previous": {
        "sv": "förra lägesbildens händelsefil (händelser per kategori då)",
        "en": "the previous lägesbild's incident file (incidents by category then)",
    },
    "cli.lagesbild.other_sources": {
        "sv": "textfiler med annan relevant information (ett avsnitt var)",
        "en": "text files of other relevant information (one section each)",
    },
    "cli.lagesbild.n_simulations": {
        "sv": "Monte Carlo-simuleringar (standard 99)",
        "en": "Monte Carlo simulations (default 99)",
    },
    "cli.lagesbild.top": {
        "sv": "prioriterade problem och kandidater till medborgarlöften (5)",
        "en": "prioritised problems and medborgarlöfte candidates (5)",
    },
    "cli.lagesbild.privacy": {
        "sv": "exponering (shared)",
        "en": "exposure (shared)",
    },
    "cli.lagesbild.title": {
        "sv": "dokumentets rubrik",
        "en": "title of the document",
    },
    "cli.lagesbild.no_pdf": {
        "sv": "skriv inte ut PDF:en",
        "en": "do not print the PDF",
    },
    "cli.lagesbild.name": {
        "sv": "filnamn utan ändelse (standard: lagesbild)",
        "en": "file name without suffix (default: lagesbild)",
    },
    # the basemap options of analyze, report, lagesbild, density and trend (_cli_options.add_basemap_options)
    "cli.opt.pbf": {
        "sv": "OSM-utdraget (.osm.pbf) som gatunätet kommer från, för kartans bakgrund (vatten, parker, "
        "byggnader, järnväg); standard: --network själv när den är en .pbf",
        "en": "the OSM extract (.osm.pbf) the street network came from, for the map's basemap (water, parks, "
        "buildings, railway); default: --network itself when it is a .pbf",
    },
    "cli.opt.no_basemap": {
        "sv": "ingen bakgrund under kartan: bara gatorna (inget läses ur OSM-utdraget)",
        "en": "no basemap under the map: streets only (nothing is read from the OSM extract)",
    },
}
"""Key -> {language: text}: help of the subcommands plan, hotlist and lagesbild."""
