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


# --- the hotspots table (hotspots.find_hotspots; the significance and stability stages add their columns) -
N_EVENTS: Final = "n_events"  # incidents in the hotspot
FIRST_AT: Final = "first_at"
LAST_AT: Final = "last_at"
TOP_HOURS: Final = "top_hours"  # busiest hours ("22–02"), "" when too few events have a time
TOP_WEEKDAYS: Final = "top_weekdays"  # busiest weekdays ("fre–lör")
N_TIME_UNKNOWN: Final = "n_time_unknown"  # dated events without a time of day
MEMBER_INDEX: Final = "member_index"  # index labels of the hotspot's incidents
LENGTH_M: Final = "length_m"  # street length covered, metres
SEGMENTS: Final = "segments_wkt"  # the street pieces (a MultiLineString as WKT: one geometry column)
P_VALUE: Final = "p_value"
Q_VALUE: Final = "q_value"
P_MAX: Final = "p_max"
SIGNIFICANT: Final = "significant"
STABILITY: Final = "stability"


def n_of(category: str) -> str:
    """The count column of an incident category (``n_stöld``)."""
    return f"n_{category}"


HOTSPOT_COLUMNS: Final = (
    HOTSPOT_ID,
    CLUSTER,
    N_EVENTS,
    *(n_of(c) for c in INCIDENT_CATEGORIES),
    FIRST_AT,
    LAST_AT,
    TOP_HOURS,
    TOP_WEEKDAYS,
    N_TIME_UNKNOWN,
    MEMBER_INDEX,
    LENGTH_M,
    SEGMENTS,
    GEOMETRY,
)
SIGNIFICANCE_COLUMNS: Final = (P_VALUE, Q_VALUE, P_MAX, SIGNIFICANT)

# --- the places table (rank.rank_places) --------------------------------------------------------------------
RANK: Final = "rank"
SCORE: Final = "score"
NAME: Final = "name"
PLACE_REASON: Final = "reason"  # the reason line, rendered in options.lang from REASON_CODES
REASON_CODES: Final = "reason_codes"  # the reason as data: JSON list of [code, {values}] (see rank.py)
KIND: Final = "kind"  # one of PLACE_KINDS
N_INCIDENTS: Final = "n_incidents"
N_OBSERVATIONS: Final = "n_observations"
DOMINANT_HOURS: Final = "dominant_hours"
DOMINANT_WEEKDAYS: Final = "dominant_weekdays"
PLACE_KINDS: Final = ("hotspot", "observations")
SCORE_COMPONENTS: Final = ("incidents", "recency", "observations", "significance")
WINDOWS_MONTHS: Final = (3, 6, 12)


def score_of(component: str) -> str:
    """The column of a score component's weighted contribution (``score_recency``)."""
    return f"score_{component}"


def n_obs_of(category: str) -> str:
    """The count column of an observation category (``n_obs_belysning``)."""
    return f"n_obs_{category}"


def n_window(months: int) -> str:
    """Incidents in the last ``months`` months (``n_6m``)."""
    return f"n_{months}m"


def trend_window(months: int) -> str:
    """Change against the previous window of ``months`` months, percent (``trend_6m_pct``)."""
    return f"trend_{months}m_pct"


PLACE_COLUMNS: Final = (
    RANK,
    SCORE,
    NAME,
    PLACE_REASON,
    REASON_CODES,
    P_VALUE,
    Q_VALUE,
    SIGNIFICANT,
    P_MAX,
    HOTSPOT_ID,
    KIND,
    STABILITY,
    N_INCIDENTS,
    *(n_of(c) for c in INCIDENT_CATEGORIES),
    *(col for w in WINDOWS_MONTHS for col in (n_window(w), trend_window(w))),
    N_OBSERVATIONS,
    *(n_obs_of(c) for c in OBSERVATION_CATEGORIES),
    N_TIME_UNKNOWN,
    DOMINANT_HOURS,
    DOMINANT_WEEKDAYS,
    LENGTH_M,
    GEOMETRY,
    *(score_of(c) for c in SCORE_COMPONENTS),
)
"""Every column of a ranked places table, in order; an empty result has exactly these, typed as
:data:`PLACE_DTYPES`."""

_PLACE_TEXT = (NAME, PLACE_REASON, REASON_CODES, KIND, DOMINANT_HOURS, DOMINANT_WEEKDAYS)
_PLACE_FLOAT = (SCORE, P_VALUE, Q_VALUE, P_MAX, STABILITY, LENGTH_M)


def _place_dtype(column: str) -> str:
    if column in _PLACE_TEXT:
        return "str"
    if column == SIGNIFICANT:
        return "bool"
    if column in _PLACE_FLOAT or column.startswith(("trend_", "score_")):
        return "float64"
    return "int64"  # rank, ids and counts


PLACE_DTYPES: Final = {c: _place_dtype(c) for c in PLACE_COLUMNS if c != GEOMETRY}
"""The dtype of every non-geometry column of :data:`PLACE_COLUMNS`: the empty result's shape."""

# --- the follow-up table (followup.compare_periods; n_before_<category>/n_after_<category> follow these) ---
AREA: Final = "area"  # how the place's area was measured: polygon, radius_network, radius_euclidean
N_BEFORE: Final = "n_before"
N_AFTER: Final = "n_after"
CHANGE_PCT: Final = "change_pct"
CI_LOW: Final = "ci_low"
CI_HIGH: Final = "ci_high"
TOWN_N_BEFORE: Final = "town_n_before"
TOWN_N_AFTER: Final = "town_n_after"
TOWN_CHANGE_PCT: Final = "town_change_pct"
DID_RATIO: Final = "did_ratio"
DID_CI_LOW: Final = "did_ci_low"
DID_CI_HIGH: Final = "did_ci_high"
DISPERSION: Final = "dispersion"
TOWN_DISPERSION: Final = "town_dispersion"
P_VALUE_DISPERSED: Final = "p_value_dispersed"
IMPROVED: Final = "improved"
DAYS_BEFORE: Final = "days_before"
DAYS_AFTER: Final = "days_after"
FOLLOWUP_COLUMNS: Final = (
    NAME,
    AREA,
    N_BEFORE,
    N_AFTER,
    CHANGE_PCT,
    CI_LOW,
    CI_HIGH,
    TOWN_N_BEFORE,
    TOWN_N_AFTER,
    TOWN_CHANGE_PCT,
    DID_RATIO,
    DID_CI_LOW,
    DID_CI_HIGH,
    P_VALUE,
    DISPERSION,
    TOWN_DISPERSION,
    P_VALUE_DISPERSED,
    IMPROVED,
)
"""The fixed columns of a follow-up table, in order; per-category counts, ``days_before``, ``days_after`` and
the geometry follow."""

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
