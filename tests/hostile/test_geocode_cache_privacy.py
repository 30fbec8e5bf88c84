"""The geocoder's answer cache keeps place text only, never a note, and forgets on demand or with age."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import privacy_corpus as pc

from trygghet_geo import options
from trygghet_geo.cli import main
from trygghet_geo.geocode import Gazetteer, geocode
from trygghet_geo.geocode._cache import ResultCache


def _stored(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [row[0] for row in con.execute("SELECT key FROM answers")]
    finally:
        con.close()


def test_notes_and_personal_data_never_reach_the_cache(tmp_path: Path) -> None:
    options.cache_dir = tmp_path
    notes = pc.secret_notes(120, seed=31)
    ordinary = pc.ordinary_notes(60, seed=32)
    places = ["Storgatan 3", "korsningen Storgatan/Kyrkogatan", "vid Torget", "Kyrkogatan 1"]
    texts = [n.text for n in notes] + ordinary + places
    out = geocode(texts, gazetteer=Gazetteer.example())
    assert len(out) == len(texts)
    stored = _stored(tmp_path / "geocode.sqlite")
    assert {"storgatan 3", "vid torget", "kyrkogatan 1"} <= set(stored)
    blob = pc.plain(" | ".join(stored))
    leaked = [(n.text, s) for n in notes for s in n.secrets if pc.leaks(blob, *s)]
    assert leaked == []
    assert max(len(k) for k in stored) <= 120
    # the cached answers are the same answers
    again = geocode(texts, gazetteer=Gazetteer.example())
    assert again["geocode_method"].tolist() == out["geocode_method"].tolist()


def test_retention_and_purge(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    options.cache_dir = tmp_path
    path = tmp_path / "geocode.sqlite"
    geocode(["Storgatan 3", "vid Torget"], gazetteer=Gazetteer.example())
    assert len(_stored(path)) == 2
    con = sqlite3.connect(path)
    with con:  # one answer stored 400 days ago
        con.execute("UPDATE answers SET stored_at = ? WHERE key = 'vid torget'", (time.time() - 400 * 86400,))
    con.close()
    ResultCache(path)  # opening applies options.cache_days (365)
    assert _stored(path) == ["storgatan 3"]
    assert main(["cache", "info"]) == 0
    assert "1 answers" in capsys.readouterr().out
    assert main(["cache", "purge", "--older-than-days", "30"]) == 0
    assert _stored(path) == ["storgatan 3"]
    assert main(["cache", "purge"]) == 0
    assert "deleted 1 answers" in capsys.readouterr().out
    assert _stored(path) == []
    assert b"storgatan" not in path.read_bytes()  # compacted: no text left in free pages
    assert main(["cache", "purge", "--older-than-days", "-1"]) == 2
    assert "--older-than-days" in capsys.readouterr().err
    with pytest.raises(ValueError, match="cache_days"):
        options.cache_days = 0


def test_an_old_cache_without_times_is_emptied(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "CREATE TABLE answers (namespace TEXT, key TEXT, payload TEXT, PRIMARY KEY (namespace, key))"
        )
        con.execute("INSERT INTO answers VALUES ('v1', 'heter anna berg och bor på storgatan 3', '{}')")
    con.close()
    cache = ResultCache(path)
    assert len(cache) == 0
