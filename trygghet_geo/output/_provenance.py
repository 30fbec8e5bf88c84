"""The manifest inside the HTML files, and the same map bytes from the same run.

- HTML: a collapsed "Om analysen" / "About this analysis" panel (parameters, counts, the first 12 characters
  of each hash) and the whole manifest as ``<script type="application/json" id="trygghet-manifest">``, escaped
  so that no text can close the script element (:func:`.._mapdata.safe_json`); no code runs it. (XLSX files
  carry it in a sheet of their own: :mod:`trygghet_geo.io._stamp`.)
- Maps: folium and branca give every element a random id (``os.urandom``), which would make each saved map
  differ; :func:`stable_ids` replaces them, before rendering, with ids derived from the element's place in the
  map (its position in the element tree, its class and name).
"""

from __future__ import annotations

import hashlib
import html
import json
from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from branca.element import Element

__all__ = ["PANEL_STYLE", "about_html", "stable_ids"]

SCRIPT_ID = "trygghet-manifest"

PANEL_STYLE = (
    "position:fixed;left:50%;transform:translateX(-50%);bottom:6px;z-index:1001;max-width:min(560px,90vw);"
    "max-height:70vh;overflow:auto;background:#fff;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);"
    "padding:2px 8px;font:12px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222"
)


_WORDS = ("title", "version", "started", "parameters", "why", "inputs", "output", "counts", "full")


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
