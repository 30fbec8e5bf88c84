"""Tests of trygghet_geo.io on files the tests write: formats, encodings, columns, dates, categories,
coordinates, statuses, duplicates, clear errors and the validate command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from trygghet_geo import schema as s
from trygghet_geo.errors import CRSError, InputError, SchemaError
from trygghet_geo.io import IngestReport, read_incidents, read_observations, rejects_table, validate_file

STREETS = [
    "Kungsgatan 12",
    "Järnvägstorget",
    "Östra Ågatan 3",
    "Skillnadsgatan",
    "Stadsparken",
    "korsningen Storgatan/Kyrkogatan",
    "Gångtunneln under Järnvägsgatan",
]
TYPES = [
    "Stöld",
    "Stöld/inbrott",
    "Narkotikabrott",
    "Rattfylleri",
    "Trafikbrott",
    "Skadegörelse",
    "Misshandel",
    "Rån",
    "Trafikolycka,  personskada",
    "Gurkbrott",
]


def fifty_rows() -> pd.DataFrame:
    """50 deterministic incident rows with the awkward cases: no coordinates (geocode), no place and no
    coordinates (rejected), an unknown type, hours without a leading zero, Swedish letters."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(50):
        lat = round(59.30 + rng.random() * 0.08, 6)
        lon = round(18.00 + rng.random() * 0.12, 6)
        hour = int(rng.integers(0, 24))
        rows.append(
            {
                "Id": f"K-{1000 + i}",
                "Brottstyp": TYPES[i % len(TYPES)],
                "Datum": f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "Tid": f"{hour}:{int(rng.integers(0, 60)):02d}" if i % 3 else f"{hour:02d}:05",
                "Plats": "" if i in (10, 20) else STREETS[i % len(STREETS)],
                "lat": np.nan if i % 9 == 4 or i == 10 else lat,
                "lon": np.nan if i % 9 == 4 or i == 10 else lon,
            }
        )
    return pd.DataFrame(rows)


def _decimal_comma(v: float) -> str:
    return "" if np.isnan(v) else f"{v:.6f}".replace(".", ",")


def write_csv(df: pd.DataFrame, path: Path, *, sep: str, encoding: str, comma: bool) -> Path:
    out = df.rename(columns={"lat": "Latitud", "lon": "Longitud"}).copy()
    for c in ("Latitud", "Longitud"):
        out[c] = [(_decimal_comma(v) if comma else ("" if np.isnan(v) else f"{v:.6f}")) for v in out[c]]
    out.to_csv(path, sep=sep, index=False, encoding=encoding)
    return path


def write_gis(df: pd.DataFrame, path: Path, driver: str) -> Path:
    geometry = [
        None if np.isnan(x) else shapely.Point(x, y) for x, y in zip(df["lon"], df["lat"], strict=True)
    ]
    gdf = gpd.GeoDataFrame(df.drop(columns=["lat", "lon"]), geometry=geometry, crs="EPSG:4326")
    gdf.to_file(path, driver=driver, engine="pyogrio")
    return path


WRITERS = {
    "csv-utf8-semicolon-decimal-comma": lambda df, d: write_csv(
        df, d / "a.csv", sep=";", encoding="utf-8", comma=True
    ),
    "csv-utf8-bom-tab": lambda df, d: write_csv(df, d / "b.txt", sep="\t", encoding="utf-8-sig", comma=True),
    "csv-cp1252-comma": lambda df, d: write_csv(df, d / "c.csv", sep=",", encoding="cp1252", comma=False),
    "csv-latin1-semicolon": lambda df, d: write_csv(df, d / "d.csv", sep=";", encoding="latin-1", comma=True),
    "txt-utf16-tab": lambda df, d: write_csv(df, d / "e.txt", sep="\t", encoding="utf-16", comma=True),
    "xlsx": lambda df, d: (
        df.rename(columns={"lat": "Latitud", "lon": "Longitud"}).to_excel(d / "f.xlsx", index=False),
        d / "f.xlsx",
    )[1],
    "geojson": lambda df, d: write_gis(df, d / "g.geojson", "GeoJSON"),
    "gpkg": lambda df, d: write_gis(df, d / "h.gpkg", "GPKG"),
    "shapefile": lambda df, d: write_gis(df, d / "i.shp", "ESRI Shapefile"),
}
COMPARED = [c for c in s.INCIDENT_COLUMNS if c != s.SOURCE]


