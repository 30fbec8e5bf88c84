"""The manifest every shared output carries holds nothing personal, on the generated privacy corpus.

The generated town (``privacy_town``: identity numbers, phones, names, home addresses and e-mail in every
free-text field and user column) goes through ``trygghet-geo analyze`` and ``report``; the manifests they
write (``manifest.json``, the JSON block of the map and of the report, the XLSX manifest sheets) are searched
for every planted secret and for the town's folder and file names.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
pc = pytest.importorskip("privacy_corpus")
pt = pytest.importorskip("privacy_town")


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from trygghet_geo._verify import read_manifest

    folder = tmp_path_factory.mktemp("town")
    town = pt.write_town(folder / "Anna Svensson hemma", n_secret=160, n_ordinary=40, seed=11)
    paths = pt.shared_outputs(town, folder / "out")
    found = {name: read_manifest(paths[name]) for name in ("map", "report", "places_xlsx", "report_xlsx")}
    found["manifest.json"] = read_manifest(folder / "out")
    return {"town": town, "manifests": found}


def test_no_secret_and_no_path_in_any_manifest(manifests: dict[str, Any]) -> None:
    town = manifests["town"]
    assert len(town.secrets) >= 100
    for name, manifest in manifests["manifests"].items():
        text = json.dumps(manifest, ensure_ascii=False)
        plain = pc.plain(text)
        leaked = [(kind, value) for kind, value in town.secrets if pc.leaks(plain, kind, value)]
        assert leaked == [], (name, leaked[:5])
        for part in ("Anna Svensson", str(town.folder), town.incidents.name, town.observations.name):
            assert part not in text, (name, part)


def test_the_manifests_identify_the_inputs_by_hash(manifests: dict[str, Any]) -> None:
    from trygghet_geo.manifest import sha256_file

    town = manifests["town"]
    for manifest in manifests["manifests"].values():
        assert manifest["inputs"]["incidents"]["sha256"] == sha256_file(town.incidents)
        assert manifest["inputs"]["observations"]["sha256"] == sha256_file(town.observations)
    for name in ("map", "report", "report_xlsx"):
        assert manifests["manifests"][name]["output"]["privacy"] == "shared"
