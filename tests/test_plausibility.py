"""Plausibility checks: each rule fires on a hand-made case and stays quiet on the clean demo; the planted outlier
is flagged; a bad rules file is refused with every problem located; validate and intake show the warnings."""

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from danvan_eval.cli import main
from danvan_eval.errors import PlausibilityError
from danvan_eval.evaluation.plausibility import FINDING_COLUMNS, findings
from danvan_eval.evaluation.year import load_inputs
from danvan_eval.model.plausibility import PlausibilityRules, Rule, load_plausibility

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(run):
    framework, registry, obs, _ = load_inputs(run)
    return framework, registry, obs, load_plausibility(framework)


def _with(obs: pd.DataFrame, year: int, unit: str, indicator: str, value: float) -> pd.DataFrame:
    out = obs.copy()
    out.loc[(out["year"] == year) & (out["unit_code"] == unit) & (out["indicator_id"] == indicator), "value"] = value
    return out


def _only(rules: PlausibilityRules, rule_id: str) -> PlausibilityRules:
    return PlausibilityRules(rules.version, tuple(r for r in rules.rules if r.id == rule_id))


def test_the_rules_of_the_framework_are_found_by_its_version(demo):
    _, _, _, rules = demo
    assert rules.path == ROOT / "parameters" / "plausibility" / "dv33-2022.2.yaml"
    assert [r.id for r in rules.rules] == ["history_ratio", "peer_outlier", "part_whole", "range_edge"]
    assert rules.rules[0].thresholds == {"ratio": 5.0, "min_change": 20.0}
    assert rules.rules[2].pairs == (("i5_conduct_complaints", "d_dossiers_received"),)


@pytest.mark.parametrize("year", [2022, 2023])
def test_quiet_on_the_clean_demo_years(demo, year):
    framework, registry, obs, rules = demo
    assert findings(obs, framework, registry, year, rules).empty


def test_the_planted_outlier_is_flagged_and_nothing_else(demo):
    framework, registry, obs, rules = demo
    found = findings(obs, framework, registry, 2024, rules, files="observations_2024.csv")
    assert list(found.columns) == FINDING_COLUMNS
    assert found[["unit", "indicator", "code", "value", "reference"]].values.tolist() == [
        ["544", "i2_sessions", "history_ratio", 370.0, 57.0],
        ["544", "i2_sessions", "peer_outlier", 370.0, 28 / 9],  # the median of the 11 districts' per-commune rates
    ]
    assert found.loc[0, "message_vi"] == ("Giá trị 370 bằng 6,5 lần năm trước (57); ngưỡng cảnh báo: tăng hoặc "
                                          "giảm 5 lần")
    assert found.loc[0, "message_en"] == "Value 370 is 6.5 times last year's (57); warning threshold: 5 times (up or down)"
    assert "trung vị 3,11" in found.loc[1, "message_vi"] and "24,67" in found.loc[1, "message_vi"]
    assert found["file"].eq("observations_2024.csv").all()


def test_history_ratio_fires_up_and_down_beyond_its_threshold(demo):
    framework, registry, obs, rules = demo
    history = _only(rules, "history_ratio")
    # STP's public-duty inspections, 4 in 2023: 24 is six times as many, a change of 20: fires; 20 is five times
    # as many but a change of only 16 (< min_change 20): quiet
    last = obs.query("year == 2023 and unit_code == 'STP' and indicator_id == 'i5_duty_inspections'")["value"].item()
    assert last == 4
    up = findings(_with(obs, 2024, "STP", "i5_duty_inspections", 24), framework, registry, 2024, history)
    assert up[["unit", "indicator", "value", "reference", "measure"]].values.tolist() == [
        ["544", "i2_sessions", 370.0, 57.0, 370 / 57], ["STP", "i5_duty_inspections", 24.0, 4.0, 6.0]]
    quiet = findings(_with(obs, 2024, "STP", "i5_duty_inspections", 20), framework, registry, 2024, history)
    assert quiet["unit"].tolist() == ["544"]
    # 540's dossiers received (auxiliary, a count) falling to a fifth
    received = obs.query("year == 2023 and unit_code == '540' and indicator_id == 'd_dossiers_received'")["value"]
    down = findings(_with(obs, 2024, "540", "d_dossiers_received", received.item() / 5), framework, registry, 2024,
                    history)
    assert down[["unit", "indicator", "measure"]].values.tolist()[0] == ["540", "d_dossiers_received", 0.2]


