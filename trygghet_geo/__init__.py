"""trygghet_geo: map unsafe places for Swedish municipalities and local police.

Read police incident extracts and safety-walk observations, geocode them offline, cluster hotspots with
DBSCAN on street-network distance, rank places for joint visits and export email-ready Folium maps.

The public API is named below. Heavy submodules are imported on first use, so ``import trygghet_geo`` and
the command line start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from trygghet_geo._compat import MOVED, install
from trygghet_geo._config import options
from trygghet_geo.errors import (
    CRSError,
    GeocodingError,
    InputError,
    NetworkError,
    ParameterError,
    SchemaError,
    TrygghetError,
    TrygghetWarning,
)

__version__ = "0.1.0"

install()  # old import paths (trygghet_geo.cluster, trygghet_geo.maps, ...) keep working for one release

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "analyze": "trygghet_geo.analysis",
    "Analysis": "trygghet_geo.analysis",
    "read_incidents": "trygghet_geo.io",
    "read_observations": "trygghet_geo.io",
    "StreetNetwork": "trygghet_geo.network",
    "NetworkDBSCAN": "trygghet_geo.hotspots",
    "NetworkHDBSCAN": "trygghet_geo.hotspots",
    "suggest_eps": "trygghet_geo.hotspots",
    "suggest_parameters": "trygghet_geo.hotspots",
    "hotspot_significance": "trygghet_geo.hotspots",
    "snap_points": "trygghet_geo.network",
    "find_hotspots": "trygghet_geo.hotspots",
    "near_repeat": "trygghet_geo.hotspots",
    "emerging_hotspots": "trygghet_geo.hotspots",
    "rank_places": "trygghet_geo.rank",
    "redact": "trygghet_geo.output.privacy",
    "compare_periods": "trygghet_geo.followup",
    "network_kde": "trygghet_geo.density",
    "export_places": "trygghet_geo.rank",
    "write_report": "trygghet_geo.output.report",
    "lagesbild": "trygghet_geo.output._lagesbild",
    "read_reference": "trygghet_geo.reference",
    "read_survey": "trygghet_geo.reference",
    "read_areas": "trygghet_geo.areas",
    "area_summary": "trygghet_geo.areas",
    "read_plan": "trygghet_geo.plan",
    "write_plan_template": "trygghet_geo.plan",
    "followup_plan": "trygghet_geo.plan",
}
_SUBMODULES = (
    "analysis",
    "areas",
    "batch",
    "crs",
    "density",
    "followup",
    "geocode",
    "hotlist",
    "hotspots",
    "io",
    "network",
    "output",
    "plan",
    "rank",
    "reference",
    "sample",
    "schema",
)
# old top-level modules, now in a stage's package: still importable for one release, with a DeprecationWarning
_MOVED_SUBMODULES = tuple(old.rpartition(".")[2] for old in MOVED)

__all__ = [
    "Analysis",
    "CRSError",
    "GeocodingError",
    "InputError",
    "NetworkDBSCAN",
    "NetworkError",
    "NetworkHDBSCAN",
    "ParameterError",
    "SchemaError",
    "StreetNetwork",
    "TrygghetError",
    "TrygghetWarning",
    "__version__",
    "analyze",
    "area_summary",
    "compare_periods",
    "emerging_hotspots",
    "export_places",
    "find_hotspots",
    "followup_plan",
    "hotspot_significance",
    "lagesbild",
    "near_repeat",
    "network_kde",
    "options",
    "rank_places",
    "read_areas",
    "read_incidents",
    "read_observations",
    "read_plan",
    "read_reference",
    "read_survey",
    "redact",
    "snap_points",
    "suggest_eps",
    "suggest_parameters",
    "write_plan_template",
    "write_report",
]

if TYPE_CHECKING:  # explicit imports for type checkers and readers
    from trygghet_geo.analysis import Analysis, analyze
    from trygghet_geo.areas import area_summary, read_areas
    from trygghet_geo.density import network_kde
    from trygghet_geo.followup import compare_periods
    from trygghet_geo.hotspots import (
        NetworkDBSCAN,
        NetworkHDBSCAN,
        emerging_hotspots,
        find_hotspots,
        near_repeat,
        suggest_eps,
    )
    from trygghet_geo.hotspots._parameters import suggest_parameters
    from trygghet_geo.hotspots._significance import hotspot_significance
    from trygghet_geo.io import read_incidents, read_observations
    from trygghet_geo.network import StreetNetwork, snap_points
    from trygghet_geo.output._lagesbild import lagesbild
    from trygghet_geo.output.privacy import redact
    from trygghet_geo.output.report import write_report
    from trygghet_geo.plan import followup_plan, read_plan, write_plan_template
    from trygghet_geo.rank import export_places, rank_places
    from trygghet_geo.reference import read_reference, read_survey


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES or name in _MOVED_SUBMODULES:
        return importlib.import_module(f"trygghet_geo.{name}")
    raise AttributeError(f"module 'trygghet_geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(_SUBMODULES))
