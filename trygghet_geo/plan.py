"""The measures register (åtgärdsplan): what was decided for each place, by whom, and did it work.

One plain file that people edit (XLSX or CSV, in the toolkit's one CSV dialect), one row per measure, with
these columns (Swedish headers; the English names are accepted too):

=====================  ====================  =================================================================
header                 field                 content
=====================  ====================  =================================================================
Plats                  ``place``             a place name from the ranking (``Kajsaniemiparken``), ``#4`` for
                                             the place ranked 4, or an area's code or name (DeSO, district)
Problem                ``problem``           the problem the measure addresses
Åtgärd                 ``measure``           the measure
Ansvarig               ``responsible``       the responsible organisation
Mätbart mål            ``goal``              the measurable goal (see below)
Startdatum             ``start_date``        when the measure started (``2025-11-01``; Swedish, Excel dates)
Uppföljningsdatum      ``followup_date``     when it is followed up (on or after the start)
Status                 ``status``            ``planerad``, ``pågår``, ``genomförd`` or ``avbruten``
Anteckningar           ``notes``             anything else
=====================  ====================  =================================================================

:func:`write_plan_template` writes the empty register (one row per place when places are given, and an
instruction sheet in XLSX); :func:`read_plan` reads and validates it (every bad row named with its field,
nothing dropped); :func:`followup_plan` follows up each measure and :func:`followup_table` puts it in words.

The goal grammar
----------------
A goal is measurable when it states a change in the number of police-recorded incidents at the place, in
percent, optionally for one category: ``-20 %``, ``−20%``, ``minska 20 %``, ``minska med 20 procent``,
``minst 20 % färre``, ``halvera`` (−50 %), ``minska våldsbrotten med 30 %`` (category ``våld``), ``+10 %``
or ``öka 10 %`` (an increase, e.g. of reported drug offences when the police work a place). The direction
comes from the sign or from a word (minska, minskning, sänk, färre, halvera, reduce; öka, ökning, fler,
increase); the category from a word starting with a category of
:data:`trygghet_geo.schema.INCIDENT_CATEGORIES` (narkotika…, stöld…, trafik…, skadegörelse…, våld…,
ordningsstörning…). Any other goal (``ökad trygghet i enkäten``) is kept as written and reported as not
measurable from incidents.

Follow-up per measure
---------------------
For each started measure, :func:`trygghet_geo.followup.compare_periods` is run on its place alone against
the rest of the town: *after* is from the start date to the follow-up date (at most the data's last day);
*before* is the same calendar days one year earlier when *after* is at most a year long (season held
constant), else the period of the same length just before the start. The goal is **met** when the change
reaches the target (``change_pct <= -20`` for ``-20 %``) *and* the place changed significantly more than the
town in that direction (``improved`` of compare_periods for a decrease; for an increase the ratio of rate
ratios above 1 with ``p_value_dispersed < alpha``).
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._plan_followup import (
    FOLLOWUP_COLUMNS,
    RESULTS,
    base_name,
    followup_plan,
    followup_table,
    place_key,
    result_text,
)
from trygghet_geo.errors import InputError, ParameterError

__all__ = [
    "FOLLOWUP_COLUMNS",
    "HEADERS",
    "PLAN_COLUMNS",
    "RESULTS",
    "STATUSES",
    "Goal",
    "PlanError",
    "followup_plan",
    "followup_table",
    "parse_goal",
    "read_plan",
    "result_text",
    "write_plan_template",
]

logger = logging.getLogger(__name__)

#: What names the known places: a ranking or an area table (their ``name``/``rank``, ``area_id``/``area_name``
#: columns), one name, some names, or a list of such tables.
PlacesLike: TypeAlias = "pd.DataFrame | str | Iterable[str] | Sequence[pd.DataFrame | str] | None"

STATUSES = ("planerad", "pågår", "genomförd", "avbruten")
"""The statuses of a measure."""
HEADERS = {
    "place": "Plats",
    "problem": "Problem",
    "measure": "Åtgärd",
    "responsible": "Ansvarig",
    "goal": "Mätbart mål",
    "start_date": "Startdatum",
    "followup_date": "Uppföljningsdatum",
    "status": "Status",
    "notes": "Anteckningar",
}
"""Field -> the Swedish header the template writes."""
PLAN_COLUMNS = (
    "row",
    *HEADERS,
    "goal_change_pct",
    "goal_category",
    "place_kind",
)
"""Columns of :func:`read_plan`."""
_ALIASES = {
    "place": ("plats", "place", "platsomrade", "omrade", "area"),
    "problem": ("problem", "problembild"),
    "measure": ("atgard", "atgarder", "measure"),
    "responsible": ("ansvarig", "ansvarigorganisation", "ansvar", "responsible", "owner"),
    "goal": ("matbartmal", "mal", "goal", "measurablegoal"),
    "start_date": ("startdatum", "start", "startdate"),
    "followup_date": ("uppfoljningsdatum", "uppfoljning", "followupdate", "followup"),
    "status": ("status",),
    "notes": ("anteckningar", "anteckning", "kommentar", "kommentarer", "notes", "note"),
}
_STATUS_ALIASES = {
    "planerad": "planerad",
    "planned": "planerad",
    "pagar": "pågår",
    "ongoing": "pågår",
    "genomford": "genomförd",
    "done": "genomförd",
    "completed": "genomförd",
    "avbruten": "avbruten",
    "cancelled": "avbruten",
    "canceled": "avbruten",
}
_REQUIRED = ("place", "measure", "status")


class PlanError(InputError):
    """The register has bad rows; ``problems`` lists each as ``(row, header, message)``."""

    def __init__(self, source: str, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems
        lines = "; ".join(f"row {r}, field {f!r}: {m}" for r, f, m in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the measures register: {lines}")


def _norm(text: object) -> str:
    t = unicodedata.normalize("NFKD", str(text).strip().lower())
    return re.sub(r"[^0-9a-z]", "", "".join(c for c in t if not unicodedata.combining(c)))


# --- the goal grammar ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Goal:
    """A measurable goal: the target change in percent (negative: fewer) and the category, if one."""

    change_pct: float
    category: str | None = None


_DOWN = ("minska", "minskning", "sank", "farre", "halver", "reduce", "reduktion", "lower", "decrease")
_UP = ("oka", "okning", "fler", "hoj", "increase", "raise")
_NUMBER = re.compile(r"([+-]?)\s*(\d+(?:[.,]\d+)?)\s*(?:%|procent|percent)")


def parse_goal(text: object) -> Goal | None:
    """The measurable part of a goal (see the module docstring), or None when it states none.

    >>> parse_goal("-20 %"), parse_goal("minska våldsbrotten med 30 procent"), parse_goal("halvera")
    (Goal(change_pct=-20.0, category=None), Goal(change_pct=-30.0, category='våld'), \
Goal(change_pct=-50.0, category=None))
    >>> parse_goal("Ökad trygghet enligt enkäten") is None
    True
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return None
    raw = " ".join(str(text).split()).lower()
    raw = raw.replace("\u2212", "-").replace("\u2013", "-").replace("\u2012", "-").replace("\ufe63", "-")
    words = [_norm(w) for w in re.split(r"[\s,;:/()]+", raw) if w]
    down = any(w.startswith(_DOWN) for w in words)
    up = any(w.startswith(_UP) for w in words)
    m = _NUMBER.search(raw)
    if m is None:
        value = 50.0 if any(w.startswith("halver") for w in words) else None
        sign = ""
    else:
        value, sign = float(m.group(2).replace(",", ".")), m.group(1)
    if value is None or value <= 0:
        return None
    if sign == "-" or (not sign and down and not up):
        change = -value
    elif sign == "+" or (not sign and up and not down):
        change = value
    else:
        return None
    if change <= -100:
        change = -100.0
    return Goal(change, _category_in(words))


