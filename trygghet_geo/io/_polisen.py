"""JSON records: the Polisen open events API and the brottsplatskartan layout (plus plain record lists).

Polisen's ``location.gps`` is the centre of the municipality or county, never the incident site, so those rows
get precision ``municipality`` or ``county`` and are not clustered as street points. From early 2026
``location.name`` is often only the county; the town is then the last comma part of ``name``. A street named
in ``summary`` (``"… på Storgatan"``) is kept as place text for the geocoder.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from trygghet_geo.errors import InputError
from trygghet_geo.io._dates import _MONTHS, parse_datetimes

logger = logging.getLogger(__name__)

__all__ = ["STREET_PATTERN", "load_json_records", "prepare_records"]

# Swedish street-like names: a capitalised word ending in a street suffix, optionally with a house number.
_SUFFIXES = (
    "gatan",
    "vägen",
    "gränd",
    "gränden",
    "torget",
    "torg",
    "stigen",
    "allén",
    "allé",
    "leden",
    "backen",
    "platsen",
    "plan",
    "kajen",
    "esplanaden",
    "promenaden",
    "bron",
    "tunneln",
    "parken",
    "stråket",
    "längan",
    "vägen",
    "gata",
    "väg",
    "strand",
    "stranden",
    "kroken",
    "slingan",
    "svängen",
)
STREET_PATTERN = (
    r"(?P<street>\b[A-ZÅÄÖÉ][a-zåäöéü\-]*(?:"
    + "|".join(sorted(set(_SUFFIXES), key=len, reverse=True))
    + r")\b(?:\s+\d{1,4}[A-Za-z]?\b)?)"
)


def load_json_records(path: Path) -> list[Any] | dict[str, Any]:
    """Parse a JSON file; clear errors for empty or broken files and for a document that is no list or
    object (``records_of`` checks the records themselves)."""
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty; expected a JSON list of records")
    try:
        # UTF-8, -16 or -32, with or without a byte order mark (RFC 8259 and ``json.detect_encoding``).
        text = raw.decode(json.detect_encoding(raw)).removeprefix("\ufeff")
        try:
            data = json.loads(text, object_pairs_hook=_clean_object)
        except json.JSONDecodeError as exc:
            data = _json_lines(path, text, exc)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: JSON must be UTF-8 (or UTF-16/32) text ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: the JSON nests too deeply to be a list of records") from None
    except InputError:  # a broken JSON Lines record, already named with its line
        raise
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise InputError(f"{path}: a JSON value cannot be read ({exc})") from None
    if not isinstance(data, list | dict):
        raise InputError(f"{path}: expected a JSON list of records, got {type(data).__name__}")
    return data


def _json_lines(path: Path, text: str, error: json.JSONDecodeError) -> list[Any]:
    """JSON Lines (one record per line, blank lines allowed), the layout of many exports; the first error
    again when the text is not that either."""
    if error.msg != "Extra data":
        raise error
    records = []
    for number, line in enumerate(text.split("\n"), start=1):  # U+2028 may stand raw inside a string
        if not line.strip():
            continue
        try:
            records.append(json.loads(line, object_pairs_hook=_clean_object))
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: broken JSON Lines at line {number}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(records[-1], dict):
            raise error
    return records


_SURROGATE = re.compile("[\ud800-\udfff]")


def _clean(value: Any) -> Any:
    """Text with lone surrogates (``"\\ud800"`` escapes, which are no Unicode) made U+FFFD; lists too."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _clean_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json`` object hook: keys and text values without lone surrogates, so no later step (Arrow, a
    UTF-8 writer) fails on them."""
    return {_clean(k): _clean(v) for k, v in pairs}


def records_of(data: Any, path: Path) -> list[dict[str, Any]]:
    """The list of records inside a JSON document (a list, or a dict holding one under data/events/…)."""
    if isinstance(data, dict):
        for key in ("data", "events", "items", "results", "records"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            raise InputError(
                f"{path}: expected a JSON list of records (or a GeoJSON FeatureCollection), got an "
                f"object with keys {sorted(data)[:10]!r}"
            )
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of records, got {type(data).__name__}")
    bad = [i for i, r in enumerate(data) if not isinstance(r, dict)]
    if bad:
        raise InputError(
            f"{path}: record {bad[0] + 1} is a {type(data[bad[0]]).__name__}, expected an object "
            "with fields such as id, datetime, type, location"
        )
    return data


def _layout(frame: pd.DataFrame) -> str:
    cols = set(frame.columns)
    if {"datetime", "type"} <= cols and ({"location.gps", "location.name"} & cols):
        return "polisen"
    if "title_type" in cols and ({"lat", "lng"} <= cols or "title_location" in cols):
        return "brottsplatskartan"
    return "records"


def _is_county(text: pd.Series) -> pd.Series:
    return text.str.strip().str.lower().str.endswith(" län")


def _event_time(name: pd.Series, published: pd.Series) -> pd.Series:
    """The event time from ``name`` ("25 mars 21:15, …" or "22 augusti 17.59, …"), year from publication;
    falls back to the publication time."""
    parts = name.str.extract(r"^\s*(\d{1,2})\s+([a-zåäö]+)\s+(\d{1,2})[:.](\d{2})", expand=True)
    month = parts[1].str.lower().map(_MONTHS)
    ok = parts[0].notna() & month.notna() & published.notna()
    out = published.copy()
    if ok.any():
        year = published[ok].dt.year
        text = (
            year.astype("str")
            + "-"
            + month[ok].astype(int).astype("str").str.zfill(2)
            + "-"
            + parts.loc[ok, 0].str.zfill(2)
            + " "
            + parts.loc[ok, 2].str.zfill(2)
            + ":"
            + parts.loc[ok, 3]
        )
        ts, _bad = parse_datetimes(text)
        # An event on 31 December published on 1 January belongs to the year before.
        late = ts > published[ok] + pd.Timedelta(days=2)
        if late.any():
            ts[late], _ = parse_datetimes((year[late] - 1).astype("str") + text[late].str[4:])
        out[ok] = ts.where(ts.notna(), published[ok])
    return out


def _unread_kept(times: pd.Series, raw: pd.Series) -> pd.Series:
    """The times read, with the raw text kept where none could be read (a missing time as ``"(saknas)"``),
    so that the reader flags those rows ``bad_date`` instead of taking them as undated but usable."""
    unread = times.isna().to_numpy()
    if not unread.any():
        return times
    out = times.astype(object)
    out[unread] = raw[unread].where(raw[unread] != "", "(saknas)").to_numpy()
    return out


def _street(text: pd.Series) -> pd.Series:
    return text.str.extract(STREET_PATTERN, expand=True)["street"].fillna("").astype("str")


def prepare_records(data: Any, path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Flatten JSON records; returns the flat frame and what the layout tells (roles, derived values)."""
    records = records_of(data, path)
    if not records:
        raise InputError(f"{path}: the JSON list holds no records")
    frame = pd.json_normalize(records, sep=".", max_level=1)
    layout = _layout(frame)
    if layout == "polisen":
        return frame, _polisen(frame)
    if layout == "brottsplatskartan":
        return frame, _brottsplatskartan(frame)
    return frame, {"layout": "records"}


