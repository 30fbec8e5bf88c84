"""Safety-walk remarks: their follow-up status (ny, pågår, åtgärdad …) and whether they name a problem at all.

A walk records praise as well as problems ("Nya belysningen upplevs som mycket bättre"), and a municipality's
register records what has been done since. Neither should count as a current problem.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.io._values import as_text, code_counts

if TYPE_CHECKING:
    from trygghet_geo.io._extract import Roles

__all__ = ["remark_columns", "remark_status", "remark_tone"]

# Words of a status cell -> the status. Matched on the first words of the cell, case and punctuation ignored.
_STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("ny", "nytt", "nya", "ny synpunkt", "inkommen", "inkommet", "registrerad", "öppen", "öppet", "open",
         "new", "ej påbörjad", "inte påbörjad", "ej startad", "ej hanterad"),
        "ny",
    ),
    **dict.fromkeys(
        ("pågår", "pågående", "påbörjad", "påbörjat", "under utredning", "under åtgärd", "under arbete",
         "planerad", "planerat", "beställd", "beställt", "handläggs", "in progress", "ongoing", "started"),
        "pågår",
    ),
    **dict.fromkeys(
        ("åtgärdad", "åtgärdat", "åtgärdade", "klar", "klart", "fixad", "fixat", "utförd", "utfört", "löst",
         "genomförd", "genomfört", "resolved", "done", "fixed", "completed"),
        "åtgärdad",
    ),
    **dict.fromkeys(
        ("avslutad", "avslutat", "stängd", "stängt", "avskriven", "avskrivet", "arkiverad", "closed"),
        "avslutad",
    ),
    **dict.fromkeys(
        ("ej åtgärdad", "inte åtgärdad", "ej åtgärdat", "inte åtgärdat", "avvisad", "avslagen", "ej aktuell",
         "inte aktuell", "rejected", "wont fix", "not fixed"),
        "ej_åtgärdad",
    ),
}  # fmt: skip

# Values of a tone column (typ/omdöme) -> the tone.
_TONE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        ("positiv", "positivt", "positiva", "beröm", "bra", "bra exempel", "trygg", "tryggt", "trygg plats",
         "plus", "+", "positive", "good", "praise"),
        "positiv",
    ),
    **dict.fromkeys(
        ("neutral", "neutralt", "information", "info", "iakttagelse", "notering", "observation", "neutral"),
        "neutral",
    ),
    **dict.fromkeys(
        ("negativ", "negativt", "problem", "brist", "brister", "otrygg", "otryggt", "otrygg plats", "minus",
         "-", "negative", "issue", "åtgärdsbehov", "fel"),
        "problem",
    ),
}  # fmt: skip

# Praise in a note, and words that make a note a problem after all ("bra belysning men buskarna skymmer").
_PRAISE = re.compile(
    r"(?i)\b(?:bättre|bra|fungerar|tryggt|tryggare|trygg|fint|fin|trivsam|trivsamt|ljusare|välskött\w*|"
    r"positiv\w*|nöjd\w*|uppskatta\w*|förbättra(?:d|t|de|ts))\b"
)
_PROBLEM = re.compile(
    r"(?i)\b(?:inte|ej|icke|aldrig|dålig\w*|sämre|trasig\w*|mörk\w*|mörker|otrygg\w*|saknas|saknar|"
    r"problem\w*|klotter\w*|skräp\w*|nedskräp\w*|farlig\w*|rädd\w*|obehag\w*|behöver|behövs|borde|bör|"
    r"kräver|skym\w*|igenvux\w*|sönder|men|hot\w*|bråk\w*|narkotika|knark\w*|slitet|sliten)\b"
)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\wåäöéü+\- ]", " ", text.casefold()).split())


def _lookup(text: str, words: dict[str, str]) -> str:
    """The value of the longest leading phrase (up to three words) of ``text`` found in ``words``."""
    key = _key(text)
    if key in words:
        return words[key]
    parts = key.split()
    for n in (3, 2, 1):
        if len(parts) >= n and " ".join(parts[:n]) in words:
            return words[" ".join(parts[:n])]
    return ""


def remark_status(values: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Status codes (:data:`~trygghet_geo.schema.REMARK_STATUSES`, ``""`` where empty or not understood) and
    the values that were not understood, with counts.

    >>> codes, unknown = remark_status(pd.Series(["Åtgärdad 2024-05-01", "Pågår", "", "Vet ej"]))
    >>> codes.tolist(), unknown
    (['åtgärdad', 'pågår', '', ''], {'Vet ej': 1})
    """
    uniques = pd.unique(values)
    mapped = {u: _lookup(str(u), _STATUS_WORDS) if str(u).strip() else "" for u in uniques}
    out = pd.Series(pd.Categorical(values.map(mapped), dtype=_STATUS_DTYPE), index=values.index)
    unknown = values[(out == "").to_numpy(dtype=bool) & (values.str.strip() != "").to_numpy(dtype=bool)]
    return out, {str(k): int(v) for k, v in unknown.value_counts().items()}


