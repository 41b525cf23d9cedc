"""The shared figures: what they draw, in which language, and that a missing score is never drawn as 0."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle

from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation.year import score_run
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.reports import maps, plots

ROOT = Path(__file__).resolve().parent.parent
AREAS = [f"a{i}" for i in range(1, 7)]


@pytest.fixture(scope="module")
def scored():
    return score_run(load_run(default_run_path(2024, ROOT)))


@pytest.fixture(scope="module")
def scores(scored):
    return scored.tables["scores"]


@pytest.fixture(scope="module")
def fw(scored):
    return scored.evaluation.framework


def texts(fig: Figure) -> str:
    """Every piece of text drawn on the figure (titles, tick labels, legends, annotations), one per line."""
    return "\n".join(" ".join(t.get_text().split()) for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def hatched(fig: Figure) -> list:
    return [p for p in fig.findobj(lambda a: hasattr(a, "get_hatch")) if p.get_hatch()]


def with_gap(scores: pd.DataFrame, code: str, area: str) -> pd.DataFrame:
    """``scores`` with one area of one unit (and so its composite) made insufficient."""
    out = scores.copy()
    out.loc[out["unit_code"] == code, [area, "composite", "band", "rank"]] = np.nan
    return out


def test_ranking_chart_draws_every_unit_best_first_in_its_band_colour(scores, fw):
    districts = scores[scores["kind"] == "district"]
    fig = plots.ranking_chart(districts, framework=fw)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    # bars from the top of the axis down: the best composite first
    top_down = [labels[i] for i in np.argsort([-t.get_position()[1] for t in ax.get_yticklabels()])]
    assert top_down == list(districts.sort_values("composite", ascending=False)["name_vi"])
    colours = plots.band_colours(fw.bands)
    bars = {round(p.get_width(), 9): p.get_facecolor() for p in ax.patches if isinstance(p, Rectangle)}
    for _, row in districts.iterrows():
        assert np.allclose(bars[round(row["composite"], 9)], plt_colour(colours[row["band"]]))
    assert "Xếp hạng theo điểm tổng hợp" in texts(fig) and "Điểm tổng hợp" in texts(fig)


def plt_colour(c):
    from matplotlib.colors import to_rgba

    return to_rgba(c)


def test_ranking_chart_shows_a_unit_without_composite_as_insufficient_not_zero(scores, fw):
    fig = plots.ranking_chart(with_gap(scores, "550", "a5"), framework=fw)
    assert "Không đủ số liệu" in texts(fig)
    gap = [p for p in hatched(fig) if isinstance(p, Rectangle) and p.get_width() == 100]
    assert len(gap) == 1  # the hatched bar spans the axis: it says "no value", not a score of 0 or 100


def test_ranking_chart_without_framework_uses_the_default_bands(scores, fw):
    a, b = plots.ranking_chart(scores), plots.ranking_chart(scores, framework=fw)
    assert [p.get_facecolor() for p in a.axes[0].patches] == [p.get_facecolor() for p in b.axes[0].patches]


def test_figures_are_in_english_when_asked(scores, fw, scored):
    scores_en = scores.assign(name_en="Unit " + scores["unit_code"])
    fig = plots.ranking_chart(scores_en, lang="en", framework=fw)
    assert "Ranking by composite score" in texts(fig) and "Unit 540" in texts(fig)
    assert "Xếp hạng" not in texts(fig)
    assert "Mean of" in texts(plots.radar(scores, "540", fw, lang="en"))
    assert "Composite score over the years" in texts(plots.trend_chart(scored.tables["trend"], "540", lang="en"))


def test_area_heatmap_hatches_a_missing_area_and_never_colours_it_as_zero(scores, fw):
    data = with_gap(scores, "550", "a5")
    fig = plots.area_heatmap(data, fw)
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    order = plots._kind_sorted(data, "composite", ascending=False).reset_index(drop=True)
    row = plots.heatmap_rows(order).index(int(order.index[order["unit_code"] == "550"][0]))
    col = 1 + AREAS.index("a5")  # the composite comes first
    assert np.ma.is_masked(image[row, col]) and np.ma.is_masked(image[row, 0])  # no composite either
    assert not np.ma.is_masked(image[row, col - 1])
    cells = [p for p in hatched(fig) if isinstance(p, Rectangle) and p.get_width() == 1]
    assert sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in cells) == [(0, row), (col, row)]
    assert "Không đủ số liệu" in texts(fig)
    assert "Quán triệt, thể chế hóa" in texts(fig)  # the areas' Vietnamese short labels


def test_radar_compares_the_unit_with_the_mean_of_its_peer_group(scores, fw):
    fig = plots.radar(scores, "SNV", fw)
    ax = fig.axes[0]
    peer, unit = ax.get_lines()[:2]
    departments = scores[scores["kind"] == "department"]
    assert np.allclose(peer.get_ydata()[:6], departments[AREAS].mean().to_numpy())
    assert np.allclose(unit.get_ydata()[:6], scores.loc[scores["unit_code"] == "SNV", AREAS].to_numpy()[0])
    assert "Bình quân khối sở, ban, ngành" in texts(fig)


def test_radar_and_area_bars_leave_a_missing_area_empty(scores, fw):
    data = with_gap(scores, "550", "a5")
    fig = plots.radar(data, "550", fw)
    assert np.isnan(fig.axes[0].get_lines()[1].get_ydata()[AREAS.index("a5")])
    assert "Không đủ số liệu" in texts(fig)
    bars = plots.area_bars(data, "550", fw)
    assert len([p for p in hatched(bars) if isinstance(p, Rectangle)]) == 1
    assert "Không đủ số liệu" in texts(bars)


def test_area_bars_draw_the_unit_scores_and_peer_means(scores, fw):
    fig = plots.area_bars(scores, "540", fw)
    ax = fig.axes[0]
    widths = sorted(p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_height() < 1)
    assert np.allclose(widths, sorted(scores.loc[scores["unit_code"] == "540", AREAS].to_numpy()[0]))
    medians = ax.get_lines()[0].get_xdata()
    assert np.allclose(medians, scores.loc[scores["kind"] == "district", AREAS].mean().to_numpy())


def test_trend_chart_plots_every_year_of_the_unit(scored):
    trend = scored.tables["trend"]
    fig = plots.trend_chart(trend, "550")
    unit = fig.axes[0].get_lines()[1]
    mine = trend[trend["unit_code"] == "550"].sort_values("year")
    assert list(unit.get_xdata()) == list(mine["year"])
    assert np.allclose(unit.get_ydata(), mine["composite"], equal_nan=True)
    # 550 left area 5 blank in 2023 (planted gap): that year is marked, not drawn at 0
    assert mine["composite"].isna().sum() == 1
    assert "Không đủ số liệu" in texts(fig) and len(hatched(fig)) == 1


def test_band_distribution_counts_units_per_band_and_group(scores, fw):
    fig = plots.band_distribution(scores, fw)
    heights = [int(p.get_height()) for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    n_bands = len(fw.bands) + 1
    districts = scores[scores["kind"] == "district"]["band"]
    expected = [int((districts == b).sum()) for b in fw.bands["code"]] + [int(districts.isna().sum())]
    assert heights[:n_bands] == expected
    assert sum(heights) == len(scores)
    assert "Khá" in texts(fig) and "Sở, ban, ngành" in texts(fig)


def test_rank_interval_chart_draws_the_interval_of_every_unit(scores):
    data = scores.assign(rank_median=scores["rank"].astype(float), rank_p05=(scores["rank"] - 1).clip(lower=1),
                         rank_p95=scores["rank"] + 2)
    fig = plots.rank_interval_chart(data)
    segments = fig.axes[0].collections[0].get_segments()
    assert len(segments) == len(data)
    assert "Khoảng thứ hạng" in texts(fig)


def test_rank_interval_chart_names_the_missing_columns(scores):
    with pytest.raises(DanvanEvalError, match="rank_median"):
        plots.rank_interval_chart(scores.drop(columns=[c for c in scores if c.startswith("rank_")]))


def test_an_unknown_unit_is_a_clear_error(scores, fw):
    with pytest.raises(DanvanEvalError, match="999"):
        plots.radar(scores, "999", fw)


def test_figures_draw_on_a_given_axes_and_show_themselves_as_png(scores, fw):
    host = plots.ReportFigure()
    ax = host.add_subplot()
    assert plots.area_bars(scores, "540", fw, ax=ax) is host
    png, meta = plots.ranking_chart(scores, framework=fw)._repr_png_()
    assert png.startswith(b"\x89PNG")
    assert meta["alt"].startswith("Xếp hạng")  # the page's image is described by the figure's title


def pixels(fig: Figure) -> np.ndarray:
    from PIL import Image

    png, _ = fig._repr_png_()
    return np.asarray(Image.open(__import__("io").BytesIO(png)).convert("RGB")).astype(int)


# the figures of one unit (scores, trend, framework, unit code → figure), drawn on a frame shared per process
UNIT_FIGURES = pytest.mark.parametrize("draw", [
    lambda s, t, fw, code: plots.radar(s, code, fw),
    lambda s, t, fw, code: plots.area_bars(s, code, fw),
    lambda s, t, fw, code: plots.trend_chart(t, code),
], ids=["radar", "area_bars", "trend"])


@UNIT_FIGURES
def test_a_unit_figure_drawn_on_the_shared_frame_is_its_full_drawing(scored, scores, fw, draw):
    """The unit figures draw their axes once per process and key and only the unit's own artists over them:
    the picture is the full drawing's (up to antialiasing), the same every time, and the unit's own."""
    plots._FRAMES.clear()
    # the unit named as tall as the frame's layout text: the frame is laid out for any name, a full drawing for
    # its own (test_a_unit_figure_is_the_same_whichever_unit_was_drawn_first)
    scores = scores.assign(name_vi=scores["name_vi"].where(scores["unit_code"] != "540", plots.LAYOUT_TEXT))
    trend = scored.tables["trend"].assign(name_vi=lambda t: t["unit_code"].map(scores.set_index("unit_code")["name_vi"]))
    first = draw(scores, trend, fw, "540")
    assert first.frame_key is not None and first.own_artists
    framed = pixels(first)  # lays out and caches the frame
    again = pixels(draw(scores, trend, fw, "540"))  # drawn over the cached frame
    assert np.array_equal(framed, again)
    full = draw(scores, trend, fw, "540")
    full.frame_key = None
    whole = pixels(full)
    assert framed.shape == whole.shape
    assert (np.abs(framed - whole).max(axis=2) > 60).mean() < 0.01  # a fill under or over a grid line, no more
    other = pixels(draw(scores, trend, fw, "546"))  # another unit of the group: same frame, its own data
    assert other.shape == framed.shape and not np.array_equal(other, framed)


@UNIT_FIGURES
def test_a_unit_figure_is_the_same_whichever_unit_was_drawn_first(scored, scores, fw, draw):
    """The frame is laid out for its key, not for the unit that happens to come first in a process (a title with
    Vietnamese marks is taller): a report's pictures do not depend on how a run shares out the units."""
    trend, names = scored.tables["trend"], scores.copy()
    names.loc[names["unit_code"] == "546", "name_vi"] = "Ấp Ỗ (gjpqỵ)"  # marks above and below the line
    trend = trend.assign(name_vi=trend["unit_code"].map(names.set_index("unit_code")["name_vi"]))
    pictures = []
    for first in ("546", "540"):
        plots._FRAMES.clear()
        pixels(draw(names, trend, fw, first))
        pictures.append(pixels(draw(names, trend, fw, "550")))
    assert np.array_equal(*pictures)


