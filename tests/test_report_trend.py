"""The board report's section "Utvecklingen över tid": patterns of the listed places and the near-repeat
table, escaped, Swedish by default and English under ``options.lang = "en"``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_report import PROMISE, town  # noqa: F401  (the module's fixture, reused)

from trygghet_geo import options
from trygghet_geo.analysis import Analysis
from trygghet_geo.output.report import write_report


def _section(html: str) -> str:
    return html.split('<section lang="', 1)[1].split("</section>", 1)[0]


def test_section_in_swedish_with_places_and_near_repeat_table(town: Analysis, tmp_path: Path) -> None:  # noqa: F811
    html = write_report(town, tmp_path / "r.html", promise_date=PROMISE, followup_n=3, include_map=False)[
        "html"
    ].read_text(encoding="utf-8")
    sec = _section(html)
    assert sec.startswith('sv" id="utveckling">')
    assert "<h2>Utvecklingen över tid</h2>" in sec
    assert "<h3>Närliggande upprepningar</h3>" in sec
    # the planted place on the hostile street is listed, escaped, with a pattern name from the catalogue
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;gatan" in sec
    assert "<script>" not in sec
    patterns = re.findall(r"</td><td>([^<]+)</td><td class=\"num\">", sec.split("<h3>", 1)[0])
    assert patterns
    assert all(p.endswith(("hotspot", "kallpunkt", "Inget mönster")) for p in patterns)
    table = sec.split('<table class="tg-near-repeat">', 1)[1]
    assert table.count("<tr>") == 1 + 16  # header and 4 space × 4 time bands
    assert "Avstånd längs gatan (m)" in table
    assert "0–100" in table


def test_section_in_english_and_can_be_left_out(town: Analysis, tmp_path: Path) -> None:  # noqa: F811
    old = options.lang
    options.lang = "en"
    try:
        html = write_report(
            town, tmp_path / "en.html", promise_date=PROMISE, followup_n=3, include_map=False
        )["html"].read_text(encoding="utf-8")
    finally:
        options.lang = old
    sec = _section(html)
    assert sec.startswith('en" id="utveckling">')
    assert "<h2>Development over time</h2>" in sec
    assert "Distance along the streets (m)" in sec
    assert "Utvecklingen" not in sec
    none = write_report(
        town,
        tmp_path / "none.html",
        promise_date=PROMISE,
        followup_n=3,
        include_map=False,
        time_section=False,
    )["html"].read_text(encoding="utf-8")
    assert 'id="utveckling"' not in none


@pytest.fixture(autouse=True)
def _quiet() -> None:
    options.progress = False
