"""Submissions (arrival dates): every problem at once, with file and row; a clean file reads typed."""

import pytest

from danvan_eval.errors import ValidationError
from danvan_eval.model.submissions import read_submissions


def test_the_demo_submissions_read_typed(run, reg):
    df = read_submissions(run.submissions[2024], reg, 2024)
    assert df["year"].eq(2024).all() and df["correction"].dtype == bool
    assert df.loc[df["unit_code"] == "546", "received"].iloc[0] == "2024-12-03"


def test_every_problem_is_listed_with_its_row(tmp_path, reg):
    path = tmp_path / "submissions_2024.csv"
    path.write_text(
        "year,unit_code,received,source,correction\n"
        "2024,540,2024-11-20,a,không\n"
        "2023,542,2024-11-20,b,\n"
        "2024,999,25/11/2024,c,có\n"
        "2024,543,2024-11-21,d,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as err:
        read_submissions(path, reg, 2024)
    found = {(r.row, r.code) for r in err.value.problems.itertuples()}
    assert found == {(3, "wrong_year"), (4, "unknown_unit"), (4, "bad_date"), (5, "bad_bool")}
    assert "2024-11-20" in str(err.value) and "NĂM-THÁNG-NGÀY" in str(err.value)


def test_missing_columns_are_named(tmp_path, reg):
    path = tmp_path / "s.csv"
    path.write_text("year,unit\n2024,540\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="unit_code"):
        read_submissions(path, reg, 2024)