# The remark columns as pandas categories: one byte a row (text took ~20 bytes a row and a Python object per
# row on the way, hundreds of MB for a file of a few million tiny rows).
_STATUS_DTYPE = pd.CategoricalDtype(pd.Index(["", *schema.REMARK_STATUSES], dtype="str"))
_TONE_DTYPE = pd.CategoricalDtype(pd.Index(list(schema.REMARK_TONES), dtype="str"))


def remark_tone(tone: pd.Series | None, note: pd.Series, measure: pd.Series) -> pd.Series:
    """``problem``, ``positiv`` or ``neutral`` per remark: from a tone column (typ/omdöme) where it says, else
    from the note: praise words with no word of a problem and no suggested measure make it ``positiv``.

    >>> remark_tone(None, pd.Series(["Nya belysningen upplevs som mycket bättre", "Mörkt och otryggt",
    ...                              "Bra belysning men buskarna skymmer"]), pd.Series(["", "", ""])).tolist()
    ['positiv', 'problem', 'problem']
    """
    tones = list(schema.REMARK_TONES)
    # One byte a row; the note is searched only when some row has a note and no measure.
    code = np.full(len(note), tones.index("problem"), dtype=np.int8)
    candidate = ((note != "") & (measure == "")).to_numpy(dtype=bool)
    if candidate.any():
        praise = (note.str.contains(_PRAISE) & ~note.str.contains(_PROBLEM)).to_numpy(dtype=bool)
        code[candidate & praise] = tones.index("positiv")
    if tone is not None:
        words = {u: _lookup(str(u), _TONE_WORDS) for u in pd.unique(tone)}
        given = tone.map({u: tones.index(w) if w in tones else -1 for u, w in words.items()})
        given_code = given.to_numpy(dtype=np.int8)
        code = np.where(given_code >= 0, given_code, code)
    return pd.Series(pd.Categorical.from_codes(code, dtype=_TONE_DTYPE), index=note.index)


def remark_columns(
    cols: Roles, note: pd.Series, n: int, report: Any = None, *, measure: pd.Series | None = None
) -> dict[str, pd.Series]:
    """The ``remark_status`` and ``remark_tone`` columns of a table of remarks (their counts go to
    ``report`` when one is given); ``measure`` is the measure text when the caller has it already."""
    if cols.has("remark_status"):
        status, _unknown = remark_status(as_text(cols.present("remark_status"), n))
    else:
        status = pd.Series(pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), dtype=_STATUS_DTYPE))
    tone_values = as_text(cols.present("tone"), n) if cols.has("tone") else None
    if measure is None:
        measure = as_text(cols.present("measure") if cols.has("measure") else None, n)
    out = {
        schema.REMARK_STATUS: status.reset_index(drop=True),
        schema.REMARK_TONE: remark_tone(tone_values, note.reset_index(drop=True), measure),
    }
    if report is not None:
        for key, column in (
            ("remark_status_counts", schema.REMARK_STATUS),
            ("remark_tone_counts", schema.REMARK_TONE),
        ):
            cat = out[column].array
            counts = code_counts(cat.codes, len(cat.categories))
            setattr(report, key, {str(k): v for k, v in zip(cat.categories, counts, strict=True) if k and v})
    return out


def find_tone_column(frame: pd.DataFrame, roles: dict[str, str]) -> dict[str, str]:
    """Roles with a ``typ``-like column whose values are tones (positiv, negativ, problem …) moved to the
    ``tone`` role; the category then comes from another category column, if there is one."""
    from trygghet_geo.io._columns import _LOOKUP, normalise_header

    if "tone" in roles:
        return roles
    out = dict(roles)
    for col in frame.columns:
        if _LOOKUP.get(normalise_header(col)) != "category":
            continue
        values = frame[col].dropna().astype("str").str.strip()
        values = values[values != ""]
        distinct = pd.unique(values)
        if len(values) == 0 or len(distinct) > 12:
            continue
        toned = values.map({u: _lookup(str(u), _TONE_WORDS) for u in distinct})
        if (toned != "").mean() < 0.8:
            continue
        out["tone"] = col
        if out.get("category") == col:
            others = [c for c in frame.columns if c != col and _LOOKUP.get(normalise_header(c)) == "category"]
            if others:
                out["category"] = others[0]
            else:
                del out["category"]
        break
    return out
