"""The vectorised aggregation of a batch of draws: ranks as ``scoring.rank`` gives them."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan_eval.engine import batch_aggregate as batch


def test_ranks_share_the_best_place_on_ties_and_skip_missing():
    got = batch.rank_draws(np.array([[3.0, 5.0, 5.0, np.nan, 1.0], [1.0, 1.0, 1.0, 1.0, 2.0]]))
    np.testing.assert_array_equal(got, [[3, 1, 1, np.nan, 4], [2, 2, 2, 2, 1]])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=1, max_size=50),
    st.integers(0, 3),
)
def test_round_like_python_is_round_to_the_bit(values, digits):
    got = batch.round_like_python(np.array(values), digits)
    expected = np.array([round(v, digits) for v in values], float)
    np.testing.assert_array_equal(got.view(np.int64), expected.view(np.int64))  # -0.0 and 0.0 told apart


def test_round_like_python_on_halves_that_scaling_rounds_wrong():
    values = np.array([[0.15, 0.25, 0.35, 2.675], [1.005, -0.05, -0.04, 83.85]])
    expected = np.array([[round(float(v), 1) for v in row] for row in values])  # numpy's float64 rounds as np.round
    np.testing.assert_array_equal(batch.round_like_python(values, 1).view(np.int64), expected.view(np.int64))
    assert not np.array_equal(np.round(values, 1), expected)  # what the plain numpy round would get wrong
