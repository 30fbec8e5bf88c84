"""Synthetic files laid out exactly as delivered: a police case-system extract and a safety-walk workbook.

The extract: cp1252, CRLF, ``;``, two title lines and a blank line padded with ``;`` above the header, the
case-system header (``Ärendenummer;Brottskod;Brottsbenämning;Brott begånget fr.o.m. datum;kl;t.o.m.
datum;kl;Gatuadress;Kommun;X-koordinat;Y-koordinat``), some ärenden with two brott, from–to dates and times
(some times blank), SWEREF 99 TM coordinates for some rows and only an address for others, a footer
"Antal rader: N". Places are addresses of the bundled sample's Helsinki streets, so the coordinates lie
outside Sweden and the files are read with ``crs="EPSG:3006"``.

Every expectation (category, kept rows, time known) is written down here by hand, not derived from the
reader's tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

HEADER = (
    "Ärendenummer;Brottskod;Brottsbenämning;Brott begånget fr.o.m. datum;kl;t.o.m. datum;kl;Gatuadress;"
    "Kommun;X-koordinat;Y-koordinat"
)
TOWN = "Helsingfors"
AMBIGUOUS_TEXT = "Brunnsgatan"  # two streets of that name 300 m apart in the sample: the geocoder flags it

# Offence texts as police extracts write them, a code in the style of the case system, and the category a
# coordinator expects (olaga hot, ofredande, sexualbrott and knivlagen: våld, as the documentation says).
OFFENCES = (
    ("9301", "Misshandel, ej grov, mot man 18 år eller äldre, obekant med offret, utomhus", "våld"),
    ("0401", "Olaga hot mot man 18 år eller äldre, obekant", "våld"),
    ("0619", "Sexuellt ofredande mot kvinna 18 år eller äldre", "våld"),
    ("1620", "Förargelseväckande beteende", "ordningsstörning"),
    ("5803", "Brott mot knivlagen", "våld"),
    ("0857", "Stöld, ej grov, ur eller från motordrivet fordon", "stöld"),
    ("0866", "Snatteri", "stöld"),
    ("1206", "Skadegörelse, ej klotter", "skadegörelse"),
    ("5010", "Narkotikabrott, innehav", "narkotika"),
    ("5011", "Ringa narkotikabrott, eget bruk", "narkotika"),
    ("3005", "Rattfylleri", "trafik"),
    ("9801", "Rån, ej väpnat, mot privatperson, utomhus", "våld"),
    ("0901", "Bedrägeri", "övrigt"),
)


@dataclass(frozen=True)
class ExtractTruth:
    """What the extract holds, row by row in file order (footer not included)."""

    rows: pd.DataFrame  # case, code, text, category, time_known, kind ("street", "municipality", "ambiguous")
    n_cases: int


def _addresses(gazetteer: object) -> pd.DataFrame:
    entries = gazetteer.entries  # type: ignore[attr-defined]
    addr = entries[entries["kind"] == "address"][["name", "lon", "lat", "x", "y"]]
    addr = addr[addr["name"].str.fullmatch(r"[^\d]+ \d+")].drop_duplicates("name")
    return addr.sort_values("name").reset_index(drop=True)


def _hotspot_pools(addr: pd.DataFrame, n: int, rng: np.random.Generator) -> list[pd.DataFrame]:
    """``n`` groups of addresses within 70 m of a centre address, centres at least 400 m apart."""
    xy = addr[["x", "y"]].to_numpy()
    pools: list[pd.DataFrame] = []
    centres: list[np.ndarray] = []
    for i in rng.permutation(len(addr)):
        d = np.hypot(*(xy - xy[i]).T)
        near = addr[d <= 70.0]
        if len(near) >= 4 and all(np.hypot(*(xy[i] - c)) > 400 for c in centres):
            pools.append(near)
            centres.append(xy[i])
        if len(pools) == n:
            break
    return pools


def write_police_extract(path: Path, gazetteer: object, *, seed: int = 7) -> ExtractTruth:
    """Write the extract to ``path`` and return what it holds."""
    from pyproj import Transformer

    rng = np.random.default_rng(seed)
    addr = _addresses(gazetteer)
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    cases: list[tuple[str, pd.Series | None, str]] = []  # (case number, address row, kind)
    for k, pool in enumerate(_hotspot_pools(addr, 3, rng)):
        for j in range(16):
            cases.append((f"5000-K{100000 + 100 * k + j}-25", pool.iloc[rng.integers(len(pool))], "street"))
    for j in range(40):
        cases.append((f"5000-K{200000 + j}-25", addr.iloc[rng.integers(len(addr))], "street"))
    for j in range(5):
        cases.append((f"5000-K{300000 + j}-25", None, "municipality"))
    for j in range(7):
        cases.append((f"5000-K{400000 + j}-25", None, "ambiguous"))
    lines = [
        "Utdrag ur ärendesystemet – brott i Helsingfors (syntetiska exempeldata)" + ";" * 10,
        "Urval: 2025-01-01 – 2025-12-31, utskrivet 2026-01-10" + ";" * 10,
        ";" * 10,
        HEADER,
    ]
    truth = []
    start0 = pd.Timestamp("2025-01-01")
    for case, place, kind in cases:
        two = rng.random() < 0.25 and kind == "street"
        picks = rng.choice(len(OFFENCES), size=2 if two else 1, replace=False)
        start = start0 + pd.Timedelta(days=int(rng.integers(0, 360)), minutes=int(rng.integers(0, 1440)))
        has_time = rng.random() < 0.8
        has_end = rng.random() < 0.5
        end = start + pd.Timedelta(minutes=int(rng.integers(30, 3000)))
        with_xy = kind == "street" and rng.random() < 0.4
        for p in picks:
            code, text, category = OFFENCES[p]
            if kind == "street":
                assert place is not None
                street, town = str(place["name"]), TOWN
            elif kind == "municipality":
                street, town = ("" if len(truth) % 2 else TOWN), TOWN
            else:
                street, town = AMBIGUOUS_TEXT, TOWN
            x = y = ""
            if with_xy:
                assert place is not None
                e, n = to_sweref.transform(float(place["lon"]) + rng.normal(0, 5e-5), float(place["lat"]))
                x, y = f"{n:.0f}", f"{e:.0f}"  # Swedish order: X is the northing
            cells = [
                case, code, text, start.strftime("%Y-%m-%d"), start.strftime("%H:%M") if has_time else "",
                end.strftime("%Y-%m-%d") if has_end else "", end.strftime("%H:%M") if has_end else "",
                street, town, x, y,
            ]  # fmt: skip
            lines.append(";".join(cells))
            truth.append({"case": case, "code": code, "text": text, "category": category,
                          "time_known": has_time, "has_end": has_end, "kind": kind,
                          "with_xy": with_xy, "start": start,
                          "lon": float(place["lon"]) if place is not None else np.nan,
                          "lat": float(place["lat"]) if place is not None else np.nan})  # fmt: skip
    lines.append(f"Antal rader: {len(truth)}" + ";" * 10)
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return ExtractTruth(pd.DataFrame(truth), len(cases))


# --- the safety-walk workbook ------------------------------------------------------------------------------
WALK_HEADER = ("Plats", "Kategori", "Synpunkt", "Åtgärdsförslag", "Status", "Datum")


def write_walk_workbook(path: Path, gazetteer: object, *, seed: int = 8) -> pd.DataFrame:
    """A walk's workbook with a title row, a blank row, then the header and 32 remarks; returns what each
    remark is (``kind``: problem, resolved, positive, failed, uncertain, municipality)."""
    from openpyxl import Workbook

    rng = np.random.default_rng(seed)
    addr = _addresses(gazetteer)
    book = Workbook()
    sheet = book.active
    sheet.append(["Trygghetsvandring i centrum 2025-05-12 (syntetiska exempeldata)"])
    sheet.append([])
    sheet.append(list(WALK_HEADER))
    kinds = ["problem"] * 16 + ["resolved"] * 5 + ["positive"] * 4 + ["failed"] * 3 + ["uncertain"] * 2
    kinds += ["municipality"] * 2
    truth = []
    for i, kind in enumerate(kinds):
        place = str(addr.iloc[rng.integers(len(addr))]["name"])
        category, note, measure, status = "Belysning", f"Mörkt och otryggt vid port {i}", "Fler lampor", "Ny"
        if kind == "resolved":
            status = "Åtgärdad"
        elif kind == "positive":
            note, measure, status = "Nya belysningen upplevs som mycket bättre", "", ""
        elif kind == "failed":
            place = f"Bakom den gamla kiosken nummer {i}"
        elif kind == "uncertain":
            place, note = AMBIGUOUS_TEXT, f"Trasig lampa nummer {i}"
        elif kind == "municipality":
            place, note = TOWN, f"Otryggt i stort, punkt {i}"
        if kind == "problem" and i % 3 == 0:
            category, note, status = "Nedskräpning", "Mycket skräp vid bänkarna", "Pågår"
        sheet.append([place, category, note, measure, status, pd.Timestamp("2025-05-12").to_pydatetime()])
        truth.append({"place": place, "kind": kind, "status": status})
    book.save(path)
    return pd.DataFrame(truth)
