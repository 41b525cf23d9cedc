"""The new Gia Lai: its registry (sources, unknown figures, supplements), peer groups as data, and 2025–2026."""

import copy

import pandas as pd
import pytest
import yaml

from danvan_eval.errors import RegistryError
from danvan_eval.evaluation.scoring import score
from danvan_eval.formatting import shown
from danvan_eval.model import groups
from danvan_eval.model.units import default_registry_path, load_registry
from danvan_eval.paths import PROJECT_ROOT

GIA_LAI = PROJECT_ROOT / "parameters" / "units" / "gia-lai.yaml"
UNKNOWN = {"21859", "21970", "21820", "21697", "21994", "21622", "23911", "23954", "23995", "23833", "24044",
           "24065", "23683", "23737"}  # the 14 populations of data/reference/admin_units/README.md


@pytest.fixture(scope="module")
def gl():
    return load_registry(GIA_LAI)


def write(tmp_path, data, name="units.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the registry
def test_the_registry_holds_135_communes_and_wards_and_15_agencies_from_1_july_2025(gl):
    units = gl.active(2026)
    assert len(units) == 150 and gl.active(2024).empty
    assert units["kind"].value_counts().to_dict() == {"commune": 110, "ward": 25, "agency": 15}
    assert units["peer_group"].value_counts().to_dict() == {
        "xa_mien_nui": 80, "xa_dong_bang": 30, "phuong": 25, "co_quan_tinh": 15}
    assert gl.group_ids() == ["phuong", "xa_mien_nui", "xa_dong_bang", "co_quan_tinh"]
    assert units["population"].notna().sum() == 121 and units["population"].sum() == 3_301_011
    assert round(units["area_km2"].sum(), 2) == 21576.56
    ia_mo = units.set_index("code").loc["23737"]  # CV 1027's code, not its old 23938
    assert ia_mo["name_vi"] == "Xã Ia Mơ" and pd.isna(ia_mo["population"])


def test_unknown_populations_are_null_with_their_status_never_a_number(gl):
    units = gl.units.set_index("code")
    communes = units[units["kind"] != "agency"]
    assert set(communes.index[communes["population"].isna()]) == UNKNOWN
    assert (communes.loc[sorted(UNKNOWN), "population_status"] == "unknown").all()
    hist = gl.history[gl.history["code"].isin(UNKNOWN)]
    assert hist["value"].isna().all() and hist["source"].str.contains("mất chữ số cuối").all()
    known = gl.history[(gl.history["code"] == "21583") & (gl.history["attribute"] == "population")].iloc[0]
    assert known["value"] == 129326 and known["confidence"] == "medium" and "bando" in known["source"]
    assert units.loc["21583", "mountainous_status"] == "unknown" and not units.loc["21583", "mountainous"]
    assert units.loc["21697", "mountainous_status"] == "possible" and units.loc["21697", "mountainous"]


def test_a_supplement_supplies_a_figure_with_its_source_and_an_estimate_stays_an_estimate(tmp_path):
    raw = yaml.safe_load(GIA_LAI.read_text(encoding="utf-8"))
    raw["supplements"] = "extra.yaml"
    write(tmp_path, {"supplements": [
        {"code": "21859", "attribute": "population", "from": "2025-07-01", "value": 41000, "status": "estimate",
         "source": "Ước tính của Sở Nội vụ từ Tổng điều tra 2019 × 1,08"},
        {"code": "23737", "attribute": "population", "from": "2025-07-01", "value": 3100,
         "source": "Đề án 393/ĐA-CP, phụ lục (bản giấy)"},
    ]}, "extra.yaml")
    reg = load_registry(write(tmp_path, raw))
    units = reg.active(2026).set_index("code")
    assert units.loc["21859", "population"] == 41000 and units.loc["21859", "population_status"] == "estimate"
    assert units.loc["23737", "population"] == 3100 and units.loc["23737", "population_status"] == "official"
    assert units["population"].isna().sum() == 15 + 12  # agencies + the 12 still unknown


def test_every_problem_of_a_bad_registry_and_its_supplements_is_named(tmp_path):
    raw = yaml.safe_load(GIA_LAI.read_text(encoding="utf-8"))
    raw["supplements"] = "extra.yaml"
    by_code = {u["code"]: u for u in raw["units"]}
    by_code["21553"]["peer_group"] = "thi_tran"  # not declared
    by_code["21583"]["population"] = {"value": None, "source": "x"}  # null without status unknown
    by_code["21589"]["population"] = {"value": 5000, "status": "unknown", "source": "x"}
    by_code["21592"]["area_km2"] = {"value": -3, "source": "x"}
    by_code["21601"]["mountainous"] = {"value": True, "status": "maybe", "basis": "x", "confidence": "sure"}
    by_code["21607"].pop("population")
    by_code["GL-SNV"]["kind"] = "village"
    raw["peer_groups"].append(copy.deepcopy(raw["peer_groups"][0]))
    write(tmp_path, {"supplements": [
        {"code": "99999", "attribute": "population", "from": "2025-07-01", "value": 1, "source": "x"},
        {"code": "21859", "attribute": "area", "from": "2025-07-01", "value": 1, "source": "x"},
        {"code": "21859", "attribute": "population", "from": "2025-07-01", "value": 1},
    ]}, "extra.yaml")
    with pytest.raises(RegistryError) as info:
        load_registry(write(tmp_path, raw))
    p = info.value.problems
    found = set(zip(p["code"], p["unit"].fillna("")))
    assert {("bad_peer_group", "21553"), ("null_not_unknown", "21583"), ("unknown_with_value", "21589"),
            ("bad_area", "21592"), ("bad_status", "21601"), ("bad_confidence", "21601"),
            ("missing_key", "21607"), ("bad_kind", "GL-SNV"), ("duplicate_id", ""),
            ("unknown_unit", "99999"), ("bad_attribute", "21859"), ("missing_key", "21859")} <= found
    assert set(p["file"].map(lambda f: f.rsplit("/", 1)[-1])) == {"units.yaml", "extra.yaml"}
    assert p["row"].notna().all() and p["message_vi"].str.len().gt(0).all() and p["message_en"].str.len().gt(0).all()
    assert "Danh mục đơn vị không hợp lệ" in str(info.value) and "Invalid registry of units" in str(info.value)


def test_groups_of_a_registry_without_peer_groups_are_its_kinds(gl):
    bd = load_registry(default_registry_path())
    assert bd.group_ids() == ["district", "department"]
    assert (bd.units["peer_group"] == bd.units["kind"]).all()
    assert groups.label("phuong", "vi") == "Phường" and groups.label("district", "en") == "Districts, towns and city"
    assert groups.order(["co_quan_tinh", "xa_mien_nui", "phuong"]) == ["phuong", "xa_mien_nui", "co_quan_tinh"]


# ---------------------------------------------------------------- peer groups as data, on the 2022–2024 data
@pytest.fixture(scope="module")
def split(tmp_path_factory, run):
    """Bình Định's registry with the districts split into two peer groups and An Lão's population unknown."""
    raw = yaml.safe_load(default_registry_path().read_text(encoding="utf-8"))
    raw["peer_groups"] = [
        {"id": "huyen_mien_nui", "label_vi": "Huyện miền núi", "label_en": "Mountain districts"},
        {"id": "huyen_dong_bang", "label_vi": "Huyện đồng bằng", "label_en": "Lowland districts"},
        {"id": "department", "label_vi": "Sở, ban, ngành", "label_en": "Departments"},
    ]
    for u in raw["units"]:
        u["peer_group"] = ("department" if u["kind"] == "department" else
                           "huyen_mien_nui" if u["code"] in ("542", "546", "551") else "huyen_dong_bang")
        if u["code"] == "542":
            u["population"] = {"value": None, "status": "unknown", "source": "thử nghiệm / test"}
    reg = load_registry(write(tmp_path_factory.mktemp("split"), raw))
    from danvan_eval.evaluation.year import load_inputs

    fw, _, obs, _ = load_inputs(run)
    return score(obs, fw, reg, 2024), fw


def test_ranks_are_given_only_within_each_peer_group(split):
    ev, _ = split
    units = ev.of_year("units")
    sizes = units.groupby("kind")["unit_code"].count().to_dict()
    assert sizes == {"huyen_mien_nui": 3, "huyen_dong_bang": 8, "department": len(units) - 11}
    for group, rows in units.groupby("kind"):
        ranked = rows.dropna(subset=["composite"])
        # at the precision shown: equal one-decimal composites share the rank
        expected = ranked["composite"].map(shown).rank(method="min", ascending=False).astype(int)
        assert list(ranked["rank"]) == list(expected), group
        assert (rows["n_ranked"] == len(ranked)).all()
    assert set(ev.coins) == {"huyen_mien_nui", "huyen_dong_bang", "department"}


def test_an_unknown_population_sets_its_indicators_aside_and_the_area_rests_on_the_others(split):
    ev, _ = split
    ind = ev.of_year("indicators")
    an_lao = ind[ind["unit_code"] == "542"].set_index("indicator_id")
    aside = set(an_lao.index[an_lao["status"] == "unknown_denominator"])
    assert aside == {"i3_exemplars_commended", "i4_backlog_cases"}  # the two per-10,000-inhabitant indicators
    assert an_lao.loc[sorted(aside), "score"].isna().all()
    a3 = an_lao[(an_lao["area"] == "a3") & (an_lao["status"] == "reported")]["score"]
    area = ev.of_year("areas").set_index(["unit_code", "area"]).loc[("542", "a3"), "score"]
    assert area == pytest.approx(a3.mean())  # equal weights: the mean of the indicators still scored
    others = ind[(ind["unit_code"] != "542")]
    assert not (others["status"] == "unknown_denominator").any()
