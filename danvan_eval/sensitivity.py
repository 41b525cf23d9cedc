"""Which choice drives the ranks: Sobol indices, removing one indicator or area, statistical coherence.

- ``sobol_indices``: first-order (Saltelli 2010) and total (Jansen 1999) indices from an A/B/AB design, with
  bootstrap percentile intervals — COINr's ``SA_estimate`` with the rows resampled jointly.
- ``sensitivity``: the design over a spec's factors (each factor a group of parameters: all the weights of a
  level move together), run through the fast path; the output is COINr's mean absolute rank shift.
- ``removal_impact``: ranks with one code made not applicable (its siblings' weights renormalised).
- ``coherence``: correlations of indicators with their area and the index, Cronbach's alpha, negative flags
  (``analysis``), per area; per year and peer group for an evaluation.
- ``audit_tables``: all of it for a scored year, as the tidy tables the run writes to ``outputs/<Y>/``;
  ``audit_data`` reads them back for the methodology audit notebook (no scoring there: score once, render many).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from . import analysis
from . import batch_aggregate as batch
from . import coin as engine
from . import evaluation_uncertainty as evu
from . import uncertainty as unc
from .errors import tr_error


# ---------------------------------------------------------------- Sobol indices
def sobol_indices(
    y_a: np.ndarray, y_b: np.ndarray, y_ab: np.ndarray, factors: list[str], n_boot: int = 200, seed: int = 0
) -> pd.DataFrame:
    """First-order and total Sobol indices of each factor.

    Parameters
    ----------
    y_a, y_b : outputs of the two independent samples A and B (N each).
    y_ab : (factors, N) outputs of A with factor i's parameters taken from B.
    factors : names, in the order of ``y_ab``.
    n_boot : bootstrap resamples of the N rows (jointly for A, B and AB) for the 5–95 % intervals.

    Returns
    -------
    One row per factor: ``factor, S1, S1_p05, S1_p95, ST, ST_p05, ST_p95``;
    ``S1 = mean(yB · (yABi − yA)) / V`` (Saltelli 2010), ``ST = mean((yA − yABi)²) / (2V)`` (Jansen),
    ``V = var(yA ∪ yB)``. NaN when the output does not vary.
    """
    y_a, y_b, y_ab = (np.asarray(v, float) for v in (y_a, y_b, y_ab))

    def estimate(a, b, ab):
        v = np.var(np.concatenate([a, b], axis=-1), axis=-1, ddof=1)[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            s1 = np.mean(b[..., None, :] * (ab - a[..., None, :]), axis=-1) / v
            st = np.mean((a[..., None, :] - ab) ** 2, axis=-1) / (2 * v)
        return s1, st

    s1, st = estimate(y_a, y_b, y_ab)
    out = pd.DataFrame({"factor": factors, "S1": s1, "ST": st})
    if n_boot:
        idx = np.random.default_rng(seed).integers(len(y_a), size=(n_boot, len(y_a)))
        bs1, bst = estimate(y_a[idx], y_b[idx], np.moveaxis(y_ab[:, idx], 0, 1))
        with np.errstate(invalid="ignore"):
            out["S1_p05"], out["S1_p95"] = np.percentile(bs1, [5, 95], axis=0)
            out["ST_p05"], out["ST_p95"] = np.percentile(bst, [5, 95], axis=0)
    return out[
        [c for c in ("factor", "S1", "S1_p05", "S1_p95", "ST", "ST_p05", "ST_p95") if c in out.columns]
    ]


def saltelli_draws(
    spec: Mapping[str, unc.Choice], n: int, seed: int | np.random.Generator, coins
) -> pd.DataFrame:
    """The A, B and AB_i samples, ``n · (factors + 2)`` rows, ``design`` = ``A``, ``B`` or ``AB:<factor>``."""
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    a = unc.sample_draws(spec, n, rng, coins)
    b = unc.sample_draws(spec, n, rng, coins)
    parts = [a.assign(design="A"), b.assign(design="B")]
    for factor, cols in unc.factor_columns(a).items():
        ab = a.copy()
        ab[cols] = b[cols].to_numpy()
        parts.append(ab.assign(design=f"AB:{factor}"))
    out = pd.concat(parts, ignore_index=True)
    out["draw"] = np.arange(len(out))
    return out[["draw", "design", *[c for c in a.columns if c != "draw"]]]


def rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """COINr's output of a sensitivity analysis: mean absolute rank change from the nominal ranks, per draw."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a draw that ranks no unit has no shift: NaN
        return np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)


def _indices(design: pd.DataFrame, y: np.ndarray, n_boot: int, seed: int) -> pd.DataFrame:
    factors = [d.split(":", 1)[1] for d in dict.fromkeys(design["design"]) if d.startswith("AB:")]
    pick = {d: y[(design["design"] == d).to_numpy()] for d in dict.fromkeys(design["design"])}
    y_ab = np.stack([pick[f"AB:{f}"] for f in factors]) if factors else np.empty((0, len(pick["A"])))
    return sobol_indices(pick["A"], pick["B"], y_ab, factors, n_boot, seed)


