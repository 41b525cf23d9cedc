"""The dashboard's widget classes and tables, without a browser (tests/test_dashboard_browser.py drives one)."""

from __future__ import annotations

import asyncio
import html
import io
import json
import re
import shutil
import socket
import time
from pathlib import Path
from urllib.parse import parse_qsl

import numpy as np
import openpyxl
import pandas as pd
import pytest

from danvan_eval.dashboard import server as dashboard_server
from danvan_eval.dashboard import web as dashboard_web
from danvan_eval.dashboard import widgets as dashboard_widgets
from danvan_eval.dashboard.data import DashboardData, export_file, load_year
from danvan_eval.dashboard.widgets import Dashboard, ranking
from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation import scoring
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.outputs import read_csv
from danvan_eval.reports.runner import score_year

DEMO_YEARS = (2022, 2023, 2024)
AREAS = ["a1", "a2", "a3", "a4", "a5", "a6"]
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "dashboard.ipynb"


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The demo years 2022–2024 scored by the library, as a yearly run writes them (no notebooks)."""
    out = tmp_path_factory.mktemp("outputs")
    for year in DEMO_YEARS:
        score_year(load_run(default_run_path(year)), out)
    return out


@pytest.fixture
def outputs(demo, tmp_path) -> Path:
    """A copy of the demo outputs that a test may alter."""
    return Path(shutil.copytree(demo, tmp_path / "outputs"))


def rows(table_html: str) -> dict[str, dict[str, str]]:
    """unit code → {column: cell text} of the ranking table, in the table's order."""
    out = {}
    for unit, body in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', table_html):
        cells = re.findall(r'<td data-col="(\w+)"[^>]*>(.*?)</td>', body)
        out[unit] = {c: re.sub(r"<[^>]+>", "", v) for c, v in cells}
    return out


def is_png(image) -> bool:
    return bytes(image.value).startswith(b"\x89PNG")


def file_scores(folder: Path, year: int, kind: str) -> pd.DataFrame:
    s = read_csv(folder / str(year) / "scores.csv")
    return s[s["kind"] == kind].set_index("unit_code")


# ---------------------------------------------------------------- ranking: the library's own computation
def test_official_weights_give_the_scored_result(demo):
    data = load_year(demo, 2024)
    frame = ranking(data, "district").set_index("unit_code")
    expected = file_scores(demo, 2024, "district")
    assert list(frame.index) == sorted(expected.index)
    assert frame["rank"].tolist() == expected.loc[frame.index, "rank"].tolist()
    assert frame["band"].tolist() == expected.loc[frame.index, "band"].tolist()
    assert (frame["rank_shift"] == 0).all()
    assert data.weights == dict.fromkeys(AREAS, 1.0)


def test_other_weights_recompose_exactly_like_scoring(demo):
    data = load_year(demo, 2024)
    weights = {**data.weights, "a1": 3.0, "a4": 0.5}
    frame = ranking(data, "district", weights).set_index("unit_code")
    areas = file_scores(demo, 2024, "district").sort_index()
    expected = scoring.recompose(areas[AREAS], weights, "amean")
    pd.testing.assert_series_equal(frame["composite"], expected["composite"], check_names=False)
    assert frame["rank"].tolist() == expected["rank"].tolist()
    assert frame["band"].tolist() == scoring.classify(expected["composite"], data.framework.bands).tolist()
    assert (frame["rank_shift"] == areas["rank"] - expected["rank"]).all()
    assert frame["rank_shift"].abs().sum() > 0  # these weights do move units


# ---------------------------------------------------------------- the page
def test_dashboard_opens_on_the_latest_year_with_the_official_ranking(demo):
    d = Dashboard.from_folder(demo)
    assert (d.year.value, d.kind.value, d.lang) == (2024, "district", "vi")
    table = rows(d.table.html.value)
    expected = file_scores(demo, 2024, "district")["rank"]
    assert {u: int(r["rank"].split()[0]) for u, r in table.items()} == expected.to_dict()
    assert [int(r["rank"].split()[0]) for r in table.values()] == sorted(expected)  # sorted by rank
    assert "Năm 2024 — Huyện, thị xã, thành phố: 11 đơn vị, 11 đơn vị được xếp hạng." in d.table.summary.value
    assert 'data-col="shift"' not in d.table.html.value  # official weights: no shift column
    assert "Đang dùng trọng số chính thức" in d.weights.status.value


