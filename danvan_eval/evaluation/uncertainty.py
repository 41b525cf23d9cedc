"""Rank intervals of the Directive 33 evaluation: the Monte Carlo engine (``uncertainty``) on an ``Evaluation``.

``UncertaintySettings`` is the ``uncertainty`` block of a run file; ``evaluation_spec`` lists the evaluator's
choices around the evaluation's own (weights, normalisation, imputation, aggregation, survey shares);
``rank_intervals`` runs the engine on every peer-group coin and ranks within the evaluated year and peer group;
``replicate_evaluation`` rebuilds any draw through ``scoring.rebuild``; ``distinguishable`` reads two units'
intervals back. Level probabilities count the absolute-scale draws only (``absolute_draws``), rank intervals
every draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from ..engine import coin as engine
from ..engine.batch_aggregate import aggregate_args, rank_draws, round_like_python
from ..engine.uncertainty import (
    Alternatives,
    Choice,
    Simulation,
    SurveyShares,
    UncertaintyResult,
    UniformWeights,
    drawn_survey,
    drawn_weights,
    row_key,
    sample_draws,
    simulate_all,
    summarise,
)
from ..errors import tr_error
from ..formatting import SCORE_DIGITS

SCALE_100 = ("goalposts", "minmax")  # normalisations onto 0–100, the scale the levels and ranks are read on
# of those, the absolute ones: a unit's score depends on its own values only (fixed goalposts). Min-max puts
# the best unit at 100 and the worst at 0 whatever they did, so its draws say how sure a rank is (relative to
# the others) but nothing about a level, which is defined on the absolute scale.
ABSOLUTE = ("goalposts",)


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
        from ..engine import methods
        raw = dict(raw or {})
        known = list(cls.__dataclass_fields__)
        unknown = sorted(map(str, set(raw) - set(known)))
        if unknown:
            raise tr_error("uncertainty.error.settings", keys=unknown, known=known)
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
                if values is None or any(not isinstance(v, str) or v not in allowed for v in values):
                    bad.append(key)
                else:
                    raw[key] = tuple(values)
        if bad:
            raise tr_error("uncertainty.error.settings_values", keys=bad)
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
        raise tr_error("uncertainty.error.scale", methods=outside, allowed=list(SCALE_100))
    official = aggregate_args(next(iter(evaluation.coins.values())))

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


def year_rows(c: engine.Coin, year: int) -> pd.Index:
    """The rows of ``year`` in a peer group's coin (rows ``(year, unit_code)``): the units ranked together."""
    raw = c["Raw"].index
    return raw[raw.get_level_values("year") == year]


def simulate_evaluation(evaluation, spec: Mapping[str, Choice], draws: pd.DataFrame) -> dict[str, Simulation]:
    """Peer group → scores and ranks of its units of the evaluated year under every draw; ranked, as
    ``scoring.rank`` ranks, at the precision the scores are shown (``formatting.shown``)."""
    return simulate_evaluations(evaluation, spec, [draws])[0]


def simulate_evaluations(
    evaluation, spec: Mapping[str, Choice], tables: Sequence[pd.DataFrame]
) -> list[dict[str, Simulation]]:
    """``simulate_evaluation`` of several draws tables of one spec (``audit_tables``: the rank intervals and the
    Sobol design), each peer group's data variants replayed once for all of them (``simulate_all``)."""
    out: list[dict[str, Simulation]] = [{} for _ in tables]
    for kind, c in evaluation.coins.items():
        for sims, sim in zip(out, simulate_all(c, spec, tables, year_rows(c, evaluation.year))):
            sims[kind] = replace(sim, ranks=rank_draws(_shown(sim.scores)))
    return out


