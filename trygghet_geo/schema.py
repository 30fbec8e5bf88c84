"""Canonical columns, vocabularies and status codes shared by every stage.

Every stage takes and returns a GeoDataFrame carrying these columns (plus whatever the user brought, passed
through untouched). Column names are referenced through the constants below, never as bare strings.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

__all__ = [
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
    "NOTE",
    "OBSERVATION_CATEGORIES",
    "OBSERVATION_COLUMNS",
    "OCCURRED_AT",
    "PLACE_TEXT",
    "PRECISION",
    "PRECISION_TIERS",
    "RAW_CATEGORY",
    "REASON",
    "RECORD_ID",
    "SNAP_DIST_M",
    "SOURCE",
    "SOURCE_ROW",
    "STATUS",
    "STATUSES",
    "STREET_PRECISION",
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
