"""Monte Carlo rank intervals: seconds for the three sizes the uncertainty analysis is built for.

1. COINr's own case: 1,000 noisy-weight replications (±25 % at levels 2 and 3) of the ASEM index (51 units ×
   49 indicators, ``build_example_coin``). COINr 1.1.14 rebuilds the index per draw: 75 s on this machine.
2. Province scale: 10,000 draws of every choice of the Directive 33 evaluation of the demo year 2024 (11
   districts + the departments; indicator and area weights, normalisation, imputation, aggregation, survey).
3. 700 units (synthetic, the framework's tree): 1,000 draws of weights, normalisation, aggregation and a survey
   share.
Each time covers drawing the parameters, the vectorised simulation and the per-unit summary; the one-off
scoring is not counted. Goals: under 1 s, 2 s and 10 s.
4. The yearly run of the 2026 demo year (150 units, ``parameters/runs/2026.yaml``): ``score_run`` in CPU and wall
   seconds, then its parts one by one (scoring, the structure tables, the simulation of the rank intervals' draws
   and the Sobol design, their summaries). Goal: ``score_run`` under 4 s CPU.

Run: ``.venv/bin/python benchmarks/bench_uncertainty.py``. A benchmark, not a test: it never fails on speed.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pandas as pd

from danvan_eval.engine import coin as engine
from danvan_eval.engine import uncertainty as unc
from danvan_eval.evaluation import uncertainty as evu
from danvan_eval.evaluation.scoring import score
from danvan_eval.evaluation.year import load_inputs
from danvan_eval.model.framework import default_framework_path, load_framework
from danvan_eval.model.runs import default_run_path, load_run

ROOT = Path(__file__).resolve().parent.parent
ASEM = [ROOT / "tests" / "fixtures" / "coinr_asem", ROOT.parent / "shared" / "reference" / "coinr_asem"]
REPEATS = 3


def best_of(fn) -> float:
    """Shortest of a few runs (the machine is shared, the minimum is the least disturbed)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def asem_coin() -> engine.Coin:
    folder = next(p for p in ASEM if (p / "input_ASEM_iData.csv").exists())
    c = engine.read_coinr(folder / "input_ASEM_iData.csv", folder / "input_ASEM_iMeta.csv")
    c = engine.denominate(c)
    c = engine.impute(c, method="i_mean_grp", by="EurAsia_group")
    c = engine.screen(c, dat_thresh=0.9)
    c = engine.treat(c, method="winsorise")
    c = engine.normalise(c, method="minmax")
    return engine.aggregate(c)


def synthetic_coin(n_units: int = 700) -> tuple[engine.Coin, pd.DataFrame]:
    """The district tree of the framework on random data: 2 % missing, some N/A cells, a survey share."""
    meta = load_framework(default_framework_path()).meta("district")
    inds = list(meta.index[meta["level"] == 1])
    rng = np.random.default_rng(11)
    rows = pd.Index([f"U{i:04d}" for i in range(n_units)], name="unit_code")
    lo = meta.loc[inds, ["lo", "hi"]].min(axis=1).to_numpy()
    hi = meta.loc[inds, ["lo", "hi"]].max(axis=1).to_numpy()
    x = rng.uniform(lo, hi * 1.1, size=(n_units, len(inds)))
    x[rng.random(x.shape) < 0.02] = np.nan
    raw = pd.DataFrame(x, index=rows, columns=inds)
    raw["i4_satisfaction_pct"] = rng.uniform(40, 98, n_units)
    na = pd.DataFrame(rng.random(x.shape) < 0.03, index=rows, columns=inds)
    na["i4_satisfaction_pct"] = False
    c = engine.new_coin(raw, meta.drop(columns="denominator"), not_applicable=na)
    c = engine.normalise(c, method="goalposts")
    c = engine.aggregate(c, weight_thresh={2: 2 / 3, 3: 1.0})
    sizes = pd.DataFrame({"i4_satisfaction_pct": rng.integers(30, 400, n_units).astype(float)}, index=rows)
    return c, sizes


