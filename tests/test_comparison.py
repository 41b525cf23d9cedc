"""Changes since last year on the same units: a group's change is computed on the units scored in both years."""

import math

import pandas as pd

from danvan_eval.evaluation.comparison import group_mean, paired_change


def frame(values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({"unit_code": list(values), "composite": list(values.values())})


def test_the_sign_case_over_a_changed_set_of_units():
    # A and B are scored in both years; C is new (or had no score) in 2024; D was scored in 2023 only; E has no
    # score this year. Means of each year's own units: 63,33 − 75,33 = −12 (a fall); on A and B alone the
    # group went from (70 + 66) / 2 = 68 to (80 + 60) / 2 = 70: a rise of 2.
    now = frame({"A": 80.0, "B": 60.0, "C": 50.0, "E": float("nan")})
    before = frame({"A": 70.0, "B": 66.0, "D": 90.0, "E": 40.0})
    assert group_mean(now["composite"]) - group_mean(before["composite"]) < 0
    paired = paired_change(now, before, "composite")
    assert (paired.n, paired.now, paired.before, paired.change) == (2, 70.0, 68.0, 2.0)


def test_no_unit_in_both_years_is_no_change():
    paired = paired_change(frame({"A": 80.0}), frame({"B": 70.0}), "composite")
    assert paired.n == 0 and math.isnan(paired.change)
    assert paired_change(frame({"A": 80.0}), None, "composite").n == 0
