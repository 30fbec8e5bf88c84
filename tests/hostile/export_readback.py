"""Every export read back with a real parser, and each hostile string judged where it shows (the export fuzz).

:func:`check_file` opens one written file as its readers do (HTML with html5lib, the same for a map inside
``srcdoc``, every JSON block and the map's data with ``json``; DOCX with python-docx and every XML part with
lxml; XLSX with openpyxl and python-calamine and every XML part with lxml; CSV with ``csv``; GeoPackage with
pyogrio; JSON with ``json``) and returns the failures, each ``(class, file, detail)``:

- ``executable``: an element, attribute, URL or script code that came from the data (every executable
  payload of :mod:`export_corpus` carries ``pwned``, ``x-pwn`` or ``evil.example``), or a ``${`` in a
  JavaScript template literal holding it;
- ``unparseable``: the file, one of its parts or an embedded JSON block does not parse;
- ``formula``: a CSV or XLSX cell or header that a spreadsheet runs (a formula cell, or text starting with
  ``= + - @``, also after blanks, hidden characters and in full-width forms), or a text cell over Excel's
  32,767 characters (Excel repairs the file and drops the cell);
- ``hidden``: a bidi control, zero-width or C0/C1 control character left in a shown text;
- ``traceback`` / ``refused`` (:func:`run_failures`): a command crashed, or refused the town's valid files
  with a clear error;
- ``mangled``: a hostile string shown (found by its marker) but not as typed (up to 40 characters either
  side of the marker, after :func:`export_corpus.expected_shown`, one escaping apostrophe and a cut ending in
  ``…`` allowed): double escaping, a template evaluated, text dropped from the middle.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import export_corpus as ec

__all__ = [
    "CONFIGS",
    "check_file",
    "check_tree",
    "code_outside_strings",
    "commands",
    "js_code_hits",
    "run_cli",
    "run_failures",
]

Failure = tuple[str, str, str]
_EXEC = re.compile(r"pwned|x-pwn|evil\.example", re.I)
_MARK = re.compile(r"Zq[a-z]{4}")
_HIDDEN = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\ufeff\u2060\u00ad\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster", "background"}


def code_outside_strings(js: str) -> str:
    """``js`` with its string literals and comments blanked, keeping the code inside ``${…}`` of template
    literals (a small lexer: enough for the toolkit's own map scripts, which hold no regex literal with a
    quote in it)."""
    out: list[str] = []
    i, n = 0, len(js)
    depth: list[int] = []  # open braces inside each ${ } of a template literal
    while i < n:
        c = js[i]
        if js.startswith("//", i):
            j = js.find("\n", i)
            i = n if j < 0 else j
        elif js.startswith("/*", i):
            j = js.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c in "'\"":
            i += 1
            while i < n and js[i] != c:
                i += 2 if js[i] == "\\" else 1
            i += 1
            out.append(c + c)
        elif c == "`" or (c == "}" and depth and depth[-1] == 0):
            if c == "}":
                depth.pop()
            i += 1
            while i < n and js[i] != "`":
                if js[i] == "\\":
                    i += 2
                elif js.startswith("${", i):
                    depth.append(0)
                    i += 2
                    break
                else:
                    i += 1
            else:
                i += 1
            out.append("``")
        else:
            if depth and c == "{":
                depth[-1] += 1
            elif depth and c == "}":
                depth[-1] -= 1
            out.append(c)
            i += 1
    return "".join(out)


def js_code_hits(js: str) -> list[str]:
    """Payload words found in ``js`` outside string literals (code that would run)."""
    code = code_outside_strings(js)
    return [code[max(0, m.start() - 40) : m.end() + 20] for m in _EXEC.finditer(code)]


# --- running every export ----------------------------------------------------------------------------------
CONFIGS = {"sv-shared": ("sv", "shared"), "en-internal": ("en", "internal")}
# the commands whose output differs by language or privacy run in both; the rest in the first only
BOTH = ("analyze", "density", "trend", "hotlist", "lagesbild")


def _run(argv: list[str]) -> tuple[int, str]:
    from trygghet_geo.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
        try:
            code = main(["--no-progress", *argv])
        except Exception as exc:
            return -1, f"{type(exc).__name__}: {exc}"
    return code, buf.getvalue()


def commands(t: ec.ExportTown, out: Path, lang: str, privacy: str) -> dict[str, list[str]]:
    inputs = ["--observations", str(t.observations), "--network", str(t.network)]
    pv = ["--privacy", privacy]
    lg = ["--lang", lang]
    return {
        "analyze": ["analyze", str(t.incidents), *inputs, "--min-samples", "3", "--n-simulations", "0",
                    "--title", t.title, *lg, *pv, "--out", str(out / "analys")],
        "report": [*lg, "report", "--incidents", str(t.incidents), *inputs, "--min-samples", "3",
                   "--n-simulations", "0", "--out", str(out / "rapport"), "--name", "rapport"],
        "density": ["density", str(t.incidents), "--network", str(t.network), *lg, *pv, "--out",
                    str(out / "tathet")],
        "trend": ["trend", str(t.incidents), "--network", str(t.network), "--simulations", "9", *lg, *pv,
                  "--out", str(out / "utveckling")],
        "hotlist": [*lg, "hotlist", str(t.incidents), *inputs, "--days", "28", "--end", t.hotlist_end,
                    "--min-samples", "3", "--title", t.title, *pv, "--out", str(out / "hotlist")],
        "lagesbild": [*lg, "lagesbild", "--incidents", str(t.incidents), *inputs, "--min-samples", "3",
                      "--n-simulations", "0", "--plan", str(t.plan), "--areas", str(t.areas),
                      "--other-sources", str(t.other), "--no-pdf", "--out", str(out / "lagesbild")],
        "plan_init": [*lg, "plan", "init", str(out / "plan" / "mall.xlsx"), "--ranking",
                      str(out / "analys" / "platser.csv"), "--areas", str(t.areas)],
        "geocode_xlsx": ["geocode", str(t.incidents), "--out", str(out / "geokod" / "geokodade.xlsx")],
        "plan_followup": [*lg, "plan", "followup", str(t.plan), "--incidents", str(t.incidents), *inputs,
                          "--ranking", str(out / "analys" / "platser.csv"), "--areas", str(t.areas), *pv,
                          "--out", str(out / "plan" / "atgardsuppfoljning.xlsx")],
    }  # fmt: skip


CPU: dict[str, float] = {}  # seconds of CPU each command took in the last run_cli


def run_cli(town: ec.ExportTown, folder: Path) -> dict[str, tuple[int, str]]:
    """Every export command on ``town`` in each of :data:`CONFIGS`, written under ``folder/<config>``;
    returns each run's exit code and what it printed (-1 and the error for an exception)."""
    codes: dict[str, tuple[int, str]] = {}
    for config, (lang, privacy) in CONFIGS.items():
        out = folder / config
        (out / "plan").mkdir(parents=True, exist_ok=True)
        for name, argv in commands(town, out, lang, privacy).items():
            if config != "sv-shared" and name not in BOTH:
                continue
            start = time.process_time()
            codes[f"{config} {name}"] = _run(argv)
            CPU[f"{config} {name}"] = time.process_time() - start
    return codes


