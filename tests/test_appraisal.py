"""The appraisal step: workbook round trip, located refusals, the append-only table, scoring on appraised values."""

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from danvan_eval.cli import main
from danvan_eval.intake import appraisal as ap
from danvan_eval.model import appraisal as table_mod

YEAR = 2024


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


GOOD = {
    ("544", "i2_sessions"): {"appraised": 37, "decision": "điều chỉnh", "reason": "Gõ thừa một số 0; biên bản 37 buổi",
                             "evidence_number": "125/BC-UBND", "evidence_date": dt.date(2024, 11, 20)},
    ("540", "i2_sessions"): {"decision": "chấp nhận"},
    ("SNV", "i4_dialogues"): {"decision": "Không chấp nhận", "reason": "Không có biên bản đối thoại"},
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
    table = pd.read_csv(appraised_run.appraisal, encoding="utf-8-sig", dtype={"unit_code": str})
    assert list(table.columns) == table_mod.COLUMNS
    got = table.set_index(["unit_code", "indicator_id"])
    assert got.loc[("544", "i2_sessions"), ["reported_value", "appraised_value", "decision", "evidence"]].tolist() == \
        [370.0, 37.0, "adjusted", "125/BC-UBND | 2024-11-20"]
    assert got.loc[("540", "i2_sessions"), "decision"] == "accepted"
    assert got.loc[("SNV", "i4_dialogues"), ["decision", "reason"]].tolist() == ["rejected", "Không có biên bản đối thoại"]
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
