"""Tests of trygghet_geo.output.privacy: redaction of personal data and the shared/internal export."""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point

from trygghet_geo import schema
from trygghet_geo.errors import SchemaError
from trygghet_geo.output.privacy import (
    KINDS,
    TOKENS,
    clean_text,
    luhn_ok,
    prepare_export,
    redact,
    redact_with_counts,
)

# --- generators of personal data ----------------------------------------------------------------------------

FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Per-Olof",
    "Elin",
    "Mohammed",
    "Fatima",
    "Åsa",
    "Örjan",
    "Johan",
    "Lena",
    "Ali",
    "Sara",
    "Björn",
    "Ebba",
    "Nils",
    "Zeynep",
    "Oskar",
]
LAST = [
    "Berg",
    "Andersson",
    "Lindqvist",
    "Öberg",
    "Hussein",
    "Nilsson",
    "Ek",
    "Johansson",
    "Åkesson",
    "Karlsson-Lind",
    "Svensson",
    "Yilmaz",
    "Holm",
    "Strand",
    "Ekström",
]


def luhn_digit(nine: str) -> str:
    """The check digit of a 9-digit YYMMDDNNN (computed independently of the module under test)."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 - i % 2)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def make_pnr(rng: random.Random, *, coordination: bool = False, old: bool = False) -> tuple[str, str, str]:
    """(century, YYMMDD, NNNC) of a valid identity number; day + 60 for a samordningsnummer."""
    start = date(1912, 1, 1) if old else date(1935, 1, 1)
    span = 3000 if old else 29000
    d = start + timedelta(days=rng.randrange(span))
    day = d.day + (60 if coordination else 0)
    ymd = f"{d.year % 100:02d}{d.month:02d}{day:02d}"
    serial = f"{rng.randrange(1000):03d}"
    return str(d.year // 100), ymd, serial + luhn_digit(ymd + serial)


def pnr_forms(rng: random.Random) -> str:
    century, ymd, tail = make_pnr(rng, coordination=rng.random() < 0.25)
    form = rng.randrange(8)
    if form == 7:  # the date written with hyphens too
        return f"{century}{ymd[:2]}-{ymd[2:4]}-{ymd[4:]}-{tail}"
    if form == 6:  # '+' marks a person aged 100 or more
        _, ymd, tail = make_pnr(rng, old=True)
        return f"{ymd}+{tail}"
    return [
        f"{ymd}–{tail}" if rng.random() < 0.2 else f"{ymd}-{tail}",
        f"{ymd}{tail}",
        f"{century}{ymd}-{tail}",
        f"{century}{ymd}{tail}",
        f"{ymd} {tail}",
        f"{century}{ymd} {tail}",
    ][form]


def phone_forms(rng: random.Random) -> str:
    d = [str(rng.randrange(10)) for _ in range(8)]
    mob = rng.choice(["70", "72", "73", "76", "79"])
    forms = [
        f"0{mob}-{''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}",
        f"0{mob}{''.join(d[:7])}",
        f"0{mob} {''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}",
        f"0{mob}-{''.join(d[:7])}",
        f"+46 {mob} {''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}",
        f"+46{mob}{''.join(d[:7])}",
        f"0046 {mob} {''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}",
        f"+46 (0){mob}-{''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}",
        f"08-{''.join(d[:3])} {''.join(d[3:6])} {''.join(d[6:8])}",
        f"08-{''.join(d[:2])} {''.join(d[2:4])} {''.join(d[4:6])}",
        f"031-{''.join(d[:2])} {''.join(d[2:4])} {''.join(d[4:6])}",
        f"0480-{''.join(d[:3])} {''.join(d[3:5])}",
        f"(08) {''.join(d[:3])} {''.join(d[3:6])} {''.join(d[6:8])}",
        f"+358 40 {''.join(d[:3])} {''.join(d[3:7])}",
        f"0{mob}–{''.join(d[:3])} {''.join(d[3:5])} {''.join(d[5:7])}",  # en dash
        f"010 - {''.join(d[:2])} {''.join(d[2:5])} {''.join(d[5:7])}",  # spaced hyphen
        f"0{mob}\u00a0{''.join(d[:3])}\u00a0{''.join(d[3:5])}\u00a0{''.join(d[5:7])}",  # no-break spaces
    ]
    return rng.choice(forms)


def email_forms(rng: random.Random) -> str:
    first, last = rng.choice(FIRST).lower(), rng.choice(LAST).lower()
    first = first.replace("å", "a").replace("ö", "o").replace("-", "")
    last = last.replace("å", "a").replace("ö", "o").replace("-", "")
    if rng.random() < 0.2:  # Swedish letters are valid in the local part
        return f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@exempel.se"
    return rng.choice(
        [
            f"{first}.{last}@example.se",
            f"{first}{rng.randrange(100)}@hotmail.com",
            f"{first}_{last}@kommun.example.se",
            f"{first}+trygg@gmail.com",
        ]
    )


PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"


def plate_forms(rng: random.Random) -> str:
    letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
    while letters in {
        "SEK",
        "EUR",
        "USD",
        "NOK",
        "DKK",
        "GBP",
        "LED",
        "SMS",
        "MMS",
        "GPS",
        "SOS",
        "ATM",
        "BRA",
        "NKI",
        "APT",
        "TEL",
        "KOM",
        "NUM",
        "MAX",
        "MIN",
        "TOT",
        "CAM",
        "AVG",
        "SOU",
        "SFS",
        "PBL",
        "EPA",
    }:
        letters = "".join(rng.choice(PLATE_LETTERS) for _ in range(3))
    last = rng.choice("0123456789ABCDEFGHJKLMNPRSTUWXYZ")
    digits = f"{rng.randrange(100):02d}{last}"
    return rng.choice([f"{letters} {digits}", f"{letters}{digits}", f"{letters}-{digits}"])


STREETS = ["Storgatan", "Kungsgatan", "Lilla Nygatan", "Järnvägsgatan", "Östra Torggatan", "Parkvägen"]


def address_forms(rng: random.Random) -> str:
    street = f"{rng.choice(STREETS)} {rng.randrange(1, 120)}{rng.choice(['', '', 'B', ' a'])}"
    return street + (f" lgh {rng.randrange(1001, 1405)}" if rng.random() < 0.3 else "")


def name_forms(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


PII_TEMPLATES = [
    ("pnr", "Mannen som bor här har personnummer {v} enligt grannen."),
    ("pnr", "Anmälaren ({v}) såg gänget vid tunneln."),
    ("pnr", "pnr:{v}, klagar på belysningen"),
    ("pnr", "Personnr {v}. Vill bli kontaktad om åtgärder."),
    ("pnr", "Samordningsnr {v} lämnat till polisen"),
    ("phone", "Ring mig på {v} om lampan inte lagas."),
    ("phone", "Tel: {v}"),
    ("phone", "Boende vid busshållplatsen, nås på {v}, kvällstid."),
    ("phone", "Kontakta fastighetsägaren ({v}) om klottret."),
    ("phone", "tel:{v} (mobil)"),
    ("email", "Skicka svar till {v} tack!"),
    ("email", "Kontakt: <{v}>, gäller buskagen."),
    ("email", "mejla {v}."),
    ("plate", "En bil med regnr {v} står parkerad varje natt."),
    ("plate", "Mopeden {v} kör på gångvägen."),
    ("plate", "Vit skåpbil ({v}) langar vid skolan."),
    ("address", "Mannen som bor på {v} spelar hög musik på nätterna."),
    ("address", "Hemadress: {v}. Vill ha svar per brev."),
    ("name", "Killen heter {v} och hänger vid kiosken."),
    ("name", "Namn: {v}. Ser ofta folksamling här."),
    ("name", "Kontaktperson: {v}, vaktmästare"),
    ("name", "Mvh {v}"),
]
GENERATORS = {
    "pnr": pnr_forms,
    "phone": phone_forms,
    "email": email_forms,
    "plate": plate_forms,
    "address": address_forms,
    "name": name_forms,
}


def pii_corpus(n: int = 240, seed: int = 8) -> list[tuple[str, list[str]]]:
    """(note, [personal values in it]) for n notes, each with one or two values in varied forms."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind, template = PII_TEMPLATES[i % len(PII_TEMPLATES)]
        values = [GENERATORS[kind](rng)]
        note = template.format(v=values[0])
        if i % 3 == 0:  # a second kind of personal data in the same note
            extra = rng.choice(["pnr", "phone", "email"])
            values.append(GENERATORS[extra](rng))
            note += f" Även {values[-1]}."
        out.append((note, values))
    return out


