"""The appraisal step: workbook round trip, located refusals, the append-only table, scoring on appraised values."""

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from danvan_eval.cli import main
from danvan_eval.intake import appraisal as ap
from danvan_eval.model import appraisal as table_mod
from danvan_eval.outputs import read_csv

YEAR = 2024
ROOT_RUN = Path(__file__).resolve().parent.parent / "parameters" / "runs" / f"{YEAR}.yaml"


@pytest.fixture
def appraised_run(run, tmp_path):
    """The demo run, with its appraisal table in a fresh folder."""
    return dataclasses.replace(run, appraisal=tmp_path / "data" / f"appraisal_{YEAR}.csv")


@pytest.fixture(scope="module")
def blank_workbook(run, tmp_path_factory):
    """The 2024 appraisal workbook before any decision (written once for the module)."""
    folder = tmp_path_factory.mktemp("appraisal")
    return ap.write_workbook(dataclasses.replace(run, appraisal=folder / "none.csv"), folder)


@pytest.fixture
def workbook(blank_workbook, tmp_path):
    return Path(shutil.copy(blank_workbook, tmp_path / blank_workbook.name))


def _rows(ws) -> dict[tuple[str, str], int]:
    return {(ws[f"A{r}"].value, ws[f"C{r}"].value): r for r in range(ap.FIRST_ROW, ws.max_row + 1)}


def _fill(path, decisions: dict, appraiser="Nguyễn Văn A", date=dt.date(2024, 12, 10)):
    """Fill the workbook as an appraiser would: ``(unit, indicator) → {column: value}``."""
    wb = openpyxl.load_workbook(path)
    ws = wb[ap.SHEET]
    where = _rows(ws)
    ws[ap.APPRAISER], ws[ap.DATE] = appraiser, date
    for key, cells in decisions.items():
        for col, value in cells.items():
            ws[f"{ap.LETTER[col]}{where[key]}"] = value
    wb.save(path)
    return where


REJECTED = "-Không có biên bản đối thoại (dấu trừ đầu dòng: như một công thức)"
GOOD = {
    ("544", "i2_sessions"): {"appraised": 37, "decision": "điều chỉnh", "reason": "Gõ thừa một số 0; biên bản 37 buổi",
                             "evidence_number": "125/BC-UBND", "evidence_date": dt.date(2024, 11, 20)},
    ("540", "i2_sessions"): {"decision": "chấp nhận"},
    ("SNV", "i4_dialogues"): {"decision": "Không chấp nhận", "reason": REJECTED},
}


def test_the_workbook_lists_findings_first_and_is_protected(workbook):
    path = workbook
    wb = openpyxl.load_workbook(path)
    ws = wb[ap.SHEET]
    first = ap.FIRST_ROW
    assert (ws[f"A{first}"].value, ws[f"C{first}"].value, ws[f"F{first}"].value) == ("544", "i2_sessions", 370)
    assert "6,5 lần năm trước" in ws[f"E{first}"].value and "trung vị 3,11" in ws[f"E{first}"].value
    assert ws[f"E{first + 1}"].value is None  # then every other value, unit by unit
    assert len(_rows(ws)) == 573  # one row per (unit, indicator) of the 2024 observations
    assert ws.protection.sheet and wb.security.lockStructure and wb[ap.META].sheet_state == "veryHidden"
    assert ws[f"G{first}"].protection.locked is False and ws[f"F{first}"].protection.locked is not False


