"""The command line: exit codes, located bilingual errors, byte-identical scores."""

from pathlib import Path

import pytest

from danvan_eval.cli import main

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"


def test_validate_accepts_the_demo_data(capsys):
    assert main(["validate", str(DEMO / "observations_2024.csv")]) == 0
    assert "hợp lệ" in capsys.readouterr().out


def test_validate_lists_every_problem_with_its_place_and_exits_nonzero(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "year,unit_code,indicator_id,value,status,source,n\n"
        "2024,540,i4_dossiers_on_time_pct,120,reported,x,\n"
        "2024,999,i1_plan_issued,1,reported,x,\n"
        "2024,540,i2_sessions,-3,reported,x,\n",
        encoding="utf-8",
    )
    assert main(["validate", str(bad), "--year", "2024"]) == 1
    out = capsys.readouterr().out
    for place in ("dòng 2", "dòng 3", "dòng 4", "999", "i4_dossiers_on_time_pct", "i2_sessions"):
        assert place in out, place
    assert "row 2" in out  # English under each Vietnamese line
    assert main(["--lang", "en", "validate", str(bad), "--year", "2024"]) == 1
    english = capsys.readouterr().out
    assert "row 2" in english and "dòng 2" not in english


def test_validate_asks_for_the_year_when_a_file_mixes_years(tmp_path, capsys):
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("year,unit_code,indicator_id,value,status\n2023,540,i1_plan_issued,1,reported\n"
                     "2024,540,i1_plan_issued,1,reported\n", encoding="utf-8")
    assert main(["validate", str(mixed)]) == 1
    assert "--year" in capsys.readouterr().err


def test_score_writes_the_year_and_a_rerun_is_byte_identical(tmp_path):
    assert main(["score", "--year", "2024", "--out", str(tmp_path / "a")]) == 0
    assert main(["score", "--year", "2024", "--out", str(tmp_path / "b")]) == 0
    for name in ("scores.csv", "indicators.csv", "trend.csv", "compliance.csv"):
        assert (tmp_path / "a" / "2024" / name).read_bytes() == (tmp_path / "b" / "2024" / name).read_bytes(), name
    manifest = (tmp_path / "a" / "2024" / "manifest.json").read_text(encoding="utf-8")
    for key in ("sha256", "framework_version", "dv33-2022.2", "pandas", "timings"):
        assert key in manifest


def test_score_with_an_invalid_run_file_fails_cleanly_and_keeps_old_outputs(tmp_path, capsys):
    assert main(["score", "--year", "2024", "--out", str(tmp_path)]) == 0
    before = (tmp_path / "2024" / "scores.csv").read_bytes()
    run = tmp_path / "parameters" / "runs" / "2024.yaml"
    run.parent.mkdir(parents=True)
    run.write_text("year: 2024\nframework: nowhere.yaml\nunits: nowhere.yaml\nobservations: {2024: x.csv}\n")
    assert main(["score", "--year", "2024", "--run", str(run), "--out", str(tmp_path)]) == 1
    assert "nowhere.yaml" in capsys.readouterr().err
    assert (tmp_path / "2024" / "scores.csv").read_bytes() == before


@pytest.mark.parametrize("argv", [["score"], ["frobnicate"]])
def test_wrong_usage_exits_2(argv):
    with pytest.raises(SystemExit) as err:
        main(argv)
    assert err.value.code == 2