# --- ordinary notes: numbers that are not personal data -----------------------------------------------------

ORDINARY_TEMPLATES = [
    "Trasig belysning på Storgatan {h} sedan {date}.",
    "Buss {bus} och linje {bus2} stannar här, hållplatsen är mörk efter kl {time}.",
    "Nattbuss {bus} går {time}–{time2}, många väntar i mörkret.",
    "Busslinjerna {bus} {bus2} {bus3} stannar utanför Kungsgatan {h}.",
    "Adress: Drottninggatan {h}, {postal} Kristinehamn.",
    "Postnummer {postal}, gångtunneln under Järnvägsgatan.",
    "Klotter på väggen vid Skolgatan {h}, sanering kostar cirka {amount} kr.",
    "Kommunen budgeterar {amount} kronor för belysning {year}.",
    "Observerat {date} kl. {time}: 10–15 ungdomar vid torget.",
    "Vandringen {date2} mellan {time} och {time2}; 12 deltagare.",
    "Buskarna är 2,5 m höga, klipp ned till 0,8 m. Sedan {year} har inget gjorts.",
    "Gatan heter Storgatan och parken hette förr Lilla Parken.",
    "Skolan heter Ekskolan; gångvägen kallas Kärleksstigen.",
    "Lampa LED 30W trasig, stolpe nr {h}.",
    "Kostnad SEK {amount}, beslut {date}.",
    "Ärende 5000-K{case}-24 gäller skadegörelse på busskuren vid linje {bus}.",
    "Koordinat 59.3293, 18.0686 (WGS84) eller 6580{h}, 674{h} i SWEREF 99 TM.",
    "E4 och väg 73 korsar här, {speed} km/h för högt.",
    "Lgh {lgh} i trappuppgång B, porten står öppen.",
    "Mellan {year} och {year2} ökade anmälningarna med {pct} %.",
    "Tåg {bus} avgår {time} från spår {h}.",
    "Storgatan {h}A–{h2}B, nummer {h} till {h2}.",
    "Den {day} maj {year} kl {time} var det stökigt.",
    "SOS 112 ringdes {date} {time}.",
    "Öppettider 08:00–17:00, stängt {date2}.",
    "Hyllan kostar 1 250 000 kr totalt för {year}.",
    "Cykelparkering för {n} cyklar, {n2} är trasiga.",
    "Parkeringsplats {h} vid Gata 12, P-skiva 2 tim.",
    "Fastighetsägaren har org.nr 556{case}-{lgh}, dnr {year}/0{h}.",
    "Loggat {date}T{time2}:00, vecka v. {n2}{n2} och v.{h}.",
    "Betala med Swish 123 456 78 90 eller bankgiro 5050-1055.",
    "Position N 59° 19.758' E 018° 04.097', dvs. 59.329323, 18.068581.",
    "Ring 112 vid fara, annars 114 14; {n} samtal i fjol.",
    "Postadress SE-{postal} Kristinehamn, rum {lgh}, 3 tr.",
    "Kl 22–02 är det stökigt, {n2}0–{n2}5 personer; 20240512 var värst.",
    "Fritidsgården har öppet 08 - 12 och 13 - 17, lördag 09 - 14.",
    "Många boende i området, flera bor i Kristinehamn sedan {year}; adress: Storgatan {h}.",
]


