"""The widget dashboard in a real browser: Voila serves notebooks/dashboard.ipynb at /widgets (the reviewers'
page at / is tested by tests/test_dashboard_office.py), Playwright drives Debian's Chromium.

The outputs are the demo years 2022–2024 scored by the library (no notebooks). Screenshots land in
``outputs/screenshots/`` for a reviewer to look at. Waits are generous and nothing is timed here: speed is
measured by ``benchmarks/bench_dashboard.py``.
"""

from __future__ import annotations

import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import Page, sync_playwright

from danvan_eval.dashboard.server import background
from danvan_eval.evaluation import scoring
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import read_csv
from danvan_eval.reports.runner import score_year

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "outputs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
AREAS = ["a1", "a2", "a3", "a4", "a5", "a6"]
ROWS = ".dv-ranking-table tr[data-unit]"
WAIT_MS = 120_000  # a shared 2-core machine can be slow; a wait is never a timing assertion
REPORT = "<!doctype html><meta charset=utf-8><title>Báo cáo đơn vị 540 — năm 2024</title><h1>Thành phố Quy Nhơn</h1>"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    for year in (2022, 2023, 2024):
        score_year(load_run(default_run_path(year)), out)
    # a stand-in for the unit report that `danvan-eval run` writes, to follow the table's link to it
    (out / "2024" / "units").mkdir()
    (out / "2024" / "units" / "540.html").write_text(REPORT, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def server(demo):
    with background(demo, extra=["--widget-pages", "1"]) as url:  # one page at a time: the busy page is seen
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(server + "widgets")
    # one page at a time: the last test's kernel may still be shutting down (the busy page says so)
    while "dv-busy" in (page.wait_for_selector(f"{ROWS}, .dv-busy").get_attribute("class") or ""):
        page.wait_for_timeout(500)
        page.goto(server + "widgets")
    yield page
    page.goto("about:blank")  # the reviewer leaves: the page asks for its kernel's shutdown as it unloads
    context.close()


def table(page: Page) -> dict[str, dict[str, str]]:
    """unit code → {column: text} of the ranking table as the browser shows it, in its order."""
    # pairs, not a JS object: an object would put numeric keys ("540") in ascending order, not the table's
    pairs = page.eval_on_selector_all(ROWS, """rows => rows.map(r => [r.dataset.unit,
        Object.fromEntries([...r.querySelectorAll('td')].map(td => [td.dataset.col, td.innerText.trim()]))])""")
    return dict(pairs)


def file_scores(folder: Path, year: int, kind: str = "district") -> pd.DataFrame:
    s = read_csv(folder / str(year) / "scores.csv")
    return s[s["kind"] == kind].set_index("unit_code")


def shoot(page: Page, name: str) -> None:
    """The whole dashboard: Voila scrolls an inner box, not the page, so the viewport is made tall enough."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("document.querySelector('.dv-dashboard').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height + 120)})
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def images_loaded(page: Page, *selectors: str) -> None:
    checks = " && ".join(f"document.querySelector('{s}')?.complete && "
                         f"document.querySelector('{s}').naturalWidth > 0" for s in selectors)
    page.wait_for_function(f"() => {checks}")


def test_reviewer_session(page, demo):
    # the ranking of the latest year, as scored
    rows = table(page)
    official = file_scores(demo, 2024)
    assert {u: int(r["rank"].split()[0]) for u, r in rows.items()} == official["rank"].to_dict()
    assert rows["540"]["name"] == "Thành phố Quy Nhơn"
    assert "Năm 2024 — Huyện, thị xã, thành phố: 11 đơn vị" in page.inner_text(".dv-summary")
    shoot(page, "dashboard-1-ranking-2024")

    # another year: another table, with the unit that lacks data shown as such
    page.select_option(".dv-year select", label="2023")
    page.wait_for_selector(".dv-ranking-table table[data-year='2023']")
    rows = table(page)
    ranked = file_scores(demo, 2023)["rank"].dropna().astype(int).to_dict()
    assert {u: int(r["rank"].split()[0]) for u, r in rows.items() if r["rank"] != "—"} == ranked
    assert rows["550"]["composite"] == "Không đủ số liệu"
    shoot(page, "dashboard-2-year-2023")

    # a weight moved with the mouse: ranks recomputed as scoring.recompose computes them
    page.select_option(".dv-year select", label="2024")
    page.wait_for_selector(".dv-ranking-table table[data-year='2024']")
    handle = page.locator(".dv-weight-a3 .noUi-handle")
    track = page.locator(".dv-weight-a3 .noUi-base").bounding_box()
    handle.hover()
    page.mouse.down()
    page.mouse.move(track["x"] + track["width"] + 40, track["y"] + track["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_selector(".dv-ranking-table th[data-col='shift']")
    page.wait_for_function("() => document.querySelector('.dv-weight-value-a3').innerText.trim() === '3,0'")
    weight = 3.0  # dragged past the end of the track: the slider's maximum, written the Vietnamese way
    expected = scoring.recompose(official[AREAS], {**dict.fromkeys(AREAS, 1.0), "a3": weight}, "amean")["rank"]
    rows = table(page)
    assert {u: int(r["rank"].split()[0]) for u, r in rows.items()} == expected.to_dict()
    assert expected.to_dict() != official["rank"].to_dict()  # the move did change the ranking
    moved = {u: r["shift"] for u, r in rows.items() if r["shift"] != "="}
    assert moved and all(re.fullmatch(r"[↑↓]\d+", s) for s in moved.values())
    assert "KHÔNG phải kết quả chính thức" in page.inner_text(".dv-weights-status")
    shoot(page, "dashboard-3-weights-changed")

    page.click(".dv-weights-reset")
    page.wait_for_selector(".dv-ranking-table th[data-col='shift']", state="detached")
    assert {u: int(r["rank"].split()[0]) for u, r in table(page).items()} == official["rank"].to_dict()

    # the areas: heatmap and bands
    page.get_by_role("tab", name="Theo lĩnh vực").click()
    images_loaded(page, ".dv-heatmap", ".dv-bands")
    shoot(page, "dashboard-4-areas")

    # one unit's profile
    page.get_by_role("tab", name="Hồ sơ đơn vị").click()
    page.select_option(".dv-profile-unit select", label="Huyện Hoài Ân")
    page.wait_for_selector(".dv-profile.dv-shows-544")  # set after that unit's figures and table
    images_loaded(page, ".dv-profile-radar", ".dv-profile-trend")
    header = page.inner_text(".dv-profile-header")
    assert "Huyện Hoài Ân" in header
    assert f"Hạng {int(official.loc['544', 'rank'])}/11" in header
    indicators = page.inner_text(".dv-profile-indicators")
    assert "Ban hành kế hoạch năm" in indicators and "II.1.a" in indicators and "Đã báo cáo" in indicators
    shoot(page, "dashboard-5-profile")

    # English on request
    page.get_by_role("tab", name="Hồ sơ đơn vị").click()
    page.click(".dv-lang button:has-text('English')")
    page.wait_for_function("() => document.querySelector('.dv-profile-indicators')?.innerText.includes('Yearly plan issued')")
    page.get_by_role("tab", name="Ranking").click()
    page.wait_for_selector(".dv-ranking-table th[data-col='composite']:has-text('Composite score')")
    shoot(page, "dashboard-6-english")


def test_report_link_and_downloads(page, demo):
    with page.expect_popup() as popup:
        page.click(f"{ROWS}[data-unit='540'] a.dv-report-link")
    report = popup.value
    report.wait_for_load_state()
    assert report.url.endswith("/danvan/reports/2024/units/540.html")
    assert report.title() == "Báo cáo đơn vị 540 — năm 2024"

    with page.expect_download() as download:
        page.click(".dv-download-csv")
    assert download.value.suggested_filename == "xep-hang_2024_district_mo-phong.csv"  # the demo is synthetic
    csv = Path(download.value.path()).read_bytes()
    assert csv.startswith("\ufeff".encode())
    rows = pd.read_csv(Path(download.value.path()), encoding="utf-8-sig", dtype=str)
    assert rows["Mã đơn vị"].tolist() == list(table(page))  # the table as shown, in its order
    with page.expect_download() as download:
        page.click(".dv-download-xlsx")
    assert download.value.suggested_filename == "xep-hang_2024_district_mo-phong.xlsx"
    assert Path(download.value.path()).read_bytes().startswith(b"PK")  # an Office Open XML package

    # a wrong download request is refused by name; nothing but a unit's report is served from the outputs
    server = page.url.removesuffix("widgets")
    wrong = page.request.get(server + "danvan/export/2024/district.csv?w=a1:1")
    assert wrong.status == 400 and "không hợp lệ: w =" in wrong.text() and "invalid download request" in wrong.text()
    for path in ("danvan/reports/2024/scores.csv", "danvan/reports/2024/units/..%2Fscores.csv"):
        assert page.request.get(server + path).status in (403, 404)


def test_voila_files_carry_cache_headers(server):
    static = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "base" / "static"
    hashed = next(p.name for p in static.iterdir() if re.fullmatch(r"[0-9a-f]{20}\.\w+", p.name))
    for name, expected in (("voila.js", "private, no-cache"), (hashed, "private, max-age=31536000, immutable")):
        with urllib.request.urlopen(server + f"voila/static/{name}", timeout=60) as r:
            assert r.headers["Cache-Control"] == expected, name


def widgets_status(server: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(server + "widgets", timeout=300) as r:
            return r.status, dict(r.headers), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def test_one_page_too_many_is_told_to_retry_and_a_closed_page_frees_its_kernel(page, server):
    # the page holds the only kernel allowed (--widget-pages 1): it asked nothing of a CDN
    assert "cdn.jsdelivr.net" not in page.content()
    status, headers, body = widgets_status(server)
    assert status == 503 and headers["Retry-After"] == "30"
    assert "Máy chủ đang bận" in body and "đủ 1 trang cùng lúc" in body and "tự thử lại sau 30 giây" in body
    assert '<meta http-equiv="refresh" content="30">' in body and 'href="./?lang=vi"' in body

    # leaving the page shuts its kernel down (voila#1458: the request lacks _xsrf, accepted here), so the next
    # reviewer is served without waiting for the idle culling (5 min); the wait below is a deadline, not a timing
    page.goto("about:blank")
    deadline = time.monotonic() + 240
    while (status := widgets_status(server)[0]) == 503 and time.monotonic() < deadline:
        time.sleep(1)
    assert status == 200
