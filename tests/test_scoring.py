"""Directive 33 scoring: a case computed by hand, the demo year, and the options' behaviour.

The tiny framework (tests/fixtures/tiny): area a1 = x1 (%, 50 → 100) and x2 (days late, 60 → 0);
area a2 = y1 (count per commune, 0 → 4) and y2 (count per remote commune, 0 → 2, not applicable without one).
U1 has 10 communes, 2 remote; U2 5 communes, none remote; U3 4 communes, 1 remote.
"""


import numpy as np
import pandas as pd
import pytest

from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation.scoring import ScoringOptions, classify, rank, rebuild, recompose, score


@pytest.fixture(scope="module")
def ev(tiny):
    return score(*tiny, 2024)


def _row(ev, unit, year=2024):
    u = ev.units
    return u[(u["unit_code"] == unit) & (u["year"] == year)].iloc[0]


def test_scores_computed_by_hand(ev):
    u1 = _row(ev, "U1")
    # x1 = 90 → (90-50)/50 = 80; x2 = 15 days → (15-60)/(0-60) = 75; a1 = 77.5
    # y1 = 20 / 10 communes = 2 → 50; y2 = 3 / 2 remote communes = 1.5 → 75; a2 = 62.5; composite 70
    assert u1["a1"] == pytest.approx(77.5, abs=1e-12)
    assert u1["a2"] == pytest.approx(62.5, abs=1e-12)
    assert u1["composite"] == pytest.approx(70.0, abs=1e-12)
    assert u1["band"] == "tot"  # 70 is the lower bound of "Hoàn thành tốt nhiệm vụ"
    u2 = _row(ev, "U2")
    # x1 = 100 → 100; x2 = 90 days → clipped to 0; a1 = 50; y1 = 25/5 = 5 → clipped 100; y2 not applicable
    assert (u2["a1"], u2["a2"], u2["composite"]) == pytest.approx((50.0, 100.0, 75.0), abs=1e-12)
    assert u2["coverage"] == 1.0  # the not-applicable indicator leaves the weights without penalty


def test_missing_data_makes_an_area_insufficient_never_zero(ev):
    u3 = _row(ev, "U3")
    # a1 has only x1 (half of its weight < two-thirds): insufficient, and so is the composite
    assert np.isnan(u3["a1"]) and np.isnan(u3["composite"])
    assert u3["a2"] == pytest.approx(62.5, abs=1e-12)  # y1 = 4/4 = 1 → 25; y2 = 2/1 → 100
    assert pd.isna(u3["band"]) and pd.isna(u3["rank"])
    assert u3["coverage"] == pytest.approx(0.5)


def test_ranks_and_changes_since_last_year(ev):
    assert _row(ev, "U2")["rank"] == 1 and _row(ev, "U1")["rank"] == 2
    assert _row(ev, "U1")["n_ranked"] == 2
    # 2023: U1 scored 100 (rank 1), U2 0 (rank 2), U3 sent nothing (expected, unscored)
    assert _row(ev, "U1", 2023)["composite"] == pytest.approx(100.0)
    assert _row(ev, "U2", 2023)["band"] == "khong_hoan_thanh"
    assert np.isnan(_row(ev, "U3", 2023)["composite"])
    assert _row(ev, "U1")["composite_change"] == pytest.approx(-30.0)
    assert _row(ev, "U2")["composite_change"] == pytest.approx(75.0)
    assert _row(ev, "U1")["rank_change"] == -1 and _row(ev, "U2")["rank_change"] == 1


def test_indicator_table_keeps_raw_denominated_score_and_status(ev):
    ind = ev.of_year("indicators").set_index(["unit_code", "indicator_id"])
    assert ind.loc[("U1", "y1"), ["raw", "denominated", "score"]].tolist() == pytest.approx([20, 2, 50])
    assert ind.loc[("U2", "y2"), "status"] == "not_applicable" and np.isnan(ind.loc[("U2", "y2"), "score"])
    assert ind.loc[("U3", "x2"), "status"] == "missing" and np.isnan(ind.loc[("U3", "x2"), "score"])
    assert ind.loc[("U3", "y2"), "status"] == "reported"


def test_geometric_aggregation_by_hand(ev):
    g = rebuild(ev, aggregation="gmean")
    u1 = _row(g, "U1")
    a1, a2 = np.sqrt(80 * 75), np.sqrt(50 * 75)
    assert (u1["a1"], u1["a2"], u1["composite"]) == pytest.approx((a1, a2, np.sqrt(a1 * a2)), rel=1e-12)


def test_rebuild_gives_the_same_evaluation(ev):
    assert rebuild(ev) == ev
    assert rebuild(ev, aggregation="gmean") != ev


