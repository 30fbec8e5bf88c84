"""Match parsed place text against a gazetteer: exact keys, then fuzzy (rapidfuzz), street, place.

The exact path is dictionary look-ups on name keys. Names that miss are collected over the whole batch and
scored in one :func:`rapidfuzz.process.cdist` call per name table, so fuzzy matching costs one vectorised pass
rather than one scan per string.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
import shapely.ops

from trygghet_geo.geocode._numbers import AddressTables
from trygghet_geo.geocode._parse import (
    _RELATION_RE,
    ParsedPlace,
    _split_cross,
    folded_key,
    name_key,
    parse_place,
)

if TYPE_CHECKING:
    from trygghet_geo.geocode._gazetteer import Gazetteer

__all__ = ["MatchResult", "match_texts"]

FUZZY_CUTOFF = 82.0  # rapidfuzz ratio (0-100) below which a name is not taken
MIN_FUZZY_KEY = 5  # shorter keys must match exactly
AMBIGUOUS_GAP = 5.0  # a runner-up this close in score (and elsewhere) makes the match ambiguous
AMBIGUOUS_M = 150.0  # ... elsewhere = farther than this
AMBIGUOUS_CAP = 75.0  # an ambiguous match never scores as confident
MAX_CANDIDATES = 6
NO_CROSSING_MAX_M = 400.0  # "korsningen X/Y" of streets that do not meet: nearest point if this close
_GENERIC = {  # generic words that point at the one feature of a kind ("vid stationen")
    "station": ("railway=station",),
    "stationen": ("railway=station",),
    "jarnvagsstation": ("railway=station",),
    "centralstation": ("railway=station",),
    "centralstationen": ("railway=station",),
    "jarnvagsstationen": ("railway=station",),
    "tagstationen": ("railway=station",),
    "tagstation": ("railway=station",),
    "tunnelbanestation": ("railway=station", "station=subway"),
    "busstation": ("amenity=bus_station",),
}

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


def _place_score(idx: _Index, pid: int, name_score: float) -> float:
    return name_score * (0.95 if idx.is_area[pid] or idx.kind[pid] == "place" else 0.9)


def _is_square(idx: _Index, pid: int) -> bool:
    """An area that is a place in its own right (square, park, station), not a piece of street."""
    return bool(idx.is_area[pid]) and not str(idx.category[pid]).startswith("highway=")


def _bare(idx: _Index, res: _Resolver, text: str) -> MatchResult | None:
    """A bare name: a named place or a street (squares and parks win over a street of the same name)."""
    cands: list[tuple[float, int, str]] = []  # (score, entity, method)
    places, streets = res("place", text), res("street", text)
    if any(s == 100.0 for _, s in places + streets):  # an exact name outranks every fuzzy one
        places, streets = [c for c in places if c[1] == 100.0], [c for c in streets if c[1] == 100.0]
    best_street = max((_street_score(idx, sid, s) for sid, s in streets if s == 100.0), default=None)
    for pid, s in places:
        score = _place_score(idx, pid, s) + (1.0 if idx.is_area[pid] else 0.0)
        if best_street is not None and not _is_square(idx, pid):
            score = min(score, best_street - 1.0)  # a stop or shop named after the street: the street it is
        cands.append((score, pid, "place"))
    for sid, s in streets:
        cands.append((_street_score(idx, sid, s) + (0.5 if s == 100.0 else 0.0), sid, "street"))
    if not cands:
        generic = _GENERIC.get(name_key(text))
        if generic:
            ids = [i for c in generic for i in idx.categories.get(c, [])]
            cands = [(70.0, i, "place") for i in ids]
    if not cands:
        return None
    cands.sort(key=lambda c: -c[0])
    score, ent, method = cands[0]
    best = _result(idx, method, min(score, 100.0), ent)
    return _with_runner_up(idx, best, [(c[1], c[0]) for c in cands[1:]])


def _address(idx: _Index, res: _Resolver, p: ParsedPlace) -> MatchResult | None:
    from trygghet_geo.geocode._match_address import address_match  # it builds on this module

    return address_match(idx, res, p)


def _crossing(idx: _Index, res: _Resolver, a: str, b: str) -> MatchResult | None:
    sa, sb = res("street", a), res("street", b)
    for ia, va in sa:
        for ib, vb in sb:
            ents = idx.crossings.get((ia, ib))
            if ents:
                best = _result(
                    idx, "intersection", min(va, vb) * 0.98, ents[0], name=f"{idx.name[ia]} / {idx.name[ib]}"
                )
                return _with_runner_up(idx, best, [(e, min(va, vb) * 0.98) for e in ents[1:]])
    # streets that do not meet in the network but come within a few metres (ends of pedestrian streets)
    for ia, va in sa[:2]:
        for ib, vb in sb[:2]:
            ga, gb = idx.geoms[ia], idx.geoms[ib]
            if ga.distance(gb) < 30.0:
                pa, pb = shapely.ops.nearest_points(ga, gb)
                xy = ((pa.x + pb.x) / 2, (pa.y + pb.y) / 2)
                return _result(
                    idx,
                    "intersection",
                    min(va, vb) * 0.85,
                    ia,
                    name=f"{idx.name[ia]} / {idx.name[ib]}",
                    xy=xy,
                )
    if sa and sb:  # the streets do not meet: the closest place between them, flagged by a low score
        (ia, va), (ib, vb) = sa[0], sb[0]
        ga, gb = idx.geoms[ia], idx.geoms[ib]
        if ga.distance(gb) < NO_CROSSING_MAX_M:
            pa, pb = shapely.ops.nearest_points(ga, gb)
            return _result(
                idx,
                "street",
                min(va, vb) * 0.55,
                ia,
                xy=((pa.x + pb.x) / 2, (pa.y + pb.y) / 2),
                name=f"{idx.name[ia]} / {idx.name[ib]} (möts inte; närmaste punkt)",
            )
    return None


def _crossing_any_split(idx: _Index, res: _Resolver, p: ParsedPlace) -> MatchResult | None:
    """'hörnet Norra Esplanaden Mikaelsgatan' has no separator: try every split of its words."""
    words = f"{p.street} {p.street2}".split()
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        if (a, b) == (p.street, p.street2):
            continue
        got = _crossing(idx, res, a, b)
        if got is not None and got.method == "intersection":
            return got
    return None


def _between(idx: _Index, res: _Resolver, p: ParsedPlace) -> MatchResult | None:
    if p.base:
        ends = [_crossing(idx, res, p.base, p.street), _crossing(idx, res, p.base, p.street2)]
    else:
        ends = [_bare(idx, res, p.street), _bare(idx, res, p.street2)]
    a, b = ends
    if a is None or b is None:
        return None
    if np.hypot(a.x - b.x, a.y - b.y) > 600.0:
        return None
    xy = ((a.x + b.x) / 2, (a.y + b.y) / 2)
    method = "street" if p.base else "place"
    name = f"{p.base + ' ' if p.base else ''}mellan {a.matched_name} och {b.matched_name}"
    return _result(idx, method, min(a.score, b.score) * 0.85, a.entity, name=name, xy=xy)


def _target(idx: _Index, res: _Resolver, text: str) -> MatchResult | None:
    """The target of a relation; "Konsum på Torget" falls back to "Konsum", then "Torget"."""
    got = _bare(idx, res, text)
    if got is not None:
        return got
    m = _RELATION_RE.search(text)
    if m is None:
        return None
    first, rest = text[: m.start()].strip(), text[m.end() :].strip()
    inner = parse_place(rest)
    for part in (first, rest):
        got = _compose(idx, res, inner) if part is rest and inner.kind == "address" else _bare(idx, res, part)
        if got is not None:
            got.score *= 0.9
            return got
    return None


def _compose(idx: _Index, res: _Resolver, p: ParsedPlace) -> MatchResult | None:
    if p.kind == "address":
        got = _address(idx, res, p)
        if got is None or got.method == "street":
            whole = _bare(idx, res, p.normalized)  # "Järnvägstorget, plattform 1" is a place's name
            if whole is not None and whole.score >= 95:
                return whole
        return got
    if p.kind == "intersection":
        got = _crossing(idx, res, p.street, p.street2)
        if got is None or got.method != "intersection":
            got = _crossing_any_split(idx, res, p) or got
        return got or _bare(idx, res, p.normalized)
    if p.kind == "between":
        return _between(idx, res, p)
    if p.kind in ("street", "place"):
        got = _target(idx, res, p.street)
        if got is None and not p.relation:  # "Mikaelsgatan-Alexandersgatan": a hyphen between two streets
            pair = _split_cross(p.street)
            crossing = _crossing(idx, res, *pair) if pair else None
            if crossing is not None and crossing.method == "intersection":
                return crossing
        return got
    return None


def match_parsed(idx: _Index, res: _Resolver, p: ParsedPlace) -> MatchResult:
    got = _compose(idx, res, p)
    for alt in p.alternatives:
        if got is not None and got.score >= 80:
            break
        other = _compose(idx, res, parse_place(alt))
        if other is not None and (got is None or other.score > got.score):
            got = other
    return got if got is not None else MatchResult()


def match_texts(
    gaz: Gazetteer,
    texts: Sequence[str],
    *,
    progress: Callable[[int], None] | None = None,
) -> list[MatchResult]:
    """Match each text; exact look-ups first, then one fuzzy batch for the names that missed.

    ``progress`` is called with the number of texts done after each chunk.
    """
    idx = index_of(gaz)
    res = _Resolver(idx)
    parsed = [parse_place(t) for t in texts]
    out: list[MatchResult] = []
    retry: list[int] = []
    for i, p in enumerate(parsed):
        before = res.misses
        out.append(match_parsed(idx, res, p))
        if res.misses > before:
            retry.append(i)
        if progress is not None and (i + 1) % 500 == 0:
            progress(500)
    if progress is not None:
        progress(len(parsed) % 500)
    for _round in range(3):  # fuzzy names found may lead to further names (nested relations)
        if not res.resolve_pending():
            break
        again = []
        for i in retry:
            before = res.misses
            out[i] = match_parsed(idx, res, parsed[i])
            if res.misses > before:
                again.append(i)
        retry = again
    return out