def test_the_shared_frame_keeps_the_unit_title_in_place(scores, fw):
    """A title naming the unit is the unit's own: drawn where a full drawing puts it, on the first figure too."""
    plots._FRAMES.clear()
    fig = plots.area_bars(scores, "540", fw)
    assert fig.axes[0].title in fig.own_artists
    fig._repr_png_()
    assert fig.axes[0].title.get_position() == (0.5, 1.0)
    assert fig.description() == fig.axes[0].get_title()


@UNIT_FIGURES
def test_a_unit_figure_is_titled_with_the_unit_and_its_legend_names_the_peer_group(scored, scores, fw, draw):
    """The legend (the peer group's mean) is the frame's, drawn once per group; the unit's name is its title."""
    fig = draw(scores, scored.tables["trend"], fw, "540")
    ax = fig.axes[0]
    assert ax.get_legend() not in fig.own_artists and ax.title in fig.own_artists
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Bình quân khối huyện, thị xã, thành phố"]
    assert "Thành phố Quy Nhơn" in ax.get_title()
    assert fig.description() == ax.get_title()


def test_figures_drawn_on_a_given_axes_are_drawn_whole(scores, fw):
    host = plots.ReportFigure()
    plots.radar(scores, "540", fw, ax=host.add_subplot(projection="polar"))
    assert host.frame_key is None  # the caller's figure may hold more than the unit's frame