def _text(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame:
        return pd.Series([""] * len(frame), dtype="str")
    v = frame[col]
    if pd.api.types.is_float_dtype(
        v.dtype
    ):  # whole numbers made float by a missing or NaN id: 500, not 500.0
        whole = v.notna() & np.isfinite(v) & (v == np.round(v)) & (v.abs() < 2**53)
        text = v.astype("str").where(~whole, v.where(whole, 0).astype("int64").astype("str"))
        return text.where(v.notna(), "").str.strip()
    if v.dtype == object:  # ids as numbers and text in one column (json_normalize keeps each as given)
        v = v.map(lambda x: int(x) if isinstance(x, float) and x.is_integer() and abs(x) < 2**53 else x)
    return v.astype("str").where(v.notna(), "").str.strip()


def _polisen(frame: pd.DataFrame) -> dict[str, Any]:
    published, _ = parse_datetimes(_text(frame, "datetime"))
    name = _text(frame, "name")
    loc = _text(frame, "location.name")
    tail = name.str.rsplit(",", n=1).str[-1].str.strip()
    county_loc = _is_county(loc)
    town = loc.where(~county_loc | _is_county(tail) | (tail == ""), tail)
    town_is_county = _is_county(town)
    precision = pd.Series(np.where(county_loc, "county", "municipality"), dtype="str")
    gps = _text(frame, "location.gps").str.split(",", n=1, expand=True)
    if gps.shape[1] < 2:
        gps[1] = ""
    street = _street(_text(frame, "summary"))
    # "Sammanfattning natt" bundles many events: a street in its text is no place of the row.
    street = street.where(~_text(frame, "type").str.lower().str.startswith("sammanfattning"), "")
    place = town.where(street == "", street + ", " + town.where(~town_is_county, loc))
    derived = {
        "record_id": _text(frame, "id"),
        "datetime": _unread_kept(_event_time(name, published), _text(frame, "datetime")),
        "published": published,
        "category": _text(frame, "type"),
        "place": place,
        "lat": gps[0].fillna(""),
        "lon": gps[1].fillna(""),
    }
    return {
        "layout": "polisen",
        "derived": derived,
        "precision": precision,
        "coarse_with_street": street != "",
        "notes": [
            "Polisen API: coordinates are municipality or county centres (precision municipality/"
            "county); the event time is read from 'name', the publication time from 'datetime'"
        ],
    }


def _brottsplatskartan(frame: pd.DataFrame) -> dict[str, Any]:
    published, _ = parse_datetimes(_text(frame, "pubdate_iso8601"))
    town = _text(frame, "title_location")
    n = len(frame)
    precision = np.where(_is_county(town), "county", "municipality").astype(object)
    vp = [
        "viewport_northeast_lat",
        "viewport_northeast_lng",
        "viewport_southwest_lat",
        "viewport_southwest_lng",
    ]
    if set(vp) <= set(frame.columns):
        ne_lat, ne_lng, sw_lat, sw_lng = (
            pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) for c in vp
        )
        lat_mid = np.radians((ne_lat + sw_lat) / 2)
        diag_km = np.hypot((ne_lat - sw_lat) * 111.2, (ne_lng - sw_lng) * 111.2 * np.cos(lat_mid))
        # brottsplatskartan geocodes "place, street, town": a small viewport means it found the street.
        precision = np.where(diag_km < 3, "street", np.where(diag_km < 12, "place", precision))
    text = _text(frame, "description") if "description" in frame else pd.Series([""] * n, dtype="str")
    street = _street(text)
    place = town.where(street == "", street + ", " + town)
    derived = {
        "record_id": _text(frame, "id"),
        "datetime": _unread_kept(published, _text(frame, "pubdate_iso8601")),
        "published": published,
        "category": _text(frame, "title_type"),
        "place": place,
        "lat": _text(frame, "lat"),
        "lon": _text(frame, "lng"),
    }
    coarse = pd.Series(np.isin(precision, ["municipality", "county"]), dtype=bool) & (street != "")
    return {
        "layout": "brottsplatskartan",
        "derived": derived,
        "precision": pd.Series(precision, dtype=object),
        "coarse_with_street": coarse,
        "notes": [
            "brottsplatskartan: precision from its geocoding viewport where present, else municipality/"
            "county; the time is the publication time"
        ],
    }
