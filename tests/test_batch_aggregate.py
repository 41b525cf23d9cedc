"""The vectorised aggregation of a batch of draws: ranks as ``scoring.rank`` gives them."""

from __future__ import annotations

import numpy as np

from danvan_eval.engine import batch_aggregate as batch


def test_ranks_share_the_best_place_on_ties_and_skip_missing():
    got = batch.rank_draws(np.array([[3.0, 5.0, 5.0, np.nan, 1.0], [1.0, 1.0, 1.0, 1.0, 2.0]]))
    np.testing.assert_array_equal(got, [[3, 1, 1, np.nan, 4], [2, 2, 2, 2, 1]])