def ordinary_corpus(n: int = 240, seed: int = 80) -> list[str]:
    rng = random.Random(seed)

    def fill(template: str) -> str:
        d = date(2023, 1, 1) + timedelta(days=rng.randrange(900))
        return template.format(
            h=rng.randrange(1, 140),
            h2=rng.randrange(1, 140),
            bus=rng.choice([1, 4, 17, 94, 150, 173, 401, 503]),
            bus2=rng.choice([2, 6, 52, 176, 184]),
            bus3=rng.choice([3, 7, 118, 860]),
            time=f"{rng.randrange(24):02d}.{rng.choice(['00', '15', '30', '45'])}",
            time2=f"{rng.randrange(24):02d}:{rng.choice(['00', '30'])}",
            date=d.isoformat(),
            date2=f"{d.day}/{d.month}",
            day=d.day,
            postal=f"{rng.randrange(100, 985)} {rng.randrange(100):02d}",
            amount=rng.choice(["1 500", "25 000", "350", "12 300 000", "4 990"]),
            year=rng.randrange(1990, 2026),
            year2=rng.randrange(1990, 2026),
            case=rng.randrange(100000, 999999),
            speed=rng.randrange(30, 90),
            lgh=rng.randrange(1001, 1405),
            pct=rng.randrange(1, 99),
            n=rng.randrange(10, 400),
            n2=rng.randrange(1, 10),
        )

    return [fill(ORDINARY_TEMPLATES[i % len(ORDINARY_TEMPLATES)]) for i in range(n)]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# --- redact: must-show corpora ------------------------------------------------------------------------------


def test_pii_corpus_is_fully_redacted_in_a_shared_export() -> None:
    corpus = pii_corpus(240)
    assert len(corpus) >= 200
    obs = gpd.GeoDataFrame(
        {
            schema.NOTE: [note for note, _ in corpus],
            schema.MEASURE: [note for note, _ in corpus],
            schema.OCCURRED_AT: pd.Timestamp("2025-04-22 18:00", tz="Europe/Stockholm"),
        },
        geometry=[Point(100.0 * i, 0.0) for i in range(len(corpus))],
        crs="EPSG:3006",
    )
    inc = gpd.GeoDataFrame({schema.CATEGORY: ["stöld"]}, geometry=[Point(0, 0)], crs="EPSG:3006")
    out = prepare_export(inc, obs)
    missed = []
    for (note, values), red_note, red_measure in zip(
        corpus, out.observations[schema.NOTE], out.observations[schema.MEASURE], strict=True
    ):
        for v in values:
            core = v.split(" ", 1)[-1] if v.startswith("(") else v
            for red in (red_note, red_measure):
                if core in red or (len(_digits(v)) >= 7 and _digits(v) in _digits(red)):
                    missed.append((note, v, red))
    assert not missed, f"{len(missed)} personal values survived, first: {missed[:3]}"
    assert sum(n for k, n in out.counts.items() if k.startswith("redacted_")) >= 2 * 240


def test_pii_corpus_is_absent_from_the_shared_map_file(tmp_path: Path) -> None:
    from shapely.geometry import LineString

    from trygghet_geo.analysis import Analysis
    from trygghet_geo.network import network_from_lines
    from trygghet_geo.output.maps import save_html

    corpus = pii_corpus(240)
    x0, y0 = 674_000.0, 6_580_000.0
    lines = [LineString([(x0, y0 + 100 * i), (x0 + 2400, y0 + 100 * i)]) for i in range(3)]
    net = network_from_lines(gpd.GeoDataFrame({"name": ["Gata"] * 3}, geometry=lines, crs="EPSG:3006"))
    obs = gpd.GeoDataFrame(
        {
            schema.NOTE: [note for note, _ in corpus],
            schema.MEASURE: [note for note, _ in corpus],
            schema.PLACE_TEXT: [note for note, _ in corpus],
            schema.CATEGORY: "övrigt",
            schema.STATUS: "ok",
            schema.OCCURRED_AT: pd.Timestamp("2025-04-22 18:00", tz="Europe/Stockholm"),
        },
        geometry=[Point(x0 + 10 * i, y0 + 100) for i in range(len(corpus))],
        crs="EPSG:3006",
    )
    empty = gpd.GeoDataFrame({schema.HOTSPOT_ID: []}, geometry=[], crs="EPSG:3006")
    inc = gpd.GeoDataFrame(
        {schema.CATEGORY: ["stöld"], schema.HOTSPOT_ID: [-1]}, geometry=[Point(x0, y0)], crs="EPSG:3006"
    )
    analysis = Analysis(
        incidents=inc,
        observations=obs,
        hotspots=empty,
        places=empty,
        network=net,
        meta={"title": "Test", "synthetic": True},
    )
    html = save_html(analysis, tmp_path / "karta.html").read_text(encoding="utf-8")
    assert "[telefon]" in html
    assert "[personnummer]" in html
    leaked = [v for _, values in corpus for v in values if v in html or json.dumps(v)[1:-1] in html]
    assert leaked == []


