"""Score one year from its run file: read and validate every input, score once, shape the output tables.

``score_run`` is what ``danvan-eval score`` and the yearly run call; ``write_tables`` writes the tables of
``docs/ARCHITECTURE.md`` into a folder (the caller makes that atomic).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..model import appraisal as appraisal_mod
from ..model import observations as obs_mod
from ..model.framework import Framework
from ..model.free_text import read_free_text
from ..model.plausibility import load_plausibility
from ..model.results import load_weights
from ..model.runs import RunConfig, default_run_path, load_run
from ..model.submissions import COLUMNS as SUBMISSION_COLUMNS
from ..model.submissions import read_submissions
from ..model.units import Registry, load_registry
from ..outputs import write_csv
from ..problems import problem, problems_frame
from . import appraised as appraised_mod
from . import compliance as compliance_mod
from . import plausibility
from . import results as results_mod
from .audit import audit_tables
from .registry_figures import registry_figures
from .scoring import Evaluation, score
from .uncertainty import UncertaintySettings

SYNTHETIC_SOURCE = "demo"  # the ``source`` of every observation the demo generator writes


@dataclass(frozen=True)
class ScoredYear:
    """A scored year: the run file, the evaluation, and the tables a run writes (name → DataFrame)."""

    run: RunConfig
    evaluation: Evaluation
    tables: dict[str, pd.DataFrame]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        """Whether the outputs are made from synthetic data: the run file says so, or an observation of the
        run came from the demo generator (``source`` ``demo``)."""
        return is_synthetic(self.run, self.evaluation.observations)


def is_synthetic(run: RunConfig, observations: pd.DataFrame) -> bool:
    """True when ``run`` is flagged ``synthetic`` or any observation has ``source == "demo"``."""
    sources = observations["source"] if "source" in observations.columns else pd.Series(dtype=object)
    return bool(run.synthetic or sources.astype(str).str.strip().str.lower().eq(SYNTHETIC_SOURCE).any())


def load_inputs(run: RunConfig) -> tuple[Framework, Registry, pd.DataFrame, pd.DataFrame]:
    """Framework, registry, every year's observations (validated together) and submissions.

    All files are validated before any is scored; every problem of every file is raised at once. The run's
    options are checked against the framework and its uncertainty block read, so that nothing the run file
    names can fail later (after the notebook kernels started).
    """
    framework = run.load_framework()
    registry = load_registry(run.units)
    if run.peer_groups:
        registry = registry.with_peer_groups(run.peer_groups)
    run.options.check(framework)
    UncertaintySettings.from_mapping(run.uncertainty)
    frames, subs, problems = [], [], []
    for year, path in run.observations.items():
        raw = obs_mod.read_observations(path)
        found = obs_mod.validate(raw, framework, registry, year, file=str(path))
        if found.empty:  # a blank or truncated file is no year of data
            found = obs_mod.row_count_problems(raw, framework, registry, year, file=str(path))
        if len(found):
            problems.append(found)
        else:
            frames.append(obs_mod.check(raw, framework, registry, year, file=str(path)))
    for year, path in run.submissions.items():
        try:
            subs.append(read_submissions(path, registry, year))
        except ValidationError as err:
            problems.append(err.problems)
    if run.values == "appraised":
        if not run.appraisal.is_file():
            problems.append(problems_frame([problem("appraisal_table_missing", file=run.appraisal, year=run.year)]))
        else:
            try:
                appraisal_mod.read_appraisal(run.appraisal, framework, registry, run.year)
            except ValidationError as err:
                problems.append(err.problems)
    if problems:
        raise ValidationError(pd.concat(problems, ignore_index=True))
    subs = pd.concat(subs, ignore_index=True) if subs else pd.DataFrame(columns=SUBMISSION_COLUMNS)
    return framework, registry, pd.concat(frames, ignore_index=True), subs


def earlier_observations(run: RunConfig, framework: Framework, registry: Registry, year: int) -> pd.DataFrame:
    """The typed observations of the run's years before ``year`` (the history the plausibility checks compare
    with). A file that does not validate is left out here: the run itself reports its problems."""
    frames = []
    for y, path in run.observations.items():
        if y >= year:
            continue
        try:
            frames.append(obs_mod.check(obs_mod.read_observations(path), framework, registry, y, file=str(path)))
        except ValidationError:
            continue
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=obs_mod.COLUMNS)


def score_run(run: RunConfig, inputs: tuple | None = None) -> ScoredYear:
    """Validate every input of ``run`` (or take ``load_inputs(run)`` already done), score the year once and shape
    the output tables."""
    t0 = time.perf_counter()
    framework, registry, observations, submissions = inputs if inputs is not None else load_inputs(run)
    t1 = time.perf_counter()
    # values to verify (warnings) on the units' own figures; with values: appraised, the Department's decisions
    # replace the figures they adjust or reject, and the self-assessed scores are kept beside the appraised ones
    found = plausibility.findings(observations, framework, registry, run.year,
                                  load_plausibility(framework, run.plausibility),
                                  files=run.observations[run.year].name)
    decisions = None
    scored_obs = observations
    if run.values == "appraised":
        decisions = appraisal_mod.latest(appraisal_mod.read_appraisal(run.appraisal, framework, registry, run.year),
                                         run.year)
        scored_obs = appraisal_mod.apply(observations, decisions, run.year)
    evaluation = score(scored_obs, framework, registry, run.year, run.options)
    comp = compliance_mod.compliance(evaluation, submissions)
    t2 = time.perf_counter()
    # rank intervals, every draw's parameters and Sobol indices when the run file asks for draws; seeded by the
    # run, so the tables are identical between reruns
    audit = audit_tables(evaluation, run.uncertainty)
    t3 = time.perf_counter()
    out = tables(evaluation, comp, audit)
    out["plausibility"] = found
    out["results"] = year_results(scored_obs, framework, out["scores"], run.year)
    if run.year in run.free_text:  # the units' own words, validated, kept beside the tables for the reports
        out["free_text"] = read_free_text(run.free_text[run.year], registry, run.year)
    figures = registry_figures(evaluation)  # written only when a figure is unknown or an estimate
    if len(figures):
        out["registry_figures"] = figures
    if decisions is not None:
        self_assessed = score(observations, framework, registry, run.year, run.options)
        out["scores"] = appraised_mod.with_self_assessed(out["scores"], self_assessed, decisions)
        out["appraisal"] = appraised_mod.adjustments(decisions, self_assessed, evaluation)
    if run.ranks and not ranked_year(run, run.year - 1):
        out = without_last_years_ranks(out, run.year - 1)
    return ScoredYear(
        run=run,
        evaluation=evaluation,
        tables=out if run.ranks else unranked(out),
        timings={"read_validate_s": round(t1 - t0, 4), "score_s": round(t2 - t1, 4),
                 "uncertainty_s": round(t3 - t2, 4)},
    )


def year_results(observations: pd.DataFrame, framework: Framework, scores: pd.DataFrame, year: int) -> pd.DataFrame:
    """The actual results of ``year`` by peer group and for the province, beside ``year - 1`` on the same units
    (``evaluation.results``), for the units of ``scores``."""
    spec = results_mod.specs(framework, load_weights(framework))
    groups = scores.set_index("unit_code")["kind"]
    parts = results_mod.unit_parts(observations[observations["year"].isin([year, year - 1])], spec)
    return results_mod.results(parts, spec, groups, year)


def tables(
    evaluation: Evaluation, comp: pd.DataFrame, audit: Mapping[str, pd.DataFrame] | None = None
) -> dict[str, pd.DataFrame]:
    """The output tables of a year (see docs/ARCHITECTURE.md), sorted so that their bytes are stable.

    ``audit`` holds the audit tables (``evaluation.audit.audit_tables``), written beside ``scores``: the removal
    impact, coherence and correlations, sorted by peer group then in the framework's order; and, when the run
    drew, the uncertainty tables, whose rank intervals and band shares are added to ``scores``.
    """
    fw = evaluation.framework
    groups = evaluation.registry.group_ids()
    bands = fw.bands.set_index("code")["label_vi"]
    scores = evaluation.of_year("units").merge(
        comp[["unit_code", "received", "days_late", "on_time", "completeness_pct"]], on="unit_code", how="left"
    )
    scores.insert(scores.columns.get_loc("band") + 1, "band_vi", scores["band"].map(bands))
    ind = evaluation.of_year("indicators")
    ind = ind.merge(scores[["unit_code", "name_vi"]], on="unit_code", how="left")
    meta = fw.indicators[["label_vi", "clause", "type", "direction"]]
    ind = ind.join(meta, on="indicator_id")
    trend_cols = ["year", "unit_code", "name_vi", "kind", "composite", "band", "rank", *fw.areas.index]
    out = {
        "scores": _ordered(scores, ["kind", "unit_code"], groups),
        "indicators": _ordered(ind, ["unit_code", "indicator_id"], groups),
        "trend": _ordered(evaluation.units[trend_cols], ["year", "kind", "unit_code"], groups),
        "compliance": _ordered(comp, ["kind", "unit_code"], groups),
    }
    audit = dict(audit or {})
    codes = {c: i for i, c in enumerate([*fw.indicators.index, *fw.areas.index])}  # the index after them
    structure = {
        "removal": (["kind", "removed", "unit_code"], {"removed": codes}),
        "coherence_areas": (["kind", "year", "area"], {"area": codes}),
        "coherence_indicators": (["kind", "year", "indicator"], {"indicator": codes}),
        "correlations": (["kind", "row", "column"], {"row": codes, "column": codes}),
    }
    for name, (by, order) in structure.items():
        if name in audit:
            out[name] = _ordered(audit.pop(name), by, groups, order)
    if "uncertainty" in audit:  # rank interval and band shares wherever a rank is shown
        unc = audit["uncertainty"]
        bands = [c for c in unc.columns if c.startswith("p_") and c != "p_ranked"]
        interval = ["rank_median", "rank_p05", "rank_p95"]
        cols = ["year", "unit_code", *interval, *bands, "level_stable"]
        merged = out["scores"].merge(unc[cols], on=["year", "unit_code"], how="left")
        # a unit without an official rank gets no interval: only draws that impute its gaps ever rank it
        merged.loc[merged["rank"].isna(), interval] = np.nan
        out["scores"] = merged
        out["uncertainty"] = _ordered(unc, ["kind", "unit_code"], groups)
        out.update({k: v for k, v in audit.items() if k != "uncertainty"})
    return out


RANK_COLUMNS = ("rank", "n_ranked", "rank_change", "rank_median", "rank_p05", "rank_p95", "rank_self_assessed", "rank_shift")


def unranked(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables of a run that asks for levels without ranks (``ranks: false``): every rank left empty."""
    out = dict(tables)
    for name in ("scores", "trend", "uncertainty"):
        if name in out:
            df = out[name].copy()
            for col in RANK_COLUMNS:
                if col in df.columns:
                    df[col] = pd.array([pd.NA] * len(df), dtype="Int64") if col != "rank_median" else np.nan
            out[name] = df
    return out


