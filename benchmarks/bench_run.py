"""How much does running the reports as notebooks cost? ``danvan-eval run`` against the bare report code.

The year: ``parameters/runs/2026.yaml`` when the project has it, else a synthetic 150-unit year made from the
2022–2024 demo (``benchmarks/synthetic.py``), or the run file given with ``--run``. Times, in one run of this
script:
  * ``run``: the command ``danvan-eval run`` in a new process (imports, validation, scoring, every notebook
    executed with papermill on warm kernels, HTML export, the atomic move into place), with the peak resident
    memory of the command and all its processes (workers, kernels) together;
  * ``in-process``: the same scoring and the same report code (the notebooks' code cells, their displayed
    objects formatted as a kernel would: PNG figures, HTML tables) in this process, one after the other,
    without kernel, papermill, nbformat or HTML export;
  * ``one unit``: ``danvan-eval run --units <first unit>`` over the full run's outputs (what rerunning one costs).
Prints them, their ratio (goal ≤ 1.3) and the run's own timings from its manifest (goal: run ≤ 30 s, ≤ 1.5 GB).

    python benchmarks/bench_run.py [--run FILE] [--units 150] [--repeat 1] [--jobs 2]

A benchmark, not a test: it never fails on speed.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
CLI = Path(sys.executable).with_name("danvan-eval")
UNIT, PROVINCE, AUDIT = "unit_report.ipynb", "province_master.ipynb", "methodology_audit.ipynb"
DEFAULT_RUN = ROOT / "parameters" / "runs" / "2026.yaml"


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def time_cli(run_file: Path, year: int, jobs: int, out: Path, units: str | None = None
             ) -> tuple[float, int, dict, float]:
    """Seconds, peak resident bytes of the process tree (sampled every 50 ms), the manifest, CPU seconds of the
    command and all its processes (user + system; less sensitive than seconds to a shared machine)."""
    cmd = [str(CLI), "run", "--run", str(run_file), "--year", str(year), "--jobs", str(jobs), "--out", str(out)]
    if units:
        cmd += ["--units", units]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, proc = 0, psutil.Process(child.pid)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(proc))
            except psutil.Error:
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = child.communicate()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"danvan-eval run failed ({child.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return seconds, peak, json.loads((out / str(year) / "manifest.json").read_text(encoding="utf-8")), cpu


def code_of(notebook: Path) -> list[str]:
    """The notebook's code cells after its ``parameters`` cell (the parameters are given in the namespace)."""
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    return [c.source for c in cells if "parameters" not in c.metadata.get("tags", [])]


