"""Actual results by peer group and for the province: sums of the raw indicators, never means of shares."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from danvan_eval.errors import FrameworkError
from danvan_eval.evaluation import results
from danvan_eval.model.results import load_weights

FW = SimpleNamespace(
    indicators=pd.DataFrame({
        "area": ["a2", "a4", "a4", "a1", "a1", "a2", "a4"],
        "type": ["count", "pct", "count", "bool", "days", "pct", "count"],
        "denominator": [None, None, "dossiers_pct", None, None, None, "population_1k"],
    }, index=pd.Index(["sessions", "online_pct", "on_time", "plan", "delay", "staff_pct", "backlog"])),
    auxiliary=pd.DataFrame({"feeds": ["dossiers_pct"]}, index=pd.Index(["dossiers"])),
)


def obs(rows):
    return pd.DataFrame(rows, columns=["year", "unit_code", "indicator_id", "value"]).assign(status="reported")


def test_specs_sum_counts_pair_numerators_and_weight_listed_shares():
    spec = results.specs(FW, {"online_pct": "dossiers"}).set_index("indicator_id")
    assert spec["how"].to_dict() == {"sessions": "count", "online_pct": "weighted", "on_time": "ratio",
                                     "plan": "yes", "delay": "on_time", "staff_pct": "share", "backlog": "count"}
    assert spec.at["on_time", "denominator"] == spec.at["online_pct", "denominator"] == "dossiers"


def test_results_are_hand_computed_sums_and_last_year_is_on_the_same_units():
    # units A, B (group g1) and C (g2); C did not report in 2023
    data = obs([
        (2024, "A", "sessions", 10), (2024, "B", "sessions", 30), (2024, "C", "sessions", 5),
        (2023, "A", "sessions", 8), (2023, "B", "sessions", 20),
        (2024, "A", "dossiers", 1000), (2024, "B", "dossiers", 3000), (2024, "C", "dossiers", 100),
        (2023, "A", "dossiers", 1000), (2023, "B", "dossiers", 1000),
        (2024, "A", "online_pct", 50), (2024, "B", "online_pct", 90), (2024, "C", "online_pct", 10),
        (2023, "A", "online_pct", 40), (2023, "B", "online_pct", 60),
        (2024, "A", "on_time", 900), (2024, "B", "on_time", 2700), (2024, "C", "on_time", 100),
        (2024, "A", "plan", 1), (2024, "B", "plan", 0), (2024, "C", "plan", 1),
        (2024, "A", "delay", 0), (2024, "B", "delay", 12), (2024, "C", "delay", 0),
        (2024, "A", "staff_pct", 95), (2024, "B", "staff_pct", 100), (2024, "C", "staff_pct", 80),
        (2023, "A", "staff_pct", 90), (2023, "B", "staff_pct", 85),
    ])
    spec = results.specs(FW, {"online_pct": "dossiers"})
    parts = results.unit_parts(data, spec)
    groups = pd.Series({"A": "g1", "B": "g1", "C": "g2"})
    out = results.results(parts, spec, groups, 2024).set_index(["indicator_id", "group"])
    s = out.loc[("sessions", "province")]
    assert (s["value"], s["n_reported"], s["n_units"]) == (45, 3, 3)
    assert (s["value_paired"], s["before"], s["n_paired"]) == (40, 28, 2)  # A and B only: 10+30 against 8+20
    assert np.isnan(s["low_paired"]) and np.isnan(s["high"])  # a count has no range
    g2 = out.loc[("sessions", "g2")]
    assert g2["value"] == 5 and g2["n_paired"] == 0 and np.isnan(g2["before"])
    # online dossiers: (500 + 2700 + 10) / (1000 + 3000 + 100), never the mean of 50, 90, 10 (50%)
    o = out.loc[("online_pct", "province")]
    assert o["numerator"] == pytest.approx(3210) and o["denominator"] == 4100
    assert o["value"] == pytest.approx(3210 / 4100 * 100)
    assert o["value_paired"] == pytest.approx(3200 / 4000 * 100)  # A and B in 2024
    assert o["before"] == pytest.approx(1000 / 2000 * 100)  # A and B in 2023: (400 + 600) / 2000
    assert out.loc[("on_time", "g1"), "value"] == pytest.approx(3600 / 4000 * 100)
    assert out.loc[("plan", "province"), "value"] == 2 and out.loc[("delay", "province"), "value"] == 2
    staff = out.loc[("staff_pct", "province")]
    assert np.isnan(staff["value"]) and (staff["low"], staff["high"]) == (80, 100)  # a range, not a mean
    assert (staff["low_paired"], staff["high_paired"], staff["low_before"], staff["high_before"]) == (95, 100, 85, 90)
    assert out.loc[("backlog", "province"), "n_reported"] == 0


def test_weights_file_of_the_shipped_framework(fw):
    assert load_weights(fw) == {"i3_models_recognised_pct": "i3_models_registered",
                                "i4_online_dossiers_pct": "d_dossiers_received",
                                "i4_dossiers_on_time_pct": "d_dossiers_received"}


def test_a_bad_weights_file_names_every_problem(fw, tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(f"version: {fw.version}\nweights:\n  i2_sessions: {{of: d_dossiers_received}}\n"
                    "  i4_online_dossiers_pct: {of: i4_satisfaction_pct}\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as err:
        load_weights(fw, path)
    text = str(err.value)
    assert "i2_sessions" in text and "i4_satisfaction_pct" in text


def test_a_cell_reads_last_year_then_this_year_on_the_same_units():
    from danvan_eval.reports.results_views import cell

    row = pd.Series({"how": "count", "n_units": 3, "n_reported": 3, "n_paired": 2, "value": 45.0, "low": np.nan,
                     "high": np.nan, "value_paired": 40.0, "low_paired": np.nan, "high_paired": np.nan,
                     "before": 28.0, "low_before": np.nan, "high_before": np.nan})
    assert cell(row) == "28 → 40 (2/3)"
    first = row.copy()
    first["n_paired"] = 0  # no last year: this year's figure over every unit that reported
    assert cell(first) == "45"
    share = row.copy()
    share.update({"how": "weighted", "n_paired": 3, "value_paired": 78.29, "before": 50.0})
    assert cell(share) == "50% → 78,3%"


def test_a_count_where_fewer_is_better_says_so(fw):
    from danvan_eval.reports.results_views import label

    assert label(fw, "i4_backlog_cases", "count") == "Kiểm soát vụ việc phức tạp, tồn đọng, kéo dài (vụ việc; càng ít càng tốt)"
    assert label(fw, "i2_sessions", "count") == "Số hội nghị, buổi tuyên truyền (buổi)"
    assert label(fw, "i1_plan_delay_days", "on_time") == "Ban hành kế hoạch đúng thời hạn (số đơn vị)"
