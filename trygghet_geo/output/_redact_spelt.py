"""E-mail addresses and phone numbers written in words, for :mod:`trygghet_geo.output._redact` (plumbing).

- An e-mail address with the ``@`` written as a word ("snabel-a", "at", a spaced "@") and its dots as
  words ("punkt", "dot") or brackets: "anna.svensson snabel-a gmail punkt com", "anna at gmail dot com",
  "anna (at) gmail (punkt) se". With bare words it counts only when it ends in a common top-level domain
  after a dot word, so "vi ses at the park" stays.
- A phone number read aloud: Swedish number words ("noll sju noll, ett två tre, fyrtiofem sextiosju"),
  perhaps mixed with digits; it counts when it begins with the trunk zero ("noll") and has 7 to 10 digits.

Every repetition is bounded and every word atomic, so the patterns run in time linear in the text.
"""

from __future__ import annotations

import re

__all__ = ["EMAIL_HINT", "EMAIL_WORDS", "PHONE_WORDS", "PHONE_WORDS_HINT", "phone_words_span"]

# --- e-mail -------------------------------------------------------------------------------------------------
_LABEL = r"(?>[^\W_][\w+-]{0,63})"
_AT_WORD = (
    r"(?:[ \t]+(?i:snabel-?a|snabel[ \t]a|at)[ \t]+|[ \t]*@[ \t]*"
    r"|[ \t]?[\[(\{<][ \t]?(?i:at|snabel-?a|@)[ \t]?[\])\}>][ \t]?)"
)
_DOT_WORD = r"(?:\.|[ \t]+(?i:punkt|dot)[ \t]+|[ \t]?[\[(\{<][ \t]?(?i:punkt|dot|\.)[ \t]?[\])\}>][ \t]?)"
_TLD = r"(?i:se|com|nu|net|org|eu|info|io|fi|no|dk|de|uk|biz|me|edu|gov|co|it|fr|es|pl|at|ch|nl|be)"
EMAIL_WORDS = re.compile(
    r"(?<![\w.+-])" + _LABEL + r"(?:" + _DOT_WORD + _LABEL + r"){0,3}" + _AT_WORD
    + _LABEL + r"(?:" + _DOT_WORD + _LABEL + r"){0,3}?" + _DOT_WORD + _TLD + r"(?![\w-])"
)  # fmt: skip
EMAIL_HINT = re.compile(r"(?i:snabel|\bat\b|[ \t]@|@[ \t]|\(at\)|\[at\])")

# --- phone numbers in words ---------------------------------------------------------------------------------
_UNITS = {"noll": 0, "ett": 1, "en": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7}
_UNITS |= {"åtta": 8, "nio": 9}
_TEENS = {"tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16}
_TEENS |= {"sjutton": 17, "arton": 18, "nitton": 19}
_TENS = {"tjugo": 20, "trettio": 30, "fyrtio": 40, "femtio": 50, "sextio": 60, "sjuttio": 70, "åttio": 80}
_TENS |= {"nittio": 90}
_UNIT_RE = r"noll|ett|en|två|tre|fyra|fem|sex|sju|åtta|nio"
_NUMWORD = (
    r"(?:(?:tjugo|trettio|fyrtio|femtio|sextio|sjuttio|åttio|nittio)(?:ett|en|två|tre|fyra|fem|sex|sju|åtta|nio)?"
    r"|tio|elva|tolv|tretton|fjorton|femton|sexton|sjutton|arton|nitton|" + _UNIT_RE + r")"
)
_ITEM = r"(?:(?i:" + _NUMWORD + r")(?![\w])|[0-9]{1,4}(?![\w]))"
PHONE_WORDS = re.compile(
    r"(?<![\w+])(?:(?i:plus)[ \t]+(?i:fyrtiosex)|(?i:noll))(?![\w])(?:[ \t]*[,/.-]?[ \t]*"
    + _ITEM
    + r"){4,13}"
)
PHONE_WORDS_HINT = re.compile(r"(?i:noll|fyrtiosex)")
_ITEMS = re.compile(r"[0-9]+|[^\W\d_]+")


def _digits(word: str) -> str:
    w = word.casefold()
    if w.isdigit():
        return w
    if w in _UNITS:
        return str(_UNITS[w])
    if w in _TEENS:
        return str(_TEENS[w])
    for tens, value in _TENS.items():
        if w.startswith(tens):
            rest = w[len(tens) :]
            return str(value + _UNITS[rest]) if rest else str(value)
    return ""


def phone_words_span(m: re.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """A number read aloud with 7 to 10 digits after the trunk zero (or +46), with at least three words."""
    digits, words, end = "", 0, m.start()
    items = list(_ITEMS.finditer(m.group(0)))
    start_intl = items[0].group(0).casefold() == "plus"
    limit = 11 if start_intl else 10  # "46" and nine digits, or ten digits
    for it in items[1:] if start_intl else items:
        d = _digits(it.group(0))
        if not d or len(digits) + len(d) > limit:
            break
        words += not it.group(0).isdigit()
        digits += d
        end = m.start() + it.end()
    if start_intl:
        digits = digits[2:] if digits.startswith("46") else ""
        ok = 7 <= len(digits) <= 9
    else:
        ok = 7 <= len(digits) <= 10 and digits.startswith("0")
    return ("phone", (m.start(), end)) if ok and words >= 3 else None
