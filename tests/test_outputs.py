"""Safe, deterministic, atomic outputs."""

import pandas as pd
import pytest

from danvan_eval.errors import DanvanEvalError
from danvan_eval.outputs import (
    atomic_dir,
    available_years,
    neutralise,
    read_csv,
    read_year,
    safe_child,
    write_csv,
)


def test_neutralise_prefixes_formula_like_text_only():
    df = pd.DataFrame({"name": ["=1+1", "+84", "-x", "@SUM(A1)", "Huyện An Lão", None], "value": [1, -2, 3, 4, 5, 6]})
    out = neutralise(df)
    # issue 14: "+84" is a number written as text, not a formula: kept as it is (so are "+5,9" and "=" alone)
    assert out["name"].tolist()[:5] == ["'=1+1", "+84", "'-x", "'@SUM(A1)", "Huyện An Lão"]
    assert pd.isna(out["name"].iloc[5])
    assert out["value"].tolist() == [1, -2, 3, 4, 5, 6]  # numbers are never touched


def test_write_csv_is_deterministic_and_round_trips(tmp_path):
    df = pd.DataFrame({"unit_code": ["540", "542"], "name_vi": ["Thành phố Quy Nhơn", "Huyện An Lão"],
                       "composite": [81.25, 1 / 3]})
    a = write_csv(df, tmp_path / "a.csv").read_bytes()
    b = write_csv(df, tmp_path / "b.csv").read_bytes()
    assert a == b
    assert a.startswith("\ufeff".encode("utf-8"))  # BOM: Excel shows the diacritics
    back = read_csv(tmp_path / "a.csv")
    assert back["unit_code"].tolist() == ["540", "542"]
    assert back["composite"].iloc[1] == pytest.approx(1 / 3, rel=1e-11)


@pytest.mark.parametrize("name", ["../x", "a/b", "/etc/passwd", "..", "", "a\\b", ".hidden"])
def test_safe_child_refuses_names_that_leave_the_folder(tmp_path, name):
    with pytest.raises(DanvanEvalError):
        safe_child(tmp_path, name, ".html")


def test_safe_child_accepts_unit_codes(tmp_path):
    assert safe_child(tmp_path, "540", ".html") == (tmp_path / "540.html").resolve()


def test_atomic_dir_keeps_previous_outputs_when_the_run_fails(tmp_path):
    final = tmp_path / "2024"
    with atomic_dir(final) as tmp:
        (tmp / "scores.csv").write_text("old")
    with pytest.raises(RuntimeError), atomic_dir(final) as tmp:
        (tmp / "scores.csv").write_text("new, half written")
        raise RuntimeError("crash")
    assert (final / "scores.csv").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["2024"]  # no temporary folder left behind
    with atomic_dir(final) as tmp:
        (tmp / "scores.csv").write_text("new")
    assert (final / "scores.csv").read_text() == "new"


def test_read_year_explains_how_to_make_missing_outputs(tmp_path):
    with pytest.raises(DanvanEvalError, match="danvan-eval run --year 2031"):
        read_year(tmp_path, 2031)
    assert available_years(tmp_path / "nothing") == []
