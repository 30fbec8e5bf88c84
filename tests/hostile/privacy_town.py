"""A small synthetic town whose files carry personal data and formula text everywhere a user can type.

:func:`write_town` writes the files a municipality would hand over (an incident CSV, a safety-walk XLSX, a
street layer) and returns what they hold: the secrets planted in every free-text field and user column, the
formula-leading texts and headers, the ordinary notes that must come through unchanged, and the row counts.
:func:`shared_outputs` runs ``trygghet-geo analyze`` and ``trygghet-geo report`` on them (the CLI, in
process) and :func:`read_outputs` reads every shared file back as a reader would: HTML as the text and data
a browser shows, CSV with the ``csv`` module, XLSX with openpyxl.

Used by ``tests/hostile/test_privacy_outputs.py`` and ``bench/bench_privacy.py``.
"""

from __future__ import annotations

import csv
import html
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import privacy_corpus as pc

X0, Y0 = 674_000.0, 6_580_000.0  # SWEREF 99 TM, central Stockholm
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    ' =HYPERLINK("http://evil.example")',
    "\u3000=1+1",
    "\u200b=1+1",
    '＝HYPERLINK("http://evil.example")',
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
    "﹦1+1",
    "ok\r=cmd|' /C calc'!A0",
    "rad ett\n=1+1",
    "rad ett\r\n@SUM(1)",
    "a\u2028=1+1",
]
FORMULA_HEADER = '=HYPERLINK("http://evil.example","klick")'


@dataclass
class Town:
    """The written files and what they hold."""

    folder: Path
    incidents: Path
    observations: Path
    network: Path
    secrets: list[tuple[str, str]] = field(default_factory=list)
    ordinary: list[str] = field(default_factory=list)
    n_incidents: int = 0
    n_observations: int = 0


def _wgs84(x: list[float], y: list[float]) -> tuple[list[float], list[float]]:
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    lon, lat = t.transform(x, y)
    return list(lon), list(lat)


def _network(path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import LineString

    lines, names = [], []
    for i in range(7):  # a 7 x 7 grid of streets 100 m apart
        lines.append(LineString([(X0, Y0 + 100 * i), (X0 + 600, Y0 + 100 * i)]))
        names.append(
            ["Storgatan", "=Kyrkogatan", "@Skolgatan", "Parkvägen", "+Torggatan", "Åvägen", "Ekgränd"][i]
        )
        lines.append(LineString([(X0 + 100 * i, Y0), (X0 + 100 * i, Y0 + 600)]))
        names.append(f"Tvärgatan {i + 1}")
    gpd.GeoDataFrame({"name": names}, geometry=lines, crs="EPSG:3006").to_file(path, engine="pyogrio")


def write_town(folder: Path, *, n_secret: int = 200, n_ordinary: int = 200, seed: int = 0) -> Town:
    """Write the town's files: incidents with a dense spot, small groups (a hotspot at ``min_samples`` 2
    but under ``k``) and lone incidents; observations carrying the secret and the ordinary notes."""
    import openpyxl

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    town = Town(folder, folder / "brott.csv", folder / "vandring.xlsx", folder / "gator.geojson")
    _network(town.network)
    notes = pc.secret_notes(n_secret, seed=seed + 1)
    town.secrets = [s for n in notes for s in n.secrets]
    town.ordinary = pc.ordinary_notes(n_ordinary, seed=seed + 2)

    # incidents: 30 in one spot, groups of 3 (a cluster at min_samples 2, under k = 5), lone ones, and rows
    # without coordinates whose place text and user columns carry secrets
    xs, ys = [], []
    xs += [X0 + 300 + rng.uniform(-20, 20) for _ in range(30)]
    ys += [Y0 + 300 + rng.uniform(-2, 2) for _ in range(30)]
    for gx in (110.0, 510.0):
        xs += [X0 + gx + rng.uniform(0, 6) for _ in range(3)]
        ys += [Y0 + 100 + rng.uniform(-1, 1) for _ in range(3)]
    for _ in range(12):
        xs.append(X0 + rng.choice([0, 200, 400, 600]) + rng.uniform(-1, 1))
        ys.append(Y0 + rng.uniform(0, 600))
    lon, lat = _wgs84(xs, ys)
    header = [
        "Ärendenummer",
        "Brottstyp",
        "Datum",
        "Plats",
        "Latitud",
        "Longitud",
        "Anteckning",
        FORMULA_HEADER,
    ]
    rows = []
    n_located = len(xs)
    n_rows = n_located + max(20, n_secret // 4)
    for i in range(n_rows):
        note = notes[i % len(notes)].text
        located = i < n_located
        rows.append([
            f"5000-K{100000 + i}-24",
            rng.choice(["Stöld", "Misshandel", "Narkotikabrott", "Skadegörelse"]),
            f"{2023 + i % 3}-{1 + (i // 3) % 12:02d}-{2 + i % 26:02d} {i % 24:02d}:{i % 60:02d}",
            ("Storgatan 3, " + note) if located else note,
            f"{lat[i]:.6f}".replace(".", ",") if located else "",
            f"{lon[i]:.6f}".replace(".", ",") if located else "",
            notes[(i + 7) % len(notes)].text,
            FORMULAS[i % len(FORMULAS)],
        ])  # fmt: skip
    with town.incidents.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    town.n_incidents = len(rows)

    # observations: every secret note and every ordinary note, on the streets; a few rows unusable
    texts = [n.text for n in notes] + town.ordinary
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Datum", "Plats", "Kategori", "Anteckning", "Åtgärdsförslag", "Latitud", "Longitud",
                  "Anmälarens personnummer", FORMULA_HEADER])  # fmt: skip
    ox = [X0 + rng.choice([100, 300, 500]) + rng.uniform(-3, 3) for _ in texts]
    oy = [Y0 + rng.uniform(5, 595) for _ in texts]
    olon, olat = _wgs84(ox, oy)
    pnr_numbers = [int(pc.personnummer(rng)[1]) for _ in range(8)]
    town.secrets += [("personnummer", f"{v:010d}") for v in pnr_numbers]
    for i, text in enumerate(texts):
        secret_note = i < len(notes)
        unusable = i % 17 == 5
        sheet.append([
            f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}",
            text if unusable else "Storgatan 3",
            rng.choice(["Belysning", "Vegetation", "Klotter", "Nedskräpning", "Trafikmiljö", "Otrygghet"]),
            text,
            notes[(i + 3) % len(notes)].text if secret_note else text,
            None if unusable else olat[i],
            None if unusable else olon[i],
            pnr_numbers[i % len(pnr_numbers)],
            FORMULAS[i % len(FORMULAS)].replace("\r", "\n"),
        ])  # fmt: skip
    book.save(town.observations)
    town.n_observations = len(texts)
    return town