def _canonical(gdf: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(gdf[COMPARED]).reset_index(drop=True)
    for c in (s.RECORD_ID, s.PRECISION):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return _canonical(read_incidents(fifty_rows()))


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_same_fifty_rows_through_every_format(fmt: str, tmp_path: Path, reference: pd.DataFrame) -> None:
    path = WRITERS[fmt](fifty_rows(), tmp_path)
    got = _canonical(read_incidents(path))
    assert len(got) == 50
    pd.testing.assert_frame_equal(
        got.drop(columns=[s.LON, s.LAT]), reference.drop(columns=[s.LON, s.LAT]), check_dtype=False
    )
    np.testing.assert_allclose(
        got[[s.LON, s.LAT]].to_numpy(), reference[[s.LON, s.LAT]].to_numpy(), atol=1e-9
    )


def test_long_table_paths_give_what_short_ones_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Long tables take other paths: a second thread, per-distinct-value parsing, per-day localisation.
    # Forced on for a small messy file, they must give the same frame and report as the plain paths.
    from trygghet_geo.io import _dates, _run

    df = pd.concat([fifty_rows()] * 30, ignore_index=True)  # repeated ids and rows: duplicates
    df.loc[::7, "Tid"] = "25:99"
    df.loc[::11, "Datum"] = "2021-02-30"
    df.loc[::13, "lat"] = 18.05  # lat and lon swapped
    df.loc[::13, "lon"] = 59.33
    path = write_csv(df, tmp_path / "long.csv", sep=";", encoding="utf-8", comma=True)
    short = read_incidents(path)
    monkeypatch.setattr(_run, "THREADED_MIN_ROWS", 0)
    monkeypatch.setattr(_dates, "_BY_DAY_MIN_ROWS", 0)
    monkeypatch.setattr(_dates, "_DEDUPE_MIN_ROWS", 0)
    long = read_incidents(path)
    pd.testing.assert_frame_equal(pd.DataFrame(long), pd.DataFrame(short))
    assert long.attrs["report"].to_dict() == short.attrs["report"].to_dict()
    reasons = set(short[s.REASON].dropna())
    assert {"duplicate", "bad_date"} <= reasons
    assert short.attrs["report"].swapped_coordinates > 0


def test_reference_rows_have_the_expected_statuses(reference: pd.DataFrame) -> None:
    status = reference[s.STATUS]
    assert (status == "rejected").sum() == 1  # row 10: neither place nor coordinates
    assert reference.loc[10, s.REASON] == "no_location"
    assert reference.loc[4, s.STATUS] == "needs_geocoding"
    assert reference.loc[20, s.STATUS] == "ok"  # coordinates without place text
    assert reference.loc[9, s.CATEGORY] == "övrigt"  # "Gurkbrott"
    assert reference.loc[8, s.CATEGORY] == "trafik"  # "Trafikolycka,  personskada"
    assert str(reference.loc[1, s.OCCURRED_AT].tz) == "Europe/Stockholm"


def test_report_counts_and_text() -> None:
    gdf = read_incidents(fifty_rows())
    report = gdf.attrs["report"]
    assert isinstance(report, IngestReport)
    assert sum(report.status_counts.values()) == report.n_rows == 50
    assert report.unknown_categories == {"Gurkbrott": 5}
    assert report.reason_counts == {"no_location": 1}
    assert "Gurkbrott" in report.to_text()
    assert "Orsaker" in report.to_text("sv")
    assert json.dumps(report.to_dict())


def test_lead_sample_layout(tmp_path: Path) -> None:
    """The bundled sample's shape: ; and decimal comma CSV, observations .xlsx with Swedish headers."""
    csv = tmp_path / "incidents.csv"
    csv.write_text(
        "Ärendenummer;Brottstyp;Datum;Tid;Plats;Latitud;Longitud\n"
        "5000-K1;Stöld;2024-03-04;22:15;Kungsgatan 12;60,1699;24,9384\n"
        "5000-K2;Narkotikabrott;2024-03-05;7:05;Järnvägstorget;;\n",
        encoding="utf-8",
    )
    inc = read_incidents(csv)
    assert inc[s.STATUS].tolist() == ["ok", "needs_geocoding"]
    assert inc[s.RECORD_ID].tolist() == ["5000-K1", "5000-K2"]
    assert inc.crs.to_epsg() == 4326
    assert inc.geometry.iloc[1] is None
    assert inc["Ärendenummer"].tolist() == ["5000-K1", "5000-K2"]  # user columns untouched
    obs_path = tmp_path / "obs.xlsx"
    pd.DataFrame(
        {
            "Datum": [dt.datetime(2024, 5, 2, 19, 0), dt.datetime(2024, 5, 2)],
            "Plats": ["Gångtunneln under Järnvägsgatan", "Stadsparken"],
            "Kategori": ["Belysning", "Klotter"],
            "Anteckning": ["Mörkt, två lampor trasiga", None],
            "Åtgärdsförslag": ["Byt armaturer", "Sanera"],
        }
    ).to_excel(obs_path, index=False)
    obs = read_observations(obs_path)
    assert list(obs.columns[: len(s.OBSERVATION_COLUMNS)]) == list(s.OBSERVATION_COLUMNS)
    assert obs[s.CATEGORY].tolist() == ["belysning", "skadegörelse/klotter"]
    assert obs[s.NOTE].tolist() == ["Mörkt, två lampor trasiga", ""]
    assert obs[s.MEASURE].tolist() == ["Byt armaturer", "Sanera"]
    assert obs[s.OCCURRED_AT].iloc[0] == pd.Timestamp("2024-05-02 19:00", tz="Europe/Stockholm")


# --- encodings and delimiters -------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("sep", [";", ",", "\t"])
def test_swedish_letters_survive_every_encoding(tmp_path: Path, encoding: str, sep: str) -> None:
    path = tmp_path / "x.csv"
    text = (
        sep.join(["Plats", "Brottstyp", "Övrig info"])
        + "\n"
        + sep.join(["Åsgränd 5", "Rån", "Ärlig öl"])
        + "\n"
    )
    path.write_text(text, encoding=encoding)
    gdf = read_incidents(path)
    assert gdf[s.PLACE_TEXT].iloc[0] == "Åsgränd 5"
    assert gdf["Övrig info"].iloc[0] == "Ärlig öl"
    assert gdf.attrs["report"].delimiter == sep


def test_mixed_encodings_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes("Plats;Brottstyp\nÅsgatan 1;Stöld\n".encode() + "Östra gatan;Rån\n".encode("cp1252"))
    gdf = read_incidents(path)
    assert gdf[s.PLACE_TEXT].tolist() == ["Åsgatan 1", "Östra gatan"]
    assert gdf.attrs["report"].encoding == "utf-8+cp1252"


def test_cp1252_bytes_deep_in_a_large_utf8_file_are_not_missed(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    body = "".join(f"Kungsgatan {i};Stöld\n" for i in range(6000)).encode()  # ~100 kB of UTF-8
    path.write_bytes(b"Plats;Brottstyp\n" + body + "Östra gatan;Rån\n".encode("cp1252"))
    gdf = read_incidents(path)
    assert len(gdf) == 6001
    assert gdf[s.PLACE_TEXT].iloc[-1] == "Östra gatan"
    assert gdf[s.RAW_CATEGORY].iloc[0] == "Stöld"


def test_quoted_cells_newlines_and_ragged_rows_keep_every_row(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        'Plats;Brottstyp;Anteckning\n"Torget; norra delen";Stöld;"rad ett\nrad två"\n'
        "Kungsgatan 1;Rån;för;många;celler\nStorgatan 2;Bråk\n",
        encoding="utf-8",
    )
    gdf = read_incidents(path)
    assert len(gdf) == 3
    assert gdf[s.PLACE_TEXT].tolist() == ["Torget; norra delen", "Kungsgatan 1", "Storgatan 2"]
    assert gdf["Anteckning"].iloc[1] == "för;många;celler"  # extra cells joined, nothing lost


def test_every_cell_is_read_as_written_whichever_reader_runs(tmp_path: Path) -> None:
    """Ids with leading zeros, numbers, "NA" and text that turns numeric-looking only after the first 64 kB
    (the part the fast reader is chosen on) all come through as the text in the file."""
    n = 6000
    ids = [f"{i:06d}" for i in range(n)]
    ids[-1] = "K-17"  # the id column is digits until the very end
    lines = ["Id;Plats;Brottstyp;Antal;Anm"]
    lines += [f"{ids[i]};Storgatan {i % 50};Stöld;{i % 7};{'NA' if i % 3 else ''}" for i in range(n)]
    path = tmp_path / "ids.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 65536
    gdf = read_incidents(path)
    assert gdf["Id"].tolist() == ids
    assert gdf["Antal"].tolist() == [str(i % 7) for i in range(n)]
    assert gdf["Anm"].tolist() == ["NA" if i % 3 else "" for i in range(n)]
    # All text, and text only after 64 kB in a column of numbers: still read as written.
    lines[1:] = [f"{i};Storgatan 1;Stöld;1;x" for i in range(n)]
    lines.append("007;Storgatan 1;Stöld;1;x")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_incidents(path)["Id"].iloc[-1] == "007"
    # Text in the first 64 kB, then a long run of zero-padded digits (a chunk of its own in the C reader).
    lines[1:] = [f"K-{i};Storgatan 1;Stöld;en;x" for i in range(3000)]
    lines += [f"{i:07d};Storgatan 1;Stöld;en;x" for i in range(200_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_incidents(path)["Id"].iloc[-1] == "0199999"


def test_title_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "rar.csv"
    path.write_text(
        "Utdrag ur RAR, Karlstad\n\nPlats;Brottstyp;Datum\nTorget;Rån;2024-01-01\nParken;Stöld;2024-01-02\n",
        encoding="utf-8",
    )
    gdf = read_incidents(path)
    assert gdf[s.PLACE_TEXT].tolist() == ["Torget", "Parken"]
    assert any("skipped" in n for n in gdf.attrs["report"].notes)
    trailing = tmp_path / "trailing.csv"
    trailing.write_text("Plats;Brottstyp\nTorget;Rån;\nParken;Stöld;\n", encoding="utf-8")
    assert read_incidents(trailing)[s.PLACE_TEXT].tolist() == ["Torget", "Parken"]


# --- column recognition -------------------------------------------------------------------------------------
def test_english_headers_and_override_wins() -> None:
    df = pd.DataFrame(
        {
            "Crime type": ["Theft"],
            "When": ["2021-03-04 22:15"],
            "Where": ["Main St 1"],
            "Address": ["Wrong 9"],
            "latitude": ["59.33"],
            "longitude": ["18.07"],
        }
    )
    gdf = read_incidents(df, columns={"category": "Crime type", "occurred_at": "When", "place": "Where"})
    assert gdf[s.CATEGORY].iloc[0] == "stöld"
    assert gdf[s.PLACE_TEXT].iloc[0] == "Main St 1"
    assert gdf[s.OCCURRED_AT].iloc[0] == pd.Timestamp("2021-03-04 22:15", tz="Europe/Stockholm")
    # None switches a recognised column off
    gdf = read_incidents(df, columns={"lat": None, "lon": None})
    assert gdf[s.STATUS].iloc[0] == "needs_geocoding"


def test_columns_override_errors_name_the_problem() -> None:
    df = pd.DataFrame({"Plats": ["x"]})
    with pytest.raises(SchemaError, match="'Nope'"):
        read_incidents(df, columns={"place": "Nope"})
    with pytest.raises(SchemaError, match="no known field"):
        read_incidents(df, columns={"colour": "Plats"})


def test_no_place_or_coordinate_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Brottstyp;Datum\nStöld;2021-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv.*no column could hold a place"):
        read_incidents(path)


# --- coordinates --------------------------------------------------------------------------------------------
def test_sweref_and_rt90_with_swedish_x_y(tmp_path: Path) -> None:
    to3006 = Transformer.from_crs(4326, 3006, always_xy=True)
    to3021 = Transformer.from_crs(4326, 3021, always_xy=True)
    e1, n1 = to3006.transform(18.0686, 59.3293)
    e2, n2 = to3021.transform(13.5035, 59.4022)
    df = pd.DataFrame(
        {
            "X": [f"{n1:.2f}".replace(".", ","), f"{n2:.1f}"],
            "Y": [f"{e1:.2f}".replace(".", ","), f"{e2:.1f}"],
            "Brottstyp": ["Rån", "Stöld"],
        }
    )
    gdf = read_incidents(df)
    np.testing.assert_allclose(gdf[s.LON], [18.0686, 13.5035], atol=1e-6)
    np.testing.assert_allclose(gdf[s.LAT], [59.3293, 59.4022], atol=1e-6)
    assert gdf.attrs["report"].crs_counts == {"EPSG:3006": 1, "EPSG:3021": 1}
    # International order (X = easting) is read by the values, and noted.
    gdf2 = read_incidents(df.rename(columns={"X": "Y", "Y": "X"}))
    np.testing.assert_allclose(gdf2[s.LAT], gdf[s.LAT])
    assert any("X as easting" in n for n in gdf2.attrs["report"].notes)


def test_local_zone_needs_crs_argument() -> None:
    east, north = Transformer.from_crs(4326, 3011, always_xy=True).transform(18.0686, 59.3293)
    df = pd.DataFrame({"N": [north], "E": [east], "Plats": ["x"]})
    with pytest.raises(CRSError, match="crs="):
        read_incidents(df)
    gdf = read_incidents(df, crs="EPSG:3011")
    assert round(float(gdf[s.LAT].iloc[0]), 4) == 59.3293


def test_swapped_lat_lon_fixed_and_reported() -> None:
    df = pd.DataFrame({"lat": ["59,33", "18,07", "59,34"], "lon": ["18,07", "59,33", "18,06"], "Plats": "x"})
    gdf = read_incidents(df)
    assert gdf[s.LAT].tolist() == [59.33, 59.33, 59.34]
    assert gdf.attrs["report"].swapped_coordinates == 1


def test_outside_country_flagged_not_dropped_and_area_argument() -> None:
    df = pd.DataFrame(
        {"lat": [59.33, 59.34, 59.91], "lon": [18.07, 18.06, 10.75], "Plats": ["a", "b", "Oslo"]}
    )
    gdf = read_incidents(df)
    assert gdf[s.REASON].tolist() == ["", "", "outside_country"]
    assert gdf.geometry.iloc[2] is not None  # kept, with its point
    assert read_incidents(df, area=False)[s.STATUS].tolist() == ["ok"] * 3
    area = read_incidents(df, area=(18.0, 59.0, 18.065, 60.0))
    assert area[s.REASON].tolist() == ["outside_country", "", "outside_country"]
    helsinki = pd.DataFrame({"lat": [60.17, 60.16], "lon": [24.94, 24.95], "Plats": ["a", "b"]})
    assert read_incidents(helsinki)[s.STATUS].tolist() == ["ok", "ok"]  # a foreign study area is not flagged


def test_bad_coordinates_with_and_without_place_text() -> None:
    df = pd.DataFrame({"lat": ["abc", "999", ""], "lon": ["18", "999", ""], "Plats": ["Storgatan 1", "", ""]})
    gdf = read_incidents(df)
    assert gdf[s.STATUS].tolist() == ["needs_geocoding", "rejected", "rejected"]
    assert gdf[s.REASON].tolist() == ["bad_coordinates", "bad_coordinates", "no_location"]


def test_combined_coordinate_column_and_geodataframe_input() -> None:
    df = pd.DataFrame({"Koordinater": ["59.33,18.07", "59,33 18,07"], "Brottstyp": ["Rån", "Rån"]})
    assert read_incidents(df)[s.LAT].tolist() == [59.33, 59.33]
    g = gpd.GeoDataFrame({"Brottstyp": ["Rån"]}, geometry=[shapely.Point(674032, 6580822)], crs=3006)
    out = read_incidents(g)
    assert round(float(out[s.LAT].iloc[0]), 3) == 59.33
    assert g.crs.to_epsg() == 3006
    assert "lat" not in g.columns


# --- dates --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-03-04 22:15", "2021-03-04 22:15"),
        ("2021-03-04T22:15:00+01:00", "2021-03-04 22:15"),
        ("2021-03-04T21:15:00Z", "2021-03-04 22:15"),
        ("4/3/2021 22:15", "2021-03-04 22:15"),
        ("4.3.2021", "2021-03-04 00:00"),
        ("20210304", "2021-03-04 00:00"),
        ("2021-03-04 kl 22.15", "2021-03-04 22:15"),
        ("4 mars 2021 7:05", "2021-03-04 07:05"),
        ("44259.5", "2021-03-04 12:00"),
        ("2021-07-04 7:32:06", "2021-07-04 07:32:06"),
    ],
)
def test_date_forms(text: str, expected: str) -> None:
    gdf = read_incidents(pd.DataFrame({"Tidpunkt": [text], "Plats": ["x"]}))
    assert gdf[s.OCCURRED_AT].iloc[0] == pd.Timestamp(expected, tz="Europe/Stockholm")


def test_separate_date_and_time_columns_in_odd_forms() -> None:
    df = pd.DataFrame(
        {
            "Datum": ["2021-03-04", "2021-03-04", "2021-03-04", "2021-03-04"],
            "Klockslag": ["2215", "kl 9", "7.05", ""],
            "Plats": "x",
        }
    )
    got = read_incidents(df)[s.OCCURRED_AT].dt.strftime("%H:%M").tolist()
    assert got == ["22:15", "09:00", "07:05", "00:00"]


def test_dst_edges_and_excel_date_cells() -> None:
    df = pd.DataFrame(
        {
            "Datum": [dt.datetime(2021, 3, 28), dt.datetime(2021, 10, 31), dt.date(2021, 6, 1)],
            "Tid": [dt.time(2, 30), dt.time(2, 30), dt.time(12, 0)],
            "Plats": "x",
        },
        dtype=object,
    )
    got = read_incidents(df)[s.OCCURRED_AT]
    assert got.iloc[0] == pd.Timestamp("2021-03-28 03:30", tz="Europe/Stockholm")  # 02:30 does not exist
    assert got.iloc[1].utcoffset() == dt.timedelta(hours=1)  # ambiguous hour read as standard time
    assert got.iloc[2] == pd.Timestamp("2021-06-01 12:00", tz="Europe/Stockholm")


def test_long_columns_are_localised_like_short_ones_across_clock_changes() -> None:
    from trygghet_geo.io._dates import _localize_by_day, _localize_wall

    # Every minute of the spring and autumn changes of 2023, random times over 30 years, and missing values.
    rng = np.random.default_rng(1)
    changes = pd.date_range("2023-03-25", "2023-03-27", freq="min").append(
        pd.date_range("2023-10-28", "2023-10-30", freq="min")
    )
    spread = pd.to_datetime(
        pd.Timestamp("2000-01-01").value + rng.integers(0, 30 * 365 * 86400, 30_000) * 10**9
    )
    values = pd.Series(changes.append(spread).append(pd.DatetimeIndex([pd.NaT] * 20)))
    values = values.sample(frac=1, random_state=0)
    fast, reference = _localize_by_day(values), _localize_wall(values)
    assert fast.equals(reference)
    assert fast[values == pd.Timestamp("2023-03-26 02:30")].iloc[0] == pd.Timestamp(
        "2023-03-26 03:30", tz="Europe/Stockholm"
    )


def test_bad_date_rejects_the_row_with_reason() -> None:
    gdf = read_incidents(pd.DataFrame({"Datum": ["2021-02-30", "igår", ""], "Plats": ["a", "b", "c"]}))
    assert gdf[s.REASON].tolist() == ["bad_date", "bad_date", ""]


# --- categories and duplicates ------------------------------------------------------------------------------
def test_categories_table_and_extra_mapping() -> None:
    df = pd.DataFrame({"Typ": ["Sammanfattning natt", "Fylleri/LOB", "cykelstöld", "Hundbajs"], "Plats": "x"})
    assert read_incidents(df)[s.CATEGORY].tolist() == ["övrigt", "ordningsstörning", "stöld", "övrigt"]
    out = read_incidents(df, categories={"Hundbajs": "ordningsstörning"})
    assert out[s.CATEGORY].iloc[3] == "ordningsstörning"
    assert out.attrs["report"].unknown_categories == {}
    with pytest.raises(InputError, match="categories"):
        read_incidents(df, categories={"Hundbajs": "kaos"})
    obs = read_observations(pd.DataFrame({"Kategori": ["Buskage", "Trasig lampa", "Annat"], "Plats": "x"}))
    assert obs[s.CATEGORY].tolist() == ["vegetation", "belysning", "övrigt"]


def test_duplicates_flagged_latest_version_kept() -> None:
    df = pd.DataFrame(
        {
            "Id": ["A", "B", "A", "", ""],
            "Brottstyp": ["Stöld", "Rån", "Stöld", "Bråk", "Bråk"],
            "Tidpunkt": [
                "2021-01-01 10:00",
                "2021-01-01 11:00",
                "2021-01-01 10:05",
                "2021-01-02 01:00",
                "2021-01-02 01:00",
            ],
            "Plats": ["Torget", "Torget", "Torget", "Kungsgatan 1", "kungsgatan 1"],
        }
    )
    gdf = read_incidents(df)
    assert gdf[s.STATUS].tolist() == [
        "rejected",
        "needs_geocoding",
        "needs_geocoding",
        "rejected",
        "needs_geocoding",
    ]
    assert gdf[s.REASON].tolist() == ["duplicate", "", "", "duplicate", ""]
    assert gdf.attrs["report"].duplicates == 2


# --- frames, indexes, errors --------------------------------------------------------------------------------
def test_input_frame_not_mutated_index_kept_and_collisions_renamed() -> None:
    df = pd.DataFrame({"Plats": ["a", "b"], "status": ["x", "y"]}, index=[10, 20])
    before = df.copy()
    gdf = read_incidents(df)
    pd.testing.assert_frame_equal(df, before)
    assert gdf.index.tolist() == [10, 20]
    assert gdf["status_source"].tolist() == ["x", "y"]


def test_empty_missing_binary_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_incidents(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.csv.*empty"):
        read_incidents(tmp_path / "empty.csv")
    (tmp_path / "bin.csv").write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputError, match="NUL bytes"):
        read_incidents(tmp_path / "bin.csv")
    (tmp_path / "broken.json").write_text('[{"id": 1,', encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        read_incidents(tmp_path / "broken.json")
    (tmp_path / "fake.xlsx").write_text("not excel", encoding="utf-8")
    with pytest.raises(InputError, match="xlsx"):
        read_incidents(tmp_path / "fake.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")  # a truncated .xls: .xls is read, this one is broken
    with pytest.raises(InputError, match=r"old\.xls: not a readable"):
        read_incidents(tmp_path / "old.xls")
    with pytest.raises(InputError, match="expected a file path"):
        read_incidents(42)  # type: ignore[arg-type]


def test_header_only_file_gives_empty_result(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("Plats;Brottstyp\n", encoding="utf-8")
    gdf = read_incidents(path)
    assert len(gdf) == 0
    assert list(gdf.columns[: len(s.INCIDENT_COLUMNS)]) == list(s.INCIDENT_COLUMNS)


def test_excel_named_sheet_and_blank_rows(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"a": [1]}).to_excel(xl, sheet_name="Info", index=False)
        pd.DataFrame({"Plats": ["a", None, "c"], "Kategori": ["Skräp", None, "Mörkt"]}).to_excel(
            xl, sheet_name="Vandring", index=False
        )
    obs = read_observations(path, sheet="Vandring")
    assert obs[s.SOURCE_ROW].tolist() == [1, 3]  # the empty sheet row is no record; numbering kept
    with pytest.raises(InputError, match="Vandring"):
        read_observations(path, sheet="Saknas")


def _rewrite_zip(src: Path, dst: Path, change: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, change.get(info.filename, zin.read(info.filename)))
    return dst


def test_excel_size_limit_and_declared_dimension(tmp_path: Path) -> None:
    path = tmp_path / "stor.xlsx"
    pd.DataFrame({"Plats": [f"Storgatan {i}" for i in range(3000)], "Kategori": ["Skräp"] * 3000}).to_excel(
        path, index=False
    )
    assert len(read_observations(path)) == 3000  # the default limit reads an ordinary workbook
    with pytest.raises(InputError, match=r"stor\.xlsx.*max_excel_mb=0\.01 MB"):
        read_observations(path, max_excel_mb=0.01)
    assert len(read_observations(path, max_excel_mb=5)) == 3000
    # A <dimension> that lies is not trusted either way: the real extent of the cells is measured.
    import zipfile

    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:B3001"' in sheet
    huge = _rewrite_zip(
        path,
        tmp_path / "dimension.xlsx",
        {"xl/worksheets/sheet1.xml": sheet.replace(b"A1:B3001", b"A1:ALL1000000")},
    )
    assert len(read_observations(huge)) == 3000
    # One cell in column XFD, with the dimension left as it was: 3001 × 16384 cells once laid out, refused.
    far = sheet.replace(
        b"</row></sheetData>", b'<c r="XFD3001" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    )
    assert far != sheet
    stray = _rewrite_zip(path, tmp_path / "stray.xlsx", {"xl/worksheets/sheet1.xml": far})
    with pytest.raises(InputError, match=r"stray\.xlsx.*A1:XFD3001"):
        read_observations(stray)


def test_excel_entity_declarations_are_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "bok.xlsx"
    pd.DataFrame({"Plats": ["Storgatan 1"]}).to_excel(path, index=False)
    import zipfile

    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    laughs = b'<!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    bad = laughs + sheet.replace(b"Storgatan 1", b"&b;")
    entity = _rewrite_zip(path, tmp_path / "entity.xlsx", {"xl/worksheets/sheet1.xml": bad})
    with pytest.raises(InputError, match=r"entity\.xlsx.*entities are never resolved"):
        read_observations(entity)


def test_lone_surrogates_replaced_and_counted() -> None:
    text = pd.Series(["Storgatan 1", "fel\ud800kod\udfffad", None, 5], dtype=object)
    df = pd.DataFrame({"Plats": text, "Anteckning": text}, dtype=object)
    obs = read_observations(df)
    assert obs[s.PLACE_TEXT].tolist() == ["Storgatan 1", "fel\ufffdkod\ufffdad", "", "5"]
    assert obs[s.NOTE].iloc[1] == "fel\ufffdkod\ufffdad"
    report = obs.attrs["report"]
    assert report.replaced_characters == 4
    assert "U+FFFD" in report.to_text()
    assert obs["Anteckning"].iloc[1] == text.iloc[1]  # the user's own column is passed through as it was
    assert df["Plats"].iloc[1] == "fel\ud800kod\udfffad"  # the input is not changed


# --- Polisen JSON layouts written by the tests --------------------------------------------------------------
def _polisen_record(
    i: int,
    name: str,
    loc: str,
    gps: str,
    summary: str,
    typ: str = "Stöld",
    when: str = "2026-08-22 19:51:41 +02:00",
) -> dict:
    return {
        "id": i,
        "datetime": when,
        "name": name,
        "summary": summary,
        "url": f"/x/{i}",
        "type": typ,
        "location": {"name": loc, "gps": gps},
    }


def test_polisen_api_layout(tmp_path: Path) -> None:
    records = [
        _polisen_record(
            1, "22 augusti 17.59, Brand, Kävlinge", "Skåne län", "55.990257,13.595769", "Brand i förråd."
        ),
        _polisen_record(
            2,
            "22 augusti 7:05, Stöld, Karlstad",
            "Karlstad",
            "59.402181,13.511498",
            "En cykel stals på Drottninggatan 5 under natten.",
        ),
        _polisen_record(
            3,
            "31 december 23:50, Bråk, Karlstad",
            "Karlstad",
            "59.402181,13.511498",
            "Bråk.",
            typ="Bråk",
            when="2027-01-01 00:30:00 +01:00",
        ),
    ]
    path = tmp_path / "events.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    gdf = read_incidents(path)
    assert gdf[s.PRECISION].tolist() == ["county", "municipality", "municipality"]
    assert gdf[s.PLACE_TEXT].tolist() == ["Kävlinge", "Drottninggatan 5, Karlstad", "Karlstad"]
    assert gdf[s.STATUS].tolist() == ["ok", "needs_geocoding", "ok"]
    assert gdf[s.REASON].tolist() == ["", "coarse_location", ""]
    assert gdf[s.OCCURRED_AT].tolist() == [
        pd.Timestamp("2026-08-22 17:59", tz="Europe/Stockholm"),
        pd.Timestamp("2026-08-22 07:05", tz="Europe/Stockholm"),
        pd.Timestamp("2026-12-31 23:50", tz="Europe/Stockholm"),  # published in the new year
    ]
    assert gdf[s.RECORD_ID].tolist() == ["1", "2", "3"]


def test_republished_record_latest_publication_kept_whatever_the_order(tmp_path: Path) -> None:
    # The API lists the newest first: the later version is the first record in the file.
    new = _polisen_record(
        5,
        "22 augusti 7:05, Stöld, Karlstad",
        "Karlstad",
        "59.40,13.51",
        "Cykel stulen.",
        when="2026-08-22 12:00:00 +02:00",
    )
    old = dict(new, summary="Stöld.", datetime="2026-08-22 08:00:00 +02:00")
    path = tmp_path / "republished.json"
    path.write_text(json.dumps([new, old]), encoding="utf-8")
    gdf = read_incidents(path)
    assert gdf[s.REASON].tolist() == ["", "duplicate"]


def test_brottsplatskartan_layout_mixed_number_types(tmp_path: Path) -> None:
    records = [
        {
            "id": 9,
            "pubdate_iso8601": "2020-03-10T18:02:01+0100",
            "title_type": "Trafikolycka,  vilt",
            "title_location": "Eskilstuna",
            "lat": 59.3571248,
            "lng": "16.5156848",
        },
        {
            "id": 9,
            "pubdate_iso8601": "2020-03-10T19:02:01+0100",
            "title_type": "Trafikolycka,  vilt",
            "title_location": "Eskilstuna",
            "lat": "59.3571248",
            "lng": 16.5156848,
        },
        {
            "id": 8,
            "pubdate_iso8601": "2020-03-10T17:44:03+0100",
            "title_type": "Sammanfattning kväll",
            "title_location": "Jämtlands län",
        },
    ]
    path = tmp_path / "bpk.json"
    path.write_text(json.dumps({"data": records}), encoding="utf-8")
    gdf = read_incidents(path)
    # "Jämtlands län" names only a county: never geocoded to a street point.
    assert gdf[s.STATUS].tolist() == ["rejected", "ok", "rejected"]
    assert gdf[s.REASON].tolist() == ["duplicate", "", "coarse_location"]
    assert gdf[s.PRECISION].iloc[2] == "county"
    assert gdf[s.CATEGORY].tolist() == ["trafik", "trafik", "övrigt"]


# --- validate -----------------------------------------------------------------------------------------------
def test_validate_file_detects_observations(tmp_path: Path) -> None:
    path = tmp_path / "walk.csv"
    path.write_text("Plats;Kategori;Anteckning\nParken;Buskage;Skymd sikt\n", encoding="utf-8")
    assert validate_file(path).attrs["report"].kind == "observations"
    path2 = tmp_path / "inc.csv"
    path2.write_text("Plats;Brottstyp\nParken;Rån\n", encoding="utf-8")
    assert validate_file(path2).attrs["report"].kind == "incidents"
    # A Polisen API response has a 'summary', but it is a police feed: incidents, its types mapped as such.
    feed = tmp_path / "events.json"
    record = _polisen_record(
        1,
        "22 augusti 21:10, Rattfylleri, Karlstad",
        "Karlstad",
        "59.40,13.51",
        "Ett stopp.",
        typ="Rattfylleri",
    )
    feed.write_text(json.dumps([record]), encoding="utf-8")
    got = validate_file(feed)
    assert got.attrs["report"].kind == "incidents"
    assert got[s.CATEGORY].tolist() == ["trafik"]


def test_cli_validate_prints_report_and_writes_rejects(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from trygghet_geo.cli import main

    path = write_csv(fifty_rows(), tmp_path / "in.csv", sep=";", encoding="utf-8", comma=True)
    out = tmp_path / "out" / "in.validated.csv"
    assert main(["validate", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Rader: 50" in printed
    assert "no_location" in printed
    rejects = pd.read_csv(out.with_name("in.rejects.csv"), sep=";", encoding="utf-8-sig")
    assert rejects["reason"].tolist() == ["no_location"]
    assert rejects["reason_text"].tolist() == [s.REASONS["no_location"][0]]
    validated = pd.read_csv(out, sep=";", encoding="utf-8-sig")
    assert len(validated) == 50


def test_cli_validate_error_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from trygghet_geo.cli import main

    assert main(["validate", str(tmp_path / "saknas.csv")]) == 2
    assert "saknas.csv" in capsys.readouterr().err


def test_rejects_table_escapes_formulas(tmp_path: Path) -> None:
    from trygghet_geo.io._write import write_table

    gdf = read_incidents(pd.DataFrame({"Plats": ["", "ok"], "Brottstyp": ['=HYPERLINK("x")', "Rån"]}))
    table = rejects_table(gdf, lang="en")
    assert table["reason_text"].tolist() == ["No place text and no coordinates"]
    path = write_table(table, tmp_path / "r.csv")
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")


def test_excel_size_limit_is_an_option(tmp_path) -> None:
    import pandas as pd
    import pytest

    from trygghet_geo import options
    from trygghet_geo.errors import InputError
    from trygghet_geo.io import read_observations

    path = tmp_path / "walk.xlsx"
    pd.DataFrame({"Plats": ["Storgatan 1"] * 2000, "Kategori": ["belysning"] * 2000}).to_excel(
        path, index=False
    )
    assert len(read_observations(path)) == 2000
    options.max_excel_mb = 0.01
    with pytest.raises(InputError, match=r"max_excel_mb=0\.01"):
        read_observations(path)
    assert len(read_observations(path, max_excel_mb=50)) == 2000  # the keyword wins over the option
    with pytest.raises(ValueError, match="max_excel_mb"):
        options.max_excel_mb = 0


def test_progress_bars_show_on_a_terminal_and_stay_out_of_logs(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from trygghet_geo import options
    from trygghet_geo.io._run import progress_bar

    options.progress = True
    for terminal in (False, True):
        monkeypatch.setattr(sys.stderr, "isatty", lambda terminal=terminal: terminal, raising=False)
        bar = progress_bar("big.csv", 300_000)
        bar.update(6)
        bar.close()
        err = capsys.readouterr().err
        # A log file or CI run gets nothing (no carriage returns, no cursor escapes); a terminal gets the bar.
        assert ("read big.csv" in err) is terminal


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_read_like_their_xlsx_twin(suffix: str) -> None:
    """The same 40 rows written by three writers (tools/make_sheet_twins.py: openpyxl, xlwt, odfpy) read to
    the same table, row for row; only the source file's name differs."""
    data = Path(__file__).parent / "data"
    twin = read_incidents(data / "twin.xlsx")
    other = read_incidents(data / f"twin.{suffix}")
    assert len(twin) == 40
    assert set(other["source"]) == {f"twin.{suffix}"}
    pd.testing.assert_frame_equal(other.drop(columns="source"), twin.drop(columns="source"))


def test_a_long_table_is_read_when_no_second_thread_can_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under a memory or thread cap the reader's helper thread may not start: the work runs in the caller."""
    import _thread

    from trygghet_geo.io._run import THREADED_MIN_ROWS, worker

    def no_thread(*_args: object) -> int:
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(_thread, "start_new_thread", no_thread)
    with worker(THREADED_MIN_ROWS) as submit:
        assert submit(sorted, [3, 1, 2]).result() == [1, 2, 3]
