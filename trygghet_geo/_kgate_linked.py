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

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

__all__ = ["cross_windows", "shared_measures", "suppress_linked"]


def _basis(rows: np.ndarray) -> np.ndarray:
    """An orthonormal basis of the row space of ``rows`` (its rows)."""
    if rows.size == 0:
        return np.zeros((0, rows.shape[1]))
    # through the small Gram matrix (sums x sums) rather than an SVD of the wide one: the same span
    lam, u = np.linalg.eigh(rows @ rows.T)
    keep = lam > 1e-9 * max(1.0, float(lam.max()))
    return np.asarray((u[:, keep] / np.sqrt(lam[keep])).T @ rows)


def _fixed_rows(basis: np.ndarray, vecs: np.ndarray) -> np.ndarray:
    """Whether the shown equations (``basis`` of their span) fix each row of ``vecs`` · counts."""
    if len(vecs) == 0:
        return np.zeros(0, bool)
    rest = vecs - (vecs @ basis.T) @ basis
    fixed: np.ndarray = np.abs(rest).max(axis=1) < 1e-7
    return fixed


def _targets(
    sums: np.ndarray,
    values: np.ndarray,
    counts: np.ndarray,
    hide: np.ndarray,
    family: np.ndarray,
    k: int,
    within: np.ndarray,
) -> Iterator[np.ndarray]:
    """What a reader must not work out: each hidden sum of 1..k-1, each single count of 1..k-1, and, in each
    shown sum, the hidden sums of one family inside it together (a total minus its shown parts)."""
    for i in np.flatnonzero(hide & (values > 0) & (values < k)):
        yield sums[i]
    for j in np.flatnonzero((counts > 0) & (counts < k)):
        unit = np.zeros(len(counts))
        unit[j] = 1.0
        yield unit
    families = [family == fam for fam in np.unique(family)]
    for j in np.flatnonzero(~hide):
        inside = within[:, j]  # sums whose counts all lie in sum j
        for mine in families:
            parts = np.flatnonzero(hide & inside & mine)
            rest = float(values[parts].sum())
            if len(parts) and 0 < rest < k:
                yield sums[parts].sum(axis=0)


def suppress_linked(
    sums: Any,
    counts: Any,
    *,
    k: int,
    family: Sequence[Any] | None = None,
    keep: Any = None,
    hidden: Any = None,
    cost: Any = None,
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
    cost : array-like, shape (p,), optional
        Which sums to give up last (higher: later), before the fewest counts and the smallest value.

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
    # counts no published sum tells apart (the months of one quarter, in one window) are one unknown
    a, inverse = np.unique(a, axis=1, return_inverse=True)
    x = np.bincount(inverse.ravel(), weights=x, minlength=a.shape[1])
    fam = np.asarray(family if family is not None else np.zeros(len(a)), dtype=object)
    fixed = np.zeros(len(a), bool) if keep is None else np.asarray(keep, dtype=bool)
    hide: np.ndarray = ((values > 0) & (values < k)) & ~fixed
    if hidden is not None:
        hide |= np.asarray(hidden, dtype=bool) & ~fixed
    total_like = a.sum(axis=1)
    price = np.zeros(len(a)) if cost is None else np.asarray(cost, dtype=float)
    stated = _basis(a[fixed])  # what the kept sums alone fix is theirs to say (a total in the text)
    support = (a > 0).astype(float)
    within = (support @ (1.0 - support).T) == 0  # [i, j]: every count of sum i lies in sum j
    for _ in range(len(a) + 1):
        basis = _basis(a[~hide])
        targets = np.array(list(_targets(a, values, x, hide, fam, k, within))).reshape(-1, a.shape[1])
        leaks = targets[_fixed_rows(basis, targets) & ~_fixed_rows(stated, targets)]
        progressed = False
        for leak in leaks[:8]:  # a few leaks a round, each closed by a sum shown to close it where one does
            if not _fixed_rows(_basis(a[~hide]), leak[None])[0]:
                continue  # an earlier pick of this round closed it
            candidates = _candidates(a, leak, hide, fixed, values, within)
            if len(candidates) == 0:
                continue  # nothing to hide: the kept sums fix it
            order = candidates[np.lexsort((values[candidates], total_like[candidates], price[candidates]))]
            pick = order[0]
            for c in order[:6]:  # the few first: each trial is a decomposition
                trial = hide.copy()
                trial[c] = True
                if not _fixed_rows(_basis(a[~trial]), leak[None])[0]:
                    pick = c
                    break
            hide[pick] = progressed = True
        if not progressed:
            return hide
    return hide


def _candidates(
    a: np.ndarray,
    leak: np.ndarray,
    hide: np.ndarray,
    fixed: np.ndarray,
    values: np.ndarray,
    within: np.ndarray,
) -> Any:
    """The shown sums whose hiding can break ``leak``: those holding some of its counts, and the parts of
    every shown sum through them (a total's other parts), not kept, not 0."""
    near = (a[:, leak > 0] > 0).any(axis=1)
    lines = np.flatnonzero(~hide & near)
    inside = within[:, lines].any(axis=1)
    return np.flatnonzero(~hide & ~fixed & (values > 0) & (near | inside))


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
        hide = (
            ((before > 0) & (before < k)) | ((after > 0) & (after < k)) | np.isnan(before) | np.isnan(after)
        )
    if places is not None and len(places) and "place" in out.columns and "name" in places.columns:
        cols = [c for c in ("n_incidents", "n_3m", "n_6m", "n_12m") if c in places.columns]
        at = places.drop_duplicates("name").set_index("name").reindex(out["place"].astype(object).to_numpy())
        shown = np.column_stack([pd.to_numeric(at[c], errors="coerce").to_numpy(dtype=float) for c in cols])
        hide |= cross_windows(np.column_stack([after, before + after]), shown, k=k)
    for col in ("n_before", "n_after", "change_pct"):
        if col in out.columns:
            out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).where(~hide)
    return out
