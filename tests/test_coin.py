"""The composite-index engine on tiny cases computed by hand: verbs, methods, thresholds, regen."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from danvan_eval.engine import coin as C
from danvan_eval.engine import methods as M
from danvan_eval.engine.errors import EngineError

NAN = np.nan


@pytest.fixture
def meta() -> pd.DataFrame:
    """i1 (+), i2 (−) → A; i3 (+) → B; A (weight 1), B (weight 3) → index."""
    return pd.DataFrame(
        {
            "parent": ["A", "A", "B", "index", "index", None],
            "level": [1, 1, 1, 2, 2, 3],
            "weight": [1.0, 1.0, 1.0, 1.0, 3.0, 1.0],
            "direction": [1, -1, 1, 1, 1, 1],
            "lo": [0.0, 10.0, 0.0, NAN, NAN, NAN],
            "hi": [10.0, 0.0, 4.0, NAN, NAN, NAN],
            "target": [8.0, 0.0, 6.0, NAN, NAN, NAN],
        },
        index=pd.Index(["i1", "i2", "i3", "A", "B", "index"], name="code"),
    )


@pytest.fixture
def raw() -> pd.DataFrame:
    return pd.DataFrame(
        {"i1": [0.0, 5.0, 10.0, NAN], "i2": [10.0, 0.0, 5.0, 5.0], "i3": [2.0, 4.0, 6.0, 8.0]},
        index=pd.Index(["u1", "u2", "u3", "u4"], name="unit"),
    )


@pytest.fixture
def groups(raw) -> pd.DataFrame:
    return pd.DataFrame({"grp": ["a", "a", "b", "b"], "pop": [2.0, 4.0, 0.0, 1.0]}, index=raw.index)


def na_mask(raw: pd.DataFrame, cells: list[tuple[str, str]]) -> pd.DataFrame:
    mask = pd.DataFrame(False, index=raw.index, columns=raw.columns)
    for unit, code in cells:
        mask.loc[unit, code] = True
    return mask


def built(raw, meta, **agg) -> C.Coin:
    return C.aggregate(C.normalise(C.new_coin(raw, meta), method="minmax"), **agg)


# ---------------------------------------------------------------- structure
def test_new_coin_rejects_bad_structure(raw, meta):
    with pytest.raises(EngineError):
        C.new_coin(raw, meta.drop(columns="weight"))
    with pytest.raises(EngineError):
        C.new_coin(raw, meta.assign(parent=meta["parent"].fillna("nowhere")))
    with pytest.raises(EngineError):
        C.new_coin(raw.drop(columns="i3"), meta)
    two_roots = meta.copy()
    two_roots.loc["B", "parent"] = None
    with pytest.raises(EngineError):
        C.new_coin(raw, two_roots)


def test_unknown_data_set_is_a_named_error(raw, meta):
    with pytest.raises(EngineError, match="Treated"):
        C.new_coin(raw, meta)["Treated"]


def test_verbs_return_a_new_coin(raw, meta):
    c0 = C.new_coin(raw, meta)
    c1 = C.normalise(c0)
    assert list(c0.data) == ["Raw"] and c0.log == ()
    assert list(c1.data) == ["Raw", "Normalised"] and c1.log[0].verb == "normalise"


def test_default_inputs_follow_the_pipeline(raw, meta, groups):
    c = C.denominate(C.new_coin(raw, meta, groups))
    c = C.impute(c, method="i_mean")
    c = C.screen(c)
    c = C.treat(c)
    c = C.normalise(c)
    c = C.aggregate(c)
    assert [s.dset for s in c.log] == ["Raw", "Denominated", "Imputed", "Screened", "Treated", "Normalised"]


# ---------------------------------------------------------------- regen
def test_regen_equals_the_coin(raw, meta, groups):
    c = C.denominate(C.new_coin(raw, meta, groups))
    c = C.aggregate(C.normalise(C.treat(C.impute(c, method="i_mean"), method="winsorise")), dat_thresh=0.5)
    assert C.regen(c) == c


def test_regen_with_one_change_equals_building_with_it(raw, meta):
    c = built(raw, meta)
    direct = C.aggregate(C.normalise(C.new_coin(raw, meta), method="zscore"))
    again = C.regen(c, normalise={"method": "zscore"})
    assert again == direct
    assert not again["Aggregated"].equals(c["Aggregated"])
    assert again.log[0].args["method"] == "zscore"


def test_regen_refuses_a_step_not_in_the_log(raw, meta):
    with pytest.raises(EngineError):
        C.regen(built(raw, meta), treat={"method": "winsorise"})


# ---------------------------------------------------------------- denominate, impute, screen
def test_denominate_divides_and_a_zero_denominator_gives_missing(raw, meta, groups):
    c = C.denominate(
        C.new_coin(raw, meta.assign(denominator=[None, None, "pop", None, None, None]), groups), scale=10
    )
    assert c["Denominated"]["i3"].tolist()[:2] == [10.0, 10.0]
    assert np.isnan(c["Denominated"].loc["u3", "i3"])  # pop 0: not infinity
    assert c["Denominated"].loc["u4", "i3"] == 80.0
    pd.testing.assert_series_equal(c["Denominated"]["i1"], raw["i1"])


def test_denominate_without_the_group_column_is_an_error(raw, meta):
    c = C.new_coin(raw, meta.assign(denominator=[None, None, "pop", None, None, None]))
    with pytest.raises(EngineError, match="pop"):
        C.denominate(c)


def test_impute_methods(raw, meta, groups):
    base = C.new_coin(raw, meta, groups)
    assert np.isnan(C.impute(base, method="none")["Imputed"].loc["u4", "i1"])
    assert C.impute(base, method="i_mean")["Imputed"].loc["u4", "i1"] == 5.0  # mean(0, 5, 10)
    assert C.impute(base, method="i_mean_grp", by="grp")["Imputed"].loc["u4", "i1"] == 10.0  # group b: u3


def test_impute_leaves_not_applicable_cells_empty(raw, meta):
    c = C.impute(C.new_coin(raw, meta, not_applicable=na_mask(raw, [("u4", "i1")])), method="i_mean")
    assert np.isnan(c["Imputed"].loc["u4", "i1"])


def test_impute_previous_carries_the_unit_forward():
    idx = pd.MultiIndex.from_tuples([(2023, "x"), (2024, "x"), (2023, "y"), (2024, "y")])
    df = pd.DataFrame({"i1": [1.0, NAN, NAN, 4.0]}, index=idx)
    groups = pd.DataFrame({"year": [2023, 2024, 2023, 2024], "unit_code": ["x", "x", "y", "y"]}, index=idx)
    out = M.i_previous(df, groups)
    assert out["i1"].tolist()[:2] == [1.0, 1.0]
    assert np.isnan(out.loc[(2023, "y"), "i1"])  # nothing earlier to carry


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_impute_previous_is_the_forward_fill_of_each_unit_in_year_order(data):
    """The vectorised carry-forward equals pandas' ``groupby(unit).ffill`` over the rows sorted by year, to the
    bit (a row without a unit is left as it is grouped: missing)."""
    n = data.draw(st.integers(0, 25))
    units = data.draw(st.lists(st.sampled_from(["a", "b", "c", None]), min_size=n, max_size=n))
    years = data.draw(st.lists(st.integers(2021, 2025), min_size=n, max_size=n))
    cells = st.one_of(st.just(NAN), st.floats(-1e6, 1e6, allow_nan=False))
    x = data.draw(st.lists(st.lists(cells, min_size=2, max_size=2), min_size=n, max_size=n))
    idx = pd.Index([f"r{i}" for i in range(n)])
    df = pd.DataFrame(np.array(x, float).reshape(n, 2), index=idx, columns=["i1", "i2"])
    groups = pd.DataFrame({"year": years, "unit_code": pd.array(units, dtype=object)}, index=idx)
    positions = np.argsort(groups["year"].to_numpy(), kind="stable")
    expected = df.iloc[positions].groupby(groups["unit_code"].to_numpy()[positions], sort=False).ffill()
    pd.testing.assert_frame_equal(M.i_previous(df, groups), expected.loc[df.index])


def test_screen_threshold_and_not_applicable(raw, meta):
    c = C.new_coin(raw, meta)
    assert list(C.screen(c, dat_thresh=0.9)["Screened"].index) == ["u1", "u2", "u3"]  # u4: 2/3
    assert list(C.screen(c, dat_thresh=2 / 3)["Screened"].index) == ["u1", "u2", "u3", "u4"]
    masked = C.new_coin(raw, meta, not_applicable=na_mask(raw, [("u4", "i1")]))
    assert "u4" in C.screen(masked, dat_thresh=1.0)["Screened"].index  # 2 of 2 applicable


def test_screened_units_leave_the_later_data_sets(raw, meta, groups):
    c = C.aggregate(C.normalise(C.screen(C.new_coin(raw, meta, groups), dat_thresh=0.9)))
    assert list(c["Aggregated"].index) == ["u1", "u2", "u3"]
    assert c["Normalised"]["i3"].tolist() == [0.0, 50.0, 100.0]  # min-max over the kept units only


# ---------------------------------------------------------------- normalisation
def test_minmax_applies_the_direction(raw, meta):
    n = C.normalise(C.new_coin(raw, meta), method="minmax")["Normalised"]
    assert n["i1"].tolist()[:3] == [0.0, 50.0, 100.0] and np.isnan(n.loc["u4", "i1"])
    assert n["i2"].tolist() == [0.0, 100.0, 50.0, 50.0]  # lower is better
    n1 = C.normalise(C.new_coin(raw, meta), method="minmax", l=1, u=100)["Normalised"]
    assert n1["i2"].tolist() == [1.0, 100.0, 50.5, 50.5]


def test_goalposts_clip_and_flip(raw, meta):
    n = C.normalise(C.new_coin(raw, meta), method="goalposts")["Normalised"]
    assert n["i1"].tolist()[:3] == [0.0, 50.0, 100.0]
    assert n["i2"].tolist() == [0.0, 100.0, 50.0, 50.0]  # lo 10 → 0, hi 0 → 100
    assert n["i3"].tolist() == [50.0, 100.0, 100.0, 100.0]  # clipped at hi = 4


def test_goalposts_clip_as_dataframe_clip_to_the_bit():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.uniform(-50, 150, (40, 3)), columns=["a", "b", "c"])
    df.iloc[::7, 1] = NAN
    df.iloc[3] = [0.0, 100.0, 40.0]  # on the goalposts: 0/(−100) is −0.0, kept as clip keeps it
    meta = pd.DataFrame({"lo": [0.0, 100.0, 20.0], "hi": [100.0, 0.0, 60.0]}, index=df.columns)
    for l, u in ((0.0, 100.0), (-0.0, 1.0)):
        expected = ((df - meta["lo"]) / (meta["hi"] - meta["lo"])).clip(0.0, 1.0) * (u - l) + l
        got = M.n_goalposts(df, meta, l, u)
        pd.testing.assert_frame_equal(got, expected)
        assert np.array_equal(np.signbit(got.to_numpy()), np.signbit(expected.to_numpy()))


def test_zscore_prank_rank_target(raw, meta):
    c = C.new_coin(raw, meta)
    z = C.normalise(c, method="zscore", m=10, s=2)["Normalised"]["i3"]
    sd = np.std([2, 4, 6, 8], ddof=1)
    assert np.allclose(z, [10 + 2 * (v - 5) / sd for v in (2, 4, 6, 8)])
    p = C.normalise(c, method="prank")["Normalised"]
    assert p["i2"].tolist() == [0.0, 1.0, 1 / 3, 1 / 3]  # −x = −10, 0, −5, −5; ties share the lower rank
    assert p["i1"].tolist()[:3] == [0.0, 0.5, 1.0]
    r = C.normalise(c, method="rank")["Normalised"]["i2"]
    assert r.tolist() == [1.0, 4.0, 2.0, 2.0]
    t = C.normalise(c, method="target")["Normalised"]
    assert t["i1"].tolist()[:3] == [0.0, 62.5, 100.0]  # (x − 0)/(8 − 0), capped
    assert t["i2"].tolist() == [0.0, 100.0, 50.0, 50.0]  # (max − x)/(max − target), COINr direction −1


def test_normalise_within_groups(raw, meta, groups):
    n = C.normalise(C.new_coin(raw, meta, groups), method="minmax", by="grp")["Normalised"]
    assert n["i3"].tolist() == [0.0, 100.0, 0.0, 100.0]


# ---------------------------------------------------------------- aggregation
def test_amean_by_hand(raw, meta):
    agg = built(raw, meta)["Aggregated"]
    assert agg["A"].tolist() == [0.0, 75.0, 75.0, 50.0]  # u4: i1 missing, mean of i2 only (not of 0 and 50)
    assert np.allclose(agg["index"], [0.0, 43.75, 68.75, 87.5])  # (A + 3·B) / 4


def test_gmean_hmean_by_hand():
    x = np.array([[4.0, 9.0], [2.0, 6.0], [NAN, 5.0], [NAN, NAN], [0.0, 7.0]])
    w = np.array([1.0, 1.0])
    assert np.allclose(M.a_gmean(x, w)[:3], [6.0, np.sqrt(12), 5.0])
    assert np.allclose(M.a_hmean(x, w)[:3], [2 * 36 / 13, 3.0, 5.0])
    assert np.isnan(M.a_gmean(x, w)[3]) and np.isnan(M.a_hmean(x, w)[3]) and np.isnan(M.a_amean(x, w)[3])
    assert M.a_gmean(x, w)[4] == 0.0
    assert np.allclose(M.a_amean(x, np.array([1.0, 3.0]))[:3], [7.75, 5.0, 5.0])


def test_method_per_level(raw, meta):
    agg = built(raw, meta, method={2: "gmean", 3: "amean"})["Aggregated"]
    assert np.isclose(agg.loc["u3", "A"], np.sqrt(100 * 50))
    assert np.isclose(agg.loc["u3", "index"], (np.sqrt(5000) + 3 * 200 / 3) / 4)


def test_weights_override(raw, meta):
    agg = built(raw, meta, weights={"B": 1.0})["Aggregated"]
    assert np.allclose(agg["index"], [0.0, (75 + 100 / 3) / 2, (75 + 200 / 3) / 2, 75.0])


def test_dat_thresh(raw, meta):
    agg = built(raw, meta, dat_thresh=0.75)["Aggregated"]
    assert np.isnan(agg.loc["u4", "A"])  # 1 of 2 children
    assert np.isnan(agg.loc["u4", "index"])  # then 1 of 2 again
    per_level = built(raw, meta, dat_thresh={2: 0.75})["Aggregated"]
    assert per_level.loc["u4", "index"] == 100.0  # level 3 has no threshold: B alone


def test_weight_thresh(raw, meta):
    agg = built(raw, meta, weights={"i1": 2.0}, weight_thresh=2 / 3)["Aggregated"]
    assert np.isnan(agg.loc["u4", "A"])  # present weight 1 of 3
    agg = built(raw, meta, weights={"i2": 2.0}, weight_thresh=2 / 3)["Aggregated"]
    assert agg.loc["u4", "A"] == 50.0  # present weight 2 of 3: exactly the threshold passes


def test_not_applicable_leaves_the_weights(raw, meta):
    na = na_mask(raw, [("u4", "i1")])
    c = C.new_coin(raw, meta, not_applicable=na)
    agg = C.aggregate(C.normalise(c), dat_thresh=1.0, weight_thresh=1.0)["Aggregated"]
    assert agg.loc["u4", "A"] == 50.0  # i1 does not apply: i2 carries A
    assert agg.loc["u4", "index"] == 87.5
    cov = C.coverage(C.aggregate(C.normalise(c)))
    assert cov.loc["u4", "A"] == 1.0
    assert C.coverage(built(raw, meta)).loc["u4", "A"] == 0.5


def test_a_parent_with_no_applicable_child_does_not_apply(raw, meta):
    na = na_mask(raw, [("u4", "i1"), ("u4", "i2")])
    raw2 = raw.copy()
    raw2.loc["u4", "i2"] = NAN
    c = C.new_coin(raw2, meta, not_applicable=na)
    agg = C.aggregate(C.normalise(c), dat_thresh=1.0)["Aggregated"]
    assert np.isnan(agg.loc["u4", "A"])
    assert agg.loc["u4", "index"] == 100.0  # A left the weights instead of failing the threshold


def test_missing_never_becomes_zero(raw, meta):
    raw2 = raw.copy()
    raw2.loc["u4"] = NAN
    agg = built(raw2, meta)["Aggregated"]
    assert agg.loc["u4"].isna().all()
    n = C.normalise(C.new_coin(raw2, meta))["Normalised"]
    assert n.loc["u4"].isna().all()
    imp = C.impute(C.new_coin(raw2, meta), method="none")["Imputed"]
    assert imp.loc["u4"].isna().all()


# ---------------------------------------------------------------- outlier treatment
def test_skew_kurt_are_the_type_2_estimators():
    x = np.array([1.0, 2.0, 2.5, 4.0, 7.0, 11.0, NAN, 30.0])
    clean = x[~np.isnan(x)]
    assert np.isclose(M.skew(x), stats.skew(clean, bias=False))
    assert np.isclose(M.kurt(x), stats.kurtosis(clean, bias=False))
    assert np.isnan(M.skew([1.0, 2.0])) and np.isnan(M.kurt([1.0, 2.0, 3.0]))


def test_check_passes_on_skew_or_kurtosis():
    assert M.check_skew_kurt(np.arange(20.0))["Pass"] is True
    assert M.check_skew_kurt(np.r_[np.arange(1.0, 21.0), 1000])["Pass"] is False
    assert M.check_skew_kurt(np.ones(5))["Pass"] is None  # constant: undefined


def test_winsorise_one_high_point():
    x = np.r_[np.arange(1.0, 21.0), 1000]
    out, nwin, labels = M.winsorise(x)
    assert nwin == 1 and out[-1] == 20.0 and labels[-1] == "winhi" and (labels[:-1] == "").all()
    out, nwin, labels = M.winsorise(-x)
    assert nwin == 1 and out[-1] == -20.0 and labels[-1] == "winlo"


def test_winsorise_tied_extremes_move_together_and_count_twice():
    x = np.r_[np.arange(1.0, 21.0), 500, 500]
    out, nwin, labels = M.winsorise(x, winmax=1)
    assert nwin == 2 and (out[-2:] == 20.0).all() and list(labels[-2:]) == ["winhi", "winhi"]


def test_winsorise_pinned_points_tie_with_the_next_extreme():
    x = np.r_[np.arange(1.0, 21.0), 200, 300, 400]
    out, nwin, labels = M.winsorise(x)
    assert nwin == 3 and (out[-3:] == 20.0).all() and list(labels[-3:]) == ["winhi"] * 3


def test_winsorise_counter_adds_both_sides():
    x = np.r_[-200, np.arange(1.0, 41.0), 2000]  # high side first, then the low side
    out, nwin, labels = M.winsorise(x)
    assert nwin == 2 and out[0] == 1.0 and out[-1] == 40.0
    assert labels[0] == "winlo" and labels[-1] == "winhi"
    assert M.winsorise(x, winmax=1)[1] == 1  # stops after the first side


def test_treatment_falls_back_to_log_on_the_original_values():
    x = np.r_[np.arange(1.0, 21.0), 200, 300, 400]
    df = pd.DataFrame({"a": x, "b": np.arange(23.0)})
    treated, dets, points = M.treat_details(df, winmax=1)
    assert np.allclose(treated["a"], np.log(x - 1 + 0.01 * 399))  # not the winsorised values
    assert treated["b"].equals(df["b"])
    assert dets.loc["a", "winsorise.nwin"] == 1 and dets.loc["a", "check_SkewKurt1.Pass"] is False
    assert "check_SkewKurt2.Pass" in dets.columns and bool(dets.loc["a", "check_SkewKurt2.Pass"])
    assert points["a"].iloc[-1] == "winhi+log_CT" and points["a"].iloc[0] == "+log_CT"  # COINr's labels
    assert (points["b"] == "").all() and np.isnan(dets.loc["b", "winsorise.nwin"])


def test_treatment_keeps_missing_values_missing():
    x = np.r_[np.arange(1.0, 21.0), NAN, 1000]
    treated, _, _ = M.treat_details(pd.DataFrame({"a": x}))
    assert np.isnan(treated["a"].iloc[20]) and treated["a"].iloc[21] == 20.0
    logged = M.t_log(pd.DataFrame({"a": x}))["a"]
    assert np.isnan(logged.iloc[20]) and np.isclose(logged.iloc[21], np.log(999 + 9.99))


def test_treatment_options_per_column_and_constant_columns():
    df = pd.DataFrame({"a": np.r_[np.arange(1.0, 21.0), 1000], "c": np.ones(21)})
    treated, dets, _ = M.treat_details(df, indiv={"a": "none"})
    assert treated.equals(df) and dets.empty
    treated, dets, _ = M.treat_details(df, indiv={"a": {"f1": "log_CT"}})
    assert "winsorise.nwin" not in dets.columns and treated["a"].iloc[0] == np.log(0 + 9.99)
    assert list(dets.index) == ["a"]  # the constant column is left untreated and out of the table


def test_treat_verb_uses_the_registry(raw, meta):
    c = C.treat(C.new_coin(raw, meta), method="winsorise")
    assert c["Treated"].equals(C.new_coin(raw, meta)["Raw"])  # nothing to treat here
    assert set(M.TREAT) >= {"none", "winsorise", "log"}
    with pytest.raises(EngineError):
        M.treat_details(pd.DataFrame({"a": np.r_[np.arange(20.0), 1000]}), f1="boxcox")


# ---------------------------------------------------------------- every verb per group (``by``)
def _panel():
    raw = pd.DataFrame(
        {"i1": [1.0, 2.0, 100.0, np.nan, 10.0, 20.0, 30.0, 40.0], "i2": [4.0, np.nan, 6.0, 7.0, 8.0, 9.0, 1.0, 2.0]},
        index=[f"u{k}" for k in range(8)],
    )
    meta = pd.DataFrame(
        {"parent": ["idx", "idx", None], "level": [1, 1, 2], "weight": [1.0, 1.0, 1.0], "direction": [1, 1, 1]},
        index=["i1", "i2", "idx"],
    )
    groups = pd.DataFrame({"year": [2023] * 4 + [2024] * 4}, index=raw.index)
    return C.new_coin(raw, meta, groups)


@pytest.mark.parametrize(
    ("verb", "args"),
    [
        ("impute", {"method": "i_mean"}),
        ("screen", {"dat_thresh": 1.0}),
        ("treat", {"method": "winsorise", "winmax": 1, "skew_thresh": 0.5, "kurt_thresh": 0.5}),
        ("normalise", {"method": "minmax"}),
        ("denominate", {}),
        ("aggregate", {}),
    ],
)
def test_every_verb_by_group_equals_the_verb_on_each_group_alone(verb, args):
    panel = _panel()
    if verb == "aggregate":
        panel = C.normalise(C.impute(panel, method="i_mean"), method="minmax")
    grouped = C.APPLY[verb](panel, by="year", **args)
    name = C.VERBS[verb][1]
    parts = [C.APPLY[verb](C._restrict(panel, panel.groups.index[panel.groups["year"] == y]), **args)[name]
             for y in (2023, 2024)]
    pd.testing.assert_frame_equal(grouped[name], pd.concat(parts))
    assert grouped.log[-1].args["by"] == "year"
    assert C.regen(grouped) == grouped


def test_treating_each_year_differs_from_pooling_when_one_year_has_an_outlier():
    raw = pd.DataFrame({"i1": [1.0, 2, 3, 4, 5, 100, 10, 11, 12, 13, 14, 16]}, index=[f"u{k}" for k in range(12)])
    meta = pd.DataFrame({"parent": ["idx", None], "level": [1, 2], "weight": [1.0, 1.0], "direction": [1, 1]},
                        index=["i1", "idx"])
    panel = C.new_coin(raw, meta, pd.DataFrame({"year": [2023] * 6 + [2024] * 6}, index=raw.index))
    per_year = C.treat(panel, by="year", method="winsorise", winmax=1)["Treated"]["i1"]
    assert per_year["u5"] == 5.0  # the 2023 outlier takes the next value of 2023
    assert per_year.iloc[6:].tolist() == raw["i1"].iloc[6:].tolist()  # 2024 has no outlier: untouched
    pooled = C.treat(panel, method="winsorise", winmax=1)["Treated"]["i1"]
    assert pooled["u5"] == 16.0  # pooled, the outlier takes the next value of both years


def test_impute_by_year_takes_the_mean_of_that_year():
    imputed = C.impute(_panel(), method="i_mean", by="year")["Imputed"]
    assert imputed.loc["u3", "i1"] == pytest.approx((1 + 2 + 100) / 3)
    assert imputed.loc["u1", "i2"] == pytest.approx((4 + 6 + 7) / 3)


def test_by_names_a_groups_column():
    with pytest.raises(EngineError, match="“region”"):
        C.impute(_panel(), method="i_mean", by="region")