def run_failures(codes: dict[str, tuple[int, str]]) -> list[Failure]:
    """The failed runs: ``traceback`` when an exception escaped or the command reported an unexpected
    error, ``refused`` when it refused the town's valid files with a clear error (a reader's wrong result)."""
    fails: list[Failure] = []
    for name, (code, text) in codes.items():
        if code != 0:
            crashed = code == -1 or "unexpected error" in text or "Traceback" in text
            fails.append(("traceback" if crashed else "refused", name, text[-300:]))
    return fails


def check_tree(folder: Path, typed: dict[str, str]) -> tuple[list[Path], list[Failure]]:
    """Every file written under ``folder`` (its ``in`` folder aside) and the failures found in them."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and folder / "in" not in p.parents)
    fails: list[Failure] = []
    for path in files:
        fails += check_file(path, str(path.relative_to(folder)), typed)
    return files, fails


# --- judging shown text -------------------------------------------------------------------------------------
def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def judge_texts(
    texts: Iterable[str], where: str, typed: dict[str, str], *, apostrophe: bool = False
) -> list[Failure]:
    """``mangled`` and ``hidden`` failures of the shown ``texts`` against the ``typed`` strings (marker ->
    text); ``apostrophe``: one leading ``'`` is the formula escape of a spreadsheet cell."""
    fails: list[Failure] = []
    for raw in texts:
        if "Zq" not in raw:
            continue
        if raw[:1] in "{[":  # JSON in a cell (a manifest): its strings, as JSON escapes them
            try:
                inner = list(_strings(json.loads(raw)))
            except ValueError:
                inner = []
            if inner:
                fails += judge_texts(inner, where, typed, apostrophe=apostrophe)
                continue
        if apostrophe and raw.startswith("'") and _formula(raw[1:]):
            raw = raw[1:]  # the formula escape
        for m in _MARK.finditer(raw):
            h = _HIDDEN.search(raw)
            if m.group(0) in typed and h:
                fails.append(("hidden", where, f"{m.group(0)}: {h.group(0)!r} left in {raw[:80]!r}"))
                break
        shown = ec.expected_shown(raw)
        for m in _MARK.finditer(shown):
            original = typed.get(m.group(0))
            if original is None:
                continue
            want = ec.expected_shown(original)
            at = want.find(m.group(0))
            before_w, after_w = want[max(0, at - 40) : at], want[at : at + 46]
            before_s = shown[max(0, m.start() - len(before_w)) : m.start()]
            after_s = shown[m.start() : m.start() + len(after_w)]
            ok_before = before_s == before_w
            ok_after = after_s == after_w or _cut_ok(after_s, after_w)
            if not (ok_before and ok_after):
                typed_near = want[max(0, at - 40) : at + 46]
                shown_near = shown[max(0, m.start() - 40) : m.start() + 46]
                fails.append(("mangled", where, f"typed {typed_near!r}, shown {shown_near!r}"))
    return fails


