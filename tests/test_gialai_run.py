"""The new Gia Lai's 2025 and 2026 evaluations run end to end on the demo data: papermill really executes a few unit
reports, the province report and the methodology audit; no error cell, Vietnamese labels, peer groups ranked among
themselves in 2026, no ranks in 2025 and the reason printed, unknown populations named.

Fewer Monte Carlo draws than the run files ask (the draws are not what is tested here) keep this module short.
"""

from __future__ import annotations

import dataclasses
import re

import nbformat
import pandas as pd
import pytest

from danvan_eval import formatting
from danvan_eval.messages import tr
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.reports import runner
from danvan_eval.paths import PROJECT_ROOT

UNITS = {2026: ["21628"], 2025: ["21616"]}  # the planted outlier; the commune that never reports


def _run(year, tmp_path_factory):
    run = load_run(default_run_path(year, PROJECT_ROOT))
    run = dataclasses.replace(run, uncertainty={**run.uncertainty, "draws": 60})
    out = tmp_path_factory.mktemp(f"outputs{year}")
    summary = runner.run_year(run, out, units=UNITS[year], jobs=2)
    return out / str(year), summary, run


@pytest.fixture(scope="module")
def y2026(tmp_path_factory):
    return _run(2026, tmp_path_factory)


@pytest.fixture(scope="module")
def y2025(tmp_path_factory):
    return _run(2025, tmp_path_factory)


def _text(path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style).*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _no_errors(folder, units):
    pages = [folder / "units" / f"{u}.ipynb" for u in units] + [folder / "province.ipynb",
                                                                 folder / "methodology_audit.ipynb"]
    for path in pages:
        nb = nbformat.read(path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
        assert errors == [], path
        assert path.with_suffix(".html").is_file(), path


def test_2026_runs_every_report_without_an_error(y2026):
    folder, summary, _ = y2026
    assert summary.failed == []
    _no_errors(folder, UNITS[2026])
    province = _text(folder / "province.html")
    assert "Tổng hợp kết quả thực hiện Chỉ thị 33/CT-TTg toàn tỉnh Gia Lai năm 2026" in province
    for label in ("Xếp hạng khối phường", "Xếp hạng khối xã vùng đồng bào dân tộc thiểu số và miền núi",
                  "Xếp hạng khối xã đồng bằng, ven biển và trung du",
                  "Xếp hạng khối cơ quan chuyên môn, đơn vị thuộc UBND tỉnh", "Phân bố mức độ thực hiện",
                  "Điểm lĩnh vực của tất cả đơn vị", "Thay đổi so với năm trước", "Địa bàn tỉnh Bình Định cũ"):
        assert label in province, label
    assert "Xếp hạng khối huyện" not in province and "Bình Định năm 2026" not in province


def test_2026_ranks_each_peer_group_among_itself(y2026):
    folder, _, _ = y2026
    scores = pd.read_csv(folder / "scores.csv", dtype={"unit_code": str})
    assert scores["kind"].value_counts().to_dict() == {"xa_mien_nui": 80, "xa_dong_bang": 30, "phuong": 25,
                                                      "co_quan_tinh": 15}
    for group, rows in scores.groupby("kind"):
        ranked = rows.dropna(subset=["composite"])
        shown = ranked["composite"].map(formatting.shown)  # ranks at the precision shown: equal shown scores share the rank
        assert list(ranked["rank"]) == list(shown.rank(method="min", ascending=False)), group
        assert sorted(ranked["rank"])[0] == 1 and (rows["n_ranked"] == len(ranked)).all(), group
    # 2025 published no ranks: no rank change against it, and the unit report says so
    assert scores["rank_change"].isna().all() and scores["composite_change"].notna().sum() > 140
    unit = _text(folder / "units" / "21628.html")
    assert tr("narrative.rank_new", "vi") in unit


def test_2026_names_the_unknown_populations_and_flags_the_outlier(y2026):
    folder, summary, _ = y2026
    ind = pd.read_csv(folder / "indicators.csv", dtype={"unit_code": str})
    aside = ind[(ind["unit_code"] == "21622") & (ind["status"] == "unknown_denominator")]["indicator_id"]
    assert set(aside) == {"i2_sessions", "i2_remote_sessions", "i2_digital_items", "i3_models_registered",
                          "i3_models_replicated", "i3_exemplars_commended", "i4_backlog_cases", "i6_remote_contacts"}
    assert "21622 Xã An Toàn" in summary.describe("vi")
    figures = pd.read_csv(folder / "registry_figures.csv", dtype={"unit_code": str})
    assert len(figures) == 14 and set(figures["status"]) == {"unknown"}
    outlier = _text(folder / "units" / "21628.html")
    assert "Số hội nghị, buổi tuyên truyền (i2_sessions) 70 Giá trị 70 bằng 9,5 lần năm trước (3)" in outlier
    assert "Giá trị 70 (tính theo mẫu số của chỉ tiêu: 4,9" in outlier
    assert "1.000 dân mỗi năm" in outlier and "định mức 01 ngày mỗi tuần trong kỳ (%)" in outlier
    agency = ind[ind["unit_code"] == "GL-SNV"]
    assert "i2_remote_sessions" not in set(agency["indicator_id"]) and len(agency) == 29


def test_2025_gives_levels_without_ranks_and_says_why(y2025):
    folder, summary, run = y2025
    assert summary.failed == []
    _no_errors(folder, UNITS[2025])
    scores = pd.read_csv(folder / "scores.csv", dtype={"unit_code": str})
    assert scores["rank"].isna().all() and scores["band"].notna().sum() >= 145
    province = _text(folder / "province.html")
    assert tr("report.no_ranks", "vi") in province and run.ranks_note["vi"] in province
    assert "Xếp hạng khối" not in province and "Điểm và mức độ thực hiện: phường" in province
    assert "01/7 đến 25/11/2025" in province
    never = _text(folder / "units" / "21616.html")
    assert tr("narrative.not_received", "vi") in never and "năm nay không xếp hạng" not in never  # no composite
    blank = scores.set_index("unit_code").loc[["21616", "21637"]]  # never reported; area 5 left blank
    assert blank["composite"].isna().all() and blank["band"].isna().all()


def test_2025_report_tables_have_no_ranks_and_the_report_says_why(y2025):
    """The .docx draft's data for 2025 (building the document itself is tested on 2024 in test_report.py)."""
    from danvan_eval.reports import annual

    folder, _, run = y2025
    data = annual.load_data(folder.parent, 2025)
    assert not data.ranked and data.ranks_note == run.ranks_note["vi"] and not data.has_interval
    assert data.province.issuer_name == "Sở Nội vụ tỉnh Gia Lai"
    for kind in data.kinds:
        header, rows, _, _ = annual._unit_table(data, kind)
        assert header == ["TT", "Cơ quan, đơn vị", "Điểm tổng hợp", "So với năm 2024", "Mức độ thực hiện"], kind
        assert all(len(r) == len(header) for r in rows)
