"""National-scale scoring benchmark: every commune of Vietnam (10,047) × the framework's indicators × 5 years.

Prints seconds and peak memory for
1. the engine on wide data (denominate → normalise → aggregate → rank → classify), one year and the 5-year panel,
   with goalposts fixed and with min-max pooled over the years — the same shape of work COINr was measured on
   (0.63 s / 155 MB one year, 4.1 s / 271 MB the 5-year panel, 30 indicators, 6 pillars);
2. ``scoring.score`` end to end from the canonical long observation table (pivoting 1.5 million rows included).

Run: ``.venv/bin/python benchmarks/bench_scoring.py``. A benchmark, not a test: it never fails on speed.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from danvan_eval.engine import coin as engine
from danvan_eval.evaluation.scoring import classify, rank, score
from danvan_eval.model.framework import default_framework_path, load_framework
from danvan_eval.model.units import COLUMNS, DATED, Registry

HERE = Path(__file__).resolve().parent
YEARS = (2021, 2022, 2023, 2024, 2025)


def communes() -> pd.DataFrame:
    df = pd.read_csv(HERE / "data" / "vietnam_communes_2025-03-01.csv", dtype=str)
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "code": "C" + df["commune_code"],
        "name_vi": df["commune_name"],
        "population": rng.integers(2_000, 40_000, len(df)),
        "n_communes": 1,
        "n_remote_communes": rng.integers(0, 2, len(df)),
    })


def national_registry(units: pd.DataFrame) -> Registry:
    """Every commune as a unit of kind "district" (the framework's district indicators apply to it)."""
    table = units.assign(kind="district", peer_group="district", name_en=units["name_vi"], type_vi="Xã",
                         type_en="Commune", population_status="official", area_km2=np.nan,
                         mountainous=units["n_remote_communes"] > 0, mountainous_status="official",
                         valid_from=pd.Timestamp("2000-01-01"), valid_to=pd.NaT, source="benchmark", note="")
    history = table.melt(id_vars="code", value_vars=list(DATED), var_name="attribute", value_name="value")
    history = history.assign(valid_from=pd.Timestamp("2000-01-01"), source="benchmark", status="official",
                             confidence="high")
    groups = pd.DataFrame({"id": ["district"], "label_vi": ["Xã"], "label_en": ["Commune"]})
    return Registry(units=table[COLUMNS], history=history, groups=groups, path=HERE, sha256="benchmark")


def wide_panel(units: pd.DataFrame, framework, years) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Random but plausible wide data (rows = (year, unit)), its groups table and a few N/A cells."""
    meta = framework.meta("district")
    inds = list(meta.index[meta["level"] == 1])
    rng = np.random.default_rng(7)
    index = pd.MultiIndex.from_product([years, units["code"]], names=["year", "unit_code"])
    lo = meta.loc[inds, ["lo", "hi"]].min(axis=1).to_numpy()
    hi = meta.loc[inds, ["lo", "hi"]].max(axis=1).to_numpy()
    x = rng.uniform(lo, hi * 1.2, size=(len(index), len(inds)))
    x[rng.random(x.shape) < 0.01] = np.nan  # 1 % missing
    raw = pd.DataFrame(x, index=index, columns=inds)
    groups = pd.DataFrame(index=index)
    reps = len(years)
    groups["population_10k"] = np.tile(units["population"].to_numpy() / 10_000, reps)
    groups["communes"] = 1.0
    groups["remote_communes"] = np.tile(units["n_remote_communes"].to_numpy(), reps).astype(float)
    groups["dossiers_10k"] = rng.uniform(0.1, 3, len(index))
    groups["year"] = index.get_level_values("year")
    na = pd.DataFrame(False, index=index, columns=inds)
    remote = meta.index[(meta["level"] == 1) & (meta["denominator"] == "remote_communes")]
    na.loc[(groups["remote_communes"] == 0).to_numpy(), remote] = True
    return raw, groups, na


def engine_run(raw, groups, na, framework, method: str) -> pd.DataFrame:
    meta = framework.meta("district")
    c = engine.new_coin(raw, meta, groups=groups, not_applicable=na)
    c = engine.denominate(c)
    c = engine.normalise(c, method=method)
    c = engine.aggregate(c, method="amean", weight_thresh={2: framework.coverage_threshold, 3: 1.0})
    index = c["Aggregated"]["index"]
    out = pd.DataFrame({"composite": index, "band": classify(index, framework.bands)})
    out["rank"] = rank(index, groups["year"])
    return out


def long_observations(raw: pd.DataFrame, na: pd.DataFrame) -> pd.DataFrame:
    long = raw.stack(future_stack=True).rename("value").reset_index()
    long = long.rename(columns={"level_2": "indicator_id"})
    long.columns = ["year", "unit_code", "indicator_id", "value"]
    status = np.where(na.stack(future_stack=True).to_numpy(), "not_applicable",
                      np.where(long["value"].isna(), "missing", "reported"))
    long["status"] = status
    long.loc[long["status"] == "not_applicable", "value"] = np.nan
    long["source"] = "bench"
    long["n"] = pd.array(np.where(long["indicator_id"] == "i4_satisfaction_pct", 400, pd.NA), dtype="Int64")
    return long


def measure(label: str, fn) -> None:
    """Best of 3 wall-clock runs, then one more run under tracemalloc for the peak (it slows allocation)."""
    seconds = []
    for _ in range(3):
        gc.collect()
        t = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - t)
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{label:<62} {min(seconds):7.3f} s   peak {peak / 2**20:7.1f} MiB")


def main() -> None:
    framework = load_framework(default_framework_path())
    units = communes()
    n_ind = int((framework.meta("district")["level"] == 1).sum())
    print(f"{len(units):,} communes × {n_ind} indicators × {len(YEARS)} years (6 areas)")
    one = wide_panel(units, framework, YEARS[-1:])
    panel = wide_panel(units, framework, YEARS)
    measure("engine, 1 year, fixed goalposts", lambda: engine_run(*one, framework, "goalposts"))
    measure("engine, 5-year panel, fixed goalposts", lambda: engine_run(*panel, framework, "goalposts"))
    measure("engine, 5-year panel, min-max pooled over the years", lambda: engine_run(*panel, framework, "minmax"))

    registry = national_registry(units)
    obs = long_observations(panel[0], panel[2])
    obs = obs.merge(pd.DataFrame({"unit_code": units["code"]}), on="unit_code")
    dossiers = panel[1]["dossiers_10k"].mul(10_000).rename("value").reset_index()
    dossiers = dossiers.assign(indicator_id="d_dossiers_received", status="reported", source="bench",
                               n=pd.array([pd.NA] * len(dossiers), dtype="Int64"))
    obs = pd.concat([obs, dossiers[obs.columns]], ignore_index=True)
    print(f"long observation table: {len(obs):,} rows")
    measure("score(): long table → all tables, 5-year panel", lambda: score(obs, framework, registry, YEARS[-1]))


if __name__ == "__main__":
    main()
