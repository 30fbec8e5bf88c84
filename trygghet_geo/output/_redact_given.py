"""Names that no signal word announces, and initials, for :mod:`trygghet_geo.output._redact` (plumbing).

A signal word ("heter", "Anmälaren", ...) is not always there, nor is a capital letter. Three shapes are
common enough in safety-walk notes and police summaries to be taken without one, each because a list of
first names or the shape of initials makes it more than a guess:

- a first name of :data:`FIRST_NAMES` followed by one or two capitalised words that can be a surname
  ("Anna Svensson såg ...", "Ann-Sofi Berg Lind"), or a surname, a comma and a first name ("Berg, Anna");
  not when a place noun follows ("Karl Johans gata", "John Stenbergs strand", "Gustav Vasa kyrka");
- initials: two or three capitals with dots ("A.S.", "J. H."), an initial and a surname ("A. Svensson"),
  a first name and an initial ("Anna S."), two or three bare capitals before a verb of speaking or seeing
  ("AS ringde");
- after a signal word, a name in lower case ("anmälaren anna svensson", "kontakt: per") when its first word
  is a first name of the list.

Why a hand-made list: no maintained library ships Swedish given names for offline matching (name
databases are large downloads meant for gender or origin guessing); this is the common given names of
Sweden (Swedish, Nordic, and the common names of people born elsewhere) from public name statistics,
written out here, and surnames are recognised by their Swedish endings (-sson, -berg, -ström, ...) and a
short list of common surnames with no such ending. First names that are also ordinary Swedish words ("Per",
"Bo", "Dag", "Stig", "Hans") need a surname after them.
"""

from __future__ import annotations

import regex

from trygghet_geo.output._redact_names import NAME_SIGNAL, PLACE_NOUNS, is_name_word, place_after

__all__ = [
    "AMBIGUOUS",
    "FIRST_NAMES",
    "INITIALS",
    "NAME_LOWER",
    "NAME_PLAIN",
    "NAME_REVERSED",
    "SURNAMES",
    "initials_span",
    "is_first_name",
    "is_surname",
    "lower_name_span",
    "plain_name_span",
    "reversed_name_span",
]

