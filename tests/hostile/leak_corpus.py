"""Fresh variants of personal data, built by rule, for the leak fuzz of every shared output.

A second generator beside ``privacy_corpus`` (whose forms are already tested): it builds the written forms
that corpus does not, by combining parts, and shares no code with the redactor (no import of trygghet_geo).

- identity numbers: 12 digits with the century, ``+`` for people over 100, samordningsnummer (day + 60),
  with and without separators, glued to words on both sides, split across a line break, in the digits of
  other scripts (full-width, Devanagari, Bengali, Thai, mathematical bold, ...), with zero-width characters,
  soft hyphens or word joiners inside;
- phone numbers: ``+46``, ``0046``, ``(0)``, ``07x``, landlines, grouped 2-2-2-2, 3-3-4, 3-2-2-3, ... with
  every dash of Unicode, glued to words in front and behind;
- e-mail addresses in capitals, in angle brackets, after ``mailto:``, with sub-domains and ``+`` tags;
- names after new cues and inflections (``reported by``, ``vittnet``, ``målsäganden``, ``enligt X``,
  ``X (f. 1985)``, ``anmälarens namn``), with diacritics, hyphens and particles (von, af, de la, van den);
- home addresses after new cues (``folkbokförd på``, ``hemadress``, ``boende på``, ``bor numera på``)
  with ``c/o``, ``lgh`` numbers, floors and postal codes.

Each note carries the secrets in it, compared after normalising case, whitespace and separators
(:func:`leaks_in`). :func:`ordinary_variants` builds ordinary safety-walk notes with the same new shapes
(dates with any dash, glued units, capitalised words after ``enligt``) that carry no personal data.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

__all__ = [
    "CLASSES",
    "LeakTown",
    "Note",
    "leaks_in",
    "normalise",
    "ordinary_variants",
    "secret_variants",
    "write_leak_town",
]


@dataclass
class Note:
    """A note, its class and the secrets in it (kind, value)."""

    text: str
    cls: str
    secrets: list[tuple[str, str]] = field(default_factory=list)


def _luhn(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


# digits of other scripts: zero of each block (all are Unicode decimal digits, category Nd)
_DIGIT_ZEROS = [0xFF10, 0x0966, 0x09E6, 0x0E50, 0x1D7CE, 0x1D7EC, 0x06F0, 0x0AE6, 0x1040, 0x17E0]
_INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2061"]
_UNI_DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe58", "\ufe63", "\uff0d"]


def _script_digits(text: str, rng: random.Random) -> str:
    zero = rng.choice(_DIGIT_ZEROS)
    return "".join(chr(zero + int(c)) if c.isascii() and c.isdigit() else c for c in text)


def _invisible(text: str, rng: random.Random, n: int = 1) -> str:
    for _ in range(n):
        cut = rng.randrange(1, len(text))
        text = text[:cut] + rng.choice(_INVISIBLE) + text[cut:]
    return text


# --- identity numbers ---------------------------------------------------------------------------------------
def identity_number(rng: random.Random) -> tuple[str, str, str]:
    """(how it is written, its ten digits, the rule that built it)."""
    over_100 = rng.random() < 0.15
    start = date(1905, 1, 1) if over_100 else date(1930, 1, 1)
    span = 365 * 20 if over_100 else 365 * 90
    born = start + timedelta(days=rng.randrange(span))
    coordination = rng.random() < 0.3
    day = born.day + (60 if coordination else 0)
    ymd = f"{born.year % 100:02d}{born.month:02d}{day:02d}"
    serial = f"{rng.randrange(1000):03d}"
    tail = serial + _luhn(ymd + serial)
    century = str(born.year // 100)
    rule = rng.choice(["12", "12sep", "10sep", "10", "plus", "split", "spaced"])
    sep = "+" if over_100 else rng.choice(["-", "", " ", "-", "\u2013", "\u2011"])
    if rule == "12":
        text = f"{century}{ymd}{tail}"
    elif rule == "12sep":
        text = f"{century}{ymd}{sep}{tail}"
    elif rule == "10sep":
        text = f"{ymd}{sep}{tail}"
    elif rule == "10":
        text = f"{ymd}{tail}" if not over_100 else f"{ymd}+{tail}"
    elif rule == "plus":
        text = f"{ymd}+{tail}"
    elif rule == "split":  # a line break in it, as a form field wraps
        brk = rng.choice(["\n", "\r\n", " \n", "\n "])
        text = rng.choice([f"{ymd}-{brk}{tail}", f"{ymd}{brk}-{tail}", f"{century}{ymd}{brk}{tail}"])
    else:  # digits in pairs, as read aloud
        d = ymd + tail
        text = " ".join(d[i : i + 2] for i in range(0, 10, 2)) if rng.random() < 0.5 else f"{century} {d}"
        if over_100:
            text = f"{ymd}+{tail}"
    style = rng.random()
    if style < 0.25:
        text = _script_digits(text, rng)
        rule += "+script"
    elif style < 0.5:
        text = _invisible(text, rng, rng.choice([1, 2, 3]))
        rule += "+hidden"
    elif style < 0.6:
        text = _script_digits(_invisible(text, rng), rng)
        rule += "+both"
    before = rng.choice(["", "pnr", "PNR:", "personnr.", "Pers.nr", "född", "id:", "ssn", "Nr", "(", "«"])
    after = rng.choice(["", "", "st", "abc", ")", "»", ".", "-a", "x"])
    return before + text + after, ymd + tail, rule


_PNR_CONTEXTS = [
    "Anmälaren har pnr {p} och vill bli uppringd.",
    "{p}",
    "Uppgiven: {p}; ingen adress.",
    "Misstänkt (pnr {p}) sprang mot torget.",
    "Legitimation visad, {p}, ej gripen.",
    "personnummer:\n{p}\nlämnat muntligt",
    "Trasig lampa. Kontakt {p}",
    "id {p} (enl. väktare)",
]


# --- phone numbers ------------------------------------------------------------------------------------------
_GROUPINGS = [(2, 2, 2, 2), (3, 3, 3), (3, 2, 2, 2), (2, 3, 2, 2), (4, 5), (1, 2, 2, 2, 2), (3, 4, 2), (9,)]


def phone_number(rng: random.Random) -> tuple[str, str, str]:
    """(as written, the national digits with the leading 0, the rule)."""
    if rng.random() < 0.65:
        nat = "07" + rng.choice("02369") + "".join(str(rng.randrange(10)) for _ in range(7))
    else:
        area = rng.choice(["08", "031", "040", "054", "0550", "0920", "011", "046"])
        nat = area + "".join(str(rng.randrange(10)) for _ in range(10 - len(area)))
    sub = nat[1:]  # nine digits after the 0
    groups = rng.choice(_GROUPINGS)
    parts, pos = [], 0
    for g in groups:
        parts.append(sub[pos : pos + g])
        pos += g
    if pos < len(sub):
        parts[-1] += sub[pos:]
    gap = rng.choice([" ", "-", *_UNI_DASHES, " \u2013 ", "\u00a0", "\u202f", ".", "  "])
    inner = rng.choice([" ", gap])
    body = parts[0] + gap + inner.join(parts[1:]) if len(parts) > 1 else parts[0]
    prefix = rng.choice(["+46", "+46 ", "0046", "0046 ", "0", "+46(0)", "+46 (0) ", "(0)", "0046-"])
    rule = f"prefix={prefix.strip() or 'sp'} groups={'-'.join(map(str, groups))}"
    text = f"{prefix}{body}"
    if rng.random() < 0.2:
        text = _invisible(text, rng)
        rule += "+hidden"
    elif rng.random() < 0.15:
        text = _script_digits(text, rng)
        rule += "+script"
    before = rng.choice(["", "", "tel", "Tel:", "mobil", "ring", "sms:", "nr:", "Tfn", "☎", "📞"])
    after = rng.choice(["", "", "kväll", "(dag)", "!", "/Anna", "."])
    return before + text + after, nat, rule


_PHONE_CONTEXTS = [
    "Ring boende {t} om det blir stökigt.",
    "{t}",
    "Nås på {t} eller via växeln.",
    "Anmälarens mobil{t}",
    "Trasig belysning, kontakta {t}.",
    "Väktaren gav oss numret\n{t}\n(privat)",
]


# --- e-mail -------------------------------------------------------------------------------------------------
def email(rng: random.Random) -> tuple[str, str, str]:
    user = rng.choice(["anna.berg", "ANNA.BERG", "per+trygg", "o_brien", "kalle.k-son", "z.ozturk99"])
    domain = rng.choice(["exempel.se", "Mail.Example.COM", "sub.kommun.example.se", "example.nu"])
    addr = f"{user}@{domain}"
    form = rng.choice(["plain", "angle", "mailto", "glued", "upper", "at", "at-dot"])
    text = {
        "plain": addr,
        "angle": f"<{addr}>",
        "mailto": f"mailto:{addr}",
        "glued": f"mejl:{addr}",
        "upper": addr.upper(),
        "at": addr.replace("@", rng.choice(["[at]", "(at)", " [at] ", "{at}", "(AT)"])),
        "at-dot": addr.replace("@", " (at) ").replace(".", rng.choice([" (dot) ", "[punkt]"])),
    }[form]
    return text, addr, f"email {form}"


# --- names --------------------------------------------------------------------------------------------------
_FIRST = ["Åke", "Märta", "Ingegärd", "Jean-Luc", "Anne-Sofie", "Émile", "Zdeněk", "Dagný", "Kübra",
          "Øystein", "Renée", "Tomás", "Mårten", "Nils-Åke", "Ulla-Britt", "Hüseyin",
          "Aylin", "Gökhan"]  # fmt: skip
_LAST = ["Gyllenhammar", "von Platen", "af Ugglas", "de la Gardie", "van den Bosch", "Ekström-Nilsson",
         "Jönsson", "Åhlén", "Ståhlberg", "Öztürk", "Lindgren af Sillén", "Müller-Lüdenscheidt", "Dahlén",
         "Sjöö", "Ngũgĩ", "Brännström", "Lundqvist", "Hägglöf", "Çakır", "Östergren"]  # fmt: skip
_NAME_CUES = [
    # (template, rule); {n} the name
    ("Reported by {n}, who lives nearby.", "reported by"),
    ("Vittnet {n} såg bilen.", "vittnet"),
    ("Målsäganden {n} rånades vid kiosken.", "målsäganden"),
    ("Enligt {n} är lampan trasig sedan maj.", "enligt"),
    ("Lampan är trasig enligt {n}.", "enligt end"),
    ("{n} (f. 1985) klagar på buskarna.", "(f. YYYY)"),
    ("Klagomål från {n}, f. 1962, om mörkret.", "f. YYYY"),
    ("{n} (född 1979) har ringt.", "(född YYYY)"),
    ("Anmälarens namn: {n}.", "anmälarens namn"),
    ("Målsägandens namn är {n}.", "målsägandens namn"),
    ("Vittnena {n} och {m} stod vid hållplatsen.", "vittnena och"),
    ("Uppgifter lämnade av {n}.", "lämnade av"),
    ("Anmälan gjord av {n} per telefon.", "gjord av"),
    ("Synpunkten lämnades av {n}.", "lämnades av"),
    ("Kontaktad: {n}.", "kontaktad"),
    ("Undertecknat {n}", "undertecknat"),
    ("/{n}", "slash signature"),
    ("Skrivet av {n}, boende.", "skrivet av"),
    ("Målsägare: {n}", "målsägare:"),
    ("MÅLSÄGANDEN {n} VILL VARA ANONYM", "capitals"),
    ("Anmälaren heter {n}.", "heter"),
    ("Witness: {n}", "witness:"),
    ("Kontaktperson: Dr. {n}", "title"),
    ("Anmälaren {i} ringde igen.", "middle initial"),
    ("Målsägandens mamma {n} ringde.", "relative of a role"),
    ("Vittnets sambo {n} såg allt.", "relative of a role"),
    ("Tipset kom från {n}.", "kom från"),
    ("Polisen pratade med {n} vid kiosken.", "pratade med"),
    ("Mvh/{n}", "mvh/"),
    ("//{n}", "double slash"),
    ("Anmälaren heter {q}.", "nickname"),
    ("Synpunktslämnare: {n}", "compound -lämnare"),
    ("Tipslämnaren {n} vill vara anonym.", "compound -lämnaren"),
    ("Ring {n} på kvällen.", "ring X"),
    ("Den drabbade, {n}, blev slagen.", "den drabbade"),
]


_NICKNAMES = ["(Pelle)", "\u201dNisse\u201d", '"Lasse"', "(Ankan)", "\u2018Bosse\u2019"]


def person_name(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    roll = rng.random()
    if roll < 0.2:
        return f"{first} {rng.choice(_FIRST)} {last}"
    if roll < 0.3:
        return unicodedata.normalize("NFD", f"{first} {last}")
    return f"{first} {last}"


# --- home addresses -----------------------------------------------------------------------------------------
_HOME_STREETS = ["Ekebyvägen", "Kvarnbacken", "Sjöviksgatan", "Rönnstigen", "Ängsgränd", "Lärkvägen",
                 "Hasselbacken", "Tjärnvägen", "Bäckgatan", "Mölnviksallén"]  # fmt: skip
_ADDRESS_CUES = [
    ("Folkbokförd på {a}.", "folkbokförd på"),
    ("Hemadress {a}", "hemadress (no colon)"),
    ("Boende på {a} sedan 2019.", "boende på"),
    ("Bor numera på {a}.", "bor numera på"),
    ("Adress: c/o Lindgren, {a}", "adress c/o"),
    ("Hon bor c/o sin mamma på {a}.", "bor c/o"),
    ("Bor hos sin pappa på {a}.", "bor hos"),
    ("Bostadsadress: {a}", "bostadsadress"),
    ("Folkbokföringsadress: {a}", "folkbokföringsadress"),
    ("Hemadressen är {a}.", "hemadressen är"),
    ("bosatt: {a}", "bosatt:"),
    ("Boendeadress {a}.", "boendeadress"),
    ("Bor sedan 2019 på {a}.", "bor sedan YYYY på"),
    ("Anmälaren bor i lgh 1204 på {a}.", "bor i lgh på"),
    ("Postadress (privat): {a}", "postadress privat"),
    ("Hennes adress är {a}.", "possessive adress"),
    ("Vi var hemma hos henne på {a}.", "hemma hos"),
    ("Han bor själv på {a}.", "bor själv på"),
    ("Bor på {a} i Filipstad.", "bor på ... i town"),
    ("Adressen till honom är {a}.", "adressen till honom"),
    ("Hon bor på andra våningen på {a}.", "bor på våningen på"),
]


def home_address(rng: random.Random) -> tuple[str, str]:
    street = rng.choice(_HOME_STREETS)
    number = str(rng.randrange(1, 120))
    text = f"{street} {number}" + rng.choice(["", "", "B", " C", "A"])
    text += rng.choice(["", "", ", lgh 1102", " lgh 1302", ", 3 tr", ", 2 tr.", " vån 4"])
    if rng.random() < 0.3:
        text += f", {rng.randrange(100, 990)} {rng.randrange(10, 99)} Filipstad"
    return text, f"{street} {number}"


CLASSES = ("personnummer", "phone", "email", "name", "address")


def secret_variants(n: int, seed: int) -> list[Note]:
    """``n`` notes cycling through the classes; each carries its secrets and the rule that built them."""
    rng = random.Random(seed)
    out: list[Note] = []
    for i in range(n):
        cls = CLASSES[i % len(CLASSES)]
        if cls == "personnummer":
            p, digits, rule = identity_number(rng)
            text = rng.choice(_PNR_CONTEXTS).format(p=p)
            out.append(Note(text, f"personnummer {rule}", [("personnummer", digits)]))
        elif cls == "phone":
            t, digits, rule = phone_number(rng)
            out.append(Note(rng.choice(_PHONE_CONTEXTS).format(t=t), f"phone {rule}", [("phone", digits)]))
        elif cls == "email":
            e, addr, rule = email(rng)
            ctx = rng.choice(["Mejla {e} om svar.", "{e}", "Kontakt {e}, dagtid.", "Svar till{e}"])
            out.append(Note(ctx.format(e=e), rule, [("email", addr)]))
        elif cls == "name":
            template, rule = rng.choice(_NAME_CUES)
            n1, n2 = person_name(rng), person_name(rng)
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            initial = f"{first} {rng.choice('ABDEGKLMN')}. {last}"  # a middle initial
            nick = " ".join([first, rng.choice(_NICKNAMES), last])
            secrets = [("name", n1)] + [("name", n2)] * ("{m}" in template)
            if "{i}" in template or "{q}" in template:
                secrets = [("name", f"{first} {last}")]
            text = template.format(n=n1, m=n2, i=initial, q=nick)
            out.append(Note(text, f"name {rule}", secrets))
        else:
            template, rule = rng.choice(_ADDRESS_CUES)
            a, core = home_address(rng)
            out.append(Note(template.format(a=a), f"address {rule}", [("address", core)]))
    return out


# --- ordinary notes with the same new shapes ---------------------------------------------------------------
_ORD_STREETS = ["Storgatan", "Kyrkogatan", "Hamngatan", "Parkvägen", "Tallstigen", "Östra Ringvägen"]
_ORD = [
    "Enligt Trafikverket byts armaturerna {d}.",
    "Enligt Gatuenheten är lampan på {s} {h} beställd.",
    "Enligt boende är det mörkt vid {s} kl {hh}\u2013{hh2}.",
    "Enligt polisen har det lugnat sig sedan {y}.",
    "Buskage längs {s} {h}\u2013{h2}, cirka {m} m.",
    "Öppet {hh}.00\u2013{hh2}.00 vardagar, {d}.",
    "Datum {d}; tid {hh}:{mm}\u2013{hh2}:{mm}.",
    "Lampor: {n} st trasiga av {n2} ({pct} %).",
    "Anmält till kommunen {d}, ärendenr {y}-{case}.",
    "Nya LED-armaturer {w}W vid {s} {h}, kostnad {amount} kr.",
    "Vandring {d} kl {hh}.{mm}, {n} deltagare, bl.a. Fastighetsägarna och Polisen.",
    "Gångtunneln vid {s} är {m} m lång; lysrör byts vecka {week}.",
    "Klottret på {s} {h} sanerat {d}, nytt klotter {d2}.",
    "Hastigheten uppmätt till {speed} km/h på {s} mellan kl {hh} och {hh2}.",
    "Synpunkt lämnad av Trygghetsgruppen {d}.",
    "Kontakt: Tekniska förvaltningen, ärende {y}/{case}.",
    "Boende på {s} känner sig otrygga kvällstid.",
    "Bor man på {s} hör man ungdomarna vid {s2} varje helg.",
    "Skräp vid {s} {h}{letter}, ca {n} säckar.",
    "Posten på {s} {h} stänger kl {hh}.",
    "Belysningen på {s} släcks {hh}:{mm}; förslag: tänd till {hh2}:{mm}.",
    "Vittnet till olyckan var en förbipasserande cyklist.",
    "Målsägande okänd, skadegörelse på busskur {d}.",
    "Cirka {n}\u2013{n2} ungdomar vid {s}, helger {y}\u2013{y2}.",
]


def ordinary_variants(n: int, seed: int) -> list[str]:
    """``n`` ordinary notes with unicode dashes, glued units, dates and capitalised words after cue-like
    words, and no personal data: a redactor must leave each exactly as it is."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        d = date(2019, 1, 1) + timedelta(days=rng.randrange(2500))
        d2 = d + timedelta(days=rng.randrange(1, 60))
        hh = rng.randrange(0, 23)
        fmt = rng.choice(["%Y-%m-%d", "%Y\u2013%m\u2013%d", "%d/%m %Y", "%d.%m.%Y", "%Y%m%d"])
        values = {
            "s": rng.choice(_ORD_STREETS),
            "s2": rng.choice(_ORD_STREETS),
            "h": rng.randrange(1, 140),
            "h2": rng.randrange(1, 140),
            "hh": f"{hh:02d}",
            "hh2": f"{hh + 1:02d}",
            "mm": rng.choice(["00", "15", "30", "45"]),
            "d": d.strftime(fmt),
            "d2": d2.strftime(fmt),
            "y": rng.randrange(1995, 2027),
            "y2": rng.randrange(1995, 2027),
            "case": rng.randrange(100, 99999),
            "n": rng.randrange(2, 40),
            "n2": rng.randrange(2, 40),
            "pct": rng.randrange(1, 100),
            "m": rng.choice(["1,5", "40", "120", "0,5"]),
            "w": rng.choice([24, 36, 60]),
            "amount": rng.choice(["1 500", "25 000", "12 300 000"]),
            "week": rng.randrange(1, 53),
            "speed": rng.randrange(30, 110),
            "letter": rng.choice(["", "A", " B"]),
        }
        out.append(_ORD[i % len(_ORD)].format(**values))
    return out