def _category_in(words: Sequence[str]) -> str | None:
    stems = {_norm(c): c for c in schema.INCIDENT_CATEGORIES if c != "övrigt"}
    for w in words:
        for stem, cat in stems.items():
            if w.startswith(stem):
                return cat
    return None


# --- the template -------------------------------------------------------------------------------------------
def write_plan_template(path: str | Path, places: PlacesLike = None) -> Path:
    """Write an empty measures register to fill in (XLSX with an instruction sheet, or CSV).

    Parameters
    ----------
    path : str or Path
        ``.xlsx`` or ``.csv``.
    places : GeoDataFrame, DataFrame or sequence of str, optional
        Places to put one row each in the register (a ranked places table: its ``name`` column in rank
        order; an areas table: ``area_name``), status ``planerad``.

    Returns
    -------
    Path

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_plan_template(pathlib.Path(tempfile.mkdtemp()) / "plan.csv", ["Torget", "Parken"])
    >>> read_plan(p)[["row", "place", "status"]].values.tolist()
    [[2, 'Torget', 'planerad'], [3, 'Parken', 'planerad']]
    """
    from trygghet_geo.io._write import write_sheets, write_table

    path = Path(path)
    names = _place_names(places)
    table = pd.DataFrame({h: [""] * len(names) for h in HEADERS.values()})
    table[HEADERS["place"]] = names
    table[HEADERS["status"]] = "planerad"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        path = write_sheets({"Åtgärdsplan": table, "Instruktioner": _instructions()}, path)
        return _editable(path)
    if path.suffix.lower() not in (".csv", ".txt"):
        raise ParameterError(f"path must end in .xlsx or .csv, got {path.name!r}")
    return write_table(table, path)