# fmt: off
_FIRST = """
abbe abdirahman abdirahim abdulla adele adina adnan agneta agnetha ahmet aina alan alberto alejandro
alex alexis alf alfhild algot ali-reza alina aline alinda allan alva-li amal amalia amin amira anders-erik
andrzej anette angelina anneli ann-christin ann-charlotte ann-britt ann-kristin ann-louise ann-mari
ann-marie ann-sofie ann-sofi anna-karin anna-lena anna-lisa anna-maria annie antonio april arash ari
armin aron arthur artur asta astor atle aurora ayan ayoub azra barbara bashir bassam belinda bella benny
bent berndt bert berta betina bianca billy birger bjarne blanka bodil bojan bonnie boris bror caisa cajsa
calle carl-johan carlos caroline cassandra catarina catharina cecilie celine charlie christel christin
christine claudia conny constance dalia dana daniela danny darius denise dick dijana disa dolores doris
douglas dusan ebbe edgar edit edvard edward einar ejnar elena eleonora eli elina elisabeth ellinor elof
elvis emanuel emina emir emmanuel engla erica erling ernst esa esbjörn esther eugen evelyn evy ewa ewert
ezra fanny farid fernando filip filippa fiona folke frank franz freja fredrika frej frida gabriella gerda
gerhard gisela gitte greger greta gudrun gun-britt gunhild gunnel gunvor gustavo göte göta hamid hamza
hanan hannes harriet hasse heidi heinz hektor helmer henning herbert hillevi hjördis hugo hussein idris
ines inez ingalill ingeborg ingela ingvor irma isabel isac ivar jack jacqueline jamal jan-erik janet
jan-olof jari jasmin javier jeanette jennie jennifer jerry jimmie joacim joanna jocke john-erik jon jonny
jorge jose josé josefina jovan juan judith julie justus jussi kajsa-stina kamal karim kari karl-erik
karl-johan kasper katja katrin katrine kenny kerstin kia kickan kim klas knut konrad kristin krzysztof
kurt laura lars-erik lars-göran lars-olof lea leena lejla leona levi liisa lilian lillemor linus lisette
lo lorentz lotten louie lucia ludwig luna lykke madeleine magda magdalena magnus maja-lena malak malin
manfred marcel marco margaretha mari mariam mariann marianne marie-louise marika marjatta marko marlene
martha marta matti maud maximilian meja melina melissa mia michaela michelle mikko milan milos mimmi
minna mirjam mohamud monika morgan nadja nasser natalia nelly nermin nicholas nicolas nikola nikolai
nikolaj niklas nils-erik nina noor norma oda odd olga olivia ossian otto ove paul pauline pavel pedro
pekka pelle per-erik per-olof peder pernilla petter philippa pierre pirjo rafael ragnar ragnhild raija
ramona randi raymond reza riitta rikard rickard rita robert robin rodrigo rolf ronny rosa rosita rosmarie
rudolf ruben rikke sabah sadia saga-lill sahar sami samira sandor sanja sebastian seija selma sergio
shirin sigge sigvard silvia sima sirkka sixten sofi solveig sonia stanislaw stefania stellan sune susanna
svante sven-erik sven-olof tanja tarja teresia terese theresia thor thorsten tiina timo tobias tomas
tommie toni torgny tova trude tuula ture tyra ulla-britt ulrich ursula valdemar valentin valeria verner
vesna viola virpi vivan vivianne vladimir wanda wendela werner wiktor wiveka yngve yrsa yvonne zeynep
zoran zoe åke åsa östen
agnieszka alvin anas aston bernhard bill caj dante egon eivor elvin emilio ferdinand george ingegärd
jill jim joachim kian kumar leia lovis majvor mathilda mahmoud mårten olov patric patricia richard roy
staffan sören ted vidar wilmer ina åse mina my kalevi ismail christine louise lotte birger gerda greta
tindra elton juhani matias pär khaled dagny margret örjan maarit anthony hannele nancy livia thore harry
ola alve liisa pernilla leona jeanette sigvard ingalill theresia ingeborg yvonne edvard marjatta claudia
rickard sebastian krister ove klas alex ossian abdirahman folke mariann miguel hillevi robin valdemar
georg brita sigurd mikko matti seppo jukka heikki kaarina tapani ilse jane tony elisa theres matheo
dante thea ebbe mattis noah neo otto viggo melvin colin hugo ivar nils orvar sixten tage vilmer
aaron abdi abdullah abdul adam adrian agnes ahmad ahmed aisha albin albert alba alexander alexandra alfred
alfons ali alice alicia alma alva alvar alvin amanda amelia amelie amina amir ana anders andreas andré
andrea angela angelica angelika anita anja ann anna anne anneli annelie annette annika ante anton antonia
arne arvid astrid august axel aya ayaan ayla barbro beata beatrice bengt benjamin berit bernt bertil
betty birgit birgitta björn bo boris britt britta brittmarie bruno börje camilla carina carin carl
carola caroline carolina casper cecilia charles charlie charlotta charlotte christer christian
christina christoffer claes clara cornelia dag dan daniel david dennis diana dina dragan ebba edith
edvin eddie einar elias elin elina elisabet elisabeth elise ella ellen ellie elliot elly elsa else
elvira emelie emil emilia emma emir emmy eric erik erika erland ester eva evelina evert fabian fadi
farah fatima felicia felix filip filippa fredrik frida fritiof frans gabriel gerd gert gertrud gun
gunilla gunnar gustav gustaf göran gösta hampus hanna hannah hans harald harriet hassan hedda hedvig
helen helena helene helga henrik henry hilda hilma hjalmar holger hugo hussein ibrahim ida ines inga
inge ingegerd ingemar inger ingrid ingvar irene iris isabella isabelle isak ivan ivar jack jacob jakob
jan jana janne jasmine jenny jens jerker jesper jessica jimmy joakim joel johan johanna johannes john
johnny jonas jonathan jonatan josef josefin josefine julia julian julius jörgen kaj kajsa kalle karin
karina karl karolina katarina kent kenneth kerstin kevin khalid kim kjell klara kristian kristina
kristoffer krister lage lars lasse laila leila leif lena lennart leo leon liam lilly lina linda linn
linnea linnéa lisa lise lisbeth liv lo lotta louise lova lovisa lucas ludvig lukas maja majken malin
malte margareta margit maria marie marianne marina marit marita mark markus marcus martin martina
mats mathias matilda mattias max maximilian maya mehmet melker melvin mia michael mikael mikaela milla
milo mira miriam mohamad mohamed mohammad mohammed molly mona monica monika moa muhammad mustafa märta
måns nadia natalie nathalie nellie nicklas niklas nicole nils nina noah noel nora nova olivia olle
olof oliver omar oscar oskar otto patrik paula paulina per peter petra philip pia pontus rasmus rebecka
rebecca ronja rolf rose roger roland rune rut ruth sabina said sakariya salma sam samuel sandra sanna
sara sarah sebastian signe sigrid simon siri siv sixten sofia sofie sonja stefan stella sten stig
stina sture susanne svea sven sverker sylvia tage tea teodor theodor thea theo therese thomas tilda
tilde tim tina tobias tomas tommy tom tor torbjörn tord tore torsten tove tuva tyra ulf ulla ulrika
ulrik valter vanessa vera veronica veronika viggo viktor victor viktoria victoria vilgot vilhelm
wilhelm ville vincent walter wilma william yasmin ylva yousef youssef yusuf zara zainab åke åsa
"""
# Surnames with no Swedish surname ending (the endings are in _SURNAME_ENDINGS).
_SURNAMES = """
ali ahmed hassan mohamed mohammed ibrahim hussein khan nguyen kaya yilmaz öztürk nowak kowalski
ek falk holm lind lund berg dahl hedlund wik wikström sundin mattsson fors björk lindh lindahl engel
blom kvist strand sjöberg bäck ekman hellman åkesson roos wallin lindén nord skog stenberg
"""
# fmt: on
FIRST_NAMES: frozenset[str] = frozenset(_FIRST.split())
"""Common given names of Sweden, case-folded."""
SURNAMES: frozenset[str] = frozenset(_SURNAMES.split())
"""Common surnames without a Swedish surname ending, case-folded."""
_AMBIGUOUS_WORDS = """
per bo dag stig sten björn ros rut ruth maj liv tom hans sam mark max lo kim kaj axel karl said ali
tor noel siv lage lisa tea mira vera leo rosa rita april frank odd bent dick eli ari esa viola göta
svea luna disa bella stella nova saga vide nora sala mora vara my
"""
AMBIGUOUS: frozenset[str] = frozenset(_AMBIGUOUS_WORDS.split())
"""First names that are also ordinary words ("per timme", "bo kvar", "hans bror", "stig upp")."""
_SURNAME_ENDINGS = (
    "sson", "son", "sen", "berg", "bergh", "ström", "strom", "lund", "qvist", "quist", "kvist", "gren",
    "holm", "dahl", "dal", "stedt", "blad", "bäck", "borg", "fors", "hed", "ling", "mark", "sjö",
    "stam", "strand", "vall", "wall", "ell", "ius", "ander", "ér", "én", "in", "gård", "lind", "blom",
    "lundh", "skog", "ek", "man", "löf", "löv", "stål", "green", "häll", "näs", "ros", "rot", "grund",
)  # fmt: skip


