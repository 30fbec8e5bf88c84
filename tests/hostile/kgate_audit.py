"""The k-rule audit, read as a reader would: every shared file a command writes, parsed back by its own
format's library, and every count tied to a place, street segment, cell or lixel checked.

:func:`run_commands` runs every command with a shared mode (``analyze``, ``report``, ``hotlist``,
``lagesbild``, ``density``, ``trend``, ``plan followup``) on a generated town (``kgate_town``), in process.
:func:`audit` reads what they wrote (the map's data as JSON, HTML tables as a browser lays them out, CSV with
``csv``, XLSX with python-calamine, GeoPackage with pyogrio, Word with python-docx) and lists every failure
of the k rule by class:

- ``small``: a count of 1..k-1 incidents shown for one place, segment, cell or lixel;
- ``subtract``: a total minus the parts shown beside it, or two nested windows (3 months inside 6), give
  1..k-1;
- ``derived``: a count of 1..k-1 that follows from what is shown (a window's change in percent and its count
  give the window before; a density shown where its count is hidden);
- ``score``: a place whose incident counts are hidden but whose score, or its incident parts, is shown
  (the score is those counts scaled);
- ``point``: a row of a left-out table that gives its incident's exact coordinates (one incident alone at
  a point, which the shared map shows only where k share a cell).

The rules are the reader's, written here from the files' headers and texts, not taken from the package.
Used by ``tests/hostile/test_kgate_audit.py``.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import kgate_town as kt

Failure = tuple[str, str, str]  # class, file, what

# the reason's category words (Swedish plural as the reason writes them) -> the places table's category
NOUNS = {
    "narkotikabrott": "narkotika",
    "stölder": "stöld",
    "stöld": "stöld",
    "trafikbrott": "trafik",
    "skadegörelser": "skadegörelse",
    "skadegörelsebrott": "skadegörelse",
    "skadegörelse": "skadegörelse",
    "våldsbrott": "våld",
    "ordningsstörningar": "ordningsstörning",
    "övriga": "övrigt",
    "övriga brott": "övrigt",
}
_RECENT = re.compile(r"(<?\d+) ([\wåäö ]+?) senaste 6 mån(?: \(([+−-]?\d+|±0) %\))?")
_FEW = re.compile(r"få polisanmälningar \((<?\d+) senaste 12 mån\)")
_PERIOD = re.compile(r"(\d+) händelser under perioden")
_TREND6 = re.compile(r"^(<?\d+) senaste 6 mån(?: \(([+−-]?\d+|±0) %\))?")
_HALVES = re.compile(r"(\d+) andra halvan mot (\d+) första")


# --- running ------------------------------------------------------------------------------------------------
def run_commands(town: kt.Town, out: Path) -> dict[str, int]:
    """Run every command with a shared mode, in its default (shared) mode; their exit codes."""
    from trygghet_geo.cli import main

    inc, obs, net = str(town.incidents), str(town.observations), str(town.network)
    runs = {
        "analyze": ["analyze", inc, "--observations", obs, "--network", net, "--n-simulations", "0"],
        "report": ["report", "--incidents", inc, "--observations", obs, "--network", net,
                   "--n-simulations", "0"],
        "hotlist": ["hotlist", inc, "--observations", obs, "--network", net, "--days", "28"],
        "lagesbild": ["lagesbild", "--incidents", inc, "--observations", obs, "--network", net,
                      "--areas", str(town.areas), "--n-simulations", "0", "--no-pdf"],
        "density": ["density", inc, "--network", net, "--bandwidth-m", "150"],
        "trend": ["trend", inc, "--network", net, "--simulations", "9"],
    }  # fmt: skip
    codes = {name: main(["--no-progress", *argv, "--out", str(out / name)]) for name, argv in runs.items()}
    # the measures register: one measure per ranked place, then its follow-up in the shared mode
    register = out / "register.csv"
    codes["plan_init"] = main(["--no-progress", "plan", "init", str(register), "--ranking",
                               str(out / "analyze" / "platser.csv")])  # fmt: skip
    if codes["plan_init"] == 0:
        fill_register(register)
        codes["plan"] = main(["--no-progress", "plan", "followup", str(register), "--incidents", inc,
                              "--observations", obs, "--network", net, "--out",
                              str(out / "plan" / "atgardsuppfoljning.xlsx")])  # fmt: skip
    return codes


def fill_register(path: Path, start: str = "2024-06-28") -> None:
    """Give every row of an empty register a measure started at ``start`` (default a year before the
    town's default end)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head = rows[0]
    for row in rows[1:]:
        row += [""] * (len(head) - len(row))
        for i, name in enumerate(head):
            low = name.lower()
            if low.startswith("åtgärd") and not row[i]:
                row[i] = "Ökad belysning"
            elif low.startswith("start"):
                row[i] = start
            elif low.startswith("status"):
                row[i] = "pågår"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(rows)


# --- reading ------------------------------------------------------------------------------------------------
class _Tables(HTMLParser):
    """Every ``<table>`` of a page as rows of cell texts (``th`` and ``td`` alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
            self._depth += 1
        elif tag == "tr" and self._depth:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._depth:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(page: str) -> list[list[list[str]]]:
    parser = _Tables()
    parser.feed(re.sub(r'srcdoc="[^"]*"', "", page))
    return [t for t in parser.tables if t]


def map_payloads(page: str) -> list[dict[str, Any]]:
    """The data of every map in a page: its own and one embedded through ``srcdoc``."""
    out = []
    for doc in re.findall(r'srcdoc="([^"]*)"', page):
        out += map_payloads(html.unescape(doc))
    decoder = json.JSONDecoder()
    page = re.sub(r'srcdoc="[^"]*"', "", page)
    for m in re.finditer(r"TrygghetMap\.build\(\w+, ", page):
        out.append(decoder.raw_decode(page, m.end())[0])
    return out


def csv_table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def xlsx_tables(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def docx_tables(path: Path) -> list[list[list[str]]]:
    import docx

    d = docx.Document(str(path))
    return [[[c.text.strip() for c in row.cells] for row in t.rows] for t in d.tables]


def gpkg_rows(path: Path) -> list[dict[str, Any]]:
    import pyogrio

    frame = pyogrio.read_dataframe(path, read_geometry=False)
    return frame.to_dict("records")  # type: ignore[no-any-return]


# --- the reader's rules -------------------------------------------------------------------------------------
def number(value: Any) -> float | None:
    """A count as a reader takes it from a cell: a number, or None (empty, "<k", "–", text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip().replace("\u2212", "-").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


def small(n: float | None, k: int) -> bool:
    return n is not None and 0 < round(n, 6) < k


def hidden(value: Any) -> bool:
    """A cell a reader sees as withheld: empty, "<k", a dash or the statistics offices' ".."."""
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value).strip()
        in (
            "",
            "–",
            "-",
            "nan",
            "<NA>",
            "..",
        )
        or str(value).strip().startswith("<")
    )