def test_imputation_previous_year_fills_missing_and_marks_it(tiny):
    obs, fw, reg = tiny
    obs = obs.copy()
    obs.loc[(obs["year"] == 2024) & (obs["unit_code"] == "U1") & (obs["indicator_id"] == "x1"), ["value", "status"]] = (
        np.nan, "missing")
    ev = score(obs, fw, reg, 2024, {"imputation": "previous"})
    ind = ev.of_year("indicators").set_index(["unit_code", "indicator_id"])
    assert ind.loc[("U1", "x1"), "status"] == "imputed"
    assert ind.loc[("U1", "x1"), "score"] == pytest.approx(100.0)  # 2023's value carried forward


def test_area_weights_change_the_composite(tiny):
    ev = score(*tiny, 2024, {"area_weights": {"a1": 3, "a2": 1}})
    assert _row(ev, "U1")["composite"] == pytest.approx((3 * 77.5 + 62.5) / 4)


def test_recompose_matches_scoring(ev, tiny):
    weights = {"a1": 2.0, "a2": 1.0}
    units = ev.of_year("units")
    fast = recompose(units.set_index("unit_code")[["a1", "a2"]], weights)
    slow = score(*tiny, 2024, {"area_weights": weights}).of_year("units").set_index("unit_code")
    assert np.allclose(fast["composite"], slow["composite"], equal_nan=True)
    assert fast["rank"].tolist() == slow["rank"].tolist()


def test_unknown_options_and_methods_are_errors():
    with pytest.raises(DanvanEvalError, match="normalization"):
        ScoringOptions.from_dict({"normalization": "minmax"})
    with pytest.raises(DanvanEvalError, match="nonsense"):
        ScoringOptions.from_dict({"aggregation": "nonsense"})


def test_classify_and_rank_ties():
    bands = pd.DataFrame({"code": ["a", "b", "c"], "min": [90, 50, 0]})
    s = pd.Series([90, 89.96, 89.94, 50, 0, np.nan])  # 89.96 reads 90,0: rated as shown
    assert classify(s, bands).tolist()[:5] == ["a", "a", "b", "b", "c"] and pd.isna(classify(s, bands).iloc[5])
    assert rank(pd.Series([70, 80, 80, np.nan, 10])).tolist()[:3] == [3, 1, 1]
    assert np.isnan(rank(pd.Series([70, np.nan])).iloc[1])


def test_demo_year_scores_every_expected_unit():
    from danvan_eval.evaluation.year import score_run
    from danvan_eval.model.runs import default_run_path, load_run

    scored = score_run(load_run(default_run_path(2024)))
    s = scored.tables["scores"]
    assert (s["kind"] == "district").sum() == 11
    assert s["composite"].between(0, 100).all()
    assert s.loc[s["unit_code"] == "546", "days_late"].iloc[0] == 8  # the planted late report
    trend = scored.tables["trend"]
    tp = trend[(trend["unit_code"] == "550") & (trend["year"] == 2023)].iloc[0]
    assert np.isnan(tp["a5"]) and np.isnan(tp["composite"])  # the planted whole-area gap


def test_an_unranked_unit_gets_no_rank_interval():
    from danvan_eval.evaluation.year import score_run
    from danvan_eval.model.runs import default_run_path, load_run

    s = score_run(load_run(default_run_path(2023))).tables["scores"].set_index("unit_code")
    assert pd.isna(s.loc["550", "rank"])  # the planted whole-area gap of 2023
    assert s.loc["550", ["rank_median", "rank_p05", "rank_p95"]].isna().all()
    ranked = s[s["rank"].notna()]
    assert (ranked["rank_p05"] <= ranked["rank_median"]).all() and (ranked["rank_median"] <= ranked["rank_p95"]).all()


def test_equal_shown_scores_share_the_rank_and_the_next_rank_skips():
    """83.84 and 83.76 both read "83,8": one rank (1), shared, marked tied; the next unit is 3rd, not 2nd."""
    from danvan_eval.evaluation import narrative
    from danvan_eval.formatting import number

    s = pd.Series([83.84, 83.76, 83.74, 90.04, np.nan], index=list("ABCDE"))
    assert [number(x) for x in s[:4]] == ["83,8", "83,8", "83,7", "90,0"]
    assert rank(s).tolist()[:4] == [2, 2, 4, 1] and np.isnan(rank(s)["E"])
    # within groups too, and recompose (the dashboard's trial weights) ranks the same way
    assert rank(pd.Series([83.84, 83.76, 50.0, 83.84]), pd.Series(["d", "d", "d", "s"])).tolist() == [1, 1, 3, 1]
    table = pd.DataFrame({"year": 2024, "kind": "district", "unit_code": list("ABCDE"), "rank": rank(s)})
    assert narrative.tied(table).tolist() == [True, True, False, False, False]
    assert [narrative.rank_label(r, t) for r, t in zip(table["rank"], narrative.tied(table))] == \
        ["2 (đồng hạng)", "2 (đồng hạng)", "4", "1", "—"]
    assert narrative.rank_label(2, True, "en", n=4) == "2/4 (tied)"
    # scores that read differently keep their own ranks, however close: 83,9 before 83,8
    assert rank(pd.Series([83.849, 83.851])).tolist() == [2, 1]
