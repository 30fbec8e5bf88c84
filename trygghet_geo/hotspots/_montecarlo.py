"""How the Monte Carlo of :mod:`trygghet_geo.hotspots._significance` runs: seeds, workers, early stopping.

What is simulated and scored (the null model and the statistic) is the caller's: a function that takes a
``numpy.random.Generator`` and returns the statistic of every cluster of one simulated data set. This module
only decides which simulations run, where, and when enough have run.

- **One stream per simulation.** Simulation ``k`` draws from
  ``numpy.random.SeedSequence(random_state).spawn(n_simulations)[k]``, so its data set does not depend on
  which worker runs it, in which order, or how many ran before it: results are identical for any ``n_jobs``
  and for any split of the simulations into blocks (:func:`simulate`, :func:`combine`).
- **Workers.** ``n_jobs`` simulations at a time on joblib threads (scikit-learn's convention: ``None`` is 1,
  ``-1`` every core). Threads suffice: the clustering's loops are compiled and release the GIL
  (:mod:`trygghet_geo.network._kernels`), and the network's bounded distances and street weights, computed
  once, are shared rather than copied into processes.
- **Sequential stopping (Besag & Clifford 1991, "Sequential Monte Carlo p-values", Biometrika 78:301-304).**
  Simulations run in blocks of :data:`BLOCK` (fixed, so the blocks do not depend on ``n_jobs``). A hotspot
  is *settled* at simulation ``l`` when at least :data:`H` simulated maxima so far reach its statistic
  (its family-wise p-value is then at least ``H / l``) and its pooled p-value over the first ``l``
  simulations is above ``alpha`` (it cannot come out significant): its answer is known. Its p-values are
  then taken from its first ``l`` simulations: ``p_max`` is Besag and Clifford's ``H / l_H`` (``l_H`` the
  simulation of the H-th exceedance; valid for any sequence, since it is the p-value of the procedure that
  stops there), or the usual ``(1 + c) / (1 + l)`` when larger; ``p_value`` is the pooled p-value of those
  ``l`` simulations. Hotspots never settled use all ``n_simulations``, exactly as without stopping. When
  every hotspot is settled the remaining simulations are skipped; since a settled hotspot's p-values
  depend only on its first ``l`` simulations, running them anyway would change nothing.
- **Blocks elsewhere.** Under :func:`capture`, :func:`run` does not simulate: it raises :class:`Captured`
  carrying a :class:`Plan` (the statistic, the observed values, the seeds), whose blocks can then run as
  separate tasks on other processes or machines (:meth:`Plan.simulate_block`). Under :func:`provided` with
  those statistics, the same call of :func:`run` takes them instead of simulating; since the stopping rule
  and :func:`combine` only read the statistics, the result is bit for bit the one of an uninterrupted run,
  as long as every block the uninterrupted run would reach is given (:meth:`Plan.needed`).
  :mod:`trygghet_geo.batch` uses this to spread a large municipality's simulations over the workers.
"""

from __future__ import annotations

import contextlib
import contextvars
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from trygghet_geo._config import progress_disable
from trygghet_geo.hotspots._fdr import q_values

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

__all__ = [
    "BLOCK",
    "Captured",
    "H",
    "MonteCarlo",
    "Plan",
    "capture",
    "check_n_jobs",
    "combine",
    "provided",
    "run",
    "seeds",
    "simulate",
]  # fmt: skip

H = 10
"""Besag-Clifford: simulated maxima at or above a hotspot's statistic before it may be settled."""
BLOCK = 10
"""Simulations per block between two stopping checks."""


def seeds(random_state: int | np.random.Generator | None, n_simulations: int) -> list[np.random.SeedSequence]:
    """One independent seed per simulation: ``SeedSequence(random_state).spawn(n_simulations)``.

    A Generator contributes one draw as the entropy (so a seeded Generator gives the same seeds)."""
    if isinstance(random_state, np.random.Generator):
        entropy: int | None = int(random_state.integers(2**63))
    elif random_state is None or isinstance(random_state, int | np.integer):
        entropy = None if random_state is None else int(random_state)
    else:
        from trygghet_geo.errors import ParameterTypeError

        raise ParameterTypeError(
            f"random_state must be an int, a numpy Generator or None, got {type(random_state).__name__}"
        )
    return np.random.SeedSequence(entropy).spawn(n_simulations)