# The surest surname endings: a capitalised word with one of them after any capitalised word is a name
# ("Krzysztof Karlsson", "Gabriella Marklund"); "-holm", "-borg", "-by" also end towns, and are not here.
_STRONG_ENDINGS = (
    "sson",
    "qvist",
    "kvist",
    "quist",
    "ström",
    "gren",
    "stedt",
    "blad",
    "dahl",
    "berg",
    "lund",
)
# Capitalised words that begin place names ("Norra Lindberg", "Stora Lund") and words of businesses and
# places that make a first name and a surname a place ("Maya Bar", "Isabella Cafe", "Diana Park").
_NOT_GIVEN_WORDS = """
norra södra östra västra stora lilla nya gamla övre nedre yttre inre centrala hela region sankt
kungliga gatan vägen
"""
_NOT_GIVEN = frozenset(_NOT_GIVEN_WORDS.split())
_BUSINESS_WORDS = """
bar cafe café kafé boutique grill park hotel hotell hostel restaurang restaurant pizzeria salong
studio shop butik galleri gallery center centrum junior senior kiosk frisör ateljé atelier salon oy
ab
"""
_BUSINESS = frozenset(_BUSINESS_WORDS.split())
_NOT_FIRST = _NOT_GIVEN | _BUSINESS  # words that never begin a name (built once, looked up per candidate)


def strong_surname(word: str, endings: tuple[str, ...] = _STRONG_ENDINGS) -> bool:
    """A word with one of the surest surname endings, longer than the ending ("Karlsson", not "Berg")."""
    parts = [p for p in word.casefold().split("-") if p]
    return any(any(p.endswith(e) and len(p) > len(e) + 1 for e in endings) for p in parts)