def timed(fn) -> tuple[float, float, object]:
    """CPU (user + system of this process) and wall seconds of one call, and its result."""
    cpu, wall = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, out


def score_run_parts(year: int = 2026) -> None:
    """``score_run`` of a demo year, then the parts of its work (each timed on its own)."""
    from danvan_eval.evaluation import audit
    from danvan_eval.evaluation.year import score_run

    run = load_run(default_run_path(year, ROOT))
    inputs = load_inputs(run)
    score_run(run, inputs)  # warm: first calls import and compile
    cpu, wall, scored = timed(lambda: score_run(run, inputs))
    print(f"score_run {year}, {len(scored.evaluation.of_year('units'))} units: {cpu:.2f} s CPU, {wall:.2f} s wall "
          f"(goal < 4 s CPU)")
    framework, registry, observations, _ = inputs
    parts = {}
    parts["score"], _, ev = timed(lambda: score(observations, framework, registry, run.year, run.options))
    parts["structure_tables"], _, _ = timed(lambda: audit.structure_tables(ev))
    s = evu.UncertaintySettings.from_mapping(run.uncertainty)
    spec = evu.evaluation_spec(ev, s.weight_noise, s.normalisation, s.aggregation, s.imputation, s.survey)
    coins = list(ev.coins.values())
    parts["draws"], _, draws = timed(
        lambda: [unc.sample_draws(spec, s.draws, s.seed, coins),
                 audit.sensitivity_design(ev, spec, s.sensitivity_draws, s.seed)]
    )
    parts["simulation (both tables)"], _, sims = timed(lambda: evu.simulate_evaluations(ev, spec, draws))
    parts["rank intervals (summary)"], _, _ = timed(lambda: evu.intervals(ev, spec, s.seed, draws[0], sims[0]))
    parts["Sobol indices"], _, _ = timed(lambda: audit.sobol_of(ev, draws[1], sims[1], s.bootstrap, s.seed))
    for name, seconds in parts.items():
        print(f"  {name:<28} {seconds:6.2f} s CPU")


def main() -> None:
    score_run_parts()
    c = asem_coin()
    spec = {"weights": unc.UniformWeights({2: 0.25, 3: 0.25})}
    t = best_of(lambda: unc.run(c, spec, 1000, seed=1))
    print(f"ASEM, 51 units × 49 indicators, 1,000 noisy-weight draws: {t:.3f} s (goal < 1 s; COINr 75 s)")

    run = load_run(default_run_path(2024, ROOT))
    framework, registry, observations, _ = load_inputs(run)
    ev = score(observations, framework, registry, run.year, run.options)
    units = len(ev.of_year("units"))
    factors = ", ".join(evu.evaluation_spec(ev))
    t = best_of(lambda: evu.rank_intervals(ev, 10_000, seed=1))
    print(
        f"Province, {units} units (11 districts + departments), 10,000 draws of {factors}: {t:.3f} s (goal < 2 s)"
    )

    c, sizes = synthetic_coin()
    spec = {
        "indicator_weights": unc.UniformWeights({1: 0.25}),
        "area_weights": unc.DirichletWeights({2: 50.0}),
        "normalisation": unc.Alternatives(
            "normalise", {"goalposts": {"method": "goalposts"}, "minmax": {"method": "minmax"}}
        ),
        "aggregation": unc.Alternatives(
            "aggregate", {m: {"method": m, "weight_thresh": {2: 2 / 3, 3: 1.0}} for m in ("amean", "gmean")}
        ),
        "survey": unc.SurveyShares(sizes),
    }
    t = best_of(lambda: unc.run(c, spec, 1000, seed=1))
    print(
        f"Synthetic, 700 units × {len(c.indicators)} indicators, 1,000 draws of {', '.join(spec)}: {t:.3f} s "
        "(goal < 10 s)"
    )


if __name__ == "__main__":
    main()
