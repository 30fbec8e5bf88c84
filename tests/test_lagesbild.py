"""The lägesbild (trygghet_geo.lagesbild): the Word file read back with python-docx, the HTML's tables equal
to the Word file's, every key figure recomputed from the run's tables by another route, the figures'
functions on generated data, privacy (k) in both files, the reference data and the command line."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import numpy as np
import pandas as pd
import pytest

from trygghet_geo import schema
from trygghet_geo._kgate import HIDDEN
from trygghet_geo.errors import InputError
from trygghet_geo.output._lagesbild_doc import APPENDIX, SECTIONS
from trygghet_geo.output._lagesbild_figures import counts_by_period, extent_by_category, remarks_by_topic
from trygghet_geo.reference import read_reference, read_survey

K = 5


# --- reading the files back ---------------------------------------------------------------------------------
def docx_tables(path: Path) -> list[list[list[str]]]:
    """Every table of a .docx as rows of cell texts (python-docx)."""
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(str(path)).tables]


def docx_headings(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every title and heading paragraph, in order."""
    out = []
    for p in docx.Document(str(path)).paragraphs:
        name = p.style.name if p.style is not None else ""
        if name == "Title" or name.startswith("Heading"):
            out.append((name, p.text))
    return out


def docx_text(path: Path) -> str:
    """Everything readable in a .docx: paragraphs, table cells and the document properties."""
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    parts += [d.core_properties.title or "", d.core_properties.subject or ""]
    return "\n".join(parts)


