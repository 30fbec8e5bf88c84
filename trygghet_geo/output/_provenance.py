"""The manifest inside the files, and the same bytes from the same run.

- HTML: a collapsed "Om analysen" / "About this analysis" panel (parameters, counts, the first 12 characters
  of each hash) and the whole manifest as ``<script type="application/json" id="trygghet-manifest">``, escaped
  so that no text can close the script element (:func:`.._mapdata.safe_json`); no code runs it.
- XLSX: a sheet of its own (key, value; the whole JSON in the row ``manifest.json``), and the file's zip
  entry dates and document times set to the run's start, since openpyxl writes the time of saving there.
- Maps: folium and branca give every element a random id (``os.urandom``), which would make each saved map
  differ; :func:`stable_ids` replaces them, before rendering, with ids derived from the element's place in the
  map (its position in the element tree, its class and name).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import zipfile
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from branca.element import Element

__all__ = [
    "about_html",
    "embed_in_map",
    "finish_xlsx",
    "manifest_from_xlsx",
    "reproducible_zip",
    "stable_ids",
]

SCRIPT_ID = "trygghet-manifest"
JSON_KEY = "manifest.json"

_PANEL_STYLE = (
    "position:fixed;left:50%;transform:translateX(-50%);bottom:6px;z-index:1001;max-width:min(560px,90vw);"
    "max-height:70vh;overflow:auto;background:#fff;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);"
    "padding:2px 8px;font:12px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222"
)


_WORDS = ("title", "version", "started", "parameters", "why", "inputs", "output", "counts", "full", "key",
          "value", "sheet")  # fmt: skip


def _words(lang: str | None) -> dict[str, str]:
    """The panel's and the sheet's words from the text catalogue (:mod:`trygghet_geo._text`)."""
    from trygghet_geo._text import text

    return {w: text(f"about.{w}", lang) for w in _WORDS}


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _rows(manifest: Mapping[str, Any], w: dict[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The panel's sections: (heading, [(key, value), ...])."""
    soft = manifest.get("software") or {}
    run = manifest.get("run") or {}
    head = [(w["version"], f"trygghet_geo {soft.get('trygghet_geo', '')}")]
    if run.get("started"):
        took = f" ({run['duration_s']} s)" if run.get("duration_s") is not None else ""
        head.append((w["started"], f"{run['started']}{took}"))
    params = dict(manifest.get("parameters") or {})
    why = params.pop("why", None)
    params.pop("chosen", None)
    sections = [("", head), (w["parameters"], [(k, _value(v)) for k, v in sorted(params.items())])]
    if why:
        sections.append((w["why"], [("", str(why))]))
    inputs = []
    for role, item in sorted((manifest.get("inputs") or {}).items()):
        digest = str(item.get("sha256", ""))[:12] if isinstance(item, Mapping) else ""
        inputs.append((role, digest or "–"))
    sections.append((w["inputs"], inputs))
    if manifest.get("output"):
        sections.append((w["output"], [(k, _value(v)) for k, v in sorted(manifest["output"].items())]))
    counts = manifest.get("counts") or {}
    sections.append((w["counts"], [(k, _value(v)) for k, v in counts.items()]))
    return sections


def about_html(manifest: Mapping[str, Any], lang: str | None = None, *, style: str = "") -> str:
    """The collapsed panel and the JSON block, as HTML (every text escaped).

    >>> text = about_html({"parameters": {"eps_m": 50.0}, "inputs": {"incidents": {"sha256": "ab" * 32}}})
    >>> "<details" in text, "abababababab<" in text, 'id="trygghet-manifest"' in text
    (True, True, True)
    >>> "</script><b>" in about_html({"parameters": {"title": "</script><b>"}})
    False
    """
    from trygghet_geo.output._mapdata import safe_json

    w = _words(lang)
    esc = html.escape
    styled = f' style="{esc(style)}"' if style else ""
    parts = [f'<details class="tg-about" id="trygghet-about"{styled}>',
             f"<summary>{esc(w['title'])}</summary>", '<table class="tg-about-table">']  # fmt: skip
    for heading, rows in _rows(manifest, w):
        if heading:
            parts.append(
                f'<tr><th colspan="2" style="text-align:left;padding-top:4px">{esc(heading)}</th></tr>'
            )
        for key, value in rows:
            parts.append(f'<tr><td style="padding-right:8px;color:#555">{esc(key)}</td>'
                         f'<td style="overflow-wrap:anywhere">{esc(value)}</td></tr>')  # fmt: skip
    parts.append(f"</table><p>{esc(w['full'])}</p></details>")
    sorted_manifest = json.loads(json.dumps(manifest, sort_keys=True, allow_nan=False))
    parts.append(f'<script type="application/json" id="{SCRIPT_ID}">{safe_json(sorted_manifest)}</script>')
    return "\n".join(parts)


