"""Names and home addresses announced by a signal word, for :mod:`trygghet_geo.output._redact` (plumbing).

A name is found only where the text announces one ("heter", "Anmälaren,", "misstänkt", "vittne", "mvh",
...); the words after the signal are taken while they look like a name: capitalised (or all capitals, or a
word of a script without letter case, such as Arabic or Chinese), not a function word, not a place name
("-gatan", "-parken"), not a common noun written in capitals. Particles (``af``, ``von``, ``van der``,
``al``, ``bin``) and lists ("Berg, Anna", "Anna Berg och Per Holm") are taken with them, so a name is
removed whole (``O'Brien``, ``McDonald``, ``Karlsson-Lind``, ``Ø. Ç. Şahin``).

A home address is found only where the text says someone lives there ("bor på", "bor i huset på",
"bosatt på", "Bostad:", "hemadress"); the street is taken with its number, letter, flat and postal code.

The `regex` package is used for its Unicode property classes (``\\p{Lu}``, ``\\p{M}``), which Python's
``re`` lacks: names come in every alphabet and with combining accents.
"""

from __future__ import annotations

import regex

__all__ = [
    "ADDRESS",
    "NAME",
    "NAME_BEFORE",
    "NAME_SIGNAL",
    "PLACE_NOUNS",
    "WEAK_NAME",
    "address_span",
    "is_name_word",
    "name_before_span",
    "name_span",
    "place_after",
    "weak_name_span",
]