def _cut_ok(shown: str, want: str) -> bool:
    """A shown text cut by design: a prefix of what was typed, ended by ``…`` (or by the end of the cell)."""
    if "…" in shown:
        head = shown[: shown.index("…")].rstrip()
        return want.startswith(head)
    return want.startswith(shown) and len(shown) < len(want)


# --- HTML ---------------------------------------------------------------------------------------------------
def _check_html(page: str, where: str, typed: dict[str, str]) -> list[Failure]:
    import html5lib

    fails: list[Failure] = []
    doc = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    texts: list[str] = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.rsplit("}", 1)[-1].lower()
        if _EXEC.search(tag):
            fails.append(("executable", where, f"element <{tag}>"))
        for name, value in el.attrib.items():
            lname = name.rsplit("}", 1)[-1].lower()
            if lname == "srcdoc":
                fails += _check_html(value, where + " (srcdoc)", typed)
                continue
            if _EXEC.search(lname) or (
                (lname.startswith("on") or lname in _URL_ATTRS or lname == "style") and _EXEC.search(value)
            ):
                fails.append(("executable", where, f"<{tag} {lname}={value[:60]!r}>"))
            if lname in ("title", "alt", "aria-label", "placeholder", "value") or lname.startswith("data-"):
                texts.append(value)
        if tag == "script":
            body = el.text or ""
            kind = (el.get("type") or "").lower()
            if kind.endswith("json"):
                try:
                    texts += list(_strings(json.loads(body)))
                except ValueError as exc:
                    fails.append(("unparseable", where, f"JSON block: {exc}"))
            else:
                fails += [("executable", where, f"script code {h!r}") for h in js_code_hits(body)]
                fails += _check_map_data(body, where, texts)
            if el.get("src") and _EXEC.search(el.get("src", "")):
                fails.append(("executable", where, f"script src {el.get('src')!r}"))
        elif tag not in ("style",):
            texts.append(el.text or "")
        texts.append(el.tail or "")
    # text nodes are split by elements: judge each text node, and the page's visible text joined by node
    fails += judge_texts(texts, where, typed)
    return fails


_BUILD = re.compile(r"TrygghetMap\.build\(\w+,\s*")


def _check_map_data(script: str, where: str, texts: list[str]) -> list[Failure]:
    """The map's data (the first argument object after ``TrygghetMap.build(map,``) parses as JSON."""
    m = _BUILD.search(script)
    if not m:
        return []
    try:
        data, _ = json.JSONDecoder().raw_decode(script, m.end())
    except ValueError as exc:
        return [("unparseable", where, f"map data: {exc}")]
    texts += list(_strings(data))
    return []


