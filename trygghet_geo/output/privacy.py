"""Privacy: redaction of personal data in free text and exposure control for exported maps and tables.

Two tools, applied by default to everything that leaves the analyst's machine:

- :func:`redact` removes Swedish personal identity numbers (personnummer) and coordination numbers
  (samordningsnummer), phone numbers, e-mail addresses, vehicle registration plates, home addresses and
  personal names that a signal word announces ("bor på Storgatan 14", "heter Anna Berg", "Namn: ...") from
  free text, replacing each with a token such as ``[personnummer]``. :func:`redact_with_counts` also says
  how many of each kind it removed.
- :func:`prepare_export` turns the analysed incident and observation tables into :class:`ExportTables` that
  are safe to show: in the ``"shared"`` mode (the default for files) an incident point is shown only where at
  least ``k`` incidents share its ``cell_m`` grid cell (``cell_m`` at least :data:`MIN_CELL_M`); the rest are
  aggregated into grid cells with counts; record ids, source rows and the incidents' own free text are
  dropped and dates are coarsened to the month. Being in a hotspot shows no point: a hotspot is shown at all
  only when it holds at least ``k`` incidents (:func:`shared_places`), whatever ``min_samples`` the analysis
  used.
- :func:`redact_table` is the one pass every shared table takes (left-out rows, places): every text column,
  and numbers in them, through :func:`redact`.

What redaction covers and what it does not
------------------------------------------
- personnummer / samordningsnummer: ``YYMMDD-NNNN``, ``YYMMDD+NNNN``, ``YYMMDDNNNN`` and the same with the
  century, with any separator people type between the date and the last four digits (``-``, ``+``, a dash,
  ``.``, ``/``, ``_``, ``:``, spaces, each with up to three spaces around it: ``850312 - 2395``), the date
  itself written with separators too (``1985-03-12-2395``, ``85.03.12/2395``), a line break before or after
  the separator (a wrapped cell), the ten digits read aloud in pairs (``85 03 12 23 95``), the date split
  by single spaces (``8501 01-2395``, ``1985 0312 2395``) or the last four in pairs (``850312 23 95``), the
  last four given apart after words that say so (``födelsedatum 850312, sista fyra 2395``, ``f. 850312 (de
  fyra sista: 2395)``: both parts are replaced), and glued to a word in front (``pnr850312-2395``); the
  month must be 01-12, the day a real day of that month (or day + 60 for a samordningsnummer), and the
  last digit must satisfy the Luhn check. A date with separators followed
  by spaces and four digits counts only with the century 18 or 19 (``2024-05-12 2230`` is a date and a
  time).
  *Near misses* (a real date, a wrong check digit) are treated as mistyped identity numbers and redacted as
  ``[id-nummer]`` (kind ``"id_number"``) when they are written the way identity numbers are written: with a
  ``-``/``+`` separator, or as 12 digits starting with 19/20, not glued to a word. A bare 10-digit run or a
  space-separated form that fails the Luhn check is left alone (it is far more often a phone number, which
  the phone rule catches, or an order or case number).
- phone numbers: Swedish national forms (``070-123 45 67``, ``0701234567``, ``08-123 456 78``,
  ``(08) 12 34 56``, ``031-12 34 56``) with 7 to 10 digits starting with ``0`` + area code, and international
  forms (``+46 70 123 45 67``, ``(+46) 70 ...``, ``+46 (0)70-123 45 67``, ``0046 70 ...``, ``+358 40 ...``),
  and the trunk 0 in brackets alone (``(0)70-123 45 67``).
  Digits may be separated by up to three spaces or tabs, or a hyphen with spaces around it, and a word, dot,
  comma or colon may touch the number (``tel.070-...``, ``tel,070 ...``). Dots and slashes separate groups
  only where no clock time or date can be meant: after ``+46``/``0046``/``(0)``, in ten digits after a whole
  mobile prefix or an area code of three digits or more (``0761.4116.03``, ``0544.123 456``), and after a
  word that says a number follows (``tel``, ``tfn``, ``mobil``, ``ring``, ``sms``, ``nr``, ``kontakta``,
  ``nås på``, a telephone sign); elsewhere they are not separators, so times (``07.30``, ``22:00``), dates
  (``2024-05-12``, ``12/05``), decimals, postal codes (``681 30``: they never start with 0), house numbers,
  years, amounts and bus lines (``buss 150``, ``linje 4``) are not taken for phone numbers; a run of more
  digit groups than a phone number has is cut back to whole groups that fit. Every dash of Unicode counts
  as a hyphen. A number read aloud in Swedish number words, perhaps mixed with digits (``noll sju noll, ett
  två tre, fyrtiofem sextiosju``, ``plus fyrtiosex sju noll ...``), counts when it starts with the trunk
  zero (or +46), has 7 to 10 digits and at least three words.
- e-mail addresses: ``local@domain.tld``, and with the ``@`` and dots spelt out in brackets
  (``anna[at]exempel.se``, ``anna (at) exempel (dot) se``), in words (``anna.svensson snabel-a gmail punkt
  com``, ``anna at gmail dot com``) or spaced (``anna @ gmail.com``); with bare words only when the address
  ends in a common top-level domain after a dot word.
- registration plates: three capital letters of the plate alphabet (A-Z without I, Q, V, Å, Ä, Ö), an
  optional space or hyphen, two digits and a digit or letter (``ABC 123``, ``ABC123``, ``ABC-12A``), as a
  whole word; lower-case plates are caught only after a signal word (``regnr abc123``,
  ``registreringsnummer: ...``).
  Residual risk: all-capital abbreviations followed by numbers (``LED 30W``, flight ``KLM 123``) look like
  plates; a short stop list (currencies, common abbreviations) excludes the frequent ones.
- home addresses: only where the text says someone lives there (``bor på``, ``bor i huset på``, ``bor på
  adressen``, ``bor vid``, ``bosatt på``, ``boende på``, ``folkbokförd på``, ``Bostad:``, ``hemadress:``,
  ``folkbokföringsadress``, ``boendeadress``, ``postadress (privat)``, ``bor numera/sedan 2019/själv/hos sin
  pappa/c/o sin mamma på``, ``hemma hos henne på``, ``Hennes adress är``, ``c/o Lindgren,``), a
  street name of up to four words (with a street ending such as ``-gatan``, ``-väg``, ``Storg.``, or
  capitalised with a house number of at most three digits), the number (``nr 12``), letter, flat
  (``lgh 1102``, ``tr 2``) and postal code with town. A street address on its own is the place of an
  observation and stays; ``bor i Kristinehamn sedan 2019`` is no address; a home described in words ("huset
  bredvid kiosken") is not found.
- names: only where a signal word announces them: ``heter``, ``namn:``, ``Namn är``, ``kontaktperson``,
  ``Anmälaren,``, ``anmälare var``, ``anmält av``, ``målsägande``, ``vittne``/``vittnet``/``vittnen``,
  ``misstänkt``/``den misstänkte``, ``gärningsmannen``, ``tipsaren``, ``fru``/``herr``, ``mvh``,
  ``hälsningar``, who wrote or gave the text (``lämnades av``, ``gjord av``, ``skrivet av``, ``tipset kom
  från``), ``den drabbade``, ``kontaktad:``, ``c/o``, a relative after a role word (``Målsägandens mamma``),
  a slash after a greeting (``Mvh/``) and a few English ones, in any case; after words that only sometimes
  announce a person (``enligt``, ``ring``, ``kontakta``, ``pratade med``, a signature ``/``) a name is taken
  only with two words or more and no abbreviation in capitals; and a name before a year of birth (``Anna
  Berg (f. 1985)``, ``, född 1979``). Without a signal word, three shapes are taken: a given name of a
  built-in list of Sweden's common given names followed by capitalised words that can be a surname
  ("Anna Svensson såg ...", "Ann-Sofi Berg"), or any capitalised word before a surname with one of the
  surest endings (``-sson``, ``-qvist``, ``-ström``, ``-gren``, ...), or a surname, a comma and a given name
  ("Svensson, Anna"); initials (``A.S.``, ``J. H.``, ``A. Svensson``, ``Anna S.``, and two or three bare
  capitals before a verb of a person: ``AS ringde``); and after a signal word a name in lower case whose
  first word is a given name of the list (``anmälaren anna svensson``, ``kontakt: per``). Given names that
  are also ordinary words (``Per``, ``Bo``, ``Hans``, ``Stig``) count only before a surname. A place named
  after a person stays (``Karl Johans gata``, ``Gösta Skoglunds Väg``, ``John Stenbergs strand``, ``Gustav
  Vasa kyrka``), and so do towns after a comma (``Trafikolycka, Nora``). The words after the signal are
  taken while they look
  like a name: capitalised, all capitals, or a word of a script without case (Arabic, Chinese, Hebrew), with
  combining accents and letters of every alphabet (``Çağla Şahin``, ``Łukasz Żak``), whole (``O'Brien``,
  ``McDonald``, ``al-Hassan``, ``Karlsson-Lind``, ``van der Berg``, ``De la Cruz``), with an initial, a title
  or a nickname (``Anna B. Berg``, ``Dr. Anna Berg``, ``Per "Pelle" Berg``), in lists (``Berg, Anna``,
  ``Anna Berg och Per Holm``). Function words, role nouns (``boende``, ``Polisen``), organisations
  (``-förvaltningen``, ``-gruppen``, and capitalised words followed by one: ``Tekniska förvaltningen``),
  common nouns in capitals (``MISSTÄNKT NARKOTIKAHANDEL``) and place
  names (``-gatan``, ``-parken``, ``Lilla Nygatan``) end a name. Not found: a given name alone without a
  signal word ("Anna såg"), a given name outside the list before a surname without one of the surest
  endings ("Elton Molin såg"), and a lower-case name whose first word is outside the list. A shop or a
  statue named by a person's full name ("Björn Borg", "Johan Ludvig Runeberg") is taken as a name. Exports
  therefore never carry the incidents' own free text at all, only the observations' notes after
  redaction.

The patterns look at a normalised view of the text: control, format and bidi characters (zero-width
spaces, U+202E) are dropped and look-alike dashes (``–``), spaces (no-break, thin), full-width forms and
other scripts' digits count as their ASCII twins, so ``811218``, U+200B, ``–9876`` is still an identity
number. The tokens are spliced into the *original* text, which is otherwise left exactly as typed; an
export cleans its text for display separately (:func:`clean_text`: hidden characters out, length capped).

Measured on 25,533 distinct real texts of the Polisen events API and brottsplatskartan (1.7 MB of Swedish
with dates, times, road numbers, ages, counts and addresses): 24 texts change: 14 for the police's own
press phone numbers, 10 for names of people the texts give without a signal word (press officers, a
prosecutor); nothing else is touched. On the generated corpus of ``tests/hostile`` (personal data
in every form above, and ordinary safety-walk notes), ``bench/bench_privacy.py`` measures recall and false
positives; ``bench/bench_redact_gaps.py`` does the same for the shapes above that need no signal word,
with Faker's Swedish names, by class, on tuning and held-out seeds.

Examples
--------
>>> from trygghet_geo.output.privacy import redact
>>> redact("Ring Anna på 070-123 45 67 eller anna.berg@example.se, pnr 19850312-2395.")
'Ring Anna på [telefon] eller [e-post], pnr [personnummer].'
>>> redact("Buss 150 kl 22.30, Storgatan 12, 681 30 Kristinehamn, 2024-05-12.")
'Buss 150 kl 22.30, Storgatan 12, 681 30 Kristinehamn, 2024-05-12.'
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo._kgate import DEFAULT_K, MIN_CELL_M, check_gate, shared_hotspot_ids, shared_hotspots
from trygghet_geo.crs import metric_crs_of
from trygghet_geo.errors import ParameterError, ParameterTypeError, SchemaError
from trygghet_geo.output._gate import CELL_COUNT as CELL_COUNT  # the cells' count column, kept public here
from trygghet_geo.output._gate import cells_table, empty_cells, grid_cells, shared_places
from trygghet_geo.output._redact import KINDS, TOKENS, clean_text, luhn_ok, redact_table, redact_text

__all__ = [
    "DEFAULT_K",
    "KINDS",
    "MIN_CELL_M",
    "TOKENS",
    "ExportTables",
    "check_gate",
    "clean_text",
    "luhn_ok",
    "prepare_export",
    "redact",
    "redact_table",
    "redact_with_counts",
    "shared_hotspot_ids",
    "shared_hotspots",
    "shared_places",
]

logger = logging.getLogger(__name__)


def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    chosen = frozenset(kinds)
    unknown = chosen - set(KINDS)
    if unknown:
        raise ParameterError(f"kinds has unknown kinds {sorted(unknown)!r}; expected some of {list(KINDS)!r}")
    return chosen


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


@overload
def redact_with_counts(
    text_or_series: str, *, kinds: Iterable[str] | None = None
) -> tuple[str, Counter[str]]: ...
@overload
def redact_with_counts(
    text_or_series: pd.Series, *, kinds: Iterable[str] | None = None
) -> tuple[pd.Series, Counter[str]]: ...
def redact_with_counts(
    text_or_series: Any, *, kinds: Iterable[str] | None = None
) -> tuple[Any, Counter[str]]:
    """Redact personal data and count what was removed.

    Parameters
    ----------
    text_or_series : str, pandas.Series or None
        Free text, or a Series of it. ``None``/NaN (also inside a Series) pass through unchanged; other
        non-string values in a Series pass through too.
    kinds : iterable of str, optional
        Which kinds to redact, some of :data:`KINDS`; default all.

    Returns
    -------
    (str or Series, collections.Counter)
        The redacted text (a new Series with the same index and name for a Series) and the number of
        replacements by kind.

    Examples
    --------
    >>> text, counts = redact_with_counts("Mejla ola@example.com eller ring 08-123 456 78")
    >>> text, dict(counts)
    ('Mejla [e-post] eller ring [telefon]', {'email': 1, 'phone': 1})
    """
    chosen = _check_kinds(kinds)
    counts: Counter[str] = Counter()
    if isinstance(text_or_series, pd.Series):
        dtype = text_or_series.dtype
        if not (
            pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype)
        ):  # numbers, dates: nothing to redact
            return text_or_series.copy(), counts
        values = [
            redact_text(v, chosen, counts) if isinstance(v, str) else v for v in text_or_series.tolist()
        ]
        dtype = dtype if isinstance(dtype, pd.StringDtype) else object
        return pd.Series(values, index=text_or_series.index, name=text_or_series.name, dtype=dtype), counts
    if _is_missing(text_or_series):
        return text_or_series, counts
    if not isinstance(text_or_series, str):
        raise ParameterTypeError(
            f"text_or_series must be a str, a pandas Series or None, got {type(text_or_series)!r}"
        )
    return redact_text(text_or_series, chosen, counts), counts


@overload
def redact(text_or_series: str, *, kinds: Iterable[str] | None = None) -> str: ...
@overload
def redact(text_or_series: pd.Series, *, kinds: Iterable[str] | None = None) -> pd.Series: ...
def redact(
    text_or_series: str | pd.Series | None, *, kinds: Iterable[str] | None = None
) -> str | pd.Series | None:
    """Replace personal data in free text with tokens such as ``[personnummer]``.

    See the module documentation for what each kind covers and what it does not.

    Parameters
    ----------
    text_or_series : str, pandas.Series or None
        Free text, or a Series of it. ``None``/NaN pass through.
    kinds : iterable of str, optional
        Which kinds to redact, some of :data:`KINDS` (``"email"``, ``"personnummer"``, ``"id_number"``,
        ``"phone"``, ``"plate"``, ``"address"``, ``"name"``); default all.

    Returns
    -------
    str, pandas.Series or None

    Examples
    --------
    >>> redact("Bilen ABC 123 stod där, ägaren heter Per Holm, tel 0046 70 123 45 67")
    'Bilen [regnr] stod där, ägaren heter [namn], tel [telefon]'
    >>> redact("Samordningsnummer 850372-2392", kinds=["personnummer"])
    'Samordningsnummer [personnummer]'
    """
    return redact_with_counts(text_or_series, kinds=kinds)[0]


# --- exposure control ---------------------------------------------------------------------------------------
Mode = Literal["internal", "shared"]
MAX_TEXT_CHARS = 2000
"""Longest free text kept in an export; longer notes are cut with "…"."""

# columns of an incident table that a shared export may keep (everything else is dropped)
_SHARED_INCIDENT_KEEP = (schema.CATEGORY, schema.OCCURRED_AT, schema.PRECISION, schema.HOTSPOT_ID)
_SHARED_OBSERVATION_KEEP = (
    schema.CATEGORY,
    schema.OCCURRED_AT,
    schema.PLACE_TEXT,
    schema.NOTE,
    schema.MEASURE,
    schema.PRECISION,
    schema.HOTSPOT_ID,
    schema.REMARK_STATUS,  # codes, not text: whether a remark is resolved, praise, or placed uncertainly
    schema.REMARK_TONE,
    schema.REASON,
)
_OBSERVATION_TEXT = (schema.PLACE_TEXT, schema.NOTE, schema.MEASURE)
MONTH = "month"
"""Column added to exported tables: the month of ``occurred_at`` as ``"YYYY-MM"``."""


@dataclass(frozen=True)
class ExportTables:
    """What may be shown of an analysis in a given privacy mode (see :func:`prepare_export`).

    Attributes
    ----------
    points : GeoDataFrame
        Incident points safe to show individually, Point geometry in the incidents' CRS. In the ``"shared"``
        mode: a fresh RangeIndex and only the columns ``category``, ``occurred_at`` (first day of the month),
        ``month`` (``"YYYY-MM"``), ``precision`` and ``hotspot_id`` where the input had them.
    cells : GeoDataFrame
        Grid cells (square polygons of ``cell_m``) holding the incidents that may not be shown individually:
        ``n_events``, ``n_<category>`` for every incident category, ``first_month``, ``last_month``. Empty in
        the ``"internal"`` mode.
    observations : GeoDataFrame or None
        Observations with place text, note and measure redacted and cleaned; in the ``"shared"`` mode dates
        coarsened to the month and record ids, source rows and user columns dropped.
    mode : str
        ``"internal"`` or ``"shared"``.
    k : int
        Minimum number of incidents in a cell for its points to be shown (``"shared"`` mode).
    cell_m : float
        Side of the grid cells, metres.
    counts : collections.Counter
        What was done: ``points_shown``, ``points_aggregated``, ``cells``, ``no_location``,
        ``dropped_columns`` and, under ``redacted_<kind>``, the number of redactions by kind.
    """

    points: Any
    cells: Any
    observations: Any
    mode: str
    k: int
    cell_m: float
    counts: Counter[str] = field(default_factory=Counter)


_MAX_ABS_M = 1e8


def _validate_args(incidents: Any, mode: str, k: int, cell_m: float) -> None:
    import geopandas as gpd

    if not isinstance(incidents, gpd.GeoDataFrame):
        raise SchemaError(f"incidents must be a GeoDataFrame, got {type(incidents)!r}")
    check_gate(mode, k, cell_m)


def _metric_xy(gdf: Any) -> tuple[np.ndarray, np.ndarray, Any]:
    """x, y in a metric CRS (NaN where there is no usable point) and that CRS.

    Incidents normally come in the network's metric CRS; a geographic frame is projected to the local metric
    CRS first so that the grid cells are ``cell_m`` metres wide.
    """
    if gdf.crs is None:
        raise SchemaError("incidents has no CRS; set one (the network's metric CRS) before exporting")
    geoms = gdf.geometry
    if gdf.crs.is_geographic:
        valid = _point_mask(geoms)
        crs = metric_crs_of(gdf[valid]) if valid.any() else gdf.crs
        geoms = geoms.to_crs(crs) if valid.any() else geoms
    else:
        crs = gdf.crs
    ok = _point_mask(geoms)
    x = np.full(len(gdf), np.nan)
    y = np.full(len(gdf), np.nan)
    if ok.any():
        x[ok] = geoms[ok].x.to_numpy()
        y[ok] = geoms[ok].y.to_numpy()
    # non-finite or absurd coordinates (beyond 100 000 km) are no location at all
    bad = ~(np.isfinite(x) & np.isfinite(y) & (np.abs(x) < _MAX_ABS_M) & (np.abs(y) < _MAX_ABS_M))
    x[bad], y[bad] = np.nan, np.nan
    return x, y, crs


def _point_mask(geoms: Any) -> np.ndarray:
    """Rows whose geometry is a non-empty Point with finite coordinates."""
    types = geoms.geom_type.to_numpy()
    mask: np.ndarray = np.asarray(
        (types == "Point") & ~geoms.is_empty.to_numpy(), dtype=bool
    )  # None: no type
    if mask.any():
        coords = np.column_stack([geoms[mask].x.to_numpy(), geoms[mask].y.to_numpy()])
        finite = np.isfinite(coords).all(axis=1)
        idx = np.flatnonzero(mask)
        mask[idx[~finite]] = False
    return mask


def _hotspot_mask(incidents: Any, hotspot_mask: Any) -> np.ndarray:
    n = len(incidents)
    if hotspot_mask is None:
        if schema.HOTSPOT_ID in incidents.columns:
            ids = pd.to_numeric(incidents[schema.HOTSPOT_ID], errors="coerce")
            return np.asarray((ids.fillna(-1) >= 0).to_numpy(), dtype=bool)
        return np.zeros(n, dtype=bool)
    if isinstance(hotspot_mask, pd.Series):
        if not hotspot_mask.index.equals(incidents.index):
            raise ParameterError("hotspot_mask must have the same index as incidents")
        arr = hotspot_mask.to_numpy()
    else:
        arr = np.asarray(hotspot_mask)
    if arr.shape != (n,):
        raise ParameterError(f"hotspot_mask must have one value per incident ({n}), got shape {arr.shape!r}")
    return np.asarray(pd.Series(arr).fillna(False).astype(bool).to_numpy(), dtype=bool)


def _month_start(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(first day of the month at midnight, ``"YYYY-MM"``) of a column of dates; missing stays missing."""
    if isinstance(values.dtype, pd.DatetimeTZDtype | np.dtypes.DateTime64DType):
        dt = values
    else:
        dt = pd.to_datetime(values, errors="coerce", utc=True, format="mixed").dt.tz_convert(
            "Europe/Stockholm"
        )
    tz = dt.dt.tz
    naive = dt.dt.tz_localize(None) if tz is not None else dt
    start = naive.dt.to_period("M").dt.start_time
    if tz is not None:
        start = start.dt.tz_localize(tz)
    month = naive.dt.strftime("%Y-%m").where(naive.notna(), None)
    return start, month