# ---------------------------------------------------------------- the static map (reports.maps)
def drawn(fig: Figure) -> dict:
    """Every unit's shape on the map: code → the PathPatch."""
    return {p.get_gid(): p for p in fig.findobj(PathPatch) if p.get_gid()}


def communes_year(composites: np.ndarray) -> pd.DataFrame:
    """A 2025 of the 135 communes and wards with the given composites, and one provincial agency."""
    codes = [s["code"] for s in maps.layer("communes")["shapes"]]
    return pd.DataFrame({"unit_code": [*codes, "SNV"], "name_vi": [*codes, "Sở Nội vụ"],
                         "kind": ["commune"] * len(codes) + ["agency"], "composite": composites, "band": "A"})


def test_map_of_2024_draws_the_11_districts_coloured_by_their_composite(scores, fw):
    fig = maps.choropleth(scores, fw, "vi")
    shapes = drawn(fig)
    districts = scores[scores["kind"] == "district"].set_index("unit_code")["composite"]
    assert set(shapes) == set(districts.index) and len(shapes) == 11  # the departments have no shape
    lo, hi = np.floor(districts.min()), np.ceil(districts.max())  # the range of the units drawn
    viridis = colormaps["viridis"]
    for code, value in districts.items():
        assert np.allclose(shapes[code].get_facecolor(), viridis((value - lo) / (hi - lo))), code
    best, worst = districts.idxmax(), districts.idxmin()
    assert sum(shapes[best].get_facecolor()[:3]) > sum(shapes[worst].get_facecolor()[:3])  # brighter is better


