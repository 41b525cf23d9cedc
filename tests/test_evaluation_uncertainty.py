"""Rank intervals of the Directive 33 evaluation (demo 2024): every draw equals ``scoring.rebuild`` of the same
options, weights and survey values; band shares per unit; the run file's settings; ``distinguishable``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from danvan_eval.engine import uncertainty as unc
from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation import uncertainty as evu
from danvan_eval.evaluation.scoring import score
from danvan_eval.evaluation.year import load_inputs
from danvan_eval.model.runs import default_run_path, load_run


# ---------------------------------------------------------------- the Directive 33 evaluation (demo 2024)
@pytest.fixture(scope="module")
def demo():
    run = load_run(default_run_path(2024))
    framework, registry, observations, _ = load_inputs(run)
    return score(observations, framework, registry, 2024, run.options)


def test_every_choice_of_the_demo_year_equals_scoring_rebuild(demo):
    """The fast path on the coins, draw by draw, against ``scoring.rebuild`` of the same options, weights and
    survey values: one draw of every combination of normalisation, imputation and aggregation."""
    spec = evu.evaluation_spec(demo)
    assert list(spec) == [
        "indicator_weights",
        "area_weights",
        "normalisation",
        "imputation",
        "aggregation",
        "survey",
    ]
    result = evu.rank_intervals(demo, 64, seed=4)
    firsts = result.draws.groupby(["normalisation", "imputation", "aggregation"])["draw"].first()
    assert len(firsts) == 8
    for i in firsts:
        slow = evu.replicate_evaluation(demo, spec, result.draws, i).of_year("units")
        keys = [unc.row_key((y, u)) for y, u in zip(slow["year"], slow["unit_code"])]
        np.testing.assert_allclose(
            result.scores.loc[i, keys].to_numpy(float), slow["composite"].to_numpy(float), atol=1e-9
        )
        np.testing.assert_array_equal(result.ranks.loc[i, keys].to_numpy(float), slow["rank"].to_numpy(float))


def test_survey_shares_are_drawn_from_their_binomial_given_n(demo):
    spec = {"survey": evu.survey_sizes(demo).pipe(unc.SurveyShares)}
    draws = unc.sample_draws(spec, 300, seed=2, coins=list(demo.coins.values()))
    obs = demo.observations
    reported = obs[(obs["indicator_id"] == "i4_satisfaction_pct") & (obs["status"] == "reported")]
    assert draws.shape[1] - 1 == len(reported)
    for r in reported.itertuples():
        col = draws[f"survey:i4_satisfaction_pct@{r.year}|{r.unit_code}"]
        counts = col * r.n / 100
        np.testing.assert_allclose(counts, np.round(counts), atol=1e-9)
        assert counts.between(0, r.n).all()
        assert abs(col.mean() - r.value) < 4 * np.sqrt(r.value * (100 - r.value) / r.n / 300) + 1e-9


def test_summary_has_intervals_and_band_shares_per_unit(demo):
    s = evu.rank_intervals(demo, 200, seed=8).summary
    units = demo.of_year("units")
    assert len(s) == len(units) and set(s["unit_code"]) == set(units["unit_code"])
    assert (s["rank_p05"] <= s["rank_median"]).all() and (s["rank_median"] <= s["rank_p95"]).all()
    shares = s[[c for c in s.columns if c.startswith("p_") and c != "p_ranked"]]
    assert list(shares.columns) == [
        "p_tot",
        "p_kha",
        "p_trung_binh",
        "p_yeu",
        "p_insufficient",
    ]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_a_normalisation_off_the_0_100_scale_is_refused(demo):
    with pytest.raises(DanvanEvalError, match="zscore.*/.*zscore"):
        evu.evaluation_spec(demo, normalisation=("goalposts", "zscore"))


# ---------------------------------------------------------------- settings
def test_settings_from_a_run_file_block():
    s = evu.UncertaintySettings.from_mapping({"draws": 10, "seed": 3, "aggregation": ["amean"]})
    assert (s.draws, s.seed, s.aggregation, s.normalisation) == (10, 3, ("amean",), ("goalposts", "minmax"))
    with pytest.raises(DanvanEvalError, match="draw.*/.*Unknown keys"):
        evu.UncertaintySettings.from_mapping({"draw": 10})
    with pytest.raises(DanvanEvalError, match=r"\['draws', 'aggregation'\]"):
        evu.UncertaintySettings.from_mapping({"draws": -1, "aggregation": ["mean"]})


# ---------------------------------------------------------------- distinguishable
INTERVALS = pd.DataFrame(
    {
        "unit_code": ["A", "B", "C", "D", "E", "F"],
        "kind": ["district"] * 5 + ["department"],
        "rank_p05": [1, 5, 2, 4, np.nan, 1],
        "rank_p95": [2, 8, 4, 4, np.nan, 3],
    }
)


@pytest.mark.parametrize(
    ("a", "b", "overlap", "expected"),
    [
        ("A", "B", 0.5, True),  # disjoint
        ("C", "D", 0.5, False),  # D's single place lies inside C: all of the shorter interval is shared
        ("A", "C", 0.5, False),  # one place of two shared: heavy overlap at 0.5
        ("A", "C", 0.6, True),
        ("A", "C", 0.0, False),  # overlap 0: only disjoint intervals
        ("B", "D", 0.0, True),
        ("A", "E", 0.5, False),  # E has no interval
    ],
)
def test_distinguishable(a, b, overlap, expected):
    assert evu.distinguishable(INTERVALS, a, b, overlap=overlap) is expected


def test_distinguishable_refuses_other_peer_groups_and_unknown_units():
    with pytest.raises(DanvanEvalError, match="F"):
        evu.distinguishable(INTERVALS, "A", "F")
    with pytest.raises(DanvanEvalError, match="Z"):
        evu.distinguishable(INTERVALS, "A", "Z")