# --- names --------------------------------------------------------------------------------------------------
# Nouns that announce a person; a comma may follow them ("Anmälaren, Anna Berg").
_SIGNAL_NOUNS = (
    r"heter|hette|som\s+heter|vid\s+namn|med\s+namnet|namnet\s+är|namnet|namn\s+är|namn|förnamn|efternamn|"
    r"signatur|signerat|undertecknad|undertecknat|undertecknade|avsändare|från\s*:|"
    # who wrote, gave or handed in the text: "Synpunkten lämnades av", "Anmälan gjord av", "Skrivet av"
    r"(?:lämna|rapporter|anmä?l|signer|underteckn|uppg[ie]v|skick|framför|inskick|insänd|registrer|"
    r"skriv|skrev|ringd|ringt|gjord|gjort|gjordes|inkom)\p{L}*\s+(?:av|från)|"
    r"kontaktad(?=\s*:)|kontaktades|kontaktat|"
    r"den\s+drabbade|drabbade|den\s+skadade|den\s+rånade|den\s+utsatta|den\s+utsatte|"
    r"(?:anmälarens|målsägandens|målsägarens|vittnets|den\s+misstänktes|misstänktes|gärningsmannens|"
    r"offrets|tipsarens)(?=\s+\p{Ll})|"
    r"anmälaren|anmälare|anmält\s+av|anmäld\s+av|anmälarens\s+namn|"
    r"målsäganden|målsägande|målsägaren|målsägare|"
    r"vittnena|vittnen|vittnet|vittne|"
    r"den\s+misstänkte|den\s+misstänkta|misstänkte|"
    r"gärningsmännen|gärningsmannen|gärningsmän|gärningsman|gärningspersonen|gärningsperson|"
    r"förövaren|förövare|tipsaren|tipsare|\p{L}*lämnaren|\p{L}*lämnare|informatören|"
    r"den\s+anhållne|anhållne|den\s+gripne|gripne|den\s+häktade|offret|"
    r"kontaktpersonen|kontaktperson|kontakt(?=\s*:)|kontaktuppgifter|kontaktinformation|kontaktinfo|"
    r"personuppgifter|ansvarig(?=\s*:)|"
    r"fru|herr|mvh|med\s+vänlig\s+hälsning|vänliga\s+hälsningar|hälsningar|hälsning|"
    r"named|name\s+is|name|witness|suspect|reported\s+by|complainant|victim|regards|c/o"
)
# Participles that announce a person only when no comma follows ("misstänkt, Kristinehamn" is a title).
_SIGNAL_PARTICIPLES = r"misstänkta|misstänkt|anhållen|gripen|häktad"
# a role word may be followed by a noun for the person ("misstänkt man:", "vittnet, en kvinna,") and a verb
_WHO = (
    r"(?:\s+(?i:person|personen|man|mannen|kvinna|kvinnan|pojke|pojken|flicka|flickan|kille|killen|"
    # a relative of the person the role word names ("Målsägandens mamma Eva Ek")
    r"mamma|pappa|mor|far|mamman|pappan|bror|brodern|syster|systern|son|sonen|dotter|dottern|make|maken|"
    r"maka|makan|sambo|sambon|pojkvän|flickvän|partner|vän|kompis|granne|kollega|förälder|vårdnadshavare))?"
)
_VERB = _WHO + r"(?:\s+(?:var|är|blev|heter|hette|kallas|was|is|hade\s+namnet))?"
NAME_SIGNAL = (
    r"(?<![\p{L}\p{M}\p{N}])(?:"
    r"(?i:" + _SIGNAL_NOUNS + r")" + _VERB + r"(?i:\s+(?:en|ett|the))?(?:\s*[:=,–/-]\s*|\s+)"
    r"|(?i:" + _SIGNAL_PARTICIPLES + r")" + _VERB + r"(?:\s*[:=–-]\s*|\s+)"
    r")[\"'«»“”„(\[]?"
)
# a word of a name: capitalised, or a word of a script without case; inner apostrophes and hyphens keep it
# whole (O'Brien, Al-Hassan, Karlsson-Lind); a single capital with a dot is an initial
_PREFIX = r"(?:(?i:al|el|ad|ar|as|at|az|an|ash|d|de|di|da|du|l|o|mc|mac|ibn|bin|ben|abu|abd)['’ʼ\-‐‑])?"
_WORD = r"(?:\p{Lu}\.|" + _PREFIX + r"[\p{Lu}\p{Lt}\p{Lo}][\p{L}\p{M}]*(?:['’ʼ´`\-‐‑][\p{L}][\p{L}\p{M}]*)*)"
_PARTICLE = (
    r"(?i:af|av|von|van|der|den|de|del|della|da|di|du|dos|das|do|la|le|el|al|bin|ibn|ben|ter|ten|zu|y|st\.?|"
    r"dr\.?|prof\.?|doc\.?|mr\.?|mrs\.?|ms\.?)"
)
# "och" first: in capitals it is a word of the same shape as a name
_JOIN = (
    r"(?:[ \t\u00a0]+(?i:och|samt|&|and)[ \t\u00a0]+|[ \t\u00a0]*,[ \t\u00a0]*|"
    r"[ \t\u00a0]+[(\"“”'‘’«»„]|[)\"”“'’‘»«][ \t\u00a0]+|[ \t\u00a0]+)"
)
# A name after a signal: up to seven words, each with up to two particles before it (von, af, de la).
_NAME_AFTER = (
    r"(?P<name>(?:" + _PARTICLE + r"\s+){0,2}" + _WORD
    + r"(?:" + _JOIN + r"(?:" + _PARTICLE + r"\s+){0,2}" + _WORD + r"){0,6})"
)  # fmt: skip
NAME = regex.compile(r"(?P<sig>" + NAME_SIGNAL + r")" + _NAME_AFTER)
_TOKEN = regex.compile(
    r"(?P<join>" + _JOIN + r")?(?P<part>(?:" + _PARTICLE + r"\s+){0,2})(?P<word>" + _WORD + r")"
)
# Words that announce a person only now and then ("enligt Anna Berg" but "enligt Trafikverket", "ring Anna
# Berg" but "ring SOS Alarm", a signature "/Anna Berg"): a name is taken after them only when it has two
# words or more and none is an abbreviation in capitals.
_WEAK_SIGNALS = (
    r"enligt|according\s+to|ring|ringde|ringer|kontakta|kontaktade|kontakten\s+med|talade\s+med|talat\s+med|"
    r"pratade\s+med|pratat\s+med|träffade|träffat|mötte|(?:kom|kommer|tips|tipset|samtal|mejl|mail|brev|sms)\s+från"
)
WEAK_NAME = regex.compile(
    r"(?P<sig>(?:(?<![\p{L}\p{M}\p{N}])(?i:" + _WEAK_SIGNALS + r")|(?:^|(?<=[\s/]))/)[ \t\u00a0]*)"
    + _NAME_AFTER
)  # fmt: skip
# A name followed by the year of birth: "Anna Berg (f. 1985)", "Anna Berg, född 1979". The words before the
# year are taken back to the first that is not a name.
# The words of NAME_BEFORE, which is tried at every word of a note (not only after a signal): each word atomic
# and bounded (a name's part is at most 40 letters, at most five parts joined by hyphens or apostrophes), and
# tried only where a word starts. Without that a long run of capitals or of "Z-Z-Z-…" took time cubic in its
# length (8,000 characters: 15 s).
_NB_WORD = (
    r"(?>\p{Lu}\.|" + _PREFIX + r"[\p{Lu}\p{Lt}\p{Lo}][\p{L}\p{M}]{0,40}+"
    r"(?:['’ʼ´`\-‐‑][\p{L}][\p{L}\p{M}]{0,40}+){0,4})"
)
NAME_BEFORE = regex.compile(
    r"(?<![\p{L}\p{M}])(?P<name>" + _NB_WORD + r"(?:" + _JOIN + r"(?:" + _PARTICLE + r"\s+){0,2}" + _NB_WORD
    + r"){0,6})"
    r"(?P<sig>[ \t\u00a0]*,?[ \t\u00a0]*[(\[]?(?i:f\.|född|föd\.|born)[ \t\u00a0]*(?:18|19|20)\d{2}(?!\d))"
)  # fmt: skip