def time_in_process(run_file: Path, folder: Path, warmup: bool = False) -> tuple[float, float]:
    """Score the year and run every report's code in this process; what the notebooks cost without Jupyter.
    Returns the total seconds and the seconds of the unit reports alone. ``warmup``: two reports only (imports
    and caches, as a warm kernel has them)."""
    from IPython.core.interactiveshell import InteractiveShell

    from danvan_eval.evaluation.year import score_run, write_tables
    from danvan_eval.model.runs import load_run
    from danvan_eval.reports.runner import write_manifest

    formatter = InteractiveShell.instance().display_formatter

    def display(*objects):
        for obj in objects:
            formatter.format(obj)  # the kernel's work for a displayed object: PNG, HTML, text

    start = time.perf_counter()
    run = load_run(run_file)
    scored = score_run(run)
    year_dir = folder / str(run.year)
    year_dir.mkdir(parents=True, exist_ok=True)
    write_tables(scored, year_dir)
    write_manifest(scored, year_dir, scored.timings)  # what the audit reads (framework, uncertainty settings)
    common = {"year": run.year, "lang": "vi", "outputs_dir": str(folder), "run_file": str(run.path)}
    code = {name: [src.replace("from IPython.display import display\n", "") for src in code_of(ROOT / "notebooks" / name)]
            for name in (UNIT, PROVINCE, AUDIT) if (ROOT / "notebooks" / name).exists()}
    jobs = [({**common, "unit_code": c}, code[UNIT]) for c in scored.tables["scores"]["unit_code"]]
    n_units = len(jobs)
    jobs += [(common, code[name]) for name in (PROVINCE, AUDIT) if name in code]
    if warmup:
        jobs = jobs[:1] + jobs[-1:]
    units_s = 0.0
    for i, (params, cells) in enumerate(jobs):
        t = time.perf_counter()
        namespace = {**params, "display": display}
        for src in cells:
            exec(compile(src, "<report>", "exec"), namespace)  # noqa: S102 - the notebooks' own code
        if i < n_units:
            units_s += time.perf_counter() - t
    return time.perf_counter() - start, units_s


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, help="run file (default: parameters/runs/2026.yaml, else a synthetic year)")
    p.add_argument("--units", type=int, default=150, help="units of the synthetic year")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args(argv)
    runs, bare, unit_bare, peaks, manifests, cpus = [], [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        tmp = Path(tmp)
        if args.run:
            run_file, what = args.run.resolve(), str(args.run)
        elif DEFAULT_RUN.exists():
            run_file, what = DEFAULT_RUN, str(DEFAULT_RUN.relative_to(ROOT))
        else:
            from synthetic import make_year

            run_file, what = make_year(tmp / "year", args.units), f"synthetic {args.units}-unit year"
        from danvan_eval.model.runs import load_run

        year = load_run(run_file).year
        time_in_process(run_file, tmp / "warmup", warmup=True)
        for i in range(args.repeat):
            seconds, peak, man, cpu = time_cli(run_file, year, args.jobs, tmp / f"run{i}")
            runs.append(seconds)
            cpus.append(cpu)
            peaks.append(peak)
            manifests.append(man)
            total, units_s = time_in_process(run_file, tmp / f"bare{i}")
            bare.append(total)
            unit_bare.append(units_s)
        first = min(k for k in manifests[-1]["notebooks"] if k not in ("province", "methodology_audit"))
        one_s, _, one_man, one_cpu = time_cli(run_file, year, args.jobs, tmp / f"run{args.repeat - 1}", units=first)
    n = len(manifests[-1]["notebooks"])
    n_units = n - sum(k in manifests[-1]["notebooks"] for k in ("province", "methodology_audit"))
    run_s, bare_s = statistics.median(runs), statistics.median(bare)
    notebooks_s = statistics.median(m["timings"]["notebooks_s"] for m in manifests)
    per_nb = statistics.median(v["seconds"] for m in manifests for v in m["notebooks"].values())
    load = psutil.getloadavg()
    print(f"{what} ({year}): {n} notebooks ({n_units} units), --jobs {args.jobs}, median of {args.repeat}; "
          f"load average {load[0]:.1f} {load[1]:.1f} on {psutil.cpu_count()} cores")
    print(f"  danvan-eval run (new process, end to end) : {run_s:6.2f} s   (runs: {', '.join(f'{r:.2f}' for r in runs)};"
          f" goal ≤ 30 s)")
    print(f"    CPU seconds, all its processes           : {statistics.median(cpus):6.2f} s")
    print(f"    of which notebooks + HTML (manifest)     : {notebooks_s:6.2f} s   ({per_nb:.2f} s a notebook, median)")
    print(f"    peak memory, all its processes           : {max(peaks) / 2**30:6.2f} GiB (goal ≤ 1.5)")
    print(f"  same code in-process, no kernel (1 process): {bare_s:6.2f} s   (runs: {', '.join(f'{b:.2f}' for b in bare)};"
          f" unit reports {statistics.median(unit_bare) / max(n_units, 1):.3f} s each)")
    print(f"  ratio run / in-process                     : {run_s / bare_s:6.2f}   (goal ≤ 1.3)")
    print(f"  danvan-eval run --units {first} (one unit) : {one_s:6.2f} s, {one_cpu:.2f} s CPU "
          f"({len(one_man['notebooks'])} notebook(s) rendered)")
    timings = manifests[-1]["timings"]
    print("  last run, manifest timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(timings.items())))
    slowest = sorted(manifests[-1]["notebooks"].items(), key=lambda kv: -kv[1]["seconds"])[:3]
    print("  slowest notebooks (s): " + ", ".join(f"{k} {v['seconds']:.2f}" for k, v in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