def test_ordinary_corpus_is_not_touched() -> None:
    corpus = ordinary_corpus(240)
    assert len(corpus) >= 200
    changed = [(t, redact(t)) for t in corpus if redact(t) != t]
    assert not changed, f"{len(changed)} ordinary notes changed, first: {changed[:3]}"
    _, counts = redact_with_counts(pd.Series(corpus))
    assert sum(counts.values()) == 0


# --- redact: each kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "811218-9876",
        "19811218-9876",
        "8112189876",
        "198112189876",
        "811218 9876",
        "19811218 9876",
        "121212+1212",
    ],
)
def test_valid_personnummer_forms(text: str) -> None:
    assert luhn_ok(_digits(text)[-10:])
    assert redact(f"pnr {text}.") == "pnr [personnummer]."


def test_samordningsnummer_is_redacted() -> None:
    # 1985-03-12 + 60 = day 72
    nine = "850372239"
    pnr = f"{nine[:6]}-{nine[6:]}{luhn_digit(nine)}"
    out, counts = redact_with_counts(f"snr {pnr}")
    assert out == "snr [personnummer]"
    assert counts == Counter({"personnummer": 1})


def test_near_misses_follow_the_documented_rule() -> None:
    # a real date with a wrong check digit: redacted as id-nummer when written like an identity number
    assert redact("811218-9875") == "[id-nummer]"
    assert redact("19811218-9875") == "[id-nummer]"
    assert redact("198112189875") == "[id-nummer]"
    # a bare 10-digit run or space-separated form failing Luhn is not an identity number
    assert redact("order 8112189875") == "order 8112189875"
    assert redact("811218 9875") == "811218 9875"
    # not a date at all: month 13, day 32
    assert redact("811318-9876") == "811318-9876"
    assert redact("811232-9876") == "811232-9876"


def test_phone_forms_and_non_phones() -> None:
    for text in [
        "070-123 45 67",
        "0701234567",
        "+46 70 123 45 67",
        "0046 70 123 45 67",
        "08-123 456 78",
        "+46 (0)70-123 45 67",
        "(08) 12 34 56",
        "031-12 34 56",
        "+358 40 123 4567",
        "070.123.45.67",
        "073/12 34 567",
        "076.1234567",
        "070 . 123 . 45 . 67",
    ]:
        assert redact(f"ring {text} nu") == "ring [telefon] nu", text
    for text in [
        "linje 150",
        "kl 07.30",
        "22:30",
        "2024-05-12",
        "681 30",
        "Storgatan 12",
        "1 500 kr",
        "01-05-2024",
        "12/05 2024",
        "år 1998",
        "buss 1 2 3 4",
        "kl 07.30-08.15",
        "07.03.2025 kl 22",
        "070.12.34 kr",
        "buss 073.12",
    ]:
        assert redact(text) == text


def test_emails_plates_and_names() -> None:
    assert redact("skriv till a.b-c+x@sub.example.co.uk!") == "skriv till [e-post]!"
    assert redact("Bil ABC 123 och ABC12A samt XYZ999.") == "Bil [regnr] och [regnr] samt [regnr]."
    assert redact("regnr abc123 igen") == "regnr [regnr] igen"
    # letters outside the plate alphabet, lower case, stop-listed abbreviations
    assert redact("VIQ 123, abc 123, SEK 150, LED 30W") == "VIQ 123, abc 123, SEK 150, LED 30W"
    assert redact("Han heter Karl-Erik von Berg och bor nära.") == "Han heter [namn] och bor nära."
    assert redact("Namn: Lisa Ek") == "Namn: [namn]"
    assert redact("Gatan heter Storgatan") == "Gatan heter Storgatan"
    # not covered, by design: a name without a signal word
    assert redact("Lisa Ek sitter ofta där") == "Lisa Ek sitter ofta där"


def test_kinds_select_what_is_redacted() -> None:
    text = "a@b.se 070-123 45 67 811218-9876"
    assert redact(text, kinds=["email"]) == "[e-post] 070-123 45 67 811218-9876"
    assert redact(text, kinds=("phone", "personnummer")) == "a@b.se [telefon] [personnummer]"
    with pytest.raises(ValueError, match="unknown kinds"):
        redact(text, kinds=["ssn"])
    assert set(TOKENS) == set(KINDS)


