"""Run files are validated before anything runs; an unknown key is an error."""

from pathlib import Path

import pytest

from danvan_eval.errors import RunError
from danvan_eval.model.runs import default_run_path, load_run

ROOT = Path(__file__).resolve().parent.parent


def test_the_bundled_run_files_load():
    for year in (2022, 2023, 2024):
        run = load_run(default_run_path(year))
        assert run.year == year
        assert max(run.observations) == year
        assert run.framework.name == "dv33-2022.2.yaml"
        assert set(run.inputs()) >= {"run", "framework", "units", f"observations_{year}"}


def _write(tmp_path, text):
    folder = tmp_path / "parameters" / "runs"
    folder.mkdir(parents=True)
    (tmp_path / "fw.yaml").write_text("x")
    (tmp_path / "units.yaml").write_text("x")
    (tmp_path / "obs.csv").write_text("x")
    path = folder / "2024.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_of_a_run_file_is_listed_at_once(tmp_path):
    path = _write(tmp_path, """
year: 2024
framework: fw.yaml
units: missing-units.yaml
observations: {2023: obs.csv, 2025: obs.csv}
options: {normalisation: nonsense}
deadline: 2023-11-25
colour: blue
""")
    with pytest.raises(RunError) as err:
        load_run(path)
    text = str(err.value)
    assert "colour" in text and "khóa không hợp lệ" in text  # unknown key
    # (the unknown key stops reading, so fix it and look at the rest)
    path.write_text(path.read_text().replace("colour: blue\n", ""))
    with pytest.raises(RunError) as err:
        load_run(path)
    text = str(err.value)
    assert "missing-units.yaml" in text
    assert "2025" in text
    assert "2024" in text  # the evaluated year has no observations
    assert "nonsense" in text
    assert "deadline 2023-11-25" in text  # a deadline of another year


def test_paths_are_relative_to_the_project_root(tmp_path):
    path = _write(tmp_path, "year: 2024\nframework: fw.yaml\nunits: units.yaml\nobservations: {2024: obs.csv}\n")
    run = load_run(path)
    assert run.root == tmp_path.resolve()
    assert run.observations[2024] == (tmp_path / "obs.csv").resolve()


def test_a_missing_run_file_says_so():
    with pytest.raises(RunError, match="không tìm thấy|not found"):
        load_run(ROOT / "parameters" / "runs" / "1999.yaml")