# After a capitalised word that is no first name of the list, only endings that no Swedish town has
# ("Gäller Varberg", "Besök Höglund" stay).
_SUREST_ENDINGS = ("sson", "qvist", "kvist", "quist", "ström", "gren", "stedt", "blad")


def is_first_name(word: str) -> bool:
    """A given name of the list; every part of a double name ("Ann-Sofi", "Anna-Karin")."""
    parts = word.casefold().replace("’", "'").split("-")
    return all(p in FIRST_NAMES for p in parts) and bool(parts[0])


def is_surname(word: str) -> bool:
    """A word with a surname's shape: an ending such as -sson/-berg/-ström, or a common surname; every part
    of a double surname ("Karlsson-Hammar")."""
    parts = [p for p in word.casefold().split("-") if p]
    return any(len(p) > 2 and (p in SURNAMES or (p.endswith(_SURNAME_ENDINGS) and len(p) > 3)) for p in parts)


# --- initials -----------------------------------------------------------------------------------------------
_CAP = r"[\p{Lu}]"
# a word that may be a surname or a first name: capitalised, letters, inner hyphens and apostrophes, bounded
_CAPWORD = r"(?>\p{Lu}[\p{Ll}\p{M}]{1,30}+(?:[\-‐‑'’]\p{Lu}?[\p{Ll}\p{M}]{1,30}+){0,2})"
_PERSON_VERBS = (
    r"ringde|ringer|ringt|sa|sade|säger|såg|ser|sett|uppger|uppgav|berättade|berättar|berättat|hörde|hör|"
    r"mejlade|mailade|skrev|skriver|tycker|tyckte|menar|anser|upplever|upplevde|känner|kände|vill|ville|"
    r"hörde\s+av\s+sig|anmälde|anmäler|bor|bodde"
)
_ACTS = regex.compile(r"[ \t\u00a0]+(?:" + _PERSON_VERBS + r")(?![\p{L}\p{M}])")
# bare capitals that are abbreviations of organisations and things, not a person's initials
_ACRONYM_WORDS = """
SOS SVT SR SL SJ ICA LED TV AB EU FN UK USA BRÅ BRA SKR MSB PS OK IT GPS SMS VD HR SD KD MP SKL SCB
SMHI TT DN SVD GP HD UD OCH ATT NU JA NEJ OBS VA EL IP CCTV HAN HON VI DE NI JAG MAN DU DET DEN SOM
MEN ELLER FÖR
"""
_ACRONYMS = frozenset(_ACRONYM_WORDS.split())
INITIALS = regex.compile(
    # "sig" is the first letter: a refused candidate ("Enligt J.") is tried again from the next one
    r"(?<![\p{L}\p{M}\p{N}.])(?=(?P<sig>\p{Lu}))(?:"
    # two or three capitals with dots ("A.S.", "J. H.", "L.M"), the last dot optional
    r"(?P<dots>" + _CAP + r"\.[ \t]?" + _CAP + r"(?:\.[ \t]?" + _CAP + r")?\.?)(?![\p{L}\p{M}\p{N}])"
    # an initial and a surname ("A. Svensson")
    r"|(?P<init>" + _CAP + r"\.)[ \t]?(?P<sur>" + _CAPWORD + r")(?![\p{L}\p{M}\p{N}])"
    # a first name and an initial ("Anna S.", "Carl O.")
    r"|(?P<first>" + _CAPWORD + r")[ \t]+" + _CAP + r"\.(?![\p{L}\p{M}\p{N}])"
    # bare capitals before a verb of a person ("AS ringde")
    r"|(?P<bare>" + _CAP + r"{2,3})(?=[ \t]+(?:" + _PERSON_VERBS + r")(?![\p{L}\p{M}]))"
    r")"
)


# abbreviations written with dots ("P.S.", "O.K.", "U.S.", "E.U.")
_DOTTED_STOP = frozenset(("PS", "OK", "US", "EU", "TV", "USA", "UK", "FN"))
# a lower-case word just before: the initials are inside a sentence, not a heading or a list item
# ("A. Belysning saknas")
_IN_SENTENCE = regex.compile(r"\p{Ll}[\p{L}\p{M}]*[ \t\u00a0]+$")
# nouns that a letter with a dot follows in ordinary notes ("Hus B.", "Bilaga A.", "Zon C.")
_SECTION_WORDS = """
bilaga bilagan hus huset port porten trappa trappan plan zon sektion område del punkt steg fas typ klass
kategori nivå bild figur tabell avsnitt kapitel alternativ förslag grupp lag buss linje spår plattform
perrong entré ingång uppgång hall sal rum våning block kvarter etapp kl obs se sid sida nr
"""
_SECTIONS = frozenset(_SECTION_WORDS.split())
_NAMED_PLACE = regex.compile(r"[ \t\u00a0]+" + _CAPWORD)


