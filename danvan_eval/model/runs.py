"""What a yearly run pins: ``parameters/runs/<Y>.yaml``, validated before anything runs.

Relative paths are taken from the project root (the folder holding ``parameters/``), so a run file means the
same thing wherever the command is started. An unknown key is an error, not a warning (papermill only warns).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from ..errors import DanvanEvalError, RunError
from ..paths import PROJECT_ROOT
from .framework import Framework, load_framework
from .options import ScoringOptions

KEYS = {
    "year": "the evaluated year",
    "framework": "path of the framework YAML",
    "units": "path of the units registry YAML",
    "observations": "year → observations CSV (the evaluated year and earlier years for trends)",
    "submissions": "year → submissions CSV (arrival dates of the reports)",
    "deadline": "reporting deadline of the evaluated year (default: the framework's, 25 November)",
    "options": "scoring options (ScoringOptions)",
    "uncertainty": "Monte Carlo settings: draws, seed",
    "description": "free text",
}


@dataclass(frozen=True)
class RunConfig:
    """A validated run file."""

    path: Path
    root: Path
    year: int
    framework: Path
    units: Path
    observations: Mapping[int, Path]
    submissions: Mapping[int, Path]
    options: ScoringOptions
    deadline: dt.date | None = None
    uncertainty: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def load_framework(self) -> Framework:
        """The run's framework, with the run's reporting deadline when the run file sets one."""
        framework = load_framework(self.framework)
        if self.deadline is None:
            return framework
        return replace(framework, deadline=(self.deadline.month, self.deadline.day))

    def inputs(self) -> dict[str, Path]:
        """Every input file, named, for the manifest."""
        out = {"run": self.path, "framework": self.framework, "units": self.units}
        out.update({f"observations_{y}": p for y, p in self.observations.items()})
        out.update({f"submissions_{y}": p for y, p in self.submissions.items()})
        return out


def project_root(path: Path) -> Path:
    """The folder holding ``parameters/`` above ``path``, or the file's own folder."""
    path = Path(path).resolve()
    for parent in path.parents:
        if parent.name == "parameters":
            return parent.parent
    return path.parent


def default_run_path(year: int, root: Path | None = None) -> Path:
    root = Path(root) if root else PROJECT_ROOT
    return root / "parameters" / "runs" / f"{year}.yaml"


def load_run(path: Path) -> RunConfig:
    """Read and validate a run file; every problem is listed in one error (vi / en)."""
    path = Path(path)
    if not path.exists():
        raise RunError(f"Không tìm thấy tệp tham số {path} / run file not found: {path}")
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    root = project_root(path)
    problems = []
    unknown = sorted(set(raw) - set(KEYS))
    if unknown:
        problems.append(f"khóa không hợp lệ / unknown keys: {unknown} (hợp lệ / allowed: {sorted(KEYS)})")
    for key in ("year", "framework", "units", "observations"):
        if key not in raw:
            problems.append(f"thiếu khóa bắt buộc / missing required key: {key}")
    if problems:
        raise RunError(_message(path, problems))

    year = raw["year"]
    if not isinstance(year, int):
        problems.append(f"year phải là số nguyên / year must be an integer: {year!r}")

    def resolve(p: Any, what: str) -> Path:
        full = (root / str(p)).resolve()
        if not full.exists():
            problems.append(f"{what}: không tìm thấy tệp / file not found: {full}")
        return full

    def by_year(key: str) -> dict[int, Path]:
        value = raw.get(key) or {}
        if not isinstance(value, Mapping):
            problems.append(f"{key} phải là bảng năm → tệp / {key} must map year → file")
            return {}
        out = {}
        for y, p in value.items():
            if not isinstance(y, int) or (isinstance(year, int) and y > year):
                problems.append(f"{key}: năm {y!r} không hợp lệ (≤ {year}) / invalid year {y!r} (must be ≤ {year})")
                continue
            out[y] = resolve(p, f"{key}[{y}]")
        return dict(sorted(out.items()))

    observations = by_year("observations")
    if isinstance(year, int) and year not in observations:
        problems.append(f"observations thiếu năm {year} / observations lack the evaluated year {year}")
    try:
        options = ScoringOptions.from_dict(raw.get("options"))
    except DanvanEvalError as err:  # the message is already bilingual
        problems.append(str(err))
        options = ScoringOptions()
    deadline = raw.get("deadline")
    if isinstance(deadline, str):  # a quoted date ("2024-11-25") means the same as an unquoted one
        try:
            deadline = dt.date.fromisoformat(deadline.strip())
        except ValueError:
            pass
    if deadline is not None and not isinstance(deadline, dt.date):
        problems.append(f"deadline phải là ngày dạng NĂM-THÁNG-NGÀY, ví dụ 2024-11-25 / deadline must be a date "
                        f"YEAR-MONTH-DAY, e.g. 2024-11-25: {deadline!r}")
    elif deadline is not None and isinstance(year, int) and deadline.year != year:
        problems.append(f"deadline {deadline} không thuộc năm {year} / deadline {deadline} is not in {year}")
    config = RunConfig(
        path=path.resolve(),
        root=root,
        year=year,
        framework=resolve(raw["framework"], "framework"),
        units=resolve(raw["units"], "units"),
        observations=observations,
        submissions=by_year("submissions"),
        options=options,
        deadline=deadline,
        uncertainty=dict(raw.get("uncertainty") or {}),
        description=str(raw.get("description", "")),
    )
    if problems:
        raise RunError(_message(path, problems))
    return config


def _message(path: Path, problems: list[str]) -> str:
    lines = [f"Tệp tham số không hợp lệ / invalid run file: {path}"] + [f"  - {p}" for p in problems]
    return "\n".join(lines)
