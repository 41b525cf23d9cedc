"""Validating a 1.5-million-row observations file: seconds and peak memory (goal: ≤ 10 s and ≤ 1 GB).

The file is made from the national list of communes (``data/vietnam_communes_2025-03-01.csv``): each of the
10,047 communes five times (50,235 units) × the 30 indicators of a district (auxiliary input included) for one
year, 1.5 million rows. Two cases, each in a fresh process (its peak resident memory is the process's):

1. ``read_observations`` + ``validate`` against a registry of those units: a valid file, no problem;
2. ``danvan-eval validate`` on the same file with the shipped Bình Định registry: every row is a problem
   (unknown unit), 1.5 million of them; the listing printed is capped (counts per kind, the first 50) and the full
   table is written beside the file.

Run: ``.venv/bin/python benchmarks/bench_validate.py``. A benchmark, not a test: it never fails on speed.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
YEAR = 2024
COPIES = 5  # units per commune: 10,047 × 5 × 30 indicators ≈ 1.5 M rows


def units() -> pd.DataFrame:
    communes = pd.read_csv(HERE / "data" / "vietnam_communes_2025-03-01.csv", dtype=str)["commune_code"]
    codes = [f"C{c}-{k}" for k in range(1, COPIES + 1) for c in communes]
    rng = np.random.default_rng(1)
    return pd.DataFrame({"code": codes, "name_vi": codes, "population": rng.integers(2_000, 40_000, len(codes)),
                         "n_communes": 1, "n_remote_communes": rng.integers(0, 2, len(codes))})


def registry(table: pd.DataFrame):
    from bench_scoring import (
        national_registry,  # imported here: the memory figure counts what validation loads
    )

    return national_registry(table)


def make_file(path: Path) -> int:
    """Write the observations file; returns its number of rows."""
    from danvan_eval.model.framework import default_framework_path, load_framework

    fw = load_framework(default_framework_path())
    table = fw.indicator_table("district")
    ids = [*table.index, *fw.auxiliary.index]
    codes = units()["code"].to_numpy()
    rng = np.random.default_rng(7)
    unit = np.repeat(codes, len(ids))
    ind = np.tile(np.array(ids, dtype=object), len(codes))
    kind = pd.Series(ind).map({**table["type"].to_dict(), **fw.auxiliary["type"].to_dict()}).to_numpy()
    value = np.where(kind == "pct", np.round(rng.uniform(0, 100, len(ind)), 1),
                     np.where(kind == "bool", rng.integers(0, 2, len(ind)), rng.integers(0, 500, len(ind))))
    survey = set(table.index[table["survey"].astype(bool)])
    n = np.where(np.isin(ind, list(survey)), "400", "")
    df = pd.DataFrame({"year": YEAR, "unit_code": unit, "indicator_id": ind, "value": value, "status": "reported",
                       "source": "bench", "n": n})
    df.to_csv(path, index=False, lineterminator="\n")
    return len(df)


def case_valid(path: Path) -> dict:
    from danvan_eval.model.framework import default_framework_path, load_framework
    from danvan_eval.model.observations import read_observations, validate

    fw, reg = load_framework(default_framework_path()), registry(units())
    start = time.perf_counter()
    obs = read_observations(path)
    read_s = time.perf_counter() - start
    problems = validate(obs, fw, reg, YEAR, file=str(path))
    return {"rows": len(obs), "problems": len(problems), "read_s": read_s, "seconds": time.perf_counter() - start}


def case_cli(path: Path) -> dict:
    from danvan_eval import cli

    printed = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(printed):
        status = cli.main(["validate", str(path), "--year", str(YEAR)])
    seconds = time.perf_counter() - start
    full = path.with_name(f"{path.stem}.problems.csv")
    return {"status": status, "seconds": seconds, "printed_bytes": len(printed.getvalue().encode("utf-8")),
            "full_table_rows": sum(1 for _ in full.open(encoding="utf-8-sig")) - 1 if full.exists() else 0}


def child(case: str, path: Path) -> None:
    result = {"valid": case_valid, "cli": case_cli}[case](path)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"observations_{YEAR}.csv"
        t = time.perf_counter()
        rows = make_file(path)
        print(f"file: {rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB (made in {time.perf_counter() - t:.1f} s)")
        baseline = json.loads(subprocess.run([sys.executable, "-c", ("import resource, json, danvan_eval.cli, "
                                              "pandas; print(json.dumps(resource.getrusage(resource.RUSAGE_SELF)"
                                              ".ru_maxrss / 1024))")], capture_output=True, text=True,
                                             check=True).stdout)
        print(f"(a Python process with the library imported: {baseline:.0f} MiB)")
        for case, label in (("valid", "read + validate, valid file (national registry)"),
                            ("cli", "danvan-eval validate, every row a problem (Bình Định registry)")):
            out = subprocess.run([sys.executable, __file__, case, str(path)], capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            extra = (f"read {r['read_s']:.2f} s, {r['problems']:,} problems" if case == "valid" else
                     f"exit {r['status']}, printed {r['printed_bytes'] / 1024:.1f} KiB, "
                     f"full table {r['full_table_rows']:,} rows")
            print(f"{label:<66} {r['seconds']:6.2f} s   peak {r['peak_rss_mib']:7.0f} MiB   ({extra})")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        child(sys.argv[1], Path(sys.argv[2]))
    else:
        main()
