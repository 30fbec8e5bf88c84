"""A shared lägesbild with more areas than :data:`MAX_AREAS_BY_CATEGORY` shows each area's total, suppressed
jointly with the town tables, and leaves its categories empty; the internal one shows them all."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from trygghet_geo.areas import read_areas
from trygghet_geo.output import _lagesbild_gate
from trygghet_geo.output._lagesbild import document

K = 5


def _area_cells(demo: Any, privacy: str) -> tuple[Any, Any]:
    analysis, paths = demo
    fig, _blocks, _title = document(analysis, areas=read_areas(paths["districts"]), privacy=privacy, k=K)
    areas = fig.extra["areas"]
    mask = areas.attrs.get(_lagesbild_gate.AREAS_HIDDEN)
    return areas, mask


def test_categories_of_few_areas_are_gated_cell_by_cell(demo: Any) -> None:
    areas, mask = _area_cells(demo, "shared")
    cats = [c for c in mask.columns if c not in ("n", "n_previous", "n_places")]
    assert len(areas) <= _lagesbild_gate.MAX_AREAS_BY_CATEGORY
    shown = ~mask[cats].to_numpy()
    assert shown.any()  # the sample's districts keep some of their categories
    values = areas[cats].to_numpy(dtype=float)
    assert not ((values > 0) & (values < K) & shown).any()


def test_categories_of_many_areas_are_left_empty(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_lagesbild_gate, "MAX_AREAS_BY_CATEGORY", 1)
    areas, mask = _area_cells(demo, "shared")
    cats = [c for c in mask.columns if c not in ("n", "n_previous", "n_places")]
    assert cats
    assert mask[cats].to_numpy().all()
    totals = areas["n"].to_numpy(dtype=float)
    shown = ~mask["n"].to_numpy()
    assert shown.any()
    assert not ((totals > 0) & (totals < K) & shown).any()
    hidden_sum = totals[~shown].sum()
    assert hidden_sum == 0 or hidden_sum >= K


def test_internal_shows_every_cell(demo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_lagesbild_gate, "MAX_AREAS_BY_CATEGORY", 1)
    _areas, mask = _area_cells(demo, "internal")
    assert mask is None or not np.asarray(mask).any()
