"""The null mean and scale of the emerging-hotspot Gi*: ArcGIS's whole cube, or re-estimated without the bins
already found significant.

Getis-Ord Gi* compares a bin's neighbourhood sum with what the neighbourhood would hold if the bins' values
were drawn at random from the whole study area: the expected sum is ``mean × W`` and its variance follows from
the cube's variance ``s²`` (Getis & Ord 1992; Ord & Getis 1995). ArcGIS Pro's Emerging Hot Spot Analysis takes
``mean`` and ``s`` from every bin of the space-time cube by default ("Define Global Window: Entire cube",
pro.arcgis.com, "How Emerging Hot Spot Analysis works"). Those moments include the hotspots being tested: each
strong place adds its own excess to ``s``, so with several places in one town every z-score shrinks (on the
planted 14 × 14 grid of the tests, seed 1000, ``s`` is 0.69 with the steady place alone and 1.39 with all
four) and a steady place falls under the false-discovery cut in a fifth to two fifths of its months, though
found in every month when planted alone. The test's power then depends on how many other hotspots the town
has.

``"robust"`` (the default of :func:`trygghet_geo.emerging_hotspots`) re-estimates the null moments from the
bins that are not themselves significant, and repeats until the set of significant bins no longer changes: the
z-scores are computed with the moments of the bins kept so far, the false-discovery cut is applied to all bins
again, the bins now significant are set aside too, and so on (a bin once set aside stays aside, so the kept
set only shrinks and the loop ends). It is the iterative outlier-exclusion estimate of a null distribution
(Efron 2004, "Large-scale simultaneous hypothesis testing: the choice of a null hypothesis", JASA 99:96–104,
argues that the null of a large family of tests must be estimated from its bulk, not from all cases; the
exclusion-and-refit loop is that of the "skipped" estimators of robust statistics, which refit after setting
aside the cases flagged as outliers, Huber & Ronchetti 2009). Under pure noise almost no bin is significant,
so the moments equal the whole cube's and the test is ArcGIS's; each planted place leaves the null of the
others untouched. Two guards: the scale never falls under the Poisson scale of the kept bins (``s² ≥ mean``,
the variance of counts of a homogeneous Poisson process), so that a loop cannot talk itself into an ever
smaller scale on sparse counts; and at most half the bins may be set aside (beyond that "the bulk" is no
longer the null, and the whole cube's moments are kept). When every kept bin is empty, the last scale stays.

Figures, all four places in one town, development seeds 1000–1004 (``bench/bench_trend.py --compare
--skip-speed``; new / intensifying / persistent / historical found): ``"entire_cube"`` 3/4/1/2 of 5,
``"robust"`` 4/5/4/5; the robust scale is 0.44–0.45 (the Poisson scale of the kept bins is 0.43–0.44), the
whole cube's 1.38–1.41. Other choices considered and left out: ArcGIS's "Individual time step" and
"Neighborhood time step" windows take the moments of one step or of the steps in the time window; a steady
place inflates every step's variance alike, so they do not cure the loss (the neighbourhood time step window
found 2/5/0/5 on the same seeds). Held-out seeds 7001–7005, run once after the method was fixed: ``"robust"``
4/5/5/4, ``"entire_cube"`` 4/5/0/3. A pure Poisson scale (``s² = mean``) is exact only for a homogeneous
Poisson background: real street counts are overdispersed (busy streets), and it would call every busy street a
hotspot. The price of the robust scale on such overdispersed data: more segments come out hot than with the
whole cube (12 % against 7 % of the sample's segments for the speed benchmark's 100,000 events on
gamma-weighted streets), because a busy street is then judged against the quiet bulk of the town. A
median-absolute-deviation scale is zero for the sparse counts of most towns (most bins hold no event).
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
from scipy import sparse
from scipy.stats import norm

from trygghet_geo.hotspots._fdr import significant

__all__ = ["GLOBAL_WINDOWS", "GlobalWindow", "gi_star", "null_moments"]

GlobalWindow = Literal["robust", "entire_cube"]
GLOBAL_WINDOWS: Final = ("robust", "entire_cube")
_MAX_ROUNDS: Final = 25
_MAX_SET_ASIDE: Final = 0.5


def gi_star(
    counts: np.ndarray,
    neighbours: sparse.csr_matrix,
    *,
    space_time: bool = True,
    mean: float | None = None,
    std: float | None = None,
) -> np.ndarray:
    """Getis-Ord Gi* z-score of every (segment, step) bin of ``counts`` (segments × steps).

    ``neighbours`` is the binary segment matrix with its diagonal. With ``space_time`` a bin's neighbours
    are its spatial neighbours in the same step and in the previous one (ArcGIS's neighbourhood time step
    of 1); the first step has only the same step. ``mean`` and ``std`` are the null moments (default: those
    of all bins of the cube, ArcGIS's "Entire cube"; see :mod:`._emerging_null`).
    """
    x = np.asarray(counts, dtype=np.float64)
    n = x.size
    spatial = np.asarray(neighbours @ x)
    deg = np.asarray(neighbours.sum(axis=1)).ravel()
    sums, w = spatial.copy(), np.repeat(deg[:, None], x.shape[1], axis=1).astype(np.float64)
    if space_time and x.shape[1] > 1:
        sums[:, 1:] += spatial[:, :-1]
        w[:, 1:] *= 2.0
    if mean is None:
        mean = float(x.mean())
    s = float(np.sqrt(max((x**2).mean() - x.mean() ** 2, 0.0))) if std is None else float(std)
    if not s > 0:
        return np.zeros_like(x)
    denom = s * np.sqrt((n * w - w**2) / (n - 1))
    z: np.ndarray = np.divide(sums - mean * w, denom, out=np.zeros_like(x), where=denom > 0)
    return z


def _moments(x: np.ndarray) -> tuple[float, float]:
    mean = float(x.mean())
    return mean, float(np.sqrt(max((x**2).mean() - mean**2, 0.0)))


def null_moments(
    counts: np.ndarray, neighbours: sparse.csr_matrix, alpha: float, global_window: GlobalWindow
) -> tuple[float, float, int]:
    """The mean and standard deviation Gi* compares with, and the number of re-estimation rounds.

    ``"entire_cube"``: ArcGIS's default, the moments of every bin. ``"robust"``: the moments of the bins
    not significant at false discovery rate ``alpha``, re-estimated until that set is stable (see the
    module), with the scale floored at the Poisson scale ``sqrt(mean)``.
    """
    x = np.asarray(counts, dtype=np.float64)
    mean, std = _moments(x)
    if global_window == "entire_cube" or not std > 0:
        return mean, std, 0
    keep = np.ones(x.shape, dtype=bool)
    for rounds in range(1, _MAX_ROUNDS + 1):
        z = gi_star(x, neighbours, mean=mean, std=std)
        # a bin once set aside stays aside: the kept set only shrinks, so the loop ends
        new_keep = keep & ~significant(2 * norm.sf(np.abs(z)), alpha)
        if np.array_equal(new_keep, keep):
            return mean, std, rounds
        if new_keep.mean() < 1 - _MAX_SET_ASIDE:
            return (*_moments(x), rounds)
        kept_mean, kept_std = _moments(x[new_keep])
        kept_std = max(kept_std, float(np.sqrt(kept_mean)))
        if not kept_std > 0:  # every kept bin is empty: no scale to learn from, keep the last one
            return mean, std, rounds
        keep, mean, std = new_keep, kept_mean, kept_std
    return mean, std, _MAX_ROUNDS
