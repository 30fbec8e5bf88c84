"""Recognise which source column holds what (Swedish and English headers), with an explicit override."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from trygghet_geo import schema
from trygghet_geo._hints import hint
from trygghet_geo.errors import SchemaError

__all__ = ["ROLES", "coordinate_role", "normalise_header", "recognise_columns", "role_of"]

# Roles a source column can play. Keys of ``columns=`` may be a role or the canonical column it feeds.
ROLES = (
    "record_id",
    "case_id",
    "datetime",
    "date",
    "time",
    "datetime_to",
    "date_to",
    "time_to",
    "category",
    "offence_code",
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
    "remark_status",
    "tone",
)
_CANONICAL_TO_ROLE = {
    schema.RECORD_ID: "record_id",
    schema.CASE_ID: "case_id",
    schema.OFFENCE_CODE: "offence_code",
    schema.OCCURRED_AT: "datetime",
    schema.OCCURRED_FROM: "datetime",
    schema.OCCURRED_TO: "datetime_to",
    schema.REMARK_STATUS: "remark_status",
    schema.REMARK_TONE: "tone",
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
    # A police case (ärende) holds one row per brott: the case number is no row id.
    "case_id": (
        "arendenummer",
        "arendenr",
        "arende",
        "diarienummer",
        "diarienr",
        "anmalningsnummer",
        "anmalningsnr",
        "caseid",
        "casenumber",
        "arendeid",
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
        "occurredfrom",
        "datetimefrom",
        "fromtidpunkt",
        "frantidpunkt",
        "starttidpunkt",
        "brottbegangetfrom",
    ),
    "datetime_to": (
        "occurredto",
        "datetimeto",
        "tomtidpunkt",
        "tilltidpunkt",
        "sluttidpunkt",
        "enddatetime",
        "brottbegangettom",
        "brottstidtom",
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
        "brottbegangetfromdatum",
        "begangetfromdatum",
        "begattfromdatum",
        "begattfrandatum",
        "brottbegattfromdatum",
        "frandatum",
        "datumfrom",
        "datumfran",
        "brottsdatumfrom",
        "handelsedatumfrom",
        "startdate",
        "fromdate",
        "datefrom",
    ),
    "time": (
        "tid",
        "klockslag",
        "time",
        "kl",
        "klockan",
        "brottstidkl",
        "starttidkl",
        "timme",
        "fromkl",
        "frankl",
        "klfrom",
        "fromtime",
        "timefrom",
        "starttime",
    ),
    "date_to": (
        "tomdatum",
        "tilldatum",
        "slutdatum",
        "datumtom",
        "datumtill",
        "brottbegangettomdatum",
        "begangettomdatum",
        "begatttomdatum",
        "begatttilldatum",
        "brottbegatttomdatum",
        "handelsedatumtom",
        "brottsdatumtom",
        "enddate",
        "todate",
        "dateto",
    ),
    "time_to": ("tomkl", "tillkl", "kltom", "tomtid", "tilltid", "sluttid", "endtime", "timeto", "totime"),
    "category": (
        "brottstyp",
        "brottsbenamning",
        "benamning",
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
    # The code is kept beside the text; the category comes from the text when both are given.
    "offence_code": (
        "brottskod",
        "brottskoder",
        "brottskodnr",
        "kod",
        "offencecode",
        "offensecode",
        "crimecode",
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
    "northing": (
        "n",
        "northing",
        "nordkoordinat",
        "norr",
        "nord",
        "nkoord",
        "nkoordinat",
        "nordkoord",
        "nordlig",
        "nordligkoordinat",
    ),
    "easting": (
        "e",
        "easting",
        "ostkoordinat",
        "ost",
        "ostlig",
        "ekoord",
        "ekoordinat",
        "ostkoord",
        "ostligkoordinat",
        "okoord",
        "okoordinat",
    ),
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
    "remark_status": (
        "status",
        "atgardsstatus",
        "statusatgard",
        "handlaggningsstatus",
        "uppfoljning",
        "uppfoljningsstatus",
        "atgardad",
        "atgardat",
        "remarkstatus",
    ),
    "tone": (
        "omdome",
        "bedomning",
        "karaktar",
        "synpunktstyp",
        "typavsynpunkt",
        "positivnegativ",
        "positivtnegativt",
        "tone",
        "sentiment",
    ),
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
    {'case_id': 'Ärendenummer', 'category': 'Brottstyp', 'date': 'Datum', 'time': 'Tid', 'place': 'Plats', \
'lat': 'Latitud', 'lon': 'Longitud'}
    """
    names = list(names)
    found = _recognise(names) if auto else {}
    for key, value in (columns or {}).items():
        role = _CANONICAL_TO_ROLE.get(key, key)
        if role not in ROLES:
            raise SchemaError(
                f"{source}: {hint('columns', '{' + repr(key) + ': ...}', cli=f'{key}=...')} names no known "
                f"field; expected one of {list(ROLES)} "
                f"or a canonical column such as {schema.PLACE_TEXT!r}"
            )
        if value is None:
            found.pop(role, None)
            continue
        if value not in names:
            python = "{" + repr(key) + ": " + repr(value) + "}"
            raise SchemaError(
                f"{source}: {hint('columns', python, cli=f'{key}={value}')} names a column the file does "
                "not have; "
                f"its columns are {names!r}"
            )
        # An explicit choice also takes the column away from any role it was recognised for.
        for other in [r for r, col in found.items() if col == value and r != role]:
            del found[other]
        found[role] = value
    return found


