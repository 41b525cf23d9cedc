"""Observations: reading CSV as text, lazy validation of every rule, and the typed table of ``check``."""

import pandas as pd
import pytest

from danvan_eval.errors import ValidationError
from danvan_eval.model.framework import load_framework
from danvan_eval.model.observations import COLUMNS, check, read_observations, validate
from danvan_eval.model.units import load_registry
from danvan_eval.problems import PROBLEM_COLUMNS

VALUE = {"bool": "1", "pct": "80", "count": "3", "days": "5"}


@pytest.fixture(scope="module")
def fw():
    return load_framework()


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture(scope="module")
def good(fw):
    """A complete valid 2024 table for one district and one department (text, as a CSV would give)."""
    rows = []
    for unit, kind in (("542", "district"), ("SNV", "department")):
        for ind in fw.indicator_ids(kind):
            spec = fw.indicators.loc[ind]
            rows.append(
                {
                    "year": "2024",
                    "unit_code": unit,
                    "indicator_id": ind,
                    "value": VALUE[spec["type"]],
                    "status": "reported",
                    "source": "báo cáo năm",
                    "n": "200" if spec["survey"] else "",
                }
            )
        rows.append(
            {
                "year": "2024",
                "unit_code": unit,
                "indicator_id": "d_dossiers_received",
                "value": "12000",
                "status": "reported",
                "source": "",
                "n": "",
            }
        )
    df = pd.DataFrame(rows, columns=COLUMNS)
    na = (df["unit_code"] == "542") & (df["indicator_id"] == "i1_projects_danvan_pct")
    df.loc[na, ["value", "status"]] = ["", "not_applicable"]
    miss = (df["unit_code"] == "SNV") & (df["indicator_id"] == "i4_dialogues")
    df.loc[miss, ["value", "status"]] = ["", "missing"]
    return df


def to_csv(df, path, bom=False):
    df.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
    return path


def row_of(df, unit, ind):
    return df.index[(df["unit_code"] == unit) & (df["indicator_id"] == ind)][0]


# ---------------------------------------------------------------- reading
def test_read_keeps_text_and_spreadsheet_rows(tmp_path, good):
    path = to_csv(good, tmp_path / "obs.csv")
    obs = read_observations(path)
    assert list(obs.columns) == ["row", *COLUMNS]
    assert obs["row"].iloc[0] == 2 and obs["row"].iloc[-1] == len(good) + 1
    assert (obs["value"].map(type) == str).all()
    assert obs.loc[obs["status"] == "not_applicable", "value"].tolist() == [""]