def test_series_and_missing_values() -> None:
    s = pd.Series(
        ["ring 070-123 45 67", None, np.nan, "inget"], index=[10, 20, 30, 40], name="note", dtype=object
    )
    before = s.copy()
    out, counts = redact_with_counts(s)
    pd.testing.assert_series_equal(s, before)  # input not mutated
    assert out.index.tolist() == [10, 20, 30, 40]
    assert out.name == "note"
    assert out[10] == "ring [telefon]"
    assert out[20] is None
    assert np.isnan(out[30])
    assert counts == Counter({"phone": 1})
    assert redact(None) is None
    numbers = pd.Series([8112189876, 2], index=[5, 6])
    pd.testing.assert_series_equal(redact(numbers), numbers)  # not text: returned as is
    as_str = pd.Series(["mejla a@b.se", None], dtype="str")
    red = redact(as_str)
    assert red.dtype == as_str.dtype
    assert red.iloc[0] == "mejla [e-post]"
    assert pd.isna(red.iloc[1])
    assert np.isnan(redact(np.nan))
    with pytest.raises(TypeError, match="text_or_series"):
        redact(12345)  # type: ignore[call-overload]


def test_hidden_characters_cannot_smuggle_an_identity_number() -> None:
    assert redact("811218\u200b-9876") == "[personnummer]"
    assert redact("８１１２１８－９８７６") == "[personnummer]"  # full-width forms
    assert redact("0\u00ad70-123 45 67") == "[telefon]"
    assert clean_text("a\u202eb\u2066c\x00d\x1be") == "abcde"
    assert clean_text("rad1\nrad2\ttab") == "rad1\nrad2\ttab"


def test_text_outside_redactions_is_left_exactly_as_typed() -> None:
    text = "Mörkt\u00a0vid porten – 50 m² … ring 070\u00a0123 45 67 \u200b(kvällstid)\u202e!"
    assert redact(text) == "Mörkt\u00a0vid porten – 50 m² … ring [telefon] \u200b(kvällstid)\u202e!"
    assert redact("ﬁnns ２ st") == "ﬁnns ２ st"


def test_look_alike_dashes_spaces_and_digits_are_seen_through() -> None:
    assert redact("811218–9876") == "[personnummer]"  # en dash, as word processors write it
    assert redact("811218\u2212 9876") == "[personnummer]"
    assert redact("070\u2009123\u202f45\u00a067") == "[telefon]"
    assert redact("٨١١٢١٨-٩٨٧٦") == "[personnummer]"  # Arabic-Indic digits
    assert redact("Kontakt: A\u030asa Berg") == "Kontakt: [namn]"  # decomposed Å


POLISEN = next(
    (
        p / "shared" / "data" / "polisen"
        for p in Path(__file__).resolve().parents[1:4]
        if (p / "shared" / "data" / "polisen").is_dir()
    ),
    Path("/nonexistent"),
)


@pytest.mark.skipif(not POLISEN.is_dir(), reason="the shared Polisen records are not available")
def test_real_police_texts_lose_only_phone_numbers_and_names() -> None:
    """25 000 real Polisen/brottsplatskartan texts: dates, times, road numbers, ages, counts, addresses."""
    texts: set[str] = set()
    for path in sorted(POLISEN.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items = data if isinstance(data, list) else next(v for v in data.values() if isinstance(v, list))
        for item in items:
            if isinstance(item, dict):
                texts.update(v for v in item.values() if isinstance(v, str) and len(v) > 15)
    assert len(texts) > 20_000
    out, counts = redact_with_counts(pd.Series(sorted(texts), dtype=object))
    changed = [(a, b) for a, b in zip(sorted(texts), out, strict=True) if a != b]
    # the police's own press numbers, and the names of people the texts name without a signal word (press
    # officers, a prosecutor, a public figure), are the only hits
    assert set(counts) <= {"phone", "name"}, counts
    assert len(changed) <= 0.002 * len(texts)
    names: set[str] = set()
    for text, red in changed:
        assert "[telefon]" in red or "[namn]" in red
        parts = redact(text, kinds=["name"]).split("[namn]")
        found = re.fullmatch("(.*?)".join(re.escape(p) for p in parts), text, re.S)
        assert found is not None
        names.update(found.groups())
    assert names <= {
        "Stefan Gustafsson", "Martin Svensson", "Claes Lindberg", "Elisabeth Glaas", "Thomas Fuxborg",
        "Christer Fuxborg", "Sven-Göran Eriksson", "Ulla Brehm",
    }, names  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), prefix=st.text(max_size=20), suffix=st.text(max_size=20))
def test_every_generated_identity_number_is_caught(seed: int, prefix: str, suffix: str) -> None:
    rng = random.Random(seed)
    pnr = pnr_forms(rng)
    text = f"{prefix} {pnr} {suffix}"
    out = redact(text)
    assert _digits(pnr) not in _digits(out)


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), prefix=st.text(max_size=20), suffix=st.text(max_size=20))
def test_every_generated_phone_number_is_caught(seed: int, prefix: str, suffix: str) -> None:
    phone = phone_forms(random.Random(seed))
    out = redact(f"{prefix} {phone} {suffix}")
    assert _digits(phone) not in _digits(out)


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["email", "plate", "address", "name"]))
def test_every_generated_value_of_the_other_kinds_is_caught(seed: int, kind: str) -> None:
    rng = random.Random(seed)
    value = GENERATORS[kind](rng)
    template = {
        "email": "Mejla {v} tack.",
        "plate": "Bilen {v} står här.",
        "address": "Han bor på {v} nu.",
        "name": "Tjejen heter {v} och bor nära.",
    }[kind]
    out = redact(template.format(v=value))
    assert value not in out
    assert TOKENS[kind] in out


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120))
def test_matching_view_maps_back_to_the_original(text: str) -> None:
    from trygghet_geo.output._redact import _match_view, _view_positions

    view = _match_view(text)
    starts, ends = _view_positions(text)
    assert len(starts) == len(ends) == len(view)
    assert all(0 <= a < b <= len(text) for a, b in zip(starts, ends, strict=True))
    assert starts == sorted(starts)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=200))
