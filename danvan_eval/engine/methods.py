"""Interchangeable methods of the engine, looked up by name (so YAML and the uncertainty analysis can name them).

Each registry maps a name to a pure function:
- ``NORMALISE[name](df, meta, **params)``: columns = indicators, ``meta`` rows for them;
- ``AGGREGATE[name](x, w)``: a units × children array and the children's weights → one value per unit,
  ignoring NaN children and renormalising the weights over those present;
- ``IMPUTE[name](df, groups, **params)`` and ``TREAT[name](df, **params)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .errors import EngineError

NORMALISE: dict[str, Callable[..., pd.DataFrame]] = {}
AGGREGATE: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {}
IMPUTE: dict[str, Callable[..., pd.DataFrame]] = {}
TREAT: dict[str, Callable[..., pd.DataFrame]] = {}


def _register(registry: dict, name: str) -> Callable:
    def add(fn: Callable) -> Callable:
        registry[name] = fn
        return fn

    return add


# ---------------------------------------------------------------- normalisation
def _directed(df: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    return df * meta["direction"].astype(float).reindex(df.columns)


@_register(NORMALISE, "goalposts")
def n_goalposts(df: pd.DataFrame, meta: pd.DataFrame, l: float = 0.0, u: float = 100.0) -> pd.DataFrame:
    """Fixed goalposts: ``lo`` scores ``l``, ``hi`` scores ``u``, clipped; ``lo > hi`` for lower-is-better.

    Scores do not depend on the other units, so a unit's change between years is its own.
    """
    lo = meta["lo"].astype(float).reindex(df.columns)
    hi = meta["hi"].astype(float).reindex(df.columns)
    share = (df - lo) / (hi - lo)
    v = share.to_numpy(float)
    v = np.where(np.isnan(v) | (v >= 0.0), v, 0.0)  # DataFrame.clip(0, 1), without its alignment overhead
    v = np.where(np.isnan(v) | (v <= 1.0), v, 1.0)
    return pd.DataFrame(v, index=share.index, columns=share.columns) * (u - l) + l


@_register(NORMALISE, "minmax")
def n_minmax(df: pd.DataFrame, meta: pd.DataFrame, l: float = 0.0, u: float = 100.0) -> pd.DataFrame:
    """Min-max over the rows given to ``[l, u]`` after applying the direction (COINr ``n_minmax``)."""
    x = _directed(df, meta)
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) * (u - l) + l


@_register(NORMALISE, "zscore")
def n_zscore(df: pd.DataFrame, meta: pd.DataFrame, m: float = 0.0, s: float = 1.0) -> pd.DataFrame:
    """z-score with sample standard deviation, rescaled to mean ``m`` and deviation ``s`` (COINr ``n_zscore``)."""
    x = _directed(df, meta)
    return (x - x.mean()) / x.std(ddof=1) * s + m


@_register(NORMALISE, "prank")
def n_prank(df: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Percentile rank in [0, 1]: ``(rank_min − 1) / (n − 1)`` over non-missing values (COINr ``n_prank``)."""
    x = _directed(df, meta)
    return (x.rank(method="min") - 1) / (x.notna().sum() - 1)