def test_peer_robust_z_by_hand(demo):
    framework, registry, obs, rules = demo
    peer = _only(rules, "peer_outlier")
    # departments' dissemination sessions (absolute counts) in 2024: 3, 6, 8, 9, 9, 12, 15 and STP's, set to 60;
    # median (9 + 9) / 2 = 9, absolute deviations 0 0 1 3 3 6 6 51 → MAD 3, z = 0.6745 × 51 / 3 = 11.4665
    found = findings(_with(obs, 2024, "STP", "i2_sessions", 60), framework, registry, 2024, peer)
    assert found[["unit", "indicator", "value", "reference"]].values.tolist() == [
        ["544", "i2_sessions", 370.0, 28 / 9], ["STP", "i2_sessions", 60.0, 9.0]]
    assert found.loc[1, "measure"] == pytest.approx(11.4665)
    assert "điểm z thống kê vững 11,5 (ngưỡng 5, 8 đơn vị)" in found.loc[1, "message_vi"]
    # small counts are not judged (min_value 10): without that guard, SKHDT's 7 inspections of 2022 (median 2) fire
    unguarded = PlausibilityRules(peer.version, (replace(peer.rules[0], thresholds={**peer.rules[0].thresholds,
                                                                                   "min_value": 0.0}),))
    loud = findings(obs, framework, registry, 2022, unguarded)
    assert loud[["unit", "indicator", "value"]].values.tolist() == [["SKHDT", "i5_duty_inspections", 7.0]]
    assert findings(obs, framework, registry, 2022, peer).empty


def test_part_larger_than_its_whole(demo):
    framework, registry, obs, rules = demo
    part = _only(rules, "part_whole")
    whole = obs.query("year == 2024 and unit_code == '551' and indicator_id == 'd_dossiers_received'")["value"].item()
    found = findings(_with(obs, 2024, "551", "i5_conduct_complaints", whole + 1), framework, registry, 2024, part)
    assert found[["unit", "indicator", "code", "reference", "measure"]].values.tolist() == [
        ["551", "i5_conduct_complaints", "part_whole", whole, 1.0]]
    assert "d_dossiers_received" in found.loc[0, "message_en"]


def test_range_edge_fires_at_the_edges_except_where_the_help_says_so(demo):
    framework, registry, obs, rules = demo
    edge = _only(rules, "range_edge")
    changed = _with(_with(obs, 2024, "540", "i4_online_dossiers_pct", 100), 2024, "SNV", "i2_staff_reached_pct", 0)
    changed = _with(changed, 2024, "542", "i4_reception_days_pct", 100)  # excluded: "enter 100 if above"
    found = findings(changed, framework, registry, 2024, edge)
    assert found[["unit", "indicator", "reference"]].values.tolist() == [
        ["540", "i4_online_dossiers_pct", 100.0], ["SNV", "i2_staff_reached_pct", 0.0]]
    assert found.loc[0, "message_vi"].startswith("Giá trị 100 nằm đúng ở biên của thang đo (100)")


def test_a_rule_selects_by_indicator_list():
    rule = Rule(id="r", check="range_edge", message={}, types=("pct",), indicators=("a",), exclude=("b",))
    assert rule.selects("a", "count") and not rule.selects("c", "pct") and not rule.selects("b", "pct")


def test_a_bad_rules_file_is_refused_with_every_problem_located(fw, tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "version: dv33-1999.1\n"
        "rules:\n"
        "  - id: a\n"
        "    check: history_ratio\n"
        "    ratio: 1\n"
        "    z: 3\n"
        "    message_vi: 'Giá trị {value} {median}'\n"
        "    message_en: 'Value {value}'\n"
        "  - id: a\n"
        "    check: guess\n"
        "    message_vi: x\n"
        "    message_en: x\n"
        "  - id: c\n"
        "    check: part_whole\n"
        "    pairs: [{part: i9_nothing, whole: d_dossiers_received}]\n"
        "    message_vi: x\n",
        encoding="utf-8",
    )
    with pytest.raises(PlausibilityError) as err:
        load_plausibility(fw, bad)
    got = err.value.problems[["row", "cell", "code"]].values.tolist()
    assert got == [
        [1, "version", "plausibility_version"],
        [5, "rules[a].ratio", "plausibility_threshold"],
        [6, "rules[a].z", "unknown_key"],
        [7, "rules[a].message_vi", "plausibility_field"],
        [9, "rules[a].id", "duplicate_id"],
        [10, "rules[a].check", "plausibility_check"],
        [13, "rules[c]", "missing_key"],
        [15, "rules[c].pairs[0].part", "plausibility_unknown_indicator"],
    ]
    assert "Bắt buộc" not in str(err.value) and "invalid plausibility rules file" in str(err.value).lower()


def test_no_rules_file_means_no_rules(fw, tmp_path):
    assert load_plausibility(fw, tmp_path / "absent.yaml").rules == ()


def test_validate_lists_the_values_to_verify_without_failing(capsys):
    code = main(["validate", str(ROOT / "data" / "demo" / "observations_2024.csv"), "--year", "2024"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Cần xác minh: 2 giá trị của 1 đơn vị" in out and "To verify: 2 values of 1 units" in out
    assert "dòng 102 — đơn vị 544, chỉ tiêu i2_sessions" in out and "[peer_outlier]" in out