def _editable(path: Path, rows: int = 500) -> Path:
    """The template made easy to fill in: a drop-down of the statuses, the header frozen, columns wide enough
    to read, dates typed as dates (openpyxl on the workbook the one writer wrote)."""
    import openpyxl
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    columns = list(HEADERS.values())
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(columns)}
    status = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    status.error = "Status: " + ", ".join(STATUSES)
    sheet.add_data_validation(status)
    status.add(f"{letter['Status']}2:{letter['Status']}{rows}")
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)  # > 2000
    dates.error = "ÅÅÅÅ-MM-DD"
    sheet.add_data_validation(dates)
    for h in ("Startdatum", "Uppföljningsdatum"):
        dates.add(f"{letter[h]}2:{letter[h]}{rows}")
        for r in range(2, rows + 1):
            sheet[f"{letter[h]}{r}"].number_format = "yyyy-mm-dd"
    widths = {"Plats": 34, "Problem": 34, "Åtgärd": 34, "Ansvarig": 24, "Mätbart mål": 22, "Anteckningar": 40}
    for h in columns:
        sheet.column_dimensions[letter[h]].width = widths.get(h, 16)
    sheet.freeze_panes = "A2"
    book.worksheets[1].column_dimensions["A"].width = 20
    book.worksheets[1].column_dimensions["B"].width = 100
    from trygghet_geo._atomic import replacing

    with replacing(path) as temporary:  # whole or not at all
        book.save(temporary)
    return path


def _place_names(places: Any) -> list[str]:
    if places is None:
        return []
    if isinstance(places, pd.DataFrame):
        for col in ("name", "area_name", "area_id"):
            if col in places.columns:
                return [str(v) for v in places[col].dropna()]
        raise ParameterError(f"places: no 'name' or 'area_name' column (have {list(places.columns)})")
    if isinstance(places, str):
        return [places]
    return [str(v) for v in places]


def _instructions() -> pd.DataFrame:
    rows = [
        ("Plats", "Platsens namn från rangordningen, #4 för plats nummer 4, eller ett områdes kod/namn."),
        ("Problem", "Problemet åtgärden riktar sig mot."),
        ("Åtgärd", "Vad som görs."),
        ("Ansvarig", "Ansvarig organisation."),
        ("Mätbart mål", "Förändring i antalet polisanmälda händelser på platsen, t.ex. 'minska 20 %', "
                        "'-30 % våld', 'halvera'. Andra mål sparas men kan inte mätas i händelser."),
        ("Startdatum", "När åtgärden började (ÅÅÅÅ-MM-DD)."),
        ("Uppföljningsdatum", "När den följs upp (samma dag som start eller senare)."),
        ("Status", "planerad, pågår, genomförd eller avbruten."),
        ("Anteckningar", "Övrigt. Skriv inga personuppgifter."),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["Kolumn", "Vad som skrivs"])


