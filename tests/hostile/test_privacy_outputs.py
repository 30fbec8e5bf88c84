"""Personal data, k and formulas in every shared output, end to end through the CLI and the public API.

A generated town (``privacy_town``) hands over an incident CSV and a safety-walk XLSX whose every free-text
field and user column carries generated personal data (``privacy_corpus``: identity numbers in every
separator form, phones in every spacing, names of many alphabets after role words, home addresses) and
formula text, plus ordinary notes that must come through unchanged. ``trygghet-geo analyze`` and
``trygghet-geo report`` run on it with ``min_samples`` 2 (below k = 5); every shared file is read back (HTML
as a browser shows it, CSV with ``csv``, XLSX with openpyxl) and searched.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import privacy_corpus as pc
import privacy_town as pt

from trygghet_geo import schema as s
from trygghet_geo.output.privacy import redact

K = 5


@pytest.fixture(scope="module")
def town(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from trygghet_geo import analyze
    from trygghet_geo.cli import _load_network

    folder = tmp_path_factory.mktemp("town")
    t = pt.write_town(folder / "in", n_secret=240, n_ordinary=120, seed=5)
    paths = pt.shared_outputs(t, folder / "out")
    analysis = analyze(
        t.incidents, t.observations, network=_load_network(str(t.network)), min_samples=2, n_simulations=0
    )
    return {"town": t, "paths": paths, "read": pt.read_outputs(paths), "analysis": analysis}


def test_no_secret_in_any_shared_output(town: dict[str, Any]) -> None:
    t, read = town["town"], town["read"]
    assert set(read["text"]) == {
        "map",
        "places_csv",
        "places_xlsx",
        "left_out_csv",
        "left_out_obs_csv",
        "report",
        "report_xlsx",
    }
    assert len(t.secrets) >= 250
    plain = {name: pc.plain(text) for name, text in read["text"].items()}
    leaked = [
        (name, kind, value)
        for name, text in plain.items()
        for kind, value in t.secrets
        if pc.leaks(text, kind, value)
    ]
    assert leaked == [], f"{len(leaked)} secrets leaked, first: {leaked[:5]}"
    # the secret notes did reach the outputs, as notes with tokens in them
    for token in ("[personnummer]", "[namn]", "[telefon]"):
        assert token in read["text"]["map"]
    for token in ("[adress]", "[telefon]", "[namn]"):
        assert token in read["text"]["left_out_csv"]
        assert token in read["text"]["left_out_obs_csv"]


def test_ordinary_notes_come_through_unchanged(town: dict[str, Any]) -> None:
    t, read = town["town"], town["read"]
    payload = pt.map_payload(town["paths"]["map"].read_text(encoding="utf-8"))
    on_map = set(payload["observations"]["note"]) | set(payload["observations"]["measure"])
    left = {cell for row in read["csv"]["left_out_obs_csv"] for cell in row}
    missing = [note for note in t.ordinary if note not in on_map and note not in left]
    assert missing == []


def test_no_formula_in_any_written_table(town: dict[str, Any]) -> None:
    read = town["read"]
    bad = [
        (name, cell)
        for name, rows in read["csv"].items()
        for row in rows
        for cell in row
        if cell and pt.formula_like(cell)
    ]
    assert bad == []
    for name, cells in read["xlsx"].items():
        assert not [c for c in cells if c[2] == "f"], name  # openpyxl: no formula cell
        assert not [c for c in cells if isinstance(c[1], str) and pt.formula_like(c[1])], name
    # the formula header and texts did reach the left-out table, escaped
    header = read["csv"]["left_out_csv"][0]
    assert "'" + pt.FORMULA_HEADER in header
    n_cols = len(header)
    assert all(len(row) == n_cols for row in read["csv"]["left_out_csv"])  # no cell broke into a new row


def test_every_row_is_accounted_for(town: dict[str, Any]) -> None:
    t, a, read = town["town"], town["analysis"], town["read"]
    assert len(a.incidents) == t.n_incidents
    assert len(a.observations) == t.n_observations
    used_inc = int((a.incidents[s.EDGE_ID] >= 0).sum())
    assert used_inc + sum(a.left_out.values()) == t.n_incidents
    assert sum(a.observations_left_out.values()) > 0  # the unusable walk rows are listed, not lost
    assert len(read["csv"]["left_out_csv"]) - 1 == sum(a.left_out.values())
    assert len(read["csv"]["left_out_obs_csv"]) - 1 == sum(a.observations_left_out.values())
    payload = pt.map_payload(town["paths"]["map"].read_text(encoding="utf-8"))
    on_map = len(payload["observations"]["note"]) if payload["observations"] else 0
    footer = " ".join(payload["footer"])
    assert str(t.n_observations) in footer
    assert str(t.n_observations - on_map) in footer  # every remark read is on the map or counted off it


def _cells_of(x: np.ndarray, y: np.ndarray, cell_m: float = 100.0) -> list[tuple[int, int]]:
    return list(zip((x // cell_m).astype(int), (y // cell_m).astype(int), strict=True))


def test_k_means_k_on_the_map_and_in_the_tables(town: dict[str, Any]) -> None:
    import shapely
    from pyproj import Transformer

    a, paths = town["analysis"], town["paths"]
    used = a.incidents[a.incidents[s.EDGE_ID] >= 0]
    x, y = used.geometry.x.to_numpy(), used.geometry.y.to_numpy()
    cells = pd.Series(_cells_of(x, y)).value_counts()
    assert (cells < K).any()  # lone incidents exist ...
    sizes = a.hotspots["n_events"].to_numpy()
    assert (sizes < K).any()  # ... and hotspots under k, since min_samples is 2
    assert (sizes >= K).any()
    to_wgs = Transformer.from_crs(used.crs, "EPSG:4326", always_xy=True)
    lon, lat = to_wgs.transform(x, y)
    payload = pt.map_payload(paths["map"].read_text(encoding="utf-8"))
    shown = []
    for layer in payload["incidents"]:
        xy = np.cumsum(np.asarray(layer["xy"], dtype=np.int64).reshape(-1, 2), axis=0) / 1e5
        shown += [tuple(p) for p in xy]
    assert shown
    for px, py in shown:  # the incident a shown point is, and the cell it lies in
        i = int(np.argmin((lon - px) ** 2 + (lat - py) ** 2))
        assert cells[_cells_of(x[i : i + 1], y[i : i + 1])[0]] >= K
    assert len(shown) == int(sum(n for n in cells if n >= K))
    points = shapely.points(np.column_stack([lon, lat]))
    kind = dict(zip(a.places["name"], a.places["hotspot_id"], strict=True))
    hotspot_items = [item for item in payload["hotspots"] if kind.get(item["name"], 0) >= 0]
    assert (
        hotspot_items
    )  # places found from remarks alone (hotspot_id -1) are areas of remarks, not of incidents
    for item in hotspot_items:
        for polygon in item["poly"]:
            rings = [np.cumsum(np.asarray(r, dtype=np.int64).reshape(-1, 2), axis=0) / 1e5 for r in polygon]
            poly = shapely.Polygon(rings[0], rings[1:])
            assert int(shapely.contains(poly, points).sum()) >= K
    # the places tables and the report list no place of a hotspot under k
    small = set(a.hotspots.loc[a.hotspots["n_events"] < K, "hotspot_id"])
    small_places = a.places[a.places["hotspot_id"].isin(small)]
    assert len(small_places) > 0
    n_shared = len(a.places) - len(small_places)
    assert len(town["read"]["csv"]["places_csv"]) - 1 == n_shared


def test_report_dates_are_months(town: dict[str, Any]) -> None:
    a, read = town["analysis"], town["read"]
    when = pd.to_datetime(a.incidents[s.OCCURRED_AT]).dropna()
    first, last = when.min().strftime("%Y-%m-%d"), when.max().strftime("%Y-%m-%d")
    for name in ("report", "map", "report_xlsx"):
        assert first not in read["text"][name], name
        assert last not in read["text"][name], name
    assert when.min().strftime("%Y-%m") in read["text"]["report"]


def test_recall_and_no_false_positive_over_the_generated_corpus() -> None:
    """The redactor itself over a larger held-out corpus (seeds not used while writing the patterns)."""
    notes = pc.secret_notes(3000, seed=2027)
    missed = [
        (n.text, redact(n.text))
        for n in notes
        if any(pc.leaks(pc.plain(redact(n.text)), *x) for x in n.secrets)
    ]
    assert missed == [], missed[:5]
    ordinary = pc.ordinary_notes(1500, seed=2028)
    changed = [(o, redact(o)) for o in ordinary if redact(o) != o]
    assert changed == [], changed[:5]
