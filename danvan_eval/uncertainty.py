"""How sure is each rank: Monte Carlo over the evaluator's choices, vectorised over the draws.

A *spec* maps a factor name to a named distribution of one choice recorded in a coin: ``UniformWeights`` or
``DirichletWeights`` around the weights of some levels, ``Alternatives`` of one verb's arguments (normalisation,
imputation, aggregation), ``SurveyShares`` drawn from their sampling distribution given the sample size.
``sample_draws`` writes every draw's parameters into one table (one row per draw, seeded), ``replicate`` rebuilds
any draw by the slow, obvious path (``coin.regen``), and ``simulate`` computes all draws at once: the data choices
have a handful of combinations, each normalised once; weights and aggregation are then applied to every draw with
batched matrix products, and ranks come from one ``argsort`` along the unit axis.

The Directive 33 wrapper (``evaluation_spec``, ``rank_intervals``, ``replicate_evaluation``) runs the same engine
on every peer-group coin of an ``Evaluation`` and ranks within the evaluated year and peer group.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from . import coin as engine
from .errors import DanvanEvalError
from .i18n import tr

# Scores equal to this many decimals tie: the fast path sums in another order than the engine, and two units with
# identical inputs must not be split by rounding noise.
DECIMALS = 9
# Elements of one batch of the (draws × units × codes) tensor: bounds memory to ~64 MB.
BATCH_ELEMENTS = 8_000_000
INSUFFICIENT = "insufficient"
DESIGN_COLUMNS = ("draw", "design")  # columns of a draws table that are not parameters


def _error(key: str, **fields: object) -> DanvanEvalError:
    return DanvanEvalError(f"{tr(key, 'vi', **fields)} / {tr(key, 'en', **fields)}")


# ---------------------------------------------------------------- the choices (named distributions)
@dataclass(frozen=True)
class UniformWeights:
    """Weights of the codes of ``levels`` drawn uniformly within ±``noise`` of their nominal value (COINr
    ``get_noisy_weights``): ``w = w0 · (1 + noise · (2U − 1))``; ``levels`` maps level → noise (0.25 = ±25 %)."""

    levels: Mapping[int, float]


@dataclass(frozen=True)
class DirichletWeights:
    """Weights of the codes of ``levels`` drawn from a Dirichlet around the nominal ones: within each group of
    siblings the shares follow ``Dirichlet(c · nominal shares)`` and keep the group's total; ``levels`` maps
    level → concentration ``c`` (larger = closer to the nominal weights)."""

    levels: Mapping[int, float]


@dataclass(frozen=True)
class Alternatives:
    """One of several argument sets of the engine step ``verb`` (``normalise``, ``impute``, ``aggregate``…),
    drawn with equal probability; ``options`` maps a label to the step's full arguments, which replace those it
    was logged with (so an alternative never inherits an argument its method does not take). One factor per
    step; drawn weights are added to the ``aggregate`` arguments."""

    verb: str
    options: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class SurveyShares:
    """Survey shares (percent) redrawn from their sampling distribution: ``100 · Binomial(n, p) / n`` with ``p``
    the reported share. ``sizes`` has the rows of the coin's ``Raw`` (or some of them) and one column per survey
    indicator holding the sample size ``n`` (NaN where there is no survey)."""

    sizes: pd.DataFrame


Choice = UniformWeights | DirichletWeights | Alternatives | SurveyShares


# ---------------------------------------------------------------- sampling the draws
def row_key(key: Any) -> str:
    """The text naming one row of a coin in a draws column: ``2024|540`` for the row ``(2024, "540")``."""
    return "|".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def code_weights(c: engine.Coin, agg: Mapping[str, Any] | None = None) -> pd.Series:
    """Weight of every code as ``coin.aggregate`` uses it: ``meta.weight`` with the ``weights`` overrides of the
    aggregate arguments ``agg`` (default: the coin's own aggregate step)."""
    agg = _aggregate_args(c) if agg is None else agg
    w = c.meta["weight"].astype(float).copy()
    if agg.get("weights"):
        w.update(pd.Series(dict(agg["weights"]), dtype=float))
    return w


def _nominal_weights(coins: Sequence[engine.Coin]) -> pd.Series:
    """Weight of every code of the coins (the first coin that has a code gives its weight)."""
    out: dict[str, float] = {}
    for c in coins:
        for code, value in code_weights(c).items():
            out.setdefault(code, float(value))
    return pd.Series(out, dtype=float)


def _codes_at(coins: Sequence[engine.Coin], level: int) -> list[str]:
    codes: list[str] = []
    for c in coins:
        codes += [k for k in c.meta.index[c.meta["level"] == level] if k not in codes]
    return codes


def _sample_weights(name: str, choice, n: int, rng: np.random.Generator, coins) -> pd.DataFrame:
    nominal = _nominal_weights(coins)
    parts = []
    for level, par in sorted(choice.levels.items()):
        codes = _codes_at(coins, level)
        if not codes:
            raise _error("uncertainty.error.no_level", level=level)
        w0 = nominal[codes].to_numpy(float)
        if isinstance(choice, UniformWeights):
            if not 0 <= par < 1:
                raise _error("uncertainty.error.noise", noise=par)
            w = w0 * (1 + par * (2 * rng.random((n, len(codes))) - 1))
        else:
            if not par > 0:
                raise _error("uncertainty.error.concentration", value=par)
            parent = pd.Series({k: _parent_of(coins, k) for k in codes})
            w = np.empty((n, len(codes)))
            for _, members in parent.groupby(parent, sort=False):
                pos = [codes.index(k) for k in members.index]
                total = w0[pos].sum()
                w[:, pos] = rng.dirichlet(par * w0[pos] / total, size=n) * total
        parts.append(pd.DataFrame(w, columns=[f"{name}:{k}" for k in codes]))
    return pd.concat(parts, axis=1)


def _parent_of(coins, code: str) -> str:
    for c in coins:
        if code in c.meta.index:
            return str(c.meta.at[code, "parent"])
    raise KeyError(code)


def _sample_survey(name: str, choice: SurveyShares, n: int, rng: np.random.Generator, coins) -> pd.DataFrame:
    raw = pd.concat([c["Raw"] for c in coins])
    sizes = choice.sizes
    unknown = [k for k in sizes.columns if k not in raw.columns]
    if unknown:
        raise _error("uncertainty.error.survey_unknown", codes=unknown)
    cols, p, size = [], [], []
    for code in sizes.columns:
        s = sizes[code].reindex(raw.index)
        v = raw[code]
        ok = s.notna() & v.notna() & (s > 0)
        bad = ok & ((v < 0) | (v > 100))
        if bad.any():
            raise _error("uncertainty.error.survey_range", code=code, rows=[row_key(r) for r in v.index[bad]])
        for key in raw.index[ok]:
            cols.append(f"{name}:{code}@{row_key(key)}")
            p.append(v[key] / 100)
            size.append(int(s[key]))
    counts = rng.binomial(np.array(size, dtype=np.int64), np.array(p, float), size=(n, len(cols)))
    return pd.DataFrame(counts / np.array(size, float) * 100, columns=cols)


def sample_draws(spec: Mapping[str, Choice], n: int, seed: int | np.random.Generator, coins) -> pd.DataFrame:
    """Draw ``n`` sets of parameters for ``spec``: one row per draw, columns ``<factor>`` (a label) or
    ``<factor>:<code>`` (a weight) or ``<factor>:<indicator>@<row>`` (a survey value).

    Parameters
    ----------
    spec : factor name → choice (names must not contain ``:``).
    n : number of draws.
    seed : an integer (``numpy.random.default_rng``) or a generator; the same seed gives the same table.
    coins : the coin, or the coins of every peer group, whose recorded choices are perturbed.
    """
    coins = [coins] if isinstance(coins, engine.Coin) else list(coins)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    verbs = [v.verb for v in spec.values() if isinstance(v, Alternatives)]
    twice = sorted({v for v in verbs if verbs.count(v) > 1})
    if twice:  # the alternatives of a step replace its arguments: two factors on one step would overwrite
        raise _error("uncertainty.error.verb_twice", verbs=twice)
    parts = []
    for name, choice in spec.items():
        if ":" in name or "@" in name:
            raise _error("uncertainty.error.factor_name", name=name)
        if isinstance(choice, (UniformWeights, DirichletWeights)):
            parts.append(_sample_weights(name, choice, n, rng, coins))
        elif isinstance(choice, Alternatives):
            labels = np.array(list(choice.options), dtype=object)
            if len(labels) == 0:
                raise _error("uncertainty.error.no_options", name=name)
            parts.append(pd.DataFrame({name: labels[rng.integers(len(labels), size=n)]}))
        elif isinstance(choice, SurveyShares):
            parts.append(_sample_survey(name, choice, n, rng, coins))
        else:
            raise _error("uncertainty.error.choice", name=name, kind=type(choice).__name__)
    draws = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=range(n))
    draws.insert(0, "draw", np.arange(n))
    return draws


