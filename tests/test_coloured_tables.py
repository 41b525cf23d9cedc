"""Coloured tables: the heatmap of province.html with the picture's rows, numbers and colours as text, and the
audit's correlations."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_hex

from danvan_eval.evaluation.year import score_run
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.reports import coloured_tables, plots

ROOT = Path(__file__).resolve().parent.parent
AREAS = [f"a{i}" for i in range(1, 7)]


@pytest.fixture(scope="module")
def scored():
    return score_run(load_run(default_run_path(2024, ROOT)))


def test_rows_are_the_pictures_grouped_best_first_with_each_groups_size(scored):
    scores, fw = scored.tables["scores"], scored.evaluation.framework
    frame = coloured_tables.scores_frame(scores, fw, "vi")
    picture = plots._kind_sorted(scores, "composite", ascending=False)
    assert list(frame.index.get_level_values(1)) == list(picture["name_vi"])
    assert list(frame.index.get_level_values(0).unique()) == ["Huyện, thị xã, thành phố (11)",
                                                              "Sở, ban, ngành (8)"]
    first = picture.iloc[0]
    assert frame.iloc[0].tolist() == pytest.approx(first[["composite", *AREAS]].astype(float).tolist())
    assert list(frame.columns[:2]) == ["Điểm tổng hợp", "Quán triệt, thể chế hóa"]
    en = coloured_tables.scores_frame(scores, fw, "en")
    assert en.columns[0] == "Composite score" and list(en.index.get_level_values(1)) == plots._names(picture, "en")


def test_a_cell_is_coloured_as_the_picture_and_a_missing_score_is_hatched_never_zero():
    assert coloured_tables.score_css(80.0) == (f"background-color: {to_hex(colormaps['viridis'](0.8))}; "
                                            "color: black;")
    assert "color: white" in coloured_tables.score_css(20.0)  # light text on the dark end
    assert coloured_tables.score_css(np.nan) == coloured_tables.MISSING_CSS
    assert "repeating-linear-gradient" in coloured_tables.MISSING_CSS


def test_the_table_writes_every_score_and_says_insufficient_data(scored):
    scores, fw = scored.tables["scores"].copy(), scored.evaluation.framework
    scores.loc[scores["unit_code"] == "550", ["a5", "composite"]] = np.nan
    html = coloured_tables.area_scores(scores, fw, "vi").to_html()
    assert html.count("Không đủ số liệu") == 2 and "Màu ô theo điểm" in html
    quy_nhon = scores.set_index("unit_code").loc["540"]
    row = re.search(r"Thành phố Quy Nhơn</th>(.*?)</tr>", html, re.DOTALL).group(1)
    assert re.findall(r">([\d,]+)</td>", row)[0] == f"{quy_nhon['composite']:.1f}".replace(".", ",")
    assert html == coloured_tables.area_scores(scores, fw, "vi").to_html()  # the same page every run


def test_the_audit_correlations_are_coloured_red_to_blue_with_the_own_area_framed(scored):
    from danvan_eval.reports import audit_plots

    fw = scored.evaluation.framework
    first, second = fw.indicators.index[:2]
    area = fw.indicators.at[first, "area"]
    matrix = pd.DataFrame([[0.9, -0.7], [np.nan, 0.1]], index=[first, second], columns=[area, "composite"])
    html = audit_plots.correlation_table(matrix, fw, "district", 2024, "vi").to_html()
    assert html == audit_plots.correlation_table(matrix, fw, "district", 2024, "vi").to_html()
    assert "Tương quan giữa chỉ tiêu, lĩnh vực và điểm tổng hợp" in html and "ô trống: không xác định" in html
    cells = re.findall(r'<td [^>]*class="data (row\d) (col\d)" >([^<]*)</td>', html)
    assert cells == [("row0", "col0", "0,90"), ("row0", "col1", "−0,70"), ("row1", "col0", ""),
                     ("row1", "col1", "0,10")]
    css = audit_plots.correlation_css
    assert css(0.9) == f"background-color: {to_hex(colormaps['RdBu'](0.95))}; color: white;"
    assert to_hex(colormaps["RdBu"](0.15)) in css(-0.7) and css(np.nan) == ""
    framed = re.findall(r"#T_correlations-district_(row\d_col\d) \{[^}]*outline: 2px solid black", html)
    assert framed == ["row0_col0", "row1_col0"]  # both indicators belong to the first area: that column framed
