"""Templates and intake at the size of Gia Lai: a template for every unit, filled, read back.

The year: ``parameters/runs/2026.yaml`` (150 units), or the run file given with ``--run``. In one run of this
script:
  * ``template``: ``danvan-eval template --all`` in a new process (goal ≤ 10 s for every unit);
  * ``fill``: every template filled in this process as a unit would (openpyxl; ``fill_workbook`` of the tests'
    corpus maker) with the unit's observations of the run file, received on its submission date or the day before
    the deadline (a unit whose date is still to come, the demo's unit that never reports, sends nothing); not
    part of any goal, the units do it;
  * ``intake``: ``danvan-eval intake`` on the folder of filled templates in a new process (goal ≤ 10 s); then
    with ``--workers 1`` (the files read in that process alone), for what the pool of one process per core gains.
Wall seconds and CPU seconds (the command and its children, user + system: less sensitive to a shared machine)
with the load average; the intake must accept every file. A benchmark, not a test: it never fails on speed.

    python benchmarks/bench_intake.py [--run FILE] [--repeat 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "intake_malformed"))
CLI = Path(sys.executable).with_name("danvan-eval")
DEFAULT_RUN = ROOT / "parameters" / "runs" / "2026.yaml"


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of the command and its children, its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:3])} failed ({done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout


def fill(templates: list[Path], run, out: Path) -> float:
    """Fill every template with its unit's observations of the year; returns the seconds it took."""
    from make_corpus import fill_workbook

    from danvan_eval.intake import templates as tpl
    from danvan_eval.model.units import load_registry

    framework, registry = run.load_framework(), load_registry(run.units)
    kinds = registry.active(run.year, framework.deadline).set_index("code")["kind"]
    obs = pd.read_csv(run.observations[run.year], dtype={"unit_code": str})
    obs = obs[obs["year"] == run.year]
    received = {}
    if run.year in run.submissions:
        sub = pd.read_csv(run.submissions[run.year], dtype={"unit_code": str})
        received = {u: dt.date.fromisoformat(str(d)) for u, d in zip(sub["unit_code"], sub["received"]) if pd.notna(d)}
    due = run.deadline or dt.date(run.year, *framework.deadline)
    start = time.perf_counter()
    out.mkdir(parents=True)
    for path in templates:
        code = path.stem.removeprefix(f"{tpl.FILE_PREFIX}_{run.year}_")  # tpl.template_name
        day = received.get(code, due - dt.timedelta(days=1))
        if day > dt.date.today():  # the demo's unit that never reports: no file
            continue
        wb = load_workbook(path)
        fill_workbook(wb, framework, str(kinds[code]), obs[obs["unit_code"] == code], day)
        tpl.save_workbook(wb, out / path.name)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, default=DEFAULT_RUN, help="run file (default: parameters/runs/2026.yaml)")
    p.add_argument("--repeat", type=int, default=1)
    args = p.parse_args(argv)
    from danvan_eval.model.runs import load_run

    run = load_run(args.run.resolve())
    common = ["--run", str(run.path), "--year", str(run.year)]
    tmpl, intake, serial, fills = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        tmp = Path(tmp)
        for i in range(args.repeat):
            folder = tmp / f"templates{i}"
            tmpl.append(timed([str(CLI), "template", "--all", *common, "--out", str(folder)])[:2])
            files = sorted(folder.glob("*.xlsx"))
            fills.append(fill(files, run, tmp / f"filled{i}"))
            wall, cpu, _ = timed([str(CLI), "intake", str(tmp / f"filled{i}"), *common,
                                        "--out", str(tmp / f"intake{i}")])
            intake.append((wall, cpu))
            serial.append(timed([str(CLI), "intake", str(tmp / f"filled{i}"), *common, "--workers", "1",
                                 "--out", str(tmp / f"serial{i}")])[:2])
            accepted = len(pd.read_csv(tmp / f"intake{i}" / f"observations_{run.year}.csv",
                                       dtype={"unit_code": str})["unit_code"].unique())
    load = psutil.getloadavg()
    print(f"{run.path.name} ({run.year}): {len(files)} templates, {accepted} units taken in, median of {args.repeat};"
          f" load average {load[0]:.1f} {load[1]:.1f} on {psutil.cpu_count()} cores")
    for what, rows in (("danvan-eval template --all", tmpl), ("danvan-eval intake (every file)", intake),
                       ("  the same, --workers 1", serial)):
        goal = "" if rows is serial else "   (goal ≤ 10 s)"
        print(f"  {what:32s}: {statistics.median(r[0] for r in rows):6.2f} s wall, "
              f"{statistics.median(r[1] for r in rows):6.2f} s CPU{goal}")
    print(f"  {'filling them (openpyxl, here)':32s}: {statistics.median(fills):6.2f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
