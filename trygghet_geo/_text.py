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

from typing import Final

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
    "basemap.layer": {
        "sv": "Bakgrund: vatten, grönytor, byggnader, järnväg",
        "en": "Background: water, green areas, buildings, railways",
    },
    "lit.present": {"sv": "belysning: finns på gatorna", "en": "lighting: present on the streets"},
}
"""Key -> {language: text}; ``{name}`` fields are filled by :func:`text`."""

TEXTS.update(CLI_TEXTS)  # the command line's help (cli.*), kept in its own module for its length


def resolve_lang(lang: str | None = None) -> str:
    """``lang``, or ``options.lang`` when ``None``; anything but "sv"/"en" is a ParameterError."""
    if lang is None:
        from trygghet_geo._config import options

        lang = options.lang
    if lang not in LANGS:
        raise ParameterError(f"lang must be 'sv' or 'en', got {lang!r}")
    return lang


def text(key: str, lang: str | None = None, **fields: object) -> str:
    """The text ``key`` in ``lang`` (default ``options.lang``) with ``fields`` filled in."""
    try:
        by_lang = TEXTS[key]
    except KeyError:
        raise ParameterError(f"no text {key!r}; known: {sorted(TEXTS)}") from None
    return by_lang[resolve_lang(lang)].format(**fields)