def html_tables(page: str) -> dict[str, list[list[str]]]:
    """The HTML document's tables by their data-key: header row and body rows as unescaped cell texts."""
    out = {}
    for key, body in re.findall(r'<table data-key="([^"]+)"[^>]*>(.*?)</table>', page, re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([html.unescape(c) for c in cells])
        out[key] = rows
    return out


def table_with_header(tables: list[list[list[str]]], first: str, *, contains: str = "") -> list[list[str]]:
    found = [t for t in tables if t[0][0] == first and all(contains in " ".join(t[0]) for _ in [0])]
    assert found, f"no table starting with {first!r}"
    return found[0]


def as_count(cell: str) -> int | None:
    """A count cell: the number, or None for ``<k``."""
    return None if cell.startswith("<") else int(cell)


# --- the demo's lägesbild -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def doc(demo: Any) -> dict[str, Any]:
    analysis, paths = demo
    return {
        "analysis": analysis,
        "paths": paths,
        "tables": docx_tables(paths["lagesbild_docx"]),
        "headings": docx_headings(paths["lagesbild_docx"]),
        "html": paths["lagesbild"].read_text(encoding="utf-8"),
    }


def test_demo_writes_the_lagesbild_files(doc: dict[str, Any]) -> None:
    paths = doc["paths"]
    for key in ("lagesbild", "lagesbild_docx", "lagesbild_map"):
        assert paths[key].exists(), key
        assert paths[key].stat().st_size > 10_000, key
    assert paths["lagesbild"].name == "lagesbild.html"
    assert paths["lagesbild_docx"].name == "lagesbild.docx"


def test_docx_headings_of_4_paragraph_in_order(doc: dict[str, Any]) -> None:
    headings = doc["headings"]
    assert headings[0][0] == "Title"
    level1 = [text for style, text in headings if style == "Heading 1"]
    assert level1 == [*SECTIONS, APPENDIX]
    # nothing at the top level before section 1: the title is the document's title, not a Heading 1
    first = next(i for i, (s, _) in enumerate(headings) if s == "Heading 1")
    assert headings[first][1] == "1 Kartläggning"
    # "Om analysen" is a part of section 6
    names = [t for _, t in headings]
    assert names.index("6 Källor och begränsningar") < names.index("Om analysen") < names.index(APPENDIX)
    assert ("Heading 2", "Om analysen") in headings
    # the chart and the map are pictures in the Word file, not links
    assert len(docx.Document(str(doc["paths"]["lagesbild_docx"])).inline_shapes) == 2


def test_html_headings_match_and_nothing_else_at_the_top_level(doc: dict[str, Any]) -> None:
    page = doc["html"]
    assert re.findall(r"<h1>(.*?)</h1>", page) == [html.escape(s) for s in (*SECTIONS, APPENDIX)]
    assert (
        page.index("<h1>1 Kartläggning</h1>")
        < page.index('id="trygghet-about"')
        < page.index(f"<h1>{APPENDIX}</h1>")
    )


def test_html_and_docx_show_the_same_tables(doc: dict[str, Any]) -> None:
    from_html = list(html_tables(doc["html"]).values())
    from_docx = doc["tables"]
    about = [t for t in from_docx if t[0] == ["Uppgift", "Värde"]]
    assert len(about) == 1  # the DOCX draws "Om analysen" as a table; the HTML has the collapsible panel
    assert [t for t in from_docx if t[0] != ["Uppgift", "Värde"]] == from_html


def test_key_figures_recomputed_from_the_run(doc: dict[str, Any]) -> None:
    """Counts by category, the two 12-month windows, quarters, precision and left-out rows, recomputed by
    plain Python from the analysis' incident table and compared with the Word file's tables."""
    a, tables = doc["analysis"], doc["tables"]
    inc = a.incidents[a.incidents[schema.REASON] != "duplicate"]
    by_cat = Counter(inc[schema.CATEGORY])
    table = table_with_header(tables, "Kategori")
    rows = {r[0]: r for r in table[1:]}
    from trygghet_geo.output._lagesbild_doc import CATEGORY_SV

    for code, label in CATEGORY_SV.items():
        shown = as_count(rows[label][1])
        assert shown == by_cat.get(code, 0) or (shown is None and 0 < by_cat.get(code, 0) < K), code
    assert int(rows["Totalt"][1]) == len(inc) == sum(by_cat.values())
    # the two windows: the data's last 12 calendar months and the 12 before them (local time)
    local = list(pd.to_datetime(inc[schema.OCCURRED_AT]).dropna().dt.tz_localize(None))  # wall-clock time
    last = max(local)
    months = [(t.year * 12 + t.month - 1) for t in local]
    end = last.year * 12 + last.month - 1
    n_last = sum(1 for m in months if end - 11 <= m <= end)
    n_prev = sum(1 for m in months if end - 23 <= m <= end - 12)
    assert int(rows["Totalt"][4]) == n_last
    assert int(rows["Totalt"][3]) == n_prev
    change = 100.0 * (n_last / n_prev - 1.0)
    whole = round(change)
    assert rows["Totalt"][5] == ("0" if whole == 0 else f"+{whole}" if whole > 0 else f"−{-whole}")
    # the lead sentence states the same total
    assert f"bygger på {len(inc)} polisregistrerade händelser" in docx_text(doc["paths"]["lagesbild_docx"])
    # quarters: every dated incident once
    quarters = table_with_header(tables, "Kvartal")
    assert sum(int(r[-1]) for r in quarters[1:]) == len(local)
    q = Counter(f"{t.year}K{(t.month - 1) // 3 + 1}" for t in local)
    assert {r[0]: int(r[-1]) for r in quarters[1:]} == dict(q)
    # precision tiers and rows left out, as the run counted them
    precision = table_with_header(tables, "Precision")
    assert sum(int(r[1]) for r in precision[1:]) == len(a.incidents)
    assert int({r[0]: r[1] for r in precision[1:]}["Exakta koordinater"]) == int(
        (a.incidents[schema.PRECISION] == "exact").sum()
    )
    left = table_with_header(tables, "Rader")
    got = {(r[0], r[2]): int(r[3]) for r in left[1:]}
    want = {("händelser", c): n for c, n in a.left_out.items()}
    want |= {("synpunkter", c): n for c, n in a.observations_left_out.items()}
    assert got == want


def test_remarks_and_places_tables(doc: dict[str, Any]) -> None:
    a, tables = doc["analysis"], doc["tables"]
    remarks = table_with_header(tables, "Ämne")
    assert sum(as_count(r[1]) or 0 for r in remarks[1:]) <= len(a.observations)
    by_topic = Counter(a.observations[schema.CATEGORY])
    assert int({r[0]: r[1] for r in remarks[1:]}["Belysning"]) == by_topic["belysning"]
    problems = table_with_header(tables, "Rang", contains="Motivering")
    shown = a.places[
        a.places["hotspot_id"].isin(a.hotspots.loc[a.hotspots["n_events"] >= K, "hotspot_id"])
        | (a.places["hotspot_id"] < 0)
    ]
    assert [r[1] for r in problems[1:]] == list(shown["name"].head(5))
    # one cause-analysis table per prioritised problem, its problem filled and the rest left to the group
    causes = [t for t in tables if t[0] == ["Problem", "Orsaker", "Målgrupp", "Aktörer"]]
    assert len(causes) == len(problems) - 1
    assert all(len(t) == 2 and t[1][1:] == ["", "", ""] and t[1][0] for t in causes)
    candidates = table_with_header(tables, "Rang", contains="Föreslagen åtgärd")
    assert [r[1] for r in candidates[1:]] == [r[1] for r in problems[1:]]
    # the walks' suggestion: the most frequent measure of the remarks inside the place (a spatial join)
    import geopandas as gpd

    obs = a.observations[a.observations[schema.MEASURE].fillna("").str.strip() != ""]
    joined = gpd.sjoin(obs[[schema.MEASURE, "geometry"]], shown[["name", "geometry"]], predicate="within")
    col = candidates[0].index("Förslag från trygghetsvandringar")
    for row in candidates[1:]:
        mine = joined.loc[joined["name"] == row[1], schema.MEASURE].str.strip().value_counts()
        assert row[col] in (set(mine.index[mine == mine.max()]) if len(mine) else {""})
    assert sum(1 for r in candidates[1:] if r[col]) >= 4


def test_areas_register_and_follow_up_of_the_sample(doc: dict[str, Any]) -> None:
    from trygghet_geo.areas import read_areas
    from trygghet_geo.plan import read_plan

    paths, tables = doc["paths"], doc["tables"]
    areas = read_areas(paths["districts"])
    table = table_with_header(tables, "Område")
    assert sorted(r[0] for r in table[1:]) == sorted(areas["area_name"])  # every area, none dropped
    register = read_plan(paths["plan"])
    plan = table_with_header(tables, "Rad")
    assert len(plan) - 1 == len(register)
    follow = table_with_header(tables, "Plats", contains="Målet nått")
    met = {r[0]: r[follow[0].index("Målet nått")] for r in follow[1:]}
    park = [name for name in met if "Kajsaniemiparken" in name]
    assert park
    assert all(met[p] == "ja" for p in park)  # the planted measure: the park's lighting
    assert [v for name, v in met.items() if name not in park] == ["nej"] * (len(met) - len(park))


def test_html_is_self_contained_and_runs_no_script(doc: dict[str, Any]) -> None:
    page = doc["html"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    for bad in ("<link", "@import", "url("):
        assert bad not in page
    scripts = re.findall(r"<script([^>]*)>", page)
    assert scripts == [' type="application/json" id="trygghet-manifest"']  # data, never run
    assert 'http-equiv="Content-Security-Policy"' in page


# --- the figures on generated data (counted by another route) --------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("n", [0, 7, 400])
def test_figures_equal_a_plain_count(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    start = dt.datetime(2024, 3, 1)
    days = rng.integers(0, 730, n)
    when = [
        start + dt.timedelta(days=int(d), hours=int(h))
        for d, h in zip(days, rng.integers(0, 24, n), strict=True)
    ]
    cats = rng.choice(list(schema.INCIDENT_CATEGORIES), n)
    inc = pd.DataFrame({schema.CATEGORY: cats, schema.OCCURRED_AT: pd.to_datetime(when)})
    first, last = pd.Period("2024-03", "M"), pd.Period("2026-02", "M")
    table, windows = extent_by_category(inc, first=first, last=last)
    assert windows["last"][:2] == (pd.Period("2025-03", "M"), pd.Period("2026-02", "M"))
    assert table["category"].iloc[-1] == "total"
    for row in table.itertuples():
        mine = [w for w, c in zip(when, cats, strict=True) if row.category in (c, "total")]
        assert row.n == len(mine)
        assert row.n_last == sum(1 for w in mine if w >= dt.datetime(2025, 3, 1))
        assert row.n_previous == sum(1 for w in mine if w < dt.datetime(2025, 3, 1))
        if row.n_previous and row.n_last:
            assert row.change_pct == pytest.approx(100 * (row.n_last / row.n_previous - 1))
            assert row.ci_low < row.change_pct < row.ci_high
    quarters = counts_by_period(inc, "Q")
    assert int(quarters["total"].sum()) == n
    if n:
        q = Counter(f"{w.year}Q{(w.month - 1) // 3 + 1}" for w in when)
        assert {str(p): int(v) for p, v in quarters["total"].items() if v} == dict(q)


def test_remarks_by_topic_count_tone_and_status() -> None:
    obs = pd.DataFrame(
        {
            schema.CATEGORY: ["belysning", "belysning", "belysning", "trafikmiljö"],
            schema.MEASURE: ["Byt lampor", "Byt lampor", "Fler lampor", None],
            schema.REMARK_TONE: ["problem", "positiv", "problem", "problem"],
            schema.REMARK_STATUS: ["åtgärdad", "", "", "ny"],
        }
    )
    t = remarks_by_topic(obs).set_index("topic")
    assert t.loc["belysning", ["n", "n_problem", "n_resolved"]].tolist() == [3, 2, 1]
    assert t.loc["belysning", "measures"] == ["Byt lampor", "Fler lampor"]
    assert t.loc["vegetation", "n"] == 0  # every topic listed


# --- privacy, reference data and the command line on a small hand-made run --------------------------------
@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, demo: Any) -> Any:
    """The demo's analysis with one extra place from a hotspot under k (3 incidents)."""
    import dataclasses

    analysis, _ = demo
    hotspots = analysis.hotspots.copy()
    extra_h = hotspots.iloc[[0]].copy()
    extra_h["hotspot_id"], extra_h["n_events"] = 999, 3
    places = analysis.places.copy()
    extra_p = places.iloc[[0]].copy()
    extra_p["hotspot_id"], extra_p["name"], extra_p["rank"] = 999, "Lillgränd under k", 0
    return dataclasses.replace(
        analysis,
        hotspots=pd.concat([extra_h, hotspots]),
        places=pd.concat([extra_p, places]).set_geometry("geometry"),
    )


def test_a_place_under_k_is_left_out_in_shared_mode_only(small: Any, tmp_path: Path) -> None:
    from trygghet_geo import lagesbild

    shared = lagesbild(small, out=tmp_path / "s", pdf=False, public_map=False)
    internal = lagesbild(small, out=tmp_path / "i", pdf=False, public_map=False, privacy="internal")
    assert "Lillgränd under k" not in shared["html"].read_text(encoding="utf-8")
    assert "Lillgränd under k" not in docx_text(shared["docx"])
    assert "Lillgränd under k" in internal["html"].read_text(encoding="utf-8")
    assert "Lillgränd under k" in docx_text(internal["docx"])
    # remark counts are shown exactly in both (the remark rule: the shared map draws every remark anyway)
    places_s = table_with_header(docx_tables(shared["docx"]), "Rang", contains="Vanligaste problem")
    places_i = table_with_header(docx_tables(internal["docx"]), "Rang", contains="Vanligaste problem")
    col = places_s[0].index("Synpunkter")
    exact = {r[1]: r[col] for r in places_i[1:]}
    both = [r for r in places_s[1:] if r[1] in exact]  # the internal list holds the small places too
    small = [r for r in both if 0 < int(exact[r[1]]) < K]
    assert small
    assert len(both) >= 5
    assert all(r[col] == exact[r[1]] for r in both)
    with pytest.raises(ValueError, match="k must be"):
        lagesbild(small, out=tmp_path / "x", k=0, pdf=False)


def test_reference_and_survey_compared_when_given_and_said_when_not(small: Any, tmp_path: Path) -> None:
    from trygghet_geo import lagesbild

    ref = tmp_path / "bra.csv"
    ref.write_text(
        "Region;Brottskategori;År;Antal per 100 000 invånare\n"
        "Exempelkommun;Narkotikabrott;2024;1 020,5\nExempelkommun;Narkotikabrott;2025;1 122,56\n"
        "Riket;Narkotikabrott;2025;980\nExempelkommun;Samtliga brott;2025;9 800\n",
        encoding="cp1252",
    )
    survey = tmp_path / "ntu.csv"
    survey.write_text(
        'Fråga,År,Andel\nOtrygg ute sent på kvällen,2024,"25,0"\nOtrygg ute sent på kvällen,2025,"21,5"\n',
        encoding="utf-8",
    )
    given = lagesbild(
        small,
        out=tmp_path / "g",
        reference=ref,
        survey=survey,
        population=50_000,
        pdf=False,
        public_map=False,
    )
    tables = docx_tables(given["docx"])
    comparison = table_with_header(tables, "Kategori", contains="Brå")
    rows = {(r[0], r[1], r[2]): r for r in comparison[1:]}
    assert rows[("Narkotikabrott", "2025", "Exempelkommun")][3] == "1122,6"
    assert rows[("Narkotikabrott", "2025", "Exempelkommun")][4] == "+10"
    # 2025 is covered in full by the demo's data (2024-11 – 2026-10): its count and rate per 100,000
    inc = small.incidents[small.incidents[schema.REASON] != "duplicate"]
    year = pd.to_datetime(inc[schema.OCCURRED_AT]).dt.tz_localize(None).dt.year
    n_2025 = int(((year == 2025) & (inc[schema.CATEGORY] == "narkotika")).sum())
    assert rows[("Narkotikabrott", "2025", "Exempelkommun")][5] == str(n_2025)
    assert rows[("Narkotikabrott", "2025", "Exempelkommun")][6] == f"{n_2025 / 50_000 * 1e5:.1f}".replace(
        ".", ","
    )
    assert rows[("Narkotikabrott", "2024", "Exempelkommun")][5] == ""  # 2024 only partly covered: no count
    survey_rows = table_with_header(tables, "Fråga/indikator")
    assert survey_rows[2][3:] == ["21,5", "-3,5"]
    text = given["html"].read_text(encoding="utf-8")
    assert "Referensdata gavs inte" not in text
    plain = lagesbild(small, out=tmp_path / "p", pdf=False, public_map=False)
    assert "Referensdata gavs inte" in plain["html"].read_text(encoding="utf-8")
    assert "Inga uppgifter från en trygghetsundersökning gavs" in docx_text(plain["docx"])


def test_bad_reference_rows_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "bra.csv"
    bad.write_text("Brott;År;Per 100 000 invånare\nNarkotikabrott;2025;många\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bra\.csv, row 2, column 'per_100k': 'många' is not a number"):
        read_reference(bad)
    with pytest.raises(InputError, match=r"no column for \['year'\]"):
        read_reference(pd.DataFrame({"Brott": ["x"], "Per 100 000 invånare": ["1"]}))
    with pytest.raises(InputError, match="row 2, column 'year'"):
        read_survey(pd.DataFrame({"Fråga": ["x"], "År": ["2025,5"], "Värde": ["1"]}))


def test_other_sources_are_redacted_and_escaped(small: Any, tmp_path: Path) -> None:
    from trygghet_geo import lagesbild

    text = "Skolan rapporterar oro. Kontaktperson Anna Berg, tel 070-123 45 67. <b>fet</b>"
    paths = lagesbild(
        small,
        out=tmp_path,
        other_sources={"Skolan": text},
        previous=small.incidents,
        pdf=False,
        public_map=False,
    )
    page = paths["html"].read_text(encoding="utf-8")
    body = docx_text(paths["docx"])
    for out in (page, body):
        assert "Skolan rapporterar oro" in out
        assert "070-123 45 67" not in out
        assert "Anna Berg" not in out
    assert "&lt;b&gt;fet&lt;/b&gt;" in page
    assert "<b>fet</b>" not in page
    # the previous lägesbild given as the same incidents: every category unchanged
    previous = table_with_header(docx_tables(paths["docx"]), "Kategori", contains="Föregående lägesbild")
    assert previous[-1][0] == "Totalt"
    assert all(r[1] == r[2] for r in previous[1:])
    assert {r[3] for r in previous[1:]} <= {"0", "–"}


@pytest.mark.slow
def test_cli_lagesbild_on_own_files(tmp_path: Path, demo: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from trygghet_geo import cli, sample
    from trygghet_geo.manifest import sha256_file

    _, paths = demo
    out = tmp_path / "ut"
    gazetteer = tmp_path / "ortnamn.parquet"
    sample.load_gazetteer().save(gazetteer)  # the register names landmarks ("Helsingfors järnvägsstation")
    argv = [
        "--no-progress",
        "lagesbild",
        "--incidents",
        str(paths["incidents"]),
        "--observations",
        str(paths["observations"]),
        "--network",
        str(sample.pbf_path()),
        "--gazetteer",
        str(gazetteer),
        "--areas",
        str(paths["districts"]),
        "--plan",
        str(paths["plan"]),
        "--n-simulations",
        "19",
        "--no-pdf",
        "--out",
        str(out),
    ]
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert f"Lägesbild: {out / 'lagesbild.html'}" in printed
    assert [t for s, t in docx_headings(out / "lagesbild.docx") if s == "Heading 1"] == [*SECTIONS, APPENDIX]
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"]["name"] == "lagesbild"
    assert {"incidents", "observations", "areas", "plan"} <= set(manifest["inputs"])
    assert manifest["inputs"]["plan"]["sha256"] == sha256_file(paths["plan"])
    assert {o["file"] for o in manifest["outputs"]} >= {"lagesbild.html", "lagesbild.docx"}
    assert (
        cli.main(
            [
                "lagesbild",
                "--incidents",
                str(paths["incidents"]),
                "--network",
                str(sample.pbf_path()),
                "--plan",
                str(tmp_path / "saknas.xlsx"),
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "--plan" in capsys.readouterr().err


def test_a_town_with_no_place_and_no_remark(tmp_path: Path) -> None:
    """Three incidents, no hotspot, no ranked place, no safety walk: every section is there and says so."""
    from test_xss_browser import _analysis

    from trygghet_geo import lagesbild

    base = _analysis([f"anteckning {i}" for i in range(12)])
    empty = base.places.iloc[:0]
    bare = type(base)(
        incidents=base.incidents.iloc[:3],
        observations=None,
        hotspots=base.hotspots.iloc[:0],
        places=empty,
        network=base.network,
        left_out={},
        meta={"title": "Liten ort", "period": base.meta["period"]},
    )
    paths = lagesbild(bare, out=tmp_path, pdf=False, public_map=False)
    assert [t for s, t in docx_headings(paths["docx"]) if s == "Heading 1"] == [*SECTIONS, APPENDIX]
    body = docx_text(paths["docx"])
    assert "Inga platser att prioritera i underlaget." in body
    assert "bygger på 3 polisregistrerade händelser och 0 synpunkter" in body
    rows = table_with_header(docx_tables(paths["docx"]), "Kategori")
    assert rows[-1][:2] == ["Totalt", HIDDEN]  # a table masks a count under k, the totals row too


def test_reference_one_column_per_year_as_bra_lays_it_out() -> None:
    wide = pd.DataFrame({"Region": ["Exempelkommun", "Riket"],
                         "Brott": ["Stöld och snatteri", "Samtliga brott"],
                         "2024": ["2 010,0", "12 400"], "2025": ["1 900,5", "12 100"]})  # fmt: skip
    t = read_reference(wide)
    assert t[["region", "category", "year", "per_100k"]].values.tolist() == [
        ["Exempelkommun", "stöld", 2024, 2010.0],
        ["Riket", "total", 2024, 12400.0],
        ["Exempelkommun", "stöld", 2025, 1900.5],
        ["Riket", "total", 2025, 12100.0],
    ]