def test_redact_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once


# --- prepare_export -----------------------------------------------------------------------------------------


def _incidents() -> gpd.GeoDataFrame:
    """Six incidents in one 100 m cell, two alone in their cells, one hotspot member alone, one unlocated."""
    pts = [Point(1010 + i, 2020 + i) for i in range(6)] + [
        Point(1555.5, 2555.5),
        Point(3333.3, 2222.2),
        Point(5010.0, 5010.0),
        None,
    ]
    n = len(pts)
    return gpd.GeoDataFrame(
        {
            schema.RECORD_ID: [f"5000-K{100 + i}-24" for i in range(n)],
            schema.SOURCE: "polis.csv",
            schema.SOURCE_ROW: range(1, n + 1),
            schema.OCCURRED_AT: pd.date_range(
                "2024-03-30 22:15", periods=n, freq="17h", tz="Europe/Stockholm"
            ),
            schema.CATEGORY: [
                "stöld",
                "våld",
                "stöld",
                "narkotika",
                "stöld",
                "trafik",
                "våld",
                "stöld",
                "stöld",
                "övrigt",
            ],
            schema.PLACE_TEXT: ["Storgatan 5, ring 070-123 45 67"] * n,
            schema.PRECISION: "exact",
            schema.HOTSPOT_ID: [-1] * 8 + [0, -1],
            "Anteckning": "målsägande Anna Berg",
        },
        geometry=pts,
        crs="EPSG:3006",
        index=pd.Index(range(100, 100 + n), name="rad"),
    )


def test_shared_export_shows_only_dense_cells() -> None:
    inc = _incidents()
    before = inc.copy()
    out = prepare_export(inc, k=5, cell_m=100.0)
    pd.testing.assert_frame_equal(inc, before)
    assert out.mode == "shared"
    assert out.k == 5
    assert out.cell_m == 100.0
    assert len(out.points) == 6  # six in the dense cell; the hotspot member alone in its cell is hidden
    assert isinstance(out.points.index, pd.RangeIndex)
    assert set(out.points.columns) <= {
        schema.CATEGORY,
        schema.OCCURRED_AT,
        "month",
        schema.PRECISION,
        schema.HOTSPOT_ID,
        "geometry",
    }
    shown = {(p.x, p.y) for p in out.points.geometry}
    assert (1555.5, 2555.5) not in shown
    assert (3333.3, 2222.2) not in shown
    assert (5010.0, 5010.0) not in shown
    assert out.cells["n_events"].tolist() == [1, 1, 1]
    assert out.cells["n_våld"].sum() == 1
    assert out.cells["n_stöld"].sum() == 2
    assert out.cells.geometry.area.round(6).tolist() == [10000.0, 10000.0, 10000.0]
    assert out.cells.geometry.iloc[0].contains(Point(1555.5, 2555.5))
    assert out.cells["first_month"].tolist() == ["2024-04", "2024-04", "2024-04"]
    assert out.cells["last_month"].tolist() == ["2024-04", "2024-04", "2024-04"]
    undated = inc.copy()
    undated.loc[undated.index[6], schema.OCCURRED_AT] = pd.NaT
    cells = prepare_export(undated).cells
    assert cells["first_month"].tolist() == [None, "2024-04", "2024-04"]
    assert cells["last_month"].tolist() == [None, "2024-04", "2024-04"]
    assert out.counts["points_shown"] == 6
    assert out.counts["points_aggregated"] == 3
    assert out.counts["no_location"] == 1
    assert out.points["month"].tolist()[:2] == ["2024-03", "2024-03"]
    assert (out.points[schema.OCCURRED_AT].dropna().dt.day == 1).all()
    assert (out.points[schema.OCCURRED_AT].dt.hour == 0).all()
    assert str(out.points[schema.OCCURRED_AT].dt.tz) == "Europe/Stockholm"


def test_a_hotspot_never_loosens_k() -> None:
    """Being in a hotspot (which may be as small as min_samples) shows no point: only the cell count does."""
    inc = _incidents()
    mask = np.zeros(len(inc), dtype=bool)
    mask[6] = True
    out = prepare_export(inc, k=5, hotspot_mask=mask)
    shown = {(p.x, p.y) for p in out.points.geometry}
    assert (1555.5, 2555.5) not in shown
    assert (5010.0, 5010.0) not in shown
    assert out.counts["points_shown_in_hotspots"] == 0
    assert len(prepare_export(inc, k=1).points) == 9
    assert len(prepare_export(inc, k=7, hotspot_mask=np.ones(len(inc), bool)).points) == 0
    with pytest.raises(ValueError, match="hotspot_mask"):
        prepare_export(inc, hotspot_mask=[True, False])
    # a shown point keeps its hotspot id only when that hotspot holds k incidents
    inc[schema.HOTSPOT_ID] = [3, 3, 3, 3, 3, 7, 7, -1, -1, -1]
    ids = prepare_export(inc, k=5).points[schema.HOTSPOT_ID].tolist()
    assert ids == [3, 3, 3, 3, 3, -1]


