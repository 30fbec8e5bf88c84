"""Canonical columns, vocabularies and status codes shared by every stage.

Every stage takes and returns a GeoDataFrame carrying these columns (plus whatever the user brought, passed
through untouched). Column names are referenced through the constants below, never as bare strings.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
    "CASE_ID",
    "CATEGORY",
    "CLUSTER",
    "EDGE_ID",
    "EDGE_OFFSET_M",
    "GEOCODE_METHOD",
    "GEOCODE_METHODS",
    "GEOCODE_SCORE",
    "GEOMETRY",
    "HOTSPOT_ID",
    "INCIDENT_CATEGORIES",
    "INCIDENT_COLUMNS",
    "LAT",
    "LON",
    "MATCHED_NAME",
    "MEASURE",
    "METRIC_CRS_SWEDEN",
    "MIN_GEOCODE_SCORE",
    "NOTE",
    "OBSERVATION_CATEGORIES",
    "OBSERVATION_COLUMNS",
    "OCCURRED_AT",
    "OCCURRED_FROM",
    "OCCURRED_TO",
    "OFFENCE_CODE",
    "PLACE_TEXT",
    "PRECISION",
    "PRECISION_TIERS",
    "RAW_CATEGORY",
    "REASON",
    "RECORD_ID",
    "REMARK_RESOLVED",
    "REMARK_STATUS",
    "REMARK_STATUSES",
    "REMARK_TONE",
    "REMARK_TONES",
    "SNAP_DIST_M",
    "SOURCE",
    "SOURCE_ROW",
    "STATUS",
    "STATUSES",
    "STREET_PRECISION",
    "TIME_KNOWN",
    "WGS84",
    "Precision",
    "Status",
    "reason_text",
]

# --- coordinate reference systems -------------------------------------------------------------------------
WGS84: Final = "EPSG:4326"
METRIC_CRS_SWEDEN: Final = "EPSG:3006"  # SWEREF 99 TM

# --- canonical columns --------------------------------------------------------------------------------------
RECORD_ID: Final = "record_id"  # the source's own id where it has one (Polisen id, ärendenummer), else None
SOURCE: Final = "source"  # file name or "DataFrame" the row came from
SOURCE_ROW: Final = "source_row"  # 1-based data row number in the source (header not counted)
OCCURRED_AT: Final = "occurred_at"  # tz-aware pandas Timestamp, Europe/Stockholm
CATEGORY: Final = "category"  # canonical category (INCIDENT_CATEGORIES or OBSERVATION_CATEGORIES)
RAW_CATEGORY: Final = "raw_category"  # the type exactly as the source wrote it
PLACE_TEXT: Final = "place_text"  # free place text for the geocoder ("Kungsgatan 12", "Stadsparken")
NOTE: Final = "note"  # observation note (free text, typed by residents)
MEASURE: Final = "measure"  # suggested measure of an observation
LON: Final = "lon"  # WGS84 longitude in degrees (float, NaN when unknown)
LAT: Final = "lat"  # WGS84 latitude in degrees (float, NaN when unknown)
GEOMETRY: Final = "geometry"
PRECISION: Final = "precision"  # one of PRECISION_TIERS
STATUS: Final = "status"  # one of STATUSES
REASON: Final = "reason"  # machine-readable reason code when status is not "ok" (see REASONS), else ""
GEOCODE_METHOD: Final = "geocode_method"
GEOCODE_SCORE: Final = "geocode_score"
MATCHED_NAME: Final = "matched_name"
EDGE_ID: Final = "edge_id"  # index of the street edge the point was snapped to (-1 when not snapped)
EDGE_OFFSET_M: Final = "edge_offset_m"  # distance along that edge from its first node, metres
SNAP_DIST_M: Final = "snap_dist_m"  # distance from the point to the edge, metres
CLUSTER: Final = "cluster"  # DBSCAN label, -1 for noise and for rows not clustered
HOTSPOT_ID: Final = "hotspot_id"  # hotspot the row belongs to, -1 when none

# --- when, exactly: police extracts give an interval ("begånget fr.o.m. … t.o.m. …") -----------------------
OCCURRED_FROM: Final = "occurred_from"  # start of the interval; always equal to occurred_at
OCCURRED_TO: Final = (
    "occurred_to"  # end of the interval (a date without a time: that day's 23:59:59); NaT: none
)
TIME_KNOWN: Final = "time_known"  # False when the source gave a date without a time of day (not midnight)

# --- police case systems: one row per brott; identity (case_id, offence) ------------------------------------
CASE_ID: Final = "case_id"  # the case (ärendenummer); several brott of one case share it; None without one
OFFENCE_CODE: Final = "offence_code"  # the offence code as written (Brå's brottskod, "0857"); "" without one

# --- safety-walk remarks ------------------------------------------------------------------------------------
REMARK_STATUS: Final = "remark_status"  # follow-up status of a remark (REMARK_STATUSES); "" when not given
REMARK_TONE: Final = "remark_tone"  # "problem", "positiv" or "neutral" (REMARK_TONES)

INCIDENT_COLUMNS: Final = (
    RECORD_ID,
    SOURCE,
    SOURCE_ROW,
    OCCURRED_AT,
    CATEGORY,
    RAW_CATEGORY,
    PLACE_TEXT,
    LON,
    LAT,
    PRECISION,
    STATUS,
    REASON,
    OCCURRED_FROM,
    OCCURRED_TO,
    TIME_KNOWN,
    CASE_ID,
    OFFENCE_CODE,
)
OBSERVATION_COLUMNS: Final = (
    RECORD_ID,
    SOURCE,
    SOURCE_ROW,
    OCCURRED_AT,
    CATEGORY,
    RAW_CATEGORY,
    PLACE_TEXT,
    NOTE,
    MEASURE,
    LON,
    LAT,
    PRECISION,
    STATUS,
    REASON,
    OCCURRED_FROM,
    OCCURRED_TO,
    TIME_KNOWN,
    REMARK_STATUS,
    REMARK_TONE,
)

# --- vocabularies -------------------------------------------------------------------------------------------
INCIDENT_CATEGORIES: Final = (
    "narkotika",
    "stöld",
    "trafik",
    "skadegörelse",
    "våld",
    "ordningsstörning",
    "övrigt",
)
OBSERVATION_CATEGORIES: Final = (
    "belysning",
    "vegetation",
    "skadegörelse/klotter",
    "nedskräpning",
    "trafikmiljö",
    "folksamling/otrygghet",
    "övrigt",
)

Precision = Literal[
    "exact",
    "address",
    "interpolated",
    "intersection",
    "street",
    "place",
    "municipality",
    "county",
]
# Finest first. Rows coarser than STREET_PRECISION... are never clustered as street points.
PRECISION_TIERS: Final[tuple[str, ...]] = get_args(Precision)
# The tiers fine enough to be snapped to a street and clustered.
STREET_PRECISION: Final = frozenset({"exact", "address", "interpolated", "intersection", "street", "place"})

# Follow-up status of a safety-walk remark, and the ones that mean the problem is dealt with.
REMARK_STATUSES: Final = ("ny", "pågår", "åtgärdad", "avslutad", "ej_åtgärdad")
REMARK_RESOLVED: Final = frozenset({"åtgärdad", "avslutad"})
# A remark is a problem unless it praises (positiv) or only describes (neutral).
REMARK_TONES: Final = ("problem", "positiv", "neutral")

# Geocoder answers scoring below this (0-100), or flagged ambiguous, are left out of the clustering with
# reason ``geocode_uncertain`` unless the caller includes them (``include_uncertain=True``).
MIN_GEOCODE_SCORE: Final = 80.0

Status = Literal["ok", "needs_geocoding", "rejected"]
STATUSES: Final[tuple[str, ...]] = get_args(Status)

GEOCODE_METHODS: Final = (
    "coordinates",
    "address",
    "interpolated",
    "intersection",
    "street",
    "place",
    "failed",
)

# Reason codes: stable, machine-readable; human text per language lives in REASON_TEXT.
REASONS: Final = {
    "no_location": ("Saknar plats och koordinater", "No place text and no coordinates"),
    "bad_coordinates": ("Ogiltiga koordinater", "Coordinates are not numbers or out of range"),
    "outside_country": ("Utanför Sverige/studieområdet", "Outside the country or the study area"),
    "bad_date": ("Ogiltigt datum", "Date could not be read"),
    "implausible_date": (
        "Osannolikt datum (utanför det rimliga tidsfönstret)",
        "Date outside the plausible window (options.plausible_dates)",
    ),
    "duplicate": ("Dubblett", "Duplicate of another row"),
    "geocode_failed": ("Platsen kunde inte hittas", "Place text could not be geocoded"),
    "not_geocoded": ("Inte geokodad (ingen ortsförteckning)", "Not geocoded (no gazetteer given)"),
    "coarse_location": ("Bara kommun/län känd", "Only municipality or county known"),
    "too_far_from_street": ("För långt från gatunätet", "Farther from the street network than max_snap_m"),
    "outside_network": ("Utanför gatunätet", "Outside the street network's area"),
    "geocode_uncertain": (
        "Osäker geokodning (tvetydig eller låg poäng)",
        "Uncertain geocoding (ambiguous or below the score threshold)",
    ),
    "remark_resolved": ("Åtgärdad synpunkt", "Remark already resolved"),
    "remark_not_problem": ("Positiv/neutral synpunkt", "Positive or neutral remark"),
}


def reason_text(code: str, lang: str = "sv") -> str:
    """The readable text of a reason code in ``lang`` ("sv" or "en"); the code itself when unknown.

    >>> reason_text("no_location")
    'Saknar plats och koordinater'
    >>> reason_text("something_else", "en")
    'something_else'
    """
    pair = REASONS.get(code)
    if pair is None:
        return code
    return pair[0] if lang == "sv" else pair[1]