# Capitalised words that follow a signal word in ordinary notes and are not names (compared case-folded).
# fmt: off
_STOP_WORDS = """
jag du han hon hen vi ni de dem den det denna detta dessa där här som och men eller att en ett man mannen
männen kvinna kvinnan kvinnor pojke pojken pojkar flicka flickan flickor kille killen killar tjej tjejen
tjejer person personen personer ungdom ungdomen ungdomar ungdomarna barn barnen vuxen vuxna gäng gänget
grupp gruppen folk ingen inga inget okänd okända okänt oklart ok ja nej saknas finns polis polisen
polismyndigheten kommun kommunen kommunens region regionen securitas väktare väktarna vakt vakten
ordningsvakt ordningsvakter ordningsvakterna trafikverket länsstyrelsen räddningstjänsten ambulans
ambulansen brandkåren socialtjänsten fältassistenter fältarna skola skolan fastighetsägaren hyresvärden
bostadsbolaget butiken kiosken affären restaurangen måndag tisdag onsdag torsdag fredag lördag söndag
måndagar tisdagar onsdagar torsdagar fredagar lördagar söndagar januari februari mars april maj juni
juli augusti september oktober november december mån tis ons tor fre lör sön idag igår imorgon ikväll
inatt kl ca cirka nr tel telefon adress se ej ev enl obs pga bl mfl fler flera många några alla samma
andra annan annat sin sitt sina hans hennes deras vår vårt våra er mig dig honom henne oss i på vid av
för från till med utan efter under över mellan bakom framför nära utanför inne ute hemma sedan när då
nu alltid ofta aldrig ibland igen också även inte bara dock enligt troligen troligtvis möjligen kanske
is the a an and or of in on at by to for with he she they it we you i me him her them unknown none no
not yes police man woman men women boy girl people nobody someone somebody anonym anonyma anonymt
boende boenden granne grannen grannar grannarna förälder föräldrar föräldern
lärare läraren personal personalen elev eleven elever eleverna kund kunden kunder besökare besökaren
förare föraren cyklist cyklisten fotgängare fotgängaren chaufför chauffören busschauffören vaktmästare
vaktmästaren pensionär pensionären tonåring tonåringar tonåringen missbrukare hemlös hemlösa
fastighetsägare hyresgäst hyresgästen hyresgäster tjej tjejerna killarna mot mod genom längs förbi runt
kring bredvid intill hos åt om ur
"""
_STOP = frozenset(_STOP_WORDS.split())
# fmt: on
# Swedish common-noun endings: an all-capital word ending so is a noun ("MISSTÄNKT NARKOTIKAHANDEL")
_NOUN_ENDINGS = (
    "ning",
    "ningar",
    "het",
    "heter",
    "else",
    "ande",
    "ende",
    "handel",
    "brott",
    "stöld",
    "stölder",
    "tion",
    "itet",
    "skap",
    "eri",
    "ism",
    "ighet",
    "langning",
    "försäljning",
    "skadegörelse",
    "klotter",
)  # fmt: skip
# Definite forms of Swedish place-name endings; bare "Strand", "Park", "Torg" are also surnames.
# fmt: off
PLACE_SUFFIXES = (
    "gatan", "vägen", "gränd", "gränden", "torget", "planen", "parken", "stigen", "backen", "leden", "allén",
    "bron", "tunneln", "stråket", "platsen", "skogen", "badet", "hallen", "området", "huset", "skolan",
    "centrum", "kyrkan", "stationen", "hamnen", "kajen", "stranden", "berget", "ängen", "gården", "viken",
    "holmen", "hagen", "lunden", "trappan", "esplanaden", "gatorna", "vägarna",
)
# fmt: on


