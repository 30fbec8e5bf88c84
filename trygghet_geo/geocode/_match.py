"""Match parsed place text against a gazetteer: exact keys, then fuzzy (rapidfuzz), street, place.

The exact path is dictionary look-ups on name keys. Names that miss are collected over the whole batch and
scored in one :func:`rapidfuzz.process.cdist` call per name table, so fuzzy matching costs one vectorised pass
rather than one scan per string.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import shapely
import shapely.ops

from trygghet_geo.geocode._index import (
    MatchResult,
    _Index,
    _Resolver,
    _result,
    _street_score,
    _with_runner_up,
    index_of,
)
from trygghet_geo.geocode._match_address import address_match
from trygghet_geo.geocode._parse import (
    _RELATION_RE,
    ParsedPlace,
    _split_cross,
    name_key,
    parse_place,
)

if TYPE_CHECKING:
    from trygghet_geo.geocode._gazetteer import Gazetteer

__all__ = ["MatchResult", "match_texts"]

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
