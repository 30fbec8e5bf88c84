"""Persistent cache of geocoding answers, keyed on the normalised text and the gazetteer's version.

A single SQLite file (standard library, safe for several processes) under ``options.cache_dir``. A new
gazetteer version never sees answers made with an older one.

The cache keeps place text only, never a note: a text is stored only when it is short enough to be a place
(at most :data:`MAX_KEY_CHARS` characters and :data:`MAX_KEY_WORDS` words) and carries nothing the redactor
would remove (no identity or phone number, name, e-mail or home address). Other texts are geocoded as usual
but not remembered. Every answer carries the time it was stored; answers older than ``options.cache_days``
are deleted when the cache is opened, and :meth:`ResultCache.purge` (``trygghet-geo cache purge``) deletes
them on demand. A cache written before answers carried their time is emptied on opening, since it may hold
texts the rule above would refuse.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path

from trygghet_geo.errors import InputError
from trygghet_geo.geocode._index import MatchResult

__all__ = ["MAX_KEY_CHARS", "MAX_KEY_WORDS", "ResultCache", "cacheable"]

logger = logging.getLogger(__name__)

_CHUNK = 500
MAX_KEY_CHARS = 120
"""Longest text the cache stores; a longer one is a note, not a place."""
MAX_KEY_WORDS = 14
"""Most words of a text the cache stores."""
_DAY_S = 86_400.0


def cacheable(key: str) -> bool:
    """Whether a normalised text may be stored: short like a place, and nothing personal in it.

    >>> cacheable("storgatan 12"), cacheable("storgatan 12, ring 070-123 45 67"), cacheable("x " * 40)
    (True, False, False)
    """
    if not key or len(key) > MAX_KEY_CHARS or len(key.split()) > MAX_KEY_WORDS:
        return False
    from collections import Counter

    from trygghet_geo.output._redact import KINDS, redact_text

    # names and addresses need their capitals, so the text is tried as typed and capitalised word by word
    kinds = frozenset(KINDS)
    return all(redact_text(t, kinds, Counter()) == t for t in (key, key.title()))


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

    def __init__(self, path: str | Path, *, max_age_days: float | None = -1.0) -> None:
        from trygghet_geo._config import options

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._connect()
        try:
            # every page read once (SQLite's own check): a file damaged past its header is found now, by
            # name, not as "database disk image is malformed" half-way through a run
            found = [str(row[0]) for row in con.execute("PRAGMA quick_check(3)")]
            if found != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(found)[:200])
            with con:
                columns = {row[1] for row in con.execute("PRAGMA table_info(answers)")}
                if columns and "stored_at" not in columns:  # an older cache: it may hold any text
                    con.execute("DROP TABLE answers")
                con.execute(
                    "CREATE TABLE IF NOT EXISTS answers (namespace TEXT NOT NULL, key TEXT NOT NULL, "
                    "payload TEXT NOT NULL, stored_at REAL NOT NULL, PRIMARY KEY (namespace, key))"
                )
        except sqlite3.DatabaseError as exc:  # a file of another kind, or a damaged one, in its place
            raise InputError(
                f"the geocoder's answer cache {str(self.path)!r} cannot be used ({exc}); delete that file "
                "(the cache is made anew) or point TRYGGHET_GEO_CACHE at another folder"
            ) from None
        finally:
            con.close()
        days = options.cache_days if max_age_days == -1.0 else max_age_days
        if days is not None:
            self.purge(older_than_days=days)

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
        now = time.time()
        rows = [
            (namespace, k, json.dumps(asdict(v), allow_nan=True), now)
            for k, v in answers.items()
            if cacheable(k)
        ]
        if not rows:
            return
        con = self._connect()
        try:
            with con:
                con.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", rows)
        finally:
            con.close()
        logger.debug("cached %d answers under %s", len(rows), namespace)

    def purge(self, *, older_than_days: float | None = None) -> int:
        """Delete the answers older than ``older_than_days`` (all of them with ``None``); returns how many.

        The file is compacted afterwards (``VACUUM``), so deleted text does not linger in free pages.
        """
        con = self._connect()
        try:
            with con:
                if older_than_days is None:
                    n = con.execute("DELETE FROM answers").rowcount
                else:
                    cutoff = time.time() - float(older_than_days) * _DAY_S
                    n = con.execute("DELETE FROM answers WHERE stored_at < ?", (cutoff,)).rowcount
            if n:
                con.execute("VACUUM")
        finally:
            con.close()
        return int(n)

    def __len__(self) -> int:
        con = self._connect()
        try:
            return int(con.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        finally:
            con.close()