def ranked_year(run: RunConfig, year: int) -> bool:
    """Whether ``year`` published ranks: False when its run file (beside ``run``'s) says ``ranks: false``."""
    path = default_run_path(year, run.root)
    return not path.is_file() or load_run(path).ranks


def without_last_years_ranks(tables: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """The tables of a ranked year whose previous ``year`` had no ranks (2026 after 2025): no rank change, and no
    rank for ``year`` in the trend, since that year's ranks were never published."""
    out = dict(tables)
    scores = out["scores"].copy()
    scores["rank_change"] = pd.array([pd.NA] * len(scores), dtype="Int64")
    trend = out["trend"].copy()
    trend["rank"] = trend["rank"].astype("Int64").mask(trend["year"] == year)
    out.update(scores=scores, trend=trend)
    return out


def _ordered(
    df: pd.DataFrame, by: list[str], groups: list[str], order: Mapping[str, Mapping] | None = None
) -> pd.DataFrame:
    """Stable row order: peer groups in the registry's order (districts before departments, the plan's), then by
    code; ``order`` gives the position of each value of some columns (codes in the framework's order; a value it
    lacks comes last)."""
    key = {"kind": {k: i for i, k in enumerate(groups)}, **(order or {})}

    def position(s: pd.Series) -> pd.Series:
        return s.map(key[s.name]).fillna(len(key[s.name])) if s.name in key else s

    return df.sort_values(by, kind="stable", key=position).reset_index(drop=True)


def write_tables(scored: ScoredYear, folder: Path) -> list[Path]:
    """Write every table of ``scored`` as ``<name>.csv`` into ``folder``."""
    return [write_csv(df, Path(folder) / f"{name}.csv") for name, df in scored.tables.items()]