def before_count(n: float | None, pct: Any) -> float | None:
    """The window before, from a window's count and its change in percent."""
    p = number(str(pct).replace("±", "")) if pct is not None else None
    if n is None or p is None or p <= -100:
        return None
    return n * 100.0 / (100.0 + p)


class Audit:
    """Failures found, by class, with where."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.failures: list[Failure] = []
        self.checked = Counter[str]()

    def fail(self, kind: str, where: str, what: str) -> None:
        self.failures.append((kind, where, what))

    def count(self, n: Any, where: str, what: str) -> None:
        self.checked["counts"] += 1
        if small(number(n), self.k):
            self.fail("small", where, f"{what} = {n}")

    def parts(self, total: Any, parts: list[Any], where: str, what: str) -> None:
        """``total`` minus the ``parts`` shown (the rest hidden or 0) must not be 1..k-1."""
        t = number(total)
        if t is None or hidden(total) or not parts:
            return
        self.checked["subtractions"] += 1
        shown = [number(p) for p in parts if not hidden(p)]
        rest = t - sum(p for p in shown if p is not None)
        if small(rest, self.k):
            self.fail("subtract", where, f"{what}: {total} - {parts} = {rest:g}")

    def chain(self, values: list[Any], where: str, what: str) -> None:
        """Nested windows (each inside the next): no two shown differ by 1..k-1."""
        shown = [number(v) for v in values if not hidden(v) and number(v) is not None]
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                self.checked["subtractions"] += 1
                if a is not None and b is not None and small(b - a, self.k):
                    self.fail("subtract", where, f"{what}: {values}: {b:g} - {a:g}")

    def trend(self, n: Any, pct: Any, where: str, what: str) -> None:
        if hidden(n) or pct is None or hidden(pct):
            return
        self.checked["derived"] += 1
        before = before_count(number(n), pct)
        if before is not None and 0.5 < before < self.k - 0.5:
            self.fail("derived", where, f"{what}: {n} at {pct} % gives {before:.1f} before")

    def reason(self, text: Any, where: str, row: dict[str, Any] | None = None) -> None:
        """The reason line's counts, and what they give with the row's own counts."""
        if not isinstance(text, str):
            return
        for m in _RECENT.finditer(text):
            n, noun, pct = m.group(1), m.group(2).strip(), m.group(3)
            self.count(n, where, f"reason '{m.group(0)}'")
            self.trend(n, pct, where, f"reason '{m.group(0)}'")
            if row is not None and not hidden(n):
                self.parts(row.get("w6"), [n], where, f"6 months minus the reason's '{m.group(0)}'")
                cat = NOUNS.get(noun)
                if cat is not None:
                    self.parts(row.get("cats", {}).get(cat), [n], where, f"{cat} minus '{m.group(0)}'")
        for m in _FEW.finditer(text):
            self.count(m.group(1), where, f"reason '{m.group(0)}'")
        for m in _PERIOD.finditer(text):
            self.count(m.group(1), where, f"reason '{m.group(0)}'")

    def summary(self) -> dict[str, int]:
        return dict(Counter(kind for kind, _, _ in self.failures))


# --- the files ----------------------------------------------------------------------------------------------
_WINDOW = re.compile(r"^Händelser senaste (\d+) mån$")
_CHANGE = re.compile(r"^Förändring (\d+) mån mot föregående \(%\)$")


def places_table(a: Audit, rows: list[list[Any]], where: str) -> dict[int, dict[str, Any]]:
    """A places table (``platser.csv``/``.xlsx``, the report's sheet): its facts by rank, for the map."""
    if not rows:
        return {}
    head = [str(h) for h in rows[0]]
    facts: dict[int, dict[str, Any]] = {}
    for r in rows[1:]:
        cell = dict(zip(head, r, strict=False))
        at = f"{where} rank {cell.get('Rang')}"
        total = cell.get("Händelser under perioden")
        cats = {h.split(": ", 1)[1]: cell[h] for h in head if h.startswith("Händelser: ")}
        windows = {int(m.group(1)): cell[h] for h in head if (m := _WINDOW.match(h))}
        for name, v in [
            ("total", total),
            *cats.items(),
            *windows.items(),
            ("Tid saknas", cell.get("Tid saknas")),
        ]:
            a.count(v, at, str(name))
        a.parts(total, list(cats.values()), at, "period minus categories")
        a.parts(total, [cell.get("Tid saknas")], at, "period minus no time of day")
        a.chain([windows[w] for w in sorted(windows)] + [total], at, "windows")
        for h in head:
            if m := _CHANGE.match(h):
                a.trend(windows.get(int(m.group(1))), cell[h], at, h)
        row = {"total": total, "cats": cats, "w6": windows.get(6), "w12": windows.get(12)}
        a.reason(cell.get("Motivering"), at, row)
        counts = [total, *cats.values(), *windows.values()]
        if any(hidden(v) for v in counts) and not hidden(total if total is not None else ""):
            pass
        if any(hidden(v) for v in counts):
            for h in ("Poäng", "Poäng: brott", "Poäng: aktualitet"):
                if h in cell and not hidden(cell[h]):
                    a.fail("score", at, f"{h} = {cell[h]} with a hidden count")
        rank = number(cell.get("Rang"))
        if rank is not None:
            facts[int(rank)] = row
    return facts


def map_payload(a: Audit, payload: dict[str, Any], where: str, facts: dict[int, dict[str, Any]]) -> None:
    cells = payload.get("cells") or {}
    for t in cells.get("t", []) or []:
        a.count(re.sub(r"\D", "", str(t)) if not str(t).startswith("<") else None, f"{where} cells", "cell")
    for item in payload.get("hotspots", []) or []:
        at = f"{where} place {item.get('rank')} ({item.get('name')})"
        counts = [n for _, n in item.get("counts", [])]
        for label, n in item.get("counts", []):
            a.count(n, at, f"popup {label}")
        row = facts.get(int(item.get("rank") or 0), {})
        a.parts(row.get("total"), counts, at, "period (places table) minus the popup's categories")
        m = _TREND6.match(str(item.get("trend", "")))
        if m:
            a.count(m.group(1), at, f"popup trend '{m.group(0)}'")
            a.trend(m.group(1), m.group(2), at, f"popup trend '{m.group(0)}'")
            a.chain([m.group(1), row.get("total")], at, "popup 6 months and the period")
        if h := _HALVES.search(str(item.get("trend", ""))):
            a.count(h.group(1), at, "later half")
            a.count(h.group(2), at, "earlier half")
            for w in (row.get("w12"), row.get("w6")):  # windows of other ends: their difference
                later, window = number(h.group(1)), number(w) if not hidden(w) else None
                if later is not None and window is not None:
                    a.checked["subtractions"] += 1
                    if small(abs(later - window), a.k):
                        a.fail("subtract", at, f"later half {later:g} and a window of {window:g}")
        a.reason(item.get("reason"), at, {**row, "w6": m.group(1) if m else row.get("w6")})
        counts_of_row = [row.get("total"), *row.get("cats", {}).values()]
        if row and any(hidden(v) for v in counts_of_row) and str(item.get("score", "")).strip():
            a.fail("score", at, f"popup score {item['score']} with a hidden count")


def report_tables(a: Audit, tables: list[list[list[str]]], where: str) -> None:
    """The tables of an HTML page or a Word file, recognised by their headers."""
    for t in tables:
        head = t[0]
        for r in t[1:]:
            cell = dict(zip(head, r, strict=False))
            at = f"{where} {cell.get('Plats', cell.get('Rang', ''))}"
            if "Motivering" in cell:
                a.reason(cell["Motivering"], at)
            if "Händelser" in cell and ("Rang" in cell or "Plats" in cell):
                a.count(cell["Händelser"], at, "Händelser")
                if "Senaste 6 mån" in cell:
                    a.count(cell["Senaste 6 mån"], at, "Senaste 6 mån")
                    a.chain([cell["Senaste 6 mån"], cell["Händelser"]], at, "6 months and the period")
                    a.trend(cell["Senaste 6 mån"], cell.get("Trend 6 mån (%)"), at, "Trend 6 mån")
            if "Före" in cell and "Efter" in cell:
                followup_row(a, cell, at)
            if "Område" in cell and "Händelser" in cell:
                area_row(a, head, cell, at)
            if "Händelser före" in cell:  # the measures' follow-up (plan followup)
                plan_row(a, cell, at)
            if "Senaste perioden" in cell:
                a.count(cell["Senaste perioden"], at, "Senaste perioden")
                a.count(cell.get("Jämförelseperioden"), at, "Jämförelseperioden")
                expected = number(cell.get("Förväntat"))
                if hidden(cell.get("Jämförelseperioden")) and expected is not None:
                    a.fail("derived", at, f"expected {expected} shown beside a hidden baseline")


def followup_row(a: Audit, cell: dict[str, Any], at: str) -> None:
    before, after = cell.get("Före"), cell.get("Efter")
    a.count(before, at, "Före")
    a.count(after, at, "Efter")
    for side, total in (("Före", before), ("Efter", after)):
        parts = [v for h, v in cell.items() if h.startswith(f"{side}: ")]
        for p in parts:
            a.count(p, at, f"{side} per category")
        a.parts(total, parts, at, f"{side} minus its categories")
    for h in ("Övriga kommunen före", "Övriga kommunen efter"):
        if h in cell:
            a.count(cell[h], at, h)
    change = cell.get("Förändring (%)")
    if (hidden(before) or hidden(after)) and change is not None and not hidden(change):
        b, f = number(before), number(after)
        if b is not None or f is not None:  # one count and the change give the other
            a.checked["derived"] += 1
            a.fail("derived", at, f"change {change} beside Före {before}, Efter {after}")


def area_row(a: Audit, head: list[str], cell: dict[str, Any], at: str) -> None:
    """An area (district) of the summary: its count, its categories (the columns after it) and its rate."""
    total = cell["Händelser"]
    a.count(total, at, "Händelser")
    start = head.index("Händelser") + 1
    end = head.index("Per 1 000 inv.") if "Per 1 000 inv." in head else len(head)
    parts = [cell[h] for h in head[start:end]]
    for h in head[start:end]:
        a.count(cell[h], at, h)
    a.parts(total, parts, at, "area minus its categories")
    rate, people = number(cell.get("Per 1 000 inv.")), number(cell.get("Invånare"))
    if hidden(total) and rate is not None and people:
        a.checked["derived"] += 1
        if small(rate * people / 1000, a.k):
            a.fail("derived", at, f"rate {rate} per 1 000 of {people} gives {rate * people / 1000:.1f}")


def plan_row(a: Audit, cell: dict[str, Any], at: str) -> None:
    before, after = cell.get("Händelser före"), cell.get("Händelser efter")
    a.count(before, at, "Händelser före")
    a.count(after, at, "Händelser efter")
    change = cell.get("Förändring (%)")
    if (hidden(before) != hidden(after)) and change is not None and not hidden(change):
        a.checked["derived"] += 1
        a.fail("derived", at, f"change {change} beside before {before}, after {after}")


def left_out(a: Audit, rows: list[list[str]], where: str) -> None:
    """Rows of a left-out table: none may carry a longitude and a latitude of the town (Stockholm's)."""
    for i, row in enumerate(rows[1:], start=2):
        values = [v for v in (number(c) for c in row) if v is not None]
        a.checked["rows"] += 1
        if any(17.5 < v < 18.5 for v in values) and any(59.0 < v < 59.6 for v in values):
            a.fail("point", f"{where} line {i}", f"coordinates in {row}")


def segments(a: Audit, rows: list[dict[str, Any]], where: str) -> None:
    for r in rows:
        at = f"{where} segment {r.get('lixel_id')}"
        steps = [v for key, v in r.items() if str(key).startswith("count_")]
        a.count(r.get("n_events"), at, "n_events")
        for key, v in r.items():
            if str(key).startswith("count_"):
                a.count(v, at, str(key))
        a.parts(r.get("n_events"), steps, at, "n_events minus its time steps")


def density(a: Audit, rows: list[dict[str, Any]], where: str) -> None:
    for r in rows:
        at = f"{where} lixel {r.get('lixel_id', '')}"
        n = r.get("count_within_bandwidth")
        a.count(n, at, "count_within_bandwidth")
        if hidden(n) and not hidden(r.get("density")):
            a.checked["derived"] += 1
            if number(r.get("density")):
                a.fail("derived", at, f"density {r.get('density')} shown where its count is hidden")


def audit(out: Path, k: int = kt.DEFAULT_K) -> Audit:
    """Read every shared file under ``out`` (the folders :func:`run_commands` wrote) and check it."""
    a = Audit(k)
    facts: dict[str, dict[int, dict[str, Any]]] = {}
    for name in ("analyze", "report"):
        for path in sorted((out / name).glob("*")):
            if path.name == "platser.csv":
                facts[name] = places_table(a, csv_table(path), str(path.relative_to(out)))
            elif path.suffix == ".xlsx":
                for sheet, rows in xlsx_tables(path).items():
                    at = f"{path.relative_to(out)}:{sheet}"
                    if rows and "Händelser under perioden" in [str(h) for h in rows[0]]:
                        facts.setdefault(name, places_table(a, rows, at))
                    elif rows and "Före" in [str(h) for h in rows[0]]:
                        report_tables(a, [[list(r) for r in rows]], at)
    for path in sorted(out.glob("*/*.html")):
        page = path.read_text(encoding="utf-8")
        at = str(path.relative_to(out))
        for payload in map_payloads(page):
            map_payload(a, payload, at, facts.get(path.parent.name, {}))
        report_tables(a, html_tables(page), at)
    for path in sorted(out.glob("*/*.docx")):
        report_tables(a, docx_tables(path), str(path.relative_to(out)))
    for path in sorted(out.glob("plan/*.xlsx")):
        for sheet, rows in xlsx_tables(path).items():
            if rows and "Före" in [str(h) for h in rows[0]]:
                report_tables(a, [rows], f"{path.relative_to(out)}:{sheet}")
    for path in sorted(out.glob("analyze/utelamnade*.csv")):
        left_out(a, csv_table(path), str(path.relative_to(out)))
    if (out / "trend" / "utveckling.gpkg").exists():
        segments(a, gpkg_rows(out / "trend" / "utveckling.gpkg"), "trend/utveckling.gpkg")
    if (out / "density" / "tathet.gpkg").exists():
        density(a, gpkg_rows(out / "density" / "tathet.gpkg"), "density/tathet.gpkg")
    return a
