"""Pattern matching behind :func:`trygghet_geo.output.privacy.redact` (plumbing; use the public functions).

Each kind of personal data has a regular expression and, where a regex cannot decide, a small check in
Python (calendar date and Luhn digit of an identity number, digit count of a phone number, stop list of
plate look-alikes, place-name endings after a name signal). Matching runs on a normalised *view* of the text
and the tokens are spliced into the original text, which is otherwise left exactly as typed. What each kind
covers and what it does not is documented in :mod:`trygghet_geo.output.privacy`.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Literal

import numpy as np
import pandas as pd

from trygghet_geo.output._redact_given import (
    INITIALS,
    NAME_LOWER,
    NAME_PLAIN,
    NAME_REVERSED,
    initials_span,
    lower_name_span,
    plain_name_span,
    reversed_name_span,
)
from trygghet_geo.output._redact_names import (
    ADDRESS,
    NAME,
    NAME_BEFORE,
    WEAK_NAME,
    address_span,
    name_before_span,
    name_span,
    weak_name_span,
)
from trygghet_geo.output._redact_spelt import (
    EMAIL_HINT,
    EMAIL_WORDS,
    PHONE_WORDS,
    PHONE_WORDS_HINT,
    phone_words_span,
)

__all__ = ["KINDS", "TOKENS", "clean_text", "luhn_ok", "redact_text"]

Kind = Literal["personnummer", "id_number", "phone", "email", "plate", "address", "name"]
KINDS: tuple[str, ...] = ("email", "personnummer", "id_number", "phone", "plate", "address", "name")
"""The kinds :func:`redact` knows, in the order they are applied."""

TOKENS: dict[str, str] = {
    "personnummer": "[personnummer]",
    "id_number": "[id-nummer]",
    "phone": "[telefon]",
    "email": "[e-post]",
    "plate": "[regnr]",
    "address": "[adress]",
    "name": "[namn]",
}
"""The replacement token of each kind."""

# --- normalisation ------------------------------------------------------------------------------------------
_KEEP_CONTROLS = frozenset("\t\n\r")
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co"))
# control characters that end a line (vertical tab, form feed, the file/group/record separators, NEL): a line
# break, not nothing, or the words on either side would run together
_BREAK_CONTROLS = str.maketrans(dict.fromkeys("\v\f\x1c\x1d\x1e\x85", "\n"))


def _noncharacter(ch: str) -> bool:
    """U+FDD0..U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF, ...): never text, and
    U+FFFE/U+FFFF cannot be written in XML (a DOCX or XLSX part holding one does not open)."""
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE


def clean_text(text: object, *, max_chars: int | None = None) -> str:
    """Clean free text for display: the package's one text cleaner (map, report, shared export).

    Composes characters (NFC), makes the control characters that end a line (``\\v``, ``\\f``, U+001C to
    U+001E, U+0085) line breaks, removes the other control characters (NUL and the rest of C0/C1 except tab
    and newlines), format characters (zero-width spaces, soft hyphens, bidi embeddings, overrides and isolates
    such as U+202E), private-use characters, noncharacters (U+FFFE, U+FFFF, ...) and lone surrogates, and
    optionally cuts the text to ``max_chars`` characters ending in ``"…"``. Everything else stays as typed.

    Parameters
    ----------
    text : object
        The text; ``None``, NaN, ``pd.NA`` and ``NaT`` give ``""``, anything else is made a string.
    max_chars : int, optional
        Longest text to keep; ``None`` keeps everything.

    Returns
    -------
    str

    Examples
    --------
    >>> clean_text("abc\\u202edef\\x00 50 m²")
    'abcdef 50 m²'
    >>> clean_text("x" * 10, max_chars=4)
    'xxx…'
    >>> clean_text(float("nan"))
    ''
    """
    if text is None or text is pd.NA or text is pd.NaT or (isinstance(text, float) and math.isnan(text)):
        return ""
    out = str(text)
    if not _PLAIN.fullmatch(out):  # printable Latin-1 (most Swedish text) has nothing to remove or compose
        out = out.translate(_BREAK_CONTROLS)
        out = "".join(
            ch
            for ch in out
            if ch in _KEEP_CONTROLS
            or (unicodedata.category(ch) not in _HIDDEN_CATEGORIES and not _noncharacter(ch))
        )
        out = unicodedata.normalize("NFC", out)
    if max_chars is not None and len(out) > max_chars:
        out = out[: max(max_chars - 1, 0)] + "…"
    return out


# Text made only of these characters needs no matching view (the common case: Swedish prose).
_PLAIN = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xac\xae-\xff]*")
# A character outside that set, with the combining marks that follow it.
_SPECIAL = re.compile(
    r"(?:[^\t\n\r\x20-\x7e\xa1-\xac\xae-\xff]|[\x20-\x7e\xa1-\xac\xae-\xff](?=[\u0300-\u036f]))[\u0300-\u036f]*"
)
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d")
_SPACES = frozenset(
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)


def _view_char(chunk: str) -> str | None:
    """How one character (with its combining marks) is seen by the patterns; ``None`` drops it."""
    ch = unicodedata.normalize("NFC", chunk)
    if len(ch) != 1:
        return chunk if not any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in chunk) else None
    if ch in _KEEP_CONTROLS:
        return ch
    if unicodedata.category(ch) in _HIDDEN_CATEGORIES:
        return None
    if ch in _DASHES or unicodedata.category(ch) == "Pd":  # every dash of Unicode ("\ufe58", "\u2e3a")
        return "-"
    if ch in _SPACES:
        return " "
    if "\uff01" <= ch <= "\uff5e":  # full-width ASCII
        return chr(ord(ch) - 0xFEE0)
    if ch.isdecimal() and not ch.isascii():  # digits of any script
        return str(unicodedata.decimal(ch))
    return ch


def _match_view(text: str) -> str:
    """The text as the patterns see it.

    Hidden characters are dropped and look-alike dashes, spaces, full-width forms and other scripts' digits
    are mapped to ASCII, so that ``811218\\u200b–9876`` is still an identity number. :func:`redact` splices
    its tokens into the *original* text (see :func:`_view_positions`), which is otherwise left as typed.
    """
    if _PLAIN.fullmatch(text):
        return text.replace("\xa0", " ")
    return _SPECIAL.sub(lambda m: _view_char(m.group(0)) or "", text)


def _view_positions(text: str) -> tuple[list[int], list[int]]:
    """For each character of ``_match_view(text)``, the span of the original text it came from."""
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for m in _SPECIAL.finditer(text):
        starts.extend(range(last, m.start()))
        ends.extend(range(last + 1, m.start() + 1))
        mapped = _view_char(m.group(0)) or ""
        starts.extend([m.start()] * len(mapped))
        ends.extend([m.end()] * len(mapped))
        last = m.end()
    starts.extend(range(last, len(text)))
    ends.extend(range(last + 1, len(text) + 1))
    return starts, ends


# --- identity numbers ---------------------------------------------------------------------------------------
def luhn_ok(digits: str) -> bool:
    """Whether a 10-digit Swedish identity number ``YYMMDDNNNC`` has a correct Luhn check digit.

    Examples
    --------
    >>> luhn_ok("8503122395"), luhn_ok("8503122397")
    (True, False)
    """
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(digits[:9]):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10 == int(digits[9])


def _date_ok(century: str | None, yy: str, mm: str, dd: str) -> bool:
    """A real calendar date; a day 61-91 is a samordningsnummer (day + 60)."""
    month, day = int(mm), int(dd)
    if day > 60:
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    # without the century both 19xx and 20xx are possible; Feb 29 is allowed when either is a leap year
    years = [int(century + yy)] if century else [1900 + int(yy), 2000 + int(yy)]
    return any(day <= calendar.monthrange(y, month)[1] for y in years)


# Between the date and the last four digits: nothing, a hyphen or plus (100 years or older), or another
# separator people type (". / _ \\ :"), each with up to three spaces around it; or spaces alone; a line break
# may fall before or after the separator (a form field or a cell that wraps).
_BREAK = r"[ \t]{0,3}(?:\r?\n[ \t]{0,3})?"
_SEP = r"(?P<sep>" + _BREAK + r"[-+._/\\:]?" + _BREAK + r")"
# The date written compactly: YYMMDD or YYYYMMDD. Digits may be glued to a word in front ("pnr850312-...").
_PNR = re.compile(
    r"(?<![0-9])(?P<century>1[89]|20)?(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})(?P<dd>[0-9]{2})"
    + _SEP
    + r"(?P<tail>[0-9]{4})(?![0-9])"
)
# The date written with separators too (1985-03-12-2395, 85.03.12/2395, 1985 03 12 2395).
_PNR_DASHED = re.compile(
    r"(?<![0-9])(?P<century>1[89]|20)?(?P<yy>[0-9]{2})(?P<s>[ ._/-])(?P<mm>[0-9]{2})(?P=s)(?P<dd>[0-9]{2})"
    r"(?P<sep>" + _BREAK + r"[-+._/\\:]" + _BREAK + r"|[ \t]{1,3}(?:\r?\n[ \t]{0,3})?|\r?\n[ \t]{0,3})"
    r"(?P<tail>[0-9]{4})(?![0-9])"
)
# The ten digits read aloud in pairs, the century perhaps before them (85 03 12 23 95, 19 85 03 12 23 95):
# an identity number only with a real date and a correct check digit.
_PNR_PAIRS = re.compile(
    r"(?<![0-9])(?:(?P<century>1[89]|20)[ \t])?(?P<yy>[0-9]{2})[ \t](?P<mm>[0-9]{2})[ \t](?P<dd>[0-9]{2})"
    r"[ \t](?P<t1>[0-9]{2})[ \t](?P<t2>[0-9]{2})(?![0-9])"
)


# The date split by single spaces ("8501 01-2395", "1985 0312 2395", "85 0312-2395") and the last four
# perhaps in two pairs ("850312 23 95"): an identity number only with a real date and a correct check digit.
_PNR_SPLIT = re.compile(
    r"(?<![0-9])(?P<century>1[89]|20)?(?P<yy>[0-9]{2})[ \t]?(?P<mm>[0-9]{2})[ \t]?(?P<dd>[0-9]{2})"
    + _SEP
    + r"(?P<tail>[0-9]{2}[ \t]?[0-9]{2})(?![0-9])"
)
# The last four given apart from the date ("födelsedatum 850312, sista fyra 2395", "f. 850312 (de fyra
# sista: 2395)"): both are taken, whatever the check digit, since the words say what they are.
_PNR_APART = re.compile(
    r"(?<![0-9])(?P<date>(?P<century>1[89]|20)?(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})(?P<dd>[0-9]{2}))(?![0-9])"
    r"[^0-9\n]{1,40}?(?i:sista[ \t]+(?:fyra|4)|(?:fyra|4)[ \t]+sista)(?:[ \t]+(?i:siffrorna|siffror))?"
    r"[ \t:=)(\-]{0,4}(?P<tail>[0-9]{4})(?![0-9])"
)
_APART_HINT = re.compile(r"(?i:sista)")


def _classify_split(m: re.Match[str]) -> str | None:
    """A split date and four digits: a real date and a correct check digit (a wrong one after ``-``/``+`` is
    a mistyped identity number); after spaces alone not with the century 20 (``2024 0512 2230`` is a date
    and a time)."""
    century = m.group("century")
    tail = m.group("tail").replace(" ", "").replace("\t", "")
    digits = m.group("yy") + m.group("mm") + m.group("dd") + tail
    if not _date_ok(century, m.group("yy"), m.group("mm"), m.group("dd")):
        return None
    if not luhn_ok(digits):  # a near miss counts as identity numbers are written: "-" or "+" before the four
        return "id_number" if m.group("sep").strip() in ("-", "+") and len(tail) == 4 else None
    if not m.group("sep").strip() and century == "20":
        return None
    return "personnummer"


def _collect_apart(view: str, kinds: frozenset[str], spans: list[_Span]) -> str:
    """The date and the last four digits of an identity number given apart, each replaced."""
    if "personnummer" not in kinds:
        return view

    def repl(m: re.Match[str]) -> str:
        if not _date_ok(m.group("century"), m.group("yy"), m.group("mm"), m.group("dd")):
            return m.group(0)
        (a1, b1), (a2, b2) = m.span("date"), m.span("tail")
        spans.extend([(a1, b1, "personnummer"), (a2, b2, "personnummer")])
        return _FILL * (b1 - a1) + view[b1:a2] + _FILL * (b2 - a2) + view[b2 : m.end()]

    return _PNR_APART.sub(repl, view)


def _classify_dashed(m: re.Match[str]) -> str | None:
    """A date written with separators and four digits is an identity number only with a correct check digit;
    after spaces alone only when the century is 18 or 19 (``2024-05-12 2230`` is a date and a time)."""
    century = m.group("century")
    digits = m.group("yy") + m.group("mm") + m.group("dd") + m.group("tail")
    if not (_date_ok(century, m.group("yy"), m.group("mm"), m.group("dd")) and luhn_ok(digits)):
        return None
    if not m.group("sep").strip() and century not in ("18", "19"):
        return None
    return "personnummer"


def _classify_pairs(m: re.Match[str]) -> str | None:
    """Ten digits in pairs: an identity number only with a real date and a correct check digit."""
    digits = m.group("yy") + m.group("mm") + m.group("dd") + m.group("t1") + m.group("t2")
    ok = _date_ok(m.group("century"), m.group("yy"), m.group("mm"), m.group("dd")) and luhn_ok(digits)
    return "personnummer" if ok else None


def _classify_pnr(m: re.Match[str]) -> str | None:
    """``"personnummer"``, ``"id_number"`` (near miss) or ``None`` (not an identity number)."""
    century = m.group("century")
    if not _date_ok(century, m.group("yy"), m.group("mm"), m.group("dd")):
        return None
    if luhn_ok(m.group("yy") + m.group("mm") + m.group("dd") + m.group("tail")):
        return "personnummer"
    # a near miss is taken only as identity numbers are written, and never glued to a word
    if m.start() > 0 and m.string[m.start() - 1].isalpha():
        return None
    sep = m.group("sep")
    if sep.strip() in ("-", "+") or (century and not sep):
        return "id_number"
    return None


# --- phone numbers ------------------------------------------------------------------------------------------
# one digit, optionally after spaces (up to three) or a hyphen with spaces around it
_D = r"(?:[ \t]{1,3}|[ \t]{0,2}-[ \t]{0,2})?[0-9]"
_S = r"(?:[ \t]{1,3}|[ \t]{0,2}-[ \t]{0,2})?"
# the same where a dot or slash may separate groups too: after a prefix that only a phone number has
# (+46, 0046, (0), a whole mobile prefix 07x, a phone word), where a clock time or a date cannot be meant
_DS = r"(?:[ \t]{1,3}|[ \t]{0,2}[-./][ \t]{0,2})?[0-9]"
# A letter, dot, comma or colon may touch the number ("tel.070-...", "tel,070 ...", "mobil:070..."), but not
# the decimals of a number ("56.0628444").
_PHONE = re.compile(
    r"(?<![0-9+\-/])(?<![0-9][.,:])"
    r"(?:"
    r"(?P<se>(?:\(\+46\)|(?:\+|00)[ \t]{0,3}46)"
    + _S
    + r"(?:\(0\)[ \t]{0,3})?(?P<sub>[1-9](?:"
    + _DS
    + r"){6,9}))"
    r"|(?P<intl>\+[ \t]{0,3}[1-9][0-9]{0,2}" + _S + r"(?:\(0\)[ \t]{0,3})?[0-9](?:" + _D + r"){5,11})"
    r"|(?P<nat>(?:\(0[1-9][0-9]{0,2}\)|0[1-9][0-9]{0,2})" + _S + r"[0-9](?:" + _D + r"){4,7})"
    # the trunk 0 in brackets, as after +46 ("(0)70-123 45 67")
    r"|(?P<zero>\(0\)[ \t]{0,3}[1-9](?:" + _DS + r"){5,8})"
    # a number written with dots or slashes between its groups ("070.123.45.67", "0701.23.45.67",
    # "073/12 34 567", "0544.123 456"): ten digits after a whole mobile prefix, or after an area code of three
    # digits or more, so clock times ("07.30-08.15") and dates ("07.03.2025") stay text
    r"|(?P<dotted>07[02369](?:"
    + _DS
    + r"){7}|0[1-9][0-9]{1,3}[ \t]{0,2}[./-][ \t]{0,2}[0-9](?:"
    + _DS
    + r"){4,6})"
    r")"
    r"(?![0-9])"
)
# A number after a word that says it is one ("tel 0550.12 34 56", "ring 054/12 34 56"): dots and slashes
# separate its groups too.
_PHONE_CUED = re.compile(
    r"(?<![\w])(?i:tel|tfn|telefon|telefonnummer|telefonnr|mobil|mobilnummer|mobilnr|mob|ring|sms|phone|"
    r"kontakta|nås\s+på|nås|nr|nummer|no)"
    r"[.:,]?[ \t]{0,3}(?P<nat>0[1-9](?:" + _DS + r"){5,8})(?![0-9])"
    r"|[\u260e\u260f\U0001f4de\U0001f4f1][ \t]{0,3}(?P<nat2>0[1-9](?:" + _DS + r"){5,8})(?![0-9])"
)


def _cued_phone(m: re.Match[str]) -> tuple[str, tuple[int, int]] | None:
    group = "nat" if m.group("nat") is not None else "nat2"
    text = m.group(group)
    if _DATE_SHAPE.match(text) or not 7 <= sum(c.isdigit() for c in text) <= 10:
        return None
    return "phone", m.span(group)


_DATE_SHAPE = re.compile(r"^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}$")


_PHONE_GROUP = re.compile(r"[0-9]+")


def _phone_kind(m: re.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """``("phone", span)``; a run of digit groups longer than a phone number is cut back to the longest
    prefix of whole groups that fits (``070-123 45 67 3 gånger`` keeps the ``3``), or refused."""
    text = m.group(0)
    if m.group("nat") is not None and _DATE_SHAPE.match(text):
        return None
    # digits counted: all of a national number; after +46/(0) for a Swedish international one; all else
    low, high, skip = (7, 10, 0) if m.group("nat") is not None else (7, 15, 0)
    if m.group("se") is not None:
        low, high, skip = 7, 9, m.start("sub") - m.start()
    if m.group("dotted") is not None:  # a Swedish mobile number has exactly ten digits
        low, high = 10, 10
    if m.group("zero") is not None:  # the 0 in brackets and the digits after it, as a national number
        low, high = 7, 10
    n_digits, end = 0, None
    for g in _PHONE_GROUP.finditer(text, skip):
        n_digits += len(g.group(0))
        if n_digits > high:
            break
        if n_digits >= low:
            end = g.end()
    return None if end is None else ("phone", (m.start(), m.start() + end))


# --- e-mail -------------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+[A-Za-z]{2,24}(?![\w-])")
# the "@" and dots spelt out to fool harvesters: "anna.berg[at]exempel.se", "anna (at) exempel (dot) se",
# "anna snabel-a exempel punkt se" is not covered (words only)
_AT = r"\s?[\[(\{<]\s?(?i:at|snabel-?a|@)\s?[\])\}>]\s?"
_DOT = r"(?:\.|\s?[\[(\{<]\s?(?i:dot|punkt)\s?[\])\}>]\s?)"
_EMAIL_SPELT = re.compile(r"(?<![\w.+-])[\w.+-]+" + _AT + r"(?:[\w-]+" + _DOT + r")+[A-Za-z]{2,24}(?![\w-])")

# --- registration plates ------------------------------------------------------------------------------------
_PLATE_LETTERS = "A-HJ-PR-UW-Z"  # no I, Q, V (nor Å, Ä, Ö)
_PLATE = re.compile(
    rf"(?<!\w)(?P<letters>[{_PLATE_LETTERS}]{{3}})[ \u00a0-]?(?P<rest>[0-9]{{2}}[0-9A-HJ-NPR-UW-Z])(?!\w)"
)
_PLATE_SIGNAL = re.compile(
    r"(?P<sig>\b(?i:reg(?:istrerings)?(?:\.|-)?\s?nr|registreringsnummer(?:et)?|regnummer|reg\.?)\s*[:.]?\s*)"
    rf"(?P<plate>(?i:[{_PLATE_LETTERS}]{{3}})[ \u00a0-]?[0-9]{{2}}(?i:[0-9A-HJ-NPR-UW-Z]))(?!\w)"
)
# all-capital abbreviations that are followed by numbers in ordinary notes
# fmt: off
_PLATE_STOP = frozenset((
    "SEK", "EUR", "USD", "NOK", "DKK", "GBP", "CHF", "LED", "SMS", "MMS", "GPS", "SOS", "ATM", "BRA", "NKI",
    "APT", "TEL", "KOM", "NUM", "MAX", "MIN", "TOT", "CAM", "AVG", "SOU", "SFS", "PBL", "EPA",
))
# fmt: on

# --- the redaction engine -----------------------------------------------------------------------------------
# A found value is overwritten in the matching view with private-use characters of the same length, so later
# patterns cannot match it again and every position still maps back to the original text.
_FILL = "\ue000"
_Span = tuple[int, int, str]


def _collect(
    pattern: Any,
    view: str,
    classify: Callable[[Any], str | tuple[str, tuple[int, int]] | None],
    kinds: frozenset[str],
    spans: list[_Span],
    *,
    group: str | int = 0,
) -> str:
    """Record the spans ``classify`` accepts (a kind, or a kind and its own span) and blank them out."""

    def repl(m: Any) -> str:
        found = classify(m)
        if found is None:
            return str(m.group(0))
        kind, (a, b) = found if isinstance(found, tuple) else (found, m.span(group))
        if kind not in kinds:
            return str(m.group(0))
        spans.append((a, b, kind))
        return view[m.start() : a] + _FILL * (b - a) + view[b : m.end()]

    return str(pattern.sub(repl, view))


def _collect_after_signal(
    pattern: Any,
    view: str,
    classify: Callable[[Any], tuple[str, tuple[int, int]] | None],
    kinds: frozenset[str],
    spans: list[_Span],
) -> str:
    """As :func:`_collect` for a signal and the words after it, but the search goes on right after the signal
    when those words are refused or cut short, so a later signal among them still counts ("NAMNET PÅ
    ANMÄLAREN ÄR ANNA BERG": the words after NAMNET are no name, those after ÄR are)."""
    pos = 0
    pieces: list[str] = []
    last = 0
    while (m := pattern.search(view, pos)) is not None:
        found = classify(m)
        if found is None or found[0] not in kinds:
            pos = m.end("sig")
            continue
        kind, (a, b) = found
        spans.append((a, b, kind))
        # the view is rebuilt once at the end: splicing it per find took time quadratic in the finds
        pieces += [view[last:a], _FILL * (b - a)]
        last = pos = b
    return "".join(pieces) + view[last:] if pieces else view


# cheap tests that let most texts skip most patterns
_AT_HINT = re.compile(r"[\[(\{<]\s?(?i:at|snabel-?a)\s?[\])\}>]")
_SEVEN_DIGITS = re.compile(r"[0-9](?:[^0-9]{0,6}[0-9]){6}")
# NAME_BEFORE is tried at every capitalised word: only where a year of birth can follow one
_BORN_HINT = re.compile(r"(?i:f\.|föd|born)")
_PLATE_HINT = re.compile(rf"[{_PLATE_LETTERS}]{{3}}[ -]?[0-9]|(?i:reg)")


def redact_text(text: str, kinds: frozenset[str], counts: Counter[str]) -> str:
    """``text`` with every value of ``kinds`` replaced by its token; ``counts`` gets one per replacement."""
    view = _match_view(text)
    spans: list[_Span] = []
    if "@" in view:
        view = _collect(_EMAIL, view, lambda m: "email", kinds, spans)
    if EMAIL_HINT.search(view):  # before the bracketed form: "anna (dot) berg(at)x (dot) se" whole
        view = _collect(EMAIL_WORDS, view, lambda m: "email", kinds, spans)
    if _AT_HINT.search(view):
        view = _collect(_EMAIL_SPELT, view, lambda m: "email", kinds, spans)
    if _APART_HINT.search(view):
        view = _collect_apart(view, kinds, spans)
    if _SEVEN_DIGITS.search(view):
        view = _collect(_PNR, view, _classify_pnr, kinds, spans)
        view = _collect(_PNR_DASHED, view, _classify_dashed, kinds, spans)
        view = _collect(_PNR_PAIRS, view, _classify_pairs, kinds, spans)
        view = _collect(_PNR_SPLIT, view, _classify_split, kinds, spans)
        view = _collect(_PHONE, view, _phone_kind, kinds, spans)
        view = _collect(_PHONE_CUED, view, _cued_phone, kinds, spans)
    if PHONE_WORDS_HINT.search(view):
        view = _collect(PHONE_WORDS, view, phone_words_span, kinds, spans)
    if _PLATE_HINT.search(view):
        view = _collect(_PLATE_SIGNAL, view, lambda m: "plate", kinds, spans, group="plate")
        view = _collect(
            _PLATE, view, lambda m: None if m.group("letters") in _PLATE_STOP else "plate", kinds, spans
        )
    view = _collect_after_signal(ADDRESS, view, address_span, kinds, spans)
    view = _collect_after_signal(NAME, view, name_span, kinds, spans)
    view = _collect_after_signal(WEAK_NAME, view, weak_name_span, kinds, spans)
    if _BORN_HINT.search(view):
        view = _collect_after_signal(NAME_BEFORE, view, name_before_span, kinds, spans)
    view = _collect_after_signal(NAME_LOWER, view, lower_name_span, kinds, spans)
    view = _collect_after_signal(INITIALS, view, initials_span, kinds, spans)
    view = _collect_after_signal(NAME_REVERSED, view, reversed_name_span, kinds, spans)
    _collect_after_signal(NAME_PLAIN, view, plain_name_span, kinds, spans)
    if not spans:
        return text
    starts, ends = _view_positions(text)
    pieces, last = [], 0
    for a, b, kind in sorted(spans):
        counts[kind] += 1
        pieces += [text[last : starts[a]], TOKENS[kind]]
        last = ends[b - 1]
    pieces.append(text[last:])
    return "".join(pieces)


# --- a whole table
def _redact_all(text: str) -> str:
    return redact_text(text, frozenset(KINDS), Counter())


def redact_table(table: Any, *, skip: Iterable[str] = ()) -> Any:
    """A copy of ``table`` with every text column, numbers inside text columns, and the column names through
    :func:`trygghet_geo.output.privacy.redact`.

    The one pass every table a shared output carries takes (left-out rows, places). Columns in ``skip``
    (codes such as ``status``) and the geometry stay as they are.

    Examples
    --------
    >>> import pandas as pd
    >>> redact_table(pd.DataFrame({"a": ["ring 070-123 45 67"], "pnr": [198503122395]})).iloc[0].tolist()
    ['ring [telefon]', '[personnummer]']
    """
    out = table.copy()
    geometry = out.geometry.name if hasattr(out, "geometry") and hasattr(out.geometry, "name") else None
    skipped = set(skip) | {geometry}
    for i, col in enumerate(out.columns):
        if col in skipped:
            continue
        values = out.iloc[:, i]
        if pd.api.types.is_object_dtype(values.dtype) or isinstance(values.dtype, pd.StringDtype):
            text = values.astype(object).map(lambda v: _redact_all(v) if isinstance(v, str) else v)
            # a number, or the digits of one read as text, whose leading 0 a spreadsheet dropped
            lost_zero = text.map(lambda v: isinstance(v, str) and len(v.strip()) == 9 and v.strip().isdigit())
            text = text.where(~lost_zero, text[lost_zero].map(lambda v: _redact_number(int(v))))
            out.isetitem(i, text.map(lambda v: _redact_number(v) if _is_number(v) else v))
        elif pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_float_dtype(values.dtype):
            red = values.astype(object).map(_redact_number)
            if (red.astype(str) != values.astype(object).astype(str)).any():
                out.isetitem(i, red)
    # a column's name is text the user typed too ("Kontakt anna@example.se"); the geometry's stays
    names = [c if c == geometry or not isinstance(c, str) else _redact_all(c) for c in out.columns]
    if names != list(out.columns):
        out.columns = names
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _redact_number(value: Any) -> Any:
    """A number that reads as an identity or phone number (Excel stores them as numbers) as its token."""
    if not _is_number(value) or (isinstance(value, float) and math.isnan(value)):
        return value
    f = float(value)
    if not f.is_integer() or abs(f) < 1e6:
        return value
    text = str(int(f))
    candidates = [text]
    if len(text) == 9:  # Excel drops a leading 0: an identity number born 2000-2009, a mobile 70 123 45 67
        candidates.append("0" + text)
    for t in candidates:
        red = _redact_all(t)
        if red != t and (t == text or red.startswith("[personnummer]") or text[0] == "7"):
            return red
    return value