def test_moving_a_slider_reranks_and_shows_each_shift(demo):
    d = Dashboard.from_folder(demo)
    d.weights.sliders["a3"].value = 3.0
    assert d.weights.readouts["a3"].value == "3,0" and d.weights.readouts["a1"].value == "1,0"  # not "3.0"
    weights = {**dict.fromkeys(AREAS, 1.0), "a3": 3.0}
    areas = file_scores(demo, 2024, "district")
    expected = scoring.recompose(areas[AREAS], weights, "amean")["rank"]
    table = rows(d.table.html.value)
    assert {u: int(r["rank"].split()[0]) for u, r in table.items()} == expected.to_dict()
    shift = (areas["rank"] - expected).to_dict()
    arrows = {u: ("=" if s == 0 else f"↑{s}" if s > 0 else f"↓{-s}") for u, s in shift.items()}
    assert {u: r["shift"] for u, r in table.items()} == arrows
    assert not {"change", "rank_change"} & set(table["540"])  # official-only columns left out with other weights
    query = {"w": ",".join(f"{a}:{w}" for a, w in weights.items())}
    body, _ = export_file(demo, 2024, "district", "csv", query)
    assert "Điểm tăng/giảm so với năm trước" not in body.decode("utf-8-sig").splitlines()[0]
    assert "KHÔNG phải kết quả chính thức" in d.weights.status.value

    d.weights.reset.click()
    assert d.weights.weights == dict.fromkeys(AREAS, 1.0)
    assert 'data-col="shift"' not in d.table.html.value
    assert {u: int(r["rank"].split()[0]) for u, r in rows(d.table.html.value).items()} == areas["rank"].to_dict()


def test_all_weights_zero_is_refused_and_keeps_the_table(demo):
    d = Dashboard.from_folder(demo)
    before = d.table.html.value
    d.weights.set(dict.fromkeys(AREAS, 0.0))
    assert "Cần ít nhất một trọng số lớn hơn 0" in d.weights.status.value
    assert d.table.html.value == before


def test_year_and_group_change_the_table(demo):
    d = Dashboard.from_folder(demo)
    d.year.value = 2023
    assert 'data-year="2023"' in d.table.html.value
    table = rows(d.table.html.value)
    # Tuy Phước has no composite in 2023: shown as insufficient data, unranked, last — never as 0
    assert table["550"] == {**table["550"], "rank": "—", "composite": "Không đủ số liệu", "band": "Không đủ số liệu"}
    assert list(table)[-1] == "550"
    assert "1 đơn vị không đủ số liệu để xếp hạng." in d.table.summary.value
    d.kind.value = "department"
    assert 'data-kind="department"' in d.table.html.value
    assert set(rows(d.table.html.value)) == set(file_scores(demo, 2023, "department").index)


def test_sorting_by_any_column(demo):
    d = Dashboard.from_folder(demo)
    d.table.sort.value = "change"
    d.table.order.value = False
    change = file_scores(demo, 2024, "district")["composite_change"]
    expected = change.sort_values(ascending=False, na_position="last", kind="stable")
    assert list(rows(d.table.html.value)) == [u for u in expected.index if pd.notna(change[u])] + \
        [u for u in sorted(expected.index) if pd.isna(change[u])]
    d.table.sort.value = "name"
    d.table.order.value = True
    names = [r["name"] for r in rows(d.table.html.value).values()]
    assert names == sorted(names)


