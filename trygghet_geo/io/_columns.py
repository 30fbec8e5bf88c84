"""Recognise which source column holds what (Swedish and English headers), with an explicit override."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from trygghet_geo import schema
from trygghet_geo.errors import SchemaError

__all__ = ["ROLES", "normalise_header", "recognise_columns", "role_of"]

# Roles a source column can play. Keys of ``columns=`` may be a role or the canonical column it feeds.
ROLES = (
    "record_id",
    "datetime",
    "date",
    "time",
    "category",
    "place",
    "town",
    "lat",
    "lon",
    "x",
    "y",
    "northing",
    "easting",
    "coordinates",
    "note",
    "measure",
    "published",
)
_CANONICAL_TO_ROLE = {
    schema.RECORD_ID: "record_id",
    schema.OCCURRED_AT: "datetime",
    schema.CATEGORY: "category",
    schema.RAW_CATEGORY: "category",
    schema.PLACE_TEXT: "place",
    schema.LAT: "lat",
    schema.LON: "lon",
    schema.NOTE: "note",
    schema.MEASURE: "measure",
}

# Header aliases per role, already normalised (see normalise_header: casefold, å/ä→a, ö→o, no separators).
_ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": (
        "id",
        "arendenummer",
        "arendenr",
        "arende",
        "diarienummer",
        "diarienr",
        "anmalningsnummer",
        "anmalningsnr",
        "handelsenummer",
        "handelsenr",
        "recordid",
        "caseid",
        "casenumber",
        "incidentid",
        "eventid",
        "lopnummer",
        "lopnr",
        "nr",
        "observationsid",
        "obsid",
    ),
    "datetime": (
        "tidpunkt",
        "handelsetid",
        "datetime",
        "datumtid",
        "datumochtid",
        "timestamp",
        "occurredat",
        "brottstid",
        "brottstidpunkt",
        "handelsetidpunkt",
        "pubdateiso8601",
        "tidsstampel",
        "starttid",
        "fromtid",
        "datetimeoccurred",
        "incidenttime",
    ),
    "date": (
        "datum",
        "date",
        "brottsdatum",
        "handelsedatum",
        "dag",
        "anmalningsdatum",
        "observationsdatum",
        "vandringsdatum",
        "incidentdate",
        "fromdatum",
        "startdatum",
    ),
    "time": ("tid", "klockslag", "time", "kl", "klockan", "brottstidkl", "starttidkl", "timme"),
    "category": (
        "brottstyp",
        "brottskod",
        "kategori",
        "typ",
        "type",
        "category",
        "brott",
        "handelsetyp",
        "titletype",
        "brottsrubricering",
        "rubricering",
        "offense",
        "offence",
        "crimetype",
        "incidenttype",
        "brottskategori",
        "problemtyp",
        "observationstyp",
        "rawcategory",
        "typavbrott",
        "typavproblem",
    ),
    "place": (
        "adress",
        "plats",
        "gatuadress",
        "platsbeskrivning",
        "address",
        "place",
        "location",
        "brottsplats",
        "gata",
        "street",
        "placetext",
        "handelseplats",
        "platsen",
        "var",
        "lage",
        "adressplats",
        "locationstring",
        "platstext",
        "gatanamn",
        "gatunamn",
    ),
    "town": (
        "ort",
        "kommun",
        "stad",
        "town",
        "city",
        "municipality",
        "titlelocation",
        "postort",
        "locationname",
    ),
    "lat": ("lat", "latitud", "latitude", "wgs84lat", "latwgs84", "breddgrad"),
    "lon": ("lon", "long", "lng", "longitud", "longitude", "wgs84lon", "lonwgs84", "langdgrad"),
    "x": ("x", "xkoord", "xkoordinat", "koordinatx", "xcoord", "xcoordinate", "pointx", "koordx"),
    "y": ("y", "ykoord", "ykoordinat", "koordinaty", "ycoord", "ycoordinate", "pointy", "koordy"),
    "northing": ("n", "northing", "nordkoordinat", "norr", "nord", "nkoord", "nkoordinat"),
    "easting": ("e", "easting", "ostkoordinat", "ost", "ostlig", "ekoord", "ekoordinat", "ostkoord"),
    "coordinates": ("gps", "koordinater", "coordinates", "koordinat", "latlon", "latlng", "position"),
    "note": (
        "anteckning",
        "anteckningar",
        "kommentar",
        "kommentarer",
        "beskrivning",
        "note",
        "notes",
        "comment",
        "comments",
        "description",
        "iakttagelse",
        "synpunkt",
        "synpunkter",
        "notering",
        "fritext",
        "observation",
        "summary",
        "sammanfattning",
    ),
    "measure": (
        "atgardsforslag",
        "atgard",
        "forslag",
        "measure",
        "suggestedmeasure",
        "forslagpaatgard",
        "forslagtillatgard",
        "atgarder",
        "action",
        "recommendation",
    ),
    "published": ("publicerad", "published", "pubdate", "publiceringsdatum", "updated", "uppdaterad"),
}
_LOOKUP = {alias: role for role, aliases in _ALIASES.items() for alias in aliases}


def role_of(key: str) -> str:
    """The role a ``columns=`` key stands for (a canonical column name or a role)."""
    return _CANONICAL_TO_ROLE.get(key, key)


def normalise_header(name: object) -> str:
    """A header reduced for matching: casefolded, Swedish letters folded to ASCII, separators removed.

    >>> normalise_header(" Åtgärds-förslag ")
    'atgardsforslag'
    """
    text = unicodedata.normalize("NFKD", str(name).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]", "", text)


def recognise_columns(
    names: Iterable[object],
    *,
    columns: Mapping[str, str | None] | None = None,
    source: str = "input",
    auto: bool = True,
) -> dict[str, str]:
    """Map roles to source column names: recognised headers first, then ``columns`` overriding them.

    Parameters
    ----------
    names
        The source's column names, in order.
    columns
        ``{role_or_canonical_name: source_column}``; a value of ``None`` switches a recognised role off.
    source
        Named in error messages.
    auto
        Recognise headers; ``False`` applies only ``columns``.

    Raises
    ------
    SchemaError
        A key is no known role, or a value names a column the source does not have.

    Examples
    --------
    >>> recognise_columns(["Ärendenummer", "Brottstyp", "Datum", "Tid", "Plats", "Latitud", "Longitud"])
    {'record_id': 'Ärendenummer', 'category': 'Brottstyp', 'date': 'Datum', 'time': 'Tid', 'place': 'Plats', \
'lat': 'Latitud', 'lon': 'Longitud'}
    """
    names = list(names)
    found: dict[str, str] = {}
    for name in names if auto else ():
        role = _LOOKUP.get(normalise_header(name))
        if role is not None and role not in found:
            found[role] = name  # type: ignore[assignment]
    for key, value in (columns or {}).items():
        role = _CANONICAL_TO_ROLE.get(key, key)
        if role not in ROLES:
            raise SchemaError(
                f"{source}: columns={{{key!r}: ...}} names no known field; expected one of {list(ROLES)} "
                f"or a canonical column such as {schema.PLACE_TEXT!r}"
            )
        if value is None:
            found.pop(role, None)
            continue
        if value not in names:
            raise SchemaError(
                f"{source}: columns={{{key!r}: {value!r}}} names a column the file does not have; "
                f"its columns are {names!r}"
            )
        # An explicit choice also takes the column away from any role it was recognised for.
        for other in [r for r, col in found.items() if col == value and r != role]:
            del found[other]
        found[role] = value
    return found