def test_map_colour_follows_the_score_and_a_missing_score_is_hatched_not_coloured():
    values = np.linspace(40, 95, 136)
    before = drawn(maps.choropleth(communes_year(values), None, "vi"))
    assert len(before) == 135 and "SNV" not in before
    changed = values.copy()
    changed[[0, 1]] = [95, np.nan]
    after = drawn(maps.choropleth(communes_year(changed), None, "vi"))
    codes = list(after)
    assert not np.allclose(after[codes[0]].get_facecolor(), before[codes[0]].get_facecolor())
    assert np.allclose(after[codes[0]].get_facecolor(), colormaps["viridis"](1.0))  # now the best
    assert after[codes[1]].get_hatch() and not before[codes[1]].get_hatch()
    assert np.allclose(after[codes[2]].get_facecolor(), before[codes[2]].get_facecolor())


def test_map_of_levels_uses_one_sequential_colour_per_level_best_brightest(scores, fw):
    fig = maps.choropleth(scores, fw, "en", measure="band")
    shapes = drawn(fig)
    districts = scores[scores["kind"] == "district"].set_index("unit_code")
    bands = list(fw.bands.sort_values("min", ascending=False)["code"])
    brightness = {b: sum(shapes[c].get_facecolor()[:3]) for c, b in districts["band"].items()}
    assert [brightness[b] for b in sorted(brightness, key=bands.index)] == sorted(brightness.values(), reverse=True)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == [fw.bands.set_index("code").at[b, "label_en"] for b in bands if b in brightness]