def _coarsen_dates(df: pd.DataFrame) -> pd.DataFrame:
    if schema.OCCURRED_AT in df.columns:
        start, month = _month_start(df[schema.OCCURRED_AT])
        df[schema.OCCURRED_AT] = start
        df[MONTH] = month
    return df


# canonical columns that hold codes, not free text; every other text column may carry what a person typed
_CODE_COLUMNS = frozenset(
    (
        schema.RECORD_ID,
        schema.SOURCE,
        schema.CATEGORY,
        schema.RAW_CATEGORY,
        schema.STATUS,
        schema.REASON,
        schema.PRECISION,
        schema.GEOCODE_METHOD,
        MONTH,
    )
)


def _free_text_columns(df: pd.DataFrame) -> list[str]:
    """Text columns that may hold free text: the canonical text fields and every text column of the user's."""
    geometry = df.geometry.name if hasattr(df, "geometry") else None
    return [
        c
        for c in df.columns
        if c != geometry
        and c not in _CODE_COLUMNS
        and (pd.api.types.is_object_dtype(df[c].dtype) or isinstance(df[c].dtype, pd.StringDtype))
    ]


def _redact_columns(
    df: pd.DataFrame,
    columns: Iterable[str],
    counts: Counter[str],
    *,
    redact_text: bool,
    max_chars: int | None,
    numbers_as_text: bool = True,
) -> pd.DataFrame:
    """Clean, redact and cut the text of ``columns`` in place (``df`` is the caller's own copy).

    With ``numbers_as_text`` a number in a text column is text too (Excel stores a bare personnummer as a
    number); otherwise values that are not strings are left as they are. Text is cleaned before redaction
    and cut after it, so a cut never splits a value the patterns would have caught.
    """

    def as_text(v: Any) -> Any:
        if isinstance(v, str):
            return clean_text(v)
        return clean_text(str(v)) if numbers_as_text else v

    for col in columns:
        if col not in df.columns:
            continue
        series = df[col].map(as_text, na_action="ignore")
        if redact_text:
            series, c = redact_with_counts(series)
            counts.update({f"redacted_{kind}": n for kind, n in c.items()})
        df[col] = series.map(
            lambda v: clean_text(v, max_chars=max_chars) if isinstance(v, str) else v, na_action="ignore"
        )
    return df


