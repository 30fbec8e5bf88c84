"""The bundled sample: real streets, synthetic events, deterministic, written as a user's files."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from trygghet_geo import sample, schema


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return sample.generate_incidents()


def test_network_is_the_helsinki_extract_with_swedish_names() -> None:
    net = sample.load_network()
    names = set(net.edges["name"])
    assert {"Järnvägstorget", "Alexandersgatan", "Skillnadsgatan"} <= names
    assert len(net.edges) > 3000
    assert net.crs.to_epsg() == 32635


def test_incidents_are_deterministic_and_large_enough(incidents: pd.DataFrame) -> None:
    again = sample.generate_incidents()
    pd.testing.assert_frame_equal(incidents, again)
    assert len(incidents) >= 3000
    other_seed = sample.generate_incidents(seed=1)
    assert not incidents["Plats"].equals(other_seed["Plats"])


def test_incidents_span_24_months_and_mix_location_kinds(incidents: pd.DataFrame) -> None:
    dates = pd.to_datetime(incidents["Datum"], errors="coerce", format="%Y-%m-%d").dropna()
    assert dates.dt.to_period("M").nunique() == 24
    has_coord = incidents["Latitud"].notna()
    assert 0.5 < has_coord.mean() < 0.7
    assert incidents.loc[~has_coord, "Plats"].notna().mean() > 0.95


def test_incidents_cover_every_canonical_category(incidents: pd.DataFrame) -> None:
    from trygghet_geo.io import read_incidents

    read = read_incidents(incidents)
    assert len(read) == len(incidents)
    assert set(schema.INCIDENT_CATEGORIES) <= set(read[schema.CATEGORY])


def test_planted_station_square_concentrates_narcotics(incidents: pd.DataFrame) -> None:
    import numpy as np

    station_lat, station_lon = 60.1709, 24.9430  # Järnvägstorget
    dy = (incidents["Latitud"] - station_lat) * 111_320
    dx = (incidents["Longitud"] - station_lon) * 111_320 * np.cos(np.radians(station_lat))
    near = np.hypot(dx, dy) < 250
    narcotics = incidents["Brottstyp"].str.contains("Narkotika")
    with_coord = incidents["Latitud"].notna()
    share_near = (near & narcotics).sum() / (narcotics & with_coord).sum()
    assert share_near > 0.4
    assert (near & ~narcotics).sum() / (~narcotics & with_coord).sum() < share_near / 2


def test_observations_have_categories_notes_and_measures() -> None:
    obs = sample.generate_observations()
    assert len(obs) >= 200
    assert set(obs["Kategori"]) <= set(schema.OBSERVATION_CATEGORIES)
    assert obs[["Plats", "Anteckning", "Åtgärdsförslag", "Datum"]].notna().all().all()


def test_write_raw_writes_the_three_files(tmp_path: Path) -> None:
    paths = sample.write_raw(tmp_path)
    text = paths["incidents"].read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header.split(";")[:3] == ["Ärendenummer", "Brottstyp", "Datum"]
    assert re.search(r";60,\d{3,6};24,\d{3,6}$", text, flags=re.MULTILINE), "coordinates use a decimal comma"
    assert pd.read_excel(paths["observations"], engine="calamine").shape[0] >= 200
    assert paths["area"].read_text(encoding="utf-8").lstrip().startswith("{")


def test_sample_is_labelled_synthetic() -> None:
    assert "påhittade" in sample.SOURCE_NOTE
    assert "OpenStreetMap" in sample.SOURCE_NOTE
    assert sample.load_incidents().attrs["synthetic"] is True


def test_some_thefts_carry_an_interval_and_the_hour_profile_follows() -> None:
    """Thefts and damage nobody saw carry "Datum t.o.m."/"Kl t.o.m." (the weekend ones Friday evening to
    Monday 07.00); read, they become ``occurred_to``; the sample's hour and weekday counts spread them over
    their hours, and the instant events count in their own hour exactly as before."""
    import numpy as np

    from trygghet_geo.hotspots._time import hour_weekday_counts

    inc = sample.load_incidents()
    until = inc[schema.OCCURRED_TO]
    has = until.notna()
    assert 0.05 < has.mean() < 0.3
    assert set(inc.loc[has, "category"]) == {"stöld", "skadegörelse"}
    start = pd.to_datetime(inc[schema.OCCURRED_FROM])
    weekend = has & (start.dt.day_of_week == 4) & (until.dt.day_of_week == 0) & (until.dt.hour == 7)
    assert weekend.sum() >= 20
    hours_i, days_i = hour_weekday_counts(start, until)
    hours_s, days_s = hour_weekday_counts(start, pd.Series(pd.NaT, index=inc.index))
    assert abs(hours_i.sum() - hours_s.sum()) < 1e-6  # each event still counts once
    # an interval's weight moves out of its start hour into the night and the weekend
    assert hours_i[2:6].sum() > hours_s[2:6].sum() + 20
    assert days_i[5:7].sum() > days_s[5:7].sum() + 10  # Saturday and Sunday
    # the instant events alone: exactly their start hours
    hi, di = hour_weekday_counts(start[~has], until[~has])
    valid = start[~has].dropna()
    np.testing.assert_allclose(hi, np.bincount(valid.dt.hour, minlength=24))
    np.testing.assert_allclose(di, np.bincount(valid.dt.day_of_week, minlength=7))
