"""The hot-list and the area table are shared outputs too: nothing personal, k means k, nothing executed.

The generated town of ``privacy_town`` (every free-text field carrying personal data and formula text; small
groups under k) goes through the analysis, ``hotlist``/``write_hotlist`` in the default shared mode and
``area_summary``/``summary_table``; the HTML as a browser shows it and the Word file's text are searched.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from trygghet_geo._kgate import HIDDEN

sys.path.insert(0, str(Path(__file__).resolve().parent))
import privacy_corpus as pc
import privacy_town as pt

K = 5


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from trygghet_geo import analyze
    from trygghet_geo.areas import area_summary, read_areas, summary_table
    from trygghet_geo.cli import _load_network
    from trygghet_geo.hotlist import hotlist, write_hotlist
    from trygghet_geo.output.privacy import shared_places

    folder = tmp_path_factory.mktemp("town")
    town = pt.write_town(folder / "in", n_secret=160, n_ordinary=40, seed=11)
    analysis = analyze(
        town.incidents, town.observations, network=_load_network(str(town.network)), min_samples=2,
        n_simulations=0,
    )  # fmt: skip
    places = shared_places(analysis.places, analysis.hotspots)
    table = hotlist(analysis.incidents, days=28, network=analysis.network, places=places)
    paths = write_hotlist(table, folder / "out")
    x0, y0, x1, y1 = analysis.network.edges.total_bounds
    mid = (x0 + x1) / 2
    halves = gpd.GeoDataFrame(
        {"kod": ["A", "B"], "namn": ["Väst", "Öst"]},
        geometry=[box(x0 - 50, y0 - 50, mid, y1 + 50), box(mid, y0 - 50, x1 + 50, y1 + 50)],
        crs=analysis.network.crs,
    )
    when = analysis.incidents["occurred_at"].dropna()
    summary = area_summary(
        analysis.incidents, read_areas(halves), period=(when.min().date(), when.max().date()), places=places
    )
    return {"town": town, "paths": paths, "table": table, "areas": summary_table(summary)}


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return re.sub(r"<[^>]+>", " ", z.read("word/document.xml").decode())


def test_nothing_personal_in_the_hotlist(outputs: dict[str, object]) -> None:
    town = outputs["town"]
    paths = outputs["paths"]
    texts = {
        "html": pc.plain(" ".join(pt.html_text(paths["html"].read_text(encoding="utf-8")))),  # type: ignore[index]
        "docx": pc.plain(_docx_text(paths["docx"])),  # type: ignore[index]
        "areas": pc.plain(outputs["areas"].to_string()),  # type: ignore[attr-defined]
    }
    leaked = [(n, kind, v) for n, t in texts.items() for kind, v in town.secrets if pc.leaks(t, kind, v)]  # type: ignore[attr-defined]
    assert leaked == []
    html = paths["html"].read_text(encoding="utf-8")  # type: ignore[index]
    assert "<script" not in html.lower()
    assert not re.search(r"\son\w+\s*=", html)  # no event handler attribute


def test_k_means_k_in_the_hotlist_and_area_table(outputs: dict[str, object]) -> None:
    import docx

    paths = outputs["paths"]
    document = docx.Document(str(paths["docx"]))  # type: ignore[index]
    counts = [row.cells[i].text for t in document.tables for row in t.rows[1:] for i in (1, 2)]
    assert counts, "the hot-list lists something"
    assert all(c == HIDDEN or int(c) >= K or c == "0" for c in counts)
    table = outputs["areas"]
    numbers = [v for col in table.columns[3:-4] for v in table[col]]  # type: ignore[attr-defined]
    # the one mark of a hidden count: under k, or withheld because the area's count would give one back
    assert all(v in (HIDDEN, "0") or int(v) >= K for v in numbers)