def test_english_switch(demo):
    d = Dashboard.from_folder(demo)
    d.language.value = "en"
    assert "<th data-col=\"composite\">Composite score</th>" in d.table.html.value
    assert d.kind.options == (("Districts, towns and city", "district"),
                              ("Provincial departments and agencies", "department"))
    assert d.weights.sliders["a4"].description == "Administrative reform"
    d.weights.sliders["a4"].value = 1.5
    assert d.weights.readouts["a4"].value == "1.5"
    assert re.fullmatch(r"\d+\.\d", rows(d.table.html.value)["540"]["composite"])
    d.language.value = "vi"
    assert re.fullmatch(r"\d+,\d", rows(d.table.html.value)["540"]["composite"])  # Vietnamese decimal comma


def test_areas_tab_draws_its_figures_when_opened(outputs):
    path = outputs / "2024" / "scores.csv"
    scores = read_csv(path)
    scores.drop(columns=[c for c in scores if c.startswith("rank_") and c != "rank_change"]).to_csv(
        path, index=False, encoding="utf-8-sig")  # scores without a rank interval
    d = Dashboard.from_folder(outputs)
    assert bytes(d.areas.heatmap.value) == b""  # not drawn while hidden
    d.tabs.selected_index = 1
    assert is_png(d.areas.heatmap) and is_png(d.areas.bands)
    assert d.areas.intervals not in d.areas.children
    assert 'data-col="interval"' not in d.table.html.value


def test_unit_profile(demo):
    d = Dashboard.from_folder(demo)
    d.tabs.selected_index = 2
    d.profile.unit.value = "544"
    p = d.profile
    assert is_png(p.radar) and is_png(p.trend)
    assert "Huyện Hoài Ân" in p.header.value and "Hạng 11/11" in p.header.value
    assert "Chưa có báo cáo HTML của đơn vị" in p.header.value
    indicators = re.findall(r'<tr data-indicator="(\w+)" class="dv-status-(\w+)">(.*?)</tr>', p.indicators.value)
    ind = read_csv(demo / "2024" / "indicators.csv")
    mine = ind[ind["unit_code"] == "544"]
    assert {i for i, _, _ in indicators} == set(mine["indicator_id"])
    first = indicators[0]
    assert first[0] == "i1_plan_issued"  # the framework's order
    assert "Ban hành kế hoạch năm" in first[2] and "II.1.a" in first[2]
    assert {s for _, s, _ in indicators} <= {"reported", "missing", "not_applicable", "imputed"}
    # values as the reader writes them: yes/no, whole counts, shares with %
    kinds = load_year(demo, 2024).framework.indicators["type"]
    shown = {i: re.findall(r"<td>(.*?)</td>", cells)[2] for i, _, cells in indicators}
    for _, r in mine[mine["status"] == "reported"].iterrows():
        raw, kind = float(r["raw"]), kinds[r["indicator_id"]]
        expected = {"bool": "Có" if raw >= 0.5 else "Không", "count": f"{raw:,.0f}".replace(",", "."),
                    "pct": f"{raw:.1f}".replace(".", ",").removesuffix(",0") + "%"}.get(kind)
        if expected is not None:
            assert shown[r["indicator_id"]] == expected, (r["indicator_id"], shown[r["indicator_id"]])
    assert shown["i1_plan_issued"] in ("Có", "Không")


def test_report_links_only_where_a_report_exists(outputs):
    (outputs / "2024" / "units").mkdir()
    (outputs / "2024" / "units" / "540.html").write_text("<h1>540</h1>", encoding="utf-8")
    d = Dashboard.from_folder(outputs)
    links = re.findall(r'<tr data-unit="(\w+)">.*?href="([^"]+)"', d.table.html.value)
    assert links == [("540", "danvan/reports/2024/units/540.html")]
    assert re.fullmatch(dashboard_web.REPORT_ROUTE, "/" + links[0][1])
    for bad in ("/danvan/reports/2024/units/../scores.csv", "/danvan/reports/2024/scores.csv",
                "/danvan/reports/2024/units/.hidden.html", "/danvan/reports/x/units/540.html"):
        assert not re.fullmatch(dashboard_web.REPORT_ROUTE, bad)


