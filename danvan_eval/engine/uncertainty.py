"""How sure is each rank: Monte Carlo over the evaluator's choices on any coin, vectorised over the draws.

A *spec* maps a factor name to a named distribution of one choice recorded in a coin: ``UniformWeights`` or
``DirichletWeights`` around the weights of some levels, ``Alternatives`` of one verb's arguments (normalisation,
imputation, aggregation), ``SurveyShares`` drawn from their sampling distribution given the sample size.
``sample_draws`` writes every draw's parameters into one table (one row per draw, seeded), ``replicate`` rebuilds
any draw by the slow, obvious path (``coin.regen``), and ``simulate`` computes all draws at once: the data choices
have a handful of combinations, each normalised once; weights and aggregation are then applied to every draw with
batched matrix products (``batch_aggregate``), and ranks come from one ``argsort`` along the unit axis.
``summarise`` and ``run`` turn the draws into rank intervals and band shares. The Directive 33 evaluation runs on
this engine in ``evaluation_uncertainty``.
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
from .batch_aggregate import (
    DECIMALS,
    Tree,
    aggregate_args,
    as_index,
    code_weights,
    leaf_set,
    rank_draws,
    round_like_python,
    top_scores,
)
from .errors import EngineError

# Elements of one batch of the (draws × units × codes) tensor: bounds memory to ~64 MB.
BATCH_ELEMENTS = 8_000_000
INSUFFICIENT = "insufficient"
DESIGN_COLUMNS = ("draw", "design")  # columns of a draws table that are not parameters


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
            raise EngineError("engine.no_level", level=level)
        w0 = nominal[codes].to_numpy(float)
        if isinstance(choice, UniformWeights):
            if not 0 <= par < 1:
                raise EngineError("engine.noise", noise=par)
            w = w0 * (1 + par * (2 * rng.random((n, len(codes))) - 1))
        else:
            if not par > 0:
                raise EngineError("engine.concentration", value=par)
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
        raise EngineError("engine.survey_unknown", codes=unknown)
    cols, p, size = [], [], []
    for code in sizes.columns:
        s = sizes[code].reindex(raw.index)
        v = raw[code]
        ok = s.notna() & v.notna() & (s > 0)
        bad = ok & ((v < 0) | (v > 100))
        if bad.any():
            raise EngineError(
                "engine.survey_range", code=code, rows=[row_key(r) for r in v.index[bad]]
            )
        ok = ok.to_numpy(bool)
        cols += [f"{name}:{code}@{row_key(key)}" for key in raw.index[ok]]
        p += (v.to_numpy(float)[ok] / 100).tolist()
        size += s.to_numpy(float)[ok].astype(np.int64).tolist()
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
        raise EngineError("engine.verb_twice", verbs=twice)
    parts = []
    for name, choice in spec.items():
        if ":" in name or "@" in name:
            raise EngineError("engine.factor_name", name=name)
        if isinstance(choice, (UniformWeights, DirichletWeights)):
            parts.append(_sample_weights(name, choice, n, rng, coins))
        elif isinstance(choice, Alternatives):
            labels = np.array(list(choice.options), dtype=object)
            if len(labels) == 0:
                raise EngineError("engine.no_options", name=name)
            parts.append(pd.DataFrame({name: labels[rng.integers(len(labels), size=n)]}))
        elif isinstance(choice, SurveyShares):
            parts.append(_sample_survey(name, choice, n, rng, coins))
        else:
            raise EngineError("engine.choice", name=name, kind=type(choice).__name__)
    draws = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=range(n))
    draws.insert(0, "draw", np.arange(n))
    return draws


def factor_columns(draws: pd.DataFrame) -> dict[str, list[str]]:
    """Factor name → its columns in a draws table (the groups of a group-wise sensitivity analysis)."""
    out: dict[str, list[str]] = {}
    for col in draws.columns.tolist():
        if col not in DESIGN_COLUMNS:
            out.setdefault(col.split(":", 1)[0], []).append(col)
    return out


# ---------------------------------------------------------------- the slow, obvious path
def _with_args(c: engine.Coin, verb: str, args: Mapping[str, Any]) -> engine.Coin:
    """``c`` whose logged ``verb`` step has exactly ``args`` (what ``regen`` then replays)."""
    if verb not in {s.verb for s in c.log}:
        raise EngineError("engine.verb", verb=verb)
    return replace(
        c, log=tuple(replace(s, args=MappingProxyType(dict(args))) if s.verb == verb else s for s in c.log)
    )


def drawn_weights(spec: Mapping[str, Choice], draw: pd.Series) -> dict[str, float]:
    """Code → drawn weight, for every weight factor of ``spec`` (``draw`` one row of a draws table)."""
    out: dict[str, float] = {}
    for name, choice in spec.items():
        if isinstance(choice, (UniformWeights, DirichletWeights)):
            prefix = f"{name}:"
            out.update({k[len(prefix) :]: float(v) for k, v in draw.items() if k.startswith(prefix)})
    return out


def drawn_survey(spec: Mapping[str, Choice], draw: pd.Series) -> dict[tuple[str, str], float]:
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
    cells = drawn_survey(spec, draw)
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
    weights = drawn_weights(spec, draw)
    if weights:
        args = aggregate_args(c)
        args["weights"] = {**dict(args.get("weights") or {}), **weights}
        c = _with_args(c, "aggregate", args)
    return engine.regen(c)


# ---------------------------------------------------------------- the fast path
def _replay(
    c: engine.Coin, screened: engine.Coin | None = None, memo: dict[tuple, engine.Coin] | None = None
) -> engine.Coin:
    """``coin.regen`` of the data steps only (the aggregation is the fast path's job). With ``screened``, the
    screening step keeps that coin's rows: a drawn survey value never changes which units have data. ``memo``
    (one per ``Raw``, shared by the variants of a coin) keeps the coin after each prefix of steps, so variants
    that differ in a late step (normalisation) replay the steps before it once."""
    memo = {} if memo is None else memo
    key: tuple = ()
    if key not in memo:
        memo[key] = engine.new_coin(c["Raw"], c.meta, c.groups, c.not_applicable)
    out = memo[key]
    for step in c.log:
        if step.verb == "aggregate":
            break
        key += ((step.verb, step.dset, repr(dict(step.args))),)
        if key not in memo:
            if step.verb == "screen" and screened is not None:
                memo[key] = out.with_data("Screened", out[step.dset].loc[screened["Screened"].index], step)
            else:
                memo[key] = engine.APPLY[step.verb](out, step.dset, **step.args)
        out = memo[key]
    return replace(out, log=c.log)


def _survey_leaves(
    variant: engine.Coin, columns: Mapping[str, list[tuple[str, str]]], sub: pd.DataFrame, rows: pd.Index
) -> dict[str, np.ndarray]:
    """Leaf values (U, draws) of each survey indicator with the drawn raw values: every draw is one column of a
    side coin that replays the variant's data steps (column-wise, so each draw is treated on its own)."""
    raw = variant["Raw"]
    keys = {row_key(k): i for i, k in enumerate(raw.index)}
    dset = leaf_set(variant)
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
    return simulate_all(c, spec, [draws], rows)[0]


def simulate_all(
    c: engine.Coin, spec: Mapping[str, Choice], tables: Sequence[pd.DataFrame], rows: pd.Index | None = None
) -> list[Simulation]:
    """``simulate`` of several draws tables of one spec (rank intervals and a Sobol design) at once: each data
    variant and its drawn survey values are replayed once for all the tables; every table's draws are then
    aggregated exactly as ``simulate`` alone aggregates them (same batches, so the same scores to the bit)."""
    rows = c["Raw"].index if rows is None else as_index(rows)
    alts = [k for k, v in spec.items() if isinstance(v, Alternatives)]
    data_alt = [k for k in alts if spec[k].verb != "aggregate"]
    agg_alt = [k for k in alts if k not in data_alt]
    tree = Tree.of(c)
    scores = [np.full((len(draws), len(rows)), np.nan) for draws in tables]
    groups = [_groups(draws, data_alt) for draws in tables]
    weights = [_drawn_weight_columns(spec, draws) for draws in tables]
    survey = _survey_cells(spec, tables[0], c.indicators)
    cells = [col for code_cells in survey.values() for col, _ in code_cells]
    memo: dict[tuple, engine.Coin] = {}
    for combo in sorted({k for g in groups for k in g}):
        variant = c
        for k, label in zip(data_alt, combo):
            variant = _with_args(variant, spec[k].verb, spec[k].options[label])
        variant = _replay(variant, memo=memo) if data_alt else c
        inds = variant.indicators
        x = variant[leaf_set(variant)][inds].reindex(rows).to_numpy(float)
        app = (
            np.ones(x.shape, bool)
            if variant.not_applicable is None
            else ~variant.not_applicable.reindex(index=rows, columns=inds, fill_value=False).to_numpy(bool)
        )
        picked = [(t, g[combo]) for t, g in enumerate(groups) if combo in g]
        leaves = {}
        if survey:
            drawn = pd.concat([tables[t][cells].iloc[idx] for t, idx in picked], ignore_index=True)
            leaves = _survey_leaves(variant, survey, drawn, rows)
        start = 0
        for t, idx in picked:
            mine = {code: values[:, start : start + len(idx)] for code, values in leaves.items()}
            start += len(idx)
            _aggregate_draws(scores[t], variant, spec, tables[t], idx, agg_alt, x, app, mine, tree, weights[t])
    out = []
    for table_scores in scores:
        table_scores = np.round(table_scores, DECIMALS)
        out.append(Simulation(index=rows, scores=table_scores, ranks=rank_draws(table_scores)))
    return out


def _survey_cells(
    spec: Mapping[str, Choice], draws: pd.DataFrame, inds: list[str]
) -> dict[str, list[tuple[str, str]]]:
    """Survey indicator of ``inds`` → its drawn cells ``(column, row key)`` in a draws table."""
    columns = factor_columns(draws)
    survey: dict[str, list[tuple[str, str]]] = {}
    for k, v in spec.items():
        if isinstance(v, SurveyShares):
            for col in columns.get(k, []):
                code, key = col.split(":", 1)[1].split("@", 1)
                if code in inds:
                    survey.setdefault(code, []).append((col, key))
    return survey


def _drawn_weight_columns(spec: Mapping[str, Choice], draws: pd.DataFrame) -> dict[str, np.ndarray]:
    """Code → its drawn weight in every draw of a draws table (the weight factors of ``spec``)."""
    columns = factor_columns(draws)
    return {
        col.split(":", 1)[1]: draws[col].to_numpy(float)
        for k, v in spec.items()
        if isinstance(v, (UniformWeights, DirichletWeights))
        for col in columns.get(k, [])
    }


def _aggregate_draws(
    scores: np.ndarray,
    variant: engine.Coin,
    spec: Mapping[str, Choice],
    draws: pd.DataFrame,
    idx: np.ndarray,
    agg_alt: list[str],
    x: np.ndarray,
    app: np.ndarray,
    leaves: Mapping[str, np.ndarray],
    tree: Tree,
    weights: Mapping[str, np.ndarray],
) -> None:
    """Scores of the draws ``idx`` of one data variant into ``scores``: per aggregation alternative, the drawn
    ``weights`` (``_drawn_weight_columns``) and survey leaves applied in batches that bound memory."""
    inds = variant.indicators
    rows = x.shape[0]
    agg_groups = _groups(draws.iloc[idx], agg_alt) if agg_alt else {(): np.arange(len(idx))}
    for agg_labels, sub in agg_groups.items():
        agg = aggregate_args(variant)
        for k, label in zip(agg_alt, agg_labels):
            agg = dict(spec[k].options[label])
        w0 = code_weights(variant, agg).reindex(tree.codes).to_numpy(float)
        w = np.repeat(w0[None], len(sub), axis=0)
        for j, code in enumerate(tree.codes):
            if code in weights:
                w[:, j] = weights[code][idx[sub]]
        batch = max(1, BATCH_ELEMENTS // max(1, rows * len(tree.codes)))
        for start in range(0, len(sub), batch):
            part = sub[start : start + batch]
            xb = x
            if leaves:
                xb = np.repeat(x[None], len(part), axis=0)
                for code, values in leaves.items():
                    xb[:, :, inds.index(code)] = values[:, part].T
            scores[idx[part]] = top_scores(xb, app, w[start : start + batch], tree, agg)


# ---------------------------------------------------------------- summaries
def band_of(scores: np.ndarray, bands: pd.DataFrame, digits: int | None = None) -> np.ndarray:
    """Band code of every score (``scoring.classify`` on an array); NaN scores get ``INSUFFICIENT``. With
    ``digits``, a score is compared with the band minima as rounded to that many decimals (the precision shown)."""
    if digits is not None:
        scores = round_like_python(scores, digits)
    out = np.full(scores.shape, INSUFFICIENT, dtype=object)
    for code, lo in sorted(zip(bands["code"], bands["min"]), key=lambda t: t[1]):
        out[scores >= lo] = code
    return out


def summarise(
    sim: Simulation,
    nominal: pd.Series | None = None,
    bands: pd.DataFrame | None = None,
    level_draws: np.ndarray | None = None,
    digits: int | None = None,
) -> pd.DataFrame:
    """Per unit: nominal rank, mean and median rank, 5th and 95th percentiles (R's default quantile, as COINr),
    share of draws in which the unit is ranked, composite percentiles and the share of draws in each band.

    ``level_draws`` (a mask over the draws, default all) picks the draws whose scores are on the scale the bands
    are defined on: composite percentiles and band shares count those only (``n_level_draws`` of them), while the
    ranks count every draw. ``digits``: the precision at which a score is compared with the band minima."""
    level_draws = np.ones(len(sim.scores), bool) if level_draws is None else np.asarray(level_draws, bool)
    scores = sim.scores[level_draws]
    with warnings.catch_warnings():
        # a unit never ranked has no percentile: NaN is the answer, not a warning
        warnings.simplefilter("ignore", RuntimeWarning)
        rq = np.nanpercentile(sim.ranks, [5, 50, 95], axis=0)
        cq = np.nanpercentile(scores, [5, 50, 95], axis=0) if len(scores) else np.full((3, scores.shape[1]), np.nan)
        mean = np.nanmean(sim.ranks, axis=0)
    out = pd.DataFrame(index=sim.index)
    out["rank"] = np.nan if nominal is None else nominal.reindex(sim.index).to_numpy(float)
    out["rank_median"], out["rank_p05"], out["rank_p95"] = rq[1], rq[0], rq[2]
    out["rank_mean"] = mean
    out["p_ranked"] = (~np.isnan(sim.ranks)).mean(axis=0)
    out["composite_p05"], out["composite_median"], out["composite_p95"] = cq[0], cq[1], cq[2]
    if bands is not None:
        out["n_level_draws"] = len(scores)
        b = band_of(scores, bands, digits)
        for code in [*bands.sort_values("min", ascending=False)["code"], INSUFFICIENT]:
            out[f"p_{code}"] = (b == code).mean(axis=0) if len(scores) else np.nan
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

    @classmethod
    def of(cls, spec, seed, draws, sims: Sequence[Simulation], summary: pd.DataFrame) -> UncertaintyResult:
        """The result of simulations side by side (one per peer group): their units' columns concatenated."""
        cols = [row_key(k) for s in sims for k in s.index]
        return cls(
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
    return UncertaintyResult.of(spec, seed, draws, [sim], summarise(sim, nominal, bands))
