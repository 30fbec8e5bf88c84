"""trygghet_geo: map unsafe places for Swedish municipalities and local police.

Read police incident extracts and safety-walk observations, geocode them offline, cluster hotspots with
DBSCAN on street-network distance, rank places for joint visits and export email-ready Folium maps.

The public API is named below. Heavy submodules are imported on first use, so ``import trygghet_geo`` and
the command line start quickly.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from trygghet_geo._config import options
from trygghet_geo.errors import (
    CRSError,
    GeocodingError,
    InputError,
    NetworkError,
    SchemaError,
    TrygghetError,
    TrygghetWarning,
)

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "analyze": "trygghet_geo.analysis",
    "Analysis": "trygghet_geo.analysis",
    "read_incidents": "trygghet_geo.io",
    "read_observations": "trygghet_geo.io",
    "StreetNetwork": "trygghet_geo.network",
    "NetworkDBSCAN": "trygghet_geo.cluster",
    "NetworkHDBSCAN": "trygghet_geo._hdbscan",
    "suggest_eps": "trygghet_geo.cluster",
    "snap_points": "trygghet_geo.snap",
    "find_hotspots": "trygghet_geo.hotspots",
    "rank_places": "trygghet_geo.rank",
    "redact": "trygghet_geo.privacy",
    "compare_periods": "trygghet_geo.followup",
    "export_places": "trygghet_geo.rank",
    "write_report": "trygghet_geo.report",
}
_SUBMODULES = (
    "analysis",
    "cluster",
    "crs",
    "followup",
    "geocode",
    "hotspots",
    "io",
    "maps",
    "network",
    "privacy",
    "rank",
    "report",
    "sample",
    "schema",
    "snap",
)

__all__ = [
    "Analysis",
    "CRSError",
    "GeocodingError",
    "InputError",
    "NetworkDBSCAN",
    "NetworkError",
    "NetworkHDBSCAN",
    "SchemaError",
    "StreetNetwork",
    "TrygghetError",
    "TrygghetWarning",
    "__version__",
    "analyze",
    "compare_periods",
    "export_places",
    "find_hotspots",
    "options",
    "rank_places",
    "read_incidents",
    "read_observations",
    "redact",
    "snap_points",
    "suggest_eps",
    "write_report",
]

if TYPE_CHECKING:  # explicit imports for type checkers and readers
    from trygghet_geo._hdbscan import NetworkHDBSCAN
    from trygghet_geo.analysis import Analysis, analyze
    from trygghet_geo.cluster import NetworkDBSCAN, suggest_eps
    from trygghet_geo.followup import compare_periods
    from trygghet_geo.hotspots import find_hotspots
    from trygghet_geo.io import read_incidents, read_observations
    from trygghet_geo.network import StreetNetwork
    from trygghet_geo.privacy import redact
    from trygghet_geo.rank import export_places, rank_places
    from trygghet_geo.report import write_report
    from trygghet_geo.snap import snap_points


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"trygghet_geo.{name}")
    raise AttributeError(f"module 'trygghet_geo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(_SUBMODULES))
