"""The k rule over linked tables: several tables of one document whose cells are sums of the same counts
(a town's incidents per quarter and category, per category over two 12-month windows, per area and
category), and counts of one place in two tables over nested windows.

:func:`suppress_linked` is standard cell suppression generalised to any set of published sums: every shown
number is a linear equation over the unknown counts, and no hidden count of 1..k-1 (nor the rest of a
shown total after its shown parts) may follow from the shown equations. Written by hand: the statistics
offices' tools for this (τ-ARGUS, sdcTable) are not Python libraries; the tables here are small (a few
hundred cells), so an exact linear-algebra test of what the shown numbers fix is cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["cross_windows", "shared_measures", "suppress_linked"]


def _basis(rows: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the row space of ``rows`` (its rows)."""
    if rows.size == 0:
        return np.zeros((0, rows.shape[1]))
    _, s, vt = np.linalg.svd(rows, full_matrices=False)
    keep = s > 1e-9 * max(1.0, float(s.max()))
    return np.asarray(vt[keep])


def _fixed_by(basis: np.ndarray, vec: np.ndarray) -> bool:
    """Whether the shown equations (``basis`` of their span) fix ``vec`` · counts."""
    rest = vec - basis.T @ (basis @ vec)
    return bool(np.abs(rest).max() < 1e-7)


def _targets(
    sums: np.ndarray, values: np.ndarray, counts: np.ndarray, hide: np.ndarray, family: np.ndarray, k: int
) -> list[np.ndarray]:
    """What a reader must not work out: each hidden sum of 1..k-1, each single count of 1..k-1, and, in each
    shown sum, the hidden sums of one family inside it together (a total minus its shown parts)."""
    out = [sums[i] for i in np.flatnonzero(hide & (values > 0) & (values < k))]
    out += [np.eye(len(counts))[j] for j in np.flatnonzero((counts > 0) & (counts < k))]
    support = sums > 0
    for j in np.flatnonzero(~hide):
        inside = (~support[:, ~support[j]]).all(axis=1)  # sums whose counts all lie in sum j
        for fam in np.unique(family):
            parts = np.flatnonzero(hide & inside & (family == fam))
            rest = float(values[parts].sum())
            if len(parts) and 0 < rest < k:
                out.append(sums[parts].sum(axis=0))
    return out


def suppress_linked(
    sums: Any,
    counts: Any,
    *,
    k: int,
    family: Sequence[Any] | None = None,
    keep: Any = None,
    hidden: Any = None,
) -> np.ndarray:
    """Which published sums to leave empty so that no count of 1..k-1 can be worked out from the others.

    Parameters
    ----------
    sums : array-like, shape (p, f)
        Each published number as a 0/1 row over the ``f`` unknown counts it adds up.
    counts : array-like, shape (f,)
        The unknown counts (per month and category, per area and category, ...).
    k : int
    family : sequence, shape (p,), optional
        A label per published sum: sums of one family are disjoint parts (one table's cells), so a shown
        sum minus the family's shown parts inside it is a rest a reader works out.
    keep : array-like of bool, shape (p,), optional
        Sums shown elsewhere anyway (a total written in the text): never hidden.
    hidden : array-like of bool, shape (p,), optional
        Sums hidden for another reason.

    Returns
    -------
    numpy.ndarray of bool, shape (p,)
        True where the published number must be left empty: every one of 1..k-1 (primary), and more (the
        smallest that breaks the equations) until nothing of 1..k-1 follows from the shown ones.

    Examples
    --------
    >>> import numpy as np
    >>> # two categories' counts in two quarters (c0q1, c0q2, c1q1, c1q2), each quarter's total and each
    >>> # category's total published: the 2 goes, and enough of its row and column that nothing shown
    >>> # gives it back (the 7 and the other quarter's and category's totals stay: the 2 is free)
    >>> sums = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1],
    ...                  [1, 0, 1, 0], [0, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]])
    >>> suppress_linked(sums, [2, 9, 8, 7], k=5, family=[0, 0, 0, 0, 1, 1, 2, 2]).astype(int).tolist()
    [1, 1, 1, 0, 1, 0, 1, 0]
    """
    a = np.asarray(sums, dtype=float)
    x = np.asarray(counts, dtype=float)
    values = a @ x
    fam = np.asarray(family if family is not None else np.zeros(len(a)), dtype=object)
    fixed = np.zeros(len(a), bool) if keep is None else np.asarray(keep, dtype=bool)
    hide = ((values > 0) & (values < k)) & ~fixed
    if hidden is not None:
        hide |= np.asarray(hidden, dtype=bool) & ~fixed
    total_like = a.sum(axis=1)
    for _ in range(len(a) + 1):
        basis = _basis(a[~hide])
        leak = next((t for t in _targets(a, values, x, hide, fam, k) if _fixed_by(basis, t)), None)
        if leak is None:
            return hide
        near = (a[:, leak > 0] > 0).any(axis=1)  # sums that hold some of the leaking counts
        lines = np.flatnonzero(~hide & near)
        inside = np.zeros(len(a), bool)
        for j in lines:  # and the parts of every shown sum through them
            inside |= (a[:, a[j] == 0] == 0).all(axis=1)
        candidates = np.flatnonzero(~hide & ~fixed & (values > 0) & (near | inside))
        if len(candidates) == 0:
            return hide  # nothing left to hide: the kept sums fix it (the caller's keep)
        order = candidates[np.lexsort((values[candidates], total_like[candidates]))]
        pick = order[0]
        for c in order:
            trial = hide.copy()
            trial[c] = True
            if not _fixed_by(_basis(a[~trial]), leak):
                pick = c
                break
        hide[pick] = True
    return hide


