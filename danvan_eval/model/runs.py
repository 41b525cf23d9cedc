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
from ..messages import CATALOG
from ..paths import PROJECT_ROOT
from .framework import Framework, load_framework
from .options import ScoringOptions
from .units import supplements_path

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
    "plausibility": "path of the plausibility rules (default parameters/plausibility/<framework version>.yaml)",
    "values": "values scored: self_assessed (default, the units' own) or appraised (the Department's appraisal)",
    "appraisal": "path of the appraisal table (written by danvan-eval appraise --read)",
    "peer_groups": "unit code → peer group, overriding the registry's for this run",
    "ranks": "false: levels without ranks (e.g. a transition year); default true",
    "ranks_note": "{vi, en}: why there are no ranks, shown in the reports",
    "province": "path of the province profile (issuing body, place, recipients of the .docx)",
    "plan": "the plan evaluated, cited by number and date (Kế hoạch số …/KH-UBND ngày …/01/2022)",
    "criteria_document": "the document adopting the criteria and levels (empty: a highlighted placeholder)",
    "synthetic": "true when the observations are synthetic (demo); every output then says so",
    "free_text": "year → the units' own words CSV (results, models, difficulties, causes, proposals; from intake)",
}
VALUES = ("self_assessed", "appraised")


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
    plausibility: Path | None = None
    values: str = "self_assessed"
    appraisal: Path | None = None
    peer_groups: Mapping[str, str] = field(default_factory=dict)
    ranks: bool = True
    ranks_note: Mapping[str, str] = field(default_factory=dict)
    province: Path | None = None
    plan: str = ""
    criteria_document: str = ""
    synthetic: bool = False
    free_text: Mapping[int, Path] = field(default_factory=dict)

    def load_framework(self) -> Framework:
        """The run's framework, with the run's reporting deadline when the run file sets one."""
        framework = load_framework(self.framework)
        if self.deadline is None:
            return framework
        return replace(framework, deadline=(self.deadline.month, self.deadline.day))

    def inputs(self) -> dict[str, Path]:
        """Every input file, named, for the manifest."""
        out = {"run": self.path, "framework": self.framework, "units": self.units}
        supplements = supplements_path(self.units) if self.units.is_file() else None
        if supplements is not None and supplements.is_file():
            out["units_supplements"] = supplements
        if self.province is not None:
            out["province"] = self.province
        out.update({f"observations_{y}": p for y, p in self.observations.items()})
        out.update({f"submissions_{y}": p for y, p in self.submissions.items()})
        out.update({f"free_text_{y}": p for y, p in self.free_text.items()})
        if self.plausibility is not None:
            out["plausibility"] = self.plausibility
        if self.appraisal is not None and self.appraisal.is_file():
            out["appraisal"] = self.appraisal
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


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag.endswith(":merge"):
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if isinstance(key, (str, int, float, bool, dt.date)) and key in seen:
                raise RunError(CATALOG.both("runfile.error.duplicate_key", key=key, row=line, first=seen[key]))
            if isinstance(key, (str, int, float, bool, dt.date)):
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _read(path: Path) -> Any:
    """The run file's YAML, or a ``RunError`` naming the line of a syntax error, a bad encoding, a folder."""
    if not path.exists():
        raise RunError(f"Không tìm thấy tệp tham số {path} / run file not found: {path}")
    if not path.is_file():
        raise RunError(CATALOG.both("runfile.error.not_file", path=path))
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise RunError(CATALOG.both("runfile.error.not_utf8", path=path, row=data[: err.start].count(b"\n") + 1)) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except RunError as err:
        raise RunError(_message(path, [str(err)])) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        detail = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise RunError(CATALOG.both("runfile.error.syntax", path=path, row=mark.line + 1 if mark else "?",
                                    detail=detail)) from None


def _is_year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200


