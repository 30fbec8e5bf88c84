"""Nothing leaves the machine unless asked: the pipeline from files to HTML opens no socket.

pytest-socket already blocks sockets in every test, but a library that catches the error would hide an
attempt. Here every way to reach the network (creating an internet socket, connecting, resolving a name) is
recorded as well as refused, and the tests assert that nothing was even tried.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

import pytest
from conftest import open_offline_map

from trygghet_geo import schema as s


class _NetworkAttemptError(OSError):
    """Raised instead of any network access."""


@pytest.fixture
def net_log(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record (and refuse) every attempt to create an internet socket, connect or resolve a name."""
    log: list[str] = []
    real_socket = socket.socket

    class RecordingSocket(real_socket):  # type: ignore[misc,valid-type]
        def __init__(self, family: Any = -1, type: Any = -1, proto: int = -1, fileno: Any = None) -> None:
            fam = socket.AF_INET if family == -1 else family
            if fam in (socket.AF_INET, socket.AF_INET6):
                log.append(f"socket({fam!r})")
                raise _NetworkAttemptError("internet socket created")
            super().__init__(family, type, proto, fileno)

        def connect(self, address: Any) -> None:
            log.append(f"connect({address!r})")
            raise _NetworkAttemptError("connect")

        def connect_ex(self, address: Any) -> int:
            log.append(f"connect_ex({address!r})")
            raise _NetworkAttemptError("connect_ex")

    def refuse(name: str):
        def f(*args: Any, **kwargs: Any) -> Any:
            log.append(f"{name}{args!r}")
            raise _NetworkAttemptError(name)

        return f

    monkeypatch.setattr(socket, "socket", RecordingSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse(name))
    return log


def test_the_recorder_sees_an_attempt(net_log: list[str]) -> None:
    import urllib.request

    # urllib wraps the refusal in URLError, an OSError
    with pytest.raises(OSError, match=r"getaddrinfo|socket|connect"):
        urllib.request.urlopen("http://example.com/", timeout=1)
    assert net_log, "the recorder missed a plain HTTP request"


def _external_resources(html: str) -> list[str]:
    """URLs the browser would fetch by itself: script/link/img/iframe sources and CSS url()/@import."""
    tags = re.findall(
        r"<(?:script|img|iframe|link|source|embed)\b[^>]*?(?:src|href)\s*=\s*[\"']?(https?:)?//",
        html,
        flags=re.I,
    )
    css = re.findall(
        r"url\(\s*[\"']?(?:https?:)?//|@import\s+[\"']?(?:url\()?\s*[\"']?(?:https?:)?//", html, flags=re.I
    )
    return tags + css


@pytest.mark.slow
def test_whole_pipeline_from_files_to_html_opens_no_socket(net_log: list[str], tmp_path: Path) -> None:
    from trygghet_geo import sample
    from trygghet_geo.analysis import analyze

    paths = sample.write_raw(tmp_path / "raw")
    result = analyze(
        paths["incidents"],
        paths["observations"],
        network=sample.load_network(),
        gazetteer=sample.load_gazetteer(),
        n_simulations=9,
        synthetic=True,
        study_area=paths["area"],
    )
    shared = result.to_html(tmp_path / "karta.html")
    offline = result.to_html(tmp_path / "karta_offline.html", self_contained=True)
    internal = result.to_html(tmp_path / "karta_intern.html", privacy="internal", self_contained=True)
    assert net_log == [], f"the pipeline tried to reach the network: {net_log[:5]}"
    for path in (shared, offline, internal):
        assert path.stat().st_size > 10_000
    assert _external_resources(offline.read_text(encoding="utf-8")) == []
    assert _external_resources(internal.read_text(encoding="utf-8")) == []


