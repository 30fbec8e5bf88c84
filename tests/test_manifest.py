"""The run manifest: byte-identical outputs, input hashes and verify, parameters as used, nothing personal."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from trygghet_geo import cli, sample
from trygghet_geo._verify import read_manifest
from trygghet_geo.manifest import sha256_file, sha256_frame, sha256_network

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1764547200"  # 2025-12-01T00:00:00Z
OUTPUTS = ("trygghetskarta.html", "platser.csv", "platser.xlsx", "uppfoljning.html", "uppfoljning.xlsx",
           "lagesbild.html", "lagesbild.docx", "lagesbild_karta.html", "manifest.json")  # fmt: skip


def _demo_process(folder: Path, hash_seed: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": hash_seed,
           "TRYGGHET_GEO_CACHE": str(folder / "cache"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    argv = [sys.executable, "-m", "trygghet_geo.cli", "--no-progress", "demo", "--out", str(folder / "out"),
            "--raw", str(folder / "raw")]  # fmt: skip
    return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def two_demos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo run twice, each in a fresh process with another string-hash seed and its own cache."""
    folders = [tmp_path_factory.mktemp(f"demo{i}") for i in (1, 2)]
    procs = [_demo_process(f, seed) for f, seed in zip(folders, ("1", "2"), strict=True)]
    for proc in procs:
        out, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, out.decode()
    return folders[0], folders[1]