def load_run(path: Path) -> RunConfig:
    """Read and validate a run file; every problem is listed in one error (vi / en).

    Checked here: YAML syntax (with its line), UTF-8, a mapping at the top, no key twice, known keys, ``year`` a
    year (``true`` is not 1), every path an existing file inside the project (the run file's project or this
    one), ``options`` (``ScoringOptions.from_dict``) and ``uncertainty`` mappings. The files' contents are
    checked by ``evaluation.year.load_inputs``, before anything is scored or any notebook kernel starts.
    """
    path = Path(path)
    raw = _read(path)
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise RunError(_message(path, [CATALOG.both("runfile.error.not_mapping", kind=type(raw).__name__)]))
    root = project_root(path)
    problems = []
    unknown = sorted(map(str, set(raw) - set(KEYS)))
    if unknown:
        problems.append(f"khóa không hợp lệ / unknown keys: {unknown} (hợp lệ / allowed: {sorted(KEYS)})")
    for key in ("year", "framework", "units", "observations"):
        if key not in raw:
            problems.append(f"thiếu khóa bắt buộc / missing required key: {key}")
    if problems:
        raise RunError(_message(path, problems))

    year = raw["year"]
    if not _is_year(year):
        problems.append(f"year phải là số nguyên / year must be an integer: {year!r}")
        year = None
    allowed_roots = {root.resolve(), PROJECT_ROOT.resolve()}

    def resolve(p: Any, what: str) -> Path:
        if not isinstance(p, str) or not p.strip():
            problems.append(CATALOG.both("runfile.error.path", key=what, value=repr(p)))
            return root
        full = (root / p.strip()).resolve()
        if not any(r == full or r in full.parents for r in allowed_roots):
            problems.append(CATALOG.both("runfile.error.outside", key=what, path=full, root=root))
        elif not full.exists():
            problems.append(f"{what}: không tìm thấy tệp / file not found: {full}")
        elif not full.is_file():
            problems.append(CATALOG.both("runfile.error.not_a_file", key=what, path=full))
        return full

    def by_year(key: str) -> dict[int, Path]:
        value = raw.get(key)
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            problems.append(f"{key} phải là bảng năm → tệp / {key} must map year → file")
            return {}
        out = {}
        for y, p in value.items():
            if not _is_year(y) or (year is not None and y > year):
                problems.append(f"{key}: năm {y!r} không hợp lệ (≤ {year}) / invalid year {y!r} (must be ≤ {year})")
                continue
            out[y] = resolve(p, f"{key}[{y}]")
        return dict(sorted(out.items()))

    observations = by_year("observations")
    if year is not None and year not in observations:
        problems.append(f"observations thiếu năm {year} / observations lack the evaluated year {year}")
    try:
        options = ScoringOptions.from_dict(raw.get("options"))
    except DanvanEvalError as err:  # the message is already bilingual
        problems.append(str(err))
        options = ScoringOptions()
    uncertainty = raw.get("uncertainty")
    if uncertainty is None:
        uncertainty = {}
    if not isinstance(uncertainty, Mapping):
        problems.append(CATALOG.both("runfile.error.block", key="uncertainty", value=repr(uncertainty)))
        uncertainty = {}
    deadline = raw.get("deadline")
    if isinstance(deadline, str):  # a quoted date ("2024-11-25") means the same as an unquoted one
        try:
            deadline = dt.date.fromisoformat(deadline.strip())
        except ValueError:
            pass
    if deadline is not None and not isinstance(deadline, dt.date):
        problems.append(f"deadline phải là ngày dạng NĂM-THÁNG-NGÀY, ví dụ 2024-11-25 / deadline must be a date "
                        f"YEAR-MONTH-DAY, e.g. 2024-11-25: {deadline!r}")
    elif deadline is not None and year is not None and deadline.year != year:
        problems.append(f"deadline {deadline} không thuộc năm {year} / deadline {deadline} is not in {year}")
    values = raw.get("values", "self_assessed")
    if values not in VALUES:
        problems.append(CATALOG.both("runfile.error.values", value=repr(values), allowed=", ".join(VALUES)))
    appraisal = None
    if raw.get("appraisal") is not None:
        given = raw["appraisal"]
        appraisal = (root / given.strip()).resolve() if isinstance(given, str) and given.strip() else None
        if appraisal is None or not any(r == appraisal or r in appraisal.parents for r in allowed_roots):
            problems.append(CATALOG.both("runfile.error.path", key="appraisal", value=repr(given)))
    if values == "appraised" and appraisal is None:
        problems.append(CATALOG.both("runfile.error.no_appraisal"))
    peer_groups = raw.get("peer_groups") or {}
    if not isinstance(peer_groups, Mapping) or not all(isinstance(g, str) for g in peer_groups.values()):
        problems.append(CATALOG.both("runfile.error.block", key="peer_groups", value=repr(peer_groups)))
        peer_groups = {}
    ranks = raw.get("ranks", True)
    if not isinstance(ranks, bool):
        problems.append(CATALOG.both("options.error.bool", key="ranks", value=repr(ranks)))
        ranks = True
    note = raw.get("ranks_note") or {}
    if not (isinstance(note, Mapping) and set(note) <= {"vi", "en"} and all(isinstance(v, str) for v in note.values())):
        problems.append(CATALOG.both("runfile.error.block", key="ranks_note", value=repr(note)))
        note = {}
    if not ranks and set(note) != {"vi", "en"}:
        problems.append(CATALOG.both("runfile.error.ranks_note"))
    texts = {}
    for key in ("plan", "criteria_document"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(CATALOG.both("runfile.error.text", key=key, value=repr(value)))
        texts[key] = (value or "").strip() if isinstance(value, str) else ""
    synthetic = raw.get("synthetic", False)
    if not isinstance(synthetic, bool):
        problems.append(CATALOG.both("runfile.error.flag", key="synthetic", value=repr(synthetic)))
        synthetic = False
    config = RunConfig(
        path=path.resolve(),
        root=root,
        year=year,
        framework=resolve(raw["framework"], "framework"),
        units=resolve(raw["units"], "units"),
        observations=observations,
        submissions=by_year("submissions"),
        free_text=by_year("free_text"),
        options=options,
        deadline=deadline,
        uncertainty=dict(uncertainty),
        description=str(raw.get("description", "")),
        plausibility=(resolve(raw["plausibility"], "plausibility") if raw.get("plausibility") is not None
                      else _default_plausibility(root, raw["framework"])),
        values=values if values in VALUES else "self_assessed",
        appraisal=appraisal,
        peer_groups={str(k): v for k, v in peer_groups.items()},
        ranks=ranks,
        ranks_note=dict(note),
        province=resolve(raw["province"], "province") if raw.get("province") is not None else None,
        synthetic=synthetic,
        **texts,
    )
    if problems:
        raise RunError(_message(path, problems))
    return config


def _default_plausibility(root: Path, framework: object) -> Path | None:
    """``parameters/plausibility/<framework file stem>.yaml`` (the framework's version) if it exists."""
    if not isinstance(framework, str):
        return None
    path = (root / "parameters" / "plausibility" / f"{Path(framework.strip()).stem}.yaml").resolve()
    return path if path.is_file() else None


def _message(path: Path, problems: list[str]) -> str:
    lines = [f"Tệp tham số không hợp lệ / invalid run file: {path}"] + [f"  - {p}" for p in problems]
    return "\n".join(lines)
