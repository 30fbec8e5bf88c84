"""Bad input to the public API raises TrygghetError subclasses only (and keeps ValueError where it was)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import trygghet_geo as tg
from trygghet_geo.errors import TrygghetError


def _net() -> tg.StreetNetwork:
    from trygghet_geo.network import network_from_lines

    lines = [shapely.LineString([(0, 0), (300, 0)]), shapely.LineString([(300, 0), (300, 200)])]
    return network_from_lines(
        gpd.GeoDataFrame({"name": ["Storgatan", "Kyrkogatan"]}, geometry=lines, crs=3006)
    )


def _points(crs: Any = 3006) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"category": ["stöld"] * 3, "occurred_at": pd.to_datetime(["2024-01-01"] * 3, utc=True)},
        geometry=[shapely.Point(10, 1), shapely.Point(12, 0), shapely.Point(14, -1)],
        crs=crs,
    )


def _set_option(name: str, value: Any) -> None:
    setattr(tg.options, name, value)


CASES: dict[str, Callable[[Path], object]] = {
    "read_incidents missing file": lambda tmp: tg.read_incidents(tmp / "saknas.csv"),
    "read_incidents not a table": lambda tmp: tg.read_incidents(12345),
    "export_places no geometry": lambda tmp: tg.export_places(pd.DataFrame({"rank": [1]}), tmp / "p.csv"),
    "read_observations missing file": lambda tmp: tg.read_observations(tmp / "saknas.xlsx"),
    "snap_points without CRS": lambda tmp: tg.snap_points(_points(None), _net()),
    "snap_points bad max_snap_m": lambda tmp: tg.snap_points(_points(), _net(), max_snap_m=-1),
    "NetworkDBSCAN bad eps": lambda tmp: tg.NetworkDBSCAN(eps_m=-5, network=_net()).fit(np.zeros((2, 2))),
    "NetworkDBSCAN 3 features": lambda tmp: tg.NetworkDBSCAN(network=_net()).fit(np.zeros((2, 3))),
    "suggest_eps bad k": lambda tmp: tg.suggest_eps(np.array([0]), np.array([1.0]), _net(), k=0),
    "find_hotspots wrong labels": lambda tmp: tg.find_hotspots(_points(), [0], _net()),
    "redact unknown kind": lambda tmp: tg.redact("ring 070-123 45 67", kinds=["shoe_size"]),
    "redact not text": lambda tmp: tg.redact(12345),
    "export_places bad suffix": lambda tmp: tg.export_places(gpd.GeoDataFrame(), tmp / "platser.txt"),
    "rank_places unknown weight": lambda tmp: tg.rank_places(
        gpd.GeoDataFrame(), _points(), network=_net(), weights={"shoe_size": 1.0}
    ),
    "compare_periods overlapping": lambda tmp: tg.compare_periods(
        _points(),
        gpd.GeoDataFrame({"name": ["T"]}, geometry=[shapely.box(0, -5, 20, 5)], crs=3006),
        before=("2024-01-01", "2024-06-30"),
        after=("2024-03-01", "2024-12-31"),
    ),
    "options.lang unknown": lambda tmp: _set_option("lang", "de"),
    "options.timeout_s negative": lambda tmp: _set_option("timeout_s", -1),
    "network from no lines": lambda tmp: tg.network.network_from_lines(
        gpd.GeoDataFrame(geometry=[], crs=3006)
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_raises_a_trygghet_error(case: str, tmp_path: Path) -> None:
    with pytest.raises(Exception) as info:  # noqa: PT011  (the type is what is tested below)
        CASES[case](tmp_path)
    assert isinstance(info.value, TrygghetError), f"{case}: {type(info.value).__mro__} {info.value}"
    assert str(info.value)  # a message the user can act on