def shared_outputs(town: Town, out: Path, *, min_samples: int = 2, n_simulations: int = 9) -> dict[str, Path]:
    """Run ``trygghet-geo analyze`` and ``trygghet-geo report`` (in process) and return every shared file."""
    from trygghet_geo.cli import main

    args = ["--incidents", str(town.incidents), "--observations", str(town.observations),
            "--network", str(town.network), "--min-samples", str(min_samples), "--n-simulations",
            str(n_simulations)]  # fmt: skip
    code = main(["--no-progress", "analyze", str(town.incidents), *args[2:], "--out", str(out)])
    assert code == 0, code
    code = main(["--no-progress", "report", *args, "--eps-m", "100", "--out", str(out), "--name", "rapport"])
    assert code == 0, code
    return {
        "map": out / "trygghetskarta.html",
        "places_csv": out / "platser.csv",
        "places_xlsx": out / "platser.xlsx",
        "left_out_csv": out / "utelamnade.csv",
        "left_out_obs_csv": out / "utelamnade_synpunkter.csv",
        "report": out / "rapport.html",
        "report_xlsx": out / "rapport.xlsx",
    }


# --- reading outputs back -----------------------------------------------------------------------------------
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.S | re.I)
_PAYLOAD = re.compile(r"TrygghetMap\.build\(\w+, (\{.*?\}), \{[^{}]*\}\);", re.S)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def map_payload(page: str) -> dict[str, Any]:
    """The data a map page draws (the JSON given to the map's script)."""
    m = _PAYLOAD.search(page)
    assert m, "no map payload in the page"
    payload: dict[str, Any] = json.loads(m.group(1))
    return payload


def html_text(page: str) -> list[str]:
    """What a browser can show of a page: its text outside scripts and styles, every string of the map's
    data, and the same for a map embedded through ``srcdoc``."""
    out: list[str] = []
    for doc in re.findall(r'srcdoc="([^"]*)"', page):
        out += html_text(html.unescape(doc))
    page_wo = re.sub(r'srcdoc="[^"]*"', "", page)
    if _PAYLOAD.search(page_wo):
        out += _strings(map_payload(page_wo))
    out.append(html.unescape(re.sub(r"<[^>]+>", " ", _SCRIPT.sub(" ", page_wo))))
    return out


def csv_cells(path: Path) -> list[list[str]]:
    """Rows of a CSV as Python's ``csv`` module reads them (the project's dialect: ``;``, UTF-8 with BOM)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def xlsx_cells(path: Path) -> list[tuple[str, Any, str]]:
    """Every cell of every sheet of an XLSX as (sheet, value, openpyxl data type), read with openpyxl."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    return [(ws.title, c.value, c.data_type) for ws in book.worksheets for row in ws.iter_rows() for c in row]


def formula_like(text: str) -> bool:
    """Whether a cell's text would run as a formula: it starts, after blanks or invisible characters, with
    ``=``, ``+``, ``-``, ``@`` (or their full-width and small forms), a tab or a line break; a plain number
    (``-1,5``) is no formula."""
    import unicodedata

    if re.fullmatch(r"-?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?", text):
        return False
    if text[:1] in ("\t", "\r", "\n"):
        return True
    stripped = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc")).lstrip(" \u00a0\u3000")
    first = stripped[:1]
    return first != "" and (unicodedata.normalize("NFKC", first) in ("=", "+", "-", "@") or first == "\u2212")


def read_outputs(paths: dict[str, Path]) -> dict[str, Any]:
    """Every shared file read back: ``text`` (name -> everything readable), ``csv`` and ``xlsx`` cells."""
    text: dict[str, str] = {}
    tables: dict[str, list[list[str]]] = {}
    books: dict[str, list[tuple[str, Any, str]]] = {}
    for name, path in paths.items():
        if path.suffix == ".html":
            text[name] = "\n".join(html_text(path.read_text(encoding="utf-8")))
        elif path.suffix == ".csv":
            tables[name] = csv_cells(path)
            text[name] = "\n".join(";".join(r) for r in tables[name])
        else:
            books[name] = xlsx_cells(path)
            text[name] = "\n".join(str(v) for _, v, _ in books[name] if v is not None)
    return {"text": text, "csv": tables, "xlsx": books}
