"""Monte Carlo rank intervals: the fast path equals the slow, obvious one, draw by draw.

Reference: COINr's uncertainty analysis of its ASEM example (noisy weights ±25 % at levels 2 and 3, ranks per
draw, median and 5th/95th percentiles). The draws are written down by ``sample_draws`` (seeded); the expected
ranks of each draw come from ``coin.regen(coin, aggregate={"weights": w})``, COINr's ``Regen`` per replication.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from danvan_eval.engine import coin as C
from danvan_eval.engine import uncertainty as unc
from danvan_eval.engine.errors import EngineError

FIX = Path(__file__).parent / "fixtures" / "coinr_asem"
NOISY = {"weights": unc.UniformWeights({2: 0.25, 3: 0.25})}


# ---------------------------------------------------------------- the ASEM coins of COINr
@pytest.fixture(scope="module")
def asem() -> C.Coin:
    return C.read_coinr(FIX / "input_ASEM_iData.csv", FIX / "input_ASEM_iMeta.csv")


@pytest.fixture(scope="module")
def case_a(asem) -> C.Coin:
    """COINr ``build_example_coin()``: Denominate → Impute → Screen → Treat → minmax → amean."""
    c = C.impute(C.denominate(asem), method="i_mean_grp", by="EurAsia_group")
    c = C.treat(C.screen(c, dat_thresh=0.9), method="winsorise")
    return C.aggregate(C.normalise(c, method="minmax"))


@pytest.fixture(scope="module")
def case_b(asem) -> C.Coin:
    """Raw data with its missing cells → minmax → amean."""
    return C.aggregate(C.normalise(asem, method="minmax"))


def coinr_rank(scores: pd.Series) -> np.ndarray:
    """COINr's rank: of −score, ties "min", NaN unranked."""
    return scores.rank(method="min", ascending=False).to_numpy(float)


@pytest.mark.parametrize("case", ["case_a", "case_b"])
def test_noisy_weights_ranks_equal_coinr_regen_draw_by_draw(case, request):
    c = request.getfixturevalue(case)
    draws = unc.sample_draws(NOISY, 30, seed=20241125, coins=c)
    codes = [*c.meta.index[c.meta["level"] == 2], *c.meta.index[c.meta["level"] == 3]]
    assert list(draws.columns) == ["draw", *[f"weights:{k}" for k in codes]]
    w = draws.drop(columns="draw").to_numpy()
    assert ((w >= 0.75) & (w <= 1.25)).all()  # nominal weights are 1: ±25 %
    expected = np.array(
        [
            coinr_rank(
                C.regen(c, aggregate={"weights": {k: d[f"weights:{k}"] for k in codes}})["Aggregated"][
                    "Index"
                ]
            )
            for _, d in draws.iterrows()
        ]
    )
    sim = unc.simulate(c, NOISY, draws)
    np.testing.assert_array_equal(sim.ranks, expected)
    summary = unc.summarise(sim)
    for column, q in (("rank_p05", 5), ("rank_median", 50), ("rank_p95", 95)):
        np.testing.assert_array_equal(summary[column].to_numpy(), np.percentile(expected, q, axis=0))


def test_nominal_rank_is_coinr_published_rank(case_a):
    result = unc.run(case_a, NOISY, 50, seed=1)
    published = pd.read_csv(FIX / "caseA_default_results_Aggs.csv").set_index("uCode")["Rank"]
    np.testing.assert_array_equal(result.summary["rank"].to_numpy(), published.reindex(result.summary.index))
    assert result.ranks.shape == (50, 51) and result.draws.shape[0] == 50