# Endings of organisations and their units ("Gatuenheten", "Tekniska förvaltningen", "Trygghetsgruppen")
_ORG_SUFFIXES = (
    "förvaltningen", "förvaltning", "kontoret", "bolaget", "föreningen", "nämnden", "verket", "myndigheten",
    "tjänsten", "enheten", "avdelningen", "gruppen", "polisen", "kommun", "kommunen", "fastigheter",
    "bostäder", "ab", "ägarna", "rådet", "förbundet", "stiftelsen", "nämnd", "regionen", "styrelsen",
    "styrelse", "byrå", "byrån", "nätverket", "kansliet",
)  # fmt: skip


def is_name_word(word: str) -> bool:
    if word.endswith(".") and len(word) == 2:  # an initial
        return True
    low = word.casefold()
    if low in _STOP or low.endswith(PLACE_SUFFIXES) or low.endswith(_ORG_SUFFIXES):
        return False
    return not (len(word) > 1 and word.isupper() and low.endswith(_NOUN_ENDINGS))


def name_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """The part of a candidate that is a name: its words up to the first that is not one.

    A list continues ("Berg, Anna", "Anna Berg och Per Holm") only to a word that is a name too.
    """
    start = m.start("name")
    end = None
    pos = start
    limit = m.end("name")
    run_start = None  # where the current run of words joined by spaces alone began (None: the first word)
    while pos < limit:
        t = _TOKEN.match(m.string, pos, limit)
        if t is None:
            break
        word = t.group("word")
        joined = not (t.group("join") or "").strip()
        if not joined:
            run_start = end
        if not is_name_word(word):
            if joined and end is not None and word.casefold().endswith(PLACE_SUFFIXES + _STREET_SUFFIX):
                end = run_start  # those words name a place ("Lilla Nygatan", "Östra Ringvägen")
            break
        end = pos = t.end()
    if end is not None and place_after(m.string, end):
        end = run_start  # "Tekniska förvaltningen", "Södra stadsdelsnämnden": an organisation, not a name
    return None if end is None else ("name", (start, end))


