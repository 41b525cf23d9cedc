"""The synthetic 2025–2026 data of the new Gia Lai: valid, sized by population and period, with every planted gap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from danvan_eval import demo, demo_gia_lai
from danvan_eval.evaluation import plausibility
from danvan_eval.model.framework import default_framework_path, load_framework
from danvan_eval.model.observations import check, read_observations, validate
from danvan_eval.model.plausibility import load_plausibility
from danvan_eval.model.units import load_registry
from danvan_eval.paths import PROJECT_ROOT

COMMITTED = PROJECT_ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def fw():
    return load_framework(default_framework_path("dv33-2025.1"))


@pytest.fixture(scope="module")
def reg():
    return load_registry(PROJECT_ROOT / "parameters" / "units" / "gia-lai.yaml")


@pytest.fixture(scope="module")
def obs(fw, reg):
    """The committed files, validated (the committed folder equals a fresh generation: tests/test_demo.py)."""
    frames = []
    for year in demo_gia_lai.YEARS:
        path = COMMITTED / f"observations_{year}.csv"
        raw = read_observations(path)
        assert validate(raw, fw, reg, year, file=str(path)).empty
        frames.append(check(raw, fw, reg, year, file=str(path)))
    return pd.concat(frames, ignore_index=True)


def _gaps(kind):
    return [g for g in demo_gia_lai.PLANTED if g.kind == kind]


def test_generation_is_seeded_and_leaves_the_2022_2024_files_alone(fw, reg, tmp_path):
    a = demo_gia_lai.generate(fw, reg, seed=5)
    b = demo_gia_lai.generate(fw, reg, seed=5)
    assert all(a[k].equals(b[k]) for k in a) and not a["observations_2026"].equals(
        demo_gia_lai.generate(fw, reg, seed=6)["observations_2026"])
    assert set(a) == {f"{k}_{y}" for k in ("observations", "submissions") for y in (2025, 2026)}
    readme = (COMMITTED / "README.md").read_text(encoding="utf-8")
    assert "DỮ LIỆU MÔ PHỎNG" in readme and "Gia Lai, 2025–2026 — SYNTHETIC DATA" in readme
    assert demo.YEARS == (2022, 2023, 2024)


def test_every_unit_reports_except_the_one_that_never_does(obs, reg):
    never = {g.unit_code for g in _gaps("absent")}
    assert never == {"21616"} and {g.year for g in _gaps("absent")} == {2025, 2026}
    for year in (2025, 2026):
        active = set(reg.active(year)["code"])
        assert set(obs.loc[obs["year"] == year, "unit_code"]) == active - never
        subs = pd.read_csv(COMMITTED / f"submissions_{year}.csv", dtype=str)
        assert set(subs["unit_code"]) == active - never
        late = {g.unit_code: g.target for g in _gaps("late") if g.year == year}
        for code, received in zip(subs["unit_code"], subs["received"]):
            due = dt.date(year, 11, 25)
            assert (dt.date.fromisoformat(received) > due) == (code in late)


def test_remote_indicators_not_applicable_exactly_outside_mountainous_areas(obs, reg):
    units = reg.active(2026).set_index("code")
    remote = obs[obs["indicator_id"].isin(["i2_remote_sessions", "i6_remote_contacts"])]
    mountainous = remote["unit_code"].map(units["mountainous"]).astype(bool)
    assert (remote.loc[~mountainous, "status"] == "not_applicable").all()
    assert (remote.loc[mountainous, "status"] == "reported").all()
    assert not remote["unit_code"].map(units["kind"]).eq("agency").any()


def test_counts_follow_population_and_the_period(obs, reg):
    units = reg.active(2026).set_index("code")
    dossiers = obs[obs["indicator_id"] == "d_dossiers_received"].pivot(index="unit_code", columns="year",
                                                                        values="value")
    communes = dossiers.index[dossiers.index.map(units["kind"]) != "agency"]
    known = [c for c in communes if pd.notna(units.at[c, "population"])]
    assert dossiers.loc[known, 2026].corr(units.loc[known, "population"].astype(float)) > 0.9
    # 2025 covers 1 July–25 November: about 148/365 of a year
    assert (dossiers[2025] / dossiers[2026]).median() == pytest.approx(148 / 365, rel=0.1)


def test_every_share_is_a_numerator_out_of_its_denominator(obs, fw):
    rules = load_plausibility(fw)
    (pairs,) = [r.pairs for r in rules.rules if r.check == "part_whole"]
    wide = obs.pivot_table(index=["year", "unit_code"], columns="indicator_id", values="value")
    for part, whole in pairs:
        both = wide[[part, whole]].dropna()
        assert (both[part] <= both[whole]).all(), part
    no_projects = obs[(obs["unit_code"] == "21607") & obs["indicator_id"].isin(["i1_projects_danvan", "d_projects_land"])]
    assert list(no_projects["status"]) == ["reported", "not_applicable"] * 2 and no_projects["value"].max() == 0


def test_unknown_populations_still_report(obs, reg):
    unknown = reg.active(2026).query("kind != 'agency' and population.isna()")["code"]
    sessions = obs[(obs["indicator_id"] == "i2_sessions") & obs["unit_code"].isin(unknown)]
    assert len(sessions) == 2 * len(unknown) == 28 and (sessions["status"] == "reported").all()


def test_the_planted_outlier_is_flagged_and_the_gaps_are_there(obs, fw, reg):
    (outlier,) = _gaps("outlier")
    found = plausibility.findings(obs, fw, reg, outlier.year, load_plausibility(fw))
    flagged = found[(found["unit"] == outlier.unit_code) & (found["indicator"] == outlier.target)]
    assert set(flagged["code"]) == {"peer_outlier", "history_ratio"}
    (missing,) = _gaps("missing")
    row = obs[(obs["year"] == missing.year) & (obs["unit_code"] == missing.unit_code)
              & (obs["indicator_id"] == missing.target)]
    assert list(row["status"]) == ["missing"]
    (area,) = _gaps("area_missing")
    a5 = fw.indicators.index[fw.indicators["area"] == "a5"]
    cells = obs[(obs["year"] == area.year) & (obs["unit_code"] == area.unit_code) & obs["indicator_id"].isin(a5)]
    assert (cells["status"] != "reported").all()
    assert set(obs.loc[obs["status"] == "missing", "unit_code"]) == {missing.unit_code, area.unit_code}