# ---------------------------------------------------------------- downloads
def query(link: str) -> tuple[str, dict[str, str]]:
    path, _, q = html.unescape(link).partition("?")
    return path, dict(parse_qsl(q))


def test_download_links_describe_the_table_shown(demo):
    d = Dashboard.from_folder(demo)
    d.weights.sliders["a2"].value = 2.0
    d.table.sort.value, d.table.order.value = "composite", False
    links = dict(re.findall(r'dv-download-(csv|xlsx)" download="([^"]+)"', d.table.downloads.value))
    assert links == {"csv": "xep-hang_2024_district_mo-phong.csv", "xlsx": "xep-hang_2024_district_mo-phong.xlsx"}
    path, q = query(re.search(r'dv-download-csv"[^>]*href="([^"]+)"', d.table.downloads.value)[1])
    assert path == "danvan/export/2024/district.csv"
    assert q == {"lang": "vi", "sort": "composite", "order": "desc",
                 "w": "a1:1.0,a2:2.0,a3:1.0,a4:1.0,a5:1.0,a6:1.0"}
    assert re.fullmatch(dashboard_web.EXPORT_ROUTE, "/" + path)

    body, name = export_file(demo, 2024, "district", "csv", q)
    assert name == "xep-hang_2024_district_mo-phong.csv" and body.startswith("\ufeff".encode())  # BOM: for Excel
    table = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)
    # the demo year is synthetic: the file says so in its name and on every row, first
    assert table.columns[0] == "Dữ liệu" and set(table["Dữ liệu"]) == {"DỮ LIỆU MÔ PHỎNG — không phải kết quả đánh giá thật"}
    assert table["Mã đơn vị"].tolist() == list(rows(d.table.html.value))  # the rows shown, in their order
    assert table["Xếp hạng"].tolist() == [r["rank"] for r in rows(d.table.html.value).values()]
    assert "Thay đổi hạng do trọng số" in table.columns and "Báo cáo đơn vị" not in table.columns

    body, name = export_file(demo, 2024, "district", "xlsx", q)
    sheet = list(openpyxl.load_workbook(io.BytesIO(body)).active.values)
    assert list(sheet[0]) == list(table.columns) and [r[1] for r in sheet[1:]] == table["Mã đơn vị"].tolist()
    assert {r[0] for r in sheet[1:]} == {"DỮ LIỆU MÔ PHỎNG — không phải kết quả đánh giá thật"}


def test_downloads_neutralise_formulas(outputs):
    scores = read_csv(outputs / "2024" / "scores.csv")
    scores.loc[scores["unit_code"] == "540", "name_vi"] = '=HYPERLINK("http://x","y")'
    scores.to_csv(outputs / "2024" / "scores.csv", index=False, encoding="utf-8-sig")
    q = {"lang": "en", "w": "a1:1,a2:1,a3:1,a4:1,a5:1,a6:1"}
    body, name = export_file(outputs, 2024, "district", "csv", q)
    assert name == "ranking_2024_district_synthetic.csv"
    table = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)
    assert table.loc[table["Unit code"] == "540", "Unit"].item() == '\'=HYPERLINK("http://x","y")'
    body, _ = export_file(outputs, 2024, "district", "xlsx", q)
    cells = [c for r in openpyxl.load_workbook(io.BytesIO(body)).active.values for c in r]
    assert '\'=HYPERLINK("http://x","y")' in cells


