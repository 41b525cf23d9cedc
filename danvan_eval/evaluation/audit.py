"""The methodology audit of a Directive 33 evaluation: sensitivity, removal, coherence per year and peer group.

- ``evaluation_sensitivity``, ``evaluation_removal``, ``evaluation_coherence``, ``evaluation_correlations``: the
  engine's analyses (``engine.sensitivity``) run on each peer group's coin, on the evaluated year's rows.
- ``audit_tables``: all of it for a scored year, as the tidy tables the run writes to ``outputs/<Y>/``;
  ``audit_data`` reads them back for the methodology audit notebook (no scoring there: score once, render many).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine import uncertainty as unc
from ..engine.sensitivity import (
    coherence,
    correlation_matrix,
    rank_shift,
    removal_impact,
    saltelli_draws,
    sobol_table,
)
from ..errors import tr_error
from ..model import groups
from ..paths import PROJECT_ROOT
from . import uncertainty as evu


# ---------------------------------------------------------------- Sobol indices
def evaluation_sensitivity(
    evaluation,
    n: int = 500,
    seed: int = 0,
    spec: Mapping[str, unc.Choice] | None = None,
    n_boot: int = 200,
    **spec_args: Any,
) -> pd.DataFrame:
    """Sobol indices per peer group (``kind, factor, S1 …``) of the evaluated year's rank shift."""
    spec = evu.evaluation_spec(evaluation, **spec_args) if spec is None else spec
    design = sensitivity_design(evaluation, spec, n, seed)
    return sobol_of(evaluation, design, evu.simulate_evaluation(evaluation, spec, design), n_boot, seed)


def sensitivity_design(evaluation, spec: Mapping[str, unc.Choice], n: int, seed: int) -> pd.DataFrame:
    """The Saltelli design of ``evaluation_sensitivity`` (``n`` base draws)."""
    # a stream of its own, so that the rank intervals drawn with the same seed are not repeated here
    return saltelli_draws(
        spec,
        n,
        np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0]),
        list(evaluation.coins.values()),
    )


def sobol_of(
    evaluation, design: pd.DataFrame, sims: Mapping[str, unc.Simulation], n_boot: int, seed: int
) -> pd.DataFrame:
    """``evaluation_sensitivity`` of a design already simulated (``simulate_evaluation``, per peer group)."""
    units = evaluation.of_year("units").set_index(["year", "unit_code"])["rank"].astype(float)
    parts = []
    for kind, sim in sims.items():
        y = rank_shift(sim.ranks, units.reindex(sim.index).to_numpy(float))
        part = sobol_table(design, y, n_boot, seed)
        part.insert(0, "kind", kind)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- removing one indicator or area
def evaluation_removal(evaluation) -> pd.DataFrame:
    """``removal_impact`` of every peer group on the evaluated year (columns ``kind, year, unit_code`` added)."""
    parts = []
    for kind, c in evaluation.coins.items():
        rows = evu.year_rows(c, evaluation.year)
        part = removal_impact(c, rows)
        keys = {unc.row_key(k): k for k in rows}
        part.insert(0, "kind", kind)
        units = part["unit"].tolist()
        part["year"] = [keys[u][0] for u in units]
        part["unit_code"] = [keys[u][1] for u in units]
        parts.append(part.drop(columns="unit"))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- statistical coherence
