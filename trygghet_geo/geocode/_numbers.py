"""House numbers of a gazetteer: which rows carry a number, and where a missing number lies along its street.

Look-up goes from the most to the least literal reading, and stops at the first that finds anything:

1. a range asked for ("3-5") finds the building that carries that range;
2. the number with its letter; then a range building that contains the number on the same side of the
   street ("16" in "14-20");
3. the number without the asked-for letter; then the number with any letter.

A number inside a range but on the other side ("4" in "3-5") is that building only when interpolation
between the numbers on its own side finds nothing (:meth:`AddressTables.inside_range`).

Interpolation (:meth:`AddressTables.interpolate`) is only for a number that no row carries: between the
nearest numbers on the same side of the street (same parity), along the street's geometry, with the
neighbours' offsets from the street carried over.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["INTERPOLATE_MAX_M", "AddressTables"]

INTERPOLATE_MAX_M = 250.0  # neighbours farther apart than this along the street are not one stretch
_NEIGHBOUR_MAX_GAP = 6  # with a neighbour on one side only: at most this many numbers away

Key = tuple[int, int, str]


@dataclass
class AddressTables:
    """Address rows by (street, number, letter), by range, and per street sorted by number."""

    plain: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(list))
    ranged: dict[tuple[int, int, int, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    covered: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(list))
    across: dict[Key, list[int]] = field(default_factory=lambda: defaultdict(list))
    any_letter: dict[tuple[int, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    numbers: dict[int, np.ndarray] = field(default_factory=dict)  # (number, measure, off_x, off_y, row)

    @classmethod
    def build(cls, addr: Any) -> AddressTables:
        """Tables of the ``address`` rows of a gazetteer's entries (index = entity row)."""
        t = cls()
        per_street: dict[int, list[tuple[float, float, float, float, int]]] = defaultdict(list)
        columns = ("street_id", "number", "number_to", "letter", "measure_m", "off_x", "off_y")
        for i, sid, num, to, letter, m, ox, oy in zip(addr.index, *(addr[c] for c in columns), strict=True):
            sid, num, to, row = int(sid), int(num), int(to), int(i)
            if to > num:
                t.ranged[(sid, num, to, letter)].append(row)
                for n in range(num, to + 1):  # any number inside the range is that building
                    side = t.covered if (n - num) % 2 == 0 else t.across
                    side[(sid, n, letter)].append(row)
                    if letter:
                        side[(sid, n, "?")].append(row)  # "12-16 B" answers "14" too
                per_street[sid] += [(float(n), m, ox, oy, row) for n in (num, to)]
                continue
            t.plain[(sid, num, letter)].append(row)
            t.any_letter[(sid, num)].append(row)
            per_street[sid].append((float(num), float(m), float(ox), float(oy), row))
        t.numbers = {s: np.array(sorted(v)) for s, v in per_street.items()}
        t.plain, t.ranged, t.covered, t.across = (
            dict(t.plain),
            dict(t.ranged),
            dict(t.covered),
            dict(t.across),
        )
        t.any_letter = dict(t.any_letter)
        return t

    def lookup(self, sid: int, number: int, to: int | None, letter: str) -> tuple[float, list[int]] | None:
        """(score penalty, rows) of the most literal reading that finds rows on street ``sid``, or None."""
        tiers: list[tuple[float, list[int] | None]] = []
        if to is not None and to > number:
            tiers.append((0.0, self.ranged.get((sid, number, to, letter))))
            if letter:
                tiers.append((5.0, self.ranged.get((sid, number, to, ""))))
        tiers.append((0.0, self.plain.get((sid, number, letter))))
        tiers.append((0.0, self.covered.get((sid, number, letter))))
        if letter:
            tiers.append((5.0, self.plain.get((sid, number, ""))))
            tiers.append((5.0, self.covered.get((sid, number, ""))))
        tiers.append((8.0, self.any_letter.get((sid, number))))
        tiers.append((8.0, self.covered.get((sid, number, "?"))))
        for penalty, rows in tiers:
            if rows:
                return penalty, rows
        return None

    def inside_range(self, sid: int, number: int, letter: str) -> list[int]:
        """Range buildings that hold the number between their ends on the other side ("4" in "3-5")."""
        return self.across.get((sid, number, letter)) or self.across.get((sid, number, "")) or []

    def interpolate(
        self, sid: int, number: int, line: Any
    ) -> tuple[tuple[float, float], float, str, int] | None:
        """Position of a number no row carries: (x/y, score 0-100, label, nearest neighbour row) or None."""
        table = self.numbers.get(sid)
        if table is None or len(table) == 0:
            return None
        same = table[(table[:, 0].astype(int) % 2) == (number % 2)]
        base = 88.0
        if len(same) == 0:
            same, base = table, 70.0
        lo, hi = same[same[:, 0] < number], same[same[:, 0] > number]
        if len(lo) and len(hi):
            a, b = lo[-1], hi[0]
            gap_m = abs(float(b[1] - a[1]))
            if gap_m <= INTERPOLATE_MAX_M:
                t = (number - a[0]) / (b[0] - a[0])
                on = line.interpolate(a[1] + t * (b[1] - a[1]))
                off = (a[2] + t * (b[2] - a[2]), a[3] + t * (b[3] - a[3]))
                score = base - 2.0 * max(0.0, b[0] - a[0] - 4) - 10.0 * (gap_m > 120.0)
                near = a if number - a[0] <= b[0] - number else b
                label = f"{int(a[0])}–{int(b[0])}"
                return (on.x + off[0], on.y + off[1]), max(score, 60.0), label, int(near[4])
        ends = [r for r in (lo[-1] if len(lo) else None, hi[0] if len(hi) else None) if r is not None]
        near = min(ends, key=lambda r: abs(r[0] - number))
        if abs(near[0] - number) > _NEIGHBOUR_MAX_GAP:
            return None
        on = line.interpolate(near[1])
        return (on.x + near[2], on.y + near[3]), base - 12.0, f"{int(near[0])}", int(near[4])