def check_n_jobs(n_jobs: object) -> None:
    """Refuse an ``n_jobs`` that is not None or a non-zero integer."""
    bad = isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs == 0
    bad = bad or not -(2**31) < n_jobs < 2**31  # type: ignore[operator]  # beyond a C int: no machine has it
    if n_jobs is not None and bad:
        from trygghet_geo.errors import ParameterError

        raise ParameterError(f"n_jobs must be None or a non-zero integer (-1: every core), got {n_jobs!r}")


def simulate(
    statistic: Callable[[np.random.Generator], np.ndarray],
    seed_list: Sequence[np.random.SeedSequence],
    indices: Sequence[int] | np.ndarray,
    *,
    n_jobs: int | None = None,
) -> list[np.ndarray]:
    """The statistics of simulations ``indices`` (each from its own seed), in the order of ``indices``."""
    idx = [int(k) for k in indices]
    check_n_jobs(n_jobs)
    if n_jobs is None or n_jobs == 1 or len(idx) <= 1:
        return [_one(statistic, seed_list[k]) for k in idx]
    from joblib import Parallel, delayed

    out: list[np.ndarray] = Parallel(n_jobs=n_jobs, prefer="threads")(
        delayed(_one)(statistic, seed_list[k]) for k in idx
    )
    return out


def _one(statistic: Callable[[np.random.Generator], np.ndarray], seed: np.random.SeedSequence) -> np.ndarray:
    return np.asarray(statistic(np.random.default_rng(seed)), dtype=np.float64)


@dataclass
class MonteCarlo:
    """Simulated statistics and where each hotspot's test stopped.

    Attributes
    ----------
    stats : list of ndarray
        Per simulation run (in seed order), the statistic of every simulated cluster.
    stop : ndarray of int
        Per hotspot, the simulations its p-values use (``n_simulations`` when not settled early).
    p_bc : ndarray
        Per hotspot, Besag and Clifford's ``H / l_H`` when settled early, NaN otherwise.
    n_simulations : int
        Simulations asked for (``len(stats)`` may be fewer when every hotspot settled).
    """

    stats: list[np.ndarray]
    stop: np.ndarray
    p_bc: np.ndarray
    n_simulations: int

    @property
    def maxima(self) -> np.ndarray:
        return np.array([s.max(initial=0.0) for s in self.stats])