def _shown(scores: np.ndarray) -> np.ndarray:
    """``formatting.shown`` of every score (NaN stays NaN), vectorised bit for bit."""
    return round_like_python(scores, SCORE_DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0, as ``shown``


def rank_intervals(
    evaluation, draws: int = 1000, seed: int = 0, spec: Mapping[str, Choice] | None = None, **spec_args: Any
) -> UncertaintyResult:
    """Rank intervals of every unit of the evaluated year, ranked within its peer group.

    ``spec`` defaults to ``evaluation_spec(evaluation, **spec_args)``. The summary has one row per unit:
    ``year, unit_code, kind``, the nominal ``rank``, ``rank_median, rank_p05, rank_p95`` … (every draw), then
    ``composite_*``, ``n_level_draws``, ``p_<band>``, ``p_level``, ``level_stable`` (absolute-scale draws only).
    """
    spec = evaluation_spec(evaluation, **spec_args) if spec is None else spec
    table = sample_draws(spec, draws, seed, list(evaluation.coins.values()))
    return intervals(evaluation, spec, seed, table, simulate_evaluation(evaluation, spec, table))


def intervals(
    evaluation, spec: Mapping[str, Choice], seed: int, table: pd.DataFrame, sims: Mapping[str, Simulation]
) -> UncertaintyResult:
    """``rank_intervals`` of draws already simulated: ``table`` (``sample_draws`` with ``seed``) and its
    simulations per peer group (``simulate_evaluation``)."""
    units = evaluation.of_year("units").set_index(["year", "unit_code"])
    absolute = absolute_draws(evaluation, spec, table)
    parts = []
    for kind, sim in sims.items():
        part = summarise(sim, units["rank"].astype(float), evaluation.framework.bands, absolute, SCORE_DIGITS)
        part.insert(0, "kind", kind)
        parts.append(level_stability(part, units["band"], evaluation.framework.level_stability))
    summary = pd.concat(parts).rename_axis(["year", "unit_code"]).reset_index()
    summary = summary.sort_values(["kind", "unit_code"], kind="stable").reset_index(drop=True)
    return UncertaintyResult.of(spec, seed, table, list(sims.values()), summary)


def absolute_draws(evaluation, spec: Mapping[str, Choice], draws: pd.DataFrame) -> np.ndarray:
    """Mask of the draws normalised on the absolute scale (``ABSOLUTE``): the only ones a level may be read
    from. Without a normalisation factor every draw uses the evaluation's own normalisation."""
    if "normalisation" in spec:
        return draws["normalisation"].isin(ABSOLUTE).to_numpy(bool)
    return np.full(len(draws), evaluation.options.normalisation in ABSOLUTE)


def level_stability(summary: pd.DataFrame, band: pd.Series, threshold: float) -> pd.DataFrame:
    """``summary`` (``summarise`` with band shares) plus ``p_level``, the share of the absolute-scale draws that
    give the unit its published level, and ``level_stable``: ``p_level`` ≥ ``threshold`` (the framework's
    ``level_stability``). Both empty for a unit without a level or when no draw is on the absolute scale."""
    band = band.reindex(summary.index)
    p = [summary.at[k, f"p_{b}"] if isinstance(b, str) else np.nan for k, b in zip(summary.index, band)]
    out = summary.copy()
    out["p_level"] = np.asarray(p, float)
    out["level_stable"] = pd.array(
        [pd.NA if np.isnan(x) else bool(x >= threshold - 1e-12) for x in out["p_level"]], dtype="boolean"
    )
    return out


def replicate_evaluation(evaluation, spec: Mapping[str, Choice], draws: pd.DataFrame, i: int):
    """Rebuild draw ``i`` through the Directive 33 scoring itself: drawn survey values into the observations,
    then ``scoring.rebuild`` with the draw's options (factor name = option) and weights (indicator and area
    weights both go through ``area_weights``, which overrides any code's weight)."""
    from .scoring import rebuild

    draw = draws.loc[draws["draw"] == i].iloc[0]
    options: dict[str, Any] = {k: draw[k] for k, v in spec.items() if isinstance(v, Alternatives)}
    weights = drawn_weights(spec, draw)
    if weights:
        options["area_weights"] = {**dict(evaluation.options.area_weights), **weights}
    cells = drawn_survey(spec, draw)
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
        raise tr_error("uncertainty.error.no_intervals", columns=missing)
    rows = scores.set_index(scores["unit_code"].astype(str))
    for u in (a, b):
        if str(u) not in rows.index:
            raise tr_error("uncertainty.error.unknown_unit", unit=u)
    ra, rb = rows.loc[str(a)], rows.loc[str(b)]
    if "kind" in rows.columns and ra["kind"] != rb["kind"]:
        raise tr_error("uncertainty.error.peer_groups", a=a, b=b)
    lo_a, hi_a, lo_b, hi_b = (
        float(ra["rank_p05"]),
        float(ra["rank_p95"]),
        float(rb["rank_p05"]),
        float(rb["rank_p95"]),
    )
    return bool(distinct(lo_a, hi_a, np.array([lo_b]), np.array([hi_b]), overlap)[0])


def distinct(lo_a: float, hi_a: float, lo_b: np.ndarray, hi_b: np.ndarray, overlap: float = 0.5) -> np.ndarray:
    """``distinguishable`` for one interval [lo_a, hi_a] against many [lo_b, hi_b] at once (False where any bound
    is NaN)."""
    common = np.maximum(0.0, np.minimum(hi_a, hi_b) - np.maximum(lo_a, lo_b) + 1)
    shorter = np.minimum(hi_a - lo_a + 1, hi_b - lo_b + 1)
    out = (common == 0) | (common < overlap * shorter)
    return out & ~(np.isnan(lo_b) | np.isnan(hi_b) | np.isnan(lo_a) | np.isnan(hi_a))