@_register(NORMALISE, "rank")
def n_rank(df: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """Plain ascending rank, ties sharing the lowest (COINr ``n_rank`` with ``ties.method = "min"``)."""
    return _directed(df, meta).rank(method="min")


@_register(NORMALISE, "target")
def n_target(df: pd.DataFrame, meta: pd.DataFrame, cap: bool = True, u: float = 100.0) -> pd.DataFrame:
    """Distance to target: ``(x − min) / (target − min)``, capped at 1 when ``cap`` (COINr ``n_dist2targ``)."""
    x = _directed(df, meta)
    target = meta["target"].astype(float).reindex(df.columns) * meta["direction"].astype(float).reindex(df.columns)
    lo = x.min()
    out = (x - lo) / (target - lo)
    return (out.clip(upper=1.0) if cap else out) * u


# ---------------------------------------------------------------- aggregation
def _present_weights(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(x), 0.0, w[np.newaxis, :])


@_register(AGGREGATE, "amean")
def a_amean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted arithmetic mean over present children, weights renormalised (COINr ``a_amean``)."""
    wp = _present_weights(x, w)
    total = wp.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (np.nan_to_num(x) * wp).sum(axis=1) / total, np.nan)


@_register(AGGREGATE, "gmean")
def a_gmean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted geometric mean over present children (COINr ``a_gmean``); a zero child gives zero."""
    wp = _present_weights(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(np.isnan(x), 0.0, np.log(np.where(np.isnan(x), 1.0, x)))
        return np.exp((logs * wp).sum(axis=1) / wp.sum(axis=1))


@_register(AGGREGATE, "hmean")
def a_hmean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted harmonic mean over present children (COINr ``a_hmean``)."""
    wp = _present_weights(x, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        inv = np.where(np.isnan(x), 0.0, 1.0 / np.where(np.isnan(x), 1.0, x))
        return wp.sum(axis=1) / (inv * wp).sum(axis=1)


# ---------------------------------------------------------------- imputation and treatment
@_register(IMPUTE, "none")
def i_none(df: pd.DataFrame, groups: pd.DataFrame | None) -> pd.DataFrame:
    """Leave missing data missing: it is never turned into a zero."""
    return df.copy()


@_register(IMPUTE, "i_mean_grp")
def i_mean_grp(df: pd.DataFrame, groups: pd.DataFrame | None, by: str | None = None) -> pd.DataFrame:
    """Missing cell := mean of the indicator within the unit's group ``by`` (COINr ``i_mean_grp``); called by the
    ``impute`` verb with ``by``, the rows it gets are already one group."""
    if by is None:
        return df.fillna(df.mean())
    return df.fillna(df.groupby(groups[by]).transform("mean"))


@_register(IMPUTE, "i_mean")
def i_mean(df: pd.DataFrame, groups: pd.DataFrame | None) -> pd.DataFrame:
    """Missing cell := mean of the indicator over all units (COINr ``i_mean``)."""
    return df.fillna(df.mean())


@_register(IMPUTE, "previous")
def i_previous(df: pd.DataFrame, groups: pd.DataFrame | None, unit: str = "unit_code", order: str = "year") -> pd.DataFrame:
    """Missing cell := the same unit's latest earlier value (last observation carried forward)."""
    # rows by unit, each unit's in the order of ``order``: the latest present row so far, if it is the unit's
    positions = np.argsort(groups[order].to_numpy(), kind="stable")
    codes = pd.factorize(groups[unit].to_numpy()[positions])[0]
    rows = positions[np.argsort(codes, kind="stable")]
    codes = np.sort(codes, kind="stable")
    x = df.to_numpy(float)[rows]
    here = np.arange(len(rows))
    starts = np.ones(len(rows), bool)
    starts[1:] = codes[1:] != codes[:-1]
    first = np.maximum.accumulate(np.where(starts, here, 0))
    latest = np.maximum.accumulate(np.where(np.isnan(x), -1, here[:, None]), axis=0)
    keep = (latest >= first[:, None]) & (codes >= 0)[:, None]  # a row without a unit is not filled (as groupby)
    filled = np.where(keep, np.take_along_axis(x, np.maximum(latest, 0), axis=0), np.nan)
    out = np.empty_like(filled)
    out[rows] = filled
    return pd.DataFrame(out, index=df.index, columns=df.columns)


@_register(TREAT, "none")
def t_none(df: pd.DataFrame) -> pd.DataFrame:
    """No outlier treatment."""
    return df.copy()


# ---------------------------------------------------------------- outlier treatment (COINr ``Treat`` default)
def skew(x: np.ndarray) -> float:
    """Sample skewness of the non-missing values, e1071 type 2 (Excel's ``SKEW``; COINr ``skew``).

    NaN when fewer than three values are present (COINr stops with an error instead).
    """
    x = np.asarray(x, float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 3:
        return np.nan
    d = x - x.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.sqrt(n) * np.sum(d**3) / np.sum(d**2) ** 1.5
        return float(y * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis of the non-missing values, e1071 type 2 (Excel's ``KURT``; COINr ``kurt``).

    NaN when fewer than four values are present.
    """
    x = np.asarray(x, float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n < 4:
        return np.nan
    d = x - x.mean()
    with np.errstate(invalid="ignore", divide="ignore"):
        r = n * np.sum(d**4) / np.sum(d**2) ** 2
        return float(((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurt(x: np.ndarray, skew_thresh: float = 2.0, kurt_thresh: float = 3.5) -> dict:
    """COINr ``check_SkewKurt``: passes when ``|skew| < skew_thresh`` **or** ``kurt < kurt_thresh``.

    Returns ``{"Pass": bool | None, "Skew": float, "Kurt": float}``; ``Pass`` is None when the statistics are
    undefined (a constant column or too few values).
    """
    sk, kt = skew(x), kurt(x)
    ok = None if np.isnan(sk) or np.isnan(kt) else bool(abs(sk) < skew_thresh or kt < kurt_thresh)
    return {"Pass": ok, "Skew": sk, "Kurt": kt}


def winsorise(
    x: np.ndarray, winmax: int | None = 5, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
) -> tuple[np.ndarray, int, np.ndarray]:
    """COINr ``winsorise``: pull the extreme value(s) in to the next one until the column passes.

    The side is chosen by the sign of the current skew (``>= 0``: the maxima). Tied extremes move together,
    and already-pinned points tie with the new extreme, so ``nwin`` counts the points pinned on the current
    side plus those pinned on the other side by an earlier step (COINr's counter, kept as is).

    Returns
    -------
    (treated values, nwin, labels "" / "winhi" / "winlo" per point)
    """
    x = np.array(x, float)
    nwin = 0
    imax = imin = np.array([], int)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)["Pass"]
    while passing is False and (winmax is None or nwin < winmax):
        if skew(x) >= 0:
            imax = np.flatnonzero(x == np.nanmax(x))
            x[imax] = np.nanmax(np.delete(x, imax))
        else:
            imin = np.flatnonzero(x == np.nanmin(x))
            x[imin] = np.nanmin(np.delete(x, imin))
        nwin = len(imax) + len(imin)
        passing = check_skew_kurt(x, skew_thresh, kurt_thresh)["Pass"]
    labels = np.full(len(x), "", dtype=object)
    labels[imax] = "winhi"
    labels[imin] = "winlo"
    return x, nwin, labels


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr ``log_CT``: ``log(x − min + 0.01·(max − min))`` (NaN ignored by min and max)."""
    x = np.asarray(x, float)
    lo, hi = np.nanmin(x), np.nanmax(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(x - lo + 0.01 * (hi - lo))


def _treat_column(x: np.ndarray, f1: str, f2: str | None, winmax, skew_thresh, kurt_thresh, combine_treat):
    """One indicator through COINr ``Treat.numeric``: check → f1 → check → f2 → check."""
    row: dict[str, object] = {}

    def check(values: np.ndarray, i: int) -> bool | None:
        res = check_skew_kurt(values, skew_thresh, kurt_thresh)
        row.update({f"check_SkewKurt{i}.{k}": v for k, v in res.items()})
        return res["Pass"]

    def apply(name: str, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if name == "winsorise":
            out, nwin, labels = winsorise(values, winmax, skew_thresh, kurt_thresh)
            row["winsorise.nwin"] = nwin
            return out, labels
        if name == "log_CT":
            return log_ct(values), np.full(len(values), "log_CT", dtype=object)
        raise EngineError("engine.treatment", name=name)

    passing = check(x, 0)
    if passing is None:  # COINr returns the column untreated and leaves it out of the tables
        return x, None, None
    x1, lab1 = x, np.full(len(x), "", dtype=object)
    if not passing:
        x1, lab1 = apply(f1, x)
        passing = check(x1, 1)
    lab2 = None
    x2 = x1
    if passing is False and f2 is not None:
        x2, lab2 = apply(f2, x1 if combine_treat else x)
        check(x2, 2)
    if lab2 is None:
        labels = lab1
    else:  # COINr pastes the two labels with "+" (so an untouched point reads "+log_CT")
        labels = np.array([f"{a}+{b}" for a, b in zip(lab1, lab2)], dtype=object)
    return x2, row, labels


def treat_details(
    df: pd.DataFrame,
    f1: str = "winsorise",
    f2: str | None = "log_CT",
    winmax: int | None = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
    combine_treat: bool = False,
    indiv: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """COINr's default outlier treatment, column by column, with its details tables.

    Each column (on its own, un-reversed values) is checked with :func:`check_skew_kurt`; a failing column is
    treated with ``f1`` (``"winsorise"`` up to ``winmax`` points, or ``"log_CT"``); if it still fails, ``f2``
    (``"log_CT"``) is applied to the *original* column (to the ``f1`` output when ``combine_treat``) and kept
    even if it still fails.

    Parameters
    ----------
    df : rows = units, columns = indicators.
    indiv : optional ``{code: "none" | {param: value}}`` overriding the parameters for single columns.

    Returns
    -------
    treated : same shape as ``df``.
    dets : one row per column (index ``iCode``), COINr's ``Dets_Table`` columns
        ``check_SkewKurt0.Pass/.Skew/.Kurt``, ``winsorise.nwin``, ``check_SkewKurt1.*`` (and ``2.*``).
    points : same shape as ``df``: ``""``, ``"winhi"``, ``"winlo"``, ``"log_CT"``, ``"winhi+log_CT"`` …
        (COINr's ``Treated_Points``).
    """
    defaults = {
        "f1": f1,
        "f2": f2,
        "winmax": winmax,
        "skew_thresh": skew_thresh,
        "kurt_thresh": kurt_thresh,
        "combine_treat": combine_treat,
    }
    treated = df.copy()
    points = pd.DataFrame("", index=df.index, columns=df.columns, dtype=object)
    rows = {}
    for code in df.columns:
        spec = (indiv or {}).get(code, {})
        if spec == "none":
            continue
        p = {**defaults, **spec}
        x = df[code].to_numpy(float)
        out, row, labels = _treat_column(
            x, p["f1"], p["f2"], p["winmax"], p["skew_thresh"], p["kurt_thresh"], p["combine_treat"]
        )
        treated[code] = out
        if row is not None:
            rows[code] = row
            points[code] = labels
    dets = pd.DataFrame.from_dict(rows, orient="index")
    dets.index.name = "iCode"
    return treated, dets, points


@_register(TREAT, "winsorise")
def t_winsorise(df: pd.DataFrame, **params) -> pd.DataFrame:
    """COINr's default treatment: skew/kurtosis check, winsorise up to 5 points, else ``log_CT``.

    Parameters as :func:`treat_details`, whose first result this is.
    """
    return treat_details(df, **params)[0]


@_register(TREAT, "log")
def t_log(df: pd.DataFrame, **params) -> pd.DataFrame:
    """``log_CT`` on every column that fails the skew/kurtosis check (no winsorisation)."""
    return treat_details(df, **{"f1": "log_CT", "f2": None, **params})[0]
