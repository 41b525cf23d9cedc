"""Properties of the engine on random indices (hypothesis): bounds, monotonicity, invariances."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan_eval.engine import coin as C

FAST = settings(max_examples=60, deadline=None)

CODES = ["i1", "i2", "i3", "i4", "i5"]
value = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
cell = st.one_of(value, value, value, st.just(np.nan))  # about a quarter missing


@st.composite
def index_cases(draw):
    """A two-area tree over five indicators, random directions, weights, goalposts and data with gaps."""
    n = draw(st.integers(3, 10))
    data = {c: draw(st.lists(cell, min_size=n, max_size=n)) for c in CODES}
    raw = pd.DataFrame(data, index=[f"u{i}" for i in range(n)])
    directions = draw(st.lists(st.sampled_from([1, -1]), min_size=5, max_size=5))
    weights = draw(st.lists(st.floats(0.1, 10), min_size=7, max_size=7))
    lo = draw(st.lists(st.floats(-500, 0), min_size=5, max_size=5))
    span = draw(st.lists(st.floats(1, 1000), min_size=5, max_size=5))
    lo_, hi_ = np.array(lo), np.array(lo) + np.array(span)
    flip = np.array(directions) < 0  # goalposts: lower is better means lo > hi
    lo_[flip], hi_[flip] = hi_[flip], lo_[flip].copy()
    meta = pd.DataFrame(
        {
            "parent": ["A", "A", "A", "B", "B", "index", "index", None],
            "level": [1, 1, 1, 1, 1, 2, 2, 3],
            "weight": weights + [1.0],
            "direction": directions + [1, 1, 1],
            "lo": list(lo_) + [np.nan] * 3,
            "hi": list(hi_) + [np.nan] * 3,
        },
        index=CODES + ["A", "B", "index"],
    )
    method = draw(st.sampled_from(["goalposts", "minmax"]))
    return raw, meta, method


def score(raw: pd.DataFrame, meta: pd.DataFrame, method: str, **agg) -> pd.DataFrame:
    return C.aggregate(C.normalise(C.new_coin(raw, meta), method=method), method="amean", **agg)["Aggregated"]


@FAST
@given(index_cases())
def test_scores_stay_within_0_and_100(case):
    raw, meta, method = case
    out = score(raw, meta, method).to_numpy()
    present = out[~np.isnan(out)]
    assert ((present >= -1e-9) & (present <= 100 + 1e-9)).all()


@FAST
@given(index_cases(), st.sampled_from(CODES), st.integers(0, 9), st.floats(0.5, 500))
def test_index_moves_with_each_indicator_in_its_direction(case, code, row, step):
    raw, meta, method = case
    unit = raw.index[row % len(raw)]
    if np.isnan(raw.at[unit, code]):
        return
    better = raw.copy()
    better.at[unit, code] += step * meta.at[code, "direction"]  # an improvement, whatever the direction
    before, after = score(raw, meta, method)["index"], score(better, meta, method)["index"]
    if np.isnan(before[unit]) or np.isnan(after[unit]):
        return  # min-max of a column that was constant: undefined either way
    assert after[unit] >= before[unit] - 1e-9


@FAST
@given(index_cases(), st.randoms(use_true_random=False))
def test_invariant_to_unit_order(case, rnd):
    raw, meta, method = case
    order = list(raw.index)
    rnd.shuffle(order)
    a = score(raw, meta, method)
    b = score(raw.loc[order], meta, method).loc[a.index]
    pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=1e-9)


@FAST
@given(index_cases(), st.floats(1e-3, 1e3))
def test_invariant_to_scaling_all_weights(case, factor):
    raw, meta, method = case
    scaled = meta.assign(weight=meta["weight"] * factor)
    a = score(raw, meta, method)
    b = score(raw, scaled, method)
    pd.testing.assert_frame_equal(a, b, rtol=1e-9, atol=1e-9)
    wmap = (meta["weight"] * factor).to_dict()  # the same through the weights override, with thresholds
    c = score(raw, meta, method, weights=wmap, dat_thresh=0.5, weight_thresh=0.5)
    d = score(raw, meta, method, dat_thresh=0.5, weight_thresh=0.5)
    pd.testing.assert_frame_equal(c, d, rtol=1e-9, atol=1e-9)
