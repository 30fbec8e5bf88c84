"""The matcher's look-up tables and answers: the gazetteer's index, the name resolver (exact, then one fuzzy
batch) and how one answer is composed (score, runner-up, ambiguity).

:mod:`._match` (bare names, crossings, "between", composed places) and :mod:`._match_address` (street and
number) both build on this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from trygghet_geo.geocode._numbers import AddressTables
from trygghet_geo.geocode._parse import folded_key, name_key

if TYPE_CHECKING:
    from trygghet_geo.geocode._gazetteer import Gazetteer

__all__ = ["AMBIGUOUS_CAP", "MatchResult", "index_of"]

FUZZY_CUTOFF = 82.0  # rapidfuzz ratio (0-100) below which a name is not taken
MIN_FUZZY_KEY = 5  # shorter keys must match exactly
AMBIGUOUS_GAP = 5.0  # a runner-up this close in score (and elsewhere) makes the match ambiguous
AMBIGUOUS_M = 150.0  # ... elsewhere = farther than this
AMBIGUOUS_CAP = 75.0  # an ambiguous match never scores as confident
MAX_CANDIDATES = 6

Candidate = tuple[int, float]


@dataclass
class MatchResult:
    """The outcome for one text: where, how and how sure."""

    method: str = "failed"
    score: float = 0.0
    entity: int = -1
    x: float = float("nan")
    y: float = float("nan")
    lon: float = float("nan")
    lat: float = float("nan")
    matched_name: str = ""
    ambiguous: bool = False
    runner_up: str = ""
    runner_up_score: float = 0.0
    runner_up_m: float = float("nan")
    source: str = (
        ""  # where the answer's data came from: osm, lantmateriet, municipal (or the online service)
    )
    candidates: str = ""  # JSON list of the places an ambiguous text may mean, the answer first


@dataclass
class _Index:
    """Look-up tables of a gazetteer, built once per gazetteer (see :func:`index_of`)."""

    kind: np.ndarray
    name: np.ndarray
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    is_area: np.ndarray
    length_m: np.ndarray
    category: np.ndarray
    geoms: np.ndarray
    streets: dict[str, list[int]]
    places: dict[str, list[int]]
    origin: np.ndarray
    postcode: np.ndarray
    tables: AddressTables
    crossings: dict[tuple[int, int], list[int]]
    categories: dict[str, list[int]]
    choices: dict[str, tuple[list[str], list[list[int]]]] = field(default_factory=dict)
    to_wgs84: Any = None


def index_of(gaz: Gazetteer) -> _Index:
    """The gazetteer's look-up tables (built on first use and kept on the gazetteer)."""
    if gaz._index is not None:
        return gaz._index  # type: ignore[no-any-return]
    from pyproj import Transformer

    e = gaz.entries
    kind = e["kind"].to_numpy()
    crossings: dict[tuple[int, int], list[int]] = defaultdict(list)
    cr = e[kind == "intersection"]
    for i, a, b in zip(cr.index, cr["street_id"], cr["street2_id"], strict=True):
        crossings[(int(a), int(b))].append(int(i))
        crossings[(int(b), int(a))].append(int(i))
    categories: dict[str, list[int]] = defaultdict(list)
    for row in np.flatnonzero(kind == "place"):
        categories[str(e["category"].iat[row])].append(int(row))
    idx = _Index(
        kind=kind,
        name=e["name"].to_numpy(),
        x=e["x"].to_numpy(),
        y=e["y"].to_numpy(),
        lon=e["lon"].to_numpy(),
        lat=e["lat"].to_numpy(),
        is_area=e["is_area"].to_numpy(),
        length_m=e["length_m"].to_numpy(),
        category=e["category"].to_numpy(),
        geoms=e.geometry.to_numpy(),
        streets=_alias_table(e, "street", name_key),
        places=_alias_table(e, "place", name_key),
        origin=e["origin"].to_numpy(),
        postcode=e["postcode"].to_numpy(),
        tables=AddressTables.build(e[kind == "address"]),
        crossings=dict(crossings),
        categories=dict(categories),
        to_wgs84=Transformer.from_crs(gaz.crs, "EPSG:4326", always_xy=True),
    )
    for table_name, table in (("street", idx.streets), ("place", idx.places)):
        # fuzzy choices: the canonical keys and the plain folded names ("langbrokajen" as well as
        # "langbrokaj"), so a typo inside a suffix ("Långbrokaäen") still lands near the name
        choice = {k: list(v) for k, v in table.items() if len(k) >= MIN_FUZZY_KEY - 1}
        for k, ids in _alias_table(e, table_name, folded_key).items():
            choice.setdefault(k, [])
            choice[k] += [i for i in ids if i not in choice[k]]
        idx.choices[table_name] = (list(choice), list(choice.values()))
    gaz._index = idx
    return idx


