"""Continuity across the 1 July 2025 reform: crosswalk, agency lineage, former-district sums, province series."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan_eval.errors import LineageError
from danvan_eval.evaluation import continuity as cont
from danvan_eval.model.lineage import default_crosswalk_path, load_agency_lineage, load_crosswalk
from danvan_eval.outputs import read_csv

CROSSWALKS = default_crosswalk_path().parent


# ---------------------------------------------------------------- the project's own data
@pytest.fixture(scope="module")
def districts():
    return cont.former_districts(load_crosswalk())


def test_every_new_unit_of_former_binh_dinh_lies_in_one_former_district(districts):
    bd = districts[districts["former_province_code"] == "52"]
    assert len(districts) == 135 and len(bd) == 58
    assert not bd["spans"].any() and bd["former_district_code"].notna().all()
    assert bd["former_district_code"].nunique() == 11
    # the split communes stay inside their district
    assert sorted(bd.loc[bd["split"], "unit_code"]) == ["21622", "21628", "21994", "21997", "22006"]
    assert set(bd.loc[bd["split"], "former_district_code"]) == {"542", "551"}
    quy_nhon = bd[bd["unit_code"] == "21583"].iloc[0]
    assert (quy_nhon["former_district_code"], quy_nhon["former_district_name"], quy_nhon["n_former_communes"]) == (
        "540", "Thành phố Quy Nhơn", 4)


def test_units_spanning_two_districts_are_reported_not_guessed(districts):
    spans = districts[districts["spans"]].set_index("unit_code")
    assert sorted(spans.index) == ["23590", "23611", "23614", "23794", "23971", "23977"]
    assert spans["former_district_code"].isna().all()
    assert spans.at["23590", "former_district_codes"] == "622|626|627"


def test_the_committed_derived_table_is_the_crosswalk_derived(districts):
    committed = read_csv(CROSSWALKS / "gialai_unit_former_district.csv")
    committed = committed.astype({c: str for c in ("former_province_code", "former_district_codes")})
    committed["former_district_code"] = committed["former_district_code"].map(
        lambda v: v if pd.isna(v) else str(int(v)))
    pd.testing.assert_frame_equal(committed, districts, check_dtype=False)


def test_agency_lineage_maps_every_former_department():
    lineage = load_agency_lineage()
    mapped = lineage.dropna(subset=["former_code"])
    assert set(mapped["former_code"]) == {"SNV", "STP", "SKHDT", "STNMT", "SLDTBXH", "SYT", "SGDDT", "BDT"}
    # many → one: the split department feeds three agencies in part, each merged with a whole one
    labour = mapped[mapped["former_code"] == "SLDTBXH"]
    assert sorted(labour["agency_code"]) == ["GL-SGDDT", "GL-SNV", "GL-SYT"]
    assert set(labour["share"]) == {"part"}
    assert mapped.groupby("former_code")["share"].apply(lambda s: (s == "whole").sum()).drop("SLDTBXH").eq(1).all()
    assert lineage["agency_code"].nunique() == 15 and lineage["source"].notna().all()
    assert lineage.loc[lineage["former_code"] == "BDT", "agency_name_vi"].tolist() == ["Sở Dân tộc và Tôn giáo tỉnh Gia Lai"]


def test_a_bad_lineage_names_every_problem(tmp_path):
    bad = tmp_path / "lineage.yaml"
    bad.write_text(
        "title: {vi: x, en: x}\neffective: 2025-07-01\nagencies:\n"
        "  - agency: GL-SNV\n    name_vi: x\n    from: [{code: SNV, share: whole}, {code: '540', share: whole}]\n"
        "    confidence: medium\n    source: s\n"
        "  - agency: GL-SYT\n    name_vi: x\n    from: [{code: SNV, share: whole}, {code: XYZ, share: part},"
        " {code: SYT, share: most}]\n    confidence: sure\n    source: s\n"
        "  - agency: GL-SYT\n    name_vi: x\n    from: []\n    confidence: low\n    source: s\n"
        "  - agency: GL-STP\n    name_vi: x\n    from: [{code: STP, share: whole}]\n    confidence: low\n",
        encoding="utf-8",
    )
    with pytest.raises(LineageError) as err:
        load_agency_lineage(bad)
    found = err.value.problems
    by_code = found.groupby("code")["unit"].apply(sorted).to_dict()
    assert by_code == {
        "lineage_not_department": ["GL-SNV"],
        "lineage_whole_twice": ["GL-SYT"],
        "lineage_unknown_department": ["GL-SYT"],
        "lineage_bad_share": ["GL-SYT"],
        "bad_confidence": ["GL-SYT"],
        "duplicate_id": ["GL-SYT"],
        "missing_key": ["GL-STP"],
        "lineage_unmapped_department": ["BDT", "SGDDT", "SKHDT", "SLDTBXH", "STNMT"],
    }
    row = found[found["code"] == "lineage_not_department"].iloc[0]
    assert row["row"] == 6 and row["cell"] == "agencies[GL-SNV].from[1].code"
    assert "không phải là sở" in row["message_vi"] and "is not a department" in row["message_en"]
    assert str(err.value).count("lineage_unmapped_department") == 5


def test_a_bad_crosswalk_names_every_problem(tmp_path):
    cw = pd.read_csv(default_crosswalk_path(), dtype=str, keep_default_na=False).head(6)
    cw.loc[0, "transfer"] = "moved"
    cw.loc[1, "confidence"] = "certain"
    cw.loc[2, "old_district_code"] = "999"
    cw.loc[3, "new_commune_code"] = ""
    cw.loc[5] = cw.loc[4]  # the same pair twice
    path = tmp_path / "crosswalk.csv"
    cw.to_csv(path, index=False)
    with pytest.raises(LineageError) as err:
        load_crosswalk(path)
    found = err.value.problems.set_index("code")
    assert found.loc["crosswalk_bad_transfer", "row"] == 2
    assert found.loc["bad_confidence", "row"] == 3
    assert found.loc["crosswalk_unknown_district", "row"] == 4
    assert "999" in found.loc["crosswalk_unknown_district", "message_vi"]
    assert found.loc["crosswalk_empty", "row"] == 5
    assert found.loc["crosswalk_duplicate", "row"] == 7 and "dòng 6" in found.loc["crosswalk_duplicate", "message_vi"]
    missing = tmp_path / "short.csv"
    cw.drop(columns=["transfer", "source"]).to_csv(missing, index=False)
    with pytest.raises(LineageError) as err:
        load_crosswalk(missing)
    assert sorted(err.value.problems["message_en"]) == [
        "Required column “source” is missing", "Required column “transfer” is missing"]


# ---------------------------------------------------------------- a tiny hand-computed case
# Two former districts (540: communes C1, C2, C3; 542: C4) become three new units: U1 = C1 + C2 and U2 = C3 (in
# 540), U3 = C4 (in 542); U5 comes from former Gia Lai (province 64), in no Bình Định district.
CROSSWALK = pd.DataFrame(
    [("52", "540", "C1", "U1"), ("52", "540", "C2", "U1"), ("52", "540", "C3", "U2"), ("52", "542", "C4", "U3"),
     ("64", "622", "G1", "U5")],
    columns=["old_province_code", "old_district_code", "old_commune_code", "new_commune_code"],
).assign(old_district_name=lambda d: "Huyện " + d["old_district_code"], old_commune_name=lambda d: d["old_commune_code"],
         new_commune_name=lambda d: "Xã " + d["new_commune_code"], transfer="whole")
PAST_SPEC = pd.DataFrame(
    [("i2_sessions", "count", "i2_sessions", None, 1),
     ("i4_dossiers_on_time_pct", "share", "i4_dossiers_on_time_pct", "d_dossiers_received", 100),
     ("i4_satisfaction_pct", "share", "i4_satisfaction_pct", None, 100)],
    columns=cont.SPEC_COLUMNS,
)
NEW_SPEC = pd.DataFrame(
    [("i2_sessions", "count", "c_sessions", None, 1),
     ("i4_dossiers_on_time_pct", "ratio", "c_dossiers_on_time", "c_dossiers_received", 100),
     ("i4_satisfaction_pct", "ratio", "c_satisfied", "c_surveyed", 100)],
    columns=cont.SPEC_COLUMNS,
)


def _obs(rows):
    return pd.DataFrame(
        [(y, u, i, v, "missing" if v is None else "reported") for y, u, i, v in rows],
        columns=["year", "unit_code", "indicator_id", "value", "status"],
    )


PAST = _obs([
    (2024, "540", "i2_sessions", 30), (2024, "542", "i2_sessions", 10),
    (2024, "540", "i4_dossiers_on_time_pct", 90.0), (2024, "540", "d_dossiers_received", 1000),
    (2024, "542", "i4_dossiers_on_time_pct", 80.0), (2024, "542", "d_dossiers_received", 250),
    (2024, "540", "i4_satisfaction_pct", 85.0), (2024, "542", "i4_satisfaction_pct", 75.0),
    (2024, "SNV", "i2_sessions", 99),  # a department: never part of a territory
    (2024, "540", "i1_plan_issued", 1),  # not comparable: not in the new spec
])
NEW = _obs([
    (2025, "U1", "c_sessions", 3),
    (2026, "U1", "c_sessions", 12), (2026, "U2", "c_sessions", 7), (2026, "U3", "c_sessions", 5),
    (2026, "U5", "c_sessions", 4),
    (2026, "U1", "c_dossiers_on_time", 450), (2026, "U1", "c_dossiers_received", 500),
    (2026, "U2", "c_dossiers_on_time", 280), (2026, "U2", "c_dossiers_received", 300),
    (2026, "U3", "c_dossiers_on_time", 95), (2026, "U3", "c_dossiers_received", 100),
    (2026, "U1", "c_satisfied", 40), (2026, "U1", "c_surveyed", 50),
    (2026, "U2", "c_satisfied", None), (2026, "U2", "c_surveyed", None),  # U2 did not report the survey
    (2026, "U3", "c_satisfied", 30), (2026, "U3", "c_surveyed", 40),
])


@pytest.fixture(scope="module")
def tiny():
    districts = cont.former_districts(CROSSWALK)
    past, new = cont.parts(PAST, PAST_SPEC), cont.parts(NEW, NEW_SPEC)
    return districts, past, new


def _cell(table, territory, measure, year, column="value"):
    row = table[(table["territory"] == territory) & (table["measure"] == measure) & (table["year"] == year)]
    assert len(row) == 1, (territory, measure, year)
    return row.iloc[0][column]


def test_the_tiny_case_former_districts(tiny):
    districts = tiny[0].set_index("unit_code")
    assert districts["former_district_code"].to_dict() == {"U1": "540", "U2": "540", "U3": "542", "U5": "622"}
    assert districts.at["U1", "n_former_communes"] == 2 and not districts["spans"].any()
    spanning = cont.former_districts(pd.concat([CROSSWALK, CROSSWALK.iloc[[3]].assign(new_commune_code="U1")]))
    one = spanning.set_index("unit_code").loc["U1"]
    assert one["spans"] and pd.isna(one["former_district_code"]) and one["former_district_codes"] == "540|542"


def test_the_tiny_case_district_sums_by_hand(tiny):
    table = cont.district_comparison(tiny[1], tiny[2], tiny[0])
    assert "composite" not in table.columns and set(table["measure"]) == set(NEW_SPEC["measure"])
    # 2024, each district's own report
    assert _cell(table, "540", "i2_sessions", 2024) == 30
    assert _cell(table, "540", "i4_dossiers_on_time_pct", 2024) == pytest.approx(90.0)
    assert _cell(table, "542", "i4_satisfaction_pct", 2024) == 75.0
    assert _cell(table, "540", "i2_sessions", 2024, "source") == "former_district"
    # 2026, the new units summed: 540 = U1 + U2, 542 = U3
    assert _cell(table, "540", "i2_sessions", 2026) == 12 + 7
    assert _cell(table, "542", "i2_sessions", 2026) == 5
    assert _cell(table, "540", "i4_dossiers_on_time_pct", 2026, "numerator") == 450 + 280
    assert _cell(table, "540", "i4_dossiers_on_time_pct", 2026, "denominator") == 500 + 300
    assert _cell(table, "540", "i4_dossiers_on_time_pct", 2026) == pytest.approx(730 / 800 * 100)  # 91.25
    assert _cell(table, "542", "i4_dossiers_on_time_pct", 2026) == pytest.approx(95.0)
    # U2 did not report the survey: 540's sum is U1's alone, and marked incomplete
    assert _cell(table, "540", "i4_satisfaction_pct", 2026) == pytest.approx(80.0)
    assert (_cell(table, "540", "i4_satisfaction_pct", 2026, "n_reported"),
            _cell(table, "540", "i4_satisfaction_pct", 2026, "n_units")) == (1, 2)
    assert not _cell(table, "540", "i4_satisfaction_pct", 2026, "complete")
    assert _cell(table, "540", "i2_sessions", 2026, "source") == "new_units_sum"
    # 2025: the new units existed from 1 July only
    assert _cell(table, "540", "i2_sessions", 2025) == 3
    assert _cell(table, "540", "i2_sessions", 2025, "partial_year")
    assert not _cell(table, "540", "i2_sessions", 2025, "complete")
    assert set(table["territory"]) == {"540", "542"}  # U5's district was never evaluated


def test_the_tiny_case_province_series_by_hand(tiny):
    series = cont.province_series(tiny[1], tiny[2], tiny[0])
    assert _cell(series, "binh_dinh", "i2_sessions", 2024) == 30 + 10  # the department's 99 is not territory
    assert _cell(series, "binh_dinh", "i4_dossiers_on_time_pct", 2024, "numerator") == pytest.approx(900 + 200)
    assert _cell(series, "binh_dinh", "i4_dossiers_on_time_pct", 2024) == pytest.approx(1100 / 1250 * 100)  # 88
    # a share without its weight cannot be summed over districts: no value, never an average of percentages
    assert np.isnan(_cell(series, "binh_dinh", "i4_satisfaction_pct", 2024))
    assert _cell(series, "binh_dinh", "i2_sessions", 2026) == 12 + 7 + 5
    assert _cell(series, "binh_dinh", "i4_dossiers_on_time_pct", 2026) == pytest.approx(825 / 900 * 100)
    assert _cell(series, "binh_dinh", "i4_satisfaction_pct", 2026) == pytest.approx(70 / 90 * 100)
    assert _cell(series, "gia_lai", "i2_sessions", 2026) == 12 + 7 + 5 + 4
    assert not (series["territory"].eq("gia_lai") & ~series["after_reform"]).any()
    marks = series.drop_duplicates("year").set_index("year")[["after_reform", "partial_year"]]
    assert marks.to_dict("index") == {2024: {"after_reform": False, "partial_year": False},
                                      2025: {"after_reform": True, "partial_year": True},
                                      2026: {"after_reform": True, "partial_year": False}}


# ---------------------------------------------------------------- invariant
@settings(max_examples=40, deadline=None)
@given(
    assignment=st.lists(st.integers(0, 3), min_size=1, max_size=12),
    values=st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=12, max_size=12),
)
def test_the_former_districts_sum_to_the_province(assignment, values):
    """Σ over former districts of the numerators (and denominators) = the province's, whatever the map."""
    units = [f"U{i}" for i in range(len(assignment))]
    crosswalk = pd.DataFrame({
        "old_province_code": "52", "old_district_code": [f"54{d}" for d in assignment],
        "old_district_name": "x", "old_commune_code": units, "old_commune_name": units,
        "new_commune_code": units, "new_commune_name": units, "transfer": "whole"})
    rows = [(2026, u, "c_sessions", a) for u, (a, _) in zip(units, values)]
    rows += [(2026, u, "c_dossiers_on_time", min(a, b)) for u, (a, b) in zip(units, values)]
    rows += [(2026, u, "c_dossiers_received", b) for u, (_, b) in zip(units, values)]
    new = cont.parts(_obs(rows), NEW_SPEC)
    past = cont.parts(_obs([(2024, f"54{d}", i, v) for d in set(assignment) for i, v in
                            (("i2_sessions", 1), ("i4_dossiers_on_time_pct", 50), ("d_dossiers_received", 10))]),
                      PAST_SPEC)
    districts = cont.former_districts(crosswalk)
    by_district = cont.totals(new, districts.set_index("unit_code")["former_district_code"])
    province = cont.province_series(past, new, districts)
    province = province[(province["territory"] == "binh_dinh") & (province["year"] == 2026)].set_index("measure")
    for measure in ("i2_sessions", "i4_dossiers_on_time_pct"):
        part = by_district[by_district["measure"] == measure]
        np.testing.assert_equal(
            [part["numerator"].sum(), part["denominator"].sum(min_count=1)],
            [province.at[measure, "numerator"], province.at[measure, "denominator"]])
    summed = by_district[by_district["measure"] == "i4_dossiers_on_time_pct"]
    assert summed["numerator"].sum() == sum(min(a, b) for a, b in values[: len(units)])
    assert summed["denominator"].sum() == sum(b for _, b in values[: len(units)])