def test_replicate_rebuilds_any_draw_exactly_as_the_fast_path(case_b):
    spec = {
        "weights": unc.DirichletWeights({1: 40.0, 2: 40.0}),
        "normalisation": unc.Alternatives(
            "normalise", {"minmax": {"method": "minmax"}, "zscore": {"method": "zscore", "m": 10}}
        ),
        "aggregation": unc.Alternatives(
            "aggregate",
            {
                "amean": {"method": "amean"},
                "gmean": {"method": "gmean"},
                "thresh": {"method": "amean", "dat_thresh": 0.75},
            },
        ),
    }
    draws = unc.sample_draws(spec, 12, seed=3, coins=case_b)
    sim = unc.simulate(case_b, spec, draws)
    for i in range(12):
        slow = unc.replicate(case_b, spec, draws, i)["Aggregated"]["Index"].reindex(sim.index)
        np.testing.assert_allclose(sim.scores[i], slow.to_numpy(), atol=1e-9, equal_nan=True)
        np.testing.assert_array_equal(sim.ranks[i], coinr_rank(slow))


def test_a_unit_that_dominates_every_indicator_ranks_first_in_every_draw():
    # positive scores only: a harmonic mean of z-scores (signs mixed) is not monotone
    rng = np.random.default_rng(0)
    rows = [f"U{i}" for i in range(8)]
    inds = [f"x{j}" for j in range(6)]
    raw = pd.DataFrame(rng.uniform(10, 90, (8, 6)), index=rows, columns=inds)
    raw.loc["U3"] = 95.0
    meta = pd.DataFrame(
        {
            "parent": ["A", "A", "A", "B", "B", "B", "T", "T", np.nan],
            "level": [1] * 6 + [2, 2, 3],
            "weight": 1.0,
            "direction": 1,
        },
        index=[*inds, "A", "B", "T"],
    )
    c = C.aggregate(C.normalise(C.new_coin(raw, meta), method="minmax"))
    spec = {
        "weights": unc.DirichletWeights({1: 2.0, 2: 2.0}),
        "normalisation": unc.Alternatives(
            "normalise",
            {
                "minmax": {"method": "minmax", "l": 1},
                "prank": {"method": "prank"},
                "rank": {"method": "rank"},
            },
        ),
        "aggregation": unc.Alternatives(
            "aggregate",
            {"amean": {"method": "amean"}, "gmean": {"method": "gmean"}, "hmean": {"method": "hmean"}},
        ),
    }
    result = unc.run(c, spec, 500, seed=9)
    assert (result.ranks["U3"] == 1).all()
    assert result.summary.loc["U3", ["rank_p05", "rank_median", "rank_p95", "p_ranked"]].tolist() == [
        1,
        1,
        1,
        1,
    ]


def test_same_seed_same_tables_other_seed_other_draws(case_b):
    spec = {
        **NOISY,
        "aggregation": unc.Alternatives("aggregate", {"a": {"method": "amean"}, "g": {"method": "gmean"}}),
    }
    one, two = unc.run(case_b, spec, 200, seed=5), unc.run(case_b, spec, 200, seed=5)
    for table in ("draws", "scores", "ranks", "summary"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    other = unc.run(case_b, spec, 200, seed=6)
    assert not other.draws.equals(one.draws)


# ---------------------------------------------------------------- bad input
def test_bad_choices_are_named(case_b):
    with pytest.raises(EngineError, match=r"1\.5 / Weight noise"):
        unc.sample_draws({"w": unc.UniformWeights({2: 1.5})}, 3, 0, case_b)
    with pytest.raises(EngineError, match="a:b"):
        unc.sample_draws({"a:b": unc.UniformWeights({2: 0.1})}, 3, 0, case_b)
    with pytest.raises(EngineError, match="cấp 7.*/.*level 7"):
        unc.sample_draws({"w": unc.UniformWeights({7: 0.1})}, 3, 0, case_b)
    two = {"n1": unc.Alternatives("normalise", {"a": {}}), "n2": unc.Alternatives("normalise", {"b": {}})}
    with pytest.raises(EngineError, match="normalise"):
        unc.sample_draws(two, 3, 0, case_b)


def test_band_of_rates_draws_at_the_precision_shown():
    from danvan_eval.engine.uncertainty import band_of

    bands = pd.DataFrame({"code": ["tot", "kha"], "min": [80, 0]})
    draws = np.array([[79.96, 79.94, 80.0]])
    assert band_of(draws, bands, 1).tolist() == [["tot", "kha", "tot"]]
    assert band_of(draws, bands).tolist() == [["kha", "kha", "tot"]]  # the engine alone compares exactly