@dataclass(frozen=True)
class SensitivityResult:
    """A sensitivity analysis: the design (one row per replication), its output and the indices."""

    design: pd.DataFrame
    output: pd.Series
    indices: pd.DataFrame


def sensitivity(
    c: engine.Coin,
    spec: Mapping[str, unc.Choice],
    n: int = 500,
    seed: int = 0,
    rows: pd.Index | None = None,
    n_boot: int = 200,
) -> SensitivityResult:
    """Sobol indices of the factors of ``spec`` on the mean absolute rank shift of ``rows``."""
    design = saltelli_draws(spec, n, seed, c)
    sim = unc.simulate(c, spec, design, rows)
    nominal = batch.rank_draws(c["Aggregated"][c.top].reindex(sim.index).to_numpy(float))
    y = rank_shift(sim.ranks, nominal)
    return SensitivityResult(design, pd.Series(y, name="rank_shift"), _indices(design, y, n_boot, seed))


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
    # a stream of its own, so that the rank intervals drawn with the same seed are not repeated here
    design = saltelli_draws(
        spec,
        n,
        np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0]),
        list(evaluation.coins.values()),
    )
    units = evaluation.of_year("units").set_index(["year", "unit_code"])["rank"].astype(float)
    parts = []
    for kind, sim in evu.simulate_evaluation(evaluation, spec, design).items():
        y = rank_shift(sim.ranks, units.reindex(sim.index).to_numpy(float))
        part = _indices(design, y, n_boot, seed)
        part.insert(0, "kind", kind)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- removing one indicator or area
def removal_impact(
    c: engine.Coin, rows: pd.Index | None = None, codes: list[str] | None = None
) -> pd.DataFrame:
    """Rank of every unit with each code removed (not applicable: the weights of its siblings renormalise).

    Returns a long table ``removed, level, unit, rank, rank_without, shift`` (shift > 0: the unit moves up
    when the code is removed); ``unit`` is the row key.
    """
    rows = c["Raw"].index if rows is None else batch.as_index(rows)
    tree = batch.Tree.of(c)
    meta = c.meta
    codes = [k for k in meta.index if k != c.top] if codes is None else list(codes)
    inds = c.indicators
    x = c[batch.leaf_set(c)][inds].reindex(rows).to_numpy(float)
    app = (
        np.ones(x.shape, bool)
        if c.not_applicable is None
        else ~c.not_applicable.reindex(index=rows, columns=inds, fill_value=False).to_numpy(bool)
    )
    agg = batch.aggregate_args(c)
    xs = np.repeat(x[None], len(codes), axis=0)
    aps = np.repeat(app[None], len(codes), axis=0)
    for s, code in enumerate(codes):
        gone = [j for j, k in enumerate(inds) if code in _lineage(meta, k)]
        xs[s][:, gone] = np.nan
        aps[s][:, gone] = False
    w = np.repeat(batch.code_weights(c, agg).reindex(tree.codes).to_numpy(float)[None], len(codes), axis=0)
    ranks = batch.rank_draws(batch.top_scores(xs, aps, w, tree, agg))
    nominal = batch.rank_draws(c["Aggregated"][c.top].reindex(rows).to_numpy(float))
    out = pd.DataFrame(
        {
            "removed": np.repeat(codes, len(rows)),
            "level": np.repeat(meta.loc[codes, "level"].to_numpy(int), len(rows)),
            "unit": np.tile([unc.row_key(k) for k in rows], len(codes)),
            "rank": np.tile(nominal, len(codes)),
            "rank_without": ranks.ravel(),
        }
    )
    out["shift"] = out["rank"] - out["rank_without"]
    return out


def _lineage(meta: pd.DataFrame, code: str) -> list[str]:
    """``code`` and every code above it."""
    out = [code]
    while pd.notna(meta.at[out[-1], "parent"]):
        out.append(meta.at[out[-1], "parent"])
    return out


def removal_summary(impact: pd.DataFrame) -> pd.DataFrame:
    """Per removed code: mean and largest absolute rank shift, units that move."""
    g = impact.assign(abs_shift=impact["shift"].abs()).groupby(["removed", "level"], sort=False)["abs_shift"]
    out = pd.DataFrame(
        {
            "mean_abs_shift": g.mean(),
            "max_abs_shift": g.max(),
            "units_moved": g.apply(lambda s: int((s > 0).sum())),
        }
    )
    return out.reset_index()


def evaluation_removal(evaluation) -> pd.DataFrame:
    """``removal_impact`` of every peer group on the evaluated year (columns ``kind, year, unit_code`` added)."""
    parts = []
    for kind, c in evaluation.coins.items():
        rows = evu.year_rows(c, evaluation.year)
        part = removal_impact(c, rows)
        keys = {unc.row_key(k): k for k in rows}
        part.insert(0, "kind", kind)
        part["year"] = [keys[u][0] for u in part["unit"]]
        part["unit_code"] = [keys[u][1] for u in part["unit"]]
        parts.append(part.drop(columns="unit"))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------- statistical coherence