def initials_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """Initials, or an initial with a surname or a first name; not abbreviations ("P.S.", "SOS ringde")."""
    if m.group("dots") is not None:
        letters = "".join(c for c in m.group("dots") if c.isalpha())
        named = _NAMED_PLACE.match(m.string, m.end())  # "J. K. Paasikivis minnesmärke" is a place
        if letters in _DOTTED_STOP or (named is not None and place_after(m.string, named.end())):
            return None
        return "name", m.span()
    acts = _ACTS.match(m.string, m.end()) is not None  # "G. Ståhl ringde", "Theres L. såg"
    # inside a sentence ("Samtal med M. Ek", "Enligt Elisa H. är"), any name-like word with an initial
    inside = _IN_SENTENCE.search(m.string, max(0, m.start() - 40), m.start()) is not None
    if m.group("sur") is not None:
        sur = m.group("sur")
        loose = (acts or inside) and is_name_word(sur) and sur.casefold() not in _SECTIONS
        ok = is_surname(sur) or is_first_name(sur) or loose
        if m.group("init")[0] in "NSVÖ":  # "V. Ingelstad", "N. Mellby": Västra, Norra ... of a place
            ok = strong_surname(sur, _SUREST_ENDINGS) or (acts and is_name_word(sur))
        return ("name", m.span()) if ok and not place_after(m.string, m.end()) else None
    if m.group("first") is not None:
        first = m.group("first")
        loose = (acts or inside) and is_name_word(first) and first.casefold() not in _SECTIONS
        ok = is_first_name(first) or loose  # "Per B." too: a given name before an initial
        return ("name", m.span()) if ok else None
    return None if m.group("bare") in _ACRONYMS else ("name", m.span())


# --- a first name and a surname with no signal word ---------------------------------------------------------
_END = r"(?![\p{L}\p{M}\p{N}])"
_START = r"(?<![\p{L}\p{M}\p{N}.'’\-])"
# Every capitalised word is a candidate first word ("sig"), so each word is atomic and bounded (linear time).
NAME_PLAIN = regex.compile(
    _START + r"(?P<sig>" + _CAPWORD + r")" + _END + r"(?P<rest>(?:[ \t\u00a0]+" + _CAPWORD + _END + r"){1,3})"
)
NAME_REVERSED = regex.compile(
    _START + r"(?P<sig>" + _CAPWORD + r")[ \t\u00a0]*,[ \t\u00a0]*(?P<first>" + _CAPWORD + r")" + _END
)
_WORDS = regex.compile(r"\S+")


def _given(word: str, following: list[str]) -> bool:
    """Whether ``word`` starts a name before the words ``following``: a first name of the list (one that is
    also an ordinary word only before a surname), or any name-like word before a surname of the surest
    kind."""
    low = word.casefold()
    if low in AMBIGUOUS:  # "Hans Lundin" but "Hans bror", "Per timme"
        return any(is_surname(w) for w in following[:2])
    if low in _NOT_FIRST or not is_name_word(word):
        return False
    if is_first_name(word):
        return True
    return any(strong_surname(w, _SUREST_ENDINGS) for w in following[:2])


def plain_name_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """A first name and the capitalised words after it that can be part of a name."""
    rest = list(_WORDS.finditer(m.string, m.start("rest"), m.end("rest")))
    words = [w.group(0) for w in rest]
    if not _given(m.group("sig"), words):
        return None
    end = m.end("sig")
    for w in rest:
        word = w.group(0)
        if word.casefold() in _BUSINESS or word.casefold() in PLACE_NOUNS:
            return None  # "Maya Bar", "Gösta Skoglunds Väg", "Elsa Brändströms Gata"
        if not (is_first_name(word) or is_surname(word) or is_name_word(word)):
            break
        end = w.end()
    if end == m.end("sig") or place_after(m.string, end):
        return None
    return "name", (m.start(), end)


