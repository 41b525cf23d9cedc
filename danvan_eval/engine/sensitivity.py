"""Which choice drives the ranks, for any coin: Sobol indices, removing one indicator or area, coherence.

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
from types import MappingProxyType

import numpy as np
import pandas as pd

from . import analysis
from . import batch_aggregate as batch
from . import coin as engine
from . import uncertainty as unc


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
        ab = pd.concat([a.drop(columns=cols), b[cols]], axis=1)[a.columns]  # one copy, not a column at a time
        parts.append(ab.assign(design=f"AB:{factor}"))
    out = pd.concat(parts, ignore_index=True)
    out["draw"] = np.arange(len(out))
    return out[["draw", "design", *[c for c in a.columns if c != "draw"]]]


def rank_shift(ranks: np.ndarray, nominal: np.ndarray) -> np.ndarray:
    """COINr's output of a sensitivity analysis: mean absolute rank change from the nominal ranks, per draw."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a draw that ranks no unit has no shift: NaN
        return np.nanmean(np.abs(ranks - nominal[None, :]), axis=1)


def sobol_table(design: pd.DataFrame, y: np.ndarray, n_boot: int, seed: int) -> pd.DataFrame:
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
    return SensitivityResult(design, pd.Series(y, name="rank_shift"), sobol_table(design, y, n_boot, seed))


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
    lineages = [_lineage(meta, k) for k in inds]
    for s, code in enumerate(codes):
        gone = [j for j, line in enumerate(lineages) if code in line]
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
    parent = meta["parent"].to_dict()
    out = [code]
    while pd.notna(parent[out[-1]]):
        out.append(parent[out[-1]])
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
