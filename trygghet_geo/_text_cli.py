"""The command line's help in Swedish and English: one entry per subcommand, description and option.

Merged into :data:`trygghet_geo._text.TEXTS` and looked up with :func:`~trygghet_geo._text.text`, like every
other string a user reads. An option's help is found under ``cli.<command>.<dest>`` and, when several
subcommands share the text, under ``cli.opt.<dest>``; a subcommand's one-line help under ``cli.cmd.<name>``
and its description under ``cli.desc.<name>``. The English entry is the text in the parser itself (a test
keeps the two equal), so the code stays readable and the catalogue cannot drift from it. Braces are doubled
(``{{``), as :func:`~trygghet_geo._text.text` fills fields.
"""

from __future__ import annotations

from typing import Final

from trygghet_geo._text_cli_more import MORE_CLI_TEXTS

__all__ = ["CLI_TEXTS"]

CLI_TEXTS: Final[dict[str, dict[str, str]]] = {
    # argparse's own words
    "cli.usage": {"sv": "användning: ", "en": "usage: "},
    "cli.positionals": {"sv": "argument", "en": "positional arguments"},
    "cli.options": {"sv": "flaggor", "en": "options"},
    "cli.desc": {
        "sv": "Kartlägg otrygga platser: hotspots längs gatorna, platser för gemensamma besök, kartor att "
        "skicka med e-post.",
        "en": "Map unsafe places: hotspots along streets, places for joint visits, email-ready maps.",
    },
    "cli.opt.help": {"sv": "visa den här hjälpen och avsluta", "en": "show this help message and exit"},
    "cli.opt.version": {"sv": "visa versionen och avsluta", "en": "show program's version number and exit"},
    "cli.opt.ui_lang": {
        "sv": "språk för hjälpen och utdata: sv eller en (standard: options.lang, svenska)",
        "en": "language of the help and the output: sv or en (default: options.lang, Swedish)",
    },
    "cli.opt.verbose": {"sv": "logga detaljer om förloppet", "en": "log progress details"},
    "cli.opt.no_progress": {"sv": "dölj förloppsindikatorer", "en": "hide progress bars"},
    # subcommands
    "cli.cmd.demo": {
        "sv": "kör hela analysen på de medföljande exempeldata (syntetiska)",
        "en": "run the whole analysis on the bundled sample (synthetic data)",
    },
    "cli.cmd.analyze": {
        "sv": "hela analysen på dina egna filer: karta, rangordnade platser och de utelämnade raderna",
        "en": "the whole analysis on your own files: map, ranked places and the left-out rows",
    },
    "cli.cmd.validate": {
        "sv": "läs en fil med händelser eller synpunkter och redovisa vad som skulle utelämnas",
        "en": "read an incident or observation file and report what would be left out",
    },
    "cli.cmd.geocode": {
        "sv": "geokoda en fils platstext utan nätverk",
        "en": "geocode the place text of a file offline",
    },
    "cli.cmd.network": {
        "sv": "bygg ett gatunät (hämtning med osmnx, OSM-fil, GraphML eller linjeskikt) och spara det",
        "en": "build a street network (osmnx download, OSM file, GraphML or line layer) and save it",
    },
    "cli.cmd.report": {
        "sv": "uppföljningsrapporten för nämnden (HTML + XLSX); på exempeldata om inget annat anges",
        "en": "the follow-up report for the municipal board (HTML + XLSX); on the bundled sample by default",
    },
    "cli.cmd.density": {
        "sv": "täthet längs gatorna (kärntäthet på gatunätet): en tabell över gatubitar och en karta",
        "en": "density along the streets (network kernel density): a table of street pieces and a map",
    },
    "cli.cmd.trend": {
        "sv": "utvecklingen över tid: framväxande hotspots per gatusegment och närliggande upprepningar",
        "en": "development over time: emerging hotspots per street segment and near repeats",
    },
    "cli.cmd.cache": {
        "sv": "geokodarens svarscache: hur många svar den har, eller radera dem (gallring)",
        "en": "the geocoder's answer cache: how many answers it holds, or delete them (data retention)",
    },
    "cli.cmd.verify": {
        "sv": "kontrollera att indatafilerna är de som en utdatafil gjordes av (och med --rerun, utdatan)",
        "en": "check that input files are the ones an output was made from (and with --rerun, the output)",
    },
    # descriptions
    "cli.desc.analyze": {
        "sv": "Läs → geokoda → knyt till gatunätet → DBSCAN längs gatorna → hotspots → rangordna, och skriv "
        "sedan kartan (trygghetskarta.html, delningsläge, fristående), de rangordnade platserna "
        "(platser.csv, platser.xlsx) och varje rad som utelämnades ur klustringen med sitt skäl "
        "(utelamnade.csv).",
        "en": "Read → geocode → snap → network DBSCAN → hotspots → rank, then write the map "
        "(trygghetskarta.html, shared privacy mode, self-contained), the ranked places (platser.csv, "
        "platser.xlsx) and every row left out of the clustering with its reason (utelamnade.csv).",
    },
    "cli.desc.network": {
        "sv": "Bygg ett gatunät i den metriska referensramen (SWEREF 99 TM i Sverige, lokal UTM annars) och "
        "spara det som GeoPackage (skikten nodes och edges) till senare körningar. Hämtningar (--place, "
        "--bbox ensam) görs bara med --online.",
        "en": "Build a street network in the metric CRS (SWEREF 99 TM in Sweden, local UTM elsewhere) and "
        "save it as a GeoPackage (layers nodes and edges) for later runs. Downloads (--place, --bbox alone) "
        "happen only with --online.",
    },
    "cli.desc.density": {
        "sv": "Läs → geokoda (med --gazetteer) → kärntäthet på gatunätet på gatubitar om ungefär --lixel-m "
        "meter. Skriver bitarna med sin täthet i händelser per km gata och år (tathet.gpkg, eller "
        "tathet.parquet med --format parquet) och kartan med lagret 'Täthet längs gatorna' påslaget "
        "(tathetskarta.html, delningsläge om inte --privacy internal).",
        "en": "Read → geocode (with --gazetteer) → network kernel density on pieces of street of about "
        "--lixel-m metres. Writes the pieces with their density in events per km of street per year "
        "(tathet.gpkg, or tathet.parquet with --format parquet) and the map with the layer 'Täthet längs "
        "gatorna' shown (tathetskarta.html, shared privacy mode unless --privacy internal).",
    },
    "cli.desc.trend": {
        "sv": "Läs → geokoda (med --gazetteer) → framväxande hotspots på gatusegment om ungefär --segment-m "
        "meter (utveckling.gpkg: mönster, etikett, trend och antal per tidssteg) och Knox-tabellen över "
        "närliggande upprepningar längs gatorna (narupprepning.csv) och en karta med lagret 'Utveckling' och "
        "ett tidsfilter (utveckling.html, delningsläge, fristående). I delningsläget (standard) följer "
        "tabellen också k-regeln: se --privacy.",
        "en": "Read → geocode (with --gazetteer) → emerging hotspots on street segments of about --segment-m "
        "metres (utveckling.gpkg: pattern, label, trend and counts per time step) and the near-repeat Knox "
        "table along the streets (narupprepning.csv) and a map with the layer 'Utveckling' and a time filter "
        "(utveckling.html, shared privacy mode, self-contained). In the shared mode (default) the table "
        "obeys the k rule too: see --privacy.",
    },
    "cli.desc.cache": {
        "sv": "Svarscachen innehåller normaliserad platstext och de platser som hittades för den, aldrig en "
        "anteckning; svar äldre än options.cache_days (365 dagar) raderas varje gång den öppnas.",
        "en": "The answer cache holds normalised place text and the places found for it, never a note; "
        "answers older than options.cache_days (365 days) are deleted whenever it is opened.",
    },
    "cli.desc.verify": {
        "sv": "Räkna om SHA-256 för de angivna indatafilerna och jämför med manifestet som utdatan bär "
        "(manifest.json, en kart- eller rapport-HTML, en XLSX). Med --rerun körs det sparade kommandot igen "
        "och filerna jämförs byte för byte. Slutkod 0 när allt stämmer, 1 annars.",
        "en": "Recompute the SHA-256 of the inputs given and compare them with the manifest the output "
        "carries (manifest.json, a map or report HTML, an XLSX). With --rerun, run the recorded command "
        "again on them and compare the files byte for byte. Exit 0 when everything matches, 1 when not.",
    },
    # options shared by several subcommands
    "cli.opt.out": {
        "sv": "mapp för utdata (standard: data/processed)",
        "en": "output folder (default: data/processed)",
    },
    "cli.opt.incidents": {
        "sv": "fil med händelser (.csv, .xlsx, .geojson, .gpkg, .shp, Polisens .json)",
        "en": "incident file (.csv, .xlsx, .geojson, .gpkg, .shp, Polisen .json)",
    },
    "cli.opt.observations": {
        "sv": "fil med trygghetsvandringens synpunkter",
        "en": "safety-walk observation file",
    },
    "cli.opt.network": {
        "sv": "gatunät (som för 'trygghet-geo analyze')",
        "en": "street network (as for 'trygghet-geo analyze')",
    },
    "cli.opt.gazetteer": {
        "sv": "ortnamnsregister eller OSM-utdrag, för att placera rader som bara har platstext",
        "en": "gazetteer or OSM extract, to place rows that have only place text",
    },
    "cli.opt.method": {
        "sv": "klustring: dbscan (eps och min-samples) eller hdbscan (självjusterande, inget eps; "
        "min-samples är den minsta hotspoten) (standard: analyze, dbscan)",
        "en": "clustering: dbscan (eps and min-samples) or hdbscan (self-adjusting, no eps; min-samples is "
        "the smallest hotspot) (default: analyze's default, dbscan)",
    },
    "cli.opt.eps_m": {
        "sv": "klusteravstånd längs gatorna i meter, eller 'auto' (standard: analyze)",
        "en": "cluster distance along the streets in metres, or 'auto' (default: analyze's default)",
    },
    "cli.opt.min_samples": {
        "sv": "händelser inom eps för en kärnpunkt, eller 'auto' (standard: analyze)",
        "en": "events within eps for a core point, or 'auto' (default: analyze's default)",
    },
    "cli.opt.period": {
        "sv": "perioden som antalen avser: START..SLUT (t.ex. 2024-01-01..2024-12-31), ett år (2024) eller "
        "en månad (2024-03); standard: spannet av händelsernas datum",
        "en": "the period the counts cover: START..END (e.g. 2024-01-01..2024-12-31), a year (2024) or a "
        "month (2024-03); default: the span of the incidents' dates",
    },
    "cli.opt.weights": {
        "sv": "vikter i poängen: namn=tal,… t.ex. 'narkotika=3,stöld=2,observations=0.5'",
        "en": "score weights: name=number,… e.g. 'narkotika=3,stöld=2,observations=0.5'",
    },
    "cli.opt.include_uncertain": {
        "sv": "klustra geokodarsvar som är tvetydiga eller får lägre poäng än --min-geocode-score "
        "(standard: utelämnas med skälet geocode_uncertain)",
        "en": "cluster geocoder answers that are ambiguous or score below --min-geocode-score (default: "
        "left out with reason geocode_uncertain)",
    },
    "cli.opt.min_geocode_score": {
        "sv": "geokodarsvar med lägre poäng än detta (0-100) räknas som osäkra (80)",
        "en": "geocoder answers scoring below this (0-100) count as uncertain (80)",
    },
    "cli.opt.columns": {
        "sv": "vilken kolumn som innehåller vad, före igenkänningen: fält=rubrik,… t.ex. "
        "'place=Var,date=Datum,time=Kl,category=Typ av brott' (fält: record_id, case_id, date, time, "
        "date_to, time_to, datetime, category, offence_code, place, town, lat, lon, x, y, note, measure, "
        "remark_status, tone); 'fält=' bortser från en igenkänd kolumn",
        "en": "which column holds what, overriding recognition: field=header,… e.g. "
        "'place=Var,date=Datum,time=Kl,category=Typ av brott' (fields: record_id, case_id, date, time, "
        "date_to, time_to, datetime, category, offence_code, place, town, lat, lon, x, y, note, measure, "
        "remark_status, tone); 'field=' ignores a recognised column",
    },
    "cli.opt.sheet": {
        "sv": "Excelbladets namn eller plats räknat från 0 (standard: det första)",
        "en": "Excel sheet name or 0-based position (default: the first)",
    },
    "cli.opt.header_row": {
        "sv": "raden (från 1, som Excel numrerar) med kolumnnamnen (standard: titelrader ovanför rubriken "
        "känns igen)",
        "en": "row (1-based, as Excel numbers rows) of the column names (default: title lines above the "
        "header are detected)",
    },
    "cli.opt.crs": {
        "sv": "referensram för koordinatkolumnerna, t.ex. EPSG:3006 (standard: känns igen)",
        "en": "CRS of the coordinate columns, e.g. EPSG:3006 (default: detect)",
    },
    "cli.opt.encoding": {
        "sv": "teckenkodning för en CSV (standard: känns igen)",
        "en": "text encoding of a CSV (default: detect)",
    },
    "cli.opt.delimiter": {
        "sv": "avgränsare i en CSV (standard: känns igen)",
        "en": "delimiter of a CSV (default: detect)",
    },
    "cli.opt.categories": {
        "sv": "din egen kategoritabell: CSV med kolumnerna raw;category (ev. kind incident/observation), "
        "som gäller före den medföljande",
        "en": "your own category table: CSV with columns raw;category (optionally kind "
        "incident/observation), consulted before the shipped one",
    },
    "cli.opt.max_excel_mb": {
        "sv": "största Excelbok som läses, MB okomprimerat (100)",
        "en": "largest Excel workbook read, MB uncompressed (100)",
    },
    "cli.opt.observation_columns": {
        "sv": "som --columns, för filen i --observations",
        "en": "as --columns, for the --observations file",
    },
    "cli.opt.observation_sheet": {
        "sv": "som --sheet, för filen i --observations",
        "en": "as --sheet, for the --observations file",
    },
    "cli.opt.observation_header_row": {
        "sv": "som --header-row, för --observations",
        "en": "as --header-row, for --observations",
    },
    "cli.opt.n_simulations": {"sv": "Monte Carlo-simuleringar (99)", "en": "Monte Carlo simulations (99)"},
    "cli.opt.privacy": {"sv": "kartans exponering", "en": "map exposure"},
    "cli.opt.title": {"sv": "kartans rubrik", "en": "map title"},
    "cli.opt.bbox": {
        "sv": "min_lon,min_lat,max_lon,max_lat: läs bara detta fönster ur ett läns- eller landsutdrag",
        "en": "min_lon,min_lat,max_lon,max_lat: read only this window of a county or country extract",
    },
    "cli.opt.online": {
        "sv": "skicka platstext som registret inte kan placera till Nominatim (1 fråga/s); av som standard",
        "en": "send place text the gazetteer cannot place to Nominatim (1 request/s); off by default",
    },
    # demo
    "cli.demo.raw": {
        "sv": "mapp för exempelfilernas indata (standard: data/raw)",
        "en": "folder for the sample's input files (default: data/raw)",
    },
    # analyze
    "cli.analyze.network": {
        "sv": "gatunät: .gpkg från 'trygghet-geo network', .pbf, .osm, .graphml, eller ett linjeskikt med "
        "gator (.gpkg, .shp, .geojson; delas vid korsningarna)",
        "en": "street network: .gpkg from 'trygghet-geo network', .pbf, .osm, .graphml, or a street line "
        "layer (.gpkg, .shp, .geojson; cut at its junctions)",
    },
    "cli.analyze.gazetteer": {
        "sv": "sparat ortnamnsregister (.parquet/.gpkg) eller ett OSM-utdrag (.osm.pbf) att bygga ett ur",
        "en": "saved gazetteer (.parquet/.gpkg) or an OSM extract (.osm.pbf) to build one",
    },
    "cli.analyze.study_area": {
        "sv": "polygonskikt som ritas som undersökningsområde",
        "en": "polygon layer drawn as the study area",
    },
    "cli.analyze.privacy": {"sv": "kartans exponering (shared)", "en": "map exposure (shared)"},
    "cli.opt.lang": {
        "sv": "språk (standard: options.lang, svenska)",
        "en": "language (default: options.lang, Swedish)",
    },
    # validate
    "cli.validate.file": {"sv": "filen som ska läsas", "en": "the file to read"},
    "cli.validate.kind": {
        "sv": "vad filen innehåller (standard: synpunkter när den har en anteckningskolumn eller en "
        "åtgärdskolumn)",
        "en": "what the file holds (default: observations when it has a note or measure column)",
    },
    "cli.validate.out": {
        "sv": "den validerade tabellen (.csv, .xlsx, .gpkg, .geojson; standard: FILens namn + "
        "'.validated.csv' i aktuell mapp); tabellen över avvisade rader skrivs bredvid",
        "en": "the validated table (.csv, .xlsx, .gpkg, .geojson; default: FILE's name + '.validated.csv' "
        "in the current folder); the rejects table is written next to it",
    },
    "cli.validate.lang": {
        "sv": "rapportens språk (standard: options.lang)",
        "en": "language of the report (default: options.lang)",
    },
    # geocode
    "cli.geocode.file": {
        "sv": "fil med händelser eller synpunkter (.csv, .xlsx, .geojson, .gpkg)",
        "en": "incident or observation file (.csv, .xlsx, .geojson, .gpkg)",
    },
    "cli.geocode.out": {
        "sv": "resultatfil (.csv, .xlsx, .gpkg eller .geojson)",
        "en": "result file (.csv, .xlsx, .gpkg or .geojson)",
    },
    "cli.geocode.gazetteer": {
        "sv": "ortnamnsregister (.parquet/.gpkg) eller OSM-utdrag (.osm.pbf); standard: den medföljande "
        "exempelstaden (centrala Helsingfors)",
        "en": "gazetteer (.parquet/.gpkg) or OSM extract (.osm.pbf); default: the bundled sample town "
        "(central Helsinki)",
    },
    "cli.geocode.save_gazetteer": {
        "sv": "spara också registret som byggs ur ett OSM-utdrag (.parquet/.gpkg)",
        "en": "also save the gazetteer built from an OSM extract (.parquet/.gpkg)",
    },
    "cli.geocode.observations": {
        "sv": "läs filen som trygghetsvandringens synpunkter",
        "en": "read the file as safety-walk observations",
    },
    "cli.geocode.addresses": {
        "sv": "auktoritativa adresspunkter (.gpkg/.parquet/.csv; Lantmäteriets belägenhetsadresser eller "
        "kommunens skikt) som går före OSM när registret byggs ur ett utdrag",
        "en": "authoritative address points (.gpkg/.parquet/.csv; Lantmäteriet's belägenhetsadresser or the "
        "municipality's layer) that win over OSM when building the gazetteer from an extract",
    },
    "cli.geocode.no_cache": {
        "sv": "läs eller skriv inte svarscachen",
        "en": "do not read or write the answer cache",
    },
    # network
    "cli.network.place": {
        "sv": 'ortnamn för en hämtning med osmnx, t.ex. "Kristinehamn, Sweden"',
        "en": 'place name for an osmnx download, e.g. "Kristinehamn, Sweden"',
    },
    "cli.network.bbox": {
        "sv": "min_lon,min_lat,max_lon,max_lat: med --pbf fönstret som läses (en stad ur ett landsutdrag); "
        "ensam, området för en hämtning med osmnx",
        "en": "min_lon,min_lat,max_lon,max_lat: with --pbf the window to read (a town out of a country "
        "extract); alone, the area of an osmnx download",
    },
    "cli.network.pbf": {
        "sv": "lokal OpenStreetMap-fil .osm.pbf (läses med pyrosm)",
        "en": "local OpenStreetMap .osm.pbf file (read with pyrosm)",
    },
    "cli.network.osm": {
        "sv": "lokal OpenStreetMap-fil i XML (.osm)",
        "en": "local OpenStreetMap XML file (.osm)",
    },
    "cli.network.graphml": {"sv": "GraphML-fil sparad av osmnx", "en": "GraphML file saved by osmnx"},
    "cli.network.lines": {
        "sv": "linjeskikt: NVDB eller kommunens mittlinjer (GPKG, shapefil…)",
        "en": "line layer: NVDB or a municipal centre-line layer (GPKG, shapefile…)",
    },
    "cli.network.name_column": {
        "sv": "gatunamnskolumnen i --lines (standard: den första av name, namn, gatunamn, gata, vägnamn)",
        "en": "street-name column of --lines (default: the first of name, namn, gatunamn, gata, vägnamn)",
    },
    "cli.network.split": {
        "sv": "var --lines delas i länkar: där linjer delar en brytpunkt eller en slutar på en annan "
        "(standard), vid varje korsning (broar också), eller bara vid linjeändar (ett skikt som redan är "
        "delat, t.ex. NVDB)",
        "en": "where --lines are cut into edges: where lines share a vertex or one ends on another "
        "(default), at every crossing (bridges included), or only at line ends (a layer split already, "
        "e.g. NVDB)",
    },
    "cli.network.network_type": {
        "sv": "vilka gator: walk (gång), drive (bil), bike (cykel) eller all",
        "en": "which streets: walk, drive, bike or all",
    },
    "cli.network.online": {
        "sv": "tillåt hämtningen för --place/--bbox",
        "en": "allow the download for --place/--bbox",
    },
    "cli.network.out": {
        "sv": "GeoPackage som skrivs (.gpkg); med --by-municipality en mapp",
        "en": "output GeoPackage (.gpkg); with --by-municipality a folder",
    },
    "cli.network.by_municipality": {
        "sv": "kommunpolygoner: ett gatunät per kommun (med --pbf)",
        "en": "municipality polygons: one network per kommun (with --pbf)",
    },
    "cli.network.kommunkod_field": {
        "sv": "deras kodkolumn (standard kommunkod)",
        "en": "their code column (default kommunkod)",
    },
    "cli.trend.privacy": {
        "sv": "kartans och tabellens exponering: shared (standard) lämnar allt som en gatubits händelser ger "
        "tomt (antal, trend, mönster) där färre än k händelser ligger, och antalen per tidssteg tomma där de "
        "är färre än k eller går att räkna fram ur totalen; internal behåller alla värden",
        "en": "exposure of the map and the table: shared (default) leaves all that a segment's incidents "
        "make empty (counts, trend, pattern) where fewer than k lie, and the counts per time step empty "
        "where they are fewer than k or follow from the total; internal keeps every value",
    },
    # batch
    "cli.cmd.batch": {
        "sv": "analysera alla kommuner på en gång (Dask), kan återupptas, till partitionerad GeoParquet",
        "en": "analyse every municipality at once (Dask), resumable, to partitioned GeoParquet",
    },
    "cli.desc.batch": {
        "sv": "Varje kommun analyseras på sina egna gator med grannarnas händelser inom 2*eps längs gatorna "
        "(en halo), på ett lokalt Dask-kluster (eller --scheduler). Skriver "
        "OUT/kommunkod=XXXX/{{incidents,hotspots,places}}.parquet, OUT/places.parquet och OUT/index.html; en "
        "andra körning med samma indata hoppar över kommunerna som redan är skrivna.",
        "en": "Each municipality is analysed on its own streets with its neighbours' incidents within 2*eps "
        "along the streets (a halo), on a local Dask cluster (or --scheduler). Writes "
        "OUT/kommunkod=XXXX/{{incidents,hotspots,places}}.parquet, OUT/places.parquet and OUT/index.html; a "
        "second run with the same inputs skips the municipalities already written.",
    },
    "cli.batch.incidents": {
        "sv": "den nationella händelsefilen (CSV, Excel, GIS-skikt eller en GeoParquet-tabell)",
        "en": "the national incident file (CSV, Excel, GIS layer, or a GeoParquet table)",
    },
    "cli.batch.municipalities": {
        "sv": "kommunpolygoner (GeoPackage, GeoJSON, Shapefile…)",
        "en": "municipality polygons (GeoPackage, GeoJSON, Shapefile…)",
    },
    "cli.batch.code_column": {
        "sv": "i stället för polygoner: händelsernas kolumn med kommunkoder",
        "en": "instead of polygons: the incidents' column of municipality codes",
    },
    "cli.batch.kommunkod_field": {
        "sv": "kodkolumnen i --municipalities (standard kommunkod; SCB:s skikt kallar den KnKod)",
        "en": "the code column of --municipalities (default kommunkod; SCB's layer calls it KnKod)",
    },
    "cli.batch.networks": {
        "sv": "mapp med gatunät (<kommunkod>.gpkg, se network --by-municipality)",
        "en": "network store folder (<kommunkod>.gpkg, see network --by-municipality)",
    },
    "cli.batch.out": {"sv": "mapp för utdata", "en": "output folder"},
    "cli.batch.workers": {
        "sv": "lokala Dask-arbetare (standard: en per kärna)",
        "en": "local Dask workers (default: one per core)",
    },
    "cli.batch.scheduler": {
        "sv": "adress till ett befintligt Dask-kluster (tcp://host:8786), 'threads' eller 'synchronous' "
        "(i tur och ordning)",
        "en": "address of an existing Dask cluster (tcp://host:8786), 'threads' or 'synchronous' (serial)",
    },
    "cli.batch.no_resume": {"sv": "kör varje kommun igen", "en": "run every municipality again"},
    "cli.batch.n_simulations": {
        "sv": "Monte Carlo-simuleringar (standard 99)",
        "en": "Monte Carlo simulations (default 99)",
    },
    "cli.batch.seed": {
        "sv": "random_state för varje kommuns analys (0)",
        "en": "random_state of every municipality's analysis (0)",
    },
    "cli.batch.max_snap_m": {
        "sv": "längsta avstånd från en gata, meter (100)",
        "en": "farthest from a street, metres (100)",
    },
    # report
    "cli.report.incidents": {
        "sv": "fil med händelser (standard: de medföljande syntetiska exempeldata)",
        "en": "incident file (default: the bundled synthetic sample)",
    },
    "cli.report.network": {
        "sv": "gatunät som för analyze: en sparad .gpkg, OSM-fil eller ett linjeskikt",
        "en": "street network as for analyze: a saved .gpkg, OSM file or line layer",
    },
    "cli.report.gazetteer": {
        "sv": "sparat ortnamnsregister (Gazetteer.save) för platstext och namn på landmärken",
        "en": "saved gazetteer (Gazetteer.save) for place text and landmark names",
    },
    "cli.report.promise_date": {
        "sv": "medborgarlöftets datum, ÅÅÅÅ-MM-DD (standard: 12 månader innan data slutar)",
        "en": "date of the citizen promise, YYYY-MM-DD (default: 12 months before the data ends)",
    },
    "cli.report.n_simulations": {
        "sv": "Monte Carlo-simuleringar (standard 99)",
        "en": "Monte Carlo simulations (default 99)",
    },
    "cli.report.top": {
        "sv": "rangordnade platser som listas i rapporten",
        "en": "ranked places listed in the report",
    },
    "cli.report.followup": {
        "sv": "toppplatser som följs upp (utan --places)",
        "en": "top places followed up (without --places)",
    },
    "cli.report.places": {
        "sv": "platserna som valdes i löftet: GeoJSON/GPKG med en kolumn 'name', polygoner eller punkter med "
        "en kolumn 'radius_m' (längs gatorna)",
        "en": "the places chosen in the promise: GeoJSON/GPKG with a 'name' column, polygons or points "
        "with a 'radius_m' column (along the streets)",
    },
    "cli.report.title": {"sv": "rapportens rubrik", "en": "report title"},
    "cli.report.name": {
        "sv": "filnamn utan ändelse (standard: uppfoljning)",
        "en": "file name without suffix (default: uppfoljning)",
    },
    # density
    "cli.density.bandwidth_m": {
        "sv": "bandbredd längs gatorna, meter (standard: korsvalidering)",
        "en": "bandwidth along the streets, metres (default: cross-validation)",
    },
    "cli.density.lixel_m": {
        "sv": "gatubitarnas längd, meter (20)",
        "en": "length of the street pieces, metres (20)",
    },
    "cli.density.method": {
        "sv": "Okabes diskontinuerliga kärna med lika delning (standard), den kontinuerliga, eller kortaste "
        "vägar",
        "en": "Okabe's equal-split discontinuous kernel (default), the continuous one, or shortest paths",
    },
    "cli.density.max_depth": {
        "sv": "högst så många korsningar passerar en kärna (6); 0: ingen gräns",
        "en": "junctions a kernel passes at most (6); 0: no limit",
    },
    "cli.density.min_share": {
        "sv": "en kärnas väg slutar under denna andel av sin händelse (1/729, sex korsningar); "
        "0: ingen gräns",
        "en": "a kernel's walk stops below this share of its event (1/729, six crossings); 0: no limit",
    },
    "cli.density.consolidate_m": {
        "sv": "slå ihop en plats korsningar som ligger så här nära, meter, men håll linjer sida vid sida "
        "isär (10); 0: nätet som det är",
        "en": "merge the junctions of one place this close, metres, keeping lines side by side apart (10); "
        "0: the network as it is",
    },
    "cli.density.format": {"sv": "tabellens format (gpkg)", "en": "table format (gpkg)"},
    "cli.density.privacy": {
        "sv": "kartans och tabellens exponering: shared (standard) lämnar tätheten tom på gatubitar där "
        "färre än k händelser ger den; internal behåller alla värden",
        "en": "exposure of the map and the table: shared (default) leaves the density empty on street pieces "
        "where fewer than k incidents make it; internal keeps every value",
    },
    # trend
    "cli.trend.segment_m": {
        "sv": "segmentens längd, meter (100)",
        "en": "length of the segments, metres (100)",
    },
    "cli.trend.neighbourhood_m": {
        "sv": "Gi*-grannskap längs gatorna (ur data)",
        "en": "Gi* neighbourhood along the streets (from the data)",
    },
    "cli.trend.global_window": {
        "sv": "Gi*:s nollmoment: rutorna som inte är signifikanta (robust, standard) eller hela kuben "
        "som i ArcGIS",
        "en": "Gi* null moments: the bins not significant (robust, default) or ArcGIS's entire cube",
    },
    "cli.trend.simulations": {
        "sv": "permutationer för närliggande upprepningar (99)",
        "en": "near-repeat permutations (99)",
    },
    # cache
    "cli.cache.action": {
        "sv": "purge: radera svar; info: räkna dem",
        "en": "purge: delete answers; info: count them",
    },
    "cli.cache.older_than_days": {
        "sv": "radera bara svar äldre än så här (standard: alla)",
        "en": "purge only answers older than this (default: all)",
    },
    # verify
    "cli.verify.output": {
        "sv": "mapp med utdata, manifest.json, kart-/rapport-.html eller .xlsx",
        "en": "output folder, manifest.json, map/report .html or .xlsx",
    },
    "cli.verify.incidents": {
        "sv": "händelsefilen som körningen läste",
        "en": "the incidents file the run read",
    },
    "cli.verify.observations": {
        "sv": "synpunktsfilen som körningen läste",
        "en": "the observations file the run read",
    },
    "cli.verify.network": {"sv": "gatunätsfilen som körningen läste", "en": "the network file the run read"},
    "cli.verify.gazetteer": {
        "sv": "registerfilen som körningen läste",
        "en": "the gazetteer file the run read",
    },
    "cli.verify.study_area": {
        "sv": "filen med undersökningsområdet som körningen läste",
        "en": "the study area file the run read",
    },
    "cli.verify.places": {"sv": "platsfilen som körningen läste", "en": "the places file the run read"},
    "cli.verify.rerun": {
        "sv": "kör analysen igen och jämför utdatan",
        "en": "rerun the analysis and compare the outputs",
    },
}
"""Key -> {language: text}: the command line's help."""

CLI_TEXTS.update(MORE_CLI_TEXTS)  # plan, hotlist and lagesbild, kept beside for the module's length
