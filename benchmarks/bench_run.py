"""How much does running the reports as notebooks cost? ``danvan-eval run`` against the bare report code.

Times, in one run of this script, for the demo year (11 districts, the departments, the province master and,
when that notebook exists, the methodology audit):
  * ``run``: the command ``danvan-eval run --year Y`` in a new process (imports, validation, scoring, every
    notebook executed with papermill on warm kernels, HTML export, the atomic move into place);
  * ``in-process``: the same scoring and the same report code (the notebooks' code cells, their displayed
    objects formatted as a kernel would: PNG figures, HTML tables) in this process, one after the other,
    without kernel, papermill, nbformat or HTML export.
and prints both, their ratio (goal < 2) and the run's own timings from its manifest (goal: run < 10 s).

    python benchmarks/bench_run.py [--year 2024] [--repeat 3] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
CLI = Path(sys.executable).with_name("danvan-eval")
UNIT, PROVINCE, AUDIT = "unit_report.ipynb", "province_master.ipynb", "methodology_audit.ipynb"


def time_cli(year: int, jobs: int, out: Path) -> tuple[float, dict]:
    start = time.perf_counter()
    subprocess.run([str(CLI), "run", "--year", str(year), "--jobs", str(jobs), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    return seconds, json.loads((out / str(year) / "manifest.json").read_text(encoding="utf-8"))


def code_of(notebook: Path) -> list[str]:
    """The notebook's code cells after its ``parameters`` cell (the parameters are given in the namespace)."""
    cells = [c for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]
    return [c.source for c in cells if "parameters" not in c.metadata.get("tags", [])]


def time_in_process(year: int, folder: Path) -> float:
    """Score the year and run every report's code in this process; what the notebooks cost without Jupyter."""
    from IPython.core.interactiveshell import InteractiveShell

    from danvan_eval.evaluation.year import score_run, write_tables
    from danvan_eval.model.runs import default_run_path, load_run

    formatter = InteractiveShell.instance().display_formatter

    def display(*objects):
        for obj in objects:
            formatter.format(obj)  # the kernel's work for a displayed object: PNG, HTML, text

    start = time.perf_counter()
    run = load_run(default_run_path(year, ROOT))
    scored = score_run(run)
    (folder / str(year)).mkdir(parents=True, exist_ok=True)
    write_tables(scored, folder / str(year))
    common = {"year": year, "lang": "vi", "outputs_dir": str(folder), "run_file": str(run.path)}
    code = {name: [src.replace("from IPython.display import display\n", "") for src in code_of(ROOT / "notebooks" / name)]
            for name in (UNIT, PROVINCE, AUDIT) if (ROOT / "notebooks" / name).exists()}
    jobs = [({**common, "unit_code": c}, code[UNIT]) for c in scored.tables["scores"]["unit_code"]]
    jobs += [(common, code[name]) for name in (PROVINCE, AUDIT) if name in code]
    for params, cells in jobs:
        namespace = {**params, "display": display}
        for src in cells:
            exec(compile(src, "<report>", "exec"), namespace)  # noqa: S102 - the notebooks' own code
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--year", type=int, default=2024)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--jobs", type=int, default=2)
    args = p.parse_args(argv)
    runs, bare, manifests = [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        time_in_process(args.year, Path(tmp) / "warmup")  # imports and caches, as a warm kernel has them
        for i in range(args.repeat):
            seconds, man = time_cli(args.year, args.jobs, Path(tmp) / f"run{i}")
            runs.append(seconds)
            manifests.append(man)
            bare.append(time_in_process(args.year, Path(tmp) / f"bare{i}"))
    n = len(manifests[-1]["notebooks"])
    run_s, bare_s = statistics.median(runs), statistics.median(bare)
    notebooks_s = statistics.median(m["timings"]["notebooks_s"] for m in manifests)
    per_nb = statistics.median(v["seconds"] for m in manifests for v in m["notebooks"].values())
    print(f"year {args.year}: {n} notebooks, --jobs {args.jobs}, median of {args.repeat}")
    print(f"  danvan-eval run (new process, end to end) : {run_s:6.2f} s   (runs: {', '.join(f'{r:.2f}' for r in runs)})")
    print(f"    of which notebooks + HTML (manifest)     : {notebooks_s:6.2f} s   ({per_nb:.2f} s a notebook, median)")
    print(f"  same code in-process, no kernel (1 process): {bare_s:6.2f} s   (runs: {', '.join(f'{b:.2f}' for b in bare)})")
    print(f"  ratio run / in-process                     : {run_s / bare_s:6.2f}   (goal < 2; run goal < 10 s)")
    timings = manifests[-1]["timings"]
    print("  last run, manifest timings (s): " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(timings.items())))
    slowest = sorted(manifests[-1]["notebooks"].items(), key=lambda kv: -kv[1]["seconds"])[:3]
    print("  slowest notebooks (s): " + ", ".join(f"{k} {v['seconds']:.2f}" for k, v in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
