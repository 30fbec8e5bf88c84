"""The old import paths of the modules that moved into the stages' packages keep working for one release,
give the very same module object and warn with the new path."""

from __future__ import annotations

import importlib
import sys

import pytest

import trygghet_geo
from trygghet_geo._compat import MOVED


@pytest.fixture(autouse=True)
def _forget_old_paths() -> None:
    """Each test imports the old paths afresh (an earlier import leaves them in sys.modules and on the
    package, where a second import finds them without asking the finder)."""
    for old in MOVED:
        sys.modules.pop(old, None)
        trygghet_geo.__dict__.pop(old.rpartition(".")[2], None)


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_old_module_path_warns_and_is_the_new_module(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=new.replace(".", r"\.")):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)


def test_old_public_names_import_from_the_old_paths() -> None:
    from trygghet_geo.hotspots import NetworkDBSCAN as NewEstimator

    with pytest.warns(DeprecationWarning, match=r"trygghet_geo\.hotspots\._dbscan"):
        from trygghet_geo.cluster import NetworkDBSCAN
    assert NetworkDBSCAN is NewEstimator
    with pytest.warns(DeprecationWarning, match=r"trygghet_geo\.output\.maps"):
        from trygghet_geo import maps
    assert maps.make_map.__module__ == "trygghet_geo.output.maps"


def test_names_the_old_single_modules_defined_are_forwarded_with_a_warning() -> None:
    import trygghet_geo.hotspots
    import trygghet_geo.network

    with pytest.warns(DeprecationWarning, match=r"trygghet_geo\._vocab\.WEEKDAYS_SV"):
        weekdays = trygghet_geo.hotspots.WEEKDAYS_SV
    assert weekdays[0] == "mån"
    with pytest.warns(DeprecationWarning, match=r"trygghet_geo\.network\._model\._validate"):
        assert callable(trygghet_geo.network._validate)
    with pytest.raises(AttributeError):
        _ = trygghet_geo.network.no_such_name


def test_the_top_level_api_comes_from_the_new_homes() -> None:
    import trygghet_geo as tg

    assert tg.NetworkDBSCAN.__module__ == "trygghet_geo.hotspots._dbscan"
    assert tg.snap_points.__module__ == "trygghet_geo.network.snap"
    assert tg.redact.__module__ == "trygghet_geo.output.privacy"
    assert tg.write_report.__module__ == "trygghet_geo.output.report"
    assert {"hotspots", "network", "output"} <= set(dir(tg))
