"""The lägesbild in a real browser (Debian chromium via Playwright): the demo's document opens with no console
error and no request outside the file; a document whose every text is an XSS payload runs nothing and shows
the texts literally; the PDF is Chromium's print of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import open_offline_map
from test_xss_browser import PAYLOADS, TRAP, _analysis

from trygghet_geo.output._lagesbild_doc import APPENDIX, SECTIONS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# every element and attribute the page has that could run or fetch something
INJECTED = """
() => {
  const bad = [];
  const ours = document.getElementById('trygghet-about');
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      const v = (a.value || '').trim().toLowerCase();
      if (a.name.toLowerCase().startsWith('on')) bad.push(e.tagName + '[' + a.name + ']');
      if (['href', 'src', 'action', 'data', 'xlink:href', 'formaction'].includes(a.name.toLowerCase())
          && !v.startsWith('data:image/png;base64,')) bad.push(e.tagName + '[' + a.name + ']');
    }
    if (['IFRAME', 'OBJECT', 'EMBED', 'MARQUEE', 'DETAILS', 'VIDEO', 'AUDIO', 'BASE', 'TEMPLATE', 'FORM',
         'SVG', 'MATH', 'LINK'].includes(e.tagName.toUpperCase()) && e !== ours) bad.push(e.tagName);
    if (e.tagName === 'IMG' && e.parentElement.tagName !== 'FIGURE') bad.push('IMG');
    if (e.tagName === 'SCRIPT' && e.type !== 'application/json') bad.push('SCRIPT');
  }
  return bad;
}
"""


def test_demo_lagesbild_opens_with_no_console_error_and_no_request(demo: Any, browser: Any) -> None:
    _, paths = demo
    view = open_offline_map(browser, paths["lagesbild"], wait="load", settle_ms=300, init_script=TRAP)
    page = view.page
    try:
        headings = page.eval_on_selector_all("h1", "hs => hs.map(h => h.textContent)")
        images = page.eval_on_selector_all("figure img", "is => is.map(i => i.naturalWidth)")
        injected = page.evaluate(INJECTED)
    finally:
        view.close()
    assert view.console == []
    assert view.errors == []
    assert view.requests == []
    assert headings == [*SECTIONS, APPENDIX]
    assert len(images) == 2
    assert all(w > 100 for w in images)  # the chart and the map decoded
    assert injected == []


@pytest.fixture(scope="module")
def xss_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from trygghet_geo import lagesbild

    folder = tmp_path_factory.mktemp("xss_lagesbild")
    sources = {PAYLOADS[9]: "\n\n".join(PAYLOADS[10:20])}
    return lagesbild(_analysis(PAYLOADS), out=folder, other_sources=sources, pdf=True, public_map=False)


def test_no_payload_runs_in_the_lagesbild(browser: Any, xss_doc: dict[str, Path]) -> None:
    view = open_offline_map(browser, xss_doc["html"], wait="load", settle_ms=300, init_script=TRAP)
    page = view.page
    try:
        page.wait_for_timeout(300)
        hits = page.evaluate("window.__hits")
        injected = page.evaluate(INJECTED)
        text = page.evaluate("document.body.innerText")
        title = page.title()
    finally:
        view.close()
    assert hits == [], f"injected code ran: {hits}"
    assert view.dialogs == []
    assert view.errors == []
    assert view.console == []
    assert view.requests == []
    assert injected == [], injected[:10]
    # the place names, reasons, remarks' measures, the user's texts and the title show as typed
    for p in (PAYLOADS[3], PAYLOADS[5], *PAYLOADS[10:20]):
        assert " ".join(p.split()) in " ".join(text.split()), p
    from trygghet_geo.output._redact import clean_text

    assert title == " ".join(clean_text(f"Lägesbild – {PAYLOADS[7]}", max_chars=200).split())


def test_payloads_are_plain_text_in_the_word_file(xss_doc: dict[str, Path]) -> None:
    d = docx.Document(str(xss_doc["docx"]))
    text = "\n".join(
        [p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells]
    )
    for p in (PAYLOADS[3], PAYLOADS[5], *PAYLOADS[10:20]):
        assert p.strip() in text
    # a Word file runs nothing by itself; it must not carry fields, macros or external links either
    import zipfile

    with zipfile.ZipFile(xss_doc["docx"]) as z:
        names = z.namelist()
        body = z.read("word/document.xml").decode("utf-8")
        rels = z.read("word/_rels/document.xml.rels").decode("utf-8")
    assert not [n for n in names if n.endswith((".bin", "vbaProject.bin"))]
    assert "<w:fldSimple" not in body
    assert "<w:instrText" not in body
    assert 'TargetMode="External"' not in rels


def test_pdf_is_chromiums_print(xss_doc: dict[str, Path]) -> None:
    pdf = xss_doc["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert len(pdf) > 20_000
