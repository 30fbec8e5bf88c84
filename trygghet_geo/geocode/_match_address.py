"""Match "street number" text: the building carrying the number, ambiguity said out loud, then interpolation.

The same address found at places more than :data:`~._addresses.SAME_PLACE_M` apart (two OSM objects, or two
streets of one name; where a register and OSM disagree the register has already won at build time) is
answered at the preferred place (an authoritative layer's, then one held by a building) with
``ambiguous=True``, a score no higher than :data:`~._index.AMBIGUOUS_CAP` and every place in ``candidates``.
A postal code in the text picks among places that carry postal codes.
"""

from __future__ import annotations

import json

import numpy as np

from trygghet_geo.geocode._addresses import SAME_PLACE_M
from trygghet_geo.geocode._index import (
    AMBIGUOUS_CAP,
    MatchResult,
    _Index,
    _Resolver,
    _result,
    _street_score,
    _with_runner_up,
)
from trygghet_geo.geocode._parse import ParsedPlace

__all__ = ["address_match"]


def _preference(idx: _Index, row: int) -> tuple[int, int]:
    """Sort key: authoritative layers first, then addresses held by a building polygon."""
    held = idx.geoms[row] is not None and idx.geoms[row].geom_type != "Point"
    return (0 if idx.origin[row] != "osm" else 1, 0 if held else 1)


def _places(idx: _Index, rows: list[int]) -> list[int]:
    """One row per place: rows closer than SAME_PLACE_M to a preferred row are that place."""
    keep: list[int] = []
    for r in sorted(dict.fromkeys(rows), key=lambda r: _preference(idx, r)):
        if all(np.hypot(idx.x[r] - idx.x[k], idx.y[r] - idx.y[k]) > SAME_PLACE_M for k in keep):
            keep.append(r)
    return keep


def _candidates_json(idx: _Index, rows: list[int], scores: list[float]) -> str:
    return json.dumps(
        [
            {
                "name": str(idx.name[r]),
                "lon": round(float(idx.lon[r]), 7),
                "lat": round(float(idx.lat[r]), 7),
                "score": round(s, 1),
                "source": str(idx.origin[r]),
            }
            for r, s in zip(rows, scores, strict=True)
        ],
        ensure_ascii=False,
    )


def _hits(
    idx: _Index, streets: list[tuple[int, float]], p: ParsedPlace, number: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """(rows at the best name score, rows of other streets) carrying the number, each with its score."""
    best: list[tuple[int, float]] = []
    others: list[tuple[int, float]] = []
    top = None
    for sid, s in streets:
        got = idx.tables.lookup(sid, number, p.house_number_to, p.house_letter)
        if got is None:
            continue
        penalty, rows = got
        score = s - penalty
        if top is None:
            top = score
        (best if score >= top else others).extend((r, score) for r in rows)
    return best, others


def address_match(idx: _Index, res: _Resolver, p: ParsedPlace) -> MatchResult | None:
    """The answer to an address text (``p.kind == "address"``), or None when no street of the name exists."""
    number = int(p.house_number or 0)
    streets = res("street", p.street)
    best, others = _hits(idx, streets, p, number)
    if best:
        if p.postal_code:  # a postal code chooses among places that carry one
            same = [h for h in best if idx.postcode[h[0]] == p.postal_code]
            if same and len(same) < len(best):
                best = same
        score = best[0][1]
        places = _places(idx, [r for r, _ in best])
        answer = _result(idx, "address", score, places[0])
        if len(places) > 1:
            answer.ambiguous = True
            answer.score = min(score, AMBIGUOUS_CAP)
            answer.candidates = _candidates_json(idx, places, [answer.score] * len(places))
            r = places[1]
            answer.runner_up, answer.runner_up_score = str(idx.name[r]), answer.score
            answer.runner_up_m = float(np.hypot(idx.x[r] - answer.x, idx.y[r] - answer.y))
            return answer
        return _with_runner_up(idx, answer, others)
    for sid, s in streets:
        got = idx.tables.interpolate(sid, number, idx.geoms[sid])
        if got is not None:
            xy, score, label, near = got
            name = f"{idx.name[sid]} {number}{p.house_letter.upper()} (≈ {label})"
            answer = _result(idx, "interpolated", s * score / 100.0, sid, name=name, xy=xy)
            answer.source = str(idx.origin[near])
            return _with_runner_up(idx, answer, [(o, v) for o, v in streets if o != sid])
    for sid, s in streets:
        rows = idx.tables.inside_range(sid, number, p.house_letter)
        if rows:
            return _result(idx, "address", s - 10.0, _places(idx, rows)[0])
    if streets:
        sid, s = streets[0]
        answer = _result(idx, "street", _street_score(idx, sid, s) * 0.9, sid)
        return _with_runner_up(idx, answer, streets[1:])
    return None
