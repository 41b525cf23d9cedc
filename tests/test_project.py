"""House rules of the repository that a test can keep."""

import json
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_lists_the_dependencies_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = [r for r in pip if not r.startswith("-e")]
    assert sorted(listed) == sorted(project["dependencies"])


def test_notebooks_are_committed_without_outputs():
    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs"), nb_path
                assert cell.get("execution_count") is None, nb_path


def test_notebooks_have_a_parameters_cell_with_literals_only():
    import ast

    for nb_path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, nb_path
        for node in ast.parse("".join(tagged[0]["source"])).body:
            assert isinstance(node, ast.Assign), nb_path
            ast.literal_eval(node.value)  # raises if a default is not a literal


def test_no_generated_file_is_tracked_under_outputs():
    tracked = subprocess.run(["git", "ls-files", "outputs"], check=True, cwd=ROOT, capture_output=True, text=True).stdout.split()
    assert set(tracked) <= {"outputs/.gitkeep"}


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text()
    assert "make demo" in (ROOT / "README.md").read_text()