@pytest.mark.parametrize("cell_m", [0.5, 10, 49.9, float("nan"), -100, float("inf")])
def test_cell_m_has_a_floor_in_shared_mode(cell_m: float) -> None:
    from trygghet_geo.errors import ParameterError

    with pytest.raises(ParameterError, match="cell_m"):
        prepare_export(_incidents(), cell_m=cell_m)
    if cell_m > 0 and np.isfinite(cell_m):
        assert len(prepare_export(_incidents(), mode="internal", cell_m=cell_m).points) == 9


def test_internal_mode_keeps_points_and_redacts_text() -> None:
    inc = _incidents()
    out = prepare_export(inc, mode="internal")
    assert len(out.points) == 9
    assert out.points.index.tolist() == list(range(100, 109))
    assert out.points[schema.PLACE_TEXT].iloc[0] == "Storgatan 5, ring [telefon]"
    assert out.points["Anteckning"].iloc[0] == "målsägande [namn]"  # the user's free-text column too
    assert out.points[schema.RECORD_ID].tolist() == inc[schema.RECORD_ID].iloc[:9].tolist()
    mixed = inc.assign(Extra=pd.Series([8112189876, "x", None] * 3 + [1], index=inc.index, dtype=object))
    extra = prepare_export(mixed, mode="internal").points["Extra"]
    assert extra.iloc[0] == 8112189876  # values that are not text stay as they are
    assert out.points[schema.OCCURRED_AT].iloc[0] == inc[schema.OCCURRED_AT].iloc[0]
    assert len(out.cells) == 0
    raw = prepare_export(inc, mode="internal", redact=False)
    assert raw.points[schema.PLACE_TEXT].iloc[0] == inc[schema.PLACE_TEXT].iloc[0]
    with pytest.raises(ValueError, match="redact=False"):
        prepare_export(inc, redact=False)


def test_observations_are_redacted_and_coarsened() -> None:
    obs = gpd.GeoDataFrame(
        {
            schema.RECORD_ID: ["o1", "o2"],
            schema.SOURCE_ROW: [1, 2],
            schema.OCCURRED_AT: pd.to_datetime(["2025-04-22 18:30", "2025-09-30 19:00"]).tz_localize(
                "Europe/Stockholm"
            ),
            schema.CATEGORY: ["belysning", "övrigt"],
            schema.PLACE_TEXT: ["Storgatan 5", "Parken"],
            schema.NOTE: ["Ring Per på 0701234567\u202e", None],
            schema.MEASURE: ["x" * 5000, "Mer ljus"],
            "Egen kolumn": ["hemligt", "hemligt"],
        },
        geometry=[Point(0, 0), None],
        crs="EPSG:3006",
    )
    before = obs.copy()
    out = prepare_export(_incidents(), obs)
    pd.testing.assert_frame_equal(obs, before)
    o = out.observations
    assert list(o.index) == [0, 1]
    assert schema.RECORD_ID not in o
    assert schema.SOURCE_ROW not in o
    assert "Egen kolumn" not in o
    assert o[schema.NOTE].iloc[0] == "Ring Per på [telefon]"
    assert pd.isna(o[schema.NOTE].iloc[1])
    assert len(o[schema.MEASURE].iloc[0]) == 2000
    assert o["month"].tolist() == ["2025-04", "2025-09"]
    assert o[schema.PLACE_TEXT].tolist() == ["Storgatan 5", "Parken"]


def test_geographic_input_uses_a_metric_grid() -> None:
    inc = _incidents().to_crs("EPSG:4326")
    out = prepare_export(inc, k=5)
    assert out.points.crs == inc.crs
    assert out.cells.crs == inc.crs
    assert len(out.points) == 6
    # the cells are 100 m squares in the metric CRS the grid was built in
    assert out.cells.to_crs("EPSG:3006").geometry.area.between(9000, 11000).all()


def test_bad_geometries_and_arguments() -> None:
    inc = _incidents()
    inc.loc[inc.index[7], "geometry"] = Point(float("inf"), 1.0)
    inc.loc[inc.index[6], "geometry"] = Point(1e300, -1e300)
    out = prepare_export(inc)
    assert out.counts["no_location"] == 3  # the two above and the row without geometry
    assert out.counts["points_aggregated"] + out.counts["points_shown"] + out.counts["no_location"] == len(
        inc
    )
    with pytest.raises(ValueError, match="mode"):
        prepare_export(inc, mode="public")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="k must"):
        prepare_export(inc, k=0)
    with pytest.raises(ValueError, match="cell_m"):
        prepare_export(inc, cell_m=float("nan"))
    with pytest.raises(SchemaError, match="GeoDataFrame"):
        prepare_export(pd.DataFrame(inc))
    with pytest.raises(SchemaError, match="CRS"):
        prepare_export(inc.set_crs(None, allow_override=True))


def test_empty_incidents() -> None:
    inc = _incidents().iloc[:0]
    out = prepare_export(inc)
    assert len(out.points) == 0
    assert len(out.cells) == 0


