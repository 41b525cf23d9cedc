"""The dated registry of units: the shipped file, dates, dated values and every validation rule."""

import datetime as dt

import pytest
import yaml

from danvan_eval.errors import RegistryError
from danvan_eval.model.units import COLUMNS, default_registry_path, load_registry

DISTRICTS = ["540", "542", "543", "544", "545", "546", "547", "548", "549", "550", "551"]


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture()
def raw():
    return yaml.safe_load(default_registry_path().read_text(encoding="utf-8"))


def write(tmp_path, data):
    path = tmp_path / "units.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def codes(path):
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    return set(info.value.problems["code"])


def unit(data, code):
    return next(u for u in data["units"] if str(u["code"]) == code)


# ---------------------------------------------------------------- the shipped registry
def test_shipped_registry_loads(reg):
    assert list(reg.units.columns) == COLUMNS
    assert reg.units["code"].is_unique
    assert reg.units.loc[reg.units["kind"] == "district", "code"].tolist() == DISTRICTS
    assert (reg.units["kind"] == "department").sum() == 8
    assert reg.units["source"].str.len().gt(20).all()  # every unit says where its facts come from
    assert reg.units["name_vi"].str.contains("Quy Nhơn|Hoài Ân|Vĩnh Thạnh|Sở Tư pháp").sum() == 4


def test_district_facts(reg):
    d = reg.units.set_index("code")
    assert d.loc["540", "name_vi"] == "Thành phố Quy Nhơn" and d.loc["551", "name_vi"] == "Huyện Vân Canh"
    assert d.loc["543", ["type_vi", "type_en"]].tolist() == ["Thị xã", "Town"]
    assert int(d.loc[DISTRICTS, "population"].sum()) == 1_486_918  # the 2019 census total of the province
    assert (
        int(d.loc["543", "population"]) == 207_995
    )  # census name "Huyện Hoài Nhơn", matched without the prefix
    for code in ("542", "546", "551"):  # mountainous districts: every commune counts
        assert d.loc[code, "mountainous"] and d.loc[code, "n_remote_communes"] == d.loc[code, "n_communes"]
    for code in ("540", "543", "545", "549", "550"):
        assert d.loc[code, "n_remote_communes"] == 0
    for code in ("544", "547", "548"):
        assert 0 < d.loc[code, "n_remote_communes"] < d.loc[code, "n_communes"]
        assert "ƯỚC TÍNH" in d.loc[code, "source"]


def test_active_by_year(reg):
    y2024 = reg.active(2024)
    assert y2024.loc[y2024["kind"] == "district", "code"].tolist() == DISTRICTS
    assert len(y2024) == 19
    assert not reg.active(2025)["code"].isin(DISTRICTS).any()
    assert reg.active(2025).empty  # Bình Định merged into Gia Lai on 1 July 2025
    march = reg.on("2025-03-15")
    assert "SKHDT" not in set(march["code"]) and "SNV" in set(march["code"]) and len(march) == 15


def test_dated_values(reg):
    assert reg.active(2024).set_index("code").loc["540", "n_communes"] == 21
    assert reg.on(dt.date(2025, 3, 1)).set_index("code").loc["540", "n_communes"] == 17
    assert reg.units.set_index("code").loc["540", "n_communes"] == 17  # units shows the latest value
    assert reg.get("540", 2022)["n_communes"] == 21
    history = reg.history[(reg.history["code"] == "540") & (reg.history["attribute"] == "n_communes")]
    assert history["value"].tolist() == [21, 17]


def test_get(reg):
    assert reg.get("SNV")["name_vi"] == "Sở Nội vụ"
    assert reg.get(540)["name_en"] == "Quy Nhơn City"
    with pytest.raises(KeyError, match="999"):
        reg.get("999")


