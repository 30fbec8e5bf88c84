"""The whole flow on the sample (one shared run, the `demo` fixture) and the demo command."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from trygghet_geo import Analysis, sample, schema


def test_demo_writes_map_and_places(demo) -> None:
    _, paths = demo
    assert paths["map"].exists()
    assert paths["map"].stat().st_size > 10_000
    places = pd.read_csv(paths["places"], sep=";", decimal=",", encoding="utf-8-sig")
    assert len(places) >= 5


def test_every_input_row_is_accounted_for(demo) -> None:
    result, _ = demo
    n_input = len(sample.generate_incidents())
    inc = result.incidents
    assert len(inc) == n_input
    used = int((inc[schema.EDGE_ID] >= 0).sum())
    assert used + sum(result.left_out.values()) == n_input
    assert len(result.observations) == len(sample.generate_observations())


def test_broken_rows_are_left_out_with_their_reasons(demo) -> None:
    result, _ = demo
    # the sample damages 10 rows (no place), 6 (bad date) and 8 (a place no map knows)
    assert result.left_out.get("no_location", 0) >= 10
    assert result.left_out.get("geocode_failed", 0) >= 8
    assert sum(result.left_out.values()) < 0.1 * len(result.incidents)


def test_planted_places_become_the_top_hotspots(demo) -> None:
    result, _ = demo
    top5 = result.places.head(5)["name"].astype(str).tolist()
    planted = {
        "station square": r"järnvägsstation|Järnvägstorget|Stationsplatsen",
        "park": r"Kajsaniemiparken",
        "nightlife street": r"Georgsgatan",
        "shopping street": r"Alexandersgatan",
        "traffic crossing": r"Kajsaniemigatan",
    }
    for place, pattern in planted.items():
        assert any(re.search(pattern, name) for name in top5), f"{place} is not among the top 5: {top5}"
    assert result.places["significant"].head(5).all()


def test_clusters_are_along_the_streets(demo) -> None:
    result, _ = demo
    inc = result.incidents
    clustered = inc[inc[schema.CLUSTER] >= 0]
    assert len(clustered) > 0.4 * len(inc)
    assert (clustered[schema.SNAP_DIST_M] <= 100).all()
    assert set(clustered[schema.HOTSPOT_ID]) == set(result.hotspots["hotspot_id"])


def test_analysis_does_not_mutate_its_input() -> None:
    from trygghet_geo import analyze

    raw = sample.generate_incidents().head(400)
    before = raw.copy()
    net, gaz = sample.load_network(), sample.load_gazetteer()
    analyze(raw, network=net, gazetteer=gaz, eps_m=50, min_samples=15, n_simulations=0)
    pd.testing.assert_frame_equal(raw, before)


def test_meta_labels_the_sample_synthetic(demo) -> None:
    result, _ = demo
    assert isinstance(result, Analysis)
    assert result.meta["synthetic"] is True
    assert result.meta["source_note"] == sample.SOURCE_NOTE
    start, end = result.meta["period"]
    assert (end - start).days > 600


def test_demo_command_prints_the_summary(demo, tmp_path, capsys, monkeypatch) -> None:
    from trygghet_geo import cli

    calls = {}

    def run_demo_once(out, raw):
        calls["args"] = (out, raw)
        return demo

    monkeypatch.setattr(sample, "run_demo", run_demo_once)
    assert cli.main(["demo", "--out", str(tmp_path / "o"), "--raw", str(tmp_path / "r")]) == 0
    out = capsys.readouterr().out
    for heading in ("Topp 5", "Hotspots:", "Utelämnade"):
        assert heading in out
    assert calls["args"] == (str(tmp_path / "o"), str(tmp_path / "r"))


def test_left_out_reasons_have_readable_text(demo) -> None:
    result, _ = demo
    for reason in result.left_out:
        assert reason in schema.REASONS
    assert np.isfinite(
        result.incidents.loc[result.incidents[schema.EDGE_ID] >= 0, schema.EDGE_OFFSET_M]
    ).all()


def test_analyze_command_on_a_users_files(tmp_path, capsys) -> None:
    from trygghet_geo import cli

    raw = sample.generate_incidents().head(600)
    raw.loc[3, "Plats"] = "Ring 070-123 45 67 om nyckeln"  # personal data in a row that will be left out
    raw.loc[3, ["Latitud", "Longitud"]] = [float("nan"), float("nan")]
    raw.loc[3, "Datum"] = "not a date"
    src = tmp_path / "brott.csv"
    raw.to_csv(src, sep=";", decimal=",", index=False)
    out = tmp_path / "ut"
    pbf = str(sample.pbf_path())
    argv = ["analyze", str(src), "--network", pbf, "--gazetteer", pbf, "--eps-m", "50", "--min-samples", "8",
            "--n-simulations", "9", "--out", str(out)]  # fmt: skip
    assert cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert "Topp 5" in printed
    for name in ("trygghetskarta.html", "platser.csv", "platser.xlsx", "utelamnade.csv"):
        assert (out / name).exists(), name
    left = pd.read_csv(out / "utelamnade.csv", sep=None, engine="python", encoding="utf-8-sig")
    assert "070-123 45 67" not in (out / "utelamnade.csv").read_text(encoding="utf-8-sig")
    assert 4 in left["source_row"].tolist()  # the damaged row, numbered as in the file
    assert left["reason_text"].notna().all()


def test_analyze_command_names_a_missing_network(tmp_path, capsys) -> None:
    from trygghet_geo import cli

    (tmp_path / "x.csv").write_text("Plats\nStorgatan 1\n", encoding="utf-8")
    code = cli.main(["analyze", str(tmp_path / "x.csv"), "--network", str(tmp_path / "none.gpkg")])
    assert code == 2
    assert "none.gpkg" in capsys.readouterr().err


def test_too_loose_parameters_on_a_dense_centre_warn(demo) -> None:
    from trygghet_geo import TrygghetWarning, analyze

    result, _ = demo
    with pytest.warns(TrygghetWarning, match="one cluster holds"):
        analyze(result.incidents, network=result.network, eps_m=100, min_samples=5, n_simulations=0)


def test_follow_up_finds_the_planted_measure_in_the_park(demo) -> None:
    from trygghet_geo.output.report import default_plan, followup_table

    result, _ = demo
    plan = default_plan(result, promise_date=sample.PROMISE_DATE, top_n=5)
    table = followup_table(result, plan).set_index("name")
    park = [name for name in table.index if "Kajsaniemiparken" in name]
    assert len(park) == 1
    assert bool(table.loc[park[0], "improved"])
    assert table.loc[park[0], "change_pct"] < -40
    others = table.drop(index=park)
    assert not others["improved"].any()  # the other planted places got no measure
