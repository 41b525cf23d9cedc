"""The generated text: what it says about each unit and the province, in Vietnamese and English, and that it
never calls two units different when their rank intervals overlap heavily."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from danvan_eval.errors import DanvanEvalError
from danvan_eval.evaluation import narrative
from danvan_eval.evaluation.year import score_run
from danvan_eval.model.runs import default_run_path, load_run
from danvan_eval.model.units import in_sentence

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def years():
    """The demo years as a run writes them: year → (tables, framework)."""
    out = {}
    for year in (2022, 2023, 2024):
        scored = score_run(load_run(default_run_path(year, ROOT)))
        out[year] = (scored.tables, scored.evaluation.framework)
    return out


def peers(intervals: dict[str, tuple[int, int]], kind: str = "district") -> pd.DataFrame:
    """A small scores table of ranked units with the given rank intervals."""
    rows = [{"unit_code": c, "name_vi": f"Đơn vị {c}", "kind": kind, "rank": i + 1, "rank_p05": lo, "rank_p95": hi}
            for i, (c, (lo, hi)) in enumerate(intervals.items())]
    return pd.DataFrame(rows)


def test_numbers_read_the_vietnamese_way():
    assert narrative.number(72.449, "vi") == "72,4"
    assert narrative.number(72.449, "en") == "72.4"
    assert narrative.number(-3.25, "vi", sign=True) == "−3,2"
    assert narrative.number(9.1, "en", sign=True) == "+9.1"
    assert narrative.number(float("nan")) == "—"


@pytest.mark.parametrize(("a", "b", "heavy"), [((1, 3), (2, 5), True), ((1, 2), (2, 8), True),
                                               ((1, 4), (4, 8), False), ((1, 2), (4, 6), False),
                                               ((3, 3), (1, 5), True)])
def test_heavy_overlap_is_half_the_shorter_interval_or_more(a, b, heavy):
    s = peers({"A": a, "B": b})
    assert (narrative.indistinct_from(s, "A") == ["B"]) is heavy
    assert (narrative.indistinct_from(s, "B") == ["A"]) is heavy


def test_indistinct_units_are_those_whose_intervals_overlap_heavily():
    s = peers({"A": (1, 3), "B": (2, 5), "C": (2, 3), "D": (6, 8), "E": (1, 2)})
    assert narrative.indistinct_from(s, "A") == ["B", "C", "E"]
    assert narrative.indistinct_from(s, "D") == []
    other = pd.concat([s, peers({"X": (1, 3)}, kind="department")])
    assert "X" not in narrative.indistinct_from(other, "A")  # other peer group: ranked apart


def test_without_intervals_no_unit_is_declared_indistinct(years):
    tables, _ = years[2024]
    plain = tables["scores"].drop(columns=["rank_p05", "rank_median", "rank_p95"])
    assert not narrative.has_intervals(plain)
    assert narrative.indistinct_from(plain, "540") == []


def test_position_states_score_band_rank_and_interval(years):
    tables, fw = years[2024]
    s = tables["scores"]
    u = s[s["unit_code"] == "546"].iloc[0]
    text = narrative.position(s, "546", fw)
    assert text.startswith(f"Huyện Vĩnh Thạnh đạt {narrative.number(u['composite'])} điểm, mức độ thực hiện “Tốt”,"
                           f" đứng thứ {u['rank']}/11 (đồng hạng) trong khối huyện, thị xã, thành phố.")
    # the brief's hand case: Vĩnh Thạnh and Vân Canh both read 83,8 and share the 5th rank; the next is 7th
    v = s.set_index("unit_code")
    assert [narrative.number(v.at[c, "composite"]) for c in ("546", "551")] == ["83,8", "83,8"]
    assert v.at["546", "rank"] == v.at["551", "rank"] == 5 and 6 not in set(v.loc[v["kind"] == "district", "rank"])
    assert u["rank_p05"] < u["rank_p95"]
    assert f"Trong 90% số lần tính lại, đơn vị có thể xếp từ hạng {int(u['rank_p05'])} đến {int(u['rank_p95'])}." in text
    first = s[s["unit_code"] == "540"].iloc[0]
    assert first["rank_p05"] == first["rank_p95"] == 1
    assert "Trong 90% số lần tính lại, đơn vị luôn đứng thứ 1." in narrative.position(s, "540", fw)


def test_the_narrative_never_calls_heavily_overlapping_units_different(years):
    for year, (tables, fw) in years.items():
        s = tables["scores"]
        for code in s.loc[s["rank"].notna(), "unit_code"]:
            text = narrative.position(s, code, fw)
            close = narrative.indistinct_from(s, code)
            for other in close:
                assert in_sentence(s.loc[s["unit_code"] == other, "name_vi"].iloc[0]) in text, (year, code, other)
            assert ("không chồng lấn nhiều" in text) == (not close), (year, code)
        for kind in ("district", "department"):
            top = narrative.leaders(s, kind)
            first = top[0]
            assert set(narrative.indistinct_from(s, first)) <= set(top), (year, kind)


def test_a_leader_is_named_only_when_its_interval_stands_apart(years):
    tables, fw = years[2024]
    s = tables["scores"].set_index("unit_code")
    by_rank = {kind: list(s[s["kind"] == kind].sort_values("rank").index) for kind in ("district", "department")}
    first, second = by_rank["department"][:2]
    s.loc[by_rank["district"][0], ["rank_p05", "rank_p95"]] = [1, 1]
    s.loc[by_rank["district"][1:], ["rank_p05", "rank_p95"]] = [2, 11]
    s.loc[by_rank["department"], ["rank_p05", "rank_p95"]] = [4, 8]
    s.loc[[first, second], ["rank_p05", "rank_p95"]] = [[1, 2], [1, 3]]
    s = s.reset_index()
    names = s.set_index("unit_code")["name_vi"].map(in_sentence)
    assert narrative.leaders(s, "district") == [by_rank["district"][0]]
    assert narrative.leaders(s, "department") == [first, second]
    text = " ".join(narrative.province_narrative(s, fw))
    assert f"Khối huyện, thị xã, thành phố: dẫn đầu là {names[by_rank['district'][0]]}." in text
    assert f"nhóm dẫn đầu gồm {names[first]}, {names[second]} (khoảng thứ hạng chồng lấn nhiều" in text
    wide = s.assign(rank_p05=1.0, rank_p95=float(len(s)))
    assert "chưa thể khẳng định đơn vị dẫn đầu" in " ".join(narrative.province_narrative(wide, fw))


def test_strengths_name_the_best_and_worst_area_against_the_group_mean(years):
    """The group statistic is the mean, as in every output (comparison.STATISTIC)."""
    tables, fw = years[2024]
    s = tables["scores"]
    u = s[s["unit_code"] == "546"].iloc[0]
    areas = u[list(fw.areas.index)].astype(float)
    mean = s.loc[s["kind"] == "district", list(fw.areas.index)].mean()
    best, worst = areas.idxmax(), areas.idxmin()
    text = narrative.strengths(s, "546", fw)
    assert f"Lĩnh vực mạnh nhất: {fw.areas.at[best, 'short_vi']} ({narrative.number(areas[best])} điểm; " \
           f"bình quân khối {narrative.number(mean[best])})" in text and "trung vị" not in text
    assert f"Lĩnh vực yếu nhất: {fw.areas.at[worst, 'short_vi']}" in text


def test_changes_since_last_year(years):
    tables, fw = years[2024]
    s = tables["scores"]
    u = s[s["unit_code"] == "546"].iloc[0]
    text = narrative.changes(s, tables["trend"], "546", fw)
    assert u["composite_change"] > 0
    assert text.startswith(f"So với năm 2023, điểm tổng hợp tăng "
                           f"{narrative.number(u['composite_change'])} điểm; thứ hạng tăng 2 bậc.")
    assert "Lĩnh vực tăng nhiều nhất:" in text and "Lĩnh vực giảm nhiều nhất:" in text
    assert "+" not in text and "−" not in text  # "tăng 5,9 điểm", never "thay đổi +5,9 điểm"
    first, fw22 = years[2022]
    assert narrative.changes(first["scores"], first["trend"], "546", fw22) == "Chưa có kết quả năm 2021 để so sánh."


def test_gaps_tell_what_is_missing(years):
    tables, fw = years[2024]
    assert narrative.gaps(tables["scores"], tables["indicators"], "546", fw) == \
        "Báo cáo gửi chậm 8 ngày so với hạn."  # planted: arrived 3 Dec 2024
    assert narrative.gaps(tables["scores"], tables["indicators"], "540", fw) == \
        "Báo cáo đầy đủ, đúng hạn: không thiếu chỉ tiêu nào."
    t23, fw23 = years[2023]
    assert narrative.gaps(t23["scores"], t23["indicators"], "545", fw23) == \
        "Thiếu số liệu 1 chỉ tiêu: Mức độ hài lòng của người dân."
    text = narrative.gaps(t23["scores"], t23["indicators"], "550", fw23)  # left all of area 5 blank
    assert "Thiếu số liệu 4 chỉ tiêu" in text
    assert text.endswith("Lĩnh vực không đủ số liệu để tính điểm: Đạo đức công vụ.")
    assert narrative.gaps(t23["scores"], t23["indicators"], "BDT", fw23).startswith(
        "Chưa nhận được báo cáo của đơn vị.")  # planted: no report at all


def test_a_unit_without_composite_is_said_to_lack_data(years):
    t23, fw23 = years[2023]
    paragraphs = narrative.unit_narrative(t23["scores"], "550", fw23, t23["indicators"], t23["trend"])
    assert paragraphs[0] == "Huyện Tuy Phước chưa đủ số liệu để tính điểm tổng hợp và xếp hạng (độ phủ số liệu 83%)."
    assert paragraphs[2].startswith("Không so sánh được điểm tổng hợp với năm 2022: năm 2023 đơn vị chưa đủ số liệu"
                                    " để tính điểm tổng hợp.")


def test_a_missing_change_names_the_year_without_a_report(years):
    tables, fw = years[2024]  # BDT sent no report for 2023 (planted)
    s = tables["scores"]
    assert pd.isna(s.loc[s["unit_code"] == "BDT", "composite_change"]).all()
    text = narrative.changes(s, tables["trend"], "BDT", fw, reported_before={"540", "546"})
    assert text.startswith("Không so sánh được điểm tổng hợp với năm 2023: năm 2023 đơn vị không gửi báo cáo.")
    text = narrative.changes(s, tables["trend"], "BDT", fw, lang="en", reported_before=set())
    assert text.startswith("The composite cannot be compared with 2023: the unit sent no report for 2023.")


def test_the_narrative_in_english(years):
    tables, fw = years[2024]
    s = tables["scores"].assign(name_en=lambda d: d["unit_code"].map({"546": "Vĩnh Thạnh District"}))
    paragraphs = narrative.unit_narrative(s, "546", fw, tables["indicators"], tables["trend"], lang="en")
    assert paragraphs[0].startswith("Vĩnh Thạnh District scored ")
    assert "among districts, towns and city" in paragraphs[0]
    assert paragraphs[2].startswith("Since 2023, the composite score rose by ")
    assert paragraphs[3] == "The report arrived 8 days after the deadline."
    assert all("điểm" not in p for p in paragraphs)
    province = narrative.province_narrative(s, fw, lang="en")
    assert province[0].startswith("Districts, towns and city: ")


def test_an_unknown_unit_is_a_clear_error(years):
    tables, fw = years[2024]
    with pytest.raises(DanvanEvalError, match="999"):
        narrative.position(tables["scores"], "999", fw)


def test_every_level_is_said_stable_or_not_and_the_unstable_units_are_named(years):
    """Hand case: A's level comes out in 90% of the absolute-scale draws (stable at the framework's 0.9), B's in
    89% (not stable), C has no level; the province text names B only, with its share."""
    _, fw = years[2024]
    s = pd.DataFrame({"unit_code": ["A", "B", "C"], "name_vi": ["Đơn vị A", "Đơn vị B", "Đơn vị C"],
                      "kind": "district", "composite": [85.0, 66.0, None], "band": ["tot", "kha", None],
                      "rank": [1, 2, None], "n_ranked": 2, "p_level": [0.9, 0.89, None],
                      "level_stable": [True, False, None], "coverage": [1.0, 1.0, 0.5]})
    assert narrative.position(s, "A", fw) == (
        "Đơn vị A đạt 85,0 điểm, mức độ thực hiện “Tốt”, đứng thứ 1/2 trong khối huyện, thị xã, thành phố."
        " Mức “Tốt” ổn định: 90% các lần mô phỏng trên thang điểm tuyệt đối cho cùng mức (ngưỡng 90%).")
    assert "Mức “Khá” chưa ổn định: chỉ 89% các lần mô phỏng trên thang điểm tuyệt đối cho cùng mức (cần ít nhất" \
           " 90%)" in narrative.position(s, "B", fw)
    assert "ổn định" not in narrative.position(s, "C", fw)
    text = " ".join(narrative.province_narrative(s, fw))
    assert ("Mức độ thực hiện chưa ổn định (dưới 90% các lần mô phỏng trên thang điểm tuyệt đối cho cùng mức):"
            " Đơn vị B (89%).") in text
    assert "Đơn vị A (" not in text
    stable = s.assign(level_stable=[True, True, None], p_level=[0.9, 0.95, None])
    assert "mọi đơn vị được xếp mức đều ổn định" in " ".join(narrative.province_narrative(stable, fw, "vi"))
    assert "Levels not stable" in narrative.unstable_levels(s, fw, "en")
    # without level probabilities (a run that drew nothing) nothing is said about stability
    plain = s.drop(columns=["p_level", "level_stable"])
    assert "ổn định" not in narrative.position(plain, "A", fw) + " ".join(narrative.province_narrative(plain, fw))


def test_the_demo_year_states_the_stability_of_every_level(years):
    tables, fw = years[2024]
    s = tables["scores"]
    for code in s.loc[s["band"].notna(), "unit_code"]:
        text = narrative.position(s, code, fw)
        stable = bool(s.loc[s["unit_code"] == code, "level_stable"].iloc[0])
        assert ("chưa ổn định" in text) == (not stable) and "ổn định" in text, code


def test_units_with_equal_shown_scores_are_said_to_be_tied(years):
    """Demo 2024: two districts read the same composite to one decimal; both share the rank, marked tied."""
    tables, fw = years[2024]
    s = tables["scores"]
    shown = s.assign(text=s["composite"].map(narrative.number))
    for (_, _), group in shown[s["rank"].notna()].groupby(["kind", "text"]):
        assert group["rank"].nunique() == 1  # equal shown scores, one rank
    together = s[narrative.tied(s)]
    assert len(together) >= 2
    for _, u in together.iterrows():
        text = narrative.position(s, u["unit_code"], fw)
        assert f"đứng thứ {int(u['rank'])}/{int(u['n_ranked'])} (đồng hạng)" in text, u["unit_code"]
    alone = s[~narrative.tied(s) & s["rank"].notna()].iloc[0]
    assert "đồng hạng" not in narrative.position(s, alone["unit_code"], fw)


def test_one_units_tie_is_what_the_whole_table_says(years):
    """``is_tied`` (one row) agrees with ``tied`` (every row), within a year and across the years of a trend."""
    for tables, _ in years.values():
        for table in (tables["scores"], tables["trend"]):
            assert [narrative.is_tied(table, r) for _, r in table.iterrows()] == narrative.tied(table).tolist()
    twice = pd.DataFrame({"kind": ["a", "a", None, None, "a"], "rank": [1, 1, 2, 2, None]})
    assert [narrative.is_tied(twice, r.to_dict()) for _, r in twice.iterrows()] == narrative.tied(twice).tolist()


def test_the_indicators_to_improve_are_those_below_the_second_level_lowest_first(years):
    tables, fw = years[2024]
    ind = tables["indicators"]
    mine = ind[(ind["unit_code"] == "544") & ind["score"].notna()].sort_values("score")
    below = mine[mine["score"] < 65]
    assert len(below)  # Hoài Ân, the lowest district of the demo
    text = narrative.to_improve(ind, "544", fw)
    first = fw.indicators.at[below.iloc[0]["indicator_id"], "label_vi"]
    assert text.startswith("Các chỉ tiêu có điểm dưới ngưỡng mức “Khá” (65 điểm), cần tập trung cải thiện")
    assert f": {first} ({narrative.number(below.iloc[0]['score'])})" in text
    assert text.count(";") == min(len(below), narrative.MAX_TO_IMPROVE) - 1
    fine = ind.assign(score=ind["score"].where(ind["score"].isna(), 90.0))
    assert narrative.to_improve(fine, "544", fw).startswith("Không có chỉ tiêu nào dưới ngưỡng mức “Khá”")
