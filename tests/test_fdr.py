"""The one Benjamini-Hochberg (``hotspots._fdr``) against the step-up rule written out."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from trygghet_geo.hotspots._fdr import q_values, significant


def _step_up(p: np.ndarray, alpha: float) -> np.ndarray:
    """Benjamini & Hochberg (1995): reject the k smallest, k the largest with p_(k) <= k alpha / m."""
    order = np.sort(p)
    m = len(p)
    ks = [k for k in range(1, m + 1) if order[k - 1] <= k * alpha / m]
    return p <= order[max(ks) - 1] if ks else np.zeros(m, bool)


@given(
    st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40),
    st.sampled_from([0.01, 0.05, 0.1]),
)
def test_significant_is_the_step_up_rule(ps, alpha):
    p = np.array(ps)
    # the rule compares p with k alpha / m, the q-value p m / k with alpha: they may differ in the last bit
    # at an exact tie; such p are nudged off it
    q = q_values(p)
    edge = np.isclose(q, alpha, rtol=1e-12, atol=0)
    np.testing.assert_array_equal(significant(p, alpha)[~edge], _step_up(p, alpha)[~edge])


def test_q_values_keep_shape_and_missing_values():
    p = np.array([[0.001, np.nan], [0.04, 0.5]])
    q = q_values(p)
    assert q.shape == (2, 2)
    assert np.isnan(q[0, 1])
    np.testing.assert_allclose(q[~np.isnan(q)], [0.003, 0.06, 0.5])
    np.testing.assert_array_equal(significant(p, 0.05), [[True, False], [False, False]])
    assert not significant(np.array([np.nan]), 0.05).any()
