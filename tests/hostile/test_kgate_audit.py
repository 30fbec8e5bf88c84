"""k means k in every shared file: an audit of what each command writes, read back by another route.

Every command with a shared mode runs in its default (shared) mode on a generated town (``kgate_town``: big
places with minority categories, hours and months of 1..k-1 incidents inside them, many small groups of
1..k-1 incidents alone, remark places over few incidents), and ``kgate_audit`` reads every file written (the
maps' data, HTML and Word tables, CSV, XLSX through python-calamine, GeoPackage through pyogrio) and lists
each count tied to a place, segment, cell or lixel that is 1..k-1, or that a total minus the parts shown
beside it, two nested windows, or a count and its percentage give back (see ``kgate_audit`` for the
classes).

Two seeds run here (about 25 s each on an idle core); ``KGATE_SEEDS=1,2,3,4,5`` runs more.

Known and left open (counted by ``test_points_layer_is_the_point_rule``, not failed): the shared map shows a
point exactly where at least k incidents share its 100 m cell, with its category and month, so a reader can
count a category or a month of 1..k-1 in such a cell from the points; the map's time filter (``mc``) counts
the same shown points per month. That is the point rule of issue 15, not a number this gate adds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kgate_audit as ka
import kgate_town as kt

SEEDS = [int(s) for s in os.environ.get("KGATE_SEEDS", "1,2").split(",") if s.strip()]


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp(f"kgate{request.param}")
    town = kt.write_town(folder / "in", seed=request.param)
    codes = ka.run_commands(town, folder / "out")
    return {"town": town, "out": folder / "out", "codes": codes}


def test_every_command_ran(run: dict[str, Any]) -> None:
    assert run["codes"] == dict.fromkeys(run["codes"], 0)
    written = sorted(p.relative_to(run["out"]).as_posix() for p in run["out"].glob("*/*") if p.is_file())
    for name in ("analyze/platser.csv", "report/uppfoljning.xlsx", "hotlist/hotlist.docx",
                 "lagesbild/lagesbild.docx", "density/tathet.gpkg", "trend/utveckling.gpkg",
                 "plan/atgardsuppfoljning.xlsx"):  # fmt: skip
        assert name in written


def test_the_town_has_small_groups_to_hide(run: dict[str, Any]) -> None:
    """The audit means something only if there is something under k to leak."""
    sizes = [n for _, _, n in run["town"].groups]
    assert sum(1 for n in sizes if 0 < n < kt.DEFAULT_K) >= 10
    assert sum(1 for n in sizes if n >= 3 * kt.DEFAULT_K) >= 3


def test_no_count_under_k_in_any_shared_file(run: dict[str, Any]) -> None:
    audit = ka.audit(run["out"])
    # the audit read the files: thousands of counts, and totals to subtract parts from
    assert audit.checked["counts"] > 1000
    assert audit.checked["subtractions"] > 20
    shown = "\n".join(f"{kind}: {where}: {what}" for kind, where, what in audit.failures[:40])
    assert not audit.failures, f"{len(audit.failures)} failures {audit.summary()}:\n{shown}"


def test_internal_trend_table_is_whole(run: dict[str, Any], tmp_path: Path) -> None:
    """``--privacy internal`` keeps the trend table whole: its counts add up to the incidents used."""
    from trygghet_geo.cli import main

    town = run["town"]
    code = main(["--no-progress", "trend", str(town.incidents), "--network", str(town.network),
                 "--simulations", "9", "--privacy", "internal", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    rows = ka.gpkg_rows(tmp_path / "utveckling.gpkg")
    steps = [c for c in rows[0] if str(c).startswith("count_")]
    assert sum(r["n_events"] for r in rows) == town.n_incidents - town.n_left_out
    assert all(sum(r[c] for c in steps) == r["n_events"] for r in rows)
    assert any(0 < r["n_events"] < kt.DEFAULT_K for r in rows)  # the small ones are there, internally


def test_points_layer_is_the_point_rule(run: dict[str, Any]) -> None:
    """The shared map's points: every shown point's 100 m cell holds at least k shown points (the point rule);
    the per-month counts of the time filter are those points counted (see the module's docstring)."""
    import numpy as np

    page = (run["out"] / "analyze" / "trygghetskarta.html").read_text(encoding="utf-8")
    (payload,) = ka.map_payloads(page)
    xy = np.concatenate([np.asarray(c["xy"], dtype=float).reshape(-1, 2) for c in payload["incidents"]])
    assert len(xy)
    # coordinates are integers scaled by q from a delta code; the cells are counted by the package's own rule
    # elsewhere (test_privacy); here: the time filter counts no more points than the map shows
    mc = [sum(item.get("mc", [])) for item in payload["hotspots"]]
    assert sum(mc) <= len(xy)
