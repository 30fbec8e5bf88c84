"""k means k in the gaps the first audit left open: the lägesbild's town tables, remark counts, one rendering
of a hidden count, and the same place in two tables of one command's export set (``kgate_gaps2``).

One generated town per seed (``kgate_gaps2.write_town``: ``kgate_town``'s town, its end month by the seed,
with a small group of remarks of a rare topic, and a measure's start and a promise a few months and days
before the end) is run through ``analyze``, ``plan followup``, ``lagesbild`` (with the plan and the areas)
and ``report`` in their default shared mode, and every file written is read back. One seed runs here (about
20 s on an idle core); ``KGATE2_SEEDS=3,4,5`` runs more.

Out of scope (said in docs/architecture.md): two runs with different end dates (each run is gated on its
own); counts inside a sentence (a place's reason) say "<k", not the documents' mark.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kgate_gaps2 as kg

SEEDS = [int(s) for s in os.environ.get("KGATE2_SEEDS", "3").split(",") if s.strip()]


@pytest.fixture(scope="module", params=SEEDS, ids=[f"seed{s}" for s in SEEDS])
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp(f"kgaps{request.param}")
    town, dates = kg.write_town(folder / "in", seed=request.param)
    codes = kg.run_set(town, dates, folder / "out")
    return {"town": town, "out": folder / "out", "codes": codes}


def test_every_command_ran(run: dict[str, Any]) -> None:
    assert run["codes"] == dict.fromkeys(run["codes"], 0)


def test_no_count_under_k_in_the_gaps(run: dict[str, Any]) -> None:
    audit = kg.audit(run["out"])
    # the reader read the town tables, the rendered counts, the remarks and the places across tables
    assert audit.checked["town_equations"] > 50
    assert audit.checked["rendered"] > 200
    assert audit.checked["remarks"] > 20
    assert audit.checked["cross"] > 0
    shown = "\n".join(f"{kind}: {where}: {what}" for kind, where, what in audit.failures[:40])
    assert not audit.failures, f"{len(audit.failures)} failures {kg.summary(audit)}:\n{shown}"


def test_hidden_counts_are_there_to_hide(run: dict[str, Any]) -> None:
    """The audit means something only if the town's tables hide something, and show most."""
    from trygghet_geo._kgate import HIDDEN

    tables = kg.ka.docx_tables(run["out"] / "lagesbild" / "lagesbild.docx")
    quarters = next(t for t in tables if t[0][0] == "Kvartal")
    cells = [v for r in quarters[1:] for v in r[1:]]
    assert cells.count(HIDDEN) >= 3
    assert sum(1 for v in cells if kg.ka.number(v)) >= 5  # numbers above 0 still shown
