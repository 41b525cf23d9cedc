"""Many reviewers at once (not a test: it prints figures): 5, 10, 20 and 40 signed-in pages opened together.

The server is started as the office runs it (sign-in on) over the demo years 2025 and 2026, the 135
communes and wards of Gia Lai plus 15 agencies (the demo run files' data; a synthetic 2026 of the same units
when that data is absent); the pages show 2026, the latest. Each level opens N browser pages at the same moment (Playwright,
one Chromium, loopback), each with a reviewer's session, and measures per page the time from navigation until
the ranking is shown; a page that shows nothing within ``--timeout`` is a failure, one that shows the "busy"
notice is counted as busy. After each level: total memory (RSS) of the server and its kernels. Last, the Voila
widget page (``/widgets``, one kernel per page): two pages opened and closed, and the time until their kernels
are gone. Goals: 20 reviewers, each first view ≤ 3 s, memory ≤ 3 GB.

    .venv/bin/python benchmarks/bench_dashboard_load.py [--levels 5,10,20,40] [--timeout 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from playwright.async_api import async_playwright

from danvan_eval.dashboard.accounts import add_reviewer
from danvan_eval.dashboard.server import _children, background
from danvan_eval.evaluation import scoring
from danvan_eval.model.framework import load_framework
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import write_csv
from danvan_eval.paths import PROJECT_ROOT
from danvan_eval.reports.runner import score_year

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AREAS = ["a1", "a2", "a3", "a4", "a5", "a6"]
ROWS = ".dv-ranking tr[data-unit]"
NAME, PASSWORD = "reviewer", "mat-khau-do-tai-2026"
UNITS = PROJECT_ROOT / "data" / "reference" / "crosswalks" / "gialai_unit_former_district.csv"


def outputs(root: Path) -> Path:
    """The demo years 2025 and 2026 of 150 units (135 communes/wards, 15 agencies): the demo run files' when
    their data is there, else synthetic scores for 2026."""
    out = root / "outputs"
    score_year(load_run(default_run_path(2025)), out)
    run = load_run(default_run_path(2026))
    if all(Path(p).is_file() for p in run.observations.values()):
        score_year(run, out)
        print("2026: the demo data of the new Gia Lai (150 units)")
        return out
    print("2026: synthetic scores of the 150 units (no demo data)")
    year_dir = out / "2026"
    year_dir.mkdir()
    shutil.copy(out / "2025" / "manifest.json", year_dir / "manifest.json")
    fw = load_framework(json.loads((year_dir / "manifest.json").read_text())["inputs"]["framework"]["path"])
    units = pd.read_csv(UNITS, dtype=str, encoding="utf-8-sig")
    codes = [*units["unit_code"], *[f"SO{i:02d}" for i in range(1, 16)]]
    names = [*units["unit_name"], *[f"Sở mô phỏng {i}" for i in range(1, 16)]]
    kinds = [("ward" if n.startswith("Phường") else "commune") for n in units["unit_name"]] + ["department"] * 15
    rng = np.random.default_rng(2025)
    areas = pd.DataFrame(rng.uniform(40, 100, size=(len(codes), 6)), columns=AREAS, index=codes).round(2)
    frames = []
    for kind in dict.fromkeys(kinds):
        mask = [k == kind for k in kinds]
        result = scoring.recompose(areas[mask], dict.fromkeys(AREAS, 1.0), "amean")
        frames.append(pd.DataFrame({
            "year": 2026, "unit_code": areas.index[mask], "name_vi": [n for n, m in zip(names, mask) if m],
            "kind": kind, "composite": result["composite"].to_numpy(), "coverage": 1.0,
            "band": scoring.classify(result["composite"], fw.bands).to_numpy(), "rank": result["rank"].to_numpy(),
            "n_ranked": int(sum(mask)), "composite_change": np.nan, "rank_change": np.nan,
            **{a: areas.loc[mask, a].to_numpy() for a in AREAS},
            "received": "2026-11-20", "days_late": -5, "on_time": True, "completeness_pct": 100.0}))
    write_csv(pd.concat(frames, ignore_index=True), year_dir / "scores.csv")
    return out


def memory_mib(pid: int) -> float:
    """RSS of the server and every process below it (kernels), in MiB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
        todo += _children(p)
    return total / 2**20


