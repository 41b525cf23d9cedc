"""The indicator framework: the shipped file, its engine tree, and every validation rule."""

import copy
import hashlib
import re

import pytest
import yaml

from danvan_eval.errors import FrameworkError
from danvan_eval.model.framework import default_framework_path, load_framework

CATALOGUE = [  # ids exactly as in framework/INDICATORS.md, in its order
    "i1_plan_issued",
    "i1_plan_delay_days",
    "i1_subunits_plan_pct",
    "i1_regulation_reviewed",
    "i1_projects_danvan_pct",
    "i2_staff_reached_pct",
    "i2_sessions",
    "i2_remote_sessions",
    "i2_digital_items",
    "i3_models_registered",
    "i3_models_recognised_pct",
    "i3_models_replicated",
    "i3_exemplars_commended",
    "i4_dossiers_on_time_pct",
    "i4_online_dossiers_pct",
    "i4_satisfaction_pct",
    "i4_documents_handled_pct",
    "i4_reception_days_pct",
    "i4_complaints_resolved_pct",
    "i4_complaints_on_time_pct",
    "i4_dialogues",
    "i4_backlog_cases",
    "i5_duty_inspections",
    "i5_conduct_complaints",
    "i5_violations_handled_pct",
    "i5_office_culture_pct",
    "i6_coordination_regulation",
    "i6_supervision_activities",
    "i6_recommendations_answered_pct",
    "i6_remote_contacts",
]
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


@pytest.fixture(scope="module")
def fw():
    return load_framework()


@pytest.fixture()
def raw():
    return yaml.safe_load(default_framework_path().read_text(encoding="utf-8"))