def _redact_category(df: pd.DataFrame) -> pd.DataFrame:
    """A category is a code, but a table made by hand may hold any text there: it is redacted too (once per
    distinct value; the column is left as it is when nothing changes)."""
    if schema.CATEGORY not in df.columns or pd.api.types.is_numeric_dtype(df[schema.CATEGORY].dtype):
        return df
    values = df[schema.CATEGORY].astype(object)
    mapping = {v: redact(v) for v in pd.unique(values) if isinstance(v, str)}
    if any(k != v for k, v in mapping.items()):
        df[schema.CATEGORY] = values.map(lambda v: mapping.get(v, v) if isinstance(v, str) else v)
    return df


def _shared_points(incidents: Any, shown: np.ndarray) -> Any:
    import geopandas as gpd

    keep = [c for c in _SHARED_INCIDENT_KEEP if c in incidents.columns]
    rows = np.flatnonzero(shown)
    pts = pd.DataFrame(incidents[keep].iloc[rows]).reset_index(drop=True)
    pts = _coarsen_dates(_redact_category(pts))
    geom = incidents.geometry.to_numpy()[rows]
    return gpd.GeoDataFrame(pts, geometry=gpd.GeoSeries(geom, crs=incidents.crs), crs=incidents.crs)


def _export_observations(observations: Any, mode: str, redact_text: bool, counts: Counter[str]) -> Any:
    import geopandas as gpd

    if observations is None:
        return None
    if not isinstance(observations, pd.DataFrame):
        raise SchemaError(f"observations must be a GeoDataFrame or None, got {type(observations)!r}")
    obs = observations.copy()
    if mode == "shared":
        keep = [c for c in _SHARED_OBSERVATION_KEEP if c in obs.columns]
        geom_name = obs.geometry.name if isinstance(obs, gpd.GeoDataFrame) else None
        counts["dropped_columns"] += len([c for c in obs.columns if c not in keep and c != geom_name])
        obs = obs[[*keep, geom_name]] if geom_name else obs[keep]
        obs = obs.reset_index(drop=True)
        obs = _coarsen_dates(_redact_category(obs))
    obs = _redact_columns(obs, _OBSERVATION_TEXT, counts, redact_text=redact_text, max_chars=MAX_TEXT_CHARS)
    if mode == "shared":
        return obs
    others = [c for c in _free_text_columns(obs) if c not in _OBSERVATION_TEXT]
    return _redact_columns(
        obs, others, counts, redact_text=redact_text, max_chars=None, numbers_as_text=False
    )