def factor_columns(draws: pd.DataFrame) -> dict[str, list[str]]:
    """Factor name → its columns in a draws table (the groups of a group-wise sensitivity analysis)."""
    out: dict[str, list[str]] = {}
    for col in draws.columns:
        if col not in DESIGN_COLUMNS:
            out.setdefault(col.split(":", 1)[0], []).append(col)
    return out


# ---------------------------------------------------------------- the slow, obvious path
def _with_args(c: engine.Coin, verb: str, args: Mapping[str, Any]) -> engine.Coin:
    """``c`` whose logged ``verb`` step has exactly ``args`` (what ``regen`` then replays)."""
    if verb not in {s.verb for s in c.log}:
        raise _error("uncertainty.error.verb", verb=verb)
    return replace(
        c, log=tuple(replace(s, args=MappingProxyType(dict(args))) if s.verb == verb else s for s in c.log)
    )


def _weights_of(spec: Mapping[str, Choice], draw: pd.Series) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, choice in spec.items():
        if isinstance(choice, (UniformWeights, DirichletWeights)):
            prefix = f"{name}:"
            out.update({k[len(prefix) :]: float(v) for k, v in draw.items() if k.startswith(prefix)})
    return out


def _survey_cells(spec: Mapping[str, Choice], draw: pd.Series) -> dict[tuple[str, str], float]:
    """(indicator, row key) → drawn value, for every survey factor of ``spec``."""
    cells = {}
    for name, choice in spec.items():
        if isinstance(choice, SurveyShares):
            prefix = f"{name}:"
            for col, v in draw.items():
                if col.startswith(prefix):
                    code, key = col[len(prefix) :].split("@", 1)
                    cells[(code, key)] = float(v)
    return cells


