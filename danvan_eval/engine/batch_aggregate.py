"""``coin.aggregate`` for a whole batch of draws at once, and their ranks: the vectorised core of the fast path.

The tree of a coin becomes index arrays (``Tree``); ``top_scores`` aggregates the leaf values level by level for
a batch of weight vectors (and one method per level) with batched matrix products and the engine's NaN and
threshold rules; ``rank_draws`` ranks every draw with one ``argsort`` along the unit axis. ``uncertainty.simulate``
and ``sensitivity.removal_impact`` both run on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from . import coin as engine
from .errors import EngineError

# Scores equal to this many decimals tie: the fast path sums in another order than the engine, and two units with
# identical inputs must not be split by rounding noise.
DECIMALS = 9


def as_index(rows) -> pd.Index:
    """``rows`` as an index; a MultiIndex stays one (``pd.Index`` would turn it into tuples)."""
    return rows if isinstance(rows, pd.Index) else pd.Index(rows)


def aggregate_args(c: engine.Coin) -> dict[str, Any]:
    """The arguments of the coin's (last) aggregate step, as a new dict."""
    return dict([s for s in c.log if s.verb == "aggregate"][-1].args)


def leaf_set(c: engine.Coin) -> str:
    """The data set the aggregate step reads (normally ``Normalised``)."""
    steps = [s for s in c.log if s.verb == "aggregate"]
    if not steps:
        raise EngineError("engine.no_aggregate")
    return steps[-1].dset


def code_weights(c: engine.Coin, agg: Mapping[str, Any] | None = None) -> pd.Series:
    """Weight of every code as ``coin.aggregate`` uses it: ``meta.weight`` with the ``weights`` overrides of the
    aggregate arguments ``agg`` (default: the coin's own aggregate step)."""
    agg = aggregate_args(c) if agg is None else agg
    w = c.meta["weight"].astype(float).copy()
    if agg.get("weights"):
        w.update(pd.Series(dict(agg["weights"]), dtype=float))
    return w


@dataclass(frozen=True)
class Tree:
    """The structure of a coin as index arrays: leaves first, then each level's parents and their children."""

    codes: list[str]
    leaves: np.ndarray
    top: int
    levels: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]  # (level, parents, children, membership)

    @classmethod
    def of(cls, c: engine.Coin) -> Tree:
        meta = c.meta
        codes = meta.index.tolist()
        pos = {k: i for i, k in enumerate(codes)}
        levels = []
        for level in sorted(meta["level"].unique())[1:]:
            parents = [k for k in codes if meta.at[k, "level"] == level]
            kids = [k for k in codes if meta.at[k, "parent"] in parents]
            m = np.array([[float(meta.at[k, "parent"] == p) for p in parents] for k in kids])
            levels.append(
                (int(level), np.array([pos[k] for k in parents]), np.array([pos[k] for k in kids]), m)
            )
        return cls(codes, np.array([pos[k] for k in c.indicators]), pos[c.top], levels)


def _mm(x: np.ndarray, mat: np.ndarray) -> np.ndarray:
    """``x`` (U, K) shared or (B, U, K) times ``mat`` (K, P) or (B, K, P); a shared ``x`` against per-draw
    matrices takes one large product instead of B small ones."""
    if x.ndim == 2 and mat.ndim == 3:
        b, k, p = mat.shape
        return (x @ mat.transpose(1, 0, 2).reshape(k, b * p)).reshape(x.shape[0], b, p).transpose(1, 0, 2)
    return x @ mat