def _shared_tables(
    incidents: Any,
    x: np.ndarray,
    y: np.ndarray,
    metric_crs: Any,
    k: int,
    cell_m: float,
    hotspot_mask: Any,
    counts: Counter[str],
) -> tuple[Any, Any]:
    """The points that may be shown and the cells that count the rest (the ``"shared"`` mode).

    A point is shown only where its cell holds at least ``k`` located incidents. Membership of a hotspot
    shows nothing (a hotspot may be as small as ``min_samples``); a shown point keeps its ``hotspot_id``
    only when that hotspot holds at least ``k`` incidents.
    """
    located = np.isfinite(x)
    ix, iy, cell_size = grid_cells(x, y, cell_m)
    in_hotspot = _hotspot_mask(incidents, hotspot_mask)  # validated; it decides no point's showing
    shown = located & (cell_size >= k)
    hidden = located & ~shown
    counts["points_shown_in_hotspots"] = int((shown & in_hotspot).sum())
    counts["points_shown"] = int(shown.sum())
    counts["points_aggregated"] = int(hidden.sum())
    counts["dropped_columns"] += len(
        [c for c in incidents.columns if c not in _SHARED_INCIDENT_KEEP and c != incidents.geometry.name]
    )
    points = _shared_points(incidents, shown)
    if schema.HOTSPOT_ID in points.columns:
        big = shared_hotspot_ids(incidents[schema.HOTSPOT_ID], k=k)
        ids = pd.to_numeric(points[schema.HOTSPOT_ID], errors="coerce")
        points[schema.HOTSPOT_ID] = ids.where(ids.isin(list(big)), -1).fillna(-1).astype(np.int64)
    if not hidden.any():
        return points, empty_cells(incidents.crs)
    months = (
        _month_start(incidents[schema.OCCURRED_AT])[1]
        if schema.OCCURRED_AT in incidents.columns
        else pd.Series([None] * len(incidents))
    )
    cells = cells_table(ix, iy, np.flatnonzero(hidden), incidents, months, cell_m, metric_crs)
    return points, cells.to_crs(incidents.crs) if incidents.crs != metric_crs else cells


