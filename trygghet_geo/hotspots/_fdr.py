"""False discovery rate: the one Benjamini-Hochberg of the package.

Nothing here is public API. The hotspot test (:mod:`._significance`, its ``q_value``), the sequential
Monte Carlo's stopping rule (:mod:`._montecarlo`) and the space-time cube's hot and cold bins
(:mod:`._emerging`, :mod:`._emerging_null`) all adjust for testing many places at once the same way:
Benjamini & Hochberg (1995), by ``scipy.stats.false_discovery_control``.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import false_discovery_control

__all__ = ["q_values", "significant"]


def q_values(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values) of ``p``, any shape; NaN stays NaN."""
    p = np.asarray(p, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    has = np.isfinite(p)
    if has.any():
        out[has] = false_discovery_control(p[has], method="bh")
    return out


def significant(p: np.ndarray, alpha: float) -> np.ndarray:
    """True where ``p`` is significant at false discovery rate ``alpha`` (Benjamini-Hochberg over all of
    ``p``, any shape)."""
    q = q_values(p)
    out: np.ndarray = np.isfinite(q) & (q <= alpha)
    return out