def test_map_caption_names_the_units_left_off_and_credits_the_boundaries_with_the_caveat(scores):
    vi = maps.caption(scores, 2024, "vi")
    assert "11 đơn vị cấp huyện cũ" in vi and "Sở, ban, ngành (8)" in vi
    assert "sapnhap.bando.com.vn" in vi and "Giấy phép của dữ liệu gốc chưa rõ" in vi
    en = maps.caption(communes_year(np.linspace(40, 95, 136)), 2025, "en")
    assert "135 commune-level units" in en and "Provincial agencies (1)" in en and "licence is unresolved" in en


def test_no_map_when_no_unit_has_a_shape(scores):
    agencies = scores[scores["kind"] == "department"]
    assert maps.choropleth(agencies, None) is None and maps.caption(agencies, 2024) is None


def test_radar_labels_sit_outside_the_circle_and_overlap_nothing(scores, fw):
    from itertools import combinations

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for lang, data in (("vi", scores), ("en", scores), ("vi", with_gap(scores, "540", "a1"))):
        fig = plots.radar(data, "540", fw, lang)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        ax = fig.axes[0]
        spokes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
        others = [t.get_window_extent(renderer) for t in ax.get_yticklabels()] + [ax.get_legend().get_window_extent(renderer)]
        assert not [(a, b) for a, b in combinations(spokes + others, 2) if a.overlaps(b)], lang
        cx, cy = ax.transData.transform((0, 0))
        radius = np.hypot(*(ax.transData.transform((0, 100)) - (cx, cy)))
        for box in spokes:  # the nearest point of each label lies beyond the outer circle
            nearest = (min(max(cx, box.x0), box.x1), min(max(cy, box.y0), box.y1))
            assert np.hypot(nearest[0] - cx, nearest[1] - cy) > radius
            assert fig.bbox.x0 <= box.x0 and box.x1 <= fig.bbox.x1 and fig.bbox.y0 <= box.y0 and box.y1 <= fig.bbox.y1


def layout_faults(fig: Figure) -> list[str]:
    """What a reader would miss: a legend over a plotting area (it could hide a unit's marker), a title or a
    legend cut by the figure's edge."""
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    faults = []
    titles = [ax.title for ax in fig.axes] + ([fig._suptitle] if fig._suptitle is not None else [])
    for text in titles:
        box = text.get_window_extent(renderer)
        if text.get_text() and (box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y1 > page.y1 + 1):
            faults.append(f"title clipped: {text.get_text()}")
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    assert legends or not any(ax.get_legend_handles_labels()[0] for ax in fig.axes), "a legend is expected"
    for legend in legends:
        if legend is not None:
            box = legend.get_window_extent(renderer)
            if any(box.overlaps(other.get_window_extent(renderer)) for other in fig.axes if other.get_label() != "<colorbar>"):
                faults.append("legend over a plot")
            if box.x0 < page.x0 - 1 or box.x1 > page.x1 + 1 or box.y0 < page.y0 - 1:
                faults.append("legend clipped")
    return faults


def test_the_rank_interval_legend_never_hides_a_marker_and_no_title_is_clipped(scores, fw):
    """The caterpillar chart of province.html, the audit and the .docx: its legend lies outside the plot, where
    no unit's marker can be, in both languages; the other figures' titles fit the figure."""
    for lang in ("vi", "en"):
        assert layout_faults(plots.rank_interval_chart(scores, lang)) == []
        for fig in (plots.ranking_chart(scores, lang, framework=fw), plots.area_heatmap(scores, fw, lang),
                    plots.band_distribution(scores, fw, lang)):
            assert [f for f in layout_faults(fig) if f.startswith("title")] == []


def test_a_unit_figure_legend_never_hides_its_data_and_no_title_is_clipped(scored, scores, fw):
    """The unit figures' legends lie outside their plots (a low score in the last year stays visible), their
    titles naming the unit fit the figure, in both languages."""
    trend = scored.tables["trend"]
    for lang in ("vi", "en"):
        for fig in (plots.area_bars(scores, "540", fw, lang), plots.trend_chart(trend, "540", lang),
                    plots.radar(scores, "540", fw, lang)):
            fig.frame_key = None  # drawn whole: where the frame's layout puts everything
            assert layout_faults(fig) == [], fig.description()
