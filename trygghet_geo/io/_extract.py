"""Police extracts as the case systems deliver them: title and footer lines, the offence interval
("Brott begånget fr.o.m. datum; kl; t.o.m. datum; kl"), whether a time of day was given, and place text
that names only a municipality or county. (The identity of a row, one per brott: the case number and the
offence, is kept by the duplicate check in ``_ingest``.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.io._dates import _localize, distinct_texts, parse_times, wall_datetimes
from trygghet_geo.io._values import factorize
from trygghet_geo.io._weeks import week_ends

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "Roles",
    "coarse_place",
    "footer_rows",
    "has_clock",
    "header_row",
    "interval_end",
    "occurred_to",
    "time_known",
]

_DAY_NS = 86_400 * 10**9
_NAT = np.iinfo(np.int64).min


class Roles(Protocol):
    """Access to the values of recognised roles (the reader's ``_Columns``)."""

    def has(self, role: str) -> bool: ...

    def present(self, role: str) -> pd.Series: ...


# --- title and footer lines --------------------------------------------------------------------------------
# A footer names the count or the print-out: "Antal rader: 1626", "Summa 12", "Utskrivet 2024-03-01 av …".
_FOOTER = re.compile(
    r"(?i)^\s*(antal|summa|totalt|total|rader|utskriv|utskrift|utdrag|sida|page|rows|records|count|"
    r"k[äa]lla|source|skapad|created|export|rapport|report|slut|end of)\b"
)


def _filled(row: Sequence[Any]) -> list[str]:
    return [str(v).strip() for v in row if not _blank(v)]


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    text = str(value).strip()
    return text == "" or text.lower() in ("nan", "nat", "none")


def header_row(rows: Sequence[Sequence[Any]]) -> int:
    """The position of the header among the first rows of a table: title lines above it (padded with empty
    cells or not) hold at most one filled cell, or fewer than half the table's width; blank lines are skipped.

    >>> header_row([["Utdrag ur ärendesystemet", "", ""], ["", "", ""], ["Datum", "Plats", "Typ"],
    ...             ["2024-01-01", "Torget", "Stöld"]])
    2
    >>> header_row([["Datum", "Plats"], ["2024-01-01", "Torget"]])
    0
    """
    from trygghet_geo.io._columns import recognise_columns

    filled = [len(_filled(r)) for r in rows]
    width = max(filled, default=0)
    if width < 2:
        return 0
    shape = next((i for i, n in enumerate(filled) if n > max(1, width // 2)), 0)
    # A row naming more known fields (two or more, of three letters or more: a data row's "x" or "E" is no
    # name) is the header, however many cells a title line above it fills ("Period: 2025-01-01, 2025-03-31,
    # alla brott" in a comma file) or it leaves empty.
    known = [len(recognise_columns([c for c in _filled(r) if 3 <= len(c) < 80])) for r in rows]
    best = max(known, default=0)
    if best >= 2 and known[shape] < best:
        return known.index(best)
    return shape


def footer_rows(frame: pd.DataFrame) -> int:
    """How many rows at the end of a table are a footer, not data: blank rows, and rows whose only filled
    cell (in any column) reads like a footer ("Antal rader: 1626", "Summa: 12", "Utskrivet …").

    A row with one filled cell that does not read like a footer stays a row (it is reported with its
    reason), so no record is ever taken for a footer by its shape alone.

    >>> footer_rows(pd.DataFrame({"a": ["1", "2", "Antal rader: 2", ""], "b": ["x", "y", "", ""]}))
    2
    """
    values = frame.iloc[-50:].to_numpy(dtype=object)  # a footer is a few lines: never copy a whole table
    n = len(values)
    k = 0
    seen_text = False
    while k < n:
        cells = _filled(values[n - 1 - k])
        if not cells:
            k += 1
            continue
        if len(cells) == 1 and _FOOTER.match(cells[0]):
            k += 1
            seen_text = True
            continue
        break
    # Only trailing blank rows below the data (no footer text) are left to the reader's own rules.
    return k if seen_text else 0


# --- time of day given or not ------------------------------------------------------------------------------
# A time of day written after a date ("2024-01-05 22:15", "…T22:15:00+01:00", "5/1/2024 kl 22.15").
_CLOCK = re.compile(r"(?:^|[\sT])(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?(?:\s*$|\s|Z|[+-]\d)")
_SERIAL_WITH_FRACTION = re.compile(r"^\s*\d+[.,]\d*[1-9]\d*\s*$")


def _value_has_clock(value: Any) -> bool:
    if _blank(value):
        return False
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "hour"):
        ts = pd.Timestamp(value)
        return bool(ts.hour or ts.minute or ts.second)  # a date cell at midnight: Excel's date-only cell
    if isinstance(value, int | float | np.integer | np.floating):
        return bool(float(value) % 1)  # an Excel serial with a fraction of a day
    text = str(value)
    return bool(_CLOCK.search(text) or _SERIAL_WITH_FRACTION.match(text))


def has_clock(values: pd.Series) -> NDArray[np.bool_]:
    """True where a date value carries a time of day (each distinct value looked at once).

    >>> has_clock(pd.Series(["2024-01-05 22:15", "2024-01-05", "5.1.2024", "44259.5", "44259", ""])).tolist()
    [True, False, False, True, False, False]
    """
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        ts = values.dt.tz_localize(None) if getattr(values.dt, "tz", None) is not None else values
        out: NDArray[np.bool_] = (ts.notna() & (ts != ts.dt.normalize())).to_numpy(dtype=bool)
        return out
    codes, uniques = distinct_texts(values.reset_index(drop=True))
    per_value = np.array([_value_has_clock(v) for v in uniques] + [False], dtype=bool)
    result: NDArray[np.bool_] = per_value[np.where(codes < 0, len(uniques), codes)]
    return result


def interval_end(date: pd.Series, time: pd.Series | None) -> tuple[pd.Series, NDArray[np.bool_]]:
    """The end of an offence interval from its date and optional time columns: where no time of day is given
    the end is that day's 23:59:59 (the whole day counts). Returns the Stockholm timestamps and the rows
    whose end could not be read."""
    date = date.reset_index(drop=True)
    day_codes, days = distinct_texts(date)
    wall, bad_day = wall_datetimes(days)
    w = np.append(wall.to_numpy(dtype="datetime64[ns]").view(np.int64), _NAT)[day_codes]
    bad = np.append(bad_day, False)[day_codes]
    clocked = has_clock(date)
    c = np.full(len(date), _NAT, dtype=np.int64)
    if time is not None:
        clock_codes, clocks = distinct_texts(time.reset_index(drop=True))
        parsed, bad_clock = parse_times(clocks)
        c = np.append(parsed.to_numpy(dtype="timedelta64[ns]").view(np.int64), _NAT)[clock_codes]
        bad |= np.append(bad_clock, False)[clock_codes]
    present = w != _NAT
    with_clock = present & (c != _NAT)
    day_start = w - w % _DAY_NS
    end_of_day = day_start + _DAY_NS - 10**9
    w = np.where(with_clock, day_start + c, np.where(present & ~clocked, end_of_day, w))
    end = _localize(pd.Series(w.view("datetime64[ns]")))
    return week_ends(date, end, bad), bad  # a week is its Sunday 23:59:59


def time_known(
    cols: Roles, occurred: pd.Series, clock_given: NDArray[np.bool_] | None = None
) -> NDArray[np.bool_]:
    """True where the source gave a time of day for the start (a date alone is a day, not midnight);
    ``clock_given`` is where a separate time column gave one, when the caller knows it already."""
    n = len(occurred)
    if cols.has("datetime"):
        known = has_clock(cols.present("datetime"))
    elif cols.has("date"):
        known = has_clock(cols.present("date"))
        if clock_given is not None:
            known = known | clock_given
        elif cols.has("time"):
            codes, clocks = distinct_texts(cols.present("time").reset_index(drop=True))
            parsed, _ = parse_times(clocks)
            given = np.append(parsed.notna().to_numpy(dtype=bool), False)[codes]
            known = known | given
    else:
        known = np.zeros(n, dtype=bool)
    out: NDArray[np.bool_] = known & occurred.notna().to_numpy(dtype=bool)
    return out


def occurred_to(cols: Roles, occurred: pd.Series) -> tuple[pd.Series, int]:
    """The end of each row's interval (NaT where the source gives none) and how many ends lay before their
    start (those ends are dropped: the start stands alone)."""
    n = len(occurred)
    if cols.has("datetime_to"):
        end, _ = interval_end(cols.present("datetime_to"), None)
    elif cols.has("date_to"):
        end, _ = interval_end(
            cols.present("date_to"), cols.present("time_to") if cols.has("time_to") else None
        )
    else:
        return pd.Series(pd.NaT, index=pd.RangeIndex(n), dtype=occurred.dtype), 0
    start = occurred.reset_index(drop=True)
    end = end.reset_index(drop=True).astype(start.dtype)
    before = (end < start).to_numpy(dtype=bool)
    if before.any():
        end = end.mask(pd.Series(before))
    return end, int(before.sum())


# --- place text that names only a municipality or a county -------------------------------------------------
_COUNTIES = (
    "stockholm", "uppsala", "södermanland", "östergötland", "jönköping", "kronoberg", "kalmar", "gotland",
    "blekinge", "skåne", "halland", "västra götaland", "värmland", "örebro", "västmanland", "dalarna",
    "gävleborg", "västernorrland", "jämtland", "västerbotten", "norrbotten",
)  # fmt: skip
_COUNTY_TEXT = re.compile(r"(?i)^\s*(?:(?:" + "|".join(_COUNTIES) + r")s?\s+län|[\w\s-]+\s+län|län)\s*$")
_MUNICIPALITY_TEXT = re.compile(r"(?i)^\s*(?:[\w\s-]+\s+(?:kommun|stad|kommunområde|tätort)|kommun)\s*$")


def coarse_place(place: pd.Series, town: pd.Series | None, report: Any = None) -> NDArray[np.int8]:
    """Which rows' place text names only a municipality (1) or a county (2), never a street: an empty place
    beside a town, a place equal to the row's town or to any town of the file, "X kommun", "X län".

    >>> coarse_place(pd.Series(["Storgatan 1", "Helsingfors", "", "Skåne län", "Karlstads kommun"]),
    ...              pd.Series(["Helsingfors", "Helsingfors", "Helsingfors", "", ""])).tolist()
    [0, 1, 1, 2, 1]

    The town names (at most 100) go to ``report.towns`` when a report is given.
    """
    if town is not None and report is not None:
        report.towns = sorted({t for t in pd.unique(town) if t})[:100]
    codes, uniques = factorize(place.reset_index(drop=True))  # each distinct text looked at once
    folded = pd.Series(uniques, dtype="str").str.strip().str.casefold()
    per_text = np.zeros(len(folded) + 1, dtype=np.int8)  # the last slot: a missing cell
    per_text[:-1][folded.str.match(_MUNICIPALITY_TEXT).to_numpy(dtype=bool)] = 1
    per_text[:-1][folded.str.match(_COUNTY_TEXT).to_numpy(dtype=bool)] = 2
    empty = np.append((folded == "").to_numpy(dtype=bool), True)
    if town is not None:
        tcodes, tuniques = pd.factorize(town.reset_index(drop=True))
        tfolded = pd.Series(tuniques, dtype="str").str.strip().str.casefold()
        names = set(tfolded[tfolded != ""])
        per_text[:-1][folded.isin(names).to_numpy(dtype=bool) & (per_text[:-1] == 0)] = 1
        has_town = np.append((tfolded != "").to_numpy(dtype=bool), False)[np.where(tcodes < 0, -1, tcodes)]
        per_text[-1] = 0
        out = per_text[codes]  # code -1 (a missing cell) picks the last slot
        only_town = empty[codes] & has_town
        return np.where(only_town, np.int8(1), out).astype(np.int8)
    return per_text[codes]


def with_coarse(code: NDArray[np.int16], coarse: NDArray[np.int8]) -> NDArray[np.int16]:
    """Precision codes (into ``schema.PRECISION_TIERS``) with the rows whose text names only a municipality
    (1) or county (2) marked so."""
    out = code.copy()
    out[coarse == 1] = schema.PRECISION_TIERS.index("municipality")
    out[coarse == 2] = schema.PRECISION_TIERS.index("county")
    return out


def report_when_and_cases(
    report: Any,
    known: NDArray[np.bool_],
    occurred: pd.Series,
    until: pd.Series,
    reversed_ends: int,
    case_id: pd.Series | None,
) -> None:
    """The report's counts of rows without a time of day, rows with an interval, and cases."""
    if reversed_ends:
        report.notes.append(f"{reversed_ends} rows end before they begin; their end date was not used")
    report.time_unknown = int((~known & occurred.notna().to_numpy()).sum())
    report.intervals = int(until.notna().sum())
    if case_id is not None:
        report.cases = int(case_id[case_id != ""].nunique())