def test_read_bom_and_blank_lines(tmp_path, good):
    path = to_csv(good.head(3), tmp_path / "bom.csv", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    text = path.read_text(encoding="utf-8-sig").splitlines()
    path.write_text(
        "\ufeff" + "\n".join([text[0], text[1], "", " , , , , , , ", text[2], text[3]]) + "\n",
        encoding="utf-8",
    )
    obs = read_observations(path)
    assert list(obs.columns)[1] == "year"  # the BOM is not glued to the first header
    assert obs["row"].tolist() == [2, 5, 6]  # blank lines dropped, numbering kept


def test_non_numeric_values_are_read_not_crashed(tmp_path, good):
    bad = good.copy()
    bad.loc[0, "value"] = "12,5"
    obs = read_observations(to_csv(bad, tmp_path / "obs.csv"))
    assert obs.loc[0, "value"] == "12,5"


# ---------------------------------------------------------------- a valid table
def test_valid_table_has_no_problem_and_checks_typed(tmp_path, fw, reg, good):
    obs = read_observations(to_csv(good, tmp_path / "obs.csv"))
    problems = validate(obs, fw, reg, 2024, file="obs.csv")
    assert list(problems.columns) == PROBLEM_COLUMNS and problems.empty
    typed = check(obs, fw, reg, 2024)
    assert list(typed.columns) == COLUMNS and len(typed) == len(good)
    assert typed["year"].dtype == int and typed["value"].dtype == float
    assert str(typed["n"].dtype) == "Int64" and isinstance(typed["status"].dtype, pd.CategoricalDtype)
    assert list(typed["status"].cat.categories) == ["reported", "missing", "not_applicable"]
    sat = typed[typed["indicator_id"] == "i4_satisfaction_pct"]
    assert sat["n"].tolist() == [200, 200]
    assert typed.loc[typed["status"] != "reported", "value"].isna().all()
    assert typed["n"].isna().sum() == len(typed) - 2


def test_typed_input_validates_too(fw, reg, good):
    typed = check(good, fw, reg, 2024)
    assert validate(typed, fw, reg, 2024).empty
    assert validate(
        typed.drop(columns=["source", "n"])[typed["indicator_id"] != "i4_satisfaction_pct"], fw, reg, 2024
    ).empty


# ---------------------------------------------------------------- every rule
CASES = [
    ("542", "i1_plan_issued", {"unit_code": "999"}, "unknown_unit", "B"),
    ("542", "i1_plan_issued", {"indicator_id": "i9_nonsense"}, "unknown_indicator", "C"),
    ("SNV", "i2_sessions", {"indicator_id": "i2_remote_sessions"}, "indicator_not_for_kind", "C"),
    ("542", "i1_plan_issued", {"year": "2023"}, "other_year", "A"),
    ("542", "i1_plan_issued", {"year": "2024.5"}, "bad_year", "A"),
    ("542", "i1_plan_issued", {"year": "năm nay"}, "bad_year", "A"),
    ("542", "i2_staff_reached_pct", {"value": "120"}, "pct_out_of_range", "D"),
    ("542", "i2_staff_reached_pct", {"value": "-1"}, "pct_out_of_range", "D"),
    ("542", "i2_sessions", {"value": "-3"}, "negative_value", "D"),
    ("542", "i1_plan_delay_days", {"value": "-1"}, "negative_value", "D"),
    ("542", "i1_plan_issued", {"value": "2"}, "bool_not_01", "D"),
    ("542", "i1_plan_issued", {"value": "0.5"}, "bool_not_01", "D"),
    ("542", "i2_sessions", {"value": "12,5"}, "not_numeric", "D"),
    ("542", "i2_sessions", {"value": "N/A"}, "not_numeric", "D"),
    ("542", "i2_sessions", {"value": "inf"}, "not_numeric", "D"),
    ("542", "i4_satisfaction_pct", {"n": ""}, "n_missing", "G"),
    ("542", "i4_satisfaction_pct", {"n": "0"}, "n_invalid", "G"),
    ("542", "i4_satisfaction_pct", {"n": "-20"}, "n_invalid", "G"),
    ("542", "i4_satisfaction_pct", {"n": "150.5"}, "n_invalid", "G"),
    ("542", "i4_satisfaction_pct", {"n": "nhiều"}, "n_invalid", "G"),
    ("542", "i2_remote_sessions", {"status": "not_applicable"}, "value_not_expected", "D"),
    ("542", "i2_sessions", {"status": "missing"}, "value_not_expected", "D"),
    ("542", "i2_sessions", {"status": "not_applicable", "value": ""}, "na_not_allowed", "E"),
    ("542", "i2_sessions", {"value": ""}, "value_missing", "D"),
    ("542", "i2_sessions", {"status": "đã báo cáo"}, "unknown_status", "E"),
    ("542", "i2_sessions", {"status": ""}, "unknown_status", "E"),
]


@pytest.mark.parametrize(("unit", "ind", "change", "code", "column"), CASES)
def test_each_rule(tmp_path, fw, reg, good, unit, ind, change, code, column):
    bad = good.copy()
    i = row_of(bad, unit, ind)
    for key, value in change.items():
        bad.loc[i, key] = value
    obs = read_observations(to_csv(bad, tmp_path / "obs.csv"))
    problems = validate(obs, fw, reg, 2024, file="obs.csv")
    assert code in set(problems["code"])
    hit = problems[problems["code"] == code].iloc[0]
    row = i + 2  # the header is row 1
    assert hit["row"] == row and hit["cell"] == f"{column}{row}" and hit["file"] == "obs.csv"
    assert hit["message_vi"] and hit["message_en"] and hit["message_vi"] != hit["message_en"]


def test_duplicate_row_names_the_first(fw, reg, good):
    bad = pd.concat([good, good.iloc[[3]]], ignore_index=True)
    problems = validate(bad, fw, reg, 2024)
    assert problems["code"].tolist() == ["duplicate_row"]
    assert problems.loc[0, "row"] == len(bad) + 1 and "dòng 5" in problems.loc[0, "message_vi"]


def test_unit_not_valid_that_year(fw, reg, good):
    problems = validate(good.assign(year="2025"), fw, reg, 2025)
    inactive = problems[problems["code"] == "unit_inactive"]
    assert len(inactive) == len(good)  # every unit of 2024 had ended by 25 November 2025
    assert "2025-06-30" in inactive.iloc[0]["message_vi"] and "2025-11-25" in inactive.iloc[0]["message_en"]


def test_missing_required_column(fw, reg, good):
    problems = validate(good.drop(columns=["status", "value"]), fw, reg, 2024, file="x.csv")
    assert problems["code"].tolist() == ["missing_column", "missing_column"]
    assert problems["row"].tolist() == [1, 1]
    assert "Thiếu cột bắt buộc “value”" in problems["message_vi"].tolist()


def test_all_problems_in_one_pass_and_check_raises(tmp_path, fw, reg, good):
    bad = good.copy()
    bad.loc[0, "unit_code"] = "999"
    bad.loc[5, "value"] = "abc"
    bad.loc[row_of(bad, "542", "i4_satisfaction_pct"), "n"] = ""
    bad.loc[row_of(bad, "SNV", "i2_staff_reached_pct"), "value"] = "101"
    path = to_csv(bad, tmp_path / "obs.csv")
    obs = read_observations(path)
    problems = validate(obs, fw, reg, 2024, file=path)
    assert problems["code"].tolist() == ["unknown_unit", "not_numeric", "n_missing", "pct_out_of_range"]
    assert problems["row"].is_monotonic_increasing
    with pytest.raises(ValidationError) as info:
        check(obs, fw, reg, 2024, file=path)
    assert len(info.value.problems) == 4
    assert "chưa chấm điểm" in str(info.value) and "nothing was scored" in str(info.value)


def test_unreadable_files_are_reported_not_crashed(tmp_path, good):
    legacy = tmp_path / "cp1258.csv"
    text = good.head(2).to_csv(index=False).replace("báo cáo năm", "báo cáo")
    legacy.write_bytes(text.encode("utf-8").replace("á".encode(), b"\xe1"))
    with pytest.raises(ValidationError) as info:
        read_observations(legacy)
    assert info.value.problems["code"].tolist() == ["not_utf8"] and info.value.problems.loc[0, "row"] == 2
    ragged = tmp_path / "ragged.csv"
    ragged.write_text(
        "year,unit_code,indicator_id,value,status\n2024,540,i1_plan_issued,1,reported,extra,cells\n"
    )
    with pytest.raises(ValidationError) as info:
        read_observations(ragged)
    assert (
        info.value.problems["code"].tolist() == ["too_many_cells"] and info.value.problems.loc[0, "row"] == 2
    )
    short = tmp_path / "short.csv"
    short.write_text("year,unit_code,indicator_id,value,status\n2024,540,i1_plan_issued\n")
    assert read_observations(short).loc[0, "status"] == ""
    stray = tmp_path / "stray.csv"
    stray.write_text("year,unit_code,indicator_id,value,status\n2024,540,i1_plan_issued,1,reported,,\n")
    assert read_observations(stray).loc[0, "status"] == "reported"


def test_a_quoted_cell_over_several_lines_is_refused_with_its_lines(tmp_path, good):
    # issue 14: a line break inside quotes is what an unclosed quote looks like (it swallows the next lines), so
    # neither is read: the problem names the line where the quote opened and the line where it ended
    path = tmp_path / "multi.csv"
    lines = good.head(2).to_csv(index=False).splitlines()
    path.write_text("\n".join([lines[0], lines[1].replace("báo cáo năm", '"báo cáo\nnăm"'), lines[2]]) + "\n")
    with pytest.raises(ValidationError) as err:
        read_observations(path)
    found = err.value.problems
    assert found[["row", "code"]].values.tolist() == [[2, "quote_spans_lines"]]
    assert "kéo dài đến dòng 3" in found.loc[0, "message_vi"] and "runs on to line 3" in found.loc[0, "message_en"]


def test_column_given_twice(fw, reg, good):
    twice = pd.concat([good, good[["value"]]], axis=1)
    problems = validate(twice, fw, reg, 2024)
    assert problems["code"].tolist() == ["duplicate_column"]
