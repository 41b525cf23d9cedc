"""Reporting compliance: timeliness against 25 November and completeness, computed by hand on the tiny case."""

import pandas as pd
import pytest

from danvan_eval.evaluation.compliance import compliance, deadline, summary
from danvan_eval.evaluation.scoring import score


@pytest.fixture(scope="module")
def table(tiny):
    obs, fw, reg = tiny
    ev = score(obs, fw, reg, 2024)
    subs = pd.DataFrame({
        "year": [2024, 2024, 2024, 2023],
        "unit_code": ["U1", "U2", "U2", "U1"],
        "received": ["2024-11-25", "2024-11-28", "2024-12-20", "2023-11-01"],
        "source": ["a", "b", "c", "d"],
        "correction": [False, False, True, False],
    })
    return compliance(ev, subs).set_index("unit_code")


def test_deadline_is_25_november():
    assert deadline(2024).isoformat() == "2024-11-25"


def test_days_late_counts_from_the_deadline_and_corrections_do_not_count(table):
    assert table.loc["U1", "days_late"] == 0 and table.loc["U1", "on_time"]  # on the 25th is on time
    assert table.loc["U2", "days_late"] == 3 and not table.loc["U2", "on_time"]  # the original, not the correction
    assert pd.isna(table.loc["U3", "days_late"]) and pd.isna(table.loc["U3", "on_time"])  # no arrival recorded


def test_completeness_leaves_not_applicable_indicators_out(table):
    assert table.loc["U1", "completeness_pct"] == 100.0
    assert table.loc["U2", "completeness_pct"] == 100.0  # y2 does not apply (no remote commune)
    assert table.loc["U3", "completeness_pct"] == 75.0  # x2 missing of 4 applicable


def test_summary_counts_expected_received_on_time_complete(table):
    s = summary(table.reset_index()).set_index("group")
    assert s.loc["province", ["expected", "received", "on_time", "complete"]].tolist() == [3, 3, 1, 2]
    assert s.loc["province", "on_time_pct"] == pytest.approx(33.3)


def test_the_run_files_deadline_applies_to_the_whole_year(run, tmp_path):
    import yaml

    from danvan_eval.evaluation.year import score_run
    from danvan_eval.model.runs import load_run

    raw = yaml.safe_load(run.path.read_text(encoding="utf-8"))
    raw.update(deadline="2024-12-31", framework=str(run.framework), units=str(run.units), uncertainty={"draws": 0},
               observations={y: str(p) for y, p in run.observations.items()},
               submissions={y: str(p) for y, p in run.submissions.items()},
               free_text={y: str(p) for y, p in run.free_text.items()})
    path = tmp_path / "2024.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    late = score_run(load_run(path)).tables["compliance"].set_index("unit_code")
    assert late.loc["546", "days_late"] == -28 and late.loc["546", "on_time"]  # 3 December ≤ 31 December