def replicate(c: engine.Coin, spec: Mapping[str, Choice], draws: pd.DataFrame, i: int) -> engine.Coin:
    """Rebuild draw ``i`` of ``draws`` by the slow, obvious path: the drawn survey values into ``Raw``, each
    alternative's arguments and the drawn weights into the log, then ``coin.regen``."""
    draw = draws.loc[draws["draw"] == i].iloc[0]
    cells = _survey_cells(spec, draw)
    if cells:
        raw = c["Raw"].copy()
        keys = {row_key(k): k for k in raw.index}
        for (code, key), v in cells.items():
            if key in keys:
                raw.loc[keys[key], code] = v
        c = replace(c, data=MappingProxyType({**c.data, "Raw": raw}))
    for name, choice in spec.items():
        if isinstance(choice, Alternatives):
            c = _with_args(c, choice.verb, choice.options[draw[name]])
    weights = _weights_of(spec, draw)
    if weights:
        args = _aggregate_args(c)
        args["weights"] = {**dict(args.get("weights") or {}), **weights}
        c = _with_args(c, "aggregate", args)
    return engine.regen(c)


# ---------------------------------------------------------------- the fast path
@dataclass(frozen=True)
class _Tree:
    """The structure of a coin as index arrays: leaves first, then each level's parents and their children."""

    codes: list[str]
    leaves: np.ndarray
    top: int
    levels: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]  # (level, parents, children, membership)

    @classmethod
    def of(cls, c: engine.Coin) -> _Tree:
        meta = c.meta
        codes = list(meta.index)
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
            raise _error("uncertainty.error.method", method=method)
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