def evaluation_coherence(evaluation, years: list[int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``coherence`` per peer group and year (default: the evaluated year), with ``kind, year`` columns."""
    years = [evaluation.year] if years is None else list(years)
    area_parts, ind_parts = [], []
    for kind, c in evaluation.coins.items():
        for year in years:
            a, i = coherence(c, evu.year_rows(c, year))
            for part in (a, i):
                part.insert(0, "year", year)
                part.insert(0, "kind", kind)
            area_parts.append(a)
            ind_parts.append(i)
    return pd.concat(area_parts, ignore_index=True), pd.concat(ind_parts, ignore_index=True)


# ---------------------------------------------------------------- the yearly run
STRUCTURE_TABLES = ("removal", "coherence_areas", "coherence_indicators", "correlations")


def evaluation_correlations(evaluation) -> pd.DataFrame:
    """``correlation_matrix`` of every peer group on the evaluated year, long: ``kind, row, column, r`` (row an
    indicator, column an area or the index; every cell, r NaN where the correlation is undefined)."""
    parts = []
    for kind, c in evaluation.coins.items():
        matrix = correlation_matrix(c, evu.year_rows(c, evaluation.year))
        long = matrix.rename_axis(index="row", columns="column").reset_index()
        long = long.melt(id_vars="row", var_name="column", value_name="r")
        long.insert(0, "kind", kind)
        parts.append(long)
    return pd.concat(parts, ignore_index=True)


def correlation_matrices(long: pd.DataFrame, framework=None) -> dict[str, pd.DataFrame]:
    """Peer group → the matrix of ``correlation_matrix`` rebuilt from its long form (``evaluation_correlations``,
    ``correlations.csv``): rows and columns in the framework's order when ``framework`` is given (the index
    last), else in the order of the table."""
    order = {}
    if framework is not None:
        codes = [*framework.indicators.index, *framework.areas.index]
        order = {code: i for i, code in enumerate(codes)}
    out = {}
    for kind, part in long.groupby("kind", sort=False):
        rows = sorted(dict.fromkeys(part["row"]), key=lambda k: order.get(k, len(order)))
        cols = sorted(dict.fromkeys(part["column"]), key=lambda k: order.get(k, len(order)))
        matrix = part.pivot(index="row", columns="column", values="r").reindex(index=rows, columns=cols)
        out[str(kind)] = matrix.rename_axis(index="var2", columns="var1").astype(float)
    return out


def structure_tables(evaluation) -> dict[str, pd.DataFrame]:
    """What the index's structure does to the evaluated year, whatever the Monte Carlo settings:
    ``removal`` (``evaluation_removal``), ``coherence_areas`` and ``coherence_indicators``
    (``evaluation_coherence``), ``correlations`` (``evaluation_correlations``). Rows in the order computed;
    ``evaluate.tables`` sorts them for the files."""
    areas, indicators = evaluation_coherence(evaluation)
    removal = evaluation_removal(evaluation)
    return {
        "removal": removal[["kind", "year", "unit_code", "removed", "level", "rank", "rank_without", "shift"]],
        "coherence_areas": areas,
        "coherence_indicators": indicators,
        "correlations": evaluation_correlations(evaluation),
    }


def audit_tables(
    evaluation, settings: Mapping[str, Any] | evu.UncertaintySettings | None
) -> dict[str, pd.DataFrame]:
    """The audit tables of a scored year (``outputs/<Y>/``): always the ``structure_tables`` (removal impact,
    coherence, correlations); when ``draws`` > 0 also ``uncertainty`` (per unit), ``uncertainty_draws`` (every
    draw's parameters) and, when ``sensitivity_draws`` > 0, ``sensitivity`` (Sobol)."""
    s = (
        settings
        if isinstance(settings, evu.UncertaintySettings)
        else evu.UncertaintySettings.from_mapping(settings)
    )
    tables = structure_tables(evaluation)
    if s.draws == 0:
        return tables
    spec = evu.evaluation_spec(
        evaluation, s.weight_noise, s.normalisation, s.aggregation, s.imputation, s.survey
    )
    # the rank intervals' draws and the Sobol design simulated together: each data variant replayed once
    draws = [unc.sample_draws(spec, s.draws, s.seed, list(evaluation.coins.values()))]
    if s.sensitivity_draws:
        draws.append(sensitivity_design(evaluation, spec, s.sensitivity_draws, s.seed))
    sims = evu.simulate_evaluations(evaluation, spec, draws)
    ua = evu.intervals(evaluation, spec, s.seed, draws[0], sims[0])
    tables.update({"uncertainty": ua.summary, "uncertainty_draws": ua.draws})
    if s.sensitivity_draws:
        tables["sensitivity"] = sobol_of(evaluation, draws[1], sims[1], s.bootstrap, s.seed)
    return tables


# ---------------------------------------------------------------- the methodology audit of a year
@dataclass(frozen=True)
class AuditData:
    """What the methodology audit shows for one year, read back from ``outputs/<Y>/``: the framework (labels),
    the uncertainty settings the run used (manifest), the tables the run wrote (``uncertainty`` and
    ``sensitivity`` are None when it drew nothing) and the correlation matrix of each peer group."""

    year: int
    framework: Any
    settings: evu.UncertaintySettings
    scores: pd.DataFrame
    uncertainty: pd.DataFrame | None
    sensitivity: pd.DataFrame | None
    removal: pd.DataFrame
    coherence_areas: pd.DataFrame
    coherence_indicators: pd.DataFrame
    correlations: Mapping[str, pd.DataFrame]
    synthetic: bool = False  # made from synthetic data (manifest)

    @property
    def kinds(self) -> list[str]:
        """The peer groups of the year, in the registry's order."""
        return groups.order(self.scores["kind"])


def audit_data(year: int, outputs_dir, run_file=None) -> AuditData:
    """Read what the run wrote to ``outputs_dir/<year>/`` (``outputs.read_year``) and the framework it pinned
    (manifest) for the labels. Nothing is scored and no observation file is read.

    ``run_file`` is accepted for compatibility (the runner passes it to every notebook) and is not read: only
    its project root is tried first for the manifest's relative input paths (then the package's root, then the
    shipped framework of the manifest's version)."""
    from ..model.framework import DEFAULT_VERSION, default_framework_path, load_framework
    from ..model.units import load_registry
    from ..outputs import read_year

    yo = read_year(outputs_dir, year)
    missing = [f"{t}.csv" for t in STRUCTURE_TABLES if getattr(yo, t) is None]
    if "uncertainty" not in yo.manifest:
        missing.append("manifest.json: uncertainty")
    if missing:
        raise tr_error("audit.error.outputs", folder=yo.folder, missing=", ".join(missing), year=year)
    framework_file = _pinned_input(yo.manifest, "framework", run_file) or default_framework_path(
        yo.manifest.get("framework_version", DEFAULT_VERSION)
    )
    if not Path(framework_file).exists():
        raise tr_error("audit.error.framework", file=framework_file, folder=yo.folder)
    framework = load_framework(framework_file)
    scores = yo.scores
    registry_file = _pinned_input(yo.manifest, "units", run_file)
    if registry_file is not None:  # English unit names; without the registry the reports show the Vietnamese
        names = load_registry(registry_file).units.drop_duplicates("code", keep="last").set_index("code")["name_en"]
        scores = scores.assign(name_en=lambda d: d["unit_code"].map(names))
    return AuditData(
        year=int(year),
        framework=framework,
        settings=evu.UncertaintySettings.from_mapping(yo.manifest["uncertainty"]),
        scores=scores,
        uncertainty=yo.uncertainty,
        sensitivity=yo.sensitivity,
        removal=yo.removal,
        coherence_areas=yo.coherence_areas,
        coherence_indicators=yo.coherence_indicators,
        correlations=correlation_matrices(yo.correlations, framework),
        synthetic=bool(yo.manifest.get("synthetic", False)),
    )


def _pinned_input(manifest: Mapping[str, Any], name: str, run_file=None) -> Path | None:
    """The input file ``name`` that the manifest records (path relative to the run's project root, sha256):
    under the run file's project root, else the package's; one with the recorded hash first. None if absent."""
    from ..model.runs import project_root
    from ..outputs import sha256

    entry = (manifest.get("inputs") or {}).get(name) or {}
    if not entry.get("path"):
        return None
    path = Path(entry["path"])
    roots = [project_root(Path(run_file))] if run_file else []
    roots.append(PROJECT_ROOT)
    found = [p for p in dict.fromkeys([path] if path.is_absolute() else [r / path for r in roots]) if p.is_file()]
    same = [p for p in found if sha256(p) == entry.get("sha256")]
    return (same or found or [None])[0]