def _alias_table(e: Any, kind: str, key: Callable[[str], str]) -> dict[str, list[int]]:
    """key of every name and alias -> rows of that kind carrying it."""
    table: dict[str, list[int]] = defaultdict(list)
    for row in np.flatnonzero(e["kind"].to_numpy() == kind):
        for alias in {str(e["name"].iat[row]), *str(e["aliases"].iat[row]).split("|")} - {""}:
            k = key(alias)
            if k and int(row) not in table[k]:
                table[k].append(int(row))
    return dict(table)


class _Resolver:
    """Name key -> candidates, exact at once; fuzzy misses recorded and resolved in one batch."""

    def __init__(self, idx: _Index) -> None:
        self.idx = idx
        self.memo: dict[tuple[str, str], list[Candidate]] = {}
        self.pending: dict[str, set[str]] = {"street": set(), "place": set()}
        self.misses = 0  # look-ups that wait for the fuzzy batch

    def __call__(self, table: str, text: str) -> list[Candidate]:
        key = name_key(text)
        if not key:
            return []
        got = self.memo.get((table, key))
        if got is not None:
            return got
        exact = (self.idx.streets if table == "street" else self.idx.places).get(key)
        if exact:
            got = [(i, 100.0) for i in exact]
            self.memo[(table, key)] = got
            return got
        if len(key) >= MIN_FUZZY_KEY:
            self.pending[table].add(key)
            self.misses += 1
        else:
            self.memo[(table, key)] = []
        return []

    def resolve_pending(self) -> bool:
        from rapidfuzz import fuzz, process

        any_new = False
        for table, keys in self.pending.items():
            keys_list = sorted(keys)
            if not keys_list:
                continue
            choices, ids = self.idx.choices[table]
            scores = process.cdist(
                keys_list, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, dtype=np.uint8, workers=1
            )
            for row, key in zip(scores, keys_list, strict=True):
                hits = np.flatnonzero(row)
                order = hits[np.argsort(-row[hits], kind="stable")][: MAX_CANDIDATES * 2]
                cands: dict[int, float] = {}
                for j in order:
                    for i in ids[j]:
                        cands.setdefault(i, float(row[j]))
                self.memo[(table, key)] = sorted(cands.items(), key=lambda c: -c[1])[:MAX_CANDIDATES]
                any_new = True
            keys.clear()
        return any_new


# --- composing one answer -----------------------------------------------------------------------------------
def _result(
    idx: _Index,
    method: str,
    score: float,
    entity: int,
    name: str | None = None,
    xy: tuple[float, float] | None = None,
) -> MatchResult:
    if xy is None:
        return MatchResult(
            method=method,
            score=score,
            entity=entity,
            x=float(idx.x[entity]),
            y=float(idx.y[entity]),
            lon=float(idx.lon[entity]),
            lat=float(idx.lat[entity]),
            matched_name=str(idx.name[entity]) if name is None else name,
            source=str(idx.origin[entity]),
        )
    lon, lat = idx.to_wgs84.transform(xy[0], xy[1])
    return MatchResult(
        method=method,
        score=score,
        entity=entity,
        x=xy[0],
        y=xy[1],
        lon=float(lon),
        lat=float(lat),
        matched_name=str(idx.name[entity]) if name is None else name,
        source=str(idx.origin[entity]),
    )


def _with_runner_up(idx: _Index, best: MatchResult, others: Sequence[tuple[int, float]]) -> MatchResult:
    """Keep the best other candidate lying elsewhere; flag ambiguity when it scores close."""
    for i, s in others:
        if i == best.entity:
            continue
        d = float(np.hypot(idx.x[i] - best.x, idx.y[i] - best.y))
        if d <= AMBIGUOUS_M:
            continue
        best.runner_up, best.runner_up_score, best.runner_up_m = str(idx.name[i]), float(s), d
        if s >= best.score - AMBIGUOUS_GAP:
            best.ambiguous = True
            best.score = min(best.score, AMBIGUOUS_CAP)
        break
    return best


def _street_score(idx: _Index, sid: int, name_score: float) -> float:
    """A street point is only as good as the street is short."""
    factor = 0.9 if idx.length_m[sid] < 250 else 0.8 if idx.length_m[sid] < 500 else 0.7
    return name_score * factor