def embed_in_map(m: Any, manifest: Mapping[str, Any], lang: str | None) -> None:
    """Put the panel and the JSON block into a folium map's page, then make its element ids stable."""
    from trygghet_geo.output.maps import _Raw

    root = m.get_root()
    root.html.add_child(_Raw(about_html(manifest, lang, style=_PANEL_STYLE)), name="trygghet_manifest")
    stable_ids(root)


def stable_ids(root: Element) -> None:
    """Give every element under ``root`` an id derived from its place in the tree instead of a random one.

    Each element's id is a hash of its position in a depth-first walk (children in insertion order), its class
    and its name; the keys its parent files it under are renamed with it. The same map built twice gets the
    same ids, so it renders to the same bytes.
    """
    counter = 0
    stack: list[Any] = [root]
    while stack:
        element = stack.pop()
        old = element.get_name()
        text = f"{counter}:{type(element).__module__}.{type(element).__qualname__}:{element._name}"
        element._id = hashlib.sha256(text.encode()).hexdigest()[:32]
        counter += 1
        parent = element._parent
        if parent is not None and old in parent._children and old != element.get_name():
            parent._children = OrderedDict(
                (element.get_name() if key == old else key, child) for key, child in parent._children.items()
            )
        stack.extend(reversed(list(element._children.values())))


# --- XLSX ---------------------------------------------------------------------------------------------------
def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, Mapping):
        out: list[tuple[str, Any]] = []
        for key, item in value.items():
            out.extend(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        return [row for i, item in enumerate(value) for row in _flatten(item, f"{prefix}[{i}]")]
    if isinstance(value, list):
        return [(prefix, json.dumps(value, ensure_ascii=False))]
    return [(prefix, value)]


def finish_xlsx(path: str | Path, manifest: Mapping[str, Any] | None, *, lang: str | None = None) -> Path:
    """Add the manifest sheet to an XLSX file (when given a manifest) and set its times to the run's start.

    Cells pass the one formula escaper of :mod:`trygghet_geo.io._write`.
    """
    import openpyxl
    import pandas as pd

    from trygghet_geo.io._write import escape_formulas
    from trygghet_geo.manifest import manifest_json, run_start

    path = Path(path)
    if manifest:
        w = _words(lang)
        rows = [*_flatten(manifest), (JSON_KEY, manifest_json(manifest, indent=None))]
        table = escape_formulas(pd.DataFrame(rows, columns=[w["key"], w["value"]]).astype(object))
        book = openpyxl.load_workbook(path)
        sheet = book.create_sheet(w["sheet"][:31])
        sheet.append(list(table.columns))
        for key, value in table.itertuples(index=False):
            sheet.append(
                [key, value if value is None or isinstance(value, bool | int | float) else str(value)]
            )
        book.save(path)
    return reproducible_zip(path, run_start(manifest))


def manifest_from_xlsx(path: str | Path) -> dict[str, Any] | None:
    """The manifest kept in an XLSX file's manifest sheet, or None."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                if row and row[0] == JSON_KEY and isinstance(row[1], str):
                    return dict(json.loads(row[1]))
    finally:
        book.close()
    return None


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_zip(path: str | Path, when: dt.datetime) -> Path:
    """Rewrite a zip container (XLSX, DOCX) with every entry dated ``when`` and its document times set to it.

    openpyxl stamps the moment of saving into each zip entry and into ``docProps/core.xml``; nothing else in
    the file depends on the clock. Entries keep their order and content; the compression is deflate at
    zlib's default level, so the same content gives the same bytes.
    """
    path = Path(path)
    when = max(
        when.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    )  # the zip format starts in 1980
    stamp = when.timetuple()[:6]
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + iso + m.group(3), data)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            zout.writestr(entry, data)
    path.write_bytes(buffer.getvalue())
    return path
