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
from danvan_eval.evaluation.scoring import rebuild, score
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


def test_tables_simulated_together_equal_each_simulated_alone(demo):
    """``simulate_evaluations`` replays each data variant once for several draws tables (the run's rank
    intervals and Sobol design): every table's scores and ranks are those of its own simulation, to the bit."""
    from danvan_eval.evaluation.audit import sensitivity_design

    spec = evu.evaluation_spec(demo)
    tables = [
        unc.sample_draws(spec, 40, seed=5, coins=list(demo.coins.values())),
        sensitivity_design(demo, spec, 6, 5),
    ]
    together = evu.simulate_evaluations(demo, spec, tables)
    for table, sims in zip(tables, together):
        alone = evu.simulate_evaluation(demo, spec, table)
        assert list(sims) == list(alone)
        for kind, sim in sims.items():
            assert sim.index.equals(alone[kind].index)
            np.testing.assert_array_equal(sim.scores, alone[kind].scores)
            np.testing.assert_array_equal(sim.ranks, alone[kind].ranks)


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
    shares = s[[c for c in s.columns if c.startswith("p_") and c not in ("p_ranked", "p_level")]]
    assert list(shares.columns) == [
        "p_tot",
        "p_kha",
        "p_trung_binh",
        "p_yeu",
        "p_insufficient",
    ]
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)


def test_level_probabilities_ignore_the_relative_scale_draws(tiny):
    """Tiny 2024: U1 scores 70.0 on goalposts (Good, the band's lower edge) and 51.7 under min-max (the best
    unit of each indicator set to 100, the worst to 0): half of the draws would put it in Satisfactory. Only the
    goalposts draws count for its level, so it is Good in all of them and stable; its ranks count every draw."""
    obs, fw, reg = tiny
    ev = score(obs, fw, reg, 2024)
    spec = evu.evaluation_spec(ev, weight_noise=0, imputation=("none",), aggregation=("amean",), survey=False)
    assert list(spec) == ["normalisation"]
    result = evu.rank_intervals(ev, 40, seed=1, spec=spec)
    minmax = (result.draws["normalisation"] == "minmax").to_numpy()
    assert 0 < minmax.sum() < 40
    u1 = result.scores[unc.row_key((2024, "U1"))].to_numpy()
    np.testing.assert_allclose(u1[~minmax], 70.0)
    np.testing.assert_allclose(u1[minmax], 51.666667, atol=1e-6)  # the level the relative draws would give
    row = result.summary.set_index("unit_code").loc["U1"]
    assert row["n_level_draws"] == (~minmax).sum()
    assert (row["p_tot"], row["p_hoan_thanh"], row["p_level"]) == (1.0, 0.0, 1.0)
    assert row["composite_p05"] == row["composite_p95"] == 70.0
    assert bool(row["level_stable"]) is True
    u3 = result.summary.set_index("unit_code").loc["U3"]  # no composite: no level, no stability
    assert np.isnan(u3["p_level"]) and pd.isna(u3["level_stable"])


def test_without_absolute_draws_there_is_no_level_probability(tiny):
    obs, fw, reg = tiny
    ev = rebuild(score(obs, fw, reg, 2024), normalisation="minmax")
    spec = evu.evaluation_spec(
        ev, weight_noise=0.2, normalisation=("minmax",), imputation=("none",), aggregation=("amean",), survey=False
    )
    s = evu.rank_intervals(ev, 20, seed=2, spec=spec).summary.set_index("unit_code")
    assert (s["n_level_draws"] == 0).all() and s["p_tot"].isna().all() and s["level_stable"].isna().all()
    assert s.loc["U1", "rank_p05"] >= 1  # ranks still drawn


def test_level_stable_at_the_threshold_of_the_framework():
    """Hand-checked: a level is stable when at least the threshold share of the absolute draws gives it."""
    summary = pd.DataFrame(
        {"p_tot": [0.9, 0.05, 0.0, 0.0], "p_kha": [0.1, 0.85, 0.0, 1.0], "p_insufficient": [0, 0.1, 1.0, 0]},
        index=["A", "B", "C", "D"],
    )
    band = pd.Series({"A": "tot", "B": "kha", "C": np.nan, "D": "kha"})
    out = evu.level_stability(summary, band, 0.9)
    np.testing.assert_allclose(out["p_level"], [0.9, 0.85, np.nan, 1.0])
    assert out["level_stable"].tolist() == [True, False, pd.NA, True]
    assert evu.level_stability(summary, band, 0.8)["level_stable"].tolist() == [True, True, pd.NA, True]


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
