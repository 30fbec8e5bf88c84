"""The real Polisen API responses and brottsplatskartan files in ../shared/data/polisen/ read without error,
every record accounted for (skipped when that folder is absent; the files are never copied into the repo)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from trygghet_geo import schema as s
from trygghet_geo.io import read_incidents

SHARED_POLISEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "polisen"

FILES = sorted(SHARED_POLISEN.glob("*.json")) if SHARED_POLISEN.is_dir() else []
pytestmark = pytest.mark.skipif(not FILES, reason=f"real Polisen files not present in {SHARED_POLISEN}")


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_record_accounted_for(path: Path) -> None:
    records = json.loads(path.read_text(encoding="utf-8"))
    gdf = read_incidents(path)
    report = gdf.attrs["report"]
    assert len(gdf) == len(records) == report.n_rows
    assert sum(report.status_counts.values()) == len(records)
    assert gdf[s.RECORD_ID].tolist() == [str(r["id"]) for r in records]
    assert gdf[s.SOURCE_ROW].tolist() == list(range(1, len(records) + 1))
    assert report.unknown_categories == {}  # the category table knows every type the API has used
    assert gdf[s.OCCURRED_AT].notna().all()
    # Coordinates are municipality/county centres (or brottsplatskartan's geocoding): never "exact".
    assert not (gdf[s.PRECISION] == "exact").any()
    # Every rejected row says why, and the only reasons are duplicates and far-off points.
    rejected = gdf[gdf[s.STATUS] == "rejected"]
    # coarse_location: a record without coordinates whose place names only a county or municipality
    assert set(rejected[s.REASON]) <= {"duplicate", "outside_country", "bad_coordinates", "coarse_location"}
    assert (gdf.loc[gdf[s.STATUS] == "ok", s.REASON] == "").all()


def test_polisen_precision_and_town_from_name() -> None:
    path = SHARED_POLISEN / "polisen_api_events_snapshot_2026-08-22.json"
    if not path.exists():
        pytest.skip("snapshot 2026-08-22 absent")
    gdf = read_incidents(path)
    # In 2026 location.name is the county; the town comes from the end of `name`.
    first = gdf.iloc[0]
    assert first["location.name"] == "Skåne län"
    assert first[s.PRECISION] == "county"
    assert first[s.PLACE_TEXT] == "Kävlinge"
    assert first[s.OCCURRED_AT] == pd.Timestamp("2026-08-22 17:59", tz="Europe/Stockholm")
    # A street named in the summary becomes place text for the geocoder.
    streets = gdf[gdf[s.REASON] == "coarse_location"]
    assert len(streets) > 0
    assert (streets[s.STATUS] == "needs_geocoding").all()
    assert streets[s.PLACE_TEXT].str.contains(", ").all()


def test_republished_brottsplatskartan_ids_flagged_latest_kept() -> None:
    path = SHARED_POLISEN / "brottsplatskartan_fe19tp2_orange_response1_reduced_4999.json"
    if not path.exists():
        pytest.skip("brottsplatskartan file absent")
    gdf = read_incidents(path)
    ids = gdf[s.RECORD_ID]
    n_repeats = int(ids.duplicated().sum())
    assert n_repeats == 500  # as the folder's README says
    same_id = gdf[ids.duplicated(keep=False)]
    kept = same_id[same_id[s.REASON] != "duplicate"]
    assert kept[s.RECORD_ID].is_unique  # at most one version of each id is kept
    # ... and only an id whose record repeats another record's time, town and type loses every version.
    lost = set(same_id[s.RECORD_ID]) - set(kept[s.RECORD_ID])
    assert len(lost) <= 2
    assert gdf.attrs["report"].duplicates >= n_repeats
    # Where versions differ, the latest published one is kept (here the versions are identical in time,
    # so the later row in the file is kept).
    assert (
        kept[s.SOURCE_ROW].to_numpy()
        > same_id[same_id[s.REASON] == "duplicate"]
        .groupby(s.RECORD_ID)[s.SOURCE_ROW]
        .min()
        .reindex(kept[s.RECORD_ID])
        .to_numpy()
    ).all()