# A time column is named by its date: "Brott begånget fr.o.m. datum;kl;t.o.m. datum;kl" (pandas names the
# second "kl" "kl.1"). Bare time names, with the digits such a renaming adds.
_BARE_TIME = re.compile(r"^(kl|klockan|klockslag|tid|time|timme)\d*$")


# Coordinate headers with what they are written in: "Y-koordinat (N)", "N (SWEREF99 TM)", "Latitud, WGS 84",
# "Östlig koordinat [m]". The CRS and unit words are dropped, an axis word at the end ("(N)", "(Ö)",
# "norr") says which axis the column holds, whatever its X/Y name says (X is northing in Swedish maps,
# easting in international ones), and what is left must be a coordinate header.
_CRS_TEXT = re.compile(
    r"""(?x)
      sweref\s*-?\s*99(?:\s*-?\s*(?:tm|\d{1,2}\s*[ .]?\s*\d{2}))?
    | rt\s*-?\s*90(?:\s*-?\s*\d(?:[.,]\d)?\s*gon(?:\s*[vo])?)?
    | wgs\s*-?\s*84 | etrs\s*-?\s*89 | epsg\s*[:\s]?\s*\d{4,5} | utm(?:\s*zon(?:e)?\s*\d{1,2}\s*n?)?
    """
)
_UNIT_WORDS = frozenset(
    ("m", "meter", "metre", "meters", "metres", "grader", "grad", "deg", "degree", "degrees", "decimalgrader",
     "dd", "dec", "decimal", "i", "in", "enligt")
)  # fmt: skip
_AXIS_WORDS = {
    **dict.fromkeys(("n", "nord", "norr", "north", "nordlig", "northing"), "northing"),
    **dict.fromkeys(("e", "o", "ost", "ostlig", "east", "easting"), "easting"),
}
_COORDINATE_ROLES = ("lat", "lon", "x", "y", "northing", "easting", "coordinates")


def coordinate_role(name: object) -> str | None:
    """The coordinate role of a header written with its axis, CRS or unit, ``None`` for any other header.

    >>> [coordinate_role(h) for h in ("Y-koordinat (N)", "X-koordinat (E)", "N (SWEREF99 TM)", "Längd (m)")]
    ['northing', 'easting', 'northing', None]
    """
    text = unicodedata.normalize("NFKD", str(name).casefold().replace("°", " deg "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    stripped = _CRS_TEXT.sub(" ", text)
    words = [w for w in re.findall(r"[0-9a-z]+", stripped) if w not in _UNIT_WORDS]
    qualified = len(words) < len(re.findall(r"[0-9a-z]+", text))  # a CRS or unit was named
    if not words:
        return None
    axis = _AXIS_WORDS.get(words[-1]) if len(words) > 1 else None
    base = "".join(words[:-1] if axis else words)
    role = _LOOKUP.get(base)
    if role is None and len(words) == 1 and qualified:  # "Ö (SWEREF 99 TM)", "Norr (m)"
        role = _AXIS_WORDS.get(base)
    if role not in _COORDINATE_ROLES:
        return None
    if axis is None or role in ("x", "y", "northing", "easting", "coordinates"):
        return axis or role
    return role if (role, axis) in (("lat", "northing"), ("lon", "easting")) else None


def _recognise(names: list[object]) -> dict[str, str]:
    """Recognised roles by header; a bare time column belongs to the date column just before it; a code
    column stands in for the category only when no text column names the offence."""
    found: dict[str, str] = {}
    previous: str | None = None
    for name in names:
        key = normalise_header(name)
        role = _LOOKUP.get(key) or coordinate_role(name)
        if _BARE_TIME.match(key) and previous in ("date", "date_to"):
            role = "time" if previous == "date" else "time_to"
        elif role is None and _BARE_TIME.match(key):
            role = "time"
        if role is not None and role not in found:
            found[role] = name  # type: ignore[assignment]
        previous = role if role is not None and found.get(role) == name else None
    if "category" not in found and "offence_code" in found:
        found["category"] = found["offence_code"]
    return found
