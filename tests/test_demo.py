"""The synthetic demo data: reproducible, realistic, with every planted gap, valid, and never drifting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from danvan_eval import demo, demo_gia_lai
from danvan_eval.model.framework import default_framework_path, load_framework
from danvan_eval.model.observations import check, read_observations, validate
from danvan_eval.model.units import default_registry_path, load_registry

COMMITTED = Path(__file__).resolve().parent.parent / "data" / "demo"


@pytest.fixture(scope="module")
def fw():
    return load_framework(default_framework_path())


@pytest.fixture(scope="module")
def reg():
    return load_registry(default_registry_path())


@pytest.fixture(scope="module")
def tables(fw, reg):
    return demo.generate(fw, reg)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _cell(tables, year: int, unit: str, indicator: str) -> pd.Series:
    obs = tables[f"observations_{year}"]
    rows = obs[(obs["unit_code"] == unit) & (obs["indicator_id"] == indicator)]
    assert len(rows) == 1, (year, unit, indicator)
    return rows.iloc[0]


def test_same_seed_gives_identical_bytes(tmp_path, fw, reg):
    written = demo.write(tmp_path / "a", fw, reg, seed=7)
    demo.write(tmp_path / "b", fw, reg, seed=7)
    assert {p.name for p in written} == set(_files(tmp_path / "a"))
    assert _files(tmp_path / "a") == _files(tmp_path / "b")


def test_other_seed_gives_other_values(fw, reg, tables):
    other = demo.generate(fw, reg, seed=demo.SEED + 1)
    for name, df in tables.items():
        assert list(df.columns) == list(other[name].columns)
    a, b = tables["observations_2024"], other["observations_2024"]
    assert len(a) == len(b) and not a["value"].equals(b["value"])


def test_main_writes_the_folder(tmp_path):
    assert demo.main(["--out", str(tmp_path), "--seed", "3"]) == 0
    names = set(_files(tmp_path))
    years = (*demo.YEARS, *demo_gia_lai.YEARS)
    assert names == {f"{k}_{y}.csv" for k in ("observations", "submissions") for y in years} | {
        "README.md", f"free_text_{max(demo.YEARS)}.csv"}  # the units' own words of the last year, marked synthetic
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "DỮ LIỆU MÔ PHỎNG — không phải số liệu thật" in readme and "SYNTHETIC" in readme
    assert "--seed 3" in readme and "default_rng(3)" in readme and "default_rng([3, 2025])" in readme


def test_committed_demo_equals_fresh_generation(tmp_path, fw, reg):
    """data/demo is exactly what the generator writes today: regenerate it with `python -m danvan_eval.demo`."""
    demo.write(tmp_path, fw, reg)
    fresh, committed = _files(tmp_path), _files(COMMITTED)
    assert set(committed) == set(fresh)
    stale = [name for name in fresh if committed[name] != fresh[name]]
    assert not stale, f"data/demo is stale ({stale}): run `python -m danvan_eval.demo`"


@pytest.mark.parametrize("year", demo.YEARS)
def test_demo_files_pass_validation(fw, reg, year):
    path = COMMITTED / f"observations_{year}.csv"
    raw = read_observations(path)
    assert validate(raw, fw, reg, year, file=str(path)).empty
    typed = check(raw, fw, reg, year, file=str(path))
    assert len(typed) == len(raw)


def test_every_planted_kind_is_there():
    kinds = {g.kind for g in demo.PLANTED}
    assert {"late", "missing", "area_missing", "outlier", "absent", "not_applicable"} <= kinds


def test_late_report(fw, tables):
    (gap,) = [g for g in demo.PLANTED if g.kind == "late"]
    subs = tables[f"submissions_{gap.year}"]
    received = pd.to_datetime(subs.set_index("unit_code")["received"]).dt.date
    due = dt.date(gap.year, *fw.deadline)
    assert received[gap.unit_code] == dt.date.fromisoformat(gap.target) > due
    assert (received.drop(gap.unit_code) <= due).all()
    assert _cell(tables, gap.year, gap.unit_code, "i1_plan_issued")["status"] == "reported"  # late, yet complete


def test_missing_indicator(tables):
    (gap,) = [g for g in demo.PLANTED if g.kind == "missing"]
    row = _cell(tables, gap.year, gap.unit_code, gap.target)
    assert row["status"] == "missing" and pd.isna(row["value"]) and pd.isna(row["n"])


def test_area_gap_leaves_too_little_weight(fw, tables):
    (gap,) = [g for g in demo.PLANTED if g.kind == "area_missing"]
    obs = tables[f"observations_{gap.year}"]
    weights = fw.indicators["weight"]
    mine = obs[(obs["unit_code"] == gap.unit_code) & obs["indicator_id"].isin(weights.index[fw.indicators["area"] == gap.target])]
    applicable = mine[mine["status"] != "not_applicable"]
    present = applicable[applicable["status"] == "reported"]
    coverage = weights[present["indicator_id"]].sum() / weights[applicable["indicator_id"]].sum()
    assert coverage < fw.coverage_threshold


def test_nothing_missing_beyond_the_planted_gaps(tables):
    planted = {(g.year, g.unit_code) for g in demo.PLANTED if g.kind in ("missing", "area_missing")}
    obs = pd.concat(tables[f"observations_{y}"] for y in demo.YEARS)
    missing = obs[obs["status"] == "missing"]
    assert set(zip(missing["year"], missing["unit_code"])) == planted


def test_not_applicable_where_no_remote_commune(fw, reg, tables):
    remote = list(fw.indicators.index[fw.indicators["denominator"] == "remote_communes"])
    for year in demo.YEARS:
        districts = reg.active(year).query("kind == 'district'").set_index("code")
        obs = tables[f"observations_{year}"]
        for ind in remote:
            status = obs[obs["indicator_id"] == ind].set_index("unit_code")["status"]
            none = districts.index[districts["n_remote_communes"] == 0]
            assert len(none) and (status[none] == "not_applicable").all()
            assert (status[districts.index.difference(none)] == "reported").all()


def test_planted_not_applicable(tables):
    gaps = [g for g in demo.PLANTED if g.kind == "not_applicable"]
    assert len({g.unit_code for g in gaps}) >= 2
    for gap in gaps:
        row = _cell(tables, gap.year, gap.unit_code, gap.target)
        assert row["status"] == "not_applicable" and pd.isna(row["value"])


def test_outlier(reg, tables):
    (gap,) = [g for g in demo.PLANTED if g.kind == "outlier"]
    obs = tables[f"observations_{gap.year}"]
    communes = reg.active(gap.year).set_index("code")["n_communes"].astype(float)
    sessions = obs[obs["indicator_id"] == gap.target].set_index("unit_code")["value"]
    per_commune = (sessions / communes).dropna()
    assert per_commune[gap.unit_code] > 5 * per_commune.drop(gap.unit_code).median()


def test_absent_department(reg, tables):
    (gap,) = [g for g in demo.PLANTED if g.kind == "absent"]
    assert reg.get(gap.unit_code)["kind"] == "department"
    assert gap.unit_code in set(reg.active(gap.year)["code"])  # expected, yet nothing arrived
    assert gap.unit_code not in set(tables[f"observations_{gap.year}"]["unit_code"])
    assert gap.unit_code not in set(tables[f"submissions_{gap.year}"]["unit_code"])
    assert gap.unit_code in set(tables[f"observations_{gap.year + 1}"]["unit_code"])


def test_every_reporting_unit_has_every_applicable_indicator(fw, reg, tables):
    absent = {(g.year, g.unit_code) for g in demo.PLANTED if g.kind == "absent"}
    for year in demo.YEARS:
        obs = tables[f"observations_{year}"]
        for _, unit in reg.active(year).iterrows():
            if (year, unit["code"]) in absent:
                continue
            got = list(obs.loc[obs["unit_code"] == unit["code"], "indicator_id"])
            assert got == [demo.DOSSIERS, *fw.indicator_ids(unit["kind"])], (year, unit["code"])
        assert (obs.loc[obs["indicator_id"] == demo.DOSSIERS, "status"] == "reported").all()


def test_values_have_their_indicator_form(fw, tables):
    types = pd.concat([fw.indicators["type"], fw.auxiliary["type"]])
    for name, df in tables.items():
        if not name.startswith("observations_"):
            continue
        rep = df[df["status"] == "reported"]
        kind = rep["indicator_id"].map(types)
        v = rep["value"]
        assert v[kind == "bool"].isin([0, 1]).all()
        assert (v[kind.isin(["count", "days"])] % 1 == 0).all()
        assert np.allclose(v[kind == "pct"], v[kind == "pct"].round(1))
        survey = rep["indicator_id"].map(fw.indicators["survey"]).fillna(False).astype(bool)
        assert rep.loc[survey, "n"].between(*demo.SURVEY_N).all()
        assert rep.loc[~survey, "n"].isna().all()


def test_terrain_shapes_the_values(reg, tables):
    """Mountainous districts are weaker online than Quy Nhơn, and bigger districts count more sessions."""
    districts = reg.active(2024).query("kind == 'district'").set_index("code")
    obs = pd.concat(tables[f"observations_{y}"] for y in demo.YEARS)
    online = obs[obs["indicator_id"] == "i4_online_dossiers_pct"].groupby("unit_code")["value"].mean()
    mountain = districts.index[districts["mountainous"].astype(bool)]
    assert online[mountain].max() < online["540"]
    dossiers = obs[obs["indicator_id"] == demo.DOSSIERS].groupby("unit_code")["value"].mean()
    assert dossiers[districts.index].corr(districts["population"].astype(float)) > 0.9
