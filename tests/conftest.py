"""Fixtures shared by several test modules: the demo year's inputs and the hand-computable tiny case."""

from pathlib import Path

import pandas as pd
import pytest

from danvan_eval.model import observations
from danvan_eval.model.framework import load_framework
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.model.units import load_registry

ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).parent / "fixtures" / "tiny"


@pytest.fixture(scope="session")
def run():
    """The bundled run file of the demo year 2024."""
    return load_run(default_run_path(2024, ROOT))


@pytest.fixture(scope="session")
def fw(run):
    return load_framework(run.framework)


@pytest.fixture(scope="session")
def reg(run):
    return load_registry(run.units)


@pytest.fixture(scope="session")
def tiny():
    """``(observations, framework, registry)`` of tests/fixtures/tiny (2023 and 2024), validated."""
    fw = load_framework(TINY / "framework.yaml")
    reg = load_registry(TINY / "units.yaml")
    raw = observations.read_observations(TINY / "observations.csv")
    obs = pd.concat([observations.check(raw[raw["year"].astype(str) == str(y)], fw, reg, y) for y in (2023, 2024)])
    return obs, fw, reg
