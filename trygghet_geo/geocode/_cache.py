"""Persistent cache of geocoding answers, keyed on the normalised text and the gazetteer's version.

A single SQLite file (standard library, safe for several processes) under ``options.cache_dir``. A new
gazetteer version never sees answers made with an older one.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

from trygghet_geo.geocode._match import MatchResult

__all__ = ["ResultCache"]

logger = logging.getLogger(__name__)

_CHUNK = 500


class ResultCache:
    """Answers by (namespace, normalised text); the namespace is the gazetteer version or the online provider.

    >>> import tempfile, pathlib
    >>> cache = ResultCache(pathlib.Path(tempfile.mkdtemp()) / "geocode.sqlite")
    >>> cache.put("v1", {"storgatan 1": MatchResult(method="address", score=100.0)})
    >>> cache.get("v1", ["storgatan 1", "okänd"])["storgatan 1"].method
    'address'
    >>> cache.get("v2", ["storgatan 1"])
    {}
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.execute(
                "CREATE TABLE IF NOT EXISTS answers (namespace TEXT NOT NULL, key TEXT NOT NULL, "
                "payload TEXT NOT NULL, PRIMARY KEY (namespace, key))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30.0)

    def get(self, namespace: str, keys: Iterable[str]) -> dict[str, MatchResult]:
        """The cached answers among ``keys`` (missing keys are left out)."""
        keys = list(dict.fromkeys(keys))
        out: dict[str, MatchResult] = {}
        con = self._connect()
        try:
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(
                    f"SELECT key, payload FROM answers WHERE namespace = ? AND key IN ({marks})",
                    [namespace, *chunk],
                )
                for key, payload in rows:
                    out[key] = MatchResult(**json.loads(payload))
        finally:
            con.close()
        return out

    def put(self, namespace: str, answers: Mapping[str, MatchResult]) -> None:
        """Store answers (replacing older ones for the same key)."""
        if not answers:
            return
        rows = [(namespace, k, json.dumps(asdict(v), allow_nan=True)) for k, v in answers.items()]
        con = self._connect()
        try:
            with con:
                con.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?)", rows)
        finally:
            con.close()
        logger.debug("cached %d answers under %s", len(rows), namespace)