def test_round_trip_reproduces_the_decisions_and_the_table_is_append_only(appraised_run, workbook, tmp_path):
    path = workbook
    _fill(path, GOOD)
    read, added = ap.take_in(path, appraised_run)
    assert read.ok, read.problems
    assert added == 3
    assert appraised_run.inputs()["appraisal"] == appraised_run.appraisal  # hashed in the manifest like any input
    table = read_csv(appraised_run.appraisal)
    assert list(table.columns) == table_mod.COLUMNS
    got = table.set_index(["unit_code", "indicator_id"])
    assert got.loc[("544", "i2_sessions"), ["reported_value", "appraised_value", "decision", "evidence"]].tolist() == \
        [370.0, 37.0, "adjusted", "125/BC-UBND | 2024-11-20"]
    assert got.loc[("540", "i2_sessions"), "decision"] == "accepted"
    assert got.loc[("SNV", "i4_dialogues"), ["decision", "reason"]].tolist() == ["rejected", REJECTED]
    assert set(table["appraiser"]) == {"Nguyễn Văn A"} and set(table["date"]) == {"2024-12-10"}
    # the same workbook again adds nothing; a new workbook shows the decisions in force and a change is a new row
    assert ap.take_in(path, appraised_run)[1] == 0
    again = ap.write_workbook(appraised_run, tmp_path / "again")
    ws = openpyxl.load_workbook(again)[ap.SHEET]
    assert [ws[f"{ap.LETTER[c]}{ap.FIRST_ROW}"].value for c in ("appraised", "decision", "evidence_number")] == \
        [37, "điều chỉnh", "125/BC-UBND"]
    _fill(again, {("544", "i2_sessions"): {"appraised": 38}}, date=dt.date(2024, 12, 15))
    assert ap.take_in(again, appraised_run)[1] == 1
    history = table_mod.read_appraisal(appraised_run.appraisal, appraised_run.load_framework(),
                                       _registry(appraised_run), YEAR)
    mine = history[(history["unit_code"] == "544") & (history["indicator_id"] == "i2_sessions")]
    assert mine["appraised_value"].tolist() == [37.0, 38.0]
    assert table_mod.latest(history).set_index(["unit_code", "indicator_id"]).at[("544", "i2_sessions"),
                                                                                 "appraised_value"] == 38.0


def _registry(run):
    from danvan_eval.model.units import load_registry

    return load_registry(run.units)


def test_a_bad_workbook_is_refused_with_every_problem_located_and_nothing_written(appraised_run, workbook):
    path = workbook
    where = _fill(path, {
        ("544", "i2_sessions"): {"appraised": 37, "decision": "điều chỉnh"},  # no reason
        ("540", "i4_online_dossiers_pct"): {"appraised": 150, "decision": "điều chỉnh", "reason": "x"},
        ("540", "i2_sessions"): {"decision": "đồng ý"},
        ("542", "i2_sessions"): {"decision": "điều chỉnh", "reason": "thiếu số"},  # no value
        ("543", "i2_sessions"): {"decision": "không chấp nhận", "reason": "y", "evidence_date": "32/13/2024"},
    }, appraiser=None)
    wb = openpyxl.load_workbook(path)
    wb[ap.SHEET].protection.sheet = False
    wb[ap.SHEET][f"C{wb[ap.SHEET].max_row + 2}"] = "ghi chú lạc chỗ"
    wb.save(path)
    read, added = ap.take_in(path, appraised_run)
    assert not read.ok and added == 0 and not appraised_run.appraisal.exists()
    got = read.problems[["cell", "unit", "indicator", "code"]].values.tolist()
    r = {k: where[k] for k in where}
    assert sorted(got, key=str) == sorted([
        [f"H{r[('540', 'i2_sessions')]}", "540", "i2_sessions", "appraisal_decision"],
        [f"K{r[('543', 'i2_sessions')]}", "543", "i2_sessions", "appraisal_date"],
        [f"C{len(where) + ap.FIRST_ROW + 1}", None, None, "value_outside_inputs"],
        [ap.APPRAISER, None, None, "appraisal_appraiser_missing"],
        [f"I{r[('544', 'i2_sessions')]}", "544", "i2_sessions", "appraisal_reason_missing"],
        [f"G{r[('540', 'i4_online_dossiers_pct')]}", "540", "i4_online_dossiers_pct", "appraisal_value_range"],
        [f"G{r[('542', 'i2_sessions')]}", "542", "i2_sessions", "appraisal_value_missing"],
    ], key=str)
    assert read.problems["message_vi"].str.len().gt(0).all() and read.problems["message_en"].str.len().gt(0).all()


def test_an_edited_marker_is_refused(appraised_run, workbook):
    path = workbook
    wb = openpyxl.load_workbook(path)
    wb[ap.META]["B2"] = "2023"
    wb.save(path)
    read, _ = ap.take_in(path, appraised_run)
    assert read.problems["code"].tolist() == ["marker_changed"]


