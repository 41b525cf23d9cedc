"""The continuity tables of a yearly run from 2025: its observations, the last run before the reform, the crosswalk.

``continuity_for_run`` reads what it needs (the 2024 run file pins the former framework and the 2022–2024
observations) and calls the pure functions of ``continuity``; ``write_continuity`` writes the tables into a
year's folder (the caller makes that atomic).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import tr_error
from ..model.lineage import load_crosswalk
from ..model.runs import RunConfig, default_run_path, load_run
from ..outputs import CONTINUITY as TABLES
from ..outputs import write_csv
from .continuity import FIRST_NEW_YEAR, continuity_tables
from .year import load_inputs


def past_run_path(run: RunConfig) -> Path:
    """The run file of the last year before the reform (``parameters/runs/2024.yaml`` of the run's project)."""
    return default_run_path(FIRST_NEW_YEAR - 1, run.root)


def continuity_for_run(run: RunConfig, observations: pd.DataFrame | None = None,
                       past_run: Path | None = None) -> dict[str, pd.DataFrame]:
    """The continuity tables of ``run`` (``continuity.continuity_tables``); ``observations`` are the run's own
    when already read.

    Raises
    ------
    DanvanEvalError
        The year is before the reform, or the run file of the last year before it is missing.
    """
    if run.year < FIRST_NEW_YEAR:
        raise tr_error("continuity.before_reform", year=run.year, first=FIRST_NEW_YEAR)
    path = Path(past_run) if past_run is not None else past_run_path(run)
    if not path.is_file():
        raise tr_error("continuity.no_past_run", path=path)
    past_fw, _, past_obs, _ = load_inputs(load_run(path))
    if observations is None:
        observations = load_inputs(run)[2]
    return continuity_tables(past_obs, past_fw, observations, run.load_framework(), load_crosswalk())


def write_continuity(tables: dict[str, pd.DataFrame], folder: Path) -> list[Path]:
    """Write each table as ``<name>.csv`` into ``folder``."""
    return [write_csv(tables[name], Path(folder) / f"{name}.csv") for name in TABLES if name in tables]
