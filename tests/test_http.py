"""Every online path goes through trygghet_geo._http and stays shut unless the caller asks (sockets are
blocked in the test suite, so a path that tried to connect would fail with another error)."""

from __future__ import annotations

import geopandas as gpd
import pytest

from trygghet_geo import options
from trygghet_geo.errors import GeocodingError, NetworkError


def test_network_from_place_is_refused_offline() -> None:
    from trygghet_geo.network import network_from_place

    assert options.allow_online is False
    with pytest.raises(NetworkError, match=r"off by default.*allow_online"):
        network_from_place("Kristinehamn, Sweden")


def test_network_from_bbox_is_refused_offline() -> None:
    from trygghet_geo.network import network_from_bbox

    with pytest.raises(NetworkError, match=r"off by default.*network_from_pbf"):
        network_from_bbox((14.0, 59.3, 14.2, 59.4))


def test_build_gazetteer_from_a_place_name_is_refused_offline() -> None:
    from trygghet_geo.geocode import build_gazetteer

    with pytest.raises(GeocodingError, match=r"off by default.*local \.osm\.pbf"):
        build_gazetteer("Kristinehamn, Sweden")


def test_geocode_stays_offline_unless_asked() -> None:
    from trygghet_geo.geocode import Gazetteer, geocode

    options.allow_online = False
    rows = gpd.GeoDataFrame(
        {"place_text": ["Storgatan 3", "Helt okänd gata 99"], "status": "needs_geocoding"},
        geometry=[None, None],
        crs=4326,
    )
    out = geocode(rows, gazetteer=Gazetteer.example(), cache=False)
    assert len(out) == 2  # the unknown text is answered 'failed', not sent anywhere


def test_osmnx_settings_are_scoped() -> None:
    import osmnx as ox

    from trygghet_geo._http import osmnx_settings

    before = (ox.settings.http_user_agent, ox.settings.requests_timeout, list(ox.settings.useful_tags_way))
    options.user_agent = "trygghet_geo-test/1.0"
    options.timeout_s = 7
    with osmnx_settings() as inside:
        assert inside.settings.http_user_agent == "trygghet_geo-test/1.0"
        assert inside.settings.requests_timeout == 7
        assert "name:sv" in inside.settings.useful_tags_way
    after = (ox.settings.http_user_agent, ox.settings.requests_timeout, list(ox.settings.useful_tags_way))
    assert after == before  # the program's own osmnx settings are back


def test_nominatim_carries_the_user_agent_and_timeout() -> None:
    from trygghet_geo._http import nominatim

    options.user_agent = "trygghet_geo-test/1.0"
    options.timeout_s = 9
    geocoder = nominatim()
    assert geocoder.headers["User-Agent"] == "trygghet_geo-test/1.0"
    assert geocoder.timeout == 9


def test_only_http_sets_osmnx_settings_or_makes_a_geocoder() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "trygghet_geo"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "_http.py"
        and any(s in p.read_text(encoding="utf-8") for s in ("ox.settings.", "Nominatim(user_agent"))
    ]
    assert offenders == []