def test_the_data_folder_has_its_readme():
    text = (CROSSWALKS / "README.md").read_text(encoding="utf-8")
    for name in Path(CROSSWALKS).glob("*.csv"):
        assert name.name in text, name


# ---------------------------------------------------------------- what the frameworks say is comparable
def _framework(indicators, auxiliary):
    from types import SimpleNamespace

    ind = pd.DataFrame(indicators, columns=["id", "type", "denominator", "comparable_to", "label_vi", "label_en",
                                            "unit_vi", "unit_en"]).set_index("id")
    aux = pd.DataFrame(auxiliary, columns=["id", "feeds"]).set_index("id")
    return SimpleNamespace(indicators=ind, auxiliary=aux)


PAST_FW = _framework(
    [("i2_sessions", "count", None, None, "Số buổi", "Sessions", "buổi", "sessions"),
     ("i4_dossiers_on_time_pct", "pct", None, None, "Hồ sơ đúng hạn", "On time", "%", "%"),
     ("i4_satisfaction_pct", "pct", None, None, "Hài lòng", "Satisfied", "%", "%"),
     ("i1_plan_issued", "bool", None, None, "Kế hoạch", "Plan", "có/không", "yes/no")],
    [("d_dossiers_received", "dossiers_10k")])
NEW_FW = _framework(
    [("c_sessions", "count", "population_1k", "i2_sessions", "", "", "", ""),
     ("c_dossiers_on_time", "pct", "dossiers_pct", "i4_dossiers_on_time_pct", "", "", "", ""),
     ("c_satisfied", "pct", "surveyed_pct", "i4_satisfaction_pct", "", "", "", ""),
     ("c_plan_issued", "bool", None, "i1_plan_issued", "", "", "", ""),  # yes/no: not a sum of anything
     ("c_new", "count", None, None, "", "", "", "")],
    [("d_dossiers_received", "dossiers_pct"), ("c_surveyed", "surveyed_pct")])


