"""Personal data and k in the lägesbild, end to end through ``trygghet-geo lagesbild``.

The generated town of ``privacy_town`` (every free-text field and user column carries personal data of
``privacy_corpus``, and formula text) is run through the command line with ``min_samples`` 2 (below k = 5) and
a measures register and other sources that carry personal data too. The HTML is read as a browser shows it
(``privacy_town.html_text``) and the Word file with python-docx (paragraphs, table cells, properties):
nothing personal may be read in either, and no place of a hotspot under k is named.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_readback as rb
import privacy_corpus as pc
import privacy_town as pt

K = 5


def _docx_text(path: Path) -> str:
    return "\n".join(rb.docx_texts(path))


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from trygghet_geo import analyze
    from trygghet_geo.cli import _load_network, main
    from trygghet_geo.io._write import write_table

    folder = tmp_path_factory.mktemp("town_lagesbild")
    t = pt.write_town(folder / "in", n_secret=240, n_ordinary=120, seed=11)
    analysis = analyze(
        t.incidents, t.observations, network=_load_network(str(t.network)), min_samples=2, n_simulations=0
    )
    big = analysis.hotspots.loc[analysis.hotspots["n_events"] >= K, "hotspot_id"]
    place = str(analysis.places.loc[analysis.places["hotspot_id"].isin(big), "name"].iloc[0])
    secrets = pc.secret_notes(30, seed=4041)
    # the register and the other sources carry personal data as well; its place is one of the town's
    plan = pd.DataFrame({
        "Plats": [place] * len(secrets),
        "Problem": [n.text for n in secrets],
        "Åtgärd": ["Ökad belysning"] * len(secrets),
        "Ansvarig": [secrets[(i + 1) % len(secrets)].text for i in range(len(secrets))],
        "Mätbart mål": ["-20 %"] * len(secrets),
        "Startdatum": ["2025-06-01"] * len(secrets),
        "Uppföljningsdatum": [""] * len(secrets),
        "Status": ["pågår"] * len(secrets),
        "Anteckningar": [secrets[(i + 2) % len(secrets)].text for i in range(len(secrets))],
    })  # fmt: skip
    plan_path = write_table(plan, folder / "in" / "atgardsplan.csv")
    other = folder / "in" / "skolan.txt"
    other.write_text("\n\n".join(n.text for n in secrets[:10]), encoding="utf-8")
    out = folder / "out"
    argv = ["--no-progress", "lagesbild", "--incidents", str(t.incidents), "--observations",
            str(t.observations), "--network", str(t.network), "--min-samples", "2", "--n-simulations",
            "9", "--plan", str(plan_path), "--other-sources", str(other), "--no-pdf", "--out",
            str(out)]  # fmt: skip
    code = main(argv)
    extra = [(kind, value) for n in secrets for kind, value in n.secrets]
    return {"town": t, "out": out, "code": code, "extra": extra, "analysis": analysis}


def test_no_secret_in_the_lagesbild(town: dict[str, Any]) -> None:
    assert town["code"] == 0
    out = town["out"]
    texts = {
        "html": "\n".join(pt.html_text((out / "lagesbild.html").read_text(encoding="utf-8"))),
        "map": "\n".join(pt.html_text((out / "lagesbild_karta.html").read_text(encoding="utf-8"))),
        "docx": _docx_text(out / "lagesbild.docx"),
    }
    secrets = town["town"].secrets + town["extra"]
    assert len(secrets) >= 280
    leaked = [
        (name, kind, value)
        for name, text in texts.items()
        for kind, value in secrets
        if pc.leaks(pc.plain(text), kind, value)
    ]
    assert leaked == [], f"{len(leaked)} secrets leaked, first: {leaked[:5]}"
    # the notes did reach the document (the register, the other sources), as text with tokens in it
    for name in ("html", "docx"):
        assert "[telefon]" in texts[name]
        assert "[personnummer]" in texts[name]


def test_no_place_under_k_and_dates_by_month(town: dict[str, Any]) -> None:
    a, out = town["analysis"], town["out"]
    small = set(a.hotspots.loc[a.hotspots["n_events"] < K, "hotspot_id"])
    assert small  # min_samples 2 makes hotspots under k
    page = (out / "lagesbild.html").read_text(encoding="utf-8")
    body = _docx_text(out / "lagesbild.docx")
    big_names = set(a.places.loc[~a.places["hotspot_id"].isin(small), "name"])
    small_names = set(a.places.loc[a.places["hotspot_id"].isin(small), "name"]) - big_names
    named = [n for n in small_names if f">{n}<" in page or f"\n{n}\n" in f"\n{body}\n"]
    assert named == []
    when = pd.to_datetime(a.incidents["occurred_at"]).dropna()
    for day in (when.min().strftime("%Y-%m-%d"), when.max().strftime("%Y-%m-%d")):
        assert day not in page
        assert day not in body