def test_the_command_line_reads_and_refuses(appraised_run, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("danvan_eval.cli._run_config", lambda args: appraised_run)
    assert main(["appraise", "--year", "2024", "--out", str(tmp_path / "out")]) == 0
    path = tmp_path / "out" / "tham-dinh_2024.xlsx"
    _fill(path, {("544", "i2_sessions"): {"appraised": 37, "decision": "điều chỉnh"}})
    assert main(["appraise", "--year", "2024", "--read", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Thẩm định!I7" in out and "phải ghi lý do" in out and "needs a reason" in out
    _fill(path, {("544", "i2_sessions"): {"reason": "biên bản"}})
    assert main(["appraise", "--year", "2024", "--read", str(path)]) == 0
    assert "1 điều chỉnh" in capsys.readouterr().out


# ---------------------------------------------------------------- scoring on appraised values
def _decisions(rows: list[dict]) -> pd.DataFrame:
    base = {"year": YEAR, "reason": "", "evidence": "", "appraiser": "Nguyễn Văn A", "date": "2024-12-10"}
    return table_mod.typed(pd.DataFrame([{**base, **r} for r in rows]))


@pytest.fixture(scope="module")
def scored_both(run, tmp_path_factory):
    """The 2024 demo scored on self-assessed values, and on appraised values (544's sessions adjusted 370 → 37,
    SNV's dialogues rejected), without Monte Carlo draws (they play no part here)."""
    from danvan_eval.evaluation.year import score_run
    from danvan_eval.outputs import write_csv

    folder = tmp_path_factory.mktemp("scored")
    table = folder / f"appraisal_{YEAR}.csv"
    write_csv(_decisions([
        {"unit_code": "544", "indicator_id": "i2_sessions", "reported_value": 370, "appraised_value": 37,
         "decision": "adjusted", "reason": "Gõ thừa một số 0", "evidence": "125/BC-UBND | 2024-11-20"},
        {"unit_code": "SNV", "indicator_id": "i4_dialogues", "reported_value": 2, "decision": "rejected",
         "reason": "Không có biên bản"},
        {"unit_code": "540", "indicator_id": "i2_sessions", "reported_value": 77, "decision": "accepted"},
    ]), table)
    quick = dataclasses.replace(run, uncertainty={})
    return score_run(quick), score_run(dataclasses.replace(quick, values="appraised", appraisal=table))


def test_a_self_assessed_year_is_scored_exactly_as_before(scored_both, run):
    from danvan_eval.evaluation import compliance
    from danvan_eval.evaluation.audit import audit_tables
    from danvan_eval.evaluation.scoring import score
    from danvan_eval.evaluation.year import load_inputs, tables

    own, _ = scored_both
    framework, registry, obs, subs = load_inputs(run)
    evaluation = score(obs, framework, registry, YEAR, run.options)
    before = tables(evaluation, compliance.compliance(evaluation, subs), audit_tables(evaluation, {}))
    assert set(own.tables) == {*before, "plausibility", "results", "free_text"}
    for name, df in before.items():
        assert own.tables[name].to_csv() == df.to_csv(), name
    assert not set(own.tables["scores"].columns) & {"composite_self_assessed", "rank_shift"}


def test_scores_change_exactly_where_values_were_adjusted(scored_both):
    own, appraised = scored_both
    key = ["unit_code", "indicator_id"]
    a = own.tables["indicators"].set_index(key)
    b = appraised.tables["indicators"].set_index(key)
    changed = sorted(i for i in a.index if not a.loc[i].fillna(-1).equals(b.loc[i].fillna(-1)))
    assert changed == [("544", "i2_sessions"), ("SNV", "i4_dialogues")]
    # 37 sessions over 15 communes: 2.47 per commune, on goalposts 0 → 4: 61.67 instead of 100
    assert b.loc[("544", "i2_sessions"), ["raw", "denominated", "status"]].tolist() == [37.0, 37 / 15, "reported"]
    assert b.loc[("544", "i2_sessions"), "score"] == pytest.approx(100 * 37 / 15 / 4)
    assert b.loc[("SNV", "i4_dialogues"), "status"] == "missing" and pd.isna(b.loc[("SNV", "i4_dialogues"), "raw"])
    scores = appraised.tables["scores"].set_index("unit_code")
    before = own.tables["scores"].set_index("unit_code")
    moved = sorted(u for u in scores.index if scores.at[u, "composite"] != before.at[u, "composite"])
    assert moved == ["544", "SNV"]
    # both composites side by side, the rank shift and how many values were changed
    assert scores["composite_self_assessed"].equals(before["composite"].rename("composite_self_assessed"))
    assert (scores["rank_shift"] == scores["rank_self_assessed"] - scores["rank"]).all()
    assert scores.loc[["544", "SNV", "540"], "n_adjusted"].tolist() == [1, 1, 0]
    area_a2 = (100 * 37 / 15 / 4 - 100) / 4  # one of four a2 indicators falls from 100 to 61.67
    assert scores.at["544", "a2"] - before.at["544", "a2"] == pytest.approx(area_a2)
    listed = appraised.tables["appraisal"]
    assert listed[["unit_code", "indicator_id", "decision", "reason"]].values.tolist() == [
        ["544", "i2_sessions", "adjusted", "Gõ thừa một số 0"], ["SNV", "i4_dialogues", "rejected", "Không có biên bản"]]
    assert listed.loc[0, ["score_self_assessed", "area"]].tolist() == [100.0, "a2"]


def test_the_run_file_chooses_the_values(tmp_path):
    from danvan_eval.errors import RunError
    from danvan_eval.model.runs import load_run

    text = ROOT_RUN.read_text(encoding="utf-8").replace("values: self_assessed", "values: appraised")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("appraisal:")) + "\n"
    assert load_run(ROOT_RUN).values == "self_assessed"  # the demo year: the units' own figures
    bad = ROOT_RUN.parent / "_test_appraised.yaml"
    try:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(RunError, match="appraisal"):
            load_run(bad)
        bad.write_text(text.replace("appraised", "guessed"), encoding="utf-8")
        with pytest.raises(RunError, match="self_assessed, appraised"):
            load_run(bad)
    finally:
        bad.unlink()


def test_both_composites_reach_the_unit_report_and_the_dashboard_data(scored_both, run, tmp_path):
    from danvan_eval.dashboard import data as dash
    from danvan_eval.evaluation.year import write_tables
    from danvan_eval.reports import views

    own, appraised = scored_both
    for name, scored in (("own", own), ("appraised", appraised)):
        (tmp_path / name / str(YEAR)).mkdir(parents=True)
        write_tables(scored, tmp_path / name / str(YEAR))
    data = views.load(tmp_path / "appraised", YEAR, run.path)
    figures = views.key_figures(data, "544", "vi")
    before = own.tables["scores"].set_index("unit_code").at["544", "composite"]
    assert figures.loc["Điểm tổng hợp theo số liệu tự đánh giá"].iloc[0] == f"{before:.1f}".replace(".", ",")
    table = views.adjustment_table(data, "544", "en")
    assert table.loc["Dissemination sessions (i2_sessions)", ["Appraisal decision", "Reason", "Supporting document"]
                     ].tolist() == ["adjusted", "Gõ thừa một số 0", "125/BC-UBND | 2024-11-20"]
    assert "giữ nguyên" in views.adjustment_table(data, "540", "vi").data
    assert "6,5 lần năm trước" in views.to_verify_table(data, "544", "vi").iloc[0, -1]
    plain = views.load(tmp_path / "own", YEAR, run.path)
    assert "tự đánh giá" in views.adjustment_table(plain, "544", "vi").data
    assert "Không có giá trị nào cần xác minh" in views.to_verify_table(plain, "540", "vi").data
    year = dash.load_year(tmp_path / "appraised", YEAR)
    both = dash.appraisal_comparison(year, "district").set_index("unit_code")
    assert both.at["544", "composite_self_assessed"] == pytest.approx(before)
    assert both.at["544", "rank_shift"] == both.at["544", "rank_self_assessed"] - both.at["544", "rank"]
    assert dash.adjusted_cells(year, "544")["indicator_id"].tolist() == ["i2_sessions"]
    marked = dash.indicator_table(year, "544", "vi")
    assert marked.count("dv-adjusted") == 1
    assert 'data-indicator="i2_sessions" class="dv-status-reported dv-adjusted" title="điều chỉnh: Gõ thừa' in marked
    assert dash.appraisal_comparison(dash.load_year(tmp_path / "own", YEAR), "district").empty
    ranking = dash.ranking(year, "district")
    page = dash.table_html(ranking, year, "vi", modified=False)
    assert "Điểm tổng hợp theo số liệu tự đánh giá" in page and "Thay đổi thứ hạng do thẩm định" in page
    row = page[page.index('<tr data-unit="544">'):]
    assert f'<td data-col="self_assessed">{before:.1f}'.replace(".", ",") in row
    plain_year = dash.load_year(tmp_path / "own", YEAR)
    assert "self_assessed" not in dash.table_html(dash.ranking(plain_year, "district"), plain_year, "vi", False)


def test_the_annual_report_says_how_many_values_were_adjusted_and_why_by_area(scored_both, tmp_path):
    from danvan_eval.evaluation.year import write_tables
    from danvan_eval.reports import annual

    own, appraised = scored_both
    for name, scored in (("own", own), ("appraised", appraised)):
        (tmp_path / name / str(YEAR)).mkdir(parents=True)
        write_tables(scored, tmp_path / name / str(YEAR))
    words = annual._appraisal_words(annual.load_data(tmp_path / "appraised", YEAR))
    assert "1 giá trị được điều chỉnh và 1 giá trị không được chấp nhận vì không có căn cứ, của 2 đơn vị" in words[0]
    assert "phát hiện 1 giá trị của 1 đơn vị cần xác minh" in words[0]
    assert words[1:] == [
        "- Lĩnh vực 2 (Tuyên truyền, giáo dục): 1 giá trị điều chỉnh, 0 giá trị không chấp nhận; lý do: Gõ thừa một số 0.",
        ("- Lĩnh vực 4 (Cải cách hành chính, dân chủ): 0 giá trị điều chỉnh, 1 giá trị không chấp nhận; lý do: Không có"
         " biên bản."),
    ]
    own_words = annual._appraisal_words(annual.load_data(tmp_path / "own", YEAR))
    assert len(own_words) == 1 and "chưa qua thẩm định" in own_words[0]


@pytest.fixture(scope="module")
def demo_observations(run):
    from danvan_eval.evaluation.year import load_inputs

    return load_inputs(run)[2]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, 572), st.sampled_from(table_mod.DECISIONS),
                                st.floats(0, 100, allow_nan=False)), max_size=12))