def prepare_export(
    incidents: Any,
    observations: Any = None,
    *,
    mode: Mode = "shared",
    k: int = DEFAULT_K,
    cell_m: float = 100.0,
    hotspot_mask: Any = None,
    redact: bool = True,
) -> ExportTables:
    """What of an analysis may be shown, in the ``"internal"`` or the ``"shared"`` privacy mode.

    ``"shared"`` (the default for files): an incident point is shown only where at least ``k`` located
    incidents share its ``cell_m`` grid cell (a square grid aligned on multiples of ``cell_m`` in the
    incidents' metric CRS; ``cell_m`` at least :data:`MIN_CELL_M`), in a hotspot or not; every other
    incident is counted in its grid cell instead (:attr:`ExportTables.cells`). Shown points keep only
    category, month, precision and hotspot id (only of a hotspot holding ``k`` incidents) under a fresh
    RangeIndex: no record ids, no source rows, no place text or other free text of the incident records, no
    user columns. Observations keep their place text, note and measure, redacted with
    :func:`redact`, and their month.

    ``"internal"`` (for the analyst): every located incident as geocoded, all columns, index kept; free text
    (place text, notes and the user's own text columns; not code columns such as ``record_id``) still
    redacted unless ``redact=False``.

    Parameters
    ----------
    incidents : GeoDataFrame
        Incidents, normally in the network's metric CRS (a geographic CRS is projected to the local metric
        CRS for the grid). Rows without a usable point (no geometry, empty, non-finite) are counted under
        ``no_location`` and not shown.
    observations : GeoDataFrame, optional
        Safety-walk observations.
    mode : {"shared", "internal"}
    k : int, default 5
        Minimum number of incidents in a grid cell for its points to be shown.
    cell_m : float, default 100.0
        Side of the grid cells in metres; at least :data:`MIN_CELL_M` in the ``"shared"`` mode
        (:class:`~trygghet_geo.errors.InputError` otherwise).
    hotspot_mask : array-like of bool, optional
        True for incidents that belong to a hotspot; checked and counted (``points_shown_in_hotspots``)
        but it shows no point: a hotspot can be as small as the analysis' ``min_samples``, so only the
        cell count decides. Default: the ``hotspot_id`` column's values ``>= 0``.
    redact : bool, default True
        Redact free text. Only the ``"internal"`` mode may turn it off.

    Returns
    -------
    ExportTables

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> inc = gpd.GeoDataFrame({"category": ["stöld"] * 6, "record_id": list("abcdef")},
    ...     geometry=[Point(10, 10)] * 5 + [Point(500, 500)], crs="EPSG:3006")
    >>> out = prepare_export(inc)
    >>> len(out.points), out.cells["n_events"].tolist(), list(out.points.columns)
    (5, [1], ['category', 'geometry'])
    """
    _validate_args(incidents, mode, k, cell_m)
    if not redact and mode == "shared":
        raise ParameterError(
            "redact=False is only allowed with mode='internal'; a shared export is always redacted"
        )
    counts: Counter[str] = Counter()
    x, y, metric_crs = _metric_xy(incidents)
    located = np.isfinite(x)
    counts["no_location"] = int((~located).sum())
    obs = _export_observations(observations, mode, redact, counts)
    if mode == "internal":
        pts = incidents[located].copy()
        pts = _redact_columns(
            pts, _free_text_columns(pts), counts, redact_text=redact, max_chars=None, numbers_as_text=False
        )
        counts["points_shown"] = len(pts)
        return ExportTables(pts, empty_cells(incidents.crs), obs, mode, int(k), float(cell_m), counts)

    points, cells = _shared_tables(incidents, x, y, metric_crs, k, cell_m, hotspot_mask, counts)
    counts["cells"] = len(cells)
    logger.info(
        "shared export: %d points shown, %d aggregated into %d cells, %d without location",
        counts["points_shown"],
        counts["points_aggregated"],
        counts["cells"],
        counts["no_location"],
    )
    return ExportTables(points, cells, obs, mode, int(k), float(cell_m), counts)
