"""Parse Swedish (and Finnish) place text into its parts: street, house number, cross street, relation, place.

No library parses Swedish free-form place text (libpostal needs a 2 GB model and knows neither "korsningen"
nor "utanför"), so this is a small hand-written rule set: a fixed pipeline of regular expressions over a
normalised string. Matching against real names happens later, in :mod:`._match`, on the *keys* made here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

__all__ = ["ParsedPlace", "folded_key", "name_key", "normalize_text", "parse_place"]

PlaceKind = Literal["address", "street", "intersection", "between", "place", "empty"]

# --- keys: how names are compared ---------------------------------------------------------------------------
# Definite and indefinite forms of street words are the same street ("Storgata" / "Storgatan"), so keys end in
# the indefinite form. Longest suffix first.
_SUFFIX_CANON = (
    ("esplanaden", "esplanad"),
    ("stranden", "strand"),
    ("platsen", "plats"),
    ("gatan", "gata"),
    ("vagen", "vag"),
    ("torget", "torg"),
    ("parken", "park"),
    ("allen", "alle"),
    ("stigen", "stig"),
    ("backen", "backe"),
    ("kajen", "kaj"),
    ("hamnen", "hamn"),
    ("kullen", "kulle"),
    ("leden", "led"),
    ("granden", "grand"),
    ("bron", "bro"),
    ("gangen", "gang"),
    ("plan", "plan"),
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The comparison key of a name: folded accents, lower case, no spaces or punctuation, canonical suffix.

    Examples
    --------
    >>> name_key("Södra Esplanaden")
    'sodraesplanad'
    >>> name_key("Alexanders gatan") == name_key("Alexandersgata")
    True
    """
    key = folded_key(text)
    for suffix, canon in _SUFFIX_CANON:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)] + canon
    return key