def cpu_s(pid: int) -> float:
    """CPU time (user + system) the server process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def http_level(url: str, cookies: list[dict], n: int) -> float:
    """Without a browser: ``n`` reviewers fetch at once everything the page fetches; seconds until all have it."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlparse

    u = urlparse(url)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    conn0 = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    conn0.request("GET", "/", headers={"Cookie": cookie})
    page = conn0.getresponse().read().decode()
    assets = [a for a in __import__("re").findall(r'(?:href|src)="(danvan/static/[^"]+)"', page)]
    year = max(int(y) for y in json.loads(page.split('type="application/json">')[1].split("</script>")[0])["years"])

    def reviewer(_):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
        for path in ["/", *("/" + a for a in assets), f"/danvan/data/{year}.json?lang=vi",
                     "/danvan/geo/communes.json?lang=vi"]:
            conn.request("GET", path, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
        conn.close()

    start = time.perf_counter()
    with ThreadPoolExecutor(n) as pool:
        list(pool.map(reviewer, range(n)))
    return time.perf_counter() - start


async def one_page(browser, state: dict, url: str, timeout_s: float) -> tuple[str, float]:
    context = await browser.new_context(storage_state=state)
    page = await context.new_page()
    start = time.perf_counter()
    try:
        await page.goto(url, timeout=timeout_s * 1000)
        first = await page.wait_for_selector(f"{ROWS}, .dv-busy", timeout=timeout_s * 1000)
        kind = "busy" if "dv-busy" in (await first.get_attribute("class") or "") else "ok"
        return kind, time.perf_counter() - start
    except Exception:  # noqa: BLE001 - a page that shows nothing in time is what is counted
        return "failed", time.perf_counter() - start
    finally:
        await context.close()


async def level(browser, state: dict, url: str, n: int, timeout_s: float) -> dict:
    start = time.perf_counter()
    results = await asyncio.gather(*(one_page(browser, state, url, timeout_s) for _ in range(n)))
    ok = [t for k, t in results if k == "ok"]
    return {"n": n, "all_shown_s": time.perf_counter() - start, "ok": len(ok),
            "busy": sum(k == "busy" for k, _ in results), "failed": sum(k == "failed" for k, _ in results),
            "median_s": statistics.median(ok) if ok else float("nan"), "max_s": max(ok) if ok else float("nan")}


async def kernel_release(browser, state: dict, url: str, pid: int, pages: int = 2) -> tuple[int, int, float]:
    """Open ``pages`` Voila widget pages, close them; (kernels while open, after, seconds until released)."""
    baseline = len(_children(pid))
    opened_pages = []
    for _ in range(pages):
        context = await browser.new_context(storage_state=state)
        page = await context.new_page()
        await page.goto(url + "widgets", timeout=180_000)
        await page.wait_for_selector(".dv-ranking-table tr[data-unit]", timeout=180_000)
        opened_pages.append((context, page))
    opened = len(_children(pid))
    start = time.perf_counter()
    for context, page in opened_pages:
        await page.close(run_before_unload=True)  # as a reviewer closing the tab: Voila asks for the shutdown
        await context.close()
    while len(_children(pid)) > baseline and time.perf_counter() - start < 600:
        await asyncio.sleep(0.25)
    return opened - baseline, len(_children(pid)) - baseline, time.perf_counter() - start


def widgets_burst(url: str, cookies: list[dict], n: int) -> list[tuple[int, float]]:
    """``n`` reviewers ask for ``/widgets`` at once (one kernel per page): (status, seconds until the answer's
    first byte) each. Beyond ``--widget-pages`` the answer is the 503 "busy, retry" page, at once."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlparse

    u = urlparse(url)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in cookies)

    def reviewer(_):
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=300)
        start = time.perf_counter()
        conn.request("GET", "/widgets", headers={"Cookie": cookie})
        response = conn.getresponse()
        first = time.perf_counter() - start
        response.read()
        conn.close()
        return response.status, first

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(reviewer, range(n)))


async def run(levels: list[int], timeout_s: float, url: str, pid: int) -> None:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(url)
        await page.fill("input[name=username]", NAME)
        await page.fill("input[name=password]", PASSWORD)
        await page.click("button[type=submit]")
        await page.wait_for_selector(ROWS, timeout=120_000)
        state = await context.storage_state()
        await context.close()
        print("Server alone (no browser): N reviewers fetch the page, its script, style, year data and map at once")
        for n in levels:
            seconds = await asyncio.to_thread(http_level, url, state["cookies"], n)
            print(f"  {n:>3} reviewers: all served in {seconds:.2f} s")
        print("One reviewer's page in Chromium while N-1 others fetch everything at once (each reviewer renders on "
              "their own machine):")
        for n in levels:
            others = asyncio.to_thread(http_level, url, state["cookies"], n - 1) if n > 1 else asyncio.sleep(0)
            _, (kind, seconds) = await asyncio.gather(others, one_page(browser, state, url, timeout_s))
            print(f"  {n:>3} reviewers: first view {seconds:.2f} s ({kind}), load {os.getloadavg()[0]:.1f}")
        print("In Chromium (all pages in one browser on the same 2 cores as the server):")
        print(f"{'pages':>5} {'all shown':>10} {'median':>8} {'max':>8} {'ok':>4} {'busy':>5} {'failed':>7} "
              f"{'server CPU':>10} {'server+kernels':>15}")
        for n in levels:
            cpu = cpu_s(pid)
            r = await level(browser, state, url, n, timeout_s)
            print(f"{n:>5} {r['all_shown_s']:>9.2f}s {r['median_s']:>7.2f}s {r['max_s']:>7.2f}s {r['ok']:>4} "
                  f"{r['busy']:>5} {r['failed']:>7} {cpu_s(pid) - cpu:>9.2f}s {memory_mib(pid):>11.0f} MiB"
                  f"  (load {os.getloadavg()[0]:.1f})")
        opened, left, seconds = await kernel_release(browser, state, url, pid)
        print(f"Voila /widgets: {opened} kernel(s) started for 2 pages; {left} left {seconds:.1f} s after the pages "
              f"closed; server+kernels now {memory_mib(pid):.0f} MiB")
        answers = await asyncio.to_thread(widgets_burst, url, state["cookies"], 10)
        busy = [t for status, t in answers if status == 503]
        served = [t for status, t in answers if status == 200]
        print(f"Voila /widgets, 10 reviewers at once (--widget-pages 4): {len(served)} served, {len(busy)} told 'busy, "
              f"retry' within {max(busy, default=float('nan')):.2f} s, other answers "
              f"{len(answers) - len(served) - len(busy)}; server+kernels {memory_mib(pid):.0f} MiB")
        await browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="5,10,20,40")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = outputs(Path(tmp))
        accounts = Path(tmp) / "reviewers.json"
        add_reviewer(accounts, NAME, PASSWORD)
        with background(folder, extra=["--sign-in", "--accounts", str(accounts), "--kernels", "0"]) as url:
            pid = next(p for p in _children(os.getpid()))
            print(f"server: {memory_mib(pid):.0f} MiB at start, 2 cores, load {os.getloadavg()[0]:.1f}")
            asyncio.run(run([int(n) for n in args.levels.split(",")], args.timeout, url, pid))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