@pytest.mark.parametrize(("kind", "fmt", "q", "bad"), [
    ("district", "csv", {"w": "a1:1,a2:1"}, "w"),  # not every area
    ("district", "csv", {"w": "a1:1,a2:1,a3:1,a4:1,a5:1,a6:-1"}, "w"),
    ("district", "csv", {"w": "a1:0,a2:0,a3:0,a4:0,a5:0,a6:0"}, "w"),
    ("district", "csv", {"w": "a1:x,a2:1,a3:1,a4:1,a5:1,a6:1"}, "w"),
    ("district", "csv", {"w": "a1:1,a2:1,a3:1,a4:1,a5:1,a6:1", "sort": "report"}, "sort"),
    ("district", "csv", {"w": "a1:1,a2:1,a3:1,a4:1,a5:1,a6:1", "sort": "shift"}, "sort"),  # not shown
    ("district", "csv", {"w": "a1:1,a2:1,a3:1,a4:1,a5:1,a6:1", "lang": "fr"}, "lang"),
    ("district", "pdf", {}, "format"),
    ("commune", "csv", {}, "kind"),
])
def test_a_wrong_download_request_is_refused_by_name(demo, kind, fmt, q, bad):
    with pytest.raises(DanvanEvalError, match=f"không hợp lệ: {bad} = .* / invalid download request: {bad} ="):
        export_file(demo, 2024, kind, fmt, q)


# ---------------------------------------------------------------- empty and broken states
def test_no_outputs_tells_how_to_run_a_year_in_both_languages(tmp_path):
    d = Dashboard.from_folder(tmp_path / "nothing-here")
    text = d.notice.value
    assert "Chưa có kết quả đánh giá nào" in text and "No evaluation results" in text
    assert text.count("make demo") == 2 and text.count("danvan-eval run --year 2024") == 2
    assert "dv-empty" in text
    d.language.value = "en"
    assert "Evaluation of Directive 33/CT-TTg" in d.header.value


def test_a_broken_year_is_reported_and_the_others_shown(outputs):
    (outputs / "2023" / "scores.csv").write_text("not,a\n\"broken", encoding="utf-8")
    data = DashboardData.load(outputs)
    assert sorted(data.years) == [2022, 2024] and list(data.problems) == [2023]
    d = Dashboard(data)
    assert "Không đọc được kết quả năm 2023" in d.notice.value
    assert [v for _, v in d.year.options] == [2024, 2022]


def test_missing_areas_are_shown_as_insufficient_never_zero(outputs):
    path = outputs / "2024" / "scores.csv"
    scores = read_csv(path)
    scores = scores.drop(columns="a6")  # an area absent from the file altogether
    scores.loc[scores["unit_code"] == "542", "a2"] = np.nan
    scores.to_csv(path, index=False, encoding="utf-8-sig")
    d = Dashboard.from_folder(outputs)
    assert "Không đủ số liệu ở mọi đơn vị của khối cho lĩnh vực: Phối hợp với Mặt trận." in d.notice.value
    d.weights.sliders["a1"].value = 2.0  # recomputing needs every area: no unit can be ranked
    table = rows(d.table.html.value)
    assert {r["composite"] for r in table.values()} == {"Không đủ số liệu"}
    assert {r["rank"] for r in table.values()} == {"—"}
    d.tabs.selected_index = 2
    d.profile.unit.value = "542"
    assert is_png(d.profile.radar)


def test_rank_interval_column_when_the_scores_carry_it(outputs):
    path = outputs / "2024" / "scores.csv"
    scores = read_csv(path)
    scores["rank_median"] = scores["rank"]
    scores["rank_p05"] = (scores["rank"] - 1).clip(lower=1)
    scores["rank_p95"] = scores["rank"] + 2
    scores.to_csv(path, index=False, encoding="utf-8-sig")
    d = Dashboard.from_folder(outputs)
    table = rows(d.table.html.value)
    assert table["540"]["interval"] == "1–3"
    assert "Có thể xếp hạng (5–95%)" in d.table.html.value  # plain words, as on the main page
    d.tabs.selected_index = 1
    assert d.areas.intervals in d.areas.children and is_png(d.areas.intervals)