# --- finding a secret ---------------------------------------------------------------------------------------
def normalise(text: str) -> str:
    """Text as a reader reads it: NFKC, digits of every script as ASCII, hidden characters out, case-folded,
    whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc") or c in "\n\t ")
    text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() and not c.isascii() else c for c in text)
    return re.sub(r"\s+", " ", text).casefold()


_PARTICLES = {"van", "den", "der", "von", "af", "de", "la", "al"}


def leaks_in(output: str, kind: str, value: str) -> bool:
    """Whether ``value`` of ``kind`` can be read in ``output`` (already :func:`normalise` d).

    Numbers digit by digit with up to six non-alphanumeric characters between digits (separators, line
    breaks, hidden characters); a phone also without its leading 0 (as +46 writes it); names word by word
    (three letters or more, particles aside); addresses as street and house number; e-mail whole.
    """
    if kind in ("personnummer", "phone"):
        forms = {value, value[1:]} if kind == "phone" else {value, value[2:] if len(value) == 12 else value}
        return any(
            re.search("(?<![0-9])" + "[^0-9a-zåäö]{0,6}".join(v) + "(?![0-9])", output) is not None
            for v in forms
        )
    if kind == "email":  # its local part and the first label of its domain, close together
        local, domain = value.casefold().split("@")
        return re.search(re.escape(local) + r".{0,14}?" + re.escape(domain.split(".")[0]), output) is not None
    if kind == "address":
        street, number = normalise(value).rsplit(" ", 1)
        return re.search(re.escape(street) + r"\s*(?:nr\.?\s*)?" + number + r"(?![0-9])", output) is not None
    words = [w.strip("'’-") for w in re.split(r"[\s,]+", normalise(value))]
    return any(
        len(w) >= 3 and w not in _PARTICLES and re.search(r"(?<!\w)" + re.escape(w) + r"(?!\w)", output)
        for w in words
    )


# --- a town whose every field a user can type carries these variants -------------------------------------
@dataclass
class LeakTown:
    """The written files, the secrets planted in them and where the sub-k incidents lie (SWEREF 99 TM)."""

    folder: Path
    incidents: Path
    observations: Path
    network: Path
    plan: Path
    other: Path
    secrets: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, value, where planted)
    ordinary: list[str] = field(default_factory=list)
    xy: list[tuple[float, float]] = field(default_factory=list)  # every located incident
    days: list[str] = field(default_factory=list)  # every incident's day, "YYYY-MM-DD"
    record_ids: list[str] = field(default_factory=list)  # every incident's case number
    hotlist_end: str = ""  # two days after the last incident's
    lone: list[tuple[float, float]] = field(default_factory=list)  # incidents alone in their 100 m cell
    n_incidents: int = 0
    n_observations: int = 0


def write_leak_town(folder: Path, *, n_notes: int = 150, seed: int = 0) -> LeakTown:
    """Write an incident CSV, a safety-walk XLSX, a measures register and an "other sources" text whose free
    text, categories, place text, user columns, column headers and file names carry :func:`secret_variants`.

    The incidents: 30 in one spot (a hotspot of at least k), a group of 4 on one street (under k = 5), and
    lone incidents at the town's corners, each within 2 m of a street, spread over two years.
    """
    import csv

    import openpyxl
    import privacy_town as pt

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    notes = secret_variants(n_notes, seed=seed + 1)
    _, file_digits, _ = identity_number(rng)
    file_name = f"Åke Gyllenhammar {file_digits[:6]}-{file_digits[6:]}"
    town = LeakTown(
        folder,
        folder / f"brott {file_name}.csv",
        folder / f"vandring {file_name}.xlsx",
        folder / "gator.geojson",
        folder / f"atgardsplan {file_name}.csv",
        folder / f"skolan {file_name}.txt",
    )
    town.secrets += [("personnummer", file_digits, "file name"), ("name", "Åke Gyllenhammar", "file name")]
    pt._network(town.network)
    town.ordinary = ordinary_variants(60, seed=seed + 2)

    def secret(i: int, where: str) -> str:
        note = notes[i % len(notes)]
        town.secrets.extend((k, v, where) for k, v in note.secrets)
        return note.text

    x0, y0 = pt.X0, pt.Y0
    xs = [x0 + 300 + rng.uniform(-20, 20) for _ in range(30)]
    ys = [y0 + 300 + rng.uniform(-1.5, 1.5) for _ in range(30)]
    xs += [x0 + 505 + rng.uniform(0, 8) for _ in range(4)]  # k - 1 on the street y = 100
    ys += [y0 + 100 + rng.uniform(-1, 1) for _ in range(4)]
    for cx, cy in ((x0 + 1, y0 + 560), (x0 + 598, y0 + 40), (x0 + 40, y0 + 599), (x0 + 599, y0 + 590)):
        xs.append(cx)
        ys.append(cy)
        town.lone.append((cx, cy))
    lon, lat = pt._wgs84(xs, ys)
    n_located = len(xs)
    town.xy = list(zip(xs, ys, strict=True))
    header = ["Ärendenummer", "Brottstyp", "Datum", "Plats", "Latitud", "Longitud", "Anteckning", "Fritext"]
    header.append("Handläggare " + secret(0, "incident header"))
    start = date(2024, 1, 3)
    rows = []
    for i in range(n_located + 25):
        located = i < n_located
        day = start + timedelta(days=(i * 37) % 700)
        town.days.append(day.isoformat())
        category = rng.choice(["Stöld", "Misshandel", "Skadegörelse"])
        if i % 9 == 4:
            category += " – " + secret(i + 1, "incident category")
        town.record_ids.append(f"5000-K{200000 + i}-24")
        rows.append([
            town.record_ids[-1], category, f"{day.isoformat()} {i % 24:02d}:{(i * 7) % 60:02d}",
            ("Storgatan 3, " if located else "") + secret(i + 2, "incident place"),
            f"{lat[i]:.7f}".replace(".", ",") if located else "",
            f"{lon[i]:.7f}".replace(".", ",") if located else "",
            secret(i + 3, "incident note"), secret(i + 4, "incident user column"),
            secret(i + 5, "incident user column"),
        ])  # fmt: skip
    with town.incidents.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    town.n_incidents = len(rows)
    town.hotlist_end = (date.fromisoformat(max(town.days)) + timedelta(days=2)).isoformat()

    texts = [n.text for n in notes] + town.ordinary
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Vandring " + file_name[:10]
    sheet.append(["Datum", "Plats", "Kategori", "Anteckning", "Åtgärdsförslag", "Latitud", "Longitud",
                  "Synpunktslämnare", "Kontakt " + secret(7, "observation header")])  # fmt: skip
    ox = [x0 + rng.choice([100, 300, 500]) + rng.uniform(-2, 2) for _ in texts]
    oy = [y0 + rng.uniform(5, 595) for _ in texts]
    olon, olat = pt._wgs84(ox, oy)
    for i, text in enumerate(texts):
        secret_note = i < len(notes)
        if secret_note:
            town.secrets.extend((k, v, "observation note") for k, v in notes[i].secrets)
        unusable = i % 13 == 6
        category = rng.choice(["Belysning", "Vegetation", "Klotter", "Nedskräpning", "Trafikmiljö"])
        if i % 11 == 2:
            category = "Övrigt: " + secret(i + 8, "observation category")
        sheet.append([
            f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}",
            secret(i + 9, "observation place") if unusable else "Storgatan 3",
            category, text, secret(i + 10, "observation measure") if secret_note else text,
            None if unusable else olat[i], None if unusable else olon[i],
            secret(i + 11, "observation user column"), secret(i + 12, "observation user column"),
        ])  # fmt: skip
    book.save(town.observations)
    town.n_observations = len(texts)

    plan_rows = [["Plats", "Problem", "Åtgärd", "Ansvarig", "Mätbart mål", "Startdatum", "Uppföljningsdatum",
                  "Status", "Anteckningar"]]  # fmt: skip
    for i in range(12):
        plan_rows.append([
            "Storgatan", secret(i + 20, "plan problem"), "Ökad belysning", secret(i + 21, "plan responsible"),
            "-20 %", "2025-06-01", "", "pågår", secret(i + 22, "plan notes"),
        ])  # fmt: skip
    with town.plan.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(plan_rows)
    town.other.write_text("\n\n".join(secret(i + 30, "other sources") for i in range(10)), encoding="utf-8")
    return town