def _top_scores(
    x: np.ndarray, app: np.ndarray, w: np.ndarray, tree: _Tree, agg: Mapping[str, Any]
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


def _leaf_set(c: engine.Coin) -> str:
    """The data set the aggregate step reads (normally ``Normalised``)."""
    steps = [s for s in c.log if s.verb == "aggregate"]
    if not steps:
        raise _error("uncertainty.error.no_aggregate")
    return steps[-1].dset


def _aggregate_args(c: engine.Coin) -> dict[str, Any]:
    return dict([s for s in c.log if s.verb == "aggregate"][-1].args)


def _replay(c: engine.Coin, screened: engine.Coin | None = None) -> engine.Coin:
    """``coin.regen`` of the data steps only (the aggregation is the fast path's job). With ``screened``, the
    screening step keeps that coin's rows: a drawn survey value never changes which units have data."""
    out = engine.new_coin(c["Raw"], c.meta, c.groups, c.not_applicable)
    for step in c.log:
        if step.verb == "aggregate":
            break
        if step.verb == "screen" and screened is not None:
            out = out.with_data("Screened", out[step.dset].loc[screened["Screened"].index], step)
        else:
            out = engine.APPLY[step.verb](out, step.dset, **step.args)
    return replace(out, log=c.log)


def _survey_leaves(
    variant: engine.Coin, columns: Mapping[str, list[tuple[str, str]]], sub: pd.DataFrame, rows: pd.Index
) -> dict[str, np.ndarray]:
    """Leaf values (U, draws) of each survey indicator with the drawn raw values: every draw is one column of a
    side coin that replays the variant's data steps (column-wise, so each draw is treated on its own)."""
    raw = variant["Raw"]
    keys = {row_key(k): i for i, k in enumerate(raw.index)}
    dset = _leaf_set(variant)
    out = {}
    n = len(sub)
    for code, cells in columns.items():
        rep = np.repeat(raw[code].to_numpy(float)[:, None], n, axis=1)
        for col, key in cells:
            if key in keys:
                rep[keys[key], :] = sub[col].to_numpy(float)
        names = [f"{code}#{j}" for j in range(n)]
        meta = variant.meta.loc[[code] * n].copy()
        meta.index = pd.Index(names)
        meta["parent"] = "__top__"
        top = pd.DataFrame(
            {"parent": [np.nan], "level": [2], "weight": [1.0], "direction": [1]}, index=["__top__"]
        )
        meta = pd.concat([meta, top])
        na = None
        if variant.not_applicable is not None:
            flags = np.repeat(variant.not_applicable[code].to_numpy(bool)[:, None], n, axis=1)
            na = pd.DataFrame(flags, index=raw.index, columns=names)
        side = engine.new_coin(pd.DataFrame(rep, index=raw.index, columns=names), meta, variant.groups, na)
        side = _replay(replace(side, log=variant.log), variant)
        out[code] = side[dset][names].reindex(rows).to_numpy(float)
    return out


def _as_index(rows) -> pd.Index:
    """``rows`` as an index; a MultiIndex stays one (``pd.Index`` would turn it into tuples)."""
    return rows if isinstance(rows, pd.Index) else pd.Index(rows)


def _groups(draws: pd.DataFrame, by: list[str]) -> dict[tuple, np.ndarray]:
    """Label combination → positions of its draws (all draws under ``()`` when ``by`` is empty)."""
    if not by:
        return {(): np.arange(len(draws))}
    return {k if isinstance(k, tuple) else (k,): v for k, v in draws.groupby(by, sort=True).indices.items()}


@dataclass(frozen=True)
class Simulation:
    """Scores and ranks of every draw (rows of the arrays) for the units ``index`` (columns)."""

    index: pd.Index
    scores: np.ndarray
    ranks: np.ndarray


def simulate(
    c: engine.Coin, spec: Mapping[str, Choice], draws: pd.DataFrame, rows: pd.Index | None = None
) -> Simulation:
    """Index scores and ranks of ``rows`` under every draw of ``draws``, vectorised (the fast path).

    Parameters
    ----------
    c : the coin whose choices ``spec`` perturbs.
    spec, draws : the choices and their drawn parameters (``sample_draws``).
    rows : the units ranked together (default: every row of ``Raw``; a panel ranks one year at a time).

    Each combination of the data alternatives (normalisation, imputation …) is replayed once from ``Raw``;
    weights and aggregation are then applied to all its draws at once, in batches that bound memory.
    """
    rows = c["Raw"].index if rows is None else _as_index(rows)
    alts = [k for k, v in spec.items() if isinstance(v, Alternatives)]
    data_alt = [k for k in alts if spec[k].verb != "aggregate"]
    columns = factor_columns(draws)
    weight_cols = {
        col.split(":", 1)[1]: col
        for k, v in spec.items()
        if isinstance(v, (UniformWeights, DirichletWeights))
        for col in columns.get(k, [])
    }
    survey: dict[str, list[tuple[str, str]]] = {}
    for k, v in spec.items():
        if isinstance(v, SurveyShares):
            for col in columns.get(k, []):
                code, key = col.split(":", 1)[1].split("@", 1)
                survey.setdefault(code, []).append((col, key))
    agg_alt = [k for k in alts if k not in data_alt]
    scores = np.full((len(draws), len(rows)), np.nan)
    tree = _Tree.of(c)
    for combo, idx in _groups(draws, data_alt).items():
        variant = c
        for k, label in zip(data_alt, combo):
            variant = _with_args(variant, spec[k].verb, spec[k].options[label])
        variant = _replay(variant) if data_alt else c
        inds = variant.indicators
        x = variant[_leaf_set(variant)][inds].reindex(rows).to_numpy(float)
        app = (
            np.ones(x.shape, bool)
            if variant.not_applicable is None
            else ~variant.not_applicable.reindex(index=rows, columns=inds, fill_value=False).to_numpy(bool)
        )
        mine = {code: cells for code, cells in survey.items() if code in inds}
        leaves = _survey_leaves(variant, mine, draws.iloc[idx], rows) if mine else {}
        for agg_labels, sub in _groups(draws.iloc[idx], agg_alt).items():
            agg = _aggregate_args(variant)
            for k, label in zip(agg_alt, agg_labels):
                agg = dict(spec[k].options[label])
            w0 = code_weights(variant, agg).reindex(tree.codes).to_numpy(float)
            w = np.repeat(w0[None], len(sub), axis=0)
            for j, code in enumerate(tree.codes):
                if code in weight_cols:
                    w[:, j] = draws[weight_cols[code]].to_numpy(float)[idx[sub]]
            batch = max(1, BATCH_ELEMENTS // max(1, len(rows) * len(tree.codes)))
            for start in range(0, len(sub), batch):
                part = sub[start : start + batch]
                xb = x
                if leaves:
                    xb = np.repeat(x[None], len(part), axis=0)
                    for code, values in leaves.items():
                        xb[:, :, inds.index(code)] = values[:, part].T
                scores[idx[part]] = _top_scores(xb, app, w[start : start + batch], tree, agg)
    scores = np.round(scores, DECIMALS)
    return Simulation(index=rows, scores=scores, ranks=rank_draws(scores))


# ---------------------------------------------------------------- summaries
def band_of(scores: np.ndarray, bands: pd.DataFrame) -> np.ndarray:
    """Band code of every score (``scoring.classify`` on an array); NaN scores get ``INSUFFICIENT``."""
    out = np.full(scores.shape, INSUFFICIENT, dtype=object)
    for code, lo in sorted(zip(bands["code"], bands["min"]), key=lambda t: t[1]):
        out[scores >= lo] = code
    return out


def summarise(
    sim: Simulation, nominal: pd.Series | None = None, bands: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per unit: nominal rank, mean and median rank, 5th and 95th percentiles (R's default quantile, as COINr),
    share of draws in which the unit is ranked, composite percentiles and the share of draws in each band."""
    with warnings.catch_warnings():
        # a unit never ranked has no percentile: NaN is the answer, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        rq = np.nanpercentile(sim.ranks, [5, 50, 95], axis=0)
        cq = np.nanpercentile(sim.scores, [5, 50, 95], axis=0)
        mean = np.nanmean(sim.ranks, axis=0)
    out = pd.DataFrame(index=sim.index)
    out["rank"] = np.nan if nominal is None else nominal.reindex(sim.index).to_numpy(float)
    out["rank_median"], out["rank_p05"], out["rank_p95"] = rq[1], rq[0], rq[2]
    out["rank_mean"] = mean
    out["p_ranked"] = (~np.isnan(sim.ranks)).mean(axis=0)
    out["composite_p05"], out["composite_median"], out["composite_p95"] = cq[0], cq[1], cq[2]
    if bands is not None:
        b = band_of(sim.scores, bands)
        for code in [*bands.sort_values("min", ascending=False)["code"], INSUFFICIENT]:
            out[f"p_{code}"] = (b == code).mean(axis=0)
    return out


@dataclass(frozen=True)
class UncertaintyResult:
    """A Monte Carlo uncertainty analysis: the choices, every draw's parameters, each draw's scores and ranks
    (rows = draws, columns = units by ``row_key``) and the per-unit summary."""

    spec: Mapping[str, Choice]
    seed: int
    draws: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    summary: pd.DataFrame


def _result(spec, seed, draws, sims: Sequence[Simulation], summary: pd.DataFrame) -> UncertaintyResult:
    cols = [row_key(k) for s in sims for k in s.index]
    return UncertaintyResult(
        spec=spec,
        seed=seed,
        draws=draws,
        scores=pd.DataFrame(np.hstack([s.scores for s in sims]), columns=cols),
        ranks=pd.DataFrame(np.hstack([s.ranks for s in sims]), columns=cols),
        summary=summary,
    )


def run(
    c: engine.Coin,
    spec: Mapping[str, Choice],
    n: int = 1000,
    seed: int = 0,
    rows: pd.Index | None = None,
    bands: pd.DataFrame | None = None,
) -> UncertaintyResult:
    """Uncertainty analysis of a coin: ``n`` seeded draws of ``spec``, ranks of ``rows`` and their summary."""
    draws = sample_draws(spec, n, seed, c)
    sim = simulate(c, spec, draws, rows)
    index = c["Aggregated"][c.top].reindex(sim.index).to_numpy(float)
    nominal = pd.Series(rank_draws(index), index=sim.index)
    return _result(spec, seed, draws, [sim], summarise(sim, nominal, bands))


# ---------------------------------------------------------------- the Directive 33 evaluation
SCALE_100 = ("goalposts", "minmax")  # normalisations on the 0–100 scale the bands are defined on


@dataclass(frozen=True)
class UncertaintySettings:
    """The ``uncertainty`` block of a run file.

    draws : Monte Carlo draws of the rank intervals (0 = no uncertainty analysis).
    seed : seed of ``numpy.random.default_rng``; the same seed gives byte-identical tables.
    weight_noise : relative range of the uniform perturbation of indicator and area weights.
    normalisation, imputation, aggregation : the alternatives drawn (the official option is always one).
    survey : redraw survey shares from their sampling distribution.
    sensitivity_draws : base sample size N of the Sobol design (N · (factors + 2) replications; 0 = none).
    bootstrap : bootstrap resamples for the confidence intervals of the Sobol indices.
    """

    draws: int = 0
    seed: int = 0
    weight_noise: float = 0.25
    normalisation: tuple[str, ...] = SCALE_100
    imputation: tuple[str, ...] = ("none", "previous")
    aggregation: tuple[str, ...] = ("amean", "gmean")
    survey: bool = True
    sensitivity_draws: int = 500
    bootstrap: int = 200

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any] | None) -> UncertaintySettings:
        """Settings from a run file's mapping; an unknown key or value is an error naming it."""
        from . import methods

        raw = dict(raw or {})
        known = list(cls.__dataclass_fields__)
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise _error("uncertainty.error.settings", keys=unknown, known=known)
        bad = [
            k
            for k in ("draws", "seed", "sensitivity_draws", "bootstrap")
            if k in raw and (not isinstance(raw[k], int) or isinstance(raw[k], bool) or raw[k] < 0)
        ]
        if "weight_noise" in raw and not (
            isinstance(raw["weight_noise"], (int, float)) and 0 <= raw["weight_noise"] < 1
        ):
            bad.append("weight_noise")
        if "survey" in raw and not isinstance(raw["survey"], bool):
            bad.append("survey")
        registries = {
            "normalisation": SCALE_100,
            "imputation": methods.IMPUTE,
            "aggregation": methods.AGGREGATE,
        }
        for key, allowed in registries.items():
            if key in raw:
                values = raw[key] if isinstance(raw[key], (list, tuple)) else None
                if values is None or any(v not in allowed for v in values):
                    bad.append(key)
                else:
                    raw[key] = tuple(values)
        if bad:
            raise _error("uncertainty.error.settings_values", keys=bad)
        return cls(**raw)


def survey_sizes(evaluation) -> pd.DataFrame:
    """Sample size ``n`` of every reported survey share, rows ``(year, unit_code)``, one column per indicator."""
    fw = evaluation.framework
    codes = list(fw.indicators.index[fw.indicators["survey"].astype(bool)])
    obs = evaluation.observations
    obs = obs[obs["indicator_id"].isin(codes) & (obs["status"] == "reported") & obs["n"].notna()]
    if obs.empty:
        return pd.DataFrame()
    table = obs.pivot_table(index=["year", "unit_code"], columns="indicator_id", values="n", aggfunc="first")
    table.index = pd.MultiIndex.from_tuples(
        [(int(y), str(u)) for y, u in table.index], names=["year", "unit_code"]
    )
    return table.astype(float)


def evaluation_spec(
    evaluation,
    weight_noise: float = 0.25,
    normalisation: Sequence[str] = SCALE_100,
    aggregation: Sequence[str] = ("amean", "gmean"),
    imputation: Sequence[str] = ("none", "previous"),
    survey: bool = True,
) -> dict[str, Choice]:
    """The evaluator's choices around an evaluation's own: indicator and area weights ±``weight_noise``,
    normalisation, imputation and aggregation among alternatives (the official one always included), survey
    shares from their sampling distribution.

    Alternatives are named by their ``ScoringOptions`` value, and their arguments are the engine steps that
    ``scoring.score`` builds for that value (``replicate_evaluation`` rebuilds a draw through ``scoring.rebuild``,
    and the tests check that both agree).
    """
    opts = evaluation.options
    outside = [m for m in dict.fromkeys([opts.normalisation, *normalisation]) if m not in SCALE_100]
    if outside:
        raise _error("uncertainty.error.scale", methods=outside, allowed=list(SCALE_100))
    official = _aggregate_args(next(iter(evaluation.coins.values())))

    def labels(own: str, values: Sequence[str]) -> list[str]:
        return list(dict.fromkeys([own, *values]))

    spec: dict[str, Choice] = {}
    if weight_noise > 0:
        spec["indicator_weights"] = UniformWeights({1: weight_noise})
        spec["area_weights"] = UniformWeights({2: weight_noise})
    spec["normalisation"] = Alternatives(
        "normalise",
        {
            m: {"method": m, "by": None if (opts.pooled or m == "goalposts") else "year"}
            for m in labels(opts.normalisation, normalisation)
        },
    )
    spec["imputation"] = Alternatives(
        "impute",
        {
            m: {"method": m, **({"unit": "unit_code", "order": "year"} if m == "previous" else {})}
            for m in labels(opts.imputation, imputation)
        },
    )
    spec["aggregation"] = Alternatives(
        "aggregate", {m: {**official, "method": m} for m in labels(opts.aggregation, aggregation)}
    )
    sizes = survey_sizes(evaluation)
    if survey and not sizes.empty:
        spec["survey"] = SurveyShares(sizes)
    return {k: v for k, v in spec.items() if not isinstance(v, Alternatives) or len(v.options) > 1}


def _year_rows(c: engine.Coin, year: int) -> pd.Index:
    raw = c["Raw"].index
    return raw[raw.get_level_values("year") == year]


def simulate_evaluation(evaluation, spec: Mapping[str, Choice], draws: pd.DataFrame) -> dict[str, Simulation]:
    """Peer group → scores and ranks of its units of the evaluated year under every draw."""
    return {
        kind: simulate(c, spec, draws, _year_rows(c, evaluation.year)) for kind, c in evaluation.coins.items()
    }


def rank_intervals(
    evaluation, draws: int = 1000, seed: int = 0, spec: Mapping[str, Choice] | None = None, **spec_args: Any
) -> UncertaintyResult:
    """Rank intervals of every unit of the evaluated year, ranked within its peer group.

    ``spec`` defaults to ``evaluation_spec(evaluation, **spec_args)``. The summary has one row per unit:
    ``year, unit_code, kind``, the nominal ``rank``, ``rank_median, rank_p05, rank_p95`` … and ``p_<band>``.
    """
    spec = evaluation_spec(evaluation, **spec_args) if spec is None else spec
    table = sample_draws(spec, draws, seed, list(evaluation.coins.values()))
    sims = simulate_evaluation(evaluation, spec, table)
    units = evaluation.of_year("units").set_index(["year", "unit_code"])
    parts = []
    for kind, sim in sims.items():
        part = summarise(sim, units["rank"].astype(float), evaluation.framework.bands)
        part.insert(0, "kind", kind)
        parts.append(part)
    summary = pd.concat(parts).rename_axis(["year", "unit_code"]).reset_index()
    summary = summary.sort_values(["kind", "unit_code"], kind="stable").reset_index(drop=True)
    return _result(spec, seed, table, list(sims.values()), summary)


def replicate_evaluation(evaluation, spec: Mapping[str, Choice], draws: pd.DataFrame, i: int):
    """Rebuild draw ``i`` through the Directive 33 scoring itself: drawn survey values into the observations,
    then ``scoring.rebuild`` with the draw's options (factor name = option) and weights (indicator and area
    weights both go through ``area_weights``, which overrides any code's weight)."""
    from .scoring import rebuild

    draw = draws.loc[draws["draw"] == i].iloc[0]
    options: dict[str, Any] = {k: draw[k] for k, v in spec.items() if isinstance(v, Alternatives)}
    weights = _weights_of(spec, draw)
    if weights:
        options["area_weights"] = {**dict(evaluation.options.area_weights), **weights}
    cells = _survey_cells(spec, draw)
    if cells:
        obs = evaluation.observations.copy()
        keys = [
            (k, row_key((int(y), str(u))))
            for k, y, u in zip(obs["indicator_id"], obs["year"], obs["unit_code"])
        ]
        new = pd.Series([cells.get(k, np.nan) for k in keys], index=obs.index)
        hit = new.notna() & (obs["status"] == "reported")
        obs.loc[hit, "value"] = new[hit]
        evaluation = replace(evaluation, observations=obs)
    return rebuild(evaluation, **options)


def distinguishable(scores: pd.DataFrame, a: str, b: str, overlap: float = 0.5) -> bool:
    """Whether units ``a`` and ``b`` may be called differently ranked: their 5–95 % rank intervals are disjoint,
    or their common part (inclusive, in ranks: [4, 4] and [4, 6] share one of one) covers less than ``overlap``
    of the shorter interval. ``overlap=0.5`` is the narrative's "overlap heavily"; ``overlap=0`` asks for
    disjoint intervals.

    ``scores`` is the ``scores`` or ``uncertainty`` table (``unit_code, kind, rank_p05, rank_p95``). A unit
    without an interval is distinguishable from none; units of different peer groups are not ranked together.
    """
    missing = [k for k in ("unit_code", "rank_p05", "rank_p95") if k not in scores.columns]
    if missing:
        raise _error("uncertainty.error.no_intervals", columns=missing)
    rows = scores.set_index(scores["unit_code"].astype(str))
    for u in (a, b):
        if str(u) not in rows.index:
            raise _error("uncertainty.error.unknown_unit", unit=u)
    ra, rb = rows.loc[str(a)], rows.loc[str(b)]
    if "kind" in rows.columns and ra["kind"] != rb["kind"]:
        raise _error("uncertainty.error.peer_groups", a=a, b=b)
    lo_a, hi_a, lo_b, hi_b = (
        float(ra["rank_p05"]),
        float(ra["rank_p95"]),
        float(rb["rank_p05"]),
        float(rb["rank_p95"]),
    )
    if np.isnan([lo_a, hi_a, lo_b, hi_b]).any():
        return False
    common = max(0.0, min(hi_a, hi_b) - max(lo_a, lo_b) + 1)
    return bool(common == 0 or common < overlap * min(hi_a - lo_a + 1, hi_b - lo_b + 1))