def _aggregate_level(x, app, w, m, method, dat_thresh, weight_thresh):
    """One level of ``coin.aggregate`` for a batch of draws, with the engine's NaN and threshold rules.

    ``x`` children's values and ``app`` their applicability, (U, K) shared by the batch or (B, U, K); ``w`` (B, K)
    weights; ``m`` (K, P) membership. Mirrors ``methods.AGGREGATE`` (present children, weights renormalised; a
    zero child makes a geometric or harmonic mean zero, NaN if its weight is zero) and ``coin._threshold``.
    Returns the parents' values (B, U, P) and applicability ((U, P) or (B, U, P)).
    """
    nn = ~np.isnan(x)
    wd = w[:, :, None] * m[None]
    den = _mm(nn.astype(float), wd)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if method == "amean":
            value = np.where(den > 0, _mm(np.where(nn, x, 0.0), wd) / den, np.nan)
        elif method in ("gmean", "hmean"):
            ok = nn & (x > 0) if method == "gmean" else nn & (x != 0)
            safe = np.where(ok, x, 1.0)
            t = np.where(ok, np.log(safe) if method == "gmean" else 1.0 / safe, 0.0)
            num = _mm(t, wd)
            value = np.where(den > 0, np.exp(num / den) if method == "gmean" else den / num, np.nan)
            zero = (nn & (x == 0)).astype(float)
            positive = (w > 0).astype(float)[:, :, None] * m[None]
            value = np.where(_mm(zero, positive) > 0, 0.0, value)
            nil = _mm(zero, (1.0 - positive) * m[None])  # log(0) · 0 is NaN in the engine
            bad = nil + (_mm((nn & (x < 0)).astype(float), m) if method == "gmean" else 0.0)
            value = np.where(bad > 0, np.nan, value)
        else:
            raise EngineError("engine.method", method=method)
        present = (nn & app).astype(float)
        appf = np.asarray(app, float)
        if dat_thresh is not None:
            value = np.where(_mm(present, m) / _mm(appf, m) >= dat_thresh, value, np.nan)
        if weight_thresh is not None:
            value = np.where(_mm(present, wd) / _mm(appf, wd) >= weight_thresh - 1e-12, value, np.nan)
    return value, _mm(appf, m) > 0


def _at(value: Any, level: int) -> Any:
    """An aggregate argument given per level (a mapping) or for all levels (as ``coin.aggregate`` reads it)."""
    return value.get(level) if isinstance(value, Mapping) else value


def top_scores(
    x: np.ndarray, app: np.ndarray, w: np.ndarray, tree: Tree, agg: Mapping[str, Any]
) -> np.ndarray:
    """Index score (B, U) of a batch of draws: ``x``, ``app`` leaf values and applicability ((U, n) shared or
    (B, U, n)), ``w`` (B, codes) weights, ``agg`` the aggregate step's arguments."""
    b, u = w.shape[0], x.shape[-2]
    vals = np.full((b, u, len(tree.codes)), np.nan)
    apps = np.zeros((b, u, len(tree.codes)), bool)
    vals[:, :, tree.leaves] = x
    apps[:, :, tree.leaves] = app
    leaf_at = {int(c): j for j, c in enumerate(tree.leaves)}
    for level, parents, kids, m in tree.levels:
        if x.ndim == 2 and all(int(k) in leaf_at for k in kids):
            cols = [leaf_at[int(k)] for k in kids]
            xs, ap = x[:, cols], app[:, cols]
        else:
            xs, ap = vals[:, :, kids], apps[:, :, kids]
        value, applicable = _aggregate_level(
            xs,
            ap,
            w[:, kids],
            m,
            _at(agg.get("method", "amean"), level),
            _at(agg.get("dat_thresh"), level),
            _at(agg.get("weight_thresh"), level),
        )
        vals[:, :, parents] = value
        apps[:, :, parents] = applicable
    return vals[:, :, tree.top]


def round_like_python(values: np.ndarray, digits: int) -> np.ndarray:
    """``round(v, digits)`` of every element, bit for bit as Python's ``round`` (the decimal value correctly
    rounded, half to even), without a Python call per element: ``np.round`` scales by ``10**digits``, which can
    only differ when the scaled value is within rounding noise of a half (or too large to scale exactly); those
    few elements take Python's ``round``."""
    values = np.asarray(values, float)
    out = np.round(values, digits)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(values) * 10.0**digits
        doubtful = (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6) | (scaled >= 2.0**50)
    for i in zip(*np.nonzero(doubtful)):
        out[i] = round(float(values[i]), digits)
    return out


def rank_draws(scores: np.ndarray) -> np.ndarray:
    """Ranks along the last axis: 1 = highest, ties share the best rank, NaN stays unranked (as ``scoring.rank``)."""
    s = np.round(scores, DECIMALS)
    key = np.where(np.isnan(s), np.inf, -s)
    order = np.argsort(key, axis=-1, kind="stable")
    sk = np.take_along_axis(key, order, -1)
    n = s.shape[-1]
    first = np.ones(sk.shape, bool)
    first[..., 1:] = sk[..., 1:] != sk[..., :-1]
    start = np.maximum.accumulate(np.where(first, np.arange(n), 0), axis=-1)
    ranks = np.empty(s.shape)
    np.put_along_axis(ranks, order, start + 1.0, -1)
    return np.where(np.isnan(s), np.nan, ranks)