def test_stages_from_files_to_html_open_no_socket(net_log: list[str], tmp_path: Path) -> None:
    """The stages on their own, on a small file: read, geocode, project, snap, export, map."""
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import LineString

    from trygghet_geo.analysis import Analysis
    from trygghet_geo.io import read_incidents, read_observations
    from trygghet_geo.network import network_from_lines
    from trygghet_geo.network.snap import snap_points
    from trygghet_geo.output.maps import save_html
    from trygghet_geo.output.privacy import prepare_export

    x0, y0 = 674_000.0, 6_580_000.0
    lines = [LineString([(x0, y0 + 100 * i), (x0 + 500, y0 + 100 * i)]) for i in range(5)]
    lines += [LineString([(x0 + 100 * i, y0), (x0 + 100 * i, y0 + 400)]) for i in range(6)]
    net = network_from_lines(
        gpd.GeoDataFrame({"name": [f"Gata {i}" for i in range(len(lines))]}, geometry=lines, crs="EPSG:3006")
    )
    pts = gpd.GeoSeries(
        gpd.points_from_xy([x0 + 50 + 7 * i for i in range(30)], [y0 + 102] * 30), crs="EPSG:3006"
    ).to_crs("EPSG:4326")
    csv = tmp_path / "brott.csv"
    pd.DataFrame(
        {
            "Brottstyp": ["Stöld"] * 30,
            "Datum": [f"2024-05-{1 + i % 28:02d} 22:00" for i in range(30)],
            "Plats": ["Gata 1"] * 30,
            "Latitud": pts.y.round(6),
            "Longitud": pts.x.round(6),
        }
    ).to_csv(csv, sep=";", index=False, decimal=",")
    obs_csv = tmp_path / "vandring.csv"
    pd.DataFrame(
        {
            "Datum": ["2025-04-22"] * 3,
            "Plats": ["Gata 1"] * 3,
            "Kategori": ["Belysning"] * 3,
            "Anteckning": ["Mörkt, ring 070-123 45 67"] * 3,
            "Latitud": pts.y[:3].round(6),
            "Longitud": pts.x[:3].round(6),
        }
    ).to_csv(obs_csv, sep=";", index=False, decimal=",")

    inc = read_incidents(csv).to_crs(net.crs)
    obs = read_observations(obs_csv).to_crs(net.crs)
    snapped = snap_points(inc, net)
    inc = inc.join(snapped[[s.EDGE_ID, s.EDGE_OFFSET_M]])
    inc[s.HOTSPOT_ID] = -1
    tables = prepare_export(inc, obs)
    assert tables.counts["points_shown"] + tables.counts["points_aggregated"] == 30
    empty = gpd.GeoDataFrame({s.HOTSPOT_ID: []}, geometry=[], crs=net.crs)
    analysis = Analysis(
        incidents=inc,
        observations=obs,
        hotspots=empty,
        places=empty,
        network=net,
        meta={"title": "Test", "synthetic": True},
    )
    html = save_html(analysis, tmp_path / "karta.html", self_contained=True).read_text(encoding="utf-8")
    assert net_log == [], f"a stage tried to reach the network: {net_log[:5]}"
    assert _external_resources(html) == []
    assert "070-123 45 67" not in html


def test_online_features_refuse_without_consent(net_log: list[str]) -> None:
    from trygghet_geo import options
    from trygghet_geo.errors import TrygghetError
    from trygghet_geo.network import network_from_place

    assert options.allow_online is False
    with pytest.raises(TrygghetError):
        network_from_place("Kristinehamn, Sverige")
    assert net_log == []


@pytest.mark.slow
@pytest.mark.browser
def test_self_contained_sample_map_fetches_nothing_when_opened(browser: Any, demo: Any) -> None:
    """The recipient's side: Chromium opens the emailed file and asks the network for nothing."""
    _, paths = demo
    html = paths["map"]  # the demo writes the map self-contained, as every saved map is by default
    with open_offline_map(browser, html, wait="load", settle_ms=500) as view:
        n_layers = view.page.evaluate(
            "Object.keys(window).filter(k => k.startsWith('feature_group_')).length"
        )
    assert view.requests == []
    assert view.errors == []
    assert n_layers >= 3