@pytest.mark.slow
def test_two_demo_runs_give_the_same_bytes(two_demos: tuple[Path, Path]) -> None:
    a, b = two_demos
    for name in OUTPUTS:
        assert (a / "out" / name).read_bytes() == (b / "out" / name).read_bytes(), name
    manifest = json.loads((a / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run"] == {"started": "2025-12-01T00:00:00Z", "source_date_epoch": True}  # no duration
    assert "skapad 2025-12-01" in (a / "out" / "uppfoljning.html").read_text(encoding="utf-8")
    for name in ("platser.xlsx", "uppfoljning.xlsx"):
        with zipfile.ZipFile(a / "out" / name) as z:
            assert {i.date_time for i in z.infolist()} == {(2025, 12, 1, 0, 0, 0)}
            assert b"2025-12-01T00:00:00Z" in z.read("docProps/core.xml")
    listed = {o["file"]: o["sha256"] for o in manifest["outputs"]}
    assert listed["trygghetskarta.html"] == sha256_file(a / "out" / "trygghetskarta.html")
    # the map's element ids are derived, not random: none of folium's 32-hex ids differs between the runs
    ids = re.compile(r"[a-z_]+_[0-9a-f]{32}")
    html = (a / "out" / "trygghetskarta.html").read_text(encoding="utf-8")
    assert ids.findall(html) == ids.findall((b / "out" / "trygghetskarta.html").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_a_changed_input_byte_changes_its_hash_and_verify_says_so(
    two_demos: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = two_demos[0]
    incidents = folder / "raw" / sample.INCIDENTS_FILE
    manifest = read_manifest(folder / "out" / "trygghetskarta.html")
    assert manifest["inputs"]["incidents"]["sha256"] == sha256_file(incidents)
    assert manifest == read_manifest(folder / "out" / "platser.xlsx") | {"output": manifest["output"]}
    argv = ["verify", str(folder / "out"), "--incidents", str(incidents), "--observations",
            str(folder / "raw" / sample.OBSERVATIONS_FILE)]  # fmt: skip
    assert cli.main(argv) == 0
    assert "All match." in capsys.readouterr().out
    assert cli.main(["verify", str(folder / "out" / "uppfoljning.html"), "--incidents", str(incidents)]) == 0
    assert "incidents: sha256" in capsys.readouterr().out
    assert cli.main(["verify", str(folder / "out")]) == 1
    assert "Nothing was compared" in capsys.readouterr().out
    changed = tmp_path / "brott.csv"
    data = bytearray(incidents.read_bytes())
    data[len(data) // 2] = ord("7") if data[len(data) // 2] != ord("7") else ord("8")
    changed.write_bytes(bytes(data))
    assert sha256_file(changed) != sha256_file(incidents)
    argv[3] = str(changed)
    assert cli.main(argv) == 1
    out = capsys.readouterr().out
    assert f"incidents: sha256 {sha256_file(changed)[:12]}… differs from the manifest's" in out
    assert "MISMATCH" in out


def _users_run(tmp_path: Path, *extra: str) -> Path:
    raw = sample.generate_incidents().head(500)
    src = tmp_path / "brott.csv"
    raw.to_csv(src, sep=";", decimal=",", index=False)
    pbf = str(sample.pbf_path())
    out = tmp_path / "ut"
    argv = ["analyze", str(src), "--network", pbf, "--eps-m", "60", "--min-samples", "6", "--n-simulations",
            "4",
            "--out", str(out), *extra]  # fmt: skip
    assert cli.main(argv) == 0
    return out


@pytest.mark.slow
def test_verify_rerun_compares_the_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = _users_run(tmp_path, "--lang", "en")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"]["options"]["lang"] == "en"
    assert manifest["parameters"]["eps_m"] == 60
    assert manifest["parameters"]["min_samples"] == 6
    files = ["--incidents", str(tmp_path / "brott.csv"), "--network", str(sample.pbf_path())]
    capsys.readouterr()
    assert cli.main(["verify", str(out), *files, "--rerun"]) == 0
    printed = capsys.readouterr().out
    assert "trygghetskarta.html: the rerun gives the same bytes" in printed
    assert "platser.xlsx: the rerun gives the same bytes" in printed
    csv = out / "platser.csv"
    csv.write_bytes(csv.read_bytes() + b"\r\n")
    assert cli.main(["verify", str(out), *files, "--rerun"]) == 1
    assert "platser.csv: the rerun differs" in capsys.readouterr().out


# --- the parameters as used ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small() -> dict[str, object]:
    net = sample.load_network()
    return {"incidents": sample.generate_incidents().head(300), "network": net}


def _variants(small: dict[str, object]) -> dict[str, tuple[object, object]]:
    """Each public parameter of analyze: a value other than its default, and what the manifest must say."""
    net = small["network"]
    lines = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (300, 0)])], crs=net.crs)  # type: ignore[attr-defined]
    from trygghet_geo.network import network_from_lines

    other_net = network_from_lines(lines)
    area = gpd.GeoDataFrame(geometry=[shapely.box(385000, 6671000, 386500, 6672500)], crs=net.crs)  # type: ignore[attr-defined]
    obs = sample.generate_observations().head(40)
    return {
        "observations": (obs, ("inputs", "observations", sha256_frame(obs))),
        "network": (other_net, ("inputs", "network", sha256_network(other_net))),
        "gazetteer": (sample.load_gazetteer(), ("inputs", "gazetteer", None)),
        "eps_m": (42.5, ("parameters", "eps_m", 42.5)),
        "min_samples": (9, ("parameters", "min_samples", 9)),
        "method": ("hdbscan", ("parameters", "method", "hdbscan")),
        "max_snap_m": (55.0, ("parameters", "max_snap_m", 55.0)),
        "weights": ({"stöld": 2.5}, ("parameters", "weights", None)),
        "n_simulations": (3, ("parameters", "n_simulations", 3)),
        "random_state": (11, ("parameters", "random_state", 11)),
        "n_jobs": (2, ("parameters", "n_jobs", 2)),  # recorded, though the result is the same for any n_jobs
        "title": ("Kvarteret Ugglan", ("parameters", "title", "Kvarteret Ugglan")),
        "source_note": ("Utdrag RAR 2025", ("parameters", "source_note", "Utdrag RAR 2025")),
        "synthetic": (True, ("parameters", "synthetic", True)),
        "study_area": (area, ("inputs", "study_area", sha256_frame(area))),
        "period": ((pd.Timestamp("2024-01-01"), pd.Timestamp("2027-01-01")), ("parameters", "period", None)),
        "categories": ({"Olaga hot": "övrigt"}, ("parameters", "categories", {"Olaga hot": "övrigt"})),
        "include_uncertain": (True, ("parameters", "include_uncertain", True)),
        "min_geocode_score": (65.0, ("parameters", "min_geocode_score", 65.0)),
        "basemap": (
            False,
            ("parameters", "basemap", False),
        ),  # the default reads one from the network's extract
    }


@pytest.mark.slow
def test_the_manifest_holds_every_parameter_the_run_used(small: dict[str, object]) -> None:
    from trygghet_geo import analyze

    base = {"network": small["network"], "n_simulations": 0}
    variants = _variants(small)
    public = [p for p in inspect.signature(analyze).parameters if p != "incidents"]
    assert sorted(public) == sorted(variants), "a public parameter of analyze has no check here"
    default = analyze(small["incidents"], **base).manifest  # type: ignore[arg-type]
    assert default["inputs"]["incidents"]["sha256"] == sha256_frame(small["incidents"])  # type: ignore[arg-type]
    assert default["parameters"]["n_simulations"] == 0
    for name, (value, (section, key, expected)) in variants.items():
        manifest = analyze(small["incidents"], **(base | {name: value})).manifest  # type: ignore[arg-type]
        got = manifest[section].get(key)
        assert got != default[section].get(key), name
        if name == "weights":
            assert got["stöld"] == 2.5
            assert len(got) > 1  # the defaults filled in around the one changed
        elif name == "period":
            assert got[0].startswith("2024-01-01")
        elif name == "gazetteer":
            assert got["version"] == value.version  # type: ignore[attr-defined]
            assert len(got["sha256"]) == 64
        elif section == "inputs":
            assert got["sha256"] == expected, name
        else:
            assert got == expected, name
        json.dumps(manifest, allow_nan=False)


# --- nothing personal ------------------------------------------------------------------------------------
SECRETS = ("19850312-2385", "070-123 45 67", "anna.svensson@example.se", "Anna Svensson", "ABC 123",
           "Storgatan 14 lgh 1102")  # fmt: skip


@pytest.mark.slow
def test_the_shared_maps_manifest_holds_nothing_personal(tmp_path: Path) -> None:
    from trygghet_geo import analyze

    raw = sample.generate_incidents().head(300).copy()
    for i, secret in enumerate(SECRETS):
        raw.loc[raw.index[i], raw.columns[0]] = f"{secret} {i}"  # the id column
        raw.loc[raw.index[10 + i], "Plats"] = f"hemma hos {secret}"
    raw["Anteckning"] = [f"Anmälare {SECRETS[i % len(SECRETS)]}" for i in range(len(raw))]
    folder = tmp_path / "Anna Svensson 19850312-2385"
    folder.mkdir()
    src = folder / "anna.svensson@example.se.csv"
    raw.to_csv(src, sep=";", decimal=",", index=False)
    result = analyze(src, network=sample.load_network(), n_simulations=0,
                     title="Karta 19850312-2385", source_note="Från 070-123 45 67")  # fmt: skip
    path = result.to_html(tmp_path / "karta.html")
    manifest = read_manifest(path)
    text = json.dumps(manifest, ensure_ascii=False)
    assert manifest["output"]["privacy"] == "shared"
    assert manifest["output"]["k"] == 5
    assert all(len(t) == 7 for t in manifest["parameters"]["period"])  # the data's span by month only
    for secret in (*SECRETS, "Anna", str(folder), src.name, "anna.svensson"):
        assert secret not in text, secret
    panel = re.search(r'<details class="tg-about".*?</details>', path.read_text(encoding="utf-8"), re.S)
    assert panel is not None
    assert "Om analysen" in panel.group(0)
    for secret in SECRETS:
        assert secret not in panel.group(0)
    assert manifest["inputs"]["incidents"]["sha256"] == sha256_file(src)


def test_the_json_block_cannot_close_its_script_element() -> None:
    from trygghet_geo.output._provenance import about_html

    hostile = {"parameters": {"title": "</script><script>alert(1)</script><!--"}, "inputs": {}}
    page = about_html(hostile, "en")
    assert page.count("</script>") == 1
    assert "<script>alert" not in page
    found = re.search(r'<script type="application/json" id="trygghet-manifest">(.*?)</script>', page, re.S)
    assert found is not None
    assert json.loads(found.group(1))["parameters"]["title"] == hostile["parameters"]["title"]


def test_stable_ids_make_two_maps_render_the_same() -> None:
    import folium

    from trygghet_geo.output._provenance import stable_ids

    def page() -> str:
        m = folium.Map(location=[60.17, 24.94], tiles=None)
        group = folium.FeatureGroup(name="a").add_to(m)
        folium.Marker([60.17, 24.94]).add_to(group)
        folium.LayerControl().add_to(m)
        stable_ids(m.get_root())
        return str(m.get_root().render())

    first, second = page(), page()
    assert first == second
    assert re.search(r"feature_group_[0-9a-f]{32}", first)


def test_source_date_epoch_must_be_whole_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from trygghet_geo.errors import InputError
    from trygghet_geo.manifest import source_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        source_date()


def test_frame_hash_is_canonical() -> None:
    a = pd.DataFrame({"x": [1.5, 2.0], "t": ["a", None]})
    b = pd.DataFrame({"x": [1.5, 2.0], "t": ["a", None]})
    assert sha256_frame(a) == sha256_frame(b)
    b.loc[1, "x"] = 2.0000001
    assert sha256_frame(a) != sha256_frame(b)
    assert sha256_frame(a) != sha256_frame(a.rename(columns={"x": "y"}))
