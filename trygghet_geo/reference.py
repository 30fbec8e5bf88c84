"""Reference data for the lägesbild: Brå's crime statistics per municipality and trygghetsundersökning
figures.

Brå's guidance asks a lägesbild to say how the municipality compares with reference data. The user brings
two kinds of table (CSV with ``;`` or ``,``, decimal comma or point, UTF-8 or Windows-1252; or XLSX):

- :func:`read_reference`: reported offences per 100,000 inhabitants by category and year, one row per
  region (the municipality, the county, the country …) × category × year, as Brå's statistics database
  exports them. Columns are recognised by name, without case, accents, spaces or ``_``: region (``region``,
  ``kommun``, ``kommunnamn``, ``område``, ``län``; optional), category (``brottskategori``, ``brott``,
  ``kategori``, ``brottstyp``), year (``år``, ``year``), rate (``per 100 000 invånare``, ``antal per 100 000
  invånare``, ``per_100k``, …), and optionally the count (``antal``); a table with one column per year
  (``Brott;2023;2024``, as Brå's statistics database lays it out) is read as one row per year. Categories
  are mapped to the toolkit's (``Narkotikabrott`` → ``narkotika``); ``Samtliga brott``/``Totalt`` become
  ``total``; others keep their name.
- :func:`read_survey`: survey figures (trygghetsundersökning, e.g. the police's or the municipality's own):
  indicator (``fråga``, ``indikator``, ``question``), optional region, year, value (``värde``, ``andel``,
  ``procent``, ``value``).

A row whose year or value is not a number is an :class:`~trygghet_geo.errors.InputError` naming the file,
row and column: a reference figure is never dropped silently.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError

__all__ = ["read_reference", "read_survey", "reference_comparison", "survey_table"]

_REFERENCE = {
    "region": ("region", "kommun", "kommunnamn", "omrade", "lan", "lannamn", "area"),
    "category": ("brottskategori", "brott", "kategori", "brottstyp", "category", "offence"),
    "year": ("ar", "year", "period"),
    "per_100k": (
        "per100000invanare",
        "antalper100000invanare",
        "per100000",
        "per100000inv",
        "per100k",
        "anmaldabrottper100000invanare",
        "antalper100000inv",
        "rate",
        "per100000inhabitants",
    ),
    "n": ("antal", "antalanmaldabrott", "count", "n"),
}
_SURVEY = {
    "indicator": ("fraga", "indikator", "question", "indicator", "matt"),
    "region": ("region", "kommun", "omrade", "area"),
    "year": ("ar", "year"),
    "value": ("varde", "andel", "procent", "andelprocent", "value", "percent"),
}
_REQUIRED = {"reference": ("category", "year", "per_100k"), "survey": ("indicator", "year", "value")}
_TOTAL = {"samtligabrott", "totalt", "samtliga", "total", "allabrott"}


def _norm(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name).casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)))


def _read_table(source: str | Path | pd.DataFrame, what: str) -> tuple[pd.DataFrame, str]:
    """The table as text cells (``""`` where empty), read by the package's one text and workbook readers
    (their encoding and delimiter detection, title rows, and the workbook's size and entity guards)."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), what
    from trygghet_geo import _validate
    from trygghet_geo.io._values import as_text

    path = _validate.path(what, source, read=True)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"):
        from trygghet_geo.io._excel import read_excel_table

        frame = read_excel_table(path)[0]
    else:
        from trygghet_geo.io._csv import read_text_table

        frame = read_text_table(path)[0]
    cells = {c: as_text(frame[c], len(frame)).to_numpy(dtype=object) for c in frame.columns}
    return pd.DataFrame(cells, columns=list(frame.columns)), str(path)


def _columns(
    frame: pd.DataFrame, names: Mapping[str, tuple[str, ...]], kind: str, where: str
) -> pd.DataFrame:
    found: dict[str, str] = {}
    for col in frame.columns:
        key = _norm(col)
        for role, options in names.items():
            if role not in found and key in options:
                found[role] = col
    missing = [r for r in _REQUIRED[kind] if r not in found]
    if missing:
        raise InputError(
            f"{where}: no column for {missing} (have {[str(c) for c in frame.columns]}); "
            f"expected e.g. {[names[m][0] for m in missing]}"
        )
    return pd.DataFrame({role: frame[col].to_numpy() for role, col in found.items()})


def _numbers(values: pd.Series, column: str, where: str, *, integer: bool = False) -> np.ndarray:
    """Numbers written with a decimal comma or point and spaces between thousands; an error names the row."""
    out = np.empty(len(values), dtype=float)
    for i, v in enumerate(values.astype(str)):
        t = re.sub(r"[\s\u00a0\u202f]", "", v).replace(",", ".")
        try:
            out[i] = float(t)
        except ValueError:
            raise InputError(f"{where}, row {i + 2}, column {column!r}: {v!r} is not a number") from None
        if integer and not float(out[i]).is_integer():
            raise InputError(f"{where}, row {i + 2}, column {column!r}: {v!r} is not a year")
    return out


def _long_years(frame: pd.DataFrame) -> pd.DataFrame:
    """Brå's tables often have one column per year (``Brott;2023;2024``): made long (``År``, the rate)."""
    years = [c for c in frame.columns if re.fullmatch(r"\s*(19|20)\d\d\s*", str(c))]
    if not years or any(_norm(c) in _REFERENCE["year"] for c in frame.columns):
        return frame
    keep = [c for c in frame.columns if c not in years]
    long = frame.melt(id_vars=keep, value_vars=years, var_name="År", value_name="per 100 000 invånare")
    long["År"] = long["År"].astype(str).str.strip()
    return long.reset_index(drop=True)


def read_reference(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Brå's reported offences per 100,000 inhabitants: ``region``, ``category``, ``raw_category``, ``year``,
    ``per_100k`` (and ``n`` when given), one row per input row.

    Examples
    --------
    >>> t = read_reference(pd.DataFrame({"Region": ["Kristinehamn", "Riket"], "Brott": ["Narkotikabrott"] * 2,
    ...                                  "År": ["2024", "2024"], "Per 100 000 invånare": ["1 020,5", "980"]}))
    >>> t[["region", "category", "year", "per_100k"]].values.tolist()
    [['Kristinehamn', 'narkotika', 2024, 1020.5], ['Riket', 'narkotika', 2024, 980.0]]
    """
    from trygghet_geo.io._categories import map_categories

    frame, where = _read_table(source, "reference")
    frame = _long_years(frame)
    t = _columns(frame, _REFERENCE, "reference", where)
    out = pd.DataFrame(
        {"region": t["region"].astype(str).str.strip() if "region" in t else ""}, index=t.index
    )
    raw = t["category"].astype(str).str.strip()
    codes, names, unknown = map_categories(raw, kind="incident")
    cats = np.array(names, dtype=object)[codes]
    cats = np.where(unknown, raw.str.lower().to_numpy(), cats)
    cats = np.where([_norm(r) in _TOTAL for r in raw], "total", cats)
    out["category"], out["raw_category"] = cats, raw.to_numpy()
    out["year"] = _numbers(t["year"], "year", where, integer=True).astype(np.int64)
    out["per_100k"] = _numbers(t["per_100k"], "per_100k", where)
    if "n" in t:
        out["n"] = _numbers(t["n"], "n", where)
    return out


def read_survey(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Survey figures: ``indicator``, ``region``, ``year``, ``value``, one row per input row.

    >>> t = read_survey(pd.DataFrame({"Fråga": ["Otrygg ute sent"], "År": ["2025"], "Andel": ["23,5"]}))
    >>> t.values.tolist()
    [['Otrygg ute sent', '', 2025, 23.5]]
    """
    frame, where = _read_table(source, "survey")
    t = _columns(frame, _SURVEY, "survey", where)
    return pd.DataFrame(
        index=t.index,
        data={
            "indicator": t["indicator"].astype(str).str.strip().to_numpy(),
            "region": t["region"].astype(str).str.strip().to_numpy() if "region" in t else "",
            "year": _numbers(t["year"], "year", where, integer=True).astype(np.int64),
            "value": _numbers(t["value"], "value", where),
        },
    )


def _change_from_year_before(table: pd.DataFrame, keys: list[str], value: str) -> pd.Series:
    prev = table.assign(year=table["year"] + 1).set_index([*keys, "year"])[value]
    prev = prev[~prev.index.duplicated()]
    idx = pd.MultiIndex.from_frame(table[[*keys, "year"]])
    return pd.Series(prev.reindex(idx).to_numpy(), index=table.index)


def reference_comparison(
    reference: pd.DataFrame,
    incidents: pd.DataFrame,
    *,
    population: float | None = None,
) -> pd.DataFrame:
    """Each reference row with its change from the year before and the data's incidents of that category in
    that calendar year (``n_data``; only for years the data covers in full, else NaN), and per 100,000
    inhabitants when ``population`` is given (``data_per_100k``).

    ``attrs["years"]``: the reference's years.

    >>> ref = pd.DataFrame({"region": "K", "category": ["stöld", "stöld"], "year": [2024, 2025],
    ...                     "per_100k": [100.0, 120.0]})
    >>> inc = pd.DataFrame({"category": ["stöld"] * 3, "occurred_at": pd.to_datetime(["2025-01-02",
    ...                     "2025-06-01", "2025-12-31"])})
    >>> t = reference_comparison(ref, inc, population=10_000)
    >>> t[["change_pct", "n_data", "data_per_100k"]].round(6).values.tolist()
    [[nan, nan, nan], [20.0, 3.0, 30.0]]
    """
    from trygghet_geo.output._lagesbild_figures import _local_months

    if population is not None and (not math.isfinite(population) or population <= 0):
        raise InputError(f"population must be a positive number of inhabitants, got {population!r}")
    out = reference.sort_values(["category", "region", "year"], kind="stable").reset_index(drop=True)
    before = _change_from_year_before(out, ["category", "region"], "per_100k")
    out["change_pct"] = 100.0 * (out["per_100k"] / before - 1.0)
    months = (
        _local_months(incidents[schema.OCCURRED_AT]) if len(incidents) else pd.Series([], dtype="period[M]")
    )
    dated = months.notna().to_numpy()
    years = months[dated].dt.year.to_numpy()
    cats = incidents[schema.CATEGORY].astype(str).to_numpy()[dated]
    # a year counts only when the data's period covers it in full (first and last dated month)
    first, last = (months[dated].min(), months[dated].max()) if dated.any() else (None, None)
    covered = {
        y
        for y in set(years.tolist())
        if first <= pd.Period(f"{y}-01", "M") and pd.Period(f"{y}-12", "M") <= last
    }
    n_data = []
    for c, y in zip(out["category"], out["year"], strict=True):
        if int(y) not in covered:
            n_data.append(math.nan)
        else:
            n_data.append(float(((years == y) & ((cats == c) | (c == "total"))).sum()))
    out["n_data"] = n_data
    out["data_per_100k"] = out["n_data"] / population * 1e5 if population else math.nan
    out.attrs["years"] = sorted({int(y) for y in out["year"]})
    return out


def survey_table(survey: pd.DataFrame) -> pd.DataFrame:
    """Survey rows with the change (in points) from the same indicator's and region's year before."""
    out = survey.sort_values(["indicator", "region", "year"], kind="stable").reset_index(drop=True)
    out["change"] = out["value"] - _change_from_year_before(out, ["indicator", "region"], "value")
    return out
