"""Speed of the reviewers' dashboard, measured in Chromium (not a test: it prints figures).

For comparison, the floor: a Voila page of one widget, served with the same options. Then two outputs folders:
the demo province (2022–2024 scored by the library) and a synthetic year of 700 units in one
peer group. For each: time from navigation to the ranking shown (pages served from the preheated kernel pool),
and from a weight change to the redrawn table (measured inside the page: key press → table mutation); and, in
this process, what the kernel spends on one recompute. Goals: first view < 1.5 s; a recompute < 300 ms at
province scale and < 1 s for 700 units.

    .venv/bin/python benchmarks/bench_dashboard.py [--loads 5] [--moves 8]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
from playwright.sync_api import sync_playwright

from danvan_eval.dashboard.server import background, free_port, voila_argv
from danvan_eval.dashboard.widgets import Dashboard
from danvan_eval.evaluation import scoring
from danvan_eval.model.framework import load_framework
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import write_csv
from danvan_eval.reports.runner import score_year

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROWS = ".dv-ranking-table tr[data-unit]"
AREAS = ["a1", "a2", "a3", "a4", "a5", "a6"]
POOL_REFILL_S = 12  # the pool fills, and refills after each page; wait so that every page finds it full
# in the page: the time of the Enter key in a slider's readout, and of the next change of the ranking table
PROBE = """() => {
  window.__dv = {key: null, changed: null};
  document.addEventListener('keydown', e => { if (e.key.startsWith('Arrow')) window.__dv = {key: performance.now(), changed: null}; }, true);
  new MutationObserver(() => { if (window.__dv.key !== null && window.__dv.changed === null) window.__dv.changed = performance.now(); })
    .observe(document.querySelector('.dv-ranking-table'), {subtree: true, childList: true, characterData: true});
}"""


def floor_notebook(root: Path) -> Path:
    """One HTML widget shaped like the ranking: what any Voila page costs here, for comparison."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell(
        "import ipywidgets as w\nw.HTML('<table><tr data-unit=\"1\"><td>1</td></tr></table>')"
        ".add_class('dv-ranking-table')")]
    path = root / "floor" / "floor.ipynb"
    path.parent.mkdir()
    nbformat.write(nb, path)
    return path


@contextlib.contextmanager
def floor_server(notebook: Path) -> Iterator[str]:
    port = free_port()
    argv = [sys.executable, "-m", "voila", *voila_argv(port, "127.0.0.1", open_browser=False, kernels=2, notebook=notebook)]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait()


def demo_outputs(root: Path) -> Path:
    out = root / "demo"
    for year in (2022, 2023, 2024):
        score_year(load_run(default_run_path(year)), out)
    return out


def synthetic_outputs(demo: Path, root: Path, n: int = 700, seed: int = 7) -> Path:
    """One year of ``n`` district-like units, scored consistently with the library (recompose, classify)."""
    out = root / f"synthetic-{n}"
    year_dir = out / "2024"
    year_dir.mkdir(parents=True)
    shutil.copy(demo / "2024" / "manifest.json", year_dir / "manifest.json")
    manifest = json.loads((year_dir / "manifest.json").read_text(encoding="utf-8"))
    fw = load_framework(manifest["inputs"]["framework"]["path"])
    rng = np.random.default_rng(seed)
    areas = pd.DataFrame(rng.uniform(35, 100, size=(n, len(AREAS))), columns=AREAS).round(2)
    areas = areas.mask(rng.random(areas.shape) < 0.01)  # a few areas with insufficient data
    codes = [f"S{i:04d}" for i in range(1, n + 1)]
    areas.index = pd.Index(codes, name="unit_code")
    result = scoring.recompose(areas, dict.fromkeys(AREAS, 1.0), "amean")
    late = rng.integers(-10, 8, n)
    scores = pd.DataFrame({
        "year": 2024, "unit_code": codes, "name_vi": [f"Đơn vị mô phỏng số {i}" for i in range(1, n + 1)],
        "kind": "district", "composite": result["composite"].to_numpy(), "coverage": 1.0,
        "band": scoring.classify(result["composite"], fw.bands).to_numpy(), "rank": result["rank"].to_numpy(),
        "n_ranked": int(result["composite"].notna().sum()), "composite_change": rng.normal(0, 4, n).round(2),
        "rank_change": rng.integers(-20, 20, n), **{a: areas[a].to_numpy() for a in AREAS},
        "received": "2024-11-20", "days_late": late, "on_time": late <= 0, "completeness_pct": 100.0,
    })
    scores["rank_median"] = scores["rank"]
    scores["rank_p05"] = (scores["rank"] - rng.integers(0, 30, n)).clip(lower=1)
    scores["rank_p95"] = scores["rank"] + rng.integers(0, 30, n)
    write_csv(scores, year_dir / "scores.csv")
    return out


def in_process_recompute(folder: Path, moves: int) -> list[float]:
    """Kernel-side cost of one weight move: ranking, table HTML, download links."""
    d = Dashboard.from_folder(folder)
    slider = d.weights.sliders["a2"]
    times = []
    for i in range(moves):
        t = time.perf_counter()
        slider.value = 2.0 + (i % 2)
        times.append(time.perf_counter() - t)
    return times


def browser_figures(browser, url: str, loads: int, moves: int) -> tuple[list[float], list[float]]:
    first_view, recompute = [], []
    for i in range(loads):
        time.sleep(POOL_REFILL_S)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(180_000)
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(ROWS)
        first_view.append(time.perf_counter() - start)
        if i == loads - 1 and moves:
            page.evaluate(PROBE)
            handle = page.locator(".dv-weight-a2 .noUi-handle")  # the slider's own readout is hidden
            for m in range(moves):
                handle.focus()
                page.keyboard.press("ArrowRight" if m % 2 == 0 else "ArrowLeft")  # one step, as a reviewer would
                page.wait_for_function("() => window.__dv.changed !== null")
                recompute.append(page.evaluate("(window.__dv.changed - window.__dv.key) / 1000"))
        page.close()
    return first_view, recompute


def summary(name: str, values: list[float]) -> str:
    ms = [1000 * v for v in values]
    return f"  {name:<44} median {statistics.median(ms):7.0f} ms   min {min(ms):6.0f}   max {max(ms):6.0f}   (n={len(ms)})"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--loads", type=int, default=5)
    p.add_argument("--moves", type=int, default=8)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        demo = demo_outputs(Path(tmp))
        folders = {"province (demo, 11 + 8 units)": demo, "synthetic, 700 units": synthetic_outputs(demo, Path(tmp))}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            print(f"== floor: a one-widget Voila page, same options (load average {os.getloadavg()[0]:.1f})")
            with floor_server(floor_notebook(Path(tmp))) as url:
                print(summary("browser: navigation → widget shown", browser_figures(browser, url, args.loads, 0)[0]))
            for name, folder in folders.items():
                print(f"== {name} (load average {os.getloadavg()[0]:.1f})")
                print(summary("kernel: recompute + table HTML", in_process_recompute(folder, args.moves)))
                # the Voila widgets, at /widgets; each load is a new page: allow them all a kernel (the limit of
                # pages at once is bench_dashboard_load's subject, not this one's)
                extra = ["--kernels", "2", "--widget-pages", str(args.loads + 1)]
                with background(folder, extra=extra) as url:
                    first_view, recompute = browser_figures(browser, url + "widgets", args.loads, args.moves)
                print(summary("browser: navigation → ranking shown", first_view))
                print(summary("browser: weight change → table redrawn", recompute))
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
