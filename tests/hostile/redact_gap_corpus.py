"""A generated corpus of the free-text redactor's former gaps, and of text it must leave alone.

Personal data comes from Faker's ``sv_SE`` locale (names from Isof's and Skatteverket's top-500 lists,
e-mail user names and domains, identity numbers): lists the redactor does not use. Each secret is embedded
in safety-walk and police-summary templates by rule (position in the sentence, punctuation, casing,
separators), and comes with the substrings that must not survive. The classes:

- ``email_words``: an e-mail address with the ``@`` and the dots written as words or in brackets
  ("anna.svensson snabel-a gmail punkt com", "anna at gmail dot com", "anna(at)gmail.se");
- ``name_lower``: a name in lower case after a word that announces a person ("anmälaren anna svensson");
- ``name_nocue``: a first name and a surname with no announcing word ("Anna Svensson såg ...");
- ``initials``: initials ("A.S.", "A. Svensson", "AS ringde", "Anna S.");
- ``pnr_split``: an identity number split or spaced ("8501 01-1234", "19850101 1234", "850101–1234",
  the last four given apart: "födelsedatum 850101, sista fyra 1234");
- ``phone_odd``: a phone number in words ("noll sju noll ...") or in odd groupings ("0 7 0 1 ...").

Text the redactor must not change (:func:`ordinary_texts`): every street and place name of the sample
gazetteer in a sentence, Faker's Swedish street and town names, the sample's observation texts, and
sentences about lighting, bushes, graffiti and traffic built by rule, including ordinary words that are also
first names ("Per timme", "Stig", "Dag") and street names that hold a person's name ("Karl Johans gata").

Seeds below :data:`HELD_OUT_FIRST_SEED` are the tuning part; the seeds from it on are the held-out part.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from faker import Faker

__all__ = ["CLASSES", "HELD_OUT_FIRST_SEED", "Case", "gap_cases", "leaked", "ordinary_texts"]

HELD_OUT_FIRST_SEED = 1000
CLASSES = ("email_words", "name_lower", "name_nocue", "initials", "pnr_split", "phone_odd")


@dataclass
class Case:
    """One note, its class and the substrings (``secrets``) that must not survive redaction."""

    cls: str
    text: str
    secrets: list[str]


def leaked(case: Case, out: str) -> list[str]:
    """The secrets of ``case`` still in ``out`` (names and words compared whole and case-folded)."""
    found = []
    for s in case.secrets:
        if re.search(r"(?<![\w])" + re.escape(s.casefold()) + r"(?![\w])", out.casefold()):
            found.append(s)
    return found


def _luhn(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def _faker(seed: int) -> Faker:
    fake = Faker("sv_SE")
    fake.seed_instance(seed)
    return fake


_LEAD = ["", "", "Obs: ", "Trygghetsvandring. ", "Enligt anteckning: ", "Kväll, mörkt. "]
_TAIL = ["", ".", " (uppgift från vandringen)", ", se bilaga.", "!", " – följ upp."]


# --- e-mail written in words ------------------------------------------------------------------------------
_ATS = [
    " snabel-a ",
    " snabel a ",
    " snabela ",
    " at ",
    " AT ",
    "(at)",
    " (at) ",
    " [at] ",
    " @ ",
    " Snabel-A ",
]
_DOTS = [" punkt ", " dot ", ".", " (punkt) ", " PUNKT ", " (dot) "]
_EMAIL_LEAD = [
    "Mejla ",
    "mail: ",
    "Kontakt via e-post ",
    "Hör av dig till ",
    "svar till ",
    "Anmälarens mejl är ",
    "",
]


def _email(fake: Faker, rng: random.Random) -> Case:
    first, last = fake.first_name().lower(), fake.last_name().lower()
    local_parts = rng.choice([[first, last], [first], [first + last], [first[0] + last], [fake.user_name()]])
    dot = rng.choice(_DOTS)
    inner = rng.choice([".", dot, "_"]) if len(local_parts) > 1 else ""
    local = inner.join(local_parts)
    domain = rng.choice(
        ["gmail", "hotmail", "outlook", "yahoo", "telia", "live", "icloud", fake.domain_word()]
    )
    tld = rng.choice(["com", "se", "se", "nu", "net", "org"])
    text = local + rng.choice(_ATS) + domain + dot + tld
    note = rng.choice(_LEAD) + rng.choice(_EMAIL_LEAD) + text + rng.choice(_TAIL)
    secrets = [p for p in local_parts if len(p) > 2]
    return Case("email_words", note, secrets or [local])


# --- names in lower case after a cue ----------------------------------------------------------------------
_CUES_LOWER = [
    "anmälaren ",
    "Anmälaren ",
    "kontakt: ",
    "Kontakt: ",
    "vittnet ",
    "målsägande ",
    "heter ",
    "namn: ",
    "Namn: ",
    "kontaktperson ",
    "mvh ",
    "misstänkt: ",
    "tipsaren ",
    "vittne: ",
]


def _name_lower(fake: Faker, rng: random.Random) -> Case:
    first = fake.first_name()
    last = fake.last_name()
    form = rng.randrange(4)
    if form == 0:
        words = [first]
    elif form == 1:
        words = [first, last]
    elif form == 2:
        words = [first, fake.first_name(), last]
    else:
        words = [first, last]
    casing = rng.choice([str.lower, str.lower, str.lower, lambda s: s[:1].lower() + s[1:]])
    name = " ".join(casing(w) for w in words)
    cue = rng.choice(_CUES_LOWER)
    after = rng.choice([".", ", ringer om belysningen.", " såg händelsen", "", ". Hörs av igen."])
    note = rng.choice(_LEAD) + cue + name + after
    return Case("name_lower", note, words)


# --- names without a cue ----------------------------------------------------------------------------------
_NOCUE = [
    "{n} såg två killar vid busshållplatsen",
    "{n} ringde och berättade om lamporna",
    "Igår kväll såg {n} att det var mörkt vid tunneln",
    "Mötte {n} vid entrén, hon tycker att buskarna skymmer",
    "{n} uppger att det brukar vara stökigt på fredagar",
    "Boende {n} vill ha mer belysning",
    "Synpunkt från boende: {n} är rädd att gå hem",
    "Kl 22 kom {n} fram till gruppen",
    "Tack till {n} för guidningen",
    "{n}, som bor i närheten, har sett langning",
    "Samtal med {n} om klottret",
    "{n} och hennes granne saknar lampor",
]


def _name_nocue(fake: Faker, rng: random.Random) -> Case:
    first, last = fake.first_name(), fake.last_name()
    form = rng.randrange(6)
    if form <= 2:
        words, name = [first, last], f"{first} {last}"
    elif form == 3:
        mid = fake.first_name()
        words, name = [first, mid, last], f"{first} {mid} {last}"
    elif form == 4:
        last2 = fake.last_name()
        words, name = [first, last, last2], f"{first} {last}-{last2}"
    else:
        words, name = [first, last], f"{last}, {first}"
    note = rng.choice(_LEAD) + rng.choice(_NOCUE).format(n=name) + rng.choice(_TAIL)
    return Case("name_nocue", note, words)


# --- initials ---------------------------------------------------------------------------------------------
_INIT_TEMPLATES = [
    "{n} ringde om belysningen",
    "Samtal med {n} kl 21",
    "{n} såg en grupp ungdomar vid tunneln",
    "Uppgift från {n}: mörkt vid cykelbanan",
    "Enligt {n} är det ofta stökigt här",
    "{n} uppger att buskarna växer igen",
]


def _initials(fake: Faker, rng: random.Random) -> Case:
    first, last = fake.first_name(), fake.last_name()
    a, b = first[0].upper(), last[0].upper()
    form = rng.randrange(6)
    if form == 0:
        n, secrets = f"{a}.{b}.", [f"{a}.{b}"]
    elif form == 1:
        n, secrets = f"{a}. {b}.", [f"{a}. {b}"]
    elif form == 2:
        n, secrets = f"{a}. {last}", [last]
    elif form == 3:
        n, secrets = f"{first} {b}.", [first]
    elif form == 4:
        n, secrets = f"{a}{b}", [f"{a}{b}"]
    else:
        n, secrets = f"{a}.{b}", [f"{a}.{b}"]
    template = rng.choice(_INIT_TEMPLATES)
    if form == 4:  # bare capitals are a name only before a verb of a person
        template = rng.choice(_INIT_TEMPLATES[:1] + _INIT_TEMPLATES[2:3] + _INIT_TEMPLATES[5:])
    note = rng.choice(_LEAD) + template.format(n=n) + rng.choice(_TAIL)
    return Case("initials", note, secrets)


# --- identity numbers split or spaced ---------------------------------------------------------------------
def _pnr(fake: Faker, rng: random.Random) -> Case:
    born = fake.date_of_birth(minimum_age=10, maximum_age=95)
    ymd = born.strftime("%y%m%d")
    serial = f"{rng.randrange(1000):03d}"
    tail = serial + _luhn(ymd + serial)
    cent = born.strftime("%Y%m%d")
    dash = rng.choice(["-", "–", "—", "\u2011", "-"])
    forms = [
        (f"{ymd} {dash} {tail}", [ymd, tail]),
        (f"{ymd[:4]} {ymd[4:]}{dash}{tail}", [ymd[:4], tail]),
        (f"{ymd[:2]} {ymd[2:]}-{tail}", [ymd[2:], tail]),
        (f"{cent} {tail}", [cent, tail]),
        (f"{cent}  {tail}", [cent, tail]),
        (f"{ymd}{dash}{tail}", [ymd, tail]),
        (f"{cent[:4]} {cent[4:]} {dash} {tail}", [cent[4:], tail]),
        (f"{ymd[:2]} {ymd[2:4]} {ymd[4:]} {tail}", [tail]),
        (f"{ymd} {tail[:2]} {tail[2:]}", [ymd]),
    ]
    apart = [
        (f"födelsedatum {ymd}, sista fyra {tail}", [ymd, tail]),
        (f"född {cent}, sista fyra siffrorna {tail}", [cent, tail]),
        (f"f. {ymd} (de fyra sista: {tail})", [ymd, tail]),
        (f"födelsedatum {ymd}, fyra sista {tail}", [ymd, tail]),
        (f"Födelsedatum: {cent}. Sista 4: {tail}", [cent, tail]),
    ]
    text, secrets = rng.choice(forms if rng.random() < 0.7 else apart)
    lead = rng.choice(["Anmälarens pnr ", "personnummer ", "Målsägande ", "Pnr: ", "", "Uppgav "])
    note = rng.choice(_LEAD) + lead + text + rng.choice(_TAIL)
    return Case("pnr_split", note, secrets)


# --- phone numbers in words or odd groupings --------------------------------------------------------------
_DIGIT_WORDS = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio"]
_PAIR_WORDS = {
    10: "tio",
    11: "elva",
    12: "tolv",
    13: "tretton",
    14: "fjorton",
    15: "femton",
    16: "sexton",
    17: "sjutton",
    18: "arton",
    19: "nitton",
}
_TENS = ["", "", "tjugo", "trettio", "fyrtio", "femtio", "sextio", "sjuttio", "åttio", "nittio"]


def _pair_word(n: int) -> str:
    if n < 10:
        return "noll " + _DIGIT_WORDS[n] if n else "noll noll"
    if n < 20:
        return _PAIR_WORDS[n]
    return _TENS[n // 10] + (_DIGIT_WORDS[n % 10] if n % 10 else "")


def _phone(fake: Faker, rng: random.Random) -> Case:
    prefix = rng.choice(["070", "072", "073", "076", "079", "08", "031", "054", "0550"])
    rest = "".join(str(rng.randrange(10)) for _ in range(10 - len(prefix)))
    digits = prefix + rest
    form = rng.randrange(8)
    if form == 0:  # every digit a word
        text = " ".join(_DIGIT_WORDS[int(c)] for c in digits)
    elif form == 1:  # digits as words in groups
        words = [_DIGIT_WORDS[int(c)] for c in digits]
        text = " ".join(words[:3]) + ", " + " ".join(words[3:6]) + ", " + " ".join(words[6:])
    elif form == 2:  # prefix in words, the rest in pairs of words
        text = (
            " ".join(_DIGIT_WORDS[int(c)] for c in prefix)
            + " "
            + " ".join(_pair_word(int(rest[i : i + 2])) for i in range(0, len(rest) - 1, 2))
        )
        if len(rest) % 2:
            text += " " + _DIGIT_WORDS[int(rest[-1])]
    elif form == 3:  # every digit apart
        text = " ".join(digits)
    elif form == 4:  # pairs
        text = " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    elif form == 5:  # odd groups with dots, slashes and hyphens mixed
        sep = rng.choice(["/", ".", "-", " / ", " . "])
        text = digits[:3] + sep + digits[3:6] + rng.choice([" ", "-", "."]) + digits[6:]
    elif form == 6:  # international, odd brackets
        text = rng.choice(["+46 (0) ", "+46(0)", "0046 (0)", "+46 ", "+46-"]) + digits[1:3] + "-" + digits[3:]
    else:  # grouped 2-2-2-2-2 with hyphens, or 4-3-3
        text = (
            "-".join(digits[i : i + 2] for i in range(0, 10, 2))
            if rng.random() < 0.5
            else (f"{digits[:4]} {digits[4:7]} {digits[7:]}")
        )
    lead = rng.choice(["Ring ", "tel ", "Nås på ", "Mobil: ", "Anmälarens nummer ", "nr ", "", "Kontakt "])
    note = rng.choice(_LEAD).replace(" 22", "") + lead + text + rng.choice(["", ".", " (kvällar)", "!"])
    # what must not survive: the last four digits, written in digits or in words
    last4 = digits[-4:]
    return Case("phone_odd", note, [last4] if form >= 3 else [text.split()[-1]])


_MAKERS = {
    "email_words": _email,
    "name_lower": _name_lower,
    "name_nocue": _name_nocue,
    "initials": _initials,
    "pnr_split": _pnr,
    "phone_odd": _phone,
}


def gap_cases(seed: int, n_per_class: int) -> list[Case]:
    """``n_per_class`` notes of every class, drawn with ``seed``."""
    fake = _faker(seed)
    rng = random.Random(seed)
    return [_MAKERS[cls](fake, rng) for cls in CLASSES for _ in range(n_per_class)]


# --- text that must stay ----------------------------------------------------------------------------------
_ORD_SUBJECTS = [
    "belysningen",
    "lampan",
    "gatlyktan",
    "buskarna",
    "häcken",
    "klottret",
    "graffitin",
    "trafiken",
    "övergångsstället",
    "cykelbanan",
    "gångtunneln",
    "busshållplatsen",
    "parkeringen",
    "papperskorgen",
    "bänken",
    "trappan",
]
_ORD_STATES = [
    "är trasig sedan länge",
    "lyser inte",
    "skymmer sikten mot vägen",
    "behöver klippas före sommaren",
    "har kommit tillbaka på väggen",
    "är för snabb på kvällarna",
    "saknar belysning",
    "upplevs otrygg efter mörkrets inbrott",
    "är nedklottrad igen",
    "blinkar hela natten",
    "har vuxit igen",
]
_ORD_WHEN = ["", " på kvällarna", " efter kl 22", " i helgerna", " sedan mars", " vintertid", " per timme"]
_ORD_FIXED = [
    "Per timme passerar ca 300 bilar.",
    "Stig upp på bron och se hur mörkt det är.",
    "Dag som natt står bilar på trottoaren.",
    "Sten och grus på cykelbanan efter vintern.",
    "Bo kvar i området vill de flesta, men belysningen måste bli bättre.",
    "Björnbären har växt över gångvägen.",
    "Mörkt vid Karl Johans gata och Gustav Adolfs torg.",
    "Lampor saknas längs Per Albin Hanssons väg.",
    "Klotter på Anna Lindhs plats och vid Olof Palmes gata.",
    "Buskarna vid Carl Larssons väg skymmer sikten.",
    "Dålig belysning vid Drottning Kristinas väg.",
    "Trafiken på Sankt Eriksgatan är hög.",
    "Gång- och cykelväg vid Kristinaskolan saknar ljus.",
    "Nya LED-lampor på Östra Ringvägen.",
    "Stökigt vid ICA Maxi och Systembolaget på fredagar.",
    "Buss 4 och linje 150 stannar vid Stora Torget.",
    "Ungdomar samlas vid Willys och Pressbyrån.",
    "Trygghetsvandring med Polisen och Securitas.",
    "Fältassistenterna och Tekniska förvaltningen deltog.",
    "Gatukontoret ska laga lampan vid Gustav Vasa kyrka.",
    "Hastigheten på E18 och väg 63 upplevs hög.",
    "SOS Alarm ringde kl 22.10.",
    "Vid Fridhemsplan är det mörkt, se punkt 3.",
    "Belysning saknas mellan Kungsgatan 12 och Drottninggatan 4.",
    "Åtgärd: klipp häcken vid Lilla Nygatan och Stora Gråbrödersgatan.",
    "Trafikolycka, Nora.",
    "Hållplats Nordstaden, Nils Ericsonsgatan.",
    "Olycka vid Gösta Skoglunds Väg och Elsa Brändströms Gata.",
    "Försvunnen kvinna, V. Ingelstad.",
    "Ordningsvakter vid Gustav Adolfs kyrka och Ulrika Eleonora kyrkans trappa.",
]


def ordinary_texts(seed: int, n_sentences: int, street_names: list[str]) -> list[str]:
    """Text without personal data: fixed sentences, rule-built sentences, street and town names in use."""
    fake = _faker(seed)
    rng = random.Random(seed)
    out = list(_ORD_FIXED)
    for _ in range(n_sentences):
        subj = rng.choice(_ORD_SUBJECTS)
        text = f"{subj[:1].upper()}{subj[1:]} {rng.choice(_ORD_STATES)}{rng.choice(_ORD_WHEN)}."
        if rng.random() < 0.5:
            street = fake.street_name() if rng.random() < 0.5 else rng.choice(street_names)
            text = rng.choice(
                [
                    f"Vid {street}: {text}",
                    f"{text} Gäller {street} {rng.randrange(1, 80)}.",
                    f"{street}. {text}",
                ]
            )
        if rng.random() < 0.2:
            text += f" Gäller {fake.city()}."
        out.append(text)
    # places named after a person, as police summaries write them, and towns after a category or a compass
    # abbreviation ("Trafikolycka, Nora", "Gösta Skoglunds Väg", "V. Ingelstad")
    for _ in range(n_sentences // 3):
        first, last = fake.first_name(), fake.last_name()
        noun = rng.choice(["väg", "Väg", "gata", "Gata", "plats", "torg", "park", "Park", "strand", "gränd"])
        out.append(
            rng.choice(
                [
                    f"Mörkt vid {first} {last}s {noun}.",
                    f"{first} {last}s {noun}, {fake.city()}, {rng.choice(['Värmlands', 'Skåne'])} län",
                    f"Hållplats {fake.city()}, {first} {last}sgatan: trasig lampa.",
                    f"{rng.choice(['Trafikolycka', 'Skadegörelse', 'Brand', 'Stöld'])}, {fake.city()}",
                    f"Klotter, {rng.choice(['N.', 'S.', 'V.', 'Ö.'])} {fake.city()}.",
                    f"Buskar skymmer vid {first} {last}s {noun} och {fake.street_name()}.",
                ]
            )
        )
    for street in street_names:
        out.append(f"Mörkt vid {street}.")
        out.append(f"{street} {rng.randrange(1, 60)}: buskar skymmer.")
    return out