def write(tmp_path, data, name="fw.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def codes(path):
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    return set(info.value.problems["code"])


def ind(data, ident):
    return next(i for i in data["indicators"] if i["id"] == ident)


# ---------------------------------------------------------------- the shipped framework
def test_shipped_framework_loads(fw):
    assert fw.version == "dv33-2022.2"
    assert fw.deadline == (11, 25)
    assert fw.coverage_threshold == pytest.approx(0.6667)
    assert fw.level_stability == 0.9
    assert fw.indicator_ids() == CATALOGUE
    assert list(fw.areas.index) == ["a1", "a2", "a3", "a4", "a5", "a6"]
    assert fw.areas["clause"].tolist() == ["II.1", "II.2", "II.3", "II.4", "II.5", "II.6"]
    assert fw.sha256 == hashlib.sha256(default_framework_path().read_bytes()).hexdigest()
    assert list(fw.auxiliary.index) == ["d_dossiers_received"]
    assert list(fw.compliance.index) == ["r_days_late", "r_completeness_pct"]
    assert not fw.compliance["scored"].any()
    assert fw.indicators.at["i4_satisfaction_pct", "survey"]
    assert fw.indicators["survey"].sum() == 1
    assert fw.indicators.loc[["i2_remote_sessions", "i6_remote_contacts"], "allow_na"].all()
    assert fw.indicators.at["i4_dialogues", "clause"] == "II.4.d, II.4.đ"
    assert all(entry["change"]["vi"] and entry["change"]["en"] for entry in fw.changelog)


def test_neutral_levels_of_implementation(fw):
    assert fw.bands[["code", "min"]].values.tolist() == [["tot", 80.0], ["kha", 65.0], ["trung_binh", 50.0],
                                                          ["yeu", 0.0]]
    assert fw.bands["label_vi"].tolist() == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert fw.bands["label_en"].tolist() == ["Good", "Fair", "Average", "Weak"]
    assert fw.changelog[-1]["version"] == "dv33-2022.2"


def test_the_first_version_keeps_its_bands_for_the_record():
    old = load_framework(default_framework_path("dv33-2022.1"))
    assert old.bands["code"].tolist() == ["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"]
    new = load_framework(default_framework_path())
    assert old.indicator_ids() == new.indicator_ids()
    assert old.indicators["direction"].tolist() == new.indicators["direction"].tolist()



def test_vietnamese_texts_have_diacritics(fw):
    for col in ("label_vi", "measure_vi", "help_vi"):
        bare = fw.indicators.index[~fw.indicators[col].str.contains(VIETNAMESE)]
        assert bare.empty, (col, list(bare))
    assert fw.areas["label_vi"].str.contains(VIETNAMESE).all()
    assert fw.areas.at["a3", "label_vi"] == "Phong trào thi đua “Dân vận khéo”"
    assert (
        fw.areas.at["a6", "label_vi"]
        == "Phối hợp với Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội"
    )
    assert fw.indicators.at["i4_reception_days_pct", "clause"] == "II.4.đ"


def test_meta_district(fw):
    meta = fw.meta("district")
    assert meta.index.name == "code"
    assert list(meta.columns) == ["parent", "level", "weight", "direction", "lo", "hi", "denominator"]
    assert (meta["level"] == 1).sum() == 30 and (meta["level"] == 2).sum() == 6
    assert (
        meta.loc["index", "level"] == 3
        and meta["parent"].isna().sum() == 1
        and meta.loc["index"].isna()["parent"]
    )
    assert set(meta.loc[meta["level"] == 2, "parent"]) == {"index"}
    assert meta.loc["i2_sessions", ["parent", "lo", "hi", "denominator"]].tolist() == [
        "a2",
        0.0,
        4.0,
        "communes",
    ]
    assert meta.loc["i1_plan_delay_days", ["direction", "lo", "hi"]].tolist() == [-1, 60.0, 0.0]


def test_meta_department_applies_overrides(fw):
    meta = fw.meta("department")
    assert "i2_remote_sessions" not in meta.index and "i6_remote_contacts" not in meta.index
    assert (meta["level"] == 1).sum() == 28
    assert meta.loc["i2_sessions", "hi"] == 12.0 and meta["denominator"].isna()["i2_sessions"]
    assert meta.loc["i4_backlog_cases", ["lo", "hi"]].tolist() == [3.0, 0.0]
    assert (
        meta.loc["i5_conduct_complaints", "denominator"] == "dossiers_10k"
    )  # departments receive dossiers too
    assert set(meta.loc[meta["level"] == 1, "denominator"].dropna()) == {"dossiers_10k"}
    assert fw.indicator_ids("department") == [i for i in CATALOGUE if "remote" not in i]
    with pytest.raises(ValueError):
        fw.meta("commune")


# ---------------------------------------------------------------- validation rules
@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: ind(d, "i2_sessions").update(area="a9"), "unknown_area"),
        (lambda d: d["indicators"].append(copy.deepcopy(ind(d, "i2_sessions"))), "duplicate_id"),
        (lambda d: ind(d, "i2_sessions").update(goalposts=[4, 4]), "goalposts_equal"),
        (lambda d: ind(d, "i2_sessions").update(goalposts=["zero", 4]), "bad_goalposts"),
        (lambda d: ind(d, "i2_sessions").update(goalposts=[4]), "bad_goalposts"),
        (lambda d: ind(d, "i2_sessions").update(goalposts=[4, 0]), "goalposts_direction"),
        (lambda d: ind(d, "i2_staff_reached_pct").update(goalposts=[50, 120]), "goalposts_range"),
        (lambda d: ind(d, "i2_sessions").update(weight=0), "bad_weight"),
        (lambda d: ind(d, "i2_sessions").update(weight=-1), "bad_weight"),
        (lambda d: d["areas"][0].update(weight="heavy"), "bad_weight"),
        (lambda d: ind(d, "i2_sessions").update(clause=""), "missing_clause"),
        (lambda d: d["areas"][1].update(clause=" "), "missing_clause"),
        (lambda d: ind(d, "i2_sessions").update(label_en=""), "missing_label"),
        (lambda d: ind(d, "i2_sessions").pop("label_vi"), "missing_key"),
        (lambda d: d["areas"][2].update(short_vi=None), "missing_label"),
        (lambda d: ind(d, "i2_sessions").update(type="ratio"), "bad_type"),
        (lambda d: ind(d, "i2_sessions").update(direction=2), "bad_direction"),
        (lambda d: ind(d, "i2_sessions").update(direction=True), "bad_direction"),
        (lambda d: ind(d, "i2_sessions").update(denominator="households"), "bad_denominator"),
        (lambda d: ind(d, "i2_sessions").update(department={"denominator": "households"}), "bad_denominator"),
        (lambda d: ind(d, "i2_sessions").update(applies_to=["commune"]), "bad_kind"),
        (lambda d: ind(d, "i2_sessions").update(survey=True), "bad_survey"),
        (lambda d: ind(d, "i2_sessions").update(allow_na="yes"), "bad_bool"),
        (lambda d: d["bands"][2].update(min=80), "bands_not_descending"),
        (lambda d: d["bands"][3].update(min=10), "bands_no_floor"),
        (lambda d: d["bands"][0].update(min="ninety"), "bad_band"),
        (lambda d: d["bands"].append(dict(d["bands"][3])), "duplicate_id"),
        (lambda d: d.update(alow_na=True), "unknown_key"),
        (lambda d: ind(d, "i2_sessions").update(alow_na=True), "unknown_key"),
        (
            lambda d: ind(d, "i2_sessions").update(department={"goalposts": [0, 12], "weight": 2}),
            "unknown_key",
        ),
        (lambda d: d.pop("bands"), "missing_key"),
        (lambda d: d.update(deadline={"month": 2, "day": 30}), "bad_deadline"),
        (lambda d: d.update(coverage_threshold=1.5), "bad_threshold"),
        (lambda d: d.update(level_stability=0.4), "bad_stability"),
        (lambda d: d.update(level_stability="90%"), "bad_stability"),
        (lambda d: d.pop("level_stability"), "missing_key"),
        (lambda d: d.update(indicators=[i for i in d["indicators"] if i["area"] != "a6"]), "empty_area"),
        (
            lambda d: [i.update(applies_to=["district"]) for i in d["indicators"] if i["area"] == "a5"],
            "empty_area",
        ),
        (lambda d: d["changelog"][0].update(date="yesterday"), "bad_date"),
        (lambda d: d.update(areas={"a1": {}}), "not_list"),
        (lambda d: d["indicators"].append("i7_extra"), "not_mapping"),
    ],
)
def test_each_rule(tmp_path, raw, mutate, code):
    mutate(raw)
    assert code in codes(write(tmp_path, raw))


