"""A synthetic year of about 150 units, built from the 2022–2024 demo, to measure a run at the size of Gia Lai.

``make_year(folder)`` writes, under ``folder`` (a project-like tree: ``parameters/``, ``data/``):
  * ``parameters/units/synthetic.yaml``: every unit of the Bình Định registry copied until there are ``n_units``
    (codes ``540``, ``540-02``, ``540-03`` …, names numbered), each copy with the attributes of its original;
  * ``data/observations_<Y>.csv`` and ``submissions_<Y>.csv`` for 2022–2024: each copy reports what its original
    reported, numbers jittered by a seeded ±15 % (shares kept within 0–100, yes/no and gaps unchanged);
  * ``parameters/runs/2024.yaml``: the 2024 run file of the project pointing at them (same framework, options and
    uncertainty settings).
Returns the run file's path. Marked synthetic (source ``synthetic-benchmark``); nothing here is a real figure.

    python benchmarks/synthetic.py OUT_FOLDER [--units 150]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2024
YEARS = (2022, 2023, 2024)
SEED = 20261201


def _copies(units: list[dict], n_units: int) -> list[tuple[dict, str, int]]:
    """(original unit, new code, copy number) until ``n_units``: districts and departments in their proportion."""
    out, k = [], 1
    while len(out) < n_units:
        for u in units:
            if len(out) == n_units:
                break
            out.append((u, str(u["code"]) if k == 1 else f"{u['code']}-{k:02d}", k))
        k += 1
    return out


def _registry(copies: list[tuple[dict, str, int]]) -> dict:
    source = yaml.safe_load((ROOT / "parameters" / "units" / "binh-dinh.yaml").read_text(encoding="utf-8"))
    units = []
    for unit, code, k in copies:
        clone = {**unit, "code": code}
        if k > 1:
            clone["name_vi"], clone["name_en"] = f"{unit['name_vi']} {k:02d}", f"{unit['name_en']} {k:02d}"
        units.append(clone)
    return {"title": {"vi": "Đơn vị mô phỏng (benchmark)", "en": "Synthetic units (benchmark)"},
            "units": units, **{k: v for k, v in source.items() if k not in ("title", "units", "sources")}}


def _jitter(obs: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    value = pd.to_numeric(obs["value"], errors="coerce")
    factor = rng.uniform(0.85, 1.15, len(obs))
    pct = obs["indicator_id"].str.contains("pct") | obs["indicator_id"].str.contains("share")
    binary = value.isin([0, 1])
    new = np.where(pct, np.clip(np.round(value * factor, 1), 0, 100), np.round(value * factor))
    new = pd.Series(np.where(binary | value.isna(), value, new), index=obs.index)
    text = new.map(lambda v: "" if pd.isna(v) else (f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"))
    return text.where(value.notna(), obs["value"].astype(object))


def make_year(folder: Path, n_units: int = 150) -> Path:
    """Write the synthetic year under ``folder``; returns its run file."""
    folder = Path(folder)
    registry = yaml.safe_load((ROOT / "parameters" / "units" / "binh-dinh.yaml").read_text(encoding="utf-8"))
    due = f"{YEAR}-11-25"  # units valid on the deadline of the year
    active = [u for u in registry["units"] if str(u["valid_from"]) <= due <= str(u.get("valid_to", "9999"))]
    copies = _copies(active, n_units)
    (folder / "parameters" / "units").mkdir(parents=True, exist_ok=True)
    (folder / "parameters" / "runs").mkdir(parents=True, exist_ok=True)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "parameters" / "units" / "synthetic.yaml").write_text(
        yaml.safe_dump(_registry(copies), allow_unicode=True, sort_keys=False), encoding="utf-8")
    rng = np.random.default_rng(SEED)
    for year in YEARS:
        for table in ("observations", "submissions"):
            src = pd.read_csv(ROOT / "data" / "demo" / f"{table}_{year}.csv", dtype=str, keep_default_na=False)
            parts = []
            for unit, code, k in copies:
                mine = src[src["unit_code"] == str(unit["code"])].copy()
                if table == "observations" and k > 1:
                    mine["value"] = _jitter(mine, rng)
                mine["unit_code"] = code
                mine["source"] = "synthetic-benchmark"
                parts.append(mine)
            pd.concat(parts).to_csv(folder / "data" / f"{table}_{year}.csv", index=False, lineterminator="\n")
    run = yaml.safe_load((ROOT / "parameters" / "runs" / f"{YEAR}.yaml").read_text(encoding="utf-8"))
    run.update(description=f"Năm mô phỏng {n_units} đơn vị (benchmark) / synthetic {n_units}-unit year",
               framework=str(ROOT / run["framework"]), units="parameters/units/synthetic.yaml",
               observations={y: f"data/observations_{y}.csv" for y in YEARS},
               submissions={y: f"data/submissions_{y}.csv" for y in YEARS})
    path = folder / "parameters" / "runs" / f"{YEAR}.yaml"
    path.write_text(yaml.safe_dump(run, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path)
    p.add_argument("--units", type=int, default=150)
    a = p.parse_args()
    print(make_year(a.out, a.units))
    sys.exit(0)