def _tol(observed: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1e-9 * np.maximum(1.0, np.abs(observed))  # ties count against the observed hotspot
    return out


def combine(
    observed: np.ndarray,
    stats: list[np.ndarray],
    n_simulations: int,
    *,
    alpha: float,
    sequential: bool = True,
) -> MonteCarlo:
    """Where each hotspot settles, given the statistics of the first ``len(stats)`` simulations (seed order).

    Depends only on the simulations' own statistics, not on how they were run: blocks run in any order on
    any workers and then combined give the same :class:`MonteCarlo`."""
    n_hot = len(observed)
    stop = np.full(n_hot, n_simulations, dtype=np.int64)
    p_bc = np.full(n_hot, np.nan)
    if not sequential or n_hot == 0:
        return MonteCarlo(list(stats), stop, p_bc, n_simulations)
    thr = observed - _tol(observed)
    c = np.zeros(n_hot, dtype=np.int64)
    n_ge = np.zeros(n_hot, dtype=np.int64)
    n_pool = 0
    l_h = np.zeros(n_hot, dtype=np.int64)
    open_ = np.ones(n_hot, dtype=bool)
    frozen = np.zeros(n_hot)  # pooled p-value of the settled hotspots
    for j, s in enumerate(stats):
        srt = np.sort(s)
        n_pool += len(srt)
        n_ge += len(srt) - np.searchsorted(srt, thr, side="left")
        hit = (srt[-1] if len(srt) else 0.0) >= thr
        c += hit
        l_h[(c == H) & hit & (l_h == 0)] = j + 1
        pooled_p = np.where(open_, (1.0 + n_ge) / (1.0 + n_pool), frozen)
        ready = open_ & (c >= H) & (n_ge >= H)
        # the q-values only matter for a hotspot that could stop now (most simulations have none)
        done = ready & (q_values(pooled_p) > alpha) if ready.any() else ready
        stop[done] = j + 1
        p_bc[done] = np.maximum(H / l_h[done], (1.0 + c[done]) / (j + 2.0))
        frozen[done] = pooled_p[done]
        open_ &= ~done
        if not open_.any():
            break
    return MonteCarlo(list(stats), stop, p_bc, n_simulations)


@dataclass
class Plan:
    """A Monte Carlo test to run in blocks elsewhere: what :func:`run` was asked under :func:`capture`.

    ``statistic`` and ``seed_list`` are what the simulations need (``statistic`` may hold the street network);
    ``observed``, ``n_simulations``, ``alpha`` and ``sequential`` are all the stopping rule reads.
    """

    statistic: Callable[[np.random.Generator], np.ndarray] | None
    seed_list: list[np.random.SeedSequence] = field(repr=False)
    observed: np.ndarray
    n_simulations: int
    alpha: float
    sequential: bool

    def blocks(self) -> list[range]:
        """The blocks of :data:`BLOCK` simulations :func:`run` checks the stopping rule after."""
        return [range(lo, min(lo + BLOCK, self.n_simulations)) for lo in range(0, self.n_simulations, BLOCK)]

    def simulate_block(self, block: range) -> list[np.ndarray]:
        """The statistics of one block's simulations, each from its own seed."""
        if self.statistic is None:
            raise ValueError("this plan was stripped of its statistic (Plan.summary)")
        return simulate(self.statistic, self.seed_list, block)

    def summary(self) -> Plan:
        """The plan without the statistic (the network) and the seeds: enough for :meth:`needed`."""
        return Plan(None, [], self.observed, self.n_simulations, self.alpha, self.sequential)

    def needed(self, stats: Sequence[np.ndarray]) -> bool:
        """Whether :func:`run` would simulate beyond the first ``len(stats)`` simulations (checked at block
        ends only, as :func:`run` checks)."""
        n = len(stats)
        if n >= self.n_simulations:
            return False
        if n % BLOCK:
            return True
        return not _all_settled(self.observed, list(stats), self.n_simulations, self.alpha, self.sequential)


class Captured(Exception):  # noqa: N818 - a signal that carries a result, not an error
    """Raised by :func:`run` under :func:`capture`, carrying the :class:`Plan` it was asked to run."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("Monte Carlo captured to run elsewhere")
        self.plan = plan


_CAPTURE = object()
_MODE: contextvars.ContextVar[Any] = contextvars.ContextVar("trygghet_montecarlo_mode", default=None)


@contextlib.contextmanager
def capture() -> Iterator[None]:
    """Within the block, :func:`run` raises :class:`Captured` with its :class:`Plan` instead of simulating."""
    token = _MODE.set(_CAPTURE)
    try:
        yield
    finally:
        _MODE.reset(token)


@contextlib.contextmanager
def provided(stats: dict[int, np.ndarray] | Sequence[np.ndarray]) -> Iterator[None]:
    """Within the block, :func:`run` takes simulation ``k``'s statistics from ``stats[k]`` (a sequence in seed
    order or a mapping by index) when a whole block is given, and simulates a block that is not."""
    given: dict[int, np.ndarray] = dict(stats.items()) if isinstance(stats, dict) else dict(enumerate(stats))
    token = _MODE.set(given)
    try:
        yield
    finally:
        _MODE.reset(token)


def _all_settled(
    observed: np.ndarray, stats: list[np.ndarray], n_simulations: int, alpha: float, sequential: bool
) -> bool:
    if not (sequential and len(observed)):
        return False
    return bool(np.isfinite(combine(observed, stats, n_simulations, alpha=alpha, sequential=True).p_bc).all())


def run(
    statistic: Callable[[np.random.Generator], np.ndarray],
    observed: np.ndarray,
    *,
    n_simulations: int,
    random_state: int | np.random.Generator | None,
    alpha: float,
    n_jobs: int | None = None,
    sequential: bool = True,
) -> MonteCarlo:
    """Run the simulations block by block until every hotspot is settled or ``n_simulations`` have run."""
    from tqdm.auto import tqdm

    seed_list = seeds(random_state, n_simulations)
    mode = _MODE.get()
    if mode is _CAPTURE:
        raise Captured(Plan(statistic, seed_list, np.asarray(observed), n_simulations, alpha, sequential))
    given: dict[int, np.ndarray] = mode if isinstance(mode, dict) else {}
    stats: list[np.ndarray] = []
    with tqdm(total=n_simulations, desc="Monte Carlo", disable=progress_disable(), leave=False) as bar:
        for lo in range(0, n_simulations, BLOCK):
            block = range(lo, min(lo + BLOCK, n_simulations))
            if all(k in given for k in block):
                stats += [np.asarray(given[k], dtype=np.float64) for k in block]
            else:
                stats += simulate(statistic, seed_list, block, n_jobs=n_jobs)
            bar.update(len(block))
            if _all_settled(observed, stats, n_simulations, alpha, sequential):
                break
    return combine(observed, stats, n_simulations, alpha=alpha, sequential=sequential)