def test_every_problem_is_collected_with_its_line(tmp_path, raw):
    ind(raw, "i2_sessions").update(goalposts=[4, 4], weight=0)
    ind(raw, "i3_models_registered").update(area="a9", type="ratio")
    raw["bands"][2]["min"] = 80
    raw["unexpected"] = 1
    path = write(tmp_path, raw)
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    problems = info.value.problems
    assert {
        "goalposts_equal",
        "bad_weight",
        "unknown_area",
        "bad_type",
        "bands_not_descending",
        "unknown_key",
    } <= set(problems["code"])
    lines = path.read_text(encoding="utf-8").splitlines()
    row = problems.set_index("code").loc["goalposts_equal"]
    assert row["cell"] == "indicators[i2_sessions].goalposts" and row["indicator"] == "i2_sessions"
    assert lines[int(row["row"]) - 1].startswith("  goalposts:")
    assert "Hai mốc chuẩn hóa bằng nhau" in str(info.value) and "Both goalposts are equal" in str(info.value)


def test_yaml_syntax_error_and_duplicate_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: dv33\nareas: [a1\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(bad)
    assert info.value.problems["code"].tolist() == ["yaml_syntax"]
    assert info.value.problems["row"].notna().all()
    text = (
        default_framework_path()
        .read_text(encoding="utf-8")
        .replace("coverage_threshold: 0.6667", "coverage_threshold: 0.6667\ncoverage_threshold: 0.5", 1)
    )
    twice = tmp_path / "twice.yaml"
    twice.write_text(text, encoding="utf-8")
    problems = codes(twice)
    assert problems == {"duplicate_key"}


def test_empty_file_is_not_a_framework(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")
    assert codes(empty) == {"not_mapping"}
