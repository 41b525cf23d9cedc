"""The province report and the audit at 150 units: one ranking per peer group, the heatmap grouped by peer group
and sorted within it, one rank-interval chart per group, readable sizes and a colour-blind-safe scale."""

import numpy as np
import pandas as pd
import pytest

from danvan_eval.model import groups
from danvan_eval.model.framework import default_framework_path, load_framework
from danvan_eval.reports import plots, views

AREAS = [f"a{i}" for i in range(1, 7)]
GROUPS = [{"id": "nhom_a", "label_vi": "Nhóm A", "label_en": "Group A"},
          {"id": "nhom_b", "label_vi": "Nhóm B", "label_en": "Group B"},
          {"id": "nhom_c", "label_vi": "Nhóm C", "label_en": "Group C"},
          {"id": "nhom_d", "label_vi": "Nhóm D", "label_en": "Group D"}]


@pytest.fixture(scope="module")
def fw():
    return load_framework(default_framework_path())


@pytest.fixture(scope="module")
def scores():
    """Seven units of three peer groups, listed out of order; B2 has no composite (insufficient data)."""
    groups.register(GROUPS)
    rows = [("B1", "nhom_b", 60.0), ("A1", "nhom_a", 70.0), ("C1", "nhom_c", 55.0), ("A2", "nhom_a", 90.0),
            ("B2", "nhom_b", np.nan), ("A3", "nhom_a", 80.0), ("B3", "nhom_b", 75.0)]
    out = pd.DataFrame(rows, columns=["unit_code", "kind", "composite"])
    out["name_vi"] = "Đơn vị " + out["unit_code"]
    for i, a in enumerate(AREAS):
        out[a] = out["composite"] + i
    out["band"] = np.where(out["composite"] >= 80, "tot", np.where(out["composite"] >= 65, "kha", "trung_binh"))
    out.loc[out["composite"].isna(), "band"] = np.nan
    out["rank"] = out.groupby("kind")["composite"].rank(method="min", ascending=False).astype("Int64")
    out["n_ranked"] = out.groupby("kind")["composite"].transform("count").astype("Int64")
    out["rank_median"] = out["rank"].astype(float)
    out["rank_p05"], out["rank_p95"] = out["rank_median"], out["rank_median"] + 1
    out["composite_change"], out["rank_change"], out["coverage"] = np.nan, pd.NA, 1.0
    return out


def labels(ax) -> list[str]:
    """The row labels from the top of the heatmap down."""
    return [t.get_text() for t in ax.get_yticklabels()]


def test_the_heatmap_groups_units_by_peer_group_and_sorts_them_by_composite_within_each(scores, fw):
    fig = plots.area_heatmap(scores, fw)
    ax = fig.axes[0]
    # a header row per group (empty label, the group's name written in the row), then its units, best first
    assert labels(ax) == ["", "Đơn vị A2", "Đơn vị A3", "Đơn vị A1",
                          "", "Đơn vị B3", "Đơn vị B1", "Đơn vị B2",  # no composite: last of its group
                          "", "Đơn vị C1"]
    texts = [t.get_text() for t in ax.texts]
    assert {"Nhóm A (3)", "Nhóm B (3)", "Nhóm C (1)"} <= set(texts)
    image = ax.get_images()[0]
    values = image.get_array()
    assert values.mask[0].all() and values[1, 0] == 90 and values[1, 1] == 90  # composite, then a1
    assert [round(line.get_ydata()[0], 1) for line in ax.get_lines() if line.get_ydata()[0] == line.get_ydata()[1]] \
        == [3.5, 7.5]  # a line above each group but the first
    assert image.get_cmap().name.startswith("viridis")  # colour-blind safe, sequential


def test_the_heatmap_grows_with_the_rows_and_keeps_its_labels_readable(scores, fw):
    small = plots.area_heatmap(scores, fw)
    many = pd.concat([scores.assign(unit_code=scores["unit_code"] + f"-{k}") for k in range(20)], ignore_index=True)
    big = plots.area_heatmap(many, fw)  # 140 units
    rows_small, rows_big = len(labels(small.axes[0])), len(labels(big.axes[0]))
    assert rows_big == 140 + 3
    per_row = (big.get_size_inches()[1] - small.get_size_inches()[1]) / (rows_big - rows_small)
    assert per_row == pytest.approx(plots.HEATMAP_ROW_IN)
    big.canvas.draw()
    assert min(t.get_fontsize() for t in big.axes[0].get_yticklabels()) >= 7
    heights = [t.get_window_extent().height for t in big.axes[0].get_yticklabels() if t.get_text()]
    assert max(heights) < plots.HEATMAP_ROW_IN * big.dpi  # a label fits in its row: no overlap


def test_one_rank_interval_chart_per_peer_group_naming_it(scores):
    charts = plots.rank_interval_charts(scores)
    assert [c.axes[0].get_title().split(" — ")[-1] for c in charts] == ["Nhóm A", "Nhóm B", "Nhóm C"]
    assert labels(charts[1].axes[0]) == ["Đơn vị B3", "Đơn vị B1"]  # only its own units (B2 unranked)


def test_the_province_report_ranks_each_peer_group_in_its_own_table(scores, fw):
    data = views.ReportData(year=2026, framework=fw, deadline=(11, 25), scores=scores, indicators=None, trend=None,
                            compliance=None)
    shown = views.ranking_sections(data)
    headings = [s.data for s in shown[0::3]]
    assert headings == ["### Xếp hạng khối nhóm A", "### Xếp hạng khối nhóm B", "### Xếp hạng khối nhóm C"]
    b = shown[4]
    assert list(b.index) == ["Đơn vị B3", "Đơn vị B1", "Đơn vị B2"] and list(b["Xếp hạng"]) == ["1", "2", "—"]
    charts = shown[2::3]
    assert [c.axes[0].get_title() for c in charts] == [f"Xếp hạng theo điểm tổng hợp — Nhóm {g}" for g in "ABC"]
    assert [t.get_text() for t in charts[0].axes[0].get_yticklabels()] == ["Đơn vị A2", "Đơn vị A3", "Đơn vị A1"]


def test_the_band_distribution_tells_four_peer_groups_apart(scores, fw):
    fig = plots.band_distribution(scores.assign(kind=["nhom_a", "nhom_b", "nhom_c", "nhom_d", "nhom_a", "nhom_b",
                                                      "nhom_c"]), fw)
    legend = fig.axes[0].get_legend().get_patches()
    assert len({p.get_hatch() for p in legend}) == 4


def test_a_printed_heatmap_cuts_each_peer_group_into_even_parts_best_first(scores, fw):
    assert [(g, len(p)) for g, p, _, _ in plots.page_parts(scores, 40)] == [(None, 7)]  # small: one page
    many = pd.concat([scores.assign(unit_code=scores["unit_code"] + f"-{k:02d}",
                                    composite=scores["composite"] - k / 10) for k in range(20)], ignore_index=True)
    pages = plots.page_parts(many, 40)  # groups of 60, 60 and 20 units
    assert [(g, len(p), k, n) for g, p, k, n in pages] == [
        ("nhom_a", 30, 1, 2), ("nhom_a", 30, 2, 2), ("nhom_b", 30, 1, 2), ("nhom_b", 30, 2, 2), ("nhom_c", 20, 1, 1)]
    first, second = pages[0][1], pages[1][1]
    assert first["composite"].min() >= second["composite"].max()  # the best units on the first part
    fig = plots.area_heatmap(first, fw, sizes={"nhom_a": 60})
    assert "Nhóm A (60)" in [t.get_text() for t in fig.axes[0].texts]  # the group's size, not the part's