def test_the_specs_follow_comparable_to():
    past_spec, new_spec, measures = cont.comparable_specs(NEW_FW, PAST_FW)
    assert list(measures["measure"]) == ["i2_sessions", "i4_dossiers_on_time_pct", "i4_satisfaction_pct"]
    new = new_spec.set_index("measure")
    assert new.loc["i4_dossiers_on_time_pct", ["kind", "numerator", "denominator", "scale"]].tolist() == [
        "ratio", "c_dossiers_on_time", "d_dossiers_received", 100]
    assert new.loc["i2_sessions", ["kind", "numerator", "scale"]].tolist() == ["count", "c_sessions", 1]
    past = past_spec.set_index("measure")
    # the former share is weighted by the auxiliary both frameworks collect; the survey share has no weight
    assert past.loc["i4_dossiers_on_time_pct", ["kind", "denominator"]].tolist() == ["share", "d_dossiers_received"]
    assert past.loc["i4_satisfaction_pct", "kind"] == "share" and pd.isna(past.loc["i4_satisfaction_pct", "denominator"])
    assert measures.set_index("measure").at["i2_sessions", "label_vi"] == "Số buổi"


def test_the_whole_bundle_on_the_tiny_case():
    new_obs = NEW.assign(
        indicator_id=lambda d: d["indicator_id"].replace({"c_dossiers_received": "d_dossiers_received"}))
    tables = cont.continuity_tables(PAST, PAST_FW, new_obs, NEW_FW, CROSSWALK)
    assert set(tables) == {"continuity_measures", "former_districts", "continuity_districts", "continuity_province"}
    d = tables["continuity_districts"]
    assert _cell(d, "540", "i4_dossiers_on_time_pct", 2026) == pytest.approx(91.25)
    assert _cell(tables["continuity_province"], "binh_dinh", "i4_dossiers_on_time_pct", 2024) == pytest.approx(88.0)
    assert not any("composite" in c for t in tables.values() for c in t.columns)