# a lower-case word of an organisation or a place right after capitalised words
_ORG_AFTER = regex.compile(r"[ \t\u00a0]+(?P<w>\p{Ll}[\p{L}\p{M}]*)")
# Nouns of places named after a person, written after the name ("Karl Johans gata", "John Stenbergs
# strand", "Ida Aalbergs minnesmärke", "Gustav Vasa kyrka"; Finnish too: "Alvar Aallon katu").
# fmt: off
_PLACE_NOUN_WORDS = """
gata väg torg plats park strand gränd allé backe stig kaj bro minnesmärke minnessten staty monument skola
kyrka kapell hus hall plan trappa brygga udde holme ö gård museum teater sjukhus bibliotek stadion arena
center passage esplanad kanal hamn port paviljong trädgård lund äng hage plan källa brunn fontän skulptur
ateljé ateljén relief kyrkan
katu tie kuja polku puisto ranta aukio tori silta muistomerkki kirkko kirkon koulu ateljee ateljeen
"""
PLACE_NOUNS = frozenset(_PLACE_NOUN_WORDS.split())
# fmt: on


def place_after(text: str, end: int) -> bool:
    """Whether the word after ``end`` is a lower-case word of an organisation or a place."""
    m = _ORG_AFTER.match(text, end)
    if m is None:
        return False
    w = m.group("w").casefold()
    # the genitive too: "Ulrika Eleonora kyrkans minnesmedaljong"
    return (
        w in PLACE_NOUNS or w.removesuffix("s") in PLACE_NOUNS or w.endswith(_ORG_SUFFIXES + PLACE_SUFFIXES)
    )


def weak_name_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """A name after a word that only sometimes announces one: two words or more, no abbreviation."""
    found = name_span(m)
    if found is None:
        return None
    a, b = found[1]
    words = [t.group("word") for t in _TOKEN.finditer(m.string, a, b)]
    if len(words) < 2 or any(len(w) > 1 and w.isupper() for w in words):
        return None
    return found


def name_before_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """The words before a year of birth that are a name, counted back from the year."""
    a, b = m.span("name")
    tokens = list(_TOKEN.finditer(m.string, a, b))
    start = None
    for t in reversed(tokens):
        if not is_name_word(t.group("word")):
            break
        start = t.start("part") if t.group("part") else t.start("word")
    return None if start is None else ("name", (start, b))