# --- XML parts (DOCX, XLSX) ---------------------------------------------------------------------------------
def _check_parts(path: Path, where: str) -> list[Failure]:
    from lxml import etree

    fails: list[Failure] = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if not name.endswith((".xml", ".rels")):
                    continue
                data = z.read(name)
                try:
                    root = etree.fromstring(data, parser)
                except etree.XMLSyntaxError as exc:
                    fails.append(("unparseable", where, f"{name}: {exc}"))
                    continue
                if b"<!DOCTYPE" in data or b"<!ENTITY" in data[:4096]:
                    fails.append(("executable", where, f"{name}: a DTD"))
                formulas = 0
                for el in root.iter():
                    local = etree.QName(el).localname if isinstance(el.tag, str) else ""
                    formulas += local == "f" and name.startswith("xl/")
                    if local in ("instrText", "fldSimple", "fldChar"):
                        fails.append(("executable", where, f"{name}: <{local}>"))
                    for k, v in el.attrib.items():
                        if _EXEC.search(v) and (k.endswith("}instr") or k == "Target"):
                            fails.append(("executable", where, f"{name}: {k}={v[:60]!r}"))
                if formulas:  # each cell is also reported by openpyxl; this counts the part once
                    fails.append(("formula", where, f"{name}: {formulas} <f> elements"))
    except zipfile.BadZipFile as exc:
        fails.append(("unparseable", where, str(exc)))
    return fails


def docx_texts(path: Path) -> list[str]:
    """Every text a reader sees in a Word file: paragraphs, table cells, headers, footers, properties."""
    import docx

    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    for section in d.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    cp = d.core_properties
    parts += [cp.title or "", cp.subject or "", cp.author or "", cp.comments or "", cp.keywords or ""]
    return parts


def _formula(text: str) -> bool:
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?(?:[eE][-+]?\d+)?", text):
        return False
    if text[:1] in ("\t", "\r", "\n"):
        return True
    stripped = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc", "Zs"))
    first = stripped[:1]
    return first != "" and (unicodedata.normalize("NFKC", first) in ("=", "+", "-", "@") or first == "\u2212")


def _xlsx_texts(path: Path, where: str) -> tuple[list[str], list[Failure]]:
    import openpyxl
    from python_calamine import CalamineWorkbook

    fails: list[Failure] = []
    book = openpyxl.load_workbook(path)
    texts: list[str] = []
    for ws in book.worksheets:
        texts.append(ws.title)
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    fails.append(
                        ("formula", where, f"{ws.title}!{c.coordinate} formula {str(c.value)[:60]!r}")
                    )
                elif isinstance(c.value, str):
                    texts.append(c.value)
                    if _formula(c.value):
                        fails.append(("formula", where, f"{ws.title}!{c.coordinate} {c.value[:60]!r}"))
                    if len(c.value) > 32_767:
                        fails.append(
                            ("formula", where, f"{ws.title}!{c.coordinate} {len(c.value)} characters")
                        )
    cal = CalamineWorkbook.from_path(str(path))
    for name in cal.sheet_names:
        cal.get_sheet_by_name(name).to_python()
    return texts, fails


def check_file(path: Path, where: str, typed: dict[str, str]) -> list[Failure]:
    """Every failure of one written file (see the module's docstring)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".html":
            return _check_html(path.read_text(encoding="utf-8"), where, typed)
        if suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f, delimiter=";"))
            fails: list[Failure] = []
            width = len(rows[0]) if rows else 0
            fails += [("unparseable", where, f"row {i} has {len(r)} cells, header {width}")
                      for i, r in enumerate(rows) if len(r) != width]  # fmt: skip
            fails += [("formula", where, f"{c[:60]!r}") for r in rows for c in r if c and _formula(c)]
            return fails + judge_texts([c for r in rows for c in r], where, typed, apostrophe=True)
        if suffix == ".xlsx":
            fails = _check_parts(path, where)
            texts, more = _xlsx_texts(path, where)
            return fails + more + judge_texts(texts, where, typed, apostrophe=True)
        if suffix == ".docx":
            return _check_parts(path, where) + judge_texts(docx_texts(path), where, typed)
        if suffix in (".gpkg", ".geojson"):
            import pyogrio

            texts = []
            for layer, _ in pyogrio.list_layers(path):
                frame = pyogrio.read_dataframe(path, layer=layer)
                texts += [str(c) for c in frame.columns]
                for col in frame.columns:
                    if frame[col].dtype == object:
                        texts += [v for v in frame[col] if isinstance(v, str)]
            return judge_texts(texts, where, typed)
        if suffix == ".json":
            return judge_texts(list(_strings(json.loads(path.read_text(encoding="utf-8")))), where, typed)
        if suffix == ".parquet":
            import geopandas as gpd

            frame = gpd.read_parquet(path)
            return judge_texts([v for c in frame.columns if frame[c].dtype == object for v in frame[c]
                                if isinstance(v, str)], where, typed)  # fmt: skip
    except Exception as exc:
        return [("unparseable", where, f"{type(exc).__name__}: {exc}"[:300])]
    return []