def test_apply_changes_only_the_cells_decided(demo_observations, picks):
    obs = demo_observations
    this_year = obs[obs["year"] == YEAR].reset_index(drop=True)
    rows = [{"unit_code": this_year.at[i, "unit_code"], "indicator_id": this_year.at[i, "indicator_id"],
             "reported_value": this_year.at[i, "value"], "appraised_value": v if d == "adjusted" else None,
             "decision": d, "reason": "r"} for i, d, v in picks]
    decisions = _decisions(rows) if rows else table_mod.empty()
    out = table_mod.apply(obs, decisions, YEAR)
    final = table_mod.latest(decisions)
    key = ["unit_code", "indicator_id"]
    both = obs.assign(after_value=out["value"], after_status=out["status"].astype(str)).merge(
        final.assign(year=YEAR)[["year", *key, "decision", "appraised_value"]], on=["year", *key], how="left")
    adjusted, rejected = both["decision"] == "adjusted", both["decision"] == "rejected"
    assert (both.loc[adjusted, "after_value"] == both.loc[adjusted, "appraised_value"]).all()
    assert (both.loc[adjusted, "after_status"] == "reported").all()
    assert both.loc[rejected, "after_value"].isna().all() and (both.loc[rejected, "after_status"] == "missing").all()
    kept = ~(adjusted | rejected)
    assert both.loc[kept, "after_value"].equals(both.loc[kept, "value"])
    assert (both.loc[kept, "after_status"] == both.loc[kept, "status"].astype(str)).all()


def test_the_table_keeps_texts_that_look_like_formulas(run, tmp_path):
    from danvan_eval.model.units import load_registry
    from danvan_eval.outputs import write_csv

    rows = _decisions([{"unit_code": "544", "indicator_id": "i2_sessions", "reported_value": 370,
                        "appraised_value": 37, "decision": "adjusted", "reason": "=370-333 buổi",
                        "evidence": "'125/BC-UBND"}])
    path = write_csv(rows, tmp_path / "appraisal.csv")
    assert "'=370-333" in path.read_text(encoding="utf-8-sig")  # neutralised in the file …
    back = table_mod.read_appraisal(path, run.load_framework(), load_registry(run.units), YEAR)
    assert back.loc[0, ["reason", "evidence"]].tolist() == ["=370-333 buổi", "'125/BC-UBND"]  # … and read back as typed