# ---------------------------------------------------------------- notebook and server
def test_notebook_is_a_parameters_cell_and_one_call():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["parameters"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "Dashboard.from_folder(outputs, lang=lang)" in "".join(code[-1]["source"])


def test_voila_listens_where_asked_with_a_small_pool_culled_when_idle():
    argv = dashboard_server.voila_argv(8999, "127.0.0.1", open_browser=False)
    assert argv[0] == str(dashboard_server.NOTEBOOK)
    assert {"--port=8999", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--preheat_kernel=True",
            "--pool_size=1", "--strip_sources=True", "--no-browser",
            "--MappingKernelManager.cull_idle_timeout=300", "--VoilaExecutor.iopub_timeout=60"} <= set(argv)
    assert {"--preheat_kernel=False", "--pool_size=0"} <= set(dashboard_server.voila_argv(1, "::1", False, kernels=0))


def test_a_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(DanvanEvalError, match=f"Cổng {port} đang được dùng.* / Port {port} is in use"):
            dashboard_server.serve(port=port, outputs=tmp_path, open_browser=False)


def test_every_unit_says_whether_its_level_is_stable(demo):
    """The widget table and the kernel-free page's data state, per unit, whether its level is stable and with
    what share of the absolute-scale draws; with trial weights (another level) the column leaves."""
    from danvan_eval.dashboard.site import year_payload

    d = Dashboard.from_folder(demo)
    scores = file_scores(demo, 2024, "district")
    table = rows(d.table.html.value)
    for code, row in scores.iterrows():
        share = f"{round(100 * row['p_level'])}%"
        expected = ("Ổn định" if str(row["level_stable"]).lower() == "true" else "Chưa ổn định") + f" ({share})"
        assert table[code]["stability"] == expected, code
    assert table["545"]["stability"].startswith("Chưa ổn định")  # the demo's unstable district
    payload = {u["code"]: u for u in year_payload(load_year(demo, 2024), "vi")["units"]}
    assert payload["545"]["stable"] is False and payload["540"]["stable"] is True
    assert payload["545"]["stable_text"] == table["545"]["stability"]
    tied = scores[scores.duplicated("rank", keep=False)]  # equal shown scores: one rank, marked
    assert len(tied) >= 2 and all(table[c]["rank"] == f"{int(r)} (đồng hạng)" for c, r in tied["rank"].items())
    d.weights.sliders["a1"].value = 3.0
    assert "stability" not in rows(d.table.html.value)["540"]


def test_a_kernel_takes_in_the_years_scored_after_its_page_was_made(outputs, monkeypatch):
    # a preheated Voila kernel makes its page long before a reviewer opens it: a year scored meanwhile must appear
    later = outputs.parent / "later"
    shutil.move(outputs / "2024", later)
    monkeypatch.setattr(dashboard_widgets, "YEARS_CHECK_S", 0.05)

    async def kernel() -> Dashboard:
        dash = Dashboard.from_folder(outputs)
        assert [v for _, v in dash.year.options] == [2023, 2022] and dash.year.value == 2023
        shutil.move(later, outputs / "2024")
        deadline = time.monotonic() + 120  # a deadline for a slow machine, not a timing assertion
        while 2024 not in [v for _, v in dash.year.options] and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return dash

    dash = asyncio.run(kernel())
    assert [v for _, v in dash.year.options] == [2024, 2023, 2022]
    assert dash.year.value == 2023 and set(dash.frame["unit_code"]) == set(file_scores(outputs, 2023, "district").index)
    assert dash.check_years() is False  # nothing new: nothing reloaded


def test_a_real_years_download_carries_no_synthetic_mark(outputs):
    manifest = outputs / "2024" / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")), "synthetic": False}),
                        encoding="utf-8")
    body, name = export_file(outputs, 2024, "district", "csv", {"w": "a1:1,a2:1,a3:1,a4:1,a5:1,a6:1"})
    assert name == "xep-hang_2024_district.csv"
    assert pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str).columns[0] == "Mã đơn vị"


def test_switching_language_and_year_leaves_no_widget_behind(demo):
    """A reviewer switching back and forth: the kernel holds the same widgets after as before (none leaked)."""
    from ipywidgets.widgets.widget import _instances  # the widgets the kernel holds open

    d = Dashboard.from_folder(demo)
    d.language.value, d.language.value = "en", "vi"
    before = len(_instances)
    for _ in range(3):
        d.language.value = "en"
        d.year.value = 2023
        d.language.value = "vi"
        d.year.value = 2024
    assert len(_instances) == before