# ---------------------------------------------------------------- validation rules
@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda d: d["units"].append(dict(unit(d, "542"))), "duplicate_id"),
        (lambda d: unit(d, "542").update(kind="village"), "bad_kind"),
        (lambda d: unit(d, "542").update(valid_to=dt.date(2019, 1, 1)), "dates_reversed"),
        (lambda d: unit(d, "542").update(valid_from="2020-13-01"), "bad_date"),
        (lambda d: unit(d, "542").update(population=-5), "negative_number"),
        (lambda d: unit(d, "542").update(population="many"), "bad_number"),
        (lambda d: unit(d, "542").update(n_communes=9.5), "bad_number"),
        (lambda d: unit(d, "542").update(name_vi=""), "missing_label"),
        (lambda d: unit(d, "SNV").pop("name_en"), "missing_key"),
        (lambda d: unit(d, "542").pop("population"), "missing_key"),  # a district needs its denominators
        (lambda d: unit(d, "542").update(source=""), "missing_source"),
        (lambda d: unit(d, "542").update(source=["ok", " "]), "missing_source"),
        (lambda d: unit(d, "542").update(mountainous="yes"), "bad_bool"),
        (lambda d: unit(d, "542").update(n_remote_communes=11), "remote_exceeds_communes"),
        (lambda d: unit(d, "542").update(colour="blue"), "unknown_key"),
        (lambda d: d.update(province="52"), "unknown_key"),
        (lambda d: unit(d, "540")["n_communes"].reverse(), "dated_not_ascending"),
        (lambda d: unit(d, "540")["n_communes"].pop(0), "dated_gap"),
        (lambda d: unit(d, "540").update(n_communes={"2020": 21}), "bad_dated_value"),
        (lambda d: unit(d, "540")["n_communes"].append({"since": "2025-06-01", "value": 3}), "missing_key"),
        (lambda d: d.update(units={"540": {}}), "not_list"),
        (lambda d: d["units"].append("551"), "not_mapping"),
    ],
)
def test_each_rule(tmp_path, raw, mutate, code):
    mutate(raw)
    assert code in codes(write(tmp_path, raw))


def test_every_problem_is_collected(tmp_path, raw):
    unit(raw, "542").update(kind="village", population=-1)
    unit(raw, "546").update(valid_to=dt.date(2019, 1, 1))
    unit(raw, "SNV").update(name_vi=" ")
    raw["units"].append(dict(unit(raw, "551")))
    path = write(tmp_path, raw)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    problems = info.value.problems
    assert {"bad_kind", "negative_number", "dates_reversed", "missing_label", "duplicate_id"} <= set(
        problems["code"]
    )
    dup = problems.set_index("code").loc["duplicate_id"]
    assert dup["unit"] == "551" and dup["cell"] == "units[551].code"
    assert "Danh mục đơn vị không hợp lệ" in str(info.value) and "Invalid registry of units" in str(
        info.value
    )


def test_yaml_syntax_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("units:\n  - code: '540\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(bad)
    assert info.value.problems["code"].tolist() == ["yaml_syntax"]


def test_a_unit_name_inside_a_sentence_lower_cases_an_administrative_kind():
    from danvan_eval.model.units import in_sentence

    assert in_sentence("Huyện Hoài Ân", "district") == "huyện Hoài Ân"
    assert in_sentence("Thành phố Quy Nhơn", "district") == "thành phố Quy Nhơn"
    assert in_sentence("Thị xã Hoài Nhơn") == "thị xã Hoài Nhơn"
    assert in_sentence("Xã Ia Tôr", "commune") == "xã Ia Tôr"
    assert in_sentence("Phường Quy Nhơn Bắc", "ward") == "phường Quy Nhơn Bắc"
    assert in_sentence("Sở Nội vụ", "department") == "Sở Nội vụ"
    assert in_sentence("Ban Dân tộc tỉnh") == "Ban Dân tộc tỉnh"
    assert in_sentence("Thành phố Quy Nhơn", "agency") == "Thành phố Quy Nhơn"  # the registry's kind decides