def _restricted(c: engine.Coin, rows: pd.Index) -> engine.Coin:
    agg = c["Aggregated"]
    return replace(c, data=MappingProxyType({"Aggregated": agg.loc[agg.index.intersection(rows)]}))


def coherence(c: engine.Coin, rows: pd.Index | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statistical coherence of each area (level-2 code) over ``rows``.

    Returns
    -------
    areas : ``area, n_indicators, alpha`` (Cronbach), ``r_index`` (area vs index), ``n_negative``.
    indicators : ``indicator, area, r_area, r_index, negative`` (Pearson, pairwise complete; ``negative`` =
        correlates negatively with its own area, a sign that it measures something else).
    """
    sub = c if rows is None else _restricted(c, batch.as_index(rows))
    meta = c.meta
    top_level = int(meta.at[c.top, "level"])
    pairs = analysis.correlations(sub, "Aggregated", levels=(1, 2), pval=0, withparent=True)
    ind_top = analysis.correlations(sub, "Aggregated", levels=(1, top_level), pval=0).set_index("var2")
    area_top = analysis.correlations(sub, "Aggregated", levels=(2, top_level), pval=0).set_index("var2")
    ind = pd.DataFrame(
        {
            "indicator": pairs["var2"].to_numpy(),
            "area": pairs["var1"].to_numpy(),
            "r_area": pairs["correlation"].to_numpy(float),
        }
    )
    ind["r_index"] = ind["indicator"].map(ind_top["correlation"]).astype(float)
    ind["negative"] = ind["r_area"] < 0
    data = sub["Aggregated"]
    areas = []
    for area in meta.index[meta["level"] == 2]:
        kids = list(meta.index[meta["parent"] == area])
        areas.append(
            {
                "area": area,
                "n_indicators": len(kids),
                "alpha": analysis.cronbach_alpha(data[kids]),
                "r_index": float(area_top["correlation"].get(area, np.nan)),
                "n_negative": int(ind.loc[ind["area"] == area, "negative"].sum()),
            }
        )
    return pd.DataFrame(areas), ind


def correlation_matrix(c: engine.Coin, rows: pd.Index | None = None) -> pd.DataFrame:
    """Pearson correlation of every indicator (rows, in tree order) with every area and the index (columns)."""
    sub = c if rows is None else _restricted(c, batch.as_index(rows))
    meta = c.meta
    top_level = int(meta.at[c.top, "level"])
    long = pd.concat(
        [analysis.correlations(sub, "Aggregated", levels=(1, level), pval=0) for level in (2, top_level)]
    )
    table = long.pivot(index="var2", columns="var1", values="correlation")
    cols = [*meta.index[meta["level"] == 2], c.top]
    return table.reindex(index=c.indicators, columns=cols).astype(float)


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
    ua = evu.rank_intervals(evaluation, s.draws, s.seed, spec=spec)
    tables.update({"uncertainty": ua.summary, "uncertainty_draws": ua.draws})
    if s.sensitivity_draws:
        tables["sensitivity"] = evaluation_sensitivity(
            evaluation, s.sensitivity_draws, s.seed, spec=spec, n_boot=s.bootstrap
        )
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

    @property
    def kinds(self) -> list[str]:
        """The peer groups of the year, in the plan's order."""
        from .scoring import KINDS

        present = set(self.scores["kind"])
        return [k for k in KINDS if k in present]


def audit_data(year: int, outputs_dir, run_file=None) -> AuditData:
    """Read what the run wrote to ``outputs_dir/<year>/`` (``outputs.read_year``) and the framework it pinned
    (manifest) for the labels. Nothing is scored and no observation file is read.

    ``run_file`` is accepted for compatibility (the runner passes it to every notebook) and is not read: only
    its project root is tried first for the manifest's relative input paths (then the package's root, then the
    shipped framework of the manifest's version)."""
    from .framework import DEFAULT_VERSION, default_framework_path, load_framework
    from .outputs import read_year
    from .units import load_registry

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
    )


def _pinned_input(manifest: Mapping[str, Any], name: str, run_file=None) -> Path | None:
    """The input file ``name`` that the manifest records (path relative to the run's project root, sha256):
    under the run file's project root, else the package's; one with the recorded hash first. None if absent."""
    from .outputs import sha256
    from .runs import project_root

    entry = (manifest.get("inputs") or {}).get(name) or {}
    if not entry.get("path"):
        return None
    path = Path(entry["path"])
    roots = [project_root(Path(run_file))] if run_file else []
    roots.append(Path(__file__).resolve().parent.parent)
    found = [p for p in dict.fromkeys([path] if path.is_absolute() else [r / path for r in roots]) if p.is_file()]
    same = [p for p in found if sha256(p) == entry.get("sha256")]
    return (same or found or [None])[0]