def test_without_comparable_indicators_the_tables_are_empty_not_wrong():
    plain = _framework([("c_new", "count", None, None, "", "", "", "")], [])
    tables = cont.continuity_tables(PAST, PAST_FW, NEW, plain, CROSSWALK)
    assert tables["continuity_districts"].empty and tables["continuity_province"].empty
    assert list(tables["continuity_districts"].columns)[: len(cont.TOTAL_COLUMNS)] == cont.TOTAL_COLUMNS


def test_the_command_refuses_a_year_before_the_reform(capsys):
    from danvan_eval.cli import main

    assert main(["continuity", "--year", "2024"]) == 1
    err = capsys.readouterr().err
    assert "trước cuộc sắp xếp 01/07/2025" in err and "before the reform of 1 July 2025" in err
    assert "Traceback" not in err


# ---------------------------------------------------------------- what the reports show
@pytest.fixture(scope="module")
def written(tmp_path_factory):
    from danvan_eval.evaluation.continuity_run import write_continuity

    new_obs = NEW.assign(indicator_id=lambda d: d["indicator_id"].replace({"c_dossiers_received": "d_dossiers_received"}))
    outputs = tmp_path_factory.mktemp("outputs")
    write_continuity(cont.continuity_tables(PAST, PAST_FW, new_obs, NEW_FW, CROSSWALK), outputs / "2026")
    from danvan_eval.reports.continuity_views import read_continuity

    return read_continuity(outputs, 2026)


