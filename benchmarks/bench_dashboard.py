"""Speed of the dashboard's two pages, measured in Chromium (not a test: it prints figures).

The outputs: the current demo years 2025 and 2026 of Gia Lai (150 units: 135 communes and wards, 15 agencies),
scored by the library (or ``--outputs`` already scored), and a synthetic year of 700 units in one peer group
(``--synthetic``). For each page, the kernel-free reviewers' page ``/`` and the Voila widget page ``/widgets``
(served from the preheated kernel pool): the time from navigation until the ranking's rows of the latest year are
shown (wall, and in the page from its navigation start), the CPU seconds the browser's page thread and the server
with its kernels spent on it; then, on the last page, from a weight change (one keyboard step on a slider) to the
redrawn table and to the next frame. Each load is a new browser context (nothing cached). For comparison, the
floor: a Voila page of one widget, served with the same options (``--floor``). Goals (issue 11): first view
≤ 1.5 s, a redraw after a weight change ≤ 300 ms at 150 units.

    .venv/bin/python benchmarks/bench_dashboard.py [--loads 5] [--moves 8] [--outputs outputs] [--floor] [--synthetic]
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

from danvan_eval.dashboard.server import _children, background, free_port, voila_argv
from danvan_eval.dashboard.widgets import Dashboard
from danvan_eval.evaluation import scoring
from danvan_eval.model.framework import load_framework
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import write_csv
from danvan_eval.reports.runner import score_year

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# each page: its address, its ranking rows, the element redrawn after a weight change, a slider's keyboard handle
PAGES = {
    "reviewers' page /": ("", ".dv-ranking tr[data-unit]", ".dv-body", ".dv-weight-a2 input"),
    "Voila widgets /widgets": ("widgets", ".dv-ranking-table tr[data-unit]", ".dv-ranking-table",
                               ".dv-weight-a2 .noUi-handle"),  # the ipywidgets slider's own readout is hidden
}
AREAS = ["a1", "a2", "a3", "a4", "a5", "a6"]
POOL_REFILL_S = 12  # the pool fills, and refills after each page; wait so that every page finds it full
# in the page: when the ranking's rows first appear (ms from the navigation's start)
SHOWN = """window.__dvShown = null;
new MutationObserver((_, o) => { if (document.querySelector(%r)) { window.__dvShown = performance.now(); o.disconnect(); } })
  .observe(document, {subtree: true, childList: true});"""
# in the page: the time of a slider's arrow key, of the next change of the redrawn element, and of the next frame
PROBE = """(selector) => {
  window.__dv = {key: null, changed: null, painted: null};
  document.addEventListener('keydown', e => { if (e.key.startsWith('Arrow')) window.__dv = {key: performance.now(), changed: null, painted: null}; }, true);
  new MutationObserver(() => { const d = window.__dv; if (d.key !== null && d.changed === null) {
      d.changed = performance.now(); requestAnimationFrame(() => setTimeout(() => { d.painted = performance.now(); })); } })
    .observe(document.querySelector(selector), {subtree: true, childList: true, characterData: true});
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
    """The current demo years: 2025 and 2026 of Gia Lai, 150 units (2026 is shown first)."""
    out = root / "demo"
    for year in (2025, 2026):
        score_year(load_run(default_run_path(year)), out)
    return out


def synthetic_outputs(demo: Path, root: Path, n: int = 700, seed: int = 7) -> Path:
    """One year of ``n`` district-like units, scored consistently with the library (recompose, classify)."""
    out = root / f"synthetic-{n}"
    year_dir = out / "2024"
    year_dir.mkdir(parents=True)
    shutil.copy(demo / max(p.name for p in demo.iterdir() if p.name.isdigit()) / "manifest.json",
                year_dir / "manifest.json")
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


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and every process below it (the server's kernels)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            todo += _children(p)
    return total


def browser_figures(browser, url: str, page_kind: tuple, loads: int, moves: int, pause: float, server: int | None
                    ) -> dict[str, list[float]]:
    """Per load: wall and in-page first view, the page thread's and the server's CPU; then the redraws."""
    _, rows, redrawn, handle = page_kind
    out: dict[str, list[float]] = {k: [] for k in ("wall", "in_page", "page_cpu", "server_cpu", "table", "frame")}
    for i in range(loads):
        time.sleep(pause)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(180_000)
        page.add_init_script(SHOWN % rows)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cpu = cpu_s(server) if server else 0.0
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(rows)
        out["wall"].append(time.perf_counter() - start)
        out["server_cpu"].append(cpu_s(server) - cpu if server else float("nan"))
        out["in_page"].append(page.evaluate("window.__dvShown ?? performance.now()") / 1000)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["page_cpu"].append(metrics["TaskDuration"])
        if i == loads - 1 and moves:
            page.evaluate(PROBE, redrawn)
            slider = page.locator(handle)
            for m in range(moves):
                slider.focus()
                page.keyboard.press("ArrowRight" if m % 2 == 0 else "ArrowLeft")  # one step, as a reviewer would
                page.wait_for_function("() => window.__dv.painted !== null")
                d = page.evaluate("window.__dv")
                out["table"].append((d["changed"] - d["key"]) / 1000)
                out["frame"].append((d["painted"] - d["key"]) / 1000)
        page.close()
    return out


def summary(name: str, values: list[float]) -> str:
    ms = [1000 * v for v in values]
    return f"  {name:<52} median {statistics.median(ms):7.0f} ms   min {min(ms):6.0f}   max {max(ms):6.0f}   (n={len(ms)})"


def print_page(name: str, figures: dict[str, list[float]]) -> None:
    print(f" {name}")
    print(summary("navigation → ranking shown (wall)", figures["wall"]))
    print(summary("navigation → ranking shown (in the page)", figures["in_page"]))
    print(summary("  browser page thread CPU (user+sys)", figures["page_cpu"]))
    print(summary("  server + kernels CPU (user+sys)", figures["server_cpu"]))
    if figures["table"]:
        print(summary("weight change → table redrawn", figures["table"]))
        print(summary("weight change → next frame", figures["frame"]))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--loads", type=int, default=5)
    p.add_argument("--moves", type=int, default=8)
    p.add_argument("--outputs", type=Path, help="an outputs folder already scored (default: score 2025-2026 anew)")
    p.add_argument("--pause", type=float, default=POOL_REFILL_S, help="seconds between loads (the pool refills)")
    p.add_argument("--floor", action="store_true", help="also a one-widget Voila page, for comparison")
    p.add_argument("--synthetic", action="store_true", help="also a synthetic year of 700 units")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        demo = args.outputs.resolve() if args.outputs else demo_outputs(Path(tmp))
        folders = {"Gia Lai, latest year (150 units)": demo}
        if args.synthetic:
            folders["synthetic, 700 units"] = synthetic_outputs(demo, Path(tmp))
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            if args.floor:
                print(f"== floor: a one-widget Voila page, same options (load average {os.getloadavg()[0]:.1f})")
                with floor_server(floor_notebook(Path(tmp))) as url:
                    kind = ("", ".dv-ranking-table tr[data-unit]", ".dv-ranking-table", "")
                    print(summary("navigation → widget shown (wall)",
                                  browser_figures(browser, url, kind, args.loads, 0, args.pause, None)["wall"]))
            for name, folder in folders.items():
                print(f"== {name} (load average {os.getloadavg()[0]:.1f})")
                print(summary("kernel: recompute + table HTML", in_process_recompute(folder, args.moves)))
                # each load is a new page: allow them all a kernel (the limit of pages at once is
                # bench_dashboard_load's subject, not this one's)
                extra = ["--kernels", "2", "--widget-pages", str(args.loads + 1)]
                with background(folder, extra=extra) as url:
                    server = next(iter(_children(os.getpid())))
                    for page_name, kind in PAGES.items():
                        figures = browser_figures(browser, url + kind[0], kind, args.loads, args.moves,
                                                  args.pause, server)
                        print_page(f"{page_name} (load average {os.getloadavg()[0]:.1f})", figures)
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
