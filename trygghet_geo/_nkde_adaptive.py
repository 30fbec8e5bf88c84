"""Adaptive bandwidths for :func:`trygghet_geo.density.network_kde`: Abramson's square-root law.

Nothing here is public API. A fixed bandwidth ``h0`` first gives a pilot density ``f_i`` at every event
(its own kernel included, as spNetwork's ``adaptive_bw`` does); each event then gets its own bandwidth

    h_i = h0 · f_i^(-1/2) / γ,   γ = the geometric mean of f^(-1/2) over the events,

trimmed at ``trim_bw`` (spNetwork's ``trim_bw``): kernels are narrow where events are dense, so a place
becomes a sharp peak, and wide where they are sparse, so chance clumps of the background are smoothed out.

The engine (:mod:`trygghet_geo._nkde`) sums one bandwidth at a time (its moment prefix sums are scaled by the
bandwidth), so the bandwidths are rounded to a geometric grid of quarter octaves (factors 2^(k/4), a
relative error of at most 9 %) and each class of events is summed in its own pass. The classes are also
bounded below by ``h0 / 8``. The rounding is one approximation: each event's kernel still integrates to 1
(or loses what the method loses at dead ends and the depth limit) at its own rounded bandwidth. The other:
the pilot is evaluated at the centres of the lixels (when they are at most ``h0 / 2`` long) and each event
takes the value of its lixel, which is within ``lixel_m / 2`` of it; a pilot smoothed over ``h0`` changes
little over that distance, and it costs one pass over the lixels instead of one over every event.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_STEPS_PER_OCTAVE = 4
TRIM_FACTOR = 1.0  # trim_bw when none is given, in global bandwidths
_MIN_FACTOR_LOG2 = -3.0  # the narrowest class is h0 / 8

#: sums(edge, offset, h, mask) -> (kernel sums per metre, counts) of the events in ``mask`` at bandwidth h
SumFn = Callable[[np.ndarray, np.ndarray, float, np.ndarray], tuple[np.ndarray, np.ndarray]]


def abramson(pilot: np.ndarray, h0: float, trim_bw: float) -> np.ndarray:
    """Per-event bandwidths from the pilot densities at the events (Abramson, trimmed, rounded)."""
    f = np.asarray(pilot, dtype=float)
    f = np.where(f > 0, f, np.min(f[f > 0]) if np.any(f > 0) else 1.0)
    inv = f**-0.5
    gamma = float(np.exp(np.mean(np.log(inv))))
    h = np.minimum(h0 * inv / gamma, trim_bw)
    return rounded(h, h0, trim_bw)


def rounded(h: np.ndarray, h0: float, trim_bw: float) -> np.ndarray:
    """Bandwidths rounded to the quarter-octave grid around ``h0`` (never above ``trim_bw``)."""
    k = np.round(np.log2(np.asarray(h, dtype=float) / h0) * _STEPS_PER_OCTAVE) / _STEPS_PER_OCTAVE
    out = h0 * np.exp2(np.maximum(k, _MIN_FACTOR_LOG2))
    return np.minimum(out, trim_bw)


def on_pieces(edge: np.ndarray, off: np.ndarray, p_edge: np.ndarray, p_from: np.ndarray) -> np.ndarray:
    """For each position (edge, offset), the index of the piece (``p_edge``, starting at ``p_from``) of the
    same edge that holds it: the one with the largest start at or before the offset."""
    span = float(max(np.max(p_from, initial=0.0), np.max(off, initial=0.0))) + 1.0
    key = p_edge.astype(float) * span + p_from
    order = np.argsort(key, kind="stable")
    pos = np.searchsorted(key[order], edge.astype(float) * span + off, side="right") - 1
    out: np.ndarray = order[np.clip(pos, 0, len(order) - 1)]
    return out


def class_sums(
    sums: SumFn, edge: np.ndarray, off: np.ndarray, hs: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Kernel sums and counts at the sample points (edge, off), each class of equal bandwidth in one pass."""
    dens = np.zeros(len(edge))
    count = np.zeros(len(edge))
    for h in np.unique(hs):
        d, c = sums(edge, off, float(h), hs == h)
        dens += d
        count += c
    return dens, count