@lru_cache(maxsize=200_000)
def folded_key(text: str) -> str:
    """Accents folded, lower case, letters and digits only (no suffix canonicalisation).

    >>> folded_key("Långbrokajen")
    'langbrokajen'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return _NON_ALNUM.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def normalize_text(text: str) -> str:
    """Unicode NFC, lower case, one kind of dash, single spaces, no outer punctuation.

    >>> normalize_text("  Alexandersgatan   12 B ")
    'alexandersgatan 12 b'
    """
    t = unicodedata.normalize("NFC", str(text)).lower()
    t = re.sub("[\ud800-\udfff]", "\ufffd", t)  # a lone surrogate (broken decoding) can be stored nowhere
    t = re.sub(r"[\u2010-\u2015\u2212]", "-", t)
    t = t.replace("\u00a0", " ")
    t = re.sub(r"\s+", " ", t)
    return t.strip(" ,;:!?\"'()")


# --- the rule set -------------------------------------------------------------------------------------------
_TOWNS = {  # trailing ", <town>" stripped even without a postal code
    "helsinki",
    "helsingfors",
    "stockholm",
    "göteborg",
    "malmö",
    "uppsala",
    "kristinehamn",
    "espoo",
    "esbo",
    "vantaa",
    "vanda",
    "sverige",
    "finland",
    "suomi",
}
_POSTAL = re.compile(r"(?:,\s*|\s+)(?:(?:s|se|fi)-?\s?)?(\d{3}\s?\d{2})(?:\s+([^\d,]+))?$")
_TRAILING_TOWN = re.compile(r",\s*([^\d,]+)$")
_ENTRANCE = re.compile(
    r"(?:,\s*|\s+)(?P<word>uppg(?:ång)?|ingång|port|trappa|tr|vån(?:ing)?|lgh|lägenhet|rappu)\b\.?\s*"
    r"(?P<value>\d{1,4}[a-z]?|[a-z])\b.*$"
)
_RELATIONS = (
    "strax utanför",
    "alldeles utanför",
    "precis utanför",
    "i närheten av",
    "vid sidan av",
    "i hörnet av",
    "utanför",
    "bakom",
    "framför",
    "nära",
    "intill",
    "invid",
    "bredvid",
    "mittemot",
    "mitt emot",
    "nedanför",
    "ovanför",
    "under",
    "längs",
    "på baksidan av",
    "vid",
    "i",
    "på",
    "till",
)
_RELATION_RE = re.compile(r"(?:^|\s)(" + "|".join(re.escape(r) for r in _RELATIONS) + r")\s+(?=\S)")
_BETWEEN = re.compile(r"^(?:(?P<base>.+?)\s+)?mellan\s+(?P<a>.+?)\s+(?:och|&)\s+(?P<b>.+)$")
_CROSS_WORDS = re.compile(
    r"^(?:i\s+|vid\s+|på\s+)?(?:korsningen|korsning|hörnet|gatuhörnet|hörn|korsn\.?|kors\.?|korsningen av)\s+"
    r"(?:av\s+|mellan\s+)?"
)
_CROSS_SPLIT = re.compile(
    r"\s*/\s*|\s+(?:och|ja|&|x|mot|korsning)\s+|\s+-\s+|(?<=[a-zåäöé])-(?=[a-zåäöé]{3})"
)
_HOUSE = re.compile(
    r"^(?P<street>.*?[a-zåäöéü.])\s*,?\s*(?P<num>\d{1,4})(?:\s*-\s*(?P<to>\d{1,4}))?"
    r"(?:\s*(?P<letter>[a-h])\b)?(?P<rest>.*)$"
)
_STREET_WORD = re.compile(
    r"(gatan|gata|vägen|väg|torget|torg|platsen|plats|parken|park|allén|allé|stigen|backen|kajen|gränd|gränden|"
    r"esplanaden|strand|stranden|katu|tie|kuja|polku|puistikko|tori|aukio|ranta|bron|leden|plan)$"
)
# Abbreviations of the last word of a street name: "Storg." -> "Storgatan", "Aleksanterink." -> "...katu".
_END = r"(?=[\s,/]|$|\d)"
_SUFFIX_ABBREV = (
    (re.compile(r"\b(\w{2,}?)(?:g\.|gat\.?|gt\.?)" + _END), r"\1gatan"),
    (re.compile(r"\b(\w{2,}?)(?:v\.|vg\.?)" + _END), r"\1vägen"),
    # a bare final "g" only on words that do not end like a real word (torg, väg, berg, ...)
    (re.compile(r"\b(\w{3,}(?<!tor)(?<!vä)(?<!ber)(?<!bor)(?<!n)(?<!bur)(?<!v))g(?=\s*\d|$)"), r"\1gatan"),
    (re.compile(r"\b(\w{2,}?)pl\." + _END), r"\1platsen"),
    (re.compile(r"\b(\w{2,}?)st\.$"), r"\1stationen"),
    (re.compile(r"\b(\w{3,}?)k\." + _END), r"\1katu"),
    # Finnish genitive + "k" without a full stop before the number: "Annank 26" -> "Annankatu 26"
    (re.compile(r"\b(\w{3,}n)k(?=\s*\d)"), r"\1katu"),
    (re.compile(r"\b(\w{3,}?)t\." + _END), r"\1tie"),
)
# Whole-word abbreviations, Swedish first.
_WORD_ABBREV = {
    "s.": "södra",
    "n.": "norra",
    "v.": "västra",
    "ö.": "östra",
    "l.": "lilla",
    "g:a": "gamla",
    "st.": "stora",
    "gat.": "gatan",
    "pl.": "platsen",
    "stn": "stationen",
    "stn.": "stationen",
    "c.": "central",
}


# Finnish corner: "aleksanterinkadun ja mikonkadun kulma(ssa)"; the genitive of the street word goes back
# to the name's own form (katu/kadun, tie/tien, kuja/kujan, tori/torin, ranta/rannan, aukio/aukion, ...)
_FI_CORNER = re.compile(
    r"^(?P<a>.+?)\s+ja\s+(?P<b>.+?)\s+(?:kulma|kulmassa|kulmauksessa|risteys|risteyksessä)$"
)
_FI_GENITIVE = re.compile(r"(kadun|tien|kujan|torin|rannan|aukion|puistikon|polun|puiston|sillan|kaaren)$")
_FI_NOMINATIVE = {
    "kadun": "katu",
    "tien": "tie",
    "kujan": "kuja",
    "torin": "tori",
    "rannan": "ranta",
    "aukion": "aukio",
    "puistikon": "puistikko",
    "polun": "polku",
    "puiston": "puisto",
    "sillan": "silta",
    "kaaren": "kaari",
}


def _nominative(m: re.Match[str]) -> str:
    return _FI_NOMINATIVE[m.group(1)]


@dataclass(frozen=True)
class ParsedPlace:
    """What :func:`parse_place` understood of a place text.

    Attributes
    ----------
    text : str
        The text as given.
    normalized : str
        Lower-cased, single-spaced text after abbreviations were expanded and postal code/town removed.
    kind : str
        ``"address"`` (street and house number), ``"street"`` (a bare name: street or named place),
        ``"intersection"``, ``"between"`` (``"mellan X och Y"``), ``"place"`` (a relation to a named
        target, e.g. ``"utanför Stockmann"``) or ``"empty"``.
    street, street2 : str
        Street (or bare name) and the cross street of an intersection, or the two ends of ``"mellan"``.
    base : str
        For ``"Z mellan X och Y"``: the street Z the place lies on.
    house_number, house_number_to : int or None
        House number and the end of a range (``"22-24"``).
    house_letter : str
        Letter after the number, lower case (``"12 B"`` -> ``"b"``), or ``""``.
    entrance : str
        Entrance, staircase or floor (``"uppg. 3"`` -> ``"uppg 3"``), or ``""``.
    relation : str
        ``"vid"``, ``"utanför"``, ``"bakom"``, ``"nära"``, ``"mellan"``, ... or ``""``.
    feature : str
        Words before the relation (``"gångtunneln"`` in ``"gångtunneln vid stationen"``), or ``""``.
    postal_code, town : str
        Stripped postal code and town, or ``""``.
    alternatives : tuple of str
        Other readings of an ambiguous abbreviation (``"pl."`` as ``"plan"``), tried when the first fails.

    Examples
    --------
    >>> p = parse_place("Alexandersg. 12 B, 00100 Helsingfors")
    >>> (p.kind, p.street, p.house_number, p.house_letter, p.postal_code, p.town)
    ('address', 'alexandersgatan', 12, 'b', '00100', 'helsingfors')
    >>> parse_place("korsningen Alexandersgatan/Unionsgatan").street2
    'unionsgatan'
    >>> p = parse_place("utanför Stockmann")
    >>> (p.kind, p.relation, p.street)
    ('place', 'utanför', 'stockmann')
    """

    text: str
    normalized: str = ""
    kind: PlaceKind = "empty"
    street: str = ""
    street2: str = ""
    base: str = ""
    house_number: int | None = None
    house_number_to: int | None = None
    house_letter: str = ""
    entrance: str = ""
    relation: str = ""
    feature: str = ""
    postal_code: str = ""
    town: str = ""
    alternatives: tuple[str, ...] = field(default=())


def _expand_abbreviations(t: str) -> tuple[str, tuple[str, ...]]:
    alts: list[str] = []
    words = t.split(" ")
    for i, w in enumerate(words):
        if w in _WORD_ABBREV:
            if w == "st." and i == len(words) - 1:
                words[i] = "stationen"
            else:
                words[i] = _WORD_ABBREV[w]
            if w == "pl.":
                alts.append(" ".join([*words[:i], "plan", *words[i + 1 :]]))
            if w == "st." and i < len(words) - 1:
                alts.append(" ".join([*words[:i], "sankt", *words[i + 1 :]]))
    out = " ".join(words)
    for pattern, repl in _SUFFIX_ABBREV:
        new = pattern.sub(repl, out)
        if new != out and repl.endswith("platsen"):
            alts.append(pattern.sub(r"\1plan", out))
        out = new
    return out, tuple(alts)


def _strip_postal_and_town(t: str) -> tuple[str, str, str]:
    m = _POSTAL.search(t)
    if m and m.start() > 0:
        return t[: m.start()].strip(" ,"), m.group(1).replace(" ", ""), (m.group(2) or "").strip()
    m = _TRAILING_TOWN.search(t)
    if m and m.group(1).strip() in _TOWNS:
        return t[: m.start()].strip(" ,"), "", m.group(1).strip()
    words = t.rsplit(" ", 1)
    if len(words) == 2 and words[1] in _TOWNS and re.search(r"\d", words[0]):
        return words[0].strip(" ,"), "", words[1]
    return t, "", ""


def _split_cross(t: str) -> tuple[str, str] | None:
    parts = [p.strip(" ,") for p in _CROSS_SPLIT.split(t, maxsplit=1)]
    if len(parts) == 2 and all(parts) and not parts[0].isdigit() and not parts[1].isdigit():
        return parts[0], parts[1]
    return None


def _split_corner_words(t: str) -> tuple[str, str]:
    """'hörnet storgatan kyrkogatan': split after the first word that ends like a street name."""
    words = t.split(" ")
    for i, w in enumerate(words[:-1]):
        if _STREET_WORD.search(w):
            return " ".join(words[: i + 1]), " ".join(words[i + 1 :])
    half = max(1, len(words) // 2)
    return " ".join(words[:half]), " ".join(words[half:])


def parse_place(text: str) -> ParsedPlace:
    """Split Swedish place text into street, number, cross street, relation and place.

    Handles case and spacing, abbreviations (``g.``/``gat.`` -> gatan, ``v.``/``vg`` -> vägen, ``pl.`` ->
    platsen (or plan), ``st.`` -> stora/stationen, Finnish ``k.`` -> katu), house numbers with letters,
    ranges and entrances (``"12 B"``, ``"12b"``, ``"22-24"``, ``"12, uppg. 3"``), postal code and town
    (``"…, 681 30 Kristinehamn"``), intersections (``"X/Y"``, ``"X och Y"``, ``"korsningen X–Y"``,
    ``"hörnet X Y"``) and relations (``"vid"``, ``"utanför"``, ``"bakom"``, ``"nära"``, ``"mellan X och Y"``).

    Parameters
    ----------
    text : str
        The place text as a person wrote it.

    Returns
    -------
    ParsedPlace
        The components; see :class:`ParsedPlace`.

    Examples
    --------
    >>> parse_place("Kungsg. 12, uppg. 3").entrance
    'uppg 3'
    >>> parse_place("hörnet Storgatan Kyrkogatan").street2
    'kyrkogatan'
    >>> parse_place("mellan Järnvägstorget och Postparken").kind
    'between'
    """
    return _parse_cached(str(text) if text is not None else "")


@lru_cache(maxsize=100_000)
def _parse_cached(text: str) -> ParsedPlace:
    t = normalize_text(text)
    if not t:
        return ParsedPlace(text=text)
    t, common = _strip_extras(t)
    common["text"] = text
    m = _FI_CORNER.match(t)  # Finnish "Xn ja Yn kulma": the corner of two streets, names in the genitive
    if m:
        first, second = (_FI_GENITIVE.sub(_nominative, s.strip()) for s in (m.group("a"), m.group("b")))
        return ParsedPlace(normalized=t, kind="intersection", street=first, street2=second, **common)
    m = _CROSS_WORDS.match(t)  # intersections introduced by a corner word
    if m:
        rest = t[m.end() :]
        first, second = _split_cross(rest) or _split_corner_words(rest)
        return ParsedPlace(normalized=t, kind="intersection", street=first, street2=second, **common)
    m = _BETWEEN.match(t)
    if m:
        return _between(t, m, common)
    relation, feature = "", ""
    rels = list(_RELATION_RE.finditer(t))
    if len(rels) > 1 and _HOUSE.match(t[rels[-1].end() :].strip()):  # "framför porten till Storgatan 5"
        rels = rels[-1:]
    if rels:
        relation, feature = rels[0].group(1), t[: rels[0].start()].strip()
        t = t[rels[0].end() :].strip()
    m = _HOUSE.match(t)
    if m:
        return ParsedPlace(
            normalized=t,
            kind="address",
            relation=relation,
            feature=feature,
            street=m.group("street").strip(" ,."),
            house_number=int(m.group("num")),
            house_number_to=int(m.group("to")) if m.group("to") else None,
            house_letter=m.group("letter") or "",
            **common,
        )
    pair = _split_cross(t) if re.search(r"/| och | ja | & | - | x ", t) else None
    if pair is not None and not relation:
        return ParsedPlace(normalized=t, kind="intersection", street=pair[0], street2=pair[1], **common)
    if relation:
        return ParsedPlace(normalized=t, kind="place", street=t, relation=relation, feature=feature, **common)
    return ParsedPlace(normalized=t, kind="street", street=t, **common)


def _strip_extras(t: str) -> tuple[str, dict[str, Any]]:
    """Remove postal code, town and entrance; expand abbreviations. Returns the text and what was removed."""
    t, postal, town = _strip_postal_and_town(t)
    entrance = ""
    m = _ENTRANCE.search(t)
    if m:
        entrance = f"{m.group('word').rstrip('.')} {m.group('value')}"
        t = t[: m.start()].strip(" ,")
    if t.endswith(".") and _STREET_WORD.search(t[:-1]):
        t = t[:-1]  # a full stop after a whole name, not an abbreviation
    t, alts = _expand_abbreviations(t)
    return t.strip(" ."), {"postal_code": postal, "town": town, "entrance": entrance, "alternatives": alts}


def _between(t: str, m: re.Match[str], common: dict[str, Any]) -> ParsedPlace:
    """'[feature vid] [Z] mellan X och Y'."""
    base, feature = (m.group("base") or ""), ""
    if base:
        rel = _RELATION_RE.search(base)
        if rel is not None:
            feature, base = base[: rel.start()].strip(), base[rel.end() :].strip()
    return ParsedPlace(
        normalized=t,
        kind="between",
        street=m.group("a").strip(),
        street2=m.group("b").strip(),
        base=base,
        relation="mellan",
        feature=feature,
        **common,
    )
