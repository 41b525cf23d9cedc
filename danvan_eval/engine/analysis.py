"""Analysis of a built index: effective weights, correlations, Cronbach's alpha, outranking and Copeland scores.

Pure functions, each matching the COINr 1.1.14 function named in its docstring (checked against the ASEM
reference in ``tests/fixtures/coinr_asem``). Missing values are never read as zeros: statistics use the
pairwise-complete observations, as R's ``use = "pairwise.complete.obs"`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .coin import Coin
from .errors import EngineError


def effective_weights(meta: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Share of the index carried by each code (COINr ``get_eff_weights``).

    Weights are normalised within each group of siblings, then multiplied down the tree, so the indicators'
    effective weights (like those of every level) sum to 1 and the top code has 1.

    Parameters
    ----------
    meta : index = codes; ``parent`` and ``weight`` columns.
    weights : code → weight overriding ``meta.weight``.

    Returns
    -------
    Series indexed like ``meta``.
    """
    w = meta["weight"].astype(float).copy()
    if weights:
        w.update(pd.Series(weights, dtype=float))
    parent = meta["parent"]
    has_parent = parent.notna()
    share = w.copy()
    share[has_parent] = w[has_parent] / w[has_parent].groupby(parent[has_parent]).transform("sum")
    share[~has_parent] = 1.0
    out: dict[str, float] = {}

    def eff(code: str) -> float:  # top-down, as COINr multiplies
        if code not in out:
            up = parent[code]
            out[code] = share[code] * (1.0 if pd.isna(up) else eff(up))
        return out[code]

    for code in meta.index:
        eff(code)
    return pd.Series(out, name="eff_weight").reindex(meta.index)


def cronbach_alpha(df: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns of ``df`` (COINr ``get_cronbach``).

    ``k² · mean(off-diagonal covariance) / sum(covariance)``, with the pairwise-complete sample covariance.
    """
    cov = df.astype(float).cov().to_numpy()
    k = cov.shape[0]
    if k < 2:
        return np.nan
    off = cov[~np.eye(k, dtype=bool)]
    return float(k * k * off.mean() / cov.sum())


def _pairwise_pearson(a: np.ndarray, b: np.ndarray) -> tuple[float, int]:
    ok = ~np.isnan(a) & ~np.isnan(b)
    n = int(ok.sum())
    if n < 2:
        return np.nan, n
    x, y = a[ok] - a[ok].mean(), b[ok] - b[ok].mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum())), n


def _pearson_pvalue(r: float, n: int) -> float:
    """Two-sided p-value of R's ``cor.test`` (Student t with n − 2 degrees of freedom)."""
    if np.isnan(r) or n < 3:
        return np.nan
    # imported here, not with the module: scipy.stats costs ~1 s of CPU to every process that imports the engine
    from scipy import stats

    if abs(r) >= 1:
        return 0.0
    t = np.sqrt(n - 2) * r / np.sqrt(1 - r * r)
    return float(2 * stats.t.sf(abs(t), n - 2))


def correlations(
    coin: Coin,
    dset: str = "Aggregated",
    levels: Sequence[int] = (1, 2),
    method: str = "pearson",
    pval: float = 0.05,
    withparent: bool = False,
) -> pd.DataFrame:
    """Correlations between the codes of two levels of one data set (COINr ``get_corr``).

    Parameters
    ----------
    levels : the two levels, e.g. ``(1, 2)`` indicators against pillars, ``(2, 4)`` pillars against the index.
    method : ``"pearson"`` or ``"spearman"`` (pairwise-complete observations).
    pval : correlations whose p-value exceeds it are NaN, as in COINr (``0`` keeps all). Pearson only.
    withparent : keep only the pairs where the higher-level code is an ancestor of the other.

    Returns
    -------
    Long table ``var1`` (higher-level code), ``var2`` (lower-level code), ``correlation``.
    """
    if method not in ("pearson", "spearman"):
        raise EngineError("engine.correlation_method", method=method)
    if pval > 0 and method != "pearson":
        raise EngineError("engine.pvalue_pearson")
    low, high = sorted(levels)
    df = coin[dset]
    meta = coin.meta
    codes_low = [c for c in meta.index[meta["level"] == low] if c in df.columns]
    codes_high = [c for c in meta.index[meta["level"] == high] if c in df.columns]
    x = df[codes_low + codes_high].astype(float)
    if method == "spearman":
        x = x.rank()
    columns = {c: x[c].to_numpy() for c in x.columns}  # once: a column of a frame costs more than its pearson
    ancestors = {lo: _ancestors(meta, lo) for lo in codes_low} if withparent else {}
    rows = []
    for hi in codes_high:
        for lo in codes_low:
            if withparent and hi not in ancestors[lo]:
                continue
            r, n = _pairwise_pearson(columns[hi], columns[lo])
            if pval > 0 and not (_pearson_pvalue(r, n) <= pval):
                r = np.nan
            rows.append((hi, lo, r))
    return pd.DataFrame(rows, columns=["var1", "var2", "correlation"])


def _ancestors(meta: pd.DataFrame, code: str) -> list[str]:
    out = []
    parent = meta.at[code, "parent"]
    while pd.notna(parent):
        out.append(parent)
        parent = meta.at[parent, "parent"]
    return out


def outranking_matrix(df: pd.DataFrame, weights: Sequence[float] | pd.Series | None = None) -> pd.DataFrame:
    """Weighted outranking matrix of the units (rows) over the columns (COINr ``outrankMatrix``).

    Entry (i, j) is the weight of the columns where unit i scores above unit j plus half the weight of the
    columns where they tie, weights rescaled to sum to 1; the diagonal is 0. As in COINr the lower triangle is
    ``1 − upper``, so a pair with missing values still sums to 1.
    """
    x = df.to_numpy(float)
    k = x.shape[1]
    w = (
        np.ones(k)
        if weights is None
        else np.asarray(weights.reindex(df.columns) if isinstance(weights, pd.Series) else weights, float)
    )
    w = w / np.nansum(w)
    gt = x[:, None, :] > x[None, :, :]
    eq = x[:, None, :] == x[None, :, :]
    upper = (gt * w).sum(axis=2) + (eq * w).sum(axis=2) / 2
    n = len(x)
    iu = np.triu_indices(n, 1)
    om = np.zeros((n, n))
    om[iu] = upper[iu]
    om[(iu[1], iu[0])] = 1 - upper[iu]
    return pd.DataFrame(om, index=df.index, columns=df.index)


def copeland(df: pd.DataFrame, weights: Sequence[float] | pd.Series | None = None) -> pd.Series:
    """Copeland score of each unit (COINr ``a_copeland``): pairs won minus pairs lost in the outranking matrix.

    A pair is won when the unit outranks the other with more than half the weight, lost below half, drawn at
    exactly half.
    """
    om = outranking_matrix(df, weights).to_numpy()
    score = np.sign(om - 0.5)
    np.fill_diagonal(score, 0)
    return pd.Series(score.sum(axis=1), index=df.index, name="copeland")