# --- home addresses -----------------------------------------------------------------------------------------
_LIVES = (
    r"bor|bodde|boende|bosatt|bosatta|folkbokförd|folkbokförda|mantalsskriven|skriven|hemmahörande|"
    r"lives|living|resides"
)
# how someone lives somewhere, between "bor" and "på": "bor numera på", "bor sedan 2019 på", "bor hos sin
# pappa på", "bor c/o sin mamma på"
_LIVES_HOW = (
    r"(?:\s+(?i:fortfarande|numera|nu|just\s+nu|still|now|tillfälligt|sedan\s+(?:länge|\d{4}|\d{1,2}\s+år)|"
    r"själv|ensam|tillsammans\s+med\s+[\p{L}\p{M}]+|med\s+(?:sin|sina|hans|hennes)\s+[\p{L}\p{M}]+|"
    r"(?:hos|c/o)\s+(?:sin|sina|min|mina|hans|hennes|deras|en|ett)\s+[\p{L}\p{M}]+|c/o\s+\p{Lu}[\p{L}\p{M}'’\-]+))*"
)
_ADDRESS_SIGNAL = (
    r"(?<![\p{L}\p{M}])(?:"
    r"(?i:" + _LIVES + r")" + _LIVES_HOW + r"(?:\s+(?i:på|vid|i|hos|on|at|in)\b|\s*[:,])"
    r"|(?i:(?:hem|bostads|boende|folkbokförings|mantalsskrivnings|privat)adress(?:en)?"
    r"(?:\s*\(\s*(?:privat|hem|bostad)\s*\))?|postadress(?:en)?\s*\(\s*(?:privat|hem|bostad)\s*\)|bostaden|bostad|adress\s+hem|adress\s*\(\s*(?:privat|hem)\s*\)|"
    r"privat\s+adress|hemma\s+på|hemmet\s+på|hemmet|home\s+address|residence|"
    r"(?:hans|hennes|hens|deras|anmälarens|målsägandens|vittnets|den\s+misstänktes|misstänktes)\s+(?:hem)?adress|"
    r"hemma\s+hos\s+[\p{L}\p{M}]+(?:\s+(?:på|i))?|"
    r"adress(?:en)?\s+till\s+(?:honom|henne|hen|dem|anmälaren|målsäganden|vittnet|den\s+misstänkte|"
    r"misstänkte|familjen)(?:\s+är)?)"
    r"(?:\s*[:=,–-]|\s+(?i:är|var|på|is)\b)?"
    # care of: "c/o Lindgren, Ekebyvägen 5" (the name after c/o is a name signal's)
    r"|(?i:c/o)\s+(?:[\p{L}\p{M}'’.\-]+\s+){0,3}?[\p{L}\p{M}'’.\-]+\s*,"
    r")"
)
# words between the signal and the street: "bor i huset på", "bor på adressen", "bor i lgh 1102 på"
_FILLER = (
    r"(?:\s*(?:(?i:adressen|adress|huset|lägenheten|porten|trappuppgången|nummer|nr|på|vid|i|the|house|"
    r"flat|apartment|at|on)\b|(?i:lgh|lägenhet)\.?\s*\d{3,4}\b|,|"
    r"(?i:första|andra|tredje|fjärde|femte|sjätte|översta|nedersta|bottenvåningen|\d{1,2}:?\p{L}{0,2})"
    r"(?:\s+(?i:våningen|trappan|planet))?\b))*"
)
_STREET_SUFFIX = (
    "gatan", "gata", "vägen", "väg", "gränd", "gränden", "allé", "allén", "stig", "stigen", "plan", "planen",
    "torg", "torget", "backe", "backen", "led", "leden", "stråket", "gången", "kajen", "esplanaden",
    "street", "road", "avenue", "lane", "st", "rd",
)  # fmt: skip
_STREET_WORD = r"[\p{L}][\p{L}\p{M}.'’\-]*"
ADDRESS = regex.compile(
    r"(?P<sig>" + _ADDRESS_SIGNAL + r")" + _FILLER + r"\s*"
    r"(?P<addr>(?P<street>" + _STREET_WORD + r"(?:\s+" + _STREET_WORD + r"){0,3}?)\s*"
    r"(?:(?i:nr|nummer|no)\.?\s*)?(?P<number>\d{1,4})(?:\s*-\s*\d{1,4})?"
    r"(?:[A-Za-z](?![\p{L}\p{M}])|\s[A-Ha-h](?![\p{L}\p{M}]))?"
    r"(?:\s*,?\s*(?i:lgh|lägenhet|lägenhetsnummer|tr|trappor|vån|våning|uppg|uppgång|port)\.?\s*\d{1,4}"
    r"(?![\d])|\s*,?\s*\d{1,2}\s*(?i:tr|trappor|vån|våningen|\.?\s*vån)\.?(?![\p{L}]))?"
    r"(?:\s*,?\s*(?:(?i:se)-?\s?)?\d{3}\s?\d{2}(?:\s+\p{Lu}[\p{L}\p{M}]+)?)?)"
)


def address_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """The address if its words look like a street (no function words; a street ending, or capitals and a
    house number of at most three digits)."""
    words = m.group("street").split()
    if any(w.casefold().strip(".,") in _STOP for w in words):
        return None
    last = words[-1].casefold()
    # a street ending, also abbreviated ("Storg. 12", "Kungsv. 3")
    has_suffix = last.strip(".").endswith(_STREET_SUFFIX) or last.endswith(("g.", "v.", "gr."))
    if not has_suffix and (len(m.group("number")) > 3 or not words[0][:1].isupper()):
        return None
    return "address", m.span("addr")