def reversed_name_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """A surname, a comma and a first name ("Berg, Anna"; "Karlsson, Jerry")."""
    sur, first = m.group("sig"), m.group("first")
    if not is_name_word(first) or first.casefold() in _NOT_FIRST:
        return None
    # the surname's shape is needed ("Trafikolycka, Nora" and "Nordstaden, Nils" name a place), and a town
    # may have it ("Lund, Arne Anderssonsgatan", "Göteborg, Reza Svenssonsgatan"): then only the surest
    # endings, or nothing capitalised after the first name
    surest = strong_surname(sur, _SUREST_ENDINGS)
    given = is_first_name(first) and first.casefold() not in AMBIGUOUS
    free = _NAMED_PLACE.match(m.string, m.end()) is None  # nothing capitalised after the first name
    if surest:  # "Pettersson, Mahmoud": any name-like word after a surname no town has
        ok = given or free
    else:  # "Ljung, Johanna": a given name of the list after a name-like word, alone
        ok = given and free and is_name_word(sur) and sur.casefold() not in _NOT_GIVEN | _BUSINESS
    return ("name", m.span()) if ok and not place_after(m.string, m.end()) else None


# --- a name in lower case after a signal word ---------------------------------------------------------------
_LOWER = r"(?>\p{Ll}[\p{Ll}\p{M}]{1,30}+(?:-\p{L}[\p{Ll}\p{M}]{1,30}+)?)"
NAME_LOWER = regex.compile(
    r"(?P<sig>" + NAME_SIGNAL + r")(?P<name>" + _LOWER + r"(?:[ \t\u00a0]+" + _LOWER + r"){0,3})" + _END
)
_AFTER_END = regex.compile(r"[ \t\u00a0]*(?:[.,;:!?)\]\n\r]|$)")


def lower_name_span(m: regex.Match[str]) -> tuple[str, tuple[int, int]] | None:
    """The words after a signal that are a name: a first name of the list and the names after it, or any
    word before a surname of the surest kind ("anmälaren liisa lindberg")."""
    words = list(_WORDS.finditer(m.string, m.start("name"), m.end("name")))
    texts = [w.group(0) for w in words]
    first = texts[0]
    if first.casefold() in _STOP_LOWER:
        return None
    # an unknown first word before a surname of the surest kind ("liisa lindberg") or before a given name and
    # a surname ("joachim erika johnson")
    known_next = len(texts) > 2 and is_first_name(texts[1]) and is_surname(texts[2])
    if not (is_first_name(first) or (len(texts) > 1 and strong_surname(texts[1])) or known_next):
        return None
    end = words[0].end()
    for i, w in enumerate(words[1:], start=1):
        word = w.group(0)
        ahead = texts[i + 1] if i + 1 < len(texts) else ""
        # a word before a verb or the end of the clause ("heter linnéa smith såg", "claes krantz,")
        last = not ahead or ahead.casefold() in _STOP_LOWER
        last = last and bool(_AFTER_END.match(m.string, w.end()) or ahead)
        plain_word = (
            word.casefold() not in _STOP_LOWER and is_name_word(word) and not place_after(" " + word, 0)
        )
        if not (is_first_name(word) or is_surname(word) or strong_surname(ahead) or (last and plain_word)):
            break
        end = w.end()
    # "kontakt: per" and "heter max såg" are names; "anmälaren per telefon" is not
    alone = first.casefold() in AMBIGUOUS and end == words[0].end()
    if alone and not (_AFTER_END.match(m.string, end) or _VERB_AFTER.match(m.string, end)):
        return None
    return "name", (m.start("name"), end)


_VERB_AFTER = regex.compile(
    r"[ \t\u00a0]+(?:såg|ringde|hörde|sa|sade|uppger|uppgav|berättade|berättar|var|är|har|hade|bor|vill|"
    r"tycker|säger)(?![\p{L}\p{M}])"
)
# lower-case words after a signal word that are never a name's first word
_STOP_LOWER_WORDS = """
var är blev hade har såg sa sade hörde ringde uppger uppgav berättar berättade som och men att det
den de en ett hennes deras sin sitt sina på i vid av för från till med om saknas okänd okänt ej
ingen inte vill ville kom går gick bor bodde ringer tycker tyckte menar anser säger hör ser vet kan
ska skulle måste behöver tel telefon mobil mejl mail nummer nr hörs återkommer kontaktas svarar
"""
_STOP_LOWER = frozenset(_STOP_LOWER_WORDS.split())