# --- reading ------------------------------------------------------------------------------------------------
def read_plan(path: str | Path, *, places: PlacesLike = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read and validate a measures register.

    Parameters
    ----------
    path : str or Path
        The register (.xlsx/.xls/.ods or .csv), as written by :func:`write_plan_template` and filled in.
    places : DataFrame, sequence of DataFrames or of str, optional
        The places a row may name: ranked places (``name``, ``rank``) and/or areas (``area_id``,
        ``area_name``), or plain names. When given, a place that matches none is an error.
    sheet : str or int, optional
        The register's sheet (default the first).

    Returns
    -------
    DataFrame
        One row per measure (rows left entirely blank are not measures): ``row`` (the row number as the
        spreadsheet shows it), ``place``, ``problem``, ``measure``, ``responsible``, ``goal`` (text as
        written; None when blank), ``start_date``, ``followup_date`` (Timestamps, NaT when blank), ``status``
        (one of :data:`STATUSES`), ``notes``, ``goal_change_pct`` (float, NaN when the goal is not
        measurable), ``goal_category`` (str or None), ``place_kind`` (``"place"``, ``"area"`` or None when
        ``places`` is not given).

    Raises
    ------
    PlanError
        Naming every bad row with its field: an unknown place, a missing place or status, a missing measure
        (allowed only while the status is ``planerad``, as in an unfilled template), a date
        that cannot be read, a follow-up before the start, a status not among :data:`STATUSES`, a started
        measure without a start date.
    InputError
        The file cannot be read or has no ``Plats``/``Åtgärd``/``Status`` column.
    """
    path = Path(path)
    frame, rows = _read_table(path, sheet)
    cols = _columns(frame, path)
    problems: list[tuple[int, str, str]] = []
    out = pd.DataFrame({"row": rows})
    for field, header in cols.items():
        out[field] = _cells(frame[header]).to_numpy() if header is not None else None
    for field in HEADERS:
        if field not in out:
            out[field] = None
    for field in ("place", "status"):
        for r in out.loc[out[field].isna(), "row"]:
            problems.append((int(r), _header(cols, field), "empty; every measure needs it"))
    out["status"] = [
        _status(v, r, _header(cols, "status"), problems) for v, r in zip(out["status"], rows, strict=True)
    ]
    # a row of the template not yet filled in (status planerad) may lack its measure
    for r in out.loc[out["measure"].isna() & out["status"].isin(STATUSES[1:]), "row"]:
        problems.append((int(r), _header(cols, "measure"), "empty; a started measure needs it"))
    for field in ("start_date", "followup_date"):
        raw = frame[cols[field]] if cols.get(field) is not None else pd.Series([None] * len(frame))
        out[field] = _dates(raw, rows, _header(cols, field), problems)
    _check_dates(out, cols, problems)
    goals = [parse_goal(g) for g in out["goal"]]
    out["goal_change_pct"] = [g.change_pct if g else math.nan for g in goals]
    out["goal_category"] = [g.category if g else None for g in goals]
    out["place_kind"] = _place_kinds(out, places, _header(cols, "place"), problems)
    if problems:
        raise PlanError(str(path), sorted(problems))
    return out[list(PLAN_COLUMNS)]


def _read_table(path: Path, sheet: str | int | None) -> tuple[pd.DataFrame, list[int]]:
    if not path.exists():
        raise InputError(f"{path}: no such file; write one with write_plan_template / trygghet-geo plan init")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"):
        from trygghet_geo.io._excel import read_excel_table

        frame, _name, data_rows, head = read_excel_table(path, sheet=sheet, header_row=1)
        return frame, [head + r for r in data_rows]
    from trygghet_geo.io._csv import read_text_table

    frame, info = read_text_table(path, header_row=1)
    frame = frame.replace("", None)
    keep = frame.notna().any(axis=1).to_numpy()
    rows = (np.arange(len(frame)) + info.title_lines + 2)[keep].tolist()
    return frame[keep].reset_index(drop=True), rows


def _columns(frame: pd.DataFrame, path: Path) -> dict[str, str | None]:
    by_norm: dict[str, str] = {}
    for c in frame.columns:
        by_norm.setdefault(_norm(c), str(c))
    cols = {f: next((by_norm[a] for a in aliases if a in by_norm), None) for f, aliases in _ALIASES.items()}
    missing = [HEADERS[f] for f in _REQUIRED if cols[f] is None]
    if missing:
        raise InputError(
            f"{path}: no column {', '.join(map(repr, missing))} (have {[str(c) for c in frame.columns]}); "
            "the register needs the columns of the template (trygghet-geo plan init)"
        )
    return cols


def _header(cols: dict[str, str | None], field: str) -> str:
    return cols.get(field) or HEADERS[field]


def _cells(col: pd.Series) -> pd.Series:
    from trygghet_geo.io._write import escape_cell

    def one(v: Any) -> str | None:
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            return None
        s = " ".join(str(v).split())
        # the apostrophe the one writer puts before a formula-like text ("'-20 %") is not part of it
        if s.startswith("'") and escape_cell(s[1:]) == s:
            s = s[1:]
        return s or None

    return col.map(one).astype(object)


def _status(value: Any, row: int, header: str, problems: list[tuple[int, str, str]]) -> str | None:
    if value is None:
        return None
    hit = _STATUS_ALIASES.get(_norm(value))
    if hit is None:
        problems.append((row, header, f"{value!r} is not a status; expected one of {', '.join(STATUSES)}"))
    return hit


def _dates(raw: pd.Series, rows: list[int], header: str, problems: list[tuple[int, str, str]]) -> list[Any]:
    from trygghet_geo.io._dates import parse_datetimes

    values = raw.reset_index(drop=True)

    def as_text(v: Any) -> str | None:  # date cells, Excel serials and typed text alike, one parser for all
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        if hasattr(v, "isoformat"):
            return str(v.isoformat())
        return str(v).strip() or None

    ts, bad = parse_datetimes(values.map(as_text).astype(object))
    out: list[Any] = []
    for i, r in enumerate(rows):
        if bad[i]:
            problems.append((r, header, f"{values.iloc[i]!r} is not a date (expected ÅÅÅÅ-MM-DD)"))
            out.append(pd.NaT)
        else:
            t = ts.iloc[i]
            out.append(pd.NaT if pd.isna(t) else pd.Timestamp(t).tz_localize(None).normalize())
    return out


def _check_dates(
    out: pd.DataFrame, cols: dict[str, str | None], problems: list[tuple[int, str, str]]
) -> None:
    for r, status, start, follow in zip(
        out["row"], out["status"], out["start_date"], out["followup_date"], strict=True
    ):
        named = (int(r), _header(cols, "start_date"))
        if status in ("pågår", "genomförd") and pd.isna(start) and not any(p[:2] == named for p in problems):
            problems.append((*named, f"empty, but the status is {status!r}"))
        if pd.notna(start) and pd.notna(follow) and follow < start:
            problems.append(
                (
                    int(r),
                    _header(cols, "followup_date"),
                    f"{follow.date()} is before the start {start.date()}",
                )
            )


def _known_places(places: Any) -> dict[str, str] | None:
    """Matching key -> kind (``place`` or ``area``) of every name a row may give."""
    if places is None:
        return None
    frames = places if isinstance(places, list | tuple) else [places]
    known: dict[str, str] = {}
    for f in frames:
        if isinstance(f, pd.DataFrame):
            if "name" in f.columns:
                for name in f["name"].dropna():
                    known.setdefault(place_key(base_name(str(name))), "place")
                    known.setdefault(place_key(name), "place")
            if "rank" in f.columns:
                for rank in f["rank"].dropna():
                    known.setdefault(f"#{int(rank)}", "place")
            for col in ("area_id", "area_name"):
                if col in f.columns:
                    for name in f[col].dropna():
                        known.setdefault(place_key(name), "area")
        elif isinstance(f, str):
            known.setdefault(place_key(f), "place")
        elif isinstance(f, Iterable):
            for name in f:
                known.setdefault(place_key(name), "place")
    return known


def _place_kinds(
    out: pd.DataFrame, places: Any, header: str, problems: list[tuple[int, str, str]]
) -> list[str | None]:
    known = _known_places(places)
    if known is None:
        return [None] * len(out)
    kinds: list[str | None] = []
    for r, place in zip(out["row"], out["place"], strict=True):
        text = place if isinstance(place, str) else None
        key = None if text is None else place_key(text)
        kind = None if key is None else known.get(key.replace(" ", "") if key.startswith("#") else key)
        if text is not None and kind is None:
            problems.append(
                (int(r), header, f"{place!r} is neither a ranked place nor an area code/name; check the "
                 "spelling against the ranking (platser.csv) or the area layer")
            )  # fmt: skip
        kinds.append(kind)
    return kinds