@settings(max_examples=60, deadline=None)
@given(
    xy=st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 1000)), min_size=0, max_size=60),
    k=st.integers(1, 6),
    cell_m=st.sampled_from([50.0, 100.0, 250.0]),
)
def test_export_invariants(xy: list[tuple[float, float]], k: int, cell_m: float) -> None:
    inc = gpd.GeoDataFrame(
        {schema.CATEGORY: ["stöld"] * len(xy)}, geometry=[Point(x, y) for x, y in xy], crs="EPSG:3006"
    )
    out = prepare_export(inc, k=k, cell_m=cell_m)
    assert out.counts["points_shown"] + out.counts["points_aggregated"] == len(xy)
    assert int(out.cells["n_events"].sum()) == out.counts["points_aggregated"]
    cell_of = Counter((int(np.floor(x / cell_m)), int(np.floor(y / cell_m))) for x, y in xy)
    for p in out.points.geometry:
        assert cell_of[(int(np.floor(p.x / cell_m)), int(np.floor(p.y / cell_m)))] >= k
    for c in out.cells.geometry:
        inside = sum(1 for x, y in xy if c.covers(Point(x, y)))
        assert inside >= 1


# --- the bundled sample: a shared export --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_run(demo):
    """The session's one run of the demo flow: its input files, the analysis and the shared map's HTML."""
    result, paths = demo
    return paths, result, paths["map"].read_text(encoding="utf-8")


def _hidden_mask(incidents: gpd.GeoDataFrame, k: int, cell_m: float) -> np.ndarray:
    """Located incidents in a grid cell with fewer than k located incidents, in a hotspot or not
    (recomputed)."""
    geom = incidents.geometry
    ok = (geom.geom_type == "Point").to_numpy() & ~geom.is_empty.to_numpy()
    x = np.where(ok, geom.x, np.nan)
    y = np.where(ok, geom.y, np.nan)
    ok &= np.isfinite(x) & np.isfinite(y)
    cell = pd.Series(
        [(int(a // cell_m), int(b // cell_m)) if o else None for a, b, o in zip(x, y, ok, strict=True)]
    )
    size = cell.map(cell[ok].value_counts()).fillna(0).to_numpy()
    return ok & (size < k)


def _shown_points(html: str) -> set[tuple[int, int]]:
    """The incident points of a map as quantised (lon, lat) integers, decoded as the map's script does."""
    m = re.search(r"TrygghetMap\.build\(\w+, (\{.*?\}), \{[^{}]*\}\);", html, re.S)
    assert m, "map payload not found"
    payload = json.loads(m.group(1))
    shown = set()
    for layer in payload["incidents"]:
        assert set(layer) <= {"key", "label", "color", "n", "xy", "m"}
        # "m": each shown point's month (the time filter), an index into the payload's months and nothing more
        assert all(isinstance(v, int) and -1 <= v < len(payload["months"]) for v in layer.get("m", []))
        xy = np.cumsum(np.asarray(layer["xy"], dtype=np.int64).reshape(-1, 2), axis=0)
        shown |= {(int(a), int(b)) for a, b in xy}
    return shown


@pytest.mark.slow
@pytest.mark.parametrize("k", [5, 25])
def test_shared_export_of_the_sample_hides_lone_incidents(sample_run, k: int) -> None:
    _, result, _ = sample_run
    inc = result.incidents
    assert inc.crs.is_projected
    hidden = _hidden_mask(inc, k, 100.0)
    assert hidden.sum() >= (1 if k == 5 else 20)
    out = prepare_export(inc, result.observations, k=k, cell_m=100.0)
    shown_xy = {(p.x, p.y) for p in out.points.geometry}
    leaked = [(p.x, p.y) for p in inc.geometry[hidden] if (p.x, p.y) in shown_xy]
    assert leaked == []
    assert out.counts["points_aggregated"] == int(hidden.sum())
    assert int(out.cells["n_events"].sum()) == int(hidden.sum())
    # no row ids, record ids, sources or free text of the incident records
    for table in (out.points, out.cells, out.observations):
        assert isinstance(table.index, pd.RangeIndex)
        for col in (
            schema.RECORD_ID,
            schema.SOURCE,
            schema.SOURCE_ROW,
            "Ärendenummer",
            "Plats",
            "Datum",
            "Tid",
        ):
            assert col not in table.columns
    assert schema.PLACE_TEXT not in out.points.columns
    assert (out.points[schema.OCCURRED_AT].dropna().dt.day == 1).all()


@pytest.mark.slow
def test_shared_map_of_the_sample_carries_no_ids_and_no_lone_coordinates(sample_run) -> None:
    from trygghet_geo.output import _mapdata

    raw, result, html_k5 = sample_run
    source = pd.read_csv(raw["incidents"], sep=None, engine="python", dtype=str)
    id_col = next(c for c in source.columns if "rende" in c)
    ids = source[id_col].dropna().tolist()
    assert len(ids) > 1000
    html_k25 = result.to_map(k=25).get_root().render()
    for k, html in ((5, html_k5), (25, html_k25)):
        assert not [i for i in ids if i in html]
        hidden = result.incidents[_hidden_mask(result.incidents, k, 100.0)].to_crs("EPSG:4326")
        assert len(hidden) >= (1 if k == 5 else 20)
        hidden_q = {(round(p.x * _mapdata.Q), round(p.y * _mapdata.Q)) for p in hidden.geometry}
        assert not (hidden_q & _shown_points(html)), f"k={k}: coordinates of lone incidents are in the map"
        # nor as plain numbers anywhere in the file
        for p in hidden.geometry[:300]:
            assert f"{p.x:.6f}" not in html or f"{p.y:.6f}" not in html