def test_a_new_unit_shows_its_former_district_as_context_not_as_its_past(written):
    from danvan_eval.reports.continuity_views import former_district_context

    heading, table, notes = former_district_context(written, "U1", "vi")
    assert "kết quả của Huyện 540 (huyện cũ" in heading.data and "không phải kết quả của đơn vị này" in heading.data
    assert list(table.columns) == ["2024", "‖", "2025 (từ 01/07)", "2026"]
    assert table.loc["Số buổi (buổi)"].tolist() == ["30", "‖", "3 (1/2)", "19"]
    assert table.loc["Hồ sơ đúng hạn (%)"].tolist() == ["90%", "‖", "—", "91,2%"]  # 730 / 800 = 91.25 %
    assert table.loc["Hài lòng (%)"].tolist() == ["85%", "‖", "—", "80% (1/2)"]
    assert "không phải kết quả trước đây của Xã U1" in notes.data and "nửa năm" in notes.data
    english = former_district_context(written, "U1", "en")
    assert "not this unit's own results" in english[0].data and "2025 (from 1 Jul)" in english[1].columns
    assert "did not evaluate" in former_district_context(written, "U5", "en")[0].data
    assert former_district_context(written, "GL-SNV", "vi") == [] and former_district_context({}, "U1") == []


def test_the_province_series_marks_the_break(written):
    from danvan_eval.reports.continuity_views import province_series

    heading, table, notes = province_series(written, "vi")
    assert heading.data == "### Chuỗi số liệu toàn tỉnh 2022–2026 trên các chỉ tiêu không đổi định nghĩa"
    assert list(table.columns) == ["2024", "‖", "2025 (từ 01/07)", "2026"]
    assert table.loc["Địa bàn tỉnh Bình Định cũ — Hồ sơ đúng hạn (%)"].tolist() == ["88%", "‖", "—", "91,7%"]
    assert table.loc["Địa bàn tỉnh Bình Định cũ — Hài lòng (%)"].tolist() == ["—", "‖", "—", "77,8% (2/3)"]
    assert table.loc["Toàn tỉnh Gia Lai — Số buổi (buổi)"].tolist() == ["", "‖", "3 (1/4)", "28"]
    assert "tổng của 2 huyện" in notes.data and "01/07/2025" in notes.data


def test_the_docx_section_holds_the_series(written):
    from types import SimpleNamespace

    from danvan_eval.reports import annual
    from danvan_eval.reports import word as dx

    doc = dx.new_document("t", "a")
    annual._section_continuity(doc, SimpleNamespace(year=2026, continuity=written), {"table": 0, "figure": 0})
    cells = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert cells[0] == ["Chỉ tiêu", "2024", "‖", "2025 (từ 01/07)", "2026"]
    assert ["Địa bàn tỉnh Bình Định cũ — Số buổi (buổi)", "40", "‖", "3 (1/3)", "24"] in cells
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Bảng 1. Chuỗi số liệu toàn tỉnh 2022–2026" in text and "điểm tổng hợp của hai khung" in text