def cross_windows(follow: Any, windows: Any, *, k: int) -> np.ndarray:
    """Rows whose counts over one window (a measure's or a promise's before and after) must be hidden because
    they differ by 1..k-1 from a count of the same place over a nested window shown in another table of the
    same export (the whole period, the last 3, 6 or 12 months: every window ends at the data's end, so any
    two are nested and their difference is the incidents of the months between).

    Parameters
    ----------
    follow : array-like, shape (n, m)
        Per row the counts to be shown over the row's own windows (NaN: hidden already).
    windows : array-like, shape (n, w)
        Per row the same place's counts shown elsewhere (NaN: not shown).

    >>> cross_windows([[11, 23]], [[32, 22]], k=5).tolist()  # 23 and 22 give 1 event back
    [True]
    >>> cross_windows([[10, 22]], [[32, 22]], k=5).tolist()
    [False]
    """
    f = np.atleast_2d(np.asarray(follow, dtype=float))
    w = np.atleast_2d(np.asarray(windows, dtype=float))
    diff = np.abs(f[:, :, None] - w[:, None, :])
    with np.errstate(invalid="ignore"):
        small = (diff > 0) & (diff < k)
    out: np.ndarray = small.any(axis=(1, 2))
    return out


def shared_measures(follow: Any, places: Any = None, *, k: int) -> Any:
    """The measures' follow-up (:func:`trygghet_geo.plan.followup_plan`: ``place``, ``n_before``,
    ``n_after``, ``change_pct``) as a shared export shows it, by the rule of
    :func:`trygghet_geo._kgate.shared_followup`: a measure's before and after are shown both or neither
    (neither when one is 1..k-1, since the other and a place's count beside it would give it back), and
    neither where they differ by 1..k-1 from the same place's counts in ``places`` (``name``,
    ``n_incidents``, ``n_6m`` or the windows' columns), shown in the same export (:func:`cross_windows`).
    The change is emptied with them. A copy; NaN where hidden.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"place": ["A", "B", "C"], "n_before": [12, 9, 10], "n_after": [3, 8, 20],
    ...                   "change_pct": [-75.0, -11.0, 100.0]})
    >>> p = pd.DataFrame({"name": ["C"], "n_incidents": [32]})
    >>> shared_measures(f, p, k=5)[["n_before", "n_after"]].values.tolist()  # 32 - 30: 2 events back
    [[nan, nan], [9.0, 8.0], [nan, nan]]
    """
    import pandas as pd

    out = follow.copy()
    before = pd.to_numeric(out["n_before"], errors="coerce").to_numpy(dtype=float)
    after = pd.to_numeric(out["n_after"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        hide = ((before > 0) & (before < k)) | ((after > 0) & (after < k)) | np.isnan(before) | np.isnan(after)
    if places is not None and len(places) and "place" in out.columns and "name" in places.columns:
        cols = [c for c in ("n_incidents", "n_3m", "n_6m", "n_12m") if c in places.columns]
        at = places.drop_duplicates("name").set_index("name").reindex(out["place"].astype(object).to_numpy())
        shown = np.column_stack([pd.to_numeric(at[c], errors="coerce").to_numpy(dtype=float) for c in cols])
        hide |= cross_windows(np.column_stack([after, before + after]), shown, k=k)
    for col in ("n_before", "n_after", "change_pct"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~hide)
    return out
