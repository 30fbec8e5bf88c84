"""The map's time filter data and "Utveckling" layer (payload level; the browser tests draw them)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from test_maps import make_analysis

from trygghet_geo.network import lixelize
from trygghet_geo.output import _layers as layers
from trygghet_geo.output._trendmap import trend_layer
from trygghet_geo.output.maps import _labels


def planted_segments(analysis, *, small: int = 2) -> gpd.GeoDataFrame:
    """A segment table as :func:`emerging_hotspots` returns it, with chosen patterns: three segments of 10
    events (new, intensifying, historical), one cold, one intensifying of only ``small`` events."""
    seg = lixelize(analysis.network, 100.0).copy()
    seg["pattern"] = "no_pattern"
    seg["n_events"] = 1.0
    seg["count_2024-01"] = 1.0
    for row, pattern, n in ((0, "new", 10), (3, "intensifying", 10), (6, "historical", 10)):
        seg.iloc[row, seg.columns.get_loc("pattern")] = pattern
        seg.iloc[row, seg.columns.get_loc("n_events")] = n
    seg.iloc[9, seg.columns.get_loc("pattern")] = "cold_persistent"
    seg.iloc[9, seg.columns.get_loc("n_events")] = 12
    seg.iloc[12, seg.columns.get_loc("pattern")] = "intensifying"
    seg.iloc[12, seg.columns.get_loc("n_events")] = small
    seg.attrs.update(steps=[f"2024-{m:02d}" for m in range(1, 13)], time_step="month")
    return seg


def test_trend_layer_names_patterns_in_swedish_and_keeps_k_in_shared_mode() -> None:
    a = make_analysis(200)
    seg = planted_segments(a)
    shared = trend_layer(seg, privacy="shared", k=5, lang="sv")
    internal = trend_layer(seg, privacy="internal", k=5, lang="sv")
    english = trend_layer(seg, privacy="internal", k=5, lang="en")
    assert shared is not None
    assert internal is not None
    assert english is not None
    by_key = {c["key"]: c for c in shared["classes"]}
    assert {c: by_key[c]["label"] for c in by_key} == {
        "new": "Ny hotspot",
        "intensifying": "Växande hotspot",
        "historical": "Tidigare hotspot",
        "cold_persistent": "Bestående kallpunkt",
    }
    assert by_key["intensifying"]["n"] == 1  # the 2-event segment is not drawn in the shared mode
    assert {c["key"]: c["n"] for c in internal["classes"]}["intensifying"] == 2
    assert shared["segments"] == 4
    assert internal["segments"] == 5
    assert shared["title"] == "Utveckling längs gatorna (12 månader)"
    assert "Intensifying hot spot" in [c["label"] for c in english["classes"]]
    assert "count_2024-01" not in str(shared)  # no per-step count leaves the table
    assert trend_layer(seg.assign(pattern="no_pattern"), privacy="internal", k=5, lang="sv") is None


def test_payload_months_follow_the_shown_points() -> None:
    a = make_analysis(300)
    for privacy in ("shared", "internal"):
        tables = layers.export_tables(a, privacy, k=5, cell_m=100.0)
        p = layers.payload(a, tables, lang="sv", labels=_labels("sv", 5, 100.0), title=None, streets=False)
        assert p["months"][0] == "2024-01"
        assert p["months"][-1] == "2024-12"
        assert len(p["months"]) == 12
        for cat in p["incidents"]:
            assert len(cat["m"]) == cat["n"]
            assert min(cat["m"]) >= 0
            assert max(cat["m"]) < 12
        shown = sum(c["n"] for c in p["incidents"])
        in_hotspots = sum(sum(h.get("mc", [])) for h in p["hotspots"])
        assert 0 < in_hotspots <= shown
        # each hotspot's monthly counts are those of its own shown points
        pts = tables.points
        month = pd.to_datetime(pts["occurred_at"]).dt.tz_localize(None).dt.month.to_numpy() - 1
        for h in p["hotspots"]:
            if "mc" in h:
                own = pts["hotspot_id"].to_numpy() == h["hid"]
                assert h["mc"] == np.bincount(month[own], minlength=12).tolist()
